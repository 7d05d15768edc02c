/* Header access for the reference middleboxes, on top of the library's
 * bounds-checked packet parser (include/vnfo/packet.h): Ethernet with VLAN
 * tags, Linux cooked capture, raw IP; IPv4 options and IPv6 extension
 * chains; ports of TCP, UDP and SCTP. */
#include <string.h>

#include <vnfo/packet.h>

#include "mb_packet.h"

int mb_packet_parse(struct mb_view *v, const uint8_t *pkt, size_t len, uint32_t linktype)
{
    vnfo_packet_view pv;
    memset(v, 0, sizeof *v);
    if (vnfo_packet_parse(&pv, pkt, len, linktype) != VNFO_OK)
        return -1;
    vnfo_flow_key key;
    if (vnfo_packet_flow_key(&key, &pv) != VNFO_OK)
        return -1;
    v->l3 = pv.l3_offset;
    v->l4 = pv.l4_offset;
    v->payload = pv.payload_offset;
    v->end = pv.l3_end;
    v->ip_version = pv.ip_version;
    v->proto = pv.proto;
    /* The middleboxes rewrite and match TCP and UDP ports only. */
    v->has_ports = (pv.flags & VNFO_PACKET_HAS_PORTS) && (pv.proto == 6 || pv.proto == 17);
    v->sport = pv.src_port;
    v->dport = pv.dst_port;
    memcpy(v->src, key.src, 16);
    memcpy(v->dst, key.dst, 16);
    return 0;
}

uint16_t mb_checksum_update16(uint16_t sum, uint16_t old_word, uint16_t new_word)
{
    /* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') */
    uint32_t s = (uint16_t)~sum + (uint32_t)(uint16_t)~old_word + new_word;
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

void mb_replace16(uint8_t *p, uint16_t value, uint8_t *ip_sum, uint8_t *l4_sum, int udp)
{
    uint16_t old = rd16(p);
    wr16(p, value);
    if (ip_sum)
        wr16(ip_sum, mb_checksum_update16(rd16(ip_sum), old, value));
    if (l4_sum && !(udp && rd16(l4_sum) == 0)) {
        uint16_t s = mb_checksum_update16(rd16(l4_sum), old, value);
        wr16(l4_sum, udp && s == 0 ? 0xffff : s);
    }
}
