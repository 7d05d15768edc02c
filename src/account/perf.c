/* Performance correctness: a delay metric of the provider (mean, a
 * quantile or the maximum) against the reference plus the SLA slack. */
#include <math.h>

#include "account/account_internal.h"

static const char WHERE[] = "vnfo_account_performance_check";

static double slack_limit(double ref, const vnfo_account_options *o)
{
    double a = ref + o->slack_abs, r = ref * (1.0 + o->slack_rel);
    switch (o->slack_mode) {
    case VNFO_ACCOUNT_SLACK_ABS:
        return a;
    case VNFO_ACCOUNT_SLACK_REL:
        return r;
    case VNFO_ACCOUNT_SLACK_EITHER:
        return fmax(a, r);
    default:
        return fmin(a, r);
    }
}

/* Largest skewness of the sample mean (G1/√n) for which the corrected
 * interval is used in both directions.  Beyond it only the verdict on the
 * side where skew makes the plain t bound conservative stands: for
 * right-skewed delays the studentised mean is left-skewed, so P(T > t) <= α
 * and a lower bound above the limit (FAIL) is safe, while a PASS is not
 * (the sample that missed the tail looks good); left-skewed, the other way
 * round.  Anything else is INCONCLUSIVE ("too skewed"). */
#define MEAN_SKEW_MAX 0.5

/* Student t interval of the mean with Hall's skewness correction (the
 * studentised mean of right-skewed delays is left-skewed: the plain t
 * interval misses mostly in the provider's favour), the variance and
 * skewness from the exact sums.  Delays are non-negative, so is the lower
 * end.  The p-value of "mean = limit" is 2·P(T > |g(t)|), so the limit
 * lies outside the interval exactly when p <= α. */
static vnfo_status mean_interval(vnfo_account_result *r, const vnfo_account_acc *acc)
{
    double n = (double)acc->n, spread, g1;
    vnfo_status s = vnfo__acc_spread(&spread, acc);
    if (s == VNFO_OK)
        s = vnfo__acc_skewness(&g1, acc);
    if (s != VNFO_OK)
        return s;
    r->method = VNFO_ACCOUNT_METHOD_STUDENT_T;
    r->estimate = vnfo__acc_sum_double(acc, 1) / n;
    if (acc->n < 2)
        return VNFO_OK; /* no interval: decided as too small */
    r->std_error = sqrt(spread / (n * (n - 1.0))) / sqrt(n);
    if (!(r->std_error > 0.0))
        return VNFO_OK; /* no spread: decided as such */
    double gamma = isnan(g1) ? 0.0 : g1 / sqrt(n), nu = n - 1.0;
    r->skewness = gamma;
    /* -t(α/2) rather than t(1 - α/2): 1 - α/2 rounds to 1 for tiny α. */
    double t = -vnfo__t_quantile((1.0 - r->confidence) / 2.0, nu);
    r->lower = fmax(0.0, r->estimate - r->std_error * vnfo__hall_g_inverse(t, gamma));
    r->upper = r->estimate - r->std_error * vnfo__hall_g_inverse(-t, gamma);
    double stat = (r->estimate - r->limit) / r->std_error, g = vnfo__hall_g(stat, gamma);
    r->statistic = stat;
    /* P(|T| > |g|) = I_{nu/(nu+g²)}(nu/2, 1/2) */
    r->p_value = vnfo__beta_inc(nu / (nu + g * g), nu / 2.0, 0.5);
    return VNFO_OK;
}

/* The mean of a cluster sample as a ratio estimator: ȳ = Σy_i/Σm_i over
 * the units, linearised residuals e_i = y_i - ȳ·m_i, variance
 * L/(L-1)·Σe²/n² with L - 1 degrees of freedom, and the skewness of the
 * estimate Σe³/(Σe²)^(3/2) for Hall's correction (the sum of L independent
 * unit terms).  With every unit of one packet this is mean_interval()
 * up to the adjusted skewness, so that one is used then. */
static void mean_interval_clusters(vnfo_account_result *r, const struct vnfo__clusters *c)
{
    long double n = (long double)c->n, total = 0.0L;
    for (uint64_t i = 0; i < c->n; i++)
        total += (long double)c->values[i];
    long double mean = total / n, s2 = 0.0L, s3 = 0.0L;
    const uint64_t *v = c->values;
    for (size_t i = 0; i < c->labels; v += c->mult[i], i++) {
        long double y = 0.0L;
        for (uint64_t j = 0; j < c->mult[i]; j++)
            y += (long double)v[j];
        long double e = y - mean * (long double)c->mult[i];
        s2 += e * e;
        s3 += e * e * e;
    }
    r->method = VNFO_ACCOUNT_METHOD_STUDENT_T;
    r->estimate = (double)mean;
    if (c->labels < 2)
        return; /* no interval: decided as too small */
    long double L = (long double)c->labels;
    r->std_error = (double)sqrtl(L / (L - 1.0L) * s2 / (n * n));
    if (!(r->std_error > 0.0))
        return; /* no spread: decided as such */
    double gamma = (double)(s3 / powl(s2, 1.5L)), nu = (double)(L - 1.0L);
    r->skewness = gamma;
    double t = -vnfo__t_quantile((1.0 - r->confidence) / 2.0, nu);
    r->lower = fmax(0.0, r->estimate - r->std_error * vnfo__hall_g_inverse(t, gamma));
    r->upper = r->estimate - r->std_error * vnfo__hall_g_inverse(-t, gamma);
    double stat = (r->estimate - r->limit) / r->std_error, g = vnfo__hall_g(stat, gamma);
    r->statistic = stat;
    r->p_value = vnfo__beta_inc(nu / (nu + g * g), nu / 2.0, 0.5);
}

/* Anderson's (1969) distribution-free lower bound on the mean of
 * non-negative values.  The one-sided DKW inequality (Massart 1990),
 * P(sup_t F(t) - F̂(t) > ε) <= exp(-2nε²), gives S(t) >= Ŝ(t) - ε for every
 * t at once, so mean = ∫ S >= A(ε) = ∫ (Ŝ(t) - ε)+ dt =
 * Σ_i (x_(i) - x_(i-1))·((n - i + 1)/n - ε)+ over the sorted values.  No
 * shape is assumed: it holds for rare low values (near-constant delays)
 * and heavy tails alike.  In sketch mode each value is replaced by its
 * bucket's lower end, which can only lower A. */
static double anderson_area(vnfo_account_acc *acc, double eps)
{
    double n = (double)acc->n, area = 0.0, prev = 0.0, above = n;
    if (acc->values_exact) {
        vnfo__acc_sort(acc);
        for (uint64_t i = 0; i < acc->n; i++, above -= 1.0) {
            double x = (double)acc->values[i], h = above / n - eps;
            if (h <= 0.0)
                break;
            area += (x - prev) * h;
            prev = x;
        }
        return area;
    }
    size_t first = vnfo__sketch_index(acc->min, acc->sketch_bits);
    size_t last = vnfo__sketch_index(acc->max, acc->sketch_bits);
    for (size_t b = first; b <= last; b++) {
        if (!acc->counts[b])
            continue;
        uint64_t lo, hi;
        vnfo__sketch_bounds(&lo, &hi, b, acc->sketch_bits);
        double x = (double)(lo > acc->min ? lo : acc->min), h = above / n - eps;
        if (h <= 0.0)
            break;
        area += (x - prev) * h;
        prev = x;
        above -= (double)acc->counts[b];
    }
    return area;
}

/* The FAIL side without a shape: when the t interval cannot be trusted
 * (too skewed, a heavy tail, or no spread), the mean is still above the
 * limit if Anderson's bound at level 1 - α is (one-sided, α in the upper
 * tail only: a FAIL is the only verdict it can give, since no sample
 * bounds the mean from above without a known maximum).  The p-value of
 * "mean <= limit" is exp(-2nε*²) with A(ε*) = limit; ε* >= ε_α, so it is
 * <= α exactly when the bound is above the limit. */
static void mean_lower_bound(vnfo_account_result *r, vnfo_account_acc *acc)
{
    double n = (double)acc->n, alpha = 1.0 - r->confidence;
    double eps = sqrt(log(1.0 / alpha) / (2.0 * n)), lower = anderson_area(acc, eps);
    if (!(lower > r->limit))
        return;
    double lo = eps, hi = 1.0; /* A(lo) > limit >= A(hi) = 0 */
    for (int i = 0; i < 80 && hi - lo > 1e-15; i++) {
        double mid = 0.5 * (lo + hi);
        if (anderson_area(acc, mid) > r->limit)
            lo = mid;
        else
            hi = mid;
    }
    r->method = VNFO_ACCOUNT_METHOD_ORDER_STATISTICS;
    r->lower = lower;
    r->upper = INFINITY;
    r->statistic = NAN;
    r->p_value = exp(-2.0 * n * lo * lo);
    r->verdict = VNFO_ACCOUNT_FAIL;
    r->reason = VNFO_ACCOUNT_REASON_ABOVE_LIMIT;
}

static double metric_quantile(vnfo_account_metric m, double q)
{
    switch (m) {
    case VNFO_ACCOUNT_METRIC_P50:
        return 0.50;
    case VNFO_ACCOUNT_METRIC_P95:
        return 0.95;
    case VNFO_ACCOUNT_METRIC_P99:
        return 0.99;
    default:
        return q;
    }
}

/* Whether a mean beyond MEAN_SKEW_MAX still has a safe verdict: the interval
 * lies wholly on the side its skew makes conservative (see MEAN_SKEW_MAX). */
static int skew_safe_verdict(const vnfo_account_result *r, double nu, int heavy)
{
    double t = -vnfo__t_quantile((1.0 - r->confidence) / 2.0, nu);
    double plain_lower = r->estimate - t * r->std_error, plain_upper = r->estimate + t * r->std_error;
    if (r->skewness > 0 || heavy) /* a heavy upper tail is a right skew */
        return r->lower > r->limit && plain_lower > r->limit;
    return r->upper <= r->limit && plain_upper <= r->limit;
}

/* units: the sampling units (packets, or labels of a cluster sample); the
 * mean's t has units - 1 degrees of freedom.  heavy: the values' tail
 * index is below VNFO_ACCOUNT_TAIL_INDEX_MIN, where no gate on the sample's
 * skewness can be trusted (the sample that missed the tail looks
 * symmetric): the mean keeps only the verdict a right skew makes
 * conservative (FAIL), as beyond MEAN_SKEW_MAX. */
static void perf_decide(vnfo_account_result *r, vnfo_account_metric metric, uint64_t units,
                        int heavy)
{
    if (metric == VNFO_ACCOUNT_METRIC_MEAN && units < 2) {
        r->verdict = VNFO_ACCOUNT_INCONCLUSIVE;
        r->reason = VNFO_ACCOUNT_REASON_SAMPLE_TOO_SMALL;
    } else if (metric == VNFO_ACCOUNT_METRIC_MEAN && !(r->std_error > 0.0)) {
        /* Equal delays: no variance, so no interval can be claimed. */
        r->verdict = VNFO_ACCOUNT_INCONCLUSIVE;
        r->reason = VNFO_ACCOUNT_REASON_NO_SPREAD;
    } else if (metric == VNFO_ACCOUNT_METRIC_MEAN && (fabs(r->skewness) > MEAN_SKEW_MAX || heavy) &&
               !skew_safe_verdict(r, (double)units - 1.0, heavy)) {
        r->verdict = VNFO_ACCOUNT_INCONCLUSIVE;
        r->reason = VNFO_ACCOUNT_REASON_SKEWED;
    } else if (r->lower > r->limit) {
        r->verdict = VNFO_ACCOUNT_FAIL;
        r->reason = VNFO_ACCOUNT_REASON_ABOVE_LIMIT;
    } else if (r->upper <= r->limit) {
        r->verdict = VNFO_ACCOUNT_PASS;
        r->reason = VNFO_ACCOUNT_REASON_BELOW_LIMIT;
    } else {
        r->verdict = VNFO_ACCOUNT_INCONCLUSIVE;
        r->reason = isinf(r->upper) ? VNFO_ACCOUNT_REASON_INTERVAL_UNBOUNDED
                                    : VNFO_ACCOUNT_REASON_LIMIT_INSIDE;
    }
}

static vnfo_status perf_inputs(const vnfo_account_acc *acc, vnfo_account_metric metric,
                               double reference, const vnfo_account_options *o, const char *where)
{
    if (!acc)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: acc is NULL", where);
    if (metric < VNFO_ACCOUNT_METRIC_MEAN || metric > VNFO_ACCOUNT_METRIC_QUANTILE)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: unknown metric %d", where, (int)metric);
    if (!isfinite(reference) || reference < 0.0)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "%s: reference %g is not a finite number >= 0", where, reference);
    if (metric == VNFO_ACCOUNT_METRIC_QUANTILE && !(o->quantile > 0.0 && o->quantile < 1.0))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: quantile %g is not in (0, 1)", where,
                           o->quantile);
    vnfo_status s = vnfo__account_slack_valid(o, where);
    if (s != VNFO_OK)
        return s;
    if (acc->n == 0)
        return vnfo__error(VNFO_E_ACCOUNT_EMPTY, "%s: no sampled values (n = 0)", where);
    return VNFO_OK;
}

vnfo_status vnfo_account_performance_check(vnfo_account_result *out, vnfo_account_acc *acc,
                                           vnfo_account_metric metric, double reference,
                                           const vnfo_account_options *opts)
{
    vnfo_account_options o;
    vnfo_status s = vnfo__account_begin(out, &o, opts, WHERE);
    if (s != VNFO_OK)
        return s;
    return vnfo__performance_check_clusters(out, acc, metric, reference, &o, NULL, WHERE);
}

vnfo_status vnfo__performance_check_clusters(vnfo_account_result *out, vnfo_account_acc *acc,
                                             vnfo_account_metric metric, double reference,
                                             const vnfo_account_options *opts,
                                             const struct vnfo__clusters *c, const char *where)
{
    vnfo_status s = perf_inputs(acc, metric, reference, opts, where);
    if (s != VNFO_OK)
        return s;
    out->check = VNFO_ACCOUNT_CHECK_PERFORMANCE;
    out->n = acc->n;
    out->reference = reference;
    out->limit = slack_limit(reference, opts);
    if (metric == VNFO_ACCOUNT_METRIC_MEAN && c) {
        mean_interval_clusters(out, c);
    } else if (metric == VNFO_ACCOUNT_METRIC_MEAN) {
        s = mean_interval(out, acc);
    } else if (metric == VNFO_ACCOUNT_METRIC_MAX) {
        /* The sampled maximum bounds the population's from below only. */
        out->method = VNFO_ACCOUNT_METHOD_SAMPLE_MAX;
        out->estimate = out->lower = out->upper = (double)acc->max;
    } else {
        s = vnfo__quantile_interval_clusters(out, acc, metric_quantile(metric, opts->quantile), c,
                                             where);
    }
    if (s != VNFO_OK)
        return s;
    int heavy = metric == VNFO_ACCOUNT_METRIC_MEAN &&
                vnfo__acc_tail_index(acc) < VNFO_ACCOUNT_TAIL_INDEX_MIN;
    perf_decide(out, metric, c ? (uint64_t)c->labels : acc->n, heavy);
    /* Independent packets only: with clusters the units' means are a
     * ratio, which a bound on one variable does not cover. */
    if (metric == VNFO_ACCOUNT_METRIC_MEAN && !c && out->verdict == VNFO_ACCOUNT_INCONCLUSIVE &&
        (out->reason == VNFO_ACCOUNT_REASON_SKEWED || out->reason == VNFO_ACCOUNT_REASON_NO_SPREAD))
        mean_lower_bound(out, acc);
    if (metric == VNFO_ACCOUNT_METRIC_MEAN && out->verdict == VNFO_ACCOUNT_INCONCLUSIVE &&
        (out->reason == VNFO_ACCOUNT_REASON_SKEWED || out->reason == VNFO_ACCOUNT_REASON_NO_SPREAD))
        vnfo__account_untrusted_clear(out);
    return VNFO_OK;
}
