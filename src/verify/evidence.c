/* Accounting and performance results from the account module, as report
 * entries with their evidence. */
#include <math.h>
#include <stdio.h>

#include "internal.h"
#include "verify_private.h"

static vnfo_report_verdict verdict_of(vnfo_account_verdict v)
{
    switch (v) {
    case VNFO_ACCOUNT_CONSISTENT:
    case VNFO_ACCOUNT_PASS:
        return VNFO_REPORT_PASS;
    case VNFO_ACCOUNT_OVERCHARGED:
    case VNFO_ACCOUNT_UNDERCHARGED:
    case VNFO_ACCOUNT_FAIL:
        return VNFO_REPORT_FAIL;
    case VNFO_ACCOUNT_INCONCLUSIVE:
    case VNFO_ACCOUNT_VERDICT_NONE:
        break;
    }
    return VNFO_REPORT_INCONCLUSIVE;
}

/* Adds a real only when the check used it (unused fields are NaN). */
static vnfo_status opt_real(vnfo_report_entry *e, const char *key, double v)
{
    return isnan(v) ? VNFO_OK : vnfo_report_evidence_real(e, key, v);
}

vnfo_status vnfo__verify_account_entry(vnfo_report_entry **out, vnfo_report *report,
                                       const char *name, vnfo_report_category category,
                                       const vnfo_account_result *r, const char *what)
{
    vnfo_report_entry *e;
    vnfo_status s = vnfo_report_entry_add(out, report, name, category, verdict_of(r->verdict), NULL);
    if (s != VNFO_OK)
        return s;
    e = *out;
    s = vnfo_report_entry_summary_set(e, "%s: %s, %s", what, vnfo_account_verdict_name(r->verdict),
                                      vnfo_account_reason_text(r->reason));
    if (s == VNFO_OK)
        s = vnfo_report_evidence_text(e, "account_verdict", vnfo_account_verdict_name(r->verdict));
    if (s == VNFO_OK)
        s = vnfo_report_evidence_text(e, "method", vnfo_account_method_name(r->method));
    if (s == VNFO_OK)
        s = vnfo_report_evidence_uint(e, "n", r->n);
    if (s == VNFO_OK)
        s = opt_real(e, "billed", r->billed);
    if (s == VNFO_OK)
        s = opt_real(e, "estimate", r->estimate);
    if (s == VNFO_OK && !isnan(r->lower) && !isnan(r->upper))
        s = vnfo_report_evidence_interval(e, "interval", r->lower, r->upper);
    if (s == VNFO_OK)
        s = opt_real(e, "p_value", r->p_value);
    if (s == VNFO_OK)
        s = opt_real(e, "reference", r->reference);
    if (s == VNFO_OK)
        s = opt_real(e, "limit", r->limit);
    if (s == VNFO_OK && r->check == VNFO_ACCOUNT_CHECK_MINIMALITY) {
        s = vnfo_report_evidence_uint(e, "violations", r->violations);
        if (s == VNFO_OK && !isnan(r->rate_lower))
            s = vnfo_report_evidence_interval(e, "violation_rate", r->rate_lower, r->rate_upper);
    }
    if (s == VNFO_OK && r->check == VNFO_ACCOUNT_CHECK_TOTAL)
        s = vnfo_report_evidence_bool(e, "cochran_ok", r->cochran_ok);
    /* A clustered quantile interval reports its effective sample size. */
    if (s == VNFO_OK && (r->check == VNFO_ACCOUNT_CHECK_QUANTILE ||
                         (r->check == VNFO_ACCOUNT_CHECK_PERFORMANCE && r->rank_upper)))
        s = opt_real(e, "effective_sample_size", r->statistic);
    if (s == VNFO_OK)
        s = opt_real(e, "sampling_probability", r->probability);
    if (s == VNFO_OK)
        s = vnfo_report_evidence_real(e, "confidence", r->confidence);
    return s;
}

/* A PASS or FAIL read from the records that remain would speak for a
 * sample the log faults may have biased: a provider that breaks its SLA
 * could corrupt exactly the batches that hold its slow packets, and a
 * truncated log keeps only the early part of the period.  So, as for the
 * bills, the entry is INCONCLUSIVE, and nothing is hidden: the account
 * result (verdict, p-value, interval) and the records lost are evidence. */
vnfo_status vnfo__verify_account_entry_logs(vnfo_report_entry **out, vnfo_report *report,
                                            const char *name, vnfo_report_category category,
                                            const vnfo_account_result *r, const char *what,
                                            const vnfo_verifier *v)
{
    vnfo_status s = vnfo__verify_account_entry(out, report, name, category, r, what);
    if (s != VNFO_OK || vnfo__verify_logs_complete(v))
        return s;
    uint64_t rejected = 0, lost = 0;
    for (size_t i = 0; i < v->n_nodes; i++)
        if (v->nodes[i].pos != VPOS_NONE) {
            rejected += v->nodes[i].rejected;
            lost += v->nodes[i].lost;
        }
    vnfo_report_entry *e = *out;
    s = vnfo_report_entry_verdict_set(e, VNFO_REPORT_INCONCLUSIVE);
    if (s == VNFO_OK)
        s = vnfo_report_entry_summary_set(e, "%s: %s on the records that remain, but the logs are "
                                          "incomplete (see logs.integrity): the records lost could "
                                          "decide it", what, vnfo_account_verdict_name(r->verdict));
    if (s == VNFO_OK)
        s = vnfo_report_evidence_bool(e, "logs_complete", 0);
    if (s == VNFO_OK)
        s = vnfo_report_evidence_uint(e, "records_rejected", rejected);
    if (s == VNFO_OK)
        s = vnfo_report_evidence_uint(e, "records_lost_signed", lost);
    return s;
}
