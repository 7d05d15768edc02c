/* Hostile inputs a provider can ship (issue 11): a FIFO in place of any
 * input file, batch shapes that would make a per-record walk quadratic, log
 * files whose memory must not follow their size, a file rewritten under the
 * reader, and a FlowTag checkpoint that claims more than it holds.  Each test
 * asserts the exact status and message, and an operation count, a byte
 * count or a time bound. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <vnfo/vnfo.h>

#include "sim.h"
#include "testutil.h"

static char dir[64];

static void setup(void)
{
    vnfo_test_setup_init();
    snprintf(dir, sizeof dir, "/tmp/vnfo-hostile-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* The FIFO alarm is stretched by VNFO_TEST_TIME_SCALE (quickstart sets it for
 * the valgrind run, which is some 50 times slower). */
static double time_scale(void)
{
    const char *e = getenv("VNFO_TEST_TIME_SCALE");
    double x = e ? atof(e) : 1.0;
    return x >= 1.0 ? x : 1.0;
}

/* ---- an allocator that counts bytes ---------------------------------------- */

struct bytes_count {
    size_t now, peak;
};
static struct bytes_count counted;

/* Each block carries its size in front (16 bytes keep the alignment). */
static void *count_alloc(void *ctx, size_t n)
{
    (void)ctx;
    size_t *p = malloc(n + 16);
    if (!p)
        return NULL;
    *p = n;
    counted.now += n;
    if (counted.now > counted.peak)
        counted.peak = counted.now;
    return (char *)p + 16;
}

static void count_free(void *ctx, void *q)
{
    (void)ctx;
    if (!q)
        return;
    size_t *p = (size_t *)((char *)q - 16);
    counted.now -= *p;
    free(p);
}

static void *count_realloc(void *ctx, void *q, size_t n)
{
    if (!q)
        return count_alloc(ctx, n);
    size_t *p = (size_t *)((char *)q - 16), old = *p;
    size_t *g = realloc(p, n + 16);
    if (!g)
        return NULL;
    *g = n;
    counted.now = counted.now - old + n;
    if (counted.now > counted.peak)
        counted.peak = counted.now;
    return (char *)g + 16;
}

static void count_install(void)
{
    vnfo_allocator a = {VNFO_ALLOCATOR_VERSION, count_alloc, count_realloc, count_free, NULL};
    counted = (struct bytes_count){0, 0};
    ck_assert_int_eq(vnfo_allocator_set(&a), VNFO_OK);
}

static void count_uninstall(void)
{
    ck_assert_int_eq(vnfo_allocator_set(NULL), VNFO_OK); /* back to malloc */
}

static void file_put(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* ---- FIFOs ------------------------------------------------------------------ */

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "a reader blocked on a FIFO until the alarm\n";
    ssize_t n = write(2, msg, sizeof msg - 1);
    (void)n;
    _exit(2);
}

/* Asserts the refusal of a FIFO: status and the whole message. */
static void assert_fifo_refused(vnfo_status s, const char *path)
{
    char want[256];
    snprintf(want, sizeof want, "%s: not a regular file (a FIFO); refused", path);
    ck_assert_status(s, VNFO_E_NOT_REGULAR_FILE);
    ck_assert_str_eq(vnfo_error_message(), want);
}

/* Every reader of the library refuses a FIFO at once (no writer ever
 * opens it: a blocking open would hang until the alarm ends the test). */
START_TEST(test_fifo_refused_by_every_reader)
{
    char fifo[96], keys[96], mpath[128];
    snprintf(fifo, sizeof fifo, "%s/fw.log", dir);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    signal(SIGALRM, on_alarm);
    /* A blocked open never returns: the alarm catches it.  It is scaled for
     * valgrind so that a slow but refusing run is not taken for a blocked one. */
    alarm((unsigned)(20 * time_scale()));

    int fd;
    assert_fifo_refused(vnfo_file_open(&fd, fifo), fifo);
    ck_assert_int_eq(fd, -1);
    vnfo_log_reader_options ro = VNFO_LOG_READER_OPTIONS_INIT;
    vnfo_log_reader *r;
    ck_assert_status(vnfo_log_reader_create(&r, &ro), VNFO_OK);
    assert_fifo_refused(vnfo_log_reader_add_file(r, fifo), fifo);
    vnfo_log_reader_free(r);
    vnfo_public_key pk;
    assert_fifo_refused(vnfo_public_key_load(&pk, fifo), fifo);
    vnfo_signing_key *sk = NULL;
    assert_fifo_refused(vnfo_signing_key_load(&sk, fifo), fifo);
    uint8_t skey[VNFO_SAMPLER_KEY_BYTES];
    assert_fifo_refused(vnfo_sampler_key_load(skey, fifo), fifo);
    vnfo_manifest *m = NULL;
    assert_fifo_refused(vnfo_manifest_load(&m, fifo), fifo);
    vnfo_bill *b = NULL;
    assert_fifo_refused(vnfo_bill_load(&b, fifo), fifo);

    /* The verifier's chain logs and extra logs, and a manifest signature. */
    static const char *const names[] = {"customer", "provider", "fw", "ids", "nat"};
    snprintf(keys, sizeof keys, "%s/keys", dir);
    ck_assert_int_eq(mkdir(keys, 0700), 0);
    ck_assert_status(sim_keys_generate_seeded(keys, names, 5, 11), VNFO_OK);
    snprintf(mpath, sizeof mpath, "%s/manifest.json", dir);
    ck_assert_status(sim_manifest_write(mpath, keys, 4), VNFO_OK);
    ck_assert_status(vnfo_manifest_load(&m, mpath), VNFO_OK);
    vnfo_manifest_party party;
    assert_fifo_refused(vnfo_manifest_signature_load(&party, m, fifo), fifo);
    vnfo_verifier *v;
    ck_assert_status(vnfo_verifier_create(&v, m, NULL), VNFO_OK);
    assert_fifo_refused(vnfo_verifier_log_add_file(v, vnfo_manifest_chain_name(m, 0), fifo), fifo);
    assert_fifo_refused(vnfo_verifier_foreign_log_add_file(v, fifo), fifo);
    vnfo_verifier_free(v);
    vnfo_manifest_free(m);

    /* A directory is refused the same way, with its kind. */
    ck_assert_status(vnfo_file_open(&fd, dir), VNFO_E_NOT_REGULAR_FILE);
    char want[128];
    snprintf(want, sizeof want, "%s: not a regular file (a directory); refused", dir);
    ck_assert_str_eq(vnfo_error_message(), want);
    alarm(0);
}
END_TEST

/* ---- batch shapes ------------------------------------------------------------ */

/* A batch of n empty records (framing only; unsigned): header, signature,
 * then n zero length prefixes. */
static uint8_t *empty_records_batch(uint32_t n, size_t *len)
{
    *len = VNFO_LOG_SIGNED_HEADER_BYTES + 4 * (size_t)n;
    uint8_t *b = calloc(1, *len);
    ck_assert_ptr_nonnull(b);
    memcpy(b, "VNFB", 4);
    b[5] = 1;                          /* format version 1 */
    b[6] = VNFO_LOG_TREE_BLAKE2B_256;  /* tree hash */
    b[60] = (uint8_t)(n >> 24);        /* record count */
    b[61] = (uint8_t)(n >> 16);
    b[62] = (uint8_t)(n >> 8);
    b[63] = (uint8_t)n;
    return b;
}

/* Walks every record with the batch cursor; returns the number of calls. */
static uint64_t walk(const uint8_t *b, size_t len, uint32_t want)
{
    vnfo_log_batch_cursor cur = VNFO_LOG_BATCH_CURSOR_INIT;
    const uint8_t *p;
    size_t n;
    uint64_t calls = 0, wrong = 0;
    vnfo_status s;
    /* No ck_assert inside the loop: each one is a round trip to Check's parent. */
    while ((s = vnfo_log_batch_record_next(&p, &n, b, len, &cur)) == VNFO_OK) {
        calls++;
        wrong += n != 0 || p != b + VNFO_LOG_SIGNED_HEADER_BYTES + 4 * (size_t)cur.index;
    }
    ck_assert_status(s, VNFO_E_NOT_FOUND);
    ck_assert_uint_eq(wrong, 0);
    ck_assert_uint_eq(cur.index, want);
    return calls;
}

/* 65,536 empty records and a maximal batch (2^20 records): one call per
 * record, each O(1); a re-walk per record (the old vnfo log dump) took 20 s
 * for the first and hours for the second.  Sixteen times the records may
 * cost at most 32 times the CPU time (a re-walk costs 256). */
START_TEST(test_batch_cursor_linear)
{
    static const uint32_t sizes[] = {65536, VNFO_LOG_MAX_BATCH_RECORDS};
    double t[2];
    for (int i = 0; i < 2; i++) {
        size_t len;
        uint8_t *b = empty_records_batch(sizes[i], &len);
        double t0 = vnfo_test_cpu_s();
        ck_assert_uint_eq(walk(b, len, sizes[i]), sizes[i]);
        t[i] = vnfo_test_cpu_s() - t0;
        free(b);
    }
    vnfo_test_assert_scaling("batch cursor walk", sizes[0], t[0], sizes[1], t[1]);
}
END_TEST

/* The cursor reports framing faults with the byte and record, and stops. */
START_TEST(test_batch_cursor_framing)
{
    size_t len;
    uint8_t *b = empty_records_batch(3, &len);
    const uint8_t *p;
    size_t n;
    vnfo_log_batch_cursor cur = VNFO_LOG_BATCH_CURSOR_INIT;
    b[VNFO_LOG_SIGNED_HEADER_BYTES + 4 + 3] = 9; /* record 1 claims 9 bytes */
    ck_assert_status(vnfo_log_batch_record_next(&p, &n, b, len, &cur), VNFO_OK);
    ck_assert_status(vnfo_log_batch_record_next(&p, &n, b, len, &cur), VNFO_E_LOG_MALFORMED);
    ck_assert_str_eq(vnfo_error_message(),
                     "batch: byte 212: record 1 of 3: length 9 beyond the end of the batch");
    ck_assert_status(vnfo_log_batch_record_next(&p, &n, b, len, &cur), VNFO_E_LOG_MALFORMED);
    ck_assert_uint_eq(cur.index, 1);
    free(b);
    /* Bytes after the last record. */
    b = empty_records_batch(2, &len);
    cur = (vnfo_log_batch_cursor)VNFO_LOG_BATCH_CURSOR_INIT;
    ck_assert_status(vnfo_log_batch_record_next(&p, &n, b, len - 4, &cur), VNFO_OK);
    ck_assert_status(vnfo_log_batch_record_next(&p, &n, b, len - 4, &cur), VNFO_E_LOG_MALFORMED);
    ck_assert_str_eq(vnfo_error_message(), "batch: byte 212: record 1 of 2: length prefix cut off");
    cur = (vnfo_log_batch_cursor)VNFO_LOG_BATCH_CURSOR_INIT;
    uint8_t *longer = realloc(b, len + 1);
    ck_assert_ptr_nonnull(longer);
    longer[len] = 0x55;
    ck_assert_status(vnfo_log_batch_record_next(&p, &n, longer, len + 1, &cur), VNFO_OK);
    ck_assert_status(vnfo_log_batch_record_next(&p, &n, longer, len + 1, &cur), VNFO_OK);
    ck_assert_status(vnfo_log_batch_record_next(&p, &n, longer, len + 1, &cur), VNFO_E_LOG_MALFORMED);
    ck_assert_str_eq(vnfo_error_message(), "batch: byte 216: 1 bytes after the last of 2 records");
    ck_assert_status(vnfo_log_batch_record_next(NULL, &n, longer, len + 1, &cur), VNFO_E_INVALID_ARGUMENT);
    free(longer);
}
END_TEST

/* The CPU time of adding an extra (out-of-chain) log of one batch of n
 * empty records. */
static double foreign_empty_log_cpu(vnfo_manifest *m, uint32_t n)
{
    char path[128];
    size_t len;
    uint8_t *b = empty_records_batch(n, &len);
    b[11] = 99; /* node 99: outside the chain */
    uint8_t *file = malloc(len + 4);
    ck_assert_ptr_nonnull(file);
    file[0] = (uint8_t)(len >> 24), file[1] = (uint8_t)(len >> 16);
    file[2] = (uint8_t)(len >> 8), file[3] = (uint8_t)len;
    memcpy(file + 4, b, len);
    snprintf(path, sizeof path, "%s/filter.log", dir);
    file_put(path, file, len + 4);
    vnfo_verifier *v;
    ck_assert_status(vnfo_verifier_create(&v, m, NULL), VNFO_OK);
    double t0 = vnfo_test_cpu_s();
    ck_assert_status(vnfo_verifier_foreign_log_add_file(v, path), VNFO_OK);
    double t = vnfo_test_cpu_s() - t0;
    vnfo_verifier_free(v);
    free(file);
    free(b);
    return t;
}

/* An extra (out-of-chain) log of one batch of 65,536 empty records: the
 * verifier walks it once (it took 20 s when each record re-walked the
 * batch).  Four times the records may cost at most twelve times the CPU
 * time of the same run's quarter-size log (a re-walk costs sixteen). */
START_TEST(test_foreign_log_empty_records)
{
    char keys[96], mpath[128];
    static const char *const names[] = {"customer", "provider", "fw", "ids", "nat"};
    snprintf(keys, sizeof keys, "%s/keys", dir);
    ck_assert_int_eq(mkdir(keys, 0700), 0);
    ck_assert_status(sim_keys_generate_seeded(keys, names, 5, 12), VNFO_OK);
    snprintf(mpath, sizeof mpath, "%s/manifest.json", dir);
    ck_assert_status(sim_manifest_write(mpath, keys, 4), VNFO_OK);
    vnfo_manifest *m;
    ck_assert_status(vnfo_manifest_load(&m, mpath), VNFO_OK);
    double small = foreign_empty_log_cpu(m, 16384);
    double large = foreign_empty_log_cpu(m, 65536);
    vnfo_test_assert_scaling("extra log of empty records", 16384, small, 65536, large);
    vnfo_manifest_free(m);
}
END_TEST

/* ---- streaming ----------------------------------------------------------------- */

static vnfo_status fd_sink(void *ctx, const uint8_t *batch, size_t len)
{
    return vnfo_log_file_sink(ctx, batch, len);
}

/* Writes n records of `bytes` packet bytes each, `per_batch` per batch. */
static void write_log(const char *path, const vnfo_signing_key *k, uint32_t n, uint32_t per_batch,
                      size_t bytes)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    ck_assert_int_ge(fd, 0);
    vnfo_log_writer_options o = VNFO_LOG_WRITER_OPTIONS_INIT;
    o.node_id = 3;
    o.key = k;
    o.batch_records = per_batch;
    o.sink = fd_sink;
    o.sink_ctx = &fd;
    vnfo_log_writer *w;
    ck_assert_status(vnfo_log_writer_create(&w, &o), VNFO_OK);
    static uint8_t pkt[2048];
    memset(pkt, 0xab, sizeof pkt);
    vnfo_record r;
    for (uint32_t i = 0; i < n; i++) {
        vnfo_record_init(&r, VNFO_RECORD_PACKET);
        r.node_id = 3;
        r.seq = i;
        r.u.packet.label = i + 1;
        r.u.packet.granularity = VNFO_GRANULARITY_FULL;
        r.u.packet.bytes_in = pkt;
        r.u.packet.bytes_in_len = bytes;
        r.u.packet.t_in_ns = 1000 + i;
        r.u.packet.t_out_ns = 2000 + i;
        ck_assert_status(vnfo_log_writer_append(w, &r), VNFO_OK);
    }
    ck_assert_status(vnfo_log_writer_flush(w), VNFO_OK);
    vnfo_log_writer_free(w);
    close(fd);
}

static vnfo_signing_key *key_of(uint8_t fill)
{
    uint8_t seed[32];
    memset(seed, fill, sizeof seed);
    vnfo_signing_key *k;
    ck_assert_status(vnfo_signing_key_from_seed(&k, seed), VNFO_OK);
    return k;
}

/* A reader over a 10 MB file holds one batch at a time: its peak memory
 * stays under two batches plus 400 bytes per batch, whatever the file size. */
START_TEST(test_reader_streams_files)
{
    char path[96];
    snprintf(path, sizeof path, "%s/fw.log", dir);
    vnfo_signing_key *k = key_of(5);
    vnfo_public_key pk;
    ck_assert_status(vnfo_signing_key_public(&pk, k), VNFO_OK);
    const uint32_t n = 5000, per_batch = 100;
    write_log(path, k, n, per_batch, 2000);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_gt(st.st_size, 10000000);
    const size_t batch_max = (size_t)st.st_size / (n / per_batch) + 4096;

    count_install();
    vnfo_log_reader_options ro = VNFO_LOG_READER_OPTIONS_INIT;
    ro.public_key = pk;
    vnfo_log_reader *r;
    ck_assert_status(vnfo_log_reader_create(&r, &ro), VNFO_OK);
    ck_assert_status(vnfo_log_reader_add_file(r, path), VNFO_OK);
    ck_assert_status(vnfo_log_reader_verify(r), VNFO_OK);
    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    vnfo_record rec;
    uint32_t got = 0;
    vnfo_status s;
    while ((s = vnfo_log_reader_next_record(&rec, r, &cur)) == VNFO_OK) {
        ck_assert_uint_eq(rec.seq, got);
        ck_assert_uint_eq(rec.u.packet.bytes_in_len, 2000);
        got++;
    }
    ck_assert_status(s, VNFO_E_NOT_FOUND);
    ck_assert_uint_eq(got, n);
    vnfo_log_batch_info b;
    ck_assert_status(vnfo_log_reader_batch(&b, r, 7), VNFO_OK);
    ck_assert_ptr_nonnull(b.bytes);
    ck_assert_uint_eq(b.header.first_seq, 7 * per_batch);
    size_t peak = counted.peak;
    vnfo_log_reader_free(r);
    count_uninstall();
    ck_assert_uint_eq(counted.now, 0);
    ck_assert_msg(peak < 2 * batch_max + 400 * (n / per_batch) + 4096,
                  "peak %zu bytes for a %lld-byte file (batches of about %zu bytes)", peak,
                  (long long)st.st_size, batch_max);
    vnfo_signing_key_free(k);
}
END_TEST

/* A file rewritten after its batches were verified: the records of the
 * changed batch are not trusted (VNFO_E_IO names the batch), the others are. */
START_TEST(test_reader_file_changed_after_verify)
{
    char path[96];
    snprintf(path, sizeof path, "%s/fw.log", dir);
    vnfo_signing_key *k = key_of(6);
    vnfo_public_key pk;
    ck_assert_status(vnfo_signing_key_public(&pk, k), VNFO_OK);
    write_log(path, k, 30, 10, 100);
    vnfo_log_reader_options ro = VNFO_LOG_READER_OPTIONS_INIT;
    ro.public_key = pk;
    vnfo_log_reader *r;
    ck_assert_status(vnfo_log_reader_create(&r, &ro), VNFO_OK);
    ck_assert_status(vnfo_log_reader_add_file(r, path), VNFO_OK);
    ck_assert_status(vnfo_log_reader_verify(r), VNFO_OK);
    vnfo_log_batch_info b;
    ck_assert_status(vnfo_log_reader_batch(&b, r, 1), VNFO_OK);
    /* Flip the last byte of batch 1 in the file. */
    int fd = open(path, O_WRONLY);
    ck_assert_int_ge(fd, 0);
    uint8_t x = b.bytes[b.len - 1] ^ 0xff;
    ck_assert_int_eq(pwrite(fd, &x, 1, (off_t)(b.offset + 4 + b.len - 1)), 1);
    close(fd);
    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    vnfo_record rec;
    uint32_t ok = 0, io = 0;
    vnfo_status s;
    char want[320];
    snprintf(want, sizeof want, "%s: offset %llu: batch 1 changed since it was verified "
             "(the file is being rewritten)", path, (unsigned long long)b.offset);
    while ((s = vnfo_log_reader_next_record(&rec, r, &cur)) != VNFO_E_NOT_FOUND) {
        if (s == VNFO_OK) {
            ok++;
            continue;
        }
        ck_assert_status(s, VNFO_E_IO);
        ck_assert_str_eq(vnfo_error_message(), want);
        io++;
    }
    ck_assert_uint_eq(ok, 20);
    ck_assert_uint_eq(io, 1);
    vnfo_log_reader_free(r);
    vnfo_signing_key_free(k);
}
END_TEST

/* ---- FlowTag checkpoints ------------------------------------------------------ */

/* A checkpoint that claims 2^24 slots and whose first free slot is broken:
 * refused at that byte, having allocated nothing for the table. */
START_TEST(test_checkpoint_claims_before_bytes)
{
    vnfo_flowtag_options o = VNFO_FLOWTAG_OPTIONS_INIT;
    o.width_bits = 32;
    o.capacity = 1u << 10;
    vnfo_flowtag_table *t;
    ck_assert_status(vnfo_flowtag_table_create(&t, &o), VNFO_OK);
    size_t need = 0;
    ck_assert_status(vnfo_flowtag_table_serialized_size(&need, t), VNFO_OK);
    uint8_t *bytes = malloc(need);
    ck_assert_ptr_nonnull(bytes);
    size_t len;
    ck_assert_status(vnfo_flowtag_table_serialize(bytes, need, &len, t), VNFO_OK);
    vnfo_flowtag_table_free(t);
    /* The last free slot's last_tag (0x00 before the empty bindings array,
     * 0x90) becomes a string: the layout breaks at its very end. */
    ck_assert_uint_eq(bytes[len - 1], 0x90);
    ck_assert_uint_eq(bytes[len - 2], 0x00);
    bytes[len - 2] = 0xa1;
    count_install();
    vnfo_flowtag_table *u = NULL;
    vnfo_status s = vnfo_flowtag_table_deserialize(&u, bytes, len);
    size_t peak = counted.peak;
    count_uninstall();
    ck_assert_status(s, VNFO_E_FLOWTAG_FORMAT);
    char want[128];
    snprintf(want, sizeof want, "flowtag table: byte %zu: free slot last_tag: expected a non-negative integer",
             len - 2);
    ck_assert_str_eq(vnfo_error_message(), want);
    ck_assert_ptr_null(u);
    ck_assert_msg(peak < 4096, "a refused checkpoint allocated %zu bytes", peak);
    free(bytes);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("hostile");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_fifo_refused_by_every_reader);
    tcase_add_test(tc, test_batch_cursor_linear);
    tcase_add_test(tc, test_batch_cursor_framing);
    tcase_add_test(tc, test_foreign_log_empty_records);
    tcase_add_test(tc, test_reader_streams_files);
    tcase_add_test(tc, test_reader_file_changed_after_verify);
    tcase_add_test(tc, test_checkpoint_claims_before_bytes);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
