/* The packet parser on every link type and encapsulation it reads
 * (docs/sampling.md): BSD loopback in both byte orders, Linux cooked v1 and
 * v2, PPP (plain, HDLC-framed, compressed protocol), Cisco HDLC, NFLOG, and
 * VLAN and MPLS stacks to their documented depths.  The IP packet inside is
 * found where it is; the digest, the sampling decision and the label do not
 * depend on the wrapping, so a hop that pushes or pops a tag or a label
 * changes neither; stacks one deeper than documented are refused; every cut
 * of every frame gets a documented status. */
#include <string.h>

#include <vnfo/sampler.h>

#include "encap.h"
#include "testutil.h"
#include "traffic.h"

static const char *const PRESETS[3] = {"psamp", "invariant", "nat-safe"};
static vnfo_sampler *samplers[3];

static void setup(void)
{
    vnfo_test_setup_init();
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    for (int i = 0; i < VNFO_SAMPLER_KEY_BYTES; i++)
        key[i] = (uint8_t)(7 * i + 3);
    for (int k = 0; k < 3; k++) {
        vnfo_sampler_options o;
        ck_assert_status(vnfo_sampler_options_init(&o, VNFO_SAMPLER_OPTIONS_VERSION), VNFO_OK);
        o.rate = (vnfo_rational){1, 1}; /* every packet selected: the label is always compared */
        ck_assert_status(vnfo_packet_fields_parse(&o.fields, PRESETS[k]), VNFO_OK);
        ck_assert_status(vnfo_sampler_create(&samplers[k], &o, key, sizeof key), VNFO_OK);
    }
}

static void teardown(void)
{
    for (int k = 0; k < 3; k++)
        vnfo_sampler_free(samplers[k]);
}

/* A TCP or UDP packet over IPv4 or IPv6 with some payload, no link layer. */
static size_t ip_packet(uint8_t *out, size_t cap, int version, uint8_t proto)
{
    static const uint8_t payload[24] = "vnfo encapsulation test";
    traffic_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = VNFO_LINKTYPE_RAW;
    s.ip_version = version;
    s.proto = proto;
    for (int i = 0; i < 16; i++) {
        s.src[i] = (uint8_t)(i + 1);
        s.dst[i] = (uint8_t)(0xa0 + i);
    }
    s.sport = 40000;
    s.dport = proto == 6 ? 443 : 53;
    s.seq = 0x01020304;
    s.ack = 0x0a0b0c0d;
    s.tcp_flags = 0x18;
    s.ip_id = 0x1234;
    s.ttl = 64;
    s.flow_label = 0x54321;
    s.payload = payload;
    s.payload_len = sizeof payload;
    size_t n = traffic_build(out, cap, &s);
    ck_assert_uint_gt(n, 0);
    return n;
}

/* What must not depend on the wrapping. */
struct seen {
    uint8_t digest[VNFO_PACKET_DIGEST_BYTES];
    uint64_t hash[3], label[3];
    int selected[3];
};

static void observe(struct seen *out, const uint8_t *f, size_t n, uint32_t linktype)
{
    ck_assert_status(vnfo_packet_digest(out->digest, f, n, linktype), VNFO_OK);
    for (int k = 0; k < 3; k++) {
        vnfo_sampler_decision d;
        ck_assert_status(vnfo_sampler_decide(&d, samplers[k], f, n, linktype, 0x123), VNFO_OK);
        out->hash[k] = d.hash;
        out->label[k] = d.label;
        out->selected[k] = d.selected;
    }
}

static void assert_same(const struct seen *a, const struct seen *b, const char *what)
{
    ck_assert_msg(memcmp(a->digest, b->digest, sizeof a->digest) == 0, "%s: digest differs", what);
    for (int k = 0; k < 3; k++)
        ck_assert_msg(a->hash[k] == b->hash[k] && a->label[k] == b->label[k] &&
                          a->selected[k] == b->selected[k],
                      "%s: %s decision differs", what, PRESETS[k]);
}

static int documented(vnfo_status s)
{
    return s == VNFO_OK || s == VNFO_E_PACKET_NOT_IP || s == VNFO_E_PACKET_TRUNCATED ||
           s == VNFO_E_PACKET_MALFORMED || s == VNFO_E_PACKET_UNSUPPORTED;
}

/* Parses the wrapped packet: the IP header is where the wrapping ends, and
 * everything the view says about IP and L4 equals the bare packet's view. */
static void check_wrapped(const struct encap *e, const uint8_t *ip, size_t ip_len,
                          const struct seen *bare, const char *what)
{
    uint8_t f[2048];
    size_t n = encap_wrap(f, sizeof f, e, ip, ip_len);
    ck_assert_msg(n >= ip_len, "%s: cannot wrap", what);
    vnfo_packet_view v, raw;
    ck_assert_status(vnfo_packet_parse(&raw, ip, ip_len, VNFO_LINKTYPE_RAW), VNFO_OK);
    ck_assert_msg(vnfo_packet_parse(&v, f, n, e->linktype) == VNFO_OK, "%s: parse", what);
    ck_assert_uint_eq(v.l3_offset, n - ip_len);
    ck_assert_uint_eq(v.l4_offset - v.l3_offset, raw.l4_offset);
    ck_assert_uint_eq(v.payload_offset - v.l3_offset, raw.payload_offset);
    ck_assert_uint_eq(v.ip_version, raw.ip_version);
    ck_assert_uint_eq(v.proto, raw.proto);
    ck_assert_uint_eq(v.src_port, raw.src_port);
    ck_assert_uint_eq(v.flags, raw.flags);
    ck_assert_uint_eq(v.vlan_count, (e->vlans < 2 ? e->vlans : 2));
    if (e->vlans)
        ck_assert_uint_eq(v.vlan_tci[0], 100);
    if (e->vlans > 1)
        ck_assert_uint_eq(v.vlan_tci[1], 101);
    struct seen got;
    observe(&got, f, n, e->linktype);
    assert_same(&got, bare, what);
    /* every cut: a documented status, truncated wherever the IP header is cut */
    for (size_t cut = 0; cut < n; cut++) {
        vnfo_status s = vnfo_packet_parse(&v, f, cut, e->linktype);
        ck_assert_msg(documented(s), "%s: cut %zu: status %d", what, cut, s);
        if (cut < n - ip_len + 20)
            ck_assert_msg(s == VNFO_E_PACKET_TRUNCATED, "%s: cut %zu: status %s", what, cut,
                          vnfo_status_name(s));
    }
}

START_TEST(test_link_types)
{
    static const struct encap E[] = {
        {VNFO_LINKTYPE_ETHERNET, 0, 0, 0, 0, 0},
        {VNFO_LINKTYPE_NULL, 0, 0, 0, 0, 0},       /* little-endian family */
        {VNFO_LINKTYPE_NULL, 0, 0, 1, 0, 0},       /* big-endian family */
        {VNFO_LINKTYPE_LOOP, 0, 0, 0, 0, 0},
        {VNFO_LINKTYPE_LINUX_SLL, 0, 0, 0, 0, 0},
        {VNFO_LINKTYPE_LINUX_SLL, 1, 0, 0, 0, 0},
        {VNFO_LINKTYPE_LINUX_SLL2, 0, 0, 0, 0, 0},
        {VNFO_LINKTYPE_LINUX_SLL2, 2, 3, 0, 0, 0},
        {VNFO_LINKTYPE_PPP, 0, 0, 0, 0, 0},        /* no framing bytes */
        {VNFO_LINKTYPE_PPP, 0, 0, 0, 1, 0},        /* 0xff 0x03 first */
        {VNFO_LINKTYPE_PPP, 0, 0, 0, 0, 1},        /* one-byte protocol */
        {VNFO_LINKTYPE_PPP, 0, 2, 0, 1, 0},        /* MPLS over PPP */
        {VNFO_LINKTYPE_PPP_HDLC, 0, 0, 0, 0, 0},
        {VNFO_LINKTYPE_PPP_HDLC, 0, 0, 0, 1, 0},   /* Cisco framing */
        {VNFO_LINKTYPE_C_HDLC, 0, 0, 0, 0, 0},
        {VNFO_LINKTYPE_C_HDLC, 0, 1, 0, 0, 0},
        {VNFO_LINKTYPE_NFLOG, 0, 0, 0, 0, 0},
        {VNFO_LINKTYPE_RAW, 0, 0, 0, 0, 0},
    };
    for (int version = 4; version <= 6; version += 2)
        for (int proto = 6; proto <= 17; proto += 11) {
            uint8_t ip[512];
            size_t ip_len = ip_packet(ip, sizeof ip, version, (uint8_t)proto);
            struct seen bare;
            observe(&bare, ip, ip_len, VNFO_LINKTYPE_RAW);
            for (size_t i = 0; i < sizeof E / sizeof E[0]; i++) {
                char what[96];
                snprintf(what, sizeof what, "linktype %u (case %zu), IPv%d, proto %d", E[i].linktype,
                         i, version, proto);
                check_wrapped(&E[i], ip, ip_len, &bare, what);
            }
        }
}
END_TEST

/* Every VLAN depth 0..VNFO_PACKET_VLAN_MAX times every MPLS depth
 * 0..VNFO_PACKET_MPLS_MAX: a hop that pushes or pops a tag or a label
 * leaves the digest, the decision and the label as they were. */
START_TEST(test_push_pop_invariance)
{
    for (int version = 4; version <= 6; version += 2) {
        uint8_t ip[512];
        size_t ip_len = ip_packet(ip, sizeof ip, version, 6);
        struct seen bare;
        observe(&bare, ip, ip_len, VNFO_LINKTYPE_RAW);
        for (unsigned vl = 0; vl <= VNFO_PACKET_VLAN_MAX; vl++)
            for (unsigned lb = 0; lb <= VNFO_PACKET_MPLS_MAX; lb++) {
                struct encap e = {VNFO_LINKTYPE_ETHERNET, vl, lb, 0, 0, 0};
                char what[64];
                snprintf(what, sizeof what, "IPv%d, %u tags, %u labels", version, vl, lb);
                check_wrapped(&e, ip, ip_len, &bare, what);
            }
    }
}
END_TEST

/* One tag or one label beyond the documented depth is refused (not read
 * as something else); so is MPLS over something that is not IP. */
START_TEST(test_stack_bounds)
{
    uint8_t ip[512], f[2048];
    size_t ip_len = ip_packet(ip, sizeof ip, 4, 17);
    vnfo_packet_view v;
    struct encap e = {VNFO_LINKTYPE_ETHERNET, VNFO_PACKET_VLAN_MAX + 1, 0, 0, 0, 0};
    size_t n = encap_wrap(f, sizeof f, &e, ip, ip_len);
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_ETHERNET), VNFO_E_PACKET_UNSUPPORTED);
    e.vlans = 2;
    e.labels = VNFO_PACKET_MPLS_MAX + 1;
    n = encap_wrap(f, sizeof f, &e, ip, ip_len);
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_ETHERNET), VNFO_E_PACKET_UNSUPPORTED);
    /* the sampler refuses them with the parser's status, on both paths */
    vnfo_sampler_decision d;
    ck_assert_status(vnfo_sampler_decide(&d, samplers[0], f, n, VNFO_LINKTYPE_ETHERNET, 0),
                     VNFO_E_PACKET_UNSUPPORTED);
    ck_assert(!d.selected);
    /* a pseudowire control word (first nibble 0) under the bottom label */
    e.labels = 1;
    n = encap_wrap(f, sizeof f, &e, ip, ip_len);
    f[n - ip_len] = 0x00;
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_ETHERNET), VNFO_E_PACKET_UNSUPPORTED);
    /* a stack without a bottom entry runs into the end of the capture */
    uint8_t open[14 + 4 * 3] = {0};
    open[12] = 0x88;
    open[13] = 0x47;
    ck_assert_status(vnfo_packet_parse(&v, open, sizeof open, VNFO_LINKTYPE_ETHERNET),
                     VNFO_E_PACKET_TRUNCATED);
}
END_TEST

/* The link-layer headers' own fields: families, protocols and framings
 * that are not IP, and NFLOG's records. */
START_TEST(test_link_fields)
{
    uint8_t ip[512], f[2048];
    size_t ip_len = ip_packet(ip, sizeof ip, 6, 6);
    vnfo_packet_view v;
    /* BSD loopback: AF_INET6 of every BSD, both orders; AF_UNIX 1 is not IP */
    static const uint8_t af6[] = {10, 24, 28, 30};
    for (size_t i = 0; i < sizeof af6; i++) {
        memset(f, 0, 4);
        memcpy(f + 4, ip, ip_len);
        f[0] = af6[i];
        ck_assert_status(vnfo_packet_parse(&v, f, ip_len + 4, VNFO_LINKTYPE_NULL), VNFO_OK);
        ck_assert_uint_eq(v.ip_version, 6);
        ck_assert_status(vnfo_packet_parse(&v, f, ip_len + 4, VNFO_LINKTYPE_LOOP),
                         VNFO_E_PACKET_NOT_IP); /* LOOP is big-endian only */
        f[0] = 0;
        f[3] = af6[i];
        ck_assert_status(vnfo_packet_parse(&v, f, ip_len + 4, VNFO_LINKTYPE_NULL), VNFO_OK);
        ck_assert_status(vnfo_packet_parse(&v, f, ip_len + 4, VNFO_LINKTYPE_LOOP), VNFO_OK);
    }
    f[3] = 1;
    ck_assert_status(vnfo_packet_parse(&v, f, ip_len + 4, VNFO_LINKTYPE_NULL), VNFO_E_PACKET_NOT_IP);
    /* PPP: LCP (0xc021) is not IP; HDLC framing that is neither PPP nor Cisco */
    struct encap e = {VNFO_LINKTYPE_PPP, 0, 0, 0, 1, 0};
    size_t n = encap_wrap(f, sizeof f, &e, ip, ip_len);
    f[2] = 0xc0;
    f[3] = 0x21;
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_PPP), VNFO_E_PACKET_NOT_IP);
    e.linktype = VNFO_LINKTYPE_PPP_HDLC;
    n = encap_wrap(f, sizeof f, &e, ip, ip_len);
    f[0] = 0x7e;
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_PPP_HDLC), VNFO_E_PACKET_MALFORMED);
    /* Linux cooked v2: ARP */
    e = (struct encap){VNFO_LINKTYPE_LINUX_SLL2, 0, 0, 0, 0, 0};
    n = encap_wrap(f, sizeof f, &e, ip, ip_len);
    f[0] = 0x08;
    f[1] = 0x06;
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_LINUX_SLL2), VNFO_E_PACKET_NOT_IP);
    /* NFLOG: family, version, record lengths, a log without its payload */
    e = (struct encap){VNFO_LINKTYPE_NFLOG, 0, 0, 0, 0, 0};
    n = encap_wrap(f, sizeof f, &e, ip, ip_len);
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_NFLOG), VNFO_OK);
    ck_assert_uint_eq(v.l3_offset, 16);
    f[0] = 7; /* AF_BRIDGE */
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_NFLOG), VNFO_E_PACKET_NOT_IP);
    f[0] = 10;
    f[1] = 1;
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_NFLOG), VNFO_E_PACKET_UNSUPPORTED);
    f[1] = 0;
    uint16_t bad = 3;
    memcpy(f + 4, &bad, 2);
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_NFLOG), VNFO_E_PACKET_MALFORMED);
    uint16_t prefix_only = 8;
    memcpy(f + 4, &prefix_only, 2);
    ck_assert_status(vnfo_packet_parse(&v, f, 12, VNFO_LINKTYPE_NFLOG), VNFO_E_PACKET_TRUNCATED);
    uint16_t huge = 0xfffc;
    memcpy(f + 4, &huge, 2);
    ck_assert_status(vnfo_packet_parse(&v, f, n, VNFO_LINKTYPE_NFLOG), VNFO_E_PACKET_TRUNCATED);
    /* an unknown link type stays unsupported */
    ck_assert_status(vnfo_packet_parse(&v, f, n, 147), VNFO_E_PACKET_UNSUPPORTED);
}
END_TEST

static Suite *encap_suite(void)
{
    Suite *s = suite_create("packet-encapsulations");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_link_types);
    tcase_add_test(tc, test_push_pop_invariance);
    tcase_add_test(tc, test_stack_bounds);
    tcase_add_test(tc, test_link_fields);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return vnfo_test_run(encap_suite());
}
