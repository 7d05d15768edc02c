/* Check suite for the record module: canonical msgpack codec of log records. */
#define _GNU_SOURCE
#include <dirent.h>
#include <sodium.h>
#include <stdio.h>

#include <vnfo/packet.h>
#include <vnfo/record.h>

#include "testutil.h"

static uint8_t pkt_in[200], pkt_out[200];

/* A packet record with every field set; counters given out of order. */
static void full_packet(vnfo_record *r)
{
    ck_assert_status(vnfo_record_init(r, VNFO_RECORD_PACKET), VNFO_OK);
    r->node_id = 7;
    r->epoch = 3;
    r->seq = 1000000;
    vnfo_record_packet *p = &r->u.packet;
    p->hop = 2;
    p->label = 0xfedcba9876543210ULL;
    p->flowtag = 77;
    for (int i = 0; i < 16; i++) {
        p->digest_in[i] = (uint8_t)i;
        p->digest_out[i] = (uint8_t)(0xf0 | i);
    }
    p->verdict = VNFO_VERDICT_FORWARDED;
    p->t_in_ns = 1700000000000000000ULL;
    p->t_out_ns = 1700000000000004000ULL;
    p->cpu_cycles = 12345;
    p->mem_bytes = 1u << 20;
    p->n_counters = 3;
    p->counters[0] = (vnfo_record_counter){"rx_drops", 8, 5};
    p->counters[1] = (vnfo_record_counter){"cache_miss", 10, 300};
    p->counters[2] = (vnfo_record_counter){"rx", 2, 0};
    p->granularity = VNFO_GRANULARITY_HEADERS;
    for (size_t i = 0; i < sizeof pkt_in; i++) {
        pkt_in[i] = (uint8_t)(i * 7);
        pkt_out[i] = (uint8_t)(i * 11);
    }
    p->bytes_in = pkt_in;
    p->bytes_in_len = 128;
    p->bytes_out = pkt_out;
    p->bytes_out_len = 60;
    p->has_state_digest = 1;
    memset(p->state_digest, 0xab, sizeof p->state_digest);
}

/* The smallest packet record: digest granularity, no options. */
static void small_packet(vnfo_record *r)
{
    ck_assert_status(vnfo_record_init(r, VNFO_RECORD_PACKET), VNFO_OK);
    r->node_id = 1;
    r->seq = 5;
    r->u.packet.label = 42;
    r->u.packet.digest_in[0] = 0xaa;
    r->u.packet.digest_out[15] = 0xbb;
    r->u.packet.t_in_ns = 100;
    r->u.packet.t_out_ns = 300;
}

static size_t encode(uint8_t *buf, size_t cap, const vnfo_record *r)
{
    size_t n;
    ck_assert_status(vnfo_record_encode(buf, cap, &n, r), VNFO_OK);
    return n;
}

static void hexdump(char *out, const uint8_t *p, size_t n)
{
    sodium_bin2hex(out, 2 * n + 1, p, n);
}

START_TEST(test_packet_round_trip)
{
    vnfo_record r, back;
    full_packet(&r);
    uint8_t buf[1024], again[1024];
    size_t n = encode(buf, sizeof buf, &r);
    size_t need;
    ck_assert_status(vnfo_record_encoded_size(&need, &r), VNFO_OK);
    ck_assert_uint_eq(need, n);
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_OK);
    ck_assert_uint_eq(back.node_id, 7);
    ck_assert_uint_eq(back.epoch, 3);
    ck_assert_uint_eq(back.seq, 1000000);
    const vnfo_record_packet *p = &back.u.packet, *q = &r.u.packet;
    ck_assert_uint_eq(p->hop, 2);
    ck_assert_uint_eq(p->label, q->label);
    ck_assert_uint_eq(p->flowtag, 77);
    ck_assert_mem_eq(p->digest_in, q->digest_in, 16);
    ck_assert_mem_eq(p->digest_out, q->digest_out, 16);
    ck_assert_uint_eq(p->t_in_ns, q->t_in_ns);
    ck_assert_uint_eq(p->t_out_ns, q->t_out_ns);
    ck_assert_uint_eq(p->cpu_cycles, 12345);
    ck_assert_uint_eq(p->mem_bytes, 1u << 20);
    /* Counters come back sorted by name. */
    ck_assert_uint_eq(p->n_counters, 3);
    ck_assert_int_eq(memcmp(p->counters[0].name, "cache_miss", 10), 0);
    ck_assert_uint_eq(p->counters[0].value, 300);
    ck_assert_int_eq(memcmp(p->counters[1].name, "rx", 2), 0);
    ck_assert_uint_eq(p->counters[1].name_len, 2);
    ck_assert_int_eq(memcmp(p->counters[2].name, "rx_drops", 8), 0);
    ck_assert_int_eq(p->granularity, VNFO_GRANULARITY_HEADERS);
    ck_assert_uint_eq(p->bytes_in_len, 128);
    ck_assert_mem_eq(p->bytes_in, pkt_in, 128);
    ck_assert_uint_eq(p->bytes_out_len, 60);
    ck_assert_mem_eq(p->bytes_out, pkt_out, 60);
    /* Decoded pointers point into the input buffer. */
    ck_assert(p->bytes_in > buf && p->bytes_in < buf + n);
    ck_assert_int_eq(p->has_state_digest, 1);
    ck_assert_mem_eq(p->state_digest, q->state_digest, 32);
    /* Deterministic: the decoded record encodes to the same bytes. */
    ck_assert_uint_eq(encode(again, sizeof again, &back), n);
    ck_assert_mem_eq(again, buf, n);
}
END_TEST

/* The exact bytes of a small record, so the format cannot drift silently
 * (docs/FORMAT.md shows the same example). */
START_TEST(test_golden_bytes)
{
    vnfo_record r;
    small_packet(&r);
    uint8_t buf[256];
    size_t n = encode(buf, sizeof buf, &r);
    char hex[513];
    hexdump(hex, buf, n);
    ck_assert_str_eq(hex, "dc0014" "01" "01" "01" "00" "05" "00" "2a" "00"
                          "c410" "aa000000000000000000000000000000"
                          "c410" "000000000000000000000000000000bb"
                          "00" "64" "cd012c" "00" "00" "80" "00" "c0" "c0" "c0");
}
END_TEST

START_TEST(test_other_types_round_trip)
{
    uint8_t buf[512], again[512];
    vnfo_record r, back;
    ck_assert_status(vnfo_record_init(&r, VNFO_RECORD_FLOWTAG_MAP), VNFO_OK);
    r.seq = 9;
    vnfo_record_flowtag_map *m = &r.u.flowtag_map;
    m->tag = 0xdeadbeef;
    m->tagging_node = 4;
    m->service_path = 65536;
    m->time_ns = 123456789;
    m->original = (vnfo_flow_key){4, 6, 1234, 80, {10, 0, 0, 1}, {192, 168, 1, 1}};
    m->rewritten = (vnfo_flow_key){6, 17, 5353, 53, {0x20, 0x01, 0x0d, 0xb8}, {0xfe, 0x80}};
    size_t n = encode(buf, sizeof buf, &r);
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_OK);
    ck_assert_int_eq(back.type, VNFO_RECORD_FLOWTAG_MAP);
    /* Field by field: the struct has padding, which the decoder need not set. */
    const vnfo_record_flowtag_map *bm = &back.u.flowtag_map;
    ck_assert_uint_eq(bm->tag, m->tag);
    ck_assert_uint_eq(bm->tagging_node, m->tagging_node);
    ck_assert_uint_eq(bm->service_path, m->service_path);
    ck_assert_uint_eq(bm->time_ns, m->time_ns);
    ck_assert_mem_eq(&bm->original, &m->original, sizeof m->original); /* no padding */
    ck_assert_mem_eq(&bm->rewritten, &m->rewritten, sizeof m->rewritten);
    ck_assert_uint_eq(encode(again, sizeof again, &back), n);

    ck_assert_status(vnfo_record_init(&r, VNFO_RECORD_LOSS_NOTICE), VNFO_OK);
    r.u.loss_notice = (vnfo_record_loss_notice){1ULL << 40, VNFO_LOSS_QUEUE_OVERFLOW, 99};
    n = encode(buf, sizeof buf, &r);
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_OK);
    ck_assert_uint_eq(back.u.loss_notice.count, 1ULL << 40);
    ck_assert_int_eq(back.u.loss_notice.reason, VNFO_LOSS_QUEUE_OVERFLOW);
    ck_assert_uint_eq(back.u.loss_notice.time_ns, 99);

    ck_assert_status(vnfo_record_init(&r, VNFO_RECORD_EPOCH_START), VNFO_OK);
    const uint8_t commit[32] = {1, 2, 3};
    r.epoch = 12;
    r.u.epoch_start = (vnfo_record_epoch_start){555, sizeof commit, commit};
    n = encode(buf, sizeof buf, &r);
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_OK);
    ck_assert_uint_eq(back.epoch, 12);
    ck_assert_uint_eq(back.u.epoch_start.commitment_len, 32);
    ck_assert_mem_eq(back.u.epoch_start.commitment, commit, 32);
}
END_TEST

START_TEST(test_full_granularity_max_packet)
{
    static uint8_t big[VNFO_RECORD_MAX_PACKET_BYTES + 1], buf[VNFO_RECORD_MAX_BYTES];
    vnfo_record r, back;
    full_packet(&r);
    r.u.packet.granularity = VNFO_GRANULARITY_FULL;
    r.u.packet.n_counters = VNFO_RECORD_MAX_COUNTERS;
    static char names[VNFO_RECORD_MAX_COUNTERS][VNFO_RECORD_MAX_COUNTER_NAME];
    for (int i = 0; i < VNFO_RECORD_MAX_COUNTERS; i++) {
        memset(names[i], 'a' + i, VNFO_RECORD_MAX_COUNTER_NAME);
        r.u.packet.counters[i] = (vnfo_record_counter){names[i], VNFO_RECORD_MAX_COUNTER_NAME, ~0ULL};
    }
    r.u.packet.bytes_in = big;
    r.u.packet.bytes_in_len = VNFO_RECORD_MAX_PACKET_BYTES;
    r.u.packet.bytes_out = big;
    r.u.packet.bytes_out_len = VNFO_RECORD_MAX_PACKET_BYTES;
    size_t n = encode(buf, sizeof buf, &r);
    ck_assert_uint_le(n, VNFO_RECORD_MAX_BYTES);
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_OK);
    ck_assert_uint_eq(back.u.packet.n_counters, VNFO_RECORD_MAX_COUNTERS);
    r.u.packet.bytes_in_len++;
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, &n, &r), VNFO_E_LIMIT_EXCEEDED);
}
END_TEST

START_TEST(test_buffer_too_small)
{
    vnfo_record r;
    full_packet(&r);
    uint8_t buf[1024];
    size_t need, n;
    ck_assert_status(vnfo_record_encoded_size(&need, &r), VNFO_OK);
    memset(buf, 0x5a, sizeof buf);
    ck_assert_status(vnfo_record_encode(buf, need - 1, &n, &r), VNFO_E_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(n, need);
    ck_assert_uint_eq(buf[need - 1], 0x5a); /* nothing written past the given size */
    ck_assert_status(vnfo_record_encode(buf, need, &n, &r), VNFO_OK);
    ck_assert_uint_eq(n, need);
}
END_TEST

START_TEST(test_encode_rejects_invalid)
{
    vnfo_record r;
    uint8_t buf[1024];
    size_t n;
    full_packet(&r);
    r.u.packet.granularity = VNFO_GRANULARITY_DIGEST;
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, &n, &r), VNFO_E_INVALID_ARGUMENT);
    full_packet(&r);
    r.u.packet.bytes_in_len = VNFO_RECORD_HEADER_BYTES + 1;
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, &n, &r), VNFO_E_LIMIT_EXCEEDED);
    full_packet(&r);
    r.u.packet.counters[2] = (vnfo_record_counter){"rx_drops", 8, 1};
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, &n, &r), VNFO_E_INVALID_ARGUMENT);
    full_packet(&r);
    r.u.packet.counters[0] = (vnfo_record_counter){"has space", 9, 1};
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, &n, &r), VNFO_E_INVALID_ARGUMENT);
    full_packet(&r);
    r.u.packet.n_counters = VNFO_RECORD_MAX_COUNTERS + 1;
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, &n, &r), VNFO_E_LIMIT_EXCEEDED);
    full_packet(&r);
    r.u.packet.verdict = (vnfo_record_verdict)3;
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, &n, &r), VNFO_E_INVALID_ARGUMENT);
    full_packet(&r);
    r.format_version = 2;
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, &n, &r), VNFO_E_UNSUPPORTED_VERSION);
    full_packet(&r);
    r.type = (vnfo_record_type)9;
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, &n, &r), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_record_init(&r, (vnfo_record_type)0), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, NULL, &r), VNFO_E_INVALID_ARGUMENT);
}
END_TEST

/* Decodes hex and expects a status and a message. */
static void expect_decode(const char *hex, vnfo_status want, const char *msg)
{
    uint8_t buf[256];
    size_t n;
    ck_assert_int_eq(sodium_hex2bin(buf, sizeof buf, hex, strlen(hex), NULL, &n, NULL), 0);
    vnfo_record r;
    ck_assert_status(vnfo_record_decode(&r, buf, n), want);
    if (msg)
        ck_assert_str_eq(vnfo_error_message(), msg);
}

START_TEST(test_decode_errors)
{
    /* A newer format version is refused with its own status. */
    expect_decode("dc00140201", VNFO_E_UNSUPPORTED_VERSION,
                  "record: byte 3: version: format version 2; this library reads version 1");
    expect_decode("9301cc0501", VNFO_E_RECORD_NONCANONICAL,
                  "record: byte 2: type: longer encoding than needed");
    expect_decode("930109", VNFO_E_RECORD_UNKNOWN_TYPE, "record: byte 2: type: unknown type 9");
    expect_decode("930101", VNFO_E_RECORD_MALFORMED,
                  "record: byte 0: packet record has 3 elements, expected 20");
    expect_decode("9100", VNFO_E_RECORD_MALFORMED, "record: byte 0: record: fewer than 2 elements");
    expect_decode("930001", VNFO_E_RECORD_MALFORMED, "record: byte 1: version: 0 is not a version");
    expect_decode("a3616263", VNFO_E_RECORD_MALFORMED, "record: byte 0: record: expected an array");
    expect_decode("", VNFO_E_RECORD_MALFORMED, "record: byte 0: record: truncated");
    /* Hostile container headers: 2^32-1 elements in 5 bytes. */
    expect_decode("ddffffffff01", VNFO_E_RECORD_MALFORMED, NULL);
    expect_decode("dc000f0101", VNFO_E_RECORD_NONCANONICAL,
                  "record: byte 0: record: longer encoding than needed");
    /* A negative integer where an unsigned one belongs. */
    expect_decode("9301ff", VNFO_E_RECORD_MALFORMED,
                  "record: byte 2: type: expected an unsigned integer");
    /* Loss notice with a u64 count encoded canonically, then trailing byte. */
    expect_decode("9801030000000100000000", VNFO_E_RECORD_MALFORMED,
                  "record: byte 9: record: trailing bytes after the record");
    /* Epoch start whose commitment claims 200 bytes (over the limit). */
    expect_decode("97010400000000c4c8", VNFO_E_LIMIT_EXCEEDED,
                  "record: byte 7: commitment: longer than the limit");
    /* ... and 10 bytes of which only 2 are present. */
    expect_decode("97010400000000c40a0102", VNFO_E_RECORD_MALFORMED,
                  "record: byte 7: commitment: length beyond the end of the record");
    uint8_t one = 0;
    vnfo_record r;
    ck_assert_status(vnfo_record_decode(NULL, &one, 1), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_record_decode(&r, NULL, 1), VNFO_E_INVALID_ARGUMENT);
}
END_TEST

START_TEST(test_decode_counter_order)
{
    vnfo_record r;
    full_packet(&r);
    r.u.packet.n_counters = 2;
    r.u.packet.counters[0] = (vnfo_record_counter){"a", 1, 1};
    r.u.packet.counters[1] = (vnfo_record_counter){"b", 1, 2};
    uint8_t buf[1024];
    size_t n = encode(buf, sizeof buf, &r);
    /* Swap the two names in place: "a" <-> "b" makes the map unsorted. */
    uint8_t *a = memmem(buf, n, "\xa1" "a\x01\xa1" "b\x02", 6);
    ck_assert_ptr_nonnull(a);
    a[1] = 'b';
    a[4] = 'a';
    vnfo_record back;
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_E_RECORD_NONCANONICAL);
    a[4] = 'b';
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_E_RECORD_MALFORMED);
    ck_assert_str_eq(vnfo_error_message() + strlen(vnfo_error_message()) - 23,
                     "counter name: duplicate");
}
END_TEST

/* Every strict prefix fails; every single-bit flip either fails or decodes
 * to a record whose encoding is exactly the flipped bytes (canonical). */
START_TEST(test_truncations_and_bit_flips)
{
    vnfo_record r, back;
    full_packet(&r);
    uint8_t buf[1024], again[1024];
    size_t n = encode(buf, sizeof buf, &r);
    for (size_t k = 0; k < n; k++)
        ck_assert_int_ne(vnfo_record_decode(&back, buf, k), VNFO_OK);
    size_t accepted = 0;
    for (size_t bit = 0; bit < 8 * n; bit++) {
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        if (vnfo_record_decode(&back, buf, n) == VNFO_OK) {
            size_t m = encode(again, sizeof again, &back);
            ck_assert_uint_eq(m, n);
            ck_assert_mem_eq(again, buf, n);
            accepted++;
        }
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    /* Flips inside digests and packet bytes give other valid records. */
    ck_assert_uint_gt(accepted, 0);
}
END_TEST

START_TEST(test_json)
{
    vnfo_record r;
    small_packet(&r);
    r.u.packet.n_counters = 1;
    r.u.packet.counters[0] = (vnfo_record_counter){"q\"x", 3, 4};
    char text[1024];
    size_t n;
    ck_assert_status(vnfo_record_to_json(text, sizeof text, &n, &r), VNFO_OK);
    ck_assert_str_eq(text,
        "{\"type\":\"packet\",\"version\":1,\"node_id\":1,\"epoch\":0,\"seq\":5,\"hop\":0,"
        "\"label\":42,\"flowtag\":0,\"digest_in\":\"aa000000000000000000000000000000\","
        "\"digest_out\":\"000000000000000000000000000000bb\",\"verdict\":\"forwarded\","
        "\"t_in_ns\":100,\"t_out_ns\":300,\"cpu_cycles\":0,\"mem_bytes\":0,"
        "\"counters\":{\"q\\\"x\":4},\"granularity\":\"digest\",\"bytes_in\":null,"
        "\"bytes_out\":null,\"state_digest\":null}");
    ck_assert_uint_eq(n, strlen(text));
    char small[20];
    ck_assert_status(vnfo_record_to_json(small, sizeof small, &n, &r), VNFO_E_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(n, strlen(text) + 1);
    ck_assert_uint_eq(strlen(small), sizeof small - 1);
}
END_TEST

START_TEST(test_names)
{
    ck_assert_str_eq(vnfo_record_type_name(VNFO_RECORD_EPOCH_START), "epoch_start");
    ck_assert_str_eq(vnfo_record_type_name((vnfo_record_type)99), "unknown");
    ck_assert_str_eq(vnfo_record_verdict_name(VNFO_VERDICT_GENERATED), "generated");
    ck_assert_str_eq(vnfo_record_loss_reason_name(VNFO_LOSS_RESTART), "restart");
    vnfo_record_granularity g;
    ck_assert_status(vnfo_record_granularity_parse(&g, "headers"), VNFO_OK);
    ck_assert_int_eq(g, VNFO_GRANULARITY_HEADERS);
    ck_assert_status(vnfo_record_granularity_parse(&g, "most"), VNFO_E_INVALID_ARGUMENT);
    ck_assert_str_eq(vnfo_error_message(),
                     "granularity: \"most\" is not one of digest, headers, full");
    ck_assert_uint_eq(vnfo_record_max_bytes(), VNFO_RECORD_MAX_BYTES);
    ck_assert_uint_eq(vnfo_record_digest_bytes(), 16);
    ck_assert_uint_eq(vnfo_record_struct_size(), sizeof(vnfo_record));
    ck_assert_str_eq(vnfo_status_name(VNFO_E_RECORD_NONCANONICAL), "VNFO_E_RECORD_NONCANONICAL");
}
END_TEST

_Static_assert(VNFO_RECORD_DIGEST_BYTES == VNFO_PACKET_DIGEST_BYTES,
               "records store vnfo_packet_digest() outputs");

/* A record carries the packet module's invariant-view digests: a TTL
 * decrement leaves them equal, a rewritten port does not. */
START_TEST(test_packet_digests_in_record)
{
    /* IPv4/UDP, 28 bytes: 10.0.0.1:1000 -> 10.0.0.2:53, TTL 64. */
    uint8_t pkt[28] = {0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
                       0x03, 0xe8, 0, 53, 0, 8, 0, 0};
    vnfo_record r, back;
    ck_assert_status(vnfo_record_init(&r, VNFO_RECORD_PACKET), VNFO_OK);
    ck_assert_status(vnfo_packet_digest(r.u.packet.digest_in, pkt, sizeof pkt, VNFO_LINKTYPE_RAW), VNFO_OK);
    pkt[8] = 63; /* TTL: hop by hop */
    ck_assert_status(vnfo_packet_digest(r.u.packet.digest_out, pkt, sizeof pkt, VNFO_LINKTYPE_RAW), VNFO_OK);
    ck_assert_mem_eq(r.u.packet.digest_in, r.u.packet.digest_out, 16);
    pkt[21] = 0xe9; /* source port: a real rewrite */
    ck_assert_status(vnfo_packet_digest(r.u.packet.digest_out, pkt, sizeof pkt, VNFO_LINKTYPE_RAW), VNFO_OK);
    ck_assert_int_ne(memcmp(r.u.packet.digest_in, r.u.packet.digest_out, 16), 0);
    uint8_t buf[256];
    size_t n = encode(buf, sizeof buf, &r);
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_OK);
    ck_assert_mem_eq(back.u.packet.digest_in, r.u.packet.digest_in, 16);
    ck_assert_mem_eq(back.u.packet.digest_out, r.u.packet.digest_out, 16);
}
END_TEST

/* tests/corpus/record (made by make_record_corpus.py): ok-* decode and
 * re-encode to themselves, every other input is refused with a message. */
START_TEST(test_hostile_corpus)
{
    const char *top = getenv("top_srcdir");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/tests/corpus/record", top ? top : "..");
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    static uint8_t buf[1 << 20], again[VNFO_RECORD_MAX_BYTES];
    int ok = 0, refused = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        ck_assert_ptr_nonnull(f);
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        vnfo_record r;
        vnfo_error_clear();
        vnfo_status s = vnfo_record_decode(&r, buf, n);
        if (strncmp(e->d_name, "ok-", 3) == 0) {
            ck_assert_msg(s == VNFO_OK, "%s: %s", e->d_name, vnfo_error_message());
            size_t m;
            ck_assert_status(vnfo_record_encode(again, sizeof again, &m, &r), VNFO_OK);
            ck_assert_msg(m == n && memcmp(again, buf, n) == 0, "%s: not canonical", e->d_name);
            ok++;
        } else {
            ck_assert_msg(s != VNFO_OK, "%s: hostile input accepted", e->d_name);
            ck_assert_msg(strncmp(vnfo_error_message(), "record: byte ", 13) == 0,
                          "%s: message \"%s\" names no byte offset", e->d_name, vnfo_error_message());
            refused++;
        }
    }
    closedir(d);
    ck_assert_int_ge(ok, 6);
    ck_assert_int_ge(refused, 30);
}
END_TEST

int main(void)
{
    if (vnfo_init() != VNFO_OK)
        return EXIT_FAILURE;
    Suite *s = suite_create("record");
    TCase *tc = tcase_create("codec");
    tcase_add_test(tc, test_packet_round_trip);
    tcase_add_test(tc, test_golden_bytes);
    tcase_add_test(tc, test_other_types_round_trip);
    tcase_add_test(tc, test_full_granularity_max_packet);
    tcase_add_test(tc, test_buffer_too_small);
    tcase_add_test(tc, test_encode_rejects_invalid);
    tcase_add_test(tc, test_decode_errors);
    tcase_add_test(tc, test_decode_counter_order);
    tcase_add_test(tc, test_truncations_and_bit_flips);
    tcase_add_test(tc, test_json);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_hostile_corpus);
    tcase_add_test(tc, test_packet_digests_in_record);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
