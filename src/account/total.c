/* Consistency of a billed total with the sample: Horvitz-Thompson estimate,
 * normal or Bernstein interval, exact integer decisions first. */
#include <math.h>
#include <stdlib.h>

#include "account/account_internal.h"

static const char WHERE[] = "vnfo_account_total_check";

struct total_ctx {
    double s1, s2, s3; /* Σy, Σy², Σy³ over the sampling units (labels) */
    double units;      /* sampling units */
    double p, q;       /* p and 1 - p */
    double t_hat, se;  /* T̂, √V̂ */
    double skew;       /* estimated skewness of T̂ */
    double billed, alpha, m;
};

static void verdict_set(vnfo_account_result *r, vnfo_account_verdict v, vnfo_account_reason why)
{
    r->verdict = v;
    r->reason = why;
}

/* Hall's transformation (P. Hall, "On the removal of skewness by
 * transformation", JRSS B 54, 1992) of the studentised estimate
 * t = (T̂ - T)/√V̂: g(t) = t + a·t² + a²t³/3 + b, a = γ/3, b = γ/6, with
 * γ the estimated skewness of T̂.  Under Poisson sampling of units the
 * studentised total has the structure of a studentised mean with γ/√n
 * replaced by γ (Cov(T̂, V̂) = (1-p)/(1-2p)·κ3(T̂), ≈ κ3 for small p), so
 * g(t) is normal to second order.  g is monotone, its inverse closed-form. */
double vnfo__hall_g(double t, double gamma)
{
    double a = gamma / 3.0, b = gamma / 6.0;
    return t + a * t * t + a * a * t * t * t / 3.0 + b;
}

double vnfo__hall_g_inverse(double y, double gamma)
{
    double a = gamma / 3.0, b = gamma / 6.0;
    if (fabs(a) < 1e-12)
        return y - b;
    return (cbrt(1.0 + 3.0 * a * (y - b)) - 1.0) / a;
}

static void interval_decide(vnfo_account_result *r, const struct total_ctx *c)
{
    if (c->billed > r->upper)
        verdict_set(r, VNFO_ACCOUNT_OVERCHARGED, VNFO_ACCOUNT_REASON_ABOVE_INTERVAL);
    else if (c->billed < r->lower)
        verdict_set(r, VNFO_ACCOUNT_UNDERCHARGED, VNFO_ACCOUNT_REASON_BELOW_INTERVAL);
    else
        verdict_set(r, VNFO_ACCOUNT_CONSISTENT, VNFO_ACCOUNT_REASON_INSIDE_INTERVAL);
}

/* The plain normal interval T̂ ± z·√V̂ (method NORMAL on request). */
static void normal_decide(vnfo_account_result *r, const struct total_ctx *c)
{
    /* -z(α/2) rather than z(1 - α/2): 1 - α/2 rounds to 1 for tiny α. */
    double zc = -vnfo__normal_quantile(c->alpha / 2.0);
    r->method = VNFO_ACCOUNT_METHOD_NORMAL;
    r->lower = fmax(c->t_hat - zc * c->se, c->s1); /* the total is at least Σx */
    r->upper = c->t_hat + zc * c->se;
    r->statistic = (c->t_hat - c->billed) / c->se;
    r->p_value = erfc(fabs(r->statistic) / M_SQRT2);
    interval_decide(r, c);
}

/* Hall's skewness-corrected interval: T ∈ [T̂ - √V̂·g⁻¹(z_{1-α/2}),
 * T̂ - √V̂·g⁻¹(z_{α/2})]; the p-value 2·min(Φ(g(t)), 1 - Φ(g(t))) with
 * t = (T̂ - B)/√V̂, so B lies outside exactly when p <= α. */
static void corrected_decide(vnfo_account_result *r, const struct total_ctx *c)
{
    double zc = -vnfo__normal_quantile(c->alpha / 2.0);
    r->method = VNFO_ACCOUNT_METHOD_SKEW_CORRECTED;
    r->lower = fmax(c->t_hat - c->se * vnfo__hall_g_inverse(zc, c->skew), c->s1);
    r->upper = c->t_hat - c->se * vnfo__hall_g_inverse(-zc, c->skew);
    r->statistic = (c->t_hat - c->billed) / c->se;
    double g = vnfo__hall_g(r->statistic, c->skew);
    r->p_value = erfc(fabs(g) / M_SQRT2);
    interval_decide(r, c);
}

/* Bernstein with x_i <= M.  Under "true total = B", T̂ - B is a sum of
 * independent zero-mean terms x_i(I_i/p - 1) with variance at most
 * c·B, c = (1-p)M/p (Σx_i² <= M·Σx_i = M·B), bounded by M below and by
 * c above.  Two-sided p-value 2·exp(-t²/(2(cB + b·t/3))); the interval is
 * the set of B that test accepts (closed form of the quadratic). */
static void bernstein_decide(vnfo_account_result *r, const struct total_ctx *c)
{
    double cc = c->q * c->m / c->p, t_hat = c->t_hat, b = c->billed;
    double L = log(2.0 / c->alpha);
    r->method = VNFO_ACCOUNT_METHOD_BERNSTEIN;
    r->max_value = c->m;
    double t = fabs(b - t_hat);
    double range = b > t_hat ? c->m : cc;
    double denom = 2.0 * (cc * b + range * t / 3.0);
    double bound = t == 0.0 ? 1.0 : denom > 0.0 ? exp(-t * t / denom) : 0.0;
    r->p_value = fmin(1.0, 2.0 * bound);
    double a_up = L * c->m / 3.0 + L * cc;
    r->upper = t_hat + a_up + sqrt(a_up * a_up + 2.0 * L * cc * t_hat);
    double a_lo = L * cc / 3.0 - L * cc;
    r->lower = fmax(t_hat - (a_lo + sqrt(a_lo * a_lo + 2.0 * L * cc * t_hat)), c->s1);
    if (r->p_value > c->alpha)
        verdict_set(r, VNFO_ACCOUNT_CONSISTENT, VNFO_ACCOUNT_REASON_INSIDE_INTERVAL);
    else if (b > t_hat)
        verdict_set(r, VNFO_ACCOUNT_OVERCHARGED, VNFO_ACCOUNT_REASON_ABOVE_INTERVAL);
    else
        verdict_set(r, VNFO_ACCOUNT_UNDERCHARGED, VNFO_ACCOUNT_REASON_BELOW_INTERVAL);
}

/* AUTO: the skewness-corrected interval while the estimated total's
 * skewness is at most VNFO_ACCOUNT_SKEW_MAX (Hall's expansion is a
 * small-skewness one), else Bernstein when M is known, else INCONCLUSIVE
 * with the corrected numbers as evidence. */
static void statistics_decide(vnfo_account_result *r, const struct total_ctx *c,
                              vnfo_account_method method)
{
    int corrected_fit = r->cochran_ok && c->se > 0.0;
    if (method == VNFO_ACCOUNT_METHOD_BERNSTEIN ||
        (method == VNFO_ACCOUNT_METHOD_AUTO && !corrected_fit && c->m > 0.0)) {
        bernstein_decide(r, c);
        return;
    }
    if (method == VNFO_ACCOUNT_METHOD_NORMAL && c->se > 0.0) {
        normal_decide(r, c);
        return;
    }
    if (c->se > 0.0)
        corrected_decide(r, c);
    r->method = VNFO_ACCOUNT_METHOD_SKEW_CORRECTED;
    if (corrected_fit)
        return;
    vnfo_account_reason why = c->se == 0.0     ? VNFO_ACCOUNT_REASON_NO_SPREAD
                              : c->units < 3.0 ? VNFO_ACCOUNT_REASON_SAMPLE_TOO_SMALL
                                               : VNFO_ACCOUNT_REASON_SKEWED;
    verdict_set(r, VNFO_ACCOUNT_INCONCLUSIVE, why);
    vnfo__account_untrusted_clear(r);
}

static int cmp_double_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* Hill's estimate of the tail index from the k = max(20, sqrt(n)) largest
 * values: 1/α̂ = mean of log(x_(n-i+1) / x_(n-k)).  Unlike the sample
 * skewness it reads the shape of the upper tail, which a sample that
 * missed the population's extremes still shows (a thinned Pareto tail is
 * a Pareto tail).  Kept values or, in sketch mode, bucket values; +inf
 * when the top is flat, NaN when n < 40 or memory is short. */
/* Keeps the cap largest values offered in a min-heap top[0..*got). */
static void heap_offer(double *top, size_t *got, size_t cap, double x)
{
    size_t i;
    if (*got < cap) { /* sift up */
        i = (*got)++;
        while (i > 0 && top[(i - 1) / 2] > x) {
            top[i] = top[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        top[i] = x;
        return;
    }
    if (x <= top[0])
        return;
    i = 0; /* replace the smallest, sift down */
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= cap)
            break;
        if (c + 1 < cap && top[c + 1] < top[c])
            c++;
        if (top[c] >= x)
            break;
        top[i] = top[c];
        i = c;
    }
    top[i] = x;
}

double vnfo__acc_tail_index(const vnfo_account_acc *acc)
{
    uint64_t n = acc->n;
    if (n < 40)
        return NAN;
    size_t k = (size_t)fmax(20.0, sqrt((double)n));
    double *top = vnfo__malloc((k + 1) * sizeof *top);
    if (!top)
        return NAN;
    size_t got = 0;
    if (acc->values_exact) {
        /* The k + 1 largest by a min-heap of that size: O(n log k), no
         * copy of the n values (the check runs once per bill). */
        for (uint64_t i = 0; i < acc->nvalues; i++)
            heap_offer(top, &got, k + 1, (double)acc->values[i]);
        qsort(top, got, sizeof *top, cmp_double_desc);
    } else { /* from the top bucket down */
        size_t first = vnfo__sketch_index(acc->min, acc->sketch_bits);
        for (size_t i = vnfo__sketch_index(acc->max, acc->sketch_bits) + 1; i-- > first && got <= k;)
            for (uint64_t c = 0; c < acc->counts[i] && got <= k; c++)
                top[got++] = vnfo__sketch_value(i, acc->sketch_bits);
    }
    double sum = 0.0;
    for (size_t i = 0; i < k; i++)
        sum += log(fmax(top[i], 1.0) / fmax(top[k], 1.0));
    vnfo__free(top);
    return sum > 0.0 ? (double)k / sum : INFINITY;
}

/* Fills the context from the unit sums: T̂, √V̂ and the skewness of T̂,
 * γ = κ3/V^{3/2} with κ3 = (1-p)(1-2p)/p²·Σ_U y³ and V = (1-p)/p·Σ_U y²,
 * the population sums estimated by Σ_S/p: γ = (1-2p)/√(1-p)·Σy³/(Σy²)^{3/2}. */
static void ctx_fill(vnfo_account_result *r, struct total_ctx *c, const struct vnfo__unit_sums *u)
{
    c->s1 = u->s1;
    c->s2 = u->s2;
    c->s3 = u->s3;
    c->units = u->units;
    c->t_hat = r->estimate = c->s1 / c->p;
    c->se = r->std_error = sqrt(c->q / (c->p * c->p) * c->s2);
    c->skew = c->s2 > 0.0 ? (1.0 - 2.0 * c->p) / sqrt(c->q) * c->s3 / (c->s2 * sqrt(c->s2)) : NAN;
    r->skewness = c->skew;
    r->cochran_ok = u->units >= 3.0 && !isnan(c->skew) && fabs(c->skew) <= VNFO_ACCOUNT_SKEW_MAX;
}

/* Decisions that need no statistics, from exact integers. */
static void exact_decide(vnfo_account_result *r, const vnfo_account_acc *acc, uint64_t billed,
                         vnfo_rational p)
{
    if (billed < acc->s1) {
        r->method = VNFO_ACCOUNT_METHOD_EXACT;
        r->p_value = 0.0;
        verdict_set(r, VNFO_ACCOUNT_UNDERCHARGED, VNFO_ACCOUNT_REASON_BELOW_SAMPLE);
    } else if (p.den != 0 && p.num == p.den) { /* p = 1: the sample is the population */
        r->method = VNFO_ACCOUNT_METHOD_EXACT;
        r->lower = r->upper = r->estimate;
        r->p_value = r->exact_cmp == 0 ? 1.0 : 0.0;
        if (r->exact_cmp == 0)
            verdict_set(r, VNFO_ACCOUNT_CONSISTENT, VNFO_ACCOUNT_REASON_EXACT_MATCH);
        else
            verdict_set(r, VNFO_ACCOUNT_OVERCHARGED, VNFO_ACCOUNT_REASON_ABOVE_INTERVAL);
    } else if (r->exact_cmp == 0) {
        r->p_value = 1.0;
        verdict_set(r, VNFO_ACCOUNT_CONSISTENT, VNFO_ACCOUNT_REASON_EXACT_MATCH);
    }
}

static vnfo_status total_inputs(const vnfo_account_acc *acc, const vnfo_account_options *o)
{
    if (!acc)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: acc is NULL", WHERE);
    if (o->method != VNFO_ACCOUNT_METHOD_AUTO && o->method != VNFO_ACCOUNT_METHOD_NORMAL &&
        o->method != VNFO_ACCOUNT_METHOD_BERNSTEIN)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "%s: method %d is not auto, normal or bernstein", WHERE, (int)o->method);
    if (o->method == VNFO_ACCOUNT_METHOD_BERNSTEIN && o->max_value == 0)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "%s: the Bernstein bound needs max_value M > 0", WHERE);
    if (acc->n == 0)
        return vnfo__error(VNFO_E_ACCOUNT_EMPTY, "%s: no sampled values (n = 0)", WHERE);
    if (o->max_value && acc->max > o->max_value)
        return vnfo__error(VNFO_E_ACCOUNT_BOUND,
                           "%s: sampled value %llu exceeds the per-packet maximum M = %llu",
                           WHERE, (unsigned long long)acc->max,
                           (unsigned long long)o->max_value);
    return VNFO_OK;
}

vnfo_status vnfo_account_total_check(vnfo_account_result *out, const vnfo_account_acc *acc,
                                     uint64_t billed, vnfo_rational p,
                                     const vnfo_account_options *opts)
{
    vnfo_account_options o;
    struct total_ctx c = {0};
    vnfo_status s = vnfo__account_begin(out, &o, opts, WHERE);
    if (s == VNFO_OK)
        s = vnfo__account_probability(&c.p, p, WHERE);
    if (s == VNFO_OK)
        s = total_inputs(acc, &o);
    if (s != VNFO_OK)
        return s;
    out->check = VNFO_ACCOUNT_CHECK_TOTAL;
    out->n = acc->n;
    out->billed = c.billed = (double)billed;
    out->probability = c.p;
    /* 1 - p from the integers, so p close to 1 keeps its precision. */
    c.q = vnfo__rational_complement(p);
    struct vnfo__unit_sums u;
    vnfo__acc_unit_sums(&u, acc);
    ctx_fill(out, &c, &u);
    /* A heavy upper tail (tail index below VNFO_ACCOUNT_TAIL_INDEX_MIN)
     * voids the corrected interval however small the sample's skewness. */
    double alpha_tail = vnfo__acc_tail_index(acc);
    if (!(alpha_tail >= VNFO_ACCOUNT_TAIL_INDEX_MIN))
        out->cochran_ok = out->cochran_ok && isnan(alpha_tail);
    c.alpha = 1.0 - o.confidence;
    c.m = (double)o.max_value;
    s = vnfo__acc_compare_scaled(&out->exact_cmp, acc, billed, p);
    if (s != VNFO_OK)
        return s;
    statistics_decide(out, &c, o.method);
    exact_decide(out, acc, billed, p);
    return VNFO_OK;
}

double vnfo__rational_complement(vnfo_rational p)
{
    /* 1 - p from the integers, so p close to 1 keeps its precision. */
    return p.den ? (double)(p.den - p.num) / (double)p.den
                 : ((double)(UINT64_MAX - p.num) + 1.0) / 18446744073709551616.0;
}

vnfo_status vnfo__count_clusters_decide(vnfo_account_result *out, double n, double m2, double m3,
                                        double units, uint64_t billed, vnfo_rational p,
                                        double alpha)
{
    struct total_ctx c = {0};
    struct vnfo__unit_sums u = {units, n, m2, m3, m2};
    c.p = vnfo_rational_to_double(p);
    c.q = vnfo__rational_complement(p);
    c.billed = (double)billed;
    c.alpha = alpha;
    ctx_fill(out, &c, &u);
    statistics_decide(out, &c, VNFO_ACCOUNT_METHOD_AUTO);
    return VNFO_OK;
}
