/* Field sets: which bytes of a parsed packet the sampling hash sees.
 * docs/sampling.md gives the layout of each preset byte by byte. */
#include <string.h>

#include "packet_internal.h"
#include "internal.h"

/* Appends bytes to the caller's buffer; remembers an overflow instead of
 * writing past the end. */
struct sink {
    uint8_t *out;
    size_t size, n;
    int overflow;
};

static void put(struct sink *w, const uint8_t *src, size_t n)
{
    if (VNFO_UNLIKELY(w->n + n > w->size)) {
        w->overflow = 1;
        return;
    }
    memcpy(w->out + w->n, src, n);
    w->n += n;
}

static void put_u8(struct sink *w, uint8_t b)
{
    put(w, &b, 1);
}

/* The payload bytes selected by payload_bytes/payload_offset, counted from
 * base.  RFC 5476 variable-length rule: only the bytes the IP packet has are
 * used, without padding.  Bytes the IP length promises but the capture lacks
 * make the input ambiguous: TRUNCATED. */
static vnfo_status put_payload(struct sink *w, const vnfo_packet_view *v, uint32_t base,
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

static uint32_t l4_payload_base(const vnfo_packet_view *v)
{
    return (v->flags & VNFO_PACKET_HAS_L4) ? v->payload_offset : v->l4_offset;
}

static vnfo_status extract_psamp(struct sink *w, const vnfo_packet_view *v,
                                 const vnfo_packet_fields *f)
{
    const uint8_t *ip = v->data + v->l3_offset;
    if (v->ip_version == 4) {
        put(w, ip + 4, 4);   /* identification, flags, fragment offset */
        put(w, ip + 12, 8);  /* source, destination */
    } else {
        uint8_t head[6] = {ip[1] & 0x0f, ip[2], ip[3], ip[4], ip[5], ip[6]};
        put(w, head, sizeof head); /* flow label, payload length, next header */
        put(w, ip + 8, 32);        /* source, destination */
    }
    return put_payload(w, v, v->l4_offset, f);
}

static vnfo_status extract_invariant(struct sink *w, const vnfo_packet_view *v,
                                     const vnfo_packet_fields *f)
{
    const uint8_t *ip = v->data + v->l3_offset;
    uint8_t h[40];
    if (v->ip_version == 4) {
        memcpy(h, ip, 20);
        h[1] = 0;             /* DSCP/ECN */
        h[8] = 0;             /* TTL */
        h[10] = h[11] = 0;    /* header checksum */
        put(w, h, 20);
    } else {
        memcpy(h, ip, 40);
        h[0] &= 0xf0;         /* traffic class, high nibble */
        h[1] &= 0x0f;         /* traffic class, low nibble */
        h[7] = 0;             /* hop limit */
        put(w, h, 40);
    }
    return put_payload(w, v, v->l4_offset, f);
}

static void put_be32(struct sink *w, uint32_t x)
{
    uint8_t b[4] = {(uint8_t)(x >> 24), (uint8_t)(x >> 16), (uint8_t)(x >> 8), (uint8_t)x};
    put(w, b, 4);
}

/* The FlowTag as 4 bytes big-endian; tag 0 ("none") adds nothing. */
static void put_flowtag(struct sink *w, uint32_t tag)
{
    if (tag)
        put_be32(w, tag);
}

static int is_tcp(const vnfo_packet_view *v)
{
    return (v->flags & VNFO_PACKET_HAS_L4) && v->proto == PKT_TCP;
}

static vnfo_status extract_nat_safe(struct sink *w, const vnfo_packet_view *v,
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

static void put_be16(struct sink *w, uint16_t x)
{
    uint8_t b[2] = {(uint8_t)(x >> 8), (uint8_t)x};
    put(w, b, 2);
}

/* One custom field; absent fields add nothing. */
static vnfo_status extract_one(struct sink *w, const vnfo_packet_view *v,
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
        if (!v4) {
            uint8_t fl[3] = {ip[1] & 0x0f, ip[2], ip[3]};
            put(w, fl, 3);
        }
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

static vnfo_status extract_custom(struct sink *w, const vnfo_packet_view *v,
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

vnfo_status vnfo_packet_fields_extract(uint8_t *out, size_t size, size_t *out_len,
                                       const vnfo_packet_view *v, const vnfo_packet_fields *f,
                                       uint32_t flowtag)
{
    if (VNFO_UNLIKELY(!out || !out_len || !v || !v->data || !f ||
                      (v->ip_version != 4 && v->ip_version != 6)))
        return VNFO_E_INVALID_ARGUMENT;
    struct sink w = {out, size, 0, 0};
    vnfo_status s;
    switch (f->preset) {
    case VNFO_FIELDS_PSAMP: s = extract_psamp(&w, v, f); break;
    case VNFO_FIELDS_INVARIANT: s = extract_invariant(&w, v, f); break;
    case VNFO_FIELDS_NAT_SAFE: s = extract_nat_safe(&w, v, f, flowtag); break;
    case VNFO_FIELDS_CUSTOM: s = extract_custom(&w, v, f, flowtag); break;
    default: return VNFO_E_INVALID_ARGUMENT;
    }
    *out_len = w.n;
    if (s != VNFO_OK)
        return s;
    return w.overflow ? VNFO_E_BUFFER_TOO_SMALL : VNFO_OK;
}

/* ---- options ------------------------------------------------------------- */

static const char *const field_names[VNFO_FIELD_COUNT_] = {
    "ip.version", "ip.src", "ip.dst", "ip.proto", "ip.id", "ip.frag", "ip.length",
    "ipv6.flow_label", "l4.sport", "l4.dport", "tcp.seq", "tcp.ack", "tcp.flags", "icmp.type",
    "ip.payload", "l4.payload", "flowtag",
};

vnfo_status vnfo_packet_fields_init(vnfo_packet_fields *out, unsigned version)
{
    if (!out)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_packet_fields_init: out is NULL");
    if (version != VNFO_PACKET_FIELDS_VERSION)
        return vnfo__error(VNFO_E_STRUCT_VERSION, "vnfo_packet_fields_init: version %u, expected %u",
                           version, VNFO_PACKET_FIELDS_VERSION);
    *out = (vnfo_packet_fields)VNFO_PACKET_FIELDS_INIT;
    return VNFO_OK;
}

static int field_lookup(const char *word, size_t n)
{
    for (int i = 0; i < VNFO_FIELD_COUNT_; i++)
        if (strlen(field_names[i]) == n && memcmp(field_names[i], word, n) == 0)
            return i;
    return -1;
}

static vnfo_status parse_list(uint64_t *mask, const char *spec)
{
    *mask = 0;
    const char *p = spec;
    for (;;) {
        size_t n = strcspn(p, ",");
        int i = field_lookup(p, n);
        if (i < 0)
            return vnfo__error(VNFO_E_PACKET_FIELD_UNKNOWN,
                               "fields \"%s\": unknown field \"%.*s\" at character %zu (known: "
                               "psamp, invariant, nat-safe, or a list of ip.version, ip.src, "
                               "ip.dst, ip.proto, ip.id, ip.frag, ip.length, ipv6.flow_label, "
                               "l4.sport, l4.dport, tcp.seq, tcp.ack, tcp.flags, icmp.type, "
                               "ip.payload, l4.payload, flowtag)",
                               spec, (int)(n > 64 ? 64 : n), p, (size_t)(p - spec) + 1);
        *mask |= VNFO_FIELD_BIT(i);
        if (!p[n])
            return VNFO_OK;
        p += n + 1;
    }
}

vnfo_status vnfo_packet_fields_parse(vnfo_packet_fields *out, const char *spec)
{
    if (!out || !spec)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_packet_fields_parse: NULL argument");
    if (out->version != VNFO_PACKET_FIELDS_VERSION)
        return vnfo__error(VNFO_E_STRUCT_VERSION, "vnfo_packet_fields_parse: version %u, expected %u",
                           out->version, VNFO_PACKET_FIELDS_VERSION);
    if (strcmp(spec, "psamp") == 0)
        out->preset = VNFO_FIELDS_PSAMP;
    else if (strcmp(spec, "invariant") == 0)
        out->preset = VNFO_FIELDS_INVARIANT;
    else if (strcmp(spec, "nat-safe") == 0)
        out->preset = VNFO_FIELDS_NAT_SAFE;
    else {
        uint64_t mask;
        vnfo_status s = parse_list(&mask, spec);
        if (s != VNFO_OK)
            return s;
        out->preset = VNFO_FIELDS_CUSTOM;
        out->custom = mask;
        return VNFO_OK;
    }
    out->custom = 0;
    return VNFO_OK;
}

vnfo_status vnfo_packet_fields_check(const vnfo_packet_fields *f)
{
    if (!f)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "field set: NULL");
    if (f->version != VNFO_PACKET_FIELDS_VERSION)
        return vnfo__error(VNFO_E_STRUCT_VERSION, "field set: version %u, expected %u", f->version,
                           VNFO_PACKET_FIELDS_VERSION);
    if (f->preset > VNFO_FIELDS_NAT_SAFE)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "field set: unknown preset %u", f->preset);
    if (f->preset == VNFO_FIELDS_CUSTOM &&
        (f->custom == 0 || f->custom >> VNFO_FIELD_COUNT_))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "field set: custom mask 0x%llx is empty or names unknown fields",
                           (unsigned long long)f->custom);
    if (f->preset == VNFO_FIELDS_PSAMP && (f->payload_bytes < 8 || f->payload_bytes > 32))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "field set: psamp payload_bytes %u outside 8..32 (RFC 5475)",
                           f->payload_bytes);
    if (f->payload_bytes > VNFO_PACKET_PAYLOAD_MAX)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "field set: payload_bytes %u above %d",
                           f->payload_bytes, VNFO_PACKET_PAYLOAD_MAX);
    if (f->payload_offset > VNFO_PACKET_PAYLOAD_MAX)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "field set: payload_offset %u above %d",
                           f->payload_offset, VNFO_PACKET_PAYLOAD_MAX);
    return VNFO_OK;
}

int vnfo_packet_fields_uses_flowtag(const vnfo_packet_fields *f)
{
    if (!f)
        return 0;
    return f->preset == VNFO_FIELDS_NAT_SAFE ||
           (f->preset == VNFO_FIELDS_CUSTOM && (f->custom & VNFO_FIELD_BIT(VNFO_FIELD_FLOWTAG)));
}
