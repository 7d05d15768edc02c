/* The packet parser as inline functions: parse.c wraps them as the public
 * vnfo_packet_parse(), and the sampler's decide path includes them directly
 * so the per-packet path inlines parsing (no call through the PLT).
 *
 * Bounded parsing of captured frames: link layer, IPv4/IPv6 (options and the
 * extension chain), then the L4 header.  Every read is preceded by a check
 * against the captured length (v->len) or the IP packet end (v->l3_end);
 * running past the capture is TRUNCATED, running past what the headers
 * themselves declare is MALFORMED. */
#ifndef VNFO_PACKET_PARSE_CORE_H
#define VNFO_PACKET_PARSE_CORE_H

#include <string.h>

#include "packet_internal.h"
#include "internal.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define ETH_HEADER 14
#define SLL_HEADER 16

static inline int is_vlan(uint16_t type)
{
    return type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD;
}

/* Maps an ethertype to an IP version (4, 6) or 0 for anything else. */
static inline int ethertype_version(uint16_t type)
{
    return type == ETHERTYPE_IPV4 ? 4 : type == ETHERTYPE_IPV6 ? 6 : 0;
}

static inline vnfo_status parse_ethernet(vnfo_packet_view *v, int *version)
{
    const uint8_t *p = v->data;
    if (v->len < ETH_HEADER)
        return VNFO_E_PACKET_TRUNCATED;
    uint32_t off = 12;
    uint16_t type = pkt_be16(p + off);
    while (is_vlan(type)) {
        if (v->vlan_count == 2)
            return VNFO_E_PACKET_UNSUPPORTED; /* a third tag */
        if (v->len < off + 6)
            return VNFO_E_PACKET_TRUNCATED;
        v->vlan_tci[v->vlan_count++] = pkt_be16(p + off + 2);
        off += 4;
        type = pkt_be16(p + off);
    }
    *version = ethertype_version(type);
    if (!*version)
        return VNFO_E_PACKET_NOT_IP;
    v->l3_offset = off + 2;
    return VNFO_OK;
}

static inline vnfo_status parse_sll(vnfo_packet_view *v, int *version)
{
    if (v->len < SLL_HEADER)
        return VNFO_E_PACKET_TRUNCATED;
    *version = ethertype_version(pkt_be16(v->data + 14));
    if (!*version)
        return VNFO_E_PACKET_NOT_IP;
    v->l3_offset = SLL_HEADER;
    return VNFO_OK;
}

static inline vnfo_status parse_link(vnfo_packet_view *v, int *version)
{
    switch (v->linktype) {
    case VNFO_LINKTYPE_ETHERNET:
        return parse_ethernet(v, version);
    case VNFO_LINKTYPE_LINUX_SLL:
        return parse_sll(v, version);
    case VNFO_LINKTYPE_RAW:
        if (v->len < 1)
            return VNFO_E_PACKET_TRUNCATED;
        *version = v->data[0] >> 4;
        if (*version != 4 && *version != 6)
            return VNFO_E_PACKET_MALFORMED;
        v->l3_offset = 0;
        return VNFO_OK;
    case VNFO_LINKTYPE_IPV4:
    case VNFO_LINKTYPE_IPV6:
        *version = v->linktype == VNFO_LINKTYPE_IPV4 ? 4 : 6;
        v->l3_offset = 0;
        return VNFO_OK;
    default:
        return VNFO_E_PACKET_UNSUPPORTED;
    }
}

/* Sets l3_end from the IP length and notes a snapped capture. */
static inline void set_ip_end(vnfo_packet_view *v, uint32_t ip_length)
{
    v->ip_length = ip_length;
    uint64_t end = (uint64_t)v->l3_offset + ip_length;
    if (end > v->len) {
        v->l3_end = v->len;
        v->flags |= VNFO_PACKET_SNAPPED;
    } else {
        v->l3_end = (uint32_t)end;
    }
}

static inline vnfo_status parse_ipv4(vnfo_packet_view *v)
{
    const uint8_t *ip = v->data + v->l3_offset;
    if (v->len - v->l3_offset < 20)
        return VNFO_E_PACKET_TRUNCATED;
    if (ip[0] >> 4 != 4)
        return VNFO_E_PACKET_MALFORMED;
    uint32_t hlen = (uint32_t)(ip[0] & 0x0f) * 4;
    uint32_t total = pkt_be16(ip + 2);
    if (hlen < 20 || total < hlen)
        return VNFO_E_PACKET_MALFORMED;
    if (v->len - v->l3_offset < hlen)
        return VNFO_E_PACKET_TRUNCATED;
    set_ip_end(v, total);
    v->ip_version = 4;
    v->proto = ip[9];
    v->frag_id = pkt_be16(ip + 4);
    uint16_t frag = pkt_be16(ip + 6);
    v->frag_offset = frag & 0x1fff;
    if (frag & 0x3fff)
        v->flags |= VNFO_PACKET_FRAGMENT;
    if (v->frag_offset)
        v->flags |= VNFO_PACKET_LATER_FRAGMENT;
    v->l4_offset = v->l3_offset + hlen;
    return VNFO_OK;
}

/* Length of the extension header at p (at least 2 bytes readable). */
static inline uint32_t ext_length(uint8_t nh, const uint8_t *p)
{
    if (nh == PKT_FRAGMENT)
        return 8;
    if (nh == PKT_AH)
        return ((uint32_t)p[1] + 2) * 4;
    return ((uint32_t)p[1] + 1) * 8;
}

static inline int is_extension(uint8_t nh)
{
    return nh == PKT_HOPOPTS || nh == PKT_ROUTING || nh == PKT_DSTOPTS || nh == PKT_FRAGMENT ||
           nh == PKT_AH;
}

/* Reads the fragment header at p (8 bytes readable). */
static inline void ipv6_fragment(vnfo_packet_view *v, const uint8_t *p)
{
    uint16_t fo = pkt_be16(p + 2);
    v->frag_offset = fo >> 3;
    v->frag_id = pkt_be32(p + 4);
    v->flags |= VNFO_PACKET_FRAGMENT | VNFO_PACKET_HAS_FRAG_HEADER;
    if (v->frag_offset)
        v->flags |= VNFO_PACKET_LATER_FRAGMENT;
}

/* Checks that [off, off+n) lies in the IP packet and in the capture. */
static inline vnfo_status need(const vnfo_packet_view *v, uint32_t off, uint32_t n)
{
    if ((uint64_t)off + n > (uint64_t)v->l3_offset + v->ip_length)
        return VNFO_E_PACKET_MALFORMED;
    if ((uint64_t)off + n > v->len)
        return VNFO_E_PACKET_TRUNCATED;
    return VNFO_OK;
}

/* Walks the extension chain from off; leaves proto and l4_offset set. */
static inline vnfo_status ipv6_chain(vnfo_packet_view *v, uint8_t nh, uint32_t off)
{
    int first = 1;
    while (is_extension(nh)) {
        if (nh == PKT_HOPOPTS && !first)
            return VNFO_E_PACKET_MALFORMED; /* hop-by-hop must come first */
        vnfo_status s = need(v, off, 2);
        if (s != VNFO_OK)
            return s;
        const uint8_t *p = v->data + off;
        uint32_t elen = ext_length(nh, p);
        if ((s = need(v, off, elen)) != VNFO_OK)
            return s;
        if (nh == PKT_FRAGMENT) {
            if (v->flags & VNFO_PACKET_HAS_FRAG_HEADER)
                return VNFO_E_PACKET_MALFORMED; /* two fragment headers */
            ipv6_fragment(v, p);
        }
        nh = p[0];
        off += elen;
        first = 0;
        if (v->flags & VNFO_PACKET_LATER_FRAGMENT)
            break; /* what follows is the middle of a fragmented payload */
    }
    v->proto = nh;
    v->l4_offset = off;
    return VNFO_OK;
}

static inline vnfo_status parse_ipv6(vnfo_packet_view *v)
{
    const uint8_t *ip = v->data + v->l3_offset;
    if (v->len - v->l3_offset < 40)
        return VNFO_E_PACKET_TRUNCATED;
    if (ip[0] >> 4 != 6)
        return VNFO_E_PACKET_MALFORMED;
    uint32_t plen = pkt_be16(ip + 4);
    if (plen == 0 && ip[6] == PKT_HOPOPTS)
        plen = v->len - v->l3_offset - 40; /* jumbogram: the length is in an option */
    set_ip_end(v, 40 + plen);
    v->ip_version = 6;
    return ipv6_chain(v, ip[6], v->l3_offset + 40);
}

/* Size of the L4 header of proto, 0 for protocols without one we parse. */
static inline uint32_t l4_header_min(uint8_t proto, int version)
{
    switch (proto) {
    case PKT_TCP: return 20;
    case PKT_UDP: return 8;
    case PKT_SCTP: return 12;
    case PKT_ICMP: return version == 4 ? 8 : 0;
    case PKT_ICMPV6: return version == 6 ? 8 : 0;
    default: return 0;
    }
}

static inline vnfo_status parse_l4(vnfo_packet_view *v)
{
    v->payload_offset = v->l4_offset;
    if (v->flags & VNFO_PACKET_LATER_FRAGMENT)
        return VNFO_OK;
    uint32_t hlen = l4_header_min(v->proto, v->ip_version);
    if (!hlen)
        return VNFO_OK;
    vnfo_status s = need(v, v->l4_offset, hlen);
    if (s != VNFO_OK)
        return s;
    const uint8_t *l4 = v->data + v->l4_offset;
    if (v->proto == PKT_TCP) {
        hlen = (uint32_t)(l4[12] >> 4) * 4;
        if (hlen < 20)
            return VNFO_E_PACKET_MALFORMED;
        if ((s = need(v, v->l4_offset, hlen)) != VNFO_OK)
            return s;
    }
    if (v->proto == PKT_ICMP || v->proto == PKT_ICMPV6) {
        v->icmp_type = l4[0];
        v->icmp_code = l4[1];
        v->flags |= VNFO_PACKET_HAS_ICMP;
    } else {
        v->src_port = pkt_be16(l4);
        v->dst_port = pkt_be16(l4 + 2);
        v->flags |= VNFO_PACKET_HAS_PORTS;
    }
    v->flags |= VNFO_PACKET_HAS_L4;
    v->payload_offset = v->l4_offset + hlen;
    return VNFO_OK;
}

static inline vnfo_status pkt_parse(vnfo_packet_view *out, const uint8_t *pkt, size_t len,
                                     uint32_t linktype)
{
    if (VNFO_UNLIKELY(!out || (!pkt && len)))
        return VNFO_E_INVALID_ARGUMENT;
    memset(out, 0, sizeof *out);
    out->data = pkt;
    /* Offsets are 32-bit; longer captures are cut (no link carries them). */
    out->len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
    out->linktype = linktype;
    int version = 0;
    vnfo_status s = parse_link(out, &version);
    if (s != VNFO_OK)
        return s;
    if (out->l3_offset >= out->len)
        return VNFO_E_PACKET_TRUNCATED;
    s = version == 4 ? parse_ipv4(out) : parse_ipv6(out);
    if (s != VNFO_OK)
        return s;
    return parse_l4(out);
}

#endif
