/* Field sets: options, parsing of their text form, and the public
 * extraction entry point (the extraction itself is in fields_core.h). */
#include "fields_core.h"

vnfo_status vnfo_packet_fields_extract(uint8_t *out, size_t size, size_t *out_len,
                                       const vnfo_packet_view *v, const vnfo_packet_fields *f,
                                       uint32_t flowtag)
{
    if (v && v->data && (v->ip_version == 4 || v->ip_version == 6) && !pkt_view_sane(v))
        return VNFO_E_INVALID_ARGUMENT;
    return pkt_extract(out, size, out_len, v, f, flowtag);
}

/* ---- options ------------------------------------------------------------- */

static const char *const field_names[VNFO_FIELD_COUNT_] = {
    "ip.version", "ip.src", "ip.dst", "ip.proto", "ip.id", "ip.frag", "ip.length",
    "ipv6.flow_label", "l4.sport", "l4.dport", "tcp.seq", "tcp.ack", "tcp.flags", "icmp.type",
    "ip.payload", "l4.payload", "flowtag",
};

vnfo_status vnfo_packet_fields_init(vnfo_packet_fields *out, unsigned version)
{
    static const vnfo_packet_fields defaults = VNFO_PACKET_FIELDS_INIT;
    return vnfo__options_init(out, sizeof *out, &defaults,
                              version, VNFO_PACKET_FIELDS_VERSION, __func__);
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
