/* Sampling decisions per packet, single and burst-32, for each hash, on a
 * mix of 64-byte frames (IPv4/TCP, IPv6/UDP, VLAN-tagged IPv4/UDP); beside
 * each figure, the bare hash function over the same invariant bytes measured
 * in the same run, and the ratio.  Each run times the bare hash and the
 * three decision loops back to back (thread CPU time: the machine is
 * shared); figures are medians over the runs, ratios the medians of the
 * per-run ratios. */
#include <sodium.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <vnfo/vnfo.h>

#include "bench.h"
#include "traffic.h"

#define FRAMES 1024
#define REPS 64
#define RUNS 21

static uint8_t frames[FRAMES][64];
static const uint8_t *ptrs[FRAMES];
static uint32_t lens[FRAMES];
static uint8_t fields[FRAMES][VNFO_PACKET_FIELDS_MAX_BYTES];
static size_t field_len[FRAMES];
static uint8_t sip_key[16];
static uint64_t xxh_seed;

struct ctx {
    const vnfo_sampler *s;
    uint32_t hash;
};

static void make_frames(void)
{
    uint64_t st = 1;
    static const uint8_t pad[64] = {0};
    for (int i = 0; i < FRAMES; i++) {
        traffic_spec s;
        memset(&s, 0, sizeof s);
        uint64_t r = traffic_rand(&st);
        int kind = i % 3;
        s.linktype = VNFO_LINKTYPE_ETHERNET;
        s.ip_version = kind == 1 ? 6 : 4;
        s.proto = kind == 0 ? 6 : 17;
        s.vlan_count = kind == 2;
        s.vlan[0] = 100;
        memcpy(s.src, &r, 8);
        s.src[0] = 10;
        memcpy(s.dst, &r, 8);
        s.dst[0] = 198;
        s.sport = (uint16_t)(r >> 16);
        s.dport = 443;
        s.seq = (uint32_t)(r >> 32);
        s.ip_id = (uint16_t)i;
        s.ttl = 64;
        s.payload = pad;
        s.payload_len = kind == 0 ? 10 : kind == 1 ? 2 : 18; /* 64-byte frames */
        lens[i] = (uint32_t)traffic_build(frames[i], 64, &s);
        ptrs[i] = frames[i];
    }
}

static void run_single(void *p)
{
    const struct ctx *c = p;
    vnfo_sampler_decision d;
    uint64_t acc = 0;
    for (int r = 0; r < REPS; r++)
        for (int i = 0; i < FRAMES; i++) {
            vnfo_sampler_decide(&d, c->s, frames[i], lens[i], VNFO_LINKTYPE_ETHERNET, 0);
            acc += d.hash;
        }
    bench_sink_u64(acc);
}

static void run_burst(void *p)
{
    const struct ctx *c = p;
    static vnfo_sampler_decision d[32];
    uint64_t acc = 0;
    for (int r = 0; r < REPS; r++)
        for (int i = 0; i < FRAMES; i += 32) {
            size_t sel;
            vnfo_sampler_decide_burst(d, &sel, c->s, ptrs + i, lens + i, NULL, 32,
                                      VNFO_LINKTYPE_ETHERNET);
            acc += sel + d[0].hash;
        }
    bench_sink_u64(acc);
}

static vnfo_packet_view views[FRAMES];

static void run_view(void *p)
{
    const struct ctx *c = p;
    vnfo_sampler_decision d;
    uint64_t acc = 0;
    for (int r = 0; r < REPS; r++)
        for (int i = 0; i < FRAMES; i++) {
            vnfo_sampler_decide_view(&d, c->s, &views[i], 0);
            acc += d.hash;
        }
    bench_sink_u64(acc);
}

static void run_bare(void *p)
{
    const struct ctx *c = p;
    uint64_t acc = 0;
    uint8_t out[8];
    for (int r = 0; r < REPS; r++)
        for (int i = 0; i < FRAMES; i++) {
            switch (c->hash) {
            case VNFO_SAMPLER_HASH_XXH3:
                acc += XXH3_64bits_withSeed(fields[i], field_len[i], xxh_seed);
                break;
            case VNFO_SAMPLER_HASH_SIPHASH:
                crypto_shorthash(out, fields[i], field_len[i], sip_key);
                acc += out[0];
                break;
            default:
                acc += vnfo_sampler_bob(fields[i], field_len[i], (uint32_t)xxh_seed);
            }
        }
    bench_sink_u64(acc);
}

static void run_parse(void *p)
{
    (void)p;
    vnfo_packet_view v;
    uint64_t acc = 0;
    for (int r = 0; r < REPS; r++)
        for (int i = 0; i < FRAMES; i++) {
            vnfo_packet_parse(&v, frames[i], lens[i], VNFO_LINKTYPE_ETHERNET);
            acc += v.l4_offset;
        }
    bench_sink_u64(acc);
}

static void extract_fields(void)
{
    vnfo_packet_fields f = VNFO_PACKET_FIELDS_INIT;
    for (int i = 0; i < FRAMES; i++) {
        vnfo_packet_view v;
        vnfo_packet_parse(&v, frames[i], lens[i], VNFO_LINKTYPE_ETHERNET);
        vnfo_packet_fields_extract(fields[i], sizeof fields[i], &field_len[i], &v, &f, 0);
        views[i] = v;
    }
}

int main(void)
{
    if (vnfo_init() != VNFO_OK)
        return 1;
    make_frames();
    extract_fields();
    randombytes_buf(sip_key, sizeof sip_key);
    xxh_seed = 0x0123456789abcdefull;
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    vnfo_sampler_key_generate(key);
    double ops = (double)FRAMES * REPS;
    printf("sampler: %d 64-byte frames (IPv4/TCP, IPv6/UDP, VLAN IPv4/UDP), psamp fields "
           "(%zu to %zu bytes), rate 1/64; median of %d runs\n", FRAMES, field_len[0], field_len[1],
           RUNS);
    /* BENCH_SAMPLER_HASH=1|2|3 limits the run to one hash (for profiling). */
    const char *only = getenv("BENCH_SAMPLER_HASH");
    for (uint32_t h = VNFO_SAMPLER_HASH_XXH3; h <= VNFO_SAMPLER_HASH_BOB; h++) {
        if (only && (uint32_t)atoi(only) != h)
            continue;
        vnfo_sampler_options o = VNFO_SAMPLER_OPTIONS_INIT;
        o.hash = h;
        vnfo_sampler *s;
        if (vnfo_sampler_create(&s, &o, key, sizeof key) != VNFO_OK)
            return 1;
        struct ctx c = {s, h};
        static const char *const what[3] = {"single", "burst-32", "(pre-parsed view)"};
        void (*const loops[3])(void *) = {run_single, run_burst, run_view};
        double t[4][RUNS], r[3][RUNS];
        for (int k = 0; k < 4; k++)
            (k ? loops[k - 1] : run_bare)(&c); /* warm-up */
        for (int i = 0; i < RUNS; i++)
            for (int k = 0; k < 4; k++) {
                double t0 = bench_cpu_now_ns();
                (k ? loops[k - 1] : run_bare)(&c);
                t[k][i] = (bench_cpu_now_ns() - t0) / ops;
                if (k)
                    r[k - 1][i] = t[k][i] / t[0][i];
            }
        for (int k = 0; k < 4; k++)
            qsort(t[k], RUNS, sizeof t[k][0], bench_cmp_double);
        for (int k = 0; k < 3; k++) {
            qsort(r[k], RUNS, sizeof r[k][0], bench_cmp_double);
            printf("decide %-11s %-18s %7.2f ns/op %7.2f Mop/s   baseline bare %-11s %6.2f ns/op   "
                   "ratio %.2fx\n", vnfo_sampler_hash_name(h), what[k], t[k + 1][RUNS / 2],
                   1e3 / t[k + 1][RUNS / 2], vnfo_sampler_hash_name(h), t[0][RUNS / 2],
                   r[k][RUNS / 2]);
        }
        vnfo_sampler_free(s);
    }
    struct ctx none = {NULL, VNFO_SAMPLER_HASH_XXH3};
    double parse = bench_median_ns(run_parse, &none, ops, RUNS);
    double bare = bench_median_ns(run_bare, &none, ops, RUNS);
    bench_report("parse only (vnfo_packet_parse)", parse, "bare xxh3-64", bare);
    sodium_memzero(key, sizeof key);
    return 0;
}
