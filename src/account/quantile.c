/* Quantile bills: the distribution-free interval of a population quantile
 * from the order statistics of the sample (binomial law of ranks). */
#include <math.h>

#include "account/account_internal.h"

static const char WHERE[] = "vnfo_account_quantile_check";

/* Ranks above 2^53 lose their integer precision as doubles. */
#define RANK_LIMIT ((uint64_t)1 << 53)

/* Effective sample size of a cluster sample at its sample quantile
 * (Woodruff: the variance of the estimated CDF at the estimated quantile
 * sets the width of the whole interval); n for independent packets.  The
 * clustered accumulator is always in exact mode (see clusters.c). */
static long double effective_size(vnfo_account_acc *acc, double q, const struct vnfo__clusters *c)
{
    if (!c || !acc->values_exact)
        return (long double)acc->n;
    vnfo__acc_sort(acc);
    /* Rounded to a double: the result carries it (statistic) and the
     * p-value reads it back, so both use the same number. */
    return (long double)(double)vnfo__clusters_cdf_size(
        c, acc->values[vnfo__quantile_rank(acc->n, q) - 1]);
}

vnfo_status vnfo__quantile_interval(vnfo_account_result *r, vnfo_account_acc *acc, double q,
                                    const char *where)
{
    return vnfo__quantile_interval_clusters(r, acc, q, NULL, where);
}

vnfo_status vnfo__quantile_interval_clusters(vnfo_account_result *r, vnfo_account_acc *acc,
                                             double q, const struct vnfo__clusters *c,
                                             const char *where)
{
    uint64_t n = acc->n, l, u;
    if (n > RANK_LIMIT)
        return vnfo__error(VNFO_E_LIMIT_EXCEEDED, "%s: %llu values, more than 2^53", where,
                           (unsigned long long)n);
    double alpha = 1.0 - r->confidence;
    long double n_eff = effective_size(acc, q, c);
    if (vnfo__order_ranks_eff(&l, &u, n, n_eff, q, alpha / 2.0) != 0)
        return vnfo__error(VNFO_E_ACCOUNT_NO_CONVERGENCE,
                           "%s: binomial tails for n = %llu, q = %g did not converge", where,
                           (unsigned long long)n, q);
    r->n = n;
    r->quantile = q;
    r->rank_lower = l;
    r->rank_upper = u;
    /* The effective size as the "statistic" of a clustered interval (NaN
     * when the packets are independent). */
    if (n_eff < (long double)n)
        r->statistic = (double)n_eff;
    r->estimate = vnfo__acc_rank_value(acc, vnfo__quantile_rank(n, q));
    if (acc->values_exact) {
        r->method = VNFO_ACCOUNT_METHOD_ORDER_STATISTICS;
        r->lower = l ? (double)acc->values[l - 1] : 0.0;
        r->upper = u <= n ? (double)acc->values[u - 1] : INFINITY;
    } else {
        /* The order statistic lies in the integers of its bucket (within
         * the relative error bound, but exact as a range): the interval
         * takes the bucket's ends, which are also what the p-value's
         * counts use, so verdict and p-value agree. */
        uint64_t lo, hi;
        r->method = VNFO_ACCOUNT_METHOD_SKETCH_ORDER_STATISTICS;
        r->lower = 0.0;
        r->upper = INFINITY;
        if (l) {
            vnfo__sketch_rank_bounds(&lo, &hi, acc, l);
            r->lower = (double)lo;
        }
        if (u <= n) {
            vnfo__sketch_rank_bounds(&lo, &hi, acc, u);
            r->upper = (double)hi;
        }
    }
    return VNFO_OK;
}

/* Index of the first kept value >= v (values sorted). */
static uint64_t count_below(const vnfo_account_acc *acc, uint64_t v, int inclusive)
{
    uint64_t lo = 0, hi = acc->nvalues;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (acc->values[mid] < v || (inclusive && acc->values[mid] == v))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* #{x < B} (at least *below) and #{x <= B} (at most *at_most): exact with
 * kept values, bounded from the buckets in sketch mode. */
static void quantile_counts(uint64_t *below, uint64_t *at_most, const vnfo_account_acc *acc,
                            uint64_t billed)
{
    if (acc->values_exact) {
        *below = count_below(acc, billed, 0);
        *at_most = count_below(acc, billed, 1);
    } else {
        vnfo__sketch_count_bounds(below, at_most, acc, billed);
    }
}

/* p-value of "the q-quantile is B": under the null #{x < B} is at most
 * Bin(n, q) and #{x <= B} at least Bin(n, q), stochastically.  In sketch
 * mode the counts are bounded from the buckets (fewer below, more at most),
 * which can only raise the p-value: it stays valid, conservatively. */
static double quantile_p_value(const vnfo_account_acc *acc, double q, uint64_t below,
                               uint64_t at_most, long double n_eff)
{
    long double n = (long double)acc->n;
    if (n_eff < n) { /* the same tails as vnfo__order_ranks_eff() */
        long double scale = n_eff / n;
        double p_over = vnfo__binom_sf_real((long double)below * scale, n_eff, q);
        double p_under = vnfo__binom_cdf_real((long double)at_most * scale, n_eff, q);
        return fmin(1.0, 2.0 * fmin(p_over, p_under));
    }
    double p_over = vnfo__binom_sf(below, acc->n, q);
    double p_under = vnfo__binom_cdf((long double)at_most, n, q);
    return fmin(1.0, 2.0 * fmin(p_over, p_under));
}

vnfo_status vnfo_account_quantile_check(vnfo_account_result *out, vnfo_account_acc *acc, double q,
                                        uint64_t billed_value, const vnfo_account_options *opts)
{
    vnfo_account_options o;
    vnfo_status s = vnfo__account_begin(out, &o, opts, WHERE);
    if (s != VNFO_OK)
        return s;
    if (!acc || !(q > 0.0 && q < 1.0))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: acc is NULL or q %g is not in (0, 1)",
                           WHERE, q);
    if (acc->n == 0)
        return vnfo__error(VNFO_E_ACCOUNT_EMPTY, "%s: no sampled values (n = 0)", WHERE);
    return vnfo__quantile_check_clusters(out, acc, q, billed_value, NULL, WHERE);
}

vnfo_status vnfo__quantile_check_clusters(vnfo_account_result *out, vnfo_account_acc *acc,
                                          double q, uint64_t billed_value,
                                          const struct vnfo__clusters *c, const char *where)
{
    out->check = VNFO_ACCOUNT_CHECK_QUANTILE;
    out->billed = (double)billed_value;
    vnfo_status s = vnfo__quantile_interval_clusters(out, acc, q, c, where);
    if (s != VNFO_OK)
        return s;
    uint64_t n_below, n_at_most;
    quantile_counts(&n_below, &n_at_most, acc, billed_value);
    long double n_eff = isnan(out->statistic) ? (long double)acc->n : (long double)out->statistic;
    out->p_value = quantile_p_value(acc, q, n_below, n_at_most, n_eff);
    /* In integers, from the same counts as the p-value: x_(u) < B exactly
     * when at least u values lie below B (then P(Bin(n, q) >= #below) <=
     * α/2 by the choice of u), and x_(l) > B when fewer than l lie at or
     * below it.  So the verdict rejects exactly when p <= α. */
    int below = out->rank_lower >= 1 && n_at_most < out->rank_lower;
    int above = out->rank_upper <= acc->n && n_below >= out->rank_upper;
    if (below) {
        out->verdict = VNFO_ACCOUNT_UNDERCHARGED;
        out->reason = VNFO_ACCOUNT_REASON_BELOW_INTERVAL;
    } else if (above) {
        out->verdict = VNFO_ACCOUNT_OVERCHARGED;
        out->reason = VNFO_ACCOUNT_REASON_ABOVE_INTERVAL;
    } else if (out->rank_lower == 0 || out->rank_upper > acc->n) {
        /* One end is missing: the sample could not have caught a bill on
         * that side, so "consistent" would overclaim. */
        out->verdict = VNFO_ACCOUNT_INCONCLUSIVE;
        out->reason = VNFO_ACCOUNT_REASON_INTERVAL_UNBOUNDED;
    } else {
        out->verdict = VNFO_ACCOUNT_CONSISTENT;
        out->reason = VNFO_ACCOUNT_REASON_INSIDE_INTERVAL;
    }
    return VNFO_OK;
}
