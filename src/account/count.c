/* Consistency of a billed packet count N with the n packets sampled:
 * n ~ Binomial(N, p).  Exact tails through the incomplete beta. */
#include <math.h>

#include "account/account_internal.h"

static const char WHERE[] = "vnfo_account_count_check";

/* P(X <= n) and P(X >= n) for X ~ Binomial(N, p), each computed directly
 * (long double holds every N up to 2^64 - 1 exactly). */
static double tail_le(uint64_t n, uint64_t big_n, double p)
{
    return vnfo__binom_cdf((long double)n, (long double)big_n, p);
}

static double tail_ge(uint64_t n, uint64_t big_n, double p)
{
    if (n == 0)
        return 1.0;
    if (n > big_n)
        return 0.0;
    return vnfo__binom_sf(n, big_n, p);
}

/* Smallest N >= n the test accepts from below: P(X >= n | N) > tail (it
 * grows with N).  *ok = 0 when a tail did not converge. */
static uint64_t accepted_low(uint64_t n, double p, double tail, uint64_t hi, int *ok)
{
    uint64_t lo = n;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        double t = tail_ge(n, mid, p);
        if (isnan(t))
            *ok = 0;
        if (!(t <= tail))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Largest N <= 2^64 - 1 the test accepts from above: P(X <= n | N) > tail
 * (it shrinks with N).  The search runs over the whole range of a billed
 * count, so every N the test rejects is found. */
static uint64_t accepted_high(uint64_t n, double p, double tail, int *ok)
{
    uint64_t hi = n + 1;
    double start = ceil((double)n / p);
    if (start > (double)hi)
        hi = start >= 18446744073709551616.0 ? UINT64_MAX : (uint64_t)start;
    while (!(tail_le(n, hi, p) <= tail)) {
        if (isnan(tail_le(n, hi, p)))
            *ok = 0;
        if (hi == UINT64_MAX || !*ok)
            return UINT64_MAX; /* no billable count is rejected from above */
        hi = hi > UINT64_MAX / 2 ? UINT64_MAX : hi * 2;
    }
    uint64_t lo = n; /* P(X <= n | n) = 1 > tail: accepted */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        double t = tail_le(n, mid, p);
        if (isnan(t))
            *ok = 0;
        if (t > tail)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* The verdict comes from the two tails at the billed N, so it agrees with
 * the p-value by construction; the accepted counts [lower, upper] are the
 * same test inverted (binary search on the monotone tails). */
static void count_decide(vnfo_account_result *r, uint64_t n, uint64_t big_n, double p,
                         double alpha)
{
    r->method = VNFO_ACCOUNT_METHOD_BINOMIAL;
    r->rate = big_n ? (double)n / (double)big_n : NAN;
    if (big_n) {
        r->rate_lower = vnfo__cp_lower(n, big_n, alpha / 2.0);
        r->rate_upper = vnfo__cp_upper(n, big_n, alpha / 2.0);
    }
    double lo_tail = tail_le(n, big_n, p), hi_tail = tail_ge(n, big_n, p);
    r->p_value = fmin(1.0, 2.0 * fmin(lo_tail, hi_tail));
    int ok = 1;
    uint64_t high = accepted_high(n, p, alpha / 2.0, &ok);
    uint64_t low = accepted_low(n, p, alpha / 2.0, high, &ok);
    r->lower = (double)low;
    r->upper = (double)high;
    if (!ok || isnan(r->p_value)) {
        r->verdict = VNFO_ACCOUNT_VERDICT_NONE;
        return;
    }
    if (hi_tail <= alpha / 2.0) { /* too few packets billed for n sampled */
        r->verdict = VNFO_ACCOUNT_UNDERCHARGED;
        r->reason = VNFO_ACCOUNT_REASON_BELOW_INTERVAL;
    } else if (lo_tail <= alpha / 2.0) {
        r->verdict = VNFO_ACCOUNT_OVERCHARGED;
        r->reason = VNFO_ACCOUNT_REASON_ABOVE_INTERVAL;
    } else {
        r->verdict = VNFO_ACCOUNT_CONSISTENT;
        r->reason = VNFO_ACCOUNT_REASON_INSIDE_INTERVAL;
    }
}

/* Sign of N·num - n·den, exact in 128 bits (den 0 meaning 2^64). */
static int count_cmp(uint64_t n, uint64_t big_n, vnfo_rational p)
{
    vnfo__u128 lhs = (vnfo__u128)big_n * p.num;
    vnfo__u128 rhs = p.den ? (vnfo__u128)n * p.den : (vnfo__u128)n << 64;
    return (lhs > rhs) - (lhs < rhs);
}

vnfo_status vnfo_account_count_check(vnfo_account_result *out, uint64_t sampled,
                                     uint64_t billed_packets, vnfo_rational p,
                                     const vnfo_account_options *opts)
{
    vnfo_account_options o;
    double pd;
    vnfo_status s = vnfo__account_begin(out, &o, opts, WHERE);
    if (s == VNFO_OK)
        s = vnfo__account_probability(&pd, p, WHERE);
    if (s != VNFO_OK)
        return s;
    out->check = VNFO_ACCOUNT_CHECK_COUNT;
    out->n = sampled;
    out->billed = (double)billed_packets;
    out->probability = pd;
    out->estimate = (double)sampled / pd;
    out->exact_cmp = count_cmp(sampled, billed_packets, p);
    if (sampled > billed_packets) { /* more packets logged than billed */
        out->method = VNFO_ACCOUNT_METHOD_EXACT;
        out->p_value = 0.0;
        out->verdict = VNFO_ACCOUNT_UNDERCHARGED;
        out->reason = VNFO_ACCOUNT_REASON_BELOW_SAMPLE;
        return VNFO_OK;
    }
    if (p.den != 0 && p.num == p.den) { /* every packet is sampled */
        out->method = VNFO_ACCOUNT_METHOD_EXACT;
        out->lower = out->upper = (double)sampled;
        int equal = sampled == billed_packets;
        out->p_value = equal ? 1.0 : 0.0;
        out->verdict = equal ? VNFO_ACCOUNT_CONSISTENT : VNFO_ACCOUNT_OVERCHARGED;
        out->reason = equal ? VNFO_ACCOUNT_REASON_EXACT_MATCH : VNFO_ACCOUNT_REASON_ABOVE_INTERVAL;
        return VNFO_OK;
    }
    count_decide(out, sampled, billed_packets, pd, 1.0 - o.confidence);
    if (out->verdict == VNFO_ACCOUNT_VERDICT_NONE)
        return vnfo__error(VNFO_E_ACCOUNT_NO_CONVERGENCE,
                           "%s: binomial tails for n = %llu of N = %llu did not converge", WHERE,
                           (unsigned long long)sampled, (unsigned long long)billed_packets);
    return VNFO_OK;
}

vnfo_status vnfo_account_count_check_clusters(vnfo_account_result *out,
                                              const uint64_t *multiplicity, size_t labels,
                                              uint64_t billed_packets, vnfo_rational p,
                                              const vnfo_account_options *opts)
{
    static const char where[] = "vnfo_account_count_check_clusters";
    vnfo_account_options o;
    double pd;
    vnfo_status s = vnfo__account_begin(out, &o, opts, where);
    if (s == VNFO_OK)
        s = vnfo__account_probability(&pd, p, where);
    if (s != VNFO_OK)
        return s;
    if (!multiplicity && labels)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: multiplicity is NULL", where);
    uint64_t n = 0;
    long double m2 = 0.0L, m3 = 0.0L;
    for (size_t i = 0; i < labels; i++) {
        uint64_t m = multiplicity[i];
        if (m == 0)
            return vnfo__error(VNFO_E_ACCOUNT_VALUE, "%s: label %zu has multiplicity 0", where, i);
        if (__builtin_add_overflow(n, m, &n))
            return vnfo__error(VNFO_E_OVERFLOW, "%s: more than 2^64 - 1 packets", where);
        m2 += (long double)m * m;
        m3 += (long double)m * m * m;
    }
    if (m2 == (long double)n) /* no label repeats: exact binomial */
        return vnfo_account_count_check(out, n, billed_packets, p, opts);
    out->check = VNFO_ACCOUNT_CHECK_COUNT;
    out->n = n;
    out->billed = (double)billed_packets;
    out->probability = pd;
    out->exact_cmp = count_cmp(n, billed_packets, p);
    if (n > billed_packets || (p.den != 0 && p.num == p.den))
        return vnfo_account_count_check(out, n, billed_packets, p, opts); /* exact cases */
    return vnfo__count_clusters_decide(out, (double)n, (double)m2, (double)m3, (double)labels,
                                       billed_packets, p, 1.0 - o.confidence);
}
