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
    p->has_link_type = 1;
    p->link_type = VNFO_LINKTYPE_RAW;
    p->wire_len = 1514;
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

static void expect_decode(const char *hex, vnfo_status want, const char *msg);
#define expect_decode_fwd expect_decode

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
    ck_assert_int_eq(p->has_link_type, 1);
    ck_assert_uint_eq(p->link_type, VNFO_LINKTYPE_RAW);
    ck_assert_uint_eq(p->wire_len, 1514);
    ck_assert_uint_eq(back.format_version, 2);
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
    ck_assert_str_eq(hex, "dc0016" "02" "01" "01" "00" "05" "00" "2a" "00"
                          "c410" "aa000000000000000000000000000000"
                          "c410" "000000000000000000000000000000bb"
                          "00" "64" "cd012c" "00" "00" "80" "00" "c0" "c0" "c0" "c0" "00");
    /* The same record stating its link type (113, Linux cooked) and wire length. */
    r.u.packet.has_link_type = 1;
    r.u.packet.link_type = 113;
    r.u.packet.wire_len = 1514;
    n = encode(buf, sizeof buf, &r);
    hexdump(hex, buf, n);
    ck_assert_str_eq(hex + 2 * n - 8, "71" "cd05ea");
    /* Written as format version 1, it is 0.1.0's exact bytes. */
    small_packet(&r);
    r.format_version = 1;
    n = encode(buf, sizeof buf, &r);
    hexdump(hex, buf, n);
    ck_assert_str_eq(hex, "dc0014" "01" "01" "01" "00" "05" "00" "2a" "00"
                          "c410" "aa000000000000000000000000000000"
                          "c410" "000000000000000000000000000000bb"
                          "00" "64" "cd012c" "00" "00" "80" "00" "c0" "c0" "c0");
}
END_TEST

/* A version-1 record (0.1.0) decodes with nothing stated, re-encodes to
 * its own bytes, and cannot carry what version 2 added. */
START_TEST(test_version1_records)
{
    static const char v1[] = "dc00140101010005002a00c410aa000000000000000000000000000000"
                             "c410000000000000000000000000000000bb0064cd012c00008000c0c0c0";
    uint8_t buf[256], again[256];
    size_t n, m;
    ck_assert_int_eq(sodium_hex2bin(buf, sizeof buf, v1, strlen(v1), NULL, &n, NULL), 0);
    vnfo_record r;
    ck_assert_status(vnfo_record_decode(&r, buf, n), VNFO_OK);
    ck_assert_uint_eq(r.format_version, 1);
    ck_assert_int_eq(r.u.packet.has_link_type, 0);
    ck_assert_uint_eq(r.u.packet.link_type, 0);
    ck_assert_uint_eq(r.u.packet.wire_len, 0);
    m = encode(again, sizeof again, &r);
    ck_assert_uint_eq(m, n);
    ck_assert_mem_eq(again, buf, n);
    char json[1024];
    ck_assert_status(vnfo_record_to_json(json, sizeof json, &m, &r), VNFO_OK);
    ck_assert_ptr_null(strstr(json, "link_type"));
    ck_assert_ptr_nonnull(strstr(json, "\"version\":1,"));
    /* Version 1 has no room for the new fields nor the new types. */
    r.u.packet.wire_len = 60;
    ck_assert_status(vnfo_record_encode(again, sizeof again, &m, &r), VNFO_E_INVALID_ARGUMENT);
    r.u.packet.wire_len = 0;
    r.u.packet.has_link_type = 1;
    ck_assert_status(vnfo_record_encode(again, sizeof again, &m, &r), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_record_init(&r, VNFO_RECORD_HEARTBEAT), VNFO_OK);
    r.format_version = 1;
    ck_assert_status(vnfo_record_encode(again, sizeof again, &m, &r), VNFO_E_INVALID_ARGUMENT);
    /* A v1 record of type 5 is an unknown type, a v2 packet of 20 elements malformed. */
    expect_decode_fwd("9601050100000000", VNFO_E_RECORD_UNKNOWN_TYPE,
                      "record: byte 2: type: unknown type 5 in format version 1");
    buf[3] = 0x02;
    ck_assert_status(vnfo_record_decode(&r, buf, n), VNFO_E_RECORD_MALFORMED);
    ck_assert_str_eq(vnfo_error_message(),
                     "record: byte 0: packet record (format version 2) has 20 elements, expected 22");
}
END_TEST

/* Link type: nil (not stated) or a uint up to 65535; wire_len a uint32. */
START_TEST(test_link_type_and_wire_len)
{
    vnfo_record r, back;
    small_packet(&r);
    uint8_t buf[256];
    size_t n = encode(buf, sizeof buf, &r);
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_OK);
    ck_assert_int_eq(back.u.packet.has_link_type, 0);
    r.u.packet.has_link_type = 1;
    r.u.packet.link_type = 65535;
    r.u.packet.wire_len = UINT32_MAX;
    n = encode(buf, sizeof buf, &r);
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_OK);
    ck_assert_uint_eq(back.u.packet.link_type, 65535);
    ck_assert_uint_eq(back.u.packet.wire_len, UINT32_MAX);
    char json[1024];
    size_t m;
    ck_assert_status(vnfo_record_to_json(json, sizeof json, &m, &back), VNFO_OK);
    ck_assert_ptr_nonnull(strstr(json, ",\"link_type\":65535,\"wire_len\":4294967295}"));
    r.u.packet.link_type = 65536;
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, &m, &r), VNFO_E_INVALID_ARGUMENT);
    /* Hand-made: link type 65536 (uint32) and wire_len 2^32 (uint64). */
    r.u.packet.link_type = 65535;
    r.u.packet.wire_len = 0;
    n = encode(buf, sizeof buf, &r);
    /* ... cd ffff 00 */
    ck_assert_uint_eq(buf[n - 4], 0xcd);
    uint8_t big[256];
    memcpy(big, buf, n - 4);
    memcpy(big + n - 4, "\xce\x00\x01\x00\x00\x00", 6);
    ck_assert_status(vnfo_record_decode(&back, big, n + 2), VNFO_E_RECORD_MALFORMED);
    ck_assert_str_eq(strstr(vnfo_error_message(), "link_type"), "link_type: value out of range");
    memcpy(big + n - 4, "\xc0\xcf\x00\x00\x00\x01\x00\x00\x00\x00", 10);
    ck_assert_status(vnfo_record_decode(&back, big, n + 6), VNFO_E_RECORD_MALFORMED);
    ck_assert_str_eq(strstr(vnfo_error_message(), "wire_len"), "wire_len: value out of range");
    /* A string where the link type belongs. */
    memcpy(big + n - 4, "\xa1x\x00", 3);
    ck_assert_status(vnfo_record_decode(&back, big, n - 1), VNFO_E_RECORD_MALFORMED);
    ck_assert_str_eq(strstr(vnfo_error_message(), "link_type"), "link_type: expected an unsigned integer");
}
END_TEST

START_TEST(test_heartbeat_and_period_close)
{
    vnfo_record r, back;
    uint8_t buf[128], again[128];
    char hex[257], json[512];
    size_t m;
    ck_assert_status(vnfo_record_init(&r, VNFO_RECORD_HEARTBEAT), VNFO_OK);
    r.node_id = 2;
    r.seq = 9;
    r.u.heartbeat.time_ns = 1700000000000000000ULL;
    size_t n = encode(buf, sizeof buf, &r);
    hexdump(hex, buf, n);
    ck_assert_str_eq(hex, "96" "02" "05" "02" "00" "09" "cf17979cfe362a0000");
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_OK);
    ck_assert_int_eq(back.type, VNFO_RECORD_HEARTBEAT);
    ck_assert_uint_eq(back.u.heartbeat.time_ns, r.u.heartbeat.time_ns);
    ck_assert_status(vnfo_record_to_json(json, sizeof json, &m, &back), VNFO_OK);
    ck_assert_str_eq(json, "{\"type\":\"heartbeat\",\"version\":2,\"node_id\":2,\"epoch\":0,"
                           "\"seq\":9,\"time_ns\":1700000000000000000}");
    ck_assert_status(vnfo_record_init(&r, VNFO_RECORD_PERIOD_CLOSE), VNFO_OK);
    r.u.period_close.period_start_ns = 100;
    r.u.period_close.period_end_ns = 200;
    r.u.period_close.time_ns = 201;
    n = encode(buf, sizeof buf, &r);
    hexdump(hex, buf, n);
    ck_assert_str_eq(hex, "98" "02" "06" "00" "00" "00" "64" "ccc8" "ccc9");
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_OK);
    ck_assert_uint_eq(back.u.period_close.period_start_ns, 100);
    ck_assert_uint_eq(back.u.period_close.period_end_ns, 200);
    ck_assert_uint_eq(back.u.period_close.time_ns, 201);
    ck_assert_uint_eq(encode(again, sizeof again, &back), n);
    ck_assert_mem_eq(again, buf, n);
    ck_assert_status(vnfo_record_to_json(json, sizeof json, &m, &back), VNFO_OK);
    ck_assert_str_eq(json, "{\"type\":\"period_close\",\"version\":2,\"node_id\":0,\"epoch\":0,"
                           "\"seq\":0,\"period_start_ns\":100,\"period_end_ns\":200,\"time_ns\":201}");
    ck_assert_str_eq(vnfo_record_type_name(VNFO_RECORD_PERIOD_CLOSE), "period_close");
    ck_assert_str_eq(vnfo_record_type_name(VNFO_RECORD_HEARTBEAT), "heartbeat");
    /* An inverted period is refused by both sides. */
    r.u.period_close.period_end_ns = 99;
    ck_assert_status(vnfo_record_encode(again, sizeof again, &m, &r), VNFO_E_INVALID_ARGUMENT);
    expect_decode_fwd("98020600000064" "63" "ccc9", VNFO_E_RECORD_MALFORMED,
                      "record: byte 7: period_end_ns: before period_start_ns");
    expect_decode_fwd("9702050000000000", VNFO_E_RECORD_MALFORMED,
                      "record: byte 0: heartbeat record (format version 2) has 7 elements, expected 6");
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
    r.format_version = 3;
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, &n, &r), VNFO_E_UNSUPPORTED_VERSION);
    full_packet(&r);
    r.format_version = 0;
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, &n, &r), VNFO_E_INVALID_ARGUMENT);
    /* The digest a verdict leaves empty must be zero. */
    full_packet(&r);
    r.u.packet.verdict = VNFO_VERDICT_GENERATED;
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, &n, &r), VNFO_E_INVALID_ARGUMENT);
    memset(r.u.packet.digest_in, 0, 16);
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, &n, &r), VNFO_OK);
    full_packet(&r);
    r.u.packet.verdict = VNFO_VERDICT_DROPPED;
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, &n, &r), VNFO_E_INVALID_ARGUMENT);
    memset(r.u.packet.digest_out, 0, 16);
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, &n, &r), VNFO_OK);
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
    expect_decode("dc00160301", VNFO_E_UNSUPPORTED_VERSION,
                  "record: byte 3: version: format version 3; this library reads versions 1 to 2");
    /* Version and type are any uint (docs/FORMAT.md 1): one above 2^32-1
     * is unsupported / unknown like 3, not "out of range". */
    expect_decode("dc0016cf0000000100000000", VNFO_E_UNSUPPORTED_VERSION,
                  "record: byte 3: version: format version 4294967296; this library reads versions 1 to 2");
    expect_decode("9602cfffffffffffffffff", VNFO_E_RECORD_UNKNOWN_TYPE,
                  "record: byte 2: type: unknown type 18446744073709551615 in format version 2");
    expect_decode("9301cc0501", VNFO_E_RECORD_NONCANONICAL,
                  "record: byte 2: type: longer encoding than needed");
    expect_decode("930109", VNFO_E_RECORD_UNKNOWN_TYPE,
                  "record: byte 2: type: unknown type 9 in format version 1");
    expect_decode("930101", VNFO_E_RECORD_MALFORMED,
                  "record: byte 0: packet record (format version 1) has 3 elements, expected 20");
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
    /* Loss notice with a u64 count encoded canonically, then trailing byte:
     * non-canonical, as docs/FORMAT.md 1.5 says. */
    expect_decode("9801030000000100000000", VNFO_E_RECORD_NONCANONICAL,
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
    /* A repeated name is non-canonical too (docs/FORMAT.md 1.5). */
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_E_RECORD_NONCANONICAL);
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
        "{\"type\":\"packet\",\"version\":2,\"node_id\":1,\"epoch\":0,\"seq\":5,\"hop\":0,"
        "\"label\":42,\"flowtag\":0,\"digest_in\":\"aa000000000000000000000000000000\","
        "\"digest_out\":\"000000000000000000000000000000bb\",\"verdict\":\"forwarded\","
        "\"t_in_ns\":100,\"t_out_ns\":300,\"cpu_cycles\":0,\"mem_bytes\":0,"
        "\"counters\":{\"q\\\"x\":4},\"granularity\":\"digest\",\"bytes_in\":null,"
        "\"bytes_out\":null,\"state_digest\":null,\"link_type\":null,\"wire_len\":0}");
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

/* The six edge cases where docs/FORMAT.md and the reader once disagreed
 * (issue 11 item 7), decided and stated normatively in the doc. */
START_TEST(test_edge_cases_of_format_md)
{
    vnfo_record r;
    uint8_t buf[512];
    size_t n;
    /* A generated packet with a non-zero digest_in: malformed, at the verdict. */
    small_packet(&r);
    r.u.packet.digest_in[0] = 0;
    r.u.packet.verdict = VNFO_VERDICT_GENERATED;
    n = encode(buf, sizeof buf, &r);
    buf[13] = 0x01; /* first byte of digest_in (dc0016, 5 common, hop, label, flowtag, c410) */
    vnfo_record back;
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_E_RECORD_MALFORMED);
    ck_assert_str_eq(vnfo_error_message(),
                     "record: byte 47: digest_in: not all zero, but the packet was generated");
    /* A dropped packet with a non-zero digest_out. */
    small_packet(&r);
    r.u.packet.digest_out[15] = 0;
    r.u.packet.verdict = VNFO_VERDICT_DROPPED;
    n = encode(buf, sizeof buf, &r);
    buf[46] = 0x01; /* last byte of digest_out */
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_E_RECORD_MALFORMED);
    ck_assert_str_eq(vnfo_error_message(),
                     "record: byte 47: digest_out: not all zero, but the packet was dropped");
    /* IPv4 flow-key padding that is not zero: non-canonical. */
    ck_assert_status(vnfo_record_init(&r, VNFO_RECORD_FLOWTAG_MAP), VNFO_OK);
    r.u.flowtag_map.tag = 5;
    r.u.flowtag_map.original.ip_version = 4;
    r.u.flowtag_map.rewritten.ip_version = 4;
    r.u.flowtag_map.original.src[0] = 10;
    n = encode(buf, sizeof buf, &r);
    r.u.flowtag_map.original.src[15] = 1;
    size_t m;
    ck_assert_status(vnfo_record_encode(buf + 256, 256, &m, &r), VNFO_E_INVALID_ARGUMENT);
    /* original's src bin: array, 5 common, 4 fields, key array, 4 uints = byte 15. */
    ck_assert_uint_eq(buf[15], 0xc4);
    buf[15 + 2 + 15] = 1;
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_E_RECORD_NONCANONICAL);
    ck_assert_str_eq(vnfo_error_message(),
                     "record: byte 15: original: IPv4 address padding (bytes 4..15) not zero");
    /* The dst address's padding is named at its own byte (15 + 18 = 33)... */
    buf[15 + 2 + 15] = 0;
    buf[33 + 2 + 15] = 1;
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_E_RECORD_NONCANONICAL);
    ck_assert_str_eq(vnfo_error_message(),
                     "record: byte 33: original: IPv4 address padding (bytes 4..15) not zero");
    /* ... and src's padding fault comes before a fault in dst (front to back). */
    buf[15 + 2 + 15] = 1;
    buf[33] = 0xc0;
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_E_RECORD_NONCANONICAL);
    ck_assert_str_eq(vnfo_error_message(),
                     "record: byte 15: original: IPv4 address padding (bytes 4..15) not zero");
    buf[33] = 0xc4;
    buf[33 + 2 + 15] = 0;
    /* IPv6 uses all 16 bytes. */
    buf[15 + 2 + 15] = 1;
    buf[11] = 6;
    ck_assert_status(vnfo_record_decode(&back, buf, n), VNFO_OK);
    /* Repeated counter names and trailing bytes: non-canonical (tests above,
     * test_decode_counter_order and test_decode_errors). */
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
    tcase_add_test(tc, test_version1_records);
    tcase_add_test(tc, test_link_type_and_wire_len);
    tcase_add_test(tc, test_heartbeat_and_period_close);
    tcase_add_test(tc, test_edge_cases_of_format_md);
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
