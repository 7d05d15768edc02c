/* Public entry points of the packet parser (the parser itself is in
 * parse_core.h, shared with the sampler's inlined decide path). */
#include "parse_core.h"

vnfo_status vnfo_packet_parse(vnfo_packet_view *out, const uint8_t *pkt, size_t len,
                              uint32_t linktype)
{
    return pkt_parse(out, pkt, len, linktype);
}

vnfo_status vnfo_packet_flow_key(vnfo_flow_key *out, const vnfo_packet_view *v)
{
    if (!out || !v || !v->data || (v->ip_version != 4 && v->ip_version != 6))
        return VNFO_E_INVALID_ARGUMENT;
    memset(out, 0, sizeof *out);
    const uint8_t *ip = v->data + v->l3_offset;
    out->ip_version = v->ip_version;
    out->proto = v->proto;
    if (v->ip_version == 4) {
        memcpy(out->src, ip + 12, 4);
        memcpy(out->dst, ip + 16, 4);
    } else {
        memcpy(out->src, ip + 8, 16);
        memcpy(out->dst, ip + 24, 16);
    }
    if (v->flags & VNFO_PACKET_HAS_PORTS) {
        out->src_port = v->src_port;
        out->dst_port = v->dst_port;
    }
    return VNFO_OK;
}

size_t vnfo_packet_digest_bytes(void)
{
    return VNFO_PACKET_DIGEST_BYTES;
}

size_t vnfo_packet_fields_max_bytes(void)
{
    return VNFO_PACKET_FIELDS_MAX_BYTES;
}
