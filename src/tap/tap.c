/* tap: pairs the ingress and egress frames of one black-box function into
 * packet records (include/vnfo/tap.h, docs/tap.md).
 *
 * State: a ring of pending selected ingress frames in arrival order, and an
 * open-addressing index from label to the oldest and newest pending frame of
 * that label (frames of one label are chained oldest first).  Arrival order
 * makes expiry a walk from the ring's head; pairing always takes the oldest
 * frame of a label, and expiry always takes the oldest frame overall, which
 * is also the oldest of its label, so a frame only ever leaves from the head
 * of its label's chain.  Paired frames leave holes in the ring that the head
 * skips.  Everything is allocated at create; the per-frame path allocates
 * nothing and formats no message. */
#include <stdlib.h>
#include <string.h>

#include <vnfo/packet.h>
#include <vnfo/tap.h>

#include "internal.h"

#define NONE UINT32_MAX

struct pending {
    uint64_t label;
    uint64_t t_in;
    uint32_t wire_len;
    uint32_t linktype;
    uint32_t next_same; /* next (newer) pending frame of the same label, or NONE */
    uint32_t bytes_len;
    uint8_t live;
    uint8_t whole;      /* bytes_len covers the whole frame (for `full`) */
    uint8_t digest_in[VNFO_RECORD_DIGEST_BYTES];
};

struct label_slot {
    uint64_t label;
    uint32_t first; /* oldest pending frame of the label; NONE = empty slot */
    uint32_t last;  /* newest */
};

struct vnfo_tap {
    vnfo_tap_options o;
    const vnfo_sampler *sampler;
    struct pending *ring;
    uint8_t *bytes;        /* capacity x slot_bytes, or NULL at `digest` */
    size_t slot_bytes;     /* bytes kept per pending frame */
    uint64_t head, tail;   /* ring positions (mod capacity) of the oldest and next frame */
    struct label_slot *index;
    uint32_t index_mask;
    uint64_t now;          /* newest time seen on either stream */
    uint64_t quiet_until;  /* no pending frame times out at a time <= this (may be early) */
    uint64_t unreported_loss;
    vnfo_tap_stats st;
};

/* ---- options and lifetime -------------------------------------------------- */

vnfo_status vnfo_tap_options_init(vnfo_tap_options *out, unsigned version)
{
    if (!out)
        return VNFO_E_INVALID_ARGUMENT;
    if (version != VNFO_TAP_OPTIONS_VERSION)
        return VNFO_E_STRUCT_VERSION;
    *out = (vnfo_tap_options)VNFO_TAP_OPTIONS_INIT;
    return VNFO_OK;
}

static vnfo_status check_options(const vnfo_tap_options *o)
{
    if (o->version != VNFO_TAP_OPTIONS_VERSION)
        return vnfo__error(VNFO_E_STRUCT_VERSION, "tap options: version %u (this library knows %u)",
                           o->version, VNFO_TAP_OPTIONS_VERSION);
    if (!o->emit)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "tap options: emit callback is NULL");
    if (o->timeout_ns == 0)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "tap options: timeout_ns is 0");
    if (o->capacity == 0 || o->capacity > VNFO_TAP_MAX_CAPACITY)
        return vnfo__error(VNFO_E_LIMIT_EXCEEDED, "tap options: capacity %u is outside 1..%u",
                           o->capacity, (unsigned)VNFO_TAP_MAX_CAPACITY);
    if (o->granularity != VNFO_GRANULARITY_DIGEST && o->granularity != VNFO_GRANULARITY_HEADERS &&
        o->granularity != VNFO_GRANULARITY_FULL)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "tap options: unknown granularity %d",
                           (int)o->granularity);
    if (o->granularity == VNFO_GRANULARITY_FULL &&
        (o->full_bytes < VNFO_RECORD_HEADER_BYTES || o->full_bytes > VNFO_RECORD_MAX_PACKET_BYTES))
        return vnfo__error(VNFO_E_LIMIT_EXCEEDED, "tap options: full_bytes %u is outside %u..%u",
                           o->full_bytes, (unsigned)VNFO_RECORD_HEADER_BYTES,
                           (unsigned)VNFO_RECORD_MAX_PACKET_BYTES);
    return VNFO_OK;
}

vnfo_status vnfo_tap_create(vnfo_tap **out, const vnfo_tap_options *opts, const vnfo_sampler *sampler)
{
    if (out)
        *out = NULL;
    if (!out || !opts || !sampler)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_tap_create: NULL argument");
    vnfo_status st = check_options(opts);
    if (st != VNFO_OK)
        return st;
    vnfo_tap *t = vnfo__calloc(1, sizeof *t);
    if (!t)
        return vnfo__error(VNFO_E_NO_MEMORY, "tap: out of memory");
    t->o = *opts;
    t->sampler = sampler;
    t->quiet_until = UINT64_MAX;
    /* The index holds at most capacity labels; keep it at most half full. */
    uint32_t slots = 2;
    while (slots < 2 * opts->capacity)
        slots *= 2;
    t->index_mask = slots - 1;
    t->ring = vnfo__calloc(opts->capacity, sizeof *t->ring);
    t->index = vnfo__calloc(slots, sizeof *t->index);
    t->slot_bytes = opts->granularity == VNFO_GRANULARITY_FULL      ? opts->full_bytes
                    : opts->granularity == VNFO_GRANULARITY_HEADERS ? VNFO_RECORD_HEADER_BYTES
                                                                    : 0;
    if (t->slot_bytes)
        t->bytes = vnfo__calloc(opts->capacity, t->slot_bytes);
    if (!t->ring || !t->index || (t->slot_bytes && !t->bytes)) {
        vnfo_tap_free(t);
        return vnfo__error(VNFO_E_NO_MEMORY, "tap: out of memory for %u pending frames", opts->capacity);
    }
    for (uint32_t i = 0; i < slots; i++)
        t->index[i].first = NONE;
    *out = t;
    return VNFO_OK;
}

void vnfo_tap_free(vnfo_tap *tap)
{
    if (!tap)
        return;
    vnfo__free(tap->ring);
    vnfo__free(tap->index);
    vnfo__free(tap->bytes);
    vnfo__free(tap);
}

/* ---- the label index (linear probing, backward-shift deletion) ----------- */

static uint32_t home_of(const vnfo_tap *t, uint64_t label)
{
    /* Labels are keyed hashes already; the multiply spreads their high bits. */
    return (uint32_t)((label * 0x9e3779b97f4a7c15ull) >> 32) & t->index_mask;
}

static struct label_slot *index_find(vnfo_tap *t, uint64_t label)
{
    for (uint32_t i = home_of(t, label);; i = (i + 1) & t->index_mask) {
        struct label_slot *s = &t->index[i];
        if (s->first == NONE)
            return NULL;
        if (s->label == label)
            return s;
    }
}

static struct label_slot *index_insert(vnfo_tap *t, uint64_t label)
{
    uint32_t i = home_of(t, label);
    while (t->index[i].first != NONE)
        i = (i + 1) & t->index_mask;
    t->index[i].label = label;
    return &t->index[i];
}

static void index_delete(vnfo_tap *t, struct label_slot *s)
{
    uint32_t hole = (uint32_t)(s - t->index);
    for (uint32_t i = (hole + 1) & t->index_mask; t->index[i].first != NONE; i = (i + 1) & t->index_mask) {
        uint32_t home = home_of(t, t->index[i].label);
        /* Move the entry into the hole when the hole lies on its probe path. */
        if (((i - home) & t->index_mask) >= ((i - hole) & t->index_mask)) {
            t->index[hole] = t->index[i];
            hole = i;
        }
    }
    t->index[hole].first = NONE;
}

/* ---- records --------------------------------------------------------------- */

/* Which packet bytes a record keeps.  One record states one link type, so a
 * pair whose sides differ keeps digests only; `full` needs both sides whole,
 * else the record keeps headers. */
static void attach_bytes(vnfo_record_packet *p, const vnfo_tap *t, const struct pending *in,
                         const uint8_t *in_bytes, const uint8_t *out, size_t out_len,
                         uint32_t out_linktype, uint32_t out_wire_len)
{
    vnfo_record_granularity g = t->o.granularity;
    if (in && out && in->linktype != out_linktype)
        g = VNFO_GRANULARITY_DIGEST;
    int in_whole = !in || in->whole, out_whole = !out || out_len == out_wire_len;
    if (g == VNFO_GRANULARITY_FULL && !(in_whole && out_whole))
        g = VNFO_GRANULARITY_HEADERS;
    p->granularity = g;
    if (g == VNFO_GRANULARITY_DIGEST)
        return;
    size_t cap = g == VNFO_GRANULARITY_FULL ? VNFO_RECORD_MAX_PACKET_BYTES : VNFO_RECORD_HEADER_BYTES;
    if (in) {
        p->bytes_in = in_bytes;
        p->bytes_in_len = in->bytes_len < cap ? in->bytes_len : cap;
    }
    if (out) {
        p->bytes_out = out;
        p->bytes_out_len = out_len < cap ? out_len : cap;
    }
}

static vnfo_status emit_packet(vnfo_tap *t, const struct pending *in, const uint8_t *in_bytes,
                               const uint8_t *out, size_t out_len, uint32_t out_linktype,
                               uint32_t out_wire_len, uint64_t label, vnfo_record_verdict verdict,
                               uint64_t t_out)
{
    vnfo_record rec;
    vnfo_record_init(&rec, VNFO_RECORD_PACKET);
    vnfo_record_packet *p = &rec.u.packet;
    p->hop = t->o.hop;
    p->label = label;
    p->verdict = verdict;
    p->has_link_type = 1;
    p->t_out_ns = t_out;
    if (in) {
        memcpy(p->digest_in, in->digest_in, sizeof p->digest_in);
        p->t_in_ns = in->t_in;
        p->link_type = in->linktype;
        p->wire_len = in->wire_len;
    } else {
        p->t_in_ns = t_out;
        p->link_type = out_linktype;
        p->wire_len = out_wire_len;
    }
    if (out)
        vnfo_packet_digest(p->digest_out, out, out_len, out_linktype);
    attach_bytes(p, t, in, in_bytes, out, out_len, out_linktype, out_wire_len);
    if (verdict == VNFO_VERDICT_FORWARDED)
        t->st.forwarded++;
    else if (verdict == VNFO_VERDICT_DROPPED)
        t->st.dropped++;
    else
        t->st.generated++;
    return t->o.emit(t->o.emit_ctx, &rec);
}

static vnfo_status emit_loss(vnfo_tap *t)
{
    if (t->unreported_loss == 0)
        return VNFO_OK;
    vnfo_record rec;
    vnfo_record_init(&rec, VNFO_RECORD_LOSS_NOTICE);
    rec.u.loss_notice.count = t->unreported_loss;
    rec.u.loss_notice.reason = VNFO_LOSS_QUEUE_OVERFLOW;
    rec.u.loss_notice.time_ns = t->now;
    t->unreported_loss = 0;
    t->st.loss_notices++;
    return t->o.emit(t->o.emit_ctx, &rec);
}

/* ---- the pending ring ------------------------------------------------------ */

static uint32_t slot_of(const vnfo_tap *t, uint64_t pos)
{
    return (uint32_t)(pos % t->o.capacity);
}

static const uint8_t *bytes_of(const vnfo_tap *t, uint32_t slot)
{
    return t->bytes ? t->bytes + (size_t)slot * t->slot_bytes : NULL;
}

/* Take the oldest pending frame of a label off its chain. */
static uint32_t pop_oldest(vnfo_tap *t, struct label_slot *ls)
{
    uint32_t e = ls->first;
    ls->first = t->ring[e].next_same;
    if (ls->first == NONE)
        index_delete(t, ls);
    t->ring[e].live = 0;
    t->st.pending--;
    return e;
}

static void skip_holes(vnfo_tap *t)
{
    while (t->head < t->tail && !t->ring[slot_of(t, t->head)].live)
        t->head++;
}

/* The time after which a frame that entered at t_in has timed out. */
static uint64_t deadline_of(const vnfo_tap *t, uint64_t t_in)
{
    return t_in > UINT64_MAX - t->o.timeout_ns ? UINT64_MAX : t_in + t->o.timeout_ns;
}

static vnfo_status expire_until(vnfo_tap *t, uint64_t now, int everything)
{
    vnfo_status first_err = VNFO_OK;
    skip_holes(t);
    t->quiet_until = UINT64_MAX;
    while (t->head < t->tail) {
        uint32_t e = slot_of(t, t->head);
        const struct pending *p = &t->ring[e];
        if (!everything && now <= deadline_of(t, p->t_in)) {
            t->quiet_until = deadline_of(t, p->t_in); /* the oldest live frame's */
            break;
        }
        struct label_slot *ls = index_find(t, p->label);
        pop_oldest(t, ls); /* the oldest frame overall heads its label's chain */
        /* A black box's drop time cannot be observed: t_out = t_in. */
        vnfo_status st = emit_packet(t, p, bytes_of(t, e), NULL, 0, 0, 0, p->label,
                                     VNFO_VERDICT_DROPPED, p->t_in);
        if (st != VNFO_OK && first_err == VNFO_OK)
            first_err = st;
        skip_holes(t);
    }
    return first_err;
}

static void advance_clock(vnfo_tap *t, uint64_t t_ns)
{
    if (t_ns > t->now)
        t->now = t_ns;
}

/* Expiry at the tap's clock, on every frame.  Why the check first: most
 * frames arrive long before the oldest pending one times out, and the walk
 * (a division per ring position) cost more per frame than the pairing. */
static inline vnfo_status expire_due(vnfo_tap *t)
{
    return t->now <= t->quiet_until ? VNFO_OK : expire_until(t, t->now, 0);
}

/* Takes a decision; returns 1 when selected (label in *label). */
static int take_decision(vnfo_tap *t, uint64_t *label, const vnfo_sampler_decision *d)
{
    if (d->status != VNFO_OK) {
        t->st.undecidable++;
        return 0;
    }
    *label = d->label;
    return d->selected;
}

/* Decides a frame with the tap's sampler. */
static void decide(vnfo_sampler_decision *d, const vnfo_tap *t, const uint8_t *frame, size_t caplen,
                   uint32_t linktype)
{
    vnfo__sampler_decide(d, t->sampler, frame, caplen, linktype, 0); /* sets d->status */
}

/* ---- the two streams ------------------------------------------------------- */

static vnfo_status remember(vnfo_tap *t, uint64_t label, const uint8_t *frame, size_t caplen,
                            uint32_t wire_len, uint32_t linktype, uint64_t t_ns)
{
    if (t->tail - t->head == t->o.capacity) {
        t->st.overflow++;
        t->unreported_loss++;
        return VNFO_OK;
    }
    uint32_t e = slot_of(t, t->tail++);
    struct pending *p = &t->ring[e];
    p->label = label;
    p->t_in = t_ns;
    p->wire_len = wire_len;
    p->linktype = linktype;
    p->next_same = NONE;
    p->live = 1;
    if (deadline_of(t, t_ns) < t->quiet_until)
        t->quiet_until = deadline_of(t, t_ns);
    vnfo_packet_digest(p->digest_in, frame, caplen, linktype);
    if (t->bytes) {
        p->whole = caplen <= t->slot_bytes && caplen == wire_len;
        p->bytes_len = (uint32_t)(p->whole ? caplen
                                  : caplen < VNFO_RECORD_HEADER_BYTES ? caplen : VNFO_RECORD_HEADER_BYTES);
        memcpy(t->bytes + (size_t)e * t->slot_bytes, frame, p->bytes_len);
    }
    struct label_slot *ls = index_find(t, label);
    if (ls) {
        t->ring[ls->last].next_same = e;
        ls->last = e;
    } else {
        ls = index_insert(t, label);
        ls->first = ls->last = e;
    }
    if (++t->st.pending > t->st.pending_peak)
        t->st.pending_peak = t->st.pending;
    return VNFO_OK;
}

static vnfo_status ingress_decided(vnfo_tap *tap, const vnfo_sampler_decision *d, const uint8_t *frame,
                                   size_t caplen, uint32_t wire_len, uint32_t linktype, uint64_t t_ns)
{
    tap->st.ingress_frames++;
    advance_clock(tap, t_ns);
    vnfo_status st = expire_due(tap);
    uint64_t label;
    if (!take_decision(tap, &label, d))
        return st;
    tap->st.ingress_selected++;
    vnfo_status rst = remember(tap, label, frame, caplen, wire_len ? wire_len : (uint32_t)caplen,
                               linktype, t_ns < tap->now ? tap->now : t_ns);
    return st != VNFO_OK ? st : rst;
}

vnfo_status vnfo_tap_ingress(vnfo_tap *tap, const uint8_t *frame, size_t caplen, uint32_t wire_len,
                             uint32_t linktype, uint64_t t_ns)
{
    if (!tap || (!frame && caplen))
        return VNFO_E_INVALID_ARGUMENT;
    vnfo_sampler_decision d;
    decide(&d, tap, frame, caplen, linktype);
    return ingress_decided(tap, &d, frame, caplen, wire_len, linktype, t_ns);
}

/* A decision handed in must come with the frame when it selects it (the
 * record needs its digest); an unselected or undecidable frame may come
 * without its bytes. */
static int decided_arguments_ok(const vnfo_tap *tap, const vnfo_sampler_decision *d,
                                const uint8_t *frame, size_t caplen)
{
    return tap && d && (frame || !caplen) && (frame || d->status != VNFO_OK || !d->selected);
}

vnfo_status vnfo_tap_ingress_decided(vnfo_tap *tap, const vnfo_sampler_decision *d, const uint8_t *frame,
                                     size_t caplen, uint32_t wire_len, uint32_t linktype, uint64_t t_ns)
{
    if (!decided_arguments_ok(tap, d, frame, caplen))
        return VNFO_E_INVALID_ARGUMENT;
    return ingress_decided(tap, d, frame, caplen, wire_len, linktype, t_ns);
}

static vnfo_status egress_decided(vnfo_tap *tap, const vnfo_sampler_decision *d, const uint8_t *frame,
                                  size_t caplen, uint32_t wire_len, uint32_t linktype, uint64_t t_ns)
{
    tap->st.egress_frames++;
    uint64_t label;
    if (!take_decision(tap, &label, d)) {
        advance_clock(tap, t_ns);
        return expire_due(tap);
    }
    tap->st.egress_selected++;
    /* Pair before expiring at this frame's time: a frame that left exactly
     * at the timeout still counts as forwarded. */
    vnfo_status st;
    struct label_slot *ls = index_find(tap, label);
    uint32_t out_wire = wire_len ? wire_len : (uint32_t)caplen;
    if (ls) {
        uint32_t e = pop_oldest(tap, ls);
        st = emit_packet(tap, &tap->ring[e], bytes_of(tap, e), frame, caplen, linktype, out_wire,
                         label, VNFO_VERDICT_FORWARDED, t_ns);
    } else {
        st = emit_packet(tap, NULL, NULL, frame, caplen, linktype, out_wire, label,
                         VNFO_VERDICT_GENERATED, t_ns);
    }
    advance_clock(tap, t_ns);
    vnfo_status est = expire_due(tap);
    return st != VNFO_OK ? st : est;
}

vnfo_status vnfo_tap_egress(vnfo_tap *tap, const uint8_t *frame, size_t caplen, uint32_t wire_len,
                            uint32_t linktype, uint64_t t_ns)
{
    if (!tap || (!frame && caplen))
        return VNFO_E_INVALID_ARGUMENT;
    vnfo_sampler_decision d;
    decide(&d, tap, frame, caplen, linktype);
    return egress_decided(tap, &d, frame, caplen, wire_len, linktype, t_ns);
}

vnfo_status vnfo_tap_egress_decided(vnfo_tap *tap, const vnfo_sampler_decision *d, const uint8_t *frame,
                                    size_t caplen, uint32_t wire_len, uint32_t linktype, uint64_t t_ns)
{
    if (!decided_arguments_ok(tap, d, frame, caplen))
        return VNFO_E_INVALID_ARGUMENT;
    return egress_decided(tap, d, frame, caplen, wire_len, linktype, t_ns);
}

vnfo_status vnfo_tap_expire(vnfo_tap *tap, uint64_t now_ns)
{
    if (!tap)
        return VNFO_E_INVALID_ARGUMENT;
    advance_clock(tap, now_ns);
    vnfo_status st = expire_due(tap);
    vnfo_status lst = emit_loss(tap);
    return st != VNFO_OK ? st : lst;
}

vnfo_status vnfo_tap_finish(vnfo_tap *tap)
{
    if (!tap)
        return VNFO_E_INVALID_ARGUMENT;
    vnfo_status st = expire_until(tap, tap->now, 1);
    vnfo_status lst = emit_loss(tap);
    return st != VNFO_OK ? st : lst;
}

vnfo_status vnfo_tap_add_capture_loss(vnfo_tap *tap, uint64_t frames)
{
    if (!tap)
        return VNFO_E_INVALID_ARGUMENT;
    tap->unreported_loss += frames;
    return VNFO_OK;
}

vnfo_status vnfo_tap_stats_get(vnfo_tap_stats *out, const vnfo_tap *tap)
{
    if (!out || !tap)
        return VNFO_E_INVALID_ARGUMENT;
    *out = tap->st;
    return VNFO_OK;
}

size_t vnfo_tap_stats_size(void)
{
    return sizeof(vnfo_tap_stats);
}
