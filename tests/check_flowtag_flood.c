/* Hash flooding of the FlowTag index (hardening audit 4).  The index hash
 * used fixed constants, so anyone could compute offline flows that share a
 * home bucket; each such flow then probes past every one before it, and a
 * table fed those flows (by traffic or by a checkpoint) does quadratic
 * work.  The hash is now keyed with a random seed per table.
 *
 * White box: the test plays the attacker who knows the constants (seed 0,
 * the old hash), crafts 2048 IPv4 flows for bucket 0 of a 16384-flow table,
 * and counts the buckets the index had to pass (each bucket's overflow
 * counter).  Under the table's own seed nothing overflows; the same flows in
 * a table forced to seed 0 pile up, which shows the flows do collide. */
#include <stdio.h>
#include <xxhash.h>

#include "flowtag/flowtag_int.h"
#include "testutil.h"

/* The library's copy is hidden in libvnfo.so; the inline hash in
 * flowtag_int.h calls it for IPv6 keys (this test uses IPv4 only). */
uint64_t vnfo__flowtag_hash_xxh3(uint64_t seed, const vnfo_flow_key *key)
{
    return XXH3_64bits_withSeed(key, sizeof *key, seed);
}

#define CAPACITY 16384u
#define FLOWS 2048u

static vnfo_flow_key keys[FLOWS];

static uint32_t home_bucket(uint64_t seed, const vnfo_flow_key *k, uint32_t buckets)
{
    return (uint32_t)(((vnfo__flowtag_hash_seeded(seed, k) & 0xffffffffu) * (uint64_t)buckets) >> 32);
}

/* FLOWS distinct keys whose home bucket under seed 0 is bucket 0. */
static void craft(uint32_t buckets)
{
    uint32_t n = 0;
    for (uint32_t i = 0; n < FLOWS; i++) {
        vnfo_flow_key k;
        memset(&k, 0, sizeof k);
        k.ip_version = 4;
        k.proto = 6;
        k.src[0] = 10;
        k.src[1] = (uint8_t)(i >> 24);
        k.src[2] = (uint8_t)(i >> 16);
        k.src[3] = (uint8_t)(i >> 8);
        k.src_port = (uint16_t)(1024 + (i & 0xff));
        k.dst[0] = 192, k.dst[1] = 0, k.dst[2] = 2, k.dst[3] = 1;
        k.dst_port = 443;
        if (home_bucket(0, &k, buckets) == 0)
            keys[n++] = k;
    }
}

/* Bucket passes recorded in the index: the sum of the overflow counters. */
static uint64_t overflows(const vnfo_flowtag_table *t)
{
    uint64_t sum = 0;
    for (uint32_t b = 0; b < t->buckets; b++)
        sum += t->index[b].meta / FT_META_OVERFLOW_ONE;
    return sum;
}

static vnfo_flowtag_table *fill(int force_fixed_seed)
{
    vnfo_flowtag_options o = VNFO_FLOWTAG_OPTIONS_INIT;
    o.capacity = CAPACITY;
    vnfo_flowtag_table *t;
    ck_assert_status(vnfo_flowtag_table_create(&t, &o), VNFO_OK);
    if (force_fixed_seed)
        t->seed = 0; /* the hash as it was: fixed constants */
    for (uint32_t i = 0; i < FLOWS; i++) {
        vnfo_flowtag_event ev;
        ck_assert_status(vnfo_flowtag_generate(&ev, t, &keys[i], &keys[i], 1, 0, i), VNFO_OK);
        ck_assert_uint_eq(ev.kind, VNFO_FLOWTAG_EVENT_BIND);
    }
    for (uint32_t i = 0; i < FLOWS; i++) { /* every flow is found again */
        vnfo_flowtag_event ev;
        ck_assert_status(vnfo_flowtag_generate(&ev, t, &keys[i], &keys[i], 1, 0, FLOWS), VNFO_OK);
        ck_assert_uint_eq(ev.kind, VNFO_FLOWTAG_EVENT_NONE);
    }
    return t;
}

START_TEST(test_crafted_flows_do_not_share_a_bucket)
{
    vnfo_flowtag_options o = VNFO_FLOWTAG_OPTIONS_INIT;
    o.capacity = CAPACITY;
    vnfo_flowtag_table *probe;
    ck_assert_status(vnfo_flowtag_table_create(&probe, &o), VNFO_OK);
    uint32_t buckets = probe->buckets;
    vnfo_flowtag_table_free(probe);
    craft(buckets);

    vnfo_flowtag_table *fixed = fill(1);
    uint64_t piled = overflows(fixed);
    vnfo_flowtag_table_free(fixed);
    /* 2048 flows from one home over 15-cell buckets: about 136 full buckets
     * and, summed over the flows, some 140,000 buckets passed. */
    ck_assert_msg(piled > 100000, "crafted flows under the fixed hash: %llu overflows",
                  (unsigned long long)piled);

    vnfo_flowtag_table *seeded = fill(0);
    ck_assert_uint_eq(overflows(seeded), 0);
    vnfo_flowtag_table_free(seeded);
}
END_TEST

START_TEST(test_two_tables_have_different_seeds)
{
    vnfo_flowtag_table *a, *b;
    ck_assert_status(vnfo_flowtag_table_create(&a, NULL), VNFO_OK);
    ck_assert_status(vnfo_flowtag_table_create(&b, NULL), VNFO_OK);
    ck_assert(a->seed != b->seed); /* 1 in 2^64 to fail by chance */
    vnfo_flowtag_table_free(a);
    vnfo_flowtag_table_free(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("flowtag_flood");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, vnfo_test_setup_init, NULL);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_crafted_flows_do_not_share_a_bucket);
    tcase_add_test(tc, test_two_tables_have_different_seeds);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
