/* Check suite for the verifier, end to end through the simulated provider:
 * the honest run passes; every scenario is caught by its intended check and
 * by no unrelated one; detection power matches 1 - (1 - p)^k; honest runs
 * raise no more false alarms than the confidence allows; hostile input
 * gives precise errors. */
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim.h"
#include "testutil.h"
#include "traffic.h"

#define MAX_PACKETS 2000

static uint8_t frames[MAX_PACKETS][TRAFFIC_FRAME_MAX];
static size_t frame_len[MAX_PACKETS];
static size_t n_frames;
static char dir[64];

struct source {
    size_t next, limit;
};

static int next_packet(void *ctx, const uint8_t **pkt, size_t *len, size_t *wire_len,
                       uint64_t *ts_ns)
{
    struct source *s = ctx;
    if (s->next >= s->limit)
        return 0;
    *pkt = frames[s->next];
    *len = frame_len[s->next];
    *wire_len = frame_len[s->next];
    *ts_ns = 1793494800ULL * 1000000000ULL + (uint64_t)s->next * 20000ULL;
    s->next++;
    return 1;
}

static void make_traffic(uint64_t seed, size_t n)
{
    traffic_gen g;
    ck_assert_int_eq(traffic_gen_init(&g, seed, 120), 0);
    for (size_t i = 0; i < n; i++)
        frame_len[i] = traffic_gen_next(&g, frames[i], TRAFFIC_FRAME_MAX, NULL);
    n_frames = n;
    traffic_gen_free(&g);
}

static void setup(void)
{
    ck_assert_status(vnfo_init(), VNFO_OK);
    strcpy(dir, "/tmp/vnfo-verify-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    make_traffic(11, MAX_PACKETS);
}

static void rm_rf(const char *path)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    ck_assert_int_eq(system(cmd), 0);
}

static void teardown(void) { rm_rf(dir); }

/* Keys and a manifest at sampling rate 1/rate in dir/<name>; keys derive
 * from the name, so every run of the suite is reproducible while each
 * world has its own sampling key. */
static vnfo_manifest *world_of(const char *name, unsigned rate, int tagged)
{
    uint64_t seed = 1469598103934665603ULL;
    for (const char *p = name; *p; p++)
        seed = (seed ^ (uint8_t)*p) * 1099511628211ULL;
    static const char *const names[] = {"customer", "provider", "fw", "ids", "nat"};
    char keys[128], path[160];
    snprintf(keys, sizeof keys, "%s/%s", dir, name);
    mkdir(keys, 0700);
    ck_assert_status(sim_keys_generate_seeded(keys, names, 5, seed), VNFO_OK);
    snprintf(path, sizeof path, "%s/manifest.json", keys);
    ck_assert_status(tagged ? sim_manifest_write_tagged(path, keys, rate)
                            : sim_manifest_write(path, keys, rate), VNFO_OK);
    vnfo_manifest *m;
    ck_assert_status(vnfo_manifest_load(&m, path), VNFO_OK);
    return m;
}

static vnfo_manifest *world(const char *name, unsigned rate) { return world_of(name, rate, 0); }

/* The chain fw -> nat -> ids with FlowTags (sim_manifest_write_tagged()). */
static vnfo_manifest *world_tagged(const char *name, unsigned rate) { return world_of(name, rate, 1); }

static struct sim_stats last_sim; /* the stats of the last simulate() */

static void simulate(const vnfo_manifest *m, const char *name, int scenario, uint64_t seed,
                     size_t packets, uint64_t affected_max)
{
    char keys[128];
    snprintf(keys, sizeof keys, "%s/%s", dir, name);
    struct sim_options o = {m, keys, keys, scenario, seed, 1, affected_max};
    struct source src = {0, packets};
    ck_assert_msg(sim_run(&last_sim, &o, next_packet, &src) == VNFO_OK, "sim_run: %s", sim_error());
}

/* When set, verify() hands it to the verifier (sampling.consistency). */
static const vnfo_sampler *test_sampler;

/* Verifies dir/<name> with the references; returns the report. */
static vnfo_report *verify(const vnfo_manifest *m, const char *name, struct sim_functions *fns)
{
    char path[192];
    vnfo_verifier *v;
    ck_assert_status(vnfo_verifier_create(&v, m, NULL), VNFO_OK);
    if (test_sampler)
        ck_assert_status(vnfo_verifier_sampler_set(v, test_sampler), VNFO_OK);
    for (size_t i = 0; i < vnfo_manifest_chain_count(m); i++) {
        vnfo_reference_fn fn;
        void *ctx;
        ck_assert_int_eq(sim_reference(&fn, &ctx, fns, vnfo_manifest_chain_function(m, i)), 0);
        ck_assert_status(vnfo_verifier_reference_set(v, vnfo_manifest_chain_name(m, i), fn, ctx), VNFO_OK);
        snprintf(path, sizeof path, "%s/%s/%s.log", dir, name, vnfo_manifest_chain_name(m, i));
        ck_assert_status(vnfo_verifier_log_add_file(v, vnfo_manifest_chain_name(m, i), path), VNFO_OK);
    }
    snprintf(path, sizeof path, "%s/%s/filter.log", dir, name);
    if (access(path, F_OK) == 0)
        ck_assert_status(vnfo_verifier_foreign_log_add_file(v, path), VNFO_OK);
    vnfo_bill *bill;
    snprintf(path, sizeof path, "%s/%s/bill.json", dir, name);
    ck_assert_status(vnfo_bill_load(&bill, path), VNFO_OK);
    ck_assert_status(vnfo_verifier_bill_set(v, bill), VNFO_OK);
    vnfo_report *r;
    ck_assert_status(vnfo_verifier_run(&r, v), VNFO_OK);
    vnfo_verifier_free(v);
    vnfo_bill_free(bill);
    return r;
}

static int listed(const char *const *list, const char *name)
{
    for (; *list; list++)
        if (strcmp(*list, name) == 0)
            return 1;
    return 0;
}

START_TEST(test_honest_run_passes)
{
    static struct sim_functions fns;
    sim_functions_init(&fns, 1);
    vnfo_manifest *m = world("honest", 4);
    simulate(m, "honest", SIM_HONEST, 1, n_frames, 0);
    vnfo_report *r = verify(m, "honest", &fns);
    for (size_t i = 0; i < vnfo_report_entry_count(r); i++) {
        const vnfo_report_entry *e = vnfo_report_entry_at(r, i);
        ck_assert_msg(vnfo_report_entry_verdict(e) == VNFO_REPORT_PASS, "%s: %s: %s",
                      vnfo_report_entry_name(e), vnfo_report_verdict_name(vnfo_report_entry_verdict(e)),
                      vnfo_report_entry_summary(e));
    }
    ck_assert_uint_eq(vnfo_report_entry_count(r), 18); /* bill.bytes among them */
    ck_assert_int_eq(vnfo_report_overall(r), VNFO_REPORT_PASS);
    double checked;
    ck_assert_status(vnfo_report_evidence_number(&checked, vnfo_report_entry_find(r, "chain.complete"),
                                                 "checked"), VNFO_OK);
    ck_assert(checked > 400); /* about 2000 / 4 packets entered */
    vnfo_report_free(r);
    vnfo_manifest_free(m);
}
END_TEST

/* A world whose manifest has "max_per_packet": M on its first chain-wide
 * cpu_cycles sum (written before the simulation: logs bind the digest),
 * simulated honestly and verified. */
static vnfo_report *max_per_packet_run(const char *name, unsigned rate, const char *m_text,
                                       struct sim_functions *fns)
{
    vnfo_manifest_free(world(name, rate));
    char path[192], *text;
    snprintf(path, sizeof path, "%s/%s/manifest.json", dir, name);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    size_t cap = 1 << 16, len;
    text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    len = fread(text, 1, cap - 1, f);
    fclose(f);
    text[len] = '\0';
    static const char needle[] = "\"cpu_cycles\", \"summary\": \"sum\"}";
    char *at = strstr(text, needle);
    ck_assert_ptr_nonnull(at);
    f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%.*s\"cpu_cycles\", \"summary\": \"sum\", \"max_per_packet\": %s}%s",
            (int)(at - text), text, m_text, at + strlen(needle));
    fclose(f);
    free(text);
    vnfo_manifest *m;
    ck_assert_status(vnfo_manifest_load(&m, path), VNFO_OK);
    ck_assert_uint_eq(vnfo_manifest_billing_max_per_packet(m, 0), strtoull(m_text, NULL, 10));
    simulate(m, name, SIM_HONEST, 1, n_frames, 0);
    vnfo_report *r = verify(m, name, fns);
    vnfo_manifest_free(m);
    return r;
}

/* The manifest's max_per_packet reaches the bill check: a maximum below
 * a sampled packet's cycles makes the bill undecidable and says why; a
 * true one is reported with the verdict (the sample's corrected interval
 * still decides: Bernstein is the fallback for skewed totals only); a
 * sample with duplicated labels does not use it (it bounds a packet, the
 * bound needs a label).  At 1/32 the samples of worlds maxpp-a and maxpp-b
 * hold no duplicated label, maxpp-c's does (the traffic repeats packets). */
START_TEST(test_max_per_packet)
{
    static struct sim_functions fns;
    sim_functions_init(&fns, 1);
    vnfo_report *r = max_per_packet_run("maxpp-a", 32, "1", &fns);
    const vnfo_report_entry *e = vnfo_report_entry_find(r, "bill.cpu_cycles");
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(vnfo_report_entry_verdict(e), VNFO_REPORT_INCONCLUSIVE);
    ck_assert_ptr_nonnull(strstr(vnfo_report_entry_summary(e), "exceeds the per-packet maximum M = 1"));
    vnfo_report_free(r);
    r = max_per_packet_run("maxpp-b", 32, "4000000000", &fns);
    e = vnfo_report_entry_find(r, "bill.cpu_cycles");
    ck_assert_int_eq(vnfo_report_entry_verdict(e), VNFO_REPORT_PASS);
    double got;
    ck_assert_status(vnfo_report_evidence_number(&got, e, "max_per_packet"), VNFO_OK);
    ck_assert_double_eq(got, 4e9);
    /* the per-function bill has none */
    ck_assert_status(vnfo_report_evidence_number(&got, vnfo_report_entry_find(r, "bill.ids.cpu_cycles"),
                                                 "max_per_packet"), VNFO_E_NOT_FOUND);
    vnfo_report_free(r);
    r = max_per_packet_run("maxpp-c", 32, "1", &fns);
    e = vnfo_report_entry_find(r, "bill.cpu_cycles");
    ck_assert_int_eq(vnfo_report_entry_verdict(e), VNFO_REPORT_PASS);
    ck_assert_status(vnfo_report_evidence_number(&got, e, "max_per_packet"), VNFO_E_NOT_FOUND);
    vnfo_report_free(r);
}
END_TEST

static int statistical(const vnfo_report_entry *e)
{
    return vnfo_report_entry_category(e) == VNFO_REPORT_ACCOUNTING ||
           vnfo_report_entry_category(e) == VNFO_REPORT_PERFORMANCE;
}

/* Runs one scenario; checks its intended check failed, nothing errored, and
 * no unrelated exact (functional, integrity) check failed.  Returns the
 * number of unrelated statistical checks that failed. */
static int run_scenario(int sc, struct sim_functions *fns)
{
    const char *name = sim_scenario_name(sc);
    vnfo_manifest *m = sim_scenario_needs_flowtags(sc) ? world_tagged(name, 4) : world(name, 4);
    simulate(m, name, sc, 5, n_frames, 0);
    vnfo_report *r = verify(m, name, fns);
    const char *const *checks = sim_scenario_checks(sc);
    const vnfo_report_entry *intended = vnfo_report_entry_find(r, checks[0]);
    ck_assert_ptr_nonnull(intended);
    ck_assert_msg(vnfo_report_entry_verdict(intended) == VNFO_REPORT_FAIL, "%s: %s is %s", name,
                  checks[0], vnfo_report_verdict_name(vnfo_report_entry_verdict(intended)));
    int unrelated = 0;
    for (size_t i = 0; i < vnfo_report_entry_count(r); i++) {
        const vnfo_report_entry *e = vnfo_report_entry_at(r, i);
        ck_assert_msg(vnfo_report_entry_verdict(e) != VNFO_REPORT_ERROR, "%s: %s could not run", name,
                      vnfo_report_entry_name(e));
        if (vnfo_report_entry_verdict(e) != VNFO_REPORT_FAIL || listed(checks, vnfo_report_entry_name(e)))
            continue;
        ck_assert_msg(statistical(e), "%s: unrelated check %s failed: %s", name,
                      vnfo_report_entry_name(e), vnfo_report_entry_summary(e));
        unrelated++;
    }
    ck_assert_int_eq(vnfo_report_overall(r), VNFO_REPORT_FAIL);
    vnfo_report_free(r);
    vnfo_manifest_free(m);
    return unrelated;
}

/* Every scenario is caught by its intended check (sim_scenario_checks():
 * the intended one first, then those that see the same fault) and by no
 * unrelated one.  Exact checks never misfire; a statistical check (bill,
 * SLA, minimality) errs with probability alpha = 1% whatever the scenario,
 * so over the 11 scenarios' 7 statistical checks about 0.8 chance alarms
 * are expected; we allow 2. */
START_TEST(test_scenarios_caught_by_intended_checks)
{
    static struct sim_functions fns;
    sim_functions_init(&fns, 1);
    int unrelated = 0;
    for (int sc = 1; sc < SIM_SCENARIO_COUNT; sc++)
        if (!sim_scenario_stateful_function(sc)) /* their relations: tests/relation_cli.sh */
            unrelated += run_scenario(sc, &fns);
    ck_assert_msg(unrelated <= 2, "%d unrelated statistical checks failed", unrelated);
}
END_TEST

/* With sampling probability p, a rewrite of k packets goes unseen only if
 * none of the k is sampled: P(detect) = 1 - (1 - p)^k.  Over T independent
 * sampling keys the detection rate is binomial; we accept it down to the
 * bound minus 3 standard deviations (tolerance sqrt(q(1-q)/T) * 3, 0.15
 * for T = 100), which an honest implementation fails with probability
 * about 0.1%. */
START_TEST(test_detection_power)
{
    static struct sim_functions fns;
    sim_functions_init(&fns, 1);
    const unsigned rate = 16;
    const uint64_t k = 10;
    const int trials = 100;
    int detected = 0;
    for (int t = 0; t < trials; t++) {
        char name[32];
        snprintf(name, sizeof name, "power%d", t);
        vnfo_manifest *m = world(name, rate);
        simulate(m, name, SIM_IDS_REWRITES_PAYLOAD, (uint64_t)t, 400, k);
        vnfo_report *r = verify(m, name, &fns);
        detected += vnfo_report_entry_verdict(vnfo_report_entry_find(r, "function.unmodified")) ==
                    VNFO_REPORT_FAIL;
        vnfo_report_free(r);
        vnfo_manifest_free(m);
    }
    double q = 1.0 - pow(1.0 - 1.0 / rate, (double)k);
    double tolerance = 3.0 * sqrt(q * (1.0 - q) / trials);
    ck_assert_msg((double)detected / trials >= q - tolerance,
                  "detected %d of %d, theory %.3f - %.3f", detected, trials, q, tolerance);
}
END_TEST

/* 200 honest runs, each with new keys and seeds.  Functional and integrity
 * checks are exact: no false alarm at all.  The statistical checks (4 bill
 * checks, 2 SLA checks, minimality) each err with probability at most
 * alpha = 1%, so a run errs with probability at most 7% (union bound) and
 * 200 runs at most 14 times on average; we allow 14 + 3 sqrt(14) = 25. */
START_TEST(test_no_false_alarms)
{
    static struct sim_functions fns;
    sim_functions_init(&fns, 1);
    int alarms = 0;
    for (int t = 0; t < 200; t++) {
        char name[32];
        snprintf(name, sizeof name, "fa%d", t);
        make_traffic(1000 + (uint64_t)t, 300);
        vnfo_manifest *m = world(name, 4);
        simulate(m, name, SIM_HONEST, 77 + (uint64_t)t, n_frames, 0);
        vnfo_report *r = verify(m, name, &fns);
        for (size_t i = 0; i < vnfo_report_entry_count(r); i++) {
            const vnfo_report_entry *e = vnfo_report_entry_at(r, i);
            if (vnfo_report_entry_category(e) == VNFO_REPORT_FUNCTIONALITY ||
                vnfo_report_entry_category(e) == VNFO_REPORT_INTEGRITY)
                ck_assert_msg(vnfo_report_entry_verdict(e) == VNFO_REPORT_PASS, "run %d: %s: %s", t,
                              vnfo_report_entry_name(e), vnfo_report_entry_summary(e));
        }
        alarms += vnfo_report_overall(r) == VNFO_REPORT_FAIL;
        vnfo_report_free(r);
        vnfo_manifest_free(m);
        char sub[96];
        snprintf(sub, sizeof sub, "%s/%s", dir, name);
        rm_rf(sub);
    }
    ck_assert_msg(alarms <= 25, "%d false alarms in 200 honest runs", alarms);
}
END_TEST

START_TEST(test_hostile_inputs)
{
    vnfo_manifest *m = world("hostile", 4);
    simulate(m, "hostile", SIM_HONEST, 3, 400, 0);
    /* Same keys, another contract (sampling rate 1/8): another digest. */
    char keys[128], mpath[160];
    snprintf(keys, sizeof keys, "%s/hostile", dir);
    snprintf(mpath, sizeof mpath, "%s/hostile/other.json", dir);
    ck_assert_status(sim_manifest_write(mpath, keys, 8), VNFO_OK);
    vnfo_manifest *other;
    ck_assert_status(vnfo_manifest_load(&other, mpath), VNFO_OK);
    vnfo_verifier *v;
    char path[160];
    ck_assert_status(vnfo_verifier_create(&v, m, NULL), VNFO_OK);
    /* A corrupt log: not a vnfo log at all. */
    snprintf(path, sizeof path, "%s/hostile/garbage.log", dir);
    FILE *f = fopen(path, "w");
    fputs("this is not a log, just some text that is long enough to hold a header", f);
    fclose(f);
    ck_assert_status(vnfo_verifier_log_add_file(v, "fw", path), VNFO_E_LOG_MALFORMED);
    ck_assert_ptr_nonnull(strstr(vnfo_error_message(), "garbage.log: not a vnfo log this library reads"));
    vnfo_verifier_free(v);
    /* Logs written under another manifest. */
    ck_assert_status(vnfo_verifier_create(&v, other, NULL), VNFO_OK);
    vnfo_verifier *w = v;
    snprintf(path, sizeof path, "%s/hostile/fw.log", dir);
    ck_assert_status(vnfo_verifier_log_add_file(w, "fw", path), VNFO_E_LOG_MANIFEST_MISMATCH);
    ck_assert_ptr_nonnull(strstr(vnfo_error_message(), "fw.log"));
    vnfo_verifier_free(w);
    /* A missing node log. */
    ck_assert_status(vnfo_verifier_create(&v, m, NULL), VNFO_OK);
    ck_assert_status(vnfo_verifier_log_add_file(v, "fw", path), VNFO_OK);
    snprintf(path, sizeof path, "%s/hostile/nat.log", dir);
    ck_assert_status(vnfo_verifier_log_add_file(v, "nat", path), VNFO_OK);
    vnfo_report *r;
    ck_assert_status(vnfo_verifier_run(&r, v), VNFO_E_VERIFY_MISSING_LOG);
    ck_assert_str_eq(vnfo_error_message(), "no log for chain[1] \"ids\" (node 2)");
    ck_assert_ptr_null(r);
    ck_assert_status(vnfo_verifier_log_add_file(v, "lb", path), VNFO_E_NOT_FOUND);
    /* A bill naming an unknown resource, and one for another manifest. */
    const char *bad = "{\"vnfo_bill\": 1, \"manifest_id\": \"demo-edge-2026-11\",\n"
                      " \"period\": {\"start\": \"2026-11-01T00:00:00Z\", \"end\": \"2026-12-01T00:00:00Z\"},\n"
                      " \"totals\": {\"gpu_seconds\": 5}}";
    vnfo_bill *bill;
    ck_assert_status(vnfo_bill_parse(&bill, bad, strlen(bad), "bill.json"), VNFO_E_BILL_UNKNOWN_RESOURCE);
    ck_assert_str_eq(vnfo_error_message(), "bill.json:3:13: totals.gpu_seconds: unknown resource "
                                           "\"gpu_seconds\" (known: packets, bytes, cpu_cycles, mem_bytes, vendor:<name>)");
    const char *foreign = "{\"vnfo_bill\": 1, \"manifest_id\": \"someone-else\",\n"
                          " \"period\": {\"start\": \"2026-11-01T00:00:00Z\", \"end\": \"2026-12-01T00:00:00Z\"},\n"
                          " \"totals\": {\"bytes\": 5}}";
    ck_assert_status(vnfo_bill_parse(&bill, foreign, strlen(foreign), "bill.json"), VNFO_OK);
    ck_assert_status(vnfo_verifier_bill_set(v, bill), VNFO_E_BILL_MISMATCH);
    ck_assert_str_eq(vnfo_error_message(), "bill: manifest_id \"someone-else\", but the manifest is \"demo-edge-2026-11\"");
    vnfo_bill_free(bill);
    vnfo_verifier_free(v);
    vnfo_manifest_free(m);
    vnfo_manifest_free(other);
}
END_TEST

static void add_map(vnfo_verifier *v, uint32_t node, uint32_t tag, uint64_t time, uint8_t rewritten_last)
{
    vnfo_flowtag_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = VNFO_FLOWTAG_EVENT_BIND;
    ev.time = time;
    ev.context.tag = tag;
    ev.context.node_id = node;
    ev.context.original = (vnfo_flow_key){4, 6, 40000, 443, {10, 0, 0, 1}, {198, 18, 0, 1}};
    ev.context.rewritten = ev.context.original;
    ev.context.rewritten.src[3] = rewritten_last;
    vnfo_record rec;
    ck_assert_status(vnfo_flowtag_event_to_record(&rec, &ev), VNFO_OK);
    rec.node_id = node;
    ck_assert_status(vnfo_verifier_record_add(v, &rec), VNFO_OK);
}

static void add_packet(vnfo_verifier *v, uint32_t node, uint32_t hop, uint64_t label, uint32_t tag,
                       uint64_t t)
{
    vnfo_record rec;
    vnfo_record_init(&rec, VNFO_RECORD_PACKET);
    rec.node_id = node;
    rec.u.packet.hop = hop;
    rec.u.packet.label = label;
    rec.u.packet.flowtag = tag;
    rec.u.packet.t_in_ns = t;
    rec.u.packet.t_out_ns = t + 1000;
    ck_assert_status(vnfo_verifier_record_add(v, &rec), VNFO_OK);
}

/* FlowTag mappings go through the flowtag resolver: a rewrite mapped by the
 * NAT (may modify headers) is fine; a rewrite mapped by the firewall (may
 * not) and a tag nobody bound are violations, each with its example. */
START_TEST(test_flowtags)
{
    vnfo_manifest *m = world("flowtags", 4);
    vnfo_verifier *v;
    ck_assert_status(vnfo_verifier_create(&v, m, NULL), VNFO_OK);
    add_map(v, 3, 7, 5000, 9);
    for (uint64_t l = 1; l <= 3; l++) {
        add_packet(v, 1, 0, l, 0, 10000 * l);
        add_packet(v, 2, 1, l, 0, 10000 * l + 2000);
        add_packet(v, 3, 2, l, 7, 10000 * l + 4000);
    }
    vnfo_report *r;
    ck_assert_status(vnfo_verifier_run(&r, v), VNFO_OK);
    const vnfo_report_entry *e = vnfo_report_entry_find(r, "flowtags");
    ck_assert_ptr_nonnull(e);
    ck_assert_msg(vnfo_report_entry_verdict(e) == VNFO_REPORT_PASS, "%s", vnfo_report_entry_summary(e));
    ck_assert_int_eq(vnfo_report_entry_verdict(vnfo_report_entry_find(r, "chain.complete")), VNFO_REPORT_PASS);
    vnfo_report_free(r);
    vnfo_verifier_free(v);

    ck_assert_status(vnfo_verifier_create(&v, m, NULL), VNFO_OK);
    add_map(v, 1, 9, 5000, 99);        /* the firewall rewrites */
    add_packet(v, 1, 0, 1, 0, 10000);
    add_packet(v, 2, 1, 1, 55, 12000); /* a tag nobody bound */
    add_packet(v, 3, 2, 1, 0, 14000);
    ck_assert_status(vnfo_verifier_run(&r, v), VNFO_OK);
    e = vnfo_report_entry_find(r, "flowtags");
    ck_assert_int_eq(vnfo_report_entry_verdict(e), VNFO_REPORT_FAIL);
    ck_assert_uint_eq(vnfo_report_entry_examples_total(e), 2);
    uint64_t label;
    ck_assert_status(vnfo_report_entry_example_at(&label, e, 1), VNFO_OK);
    ck_assert_uint_eq(label, 1);
    vnfo_report_free(r);
    vnfo_verifier_free(v);
    vnfo_manifest_free(m);
}
END_TEST

/* A reference whose state is the packet's first byte, everywhere. */
static vnfo_reference_verdict state_reference(void *ctx, const uint8_t *in, size_t in_len, uint8_t *out,
                                              size_t out_cap, size_t *out_len,
                                              vnfo_reference_resources *res)
{
    (void)ctx;
    *out_len = in_len < out_cap ? in_len : out_cap;
    memcpy(out, in, *out_len);
    res->cpu_cycles = 100;
    res->has_state = 1;
    memset(res->state_digest, in[0], sizeof res->state_digest);
    return VNFO_REFERENCE_FORWARD;
}

/* Snapshot mode compares the state digest each record logged with the
 * reference's: label 2 logged another state and is the one example; out of
 * snapshot mode (and for records without a digest) nothing is compared. */
static vnfo_report *snapshot_run(const vnfo_manifest *m, int snapshot)
{
    vnfo_verify_options o = VNFO_VERIFY_OPTIONS_INIT;
    o.snapshot = snapshot;
    vnfo_verifier *v;
    ck_assert_status(vnfo_verifier_create(&v, m, &o), VNFO_OK);
    ck_assert_status(vnfo_verifier_reference_set(v, vnfo_manifest_chain_name(m, 0), state_reference, NULL),
                     VNFO_OK);
    uint8_t pkt[64];
    for (uint64_t l = 1; l <= 3; l++) {
        memset(pkt, (int)(0x40 + l), sizeof pkt);
        vnfo_record rec;
        vnfo_record_init(&rec, VNFO_RECORD_PACKET);
        rec.node_id = 1;
        rec.u.packet.label = l;
        rec.u.packet.t_in_ns = 10000 * l;
        rec.u.packet.t_out_ns = 10000 * l + 1000;
        rec.u.packet.granularity = VNFO_GRANULARITY_HEADERS;
        rec.u.packet.bytes_in = pkt;
        rec.u.packet.bytes_in_len = sizeof pkt;
        rec.u.packet.has_state_digest = l != 3;
        memset(rec.u.packet.state_digest, l == 2 ? 0x99 : (int)(0x40 + l), sizeof rec.u.packet.state_digest);
        ck_assert_status(vnfo_verifier_record_add(v, &rec), VNFO_OK);
        add_packet(v, 2, 1, l, 0, 10000 * l + 2000);
        add_packet(v, 3, 2, l, 0, 10000 * l + 4000);
    }
    vnfo_report *r;
    ck_assert_status(vnfo_verifier_run(&r, v), VNFO_OK);
    vnfo_verifier_free(v);
    return r;
}

START_TEST(test_snapshot_state)
{
    vnfo_manifest *m = world("snapshot", 4);
    char name[128];
    snprintf(name, sizeof name, "reference.%s", vnfo_manifest_chain_name(m, 0));
    vnfo_report *r = snapshot_run(m, 1);
    const vnfo_report_entry *e = vnfo_report_entry_find(r, name);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(vnfo_report_entry_verdict(e), VNFO_REPORT_FAIL);
    ck_assert_uint_eq(vnfo_report_entry_examples_total(e), 1);
    uint64_t label;
    ck_assert_status(vnfo_report_entry_example_at(&label, e, 0), VNFO_OK);
    ck_assert_uint_eq(label, 2);
    ck_assert_str_eq(vnfo_report_entry_summary(e), "1 of 3 replayed packets differ from the reference "
                     "firewall");
    vnfo_report_free(r);
    r = snapshot_run(m, 0);
    e = vnfo_report_entry_find(r, name);
    ck_assert_int_eq(vnfo_report_entry_verdict(e), VNFO_REPORT_PASS);
    vnfo_report_free(r);
    vnfo_manifest_free(m);
}
END_TEST

/* Labels spread over the label space as the keyed hash spreads them. */
static void add_trajectories(vnfo_verifier *v, uint64_t first, uint64_t n)
{
    for (uint64_t i = first; i < first + n; i++) {
        uint64_t label = (i + 1) * 0x9E3779B97F4A7C15ULL;
        add_packet(v, 1, 0, label, 0, 10000 * i);
        add_packet(v, 2, 1, label, 0, 10000 * i + 2000);
        add_packet(v, 3, 2, label, 0, 10000 * i + 4000);
    }
}

/* The report as JSON but for logs.integrity: an earlier run's integrity
 * check leaves its findings on the nodes (a log found truncated stays so),
 * which a fresh verifier words differently. */
static char *report_json(const vnfo_report *r)
{
    size_t n;
    ck_assert_status(vnfo_report_render_json(NULL, 0, &n, r, 0), VNFO_E_BUFFER_TOO_SMALL);
    char *out = malloc(n);
    ck_assert_ptr_nonnull(out);
    ck_assert_status(vnfo_report_render_json(out, n, NULL, r, 0), VNFO_OK);
    char *from = strstr(out, "\"check\": \"logs.integrity\""), *to = from ? strstr(from + 1, "\"check\": ") : NULL;
    ck_assert_ptr_nonnull(to);
    memmove(from, to, strlen(to) + 1);
    return out;
}

/* Records added after a run join the sorted table of that run (it goes
 * back into the table's segments): the second run's checks are those a
 * fresh verifier gives for all the records.  36,000 records a step, so
 * that both steps cross the segments' boundaries (32,768 records). */
START_TEST(test_records_after_run)
{
    vnfo_manifest *m = world("again", 4);
    vnfo_verifier *v, *fresh;
    ck_assert_status(vnfo_verifier_create(&v, m, NULL), VNFO_OK);
    ck_assert_status(vnfo_verifier_create(&fresh, m, NULL), VNFO_OK);
    add_trajectories(v, 0, 12000);
    vnfo_report *r;
    ck_assert_status(vnfo_verifier_run(&r, v), VNFO_OK);
    ck_assert_uint_eq(vnfo_report_entry_examples_total(vnfo_report_entry_find(r, "chain.complete")), 0);
    vnfo_report_free(r);
    add_trajectories(v, 12000, 12000);
    add_packet(v, 1, 0, 7, 0, 5); /* a packet that skipped two hops */
    ck_assert_status(vnfo_verifier_run(&r, v), VNFO_OK);
    add_trajectories(fresh, 0, 24000);
    add_packet(fresh, 1, 0, 7, 0, 5);
    vnfo_report *rf;
    ck_assert_status(vnfo_verifier_run(&rf, fresh), VNFO_OK);
    ck_assert_int_eq(vnfo_report_overall(r), VNFO_REPORT_FAIL);
    char *a = report_json(r), *b = report_json(rf);
    ck_assert_msg(strcmp(a, b) == 0, "the reports differ");
    free(a);
    free(b);
    vnfo_report *again; /* a third run, nothing added: the same report */
    ck_assert_status(vnfo_verifier_run(&again, v), VNFO_OK);
    a = report_json(again);
    b = report_json(rf);
    ck_assert_msg(strcmp(a, b) == 0, "the reports differ");
    free(a);
    free(b);
    vnfo_report_free(again);
    vnfo_report_free(r);
    vnfo_report_free(rf);
    vnfo_verifier_free(v);
    vnfo_verifier_free(fresh);
    vnfo_manifest_free(m);
}
END_TEST

/* A record carries a FlowTag, but the manifest has no flowtags section and
 * no log maps a tag: the flowtags check runs over zero mappings (an empty
 * array; UBSan once stopped at qsort(NULL, 0)) and reports the unbound tag. */
START_TEST(test_flowtag_without_mappings)
{
    vnfo_manifest *m = world("nomaps", 4);
    vnfo_verifier *v;
    ck_assert_status(vnfo_verifier_create(&v, m, NULL), VNFO_OK);
    add_packet(v, 1, 0, 1, 0, 10000);
    add_packet(v, 2, 1, 1, 77, 12000);
    add_packet(v, 3, 2, 1, 0, 14000);
    vnfo_report *r;
    ck_assert_status(vnfo_verifier_run(&r, v), VNFO_OK);
    const vnfo_report_entry *e = vnfo_report_entry_find(r, "flowtags");
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(vnfo_report_entry_verdict(e), VNFO_REPORT_FAIL);
    ck_assert_uint_eq(vnfo_report_entry_examples_total(e), 1);
    vnfo_report_free(r);
    vnfo_verifier_free(v);
    vnfo_manifest_free(m);
}
END_TEST

static double evidence(const vnfo_report *r, const char *check, const char *key)
{
    double x;
    const vnfo_report_entry *e = vnfo_report_entry_find(r, check);
    ck_assert_ptr_nonnull(e);
    ck_assert_status(vnfo_report_evidence_number(&x, e, key), VNFO_OK);
    return x;
}

/* FlowTags end to end: with the NAT in the middle (fw -> nat -> ids), the
 * NAT tags flows with the real table and logs the mappings; the shims sample
 * with nat-safe, so every sampled packet's trajectory is whole across the
 * rewrite, every check passes (sampling.consistency with the key too), and
 * the flowtags check resolves every tagged record.  A NAT that keeps one
 * mapping to itself is caught by the flowtags check alone. */
START_TEST(test_flowtags_end_to_end)
{
    static struct sim_functions fns;
    sim_functions_init(&fns, 1);
    vnfo_manifest *m = world_tagged("tagged", 4);
    ck_assert_int_eq(vnfo_manifest_has_flowtags(m), 1);
    ck_assert_str_eq(vnfo_manifest_chain_function(m, 1), "nat");
    simulate(m, "tagged", SIM_HONEST, 3, n_frames, 0);
    struct sim_stats honest = last_sim;
    char path[160];
    snprintf(path, sizeof path, "%s/tagged/sampling.key", dir);
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    ck_assert_status(vnfo_sampler_key_load(key, path), VNFO_OK);
    vnfo_sampler_options so = VNFO_SAMPLER_OPTIONS_INIT;
    ck_assert_status(vnfo_manifest_sampler_options(&so, m, key, sizeof key), VNFO_OK);
    vnfo_sampler *smp;
    ck_assert_status(vnfo_sampler_create(&smp, &so, key, sizeof key), VNFO_OK);
    test_sampler = smp;
    vnfo_report *r = verify(m, "tagged", &fns);
    for (size_t i = 0; i < vnfo_report_entry_count(r); i++) {
        const vnfo_report_entry *e = vnfo_report_entry_at(r, i);
        ck_assert_msg(vnfo_report_entry_verdict(e) == VNFO_REPORT_PASS, "%s: %s: %s",
                      vnfo_report_entry_name(e), vnfo_report_verdict_name(vnfo_report_entry_verdict(e)),
                      vnfo_report_entry_summary(e));
    }
    ck_assert_uint_eq(vnfo_report_entry_count(r), 20); /* 18 + flowtags + sampling.consistency */
    /* One trajectory per sampled packet, none cut at the rewrite. */
    ck_assert_uint_eq((uint64_t)evidence(r, "chain.complete", "checked"), honest.sampled);
    ck_assert_uint_eq((uint64_t)evidence(r, "chain.complete", "violations"), 0);
    ck_assert_uint_eq((uint64_t)evidence(r, "chain.complete", "missing_explained_by_log_faults"), 0);
    double mappings = evidence(r, "flowtags", "mappings"), tagged = evidence(r, "flowtags", "tagged_packets");
    ck_assert(mappings > 10);
    ck_assert(tagged > 400); /* the NAT's and the IDS's records of about 500 packets */
    ck_assert_uint_eq((uint64_t)evidence(r, "flowtags", "checked"), (uint64_t)(mappings + tagged));
    ck_assert_uint_eq((uint64_t)evidence(r, "flowtags", "violations"), 0);
    ck_assert(evidence(r, "sampling.consistency", "checked") > 1000);
    vnfo_report_free(r);
    test_sampler = NULL;
    vnfo_sampler_free(smp);

    /* The same traffic, one flow's mapping withheld. */
    simulate(m, "tagged", SIM_NAT_REWRITES_UNTAGGED, 3, n_frames, 1);
    ck_assert_uint_eq(last_sim.affected, 1);
    r = verify(m, "tagged", &fns);
    const vnfo_report_entry *e = vnfo_report_entry_find(r, "flowtags");
    ck_assert_int_eq(vnfo_report_entry_verdict(e), VNFO_REPORT_FAIL);
    ck_assert_uint_eq((uint64_t)evidence(r, "flowtags", "mappings"), (uint64_t)mappings - 1);
    ck_assert_uint_eq((uint64_t)evidence(r, "flowtags", "tagged_packets"), (uint64_t)tagged);
    uint64_t bad = (uint64_t)evidence(r, "flowtags", "violations");
    ck_assert_uint_eq(bad, vnfo_report_entry_examples_total(e));
    ck_assert_msg(bad >= 1 && bad % 2 == 0, "%llu", (unsigned long long)bad); /* NAT and IDS records, paired */
    for (size_t i = 0; i < vnfo_report_entry_count(r); i++) {
        const vnfo_report_entry *x = vnfo_report_entry_at(r, i);
        if (x != e && vnfo_report_entry_category(x) != VNFO_REPORT_ACCOUNTING &&
            vnfo_report_entry_category(x) != VNFO_REPORT_PERFORMANCE)
            ck_assert_msg(vnfo_report_entry_verdict(x) == VNFO_REPORT_PASS, "%s: %s",
                          vnfo_report_entry_name(x), vnfo_report_entry_summary(x));
    }
    vnfo_report_free(r);
    vnfo_manifest_free(m);
}
END_TEST

/* With the sampling key, each whole logged packet is re-decided: the
 * honest shims' records are all selected with their labels; under another
 * key they are not. */
START_TEST(test_sampling_consistency)
{
    static struct sim_functions fns;
    sim_functions_init(&fns, 1);
    vnfo_manifest *m = world("sampling", 4);
    simulate(m, "sampling", SIM_HONEST, 9, 600, 0);
    char path[160];
    snprintf(path, sizeof path, "%s/sampling/sampling.key", dir);
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    ck_assert_status(vnfo_sampler_key_load(key, path), VNFO_OK);
    vnfo_sampler_options so = VNFO_SAMPLER_OPTIONS_INIT;
    ck_assert_status(vnfo_manifest_sampler_options(&so, m, key, sizeof key), VNFO_OK);
    vnfo_sampler *good, *bad;
    ck_assert_status(vnfo_sampler_create(&good, &so, key, sizeof key), VNFO_OK);
    key[0] ^= 1;
    ck_assert_status(vnfo_sampler_create(&bad, &so, key, sizeof key), VNFO_OK);
    test_sampler = good;
    vnfo_report *r = verify(m, "sampling", &fns);
    const vnfo_report_entry *e = vnfo_report_entry_find(r, "sampling.consistency");
    ck_assert_ptr_nonnull(e);
    ck_assert_msg(vnfo_report_entry_verdict(e) == VNFO_REPORT_PASS, "%s", vnfo_report_entry_summary(e));
    double checked;
    ck_assert_status(vnfo_report_evidence_number(&checked, e, "checked"), VNFO_OK);
    ck_assert(checked > 100);
    vnfo_report_free(r);
    test_sampler = bad;
    r = verify(m, "sampling", &fns);
    e = vnfo_report_entry_find(r, "sampling.consistency");
    ck_assert_int_eq(vnfo_report_entry_verdict(e), VNFO_REPORT_FAIL);
    ck_assert_uint_gt(vnfo_report_entry_examples_total(e), 100);
    vnfo_report_free(r);
    test_sampler = NULL;
    vnfo_sampler_free(good);
    vnfo_sampler_free(bad);
    vnfo_manifest_free(m);
}
END_TEST

START_TEST(test_api_arguments)
{
    vnfo_verify_options o;
    ck_assert_status(vnfo_verify_options_init(&o, 99), VNFO_E_STRUCT_VERSION);
    ck_assert_status(vnfo_verify_options_init(&o, VNFO_VERIFY_OPTIONS_VERSION), VNFO_OK);
    ck_assert_uint_eq(o.linktype, 1);
    vnfo_verifier *v = (vnfo_verifier *)1;
    ck_assert_status(vnfo_verifier_create(&v, NULL, NULL), VNFO_E_INVALID_ARGUMENT);
    ck_assert_ptr_null(v);
    vnfo_manifest *m = world("api", 4);
    o.version = 7;
    ck_assert_status(vnfo_verifier_create(&v, m, &o), VNFO_E_STRUCT_VERSION);
    ck_assert_status(vnfo_verifier_create(&v, m, NULL), VNFO_OK);
    ck_assert_status(vnfo_verifier_reference_set(v, "nope", NULL, NULL), VNFO_E_NOT_FOUND);
    ck_assert_str_eq(vnfo_error_message(), "reference for \"nope\": no chain entry of that name");
    double t[4];
    ck_assert_status(vnfo_verifier_stage_times(t, v), VNFO_OK);
    vnfo_verifier_free(v);
    vnfo_verifier_free(NULL);
    vnfo_manifest_free(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("verify");
    TCase *tc = tcase_create("end-to-end");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_honest_run_passes);
    tcase_add_test(tc, test_max_per_packet);
    tcase_add_test(tc, test_scenarios_caught_by_intended_checks);
    tcase_add_test(tc, test_hostile_inputs);
    tcase_add_test(tc, test_api_arguments);
    tcase_add_test(tc, test_flowtags);
    tcase_add_test(tc, test_flowtag_without_mappings);
    tcase_add_test(tc, test_snapshot_state);
    tcase_add_test(tc, test_records_after_run);
    tcase_add_test(tc, test_flowtags_end_to_end);
    tcase_add_test(tc, test_sampling_consistency);
    tcase_add_test(tc, test_detection_power);
    tcase_add_test(tc, test_no_false_alarms);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
