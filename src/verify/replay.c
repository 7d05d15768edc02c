/* Replay through the customer's references (black-box and snapshot
 * equivalence): each logged input packet goes through f̂; the verdict, the
 * output digest and, in snapshot mode, the state digest must match the
 * record.  f̂'s resource figures feed the minimality check. */
#include <stdio.h>
#include <string.h>

#include <vnfo/packet.h>

#include "internal.h"
#include "verify_private.h"

#define REPLAY_OUT_MAX 65536

struct replay_tally {
    uint64_t replayed, mismatches, unreplayable, digest_skipped, other_link_type;
    vnfo_report_entry *entry;
};

static int verdict_matches(vnfo_reference_verdict ref, uint8_t logged)
{
    return (ref == VNFO_REFERENCE_DROP && logged == VNFO_VERDICT_DROPPED) ||
           (ref == VNFO_REFERENCE_FORWARD && logged == VNFO_VERDICT_FORWARDED);
}

static void mismatch(struct replay_tally *t, const struct vrec *r, const char *what)
{
    t->mismatches++;
    vnfo_report_example_add(t->entry, r->label, what);
}

static void replay_one(vnfo_verifier *v, struct replay_tally *t, struct vrec *r, uint8_t *out)
{
    const struct vfunction *f = &v->chain[r->pos];
    vnfo_reference_resources res;
    memset(&res, 0, sizeof res);
    size_t out_len = 0;
    vnfo_reference_verdict rv;
    if (f->ref_lt) {
        rv = f->ref_lt(f->ref_ctx, r->link_type, v->arena + r->bytes_in, r->bytes_in_len, out,
                       REPLAY_OUT_MAX, &out_len, &res);
    } else if (r->link_type != v->opts.linktype) {
        /* A reference without a link type reads opts.linktype frames only. */
        t->other_link_type++;
        return;
    } else {
        rv = f->ref(f->ref_ctx, v->arena + r->bytes_in, r->bytes_in_len, out, REPLAY_OUT_MAX,
                    &out_len, &res);
    }
    if (rv == VNFO_REFERENCE_ERROR) {
        t->unreplayable++;
        return;
    }
    t->replayed++;
    r->has_ref = 1;
    v->refs[r - v->recs] = (struct vref){res.cpu_cycles, res.mem_bytes};
    if (!verdict_matches(rv, r->verdict)) {
        mismatch(t, r, rv == VNFO_REFERENCE_DROP ? "reference drops, provider forwarded"
                                                 : "reference forwards, provider dropped");
        return;
    }
    if (rv == VNFO_REFERENCE_FORWARD) {
        /* Only a whole logged packet gives a comparable digest. */
        uint8_t d[VNFO_PACKET_DIGEST_BYTES];
        if (r->granularity != VNFO_GRANULARITY_FULL ||
            vnfo_packet_digest(d, out, out_len, r->link_type) != VNFO_OK)
            t->digest_skipped++;
        else if (memcmp(d, r->dout, sizeof d) != 0) {
            mismatch(t, r, "output differs from the reference's");
            return;
        }
    }
    if (v->opts.snapshot && r->state != VBYTES_NONE && res.has_state &&
        memcmp(v->arena + r->state, res.state_digest, sizeof res.state_digest) != 0)
        mismatch(t, r, "state digest differs from the reference's");
}

static vnfo_status finish(vnfo_verifier *v, struct replay_tally *t, const char *name)
{
    vnfo_report_verdict verdict = t->mismatches ? VNFO_REPORT_FAIL
                                  : t->replayed ? VNFO_REPORT_PASS
                                                : VNFO_REPORT_INCONCLUSIVE;
    vnfo_status s = vnfo_report_entry_verdict_set(t->entry, verdict);
    if (s == VNFO_OK)
        s = verdict == VNFO_REPORT_FAIL
                ? vnfo_report_entry_summary_set(t->entry, "%llu of %llu replayed packets differ from the reference %s",
                                                (unsigned long long)t->mismatches,
                                                (unsigned long long)t->replayed, name)
            : verdict == VNFO_REPORT_PASS
                ? vnfo_report_entry_summary_set(t->entry, "%llu replayed packets match the reference %s",
                                                (unsigned long long)t->replayed, name)
                : vnfo_report_entry_summary_set(t->entry, "no logged packet bytes to replay through %s "
                                                "(logging granularity digest?)", name);
    if (s == VNFO_OK)
        s = vnfo__verify_rate_evidence(t->entry, t->replayed, t->mismatches, v->confidence);
    if (s == VNFO_OK)
        s = vnfo_report_evidence_uint(t->entry, "unreplayable", t->unreplayable);
    if (s == VNFO_OK)
        s = vnfo_report_evidence_uint(t->entry, "digest_not_comparable", t->digest_skipped);
    if (s == VNFO_OK && t->other_link_type)
        s = vnfo_report_evidence_uint(t->entry, "other_link_type", t->other_link_type);
    if (s == VNFO_OK)
        s = vnfo_report_evidence_text(t->entry, "mode", v->opts.snapshot ? "snapshot" : "black-box");
    return s;
}

/* The references' costs of an earlier run are dropped: they belong to
 * that run's table order.  Memory: 16 bytes a record while references are
 * set. */
static vnfo_status refs_fresh(vnfo_verifier *v)
{
    if (v->refs)
        for (size_t i = 0; i < v->n_recs; i++)
            v->recs[i].has_ref = 0;
    vnfo__free(v->refs);
    v->refs = NULL;
    int any = 0;
    for (uint32_t p = 0; p < v->n_chain; p++)
        any |= v->chain[p].ref || v->chain[p].ref_lt;
    if (any && !(v->refs = vnfo__reallocarray(NULL, v->n_recs + 1, sizeof *v->refs))) /* written before read */
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for the references' costs");
    return VNFO_OK;
}

vnfo_status vnfo__verify_replay(vnfo_verifier *v, vnfo_report *report)
{
    uint8_t *out = NULL;
    vnfo_status s = refs_fresh(v);
    for (uint32_t p = 0; p < v->n_chain && s == VNFO_OK; p++) {
        if (!v->chain[p].ref && !v->chain[p].ref_lt)
            continue;
        if (!out && !(out = vnfo__malloc(REPLAY_OUT_MAX)))
            return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for replay");
        struct replay_tally t = {0};
        char name[VNAME_MAX + 16];
        snprintf(name, sizeof name, "reference.%s", v->chain[p].name);
        s = vnfo_report_entry_add(&t.entry, report, name, VNFO_REPORT_FUNCTIONALITY,
                                  VNFO_REPORT_INCONCLUSIVE, NULL);
        for (size_t i = 0; s == VNFO_OK && i < v->n_recs; i++)
            if (v->recs[i].pos == p && v->recs[i].bytes_in != VBYTES_NONE &&
                v->recs[i].verdict != VNFO_VERDICT_GENERATED)
                replay_one(v, &t, &v->recs[i], out);
        if (s == VNFO_OK)
            s = finish(v, &t, v->chain[p].function);
    }
    vnfo__free(out);
    return s;
}
