/* The relation of an IDS with stream semantics: it reassembles each TCP
 * direction and drops the segment in which a drop signature's match
 * completes (a UDP datagram is its own stream).  Under sampling most
 * segments are unseen, and a match may span them, so:
 *   - a drop is admissible when some drop signature could end inside the
 *     segment: its part inside the segment equals the segment's bytes, and
 *     its part before the segment falls on unseen bytes or equals the bytes
 *     of the previous sampled segment when that one is contiguous.  When
 *     nothing unseen can complete a match (the bytes are all known, or the
 *     stream starts at a sampled SYN), the drop is inadmissible;
 *   - a forward is inadmissible when a drop signature's match completes
 *     inside the known bytes (the segment, or the contiguous previous one
 *     and the segment); the IDS never changes a packet.
 * Records of a flow (one direction) are checked in sequence order, each
 * beside the previous sampled one.  Packets whose bytes are a prefix
 * (granularity headers) are not judged. */
#include <stdio.h>
#include <string.h>

#include "mb_packet.h"
#include "relation.h"

struct segment {
    struct mb_view v;
    const uint8_t *data; /* payload */
    size_t len;
    uint32_t seq;
    int syn;
};

static int segment_of(struct segment *s, const vnfo_relation_packet *p)
{
    if (!p->in_whole || mb_packet_parse(&s->v, p->in, p->in_len, p->linktype) != 0)
        return -1;
    s->data = p->in + s->v.payload;
    s->len = s->v.end > s->v.payload ? s->v.end - s->v.payload : 0;
    s->seq = mb_tcp_seq(p->in, p->in_len, &s->v);
    s->syn = (mb_tcp_flags(p->in, p->in_len, &s->v) & MB_TCP_SYN) != 0;
    return 0;
}

static void ids_flow(void *ctx, const vnfo_relation_packet *p, uint8_t *key, size_t *key_len, uint64_t *order)
{
    (void)ctx;
    struct segment s;
    *key_len = 0;
    if (mb_packet_parse(&s.v, p->in, p->in_len, p->linktype) != 0)
        return;
    key[0] = s.v.ip_version;
    key[1] = s.v.proto;
    memcpy(key + 2, s.v.src, 16);
    memcpy(key + 18, s.v.dst, 16);
    key[34] = (uint8_t)(s.v.sport >> 8);
    key[35] = (uint8_t)s.v.sport;
    key[36] = (uint8_t)(s.v.dport >> 8);
    key[37] = (uint8_t)s.v.dport;
    *key_len = 38;
    /* Sequence order; a flow wrapping its sequence space loses its
     * neighbours there (more permissive, never an accusation). */
    *order = s.v.proto == 6 ? mb_tcp_seq(p->in, p->in_len, &s.v) : p->t_in_ns;
}

/* What is known right before the segment: the previous sampled segment's
 * bytes when contiguous (before them: unseen, or nothing at a SYN). */
struct before {
    const uint8_t *data;
    size_t len;
    int stream_start; /* nothing lies before data */
};

static void before_of(struct before *b, const struct segment *s, const vnfo_relation_packet *prev)
{
    memset(b, 0, sizeof *b);
    if (s->v.proto != 6) {
        b->stream_start = 1; /* a datagram is its own stream */
        return;
    }
    struct segment q;
    if (!prev || segment_of(&q, prev) != 0)
        return;
    if ((uint32_t)(q.seq + q.syn + q.len) != s->seq)
        return;
    b->data = q.data;
    b->len = q.len;
    b->stream_start = q.syn;
}

/* Could the pattern's match end at byte e (1..len) of the segment? */
static int could_end_at(const uint8_t *pat, size_t plen, const struct segment *s, const struct before *b,
                        size_t e, int unseen_is_wildcard)
{
    for (size_t i = 0; i < plen; i++) {
        /* pattern byte i lies at segment offset e - plen + i (may be negative) */
        ptrdiff_t at = (ptrdiff_t)e - (ptrdiff_t)plen + (ptrdiff_t)i;
        if (at >= 0) {
            if (s->data[at] != pat[i])
                return 0;
            continue;
        }
        size_t back = (size_t)(-at); /* bytes before the segment */
        if (back <= b->len) {
            if (b->data[b->len - back] != pat[i])
                return 0;
        } else if (b->stream_start || !unseen_is_wildcard) {
            return 0;
        }
    }
    return 1;
}

/* 1 when a drop signature's match could end inside the segment. */
static int match_possible(const struct mb_ids *ids, const struct segment *s, const struct before *b, int unseen)
{
    for (size_t k = 0; k < ids->n; k++) {
        const struct mb_ids_signature *sig = &ids->sig[k];
        if (!sig->drop)
            continue;
        for (size_t e = 1; e <= s->len; e++)
            if (could_end_at(sig->pattern, sig->len, s, b, e, unseen))
                return 1;
    }
    return 0;
}

static vnfo_relation_verdict ids_check(void *ctx, const vnfo_relation_packet *p, const vnfo_relation_packet *prev,
                                       char *why, size_t cap)
{
    const struct mb_ids_relation *r = ctx;
    struct segment s;
    struct before b;
    if (segment_of(&s, p) != 0)
        return VNFO_RELATION_NOT_APPLICABLE;
    before_of(&b, &s, prev);
    if (p->forwarded) {
        if (p->out && (p->out_len != p->in_len || memcmp(p->out, p->in, p->in_len) != 0)) {
            snprintf(why, cap, "the IDS changed the packet");
            return VNFO_RELATION_INADMISSIBLE;
        }
        if (match_possible(r->ids, &s, &b, 0)) {
            snprintf(why, cap, "a drop signature's match completes in bytes the IDS saw");
            return VNFO_RELATION_INADMISSIBLE;
        }
        return VNFO_RELATION_ADMISSIBLE;
    }
    if (match_possible(r->ids, &s, &b, 1))
        return VNFO_RELATION_ADMISSIBLE;
    snprintf(why, cap, "no drop signature can end in this segment, whatever the unseen bytes");
    return VNFO_RELATION_INADMISSIBLE;
}

void mb_ids_relation(vnfo_relation *rel)
{
    vnfo_relation init = VNFO_RELATION_INIT;
    *rel = init;
    rel->check = ids_check;
    rel->flow = ids_flow;
}
