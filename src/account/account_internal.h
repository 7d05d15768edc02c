/* Private declarations of the account module: the accumulator layout, the
 * sketch index mapping, exact big-integer helpers and the pure special
 * functions.  Never installed. */
#ifndef VNFO_ACCOUNT_INTERNAL_H
#define VNFO_ACCOUNT_INTERNAL_H

#include <stdint.h>

#include <vnfo/account.h>

#include "internal.h"

typedef unsigned __int128 vnfo__u128;

/* Exact sums in fixed words.  With n <= 2^64 - 1 values below 2^64:
 *   Σx  < 2^128  (one u128),
 *   Σx² < 2^192  (u128 low part + u64 count of 2^128 carries),
 *   Σx³ < 2^256  (two u128 halves).
 * So no width is ever exceeded; libtommath takes over for the products the
 * statistics and exact decisions need (up to 2^448). */
struct vnfo_account_acc {
    uint32_t resource;
    uint32_t scope;
    unsigned sketch_bits;
    uint64_t max_values;
    uint64_t n;
    uint64_t min; /* UINT64_MAX while empty */
    uint64_t max; /* 0 while empty */
    vnfo__u128 s1;
    vnfo__u128 s2_lo;
    uint64_t s2_hi;
    vnfo__u128 s3_lo;
    vnfo__u128 s3_hi;
    uint64_t *counts; /* sketch buckets, vnfo__sketch_buckets(sketch_bits) of them */
    uint64_t *values; /* kept values while values_exact */
    uint64_t nvalues;
    uint64_t cap;
    int values_exact;
    int sorted;
    /* Sampling units (labels): hash sampling selects the packets of one
     * label together, so variances sum per label.  A value added alone is
     * a unit of one packet.  For units of several packets (m values, sum
     * y) the excesses over the per-packet sums are kept:
     *   units_sq = Σ (m² - m),  excess2 = Σ (y² - Σx²),  excess3 = Σ (y³ - Σx³),
     * so Σ_units y² = Σx² + excess2 etc.; all 0 without clusters.  Long
     * double: they feed variances, never exact decisions. */
    uint64_t units;
    long double units_sq;
    long double excess2;
    long double excess3;
};

/* Adds x³ (192 bits) to a 256-bit sum hi·2^128 + lo; sq = x². */
static inline void vnfo__add_cube(vnfo__u128 *lo_sum, vnfo__u128 *hi_sum, uint64_t x, vnfo__u128 sq)
{
    vnfo__u128 t0 = (vnfo__u128)(uint64_t)sq * x;         /* low half of x² times x */
    vnfo__u128 t1 = (vnfo__u128)(uint64_t)(sq >> 64) * x; /* high half of x² times x */
    vnfo__u128 lo = t0 + (t1 << 64);
    vnfo__u128 hi = (t1 >> 64) + (lo < t0);
    *lo_sum += lo;
    *hi_sum += hi + (*lo_sum < lo);
}

/* ---- sketch (sketch.c) ------------------------------------------------- */

/* Buckets of a sketch with k sub-bucket bits: values below 2^k each have
 * their own bucket; above, each octave [2^e, 2^(e+1)) has 2^k buckets. */
static inline size_t vnfo__sketch_buckets(unsigned k)
{
    return (size_t)(65 - k) << k;
}

static inline size_t vnfo__sketch_index(uint64_t x, unsigned k)
{
    if (x < ((uint64_t)1 << k))
        return (size_t)x;
    unsigned e = 63u - (unsigned)__builtin_clzll(x);
    uint64_t j = (x >> (e - k)) - ((uint64_t)1 << k);
    return ((size_t)(e - k + 1) << k) + (size_t)j;
}

/* The integers [lo, hi] of a bucket. */
void vnfo__sketch_bounds(uint64_t *lo, uint64_t *hi, size_t index, unsigned k);
/* Bounds from the sketch on #{x < v} (at least *below) and #{x <= v} (at
 * most *at_most): buckets wholly below v, and buckets starting at or below v. */
void vnfo__sketch_count_bounds(uint64_t *below, uint64_t *at_most, const vnfo_account_acc *acc,
                               uint64_t v);
/* The value a bucket stands for: within 2^-(k+1) of every integer in it. */
double vnfo__sketch_value(size_t index, unsigned k);
/* The integers [lo, hi] (clamped to [min, max]) of the bucket holding the
 * r-th smallest value (1 <= r <= n): the value lies in them for certain. */
void vnfo__sketch_rank_bounds(uint64_t *lo, uint64_t *hi, const vnfo_account_acc *acc, uint64_t r);
/* The sketch's value of the r-th smallest value (1 <= r <= n), clamped to
 * [min, max]. */
double vnfo__sketch_rank_value(const vnfo_account_acc *acc, uint64_t r);

/* ---- accumulator helpers (acc.c) --------------------------------------- */

/* Sorts the kept values if needed. */
void vnfo__acc_sort(vnfo_account_acc *acc);
/* The r-th smallest value (1-based), exact or from the sketch. */
double vnfo__acc_rank_value(vnfo_account_acc *acc, uint64_t r);
/* Allocates an accumulator with the given (checked) configuration. */
vnfo_status vnfo__acc_alloc(vnfo_account_acc **out, uint32_t resource, uint32_t scope,
                            unsigned sketch_bits, uint64_t max_values, uint64_t cap);

/* Cluster-aware sums over the sampling units: Σ y, Σ y², Σ y³ (doubles),
 * the unit count and Σ m² (m the packets per unit). */
struct vnfo__unit_sums {
    double units, s1, s2, s3, m2;
};
void vnfo__acc_unit_sums(struct vnfo__unit_sums *out, const vnfo_account_acc *acc);
/* Hill's tail index of the largest max(20, √n) values (kept values, or
 * bucket values in sketch mode); +inf when the top is flat, NaN below 40
 * values or when memory is short (total.c). */
double vnfo__acc_tail_index(const vnfo_account_acc *acc);

/* Hall's skewness-removing transformation of a studentised statistic,
 * g(t) = t + a·t² + a²t³/3 + b with a = γ/3, b = γ/6 (γ the skewness of
 * the estimate), and its closed-form inverse (total.c). */
double vnfo__hall_g(double t, double gamma);
double vnfo__hall_g_inverse(double y, double gamma);
/* 1 - p as a double, from the integers. */
double vnfo__rational_complement(vnfo_rational p);
/* The statistics of the total check (skewness-corrected interval) applied
 * to packet counts over labels: n = Σm, m2 = Σm², m3 = Σm³ (total.c). */
vnfo_status vnfo__count_clusters_decide(vnfo_account_result *out, double n, double m2, double m3,
                                        double units, uint64_t billed, vnfo_rational p,
                                        double alpha);

/* ---- exact arithmetic (exact.c, libtommath) ---------------------------- */

/* Σx^power as a double: the exact words converted, within 2 ulp. */
double vnfo__acc_sum_double(const vnfo_account_acc *acc, unsigned power);
/* Exact n·Σx² - (Σx)², as a double (n² times the biased variance). */
vnfo_status vnfo__acc_spread(double *out, const vnfo_account_acc *acc);
/* Sample skewness G1 from the exact sums; NaN when n < 3 or no spread. */
vnfo_status vnfo__acc_skewness(double *out, const vnfo_account_acc *acc);
/* Sign of billed·num - Σx·den (den 0 meaning 2^64), exactly. */
vnfo_status vnfo__acc_compare_scaled(int *out, const vnfo_account_acc *acc, uint64_t billed,
                                     vnfo_rational p);
/* Checks the sums of a decoded accumulator against n, min, max and the
 * kept values; returns a message-free status (the caller names the place). */
vnfo_status vnfo__acc_sums_plausible(const vnfo_account_acc *acc, const char **why);

/* ---- special functions (special.c; pure, no messages) ------------------ */

double vnfo__normal_cdf(double x);
/* Φ^-1(p) for p in (0, 1): Acklam's rational approximation refined by one
 * Halley step on erfc; NaN outside (0, 1). */
double vnfo__normal_quantile(double p);
/* log B(a, b), stable for large arguments (as R's lbeta). */
double vnfo__log_beta(double a, double b);
/* Regularised incomplete beta: *lower = I_x(a, b), *upper = 1 - I_x(a, b),
 * with y = 1 - x given by the caller (so a tiny 1 - x is not lost).  The
 * smaller tail keeps its relative precision at any a, b up to 2^64 (long
 * double holds those integers exactly).  NaN when it does not converge. */
void vnfo__beta_inc2(double *lower, double *upper, double x, double y, long double a,
                     long double b);
/* I_x(a, b) (y = 1 - x). */
double vnfo__beta_inc(double x, long double a, long double b);
/* x with I_x(a, b) = p, by safeguarded bisection; NaN on failure. */
double vnfo__beta_quantile(double p, long double a, long double b);
/* x with 1 - I_x(a, b) = tail (the upper tail solved directly). */
double vnfo__beta_quantile_upper(double tail, long double a, long double b);
/* Student t quantile with nu degrees of freedom. */
double vnfo__t_quantile(double p, double nu);
/* P(X <= k) for X ~ Binomial(n, p); k may be negative (gives 0). */
double vnfo__binom_cdf(long double k, long double n, double p);

/* ---- interval helpers (stats.c; pure, no messages) --------------------- */

/* Clopper-Pearson bounds for k successes in n trials: lower end at one-sided
 * level tail (lower = 0 when k = 0) and upper end likewise (1 when k = n). */
double vnfo__cp_lower(uint64_t k, uint64_t n, double tail);
double vnfo__cp_upper(uint64_t k, uint64_t n, double tail);
/* P(X >= j) for X ~ Binomial(n, q), computed directly (small tails keep
 * their precision). */
double vnfo__binom_sf(uint64_t j, uint64_t n, double q);
/* Ranks of the distribution-free interval of the q-quantile from n values:
 * the largest l with P(Bin(n, q) <= l - 1) <= tail (0 = unbounded below)
 * and the smallest u with P(Bin(n, q) <= u - 1) >= 1 - tail (n + 1 =
 * unbounded above).  Returns 0, or -1 when a binomial tail failed. */
int vnfo__order_ranks(uint64_t *lower, uint64_t *upper, uint64_t n, double q, double tail);
/* Tails of a binomial with a real number of trials ne at a real count v
 * (a cluster sample's effective size, Korn & Graubard): P(X >= v) =
 * I_q(v, ne - v + 1) and P(X <= v) = 1 - I_q(v + 1, ne - v), continuous
 * and monotone in v; equal to the integer tails at integer v and ne. */
double vnfo__binom_sf_real(long double v, long double ne, double q);
double vnfo__binom_cdf_real(long double v, long double ne, double q);
/* vnfo__order_ranks() for a cluster sample of n packets with effective
 * size n_eff <= n: rank j counts as j·n_eff/n draws of Bin(n_eff, q).
 * With n_eff >= n it is vnfo__order_ranks(). */
int vnfo__order_ranks_eff(uint64_t *lower, uint64_t *upper, uint64_t n, long double n_eff,
                          double q, double tail);

/* A cluster sample as the caller gives it: labels sampling units, unit i
 * holding mult[i] >= 1 packets whose values are consecutive in values;
 * n = Σ mult. */
struct vnfo__clusters {
    const uint64_t *values;
    const uint64_t *mult;
    size_t labels;
    uint64_t n;
};
/* Effective sample size of the packets' empirical CDF at x (Woodruff's
 * point, Korn & Graubard's n* = F(1 - F)/V with V the cluster variance of
 * the ratio F = Σc_i/n, c_i the packets of unit i at or below x), in
 * [1, n]; where F is 0 or 1 (no variance to read) the fully correlated
 * n²/Σm², which is what identical duplicates give (clusters.c). */
long double vnfo__clusters_cdf_size(const struct vnfo__clusters *c, uint64_t x);

/* Rank of the sample q-quantile, ceil(q·n) clamped to [1, n], in exact
 * arithmetic: q is read as the shortest decimal that rounds to it (0.07 is
 * 7/100), so integer q·n give rank q·n, not one more. */
uint64_t vnfo__quantile_rank(uint64_t n, double q);

/* ---- shared check plumbing (options.c) --------------------------------- */

/* Validates opts (or takes the defaults when NULL) into *eff; names the
 * caller in messages.  Checks the result version and resets it. */
vnfo_status vnfo__account_begin(vnfo_account_result *out, vnfo_account_options *eff,
                                const vnfo_account_options *opts, const char *where);
/* An INCONCLUSIVE verdict whose interval method does not apply (too
 * skewed, a heavy tail, no spread): the untrusted method's interval and
 * p-value are dropped (NaN), so no reported number contradicts the
 * verdict; the estimate, standard error, skewness and statistic stay as
 * evidence. */
void vnfo__account_untrusted_clear(vnfo_account_result *r);
/* Validates a sampling probability; sets *value to it as a double. */
vnfo_status vnfo__account_probability(double *value, vnfo_rational p, const char *where);
/* Validates the slack fields of opts. */
vnfo_status vnfo__account_slack_valid(const vnfo_account_options *opts, const char *where);

/* ---- order-statistic intervals (quantile.c) ---------------------------- */

/* Interval of the population q-quantile at the result's confidence: fills
 * rank_lower, rank_upper, lower (0 when unbounded), upper (+inf when
 * unbounded), estimate, quantile and method. */
vnfo_status vnfo__quantile_interval(vnfo_account_result *r, vnfo_account_acc *acc, double q,
                                    const char *where);
/* The same for a cluster sample (c may be NULL: independent packets): the
 * ranks come from the effective sample size at the sample quantile. */
vnfo_status vnfo__quantile_interval_clusters(vnfo_account_result *r, vnfo_account_acc *acc,
                                             double q, const struct vnfo__clusters *c,
                                             const char *where);
/* The quantile check on acc (whose values are c's packets, or independent
 * packets when c is NULL), with ranks and tails at the effective size. */
vnfo_status vnfo__quantile_check_clusters(vnfo_account_result *out, vnfo_account_acc *acc,
                                          double q, uint64_t billed_value,
                                          const struct vnfo__clusters *c, const char *where);
/* The performance check likewise (perf.c). */
vnfo_status vnfo__performance_check_clusters(vnfo_account_result *out, vnfo_account_acc *acc,
                                             vnfo_account_metric metric, double reference,
                                             const vnfo_account_options *opts,
                                             const struct vnfo__clusters *c, const char *where);

#endif
