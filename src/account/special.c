/* Special functions of the statistics, written from their textbook
 * definitions (no third-party code):
 *  - normal quantile: P. J. Acklam's rational approximation (relative error
 *    1.15e-9) refined by one Halley step on erfc, giving full double
 *    precision;
 *  - regularised incomplete beta I_x(a, b): the continued fraction of
 *    Abramowitz & Stegun 26.5.8 evaluated by the modified Lentz method, with
 *    the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) so that it converges fast;
 *  - inverse incomplete beta by bisection (monotone, never diverges);
 *  - Student t quantile through the incomplete beta.
 * Everything is pure: no messages, NaN on failure. */
#include <math.h>

#include "account/account_internal.h"

/* log Γ without writing the global signgam, as lgamma() and lgammal() do:
 * the verifier computes its SLA entries on several threads at once
 * (helgrind reported the race).  The same values: glibc's lgamma is
 * lgamma_r with &signgam. */
#if defined(__GLIBC__)
static double log_gamma(double x)
{
    int sign;
    return lgamma_r(x, &sign);
}

static long double log_gammal(long double x)
{
    int sign;
    return lgammal_r(x, &sign);
}
#else
static double log_gamma(double x) { return lgamma(x); }
static long double log_gammal(long double x) { return lgammal(x); }
#endif

/* The widest floating type: binary128 where the compiler has it (software
 * arithmetic, used only for a few products and continued-fraction steps),
 * long double otherwise. */
#if defined(__FLT128_MANT_DIG__)
typedef _Float128 wide;
#else
typedef long double wide;
#endif

double vnfo__normal_cdf(double x)
{
    return 0.5 * erfc(-x / M_SQRT2);
}

/* Acklam's coefficients: central region and tails. */
static const double A[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                           1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
static const double B[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                           6.680131188771972e+01,  -1.328068155288572e+01};
static const double C[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                           -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
static const double D[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                           3.754408661907416e+00};

static double acklam(double p)
{
    const double plow = 0.02425;
    if (p < plow || p > 1.0 - plow) {
        double q = sqrt(-2.0 * log(p < plow ? p : 1.0 - p));
        double x = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
                   ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0);
        return p < plow ? x : -x;
    }
    double q = p - 0.5, r = q * q;
    return (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q /
           (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0);
}

double vnfo__normal_quantile(double p)
{
    if (!(p > 0.0 && p < 1.0))
        return NAN;
    double x = acklam(p);
    /* One Halley step: e = Φ(x) - p computed through erfc, accurate in both
     * tails; u = e / φ(x). */
    double e = (p < 0.5) ? 0.5 * erfc(-x / M_SQRT2) - p : (1.0 - p) - 0.5 * erfc(x / M_SQRT2);
    double u = e * sqrt(2.0 * M_PI) * exp(x * x / 2.0);
    return x - u / (1.0 + x * u / 2.0);
}

/* log Γ(x) - [(x - 1/2) log x - x + log √(2π)] for x >= 10: the Stirling
 * series, truncated where the next term is below 1e-17 of the sum. */
static double lgamma_correction(double x)
{
    static const double c[] = {1.0 / 12.0, -1.0 / 360.0, 1.0 / 1260.0, -1.0 / 1680.0,
                               1.0 / 1188.0, -691.0 / 360360.0, 1.0 / 156.0};
    double inv = 1.0 / x, inv2 = inv * inv, sum = 0.0;
    for (int i = 6; i >= 0; i--)
        sum = sum * inv2 + c[i];
    return sum * inv;
}

#define LN_SQRT_2PI 0.918938533204672741780329736406

double vnfo__log_beta(double a, double b)
{
    /* As R's lbeta: lgamma(a) + lgamma(b) - lgamma(a + b) cancels when one
     * argument is large, so large arguments take Stirling's form with the
     * corrections, in which the big terms cancel analytically. */
    double p = a < b ? a : b, q = a < b ? b : a;
    if (!(p > 0.0))
        return NAN;
    if (p >= 10.0) {
        double corr = lgamma_correction(p) + lgamma_correction(q) - lgamma_correction(p + q);
        return -0.5 * log(q) + LN_SQRT_2PI + corr + (p - 0.5) * log(p / (p + q)) +
               q * log1p(-p / (p + q));
    }
    if (q >= 10.0) {
        double corr = lgamma_correction(q) - lgamma_correction(p + q);
        return log_gamma(p) + corr + p - p * log(p + q) + (q - 0.5) * log1p(-p / (p + q));
    }
    return log_gamma(p) + log_gamma(q) - log_gamma(p + q);
}

/* Stirling's error log Γ(x + 1) - [(x + 1/2) log x - x + log √(2π)], x > 0. */
static long double stirling_error(long double x)
{
    if (x <= 15.0L)
        return log_gammal(x + 1.0L) - (x + 0.5L) * logl(x) + x - (long double)LN_SQRT_2PI;
    static const long double s[] = {1.0L / 12.0L, 1.0L / 360.0L, 1.0L / 1260.0L, 1.0L / 1680.0L,
                                    1.0L / 1188.0L, 691.0L / 360360.0L};
    long double xx = x * x;
    return (s[0] - (s[1] - (s[2] - (s[3] - (s[4] - s[5] / xx) / xx) / xx) / xx) / xx) / x;
}

/* Loader's deviance x·log(x/m) + m - x with d = x - m given by the caller
 * (computed without cancellation), evaluated by a series when x is close
 * to m (C. Loader, "Fast and accurate computation of binomial
 * probabilities", 2000). */
static long double deviance(long double x, long double m, long double d)
{
    if (fabsl(d) < 0.1L * (x + m)) {
        long double v = d / (x + m), s = d * v, term = 2.0L * x * v;
        v *= v;
        for (int j = 1; j < 1000; j++) {
            term *= v;
            long double next = s + term / (long double)(2 * j + 1);
            if (next == s)
                return next;
            s = next;
        }
        return s;
    }
    return x * logl(x / m) - d;
}

/* log of x^a·y^b / B(a, b) with y = 1 - x.  Written as a binomial density
 * (a·b/(a+b) times dbinom(a; a+b, x)) in Loader's saddle-point form: the
 * huge terms a·log x, b·log y and log B(a, b), each ~10^19 at N = 2^64,
 * never appear, only their deviance, so the result keeps its relative
 * precision at any scale.  Long double keeps integer arguments up to 2^64
 * exact.  Only the smaller of x and y is used as given (the other may have
 * been rounded to 1): with n = a + b, a - n·x = -(b - n·y). */
static long double log_front(long double x, long double y, long double a, long double b)
{
    /* n·x needs 117 bits: computed wide, a - n·x keeps its precision. */
    long double n = a + b, da, db;
    if (x <= y) {
        da = (long double)((wide)a - ((wide)a + (wide)b) * (wide)x);
        db = -da;
    } else {
        db = (long double)((wide)b - ((wide)a + (wide)b) * (wide)y);
        da = -db;
    }
    long double lc = stirling_error(n) - stirling_error(a) - stirling_error(b) -
                     deviance(a, a - da, da) - deviance(b, b - db, db);
    return lc + 0.5L * (logl(a) + logl(b) - logl(n) - logl(2.0L * 3.14159265358979323846264338L));
}

/* The continued fraction of I_x(a, b) without its prefactor (modified
 * Lentz).  Near the mean of huge a, b its steps cancel to about
 * eps·sqrt(a + b) relative, so the arithmetic is binary128 where the
 * compiler has it (software, used for the few dozen steps of a tail) and
 * long double otherwise; near x = 1 the coefficients carry y = 1 - x, so
 * x comes in wide too.  lead = (a + 1) - (a + b)·x, passed in because the
 * caller computes it without cancellation. */

/* One body for both precisions: long double (fast, hardware) while
 * eps·sqrt(a + b) stays below 1e-13, binary128 beyond. */
#define DEFINE_BETA_CF(NAME, T, EPS)                                                          \
    static long double NAME(T x, T a, T b, T lead)                                        \
    {                                                                                     \
        const T tiny = (T)1e-300L, eps = (T)(EPS);                                        \
        double m_max = 1000.0 + 20.0 * sqrt((double)(a < b ? b : a));                     \
        T c = 1, d = lead / (a + 1);                                                      \
        if ((d < 0 ? -d : d) < tiny)                                                      \
            d = tiny;                                                                     \
        d = 1 / d;                                                                        \
        T h = d;                                                                          \
        for (double mm = 1.0; mm <= m_max; mm += 1.0) {                                   \
            T m = (T)mm, m2 = 2 * m;                                                      \
            T num = m * (b - m) * x / ((a + m2 - 1) * (a + m2)); /* even step */          \
            d = 1 + num * d;                                                              \
            c = 1 + num / c;                                                              \
            d = (d < 0 ? -d : d) < tiny ? 1 / tiny : 1 / d;                               \
            if ((c < 0 ? -c : c) < tiny)                                                  \
                c = tiny;                                                                 \
            h *= d * c;                                                                   \
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1)); /* odd step */  \
            d = 1 + num * d;                                                              \
            c = 1 + num / c;                                                              \
            d = (d < 0 ? -d : d) < tiny ? 1 / tiny : 1 / d;                               \
            if ((c < 0 ? -c : c) < tiny)                                                  \
                c = tiny;                                                                 \
            T delta = d * c;                                                              \
            h *= delta;                                                                   \
            if ((delta - 1 < 0 ? 1 - delta : delta - 1) < eps)                            \
                return (long double)h;                                                    \
        }                                                                                 \
        return NAN;                                                                       \
    }

DEFINE_BETA_CF(beta_cf_wide, wide, 1e-30L)
DEFINE_BETA_CF(beta_cf_long, long double, 1e-18L)

static long double beta_cf(wide x, wide a, wide b, wide lead)
{
    if (a + b < (wide)1e12L)
        return beta_cf_long((long double)x, (long double)a, (long double)b, (long double)lead);
    return beta_cf_wide(x, a, b, lead);
}

/* log P(Bin(n, x) = k) for 0 <= k <= n, Loader's form (relative precision
 * at any n); d = k - n·x from the accurate one of x and y. */
static long double log_binom_pmf(long double k, long double n, long double x, long double y,
                                 long double d)
{
    if (k == 0.0L)
        return n * log1pl(-x);
    if (k == n)
        return n * logl(x);
    long double lc = stirling_error(n) - stirling_error(k) - stirling_error(n - k) -
                     deviance(k, k - d, d) - deviance(n - k, n - k + d, -d);
    return lc + 0.5L * (logl(n) - logl(k) - logl(n - k) -
                        logl(2.0L * 3.14159265358979323846264338L));
}

/* Terms the binomial sum may take before the fraction is cheaper. */
#define SUM_TERMS_MAX 200000

/* 1 - I_x(a, b) for an integer a as P(Bin(a + b - 1, x) <= a - 1), summed
 * from j = a - 1 downward until the terms vanish.  The fraction in y loses
 * the precision of a small x (y = 1 - x rounds); the terms only use the
 * ratio y/x.  NaN when it would need more than SUM_TERMS_MAX terms. */
static double binomial_sum_upper(long double x, long double y, long double a, long double b)
{
    long double n = a + b - 1.0L, k = a - 1.0L, mean = n * x;
    if (a != floorl(a) || a > 9007199254740992.0L || k > mean)
        return NAN;
    if (50.0L * mean > SUM_TERMS_MAX * (mean - k + 1.0L))
        return NAN;
    long double term = expl(log_binom_pmf(k, n, x, y, k - n * x)), sum = term;
    for (long double j = k; j > 0.0L && term > sum * 1e-21L; j -= 1.0L) {
        term *= j / (n - j + 1.0L) * (y / x);
        sum += term;
    }
    return (double)sum;
}

/* Gauss-Legendre rule of GL_POINTS nodes on [-1, 1]: Newton's method on
 * the Legendre recurrence (Golub-Welsch-free, a few thousand flops). */
#define GL_POINTS 24

static void gauss_legendre(double node[GL_POINTS], double weight[GL_POINTS])
{
    for (int i = 0; i < GL_POINTS; i++) {
        double t = cos(M_PI * (i + 0.75) / (GL_POINTS + 0.5)), dp = 1.0;
        for (int it = 0; it < 100; it++) {
            double p0 = 1.0, p1 = t;
            for (int k = 2; k <= GL_POINTS; k++) {
                double p2 = ((2.0 * k - 1.0) * t * p1 - (k - 1.0) * p0) / k;
                p0 = p1;
                p1 = p2;
            }
            dp = GL_POINTS * (t * p1 - p0) / (t * t - 1.0);
            double step = p1 / dp;
            t -= step;
            if (fabs(step) < 1e-16)
                break;
        }
        node[i] = t;
        weight[i] = 2.0 / ((1.0 - t * t) * dp * dp);
    }
}

/* ∫_{lo}^{hi} of the Beta(a, b) density, lo < hi both within a few
 * standard deviations of the mean: a smooth bump, so four Gauss-Legendre
 * panels are exact to rounding. */
static long double beta_density_integral(long double lo, long double hi, long double a,
                                         long double b)
{
    double node[GL_POINTS], weight[GL_POINTS];
    gauss_legendre(node, weight);
    long double sum = 0.0L;
    const int panels = 4;
    /* Long double nodes: at N = 2^63 a standard deviation is 1.6e-10, so
     * double nodes would sit 3e-7 of it off. */
    long double width = (hi - lo) / panels;
    for (int k = 0; k < panels; k++) {
        long double mid = lo + (k + 0.5L) * width;
        for (int i = 0; i < GL_POINTS; i++) {
            long double t = mid + 0.5L * width * node[i];
            long double f = expl(log_front(t, 1.0L - t, a, b)) / (t * (1.0L - t));
            sum += (long double)weight[i] * f;
        }
    }
    return sum * 0.5L * width;
}

/* Near the mean of large a and b the fraction needs ~1/z² steps; there
 * I_x is I at one standard deviation below the mean (a fast tail) plus the
 * density integrated up to x.  Returns 0 when the case does not apply. */
static void beta_inc_core(double *lower, double *upper, double x, double y, long double a,
                          long double b);

static int beta_inc_central(double *lower, double *upper, double x, long double a, long double b)
{
    long double n = a + b;
    if (a < 100.0L || b < 100.0L || n < 1e5L)
        return 0;
    long double mean = a / n, sd = sqrtl(a * b / (n * n * (n + 1.0L)));
    long double z = ((long double)x - mean) / sd;
    if (!(fabsl(z) < 1.0L) || mean < 0.01L || mean > 0.99L)
        return 0;
    double x0 = (double)(mean - 1.5L * sd), w0, w1;
    beta_inc_core(&w0, &w1, x0, 1.0 - x0, a, b); /* z = -1.5: a fast tail */
    if (isnan(w0))
        return 0;
    long double part = beta_density_integral((long double)x0, (long double)x, a, b);
    *lower = (double)(w0 + part);
    *upper = (double)((long double)w1 - part);
    return 1;
}

void vnfo__beta_inc2(double *lower, double *upper, double x, double y, long double a,
                     long double b)
{
    if (!(a > 0.0L && b > 0.0L) || isnan(x) || isnan(y) || x <= 0.0 || y <= 0.0 ||
        !beta_inc_central(lower, upper, x, a, b))
        beta_inc_core(lower, upper, x, y, a, b);
}

/* The fraction (or the binomial sum) on the side where it converges. */
static void beta_inc_core(double *lower, double *upper, double x, double y, long double a,
                          long double b)
{
    *lower = *upper = NAN;
    if (!(a > 0.0L && b > 0.0L) || isnan(x) || isnan(y))
        return;
    if (x <= 0.0) {
        *lower = 0.0;
        *upper = 1.0;
        return;
    }
    if (y <= 0.0) {
        *lower = 1.0;
        *upper = 0.0;
        return;
    }
    /* The smaller of x and y is the accurate one; the other follows. */
    wide xw = x <= y ? (wide)x : 1 - (wide)y;
    wide yw = x <= y ? 1 - (wide)x : (wide)y;
    long double xl = (long double)xw, yl = (long double)yw;
    wide nw = (wide)a + (wide)b;
    wide lead_xw = x <= y ? ((wide)a + 1) - nw * xw : (1 - (wide)b) + nw * yw;
    wide lead_yw = 2 - lead_xw; /* (b + 1) - n·y */
    long double n = a + b, lead_x = (long double)lead_xw;
    /* The fraction converges fast on the side below the mean, where the
     * tail it computes is the smaller one: that tail keeps its relative
     * precision, the other is its complement. */
    if (lead_x > 0.0L && xl < (a + 1.0L) / (n + 2.0L)) {
        long double front = expl(log_front(x, y, a, b));
        *lower = (double)(front * beta_cf(xw, a, b, lead_xw) / a);
        *upper = 1.0 - *lower;
    } else {
        /* Only a small x loses precision in y; above 1e-3 the wide
         * fraction keeps 1e-13 and is much cheaper than the sum. */
        double sum = x < 1e-3 ? binomial_sum_upper(xl, yl, a, b) : NAN;
        if (isnan(sum)) {
            long double front = expl(log_front(x, y, a, b));
            sum = (double)(front * beta_cf(yw, b, a, lead_yw) / b);
        }
        *upper = sum;
        *lower = 1.0 - *upper;
    }
    if (isnan(*lower) || isnan(*upper))
        *lower = *upper = NAN;
}

double vnfo__beta_inc(double x, long double a, long double b)
{
    double lower, upper;
    vnfo__beta_inc2(&lower, &upper, x, 1.0 - x, a, b);
    return lower;
}

/* x with the chosen tail of Beta(a, b) at x equal to target: the lower
 * tail I_x(a, b) (upper = 0) or the upper tail 1 - I_x(a, b) (upper = 1),
 * each computed directly so that small targets keep their precision. */
/* The last BETA_MEMO inverses solved, per thread: checks of one sample ask for the
 * same bound again (a minimality check against several tolerances, the t
 * quantile of each SLA limit), and each solve is ~60 incomplete betas. */
struct beta_memo {
    double target;
    long double a, b;
    int upper, valid;
    double x;
};
#define BETA_MEMO 4
static _Thread_local struct beta_memo last_solve[BETA_MEMO];
static _Thread_local unsigned last_solve_next;

static double beta_solve_uncached(double target, long double a, long double b, int upper);

static double beta_solve(double target, long double a, long double b, int upper)
{
    for (unsigned i = 0; i < BETA_MEMO; i++) {
        const struct beta_memo *m = &last_solve[i];
        if (m->valid && m->target == target && m->a == a && m->b == b && m->upper == upper)
            return m->x;
    }
    double x = beta_solve_uncached(target, a, b, upper);
    last_solve[last_solve_next++ % BETA_MEMO] = (struct beta_memo){target, a, b, upper, 1, x};
    return x;
}

static double beta_solve_uncached(double target, long double a, long double b, int upper)
{
    if (!(target >= 0.0 && target <= 1.0) || !(a > 0.0L && b > 0.0L))
        return NAN;
    if (target == 0.0)
        return upper ? 1.0 : 0.0;
    if (target == 1.0)
        return upper ? 0.0 : 1.0;
    double lo = 0.0, hi = 1.0;
    /* Bisection halves the bracket until the midpoint stops moving: at most
     * ~1100 steps for subnormal answers, ~60 for ordinary ones. */
    for (int i = 0; i < 1200; i++) {
        double mid = lo + (hi - lo) / 2.0;
        if (mid <= lo || mid >= hi)
            break;
        double w, w1;
        vnfo__beta_inc2(&w, &w1, mid, 1.0 - mid, a, b);
        if (isnan(w))
            return NAN;
        if (upper ? w1 > target : w < target)
            lo = mid;
        else
            hi = mid;
        if (hi - lo <= 4e-16 * hi)
            break;
    }
    return lo + (hi - lo) / 2.0;
}

double vnfo__beta_quantile(double p, long double a, long double b)
{
    return beta_solve(p, a, b, 0);
}

double vnfo__beta_quantile_upper(double tail, long double a, long double b)
{
    return beta_solve(tail, a, b, 1);
}

double vnfo__t_quantile(double p, double nu)
{
    if (!(p > 0.0 && p < 1.0) || !(nu > 0.0))
        return NAN;
    if (p == 0.5)
        return 0.0;
    /* For t > 0: P(|T| > t) = I_{nu/(nu+t²)}(nu/2, 1/2)
     *                       = 1 - I_{t²/(nu+t²)}(1/2, nu/2).
     * Far tails solve the first form; near the centre the second, whose
     * argument |2p - 1| is exact, so small t keep their precision. */
    double two_tail = p < 0.5 ? 2.0 * p : 2.0 * (1.0 - p);
    double t;
    if (two_tail < 0.5) {
        double x = vnfo__beta_quantile(two_tail, nu / 2.0, 0.5);
        t = sqrt(nu * (1.0 - x) / x);
    } else {
        double y = vnfo__beta_quantile(fabs(2.0 * p - 1.0), 0.5, nu / 2.0);
        t = sqrt(nu * y / (1.0 - y));
    }
    if (isnan(t))
        return NAN;
    return p < 0.5 ? -t : t;
}

double vnfo__binom_cdf(long double k, long double n, double p)
{
    if (k < 0.0L)
        return 0.0;
    if (k >= n)
        return 1.0;
    if (p <= 0.0)
        return 1.0;
    if (p >= 1.0)
        return 0.0;
    /* P(X <= k) = 1 - I_p(k + 1, n - k), the complement computed directly:
     * passing 1 - p as an argument would lose a small p entirely. */
    double w, w1;
    vnfo__beta_inc2(&w, &w1, p, 1.0 - p, k + 1.0L, n - k);
    return w1;
}
