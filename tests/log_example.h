/* The worked example of docs/FORMAT.md and the signed seeds of the batch
 * fuzz corpus, built deterministically (fixed key, fixed clock) by
 * tests/log_example.c and checked against the document by tests/check_log.c,
 * so the document stays true. */
#ifndef VNFO_LOG_EXAMPLE_H
#define VNFO_LOG_EXAMPLE_H

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include <vnfo/vnfo.h>

#include "fuzz/fuzz_key.h"

struct example_out {
    uint8_t buf[1 << 16]; /* frames: length prefix + batch, appended */
    size_t len;
    size_t frames;
};

static vnfo_status example_sink(void *ctx, const uint8_t *batch, size_t len)
{
    struct example_out *o = ctx;
    if (o->len + 4 + len > sizeof o->buf)
        return VNFO_E_BUFFER_TOO_SMALL;
    uint8_t *p = o->buf + o->len;
    p[0] = (uint8_t)(len >> 24), p[1] = (uint8_t)(len >> 16), p[2] = (uint8_t)(len >> 8), p[3] = (uint8_t)len;
    memcpy(p + 4, batch, len);
    o->len += 4 + len;
    o->frames++;
    return VNFO_OK;
}

static uint64_t example_clock(void *ctx)
{
    (void)ctx;
    return 1700000000000000000ULL;
}

/* The example's two records: a packet and a loss notice. */
static void example_records(vnfo_record *pkt, vnfo_record *loss)
{
    vnfo_record_init(pkt, VNFO_RECORD_PACKET);
    pkt->u.packet.hop = 1;
    pkt->u.packet.label = 0x0123456789abcdefULL;
    pkt->u.packet.flowtag = 0;
    for (int i = 0; i < 16; i++) {
        pkt->u.packet.digest_in[i] = (uint8_t)(0x10 + i);
        pkt->u.packet.digest_out[i] = (uint8_t)(0x10 + i);
    }
    pkt->u.packet.t_in_ns = 1700000000000001000ULL;
    pkt->u.packet.t_out_ns = 1700000000000003500ULL;
    pkt->u.packet.cpu_cycles = 4200;
    pkt->u.packet.mem_bytes = 65536;
    pkt->u.packet.has_link_type = 1;
    pkt->u.packet.link_type = VNFO_LINKTYPE_ETHERNET;
    pkt->u.packet.wire_len = 60;
    vnfo_record_init(loss, VNFO_RECORD_LOSS_NOTICE);
    loss->u.loss_notice.count = 3;
    loss->u.loss_notice.reason = VNFO_LOSS_QUEUE_OVERFLOW;
    loss->u.loss_notice.time_ns = 1700000000000004000ULL;
}

/* The example records as format version 1 wrote them (0.1.0). */
static void example_records_v1(vnfo_record *pkt, vnfo_record *loss)
{
    example_records(pkt, loss);
    pkt->format_version = 1;
    pkt->u.packet.has_link_type = 0;
    pkt->u.packet.link_type = 0;
    pkt->u.packet.wire_len = 0;
    loss->format_version = 1;
}

/* Writes `batches` batches of `per` records (alternating the two example
 * records, in record format `version`) with the fixed key into o; after
 * them, with `close`, a heartbeat and a period close (one batch each). */
static vnfo_status example_log_ext(struct example_out *o, int batches, uint32_t per,
                                   vnfo_log_tree_hash h, unsigned version, int close)
{
    vnfo_signing_key *k = NULL;
    vnfo_status s = vnfo_signing_key_from_seed(&k, FUZZ_SEED);
    if (s != VNFO_OK)
        return s;
    vnfo_log_writer_options opt = VNFO_LOG_WRITER_OPTIONS_INIT;
    opt.node_id = 1;
    opt.key = k;
    opt.batch_records = per;
    opt.tree_hash = h;
    opt.sink = example_sink;
    opt.sink_ctx = o;
    opt.clock = example_clock;
    vnfo_log_writer *w = NULL;
    memset(o, 0, sizeof *o);
    s = vnfo_log_writer_create(&w, &opt);
    vnfo_record recs[2];
    if (version == 1)
        example_records_v1(&recs[0], &recs[1]);
    else
        example_records(&recs[0], &recs[1]);
    for (uint32_t i = 0; s == VNFO_OK && i < (uint32_t)batches * per; i++)
        s = vnfo_log_writer_append(w, &recs[i % 2]);
    if (s == VNFO_OK)
        s = vnfo_log_writer_flush(w);
    if (s == VNFO_OK && close)
        s = vnfo_log_writer_heartbeat(w, 1700000001000000000ULL);
    if (s == VNFO_OK && close)
        s = vnfo_log_writer_close_period(w, 1699999200000000000ULL, 1700000002000000000ULL,
                                         1700000002000000000ULL);
    vnfo_log_writer_free(w);
    vnfo_signing_key_free(k);
    return s;
}

static vnfo_status example_log(struct example_out *o, int batches, uint32_t per, vnfo_log_tree_hash h)
{
    return example_log_ext(o, batches, per, h, VNFO_RECORD_FORMAT_VERSION, 0);
}

static void example_hex(FILE *f, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        fputc(digits[p[i] >> 4], f);
        fputc(digits[p[i] & 15], f);
        if (i % 32 == 31 && i + 1 < n)
            fputc('\n', f);
    }
    fputc('\n', f);
}

/* H(prefix || data) with BLAKE2b-256, for the example's leaf hashes. */
static void example_b2(uint8_t *out, uint8_t prefix, const uint8_t *p, size_t n)
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, &prefix, 1);
    crypto_generichash_update(&st, p, n);
    crypto_generichash_final(&st, out, 32);
}

/* The Markdown block docs/FORMAT.md carries between its example markers. */
static vnfo_status example_markdown(FILE *f)
{
    static struct example_out o;
    vnfo_status s = example_log(&o, 1, 2, VNFO_LOG_TREE_BLAKE2B_256);
    if (s != VNFO_OK)
        return s;
    const uint8_t *batch = o.buf + 4;
    size_t len = o.len - 4;
    vnfo_signing_key *k = NULL;
    vnfo_public_key pk;
    vnfo_signing_key_from_seed(&k, FUZZ_SEED);
    vnfo_signing_key_public(&pk, k);
    vnfo_signing_key_free(k);
    char pktext[VNFO_KEY_PUBLIC_TEXT_SIZE];
    vnfo_public_key_format(pktext, sizeof pktext, &pk);
    fprintf(f, "Seed (RFC 8032 section 7.1, TEST 1):\n\n```\n");
    example_hex(f, FUZZ_SEED, 32);
    fprintf(f, "```\n\nPublic key file `node.pub`:\n\n```\n%s\n```\n\n", pktext);
    fprintf(f, "Node 1, zero manifest digest, epoch 0, first sequence number 0, tree hash\n"
               "blake2b-256, created_ns 1700000000000000000.  Record 0 (packet, %s):\n\n```\n",
            "digest granularity, link type 1, wire length 60");
    const uint8_t *rec[2];
    size_t rl[2];
    for (uint32_t i = 0; i < 2; i++) {
        s = vnfo_log_batch_record(&rec[i], &rl[i], batch, len, i);
        if (s != VNFO_OK)
            return s;
        if (i == 1)
            fprintf(f, "```\n\nRecord 1 (loss notice: 3 records, queue_overflow):\n\n```\n");
        example_hex(f, rec[i], rl[i]);
    }
    uint8_t leaf[2][32], root[32], hash[32];
    example_b2(leaf[0], 0x00, rec[0], rl[0]);
    example_b2(leaf[1], 0x00, rec[1], rl[1]);
    uint8_t node[64];
    memcpy(node, leaf[0], 32);
    memcpy(node + 32, leaf[1], 32);
    example_b2(root, 0x01, node, 64);
    fprintf(f, "```\n\nLeaf hashes BLAKE2b-256(0x00 || record):\n\n```\n");
    example_hex(f, leaf[0], 32);
    example_hex(f, leaf[1], 32);
    fprintf(f, "```\n\nMerkle root BLAKE2b-256(0x01 || leaf0 || leaf1), as in the header at byte 104:\n\n```\n");
    example_hex(f, root, 32);
    fprintf(f, "```\n\nSignature input: \"%s\", 0x00, then the 144 header bytes:\n\n```\n",
            VNFO_LOG_SIGNATURE_CONTEXT);
    uint8_t msg[sizeof VNFO_LOG_SIGNATURE_CONTEXT + VNFO_LOG_HEADER_BYTES];
    memcpy(msg, VNFO_LOG_SIGNATURE_CONTEXT, sizeof VNFO_LOG_SIGNATURE_CONTEXT);
    memcpy(msg + sizeof VNFO_LOG_SIGNATURE_CONTEXT, batch, VNFO_LOG_HEADER_BYTES);
    example_hex(f, msg, sizeof msg);
    fprintf(f, "```\n\nSignature (Ed25519, bytes 144..207 of the batch):\n\n```\n");
    example_hex(f, batch + VNFO_LOG_HEADER_BYTES, VNFO_KEY_SIGNATURE_BYTES);
    vnfo_log_batch_hash(hash, batch, len);
    fprintf(f, "```\n\nBatch hash BLAKE2b-256(0x02 || header), the next batch's prev_hash:\n\n```\n");
    example_hex(f, hash, 32);
    fprintf(f, "```\n\nThe whole log file (one frame: 4-byte length %zu, then the batch):\n\n```\n", len);
    example_hex(f, o.buf, o.len);
    fprintf(f, "```\n");
    return VNFO_OK;
}

#endif
