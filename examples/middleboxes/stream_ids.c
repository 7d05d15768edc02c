/* A stream IDS for `vnfo simulate`: drop signatures matched across TCP
 * segment boundaries.  Per direction of a flow it keeps the next expected
 * sequence number and the stream's last MB_IDS_MAX_PATTERN - 1 bytes, so a
 * match that starts in an earlier segment completes in a later one.
 * Cost model: as the stateless IDS over the tail and the payload, plus 100
 * cycles for the look-up; memory the table and the tails. */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "mb_packet.h"
#include "relation.h"

#define TAIL (MB_IDS_MAX_PATTERN - 1)
#define SYNCED (1ULL << 63)

int mb_stream_ids_init(struct mb_stream_ids *s, const struct mb_ids *ids)
{
    s->ids = ids;
    s->tails = calloc(MB_FLOWTABLE_SLOTS, sizeof *s->tails);
    if (!s->tails || mb_flowtable_init(&s->flows) != 0) {
        mb_stream_ids_free(s);
        return -1;
    }
    return 0;
}

void mb_stream_ids_free(struct mb_stream_ids *s)
{
    free(s->tails);
    s->tails = NULL;
    mb_flowtable_free(&s->flows);
}

/* Does a drop signature's match end inside the last `fresh` bytes of buf? */
static int drop_match(const struct mb_ids *ids, const uint8_t *buf, size_t len, size_t fresh,
                      vnfo_reference_resources *res)
{
    int drop = 0;
    for (size_t k = 0; k < ids->n; k++) {
        const struct mb_ids_signature *sig = &ids->sig[k];
        /* Matches ending in the fresh bytes start after len - fresh - sig->len. */
        size_t from = len - fresh > sig->len - 1 ? len - fresh - (sig->len - 1) : 0;
        res->cpu_cycles += len - from;
        if (!memmem(buf + from, len - from, sig->pattern, sig->len))
            continue;
        if (sig->drop)
            drop = 1;
        else
            res->alerts++;
    }
    return drop;
}

static void key_of(uint8_t *k, const struct mb_view *v)
{
    k[0] = v->ip_version;
    memcpy(k + 1, v->src, 16);
    memcpy(k + 17, v->dst, 16);
    k[33] = (uint8_t)(v->sport >> 8);
    k[34] = (uint8_t)v->sport;
    k[35] = (uint8_t)(v->dport >> 8);
    k[36] = (uint8_t)v->dport;
}

vnfo_reference_verdict mb_stream_ids(void *ctx, const uint8_t *in, size_t in_len, uint8_t *out,
                                     size_t out_cap, size_t *out_len, vnfo_reference_resources *res)
{
    struct mb_stream_ids *s = ctx;
    res->mem_bytes = sizeof *s + (uint64_t)MB_FLOWTABLE_SLOTS * (sizeof(struct mb_flow_slot) + TAIL + 1);
    res->cpu_cycles = 300;
    struct mb_view v;
    int drop = 0;
    if (mb_packet_parse(&v, in, in_len, s->ids->linktype) == 0) {
        const uint8_t *payload = in + v.payload;
        size_t plen = v.end > v.payload ? v.end - v.payload : 0;
        uint8_t buf[TAIL + 65536];
        size_t tail = 0;
        struct mb_flow_slot *slot = NULL;
        if (v.proto == 6) {
            uint8_t key[MB_FLOW_KEY_BYTES];
            key_of(key, &v);
            uint32_t seq = mb_tcp_seq(in, in_len, &v);
            int syn = (mb_tcp_flags(in, in_len, &v) & MB_TCP_SYN) != 0;
            slot = mb_flowtable_put(&s->flows, key, 37, s->now_ns, MB_CT_TCP_TIMEOUT_S);
            if (slot && !syn && (slot->value & SYNCED) && (uint32_t)slot->value == seq)
                tail = (slot->value >> 32) & 0xff; /* in order: the stream goes on */
            if (slot)
                memcpy(buf, s->tails[slot - s->flows.slots], tail);
            if (slot && syn)
                seq++;
            if (slot)
                slot->value = SYNCED | (uint64_t)(uint32_t)(seq + plen);
        }
        if (plen > sizeof buf - tail)
            plen = sizeof buf - tail;
        memcpy(buf + tail, payload, plen);
        drop = plen && drop_match(s->ids, buf, tail + plen, plen, res);
        if (slot) { /* the stream's last bytes, dropped segment or not */
            size_t keep = tail + plen < TAIL ? tail + plen : TAIL;
            memcpy(s->tails[slot - s->flows.slots], buf + tail + plen - keep, keep);
            slot->value |= (uint64_t)keep << 32;
        }
    }
    if (drop)
        return VNFO_REFERENCE_DROP;
    if (out_cap < in_len)
        return VNFO_REFERENCE_ERROR;
    memcpy(out, in, in_len);
    *out_len = in_len;
    return VNFO_REFERENCE_FORWARD;
}
