/* The flow-key index of the FlowTag table: open addressing with linear
 * probing over 32-bit cells, each holding an 8-bit fingerprint of the key's
 * hash and the 24-bit slot.  The fingerprint lets a probe skip cells of
 * other flows without touching their entries (one cache miss fewer per
 * probe); deletion shifts later cells back, so there are no tombstones and
 * probe lengths never degrade. */
#include <string.h>
#include <xxhash.h>

#include "flowtag_int.h"

#define SLOT_BITS 24
#define SLOT_OF(cell) ((cell) & ((1u << SLOT_BITS) - 1))
#define FP_OF(hash) ((uint32_t)((hash) >> 56))

/* A fixed seed: the index layout must not depend on the process, so that a
 * table behaves the same after being decoded elsewhere. */
#define INDEX_SEED 0x666c6f77746167ull /* "flowtag" */

uint64_t vnfo__flowtag_hash(const vnfo_flow_key *key)
{
    return XXH3_64bits_withSeed(key, sizeof *key, INDEX_SEED);
}

/* Home position: the low 32 bits scaled onto the index (Lemire's fast
 * range), so the index size need not be a power of two. */
static uint32_t home(const vnfo_flowtag_table *t, uint64_t hash)
{
    return (uint32_t)(((hash & 0xffffffffu) * (uint64_t)t->index_size) >> 32);
}

static uint32_t step(const vnfo_flowtag_table *t, uint32_t pos)
{
    return pos + 1 == t->index_size ? 0 : pos + 1;
}

static int orig_equal(const vnfo_flowtag_table *t, uint32_t slot, const vnfo_flow_key *key)
{
    vnfo_flow_key k;
    vnfo__flowtag_entry_keys(t, &t->entries[slot], &k, NULL);
    return memcmp(&k, key, sizeof k) == 0;
}

uint32_t vnfo__flowtag_index_find(const vnfo_flowtag_table *t, const vnfo_flow_key *key,
                                  uint64_t hash)
{
    uint32_t fp = FP_OF(hash);
    for (uint32_t pos = home(t, hash);; pos = step(t, pos)) {
        uint32_t cell = t->index[pos];
        if (cell == 0)
            return 0;
        if ((cell >> SLOT_BITS) == fp && orig_equal(t, SLOT_OF(cell), key))
            return SLOT_OF(cell);
    }
}

void vnfo__flowtag_index_insert(vnfo_flowtag_table *t, uint64_t hash, uint32_t slot)
{
    uint32_t pos = home(t, hash);
    while (t->index[pos] != 0)
        pos = step(t, pos);
    t->index[pos] = FP_OF(hash) << SLOT_BITS | slot;
}

static uint64_t slot_hash(const vnfo_flowtag_table *t, uint32_t slot)
{
    vnfo_flow_key k;
    vnfo__flowtag_entry_keys(t, &t->entries[slot], &k, NULL);
    return vnfo__flowtag_hash(&k);
}

/* Whether home position h lies cyclically in (hole, pos]: then the cell at
 * pos must stay where it is. */
static int stays(uint32_t hole, uint32_t pos, uint32_t h)
{
    return hole <= pos ? (hole < h && h <= pos) : (hole < h || h <= pos);
}

void vnfo__flowtag_index_remove(vnfo_flowtag_table *t, uint32_t slot)
{
    uint64_t hash = slot_hash(t, slot);
    uint32_t hole = home(t, hash);
    while (SLOT_OF(t->index[hole]) != slot)
        hole = step(t, hole);
    for (uint32_t pos = step(t, hole);; pos = step(t, pos)) {
        uint32_t cell = t->index[pos];
        if (cell == 0)
            break;
        if (stays(hole, pos, home(t, slot_hash(t, SLOT_OF(cell)))))
            continue;
        t->index[hole] = cell;
        hole = pos;
    }
    t->index[hole] = 0;
}
