/* The relation of a masquerading (dynamic source) NAT.
 *
 * Per packet: an IPv4 TCP/UDP packet to a pool address is a reply, any
 * other one leaves through the NAT.
 *   - a leaving packet is forwarded (dropping one is inadmissible: this
 *     relation does not admit pool exhaustion) from a pool address, with a
 *     port in range, to the same destination;
 *   - a forwarded reply keeps its source, and gets an inside destination;
 *     dropping a reply is admissible (its mapping may not exist);
 *   - everything else is unchanged: the bytes outside the rewritten
 *     address, port and the two checksums (the nat-safe view) are equal;
 *     packets the NAT does not translate pass unchanged.
 * Across records (facts, held for the mapping's least life after each
 * packet): space 0, an original flow has one rewritten tuple; space 1, a
 * rewritten tuple belongs to one original flow.  Replies state the same
 * facts from the other side, so they must be translated back consistently. */
#include <stdio.h>
#include <string.h>

#include "mb_packet.h"
#include "relation.h"

static const char *const SPACES[] = {"one original flow, two rewritten tuples",
                                     "two live original flows, one rewritten tuple"};

void mb_nat_relation_init(struct mb_nat_relation *r, const uint8_t pool[4], uint8_t bits,
                          uint16_t port_lo, uint16_t port_hi)
{
    memset(r, 0, sizeof *r);
    memcpy(r->pool_ipv4, pool, 4);
    r->pool_bits = bits > 32 ? 32 : bits;
    r->port_lo = port_lo;
    r->port_hi = port_hi;
    r->udp_hold_ns = (uint64_t)MB_CT_UDP_TIMEOUT_S * 1000000000u;
    r->tcp_hold_ns = (uint64_t)MB_CT_TCP_CLOSE_S * 1000000000u;
}

static int in_pool(const struct mb_nat_relation *r, const uint8_t *a)
{
    uint32_t x = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
    uint32_t p = (uint32_t)r->pool_ipv4[0] << 24 | (uint32_t)r->pool_ipv4[1] << 16 |
                 (uint32_t)r->pool_ipv4[2] << 8 | r->pool_ipv4[3];
    uint32_t mask = r->pool_bits ? ~0u << (32 - r->pool_bits) : 0;
    return (x & mask) == (p & mask);
}

static int translatable(const struct mb_view *v, size_t len)
{
    return v->ip_version == 4 && v->has_ports && v->l4 + (v->proto == 17 ? 8u : 18u) <= len;
}

/* Equal outside the rewritten address (4 bytes at addr), port (2 bytes at
 * port, both from the IP header) and the L4 checksum, and the fields a
 * router changes: compared over the captured prefix. */
static int same_but(const vnfo_relation_packet *p, const struct mb_view *v, size_t addr, size_t port)
{
    size_t l4 = v->l4 - v->l3;
    struct mb_byte_range skip[3] = {{addr, 4}, {l4 + port, 2}, {l4 + (v->proto == 17 ? 6u : 16u), 2}};
    return mb_ip_unchanged_but(p, skip, 3);
}

struct nat_pair {
    struct mb_view in, out;
    int reply;
};

/* 0: both sides parsed; 1: not translatable; -1: no output to judge. */
static int pair_of(struct nat_pair *x, const struct mb_nat_relation *r, const vnfo_relation_packet *p)
{
    if (mb_packet_parse(&x->in, p->in, p->in_len, p->linktype) != 0 || !translatable(&x->in, p->in_len))
        return 1;
    x->reply = in_pool(r, x->in.dst);
    if (!p->forwarded)
        return 0;
    if (!p->out)
        return -1;
    if (mb_packet_parse(&x->out, p->out, p->out_len, p->linktype) != 0 || !translatable(&x->out, p->out_len))
        memset(&x->out, 0, sizeof x->out);
    return 0;
}

static vnfo_relation_verdict fail(char *why, size_t cap, const char *text)
{
    snprintf(why, cap, "%s", text);
    return VNFO_RELATION_INADMISSIBLE;
}

static vnfo_relation_verdict leaving(const struct mb_nat_relation *r, const vnfo_relation_packet *p,
                                     const struct nat_pair *x, char *why, size_t cap)
{
    const struct mb_view *o = &x->out;
    if (!in_pool(r, o->src))
        return fail(why, cap, "the rewritten source address is outside the pool");
    if (o->sport < r->port_lo || o->sport > r->port_hi)
        return fail(why, cap, "the rewritten source port is outside the port range");
    if (memcmp(o->dst, x->in.dst, 4) != 0 || o->dport != x->in.dport)
        return fail(why, cap, "a leaving packet's destination changed");
    if (!same_but(p, &x->in, 12, 0))
        return fail(why, cap, "bytes other than the source address, port and checksums changed");
    return VNFO_RELATION_ADMISSIBLE;
}

static vnfo_relation_verdict nat_check(void *ctx, const vnfo_relation_packet *p, const vnfo_relation_packet *prev,
                                       char *why, size_t cap)
{
    const struct mb_nat_relation *r = ctx;
    struct nat_pair x;
    (void)prev;
    int k = pair_of(&x, r, p);
    if (k < 0)
        return VNFO_RELATION_NOT_APPLICABLE;
    if (k > 0) { /* not the NAT's to translate: it passes unchanged */
        if (p->forwarded && !mb_ip_unchanged_but(p, NULL, 0))
            return fail(why, cap, "a packet the NAT does not translate was changed");
        return VNFO_RELATION_ADMISSIBLE;
    }
    if (!p->forwarded)
        return x.reply ? VNFO_RELATION_ADMISSIBLE
                       : fail(why, cap, "a masquerading NAT forwards every leaving TCP/UDP packet");
    if (!x.out.ip_version)
        return fail(why, cap, "the output is not an IPv4 TCP/UDP packet");
    if (x.out.proto != x.in.proto)
        return fail(why, cap, "the protocol changed");
    if (!x.reply)
        return leaving(r, p, &x, why, cap);
    if (memcmp(x.out.src, x.in.src, 4) != 0 || x.out.sport != x.in.sport)
        return fail(why, cap, "a reply's source changed");
    if (in_pool(r, x.out.dst))
        return fail(why, cap, "a reply was not translated back (its destination is still a pool address)");
    if (!same_but(p, &x.in, 16, 2))
        return fail(why, cap, "bytes other than the destination address, port and checksums changed");
    return VNFO_RELATION_ADMISSIBLE;
}

/* proto, address, port, address, port: 13 bytes. */
static uint32_t tuple(uint8_t *k, uint8_t proto, const uint8_t *a, uint16_t ap, const uint8_t *b, uint16_t bp)
{
    k[0] = proto;
    memcpy(k + 1, a, 4);
    k[5] = (uint8_t)(ap >> 8);
    k[6] = (uint8_t)ap;
    memcpy(k + 7, b, 4);
    k[11] = (uint8_t)(bp >> 8);
    k[12] = (uint8_t)bp;
    return 13;
}

static uint32_t endpoint(uint8_t *k, const uint8_t *a, uint16_t port)
{
    memcpy(k, a, 4);
    k[4] = (uint8_t)(port >> 8);
    k[5] = (uint8_t)port;
    return 6;
}

static size_t nat_facts(void *ctx, const vnfo_relation_packet *p, vnfo_relation_fact *facts)
{
    const struct mb_nat_relation *r = ctx;
    struct nat_pair x;
    if (!p->forwarded || pair_of(&x, r, p) != 0 || !x.out.ip_version)
        return 0;
    const struct mb_view *inside = x.reply ? &x.out : &x.in, *outside = x.reply ? &x.in : &x.out;
    /* inside: the original flow's endpoint; outside: the rewritten one. */
    const uint8_t *orig_addr = x.reply ? inside->dst : inside->src, *rew_addr = x.reply ? outside->dst : outside->src;
    uint16_t orig_port = x.reply ? inside->dport : inside->sport, rew_port = x.reply ? outside->dport : outside->sport;
    const uint8_t *peer = x.reply ? x.in.src : x.in.dst;
    uint16_t peer_port = x.reply ? x.in.sport : x.in.dport;
    uint64_t hold = x.in.proto == 6 ? r->tcp_hold_ns : r->udp_hold_ns;
    facts[0].space = 0;
    facts[0].key_len = tuple(facts[0].key, x.in.proto, orig_addr, orig_port, peer, peer_port);
    facts[0].value_len = endpoint(facts[0].value, rew_addr, rew_port);
    facts[0].hold_ns = hold;
    facts[1].space = 1;
    facts[1].key_len = tuple(facts[1].key, x.in.proto, rew_addr, rew_port, peer, peer_port);
    facts[1].value_len = endpoint(facts[1].value, orig_addr, orig_port);
    facts[1].hold_ns = hold;
    return 2;
}

void mb_nat_relation(vnfo_relation *rel)
{
    vnfo_relation init = VNFO_RELATION_INIT;
    *rel = init;
    rel->check = nat_check;
    rel->facts = nat_facts;
    rel->space_names = SPACES;
    rel->n_space_names = 2;
}
