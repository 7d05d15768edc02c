/* Binding the bill to the manifest, and running every check. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "verify_private.h"

static int billed_by_manifest(const vnfo_manifest *m, const char *resource)
{
    for (size_t i = 0; i < vnfo_manifest_billing_count(m); i++)
        if (strcmp(vnfo_manifest_billing_resource_name(m, i), resource) == 0)
            return 1;
    return 0;
}

/* Names from the bill (the provider's) and the manifest, escaped. */
static const char *quoted(char out[VNFO_QUOTE_SIZE], const char *s)
{
    vnfo__quote(out, VNFO_QUOTE_SIZE, s, strlen(s), 64);
    return out;
}

static vnfo_status check_resources(const vnfo_verifier *v, const vnfo_bill *b, const char *fn)
{
    for (size_t i = 0; i < vnfo_bill_resource_count(b, fn); i++) {
        const char *res = vnfo_bill_resource_at(b, fn, i);
        char qf[VNFO_QUOTE_SIZE], qr[VNFO_QUOTE_SIZE], qm[VNFO_QUOTE_SIZE];
        if (!billed_by_manifest(v->manifest, res))
            return vnfo__error(VNFO_E_BILL_MISMATCH,
                               "bill: %s%s%s: resource \"%s\" is not billed by manifest \"%s\"",
                               fn ? "functions[\"" : "totals", fn ? quoted(qf, fn) : "", fn ? "\"]" : "",
                               quoted(qr, res), quoted(qm, vnfo_manifest_id(v->manifest)));
    }
    return VNFO_OK;
}

vnfo_status vnfo_verifier_sampler_set(vnfo_verifier *v, const vnfo_sampler *sampler)
{
    if (!v || !sampler)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_verifier_sampler_set: NULL argument");
    v->sampler = sampler;
    return VNFO_OK;
}

vnfo_status vnfo_verifier_bill_set(vnfo_verifier *v, const vnfo_bill *bill)
{
    if (!v || !bill)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_verifier_bill_set: NULL argument");
    const vnfo_manifest *m = v->manifest;
    char qb[VNFO_QUOTE_SIZE], qm[VNFO_QUOTE_SIZE];
    if (strcmp(vnfo_bill_manifest_id(bill), vnfo_manifest_id(m)) != 0)
        return vnfo__error(VNFO_E_BILL_MISMATCH, "bill: manifest_id \"%s\", but the manifest is \"%s\"",
                           quoted(qb, vnfo_bill_manifest_id(bill)), quoted(qm, vnfo_manifest_id(m)));
    int64_t start, end;
    vnfo_bill_period(&start, &end, bill);
    if (start < vnfo_manifest_billing_start(m) || end > vnfo_manifest_billing_end(m))
        return vnfo__error(VNFO_E_BILL_MISMATCH,
                           "bill: period [%lld, %lld) lies outside the manifest's billing period "
                           "[%lld, %lld) (Unix seconds)", (long long)start, (long long)end,
                           (long long)vnfo_manifest_billing_start(m), (long long)vnfo_manifest_billing_end(m));
    vnfo_status s = check_resources(v, bill, NULL);
    for (size_t i = 0; s == VNFO_OK && i < vnfo_bill_function_count(bill); i++) {
        const char *fn = vnfo_bill_function_at(bill, i);
        size_t idx;
        if (vnfo_manifest_chain_find(&idx, m, fn) != VNFO_OK)
            return vnfo__error(VNFO_E_BILL_MISMATCH, "bill: functions[\"%s\"]: no chain entry of that name",
                               quoted(qb, fn));
        s = check_resources(v, bill, fn);
    }
    if (s == VNFO_OK)
        v->bill = bill;
    return s;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static vnfo_status subject(vnfo_report *r, const vnfo_verifier *v)
{
    char hex[2 * VNFO_MANIFEST_DIGEST_BYTES + 16] = "blake2b:";
    sodium_bin2hex(hex + 8, sizeof hex - 8, v->manifest_digest, VNFO_MANIFEST_DIGEST_BYTES);
    vnfo_status s = vnfo_report_subject_set(r, "manifest_id", vnfo_manifest_id(v->manifest));
    if (s == VNFO_OK)
        s = vnfo_report_subject_set(r, "manifest_digest", hex);
    if (s == VNFO_OK && v->bill && *vnfo_bill_provider(v->bill))
        s = vnfo_report_subject_set(r, "provider", vnfo_bill_provider(v->bill));
    return s;
}

/* The FlowTag count and, when they need nothing of the replay
 * (vnfo__verify_sla_before_replay), the SLA entries' figures run on the
 * workers in one run with the trajectory scan (vnfo__verify_functional):
 * alone, the SLA run is a few uneven tasks (an entry each) and the threads
 * wait at its end; the short ranges of the other two fill that time.  Each
 * task writes its own slot, and the entries are reported in their usual
 * order, so the report is the same whatever the thread count. */
static vnfo_status run_checks(vnfo_verifier *v, vnfo_report *r)
{
    double t0 = now_ns();
    struct vtag_count counted;
    struct vsla *sla = NULL;
    struct vnfo__tasks extra[2] = {{0, NULL, NULL}, vnfo__verify_tag_count_tasks(&counted, v)};
    vnfo_status s = vnfo__verify_sla_before_replay(v) ? vnfo__verify_sla_tasks(&sla, &extra[0], v) : VNFO_OK;
    if (s == VNFO_OK)
        s = vnfo__verify_integrity(v, r);
    if (s == VNFO_OK)
        s = vnfo__verify_functional(v, r, extra, 2);
    if (s == VNFO_OK)
        s = vnfo__verify_flowtags(v, r, &counted);
    if (s == VNFO_OK && v->sampler)
        s = vnfo__verify_sampling(v, r);
    double t1 = now_ns();
    if (s == VNFO_OK)
        s = vnfo__verify_replay(v, r);
    if (s == VNFO_OK)
        s = vnfo__verify_relations(v, r);
    if (s == VNFO_OK) {
        s = vnfo__verify_performance(v, r, sla);
        sla = NULL; /* freed by it */
    }
    vnfo__verify_sla_free(sla);
    if (s == VNFO_OK)
        s = vnfo__verify_accounting(v, r);
    v->stage_ns[2] += t1 - t0;
    v->stage_ns[3] += now_ns() - t1;
    return s;
}

vnfo_status vnfo_verifier_run(vnfo_report **out, vnfo_verifier *v)
{
    if (out)
        *out = NULL;
    if (!out || !v)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_verifier_run: NULL argument");
    for (size_t i = 0; i < v->n_chain; i++)
        if (!v->chain[i].log_added)
            return vnfo__error(VNFO_E_VERIFY_MISSING_LOG, "no log for chain[%zu] \"%s\" (node %u)", i,
                               v->chain[i].name, v->chain[i].node_id);
    vnfo_report *r;
    vnfo_status s = vnfo_report_create(&r);
    if (s == VNFO_OK)
        s = vnfo_report_max_examples_set(r, v->opts.max_examples);
    if (s == VNFO_OK)
        s = subject(r, v);
    if (s == VNFO_OK)
        s = run_checks(v, r);
    if (s != VNFO_OK) {
        vnfo_report_free(r);
        return s;
    }
    *out = r;
    return VNFO_OK;
}
