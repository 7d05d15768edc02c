/**
 * @file log.h
 * @brief Signed, Merkle-batched, hash-chained logs of records: writer,
 *        reader/verifier, inclusion proofs, log files.
 *
 * A writer collects encoded records (record.h) into batches.  Each batch
 * carries a header (node, manifest digest, epoch, first sequence number,
 * record count, records lost since the previous batch, hash of the previous
 * batch, Merkle root of the records, creation time) and an Ed25519 signature
 * over a domain-separated encoding of that header.  The Merkle tree is
 * exactly RFC 6962's (leaf = H(0x00 || record), node = H(0x01 || left ||
 * right)) with H = BLAKE2b-256 (default) or SHA-256.  docs/FORMAT.md gives
 * every byte.
 *
 * A reader verifies a stream of batches (one or more log files, in order)
 * before anything is decoded, gives each batch one status naming its fault,
 * and then iterates over the records of the authentic batches.
 *
 * Log files are batches, each preceded by its length (4 bytes, big-endian),
 * appended one after the other.
 *
 * Writing (the shim), with the file sink:
 * @code
 * int fd = open("node1.log", O_WRONLY | O_CREAT | O_APPEND, 0644);
 * vnfo_log_writer_options o = VNFO_LOG_WRITER_OPTIONS_INIT;
 * o.node_id = 1; o.key = key; o.sink = vnfo_log_file_sink; o.sink_ctx = &fd;
 * vnfo_log_writer *w;
 * vnfo_log_writer_create(&w, &o);
 * vnfo_log_writer_append(w, &record);   // per sampled packet; never allocates
 * vnfo_log_writer_flush(w);             // at shutdown or on a timer
 * vnfo_log_writer_free(w);
 * @endcode
 * Verifying (the customer), then reading the records:
 * @code
 * vnfo_log_reader_options o = VNFO_LOG_READER_OPTIONS_INIT;
 * vnfo_public_key_load(&o.public_key, "node1.pub");
 * vnfo_log_reader *r;
 * vnfo_log_reader_create(&r, &o);
 * vnfo_log_reader_add_file(r, "node1.log");
 * vnfo_status s = vnfo_log_reader_verify(r);   // VNFO_OK or the first fault
 * vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
 * vnfo_record rec;
 * while (vnfo_log_reader_next_record(&rec, r, &cur) != VNFO_E_NOT_FOUND) { ... }
 * vnfo_log_reader_free(r);
 * @endcode
 */
#ifndef VNFO_LOG_H
#define VNFO_LOG_H

#include <vnfo/common.h>
#include <vnfo/key.h>
#include <vnfo/record.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Batch format version written by this library. */
#define VNFO_LOG_FORMAT_VERSION 1
/** Bytes of every hash in the log: tree nodes, roots, batch hashes, manifest digest. */
#define VNFO_LOG_HASH_BYTES 32
/** Bytes of an encoded batch header. */
#define VNFO_LOG_HEADER_BYTES 144
/** Bytes of a header followed by its signature: the fixed start of a batch. */
#define VNFO_LOG_SIGNED_HEADER_BYTES (VNFO_LOG_HEADER_BYTES + VNFO_KEY_SIGNATURE_BYTES)
/** The context string signed before the header bytes (followed by one 0x00 byte). */
#define VNFO_LOG_SIGNATURE_CONTEXT "vnfo log batch header v1"
/** Largest batch, in bytes, a reader accepts and a writer may be configured with. */
#define VNFO_LOG_MAX_BATCH_BYTES (256u << 20)
/** Most records in one batch. */
#define VNFO_LOG_MAX_BATCH_RECORDS 1048576u
/** Longest audit path (trees of up to 2^32 leaves). */
#define VNFO_LOG_MAX_PROOF_DEPTH 32

/** The hash function of the Merkle tree and of the chain.  Values are part of the format. */
typedef enum vnfo_log_tree_hash {
    VNFO_LOG_TREE_BLAKE2B_256 = 1, /**< BLAKE2b with a 32-byte output (default, fastest). */
    VNFO_LOG_TREE_SHA256 = 2,      /**< SHA-256: byte-for-byte RFC 6962 trees. */
} vnfo_log_tree_hash;

/** A decoded batch header.  Fixed layout: never grows. */
typedef struct vnfo_log_header {
    uint32_t format_version;   /**< VNFO_LOG_FORMAT_VERSION. */
    vnfo_log_tree_hash tree_hash; /**< H of the tree and of the chain. */
    uint32_t node_id;          /**< The writer's node. */
    uint8_t manifest_digest[VNFO_LOG_HASH_BYTES]; /**< Manifest the log follows (zero when none). */
    uint64_t epoch;            /**< Key epoch of every record in the batch. */
    uint64_t first_seq;        /**< Sequence number of the first record. */
    uint32_t record_count;     /**< Records in the batch (at least 1). */
    uint64_t lost_count;       /**< Sequence numbers lost since the previous batch. */
    uint8_t prev_hash[VNFO_LOG_HASH_BYTES]; /**< Hash of the previous batch (zero for the first). */
    uint8_t root[VNFO_LOG_HASH_BYTES];      /**< Merkle root of the records. */
    uint64_t created_ns;       /**< Creation time, ns since the Unix epoch. */
} vnfo_log_header;

/** @brief VNFO_LOG_HASH_BYTES, for FFI.  @par Thread safety: safe. */
VNFO_API size_t vnfo_log_hash_bytes(void);
/** @brief VNFO_LOG_HEADER_BYTES, for FFI.  @par Thread safety: safe. */
VNFO_API size_t vnfo_log_header_bytes(void);
/** @brief VNFO_LOG_SIGNED_HEADER_BYTES, for FFI.  @par Thread safety: safe. */
VNFO_API size_t vnfo_log_signed_header_bytes(void);

/** @brief "blake2b-256", "sha256" or "unknown".  @par Thread safety: safe. */
VNFO_API const char *vnfo_log_tree_hash_name(vnfo_log_tree_hash hash);

/**
 * @brief Parse a tree hash name ("blake2b-256" or "sha256").
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT (with a message).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_log_tree_hash_parse(vnfo_log_tree_hash *out, const char *name);

/* ---- Merkle tree -------------------------------------------------------- */

/**
 * @brief The RFC 6962 Merkle tree hash of @p n entries.
 *
 * MTH({}) = H(""), leaf = H(0x00 || entry), node = H(0x01 || left || right),
 * split at the largest power of two smaller than n.  Allocates nothing.
 * @param[out] out VNFO_LOG_HASH_BYTES bytes.
 * @param hash The function H.
 * @param entries Entry pointers (may be NULL when n is 0).
 * @param lens Entry lengths.
 * @param n Number of entries.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_log_tree_root(uint8_t *out, vnfo_log_tree_hash hash,
                                        const uint8_t *const *entries, const size_t *lens, size_t n);

/* ---- batches ------------------------------------------------------------ */

/**
 * @brief Decode the header at the start of a batch (no verification).
 * @param[out] out The header.
 * @param batch The batch bytes (at least VNFO_LOG_HEADER_BYTES).
 * @param len Their length.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_LOG_MALFORMED (bad magic,
 *         short, unknown tree hash, reserved byte set, zero records) or
 *         VNFO_E_UNSUPPORTED_VERSION (a newer batch format).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_log_header_parse(vnfo_log_header *out, const uint8_t *batch, size_t len);

/**
 * @brief The hash of a batch, which the next batch's header names as
 *        prev_hash: H(0x02 || the 144 header bytes), H the batch's tree hash.
 * @param[out] out VNFO_LOG_HASH_BYTES bytes.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_LOG_MALFORMED or
 *         VNFO_E_UNSUPPORTED_VERSION.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_log_batch_hash(uint8_t *out, const uint8_t *batch, size_t len);

/**
 * @brief Verify one batch on its own: header, signature, manifest digest and
 *        Merkle root over the records' exact bytes.  Nothing is decoded.
 *
 * Checks, in this order: structure and version, signature, manifest digest,
 * record framing and root.  The chain (sequence, previous hash) needs the
 * batches around it: see ::vnfo_log_reader.  Allocates nothing.
 * @param[out] out The header (filled once it parses, even when a later check fails).
 * @param batch The batch bytes.
 * @param len Their length.
 * @param key The writer's public key.
 * @param manifest_digest Expected manifest digest (VNFO_LOG_HASH_BYTES), or
 *        NULL to skip that check.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_LOG_MALFORMED,
 *         VNFO_E_UNSUPPORTED_VERSION, VNFO_E_SIGNATURE_INVALID,
 *         VNFO_E_LOG_MANIFEST_MISMATCH or VNFO_E_LOG_ROOT_MISMATCH, each with a
 *         message naming the byte offset or record.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_log_batch_verify(vnfo_log_header *out, const uint8_t *batch, size_t len,
                                           const vnfo_public_key *key,
                                           const uint8_t *manifest_digest);

/**
 * @brief The location of record @p index inside a batch (no verification
 *        beyond the framing).
 * @param[out] out Points at the record's bytes inside @p batch.
 * @param[out] out_len Their length.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_NOT_FOUND (index beyond
 *         the record count), VNFO_E_LOG_MALFORMED or VNFO_E_UNSUPPORTED_VERSION.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_log_batch_record(const uint8_t **out, size_t *out_len,
                                           const uint8_t *batch, size_t len, uint32_t index);

/** Where a walk through the records of one batch stands; start from
 *  VNFO_LOG_BATCH_CURSOR_INIT. */
typedef struct vnfo_log_batch_cursor {
    uint32_t index;  /**< Index of the next record; after a record is returned, index - 1 is its index. */
    uint32_t reserved_; /**< Zero. */
    size_t offset_;  /**< Internal: byte offset of the next record's length prefix (0: the first). */
} vnfo_log_batch_cursor;

/** Initialiser of ::vnfo_log_batch_cursor. */
#define VNFO_LOG_BATCH_CURSOR_INIT {0, 0, 0}

/**
 * @brief The next record of a batch (no verification beyond the framing), in
 *        O(1): visiting all n records costs O(n), where calling
 *        vnfo_log_batch_record() for each index would cost O(n^2).
 * @param[out] out Points at the record's bytes inside @p batch.
 * @param[out] out_len Their length.
 * @param batch The batch (its header must parse).
 * @param len Its length.
 * @param cur The position, advanced past the record returned.
 * @return VNFO_OK; VNFO_E_NOT_FOUND after the last record; VNFO_E_LOG_MALFORMED
 *         naming the byte and record when the framing does not add up (a
 *         length beyond the batch, bytes after the last record; the cursor
 *         does not move: no later record can be found);
 *         VNFO_E_UNSUPPORTED_VERSION; VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: safe (one cursor per thread).
 */
VNFO_API vnfo_status vnfo_log_batch_record_next(const uint8_t **out, size_t *out_len,
                                                const uint8_t *batch, size_t len,
                                                vnfo_log_batch_cursor *cur);

/* ---- writer ------------------------------------------------------------- */

/**
 * @brief Receives each closed, signed batch.
 *
 * Called from append, flush, set_epoch or free, on the writer's thread.  The
 * bytes are valid only during the call.  Return VNFO_OK once the batch is
 * stored; any other status means it is lost: the writer reports
 * VNFO_E_LOG_SINK and counts its records into the next header's lost_count.
 */
typedef vnfo_status (*vnfo_log_sink_fn)(void *ctx, const uint8_t *batch, size_t len);

/** Returns the current time in ns since the Unix epoch. */
typedef uint64_t (*vnfo_log_clock_fn)(void *ctx);

/** Version of ::vnfo_log_writer_options understood by this library. */
#define VNFO_LOG_WRITER_OPTIONS_VERSION 1

/** Options of vnfo_log_writer_create(). */
typedef struct vnfo_log_writer_options {
    unsigned version;              /**< VNFO_LOG_WRITER_OPTIONS_VERSION. */
    uint32_t node_id;              /**< The writer's node id. */
    const vnfo_signing_key *key;   /**< Signing key; borrowed, must outlive the writer. */
    uint8_t manifest_digest[VNFO_LOG_HASH_BYTES]; /**< Manifest digest (zero when none). */
    uint32_t batch_records;        /**< Records per batch, 1..VNFO_LOG_MAX_BATCH_RECORDS (default 1024). */
    size_t batch_bytes;            /**< Largest batch in bytes; a batch closes early when the next record would not fit (default 4 MiB). */
    vnfo_log_tree_hash tree_hash;  /**< Default VNFO_LOG_TREE_BLAKE2B_256. */
    vnfo_log_sink_fn sink;         /**< Receives batches (required). */
    void *sink_ctx;                /**< Passed to sink. */
    uint64_t epoch;                /**< Epoch of the first batch. */
    uint64_t first_seq;            /**< Sequence number of the first record (to continue a log). */
    uint8_t prev_hash[VNFO_LOG_HASH_BYTES]; /**< Hash of the batch before the first one (zero for a new log). */
    vnfo_log_clock_fn clock;       /**< Creation-time source; NULL = CLOCK_REALTIME. */
    void *clock_ctx;               /**< Passed to clock. */
    uint64_t lost_before;          /**< Sequence numbers lost just before first_seq (a continued log's vnfo_log_writer_pending_lost()); signed into the first batch. */
} vnfo_log_writer_options;

/** Initialiser of ::vnfo_log_writer_options with the defaults. */
#define VNFO_LOG_WRITER_OPTIONS_INIT                                                            \
    {VNFO_LOG_WRITER_OPTIONS_VERSION, 0, NULL, {0}, 1024, 4u << 20, VNFO_LOG_TREE_BLAKE2B_256,  \
     NULL, NULL, 0, 0, {0}, NULL, NULL, 0}

/**
 * @brief Fill @p out with the defaults of the given options version.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_STRUCT_VERSION.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_log_writer_options_init(vnfo_log_writer_options *out, unsigned version);

/** A log writer (opaque). */
typedef struct vnfo_log_writer vnfo_log_writer;

/**
 * @brief Create a writer.  All memory it needs is allocated here.
 * @param[out] out The writer; NULL on failure.
 * @param opts Options (copied; the key is borrowed).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT (message names the option),
 *         VNFO_E_STRUCT_VERSION, VNFO_E_LIMIT_EXCEEDED, VNFO_E_NOT_INITIALIZED
 *         or VNFO_E_NO_MEMORY.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_log_writer_create(vnfo_log_writer **out,
                                            const vnfo_log_writer_options *opts);

/**
 * @brief Append a record.  Never allocates.
 *
 * The writer sets the record's node id, epoch and sequence number (the
 * values in @p rec are ignored) and encodes it into the open batch.  The
 * batch is closed, signed and handed to the sink when it reaches
 * batch_records records, or before a record that would not fit in
 * batch_bytes.  A hot-path function: it formats no message except on sink
 * failure.
 * @return VNFO_OK; VNFO_E_LOG_SINK when a batch closed by this call could
 *         not be delivered (the record itself was appended; the lost records
 *         are counted into the next header's lost_count); VNFO_E_INVALID_ARGUMENT,
 *         VNFO_E_UNSUPPORTED_VERSION or VNFO_E_LIMIT_EXCEEDED for a record the
 *         encoder refuses or that exceeds batch_bytes (nothing appended);
 *         VNFO_E_OVERFLOW when sequence numbers are exhausted; VNFO_E_CRYPTO.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_log_writer_append(vnfo_log_writer *w, const vnfo_record *rec);

/**
 * @brief Close the open batch, if it holds any record, and deliver it.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_LOG_SINK or VNFO_E_CRYPTO.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_log_writer_flush(vnfo_log_writer *w);

/**
 * @brief Append a heartbeat record (format 2) and sign the batch.
 *
 * When the manifest names `logging.heartbeat_ms`, a shim must sign a batch
 * at least that often: call this when nothing else closed a batch for an
 * interval (docs/FORMAT.md 1.6).  The open batch, with the records already
 * in it, is closed with the heartbeat as its last record.
 * @param w The writer.
 * @param now_ns The heartbeat's time, ns since the Unix epoch (the shim's clock).
 * @return As vnfo_log_writer_append() and vnfo_log_writer_flush().
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_log_writer_heartbeat(vnfo_log_writer *w, uint64_t now_ns);

/**
 * @brief Append a period-close record (format 2) and sign the batch.
 *
 * Ends the node's log for the billing period [@p period_start_ns,
 * @p period_end_ns): under a manifest with `logging.heartbeat_ms` the
 * verifier fails `logs.integrity` for a node whose log has no such record
 * (docs/FORMAT.md 1.7).  The writer stays usable for the next period.
 * @param w The writer.
 * @param period_start_ns Start of the billing period, ns since the Unix epoch.
 * @param period_end_ns End of the billing period (not before the start).
 * @param now_ns When the period is closed (the shim's clock).
 * @return As vnfo_log_writer_heartbeat(); VNFO_E_INVALID_ARGUMENT for an
 *         inverted period (nothing appended).
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_log_writer_close_period(vnfo_log_writer *w, uint64_t period_start_ns,
                                                  uint64_t period_end_ns, uint64_t now_ns);

/**
 * @brief Close the open batch and start a new key epoch for the next records.
 * @return As vnfo_log_writer_flush().
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_log_writer_set_epoch(vnfo_log_writer *w, uint64_t epoch);

/**
 * @brief The sequence number the next appended record gets.
 * @par Thread safety: per handle.
 */
VNFO_API uint64_t vnfo_log_writer_next_seq(const vnfo_log_writer *w);

/**
 * @brief Hash of the last batch the sink accepted (or the options' prev_hash).
 *        Give it, with vnfo_log_writer_next_seq() and
 *        vnfo_log_writer_pending_lost(), to a writer that continues this log.
 * @param[out] out VNFO_LOG_HASH_BYTES bytes.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_log_writer_last_hash(uint8_t *out, const vnfo_log_writer *w);

/**
 * @brief Sequence numbers lost since the last delivered batch, not yet
 *        signed into a header.  Non-zero after the last flush failed: give
 *        it as lost_before to a writer that continues this log.
 * @par Thread safety: per handle.
 */
VNFO_API uint64_t vnfo_log_writer_pending_lost(const vnfo_log_writer *w);

/**
 * @brief Records lost to sink failures so far, in total.
 * @par Thread safety: per handle.
 */
VNFO_API uint64_t vnfo_log_writer_lost_total(const vnfo_log_writer *w);

/**
 * @brief Flush the open batch, then wipe and free the writer.  Accepts NULL.
 *        Call vnfo_log_writer_flush() first to learn whether the last batch
 *        was delivered.
 * @par Thread safety: per handle.
 */
VNFO_API void vnfo_log_writer_free(vnfo_log_writer *w);

/**
 * @brief A sink that appends each batch to a log file with its 4-byte
 *        big-endian length, with one write(2) per batch.
 * @param ctx A pointer to an int file descriptor opened for appending.
 * @return VNFO_OK or VNFO_E_IO (the message names errno).
 * @par Thread safety: per file descriptor.
 */
VNFO_API vnfo_status vnfo_log_file_sink(void *ctx, const uint8_t *batch, size_t len);

/* ---- reader / verifier --------------------------------------------------- */

/** Version of ::vnfo_log_reader_options understood by this library. */
#define VNFO_LOG_READER_OPTIONS_VERSION 1

/** Options of vnfo_log_reader_create(). */
typedef struct vnfo_log_reader_options {
    unsigned version;            /**< VNFO_LOG_READER_OPTIONS_VERSION. */
    vnfo_public_key public_key;  /**< The node's public key. */
    uint8_t manifest_digest[VNFO_LOG_HASH_BYTES]; /**< Expected manifest digest (zero when none). */
    int check_node;              /**< Non-zero: every batch must come from node_id.  Zero: the first authentic batch fixes the node. */
    uint32_t node_id;            /**< Expected node when check_node is set. */
    int anchored;                /**< Non-zero: the first batch must continue anchor_seq / anchor_hash (detects a deleted head). */
    uint64_t anchor_seq;         /**< Expected first sequence number when anchored. */
    uint8_t anchor_hash[VNFO_LOG_HASH_BYTES]; /**< Expected prev_hash of the first batch when anchored. */
} vnfo_log_reader_options;

/** Initialiser of ::vnfo_log_reader_options (zero key: set it). */
#define VNFO_LOG_READER_OPTIONS_INIT {VNFO_LOG_READER_OPTIONS_VERSION, {{0}}, {0}, 0, 0, 0, 0, {0}}

/**
 * @brief Fill @p out with the defaults of the given options version.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_STRUCT_VERSION.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_log_reader_options_init(vnfo_log_reader_options *out, unsigned version);

/** A log reader and verifier (opaque). */
typedef struct vnfo_log_reader vnfo_log_reader;

/**
 * @brief What the reader found about one batch.  Fixed layout: never grows.
 *
 * @c message and @c source stay valid until the reader is freed.  @c bytes
 * does too for a source added with vnfo_log_reader_add_buffer(); for one
 * added with vnfo_log_reader_add_file() (streamed, never held whole) it
 * points into the reader's batch window and stays valid until the next
 * vnfo_log_reader_batch() or vnfo_log_reader_verify() on the reader.
 */
typedef struct vnfo_log_batch_info {
    vnfo_status status;      /**< VNFO_OK or the batch's fault. */
    const char *message;     /**< What is wrong and where; "" when OK. */
    const char *source;      /**< Name of the buffer or file. */
    uint64_t offset;         /**< Byte offset of the batch's length prefix in its source. */
    const uint8_t *bytes;    /**< The batch (without length prefix); NULL when truncated. */
    size_t len;              /**< Its length. */
    int header_valid;        /**< Whether @c header was decoded. */
    vnfo_log_header header;  /**< The header (when header_valid). */
    uint8_t hash[VNFO_LOG_HASH_BYTES]; /**< The batch hash (when header_valid). */
} vnfo_log_batch_info;

/** Where a record iteration stands; start from VNFO_LOG_CURSOR_INIT. */
typedef struct vnfo_log_cursor {
    size_t batch;     /**< Index of the batch of the last record returned. */
    uint32_t record;  /**< Index of that record in its batch. */
    size_t next_offset_; /**< Internal: byte offset of the next record. */
    uint32_t next_record_; /**< Internal: index of the next record. */
} vnfo_log_cursor;

/** Initialiser of ::vnfo_log_cursor. */
#define VNFO_LOG_CURSOR_INIT {0, 0, 0, 0}

/**
 * @brief Create a reader.
 * @param[out] out The reader; NULL on failure.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_STRUCT_VERSION or VNFO_E_NO_MEMORY.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_log_reader_create(vnfo_log_reader **out,
                                            const vnfo_log_reader_options *opts);

/** @brief Free a reader and the files it read.  Accepts NULL.  @par Thread safety: per handle. */
VNFO_API void vnfo_log_reader_free(vnfo_log_reader *r);

/**
 * @brief Add log bytes (length-prefixed batches) to the stream, after those
 *        added before.  The bytes are not copied: keep them alive and
 *        unchanged until the reader is freed.
 * @param name Names the source in messages (copied).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_NO_MEMORY.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_log_reader_add_buffer(vnfo_log_reader *r, const uint8_t *data, size_t len,
                                                const char *name);

/**
 * @brief Add a log file to the stream.
 *
 * The file is opened (never blocking: a FIFO is refused) and kept open; it
 * is streamed one batch at a time, by vnfo_log_reader_verify() and again by
 * the readers of batches and records, so the reader's memory is that of
 * its largest batch (at most twice) plus about 300 bytes per batch, never
 * the file's size.  A batch whose bytes change after it was verified is
 * refused with VNFO_E_IO when read again.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_NOT_FOUND, VNFO_E_IO,
 *         VNFO_E_NOT_REGULAR_FILE or VNFO_E_NO_MEMORY.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_log_reader_add_file(vnfo_log_reader *r, const char *path);

/**
 * @brief Verify every batch of the stream, in order, without decoding records.
 *
 * Each batch first gets the checks of vnfo_log_batch_verify() and the node
 * check; then the authentic batches are checked as a chain: the first one
 * anchors it (or must continue the options' anchor), and each later one
 * must start at the previous batch's end plus its own signed lost_count and
 * name the previous batch's hash.  Faults: VNFO_E_LOG_TRUNCATED (the source
 * ends inside a batch; earlier batches still verify), VNFO_E_LOG_MALFORMED,
 * VNFO_E_UNSUPPORTED_VERSION, VNFO_E_SIGNATURE_INVALID,
 * VNFO_E_LOG_NODE_MISMATCH, VNFO_E_LOG_MANIFEST_MISMATCH,
 * VNFO_E_LOG_ROOT_MISMATCH, VNFO_E_LOG_DUPLICATE (same batch seen before),
 * VNFO_E_LOG_REORDERED (starts before the expected sequence number, or after
 * it while the missing batch comes later in the stream),
 * VNFO_E_LOG_SEQUENCE_GAP (records missing for good),
 * VNFO_E_LOG_BROKEN_CHAIN (right sequence number, wrong previous hash).
 * Calling it again re-verifies everything added so far.
 * @return VNFO_OK when every batch is valid; otherwise the status of the
 *         first faulty batch, with its message; VNFO_E_NO_MEMORY.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_log_reader_verify(vnfo_log_reader *r);

/** @brief Number of batches (and truncated tails) found by vnfo_log_reader_verify().  @par Thread safety: per handle. */
VNFO_API size_t vnfo_log_reader_batch_count(const vnfo_log_reader *r);

/**
 * @brief What the reader found about batch @p index.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_NOT_FOUND.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_log_reader_batch(vnfo_log_batch_info *out, const vnfo_log_reader *r,
                                           size_t index);

/**
 * @brief The next record of the stream, decoded.
 *
 * Visits, in stream order, the records of every batch whose signature and
 * root verified, except duplicates: faults of the chain do not make
 * authentic records disappear (check vnfo_log_reader_verify()'s status).  Each
 * record must carry its batch's node id and epoch and the sequence number
 * of its position.  Pointers in @p out point into the reader's memory, valid
 * until the next call on the reader.
 * @param[out] out The record.
 * @param r A reader after vnfo_log_reader_verify().
 * @param cur Position; starts at VNFO_LOG_CURSOR_INIT; tells the batch and
 *        record index of the record returned.
 * @return VNFO_OK; VNFO_E_NOT_FOUND when no record is left; the decoder's
 *         status, or VNFO_E_LOG_MALFORMED for a record that contradicts its
 *         header, with a message naming source, offset, batch and record (the
 *         cursor moves past it, so iteration can go on); VNFO_E_IO when a
 *         file's batch cannot be read again or changed since it was
 *         verified (the cursor moves past the batch).
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_log_reader_next_record(vnfo_record *out, const vnfo_log_reader *r,
                                                 vnfo_log_cursor *cur);

/* ---- inclusion proofs ----------------------------------------------------- */

/**
 * @brief Everything needed to show one record to a third party: the signed
 *        header of its batch and the RFC 6962 audit path.  Fixed layout.
 */
typedef struct vnfo_log_proof {
    uint8_t signed_header[VNFO_LOG_SIGNED_HEADER_BYTES]; /**< The batch's header and signature bytes. */
    uint32_t leaf_index; /**< The record's index in its batch. */
    uint32_t tree_size;  /**< Records in the batch. */
    uint32_t path_len;   /**< Hashes in @c path. */
    uint8_t path[VNFO_LOG_MAX_PROOF_DEPTH][VNFO_LOG_HASH_BYTES]; /**< Audit path, leaf to root. */
} vnfo_log_proof;

/**
 * @brief Produce the inclusion proof of record @p index of a batch.
 *
 * The batch should have been verified first; this checks only its framing.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_NOT_FOUND (no such
 *         record), VNFO_E_LOG_MALFORMED, VNFO_E_UNSUPPORTED_VERSION or
 *         VNFO_E_NO_MEMORY.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_log_proof_create(vnfo_log_proof *out, const uint8_t *batch, size_t len,
                                           uint32_t index);

/**
 * @brief Check an audit path against a root (RFC 9162 section 2.1.3.2).
 * @param proof The proof (its signed header is not used).
 * @param hash The tree hash function.
 * @param root VNFO_LOG_HASH_BYTES bytes.
 * @param record The record's exact bytes.
 * @param len Their length.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_LOG_PROOF_INVALID.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_log_proof_verify_root(const vnfo_log_proof *proof, vnfo_log_tree_hash hash,
                                                const uint8_t *root, const uint8_t *record,
                                                size_t len);

/**
 * @brief Check a proof completely: the header's signature under @p key, the
 *        tree size against the header's record count, and the audit path
 *        against the header's root.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_LOG_MALFORMED,
 *         VNFO_E_UNSUPPORTED_VERSION, VNFO_E_SIGNATURE_INVALID or
 *         VNFO_E_LOG_PROOF_INVALID.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_log_proof_check(const vnfo_log_proof *proof, const vnfo_public_key *key,
                                          const uint8_t *record, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* VNFO_LOG_H */
