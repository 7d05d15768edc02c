/* Link layers around an IP packet (see encap.h). */
#include <string.h>

#include <vnfo/packet.h>

#include "encap.h"

#define ENCAP_STACK_MAX 16

struct out {
    uint8_t *p;
    size_t cap, n;
    int overflow;
};

static void put(struct out *o, const void *bytes, size_t n)
{
    if (o->overflow || n > o->cap - o->n) {
        o->overflow = 1;
        return;
    }
    memcpy(o->p + o->n, bytes, n);
    o->n += n;
}

static void put16(struct out *o, uint16_t x)
{
    uint8_t b[2] = {(uint8_t)(x >> 8), (uint8_t)x};
    put(o, b, 2);
}

static void put_byte(struct out *o, uint8_t x)
{
    put(o, &x, 1);
}

/* The ethertype of the first thing after a header: a tag, a label or IP. */
static uint16_t first_type(const struct encap *e, int version)
{
    if (e->vlans)
        return 0x88a8; /* an outer 802.1ad tag; inner tags are 802.1Q */
    if (e->labels)
        return 0x8847;
    return version == 4 ? 0x0800 : 0x86dd;
}

/* The tags after the first ethertype (each TCI, then the next type), then
 * the labels (the last with the bottom-of-stack bit). */
static void put_stacks(struct out *o, const struct encap *e, int version)
{
    for (unsigned i = 0; i < e->vlans; i++) {
        put16(o, (uint16_t)(100 + i)); /* VLAN id 100, 101, ... */
        put16(o, i + 1 < e->vlans ? 0x8100 : e->labels ? 0x8847 : version == 4 ? 0x0800 : 0x86dd);
    }
    for (unsigned i = 0; i < e->labels; i++) {
        uint32_t entry = (uint32_t)(16 + i) << 12 | (i + 1 == e->labels ? 0x100u : 0) | 64;
        uint8_t b[4] = {(uint8_t)(entry >> 24), (uint8_t)(entry >> 16), (uint8_t)(entry >> 8),
                        (uint8_t)entry};
        put(o, b, 4);
    }
}

static const uint8_t MAC[12] = {0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1};

static int put_link(struct out *o, const struct encap *e, int version)
{
    switch (e->linktype) {
    case VNFO_LINKTYPE_ETHERNET:
        put(o, MAC, sizeof MAC);
        put16(o, first_type(e, version));
        return 0;
    case VNFO_LINKTYPE_LINUX_SLL: {
        static const uint8_t sll[14] = {0, 0, 0, 1, 0, 6, 0x02, 0, 0, 0, 0, 1, 0, 0};
        put(o, sll, sizeof sll);
        put16(o, first_type(e, version));
        return 0;
    }
    case VNFO_LINKTYPE_LINUX_SLL2: {
        static const uint8_t sll2[18] = {0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 0x02, 0, 0, 0, 0, 1};
        put16(o, first_type(e, version));
        put(o, sll2, sizeof sll2);
        return 0;
    }
    case VNFO_LINKTYPE_C_HDLC:
        put_byte(o, 0x0f);
        put_byte(o, 0);
        put16(o, first_type(e, version));
        return 0;
    case VNFO_LINKTYPE_PPP_HDLC:
    case VNFO_LINKTYPE_PPP: {
        if (e->vlans)
            return -1;
        int cisco = e->linktype == VNFO_LINKTYPE_PPP_HDLC && e->ppp_hdlc;
        if (cisco) {
            put_byte(o, 0x8f);
            put_byte(o, 0);
            put16(o, first_type(e, version));
            return 0;
        }
        if (e->linktype == VNFO_LINKTYPE_PPP_HDLC || e->ppp_hdlc) {
            put_byte(o, 0xff);
            put_byte(o, 0x03);
        }
        uint16_t proto = e->labels ? 0x0281 : version == 4 ? 0x0021 : 0x0057;
        if (e->ppp_compress && proto < 0x100)
            put_byte(o, (uint8_t)proto);
        else
            put16(o, proto);
        return 0;
    }
    case VNFO_LINKTYPE_NULL:
    case VNFO_LINKTYPE_LOOP: {
        if (e->vlans || e->labels)
            return -1;
        uint8_t af = version == 4 ? 2 : 24;
        int be = e->linktype == VNFO_LINKTYPE_LOOP || e->big_endian;
        uint8_t b[4] = {0, 0, 0, 0};
        b[be ? 3 : 0] = af;
        put(o, b, 4);
        return 0;
    }
    case VNFO_LINKTYPE_NFLOG: {
        if (e->vlans || e->labels)
            return -1;
        uint8_t head[4] = {version == 4 ? 2 : 10, 0, 0, 1};
        put(o, head, 4);
        /* an NFULA_PREFIX record ("vnfo", 8 bytes), then the payload record */
        uint16_t len = 8, type = 10;
        put(o, &len, 2);
        put(o, &type, 2);
        put(o, "vnfo", 4);
        return 0;
    }
    case VNFO_LINKTYPE_RAW:
    case VNFO_LINKTYPE_IPV4:
    case VNFO_LINKTYPE_IPV6:
        return e->vlans || e->labels ? -1 : 0;
    default:
        return -1;
    }
}

size_t encap_wrap(uint8_t *out, size_t cap, const struct encap *e, const uint8_t *ip, size_t ip_len)
{
    if (!ip_len || e->vlans > ENCAP_STACK_MAX || e->labels > ENCAP_STACK_MAX)
        return 0;
    int version = ip[0] >> 4;
    struct out o = {out, cap, 0, 0};
    if (put_link(&o, e, version) != 0)
        return 0;
    put_stacks(&o, e, version);
    if (e->linktype == VNFO_LINKTYPE_NFLOG) {
        uint16_t len = (uint16_t)(ip_len + 4), type = 9; /* NFULA_PAYLOAD */
        if (ip_len > 0xfff0)
            return 0;
        put(&o, &len, 2);
        put(&o, &type, 2);
    }
    put(&o, ip, ip_len);
    return o.overflow ? 0 : o.n;
}
