/* Private layout of the flowtag table, shared by table.c, index.c and
 * codec.c.  docs/flowtags.md explains the memory budget this layout keeps:
 * 48 bytes of entry, 8 of links and 5.3 of index per slot, so a table sized
 * for 1M flows costs about 61.3 bytes per flow when its flows are IPv4. */
#ifndef VNFO_FLOWTAG_INT_H
#define VNFO_FLOWTAG_INT_H

#include <stddef.h>
#include <string.h>

#include <vnfo/flowtag.h>

#include "internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Both keys of a flow that involves IPv6, kept out of line (76 bytes). */
struct ft_v6pair {
    vnfo_flow_key orig;
    vnfo_flow_key rew;
};

#define FT_LIVE 0x01u /* the slot holds a live binding */
#define FT_V6 0x02u   /* the keys are in the IPv6 pool (index in orig_dst) */
#define FT_REF 0x04u  /* used since it was last placed in the sweep list */
#define FT_SEEN 0x80u /* decoder only: the slot was already listed */

/* Bytes 1..9 of an IPv4 vnfo_flow_key (proto, src_port, dst_port, the 4
 * address bytes of src), stored as the key holds them. */
#define FT_IMAGE 9u

/* One slot, indexed directly by the low bits of its tag (48 bytes).  Slots
 * are numbered from 1; 0 means "none" in links and in the index.
 *
 * The layout is the context's, so that filling a 104-byte context is a few
 * wide copies (docs/flowtags.md, "Memory layout"): tag, orig_dst, spi and
 * epoch are one 16-byte load whose second word is replaced by the node id
 * (context: tag, node_id, service_path_id, epoch); an IPv4 key's image is
 * bytes 1..9 of the key, so a 16-byte load from the byte before it,
 * masked, with byte 0 set to 4, is the key's first 16 bytes
 * (table.c, v4_key_write() and context_fill_consumed()).  Every such load
 * stays inside the entry (the rew image ends 6 bytes before the entry
 * does), so it never touches a line the entry does not span. */
struct ft_entry {
    uint32_t tag;       /* live: its tag; free: the last tag it had, 0 if never used */
    uint8_t orig_dst[4]; /* IPv4: the original key's dst; FT_V6: the pool index (ft_entry_v6) */
    uint32_t spi;
    uint32_t epoch;
    uint64_t last_seen;
    uint8_t orig[FT_IMAGE]; /* IPv4: image of the original key */
    uint8_t rew[FT_IMAGE];  /* IPv4: image of the rewritten key */
    uint8_t rew_dst[4];     /* IPv4: the rewritten key's dst */
    uint8_t flags;
    uint8_t pad_;
};

_Static_assert(sizeof(struct ft_entry) == 48, "ft_entry is 48 bytes (docs/flowtags.md)");
_Static_assert(offsetof(struct ft_entry, orig) >= 1 &&
                   offsetof(struct ft_entry, rew) + 15 <= sizeof(struct ft_entry),
               "a key image's 16-byte load stays inside its entry");
_Static_assert(offsetof(vnfo_flow_key, proto) == 1 && offsetof(vnfo_flow_key, src_port) == 2 &&
                   offsetof(vnfo_flow_key, dst_port) == 4 && offsetof(vnfo_flow_key, src) == 6,
               "an image is bytes 1..9 of a vnfo_flow_key");
_Static_assert(offsetof(vnfo_flowtag_context, node_id) == offsetof(vnfo_flowtag_context, tag) + 4 &&
                   offsetof(vnfo_flowtag_context, service_path_id) ==
                       offsetof(vnfo_flowtag_context, tag) + 8 &&
                   offsetof(vnfo_flowtag_context, epoch) == offsetof(vnfo_flowtag_context, tag) + 12 &&
                   offsetof(vnfo_flowtag_context, reserved) ==
                       offsetof(vnfo_flowtag_context, tag) + 16 &&
                   offsetof(struct ft_entry, orig_dst) == 4 && offsetof(struct ft_entry, spi) == 8 &&
                   offsetof(struct ft_entry, epoch) == 12,
               "tag, node_id, spi, epoch, reserved: one 16-byte and one 8-byte store");
_Static_assert(offsetof(struct ft_entry, orig) + 16 <= sizeof(struct ft_entry) &&
                   offsetof(struct ft_entry, rew_dst) == offsetof(struct ft_entry, rew) + 9 &&
                   offsetof(struct ft_entry, rew) - 1 + 16 == sizeof(struct ft_entry),
               "table.c, context_fill_consumed(): three 16-byte loads inside the entry");
_Static_assert(offsetof(vnfo_flow_key, dst) == 22 && sizeof(vnfo_flow_key) == 38 &&
                   offsetof(vnfo_flowtag_context, rewritten) == 38 &&
                   offsetof(vnfo_flowtag_context, tag) == 76 &&
                   offsetof(vnfo_flowtag_context, node_id) == 80 &&
                   offsetof(vnfo_flowtag_context, last_seen) == 96,
               "table.c, context_fill_consumed(): the context's bytes as it places them");

/* The IPv6 pool index of an FT_V6 entry. */
static inline uint32_t ft_entry_v6(const struct ft_entry *e)
{
    uint32_t i;
    memcpy(&i, e->orig_dst, sizeof i);
    return i;
}

static inline void ft_entry_set_v6(struct ft_entry *e, uint32_t i)
{
    memcpy(e->orig_dst, &i, sizeof i);
}

/* Stores an IPv4 key as an image and a destination address. */
static inline void vnfo__flowtag_v4_store(uint8_t image[FT_IMAGE], uint8_t dst[4],
                                          const vnfo_flow_key *k)
{
    memcpy(image, &k->proto, FT_IMAGE);
    memcpy(dst, k->dst, 4);
}

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

/* Whether key k (any IPv4 bytes past the 4th ignored) equals an IPv4 key
 * stored as image and dst.  Straight from the caller's key, without
 * branches between the words: a canonical copy written and read back would
 * cost a store-forwarding stall per packet. */
static inline int vnfo__flowtag_v4_equal(const uint8_t *image, const uint8_t *dst,
                                         const vnfo_flow_key *k)
{
    uint64_t a, b;
    uint32_t c, d;
    memcpy(&a, image, 8);
    memcpy(&b, &k->proto, 8);
    memcpy(&c, dst, 4);
    memcpy(&d, k->dst, 4);
    return ((a ^ b) | (uint64_t)(c ^ d) | (uint64_t)(image[8] ^ k->src[3]) |
            (uint64_t)(k->ip_version ^ 4)) == 0;
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
    if (VNFO_UNLIKELY(e->flags & FT_V6))
        return vnfo__flowtag_key_equal(&t->v6[ft_entry_v6(e)].orig, key);
    return vnfo__flowtag_v4_equal(e->orig, e->orig_dst, key);
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

#define FT_SLOT_BITS 24
#define FT_SLOT_OF(cell) ((cell) & ((1u << FT_SLOT_BITS) - 1))
#define FT_FP_OF(hash) ((uint32_t)((hash) >> 56))

/* Bit i set when cell i is in use and carries fingerprint fp.  Inlined
 * into every lookup: it is most of a lookup's instructions, and a call
 * would add its own. */
static inline uint32_t vnfo__flowtag_match_mask(const struct ft_bucket *b, uint32_t fp)
{
    uint32_t used = (1u << (b->meta & FT_META_COUNT)) - 1;
#if defined(__SSE2__)
    /* The whole line as 16 lanes (the 16th is meta, never "used"): each
     * cell's fingerprint shifted down, the 16 narrowed to bytes (they are
     * below 256, so the saturating packs keep them), compared at once. */
    const __m128i *v = (const __m128i *)(const void *)b;
    __m128i f0 = _mm_srli_epi32(_mm_load_si128(v + 0), FT_SLOT_BITS);
    __m128i f1 = _mm_srli_epi32(_mm_load_si128(v + 1), FT_SLOT_BITS);
    __m128i f2 = _mm_srli_epi32(_mm_load_si128(v + 2), FT_SLOT_BITS);
    __m128i f3 = _mm_srli_epi32(_mm_load_si128(v + 3), FT_SLOT_BITS);
    __m128i fps = _mm_packus_epi16(_mm_packs_epi32(f0, f1), _mm_packs_epi32(f2, f3));
    __m128i eq = _mm_cmpeq_epi8(fps, _mm_set1_epi8((char)fp));
    return (uint32_t)_mm_movemask_epi8(eq) & used;
#else
    uint32_t m = 0;
    for (uint32_t i = 0; i < FT_BUCKET_CELLS; i++)
        m |= (uint32_t)((b->cell[i] >> FT_SLOT_BITS) == fp) << i;
    return m & used;
#endif
}

/* The first cell of a bucket whose fingerprint matches the hash's, as a
 * slot, or 0: bursts prefetch that slot's entry before resolving the key. */
static inline uint32_t vnfo__flowtag_bucket_guess(const struct ft_bucket *b, uint64_t hash)
{
    uint32_t m = vnfo__flowtag_match_mask(b, FT_FP_OF(hash));
    return m ? FT_SLOT_OF(b->cell[__builtin_ctz(m)]) : 0;
}

/* The slot bound to the canonical original key in the buckets after b
 * (b overflowed), or 0: out of line, since a bucket overflows rarely. */
uint32_t vnfo__flowtag_index_find_after(const vnfo_flowtag_table *t, const vnfo_flow_key *key,
                                        uint64_t hash, const struct ft_bucket *b);

/* The slot bound to the canonical original key, or 0.  The home bucket is
 * looked at in line: a lookup nearly always ends there. */
static inline uint32_t vnfo__flowtag_index_find(const vnfo_flowtag_table *t,
                                                const vnfo_flow_key *key, uint64_t hash)
{
    const struct ft_bucket *b = vnfo__flowtag_bucket(t, hash);
    for (uint32_t m = vnfo__flowtag_match_mask(b, FT_FP_OF(hash)); m; m &= m - 1) {
        uint32_t slot = FT_SLOT_OF(b->cell[__builtin_ctz(m)]);
        if (VNFO_LIKELY(vnfo__flowtag_orig_equal(t, slot, key)))
            return slot;
    }
    if (VNFO_LIKELY(b->meta < FT_META_OVERFLOW_ONE))
        return 0; /* nothing homed here or before went further */
    return vnfo__flowtag_index_find_after(t, key, hash, b);
}

/* Adds slot (whose key is not indexed yet). */
void vnfo__flowtag_index_insert(vnfo_flowtag_table *t, uint64_t hash, uint32_t slot);

/* Removes slot (found through the hash of its stored key). */
void vnfo__flowtag_index_remove(vnfo_flowtag_table *t, uint32_t slot);

#endif
