/* Check suite for the packet module: parsing of every supported link type
 * and header chain, distinct statuses for bad input, field sets, flow keys
 * and digests. */
#include <sodium.h>
#include <stdio.h>

#include <vnfo/packet.h>

#include "testutil.h"
#include "traffic.h"

static const uint8_t V4_SRC[4] = {10, 0, 0, 1}, V4_DST[4] = {198, 18, 0, 2};
static const uint8_t V6_SRC[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t V6_DST[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
static const uint8_t PAYLOAD[40] = "0123456789abcdefghijklmnopqrstuvwxyzABCD";

static traffic_spec spec_of(int version, uint8_t proto, size_t payload_len)
{
    traffic_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = VNFO_LINKTYPE_ETHERNET;
    s.ip_version = version;
    s.proto = proto;
    memcpy(s.src, version == 4 ? V4_SRC : V6_SRC, version == 4 ? 4 : 16);
    memcpy(s.dst, version == 4 ? V4_DST : V6_DST, version == 4 ? 4 : 16);
    s.sport = 40000;
    s.dport = 443;
    s.seq = 0x11223344;
    s.ack = 0x55667788;
    s.tcp_flags = 0x18;
    s.ip_id = 0x1234;
    s.ttl = 64;
    s.flow_label = 0xabcde;
    s.payload = PAYLOAD;
    s.payload_len = payload_len;
    return s;
}

static size_t build(uint8_t *buf, const traffic_spec *s)
{
    size_t n = traffic_build(buf, TRAFFIC_FRAME_MAX, s);
    ck_assert_uint_gt(n, 0);
    return n;
}

START_TEST(test_ipv4_tcp_ethernet)
{
    uint8_t f[TRAFFIC_FRAME_MAX];
    traffic_spec s = spec_of(4, 6, 10);
    size_t n = build(f, &s);
    vnfo_packet_view v;
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
    ck_assert_uint_eq(v.ip_version, 4);
    ck_assert_uint_eq(v.proto, 6);
    ck_assert_uint_eq(v.l3_offset, 14);
    ck_assert_uint_eq(v.l4_offset, 34);
    ck_assert_uint_eq(v.payload_offset, 54);
    ck_assert_uint_eq(v.l3_end, n);
    ck_assert_uint_eq(v.ip_length, 50);
    ck_assert_uint_eq(v.src_port, 40000);
    ck_assert_uint_eq(v.dst_port, 443);
    ck_assert_uint_eq(v.frag_id, 0x1234);
    ck_assert_uint_eq(v.flags, VNFO_PACKET_HAS_L4 | VNFO_PACKET_HAS_PORTS);
    vnfo_flow_key k;
    ck_assert_status(vnfo_packet_flow_key(&k, &v), VNFO_OK);
    ck_assert_uint_eq(k.ip_version, 4);
    ck_assert_uint_eq(k.proto, 6);
    ck_assert_uint_eq(k.src_port, 40000);
    ck_assert_uint_eq(k.dst_port, 443);
    ck_assert_mem_eq(k.src, V4_SRC, 4);
    ck_assert_mem_eq(k.dst, V4_DST, 4);
    static const uint8_t zero[12] = {0};
    ck_assert_mem_eq(k.src + 4, zero, 12);
}
END_TEST

START_TEST(test_ipv6_udp_qinq_and_link_types)
{
    uint8_t f[TRAFFIC_FRAME_MAX];
    traffic_spec s = spec_of(6, 17, 12);
    s.vlan_count = 2;
    s.vlan[0] = 100;
    s.vlan[1] = 200;
    size_t n = build(f, &s);
    vnfo_packet_view v;
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
    ck_assert_uint_eq(v.vlan_count, 2);
    ck_assert_uint_eq(v.vlan_tci[0], 100);
    ck_assert_uint_eq(v.vlan_tci[1], 200);
    ck_assert_uint_eq(v.l3_offset, 22);
    ck_assert_uint_eq(v.ip_version, 6);
    ck_assert_uint_eq(v.proto, 17);
    ck_assert_uint_eq(v.payload_offset, 22 + 40 + 8);
    /* the same IP packet under raw, IPv6-only and SLL link types */
    s.vlan_count = 0;
    s.linktype = VNFO_LINKTYPE_RAW;
    n = build(f, &s);
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_RAW), VNFO_OK);
    ck_assert_uint_eq(v.l3_offset, 0);
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_IPV6), VNFO_OK);
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_IPV4), VNFO_E_PACKET_MALFORMED);
    s.linktype = VNFO_LINKTYPE_LINUX_SLL;
    n = build(f, &s);
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_LINUX_SLL), VNFO_OK);
    ck_assert_uint_eq(v.l3_offset, 16);
    ck_assert_uint_eq(v.dst_port, 443);
    ck_assert_status(vnfo_packet_parse(&v, f, n, 147), VNFO_E_PACKET_UNSUPPORTED);
}
END_TEST

START_TEST(test_ipv4_options_fragments_icmp_sctp)
{
    /* IPv4 with 8 bytes of options (IHL 7), UDP */
    uint8_t p[64] = {0x47, 0, 0, 44, 0xab, 0xcd, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
                     0x94, 4, 0, 0, 1, 1, 1, 0, /* router alert + NOPs + EOL */
                     0x13, 0x88, 0x00, 0x35, 0, 16, 0, 0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};
    vnfo_packet_view v;
    ck_assert_status(vnfo_packet_parse(&v, p, 44, VNFO_LINKTYPE_IPV4), VNFO_OK);
    ck_assert_uint_eq(v.l4_offset, 28);
    ck_assert_uint_eq(v.payload_offset, 36);
    ck_assert_uint_eq(v.src_port, 5000);
    ck_assert_uint_eq(v.dst_port, 53);
    /* first fragment (MF) keeps its L4 header; a later one has none */
    p[6] = 0x20;
    ck_assert_status(vnfo_packet_parse(&v, p, 44, VNFO_LINKTYPE_IPV4), VNFO_OK);
    ck_assert_uint_eq(v.flags & (VNFO_PACKET_FRAGMENT | VNFO_PACKET_HAS_PORTS),
                      VNFO_PACKET_FRAGMENT | VNFO_PACKET_HAS_PORTS);
    p[6] = 0x00;
    p[7] = 0x10; /* offset 16 * 8 bytes, last fragment */
    ck_assert_status(vnfo_packet_parse(&v, p, 44, VNFO_LINKTYPE_IPV4), VNFO_OK);
    ck_assert_uint_eq(v.frag_offset, 16);
    ck_assert_uint_eq(v.flags, VNFO_PACKET_FRAGMENT | VNFO_PACKET_LATER_FRAGMENT);
    ck_assert_uint_eq(v.payload_offset, v.l4_offset);
    /* ICMP echo */
    uint8_t f[TRAFFIC_FRAME_MAX];
    traffic_spec s = spec_of(4, 1, 8);
    size_t n = build(f, &s);
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
    ck_assert_uint_eq(v.flags, VNFO_PACKET_HAS_L4 | VNFO_PACKET_HAS_ICMP);
    ck_assert_uint_eq(v.icmp_type, 8);
    ck_assert_uint_eq(v.icmp_code, 0);
    s = spec_of(6, 58, 8);
    n = build(f, &s);
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
    ck_assert_uint_eq(v.icmp_type, 128);
    /* SCTP: common header 12 bytes */
    uint8_t sc[32] = {0x45, 0, 0, 32, 0, 1, 0, 0, 64, 132, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
                      0x0b, 0x59, 0x0b, 0x5a, 1, 2, 3, 4, 0, 0, 0, 0};
    ck_assert_status(vnfo_packet_parse(&v, sc, 32, VNFO_LINKTYPE_RAW), VNFO_OK);
    ck_assert_uint_eq(v.src_port, 2905);
    ck_assert_uint_eq(v.dst_port, 2906);
    ck_assert_uint_eq(v.payload_offset, 32);
}
END_TEST

/* IPv6 header with the given next header and payload length. */
static void ipv6_header(uint8_t *p, uint8_t nh, uint16_t plen)
{
    memset(p, 0, 40);
    p[0] = 0x60;
    p[4] = (uint8_t)(plen >> 8);
    p[5] = (uint8_t)plen;
    p[6] = nh;
    p[7] = 64;
    memcpy(p + 8, V6_SRC, 16);
    memcpy(p + 24, V6_DST, 16);
}

START_TEST(test_ipv6_extension_chain)
{
    /* HBH(8) -> routing(24) -> dest opts(8) -> fragment(8, first, M) -> AH(16) -> TCP(20) */
    uint8_t p[200];
    memset(p, 0, sizeof p);
    ipv6_header(p, 0, 84);
    uint8_t *e = p + 40;
    e[0] = 43; e[1] = 0; e += 8;                      /* HBH */
    e[0] = 60; e[1] = 2; e[2] = 0; e[3] = 1; e += 24; /* routing type 0, 1 segment left */
    e[0] = 44; e[1] = 0; e += 8;                      /* destination options */
    e[0] = 51; e[2] = 0; e[3] = 1; e[4] = 0xde; e[5] = 0xad; e[6] = 0xbe; e[7] = 0xef; e += 8; /* fragment, M */
    e[0] = 6; e[1] = 2; e += 16;                      /* AH: (2 + 2) * 4 */
    e[0] = 0x9c; e[1] = 0x40; e[2] = 0x01; e[3] = 0xbb; e[12] = 0x50;
    vnfo_packet_view v;
    ck_assert_status(vnfo_packet_parse(&v, p, 124, VNFO_LINKTYPE_IPV6), VNFO_OK);
    ck_assert_uint_eq(v.proto, 6);
    ck_assert_uint_eq(v.l4_offset, 104);
    ck_assert_uint_eq(v.payload_offset, 124);
    ck_assert_uint_eq(v.frag_id, 0xdeadbeef);
    ck_assert_uint_eq(v.src_port, 40000);
    ck_assert_uint_eq(v.flags, VNFO_PACKET_FRAGMENT | VNFO_PACKET_HAS_FRAG_HEADER |
                                   VNFO_PACKET_HAS_L4 | VNFO_PACKET_HAS_PORTS);
    /* later fragment: the chain stops at the fragment header, no L4 */
    p[40 + 8 + 24 + 8 + 3] = 0x08; /* offset 1 */
    ck_assert_status(vnfo_packet_parse(&v, p, 124, VNFO_LINKTYPE_IPV6), VNFO_OK);
    ck_assert_uint_eq(v.proto, 51);
    ck_assert_uint_eq(v.l4_offset, 88);
    ck_assert_uint_eq(v.flags & VNFO_PACKET_HAS_L4, 0);
    ck_assert_uint_eq(v.flags & VNFO_PACKET_LATER_FRAGMENT, VNFO_PACKET_LATER_FRAGMENT);
    p[40 + 8 + 24 + 8 + 3] = 0x01;
    /* hop-by-hop anywhere but first is malformed */
    p[40] = 0; /* HBH's next header: another HBH */
    ck_assert_status(vnfo_packet_parse(&v, p, 124, VNFO_LINKTYPE_IPV6), VNFO_E_PACKET_MALFORMED);
    p[40] = 43;
    /* a routing header longer than the payload length is malformed */
    p[40 + 8 + 1] = 40;
    ck_assert_status(vnfo_packet_parse(&v, p, 124, VNFO_LINKTYPE_IPV6), VNFO_E_PACKET_MALFORMED);
    p[40 + 8 + 1] = 2;
    /* ESP and no-next-header end the chain without L4 */
    ipv6_header(p, 59, 0);
    ck_assert_status(vnfo_packet_parse(&v, p, 40, VNFO_LINKTYPE_IPV6), VNFO_OK);
    ck_assert_uint_eq(v.proto, 59);
    ck_assert_uint_eq(v.l4_offset, 40);
}
END_TEST

START_TEST(test_statuses_not_ip_malformed_unsupported)
{
    uint8_t arp[42] = {0};
    arp[12] = 0x08;
    arp[13] = 0x06;
    vnfo_packet_view v;
    ck_assert_status(vnfo_packet_parse(&v, arp, sizeof arp, VNFO_LINKTYPE_ETHERNET),
                     VNFO_E_PACKET_NOT_IP);
    uint8_t f[TRAFFIC_FRAME_MAX];
    traffic_spec s = spec_of(4, 6, 0);
    s.linktype = VNFO_LINKTYPE_RAW;
    size_t n = build(f, &s);
    f[0] = 0x44; /* IHL 4 */
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_RAW), VNFO_E_PACKET_MALFORMED);
    f[0] = 0x45;
    f[3] = 19; /* total length below the header */
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_RAW), VNFO_E_PACKET_MALFORMED);
    f[3] = 30; /* total length leaves only 10 bytes for TCP */
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_RAW), VNFO_E_PACKET_MALFORMED);
    f[3] = 40;
    f[32] = 0x40; /* TCP data offset 4 */
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_RAW), VNFO_E_PACKET_MALFORMED);
    f[0] = 0x55; /* version 5 */
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_RAW), VNFO_E_PACKET_MALFORMED);
    /* one VLAN tag more than VNFO_PACKET_VLAN_MAX (tests/check_packet_encap.c
     * parses every depth up to it) */
    uint8_t deep[64] = {0};
    for (int t = 0; t <= VNFO_PACKET_VLAN_MAX; t++) {
        deep[12 + 4 * t] = 0x81;
        deep[13 + 4 * t] = 0x00;
    }
    deep[12 + 4 * (VNFO_PACKET_VLAN_MAX + 1)] = 0x08;
    ck_assert_status(vnfo_packet_parse(&v, deep, sizeof deep, VNFO_LINKTYPE_ETHERNET),
                     VNFO_E_PACKET_UNSUPPORTED);
    ck_assert_status(vnfo_packet_parse(&v, NULL, 0, VNFO_LINKTYPE_ETHERNET), VNFO_E_PACKET_TRUNCATED);
    ck_assert_status(vnfo_packet_parse(&v, NULL, 5, VNFO_LINKTYPE_ETHERNET), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_packet_parse(NULL, f, n, VNFO_LINKTYPE_ETHERNET), VNFO_E_INVALID_ARGUMENT);
}
END_TEST

/* Every prefix of a valid packet: TRUNCATED while a header is cut, OK from
 * the end of the L4 header on (the capture is then merely snapped). */
static void check_prefixes(const uint8_t *f, size_t n, uint32_t linktype)
{
    vnfo_packet_view full, v;
    ck_assert_status(vnfo_packet_parse(&full, f, n, linktype), VNFO_OK);
    for (size_t len = 0; len <= n; len++) {
        /* a copy of exactly len bytes, so ASan sees any read past it */
        uint8_t *copy = malloc(len ? len : 1);
        memcpy(copy, f, len);
        vnfo_status s = vnfo_packet_parse(&v, copy, len, linktype);
        if (len < full.payload_offset)
            ck_assert_msg(s == VNFO_E_PACKET_TRUNCATED, "len %zu of %zu: %s", len, n,
                          vnfo_status_name(s));
        else {
            ck_assert_msg(s == VNFO_OK, "len %zu of %zu: %s", len, n, vnfo_status_name(s));
            ck_assert_uint_eq(v.payload_offset, full.payload_offset);
            ck_assert_uint_eq(!!(v.flags & VNFO_PACKET_SNAPPED), len < n);
            uint8_t d[VNFO_PACKET_DIGEST_BYTES];
            ck_assert_status(vnfo_packet_digest(d, copy, len, linktype), VNFO_OK);
        }
        free(copy);
    }
}

START_TEST(test_every_truncation_length)
{
    uint8_t f[TRAFFIC_FRAME_MAX];
    for (int version = 4; version <= 6; version += 2)
        for (int proto = 0; proto < 3; proto++) {
            static const uint8_t protos[3] = {6, 17, 1};
            uint8_t pr = protos[proto] == 1 && version == 6 ? 58 : protos[proto];
            traffic_spec s = spec_of(version, pr, 20);
            s.vlan_count = proto; /* 0, 1 and 2 tags */
            check_prefixes(f, build(f, &s), VNFO_LINKTYPE_ETHERNET);
            s.linktype = VNFO_LINKTYPE_LINUX_SLL;
            check_prefixes(f, build(f, &s), VNFO_LINKTYPE_LINUX_SLL);
            s.linktype = VNFO_LINKTYPE_RAW;
            check_prefixes(f, build(f, &s), VNFO_LINKTYPE_RAW);
        }
}
END_TEST

static int defined_status(vnfo_status s)
{
    return s == VNFO_OK || s == VNFO_E_PACKET_NOT_IP || s == VNFO_E_PACKET_TRUNCATED ||
           s == VNFO_E_PACKET_MALFORMED || s == VNFO_E_PACKET_UNSUPPORTED;
}

/* Parses, extracts every preset and digests; offsets must stay in bounds. */
static void exercise(const uint8_t *p, size_t len, uint32_t linktype)
{
    vnfo_packet_view v;
    vnfo_status s = vnfo_packet_parse(&v, p, len, linktype);
    ck_assert_msg(defined_status(s), "status %d", s);
    if (s != VNFO_OK)
        return;
    ck_assert_uint_le(v.l3_offset, v.l4_offset);
    ck_assert_uint_le(v.l4_offset, v.payload_offset);
    ck_assert_uint_le(v.payload_offset, len);
    ck_assert_uint_le(v.l3_end, len);
    uint8_t out[VNFO_PACKET_FIELDS_MAX_BYTES], d[VNFO_PACKET_DIGEST_BYTES];
    size_t n;
    vnfo_packet_fields f = VNFO_PACKET_FIELDS_INIT;
    for (uint32_t preset = 0; preset <= 3; preset++) {
        f.preset = preset;
        f.custom = VNFO_FIELD_BIT(VNFO_FIELD_COUNT_) - 1;
        f.payload_bytes = preset == VNFO_FIELDS_PSAMP ? 32 : 64;
        f.payload_offset = 64;
        s = vnfo_packet_fields_extract(out, sizeof out, &n, &v, &f, 7);
        ck_assert_msg(s == VNFO_OK || s == VNFO_E_PACKET_TRUNCATED, "extract %d", s);
    }
    ck_assert_status(vnfo_packet_view_digest(d, &v), VNFO_OK);
}

START_TEST(test_random_bytes_and_short_lengths)
{
    static const uint32_t linktypes[] = {1, 101, 113, 228, 229};
    uint64_t st = 42;
    for (size_t len = 0; len <= 128; len++)
        for (size_t lt = 0; lt < 5; lt++)
            for (int rep = 0; rep < 40; rep++) {
                uint8_t *p = malloc(len ? len : 1);
                for (size_t i = 0; i < len; i++)
                    p[i] = (uint8_t)traffic_rand(&st);
                /* steer some inputs into the IP parsers */
                if (len > 14 && lt == 0 && rep % 2) {
                    p[12] = rep % 4 == 1 ? 0x08 : 0x86;
                    p[13] = rep % 4 == 1 ? 0x00 : 0xdd;
                    p[14] = (uint8_t)((rep % 4 == 1 ? 0x40 : 0x60) | (p[14] & 0x0f));
                }
                if (len > 0 && lt == 1 && rep % 2)
                    p[0] = (uint8_t)((rep % 4 == 1 ? 0x40 : 0x60) | (p[0] & 0x0f));
                exercise(p, len, linktypes[lt]);
                free(p);
            }
}
END_TEST

START_TEST(test_generated_traffic_parses)
{
    traffic_gen g;
    ck_assert_int_eq(traffic_gen_init(&g, 7, 200), 0);
    uint8_t f[TRAFFIC_FRAME_MAX];
    for (int i = 0; i < 5000; i++) {
        traffic_spec s;
        size_t n = traffic_gen_next(&g, f, sizeof f, &s);
        vnfo_packet_view v;
        ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
        ck_assert_uint_eq(v.ip_version, (unsigned)s.ip_version);
        ck_assert_uint_eq(v.vlan_count, (unsigned)s.vlan_count);
        ck_assert_uint_eq(v.src_port, s.sport);
        ck_assert_uint_eq(v.l3_end, n);
        exercise(f, n, VNFO_LINKTYPE_ETHERNET);
    }
    traffic_gen_free(&g);
}
END_TEST

static size_t extract(uint8_t *out, const uint8_t *f, size_t n, const vnfo_packet_fields *fs,
                      uint32_t tag)
{
    vnfo_packet_view v;
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
    size_t len;
    ck_assert_status(vnfo_packet_fields_extract(out, VNFO_PACKET_FIELDS_MAX_BYTES, &len, &v, fs, tag),
                     VNFO_OK);
    return len;
}

START_TEST(test_psamp_bytes_exactly)
{
    uint8_t f[TRAFFIC_FRAME_MAX], out[VNFO_PACKET_FIELDS_MAX_BYTES];
    traffic_spec s = spec_of(4, 6, 40);
    size_t n = build(f, &s);
    vnfo_packet_fields fs = VNFO_PACKET_FIELDS_INIT;
    fs.payload_bytes = 12;
    fs.payload_offset = 4;
    size_t len = extract(out, f, n, &fs, 0);
    /* id, flags+offset, src, dst, then 12 bytes from IP payload byte 4 (TCP seq onwards) */
    ck_assert_uint_eq(len, 4 + 8 + 12);
    ck_assert_mem_eq(out, f + 14 + 4, 4);
    ck_assert_mem_eq(out + 4, f + 14 + 12, 8);
    ck_assert_mem_eq(out + 12, f + 34 + 4, 12);
    /* variable-length rule: a packet with fewer bytes gives a shorter input */
    s = spec_of(4, 17, 2); /* UDP header 8 + 2 payload bytes = 10 bytes of IP payload */
    n = build(f, &s);
    fs.payload_bytes = 32;
    fs.payload_offset = 0;
    ck_assert_uint_eq(extract(out, f, n, &fs, 0), 12 + 10);
    fs.payload_offset = 64; /* beyond the payload: no payload bytes */
    ck_assert_uint_eq(extract(out, f, n, &fs, 0), 12);
    /* IPv6: flow label (TC bits masked), payload length, next header, addresses */
    s = spec_of(6, 17, 20);
    s.tos = 0xff;
    n = build(f, &s);
    fs.payload_bytes = 8;
    fs.payload_offset = 0;
    ck_assert_uint_eq(extract(out, f, n, &fs, 0), 6 + 32 + 8);
    static const uint8_t head[6] = {0x0a, 0xbc, 0xde, 0, 28, 17};
    ck_assert_mem_eq(out, head, 6);
    ck_assert_mem_eq(out + 6, V6_SRC, 16);
    ck_assert_mem_eq(out + 22, V6_DST, 16);
    ck_assert_mem_eq(out + 38, f + 14 + 40, 8);
    /* a snapped capture that lacks promised payload bytes cannot be sampled consistently */
    vnfo_packet_view v;
    fs.payload_offset = 8; /* the UDP payload, 3 of whose 8 bytes are captured */
    ck_assert_status(vnfo_packet_parse(&v, f, 14 + 40 + 8 + 3, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
    size_t got;
    ck_assert_status(vnfo_packet_fields_extract(out, sizeof out, &got, &v, &fs, 0),
                     VNFO_E_PACKET_TRUNCATED);
    ck_assert_status(vnfo_packet_fields_extract(out, 10, &got, &v, &fs, 0), VNFO_E_PACKET_TRUNCATED);
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
    ck_assert_status(vnfo_packet_fields_extract(out, 10, &got, &v, &fs, 0), VNFO_E_BUFFER_TOO_SMALL);
}
END_TEST

/* Applies a hop's rewrites: TTL, DSCP/ECN, VLAN tags (checksums recomputed). */
static size_t hop_rewrite(uint8_t *f, traffic_spec *s, int hop)
{
    s->ttl = (uint8_t)(64 - hop);
    s->tos = (uint8_t)(hop * 0x25);
    s->vlan_count = hop % 3;
    s->vlan[0] = (uint16_t)(10 + hop);
    s->vlan[1] = (uint16_t)(20 + hop);
    return build(f, s);
}

START_TEST(test_invariance_under_hops)
{
    uint8_t f[TRAFFIC_FRAME_MAX], a[VNFO_PACKET_FIELDS_MAX_BYTES], b[VNFO_PACKET_FIELDS_MAX_BYTES];
    uint8_t d0[VNFO_PACKET_DIGEST_BYTES], d1[VNFO_PACKET_DIGEST_BYTES];
    for (int version = 4; version <= 6; version += 2) {
        for (uint32_t preset = VNFO_FIELDS_PSAMP; preset <= VNFO_FIELDS_INVARIANT; preset++) {
            vnfo_packet_fields fs = VNFO_PACKET_FIELDS_INIT;
            fs.preset = preset;
            fs.payload_bytes = 16;
            traffic_spec s = spec_of(version, 6, 30);
            size_t n = build(f, &s), la = extract(a, f, n, &fs, 0);
            ck_assert_status(vnfo_packet_digest(d0, f, n, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
            for (int hop = 1; hop < 6; hop++) {
                n = hop_rewrite(f, &s, hop);
                ck_assert_uint_eq(extract(b, f, n, &fs, 0), la);
                ck_assert_mem_eq(a, b, la);
                ck_assert_status(vnfo_packet_digest(d1, f, n, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
                ck_assert_mem_eq(d0, d1, sizeof d0);
            }
            /* a payload change does change the digest */
            s.payload = PAYLOAD + 1;
            n = build(f, &s);
            ck_assert_status(vnfo_packet_digest(d1, f, n, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
            ck_assert_int_ne(memcmp(d0, d1, sizeof d0), 0);
        }
    }
}
END_TEST

START_TEST(test_nat_safe_survives_nat)
{
    uint8_t f[TRAFFIC_FRAME_MAX], a[VNFO_PACKET_FIELDS_MAX_BYTES], b[VNFO_PACKET_FIELDS_MAX_BYTES];
    vnfo_packet_fields fs = VNFO_PACKET_FIELDS_INIT;
    ck_assert_status(vnfo_packet_fields_parse(&fs, "nat-safe"), VNFO_OK);
    for (int proto = 6; proto <= 17; proto += 11) {
        traffic_spec s = spec_of(4, (uint8_t)proto, 24);
        size_t n = build(f, &s), la = extract(a, f, n, &fs, 0xabcd);
        ck_assert_uint_eq(la, 2 + 1 + (proto == 6 ? 8 : 0) + 8 + 4);
        /* source NAT: new address and port, checksums recomputed */
        s.src[0] = 203; s.src[1] = 0; s.src[2] = 113; s.src[3] = 9;
        s.sport = 61000;
        s.dst[3] = 99;
        s.dport = 8443;
        s.ttl = 60;
        n = build(f, &s);
        ck_assert_uint_eq(extract(b, f, n, &fs, 0xabcd), la);
        ck_assert_mem_eq(a, b, la);
        /* another tag is another input */
        extract(b, f, n, &fs, 0xabce);
        ck_assert_int_ne(memcmp(a, b, la), 0);
        ck_assert_uint_eq(extract(b, f, n, &fs, 0), la - 4);
    }
    ck_assert_int_eq(vnfo_packet_fields_uses_flowtag(&fs), 1);
    /* psamp is not NAT-safe: the addresses are in its input */
    vnfo_packet_fields ps = VNFO_PACKET_FIELDS_INIT;
    ck_assert_int_eq(vnfo_packet_fields_uses_flowtag(&ps), 0);
    traffic_spec s = spec_of(4, 6, 24);
    size_t n = build(f, &s), la = extract(a, f, n, &ps, 0);
    s.src[3] = 77;
    n = build(f, &s);
    extract(b, f, n, &ps, 0);
    ck_assert_int_ne(memcmp(a, b, la), 0);
}
END_TEST

START_TEST(test_fields_parse_and_check)
{
    vnfo_packet_fields fs;
    ck_assert_status(vnfo_packet_fields_init(&fs, VNFO_PACKET_FIELDS_VERSION), VNFO_OK);
    ck_assert_uint_eq(fs.preset, VNFO_FIELDS_PSAMP);
    ck_assert_uint_eq(fs.payload_bytes, 8);
    ck_assert_status(vnfo_packet_fields_init(&fs, 99), VNFO_E_STRUCT_VERSION);
    ck_assert_status(vnfo_packet_fields_parse(&fs, "ip.src,ip.dst,l4.sport,l4.dport,ip.proto"), VNFO_OK);
    ck_assert_uint_eq(fs.preset, VNFO_FIELDS_CUSTOM);
    ck_assert_uint_eq(fs.custom, VNFO_FIELD_BIT(VNFO_FIELD_IP_SRC) | VNFO_FIELD_BIT(VNFO_FIELD_IP_DST) |
                                     VNFO_FIELD_BIT(VNFO_FIELD_L4_SPORT) |
                                     VNFO_FIELD_BIT(VNFO_FIELD_L4_DPORT) |
                                     VNFO_FIELD_BIT(VNFO_FIELD_IP_PROTO));
    ck_assert_status(vnfo_packet_fields_check(&fs), VNFO_OK);
    uint8_t f[TRAFFIC_FRAME_MAX], out[VNFO_PACKET_FIELDS_MAX_BYTES];
    traffic_spec s = spec_of(4, 6, 0);
    size_t n = build(f, &s);
    ck_assert_uint_eq(extract(out, f, n, &fs, 0), 4 + 4 + 1 + 2 + 2);
    static const uint8_t want[13] = {10, 0, 0, 1, 198, 18, 0, 2, 6, 0x9c, 0x40, 0x01, 0xbb};
    ck_assert_mem_eq(out, want, 13);
    ck_assert_status(vnfo_packet_fields_parse(&fs, "ip.src,port"), VNFO_E_PACKET_FIELD_UNKNOWN);
    ck_assert_str_eq(vnfo_error_message(),
                     "fields \"ip.src,port\": unknown field \"port\" at character 8 (known: psamp, "
                     "invariant, nat-safe, or a list of ip.version, ip.src, ip.dst, ip.proto, ip.id, "
                     "ip.frag, ip.length, ipv6.flow_label, l4.sport, l4.dport, tcp.seq, tcp.ack, "
                     "tcp.flags, icmp.type, ip.payload, l4.payload, flowtag)");
    ck_assert_status(vnfo_packet_fields_parse(&fs, ""), VNFO_E_PACKET_FIELD_UNKNOWN);
    ck_assert_status(vnfo_packet_fields_parse(&fs, "invariant"), VNFO_OK);
    ck_assert_uint_eq(fs.preset, VNFO_FIELDS_INVARIANT);
    ck_assert_status(vnfo_packet_fields_parse(&fs, "psamp"), VNFO_OK);
    fs.payload_bytes = 4;
    ck_assert_status(vnfo_packet_fields_check(&fs), VNFO_E_INVALID_ARGUMENT);
    ck_assert_str_eq(vnfo_error_message(), "field set: psamp payload_bytes 4 outside 8..32 (RFC 5475)");
    fs.payload_bytes = 32;
    fs.payload_offset = 65;
    ck_assert_status(vnfo_packet_fields_check(&fs), VNFO_E_INVALID_ARGUMENT);
    ck_assert_str_eq(vnfo_error_message(), "field set: payload_offset 65 above 64");
    fs.payload_offset = 64;
    ck_assert_status(vnfo_packet_fields_check(&fs), VNFO_OK);
}
END_TEST

START_TEST(test_digest_known_answer)
{
    /* The digest is plain BLAKE2b-128 of the masked IP packet. */
    uint8_t f[TRAFFIC_FRAME_MAX];
    traffic_spec s = spec_of(4, 17, 16);
    s.tos = 0xb8;
    s.ttl = 17;
    size_t n = build(f, &s);
    uint8_t masked[TRAFFIC_FRAME_MAX];
    memcpy(masked, f + 14, n - 14);
    masked[1] = 0;
    masked[8] = 0;
    masked[10] = masked[11] = 0;
    uint8_t want[16], got[16];
    crypto_generichash(want, 16, masked, n - 14, NULL, 0);
    ck_assert_status(vnfo_packet_digest(got, f, n, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
    ck_assert_mem_eq(got, want, 16);
    /* a hand-made view that points past its bytes is refused, not read */
    vnfo_packet_view v;
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
    v.l3_end = v.len + 100;
    ck_assert_status(vnfo_packet_view_digest(got, &v), VNFO_E_INVALID_ARGUMENT);
    v.l3_end = v.l3_offset + 10;
    ck_assert_status(vnfo_packet_view_digest(got, &v), VNFO_E_INVALID_ARGUMENT);
    uint8_t fb[VNFO_PACKET_FIELDS_MAX_BYTES];
    size_t fl;
    vnfo_packet_fields fs = VNFO_PACKET_FIELDS_INIT;
    ck_assert_status(vnfo_packet_fields_extract(fb, sizeof fb, &fl, &v, &fs, 0), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
    v.payload_offset = v.l4_offset + 2; /* a UDP header cannot be 2 bytes */
    ck_assert_status(vnfo_packet_fields_extract(fb, sizeof fb, &fl, &v, &fs, 0), VNFO_E_INVALID_ARGUMENT);
    ck_assert_uint_eq(vnfo_packet_digest_bytes(), 16);
    ck_assert_uint_eq(vnfo_packet_fields_max_bytes(), VNFO_PACKET_FIELDS_MAX_BYTES);
    uint8_t arp[60] = {0};
    arp[12] = 0x08; arp[13] = 0x06;
    ck_assert_status(vnfo_packet_digest(got, arp, sizeof arp, VNFO_LINKTYPE_ETHERNET),
                     VNFO_E_PACKET_NOT_IP);
}
END_TEST

static Suite *packet_suite(void)
{
    Suite *s = suite_create("packet");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, vnfo_test_setup_init, NULL);
    tcase_add_test(tc, test_ipv4_tcp_ethernet);
    tcase_add_test(tc, test_ipv6_udp_qinq_and_link_types);
    tcase_add_test(tc, test_ipv4_options_fragments_icmp_sctp);
    tcase_add_test(tc, test_ipv6_extension_chain);
    tcase_add_test(tc, test_statuses_not_ip_malformed_unsupported);
    tcase_add_test(tc, test_every_truncation_length);
    tcase_add_test(tc, test_random_bytes_and_short_lengths);
    tcase_add_test(tc, test_generated_traffic_parses);
    tcase_add_test(tc, test_psamp_bytes_exactly);
    tcase_add_test(tc, test_invariance_under_hops);
    tcase_add_test(tc, test_nat_safe_survives_nat);
    tcase_add_test(tc, test_fields_parse_and_check);
    tcase_add_test(tc, test_digest_known_answer);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return vnfo_test_run(packet_suite());
}
