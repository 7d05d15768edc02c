/* Quantile and performance checks on a cluster sample: hash sampling
 * selects the packets of one label together, so the sampling unit is the
 * label with its multiplicity.  Quantile intervals take the effective
 * sample size of the estimated CDF at the sample quantile (Woodruff's
 * interval with Korn and Graubard's effective size); the SLA mean is a
 * ratio estimator with its cluster variance (perf.c). */
#include <math.h>

#include "account/account_internal.h"

long double vnfo__clusters_cdf_size(const struct vnfo__clusters *c, uint64_t x)
{
    long double n = (long double)c->n, below = 0.0L, m2 = 0.0L;
    const uint64_t *v = c->values;
    for (size_t i = 0; i < c->labels; v += c->mult[i], i++) {
        for (uint64_t j = 0; j < c->mult[i]; j++)
            below += v[j] <= x;
        m2 += (long double)c->mult[i] * (long double)c->mult[i];
    }
    long double f = below / n, ss = 0.0L;
    v = c->values;
    for (size_t i = 0; i < c->labels; v += c->mult[i], i++) {
        uint64_t ci = 0;
        for (uint64_t j = 0; j < c->mult[i]; j++)
            ci += v[j] <= x;
        long double d = (long double)ci - f * (long double)c->mult[i];
        ss += d * d;
    }
    /* Fully correlated units (identical duplicates): the design effect is
     * Σm²/n, so n* = n²/Σm².  It also caps the estimate at x: near an
     * extreme quantile few labels lie beyond x, the variance read from
     * them is noisy, and an underestimate would accuse honest bills
     * (measured: 1.85% at α = 1% on the duplicates population before the
     * cap). */
    long double size = n * n / m2;
    if (c->labels >= 2 && f > 0.0L && f < 1.0L && ss > 0.0L) {
        long double var = (long double)c->labels / (long double)(c->labels - 1) * ss / (n * n);
        if (f * (1.0L - f) / var < size)
            size = f * (1.0L - f) / var;
    }
    return size > n ? n : size < 1.0L ? 1.0L : size;
}

/* Validates the arrays, counts the packets, and loads them into an
 * accumulator in exact mode (every value kept: the effective size needs
 * the sample quantile exactly).  *singletons tells whether every unit has
 * one packet (then the independent-packet checks apply unchanged). */
static vnfo_status load(vnfo_account_acc **acc, struct vnfo__clusters *c, int *singletons,
                        const uint64_t *values, const uint64_t *mult, size_t labels,
                        const char *where)
{
    *acc = NULL;
    if ((!values || !mult) && labels)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: NULL arrays", where);
    uint64_t n = 0;
    *singletons = 1;
    for (size_t i = 0; i < labels; i++) {
        if (mult[i] == 0)
            return vnfo__error(VNFO_E_ACCOUNT_VALUE, "%s: label %zu has multiplicity 0", where, i);
        if (__builtin_add_overflow(n, mult[i], &n))
            return vnfo__error(VNFO_E_OVERFLOW, "%s: more than 2^64 - 1 packets", where);
        *singletons &= mult[i] == 1;
    }
    if (n == 0)
        return vnfo__error(VNFO_E_ACCOUNT_EMPTY, "%s: no sampled values (n = 0)", where);
    if (n > SIZE_MAX / sizeof(uint64_t))
        return vnfo__error(VNFO_E_LIMIT_EXCEEDED, "%s: %llu values do not fit in memory", where,
                           (unsigned long long)n);
    *c = (struct vnfo__clusters){values, mult, labels, n};
    vnfo_account_acc_options ao = VNFO_ACCOUNT_ACC_OPTIONS_INIT;
    ao.max_values = n;
    vnfo_status s = vnfo_account_acc_create(acc, &ao);
    const uint64_t *v = values;
    for (size_t i = 0; s == VNFO_OK && i < labels; v += mult[i], i++)
        s = vnfo_account_acc_add_cluster(*acc, v, (size_t)mult[i]);
    if (s != VNFO_OK) {
        vnfo_account_acc_free(*acc);
        *acc = NULL;
    }
    return s;
}

vnfo_status vnfo_account_quantile_check_clusters(vnfo_account_result *out, const uint64_t *values,
                                                 const uint64_t *multiplicity, size_t labels,
                                                 double q, uint64_t billed_value,
                                                 const vnfo_account_options *opts)
{
    static const char where[] = "vnfo_account_quantile_check_clusters";
    vnfo_account_options o;
    vnfo_status s = vnfo__account_begin(out, &o, opts, where);
    if (s != VNFO_OK)
        return s;
    if (!(q > 0.0 && q < 1.0))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: q %g is not in (0, 1)", where, q);
    vnfo_account_acc *acc;
    struct vnfo__clusters c;
    int singletons;
    if ((s = load(&acc, &c, &singletons, values, multiplicity, labels, where)) != VNFO_OK)
        return s;
    s = vnfo__quantile_check_clusters(out, acc, q, billed_value, singletons ? NULL : &c, where);
    vnfo_account_acc_free(acc);
    return s;
}

vnfo_status vnfo_account_performance_check_clusters(vnfo_account_result *out,
                                                    const uint64_t *values,
                                                    const uint64_t *multiplicity, size_t labels,
                                                    vnfo_account_metric metric, double reference,
                                                    const vnfo_account_options *opts)
{
    static const char where[] = "vnfo_account_performance_check_clusters";
    vnfo_account_options o;
    vnfo_status s = vnfo__account_begin(out, &o, opts, where);
    if (s != VNFO_OK)
        return s;
    vnfo_account_acc *acc;
    struct vnfo__clusters c;
    int singletons;
    if ((s = load(&acc, &c, &singletons, values, multiplicity, labels, where)) != VNFO_OK)
        return s;
    s = vnfo__performance_check_clusters(out, acc, metric, reference, &o, singletons ? NULL : &c,
                                         where);
    vnfo_account_acc_free(acc);
    return s;
}
