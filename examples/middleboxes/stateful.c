/* Stateful middleboxes for `vnfo simulate`: a conntrack firewall and a
 * masquerading NAT.  Both read the caller's clock (now_ns, set before each
 * packet) and keep their state in bounded flow tables (flowtable.c).
 * Cost model: as their stateless counterparts, plus 100 cycles for the
 * table look-ups; memory is the tables'. */
#include <string.h>

#include "mb_packet.h"
#include "relation.h"

static uint32_t timeout_of(uint8_t proto)
{
    return proto == 6 ? MB_CT_TCP_TIMEOUT_S : proto == 17 ? MB_CT_UDP_TIMEOUT_S : MB_CT_ICMP_TIMEOUT_S;
}

static vnfo_reference_verdict forward_copy(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                                           size_t *out_len)
{
    if (out_cap < in_len)
        return VNFO_REFERENCE_ERROR;
    memcpy(out, in, in_len);
    *out_len = in_len;
    return VNFO_REFERENCE_FORWARD;
}

/* A live flow of the packet (established), or of the packet an ICMP error
 * quotes (related). */
static struct mb_flow_slot *tracked(struct mb_stateful_firewall *fw, const uint8_t *in, size_t in_len,
                                    const struct mb_view *v)
{
    uint8_t key[MB_FLOW_KEY_BYTES];
    struct mb_view inner;
    struct mb_flow_slot *s = mb_flowtable_find(&fw->ct, key, mb_conn_key(key, v), fw->now_ns);
    if (!s && mb_icmp_related(&inner, in, in_len, fw->acl->linktype))
        s = mb_flowtable_find(&fw->ct, key, mb_conn_key(key, &inner), fw->now_ns);
    return s;
}

vnfo_reference_verdict mb_stateful_firewall(void *ctx, const uint8_t *in, size_t in_len, uint8_t *out,
                                            size_t out_cap, size_t *out_len, vnfo_reference_resources *res)
{
    struct mb_stateful_firewall *fw = ctx;
    struct mb_view v;
    res->mem_bytes = sizeof *fw + (uint64_t)MB_FLOWTABLE_SLOTS * sizeof(struct mb_flow_slot);
    res->cpu_cycles = 250 + 40 * fw->acl->n_rules;
    if (mb_packet_parse(&v, in, in_len, fw->acl->linktype) != 0)
        return fw->acl->default_allow ? forward_copy(in, in_len, out, out_cap, out_len) : VNFO_REFERENCE_DROP;
    uint8_t flags = mb_tcp_flags(in, in_len, &v);
    int syn_only = v.proto == 6 && (flags & (MB_TCP_SYN | MB_TCP_ACK)) == MB_TCP_SYN;
    uint8_t key[MB_FLOW_KEY_BYTES];
    size_t klen = mb_conn_key(key, &v);
    struct mb_flow_slot *s = NULL;
    if (mb_firewall_allows(fw->acl, &v))
        s = mb_flowtable_put(&fw->ct, key, klen, fw->now_ns, timeout_of(v.proto)); /* new or refreshed */
    else if (!syn_only && (s = tracked(fw, in, in_len, &v)) != NULL)
        s->last_ns = fw->now_ns; /* established or related */
    else
        return VNFO_REFERENCE_DROP;
    if (s && (flags & MB_TCP_RST))
        s->timeout_s = MB_CT_TCP_CLOSE_S; /* closing: gone after the close timeout */
    return forward_copy(in, in_len, out, out_cap, out_len);
}

/* ---- masquerade ------------------------------------------------------------ */


/* Rewrites an address (4 bytes at a) and a port (at port) in out. */
static void rewrite(uint8_t *out, const struct mb_view *v, size_t addr_off, size_t port_off,
                    const uint8_t addr[4], uint16_t port)
{
    int udp = v->proto == 17;
    uint8_t *ip_sum = out + v->l3 + 10, *l4_sum = out + v->l4 + (udp ? 6 : 16);
    mb_replace16(out + addr_off, rd16(addr), ip_sum, l4_sum, udp);
    mb_replace16(out + addr_off + 2, rd16(addr + 2), ip_sum, l4_sum, udp);
    mb_replace16(out + port_off, port, NULL, l4_sum, udp);
}

/* proto, address, port, address, port: 13 bytes. */
static size_t tuple(uint8_t *k, uint8_t proto, const uint8_t *a, uint16_t ap, const uint8_t *b, uint16_t bp)
{
    k[0] = proto;
    memcpy(k + 1, a, 4);
    wr16(k + 5, ap);
    memcpy(k + 7, b, 4);
    wr16(k + 11, bp);
    return 13;
}

static uint64_t mix(const uint8_t *k, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ k[i]) * 0x100000001b3ULL;
    return h ^ (h >> 29);
}

/* The flow's port: its own when in range and free, else the first free one
 * from a hash of the flow; 0 when none of MB_FLOWTABLE_PROBES is free. */
static uint16_t pick_port(struct mb_masquerade *m, const struct mb_view *v, const uint8_t *okey)
{
    uint32_t range = (uint32_t)m->port_hi - m->port_lo + 1;
    uint64_t h = mix(okey, 13);
    for (uint32_t i = 0; i <= MB_FLOWTABLE_PROBES; i++) {
        uint16_t port = i == 0 ? v->sport : (uint16_t)(m->port_lo + (h + i) % range);
        if (port < m->port_lo || port > m->port_hi)
            continue;
        uint8_t rkey[16];
        size_t n = tuple(rkey, v->proto, m->public_ipv4, port, v->dst, v->dport);
        if (!mb_flowtable_find(&m->rew, rkey, n, m->now_ns))
            return port;
    }
    return 0;
}

static vnfo_reference_verdict outbound(struct mb_masquerade *m, const struct mb_view *v, uint8_t *out)
{
    uint8_t okey[16], rkey[16];
    uint32_t timeout = v->proto == 6 ? MB_CT_TCP_TIMEOUT_S : MB_CT_UDP_TIMEOUT_S;
    size_t n = tuple(okey, v->proto, v->src, v->sport, v->dst, v->dport);
    struct mb_flow_slot *o = mb_flowtable_find(&m->orig, okey, n, m->now_ns);
    uint16_t port = o ? (uint16_t)o->value : pick_port(m, v, okey);
    if (!port)
        return VNFO_REFERENCE_DROP; /* no free port: masquerade drops */
    tuple(rkey, v->proto, m->public_ipv4, port, v->dst, v->dport);
    struct mb_flow_slot *r = mb_flowtable_put(&m->rew, rkey, n, m->now_ns, timeout);
    if (!o)
        o = mb_flowtable_put(&m->orig, okey, n, m->now_ns, timeout);
    if (!o || !r)
        return VNFO_REFERENCE_DROP; /* table full */
    o->last_ns = r->last_ns = m->now_ns;
    o->value = port;
    r->value = (uint64_t)rd16(v->src) << 32 | (uint64_t)rd16(v->src + 2) << 16 | v->sport;
    rewrite(out, v, v->l3 + 12, v->l4, m->public_ipv4, port);
    return VNFO_REFERENCE_FORWARD;
}

static vnfo_reference_verdict inbound(struct mb_masquerade *m, const struct mb_view *v, uint8_t *out)
{
    uint8_t rkey[16], okey[16];
    size_t n = tuple(rkey, v->proto, v->dst, v->dport, v->src, v->sport);
    struct mb_flow_slot *r = mb_flowtable_find(&m->rew, rkey, n, m->now_ns);
    if (!r)
        return VNFO_REFERENCE_DROP; /* no mapping: not for a flow behind the NAT */
    uint8_t inside[4] = {(uint8_t)(r->value >> 40), (uint8_t)(r->value >> 32), (uint8_t)(r->value >> 24),
                         (uint8_t)(r->value >> 16)};
    uint16_t iport = (uint16_t)r->value;
    tuple(okey, v->proto, inside, iport, v->src, v->sport);
    struct mb_flow_slot *o = mb_flowtable_find(&m->orig, okey, n, m->now_ns);
    r->last_ns = m->now_ns;
    if (o)
        o->last_ns = m->now_ns;
    rewrite(out, v, v->l3 + 16, v->l4 + 2, inside, iport);
    return VNFO_REFERENCE_FORWARD;
}

vnfo_reference_verdict mb_masquerade(void *ctx, const uint8_t *in, size_t in_len, uint8_t *out,
                                     size_t out_cap, size_t *out_len, vnfo_reference_resources *res)
{
    struct mb_masquerade *m = ctx;
    res->mem_bytes = sizeof *m + 2 * (uint64_t)MB_FLOWTABLE_SLOTS * sizeof(struct mb_flow_slot);
    res->cpu_cycles = 400;
    if (out_cap < in_len)
        return VNFO_REFERENCE_ERROR;
    memcpy(out, in, in_len);
    *out_len = in_len;
    struct mb_view v;
    if (mb_packet_parse(&v, in, in_len, m->linktype) != 0 || v.ip_version != 4 || !v.has_ports ||
        v.l4 + (v.proto == 17 ? 8 : 18) > in_len)
        return VNFO_REFERENCE_FORWARD; /* not ours to translate */
    res->cpu_cycles += (v.end - v.l3) / 8;
    return memcmp(v.dst, m->public_ipv4, 4) == 0 ? inbound(m, &v, out) : outbound(m, &v, out);
}
