/* Canonical msgpack encoder of records into a caller buffer.  msgpack-c's
 * packer already picks the shortest form of every integer, string and bin
 * header; this file adds the validation and the counter order that make the
 * encoding unique, and a bounded buffer that never allocates. */
#include <msgpack.h>
#include <string.h>

#include "internal.h"
#include "record/record_format.h"

/* The packer's output: copies while it fits, counts always, so one pass
 * both writes and measures. */
struct out_buf {
    uint8_t *p;
    size_t cap;
    size_t len;
};

static int out_write(void *data, const char *buf, size_t len)
{
    struct out_buf *o = data;
    if (len && o->len <= o->cap && len <= o->cap - o->len) /* o->p is NULL when sizing */
        memcpy(o->p + o->len, buf, len);
    o->len += len;
    return 0;
}

size_t vnfo_record_max_bytes(void) { return VNFO_RECORD_MAX_BYTES; }
size_t vnfo_record_digest_bytes(void) { return VNFO_RECORD_DIGEST_BYTES; }
size_t vnfo_record_struct_size(void) { return sizeof(vnfo_record); }

_Static_assert(sizeof(vnfo_record_packet) <= 640, "packet record outgrew the union reserve");

vnfo_status vnfo_record_init(vnfo_record *out, vnfo_record_type type)
{
    if (!out || record_field_count(VNFO_RECORD_FORMAT_VERSION, type) == 0)
        return VNFO_E_INVALID_ARGUMENT;
    memset(out, 0, sizeof *out);
    out->format_version = VNFO_RECORD_FORMAT_VERSION;
    out->type = type;
    return VNFO_OK;
}

/* ---- validation ---------------------------------------------------------- */

static int bytes_ok(const uint8_t *p, size_t len, size_t max)
{
    return (p || len == 0) && len <= max;
}

/* Sorts counter indexes by name (insertion sort: at most 16) and checks the
 * names; order[] receives the sorted indexes. */
static vnfo_status counters_sort(uint8_t *order, const vnfo_record_packet *p)
{
    if (p->n_counters > VNFO_RECORD_MAX_COUNTERS)
        return VNFO_E_LIMIT_EXCEEDED;
    for (size_t i = 0; i < p->n_counters; i++) {
        const vnfo_record_counter *c = &p->counters[i];
        if (!c->name || !record_counter_name_ok(c->name, c->name_len))
            return VNFO_E_INVALID_ARGUMENT;
        size_t j = i;
        while (j > 0) {
            const vnfo_record_counter *prev = &p->counters[order[j - 1]];
            if (record_name_cmp(prev->name, prev->name_len, c->name, c->name_len) <= 0)
                break;
            order[j] = order[j - 1];
            j--;
        }
        order[j] = (uint8_t)i;
    }
    for (size_t i = 1; i < p->n_counters; i++) {
        const vnfo_record_counter *a = &p->counters[order[i - 1]], *b = &p->counters[order[i]];
        if (record_name_cmp(a->name, a->name_len, b->name, b->name_len) == 0)
            return VNFO_E_INVALID_ARGUMENT; /* duplicate name */
    }
    return VNFO_OK;
}

/* The digest that a verdict leaves empty must be all zero (docs/FORMAT.md
 * 1.1): the reader refuses anything else, so the writer never writes it. */
static int digests_match_verdict(const vnfo_record_packet *p)
{
    if (p->verdict == VNFO_VERDICT_GENERATED)
        return record_all_zero(p->digest_in, VNFO_RECORD_DIGEST_BYTES);
    if (p->verdict == VNFO_VERDICT_DROPPED)
        return record_all_zero(p->digest_out, VNFO_RECORD_DIGEST_BYTES);
    return 1;
}

static vnfo_status packet_check(const vnfo_record_packet *p, uint32_t version)
{
    if ((unsigned)p->verdict > VNFO_VERDICT_GENERATED || !digests_match_verdict(p))
        return VNFO_E_INVALID_ARGUMENT;
    /* Version 1 has no place for the link type and wire length. */
    if (version < 2 && (p->has_link_type || p->wire_len))
        return VNFO_E_INVALID_ARGUMENT;
    if (p->has_link_type && p->link_type > VNFO_RECORD_MAX_LINK_TYPE)
        return VNFO_E_INVALID_ARGUMENT;
    size_t max;
    switch (p->granularity) {
    case VNFO_GRANULARITY_DIGEST: max = 0; break;
    case VNFO_GRANULARITY_HEADERS: max = VNFO_RECORD_HEADER_BYTES; break;
    case VNFO_GRANULARITY_FULL: max = VNFO_RECORD_MAX_PACKET_BYTES; break;
    default: return VNFO_E_INVALID_ARGUMENT;
    }
    if (p->granularity == VNFO_GRANULARITY_DIGEST && (p->bytes_in || p->bytes_out))
        return VNFO_E_INVALID_ARGUMENT;
    if (!bytes_ok(p->bytes_in, p->bytes_in_len, max) || !bytes_ok(p->bytes_out, p->bytes_out_len, max))
        return p->bytes_in_len > max || p->bytes_out_len > max ? VNFO_E_LIMIT_EXCEEDED
                                                               : VNFO_E_INVALID_ARGUMENT;
    return VNFO_OK;
}

static int flow_key_ok(const vnfo_flow_key *k)
{
    if (k->ip_version == 4)
        return record_all_zero(k->src + RECORD_IPV4_ADDRESS_BYTES, RECORD_ADDRESS_BYTES - RECORD_IPV4_ADDRESS_BYTES) &&
               record_all_zero(k->dst + RECORD_IPV4_ADDRESS_BYTES, RECORD_ADDRESS_BYTES - RECORD_IPV4_ADDRESS_BYTES);
    return k->ip_version == 6;
}

static vnfo_status record_check(const vnfo_record *rec)
{
    if (rec->format_version < VNFO_RECORD_FORMAT_VERSION_MIN ||
        rec->format_version > VNFO_RECORD_FORMAT_VERSION)
        return rec->format_version > VNFO_RECORD_FORMAT_VERSION ? VNFO_E_UNSUPPORTED_VERSION
                                                                : VNFO_E_INVALID_ARGUMENT;
    if (record_field_count(rec->format_version, rec->type) == 0)
        return VNFO_E_INVALID_ARGUMENT;
    switch (rec->type) {
    case VNFO_RECORD_PACKET:
        return packet_check(&rec->u.packet, rec->format_version);
    case VNFO_RECORD_FLOWTAG_MAP:
        if (!flow_key_ok(&rec->u.flowtag_map.original) || !flow_key_ok(&rec->u.flowtag_map.rewritten))
            return VNFO_E_INVALID_ARGUMENT;
        return VNFO_OK;
    case VNFO_RECORD_LOSS_NOTICE:
        return (unsigned)rec->u.loss_notice.reason <= RECORD_MAX_LOSS_REASON ? VNFO_OK
                                                                             : VNFO_E_INVALID_ARGUMENT;
    case VNFO_RECORD_EPOCH_START: {
        const vnfo_record_epoch_start *e = &rec->u.epoch_start;
        if (e->commitment_len > VNFO_RECORD_MAX_COMMITMENT)
            return VNFO_E_LIMIT_EXCEEDED;
        return bytes_ok(e->commitment, e->commitment_len, VNFO_RECORD_MAX_COMMITMENT)
                   ? VNFO_OK : VNFO_E_INVALID_ARGUMENT;
    }
    case VNFO_RECORD_HEARTBEAT:
        return VNFO_OK;
    case VNFO_RECORD_PERIOD_CLOSE:
        return rec->u.period_close.period_end_ns >= rec->u.period_close.period_start_ns
                   ? VNFO_OK : VNFO_E_INVALID_ARGUMENT;
    default:
        return VNFO_E_INVALID_ARGUMENT;
    }
}

/* ---- packing -------------------------------------------------------------- */

static void pack_bin(msgpack_packer *pk, const uint8_t *p, size_t len)
{
    msgpack_pack_bin(pk, len);
    msgpack_pack_bin_body(pk, p, len);
}

/* Optional bytes: nil when absent. */
static void pack_opt_bin(msgpack_packer *pk, const uint8_t *p, size_t len)
{
    if (p)
        pack_bin(pk, p, len);
    else
        msgpack_pack_nil(pk);
}

static void pack_packet(msgpack_packer *pk, const vnfo_record_packet *p, const uint8_t *order,
                        uint32_t version)
{
    msgpack_pack_uint32(pk, p->hop);
    msgpack_pack_uint64(pk, p->label);
    msgpack_pack_uint32(pk, p->flowtag);
    pack_bin(pk, p->digest_in, VNFO_RECORD_DIGEST_BYTES);
    pack_bin(pk, p->digest_out, VNFO_RECORD_DIGEST_BYTES);
    msgpack_pack_uint32(pk, (uint32_t)p->verdict);
    msgpack_pack_uint64(pk, p->t_in_ns);
    msgpack_pack_uint64(pk, p->t_out_ns);
    msgpack_pack_uint64(pk, p->cpu_cycles);
    msgpack_pack_uint64(pk, p->mem_bytes);
    msgpack_pack_map(pk, p->n_counters);
    for (size_t i = 0; i < p->n_counters; i++) {
        const vnfo_record_counter *c = &p->counters[order[i]];
        msgpack_pack_str(pk, c->name_len);
        msgpack_pack_str_body(pk, c->name, c->name_len);
        msgpack_pack_uint64(pk, c->value);
    }
    msgpack_pack_uint32(pk, (uint32_t)p->granularity);
    pack_opt_bin(pk, p->bytes_in, p->bytes_in_len);
    pack_opt_bin(pk, p->bytes_out, p->bytes_out_len);
    pack_opt_bin(pk, p->has_state_digest ? p->state_digest : NULL, VNFO_RECORD_STATE_DIGEST_BYTES);
    if (version < 2)
        return;
    if (p->has_link_type)
        msgpack_pack_uint32(pk, p->link_type);
    else
        msgpack_pack_nil(pk);
    msgpack_pack_uint32(pk, p->wire_len);
}

static void pack_flow_key(msgpack_packer *pk, const vnfo_flow_key *k)
{
    msgpack_pack_array(pk, RECORD_FLOW_KEY_FIELDS);
    msgpack_pack_uint8(pk, k->ip_version);
    msgpack_pack_uint8(pk, k->proto);
    msgpack_pack_uint16(pk, k->src_port);
    msgpack_pack_uint16(pk, k->dst_port);
    pack_bin(pk, k->src, RECORD_ADDRESS_BYTES);
    pack_bin(pk, k->dst, RECORD_ADDRESS_BYTES);
}

static void pack_body(msgpack_packer *pk, const vnfo_record *rec, const uint8_t *order)
{
    switch (rec->type) {
    case VNFO_RECORD_PACKET:
        pack_packet(pk, &rec->u.packet, order, rec->format_version);
        break;
    case VNFO_RECORD_FLOWTAG_MAP: {
        const vnfo_record_flowtag_map *m = &rec->u.flowtag_map;
        msgpack_pack_uint32(pk, m->tag);
        msgpack_pack_uint32(pk, m->tagging_node);
        msgpack_pack_uint32(pk, m->service_path);
        msgpack_pack_uint64(pk, m->time_ns);
        pack_flow_key(pk, &m->original);
        pack_flow_key(pk, &m->rewritten);
        break;
    }
    case VNFO_RECORD_LOSS_NOTICE:
        msgpack_pack_uint64(pk, rec->u.loss_notice.count);
        msgpack_pack_uint32(pk, (uint32_t)rec->u.loss_notice.reason);
        msgpack_pack_uint64(pk, rec->u.loss_notice.time_ns);
        break;
    case VNFO_RECORD_EPOCH_START:
        msgpack_pack_uint64(pk, rec->u.epoch_start.time_ns);
        pack_bin(pk, rec->u.epoch_start.commitment, rec->u.epoch_start.commitment_len);
        break;
    case VNFO_RECORD_HEARTBEAT:
        msgpack_pack_uint64(pk, rec->u.heartbeat.time_ns);
        break;
    case VNFO_RECORD_PERIOD_CLOSE:
        msgpack_pack_uint64(pk, rec->u.period_close.period_start_ns);
        msgpack_pack_uint64(pk, rec->u.period_close.period_end_ns);
        msgpack_pack_uint64(pk, rec->u.period_close.time_ns);
        break;
    }
}

vnfo_status vnfo__record_encode_as(uint8_t *out, size_t size, size_t *written,
                                   const vnfo_record *rec, uint32_t node_id, uint64_t epoch,
                                   uint64_t seq)
{
    if (!written || !rec || (!out && size))
        return VNFO_E_INVALID_ARGUMENT;
    *written = 0;
    vnfo_status s = record_check(rec);
    uint8_t order[VNFO_RECORD_MAX_COUNTERS];
    if (s == VNFO_OK && rec->type == VNFO_RECORD_PACKET)
        s = counters_sort(order, &rec->u.packet);
    if (s != VNFO_OK)
        return s;
    struct out_buf o = {out, size, 0};
    msgpack_packer pk;
    msgpack_packer_init(&pk, &o, out_write);
    msgpack_pack_array(&pk, record_field_count(rec->format_version, rec->type));
    msgpack_pack_uint32(&pk, rec->format_version);
    msgpack_pack_uint32(&pk, (uint32_t)rec->type);
    msgpack_pack_uint32(&pk, node_id);
    msgpack_pack_uint64(&pk, epoch);
    msgpack_pack_uint64(&pk, seq);
    pack_body(&pk, rec, order);
    *written = o.len;
    return o.len <= size ? VNFO_OK : VNFO_E_BUFFER_TOO_SMALL;
}

vnfo_status vnfo_record_encode(uint8_t *out, size_t size, size_t *written, const vnfo_record *rec)
{
    if (!rec)
        return VNFO_E_INVALID_ARGUMENT;
    return vnfo__record_encode_as(out, size, written, rec, rec->node_id, rec->epoch, rec->seq);
}

vnfo_status vnfo_record_encoded_size(size_t *out, const vnfo_record *rec)
{
    if (!out)
        return VNFO_E_INVALID_ARGUMENT;
    vnfo_status s = vnfo_record_encode(NULL, 0, out, rec);
    return s == VNFO_E_BUFFER_TOO_SMALL ? VNFO_OK : s;
}
