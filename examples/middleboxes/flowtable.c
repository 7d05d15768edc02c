/* A bounded flow table for the stateful middleboxes: open addressing,
 * linear probing over at most MB_FLOWTABLE_PROBES slots, entries that
 * expire after their idle timeout and whose slots are then reused.  Every
 * operation is O(MB_FLOWTABLE_PROBES); memory is fixed at init. */
#include <stdlib.h>
#include <string.h>

#include "relation.h"

int mb_flowtable_init(struct mb_flowtable *t)
{
    t->slots = calloc(MB_FLOWTABLE_SLOTS, sizeof *t->slots);
    return t->slots ? 0 : -1;
}

void mb_flowtable_free(struct mb_flowtable *t)
{
    if (!t)
        return;
    free(t->slots);
    t->slots = NULL;
}

static uint64_t hash(const uint8_t *key, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a, then a finaliser for spread */
    for (size_t i = 0; i < len; i++)
        h = (h ^ key[i]) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 33);
}

static int live(const struct mb_flow_slot *s, uint64_t now)
{
    return s->timeout_s && now <= s->last_ns + (uint64_t)s->timeout_s * 1000000000u;
}

static int same_key(const struct mb_flow_slot *s, const uint8_t *key, size_t len)
{
    return s->key_len == len && memcmp(s->key, key, len) == 0;
}

struct mb_flow_slot *mb_flowtable_find(struct mb_flowtable *t, const uint8_t *key, size_t len,
                                       uint64_t now)
{
    if (!t->slots || len == 0 || len > MB_FLOW_KEY_BYTES)
        return NULL;
    uint64_t h = hash(key, len);
    for (size_t i = 0; i < MB_FLOWTABLE_PROBES; i++) {
        struct mb_flow_slot *s = &t->slots[(h + i) % MB_FLOWTABLE_SLOTS];
        if (!s->timeout_s && !s->key_len)
            return NULL; /* never used: the chain ends here */
        if (same_key(s, key, len))
            return live(s, now) ? s : NULL;
    }
    return NULL;
}

struct mb_flow_slot *mb_flowtable_put(struct mb_flowtable *t, const uint8_t *key, size_t len,
                                      uint64_t now, uint32_t timeout_s)
{
    if (!t->slots || len == 0 || len > MB_FLOW_KEY_BYTES)
        return NULL;
    uint64_t h = hash(key, len);
    struct mb_flow_slot *spare = NULL;
    for (size_t i = 0; i < MB_FLOWTABLE_PROBES; i++) {
        struct mb_flow_slot *s = &t->slots[(h + i) % MB_FLOWTABLE_SLOTS];
        int never_used = !s->timeout_s && !s->key_len;
        if (!never_used && same_key(s, key, len)) {
            if (!live(s, now))
                s->value = 0; /* expired: a new entry in the same slot */
            spare = s;
            break;
        }
        if (!spare && (never_used || !live(s, now)))
            spare = s;
        if (never_used)
            break;
    }
    if (!spare)
        return NULL;
    if (!same_key(spare, key, len)) {
        memset(spare, 0, sizeof *spare);
        memcpy(spare->key, key, len);
        spare->key_len = (uint32_t)len;
    }
    spare->last_ns = now;
    spare->timeout_s = timeout_s;
    return spare;
}
