/* The "billing" and "verification" sections. */
#include <string.h>

#include "manifest_internal.h"

static const char *const billing_keys[] = {"period", "resources", NULL};
static const char *const period_keys[] = {"start", "end", NULL};
static const char *const resource_keys[] = {"resource", "summary", "function", "max_per_packet",
                                            NULL};
static const char *const verification_keys[] = {"confidence", "clock_skew_us", "minimality", NULL};
static const char *const minimality_keys[] = {"relative", "absolute", NULL};

static vnfo_status parse_time(mf_ctx *c, json_t *o, const char *key, int64_t *out)
{
    const char *s;
    MF_TRY(mf_string(c, o, key, &s));
    if (!mf_timestamp_parse(s, out)) {
        char q[MF_QUOTE_SIZE];
        mf_quote(q, sizeof q, s);
        mf_push_key(c, key);
        return mf_fail(c, VNFO_E_MANIFEST_MALFORMED,
                       "malformed timestamp \"%s\": expected RFC 3339 UTC \"YYYY-MM-DDTHH:MM:SSZ\"",
                       q);
    }
    return VNFO_OK;
}

static vnfo_status parse_period(mf_ctx *c, json_t *billing)
{
    vnfo_manifest *m = c->m;
    json_t *o;
    MF_TRY(mf_object(c, billing, "period", true, &o));
    MF_TRY(mf_keys_check(c, o, period_keys));
    MF_TRY(parse_time(c, o, "start", &m->billing.start));
    MF_TRY(parse_time(c, o, "end", &m->billing.end));
    if (m->billing.end <= m->billing.start) {
        mf_push_key(c, "end");
        const char *end = json_string_value(json_object_get(o, "end"));
        const char *start = json_string_value(json_object_get(o, "start"));
        if (m->billing.end == m->billing.start)
            return mf_fail(c, VNFO_E_MANIFEST_INCONSISTENT,
                           "end %s equals start: the billing period is empty", end);
        return mf_fail(c, VNFO_E_MANIFEST_INCONSISTENT, "end %s is before start %s", end, start);
    }
    mf_pop(c);
    return VNFO_OK;
}

/* The most one packet may use of a summed resource (the Bernstein bound's
 * M, docs/accounting.md): a positive integer, for "sum" bills of resources
 * with a per-packet value; anywhere else it would be silently unused. */
static vnfo_status parse_max_per_packet(mf_ctx *c, json_t *o, struct mf_bill *b)
{
    if (!json_object_get(o, "max_per_packet"))
        return VNFO_OK;
    MF_TRY(mf_uint(c, o, "max_per_packet", true, 1, (uint64_t)INT64_MAX, &b->max_per_packet));
    vnfo_manifest_resource k = b->resource.kind;
    if (b->summary != VNFO_MANIFEST_SUMMARY_SUM ||
        (k != VNFO_MANIFEST_RESOURCE_CPU_CYCLES && k != VNFO_MANIFEST_RESOURCE_MEM_BYTES &&
         k != VNFO_MANIFEST_RESOURCE_BYTES)) {
        mf_push_key(c, "max_per_packet");
        return mf_fail(c, VNFO_E_MANIFEST_INCONSISTENT,
                       "max_per_packet bounds a \"sum\" of cpu_cycles, mem_bytes or bytes "
                       "(found %s with summary \"%s\")",
                       b->resource.name, vnfo_manifest_summary_name(b->summary));
    }
    return VNFO_OK;
}

static vnfo_status parse_bill(mf_ctx *c, json_t *o, struct mf_bill *b)
{
    MF_TRY(mf_expect_object(c, o, resource_keys));
    const char *name;
    MF_TRY(mf_string(c, o, "resource", &name));
    mf_push_key(c, "resource");
    MF_TRY(mf_resource_parse(c, name, false, &b->resource));
    mf_pop(c);
    int summary = 0;
    MF_TRY(mf_enum(c, o, "summary", "summary", mf_summary_names, &summary));
    b->summary = (vnfo_manifest_summary)summary;
    b->scope = VNFO_MANIFEST_SCOPE_CHAIN;
    if (json_object_get(o, "function")) {
        const char *fn;
        MF_TRY(mf_string(c, o, "function", &fn));
        mf_push_key(c, "function");
        MF_TRY(mf_function_ref(c, fn, &b->scope));
        mf_pop(c);
    }
    return parse_max_per_packet(c, o, b);
}

static vnfo_status parse_resources(mf_ctx *c, json_t *billing)
{
    vnfo_manifest *m = c->m;
    json_t *arr;
    size_t n;
    void *items;
    MF_TRY(mf_array_items(c, billing, "resources", 1, VNFO_MANIFEST_MAX_ENTRIES,
                          sizeof *m->billing.items, &arr, &items, &n));
    m->billing.items = items;
    for (size_t i = 0; i < n; i++) {
        mf_push_index(c, i);
        struct mf_bill *b = &m->billing.items[i];
        MF_TRY(parse_bill(c, json_array_get(arr, i), b));
        for (size_t j = 0; j < i; j++) {
            const struct mf_bill *p = &m->billing.items[j];
            if (p->scope == b->scope && strcmp(p->resource.name, b->resource.name) == 0)
                return mf_fail(c, VNFO_E_MANIFEST_DUPLICATE,
                               "duplicate billing of %s for %s (first at billing.resources[%zu])",
                               b->resource.name,
                               b->scope == VNFO_MANIFEST_SCOPE_CHAIN ? "the chain"
                                                                     : m->chain[b->scope].name,
                               j);
        }
        m->billing.count = i + 1;
        mf_pop(c);
    }
    mf_pop(c);
    return VNFO_OK;
}

vnfo_status mf_parse_billing(mf_ctx *c, json_t *root)
{
    json_t *o;
    MF_TRY(mf_object(c, root, "billing", true, &o));
    MF_TRY(mf_keys_check(c, o, billing_keys));
    MF_TRY(parse_period(c, o));
    MF_TRY(parse_resources(c, o));
    mf_pop(c);
    return VNFO_OK;
}

/* A non-negative tolerance; absent reads as 0. */
static vnfo_status parse_tolerance(mf_ctx *c, json_t *o, const char *key, double *out)
{
    bool found;
    MF_TRY(mf_number(c, o, key, &found, out));
    if (found && *out < 0) {
        mf_push_key(c, key);
        return mf_fail(c, VNFO_E_MANIFEST_RANGE, "negative slack %g (expected at least 0)", *out);
    }
    return VNFO_OK;
}

static vnfo_status parse_bound(mf_ctx *c, const char *key, json_t *v, struct mf_minimality *b)
{
    MF_TRY(mf_resource_parse(c, key, true, &b->resource));
    MF_TRY(mf_expect_object(c, v, minimality_keys));
    if (!json_object_get(v, "relative") && !json_object_get(v, "absolute"))
        return mf_fail(c, VNFO_E_MANIFEST_MISSING,
                       "missing required key \"relative\" (or \"absolute\")");
    MF_TRY(parse_tolerance(c, v, "relative", &b->relative));
    return parse_tolerance(c, v, "absolute", &b->absolute);
}

static vnfo_status parse_minimality(mf_ctx *c, json_t *verification)
{
    vnfo_manifest *m = c->m;
    json_t *o;
    MF_TRY(mf_object(c, verification, "minimality", false, &o));
    if (!o)
        return VNFO_OK;
    size_t n = json_object_size(o);
    if (n > VNFO_MANIFEST_MAX_ENTRIES)
        return mf_fail(c, VNFO_E_LIMIT_EXCEEDED, "%zu entries, more than the limit of %d", n,
                       VNFO_MANIFEST_MAX_ENTRIES);
    m->verification.minimality = vnfo__calloc(n, sizeof *m->verification.minimality);
    if (!m->verification.minimality)
        return vnfo__error(VNFO_E_NO_MEMORY, "%s: out of memory", c->name);
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        mf_push_key(c, key);
        if (strcmp(key, "comment") == 0) { /* allowed in every object */
            if (!json_is_string(v))
                return mf_type_error(c, "a string", v);
            mf_pop(c);
            continue;
        }
        struct mf_minimality *b = &m->verification.minimality[m->verification.minimality_count];
        MF_TRY(parse_bound(c, key, v, b));
        m->verification.minimality_count++;
        mf_pop(c);
    }
    mf_pop(c);
    return VNFO_OK;
}

vnfo_status mf_parse_verification(mf_ctx *c, json_t *root)
{
    vnfo_manifest *m = c->m;
    json_t *o;
    MF_TRY(mf_object(c, root, "verification", true, &o));
    MF_TRY(mf_keys_check(c, o, verification_keys));
    double conf;
    MF_TRY(mf_number(c, o, "confidence", NULL, &conf));
    if (!(conf > 0 && conf < 1)) {
        mf_push_key(c, "confidence");
        return mf_fail(c, VNFO_E_MANIFEST_RANGE, "confidence %g is outside (0, 1)", conf);
    }
    m->verification.confidence = conf;
    MF_TRY(mf_uint(c, o, "clock_skew_us", true, 0, UINT32_MAX, &m->verification.clock_skew_us));
    MF_TRY(parse_minimality(c, o));
    mf_pop(c);
    return VNFO_OK;
}
