/* Byte readers shared by the packet module's files.  Callers check bounds
 * before every read; these only assemble big-endian values. */
#ifndef VNFO_PACKET_INTERNAL_H
#define VNFO_PACKET_INTERNAL_H

#include <stdint.h>

#include <vnfo/packet.h>

static inline uint16_t pkt_be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t pkt_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* IP protocol numbers the parser knows. */
enum {
    PKT_HOPOPTS = 0, PKT_ICMP = 1, PKT_TCP = 6, PKT_UDP = 17, PKT_ROUTING = 43,
    PKT_FRAGMENT = 44, PKT_ESP = 50, PKT_AH = 51, PKT_ICMPV6 = 58, PKT_NONE = 59,
    PKT_DSTOPTS = 60, PKT_SCTP = 132,
};

#endif
