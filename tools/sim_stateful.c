/* The simulated provider's stateful cheats (docs/simulate.md, "Scenarios"):
 * what a dishonest stateful function does to a packet its honest self has
 * just handled.  Each is a violation only a relation can see: the verdicts
 * and ports of stateful functions are not a function of the packet, so no
 * replay catches them. */
#include <string.h>

#include "sim.h"

static uint64_t fnv(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h ^ (h >> 31);
}

/* The firewall forwards a packet its policy denies in both directions: no
 * allowed packet could have opened its flow. */
static int forwards_unopenable(const struct sim_functions *f, const struct mb_view *v, const uint8_t *in,
                               size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len,
                               vnfo_reference_verdict *verdict)
{
    struct mb_view rev;
    mb_view_reverse(&rev, v);
    if (*verdict != VNFO_REFERENCE_DROP || in_len > out_cap || mb_firewall_allows(&f->fw, v) ||
        mb_firewall_allows(&f->fw, &rev))
        return 0;
    memcpy(out, in, in_len);
    *out_len = in_len;
    *verdict = VNFO_REFERENCE_FORWARD;
    return 1;
}

/* A leaving packet's new source port: the NAT splits a flow over two ports
 * (half its packets on the next port of the pool), or shares one port among
 * every flow to one server (the port derives from the destination alone). */
static int moves_port(int scenario, const struct sim_functions *f, uint32_t linktype, uint8_t *out,
                      size_t out_len, uint64_t coin)
{
    struct mb_view o;
    if (mb_packet_parse(&o, out, out_len, linktype) != 0 || o.ip_version != 4 || !o.has_ports ||
        o.l4 + (o.proto == 17 ? 8u : 18u) > out_len || memcmp(o.src, f->masq.public_ipv4, 4) != 0)
        return 0;
    uint32_t range = (uint32_t)f->masq.port_hi - f->masq.port_lo + 1;
    uint16_t port;
    if (scenario == SIM_NAT_SPLITS_FLOW) {
        if (coin & 1)
            return 0;
        port = (uint16_t)(f->masq.port_lo + ((uint32_t)(o.sport - f->masq.port_lo) + 1) % range);
    } else {
        uint8_t server[7] = {o.proto, o.dst[0], o.dst[1], o.dst[2], o.dst[3], (uint8_t)(o.dport >> 8),
                             (uint8_t)o.dport};
        port = (uint16_t)(f->masq.port_lo + fnv(server, sizeof server) % range);
    }
    int udp = o.proto == 17;
    mb_replace16(out + o.l4, port, NULL, out + o.l4 + (udp ? 6 : 16), udp);
    return 1;
}

/* The IDS drops every packet of a quarter of the flows (by a hash of the
 * connection), whatever their bytes. */
static int drops_flow(const struct mb_view *v, vnfo_reference_verdict *verdict)
{
    uint8_t key[MB_FLOW_KEY_BYTES];
    size_t n = mb_conn_key(key, v);
    if (*verdict != VNFO_REFERENCE_FORWARD || !v->has_ports || fnv(key, n) % 4 != 0)
        return 0;
    *verdict = VNFO_REFERENCE_DROP;
    return 1;
}

int sim_stateful_cheat(int scenario, const char *function, const struct sim_functions *f, uint32_t linktype,
                       const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len,
                       vnfo_reference_verdict *verdict, uint64_t coin)
{
    const char *target = sim_scenario_stateful_function(scenario);
    struct mb_view v;
    if (!target || strcmp(target, function) != 0 || mb_packet_parse(&v, in, in_len, linktype) != 0)
        return 0;
    switch (scenario) {
    case SIM_FW_FORWARDS_UNOPENABLE:
        return forwards_unopenable(f, &v, in, in_len, out, out_cap, out_len, verdict);
    case SIM_NAT_SPLITS_FLOW:
    case SIM_NAT_SHARES_PORT:
        return *verdict == VNFO_REFERENCE_FORWARD && moves_port(scenario, f, linktype, out, *out_len, coin);
    case SIM_IDS_DROPS_UNMATCHABLE:
        return drops_flow(&v, verdict);
    default:
        return 0;
    }
}
