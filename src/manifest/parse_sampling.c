/* The "sampling" section: hash, key commitment, selection (an exact rate or
 * explicit PSAMP ranges over the hash output) and the hashed fields. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "manifest_internal.h"

static const char *const sampling_keys[] = {
    "hash", "key_id", "key_commitment", "rate", "ranges", "fields", "custom_fields",
    "payload_bytes", "payload_offset", "epoch_seconds", "bob_initval", NULL,
};

#define COMMITMENT_PREFIX "blake2b:"
#define PAYLOAD_MAX 64

static uint64_t hash_max(vnfo_manifest_hash h)
{
    return h == VNFO_MANIFEST_HASH_BOB ? UINT32_MAX : UINT64_MAX;
}

static vnfo_status parse_commitment(mf_ctx *c, json_t *o, uint8_t *out)
{
    const char *s;
    MF_TRY(mf_string(c, o, "key_commitment", &s));
    size_t plen = sizeof COMMITMENT_PREFIX - 1, got = 0;
    const char *end = NULL;
    if (strncmp(s, COMMITMENT_PREFIX, plen) != 0 || strlen(s) != plen + 64 ||
        sodium_hex2bin(out, VNFO_MANIFEST_COMMITMENT_BYTES, s + plen, 64, NULL, &got, &end) != 0 ||
        got != VNFO_MANIFEST_COMMITMENT_BYTES) {
        mf_push_key(c, "key_commitment");
        return mf_fail(c, VNFO_E_MANIFEST_MALFORMED,
                       "malformed key commitment: expected \"blake2b:\" and 64 hex digits");
    }
    return VNFO_OK;
}

static vnfo_status parse_rate(mf_ctx *c, json_t *o, vnfo_rational *out)
{
    const char *s;
    json_t *v = json_object_get(o, "rate");
    if (!json_is_string(v)) {
        mf_push_key(c, "rate");
        return mf_type_error(c, "a string with an exact fraction such as \"1/64\"", v);
    }
    MF_TRY(mf_string(c, o, "rate", &s));
    mf_push_key(c, "rate");
    char q[MF_QUOTE_SIZE];
    mf_quote(q, sizeof q, s);
    if (!mf_rational_parse(s, out))
        return mf_fail(c, VNFO_E_MANIFEST_MALFORMED,
                       "malformed rate \"%s\": expected an exact fraction such as \"1/64\" or \"3/2^10\"", q);
    if (out->num == 0 || (out->den != 0 && out->num > out->den)) /* den 0: 2^64 */
        return mf_fail(c, VNFO_E_MANIFEST_RANGE, "rate %s is outside (0, 1]", q);
    /* The sampler selects [0, floor(2^bits * rate) - 1]: a rate below one
     * value of bob's 32-bit space would select nothing. */
    unsigned __int128 den = out->den ? out->den : (unsigned __int128)1 << 64;
    if (c->m->sampling.hash == VNFO_MANIFEST_HASH_BOB && ((unsigned __int128)out->num << 32) < den)
        return mf_fail(c, VNFO_E_MANIFEST_RANGE,
                       "rate %s selects no value of the 32-bit output of bob (expected at least 1/2^32)",
                       q);
    mf_pop(c);
    return VNFO_OK;
}

/* A bound: a non-negative integer, or a "0x..." string for values above
 * 2^63 that JSON integers cannot carry portably. */
static vnfo_status parse_bound(mf_ctx *c, json_t *v, vnfo_manifest_hash hash, uint64_t *out)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
    } else if (json_is_string(v)) {
        if (!mf_hex_u64_parse(json_string_value(v), out)) {
            char q[MF_QUOTE_SIZE];
            mf_quote(q, sizeof q, json_string_value(v));
            return mf_fail(c, VNFO_E_MANIFEST_MALFORMED,
                           "malformed bound \"%s\": expected \"0x\" and 1 to 16 hex digits", q);
        }
    } else if (json_is_integer(v)) {
        return mf_fail(c, VNFO_E_MANIFEST_RANGE, "negative bound %lld (expected at least 0)",
                       (long long)json_integer_value(v));
    } else {
        return mf_type_error(c, "an integer or a \"0x...\" string", v);
    }
    if (*out > hash_max(hash))
        return mf_fail(c, VNFO_E_MANIFEST_RANGE,
                       "bound 0x%llx exceeds the %d-bit output of %s (largest 0x%llx)",
                       (unsigned long long)*out, hash == VNFO_MANIFEST_HASH_BOB ? 32 : 64,
                       mf_hash_names[hash - 1], (unsigned long long)hash_max(hash));
    return VNFO_OK;
}

static vnfo_status parse_range(mf_ctx *c, json_t *v, vnfo_manifest_hash hash, vnfo_sampler_range *r)
{
    if (!json_is_array(v) || json_array_size(v) != 2)
        return json_is_array(v) ? mf_fail(c, VNFO_E_MANIFEST_TYPE,
                                          "expected [low, high], found %zu element%s",
                                          json_array_size(v), json_array_size(v) == 1 ? "" : "s")
                                : mf_type_error(c, "[low, high]", v);
    uint64_t b[2];
    for (size_t k = 0; k < 2; k++) {
        mf_push_index(c, k);
        MF_TRY(parse_bound(c, json_array_get(v, k), hash, &b[k]));
        mf_pop(c);
    }
    if (b[0] > b[1])
        return mf_fail(c, VNFO_E_MANIFEST_INCONSISTENT,
                       "inverted range: low 0x%llx is above high 0x%llx",
                       (unsigned long long)b[0], (unsigned long long)b[1]);
    r->lo = b[0];
    r->hi = b[1];
    return VNFO_OK;
}

static int range_cmp(const void *a, const void *b)
{
    const vnfo_sampler_range *x = a, *y = b;
    return (x->lo > y->lo) - (x->lo < y->lo);
}

/* The covered share of the hash space, reduced; den 0 stands for 2^64. */
static vnfo_rational ranges_rate(const vnfo_sampler_range *r, size_t n, vnfo_manifest_hash hash)
{
    unsigned __int128 covered = 0, space = (unsigned __int128)hash_max(hash) + 1;
    for (size_t i = 0; i < n; i++)
        covered += (unsigned __int128)(r[i].hi - r[i].lo) + 1;
    while (covered % 2 == 0 && space % 2 == 0) {
        covered /= 2;
        space /= 2;
    }
    /* space is a power of two, so halving reduces the fraction fully. */
    vnfo_rational q = {(uint64_t)covered, space == ((unsigned __int128)1 << 64) ? 0 : (uint64_t)space};
    return q;
}

static vnfo_status parse_ranges(mf_ctx *c, json_t *o)
{
    vnfo_manifest *m = c->m;
    json_t *arr;
    size_t n;
    void *items;
    MF_TRY(mf_array_items(c, o, "ranges", 1, VNFO_MANIFEST_MAX_RANGES,
                          sizeof *m->sampling.ranges, &arr, &items, &n));
    m->sampling.ranges = items;
    vnfo_sampler_range *r = m->sampling.ranges;
    for (size_t i = 0; i < n; i++) {
        mf_push_index(c, i);
        MF_TRY(parse_range(c, json_array_get(arr, i), m->sampling.hash, &r[i]));
        for (size_t j = 0; j < i; j++)
            if (r[i].lo <= r[j].hi && r[j].lo <= r[i].hi)
                return mf_fail(c, VNFO_E_MANIFEST_INCONSISTENT,
                               "range [0x%llx, 0x%llx] overlaps sampling.ranges[%zu] [0x%llx, 0x%llx]",
                               (unsigned long long)r[i].lo, (unsigned long long)r[i].hi, j,
                               (unsigned long long)r[j].lo, (unsigned long long)r[j].hi);
        mf_pop(c);
    }
    mf_pop(c);
    /* Ranges are a set: sorted, so that their order changes nothing. */
    vnfo__sort(r, n, sizeof *r, range_cmp);
    m->sampling.range_count = n;
    m->sampling.rate = ranges_rate(r, n, m->sampling.hash);
    return VNFO_OK;
}

static vnfo_status parse_selection(mf_ctx *c, json_t *o)
{
    bool has_rate = json_object_get(o, "rate") != NULL;
    bool has_ranges = json_object_get(o, "ranges") != NULL;
    if (has_rate && has_ranges) {
        mf_push_key(c, "ranges");
        return mf_fail_key(c, VNFO_E_MANIFEST_INCONSISTENT,
                           "give either \"rate\" or \"ranges\", not both");
    }
    if (!has_rate && !has_ranges)
        return mf_fail(c, VNFO_E_MANIFEST_MISSING, "missing required key \"rate\" (or \"ranges\")");
    return has_rate ? parse_rate(c, o, &c->m->sampling.rate) : parse_ranges(c, o);
}

static vnfo_status parse_custom_fields(mf_ctx *c, json_t *o)
{
    vnfo_manifest *m = c->m;
    json_t *arr;
    size_t n;
    void *items;
    MF_TRY(mf_array_items(c, o, "custom_fields", 1, VNFO_MANIFEST_MAX_ENTRIES,
                          sizeof *m->sampling.custom, &arr, &items, &n));
    m->sampling.custom = items;
    for (size_t i = 0; i < n; i++) {
        mf_push_index(c, i);
        int f = 0;
        MF_TRY(mf_enum_value(c, json_array_get(arr, i), "field", mf_field_names, &f));
        for (size_t j = 0; j < i; j++)
            if ((int)m->sampling.custom[j] == f)
                return mf_fail(c, VNFO_E_MANIFEST_DUPLICATE,
                               "duplicate field \"%s\" (first at sampling.custom_fields[%zu])",
                               mf_field_names[f], j);
        m->sampling.custom[i] = (vnfo_manifest_field)f;
        mf_pop(c);
    }
    m->sampling.custom_count = n;
    mf_pop(c);
    return VNFO_OK;
}

static vnfo_status parse_fields(mf_ctx *c, json_t *o)
{
    int f = 0;
    MF_TRY(mf_enum(c, o, "fields", "field set", mf_fields_names, &f));
    c->m->sampling.fields = (vnfo_manifest_fields)f;
    bool has_custom = json_object_get(o, "custom_fields") != NULL;
    if (f == VNFO_MANIFEST_FIELDS_CUSTOM && !has_custom)
        return mf_fail(c, VNFO_E_MANIFEST_MISSING,
                       "missing required key \"custom_fields\" (the field set is \"custom\")");
    if (f != VNFO_MANIFEST_FIELDS_CUSTOM && has_custom) {
        mf_push_key(c, "custom_fields");
        return mf_fail_key(c, VNFO_E_MANIFEST_INCONSISTENT,
                           "\"custom_fields\" needs \"fields\": \"custom\" (found \"%s\")",
                           mf_fields_names[f]);
    }
    return has_custom ? parse_custom_fields(c, o) : VNFO_OK;
}

/* Payload bytes and offset, in the packet module's limits: psamp hashes 8
 * to 32 payload bytes (RFC 5475, section 6.2.4.1), other sets 0 to 64. */
static vnfo_status parse_payload(mf_ctx *c, json_t *o)
{
    vnfo_manifest *m = c->m;
    bool psamp = m->sampling.fields == VNFO_MANIFEST_FIELDS_PSAMP;
    uint64_t bytes = 8, offset = 0;
    MF_TRY(mf_uint(c, o, "payload_bytes", false, psamp ? 8 : 0, psamp ? 32 : PAYLOAD_MAX, &bytes));
    MF_TRY(mf_uint(c, o, "payload_offset", false, 0, PAYLOAD_MAX, &offset));
    m->sampling.payload_bytes = (uint32_t)bytes;
    m->sampling.payload_offset = (uint32_t)offset;
    return VNFO_OK;
}

/* PSAMP devices run BOB with a fixed init value rather than one derived
 * from the epoch key; "bob_initval" names it, for bob only. */
static vnfo_status parse_bob_initval(mf_ctx *c, json_t *o)
{
    vnfo_manifest *m = c->m;
    if (!json_object_get(o, "bob_initval"))
        return VNFO_OK;
    if (m->sampling.hash != VNFO_MANIFEST_HASH_BOB) {
        mf_push_key(c, "bob_initval");
        return mf_fail_key(c, VNFO_E_MANIFEST_INCONSISTENT,
                           "\"bob_initval\" needs \"hash\": \"bob\" (found \"%s\")",
                           mf_hash_names[m->sampling.hash - 1]);
    }
    uint64_t v = 0;
    MF_TRY(mf_uint(c, o, "bob_initval", true, 0, UINT32_MAX, &v));
    m->sampling.has_bob_initval = true;
    m->sampling.bob_initval = (uint32_t)v;
    return VNFO_OK;
}

vnfo_status mf_parse_sampling(mf_ctx *c, json_t *root)
{
    vnfo_manifest *m = c->m;
    json_t *o;
    MF_TRY(mf_object(c, root, "sampling", true, &o));
    MF_TRY(mf_keys_check(c, o, sampling_keys));
    int hash = 0;
    MF_TRY(mf_enum(c, o, "hash", "hash", mf_hash_names, &hash));
    m->sampling.hash = (vnfo_manifest_hash)(hash + 1);
    MF_TRY(mf_identifier(c, o, "key_id", &m->sampling.key_id));
    MF_TRY(parse_commitment(c, o, m->sampling.commitment));
    MF_TRY(parse_selection(c, o));
    MF_TRY(parse_fields(c, o));
    MF_TRY(parse_payload(c, o));
    MF_TRY(mf_uint(c, o, "epoch_seconds", false, 1, UINT32_MAX, &m->sampling.epoch_seconds));
    MF_TRY(parse_bob_initval(c, o));
    mf_pop(c);
    return VNFO_OK;
}
