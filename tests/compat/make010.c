/* make010: writes the artefacts of the frozen 0.1.0 corpus that the 0.1.0
 * `vnfo` tool has no command for.  regenerate.sh compiles it against the
 * v0.1.0 tag's headers and library, never against the current tree.
 *
 *   make010 log KEYFILE OUT.log      a SHA-256-tree log of node 9 holding every
 *                                    record type of format version 1 (packets at
 *                                    each granularity, a FlowTag mapping, a loss
 *                                    notice, an epoch start), in three batches
 *   make010 flowtag OUT.checkpoint   a FlowTag table checkpoint (24-bit tags,
 *                                    IPv4 and IPv6 bindings, one released tag)
 *
 * Everything is deterministic (fixed times, Ed25519 signatures), so the
 * output is byte-identical on every run. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vnfo/vnfo.h>

static int fail(const char *what, vnfo_status s)
{
    fprintf(stderr, "make010: %s: %s: %s\n", what, vnfo_status_name(s), vnfo_error_message());
    return 1;
}

static uint64_t fixed_clock(void *ctx)
{
    uint64_t *t = ctx;
    return *t += 1000000; /* 1 ms per batch, from 2026-11-02T00:00:00Z */
}

static vnfo_flow_key flow4(uint8_t proto, uint16_t sp, uint16_t dp, uint8_t last)
{
    vnfo_flow_key k;
    memset(&k, 0, sizeof k);
    k.ip_version = 4;
    k.proto = proto;
    k.src_port = sp;
    k.dst_port = dp;
    k.src[0] = 10, k.src[3] = last;
    k.dst[0] = 192, k.dst[1] = 0, k.dst[2] = 2, k.dst[3] = 7;
    return k;
}

static vnfo_flow_key flow6(uint16_t sp)
{
    vnfo_flow_key k;
    memset(&k, 0, sizeof k);
    k.ip_version = 6;
    k.proto = 6;
    k.src_port = sp;
    k.dst_port = 443;
    k.src[0] = 0x20, k.src[1] = 0x01, k.src[2] = 0x0d, k.src[3] = 0xb8, k.src[15] = 1;
    k.dst[0] = 0x20, k.dst[1] = 0x01, k.dst[2] = 0x0d, k.dst[3] = 0xb8, k.dst[15] = 2;
    return k;
}

/* A 74-byte Ethernet/IPv4/UDP frame whose identification and source port vary. */
static void frame(uint8_t *f, unsigned i)
{
    static const uint8_t base[74] = {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00,
        0x45, 0, 0, 60, 0x12, 0x34, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 192, 0, 2, 7,
        0x30, 0x39, 0x00, 0x35, 0, 40, 0, 0,
        'c', 'o', 'm', 'p', 'a', 't', ' ', '0', '.', '1', '.', '0', ' ', 'c', 'o', 'r', 'p', 'u',
        's', ' ', 'p', 'a', 'y', 'l', 'o', 'a', 'd', '!', '!', '!'};
    memcpy(f, base, sizeof base);
    f[19] = (uint8_t)i;
    f[35] = (uint8_t)(0x39 + i);
}

static vnfo_status append_packet(vnfo_log_writer *w, unsigned i, vnfo_record_granularity g)
{
    uint8_t f[74];
    frame(f, i);
    vnfo_record r;
    vnfo_record_init(&r, VNFO_RECORD_PACKET);
    vnfo_record_packet *p = &r.u.packet;
    p->hop = 1;
    p->label = 0x0123456789abcdefULL ^ ((uint64_t)i << 40);
    p->flowtag = i % 3 == 0 ? 0 : 0x12;
    vnfo_packet_digest(p->digest_in, f, sizeof f, VNFO_LINKTYPE_ETHERNET);
    p->verdict = i % 5 == 4 ? VNFO_VERDICT_DROPPED : VNFO_VERDICT_FORWARDED;
    if (p->verdict == VNFO_VERDICT_FORWARDED)
        memcpy(p->digest_out, p->digest_in, sizeof p->digest_in);
    p->t_in_ns = 1793577600000000000ULL + 1000000ULL * i;
    p->t_out_ns = p->t_in_ns + 2500 + 10 * i;
    p->cpu_cycles = 4000 + 37 * i;
    p->mem_bytes = 2048;
    p->n_counters = i % 2 ? 2 : 0;
    p->counters[0] = (vnfo_record_counter){"regex_matches", 13, i};
    p->counters[1] = (vnfo_record_counter){"bytes_scanned", 13, sizeof f};
    p->granularity = g;
    if (g != VNFO_GRANULARITY_DIGEST) {
        size_t n = g == VNFO_GRANULARITY_HEADERS ? 42 : sizeof f;
        p->bytes_in = f, p->bytes_in_len = n;
        if (p->verdict == VNFO_VERDICT_FORWARDED)
            p->bytes_out = f, p->bytes_out_len = n;
    }
    if (i % 4 == 3) {
        p->has_state_digest = 1;
        memset(p->state_digest, 0xa0 + (int)i, sizeof p->state_digest);
    }
    return vnfo_log_writer_append(w, &r);
}

static int write_log(const char *key_path, const char *out)
{
    vnfo_signing_key *key = NULL;
    vnfo_status s = vnfo_signing_key_load(&key, key_path);
    if (s != VNFO_OK)
        return fail(key_path, s);
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    if (fd < 0) {
        perror(out);
        vnfo_signing_key_free(key);
        return 1;
    }
    uint64_t now = 1793577600000000000ULL; /* 2026-11-02T00:00:00Z */
    vnfo_log_writer_options o = VNFO_LOG_WRITER_OPTIONS_INIT;
    o.node_id = 9;
    o.key = key;
    o.batch_records = 5;
    o.tree_hash = VNFO_LOG_TREE_SHA256;
    o.sink = vnfo_log_file_sink;
    o.sink_ctx = &fd;
    o.clock = fixed_clock;
    o.clock_ctx = &now;
    o.epoch = 3;
    o.lost_before = 2; /* the first batch signs two records lost before it */
    vnfo_log_writer *w = NULL;
    int rc = 1;
    if ((s = vnfo_log_writer_create(&w, &o)) != VNFO_OK) {
        fail("writer", s);
        goto out;
    }
    static const uint8_t commitment[] = "compat-0.1.0-epoch-3";
    vnfo_record r;
    vnfo_record_init(&r, VNFO_RECORD_EPOCH_START);
    r.u.epoch_start.time_ns = now;
    r.u.epoch_start.commitment = commitment;
    r.u.epoch_start.commitment_len = sizeof commitment - 1;
    if ((s = vnfo_log_writer_append(w, &r)) != VNFO_OK)
        goto append_failed;
    vnfo_record_init(&r, VNFO_RECORD_FLOWTAG_MAP);
    r.u.flowtag_map.tag = 0x12;
    r.u.flowtag_map.tagging_node = 9;
    r.u.flowtag_map.service_path = 4;
    r.u.flowtag_map.time_ns = now + 10;
    r.u.flowtag_map.original = flow4(17, 12345, 53, 1);
    r.u.flowtag_map.rewritten = flow4(17, 40000, 53, 99);
    if ((s = vnfo_log_writer_append(w, &r)) != VNFO_OK)
        goto append_failed;
    for (unsigned i = 0; i < 9; i++)
        if ((s = append_packet(w, i, (vnfo_record_granularity)(i % 3))) != VNFO_OK)
            goto append_failed;
    vnfo_record_init(&r, VNFO_RECORD_LOSS_NOTICE);
    r.u.loss_notice.count = 3;
    r.u.loss_notice.reason = VNFO_LOSS_QUEUE_OVERFLOW;
    r.u.loss_notice.time_ns = now + 20000000;
    if ((s = vnfo_log_writer_append(w, &r)) != VNFO_OK)
        goto append_failed;
    vnfo_record_init(&r, VNFO_RECORD_FLOWTAG_MAP); /* the binding ends: the null flow */
    r.u.flowtag_map.tag = 0x12;
    r.u.flowtag_map.tagging_node = 9;
    r.u.flowtag_map.service_path = 4;
    r.u.flowtag_map.time_ns = now + 30000000;
    r.u.flowtag_map.original = flow4(17, 12345, 53, 1);
    memset(&r.u.flowtag_map.rewritten, 0, sizeof r.u.flowtag_map.rewritten);
    r.u.flowtag_map.rewritten.ip_version = 4;
    if ((s = vnfo_log_writer_append(w, &r)) != VNFO_OK)
        goto append_failed;
    if ((s = vnfo_log_writer_flush(w)) != VNFO_OK) {
        fail("flush", s);
        goto out;
    }
    rc = 0;
    goto out;
append_failed:
    fail("append", s);
out:
    vnfo_log_writer_free(w);
    vnfo_signing_key_free(key);
    close(fd);
    return rc;
}

static int write_checkpoint(const char *out)
{
    vnfo_flowtag_options o = VNFO_FLOWTAG_OPTIONS_INIT;
    o.width_bits = 24;
    o.capacity = 8;
    o.ipv6_capacity = 2;
    o.node_id = 2;
    o.idle_timeout = 0;
    vnfo_flowtag_table *t = NULL;
    vnfo_status s = vnfo_flowtag_table_create(&t, &o);
    if (s != VNFO_OK)
        return fail("table", s);
    vnfo_flowtag_event ev;
    for (unsigned i = 0; s == VNFO_OK && i < 4; i++) {
        vnfo_flow_key in = flow4(i % 2 ? 6 : 17, (uint16_t)(1000 + i), 80, (uint8_t)(i + 1));
        vnfo_flow_key outk = flow4(in.proto, (uint16_t)(40000 + i), 80, 200);
        s = vnfo_flowtag_generate(&ev, t, &in, &outk, 4, 1, 1000 * (i + 1));
    }
    vnfo_flow_key v6 = flow6(5555);
    if (s == VNFO_OK)
        s = vnfo_flowtag_generate(&ev, t, &v6, &v6, 4, 1, 9000);
    uint32_t gone = 0;
    if (s == VNFO_OK) {
        vnfo_flow_key k = flow4(17, 1002, 80, 3); /* the third flow's tag is released */
        vnfo_flow_key ko = flow4(17, 40002, 80, 200);
        s = vnfo_flowtag_generate(&ev, t, &k, &ko, 4, 1, 9400);
        gone = ev.context.tag;
    }
    if (s == VNFO_OK)
        s = vnfo_flowtag_release(&ev, t, gone, 9500);
    size_t n = 0;
    uint8_t *buf = NULL;
    if (s == VNFO_OK)
        s = vnfo_flowtag_table_serialized_size(&n, t);
    if (s == VNFO_OK && !(buf = malloc(n)))
        s = VNFO_E_NO_MEMORY;
    if (s == VNFO_OK)
        s = vnfo_flowtag_table_serialize(buf, n, &n, t);
    vnfo_flowtag_table_free(t);
    if (s != VNFO_OK) {
        free(buf);
        return fail("checkpoint", s);
    }
    FILE *f = fopen(out, "wb");
    int rc = !f || fwrite(buf, 1, n, f) != n;
    if (f && fclose(f) != 0)
        rc = 1;
    if (rc)
        perror(out);
    free(buf);
    return rc;
}

int main(int argc, char **argv)
{
    vnfo_status s = vnfo_init();
    if (s != VNFO_OK)
        return fail("init", s);
    if (argc == 4 && strcmp(argv[1], "log") == 0)
        return write_log(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "flowtag") == 0)
        return write_checkpoint(argv[2]);
    fprintf(stderr, "usage: make010 log KEYFILE OUT.log | make010 flowtag OUT.checkpoint\n");
    return 64;
}
