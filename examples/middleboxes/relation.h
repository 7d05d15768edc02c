/* Stateful middleboxes and their relations (docs/middleboxes.md,
 * "Stateful functions"; docs/verify.md, "Black-box relations").
 *
 * A stateful function's output is not a function of the packet: a
 * conntrack firewall forwards a reply only after its flow was opened, a
 * masquerading NAT picks a free port and keeps it for the flow, an IDS
 * matches across segment boundaries.  The customer's reference for such a
 * function is a relation (struct vnfo_relation): which outputs some state
 * consistent with the sample admits, and which facts the records show about
 * the state.  The verifier does the generic part (sorting, sweeping,
 * reporting); the function-specific parts are here.
 *
 * The stateful middleboxes themselves (mb_stateful_firewall, mb_masquerade)
 * play the provider's functions in `vnfo simulate`; the relations judge any
 * provider's logs in `vnfo verify --reference`. */
#ifndef VNFO_EXAMPLES_RELATION_H
#define VNFO_EXAMPLES_RELATION_H

#include "mb_packet.h"
#include "middlebox.h"

/* ---- a bounded flow table (flowtable.c) -------------------------------- */

#define MB_FLOW_KEY_BYTES 40
#define MB_FLOWTABLE_SLOTS 65536 /* per table; memory 64 bytes a slot */
#define MB_FLOWTABLE_PROBES 64

struct mb_flow_slot {
    uint8_t key[MB_FLOW_KEY_BYTES];
    uint64_t value;
    uint64_t last_ns;   /* last packet; the entry lives until last_ns + timeout_ns */
    uint32_t timeout_s; /* 0: the slot is free */
    uint32_t key_len;
};

struct mb_flowtable {
    struct mb_flow_slot *slots; /* MB_FLOWTABLE_SLOTS */
};

int mb_flowtable_init(struct mb_flowtable *t);  /* 0, or -1 out of memory */
void mb_flowtable_free(struct mb_flowtable *t); /* NULL slots ok */
/* The live entry of key at now, or NULL. */
struct mb_flow_slot *mb_flowtable_find(struct mb_flowtable *t, const uint8_t *key, size_t len,
                                       uint64_t now);
/* The live entry of key, or a new one (value 0) in a free or expired slot;
 * NULL when MB_FLOWTABLE_PROBES slots from the key's hash are all live. */
struct mb_flow_slot *mb_flowtable_put(struct mb_flowtable *t, const uint8_t *key, size_t len,
                                      uint64_t now, uint32_t timeout_s);

/* ---- timeouts: Linux conntrack defaults (nf_conntrack_*_timeout) -------- */

#define MB_CT_UDP_TIMEOUT_S 30
#define MB_CT_ICMP_TIMEOUT_S 30
#define MB_CT_TCP_TIMEOUT_S 300    /* the stateful middleboxes' idle timeout */
#define MB_CT_TCP_CLOSE_S 10       /* a TCP mapping lasts at least this after its
                                      last packet, even if an unseen RST closed it */

/* ---- stateful firewall: the ACL decides new flows, conntrack the rest ---- */

struct mb_stateful_firewall {
    const struct mb_firewall *acl;
    struct mb_flowtable ct;
    uint64_t now_ns; /* the caller's clock, set before each packet */
};

/* The key of a packet's flow in either direction (sorted endpoints); its
 * length, or 0 for a packet without one.  out has MB_FLOW_KEY_BYTES. */
size_t mb_conn_key(uint8_t *out, const struct mb_view *v);
/* The packet's view with source and destination swapped (the reply). */
void mb_view_reverse(struct mb_view *out, const struct mb_view *v);
/* An ICMP or ICMPv6 error (destination unreachable, time exceeded,
 * parameter problem; packet too big) about a packet whose headers it
 * quotes: 1 and *inner, the quoted packet's view; else 0. */
int mb_icmp_related(struct mb_view *inner, const uint8_t *in, size_t in_len, uint32_t linktype);
/* TCP flags of a parsed TCP packet (0 when not TCP or not captured). */
uint8_t mb_tcp_flags(const uint8_t *in, size_t in_len, const struct mb_view *v);
/* A TCP packet's sequence number (0 when not TCP or not captured). */
uint32_t mb_tcp_seq(const uint8_t *in, size_t in_len, const struct mb_view *v);
#define MB_TCP_FIN 0x01
#define MB_TCP_SYN 0x02
#define MB_TCP_RST 0x04
#define MB_TCP_ACK 0x10
/* Bytes [off, off + len) from the start of the IP header. */
struct mb_byte_range {
    size_t off, len;
};
/* 1 when the record's output is its input as a router forwards it: the
 * link-layer header and the hop-by-hop fields (IPv4 DSCP/ECN, TTL, header
 * checksum; IPv6 traffic class, hop limit: what vnfo_packet_digest()
 * leaves out) may change, and the n_skip ranges; everything else of the IP
 * packet is equal over the captured bytes, and two whole packets have one
 * IP length.  1 without an output; a packet that does not parse must be
 * returned byte for byte. */
int mb_ip_unchanged_but(const vnfo_relation_packet *p, const struct mb_byte_range *skip, size_t n_skip);
/* 1 when the ACL allows the packet as a new flow (first match). */
int mb_firewall_allows(const struct mb_firewall *fw, const struct mb_view *v);

/* vnfo_reference_fn (stateful; ctx is a struct mb_stateful_firewall *):
 * forwards what the ACL allows and records its flow; forwards a packet of a
 * live flow (established) and an ICMP error about one (related); drops the
 * rest.  A TCP SYN without ACK is always new.  A RST ends its flow. */
vnfo_reference_verdict mb_stateful_firewall(void *ctx, const uint8_t *in, size_t in_len,
                                            uint8_t *out, size_t out_cap, size_t *out_len,
                                            vnfo_reference_resources *res);

/* ---- masquerading NAT: a free port per flow, kept for the flow's life --- */

struct mb_masquerade {
    uint32_t linktype;
    uint8_t public_ipv4[4];
    uint16_t port_lo, port_hi;
    struct mb_flowtable orig;  /* inside 5-tuple -> public port */
    struct mb_flowtable rew;   /* public 5-tuple -> inside address and port */
    uint64_t now_ns;
};

/* vnfo_reference_fn (stateful; ctx is a struct mb_masquerade *): an IPv4
 * TCP/UDP packet to the public address is translated back through its
 * mapping (dropped without one); any other IPv4 TCP/UDP packet leaves from
 * the public address with its flow's port: its own source port when that is
 * in range and free, else the first free one from a hash of the flow.
 * Mappings expire after the conntrack idle timeouts.  Other packets pass. */
vnfo_reference_verdict mb_masquerade(void *ctx, const uint8_t *in, size_t in_len, uint8_t *out,
                                     size_t out_cap, size_t *out_len,
                                     vnfo_reference_resources *res);

/* ---- stream IDS: signatures across segment boundaries ------------------ */

struct mb_stream_ids {
    const struct mb_ids *ids;
    struct mb_flowtable flows; /* one direction of a TCP flow -> next sequence number */
    uint8_t (*tails)[MB_IDS_MAX_PATTERN]; /* per slot: the stream's last bytes */
    uint64_t now_ns;
};

int mb_stream_ids_init(struct mb_stream_ids *s, const struct mb_ids *ids); /* 0 or -1 */
void mb_stream_ids_free(struct mb_stream_ids *s);

/* vnfo_reference_fn (stateful; ctx is a struct mb_stream_ids *): follows
 * each TCP direction in sequence order (a SYN starts it; a gap forgets
 * what came before) and drops the segment in which a drop signature's
 * match completes, across segment boundaries; every segment seen extends
 * the stream, dropped or not.  A UDP datagram is its own stream.  Never
 * modifies a packet. */
vnfo_reference_verdict mb_stream_ids(void *ctx, const uint8_t *in, size_t in_len, uint8_t *out,
                                     size_t out_cap, size_t *out_len, vnfo_reference_resources *res);

/* ---- the relations (vnfo_relation callbacks) --------------------------- */

struct mb_fw_relation {
    const struct mb_firewall *acl;
    uint64_t udp_hold_ns, icmp_hold_ns, tcp_hold_ns; /* how long an open flow surely stays open */
};

/* Defaults: UDP and ICMP flows stay open MB_CT_*_TIMEOUT_S after a packet;
 * TCP 0 (an unseen RST may close it at once). */
void mb_fw_relation_init(struct mb_fw_relation *r, const struct mb_firewall *acl);
/* Fills rel with the firewall relation's callbacks (ctx: struct mb_fw_relation *). */
void mb_fw_relation(vnfo_relation *rel);

struct mb_nat_relation {
    uint8_t pool_ipv4[4];
    uint8_t pool_bits; /* prefix length of the address pool */
    uint16_t port_lo, port_hi;
    uint64_t udp_hold_ns, tcp_hold_ns; /* a mapping's least life after a packet */
};

/* Defaults: UDP MB_CT_UDP_TIMEOUT_S, TCP MB_CT_TCP_CLOSE_S. */
void mb_nat_relation_init(struct mb_nat_relation *r, const uint8_t pool[4], uint8_t bits,
                          uint16_t port_lo, uint16_t port_hi);
void mb_nat_relation(vnfo_relation *rel); /* ctx: struct mb_nat_relation * */

struct mb_ids_relation {
    const struct mb_ids *ids;
};

void mb_ids_relation(vnfo_relation *rel); /* ctx: struct mb_ids_relation * */

#endif
