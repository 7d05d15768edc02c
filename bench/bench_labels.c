/* make bench: the verifier's functional checks when every record carries
 * one label (equal-label packets judged as a group, src/verify/trajectory.c)
 * against the same records with a label per packet (one trajectory each),
 * in the same run: 40,000 packets through three functions, 120,000 records.
 * The figure is ns per record of vnfo_verifier_run() (sort, grouping, every
 * check); the ratio is what an adversary who makes every label equal costs
 * the verifier. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <vnfo/vnfo.h>

#include "bench.h"
#include "sim.h"

#define PACKETS 40000

static vnfo_manifest *manifest;

struct job {
    int one_label;
};

static void add(vnfo_verifier *v, uint32_t node, uint64_t label, uint32_t d, uint64_t t)
{
    vnfo_record rec;
    vnfo_record_init(&rec, VNFO_RECORD_PACKET);
    rec.node_id = node;
    rec.u.packet.hop = node - 1;
    rec.u.packet.label = label;
    memcpy(rec.u.packet.digest_in, &d, sizeof d);
    memcpy(rec.u.packet.digest_out, &d, sizeof d);
    rec.u.packet.t_in_ns = t;
    rec.u.packet.t_out_ns = t + 100;
    vnfo_verifier_record_add(v, &rec);
}

static void run(void *ctx)
{
    const struct job *j = ctx;
    vnfo_verifier *v;
    if (vnfo_verifier_create(&v, manifest, NULL) != VNFO_OK)
        exit(1);
    for (uint32_t i = 0; i < PACKETS; i++)
        for (uint32_t node = 1; node <= 3; node++)
            add(v, node, j->one_label ? 99 : 0x9e3779b97f4a7c15ULL * (i + 1), i + 1,
                1000 + (uint64_t)i * 10 + node * 1000);
    vnfo_report *r;
    if (vnfo_verifier_run(&r, v) != VNFO_OK)
        exit(1);
    bench_sink_u64(vnfo_report_entry_count(r));
    vnfo_report_free(r);
    vnfo_verifier_free(v);
}

int main(void)
{
    if (vnfo_init() != VNFO_OK)
        return 1;
    char dir[] = "/tmp/vnfo-bench-labels-XXXXXX", path[96];
    if (!mkdtemp(dir))
        return 1;
    static const char *const names[] = {"customer", "provider", "fw", "ids", "nat"};
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    if (sim_keys_generate_seeded(dir, names, 5, 3) != VNFO_OK ||
        sim_manifest_write(path, dir, 8) != VNFO_OK || vnfo_manifest_load(&manifest, path) != VNFO_OK)
        return 1;
    struct job distinct = {0}, one = {1};
    double base = bench_median_ns(run, &distinct, 3.0 * PACKETS, 5);
    double same = bench_median_ns(run, &one, 3.0 * PACKETS, 5);
    bench_report("verify, 120k records, one label", same, "a label per packet", base);
    vnfo_manifest_free(manifest);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
