/* The verifier's record table: compact copies of packet records, their
 * packet bytes in one arena, FlowTag mappings, and per-node bookkeeping. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "verify_private.h"

#define ARENA_MAX ((size_t)UINT32_MAX - 1)

uint32_t vnfo__verify_pos_of(const vnfo_verifier *v, uint32_t node_id)
{
    for (size_t i = 0; i < v->n_chain; i++)
        if (v->chain[i].node_id == node_id)
            return (uint32_t)i;
    return VPOS_NONE;
}

vnfo_status vnfo__verify_node_get(struct vnode **out, vnfo_verifier *v, uint32_t node_id,
                                  const char *source)
{
    for (size_t i = 0; i < v->n_nodes; i++)
        if (v->nodes[i].node_id == node_id) {
            *out = &v->nodes[i];
            return VNFO_OK;
        }
    if (v->n_nodes == VNODES_MAX)
        return vnfo__error(VNFO_E_LIMIT_EXCEEDED, "%s: more than %d nodes", vnfo__shown(source).s,
                           VNODES_MAX);
    struct vnode *n = &v->nodes[v->n_nodes++];
    memset(n, 0, sizeof *n);
    n->node_id = node_id;
    n->pos = vnfo__verify_pos_of(v, node_id);
    snprintf(n->source, sizeof n->source, "%s", source ? source : "");
    *out = n;
    return VNFO_OK;
}

_Static_assert(sizeof(struct vrec) == VNFO_VERIFY_RECORD_BYTES, "VNFO_VERIFY_RECORD_BYTES is out of date");

/* Refuses to grow the record table, the arena or the mappings past the
 * memory limit: a clear error instead of an OOM kill. */
static vnfo_status memory_check(const vnfo_verifier *v, size_t recs_cap, size_t arena_cap, size_t maps_cap)
{
    uint64_t need = (uint64_t)recs_cap * sizeof(struct vrec) + arena_cap + (uint64_t)maps_cap * sizeof(struct vmap);
    if (need <= v->memory_limit)
        return VNFO_OK;
    return vnfo__error(VNFO_E_LIMIT_EXCEEDED,
                       "verifier: keeping more than %zu records (%zu bytes each, %zu bytes of packets, "
                       "%zu mappings) needs %llu bytes, over the memory limit of %llu bytes "
                       "(vnfo_verifier_memory_limit_set, vnfo verify --max-memory)",
                       v->n_recs, sizeof(struct vrec), v->arena_len, v->n_maps,
                       (unsigned long long)need, (unsigned long long)v->memory_limit);
}

static vnfo_status arena_put(uint32_t *off, vnfo_verifier *v, const uint8_t *bytes, size_t len)
{
    if (len > ARENA_MAX - v->arena_len)
        return vnfo__error(VNFO_E_LIMIT_EXCEEDED, "verifier: more than 4 GiB of logged packet bytes");
    if (v->arena_len + len > v->arena_cap) {
        size_t cap = v->arena_cap ? v->arena_cap : 65536;
        while (cap < v->arena_len + len)
            cap *= 2;
        vnfo_status s = memory_check(v, v->cap_recs, cap, v->cap_maps);
        if (s != VNFO_OK)
            return s;
        uint8_t *a = vnfo__realloc(v->arena, cap);
        if (!a)
            return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for packet bytes");
        v->arena = a;
        v->arena_cap = cap;
    }
    if (len) /* the arena is NULL until the first bytes */
        memcpy(v->arena + v->arena_len, bytes, len);
    *off = (uint32_t)v->arena_len;
    v->arena_len += len;
    return VNFO_OK;
}

/* One more segment: allocated with 2 MiB to spare, so that its records
 * start on a 2 MiB boundary and every one of its huge pages can be used. */
#define SEG_ALIGN ((size_t)2 << 20)

static vnfo_status segment_add(vnfo_verifier *v)
{
    if (v->n_segs == v->cap_segs) {
        size_t cap = v->cap_segs ? 2 * v->cap_segs : 16;
        struct vrec **segs = vnfo__reallocarray(v->segs, cap, sizeof *segs);
        if (segs)
            v->segs = segs;
        void **blocks = segs ? vnfo__reallocarray(v->seg_blocks, cap, sizeof *blocks) : NULL;
        if (!blocks)
            return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for records");
        v->seg_blocks = blocks;
        v->cap_segs = cap;
    }
    size_t bytes = VSEG * sizeof(struct vrec);
    void *block = vnfo__malloc(bytes + SEG_ALIGN);
    if (!block)
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for records");
    struct vrec *seg = (struct vrec *)(((uintptr_t)block + SEG_ALIGN - 1) & ~(uintptr_t)(SEG_ALIGN - 1));
    vnfo__memory_advise_large(seg, bytes);
    v->seg_blocks[v->n_segs] = block;
    v->segs[v->n_segs++] = seg;
    v->cap_recs += VSEG;
    return VNFO_OK;
}

void vnfo__verify_segments_free(vnfo_verifier *v)
{
    for (size_t i = 0; i < v->n_segs; i++)
        vnfo__free(v->seg_blocks[i]);
    vnfo__free(v->segs);
    vnfo__free(v->seg_blocks);
    v->segs = NULL;
    v->seg_blocks = NULL;
    v->n_segs = v->cap_segs = 0;
    if (!v->recs)
        v->cap_recs = 0;
}

void vnfo__verify_recs_move(vnfo_verifier *v, size_t to, size_t from, size_t n)
{
    while (n) { /* forward, a run within one segment of each side at a time */
        size_t k = VSEG - (to & (VSEG - 1)), k2 = VSEG - (from & (VSEG - 1));
        k = k < k2 ? k : k2;
        k = k < n ? k : n;
        memmove(vnfo__verify_rec(v, to), vnfo__verify_rec(v, from), k * sizeof(struct vrec));
        to += k, from += k, n -= k;
    }
}

/* Records added after a run: the sorted array goes back into segments. */
static vnfo_status recs_to_segments(vnfo_verifier *v)
{
    struct vrec *sorted = v->recs;
    v->recs = NULL;
    v->cap_recs = 0;
    while (v->cap_recs < v->n_recs) {
        vnfo_status s = memory_check(v, v->cap_recs + VSEG, v->arena_cap, v->cap_maps);
        if (s == VNFO_OK)
            s = segment_add(v);
        if (s != VNFO_OK) {
            vnfo__verify_segments_free(v);
            v->recs = sorted;
            v->cap_recs = v->n_recs;
            return s;
        }
    }
    for (size_t i = 0; i < v->n_recs; i += VSEG)
        memcpy(vnfo__verify_rec(v, i), sorted + i,
               (v->n_recs - i < VSEG ? v->n_recs - i : VSEG) * sizeof *sorted);
    vnfo__free(sorted);
    return VNFO_OK;
}

/* The table has room for n more records (whole segments). */
static vnfo_status recs_reserve(vnfo_verifier *v, size_t n)
{
    vnfo_status s = v->recs ? recs_to_segments(v) : VNFO_OK;
    if (s != VNFO_OK)
        return s;
    if (n > SIZE_MAX / 2 - v->n_recs)
        return vnfo__error(VNFO_E_LIMIT_EXCEEDED, "verifier: more records than memory can address");
    while (v->n_recs + n > v->cap_recs) {
        if ((s = memory_check(v, v->cap_recs + VSEG, v->arena_cap, v->cap_maps)) != VNFO_OK)
            return s;
        if ((s = segment_add(v)) != VNFO_OK)
            return s;
    }
    return VNFO_OK;
}

int vnfo__verify_keeps_bytes(const vnfo_verifier *v, uint32_t pos, int whole)
{
    if (pos == VPOS_NONE)
        return 0;
    const struct vfunction *f = &v->chain[pos];
    return f->ref || f->ref_lt || f->rel.check || (v->sampler && whole);
}

int vnfo__verify_keeps_any_bytes(const vnfo_verifier *v)
{
    for (uint32_t p = 0; p < v->n_chain; p++)
        if (vnfo__verify_keeps_bytes(v, p, 1))
            return 1;
    return 0;
}

/* Every field written (the struct has no padding), so no clearing first. */
void vnfo__verify_vrec_fill(struct vrec *r, const vnfo_verifier *v, const vnfo_record *rec, int foreign)
{
    const vnfo_record_packet *p = &rec->u.packet;
    r->epoch = rec->epoch;
    r->label = p->label;
    r->pos = vnfo__verify_pos_of(v, rec->node_id);
    r->hop = p->hop;
    r->node_id = rec->node_id;
    r->flowtag = p->flowtag;
    r->t_in = p->t_in_ns;
    r->t_out = p->t_out_ns;
    r->cycles = p->cpu_cycles;
    r->mem = p->mem_bytes;
    memcpy(r->din, p->digest_in, 16);
    memcpy(r->dout, p->digest_out, 16);
    r->bytes_in = VBYTES_NONE;
    r->bytes_in_len = 0;
    /* A record that does not state its link type (format 1) was taken from
     * the link type the verifier is told, Ethernet by default (0.1.0). */
    r->link_type = p->has_link_type ? p->link_type : v->opts.linktype;
    r->wire_len = p->wire_len;
    r->bytes_out = VBYTES_NONE;
    r->bytes_out_len = 0;
    r->state = VBYTES_NONE;
    r->verdict = (uint8_t)p->verdict;
    r->granularity = (uint8_t)p->granularity;
    r->foreign = (uint8_t)foreign;
    r->has_ref = 0;
}

/* The state digest is kept only where a reference's snapshot can be
 * compared with it (replay.c). */
static int keeps_state(const vnfo_verifier *v, uint32_t pos)
{
    return pos != VPOS_NONE && v->opts.snapshot && (v->chain[pos].ref || v->chain[pos].ref_lt);
}

static vnfo_status put_packet(vnfo_verifier *v, const vnfo_record *rec, int foreign)
{
    vnfo_status s = recs_reserve(v, 1);
    if (s != VNFO_OK)
        return s;
    const vnfo_record_packet *p = &rec->u.packet;
    struct vrec *r = vnfo__verify_rec(v, v->n_recs);
    vnfo__verify_vrec_fill(r, v, rec, foreign);
    /* Bytes are kept only where a reference can replay them, or where the
     * sampler can re-decide a whole packet. */
    int rel = r->pos != VPOS_NONE && v->chain[r->pos].rel.check;
    int keep = vnfo__verify_keeps_bytes(v, r->pos, p->granularity == VNFO_GRANULARITY_FULL);
    if (p->bytes_in && p->bytes_in_len && keep) {
        s = arena_put(&r->bytes_in, v, p->bytes_in, p->bytes_in_len);
        if (s != VNFO_OK)
            return s;
        r->bytes_in_len = (uint32_t)p->bytes_in_len;
    }
    /* A relation judges the output too (a NAT's rewritten tuple). */
    if (rel && p->bytes_out && p->bytes_out_len) {
        s = arena_put(&r->bytes_out, v, p->bytes_out, p->bytes_out_len);
        if (s != VNFO_OK)
            return s;
        r->bytes_out_len = (uint32_t)p->bytes_out_len;
    }
    if (p->has_state_digest && keeps_state(v, r->pos)) {
        s = arena_put(&r->state, v, p->state_digest, sizeof p->state_digest);
        if (s != VNFO_OK)
            return s;
    }
    v->n_recs++;
    return VNFO_OK;
}

vnfo_status vnfo__verify_recs_claim(vnfo_verifier *v, size_t n)
{
    vnfo_status s = recs_reserve(v, n);
    if (s != VNFO_OK)
        return s;
    v->n_recs += n;
    return VNFO_OK;
}

static vnfo_status put_map(vnfo_verifier *v, const vnfo_record *rec)
{
    if (v->n_maps == v->cap_maps) {
        size_t cap = v->cap_maps ? v->cap_maps * 2 : 256;
        vnfo_status s = memory_check(v, v->cap_recs, v->arena_cap, cap);
        if (s != VNFO_OK)
            return s;
        struct vmap *m = vnfo__reallocarray(v->maps, cap, sizeof *m);
        if (!m)
            return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for FlowTag mappings");
        v->maps = m;
        v->cap_maps = cap;
    }
    struct vmap *m = &v->maps[v->n_maps];
    if (vnfo_flowtag_event_from_record(&m->ev, rec) != VNFO_OK)
        return VNFO_OK; /* not a mapping the resolver reads; decoding vouched for the record */
    /* The resolver keys bindings by node: the one that signed the record. */
    m->ev.context.node_id = rec->node_id;
    m->node_id = rec->node_id;
    m->seq = rec->seq;
    v->n_maps++;
    return VNFO_OK;
}

/* The time a record states, for the heartbeat rule (0: none). */
static uint64_t record_time(const vnfo_record *rec)
{
    switch (rec->type) {
    case VNFO_RECORD_PACKET: return rec->u.packet.t_out_ns > rec->u.packet.t_in_ns
                                        ? rec->u.packet.t_out_ns : rec->u.packet.t_in_ns;
    case VNFO_RECORD_FLOWTAG_MAP: return rec->u.flowtag_map.time_ns;
    case VNFO_RECORD_LOSS_NOTICE: return rec->u.loss_notice.time_ns;
    case VNFO_RECORD_EPOCH_START: return rec->u.epoch_start.time_ns;
    case VNFO_RECORD_HEARTBEAT: return rec->u.heartbeat.time_ns;
    case VNFO_RECORD_PERIOD_CLOSE: return rec->u.period_close.time_ns;
    }
    return 0;
}

/* A close for the manifest's billing period (Unix seconds, as ns). */
static int closes_billing_period(const vnfo_verifier *v, const vnfo_record_period_close *c)
{
    uint64_t start, end;
    return vnfo__verify_billing_ns(v, &start, &end) && c->period_start_ns == start &&
           c->period_end_ns == end;
}

/* What a record says about its node, and its mapping: all of
 * vnfo__verify_record_put() but the packet's table entry. */
static vnfo_status record_note(vnfo_verifier *v, const vnfo_record *rec, int foreign, int put)
{
    struct vnode *node;
    vnfo_status s = vnfo__verify_node_get(&node, v, rec->node_id, "records");
    if (s != VNFO_OK)
        return s;
    if (!foreign) {
        uint64_t t = record_time(rec);
        if (t > node->last_signed_ns)
            node->last_signed_ns = t;
        if (rec->format_version > node->max_version)
            node->max_version = rec->format_version;
    }
    switch (rec->type) {
    case VNFO_RECORD_PACKET:
        node->records++;
        if (rec->u.packet.t_out_ns > node->end_ns)
            node->end_ns = rec->u.packet.t_out_ns;
        return put ? put_packet(v, rec, foreign) : VNFO_OK;
    case VNFO_RECORD_FLOWTAG_MAP:
        return foreign ? VNFO_OK : put_map(v, rec);
    case VNFO_RECORD_LOSS_NOTICE:
        node->lost += rec->u.loss_notice.count;
        return VNFO_OK;
    case VNFO_RECORD_EPOCH_START:
        return VNFO_OK;
    case VNFO_RECORD_HEARTBEAT:
        node->heartbeats++;
        return VNFO_OK;
    case VNFO_RECORD_PERIOD_CLOSE:
        if (!foreign && closes_billing_period(v, &rec->u.period_close))
            node->closed = 1;
        return VNFO_OK;
    }
    return VNFO_OK;
}

vnfo_status vnfo__verify_record_put(vnfo_verifier *v, const vnfo_record *rec, int foreign)
{
    return record_note(v, rec, foreign, 1);
}

vnfo_status vnfo__verify_record_note(vnfo_verifier *v, const vnfo_record *rec)
{
    return record_note(v, rec, 0, 0);
}

void vnfo__verify_note_record(struct vnote *n, const vnfo_verifier *v, const vnfo_record *rec)
{
    uint64_t t = record_time(rec);
    if (t > n->last_signed_ns)
        n->last_signed_ns = t;
    if (rec->format_version > n->max_version)
        n->max_version = rec->format_version;
    switch (rec->type) {
    case VNFO_RECORD_PACKET:
        n->packets++;
        if (rec->u.packet.t_out_ns > n->end_ns)
            n->end_ns = rec->u.packet.t_out_ns;
        break;
    case VNFO_RECORD_FLOWTAG_MAP: n->maps++; break;
    case VNFO_RECORD_LOSS_NOTICE: n->lost += rec->u.loss_notice.count; break;
    case VNFO_RECORD_EPOCH_START: break;
    case VNFO_RECORD_HEARTBEAT: n->heartbeats++; break;
    case VNFO_RECORD_PERIOD_CLOSE:
        n->closed |= closes_billing_period(v, &rec->u.period_close);
        break;
    }
}

void vnfo__verify_note_apply(struct vnode *node, const struct vnote *n)
{
    if (n->last_signed_ns > node->last_signed_ns)
        node->last_signed_ns = n->last_signed_ns;
    if (n->max_version > node->max_version)
        node->max_version = n->max_version;
    node->records += n->packets;
    if (n->end_ns > node->end_ns)
        node->end_ns = n->end_ns;
    node->lost += n->lost;
    node->heartbeats += n->heartbeats;
    node->closed |= n->closed;
}

void vnfo__verify_recs_unclaim(vnfo_verifier *v, size_t n_recs)
{
    v->n_recs = n_recs;
}
