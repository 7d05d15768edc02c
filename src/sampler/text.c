/* Text forms of sampler settings: hash names, rates, ranges. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sampler_internal.h"
#include "internal.h"

static const char *const hash_names[] = {NULL, "xxh3-64", "siphash-2-4", "bob"};

vnfo_status vnfo_sampler_hash_parse(uint32_t *out, const char *name)
{
    if (!out || !name)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_sampler_hash_parse: NULL argument");
    for (uint32_t i = 1; i <= VNFO_SAMPLER_HASH_BOB; i++)
        if (strcmp(name, hash_names[i]) == 0) {
            *out = i;
            return VNFO_OK;
        }
    return vnfo__error(VNFO_E_SAMPLER_HASH_UNKNOWN,
                       "unknown hash \"%.64s\" (known: xxh3-64, siphash-2-4, bob)", name);
}

const char *vnfo_sampler_hash_name(uint32_t hash)
{
    return hash >= 1 && hash <= VNFO_SAMPLER_HASH_BOB ? hash_names[hash] : "unknown";
}

/* A decimal or 0x-hexadecimal uint64 spanning [p, *end); 0 on failure. */
static int parse_u64(const char *p, const char **end, uint64_t *out, int allow_hex)
{
    if (*p < '0' || *p > '9')
        return 0;
    int base = allow_hex && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') ? 16 : 10;
    errno = 0;
    char *e;
    unsigned long long v = strtoull(p, &e, base);
    if (errno || e == p || (base == 16 && e == p + 2))
        return 0;
    *out = v;
    *end = e;
    return 1;
}

vnfo_status vnfo_sampler_rate_parse(vnfo_rational *out, const char *text)
{
    if (!out || !text)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_sampler_rate_parse: NULL argument");
    const char *p = text;
    uint64_t num, den;
    if (!parse_u64(p, &p, &num, 0) || *p++ != '/')
        goto bad;
    if (p[0] == '2' && p[1] == '^') {
        uint64_t n;
        p += 2;
        if (!parse_u64(p, &p, &n, 0) || n > 64)
            goto bad;
        den = n == 64 ? 0 : (uint64_t)1 << n;
    } else if (!parse_u64(p, &p, &den, 0) || den == 0) {
        goto bad;
    }
    if (*p)
        goto bad;
    if (num == 0 || (den && num > den))
        return vnfo__error(VNFO_E_SAMPLER_RATE, "rate \"%.64s\": must be greater than 0 and at most 1",
                           text);
    out->num = num;
    out->den = den;
    return VNFO_OK;
bad:
    return vnfo__error(VNFO_E_SAMPLER_RATE,
                       "rate \"%.64s\": expected NUM/DEN or NUM/2^N with decimal integers, e.g. 1/64",
                       text);
}

vnfo_status vnfo_sampler_ranges_parse(vnfo_sampler_range *out, size_t cap, size_t *out_n,
                                      const char *text)
{
    if (!out_n || !text || (!out && cap))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_sampler_ranges_parse: NULL argument");
    *out_n = 0;
    const char *p = text;
    for (size_t i = 0;; i++) {
        vnfo_sampler_range r;
        const char *start = p;
        if (!parse_u64(p, &p, &r.lo, 1) || *p++ != '-' || !parse_u64(p, &p, &r.hi, 1) ||
            (*p && *p != ','))
            return vnfo__error(VNFO_E_SAMPLER_RANGES,
                               "ranges: item %zu at character %zu: expected LO-HI (decimal or 0x hex)",
                               i + 1, (size_t)(start - text) + 1);
        if (r.lo > r.hi)
            return vnfo__error(VNFO_E_SAMPLER_RANGES, "ranges: item %zu: lo 0x%llx above hi 0x%llx",
                               i + 1, (unsigned long long)r.lo, (unsigned long long)r.hi);
        if (i >= cap)
            return vnfo__error(VNFO_E_SAMPLER_RANGES, "ranges: more than %zu ranges", cap);
        out[i] = r;
        *out_n = i + 1;
        if (!*p)
            return VNFO_OK;
        p++;
    }
}
