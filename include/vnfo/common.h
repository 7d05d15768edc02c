/**
 * @file common.h
 * @brief Status codes, versions, initialisation, error details and the
 *        allocator hook shared by every libvnfo module.
 *
 * Conventions (see docs/conventions.md): every public function is marked
 * VNFO_API, returns a ::vnfo_status unless it cannot fail, writes results
 * through an output parameter named @c out that comes first, and documents
 * its thread-safety.
 */
#ifndef VNFO_COMMON_H
#define VNFO_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <vnfo/version.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Marks a public, exported function.  Everything else is hidden. */
#if defined(VNFO_BUILDING_LIBRARY) && defined(__GNUC__)
#define VNFO_API __attribute__((visibility("default")))
#else
#define VNFO_API
#endif

/**
 * @brief Result of every fallible libvnfo call.
 *
 * The numeric values are part of the ABI: they are explicit, never change and
 * are never reused.  Each module owns a block of numbers; a new code takes the
 * next free number of its block.  ::vnfo_strerror() names each code, and
 * vnfo_error_message() gives the details of the last failure on this thread.
 */
typedef enum vnfo_status {
    VNFO_OK = 0, /**< Success. */

    /* common: 1-19 */
    VNFO_E_INVALID_ARGUMENT = 1,  /**< A NULL pointer, a zero size or a value out of its documented range. */
    VNFO_E_NO_MEMORY = 2,         /**< An allocation failed. */
    VNFO_E_BUFFER_TOO_SMALL = 3,  /**< The caller's output buffer is too small; the needed size is reported. */
    VNFO_E_IO = 4,                /**< Reading or writing a file failed (errno is in the message). */
    VNFO_E_NOT_FOUND = 5,         /**< The named item (file, key, entry) does not exist. */
    VNFO_E_UNSUPPORTED_VERSION = 6, /**< An encoded object has a newer format version than this library reads. */
    VNFO_E_LIMIT_EXCEEDED = 7,    /**< An input exceeds a documented size, count or depth limit. */
    VNFO_E_CRYPTO = 8,            /**< The cryptographic library failed to initialise or to operate. */
    VNFO_E_STRUCT_VERSION = 9,    /**< An options struct carries a version this library does not know. */
    VNFO_E_OVERFLOW = 10,         /**< An arithmetic result does not fit its type. */
    VNFO_E_NOT_INITIALIZED = 11,  /**< vnfo_init() has not been called, or failed. */
    VNFO_E_NOT_REGULAR_FILE = 12, /**< An input path names a FIFO, directory, device or socket, not a regular file. */

    /* packet: 20-39 */
    VNFO_E_PACKET_NOT_IP = 20,        /**< A well-formed frame that carries neither IPv4 nor IPv6. */
    VNFO_E_PACKET_TRUNCATED = 21,     /**< The capture ends before a header or field the parser needs. */
    VNFO_E_PACKET_MALFORMED = 22,     /**< Packet headers contradict themselves (bad lengths, bad version). */
    VNFO_E_PACKET_UNSUPPORTED = 23,   /**< A link type or encapsulation the parser does not read. */
    VNFO_E_PACKET_FIELD_UNKNOWN = 24, /**< A field-set specification names an unknown field. */

    /* sampler: 40-59 */
    VNFO_E_SAMPLER_HASH_UNKNOWN = 40, /**< An unknown sampling hash function name or number. */
    VNFO_E_SAMPLER_RATE = 41,         /**< A sampling rate that is malformed, not in (0, 1], or too small for the hash space. */
    VNFO_E_SAMPLER_RANGES = 42,       /**< Selection ranges that are malformed, overlap, or leave the hash space. */

    /* record: 60-79 */
    VNFO_E_RECORD_MALFORMED = 60,    /**< Record bytes are not a valid record (wrong msgpack type, truncated, out of range, contradictory fields). */
    VNFO_E_RECORD_NONCANONICAL = 61, /**< Record bytes are valid msgpack but not the one canonical encoding (longer integer or length form, unsorted or repeated counters, trailing bytes, non-zero IPv4 padding). */
    VNFO_E_RECORD_UNKNOWN_TYPE = 62, /**< A record type this library does not know. */

    /* log: 80-109 */
    VNFO_E_LOG_MALFORMED = 80,         /**< Batch or log-file bytes are not well-formed (bad magic, inconsistent lengths). */
    VNFO_E_LOG_BROKEN_CHAIN = 81,      /**< A batch does not link to the hash of the batch before it. */
    VNFO_E_LOG_SEQUENCE_GAP = 82,      /**< Sequence numbers are missing that no signed loss count explains (deletion). */
    VNFO_E_LOG_DUPLICATE = 83,         /**< A batch already seen appears again (duplicated or replayed). */
    VNFO_E_LOG_REORDERED = 84,         /**< A batch appears out of sequence order. */
    VNFO_E_LOG_TRUNCATED = 85,         /**< The log ends inside a batch (crash-truncated tail). */
    VNFO_E_LOG_MANIFEST_MISMATCH = 86, /**< A batch names another manifest digest than the expected one. */
    VNFO_E_LOG_ROOT_MISMATCH = 87,     /**< The records do not hash to the Merkle root the batch header signs. */
    VNFO_E_LOG_NODE_MISMATCH = 88,     /**< A batch comes from another node than expected. */
    VNFO_E_LOG_SINK = 89,              /**< The writer's sink failed; the batch's records are lost and counted in the next header. */
    VNFO_E_LOG_PROOF_INVALID = 90,     /**< An inclusion proof does not lead to the signed root. */

    /* manifest: 110-139 */
    VNFO_E_MANIFEST_SYNTAX = 110, /**< The manifest is not valid JSON. */
    VNFO_E_MANIFEST_TYPE = 111, /**< A manifest value has the wrong JSON type. */
    VNFO_E_MANIFEST_MISSING = 112, /**< A required manifest key is missing. */
    VNFO_E_MANIFEST_UNKNOWN_KEY = 113, /**< A manifest object has a key the schema does not define. */
    VNFO_E_MANIFEST_UNKNOWN_NAME = 114, /**< A manifest names an unknown hash, field, carrier, statistic, resource or function. */
    VNFO_E_MANIFEST_DUPLICATE = 115, /**< A manifest repeats a node id, name or entry that must be unique. */
    VNFO_E_MANIFEST_RANGE = 116, /**< A manifest number is outside its allowed range (rate, confidence, slack, bits, ...). */
    VNFO_E_MANIFEST_MALFORMED = 117, /**< A manifest string is malformed (key, rational, timestamp, commitment, identifier). */
    VNFO_E_MANIFEST_INCONSISTENT = 118, /**< Manifest values contradict each other (overlapping or inverted ranges, period end before start, ...). */
    VNFO_E_MANIFEST_KEY_MISMATCH = 119, /**< A sampling key does not match the manifest's key commitment. */
    VNFO_E_MANIFEST_PARTY_MISMATCH = 120, /**< A key is not the one the manifest lists for that party. */
    VNFO_E_MANIFEST_DIGEST_MISMATCH = 121, /**< A signature file belongs to a different manifest. */
    VNFO_E_MANIFEST_SIGNATURE_FORMAT = 122, /**< A manifest signature file is malformed. */

    /* flowtag: 140-159 */
    VNFO_E_FLOWTAG_FULL = 140,    /**< Every tag of the table is live (or the IPv6 room is used up); nothing was overwritten. */
    VNFO_E_FLOWTAG_UNKNOWN = 141, /**< The tag is not bound to any flow (never, or no longer). */
    VNFO_E_FLOWTAG_WIDTH = 142,   /**< The carrier cannot hold a tag of the configured width. */
    VNFO_E_FLOWTAG_CARRIER = 143, /**< The packet has no such carrier where it was expected, or it is truncated or malformed. */
    VNFO_E_FLOWTAG_FORMAT = 144,  /**< A serialised tag table is malformed (the message names the byte offset). */
    VNFO_E_FLOWTAG_CONFLICT = 145, /**< A tag is bound to two different origin flows at the same time. */
    VNFO_E_FLOWTAG_REWRITE_FORBIDDEN = 146, /**< A function that may not modify headers rewrote a flow. */

    /* account: 160-189 */
    VNFO_E_ACCOUNT_PROBABILITY = 160, /**< A sampling probability is 0 or above 1. */
    VNFO_E_ACCOUNT_EMPTY = 161,       /**< No sampled values (n = 0): nothing to estimate from. */
    VNFO_E_ACCOUNT_VALUE = 162,       /**< A value is negative, not an integer, or a delay runs backwards. */
    VNFO_E_ACCOUNT_SLACK = 163,       /**< A slack is NaN, infinite or negative, or its mode is unknown. */
    VNFO_E_ACCOUNT_CONFIDENCE = 164,  /**< A confidence level is not strictly between 0 and 1. */
    VNFO_E_ACCOUNT_MISMATCH = 165,    /**< Accumulators with different resource, scope or configuration. */
    VNFO_E_ACCOUNT_FORMAT = 166,      /**< A serialised accumulator is malformed or inconsistent. */
    VNFO_E_ACCOUNT_BOUND = 167,       /**< A sampled value exceeds the declared per-packet maximum M. */
    VNFO_E_ACCOUNT_NO_CONVERGENCE = 168, /**< A special function did not converge for these arguments. */

    /* verify and report: 190-219 */
    VNFO_E_BILL_FORMAT = 190,           /**< A bill is not valid JSON or breaks its schema (docs/bill.md). */
    VNFO_E_BILL_UNKNOWN_RESOURCE = 191, /**< A bill names a resource this library does not know. */
    VNFO_E_BILL_MISMATCH = 192,         /**< A bill does not match the manifest (id, period, resources, functions). */
    VNFO_E_VERIFY_MISSING_LOG = 193,    /**< A function of the chain has no log to verify. */

    /* key: 220-239 */
    VNFO_E_KEY_FORMAT = 220,        /**< A key or key file is malformed (wrong prefix, length or encoding). */
    VNFO_E_SIGNATURE_INVALID = 221, /**< A signature does not verify under the given public key. */
    VNFO_E_KEY_PERMISSIONS = 222,   /**< A secret key file gives group or others some access. */

    VNFO_STATUS_RESERVED_ = 0x7fffffff /**< Forces a 32-bit enum; not a status. */
} vnfo_status;

/**
 * @brief The name of a status, for example "VNFO_E_NO_MEMORY", followed by a
 *        short description.
 * @return A static string; never NULL, also for unknown values.
 * @par Thread safety: safe from any thread.
 */
VNFO_API const char *vnfo_strerror(vnfo_status status);

/**
 * @brief The symbolic name of a status alone, for example "VNFO_E_NO_MEMORY".
 * @return A static string, or "VNFO_E_UNKNOWN" for a value no code has.
 * @par Thread safety: safe from any thread.
 */
VNFO_API const char *vnfo_status_name(vnfo_status status);

/**
 * @brief Details of the last failure on the calling thread.
 *
 * Functions that fail on bad input record a message naming the place (file,
 * record, JSON path with line and column).  Per-packet hot-path functions
 * record nothing and report only their status, to stay allocation-free.
 * @return A thread-local string, valid until the next libvnfo call on this
 *         thread; "" when nothing was recorded.
 * @par Thread safety: safe; each thread has its own message.
 */
VNFO_API const char *vnfo_error_message(void);

/**
 * @brief The status that goes with vnfo_error_message(), VNFO_OK if none.
 * @par Thread safety: safe; each thread has its own record.
 */
VNFO_API vnfo_status vnfo_error_status(void);

/**
 * @brief Forget the calling thread's last error.
 * @par Thread safety: safe; affects only the calling thread.
 */
VNFO_API void vnfo_error_clear(void);

/**
 * @brief Initialise the library (libsodium included).
 *
 * Idempotent: later calls return the first call's result.  Call it once
 * before any other function that signs, verifies or draws random numbers.
 * @return VNFO_OK, or VNFO_E_CRYPTO when libsodium cannot initialise.
 * @par Thread safety: safe from any thread, also concurrently.
 */
VNFO_API vnfo_status vnfo_init(void);

/**
 * @brief The run-time library version as "MAJOR.MINOR.PATCH".
 *
 * Compare it with VNFO_VERSION_STRING to detect a header/library mismatch.
 * @par Thread safety: safe from any thread.
 */
VNFO_API const char *vnfo_version_string(void);

/**
 * @brief The run-time library version as MAJOR * 10000 + MINOR * 100 + PATCH.
 * @par Thread safety: safe from any thread.
 */
VNFO_API uint32_t vnfo_version_number(void);

/**
 * @brief An exact non-negative rational number num / den.
 *
 * Selection probabilities of the sampler are exact rationals because billing
 * renormalises by them.  A 64-bit hash space has 2^64 values, one more than
 * uint64_t holds, so @c den == 0 stands for 2^64.  A valid probability has
 * num <= den (with den read as 2^64 when 0).
 */
typedef struct vnfo_rational {
    uint64_t num; /**< Numerator. */
    uint64_t den; /**< Denominator; 0 means 2^64. */
} vnfo_rational;

/**
 * @brief A flow key: the 5-tuple that names a transport flow.
 *
 * Addresses are in network byte order; an IPv4 address occupies the first 4
 * bytes and the other 12 are zero.  Ports are in host byte order and zero for
 * protocols without ports.  Fixed layout: this struct never grows.
 */
typedef struct vnfo_flow_key {
    uint8_t ip_version; /**< 4 or 6. */
    uint8_t proto;      /**< IP protocol number (6 TCP, 17 UDP, 132 SCTP, ...). */
    uint16_t src_port;  /**< Source port, host order; 0 when none. */
    uint16_t dst_port;  /**< Destination port, host order; 0 when none. */
    uint8_t src[16];    /**< Source address. */
    uint8_t dst[16];    /**< Destination address. */
} vnfo_flow_key;

/**
 * @brief The value of a rational as the nearest double (for display and
 *        statistics only; decisions use the exact integers).
 * @par Thread safety: safe from any thread.
 */
VNFO_API double vnfo_rational_to_double(vnfo_rational r);

/** Version of ::vnfo_allocator understood by this library. */
#define VNFO_ALLOCATOR_VERSION 1

/**
 * @brief Memory functions used for every allocation libvnfo makes itself.
 *
 * Allocations made inside libsodium, msgpack-c and jansson are not routed
 * through this hook.
 */
typedef struct vnfo_allocator {
    unsigned version; /**< VNFO_ALLOCATOR_VERSION. */
    void *(*alloc)(void *ctx, size_t size);            /**< Like malloc(). */
    void *(*realloc)(void *ctx, void *ptr, size_t size); /**< Like realloc(). */
    void (*free)(void *ctx, void *ptr);                /**< Like free(); gets NULL too. */
    void *ctx;                                         /**< Passed to each function. */
} vnfo_allocator;

/**
 * @brief Replace the allocator; NULL restores malloc/realloc/free.
 *
 * Memory must be freed by the allocator that allocated it, so set this before
 * creating any object.  Tests use it to inject allocation failures.
 * @return VNFO_OK, VNFO_E_STRUCT_VERSION for an unknown version, or
 *         VNFO_E_INVALID_ARGUMENT when a function pointer is NULL.
 * @par Thread safety: not thread-safe; call it before other threads use the
 *      library.
 */
VNFO_API vnfo_status vnfo_allocator_set(const vnfo_allocator *allocator);

/**
 * @brief Open an input file for reading without ever blocking on it.
 *
 * Every file reader of the library opens its input this way, and programs
 * that read inputs themselves (captures through pcap_fopen_offline(), proofs,
 * checkpoints) should too: the file is opened with O_NONBLOCK, so a FIFO in
 * place of the file cannot hang the open; anything but a regular file is
 * refused; then the descriptor is switched back to blocking reads.
 * @param[out] out_fd The open descriptor (O_RDONLY, O_CLOEXEC), owned by the
 *                    caller; -1 on failure.
 * @param path The file.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT (NULL), VNFO_E_NOT_FOUND,
 *         VNFO_E_IO (errno in the message) or VNFO_E_NOT_REGULAR_FILE
 *         ("PATH: not a regular file (a FIFO); refused").
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_file_open(int *out_fd, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* VNFO_COMMON_H */
