/**
 * @file sampler.h
 * @brief Trajectory sampling: keyed hash-based selection (RFC 5475/5476),
 *        64-bit packet labels, key epochs, sampling key files.
 *
 * Every node of a chain hashes the same invariant bytes of a packet (a field
 * set, see packet.h) with the same epoch key and selects the packet when the
 * hash falls into the agreed ranges, so all nodes log the same packets.  A
 * second, independently keyed hash over the same bytes gives the packet's
 * 64-bit label, by which records of one packet at different hops are joined.
 *
 * Three hash functions (docs/sampling.md discusses their security):
 * - ::VNFO_SAMPLER_HASH_XXH3: seeded XXH3-64; fastest, not a PRF: use it only
 *   when the provider is trusted not to game the selection;
 * - ::VNFO_SAMPLER_HASH_SIPHASH: SipHash-2-4 (libsodium crypto_shorthash) with
 *   a 128-bit key; a PRF, so without the key nobody can predict which
 *   packets are logged (RFC 5475 section 6.2.3);
 * - ::VNFO_SAMPLER_HASH_BOB: RFC 5475 Appendix A.2 (Jenkins lookup2, 32-bit
 *   output), for interoperability with PSAMP devices.
 *
 * Keys: a 32-byte master key; per-epoch selection and label keys are
 * derived with crypto_kdf (docs/sampling.md, "Key epochs").  A configured
 * sampler is immutable: decisions take it const, allocate nothing, record no
 * error message and may run from any number of threads at once.
 */
#ifndef VNFO_SAMPLER_H
#define VNFO_SAMPLER_H

#include <vnfo/common.h>
#include <vnfo/packet.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of a sampling master key. */
#define VNFO_SAMPLER_KEY_BYTES 32
/** Bytes of a key commitment (BLAKE2b-256). */
#define VNFO_SAMPLER_COMMITMENT_BYTES 32
/** Buffer size for vnfo_sampler_key_commitment_format(): "blake2b:" + 64 hex + NUL. */
#define VNFO_SAMPLER_COMMITMENT_TEXT_SIZE 73
/** Most selection ranges a sampler holds. */
#define VNFO_SAMPLER_MAX_RANGES 16
/** Most packets one vnfo_sampler_decide_burst() call takes. */
#define VNFO_SAMPLER_BURST_MAX 256

/** Hash functions (values are stable; they may appear in manifests). */
typedef enum vnfo_sampler_hash {
    VNFO_SAMPLER_HASH_XXH3 = 1,    /**< "xxh3-64": seeded XXH3, 64-bit output. */
    VNFO_SAMPLER_HASH_SIPHASH = 2, /**< "siphash-2-4": SipHash-2-4, 128-bit key, 64-bit output. */
    VNFO_SAMPLER_HASH_BOB = 3,     /**< "bob": RFC 5475 A.2, 32-bit output. */
} vnfo_sampler_hash;

/** An inclusive range [lo, hi] of hash values. */
typedef struct vnfo_sampler_range {
    uint64_t lo; /**< First selected hash value. */
    uint64_t hi; /**< Last selected hash value (inclusive). */
} vnfo_sampler_range;

/** Option flag: BOB's selection hash uses vnfo_sampler_options::bob_initval
 *  instead of an init value derived from the epoch key (PSAMP interop). */
#define VNFO_SAMPLER_BOB_FIXED_INITVAL 0x1u

/** Version of ::vnfo_sampler_options understood by this library. */
#define VNFO_SAMPLER_OPTIONS_VERSION 1

/**
 * @brief How a sampler selects packets.
 *
 * Selection is either the explicit ranges (when nranges > 0: PSAMP
 * semantics, inclusive and non-overlapping, in any order, within the hash's
 * output space) or the rate: rate.num / rate.den (den 0 meaning 2^64)
 * becomes the single range [0, floor(2^H * rate) - 1] of the H-bit hash
 * space.  vnfo_sampler_probability() gives the realised probability
 * exactly; it equals the rate whenever rate.den is a power of two no larger
 * than 2^H.
 */
typedef struct vnfo_sampler_options {
    unsigned version;                 /**< VNFO_SAMPLER_OPTIONS_VERSION. */
    uint32_t hash;                    /**< A ::vnfo_sampler_hash (default siphash-2-4). */
    vnfo_packet_fields fields;        /**< Bytes hashed (default psamp, 8 payload bytes). */
    vnfo_rational rate;               /**< Selection rate when nranges is 0 (default 1/64). */
    const vnfo_sampler_range *ranges; /**< Explicit ranges (copied by create), or NULL. */
    size_t nranges;                   /**< Number of ranges, 0..VNFO_SAMPLER_MAX_RANGES. */
    uint64_t epoch;                   /**< Key epoch (default 0). */
    uint32_t flags;                   /**< VNFO_SAMPLER_* option flags. */
    uint32_t bob_initval;             /**< BOB init value with VNFO_SAMPLER_BOB_FIXED_INITVAL. */
} vnfo_sampler_options;

/** Initialiser: siphash-2-4, psamp fields, rate 1/64, epoch 0. */
#define VNFO_SAMPLER_OPTIONS_INIT                                                             \
    { VNFO_SAMPLER_OPTIONS_VERSION, VNFO_SAMPLER_HASH_SIPHASH, VNFO_PACKET_FIELDS_INIT, {1, 64}, \
      NULL, 0, 0, 0, 0 }

/** A configured sampler (opaque, immutable, holds the keys; wiped on free). */
typedef struct vnfo_sampler vnfo_sampler;

/**
 * @brief One sampling decision.  Fixed layout: never grows.
 */
typedef struct vnfo_sampler_decision {
    uint64_t hash;     /**< The selection hash (32-bit for bob). */
    uint64_t label;    /**< The packet label when selected; 0 when not selected. */
    uint64_t epoch;    /**< The key epoch the decision was made in. */
    int32_t status;    /**< A ::vnfo_status: VNFO_OK, or why the packet could not be hashed. */
    uint8_t selected;  /**< 1 when the packet is to be logged. */
    uint8_t reserved_[3]; /**< Zero. */
} vnfo_sampler_decision;

/**
 * @brief Initialise sampler options to VNFO_SAMPLER_OPTIONS_INIT.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_STRUCT_VERSION.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_sampler_options_init(vnfo_sampler_options *out, unsigned version);

/**
 * @brief Create a sampler for one key epoch.
 * @param[out] out The sampler; NULL on failure.
 * @param opts Options (checked: version, hash, fields, rate or ranges).
 * @param master_key VNFO_SAMPLER_KEY_BYTES bytes; copied, the caller wipes its copy.
 * @param key_len Must be VNFO_SAMPLER_KEY_BYTES.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_STRUCT_VERSION,
 *         VNFO_E_SAMPLER_HASH_UNKNOWN, VNFO_E_SAMPLER_RATE,
 *         VNFO_E_SAMPLER_RANGES, VNFO_E_NOT_INITIALIZED or VNFO_E_NO_MEMORY,
 *         each with a message naming the option.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_sampler_create(vnfo_sampler **out, const vnfo_sampler_options *opts,
                                         const uint8_t *master_key, size_t key_len);

/**
 * @brief A copy of a sampler for another key epoch (same options and master
 *        key): build the next epoch's sampler, then swap pointers.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_NO_MEMORY.
 * @par Thread safety: safe (s is only read).
 */
VNFO_API vnfo_status vnfo_sampler_rekey(vnfo_sampler **out, const vnfo_sampler *s, uint64_t epoch);

/**
 * @brief Wipe (keys included) and free a sampler.  Accepts NULL.
 * @par Thread safety: per handle; no decision may be running on it.
 */
VNFO_API void vnfo_sampler_free(vnfo_sampler *s);

/**
 * @brief The key epoch of a sampler (0 for NULL).
 * @par Thread safety: safe.
 */
VNFO_API uint64_t vnfo_sampler_epoch(const vnfo_sampler *s);

/**
 * @brief The realised selection probability, exactly: the selected share of
 *        the hash space, reduced (den 0 means 2^64; 1/1 when all is selected).
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_sampler_probability(vnfo_rational *out, const vnfo_sampler *s);

/**
 * @brief The selection ranges in effect (sorted), e.g. to publish them.
 * @param[out] out Room for VNFO_SAMPLER_MAX_RANGES ranges suffices.
 * @param cap Number of ranges out holds.
 * @param[out] out_n Number of ranges.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_BUFFER_TOO_SMALL (out_n
 *         then holds the number needed).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_sampler_ranges(vnfo_sampler_range *out, size_t cap, size_t *out_n,
                                         const vnfo_sampler *s);

/**
 * @brief Decide one packet: parse, extract the field set, hash, compare
 *        with the ranges; the label is computed for selected packets only.
 * @param[out] out The decision; out->status repeats the return value.
 * @param s The sampler.
 * @param pkt, len The captured packet.
 * @param linktype Its pcap link type (VNFO_LINKTYPE_*).
 * @param flowtag The packet's FlowTag, 0 for none; only field sets that
 *        contain the tag read it (nat-safe, custom with "flowtag").
 * @return VNFO_OK (selected or not), VNFO_E_INVALID_ARGUMENT, or the packet
 *         status (VNFO_E_PACKET_NOT_IP, _TRUNCATED, _MALFORMED, _UNSUPPORTED):
 *         such packets are not selected.  Records no message, allocates
 *         nothing.
 * @par Thread safety: safe; any number of threads may share one sampler.
 */
VNFO_API vnfo_status vnfo_sampler_decide(vnfo_sampler_decision *out, const vnfo_sampler *s,
                                         const uint8_t *pkt, size_t len, uint32_t linktype,
                                         uint32_t flowtag);

/**
 * @brief vnfo_sampler_decide() for an already parsed packet.
 * @return As vnfo_sampler_decide().
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_sampler_decide_view(vnfo_sampler_decision *out, const vnfo_sampler *s,
                                              const vnfo_packet_view *v, uint32_t flowtag);

/**
 * @brief Decide a burst of packets of one link type (as DPDK or VPP deliver
 *        them, 32 to 256 at a time).
 * @param[out] out n decisions; out[i].status tells each packet's outcome.
 * @param[out] out_selected Number of selected packets (may be NULL).
 * @param s The sampler.
 * @param pkts n packet pointers.
 * @param lens n captured lengths.
 * @param flowtags n FlowTags, or NULL when no packet has one.
 * @param n 0..VNFO_SAMPLER_BURST_MAX.
 * @param linktype The link type of every packet.
 * @return VNFO_OK when every packet was considered (whatever their own
 *         status), or VNFO_E_INVALID_ARGUMENT (NULL arrays, n too large).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_sampler_decide_burst(vnfo_sampler_decision *out, size_t *out_selected,
                                               const vnfo_sampler *s, const uint8_t *const *pkts,
                                               const uint32_t *lens, const uint32_t *flowtags,
                                               size_t n, uint32_t linktype);

/**
 * @brief The 64-bit label of a packet whether or not it is selected.
 * @return As vnfo_sampler_decide().
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_sampler_label(uint64_t *out, const vnfo_sampler *s, const uint8_t *pkt,
                                        size_t len, uint32_t linktype, uint32_t flowtag);

/**
 * @brief The sampler's selection hash of arbitrary bytes (for checking a
 *        decision by hand, interop tests and benchmarks).
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_sampler_hash_bytes(uint64_t *out, const vnfo_sampler *s,
                                             const uint8_t *data, size_t len);

/**
 * @brief The BOB hash of RFC 5475 Appendix A.2 (Jenkins lookup2).
 * @return The 32-bit hash of data[0..len) with the given init value.
 * @par Thread safety: safe.
 */
VNFO_API uint32_t vnfo_sampler_bob(const uint8_t *data, size_t len, uint32_t initval);

/* ---- text forms ---------------------------------------------------------- */

/**
 * @brief Parse a hash name: "xxh3-64", "siphash-2-4" or "bob".
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_SAMPLER_HASH_UNKNOWN.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_sampler_hash_parse(uint32_t *out, const char *name);

/**
 * @brief The name of a hash ("xxh3-64", ...), or "unknown".
 * @par Thread safety: safe.
 */
VNFO_API const char *vnfo_sampler_hash_name(uint32_t hash);

/**
 * @brief Parse a rate: "num/den" or "num/2^n" (decimal integers, n <= 64),
 *        0 < rate <= 1, e.g. "1/64", "3/2^10".
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_SAMPLER_RATE with a message.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_sampler_rate_parse(vnfo_rational *out, const char *text);

/**
 * @brief Parse ranges: "lo-hi[,lo-hi...]", decimal or 0x-hexadecimal.
 * @param[out] out Room for cap ranges.
 * @param[out] out_n Number parsed.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_SAMPLER_RANGES (syntax,
 *         lo > hi, more than cap); overlap is checked by vnfo_sampler_create().
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_sampler_ranges_parse(vnfo_sampler_range *out, size_t cap, size_t *out_n,
                                               const char *text);

/* ---- keys ---------------------------------------------------------------- */

/**
 * @brief Commitment to a sampling master key: BLAKE2b-256 of the ASCII
 *        context "vnfo sampling key commitment v1" followed by the key.
 *        Manifests publish it as "blake2b:<64 hex>"; a shim's key is checked
 *        against it without revealing the key.
 * @param[out] out VNFO_SAMPLER_COMMITMENT_BYTES bytes.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_sampler_key_commitment(uint8_t *out, const uint8_t *master_key, size_t len);

/**
 * @brief The commitment as text, "blake2b:<64 lower-case hex digits>".
 * @param out At least VNFO_SAMPLER_COMMITMENT_TEXT_SIZE bytes.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_BUFFER_TOO_SMALL.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_sampler_key_commitment_format(char *out, size_t size,
                                                        const uint8_t *master_key, size_t len);

/**
 * @brief Generate a random master key.
 * @param[out] out VNFO_SAMPLER_KEY_BYTES bytes.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_NOT_INITIALIZED.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_sampler_key_generate(uint8_t *out);

/**
 * @brief Parse a master key from 64 hexadecimal digits.
 * @param[out] out VNFO_SAMPLER_KEY_BYTES bytes.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_KEY_FORMAT.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_sampler_key_parse(uint8_t *out, const char *hex);

/**
 * @brief Write a sampling key file: one line "vnfo-sampling-key:<64 hex>\n",
 *        mode 0600 (replacing an existing file).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_IO or
 *         VNFO_E_NOT_REGULAR_FILE (not a regular file: refused).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_sampler_key_save(const uint8_t *key, const char *path);

/**
 * @brief Read a sampling key file.
 * @param[out] out VNFO_SAMPLER_KEY_BYTES bytes (wiped on failure).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_NOT_FOUND, VNFO_E_IO,
 *         VNFO_E_KEY_PERMISSIONS (group or others have some access) or
 *         VNFO_E_KEY_FORMAT, with a message naming the file.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_sampler_key_load(uint8_t *out, const char *path);

/** @brief VNFO_SAMPLER_KEY_BYTES, for FFI.  @par Thread safety: safe. */
VNFO_API size_t vnfo_sampler_key_bytes(void);
/** @brief VNFO_SAMPLER_COMMITMENT_BYTES, for FFI.  @par Thread safety: safe. */
VNFO_API size_t vnfo_sampler_commitment_bytes(void);
/** @brief VNFO_SAMPLER_BURST_MAX, for FFI.  @par Thread safety: safe. */
VNFO_API size_t vnfo_sampler_burst_max(void);

#ifdef __cplusplus
}
#endif

#endif /* VNFO_SAMPLER_H */
