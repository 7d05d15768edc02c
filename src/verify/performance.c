/* Performance checks, one per entry of the manifest's "sla": the provider's
 * delay statistic (per function: t_out - t_in; chain: last t_out - first
 * t_in of packets that crossed it all) against the reference's plus the
 * slack.  A reference's delay is its cycles at the nominal clock of the
 * options (reference_ghz); without references it is 0 and the slack alone
 * bounds the delay. */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "verify_private.h"

/* The statistic of the reference delays (sorted in place). */
static double reference_stat(uint64_t *x, size_t n, vnfo_manifest_statistic stat)
{
    if (n == 0)
        return 0;
    vnfo__sort_u64(x, n);
    double q;
    switch (stat) {
    case VNFO_MANIFEST_STAT_MEAN: {
        double sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += (double)x[i];
        return sum / (double)n;
    }
    case VNFO_MANIFEST_STAT_MAX: return (double)x[n - 1];
    case VNFO_MANIFEST_STAT_P50: q = 0.50; break;
    case VNFO_MANIFEST_STAT_P95: q = 0.95; break;
    default: q = 0.99; break;
    }
    size_t k = (size_t)(q * (double)n);
    return (double)x[k < n ? k : n - 1];
}

static vnfo_account_metric metric_of(vnfo_manifest_statistic stat)
{
    switch (stat) {
    case VNFO_MANIFEST_STAT_MEAN: return VNFO_ACCOUNT_METRIC_MEAN;
    case VNFO_MANIFEST_STAT_P50: return VNFO_ACCOUNT_METRIC_P50;
    case VNFO_MANIFEST_STAT_P95: return VNFO_ACCOUNT_METRIC_P95;
    case VNFO_MANIFEST_STAT_P99: return VNFO_ACCOUNT_METRIC_P99;
    case VNFO_MANIFEST_STAT_MAX: break;
    }
    return VNFO_ACCOUNT_METRIC_MAX;
}

/* The sampled delays as a cluster sample: hash sampling selects the
 * packets of one label together (duplicates), so each label is a unit
 * with its multiplicity (vnfo_account_performance_check_clusters()).
 * For the chain scope, also what the evidence says about the labels. */
struct delays {
    uint64_t *values; /* label by label */
    uint64_t *mult;
    size_t n, labels;
    uint64_t with_copies; /* labels of the chain scope with several copies */
    uint64_t unpaired;    /* labels that left the chain but could not be paired */
    uint64_t not_crossing; /* labels that entered the chain and never left it */
    uint64_t records;     /* per function: the function's records */
    uint64_t not_forwarded; /* per function: records without a departure (drops, packets it made) */
    uint64_t backwards;   /* delays whose departure precedes the arrival, counted as 0 */
};

/* A departure before the arrival (a shim clock stepped back, or skew
 * between the chain's first and last node) counts as delay 0, and is
 * counted in the evidence. */
static void delay_add(struct delays *d, uint64_t t_in, uint64_t t_out, int new_label)
{
    d->backwards += t_out < t_in;
    d->values[d->n++] = t_out > t_in ? t_out - t_in : 0;
    if (new_label)
        d->mult[d->labels++] = 0;
    d->mult[d->labels - 1]++;
}

/* m copies through the whole chain: the run holds m records of each
 * function, in chain order, every one forwarded.  (The run is sorted by
 * position, then arrival; a label logged once is the case m = 1.) */
static int whole_copies(const struct vrec *r, size_t n, size_t n_chain, size_t *m)
{
    size_t c = 0;
    while (c < n && r[c].pos == 0)
        c++;
    if (c == 0 || n != c * n_chain)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (r[i].pos != i / c || r[i].verdict != VNFO_VERDICT_FORWARDED)
            return 0;
    *m = c;
    return 1;
}

/* Did some copy leave the last function, forwarded?  (Records of foreign
 * nodes sort last, after the last function's.) */
static int left_chain(const struct vrec *r, size_t n, size_t last)
{
    for (size_t i = n; i-- > 0;)
        if (r[i].pos == last && r[i].verdict == VNFO_VERDICT_FORWARDED)
            return 1;
    return 0;
}

/* End-to-end delays of the packets that crossed the whole chain, and the
 * sum of their references' delays when every function replayed them.  The
 * table is sorted by label (trajectory.c); each label is its own unit.
 *
 * Copies of one label (identical packets the hash selected together) are
 * paired in order: the k-th earliest arrival at the first function with
 * the k-th earliest departure from the last.  Identical packets cannot
 * overtake each other in FIFO functions, so for them this is the true
 * pairing; for any functions it leaves the label's mean delay (the sum of
 * departures minus the sum of arrivals, over m) what every pairing gives,
 * and its delays are majorised by every other pairing's (the largest is
 * the smallest possible), so a guess never accuses an honest chain.  A
 * label whose copies did not all cross the chain (a drop, a missing or
 * foreign record among them) has no such pairing: it is left out and
 * counted (evidence "labels_unpaired"). */
static void chain_delays(struct delays *acc, uint64_t *ref, size_t *n_ref, int *ref_all,
                         const vnfo_verifier *v)
{
    size_t last = v->n_chain - 1;
    for (size_t a = 0, b; a < v->n_recs; a = b) {
        b = vnfo__verify_label_run_end(v, a);
        const struct vrec *r = &v->recs[a];
        size_t n = b - a, m;
        if (!whole_copies(r, n, v->n_chain, &m)) {
            if (left_chain(r, n, last))
                acc->unpaired++;
            else if (r[0].pos == 0 && !r[0].foreign)
                acc->not_crossing++; /* dropped inside the chain: no end-to-end delay */
            continue;
        }
        acc->with_copies += m > 1;
        uint64_t *out = acc->values + acc->n; /* the departures, sorted */
        for (size_t k = 0; k < m; k++)
            out[k] = r[last * m + k].t_out;
        if (m > 1)
            vnfo__sort_u64(out, m);
        for (size_t k = 0; k < m; k++) {
            uint64_t t_in = r[k].t_in; /* arrivals are sorted already */
            delay_add(acc, t_in, out[k], k == 0);
            double ref_ns = 0;
            for (size_t p = 0; p < v->n_chain; p++) {
                const struct vrec *x = &r[p * m + k];
                if (x->has_ref && v->opts.reference_ghz > 0)
                    ref_ns += (double)v->refs[x - v->recs].cycles / v->opts.reference_ghz;
                else
                    *ref_all = 0;
            }
            ref[(*n_ref)++] = (uint64_t)ref_ns;
        }
    }
}

/* Provider delays into acc, reference delays into ref (ns).  A function's
 * records of one (epoch, label) are adjacent in the sorted table: the
 * label's duplicates, one unit. */
static void collect(struct delays *acc, uint64_t *ref, size_t *n_ref, int *ref_all,
                    const vnfo_verifier *v, size_t scope)
{
    *n_ref = 0;
    *ref_all = v->opts.reference_ghz > 0;
    acc->n = acc->labels = 0;
    acc->with_copies = acc->unpaired = acc->not_crossing = 0;
    acc->records = acc->not_forwarded = acc->backwards = 0;
    if (scope == VNFO_MANIFEST_SCOPE_CHAIN) {
        chain_delays(acc, ref, n_ref, ref_all, v);
        return;
    }
    const struct vrec *prev = NULL;
    for (size_t i = 0; i < v->n_recs; i++) {
        const struct vrec *r = &v->recs[i];
        if (r->pos != scope || r->foreign)
            continue;
        acc->records++;
        if (r->verdict != VNFO_VERDICT_FORWARDED) {
            acc->not_forwarded++;
            continue;
        }
        int same = prev && prev->label == r->label && prev->epoch == r->epoch;
        delay_add(acc, r->t_in, r->t_out, !same);
        prev = r;
        if (r->has_ref && v->opts.reference_ghz > 0)
            ref[(*n_ref)++] = (uint64_t)((double)v->refs[i].cycles / v->opts.reference_ghz);
        else
            *ref_all = 0;
    }
}

/* What the scope made of the records: for the chain the labels (units,
 * those with copies, and those left out), for a function its records and
 * those without a delay; for both the delays counted as 0.  Nothing is
 * left out silently. */
static vnfo_status units_evidence(vnfo_report_entry *e, const struct delays *acc, int chain)
{
    vnfo_status s;
    if (chain) {
        s = vnfo_report_evidence_uint(e, "labels", acc->labels);
        if (s == VNFO_OK)
            s = vnfo_report_evidence_uint(e, "labels_with_copies", acc->with_copies);
        if (s == VNFO_OK)
            s = vnfo_report_evidence_uint(e, "labels_unpaired", acc->unpaired);
        if (s == VNFO_OK)
            s = vnfo_report_evidence_uint(e, "labels_not_crossing", acc->not_crossing);
    } else {
        s = vnfo_report_evidence_uint(e, "records", acc->records);
        if (s == VNFO_OK)
            s = vnfo_report_evidence_uint(e, "records_not_forwarded", acc->not_forwarded);
    }
    if (s == VNFO_OK)
        s = vnfo_report_evidence_uint(e, "delays_backwards_as_zero", acc->backwards);
    return s;
}

/* One SLA entry's figures, computed on a worker (see
 * vnfo__verify_performance) and reported in manifest order. */
struct sla_slot {
    vnfo_status status;        /* VNFO_OK, or what failed ... */
    char why[512];             /* ... and its message */
    vnfo_account_result r;
    size_t sampled;            /* delays in scope; 0: inconclusive */
    int ref_all;
    struct delays units;       /* the chain scope's label counts (no arrays) */
};

struct sla_par {
    const vnfo_verifier *v;
    struct sla_slot *slot;
};

static void sla_options(vnfo_account_options *o, const vnfo_verifier *v, size_t i)
{
    const vnfo_manifest *m = v->manifest;
    o->confidence = v->confidence;
    if (vnfo_manifest_sla_slack_kind(m, i) == VNFO_MANIFEST_SLACK_RATIO) {
        o->slack_mode = VNFO_ACCOUNT_SLACK_REL;
        o->slack_rel = vnfo_manifest_sla_slack_ratio(m, i) - 1.0;
    } else {
        o->slack_mode = VNFO_ACCOUNT_SLACK_ABS;
        o->slack_abs = (double)vnfo_manifest_sla_slack_us(m, i) * 1e3;
    }
}

static void slot_fail(struct sla_slot *slot, vnfo_status s)
{
    slot->status = s;
    snprintf(slot->why, sizeof slot->why, "%s", vnfo_error_message());
}

/* The delays of entry i and their check.  Three arrays of one word per
 * record while it runs (24 bytes a record per entry in flight). */
static void sla_compute(void *ctx, size_t i, unsigned worker)
{
    (void)worker;
    const struct sla_par *p = ctx;
    const vnfo_verifier *v = p->v;
    struct sla_slot *slot = &p->slot[i];
    vnfo_manifest_statistic stat = vnfo_manifest_sla_statistic(v->manifest, i);
    uint64_t *ref = vnfo__reallocarray(NULL, v->n_recs + 1, sizeof *ref); /* written before read */
    struct delays d = {vnfo__reallocarray(NULL, v->n_recs + 1, sizeof(uint64_t)),
                       vnfo__reallocarray(NULL, v->n_recs + 1, sizeof(uint64_t)), 0, 0, 0, 0, 0, 0, 0, 0};
    vnfo_account_result_init(&slot->r, VNFO_ACCOUNT_RESULT_VERSION);
    if (!ref || !d.values || !d.mult) {
        slot_fail(slot, vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for delays"));
    } else {
        size_t n_ref;
        collect(&d, ref, &n_ref, &slot->ref_all, v, vnfo_manifest_sla_scope_index(v->manifest, i));
        double reference = slot->ref_all ? reference_stat(ref, n_ref, stat) : 0;
        vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
        sla_options(&o, v, i);
        slot->sampled = d.n;
        slot->units = d;
        slot->units.values = slot->units.mult = NULL; /* freed below; the counts stay */
        vnfo_status s = d.n ? vnfo_account_performance_check_clusters(&slot->r, d.values, d.mult, d.labels,
                                                                      metric_of(stat), reference, &o)
                            : VNFO_OK;
        if (s != VNFO_OK)
            slot_fail(slot, s);
    }
    vnfo__free(ref);
    vnfo__free(d.values);
    vnfo__free(d.mult);
}

static vnfo_status sla_report(vnfo_verifier *v, vnfo_report *report, size_t i, const struct sla_slot *slot)
{
    const vnfo_manifest *m = v->manifest;
    size_t scope = vnfo_manifest_sla_scope_index(m, i);
    vnfo_manifest_statistic stat = vnfo_manifest_sla_statistic(m, i);
    char name[VNAME_MAX + 48], what[VNAME_MAX + 48];
    const char *sname = scope == VNFO_MANIFEST_SCOPE_CHAIN ? "chain" : v->chain[scope].name;
    snprintf(name, sizeof name, "sla.%s.delay.%s", sname, vnfo_manifest_statistic_name(stat));
    snprintf(what, sizeof what, "%s delay of %s", vnfo_manifest_statistic_name(stat), sname);
    if (slot->status != VNFO_OK)
        return vnfo__error(slot->status, "%s", slot->why);
    vnfo_report_entry *e;
    if (slot->sampled == 0) {
        vnfo_status s = vnfo_report_entry_add(&e, report, name, VNFO_REPORT_PERFORMANCE,
                                              VNFO_REPORT_INCONCLUSIVE, "no sampled delay in scope");
        if (s == VNFO_OK)
            s = units_evidence(e, &slot->units, scope == VNFO_MANIFEST_SCOPE_CHAIN);
        return s;
    }
    vnfo_status s = vnfo__verify_account_entry_logs(&e, report, name, VNFO_REPORT_PERFORMANCE, &slot->r,
                                                    what, v);
    if (s == VNFO_OK)
        s = vnfo_report_evidence_text(e, "unit", "ns");
    if (s == VNFO_OK)
        s = vnfo_report_evidence_text(e, "reference_from",
                                      slot->ref_all ? "replayed references" : "none (0)");
    if (s == VNFO_OK)
        s = units_evidence(e, &slot->units, scope == VNFO_MANIFEST_SCOPE_CHAIN);
    return s;
}

/* The entries are independent: each is computed whole by one task (its
 * sums and quantiles in the same order whatever the thread count), on the
 * verifier's workers when they may allocate (no vnfo_allocator_set()
 * hooks: workers never call those), else in this thread; the report gets
 * them in manifest order. */
struct vsla {
    struct sla_par p;
    size_t n;
};

int vnfo__verify_sla_before_replay(const vnfo_verifier *v)
{
    if (v->refs || !vnfo__allocator_is_default())
        return 0; /* costs of an earlier replay, cleared by the next (replay.c) */
    for (size_t i = 0; i < v->n_chain; i++)
        if (v->chain[i].ref || v->chain[i].ref_lt)
            return 0;
    return 1;
}

vnfo_status vnfo__verify_sla_tasks(struct vsla **out, struct vnfo__tasks *tasks, const vnfo_verifier *v)
{
    *out = NULL;
    *tasks = (struct vnfo__tasks){0, sla_compute, NULL};
    size_t n = vnfo_manifest_sla_count(v->manifest);
    if (!n)
        return VNFO_OK;
    struct vsla *sla = vnfo__calloc(1, sizeof *sla);
    struct sla_slot *slot = vnfo__calloc(n, sizeof *slot);
    if (!sla || !slot) {
        vnfo__free(sla);
        vnfo__free(slot);
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for delays");
    }
    *sla = (struct vsla){{v, slot}, n};
    *tasks = (struct vnfo__tasks){n, sla_compute, &sla->p};
    *out = sla;
    return VNFO_OK;
}

void vnfo__verify_sla_free(struct vsla *sla)
{
    if (!sla)
        return;
    vnfo__free(sla->p.slot);
    vnfo__free(sla);
}

vnfo_status vnfo__verify_performance(vnfo_verifier *v, vnfo_report *report, struct vsla *sla)
{
    if (!sla) {
        struct vnfo__tasks t;
        vnfo_status s = vnfo__verify_sla_tasks(&sla, &t, v);
        if (s != VNFO_OK || !sla)
            return s;
        vnfo__workers_run(vnfo__allocator_is_default() ? vnfo__verify_workers(v) : NULL, t.n, t.fn, t.ctx);
    }
    vnfo_status s = VNFO_OK;
    for (size_t i = 0; s == VNFO_OK && i < sla->n; i++)
        s = sla_report(v, report, i, &sla->p.slot[i]);
    vnfo__verify_sla_free(sla);
    return s;
}
