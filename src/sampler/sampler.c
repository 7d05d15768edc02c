/* Sampler configuration: options, ranges, exact probabilities, key epochs. */
#include <sodium.h>
#include <string.h>

#include "sampler_internal.h"
#include "internal.h"

vnfo_status vnfo_sampler_options_init(vnfo_sampler_options *out, unsigned version)
{
    static const vnfo_sampler_options defaults = VNFO_SAMPLER_OPTIONS_INIT;
    return vnfo__options_init(out, sizeof *out, &defaults,
                              version, VNFO_SAMPLER_OPTIONS_VERSION, __func__);
}

static uint64_t load_le64(const uint8_t *p)
{
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--)
        x = x << 8 | p[i];
    return x;
}

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)load_le64((const uint8_t[8]){p[0], p[1], p[2], p[3], 0, 0, 0, 0});
}

static void derive_one(struct sampler_key *k, const uint8_t *master, uint64_t epoch, const char *ctx)
{
    crypto_kdf_derive_from_key(k->sip, sizeof k->sip, epoch, ctx, master);
    k->seed = load_le64(k->sip);
    k->bob[0] = load_le32(k->sip);
    k->bob[1] = load_le32(k->sip + 4);
}

void vnfo__sampler_derive(struct vnfo_sampler *s)
{
    derive_one(&s->select, s->master, s->epoch, SAMPLER_KDF_SELECT);
    derive_one(&s->label, s->master, s->epoch, SAMPLER_KDF_LABEL);
    if (s->hash == VNFO_SAMPLER_HASH_BOB && (s->flags & VNFO_SAMPLER_BOB_FIXED_INITVAL))
        s->select.bob[0] = s->bob_initval;
}

/* ---- ranges and probabilities ---------------------------------------------- */

/* The range [0, floor(2^bits * num / den) - 1] of a rate. */
static vnfo_status rate_range(vnfo_sampler_range *out, vnfo_rational rate, unsigned bits)
{
    unsigned __int128 den = rate.den ? rate.den : (unsigned __int128)1 << 64;
    if (rate.num == 0 || (unsigned __int128)rate.num > den)
        return vnfo__error(VNFO_E_SAMPLER_RATE,
                           "sampler: rate %llu/%llu%s is not in (0, 1]", (unsigned long long)rate.num,
                           (unsigned long long)rate.den, rate.den ? "" : " (2^64)");
    unsigned __int128 width = ((unsigned __int128)rate.num << bits) / den;
    if (width == 0)
        return vnfo__error(VNFO_E_SAMPLER_RATE,
                           "sampler: rate %llu/%llu selects no value of the %u-bit hash space",
                           (unsigned long long)rate.num, (unsigned long long)rate.den, bits);
    out->lo = 0;
    out->hi = (uint64_t)(width - 1);
    return VNFO_OK;
}

static int range_cmp(const void *a, const void *b)
{
    const vnfo_sampler_range *x = a, *y = b;
    return (x->lo > y->lo) - (x->lo < y->lo);
}

static vnfo_status set_ranges(struct vnfo_sampler *s, const vnfo_sampler_options *o)
{
    unsigned bits = sampler_hash_bits(s->hash);
    if (o->nranges == 0) {
        s->nranges = 1;
        return rate_range(&s->ranges[0], o->rate, bits);
    }
    if (!o->ranges || o->nranges > VNFO_SAMPLER_MAX_RANGES)
        return vnfo__error(VNFO_E_SAMPLER_RANGES, "sampler: %zu ranges; between 1 and %d expected",
                           o->nranges, VNFO_SAMPLER_MAX_RANGES);
    uint64_t max = bits == 64 ? UINT64_MAX : UINT32_MAX;
    memcpy(s->ranges, o->ranges, o->nranges * sizeof *o->ranges);
    s->nranges = (uint32_t)o->nranges;
    for (size_t i = 0; i < o->nranges; i++)
        if (o->ranges[i].lo > o->ranges[i].hi || o->ranges[i].hi > max)
            return vnfo__error(VNFO_E_SAMPLER_RANGES,
                               "sampler: ranges[%zu] 0x%llx-0x%llx is inverted or leaves the %u-bit "
                               "hash space", i, (unsigned long long)o->ranges[i].lo,
                               (unsigned long long)o->ranges[i].hi, bits);
    vnfo__sort(s->ranges, s->nranges, sizeof s->ranges[0], range_cmp);
    for (uint32_t i = 1; i < s->nranges; i++)
        if (s->ranges[i].lo <= s->ranges[i - 1].hi)
            return vnfo__error(VNFO_E_SAMPLER_RANGES,
                               "sampler: ranges 0x%llx-0x%llx and 0x%llx-0x%llx overlap",
                               (unsigned long long)s->ranges[i - 1].lo,
                               (unsigned long long)s->ranges[i - 1].hi,
                               (unsigned long long)s->ranges[i].lo, (unsigned long long)s->ranges[i].hi);
    return VNFO_OK;
}

/* Selected values / 2^bits, reduced; the denominator 2^64 is written 0. */
static vnfo_rational realised_probability(const struct vnfo_sampler *s)
{
    unsigned __int128 num = 0;
    for (uint32_t i = 0; i < s->nranges; i++)
        num += (unsigned __int128)(s->ranges[i].hi - s->ranges[i].lo) + 1;
    unsigned bits = sampler_hash_bits(s->hash);
    while (bits > 0 && !(num & 1)) {
        num >>= 1;
        bits--;
    }
    vnfo_rational r;
    r.num = (uint64_t)num;
    r.den = bits == 64 ? 0 : (uint64_t)1 << bits;
    return r;
}

/* ---- create, rekey, free --------------------------------------------------- */

static vnfo_status check_options(const vnfo_sampler_options *o)
{
    if (o->version != VNFO_SAMPLER_OPTIONS_VERSION)
        return vnfo__error(VNFO_E_STRUCT_VERSION, "sampler options: version %u, expected %u",
                           o->version, VNFO_SAMPLER_OPTIONS_VERSION);
    if (o->hash < VNFO_SAMPLER_HASH_XXH3 || o->hash > VNFO_SAMPLER_HASH_BOB)
        return vnfo__error(VNFO_E_SAMPLER_HASH_UNKNOWN, "sampler options: unknown hash %u", o->hash);
    if (o->flags & ~VNFO_SAMPLER_BOB_FIXED_INITVAL)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "sampler options: unknown flags 0x%x", o->flags);
    return vnfo_packet_fields_check(&o->fields);
}

vnfo_status vnfo_sampler_create(vnfo_sampler **out, const vnfo_sampler_options *opts,
                                const uint8_t *master_key, size_t key_len)
{
    if (!out)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_sampler_create: out is NULL");
    *out = NULL;
    if (!opts || !master_key)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_sampler_create: NULL argument");
    if (key_len != VNFO_SAMPLER_KEY_BYTES)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_sampler_create: key of %zu bytes, expected %d",
                           key_len, VNFO_SAMPLER_KEY_BYTES);
    if (!vnfo__initialized())
        return vnfo__error(VNFO_E_NOT_INITIALIZED, "vnfo_sampler_create: call vnfo_init() first");
    vnfo_status st = check_options(opts);
    if (st != VNFO_OK)
        return st;
    struct vnfo_sampler *s = vnfo__calloc(1, sizeof *s);
    if (!s)
        return vnfo__error(VNFO_E_NO_MEMORY, "vnfo_sampler_create: out of memory");
    s->hash = opts->hash;
    s->fields = opts->fields;
    s->epoch = opts->epoch;
    s->flags = opts->flags;
    s->bob_initval = opts->bob_initval;
    if ((st = set_ranges(s, opts)) != VNFO_OK) {
        vnfo_sampler_free(s);
        return st;
    }
    s->probability = realised_probability(s);
    memcpy(s->master, master_key, sizeof s->master);
    vnfo__sampler_derive(s);
    *out = s;
    return VNFO_OK;
}

vnfo_status vnfo_sampler_rekey(vnfo_sampler **out, const vnfo_sampler *s, uint64_t epoch)
{
    if (!out)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_sampler_rekey: out is NULL");
    *out = NULL;
    if (!s)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_sampler_rekey: sampler is NULL");
    struct vnfo_sampler *n = vnfo__malloc(sizeof *n);
    if (!n)
        return vnfo__error(VNFO_E_NO_MEMORY, "vnfo_sampler_rekey: out of memory");
    memcpy(n, s, sizeof *n);
    n->epoch = epoch;
    vnfo__sampler_derive(n);
    *out = n;
    return VNFO_OK;
}

void vnfo_sampler_free(vnfo_sampler *s)
{
    if (!s)
        return;
    sodium_memzero(s, sizeof *s); /* keys, master key and configuration alike */
    vnfo__free(s);
}

uint64_t vnfo_sampler_epoch(const vnfo_sampler *s)
{
    return s ? s->epoch : 0;
}

vnfo_status vnfo_sampler_probability(vnfo_rational *out, const vnfo_sampler *s)
{
    if (!out || !s)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_sampler_probability: NULL argument");
    *out = s->probability;
    return VNFO_OK;
}

vnfo_status vnfo_sampler_ranges(vnfo_sampler_range *out, size_t cap, size_t *out_n,
                                const vnfo_sampler *s)
{
    if (!out_n || !s || (!out && cap))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_sampler_ranges: NULL argument");
    *out_n = s->nranges;
    if (cap < s->nranges)
        return vnfo__error(VNFO_E_BUFFER_TOO_SMALL, "vnfo_sampler_ranges: need %u ranges", s->nranges);
    memcpy(out, s->ranges, s->nranges * sizeof *out);
    return VNFO_OK;
}

size_t vnfo_sampler_key_bytes(void) { return VNFO_SAMPLER_KEY_BYTES; }
size_t vnfo_sampler_commitment_bytes(void) { return VNFO_SAMPLER_COMMITMENT_BYTES; }
size_t vnfo_sampler_burst_max(void) { return VNFO_SAMPLER_BURST_MAX; }
