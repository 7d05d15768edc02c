/* Check suite for the log module: writer, batches, chain verification,
 * Merkle trees (against RFC 6962), inclusion proofs, log files. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vnfo/log.h>

#include "log_example.h"
#include "testutil.h"

/* ---- fixtures ------------------------------------------------------------ */

#define MAX_BATCHES 64

/* A sink that keeps every batch apart, so tests can rearrange them. */
struct batches {
    uint8_t *b[MAX_BATCHES];
    size_t len[MAX_BATCHES];
    int n;
    int fail_call; /* 1-based call number that fails, 0 = never */
    int calls;
};

static vnfo_status keep_sink(void *ctx, const uint8_t *batch, size_t len)
{
    struct batches *bs = ctx;
    bs->calls++;
    if (bs->fail_call == bs->calls)
        return VNFO_E_IO;
    ck_assert_int_lt(bs->n, MAX_BATCHES);
    bs->b[bs->n] = malloc(len);
    memcpy(bs->b[bs->n], batch, len);
    bs->len[bs->n++] = len;
    return VNFO_OK;
}

static void batches_free(struct batches *bs)
{
    for (int i = 0; i < bs->n; i++)
        free(bs->b[i]);
    memset(bs, 0, sizeof *bs);
}

/* A log file image of the batches in the given order (-1 ends the list). */
static uint8_t *log_of(const struct batches *bs, const int *order, size_t *len)
{
    size_t total = 0;
    for (const int *o = order; *o >= 0; o++)
        total += 4 + bs->len[*o];
    uint8_t *p = malloc(total + 1), *q = p;
    for (const int *o = order; *o >= 0; o++) {
        size_t n = bs->len[*o];
        q[0] = (uint8_t)(n >> 24), q[1] = (uint8_t)(n >> 16), q[2] = (uint8_t)(n >> 8), q[3] = (uint8_t)n;
        memcpy(q + 4, bs->b[*o], n);
        q += 4 + n;
    }
    *len = total;
    return p;
}

static uint64_t fixed_clock(void *ctx)
{
    uint64_t *t = ctx;
    return (*t)++;
}

static vnfo_signing_key *test_key(uint8_t fill)
{
    uint8_t seed[32];
    for (int i = 0; i < 32; i++)
        seed[i] = (uint8_t)(fill + i);
    vnfo_signing_key *k;
    ck_assert_status(vnfo_signing_key_from_seed(&k, seed), VNFO_OK);
    return k;
}

static vnfo_public_key public_of(const vnfo_signing_key *k)
{
    vnfo_public_key pk;
    ck_assert_status(vnfo_signing_key_public(&pk, k), VNFO_OK);
    return pk;
}

static uint64_t clock_value;

static vnfo_log_writer *writer_new(const vnfo_signing_key *k, struct batches *bs, uint32_t batch,
                                   vnfo_log_tree_hash h)
{
    vnfo_log_writer_options o;
    ck_assert_status(vnfo_log_writer_options_init(&o, VNFO_LOG_WRITER_OPTIONS_VERSION), VNFO_OK);
    o.node_id = 3;
    o.key = k;
    o.batch_records = batch;
    o.tree_hash = h;
    o.sink = keep_sink;
    o.sink_ctx = bs;
    clock_value = 1700000000000000000ULL;
    o.clock = fixed_clock;
    o.clock_ctx = &clock_value;
    vnfo_log_writer *w;
    ck_assert_status(vnfo_log_writer_create(&w, &o), VNFO_OK);
    return w;
}

/* Packet record number i (digest granularity, distinct label and digests). */
static void packet(vnfo_record *r, uint64_t i)
{
    ck_assert_status(vnfo_record_init(r, VNFO_RECORD_PACKET), VNFO_OK);
    vnfo_record_packet *p = &r->u.packet;
    p->hop = 1;
    p->label = 0x9e3779b97f4a7c15ULL * (i + 1);
    for (int k = 0; k < 16; k++) {
        p->digest_in[k] = (uint8_t)(i + k);
        p->digest_out[k] = (uint8_t)(i * 3 + k);
    }
    p->t_in_ns = 1700000000000000000ULL + i * 1000;
    p->t_out_ns = p->t_in_ns + 2500;
    p->cpu_cycles = 4000 + i % 100;
    p->mem_bytes = 1 << 24;
}

/* Writes n packet records in batches of `batch`. */
static void write_records(struct batches *bs, const vnfo_signing_key *k, uint64_t n, uint32_t batch,
                          vnfo_log_tree_hash h)
{
    vnfo_log_writer *w = writer_new(k, bs, batch, h);
    vnfo_record r;
    for (uint64_t i = 0; i < n; i++) {
        packet(&r, i);
        ck_assert_status(vnfo_log_writer_append(w, &r), VNFO_OK);
    }
    ck_assert_status(vnfo_log_writer_flush(w), VNFO_OK);
    vnfo_log_writer_free(w);
}

static vnfo_log_reader *reader_for(const vnfo_public_key *pk, const uint8_t *log, size_t len)
{
    vnfo_log_reader_options o;
    ck_assert_status(vnfo_log_reader_options_init(&o, VNFO_LOG_READER_OPTIONS_VERSION), VNFO_OK);
    o.public_key = *pk;
    vnfo_log_reader *r;
    ck_assert_status(vnfo_log_reader_create(&r, &o), VNFO_OK);
    ck_assert_status(vnfo_log_reader_add_buffer(r, log, len, "test.log"), VNFO_OK);
    return r;
}

/* Status of batch i after verification. */
static vnfo_status batch_status(const vnfo_log_reader *r, size_t i)
{
    vnfo_log_batch_info info;
    ck_assert_status(vnfo_log_reader_batch(&info, r, i), VNFO_OK);
    return info.status;
}

static vnfo_status verify_log(const vnfo_public_key *pk, const uint8_t *log, size_t len)
{
    vnfo_log_reader *r = reader_for(pk, log, len);
    vnfo_status s = vnfo_log_reader_verify(r);
    vnfo_log_reader_free(r);
    return s;
}

/* ---- RFC 6962 trees ------------------------------------------------------ */

/* Independent MTH straight from RFC 6962 section 2.1, recursive, SHA-256. */
static void rfc_mth(uint8_t *out, const uint8_t *const *d, const size_t *lens, size_t n)
{
    if (n == 0) {
        crypto_hash_sha256(out, NULL, 0);
        return;
    }
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    if (n == 1) {
        crypto_hash_sha256_update(&st, (const uint8_t *)"\x00", 1);
        crypto_hash_sha256_update(&st, d[0], lens[0]);
    } else {
        size_t k = 1;
        while (2 * k < n)
            k *= 2;
        uint8_t l[32], r[32];
        rfc_mth(l, d, lens, k);
        rfc_mth(r, d + k, lens + k, n - k);
        crypto_hash_sha256_update(&st, (const uint8_t *)"\x01", 1);
        crypto_hash_sha256_update(&st, l, 32);
        crypto_hash_sha256_update(&st, r, 32);
    }
    crypto_hash_sha256_final(&st, out);
}

/* The leaves of Certificate Transparency's reference tests. */
static const uint8_t L0[] = "", L1[] = {0x00}, L2[] = {0x10}, L3[] = {0x20, 0x21},
                     L4[] = {0x30, 0x31}, L5[] = {0x40, 0x41, 0x42, 0x43},
                     L6[] = {0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57},
                     L7[] = {0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a,
                             0x6b, 0x6c, 0x6d, 0x6e, 0x6f};
static const uint8_t *const CT_LEAVES[] = {L0, L1, L2, L3, L4, L5, L6, L7};
static const size_t CT_LENS[] = {0, 1, 1, 2, 2, 4, 8, 16};

static void to_hex(char *out, const uint8_t *p, size_t n)
{
    sodium_bin2hex(out, 2 * n + 1, p, n);
}

START_TEST(test_tree_sha256_matches_rfc6962)
{
    uint8_t got[32], want[32];
    char hex[65];
    for (size_t n = 0; n <= 8; n++) {
        ck_assert_status(vnfo_log_tree_root(got, VNFO_LOG_TREE_SHA256, CT_LEAVES, CT_LENS, n), VNFO_OK);
        rfc_mth(want, CT_LEAVES, CT_LENS, n);
        ck_assert_mem_eq(got, want, 32);
    }
    /* The empty tree is SHA-256(""). */
    ck_assert_status(vnfo_log_tree_root(got, VNFO_LOG_TREE_SHA256, NULL, NULL, 0), VNFO_OK);
    to_hex(hex, got, 32);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* The 8-leaf root published with Certificate Transparency's tests. */
    ck_assert_status(vnfo_log_tree_root(got, VNFO_LOG_TREE_SHA256, CT_LEAVES, CT_LENS, 8), VNFO_OK);
    to_hex(hex, got, 32);
    ck_assert_str_eq(hex, "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
    ck_assert_status(vnfo_log_tree_root(NULL, VNFO_LOG_TREE_SHA256, NULL, NULL, 0),
                     VNFO_E_INVALID_ARGUMENT);
}
END_TEST

/* The root a writer signs in sha256 mode is RFC 6962's MTH of the record
 * bytes, for every batch size from 1 to 8 (and one larger). */
START_TEST(test_batch_root_sha256_independent)
{
    vnfo_signing_key *k = test_key(1);
    vnfo_public_key pk = public_of(k);
    static const size_t sizes[] = {1, 2, 3, 4, 5, 6, 7, 8, 37};
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        struct batches bs = {0};
        write_records(&bs, k, sizes[si], 1024, VNFO_LOG_TREE_SHA256);
        ck_assert_int_eq(bs.n, 1);
        vnfo_log_header h;
        ck_assert_status(vnfo_log_batch_verify(&h, bs.b[0], bs.len[0], &pk, NULL), VNFO_OK);
        ck_assert_uint_eq(h.record_count, sizes[si]);
        ck_assert_int_eq(h.tree_hash, VNFO_LOG_TREE_SHA256);
        const uint8_t *recs[64];
        size_t lens[64];
        for (uint32_t i = 0; i < h.record_count; i++)
            ck_assert_status(vnfo_log_batch_record(&recs[i], &lens[i], bs.b[0], bs.len[0], i), VNFO_OK);
        uint8_t want[32];
        rfc_mth(want, recs, lens, h.record_count);
        ck_assert_mem_eq(h.root, want, 32);
        batches_free(&bs);
    }
    vnfo_signing_key_free(k);
}
END_TEST

/* ---- writer and reader ----------------------------------------------------- */

START_TEST(test_round_trip_many_batches)
{
    vnfo_signing_key *k = test_key(2);
    vnfo_public_key pk = public_of(k);
    struct batches bs = {0};
    write_records(&bs, k, 3000, 1024, VNFO_LOG_TREE_BLAKE2B_256);
    ck_assert_int_eq(bs.n, 3);
    size_t len;
    uint8_t *log = log_of(&bs, (const int[]){0, 1, 2, -1}, &len);
    vnfo_log_reader *r = reader_for(&pk, log, len);
    ck_assert_status(vnfo_log_reader_verify(r), VNFO_OK);
    ck_assert_uint_eq(vnfo_log_reader_batch_count(r), 3);
    vnfo_log_batch_info info;
    ck_assert_status(vnfo_log_reader_batch(&info, r, 2), VNFO_OK);
    ck_assert_uint_eq(info.header.first_seq, 2048);
    ck_assert_uint_eq(info.header.record_count, 3000 - 2048);
    ck_assert_uint_eq(info.header.node_id, 3);
    ck_assert_uint_eq(info.header.created_ns, 1700000000000000002ULL);
    ck_assert_str_eq(info.source, "test.log");
    ck_assert_str_eq(info.message, "");
    ck_assert_uint_eq(info.offset, 8 + bs.len[0] + bs.len[1]);
    vnfo_log_batch_info first;
    ck_assert_status(vnfo_log_reader_batch(&first, r, 1), VNFO_OK);
    ck_assert_mem_eq(info.header.prev_hash, first.hash, 32);
    ck_assert_status(vnfo_log_reader_batch(&info, r, 3), VNFO_E_NOT_FOUND);

    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    vnfo_record rec, want;
    uint64_t n = 0;
    vnfo_status s;
    while ((s = vnfo_log_reader_next_record(&rec, r, &cur)) == VNFO_OK) {
        packet(&want, n);
        ck_assert_uint_eq(rec.seq, n);
        ck_assert_uint_eq(rec.node_id, 3);
        ck_assert_uint_eq(rec.u.packet.label, want.u.packet.label);
        ck_assert_mem_eq(rec.u.packet.digest_out, want.u.packet.digest_out, 16);
        ck_assert_uint_eq(rec.u.packet.t_out_ns, want.u.packet.t_out_ns);
        ck_assert_uint_eq(cur.batch, n / 1024);
        ck_assert_uint_eq(cur.record, n % 1024);
        n++;
    }
    ck_assert_status(s, VNFO_E_NOT_FOUND);
    ck_assert_uint_eq(n, 3000);
    vnfo_log_reader_free(r);
    free(log);
    batches_free(&bs);
    vnfo_signing_key_free(k);
}
END_TEST

START_TEST(test_append_never_allocates)
{
    vnfo_signing_key *k = test_key(3);
    vnfo_test_allocator_install(-1); /* counts every allocation */
    struct batches bs = {0};
    vnfo_log_writer *w = writer_new(k, &bs, 100, VNFO_LOG_TREE_BLAKE2B_256);
    long after_create = vnfo_test_alloc_state()->count;
    ck_assert_int_gt(after_create, 0); /* the counter sees the writer's allocations */
    vnfo_record r;
    for (int i = 0; i < 1050; i++) {
        packet(&r, (uint64_t)i);
        ck_assert_status(vnfo_log_writer_append(w, &r), VNFO_OK);
    }
    ck_assert_status(vnfo_log_writer_flush(w), VNFO_OK);
    ck_assert_int_eq(vnfo_test_alloc_state()->count, after_create);
    ck_assert_int_eq(bs.n, 11);
    vnfo_log_writer_free(w);
    vnfo_allocator_set(NULL);
    batches_free(&bs);
    vnfo_signing_key_free(k);
}
END_TEST

START_TEST(test_writer_options)
{
    vnfo_log_writer_options o = VNFO_LOG_WRITER_OPTIONS_INIT;
    vnfo_log_writer *w = (vnfo_log_writer *)&o;
    ck_assert_status(vnfo_log_writer_create(&w, &o), VNFO_E_INVALID_ARGUMENT);
    ck_assert_ptr_null(w);
    ck_assert_str_eq(vnfo_error_message(), "log writer: key is NULL");
    vnfo_signing_key *k = test_key(4);
    o.key = k;
    ck_assert_status(vnfo_log_writer_create(&w, &o), VNFO_E_INVALID_ARGUMENT);
    ck_assert_str_eq(vnfo_error_message(), "log writer: sink is NULL");
    o.sink = keep_sink;
    o.batch_records = 0;
    ck_assert_status(vnfo_log_writer_create(&w, &o), VNFO_E_LIMIT_EXCEEDED);
    ck_assert_str_eq(vnfo_error_message(), "log writer: batch_records 0 outside 1..1048576");
    o.batch_records = 10;
    o.tree_hash = (vnfo_log_tree_hash)7;
    ck_assert_status(vnfo_log_writer_create(&w, &o), VNFO_E_INVALID_ARGUMENT);
    o.version = 2;
    ck_assert_status(vnfo_log_writer_create(&w, &o), VNFO_E_STRUCT_VERSION);
    ck_assert_status(vnfo_log_writer_options_init(&o, 9), VNFO_E_STRUCT_VERSION);
    vnfo_log_reader_options ro;
    ck_assert_status(vnfo_log_reader_options_init(&ro, 0), VNFO_E_STRUCT_VERSION);
    vnfo_log_writer_free(NULL);
    vnfo_log_reader_free(NULL);
    vnfo_signing_key_free(k);
}
END_TEST

/* A batch closes early when the next record would not fit in batch_bytes;
 * a record larger than an empty batch is refused. */
START_TEST(test_batch_bytes_limit)
{
    vnfo_signing_key *k = test_key(5);
    vnfo_public_key pk = public_of(k);
    struct batches bs = {0};
    vnfo_log_writer_options o = VNFO_LOG_WRITER_OPTIONS_INIT;
    o.key = k;
    o.sink = keep_sink;
    o.sink_ctx = &bs;
    o.batch_bytes = 1024;
    vnfo_log_writer *w;
    ck_assert_status(vnfo_log_writer_create(&w, &o), VNFO_OK);
    vnfo_record r;
    for (int i = 0; i < 40; i++) {
        packet(&r, (uint64_t)i);
        ck_assert_status(vnfo_log_writer_append(w, &r), VNFO_OK);
    }
    static uint8_t big[600];
    packet(&r, 99);
    r.u.packet.granularity = VNFO_GRANULARITY_FULL;
    r.u.packet.bytes_in = big;
    r.u.packet.bytes_in_len = sizeof big;
    r.u.packet.bytes_out = big;
    r.u.packet.bytes_out_len = sizeof big;
    ck_assert_status(vnfo_log_writer_append(w, &r), VNFO_E_LIMIT_EXCEEDED);
    ck_assert_uint_eq(vnfo_log_writer_next_seq(w), 40);
    ck_assert_status(vnfo_log_writer_flush(w), VNFO_OK);
    ck_assert_int_gt(bs.n, 4);
    int order[MAX_BATCHES + 1];
    for (int i = 0; i < bs.n; i++) {
        ck_assert_uint_le(bs.len[i], 1024);
        order[i] = i;
    }
    order[bs.n] = -1;
    size_t len;
    uint8_t *log = log_of(&bs, order, &len);
    ck_assert_status(verify_log(&pk, log, len), VNFO_OK);
    free(log);
    vnfo_log_writer_free(w);
    batches_free(&bs);
    vnfo_signing_key_free(k);
}
END_TEST

/* When the sink fails, the loss is reported, counted in the next header,
 * and the delivered stream still verifies: the gap is explained. */
START_TEST(test_sink_failure_counts_loss)
{
    vnfo_signing_key *k = test_key(6);
    vnfo_public_key pk = public_of(k);
    struct batches bs = {.fail_call = 2};
    vnfo_log_writer *w = writer_new(k, &bs, 10, VNFO_LOG_TREE_BLAKE2B_256);
    vnfo_record r;
    for (int i = 0; i < 30; i++) {
        packet(&r, (uint64_t)i);
        ck_assert_status(vnfo_log_writer_append(w, &r), i == 19 ? VNFO_E_LOG_SINK : VNFO_OK);
        if (i == 19)
            ck_assert_str_eq(vnfo_error_message(),
                             "log writer: node 3: batch of seq 10..19 not delivered (VNFO_E_IO); "
                             "10 records lost, counted in the next batch header");
    }
    ck_assert_uint_eq(vnfo_log_writer_lost_total(w), 10);
    ck_assert_int_eq(bs.n, 2);
    vnfo_log_header h;
    ck_assert_status(vnfo_log_header_parse(&h, bs.b[1], bs.len[1]), VNFO_OK);
    ck_assert_uint_eq(h.first_seq, 20);
    ck_assert_uint_eq(h.lost_count, 10);
    size_t len;
    uint8_t *log = log_of(&bs, (const int[]){0, 1, -1}, &len);
    ck_assert_status(verify_log(&pk, log, len), VNFO_OK);
    free(log);
    /* Without the signed loss count, the same gap is a deletion. */
    vnfo_log_writer_free(w);
    batches_free(&bs);
    vnfo_signing_key_free(k);
}
END_TEST

/* The last batch of a writer is lost at flush; a writer that continues the
 * log signs that loss, so the stream still verifies. */
START_TEST(test_continue_after_lost_flush)
{
    vnfo_signing_key *k = test_key(15);
    vnfo_public_key pk = public_of(k);
    struct batches bs = {.fail_call = 2};
    vnfo_log_writer *w = writer_new(k, &bs, 5, VNFO_LOG_TREE_SHA256);
    vnfo_record r;
    for (int i = 0; i < 8; i++) {
        packet(&r, (uint64_t)i);
        ck_assert_status(vnfo_log_writer_append(w, &r), VNFO_OK);
    }
    ck_assert_status(vnfo_log_writer_flush(w), VNFO_E_LOG_SINK);
    ck_assert_uint_eq(vnfo_log_writer_pending_lost(w), 3);
    vnfo_log_writer_options o = VNFO_LOG_WRITER_OPTIONS_INIT;
    o.node_id = 3;
    o.key = k;
    o.tree_hash = VNFO_LOG_TREE_SHA256;
    o.sink = keep_sink;
    o.sink_ctx = &bs;
    o.first_seq = vnfo_log_writer_next_seq(w);
    o.lost_before = vnfo_log_writer_pending_lost(w);
    ck_assert_status(vnfo_log_writer_last_hash(o.prev_hash, w), VNFO_OK);
    vnfo_log_writer_free(w);
    vnfo_log_writer *w2;
    ck_assert_status(vnfo_log_writer_create(&w2, &o), VNFO_OK);
    packet(&r, 8);
    ck_assert_status(vnfo_log_writer_append(w2, &r), VNFO_OK);
    vnfo_log_writer_free(w2);
    ck_assert_int_eq(bs.n, 2);
    size_t len;
    uint8_t *log = log_of(&bs, (const int[]){0, 1, -1}, &len);
    ck_assert_status(verify_log(&pk, log, len), VNFO_OK);
    vnfo_log_header h;
    ck_assert_status(vnfo_log_header_parse(&h, bs.b[1], bs.len[1]), VNFO_OK);
    ck_assert_uint_eq(h.first_seq, 8);
    ck_assert_uint_eq(h.lost_count, 3);
    free(log);
    batches_free(&bs);
    vnfo_signing_key_free(k);
}
END_TEST

START_TEST(test_set_epoch)
{
    vnfo_signing_key *k = test_key(7);
    vnfo_public_key pk = public_of(k);
    struct batches bs = {0};
    vnfo_log_writer *w = writer_new(k, &bs, 100, VNFO_LOG_TREE_BLAKE2B_256);
    vnfo_record r;
    for (int i = 0; i < 10; i++) {
        if (i == 4)
            ck_assert_status(vnfo_log_writer_set_epoch(w, 8), VNFO_OK);
        packet(&r, (uint64_t)i);
        ck_assert_status(vnfo_log_writer_append(w, &r), VNFO_OK);
    }
    vnfo_log_writer_free(w); /* flushes */
    ck_assert_int_eq(bs.n, 2);
    size_t len;
    uint8_t *log = log_of(&bs, (const int[]){0, 1, -1}, &len);
    vnfo_log_reader *rd = reader_for(&pk, log, len);
    ck_assert_status(vnfo_log_reader_verify(rd), VNFO_OK);
    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    for (int i = 0; i < 10; i++) {
        ck_assert_status(vnfo_log_reader_next_record(&r, rd, &cur), VNFO_OK);
        ck_assert_uint_eq(r.epoch, i < 4 ? 0 : 8);
    }
    vnfo_log_reader_free(rd);
    free(log);
    batches_free(&bs);
    vnfo_signing_key_free(k);
}
END_TEST

/* A heartbeat and a period close each end (and sign) the open batch, behind
 * the records already in it; the writer goes on after a close. */
START_TEST(test_heartbeat_and_close_period)
{
    vnfo_signing_key *k = test_key(9);
    vnfo_public_key pk = public_of(k);
    struct batches bs = {0};
    vnfo_log_writer *w = writer_new(k, &bs, 100, VNFO_LOG_TREE_BLAKE2B_256);
    vnfo_record r;
    packet(&r, 0);
    ck_assert_status(vnfo_log_writer_append(w, &r), VNFO_OK);
    ck_assert_int_eq(bs.n, 0);
    ck_assert_status(vnfo_log_writer_heartbeat(w, 1700000001000000000ULL), VNFO_OK);
    ck_assert_int_eq(bs.n, 1);
    ck_assert_status(vnfo_log_writer_heartbeat(w, 1700000002000000000ULL), VNFO_OK);
    ck_assert_int_eq(bs.n, 2);
    ck_assert_status(vnfo_log_writer_close_period(w, 5, 4, 6), VNFO_E_INVALID_ARGUMENT);
    ck_assert_str_eq(vnfo_error_message(),
                     "vnfo_log_writer_close_period: period ends (4 ns) before it starts (5 ns)");
    ck_assert_status(vnfo_log_writer_close_period(w, 1700000000000000000ULL, 1700000003000000000ULL,
                                                  1700000003000000001ULL), VNFO_OK);
    ck_assert_int_eq(bs.n, 3);
    ck_assert_uint_eq(vnfo_log_writer_next_seq(w), 4);
    packet(&r, 1);
    ck_assert_status(vnfo_log_writer_append(w, &r), VNFO_OK);
    vnfo_log_writer_free(w);
    ck_assert_int_eq(bs.n, 4);
    ck_assert_status(vnfo_log_writer_heartbeat(NULL, 1), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_log_writer_close_period(NULL, 1, 2, 3), VNFO_E_INVALID_ARGUMENT);
    size_t len;
    uint8_t *log = log_of(&bs, (const int[]){0, 1, 2, 3, -1}, &len);
    vnfo_log_reader *rd = reader_for(&pk, log, len);
    ck_assert_status(vnfo_log_reader_verify(rd), VNFO_OK);
    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    static const vnfo_record_type want[] = {VNFO_RECORD_PACKET, VNFO_RECORD_HEARTBEAT,
                                            VNFO_RECORD_HEARTBEAT, VNFO_RECORD_PERIOD_CLOSE,
                                            VNFO_RECORD_PACKET};
    for (size_t i = 0; i < 5; i++) {
        ck_assert_status(vnfo_log_reader_next_record(&r, rd, &cur), VNFO_OK);
        ck_assert_int_eq(r.type, want[i]);
        ck_assert_uint_eq(r.format_version, 2);
        ck_assert_uint_eq(r.seq, i);
    }
    ck_assert_uint_eq(r.u.packet.label, 0x9e3779b97f4a7c15ULL * 2);
    vnfo_log_reader_free(rd);
    free(log);
    batches_free(&bs);
    vnfo_signing_key_free(k);
}
END_TEST

/* docs/FORMAT.md 4: the largest usable sequence number is 2^64-2, so the
 * next expected one always exists; an empty log file is a log of no
 * batches. */
START_TEST(test_sequence_limit_and_empty_log)
{
    vnfo_signing_key *k = test_key(11);
    vnfo_public_key pk = public_of(k);
    struct batches bs = {0};
    vnfo_log_writer_options o;
    ck_assert_status(vnfo_log_writer_options_init(&o, VNFO_LOG_WRITER_OPTIONS_VERSION), VNFO_OK);
    o.key = k;
    o.sink = keep_sink;
    o.sink_ctx = &bs;
    o.first_seq = UINT64_MAX - 2;
    vnfo_log_writer *w;
    ck_assert_status(vnfo_log_writer_create(&w, &o), VNFO_OK);
    vnfo_record r;
    packet(&r, 0);
    ck_assert_status(vnfo_log_writer_append(w, &r), VNFO_OK);
    ck_assert_status(vnfo_log_writer_append(w, &r), VNFO_OK); /* seq 2^64-2 */
    ck_assert_status(vnfo_log_writer_append(w, &r), VNFO_E_OVERFLOW);
    ck_assert_status(vnfo_log_writer_flush(w), VNFO_OK);
    vnfo_log_writer_free(w);
    size_t len;
    uint8_t *log = log_of(&bs, (const int[]){0, -1}, &len);
    ck_assert_status(verify_log(&pk, log, len), VNFO_OK);
    /* A batch that would hold seq 2^64-1 (first 2^64-2, 2 records) is refused. */
    vnfo_log_header h;
    ck_assert_status(vnfo_log_header_parse(&h, log + 4, len - 4), VNFO_OK);
    ck_assert_uint_eq(h.first_seq, UINT64_MAX - 2);
    log[4 + 52 + 7] = 0xfe;
    log[4 + 52 + 6] = 0xff;
    memset(log + 4 + 52, 0xff, 7); /* first_seq = 2^64-2 */
    ck_assert_status(vnfo_log_header_parse(&h, log + 4, len - 4), VNFO_E_LOG_MALFORMED);
    ck_assert_str_eq(vnfo_error_message(), "batch: byte 52: sequence numbers overflow");
    free(log);
    /* An empty file: no batch, nothing wrong, nothing to iterate. */
    vnfo_log_reader *rd = reader_for(&pk, (const uint8_t *)"", 0);
    ck_assert_status(vnfo_log_reader_verify(rd), VNFO_OK);
    ck_assert_uint_eq(vnfo_log_reader_batch_count(rd), 0);
    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    ck_assert_status(vnfo_log_reader_next_record(&r, rd, &cur), VNFO_E_NOT_FOUND);
    vnfo_log_reader_free(rd);
    batches_free(&bs);
    vnfo_signing_key_free(k);
}
END_TEST

/* docs/FORMAT.md 4: a batch failing several checks gets the status of the
 * first in the documented order: signature, manifest digest, framing,
 * root, then the node id. */
START_TEST(test_order_of_batch_checks)
{
    vnfo_signing_key *k = test_key(13);
    vnfo_public_key pk = public_of(k);
    struct batches bs = {0};
    write_records(&bs, k, 4, 4, VNFO_LOG_TREE_BLAKE2B_256);
    ck_assert_int_eq(bs.n, 1);
    size_t len;
    uint8_t *log = log_of(&bs, (const int[]){0, -1}, &len);
    vnfo_log_reader_options o;
    ck_assert_status(vnfo_log_reader_options_init(&o, VNFO_LOG_READER_OPTIONS_VERSION), VNFO_OK);
    o.public_key = pk;
    o.manifest_digest[0] = 1; /* the batch names the zero digest */
    o.check_node = 1;
    o.node_id = 9;            /* the batch is node 3 */
    vnfo_log_reader *r;
    /* Wrong node and wrong manifest: the manifest digest is reported. */
    ck_assert_status(vnfo_log_reader_create(&r, &o), VNFO_OK);
    ck_assert_status(vnfo_log_reader_add_buffer(r, log, len, "o.log"), VNFO_OK);
    ck_assert_status(vnfo_log_reader_verify(r), VNFO_E_LOG_MANIFEST_MISMATCH);
    vnfo_log_reader_free(r);
    /* ... and a broken root on top: still the manifest digest (before framing and root). */
    log[len - 1] ^= 1;
    ck_assert_status(vnfo_log_reader_create(&r, &o), VNFO_OK);
    ck_assert_status(vnfo_log_reader_add_buffer(r, log, len, "o.log"), VNFO_OK);
    ck_assert_status(vnfo_log_reader_verify(r), VNFO_E_LOG_MANIFEST_MISMATCH);
    vnfo_log_reader_free(r);
    /* Right manifest, broken root, wrong node: the root. */
    o.manifest_digest[0] = 0;
    ck_assert_status(vnfo_log_reader_create(&r, &o), VNFO_OK);
    ck_assert_status(vnfo_log_reader_add_buffer(r, log, len, "o.log"), VNFO_OK);
    ck_assert_status(vnfo_log_reader_verify(r), VNFO_E_LOG_ROOT_MISMATCH);
    vnfo_log_reader_free(r);
    log[len - 1] ^= 1;
    /* Only the node is wrong. */
    ck_assert_status(vnfo_log_reader_create(&r, &o), VNFO_OK);
    ck_assert_status(vnfo_log_reader_add_buffer(r, log, len, "o.log"), VNFO_OK);
    ck_assert_status(vnfo_log_reader_verify(r), VNFO_E_LOG_NODE_MISMATCH);
    vnfo_log_reader_free(r);
    /* A bad signature comes before everything after it. */
    o.manifest_digest[0] = 1;
    log[4 + VNFO_LOG_HEADER_BYTES] ^= 1;
    ck_assert_status(vnfo_log_reader_create(&r, &o), VNFO_OK);
    ck_assert_status(vnfo_log_reader_add_buffer(r, log, len, "o.log"), VNFO_OK);
    ck_assert_status(vnfo_log_reader_verify(r), VNFO_E_SIGNATURE_INVALID);
    vnfo_log_reader_free(r);
    free(log);
    batches_free(&bs);
    vnfo_signing_key_free(k);
}
END_TEST

/* ---- faults ---------------------------------------------------------------- */

/* Four batches of 5 records; rearranged per test. */
static void four_batches(struct batches *bs, vnfo_signing_key **k, vnfo_public_key *pk)
{
    *k = test_key(8);
    *pk = public_of(*k);
    write_records(bs, *k, 20, 5, VNFO_LOG_TREE_BLAKE2B_256);
    ck_assert_int_eq(bs->n, 4);
}

/* Verifies the batches in `order` and checks each batch's status. */
static void expect_statuses(const int *order, const vnfo_status *want, size_t nwant,
                            vnfo_status overall, const char *message)
{
    struct batches bs = {0};
    vnfo_signing_key *k;
    vnfo_public_key pk;
    four_batches(&bs, &k, &pk);
    size_t len;
    uint8_t *log = log_of(&bs, order, &len);
    vnfo_log_reader *r = reader_for(&pk, log, len);
    ck_assert_status(vnfo_log_reader_verify(r), overall);
    if (message)
        ck_assert_str_eq(vnfo_error_message(), message);
    ck_assert_uint_eq(vnfo_log_reader_batch_count(r), nwant);
    for (size_t i = 0; i < nwant; i++)
        ck_assert_msg(batch_status(r, i) == want[i], "batch %zu: %s, expected %s", i,
                      vnfo_status_name(batch_status(r, i)), vnfo_status_name(want[i]));
    vnfo_log_reader_free(r);
    free(log);
    batches_free(&bs);
    vnfo_signing_key_free(k);
}

START_TEST(test_deleted_batch)
{
    expect_statuses((const int[]){0, 2, 3, -1},
                    (const vnfo_status[]){VNFO_OK, VNFO_E_LOG_SEQUENCE_GAP, VNFO_OK}, 3,
                    VNFO_E_LOG_SEQUENCE_GAP,
                    "test.log: offset 677: batch 1: starts at seq 10, expected 5: 5 records missing "
                    "that no signed loss count explains");
}
END_TEST

START_TEST(test_reordered_batches)
{
    expect_statuses((const int[]){0, 2, 1, 3, -1},
                    (const vnfo_status[]){VNFO_OK, VNFO_E_LOG_REORDERED, VNFO_E_LOG_REORDERED, VNFO_OK},
                    4, VNFO_E_LOG_REORDERED,
                    "test.log: offset 677: batch 1: starts at seq 10, expected 5; the batch holding "
                    "seq 5 comes later (batch 2)");
}
END_TEST

START_TEST(test_duplicated_batch)
{
    expect_statuses((const int[]){0, 1, 1, 2, 3, -1},
                    (const vnfo_status[]){VNFO_OK, VNFO_OK, VNFO_E_LOG_DUPLICATE, VNFO_OK, VNFO_OK}, 5,
                    VNFO_E_LOG_DUPLICATE,
                    "test.log: offset 1354: batch 2: same batch as batch 1 (seq 5..9): duplicated or "
                    "replayed");
}
END_TEST

START_TEST(test_replayed_batch)
{
    expect_statuses((const int[]){0, 1, 2, 3, 0, -1},
                    (const vnfo_status[]){VNFO_OK, VNFO_OK, VNFO_OK, VNFO_OK, VNFO_E_LOG_DUPLICATE}, 5,
                    VNFO_E_LOG_DUPLICATE, NULL);
}
END_TEST

START_TEST(test_truncated_tail)
{
    struct batches bs = {0};
    vnfo_signing_key *k;
    vnfo_public_key pk;
    four_batches(&bs, &k, &pk);
    size_t len;
    uint8_t *log = log_of(&bs, (const int[]){0, 1, 2, 3, -1}, &len);
    /* Every cut inside the last frame: earlier batches still verify. */
    size_t last = len - 4 - bs.len[3];
    char want[240];
    for (size_t cut = last + 1; cut < len; cut += 7) {
        vnfo_log_reader *r = reader_for(&pk, log, cut);
        ck_assert_status(vnfo_log_reader_verify(r), VNFO_E_LOG_TRUNCATED);
        ck_assert_uint_eq(vnfo_log_reader_batch_count(r), 4);
        for (size_t i = 0; i < 3; i++)
            ck_assert_status(batch_status(r, i), VNFO_OK);
        vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
        vnfo_record rec;
        int n = 0;
        while (vnfo_log_reader_next_record(&rec, r, &cur) == VNFO_OK)
            n++;
        ck_assert_int_eq(n, 15);
        vnfo_log_reader_free(r);
    }
    /* Garbage that merely reads as a frame length is no truncated batch. */
    memcpy(log + last + 4, "XXXX", 4);
    vnfo_log_reader *g = reader_for(&pk, log, last + 100);
    ck_assert_status(vnfo_log_reader_verify(g), VNFO_E_LOG_MALFORMED);
    snprintf(want, sizeof want, "test.log: offset %zu: batch 3: frame of %zu bytes does not start "
             "with a batch (magic \"VNFB\" missing) and runs past the end of the log", last, bs.len[3]);
    ck_assert_str_eq(vnfo_error_message(), want);
    vnfo_log_reader_free(g);
    memcpy(log + last + 4, "VNFB", 4);
    vnfo_log_reader *r = reader_for(&pk, log, last + 100);
    ck_assert_status(vnfo_log_reader_verify(r), VNFO_E_LOG_TRUNCATED);
    snprintf(want, sizeof want, "test.log: offset %zu: batch 3: the log ends inside a batch: 96 of "
             "its %zu bytes present (crash-truncated tail?)", last, bs.len[3]);
    ck_assert_str_eq(vnfo_error_message(), want);
    vnfo_log_reader_free(r);
    free(log);
    batches_free(&bs);
    vnfo_signing_key_free(k);
}
END_TEST

START_TEST(test_wrong_key_rejected)
{
    struct batches bs = {0};
    vnfo_signing_key *k;
    vnfo_public_key pk;
    four_batches(&bs, &k, &pk);
    vnfo_signing_key *other = test_key(99);
    vnfo_public_key opk = public_of(other);
    size_t len;
    uint8_t *log = log_of(&bs, (const int[]){0, 1, 2, 3, -1}, &len);
    vnfo_log_reader *r = reader_for(&opk, log, len);
    ck_assert_status(vnfo_log_reader_verify(r), VNFO_E_SIGNATURE_INVALID);
    ck_assert_str_eq(vnfo_error_message(),
                     "test.log: offset 0: batch 0: batch: byte 144: signature does not verify under "
                     "the node's public key (node 3, first seq 0)");
    for (size_t i = 0; i < 4; i++)
        ck_assert_status(batch_status(r, i), VNFO_E_SIGNATURE_INVALID);
    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    vnfo_record rec;
    ck_assert_status(vnfo_log_reader_next_record(&rec, r, &cur), VNFO_E_NOT_FOUND);
    vnfo_log_reader_free(r);
    free(log);
    batches_free(&bs);
    vnfo_signing_key_free(k);
    vnfo_signing_key_free(other);
}
END_TEST

/* Re-signs a batch after editing its header, as only the key holder can. */
static void resign(uint8_t *batch, const vnfo_signing_key *k)
{
    uint8_t msg[sizeof VNFO_LOG_SIGNATURE_CONTEXT + VNFO_LOG_HEADER_BYTES];
    memcpy(msg, VNFO_LOG_SIGNATURE_CONTEXT, sizeof VNFO_LOG_SIGNATURE_CONTEXT);
    memcpy(msg + sizeof VNFO_LOG_SIGNATURE_CONTEXT, batch, VNFO_LOG_HEADER_BYTES);
    ck_assert_status(vnfo_signing_key_sign(batch + VNFO_LOG_HEADER_BYTES, k, msg, sizeof msg), VNFO_OK);
}

START_TEST(test_single_batch_faults)
{
    struct batches bs = {0};
    vnfo_signing_key *k;
    vnfo_public_key pk;
    four_batches(&bs, &k, &pk);
    vnfo_log_header h;
    uint8_t *b = bs.b[0];
    size_t n = bs.len[0];
    ck_assert_status(vnfo_log_batch_verify(&h, b, n, &pk, NULL), VNFO_OK);
    /* Manifest: the batch names the zero digest; the expected one differs
     * only in its last byte, so the message must show the whole digests. */
    uint8_t manifest[32] = {0};
    manifest[31] = 1;
    ck_assert_status(vnfo_log_batch_verify(&h, b, n, &pk, manifest), VNFO_E_LOG_MANIFEST_MISMATCH);
    ck_assert_str_eq(vnfo_error_message(),
                     "batch: byte 12: manifest digest "
                     "0000000000000000000000000000000000000000000000000000000000000000, expected "
                     "0000000000000000000000000000000000000000000000000000000000000001");
    /* A record byte changed: framing intact, root wrong. */
    b[n - 1] ^= 1;
    ck_assert_status(vnfo_log_batch_verify(&h, b, n, &pk, NULL), VNFO_E_LOG_ROOT_MISMATCH);
    char want[160];
    snprintf(want, sizeof want, "batch: the 5 records (bytes 208..%zu) do not hash to the signed "
             "Merkle root", n);
    ck_assert_str_eq(vnfo_error_message(), want);
    b[n - 1] ^= 1;
    /* A newer version, properly signed, is refused as such. */
    b[5] = 2;
    resign(b, k);
    ck_assert_status(vnfo_log_batch_verify(&h, b, n, &pk, NULL), VNFO_E_UNSUPPORTED_VERSION);
    ck_assert_str_eq(vnfo_error_message(), "batch: byte 4: format version 2; this library reads version 1");
    b[5] = 1;
    /* Signature byte changed. */
    b[150] ^= 0x10;
    ck_assert_status(vnfo_log_batch_verify(&h, b, n, &pk, NULL), VNFO_E_SIGNATURE_INVALID);
    b[150] ^= 0x10;
    resign(b, k);
    ck_assert_status(vnfo_log_batch_verify(&h, b, n, &pk, NULL), VNFO_OK);
    /* Trailing bytes after the last record, and a short batch. */
    ck_assert_status(vnfo_log_batch_verify(&h, b, n - 1, &pk, NULL), VNFO_E_LOG_MALFORMED);
    ck_assert_status(vnfo_log_batch_verify(&h, b, 100, &pk, NULL), VNFO_E_LOG_MALFORMED);
    ck_assert_str_eq(vnfo_error_message(), "batch: 100 bytes, shorter than its 208-byte signed header");
    b[0] = 'X';
    ck_assert_status(vnfo_log_batch_verify(&h, b, n, &pk, NULL), VNFO_E_LOG_MALFORMED);
    ck_assert_str_eq(vnfo_error_message(), "batch: byte 0: not a batch (magic \"VNFB\" missing)");
    batches_free(&bs);
    vnfo_signing_key_free(k);
}
END_TEST

/* Right sequence number, wrong previous hash: a forked or spliced log. */
START_TEST(test_broken_chain)
{
    vnfo_signing_key *k = test_key(9);
    vnfo_public_key pk = public_of(k);
    struct batches bs = {0};
    vnfo_log_writer_options o = VNFO_LOG_WRITER_OPTIONS_INIT;
    o.node_id = 3;
    o.key = k;
    o.batch_records = 5;
    o.sink = keep_sink;
    o.sink_ctx = &bs;
    vnfo_log_writer *w;
    vnfo_record r;
    ck_assert_status(vnfo_log_writer_create(&w, &o), VNFO_OK);
    for (int i = 0; i < 5; i++) {
        packet(&r, (uint64_t)i);
        ck_assert_status(vnfo_log_writer_append(w, &r), VNFO_OK);
    }
    vnfo_log_writer_free(w);
    /* A second writer continues the sequence but not the chain. */
    o.first_seq = 5;
    memset(o.prev_hash, 0x77, 32);
    ck_assert_status(vnfo_log_writer_create(&w, &o), VNFO_OK);
    for (int i = 5; i < 10; i++) {
        packet(&r, (uint64_t)i);
        ck_assert_status(vnfo_log_writer_append(w, &r), VNFO_OK);
    }
    vnfo_log_writer_free(w);
    size_t len;
    uint8_t *log = log_of(&bs, (const int[]){0, 1, -1}, &len);
    ck_assert_status(verify_log(&pk, log, len), VNFO_E_LOG_BROKEN_CHAIN);
    ck_assert_str_eq(vnfo_error_message(),
                     "test.log: offset 677: batch 1: seq 5 follows on, but prev_hash does not match "
                     "the hash of the batch before it");
    free(log);
    batches_free(&bs);
    vnfo_signing_key_free(k);
}
END_TEST

/* With an anchor, a deleted head is a gap; with check_node, another node's
 * batches are refused. */
START_TEST(test_anchor_and_node)
{
    struct batches bs = {0};
    vnfo_signing_key *k;
    vnfo_public_key pk;
    four_batches(&bs, &k, &pk);
    size_t len;
    uint8_t *log = log_of(&bs, (const int[]){1, 2, 3, -1}, &len);
    ck_assert_status(verify_log(&pk, log, len), VNFO_OK); /* unanchored: starts anywhere */
    vnfo_log_reader_options o = VNFO_LOG_READER_OPTIONS_INIT;
    o.public_key = pk;
    o.anchored = 1;
    vnfo_log_reader *r;
    ck_assert_status(vnfo_log_reader_create(&r, &o), VNFO_OK);
    ck_assert_status(vnfo_log_reader_add_buffer(r, log, len, "x"), VNFO_OK);
    ck_assert_status(vnfo_log_reader_verify(r), VNFO_E_LOG_SEQUENCE_GAP);
    vnfo_log_reader_free(r);
    o.anchored = 0;
    o.check_node = 1;
    o.node_id = 4;
    ck_assert_status(vnfo_log_reader_create(&r, &o), VNFO_OK);
    ck_assert_status(vnfo_log_reader_add_buffer(r, log, len, "x"), VNFO_OK);
    ck_assert_status(vnfo_log_reader_verify(r), VNFO_E_LOG_NODE_MISMATCH);
    ck_assert_str_eq(vnfo_error_message(), "x: offset 0: batch 0: batch from node 3, expected node 4");
    vnfo_log_reader_free(r);
    free(log);
    batches_free(&bs);
    vnfo_signing_key_free(k);
}
END_TEST

/* Flip every bit of a small log (one batch of 3 records, its length prefix
 * included): each flip is detected. */
START_TEST(test_every_bit_flip_small)
{
    vnfo_signing_key *k = test_key(10);
    vnfo_public_key pk = public_of(k);
    struct batches bs = {0};
    write_records(&bs, k, 3, 1024, VNFO_LOG_TREE_BLAKE2B_256);
    size_t len;
    uint8_t *log = log_of(&bs, (const int[]){0, -1}, &len);
    ck_assert_status(verify_log(&pk, log, len), VNFO_OK);
    for (size_t bit = 0; bit < 8 * len; bit++) {
        log[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        ck_assert_msg(verify_log(&pk, log, len) != VNFO_OK, "flip of bit %zu undetected", bit);
        log[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    free(log);
    batches_free(&bs);
    vnfo_signing_key_free(k);
}
END_TEST

/* A random sample of bit flips in a batch of 1024 records. */
START_TEST(test_sampled_bit_flips_large)
{
    vnfo_signing_key *k = test_key(11);
    vnfo_public_key pk = public_of(k);
    struct batches bs = {0};
    write_records(&bs, k, 1024, 1024, VNFO_LOG_TREE_SHA256);
    size_t len;
    uint8_t *log = log_of(&bs, (const int[]){0, -1}, &len);
    uint64_t x = 0x243f6a8885a308d3ULL; /* fixed seed: reproducible sample */
    for (int i = 0; i < 400; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t bit = (size_t)(x % (8 * len));
        log[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        ck_assert_msg(verify_log(&pk, log, len) != VNFO_OK, "flip of bit %zu undetected", bit);
        log[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    free(log);
    batches_free(&bs);
    vnfo_signing_key_free(k);
}
END_TEST

/* ---- proofs ---------------------------------------------------------------- */

START_TEST(test_inclusion_proofs)
{
    vnfo_signing_key *k = test_key(12);
    vnfo_public_key pk = public_of(k);
    vnfo_signing_key *other = test_key(13);
    vnfo_public_key opk = public_of(other);
    for (int hash = VNFO_LOG_TREE_BLAKE2B_256; hash <= VNFO_LOG_TREE_SHA256; hash++) {
        for (uint64_t n = 1; n <= 17; n++) {
            struct batches bs = {0};
            write_records(&bs, k, n, 1024, (vnfo_log_tree_hash)hash);
            vnfo_log_header h;
            ck_assert_status(vnfo_log_header_parse(&h, bs.b[0], bs.len[0]), VNFO_OK);
            for (uint32_t i = 0; i < n; i++) {
                vnfo_log_proof p;
                ck_assert_status(vnfo_log_proof_create(&p, bs.b[0], bs.len[0], i), VNFO_OK);
                const uint8_t *rec, *rec2;
                size_t rl, rl2;
                ck_assert_status(vnfo_log_batch_record(&rec, &rl, bs.b[0], bs.len[0], i), VNFO_OK);
                ck_assert_status(vnfo_log_proof_check(&p, &pk, rec, rl), VNFO_OK);
                ck_assert_status(vnfo_log_proof_verify_root(&p, h.tree_hash, h.root, rec, rl), VNFO_OK);
                /* Another record of the same batch. */
                ck_assert_status(vnfo_log_batch_record(&rec2, &rl2, bs.b[0], bs.len[0], (i + 1) % n), VNFO_OK);
                if (n > 1)
                    ck_assert_status(vnfo_log_proof_check(&p, &pk, rec2, rl2), VNFO_E_LOG_PROOF_INVALID);
                /* Another root. */
                uint8_t root[32];
                memcpy(root, h.root, 32);
                root[31] ^= 1;
                ck_assert_status(vnfo_log_proof_verify_root(&p, h.tree_hash, root, rec, rl),
                                 VNFO_E_LOG_PROOF_INVALID);
                /* Another key; a tampered path; a wrong tree size. */
                ck_assert_status(vnfo_log_proof_check(&p, &opk, rec, rl), VNFO_E_SIGNATURE_INVALID);
                if (p.path_len > 0) {
                    p.path[p.path_len - 1][0] ^= 1;
                    ck_assert_status(vnfo_log_proof_check(&p, &pk, rec, rl), VNFO_E_LOG_PROOF_INVALID);
                    p.path[p.path_len - 1][0] ^= 1;
                }
                p.tree_size++;
                ck_assert_status(vnfo_log_proof_check(&p, &pk, rec, rl), VNFO_E_LOG_PROOF_INVALID);
            }
            vnfo_log_proof p;
            ck_assert_status(vnfo_log_proof_create(&p, bs.b[0], bs.len[0], (uint32_t)n), VNFO_E_NOT_FOUND);
            /* A header claiming more records than the bytes can hold. */
            ck_assert_status(vnfo_log_proof_create(&p, bs.b[0], VNFO_LOG_SIGNED_HEADER_BYTES + 4 * n - 1, 0),
                             VNFO_E_LOG_MALFORMED);
            batches_free(&bs);
        }
    }
    vnfo_signing_key_free(k);
    vnfo_signing_key_free(other);
}
END_TEST

/* ---- files ----------------------------------------------------------------- */

START_TEST(test_file_sink_and_reader)
{
    char dir[] = "/tmp/vnfo-log-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/node.log", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    vnfo_signing_key *k = test_key(14);
    vnfo_public_key pk = public_of(k);
    vnfo_log_writer_options o = VNFO_LOG_WRITER_OPTIONS_INIT;
    o.key = k;
    o.batch_records = 64;
    o.sink = vnfo_log_file_sink;
    o.sink_ctx = &fd;
    vnfo_log_writer *w;
    ck_assert_status(vnfo_log_writer_create(&w, &o), VNFO_OK);
    vnfo_record r;
    for (int i = 0; i < 200; i++) {
        packet(&r, (uint64_t)i);
        ck_assert_status(vnfo_log_writer_append(w, &r), VNFO_OK);
    }
    ck_assert_status(vnfo_log_writer_flush(w), VNFO_OK);
    vnfo_log_writer_free(w);
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    /* A crash in the middle of the last write. */
    ck_assert_int_eq(ftruncate(fd, st.st_size - 10), 0);
    close(fd);
    vnfo_log_reader_options ro = VNFO_LOG_READER_OPTIONS_INIT;
    ro.public_key = pk;
    vnfo_log_reader *rd;
    ck_assert_status(vnfo_log_reader_create(&rd, &ro), VNFO_OK);
    ck_assert_status(vnfo_log_reader_add_file(rd, path), VNFO_OK);
    ck_assert_status(vnfo_log_reader_verify(rd), VNFO_E_LOG_TRUNCATED);
    ck_assert_uint_eq(vnfo_log_reader_batch_count(rd), 4);
    ck_assert_status(batch_status(rd, 2), VNFO_OK);
    char missing[80];
    snprintf(missing, sizeof missing, "%s/none.log", dir);
    ck_assert_status(vnfo_log_reader_add_file(rd, missing), VNFO_E_NOT_FOUND);
    vnfo_log_reader_free(rd);
    unlink(path);
    rmdir(dir);
    vnfo_signing_key_free(k);
}
END_TEST

START_TEST(test_names_and_sizes)
{
    ck_assert_str_eq(vnfo_log_tree_hash_name(VNFO_LOG_TREE_SHA256), "sha256");
    ck_assert_str_eq(vnfo_log_tree_hash_name(VNFO_LOG_TREE_BLAKE2B_256), "blake2b-256");
    vnfo_log_tree_hash h;
    ck_assert_status(vnfo_log_tree_hash_parse(&h, "sha256"), VNFO_OK);
    ck_assert_int_eq(h, VNFO_LOG_TREE_SHA256);
    ck_assert_status(vnfo_log_tree_hash_parse(&h, "md5"), VNFO_E_INVALID_ARGUMENT);
    ck_assert_str_eq(vnfo_error_message(), "tree hash: \"md5\" is not one of blake2b-256, sha256");
    ck_assert_uint_eq(vnfo_log_hash_bytes(), 32);
    ck_assert_uint_eq(vnfo_log_header_bytes(), 144);
    ck_assert_uint_eq(vnfo_log_signed_header_bytes(), 208);
}
END_TEST

/* ---- corpus and worked example --------------------------------------------- */

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    static uint8_t buf[1 << 20];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    uint8_t *p = malloc(*len + 1);
    memcpy(p, buf, *len);
    p[*len] = 0;
    return p;
}

static const char *top_srcdir(void)
{
    const char *top = getenv("top_srcdir");
    return top ? top : "..";
}

/* Each seed of tests/corpus/batch gets the status its name promises; the
 * signed hostile records verify and then fail in the decoder. */
START_TEST(test_batch_corpus_statuses)
{
    static const struct {
        const char *name;
        vnfo_status verify, first_record;
    } cases[] = {
        {"valid-one-batch", VNFO_OK, VNFO_OK},
        {"valid-three-batches", VNFO_OK, VNFO_OK},
        {"valid-sha256", VNFO_OK, VNFO_OK},
        {"valid-v1-records", VNFO_OK, VNFO_OK},
        {"valid-heartbeat-close", VNFO_OK, VNFO_OK},
        {"reordered", VNFO_E_LOG_REORDERED, VNFO_OK},
        {"duplicated", VNFO_E_LOG_DUPLICATE, VNFO_OK},
        {"deleted", VNFO_E_LOG_SEQUENCE_GAP, VNFO_OK},
        {"truncated", VNFO_E_LOG_TRUNCATED, VNFO_OK},
        {"truncated-prefix", VNFO_E_LOG_TRUNCATED, VNFO_E_NOT_FOUND},
        {"frame-length-huge", VNFO_E_LOG_MALFORMED, VNFO_E_NOT_FOUND},
        {"frame-length-tiny", VNFO_E_LOG_MALFORMED, VNFO_E_NOT_FOUND},
        {"header-only", VNFO_E_LOG_MALFORMED, VNFO_E_NOT_FOUND},
        {"newer-version", VNFO_E_UNSUPPORTED_VERSION, VNFO_E_NOT_FOUND},
        {"signed-noncanonical-record", VNFO_OK, VNFO_E_RECORD_NONCANONICAL},
        {"signed-huge-array-record", VNFO_OK, VNFO_E_RECORD_MALFORMED},
        {"signed-empty-record", VNFO_OK, VNFO_E_RECORD_MALFORMED},
        {"signed-wrong-seq-record", VNFO_OK, VNFO_E_LOG_MALFORMED},
    };
    vnfo_signing_key *k;
    ck_assert_status(vnfo_signing_key_from_seed(&k, FUZZ_SEED), VNFO_OK);
    vnfo_public_key pk = public_of(k);
    vnfo_signing_key_free(k);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/tests/corpus/batch/%s", top_srcdir(), cases[i].name);
        size_t len;
        uint8_t *log = read_all(path, &len);
        vnfo_log_reader *r = reader_for(&pk, log, len);
        vnfo_status s = vnfo_log_reader_verify(r);
        ck_assert_msg(s == cases[i].verify, "%s: verify %s, expected %s (%s)", cases[i].name,
                      vnfo_status_name(s), vnfo_status_name(cases[i].verify), vnfo_error_message());
        vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
        vnfo_record rec;
        s = vnfo_log_reader_next_record(&rec, r, &cur);
        ck_assert_msg(s == cases[i].first_record, "%s: first record %s, expected %s (%s)", cases[i].name,
                      vnfo_status_name(s), vnfo_status_name(cases[i].first_record), vnfo_error_message());
        if (s != VNFO_OK && s != VNFO_E_NOT_FOUND) {
            ck_assert_str_eq(strstr(vnfo_error_message(), ": offset 0: batch 0 record 0 (seq 0): ") ?
                             "found" : vnfo_error_message(), "found");
            /* Iteration goes on past the bad record. */
            ck_assert_status(vnfo_log_reader_next_record(&rec, r, &cur), VNFO_OK);
            ck_assert_uint_eq(rec.seq, 1);
        }
        vnfo_log_reader_free(r);
        free(log);
    }
}
END_TEST

/* docs/FORMAT.md carries exactly what tests/log_example.h generates. */
START_TEST(test_worked_example_in_format_md)
{
    char *gen = NULL;
    size_t gen_len = 0;
    FILE *f = open_memstream(&gen, &gen_len);
    ck_assert_status(example_markdown(f), VNFO_OK);
    fclose(f);
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/FORMAT.md", top_srcdir());
    size_t len;
    char *doc = (char *)read_all(path, &len);
    const char *begin_mark = "<!-- BEGIN worked example: generated by tests/log_example markdown -->\n";
    char *begin = strstr(doc, begin_mark), *end = strstr(doc, "<!-- END worked example -->");
    ck_assert_msg(begin && end, "docs/FORMAT.md lacks the worked example markers");
    begin += strlen(begin_mark);
    ck_assert_msg((size_t)(end - begin) == gen_len && memcmp(begin, gen, gen_len) == 0,
                  "docs/FORMAT.md's worked example is stale: regenerate it with "
                  "`make tests/log_example && tests/log_example markdown`");
    /* And the example verifies with the published key. */
    static struct example_out o;
    ck_assert_status(example_log(&o, 1, 2, VNFO_LOG_TREE_BLAKE2B_256), VNFO_OK);
    vnfo_signing_key *k;
    ck_assert_status(vnfo_signing_key_from_seed(&k, FUZZ_SEED), VNFO_OK);
    vnfo_public_key pk = public_of(k);
    vnfo_signing_key_free(k);
    ck_assert_status(verify_log(&pk, o.buf, o.len), VNFO_OK);
    free(gen);
    free(doc);
}
END_TEST

int main(void)
{
    if (vnfo_init() != VNFO_OK)
        return EXIT_FAILURE;
    Suite *s = suite_create("log");
    TCase *tc = tcase_create("log");
    tcase_add_test(tc, test_tree_sha256_matches_rfc6962);
    tcase_add_test(tc, test_batch_root_sha256_independent);
    tcase_add_test(tc, test_round_trip_many_batches);
    tcase_add_test(tc, test_append_never_allocates);
    tcase_add_test(tc, test_writer_options);
    tcase_add_test(tc, test_batch_bytes_limit);
    tcase_add_test(tc, test_sink_failure_counts_loss);
    tcase_add_test(tc, test_set_epoch);
    tcase_add_test(tc, test_heartbeat_and_close_period);
    tcase_add_test(tc, test_sequence_limit_and_empty_log);
    tcase_add_test(tc, test_order_of_batch_checks);
    tcase_add_test(tc, test_continue_after_lost_flush);
    tcase_add_test(tc, test_deleted_batch);
    tcase_add_test(tc, test_reordered_batches);
    tcase_add_test(tc, test_duplicated_batch);
    tcase_add_test(tc, test_replayed_batch);
    tcase_add_test(tc, test_truncated_tail);
    tcase_add_test(tc, test_wrong_key_rejected);
    tcase_add_test(tc, test_single_batch_faults);
    tcase_add_test(tc, test_broken_chain);
    tcase_add_test(tc, test_anchor_and_node);
    tcase_add_test(tc, test_every_bit_flip_small);
    tcase_add_test(tc, test_sampled_bit_flips_large);
    tcase_add_test(tc, test_inclusion_proofs);
    tcase_add_test(tc, test_file_sink_and_reader);
    tcase_add_test(tc, test_names_and_sizes);
    tcase_add_test(tc, test_batch_corpus_statuses);
    tcase_add_test(tc, test_worked_example_in_format_md);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
