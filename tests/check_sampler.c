/* Check suite for the sampler: hash known answers (BOB against the RFC's
 * algorithm), exact probabilities, consistency across hops and NATs,
 * selection statistics, bursts, threads, epochs, key files. */
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <vnfo/sampler.h>

#include "testutil.h"
#include "traffic.h"

static uint8_t KEY[VNFO_SAMPLER_KEY_BYTES];

static void setup(void)
{
    ck_assert_int_eq(vnfo_init(), VNFO_OK);
    for (int i = 0; i < VNFO_SAMPLER_KEY_BYTES; i++)
        KEY[i] = (uint8_t)(0x40 + i);
}

static vnfo_sampler *make(uint32_t hash, uint64_t num, uint64_t den, const char *fields)
{
    vnfo_sampler_options o;
    ck_assert_status(vnfo_sampler_options_init(&o, VNFO_SAMPLER_OPTIONS_VERSION), VNFO_OK);
    o.hash = hash;
    o.rate = (vnfo_rational){num, den};
    if (fields)
        ck_assert_status(vnfo_packet_fields_parse(&o.fields, fields), VNFO_OK);
    vnfo_sampler *s;
    ck_assert_status(vnfo_sampler_create(&s, &o, KEY, sizeof KEY), VNFO_OK);
    return s;
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--)
        x = x << 8 | p[i];
    return x;
}

/* ---- known answers --------------------------------------------------------- */

START_TEST(test_xxh3_known_answer)
{
    /* XXH3-64 of the empty input with seed 0 (xxHash's published value) */
    ck_assert_uint_eq(XXH3_64bits_withSeed("", 0, 0), 0x2D06800538D394C2ull);
    /* the sampler's selection hash is XXH3 seeded with the documented epoch key */
    uint8_t sub[16];
    crypto_kdf_derive_from_key(sub, 16, 5, "vnfosel1", KEY);
    vnfo_sampler_options o = VNFO_SAMPLER_OPTIONS_INIT;
    o.hash = VNFO_SAMPLER_HASH_XXH3;
    o.epoch = 5;
    vnfo_sampler *s;
    ck_assert_status(vnfo_sampler_create(&s, &o, KEY, sizeof KEY), VNFO_OK);
    const uint8_t msg[] = "trajectory sampling";
    uint64_t h;
    ck_assert_status(vnfo_sampler_hash_bytes(&h, s, msg, sizeof msg - 1), VNFO_OK);
    ck_assert_uint_eq(h, XXH3_64bits_withSeed(msg, sizeof msg - 1, le64(sub)));
    vnfo_sampler_free(s);
}
END_TEST

START_TEST(test_siphash_known_answer)
{
    /* SipHash-2-4 reference vector: key 00..0f, message 00..0e */
    uint8_t k[16], m[15], out[8];
    for (int i = 0; i < 16; i++)
        k[i] = (uint8_t)i;
    for (int i = 0; i < 15; i++)
        m[i] = (uint8_t)i;
    crypto_shorthash(out, m, sizeof m, k);
    ck_assert_uint_eq(le64(out), 0xa129ca6149be45e5ull);
    uint8_t sub[16];
    crypto_kdf_derive_from_key(sub, 16, 0, "vnfosel1", KEY);
    vnfo_sampler *s = make(VNFO_SAMPLER_HASH_SIPHASH, 1, 64, NULL);
    uint64_t h;
    ck_assert_status(vnfo_sampler_hash_bytes(&h, s, m, sizeof m), VNFO_OK);
    crypto_shorthash(out, m, sizeof m, sub);
    ck_assert_uint_eq(h, le64(out));
    vnfo_sampler_free(s);
}
END_TEST

/* RFC 5475 Appendix A.2, transcribed independently of src/sampler/bob.c. */
typedef uint32_t ub4;
#define rfc_mix(a, b, c)                                                                     \
    {                                                                                        \
        a = a - b; a = a - c; a = a ^ (c >> 13); b = b - c; b = b - a; b = b ^ (a << 8);     \
        c = c - a; c = c - b; c = c ^ (b >> 13); a = a - b; a = a - c; a = a ^ (c >> 12);    \
        b = b - c; b = b - a; b = b ^ (a << 16); c = c - a; c = c - b; c = c ^ (b >> 5);     \
        a = a - b; a = a - c; a = a ^ (c >> 3);  b = b - c; b = b - a; b = b ^ (a << 10);    \
        c = c - a; c = c - b; c = c ^ (b >> 15);                                             \
    }

static ub4 rfc_bob(const unsigned char *k, ub4 length, ub4 initval)
{
    ub4 a, b, c, len = length;
    a = b = 0x9e3779b9;
    c = initval;
    while (len >= 12) {
        a = a + (k[0] + ((ub4)k[1] << 8) + ((ub4)k[2] << 16) + ((ub4)k[3] << 24));
        b = b + (k[4] + ((ub4)k[5] << 8) + ((ub4)k[6] << 16) + ((ub4)k[7] << 24));
        c = c + (k[8] + ((ub4)k[9] << 8) + ((ub4)k[10] << 16) + ((ub4)k[11] << 24));
        rfc_mix(a, b, c);
        k = k + 12;
        len = len - 12;
    }
    c = c + length;
    ub4 tail[11] = {0};
    for (ub4 i = 0; i < len; i++)
        tail[i] = k[i];
    c = c + (tail[8] << 8) + (tail[9] << 16) + (tail[10] << 24);
    b = b + tail[4] + (tail[5] << 8) + (tail[6] << 16) + (tail[7] << 24);
    a = a + tail[0] + (tail[1] << 8) + (tail[2] << 16) + (tail[3] << 24);
    rfc_mix(a, b, c);
    return c;
}

START_TEST(test_bob_against_rfc)
{
    uint64_t st = 1;
    uint8_t buf[200];
    for (int rep = 0; rep < 2000; rep++) {
        size_t len = (size_t)(traffic_rand(&st) % sizeof buf);
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)traffic_rand(&st);
        ub4 iv = (ub4)traffic_rand(&st);
        ck_assert_uint_eq(vnfo_sampler_bob(buf, len, iv), rfc_bob(buf, (ub4)len, iv));
    }
    /* pinned values (regression): the empty input and a PSAMP-like input */
    ck_assert_uint_eq(vnfo_sampler_bob(NULL, 0, 0), rfc_bob(buf, 0, 0));
    /* a fixed init value makes BOB selection interoperable with PSAMP devices */
    vnfo_sampler_options o = VNFO_SAMPLER_OPTIONS_INIT;
    o.hash = VNFO_SAMPLER_HASH_BOB;
    o.flags = VNFO_SAMPLER_BOB_FIXED_INITVAL;
    o.bob_initval = 0x12345678;
    vnfo_sampler *s;
    ck_assert_status(vnfo_sampler_create(&s, &o, KEY, sizeof KEY), VNFO_OK);
    uint64_t h;
    ck_assert_status(vnfo_sampler_hash_bytes(&h, s, buf, 40), VNFO_OK);
    ck_assert_uint_eq(h, rfc_bob(buf, 40, 0x12345678));
    vnfo_sampler_free(s);
}
END_TEST

/* ---- probabilities, rates, ranges ----------------------------------------- */

static void check_probability(uint32_t hash, uint64_t num, uint64_t den, uint64_t pnum, uint64_t pden)
{
    vnfo_sampler *s = make(hash, num, den, NULL);
    vnfo_rational p;
    ck_assert_status(vnfo_sampler_probability(&p, s), VNFO_OK);
    ck_assert_msg(p.num == pnum && p.den == pden, "%s %llu/%llu: got %llu/%llu", vnfo_sampler_hash_name(hash),
                  (unsigned long long)num, (unsigned long long)den, (unsigned long long)p.num,
                  (unsigned long long)p.den);
    vnfo_sampler_free(s);
}

START_TEST(test_exact_probabilities)
{
    check_probability(VNFO_SAMPLER_HASH_XXH3, 1, 64, 1, 64);
    check_probability(VNFO_SAMPLER_HASH_SIPHASH, 3, 1024, 3, 1024);
    check_probability(VNFO_SAMPLER_HASH_SIPHASH, 1, 1, 1, 1);
    check_probability(VNFO_SAMPLER_HASH_SIPHASH, 1, 0, 1, 0); /* 1/2^64 */
    check_probability(VNFO_SAMPLER_HASH_XXH3, 1, 3, 6148914691236517205ull, 0);
    check_probability(VNFO_SAMPLER_HASH_BOB, 1, 64, 1, 64);
    check_probability(VNFO_SAMPLER_HASH_BOB, 1, 3, 1431655765ull, 4294967296ull);
    check_probability(VNFO_SAMPLER_HASH_BOB, 2, 4, 1, 2);

    vnfo_sampler_options o = VNFO_SAMPLER_OPTIONS_INIT;
    vnfo_sampler *s = (vnfo_sampler *)1;
    o.hash = VNFO_SAMPLER_HASH_BOB;
    o.rate = (vnfo_rational){1, 0};
    ck_assert_status(vnfo_sampler_create(&s, &o, KEY, sizeof KEY), VNFO_E_SAMPLER_RATE);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(vnfo_error_message(),
                     "sampler: rate 1/0 selects no value of the 32-bit hash space");
    o.rate = (vnfo_rational){5, 4};
    ck_assert_status(vnfo_sampler_create(&s, &o, KEY, sizeof KEY), VNFO_E_SAMPLER_RATE);
    ck_assert_str_eq(vnfo_error_message(), "sampler: rate 5/4 is not in (0, 1]");
    o.rate = (vnfo_rational){0, 4};
    ck_assert_status(vnfo_sampler_create(&s, &o, KEY, sizeof KEY), VNFO_E_SAMPLER_RATE);

    /* explicit PSAMP ranges: probability is the share of the space they cover */
    vnfo_sampler_range r[3] = {{0x80000000u, 0x8fffffffu}, {0, 0x0fffffffu}, {0xf0000000u, 0xffffffffu}};
    o.ranges = r;
    o.nranges = 3;
    ck_assert_status(vnfo_sampler_create(&s, &o, KEY, sizeof KEY), VNFO_OK);
    vnfo_rational p;
    vnfo_sampler_probability(&p, s);
    ck_assert_uint_eq(p.num, 3);
    ck_assert_uint_eq(p.den, 16);
    vnfo_sampler_range back[VNFO_SAMPLER_MAX_RANGES];
    size_t n;
    ck_assert_status(vnfo_sampler_ranges(back, 1, &n, s), VNFO_E_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(n, 3);
    ck_assert_status(vnfo_sampler_ranges(back, VNFO_SAMPLER_MAX_RANGES, &n, s), VNFO_OK);
    ck_assert_uint_eq(back[0].lo, 0);
    ck_assert_uint_eq(back[1].lo, 0x80000000u);
    vnfo_sampler_free(s);
    r[1].hi = 0x80000000u; /* overlaps the first */
    ck_assert_status(vnfo_sampler_create(&s, &o, KEY, sizeof KEY), VNFO_E_SAMPLER_RANGES);
    ck_assert_str_eq(vnfo_error_message(),
                     "sampler: ranges 0x0-0x80000000 and 0x80000000-0x8fffffff overlap");
    r[1].hi = 0x0fffffffu;
    r[2].hi = 0x100000000ull; /* leaves BOB's 32-bit space */
    ck_assert_status(vnfo_sampler_create(&s, &o, KEY, sizeof KEY), VNFO_E_SAMPLER_RANGES);
    ck_assert_str_eq(vnfo_error_message(),
                     "sampler: ranges[2] 0xf0000000-0x100000000 is inverted or leaves the 32-bit hash space");
    o.hash = VNFO_SAMPLER_HASH_XXH3; /* fine in a 64-bit space */
    ck_assert_status(vnfo_sampler_create(&s, &o, KEY, sizeof KEY), VNFO_OK);
    vnfo_sampler_free(s);
    o.hash = 9;
    ck_assert_status(vnfo_sampler_create(&s, &o, KEY, sizeof KEY), VNFO_E_SAMPLER_HASH_UNKNOWN);
    o.hash = VNFO_SAMPLER_HASH_XXH3;
    ck_assert_status(vnfo_sampler_create(&s, &o, KEY, 16), VNFO_E_INVALID_ARGUMENT);
    ck_assert_str_eq(vnfo_error_message(), "vnfo_sampler_create: key of 16 bytes, expected 32");
    o.version = 7;
    ck_assert_status(vnfo_sampler_create(&s, &o, KEY, sizeof KEY), VNFO_E_STRUCT_VERSION);
    ck_assert_status(vnfo_sampler_options_init(&o, 7), VNFO_E_STRUCT_VERSION);
}
END_TEST

START_TEST(test_text_forms)
{
    uint32_t h;
    ck_assert_status(vnfo_sampler_hash_parse(&h, "xxh3-64"), VNFO_OK);
    ck_assert_uint_eq(h, VNFO_SAMPLER_HASH_XXH3);
    ck_assert_status(vnfo_sampler_hash_parse(&h, "bob"), VNFO_OK);
    ck_assert_str_eq(vnfo_sampler_hash_name(VNFO_SAMPLER_HASH_SIPHASH), "siphash-2-4");
    ck_assert_str_eq(vnfo_sampler_hash_name(0), "unknown");
    ck_assert_status(vnfo_sampler_hash_parse(&h, "md5"), VNFO_E_SAMPLER_HASH_UNKNOWN);
    ck_assert_str_eq(vnfo_error_message(), "unknown hash \"md5\" (known: xxh3-64, siphash-2-4, bob)");
    vnfo_rational r;
    ck_assert_status(vnfo_sampler_rate_parse(&r, "1/64"), VNFO_OK);
    ck_assert_uint_eq(r.num, 1);
    ck_assert_uint_eq(r.den, 64);
    ck_assert_status(vnfo_sampler_rate_parse(&r, "3/2^10"), VNFO_OK);
    ck_assert_uint_eq(r.den, 1024);
    ck_assert_status(vnfo_sampler_rate_parse(&r, "1/2^64"), VNFO_OK);
    ck_assert_uint_eq(r.den, 0);
    ck_assert_status(vnfo_sampler_rate_parse(&r, "0.5"), VNFO_E_SAMPLER_RATE);
    ck_assert_str_eq(vnfo_error_message(),
                     "rate \"0.5\": expected NUM/DEN or NUM/2^N with decimal integers, e.g. 1/64");
    ck_assert_status(vnfo_sampler_rate_parse(&r, "2/1"), VNFO_E_SAMPLER_RATE);
    ck_assert_status(vnfo_sampler_rate_parse(&r, "1/2^65"), VNFO_E_SAMPLER_RATE);
    ck_assert_status(vnfo_sampler_rate_parse(&r, "1/0"), VNFO_E_SAMPLER_RATE);
    vnfo_sampler_range rg[4];
    size_t n;
    ck_assert_status(vnfo_sampler_ranges_parse(rg, 4, &n, "0-0xff,1000-2000"), VNFO_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(rg[0].hi, 255);
    ck_assert_uint_eq(rg[1].lo, 1000);
    ck_assert_status(vnfo_sampler_ranges_parse(rg, 4, &n, "0-10,x"), VNFO_E_SAMPLER_RANGES);
    ck_assert_str_eq(vnfo_error_message(), "ranges: item 2 at character 6: expected LO-HI (decimal or 0x hex)");
    ck_assert_status(vnfo_sampler_ranges_parse(rg, 4, &n, "9-1"), VNFO_E_SAMPLER_RANGES);
    ck_assert_status(vnfo_sampler_ranges_parse(rg, 1, &n, "1-2,3-4"), VNFO_E_SAMPLER_RANGES);
}
END_TEST

/* ---- decisions ------------------------------------------------------------- */

static traffic_spec base_spec(int version, uint8_t proto)
{
    static const uint8_t payload[64] = "GET /index.html HTTP/1.1\r\nHost: example.net\r\n\r\n";
    traffic_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = VNFO_LINKTYPE_ETHERNET;
    s.ip_version = version;
    s.proto = proto;
    for (int i = 0; i < 16; i++) {
        s.src[i] = (uint8_t)(i + 1);
        s.dst[i] = (uint8_t)(0x80 + i);
    }
    s.src[0] = 10;
    s.sport = 40000;
    s.dport = 80;
    s.seq = 1000;
    s.ack = 2000;
    s.ip_id = 7;
    s.ttl = 64;
    s.payload = payload;
    s.payload_len = sizeof payload;
    return s;
}

START_TEST(test_decide_matches_definition)
{
    for (uint32_t hash = 1; hash <= 3; hash++) {
        vnfo_sampler *s = make(hash, 1, 2, NULL);
        traffic_gen g;
        ck_assert_int_eq(traffic_gen_init(&g, hash, 50), 0);
        uint8_t f[TRAFFIC_FRAME_MAX], buf[VNFO_PACKET_FIELDS_MAX_BYTES];
        int selected = 0;
        for (int i = 0; i < 400; i++) {
            size_t n = traffic_gen_next(&g, f, sizeof f, NULL);
            vnfo_sampler_decision d;
            ck_assert_status(vnfo_sampler_decide(&d, s, f, n, VNFO_LINKTYPE_ETHERNET, 0), VNFO_OK);
            vnfo_packet_view v;
            vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_ETHERNET);
            vnfo_packet_fields fs = VNFO_PACKET_FIELDS_INIT;
            size_t len;
            ck_assert_status(vnfo_packet_fields_extract(buf, sizeof buf, &len, &v, &fs, 0), VNFO_OK);
            uint64_t h, label;
            vnfo_sampler_hash_bytes(&h, s, buf, len);
            ck_assert_uint_eq(d.hash, h);
            uint64_t half = hash == VNFO_SAMPLER_HASH_BOB ? 0x7fffffffu : 0x7fffffffffffffffull;
            ck_assert_uint_eq(d.selected, h <= half);
            ck_assert_int_eq(d.status, VNFO_OK);
            ck_assert_uint_eq(d.epoch, 0);
            ck_assert_status(vnfo_sampler_label(&label, s, f, n, VNFO_LINKTYPE_ETHERNET, 0), VNFO_OK);
            ck_assert_uint_eq(d.label, d.selected ? label : 0);
            ck_assert_uint_ne(label, h); /* independently keyed */
            vnfo_sampler_decision dv;
            ck_assert_status(vnfo_sampler_decide_view(&dv, s, &v, 0), VNFO_OK);
            ck_assert_mem_eq(&dv, &d, sizeof d);
            selected += d.selected;
        }
        ck_assert_int_gt(selected, 120);
        ck_assert_int_lt(selected, 280);
        /* packets that cannot be hashed are reported, never selected */
        uint8_t arp[60] = {0};
        arp[12] = 8; arp[13] = 6;
        vnfo_sampler_decision d;
        ck_assert_status(vnfo_sampler_decide(&d, s, arp, sizeof arp, VNFO_LINKTYPE_ETHERNET, 0),
                         VNFO_E_PACKET_NOT_IP);
        ck_assert_int_eq(d.status, VNFO_E_PACKET_NOT_IP);
        ck_assert_uint_eq(d.selected, 0);
        ck_assert_status(vnfo_sampler_decide(&d, s, f, 20, VNFO_LINKTYPE_ETHERNET, 0),
                         VNFO_E_PACKET_TRUNCATED);
        traffic_gen_free(&g);
        vnfo_sampler_free(s);
    }
}
END_TEST

/* Decision and label of a frame under s (label computed even if unselected). */
static void decide_and_label(vnfo_sampler_decision *d, uint64_t *label, const vnfo_sampler *s,
                             const uint8_t *f, size_t n, uint32_t tag)
{
    ck_assert_status(vnfo_sampler_decide(d, s, f, n, VNFO_LINKTYPE_ETHERNET, tag), VNFO_OK);
    ck_assert_status(vnfo_sampler_label(label, s, f, n, VNFO_LINKTYPE_ETHERNET, tag), VNFO_OK);
}

START_TEST(test_consistent_across_hops)
{
    static const char *sets[] = {"psamp", "invariant"};
    uint8_t f[TRAFFIC_FRAME_MAX];
    for (uint32_t hash = 1; hash <= 3; hash++)
        for (int set = 0; set < 2; set++)
            for (int version = 4; version <= 6; version += 2) {
                vnfo_sampler *s = make(hash, 1, 2, sets[set]);
                traffic_spec sp = base_spec(version, 6);
                for (uint32_t pkt = 0; pkt < 20; pkt++) {
                    sp.seq = 1000 + 64 * pkt;
                    sp.ip_id = (uint16_t)(7 + pkt);
                    sp.ttl = 64; sp.tos = 0; sp.vlan_count = 0;
                    size_t n = traffic_build(f, sizeof f, &sp);
                    vnfo_sampler_decision d0, d1;
                    uint64_t l0, l1;
                    decide_and_label(&d0, &l0, s, f, n, 0);
                    for (int hop = 1; hop <= 4; hop++) {
                        sp.ttl = (uint8_t)(64 - hop);
                        sp.tos = (uint8_t)(0x2e << 2 | (hop & 3)); /* DSCP EF, changing ECN */
                        sp.vlan_count = hop % 3;
                        sp.vlan[0] = (uint16_t)(100 + hop);
                        sp.vlan[1] = 7;
                        n = traffic_build(f, sizeof f, &sp); /* checksums recomputed */
                        decide_and_label(&d1, &l1, s, f, n, 0);
                        ck_assert_uint_eq(d1.hash, d0.hash);
                        ck_assert_uint_eq(d1.selected, d0.selected);
                        ck_assert_uint_eq(d1.label, d0.label);
                        ck_assert_uint_eq(l1, l0);
                    }
                }
                vnfo_sampler_free(s);
            }
}
END_TEST

START_TEST(test_nat_safe_consistent_through_nat)
{
    uint8_t f[TRAFFIC_FRAME_MAX];
    for (uint32_t hash = 1; hash <= 3; hash++)
        for (int proto = 6; proto <= 17; proto += 11) {
            vnfo_sampler *s = make(hash, 1, 2, "nat-safe");
            vnfo_sampler *p = make(hash, 1, 2, "psamp");
            int psamp_changed = 0;
            for (uint32_t pkt = 0; pkt < 20; pkt++) {
                traffic_spec sp = base_spec(4, (uint8_t)proto);
                sp.seq = 5000 + 100 * pkt;
                sp.ip_id = (uint16_t)(300 + pkt);
                uint32_t tag = 0x100 + pkt % 3;
                size_t n = traffic_build(f, sizeof f, &sp);
                vnfo_sampler_decision d0, d1, p0, p1;
                uint64_t l0, l1, pl0, pl1;
                decide_and_label(&d0, &l0, s, f, n, tag);
                decide_and_label(&p0, &pl0, p, f, n, 0);
                /* a NAT rewrites both addresses and ports; checksums follow */
                memcpy(sp.src, "\xcb\x00\x71\x05", 4);
                memcpy(sp.dst, "\xc0\x00\x02\x63", 4);
                sp.sport = (uint16_t)(20000 + pkt);
                sp.dport = 8080;
                sp.ttl = 63;
                n = traffic_build(f, sizeof f, &sp);
                decide_and_label(&d1, &l1, s, f, n, tag);
                decide_and_label(&p1, &pl1, p, f, n, 0);
                ck_assert_uint_eq(d1.hash, d0.hash);
                ck_assert_uint_eq(d1.selected, d0.selected);
                ck_assert_uint_eq(l1, l0);
                psamp_changed += p1.hash != p0.hash;
            }
            ck_assert_int_eq(psamp_changed, 20); /* psamp sees the addresses, so it differs */
            vnfo_sampler_free(s);
            vnfo_sampler_free(p);
        }
}
END_TEST

/* ---- statistics ------------------------------------------------------------ */

#define STAT_PACKETS 1000000
#define STAT_RATES 12 /* 1/2 .. 1/4096 */

START_TEST(test_selection_statistics)
{
    vnfo_sampler *s[3][STAT_RATES];
    for (uint32_t h = 0; h < 3; h++)
        for (int r = 0; r < STAT_RATES; r++)
            s[h][r] = make(h + 1, 1, (uint64_t)2 << r, NULL);
    static uint64_t count[3][STAT_RATES];
    memset(count, 0, sizeof count);
    traffic_gen g;
    ck_assert_int_eq(traffic_gen_init(&g, 2024, 5000), 0);
    uint8_t f[TRAFFIC_FRAME_MAX];
    for (int i = 0; i < STAT_PACKETS; i++) {
        size_t n = traffic_gen_next(&g, f, sizeof f, NULL);
        vnfo_packet_view v;
        ck_assert_int_eq(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
        for (int h = 0; h < 3; h++)
            for (int r = 0; r < STAT_RATES; r++) {
                vnfo_sampler_decision d;
                vnfo_sampler_decide_view(&d, s[h][r], &v, 0);
                count[h][r] += d.selected;
                if (!d.selected)
                    break; /* nested ranges [0, 2^64/2^k): unselected at 1/2^k means unselected below */
            }
    }
    for (int h = 0; h < 3; h++)
        for (int r = 0; r < STAT_RATES; r++) {
            double p = 1.0 / (double)((uint64_t)2 << r);
            double mean = STAT_PACKETS * p, sigma = sqrt(STAT_PACKETS * p * (1 - p));
            double dev = fabs((double)count[h][r] - mean) / sigma;
            ck_assert_msg(dev <= 4.0, "%s rate 1/%llu: %llu selected of %d, %.2f sigma from %.1f",
                          vnfo_sampler_hash_name(h + 1), (unsigned long long)2 << r,
                          (unsigned long long)count[h][r], STAT_PACKETS, dev, mean);
            vnfo_sampler_free(s[h][r]);
        }
    traffic_gen_free(&g);
}
END_TEST

/* ---- bursts, threads ------------------------------------------------------- */

#define BURST_FRAMES 256
static uint8_t frames[BURST_FRAMES][TRAFFIC_FRAME_MAX];
static uint32_t frame_len[BURST_FRAMES], frame_tag[BURST_FRAMES];

static void make_frames(void)
{
    traffic_gen g;
    ck_assert_int_eq(traffic_gen_init(&g, 99, 64), 0);
    for (int i = 0; i < BURST_FRAMES; i++) {
        frame_len[i] = (uint32_t)traffic_gen_next(&g, frames[i], TRAFFIC_FRAME_MAX, NULL);
        frame_tag[i] = (uint32_t)i % 5;
    }
    frame_len[17] = 30; /* one truncated frame inside the burst */
    traffic_gen_free(&g);
}

START_TEST(test_burst_equals_single)
{
    make_frames();
    const uint8_t *ptrs[BURST_FRAMES];
    for (int i = 0; i < BURST_FRAMES; i++)
        ptrs[i] = frames[i];
    /* nat-safe takes the general extraction; psamp the fast gather and, for
     * xxh3-64 and siphash-2-4, the in-register hashes. */
    for (uint32_t run = 0; run < 6; run++) {
        uint32_t hash = 1 + run % 3;
        vnfo_sampler *s = make(hash, 1, 4, run < 3 ? "nat-safe" : "psamp");
        vnfo_sampler_decision burst[BURST_FRAMES], one;
        size_t selected, want = 0;
        ck_assert_status(vnfo_sampler_decide_burst(burst, &selected, s, ptrs, frame_len, frame_tag,
                                                   BURST_FRAMES, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
        for (int i = 0; i < BURST_FRAMES; i++) {
            vnfo_sampler_decide(&one, s, frames[i], frame_len[i], VNFO_LINKTYPE_ETHERNET, frame_tag[i]);
            ck_assert_mem_eq(&one, &burst[i], sizeof one);
            want += one.selected;
        }
        ck_assert_uint_eq(selected, want);
        ck_assert_int_eq(burst[17].status, VNFO_E_PACKET_TRUNCATED);
        ck_assert_status(vnfo_sampler_decide_burst(burst, NULL, s, ptrs, frame_len, NULL, 32,
                                                   VNFO_LINKTYPE_ETHERNET), VNFO_OK);
        ck_assert_status(vnfo_sampler_decide_burst(burst, NULL, s, ptrs, frame_len, NULL,
                                                   BURST_FRAMES + 1, VNFO_LINKTYPE_ETHERNET),
                         VNFO_E_INVALID_ARGUMENT);
        vnfo_sampler_free(s);
    }
}
END_TEST

struct thread_arg {
    const vnfo_sampler *s;
    vnfo_sampler_decision out[BURST_FRAMES];
};

static void *thread_run(void *p)
{
    struct thread_arg *a = p;
    for (int rep = 0; rep < 50; rep++)
        for (int i = 0; i < BURST_FRAMES; i++)
            vnfo_sampler_decide(&a->out[i], a->s, frames[i], frame_len[i], VNFO_LINKTYPE_ETHERNET,
                                frame_tag[i]);
    return NULL;
}

START_TEST(test_shared_by_threads)
{
    make_frames();
    vnfo_sampler *s = make(VNFO_SAMPLER_HASH_SIPHASH, 1, 8, NULL);
    static struct thread_arg args[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        args[i].s = s;
        ck_assert_int_eq(pthread_create(&t[i], NULL, thread_run, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < BURST_FRAMES; i++) {
        vnfo_sampler_decision d;
        vnfo_sampler_decide(&d, s, frames[i], frame_len[i], VNFO_LINKTYPE_ETHERNET, frame_tag[i]);
        for (int k = 0; k < 4; k++)
            ck_assert_mem_eq(&args[k].out[i], &d, sizeof d);
    }
    vnfo_sampler_free(s);
}
END_TEST

/* ---- epochs and keys ------------------------------------------------------- */

START_TEST(test_epochs)
{
    make_frames();
    vnfo_sampler *s0 = make(VNFO_SAMPLER_HASH_SIPHASH, 1, 2, NULL), *s1, *again;
    ck_assert_status(vnfo_sampler_rekey(&s1, s0, 1), VNFO_OK);
    ck_assert_status(vnfo_sampler_rekey(&again, s1, 0), VNFO_OK);
    ck_assert_uint_eq(vnfo_sampler_epoch(s1), 1);
    int differ = 0;
    for (int i = 0; i < 64; i++) {
        vnfo_sampler_decision a, b, c;
        vnfo_sampler_decide(&a, s0, frames[i], frame_len[i], VNFO_LINKTYPE_ETHERNET, 0);
        vnfo_sampler_decide(&b, s1, frames[i], frame_len[i], VNFO_LINKTYPE_ETHERNET, 0);
        vnfo_sampler_decide(&c, again, frames[i], frame_len[i], VNFO_LINKTYPE_ETHERNET, 0);
        ck_assert_uint_eq(b.epoch, 1);
        ck_assert_uint_eq(a.epoch, 0);
        ck_assert_mem_eq(&a, &c, sizeof a); /* same epoch, same key: same decision */
        if (a.status == VNFO_OK) /* frame 17 is truncated: no hash in any epoch */
            differ += a.hash != b.hash;
    }
    ck_assert_int_eq(differ, 63);
    /* another master key gives other decisions */
    KEY[0] ^= 1;
    vnfo_sampler *other = make(VNFO_SAMPLER_HASH_SIPHASH, 1, 2, NULL);
    KEY[0] ^= 1;
    vnfo_sampler_decision a, b;
    vnfo_sampler_decide(&a, s0, frames[0], frame_len[0], VNFO_LINKTYPE_ETHERNET, 0);
    vnfo_sampler_decide(&b, other, frames[0], frame_len[0], VNFO_LINKTYPE_ETHERNET, 0);
    ck_assert_uint_ne(a.hash, b.hash);
    vnfo_sampler_free(s0);
    vnfo_sampler_free(s1);
    vnfo_sampler_free(again);
    vnfo_sampler_free(other);
    vnfo_sampler_free(NULL);
}
END_TEST

/* An allocator that checks that every freed block was wiped. */
static size_t block_size[64];
static void *block_ptr[64];
static int unwiped;

static void *check_alloc(void *ctx, size_t n)
{
    (void)ctx;
    void *p = malloc(n);
    for (int i = 0; i < 64; i++)
        if (!block_ptr[i]) {
            block_ptr[i] = p;
            block_size[i] = n;
            break;
        }
    return p;
}

static void *check_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    return realloc(p, n);
}

static void check_free(void *ctx, void *p)
{
    (void)ctx;
    for (int i = 0; i < 64; i++)
        if (block_ptr[i] == p) {
            for (size_t k = 0; k < block_size[i]; k++)
                unwiped += ((uint8_t *)p)[k] != 0;
            block_ptr[i] = NULL;
        }
    free(p);
}

START_TEST(test_keys_wiped_on_free)
{
    vnfo_allocator a = {VNFO_ALLOCATOR_VERSION, check_alloc, check_realloc, check_free, NULL};
    ck_assert_status(vnfo_allocator_set(&a), VNFO_OK);
    unwiped = 0;
    vnfo_sampler *s = make(VNFO_SAMPLER_HASH_XXH3, 1, 16, NULL), *t;
    ck_assert_status(vnfo_sampler_rekey(&t, s, 3), VNFO_OK);
    vnfo_sampler_free(s);
    vnfo_sampler_free(t);
    vnfo_allocator_set(NULL);
    ck_assert_int_eq(unwiped, 0);
}
END_TEST

START_TEST(test_key_files_and_commitment)
{
    char dir[] = "/tmp/vnfo-sampler-XXXXXX", path[128], msg[256];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/sampling.key", dir);
    ck_assert_status(vnfo_sampler_key_save(KEY, path), VNFO_OK);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);
    FILE *f = fopen(path, "r");
    char line[128] = "";
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    fclose(f);
    ck_assert_str_eq(line, "vnfo-sampling-key:404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f\n");
    uint8_t k[VNFO_SAMPLER_KEY_BYTES];
    ck_assert_status(vnfo_sampler_key_load(k, path), VNFO_OK);
    ck_assert_mem_eq(k, KEY, sizeof k);
    chmod(path, 0640);
    ck_assert_status(vnfo_sampler_key_load(k, path), VNFO_E_KEY_PERMISSIONS);
    snprintf(msg, sizeof msg, "%s: sampling key file has mode 640; group and others must have no access to it (chmod 600)", path);
    ck_assert_str_eq(vnfo_error_message(), msg);
    f = fopen(path, "w");
    fputs("vnfo-sampling-key:abcd\n", f);
    fclose(f);
    chmod(path, 0600);
    ck_assert_status(vnfo_sampler_key_load(k, path), VNFO_E_KEY_FORMAT);
    snprintf(msg, sizeof msg, "%s: expected 64 hexadecimal digits after \"vnfo-sampling-key:\"", path);
    ck_assert_str_eq(vnfo_error_message(), msg);
    unlink(path);
    ck_assert_status(vnfo_sampler_key_load(k, path), VNFO_E_NOT_FOUND);
    rmdir(dir);
    ck_assert_status(vnfo_sampler_key_parse(k, "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"), VNFO_OK);
    ck_assert_mem_eq(k, KEY, sizeof k);
    ck_assert_status(vnfo_sampler_key_parse(k, "4041"), VNFO_E_KEY_FORMAT);
    ck_assert_str_eq(vnfo_error_message(), "sampling key: expected 64 hexadecimal digits");
    /* commitment: BLAKE2b-256("vnfo sampling key commitment v1" || key) */
    uint8_t c[32], want[32], in[31 + 32];
    memcpy(in, "vnfo sampling key commitment v1", 31);
    memcpy(in + 31, KEY, 32);
    crypto_generichash(want, 32, in, sizeof in, NULL, 0);
    ck_assert_status(vnfo_sampler_key_commitment(c, KEY, sizeof KEY), VNFO_OK);
    ck_assert_mem_eq(c, want, 32);
    char text[VNFO_SAMPLER_COMMITMENT_TEXT_SIZE], hex[65];
    ck_assert_status(vnfo_sampler_key_commitment_format(text, sizeof text, KEY, sizeof KEY), VNFO_OK);
    sodium_bin2hex(hex, sizeof hex, want, 32);
    ck_assert_int_eq(strncmp(text, "blake2b:", 8), 0);
    ck_assert_str_eq(text + 8, hex);
    ck_assert_status(vnfo_sampler_key_commitment_format(text, 72, KEY, sizeof KEY), VNFO_E_BUFFER_TOO_SMALL);
    uint8_t g1[32], g2[32];
    ck_assert_status(vnfo_sampler_key_generate(g1), VNFO_OK);
    ck_assert_status(vnfo_sampler_key_generate(g2), VNFO_OK);
    ck_assert_int_ne(memcmp(g1, g2, 32), 0);
    ck_assert_uint_eq(vnfo_sampler_key_bytes(), 32);
    ck_assert_uint_eq(vnfo_sampler_commitment_bytes(), 32);
    ck_assert_uint_eq(vnfo_sampler_burst_max(), 256);
}
END_TEST

static Suite *sampler_suite(void)
{
    Suite *s = suite_create("sampler");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_xxh3_known_answer);
    tcase_add_test(tc, test_siphash_known_answer);
    tcase_add_test(tc, test_bob_against_rfc);
    tcase_add_test(tc, test_exact_probabilities);
    tcase_add_test(tc, test_text_forms);
    tcase_add_test(tc, test_decide_matches_definition);
    tcase_add_test(tc, test_consistent_across_hops);
    tcase_add_test(tc, test_nat_safe_consistent_through_nat);
    tcase_add_test(tc, test_selection_statistics);
    tcase_add_test(tc, test_burst_equals_single);
    tcase_add_test(tc, test_shared_by_threads);
    tcase_add_test(tc, test_epochs);
    tcase_add_test(tc, test_keys_wiped_on_free);
    tcase_add_test(tc, test_key_files_and_commitment);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return vnfo_test_run(sampler_suite());
}
