/* Mapping events and packet records in the log format (record.h): the
 * `flowtag_map` record of an event and back, and the resolver's view of a
 * packet record. */
#include <string.h>

#include <vnfo/packet.h>

#include "flowtag_int.h"

/* The null flow that marks an expiry: nothing but the IP version. */
static void null_flow(vnfo_flow_key *out, uint8_t ip_version)
{
    memset(out, 0, sizeof *out);
    out->ip_version = ip_version;
}

static int is_null_flow(const vnfo_flow_key *k)
{
    vnfo_flow_key n;
    null_flow(&n, k->ip_version);
    return memcmp(&n, k, sizeof n) == 0;
}

vnfo_status vnfo_flowtag_event_to_record(vnfo_record *out, const vnfo_flowtag_event *event)
{
    if (!out || !event)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_flowtag_event_to_record: NULL argument");
    const vnfo_flowtag_event *e = event;
    if (e->kind != VNFO_FLOWTAG_EVENT_BIND && e->kind != VNFO_FLOWTAG_EVENT_UPDATE &&
        e->kind != VNFO_FLOWTAG_EVENT_EXPIRE)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_flowtag_event_to_record: event kind %u is not logged", e->kind);
    if (e->context.tag == 0)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_flowtag_event_to_record: tag 0");
    vnfo_status s = vnfo_record_init(out, VNFO_RECORD_FLOWTAG_MAP);
    if (s != VNFO_OK)
        return s;
    vnfo_record_flowtag_map *m = &out->u.flowtag_map;
    m->tag = e->context.tag;
    m->tagging_node = e->context.node_id;
    m->service_path = e->context.service_path_id;
    m->time_ns = e->time;
    m->original = e->context.original;
    if (e->kind == VNFO_FLOWTAG_EVENT_EXPIRE)
        null_flow(&m->rewritten, e->context.original.ip_version);
    else
        m->rewritten = e->context.rewritten;
    return VNFO_OK;
}

vnfo_status vnfo_flowtag_event_from_record(vnfo_flowtag_event *out, const vnfo_record *rec)
{
    if (!out || !rec || rec->type != VNFO_RECORD_FLOWTAG_MAP)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_flowtag_event_from_record: NULL or not a flowtag_map record");
    const vnfo_record_flowtag_map *m = &rec->u.flowtag_map;
    memset(out, 0, sizeof *out);
    out->kind = is_null_flow(&m->rewritten) ? VNFO_FLOWTAG_EVENT_EXPIRE : VNFO_FLOWTAG_EVENT_BIND;
    out->time = m->time_ns;
    out->context.original = m->original;
    out->context.rewritten = m->rewritten;
    out->context.tag = m->tag;
    out->context.node_id = m->tagging_node;
    out->context.service_path_id = m->service_path;
    out->context.epoch = rec->epoch > UINT32_MAX ? UINT32_MAX : (uint32_t)rec->epoch;
    out->context.last_seen = m->time_ns;
    return VNFO_OK;
}

/* The flow key of logged packet bytes, when they parse. */
static int bytes_flow(vnfo_flow_key *out, const uint8_t *bytes, size_t len, uint32_t linktype)
{
    vnfo_packet_view v;
    if (!bytes || vnfo_packet_parse(&v, bytes, len, linktype) != VNFO_OK)
        return 0;
    return vnfo_packet_flow_key(out, &v) == VNFO_OK;
}

vnfo_status vnfo_flowtag_observation_from_record(vnfo_flowtag_observation *out,
                                                 const vnfo_record *rec, uint32_t linktype)
{
    if (!out || !rec || rec->type != VNFO_RECORD_PACKET)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_flowtag_observation_from_record: NULL or not a packet record");
    const vnfo_record_packet *p = &rec->u.packet;
    memset(out, 0, sizeof *out);
    out->node_id = rec->node_id;
    out->tag = p->flowtag;
    out->time = p->t_out_ns;
    /* The packet as the node let it go.  A dropped packet has no such flow:
     * its record resolves by its tag alone. */
    if (p->verdict != VNFO_VERDICT_DROPPED)
        out->has_flow = (uint32_t)bytes_flow(&out->flow, p->bytes_out, p->bytes_out_len, linktype);
    return VNFO_OK;
}
