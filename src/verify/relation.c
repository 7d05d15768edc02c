/* Black-box checking through relations (docs/verify.md, "Black-box
 * relations").  A stateful function's output is not a function of the
 * packet, so the customer states a relation instead: which outputs some
 * state consistent with the sample admits (per packet), and which facts
 * about the state the records show (across records).  Here, per chain
 * function with a relation:
 *
 *   1. the sampled records are sorted by (flow key, order), so each record
 *      is checked beside the previous sampled record of its flow;
 *   2. every fact is sorted by (space, key, time) and swept once: a fact
 *      whose value differs from that of an earlier fact still holding at
 *      its time is a conflict, reported with both records' labels.
 *
 * Both are O(n log n) in the sampled records, with O(n) memory: one item
 * per record (a flow key of at most 48 bytes) and at most four facts per
 * record (144 bytes each, with the pointer they are sorted through). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "verify_private.h"

#define WHY_MAX 200

struct item {
    size_t rec;                 /* index into v->recs */
    uint64_t order;
    uint32_t key_len;
    uint8_t key[VNFO_RELATION_KEY_BYTES];
};

struct fact_item {
    vnfo_relation_fact f;
    uint64_t t;
    uint64_t label;
};

struct rel_tally {
    uint64_t checked, inadmissible, not_applicable, facts, conflicts, flows;
    vnfo_report_entry *entry;
};

size_t vnfo_relation_size(void) { return sizeof(vnfo_relation); }

vnfo_status vnfo_verifier_relation_set(vnfo_verifier *v, const char *name,
                                       const vnfo_relation *relation, void *ctx)
{
    if (!v || !name)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_verifier_relation_set: NULL argument");
    if (relation && relation->version != VNFO_RELATION_VERSION)
        return vnfo__error(VNFO_E_STRUCT_VERSION, "vnfo_verifier_relation_set: relation version %u, expected %u",
                           relation->version, VNFO_RELATION_VERSION);
    if (relation && !relation->check)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_verifier_relation_set: the relation has no check callback");
    for (size_t i = 0; i < v->n_chain; i++)
        if (strcmp(v->chain[i].name, name) == 0) {
            vnfo_relation none = VNFO_RELATION_INIT;
            none.version = VNFO_RELATION_VERSION;
            v->chain[i].rel = relation ? *relation : none;
            v->chain[i].rel_ctx = ctx;
            return VNFO_OK;
        }
    return vnfo__error(VNFO_E_NOT_FOUND, "relation for \"%s\": no chain entry of that name", name);
}

static void packet_of(vnfo_relation_packet *p, const vnfo_verifier *v, const struct vrec *r)
{
    memset(p, 0, sizeof *p);
    p->label = r->label;
    p->t_in_ns = r->t_in;
    p->linktype = r->link_type;
    p->forwarded = r->verdict == VNFO_VERDICT_FORWARDED;
    p->in = v->arena + r->bytes_in;
    p->in_len = r->bytes_in_len;
    p->in_whole = r->granularity == VNFO_GRANULARITY_FULL;
    if (p->forwarded && r->bytes_out != VBYTES_NONE) {
        p->out = v->arena + r->bytes_out;
        p->out_len = r->bytes_out_len;
        p->out_whole = r->granularity == VNFO_GRANULARITY_FULL;
    }
}

static int cmp_bytes(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    if (al != bl)
        return al < bl ? -1 : 1;
    return memcmp(a, b, al);
}

static int cmp_u64(uint64_t a, uint64_t b) { return (a > b) - (a < b); }

/* qsort takes no context: the verifier whose records are sorted, per thread. */
static _Thread_local const vnfo_verifier *tl_v;

static int cmp_item(const void *pa, const void *pb)
{
    const struct item *a = pa, *b = pb;
    int c = cmp_bytes(a->key, a->key_len, b->key, b->key_len);
    if (c == 0)
        c = cmp_u64(a->order, b->order);
    if (c == 0)
        c = cmp_u64(tl_v->recs[a->rec].t_in, tl_v->recs[b->rec].t_in);
    if (c == 0)
        c = cmp_u64(a->rec, b->rec);
    return c;
}

/* Facts are sorted through pointers: each is 136 bytes. */
static int cmp_fact(const void *pa, const void *pb)
{
    const struct fact_item *a = *(const struct fact_item *const *)pa, *b = *(const struct fact_item *const *)pb;
    int c = cmp_u64(a->f.space, b->f.space);
    if (c == 0)
        c = cmp_bytes(a->f.key, a->f.key_len, b->f.key, b->f.key_len);
    if (c == 0)
        c = cmp_u64(a->t, b->t);
    if (c == 0)
        c = cmp_u64(a->label, b->label);
    return c;
}

/* The records this relation judges: bytes in, a verdict of the function. */
static int judged(const struct vrec *r, uint32_t pos)
{
    return r->pos == pos && r->bytes_in != VBYTES_NONE && r->verdict != VNFO_VERDICT_GENERATED &&
           !r->foreign;
}

static vnfo_status items_collect(struct item **out, size_t *n_out, vnfo_verifier *v, uint32_t pos)
{
    const struct vfunction *f = &v->chain[pos];
    size_t n = 0;
    for (size_t i = 0; i < v->n_recs; i++)
        n += judged(&v->recs[i], pos);
    *out = NULL;
    *n_out = 0;
    if (!n)
        return VNFO_OK;
    struct item *it = vnfo__reallocarray(NULL, n, sizeof *it);
    if (!it)
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for relation %s", f->name);
    size_t k = 0;
    for (size_t i = 0; i < v->n_recs; i++) {
        if (!judged(&v->recs[i], pos))
            continue;
        struct item *x = &it[k++];
        memset(x, 0, sizeof *x);
        x->rec = i;
        if (f->rel.flow) {
            vnfo_relation_packet p;
            size_t kl = 0;
            packet_of(&p, v, &v->recs[i]);
            f->rel.flow(f->rel_ctx, &p, x->key, &kl, &x->order);
            x->key_len = (uint32_t)(kl <= VNFO_RELATION_KEY_BYTES ? kl : VNFO_RELATION_KEY_BYTES);
        }
    }
    tl_v = v;
    qsort(it, n, sizeof *it, cmp_item);
    *out = it;
    *n_out = n;
    return VNFO_OK;
}

/* A fact's readable name, for conflicts. */
static const char *space_name(const struct vfunction *f, uint32_t space, char *buf, size_t cap)
{
    if (f->rel.space_names && space < f->rel.n_space_names && f->rel.space_names[space])
        return f->rel.space_names[space];
    snprintf(buf, cap, "fact space %u", space);
    return buf;
}

/* The relation's reason is the customer's text: terminated, and anything
 * but printable ASCII replaced, so every report renderer takes it. */
static void printable(char *why, size_t cap)
{
    why[cap - 1] = '\0';
    for (char *c = why; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
            *c = '?';
}

/* Per packet, each record beside the previous sampled record of its flow. */
static vnfo_status check_packets(vnfo_verifier *v, uint32_t pos, const struct item *it, size_t n,
                                 struct rel_tally *t)
{
    const struct vfunction *f = &v->chain[pos];
    vnfo_status s = VNFO_OK;
    for (size_t k = 0; s == VNFO_OK && k < n; k++) {
        int same_flow = k > 0 && it[k].key_len &&
                        cmp_bytes(it[k].key, it[k].key_len, it[k - 1].key, it[k - 1].key_len) == 0;
        t->flows += it[k].key_len && !same_flow;
        vnfo_relation_packet p, prev;
        packet_of(&p, v, &v->recs[it[k].rec]);
        if (same_flow)
            packet_of(&prev, v, &v->recs[it[k - 1].rec]);
        char why[WHY_MAX] = "";
        vnfo_relation_verdict rv = f->rel.check(f->rel_ctx, &p, same_flow ? &prev : NULL, why, sizeof why);
        if (rv == VNFO_RELATION_NOT_APPLICABLE) {
            t->not_applicable++;
            continue;
        }
        t->checked++;
        if (rv != VNFO_RELATION_INADMISSIBLE)
            continue;
        t->inadmissible++;
        printable(why, sizeof why);
        char note[WHY_MAX + 64];
        snprintf(note, sizeof note, "%s inadmissible: %s", p.forwarded ? "forwarded" : "dropped",
                 why[0] ? why : "no state admits it");
        s = vnfo_report_example_add(t->entry, p.label, note);
    }
    return s;
}

static vnfo_status facts_collect(struct fact_item **out, const struct fact_item ***order, size_t *n_out,
                                 vnfo_verifier *v, uint32_t pos, const struct item *it, size_t n)
{
    const struct vfunction *f = &v->chain[pos];
    *out = NULL;
    *order = NULL;
    *n_out = 0;
    if (!f->rel.facts || !n)
        return VNFO_OK;
    size_t cap = n, k = 0;
    struct fact_item *fi = vnfo__reallocarray(NULL, cap, sizeof *fi);
    if (!fi)
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for the facts of relation %s", f->name);
    for (size_t i = 0; i < n; i++) {
        vnfo_relation_fact facts[VNFO_RELATION_FACTS_MAX];
        vnfo_relation_packet p;
        const struct vrec *r = &v->recs[it[i].rec];
        memset(facts, 0, sizeof facts);
        packet_of(&p, v, r);
        size_t got = f->rel.facts(f->rel_ctx, &p, facts);
        if (got > VNFO_RELATION_FACTS_MAX)
            got = VNFO_RELATION_FACTS_MAX;
        for (size_t j = 0; j < got; j++) {
            if (facts[j].key_len == 0 || facts[j].key_len > VNFO_RELATION_KEY_BYTES ||
                facts[j].value_len > VNFO_RELATION_KEY_BYTES)
                continue; /* not a fact the sweep can compare */
            if (k == cap) {
                struct fact_item *g = vnfo__reallocarray(fi, cap * 2, sizeof *fi);
                if (!g) {
                    vnfo__free(fi);
                    return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for the facts of relation %s",
                                       f->name);
                }
                fi = g;
                cap *= 2;
            }
            fi[k].f = facts[j];
            fi[k].t = r->t_in;
            fi[k].label = r->label;
            k++;
        }
    }
    const struct fact_item **ord = vnfo__reallocarray(NULL, k ? k : 1, sizeof *ord);
    if (!ord) {
        vnfo__free(fi);
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for the facts of relation %s", f->name);
    }
    for (size_t i = 0; i < k; i++)
        ord[i] = &fi[i];
    qsort(ord, k, sizeof *ord, cmp_fact);
    *out = fi;
    *order = ord;
    *n_out = k;
    return VNFO_OK;
}

static int same_value(const vnfo_relation_fact *a, const vnfo_relation_fact *b)
{
    return cmp_bytes(a->value, a->value_len, b->value, b->value_len) == 0;
}

/* One sweep per (space, key): each fact against the earlier fact whose
 * value holds longest.  Whenever some pair conflicts, at least one
 * conflict is reported (the longest holder either differs from the new
 * fact, or itself conflicted with the differing one earlier). */
static vnfo_status sweep_facts(const struct vfunction *f, const struct fact_item *const *fi, size_t n,
                               struct rel_tally *t)
{
    vnfo_status s = VNFO_OK;
    size_t holder = 0;
    for (size_t k = 0; s == VNFO_OK && k < n; k++) {
        t->facts++;
        int group_start = k == 0 || fi[k]->f.space != fi[k - 1]->f.space ||
                          cmp_bytes(fi[k]->f.key, fi[k]->f.key_len, fi[k - 1]->f.key, fi[k - 1]->f.key_len) != 0;
        if (group_start) {
            holder = k;
            continue;
        }
        const struct fact_item *h = fi[holder];
        uint64_t h_end = h->t + h->f.hold_ns < h->t ? UINT64_MAX : h->t + h->f.hold_ns;
        if (!same_value(&h->f, &fi[k]->f) && fi[k]->t < h_end) {
            t->conflicts++;
            char name[48], note[WHY_MAX + 96];
            snprintf(note, sizeof note, "%s: conflicts with label %016llx, %.6f s earlier (its state holds %.6f s)",
                     space_name(f, fi[k]->f.space, name, sizeof name), (unsigned long long)h->label,
                     (double)(fi[k]->t - h->t) / 1e9, (double)h->f.hold_ns / 1e9);
            s = vnfo_report_example_add(t->entry, fi[k]->label, note);
        }
        uint64_t k_end = fi[k]->t + fi[k]->f.hold_ns < fi[k]->t ? UINT64_MAX : fi[k]->t + fi[k]->f.hold_ns;
        if (k_end > h_end)
            holder = k;
    }
    return s;
}

static vnfo_status finish(vnfo_verifier *v, struct rel_tally *t, const char *function)
{
    uint64_t bad = t->inadmissible + t->conflicts;
    vnfo_report_verdict verdict = bad ? VNFO_REPORT_FAIL : t->checked ? VNFO_REPORT_PASS
                                                                       : VNFO_REPORT_INCONCLUSIVE;
    vnfo_status s = vnfo_report_entry_verdict_set(t->entry, verdict);
    if (s == VNFO_OK)
        s = verdict == VNFO_REPORT_FAIL
                ? vnfo_report_entry_summary_set(t->entry, "%llu of %llu sampled packets inadmissible and %llu "
                                                "conflicting facts under the relation %s",
                                                (unsigned long long)t->inadmissible,
                                                (unsigned long long)t->checked,
                                                (unsigned long long)t->conflicts, function)
            : verdict == VNFO_REPORT_PASS
                ? vnfo_report_entry_summary_set(t->entry, "%llu sampled packets admissible and %llu facts "
                                                "consistent under the relation %s",
                                                (unsigned long long)t->checked,
                                                (unsigned long long)t->facts, function)
                : vnfo_report_entry_summary_set(t->entry, "no logged packet the relation %s judges "
                                                "(logging granularity digest?)", function);
    if (s == VNFO_OK)
        s = vnfo__verify_rate_evidence(t->entry, t->checked, bad, v->confidence);
    if (s == VNFO_OK)
        s = vnfo_report_evidence_uint(t->entry, "inadmissible", t->inadmissible);
    if (s == VNFO_OK)
        s = vnfo_report_evidence_uint(t->entry, "not_applicable", t->not_applicable);
    if (s == VNFO_OK)
        s = vnfo_report_evidence_uint(t->entry, "facts", t->facts);
    if (s == VNFO_OK)
        s = vnfo_report_evidence_uint(t->entry, "conflicts", t->conflicts);
    if (s == VNFO_OK)
        s = vnfo_report_evidence_uint(t->entry, "flows", t->flows);
    if (s == VNFO_OK)
        s = vnfo_report_evidence_text(t->entry, "mode", "relation");
    return s;
}

static vnfo_status relation_one(vnfo_verifier *v, vnfo_report *report, uint32_t pos)
{
    const struct vfunction *f = &v->chain[pos];
    struct rel_tally t = {0};
    char name[VNAME_MAX + 16];
    snprintf(name, sizeof name, "relation.%s", f->name);
    vnfo_status s = vnfo_report_entry_add(&t.entry, report, name, VNFO_REPORT_FUNCTIONALITY,
                                          VNFO_REPORT_INCONCLUSIVE, NULL);
    struct item *it = NULL;
    struct fact_item *fi = NULL;
    const struct fact_item **ord = NULL;
    size_t n = 0, nf = 0;
    if (s == VNFO_OK)
        s = items_collect(&it, &n, v, pos);
    if (s == VNFO_OK)
        s = check_packets(v, pos, it, n, &t);
    if (s == VNFO_OK)
        s = facts_collect(&fi, &ord, &nf, v, pos, it, n);
    if (s == VNFO_OK)
        s = sweep_facts(f, ord, nf, &t);
    if (s == VNFO_OK)
        s = finish(v, &t, f->function);
    vnfo__free(it);
    vnfo__free(fi);
    vnfo__free(ord);
    return s;
}

vnfo_status vnfo__verify_relations(vnfo_verifier *v, vnfo_report *report)
{
    vnfo_status s = VNFO_OK;
    for (uint32_t p = 0; p < v->n_chain && s == VNFO_OK; p++)
        if (v->chain[p].rel.check)
            s = relation_one(v, report, p);
    return s;
}
