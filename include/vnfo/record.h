/**
 * @file record.h
 * @brief The log record model and its strict, deterministic msgpack codec.
 *
 * A record is what a shim logs about one event: a packet it saw (the common
 * case), a FlowTag mapping, a loss notice, the start of a key epoch, a
 * heartbeat or the close of a billing period.  Every
 * record begins with the same five fields (format version, type, node id,
 * epoch, sequence number); the log writer fills the last three.
 *
 * The encoding (docs/FORMAT.md, "Records") is one msgpack array.  It is
 * canonical: integers use their shortest msgpack form, counters are sorted
 * by name, so one record has exactly one encoding.  The decoder refuses any
 * other form, checks every length against the bytes that remain, never
 * allocates and never reads past the input.
 *
 * Lifetimes: a decoded ::vnfo_record points into the buffer it was decoded
 * from (counter names, packet bytes).  Keep that buffer alive and unchanged
 * while the record is used.  Records passed to the encoder are only read.
 */
#ifndef VNFO_RECORD_H
#define VNFO_RECORD_H

#include <vnfo/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Record format version written by this library (the first array element).
 *  Version 2 added the packet record's link type and wire length, and the
 *  heartbeat and period-close records (docs/FORMAT.md). */
#define VNFO_RECORD_FORMAT_VERSION 2
/** Oldest record format version this library still reads and writes. */
#define VNFO_RECORD_FORMAT_VERSION_MIN 1
/** Largest link type a packet record states (pcap LINKTYPE values are 16-bit). */
#define VNFO_RECORD_MAX_LINK_TYPE 65535
/** Bytes of a packet digest (BLAKE2b-128 of the invariant view). */
#define VNFO_RECORD_DIGEST_BYTES 16
/** Bytes of a function-state digest. */
#define VNFO_RECORD_STATE_DIGEST_BYTES 32
/** Most vendor counters one packet record carries. */
#define VNFO_RECORD_MAX_COUNTERS 16
/** Longest vendor counter name, in bytes (UTF-8, not NUL-terminated). */
#define VNFO_RECORD_MAX_COUNTER_NAME 64
/** Bytes of packet kept at the `headers` granularity. */
#define VNFO_RECORD_HEADER_BYTES 128
/** Longest packet kept at the `full` granularity. */
#define VNFO_RECORD_MAX_PACKET_BYTES 65535
/** Longest epoch commitment (key id or commitment bytes). */
#define VNFO_RECORD_MAX_COMMITMENT 64
/** Upper bound of the encoded size of any record (see vnfo_record_encoded_size()). */
#define VNFO_RECORD_MAX_BYTES (2 * (VNFO_RECORD_MAX_PACKET_BYTES + 3) + 2048)

/** What a record describes.  Values are part of the format. */
typedef enum vnfo_record_type {
    VNFO_RECORD_PACKET = 1,       /**< A packet seen by a function (::vnfo_record_packet). */
    VNFO_RECORD_FLOWTAG_MAP = 2,  /**< A FlowTag mapping event (::vnfo_record_flowtag_map). */
    VNFO_RECORD_LOSS_NOTICE = 3,  /**< Records the shim could not log (::vnfo_record_loss_notice). */
    VNFO_RECORD_EPOCH_START = 4,  /**< A new key epoch begins (::vnfo_record_epoch_start). */
    VNFO_RECORD_HEARTBEAT = 5,    /**< The shim is alive (::vnfo_record_heartbeat); format 2. */
    VNFO_RECORD_PERIOD_CLOSE = 6, /**< The log of a billing period ends (::vnfo_record_period_close); format 2. */
} vnfo_record_type;

/** What the function did with a packet.  Values are part of the format. */
typedef enum vnfo_record_verdict {
    VNFO_VERDICT_FORWARDED = 0, /**< The packet left the function (maybe rewritten). */
    VNFO_VERDICT_DROPPED = 1,   /**< The function dropped it; the out digest is all zero. */
    VNFO_VERDICT_GENERATED = 2, /**< The function created it; the in digest is all zero. */
} vnfo_record_verdict;

/** How much of each packet a record keeps.  Values are part of the format. */
typedef enum vnfo_record_granularity {
    VNFO_GRANULARITY_DIGEST = 0,  /**< Digests only; no packet bytes. */
    VNFO_GRANULARITY_HEADERS = 1, /**< At most the first VNFO_RECORD_HEADER_BYTES bytes. */
    VNFO_GRANULARITY_FULL = 2,    /**< The whole packet (at most VNFO_RECORD_MAX_PACKET_BYTES). */
} vnfo_record_granularity;

/** Why records were lost.  Values are part of the format. */
typedef enum vnfo_record_loss_reason {
    VNFO_LOSS_UNSPECIFIED = 0,    /**< No reason given. */
    VNFO_LOSS_QUEUE_OVERFLOW = 1, /**< The shim's queue to the logger overflowed. */
    VNFO_LOSS_SINK_FAILURE = 2,   /**< Writing batches out failed. */
    VNFO_LOSS_RESTART = 3,        /**< The shim restarted and lost its buffer. */
    VNFO_LOSS_RATE_LIMIT = 4,     /**< Logging was rate-limited. */
} vnfo_record_loss_reason;

/** A vendor counter: name (bytes, not NUL-terminated) and value. */
typedef struct vnfo_record_counter {
    const char *name;   /**< UTF-8 bytes; points into the decoded buffer after decoding. */
    size_t name_len;    /**< 1..VNFO_RECORD_MAX_COUNTER_NAME. */
    uint64_t value;     /**< Counter value. */
} vnfo_record_counter;

/** Fields of a ::VNFO_RECORD_PACKET record. */
typedef struct vnfo_record_packet {
    uint32_t hop;        /**< Position of the logging function in the chain (0-based). */
    uint64_t label;      /**< The sampler's 64-bit packet label. */
    uint32_t flowtag;    /**< FlowTag carried by the packet; 0 = none. */
    uint8_t digest_in[VNFO_RECORD_DIGEST_BYTES];  /**< Invariant-view digest on entry (zero if generated). */
    uint8_t digest_out[VNFO_RECORD_DIGEST_BYTES]; /**< Invariant-view digest on exit (zero if dropped). */
    vnfo_record_verdict verdict; /**< Forwarded, dropped or generated. */
    uint64_t t_in_ns;    /**< Time the packet entered the function, ns. */
    uint64_t t_out_ns;   /**< Time it left (or was dropped), ns. */
    uint64_t cpu_cycles; /**< CPU cycles spent on the packet. */
    uint64_t mem_bytes;  /**< Memory in use by the function, bytes. */
    size_t n_counters;   /**< Vendor counters in use, 0..VNFO_RECORD_MAX_COUNTERS. */
    vnfo_record_counter counters[VNFO_RECORD_MAX_COUNTERS]; /**< Names unique; any order when encoding, sorted after decoding. */
    vnfo_record_granularity granularity; /**< How much packet the record keeps. */
    const uint8_t *bytes_in;  /**< Packet on entry, or NULL (always NULL at `digest`). */
    size_t bytes_in_len;      /**< Its length. */
    const uint8_t *bytes_out; /**< Packet on exit, or NULL (always NULL at `digest`). */
    size_t bytes_out_len;     /**< Its length. */
    int has_state_digest;     /**< Whether state_digest is present. */
    uint8_t state_digest[VNFO_RECORD_STATE_DIGEST_BYTES]; /**< Digest of the function's state. */
    /* Format version 2; zero after vnfo_record_init() means "not stated". */
    int has_link_type;   /**< Whether link_type is stated (format 2; a version-1 record never states it). */
    uint32_t link_type;  /**< pcap LINKTYPE of the frames the digests and bytes were taken from, 0..65535.
                              Readers take a record that does not state it as Ethernet (1). */
    uint32_t wire_len;   /**< Frame length on the wire at entry (a generated packet: at exit);
                              0 = not stated (always 0 in a version-1 record). */
} vnfo_record_packet;

/** Fields of a ::VNFO_RECORD_FLOWTAG_MAP record. */
typedef struct vnfo_record_flowtag_map {
    uint32_t tag;             /**< The FlowTag (non-zero). */
    uint32_t tagging_node;    /**< Node that assigned the tag. */
    uint32_t service_path;    /**< Service path id. */
    uint64_t time_ns;         /**< When the mapping was made, ns. */
    vnfo_flow_key original;   /**< Flow before the function. */
    vnfo_flow_key rewritten;  /**< Flow after the function. */
} vnfo_record_flowtag_map;

/** Fields of a ::VNFO_RECORD_LOSS_NOTICE record. */
typedef struct vnfo_record_loss_notice {
    uint64_t count;                 /**< Records lost (at least 1). */
    vnfo_record_loss_reason reason; /**< Why. */
    uint64_t time_ns;               /**< When the loss was noticed, ns. */
} vnfo_record_loss_notice;

/** Fields of a ::VNFO_RECORD_EPOCH_START record. */
typedef struct vnfo_record_epoch_start {
    uint64_t time_ns;             /**< When the epoch starts, ns. */
    size_t commitment_len;        /**< 0..VNFO_RECORD_MAX_COMMITMENT. */
    const uint8_t *commitment;    /**< Key id or commitment bytes (may be NULL when the length is 0). */
} vnfo_record_epoch_start;

/** Fields of a ::VNFO_RECORD_HEARTBEAT record (format 2): the shim signs one
 *  when it has logged nothing else for the manifest's heartbeat interval. */
typedef struct vnfo_record_heartbeat {
    uint64_t time_ns; /**< When the heartbeat was written, ns. */
} vnfo_record_heartbeat;

/** Fields of a ::VNFO_RECORD_PERIOD_CLOSE record (format 2): the last record
 *  of a node's log for one billing period [period_start_ns, period_end_ns). */
typedef struct vnfo_record_period_close {
    uint64_t period_start_ns; /**< Start of the billing period, ns. */
    uint64_t period_end_ns;   /**< End of the billing period, ns (not before the start). */
    uint64_t time_ns;         /**< When the period was closed, ns. */
} vnfo_record_period_close;

/**
 * @brief One log record.
 *
 * Fixed layout: later formats add members only inside the union's reserved
 * space (format 2 appended three fields to ::vnfo_record_packet and added two
 * members; sizeof(vnfo_record) is unchanged).  Initialise with
 * vnfo_record_init() before filling it.
 */
typedef struct vnfo_record {
    uint32_t format_version; /**< VNFO_RECORD_FORMAT_VERSION. */
    vnfo_record_type type;   /**< Selects the member of @c u. */
    uint32_t node_id;        /**< Writer's node id (set by the log writer). */
    uint64_t epoch;          /**< Key epoch (set by the log writer). */
    uint64_t seq;            /**< Per-writer contiguous sequence number (set by the log writer). */
    union {
        vnfo_record_packet packet;           /**< type == VNFO_RECORD_PACKET */
        vnfo_record_flowtag_map flowtag_map; /**< type == VNFO_RECORD_FLOWTAG_MAP */
        vnfo_record_loss_notice loss_notice; /**< type == VNFO_RECORD_LOSS_NOTICE */
        vnfo_record_epoch_start epoch_start; /**< type == VNFO_RECORD_EPOCH_START */
        vnfo_record_heartbeat heartbeat;     /**< type == VNFO_RECORD_HEARTBEAT */
        vnfo_record_period_close period_close; /**< type == VNFO_RECORD_PERIOD_CLOSE */
        uint8_t reserved_[640];              /**< Room for later record types. */
    } u; /**< The type-specific fields. */
} vnfo_record;

/** @brief VNFO_RECORD_MAX_BYTES, for FFI.  @par Thread safety: safe. */
VNFO_API size_t vnfo_record_max_bytes(void);
/** @brief VNFO_RECORD_DIGEST_BYTES, for FFI.  @par Thread safety: safe. */
VNFO_API size_t vnfo_record_digest_bytes(void);
/** @brief sizeof(vnfo_record), for FFI users that allocate records.  @par Thread safety: safe. */
VNFO_API size_t vnfo_record_struct_size(void);

/**
 * @brief Zero a record and set its format version and type.
 * @param[out] out The record to initialise.
 * @param type One of ::vnfo_record_type.
 * @return VNFO_OK, or VNFO_E_INVALID_ARGUMENT for a NULL @p out or an
 *         unknown type.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_record_init(vnfo_record *out, vnfo_record_type type);

/**
 * @brief The exact number of bytes vnfo_record_encode() writes for @p rec.
 * @param[out] out The size.
 * @param rec The record (validated as by vnfo_record_encode()).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT (NULL argument or a field out of
 *         range; no message, like the encoder), VNFO_E_UNSUPPORTED_VERSION or
 *         VNFO_E_LIMIT_EXCEEDED.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_record_encoded_size(size_t *out, const vnfo_record *rec);

/**
 * @brief Encode a record into a caller buffer, canonically.  Never allocates.
 *
 * Writes the format version the record states (vnfo_record_init() sets
 * VNFO_RECORD_FORMAT_VERSION, 2): version 1 is still written for a record
 * that sets it, so decoding then encoding returns the same bytes; a
 * version-1 record cannot state a link type or wire length, nor be a
 * heartbeat or a period close (VNFO_E_INVALID_ARGUMENT).
 * Checks the record first: format version 1 or 2, a known type and verdict,
 * an all-zero digest_in for a generated packet and an all-zero digest_out
 * for a dropped one, a link type of at most VNFO_RECORD_MAX_LINK_TYPE, IPv4
 * flow-key addresses whose 12 padding bytes are zero,
 * granularity consistent with the packet bytes (none at `digest`, at most
 * VNFO_RECORD_HEADER_BYTES at `headers`), counter names 1..64 bytes and
 * unique, at most VNFO_RECORD_MAX_COUNTERS counters, a commitment of at most
 * VNFO_RECORD_MAX_COMMITMENT bytes.  Counters are written sorted by name
 * (bytewise), whatever their order in @p rec.  A hot-path function: it
 * records no error message.
 * @param[out] out Destination buffer.
 * @param size Bytes available at @p out.
 * @param[out] written Bytes written; on VNFO_E_BUFFER_TOO_SMALL the size
 *             needed.
 * @param rec The record.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_UNSUPPORTED_VERSION (a
 *         format version this library does not write), VNFO_E_LIMIT_EXCEEDED
 *         or VNFO_E_BUFFER_TOO_SMALL.
 * @par Thread safety: safe (the record is only read).
 */
VNFO_API vnfo_status vnfo_record_encode(uint8_t *out, size_t size, size_t *written,
                                        const vnfo_record *rec);

/**
 * @brief Decode one record that spans exactly @p len bytes.  Never allocates.
 *
 * Reads format versions 1 and 2 (a version-1 packet record decodes with
 * has_link_type = 0 and wire_len = 0).
 * Strict: any non-canonical form (a longer integer encoding than needed,
 * unsorted or duplicate counter names, trailing bytes, non-zero padding of
 * an IPv4 flow-key address) is VNFO_E_RECORD_NONCANONICAL; a wrong type, a
 * length beyond the remaining bytes, a field out of range, a generated
 * packet with a non-zero digest_in or a dropped one with a non-zero
 * digest_out is VNFO_E_RECORD_MALFORMED.
 * Pointers in @p out point into @p data (see the file comment).
 * @param[out] out The record; unspecified on failure.
 * @param data The encoded bytes.
 * @param len Their length.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_RECORD_MALFORMED (message
 *         names the field and byte offset), VNFO_E_RECORD_NONCANONICAL,
 *         VNFO_E_RECORD_UNKNOWN_TYPE, VNFO_E_UNSUPPORTED_VERSION (a newer
 *         format version) or VNFO_E_LIMIT_EXCEEDED (too many counters, a
 *         name or packet too long).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_record_decode(vnfo_record *out, const uint8_t *data, size_t len);

/** @brief "packet", "flowtag_map", "loss_notice", "epoch_start", "heartbeat", "period_close" or "unknown".  @par Thread safety: safe. */
VNFO_API const char *vnfo_record_type_name(vnfo_record_type type);
/** @brief "forwarded", "dropped", "generated" or "unknown".  @par Thread safety: safe. */
VNFO_API const char *vnfo_record_verdict_name(vnfo_record_verdict verdict);
/** @brief "digest", "headers", "full" or "unknown".  @par Thread safety: safe. */
VNFO_API const char *vnfo_record_granularity_name(vnfo_record_granularity granularity);
/** @brief "unspecified", "queue_overflow", "sink_failure", "restart", "rate_limit" or "unknown".  @par Thread safety: safe. */
VNFO_API const char *vnfo_record_loss_reason_name(vnfo_record_loss_reason reason);

/**
 * @brief Parse a granularity name ("digest", "headers", "full").
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT (with a message).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_record_granularity_parse(vnfo_record_granularity *out, const char *name);

/**
 * @brief Write a record as one JSON object (no newline) into a caller buffer.
 *
 * Digests and packet bytes are lowercase hex, counters an object, integers
 * exact (64-bit values are JSON numbers; readers should parse them as
 * integers).  Used by `vnfo log dump --jsonl`.
 * @param[out] out Destination; always NUL-terminated when @p size > 0.
 * @param size Bytes available.
 * @param[out] written Length of the text (without NUL); on
 *             VNFO_E_BUFFER_TOO_SMALL the size needed including the NUL.
 * @param rec The record.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_BUFFER_TOO_SMALL.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_record_to_json(char *out, size_t size, size_t *written,
                                         const vnfo_record *rec);

#ifdef __cplusplus
}
#endif

#endif /* VNFO_RECORD_H */
