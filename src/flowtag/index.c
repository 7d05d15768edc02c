/* The flow-key index of the FlowTag table: buckets of one cache line, each
 * with up to 15 cells of an 8-bit fingerprint of the key's hash and the
 * 24-bit slot (Swiss-table style).  A lookup reads the key's home bucket,
 * compares the 15 fingerprints at once, and touches an entry only for a
 * matching fingerprint (1 in 256 for a foreign cell): a known flow costs the
 * bucket and its own entry, a new flow usually the bucket alone.
 *
 * A key goes into the first bucket with room from its home on (linear
 * probing over buckets).  Each full bucket it passes counts one more
 * overflow in its meta, so a lookup moves on to the next bucket only while
 * the bucket it read has overflowed; removal counts the same buckets down.
 * Buckets are sized for 12 keys on average, so at full capacity a bucket
 * overflows rarely and a lookup nearly always reads one line.  Deletion
 * moves the bucket's last cell into the hole: no tombstones, and probe
 * lengths never degrade. */
#include <string.h>
#define XXH_INLINE_ALL /* the per-packet hash is inlined, not a call into the shared library */
#include <xxhash.h>

#include "flowtag_int.h"

#define SLOT_BITS FT_SLOT_BITS
#define SLOT_OF(cell) FT_SLOT_OF(cell)
#define FP_OF(hash) FT_FP_OF(hash)

uint64_t vnfo__flowtag_hash_xxh3(uint64_t seed, const vnfo_flow_key *key)
{
    return XXH3_64bits_withSeed(key, sizeof *key, seed);
}

static uint32_t bucket_count(const struct ft_bucket *b)
{
    return b->meta & FT_META_COUNT;
}

static const struct ft_bucket *next_bucket(const vnfo_flowtag_table *t, const struct ft_bucket *b)
{
    return b + 1 == t->index + t->buckets ? t->index : b + 1;
}

uint32_t vnfo__flowtag_index_find_after(const vnfo_flowtag_table *t, const vnfo_flow_key *key,
                                        uint64_t hash, const struct ft_bucket *b)
{
    uint32_t fp = FP_OF(hash);
    for (;;) {
        b = next_bucket(t, b);
        for (uint32_t m = vnfo__flowtag_match_mask(b, fp); m; m &= m - 1) {
            uint32_t slot = SLOT_OF(b->cell[__builtin_ctz(m)]);
            if (vnfo__flowtag_orig_equal(t, slot, key))
                return slot;
        }
        if (b->meta < FT_META_OVERFLOW_ONE)
            return 0; /* nothing homed here or before went further */
    }
}

void vnfo__flowtag_index_insert(vnfo_flowtag_table *t, uint64_t hash, uint32_t slot)
{
    /* The table holds fewer keys than cells, so a bucket with room exists. */
    struct ft_bucket *b = (struct ft_bucket *)vnfo__flowtag_bucket(t, hash);
    while (bucket_count(b) == FT_BUCKET_CELLS) {
        b->meta += FT_META_OVERFLOW_ONE;
        b = (struct ft_bucket *)next_bucket(t, b);
    }
    b->cell[bucket_count(b)] = FP_OF(hash) << SLOT_BITS | slot;
    b->meta++;
}

void vnfo__flowtag_index_remove(vnfo_flowtag_table *t, uint32_t slot)
{
    vnfo_flow_key k;
    vnfo__flowtag_entry_keys(t, &t->entries[slot], &k, NULL);
    struct ft_bucket *b = (struct ft_bucket *)vnfo__flowtag_bucket(t, vnfo__flowtag_hash(t, &k));
    for (;;) {
        uint32_t n = bucket_count(b);
        for (uint32_t i = 0; i < n; i++)
            if (SLOT_OF(b->cell[i]) == slot) {
                b->cell[i] = b->cell[n - 1];
                b->cell[n - 1] = 0;
                b->meta--;
                return;
            }
        b->meta -= FT_META_OVERFLOW_ONE; /* the key passed this full bucket */
        b = (struct ft_bucket *)next_bucket(t, b);
    }
}
