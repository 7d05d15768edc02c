/* Relation checking cost (src/verify/relation.c): vnfo_verifier_run() over
 * 100,000 sampled NAT records (10,000 flows of 10 packets, whole 64-byte
 * UDP packets) with the masquerading NAT's relation (per-packet
 * admissibility, two facts per record, both sorts and the sweep), against
 * baselines from the same run and the same records: the run with no
 * reference at all, and the run replaying every record through the
 * stateless NAT reference (what black-box checking cost before).  Per
 * sampled record of the function. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <vnfo/vnfo.h>

#include "bench.h"
#include "relation.h"
#include "sim.h"
#include "traffic.h"

#define FLOWS 10000
#define PER_FLOW 10
#define RECORDS (FLOWS * PER_FLOW)

static vnfo_manifest *manifest;
static struct sim_functions fns;
static vnfo_verifier *plain, *replay, *related;

static void add_packet(vnfo_verifier *v, uint32_t node, uint64_t label, uint64_t t, const uint8_t *in,
                       size_t in_len, const uint8_t *out, size_t out_len)
{
    vnfo_record rec;
    vnfo_record_init(&rec, VNFO_RECORD_PACKET);
    vnfo_record_packet *p = &rec.u.packet;
    rec.node_id = node;
    p->hop = node - 1;
    p->label = label;
    p->t_in_ns = t;
    p->t_out_ns = t + 1000;
    p->granularity = VNFO_GRANULARITY_FULL;
    p->has_link_type = 1;
    p->link_type = 1;
    p->wire_len = (uint32_t)in_len;
    vnfo_packet_digest(p->digest_in, in, in_len, 1);
    vnfo_packet_digest(p->digest_out, out, out_len, 1);
    p->bytes_in = in;
    p->bytes_in_len = in_len;
    p->bytes_out = out;
    p->bytes_out_len = out_len;
    if (vnfo_verifier_record_add(v, &rec) != VNFO_OK)
        exit(1);
}

/* Every record at every hop (the chain is complete), the NAT's rewritten. */
static void fill(vnfo_verifier *v)
{
    uint8_t in[TRAFFIC_FRAME_MAX], out[TRAFFIC_FRAME_MAX];
    for (uint32_t f = 0; f < FLOWS; f++) {
        traffic_spec s;
        memset(&s, 0, sizeof s);
        s.linktype = 1;
        s.ip_version = 4;
        s.proto = 17;
        s.src[0] = 10, s.src[1] = (uint8_t)(f >> 8), s.src[2] = (uint8_t)f, s.src[3] = 1;
        s.dst[0] = 198, s.dst[1] = 18, s.dst[2] = (uint8_t)(f >> 8), s.dst[3] = (uint8_t)f;
        s.sport = (uint16_t)(1024 + f), s.dport = 53, s.ttl = 64;
        s.payload = (const uint8_t *)"0123456789abcdef0123";
        s.payload_len = 22;
        size_t n = traffic_build(in, sizeof in, &s);
        for (uint32_t i = 0; i < PER_FLOW; i++) {
            uint64_t label = (uint64_t)f * PER_FLOW + i + 1, t = 1793494800000000000ULL + label * 1000000;
            size_t out_len;
            vnfo_reference_resources res;
            memset(&res, 0, sizeof res);
            mb_nat(&fns.nat, in, n, out, sizeof out, &out_len, &res);
            add_packet(v, 1, label, t, in, n, in, n);
            add_packet(v, 2, label, t + 20000, in, n, in, n);
            add_packet(v, 3, label, t + 40000, in, n, out, out_len);
        }
    }
}

static void run_one(void *ctx)
{
    vnfo_report *r;
    if (vnfo_verifier_run(&r, ctx) != VNFO_OK)
        exit(1);
    const vnfo_report_entry *e = vnfo_report_entry_find(r, "relation.nat");
    if (e && vnfo_report_entry_verdict(e) != VNFO_REPORT_PASS) {
        fprintf(stderr, "relation.nat: %s\n", vnfo_report_entry_summary(e));
        exit(1);
    }
    vnfo_report_free(r);
}

static double cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Median over runs of CPU ns per record (the machine is shared: wall time
 * includes other tenants). */
static double cpu_median(vnfo_verifier *v, int runs)
{
    double t[16];
    run_one(v); /* warm-up */
    for (int i = 0; i < runs; i++) {
        double t0 = cpu_ns();
        run_one(v);
        t[i] = (cpu_ns() - t0) / RECORDS;
    }
    qsort(t, (size_t)runs, sizeof t[0], bench_cmp_double);
    return t[runs / 2];
}

int main(void)
{
    char dir[] = "/tmp/vnfo-bench-relation-XXXXXX", path[256];
    static const char *const names[] = {"customer", "provider", "fw", "ids", "nat"};
    if (vnfo_init() != VNFO_OK || !mkdtemp(dir) || sim_keys_generate_seeded(dir, names, 5, 9) != VNFO_OK)
        return 1;
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    if (sim_manifest_write(path, dir, 64) != VNFO_OK || vnfo_manifest_load(&manifest, path) != VNFO_OK)
        return 1;
    sim_functions_init(&fns, 1);
    vnfo_relation rel;
    void *ctx;
    sim_relation(&rel, &ctx, &fns, "masquerade-nat");
    if (vnfo_verifier_create(&plain, manifest, NULL) != VNFO_OK ||
        vnfo_verifier_create(&replay, manifest, NULL) != VNFO_OK ||
        vnfo_verifier_create(&related, manifest, NULL) != VNFO_OK ||
        vnfo_verifier_reference_set(replay, "nat", mb_nat, &fns.nat) != VNFO_OK ||
        vnfo_verifier_relation_set(related, "nat", &rel, ctx) != VNFO_OK)
        return 1;
    fill(plain);
    fill(replay);
    fill(related);
    double base = cpu_median(plain, 5), rep = cpu_median(replay, 5), relt = cpu_median(related, 5);
    printf("%d NAT records (%d flows), 3 hops each, whole packets; CPU time per NAT record\n", RECORDS, FLOWS);
    bench_report("verify run, stateless NAT replayed", rep, "verify run, no reference", base);
    bench_report("verify run, masquerade relation", relt, "verify run, no reference", base);
    bench_report("verify run, masquerade relation", relt, "verify run, stateless replay", rep);
    printf("relation alone: %.0f ns per record (replay alone: %.0f)\n", relt - base, rep - base);
    vnfo_verifier_free(plain);
    vnfo_verifier_free(replay);
    vnfo_verifier_free(related);
    vnfo_manifest_free(manifest);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    return system(path) == 0 ? 0 : 1;
}
