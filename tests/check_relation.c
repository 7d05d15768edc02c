/* Black-box relations (docs/verify.md, "Black-box relations"): the API's
 * errors, the three relations of examples/middleboxes catching their
 * cheats with the conflicting records as evidence, honest stateful
 * providers passing, and detection power against the sampling rate. */
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "relation.h"
#include "sim.h"
#include "testutil.h"
#include "traffic.h"

#define SEC 1000000000ULL
#define T0 (1793494800ULL * SEC)

static char dir[64];
static vnfo_manifest *manifest;

static void setup(void)
{
    ck_assert_status(vnfo_init(), VNFO_OK);
    strcpy(dir, "/tmp/vnfo-relation-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    static const char *const names[] = {"customer", "provider", "fw", "ids", "nat"};
    char path[160];
    ck_assert_status(sim_keys_generate_seeded(dir, names, 5, 17), VNFO_OK);
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    ck_assert_status(sim_manifest_write(path, dir, 4), VNFO_OK);
    ck_assert_status(vnfo_manifest_load(&manifest, path), VNFO_OK);
}

static void teardown(void)
{
    char cmd[128];
    vnfo_manifest_free(manifest);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* ---- building packets and records ------------------------------------------ */

static void addr4(uint8_t *out, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    memset(out, 0, 16);
    out[0] = a, out[1] = b, out[2] = c, out[3] = d;
}

struct pkt {
    uint8_t b[TRAFFIC_FRAME_MAX];
    size_t len;
};

static traffic_spec spec4(uint8_t proto, const uint8_t src[4], uint16_t sport, const uint8_t dst[4],
                          uint16_t dport, const char *payload)
{
    traffic_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = 1;
    s.ip_version = 4;
    s.proto = proto;
    memcpy(s.src, src, 4);
    memcpy(s.dst, dst, 4);
    s.sport = sport;
    s.dport = dport;
    s.ttl = 64;
    s.tcp_flags = 0x18; /* PSH|ACK */
    s.payload = (const uint8_t *)payload;
    s.payload_len = payload ? strlen(payload) : 0;
    return s;
}

static struct pkt build(const traffic_spec *s)
{
    struct pkt p;
    p.len = traffic_build(p.b, sizeof p.b, s);
    ck_assert_uint_gt(p.len, 0);
    return p;
}

/* One record of node (hop = node - 1 in the demo chain fw, ids, nat). */
static void add(vnfo_verifier *v, uint32_t node, uint64_t label, uint64_t t, const struct pkt *in,
                const struct pkt *out)
{
    vnfo_record rec;
    vnfo_record_init(&rec, VNFO_RECORD_PACKET);
    vnfo_record_packet *p = &rec.u.packet;
    rec.node_id = node;
    p->hop = node - 1;
    p->label = label;
    p->t_in_ns = T0 + t;
    p->t_out_ns = T0 + t + 1000;
    p->granularity = VNFO_GRANULARITY_FULL;
    p->has_link_type = 1;
    p->link_type = 1;
    p->wire_len = (uint32_t)in->len;
    p->verdict = out ? VNFO_VERDICT_FORWARDED : VNFO_VERDICT_DROPPED;
    ck_assert_status(vnfo_packet_digest(p->digest_in, in->b, in->len, 1), VNFO_OK);
    p->bytes_in = in->b;
    p->bytes_in_len = in->len;
    if (out) {
        ck_assert_status(vnfo_packet_digest(p->digest_out, out->b, out->len, 1), VNFO_OK);
        p->bytes_out = out->b;
        p->bytes_out_len = out->len;
    }
    ck_assert_status(vnfo_verifier_record_add(v, &rec), VNFO_OK);
}

/* Every chain node needs a log: one unrelated record at the others. */
static void fill_other_nodes(vnfo_verifier *v, uint32_t node)
{
    uint8_t a[16], b[16];
    addr4(a, 10, 9, 9, 9);
    addr4(b, 198, 18, 9, 9);
    traffic_spec s = spec4(17, a, 1, b, 2, "x");
    struct pkt p = build(&s);
    for (uint32_t n = 1; n <= 3; n++)
        if (n != node)
            add(v, n, 0xfeed0000 + n, 0, &p, &p);
}

static vnfo_verifier *verifier(void)
{
    vnfo_verifier *v;
    vnfo_verify_options o = VNFO_VERIFY_OPTIONS_INIT;
    o.max_examples = 1024;
    ck_assert_status(vnfo_verifier_create(&v, manifest, &o), VNFO_OK);
    return v;
}

static vnfo_report *run(vnfo_verifier *v, uint32_t node)
{
    fill_other_nodes(v, node);
    vnfo_report *r;
    ck_assert_status(vnfo_verifier_run(&r, v), VNFO_OK);
    return r;
}

static uint64_t evidence_uint(const vnfo_report_entry *e, const char *key)
{
    double d;
    ck_assert_status(vnfo_report_evidence_number(&d, e, key), VNFO_OK);
    return (uint64_t)d;
}

/* The note of the example with this label in the check's JSON, or NULL. */
static const char *example_note(const vnfo_report *r, const char *check, uint64_t label)
{
    static char note[512];
    size_t need;
    ck_assert_status(vnfo_report_render_json(NULL, 0, &need, r, VNFO_REPORT_JSON_COMPACT), VNFO_E_BUFFER_TOO_SMALL);
    char *text = malloc(need);
    ck_assert_ptr_nonnull(text);
    ck_assert_status(vnfo_report_render_json(text, need, NULL, r, VNFO_REPORT_JSON_COMPACT), VNFO_OK);
    json_t *root = json_loads(text, 0, NULL);
    free(text);
    ck_assert_ptr_nonnull(root);
    char want[19];
    snprintf(want, sizeof want, "%016llx", (unsigned long long)label);
    const char *found = NULL;
    size_t i, j;
    json_t *c, *ex;
    json_array_foreach(json_object_get(root, "checks"), i, c) {
        if (strcmp(json_string_value(json_object_get(c, "check")), check) != 0)
            continue;
        json_array_foreach(json_object_get(c, "examples"), j, ex) {
            if (strcmp(json_string_value(json_object_get(ex, "label")), want) == 0) {
                snprintf(note, sizeof note, "%s", json_string_value(json_object_get(ex, "note")));
                found = note;
            }
        }
    }
    json_decref(root);
    return found;
}

static const vnfo_report_entry *entry(const vnfo_report *r, const char *name)
{
    const vnfo_report_entry *e = vnfo_report_entry_find(r, name);
    ck_assert_ptr_nonnull(e);
    return e;
}

/* ---- the API ------------------------------------------------------------------ */

static vnfo_relation_verdict admit_all(void *ctx, const vnfo_relation_packet *p, const vnfo_relation_packet *prev,
                                       char *why, size_t cap)
{
    (void)ctx, (void)p, (void)prev, (void)why, (void)cap;
    return VNFO_RELATION_ADMISSIBLE;
}

/* A reason with control and non-ASCII bytes, longer than the buffer. */
static vnfo_relation_verdict reject_oddly(void *ctx, const vnfo_relation_packet *p,
                                          const vnfo_relation_packet *prev, char *why, size_t cap)
{
    (void)ctx, (void)p, (void)prev;
    memset(why, 'x', cap); /* no terminator: the verifier ends it */
    memcpy(why, "\x01odd\xff\n", 6);
    return VNFO_RELATION_INADMISSIBLE;
}

START_TEST(test_reason_escaped)
{
    vnfo_verifier *v = verifier();
    vnfo_relation rel = VNFO_RELATION_INIT;
    rel.check = reject_oddly;
    ck_assert_status(vnfo_verifier_relation_set(v, "fw", &rel, NULL), VNFO_OK);
    vnfo_report *r = run(v, 0);
    const char *note = example_note(r, "relation.fw", 0xfeed0001);
    ck_assert_ptr_nonnull(note);
    ck_assert_uint_eq(strlen(note), strlen("forwarded inadmissible: ") + 199);
    ck_assert_int_eq(strncmp(note, "forwarded inadmissible: ?odd??xxx", 33), 0);
    vnfo_report_free(r);
    vnfo_verifier_free(v);
}
END_TEST

START_TEST(test_api)
{
    vnfo_verifier *v = verifier();
    vnfo_relation rel = VNFO_RELATION_INIT;
    ck_assert_uint_eq(vnfo_relation_size(), sizeof rel);
    ck_assert_status(vnfo_verifier_relation_set(NULL, "nat", &rel, NULL), VNFO_E_INVALID_ARGUMENT);
    ck_assert_str_eq(vnfo_error_message(), "vnfo_verifier_relation_set: NULL argument");
    ck_assert_status(vnfo_verifier_relation_set(v, "nat", &rel, NULL), VNFO_E_INVALID_ARGUMENT);
    ck_assert_str_eq(vnfo_error_message(), "vnfo_verifier_relation_set: the relation has no check callback");
    rel.check = admit_all;
    rel.version = 2;
    ck_assert_status(vnfo_verifier_relation_set(v, "nat", &rel, NULL), VNFO_E_STRUCT_VERSION);
    ck_assert_str_eq(vnfo_error_message(), "vnfo_verifier_relation_set: relation version 2, expected 1");
    rel.version = VNFO_RELATION_VERSION;
    ck_assert_status(vnfo_verifier_relation_set(v, "router", &rel, NULL), VNFO_E_NOT_FOUND);
    ck_assert_str_eq(vnfo_error_message(), "relation for \"router\": no chain entry of that name");
    ck_assert_status(vnfo_verifier_relation_set(v, "ids", &rel, NULL), VNFO_OK);
    ck_assert_status(vnfo_verifier_relation_set(v, "nat", &rel, NULL), VNFO_OK);
    ck_assert_status(vnfo_verifier_relation_set(v, "nat", NULL, NULL), VNFO_OK); /* removed */
    vnfo_report *r = run(v, 0);
    ck_assert_ptr_null(vnfo_report_entry_find(r, "relation.nat"));
    const vnfo_report_entry *e = entry(r, "relation.ids");
    ck_assert_int_eq(vnfo_report_entry_verdict(e), VNFO_REPORT_PASS);
    ck_assert_uint_eq(evidence_uint(e, "checked"), 1);
    vnfo_report_free(r);
    vnfo_verifier_free(v);
}
END_TEST

/* Without packet bytes (granularity digest) there is nothing to judge. */
START_TEST(test_no_bytes_inconclusive)
{
    vnfo_verifier *v = verifier();
    vnfo_relation rel = VNFO_RELATION_INIT;
    rel.check = admit_all;
    ck_assert_status(vnfo_verifier_relation_set(v, "nat", &rel, NULL), VNFO_OK);
    for (uint32_t n = 1; n <= 3; n++) {
        vnfo_record rec;
        vnfo_record_init(&rec, VNFO_RECORD_PACKET);
        rec.node_id = n;
        rec.u.packet.hop = n - 1;
        rec.u.packet.label = 5;
        rec.u.packet.t_in_ns = T0 + n * 10000;
        rec.u.packet.t_out_ns = T0 + n * 10000 + 100;
        ck_assert_status(vnfo_verifier_record_add(v, &rec), VNFO_OK);
    }
    vnfo_report *r;
    ck_assert_status(vnfo_verifier_run(&r, v), VNFO_OK);
    const vnfo_report_entry *e = entry(r, "relation.nat");
    ck_assert_int_eq(vnfo_report_entry_verdict(e), VNFO_REPORT_INCONCLUSIVE);
    ck_assert_str_eq(vnfo_report_entry_summary(e),
                     "no logged packet the relation nat judges (logging granularity digest?)");
    vnfo_report_free(r);
    vnfo_verifier_free(v);
}
END_TEST

/* ---- stateful firewall --------------------------------------------------------- */

static struct mb_firewall acl;
static struct mb_fw_relation fw_rel;

static vnfo_verifier *fw_verifier(void)
{
    struct mb_error err;
    ck_assert_int_eq(mb_firewall_parse(&acl, "allow udp 10.0.0.0/8 any any any\n"
                                             "allow tcp 10.0.0.0/8 any any any\n"
                                             "default deny\n", "acl", 1, &err), 0);
    mb_fw_relation_init(&fw_rel, &acl);
    vnfo_relation rel;
    mb_fw_relation(&rel);
    vnfo_verifier *v = verifier();
    ck_assert_status(vnfo_verifier_relation_set(v, "fw", &rel, &fw_rel), VNFO_OK);
    return v;
}

/* An ICMP port unreachable from `from` about the UDP packet `quoted`. */
static struct pkt icmp_error(const uint8_t from[4], const uint8_t to[4], const traffic_spec *quoted)
{
    traffic_spec q = *quoted;
    q.linktype = 101; /* the quote is raw IP */
    struct pkt inner = build(&q);
    traffic_spec s = spec4(1, from, 0, to, 0, NULL);
    s.payload = inner.b;
    s.payload_len = inner.len;
    struct pkt p = build(&s);
    p.b[34] = 3; /* destination unreachable */
    p.b[35] = 3; /* port unreachable */
    memset(p.b + 38, 0, 4);
    traffic_fix_checksums(p.b, p.len, &s);
    return p;
}

START_TEST(test_firewall)
{
    vnfo_verifier *v = fw_verifier();
    uint8_t in1[16], in2[16], out1[16], out2[16];
    addr4(in1, 10, 0, 0, 1);
    addr4(in2, 10, 0, 0, 5);
    addr4(out1, 198, 18, 0, 1);
    addr4(out2, 198, 18, 0, 9);
    /* 1: a reply from outside: its flow could have been opened from inside. */
    traffic_spec s = spec4(17, out1, 53, in1, 40000, "answer");
    struct pkt reply = build(&s);
    add(v, 1, 1, 1 * SEC, &reply, &reply);
    /* 2: outside to outside: no allowed packet opens it either way. */
    s = spec4(17, out1, 53, out2, 40000, "smuggled");
    struct pkt smuggled = build(&s);
    add(v, 1, 2, 2 * SEC, &smuggled, &smuggled);
    /* 3: an allowed new packet dropped. */
    s = spec4(17, in1, 40001, out1, 53, "query");
    struct pkt query = build(&s);
    add(v, 1, 3, 3 * SEC, &query, NULL);
    /* 4: a SYN from outside forwarded: it opens a flow the ACL denies. */
    s = spec4(6, out1, 443, in1, 5555, NULL);
    s.tcp_flags = 0x02;
    struct pkt syn = build(&s);
    add(v, 1, 4, 4 * SEC, &syn, &syn);
    /* 5, 6: a UDP flow forwarded, then its reply dropped 1 s later while the
     * flow is surely open: conflicting records. */
    s = spec4(17, in2, 5000, out2, 53, "q");
    struct pkt open = build(&s);
    add(v, 1, 5, 10 * SEC, &open, &open);
    s = spec4(17, out2, 53, in2, 5000, "a");
    struct pkt late = build(&s);
    add(v, 1, 6, 11 * SEC, &late, NULL);
    /* 7: the same reply dropped 40 s after: the flow may have expired. */
    add(v, 1, 7, 51 * SEC, &late, NULL);
    /* 8: an ICMP error about an inside flow (related) is forwarded. */
    traffic_spec quoted = spec4(17, in2, 5000, out2, 53, "q");
    struct pkt err = icmp_error(out2, in2, &quoted);
    add(v, 1, 8, 12 * SEC, &err, &err);
    /* 9: the same about a flow no allowed packet could open. */
    quoted = spec4(17, out1, 5000, out2, 53, "q");
    struct pkt err2 = icmp_error(out2, out1, &quoted);
    add(v, 1, 9, 13 * SEC, &err2, &err2);
    vnfo_report *r = run(v, 1);
    const vnfo_report_entry *e = entry(r, "relation.fw");
    ck_assert_int_eq(vnfo_report_entry_verdict(e), VNFO_REPORT_FAIL);
    ck_assert_uint_eq(evidence_uint(e, "checked"), 9);
    ck_assert_uint_eq(evidence_uint(e, "inadmissible"), 4);
    ck_assert_uint_eq(evidence_uint(e, "conflicts"), 1);
    ck_assert_ptr_null(example_note(r, "relation.fw", 1));
    ck_assert_str_eq(example_note(r, "relation.fw", 2), "forwarded inadmissible: the ACL denies it in both directions: "
                                    "no allowed packet could have opened its flow");
    ck_assert_str_eq(example_note(r, "relation.fw", 3), "dropped inadmissible: the ACL allows it as a new flow");
    ck_assert_str_eq(example_note(r, "relation.fw", 4), "forwarded inadmissible: a TCP SYN opens a new flow, and the ACL denies it");
    ck_assert_ptr_null(example_note(r, "relation.fw", 5));
    ck_assert_str_eq(example_note(r, "relation.fw", 6), "a flow forwarded within its conntrack timeout, then dropped as unopened: "
                                    "conflicts with label 0000000000000005, 1.000000 s earlier (its state holds 30.000000 s)");
    ck_assert_ptr_null(example_note(r, "relation.fw", 7));
    ck_assert_ptr_null(example_note(r, "relation.fw", 8));
    ck_assert_str_eq(example_note(r, "relation.fw", 9), "forwarded inadmissible: an ICMP error about a flow no packet the ACL "
                                    "allows could have opened");
    ck_assert_str_eq(vnfo_report_entry_summary(e), "4 of 9 sampled packets inadmissible and 1 conflicting "
                                                   "facts under the relation firewall");
    vnfo_report_free(r);
    vnfo_verifier_free(v);
}
END_TEST

/* ---- masquerading NAT ---------------------------------------------------------- */

static struct mb_nat_relation nat_rel;
static const uint8_t POOL[4] = {203, 0, 113, 7};

static vnfo_verifier *nat_verifier(void)
{
    mb_nat_relation_init(&nat_rel, POOL, 32, 20000, 59999);
    vnfo_relation rel;
    mb_nat_relation(&rel);
    vnfo_verifier *v = verifier();
    ck_assert_status(vnfo_verifier_relation_set(v, "nat", &rel, &nat_rel), VNFO_OK);
    return v;
}

/* A leaving packet and its translation from pool address `pub`:`port`. */
static void nat_leave(vnfo_verifier *v, uint64_t label, uint64_t t, uint8_t proto, const uint8_t src[4],
                      uint16_t sport, const uint8_t dst[4], uint16_t dport, const uint8_t pub[4], uint16_t port,
                      const char *payload_out)
{
    traffic_spec s = spec4(proto, src, sport, dst, dport, "payload");
    struct pkt in = build(&s);
    memcpy(s.src, pub, 4);
    s.sport = port;
    if (payload_out)
        s.payload = (const uint8_t *)payload_out;
    struct pkt out = build(&s);
    add(v, 3, label, t, &in, &out);
}

START_TEST(test_nat_honest)
{
    vnfo_verifier *v = nat_verifier();
    uint8_t a[16], b[16], srv[16], pub[16];
    addr4(a, 10, 0, 0, 1);
    addr4(b, 10, 0, 0, 2);
    addr4(srv, 198, 18, 0, 1);
    memcpy(pub, POOL, 4);
    nat_leave(v, 1, 1 * SEC, 6, a, 40000, srv, 443, pub, 40000, NULL);
    nat_leave(v, 2, 2 * SEC, 6, a, 40000, srv, 443, pub, 40000, NULL);
    /* b's flow to the same server gets another port. */
    nat_leave(v, 3, 2 * SEC, 6, b, 40000, srv, 443, pub, 40001, NULL);
    /* The reply, translated back. */
    traffic_spec s = spec4(6, srv, 443, pub, 40000, "payload");
    struct pkt in = build(&s);
    memcpy(s.dst, a, 4);
    struct pkt out = build(&s);
    add(v, 3, 4, 3 * SEC, &in, &out);
    /* A reply without a mapping is dropped. */
    s = spec4(6, srv, 443, pub, 41000, "payload");
    struct pkt stray = build(&s);
    add(v, 3, 5, 3 * SEC, &stray, NULL);
    /* Port 40001 reused by a's later flow after b's UDP-free TCP mapping
     * surely could have ended (11 s > 10 s). */
    nat_leave(v, 6, 14 * SEC, 6, a, 40002, srv, 443, pub, 40001, NULL);
    vnfo_report *r = run(v, 3);
    const vnfo_report_entry *e = entry(r, "relation.nat");
    ck_assert_msg(vnfo_report_entry_verdict(e) == VNFO_REPORT_PASS, "%s", vnfo_report_entry_summary(e));
    ck_assert_uint_eq(evidence_uint(e, "checked"), 6);
    ck_assert_uint_eq(evidence_uint(e, "facts"), 10);
    vnfo_report_free(r);
    vnfo_verifier_free(v);
}
END_TEST

START_TEST(test_nat_cheats)
{
    vnfo_verifier *v = nat_verifier();
    uint8_t a[16], b[16], c[16], srv[16], pub[16], other[16];
    addr4(a, 10, 0, 0, 1);
    addr4(b, 10, 0, 0, 2);
    addr4(c, 10, 0, 0, 3);
    addr4(srv, 198, 18, 0, 1);
    memcpy(pub, POOL, 4);
    addr4(other, 203, 0, 113, 8);
    /* One flow, two ports 2 s apart. */
    nat_leave(v, 1, 1 * SEC, 6, a, 40000, srv, 443, pub, 40000, NULL);
    nat_leave(v, 2, 3 * SEC, 6, a, 40000, srv, 443, pub, 40005, NULL);
    /* Two flows, one port. */
    nat_leave(v, 3, 5 * SEC, 17, b, 5353, srv, 53, pub, 30000, NULL);
    nat_leave(v, 4, 6 * SEC, 17, c, 5353, srv, 53, pub, 30000, NULL);
    /* Out of the port range, out of the pool, payload changed. */
    nat_leave(v, 5, 7 * SEC, 17, c, 6000, srv, 53, pub, 1000, NULL);
    nat_leave(v, 6, 7 * SEC, 17, c, 6001, srv, 53, other, 30001, NULL);
    nat_leave(v, 7, 7 * SEC, 17, c, 6002, srv, 53, pub, 30002, "PAYLOAD");
    /* A leaving packet dropped. */
    traffic_spec s = spec4(17, c, 6003, srv, 53, "payload");
    struct pkt in = build(&s);
    add(v, 3, 8, 7 * SEC, &in, NULL);
    /* One flow, two ports, but 40 s apart (UDP): the mapping may have expired. */
    nat_leave(v, 9, 50 * SEC, 17, c, 7000, srv, 53, pub, 31000, NULL);
    nat_leave(v, 10, 90 * SEC, 17, c, 7000, srv, 53, pub, 31001, NULL);
    vnfo_report *r = run(v, 3);
    const vnfo_report_entry *e = entry(r, "relation.nat");
    ck_assert_int_eq(vnfo_report_entry_verdict(e), VNFO_REPORT_FAIL);
    ck_assert_uint_eq(evidence_uint(e, "inadmissible"), 4);
    ck_assert_uint_eq(evidence_uint(e, "conflicts"), 2);
    ck_assert_str_eq(example_note(r, "relation.nat", 2), "one original flow, two rewritten tuples: conflicts with label "
                                    "0000000000000001, 2.000000 s earlier (its state holds 10.000000 s)");
    ck_assert_str_eq(example_note(r, "relation.nat", 4), "two live original flows, one rewritten tuple: conflicts with label "
                                    "0000000000000003, 1.000000 s earlier (its state holds 30.000000 s)");
    ck_assert_str_eq(example_note(r, "relation.nat", 5), "forwarded inadmissible: the rewritten source port is outside the port range");
    ck_assert_str_eq(example_note(r, "relation.nat", 6), "forwarded inadmissible: the rewritten source address is outside the pool");
    ck_assert_str_eq(example_note(r, "relation.nat", 7), "forwarded inadmissible: bytes other than the source address, port and "
                                    "checksums changed");
    ck_assert_str_eq(example_note(r, "relation.nat", 8), "dropped inadmissible: a masquerading NAT forwards every leaving TCP/UDP packet");
    ck_assert_ptr_null(example_note(r, "relation.nat", 9));
    ck_assert_ptr_null(example_note(r, "relation.nat", 10));
    vnfo_report_free(r);
    vnfo_verifier_free(v);
}
END_TEST

/* ---- routed functions: the kernel forwards, so hop fields change -------------- */

/* in as a router forwards it: TTL 63, another DSCP, new MAC addresses
 * (checksums fixed); ip_id, when not 0, also changes the IP id. */
static struct pkt routed(traffic_spec s, uint16_t ip_id)
{
    s.ttl = 63;
    s.tos = 0x28;
    if (ip_id)
        s.ip_id = ip_id;
    struct pkt p = build(&s);
    memset(p.b, 0x42, 12);
    return p;
}

START_TEST(test_routed)
{
    uint8_t a[16], srv[16], pub[16];
    addr4(a, 10, 0, 0, 1);
    addr4(srv, 198, 18, 0, 1);
    memcpy(pub, POOL, 4);
    vnfo_verifier *v = fw_verifier();
    traffic_spec s = spec4(17, a, 40000, srv, 53, "query");
    struct pkt in = build(&s);
    struct pkt hop = routed(s, 0), id = routed(s, 0x4242);
    add(v, 1, 1, 1 * SEC, &in, &hop);
    add(v, 1, 2, 2 * SEC, &in, &id);
    vnfo_report *r = run(v, 1);
    const vnfo_report_entry *e = entry(r, "relation.fw");
    ck_assert_uint_eq(evidence_uint(e, "inadmissible"), 1);
    ck_assert_ptr_null(example_note(r, "relation.fw", 1));
    ck_assert_str_eq(example_note(r, "relation.fw", 2), "forwarded inadmissible: the firewall changed the packet");
    vnfo_report_free(r);
    vnfo_verifier_free(v);

    v = nat_verifier();
    traffic_spec t = s;
    memcpy(t.src, pub, 4);
    t.sport = 30000;
    hop = routed(t, 0);
    id = routed(t, 0x4242);
    add(v, 3, 1, 1 * SEC, &in, &hop);
    add(v, 3, 2, 2 * SEC, &in, &id);
    r = run(v, 3);
    e = entry(r, "relation.nat");
    ck_assert_uint_eq(evidence_uint(e, "inadmissible"), 1);
    ck_assert_ptr_null(example_note(r, "relation.nat", 1));
    ck_assert_str_eq(example_note(r, "relation.nat", 2), "forwarded inadmissible: bytes other than the source address, port and "
                                    "checksums changed");
    vnfo_report_free(r);
    vnfo_verifier_free(v);
}
END_TEST

/* ---- stream IDS ----------------------------------------------------------------- */

static struct mb_ids ids;
static struct mb_ids_relation ids_rel;

static vnfo_verifier *ids_verifier(void)
{
    struct mb_error err;
    memset(&ids, 0, sizeof ids);
    ids.linktype = 1;
    ck_assert_int_eq(mb_ids_add(&ids, "EVIL-PAYLOAD", 12, 1, &err), 0);
    ck_assert_int_eq(mb_ids_add(&ids, "alert-me", 8, 0, &err), 0);
    ids_rel.ids = &ids;
    vnfo_relation rel;
    mb_ids_relation(&rel);
    vnfo_verifier *v = verifier();
    ck_assert_status(vnfo_verifier_relation_set(v, "ids", &rel, &ids_rel), VNFO_OK);
    return v;
}

/* A TCP segment of the flow (sport selects the flow) at sequence seq. */
static struct pkt segment(uint16_t sport, uint32_t seq, uint8_t flags, const char *payload)
{
    uint8_t a[16], srv[16];
    addr4(a, 10, 0, 0, 1);
    addr4(srv, 198, 18, 0, 1);
    traffic_spec s = spec4(6, a, sport, srv, 80, payload);
    s.seq = seq;
    s.tcp_flags = flags;
    return build(&s);
}

START_TEST(test_ids_stream)
{
    vnfo_verifier *v = ids_verifier();
    /* 1: dropped, and no signature can end in "hello ...": inadmissible. */
    struct pkt p1 = segment(1001, 5000, 0x18, "hello world, nothing to see here");
    add(v, 2, 1, 1 * SEC, &p1, NULL);
    /* 2: dropped, begins with "LOAD": the rest of the signature may lie in
     * the unseen segment before it. */
    struct pkt p2 = segment(1002, 5000, 0x18, "LOAD and more");
    add(v, 2, 2, 2 * SEC, &p2, NULL);
    /* 3, 4: the same, but the previous segment was sampled and is
     * contiguous, and its bytes do not end with "EVIL-PAY". */
    struct pkt p3 = segment(1003, 4990, 0x18, "harmless!!");
    struct pkt p4 = segment(1003, 5000, 0x18, "LOAD and more");
    add(v, 2, 3, 3 * SEC, &p3, &p3);
    add(v, 2, 4, 4 * SEC, &p4, NULL);
    /* 5, 6: contiguous and completing the match: admissible. */
    struct pkt p5 = segment(1004, 4992, 0x18, "xxEVIL-PAY");
    struct pkt p6 = segment(1004, 5002, 0x18, "LOAD and more");
    add(v, 2, 5, 5 * SEC, &p5, &p5);
    add(v, 2, 6, 6 * SEC, &p6, NULL);
    /* 7, 8: the stream starts at a sampled SYN: nothing lies before. */
    struct pkt p7 = segment(1005, 4999, 0x02, NULL);
    struct pkt p8 = segment(1005, 5000, 0x18, "LOAD and more");
    add(v, 2, 7, 7 * SEC, &p7, &p7);
    add(v, 2, 8, 8 * SEC, &p8, NULL);
    /* 9: the whole signature inside, dropped: admissible; 10: forwarded. */
    struct pkt p9 = segment(1006, 5000, 0x18, "an EVIL-PAYLOAD here");
    add(v, 2, 9, 9 * SEC, &p9, NULL);
    add(v, 2, 10, 10 * SEC, &p9, &p9);
    /* 11: an alert signature does not drop. */
    struct pkt p11 = segment(1007, 5000, 0x18, "alert-me");
    add(v, 2, 11, 11 * SEC, &p11, NULL);
    vnfo_report *r = run(v, 2);
    const vnfo_report_entry *e = entry(r, "relation.ids");
    ck_assert_int_eq(vnfo_report_entry_verdict(e), VNFO_REPORT_FAIL);
    ck_assert_uint_eq(evidence_uint(e, "checked"), 11);
    ck_assert_uint_eq(evidence_uint(e, "flows"), 7);
    ck_assert_uint_eq(evidence_uint(e, "inadmissible"), 5);
    const char *none = "dropped inadmissible: no drop signature can end in this segment, whatever the unseen bytes";
    ck_assert_str_eq(example_note(r, "relation.ids", 1), none);
    ck_assert_ptr_null(example_note(r, "relation.ids", 2));
    ck_assert_str_eq(example_note(r, "relation.ids", 4), none);
    ck_assert_ptr_null(example_note(r, "relation.ids", 6));
    ck_assert_str_eq(example_note(r, "relation.ids", 8), none);
    ck_assert_ptr_null(example_note(r, "relation.ids", 9));
    ck_assert_str_eq(example_note(r, "relation.ids", 10), "forwarded inadmissible: a drop signature's match completes in bytes the IDS saw");
    ck_assert_str_eq(example_note(r, "relation.ids", 11), none);
    vnfo_report_free(r);
    vnfo_verifier_free(v);
}
END_TEST

/* ---- the stateful middleboxes themselves ------------------------------------------- */

static vnfo_reference_verdict box(vnfo_reference_fn fn, void *ctx, const struct pkt *in, struct pkt *out)
{
    vnfo_reference_resources res;
    memset(&res, 0, sizeof res);
    out->len = 0;
    return fn(ctx, in->b, in->len, out->b, sizeof out->b, &out->len, &res);
}

START_TEST(test_stateful_firewall_box)
{
    struct mb_error err;
    static struct mb_stateful_firewall fw;
    ck_assert_int_eq(mb_firewall_parse(&acl, "allow udp 10.0.0.0/8 any any any\n"
                                             "allow tcp 10.0.0.0/8 any any any\ndefault deny\n", "acl", 1, &err), 0);
    memset(&fw, 0, sizeof fw);
    fw.acl = &acl;
    ck_assert_int_eq(mb_flowtable_init(&fw.ct), 0);
    uint8_t in[16], out[16];
    addr4(in, 10, 0, 0, 1);
    addr4(out, 198, 18, 0, 1);
    traffic_spec s = spec4(17, out, 53, in, 4000, "a");
    struct pkt reply = build(&s), got;
    s = spec4(17, in, 4000, out, 53, "q");
    struct pkt query = build(&s);
    fw.now_ns = 1 * SEC;
    ck_assert_int_eq(box(mb_stateful_firewall, &fw, &reply, &got), VNFO_REFERENCE_DROP); /* not opened */
    ck_assert_int_eq(box(mb_stateful_firewall, &fw, &query, &got), VNFO_REFERENCE_FORWARD);
    ck_assert_mem_eq(got.b, query.b, query.len);
    fw.now_ns = 2 * SEC;
    ck_assert_int_eq(box(mb_stateful_firewall, &fw, &reply, &got), VNFO_REFERENCE_FORWARD); /* established */
    traffic_spec q = spec4(17, in, 4000, out, 53, "q");
    struct pkt err_pkt = icmp_error(out, in, &q);
    ck_assert_int_eq(box(mb_stateful_firewall, &fw, &err_pkt, &got), VNFO_REFERENCE_FORWARD); /* related */
    fw.now_ns = 33 * SEC; /* 31 s idle: the UDP flow expired */
    ck_assert_int_eq(box(mb_stateful_firewall, &fw, &reply, &got), VNFO_REFERENCE_DROP);
    /* A SYN from outside never opens a flow, even one the inside opened. */
    s = spec4(6, in, 5000, out, 443, NULL);
    s.tcp_flags = 0x02;
    struct pkt syn = build(&s);
    ck_assert_int_eq(box(mb_stateful_firewall, &fw, &syn, &got), VNFO_REFERENCE_FORWARD);
    s = spec4(6, out, 443, in, 5000, NULL);
    s.tcp_flags = 0x02;
    struct pkt back_syn = build(&s);
    ck_assert_int_eq(box(mb_stateful_firewall, &fw, &back_syn, &got), VNFO_REFERENCE_DROP);
    s.tcp_flags = 0x12;
    struct pkt synack = build(&s);
    ck_assert_int_eq(box(mb_stateful_firewall, &fw, &synack, &got), VNFO_REFERENCE_FORWARD);
    mb_flowtable_free(&fw.ct);
}
END_TEST

START_TEST(test_masquerade_box)
{
    static struct mb_masquerade m;
    memset(&m, 0, sizeof m);
    m.linktype = 1;
    memcpy(m.public_ipv4, POOL, 4);
    m.port_lo = 20000;
    m.port_hi = 59999;
    ck_assert_int_eq(mb_flowtable_init(&m.orig), 0);
    ck_assert_int_eq(mb_flowtable_init(&m.rew), 0);
    uint8_t a[16], b[16], srv[16], pub[16];
    addr4(a, 10, 0, 0, 1);
    addr4(b, 10, 0, 0, 2);
    addr4(srv, 198, 18, 0, 1);
    memcpy(pub, POOL, 4);
    struct pkt got;
    struct mb_view v;
    m.now_ns = 1 * SEC;
    /* a keeps its port 40000. */
    traffic_spec s = spec4(17, a, 40000, srv, 53, "q");
    struct pkt pa = build(&s);
    ck_assert_int_eq(box(mb_masquerade, &m, &pa, &got), VNFO_REFERENCE_FORWARD);
    traffic_spec want = s;
    memcpy(want.src, pub, 4);
    struct pkt expect = build(&want); /* checksums updated as a fresh build computes them */
    ck_assert_uint_eq(got.len, expect.len);
    ck_assert_mem_eq(got.b, expect.b, expect.len);
    /* b with the same port to the same server gets another port. */
    s = spec4(17, b, 40000, srv, 53, "q");
    struct pkt pb = build(&s);
    ck_assert_int_eq(box(mb_masquerade, &m, &pb, &got), VNFO_REFERENCE_FORWARD);
    ck_assert_int_eq(mb_packet_parse(&v, got.b, got.len, 1), 0);
    uint16_t b_port = v.sport;
    ck_assert_uint_ne(b_port, 40000);
    ck_assert(b_port >= 20000 && b_port <= 59999);
    /* The reply to b is translated back to b:40000. */
    s = spec4(17, srv, 53, pub, b_port, "a");
    struct pkt reply = build(&s);
    ck_assert_int_eq(box(mb_masquerade, &m, &reply, &got), VNFO_REFERENCE_FORWARD);
    traffic_spec back = s;
    memcpy(back.dst, b, 4);
    back.dport = 40000;
    expect = build(&back);
    ck_assert_mem_eq(got.b, expect.b, expect.len);
    /* a reply to no mapping is dropped; a port below the range is moved. */
    s = spec4(17, srv, 53, pub, 45000, "a");
    struct pkt stray = build(&s);
    ck_assert_int_eq(box(mb_masquerade, &m, &stray, &got), VNFO_REFERENCE_DROP);
    s = spec4(17, a, 53, srv, 53, "q");
    struct pkt low = build(&s);
    ck_assert_int_eq(box(mb_masquerade, &m, &low, &got), VNFO_REFERENCE_FORWARD);
    ck_assert_int_eq(mb_packet_parse(&v, got.b, got.len, 1), 0);
    ck_assert(v.sport >= 20000 && v.sport <= 59999);
    /* After 31 s idle a's mapping is gone and b may take port 40000 again. */
    m.now_ns = 33 * SEC;
    ck_assert_int_eq(box(mb_masquerade, &m, &pb, &got), VNFO_REFERENCE_FORWARD);
    ck_assert_int_eq(mb_packet_parse(&v, got.b, got.len, 1), 0);
    ck_assert_uint_eq(v.sport, 40000);
    mb_flowtable_free(&m.orig);
    mb_flowtable_free(&m.rew);
}
END_TEST

START_TEST(test_stream_ids_box)
{
    struct mb_error err;
    static struct mb_stream_ids sids;
    memset(&ids, 0, sizeof ids);
    ids.linktype = 1;
    ck_assert_int_eq(mb_ids_add(&ids, "EVIL-PAYLOAD", 12, 1, &err), 0);
    ck_assert_int_eq(mb_stream_ids_init(&sids, &ids), 0);
    struct pkt got;
    /* SYN, then the signature split over two in-order segments: the
     * second is dropped, the first forwarded. */
    struct pkt syn = segment(2001, 999, 0x02, NULL);
    struct pkt a = segment(2001, 1000, 0x18, "xxEVIL-PAY");
    struct pkt b = segment(2001, 1010, 0x18, "LOAD and more");
    ck_assert_int_eq(box(mb_stream_ids, &sids, &syn, &got), VNFO_REFERENCE_FORWARD);
    ck_assert_int_eq(box(mb_stream_ids, &sids, &a, &got), VNFO_REFERENCE_FORWARD);
    ck_assert_mem_eq(got.b, a.b, a.len);
    ck_assert_int_eq(box(mb_stream_ids, &sids, &b, &got), VNFO_REFERENCE_DROP);
    /* The same halves with a gap between them: no match. */
    struct pkt c = segment(2002, 1000, 0x18, "xxEVIL-PAY");
    struct pkt d = segment(2002, 1011, 0x18, "LOAD and more");
    ck_assert_int_eq(box(mb_stream_ids, &sids, &c, &got), VNFO_REFERENCE_FORWARD);
    ck_assert_int_eq(box(mb_stream_ids, &sids, &d, &got), VNFO_REFERENCE_FORWARD);
    /* Three segments: the match spans the middle one entirely. */
    struct pkt e = segment(2003, 1000, 0x18, "EVIL");
    struct pkt f = segment(2003, 1004, 0x18, "-PAY");
    struct pkt g = segment(2003, 1008, 0x18, "LOAD");
    ck_assert_int_eq(box(mb_stream_ids, &sids, &e, &got), VNFO_REFERENCE_FORWARD);
    ck_assert_int_eq(box(mb_stream_ids, &sids, &f, &got), VNFO_REFERENCE_FORWARD);
    ck_assert_int_eq(box(mb_stream_ids, &sids, &g, &got), VNFO_REFERENCE_DROP);
    /* A whole match inside one segment, whatever came before. */
    struct pkt h = segment(2004, 77, 0x18, "an EVIL-PAYLOAD");
    ck_assert_int_eq(box(mb_stream_ids, &sids, &h, &got), VNFO_REFERENCE_DROP);
    mb_stream_ids_free(&sids);
}
END_TEST

/* ---- detection power against the sampling rate ------------------------------------ */

static uint64_t rng_state = 42;

static int sampled(double p) { return (double)(traffic_rand(&rng_state) >> 11) / 9007199254740992.0 < p; }

/* Share of `flows` cheating flows caught at sampling probability p.  Each
 * NAT flow sends k packets on one port, then k on a second (within the
 * mapping's life); each firewall flow forwards k packets no allowed packet
 * could open.  Only sampled packets are logged. */
static int power_chunk(int nat, double p, int k, int first, int flows)
{
    vnfo_verifier *v = nat ? nat_verifier() : fw_verifier();
    uint8_t src[16], dst[16], pub[16];
    memcpy(pub, POOL, 4);
    for (int f = first; f < first + flows; f++) {
        addr4(src, 10, 1, (uint8_t)(f >> 8), (uint8_t)f);
        addr4(dst, 198, 18, (uint8_t)(f >> 8), (uint8_t)f);
        for (int i = 0; i < 2 * k; i++) {
            if (!nat && i >= k)
                break;
            if (!sampled(p))
                continue;
            uint64_t label = (uint64_t)f << 16 | (uint64_t)i;
            if (nat) {
                nat_leave(v, label, (uint64_t)i * 100000, 17, src, 5000, dst, 53, pub,
                          (uint16_t)(20000 + 2 * f + (i >= k)), NULL);
            } else {
                traffic_spec s = spec4(17, dst, 53, src, 5000, "x");
                memcpy(s.dst, dst, 4);
                s.dst[0] = 203; /* outside to outside */
                struct pkt q = build(&s);
                add(v, 1, label, (uint64_t)i * 100000, &q, &q);
            }
        }
    }
    vnfo_report *r = run(v, nat ? 3 : 1);
    const vnfo_report_entry *e = entry(r, nat ? "relation.nat" : "relation.fw");
    /* Every violation is an example (at most 1024 in a chunk). */
    uint64_t total = vnfo_report_entry_examples_total(e);
    ck_assert_uint_le(total, 1024);
    char caught[1024] = {0};
    for (size_t i = 0; i < total; i++) {
        uint64_t l;
        ck_assert_status(vnfo_report_entry_example_at(&l, e, i), VNFO_OK);
        ck_assert_uint_ge(l >> 16, (uint64_t)first);
        ck_assert_uint_lt(l >> 16, (uint64_t)(first + flows));
        caught[(l >> 16) - (uint64_t)first] = 1;
    }
    int n = 0;
    for (int f = 0; f < flows; f++)
        n += caught[f];
    vnfo_report_free(r);
    vnfo_verifier_free(v);
    return n;
}

static double power(int nat, double p, int k, int flows)
{
    int chunk = 1000 / (2 * k), caught = 0;
    for (int f = 0; f < flows; f += chunk)
        caught += power_chunk(nat, p, k, f, f + chunk <= flows ? chunk : flows - f);
    return (double)caught / flows;
}

/* The measured power stays within 0.1 of the exact probability, and a
 * violation only one packet shows is caught with probability p: the table
 * of docs/verify.md, "Detection power". */
START_TEST(test_detection_power)
{
    static const unsigned dens[] = {1, 4, 16, 64};
    static const int ks[] = {1, 4, 16, 64};
    printf("relation detection power (400 cheating flows each)\n"
           "rate    k   firewall (theory)  nat-remap (theory)\n");
    for (size_t d = 0; d < 4; d++)
        for (size_t j = 0; j < 4; j++) {
            double p = 1.0 / dens[d];
            int k = ks[j];
            double fw = power(0, p, k, 400), nat = power(1, p, k, 400);
            double fw_t = 1 - pow(1 - p, k), one = 1 - pow(1 - p, k), nat_t = one * one;
            printf("1/%-3u %3d   %.3f (%.3f)      %.3f (%.3f)\n", dens[d], k, fw, fw_t, nat, nat_t);
            ck_assert_msg(fabs(fw - fw_t) < 0.1, "firewall 1/%u k=%d: %.3f vs %.3f", dens[d], k, fw, fw_t);
            ck_assert_msg(fabs(nat - nat_t) < 0.1, "nat 1/%u k=%d: %.3f vs %.3f", dens[d], k, nat, nat_t);
        }
}
END_TEST

/* An honest stateful provider, simulated: the stateful firewall and the
 * masquerading NAT of `vnfo simulate` pass their relations. */
#define SIM_PACKETS 3000
static uint8_t frames[SIM_PACKETS][TRAFFIC_FRAME_MAX];
static size_t frame_len[SIM_PACKETS];

static int next_frame(void *ctx, const uint8_t **pkt, size_t *len, size_t *wire_len, uint64_t *ts_ns)
{
    size_t *next = ctx;
    if (*next >= SIM_PACKETS)
        return 0;
    *pkt = frames[*next];
    *len = *wire_len = frame_len[*next];
    /* 2 ms apart: 6 s of traffic, past the 1 s heartbeat, within timeouts. */
    *ts_ns = T0 + (uint64_t)*next * 2000000ULL;
    (*next)++;
    return 1;
}

/* The demo manifest with the stateful functions named. */
static vnfo_manifest *stateful_manifest(void)
{
    char path[160], text[8192], out[8400], *w = out;
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    for (const char *p = text; *p;) {
        if (strncmp(p, "\"function\": \"firewall\"", 22) == 0) {
            w += sprintf(w, "\"function\": \"stateful-firewall\"");
            p += 22;
        } else if (strncmp(p, "\"function\": \"ids\", ", 19) == 0) {
            w += sprintf(w, "\"function\": \"stream-ids\", ");
            p += 19;
        } else if (strncmp(p, "\"function\": \"nat\"", 17) == 0) {
            w += sprintf(w, "\"function\": \"masquerade-nat\"");
            p += 17;
        } else {
            *w++ = *p++;
        }
    }
    *w = '\0';
    vnfo_manifest *m;
    ck_assert_status(vnfo_manifest_parse(&m, out, strlen(out), "stateful.json"), VNFO_OK);
    ck_assert_str_eq(vnfo_manifest_chain_function(m, 0), "stateful-firewall");
    ck_assert_str_eq(vnfo_manifest_chain_function(m, 1), "stream-ids");
    ck_assert_str_eq(vnfo_manifest_chain_function(m, 2), "masquerade-nat");
    return m;
}

START_TEST(test_simulated_honest)
{
    vnfo_manifest *m = stateful_manifest();
    traffic_gen g;
    ck_assert_int_eq(traffic_gen_init(&g, 5, 200), 0);
    for (size_t i = 0; i < SIM_PACKETS; i++)
        frame_len[i] = traffic_gen_next(&g, frames[i], TRAFFIC_FRAME_MAX, NULL);
    traffic_gen_free(&g);
    char out[128], path[192];
    snprintf(out, sizeof out, "%s/stateful", dir);
    ck_assert_int_eq(mkdir(out, 0700), 0);
    struct sim_options o = {m, dir, out, SIM_HONEST, 3, 1, 0};
    size_t next = 0;
    ck_assert_msg(sim_run(NULL, &o, next_frame, &next) == VNFO_OK, "%s", sim_error());
    static struct sim_functions fns;
    sim_functions_init(&fns, 1);
    vnfo_verifier *v;
    ck_assert_status(vnfo_verifier_create(&v, m, NULL), VNFO_OK);
    for (size_t i = 0; i < 3; i++) {
        const char *name = vnfo_manifest_chain_name(m, i);
        vnfo_relation rel;
        void *ctx;
        if (sim_relation(&rel, &ctx, &fns, vnfo_manifest_chain_function(m, i)) == 0)
            ck_assert_status(vnfo_verifier_relation_set(v, name, &rel, ctx), VNFO_OK);
        snprintf(path, sizeof path, "%s/%s.log", out, name);
        ck_assert_status(vnfo_verifier_log_add_file(v, name, path), VNFO_OK);
    }
    vnfo_report *r;
    ck_assert_status(vnfo_verifier_run(&r, v), VNFO_OK);
    /* Every functional check passes (no bill is given: accounting aside). */
    for (size_t i = 0; i < vnfo_report_entry_count(r); i++) {
        const vnfo_report_entry *e = vnfo_report_entry_at(r, i);
        if (vnfo_report_entry_category(e) == VNFO_REPORT_FUNCTIONALITY)
            ck_assert_msg(vnfo_report_entry_verdict(e) == VNFO_REPORT_PASS, "%s: %s", vnfo_report_entry_name(e),
                          vnfo_report_entry_summary(e));
    }
    const vnfo_report_entry *fw = entry(r, "relation.fw"), *nat = entry(r, "relation.nat");
    const vnfo_report_entry *ids_e = entry(r, "relation.ids");
    ck_assert_int_eq(vnfo_report_entry_verdict(ids_e), VNFO_REPORT_PASS);
    ck_assert_uint_gt(evidence_uint(ids_e, "checked"), 500);
    ck_assert_int_eq(vnfo_report_entry_verdict(fw), VNFO_REPORT_PASS);
    ck_assert_int_eq(vnfo_report_entry_verdict(nat), VNFO_REPORT_PASS);
    ck_assert_uint_gt(evidence_uint(fw, "checked"), 500);
    ck_assert_uint_gt(evidence_uint(nat, "facts"), 500);
    vnfo_report_free(r);
    vnfo_verifier_free(v);
    vnfo_manifest_free(m);
}
END_TEST

Suite *relation_suite(void);

Suite *relation_suite(void)
{
    Suite *s = suite_create("relation");
    TCase *tc = tcase_create("relation");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_api);
    tcase_add_test(tc, test_no_bytes_inconclusive);
    tcase_add_test(tc, test_reason_escaped);
    tcase_add_test(tc, test_firewall);
    tcase_add_test(tc, test_nat_honest);
    tcase_add_test(tc, test_nat_cheats);
    tcase_add_test(tc, test_routed);
    tcase_add_test(tc, test_ids_stream);
    tcase_add_test(tc, test_stateful_firewall_box);
    tcase_add_test(tc, test_masquerade_box);
    tcase_add_test(tc, test_stream_ids_box);
    tcase_add_test(tc, test_detection_power);
    tcase_add_test(tc, test_simulated_honest);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return vnfo_test_run(relation_suite()); }
