/**
 * @file packet.h
 * @brief Bounded parsing of captured packets into a view, the byte sets a
 *        sampling hash sees (field sets), flow keys and packet digests.
 *
 * Link types are the pcap LINKTYPE numbers (readers of pcap files map
 * libpcap's DLT_ values to them; they differ for raw IP): Ethernet (1),
 * raw IP (101, version from the first nibble), raw IPv4 (228), raw IPv6
 * (229), Linux cooked capture SLL (113) and SLL2 (276), BSD loopback (NULL
 * 0 in either byte order, LOOP 108), PPP (9), PPP in HDLC-like framing
 * (50), Cisco HDLC (104) and NFLOG (239).  Behind an ethertype the parser
 * reads up to VNFO_PACKET_VLAN_MAX 802.1Q/802.1ad tags and an MPLS label
 * stack of up to VNFO_PACKET_MPLS_MAX entries; deeper stacks are
 * ::VNFO_E_PACKET_UNSUPPORTED.  docs/sampling.md lists every encapsulation.
 *
 * Every read is bounds-checked against the captured length.  Parsing is a
 * hot-path operation: it allocates nothing, records no error message and
 * reports what it found through its status alone:
 * - ::VNFO_E_PACKET_NOT_IP: a well-formed frame that does not carry IPv4 or
 *   IPv6 (ARP, LLC, ...);
 * - ::VNFO_E_PACKET_TRUNCATED: the capture ends before a header the parser
 *   needs (the packet itself may be fine; the snapshot length cut it);
 * - ::VNFO_E_PACKET_MALFORMED: the headers contradict themselves (IPv4 IHL
 *   below 5, a total length shorter than the header, an extension header
 *   running past the IP packet, a TCP data offset below 5, ...);
 * - ::VNFO_E_PACKET_UNSUPPORTED: a link type or encapsulation this parser
 *   does not read (an unknown link type, VLAN or MPLS stacks deeper than
 *   documented, a non-IP MPLS payload).
 *
 * docs/sampling.md describes the field sets byte by byte.
 */
#ifndef VNFO_PACKET_H
#define VNFO_PACKET_H

#include <vnfo/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** pcap LINKTYPE_NULL: BSD loopback, a 4-byte address family in the
 *  capturing host's byte order (both orders are read). */
#define VNFO_LINKTYPE_NULL 0
/** pcap LINKTYPE_ETHERNET. */
#define VNFO_LINKTYPE_ETHERNET 1
/** pcap LINKTYPE_PPP: PPP, with or without the HDLC bytes 0xff 0x03. */
#define VNFO_LINKTYPE_PPP 9
/** pcap LINKTYPE_PPP_HDLC: PPP in HDLC-like framing, or Cisco HDLC. */
#define VNFO_LINKTYPE_PPP_HDLC 50
/** pcap LINKTYPE_RAW: IPv4 or IPv6, told apart by the version nibble. */
#define VNFO_LINKTYPE_RAW 101
/** pcap LINKTYPE_C_HDLC: Cisco HDLC (address, control, ethertype). */
#define VNFO_LINKTYPE_C_HDLC 104
/** pcap LINKTYPE_LOOP: BSD loopback, the address family big-endian. */
#define VNFO_LINKTYPE_LOOP 108
/** pcap LINKTYPE_LINUX_SLL (Linux cooked capture, 16-byte header). */
#define VNFO_LINKTYPE_LINUX_SLL 113
/** pcap LINKTYPE_IPV4. */
#define VNFO_LINKTYPE_IPV4 228
/** pcap LINKTYPE_IPV6. */
#define VNFO_LINKTYPE_IPV6 229
/** pcap LINKTYPE_NFLOG: Linux netfilter log (the packet is the NFULA_PAYLOAD
 *  value; TLV lengths in the reading host's byte order, as libpcap
 *  delivers them). */
#define VNFO_LINKTYPE_NFLOG 239
/** pcap LINKTYPE_LINUX_SLL2 (Linux cooked capture v2, 20-byte header). */
#define VNFO_LINKTYPE_LINUX_SLL2 276

/** Deepest stack of 802.1Q/802.1ad tags the parser reads. */
#define VNFO_PACKET_VLAN_MAX 8
/** Deepest MPLS label stack the parser reads. */
#define VNFO_PACKET_MPLS_MAX 8

/** Bytes of a packet digest (BLAKE2b-128). */
#define VNFO_PACKET_DIGEST_BYTES 16
/** Largest number of bytes any field set extracts from one packet. */
#define VNFO_PACKET_FIELDS_MAX_BYTES 256
/** Largest payload_bytes and payload_offset a field set accepts. */
#define VNFO_PACKET_PAYLOAD_MAX 64

/** View flag: the packet is an IP fragment (first or later). */
#define VNFO_PACKET_FRAGMENT 0x01u
/** View flag: a non-first fragment; it has no L4 header. */
#define VNFO_PACKET_LATER_FRAGMENT 0x02u
/** View flag: an L4 header (TCP, UDP, SCTP, ICMP, ICMPv6) was parsed. */
#define VNFO_PACKET_HAS_L4 0x04u
/** View flag: src_port and dst_port are valid (TCP, UDP, SCTP). */
#define VNFO_PACKET_HAS_PORTS 0x08u
/** View flag: icmp_type and icmp_code are valid (ICMP, ICMPv6). */
#define VNFO_PACKET_HAS_ICMP 0x10u
/** View flag: the capture holds fewer bytes than the IP length says. */
#define VNFO_PACKET_SNAPPED 0x20u
/** View flag: the IPv6 chain has a fragment header (frag_id is valid). */
#define VNFO_PACKET_HAS_FRAG_HEADER 0x40u

/**
 * @brief A parsed packet: offsets into the caller's bytes plus the decoded
 *        header fields.  Filled by vnfo_packet_parse(); refers to, and does
 *        not own, the packet bytes.
 *
 * Offsets count from the start of the captured frame.  Fixed layout: this
 * struct never grows (later information goes into a new struct).
 */
typedef struct vnfo_packet_view {
    const uint8_t *data;     /**< The captured bytes (not owned). */
    uint32_t len;            /**< Captured length. */
    uint32_t linktype;       /**< The pcap link type the bytes were parsed with. */
    uint32_t l3_offset;      /**< Offset of the IP header. */
    uint32_t l3_end;         /**< End of the IP packet in the capture: min(len, l3_offset + IP length). */
    uint32_t ip_length;      /**< IP packet length from its header (IPv4 total length; IPv6 40 + payload length). */
    uint32_t l4_offset;      /**< Offset of the upper-layer header (after IPv4 options or the IPv6 extension chain). */
    uint32_t payload_offset; /**< Offset of the L4 payload; equals l4_offset when no L4 header was parsed. */
    uint32_t flags;          /**< VNFO_PACKET_* flags. */
    uint32_t frag_id;        /**< IPv4 identification, or the IPv6 fragment header identification. */
    uint16_t frag_offset;    /**< Fragment offset in 8-byte units (0 when not a fragment). */
    uint16_t src_port;       /**< Source port (host order), when VNFO_PACKET_HAS_PORTS. */
    uint16_t dst_port;       /**< Destination port (host order), when VNFO_PACKET_HAS_PORTS. */
    uint16_t vlan_tci[2];    /**< Tag control information of the outer two VLAN tags, outer first. */
    uint8_t vlan_count;      /**< Number of entries in vlan_tci (0 to 2; a frame may carry up to VNFO_PACKET_VLAN_MAX tags). */
    uint8_t ip_version;      /**< 4 or 6. */
    uint8_t proto;           /**< Upper-layer protocol (after the IPv6 extension chain). */
    uint8_t icmp_type;       /**< ICMP/ICMPv6 type, when VNFO_PACKET_HAS_ICMP. */
    uint8_t icmp_code;       /**< ICMP/ICMPv6 code, when VNFO_PACKET_HAS_ICMP. */
    uint8_t reserved_[3];    /**< Zero. */
} vnfo_packet_view;

/**
 * @brief Parse a captured packet.
 * @param[out] out The view; on failure its content is unspecified.
 * @param pkt The captured bytes (may be NULL when len is 0).
 * @param len Captured length.
 * @param linktype A VNFO_LINKTYPE_* (pcap LINKTYPE) number.
 * @return VNFO_OK, VNFO_E_PACKET_NOT_IP, VNFO_E_PACKET_TRUNCATED,
 *         VNFO_E_PACKET_MALFORMED, VNFO_E_PACKET_UNSUPPORTED or
 *         VNFO_E_INVALID_ARGUMENT (out NULL, or pkt NULL with len > 0).
 *         Records no message (hot path).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_packet_parse(vnfo_packet_view *out, const uint8_t *pkt, size_t len,
                                       uint32_t linktype);

/**
 * @brief The 5-tuple of a parsed packet (ports are 0 without
 *        VNFO_PACKET_HAS_PORTS, e.g. for later fragments and ICMP).
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_packet_flow_key(vnfo_flow_key *out, const vnfo_packet_view *v);

/**
 * @brief BLAKE2b-128 over the packet's invariant view, for log records.
 *
 * The digest covers the IP packet as captured, from the first byte of the IP
 * header to min(captured end, IP length), with the fields that change hop by
 * hop set to zero: IPv4 DSCP/ECN (byte 1), TTL (byte 8) and header checksum
 * (bytes 10-11); IPv6 traffic class (the low 4 bits of byte 0 and the high 4
 * bits of byte 1) and hop limit (byte 7).  Everything else counts, payload
 * included; link-layer headers (and so VLAN tags) never do.  No key, no
 * context string: plain BLAKE2b with a 16-byte output (docs/sampling.md).
 * @param[out] out VNFO_PACKET_DIGEST_BYTES bytes.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or the status of
 *         vnfo_packet_parse() for packets it cannot parse.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_packet_digest(uint8_t *out, const uint8_t *pkt, size_t len,
                                        uint32_t linktype);

/**
 * @brief vnfo_packet_digest() for a packet already parsed.
 * @return VNFO_OK, or VNFO_E_INVALID_ARGUMENT (also for a view whose offsets
 *         no parse could have produced).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_packet_view_digest(uint8_t *out, const vnfo_packet_view *v);

/** @brief VNFO_PACKET_DIGEST_BYTES, for FFI.  @par Thread safety: safe. */
VNFO_API size_t vnfo_packet_digest_bytes(void);
/** @brief VNFO_PACKET_FIELDS_MAX_BYTES, for FFI.  @par Thread safety: safe. */
VNFO_API size_t vnfo_packet_fields_max_bytes(void);

/* ---- field sets ---------------------------------------------------------- */

/** Field-set presets (vnfo_packet_fields::preset). */
typedef enum vnfo_packet_preset {
    VNFO_FIELDS_CUSTOM = 0,    /**< The fields named in vnfo_packet_fields::custom. */
    VNFO_FIELDS_PSAMP = 1,     /**< RFC 5475 section 6.2.4.1. */
    VNFO_FIELDS_INVARIANT = 2, /**< The IP header without hop-by-hop fields, plus bytes after it. */
    VNFO_FIELDS_NAT_SAFE = 3,  /**< What NATs and load balancers leave alone, plus the FlowTag. */
} vnfo_packet_preset;

/**
 * @brief The vocabulary of custom field sets: bit numbers of
 *        vnfo_packet_fields::custom (use VNFO_FIELD_BIT()).
 *
 * Fields are appended in this order.  A field the packet does not have (ports
 * of ICMP, TCP sequence of UDP, the fragment identification of an IPv6
 * packet without fragment header) contributes no bytes.  Names in
 * parentheses are those of vnfo_packet_fields_parse().
 */
typedef enum vnfo_packet_field {
    VNFO_FIELD_IP_VERSION = 0,  /**< (ip.version) 1 byte: 4 or 6. */
    VNFO_FIELD_IP_SRC = 1,      /**< (ip.src) 4 or 16 bytes. */
    VNFO_FIELD_IP_DST = 2,      /**< (ip.dst) 4 or 16 bytes. */
    VNFO_FIELD_IP_PROTO = 3,    /**< (ip.proto) 1 byte: upper-layer protocol. */
    VNFO_FIELD_IP_ID = 4,       /**< (ip.id) IPv4: 2 bytes; IPv6: 4 bytes of the fragment header. */
    VNFO_FIELD_IP_FRAG = 5,     /**< (ip.frag) 2 bytes: IPv4 flags and offset; IPv6 fragment offset (flags cleared). */
    VNFO_FIELD_IP_LENGTH = 6,   /**< (ip.length) 2 bytes: IPv4 total length, IPv6 payload length. */
    VNFO_FIELD_IPV6_FLOW = 7,   /**< (ipv6.flow_label) 3 bytes, the 20-bit flow label (IPv6 only). */
    VNFO_FIELD_L4_SPORT = 8,    /**< (l4.sport) 2 bytes. */
    VNFO_FIELD_L4_DPORT = 9,    /**< (l4.dport) 2 bytes. */
    VNFO_FIELD_TCP_SEQ = 10,    /**< (tcp.seq) 4 bytes. */
    VNFO_FIELD_TCP_ACK = 11,    /**< (tcp.ack) 4 bytes. */
    VNFO_FIELD_TCP_FLAGS = 12,  /**< (tcp.flags) 1 byte (byte 13 of the TCP header). */
    VNFO_FIELD_ICMP_TYPE = 13,  /**< (icmp.type) 2 bytes: ICMP/ICMPv6 type and code. */
    VNFO_FIELD_IP_PAYLOAD = 14, /**< (ip.payload) payload_bytes at payload_offset after the IP header(s). */
    VNFO_FIELD_L4_PAYLOAD = 15, /**< (l4.payload) payload_bytes at payload_offset after the L4 header. */
    VNFO_FIELD_FLOWTAG = 16,    /**< (flowtag) 4 bytes big-endian; nothing when the tag is 0. */
    VNFO_FIELD_COUNT_ = 17      /**< Number of fields; not a field. */
} vnfo_packet_field;

/** The bit of a field in vnfo_packet_fields::custom. */
#define VNFO_FIELD_BIT(f) (UINT64_C(1) << (f))

/** Version of ::vnfo_packet_fields understood by this library. */
#define VNFO_PACKET_FIELDS_VERSION 1

/**
 * @brief Which bytes of a packet the sampling hash sees.
 *
 * payload_bytes and payload_offset apply to the payload part of each preset
 * (IP payload for psamp and invariant, L4 payload for nat-safe) and to the
 * ip.payload and l4.payload custom fields.  psamp requires payload_bytes in
 * 8..32 (RFC 5475); the others accept 0..VNFO_PACKET_PAYLOAD_MAX.  When the
 * packet has fewer payload bytes than asked for, the bytes that exist are
 * used and nothing is padded (RFC 5476 variable-length rule).
 */
typedef struct vnfo_packet_fields {
    unsigned version;        /**< VNFO_PACKET_FIELDS_VERSION. */
    uint32_t preset;         /**< A ::vnfo_packet_preset. */
    uint64_t custom;         /**< VNFO_FIELD_BIT()s, for VNFO_FIELDS_CUSTOM. */
    uint32_t payload_bytes;  /**< Payload bytes hashed (default 8). */
    uint32_t payload_offset; /**< Where the payload bytes start (default 0), 0..64. */
} vnfo_packet_fields;

/** Initialiser: psamp with 8 payload bytes at offset 0. */
#define VNFO_PACKET_FIELDS_INIT { VNFO_PACKET_FIELDS_VERSION, VNFO_FIELDS_PSAMP, 0, 8, 0 }

/**
 * @brief Initialise field-set options to VNFO_PACKET_FIELDS_INIT.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_STRUCT_VERSION.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_packet_fields_init(vnfo_packet_fields *out, unsigned version);

/**
 * @brief Set the preset or custom field list from text: "psamp",
 *        "invariant", "nat-safe", or a comma-separated list of field names
 *        (ip.src,ip.dst,l4.sport,...; see ::vnfo_packet_field).
 *
 * payload_bytes and payload_offset are left as they are.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_STRUCT_VERSION or
 *         VNFO_E_PACKET_FIELD_UNKNOWN (the message names the word).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_packet_fields_parse(vnfo_packet_fields *out, const char *spec);

/**
 * @brief Check field-set options (version, preset, payload ranges).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_STRUCT_VERSION, with a
 *         message naming the field.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_packet_fields_check(const vnfo_packet_fields *fields);

/**
 * @brief Gather the bytes a field set selects from a parsed packet.
 *
 * The result is deterministic for a given packet, field set and FlowTag, and
 * is what the sampler hashes.
 * @param[out] out Buffer for the bytes; VNFO_PACKET_FIELDS_MAX_BYTES always suffice.
 * @param size Size of out.
 * @param[out] out_len Bytes written.
 * @param v A view filled by vnfo_packet_parse().
 * @param fields A field set that passed vnfo_packet_fields_check().
 * @param flowtag The packet's FlowTag, 0 for none (used by sets with the tag).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_BUFFER_TOO_SMALL or
 *         VNFO_E_PACKET_TRUNCATED (payload bytes the IP length promises are
 *         missing from the capture, so another capture point could see
 *         different bytes).  Records no message (hot path).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_packet_fields_extract(uint8_t *out, size_t size, size_t *out_len,
                                                const vnfo_packet_view *v,
                                                const vnfo_packet_fields *fields, uint32_t flowtag);

/**
 * @brief Whether a field set reads the FlowTag (nat-safe, or custom with
 *        the flowtag field).
 * @return 1 or 0 (0 also for NULL).
 * @par Thread safety: safe.
 */
VNFO_API int vnfo_packet_fields_uses_flowtag(const vnfo_packet_fields *fields);

#ifdef __cplusplus
}
#endif

#endif /* VNFO_PACKET_H */
