/**
 * @file verify.h
 * @brief The end-to-end verifier: trajectories, functional checks, replay
 *        through the customer's reference implementations, performance and
 *        accounting checks, all into a ::vnfo_report.
 */
#ifndef VNFO_VERIFY_H
#define VNFO_VERIFY_H

#include <vnfo/common.h>
#include <vnfo/report.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of a function's state digest (snapshot mode). */
#define VNFO_REFERENCE_STATE_BYTES 16

/** What a reference implementation did with a packet.  Values are pinned. */
typedef enum vnfo_reference_verdict {
    VNFO_REFERENCE_FORWARD = 0, /**< The packet leaves, as written to the output buffer. */
    VNFO_REFERENCE_DROP = 1,    /**< The packet is dropped. */
    VNFO_REFERENCE_ERROR = 2    /**< The reference cannot process it (malformed, output too small). */
} vnfo_reference_verdict;

/**
 * @brief Resource use and state a reference reports for one packet.
 *
 * The verifier zeroes it before each call.  Fixed layout: fields are only
 * ever appended, and a callback built against an older layout leaves the
 * new ones zero.
 */
typedef struct vnfo_reference_resources {
    uint64_t cpu_cycles;  /**< Cycles the reference needs (feeds the minimality check). */
    uint64_t mem_bytes;   /**< Memory the reference needs. */
    uint32_t alerts;      /**< Alerts raised (an IDS); informational. */
    uint32_t has_state;   /**< 1 when state_digest is set (snapshot mode). */
    uint8_t state_digest[VNFO_REFERENCE_STATE_BYTES]; /**< Digest of the state the packet saw. */
} vnfo_reference_resources;

/**
 * @brief A reference implementation f̂ of a function: a pure function of the
 *        input packet (and its configuration in @p ctx).
 * @param ctx The opaque context given with the callback.
 * @param in The packet as the function received it (link layer included).
 * @param out A buffer of @p out_cap bytes for the packet it forwards.
 * @param[out] out_len The length written to @p out (when forwarding).
 * @param[out] res Resource use and, optionally, the state digest.
 * @return The verdict.
 */
typedef vnfo_reference_verdict (*vnfo_reference_fn)(void *ctx, const uint8_t *in, size_t in_len,
                                                    uint8_t *out, size_t out_cap, size_t *out_len,
                                                    vnfo_reference_resources *res);

#ifdef __cplusplus
}
#endif

#endif /* VNFO_VERIFY_H */
