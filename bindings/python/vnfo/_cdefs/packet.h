/* cdef of include/vnfo/packet.h, written for cffi. */
#define VNFO_E_PACKET_NOT_IP ...
#define VNFO_E_PACKET_TRUNCATED ...
#define VNFO_E_PACKET_MALFORMED ...
#define VNFO_E_PACKET_UNSUPPORTED ...
#define VNFO_E_PACKET_FIELD_UNKNOWN ...

#define VNFO_LINKTYPE_ETHERNET ...
#define VNFO_LINKTYPE_RAW ...
#define VNFO_LINKTYPE_LINUX_SLL ...
#define VNFO_LINKTYPE_IPV4 ...
#define VNFO_LINKTYPE_IPV6 ...
#define VNFO_PACKET_DIGEST_BYTES ...
#define VNFO_PACKET_FIELDS_MAX_BYTES ...
#define VNFO_PACKET_PAYLOAD_MAX ...
#define VNFO_PACKET_FRAGMENT ...
#define VNFO_PACKET_LATER_FRAGMENT ...
#define VNFO_PACKET_HAS_L4 ...
#define VNFO_PACKET_HAS_PORTS ...
#define VNFO_PACKET_HAS_ICMP ...
#define VNFO_PACKET_SNAPPED ...
#define VNFO_PACKET_HAS_FRAG_HEADER ...

typedef struct vnfo_packet_view {
    const uint8_t *data;
    uint32_t len;
    uint32_t linktype;
    uint32_t l3_offset;
    uint32_t l3_end;
    uint32_t ip_length;
    uint32_t l4_offset;
    uint32_t payload_offset;
    uint32_t flags;
    uint32_t frag_id;
    uint16_t frag_offset;
    uint16_t src_port;
    uint16_t dst_port;
    uint16_t vlan_tci[2];
    uint8_t vlan_count;
    uint8_t ip_version;
    uint8_t proto;
    uint8_t icmp_type;
    uint8_t icmp_code;
    uint8_t reserved_[3];
} vnfo_packet_view;

vnfo_status vnfo_packet_parse(vnfo_packet_view *out, const uint8_t *pkt, size_t len,
                              uint32_t linktype);
vnfo_status vnfo_packet_flow_key(vnfo_flow_key *out, const vnfo_packet_view *v);
vnfo_status vnfo_packet_digest(uint8_t *out, const uint8_t *pkt, size_t len, uint32_t linktype);
vnfo_status vnfo_packet_view_digest(uint8_t *out, const vnfo_packet_view *v);
size_t vnfo_packet_digest_bytes(void);
size_t vnfo_packet_fields_max_bytes(void);

typedef enum vnfo_packet_preset {
    VNFO_FIELDS_CUSTOM = 0,
    VNFO_FIELDS_PSAMP = 1,
    VNFO_FIELDS_INVARIANT = 2,
    VNFO_FIELDS_NAT_SAFE = 3,
} vnfo_packet_preset;

#define VNFO_FIELD_COUNT_ ...
#define VNFO_PACKET_FIELDS_VERSION ...
typedef struct vnfo_packet_fields {
    unsigned version;
    uint32_t preset;
    uint64_t custom;
    uint32_t payload_bytes;
    uint32_t payload_offset;
} vnfo_packet_fields;

vnfo_status vnfo_packet_fields_init(vnfo_packet_fields *out, unsigned version);
vnfo_status vnfo_packet_fields_parse(vnfo_packet_fields *out, const char *spec);
vnfo_status vnfo_packet_fields_check(const vnfo_packet_fields *fields);
vnfo_status vnfo_packet_fields_extract(uint8_t *out, size_t size, size_t *out_len,
                                       const vnfo_packet_view *v,
                                       const vnfo_packet_fields *fields, uint32_t flowtag);
int vnfo_packet_fields_uses_flowtag(const vnfo_packet_fields *fields);
