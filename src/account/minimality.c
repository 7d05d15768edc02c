/* Minimality: each sampled packet's provider measurement R against the
 * reference R̂ plus slack; exact Clopper-Pearson bounds on the violation
 * rate of the population. */
#include <math.h>

#include "account/account_internal.h"

static const char WHERE[] = "vnfo_account_minimality_check";

/* d <= s for an integer d and a finite double s >= 0: d <= floor(s). */
static int within_abs(uint64_t d, double s)
{
    if (s >= 18446744073709551616.0)
        return 1;
    return d <= (uint64_t)s;
}

/* d <= rel·ref exactly: rel = m·2^e with an integer m < 2^53, so the test
 * is d·2^-e <= m·ref, done in 128-bit integers. */
static int within_rel(uint64_t d, uint64_t ref, double rel)
{
    if (d == 0)
        return 1;
    if (rel == 0.0 || ref == 0)
        return 0;
    int e;
    double frac = frexp(rel, &e);               /* rel = frac·2^e, frac in [0.5, 1) */
    uint64_t m = (uint64_t)ldexp(frac, 53);     /* exact */
    e -= 53;                                    /* rel = m·2^e */
    vnfo__u128 prod = (vnfo__u128)m * ref;      /* < 2^117 */
    if (e >= 0) {
        if (e >= 64 || (e > 0 && (prod >> (128 - e)) != 0))
            return 1; /* m·ref·2^e >= 2^64 > d, or would not fit 128 bits */
        return (vnfo__u128)d <= (prod << e);
    }
    if (-e >= 117)
        return 0; /* m·ref·2^e < 1 <= d */
    return (vnfo__u128)d <= (prod >> -e);
}

static vnfo_status slack_options(vnfo_account_options *o, const vnfo_account_options *opts,
                                 const char *where)
{
    *o = (vnfo_account_options)VNFO_ACCOUNT_OPTIONS_INIT;
    if (opts) {
        if (opts->version != VNFO_ACCOUNT_OPTIONS_VERSION)
            return vnfo__error(VNFO_E_STRUCT_VERSION, "%s: options version %u, expected %u", where,
                               opts->version, VNFO_ACCOUNT_OPTIONS_VERSION);
        *o = *opts;
    }
    return vnfo__account_slack_valid(o, where);
}

static int exceeded(uint64_t provider, uint64_t reference, const vnfo_account_options *o)
{
    uint64_t d = provider > reference ? provider - reference : 0;
    int abs_ok = within_abs(d, o->slack_abs), rel_ok = within_rel(d, reference, o->slack_rel);
    switch (o->slack_mode) {
    case VNFO_ACCOUNT_SLACK_ABS:
        return !abs_ok;
    case VNFO_ACCOUNT_SLACK_REL:
        return !rel_ok;
    case VNFO_ACCOUNT_SLACK_EITHER:
        return !(abs_ok || rel_ok);
    default:
        return !(abs_ok && rel_ok);
    }
}

vnfo_status vnfo_account_slack_exceeded(int *out, uint64_t provider, uint64_t reference,
                                        const vnfo_account_options *opts)
{
    if (!out)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_account_slack_exceeded: out is NULL");
    vnfo_account_options o;
    vnfo_status s = slack_options(&o, opts, "vnfo_account_slack_exceeded");
    if (s != VNFO_OK)
        return s;
    *out = exceeded(provider, reference, &o);
    return VNFO_OK;
}

vnfo_status vnfo_account_minimality_check(vnfo_account_result *out, uint64_t checked,
                                          uint64_t violations, const vnfo_account_options *opts)
{
    vnfo_account_options o;
    vnfo_status s = vnfo__account_begin(out, &o, opts, WHERE);
    if (s != VNFO_OK)
        return s;
    if (!(o.tolerated_rate >= 0.0 && o.tolerated_rate < 1.0))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: tolerated_rate %g is not in [0, 1)",
                           WHERE, o.tolerated_rate);
    if (checked == 0)
        return vnfo__error(VNFO_E_ACCOUNT_EMPTY, "%s: no sampled packets checked (n = 0)", WHERE);
    if (violations > checked)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: %llu violations among %llu packets",
                           WHERE, (unsigned long long)violations, (unsigned long long)checked);
    double alpha = 1.0 - o.confidence, tau = o.tolerated_rate;
    out->check = VNFO_ACCOUNT_CHECK_MINIMALITY;
    out->method = VNFO_ACCOUNT_METHOD_BINOMIAL;
    out->n = checked;
    out->violations = violations;
    out->estimate = out->rate = (double)violations / (double)checked;
    /* One-sided bounds, each at level 1 - α: 0 of n gives 1 - α^(1/n). */
    out->lower = out->rate_lower = vnfo__cp_lower(violations, checked, alpha);
    out->upper = out->rate_upper = vnfo__cp_upper(violations, checked, alpha);
    out->reference = out->limit = tau;
    /* p-value of "rate <= τ": P(Bin(n, τ) >= violations); the PASS side
     * tests "rate >= τ" with P(Bin(n, τ) <= violations).  The verdict comes
     * from these tails, so it agrees with the p-value by construction; the
     * Clopper-Pearson bounds are the same tests inverted (upper <= τ exactly
     * when the PASS tail is <= α, lower > τ when the FAIL tail is < α). */
    double p_pass = 1.0;
    if (tau == 0.0) {
        out->p_value = violations ? 0.0 : 1.0;
    } else {
        out->p_value = vnfo__binom_sf(violations, checked, tau);
        p_pass = violations == checked ? 1.0
                                       : vnfo__binom_cdf((long double)violations,
                                                         (long double)checked, tau);
    }
    if (isnan(out->lower) || isnan(out->upper) || isnan(out->p_value) || isnan(p_pass))
        return vnfo__error(VNFO_E_ACCOUNT_NO_CONVERGENCE,
                           "%s: Clopper-Pearson bounds for %llu of %llu did not converge", WHERE,
                           (unsigned long long)violations, (unsigned long long)checked);
    if (p_pass <= alpha) {
        out->verdict = VNFO_ACCOUNT_PASS;
        out->reason = VNFO_ACCOUNT_REASON_BELOW_LIMIT;
    } else if (out->p_value <= alpha) {
        out->verdict = VNFO_ACCOUNT_FAIL;
        out->reason = VNFO_ACCOUNT_REASON_ABOVE_LIMIT;
    } else {
        out->verdict = VNFO_ACCOUNT_INCONCLUSIVE;
        out->reason = VNFO_ACCOUNT_REASON_LIMIT_INSIDE;
    }
    return VNFO_OK;
}

vnfo_status vnfo_account_minimality_check_pairs(vnfo_account_result *out, size_t *first_violation,
                                                const uint64_t *provider,
                                                const uint64_t *reference, size_t count,
                                                const vnfo_account_options *opts)
{
    if (first_violation)
        *first_violation = SIZE_MAX;
    if ((!provider || !reference) && count)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_account_minimality_check_pairs: NULL arrays");
    vnfo_account_options o;
    vnfo_status s = slack_options(&o, opts, "vnfo_account_minimality_check_pairs");
    if (s != VNFO_OK)
        return s;
    uint64_t violations = 0;
    for (size_t i = 0; i < count; i++) {
        if (exceeded(provider[i], reference[i], &o)) {
            if (violations++ == 0 && first_violation)
                *first_violation = i;
        }
    }
    return vnfo_account_minimality_check(out, count, violations, opts);
}

/* Tails of a binomial with a real number of trials (the effective sample
 * size of a cluster sample): P(X >= v) = I_τ(v, n - v + 1) and
 * P(X <= v) = 1 - I_τ(v + 1, n - v), continuous in n and v. */
static void real_binom_tails(double *ge, double *le, long double v, long double n, double tau)
{
    double w, w1;
    *ge = 1.0;
    *le = 1.0;
    if (v > 0.0L) {
        vnfo__beta_inc2(&w, &w1, tau, 1.0 - tau, v, n - v + 1.0L);
        *ge = w;
    }
    if (v < n) {
        vnfo__beta_inc2(&w, &w1, tau, 1.0 - tau, v + 1.0L, n - v);
        *le = w1;
    }
}

/* The effective sample size of a cluster sample of `labels` labels, n
 * packets, v violations, Σm² = m2.
 *
 * A clean sample (v = 0) or an all-violating one (v = n) has no variance
 * to read, and its law is exact per label: a label with per-packet rate
 * r_i is clean with probability at most 1 - r_i (P(any) >= E[v_i]/m_i),
 * whatever its copies do together, so P(all L labels clean) <= (1 - r)^L
 * for the mean rate r, and likewise P(all violate) <= r^L.  n* = L keeps
 * the level for copies that violate together and for independent ones
 * alike (counting the n packets instead PASSed 1.7% of providers 5%
 * beyond the tolerance at α = 1% when copies violate together).
 *
 * Otherwise Korn & Graubard (1998): the ratio p̂ = Σv/Σm with its cluster
 * variance V̂ = L/(L-1)·Σ(v_i - p̂·m_i)²/(Σm)², n* = p̂(1-p̂)/V̂, capped at
 * the fully correlated n²/Σm²: the variance read from the few violating
 * labels is noisy, and an underestimate PASSes providers beyond the
 * tolerance (measured: 3.75% wrong PASSes at α = 1% before the cap).  No
 * spread between labels (or one label) leaves the cap. */
static long double cluster_size(const uint64_t *checked, const uint64_t *violations, size_t labels,
                                long double dn, long double m2, uint64_t v)
{
    if (v == 0 || (long double)v == dn)
        return (long double)labels;
    long double full = dn * dn / m2, rate = (long double)v / dn, ss = 0.0L;
    if (labels < 2)
        return full;
    for (size_t i = 0; i < labels; i++) {
        long double d = (long double)violations[i] - rate * (long double)checked[i];
        ss += d * d;
    }
    long double var = (long double)labels / (long double)(labels - 1) * ss / (dn * dn);
    if (var > 0.0L && rate * (1.0L - rate) / var < full)
        return rate * (1.0L - rate) / var;
    return full;
}

vnfo_status vnfo_account_minimality_check_clusters(vnfo_account_result *out,
                                                   const uint64_t *checked,
                                                   const uint64_t *violations, size_t labels,
                                                   const vnfo_account_options *opts)
{
    static const char where[] = "vnfo_account_minimality_check_clusters";
    vnfo_account_options o;
    vnfo_status s = vnfo__account_begin(out, &o, opts, where);
    if (s != VNFO_OK)
        return s;
    if ((!checked || !violations) && labels)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: NULL arrays", where);
    uint64_t n = 0, v = 0;
    long double m2 = 0.0L;
    for (size_t i = 0; i < labels; i++) {
        if (checked[i] == 0 || violations[i] > checked[i])
            return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: label %zu: %llu violations of %llu",
                               where, i, (unsigned long long)violations[i],
                               (unsigned long long)checked[i]);
        if (__builtin_add_overflow(n, checked[i], &n))
            return vnfo__error(VNFO_E_OVERFLOW, "%s: more than 2^64 - 1 packets", where);
        v += violations[i];
        m2 += (long double)checked[i] * checked[i];
    }
    if (m2 == (long double)n) /* no label repeats: exact */
        return vnfo_account_minimality_check(out, n, v, opts);
    if (!(o.tolerated_rate >= 0.0 && o.tolerated_rate < 1.0))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: tolerated_rate %g is not in [0, 1)",
                           where, o.tolerated_rate);
    long double dn = (long double)n, rate = (long double)v / dn;
    long double n_eff = cluster_size(checked, violations, labels, dn, m2, v);
    long double v_eff = rate * n_eff;
    double alpha = 1.0 - o.confidence, tau = o.tolerated_rate;
    out->check = VNFO_ACCOUNT_CHECK_MINIMALITY;
    out->method = VNFO_ACCOUNT_METHOD_BINOMIAL;
    out->n = n;
    out->violations = v;
    out->estimate = out->rate = (double)rate;
    out->lower = out->rate_lower =
        v == 0 ? 0.0 : vnfo__beta_quantile(alpha, v_eff, n_eff - v_eff + 1.0L);
    out->upper = out->rate_upper =
        v == n ? 1.0 : vnfo__beta_quantile_upper(alpha, v_eff + 1.0L, n_eff - v_eff);
    out->reference = out->limit = tau;
    double p_fail = v ? 0.0 : 1.0, p_pass = 1.0;
    if (tau > 0.0)
        real_binom_tails(&p_fail, &p_pass, v_eff, n_eff, tau);
    out->p_value = p_fail;
    if (isnan(out->lower) || isnan(out->upper) || isnan(p_fail) || isnan(p_pass))
        return vnfo__error(VNFO_E_ACCOUNT_NO_CONVERGENCE,
                           "%s: bounds for %llu of %llu did not converge", where,
                           (unsigned long long)v, (unsigned long long)n);
    if (p_pass <= alpha) {
        out->verdict = VNFO_ACCOUNT_PASS;
        out->reason = VNFO_ACCOUNT_REASON_BELOW_LIMIT;
    } else if (p_fail <= alpha) {
        out->verdict = VNFO_ACCOUNT_FAIL;
        out->reason = VNFO_ACCOUNT_REASON_ABOVE_LIMIT;
    } else {
        out->verdict = VNFO_ACCOUNT_INCONCLUSIVE;
        out->reason = VNFO_ACCOUNT_REASON_LIMIT_INSIDE;
    }
    return VNFO_OK;
}
