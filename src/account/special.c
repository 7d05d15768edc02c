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

double vnfo__log_beta(double a, double b)
{
    return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/* The continued fraction of I_x(a, b) without its prefactor. */
static double beta_cf(double x, double a, double b)
{
    const double tiny = 1e-300, eps = 1e-16;
    double m_max = 1000.0 + 20.0 * sqrt(a < b ? b : a);
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    for (double m = 1.0; m <= m_max; m += 1.0) {
        double m2 = 2.0 * m;
        /* even step d_{2m} */
        double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 + num * d;
        c = 1.0 + num / c;
        d = fabs(d) < tiny ? 1.0 / tiny : 1.0 / d;
        if (fabs(c) < tiny)
            c = tiny;
        h *= d * c;
        /* odd step d_{2m+1} */
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 + num * d;
        c = 1.0 + num / c;
        d = fabs(d) < tiny ? 1.0 / tiny : 1.0 / d;
        if (fabs(c) < tiny)
            c = tiny;
        double delta = d * c;
        h *= delta;
        if (fabs(delta - 1.0) < eps)
            return h;
    }
    return NAN;
}

double vnfo__beta_inc(double x, double a, double b)
{
    if (!(a > 0.0 && b > 0.0) || isnan(x))
        return NAN;
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    double log_front = a * log(x) + b * log1p(-x) - vnfo__log_beta(a, b);
    if (x < (a + 1.0) / (a + b + 2.0))
        return exp(log_front) * beta_cf(x, a, b) / a;
    return 1.0 - exp(log_front) * beta_cf(1.0 - x, b, a) / b;
}

double vnfo__beta_quantile(double p, double a, double b)
{
    if (!(p >= 0.0 && p <= 1.0) || !(a > 0.0 && b > 0.0))
        return NAN;
    if (p == 0.0)
        return 0.0;
    if (p == 1.0)
        return 1.0;
    double lo = 0.0, hi = 1.0;
    /* Bisection halves the bracket until the midpoint stops moving: at most
     * ~1100 steps for subnormal answers, ~60 for ordinary ones. */
    for (int i = 0; i < 1200; i++) {
        double mid = lo + (hi - lo) / 2.0;
        if (mid <= lo || mid >= hi)
            break;
        double v = vnfo__beta_inc(mid, a, b);
        if (isnan(v))
            return NAN;
        if (v < p)
            lo = mid;
        else
            hi = mid;
        if (hi - lo <= 4e-16 * hi)
            break;
    }
    return lo + (hi - lo) / 2.0;
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

double vnfo__binom_cdf(double k, double n, double p)
{
    if (k < 0.0)
        return 0.0;
    if (k >= n)
        return 1.0;
    if (p <= 0.0)
        return 1.0;
    if (p >= 1.0)
        return 0.0;
    /* P(X <= k) = I_{1-p}(n - k, k + 1). */
    return vnfo__beta_inc(1.0 - p, n - k, k + 1.0);
}
