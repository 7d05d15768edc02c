/* The relative-error sketch: a DDSketch with a linearly interpolated
 * logarithmic index mapping over integers.
 *
 * Bucket of x (k = sketch_bits):
 *   x < 2^k:  its own bucket, index x (exact);
 *   x >= 2^k: with e = floor(log2 x), the bucket [lo, hi] where
 *             lo = 2^e + j·2^(e-k), hi = lo + 2^(e-k) - 1, j the k bits
 *             after the leading one.
 * Every integer in [lo, hi] is within (hi - lo)/(hi + lo) < 2^-(k+1) of the
 * harmonic midpoint 2·lo·hi/(lo + hi), which is what the bucket reports.
 * Counts are integers, so merges are exact and order-independent; the index
 * needs one count-leading-zeros and a shift (no log() on the hot path). */
#include "account/account_internal.h"

void vnfo__sketch_bounds(uint64_t *lo, uint64_t *hi, size_t index, unsigned k)
{
    size_t sub = (size_t)1 << k;
    if (index < sub) {
        *lo = *hi = index;
        return;
    }
    unsigned e = (unsigned)(index >> k) + k - 1;
    uint64_t j = index & (sub - 1);
    *lo = ((uint64_t)1 << e) + (j << (e - k));
    *hi = *lo + (((uint64_t)1 << (e - k)) - 1);
}

double vnfo__sketch_value(size_t index, unsigned k)
{
    uint64_t lo, hi;
    vnfo__sketch_bounds(&lo, &hi, index, k);
    if (lo == hi)
        return (double)lo;
    return 2.0 * (double)lo * (double)hi / ((double)lo + (double)hi);
}

void vnfo__sketch_count_bounds(uint64_t *below, uint64_t *at_most, const vnfo_account_acc *acc,
                               uint64_t v)
{
    *below = *at_most = 0;
    if (!acc->n)
        return;
    size_t first = vnfo__sketch_index(acc->min, acc->sketch_bits);
    size_t last = vnfo__sketch_index(acc->max, acc->sketch_bits);
    for (size_t i = first; i <= last; i++) {
        uint64_t lo, hi;
        vnfo__sketch_bounds(&lo, &hi, i, acc->sketch_bits);
        /* Every value lies in [min, max]: clamping sharpens both counts. */
        if (lo < acc->min)
            lo = acc->min;
        if (hi > acc->max)
            hi = acc->max;
        if (hi < v)
            *below += acc->counts[i];
        if (lo <= v)
            *at_most += acc->counts[i];
    }
}

double vnfo__sketch_rank_value(const vnfo_account_acc *acc, uint64_t r)
{
    if (r <= 1)
        return (double)acc->min;
    if (r >= acc->n)
        return (double)acc->max;
    size_t lo = vnfo__sketch_index(acc->min, acc->sketch_bits);
    size_t hi = vnfo__sketch_index(acc->max, acc->sketch_bits);
    uint64_t seen = 0;
    size_t i = lo;
    for (; i < hi; i++) {
        seen += acc->counts[i];
        if (seen >= r)
            break;
    }
    double v = vnfo__sketch_value(i, acc->sketch_bits);
    /* The exact value lies in [min, max] too: clamping never adds error. */
    if (v < (double)acc->min)
        v = (double)acc->min;
    if (v > (double)acc->max)
        v = (double)acc->max;
    return v;
}

void vnfo__sketch_rank_bounds(uint64_t *lo, uint64_t *hi, const vnfo_account_acc *acc, uint64_t r)
{
    size_t first = vnfo__sketch_index(acc->min, acc->sketch_bits);
    size_t last = vnfo__sketch_index(acc->max, acc->sketch_bits);
    uint64_t seen = 0;
    size_t i = first;
    for (; i < last; i++) {
        seen += acc->counts[i];
        if (seen >= r)
            break;
    }
    vnfo__sketch_bounds(lo, hi, i, acc->sketch_bits);
    if (*lo < acc->min)
        *lo = acc->min;
    if (*hi > acc->max)
        *hi = acc->max;
}
