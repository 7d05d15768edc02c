/* Packet digests for log records: BLAKE2b-128 over the IP packet with the
 * hop-by-hop fields zeroed, so every hop of a chain computes the same digest
 * for the same packet (docs/sampling.md, "Packet digest"). */
#include <sodium.h>
#include <string.h>

#include "packet_internal.h"
#include "internal.h"

vnfo_status vnfo_packet_view_digest(uint8_t *out, const vnfo_packet_view *v)
{
    if (!out || !v || !v->data || (v->ip_version != 4 && v->ip_version != 6))
        return VNFO_E_INVALID_ARGUMENT;
    /* The view is a public struct: refuse one no parse could have produced
     * rather than read outside the bytes it names. */
    size_t hlen = v->ip_version == 4 ? 20 : 40;
    if (v->l3_end > v->len || v->l3_offset > v->l3_end || v->l3_end - v->l3_offset < hlen)
        return VNFO_E_INVALID_ARGUMENT;
    const uint8_t *ip = v->data + v->l3_offset;
    size_t total = v->l3_end - v->l3_offset;
    uint8_t h[40];
    if (v->ip_version == 4) {
        memcpy(h, ip, hlen);
        h[1] = 0;          /* DSCP/ECN */
        h[8] = 0;          /* TTL */
        h[10] = h[11] = 0; /* header checksum */
    } else {
        memcpy(h, ip, hlen);
        h[0] &= 0xf0; /* traffic class */
        h[1] &= 0x0f;
        h[7] = 0;     /* hop limit */
    }
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, VNFO_PACKET_DIGEST_BYTES);
    crypto_generichash_update(&st, h, hlen);
    crypto_generichash_update(&st, ip + hlen, total - hlen);
    crypto_generichash_final(&st, out, VNFO_PACKET_DIGEST_BYTES);
    return VNFO_OK;
}

vnfo_status vnfo_packet_digest(uint8_t *out, const uint8_t *pkt, size_t len, uint32_t linktype)
{
    if (!out)
        return VNFO_E_INVALID_ARGUMENT;
    vnfo_packet_view v;
    vnfo_status s = vnfo_packet_parse(&v, pkt, len, linktype);
    if (s != VNFO_OK)
        return s;
    return vnfo_packet_view_digest(out, &v);
}
