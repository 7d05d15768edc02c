/* Exact big-integer arithmetic on the sums (libtommath): decimal text,
 * doubles rounded once, exact variance and skewness numerators, and the
 * division-free comparison of a bill with the Horvitz-Thompson estimate. */
#include <math.h>
#include <tommath.h>

#include "account/account_internal.h"

static mp_err set_u128(mp_int *a, vnfo__u128 v)
{
    mp_int lo;
    mp_err e = mp_init_u64(&lo, (uint64_t)v);
    if (e != MP_OKAY)
        return e;
    mp_set_u64(a, (uint64_t)(v >> 64));
    e = mp_mul_2d(a, 64, a);
    if (e == MP_OKAY)
        e = mp_add(a, &lo, a);
    mp_clear(&lo);
    return e;
}

/* a = hi·2^128 + lo */
static mp_err set_wide(mp_int *a, vnfo__u128 hi, vnfo__u128 lo)
{
    mp_int t;
    mp_err e = mp_init(&t);
    if (e != MP_OKAY)
        return e;
    e = set_u128(a, hi);
    if (e == MP_OKAY)
        e = mp_mul_2d(a, 128, a);
    if (e == MP_OKAY)
        e = set_u128(&t, lo);
    if (e == MP_OKAY)
        e = mp_add(a, &t, a);
    mp_clear(&t);
    return e;
}

static mp_err acc_sum(mp_int *out, const vnfo_account_acc *acc, unsigned power)
{
    switch (power) {
    case 1:
        return set_u128(out, acc->s1);
    case 2:
        return set_wide(out, acc->s2_hi, acc->s2_lo);
    default:
        return set_wide(out, acc->s3_hi, acc->s3_lo);
    }
}

static vnfo_status mp_status(mp_err e, const char *where)
{
    if (e == MP_OKAY)
        return VNFO_OK;
    return vnfo__error(e == MP_MEM ? VNFO_E_NO_MEMORY : VNFO_E_OVERFLOW, "%s: big-integer error %d",
                       where, (int)e);
}

vnfo_status vnfo_account_acc_sum_text(char *out, size_t size, const vnfo_account_acc *acc,
                                      unsigned power)
{
    if (!out || !acc || power < 1 || power > 3)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_account_acc_sum_text: NULL argument or power %u not 1-3", power);
    mp_int s;
    mp_err e = mp_init(&s);
    if (e == MP_OKAY)
        e = acc_sum(&s, acc, power);
    int need = 0;
    if (e == MP_OKAY)
        e = mp_radix_size(&s, 10, &need);
    if (e == MP_OKAY && (size_t)need > size) {
        mp_clear(&s);
        return vnfo__error(VNFO_E_BUFFER_TOO_SMALL,
                           "vnfo_account_acc_sum_text: needs %d bytes, got %zu", need, size);
    }
    size_t written = 0;
    if (e == MP_OKAY)
        e = mp_to_radix(&s, out, size, &written, 10);
    mp_clear(&s);
    return mp_status(e, "vnfo_account_acc_sum_text");
}

double vnfo__acc_sum_double(const vnfo_account_acc *acc, unsigned power)
{
    /* High words carry the magnitude, low words refine it: within 2 ulp. */
    const double two64 = 18446744073709551616.0;
    const double two128 = two64 * two64;
    switch (power) {
    case 1:
        return (double)acc->s1;
    case 2:
        return (double)acc->s2_hi * two128 + (double)acc->s2_lo;
    default:
        return (double)acc->s3_hi * two128 + (double)acc->s3_lo;
    }
}

/* n·Σx² - (Σx)² into v (exact, >= 0 by Cauchy-Schwarz). */
static mp_err spread_mp(mp_int *v, const vnfo_account_acc *acc)
{
    mp_int s1, t;
    mp_err e = mp_init_multi(&s1, &t, NULL);
    if (e != MP_OKAY)
        return e;
    e = acc_sum(v, acc, 2);
    if (e == MP_OKAY)
        mp_set_u64(&t, acc->n);
    if (e == MP_OKAY)
        e = mp_mul(v, &t, v);
    if (e == MP_OKAY)
        e = acc_sum(&s1, acc, 1);
    if (e == MP_OKAY)
        e = mp_sqr(&s1, &t);
    if (e == MP_OKAY)
        e = mp_sub(v, &t, v);
    mp_clear_multi(&s1, &t, NULL);
    return e;
}

vnfo_status vnfo__acc_spread(double *out, const vnfo_account_acc *acc)
{
    mp_int v;
    mp_err e = mp_init(&v);
    if (e == MP_OKAY)
        e = spread_mp(&v, acc);
    *out = e == MP_OKAY ? mp_get_double(&v) : NAN;
    mp_clear(&v);
    return mp_status(e, "account variance");
}

/* n²·Σx³ - 3n·Σx·Σx² + 2(Σx)³ = n³·m3, exact. */
static mp_err third_moment_mp(mp_int *a, const vnfo_account_acc *acc)
{
    mp_int s1, s2, n, t;
    mp_err e = mp_init_multi(&s1, &s2, &n, &t, NULL);
    if (e != MP_OKAY)
        return e;
    mp_set_u64(&n, acc->n);
    e = acc_sum(&s1, acc, 1);
    if (e == MP_OKAY)
        e = acc_sum(&s2, acc, 2);
    if (e == MP_OKAY)
        e = acc_sum(a, acc, 3); /* a = n²Σx³ */
    if (e == MP_OKAY)
        e = mp_mul(a, &n, a);
    if (e == MP_OKAY)
        e = mp_mul(a, &n, a);
    if (e == MP_OKAY)
        e = mp_mul(&s1, &s2, &t); /* t = 3n·Σx·Σx² */
    if (e == MP_OKAY)
        e = mp_mul(&t, &n, &t);
    if (e == MP_OKAY)
        e = mp_mul_d(&t, 3, &t);
    if (e == MP_OKAY)
        e = mp_sub(a, &t, a);
    if (e == MP_OKAY)
        e = mp_expt_u32(&s1, 3, &t); /* + 2(Σx)³ */
    if (e == MP_OKAY)
        e = mp_mul_2(&t, &t);
    if (e == MP_OKAY)
        e = mp_add(a, &t, a);
    mp_clear_multi(&s1, &s2, &n, &t, NULL);
    return e;
}

vnfo_status vnfo__acc_skewness(double *out, const vnfo_account_acc *acc)
{
    *out = NAN;
    if (acc->n < 3)
        return VNFO_OK;
    mp_int a, b;
    mp_err e = mp_init_multi(&a, &b, NULL);
    if (e != MP_OKAY)
        return mp_status(e, "account skewness");
    e = third_moment_mp(&a, acc);
    if (e == MP_OKAY)
        e = spread_mp(&b, acc);
    if (e == MP_OKAY && !mp_iszero(&b)) {
        /* g1 = m3 / m2^1.5 = (n³m3) / (n²m2)^1.5; G1 adjusts for n. */
        double num = mp_get_double(&a), den = mp_get_double(&b);
        double g1 = num / (den * sqrt(den));
        double n = (double)acc->n;
        *out = g1 * sqrt(n * (n - 1.0)) / (n - 2.0);
    }
    mp_clear_multi(&a, &b, NULL);
    return mp_status(e, "account skewness");
}

vnfo_status vnfo__acc_compare_scaled(int *out, const vnfo_account_acc *acc, uint64_t billed,
                                     vnfo_rational p)
{
    mp_int lhs, rhs, t;
    mp_err e = mp_init_multi(&lhs, &rhs, &t, NULL);
    if (e != MP_OKAY)
        return mp_status(e, "account comparison");
    mp_set_u64(&lhs, billed); /* billed·num */
    mp_set_u64(&t, p.num);
    e = mp_mul(&lhs, &t, &lhs);
    if (e == MP_OKAY)
        e = acc_sum(&rhs, acc, 1); /* Σx·den, den 0 meaning 2^64 */
    if (e == MP_OKAY) {
        if (p.den == 0) {
            e = mp_mul_2d(&rhs, 64, &rhs);
        } else {
            mp_set_u64(&t, p.den);
            e = mp_mul(&rhs, &t, &rhs);
        }
    }
    if (e == MP_OKAY) {
        mp_ord o = mp_cmp(&lhs, &rhs);
        *out = o == MP_GT ? 1 : o == MP_LT ? -1 : 0;
    }
    mp_clear_multi(&lhs, &rhs, &t, NULL);
    return mp_status(e, "account comparison");
}

/* n·min <= Σx <= n·max and (Σx)² <= n·Σx² <= n·max·Σx: a decoded shard
 * whose sums break these was tampered with or corrupted. */
vnfo_status vnfo__acc_sums_plausible(const vnfo_account_acc *acc, const char **why)
{
    *why = NULL;
    mp_int s1, s2, t, v;
    mp_err e = mp_init_multi(&s1, &s2, &t, &v, NULL);
    if (e != MP_OKAY)
        return VNFO_E_NO_MEMORY;
    mp_set_u64(&t, acc->n);
    uint64_t lo_min = acc->n ? acc->min : 0;
    e = acc_sum(&s1, acc, 1);
    if (e == MP_OKAY)
        e = acc_sum(&s2, acc, 2);
    if (e == MP_OKAY) {
        mp_set_u64(&v, lo_min);
        e = mp_mul(&v, &t, &v);
    }
    if (e == MP_OKAY && mp_cmp(&s1, &v) == MP_LT)
        *why = "sum below n times min";
    if (e == MP_OKAY && !*why) {
        mp_set_u64(&v, acc->max);
        e = mp_mul(&v, &t, &v);
        if (e == MP_OKAY && mp_cmp(&s1, &v) == MP_GT)
            *why = "sum above n times max";
    }
    if (e == MP_OKAY && !*why) {
        e = spread_mp(&v, acc);
        if (e == MP_OKAY && mp_isneg(&v))
            *why = "sum of squares below (sum)^2 / n";
    }
    if (e == MP_OKAY && !*why) {
        mp_set_u64(&v, acc->max); /* Σx² <= max·Σx */
        e = mp_mul(&v, &s1, &v);
        if (e == MP_OKAY && mp_cmp(&s2, &v) == MP_GT)
            *why = "sum of squares above max times sum";
    }
    mp_clear_multi(&s1, &s2, &t, &v, NULL);
    return e == MP_OKAY ? VNFO_OK : VNFO_E_NO_MEMORY;
}
