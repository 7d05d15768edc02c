/* Glue of the sampler bindings (compiled into the extension, not libvnfo).
 *
 * vnfo_py_decide_packets() decides many packets that live in ONE buffer,
 * given either byte offsets or a fixed row stride (a 2-D numpy array), in
 * bursts of `burst` packets through vnfo_sampler_decide_burst().  Python
 * makes one call for the whole array, so the per-packet cost is C's; the
 * pointer arrays the burst API wants are built here, on the stack, after
 * checking every packet lies inside the buffer.
 *
 * vnfo_py_time_c_bursts() is the C baseline of bindings/python/bench_burst.py:
 * the same bursts, pointers prepared once, timed with CLOCK_MONOTONIC. */
#include <time.h>

static vnfo_status vnfo_py_decide_packets(vnfo_sampler_decision *out, size_t *out_selected,
                                          const vnfo_sampler *s, const uint8_t *base,
                                          size_t base_len, const uint64_t *offsets,
                                          size_t stride, const uint32_t *lens, uint32_t len,
                                          const uint32_t *flowtags, size_t n,
                                          uint32_t linktype, size_t burst)
{
    const uint8_t *ptrs[VNFO_SAMPLER_BURST_MAX];
    uint32_t fixed[VNFO_SAMPLER_BURST_MAX];
    size_t total = 0;
    if (!out || !s || (!base && n) || burst == 0 || burst > VNFO_SAMPLER_BURST_MAX)
        return VNFO_E_INVALID_ARGUMENT;
    for (size_t i = 0; i < n; i += burst) {
        size_t m = n - i < burst ? n - i : burst;
        for (size_t j = 0; j < m; j++) {
            uint64_t off = offsets ? offsets[i + j] : (uint64_t)(i + j) * stride;
            uint32_t l = lens ? lens[i + j] : len;
            if (off > base_len || l > base_len - off)
                return VNFO_E_LIMIT_EXCEEDED; /* a packet outside the buffer */
            ptrs[j] = base + off;
            fixed[j] = l;
        }
        size_t sel = 0;
        vnfo_status st = vnfo_sampler_decide_burst(out + i, &sel, s, ptrs, fixed,
                                                   flowtags ? flowtags + i : NULL, m, linktype);
        if (st != VNFO_OK)
            return st;
        total += sel;
    }
    if (out_selected)
        *out_selected = total;
    return VNFO_OK;
}

static vnfo_status vnfo_py_time_c_bursts(double *out_ns, const vnfo_sampler *s,
                                         const uint8_t *base, size_t stride, uint32_t len,
                                         size_t n, uint32_t linktype, size_t burst,
                                         size_t reps)
{
    const uint8_t *ptrs[VNFO_SAMPLER_BURST_MAX];
    uint32_t lens[VNFO_SAMPLER_BURST_MAX];
    vnfo_sampler_decision dec[VNFO_SAMPLER_BURST_MAX];
    struct timespec t0, t1;
    if (!out_ns || !s || !base || burst == 0 || burst > VNFO_SAMPLER_BURST_MAX || n % burst)
        return VNFO_E_INVALID_ARGUMENT;
    for (size_t j = 0; j < burst; j++)
        lens[j] = len;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t r = 0; r < reps; r++) {
        for (size_t i = 0; i < n; i += burst) {
            for (size_t j = 0; j < burst; j++)
                ptrs[j] = base + (i + j) * stride;
            vnfo_status st = vnfo_sampler_decide_burst(dec, NULL, s, ptrs, lens, NULL, burst,
                                                       linktype);
            if (st != VNFO_OK)
                return st;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    *out_ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
    return VNFO_OK;
}
