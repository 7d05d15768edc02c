/* Accounting checks, driven by the manifest's "billing" and
 * "verification.minimality" sections: each billed total against the sample
 * (Horvitz-Thompson, binomial count, quantile), and each sampled packet's
 * resource use against the reference's plus the slack. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "verify_private.h"

static vnfo_status inconclusive(vnfo_report *report, const char *name, const char *why)
{
    vnfo_report_entry *e;
    vnfo_status s = vnfo_report_entry_add(&e, report, name, VNFO_REPORT_ACCOUNTING,
                                          VNFO_REPORT_INCONCLUSIVE, why);
    return s;
}

static int in_scope(const struct vrec *r, size_t scope)
{
    return r->pos != VPOS_NONE && !r->foreign &&
           (scope == VNFO_MANIFEST_SCOPE_CHAIN || r->pos == scope);
}

struct label_key {
    uint64_t label;
    uint64_t epoch;
    int bad; /* minimality: this packet exceeded its slack */
};

static int cmp_label_key(const void *a, const void *b)
{
    const struct label_key *x = a, *y = b;
    if (x->label != y->label)
        return x->label < y->label ? -1 : 1;
    return (x->epoch > y->epoch) - (x->epoch < y->epoch);
}

/* The keys are taken from the table, which the functional checks left
 * sorted by (label, epoch): they are then in order already, and sorting
 * them again (qsort's merge sort is stable, so equal keys keep table
 * order either way) is a serial pass worth skipping.  Generic over the key
 * types below, which all start with label and epoch. */
static int keys_sorted(const void *keys, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    const char *k = keys;
    for (size_t i = 1; i < n; i++)
        if (cmp(k + (i - 1) * size, k + i * size) > 0)
            return 0;
    return 1;
}

static void sort_keys(void *keys, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (!keys_sorted(keys, n, size, cmp))
        qsort(keys, n, size, cmp);
}

/* Packets entering the scope, grouped by label: chain records at its first
 * function (or the function itself); a packet a function generated enters
 * there too.  Hash sampling selects equal labels together (duplicates,
 * retransmissions with equal invariant fields), so the sampling unit is
 * the label and its multiplicity the packets that carry it.  Sorting the
 * keys makes this O(n log n) whatever the table's order.  *mult gets
 * *labels multiplicities (allocated; the caller frees). */
static vnfo_status sampled_labels(uint64_t **mult, size_t *labels, const vnfo_verifier *v,
                                  size_t scope)
{
    *mult = NULL;
    *labels = 0;
    struct label_key *keys = vnfo__reallocarray(NULL, v->n_recs + 1, sizeof *keys); /* written before read */
    uint64_t *m = vnfo__calloc(v->n_recs + 1, sizeof *m);
    if (!keys || !m) {
        vnfo__free(keys);
        vnfo__free(m);
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for sampled labels");
    }
    size_t n = 0;
    for (size_t i = 0; i < v->n_recs; i++) {
        const struct vrec *r = &v->recs[i];
        if (!in_scope(r, scope))
            continue;
        if (scope != VNFO_MANIFEST_SCOPE_CHAIN || r->pos == 0 || r->verdict == VNFO_VERDICT_GENERATED)
            keys[n++] = (struct label_key){r->label, r->epoch, 0};
    }
    sort_keys(keys, n, sizeof *keys, cmp_label_key);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || cmp_label_key(&keys[i - 1], &keys[i]) != 0)
            k++;
        m[k - 1]++;
    }
    vnfo__free(keys);
    *mult = m;
    *labels = k;
    return VNFO_OK;
}

/* One value per sampled packet: the sum over its records in the scope (the
 * table is sorted by label, so a packet's records are adjacent).  Summing
 * per packet, not per record, keeps the variance estimate right: a
 * packet's hops are sampled together. */
static vnfo_status fill_sums(vnfo_account_acc *acc, const vnfo_verifier *v, size_t scope, int mem)
{
    for (size_t a = 0; a < v->n_recs;) {
        size_t b = a;
        uint64_t x = 0;
        int any = 0;
        for (; b < v->n_recs && v->recs[b].label == v->recs[a].label && v->recs[b].epoch == v->recs[a].epoch; b++)
            if (in_scope(&v->recs[b], scope)) {
                uint64_t add = mem ? v->recs[b].mem : v->recs[b].cycles;
                x = x + add < x ? UINT64_MAX : x + add;
                any = 1;
            }
        if (any) {
            vnfo_status s = vnfo_account_acc_add(acc, x);
            if (s != VNFO_OK)
                return s;
        }
        a = b;
    }
    return VNFO_OK;
}

/* Memory per record in scope as a cluster sample: the records of one
 * (epoch, label) are adjacent in the sorted table and sampled together
 * (a packet's hops and its duplicates), so each is one unit
 * (vnfo_account_quantile_check_clusters()).  Two words per record. */
static vnfo_status mem_quantile(vnfo_account_result *r, const vnfo_verifier *v, size_t scope,
                                double q, uint64_t billed, const vnfo_account_options *o,
                                size_t *count)
{
    uint64_t *vals = vnfo__calloc(v->n_recs + 1, sizeof *vals);
    uint64_t *mult = vnfo__calloc(v->n_recs + 1, sizeof *mult);
    if (!vals || !mult) {
        vnfo__free(vals);
        vnfo__free(mult);
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for memory values");
    }
    size_t n = 0, labels = 0;
    const struct vrec *prev = NULL;
    for (size_t i = 0; i < v->n_recs; i++) {
        const struct vrec *rec = &v->recs[i];
        if (!in_scope(rec, scope))
            continue;
        if (!prev || prev->label != rec->label || prev->epoch != rec->epoch)
            mult[labels++] = 0;
        mult[labels - 1]++;
        vals[n++] = rec->mem;
        prev = rec;
    }
    *count = n;
    vnfo_status s = n ? vnfo_account_quantile_check_clusters(r, vals, mult, labels, q, billed, o)
                      : VNFO_OK;
    vnfo__free(vals);
    vnfo__free(mult);
    return s;
}

/* Bytes on the wire: one value per sampled packet, the wire length of the
 * record where it enters the scope (as sampled_labels() counts packets),
 * added label by label (the sampling unit, see sampled_labels()).
 * *unstated counts entering records that do not state it (format 1). */
struct wire_key {
    uint64_t label, epoch, wire;
};

static int cmp_wire_key(const void *a, const void *b)
{
    const struct wire_key *x = a, *y = b;
    if (x->label != y->label)
        return x->label < y->label ? -1 : 1;
    return (x->epoch > y->epoch) - (x->epoch < y->epoch);
}

static vnfo_status fill_wire_bytes(vnfo_account_acc *acc, uint64_t *unstated, const vnfo_verifier *v,
                                   size_t scope)
{
    *unstated = 0;
    struct wire_key *keys = vnfo__reallocarray(NULL, v->n_recs + 1, sizeof *keys); /* written before read */
    uint64_t *vals = vnfo__reallocarray(NULL, v->n_recs + 1, sizeof *vals);
    if (!keys || !vals) {
        vnfo__free(keys);
        vnfo__free(vals);
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for wire lengths");
    }
    size_t n = 0;
    for (size_t i = 0; i < v->n_recs; i++) {
        const struct vrec *r = &v->recs[i];
        if (!in_scope(r, scope) ||
            !(scope != VNFO_MANIFEST_SCOPE_CHAIN || r->pos == 0 || r->verdict == VNFO_VERDICT_GENERATED))
            continue;
        if (!r->wire_len)
            (*unstated)++;
        else
            keys[n++] = (struct wire_key){r->label, r->epoch, r->wire_len};
    }
    sort_keys(keys, n, sizeof *keys, cmp_wire_key);
    vnfo_status s = VNFO_OK;
    for (size_t a = 0; s == VNFO_OK && a < n;) {
        size_t b = a;
        for (; b < n && cmp_wire_key(&keys[a], &keys[b]) == 0; b++)
            vals[b - a] = keys[b].wire;
        s = vnfo_account_acc_add_cluster(acc, vals, b - a);
        a = b;
    }
    vnfo__free(keys);
    vnfo__free(vals);
    return s;
}

/* Whether some sampled label carries several packets in the scope (two of
 * its records at one chain position: duplicates).  The manifest's
 * max_per_packet bounds one packet, and the Bernstein bound needs a bound
 * per sampling unit, so it is not applied then. */
static int labels_repeat(const vnfo_verifier *v, size_t scope)
{
    for (size_t i = 1; i < v->n_recs; i++) {
        const struct vrec *a = &v->recs[i - 1], *b = &v->recs[i];
        if (a->label == b->label && a->epoch == b->epoch && a->pos == b->pos && in_scope(a, scope) &&
            in_scope(b, scope))
            return 1;
    }
    return 0;
}

/* The Bernstein bound's M from the manifest (0: none), when it applies to
 * the sample; *unused says why not. */
static uint64_t bill_max(const char **unused, const vnfo_verifier *v, size_t i, size_t scope)
{
    uint64_t m = vnfo_manifest_billing_max_per_packet(v->manifest, i);
    *unused = NULL;
    if (m && labels_repeat(v, scope)) {
        *unused = "sampled labels carry several packets (duplicates): max_per_packet bounds one "
                  "packet, not a label";
        return 0;
    }
    return m;
}

static double summary_quantile(vnfo_manifest_summary s)
{
    switch (s) {
    case VNFO_MANIFEST_SUMMARY_P50: return 0.50;
    case VNFO_MANIFEST_SUMMARY_P95: return 0.95;
    case VNFO_MANIFEST_SUMMARY_P99: return 0.99;
    default: return 0;
    }
}

static vnfo_status bill_entry(vnfo_verifier *v, vnfo_report *report, size_t i)
{
    const vnfo_manifest *m = v->manifest;
    const char *res = vnfo_manifest_billing_resource_name(m, i);
    vnfo_manifest_resource kind = vnfo_manifest_billing_resource(m, i);
    vnfo_manifest_summary summary = vnfo_manifest_billing_summary(m, i);
    size_t scope = vnfo_manifest_billing_scope_index(m, i);
    const char *fn = scope == VNFO_MANIFEST_SCOPE_CHAIN ? NULL : v->chain[scope].name;
    char name[2 * VNAME_MAX + 16], what[2 * VNAME_MAX + 32];
    snprintf(name, sizeof name, "bill.%s%s%s", fn ? fn : "", fn ? "." : "", res);
    snprintf(what, sizeof what, "billed %s%s%s", res, fn ? " of " : "", fn ? fn : "");
    uint64_t billed;
    if (!v->bill)
        return inconclusive(report, name, "no bill given");
    if (vnfo_bill_total(&billed, v->bill, fn, res) != VNFO_OK)
        return inconclusive(report, name, "the bill does not list this resource");
    if (!vnfo__verify_logs_complete(v))
        return inconclusive(report, name, "logs incomplete (see logs.integrity): the sample would be biased");
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    o.confidence = v->confidence;
    const char *max_unused;
    o.max_value = bill_max(&max_unused, v, i, scope);
    vnfo_account_result r;
    vnfo_account_result_init(&r, VNFO_ACCOUNT_RESULT_VERSION);
    vnfo_status s;
    if (kind == VNFO_MANIFEST_RESOURCE_PACKETS) {
        uint64_t *mult;
        size_t labels;
        if ((s = sampled_labels(&mult, &labels, v, scope)) != VNFO_OK)
            return s;
        s = vnfo_account_count_check_clusters(&r, mult, labels, billed, v->rate, &o);
        vnfo__free(mult);
    } else if (kind == VNFO_MANIFEST_RESOURCE_BYTES && summary == VNFO_MANIFEST_SUMMARY_SUM) {
        vnfo_account_acc *acc;
        uint64_t unstated = 0;
        if ((s = vnfo_account_acc_create(&acc, NULL)) != VNFO_OK)
            return s;
        s = fill_wire_bytes(acc, &unstated, v, scope);
        if (s == VNFO_OK && (unstated || vnfo_account_acc_count(acc) == 0)) {
            vnfo_account_acc_free(acc);
            return inconclusive(report, name, unstated
                                ? "records do not state the packets' wire length (record format "
                                  "version 1 has no wire_len)"
                                : "no sampled packet in scope");
        }
        if (s == VNFO_OK)
            s = vnfo_account_total_check(&r, acc, billed, v->rate, &o);
        vnfo_account_acc_free(acc);
    } else if ((kind == VNFO_MANIFEST_RESOURCE_CPU_CYCLES || kind == VNFO_MANIFEST_RESOURCE_MEM_BYTES) &&
               (summary == VNFO_MANIFEST_SUMMARY_SUM || summary_quantile(summary) > 0)) {
        vnfo_account_acc *acc;
        if ((s = vnfo_account_acc_create(&acc, NULL)) != VNFO_OK)
            return s;
        int mem = kind == VNFO_MANIFEST_RESOURCE_MEM_BYTES;
        if (summary == VNFO_MANIFEST_SUMMARY_SUM) {
            s = fill_sums(acc, v, scope, mem);
            if (s == VNFO_OK && vnfo_account_acc_count(acc) == 0) {
                vnfo_account_acc_free(acc);
                return inconclusive(report, name, "no sampled packet in scope");
            }
            if (s == VNFO_OK)
                s = vnfo_account_total_check(&r, acc, billed, v->rate, &o);
        } else if (mem) {
            size_t count = 0;
            s = mem_quantile(&r, v, scope, summary_quantile(summary), billed, &o, &count);
            if (s == VNFO_OK && count == 0) {
                vnfo_account_acc_free(acc);
                return inconclusive(report, name, "no sampled packet in scope");
            }
        } else {
            /* cycles per packet: one value per (epoch, label), already a
             * unit of its own */
            s = fill_sums(acc, v, scope, 0);
            if (s == VNFO_OK && vnfo_account_acc_count(acc) == 0) {
                vnfo_account_acc_free(acc);
                return inconclusive(report, name, "no sampled packet in scope");
            }
            if (s == VNFO_OK)
                s = vnfo_account_quantile_check(&r, acc, summary_quantile(summary), billed, &o);
        }
        vnfo_account_acc_free(acc);
    } else {
        return inconclusive(report, name, "records carry no per-packet value for this resource and summary");
    }
    if (s != VNFO_OK) {
        vnfo_report_entry *e;
        vnfo_status s2 = vnfo_report_entry_add(&e, report, name, VNFO_REPORT_ACCOUNTING,
                                               VNFO_REPORT_INCONCLUSIVE, vnfo_error_message());
        return s2 != VNFO_OK ? s2 : vnfo_report_evidence_text(e, "status", vnfo_status_name(s));
    }
    vnfo_report_entry *e;
    s = vnfo__verify_account_entry(&e, report, name, VNFO_REPORT_ACCOUNTING, &r, what);
    /* The manifest's M, applied (Bernstein when the total is too skewed for
     * the corrected interval; method says which decided), or why not. */
    if (s == VNFO_OK && o.max_value)
        s = vnfo_report_evidence_uint(e, "max_per_packet", o.max_value);
    if (s == VNFO_OK && max_unused)
        s = vnfo_report_evidence_text(e, "max_per_packet_unused", max_unused);
    return s;
}

/* Slack options of minimality bound i: either slack suffices when both are
 * given, as the manifest's "relative" and "absolute" read. */
static void minimality_options(vnfo_account_options *o, const vnfo_verifier *v, size_t i)
{
    double rel = vnfo_manifest_minimality_relative(v->manifest, i);
    double abs = vnfo_manifest_minimality_absolute(v->manifest, i);
    o->confidence = v->confidence;
    o->slack_rel = rel;
    o->slack_abs = abs;
    o->slack_mode = rel > 0 && abs > 0 ? VNFO_ACCOUNT_SLACK_EITHER
                    : rel > 0          ? VNFO_ACCOUNT_SLACK_REL
                                       : VNFO_ACCOUNT_SLACK_ABS;
}

#define NO_REPLAY "no packet replayed through a reference (use --reference and a logging " \
                  "granularity that keeps packets)"

/* Only replay.c marks records replayed, and only for functions with a
 * reference. */
static int any_reference(const vnfo_verifier *v)
{
    for (size_t p = 0; p < v->n_chain; p++)
        if (v->chain[p].ref || v->chain[p].ref_lt)
            return 1;
    return 0;
}

static vnfo_status minimality_entry(vnfo_verifier *v, vnfo_report *report, size_t i)
{
    const char *res = vnfo_manifest_minimality_resource_name(v->manifest, i);
    vnfo_manifest_resource kind = vnfo_manifest_minimality_resource(v->manifest, i);
    char name[VNAME_MAX + 16], what[VNAME_MAX + 32];
    snprintf(name, sizeof name, "minimality.%s", res);
    snprintf(what, sizeof what, "%s over the reference", res);
    if (kind != VNFO_MANIFEST_RESOURCE_CPU_CYCLES && kind != VNFO_MANIFEST_RESOURCE_MEM_BYTES)
        return inconclusive(report, name, "references report cpu_cycles and mem_bytes only");
    if (!any_reference(v)) /* no record was replayed: skip the pass over the table */
        return inconclusive(report, name, NO_REPLAY);
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    minimality_options(&o, v, i);
    int mem = kind == VNFO_MANIFEST_RESOURCE_MEM_BYTES;
    uint64_t checked = 0;
    /* Checked packets keyed by label: duplicates of a label are sampled,
     * and tend to violate, together (vnfo_account_minimality_check_clusters). */
    struct label_key *keys = vnfo__reallocarray(NULL, v->n_recs + 1, sizeof *keys); /* written before read */
    if (!keys)
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for minimality labels");
    /* Violating labels, kept for the examples (the report caps them). */
    uint64_t labels[64];
    size_t n_labels = 0;
    uint64_t not_replayed = 0; /* records of functions with a reference that it did not replay */
    for (size_t k = 0; k < v->n_recs; k++) {
        const struct vrec *r = &v->recs[k];
        if (!r->has_ref) {
            not_replayed += r->pos != VPOS_NONE && !r->foreign &&
                            (v->chain[r->pos].ref || v->chain[r->pos].ref_lt);
            continue;
        }
        int bad = 0;
        vnfo_status s = vnfo_account_slack_exceeded(&bad, mem ? r->mem : r->cycles,
                                                    mem ? v->refs[k].mem : v->refs[k].cycles, &o);
        if (s != VNFO_OK) {
            vnfo__free(keys);
            return s;
        }
        keys[checked] = (struct label_key){r->label, r->epoch, bad};
        checked++;
        if (bad && n_labels < 64)
            labels[n_labels++] = r->label;
    }
    if (!checked) {
        vnfo__free(keys);
        return inconclusive(report, name, NO_REPLAY);
    }
    /* Sort (O(n log n)) and fold equal labels: per label, packets checked
     * (into keys[].label's slot of m) and violations. */
    sort_keys(keys, (size_t)checked, sizeof *keys, cmp_label_key);
    uint64_t *m = vnfo__calloc(2 * (size_t)checked, sizeof *m), *bad_per = m ? m + checked : NULL;
    size_t nl = 0;
    for (size_t k = 0; m && k < checked; k++) {
        if (k == 0 || cmp_label_key(&keys[k - 1], &keys[k]) != 0)
            nl++;
        m[nl - 1]++;
        bad_per[nl - 1] += (uint64_t)keys[k].bad;
    }
    vnfo__free(keys);
    if (!m)
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for minimality labels");
    vnfo_account_result r;
    vnfo_account_result_init(&r, VNFO_ACCOUNT_RESULT_VERSION);
    vnfo_status s = vnfo_account_minimality_check_clusters(&r, m, bad_per, nl, &o);
    vnfo__free(m);
    if (s != VNFO_OK)
        return s;
    vnfo_report_entry *e;
    s = vnfo__verify_account_entry_logs(&e, report, name, VNFO_REPORT_ACCOUNTING, &r, what, v);
    if (s == VNFO_OK)
        s = vnfo_report_evidence_uint(e, "labels", nl);
    if (s == VNFO_OK) /* unreplayable ones: reference.<function>'s evidence says why */
        s = vnfo_report_evidence_uint(e, "records_not_replayed", not_replayed);
    for (size_t k = 0; s == VNFO_OK && k < n_labels; k++)
        s = vnfo_report_example_add(e, labels[k], "above the reference plus slack");
    return s;
}

vnfo_status vnfo__verify_accounting(vnfo_verifier *v, vnfo_report *report)
{
    vnfo_status s = VNFO_OK;
    for (size_t i = 0; s == VNFO_OK && i < vnfo_manifest_billing_count(v->manifest); i++)
        s = bill_entry(v, report, i);
    for (size_t i = 0; s == VNFO_OK && i < vnfo_manifest_minimality_count(v->manifest); i++)
        s = minimality_entry(v, report, i);
    return s;
}
