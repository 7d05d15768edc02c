/* End-to-end verify throughput: three nodes' signed logs of the same
 * sampled packets (digest granularity, batches of 1024) through signature
 * and root checks, decoding, trajectory assembly and every check, in sampled
 * records per second on one core, with each stage's share.  Baseline from
 * the same run: the log reader alone verifying and decoding the same logs
 * (what any consumer of the logs pays before a single check). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <vnfo/vnfo.h>

#include "bench.h"
#include "sim.h"

#define TRAJECTORIES 100000
#define NODES 3

struct sink {
    uint8_t *p;
    size_t len, cap;
};

static vnfo_status mem_sink(void *ctx, const uint8_t *batch, size_t len)
{
    struct sink *s = ctx;
    if (s->len + len + 4 > s->cap) {
        s->cap = (s->len + len + 4) * 2;
        s->p = realloc(s->p, s->cap);
        if (!s->p)
            return VNFO_E_NO_MEMORY;
    }
    uint8_t *o = s->p + s->len;
    o[0] = (uint8_t)(len >> 24);
    o[1] = (uint8_t)(len >> 16);
    o[2] = (uint8_t)(len >> 8);
    o[3] = (uint8_t)len;
    memcpy(o + 4, batch, len);
    s->len += len + 4;
    return VNFO_OK;
}

static struct sink logs[NODES];
static vnfo_manifest *manifest;
static vnfo_public_key pubs[NODES];
static uint8_t digest[32];

/* The same packets at each hop: digests chain, times advance. */
static void write_logs(const char *keys)
{
    static const char *const names[NODES] = {"fw", "ids", "nat"};
    vnfo_manifest_digest_compute(digest, manifest);
    for (int n = 0; n < NODES; n++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s.key", keys, names[n]);
        vnfo_signing_key *k;
        if (vnfo_signing_key_load(&k, path) != VNFO_OK)
            exit(1);
        vnfo_signing_key_public(&pubs[n], k);
        vnfo_log_writer_options o = VNFO_LOG_WRITER_OPTIONS_INIT;
        o.node_id = (uint32_t)n + 1;
        o.key = k;
        memcpy(o.manifest_digest, digest, 32);
        o.batch_records = 1024;
        o.sink = mem_sink;
        o.sink_ctx = &logs[n];
        vnfo_log_writer *w;
        if (vnfo_log_writer_create(&w, &o) != VNFO_OK)
            exit(1);
        for (uint64_t i = 0; i < TRAJECTORIES; i++) {
            vnfo_record r;
            vnfo_record_init(&r, VNFO_RECORD_PACKET);
            vnfo_record_packet *p = &r.u.packet;
            p->hop = (uint32_t)n;
            p->label = i * 0x9e3779b97f4a7c15ULL + 1;
            memcpy(p->digest_in, &p->label, 8);
            memcpy(p->digest_out, &p->label, 8);
            if (n == 2)
                p->digest_out[15] = 1; /* the NAT rewrites */
            p->t_in_ns = 1793494800ULL * 1000000000ULL + i * 20000 + (uint64_t)n * 10000;
            p->t_out_ns = p->t_in_ns + 2000 + i % 1000;
            p->cpu_cycles = 1000 + i % 500;
            p->mem_bytes = 4096;
            vnfo_log_writer_append(w, &r);
        }
        vnfo_log_writer_free(w);
        vnfo_signing_key_free(k);
    }
}

static double stages[4];

/* CPU time of this process: "per core" means per CPU second, which stays
 * meaningful on a machine shared with other jobs (wall time does not). */
static double cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Median over runs of CPU ns per record. */
static double cpu_median(void (*fn)(void *), double records, int runs)
{
    double t[16];
    for (int i = 0; i < runs; i++) {
        double t0 = cpu_ns();
        fn(NULL);
        t[i] = (cpu_ns() - t0) / records;
    }
    qsort(t, (size_t)runs, sizeof t[0], bench_cmp_double);
    return t[runs / 2];
}

static void run_verify(void *ctx)
{
    (void)ctx;
    static const char *const names[NODES] = {"fw", "ids", "nat"};
    vnfo_verifier *v;
    vnfo_verifier_create(&v, manifest, NULL);
    for (int n = 0; n < NODES; n++)
        if (vnfo_verifier_log_add(v, names[n], logs[n].p, logs[n].len, names[n]) != VNFO_OK)
            exit(1);
    vnfo_report *r;
    if (vnfo_verifier_run(&r, v) != VNFO_OK || vnfo_report_overall(r) == VNFO_REPORT_FAIL)
        exit(1);
    vnfo_verifier_stage_times(stages, v);
    vnfo_report_free(r);
    vnfo_verifier_free(v);
}

static void run_reader(void *ctx)
{
    (void)ctx;
    uint64_t sum = 0;
    for (int n = 0; n < NODES; n++) {
        vnfo_log_reader_options o = VNFO_LOG_READER_OPTIONS_INIT;
        o.public_key = pubs[n];
        memcpy(o.manifest_digest, digest, 32);
        vnfo_log_reader *r;
        vnfo_log_reader_create(&r, &o);
        vnfo_log_reader_add_buffer(r, logs[n].p, logs[n].len, "bench");
        if (vnfo_log_reader_verify(r) != VNFO_OK)
            exit(1);
        vnfo_log_cursor c = VNFO_LOG_CURSOR_INIT;
        vnfo_record rec;
        while (vnfo_log_reader_next_record(&rec, r, &c) == VNFO_OK)
            sum += rec.u.packet.label;
        vnfo_log_reader_free(r);
    }
    bench_sink_u64(sum);
}

int main(void)
{
    static const char *const names[] = {"customer", "provider", "fw", "ids", "nat"};
    char dir[] = "/tmp/vnfo-bench-verify-XXXXXX", path[256];
    if (vnfo_init() != VNFO_OK || !mkdtemp(dir))
        return 1;
    if (sim_keys_generate(dir, names, 5) != VNFO_OK)
        return 1;
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    if (sim_manifest_write(path, dir, 8) != VNFO_OK || vnfo_manifest_load(&manifest, path) != VNFO_OK)
        return 1;
    write_logs(dir);
    double records = (double)TRAJECTORIES * NODES;
    double base = bench_median_ns(run_reader, NULL, records, 5);
    double full = bench_median_ns(run_verify, NULL, records, 5);
    double cbase = cpu_median(run_reader, records, 5), cfull = cpu_median(run_verify, records, 5);
    printf("%d trajectories x %d nodes, batches of 1024, digest granularity\n", TRAJECTORIES, NODES);
    bench_report("verify end to end, wall", full, "log verify+decode only", base);
    bench_report("verify end to end, CPU time", cfull, "log verify+decode only", cbase);
    double total = stages[0] + stages[1] + stages[2] + stages[3];
    static const char *const stage[] = {"signature+root+chain verify", "decode+store records",
                                        "trajectories+functional checks", "replay+SLA+accounting"};
    for (int i = 0; i < 4; i++)
        printf("  stage %-32s %5.1f%%\n", stage[i], 100.0 * stages[i] / total);
    printf("throughput: %.2f M sampled records/s/core by CPU time, %.2f by wall time (goal >= 1)\n",
           1e3 / cfull, 1e3 / full);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    if (system(path) != 0)
        return 1;
    vnfo_manifest_free(manifest);
    return 0;
}
