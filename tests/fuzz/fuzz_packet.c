/* Fuzz harness of the packet parser and everything computed from a parsed
 * view: the flow key, the digest, each field set's bytes, the FlowTag
 * carriers.  The first input byte picks the link type (every one the parser
 * supports, plus one it does not), the rest is the captured frame.
 * Invariants: no crash or out-of-bounds read (sanitizers), the view's
 * offsets stay inside the capture and in order, the digest of the bytes
 * equals the digest of the view, and extraction never writes past
 * VNFO_PACKET_FIELDS_MAX_BYTES. */
#include <string.h>

#include <vnfo/vnfo.h>

#include "fuzz.h"

static const uint32_t linktypes[] = {
    VNFO_LINKTYPE_NULL,      VNFO_LINKTYPE_ETHERNET, VNFO_LINKTYPE_PPP,  VNFO_LINKTYPE_PPP_HDLC,
    VNFO_LINKTYPE_RAW,       VNFO_LINKTYPE_C_HDLC,   VNFO_LINKTYPE_LOOP, VNFO_LINKTYPE_LINUX_SLL,
    VNFO_LINKTYPE_IPV4,      VNFO_LINKTYPE_IPV6,     VNFO_LINKTYPE_NFLOG, VNFO_LINKTYPE_LINUX_SLL2,
    147 /* a user link type: unsupported */,
};
#define NLINKTYPES (sizeof linktypes / sizeof linktypes[0])

static void check_view(const vnfo_packet_view *v, const uint8_t *pkt, size_t len)
{
    FUZZ_ASSERT(v->data == pkt && v->len == len);
    FUZZ_ASSERT(v->l3_offset <= v->l3_end && v->l3_end <= v->len);
    FUZZ_ASSERT(v->l4_offset >= v->l3_offset && v->l4_offset <= v->len);
    FUZZ_ASSERT(v->payload_offset >= v->l4_offset && v->payload_offset <= v->len);
    FUZZ_ASSERT(v->ip_version == 4 || v->ip_version == 6);
    FUZZ_ASSERT(v->vlan_count <= 2);
}

static void extract_all(const vnfo_packet_view *v)
{
    static const uint32_t presets[] = {VNFO_FIELDS_PSAMP, VNFO_FIELDS_INVARIANT,
                                       VNFO_FIELDS_NAT_SAFE, VNFO_FIELDS_CUSTOM};
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
        vnfo_packet_fields f = VNFO_PACKET_FIELDS_INIT;
        f.preset = presets[i];
        f.custom = VNFO_FIELD_BIT(VNFO_FIELD_COUNT_) - 1; /* every field */
        f.payload_bytes = i == 0 ? 32 : VNFO_PACKET_PAYLOAD_MAX;
        f.payload_offset = i == 0 ? 0 : 64;
        FUZZ_ASSERT(vnfo_packet_fields_check(&f) == VNFO_OK);
        /* One spare byte past the promised maximum, to catch writes beyond it. */
        uint8_t out[VNFO_PACKET_FIELDS_MAX_BYTES + 1];
        out[VNFO_PACKET_FIELDS_MAX_BYTES] = 0xa5;
        size_t n = 0;
        vnfo_status s = vnfo_packet_fields_extract(out, VNFO_PACKET_FIELDS_MAX_BYTES, &n, v, &f,
                                                   0x12345);
        FUZZ_ASSERT(s == VNFO_OK || s == VNFO_E_PACKET_TRUNCATED);
        FUZZ_ASSERT(n <= VNFO_PACKET_FIELDS_MAX_BYTES && out[VNFO_PACKET_FIELDS_MAX_BYTES] == 0xa5);
    }
}

static void carriers(const uint8_t *pkt, size_t len, const vnfo_packet_view *v)
{
    static const vnfo_flowtag_carrier all[] = {
        VNFO_FLOWTAG_CARRIER_NSH_MD1, VNFO_FLOWTAG_CARRIER_NSH_MD2,
        VNFO_FLOWTAG_CARRIER_IPV6_FLOW_LABEL, VNFO_FLOWTAG_CARRIER_VLAN,
        VNFO_FLOWTAG_CARRIER_IPV4_DSCP};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        uint32_t tag;
        size_t at = all[i] == VNFO_FLOWTAG_CARRIER_VLAN ? 0 : v->l3_offset;
        (void)vnfo_flowtag_carrier_read(&tag, pkt, len, at, all[i], 32);
        (void)vnfo_flowtag_carrier_read(&tag, pkt, len, len, all[i], 12);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint32_t linktype = linktypes[data[0] % NLINKTYPES];
    const uint8_t *pkt = data + 1;
    size_t len = size - 1;
    vnfo_packet_view v;
    uint8_t d1[VNFO_PACKET_DIGEST_BYTES], d2[VNFO_PACKET_DIGEST_BYTES];
    vnfo_status s = vnfo_packet_parse(&v, pkt, len, linktype);
    vnfo_status ds = vnfo_packet_digest(d1, pkt, len, linktype);
    FUZZ_ASSERT(ds == s);
    if (s != VNFO_OK) {
        FUZZ_ASSERT(s == VNFO_E_PACKET_NOT_IP || s == VNFO_E_PACKET_TRUNCATED ||
                    s == VNFO_E_PACKET_MALFORMED || s == VNFO_E_PACKET_UNSUPPORTED ||
                    (s == VNFO_E_INVALID_ARGUMENT && len == 0));
        return 0;
    }
    check_view(&v, pkt, len);
    FUZZ_ASSERT(vnfo_packet_view_digest(d2, &v) == VNFO_OK);
    FUZZ_ASSERT(memcmp(d1, d2, sizeof d1) == 0);
    vnfo_flow_key k;
    FUZZ_ASSERT(vnfo_packet_flow_key(&k, &v) == VNFO_OK);
    FUZZ_ASSERT(k.ip_version == v.ip_version && k.proto == v.proto);
    extract_all(&v);
    carriers(pkt, len, &v);
    return 0;
}
