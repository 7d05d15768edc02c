/* The simulated provider: packets through the chain, a real shim beside
 * each function, signed logs, a bill, and the scenarios' cheating.
 *
 * Clock model (docs/simulate.md): node i's clock runs at true time plus an
 * offset drawn uniformly from [-skew/4, +skew/4] (skew from the manifest);
 * a packet reaches the first function at its capture time; a function holds
 * it for its cycles at 2 GHz plus an exponential service jitter of mean
 * 2 us (capped at 50 us); each link adds 5 us plus up to 1 us.  Cycles are
 * the middleboxes' cost model plus up to 5% measurement noise; memory is
 * the cost model's. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_output.h"
#include "internal.h" /* vnfo__shown(): the output folder is named escaped */
#include "sim.h"
#include "traffic.h"

#define SIM_GHZ 2.0
#define SUBSTITUTE_NODE 90
#define OUT_MAX 65536
#define MAX_CHAIN 8
#define SIM_TAGS_MAX 65536 /* live flows the NAT tags at most */
/* Heartbeats one node signs in a run at most: a capture silent for years
 * (tcpdump's test files jump from 2012 to 2016) would otherwise have each
 * shim sign one batch per interval for hours and fill the disk.  100000
 * is 28 hours of silence at 1 s, about 20 MB of log per node. */
#define SIM_HEARTBEATS_MAX 100000u

static _Thread_local char last_error[512];

const char *sim_error(void) { return last_error; }

static vnfo_status fail(vnfo_status st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static vnfo_status fail(vnfo_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return st;
}

/* A library failure, with the library's message. */
static vnfo_status lib_fail(vnfo_status st, const char *what)
{
    return fail(st, "%s: %s: %s", vnfo__shown(what).s, vnfo_status_name(st), vnfo_error_message());
}

struct node {
    vnfo_log_writer *w;
    vnfo_signing_key *key;
    int fd;
    int64_t offset_ns;
    uint64_t cycles; /* billed usage */
    uint64_t bytes;  /* wire bytes of the packets that entered it */
    uint64_t beat_ns; /* node clock of its last heartbeat (0: none yet) */
    uint64_t beats;   /* heartbeats signed so far (at most SIM_HEARTBEATS_MAX) */
    uint64_t last_ns; /* node clock of its latest event */
};

struct sim {
    const struct sim_options *o;
    const vnfo_manifest *m;
    size_t n;
    struct node nodes[MAX_CHAIN];
    struct node substitute;
    int ids_pos;
    int nat_pos;               /* the header-rewriting function, or -1 */
    vnfo_flowtag_table *tags;  /* its FlowTag table, with a flowtags section */
    struct sim_functions fns;
    vnfo_reference_fn fn[MAX_CHAIN];
    void *ctx[MAX_CHAIN];
    vnfo_sampler *sampler;
    vnfo_record_granularity granularity;
    uint64_t rng;
    uint64_t *mem; /* every record's memory, for the p95 bill */
    size_t n_mem, cap_mem;
    uint64_t skew_ns;
    struct sim_stats st;
    uint8_t buf[2][OUT_MAX];
};

static double uniform(struct sim *s) { return (double)(traffic_rand(&s->rng) >> 11) / 9007199254740992.0; }

/* Whether the scenario cheats on this packet (share of packets, capped). */
static int affect(struct sim *s, int scenario, double share)
{
    if (s->o->scenario != scenario || uniform(s) >= share)
        return 0;
    if (s->o->affected_max && s->st.affected >= s->o->affected_max)
        return 0;
    s->st.affected++;
    return 1;
}

/* ---- set-up ---------------------------------------------------------------- */

/* A time of the true clock on node nd's clock (its skew applied), held
 * inside 0..UINT64_MAX: a capture stamped at or near 0 (tcpdump's test
 * files are) with a node clock behind would otherwise wrap to ~2^64, and
 * the heartbeats from there on would never end. */
static uint64_t node_time(const struct node *nd, uint64_t t_true)
{
    if (nd->offset_ns < 0)
        return t_true > (uint64_t)-(nd->offset_ns + 1) ? t_true - (uint64_t)-(nd->offset_ns + 1) - 1 : 0;
    return t_true > UINT64_MAX - (uint64_t)nd->offset_ns ? UINT64_MAX : t_true + (uint64_t)nd->offset_ns;
}

static vnfo_status open_writer(struct node *nd, struct sim *s, const char *name, uint32_t node_id)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.log", s->o->out_dir, name);
    nd->fd = cli_output_open(path, O_TRUNC | O_APPEND, 0644);
    if (nd->fd < 0)
        return fail(VNFO_E_IO, "%s: %s", vnfo__shown(path).s, cli_output_why(errno));
    vnfo_log_writer_options wo = VNFO_LOG_WRITER_OPTIONS_INIT;
    wo.node_id = node_id;
    wo.key = nd->key;
    vnfo_status st = vnfo_manifest_digest_compute(wo.manifest_digest, s->m);
    wo.batch_records = vnfo_manifest_logging_batch_records(s->m);
    wo.sink = vnfo_log_file_sink;
    wo.sink_ctx = &nd->fd;
    if (st == VNFO_OK)
        st = vnfo_log_writer_create(&nd->w, &wo);
    return st == VNFO_OK ? VNFO_OK : lib_fail(st, path);
}

static vnfo_status load_key(vnfo_signing_key **out, const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.key", dir, name);
    vnfo_status st = vnfo_signing_key_load(out, path);
    return st == VNFO_OK ? VNFO_OK : lib_fail(st, path);
}

/* The shims' sampler: the manifest's configuration and the key it commits
 * to (a key that does not match is refused, as a real shim would). */
static vnfo_status make_sampler(struct sim *s)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/sampling.key", s->o->keys_dir);
    vnfo_status st = sim_sampler_load(&s->sampler, s->m, path);
    return st == VNFO_OK ? VNFO_OK : lib_fail(st, path);
}

/* With a flowtags section, the NAT (the function that rewrites headers)
 * tags flows with a real FlowTag table of the manifest's width. */
static vnfo_status make_tags(struct sim *s)
{
    if (!vnfo_manifest_has_flowtags(s->m))
        return s->o->scenario == SIM_NAT_REWRITES_UNTAGGED
                   ? fail(VNFO_E_INVALID_ARGUMENT, "nat-rewrites-untagged needs a flowtags section")
                   : VNFO_OK;
    if (s->nat_pos < 0)
        return VNFO_OK;
    vnfo_flowtag_options fo = VNFO_FLOWTAG_OPTIONS_INIT;
    unsigned bits = vnfo_manifest_flowtags_bits(s->m);
    uint64_t room = bits >= 32 ? UINT32_MAX : (1ULL << bits) - 2;
    fo.width_bits = bits;
    fo.capacity = (uint32_t)(room < SIM_TAGS_MAX ? room : SIM_TAGS_MAX);
    fo.node_id = vnfo_manifest_chain_node_id(s->m, (size_t)s->nat_pos);
    vnfo_status st = vnfo_flowtag_table_create(&s->tags, &fo);
    return st == VNFO_OK ? VNFO_OK : lib_fail(st, "flowtag table");
}

static vnfo_status setup(struct sim *s)
{
    const vnfo_manifest *m = s->m;
    s->n = vnfo_manifest_chain_count(m);
    if (s->n == 0 || s->n > MAX_CHAIN)
        return fail(VNFO_E_LIMIT_EXCEEDED, "chains of 1 to %d functions", MAX_CHAIN);
    sim_functions_init(&s->fns, s->o->linktype);
    s->rng = s->o->seed ^ 0x9e3779b97f4a7c15ULL;
    s->skew_ns = vnfo_manifest_verification_clock_skew_us(m) * 1000;
    s->granularity = (vnfo_record_granularity)vnfo_manifest_logging_granularity(m);
    s->ids_pos = -1;
    s->nat_pos = -1;
    vnfo_status st = VNFO_OK;
    for (size_t i = 0; st == VNFO_OK && i < s->n; i++) {
        const char *name = vnfo_manifest_chain_name(m, i), *fn = vnfo_manifest_chain_function(m, i);
        if (sim_reference(&s->fn[i], &s->ctx[i], &s->fns, fn) != 0)
            return fail(VNFO_E_INVALID_ARGUMENT, "chain[%zu]: no middlebox for function \"%s\" "
                        "(firewall, nat, ids, stateful-firewall, masquerade-nat, stream-ids)", i, fn);
        if (strcmp(fn, "ids") == 0 || strcmp(fn, "stream-ids") == 0)
            s->ids_pos = (int)i;
        if ((strcmp(fn, "nat") == 0 || strcmp(fn, "masquerade-nat") == 0) && s->nat_pos < 0)
            s->nat_pos = (int)i;
        struct node *nd = &s->nodes[i];
        nd->fd = -1;
        nd->offset_ns = s->skew_ns ? (int64_t)(traffic_rand(&s->rng) % (s->skew_ns / 2 + 1)) - (int64_t)(s->skew_ns / 4) : 0;
        st = load_key(&nd->key, s->o->keys_dir, name);
        if (st == VNFO_OK)
            st = open_writer(nd, s, name, vnfo_manifest_chain_node_id(m, i));
    }
    s->substitute.fd = -1;
    const char *stateful = sim_scenario_stateful_function(s->o->scenario);
    int found = !stateful;
    for (size_t i = 0; !found && i < s->n; i++)
        found = strcmp(vnfo_manifest_chain_function(m, i), stateful) == 0;
    if (st == VNFO_OK && !found)
        return fail(VNFO_E_INVALID_ARGUMENT, "%s needs a chain function \"%s\"",
                    sim_scenario_name(s->o->scenario), stateful);
    if (st == VNFO_OK && s->o->scenario == SIM_SUBSTITUTES_FUNCTION) {
        if (s->ids_pos < 0)
            return fail(VNFO_E_INVALID_ARGUMENT, "substitutes-function needs an ids in the chain");
        st = vnfo_signing_key_generate(&s->substitute.key);
        st = st == VNFO_OK ? open_writer(&s->substitute, s, "filter", SUBSTITUTE_NODE) : lib_fail(st, "filter key");
        s->substitute.offset_ns = s->nodes[s->ids_pos].offset_ns;
    }
    if (st == VNFO_OK)
        st = make_tags(s);
    return st == VNFO_OK ? make_sampler(s) : st;
}

/* ---- one packet through one function --------------------------------------- */

static vnfo_status log_record(struct sim *s, struct node *nd, uint32_t hop, uint64_t label, uint32_t tag,
                              const uint8_t *in, size_t in_len, const uint8_t *out, size_t out_len,
                              vnfo_reference_verdict v, uint64_t t_in, uint64_t t_out, uint64_t cycles,
                              uint64_t mem, size_t wire_len)
{
    vnfo_record rec;
    vnfo_record_init(&rec, VNFO_RECORD_PACKET);
    vnfo_record_packet *p = &rec.u.packet;
    p->hop = hop;
    p->label = label;
    p->flowtag = tag;
    p->verdict = v == VNFO_REFERENCE_DROP ? VNFO_VERDICT_DROPPED : VNFO_VERDICT_FORWARDED;
    vnfo_packet_digest(p->digest_in, in, in_len, s->o->linktype);
    if (p->verdict == VNFO_VERDICT_FORWARDED)
        vnfo_packet_digest(p->digest_out, out, out_len, s->o->linktype);
    /* Format 2: the link type the digests and bytes were taken from, and
     * the frame's length on the wire at entry (for the bytes bill). */
    p->has_link_type = 1;
    p->link_type = s->o->linktype;
    p->wire_len = wire_len > UINT32_MAX ? UINT32_MAX : (uint32_t)wire_len;
    p->t_in_ns = t_in;
    p->t_out_ns = t_out;
    p->cpu_cycles = cycles;
    p->mem_bytes = mem;
    p->granularity = s->granularity;
    if (s->granularity != VNFO_GRANULARITY_DIGEST) {
        size_t cap = s->granularity == VNFO_GRANULARITY_HEADERS ? VNFO_RECORD_HEADER_BYTES : in_len;
        p->bytes_in = in;
        p->bytes_in_len = in_len < cap ? in_len : cap;
        if (p->verdict == VNFO_VERDICT_FORWARDED) {
            p->bytes_out = out;
            p->bytes_out_len = out_len < cap ? out_len : cap;
        }
    }
    vnfo_status st = vnfo_log_writer_append(nd->w, &rec);
    s->st.records++;
    return st == VNFO_OK ? VNFO_OK : lib_fail(st, "log append");
}

static vnfo_status mem_push(struct sim *s, uint64_t v)
{
    if (s->n_mem == s->cap_mem) {
        size_t cap = s->cap_mem ? 2 * s->cap_mem : 4096;
        uint64_t *m = realloc(s->mem, cap * sizeof *m);
        if (!m)
            return fail(VNFO_E_NO_MEMORY, "out of memory");
        s->mem = m;
        s->cap_mem = cap;
    }
    s->mem[s->n_mem++] = v;
    return VNFO_OK;
}

/* The IDS of ids-rewrites-payload: replaces the first payload bytes. */
static void rewrite_payload(struct sim *s, uint8_t *pkt, size_t len)
{
    vnfo_packet_view v;
    if (vnfo_packet_parse(&v, pkt, len, s->o->linktype) != VNFO_OK || v.l3_end < v.payload_offset + 8)
        return;
    memcpy(pkt + v.payload_offset, "<ad-inj>", 8);
    /* Checksums are left stale: the digest masks them anyway. */
}

/* The NAT's shim: the flow as it came in and as it leaves go through the
 * FlowTag table; a new binding (or a changed one) is logged as a signed
 * flowtag_map record before the packet's record, whether or not the packet
 * is sampled (mappings are per flow, not per packet).  The tag then travels
 * with the packet, as an NSH fabric carries it beside the packet bytes. */
static vnfo_status tag_flow(uint32_t *tag, struct sim *s, struct node *nd, const uint8_t *in,
                            size_t in_len, const uint8_t *out, size_t out_len, uint64_t now)
{
    vnfo_packet_view vi, vo;
    vnfo_flow_key orig, rew;
    if (vnfo_packet_parse(&vi, in, in_len, s->o->linktype) != VNFO_OK ||
        vnfo_packet_parse(&vo, out, out_len, s->o->linktype) != VNFO_OK ||
        vnfo_packet_flow_key(&orig, &vi) != VNFO_OK || vnfo_packet_flow_key(&rew, &vo) != VNFO_OK)
        return VNFO_OK; /* no flow to tag: the packet goes on untagged */
    vnfo_flowtag_event ev;
    vnfo_status st = vnfo_flowtag_generate(&ev, s->tags, &orig, &rew, 1, 0, now);
    if (st != VNFO_OK)
        return lib_fail(st, "flowtag generate");
    *tag = ev.context.tag;
    if (ev.kind != VNFO_FLOWTAG_EVENT_BIND && ev.kind != VNFO_FLOWTAG_EVENT_UPDATE)
        return VNFO_OK;
    if (affect(s, SIM_NAT_REWRITES_UNTAGGED, 0.5))
        return VNFO_OK; /* rewrites the flow, keeps the mapping to itself */
    vnfo_record rec;
    st = vnfo_flowtag_event_to_record(&rec, &ev);
    if (st == VNFO_OK)
        st = vnfo_log_writer_append(nd->w, &rec);
    s->st.records += st == VNFO_OK;
    return st == VNFO_OK ? VNFO_OK : lib_fail(st, "flowtag_map append");
}

struct hop_result {
    vnfo_reference_verdict verdict;
    size_t out_len;
    uint64_t t_out_true;
};

/* The stateful scenarios: the chain's stateful function cheats on the
 * packet it has just handled (sim_stateful.c). */
static void stateful_cheat(struct sim *s, size_t i, const uint8_t *in, size_t in_len, uint8_t *out,
                           struct hop_result *hr)
{
    if (!sim_scenario_stateful_function(s->o->scenario) ||
        (s->o->affected_max && s->st.affected >= s->o->affected_max))
        return;
    s->st.affected += (uint64_t)sim_stateful_cheat(s->o->scenario, vnfo_manifest_chain_function(s->m, i), &s->fns,
                                                   s->o->linktype, in, in_len, out, OUT_MAX, &hr->out_len,
                                                   &hr->verdict, traffic_rand(&s->rng));
}

static vnfo_status run_hop(struct hop_result *hr, struct sim *s, size_t i, const uint8_t *in,
                           size_t in_len, size_t wire_len, uint8_t *out, uint64_t t_arrive,
                           int selected, uint64_t label, uint32_t *tag)
{
    int substituted = (int)i == s->ids_pos && affect(s, SIM_SUBSTITUTES_FUNCTION, 1.0);
    struct node *nd = substituted ? &s->substitute : &s->nodes[i];
    vnfo_reference_resources res;
    memset(&res, 0, sizeof res);
    hr->out_len = 0;
    s->fns.sfw.now_ns = s->fns.masq.now_ns = s->fns.sids.now_ns = t_arrive; /* the stateful functions' clock */
    hr->verdict = substituted ? mb_passthrough(NULL, in, in_len, out, OUT_MAX, &hr->out_len, &res)
                              : s->fn[i](s->ctx[i], in, in_len, out, OUT_MAX, &hr->out_len, &res);
    if (hr->verdict == VNFO_REFERENCE_ERROR)
        hr->verdict = VNFO_REFERENCE_DROP;
    if (!substituted)
        stateful_cheat(s, i, in, in_len, out, hr);
    uint64_t cycles = res.cpu_cycles + traffic_rand(&s->rng) % (res.cpu_cycles / 20 + 1);
    if ((int)i == s->ids_pos && affect(s, SIM_INFLATES_CYCLES, 1.0))
        cycles *= 3;
    if ((int)i == s->ids_pos && hr->verdict == VNFO_REFERENCE_FORWARD &&
        affect(s, SIM_IDS_REWRITES_PAYLOAD, 0.5))
        rewrite_payload(s, out, hr->out_len);
    double jitter = -2000.0 * log(1.0 - uniform(s));
    uint64_t hold = (uint64_t)((double)cycles / SIM_GHZ + (jitter < 50000 ? jitter : 50000));
    if ((int)i == s->ids_pos && affect(s, SIM_ADDS_DELAY, 1.0))
        hold += 5000000;
    hr->t_out_true = t_arrive + hold;
    if (!substituted) {
        nd->cycles += cycles;
        nd->bytes += wire_len;
    }
    vnfo_status st = substituted ? VNFO_OK : mem_push(s, res.mem_bytes);
    if (st == VNFO_OK && s->tags && (int)i == s->nat_pos && hr->verdict == VNFO_REFERENCE_FORWARD)
        st = tag_flow(tag, s, nd, in, in_len, out, hr->out_len,
                      node_time(nd, t_arrive));
    if (st == VNFO_OK && selected)
        st = log_record(s, nd, (uint32_t)i, label, *tag, in, in_len, out,
                        hr->out_len, hr->verdict, node_time(nd, t_arrive),
                        node_time(nd, hr->t_out_true), cycles, res.mem_bytes,
                        wire_len);
    uint64_t t_node = node_time(nd, hr->t_out_true);
    if (t_node > nd->last_ns)
        nd->last_ns = t_node;
    return st;
}

/* ---- heartbeats and the period close ------------------------------------------ */

/* Under logging.heartbeat_ms each shim signs a heartbeat batch once per
 * interval of its own clock, as a timer-driven shim would (the heartbeat
 * also signs the records waiting in the open batch).  Called before each
 * packet with the true time; a silence of k intervals gives k heartbeats,
 * so the count is bounded by the capture's span over the interval. */
static vnfo_status heartbeats_until(struct sim *s, uint64_t t_true)
{
    uint64_t beat = (uint64_t)vnfo_manifest_logging_heartbeat_ms(s->m) * 1000000u;
    if (!beat)
        return VNFO_OK;
    for (size_t i = 0; i < s->n; i++) {
        struct node *nd = &s->nodes[i];
        uint64_t now = node_time(nd, t_true);
        if (!nd->beat_ns) {
            nd->beat_ns = now; /* the log starts with the first packet */
            continue;
        }
        uint64_t due = now > nd->beat_ns ? (now - nd->beat_ns) / beat : 0;
        if (due > SIM_HEARTBEATS_MAX - nd->beats)
            return fail(VNFO_E_LIMIT_EXCEEDED,
                        "the capture is silent for %llu s before frame %llu: at one heartbeat "
                        "per %llu ms that is more than %u heartbeats per node; simulate a shorter "
                        "capture, or one without the gap",
                        (unsigned long long)((now - nd->beat_ns) / 1000000000u),
                        (unsigned long long)s->st.packets, (unsigned long long)(beat / 1000000u),
                        SIM_HEARTBEATS_MAX);
        nd->beats += due;
        while (nd->beat_ns <= UINT64_MAX - beat && now >= nd->beat_ns + beat) {
            nd->beat_ns += beat;
            vnfo_status st = vnfo_log_writer_heartbeat(nd->w, nd->beat_ns);
            if (st != VNFO_OK)
                return lib_fail(st, "heartbeat");
            s->st.records++;
        }
        if (nd->beat_ns > nd->last_ns)
            nd->last_ns = nd->beat_ns;
    }
    return VNFO_OK;
}

/* Each shim ends its log for the billing period with a signed close, at the
 * period's end (or at its last event, if that is later). */
static vnfo_status close_periods(struct sim *s)
{
    if (!vnfo_manifest_logging_heartbeat_ms(s->m))
        return VNFO_OK;
    uint64_t start, end;
    if (__builtin_mul_overflow((uint64_t)vnfo_manifest_billing_start(s->m), (uint64_t)1000000000u, &start) ||
        __builtin_mul_overflow((uint64_t)vnfo_manifest_billing_end(s->m), (uint64_t)1000000000u, &end))
        return fail(VNFO_E_LIMIT_EXCEEDED, "simulate: the billing period ends after the year 2554: "
                    "no period close can state it in ns");
    for (size_t i = 0; i < s->n; i++) {
        struct node *nd = &s->nodes[i];
        vnfo_status st = vnfo_log_writer_close_period(nd->w, start, end, nd->last_ns > end ? nd->last_ns : end);
        if (st != VNFO_OK)
            return lib_fail(st, "period close");
        s->st.records++;
    }
    return VNFO_OK;
}

static vnfo_status run_packet(struct sim *s, const uint8_t *pkt, size_t len, size_t wire_len,
                              uint64_t ts_ns)
{
    vnfo_sampler_decision d;
    vnfo_status hb = heartbeats_until(s, ts_ns);
    if (hb != VNFO_OK)
        return hb;
    /* Consistent sampling: the decision is a function of the invariant
     * bytes, so every shim computes the same one; computing it once here is
     * the same as computing it at each node.  With `nat-safe` the shims hash
     * the tag the packet carried at chain entry: 0 here, as the NAT binds
     * tags mid-chain (docs/simulate.md, "FlowTags"). */
    if (vnfo_sampler_decide(&d, s->sampler, pkt, len, s->o->linktype, 0) != VNFO_OK)
        return VNFO_OK; /* not IP: no function sees it in this model */
    s->st.entered++;
    s->st.sampled += d.selected;
    const uint8_t *in = pkt;
    size_t in_len = len;
    uint64_t t = ts_ns;
    uint32_t tag = 0;
    for (size_t i = 0; i < s->n; i++) {
        if ((int)i == s->ids_pos && affect(s, SIM_SKIPS_FUNCTION, 1.0))
            continue;
        uint8_t *out = in == s->buf[0] ? s->buf[1] : s->buf[0];
        struct hop_result hr;
        vnfo_status st = run_hop(&hr, s, i, in, in_len, wire_len, out, t, d.selected, d.label, &tag);
        if (st != VNFO_OK || hr.verdict == VNFO_REFERENCE_DROP)
            return st;
        if (i == 0 && s->n > 1 && affect(s, SIM_DROPS_BLAMED_ON_NETWORK, 0.2))
            return VNFO_OK;
        /* The next function sees what this one sent: the rest of the frame
         * beyond the capture is unchanged. */
        wire_len = wire_len - in_len + hr.out_len;
        in = out;
        in_len = hr.out_len;
        t = hr.t_out_true + 5000 + traffic_rand(&s->rng) % 1000;
    }
    return VNFO_OK;
}

/* ---- the bill ----------------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The provider's figure for one billing entry (with the scenario's
 * inflation), or 0 when the simulation does not bill that resource. */
static int bill_value(uint64_t *out, struct sim *s, size_t entry)
{
    const vnfo_manifest *m = s->m;
    vnfo_manifest_resource r = vnfo_manifest_billing_resource(m, entry);
    vnfo_manifest_summary sum = vnfo_manifest_billing_summary(m, entry);
    size_t scope = vnfo_manifest_billing_scope_index(m, entry);
    if (r == VNFO_MANIFEST_RESOURCE_PACKETS) {
        *out = s->st.entered;
        if (s->o->scenario == SIM_BILLS_SPURIOUS_PACKETS)
            *out += *out / 4;
        return 1;
    }
    if (r == VNFO_MANIFEST_RESOURCE_BYTES && sum == VNFO_MANIFEST_SUMMARY_SUM) {
        /* Wire bytes entering the scope: the chain's are its first function's. */
        *out = s->nodes[scope == VNFO_MANIFEST_SCOPE_CHAIN ? 0 : scope].bytes;
        return 1;
    }
    if (r == VNFO_MANIFEST_RESOURCE_CPU_CYCLES && sum == VNFO_MANIFEST_SUMMARY_SUM) {
        uint64_t c = 0;
        for (size_t i = 0; i < s->n; i++)
            if (scope == VNFO_MANIFEST_SCOPE_CHAIN || scope == i)
                c += s->nodes[i].cycles;
        *out = s->o->scenario == SIM_INFLATES_BILL ? c + c * 3 / 10 : c;
        return 1;
    }
    if (r == VNFO_MANIFEST_RESOURCE_MEM_BYTES && sum == VNFO_MANIFEST_SUMMARY_P95 && s->n_mem &&
        scope == VNFO_MANIFEST_SCOPE_CHAIN) {
        qsort(s->mem, s->n_mem, sizeof *s->mem, cmp_u64);
        size_t k = (size_t)ceil(0.95 * (double)s->n_mem);
        *out = s->mem[k ? k - 1 : 0];
        return 1;
    }
    return 0;
}

static void fmt_time(char *out, size_t size, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static vnfo_status write_bill(struct sim *s)
{
    const vnfo_manifest *m = s->m;
    char path[1024], start[32], end[32];
    snprintf(path, sizeof path, "%s/bill.json", s->o->out_dir);
    FILE *f = cli_output_fopen(path);
    if (!f)
        return fail(VNFO_E_IO, "%s: %s", vnfo__shown(path).s, cli_output_why(errno));
    fmt_time(start, sizeof start, vnfo_manifest_billing_start(m));
    fmt_time(end, sizeof end, vnfo_manifest_billing_end(m));
    fprintf(f, "{\n  \"vnfo_bill\": 1,\n  \"manifest_id\": \"%s\",\n  \"provider\": \"%s\",\n"
            "  \"period\": {\"start\": \"%s\", \"end\": \"%s\"},\n  \"totals\": {",
            vnfo_manifest_id(m), vnfo_manifest_party_name(m, VNFO_MANIFEST_PARTY_PROVIDER), start, end);
    int first = 1;
    for (size_t e = 0; e < vnfo_manifest_billing_count(m); e++) {
        uint64_t v;
        if (vnfo_manifest_billing_scope_index(m, e) != VNFO_MANIFEST_SCOPE_CHAIN || !bill_value(&v, s, e))
            continue;
        fprintf(f, "%s\"%s\": %llu", first ? "" : ", ", vnfo_manifest_billing_resource_name(m, e),
                (unsigned long long)v);
        first = 0;
    }
    fprintf(f, "}");
    /* Per-function totals, grouped by function. */
    int any_fn = 0;
    for (size_t i = 0; i < s->n; i++) {
        int open_fn = 0;
        for (size_t e = 0; e < vnfo_manifest_billing_count(m); e++) {
            uint64_t v;
            if (vnfo_manifest_billing_scope_index(m, e) != i || !bill_value(&v, s, e))
                continue;
            if (!any_fn)
                fprintf(f, ",\n  \"functions\": {");
            if (!open_fn)
                fprintf(f, "%s\"%s\": {", any_fn ? ", " : "", vnfo_manifest_chain_name(m, i));
            else
                fprintf(f, ", ");
            fprintf(f, "\"%s\": %llu", vnfo_manifest_billing_resource_name(m, e), (unsigned long long)v);
            any_fn = open_fn = 1;
        }
        if (open_fn)
            fprintf(f, "}");
    }
    fprintf(f, "%s\n}\n", any_fn ? "}" : "");
    return fclose(f) == 0 ? VNFO_OK : fail(VNFO_E_IO, "%s: %s", vnfo__shown(path).s, strerror(errno));
}

/* ---- cheating on the log files after the fact ------------------------------------ */

static uint8_t *slurp(const char *path, size_t *len)
{
    int fd; /* vnfo_file_open: a FIFO in place of a log would hang fopen */
    FILE *f = vnfo_file_open(&fd, path) == VNFO_OK ? fdopen(fd, "rb") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = b ? (size_t)n : 0;
    return b;
}

static int spit(const char *path, const uint8_t *b, size_t len)
{
    FILE *f = cli_output_fopen(path);
    if (!f)
        return -1;
    int bad = fwrite(b, 1, len, f) != len;
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}

/* Offsets of the batches of a log file (4-byte big-endian length, then the
 * batch; docs/FORMAT.md). */
static size_t batches(const uint8_t *b, size_t len, size_t *off, size_t *blen, size_t max)
{
    size_t n = 0;
    for (size_t p = 0; p + 4 <= len && n < max;) {
        size_t l = (size_t)b[p] << 24 | (size_t)b[p + 1] << 16 | (size_t)b[p + 2] << 8 | b[p + 3];
        if (l > len - p - 4)
            break;
        off[n] = p;
        blen[n++] = l;
        p += 4 + l;
    }
    return n;
}

static vnfo_status tamper(struct sim *s, const char *name, int scenario)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.log", s->o->out_dir, name);
    size_t len, off[4096], blen[4096];
    uint8_t *b = slurp(path, &len);
    if (!b)
        return fail(VNFO_E_IO, "%s: cannot read back", vnfo__shown(path).s);
    size_t n = batches(b, len, off, blen, 4096);
    int rc = 0;
    if (n == 0) {
        free(b);
        return fail(VNFO_E_INVALID_ARGUMENT, "%s: no batch to cheat on (too little traffic)", vnfo__shown(path).s);
    }
    if (scenario == SIM_TAMPERS_LOG) {
        size_t k = n / 2;
        b[off[k] + 4 + blen[k] - 3] ^= 0x01; /* inside the batch's last record */
        rc = spit(path, b, len);
    } else if (scenario == SIM_TRUNCATES_LOG) {
        rc = spit(path, b, off[n - 1] + 4 + blen[n - 1] / 2);
    } else if (scenario == SIM_DELETES_TAIL) {
        /* Whole trailing batches, as a provider hiding the end of the
         * period would: a quarter of them (at least the last), never all. */
        if (n < 2) {
            free(b);
            return fail(VNFO_E_INVALID_ARGUMENT, "%s: one batch only: no tail to delete (too little traffic)", vnfo__shown(path).s);
        }
        size_t drop = n / 4 ? n / 4 : 1;
        rc = spit(path, b, off[n - drop]);
    } else {
        uint8_t *c = realloc(b, len + 4 + blen[0]);
        if (c) {
            b = c;
            memcpy(b + len, b + off[0], 4 + blen[0]);
            rc = spit(path, b, len + 4 + blen[0]);
        } else {
            rc = -1;
        }
    }
    free(b);
    return rc ? fail(VNFO_E_IO, "%s: cannot write back", vnfo__shown(path).s) : VNFO_OK;
}

static vnfo_status finish_logs(struct sim *s)
{
    vnfo_status st = close_periods(s);
    for (size_t i = 0; i < s->n; i++) {
        vnfo_log_writer_free(s->nodes[i].w); /* flushes the open batch */
        s->nodes[i].w = NULL;
        if (s->nodes[i].fd >= 0 && close(s->nodes[i].fd) != 0 && st == VNFO_OK)
            st = fail(VNFO_E_IO, "closing a log: %s", strerror(errno));
        s->nodes[i].fd = -1;
    }
    vnfo_log_writer_free(s->substitute.w);
    s->substitute.w = NULL;
    if (s->substitute.fd >= 0)
        close(s->substitute.fd);
    s->substitute.fd = -1;
    if (st != VNFO_OK)
        return st;
    switch (s->o->scenario) {
    case SIM_TAMPERS_LOG: return tamper(s, s->ids_pos >= 0 ? vnfo_manifest_chain_name(s->m, (size_t)s->ids_pos) : vnfo_manifest_chain_name(s->m, 0), SIM_TAMPERS_LOG);
    case SIM_TRUNCATES_LOG: return tamper(s, vnfo_manifest_chain_name(s->m, s->n - 1), SIM_TRUNCATES_LOG);
    case SIM_REPLAYS_BATCH: return tamper(s, vnfo_manifest_chain_name(s->m, 0), SIM_REPLAYS_BATCH);
    case SIM_DELETES_TAIL:
        return tamper(s, vnfo_manifest_chain_name(s->m, s->nat_pos >= 0 ? (size_t)s->nat_pos : s->n - 1),
                      SIM_DELETES_TAIL);
    default: return VNFO_OK;
    }
}

static void cleanup(struct sim *s)
{
    for (size_t i = 0; i < MAX_CHAIN; i++) {
        vnfo_log_writer_free(s->nodes[i].w);
        vnfo_signing_key_free(s->nodes[i].key);
        if (s->nodes[i].fd >= 0)
            close(s->nodes[i].fd);
    }
    vnfo_log_writer_free(s->substitute.w);
    vnfo_signing_key_free(s->substitute.key);
    if (s->substitute.fd >= 0)
        close(s->substitute.fd);
    vnfo_sampler_free(s->sampler);
    vnfo_flowtag_table_free(s->tags);
    sim_functions_free(&s->fns);
    free(s->mem);
    free(s);
}

vnfo_status sim_run(struct sim_stats *stats, const struct sim_options *o, sim_source_fn next, void *ctx)
{
    last_error[0] = '\0';
    if (!o || !o->manifest || !o->keys_dir || !o->out_dir || !next || o->scenario < 0 ||
        o->scenario >= SIM_SCENARIO_COUNT)
        return fail(VNFO_E_INVALID_ARGUMENT, "missing option or unknown scenario");
    struct sim *s = calloc(1, sizeof *s);
    if (!s)
        return fail(VNFO_E_NO_MEMORY, "out of memory");
    for (size_t i = 0; i < MAX_CHAIN; i++)
        s->nodes[i].fd = -1;
    s->o = o;
    s->m = o->manifest;
    vnfo_status st = setup(s);
    const uint8_t *pkt;
    size_t len, wire_len;
    uint64_t ts;
    int r = 0;
    while (st == VNFO_OK && (r = next(ctx, &pkt, &len, &wire_len, &ts)) == 1) {
        s->st.packets++;
        st = run_packet(s, pkt, len, wire_len < len ? len : wire_len, ts);
    }
    if (st == VNFO_OK && r < 0)
        st = fail(VNFO_E_IO, "reading packets failed after %llu packets",
                  (unsigned long long)s->st.packets);
    if (st == VNFO_OK)
        st = finish_logs(s);
    if (st == VNFO_OK)
        st = write_bill(s);
    if (stats)
        *stats = s->st;
    cleanup(s);
    return st;
}
