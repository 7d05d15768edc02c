/* Accumulators: creation, the per-value hot path and exact merges. */
#include <stdlib.h>
#include <string.h>

#include "account/account_internal.h"

vnfo_status vnfo_account_acc_options_init(vnfo_account_acc_options *out, unsigned version)
{
    static const vnfo_account_acc_options defaults = VNFO_ACCOUNT_ACC_OPTIONS_INIT;
    return vnfo__options_init(out, sizeof *out, &defaults,
                              version, VNFO_ACCOUNT_ACC_OPTIONS_VERSION, __func__);
}

vnfo_status vnfo__acc_alloc(vnfo_account_acc **out, uint32_t resource, uint32_t scope,
                            unsigned sketch_bits, uint64_t max_values, uint64_t cap)
{
    vnfo_account_acc *a = vnfo__calloc(1, sizeof *a);
    if (!a)
        return vnfo__error(VNFO_E_NO_MEMORY, "account accumulator: out of memory");
    a->resource = resource;
    a->scope = scope;
    a->sketch_bits = sketch_bits;
    a->max_values = max_values;
    a->min = UINT64_MAX;
    a->values_exact = 1;
    a->sorted = 1;
    a->counts = vnfo__calloc(vnfo__sketch_buckets(sketch_bits), sizeof *a->counts);
    if (cap > 0 && cap <= SIZE_MAX / sizeof(uint64_t))
        a->values = vnfo__malloc((size_t)cap * sizeof(uint64_t));
    if (!a->counts || (cap > 0 && !a->values)) {
        vnfo_account_acc_free(a);
        return vnfo__error(VNFO_E_NO_MEMORY, "account accumulator: out of memory");
    }
    a->cap = cap;
    *out = a;
    return VNFO_OK;
}

vnfo_status vnfo_account_acc_create(vnfo_account_acc **out, const vnfo_account_acc_options *opts)
{
    if (!out)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_account_acc_create: out is NULL");
    *out = NULL;
    vnfo_account_acc_options o = VNFO_ACCOUNT_ACC_OPTIONS_INIT;
    if (opts) {
        if (opts->version != VNFO_ACCOUNT_ACC_OPTIONS_VERSION)
            return vnfo__error(VNFO_E_STRUCT_VERSION,
                               "vnfo_account_acc_create: options version %u, expected %u",
                               opts->version, VNFO_ACCOUNT_ACC_OPTIONS_VERSION);
        o = *opts;
    }
    if (o.sketch_bits < VNFO_ACCOUNT_SKETCH_BITS_MIN || o.sketch_bits > VNFO_ACCOUNT_SKETCH_BITS_MAX)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_account_acc_create: sketch_bits %u outside [%d, %d]",
                           o.sketch_bits, VNFO_ACCOUNT_SKETCH_BITS_MIN,
                           VNFO_ACCOUNT_SKETCH_BITS_MAX);
    return vnfo__acc_alloc(out, o.resource, o.scope, o.sketch_bits, o.max_values, 0);
}

void vnfo_account_acc_free(vnfo_account_acc *acc)
{
    if (!acc)
        return;
    vnfo__free(acc->counts);
    vnfo__free(acc->values);
    vnfo__free(acc);
}

/* Makes room for one more kept value, or gives up exact mode when the cap
 * is reached.  Returns VNFO_E_NO_MEMORY without touching anything else. */
static vnfo_status keep_room(vnfo_account_acc *acc)
{
    if (acc->nvalues < acc->cap)
        return VNFO_OK;
    if (acc->nvalues >= acc->max_values) {
        vnfo__free(acc->values);
        acc->values = NULL;
        acc->nvalues = acc->cap = 0;
        acc->values_exact = 0;
        return VNFO_OK;
    }
    uint64_t cap = acc->cap ? acc->cap * 2 : 1024;
    if (cap > acc->max_values)
        cap = acc->max_values;
    if (cap > SIZE_MAX / sizeof(uint64_t))
        return VNFO_E_NO_MEMORY;
    uint64_t *v = vnfo__realloc(acc->values, (size_t)cap * sizeof *v);
    if (!v)
        return VNFO_E_NO_MEMORY;
    acc->values = v;
    acc->cap = cap;
    return VNFO_OK;
}

static inline vnfo_status add_one(vnfo_account_acc *acc, uint64_t x)
{
    if (VNFO_UNLIKELY(acc->n == UINT64_MAX))
        return VNFO_E_OVERFLOW;
    if (acc->values_exact) {
        if (VNFO_UNLIKELY(acc->nvalues == acc->cap)) {
            vnfo_status s = keep_room(acc);
            if (s != VNFO_OK)
                return s;
        }
        if (acc->values_exact) {
            if (acc->nvalues && x < acc->values[acc->nvalues - 1])
                acc->sorted = 0;
            acc->values[acc->nvalues++] = x;
        }
    }
    acc->n++;
    acc->units++;
    acc->s1 += x;
    vnfo__u128 sq = (vnfo__u128)x * x;
    acc->s2_lo += sq;
    acc->s2_hi += acc->s2_lo < sq;
    vnfo__add_cube(&acc->s3_lo, &acc->s3_hi, x, sq);
    if (x < acc->min)
        acc->min = x;
    if (x > acc->max)
        acc->max = x;
    acc->counts[vnfo__sketch_index(x, acc->sketch_bits)]++;
    return VNFO_OK;
}

vnfo_status vnfo_account_acc_add(vnfo_account_acc *acc, uint64_t value)
{
    if (!acc)
        return VNFO_E_INVALID_ARGUMENT;
    return add_one(acc, value);
}

vnfo_status vnfo_account_acc_add_many(vnfo_account_acc *acc, const uint64_t *values, size_t count)
{
    if (!acc || (!values && count))
        return VNFO_E_INVALID_ARGUMENT;
    for (size_t i = 0; i < count; i++) {
        vnfo_status s = add_one(acc, values[i]);
        if (VNFO_UNLIKELY(s != VNFO_OK))
            return s;
    }
    return VNFO_OK;
}

vnfo_status vnfo_account_acc_add_cluster(vnfo_account_acc *acc, const uint64_t *values,
                                        size_t count)
{
    if (!acc || (!values && count))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_account_acc_add_cluster: NULL argument");
    if (count == 0)
        return VNFO_OK;
    if (acc->n > UINT64_MAX - count)
        return vnfo__error(VNFO_E_OVERFLOW, "vnfo_account_acc_add_cluster: more than 2^64 - 1 values");
    long double y = 0.0L, sq = 0.0L, cube = 0.0L;
    for (size_t i = 0; i < count; i++) {
        vnfo_status s = add_one(acc, values[i]);
        if (s != VNFO_OK)
            return vnfo__error(s, "vnfo_account_acc_add_cluster: value %zu of %zu: %s", i, count,
                               vnfo_strerror(s));
        long double x = (long double)values[i];
        y += x;
        sq += x * x;
        cube += x * x * x;
    }
    /* count packets entered as count units above; they are one. */
    acc->units -= count - 1;
    long double m = (long double)count;
    acc->units_sq += m * m - m;
    acc->excess2 += y * y - sq;
    acc->excess3 += y * y * y - cube;
    return VNFO_OK;
}

uint64_t vnfo_account_acc_unit_count(const vnfo_account_acc *acc)
{
    return acc ? acc->units : 0;
}

void vnfo__acc_unit_sums(struct vnfo__unit_sums *out, const vnfo_account_acc *acc)
{
    out->units = (double)acc->units;
    out->s1 = vnfo__acc_sum_double(acc, 1);
    out->s2 = (double)((long double)vnfo__acc_sum_double(acc, 2) + acc->excess2);
    out->s3 = (double)((long double)vnfo__acc_sum_double(acc, 3) + acc->excess3);
    out->m2 = (double)((long double)acc->n + acc->units_sq);
}

static vnfo_status merge_mismatch(const vnfo_account_acc *d, const vnfo_account_acc *s)
{
    if (d->resource != s->resource)
        return vnfo__error(VNFO_E_ACCOUNT_MISMATCH, "vnfo_account_acc_merge: resource %u vs %u",
                           (unsigned)d->resource, (unsigned)s->resource);
    if (d->scope != s->scope)
        return vnfo__error(VNFO_E_ACCOUNT_MISMATCH, "vnfo_account_acc_merge: scope %u vs %u",
                           (unsigned)d->scope, (unsigned)s->scope);
    if (d->sketch_bits != s->sketch_bits)
        return vnfo__error(VNFO_E_ACCOUNT_MISMATCH, "vnfo_account_acc_merge: sketch_bits %u vs %u",
                           d->sketch_bits, s->sketch_bits);
    if (d->max_values != s->max_values)
        return vnfo__error(VNFO_E_ACCOUNT_MISMATCH,
                           "vnfo_account_acc_merge: max_values %llu vs %llu",
                           (unsigned long long)d->max_values, (unsigned long long)s->max_values);
    return VNFO_OK;
}

/* Exact adds with overflow detection, so hostile decoded shards cannot wrap. */
static int sums_add(vnfo_account_acc *d, const vnfo_account_acc *s)
{
    vnfo__u128 s1 = d->s1 + s->s1;
    if (s1 < d->s1)
        return 0;
    vnfo__u128 s2_lo = d->s2_lo + s->s2_lo;
    uint64_t carry = s2_lo < d->s2_lo, s2_hi;
    if (__builtin_add_overflow(d->s2_hi, s->s2_hi, &s2_hi) ||
        __builtin_add_overflow(s2_hi, carry, &s2_hi))
        return 0;
    vnfo__u128 s3_lo = d->s3_lo + s->s3_lo;
    vnfo__u128 s3_hi = d->s3_hi + s->s3_hi;
    if (s3_hi < d->s3_hi)
        return 0;
    vnfo__u128 c3 = s3_lo < d->s3_lo;
    if (s3_hi + c3 < s3_hi)
        return 0;
    d->s1 = s1;
    d->s2_lo = s2_lo;
    d->s2_hi = s2_hi;
    d->s3_lo = s3_lo;
    d->s3_hi = s3_hi + c3;
    return 1;
}

/* The kept values after the merge: concatenated while the total fits the
 * cap, released otherwise.  Allocates before anything changes. */
static vnfo_status merge_values(vnfo_account_acc *d, const vnfo_account_acc *s, uint64_t **keep)
{
    *keep = d->values;
    if (!d->values_exact || !s->values_exact || d->n + s->n > d->max_values)
        return VNFO_OK;
    uint64_t total = d->nvalues + s->nvalues;
    if (total <= d->cap || total == 0)
        return VNFO_OK;
    if (total > SIZE_MAX / sizeof(uint64_t))
        return vnfo__error(VNFO_E_NO_MEMORY, "vnfo_account_acc_merge: out of memory");
    uint64_t *v = vnfo__realloc(d->values, (size_t)total * sizeof *v);
    if (!v)
        return vnfo__error(VNFO_E_NO_MEMORY, "vnfo_account_acc_merge: out of memory");
    *keep = v;
    d->values = v;
    d->cap = total;
    return VNFO_OK;
}

vnfo_status vnfo_account_acc_merge(vnfo_account_acc *dst, const vnfo_account_acc *src)
{
    if (!dst || !src || dst == src)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_account_acc_merge: NULL or identical accumulators");
    vnfo_status st = merge_mismatch(dst, src);
    if (st != VNFO_OK)
        return st;
    if (dst->n > UINT64_MAX - src->n)
        return vnfo__error(VNFO_E_OVERFLOW, "vnfo_account_acc_merge: more than 2^64 - 1 values");
    vnfo_account_acc trial = *dst;
    if (!sums_add(&trial, src))
        return vnfo__error(VNFO_E_OVERFLOW, "vnfo_account_acc_merge: exact sums overflow");
    uint64_t *keep;
    st = merge_values(dst, src, &keep);
    if (st != VNFO_OK)
        return st;
    dst->s1 = trial.s1;
    dst->s2_lo = trial.s2_lo;
    dst->s2_hi = trial.s2_hi;
    dst->s3_lo = trial.s3_lo;
    dst->s3_hi = trial.s3_hi;
    if (dst->values_exact && src->values_exact && dst->n + src->n <= dst->max_values) {
        if (src->nvalues)
            memcpy(keep + dst->nvalues, src->values, (size_t)src->nvalues * sizeof *keep);
        dst->nvalues += src->nvalues;
        dst->sorted = dst->sorted && src->nvalues == 0;
    } else if (dst->values_exact) {
        vnfo__free(dst->values);
        dst->values = NULL;
        dst->nvalues = dst->cap = 0;
        dst->values_exact = 0;
    }
    dst->n += src->n;
    dst->units += src->units;
    dst->units_sq += src->units_sq;
    dst->excess2 += src->excess2;
    dst->excess3 += src->excess3;
    if (src->n) {
        if (src->min < dst->min)
            dst->min = src->min;
        if (src->max > dst->max)
            dst->max = src->max;
        /* Only the buckets between min and max can be non-zero. */
        size_t lo = vnfo__sketch_index(src->min, src->sketch_bits);
        size_t hi = vnfo__sketch_index(src->max, src->sketch_bits);
        for (size_t i = lo; i <= hi; i++)
            dst->counts[i] += src->counts[i];
    }
    return VNFO_OK;
}

uint64_t vnfo_account_acc_count(const vnfo_account_acc *acc)
{
    return acc ? acc->n : 0;
}

uint64_t vnfo_account_acc_min(const vnfo_account_acc *acc)
{
    return acc && acc->n ? acc->min : 0;
}

uint64_t vnfo_account_acc_max(const vnfo_account_acc *acc)
{
    return acc && acc->n ? acc->max : 0;
}

uint32_t vnfo_account_acc_resource(const vnfo_account_acc *acc)
{
    return acc ? acc->resource : 0;
}

uint32_t vnfo_account_acc_scope(const vnfo_account_acc *acc)
{
    return acc ? acc->scope : 0;
}

int vnfo_account_acc_values_exact(const vnfo_account_acc *acc)
{
    return acc ? acc->values_exact : 0;
}

double vnfo_account_acc_sketch_error(const vnfo_account_acc *acc)
{
    if (!acc)
        return __builtin_nan("");
    return 1.0 / (double)((uint64_t)1 << (acc->sketch_bits + 1));
}

void vnfo__acc_sort(vnfo_account_acc *acc)
{
    if (acc->values_exact && !acc->sorted && acc->nvalues > 1)
        vnfo__sort_u64(acc->values, (size_t)acc->nvalues);
    acc->sorted = 1;
}

double vnfo__acc_rank_value(vnfo_account_acc *acc, uint64_t r)
{
    if (acc->values_exact) {
        vnfo__acc_sort(acc);
        return (double)acc->values[r - 1];
    }
    return vnfo__sketch_rank_value(acc, r);
}
