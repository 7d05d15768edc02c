/* Wrapping an IP packet in the link layers and encapsulations the packet
 * parser reads (docs/sampling.md): for the tests, the capture corpus and
 * the mutation test of the sampler's fast path.  Not part of the library. */
#ifndef VNFO_ENCAP_H
#define VNFO_ENCAP_H

#include <stddef.h>
#include <stdint.h>

/* How to wrap: a link type (VNFO_LINKTYPE_*) and, for the link types that
 * carry an ethertype (Ethernet, SLL, SLL2, Cisco HDLC), a stack of VLAN
 * tags and then of MPLS labels (PPP carries MPLS too, not VLAN). */
struct encap {
    uint32_t linktype;
    unsigned vlans;    /* 802.1Q/802.1ad tags, outer first (0..16) */
    unsigned labels;   /* MPLS label stack entries (0..16) */
    int big_endian;    /* LINKTYPE_NULL: the family in big-endian order */
    int ppp_hdlc;      /* LINKTYPE_PPP: start with 0xff 0x03; _PPP_HDLC: Cisco framing */
    int ppp_compress;  /* PPP: a one-byte protocol field */
};

/* Writes the frame into out (cap bytes): the link-layer header, the tags,
 * the labels, then ip (ip_len bytes, an IPv4 or IPv6 packet).  Returns the
 * frame length, or 0 when it does not fit or e asks for an unknown link
 * type or a stack the link type cannot carry. */
size_t encap_wrap(uint8_t *out, size_t cap, const struct encap *e, const uint8_t *ip, size_t ip_len);

#endif
