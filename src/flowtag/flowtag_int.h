/* Private layout of the flowtag table, shared by table.c, index.c and
 * codec.c.  docs/flowtags.md explains the memory budget this layout keeps:
 * 48 bytes of entry, 8 of links and 5.3 of index per slot, so a table sized
 * for 1M flows costs about 61.3 bytes per flow when its flows are IPv4. */
#ifndef VNFO_FLOWTAG_INT_H
#define VNFO_FLOWTAG_INT_H

#include <string.h>

#include <vnfo/flowtag.h>

#include "internal.h"

/* An IPv4 endpoint pair, stored inline in the entry (12 bytes). */
struct ft_v4 {
    uint8_t src[4];
    uint8_t dst[4];
    uint16_t src_port;
    uint16_t dst_port;
};

/* Both keys of a flow that involves IPv6, kept out of line (76 bytes). */
struct ft_v6pair {
    vnfo_flow_key orig;
    vnfo_flow_key rew;
};

#define FT_LIVE 0x01u /* the slot holds a live binding */
#define FT_V6 0x02u   /* the keys are in the IPv6 pool at k.v6 */
#define FT_REF 0x04u  /* used since it was last placed in the sweep list */
#define FT_SEEN 0x80u /* decoder only: the slot was already listed */

/* One slot, indexed directly by the low bits of its tag (48 bytes).  Slots
 * are numbered from 1; 0 means "none" in links and in the index. */
struct ft_entry {
    uint64_t last_seen;
    uint32_t tag;        /* live: its tag; free: the last tag it had, 0 if never used */
    uint32_t spi;
    uint32_t epoch;
    uint8_t flags;
    uint8_t orig_proto, rew_proto; /* IPv4 entries (IPv6 pairs keep their own) */
    uint8_t pad_;
    union {
        struct {
            struct ft_v4 orig, rew;
        } v4;
        uint32_t v6; /* index into the IPv6 pool, from 1 */
    } k;
};

_Static_assert(sizeof(struct ft_entry) == 48, "ft_entry is 48 bytes (docs/flowtags.md)");

/* The list links of a slot, kept apart from the entries: neither consume
 * nor the generate of a known flow reads them.  Only binding, unbinding and
 * the expiry sweep move a slot in a list. */
struct ft_link {
    uint32_t prev, next; /* live: the sweep list; free: FIFO of free slots */
};

/* An intrusive doubly linked list threaded through links[] by slot number;
 * slot 0 is never used, so 0 ends a list. */
struct ft_list {
    uint32_t head, tail;
};

/* One cache line of the flow index: up to FT_BUCKET_CELLS cells, each
 * holding the 8-bit fingerprint of a key's hash above its 24-bit slot, kept
 * packed at the front (cells [0, count)).  meta holds count in its low 4
 * bits and, above them, how many keys were placed in a later bucket while
 * this one was full (a lookup goes on to the next bucket only when that
 * number is not 0).  Nothing else is read to reject a key. */
#define FT_BUCKET_CELLS 15u
#define FT_BUCKET_FILL 12u /* buckets are sized for this many keys each (load 0.8) */
#define FT_META_COUNT 0xFu
#define FT_META_OVERFLOW_ONE 0x10u

struct ft_bucket {
    uint32_t cell[FT_BUCKET_CELLS];
    uint32_t meta;
};

_Static_assert(sizeof(struct ft_bucket) == 64, "a bucket is one cache line");

struct vnfo_flowtag_table {
    vnfo_flowtag_options opts;
    unsigned slot_bits;     /* bits of a slot number: bit length of capacity */
    uint32_t slot_mask;     /* (1 << slot_bits) - 1 */
    uint32_t gen_mask;      /* generations: (1 << (width - slot_bits)) - 1 */
    uint32_t tag_mask;      /* (1 << width) - 1; never handed out */
    uint64_t now;           /* latest time seen */
    uint32_t live, ipv6_live;
    struct ft_list sweep;     /* live slots in the order the expiry sweep visits them */
    struct ft_list free_list; /* free slots, freed longest ago first */
    uint32_t v6_free;       /* stack of free IPv6 pool slots */
    uint32_t buckets;       /* buckets in the index */
    uint64_t seed;          /* the index hash's key: random per table (src/flowtag/index.c) */
    struct ft_entry *entries; /* capacity + 1 */
    struct ft_link *links;    /* capacity + 1 */
    struct ft_bucket *index;  /* buckets, 64-byte aligned inside index_mem */
    void *index_mem;          /* the allocation holding index */
    struct ft_v6pair *v6;     /* ipv6_capacity + 1 (or NULL) */
};

/* Table set-up shared by create and the decoder: validates the options and
 * allocates an empty table with every slot free in order 1..capacity. */
vnfo_status vnfo__flowtag_table_alloc(vnfo_flowtag_table **out, const vnfo_flowtag_options *opts,
                                      const char *where);

/* Canonical form of a key (unused IPv4 address bytes zeroed); -1 when the IP
 * version is neither 4 nor 6. */
int vnfo__flowtag_key_canon(vnfo_flow_key *out, const vnfo_flow_key *in);

/* Whether key k (any IPv4 bytes past the 4th ignored) equals an IPv4 pair
 * stored inline.  Field by field from the caller's key: a canonical copy
 * written and read back would cost a store-forwarding stall per packet. */
static inline int vnfo__flowtag_v4_equal(const struct ft_v4 *s, uint8_t proto,
                                         const vnfo_flow_key *k)
{
    return k->ip_version == 4 && proto == k->proto && s->src_port == k->src_port &&
           s->dst_port == k->dst_port && memcmp(s->src, k->src, 4) == 0 &&
           memcmp(s->dst, k->dst, 4) == 0;
}

/* Whether key k equals a canonical key (IPv4 bytes past the 4th ignored). */
static inline int vnfo__flowtag_key_equal(const vnfo_flow_key *canonical, const vnfo_flow_key *k)
{
    if (k->ip_version != canonical->ip_version)
        return 0;
    if (k->ip_version == 4)
        return k->proto == canonical->proto && k->src_port == canonical->src_port &&
               k->dst_port == canonical->dst_port && memcmp(k->src, canonical->src, 4) == 0 &&
               memcmp(k->dst, canonical->dst, 4) == 0;
    return memcmp(k, canonical, sizeof *k) == 0; /* an IPv6 key is its own canonical form */
}

/* Whether the (indexed, so live) slot's original key equals key. */
static inline int vnfo__flowtag_orig_equal(const vnfo_flowtag_table *t, uint32_t slot,
                                           const vnfo_flow_key *key)
{
    const struct ft_entry *e = &t->entries[slot];
    if (e->flags & FT_V6)
        return vnfo__flowtag_key_equal(&t->v6[e->k.v6].orig, key);
    return vnfo__flowtag_v4_equal(&e->k.v4.orig, e->orig_proto, key);
}

/* Keys of an entry. */
void vnfo__flowtag_entry_keys(const vnfo_flowtag_table *t, const struct ft_entry *e,
                              vnfo_flow_key *orig, vnfo_flow_key *rew);

/* Binds a free slot to a flow whose original key hashes to hash: stores keys
 * (VNFO_E_FLOWTAG_FULL when an IPv6 pair finds no room), links it at the
 * sweep tail, indexes it. */
vnfo_status vnfo__flowtag_bind(vnfo_flowtag_table *t, uint32_t slot, uint32_t tag,
                               const vnfo_flow_key *orig, uint64_t hash, const vnfo_flow_key *rew,
                               uint32_t spi, uint32_t epoch, uint64_t time);

/* Appends a slot to the free FIFO. */
void vnfo__flowtag_free_push(vnfo_flowtag_table *t, uint32_t slot);

/* The next tag of a slot after its last tag. */
uint32_t vnfo__flowtag_next_tag(const vnfo_flowtag_table *t, uint32_t slot, uint32_t last);

/* Whether a tag is well-formed for a slot in this table. */
int vnfo__flowtag_tag_valid(const vnfo_flowtag_table *t, uint32_t slot, uint32_t tag);

/* ---- the flow-key index (index.c) ---- */

/* The 128-bit product of a and b, its halves xor-ed (XXH3_mul128_fold64). */
static inline uint64_t vnfo__flowtag_mul_fold(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__)
    __uint128_t p = (__uint128_t)a * b;
    return (uint64_t)p ^ (uint64_t)(p >> 64);
#else
    uint64_t lo_lo = (a & 0xffffffffu) * (b & 0xffffffffu);
    uint64_t hi_lo = (a >> 32) * (b & 0xffffffffu);
    uint64_t lo_hi = (a & 0xffffffffu) * (b >> 32);
    uint64_t hi_hi = (a >> 32) * (b >> 32);
    uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xffffffffu) + lo_hi;
    uint64_t upper = (hi_lo >> 32) + (cross >> 32) + hi_hi;
    uint64_t lower = (cross << 32) | (lo_lo & 0xffffffffu);
    return lower ^ upper;
#endif
}

static inline uint64_t vnfo__flowtag_bswap64(uint64_t x)
{
#if defined(__GNUC__)
    return __builtin_bswap64(x);
#else
    x = (x & 0x00000000ffffffffull) << 32 | (x >> 32);
    x = (x & 0x0000ffff0000ffffull) << 16 | ((x >> 16) & 0x0000ffff0000ffffull);
    return (x & 0x00ff00ff00ff00ffull) << 8 | ((x >> 8) & 0x00ff00ff00ff00ffull);
#endif
}

/* XXH3 of a whole (IPv6) key, keyed with seed. */
uint64_t vnfo__flowtag_hash_xxh3(uint64_t seed, const vnfo_flow_key *key);

/* 64-bit hash of a key of IP version 4 or 6 under a seed: equal for keys
 * with equal canonical forms (the IPv4 bytes past the 4th are not read).
 * An IPv4 key's 13 significant bytes are two words in registers, mixed as
 * XXH3 mixes 9 to 16 bytes (XXH3_len_9to16_64b, with words of XXH3's
 * default secret, each offset by the seed as XXH3 offsets them); an IPv6
 * key is all significant: XXH3 of it with the seed.  The seed is the
 * table's (vnfo__flowtag_hash()); the function exists on its own for the
 * tests that play the attacker who knows only the constants. */
static inline uint64_t vnfo__flowtag_hash_seeded(uint64_t seed, const vnfo_flow_key *key)
{
    if (key->ip_version != 4)
        return vnfo__flowtag_hash_xxh3(seed, key);
    uint32_t src, dst;
    memcpy(&src, key->src, 4);
    memcpy(&dst, key->dst, 4);
    uint64_t lo = (uint64_t)key->proto | (uint64_t)key->src_port << 8 |
                  (uint64_t)key->dst_port << 24;
    uint64_t hi = (uint64_t)src | (uint64_t)dst << 32;
    lo ^= 0x1cad21f72c81017cull + seed;
    hi ^= 0xdb979083e96dd4deull - seed;
    uint64_t acc = 13 + vnfo__flowtag_bswap64(lo) + hi + vnfo__flowtag_mul_fold(lo, hi);
    acc ^= acc >> 37;
    acc *= 0x165667919E3779F9ull;
    return acc ^ (acc >> 32);
}

/* The index hash of a key in table t.  Keyed with the table's random seed:
 * with fixed constants, anyone could compute offline thousands of flows
 * sharing one home bucket (a few thousand tries each), and each such flow
 * would probe past all the others before it: quadratic work for traffic
 * or a checkpoint an adversary chose (hash flooding).  Only the index
 * layout depends on the seed; tags, events, expiry and checkpoints do
 * not. */
static inline uint64_t vnfo__flowtag_hash(const vnfo_flowtag_table *t, const vnfo_flow_key *key)
{
    return vnfo__flowtag_hash_seeded(t->seed, key);
}

/* The home bucket of a hash. */
static inline const struct ft_bucket *vnfo__flowtag_bucket(const vnfo_flowtag_table *t,
                                                           uint64_t hash)
{
    /* Lemire's multiply-shift: any bucket count, no division. */
    return &t->index[((hash & 0xffffffffu) * (uint64_t)t->buckets) >> 32];
}

/* The first cell of a bucket whose fingerprint matches the hash's, as a
 * slot, or 0: bursts prefetch that slot's entry before resolving the key. */
uint32_t vnfo__flowtag_bucket_guess(const struct ft_bucket *b, uint64_t hash);

/* The slot bound to the canonical original key, or 0. */
uint32_t vnfo__flowtag_index_find(const vnfo_flowtag_table *t, const vnfo_flow_key *key,
                                  uint64_t hash);

/* Adds slot (whose key is not indexed yet). */
void vnfo__flowtag_index_insert(vnfo_flowtag_table *t, uint64_t hash, uint32_t slot);

/* Removes slot (found through the hash of its stored key). */
void vnfo__flowtag_index_remove(vnfo_flowtag_table *t, uint32_t slot);

#endif
