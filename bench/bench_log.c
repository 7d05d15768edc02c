/* Throughput of the signed log: append + sign (batch 1024, digest
 * granularity) and verify + decode, in records per second on one core.
 * Beside each figure, the floor measured in the same run with the same H:
 * hashing each record's bytes once (the leaf) plus one tree-node hash per
 * record, which any Merkle-batched log must pay. */
#include <sodium.h>
#include <string.h>

#include <vnfo/vnfo.h>

#include "bench.h"

#define BATCH 1024
#define BATCHES 64
#define RECORDS (BATCH * BATCHES)
#define RUNS 11

struct ctx {
    vnfo_signing_key *key;
    vnfo_public_key pub;
    vnfo_log_tree_hash hash;
    vnfo_record recs[256];
    uint8_t *log; /* length-prefixed batches */
    size_t log_len, log_cap;
    const uint8_t *raw[RECORDS]; /* the records' bytes inside log, for the floor */
    size_t raw_len[RECORDS];
};

static void packet(vnfo_record *r, uint64_t i)
{
    vnfo_record_init(r, VNFO_RECORD_PACKET);
    vnfo_record_packet *p = &r->u.packet;
    p->hop = 2;
    p->label = 0x9e3779b97f4a7c15ULL * (i + 1);
    for (int k = 0; k < 16; k++) {
        p->digest_in[k] = (uint8_t)(i * 7 + k);
        p->digest_out[k] = (uint8_t)(i * 13 + k);
    }
    p->t_in_ns = 1700000000000000000ULL + i * 1000;
    p->t_out_ns = p->t_in_ns + 2500 + i % 300;
    p->cpu_cycles = 3000 + i % 1000;
    p->mem_bytes = 64u << 20;
}

static vnfo_status null_sink(void *ctx, const uint8_t *b, size_t n)
{
    (void)ctx;
    bench_sink_u64(b[n - 1]);
    return VNFO_OK;
}

static vnfo_status keep_sink(void *ctx, const uint8_t *b, size_t n)
{
    struct ctx *c = ctx;
    if (c->log_len + 4 + n > c->log_cap) {
        c->log_cap = 2 * (c->log_len + 4 + n);
        c->log = realloc(c->log, c->log_cap);
    }
    uint8_t *p = c->log + c->log_len;
    p[0] = (uint8_t)(n >> 24), p[1] = (uint8_t)(n >> 16), p[2] = (uint8_t)(n >> 8), p[3] = (uint8_t)n;
    memcpy(p + 4, b, n);
    c->log_len += 4 + n;
    return VNFO_OK;
}

static void write_log(struct ctx *c, vnfo_log_sink_fn sink)
{
    vnfo_log_writer_options o = VNFO_LOG_WRITER_OPTIONS_INIT;
    o.node_id = 1;
    o.key = c->key;
    o.batch_records = BATCH;
    o.tree_hash = c->hash;
    o.sink = sink;
    o.sink_ctx = c;
    vnfo_log_writer *w;
    if (vnfo_log_writer_create(&w, &o) != VNFO_OK)
        abort();
    for (int i = 0; i < RECORDS; i++)
        if (vnfo_log_writer_append(w, &c->recs[i & 255]) != VNFO_OK)
            abort();
    if (vnfo_log_writer_flush(w) != VNFO_OK)
        abort();
    vnfo_log_writer_free(w);
}

static void run_append(void *arg)
{
    write_log(arg, null_sink);
}

static void run_verify(void *arg)
{
    struct ctx *c = arg;
    vnfo_log_reader_options o = VNFO_LOG_READER_OPTIONS_INIT;
    o.public_key = c->pub;
    vnfo_log_reader *r;
    if (vnfo_log_reader_create(&r, &o) != VNFO_OK ||
        vnfo_log_reader_add_buffer(r, c->log, c->log_len, "bench") != VNFO_OK ||
        vnfo_log_reader_verify(r) != VNFO_OK)
        abort();
    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    vnfo_record rec;
    uint64_t sum = 0, n = 0;
    while (vnfo_log_reader_next_record(&rec, r, &cur) == VNFO_OK) {
        sum += rec.u.packet.label;
        n++;
    }
    if (n != RECORDS)
        abort();
    bench_sink_u64(sum);
    vnfo_log_reader_free(r);
}

/* The floor: leaf = H(0x00 || record) for every record's bytes, plus one
 * node hash H(0x01 || a || b) per record, with libsodium directly. */
static void run_floor(void *arg)
{
    struct ctx *c = arg;
    uint8_t leaf[32], node_in[65] = {0x01}, acc[32] = {0};
    const uint8_t zero = 0;
    for (int i = 0; i < RECORDS; i++) {
        if (c->hash == VNFO_LOG_TREE_SHA256) {
            crypto_hash_sha256_state st;
            crypto_hash_sha256_init(&st);
            crypto_hash_sha256_update(&st, &zero, 1);
            crypto_hash_sha256_update(&st, c->raw[i], c->raw_len[i]);
            crypto_hash_sha256_final(&st, leaf);
        } else {
            crypto_generichash_blake2b_state st;
            crypto_generichash_blake2b_init(&st, NULL, 0, 32);
            crypto_generichash_blake2b_update(&st, &zero, 1);
            crypto_generichash_blake2b_update(&st, c->raw[i], c->raw_len[i]);
            crypto_generichash_blake2b_final(&st, leaf, 32);
        }
        memcpy(node_in + 1, acc, 32);
        memcpy(node_in + 33, leaf, 32);
        if (c->hash == VNFO_LOG_TREE_SHA256)
            crypto_hash_sha256(acc, node_in, sizeof node_in);
        else
            crypto_generichash_blake2b(acc, 32, node_in, sizeof node_in, NULL, 0);
    }
    bench_sink_u64(acc[0]);
}

/* One Ed25519 verification per batch, as the reader does: its share per record. */
static void run_sigverify(void *arg)
{
    struct ctx *c = arg;
    const uint8_t *b = c->log + 4;
    uint8_t msg[sizeof VNFO_LOG_SIGNATURE_CONTEXT + VNFO_LOG_HEADER_BYTES];
    memcpy(msg, VNFO_LOG_SIGNATURE_CONTEXT, sizeof VNFO_LOG_SIGNATURE_CONTEXT);
    memcpy(msg + sizeof VNFO_LOG_SIGNATURE_CONTEXT, b, VNFO_LOG_HEADER_BYTES);
    for (int i = 0; i < BATCHES; i++)
        if (vnfo_public_key_verify(&c->pub, msg, sizeof msg, b + VNFO_LOG_HEADER_BYTES) != VNFO_OK)
            abort();
}

/* Points raw[] at each record inside the kept log. */
static void index_records(struct ctx *c)
{
    size_t off = 0;
    int k = 0;
    while (off < c->log_len) {
        const uint8_t *b = c->log + off + 4;
        size_t n = (size_t)b[-4] << 24 | (size_t)b[-3] << 16 | (size_t)b[-2] << 8 | b[-1];
        vnfo_log_header h;
        if (vnfo_log_header_parse(&h, b, n) != VNFO_OK)
            abort();
        for (uint32_t i = 0; i < h.record_count; i++, k++)
            if (vnfo_log_batch_record(&c->raw[k], &c->raw_len[k], b, n, i) != VNFO_OK)
                abort();
        off += 4 + n;
    }
    if (k != RECORDS)
        abort();
}

static void bench_hash(struct ctx *c, vnfo_log_tree_hash h)
{
    c->hash = h;
    c->log_len = 0;
    write_log(c, keep_sink);
    index_records(c);
    const char *hn = vnfo_log_tree_hash_name(h);
    char name[64], base[64];
    /* Interleaved rounds: on a shared, noisy machine each round measures
     * the floor and the figures back to back, and the reported ratio is the
     * median of the per-round ratios. */
    void (*fns[4])(void *) = {run_floor, run_append, run_verify, run_sigverify};
    double t[4][RUNS], ratio[2][RUNS];
    for (int k = 0; k < 4; k++)
        fns[k](c); /* warm-up */
    for (int r = 0; r < RUNS; r++) {
        for (int k = 0; k < 4; k++) {
            double t0 = bench_now_ns();
            fns[k](c);
            t[k][r] = (bench_now_ns() - t0) / RECORDS;
        }
        ratio[0][r] = t[1][r] / t[0][r];
        ratio[1][r] = t[2][r] / (t[0][r] + t[3][r]);
    }
    for (int k = 0; k < 4; k++)
        qsort(t[k], RUNS, sizeof t[k][0], bench_cmp_double);
    qsort(ratio[0], RUNS, sizeof ratio[0][0], bench_cmp_double);
    qsort(ratio[1], RUNS, sizeof ratio[1][0], bench_cmp_double);
    double floor_ns = t[0][RUNS / 2], append_ns = t[1][RUNS / 2], verify_ns = t[2][RUNS / 2],
           sig_ns = t[3][RUNS / 2];
    snprintf(base, sizeof base, "floor (%s leaf+node)", hn);
    snprintf(name, sizeof name, "log append+sign %s", hn);
    bench_report(name, append_ns, base, floor_ns);
    snprintf(name, sizeof name, "log verify+decode %s", hn);
    bench_report(name, verify_ns, base, floor_ns);
    printf("  records/s/core: append+sign %.2fM, verify+decode %.2fM, floor %.2fM "
           "(%zu-byte records, batch %d)\n", 1e3 / append_ns, 1e3 / verify_ns, 1e3 / floor_ns,
           c->raw_len[0], BATCH);
    printf("  median per-round ratios: append+sign / floor %.2fx; Ed25519 verification %.1f ns/record "
           "(one per batch), verify+decode / (floor + verification) %.2fx\n", ratio[0][RUNS / 2],
           sig_ns, ratio[1][RUNS / 2]);
}

int main(void)
{
    if (vnfo_init() != VNFO_OK)
        return 1;
    static struct ctx c;
    uint8_t seed[32] = {7};
    if (vnfo_signing_key_from_seed(&c.key, seed) != VNFO_OK)
        return 1;
    vnfo_signing_key_public(&c.pub, c.key);
    for (int i = 0; i < 256; i++)
        packet(&c.recs[i], (uint64_t)i);
    bench_hash(&c, VNFO_LOG_TREE_BLAKE2B_256);
    bench_hash(&c, VNFO_LOG_TREE_SHA256);
    vnfo_signing_key_free(c.key);
    free(c.log);
    return 0;
}
