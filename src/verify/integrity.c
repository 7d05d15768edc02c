/* The integrity check: what the log reader found about each node's log
 * (bad signatures, root mismatches, broken chains, gaps, duplicates and
 * replays, truncated tails), the losses the writers signed, and, when the
 * manifest names logging.heartbeat_ms, whether each log reaches the end of
 * the billing period (docs/FORMAT.md 4.3, "Tail deletion"). */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "internal.h"
#include "verify_private.h"

#define NS_PER_MS 1000000u

int vnfo__verify_billing_ns(const vnfo_verifier *v, uint64_t *start_ns, uint64_t *end_ns)
{
    int64_t start = vnfo_manifest_billing_start(v->manifest), end = vnfo_manifest_billing_end(v->manifest);
    return start >= 0 && end >= 0 &&
           !__builtin_mul_overflow((uint64_t)start, (uint64_t)1000000000u, start_ns) &&
           !__builtin_mul_overflow((uint64_t)end, (uint64_t)1000000000u, end_ns);
}

static struct vnode *node_of(vnfo_verifier *v, uint32_t node_id)
{
    for (size_t i = 0; i < v->n_nodes; i++)
        if (v->nodes[i].node_id == node_id)
            return &v->nodes[i];
    return NULL;
}

static const struct vnode *node_of_const(const vnfo_verifier *v, uint32_t node_id)
{
    return node_of((vnfo_verifier *)v, node_id); /* only read */
}

/* "2026-11-30T23:59:59.123Z (<ns> ns)": a signed time for people and tools. */
static void time_text(char *out, size_t size, uint64_t ns)
{
    time_t sec = (time_t)(ns / 1000000000u);
    struct tm tm;
    char day[32] = "?";
    if (gmtime_r(&sec, &tm))
        strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, size, "%s.%03uZ (%" PRIu64 " ns)", day, (unsigned)(ns % 1000000000u / 1000000u), ns);
}

/* The heartbeat rule for chain node n (NULL: it logged nothing): 0 when
 * its log reaches the period's end, else 1 with the reason in why. */
static int tail_fault(char *why, size_t size, const vnfo_verifier *v, size_t pos, const struct vnode *n)
{
    uint64_t beat_ns = (uint64_t)vnfo_manifest_logging_heartbeat_ms(v->manifest) * NS_PER_MS;
    if (!beat_ns)
        return 0;
    uint64_t start_ns, end_ns;
    if (!vnfo__verify_billing_ns(v, &start_ns, &end_ns))
        end_ns = UINT64_MAX; /* a period no ns clock reaches: no close can match it */
    const struct vfunction *f = &v->chain[pos];
    uint64_t last = n ? n->last_signed_ns : 0;
    uint64_t gap_ms = end_ns > last ? (end_ns - last) / NS_PER_MS : 0;
    char at[96];
    time_text(at, sizeof at, last);
    if (n && n->max_version == 1) {
        snprintf(why, size, "%s (node %" PRIu32 "): log format version 1 has no heartbeats and no "
                 "period close, which the manifest requires (logging.heartbeat_ms %" PRIu32 ")",
                 f->name, f->node_id, vnfo_manifest_logging_heartbeat_ms(v->manifest));
        return 1;
    }
    if (!n || !n->closed) {
        snprintf(why, size, "%s (node %" PRIu32 "): no period-close record for the billing period; "
                 "the log stops at %s, %" PRIu64 " ms before the period's end",
                 f->name, f->node_id, at, gap_ms);
        return 1;
    }
    if (last + beat_ns < end_ns) {
        snprintf(why, size, "%s (node %" PRIu32 "): the last signed time %s is %" PRIu64
                 " ms before the period's end, more than the heartbeat interval", f->name, f->node_id,
                 at, gap_ms);
        return 1;
    }
    return 0;
}

int vnfo__verify_logs_complete(const vnfo_verifier *v)
{
    for (size_t i = 0; i < v->n_nodes; i++) {
        const struct vnode *n = &v->nodes[i];
        if (n->pos != VPOS_NONE && (n->batches_bad || n->truncated || n->unbounded))
            return 0;
    }
    char why[320];
    for (size_t p = 0; p < v->n_chain; p++)
        if (tail_fault(why, sizeof why, v, p, node_of_const(v, v->chain[p].node_id)))
            return 0;
    return v->decode_errors == 0;
}

/* The heartbeat rule over the chain: evidence per node, the first fault
 * in first_why, the count of failing nodes returned.  A failing node's log
 * ends early, as a truncated one does: the functional checks that run next
 * explain hops missing after its last record by that (docs/verify.md). */
static vnfo_status tails_check(uint64_t *failing, char *first_why, size_t size, vnfo_report_entry *e,
                               vnfo_verifier *v)
{
    *failing = 0;
    if (!vnfo_manifest_logging_heartbeat_ms(v->manifest))
        return VNFO_OK;
    vnfo_status s = vnfo_report_evidence_uint(e, "heartbeat_ms", vnfo_manifest_logging_heartbeat_ms(v->manifest));
    for (size_t p = 0; s == VNFO_OK && p < v->n_chain; p++) {
        struct vnode *n = node_of(v, v->chain[p].node_id);
        char key[VNAME_MAX + 32], why[320];
        snprintf(key, sizeof key, "%s.last_signed_ns", v->chain[p].name);
        s = vnfo_report_evidence_uint(e, key, n ? n->last_signed_ns : 0);
        snprintf(key, sizeof key, "%s.heartbeats", v->chain[p].name);
        if (s == VNFO_OK)
            s = vnfo_report_evidence_uint(e, key, n ? n->heartbeats : 0);
        if (s == VNFO_OK && tail_fault(why, sizeof why, v, p, n)) {
            if (n)
                n->truncated = 1; /* for the checks after this one; counted here as a tail fault */
            if (!(*failing)++)
                snprintf(first_why, size, "%s", why);
            snprintf(key, sizeof key, "%s.tail", v->chain[p].name);
            s = vnfo_report_evidence_text(e, key, why);
        }
    }
    return s;
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
    uint64_t tails = 0;
    char tail_why[320] = "";
    if (s == VNFO_OK)
        s = tails_check(&tails, tail_why, sizeof tail_why, e, v);
    if (s != VNFO_OK)
        return s;
    if (bad || truncated || v->decode_errors) {
        vnfo_report_entry_verdict_set(e, VNFO_REPORT_FAIL);
        return vnfo_report_entry_summary_set(e, "%llu of %llu batches failed verification%s%s%s%s",
                                             (unsigned long long)bad, (unsigned long long)batches,
                                             truncated ? "; a log is truncated" : "",
                                             v->decode_errors ? "; records do not decode" : "",
                                             tails ? "; " : "", tail_why);
    }
    if (tails) {
        vnfo_report_entry_verdict_set(e, VNFO_REPORT_FAIL);
        return vnfo_report_entry_summary_set(e, "%llu of %zu logs stop before the billing period's "
                                             "end: %s", (unsigned long long)tails, v->n_chain, tail_why);
    }
    return vnfo_report_entry_summary_set(e, "all %llu batches of %zu logs verify (signature, root, chain)",
                                         (unsigned long long)batches, v->n_chain);
}
