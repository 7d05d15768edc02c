/* Exact binomial intervals: Clopper-Pearson bounds of a proportion and the
 * ranks of the distribution-free order-statistic interval of a quantile.
 * Pure functions (no messages) so the probe program can call them too. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "account/account_internal.h"

double vnfo__cp_lower(uint64_t k, uint64_t n, double tail)
{
    if (k == 0)
        return 0.0;
    if (k == n) /* Beta(n, 1) quantile in closed form: tail^(1/n). */
        return exp(log(tail) / (double)n);
    return vnfo__beta_quantile(tail, (long double)k, (long double)(n - k) + 1.0L);
}

double vnfo__cp_upper(uint64_t k, uint64_t n, double tail)
{
    if (k == n)
        return 1.0;
    if (k == 0) /* Beta(1, n) quantile in closed form: 1 - tail^(1/n). */
        return -expm1(log(tail) / (double)n);
    /* Small bounds solve directly (full relative precision near 0); large
     * ones by symmetry, 1 - Beta^-1(tail; n - k, k + 1), which keeps their
     * distance to 1 precise. */
    if (2 * k < n)
        return vnfo__beta_quantile_upper(tail, (long double)k + 1.0L, (long double)(n - k));
    return 1.0 - vnfo__beta_quantile(tail, (long double)(n - k), (long double)k + 1.0L);
}

/* P(X >= j) for X ~ Binomial(n, q), computed directly (not as 1 - cdf) so
 * small upper tails keep their precision. */
double vnfo__binom_sf(uint64_t j, uint64_t n, double q)
{
    if (j == 0)
        return 1.0;
    if (j > n)
        return 0.0;
    return vnfo__beta_inc(q, (long double)j, (long double)(n - j) + 1.0L);
}

int vnfo__order_ranks(uint64_t *lower, uint64_t *upper, uint64_t n, double q, double tail)
{
    /* l: largest j in [0, n] with P(X <= j - 1) <= tail; the predicate holds
     * at j = 0 and fails from some point on (the cdf increases). */
    uint64_t lo = 0, hi = n;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo + 1) / 2;
        double f = vnfo__binom_cdf((long double)mid - 1.0L, (long double)n, q);
        if (isnan(f))
            return -1;
        if (f <= tail)
            lo = mid;
        else
            hi = mid - 1;
    }
    *lower = lo;
    /* u: smallest j in [1, n + 1] with P(X >= j) <= tail (true at n + 1). */
    lo = 1;
    hi = n + 1;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        double s = vnfo__binom_sf(mid, n, q);
        if (isnan(s))
            return -1;
        if (s <= tail)
            hi = mid;
        else
            lo = mid + 1;
    }
    *upper = lo;
    return 0;
}

/* ceil(num·n / 2^shift) for num·n < 2^128. */
static uint64_t ceil_shift(vnfo__u128 prod, int shift)
{
    if (shift >= 128)
        return prod != 0;
    vnfo__u128 r = prod >> shift;
    if (shift > 0 && (prod & (((vnfo__u128)1 << shift) - 1)) != 0)
        r++;
    return r > UINT64_MAX ? UINT64_MAX : (uint64_t)r;
}

/* The shortest decimal that rounds to q (what a user typed: 0.07, not
 * 0.0700000000000000067), as digits / 10^scale; 0 when it needs more than
 * 19 decimal places. */
static int shortest_decimal(uint64_t *digits, unsigned *scale, double q)
{
    char buf[48];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, q);
        if (strtod(buf, NULL) != q)
            continue;
        uint64_t m = 0;
        int ndig = 0;
        const char *c = buf;
        for (; *c && *c != 'e'; c++)
            if (*c >= '0' && *c <= '9') {
                m = m * 10 + (uint64_t)(*c - '0');
                ndig++;
            }
        int exp10 = *c == 'e' ? atoi(c + 1) : 0;
        int sc = (ndig - 1) - exp10; /* q = m / 10^sc */
        if (sc < 0 || sc > 19)
            return 0;
        *digits = m;
        *scale = (unsigned)sc;
        return 1;
    }
    return 0;
}

uint64_t vnfo__quantile_rank(uint64_t n, double q)
{
    uint64_t rank;
    uint64_t m;
    unsigned sc;
    if (n == 0)
        return 0;
    if (shortest_decimal(&m, &sc, q)) {
        uint64_t den = 1;
        for (unsigned i = 0; i < sc; i++)
            den *= 10;
        vnfo__u128 prod = (vnfo__u128)m * n; /* m < 10^19, exact */
        vnfo__u128 r = prod / den + (prod % den != 0);
        rank = r > UINT64_MAX ? UINT64_MAX : (uint64_t)r;
    } else { /* the exact binary value q = f·2^e, f < 2^53 */
        int e;
        double frac = frexp(q, &e);
        uint64_t f = (uint64_t)ldexp(frac, 53);
        e -= 53;
        rank = e >= 0 ? n : ceil_shift((vnfo__u128)f * n, -e);
    }
    return rank < 1 ? 1 : rank > n ? n : rank;
}

double vnfo__binom_sf_real(long double v, long double ne, double q)
{
    if (v <= 0.0L)
        return 1.0;
    if (v >= ne + 1.0L)
        return 0.0;
    double lower, upper;
    vnfo__beta_inc2(&lower, &upper, q, 1.0 - q, v, ne - v + 1.0L);
    return lower;
}

double vnfo__binom_cdf_real(long double v, long double ne, double q)
{
    if (v <= -1.0L)
        return 0.0;
    if (v >= ne)
        return 1.0;
    double lower, upper;
    vnfo__beta_inc2(&lower, &upper, q, 1.0 - q, v + 1.0L, ne - v);
    return upper;
}

/* The two rank predicates of a cluster sample: "lower" holds for j when
 * P(X <= (j - 1)·s) <= tail (true at 0, monotone true then false),
 * "upper" when P(X >= j·s) <= tail (false then true, true at n + 1);
 * X ~ Bin(n*, q), s = n* / n.  NaN tails make *bad nonzero. */
struct rank_pred {
    uint64_t n;
    long double scale, ne;
    double q, tail;
    int bad;
};

static int lower_holds(struct rank_pred *r, uint64_t j)
{
    if (j == 0)
        return 1;
    double f = vnfo__binom_cdf_real(((long double)j - 1.0L) * r->scale, r->ne, r->q);
    r->bad |= isnan(f);
    return f <= r->tail;
}

static int upper_holds(struct rank_pred *r, uint64_t j)
{
    if (j > r->n)
        return 1;
    double f = vnfo__binom_sf_real((long double)j * r->scale, r->ne, r->q);
    r->bad |= isnan(f);
    return f <= r->tail;
}

int vnfo__order_ranks_eff(uint64_t *lower, uint64_t *upper, uint64_t n, long double n_eff,
                          double q, double tail)
{
    if (!(n_eff < (long double)n))
        return vnfo__order_ranks(lower, upper, n, q, tail);
    /* A count of j packets stands for j·n* / n effective draws; both tails
     * stay monotone in j, so binary searches apply.  They start from a
     * bracket of 12 standard deviations of the count around q·n (each
     * tail evaluation is a continued fraction), widened to the whole
     * range when an end does not bracket. */
    struct rank_pred r = {n, n_eff / (long double)n, n_eff, q, tail, 0};
    double centre = q * (double)n;
    double w = 12.0 * sqrt((double)n_eff * q * (1.0 - q)) * (double)n / (double)n_eff + 2.0;
    uint64_t a = centre - w > 0.0 ? (uint64_t)(centre - w) : 0;
    uint64_t b = centre + w < (double)n ? (uint64_t)(centre + w) + 1 : n;
    /* l: largest j with lower_holds, searched in [lo, hi] with it true at lo */
    uint64_t lo = lower_holds(&r, a) ? a : 0, hi = lower_holds(&r, b) ? n : b;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo + 1) / 2;
        if (lower_holds(&r, mid))
            lo = mid;
        else
            hi = mid - 1;
    }
    *lower = lo;
    /* u: smallest j in [1, n + 1] with upper_holds, in [lo, hi] with it true at hi */
    lo = a >= 1 && !upper_holds(&r, a) ? a : 1;
    hi = upper_holds(&r, b) ? b : n + 1;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (upper_holds(&r, mid))
            hi = mid;
        else
            lo = mid + 1;
    }
    *upper = lo;
    return r.bad ? -1 : 0;
}
