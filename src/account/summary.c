/* Descriptive statistics of an accumulator: sample quantiles, mean,
 * standard deviation and skewness (performance metrics, report tables). */
#include <math.h>

#include "account/account_internal.h"

static uint64_t quantile_rank(uint64_t n, double q)
{
    return vnfo__quantile_rank(n, q);
}

vnfo_status vnfo_account_acc_quantile(double *out, vnfo_account_acc *acc, double q)
{
    if (!out || !acc || !(q >= 0.0 && q <= 1.0))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_account_acc_quantile: NULL argument or q %g outside [0, 1]", q);
    if (acc->n == 0)
        return vnfo__error(VNFO_E_ACCOUNT_EMPTY, "vnfo_account_acc_quantile: no values");
    *out = vnfo__acc_rank_value(acc, quantile_rank(acc->n, q));
    return VNFO_OK;
}

vnfo_status vnfo_account_acc_summary(vnfo_account_summary *out, vnfo_account_acc *acc)
{
    if (!out || !acc)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_account_acc_summary: NULL argument");
    if (out->version != VNFO_ACCOUNT_SUMMARY_VERSION)
        return vnfo__error(VNFO_E_STRUCT_VERSION, "vnfo_account_acc_summary: version %u, expected %u",
                           out->version, VNFO_ACCOUNT_SUMMARY_VERSION);
    if (acc->n == 0)
        return vnfo__error(VNFO_E_ACCOUNT_EMPTY, "vnfo_account_acc_summary: no values");
    double n = (double)acc->n, spread, skew;
    vnfo_status s = vnfo__acc_spread(&spread, acc);
    if (s == VNFO_OK)
        s = vnfo__acc_skewness(&skew, acc);
    if (s != VNFO_OK)
        return s;
    out->n = acc->n;
    out->min = acc->min;
    out->max = acc->max;
    out->sum = vnfo__acc_sum_double(acc, 1);
    out->mean = out->sum / n;
    /* s² = (nΣx² - (Σx)²) / (n(n-1)), the numerator exact. */
    out->stddev = acc->n >= 2 ? sqrt(spread / (n * (n - 1.0))) : NAN;
    out->skewness = skew;
    out->p50 = vnfo__acc_rank_value(acc, quantile_rank(acc->n, 0.50));
    out->p95 = vnfo__acc_rank_value(acc, quantile_rank(acc->n, 0.95));
    out->p99 = vnfo__acc_rank_value(acc, quantile_rank(acc->n, 0.99));
    out->values_exact = acc->values_exact;
    out->sketch_error = vnfo_account_acc_sketch_error(acc);
    return VNFO_OK;
}
