/* Check suite for the verifier-side resolver: original flow and chain
 * position through two rewrites, unknown tags, conflicts, forbidden
 * rewrites, expiry and updates over time. */
#include <vnfo/flowtag.h>

#include "flowtag_testutil.h"
#include "traffic.h"

/* firewall (1) -> NAT (2, rewrites) -> load balancer (3, rewrites) -> IDS (4) */
static const vnfo_flowtag_hop CHAIN[] = {{1, 0}, {2, 1}, {3, 1}, {4, 0}};

struct path {
    vnfo_flow_key in, mid, out;
    uint32_t tag;
};

static vnfo_flowtag_resolver *resolver(void)
{
    vnfo_flowtag_resolver *r;
    ck_assert_status(vnfo_flowtag_resolver_create(&r, CHAIN, 4), VNFO_OK);
    return r;
}

/* One flow through NAT and load balancer at time t, mappings added to r. */
static struct path run_flow(vnfo_flowtag_resolver *r, vnfo_flowtag_table *nat, vnfo_flowtag_table *lb,
                            uint32_t i, uint64_t t)
{
    struct path p;
    p.in = ft_key4(i, 5);
    p.mid = ft_nat(&p.in, i);
    p.out = p.mid;
    p.out.dst[3] = (uint8_t)(100 + i % 4);
    vnfo_flowtag_event ev;
    ck_assert_status(vnfo_flowtag_generate(&ev, nat, &p.in, &p.mid, 9, 1, t), VNFO_OK);
    ck_assert_status(vnfo_flowtag_resolver_add(r, &ev), VNFO_OK);
    p.tag = ev.context.tag;
    ck_assert_status(vnfo_flowtag_adopt(&ev, lb, p.tag, &p.mid, &p.out, 9, 1, t), VNFO_OK);
    ck_assert_status(vnfo_flowtag_resolver_add(r, &ev), VNFO_OK);
    return p;
}

static vnfo_flowtag_observation obs(uint32_t node, uint32_t tag, uint64_t t, const vnfo_flow_key *k)
{
    vnfo_flowtag_observation o;
    memset(&o, 0, sizeof o);
    o.node_id = node;
    o.tag = tag;
    o.time = t;
    o.flow = *k;
    o.has_flow = 1;
    return o;
}

static vnfo_flowtag_table *node_table(uint32_t node)
{
    vnfo_flowtag_options o = VNFO_FLOWTAG_OPTIONS_INIT;
    o.capacity = 1000;
    o.node_id = node;
    vnfo_flowtag_table *t;
    ck_assert_status(vnfo_flowtag_table_create(&t, &o), VNFO_OK);
    return t;
}

START_TEST(test_resolve_through_two_rewrites)
{
    vnfo_flowtag_resolver *r = resolver();
    vnfo_flowtag_table *nat = node_table(2), *lb = node_table(3);
    struct path p = run_flow(r, nat, lb, 7, 100);
    vnfo_flowtag_resolution res;
    vnfo_flowtag_observation o;
    /* Before the NAT: untagged, the flow is its own origin. */
    o = obs(1, 0, 100, &p.in);
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_OK);
    ck_assert_mem_eq(&res.original, &p.in, sizeof p.in);
    ck_assert_uint_eq(res.position, 0);
    ck_assert_uint_eq(res.rewrites, 0);
    ck_assert_uint_eq(res.tagging_node, 0);
    /* After the NAT, after the LB, after the IDS. */
    const vnfo_flow_key *seen[] = {&p.mid, &p.out, &p.out};
    uint32_t rewrites[] = {1, 2, 2};
    for (uint32_t node = 2; node <= 4; node++) {
        o = obs(node, p.tag, 101, seen[node - 2]);
        ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_OK);
        ck_assert_mem_eq(&res.original, &p.in, sizeof p.in);
        ck_assert_uint_eq(res.position, node - 1);
        ck_assert_uint_eq(res.rewrites, rewrites[node - 2]);
        ck_assert_uint_eq(res.tagging_node, 2);
        ck_assert_uint_eq(res.service_path_id, 9);
    }
    vnfo_flowtag_table_free(nat);
    vnfo_flowtag_table_free(lb);
    vnfo_flowtag_resolver_free(r);
}
END_TEST

START_TEST(test_unknown_tags)
{
    vnfo_flowtag_resolver *r = resolver();
    vnfo_flowtag_table *nat = node_table(2), *lb = node_table(3);
    struct path p = run_flow(r, nat, lb, 1, 100);
    vnfo_flowtag_resolution res;
    vnfo_flowtag_observation o = obs(4, p.tag + 1, 101, &p.out);
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_E_FLOWTAG_UNKNOWN);
    ck_assert_uint_eq(res.position, 3);
    o = obs(4, p.tag, 99, &p.out); /* before the binding existed */
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_E_FLOWTAG_UNKNOWN);
    o = obs(1, p.tag, 101, &p.in); /* a tag before any tagging node */
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_E_FLOWTAG_UNKNOWN);
    /* Expired at both nodes at 200: later records are unknown. */
    vnfo_flowtag_event ev;
    ck_assert_status(vnfo_flowtag_release(&ev, nat, p.tag, 200), VNFO_OK);
    ck_assert_status(vnfo_flowtag_resolver_add(r, &ev), VNFO_OK);
    ck_assert_status(vnfo_flowtag_release(&ev, lb, p.tag, 200), VNFO_OK);
    ck_assert_status(vnfo_flowtag_resolver_add(r, &ev), VNFO_OK);
    o = obs(4, p.tag, 199, &p.out);
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_OK);
    o = obs(4, p.tag, 200, &p.out);
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_E_FLOWTAG_UNKNOWN);
    o = obs(9, p.tag, 150, &p.out);
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_E_NOT_FOUND);
    /* Updates and expiries of tags never bound are reported. */
    ck_assert_status(vnfo_flowtag_resolver_add(r, &ev), VNFO_E_FLOWTAG_UNKNOWN);
    ck_assert_str_eq(vnfo_error_message(), "flowtag mapping: node 3 tag 1 time 200: expiry of an unbound tag");
    ev.kind = VNFO_FLOWTAG_EVENT_UPDATE;
    ck_assert_status(vnfo_flowtag_resolver_add(r, &ev), VNFO_E_FLOWTAG_UNKNOWN);
    ev.context.node_id = 77;
    ck_assert_status(vnfo_flowtag_resolver_add(r, &ev), VNFO_E_NOT_FOUND);
    ck_assert_str_eq(vnfo_error_message(), "flowtag mapping: node 77 tag 1 time 200: node not in the chain");
    vnfo_flowtag_table_free(nat);
    vnfo_flowtag_table_free(lb);
    vnfo_flowtag_resolver_free(r);
}
END_TEST

START_TEST(test_reuse_after_expiry_and_conflict)
{
    vnfo_flowtag_resolver *r = resolver();
    vnfo_flow_key a = ft_key4(1, 1), b = ft_key4(2, 1);
    vnfo_flow_key a_out = ft_nat(&a, 1), b_out = ft_nat(&b, 2);
    vnfo_flowtag_event ev;
    memset(&ev, 0, sizeof ev);
    ev.context.node_id = 2;
    ev.context.tag = 5;
    ev.kind = VNFO_FLOWTAG_EVENT_BIND;
    ev.time = 10;
    ev.context.original = a;
    ev.context.rewritten = a_out;
    ck_assert_status(vnfo_flowtag_resolver_add(r, &ev), VNFO_OK);
    ck_assert_status(vnfo_flowtag_resolver_add(r, &ev), VNFO_OK); /* repeated: no change */
    ev.kind = VNFO_FLOWTAG_EVENT_EXPIRE;
    ev.time = 20;
    ck_assert_status(vnfo_flowtag_resolver_add(r, &ev), VNFO_OK);
    /* Tag 5 reused for b after the expiry: legitimate. */
    ev.kind = VNFO_FLOWTAG_EVENT_BIND;
    ev.time = 30;
    ev.context.original = b;
    ev.context.rewritten = b_out;
    ck_assert_status(vnfo_flowtag_resolver_add(r, &ev), VNFO_OK);
    vnfo_flowtag_resolution res;
    vnfo_flowtag_observation o = obs(2, 5, 15, &a_out);
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_OK);
    ck_assert_mem_eq(&res.original, &a, sizeof a);
    o = obs(2, 5, 35, &b_out);
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_OK);
    ck_assert_mem_eq(&res.original, &b, sizeof b);
    /* Rebinding 5 to a while b still holds it: two origins at once. */
    ev.time = 40;
    ev.context.original = a;
    ev.context.rewritten = a_out;
    ck_assert_status(vnfo_flowtag_resolver_add(r, &ev), VNFO_E_FLOWTAG_CONFLICT);
    ck_assert_str_eq(vnfo_error_message(),
                     "flowtag mapping: node 2 tag 5 time 40: tag already bound to another origin flow");
    o = obs(2, 5, 39, &b_out);
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_OK);
    o = obs(2, 5, 41, &b_out);
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_E_FLOWTAG_CONFLICT);
    ck_assert_uint_eq(res.offender_node, 2);
    /* Time going back for one tag is refused. */
    ev.time = 25;
    ck_assert_status(vnfo_flowtag_resolver_add(r, &ev), VNFO_E_INVALID_ARGUMENT);
    vnfo_flowtag_resolver_free(r);
}
END_TEST

START_TEST(test_update_over_time)
{
    vnfo_flowtag_resolver *r = resolver();
    vnfo_flowtag_table *nat = node_table(2), *lb = node_table(3);
    struct path p = run_flow(r, nat, lb, 3, 100);
    vnfo_flow_key mid2 = ft_nat(&p.in, 55);
    vnfo_flowtag_event ev;
    ck_assert_status(vnfo_flowtag_generate(&ev, nat, &p.in, &mid2, 9, 1, 150), VNFO_OK);
    ck_assert_uint_eq(ev.kind, VNFO_FLOWTAG_EVENT_UPDATE);
    ck_assert_status(vnfo_flowtag_resolver_add(r, &ev), VNFO_OK);
    vnfo_flowtag_resolution res;
    vnfo_flowtag_observation o = obs(2, p.tag, 149, &p.mid);
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_OK);
    o = obs(2, p.tag, 150, &mid2);
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_OK);
    ck_assert_mem_eq(&res.original, &p.in, sizeof p.in);
    /* After 150 the old NAT output no longer matches: and the LB still
     * claims the old one as its input, so the LB record breaks. */
    o = obs(3, p.tag, 151, &p.out);
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_E_FLOWTAG_REWRITE_FORBIDDEN);
    vnfo_flowtag_table_free(nat);
    vnfo_flowtag_table_free(lb);
    vnfo_flowtag_resolver_free(r);
}
END_TEST

START_TEST(test_forbidden_rewrites)
{
    vnfo_flowtag_resolver *r = resolver();
    vnfo_flowtag_table *nat = node_table(2), *lb = node_table(3), *ids = node_table(4);
    struct path p = run_flow(r, nat, lb, 2, 100);
    /* The IDS (may not modify headers) changed the destination port. */
    vnfo_flow_key bent = p.out;
    bent.dst_port = 8080;
    vnfo_flowtag_resolution res;
    vnfo_flowtag_observation o = obs(4, p.tag, 101, &bent);
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_E_FLOWTAG_REWRITE_FORBIDDEN);
    ck_assert_uint_eq(res.offender_node, 4);
    ck_assert_uint_eq(res.position, 3);
    /* It even logged a mapping for the rewrite: reported, and kept. */
    vnfo_flowtag_event ev;
    ck_assert_status(vnfo_flowtag_adopt(&ev, ids, p.tag, &p.out, &bent, 9, 1, 102), VNFO_OK);
    ck_assert_status(vnfo_flowtag_resolver_add(r, &ev), VNFO_E_FLOWTAG_REWRITE_FORBIDDEN);
    ck_assert_str_eq(vnfo_error_message(), "flowtag mapping: node 4 tag 1 time 102: the function may not "
                                           "modify headers but rewrote the flow");
    o = obs(4, p.tag, 103, &bent);
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_OK);
    ck_assert_uint_eq(res.rewrites, 3);
    /* A mapping of a non-rewriting node that keeps the flow is fine. */
    vnfo_flowtag_event keep = ev;
    keep.context.node_id = 1;
    keep.context.original = p.in;
    keep.context.rewritten = p.in;
    ck_assert_status(vnfo_flowtag_resolver_add(r, &keep), VNFO_OK);
    /* The LB's input differs from the NAT's output: the link in between. */
    vnfo_flowtag_resolver *r2 = resolver();
    ck_assert_status(vnfo_flowtag_generate(&ev, nat, &p.in, &p.mid, 9, 1, 300), VNFO_OK);
    ev.kind = VNFO_FLOWTAG_EVENT_BIND;
    ck_assert_status(vnfo_flowtag_resolver_add(r2, &ev), VNFO_OK);
    vnfo_flow_key mid_bent = p.mid;
    mid_bent.src_port++;
    ck_assert_status(vnfo_flowtag_adopt(&ev, lb, p.tag, &mid_bent, &p.out, 9, 1, 300), VNFO_E_FLOWTAG_CONFLICT);
    ev.kind = VNFO_FLOWTAG_EVENT_BIND;
    ev.context.node_id = 3;
    ev.context.original = mid_bent;
    ev.context.rewritten = p.out;
    ck_assert_status(vnfo_flowtag_resolver_add(r2, &ev), VNFO_OK);
    o = obs(3, p.tag, 301, &p.out);
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r2, &o), VNFO_E_FLOWTAG_REWRITE_FORBIDDEN);
    ck_assert_uint_eq(res.offender_node, 3);
    vnfo_flowtag_resolver_free(r2);
    vnfo_flowtag_table_free(nat);
    vnfo_flowtag_table_free(lb);
    vnfo_flowtag_table_free(ids);
    vnfo_flowtag_resolver_free(r);
}
END_TEST

START_TEST(test_create_refusals)
{
    vnfo_flowtag_resolver *r;
    const vnfo_flowtag_hop dup[] = {{1, 0}, {2, 1}, {1, 1}};
    ck_assert_status(vnfo_flowtag_resolver_create(&r, dup, 3), VNFO_E_INVALID_ARGUMENT);
    ck_assert_str_eq(vnfo_error_message(), "vnfo_flowtag_resolver_create: chain[2]: node 1 already at chain[0]");
    ck_assert_status(vnfo_flowtag_resolver_create(&r, dup, 0), VNFO_E_INVALID_ARGUMENT);
    vnfo_flowtag_resolver_free(NULL);
}
END_TEST

/* Many flows, tags reused after expiry: every record resolves. */
START_TEST(test_many_flows_with_reuse)
{
    vnfo_flowtag_resolver *r = resolver();
    vnfo_flowtag_options o = VNFO_FLOWTAG_OPTIONS_INIT;
    o.width_bits = 12;
    o.capacity = 250;
    o.idle_timeout = 10;
    o.node_id = 2;
    vnfo_flowtag_table *nat, *lb;
    ck_assert_status(vnfo_flowtag_table_create(&nat, &o), VNFO_OK);
    o.node_id = 3;
    ck_assert_status(vnfo_flowtag_table_create(&lb, &o), VNFO_OK);
    for (uint32_t i = 0; i < 3000; i++) {
        uint64_t t = i / 20;
        vnfo_flowtag_event evs[16];
        size_t n;
        vnfo_flowtag_table *tables[2] = {nat, lb};
        for (int k = 0; k < 2; k++)
            do {
                ck_assert_status(vnfo_flowtag_table_expire(evs, &n, 16, tables[k], t), VNFO_OK);
                for (size_t j = 0; j < n; j++)
                    ck_assert_status(vnfo_flowtag_resolver_add(r, &evs[j]), VNFO_OK);
            } while (n == 16);
        struct path p = run_flow(r, nat, lb, i, t);
        vnfo_flowtag_resolution res;
        vnfo_flowtag_observation ob = obs(4, p.tag, t, &p.out);
        ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &ob), VNFO_OK);
        ck_assert_mem_eq(&res.original, &p.in, sizeof p.in);
    }
    vnfo_flowtag_table_free(nat);
    vnfo_flowtag_table_free(lb);
    vnfo_flowtag_resolver_free(r);
}
END_TEST

/* Events through flowtag_map records and the record codec, and packet
 * records with headers, resolve like the events themselves. */
START_TEST(test_records)
{
    vnfo_flowtag_resolver *r = resolver();
    vnfo_flowtag_table *nat = node_table(2);
    vnfo_flow_key in = ft_key4(4, 1234), mid = ft_nat(&in, 4);
    vnfo_flowtag_event ev, back;
    ck_assert_status(vnfo_flowtag_generate(&ev, nat, &in, &mid, 9, 1, 1000), VNFO_OK);
    vnfo_record rec, dec;
    ck_assert_status(vnfo_flowtag_event_to_record(&rec, &ev), VNFO_OK);
    ck_assert_int_eq(rec.type, VNFO_RECORD_FLOWTAG_MAP);
    rec.node_id = 2;
    rec.epoch = 1;
    uint8_t buf[512];
    size_t n;
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, &n, &rec), VNFO_OK);
    ck_assert_status(vnfo_record_decode(&dec, buf, n), VNFO_OK);
    ck_assert_status(vnfo_flowtag_event_from_record(&back, &dec), VNFO_OK);
    ck_assert_uint_eq(back.kind, VNFO_FLOWTAG_EVENT_BIND);
    ck_assert_mem_eq(&back.context.original, &in, sizeof in);
    ck_assert_mem_eq(&back.context.rewritten, &mid, sizeof mid);
    ck_assert_uint_eq(back.context.tag, ev.context.tag);
    ck_assert_uint_eq(back.context.node_id, 2);
    ck_assert_uint_eq(back.context.service_path_id, 9);
    ck_assert_uint_eq(back.time, 1000);
    ck_assert_status(vnfo_flowtag_resolver_add(r, &back), VNFO_OK);

    /* A packet record with headers, after the NAT. */
    traffic_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.linktype = 1;
    sp.ip_version = 4;
    sp.proto = 6;
    memcpy(sp.src, mid.src, 4);
    memcpy(sp.dst, mid.dst, 4);
    sp.sport = mid.src_port;
    sp.dport = mid.dst_port;
    sp.ttl = 64;
    uint8_t frame[TRAFFIC_FRAME_MAX];
    size_t flen = traffic_build(frame, sizeof frame, &sp);
    ck_assert_uint_gt(flen, 0);
    vnfo_record pr;
    ck_assert_status(vnfo_record_init(&pr, VNFO_RECORD_PACKET), VNFO_OK);
    pr.node_id = 2;
    pr.u.packet.hop = 1;
    pr.u.packet.flowtag = ev.context.tag;
    pr.u.packet.t_out_ns = 1001;
    pr.u.packet.granularity = VNFO_GRANULARITY_HEADERS;
    pr.u.packet.bytes_out = frame;
    pr.u.packet.bytes_out_len = flen;
    vnfo_flowtag_observation o;
    ck_assert_status(vnfo_flowtag_observation_from_record(&o, &pr, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
    ck_assert_uint_eq(o.has_flow, 1);
    ck_assert_mem_eq(&o.flow, &mid, sizeof mid);
    vnfo_flowtag_resolution res;
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_OK);
    ck_assert_mem_eq(&res.original, &in, sizeof in);
    /* Digest granularity: no flow, resolved by the tag alone. */
    pr.u.packet.granularity = VNFO_GRANULARITY_DIGEST;
    pr.u.packet.bytes_out = NULL;
    pr.u.packet.bytes_out_len = 0;
    ck_assert_status(vnfo_flowtag_observation_from_record(&o, &pr, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
    ck_assert_uint_eq(o.has_flow, 0);
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_OK);
    ck_assert_mem_eq(&res.original, &in, sizeof in);

    /* An expiry travels as the null rewritten flow, and closes the binding. */
    ck_assert_status(vnfo_flowtag_release(&ev, nat, ev.context.tag, 2000), VNFO_OK);
    ck_assert_status(vnfo_flowtag_event_to_record(&rec, &ev), VNFO_OK);
    ck_assert_uint_eq(rec.u.flowtag_map.rewritten.ip_version, 4);
    ck_assert_uint_eq(rec.u.flowtag_map.rewritten.src_port, 0);
    ck_assert_status(vnfo_record_encode(buf, sizeof buf, &n, &rec), VNFO_OK);
    ck_assert_status(vnfo_record_decode(&dec, buf, n), VNFO_OK);
    ck_assert_status(vnfo_flowtag_event_from_record(&back, &dec), VNFO_OK);
    ck_assert_uint_eq(back.kind, VNFO_FLOWTAG_EVENT_EXPIRE);
    ck_assert_status(vnfo_flowtag_resolver_add(r, &back), VNFO_OK);
    o.time = 2000;
    ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_E_FLOWTAG_UNKNOWN);

    ev.kind = VNFO_FLOWTAG_EVENT_NONE;
    ck_assert_status(vnfo_flowtag_event_to_record(&rec, &ev), VNFO_E_INVALID_ARGUMENT);
    ck_assert_str_eq(vnfo_error_message(), "vnfo_flowtag_event_to_record: event kind 0 is not logged");
    ck_assert_status(vnfo_flowtag_event_from_record(&back, &pr), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_flowtag_observation_from_record(&o, &rec, 1), VNFO_E_INVALID_ARGUMENT);
    vnfo_flowtag_table_free(nat);
    vnfo_flowtag_resolver_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("flowtag resolver");
    TCase *tc = tcase_create("resolver");
    tcase_add_test(tc, test_resolve_through_two_rewrites);
    tcase_add_test(tc, test_unknown_tags);
    tcase_add_test(tc, test_reuse_after_expiry_and_conflict);
    tcase_add_test(tc, test_update_over_time);
    tcase_add_test(tc, test_forbidden_rewrites);
    tcase_add_test(tc, test_create_refusals);
    tcase_add_test(tc, test_many_flows_with_reuse);
    tcase_add_test(tc, test_records);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
