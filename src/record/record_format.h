/* Record formats v1 and v2, shared by the encoder, the decoder and the JSON
 * writer of the record module (docs/FORMAT.md, "Records"). */
#ifndef VNFO_RECORD_FORMAT_H
#define VNFO_RECORD_FORMAT_H

#include <vnfo/record.h>

/* Array lengths of each record type: five common fields (version, type,
 * node id, epoch, seq) plus the type's own.  Format v2 appended link_type
 * and wire_len to the packet record and added heartbeat and period close. */
#define RECORD_COMMON_FIELDS 5
#define RECORD_PACKET_FIELDS_V1 20
#define RECORD_PACKET_FIELDS 22
#define RECORD_FLOWTAG_MAP_FIELDS 11
#define RECORD_LOSS_NOTICE_FIELDS 8
#define RECORD_EPOCH_START_FIELDS 7
#define RECORD_HEARTBEAT_FIELDS 6
#define RECORD_PERIOD_CLOSE_FIELDS 8
/* A flow key is a 6-element array: ip version, proto, ports, addresses. */
#define RECORD_FLOW_KEY_FIELDS 6
#define RECORD_ADDRESS_BYTES 16

#define RECORD_MAX_LOSS_REASON VNFO_LOSS_RATE_LIMIT

/* Fields count of a type in a format version, 0 for a type that version
 * does not have. */
static inline unsigned record_field_count(uint64_t version, uint64_t type)
{
    switch (type) {
    case VNFO_RECORD_PACKET: return version >= 2 ? RECORD_PACKET_FIELDS : RECORD_PACKET_FIELDS_V1;
    case VNFO_RECORD_FLOWTAG_MAP: return RECORD_FLOWTAG_MAP_FIELDS;
    case VNFO_RECORD_LOSS_NOTICE: return RECORD_LOSS_NOTICE_FIELDS;
    case VNFO_RECORD_EPOCH_START: return RECORD_EPOCH_START_FIELDS;
    case VNFO_RECORD_HEARTBEAT: return version >= 2 ? RECORD_HEARTBEAT_FIELDS : 0;
    case VNFO_RECORD_PERIOD_CLOSE: return version >= 2 ? RECORD_PERIOD_CLOSE_FIELDS : 0;
    default: return 0;
    }
}

/* Whether n bytes are all zero (digest and padding rules). */
static inline int record_all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

/* An IPv4 flow-key address fills the first 4 of its 16 bytes. */
#define RECORD_IPV4_ADDRESS_BYTES 4

/* Counter names are visible ASCII (0x21..0x7e), 1..64 bytes. */
static inline int record_counter_name_ok(const char *name, size_t len)
{
    if (len == 0 || len > VNFO_RECORD_MAX_COUNTER_NAME)
        return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)name[i] < 0x21 || (unsigned char)name[i] > 0x7e)
            return 0;
    return 1;
}

/* Bytewise order of counter names (shorter first on a common prefix). */
static inline int record_name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = __builtin_memcmp(a, b, n);
    if (c)
        return c;
    return (alen > blen) - (alen < blen);
}

/* vnfo_record_encode() with the common fields node id, epoch and seq taken
 * from the arguments instead of rec: the log writer assigns them without
 * copying the record.  Same statuses, no message, no allocation. */
vnfo_status vnfo__record_encode_as(uint8_t *out, size_t size, size_t *written,
                                   const vnfo_record *rec, uint32_t node_id, uint64_t epoch,
                                   uint64_t seq);

#endif
