/* The decide path's fast parser for the commonest frame shapes: Ethernet
 * (at most one 0x8100 tag) or raw IP, IPv4 without options or IPv6 without
 * extension headers, not a fragment, TCP or UDP with its header captured and
 * inside the IP length.  For those it fills exactly the view pkt_parse()
 * would (tests/check_sampler.c compares the two on every truncation of many
 * generated and mutated frames) with a handful of fixed-offset reads instead
 * of the general walk.  Anything else, including everything that would be an
 * error, returns 0 and the caller takes pkt_parse(), the reference. */
#ifndef VNFO_SAMPLER_FASTPARSE_H
#define VNFO_SAMPLER_FASTPARSE_H

#include <string.h>

#include "packet/packet_internal.h"

/* Inlined into the decide paths whatever GCC's size heuristics say. */
#define FAST_INLINE static inline __attribute__((always_inline))

/* Offset of the IP header and its version (4, 6), or 0 for another shape. */
FAST_INLINE int fast_link(const uint8_t *p, uint32_t len, uint32_t linktype, uint32_t *l3)
{
    if (linktype == VNFO_LINKTYPE_RAW) {
        *l3 = 0;
        return len >= 1 ? p[0] >> 4 : 0; /* the IP header checks below reject other values */
    }
    if (linktype != VNFO_LINKTYPE_ETHERNET || len < 14)
        return 0;
    uint32_t type = pkt_be16(p + 12);
    *l3 = 14;
    if (type == 0x8100) { /* one 802.1Q tag; stacked tags take the general path */
        if (len < 18)
            return 0;
        type = pkt_be16(p + 16);
        *l3 = 18;
    }
    return type == 0x0800 ? 4 : type == 0x86dd ? 6 : 0;
}

/* Whether the TCP/UDP header at l4 lies within lim (min of capture and IP end)
 * and, for TCP, declares a valid data offset; *hlen gets its length. */
FAST_INLINE int fast_l4(const uint8_t *p, uint8_t proto, uint32_t l4, uint64_t lim,
                          uint32_t *hlen)
{
    if (proto == PKT_UDP) {
        *hlen = 8;
        return l4 + 8 <= lim;
    }
    if (proto != PKT_TCP || l4 + 20 > lim)
        return 0;
    *hlen = (uint32_t)(p[l4 + 12] >> 4) * 4;
    return *hlen >= 20 && l4 + *hlen <= lim;
}

/* What the fast parser found: enough to gather fixed-offset fields. */
struct fast_shape {
    uint32_t len, l3, ip_length, l4, hlen;
    int version;
    uint8_t proto;
};

FAST_INLINE int fast_shape(struct fast_shape *f, const uint8_t *p, size_t size,
                             uint32_t linktype)
{
    if (!p || (uint64_t)size > 0xffffffffu)
        return 0;
    uint32_t len = (uint32_t)size, l3 = 0;
    int version = fast_link(p, len, linktype, &l3);
    const uint8_t *ip = p + l3;
    if (version == 4) {
        /* version 4, 20-byte header, neither MF nor a fragment offset */
        if (len - l3 < 20 || ip[0] != 0x45 || (pkt_be16(ip + 6) & 0x3fff))
            return 0;
        f->ip_length = pkt_be16(ip + 2);
        if (f->ip_length < 20)
            return 0;
        f->proto = ip[9];
        f->l4 = l3 + 20;
    } else if (version == 6) {
        if (len - l3 < 40 || ip[0] >> 4 != 6 || (ip[6] != PKT_TCP && ip[6] != PKT_UDP))
            return 0;
        f->ip_length = 40 + (uint32_t)pkt_be16(ip + 4);
        f->proto = ip[6];
        f->l4 = l3 + 40;
    } else {
        return 0;
    }
    uint64_t ip_end = (uint64_t)l3 + f->ip_length;
    if (!fast_l4(p, f->proto, f->l4, ip_end < len ? ip_end : len, &f->hlen))
        return 0;
    f->len = len;
    f->l3 = l3;
    f->version = version;
    return 1;
}

/* The view pkt_parse() fills for a frame fast_shape() accepted. */
static inline void fast_view(vnfo_packet_view *v, const struct fast_shape *f, const uint8_t *p,
                             uint32_t linktype)
{
    uint64_t ip_end = (uint64_t)f->l3 + f->ip_length;
    memset(v, 0, sizeof *v);
    v->data = p;
    v->len = f->len;
    v->linktype = linktype;
    v->l3_offset = f->l3;
    v->ip_length = f->ip_length;
    v->l3_end = ip_end < f->len ? (uint32_t)ip_end : f->len;
    v->l4_offset = f->l4;
    v->payload_offset = f->l4 + f->hlen;
    v->flags = VNFO_PACKET_HAS_L4 | VNFO_PACKET_HAS_PORTS |
               (ip_end > f->len ? VNFO_PACKET_SNAPPED : 0);
    v->frag_id = f->version == 4 ? pkt_be16(p + f->l3 + 4) : 0;
    v->src_port = pkt_be16(p + f->l4);
    v->dst_port = pkt_be16(p + f->l4 + 2);
    if (f->l3 == 18) {
        v->vlan_tci[0] = pkt_be16(p + 14);
        v->vlan_count = 1;
    }
    v->ip_version = (uint8_t)f->version;
    v->proto = f->proto;
}

static inline int fast_parse(vnfo_packet_view *v, const uint8_t *p, size_t size,
                             uint32_t linktype)
{
    struct fast_shape f;
    if (!fast_shape(&f, p, size, linktype))
        return 0;
    fast_view(v, &f, p, linktype);
    return 1;
}

/* Whether psamp with the default payload (8 bytes at offset 0) can be gathered
 * by fast_psamp8(): little-endian hosts only (the words below are built in
 * memory order). */
static inline int fast_psamp8_applies(const vnfo_packet_fields *fields)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return fields->preset == VNFO_FIELDS_PSAMP && fields->payload_offset == 0 &&
           fields->payload_bytes == 8;
#else
    (void)fields;
    return 0;
#endif
}

static inline uint64_t fast_ld64(const uint8_t *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return x;
}

static inline uint64_t fast_ld32(const uint8_t *p)
{
    uint32_t x;
    memcpy(&x, p, 4);
    return x;
}

/* The bytes extract_psamp() gathers with 8 payload bytes at offset 0, for a
 * frame fast_shape() accepted, as little-endian 8-byte words (bytes past the
 * end zero, as the sink leaves them), loaded with a few wide reads.  The
 * first 8 bytes of the TCP/UDP header are psamp's "payload", they directly
 * follow the fixed IP header and fast_shape() checked they lie within the
 * capture and the IP length: with the addresses they form one run of bytes.
 * Returns the byte count, 20 (3 words) or 46 (6 words). */
FAST_INLINE size_t fast_psamp8_words(uint64_t *w, const uint8_t *p, const struct fast_shape *f)
{
    const uint8_t *ip = p + f->l3;
    if (f->version == 4) { /* id, flags, fragment offset: ip[4..8); addresses, L4: ip[12..28) */
        w[0] = fast_ld32(ip + 4) | fast_ld32(ip + 12) << 32;
        w[1] = fast_ld64(ip + 16);
        w[2] = fast_ld32(ip + 24);
        return 20;
    }
    /* flow label etc. ip[1..7) with the traffic-class nibble (high half of
     * ip[1]) cleared; then addresses and L4: ip[8..48) */
    w[0] = (fast_ld64(ip) >> 8 & 0x0000ffffffffff0full) | fast_ld64(ip + 8) << 48;
    w[1] = fast_ld64(ip + 10);
    w[2] = fast_ld64(ip + 18);
    w[3] = fast_ld64(ip + 26);
    w[4] = fast_ld64(ip + 34);
    w[5] = fast_ld64(ip + 40) >> 16;
    return 46;
}

/* Whether a caller-parsed view (checked by pkt_view_sane()) has the shape
 * fast_psamp8() gathers from: no IPv4 options or IPv6 extension headers, and
 * the 8 bytes after the IP header inside both the IP length and the capture.
 * Then extract_psamp() reads exactly what fast_psamp8() reads. */
static inline int fast_shape_of_view(struct fast_shape *f, const vnfo_packet_view *v)
{
    uint64_t l4 = (uint64_t)v->l3_offset + (v->ip_version == 4 ? 20 : 40);
    if (v->l4_offset != l4 || l4 + 8 > (uint64_t)v->l3_offset + v->ip_length || l4 + 8 > v->len)
        return 0;
    f->l3 = v->l3_offset;
    f->version = v->ip_version;
    return 1;
}

#endif
