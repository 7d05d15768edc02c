/* The decide path's fast path (src/sampler/fastparse.h) against the general
 * code it shortcuts: on generated frames of every shape, each mutated at
 * every header byte and cut at every length, the fast parser either declines
 * or fills exactly the view pkt_parse() fills; vnfo_sampler_decide() (fast
 * path) equals vnfo_packet_parse() + vnfo_sampler_decide_view(); and since
 * both may use the fast psamp gather, every decision is also held to the
 * general extraction (vnfo_packet_fields_extract), the bare hash of its bytes
 * (vnfo_sampler_hash_bytes) and the general-path label. */
#include <stdio.h>
#include <string.h>

#include <vnfo/sampler.h>

#include "packet/parse_core.h"
#include "sampler/fastparse.h"
#include "encap.h"
#include "testutil.h"
#include "traffic.h"

static uint8_t KEY[VNFO_SAMPLER_KEY_BYTES];
/* psamp is the set the fast gather and the in-register hashes (fasthash.h)
 * serve: it is checked with each hash those cover, and with bob (bytes).
 * invariant and nat-safe take the general extraction, whose bytes SipHash
 * reads as words (decide.c): checked with xxh3-64 and siphash-2-4. */
#define NSAMPLERS 7
static vnfo_sampler *samplers[NSAMPLERS];
static vnfo_packet_fields field_sets[NSAMPLERS];
static const char *const FIELDS[NSAMPLERS] = {"psamp", "invariant", "nat-safe", "psamp",
                                               "psamp", "invariant", "nat-safe"};
static const uint32_t HASHES[NSAMPLERS] = {VNFO_SAMPLER_HASH_XXH3, VNFO_SAMPLER_HASH_XXH3,
                                           VNFO_SAMPLER_HASH_XXH3, VNFO_SAMPLER_HASH_SIPHASH,
                                           VNFO_SAMPLER_HASH_BOB, VNFO_SAMPLER_HASH_SIPHASH,
                                           VNFO_SAMPLER_HASH_SIPHASH};

static void setup(void)
{
    ck_assert_int_eq(vnfo_init(), VNFO_OK);
    for (int i = 0; i < VNFO_SAMPLER_KEY_BYTES; i++)
        KEY[i] = (uint8_t)(0x21 + i);
}

static vnfo_sampler *make(const char *fields, uint32_t hash)
{
    vnfo_sampler_options o;
    ck_assert_status(vnfo_sampler_options_init(&o, VNFO_SAMPLER_OPTIONS_VERSION), VNFO_OK);
    o.hash = hash;
    o.rate = (vnfo_rational){1, 2}; /* half selected: labels are compared too */
    ck_assert_status(vnfo_packet_fields_parse(&o.fields, fields), VNFO_OK);
    vnfo_sampler *s;
    ck_assert_status(vnfo_sampler_create(&s, &o, KEY, sizeof KEY), VNFO_OK);
    return s;
}

/* Counts of frames the fast parser took and declined (both must occur),
 * and the first disagreement.  The loop checks with plain comparisons and
 * the test asserts at the end: a Check assertion per comparison costs a
 * system call (Check reports the location of each passed assertion). */
static unsigned long taken, declined, compared, verified;
static char mismatch[160];

static void note(const char *what, size_t len, int k)
{
    if (!mismatch[0])
        snprintf(mismatch, sizeof mismatch, "%s (cut %zu, field set %d)", what, len, k);
}

/* Whether two views are equal field by field (the struct ends in padding,
 * which neither parser promises to set). */
static int views_equal(const vnfo_packet_view *a, const vnfo_packet_view *b)
{
    return a->data == b->data && a->len == b->len && a->linktype == b->linktype &&
           a->l3_offset == b->l3_offset && a->l3_end == b->l3_end && a->ip_length == b->ip_length &&
           a->l4_offset == b->l4_offset && a->payload_offset == b->payload_offset &&
           a->flags == b->flags && a->frag_id == b->frag_id && a->frag_offset == b->frag_offset &&
           a->src_port == b->src_port && a->dst_port == b->dst_port &&
           a->vlan_tci[0] == b->vlan_tci[0] && a->vlan_tci[1] == b->vlan_tci[1] &&
           a->vlan_count == b->vlan_count && a->ip_version == b->ip_version &&
           a->proto == b->proto && a->icmp_type == b->icmp_type && a->icmp_code == b->icmp_code &&
           memcmp(a->reserved_, b->reserved_, sizeof a->reserved_) == 0;
}

/* Compares both parsers and both decision paths on one (cut) frame. */
static void compare(const uint8_t *frame, size_t len, uint32_t linktype)
{
    vnfo_packet_view fast, general;
    memset(&fast, 0xa5, sizeof fast); /* stale bytes must not survive */
    vnfo_status st = pkt_parse(&general, frame, len, linktype);
    if (fast_parse(&fast, frame, len, linktype)) {
        taken++;
        if (st != VNFO_OK)
            note("fast parse took a frame the general parser rejects", len, -1);
        else if (!views_equal(&fast, &general))
            note("fast and general views differ", len, -1);
    } else {
        declined++;
    }
    for (int k = 0; k < NSAMPLERS; k++) {
        vnfo_sampler_decision d, ref;
        /* odd cuts carry a FlowTag, even ones none (a tap decides with none) */
        uint32_t tag = len % 2 ? (uint32_t)len * 7u : 0;
        vnfo_status got = vnfo_sampler_decide(&d, samplers[k], frame, len, linktype, tag);
        compared++;
        /* a burst of one: the burst loops are compiled apart per hash and
         * for Ethernet, and must decide every link type as decide() does */
        vnfo_sampler_decision bd;
        const uint8_t *one = frame;
        uint32_t one_len = (uint32_t)len;
        size_t one_sel = 9;
        if (vnfo_sampler_decide_burst(&bd, &one_sel, samplers[k], &one, &one_len, &tag, 1,
                                      linktype) != VNFO_OK ||
            memcmp(&bd, &d, sizeof d) != 0 || one_sel != d.selected)
            note("decide_burst differs from decide", len, k);
        if (st != VNFO_OK) { /* the parse status, as the general parser says */
            if (got != st || d.status != (int32_t)st || d.selected || d.hash || d.label)
                note("decide differs from the general parser's status", len, k);
            continue;
        }
        /* extraction may still fail (payload promised, not captured): same status */
        vnfo_status want = vnfo_sampler_decide_view(&ref, samplers[k], &general, tag);
        if (got != want || memcmp(&d, &ref, sizeof d) != 0)
            note("decide and decide_view differ", len, k);
        /* both may take the fast gather: hold them to the general extraction,
         * the bare hash of its bytes and the general-path label */
        uint8_t b[VNFO_PACKET_FIELDS_MAX_BYTES];
        size_t n;
        uint64_t h, label;
        vnfo_status xs = vnfo_packet_fields_extract(b, sizeof b, &n, &general, &field_sets[k], tag);
        if (xs != VNFO_OK) {
            if (got != xs)
                note("decide differs from the general extraction's status", len, k);
            continue;
        }
        if (vnfo_sampler_hash_bytes(&h, samplers[k], b, n) != VNFO_OK ||
            vnfo_sampler_label(&label, samplers[k], frame, len, linktype, tag) != VNFO_OK ||
            got != VNFO_OK || d.hash != h || d.label != (d.selected ? label : 0))
            note("decide differs from the general extraction and hash", len, k);
        else
            verified++;
    }
}

/* Every cut of one frame. */
static void compare_cuts(const uint8_t *frame, size_t len, uint32_t linktype)
{
    for (size_t cut = 0; cut <= len; cut++)
        compare(frame, cut, linktype);
}

/* Values written over each header byte: the ones the fast path tests for
 * (versions, header lengths, ethertype and protocol bytes, fragment bits)
 * and their neighbours. */
static const uint8_t MUTATIONS[] = {0x00, 0x01, 0x05, 0x06, 0x08, 0x11, 0x20, 0x2c, 0x3a, 0x44,
                                    0x45, 0x46, 0x4f, 0x50, 0x60, 0x81, 0x86, 0x88, 0xdd, 0xff};

static void compare_mutants(const uint8_t *frame, size_t len, uint32_t linktype)
{
    uint8_t m[TRAFFIC_FRAME_MAX];
    size_t head = len < 80 ? len : 80; /* the link, IP and L4 headers */
    for (size_t at = 0; at < head; at++)
        for (size_t i = 0; i < sizeof MUTATIONS; i++) {
            memcpy(m, frame, len);
            m[at] = MUTATIONS[i];
            compare(m, len, linktype);
            if (at % 4 == 0)
                compare_cuts(m, len, linktype); /* cuts of a quarter of the mutants */
        }
}

/* An upper protocol the parser does not look into (253, experimental) with
 * every short IP length: such frames parse without an L4 header, so the 8
 * bytes after the IP header may lie past the IP end or the capture. */
static void compare_short_ip(const uint8_t *frame, size_t len, uint32_t linktype)
{
    vnfo_packet_view v;
    if (pkt_parse(&v, frame, len, linktype) != VNFO_OK)
        return;
    uint8_t m[TRAFFIC_FRAME_MAX];
    memcpy(m, frame, len);
    uint8_t *ip = m + v.l3_offset;
    int v4 = v.ip_version == 4;
    ip[v4 ? 9 : 6] = 253;
    for (uint8_t n = 0; n <= 72; n++) {
        ip[v4 ? 2 : 4] = 0;
        ip[v4 ? 3 : 5] = n; /* IPv4 total length, IPv6 payload length */
        compare_cuts(m, len, linktype);
    }
}

/* Ethernet with 0-2 tags, raw IP and Linux SLL; IPv4 and IPv6; TCP, UDP,
 * ICMP; with 0, 1 and 40 payload bytes. */
START_TEST(test_fast_parse_equals_general)
{
    static const uint32_t links[] = {VNFO_LINKTYPE_ETHERNET, VNFO_LINKTYPE_RAW,
                                     VNFO_LINKTYPE_LINUX_SLL};
    static const uint8_t protos[] = {6, 17, 1};
    static const size_t payloads[] = {0, 1, 40};
    static uint8_t payload[40];
    for (int k = 0; k < NSAMPLERS; k++) {
        samplers[k] = make(FIELDS[k], HASHES[k]);
        field_sets[k] = (vnfo_packet_fields)VNFO_PACKET_FIELDS_INIT;
        ck_assert_status(vnfo_packet_fields_parse(&field_sets[k], FIELDS[k]), VNFO_OK);
    }
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(i * 37 + 1);
    uint64_t rs = 42;
    for (size_t li = 0; li < 3; li++)
        for (int version = 4; version <= 6; version += 2)
            for (size_t pi = 0; pi < 3; pi++)
                for (int vlans = 0; vlans <= (links[li] == VNFO_LINKTYPE_ETHERNET ? 2 : 0); vlans++)
                    for (size_t pl = 0; pl < 3; pl++) {
                        traffic_spec s;
                        memset(&s, 0, sizeof s);
                        uint64_t r = traffic_rand(&rs);
                        s.linktype = links[li];
                        s.ip_version = version;
                        s.proto = protos[pi] == 1 && version == 6 ? 58 : protos[pi];
                        s.vlan_count = vlans;
                        s.vlan[0] = 100;
                        s.vlan[1] = 200;
                        memcpy(s.src, &r, 8);
                        memcpy(s.dst + 8, &r, 8);
                        s.sport = (uint16_t)r;
                        s.dport = 443;
                        s.seq = (uint32_t)(r >> 32);
                        s.ack = (uint32_t)(r >> 16);
                        s.ip_id = (uint16_t)(r >> 40);
                        s.ttl = 64;
                        s.tos = 0x2e;
                        s.flow_label = (uint32_t)r & 0xfffff;
                        s.payload = payload;
                        s.payload_len = payloads[pl];
                        uint8_t frame[TRAFFIC_FRAME_MAX];
                        size_t len = traffic_build(frame, sizeof frame, &s);
                        ck_assert_uint_gt(len, 0);
                        compare_cuts(frame, len, s.linktype);
                        compare_mutants(frame, len, s.linktype);
                        compare_short_ip(frame, len, s.linktype);
                    }
    for (int k = 0; k < NSAMPLERS; k++)
        vnfo_sampler_free(samplers[k]);
    ck_assert_msg(!mismatch[0], "%s", mismatch);
    /* Both paths were exercised (a fast path that always declines passes
     * the comparisons but is not what is being tested). */
    ck_assert_uint_gt(taken, 10000);
    ck_assert_uint_gt(verified, 10000);
    ck_assert_uint_gt(declined, 10000);
}
END_TEST

/* The encapsulations the fast path does not take (docs/sampling.md): it
 * must decline them, or, when a mutation turns one into a shape it takes,
 * agree with the general parser; decisions agree either way. */
START_TEST(test_fast_path_other_encapsulations)
{
    static const struct encap E[] = {
        {VNFO_LINKTYPE_ETHERNET, 3, 0, 0, 0, 0}, {VNFO_LINKTYPE_ETHERNET, 1, 2, 0, 0, 0},
        {VNFO_LINKTYPE_ETHERNET, 0, 1, 0, 0, 0}, {VNFO_LINKTYPE_NULL, 0, 0, 0, 0, 0},
        {VNFO_LINKTYPE_NULL, 0, 0, 1, 0, 0},     {VNFO_LINKTYPE_LOOP, 0, 0, 0, 0, 0},
        {VNFO_LINKTYPE_LINUX_SLL2, 0, 0, 0, 0, 0}, {VNFO_LINKTYPE_PPP, 0, 0, 0, 1, 0},
        {VNFO_LINKTYPE_PPP_HDLC, 0, 0, 0, 1, 0}, {VNFO_LINKTYPE_NFLOG, 0, 0, 0, 0, 0},
    };
    static uint8_t payload[8] = "mutants";
    for (int k = 0; k < NSAMPLERS; k++) {
        samplers[k] = make(FIELDS[k], HASHES[k]);
        field_sets[k] = (vnfo_packet_fields)VNFO_PACKET_FIELDS_INIT;
        ck_assert_status(vnfo_packet_fields_parse(&field_sets[k], FIELDS[k]), VNFO_OK);
    }
    unsigned long declined_before = declined, verified_before = verified;
    for (size_t i = 0; i < sizeof E / sizeof E[0]; i++)
        for (int version = 4; version <= 6; version += 2) {
            traffic_spec s;
            memset(&s, 0, sizeof s);
            s.linktype = VNFO_LINKTYPE_RAW;
            s.ip_version = version;
            s.proto = version == 4 ? 6 : 17;
            s.src[3] = (uint8_t)i;
            s.dst[15] = 9;
            s.sport = (uint16_t)(1000 + i);
            s.dport = 80;
            s.ttl = 64;
            s.payload = payload;
            s.payload_len = sizeof payload;
            uint8_t ip[TRAFFIC_FRAME_MAX], frame[TRAFFIC_FRAME_MAX];
            size_t ip_len = traffic_build(ip, sizeof ip, &s);
            size_t len = encap_wrap(frame, sizeof frame, &E[i], ip, ip_len);
            ck_assert_uint_gt(len, ip_len);
            vnfo_packet_view v;
            ck_assert_int_eq(fast_parse(&v, frame, len, E[i].linktype), 0); /* declined as built */
            compare_cuts(frame, len, E[i].linktype);
            compare_mutants(frame, len, E[i].linktype);
            compare_short_ip(frame, len, E[i].linktype);
        }
    for (int k = 0; k < NSAMPLERS; k++)
        vnfo_sampler_free(samplers[k]);
    ck_assert_msg(!mismatch[0], "%s", mismatch);
    ck_assert_uint_gt(verified - verified_before, 10000); /* the general path decided them */
    ck_assert_uint_gt(declined - declined_before, 10000);
}
END_TEST

/* Frames the fast path must leave to the general parser, whatever their
 * content: what it does not handle is declined, not approximated. */
START_TEST(test_fast_parse_declines)
{
    traffic_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = VNFO_LINKTYPE_ETHERNET;
    s.ip_version = 4;
    s.proto = 6;
    s.ttl = 64;
    uint8_t f[TRAFFIC_FRAME_MAX];
    size_t len = traffic_build(f, sizeof f, &s);
    vnfo_packet_view v;
    ck_assert_int_eq(fast_parse(&v, f, len, VNFO_LINKTYPE_ETHERNET), 1);
    ck_assert_int_eq(fast_parse(&v, f, len, VNFO_LINKTYPE_LINUX_SLL), 0); /* other link types */
    ck_assert_int_eq(fast_parse(&v, NULL, 0, VNFO_LINKTYPE_ETHERNET), 0);
    f[14] = 0x46; /* IPv4 options */
    ck_assert_int_eq(fast_parse(&v, f, len, VNFO_LINKTYPE_ETHERNET), 0);
    f[14] = 0x45;
    f[20] = 0x20; /* more fragments */
    ck_assert_int_eq(fast_parse(&v, f, len, VNFO_LINKTYPE_ETHERNET), 0);
    f[20] = 0;
    f[14 + 9] = 132; /* SCTP */
    ck_assert_int_eq(fast_parse(&v, f, len, VNFO_LINKTYPE_ETHERNET), 0);
    f[14 + 9] = 6;
    ck_assert_int_eq(fast_parse(&v, f, 14 + 20 + 19, VNFO_LINKTYPE_ETHERNET), 0); /* cut TCP */
    ck_assert_int_eq(fast_parse(&v, f, 14 + 20 + 20, VNFO_LINKTYPE_ETHERNET), 1);
}
END_TEST

static Suite *fast_suite(void)
{
    Suite *s = suite_create("sampler-fast-path");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_fast_parse_equals_general);
    tcase_add_test(tc, test_fast_parse_declines);
    tcase_add_test(tc, test_fast_path_other_encapsulations);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return vnfo_test_run(fast_suite());
}
