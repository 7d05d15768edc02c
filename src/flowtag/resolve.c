/* Verifier side: mapping records indexed by (node, tag) as time intervals,
 * and the upstream walk that resolves a packet record to its original flow.
 * Offline code: it allocates as records arrive and records messages. */
#include <string.h>

#include "flowtag_int.h"

#define OPEN_END UINT64_MAX

/* One version of a binding of (node, tag): [start, end). */
struct binding {
    uint64_t start, end;
    uint64_t conflict_time; /* records from here on resolve to CONFLICT; OPEN_END if none */
    uint32_t prev;          /* the older version of the same (node, tag), from 1; 0 none */
    uint32_t spi;
    vnfo_flow_key orig, rew;
};

struct vnfo_flowtag_resolver {
    vnfo_flowtag_hop *chain;
    size_t chain_len;
    struct binding *b; /* b[0] unused: indexes start at 1 */
    size_t nb, cap_b;
    /* (node, tag) -> newest binding: open addressing, power-of-two size. */
    uint64_t *keys;
    uint32_t *heads;
    size_t map_size, map_used;
};

static uint64_t pair_key(uint32_t node, uint32_t tag)
{
    return (uint64_t)node << 32 | tag;
}

static size_t map_pos(const vnfo_flowtag_resolver *r, uint64_t key)
{
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    size_t pos = (size_t)(h >> 20) & (r->map_size - 1);
    while (r->heads[pos] && r->keys[pos] != key)
        pos = (pos + 1) & (r->map_size - 1);
    return pos;
}

static vnfo_status map_grow(vnfo_flowtag_resolver *r)
{
    size_t old_size = r->map_size;
    uint64_t *old_keys = r->keys;
    uint32_t *old_heads = r->heads;
    size_t size = old_size ? old_size * 2 : 64;
    r->keys = vnfo__calloc(size, sizeof *r->keys);
    r->heads = vnfo__calloc(size, sizeof *r->heads);
    if (!r->keys || !r->heads) {
        vnfo__free(r->keys);
        vnfo__free(r->heads);
        r->keys = old_keys;
        r->heads = old_heads;
        return vnfo__error(VNFO_E_NO_MEMORY, "flowtag resolver: out of memory");
    }
    r->map_size = size;
    for (size_t i = 0; i < old_size; i++)
        if (old_heads[i]) {
            size_t pos = map_pos(r, old_keys[i]);
            r->keys[pos] = old_keys[i];
            r->heads[pos] = old_heads[i];
        }
    vnfo__free(old_keys);
    vnfo__free(old_heads);
    return VNFO_OK;
}

static uint32_t map_get(const vnfo_flowtag_resolver *r, uint32_t node, uint32_t tag)
{
    if (!r->map_size)
        return 0;
    return r->heads[map_pos(r, pair_key(node, tag))];
}

static vnfo_status map_set(vnfo_flowtag_resolver *r, uint32_t node, uint32_t tag, uint32_t head)
{
    if ((r->map_used + 1) * 2 > r->map_size) {
        vnfo_status s = map_grow(r);
        if (s != VNFO_OK)
            return s;
    }
    size_t pos = map_pos(r, pair_key(node, tag));
    if (!r->heads[pos])
        r->map_used++;
    r->keys[pos] = pair_key(node, tag);
    r->heads[pos] = head;
    return VNFO_OK;
}

vnfo_status vnfo_flowtag_resolver_create(vnfo_flowtag_resolver **out, const vnfo_flowtag_hop *chain,
                                         size_t n)
{
    if (!out || !chain || n == 0 || n > UINT32_MAX)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_flowtag_resolver_create: NULL or empty chain");
    *out = NULL;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (chain[i].node_id == chain[j].node_id)
                return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                                   "vnfo_flowtag_resolver_create: chain[%zu]: node %u already at chain[%zu]",
                                   i, chain[i].node_id, j);
    vnfo_flowtag_resolver *r = vnfo__calloc(1, sizeof *r);
    if (r)
        r->chain = vnfo__calloc(n, sizeof *r->chain);
    if (!r || !r->chain) {
        vnfo_flowtag_resolver_free(r);
        return vnfo__error(VNFO_E_NO_MEMORY, "vnfo_flowtag_resolver_create: out of memory");
    }
    memcpy(r->chain, chain, n * sizeof *chain);
    r->chain_len = n;
    *out = r;
    return VNFO_OK;
}

void vnfo_flowtag_resolver_free(vnfo_flowtag_resolver *resolver)
{
    if (!resolver)
        return;
    vnfo__free(resolver->chain);
    vnfo__free(resolver->b);
    vnfo__free(resolver->keys);
    vnfo__free(resolver->heads);
    vnfo__free(resolver);
}

static long chain_position(const vnfo_flowtag_resolver *r, uint32_t node)
{
    for (size_t i = 0; i < r->chain_len; i++)
        if (r->chain[i].node_id == node)
            return (long)i;
    return -1;
}

/* ---- adding mapping records ---------------------------------------------- */

static vnfo_status binding_open(vnfo_flowtag_resolver *r, const vnfo_flowtag_event *m,
                                const vnfo_flow_key *orig, const vnfo_flow_key *rew, uint32_t prev)
{
    if (r->nb + 2 > r->cap_b) {
        size_t cap = r->cap_b ? r->cap_b * 2 : 256;
        struct binding *b = vnfo__reallocarray(r->b, cap, sizeof *b);
        if (!b || r->nb + 1 >= UINT32_MAX)
            return vnfo__error(VNFO_E_NO_MEMORY, "flowtag resolver: out of memory");
        r->b = b;
        r->cap_b = cap;
    }
    uint32_t i = (uint32_t)++r->nb;
    struct binding *b = &r->b[i];
    b->start = m->time;
    b->end = OPEN_END;
    b->conflict_time = OPEN_END;
    b->prev = prev;
    b->spi = m->context.service_path_id;
    b->orig = *orig;
    b->rew = *rew;
    return map_set(r, m->context.node_id, m->context.tag, i);
}

static vnfo_status mapping_fail(vnfo_status s, const vnfo_flowtag_event *m, const char *why)
{
    return vnfo__error(s, "flowtag mapping: node %u tag %u time %llu: %s", m->context.node_id,
                       m->context.tag, (unsigned long long)m->time, why);
}

/* Applies a mapping to the newest binding of its (node, tag). */
static vnfo_status apply(vnfo_flowtag_resolver *r, const vnfo_flowtag_event *m,
                         const vnfo_flow_key *orig, const vnfo_flow_key *rew, uint32_t head)
{
    struct binding *last = head ? &r->b[head] : NULL;
    int open = last && last->end == OPEN_END;
    int same_origin = open && memcmp(&last->orig, orig, sizeof *orig) == 0;
    if (open && !same_origin) {
        if (last->conflict_time == OPEN_END)
            last->conflict_time = m->time;
        return mapping_fail(VNFO_E_FLOWTAG_CONFLICT, m, "tag already bound to another origin flow");
    }
    switch (m->kind) {
    case VNFO_FLOWTAG_EVENT_BIND:
    case VNFO_FLOWTAG_EVENT_UPDATE:
        if (m->kind == VNFO_FLOWTAG_EVENT_UPDATE && !open)
            return mapping_fail(VNFO_E_FLOWTAG_UNKNOWN, m, "update of an unbound tag");
        if (open && memcmp(&last->rew, rew, sizeof *rew) == 0 && last->spi == m->context.service_path_id)
            return VNFO_OK; /* a repeated binding changes nothing */
        if (open)
            last->end = m->time;
        return binding_open(r, m, orig, rew, head);
    case VNFO_FLOWTAG_EVENT_EXPIRE:
        if (!open)
            return mapping_fail(VNFO_E_FLOWTAG_UNKNOWN, m, "expiry of an unbound tag");
        last->end = m->time;
        return VNFO_OK;
    }
    return mapping_fail(VNFO_E_INVALID_ARGUMENT, m, "unknown event kind");
}

vnfo_status vnfo_flowtag_resolver_add(vnfo_flowtag_resolver *resolver, const vnfo_flowtag_event *mapping)
{
    if (!resolver || !mapping)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_flowtag_resolver_add: NULL argument");
    const vnfo_flowtag_event *m = mapping;
    if (m->kind == VNFO_FLOWTAG_EVENT_NONE)
        return VNFO_OK;
    long pos = chain_position(resolver, m->context.node_id);
    if (pos < 0)
        return mapping_fail(VNFO_E_NOT_FOUND, m, "node not in the chain");
    vnfo_flow_key orig, rew;
    if (vnfo__flowtag_key_canon(&orig, &m->context.original) != 0 ||
        vnfo__flowtag_key_canon(&rew, &m->context.rewritten) != 0 || m->context.tag == 0)
        return mapping_fail(VNFO_E_INVALID_ARGUMENT, m, "tag 0 or an IP version other than 4 and 6");
    uint32_t head = map_get(resolver, m->context.node_id, m->context.tag);
    if (head && m->time < resolver->b[head].start)
        return mapping_fail(VNFO_E_INVALID_ARGUMENT, m, "earlier than the previous mapping of the tag");
    vnfo_status s = apply(resolver, m, &orig, &rew, head);
    if (s != VNFO_OK)
        return s;
    if (m->kind != VNFO_FLOWTAG_EVENT_EXPIRE && !resolver->chain[pos].may_modify_headers &&
        memcmp(&orig, &rew, sizeof orig) != 0)
        return mapping_fail(VNFO_E_FLOWTAG_REWRITE_FORBIDDEN, m,
                            "the function may not modify headers but rewrote the flow");
    return VNFO_OK;
}

/* ---- resolving packet records -------------------------------------------- */

static const struct binding *binding_at(const vnfo_flowtag_resolver *r, uint32_t node, uint32_t tag,
                                        uint64_t time)
{
    uint32_t i = map_get(r, node, tag);
    while (i && r->b[i].start > time)
        i = r->b[i].prev;
    return i && time < r->b[i].end ? &r->b[i] : NULL;
}

/* The function to blame for a change of the flow between chain positions
 * first..last: the first that may not modify headers, else the first. */
static uint32_t offender(const vnfo_flowtag_resolver *r, size_t first, size_t last)
{
    for (size_t i = first; i <= last && i < r->chain_len; i++)
        if (!r->chain[i].may_modify_headers)
            return r->chain[i].node_id;
    return r->chain[first < r->chain_len ? first : r->chain_len - 1].node_id;
}

vnfo_status vnfo_flowtag_resolver_resolve(vnfo_flowtag_resolution *out,
                                          const vnfo_flowtag_resolver *resolver,
                                          const vnfo_flowtag_observation *obs)
{
    if (!out || !resolver || !obs)
        return VNFO_E_INVALID_ARGUMENT;
    memset(out, 0, sizeof *out);
    long p = chain_position(resolver, obs->node_id);
    if (p < 0)
        return VNFO_E_NOT_FOUND;
    out->position = (uint32_t)p;
    vnfo_flow_key k;
    memset(&k, 0, sizeof k);
    int known = obs->has_flow != 0; /* whether k holds a flow yet */
    if (known && vnfo__flowtag_key_canon(&k, &obs->flow) != 0)
        return VNFO_E_INVALID_ARGUMENT;
    /* k is the flow leaving position `last`; walk upstream. */
    size_t last = (size_t)p;
    for (long q = p; q >= 0 && obs->tag; q--) {
        const struct binding *b = binding_at(resolver, resolver->chain[q].node_id, obs->tag, obs->time);
        if (!b)
            continue;
        if (obs->time >= b->conflict_time) {
            out->offender_node = resolver->chain[q].node_id;
            return VNFO_E_FLOWTAG_CONFLICT;
        }
        if (known && memcmp(&b->rew, &k, sizeof k) != 0) {
            out->offender_node = offender(resolver, (size_t)q + 1, last);
            return VNFO_E_FLOWTAG_REWRITE_FORBIDDEN;
        }
        out->rewrites += memcmp(&b->orig, &b->rew, sizeof k) != 0;
        out->tagging_node = resolver->chain[q].node_id;
        out->service_path_id = b->spi;
        k = b->orig;
        known = 1;
        last = q > 0 ? (size_t)q - 1 : 0;
    }
    if (obs->tag && !out->tagging_node)
        return VNFO_E_FLOWTAG_UNKNOWN;
    out->original = k;
    return VNFO_OK;
}
