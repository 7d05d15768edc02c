/* FlowTag table at 1M live flows: generate (known flow: the per-packet
 * case), generate (new flow), consume, and bytes per flow.  Baselines in the
 * same run: a random load from a plain array of 64-byte records indexed the
 * same way as consume (the cache miss every lookup pays), and the XXH3 hash
 * of the flow key (the least a key lookup must compute). */
#include <string.h>
#include <xxhash.h>

#include <vnfo/flowtag.h>

#include "bench.h"

#define FLOWS 1000000u
#define RUNS 5

struct ctx {
    vnfo_flowtag_table *t;
    vnfo_flow_key *keys;   /* FLOWS flows */
    uint32_t *order;       /* a random permutation of 0..FLOWS-1 */
    uint32_t *tags;        /* tag of flow i */
    uint8_t (*plain)[64];  /* baseline records */
    uint64_t now;
};

static vnfo_flow_key make_key(uint32_t i)
{
    vnfo_flow_key k;
    memset(&k, 0, sizeof k);
    k.ip_version = 4;
    k.proto = 6;
    k.src[0] = 10;
    k.src[1] = (uint8_t)(i >> 16);
    k.src[2] = (uint8_t)(i >> 8);
    k.src[3] = (uint8_t)i;
    k.dst[0] = 192;
    k.dst[3] = 1;
    k.src_port = (uint16_t)(i * 7);
    k.dst_port = 443;
    return k;
}

static void run_generate_known(void *p)
{
    struct ctx *c = p;
    vnfo_flowtag_event ev;
    uint64_t sum = 0;
    c->now++;
    for (uint32_t i = 0; i < FLOWS; i++) {
        const vnfo_flow_key *k = &c->keys[c->order[i]];
        if (vnfo_flowtag_generate(&ev, c->t, k, k, 1, 1, c->now) != VNFO_OK)
            abort();
        sum += ev.context.tag;
    }
    bench_sink_u64(sum);
}

static void run_consume(void *p)
{
    struct ctx *c = p;
    vnfo_flowtag_context ctx;
    uint64_t sum = 0;
    for (uint32_t i = 0; i < FLOWS; i++) {
        if (vnfo_flowtag_consume(&ctx, c->t, c->tags[c->order[i]]) != VNFO_OK)
            abort();
        sum += ctx.original.src_port;
    }
    bench_sink_u64(sum);
}

static void run_plain_load(void *p)
{
    struct ctx *c = p;
    uint64_t sum = 0;
    for (uint32_t i = 0; i < FLOWS; i++)
        sum += c->plain[c->tags[c->order[i]] & 0xFFFFF][5];
    bench_sink_u64(sum);
}

static void run_hash(void *p)
{
    struct ctx *c = p;
    uint64_t sum = 0;
    for (uint32_t i = 0; i < FLOWS; i++)
        sum += XXH3_64bits(&c->keys[c->order[i]], sizeof(vnfo_flow_key));
    bench_sink_u64(sum);
}

static vnfo_flowtag_table *empty_table(void)
{
    vnfo_flowtag_options o = VNFO_FLOWTAG_OPTIONS_INIT;
    o.capacity = FLOWS;
    o.ipv6_capacity = 0;
    vnfo_flowtag_table *t;
    if (vnfo_flowtag_table_create(&t, &o) != VNFO_OK)
        abort();
    return t;
}

/* The new-flow path: an empty table filled with every flow.  The table is
 * created outside the timed region (creation is not per packet). */
static double time_fill(struct ctx *c)
{
    double t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        vnfo_flowtag_table_free(c->t);
        c->t = empty_table();
        vnfo_flowtag_event ev;
        double t0 = bench_now_ns();
        for (uint32_t i = 0; i < FLOWS; i++) {
            const vnfo_flow_key *k = &c->keys[c->order[i]];
            if (vnfo_flowtag_generate(&ev, c->t, k, k, 1, 1, 0) != VNFO_OK)
                abort();
            c->tags[c->order[i]] = ev.context.tag;
        }
        t[r] = (bench_now_ns() - t0) / FLOWS;
    }
    qsort(t, RUNS, sizeof t[0], bench_cmp_double);
    return t[RUNS / 2];
}

static void shuffle(uint32_t *a, uint32_t n)
{
    uint64_t s = 42;
    for (uint32_t i = 0; i < n; i++)
        a[i] = i;
    for (uint32_t i = n - 1; i > 0; i--) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t j = (uint32_t)((s >> 33) % (i + 1));
        uint32_t x = a[i];
        a[i] = a[j];
        a[j] = x;
    }
}

static void report_memory(const vnfo_flowtag_table *t)
{
    vnfo_flowtag_stats st;
    vnfo_flowtag_table_stats(&st, t);
    printf("%-40s %9.2f bytes/flow (IPv4 flows, ipv6_capacity 0; %u live)\n", "flowtag table memory",
           (double)st.memory_bytes / st.live, st.live);
    vnfo_flowtag_options o = VNFO_FLOWTAG_OPTIONS_INIT;
    o.capacity = FLOWS;
    vnfo_flowtag_table *all;
    if (vnfo_flowtag_table_create(&all, &o) == VNFO_OK) {
        vnfo_flowtag_table_stats(&st, all);
        printf("%-40s %9.2f bytes/flow (room for every flow to be IPv6)\n", "flowtag table memory",
               (double)st.memory_bytes / FLOWS);
        vnfo_flowtag_table_free(all);
    }
}

int main(void)
{
    struct ctx c = {0};
    c.keys = malloc(FLOWS * sizeof *c.keys);
    c.order = malloc(FLOWS * sizeof *c.order);
    c.tags = malloc(FLOWS * sizeof *c.tags);
    c.plain = calloc(1u << 20, sizeof *c.plain);
    if (!c.keys || !c.order || !c.tags || !c.plain)
        return 1;
    for (uint32_t i = 0; i < FLOWS; i++)
        c.keys[i] = make_key(i);
    for (uint32_t i = 0; i < (1u << 20); i++) /* touch it: untouched pages all map to one zero page */
        memset(c.plain[i], (int)(i & 0x7F), sizeof c.plain[i]);
    shuffle(c.order, FLOWS);
    double fill = time_fill(&c);
    double hash = bench_median_ns(run_hash, &c, FLOWS, RUNS);
    double load = bench_median_ns(run_plain_load, &c, FLOWS, RUNS);
    double known = bench_median_ns(run_generate_known, &c, FLOWS, RUNS);
    double consume = bench_median_ns(run_consume, &c, FLOWS, RUNS);
    printf("1M live IPv4 flows, random order (medians of %d runs)\n", RUNS);
    bench_report("flowtag generate (new flow)", fill, "xxh3 of the flow key", hash);
    bench_report("flowtag generate (known flow)", known, "xxh3 of the flow key", hash);
    bench_report("flowtag consume", consume, "random 64-byte array load", load);
    report_memory(c.t);
    vnfo_flowtag_table_free(c.t);
    free(c.keys);
    free(c.order);
    free(c.tags);
    free(c.plain);
    return 0;
}
