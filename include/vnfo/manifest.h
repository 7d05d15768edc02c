/**
 * @file manifest.h
 * @brief The verification manifest: a JSON contract between customer and
 *        provider, parsed, validated, digested and signed.
 *
 * The manifest fixes, before any traffic flows, the chain of functions and
 * the nodes that run them, how packets are sampled, what each record logs,
 * the SLA slack, what is billed and how verdicts are judged.  The schema is
 * documented completely in docs/manifest.md.
 *
 * A parsed manifest is an opaque, immutable ::vnfo_manifest read through
 * accessors.  Every validation failure records a message of the form
 * @code
 * manifest.json:14:9: chain[1].node_id: duplicate node id 2 (first at chain[0])
 * @endcode
 * whose line, column and JSON path are also readable on their own with
 * vnfo_manifest_error_line(), vnfo_manifest_error_column() and
 * vnfo_manifest_error_path().
 *
 * Every log batch carries the manifest digest (vnfo_manifest_digest_compute()),
 * a BLAKE2b-256 over a canonical encoding: whitespace, key order and comments
 * do not change it, every semantic change does.  Customer and provider sign
 * that digest (vnfo_manifest_sign()).
 */
#ifndef VNFO_MANIFEST_H
#define VNFO_MANIFEST_H

#include <vnfo/common.h>
#include <vnfo/key.h>
#include <vnfo/sampler.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes in a manifest digest (BLAKE2b-256). */
#define VNFO_MANIFEST_DIGEST_BYTES 32
/** Bytes in a key commitment ("blake2b:<64 hex digits>" in the manifest). */
#define VNFO_MANIFEST_COMMITMENT_BYTES 32
/** Bytes in a party signature (detached Ed25519). */
#define VNFO_MANIFEST_SIGNATURE_BYTES 64
/** Highest schema version ("vnfo_manifest" key) this library reads. */
#define VNFO_MANIFEST_SCHEMA_VERSION 1
/** Largest manifest accepted, in bytes. */
#define VNFO_MANIFEST_MAX_BYTES (1024 * 1024)
/** Deepest nesting of JSON arrays and objects accepted. */
#define VNFO_MANIFEST_MAX_DEPTH 16
/** Most chain entries. */
#define VNFO_MANIFEST_MAX_FUNCTIONS 64
/** Most entries in any other array (sla, billing resources, custom fields). */
#define VNFO_MANIFEST_MAX_ENTRIES 256
/** Most selection ranges (what a sampler holds, VNFO_SAMPLER_MAX_RANGES). */
#define VNFO_MANIFEST_MAX_RANGES 16
/** Buffer size for a signature file written by vnfo_manifest_signature_format(). */
#define VNFO_MANIFEST_SIGNATURE_TEXT_SIZE 320
/** Returned by vnfo_manifest_sla_scope_index() for an SLA on the whole chain. */
#define VNFO_MANIFEST_SCOPE_CHAIN ((size_t)-1)

/** A parsed, validated manifest (opaque, immutable once parsed). */
typedef struct vnfo_manifest vnfo_manifest;

/** What a chain function may change in the packets it forwards. */
typedef enum vnfo_manifest_modify {
    VNFO_MANIFEST_MODIFY_NOTHING = 0, /**< "nothing": forwards packets unchanged. */
    VNFO_MANIFEST_MODIFY_HEADERS = 1, /**< "headers": may rewrite headers (NAT). */
    VNFO_MANIFEST_MODIFY_PAYLOAD = 2, /**< "payload": may rewrite the payload only. */
    VNFO_MANIFEST_MODIFY_ANY = 3,     /**< "any": may rewrite anything (proxies). */
} vnfo_manifest_modify;

/** Sampling hash function (numbers equal the sampler's ::vnfo_sampler_hash). */
typedef enum vnfo_manifest_hash {
    VNFO_MANIFEST_HASH_XXH3_64 = 1,     /**< "xxh3-64": keyed (seeded) XXH3, 64-bit output. */
    VNFO_MANIFEST_HASH_SIPHASH_2_4 = 2, /**< "siphash-2-4": SipHash-2-4, 64-bit output. */
    VNFO_MANIFEST_HASH_BOB = 3,         /**< "bob": the BOB hash of RFC 5475, 32-bit output. */
} vnfo_manifest_hash;

/** The set of packet fields the sampling hash reads (numbers equal the
 *  packet module's field-set presets, ::vnfo_packet_preset). */
typedef enum vnfo_manifest_fields {
    VNFO_MANIFEST_FIELDS_CUSTOM = 0,    /**< "custom": the list in "custom_fields". */
    VNFO_MANIFEST_FIELDS_PSAMP = 1,     /**< "psamp": the RFC 5475 hash-input fields. */
    VNFO_MANIFEST_FIELDS_INVARIANT = 2, /**< "invariant": every field no hop may change. */
    VNFO_MANIFEST_FIELDS_NAT_SAFE = 3,  /**< "nat-safe": invariant fields NAT leaves alone. */
} vnfo_manifest_fields;

/**
 * One packet field of a custom field list.  Names and numbers are those of
 * the packet module's field vocabulary (::vnfo_packet_field in
 * vnfo/packet.h), so a value converts by a cast.
 */
typedef enum vnfo_manifest_field {
    VNFO_MANIFEST_FIELD_IP_VERSION = 0,  /**< "ip.version" */
    VNFO_MANIFEST_FIELD_IP_SRC = 1,      /**< "ip.src" */
    VNFO_MANIFEST_FIELD_IP_DST = 2,      /**< "ip.dst" */
    VNFO_MANIFEST_FIELD_IP_PROTO = 3,    /**< "ip.proto" */
    VNFO_MANIFEST_FIELD_IP_ID = 4,       /**< "ip.id" */
    VNFO_MANIFEST_FIELD_IP_FRAG = 5,     /**< "ip.frag" */
    VNFO_MANIFEST_FIELD_IP_LENGTH = 6,   /**< "ip.length" */
    VNFO_MANIFEST_FIELD_IPV6_FLOW = 7,   /**< "ipv6.flow_label" */
    VNFO_MANIFEST_FIELD_L4_SPORT = 8,    /**< "l4.sport" */
    VNFO_MANIFEST_FIELD_L4_DPORT = 9,    /**< "l4.dport" */
    VNFO_MANIFEST_FIELD_TCP_SEQ = 10,    /**< "tcp.seq" */
    VNFO_MANIFEST_FIELD_TCP_ACK = 11,    /**< "tcp.ack" */
    VNFO_MANIFEST_FIELD_TCP_FLAGS = 12,  /**< "tcp.flags" */
    VNFO_MANIFEST_FIELD_ICMP_TYPE = 13,  /**< "icmp.type" (type and code) */
    VNFO_MANIFEST_FIELD_IP_PAYLOAD = 14, /**< "ip.payload" (payload_bytes at payload_offset after the IP headers) */
    VNFO_MANIFEST_FIELD_L4_PAYLOAD = 15, /**< "l4.payload" (the same after the L4 header) */
    VNFO_MANIFEST_FIELD_FLOWTAG = 16,    /**< "flowtag" (the packet's FlowTag) */
} vnfo_manifest_field;

/** How much of each sampled packet a record logs. */
typedef enum vnfo_manifest_granularity {
    VNFO_MANIFEST_GRANULARITY_DIGEST = 0,  /**< "digest": a packet digest only. */
    VNFO_MANIFEST_GRANULARITY_HEADERS = 1, /**< "headers": headers and a payload prefix. */
    VNFO_MANIFEST_GRANULARITY_FULL = 2,    /**< "full": the whole packet. */
} vnfo_manifest_granularity;

/** Hash of the Merkle tree over each log batch. */
typedef enum vnfo_manifest_tree_hash {
    VNFO_MANIFEST_TREE_BLAKE2B_256 = 0, /**< "blake2b-256" */
} vnfo_manifest_tree_hash;

/** Where FlowTags are carried in the packet. */
typedef enum vnfo_manifest_carrier {
    VNFO_MANIFEST_CARRIER_NSH_MD1 = 0,         /**< "nsh-md1": NSH MD type 1 context (RFC 8300), up to 32 bits. */
    VNFO_MANIFEST_CARRIER_NSH_MD2 = 1,         /**< "nsh-md2": NSH MD type 2 TLV (RFC 8300), up to 32 bits. */
    VNFO_MANIFEST_CARRIER_IPV6_FLOW_LABEL = 2, /**< "ipv6-flow-label": up to 20 bits. */
    VNFO_MANIFEST_CARRIER_VLAN = 3,            /**< "vlan": the 802.1Q VLAN id, up to 12 bits. */
    VNFO_MANIFEST_CARRIER_DSCP = 4,            /**< "dscp": the DSCP bits, up to 6 bits. */
} vnfo_manifest_carrier;

/** Metric an SLA entry bounds. */
typedef enum vnfo_manifest_metric {
    VNFO_MANIFEST_METRIC_DELAY = 0, /**< "delay": per-packet latency in microseconds. */
} vnfo_manifest_metric;

/** Statistic of an SLA entry. */
typedef enum vnfo_manifest_statistic {
    VNFO_MANIFEST_STAT_MEAN = 0, /**< "mean" */
    VNFO_MANIFEST_STAT_P50 = 1,  /**< "p50" */
    VNFO_MANIFEST_STAT_P95 = 2,  /**< "p95" */
    VNFO_MANIFEST_STAT_P99 = 3,  /**< "p99" */
    VNFO_MANIFEST_STAT_MAX = 4,  /**< "max" */
} vnfo_manifest_statistic;

/** How an SLA slack over the reference is expressed. */
typedef enum vnfo_manifest_slack {
    VNFO_MANIFEST_SLACK_ABSOLUTE_US = 0, /**< "max_over_reference_us": reference + N microseconds. */
    VNFO_MANIFEST_SLACK_RATIO = 1,       /**< "max_over_reference_ratio": reference times r (r >= 1). */
} vnfo_manifest_slack;

/** A billed resource. */
typedef enum vnfo_manifest_resource {
    VNFO_MANIFEST_RESOURCE_CPU_CYCLES = 0, /**< "cpu_cycles" */
    VNFO_MANIFEST_RESOURCE_MEM_BYTES = 1,  /**< "mem_bytes" */
    VNFO_MANIFEST_RESOURCE_PACKETS = 2,    /**< "packets" */
    VNFO_MANIFEST_RESOURCE_BYTES = 3,      /**< "bytes" */
    VNFO_MANIFEST_RESOURCE_VENDOR = 4,     /**< "vendor:<name>": a vendor counter. */
} vnfo_manifest_resource;

/** How a billed resource is summarised over the period. */
typedef enum vnfo_manifest_summary {
    VNFO_MANIFEST_SUMMARY_SUM = 0,   /**< "sum" */
    VNFO_MANIFEST_SUMMARY_COUNT = 1, /**< "count" */
    VNFO_MANIFEST_SUMMARY_MEAN = 2,  /**< "mean" */
    VNFO_MANIFEST_SUMMARY_MIN = 3,   /**< "min" */
    VNFO_MANIFEST_SUMMARY_MAX = 4,   /**< "max" */
    VNFO_MANIFEST_SUMMARY_P50 = 5,   /**< "p50" */
    VNFO_MANIFEST_SUMMARY_P95 = 6,   /**< "p95" */
    VNFO_MANIFEST_SUMMARY_P99 = 7,   /**< "p99" */
} vnfo_manifest_summary;

/** A signing party. */
typedef enum vnfo_manifest_party {
    VNFO_MANIFEST_PARTY_CUSTOMER = 0, /**< "customer" */
    VNFO_MANIFEST_PARTY_PROVIDER = 1, /**< "provider" */
} vnfo_manifest_party;

/** @name Sizes, for FFI
 *  @par Thread safety: safe.
 *  @{ */
/** VNFO_MANIFEST_DIGEST_BYTES. */
VNFO_API size_t vnfo_manifest_digest_bytes(void);
/** VNFO_MANIFEST_SIGNATURE_BYTES. */
VNFO_API size_t vnfo_manifest_signature_bytes(void);
/** VNFO_MANIFEST_COMMITMENT_BYTES. */
VNFO_API size_t vnfo_manifest_commitment_bytes(void);
/** VNFO_MANIFEST_SCHEMA_VERSION. */
VNFO_API unsigned vnfo_manifest_schema_version(void);
/** VNFO_MANIFEST_MAX_BYTES. */
VNFO_API size_t vnfo_manifest_max_bytes(void);
/** VNFO_MANIFEST_SIGNATURE_TEXT_SIZE. */
VNFO_API size_t vnfo_manifest_signature_text_size(void);
/** @} */

/* ---- parsing ------------------------------------------------------------ */

/**
 * @brief Parse and validate a manifest held in memory.
 * @param[out] out The manifest; NULL on failure.
 * @param text The JSON text (need not be NUL-terminated).
 * @param len Its length in bytes, at most VNFO_MANIFEST_MAX_BYTES.
 * @param name The name used in error messages (a file name); NULL gives
 *        "<buffer>".
 * @return VNFO_OK; VNFO_E_INVALID_ARGUMENT; VNFO_E_NO_MEMORY;
 *         VNFO_E_LIMIT_EXCEEDED (size, depth or array length);
 *         VNFO_E_UNSUPPORTED_VERSION (schema newer than
 *         VNFO_MANIFEST_SCHEMA_VERSION); VNFO_E_MANIFEST_SYNTAX,
 *         VNFO_E_MANIFEST_TYPE, VNFO_E_MANIFEST_MISSING,
 *         VNFO_E_MANIFEST_UNKNOWN_KEY, VNFO_E_MANIFEST_UNKNOWN_NAME,
 *         VNFO_E_MANIFEST_DUPLICATE, VNFO_E_MANIFEST_RANGE,
 *         VNFO_E_MANIFEST_MALFORMED or VNFO_E_MANIFEST_INCONSISTENT.  Every
 *         failure on the input records "name:line:column: path: what was
 *         expected" and sets vnfo_manifest_error_line() and friends.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_manifest_parse(vnfo_manifest **out, const char *text, size_t len,
                                         const char *name);

/**
 * @brief Read, parse and validate a manifest file.
 * @param[out] out The manifest; NULL on failure.
 * @param path The file; error messages name it as given.
 * @return As vnfo_manifest_parse(), plus VNFO_E_NOT_FOUND and VNFO_E_IO.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_manifest_load(vnfo_manifest **out, const char *path);

/**
 * @brief Free a manifest.  Accepts NULL.
 * @par Thread safety: per handle.
 */
VNFO_API void vnfo_manifest_free(vnfo_manifest *manifest);

/**
 * @brief Line (1-based) of the last manifest error on this thread; 0 when
 *        it has no position (I/O errors, bad arguments).
 *
 * Set by every failing vnfo_manifest_parse() and vnfo_manifest_load(),
 * cleared when they start.
 * @par Thread safety: safe; each thread has its own record.
 */
VNFO_API unsigned long vnfo_manifest_error_line(void);

/**
 * @brief Column (1-based, in characters) of the last manifest error on this
 *        thread; 0 when it has no position.
 * @par Thread safety: safe; each thread has its own record.
 */
VNFO_API unsigned long vnfo_manifest_error_column(void);

/**
 * @brief JSON path of the last manifest error on this thread, for example
 *        "chain[1].node_id"; "$" for the top level, "" when it has none
 *        (syntax errors, I/O errors).
 * @return A thread-local string valid until the next parse on this thread.
 * @par Thread safety: safe; each thread has its own record.
 */
VNFO_API const char *vnfo_manifest_error_path(void);

/**
 * @brief A commented manifest that passes validation: a starting point to
 *        edit.  Documentation is carried by "comment" keys, which the schema
 *        allows in every object and the digest ignores.  Its keys are
 *        placeholders (derived from public test seeds): replace them.
 * @return A static NUL-terminated string.
 * @par Thread safety: safe.
 */
VNFO_API const char *vnfo_manifest_template(void);

/* ---- digest -------------------------------------------------------------- */

/**
 * @brief The manifest digest: BLAKE2b-256 of the context
 *        "vnfo manifest v1" and a NUL byte followed by the canonical msgpack
 *        encoding of docs/manifest.md.
 * @param[out] out VNFO_MANIFEST_DIGEST_BYTES bytes.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: safe (the manifest is only read).
 */
VNFO_API vnfo_status vnfo_manifest_digest_compute(uint8_t *out, const vnfo_manifest *manifest);

/* ---- top level and parties ------------------------------------------------ */

/** @brief Schema version the manifest declares.  @par Thread safety: safe. */
VNFO_API unsigned vnfo_manifest_version(const vnfo_manifest *manifest);
/** @brief The manifest id (valid while the manifest lives).  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_id(const vnfo_manifest *manifest);
/** @brief The name of a party, NULL for an invalid argument.  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_party_name(const vnfo_manifest *manifest, vnfo_manifest_party party);

/**
 * @brief The public key of a party.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_manifest_party_key(vnfo_public_key *out, const vnfo_manifest *manifest,
                                             vnfo_manifest_party party);

/* ---- chain ----------------------------------------------------------------- */

/** @brief Number of chain functions (at least 1).  @par Thread safety: safe. */
VNFO_API size_t vnfo_manifest_chain_count(const vnfo_manifest *manifest);
/** @brief Name of chain entry @p i (unique), NULL when out of range.  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_chain_name(const vnfo_manifest *manifest, size_t i);
/** @brief Function type of chain entry @p i ("firewall", ...), NULL when out of range.  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_chain_function(const vnfo_manifest *manifest, size_t i);
/** @brief Node id of chain entry @p i (unique), 0 when out of range.  @par Thread safety: safe. */
VNFO_API uint32_t vnfo_manifest_chain_node_id(const vnfo_manifest *manifest, size_t i);
/** @brief May chain entry @p i change packets?  NOTHING when out of range.  @par Thread safety: safe. */
VNFO_API vnfo_manifest_modify vnfo_manifest_chain_may_modify(const vnfo_manifest *manifest, size_t i);
/** @brief 1 when chain entry @p i may drop packets, 0 otherwise.  @par Thread safety: safe. */
VNFO_API int vnfo_manifest_chain_may_drop(const vnfo_manifest *manifest, size_t i);

/**
 * @brief The public key of the shim of chain entry @p i.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT (also when @p i is out of range).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_manifest_chain_public_key(vnfo_public_key *out,
                                                    const vnfo_manifest *manifest, size_t i);

/**
 * @brief Index of the chain entry with a given name.
 * @return VNFO_OK, VNFO_E_NOT_FOUND or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_manifest_chain_find(size_t *out, const vnfo_manifest *manifest,
                                              const char *name);

/* ---- sampling -------------------------------------------------------------- */

/** @brief Sampling hash.  @par Thread safety: safe. */
VNFO_API vnfo_manifest_hash vnfo_manifest_sampling_hash(const vnfo_manifest *manifest);
/** @brief Bits of the hash output: 64, or 32 for "bob".  @par Thread safety: safe. */
VNFO_API unsigned vnfo_manifest_sampling_hash_bits(const vnfo_manifest *manifest);
/** @brief Name of the secret sampling key.  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_sampling_key_id(const vnfo_manifest *manifest);

/**
 * @brief The commitment to the sampling key.
 * @param[out] out VNFO_MANIFEST_COMMITMENT_BYTES bytes.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_manifest_sampling_key_commitment(uint8_t *out,
                                                           const vnfo_manifest *manifest);

/**
 * @brief The exact selection probability: the "rate" given, reduced, or the
 *        share of the hash space covered by "ranges" (den 0 means 2^64).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_rational vnfo_manifest_sampling_rate(const vnfo_manifest *manifest);

/**
 * @brief Number of explicit selection ranges; 0 when the manifest gives a
 *        "rate" instead.
 * @par Thread safety: safe.
 */
VNFO_API size_t vnfo_manifest_sampling_range_count(const vnfo_manifest *manifest);

/**
 * @brief Selection range @p i: inclusive bounds over the hash output,
 *        sorted by lower bound and disjoint.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT (also when out of range).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_manifest_sampling_range(uint64_t *out_lo, uint64_t *out_hi,
                                                  const vnfo_manifest *manifest, size_t i);

/** @brief The field set the hash reads.  @par Thread safety: safe. */
VNFO_API vnfo_manifest_fields vnfo_manifest_sampling_fields(const vnfo_manifest *manifest);
/** @brief Number of custom fields (0 unless the set is "custom").  @par Thread safety: safe. */
VNFO_API size_t vnfo_manifest_sampling_custom_field_count(const vnfo_manifest *manifest);
/** @brief Custom field @p i, in manifest order; IP_VERSION when out of range.  @par Thread safety: safe. */
VNFO_API vnfo_manifest_field vnfo_manifest_sampling_custom_field(const vnfo_manifest *manifest, size_t i);
/** @brief Payload bytes the hash reads (8 when absent).  @par Thread safety: safe. */
VNFO_API uint32_t vnfo_manifest_sampling_payload_bytes(const vnfo_manifest *manifest);
/** @brief Where the hashed payload bytes start (0 when absent).  @par Thread safety: safe. */
VNFO_API uint32_t vnfo_manifest_sampling_payload_offset(const vnfo_manifest *manifest);
/** @brief Seconds per sampling-key epoch; 0 when the key never rotates.  @par Thread safety: safe. */
VNFO_API uint64_t vnfo_manifest_sampling_epoch_seconds(const vnfo_manifest *manifest);

/**
 * @brief The fixed BOB init value of a PSAMP-interop manifest.
 * @return VNFO_OK, VNFO_E_NOT_FOUND when the manifest gives none (the
 *         sampler then derives it from the epoch key) or
 *         VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_manifest_sampling_bob_initval(uint32_t *out, const vnfo_manifest *manifest);

/**
 * @brief The key epoch at a point in time: floor(unix_seconds /
 *        epoch_seconds), or 0 when the key never rotates.  Every node of a
 *        chain numbers epochs this way (docs/manifest.md).
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT (also for a negative time).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_manifest_sampling_epoch_at(uint64_t *out, const vnfo_manifest *manifest,
                                                     int64_t unix_seconds);

/**
 * @brief Fill sampler options from the manifest, after checking the secret
 *        master key against the manifest's key commitment.
 *
 * Sets hash, fields (preset, custom fields, payload bytes and offset), the
 * rate or the ranges, and the fixed BOB init value when the manifest has
 * one; leaves epoch (see vnfo_manifest_sampling_epoch_at()) and other flags
 * as the caller set them.  The ranges point into the manifest: keep it
 * alive until vnfo_sampler_create() has copied them.
 * @param[in,out] out Options initialised by the caller with
 *        VNFO_SAMPLER_OPTIONS_INIT or vnfo_sampler_options_init().
 * @param manifest The manifest.
 * @param master_key The secret sampling key (VNFO_SAMPLER_KEY_BYTES bytes);
 *        only read, never kept.
 * @param key_len Must be VNFO_SAMPLER_KEY_BYTES.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_STRUCT_VERSION (unknown
 *         options version) or VNFO_E_MANIFEST_KEY_MISMATCH (the key is not
 *         the one the manifest commits to; out is left unchanged).
 * @par Thread safety: safe (the manifest is only read).
 */
VNFO_API vnfo_status vnfo_manifest_sampler_options(vnfo_sampler_options *out,
                                                   const vnfo_manifest *manifest,
                                                   const uint8_t *master_key, size_t key_len);

/* ---- logging and flowtags ------------------------------------------------ */

/** @brief Record granularity.  @par Thread safety: safe. */
VNFO_API vnfo_manifest_granularity vnfo_manifest_logging_granularity(const vnfo_manifest *manifest);
/** @brief Records per signed batch.  @par Thread safety: safe. */
VNFO_API uint32_t vnfo_manifest_logging_batch_records(const vnfo_manifest *manifest);
/** @brief Merkle tree hash.  @par Thread safety: safe. */
VNFO_API vnfo_manifest_tree_hash vnfo_manifest_logging_tree_hash(const vnfo_manifest *manifest);
/**
 * @brief `logging.heartbeat_ms`: the longest a shim may go without signing a
 *        batch (a heartbeat record if nothing else), 1..86400000; 0 when the
 *        manifest does not name it (then logs need no heartbeat nor period
 *        close, and tail deletion cannot be seen: docs/FORMAT.md 4.3).
 * @par Thread safety: safe.
 */
VNFO_API uint32_t vnfo_manifest_logging_heartbeat_ms(const vnfo_manifest *manifest);
/** @brief 1 when the manifest has a "flowtags" section, 0 otherwise.  @par Thread safety: safe. */
VNFO_API int vnfo_manifest_has_flowtags(const vnfo_manifest *manifest);
/** @brief FlowTag carrier (meaningful when vnfo_manifest_has_flowtags()).  @par Thread safety: safe. */
VNFO_API vnfo_manifest_carrier vnfo_manifest_flowtags_carrier(const vnfo_manifest *manifest);
/** @brief FlowTag bits, 0 without a flowtags section.  @par Thread safety: safe. */
VNFO_API unsigned vnfo_manifest_flowtags_bits(const vnfo_manifest *manifest);

/* ---- SLA ------------------------------------------------------------------ */

/** @brief Number of SLA entries (may be 0).  @par Thread safety: safe. */
VNFO_API size_t vnfo_manifest_sla_count(const vnfo_manifest *manifest);
/** @brief Metric of SLA entry @p i.  @par Thread safety: safe. */
VNFO_API vnfo_manifest_metric vnfo_manifest_sla_metric(const vnfo_manifest *manifest, size_t i);
/**
 * @brief Chain index the SLA entry @p i applies to, or
 *        VNFO_MANIFEST_SCOPE_CHAIN for the whole chain (also when @p i is
 *        out of range).
 * @par Thread safety: safe.
 */
VNFO_API size_t vnfo_manifest_sla_scope_index(const vnfo_manifest *manifest, size_t i);
/** @brief Statistic of SLA entry @p i.  @par Thread safety: safe. */
VNFO_API vnfo_manifest_statistic vnfo_manifest_sla_statistic(const vnfo_manifest *manifest, size_t i);
/** @brief How the slack of SLA entry @p i is expressed.  @par Thread safety: safe. */
VNFO_API vnfo_manifest_slack vnfo_manifest_sla_slack_kind(const vnfo_manifest *manifest, size_t i);
/** @brief Absolute slack in microseconds (0 for a ratio entry).  @par Thread safety: safe. */
VNFO_API uint64_t vnfo_manifest_sla_slack_us(const vnfo_manifest *manifest, size_t i);
/** @brief Ratio slack, at least 1 (0 for an absolute entry).  @par Thread safety: safe. */
VNFO_API double vnfo_manifest_sla_slack_ratio(const vnfo_manifest *manifest, size_t i);

/* ---- billing ---------------------------------------------------------------- */

/** @brief Start of the billing period, Unix seconds (inclusive).  @par Thread safety: safe. */
VNFO_API int64_t vnfo_manifest_billing_start(const vnfo_manifest *manifest);
/** @brief End of the billing period, Unix seconds (exclusive; after the start).  @par Thread safety: safe. */
VNFO_API int64_t vnfo_manifest_billing_end(const vnfo_manifest *manifest);
/** @brief Number of billed resources (at least 1).  @par Thread safety: safe. */
VNFO_API size_t vnfo_manifest_billing_count(const vnfo_manifest *manifest);
/** @brief Resource of billing entry @p i.  @par Thread safety: safe. */
VNFO_API vnfo_manifest_resource vnfo_manifest_billing_resource(const vnfo_manifest *manifest, size_t i);
/** @brief Resource name as written ("cpu_cycles", "vendor:tcam_hits"), NULL when out of range.  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_billing_resource_name(const vnfo_manifest *manifest, size_t i);
/** @brief Summary of billing entry @p i.  @par Thread safety: safe. */
VNFO_API vnfo_manifest_summary vnfo_manifest_billing_summary(const vnfo_manifest *manifest, size_t i);
/**
 * @brief Chain index billing entry @p i is restricted to, or
 *        VNFO_MANIFEST_SCOPE_CHAIN when it covers the whole chain.
 * @par Thread safety: safe.
 */
VNFO_API size_t vnfo_manifest_billing_scope_index(const vnfo_manifest *manifest, size_t i);
/**
 * @brief The most one packet may use of billing entry @p i's resource
 *        ("max_per_packet"): the maximum M of the Bernstein bound the
 *        verifier falls back on when the total is too skewed for the
 *        corrected interval (docs/accounting.md).
 * @return M, or 0 when the entry has none (or @p i is out of range).
 * @par Thread safety: safe.
 * @since 0.2 (VNFO_1.1)
 */
VNFO_API uint64_t vnfo_manifest_billing_max_per_packet(const vnfo_manifest *manifest, size_t i);

/* ---- verification ---------------------------------------------------------- */

/** @brief Confidence of verdicts, in (0, 1).  @par Thread safety: safe. */
VNFO_API double vnfo_manifest_verification_confidence(const vnfo_manifest *manifest);
/** @brief Tolerated clock skew between nodes, microseconds.  @par Thread safety: safe. */
VNFO_API uint64_t vnfo_manifest_verification_clock_skew_us(const vnfo_manifest *manifest);
/** @brief Number of minimality bounds (may be 0).  @par Thread safety: safe. */
VNFO_API size_t vnfo_manifest_minimality_count(const vnfo_manifest *manifest);
/** @brief Resource of minimality bound @p i (manifest order).  @par Thread safety: safe. */
VNFO_API vnfo_manifest_resource vnfo_manifest_minimality_resource(const vnfo_manifest *manifest, size_t i);
/** @brief Resource name of minimality bound @p i, NULL when out of range.  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_minimality_resource_name(const vnfo_manifest *manifest, size_t i);
/** @brief Tolerated excess over the reference as a fraction (0 when absent).  @par Thread safety: safe. */
VNFO_API double vnfo_manifest_minimality_relative(const vnfo_manifest *manifest, size_t i);
/** @brief Tolerated excess over the reference in resource units (0 when absent).  @par Thread safety: safe. */
VNFO_API double vnfo_manifest_minimality_absolute(const vnfo_manifest *manifest, size_t i);

/* ---- names ------------------------------------------------------------------ */

/** @name Names of enumerated values, as written in the manifest
 *  Each returns a static string, or NULL for a value out of range.
 *  @par Thread safety: safe.
 *  @{ */
/** @brief Name of a modify value, NULL when out of range.  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_modify_name(vnfo_manifest_modify value);
/** @brief Name of a hash value, NULL when out of range.  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_hash_name(vnfo_manifest_hash value);
/** @brief Name of a fields value, NULL when out of range.  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_fields_name(vnfo_manifest_fields value);
/** @brief Name of a field value, NULL when out of range.  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_field_name(vnfo_manifest_field value);
/** @brief Name of a granularity value, NULL when out of range.  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_granularity_name(vnfo_manifest_granularity value);
/** @brief Name of a tree hash value, NULL when out of range.  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_tree_hash_name(vnfo_manifest_tree_hash value);
/** @brief Name of a carrier value, NULL when out of range.  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_carrier_name(vnfo_manifest_carrier value);
/** @brief Name of a metric value, NULL when out of range.  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_metric_name(vnfo_manifest_metric value);
/** @brief Name of a statistic value, NULL when out of range.  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_statistic_name(vnfo_manifest_statistic value);
/** @brief Name of a resource value, NULL when out of range.  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_resource_name(vnfo_manifest_resource value);
/** @brief Name of a summary value, NULL when out of range.  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_summary_name(vnfo_manifest_summary value);
/** @brief Name of a party role value, NULL when out of range.  @par Thread safety: safe. */
VNFO_API const char *vnfo_manifest_party_role_name(vnfo_manifest_party value);
/** @} */

/* ---- party signatures -------------------------------------------------------- */

/**
 * @brief Sign the manifest as one party: a detached Ed25519 signature over
 *        the context "vnfo manifest signature v1", a NUL byte, the party
 *        byte (0 customer, 1 provider) and the digest.
 * @param[out] out VNFO_MANIFEST_SIGNATURE_BYTES bytes.
 * @param key The party's secret key; its public half must be the key the
 *        manifest lists for @p party.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_MANIFEST_PARTY_MISMATCH
 *         (the key is not the party's) or VNFO_E_CRYPTO.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_manifest_sign(uint8_t *out, const vnfo_manifest *manifest,
                                        vnfo_manifest_party party, const vnfo_signing_key *key);

/**
 * @brief Verify a party's signature with the public key the manifest lists
 *        for that party.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_SIGNATURE_INVALID (with
 *         a message naming the manifest id and the party).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_manifest_signature_verify(const vnfo_manifest *manifest,
                                                    vnfo_manifest_party party,
                                                    const uint8_t *signature);

/**
 * @brief Format a signature file (docs/manifest.md, "Signature files"):
 *        five lines naming the format, the party, the manifest digest, the
 *        party's public key and the signature.
 * @param out A buffer of at least VNFO_MANIFEST_SIGNATURE_TEXT_SIZE bytes;
 *        receives NUL-terminated text.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_BUFFER_TOO_SMALL.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_manifest_signature_format(char *out, size_t size,
                                                    const vnfo_manifest *manifest,
                                                    vnfo_manifest_party party,
                                                    const uint8_t *signature);

/**
 * @brief Parse a signature file's text and check that it belongs to this
 *        manifest (same digest, the party's listed public key).  Does not
 *        verify the signature: call vnfo_manifest_signature_verify().
 * @param[out] out VNFO_MANIFEST_SIGNATURE_BYTES bytes of signature.
 * @param[out] out_party The party that signed.
 * @param name Used in messages (a file name), NULL gives "<signature>".
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_MANIFEST_SIGNATURE_FORMAT
 *         (message names the line), VNFO_E_MANIFEST_DIGEST_MISMATCH (the
 *         signature is for another manifest) or
 *         VNFO_E_MANIFEST_PARTY_MISMATCH (its key is not the party's key).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_manifest_signature_parse(uint8_t *out, vnfo_manifest_party *out_party,
                                                   const vnfo_manifest *manifest,
                                                   const char *text, size_t len,
                                                   const char *name);

/**
 * @brief Sign and write a signature file (mode 0644).
 * @return As vnfo_manifest_sign(), plus VNFO_E_IO and
 *         VNFO_E_NOT_REGULAR_FILE (not a regular file: refused).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_manifest_signature_save(const vnfo_manifest *manifest,
                                                  vnfo_manifest_party party,
                                                  const vnfo_signing_key *key, const char *path);

/**
 * @brief Read a signature file and verify it against the manifest.
 * @param[out] out_party The party that signed; may be NULL.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_NOT_FOUND, VNFO_E_IO, and
 *         the statuses of vnfo_manifest_signature_parse() and
 *         vnfo_manifest_signature_verify().
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_manifest_signature_load(vnfo_manifest_party *out_party,
                                                  const vnfo_manifest *manifest, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* VNFO_MANIFEST_H */
