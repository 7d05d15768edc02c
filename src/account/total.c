/* Consistency of a billed total with the sample: Horvitz-Thompson estimate,
 * normal or Bernstein interval, exact integer decisions first. */
#include <math.h>

#include "account/account_internal.h"

static const char WHERE[] = "vnfo_account_total_check";

struct total_ctx {
    double s1, s2;    /* Σx, Σx² */
    double p, q;      /* p and 1 - p */
    double t_hat, se; /* T̂, √V̂ */
    double billed, alpha, m;
};

static void verdict_set(vnfo_account_result *r, vnfo_account_verdict v, vnfo_account_reason why)
{
    r->verdict = v;
    r->reason = why;
}

static void normal_decide(vnfo_account_result *r, const struct total_ctx *c)
{
    /* -z(α/2) rather than z(1 - α/2): 1 - α/2 rounds to 1 for tiny α. */
    double zc = -vnfo__normal_quantile(c->alpha / 2.0);
    r->method = VNFO_ACCOUNT_METHOD_NORMAL;
    r->lower = fmax(c->t_hat - zc * c->se, c->s1); /* the total is at least Σx */
    r->upper = c->t_hat + zc * c->se;
    r->statistic = (c->t_hat - c->billed) / c->se;
    r->p_value = erfc(fabs(r->statistic) / M_SQRT2);
    if (c->billed > r->upper)
        verdict_set(r, VNFO_ACCOUNT_OVERCHARGED, VNFO_ACCOUNT_REASON_ABOVE_INTERVAL);
    else if (c->billed < r->lower)
        verdict_set(r, VNFO_ACCOUNT_UNDERCHARGED, VNFO_ACCOUNT_REASON_BELOW_INTERVAL);
    else
        verdict_set(r, VNFO_ACCOUNT_CONSISTENT, VNFO_ACCOUNT_REASON_INSIDE_INTERVAL);
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

/* AUTO: normal when Cochran's rule holds, else Bernstein when M is known,
 * else INCONCLUSIVE with the normal numbers as evidence. */
static void statistics_decide(vnfo_account_result *r, const struct total_ctx *c,
                              vnfo_account_method method, uint64_t n)
{
    int normal_fit = r->cochran_ok && c->se > 0.0;
    if (method == VNFO_ACCOUNT_METHOD_BERNSTEIN ||
        (method == VNFO_ACCOUNT_METHOD_AUTO && !normal_fit && c->m > 0.0)) {
        bernstein_decide(r, c);
        return;
    }
    if (c->se > 0.0)
        normal_decide(r, c);
    r->method = VNFO_ACCOUNT_METHOD_NORMAL;
    if (c->se > 0.0 && (normal_fit || method == VNFO_ACCOUNT_METHOD_NORMAL))
        return;
    vnfo_account_reason why = c->se == 0.0 ? VNFO_ACCOUNT_REASON_NO_SPREAD
                              : n < 3      ? VNFO_ACCOUNT_REASON_SAMPLE_TOO_SMALL
                                           : VNFO_ACCOUNT_REASON_SKEWED;
    verdict_set(r, VNFO_ACCOUNT_INCONCLUSIVE, why);
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
    c.q = p.den ? (double)(p.den - p.num) / (double)p.den
                : ((double)(UINT64_MAX - p.num) + 1.0) / 18446744073709551616.0;
    c.s1 = vnfo__acc_sum_double(acc, 1);
    c.s2 = vnfo__acc_sum_double(acc, 2);
    c.t_hat = out->estimate = c.s1 / c.p;
    c.se = out->std_error = sqrt(c.q / (c.p * c.p) * c.s2);
    c.alpha = 1.0 - o.confidence;
    c.m = (double)o.max_value;
    s = vnfo__acc_skewness(&out->skewness, acc);
    if (s == VNFO_OK)
        s = vnfo__acc_compare_scaled(&out->exact_cmp, acc, billed, p);
    if (s != VNFO_OK)
        return s;
    /* Cochran's rule n > 25·G1².  Equal values (G1 undefined, no spread)
     * count as G1 = 0: the estimate then varies only through the binomial
     * count of sampled packets. */
    double g1 = isnan(out->skewness) ? 0.0 : out->skewness;
    out->cochran_ok = acc->n >= 3 && (double)acc->n > 25.0 * g1 * g1;
    statistics_decide(out, &c, o.method, acc->n);
    exact_decide(out, acc, billed, p);
    return VNFO_OK;
}
