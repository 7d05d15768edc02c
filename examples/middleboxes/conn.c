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
