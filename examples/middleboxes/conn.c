/* Connection helpers of the stateful middleboxes and their relations:
 * flow keys in either direction, reversed views, ICMP errors about a flow,
 * TCP flags and sequence numbers. */
#include <string.h>

#include <vnfo/packet.h>

#include "mb_packet.h"
#include "relation.h"

/* One endpoint: address (16 bytes, IPv4 in the first 4) and port. */
static void endpoint(uint8_t *out, const uint8_t *addr, uint16_t port)
{
    memcpy(out, addr, 16);
    out[16] = (uint8_t)(port >> 8);
    out[17] = (uint8_t)port;
}

size_t mb_conn_key(uint8_t *out, const struct mb_view *v)
{
    uint8_t a[18], b[18];
    uint16_t sp = v->has_ports ? v->sport : 0, dp = v->has_ports ? v->dport : 0;
    endpoint(a, v->src, sp);
    endpoint(b, v->dst, dp);
    int swap = memcmp(a, b, sizeof a) > 0;
    out[0] = v->ip_version;
    out[1] = v->proto;
    memcpy(out + 2, swap ? b : a, 18);
    memcpy(out + 20, swap ? a : b, 18);
    return 38;
}

void mb_view_reverse(struct mb_view *out, const struct mb_view *v)
{
    *out = *v;
    memcpy(out->src, v->dst, 16);
    memcpy(out->dst, v->src, 16);
    out->sport = v->dport;
    out->dport = v->sport;
}

int mb_icmp_related(struct mb_view *inner, const uint8_t *in, size_t in_len, uint32_t linktype)
{
    vnfo_packet_view pv;
    if (vnfo_packet_parse(&pv, in, in_len, linktype) != VNFO_OK || !(pv.flags & VNFO_PACKET_HAS_ICMP))
        return 0;
    int error = pv.ip_version == 4 ? (pv.icmp_type == 3 || pv.icmp_type == 11 || pv.icmp_type == 12)
                                   : (pv.icmp_type >= 1 && pv.icmp_type <= 4);
    size_t quoted = (size_t)pv.l4_offset + 8;
    if (!error || quoted >= pv.l3_end)
        return 0;
    /* The quoted packet is raw IP (LINKTYPE_RAW), cut short: its ports are
     * in its first 8 L4 bytes, which RFC 792 requires an error to quote. */
    return mb_packet_parse(inner, in + quoted, pv.l3_end - quoted, 101) == 0;
}

uint8_t mb_tcp_flags(const uint8_t *in, size_t in_len, const struct mb_view *v)
{
    if (v->proto != 6 || v->l4 + 14 > in_len || v->l4 + 14 > v->end)
        return 0;
    return in[v->l4 + 13];
}

uint32_t mb_tcp_seq(const uint8_t *in, size_t in_len, const struct mb_view *v)
{
    if (v->proto != 6 || v->l4 + 8 > in_len || v->l4 + 8 > v->end)
        return 0;
    const uint8_t *p = in + v->l4 + 4;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The bytes a router changes on its way: IPv4 DSCP/ECN (1), TTL (8) and
 * header checksum (10-11); IPv6 traffic class (low half of 0, high half of
 * 1) and hop limit (7); the fields vnfo_packet_digest() leaves out. */
static uint8_t hop_mask(int version, size_t i)
{
    if (version == 4)
        return i == 1 || i == 8 || i == 10 || i == 11 ? 0xff : 0;
    return i == 0 ? 0x0f : i == 1 ? 0xf0 : i == 7 ? 0xff : 0;
}

int mb_ip_unchanged_but(const vnfo_relation_packet *p, const struct mb_byte_range *skip, size_t n_skip)
{
    struct mb_view a, b;
    if (!p->out)
        return 1;
    if (mb_packet_parse(&a, p->in, p->in_len, p->linktype) != 0)
        return p->in_len == p->out_len && memcmp(p->in, p->out, p->in_len) == 0;
    if (mb_packet_parse(&b, p->out, p->out_len, p->linktype) != 0 || a.ip_version != b.ip_version)
        return 0;
    size_t na = a.end - a.l3, nb = b.end - b.l3;
    if (p->in_whole && p->out_whole && na != nb)
        return 0;
    size_t n = na < nb ? na : nb;
    for (size_t i = 0; i < n; i++) {
        uint8_t diff = (uint8_t)((p->in[a.l3 + i] ^ p->out[b.l3 + i]) & ~hop_mask(a.ip_version, i));
        for (size_t k = 0; diff && k < n_skip; k++)
            if (i >= skip[k].off && i < skip[k].off + skip[k].len)
                diff = 0;
        if (diff)
            return 0;
    }
    return 1;
}
