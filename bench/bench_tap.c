/* Benchmark: the tap's cost per frame (one ingress and one egress call each,
 * frames of 8192 distinct flows in a uniformly random order, each leaving 64
 * frames after it entered, siphash-2-4, rate 1/64, digest granularity),
 * beside the floor measured in the same run: the two sampling decisions
 * every frame needs anyway (vnfo_sampler_decide on the ingress and on the
 * egress copy). */
#include <string.h>

#include <vnfo/vnfo.h>

#include "bench.h"

#define FLOWS 8192
#define FRAMES (1 << 20)
#define LAG 64
#define FRAME_LEN 64
#define RUNS 7

struct ctx {
    vnfo_sampler *s;
    vnfo_tap *tap;
    uint8_t (*frames)[FRAME_LEN];
    uint32_t *order;
};

static vnfo_status discard(void *ctx, const vnfo_record *rec)
{
    (void)ctx;
    bench_sink_u64(rec->u.packet.label);
    return VNFO_OK;
}

static void make_frame(uint8_t *f, uint32_t id)
{
    memset(f, 0, FRAME_LEN);
    f[12] = 0x08;                           /* Ethernet, IPv4 */
    uint8_t *ip = f + 14;
    ip[0] = 0x45, ip[3] = FRAME_LEN - 14, ip[8] = 64, ip[9] = 17;
    ip[4] = (uint8_t)(id >> 8), ip[5] = (uint8_t)id;
    ip[12] = 10, ip[13] = (uint8_t)(id >> 16), ip[14] = (uint8_t)(id >> 8), ip[15] = (uint8_t)id;
    ip[16] = 198, ip[17] = 18, ip[19] = 1;
    ip[20] = (uint8_t)(id >> 8), ip[21] = (uint8_t)id, ip[23] = 53;
    ip[25] = FRAME_LEN - 34;
    memcpy(ip + 28, &id, sizeof id);
}

static void run_tap(void *p)
{
    struct ctx *c = p;
    uint64_t t = 1;
    for (uint32_t i = 0; i < FRAMES + LAG; i++, t += 100) {
        if (i < FRAMES)
            vnfo_tap_ingress(c->tap, c->frames[c->order[i]], FRAME_LEN, FRAME_LEN, VNFO_LINKTYPE_ETHERNET, t);
        if (i >= LAG)
            vnfo_tap_egress(c->tap, c->frames[c->order[i - LAG]], FRAME_LEN, FRAME_LEN,
                            VNFO_LINKTYPE_ETHERNET, t);
    }
    vnfo_tap_finish(c->tap);
}

static void run_floor(void *p)
{
    struct ctx *c = p;
    vnfo_sampler_decision d;
    uint64_t acc = 0;
    for (uint32_t i = 0; i < FRAMES + LAG; i++) {
        if (i < FRAMES) {
            vnfo_sampler_decide(&d, c->s, c->frames[c->order[i]], FRAME_LEN, VNFO_LINKTYPE_ETHERNET, 0);
            acc += d.label;
        }
        if (i >= LAG) {
            vnfo_sampler_decide(&d, c->s, c->frames[c->order[i - LAG]], FRAME_LEN, VNFO_LINKTYPE_ETHERNET, 0);
            acc += d.label;
        }
    }
    bench_sink_u64(acc);
}

int main(void)
{
    if (vnfo_init() != VNFO_OK)
        return 1;
    static struct ctx c;
    c.frames = malloc(sizeof *c.frames * FLOWS);
    c.order = malloc(sizeof *c.order * FRAMES);
    if (!c.frames || !c.order)
        return 1;
    for (uint32_t i = 0; i < FLOWS; i++)
        make_frame(c.frames[i], i);
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (uint32_t i = 0; i < FRAMES; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        c.order[i] = (uint32_t)(x % FLOWS);
    }
    uint8_t key[VNFO_SAMPLER_KEY_BYTES] = {1};
    vnfo_sampler_options so = VNFO_SAMPLER_OPTIONS_INIT;
    vnfo_tap_options to = VNFO_TAP_OPTIONS_INIT;
    to.emit = discard;
    to.timeout_ns = 1000000000ull;
    if (vnfo_sampler_create(&c.s, &so, key, sizeof key) != VNFO_OK ||
        vnfo_tap_create(&c.tap, &to, c.s) != VNFO_OK)
        return 1;
    double floor = bench_median_ns(run_floor, &c, FRAMES, RUNS);
    double tap = bench_median_ns(run_tap, &c, FRAMES, RUNS);
    bench_report("tap, per frame (ingress + egress)", tap, "two decisions (floor)", floor);
    vnfo_tap_stats st;
    vnfo_tap_stats_get(&st, c.tap);
    printf("  %llu records, pending peak %llu\n",
           (unsigned long long)(st.forwarded + st.dropped + st.generated),
           (unsigned long long)st.pending_peak);
    vnfo_tap_free(c.tap);
    vnfo_sampler_free(c.s);
    free(c.frames);
    free(c.order);
    return 0;
}
