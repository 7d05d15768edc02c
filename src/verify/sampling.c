/* sampling.consistency: with the customer's sampling key, every record that
 * keeps its whole input packet is re-decided.  A shim logs exactly the
 * packets the keyed hash selects, under the label it computes; a record the
 * sampler would not select, or with another label, was not written by an
 * honest shim for that packet (the signature only says which node signed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "verify_private.h"

struct epoch_sampler {
    const vnfo_sampler *base;
    vnfo_sampler *derived; /* for another epoch, or NULL */
};

static vnfo_status sampler_for(const vnfo_sampler **out, struct epoch_sampler *es, uint64_t epoch)
{
    if (vnfo_sampler_epoch(es->base) == epoch) {
        *out = es->base;
        return VNFO_OK;
    }
    if (!es->derived || vnfo_sampler_epoch(es->derived) != epoch) {
        vnfo_sampler_free(es->derived);
        es->derived = NULL;
        vnfo_status s = vnfo_sampler_rekey(&es->derived, es->base, epoch);
        if (s != VNFO_OK)
            return s;
    }
    *out = es->derived;
    return VNFO_OK;
}

/* The tag the shims hashed: the one the packet carried when it entered the
 * chain.  A tag some chain function bound (a flowtag_map record) was not
 * there yet at the first hop, so every shim hashed 0 for it
 * (docs/verify.md, "FlowTag mappings"); any other tag came with the packet.
 * bound[] holds the tags chain nodes bound, sorted. */
static int cmp_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return (a > b) - (a < b);
}

static vnfo_status bound_tags(uint32_t **out, size_t *n, const vnfo_verifier *v)
{
    *out = NULL;
    *n = 0;
    if (!v->n_maps)
        return VNFO_OK;
    uint32_t *t = vnfo__calloc(v->n_maps, sizeof *t);
    if (!t)
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory indexing FlowTag mappings");
    for (size_t i = 0; i < v->n_maps; i++)
        if (vnfo__verify_pos_of(v, v->maps[i].node_id) != VPOS_NONE)
            t[(*n)++] = v->maps[i].ev.context.tag;
    vnfo__sort(t, *n, sizeof *t, cmp_u32);
    *out = t;
    return VNFO_OK;
}

static uint32_t entry_tag(const uint32_t *bound, size_t n, uint32_t tag)
{
    return tag && vnfo__search(&tag, bound, n, sizeof tag, cmp_u32) ? 0 : tag;
}

vnfo_status vnfo__verify_sampling(vnfo_verifier *v, vnfo_report *report)
{
    vnfo_report_entry *e;
    vnfo_status s = vnfo_report_entry_add(&e, report, "sampling.consistency", VNFO_REPORT_INTEGRITY,
                                          VNFO_REPORT_INCONCLUSIVE, NULL);
    struct epoch_sampler es = {v->sampler, NULL};
    uint64_t checked = 0, violations = 0;
    uint32_t *bound = NULL;
    size_t n_bound = 0;
    if (s == VNFO_OK)
        s = bound_tags(&bound, &n_bound, v);
    for (size_t i = 0; s == VNFO_OK && i < v->n_recs; i++) {
        const struct vrec *r = &v->recs[i];
        if (r->bytes_in == VBYTES_NONE || r->granularity != VNFO_GRANULARITY_FULL ||
            r->verdict == VNFO_VERDICT_GENERATED)
            continue;
        const vnfo_sampler *smp;
        if ((s = sampler_for(&smp, &es, r->epoch)) != VNFO_OK)
            break;
        vnfo_sampler_decision d;
        vnfo_sampler_decide(&d, smp, v->arena + r->bytes_in, r->bytes_in_len, r->link_type,
                            entry_tag(bound, n_bound, r->flowtag));
        checked++;
        if (!d.selected || d.label != r->label) {
            char note[96];
            snprintf(note, sizeof note, "hop %u (%s): %s", r->pos, v->chain[r->pos].name,
                     !d.selected ? "logged, but the key does not select it" : "label differs from the key's");
            violations++;
            s = vnfo_report_example_add(e, r->label, note);
        }
    }
    vnfo_sampler_free(es.derived);
    vnfo__free(bound);
    if (s != VNFO_OK)
        return s;
    vnfo_report_entry_verdict_set(e, violations ? VNFO_REPORT_FAIL : checked ? VNFO_REPORT_PASS
                                                                             : VNFO_REPORT_INCONCLUSIVE);
    s = violations ? vnfo_report_entry_summary_set(e, "%llu of %llu re-decided records were not the key's choice",
                                                   (unsigned long long)violations, (unsigned long long)checked)
        : checked  ? vnfo_report_entry_summary_set(e, "%llu whole logged packets re-decided: each selected, "
                                                   "same label", (unsigned long long)checked)
                   : vnfo_report_entry_summary_set(e, "no record keeps its whole packet (granularity full)");
    if (s == VNFO_OK)
        s = vnfo__verify_rate_evidence(e, checked, violations, v->confidence);
    return s;
}
