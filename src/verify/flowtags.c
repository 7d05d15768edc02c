/* FlowTag checks: the logged mapping records are replayed into the flowtag
 * module's resolver (a tag bound to two origin flows at once, a rewrite by a
 * function that may not modify headers, an update of an unbound tag), then
 * every sampled packet record that carries a tag is resolved to its origin
 * (a tag no upstream function had bound, a conflict, an unmapped rewrite). */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "verify_private.h"

static int cmp_map(const void *pa, const void *pb)
{
    const struct vmap *a = pa, *b = pb;
    if (a->node_id != b->node_id)
        return a->node_id < b->node_id ? -1 : 1;
    if (a->ev.context.tag != b->ev.context.tag)
        return a->ev.context.tag < b->ev.context.tag ? -1 : 1;
    if (a->ev.time != b->ev.time)
        return a->ev.time < b->ev.time ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static const char *why(vnfo_status s)
{
    switch (s) {
    case VNFO_E_FLOWTAG_CONFLICT: return "bound to two origin flows at once";
    case VNFO_E_FLOWTAG_REWRITE_FORBIDDEN: return "rewritten by a function that may not modify headers";
    case VNFO_E_FLOWTAG_UNKNOWN: return "tag not bound upstream";
    case VNFO_E_NOT_FOUND: return "mapping from a node outside the chain";
    default: return vnfo_status_name(s);
    }
}

static vnfo_status make_resolver(vnfo_flowtag_resolver **out, const vnfo_verifier *v)
{
    vnfo_flowtag_hop hops[VCHAIN_MAX];
    for (size_t i = 0; i < v->n_chain; i++) {
        hops[i].node_id = v->chain[i].node_id;
        hops[i].may_modify_headers = v->chain[i].may_modify == VNFO_MANIFEST_MODIFY_HEADERS ||
                                     v->chain[i].may_modify == VNFO_MANIFEST_MODIFY_ANY;
    }
    return vnfo_flowtag_resolver_create(out, hops, v->n_chain);
}

/* Counting the tagged records is a pass over the whole table, split into
 * fixed ranges (verify_private.h). */
#define COUNT_RANGES VTAG_COUNT_RANGES

static void count_tagged(void *ctx, size_t task, unsigned worker)
{
    (void)worker;
    struct vtag_count *c = ctx;
    const vnfo_verifier *v = c->v;
    size_t a = v->n_recs / COUNT_RANGES * task;
    size_t b = task + 1 == COUNT_RANGES ? v->n_recs : v->n_recs / COUNT_RANGES * (task + 1);
    size_t n = 0;
    for (size_t i = a; i < b; i++)
        n += v->recs[i].flowtag != 0 && v->recs[i].pos != VPOS_NONE;
    c->count[task] = n;
}

struct vnfo__tasks vnfo__verify_tag_count_tasks(struct vtag_count *c, const vnfo_verifier *v)
{
    *c = (struct vtag_count){v, {0}};
    return (struct vnfo__tasks){COUNT_RANGES, count_tagged, c};
}

vnfo_status vnfo__verify_flowtags(vnfo_verifier *v, vnfo_report *report, const struct vtag_count *c)
{
    size_t tagged = 0;
    for (size_t i = 0; i < COUNT_RANGES; i++)
        tagged += c->count[i];
    if (!vnfo_manifest_has_flowtags(v->manifest) && !v->n_maps && !tagged)
        return VNFO_OK; /* no FlowTags in this contract or these logs */
    vnfo_report_entry *e;
    vnfo_status s = vnfo_report_entry_add(&e, report, "flowtags", VNFO_REPORT_FUNCTIONALITY,
                                          VNFO_REPORT_INCONCLUSIVE, NULL);
    vnfo_flowtag_resolver *res = NULL;
    if (s == VNFO_OK)
        s = make_resolver(&res, v);
    if (s != VNFO_OK)
        return s;
    uint64_t checked = 0, violations = 0;
    vnfo__sort(v->maps, v->n_maps, sizeof *v->maps, cmp_map);
    for (size_t i = 0; s == VNFO_OK && i < v->n_maps; i++) {
        vnfo_status r = vnfo_flowtag_resolver_add(res, &v->maps[i].ev);
        checked++;
        if (r == VNFO_E_NO_MEMORY || r == VNFO_E_INVALID_ARGUMENT)
            s = r;
        else if (r != VNFO_OK) {
            char note[128];
            snprintf(note, sizeof note, "mapping of tag %u by node %u: %s", v->maps[i].ev.context.tag,
                     v->maps[i].node_id, why(r));
            violations++;
            s = vnfo_report_example_add(e, v->maps[i].ev.context.tag, note);
        }
    }
    for (size_t i = 0; s == VNFO_OK && i < v->n_recs; i++) {
        const struct vrec *r = &v->recs[i];
        if (!r->flowtag || r->pos == VPOS_NONE)
            continue;
        /* A later hop's clock may lag the tagging node's by the skew: the
         * record is resolved at the latest true time it can stand for. */
        vnfo_flowtag_observation obs = {r->node_id, r->flowtag, 0, 0, r->t_out + v->skew_ns, {0}};
        vnfo_flowtag_resolution out;
        vnfo_status rs = vnfo_flowtag_resolver_resolve(&out, res, &obs);
        checked++;
        if (rs != VNFO_OK) {
            char note[128];
            snprintf(note, sizeof note, "tag %u at hop %u (%s): %s", r->flowtag, r->pos,
                     v->chain[r->pos].name, why(rs));
            violations++;
            s = vnfo_report_example_add(e, r->label, note);
        }
    }
    vnfo_flowtag_resolver_free(res);
    if (s != VNFO_OK)
        return s;
    vnfo_report_verdict verdict = violations ? VNFO_REPORT_FAIL : checked ? VNFO_REPORT_PASS
                                                                          : VNFO_REPORT_INCONCLUSIVE;
    vnfo_report_entry_verdict_set(e, verdict);
    s = verdict == VNFO_REPORT_FAIL
            ? vnfo_report_entry_summary_set(e, "%llu FlowTag violations in %llu mappings and tagged packets",
                                            (unsigned long long)violations, (unsigned long long)checked)
        : verdict == VNFO_REPORT_PASS
            ? vnfo_report_entry_summary_set(e, "%zu mappings and %zu tagged sampled packets resolve to "
                                            "their origin flows", v->n_maps, tagged)
            : vnfo_report_entry_summary_set(e, "no FlowTag mapping or tagged packet was logged");
    if (s == VNFO_OK)
        s = vnfo__verify_rate_evidence(e, checked, violations, v->confidence);
    if (s == VNFO_OK)
        s = vnfo_report_evidence_uint(e, "mappings", v->n_maps);
    if (s == VNFO_OK)
        s = vnfo_report_evidence_uint(e, "tagged_packets", tagged);
    return s;
}
