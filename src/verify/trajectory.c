/* Trajectories and the functional checks.
 *
 * The record table is sorted by (epoch, label, chain position, t_in); each
 * run of equal (epoch, label) is one sampled packet's trajectory.  Sampling
 * is consistent (every node samples the same packets and computes the same
 * label), so a packet that crossed the chain has exactly one record per
 * function, in chain order.  Each deviation is a violation of one check,
 * with the label as the example. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "verify_private.h"

enum { C_COMPLETE, C_ORDER, C_FOREIGN, C_LINKS, C_UNMODIFIED, C_DROPS, C_COUNT };

static const struct {
    const char *name, *pass, *what, *unit;
} CHECKS[C_COUNT] = {
    {"chain.complete", "every sampled packet visited every function from its entry on",
     "skipped functions", "sampled packets"},
    {"chain.order", "records follow the chain order, once per function, causal within the clock skew",
     "out-of-order records", "sampled packets"},
    {"chain.foreign_nodes", "no sampled packet visited a node outside the chain", "foreign visits",
     "sampled packets"},
    {"hop.links", "nothing changed a packet between two functions", "changed links",
     "links between hops"},
    {"function.unmodified", "functions that may not modify left packets unchanged",
     "modified packets", "records of such functions"},
    {"drops.attribution", "every drop was logged by a function allowed to drop, and nothing vanished",
     "unaccounted drops", "sampled packets"},
};

struct scan {
    vnfo_verifier *v;
    struct tally t[C_COUNT];
    uint64_t excused;
    uint64_t duplicates; /* extra packets that shared a label */
    const struct vrec *at[VCHAIN_MAX];
};

/* Sorting moves 24-byte keys, not 120-byte records; the records are
 * gathered into order afterwards. */
struct sort_key {
    uint64_t epoch, label;
    uint32_t pos, idx;
};

/* qsort has no context argument: the table being sorted, per thread. */
static _Thread_local const struct vrec *sort_base;

static int cmp_key(const void *pa, const void *pb)
{
    const struct sort_key *a = pa, *b = pb;
    if (a->label != b->label)
        return a->label < b->label ? -1 : 1;
    if (a->epoch != b->epoch)
        return a->epoch < b->epoch ? -1 : 1;
    if (a->pos != b->pos)
        return a->pos < b->pos ? -1 : 1;
    uint64_t ta = sort_base[a->idx].t_in, tb = sort_base[b->idx].t_in;
    return (ta > tb) - (ta < tb);
}

/* Sorts the table by (label, epoch, position, time in). */
static vnfo_status sort_records(vnfo_verifier *v)
{
    if (v->n_recs < 2)
        return VNFO_OK;
    if (v->n_recs > UINT32_MAX)
        return vnfo__error(VNFO_E_LIMIT_EXCEEDED, "verifier: more than 2^32 records");
    struct sort_key *k = vnfo__calloc(v->n_recs, sizeof *k);
    struct vrec *sorted = vnfo__calloc(v->n_recs, sizeof *sorted);
    if (!k || !sorted) {
        vnfo__free(k);
        vnfo__free(sorted);
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory sorting records");
    }
    for (size_t i = 0; i < v->n_recs; i++)
        k[i] = (struct sort_key){v->recs[i].epoch, v->recs[i].label, v->recs[i].pos, (uint32_t)i};
    sort_base = v->recs;
    vnfo__sort(k, v->n_recs, sizeof *k, cmp_key);
    for (size_t i = 0; i < v->n_recs; i++)
        sorted[i] = v->recs[k[i].idx];
    vnfo__free(k);
    vnfo__free(v->recs);
    v->recs = sorted;
    v->cap_recs = v->n_recs;
    return VNFO_OK;
}

static void violation(struct scan *s, int check, uint64_t label, const char *fmt, ...)
    VNFO_PRINTF(4, 5);

static void violation(struct scan *s, int check, uint64_t label, const char *fmt, ...)
{
    char note[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(note, sizeof note, fmt, ap);
    va_end(ap);
    s->t[check].violations++;
    vnfo_report_example_add(s->t[check].entry, label, note);
}

/* A hop missing at a node whose own log admits losses (signed loss counts,
 * rejected batches, a truncated tail) is explained by them, up to their
 * number: the check cannot tell a skipped function from a lost record. */
static int excused(struct scan *s, uint32_t pos, uint64_t t_before)
{
    vnfo_verifier *v = s->v;
    for (size_t i = 0; i < v->n_nodes; i++) {
        struct vnode *n = &v->nodes[i];
        if (n->pos != pos)
            continue;
        int budget = n->missing_seen < n->rejected + n->lost;
        int after_end = n->truncated && t_before + v->skew_ns >= n->end_ns;
        if (budget || after_end || n->unbounded) {
            n->missing_seen++;
            s->excused++;
            return 1;
        }
        return 0;
    }
    return 0;
}

static const char *fname(const vnfo_verifier *v, uint32_t pos) { return v->chain[pos].name; }

/* Foreign nodes, duplicates and hop claims; fills s->at.  Returns the number
 * of chain records. */
static size_t place(struct scan *s, const struct vrec *r, size_t n)
{
    vnfo_verifier *v = s->v;
    size_t chain_recs = 0;
    int foreign = 0, disorder = 0;
    memset(s->at, 0, v->n_chain * sizeof s->at[0]);
    for (size_t i = 0; i < n; i++) {
        if (r[i].pos == VPOS_NONE) {
            if (!foreign++)
                violation(s, C_FOREIGN, r[i].label, "visited node %u, not in the chain", r[i].node_id);
            continue;
        }
        chain_recs++;
        if (s->at[r[i].pos]) {
            if (!disorder++)
                violation(s, C_ORDER, r[i].label, "hop %u (%s) logged it twice", r[i].pos,
                          fname(v, r[i].pos));
            continue;
        }
        s->at[r[i].pos] = &r[i];
        if (r[i].hop != r[i].pos && !disorder++)
            violation(s, C_ORDER, r[i].label, "node %u claims hop %u, is hop %u (%s)", r[i].node_id,
                      r[i].hop, r[i].pos, fname(v, r[i].pos));
    }
    s->t[C_FOREIGN].checked++;
    if (chain_recs)
        s->t[C_ORDER].checked++;
    /* Causality: a later hop cannot receive the packet before an earlier
     * one sent it, beyond the clocks' skew. */
    const struct vrec *prev = NULL;
    for (uint32_t p = 0; p < v->n_chain && !disorder; p++) {
        if (!s->at[p])
            continue;
        if (prev && s->at[p]->t_in + v->skew_ns < prev->t_out) {
            violation(s, C_ORDER, s->at[p]->label, "hop %u (%s) received it %.1f us before hop %u sent it",
                      p, fname(v, p), (double)(prev->t_out - s->at[p]->t_in) / 1e3, prev->pos);
            disorder++;
        }
        prev = s->at[p];
    }
    return chain_recs;
}

static void check_complete(struct scan *s, uint32_t first, uint32_t last)
{
    vnfo_verifier *v = s->v;
    const struct vrec *f = s->at[first];
    int bad = 0;
    s->t[C_COMPLETE].checked++;
    if (first > 0 && f->verdict != VNFO_VERDICT_GENERATED && !excused(s, 0, f->t_in)) {
        violation(s, C_COMPLETE, f->label, "first seen at hop %u (%s)", first, fname(v, first));
        bad = 1;
    }
    const struct vrec *prev = f;
    for (uint32_t p = first + 1; p < last && !bad; p++) {
        if (s->at[p]) {
            prev = s->at[p];
            continue;
        }
        if (excused(s, p, prev->t_out))
            continue;
        violation(s, C_COMPLETE, f->label, "hop %u (%s) missing", p, fname(v, p));
        bad = 1;
    }
}

static void check_drops(struct scan *s, uint32_t first, uint32_t last)
{
    vnfo_verifier *v = s->v;
    s->t[C_DROPS].checked++;
    for (uint32_t p = first; p <= last; p++) {
        const struct vrec *r = s->at[p];
        if (!r || r->verdict != VNFO_VERDICT_DROPPED)
            continue;
        if (!v->chain[p].may_drop) {
            violation(s, C_DROPS, r->label, "dropped by hop %u (%s), which may not drop", p, fname(v, p));
            return;
        }
        if (p < last) {
            violation(s, C_DROPS, r->label, "dropped at hop %u (%s) yet seen at hop %u", p,
                      fname(v, p), last);
            return;
        }
    }
    const struct vrec *l = s->at[last];
    if (l->verdict == VNFO_VERDICT_FORWARDED && last + 1 < v->n_chain && !excused(s, last + 1, l->t_out))
        violation(s, C_DROPS, l->label, "forwarded by hop %u (%s), never reached hop %u (%s)", last,
                  fname(v, last), last + 1, fname(v, last + 1));
}

static void check_digests(struct scan *s, uint32_t first, uint32_t last)
{
    vnfo_verifier *v = s->v;
    for (uint32_t p = first; p <= last; p++) {
        const struct vrec *r = s->at[p], *next = p + 1 <= last ? s->at[p + 1] : NULL;
        if (!r || r->verdict == VNFO_VERDICT_DROPPED)
            continue;
        if (v->chain[p].may_modify == VNFO_MANIFEST_MODIFY_NOTHING &&
            r->verdict == VNFO_VERDICT_FORWARDED) {
            s->t[C_UNMODIFIED].checked++;
            if (memcmp(r->din, r->dout, 16) != 0)
                violation(s, C_UNMODIFIED, r->label, "hop %u (%s) changed it", p, fname(v, p));
        }
        if (next) {
            s->t[C_LINKS].checked++;
            if (memcmp(r->dout, next->din, 16) != 0)
                violation(s, C_LINKS, r->label, "changed between hop %u (%s) and hop %u (%s)", p,
                          fname(v, p), p + 1, fname(v, p + 1));
        }
    }
}

static void trajectory(struct scan *s, const struct vrec *r, size_t n)
{
    if (place(s, r, n) == 0)
        return;
    uint32_t first = UINT32_MAX, last = 0;
    for (uint32_t p = 0; p < s->v->n_chain; p++)
        if (s->at[p]) {
            if (first == UINT32_MAX)
                first = p;
            last = p;
        }
    check_complete(s, first, last);
    check_drops(s, first, last);
    check_digests(s, first, last);
}

vnfo_status vnfo__verify_rate_evidence(vnfo_report_entry *e, uint64_t checked, uint64_t violations,
                                       double confidence)
{
    vnfo_status s = vnfo_report_evidence_uint(e, "checked", checked);
    if (s == VNFO_OK)
        s = vnfo_report_evidence_uint(e, "violations", violations);
    if (s == VNFO_OK && checked && !violations)
        /* Clopper-Pearson with no violation in n: the rate is below
         * 1 - alpha^(1/n) at confidence 1 - alpha. */
        s = vnfo_report_evidence_real(e, "violation_rate_upper",
                                      1.0 - pow(1.0 - confidence, 1.0 / (double)checked));
    if (s == VNFO_OK)
        s = vnfo_report_evidence_real(e, "confidence", confidence);
    return s;
}

static vnfo_status finish(struct scan *s)
{
    for (int c = 0; c < C_COUNT; c++) {
        struct tally *t = &s->t[c];
        vnfo_report_verdict verdict = t->violations ? VNFO_REPORT_FAIL
                                      : t->checked  ? VNFO_REPORT_PASS
                                                    : VNFO_REPORT_INCONCLUSIVE;
        vnfo_status st = vnfo_report_entry_verdict_set(t->entry, verdict);
        if (st == VNFO_OK)
            st = verdict == VNFO_REPORT_FAIL
                     ? vnfo_report_entry_summary_set(t->entry, "%llu %s in %llu %s",
                                                     (unsigned long long)t->violations, CHECKS[c].what,
                                                     (unsigned long long)t->checked, CHECKS[c].unit)
                 : verdict == VNFO_REPORT_PASS
                     ? vnfo_report_entry_summary_set(t->entry, "%s (%llu %s)", CHECKS[c].pass,
                                                     (unsigned long long)t->checked, CHECKS[c].unit)
                     : vnfo_report_entry_summary_set(t->entry, "no sampled packet to check");
        if (st == VNFO_OK)
            st = vnfo__verify_rate_evidence(t->entry, t->checked, t->violations, s->v->confidence);
        if (st == VNFO_OK && c == C_COMPLETE)
            st = vnfo_report_evidence_uint(t->entry, "missing_explained_by_log_faults", s->excused);
        if (st == VNFO_OK && c == C_ORDER)
            st = vnfo_report_evidence_uint(t->entry, "identical_packets_split", s->duplicates);
        if (st != VNFO_OK)
            return st;
    }
    return VNFO_OK;
}

/* Identical packets (a retransmitted bare ACK, say) share a label, so one
 * label may stand for several trajectories.  They are told apart by time,
 * hop by hop: a record joins the copy whose previous hop sent it last
 * before it arrived (within the clock skew), so a copy that lost a record
 * (a rejected batch, a drop) does not shift the pairing of the others.  A
 * function that logged one packet twice (a loop) shows up as a copy that
 * vanished after it. */
struct copy {
    uint32_t idx[VCHAIN_MAX + 1];
    size_t k;
    uint64_t last_out;
    int used; /* took a record at the current position */
};

static size_t pick(struct copy *c, size_t n_copies, size_t max, const struct vrec *r, uint64_t skew)
{
    size_t best = SIZE_MAX;
    for (size_t j = 0; j < n_copies; j++)
        if (!c[j].used && c[j].last_out <= r->t_in + skew &&
            (best == SIZE_MAX || c[j].last_out > c[best].last_out))
            best = j;
    if (best != SIZE_MAX)
        return best;
    if (n_copies < max)
        return n_copies; /* a new copy */
    for (size_t j = 0; j < n_copies; j++) /* none fits in time: the earliest free one */
        if (!c[j].used && (best == SIZE_MAX || c[j].last_out < c[best].last_out))
            best = j;
    return best;
}

static void split(struct scan *s, const struct vrec *r, size_t n, struct copy *c, size_t m)
{
    size_t n_copies = 0;
    for (size_t i = 0, run; i < n; i += run) {
        for (run = 1; i + run < n && r[i + run].pos == r[i].pos; run++)
            ;
        for (size_t j = 0; j < n_copies; j++)
            c[j].used = 0;
        for (size_t q = i; q < i + run; q++) {
            size_t j = pick(c, n_copies, m, &r[q], s->v->skew_ns);
            if (j == n_copies)
                memset(&c[n_copies++], 0, sizeof c[0]);
            if (c[j].k <= VCHAIN_MAX)
                c[j].idx[c[j].k++] = (uint32_t)q;
            c[j].used = 1;
            c[j].last_out = r[q].t_out;
        }
    }
    for (size_t j = 0; j < n_copies; j++) {
        struct vrec one[VCHAIN_MAX + 1];
        for (size_t q = 0; q < c[j].k; q++)
            one[q] = r[c[j].idx[q]];
        trajectory(s, one, c[j].k);
    }
}

static vnfo_status group(struct scan *s, const struct vrec *r, size_t n)
{
    uint32_t count[VCHAIN_MAX + 1] = {0}, m = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t p = r[i].pos == VPOS_NONE ? VCHAIN_MAX : r[i].pos;
        if (++count[p] > m)
            m = count[p];
    }
    if (m <= 1) {
        trajectory(s, r, n);
        return VNFO_OK;
    }
    struct copy *c = vnfo__calloc(m, sizeof *c);
    if (!c)
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory pairing identical packets");
    s->duplicates += m - 1;
    split(s, r, n, c, m);
    vnfo__free(c);
    return VNFO_OK;
}

vnfo_status vnfo__verify_functional(vnfo_verifier *v, vnfo_report *report)
{
    struct scan s;
    memset(&s, 0, sizeof s);
    s.v = v;
    vnfo_status st = VNFO_OK;
    for (size_t i = 0; i < v->n_nodes; i++)
        v->nodes[i].missing_seen = 0;
    for (int c = 0; c < C_COUNT && st == VNFO_OK; c++)
        st = vnfo_report_entry_add(&s.t[c].entry, report, CHECKS[c].name, VNFO_REPORT_FUNCTIONALITY,
                                   VNFO_REPORT_INCONCLUSIVE, NULL);
    if (st == VNFO_OK)
        st = sort_records(v);
    if (st != VNFO_OK)
        return st;
    for (size_t a = 0; a < v->n_recs && st == VNFO_OK;) {
        size_t b = a + 1;
        while (b < v->n_recs && v->recs[b].label == v->recs[a].label &&
               v->recs[b].epoch == v->recs[a].epoch)
            b++;
        st = group(&s, &v->recs[a], b - a);
        a = b;
    }
    if (st != VNFO_OK)
        return st;
    return finish(&s);
}
