/**
 * @file tap.h
 * @brief A bump-in-the-wire shim for black-box functions: two observation
 *        streams of one function (ingress and egress frames, each with a
 *        timestamp) in, paired packet records out.
 *
 * A kernel firewall, a kernel NAT or any appliance its vendor cannot change
 * does not call the sampler itself.  A tap watches the function from outside:
 * every frame that enters it and every frame that leaves it.  Each frame is
 * decided with the manifest's sampler; only selected frames are remembered.
 * A selected egress frame is paired with the oldest pending ingress frame of
 * the same label, which gives one `forwarded` record (digests in and out,
 * t_in, t_out, wire length).  An ingress frame that no egress frame matches
 * within the timeout gives a `dropped` record; an egress frame with no
 * pending ingress frame gives a `generated` record.
 *
 * Pairing uses the sampler's label, so it survives every rewrite that the
 * sampler's field set ignores: a NAT is tapped with the `nat-safe` field set
 * (docs/tap.md, "Pairing through a NAT").  Equal-label frames (exact
 * duplicates) are paired first in, first out.
 *
 * The pending table has a fixed capacity, chosen at create time (size it
 * from the selected rate times the longest delay, docs/tap.md).  A selected
 * ingress frame that finds it full is not remembered; it is counted, and the
 * count leaves as a signed ::VNFO_RECORD_LOSS_NOTICE record with reason
 * queue_overflow, never silently.
 *
 * Records leave through a callback, in the order they are completed; the
 * caller hands them to a log writer (vnfo_log_writer_append()).  The tap
 * never allocates after create, does no I/O and records no error message on
 * the per-frame path.
 *
 * Thread safety: a tap is not shared; one thread feeds it (the capture loop).
 * Different taps may run in different threads, and may share one sampler.
 */
#ifndef VNFO_TAP_H
#define VNFO_TAP_H

#include <vnfo/common.h>
#include <vnfo/record.h>
#include <vnfo/sampler.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version of ::vnfo_tap_options understood by this library. */
#define VNFO_TAP_OPTIONS_VERSION 1
/** Default pending-table capacity (selected frames awaiting their egress). */
#define VNFO_TAP_DEFAULT_CAPACITY 65536
/** Largest pending-table capacity. */
#define VNFO_TAP_MAX_CAPACITY (1u << 24)
/** Default time an ingress frame waits for its egress before it counts as dropped: 1 s. */
#define VNFO_TAP_DEFAULT_TIMEOUT_NS 1000000000ull

/**
 * @brief Receives each completed record.
 * @param ctx The options' emit_ctx.
 * @param rec The record; valid only during the call (its packet bytes point
 *        into the tap).  The log writer fills node id, epoch and seq.
 * @return VNFO_OK, or a status that the tap returns to its caller unchanged
 *         (the record counts as emitted; the tap's state stays consistent).
 */
typedef vnfo_status (*vnfo_tap_emit_fn)(void *ctx, const vnfo_record *rec);

/** How a tap pairs and records frames. */
typedef struct vnfo_tap_options {
    unsigned version;              /**< VNFO_TAP_OPTIONS_VERSION. */
    uint32_t hop;                  /**< The tapped function's position in the chain. */
    uint64_t timeout_ns;           /**< Wait for an egress frame before `dropped` (default 1 s). */
    uint32_t capacity;             /**< Pending selected ingress frames, 1..VNFO_TAP_MAX_CAPACITY (default 65536). */
    vnfo_record_granularity granularity; /**< How much of each packet records keep (default `digest`). */
    uint32_t full_bytes;           /**< At `full`: room kept per pending frame, VNFO_RECORD_HEADER_BYTES..VNFO_RECORD_MAX_PACKET_BYTES (default 2048).  A frame longer than this, or captured short of its wire length, is recorded at `headers`. */
    vnfo_tap_emit_fn emit;         /**< Receives records (required). */
    void *emit_ctx;                /**< Passed to emit. */
} vnfo_tap_options;

/** Default room per pending frame at the `full` granularity. */
#define VNFO_TAP_DEFAULT_FULL_BYTES 2048

/** Initialiser: hop 0, 1 s timeout, 65536 pending frames, digest granularity, no callback. */
#define VNFO_TAP_OPTIONS_INIT                                                                   \
    { VNFO_TAP_OPTIONS_VERSION, 0, VNFO_TAP_DEFAULT_TIMEOUT_NS, VNFO_TAP_DEFAULT_CAPACITY,      \
      VNFO_GRANULARITY_DIGEST, VNFO_TAP_DEFAULT_FULL_BYTES, NULL, NULL }

/** Counters of one tap since create.  Fixed layout: never grows. */
typedef struct vnfo_tap_stats {
    uint64_t ingress_frames;   /**< Ingress frames seen. */
    uint64_t egress_frames;    /**< Egress frames seen. */
    uint64_t undecidable;      /**< Frames the sampler could not hash (not IP, truncated, ...): never selected. */
    uint64_t ingress_selected; /**< Selected ingress frames. */
    uint64_t egress_selected;  /**< Selected egress frames. */
    uint64_t forwarded;        /**< `forwarded` records emitted. */
    uint64_t dropped;          /**< `dropped` records emitted. */
    uint64_t generated;        /**< `generated` records emitted. */
    uint64_t overflow;         /**< Selected ingress frames lost to a full pending table. */
    uint64_t loss_notices;     /**< Loss notice records emitted for them. */
    uint64_t pending;          /**< Ingress frames waiting now. */
    uint64_t pending_peak;     /**< Most ingress frames ever waiting at once. */
} vnfo_tap_stats;

/** A tap (opaque). */
typedef struct vnfo_tap vnfo_tap;

/**
 * @brief Initialise tap options to VNFO_TAP_OPTIONS_INIT.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_STRUCT_VERSION.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_tap_options_init(vnfo_tap_options *out, unsigned version);

/**
 * @brief Create a tap.  Allocates the pending table once: about 80 bytes
 *        per slot, plus 128 bytes per slot at `headers` or full_bytes at `full`.
 * @param[out] out The tap; NULL on failure.
 * @param opts Options (checked, with a message naming the bad one).
 * @param sampler The manifest's sampler; borrowed: it must outlive the tap.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_STRUCT_VERSION,
 *         VNFO_E_LIMIT_EXCEEDED (capacity) or VNFO_E_NO_MEMORY.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_tap_create(vnfo_tap **out, const vnfo_tap_options *opts,
                                     const vnfo_sampler *sampler);

/**
 * @brief Free a tap.  Pending frames are discarded: call vnfo_tap_finish()
 *        first to record them.  Accepts NULL.
 * @par Thread safety: per handle.
 */
VNFO_API void vnfo_tap_free(vnfo_tap *tap);

/**
 * @brief A frame entering the function.  Decides it, remembers it when
 *        selected, and first expires pending frames older than the timeout
 *        at @p t_ns (emitting their `dropped` records).
 * @param tap The tap.
 * @param frame, caplen The captured bytes.
 * @param wire_len The frame's length on the wire (caplen when unknown).
 * @param linktype Its pcap link type (VNFO_LINKTYPE_*).
 * @param t_ns Capture time, ns.  Each stream's times should not go
 *        backwards; a frame older than the newest one seen is taken as
 *        arriving at that newest time for expiry.
 * @return VNFO_OK (also for frames the sampler cannot hash: they are
 *         counted), VNFO_E_INVALID_ARGUMENT, or the emit callback's status.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_tap_ingress(vnfo_tap *tap, const uint8_t *frame, size_t caplen,
                                      uint32_t wire_len, uint32_t linktype, uint64_t t_ns);

/**
 * @brief A frame leaving the function.  Decides it; when selected, pairs it
 *        with the oldest pending ingress frame of its label (a `forwarded`
 *        record) or, when there is none, emits a `generated` record.
 * @return As vnfo_tap_ingress().
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_tap_egress(vnfo_tap *tap, const uint8_t *frame, size_t caplen,
                                     uint32_t wire_len, uint32_t linktype, uint64_t t_ns);

/**
 * @brief vnfo_tap_ingress() for a frame the caller has already decided,
 *        with the tap's own sampler (vnfo_sampler_decide() or one entry of
 *        vnfo_sampler_decide_burst() over the same bytes, flowtag 0).  A
 *        capture loop that decides frames in bursts, or decides them before
 *        it knows in which order to feed them, saves the tap a second
 *        decision.  The decision is trusted: a wrong one gives wrong records
 *        (the verifier re-decides recorded packets at `full`).
 * @param d The decision; when it selects the frame, @p frame must hold it
 *        (its digest is recorded).  An unselected or undecidable frame may
 *        be passed without its bytes (frame NULL, caplen 0): it is counted
 *        and advances the clock.
 * @return As vnfo_tap_ingress(); VNFO_E_INVALID_ARGUMENT also for a NULL
 *         @p d, or a selected decision without the frame.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_tap_ingress_decided(vnfo_tap *tap, const vnfo_sampler_decision *d,
                                              const uint8_t *frame, size_t caplen, uint32_t wire_len,
                                              uint32_t linktype, uint64_t t_ns);

/**
 * @brief vnfo_tap_egress() for a frame the caller has already decided, as
 *        vnfo_tap_ingress_decided().
 * @return As vnfo_tap_ingress_decided().
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_tap_egress_decided(vnfo_tap *tap, const vnfo_sampler_decision *d,
                                             const uint8_t *frame, size_t caplen, uint32_t wire_len,
                                             uint32_t linktype, uint64_t t_ns);

/**
 * @brief Expire pending ingress frames older than the timeout at @p now_ns
 *        (`dropped` records), and emit a loss notice for any overflow not yet
 *        reported.  Call it when the capture is idle, so drops are recorded
 *        without waiting for the next frame.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or the emit callback's status.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_tap_expire(vnfo_tap *tap, uint64_t now_ns);

/**
 * @brief End of both streams: every pending ingress frame becomes a
 *        `dropped` record (t_out = t_in: a black box's drop time cannot be
 *        observed), and any unreported overflow a loss notice.  The tap
 *        stays usable.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or the emit callback's status.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_tap_finish(vnfo_tap *tap);

/**
 * @brief Add frames lost before they reached the tap (kernel capture drops,
 *        as pcap_stats() reports them); they leave as a loss notice with
 *        reason queue_overflow at the next expire or finish.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_tap_add_capture_loss(vnfo_tap *tap, uint64_t frames);

/**
 * @brief The tap's counters.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: per handle (reads state that the feeding thread changes).
 */
VNFO_API vnfo_status vnfo_tap_stats_get(vnfo_tap_stats *out, const vnfo_tap *tap);

/** @brief sizeof(vnfo_tap_stats), for FFI.  @par Thread safety: safe. */
VNFO_API size_t vnfo_tap_stats_size(void);

#ifdef __cplusplus
}
#endif

#endif /* VNFO_TAP_H */
