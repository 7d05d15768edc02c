/* Check suite for record format version 2 end to end (docs/FORMAT.md):
 * the link type and wire length every packet record states, read back by
 * the verifier (sampling, references, bytes bill) on raw-IP and Linux-
 * cooked captures; heartbeats and the period close that make a deleted tail
 * visible; and version-1 (0.1.0) logs, which still verify, with each check
 * that needs a version-2 field INCONCLUSIVE, never FAIL, except the
 * heartbeat rule of a manifest that asks for heartbeats. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim.h"
#include "testutil.h"
#include "traffic.h"

#define MAX_PACKETS 1600
#define SLL_HEADER 16
#define ETH_HEADER 14

static uint8_t frames[MAX_PACKETS][TRAFFIC_FRAME_MAX + SLL_HEADER];
static size_t frame_len[MAX_PACKETS];
static size_t n_frames;
static char dir[64];

/* ---- captures of each link type, built from generated Ethernet frames ------ */

static uint16_t ethertype(const uint8_t *f) { return (uint16_t)(f[12] << 8 | f[13]); }

/* The generated frames as `linktype` frames: raw IPv4 keeps IPv4 only, raw
 * IPv6 IPv6 only, raw IP both; Linux cooked replaces the Ethernet header
 * by the 16-byte SLL header (packet type, ARPHRD_ETHER, the source MAC). */
static void make_traffic(uint32_t linktype)
{
    traffic_gen g;
    ck_assert_int_eq(traffic_gen_init(&g, 23, 120), 0);
    static uint8_t eth[TRAFFIC_FRAME_MAX];
    n_frames = 0;
    for (size_t k = 0; n_frames < MAX_PACKETS && k < 16 * MAX_PACKETS; k++) {
        size_t len = traffic_gen_next(&g, eth, sizeof eth, NULL);
        ck_assert_uint_gt(len, ETH_HEADER);
        uint16_t et = ethertype(eth);
        uint8_t *out = frames[n_frames];
        if ((linktype == VNFO_LINKTYPE_IPV4 && et != 0x0800) ||
            (linktype == VNFO_LINKTYPE_IPV6 && et != 0x86dd) ||
            (linktype != VNFO_LINKTYPE_ETHERNET && et != 0x0800 && et != 0x86dd))
            continue; /* VLAN-tagged frames have no raw-IP or cooked form here */
        if (linktype == VNFO_LINKTYPE_ETHERNET) {
            memcpy(out, eth, len);
            frame_len[n_frames++] = len;
        } else if (linktype == VNFO_LINKTYPE_LINUX_SLL) {
            static const uint8_t sll[10] = {0, 0, 0, 1, 0, 6};
            memcpy(out, sll, 6);
            memcpy(out + 6, eth + 6, 6); /* source MAC, then 2 bytes of padding */
            out[12] = out[13] = 0;
            out[14] = eth[12];
            out[15] = eth[13];
            memcpy(out + SLL_HEADER, eth + ETH_HEADER, len - ETH_HEADER);
            frame_len[n_frames++] = len - ETH_HEADER + SLL_HEADER;
        } else {
            memcpy(out, eth + ETH_HEADER, len - ETH_HEADER);
            frame_len[n_frames++] = len - ETH_HEADER;
        }
    }
    traffic_gen_free(&g);
    ck_assert_uint_gt(n_frames, 600);
}

struct source {
    size_t next, gap_ns;
};

/* Frames 20 us apart (or gap_ns), from the start of the demo's billing
 * period; each frame is 8 bytes longer on the wire than captured. */
static int next_packet(void *ctx, const uint8_t **pkt, size_t *len, size_t *wire_len, uint64_t *ts_ns)
{
    struct source *s = ctx;
    if (s->next >= n_frames)
        return 0;
    *pkt = frames[s->next];
    *len = frame_len[s->next];
    *wire_len = frame_len[s->next] + 8;
    *ts_ns = 1793494800ULL * 1000000000ULL + (uint64_t)s->next * (s->gap_ns ? s->gap_ns : 20000u);
    s->next++;
    return 1;
}

static void setup(void)
{
    ck_assert_status(vnfo_init(), VNFO_OK);
    strcpy(dir, "/tmp/vnfo-format-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* ---- worlds: keys, manifests, simulation, verification ---------------------- */

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

/* dir/<name>/manifest.json (the demo manifest, heartbeat every 1000 ms) and
 * dir/<name>/manifest-v1.json, the same without heartbeat_ms. */
static vnfo_manifest *world(const char *name, int with_heartbeat)
{
    static const char *const names[] = {"customer", "provider", "fw", "ids", "nat"};
    char keys[128], path[192];
    snprintf(keys, sizeof keys, "%s/%s", dir, name);
    mkdir(keys, 0700);
    ck_assert_status(sim_keys_generate_seeded(keys, names, 5, 77), VNFO_OK);
    snprintf(path, sizeof path, "%s/manifest.json", keys);
    /* sampling 1/2: ~800 sampled packets, more than the 459 a clean
     * minimality sample needs to prove 1% at 99% (docs/accounting.md) */
    ck_assert_status(sim_manifest_write(path, keys, 2), VNFO_OK);
    char *text = read_text(path), *hb = strstr(text, ",\n              \"heartbeat_ms\": 1000");
    ck_assert_ptr_nonnull(hb);
    memmove(hb, hb + strlen(",\n              \"heartbeat_ms\": 1000"),
            strlen(hb + strlen(",\n              \"heartbeat_ms\": 1000")) + 1);
    snprintf(path, sizeof path, "%s/manifest-v1.json", keys);
    FILE *f = fopen(path, "w");
    ck_assert_int_ge(fputs(text, f), 0);
    fclose(f);
    snprintf(path, sizeof path, "%s/%s", keys, with_heartbeat ? "manifest.json" : "manifest-v1.json");
    vnfo_manifest *m;
    ck_assert_status(vnfo_manifest_load(&m, path), VNFO_OK);
    ck_assert_uint_eq(vnfo_manifest_logging_heartbeat_ms(m), with_heartbeat ? 1000 : 0);
    return m;
}

static void simulate(const vnfo_manifest *m, const char *name, int scenario, uint32_t linktype,
                     size_t gap_ns)
{
    char keys[128];
    snprintf(keys, sizeof keys, "%s/%s", dir, name);
    struct sim_options o = {m, keys, keys, scenario, 5, linktype, 0};
    struct source src = {0, gap_ns};
    ck_assert_msg(sim_run(NULL, &o, next_packet, &src) == VNFO_OK, "sim_run: %s", sim_error());
}

static vnfo_sampler *sampler_of(const vnfo_manifest *m, const char *name)
{
    char path[192];
    snprintf(path, sizeof path, "%s/%s/sampling.key", dir, name);
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    ck_assert_status(vnfo_sampler_key_load(key, path), VNFO_OK);
    vnfo_sampler_options so = VNFO_SAMPLER_OPTIONS_INIT;
    ck_assert_status(vnfo_manifest_sampler_options(&so, m, key, sizeof key), VNFO_OK);
    vnfo_sampler *smp;
    ck_assert_status(vnfo_sampler_create(&smp, &so, key, sizeof key), VNFO_OK);
    return smp;
}

enum refs { REFS_LINKTYPE, REFS_PLAIN };

/* Verifies dir/<name> with the sampling key and the reference middleboxes
 * (told each record's link type, or the plain 0.1.0 callbacks). */
static vnfo_report *verify(const vnfo_manifest *m, const char *name, enum refs refs)
{
    static struct sim_functions fns;
    sim_functions_init(&fns, VNFO_LINKTYPE_ETHERNET);
    vnfo_sampler *smp = sampler_of(m, name);
    vnfo_verifier *v;
    ck_assert_status(vnfo_verifier_create(&v, m, NULL), VNFO_OK);
    ck_assert_status(vnfo_verifier_sampler_set(v, smp), VNFO_OK);
    char path[192];
    for (size_t i = 0; i < vnfo_manifest_chain_count(m); i++) {
        const char *fn_name = vnfo_manifest_chain_function(m, i), *node = vnfo_manifest_chain_name(m, i);
        void *ctx;
        if (refs == REFS_LINKTYPE) {
            vnfo_reference_linktype_fn fn;
            ck_assert_int_eq(sim_reference_linktype(&fn, &ctx, &fns, fn_name), 0);
            ck_assert_status(vnfo_verifier_reference_linktype_set(v, node, fn, ctx), VNFO_OK);
        } else {
            vnfo_reference_fn fn;
            ck_assert_int_eq(sim_reference(&fn, &ctx, &fns, fn_name), 0);
            ck_assert_status(vnfo_verifier_reference_set(v, node, fn, ctx), VNFO_OK);
        }
        snprintf(path, sizeof path, "%s/%s/%s.log", dir, name, node);
        ck_assert_status(vnfo_verifier_log_add_file(v, node, path), VNFO_OK);
    }
    vnfo_bill *bill;
    snprintf(path, sizeof path, "%s/%s/bill.json", dir, name);
    ck_assert_status(vnfo_bill_load(&bill, path), VNFO_OK);
    ck_assert_status(vnfo_verifier_bill_set(v, bill), VNFO_OK);
    vnfo_report *r;
    ck_assert_status(vnfo_verifier_run(&r, v), VNFO_OK);
    vnfo_verifier_free(v);
    vnfo_bill_free(bill);
    vnfo_sampler_free(smp);
    return r;
}

static vnfo_report_verdict verdict_of(const vnfo_report *r, const char *check)
{
    const vnfo_report_entry *e = vnfo_report_entry_find(r, check);
    ck_assert_msg(e != NULL, "no check %s", check);
    return vnfo_report_entry_verdict(e);
}

static const char *summary_of(const vnfo_report *r, const char *check)
{
    return vnfo_report_entry_summary(vnfo_report_entry_find(r, check));
}

static double evidence(const vnfo_report *r, const char *check, const char *key)
{
    double x = -1;
    ck_assert_status(vnfo_report_evidence_number(&x, vnfo_report_entry_find(r, check), key), VNFO_OK);
    return x;
}

static void expect_all_pass(const vnfo_report *r, const char *what)
{
    for (size_t i = 0; i < vnfo_report_entry_count(r); i++) {
        const vnfo_report_entry *e = vnfo_report_entry_at(r, i);
        ck_assert_msg(vnfo_report_entry_verdict(e) == VNFO_REPORT_PASS, "%s: %s is %s: %s", what,
                      vnfo_report_entry_name(e), vnfo_report_verdict_name(vnfo_report_entry_verdict(e)),
                      vnfo_report_entry_summary(e));
    }
}

/* The first packet record of dir/<name>/<node>.log. */
static void first_packet(vnfo_record *out, const vnfo_manifest *m, const char *name, const char *node)
{
    char path[192];
    snprintf(path, sizeof path, "%s/%s/%s.pub", dir, name, node);
    vnfo_log_reader_options o = VNFO_LOG_READER_OPTIONS_INIT;
    ck_assert_status(vnfo_manifest_digest_compute(o.manifest_digest, m), VNFO_OK);
    ck_assert_status(vnfo_public_key_load(&o.public_key, path), VNFO_OK);
    vnfo_log_reader *rd;
    ck_assert_status(vnfo_log_reader_create(&rd, &o), VNFO_OK);
    snprintf(path, sizeof path, "%s/%s/%s.log", dir, name, node);
    ck_assert_status(vnfo_log_reader_add_file(rd, path), VNFO_OK);
    ck_assert_status(vnfo_log_reader_verify(rd), VNFO_OK);
    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    do
        ck_assert_status(vnfo_log_reader_next_record(out, rd, &cur), VNFO_OK);
    while (out->type != VNFO_RECORD_PACKET);
    vnfo_log_reader_free(rd);
}

/* ---- link types ----------------------------------------------------------------- */

/* Raw IPv4, raw IPv6, raw IP and Linux cooked captures: the honest run
 * passes every check (sampling re-decided and references replayed with each
 * record's link type), and a payload rewrite is caught. */
START_TEST(test_link_types_end_to_end)
{
    static const uint32_t types[] = {VNFO_LINKTYPE_IPV4, VNFO_LINKTYPE_IPV6, VNFO_LINKTYPE_RAW,
                                     VNFO_LINKTYPE_LINUX_SLL};
    uint32_t lt = types[_i];
    make_traffic(lt);
    char name[32];
    snprintf(name, sizeof name, "lt%u", (unsigned)lt);
    vnfo_manifest *m = world(name, 1);
    simulate(m, name, SIM_HONEST, lt, 0);
    vnfo_record rec;
    first_packet(&rec, m, name, "fw");
    ck_assert_uint_eq(rec.format_version, 2);
    ck_assert_int_eq(rec.u.packet.has_link_type, 1);
    ck_assert_uint_eq(rec.u.packet.link_type, lt);
    ck_assert_uint_eq(rec.u.packet.wire_len, rec.u.packet.bytes_in_len + 8);
    vnfo_report *r = verify(m, name, REFS_LINKTYPE);
    expect_all_pass(r, name);
    ck_assert(evidence(r, "sampling.consistency", "checked") > 300);
    ck_assert(evidence(r, "reference.fw", "checked") > 100);
    vnfo_report_free(r);

    char rewritten[48];
    snprintf(rewritten, sizeof rewritten, "%s-rewrite", name);
    vnfo_manifest_free(m);
    m = world(rewritten, 1);
    simulate(m, rewritten, SIM_IDS_REWRITES_PAYLOAD, lt, 0);
    r = verify(m, rewritten, REFS_LINKTYPE);
    ck_assert_int_eq(verdict_of(r, "function.unmodified"), VNFO_REPORT_FAIL);
    ck_assert_int_eq(verdict_of(r, "reference.ids"), VNFO_REPORT_FAIL);
    /* The firewall before the IDS still replays cleanly with the link type. */
    ck_assert_int_eq(verdict_of(r, "reference.fw"), VNFO_REPORT_PASS);
    vnfo_report_free(r);
    vnfo_manifest_free(m);
}
END_TEST

/* A reference without a link type reads opts.linktype (Ethernet) frames
 * only: raw-IPv4 records are not replayed through it, and say so. */
START_TEST(test_plain_reference_skips_other_link_types)
{
    make_traffic(VNFO_LINKTYPE_IPV4);
    vnfo_manifest *m = world("plain", 1);
    simulate(m, "plain", SIM_HONEST, VNFO_LINKTYPE_IPV4, 0);
    vnfo_report *r = verify(m, "plain", REFS_PLAIN);
    ck_assert_int_eq(verdict_of(r, "reference.fw"), VNFO_REPORT_INCONCLUSIVE);
    ck_assert(evidence(r, "reference.fw", "other_link_type") > 100);
    ck_assert_int_eq(verdict_of(r, "sampling.consistency"), VNFO_REPORT_PASS);
    ck_assert_int_eq(vnfo_report_overall(r), VNFO_REPORT_INCONCLUSIVE);
    vnfo_report_free(r);
    vnfo_manifest_free(m);
}
END_TEST

START_TEST(test_reference_linktype_set_arguments)
{
    vnfo_manifest *m = world("args", 1);
    vnfo_verifier *v;
    ck_assert_status(vnfo_verifier_create(&v, m, NULL), VNFO_OK);
    static struct sim_functions fns;
    sim_functions_init(&fns, VNFO_LINKTYPE_ETHERNET);
    vnfo_reference_linktype_fn fn;
    void *ctx;
    ck_assert_int_eq(sim_reference_linktype(&fn, &ctx, &fns, "ids"), 0);
    ck_assert_int_eq(sim_reference_linktype(&fn, &ctx, &fns, "router"), -1);
    ck_assert_status(vnfo_verifier_reference_linktype_set(NULL, "ids", fn, ctx), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_verifier_reference_linktype_set(v, NULL, fn, ctx), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_verifier_reference_linktype_set(v, "router", fn, ctx), VNFO_E_NOT_FOUND);
    ck_assert_str_eq(vnfo_error_message(), "reference for \"router\": no chain entry of that name");
    ck_assert_status(vnfo_verifier_reference_linktype_set(v, "ids", fn, ctx), VNFO_OK);
    ck_assert_status(vnfo_verifier_reference_linktype_set(v, "ids", NULL, NULL), VNFO_OK); /* removed */
    vnfo_verifier_free(v);
    vnfo_manifest_free(m);
}
END_TEST

/* ---- heartbeats, the period close, tail deletion ---------------------------------- */

START_TEST(test_heartbeats_and_deleted_tail)
{
    make_traffic(VNFO_LINKTYPE_ETHERNET);
    vnfo_manifest *m = world("beats", 1);
    /* 1600 frames 6.25 ms apart: 10 s of traffic, about 10 heartbeats a node. */
    simulate(m, "beats", SIM_HONEST, VNFO_LINKTYPE_ETHERNET, 6250000);
    vnfo_report *r = verify(m, "beats", REFS_LINKTYPE);
    expect_all_pass(r, "beats");
    ck_assert(evidence(r, "logs.integrity", "fw.heartbeats") >= 9);
    ck_assert(evidence(r, "logs.integrity", "nat.heartbeats") >= 9);
    ck_assert_uint_eq((uint64_t)evidence(r, "logs.integrity", "heartbeat_ms"), 1000);
    ck_assert_uint_eq((uint64_t)evidence(r, "logs.integrity", "nat.last_signed_ns"),
                      (uint64_t)vnfo_manifest_billing_end(m) * 1000000000u);
    vnfo_report_free(r);
    vnfo_manifest_free(m);

    m = world("tail", 1);
    simulate(m, "tail", SIM_DELETES_TAIL, VNFO_LINKTYPE_ETHERNET, 6250000);
    r = verify(m, "tail", REFS_LINKTYPE);
    ck_assert_int_eq(verdict_of(r, "logs.integrity"), VNFO_REPORT_FAIL);
    const char *s = summary_of(r, "logs.integrity");
    ck_assert_msg(strstr(s, "1 of 3 logs stop before the billing period's end: nat (node 3): no "
                            "period-close record for the billing period; the log stops at ") == s, "%s", s);
    ck_assert_msg(strstr(s, " ms before the period's end") != NULL, "%s", s);
    /* The NAT's hops missing after its last record are the deleted tail's,
     * explained by it, not drops. */
    ck_assert_int_eq(verdict_of(r, "drops.attribution"), VNFO_REPORT_PASS);
    ck_assert(evidence(r, "chain.complete", "missing_explained_by_log_faults") > 10);
    /* The bill is not judged on a log that lost its tail. */
    ck_assert_int_eq(verdict_of(r, "bill.packets"), VNFO_REPORT_INCONCLUSIVE);
    vnfo_report_free(r);
    vnfo_manifest_free(m);
}
END_TEST

/* Records given directly: a close for the right period signed ten
 * intervals too early, a close for another period, no close at all. */
START_TEST(test_heartbeat_rule_cases)
{
    vnfo_manifest *m = world("rule", 1);
    uint64_t start = (uint64_t)vnfo_manifest_billing_start(m) * 1000000000u;
    uint64_t end = (uint64_t)vnfo_manifest_billing_end(m) * 1000000000u;
    static const struct {
        uint64_t close_start_off, close_time_back; /* 1: no close */
        const char *want;
    } cases[] = {
        {0, 0, NULL},
        {0, 10000000000ULL, "ids (node 2): the last signed time 2026-11-30T23:59:50.000Z (%llu ns) is "
                            "10000 ms before the period's end, more than the heartbeat interval"},
        {1000000000ULL, 0, "ids (node 2): no period-close record for the billing period; the log stops "
                           "at 2026-12-01T00:00:00.000Z (%llu ns), 0 ms before the period's end"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        vnfo_verifier *v;
        ck_assert_status(vnfo_verifier_create(&v, m, NULL), VNFO_OK);
        for (uint32_t node = 1; node <= 3; node++) {
            vnfo_record rec;
            ck_assert_status(vnfo_record_init(&rec, VNFO_RECORD_PERIOD_CLOSE), VNFO_OK);
            rec.node_id = node;
            rec.u.period_close.period_start_ns = start + (node == 2 ? cases[k].close_start_off : 0);
            rec.u.period_close.period_end_ns = end;
            rec.u.period_close.time_ns = end - (node == 2 ? cases[k].close_time_back : 0);
            ck_assert_status(vnfo_verifier_record_add(v, &rec), VNFO_OK);
        }
        vnfo_report *r;
        ck_assert_status(vnfo_verifier_run(&r, v), VNFO_OK);
        if (!cases[k].want) {
            ck_assert_int_eq(verdict_of(r, "logs.integrity"), VNFO_REPORT_PASS);
        } else {
            char want[512], got[600];
            snprintf(want, sizeof want, cases[k].want, (unsigned long long)(end - cases[k].close_time_back));
            snprintf(got, sizeof got, "1 of 3 logs stop before the billing period's end: %s", want);
            ck_assert_int_eq(verdict_of(r, "logs.integrity"), VNFO_REPORT_FAIL);
            ck_assert_str_eq(summary_of(r, "logs.integrity"), got);
        }
        vnfo_report_free(r);
        vnfo_verifier_free(v);
    }
    vnfo_manifest_free(m);
}
END_TEST

/* ---- version-1 (0.1.0) logs ------------------------------------------------------ */

/* Rewrites dir/<name>/<node>.log as a 0.1.0 shim would have written it:
 * version-1 records, no heartbeat, no period close, signed under the
 * digest of `m`. */
static void downgrade(const vnfo_manifest *m, const char *name, const char *node, uint32_t node_id)
{
    char path[192], out[200];
    snprintf(path, sizeof path, "%s/%s/%s.key", dir, name, node);
    vnfo_signing_key *key;
    ck_assert_status(vnfo_signing_key_load(&key, path), VNFO_OK);
    vnfo_log_reader_options ro = VNFO_LOG_READER_OPTIONS_INIT;
    ck_assert_status(vnfo_signing_key_public(&ro.public_key, key), VNFO_OK);
    ck_assert_status(vnfo_manifest_digest_compute(ro.manifest_digest, m), VNFO_OK);
    vnfo_log_reader *rd;
    ck_assert_status(vnfo_log_reader_create(&rd, &ro), VNFO_OK);
    snprintf(path, sizeof path, "%s/%s/%s.log", dir, name, node);
    ck_assert_status(vnfo_log_reader_add_file(rd, path), VNFO_OK);
    ck_assert_status(vnfo_log_reader_verify(rd), VNFO_OK);
    snprintf(out, sizeof out, "%s.v1", path);
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    ck_assert_int_ge(fd, 0);
    vnfo_log_writer_options wo = VNFO_LOG_WRITER_OPTIONS_INIT;
    wo.node_id = node_id;
    wo.key = key;
    wo.batch_records = 64;
    wo.sink = vnfo_log_file_sink;
    wo.sink_ctx = &fd;
    ck_assert_status(vnfo_manifest_digest_compute(wo.manifest_digest, m), VNFO_OK);
    vnfo_log_writer *w;
    ck_assert_status(vnfo_log_writer_create(&w, &wo), VNFO_OK);
    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    vnfo_record rec;
    while (vnfo_log_reader_next_record(&rec, rd, &cur) == VNFO_OK) {
        if (rec.type == VNFO_RECORD_HEARTBEAT || rec.type == VNFO_RECORD_PERIOD_CLOSE)
            continue;
        rec.format_version = 1;
        if (rec.type == VNFO_RECORD_PACKET) {
            rec.u.packet.has_link_type = 0;
            rec.u.packet.link_type = 0;
            rec.u.packet.wire_len = 0;
        }
        ck_assert_status(vnfo_log_writer_append(w, &rec), VNFO_OK);
    }
    vnfo_log_writer_free(w);
    close(fd);
    vnfo_log_reader_free(rd);
    vnfo_signing_key_free(key);
    ck_assert_int_eq(rename(out, path), 0);
}

static const char *const NODES[] = {"fw", "ids", "nat"};

/* 0.1.0 logs under a manifest without heartbeats: every check passes but
 * the bytes bill, which needs the wire length and says so. */
START_TEST(test_version1_logs_verify)
{
    make_traffic(VNFO_LINKTYPE_ETHERNET);
    vnfo_manifest *m = world("old", 0);
    simulate(m, "old", SIM_HONEST, VNFO_LINKTYPE_ETHERNET, 0);
    for (uint32_t i = 0; i < 3; i++)
        downgrade(m, "old", NODES[i], i + 1);
    vnfo_record rec;
    first_packet(&rec, m, "old", "fw");
    ck_assert_uint_eq(rec.format_version, 1);
    vnfo_report *r = verify(m, "old", REFS_LINKTYPE);
    for (size_t i = 0; i < vnfo_report_entry_count(r); i++) {
        const vnfo_report_entry *e = vnfo_report_entry_at(r, i);
        vnfo_report_verdict want = strcmp(vnfo_report_entry_name(e), "bill.bytes") == 0
                                       ? VNFO_REPORT_INCONCLUSIVE : VNFO_REPORT_PASS;
        ck_assert_msg(vnfo_report_entry_verdict(e) == want, "%s: %s", vnfo_report_entry_name(e),
                      vnfo_report_entry_summary(e));
    }
    ck_assert_str_eq(summary_of(r, "bill.bytes"),
                     "records do not state the packets' wire length (record format version 1 has no wire_len)");
    ck_assert(evidence(r, "sampling.consistency", "checked") > 300); /* read as Ethernet */
    vnfo_report_free(r);
    vnfo_manifest_free(m);
}
END_TEST

/* Under a manifest with heartbeats, a 0.1.0 shim's log fails the heartbeat
 * rule with a message naming the missing feature, beside version-2 shims
 * whose logs satisfy it; nothing else fails. */
START_TEST(test_mixed_versions_under_heartbeats)
{
    make_traffic(VNFO_LINKTYPE_ETHERNET);
    vnfo_manifest *m = world("mixed", 1);
    simulate(m, "mixed", SIM_HONEST, VNFO_LINKTYPE_ETHERNET, 0);
    downgrade(m, "mixed", "ids", 2);
    vnfo_report *r = verify(m, "mixed", REFS_LINKTYPE);
    ck_assert_int_eq(verdict_of(r, "logs.integrity"), VNFO_REPORT_FAIL);
    ck_assert_str_eq(summary_of(r, "logs.integrity"),
                     "1 of 3 logs stop before the billing period's end: ids (node 2): log format version 1 "
                     "has no heartbeats and no period close, which the manifest requires "
                     "(logging.heartbeat_ms 1000)");
    for (size_t i = 0; i < vnfo_report_entry_count(r); i++) {
        const vnfo_report_entry *e = vnfo_report_entry_at(r, i);
        if (strcmp(vnfo_report_entry_name(e), "logs.integrity") != 0)
            ck_assert_msg(vnfo_report_entry_verdict(e) != VNFO_REPORT_FAIL, "%s: %s",
                          vnfo_report_entry_name(e), vnfo_report_entry_summary(e));
    }
    vnfo_report_free(r);
    vnfo_manifest_free(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("format_v2");
    TCase *tc = tcase_create("end-to-end");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_link_types_end_to_end, 0, 4);
    tcase_add_test(tc, test_plain_reference_skips_other_link_types);
    tcase_add_test(tc, test_reference_linktype_set_arguments);
    tcase_add_test(tc, test_heartbeats_and_deleted_tail);
    tcase_add_test(tc, test_heartbeat_rule_cases);
    tcase_add_test(tc, test_version1_logs_verify);
    tcase_add_test(tc, test_mixed_versions_under_heartbeats);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
