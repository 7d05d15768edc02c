/* The middleboxes' one window on packet headers.  Everything they read goes
 * through mb_packet_parse(), so switching to the library's packet module is
 * a change of this one file. */
#ifndef VNFO_EXAMPLES_MB_PACKET_H
#define VNFO_EXAMPLES_MB_PACKET_H

#include <stddef.h>
#include <stdint.h>

struct mb_view {
    size_t l3;      /* offset of the IP header */
    size_t l4;      /* offset of the TCP/UDP header */
    size_t payload; /* offset of the L4 payload */
    size_t end;     /* end of the IP packet inside the capture */
    uint8_t ip_version;
    uint8_t proto;
    int has_ports;
    uint16_t sport, dport;
    uint8_t src[16], dst[16];
};

/* 0 when the packet is IPv4 or IPv6 that parses within len, -1 otherwise. */
int mb_packet_parse(struct mb_view *v, const uint8_t *pkt, size_t len, uint32_t linktype);

/* Ones'-complement checksum helpers (RFC 1071, RFC 1624 incremental). */
uint16_t mb_checksum_update16(uint16_t sum, uint16_t old_word, uint16_t new_word);

/* Big-endian 16-bit words, for the functions that rewrite headers. */
static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static inline void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* Replaces the 16-bit word at p, updating each checksum given (ip_sum and
 * l4_sum may be NULL; a UDP checksum of 0 means "none" and stays 0).  The
 * NAT and the masquerading NAT rewrite addresses and ports through it. */
void mb_replace16(uint8_t *p, uint16_t value, uint8_t *ip_sum, uint8_t *l4_sum, int udp);

#endif
