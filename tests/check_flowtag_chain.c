/* End to end: generated traffic of many flows through a NAT and a load
 * balancer (both rewrite headers) and an IDS, a shim beside each sampling
 * with the real sampler under the nat-safe field set and logging signed
 * batches (packet records and flowtag_map records); then the verifier side
 * reads and verifies each log, resolves every packet record to its original
 * flow and checks that every sampled packet's trajectory is whole and the
 * counts match what was sent.  The tag travels beside each packet as an
 * NSH-aware fabric would carry it (the carriers have their own suite); the
 * logged packet bytes are the frames as each node emitted them. */
#include <vnfo/flowtag.h>
#include <vnfo/log.h>
#include <vnfo/sampler.h>

#include "flowtag_testutil.h"
#include "traffic.h"

#define NODES 3
#define NAT_NODE 10
#define LB_NODE 20
#define IDS_NODE 30
#define FLOWS 400
#define PACKETS 12000
#define TICK_NS 1000u
#define IDLE_NS 1000000u /* 1000 packets: some flows go idle and come back */
#define SPI 77
#define CAPACITY 512 /* above the 400 flows, below the binds: slots are reused */
#define SLOT_BITS 10 /* bit length of CAPACITY */

static const vnfo_flowtag_hop CHAIN[NODES] = {{NAT_NODE, 1}, {LB_NODE, 1}, {IDS_NODE, 0}};

/* ---- a packet and its rewrites ------------------------------------------ */

struct pkt {
    uint8_t bytes[TRAFFIC_FRAME_MAX];
    size_t len;
    traffic_spec spec;
    vnfo_flow_key flow;
};

static void pkt_flow(struct pkt *p)
{
    vnfo_packet_view v;
    ck_assert_status(vnfo_packet_parse(&v, p->bytes, p->len, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
    ck_assert_status(vnfo_packet_flow_key(&p->flow, &v), VNFO_OK);
}

/* Rebuilds the frame from its spec: addresses and ports rewritten, checksums
 * valid, everything else (payload, IP id, TCP sequence) as it was. */
static void pkt_rebuild(struct pkt *p)
{
    p->len = traffic_build(p->bytes, sizeof p->bytes, &p->spec);
    ck_assert_uint_gt(p->len, 0);
    pkt_flow(p);
}

/* The NAT: source address 203.0.113.1 (or 2001:db8:ffff::1), source port
 * from the flow's tag.  The LB: destination one of four backends. */
static void nat_rewrite(struct pkt *p, uint32_t tag)
{
    memset(p->spec.src, 0, 16);
    if (p->spec.ip_version == 4) {
        p->spec.src[0] = 203;
        p->spec.src[2] = 113;
        p->spec.src[3] = 1;
    } else {
        static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [15] = 1};
        memcpy(p->spec.src, v6, 16);
    }
    p->spec.sport = (uint16_t)(20000 + (tag & ((1u << SLOT_BITS) - 1))); /* the slot: unique among live flows */
    pkt_rebuild(p);
}

static void lb_rewrite(struct pkt *p)
{
    uint32_t backend = (p->flow.src_port ^ p->flow.src[3]) % 4;
    memset(p->spec.dst, 0, 16);
    if (p->spec.ip_version == 4) {
        p->spec.dst[0] = 10;
        p->spec.dst[1] = 99;
        p->spec.dst[3] = (uint8_t)(1 + backend);
    } else {
        p->spec.dst[0] = 0xfd;
        p->spec.dst[15] = (uint8_t)(1 + backend);
    }
    pkt_rebuild(p);
}

/* ---- a shim: sampler + signed log --------------------------------------- */

struct logbuf {
    uint8_t *data;
    size_t len, cap;
};

static vnfo_status sink(void *ctx, const uint8_t *batch, size_t len)
{
    struct logbuf *b = ctx;
    if (b->len + len + 4 > b->cap) {
        size_t cap = (b->len + len + 4) * 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d)
            return VNFO_E_NO_MEMORY;
        b->data = d;
        b->cap = cap;
    }
    b->data[b->len] = (uint8_t)(len >> 24);
    b->data[b->len + 1] = (uint8_t)(len >> 16);
    b->data[b->len + 2] = (uint8_t)(len >> 8);
    b->data[b->len + 3] = (uint8_t)len;
    memcpy(b->data + b->len + 4, batch, len);
    b->len += len + 4;
    return VNFO_OK;
}

struct shim {
    uint32_t node, hop;
    vnfo_signing_key *key;
    vnfo_log_writer *writer;
    struct logbuf log;
    uint64_t logged_packets, logged_maps;
};

static const uint8_t MASTER_KEY[VNFO_SAMPLER_KEY_BYTES] = {1, 2, 3, 4, 5, 6, 7, 8};

static vnfo_sampler *make_sampler(uint32_t preset)
{
    vnfo_sampler_options o;
    ck_assert_status(vnfo_sampler_options_init(&o, VNFO_SAMPLER_OPTIONS_VERSION), VNFO_OK);
    o.fields.preset = preset;
    o.rate.num = 1;
    o.rate.den = 8;
    vnfo_sampler *s;
    ck_assert_status(vnfo_sampler_create(&s, &o, MASTER_KEY, sizeof MASTER_KEY), VNFO_OK);
    return s;
}

static void shim_init(struct shim *sh, uint32_t node, uint32_t hop)
{
    memset(sh, 0, sizeof *sh);
    sh->node = node;
    sh->hop = hop;
    uint8_t seed[VNFO_KEY_SEED_BYTES] = {(uint8_t)node};
    ck_assert_status(vnfo_signing_key_from_seed(&sh->key, seed), VNFO_OK);
    vnfo_log_writer_options o;
    ck_assert_status(vnfo_log_writer_options_init(&o, VNFO_LOG_WRITER_OPTIONS_VERSION), VNFO_OK);
    o.node_id = node;
    o.key = sh->key;
    o.batch_records = 64;
    o.sink = sink;
    o.sink_ctx = &sh->log;
    ck_assert_status(vnfo_log_writer_create(&sh->writer, &o), VNFO_OK);
}

static void shim_log_event(struct shim *sh, const vnfo_flowtag_event *ev)
{
    if (ev->kind == VNFO_FLOWTAG_EVENT_NONE)
        return;
    vnfo_record rec;
    ck_assert_status(vnfo_flowtag_event_to_record(&rec, ev), VNFO_OK);
    ck_assert_status(vnfo_log_writer_append(sh->writer, &rec), VNFO_OK);
    sh->logged_maps++;
}

/* Samples the packet as it leaves the node; logs it when selected. */
static uint64_t shim_packet(struct shim *sh, const vnfo_sampler *s, const struct pkt *p, uint32_t tag,
                            uint64_t t)
{
    vnfo_sampler_decision d;
    ck_assert_status(vnfo_sampler_decide(&d, s, p->bytes, p->len, VNFO_LINKTYPE_ETHERNET, tag), VNFO_OK);
    if (!d.selected)
        return 0;
    vnfo_record rec;
    ck_assert_status(vnfo_record_init(&rec, VNFO_RECORD_PACKET), VNFO_OK);
    vnfo_record_packet *r = &rec.u.packet;
    r->hop = sh->hop;
    r->label = d.label;
    r->flowtag = tag;
    r->verdict = VNFO_VERDICT_FORWARDED;
    r->t_in_ns = t;
    r->t_out_ns = t;
    r->granularity = VNFO_GRANULARITY_HEADERS;
    r->bytes_out = p->bytes;
    r->bytes_out_len = p->len < VNFO_RECORD_HEADER_BYTES ? p->len : VNFO_RECORD_HEADER_BYTES;
    ck_assert_status(vnfo_packet_digest(r->digest_out, p->bytes, p->len, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
    ck_assert_status(vnfo_log_writer_append(sh->writer, &rec), VNFO_OK);
    sh->logged_packets++;
    return d.label;
}

static void expire_into(struct shim *sh, vnfo_flowtag_table *t, uint64_t now)
{
    vnfo_flowtag_event evs[16];
    size_t n;
    do {
        ck_assert_status(vnfo_flowtag_table_expire(evs, &n, 16, t, now), VNFO_OK);
        for (size_t i = 0; i < n; i++)
            shim_log_event(sh, &evs[i]);
    } while (n == 16);
}

/* ---- ground truth ------------------------------------------------------- */

/* One label of sampled packets.  Packets the nat-safe field set cannot tell
 * apart (a UDP flow repeating its first payload bytes, over IPv6 where there
 * is no IP id) share a label; they also share their tag, so their flow. */
struct truth {
    uint64_t label;
    vnfo_flow_key original;
    uint32_t count;     /* sampled packets sent with this label */
    uint32_t seen[NODES]; /* records resolved per hop */
};

static int truth_cmp(const void *a, const void *b)
{
    uint64_t x = ((const struct truth *)a)->label, y = ((const struct truth *)b)->label;
    return (x > y) - (x < y);
}

static struct truth *truth_find(struct truth *t, size_t n, uint64_t label)
{
    struct truth key = {.label = label};
    return bsearch(&key, t, n, sizeof *t, truth_cmp);
}

/* ---- the verifier side -------------------------------------------------- */

struct verified {
    size_t maps, packets, resolved;
};

/* Reads and verifies one node's log, feeds its mapping records to the
 * resolver and keeps its packet records' observations. */
static void read_log(struct shim *sh, vnfo_log_reader **reader)
{
    vnfo_log_reader_options o;
    ck_assert_status(vnfo_log_reader_options_init(&o, VNFO_LOG_READER_OPTIONS_VERSION), VNFO_OK);
    ck_assert_status(vnfo_signing_key_public(&o.public_key, sh->key), VNFO_OK);
    o.check_node = 1;
    o.node_id = sh->node;
    ck_assert_status(vnfo_log_reader_create(reader, &o), VNFO_OK);
    ck_assert_status(vnfo_log_reader_add_buffer(*reader, sh->log.data, sh->log.len, "test"), VNFO_OK);
    ck_assert_status(vnfo_log_reader_verify(*reader), VNFO_OK);
}

static void add_maps(vnfo_flowtag_resolver *r, vnfo_log_reader *reader, struct verified *v)
{
    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    vnfo_record rec;
    vnfo_status s;
    while ((s = vnfo_log_reader_next_record(&rec, reader, &cur)) == VNFO_OK) {
        if (rec.type != VNFO_RECORD_FLOWTAG_MAP)
            continue;
        vnfo_flowtag_event ev;
        ck_assert_status(vnfo_flowtag_event_from_record(&ev, &rec), VNFO_OK);
        ck_assert_status(vnfo_flowtag_resolver_add(r, &ev), VNFO_OK);
        v->maps++;
    }
    ck_assert_status(s, VNFO_E_NOT_FOUND);
}

static void resolve_packets(const vnfo_flowtag_resolver *r, vnfo_log_reader *reader, uint32_t hop,
                            struct truth *truth, size_t ntruth, struct verified *v)
{
    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    vnfo_record rec;
    while (vnfo_log_reader_next_record(&rec, reader, &cur) == VNFO_OK) {
        if (rec.type != VNFO_RECORD_PACKET)
            continue;
        v->packets++;
        ck_assert_uint_eq(rec.u.packet.hop, hop);
        vnfo_flowtag_observation o;
        ck_assert_status(vnfo_flowtag_observation_from_record(&o, &rec, VNFO_LINKTYPE_ETHERNET), VNFO_OK);
        ck_assert_uint_eq(o.has_flow, 1);
        vnfo_flowtag_resolution res;
        ck_assert_status(vnfo_flowtag_resolver_resolve(&res, r, &o), VNFO_OK);
        ck_assert_uint_eq(res.position, hop);
        ck_assert_uint_eq(res.tagging_node, NAT_NODE);
        ck_assert_uint_eq(res.service_path_id, SPI);
        ck_assert_uint_eq(res.rewrites, hop == 0 ? 1 : 2);
        struct truth *t = truth_find(truth, ntruth, rec.u.packet.label);
        ck_assert_ptr_nonnull(t);
        ck_assert_mem_eq(&res.original, &t->original, sizeof res.original);
        ck_assert_uint_lt(t->seen[hop], t->count);
        t->seen[hop]++;
        v->resolved++;
    }
}

START_TEST(test_nat_lb_trajectories)
{
    ck_assert_status(vnfo_init(), VNFO_OK);
    vnfo_sampler *sampler = make_sampler(VNFO_FIELDS_NAT_SAFE);
    vnfo_flowtag_options o = VNFO_FLOWTAG_OPTIONS_INIT;
    o.width_bits = 24;
    o.capacity = CAPACITY;
    o.idle_timeout = IDLE_NS;
    o.node_id = NAT_NODE;
    vnfo_flowtag_table *nat, *lb;
    ck_assert_status(vnfo_flowtag_table_create(&nat, &o), VNFO_OK);
    o.node_id = LB_NODE;
    ck_assert_status(vnfo_flowtag_table_create(&lb, &o), VNFO_OK);
    struct shim shims[NODES];
    for (uint32_t i = 0; i < NODES; i++)
        shim_init(&shims[i], CHAIN[i].node_id, i);
    traffic_gen g;
    ck_assert_int_eq(traffic_gen_init(&g, 2026, FLOWS), 0);
    struct truth *truth = calloc(PACKETS, sizeof *truth);
    size_t ntruth = 0;
    uint64_t binds = 0, rebinds_after_expiry = 0;

    for (uint32_t i = 0; i < PACKETS; i++) {
        uint64_t t = (uint64_t)(i + 1) * TICK_NS;
        struct pkt p;
        p.len = traffic_gen_next(&g, p.bytes, sizeof p.bytes, &p.spec);
        pkt_flow(&p);
        vnfo_flow_key sent = p.flow;
        /* NAT: its source port comes from the flow's tag, so a new flow is
         * bound first and its mapping logged once, with the final key. */
        expire_into(&shims[0], nat, t);
        vnfo_flowtag_event ev;
        vnfo_flowtag_context known;
        int was_known = vnfo_flowtag_lookup(&known, nat, &sent) == VNFO_OK;
        uint32_t tag = was_known ? known.tag : 0;
        if (!was_known) {
            ck_assert_status(vnfo_flowtag_generate(&ev, nat, &sent, &sent, SPI, 1, t), VNFO_OK);
            tag = ev.context.tag;
            binds++;
            rebinds_after_expiry += (tag >> SLOT_BITS) != 0; /* a later generation of its slot */
        }
        nat_rewrite(&p, tag);
        ck_assert_status(vnfo_flowtag_generate(&ev, nat, &sent, &p.flow, SPI, 1, t), VNFO_OK);
        ck_assert_uint_eq(ev.context.tag, tag);
        if (!was_known)
            ev.kind = VNFO_FLOWTAG_EVENT_BIND;
        shim_log_event(&shims[0], &ev);
        uint64_t label = shim_packet(&shims[0], sampler, &p, tag, t);
        /* LB: keeps the tag, rewrites the destination. */
        expire_into(&shims[1], lb, t);
        vnfo_flow_key lb_in = p.flow;
        lb_rewrite(&p);
        ck_assert_status(vnfo_flowtag_adopt(&ev, lb, tag, &lb_in, &p.flow, SPI, 1, t), VNFO_OK);
        shim_log_event(&shims[1], &ev);
        uint64_t label_lb = shim_packet(&shims[1], sampler, &p, tag, t);
        /* IDS: reads, never rewrites. */
        uint64_t label_ids = shim_packet(&shims[2], sampler, &p, tag, t);
        /* nat-safe: the same decision and label on both sides of the rewrite. */
        ck_assert_uint_eq(label, label_lb);
        ck_assert_uint_eq(label, label_ids);
        if (label) {
            truth[ntruth].label = label;
            truth[ntruth].original = sent;
            truth[ntruth].count = 1;
            ntruth++;
        }
    }
    for (int i = 0; i < NODES; i++)
        ck_assert_status(vnfo_log_writer_flush(shims[i].writer), VNFO_OK);
    ck_assert_uint_gt(ntruth, PACKETS / 16); /* about 1/8 sampled */
    ck_assert_uint_lt(ntruth, PACKETS / 4);
    ck_assert_msg(rebinds_after_expiry > 0, "binds %llu, none reused a slot", (unsigned long long)binds);
    size_t sampled = ntruth;
    qsort(truth, ntruth, sizeof *truth, truth_cmp);
    size_t nlabels = 0;
    for (size_t i = 0; i < ntruth; i++) {
        if (nlabels && truth[nlabels - 1].label == truth[i].label) {
            ck_assert_mem_eq(&truth[nlabels - 1].original, &truth[i].original, sizeof truth[i].original);
            truth[nlabels - 1].count++;
        } else {
            truth[nlabels++] = truth[i];
        }
    }
    ck_assert_uint_gt(nlabels, sampled * 9 / 10); /* repeated labels are the exception */
    ntruth = nlabels;

    /* Verifier side. */
    vnfo_flowtag_resolver *r;
    ck_assert_status(vnfo_flowtag_resolver_create(&r, CHAIN, NODES), VNFO_OK);
    vnfo_log_reader *readers[NODES];
    struct verified v = {0, 0, 0};
    for (int i = 0; i < NODES; i++) {
        read_log(&shims[i], &readers[i]);
        add_maps(r, readers[i], &v);
    }
    for (uint32_t i = 0; i < NODES; i++)
        resolve_packets(r, readers[i], i, truth, ntruth, &v);
    /* Counts: every sampled packet logged at every hop, every record resolved,
     * every trajectory whole, every mapping logged read back. */
    ck_assert_uint_eq(v.packets, NODES * sampled);
    ck_assert_uint_eq(v.resolved, NODES * sampled);
    for (size_t i = 0; i < ntruth; i++)
        for (int h = 0; h < NODES; h++)
            ck_assert_uint_eq(truth[i].seen[h], truth[i].count);
    ck_assert_uint_eq(v.maps, shims[0].logged_maps + shims[1].logged_maps);
    ck_assert_uint_eq(shims[2].logged_maps, 0);
    ck_assert_uint_ge(shims[0].logged_maps, binds);
    for (int i = 0; i < NODES; i++)
        vnfo_log_reader_free(readers[i]);
    vnfo_flowtag_resolver_free(r);
    for (int i = 0; i < NODES; i++) {
        vnfo_log_writer_free(shims[i].writer);
        vnfo_signing_key_free(shims[i].key);
        free(shims[i].log.data);
    }
    free(truth);
    traffic_gen_free(&g);
    vnfo_flowtag_table_free(nat);
    vnfo_flowtag_table_free(lb);
    vnfo_sampler_free(sampler);
}
END_TEST

/* The control: the psamp field set hashes addresses and ports, so its
 * decisions change across the rewrites; nat-safe's do not, and they depend
 * on the tag. */
START_TEST(test_nat_safe_needs_the_tag)
{
    ck_assert_status(vnfo_init(), VNFO_OK);
    vnfo_sampler *natsafe = make_sampler(VNFO_FIELDS_NAT_SAFE), *psamp = make_sampler(VNFO_FIELDS_PSAMP);
    vnfo_flowtag_table *nat = ft_table(24, 1000, 0);
    traffic_gen g;
    ck_assert_int_eq(traffic_gen_init(&g, 7, 200), 0);
    int psamp_changed = 0, tag_matters = 0;
    for (uint32_t i = 0; i < 2000; i++) {
        struct pkt p;
        p.len = traffic_gen_next(&g, p.bytes, sizeof p.bytes, &p.spec);
        pkt_flow(&p);
        vnfo_flowtag_event ev;
        vnfo_flow_key sent = p.flow;
        ck_assert_status(vnfo_flowtag_generate(&ev, nat, &sent, &sent, 1, 1, i), VNFO_OK);
        uint32_t tag = ev.context.tag;
        struct pkt before = p;
        nat_rewrite(&p, tag);
        lb_rewrite(&p);
        vnfo_sampler_decision a, b, c;
        ck_assert_status(vnfo_sampler_decide(&a, natsafe, before.bytes, before.len, VNFO_LINKTYPE_ETHERNET, tag), VNFO_OK);
        ck_assert_status(vnfo_sampler_decide(&b, natsafe, p.bytes, p.len, VNFO_LINKTYPE_ETHERNET, tag), VNFO_OK);
        ck_assert_uint_eq(a.hash, b.hash);
        ck_assert_uint_eq(a.label, b.label);
        ck_assert_status(vnfo_sampler_decide(&c, natsafe, p.bytes, p.len, VNFO_LINKTYPE_ETHERNET, tag + 1), VNFO_OK);
        tag_matters += c.hash != b.hash;
        ck_assert_status(vnfo_sampler_decide(&a, psamp, before.bytes, before.len, VNFO_LINKTYPE_ETHERNET, tag), VNFO_OK);
        ck_assert_status(vnfo_sampler_decide(&b, psamp, p.bytes, p.len, VNFO_LINKTYPE_ETHERNET, tag), VNFO_OK);
        psamp_changed += a.hash != b.hash;
    }
    ck_assert_int_eq(tag_matters, 2000);
    ck_assert_int_eq(psamp_changed, 2000);
    traffic_gen_free(&g);
    vnfo_flowtag_table_free(nat);
    vnfo_sampler_free(natsafe);
    vnfo_sampler_free(psamp);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("flowtag chain");
    TCase *tc = tcase_create("chain");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_nat_safe_needs_the_tag);
    tcase_add_test(tc, test_nat_lb_trajectories);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
