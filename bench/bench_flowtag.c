/* FlowTag table at 1M live IPv4 flows, in the access pattern a middlebox
 * sees.  A NAT's packets come from many flows interleaved, so the flow of
 * the next packet is, to the table, a uniformly random one of the live set:
 * the "random" pattern draws each operation's flow uniformly at random
 * (with replacement) from the 1M live flows.  The "sequential" pattern
 * visits the flows in the order they were bound (slots 1, 2, 3, ...), the
 * best case for caches and prefetchers; it is printed for comparison only.
 *
 * The flow keys of each pattern are laid out in operation order, as a
 * middlebox has them in the packets it just parsed: reading the key is a
 * sequential stream, and what is timed is the table's own memory traffic.
 *
 * Baselines, measured in the same run and interleaved with the figure:
 *   consume:  one load from a 1M x 64-byte array at the same indices (the
 *             tag's slot), i.e. the one cache miss a tag lookup must pay;
 *   generate: XXH3-64 of the same key plus one load from the same 1M x
 *             64-byte array at an index taken from the hash: an ideal hash
 *             table with one cache miss per lookup.
 * Every figure is the median of RUNS runs of OPS operations each; each run
 * of the figure is paired with a run of its baseline, and the ratio given
 * is the median of the per-run ratios.  Times are the thread's CPU time:
 * the machines here are shared, and wall time counts the time other jobs
 * hold the core. */
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif
#define XXH_INLINE_ALL /* the baseline's hash inlined: the cheapest form of it */
#include <xxhash.h>

#include <vnfo/flowtag.h>

#include "bench.h"

#define FLOWS 1000000u
#define OPS (FLOWS / 32 * 32) /* whole bursts */
#define PLAIN (1u << 20) /* 1M 64-byte records */
#define RUNS 7
#define BURST 32 /* packets per burst call */

struct pattern {
    const char *name;
    vnfo_flow_key *keys; /* key of operation j */
    uint32_t *tags;      /* tag of operation j */
};

struct ctx {
    vnfo_flowtag_table *t;
    vnfo_flow_key *flows;  /* the FLOWS flows */
    uint32_t *bind_order;  /* a random permutation: flow bind_order[i] is bound i-th */
    uint32_t *flow_tag;    /* tag of flow i */
    uint8_t (*plain)[64];  /* baseline records */
    struct pattern seq, rnd;
    const struct pattern *p; /* the pattern being measured */
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

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

/* ---- timed loops --------------------------------------------------------- */

static void run_consume(void *p)
{
    struct ctx *c = p;
    vnfo_flowtag_context ctx;
    uint64_t sum = 0;
    for (uint32_t j = 0; j < OPS; j++) {
        if (vnfo_flowtag_consume(&ctx, c->t, c->p->tags[j]) != VNFO_OK)
            abort();
        sum += ctx.original.src_port;
    }
    bench_sink_u64(sum);
}

static void run_plain_load(void *p)
{
    struct ctx *c = p;
    uint64_t sum = 0;
    for (uint32_t j = 0; j < OPS; j++)
        sum += c->plain[c->p->tags[j] & (PLAIN - 1)][5];
    bench_sink_u64(sum);
}

static void run_generate_known(void *p)
{
    struct ctx *c = p;
    vnfo_flowtag_event ev;
    uint64_t sum = 0;
    c->now++;
    for (uint32_t j = 0; j < OPS; j++) {
        const vnfo_flow_key *k = &c->p->keys[j];
        if (vnfo_flowtag_generate(&ev, c->t, k, k, 1, 1, c->now) != VNFO_OK)
            abort();
        sum += ev.context.tag;
    }
    bench_sink_u64(sum);
}

/* ---- dependent chains ------------------------------------------------------
 * The loops above issue independent operations: the core overlaps as many
 * cache misses as its window holds, so they measure throughput, and a
 * large per-call body (a consume writes a 104-byte context) limits the
 * overlap more than a bare load does.  The chains below make each
 * operation's input depend on the previous result (a value that is always
 * 0, but only known once the previous entry or record has arrived), so
 * each one pays its full miss latency: what a middlebox that does other
 * work between packets sees per packet.  Figure and baseline are chained
 * the same way. */

static void run_consume_chain(void *p)
{
    struct ctx *c = p;
    vnfo_flowtag_context ctx;
    uint32_t carry = 0;
    for (uint32_t j = 0; j < OPS; j++) {
        if (vnfo_flowtag_consume(&ctx, c->t, c->p->tags[j] ^ carry) != VNFO_OK)
            abort();
        /* The original key can only come from the entry (the tag could be
         * copied from the argument), so the next call waits for the miss. */
        carry = (uint32_t)(ctx.original.src_port ^ c->p->keys[j].src_port);
    }
    bench_sink_u64(carry);
}

/* Byte 5 of record i is i & 0x7F (set-up): the carry is 0 once it arrived. */
static void run_plain_chain(void *p)
{
    struct ctx *c = p;
    uint32_t carry = 0;
    for (uint32_t j = 0; j < OPS; j++) {
        uint32_t i = (c->p->tags[j] ^ carry) & (PLAIN - 1);
        carry = c->plain[i][5] ^ (i & 0x7F);
    }
    bench_sink_u64(carry);
}

static void run_generate_chain(void *p)
{
    struct ctx *c = p;
    vnfo_flowtag_event ev;
    uint32_t carry = 0;
    c->now++;
    for (uint32_t j = 0; j < OPS; j++) {
        vnfo_flow_key k = c->p->keys[j];
        k.src_port ^= (uint16_t)carry;
        if (vnfo_flowtag_generate(&ev, c->t, &k, &k, 1, 1, c->now) != VNFO_OK)
            abort();
        carry = ev.context.tag ^ c->p->tags[j];
    }
    bench_sink_u64(carry);
}

static void run_hash_load_chain(void *p)
{
    struct ctx *c = p;
    uint32_t carry = 0;
    for (uint32_t j = 0; j < OPS; j++) {
        vnfo_flow_key k = c->p->keys[j];
        k.src_port ^= (uint16_t)carry;
        uint64_t h = XXH3_64bits(&k, sizeof k);
        uint32_t i = (uint32_t)(((h & 0xffffffffu) * PLAIN) >> 32);
        carry = c->plain[i][5] ^ (i & 0x7F);
    }
    bench_sink_u64(carry);
}

static void run_consume_burst(void *p)
{
    struct ctx *c = p;
    vnfo_flowtag_context ctx[BURST];
    vnfo_status st[BURST];
    uint64_t sum = 0;
    for (uint32_t j = 0; j < OPS; j += BURST) {
        if (vnfo_flowtag_consume_burst(ctx, st, c->t, &c->p->tags[j], BURST) != VNFO_OK)
            abort();
        for (int i = 0; i < BURST; i++)
            sum += ctx[i].original.src_port;
    }
    bench_sink_u64(sum);
}

static void run_generate_known_burst(void *p)
{
    struct ctx *c = p;
    static const uint32_t spi[BURST] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    vnfo_flowtag_event ev[BURST];
    vnfo_status st[BURST];
    uint64_t sum = 0;
    c->now++;
    for (uint32_t j = 0; j < OPS; j += BURST) {
        const vnfo_flow_key *k = &c->p->keys[j];
        if (vnfo_flowtag_generate_burst(ev, st, c->t, k, k, spi, 1, c->now, BURST) != VNFO_OK)
            abort();
        for (int i = 0; i < BURST; i++)
            sum += ev[i].context.tag;
    }
    bench_sink_u64(sum);
}

/* XXH3 of the key and one load at an index taken from the hash (Lemire's
 * multiply-shift onto the 1M records). */
static inline uint64_t hash_and_load(const struct ctx *c, const vnfo_flow_key *k)
{
    uint64_t h = XXH3_64bits(k, sizeof *k);
    return h + c->plain[((h & 0xffffffffu) * PLAIN) >> 32][5];
}

static void run_hash_load(void *p)
{
    struct ctx *c = p;
    uint64_t sum = 0;
    for (uint32_t j = 0; j < OPS; j++)
        sum += hash_and_load(c, &c->p->keys[j]);
    bench_sink_u64(sum);
}

/* ---- measurement ---------------------------------------------------------- */

struct figure {
    double ns, base_ns, ratio;
};

/* Runs fn and its baseline alternately RUNS times (after one warm-up of
 * each): medians of both and the median of the per-run ratios. */
static struct figure measure(void (*fn)(void *), void (*base)(void *), struct ctx *c)
{
    double a[RUNS], b[RUNS], r[RUNS];
    fn(c);
    base(c);
    for (int i = 0; i < RUNS; i++) {
        double t0 = bench_cpu_now_ns();
        base(c);
        double t1 = bench_cpu_now_ns();
        fn(c);
        double t2 = bench_cpu_now_ns();
        b[i] = (t1 - t0) / OPS;
        a[i] = (t2 - t1) / OPS;
        r[i] = a[i] / b[i];
    }
    qsort(a, RUNS, sizeof a[0], bench_cmp_double);
    qsort(b, RUNS, sizeof b[0], bench_cmp_double);
    qsort(r, RUNS, sizeof r[0], bench_cmp_double);
    return (struct figure){a[RUNS / 2], b[RUNS / 2], r[RUNS / 2]};
}

static void print_figure(const char *name, const char *pattern, struct figure f, const char *base)
{
    printf("%-34s %-10s %8.2f ns/op %7.2f Mop/s   baseline %-26s %7.2f ns/op   ratio %.2fx\n",
           name, pattern, f.ns, 1e3 / f.ns, base, f.base_ns, f.ratio);
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

/* The new-flow path: an empty table filled with every flow in bind order
 * (random across flows), each run paired with the hash-and-load baseline
 * over the same keys.  Creating the table is not timed (not per packet). */
static struct figure measure_fill(struct ctx *c)
{
    double a[RUNS], b[RUNS], r[RUNS];
    vnfo_flow_key *keys = malloc(FLOWS * sizeof *keys);
    if (!keys)
        abort();
    for (uint32_t i = 0; i < FLOWS; i++)
        keys[i] = c->flows[c->bind_order[i]];
    struct pattern fill = {"bind", keys, NULL};
    c->p = &fill;
    for (int i = 0; i < RUNS; i++) {
        vnfo_flowtag_table_free(c->t);
        c->t = empty_table();
        vnfo_flowtag_event ev;
        double t0 = bench_cpu_now_ns();
        run_hash_load(c);
        double t1 = bench_cpu_now_ns();
        for (uint32_t j = 0; j < FLOWS; j++) {
            if (vnfo_flowtag_generate(&ev, c->t, &keys[j], &keys[j], 1, 1, 0) != VNFO_OK)
                abort();
            c->flow_tag[c->bind_order[j]] = ev.context.tag;
        }
        double t2 = bench_cpu_now_ns();
        b[i] = (t1 - t0) / OPS;
        a[i] = (t2 - t1) / FLOWS;
        r[i] = a[i] / b[i];
    }
    qsort(a, RUNS, sizeof a[0], bench_cmp_double);
    qsort(b, RUNS, sizeof b[0], bench_cmp_double);
    qsort(r, RUNS, sizeof r[0], bench_cmp_double);
    free(keys);
    return (struct figure){a[RUNS / 2], b[RUNS / 2], r[RUNS / 2]};
}

/* ---- set-up ------------------------------------------------------------------ */

/* The baseline records get what the table asks for its arrays: 2 MB pages
 * where the kernel grants them (advised, as table.c advises its own), so
 * that neither side of a ratio pays TLB misses the other is spared. */
static void *alloc_huge(size_t bytes)
{
    void *p = NULL;
    if (posix_memalign(&p, (size_t)2 << 20, bytes) != 0)
        return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    (void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
    return p;
}

static void shuffle(uint32_t *a, uint32_t n)
{
    uint64_t s = 42;
    for (uint32_t i = 0; i < n; i++)
        a[i] = i;
    for (uint32_t i = n - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(lcg(&s) % (i + 1));
        uint32_t x = a[i];
        a[i] = a[j];
        a[j] = x;
    }
}

/* Operation j of the sequential pattern is the j-th flow bound (slot j+1);
 * of the random pattern, a flow drawn uniformly from all live flows. */
static int make_patterns(struct ctx *c)
{
    c->seq = (struct pattern){"sequential", malloc(OPS * sizeof(vnfo_flow_key)), malloc(OPS * 4)};
    c->rnd = (struct pattern){"random", malloc(OPS * sizeof(vnfo_flow_key)), malloc(OPS * 4)};
    if (!c->seq.keys || !c->seq.tags || !c->rnd.keys || !c->rnd.tags)
        return -1;
    uint64_t s = 7;
    for (uint32_t j = 0; j < OPS; j++) {
        uint32_t fs = c->bind_order[j % FLOWS];
        uint32_t fr = (uint32_t)(lcg(&s) % FLOWS);
        c->seq.keys[j] = c->flows[fs];
        c->seq.tags[j] = c->flow_tag[fs];
        c->rnd.keys[j] = c->flows[fr];
        c->rnd.tags[j] = c->flow_tag[fr];
    }
    return 0;
}

static void report_memory(const vnfo_flowtag_table *t)
{
    vnfo_flowtag_stats st;
    vnfo_flowtag_table_stats(&st, t);
    printf("%-45s %9.2f bytes/flow (IPv4 flows, ipv6_capacity 0; %u live)\n", "flowtag table memory",
           (double)st.memory_bytes / st.live, st.live);
    vnfo_flowtag_options o = VNFO_FLOWTAG_OPTIONS_INIT;
    o.capacity = FLOWS;
    vnfo_flowtag_table *all;
    if (vnfo_flowtag_table_create(&all, &o) == VNFO_OK) {
        vnfo_flowtag_table_stats(&st, all);
        printf("%-45s %9.2f bytes/flow (room for every flow to be IPv6)\n", "flowtag table memory",
               (double)st.memory_bytes / FLOWS);
        vnfo_flowtag_table_free(all);
    }
}

static void print_speedup(const char *name, const char *pattern, struct figure burst,
                          struct figure single)
{
    printf("%-34s %-10s %8.2fx the single-call rate\n", name, pattern, single.ns / burst.ns);
}

/* The burst baselines are the same loops as the single ones: a loop of
 * independent loads already overlaps its misses as far as the core can. */
static void measure_pattern(struct ctx *c, const struct pattern *p)
{
    c->p = p;
    struct figure f1 = measure(run_consume, run_plain_load, c);
    struct figure fb = measure(run_consume_burst, run_plain_load, c);
    print_figure("consume", p->name, f1, "64-byte array load");
    print_figure("consume, bursts of 32", p->name, fb, "64-byte array load");
    print_speedup("consume, bursts of 32", p->name, fb, f1);
    struct figure fc = measure(run_consume_chain, run_plain_chain, c);
    print_figure("consume, dependent chain", p->name, fc, "64-byte load, chained");
    struct figure g1 = measure(run_generate_known, run_hash_load, c);
    struct figure gb = measure(run_generate_known_burst, run_hash_load, c);
    print_figure("generate, known flow", p->name, g1, "xxh3 + 1 random load");
    print_figure("generate, known, bursts of 32", p->name, gb, "xxh3 + 1 random load");
    print_speedup("generate, known, bursts of 32", p->name, gb, g1);
    struct figure gc = measure(run_generate_chain, run_hash_load_chain, c);
    print_figure("generate, known, dependent chain", p->name, gc, "xxh3 + 1 load, chained");
}

int main(void)
{
    struct ctx c = {0};
    c.flows = malloc(FLOWS * sizeof *c.flows);
    c.bind_order = malloc(FLOWS * sizeof *c.bind_order);
    c.flow_tag = malloc(FLOWS * sizeof *c.flow_tag);
    c.plain = alloc_huge(PLAIN * sizeof *c.plain);
    if (!c.flows || !c.bind_order || !c.flow_tag || !c.plain)
        return 1;
    for (uint32_t i = 0; i < FLOWS; i++)
        c.flows[i] = make_key(i);
    for (uint32_t i = 0; i < PLAIN; i++) /* touch it: untouched pages all map to one zero page */
        memset(c.plain[i], (int)(i & 0x7F), sizeof c.plain[i]);
    shuffle(c.bind_order, FLOWS);
    printf("FlowTag table, 1M live IPv4 flows (capacity 1M, 24-bit tags); medians of %d runs of "
           "%u operations; ratio = median of per-run ratios to the baseline\n", RUNS, OPS);
    printf("random: each operation's flow drawn uniformly from the live set (what a NAT sees); "
           "sequential: flows in bind order\n");
    struct figure fill = measure_fill(&c);
    print_figure("generate, new flow (bind)", "random", fill, "xxh3 + 1 random load");
    if (make_patterns(&c) != 0)
        return 1;
    measure_pattern(&c, &c.rnd);
    measure_pattern(&c, &c.seq);
    report_memory(c.t);
    vnfo_flowtag_table_free(c.t);
    free(c.flows);
    free(c.bind_order);
    free(c.flow_tag);
    free(c.plain);
    free(c.seq.keys);
    free(c.seq.tags);
    free(c.rnd.keys);
    free(c.rnd.tags);
    return 0;
}
