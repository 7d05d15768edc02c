/* Serialised accumulators, for shipping shards between machines.  Layout
 * (all integers little-endian; docs/accounting.md, "Serialised form"):
 *
 *   0   4  magic "VNFA"
 *   4   1  format version (1)
 *   5   1  sketch_bits k
 *   6   1  flags: bit 0 = values kept (exact mode); other bits 0
 *   7   1  reserved, 0
 *   8   4  resource
 *   12  4  scope
 *   16  8  max_values
 *   24  8  n
 *   32  8  min   (2^64 - 1 when n = 0)
 *   40  8  max   (0 when n = 0)
 *   48  16 Σx
 *   64  24 Σx²
 *   88  32 Σx³
 *   120 8  number of kept values v (n when bit 0 is set, else 0)
 *   128    sketch counts of buckets index(min)..index(max), 8 bytes each
 *          (none when n = 0), then the v kept values, ascending.
 *
 * Everything derivable is cross-checked on decoding, so a shard cannot
 * claim counts, sums or values that contradict each other. */
#include <string.h>

#include "account/account_internal.h"

#define HEADER_BYTES 128
static const uint8_t MAGIC[4] = {'V', 'N', 'F', 'A'};

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static void put_u128(uint8_t *p, vnfo__u128 v)
{
    put_u64(p, (uint64_t)v);
    put_u64(p + 8, (uint64_t)(v >> 64));
}

static vnfo__u128 get_u128(const uint8_t *p)
{
    return ((vnfo__u128)get_u64(p + 8) << 64) | get_u64(p);
}

static size_t bucket_span(const vnfo_account_acc *a)
{
    if (!a->n)
        return 0;
    return vnfo__sketch_index(a->max, a->sketch_bits) - vnfo__sketch_index(a->min, a->sketch_bits) + 1;
}

vnfo_status vnfo_account_acc_serialized_size(size_t *out, const vnfo_account_acc *acc)
{
    if (!out || !acc)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_account_acc_serialized_size: NULL argument");
    /* nvalues <= max_values fits memory already, so this cannot overflow. */
    *out = HEADER_BYTES + 8 * bucket_span(acc) + 8 * (size_t)acc->nvalues;
    return VNFO_OK;
}

vnfo_status vnfo_account_acc_serialize(uint8_t *out, size_t size, size_t *written,
                                       vnfo_account_acc *acc)
{
    if (!out || !written || !acc)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_account_acc_serialize: NULL argument");
    if (acc->units != acc->n)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_account_acc_serialize: %llu values in %llu clusters: format %d "
                           "carries per-packet sums only",
                           (unsigned long long)acc->n, (unsigned long long)acc->units,
                           VNFO_ACCOUNT_FORMAT_VERSION);
    size_t need;
    vnfo_account_acc_serialized_size(&need, acc);
    *written = need;
    if (size < need)
        return vnfo__error(VNFO_E_BUFFER_TOO_SMALL,
                           "vnfo_account_acc_serialize: needs %zu bytes, got %zu", need, size);
    vnfo__acc_sort(acc);
    memset(out, 0, HEADER_BYTES);
    memcpy(out, MAGIC, 4);
    out[4] = VNFO_ACCOUNT_FORMAT_VERSION;
    out[5] = (uint8_t)acc->sketch_bits;
    out[6] = acc->values_exact ? 1 : 0;
    put_u64(out + 8, (uint64_t)acc->resource | ((uint64_t)acc->scope << 32));
    put_u64(out + 16, acc->max_values);
    put_u64(out + 24, acc->n);
    put_u64(out + 32, acc->min);
    put_u64(out + 40, acc->max);
    put_u128(out + 48, acc->s1);
    put_u128(out + 64, acc->s2_lo);
    put_u64(out + 80, acc->s2_hi);
    put_u128(out + 88, acc->s3_lo);
    put_u128(out + 104, acc->s3_hi);
    put_u64(out + 120, acc->nvalues);
    uint8_t *p = out + HEADER_BYTES;
    size_t span = bucket_span(acc);
    size_t first = acc->n ? vnfo__sketch_index(acc->min, acc->sketch_bits) : 0;
    for (size_t i = 0; i < span; i++, p += 8)
        put_u64(p, acc->counts[first + i]);
    for (uint64_t i = 0; i < acc->nvalues; i++, p += 8)
        put_u64(p, acc->values[i]);
    return VNFO_OK;
}

static vnfo_status bad(size_t offset, const char *what)
{
    return vnfo__error(VNFO_E_ACCOUNT_FORMAT, "serialised accumulator: byte %zu: %s", offset, what);
}

/* The fixed header: magic, version, configuration, n, min, max, sums. */
static vnfo_status decode_header(vnfo_account_acc *h, uint64_t *nvalues, int *exact,
                                 const uint8_t *d, size_t len)
{
    if (len < HEADER_BYTES)
        return vnfo__error(VNFO_E_ACCOUNT_FORMAT,
                           "serialised accumulator: %zu bytes, shorter than the %d-byte header",
                           len, HEADER_BYTES);
    if (memcmp(d, MAGIC, 4) != 0)
        return bad(0, "not an accumulator (magic is not \"VNFA\")");
    if (d[4] != VNFO_ACCOUNT_FORMAT_VERSION)
        return vnfo__error(d[4] > VNFO_ACCOUNT_FORMAT_VERSION ? VNFO_E_UNSUPPORTED_VERSION
                                                              : VNFO_E_ACCOUNT_FORMAT,
                           "serialised accumulator: byte 4: format version %u, this library reads %d",
                           d[4], VNFO_ACCOUNT_FORMAT_VERSION);
    if (d[5] < VNFO_ACCOUNT_SKETCH_BITS_MIN || d[5] > VNFO_ACCOUNT_SKETCH_BITS_MAX)
        return bad(5, "sketch_bits out of range");
    if (d[6] > 1 || d[7] != 0)
        return bad(d[6] > 1 ? 6 : 7, "unknown flags or non-zero reserved byte");
    memset(h, 0, sizeof *h);
    h->sketch_bits = d[5];
    *exact = d[6];
    uint64_t ids = get_u64(d + 8);
    h->resource = (uint32_t)ids;
    h->scope = (uint32_t)(ids >> 32);
    h->max_values = get_u64(d + 16);
    h->n = get_u64(d + 24);
    h->min = get_u64(d + 32);
    h->max = get_u64(d + 40);
    h->s1 = get_u128(d + 48);
    h->s2_lo = get_u128(d + 64);
    h->s2_hi = get_u64(d + 80);
    h->s3_lo = get_u128(d + 88);
    h->s3_hi = get_u128(d + 104);
    *nvalues = get_u64(d + 120);
    if (h->n == 0 && (h->min != UINT64_MAX || h->max != 0 || h->s1 || h->s2_lo || h->s2_hi ||
                      h->s3_lo || h->s3_hi))
        return bad(24, "n = 0 with non-empty min, max or sums");
    if (h->n && h->min > h->max)
        return bad(32, "min above max");
    if (*nvalues != (*exact ? h->n : 0))
        return bad(120, "kept-value count differs from n (exact mode) or is not 0");
    /* Exact mode holds exactly while n <= max_values (adds and merges keep
     * this invariant), so the flag is not free to choose. */
    if (*exact != (h->n <= h->max_values))
        return bad(6, "exact-mode flag contradicts n and max_values");
    const char *why;
    if (vnfo__acc_sums_plausible(h, &why) != VNFO_OK)
        return vnfo__error(VNFO_E_NO_MEMORY, "serialised accumulator: out of memory");
    if (why)
        return bad(48, why);
    return VNFO_OK;
}

static vnfo_status decode_buckets(vnfo_account_acc *a, const uint8_t *d, size_t span, size_t first)
{
    uint64_t total = 0;
    for (size_t i = 0; i < span; i++) {
        uint64_t c = get_u64(d + 8 * i);
        if (c > a->n - total)
            return bad(HEADER_BYTES + 8 * i, "bucket counts add up to more than n");
        total += c;
        a->counts[first + i] = c;
    }
    if (total != a->n)
        return bad(HEADER_BYTES, "bucket counts do not add up to n");
    if (span && (a->counts[first] == 0 || a->counts[first + span - 1] == 0))
        return bad(HEADER_BYTES, "the buckets of min and max are empty");
    return VNFO_OK;
}

/* Kept values: ascending, within [min, max], each in a non-empty bucket, and
 * summing exactly to Σx and Σx² (recomputed by re-adding them). */
static vnfo_status decode_values(vnfo_account_acc *a, const uint8_t *d, size_t offset, uint64_t nv)
{
    vnfo_account_acc check = {.min = UINT64_MAX, .sketch_bits = a->sketch_bits};
    size_t bucket = SIZE_MAX;
    uint64_t in_bucket = 0;
    for (uint64_t i = 0; i < nv; i++) {
        uint64_t v = get_u64(d + 8 * i);
        size_t at = offset + 8 * (size_t)i;
        if (v < a->min || v > a->max || (i && v < a->values[i - 1]))
            return bad(at, "kept value out of order or outside [min, max]");
        a->values[i] = v;
        check.s1 += v;
        vnfo__u128 sq = (vnfo__u128)v * v;
        check.s2_lo += sq;
        check.s2_hi += check.s2_lo < sq;
        vnfo__add_cube(&check.s3_lo, &check.s3_hi, v, sq);
        /* Sorted values visit the buckets in order: compare each run. */
        size_t b = vnfo__sketch_index(v, a->sketch_bits);
        if (b != bucket) {
            if (bucket != SIZE_MAX && a->counts[bucket] != in_bucket)
                return bad(at, "sketch counts disagree with the kept values");
            bucket = b;
            in_bucket = 0;
        }
        in_bucket++;
    }
    if (nv && a->counts[bucket] != in_bucket)
        return bad(offset, "sketch counts disagree with the kept values");
    if (nv && (check.s1 != a->s1 || check.s2_lo != a->s2_lo || check.s2_hi != a->s2_hi ||
               check.s3_lo != a->s3_lo || check.s3_hi != a->s3_hi))
        return bad(offset, "kept values do not add up to the sums");
    if (nv && (a->values[0] != a->min || a->values[nv - 1] != a->max))
        return bad(offset, "kept values do not reach min and max");
    a->nvalues = nv;
    a->sorted = 1;
    return VNFO_OK;
}

vnfo_status vnfo_account_acc_deserialize(vnfo_account_acc **out, const uint8_t *data, size_t len)
{
    if (!out || (!data && len))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_account_acc_deserialize: NULL argument");
    *out = NULL;
    vnfo_account_acc h;
    uint64_t nv = 0;
    int exact = 0;
    vnfo_status s = decode_header(&h, &nv, &exact, data, len);
    if (s != VNFO_OK)
        return s;
    size_t span = bucket_span(&h);
    size_t first = h.n ? vnfo__sketch_index(h.min, h.sketch_bits) : 0;
    size_t rest = len - HEADER_BYTES;
    if (rest / 8 < span || (rest - 8 * span) / 8 != nv || (rest - 8 * span) % 8 != 0)
        return vnfo__error(VNFO_E_ACCOUNT_FORMAT,
                           "serialised accumulator: %zu bytes, expected %d + 8 * (%zu buckets + "
                           "%llu values)",
                           len, HEADER_BYTES, span, (unsigned long long)nv);
    vnfo_account_acc *a;
    s = vnfo__acc_alloc(&a, h.resource, h.scope, h.sketch_bits, h.max_values, nv);
    if (s != VNFO_OK)
        return s;
    uint64_t *counts = a->counts, *values = a->values;
    uint64_t cap = a->cap;
    *a = h;
    a->counts = counts;
    a->values = values;
    a->cap = cap;
    a->values_exact = exact;
    a->units = a->n; /* format 1: every value its own unit */
    a->units_sq = a->excess2 = a->excess3 = 0.0L;
    s = decode_buckets(a, data + HEADER_BYTES, span, first);
    if (s == VNFO_OK)
        s = decode_values(a, data + HEADER_BYTES + 8 * span, HEADER_BYTES + 8 * span, nv);
    if (s != VNFO_OK) {
        vnfo_account_acc_free(a);
        return s;
    }
    *out = a;
    return VNFO_OK;
}
