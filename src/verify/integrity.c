/* The integrity check: what the log reader found about each node's log
 * (bad signatures, root mismatches, broken chains, gaps, duplicates and
 * replays, truncated tails), plus the losses the writers signed. */
#include <stdio.h>

#include "internal.h"
#include "verify_private.h"

int vnfo__verify_logs_complete(const vnfo_verifier *v)
{
    for (size_t i = 0; i < v->n_nodes; i++) {
        const struct vnode *n = &v->nodes[i];
        if (n->pos != VPOS_NONE && (n->batches_bad || n->truncated || n->unbounded))
            return 0;
    }
    return v->decode_errors == 0;
}

static vnfo_status node_evidence(vnfo_report_entry *e, const vnfo_verifier *v, const struct vnode *n)
{
    char key[VNAME_MAX + 32], val[400];
    const char *name = n->pos != VPOS_NONE ? v->chain[n->pos].name : "foreign";
    snprintf(key, sizeof key, "%s.batches", name);
    vnfo_status s = vnfo_report_evidence_uint(e, key, n->batches);
    snprintf(key, sizeof key, "%s.records", name);
    if (s == VNFO_OK)
        s = vnfo_report_evidence_uint(e, key, n->records);
    if (s == VNFO_OK && n->lost) {
        snprintf(key, sizeof key, "%s.signed_losses", name);
        s = vnfo_report_evidence_uint(e, key, n->lost);
    }
    for (size_t f = 0; s == VNFO_OK && f < n->n_faults; f++) {
        snprintf(key, sizeof key, "%s.fault%zu", name, f + 1);
        snprintf(val, sizeof val, "%s", n->faults[f]);
        s = vnfo_report_evidence_text(e, key, val);
    }
    return s;
}

vnfo_status vnfo__verify_integrity(vnfo_verifier *v, vnfo_report *report)
{
    vnfo_report_entry *e;
    vnfo_status s = vnfo_report_entry_add(&e, report, "logs.integrity", VNFO_REPORT_INTEGRITY,
                                          VNFO_REPORT_PASS, NULL);
    uint64_t bad = 0, batches = 0, truncated = 0;
    for (size_t i = 0; s == VNFO_OK && i < v->n_nodes; i++) {
        const struct vnode *n = &v->nodes[i];
        if (n->pos == VPOS_NONE)
            continue;
        bad += n->batches_bad;
        batches += n->batches;
        truncated += n->truncated;
        s = node_evidence(e, v, n);
    }
    if (s == VNFO_OK && v->decode_errors)
        s = vnfo_report_evidence_text(e, "record_decode_error", v->decode_error);
    if (s != VNFO_OK)
        return s;
    if (bad || truncated || v->decode_errors) {
        vnfo_report_entry_verdict_set(e, VNFO_REPORT_FAIL);
        return vnfo_report_entry_summary_set(e, "%llu of %llu batches failed verification%s%s",
                                             (unsigned long long)bad, (unsigned long long)batches,
                                             truncated ? "; a log is truncated" : "",
                                             v->decode_errors ? "; records do not decode" : "");
    }
    return vnfo_report_entry_summary_set(e, "all %llu batches of %zu logs verify (signature, root, chain)",
                                         (unsigned long long)batches, v->n_chain);
}
