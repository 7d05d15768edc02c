/* Benchmarks of the account module: exact accumulation per value (beside a
 * plain 64-bit sum over the same values, measured in the same run) and the
 * merge of 1,000 shard accumulators (beside a plain add of count arrays of
 * the same size). */
#include <string.h>

#include <vnfo/account.h>

#include "bench.h"

enum { VALUES = 1 << 22, SHARDS = 1000, SHARD_VALUES = 10000, RUNS = 9 };

static uint64_t *values;

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static void plain_sum(void *ctx)
{
    (void)ctx;
    uint64_t s = 0;
    for (size_t i = 0; i < VALUES; i++)
        s += values[i];
    bench_sink_u64(s);
}

static vnfo_account_acc *acc_make(uint64_t max_values)
{
    vnfo_account_acc_options o = VNFO_ACCOUNT_ACC_OPTIONS_INIT;
    o.max_values = max_values;
    vnfo_account_acc *a;
    if (vnfo_account_acc_create(&a, &o) != VNFO_OK) {
        fprintf(stderr, "bench_account: create failed\n");
        exit(1);
    }
    return a;
}

/* Exact sums, min/max and sketch (no kept values). */
static void acc_sketch(void *ctx)
{
    (void)ctx;
    vnfo_account_acc *a = acc_make(0);
    vnfo_account_acc_add_many(a, values, VALUES);
    bench_sink_u64(vnfo_account_acc_count(a));
    vnfo_account_acc_free(a);
}

/* The same, one call per value (the shim-side pattern). */
static void acc_sketch_single(void *ctx)
{
    (void)ctx;
    vnfo_account_acc *a = acc_make(0);
    for (size_t i = 0; i < VALUES; i++)
        vnfo_account_acc_add(a, values[i]);
    bench_sink_u64(vnfo_account_acc_count(a));
    vnfo_account_acc_free(a);
}

/* Exact mode: every value kept too (array growth included). */
static void acc_exact(void *ctx)
{
    (void)ctx;
    vnfo_account_acc *a = acc_make(VALUES);
    vnfo_account_acc_add_many(a, values, VALUES);
    bench_sink_u64(vnfo_account_acc_count(a));
    vnfo_account_acc_free(a);
}

static vnfo_account_acc *shards[SHARDS];
static uint64_t *flat_counts;
static size_t flat_len, flat_stride;

static void merge_all(void *ctx)
{
    (void)ctx;
    vnfo_account_acc *total = acc_make(0);
    for (int s = 0; s < SHARDS; s++)
        vnfo_account_acc_merge(total, shards[s]);
    bench_sink_u64(vnfo_account_acc_count(total));
    vnfo_account_acc_free(total);
}

/* Baseline: add 1,000 arrays as long as the shards' used sketch spans. */
static void merge_baseline(void *ctx)
{
    (void)ctx;
    uint64_t *sum = calloc(flat_stride, sizeof *sum);
    for (size_t s = 0; s < SHARDS; s++)
        for (size_t i = 0; i < flat_stride; i++)
            sum[i] += flat_counts[s * flat_stride + i];
    bench_sink_u64(sum[0]);
    free(sum);
}

static void setup_shards(void)
{
    /* Cycle-like values: 10^3 to 10^6 (10 octaves, 640 sketch buckets). */
    for (int s = 0; s < SHARDS; s++) {
        shards[s] = acc_make(0);
        for (int i = 0; i < SHARD_VALUES; i++)
            vnfo_account_acc_add(shards[s], 1000 + rng() % 1000000);
    }
    flat_stride = 640;
    flat_len = flat_stride * SHARDS;
    flat_counts = malloc(flat_len * sizeof *flat_counts);
    for (size_t i = 0; i < flat_len; i++)
        flat_counts[i] = rng() & 0xff;
}

int main(void)
{
    values = malloc(VALUES * sizeof *values);
    for (size_t i = 0; i < VALUES; i++)
        values[i] = rng() >> (rng() % 44); /* 20 to 64 significant bits */
    double base = bench_median_ns(plain_sum, NULL, VALUES, RUNS);
    bench_report("acc add_many (sums+sketch)", bench_median_ns(acc_sketch, NULL, VALUES, RUNS),
                 "plain u64 sum", base);
    bench_report("acc add, one call per value", bench_median_ns(acc_sketch_single, NULL, VALUES, RUNS),
                 "plain u64 sum", base);
    bench_report("acc add_many exact mode (kept)", bench_median_ns(acc_exact, NULL, VALUES, RUNS),
                 "plain u64 sum", base);
    setup_shards();
    double merge = bench_median_ns(merge_all, NULL, 1, RUNS);
    double merge_base = bench_median_ns(merge_baseline, NULL, 1, RUNS);
    printf("%-40s %9.3f ms total   baseline %-28s %9.3f ms   ratio %.2fx\n",
           "merge 1000 shards (10k values each)", merge / 1e6, "add 1000 count arrays",
           merge_base / 1e6, merge / merge_base);
    for (int s = 0; s < SHARDS; s++)
        vnfo_account_acc_free(shards[s]);
    free(flat_counts);
    free(values);
    return 0;
}
