/* The "logging", "flowtags" and "sla" sections. */
#include <string.h>

#include "manifest_internal.h"

static const char *const logging_keys[] = {"granularity", "batch_records", "tree_hash",
                                           "heartbeat_ms", NULL};
static const char *const flowtags_keys[] = {"carrier", "bits", NULL};
static const char *const sla_keys[] = {"metric", "scope", "statistic", "max_over_reference_us",
                                       "max_over_reference_ratio", NULL};

#define BATCH_RECORDS_MAX (1u << 20)
#define HEARTBEAT_MS_MAX 86400000u /* one day */

vnfo_status mf_parse_logging(mf_ctx *c, json_t *root)
{
    vnfo_manifest *m = c->m;
    json_t *o;
    MF_TRY(mf_object(c, root, "logging", true, &o));
    MF_TRY(mf_keys_check(c, o, logging_keys));
    int g = 0;
    MF_TRY(mf_enum(c, o, "granularity", "granularity", mf_granularity_names, &g));
    m->logging.granularity = (vnfo_manifest_granularity)g;
    uint64_t n = 0;
    MF_TRY(mf_uint(c, o, "batch_records", true, 1, BATCH_RECORDS_MAX, &n));
    m->logging.batch_records = (uint32_t)n;
    int t = VNFO_MANIFEST_TREE_BLAKE2B_256; /* the default when absent */
    if (json_object_get(o, "tree_hash"))
        MF_TRY(mf_enum(c, o, "tree_hash", "tree hash", mf_tree_hash_names, &t));
    m->logging.tree_hash = (vnfo_manifest_tree_hash)t;
    n = 0; /* absent: the 0.1.0 rules, no heartbeats */
    MF_TRY(mf_uint(c, o, "heartbeat_ms", false, 1, HEARTBEAT_MS_MAX, &n));
    m->logging.heartbeat_ms = (uint32_t)n;
    mf_pop(c);
    return VNFO_OK;
}

vnfo_status mf_parse_flowtags(mf_ctx *c, json_t *root)
{
    vnfo_manifest *m = c->m;
    json_t *o;
    MF_TRY(mf_object(c, root, "flowtags", false, &o));
    if (!o)
        return VNFO_OK;
    MF_TRY(mf_keys_check(c, o, flowtags_keys));
    int carrier = 0;
    MF_TRY(mf_enum(c, o, "carrier", "carrier", mf_carrier_names, &carrier));
    uint64_t bits = 0;
    MF_TRY(mf_uint(c, o, "bits", true, 1, 64, &bits));
    if (bits > mf_carrier_max_bits[carrier]) {
        mf_push_key(c, "bits");
        return mf_fail(c, VNFO_E_MANIFEST_RANGE, "%u bits do not fit carrier \"%s\" (at most %u)",
                       (unsigned)bits, mf_carrier_names[carrier], mf_carrier_max_bits[carrier]);
    }
    m->flowtags.present = true;
    m->flowtags.carrier = (vnfo_manifest_carrier)carrier;
    m->flowtags.bits = (unsigned)bits;
    mf_pop(c);
    return VNFO_OK;
}

static vnfo_status parse_scope(mf_ctx *c, json_t *o, size_t *out)
{
    const char *scope;
    MF_TRY(mf_string(c, o, "scope", &scope));
    if (strcmp(scope, "chain") == 0) {
        *out = VNFO_MANIFEST_SCOPE_CHAIN;
        return VNFO_OK;
    }
    mf_push_key(c, "scope");
    MF_TRY(mf_function_ref(c, scope, out));
    mf_pop(c);
    return VNFO_OK;
}

static vnfo_status parse_slack_us(mf_ctx *c, json_t *v, uint64_t *out)
{
    if (!json_is_integer(v))
        return mf_type_error(c, "an integer number of microseconds", v);
    json_int_t x = json_integer_value(v);
    if (x < 0)
        return mf_fail(c, VNFO_E_MANIFEST_RANGE, "negative slack %lld us (expected at least 0)",
                       (long long)x);
    *out = (uint64_t)x;
    return VNFO_OK;
}

static vnfo_status parse_slack(mf_ctx *c, json_t *o, struct mf_sla *s)
{
    json_t *us = json_object_get(o, "max_over_reference_us");
    json_t *ratio = json_object_get(o, "max_over_reference_ratio");
    if (us && ratio) {
        mf_push_key(c, "max_over_reference_ratio");
        return mf_fail_key(c, VNFO_E_MANIFEST_INCONSISTENT,
                           "give either \"max_over_reference_us\" or \"max_over_reference_ratio\", "
                           "not both");
    }
    if (!us && !ratio)
        return mf_fail(c, VNFO_E_MANIFEST_MISSING,
                       "missing required key \"max_over_reference_us\" (or "
                       "\"max_over_reference_ratio\")");
    if (us) {
        s->kind = VNFO_MANIFEST_SLACK_ABSOLUTE_US;
        mf_push_key(c, "max_over_reference_us");
        MF_TRY(parse_slack_us(c, us, &s->slack_us));
        mf_pop(c);
        return VNFO_OK;
    }
    s->kind = VNFO_MANIFEST_SLACK_RATIO;
    MF_TRY(mf_number(c, o, "max_over_reference_ratio", NULL, &s->ratio));
    if (s->ratio < 1) {
        mf_push_key(c, "max_over_reference_ratio");
        return mf_fail(c, VNFO_E_MANIFEST_RANGE,
                       "negative slack: ratio %g is below 1 (expected at least 1)", s->ratio);
    }
    return VNFO_OK;
}

static vnfo_status parse_sla_entry(mf_ctx *c, json_t *o, struct mf_sla *s)
{
    MF_TRY(mf_expect_object(c, o, sla_keys));
    int metric = 0, stat = 0;
    MF_TRY(mf_enum(c, o, "metric", "metric", mf_metric_names, &metric));
    MF_TRY(parse_scope(c, o, &s->scope));
    MF_TRY(mf_enum(c, o, "statistic", "statistic", mf_statistic_names, &stat));
    s->metric = (vnfo_manifest_metric)metric;
    s->statistic = (vnfo_manifest_statistic)stat;
    return parse_slack(c, o, s);
}

static const char *scope_text(const vnfo_manifest *m, size_t scope)
{
    return scope == VNFO_MANIFEST_SCOPE_CHAIN ? "the chain" : m->chain[scope].name;
}

vnfo_status mf_parse_sla(mf_ctx *c, json_t *root)
{
    vnfo_manifest *m = c->m;
    if (!json_object_get(root, "sla"))
        return VNFO_OK;
    json_t *arr;
    size_t n;
    void *items;
    MF_TRY(mf_array_items(c, root, "sla", 0, VNFO_MANIFEST_MAX_ENTRIES,
                          sizeof *m->sla, &arr, &items, &n));
    m->sla = items;
    for (size_t i = 0; i < n; i++) {
        mf_push_index(c, i);
        struct mf_sla *s = &m->sla[i];
        MF_TRY(parse_sla_entry(c, json_array_get(arr, i), s));
        for (size_t j = 0; j < i; j++)
            if (m->sla[j].metric == s->metric && m->sla[j].scope == s->scope &&
                m->sla[j].statistic == s->statistic)
                return mf_fail(c, VNFO_E_MANIFEST_DUPLICATE,
                               "duplicate SLA for %s %s of %s (first at sla[%zu])",
                               mf_metric_names[s->metric], mf_statistic_names[s->statistic],
                               scope_text(m, s->scope), j);
        m->sla_count = i + 1;
        mf_pop(c);
    }
    mf_pop(c);
    return VNFO_OK;
}
