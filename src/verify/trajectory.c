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
    uint64_t duplicates;        /* extra packets that shared a label */
    uint64_t ambiguous_labels;  /* labels some hop logged more than once */
    uint64_t ambiguous_packets; /* packets under those labels */
    uint64_t ambiguous_links;   /* links judged as multisets of digests */
    /* A dry scan (on a worker, see scan_shard) only counts: a violation or
     * a need for the nodes' loss budgets marks the group dirty instead. */
    int dry, dirty;
    const struct vrec *at[VCHAIN_MAX];
    /* scratch for ambiguous groups, grown to the largest group */
    uint64_t *times_a, *times_b;
    const uint8_t **dig_a, **dig_b;
    size_t scratch_cap;
};

/* Sorting moves 32-byte keys, not 176-byte records; the records are then
 * gathered into a sorted copy (see gather_range).  The keys carry all the
 * order needs, t_in included, and end in the record's index: the order is
 * total, so every correct sort gives the same table, however many threads
 * share it. */
struct sort_key {
    uint64_t label, epoch, t_in;
    uint32_t pos, idx;
};

static inline int key_less(const struct sort_key *a, const struct sort_key *b)
{
    if (a->label != b->label)
        return a->label < b->label;
    if (a->epoch != b->epoch)
        return a->epoch < b->epoch;
    if (a->pos != b->pos)
        return a->pos < b->pos;
    if (a->t_in != b->t_in)
        return a->t_in < b->t_in;
    return a->idx < b->idx;
}

/* The keys sorted by an introsort typed for them: the comparison inlined
 * (qsort's call per comparison and its merge buffer cost more than the
 * sort itself), quicksort with a median of three, insertion sort for short
 * ranges, and heapsort past 2 log2 n levels, so that no order of labels
 * makes it worse than O(n log n).  Keys are distinct (they end in the
 * index), so every correct sort gives the same order. */
#define KEY_SORT_SHORT 16

static void key_insertion_sort(struct sort_key *k, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct sort_key x = k[i];
        size_t j = i;
        for (; j > 0 && key_less(&x, &k[j - 1]); j--)
            k[j] = k[j - 1];
        k[j] = x;
    }
}

static void key_sift_down(struct sort_key *k, size_t i, size_t n)
{
    struct sort_key x = k[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && key_less(&k[c], &k[c + 1]))
            c++;
        if (!key_less(&x, &k[c]))
            break;
        k[i] = k[c];
        i = c;
    }
    k[i] = x;
}

static void key_heap_sort(struct sort_key *k, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        key_sift_down(k, i, n);
    for (size_t e = n; e-- > 1;) {
        struct sort_key t = k[0];
        k[0] = k[e];
        k[e] = t;
        key_sift_down(k, 0, e);
    }
}

static void key_swap(struct sort_key *a, struct sort_key *b)
{
    struct sort_key t = *a;
    *a = *b;
    *b = t;
}

/* Hoare's partition around the median of k[0], k[n/2], k[n-1] (n > 2):
 * returns j with k[0..j] <= pivot <= k[j+1..n-1], both sides non-empty. */
static size_t key_partition(struct sort_key *k, size_t n)
{
    size_t mid = n / 2;
    if (key_less(&k[mid], &k[0]))
        key_swap(&k[mid], &k[0]);
    if (key_less(&k[n - 1], &k[mid]))
        key_swap(&k[n - 1], &k[mid]);
    if (key_less(&k[mid], &k[0]))
        key_swap(&k[mid], &k[0]);
    struct sort_key p = k[mid];
    size_t i = 0, j = n - 1;
    for (;;) {
        while (key_less(&k[i], &p))
            i++;
        while (key_less(&p, &k[j]))
            j--;
        if (i >= j)
            return j;
        key_swap(&k[i], &k[j]);
        i++;
        j--;
    }
}

static void key_sort(struct sort_key *k, size_t n)
{
    unsigned depth = 0;
    for (size_t m = n; m > 1; m >>= 1)
        depth += 2;
    while (n > KEY_SORT_SHORT) {
        if (depth-- == 0) {
            key_heap_sort(k, n);
            return;
        }
        size_t j = key_partition(k, n) + 1; /* [0, j) and [j, n) */
        if (j < n - j) { /* recurse into the smaller side: O(log n) stack */
            key_sort(k, j);
            k += j;
            n -= j;
        } else {
            key_sort(k + j, n - j);
            n = j;
        }
    }
    key_insertion_sort(k, n);
}

/* Shards of the label space: keys are placed by the top bits of their
 * label (labels are keyed hashes, so the shards are about even), and each
 * shard is sorted on its own, on the verifier's threads. */
#define SHARD_BITS 11
#define SHARDS (1u << SHARD_BITS)

struct shards {
    struct sort_key *k;
    size_t start[SHARDS + 1];
    /* placing the keys: the table in `tasks` ranges of `range` records,
     * each with its own count (then cursor) per shard */
    const vnfo_verifier *v; /* the records, in its segments */
    size_t n, range, tasks;
    size_t *cursor; /* tasks x SHARDS */
};

/* Ranges for placing keys: at least 16384 records each (a few times more
 * ranges than threads, so that none waits long for the last), at most 16
 * per thread, so the cursors stay small (16 KiB a range). */
#define PLACE_RANGE_MIN 16384
#define PLACE_TASKS_PER_THREAD 16

static void shard_sort(void *ctx, size_t i, unsigned worker)
{
    (void)worker;
    struct shards *sh = ctx;
    key_sort(sh->k + sh->start[i], sh->start[i + 1] - sh->start[i]);
}

static size_t shard_of(uint64_t label)
{
    return (size_t)(label >> (64 - SHARD_BITS));
}

/* Copies the records into sorted order, a range of places per task.  The
 * reads are random: prefetching a few places ahead keeps several misses in
 * flight (a gather, unlike a cycle-following permutation in place, has no
 * chain of dependent loads). */
#define GATHER_RANGE 8192
#define GATHER_AHEAD 8

struct gather {
    const vnfo_verifier *from; /* its segments */
    struct vrec *to;
    const struct sort_key *k;
    size_t n;
};

static void gather_range(void *ctx, size_t task, unsigned worker)
{
    (void)worker;
    const struct gather *g = ctx;
    size_t a = task * GATHER_RANGE, b = a + GATHER_RANGE < g->n ? a + GATHER_RANGE : g->n;
    for (size_t i = a; i < b; i++) {
        if (i + GATHER_AHEAD < b) {
            const char *p = (const char *)vnfo__verify_rec(g->from, g->k[i + GATHER_AHEAD].idx);
            __builtin_prefetch(p);
            __builtin_prefetch(p + sizeof(struct vrec) - 1);
        }
        g->to[i] = *vnfo__verify_rec(g->from, g->k[i].idx);
    }
}

static void shard_count(void *ctx, size_t t, unsigned worker)
{
    (void)worker;
    struct shards *sh = ctx;
    size_t *count = sh->cursor + t * SHARDS;
    size_t a = t * sh->range, b = a + sh->range < sh->n ? a + sh->range : sh->n;
    for (size_t i = a; i < b; i++)
        count[shard_of(vnfo__verify_rec(sh->v, i)->label)]++;
}

static void shard_place(void *ctx, size_t t, unsigned worker)
{
    (void)worker;
    struct shards *sh = ctx;
    size_t *cursor = sh->cursor + t * SHARDS;
    size_t a = t * sh->range, b = a + sh->range < sh->n ? a + sh->range : sh->n;
    for (size_t i = a; i < b; i++) {
        const struct vrec *r = vnfo__verify_rec(sh->v, i);
        sh->k[cursor[shard_of(r->label)]++] = (struct sort_key){r->label, r->epoch, r->t_in, r->pos, (uint32_t)i};
    }
}

/* Places the keys by shard, in table order within a shard (a counting
 * sort by the label's top bits, ranges of the table on the workers). */
static vnfo_status shards_place(struct shards *sh, vnfo__workers *w)
{
    size_t most = (size_t)PLACE_TASKS_PER_THREAD * vnfo__workers_count(w);
    sh->tasks = (sh->n + PLACE_RANGE_MIN - 1) / PLACE_RANGE_MIN;
    if (sh->tasks > most)
        sh->tasks = most;
    sh->range = (sh->n + sh->tasks - 1) / sh->tasks;
    sh->cursor = vnfo__calloc(sh->tasks * SHARDS, sizeof *sh->cursor);
    if (!sh->cursor)
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory sorting records");
    vnfo__workers_run(w, sh->tasks, shard_count, sh);
    size_t at = 0;
    for (size_t b = 0; b < SHARDS; b++) {
        sh->start[b] = at;
        for (size_t t = 0; t < sh->tasks; t++) {
            size_t c = sh->cursor[t * SHARDS + b];
            sh->cursor[t * SHARDS + b] = at;
            at += c;
        }
    }
    sh->start[SHARDS] = at;
    vnfo__workers_run(w, sh->tasks, shard_place, sh);
    vnfo__free(sh->cursor);
    return VNFO_OK;
}

/* Sorts the table by (label, epoch, position, time in): the records move
 * from their segments into one sorted array, v->recs.  Memory while it
 * runs: the sorted array and 32 bytes of key a record, besides the
 * segments. */
static vnfo_status sort_records(vnfo_verifier *v)
{
    if (v->recs || !v->n_segs)
        return VNFO_OK; /* sorted by an earlier run, nothing added since; or empty */
    if (v->n_recs > UINT32_MAX)
        return vnfo__error(VNFO_E_LIMIT_EXCEEDED, "verifier: more than 2^32 records");
    struct shards *sh = vnfo__calloc(1, sizeof *sh);
    struct sort_key *k = vnfo__malloc(v->n_recs * sizeof *k);
    struct vrec *sorted = vnfo__malloc(v->n_recs * sizeof *sorted);
    vnfo__workers *w = vnfo__verify_workers(v);
    vnfo_status s = VNFO_OK;
    if (!sh || !k || !sorted)
        s = vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory sorting records");
    if (s == VNFO_OK) {
        vnfo__memory_advise_large(k, v->n_recs * sizeof *k);
        vnfo__memory_advise_large(sorted, v->n_recs * sizeof *sorted);
        sh->k = k;
        sh->v = v;
        sh->n = v->n_recs;
        s = v->n_recs ? shards_place(sh, w) : VNFO_OK;
    }
    if (s != VNFO_OK) {
        vnfo__free(sh);
        vnfo__free(k);
        vnfo__free(sorted);
        return s;
    }
    vnfo__workers_run(w, SHARDS, shard_sort, sh);
    struct gather g = {v, sorted, k, v->n_recs};
    vnfo__workers_run(w, (v->n_recs + GATHER_RANGE - 1) / GATHER_RANGE, gather_range, &g);
    vnfo__free(k);
    vnfo__free(sh);
    v->recs = sorted;
    v->cap_recs = v->n_recs;
    vnfo__verify_segments_free(v);
    return VNFO_OK;
}

uint32_t vnfo__verify_label_multiplicity(const vnfo_verifier *v, const struct vrec *r, size_t n)
{
    (void)v;
    uint32_t m = 0, run = 0;
    /* the run is sorted by chain position (foreign nodes last, together) */
    for (size_t i = 0; i < n; i++) {
        run = i > 0 && r[i].pos == r[i - 1].pos ? run + 1 : 1;
        if (run > m)
            m = run;
    }
    return m;
}

static void violation(struct scan *s, int check, uint64_t label, const char *fmt, ...)
    VNFO_PRINTF(4, 5);

static void violation(struct scan *s, int check, uint64_t label, const char *fmt, ...)
{
    if (s->dry) {
        s->dirty = 1;
        return;
    }
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
    if (s->dry) { /* the budgets are spent in table order: the serial pass */
        s->dirty = 1;
        return 0;
    }
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

/* excused() for up to want hops missing at one position at once: how many
 * the node's admitted losses explain (all of them after a truncated tail
 * or an unbounded deletion).  One pass over the nodes, whatever want is. */
static uint64_t excused_n(struct scan *s, uint32_t pos, uint64_t t_before, uint64_t want)
{
    vnfo_verifier *v = s->v;
    for (size_t i = 0; i < v->n_nodes && want; i++) {
        struct vnode *n = &v->nodes[i];
        if (n->pos != pos)
            continue;
        uint64_t budget = n->rejected + n->lost > n->missing_seen
                              ? n->rejected + n->lost - n->missing_seen : 0;
        int after_end = n->truncated && t_before + v->skew_ns >= n->end_ns;
        uint64_t got = after_end || n->unbounded ? want : budget < want ? budget : want;
        n->missing_seen += got;
        s->excused += got;
        return got;
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
        if (st == VNFO_OK)
            st = vnfo_report_evidence_uint(t->entry, "ambiguous_labels", s->ambiguous_labels);
        if (st == VNFO_OK && (c == C_COMPLETE || c == C_DROPS || c == C_ORDER))
            st = vnfo_report_evidence_uint(t->entry, "ambiguous_packets_judged_by_counts",
                                           s->ambiguous_packets);
        if (st == VNFO_OK && c == C_LINKS)
            st = vnfo_report_evidence_uint(t->entry, "ambiguous_links_judged_as_multisets",
                                           s->ambiguous_links);
        if (st != VNFO_OK)
            return st;
    }
    return VNFO_OK;
}

/* ---- equal labels ---------------------------------------------------------
 *
 * Distinct packets with the same sampled bytes (a retransmitted bare ACK,
 * IP id 0 with the same TCP seq/ack) share a label: one label stands for
 * several trajectories, and nothing in the records says which record of
 * one hop belongs with which record of the next.  Any pairing is a guess,
 * and a wrong guess accuses an honest chain.  So a label some hop logged
 * more than once (an ambiguous label) is judged without a pairing, by what
 * holds for every pairing:
 * - hop.links: the digests leaving hop p and those entering hop p+1 as
 *   multisets; of min(|out|, |in|) links at least min - |out ∩ in| changed;
 * - chain.complete and drops.attribution: packet counts hop by hop; a
 *   shortfall at a hop is a packet that vanished (explained by the node's
 *   admitted losses first), a surplus later is one that skipped hops (it
 *   takes a vanished packet first, then a dropped one, else it was first
 *   seen there);
 * - chain.order: the hop claim of each record, and causality between two
 *   hops with both sides' times sorted (a causal pairing exists iff the
 *   k-th earliest arrival is not before the k-th earliest departure);
 * - chain.foreign_nodes and function.unmodified look at single records.
 * The ambiguity itself is never a violation.  Every step sorts or walks
 * the group once: O(n log n) however many records share a label. */

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

static int cmp_digest(const void *pa, const void *pb)
{
    return memcmp(*(const uint8_t *const *)pa, *(const uint8_t *const *)pb, 16);
}

static vnfo_status scratch_reserve(struct scan *s, size_t n)
{
    if (n <= s->scratch_cap)
        return VNFO_OK;
    vnfo__free(s->times_a);
    vnfo__free(s->times_b);
    vnfo__free(s->dig_a);
    vnfo__free(s->dig_b);
    s->times_a = vnfo__calloc(n, sizeof *s->times_a);
    s->times_b = vnfo__calloc(n, sizeof *s->times_b);
    s->dig_a = vnfo__calloc(n, sizeof *s->dig_a);
    s->dig_b = vnfo__calloc(n, sizeof *s->dig_b);
    s->scratch_cap = n;
    if (!s->times_a || !s->times_b || !s->dig_a || !s->dig_b) {
        s->scratch_cap = 0;
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory judging equal-label packets");
    }
    return VNFO_OK;
}

static void scratch_free(struct scan *s)
{
    vnfo__free(s->times_a);
    vnfo__free(s->times_b);
    vnfo__free(s->dig_a);
    vnfo__free(s->dig_b);
}

/* Violations counted in bulk, with one example. */
static void violations(struct scan *s, int check, uint64_t label, uint64_t count, const char *fmt,
                       ...) VNFO_PRINTF(5, 6);

static void violations(struct scan *s, int check, uint64_t label, uint64_t count, const char *fmt, ...)
{
    if (!count)
        return;
    char note[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(note, sizeof note, fmt, ap);
    va_end(ap);
    s->t[check].violations += count;
    vnfo_report_example_add(s->t[check].entry, label, note);
}

/* The records of one chain position in a group: [start[p], start[p] + cnt[p]). */
struct hops {
    size_t start[VCHAIN_MAX], cnt[VCHAIN_MAX];
    uint64_t dropped[VCHAIN_MAX], generated[VCHAIN_MAX];
    size_t foreign;
};

static void hops_index(struct hops *h, const struct vrec *r, size_t n, size_t n_chain)
{
    memset(h, 0, sizeof *h);
    for (size_t i = n; i-- > 0;) {
        if (r[i].pos == VPOS_NONE || r[i].pos >= n_chain) {
            h->foreign++;
            continue;
        }
        h->start[r[i].pos] = i;
        h->cnt[r[i].pos]++;
        h->dropped[r[i].pos] += r[i].verdict == VNFO_VERDICT_DROPPED;
        h->generated[r[i].pos] += r[i].verdict == VNFO_VERDICT_GENERATED;
    }
}

/* Per-record facts: foreign visits, hop claims, unmodified functions, and
 * drops by functions that may not drop. */
static void ambiguous_records(struct scan *s, const struct vrec *r, size_t n, const struct hops *h,
                              uint64_t packets)
{
    vnfo_verifier *v = s->v;
    uint64_t label = r[0].label, claims = 0, bad_drops = 0;
    s->t[C_FOREIGN].checked += packets;
    if (h->foreign) {
        const struct vrec *f = &r[n - 1]; /* foreign records sort last */
        violations(s, C_FOREIGN, label, h->foreign < packets ? h->foreign : packets,
                   "visited node %u, not in the chain (%zu records)", f->node_id, h->foreign);
    }
    uint32_t claim_pos = 0, bad_drop_pos = 0;
    for (size_t i = 0; i < n; i++) {
        const struct vrec *x = &r[i];
        if (x->pos == VPOS_NONE || x->pos >= v->n_chain)
            continue;
        if (x->hop != x->pos && !claims++)
            claim_pos = x->pos;
        if (x->verdict == VNFO_VERDICT_DROPPED && !v->chain[x->pos].may_drop && !bad_drops++)
            bad_drop_pos = x->pos;
        if (v->chain[x->pos].may_modify == VNFO_MANIFEST_MODIFY_NOTHING &&
            x->verdict == VNFO_VERDICT_FORWARDED) {
            s->t[C_UNMODIFIED].checked++;
            if (memcmp(x->din, x->dout, 16) != 0)
                violation(s, C_UNMODIFIED, label, "hop %u (%s) changed it", x->pos, fname(v, x->pos));
        }
    }
    if (claims)
        violations(s, C_ORDER, label, claims < packets ? claims : packets,
                   "a record of hop %u (%s) claims another hop", claim_pos, fname(v, claim_pos));
    if (bad_drops)
        violations(s, C_DROPS, label, bad_drops, "dropped by hop %u (%s), which may not drop",
                   bad_drop_pos, fname(v, bad_drop_pos));
}

/* hop.links between p and p + 1 as multisets of digests. */
static void ambiguous_link(struct scan *s, const struct vrec *r, const struct hops *h, uint32_t p)
{
    size_t a = 0, b = 0;
    for (size_t i = h->start[p]; i < h->start[p] + h->cnt[p]; i++)
        if (r[i].verdict != VNFO_VERDICT_DROPPED)
            s->dig_a[a++] = r[i].dout;
    for (size_t i = h->start[p + 1]; i < h->start[p + 1] + h->cnt[p + 1]; i++)
        if (r[i].verdict != VNFO_VERDICT_GENERATED)
            s->dig_b[b++] = r[i].din;
    size_t links = a < b ? a : b;
    if (!links)
        return;
    qsort(s->dig_a, a, sizeof *s->dig_a, cmp_digest);
    qsort(s->dig_b, b, sizeof *s->dig_b, cmp_digest);
    size_t same = 0;
    for (size_t i = 0, j = 0; i < a && j < b;) {
        int c = memcmp(s->dig_a[i], s->dig_b[j], 16);
        same += c == 0;
        i += c <= 0;
        j += c >= 0;
    }
    s->t[C_LINKS].checked += links;
    s->ambiguous_links += links;
    violations(s, C_LINKS, r[0].label, links - same,
               "changed between hop %u (%s) and hop %u (%s): %zu of %zu links (equal-label packets, "
               "digests compared as multisets)", p, fname(s->v, p), p + 1, fname(s->v, p + 1),
               links - same, links);
}

/* Causality between the present hops p < q: departures from p (not
 * dropped) against arrivals at q (not generated), both sorted; the most
 * lenient pairing leaves the earliest arrivals unpaired when q saw more. */
static int ambiguous_causal(struct scan *s, const struct vrec *r, const struct hops *h, uint32_t p,
                            uint32_t q)
{
    size_t a = 0, b = 0;
    for (size_t i = h->start[p]; i < h->start[p] + h->cnt[p]; i++)
        if (r[i].verdict != VNFO_VERDICT_DROPPED)
            s->times_a[a++] = r[i].t_out;
    for (size_t i = h->start[q]; i < h->start[q] + h->cnt[q]; i++)
        if (r[i].verdict != VNFO_VERDICT_GENERATED)
            s->times_b[b++] = r[i].t_in;
    qsort(s->times_a, a, sizeof *s->times_a, cmp_u64);
    qsort(s->times_b, b, sizeof *s->times_b, cmp_u64);
    size_t skip = b > a ? b - a : 0;
    for (size_t k = 0; k < a && k + skip < b; k++)
        if (s->times_b[k + skip] + s->v->skew_ns < s->times_a[k]) {
            violation(s, C_ORDER, r[0].label,
                      "hop %u (%s) received one of its equal-label packets %.1f us before hop %u "
                      "sent any left to pair", q, fname(s->v, q),
                      (double)(s->times_a[k] - s->times_b[k + skip]) / 1e3, p);
            return 1;
        }
    return 0;
}

/* The latest departure stamp at p (for excusing a shortfall after it). */
static uint64_t latest_out(const struct vrec *r, const struct hops *h, uint32_t p)
{
    uint64_t t = 0;
    for (size_t i = h->start[p]; i < h->start[p] + h->cnt[p]; i++)
        if (r[i].t_out > t)
            t = r[i].t_out;
    return t;
}

/* chain.complete and drops.attribution by counts, hop by hop (see above). */
static void ambiguous_counts(struct scan *s, const struct vrec *r, const struct hops *h)
{
    vnfo_verifier *v = s->v;
    uint64_t label = r[0].label;
    uint64_t alive = 0, excused_pool = 0, vanished = 0, dropped_pool = 0;
    uint32_t vanished_at = 0, dropped_at = 0;
    uint64_t t_prev = 0;
    for (uint32_t p = 0; p < v->n_chain; p++) {
        uint64_t arrivals = h->cnt[p] - h->generated[p];
        if (arrivals > alive && p > 0) { /* at hop 0 every packet enters the chain */
            uint64_t surplus = arrivals - alive, take;
            take = surplus < excused_pool ? surplus : excused_pool;
            excused_pool -= take, surplus -= take;
            take = surplus < vanished ? surplus : vanished;
            violations(s, C_COMPLETE, label, take, "hop %u (%s) missing (equal-label packets, "
                       "judged by counts)", vanished_at, fname(v, vanished_at));
            vanished -= take, surplus -= take;
            take = surplus < dropped_pool ? surplus : dropped_pool;
            violations(s, C_DROPS, label, take, "dropped at hop %u (%s) yet seen at hop %u "
                       "(equal-label packets, judged by counts)", dropped_at, fname(v, dropped_at), p);
            dropped_pool -= take, surplus -= take;
            for (uint32_t q = 0; q < p && surplus; q++) /* first seen at p: lost at an earlier hop? */
                surplus -= excused_n(s, q, t_prev, surplus);
            violations(s, C_COMPLETE, label, surplus, "first seen at hop %u (%s) (equal-label "
                       "packets, judged by counts)", p, fname(v, p));
        } else if (arrivals < alive) {
            uint64_t short_by = alive - arrivals, ex = excused_n(s, p, t_prev, short_by);
            excused_pool += ex;
            if (short_by > ex) {
                vanished += short_by - ex;
                vanished_at = p;
            }
        }
        if (h->dropped[p]) {
            dropped_pool += h->dropped[p];
            dropped_at = p;
        }
        alive = h->cnt[p] - h->dropped[p];
        if (h->cnt[p])
            t_prev = latest_out(r, h, p);
    }
    violations(s, C_DROPS, label, vanished, "forwarded towards hop %u (%s), never reached it "
               "(equal-label packets, judged by counts)", vanished_at, fname(v, vanished_at));
}

static vnfo_status ambiguous(struct scan *s, const struct vrec *r, size_t n, uint64_t packets)
{
    vnfo_verifier *v = s->v;
    vnfo_status st = scratch_reserve(s, n);
    if (st != VNFO_OK)
        return st;
    struct hops h;
    hops_index(&h, r, n, v->n_chain);
    s->ambiguous_labels++;
    s->ambiguous_packets += packets;
    s->duplicates += packets - 1;
    ambiguous_records(s, r, n, &h, packets);
    if (n == h.foreign)
        return VNFO_OK;
    s->t[C_ORDER].checked += packets;
    s->t[C_COMPLETE].checked += packets;
    s->t[C_DROPS].checked += packets;
    ambiguous_counts(s, r, &h);
    int disorder = 0;
    for (uint32_t p = 0, prev = UINT32_MAX; p < v->n_chain; p++) {
        if (!h.cnt[p])
            continue;
        if (p + 1 < v->n_chain && h.cnt[p + 1])
            ambiguous_link(s, r, &h, p);
        if (prev != UINT32_MAX && !disorder)
            disorder = ambiguous_causal(s, r, &h, prev, p);
        prev = p;
    }
    return VNFO_OK;
}

/* A run of equal (epoch, label): one trajectory when no hop logged the
 * label twice, else an ambiguous group. */
static vnfo_status group(struct scan *s, const struct vrec *r, size_t n)
{
    uint32_t m = vnfo__verify_label_multiplicity(s->v, r, n);
    if (m <= 1) {
        trajectory(s, r, n);
        return VNFO_OK;
    }
    return ambiguous(s, r, n, m);
}

/* ---- the scan on the worker pool -----------------------------------------
 *
 * Most trajectories of an honest chain are clean: no violation, no loss
 * budget spent, no equal labels.  Such a group only adds to the checked
 * counts, which are integers, so their sum does not depend on how the
 * table is split.  Fixed ranges of the table (aligned to group starts) are
 * scanned dry on the workers: a clean group's counts go into its range's
 * tally, any other group is marked for the serial pass, which runs it in
 * table order exactly as a one-pass scan would (examples, loss budgets and
 * ambiguous groups are order-dependent).  The workers allocate nothing;
 * memory: one byte per record for the marks. */
#define SCAN_RANGES 64

struct scan_shard {
    struct scan s; /* dry: counts of the clean groups */
};

struct scan_par {
    vnfo_verifier *v;
    struct scan_shard *shard;
    uint8_t *redo; /* redo[a]: the group starting at record a is run serially */
};

static size_t group_start_at_or_after(const vnfo_verifier *v, size_t i)
{
    while (i > 0 && i < v->n_recs && v->recs[i].label == v->recs[i - 1].label &&
           v->recs[i].epoch == v->recs[i - 1].epoch)
        i++;
    return i;
}

static void scan_range(void *ctx, size_t task, unsigned worker)
{
    (void)worker;
    struct scan_par *p = ctx;
    vnfo_verifier *v = p->v;
    struct scan *s = &p->shard[task].s;
    size_t a = group_start_at_or_after(v, v->n_recs / SCAN_RANGES * task);
    size_t end = task + 1 == SCAN_RANGES ? v->n_recs
                                         : group_start_at_or_after(v, v->n_recs / SCAN_RANGES * (task + 1));
    for (size_t b; a < end; a = b) {
        b = vnfo__verify_label_run_end(v, a);
        if (vnfo__verify_label_multiplicity(v, &v->recs[a], b - a) > 1) {
            p->redo[a] = 1;
            continue;
        }
        uint64_t checked[C_COUNT];
        for (int c = 0; c < C_COUNT; c++)
            checked[c] = s->t[c].checked;
        s->dirty = 0;
        trajectory(s, &v->recs[a], b - a);
        if (s->dirty) {
            for (int c = 0; c < C_COUNT; c++)
                s->t[c].checked = checked[c];
            p->redo[a] = 1;
        }
    }
}

/* The clean groups' counts from the workers, then every other group in
 * table order.  The other checks' tasks (extra) run in the same run, before
 * the scan's ranges. */
static vnfo_status scan_parallel(struct scan *s, vnfo_verifier *v, const struct vnfo__tasks *extra,
                                 size_t n_extra)
{
    struct scan_par p = {v, vnfo__calloc(SCAN_RANGES, sizeof *p.shard), vnfo__calloc(v->n_recs + 1, 1)};
    if (!p.shard || !p.redo) {
        vnfo__free(p.shard);
        vnfo__free(p.redo);
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory checking trajectories");
    }
    for (size_t i = 0; i < SCAN_RANGES; i++) {
        p.shard[i].s.v = v;
        p.shard[i].s.dry = 1;
    }
    struct vnfo__tasks lists[VFUNCTIONAL_EXTRA_MAX + 1];
    if (n_extra)
        memcpy(lists, extra, n_extra * sizeof *extra);
    lists[n_extra] = (struct vnfo__tasks){SCAN_RANGES, scan_range, &p};
    vnfo__workers_run_lists(vnfo__verify_workers(v), lists, n_extra + 1);
    for (size_t i = 0; i < SCAN_RANGES; i++)
        for (int c = 0; c < C_COUNT; c++)
            s->t[c].checked += p.shard[i].s.t[c].checked;
    vnfo__free(p.shard);
    vnfo_status st = VNFO_OK;
    const uint8_t *at = p.redo, *stop = p.redo + v->n_recs;
    while (st == VNFO_OK && (at = memchr(at, 1, (size_t)(stop - at))) != NULL) {
        size_t a = (size_t)(at - p.redo), b = vnfo__verify_label_run_end(v, a);
        st = group(s, &v->recs[a], b - a);
        at = p.redo + b;
    }
    vnfo__free(p.redo);
    return st;
}

vnfo_status vnfo__verify_functional(vnfo_verifier *v, vnfo_report *report, const struct vnfo__tasks *extra,
                                    size_t n_extra)
{
    if (n_extra > VFUNCTIONAL_EXTRA_MAX)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "verifier: %zu task lists beside the trajectory scan", n_extra);
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
    if (v->n_recs)
        st = scan_parallel(&s, v, extra, n_extra);
    else
        vnfo__workers_run_lists(vnfo__verify_workers(v), extra, n_extra);
    scratch_free(&s);
    if (st != VNFO_OK)
        return st;
    return finish(&s);
}
