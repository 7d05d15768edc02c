/* sampling.consistency: with the customer's sampling key, every record that
 * keeps its whole input packet is re-decided.  A shim logs exactly the
 * packets the keyed hash selects, under the label it computes; a record the
 * sampler would not select, or with another label, was not written by an
 * honest shim for that packet (the signature only says which node signed). */
#include <stdio.h>
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
 * (docs/verify.md, "FlowTag mappings"); any other tag came with the packet. */
static uint32_t entry_tag(const vnfo_verifier *v, uint32_t tag)
{
    for (size_t i = 0; tag && i < v->n_maps; i++)
        if (v->maps[i].ev.context.tag == tag && vnfo__verify_pos_of(v, v->maps[i].node_id) != VPOS_NONE)
            return 0;
    return tag;
}

vnfo_status vnfo__verify_sampling(vnfo_verifier *v, vnfo_report *report)
{
    vnfo_report_entry *e;
    vnfo_status s = vnfo_report_entry_add(&e, report, "sampling.consistency", VNFO_REPORT_INTEGRITY,
                                          VNFO_REPORT_INCONCLUSIVE, NULL);
    struct epoch_sampler es = {v->sampler, NULL};
    uint64_t checked = 0, violations = 0;
    for (size_t i = 0; s == VNFO_OK && i < v->n_recs; i++) {
        const struct vrec *r = &v->recs[i];
        if (r->bytes_in == VBYTES_NONE || r->granularity != VNFO_GRANULARITY_FULL ||
            r->verdict == VNFO_VERDICT_GENERATED)
            continue;
        const vnfo_sampler *smp;
        if ((s = sampler_for(&smp, &es, r->epoch)) != VNFO_OK)
            break;
        vnfo_sampler_decision d;
        vnfo_sampler_decide(&d, smp, v->arena + r->bytes_in, r->bytes_in_len, v->opts.linktype,
                            entry_tag(v, r->flowtag));
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
