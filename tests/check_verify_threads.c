/* Check suite for the verifier's threads (vnfo_verifier_threads_set()):
 * the report, rendered as JSON and as verbose text, is byte-identical for
 * 1, 2, 3 and 8 threads, on the honest run and on every cheating scenario
 * of the simulated provider, on logs read from files and from buffers, on
 * batches too large for a worker's slot, and on a log whose signed records
 * do not decode.  Bad thread counts get a precise error. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim.h"
#include "testutil.h"
#include "traffic.h"

#define MAX_PACKETS 800

static const unsigned THREADS[] = {1, 2, 3, 8};
#define N_THREADS (sizeof THREADS / sizeof THREADS[0])

static uint8_t frames[MAX_PACKETS][TRAFFIC_FRAME_MAX];
static size_t frame_len[MAX_PACKETS];
static char dir[64];

struct source {
    size_t next, limit;
};

static int next_packet(void *ctx, const uint8_t **pkt, size_t *len, size_t *wire_len, uint64_t *ts_ns)
{
    struct source *s = ctx;
    if (s->next >= s->limit)
        return 0;
    *pkt = frames[s->next];
    *len = *wire_len = frame_len[s->next];
    *ts_ns = 1793494800ULL * 1000000000ULL + (uint64_t)s->next * 20000ULL;
    s->next++;
    return 1;
}

static void setup(void)
{
    ck_assert_status(vnfo_init(), VNFO_OK);
    strcpy(dir, "/tmp/vnfo-vthreads-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    traffic_gen g;
    ck_assert_int_eq(traffic_gen_init(&g, 17, 120), 0);
    for (size_t i = 0; i < MAX_PACKETS; i++)
        frame_len[i] = traffic_gen_next(&g, frames[i], TRAFFIC_FRAME_MAX, NULL);
    traffic_gen_free(&g);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Keys and a manifest (rate 1/rate) in dir/<name>. */
static vnfo_manifest *world(const char *name, unsigned rate, int tagged)
{
    static const char *const names[] = {"customer", "provider", "fw", "ids", "nat"};
    char keys[128], path[160];
    snprintf(keys, sizeof keys, "%s/%s", dir, name);
    mkdir(keys, 0700);
    ck_assert_status(sim_keys_generate_seeded(keys, names, 5, 99 + (uint64_t)strlen(name)), VNFO_OK);
    snprintf(path, sizeof path, "%s/manifest.json", keys);
    ck_assert_status(tagged ? sim_manifest_write_tagged(path, keys, rate) : sim_manifest_write(path, keys, rate),
                     VNFO_OK);
    vnfo_manifest *m;
    ck_assert_status(vnfo_manifest_load(&m, path), VNFO_OK);
    return m;
}

static uint8_t *file_read(size_t *len, const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(n > 0 ? (size_t)n : 1);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* Both renderings of a report, one after the other. */
static char *rendered(const vnfo_report *r)
{
    size_t nj = 0, nt = 0;
    ck_assert_status(vnfo_report_render_json(NULL, 0, &nj, r, 0), VNFO_E_BUFFER_TOO_SMALL);
    ck_assert_status(vnfo_report_render_text(NULL, 0, &nt, r, VNFO_REPORT_TEXT_VERBOSE), VNFO_E_BUFFER_TOO_SMALL);
    char *out = malloc(nj + nt);
    ck_assert_ptr_nonnull(out);
    ck_assert_status(vnfo_report_render_json(out, nj, NULL, r, 0), VNFO_OK);
    ck_assert_status(vnfo_report_render_text(out + nj - 1, nt, NULL, r, VNFO_REPORT_TEXT_VERBOSE), VNFO_OK);
    return out;
}

/* Verifies dir/<name> with `threads` threads (files, or the same bytes from
 * buffers under the same source names); returns the renderings. */
static char *verify_rendered(const vnfo_manifest *m, const char *name, unsigned threads, int buffers,
                             struct sim_functions *fns)
{
    char path[192];
    vnfo_verifier *v;
    ck_assert_status(vnfo_verifier_create(&v, m, NULL), VNFO_OK);
    ck_assert_status(vnfo_verifier_threads_set(v, threads), VNFO_OK);
    for (size_t i = 0; i < vnfo_manifest_chain_count(m); i++) {
        const char *fn_name = vnfo_manifest_chain_name(m, i);
        vnfo_reference_fn fn;
        void *ctx;
        ck_assert_int_eq(sim_reference(&fn, &ctx, fns, vnfo_manifest_chain_function(m, i)), 0);
        ck_assert_status(vnfo_verifier_reference_set(v, fn_name, fn, ctx), VNFO_OK);
        snprintf(path, sizeof path, "%s/%s/%s.log", dir, name, fn_name);
        if (!buffers) {
            ck_assert_status(vnfo_verifier_log_add_file(v, fn_name, path), VNFO_OK);
            continue;
        }
        size_t len;
        uint8_t *data = file_read(&len, path);
        ck_assert_status(vnfo_verifier_log_add(v, fn_name, data, len, path), VNFO_OK);
        free(data);
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
    char *out = rendered(r);
    vnfo_report_free(r);
    vnfo_verifier_free(v);
    vnfo_bill_free(bill);
    return out;
}

/* Every scenario's report is the same for every number of threads, from
 * files and from buffers. */
START_TEST(test_scenarios_identical_for_any_threads)
{
    static struct sim_functions fns;
    sim_functions_init(&fns, 1);
    for (int sc = 0; sc < SIM_SCENARIO_COUNT; sc++) {
        if (sim_scenario_stateful_function(sc)) /* a stateful chain: tests/relation_cli.sh */
            continue;
        const char *name = sim_scenario_name(sc);
        vnfo_manifest *m = world(name, 3, sim_scenario_needs_flowtags(sc));
        char keys[128];
        snprintf(keys, sizeof keys, "%s/%s", dir, name);
        struct sim_options o = {m, keys, keys, sc, 7, 1, 0};
        struct source src = {0, MAX_PACKETS};
        struct sim_stats st;
        ck_assert_msg(sim_run(&st, &o, next_packet, &src) == VNFO_OK, "sim_run: %s", sim_error());
        char *want = verify_rendered(m, name, 1, 0, &fns);
        int as_expected = strstr(want, sc == SIM_HONEST ? "\"verdict\": \"PASS\"" : "\"verdict\": \"FAIL\"") != NULL;
        if (!as_expected)
            fprintf(stderr, "%s", strstr(want, "\n}") + 2); /* the text rendering */
        ck_assert_msg(as_expected, "%s: unexpected overall verdict", name);
        /* From files with every count; from buffers (under the same
         * source names) with two threads. */
        for (size_t t = 0; t <= N_THREADS; t++) {
            int buffers = t == N_THREADS;
            unsigned n = buffers ? 2 : THREADS[t];
            char *got = verify_rendered(m, name, n, buffers, &fns);
            ck_assert_msg(strcmp(got, want) == 0, "%s: %u threads (%s): the report differs", name, n,
                          buffers ? "buffers" : "files");
            free(got);
        }
        free(want);
        vnfo_manifest_free(m);
    }
    sim_functions_free(&fns);
}
END_TEST

/* An allocator hook that counts the calls made from another thread than
 * the one that set it. */
static pthread_t hook_owner;
static unsigned long hook_calls, hook_foreign;

static void hook_note(void)
{
    __atomic_add_fetch(&hook_calls, 1, __ATOMIC_RELAXED);
    if (!pthread_equal(pthread_self(), hook_owner))
        __atomic_add_fetch(&hook_foreign, 1, __ATOMIC_RELAXED);
}

static void *hook_alloc(void *ctx, size_t size)
{
    (void)ctx;
    hook_note();
    return malloc(size);
}

static void *hook_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    hook_note();
    return realloc(ptr, size);
}

static void hook_free(void *ctx, void *ptr)
{
    (void)ctx;
    if (ptr)
        hook_note();
    free(ptr);
}

/* With an allocator hook set, the stages that allocate on workers without
 * one (the sla entries) run in the calling thread: the hooks are never
 * called from a worker, and the report is the one without hooks. */
START_TEST(test_allocator_hooks_stay_on_the_calling_thread)
{
    static struct sim_functions fns;
    sim_functions_init(&fns, 1);
    const char *name = sim_scenario_name(SIM_HONEST);
    vnfo_manifest *m = world(name, 3, 0);
    char keys[128];
    snprintf(keys, sizeof keys, "%s/%s", dir, name);
    struct sim_options o = {m, keys, keys, SIM_HONEST, 7, 1, 0};
    struct source src = {0, MAX_PACKETS};
    struct sim_stats st;
    ck_assert_msg(sim_run(&st, &o, next_packet, &src) == VNFO_OK, "sim_run: %s", sim_error());
    char *want = verify_rendered(m, name, 1, 0, &fns);
    ck_assert_ptr_nonnull(strstr(want, "sla.ids.delay.mean"));
    hook_owner = pthread_self();
    hook_calls = hook_foreign = 0;
    vnfo_allocator a = {VNFO_ALLOCATOR_VERSION, hook_alloc, hook_realloc, hook_free, NULL};
    ck_assert_status(vnfo_allocator_set(&a), VNFO_OK);
    char *got = verify_rendered(m, name, 2, 0, &fns);
    ck_assert_status(vnfo_allocator_set(NULL), VNFO_OK);
    ck_assert_uint_gt(hook_calls, 0);
    ck_assert_uint_eq(hook_foreign, 0);
    ck_assert_str_eq(got, want);
    free(got);
    free(want);
    vnfo_manifest_free(m);
    sim_functions_free(&fns);
}
END_TEST

/* ---- hand-made logs: large batches, records that do not decode ---------- */

struct sink {
    uint8_t *p;
    size_t len, cap;
};

static vnfo_status mem_sink(void *ctx, const uint8_t *batch, size_t len)
{
    struct sink *s = ctx;
    if (s->len + len + 4 > s->cap) {
        s->cap = (s->len + len + 4) * 2;
        s->p = realloc(s->p, s->cap);
        ck_assert_ptr_nonnull(s->p);
    }
    uint8_t *o = s->p + s->len;
    o[0] = (uint8_t)(len >> 24);
    o[1] = (uint8_t)(len >> 16);
    o[2] = (uint8_t)(len >> 8);
    o[3] = (uint8_t)len;
    memcpy(o + 4, batch, len);
    s->len += len + 4;
    return VNFO_OK;
}

/* Offsets of the last frame's batch in a log buffer. */
static size_t last_batch(const struct sink *s, size_t *len)
{
    size_t off = 0, at = 0;
    while (off < s->len) {
        size_t n = (size_t)s->p[off] << 24 | (size_t)s->p[off + 1] << 16 | (size_t)s->p[off + 2] << 8 | s->p[off + 3];
        at = off + 4;
        *len = n;
        off += 4 + n;
    }
    return at;
}

/* Makes record `index` of the log's last batch undecodable (its first byte
 * becomes 0xc1, which msgpack never uses), then recomputes the Merkle root
 * and signs the header again: a batch that verifies, with a record that
 * does not decode. */
static void corrupt_record(struct sink *s, uint32_t index, const vnfo_signing_key *k)
{
    size_t len = 0, at = last_batch(s, &len);
    uint8_t *batch = s->p + at;
    vnfo_log_header h;
    ck_assert_status(vnfo_log_header_parse(&h, batch, len), VNFO_OK);
    const uint8_t **recs = calloc(h.record_count, sizeof *recs);
    size_t *lens = calloc(h.record_count, sizeof *lens);
    ck_assert(recs && lens);
    vnfo_log_batch_cursor c = VNFO_LOG_BATCH_CURSOR_INIT;
    for (uint32_t i = 0; i < h.record_count; i++)
        ck_assert_status(vnfo_log_batch_record_next(&recs[i], &lens[i], batch, len, &c), VNFO_OK);
    batch[recs[index] - batch] = 0xc1;
    ck_assert_status(vnfo_log_tree_root(batch + 104, h.tree_hash, recs, lens, h.record_count), VNFO_OK);
    uint8_t msg[sizeof VNFO_LOG_SIGNATURE_CONTEXT + VNFO_LOG_HEADER_BYTES];
    memcpy(msg, VNFO_LOG_SIGNATURE_CONTEXT, sizeof VNFO_LOG_SIGNATURE_CONTEXT); /* with its 0x00 */
    memcpy(msg + sizeof VNFO_LOG_SIGNATURE_CONTEXT, batch, VNFO_LOG_HEADER_BYTES);
    ck_assert_status(vnfo_signing_key_sign(batch + VNFO_LOG_HEADER_BYTES, k, msg, sizeof msg), VNFO_OK);
    free(recs);
    free(lens);
}

#define HAND_PACKETS 5000

static struct sink hand[3];

/* Three nodes' logs of the same packets; fw in batches of 4096 records
 * (more than a worker's slot takes), ids in batches of 100 with two
 * undecodable records in its last batch, nat in batches of 1000. */
static void hand_logs(const vnfo_manifest *m, const char *keys)
{
    static const char *const names[] = {"fw", "ids", "nat"};
    static const uint32_t batch[] = {4096, 100, 1000};
    uint8_t digest[32];
    ck_assert_status(vnfo_manifest_digest_compute(digest, m), VNFO_OK);
    for (int n = 0; n < 3; n++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s.key", keys, names[n]);
        vnfo_signing_key *k;
        ck_assert_status(vnfo_signing_key_load(&k, path), VNFO_OK);
        vnfo_log_writer_options o = VNFO_LOG_WRITER_OPTIONS_INIT;
        o.node_id = (uint32_t)n + 1;
        o.key = k;
        memcpy(o.manifest_digest, digest, 32);
        o.batch_records = batch[n];
        o.sink = mem_sink;
        o.sink_ctx = &hand[n];
        vnfo_log_writer *w;
        ck_assert_status(vnfo_log_writer_create(&w, &o), VNFO_OK);
        for (uint64_t i = 0; i < HAND_PACKETS; i++) {
            vnfo_record r;
            vnfo_record_init(&r, VNFO_RECORD_PACKET);
            vnfo_record_packet *p = &r.u.packet;
            p->hop = (uint32_t)n;
            /* Every 50th label twice: ambiguous labels too. */
            p->label = (i - (i % 50 == 1)) * 0x9e3779b97f4a7c15ULL + 1;
            memcpy(p->digest_in, &p->label, 8);
            memcpy(p->digest_out, &p->label, 8);
            if (n == 2)
                p->digest_out[15] = 1;
            p->t_in_ns = 1793494800ULL * 1000000000ULL + i * 20000 + (uint64_t)n * 10000;
            p->t_out_ns = p->t_in_ns + 2000 + i % 1000;
            p->cpu_cycles = 1000 + i % 500;
            p->mem_bytes = 4096;
            ck_assert_status(vnfo_log_writer_append(w, &r), VNFO_OK);
        }
        ck_assert_status(vnfo_log_writer_flush(w), VNFO_OK);
        if (n == 1) {
            corrupt_record(&hand[n], 3, k);
            corrupt_record(&hand[n], 7, k);
        }
        vnfo_log_writer_free(w);
        vnfo_signing_key_free(k);
    }
}

static char *verify_hand(const vnfo_manifest *m, unsigned threads)
{
    static const char *const names[] = {"fw", "ids", "nat"};
    vnfo_verifier *v;
    ck_assert_status(vnfo_verifier_create(&v, m, NULL), VNFO_OK);
    ck_assert_status(vnfo_verifier_threads_set(v, threads), VNFO_OK);
    for (int n = 0; n < 3; n++)
        ck_assert_status(vnfo_verifier_log_add(v, names[n], hand[n].p, hand[n].len, names[n]), VNFO_OK);
    vnfo_report *r;
    ck_assert_status(vnfo_verifier_run(&r, v), VNFO_OK);
    const vnfo_report_entry *e = vnfo_report_entry_find(r, "logs.integrity");
    ck_assert_int_eq(vnfo_report_entry_verdict(e), VNFO_REPORT_FAIL);
    char *out = rendered(r);
    vnfo_report_free(r);
    vnfo_verifier_free(v);
    return out;
}

START_TEST(test_large_batches_and_undecodable_records)
{
    vnfo_manifest *m = world("hand", 1, 0);
    char keys[128];
    snprintf(keys, sizeof keys, "%s/hand", dir);
    hand_logs(m, keys);
    char *want = verify_hand(m, 1);
    /* The first record that does not decode is named: ids, its last batch
     * (4900 records before it: batch 49), record 3, seq 4903. */
    ck_assert_msg(strstr(want, "ids: offset ") && strstr(want, ": batch 49 record 3 (seq 4903): "),
                  "no record_decode_error naming the record:\n%s", want);
    for (size_t t = 0; t < N_THREADS; t++) {
        char *got = verify_hand(m, THREADS[t]);
        ck_assert_msg(strcmp(got, want) == 0, "%u threads: the report differs", THREADS[t]);
        free(got);
    }
    free(want);
    for (int n = 0; n < 3; n++) {
        free(hand[n].p);
        hand[n] = (struct sink){0};
    }
    vnfo_manifest_free(m);
}
END_TEST

START_TEST(test_threads_set_errors)
{
    vnfo_manifest *m = world("errors", 4, 0);
    vnfo_verifier *v;
    ck_assert_status(vnfo_verifier_create(&v, m, NULL), VNFO_OK);
    ck_assert_status(vnfo_verifier_threads_set(NULL, 2), VNFO_E_INVALID_ARGUMENT);
    ck_assert_str_eq(vnfo_error_message(), "vnfo_verifier_threads_set: NULL verifier");
    ck_assert_status(vnfo_verifier_threads_set(v, VNFO_VERIFY_THREADS_MAX + 1), VNFO_E_INVALID_ARGUMENT);
    ck_assert_str_eq(vnfo_error_message(),
                     "vnfo_verifier_threads_set: 257 threads (0 for the online CPUs, or 1 to 256)");
    ck_assert_status(vnfo_verifier_threads_set(v, VNFO_VERIFY_THREADS_MAX), VNFO_OK);
    ck_assert_status(vnfo_verifier_threads_set(v, 0), VNFO_OK);
    ck_assert_status(vnfo_verifier_threads_set(v, 1), VNFO_OK);
    vnfo_verifier_free(v);
    vnfo_manifest_free(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("verify_threads");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_threads_set_errors);
    tcase_add_test(tc, test_allocator_hooks_stay_on_the_calling_thread);
    tcase_add_test(tc, test_large_batches_and_undecodable_records);
    tcase_add_test(tc, test_scenarios_identical_for_any_threads);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
