/* IDS: matches payload signatures; a match drops the packet or raises an
 * alert, and the packet is never modified.
 * Cost model: 200 cycles plus, per signature, one per payload byte scanned
 * (a naive scan); memory is the signature table. */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include "mb_packet.h"
#include "middlebox.h"

int mb_ids_add(struct mb_ids *ids, const void *pattern, size_t len, int drop, struct mb_error *err)
{
    if (ids->n == MB_IDS_MAX_SIGNATURES)
        return mb_fail(err, "ids: more than %d signatures", MB_IDS_MAX_SIGNATURES);
    if (len == 0 || len > MB_IDS_MAX_PATTERN)
        return mb_fail(err, "ids: a signature has 1 to %d bytes", MB_IDS_MAX_PATTERN);
    struct mb_ids_signature *s = &ids->sig[ids->n++];
    memcpy(s->pattern, pattern, len);
    s->len = len;
    s->drop = drop != 0;
    return 0;
}

vnfo_reference_verdict mb_ids(void *ctx, const uint8_t *in, size_t in_len, uint8_t *out,
                              size_t out_cap, size_t *out_len, vnfo_reference_resources *res)
{
    const struct mb_ids *ids = ctx;
    res->mem_bytes = sizeof *ids;
    res->cpu_cycles = 200;
    struct mb_view v;
    int drop = 0;
    if (mb_packet_parse(&v, in, in_len, ids->linktype) == 0 && v.end > v.payload) {
        const uint8_t *payload = in + v.payload;
        size_t plen = v.end - v.payload;
        for (size_t i = 0; i < ids->n; i++) {
            res->cpu_cycles += plen;
            if (!memmem(payload, plen, ids->sig[i].pattern, ids->sig[i].len))
                continue;
            if (ids->sig[i].drop)
                drop = 1;
            else
                res->alerts++;
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
