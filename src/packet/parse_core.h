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
#define ETHERTYPE_MPLS 0x8847
#define ETHERTYPE_MPLS_MC 0x8848
#define ETH_HEADER 14
#define SLL_HEADER 16
#define SLL2_HEADER 20
#define NFLOG_PAYLOAD 9 /* NFULA_PAYLOAD: the TLV that holds the packet */

static inline int is_vlan(uint16_t type)
{
    return type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD;
}

/* Maps an ethertype to an IP version (4, 6) or 0 for anything else. */
static inline int ethertype_version(uint16_t type)
{
    return type == ETHERTYPE_IPV4 ? 4 : type == ETHERTYPE_IPV6 ? 6 : 0;
}

static inline int is_mpls(uint16_t type)
{
    return type == ETHERTYPE_MPLS || type == ETHERTYPE_MPLS_MC;
}

/* The IP version whose first nibble starts the bytes at off, for headers
 * that do not name the protocol they carry (raw IP, the bottom of an MPLS
 * stack): 4, 6, or 0 (and a status) for anything else. */
static inline vnfo_status version_nibble(const vnfo_packet_view *v, uint32_t off, int *version,
                                         vnfo_status otherwise)
{
    if (v->len <= off)
        return VNFO_E_PACKET_TRUNCATED;
    *version = v->data[off] >> 4;
    return *version == 4 || *version == 6 ? VNFO_OK : otherwise;
}

/* An MPLS label stack at off, at most VNFO_PACKET_MPLS_MAX entries, down
 * to the entry with the bottom-of-stack bit; the payload is IP when its
 * first nibble says 4 or 6 (a pseudowire control word or an Ethernet
 * pseudowire is not read: unsupported). */
static inline vnfo_status parse_mpls(vnfo_packet_view *v, uint32_t off, int *version)
{
    for (int depth = 0;; depth++) {
        if (depth == VNFO_PACKET_MPLS_MAX)
            return VNFO_E_PACKET_UNSUPPORTED; /* a deeper stack than documented */
        if (v->len < off + 4)
            return VNFO_E_PACKET_TRUNCATED;
        int bottom = v->data[off + 2] & 1;
        off += 4;
        if (bottom)
            break;
    }
    vnfo_status s = version_nibble(v, off, version, VNFO_E_PACKET_UNSUPPORTED);
    v->l3_offset = off;
    return s;
}

/* From an ethertype at off (the two bytes before the header it names) on:
 * VLAN tags (up to VNFO_PACKET_VLAN_MAX; the outer two are kept), an MPLS
 * stack, then IPv4 or IPv6. */
static inline vnfo_status parse_ethertype(vnfo_packet_view *v, uint32_t off, int *version)
{
    const uint8_t *p = v->data;
    uint16_t type = pkt_be16(p + off);
    /* vlan_count stays the number of vlan_tci entries (at most two), as
     * 0.1.0 callers index vlan_tci by it; depth counts every tag */
    for (unsigned depth = v->vlan_count; is_vlan(type); depth++) {
        if (depth == VNFO_PACKET_VLAN_MAX)
            return VNFO_E_PACKET_UNSUPPORTED; /* a deeper stack than documented */
        if (v->len < off + 6)
            return VNFO_E_PACKET_TRUNCATED;
        if (v->vlan_count < 2)
            v->vlan_tci[v->vlan_count++] = pkt_be16(p + off + 2);
        off += 4;
        type = pkt_be16(p + off);
    }
    if (is_mpls(type))
        return parse_mpls(v, off + 2, version);
    *version = ethertype_version(type);
    if (!*version)
        return VNFO_E_PACKET_NOT_IP;
    v->l3_offset = off + 2;
    return VNFO_OK;
}

static inline vnfo_status parse_ethernet(vnfo_packet_view *v, int *version)
{
    if (v->len < ETH_HEADER)
        return VNFO_E_PACKET_TRUNCATED;
    return parse_ethertype(v, 12, version);
}

/* Linux cooked captures: the protocol (an ethertype) at byte 14 of SLL's
 * 16-byte header, at byte 0 of SLL2's 20-byte one. */
static inline vnfo_status parse_sll(vnfo_packet_view *v, int *version, uint32_t header,
                                    uint32_t proto_at)
{
    if (v->len < header)
        return VNFO_E_PACKET_TRUNCATED;
    uint16_t type = pkt_be16(v->data + proto_at);
    if (is_mpls(type)) /* the label stack follows the header */
        return parse_mpls(v, header, version);
    if (is_vlan(type)) {
        /* a cooked VLAN frame: TCI then the inner ethertype, as in Ethernet
         * from the TCI on */
        if (v->len < header + 4)
            return VNFO_E_PACKET_TRUNCATED;
        v->vlan_tci[0] = pkt_be16(v->data + header);
        v->vlan_count = 1;
        return parse_ethertype(v, header + 2, version);
    }
    *version = ethertype_version(type);
    if (!*version)
        return VNFO_E_PACKET_NOT_IP;
    v->l3_offset = header;
    return VNFO_OK;
}

/* BSD loopback: a 4-byte address family, in the capturing host's byte
 * order for LINKTYPE_NULL (so both orders are read) and big-endian for
 * LINKTYPE_LOOP.  AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24
 * (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD, DragonFly) or 30 (Darwin). */
static inline vnfo_status parse_loopback(vnfo_packet_view *v, int *version)
{
    if (v->len < 4)
        return VNFO_E_PACKET_TRUNCATED;
    const uint8_t *p = v->data;
    uint32_t af = pkt_be32(p);
    if (v->linktype == VNFO_LINKTYPE_NULL && (af & 0xffff0000u))
        af = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    *version = af == 2 ? 4 : af == 10 || af == 24 || af == 28 || af == 30 ? 6 : 0;
    if (!*version)
        return VNFO_E_PACKET_NOT_IP;
    v->l3_offset = 4;
    return VNFO_OK;
}

/* The PPP protocol field at off: 0x0021 IPv4, 0x0057 IPv6, 0x0281/0x0283
 * MPLS; one byte when compressed (its low bit set, RFC 1661 section 6.5). */
static inline vnfo_status parse_ppp_protocol(vnfo_packet_view *v, uint32_t off, int *version)
{
    if (v->len < off + 1)
        return VNFO_E_PACKET_TRUNCATED;
    uint16_t proto = v->data[off];
    if (proto & 1) {
        off += 1;
    } else {
        if (v->len < off + 2)
            return VNFO_E_PACKET_TRUNCATED;
        proto = pkt_be16(v->data + off);
        off += 2;
    }
    if (proto == 0x0281 || proto == 0x0283)
        return parse_mpls(v, off, version);
    *version = proto == 0x0021 ? 4 : proto == 0x0057 ? 6 : 0;
    if (!*version)
        return VNFO_E_PACKET_NOT_IP;
    v->l3_offset = off;
    return VNFO_OK;
}

/* LINKTYPE_PPP (the frame may start with the HDLC address and control
 * bytes 0xff 0x03), LINKTYPE_PPP_HDLC (PPP in HDLC-like framing, or Cisco
 * HDLC) and LINKTYPE_C_HDLC (Cisco HDLC: address, control, ethertype). */
static inline vnfo_status parse_ppp(vnfo_packet_view *v, int *version)
{
    const uint8_t *p = v->data;
    if (v->len < 2)
        return VNFO_E_PACKET_TRUNCATED;
    int hdlc_ppp = p[0] == 0xff && p[1] == 0x03;
    int cisco = p[0] == 0x0f || p[0] == 0x8f;
    if (v->linktype == VNFO_LINKTYPE_C_HDLC || (v->linktype == VNFO_LINKTYPE_PPP_HDLC && cisco)) {
        if (v->len < 4)
            return VNFO_E_PACKET_TRUNCATED;
        return parse_ethertype(v, 2, version);
    }
    if (v->linktype == VNFO_LINKTYPE_PPP_HDLC && !hdlc_ppp)
        return VNFO_E_PACKET_MALFORMED; /* neither PPP nor Cisco framing */
    return parse_ppp_protocol(v, hdlc_ppp ? 2 : 0, version);
}

/* NFLOG: family (AF_INET 2, AF_INET6 10), version, resource id, then
 * type-length-value records (lengths and types in the host's byte order,
 * as libpcap delivers them; each padded to 4 bytes); the packet is the
 * value of the NFULA_PAYLOAD record. */
static inline vnfo_status parse_nflog(vnfo_packet_view *v, int *version)
{
    const uint8_t *p = v->data;
    if (v->len < 4)
        return VNFO_E_PACKET_TRUNCATED;
    if (p[1] != 0)
        return VNFO_E_PACKET_UNSUPPORTED; /* a later NFLOG version */
    *version = p[0] == 2 ? 4 : p[0] == 10 ? 6 : 0;
    if (!*version)
        return VNFO_E_PACKET_NOT_IP;
    for (uint32_t off = 4;;) {
        if (v->len - off < 4)
            return VNFO_E_PACKET_TRUNCATED;
        uint16_t tlv_len, tlv_type;
        memcpy(&tlv_len, p + off, 2);
        memcpy(&tlv_type, p + off + 2, 2);
        if (tlv_len < 4)
            return VNFO_E_PACKET_MALFORMED;
        if (tlv_type == NFLOG_PAYLOAD) {
            v->l3_offset = off + 4;
            return VNFO_OK;
        }
        uint32_t step = ((uint32_t)tlv_len + 3) & ~3u;
        if (step >= v->len - off)
            return VNFO_E_PACKET_TRUNCATED;
        off += step;
    }
}

static inline vnfo_status parse_link(vnfo_packet_view *v, int *version)
{
    switch (v->linktype) {
    case VNFO_LINKTYPE_ETHERNET:
        return parse_ethernet(v, version);
    case VNFO_LINKTYPE_LINUX_SLL:
        return parse_sll(v, version, SLL_HEADER, 14);
    case VNFO_LINKTYPE_LINUX_SLL2:
        return parse_sll(v, version, SLL2_HEADER, 0);
    case VNFO_LINKTYPE_RAW:
        v->l3_offset = 0;
        return version_nibble(v, 0, version, VNFO_E_PACKET_MALFORMED);
    case VNFO_LINKTYPE_IPV4:
    case VNFO_LINKTYPE_IPV6:
        *version = v->linktype == VNFO_LINKTYPE_IPV4 ? 4 : 6;
        v->l3_offset = 0;
        return VNFO_OK;
    case VNFO_LINKTYPE_NULL:
    case VNFO_LINKTYPE_LOOP:
        return parse_loopback(v, version);
    case VNFO_LINKTYPE_PPP:
    case VNFO_LINKTYPE_PPP_HDLC:
    case VNFO_LINKTYPE_C_HDLC:
        return parse_ppp(v, version);
    case VNFO_LINKTYPE_NFLOG:
        return parse_nflog(v, version);
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
