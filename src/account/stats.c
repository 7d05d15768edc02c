/* Exact binomial intervals: Clopper-Pearson bounds of a proportion and the
 * ranks of the distribution-free order-statistic interval of a quantile.
 * Pure functions (no messages) so the probe program can call them too. */
#include <math.h>

#include "account/account_internal.h"

double vnfo__cp_lower(uint64_t k, uint64_t n, double tail)
{
    if (k == 0)
        return 0.0;
    if (k == n) /* Beta(n, 1) quantile in closed form: tail^(1/n). */
        return exp(log(tail) / (double)n);
    return vnfo__beta_quantile(tail, (double)k, (double)(n - k + 1));
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
        return vnfo__beta_quantile(1.0 - tail, (double)(k + 1), (double)(n - k));
    return 1.0 - vnfo__beta_quantile(tail, (double)(n - k), (double)(k + 1));
}

/* P(X >= j) for X ~ Binomial(n, q), computed directly (not as 1 - cdf) so
 * small upper tails keep their precision. */
double vnfo__binom_sf(uint64_t j, uint64_t n, double q)
{
    if (j == 0)
        return 1.0;
    if (j > n)
        return 0.0;
    return vnfo__beta_inc(q, (double)j, (double)(n - j + 1));
}

int vnfo__order_ranks(uint64_t *lower, uint64_t *upper, uint64_t n, double q, double tail)
{
    /* l: largest j in [0, n] with P(X <= j - 1) <= tail; the predicate holds
     * at j = 0 and fails from some point on (the cdf increases). */
    uint64_t lo = 0, hi = n;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo + 1) / 2;
        double f = vnfo__binom_cdf((double)mid - 1.0, (double)n, q);
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
