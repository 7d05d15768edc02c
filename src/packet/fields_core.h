/* Field-set extraction as inline functions: fields.c wraps them as the
 * public vnfo_packet_fields_extract(), the sampler's decide path inlines
 * them.  docs/sampling.md gives the layout of each preset byte by byte. */
#ifndef VNFO_PACKET_FIELDS_CORE_H
#define VNFO_PACKET_FIELDS_CORE_H

#include <string.h>

#include "packet_internal.h"
#include "internal.h"

/* The gathering helpers are tiny and on the per-packet path: force them
 * inline (gcc otherwise kept put() as a call). */
#define FIELDS_INLINE static inline __attribute__((always_inline))

/* Appends bytes to the caller's buffer through a 64-bit accumulator, so the
 * buffer is only ever written by whole, 8-byte-aligned stores.  Why: the
 * hash reads the buffer right after it is built, and a load that spans
 * several smaller stores cannot be forwarded from the store buffer and
 * stalls until they retire (measured: gathering with memcpy made
 * SipHash-2-4 of 20 bytes twice as slow).  An overflow is remembered
 * instead of writing past the end.  Little-endian byte order in the
 * accumulator makes the bytes land in sequence on little-endian hosts;
 * big-endian hosts take the byte loop. */
struct sink {
    uint8_t *out;
    size_t size, n; /* n: bytes stored so far (a multiple of 8) */
    uint64_t acc;   /* pending bytes, first byte in the low bits */
    unsigned k;     /* number of pending bytes, 0..7 */
    int overflow;
};

/* m (1..8) bytes from p as a little-endian integer. */
FIELDS_INLINE uint64_t load_upto8(const uint8_t *p, size_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (m == 8) {
        uint64_t x;
        memcpy(&x, p, 8);
        return x;
    }
    if (m >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + m - 4, 4); /* overlaps a; equal bytes OR to themselves */
        return a | (uint64_t)b << (8 * (m - 4));
    }
    return p[0] | (uint64_t)p[m / 2] << (8 * (m / 2)) | (uint64_t)p[m - 1] << (8 * (m - 1));
#else
    uint64_t x = 0;
    for (size_t i = 0; i < m; i++)
        x |= (uint64_t)p[i] << (8 * i);
    return x;
#endif
}

FIELDS_INLINE void sink_store(struct sink *w, uint64_t x, size_t bytes)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(w->out + w->n, &x, bytes);
#else
    for (size_t i = 0; i < bytes; i++)
        w->out[w->n + i] = (uint8_t)(x >> (8 * i));
#endif
}

/* Appends the m (1..8) low bytes of v, v being zero above them. */
FIELDS_INLINE void put_value(struct sink *w, uint64_t v, size_t m)
{
    w->acc |= v << (8 * w->k);
    unsigned total = w->k + (unsigned)m;
    if (total < 8) {
        w->k = total;
        return;
    }
    if (VNFO_UNLIKELY(w->n + 8 > w->size)) {
        w->overflow = 1;
        return;
    }
    sink_store(w, w->acc, 8);
    w->n += 8;
    w->acc = w->k ? v >> (8 * (8 - w->k)) : 0; /* the bytes of v that did not fit */
    w->k = total - 8;
}

FIELDS_INLINE void put(struct sink *w, const uint8_t *src, size_t n)
{
    for (; n >= 8; src += 8, n -= 8)
        put_value(w, load_upto8(src, 8), 8);
    if (n)
        put_value(w, load_upto8(src, n), n);
}

/* Stores the pending bytes; returns the total length.  When the buffer has
 * room, the tail is written as a whole 8-byte store whose extra bytes are
 * zero, so the bytes up to the next multiple of 8 are zero. */
FIELDS_INLINE size_t sink_finish(struct sink *w)
{
    if (w->k) {
        if (w->n + 8 <= w->size)
            sink_store(w, w->acc, 8);
        else if (w->n + w->k <= w->size)
            sink_store(w, w->acc, w->k);
        else
            w->overflow = 1;
    }
    return w->n + w->k;
}

FIELDS_INLINE void put_u8(struct sink *w, uint8_t b)
{
    put_value(w, b, 1);
}

/* The payload bytes selected by payload_bytes/payload_offset, counted from
 * base.  RFC 5476 variable-length rule: only the bytes the IP packet has are
 * used, without padding.  Bytes the IP length promises but the capture lacks
 * make the input ambiguous: TRUNCATED. */
FIELDS_INLINE vnfo_status put_payload(struct sink *w, const vnfo_packet_view *v, uint32_t base,
                               const vnfo_packet_fields *f)
{
    uint64_t ip_end = (uint64_t)v->l3_offset + v->ip_length;
    uint64_t start = (uint64_t)base + f->payload_offset;
    if (start >= ip_end)
        return VNFO_OK;
    uint64_t end = start + f->payload_bytes;
    if (end > ip_end)
        end = ip_end;
    if (end > v->len)
        return VNFO_E_PACKET_TRUNCATED;
    put(w, v->data + start, (size_t)(end - start));
    return VNFO_OK;
}

static inline uint32_t l4_payload_base(const vnfo_packet_view *v)
{
    return (v->flags & VNFO_PACKET_HAS_L4) ? v->payload_offset : v->l4_offset;
}

FIELDS_INLINE vnfo_status extract_psamp(struct sink *w, const vnfo_packet_view *v,
                                 const vnfo_packet_fields *f)
{
    const uint8_t *ip = v->data + v->l3_offset;
    if (v->ip_version == 4) {
        put(w, ip + 4, 4);   /* identification, flags, fragment offset */
        put(w, ip + 12, 8);  /* source, destination */
    } else {
        /* flow label (the traffic-class nibble of byte 1 cleared), payload length, next header */
        put_value(w, load_upto8(ip + 1, 6) & ~(uint64_t)0xf0, 6);
        put(w, ip + 8, 32);        /* source, destination */
    }
    return put_payload(w, v, v->l4_offset, f);
}

/* The fixed IP header with the hop-by-hop fields cleared, in registers
 * (little-endian masks: byte i of a word is bits 8i..8i+7). */
static inline vnfo_status extract_invariant(struct sink *w, const vnfo_packet_view *v,
                                            const vnfo_packet_fields *f)
{
    const uint8_t *ip = v->data + v->l3_offset;
    if (v->ip_version == 4) {
        put_value(w, load_upto8(ip, 8) & ~(uint64_t)0xff00, 8);         /* DSCP/ECN (byte 1) */
        put_value(w, load_upto8(ip + 8, 8) & ~(uint64_t)0xffff00ff, 8); /* TTL (8), checksum (10-11) */
        put(w, ip + 16, 4);
    } else {
        /* traffic class: low nibble of byte 0, high nibble of byte 1; hop limit: byte 7 */
        put_value(w, load_upto8(ip, 8) & ~(uint64_t)0xff0000000000f00full, 8);
        put(w, ip + 8, 32);
    }
    return put_payload(w, v, v->l4_offset, f);
}

FIELDS_INLINE void put_be32(struct sink *w, uint32_t x)
{
    put_value(w, __builtin_bswap32(x), 4);
}

/* The FlowTag as 4 bytes big-endian; tag 0 ("none") adds nothing. */
FIELDS_INLINE void put_flowtag(struct sink *w, uint32_t tag)
{
    if (tag)
        put_be32(w, tag);
}

static inline int is_tcp(const vnfo_packet_view *v)
{
    return (v->flags & VNFO_PACKET_HAS_L4) && v->proto == PKT_TCP;
}

static inline vnfo_status extract_nat_safe(struct sink *w, const vnfo_packet_view *v,
                                    const vnfo_packet_fields *f, uint32_t flowtag)
{
    const uint8_t *ip = v->data + v->l3_offset;
    if (v->ip_version == 4)
        put(w, ip + 4, 2);
    else if (v->flags & VNFO_PACKET_HAS_FRAG_HEADER)
        put_be32(w, v->frag_id);
    put_u8(w, v->proto);
    if (is_tcp(v))
        put(w, v->data + v->l4_offset + 4, 8); /* sequence and acknowledgement numbers */
    vnfo_status s = put_payload(w, v, l4_payload_base(v), f);
    put_flowtag(w, flowtag);
    return s;
}

FIELDS_INLINE void put_be16(struct sink *w, uint16_t x)
{
    put_value(w, __builtin_bswap16(x), 2);
}

/* One custom field; absent fields add nothing. */
static inline vnfo_status extract_one(struct sink *w, const vnfo_packet_view *v,
                               const vnfo_packet_fields *f, uint32_t flowtag, int field)
{
    const uint8_t *ip = v->data + v->l3_offset;
    const uint8_t *l4 = v->data + v->l4_offset;
    int v4 = v->ip_version == 4, frag6 = !v4 && (v->flags & VNFO_PACKET_HAS_FRAG_HEADER);
    switch (field) {
    case VNFO_FIELD_IP_VERSION: put_u8(w, v->ip_version); break;
    case VNFO_FIELD_IP_SRC: put(w, v4 ? ip + 12 : ip + 8, v4 ? 4 : 16); break;
    case VNFO_FIELD_IP_DST: put(w, v4 ? ip + 16 : ip + 24, v4 ? 4 : 16); break;
    case VNFO_FIELD_IP_PROTO: put_u8(w, v->proto); break;
    case VNFO_FIELD_IP_ID:
        if (v4)
            put(w, ip + 4, 2);
        else if (frag6)
            put_be32(w, v->frag_id);
        break;
    case VNFO_FIELD_IP_FRAG:
        if (v4)
            put(w, ip + 6, 2);
        else if (frag6)
            put_be16(w, (uint16_t)(v->frag_offset << 3));
        break;
    case VNFO_FIELD_IP_LENGTH: put(w, ip + (v4 ? 2 : 4), 2); break;
    case VNFO_FIELD_IPV6_FLOW:
        if (!v4)
            put_value(w, load_upto8(ip + 1, 3) & ~(uint64_t)0xf0, 3);
        break;
    case VNFO_FIELD_L4_SPORT:
        if (v->flags & VNFO_PACKET_HAS_PORTS)
            put(w, l4, 2);
        break;
    case VNFO_FIELD_L4_DPORT:
        if (v->flags & VNFO_PACKET_HAS_PORTS)
            put(w, l4 + 2, 2);
        break;
    case VNFO_FIELD_TCP_SEQ: if (is_tcp(v)) put(w, l4 + 4, 4); break;
    case VNFO_FIELD_TCP_ACK: if (is_tcp(v)) put(w, l4 + 8, 4); break;
    case VNFO_FIELD_TCP_FLAGS: if (is_tcp(v)) put(w, l4 + 13, 1); break;
    case VNFO_FIELD_ICMP_TYPE:
        if (v->flags & VNFO_PACKET_HAS_ICMP)
            put(w, l4, 2);
        break;
    case VNFO_FIELD_IP_PAYLOAD: return put_payload(w, v, v->l4_offset, f);
    case VNFO_FIELD_L4_PAYLOAD: return put_payload(w, v, l4_payload_base(v), f);
    case VNFO_FIELD_FLOWTAG: put_flowtag(w, flowtag); break;
    default: break;
    }
    return VNFO_OK;
}

static inline vnfo_status extract_custom(struct sink *w, const vnfo_packet_view *v,
                                  const vnfo_packet_fields *f, uint32_t flowtag)
{
    for (int i = 0; i < VNFO_FIELD_COUNT_; i++) {
        if (!(f->custom & VNFO_FIELD_BIT(i)))
            continue;
        vnfo_status s = extract_one(w, v, f, flowtag, i);
        if (s != VNFO_OK)
            return s;
    }
    return VNFO_OK;
}

/* Whether a caller-supplied view is one a parse could have produced, as far
 * as extraction reads it (public entry points check; the decide path that
 * parsed the packet itself does not need to). */
static inline int pkt_view_sane(const vnfo_packet_view *v)
{
    uint32_t hlen = v->ip_version == 4 ? 20 : 40;
    if (v->l3_end > v->len || v->l3_offset > v->l3_end || v->l3_end - v->l3_offset < hlen ||
        v->l4_offset > v->len || v->payload_offset > v->len || v->l4_offset < v->l3_offset + hlen)
        return 0;
    if ((v->flags & VNFO_PACKET_HAS_L4) && v->payload_offset - v->l4_offset < 8)
        return 0;
    return !((v->flags & VNFO_PACKET_HAS_L4) && v->proto == PKT_TCP &&
             v->payload_offset - v->l4_offset < 20);
}

static inline vnfo_status pkt_extract(uint8_t *out, size_t size, size_t *out_len,
                                      const vnfo_packet_view *v, const vnfo_packet_fields *f,
                                      uint32_t flowtag)
{
    if (VNFO_UNLIKELY(!out || !out_len || !v || !v->data || !f ||
                      (v->ip_version != 4 && v->ip_version != 6)))
        return VNFO_E_INVALID_ARGUMENT;
    struct sink w = {out, size, 0, 0, 0, 0};
    vnfo_status s;
    switch (f->preset) {
    case VNFO_FIELDS_PSAMP: s = extract_psamp(&w, v, f); break;
    case VNFO_FIELDS_INVARIANT: s = extract_invariant(&w, v, f); break;
    case VNFO_FIELDS_NAT_SAFE: s = extract_nat_safe(&w, v, f, flowtag); break;
    case VNFO_FIELDS_CUSTOM: s = extract_custom(&w, v, f, flowtag); break;
    default: return VNFO_E_INVALID_ARGUMENT;
    }
    *out_len = sink_finish(&w);
    if (s != VNFO_OK)
        return s;
    return w.overflow ? VNFO_E_BUFFER_TOO_SMALL : VNFO_OK;
}

#endif
