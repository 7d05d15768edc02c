/* Tag carriers: where a tag travels inside a packet.  Every access checks
 * the bytes it touches against the packet length first; only the carrier's
 * own bits change.  Per-packet code: statuses only, no messages. */
#include <vnfo/flowtag.h>

#include "internal.h"

#define NSH_BASE_BYTES 8     /* base header + service path header */
#define NSH_MD1_LENGTH 6     /* RFC 8300 2.4: MD type 1 Length is always 0x6 */
#define ETH_VLAN_BYTES 16    /* two MACs, TPID, TCI */
#define IPV6_HEADER_BYTES 40
#define IPV4_HEADER_MIN 20

unsigned vnfo_flowtag_carrier_bits(vnfo_flowtag_carrier carrier)
{
    switch (carrier) {
    case VNFO_FLOWTAG_CARRIER_NSH_MD1:
    case VNFO_FLOWTAG_CARRIER_NSH_MD2:
        return 32;
    case VNFO_FLOWTAG_CARRIER_IPV6_FLOW_LABEL:
        return 20;
    case VNFO_FLOWTAG_CARRIER_VLAN:
        return 12;
    case VNFO_FLOWTAG_CARRIER_IPV4_DSCP:
        return 6;
    }
    return 0;
}

static int width_valid(unsigned w)
{
    return w == 6 || w == 12 || w == 20 || w == 24 || w == 32;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Whether [offset, offset + need) lies inside the packet, without overflow. */
static int fits(size_t len, size_t offset, size_t need)
{
    return offset <= len && len - offset >= need;
}

/* ---- NSH (RFC 8300) ------------------------------------------------------ */

/* The NSH header at p: version 0, the given MD type, its whole length inside
 * the packet.  Returns the header length in bytes, 0 when unusable. */
static size_t nsh_header(const uint8_t *p, size_t avail, unsigned md_type)
{
    if (avail < NSH_BASE_BYTES || (p[0] >> 6) != 0 || (p[2] & 0x0F) != md_type)
        return 0;
    size_t bytes = (size_t)(p[1] & 0x3F) * 4;
    if (bytes < NSH_BASE_BYTES || bytes > avail)
        return 0;
    if (md_type == 1 && bytes != NSH_MD1_LENGTH * 4)
        return 0;
    return bytes;
}

/* Offset (from the NSH header) of the 4-byte value of the tag TLV among the
 * MD type 2 context headers, 0 when absent or malformed. */
static size_t nsh_md2_find(const uint8_t *p, size_t hdr_bytes)
{
    size_t at = NSH_BASE_BYTES;
    while (hdr_bytes - at >= 4) {
        unsigned md_class = (unsigned)p[at] << 8 | p[at + 1];
        unsigned type = p[at + 2];
        size_t vlen = p[at + 3] & 0x7F;
        size_t padded = (vlen + 3) & ~(size_t)3;
        if (hdr_bytes - at - 4 < padded)
            return 0; /* a TLV runs past the header */
        if (md_class == VNFO_FLOWTAG_NSH_MD_CLASS && type == VNFO_FLOWTAG_NSH_TLV_TYPE)
            return vlen == 4 ? at + 4 : 0;
        at += 4 + padded;
    }
    return 0;
}

/* Locates the 32-bit NSH field of a carrier; 0 when absent. */
static size_t nsh_field(const uint8_t *p, size_t avail, vnfo_flowtag_carrier c)
{
    size_t hdr = nsh_header(p, avail, c == VNFO_FLOWTAG_CARRIER_NSH_MD1 ? 1 : 2);
    if (!hdr)
        return 0;
    return c == VNFO_FLOWTAG_CARRIER_NSH_MD1 ? NSH_BASE_BYTES : nsh_md2_find(p, hdr);
}

vnfo_status vnfo_flowtag_nsh_tlv_encode(uint8_t *out, size_t size, uint32_t tag)
{
    if (!out || size < VNFO_FLOWTAG_NSH_TLV_BYTES)
        return VNFO_E_INVALID_ARGUMENT;
    out[0] = (uint8_t)(VNFO_FLOWTAG_NSH_MD_CLASS >> 8);
    out[1] = (uint8_t)VNFO_FLOWTAG_NSH_MD_CLASS;
    out[2] = VNFO_FLOWTAG_NSH_TLV_TYPE;
    out[3] = 4; /* U bit 0, length 4 bytes */
    put32(out + 4, tag);
    return VNFO_OK;
}

/* ---- 802.1Q, IPv6, IPv4 -------------------------------------------------- */

static int vlan_ok(const uint8_t *p, size_t avail)
{
    if (avail < ETH_VLAN_BYTES)
        return 0;
    unsigned tpid = (unsigned)p[12] << 8 | p[13];
    return tpid == 0x8100 || tpid == 0x88A8;
}

static int ipv6_ok(const uint8_t *p, size_t avail)
{
    return avail >= IPV6_HEADER_BYTES && (p[0] >> 4) == 6;
}

static int ipv4_ok(const uint8_t *p, size_t avail)
{
    if (avail < IPV4_HEADER_MIN || (p[0] >> 4) != 4)
        return 0;
    size_t ihl = (size_t)(p[0] & 0x0F) * 4;
    return ihl >= IPV4_HEADER_MIN && ihl <= avail;
}

/* RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m'), one's complement sums. */
static uint16_t csum_update(uint16_t hc, uint16_t m, uint16_t m_new)
{
    uint32_t sum = (uint16_t)~hc;
    sum += (uint16_t)~m;
    sum += m_new;
    sum = (sum & 0xFFFF) + (sum >> 16);
    sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

static void dscp_write(uint8_t *p, uint32_t dscp)
{
    uint16_t old_word = (uint16_t)(p[0] << 8 | p[1]);
    p[1] = (uint8_t)(dscp << 2 | (p[1] & 0x03)); /* keep ECN */
    uint16_t new_word = (uint16_t)(p[0] << 8 | p[1]);
    uint16_t hc = (uint16_t)(p[10] << 8 | p[11]);
    hc = csum_update(hc, old_word, new_word);
    p[10] = (uint8_t)(hc >> 8);
    p[11] = (uint8_t)hc;
}

/* ---- public -------------------------------------------------------------- */

static vnfo_status args_check(vnfo_flowtag_carrier c, unsigned width)
{
    unsigned bits = vnfo_flowtag_carrier_bits(c);
    if (!bits || !width_valid(width))
        return VNFO_E_INVALID_ARGUMENT;
    return width > bits ? VNFO_E_FLOWTAG_WIDTH : VNFO_OK;
}

vnfo_status vnfo_flowtag_carrier_write(uint8_t *packet, size_t len, size_t offset,
                                       vnfo_flowtag_carrier carrier, unsigned width, uint32_t tag)
{
    if (!packet)
        return VNFO_E_INVALID_ARGUMENT;
    vnfo_status s = args_check(carrier, width);
    if (s != VNFO_OK)
        return s;
    if (tag == 0 || (width < 32 && tag >> width))
        return VNFO_E_INVALID_ARGUMENT;
    if (!fits(len, offset, 1))
        return VNFO_E_FLOWTAG_CARRIER;
    uint8_t *p = packet + offset;
    size_t avail = len - offset;
    switch (carrier) {
    case VNFO_FLOWTAG_CARRIER_NSH_MD1:
    case VNFO_FLOWTAG_CARRIER_NSH_MD2: {
        size_t at = nsh_field(p, avail, carrier);
        if (!at)
            return VNFO_E_FLOWTAG_CARRIER;
        put32(p + at, tag);
        return VNFO_OK;
    }
    case VNFO_FLOWTAG_CARRIER_IPV6_FLOW_LABEL:
        if (!ipv6_ok(p, avail))
            return VNFO_E_FLOWTAG_CARRIER;
        put32(p, (get32(p) & 0xFFF00000u) | tag);
        return VNFO_OK;
    case VNFO_FLOWTAG_CARRIER_VLAN:
        if (!vlan_ok(p, avail))
            return VNFO_E_FLOWTAG_CARRIER;
        p[14] = (uint8_t)((p[14] & 0xF0) | (tag >> 8)); /* keep PCP and DEI */
        p[15] = (uint8_t)tag;
        return VNFO_OK;
    case VNFO_FLOWTAG_CARRIER_IPV4_DSCP:
        if (!ipv4_ok(p, avail))
            return VNFO_E_FLOWTAG_CARRIER;
        dscp_write(p, tag);
        return VNFO_OK;
    }
    return VNFO_E_INVALID_ARGUMENT;
}

static vnfo_status raw_read(uint32_t *out, const uint8_t *p, size_t avail, vnfo_flowtag_carrier c)
{
    switch (c) {
    case VNFO_FLOWTAG_CARRIER_NSH_MD1:
    case VNFO_FLOWTAG_CARRIER_NSH_MD2: {
        size_t at = nsh_field(p, avail, c);
        if (!at)
            return VNFO_E_FLOWTAG_CARRIER;
        *out = get32(p + at);
        return VNFO_OK;
    }
    case VNFO_FLOWTAG_CARRIER_IPV6_FLOW_LABEL:
        if (!ipv6_ok(p, avail))
            return VNFO_E_FLOWTAG_CARRIER;
        *out = get32(p) & 0x000FFFFFu;
        return VNFO_OK;
    case VNFO_FLOWTAG_CARRIER_VLAN:
        if (!vlan_ok(p, avail))
            return VNFO_E_FLOWTAG_CARRIER;
        *out = (uint32_t)(p[14] & 0x0F) << 8 | p[15];
        return VNFO_OK;
    case VNFO_FLOWTAG_CARRIER_IPV4_DSCP:
        if (!ipv4_ok(p, avail))
            return VNFO_E_FLOWTAG_CARRIER;
        *out = p[1] >> 2;
        return VNFO_OK;
    }
    return VNFO_E_INVALID_ARGUMENT;
}

vnfo_status vnfo_flowtag_carrier_read(uint32_t *out, const uint8_t *packet, size_t len,
                                      size_t offset, vnfo_flowtag_carrier carrier, unsigned width)
{
    if (!out || !packet)
        return VNFO_E_INVALID_ARGUMENT;
    vnfo_status s = args_check(carrier, width);
    if (s != VNFO_OK)
        return s;
    if (!fits(len, offset, 1))
        return VNFO_E_FLOWTAG_CARRIER;
    uint32_t v;
    s = raw_read(&v, packet + offset, len - offset, carrier);
    if (s != VNFO_OK)
        return s;
    if (width < 32 && v >> width)
        return VNFO_E_FLOWTAG_CARRIER; /* not a tag of this width */
    *out = v;
    return VNFO_OK;
}
