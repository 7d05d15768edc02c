/* Header access for the reference middleboxes: Ethernet (up to two VLAN
 * tags), Linux cooked capture and raw IP; IPv4 with options, IPv6 without
 * extension headers (a packet with one is passed on untouched: the
 * middleboxes only act on TCP and UDP).  Every read is bounds-checked. */
#include <string.h>

#include "mb_packet.h"

#define LINKTYPE_ETHERNET 1
#define LINKTYPE_RAW 101
#define LINKTYPE_LINUX_SLL 113
#define LINKTYPE_IPV4 228
#define LINKTYPE_IPV6 229

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* Offset of the IP header, or -1. */
static long l3_offset(const uint8_t *pkt, size_t len, uint32_t linktype)
{
    switch (linktype) {
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
        return 0;
    case LINKTYPE_LINUX_SLL:
        if (len < 16 || (rd16(pkt + 14) != 0x0800 && rd16(pkt + 14) != 0x86dd))
            return -1;
        return 16;
    case LINKTYPE_ETHERNET: {
        size_t off = 12;
        for (int tags = 0; tags <= 2; tags++) {
            if (len < off + 2)
                return -1;
            uint16_t type = rd16(pkt + off);
            if (type == 0x0800 || type == 0x86dd)
                return (long)(off + 2);
            if (type != 0x8100 && type != 0x88a8)
                return -1;
            off += 4;
        }
        return -1;
    }
    default:
        return -1;
    }
}

static int parse_ipv4(struct mb_view *v, const uint8_t *ip, size_t avail)
{
    if (avail < 20 || (ip[0] >> 4) != 4)
        return -1;
    size_t ihl = (size_t)(ip[0] & 15) * 4, total = rd16(ip + 2);
    if (ihl < 20 || total < ihl || total > avail)
        return -1;
    v->ip_version = 4;
    v->proto = ip[9];
    memcpy(v->src, ip + 12, 4);
    memcpy(v->dst, ip + 16, 4);
    v->end = v->l3 + total;
    v->l4 = v->l3 + ihl;
    /* Non-first fragments carry no L4 header. */
    if (rd16(ip + 6) & 0x1fff)
        v->proto = 0;
    return 0;
}

static int parse_ipv6(struct mb_view *v, const uint8_t *ip, size_t avail)
{
    if (avail < 40 || (ip[0] >> 4) != 6)
        return -1;
    size_t total = 40 + (size_t)rd16(ip + 4);
    if (total > avail)
        return -1;
    v->ip_version = 6;
    v->proto = ip[6];
    memcpy(v->src, ip + 8, 16);
    memcpy(v->dst, ip + 24, 16);
    v->end = v->l3 + total;
    v->l4 = v->l3 + 40;
    return 0;
}

int mb_packet_parse(struct mb_view *v, const uint8_t *pkt, size_t len, uint32_t linktype)
{
    memset(v, 0, sizeof *v);
    long l3 = l3_offset(pkt, len, linktype);
    if (l3 < 0 || (size_t)l3 >= len)
        return -1;
    v->l3 = (size_t)l3;
    const uint8_t *ip = pkt + l3;
    size_t avail = len - (size_t)l3;
    if ((ip[0] >> 4) == 4 ? parse_ipv4(v, ip, avail) : parse_ipv6(v, ip, avail))
        return -1;
    v->payload = v->l4;
    size_t hdr = v->proto == 6 ? 20 : v->proto == 17 ? 8 : 0;
    if (hdr && v->end >= v->l4 + hdr) {
        if (v->proto == 6)
            hdr = (size_t)(pkt[v->l4 + 12] >> 4) * 4;
        if (hdr >= 8 && v->end >= v->l4 + hdr) {
            v->has_ports = 1;
            v->sport = rd16(pkt + v->l4);
            v->dport = rd16(pkt + v->l4 + 2);
            v->payload = v->l4 + hdr;
        }
    }
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
