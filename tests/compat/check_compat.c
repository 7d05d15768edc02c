/* Mixed-version chains (docs/compatibility.md): logs written by 0.1.0 shims
 * (the frozen corpus tests/compat/v0.1.0) next to a log written by this
 * library's writer are judged as the all-0.1.0 chain was; and, once the
 * writer writes record format 2, a manifest requiring heartbeats
 * (logging.heartbeat_ms) FAILs the 0.1.0 node's log, naming the missing
 * feature, and only that log.
 *
 * The verifier runs here exactly as `vnfo verify --key --reference
 * firewall,nat,ids` ran for the frozen reports, so every check is compared
 * with the verdict 0.1.0 gave. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim.h"
#include "testutil.h"

/* ---- corpus files ------------------------------------------------------- */

static const char *corpus(char *buf, size_t size, const char *rel)
{
    const char *top = getenv("top_srcdir");
    snprintf(buf, size, "%s/tests/compat/v0.1.0/%s", top && *top ? top : "..", rel);
    return buf;
}

static uint8_t *slurp(size_t *len, const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    uint8_t *data = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(data);
    ck_assert_uint_eq(fread(data, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    data[n] = 0;
    *len = (size_t)n;
    return data;
}

/* Git keeps no file modes and key loaders refuse secret files others may
 * read: load the corpus's (published, test-only) node key from a private copy. */
static vnfo_signing_key *node_key(const char *name)
{
    char rel[64], path[4096], tmpl[] = "/tmp/vnfo-compat-key-XXXXXX";
    snprintf(rel, sizeof rel, "keys/%s.key", name);
    size_t len;
    uint8_t *text = slurp(&len, corpus(path, sizeof path, rel));
    int fd = mkstemp(tmpl); /* mode 0600 */
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
    free(text);
    vnfo_signing_key *key = NULL;
    ck_assert_status(vnfo_signing_key_load(&key, tmpl), VNFO_OK);
    unlink(tmpl);
    return key;
}

/* ---- logs in memory ------------------------------------------------------ */

struct logbuf {
    uint8_t *data;
    size_t len, cap;
};

static void logbuf_put(struct logbuf *b, const uint8_t *p, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->data = realloc(b->data, b->cap);
        ck_assert_ptr_nonnull(b->data);
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

/* A log file frame: the 4-byte big-endian length, then the batch. */
static void logbuf_frame(struct logbuf *b, const uint8_t *batch, size_t len)
{
    uint8_t be[4] = {(uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len};
    logbuf_put(b, be, 4);
    logbuf_put(b, batch, len);
}

static vnfo_status memory_sink(void *ctx, const uint8_t *batch, size_t len)
{
    logbuf_frame(ctx, batch, len);
    return VNFO_OK;
}

struct clock {
    uint64_t now_ns;
};

static uint64_t fixed_clock(void *ctx)
{
    return ((struct clock *)ctx)->now_ns;
}

/* Opens a frozen log for reading, every batch verified. */
static vnfo_log_reader *frozen_reader(const char *set, const char *node, const uint8_t *digest)
{
    char rel[128], path[4096];
    vnfo_log_reader_options ro = VNFO_LOG_READER_OPTIONS_INIT;
    snprintf(rel, sizeof rel, "keys/%s.pub", node);
    ck_assert_status(vnfo_public_key_load(&ro.public_key, corpus(path, sizeof path, rel)), VNFO_OK);
    memcpy(ro.manifest_digest, digest, VNFO_LOG_HASH_BYTES);
    vnfo_log_reader *r = NULL;
    ck_assert_status(vnfo_log_reader_create(&r, &ro), VNFO_OK);
    snprintf(rel, sizeof rel, "%s/%s.log", set, node);
    ck_assert_status(vnfo_log_reader_add_file(r, corpus(path, sizeof path, rel)), VNFO_OK);
    ck_assert_status(vnfo_log_reader_verify(r), VNFO_OK);
    return r;
}

/* The current writer's log of the node whose 0.1.0 log is given: every
 * record the 0.1.0 shim logged, appended as a shim of this release appends
 * it (a record from vnfo_record_init(), so the newest format), in batches
 * as large, stamped at the 0.1.0 batches' creation times, under the manifest
 * digest @p digest.  With @p p's heartbeat_ns non-zero, also the heartbeats
 * and the period close a manifest with logging.heartbeat_ms requires.
 * With @p keep non-zero, the log's first @p keep batches stay as 0.1.0
 * wrote them and the current writer continues the log from there (a shim
 * upgraded in the middle of a period): one chain, two record formats. */
struct period {
    uint64_t start_ns, end_ns, heartbeat_ns;
};

static vnfo_status append_heartbeats(vnfo_log_writer *w, struct clock *clk, const struct period *p);

static void rewrite_current(struct logbuf *out, const char *set, const char *node,
                            const uint8_t *frozen_digest, const uint8_t *digest,
                            uint32_t batch_records, const struct period *p, size_t keep)
{
    vnfo_log_reader *r = frozen_reader(set, node, frozen_digest);
    vnfo_signing_key *key = node_key(node);
    vnfo_log_batch_info info;
    ck_assert_uint_lt(keep, vnfo_log_reader_batch_count(r));
    ck_assert(keep == 0 || memcmp(digest, frozen_digest, VNFO_LOG_HASH_BYTES) == 0);
    for (size_t b = 0; b < keep; b++) {
        ck_assert_status(vnfo_log_reader_batch(&info, r, b), VNFO_OK);
        ck_assert_status(info.status, VNFO_OK);
        logbuf_frame(out, info.bytes, info.len);
    }
    uint64_t next_seq = keep ? info.header.first_seq + info.header.record_count : 0;
    uint8_t prev[VNFO_LOG_HASH_BYTES] = {0};
    if (keep)
        memcpy(prev, info.hash, sizeof prev);
    ck_assert_status(vnfo_log_reader_batch(&info, r, keep), VNFO_OK);
    /* With heartbeats the shim runs through the billing period: its batches
     * are stamped from the period's start on.  Without, as 0.1.0 stamped them. */
    int heartbeats = p && p->heartbeat_ns;
    struct clock clk = {heartbeats ? p->start_ns : info.header.created_ns};
    vnfo_log_writer_options wo = VNFO_LOG_WRITER_OPTIONS_INIT;
    wo.node_id = info.header.node_id;
    wo.key = key;
    memcpy(wo.manifest_digest, digest, VNFO_LOG_HASH_BYTES);
    wo.batch_records = batch_records;
    wo.tree_hash = info.header.tree_hash;
    wo.epoch = info.header.epoch;
    wo.sink = memory_sink;
    wo.sink_ctx = out;
    wo.clock = fixed_clock;
    wo.clock_ctx = &clk;
    wo.first_seq = next_seq;
    memcpy(wo.prev_hash, prev, sizeof prev);
    vnfo_log_writer *w = NULL;
    ck_assert_status(vnfo_log_writer_create(&w, &wo), VNFO_OK);
    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    vnfo_record rec, fresh;
    size_t n = 0;
    while (vnfo_log_reader_next_record(&rec, r, &cur) == VNFO_OK) {
        if (cur.batch < keep)
            continue;
        ck_assert_status(vnfo_log_reader_batch(&info, r, cur.batch), VNFO_OK);
        if (!heartbeats)
            clk.now_ns = info.header.created_ns;
        if (rec.epoch != wo.epoch) {
            ck_assert_status(vnfo_log_writer_set_epoch(w, rec.epoch), VNFO_OK);
            wo.epoch = rec.epoch;
        }
        ck_assert_status(vnfo_record_init(&fresh, rec.type), VNFO_OK);
        fresh.u = rec.u; /* pointers into the reader's bytes, alive until it is freed */
        ck_assert_status(vnfo_log_writer_append(w, &fresh), VNFO_OK);
        n++;
    }
    ck_assert_uint_gt(n, 0);
    if (heartbeats)
        ck_assert_status(append_heartbeats(w, &clk, p), VNFO_OK);
    ck_assert_status(vnfo_log_writer_flush(w), VNFO_OK);
    vnfo_log_writer_free(w);
    vnfo_signing_key_free(key);
    vnfo_log_reader_free(r);
}

/* The 0.1.0 log, exactly as its 0.1.0 writer would have written it had it
 * been given @p digest: every record byte unchanged (format version 1),
 * headers re-bound to the digest, re-chained and re-signed with the node's
 * key.  A 0.1.0 shim copies the manifest digest it is provisioned with
 * into every batch header and knows nothing else of the manifest. */
static void rebind_frozen(struct logbuf *out, const char *set, const char *node,
                          const uint8_t *frozen_digest, const uint8_t *digest)
{
    vnfo_log_reader *r = frozen_reader(set, node, frozen_digest);
    vnfo_signing_key *key = node_key(node);
    uint8_t prev[VNFO_LOG_HASH_BYTES] = {0};
    for (size_t i = 0; i < vnfo_log_reader_batch_count(r); i++) {
        vnfo_log_batch_info info;
        ck_assert_status(vnfo_log_reader_batch(&info, r, i), VNFO_OK);
        ck_assert_status(info.status, VNFO_OK);
        uint8_t *b = malloc(info.len);
        ck_assert_ptr_nonnull(b);
        memcpy(b, info.bytes, info.len);
        memcpy(b + 12, digest, VNFO_LOG_HASH_BYTES); /* docs/FORMAT.md 2.1 */
        memcpy(b + 72, prev, VNFO_LOG_HASH_BYTES);
        static const char ctx[] = VNFO_LOG_SIGNATURE_CONTEXT;
        uint8_t msg[sizeof ctx + VNFO_LOG_HEADER_BYTES]; /* context, 0x00, header */
        memcpy(msg, ctx, sizeof ctx);
        memcpy(msg + sizeof ctx, b, VNFO_LOG_HEADER_BYTES);
        ck_assert_status(vnfo_signing_key_sign(b + VNFO_LOG_HEADER_BYTES, key, msg, sizeof msg), VNFO_OK);
        ck_assert_status(vnfo_log_batch_hash(prev, b, info.len), VNFO_OK);
        logbuf_frame(out, b, info.len);
        free(b);
    }
    vnfo_signing_key_free(key);
    vnfo_log_reader_free(r);
}

/* ---- the verifier, as `vnfo verify` runs it ---------------------------- */

struct node_log {
    const char *name;
    const struct logbuf *log; /* NULL: the frozen file of the set */
};

static vnfo_report *verify(const vnfo_manifest *m, const char *set, const struct node_log *logs,
                           size_t n)
{
    static struct sim_functions fns;
    char path[4096], rel[128];
    vnfo_verify_options vo = VNFO_VERIFY_OPTIONS_INIT;
    sim_functions_init(&fns, vo.linktype);
    vnfo_verifier *v = NULL;
    ck_assert_status(vnfo_verifier_create(&v, m, &vo), VNFO_OK);
    static const char *const functions[] = {"firewall", "nat", "ids"};
    for (int f = 0; f < 3; f++) {
        vnfo_reference_fn fn;
        void *ctx;
        ck_assert_int_eq(sim_reference(&fn, &ctx, &fns, functions[f]), 0);
        for (size_t i = 0; i < vnfo_manifest_chain_count(m); i++)
            if (strcmp(vnfo_manifest_chain_function(m, i), functions[f]) == 0)
                ck_assert_status(vnfo_verifier_reference_set(v, vnfo_manifest_chain_name(m, i), fn, ctx),
                                 VNFO_OK);
    }
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    vnfo_sampler_options so = VNFO_SAMPLER_OPTIONS_INIT;
    vnfo_sampler *sampler = NULL;
    /* The sampling key file is read as bytes: its loader, too, wants mode 0600. */
    size_t klen;
    uint8_t *ktext = slurp(&klen, corpus(path, sizeof path, "keys/sampling.key"));
    const char *hex = strchr((char *)ktext, ':');
    ck_assert_ptr_nonnull(hex);
    for (size_t i = 0; i < sizeof key; i++) {
        unsigned byte;
        ck_assert_int_eq(sscanf(hex + 1 + 2 * i, "%2x", &byte), 1);
        key[i] = (uint8_t)byte;
    }
    free(ktext);
    ck_assert_status(vnfo_manifest_sampler_options(&so, m, key, sizeof key), VNFO_OK);
    ck_assert_status(vnfo_sampler_create(&sampler, &so, key, sizeof key), VNFO_OK);
    ck_assert_status(vnfo_verifier_sampler_set(v, sampler), VNFO_OK);
    for (size_t i = 0; i < n; i++) {
        if (logs[i].log) {
            ck_assert_status(vnfo_verifier_log_add(v, logs[i].name, logs[i].log->data, logs[i].log->len,
                                                   logs[i].name),
                             VNFO_OK);
        } else {
            snprintf(rel, sizeof rel, "%s/%s.log", set, logs[i].name);
            ck_assert_status(vnfo_verifier_log_add_file(v, logs[i].name, corpus(path, sizeof path, rel)),
                             VNFO_OK);
        }
    }
    vnfo_bill *bill = NULL;
    snprintf(rel, sizeof rel, "%s/bill.json", set);
    ck_assert_status(vnfo_bill_load(&bill, corpus(path, sizeof path, rel)), VNFO_OK);
    ck_assert_status(vnfo_verifier_bill_set(v, bill), VNFO_OK);
    vnfo_report *report = NULL;
    ck_assert_status(vnfo_verifier_run(&report, v), VNFO_OK);
    vnfo_verifier_free(v);
    vnfo_sampler_free(sampler);
    vnfo_bill_free(bill);
    return report;
}

static vnfo_manifest *load_manifest(const char *name, uint8_t *digest)
{
    char path[4096];
    vnfo_manifest *m = NULL;
    ck_assert_status(vnfo_manifest_load(&m, corpus(path, sizeof path, name)), VNFO_OK);
    ck_assert_status(vnfo_manifest_digest_compute(digest, m), VNFO_OK);
    return m;
}

/* Verdicts that differ from 0.1.0's for a reason docs/compatibility.md
 * ("Verdict differences") gives; the reason is in the summary. */
static const struct {
    const char *set, *check, *was, *now, *reason;
} documented[] = {
    {"tagged", "bill.mem_bytes", "PASS", "INCONCLUSIVE",
     "the needed interval end does not exist at this sample size"},
    {"tampers-log", "sla.ids.delay.mean", "PASS", "INCONCLUSIVE",
     "the logs are incomplete (see logs.integrity)"},
};

static int documented_difference(const char *set, const char *check, const char *was,
                                 const vnfo_report_entry *got)
{
    for (size_t i = 0; i < sizeof documented / sizeof documented[0]; i++)
        if (strcmp(documented[i].set, set) == 0 && strcmp(documented[i].check, check) == 0 &&
            strcmp(documented[i].was, was) == 0 &&
            strcmp(documented[i].now, vnfo_report_verdict_name(vnfo_report_entry_verdict(got))) == 0 &&
            strstr(vnfo_report_entry_summary(got), documented[i].reason))
            return 1;
    return 0;
}

/* Every check of the frozen report has the same verdict in @p report, or
 * a documented different one (then the overall verdict may differ too,
 * never into FAIL). */
static void assert_frozen_verdicts(const vnfo_report *report, const char *set, const char *what)
{
    char rel[128], path[4096];
    snprintf(rel, sizeof rel, "%s/report.json", set);
    json_error_t e;
    json_t *frozen = json_load_file(corpus(path, sizeof path, rel), 0, &e);
    ck_assert_msg(frozen != NULL, "%s: %s", path, e.text);
    size_t i, compared = 0;
    int differs = 0;
    json_t *c;
    json_array_foreach(json_object_get(frozen, "checks"), i, c) {
        const char *name = json_string_value(json_object_get(c, "check"));
        const char *want = json_string_value(json_object_get(c, "verdict"));
        const vnfo_report_entry *got = vnfo_report_entry_find(report, name);
        ck_assert_msg(got != NULL, "%s, %s: no check %s", set, what, name);
        if (documented_difference(set, name, want, got)) {
            differs = 1;
            compared++;
            continue;
        }
        ck_assert_msg(strcmp(vnfo_report_verdict_name(vnfo_report_entry_verdict(got)), want) == 0,
                      "%s, %s: %s is %s (%s), 0.1.0 said %s", set, what, name,
                      vnfo_report_verdict_name(vnfo_report_entry_verdict(got)),
                      vnfo_report_entry_summary(got), want);
        compared++;
    }
    ck_assert_uint_ge(compared, 18);
    const char *was = json_string_value(json_object_get(frozen, "verdict"));
    if (differs) /* never into FAIL (a FAIL may stay one) */
        ck_assert(vnfo_report_overall(report) != VNFO_REPORT_FAIL || strcmp(was, "FAIL") == 0);
    else
        ck_assert_str_eq(vnfo_report_verdict_name(vnfo_report_overall(report)), was);
    json_decref(frozen);
}

/* The record format version of the first record of the log's first batch
 * (the array's first element: docs/FORMAT.md section 1). */
static unsigned first_record_version(const struct logbuf *log)
{
    ck_assert_uint_gt(log->len, 4);
    const uint8_t *batch = log->data + 4;
    size_t len = (size_t)log->data[0] << 24 | (size_t)log->data[1] << 16 | (size_t)log->data[2] << 8 |
                 log->data[3];
    const uint8_t *rec;
    size_t rec_len;
    ck_assert_status(vnfo_log_batch_record(&rec, &rec_len, batch, len, 0), VNFO_OK);
    size_t skip = (rec[0] & 0xf0) == 0x90 ? 1 : rec[0] == 0xdc ? 3 : 5; /* fixarray, array16, array32 */
    ck_assert_uint_gt(rec_len, skip);
    return rec[skip]; /* a positive fixint */
}

/* ---- mixed-version chain ------------------------------------------------- */

/* fw and nat as 0.1.0 wrote them, ids by this library's writer: the same
 * verdict for every check as the all-0.1.0 chain, at each granularity. */
static void mixed_chain(const char *set, const char *manifest, const char *current_node)
{
    uint8_t digest[VNFO_LOG_HASH_BYTES];
    vnfo_manifest *m = load_manifest(manifest, digest);
    struct logbuf current = {0};
    rewrite_current(&current, set, current_node, digest, digest,
                    vnfo_manifest_logging_batch_records(m), NULL, 0);
    struct node_log logs[3];
    size_t n = 0;
    for (size_t i = 0; i < vnfo_manifest_chain_count(m); i++) {
        const char *name = vnfo_manifest_chain_name(m, i);
        logs[n++] = (struct node_log){name, strcmp(name, current_node) == 0 ? &current : NULL};
    }
    printf("%s: %s's log by the current writer (record format %u, library %u), the others by 0.1.0 (format 1)\n",
           set, current_node, first_record_version(&current), (unsigned)VNFO_RECORD_FORMAT_VERSION);
    ck_assert_uint_eq(first_record_version(&current), VNFO_RECORD_FORMAT_VERSION);
    vnfo_report *report = verify(m, set, logs, n);
    assert_frozen_verdicts(report, set, "mixed chain");
    vnfo_report_free(report);
    free(current.data);
    vnfo_manifest_free(m);
}

START_TEST(test_mixed_chain_digest)
{
    mixed_chain("digest", "manifest-digest.json", "ids");
}
END_TEST

START_TEST(test_mixed_chain_headers)
{
    mixed_chain("headers", "manifest-headers.json", "fw");
}
END_TEST

START_TEST(test_mixed_chain_full)
{
    mixed_chain("full", "manifest-full.json", "nat");
}
END_TEST

START_TEST(test_mixed_chain_tagged)
{
    /* The NAT in the middle rewrites headers and logs FlowTag mappings. */
    mixed_chain("tagged", "manifest-tagged.json", "nat");
}
END_TEST

/* The tampered 0.1.0 IDS log still fails next to a current NAT log. */
START_TEST(test_mixed_chain_tampered)
{
    mixed_chain("tampers-log", "manifest-digest.json", "nat");
}
END_TEST

/* A shim upgraded mid-period: the ids log's first batch by 0.1.0, the rest
 * by the current writer continuing its chain; the log reads as one
 * writer's stream and every 0.1.0 verdict holds. */
START_TEST(test_upgraded_mid_log)
{
    static const char *const sets[][2] = {{"digest", "manifest-digest.json"},
                                          {"full", "manifest-full.json"}};
    for (int i = 0; i < 2; i++) {
        uint8_t digest[VNFO_LOG_HASH_BYTES];
        vnfo_manifest *m = load_manifest(sets[i][1], digest);
        struct logbuf ids = {0};
        rewrite_current(&ids, sets[i][0], "ids", digest, digest, vnfo_manifest_logging_batch_records(m),
                        NULL, 1);
        /* The reader sees one chain: no fault at the change of writer. */
        vnfo_log_reader_options ro = VNFO_LOG_READER_OPTIONS_INIT;
        char path[4096];
        ck_assert_status(vnfo_public_key_load(&ro.public_key, corpus(path, sizeof path, "keys/ids.pub")),
                         VNFO_OK);
        memcpy(ro.manifest_digest, digest, sizeof digest);
        ro.anchored = 1; /* from the log's first batch on */
        vnfo_log_reader *r = NULL;
        ck_assert_status(vnfo_log_reader_create(&r, &ro), VNFO_OK);
        ck_assert_status(vnfo_log_reader_add_buffer(r, ids.data, ids.len, "ids (0.1.0, then current)"),
                         VNFO_OK);
        ck_assert_status(vnfo_log_reader_verify(r), VNFO_OK);
        ck_assert_uint_eq(vnfo_log_reader_batch_count(r), 3);
        vnfo_log_reader_free(r);
        struct node_log logs[] = {{"fw", NULL}, {"ids", &ids}, {"nat", NULL}};
        vnfo_report *report = verify(m, sets[i][0], logs, 3);
        assert_frozen_verdicts(report, sets[i][0], "ids upgraded after its first batch");
        vnfo_report_free(report);
        free(ids.data);
        vnfo_manifest_free(m);
    }
}
END_TEST

/* The rebinding itself is sound: the all-0.1.0 chain re-bound to its own
 * manifest's digest is byte-identical to what 0.1.0 wrote. */
START_TEST(test_rebind_is_identity)
{
    uint8_t digest[VNFO_LOG_HASH_BYTES];
    vnfo_manifest *m = load_manifest("manifest-full.json", digest);
    static const char *const nodes[] = {"fw", "ids", "nat"};
    for (int i = 0; i < 3; i++) {
        struct logbuf log = {0};
        rebind_frozen(&log, "full", nodes[i], digest, digest);
        char rel[64], path[4096];
        snprintf(rel, sizeof rel, "full/%s.log", nodes[i]);
        size_t len;
        uint8_t *frozen = slurp(&len, corpus(path, sizeof path, rel));
        ck_assert_uint_eq(log.len, len);
        ck_assert_msg(memcmp(log.data, frozen, len) == 0, "%s: re-signed bytes differ", rel);
        free(frozen);
        free(log.data);
    }
    vnfo_manifest_free(m);
}
END_TEST

/* ---- a manifest requiring heartbeats (record format 2) ------------------ */

#if VNFO_RECORD_FORMAT_VERSION >= 2
static vnfo_status append_heartbeats(vnfo_log_writer *w, struct clock *clk, const struct period *p)
{
    vnfo_status s = VNFO_OK;
    for (uint64_t t = p->start_ns; s == VNFO_OK && t < p->end_ns; t += p->heartbeat_ns) {
        if (t <= clk->now_ns)
            continue;
        clk->now_ns = t;
        s = vnfo_log_writer_heartbeat(w, t);
    }
    if (s == VNFO_OK) {
        clk->now_ns = p->end_ns;
        s = vnfo_log_writer_close_period(w, p->start_ns, p->end_ns, p->end_ns);
    }
    return s;
}

/* The nodes logs.integrity finds stopping short of the billing period's
 * end: docs/verify.md ("Tail deletion") gives each a "<name>.tail"
 * evidence text.  Returns how many; *old_tail is the text for @p old_node,
 * or "" when it has none (a static copy). */
static int tail_faults(const vnfo_report *report, const char *old_node, const char **old_tail)
{
    static char old[512];
    old[0] = 0;
    *old_tail = old;
    size_t need = 0;
    vnfo_status s = vnfo_report_render_json(NULL, 0, &need, report, 0); /* sizing */
    ck_assert_msg(s == VNFO_OK || s == VNFO_E_BUFFER_TOO_SMALL, "%s", vnfo_status_name(s));
    char *text = malloc(need);
    ck_assert_ptr_nonnull(text);
    ck_assert_status(vnfo_report_render_json(text, need, NULL, report, 0), VNFO_OK);
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    ck_assert_msg(j != NULL, "report JSON: %s", e.text);
    free(text);
    size_t i;
    json_t *c;
    int tails = 0;
    json_array_foreach(json_object_get(j, "checks"), i, c) {
        if (strcmp(json_string_value(json_object_get(c, "check")), "logs.integrity") != 0)
            continue;
        const char *key;
        json_t *value;
        json_object_foreach(json_object_get(c, "evidence"), key, value) {
            size_t n = strlen(key);
            if (n < 5 || strcmp(key + n - 5, ".tail") != 0)
                continue;
            tails++;
            if (strncmp(key, old_node, n - 5) == 0 && strlen(old_node) == n - 5)
                snprintf(old, sizeof old, "%s", json_string_value(value));
        }
    }
    json_decref(j);
    return tails;
}

static vnfo_manifest *heartbeat_manifest(uint8_t *digest, struct period *p)
{
    char path[4096];
    size_t len;
    char *text = (char *)slurp(&len, corpus(path, sizeof path, "manifest-digest.json"));
    const char *at = strstr(text, "\"logging\": {");
    ck_assert_ptr_nonnull(at);
    size_t head = (size_t)(at - text) + strlen("\"logging\": {");
    static const char add[] = "\"heartbeat_ms\": 86400000, ";
    char *with = malloc(len + sizeof add);
    ck_assert_ptr_nonnull(with);
    memcpy(with, text, head);
    memcpy(with + head, add, sizeof add - 1);
    memcpy(with + head + sizeof add - 1, text + head, len - head + 1);
    vnfo_manifest *m = NULL;
    ck_assert_status(vnfo_manifest_parse(&m, with, strlen(with), "manifest-heartbeat.json"), VNFO_OK);
    ck_assert_status(vnfo_manifest_digest_compute(digest, m), VNFO_OK);
    free(with);
    free(text);
    p->start_ns = 1793491200ULL * 1000000000ULL; /* the manifest's billing period, 2026-11 */
    p->end_ns = 1796083200ULL * 1000000000ULL;
    p->heartbeat_ns = 86400000ULL * 1000000ULL;
    return m;
}

/* fw and nat by this release's shims (heartbeats, period close); ids by a
 * 0.1.0 shim given the same manifest's digest. */
START_TEST(test_heartbeats_required)
{
    uint8_t frozen_digest[VNFO_LOG_HASH_BYTES], digest[VNFO_LOG_HASH_BYTES];
    vnfo_manifest *frozen_m = load_manifest("manifest-digest.json", frozen_digest);
    struct period p;
    vnfo_manifest *m = heartbeat_manifest(digest, &p);
    ck_assert_msg(memcmp(digest, frozen_digest, sizeof digest) != 0, "heartbeat_ms must enter the digest");
    uint32_t batch = vnfo_manifest_logging_batch_records(m);
    struct logbuf fw = {0}, ids_old = {0}, ids_new = {0}, nat = {0};
    rewrite_current(&fw, "digest", "fw", frozen_digest, digest, batch, &p, 0);
    rewrite_current(&nat, "digest", "nat", frozen_digest, digest, batch, &p, 0);
    rebind_frozen(&ids_old, "digest", "ids", frozen_digest, digest);
    rewrite_current(&ids_new, "digest", "ids", frozen_digest, digest, batch, &p, 0);
    ck_assert_uint_eq(first_record_version(&ids_old), 1);

    /* The mixed chain: logs.integrity FAILs for ids, naming the missing
     * feature, and for ids alone. */
    struct node_log mixed[] = {{"fw", &fw}, {"ids", &ids_old}, {"nat", &nat}};
    vnfo_report *report = verify(m, "digest", mixed, 3);
    const vnfo_report_entry *e = vnfo_report_entry_find(report, "logs.integrity");
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(vnfo_report_entry_verdict(e), VNFO_REPORT_FAIL);
    const char *why;
    ck_assert_int_eq(tail_faults(report, "ids", &why), 1);
    ck_assert_msg(strstr(why, "format version 1") && strstr(why, "no heartbeats"),
                  "logs.integrity does not name the missing feature for ids: \"%s\" (%s)", why,
                  vnfo_report_entry_summary(e));
    printf("heartbeats required: logs.integrity FAIL: %s\n", why);
    ck_assert_int_eq(vnfo_report_overall(report), VNFO_REPORT_FAIL);
    vnfo_report_free(report);

    /* Control: the same chain with every shim current raises no heartbeat
     * complaint, so the FAIL above is the 0.1.0 log's. */
    struct node_log current[] = {{"fw", &fw}, {"ids", &ids_new}, {"nat", &nat}};
    report = verify(m, "digest", current, 3);
    ck_assert_int_eq(tail_faults(report, "ids", &why), 0);
    e = vnfo_report_entry_find(report, "logs.integrity");
    ck_assert_msg(vnfo_report_entry_verdict(e) == VNFO_REPORT_PASS, "all current: %s",
                  vnfo_report_entry_summary(e));
    vnfo_report_free(report);

    free(fw.data), free(ids_old.data), free(ids_new.data), free(nat.data);
    vnfo_manifest_free(m);
    vnfo_manifest_free(frozen_m);
}
END_TEST
#else
static vnfo_status append_heartbeats(vnfo_log_writer *w, struct clock *clk, const struct period *p)
{
    (void)w, (void)clk, (void)p;
    return VNFO_E_INVALID_ARGUMENT; /* never called: no heartbeat_ns before format 2 */
}
#endif

static Suite *compat_suite(void)
{
    Suite *s = suite_create("compat");
    TCase *tc = tcase_create("mixed-version chain");
    tcase_add_unchecked_fixture(tc, vnfo_test_setup_init, NULL);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_rebind_is_identity);
    tcase_add_test(tc, test_mixed_chain_digest);
    tcase_add_test(tc, test_mixed_chain_headers);
    tcase_add_test(tc, test_mixed_chain_full);
    tcase_add_test(tc, test_mixed_chain_tagged);
    tcase_add_test(tc, test_mixed_chain_tampered);
    tcase_add_test(tc, test_upgraded_mid_log);
    suite_add_tcase(s, tc);
#if VNFO_RECORD_FORMAT_VERSION >= 2
    TCase *hb = tcase_create("heartbeats required");
    tcase_add_unchecked_fixture(hb, vnfo_test_setup_init, NULL);
    tcase_set_timeout(hb, 120);
    tcase_add_test(hb, test_heartbeats_required);
    suite_add_tcase(s, hb);
#else
    printf("SKIP heartbeats required: this library writes record format %d; the test of a manifest "
           "with logging.heartbeat_ms needs format 2 (vnfo_log_writer_heartbeat)\n",
           VNFO_RECORD_FORMAT_VERSION);
#endif
    return s;
}

int main(void)
{
    return vnfo_test_run(compat_suite());
}
