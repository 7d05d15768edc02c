/* Peak memory per record (issue 11): the log reader streaming a file, and
 * the verifier keeping sampled records.  Each figure is measured in a child
 * process (peak RSS, getrusage) against a baseline child that does the same
 * set-up without the records, so the difference is what the records cost.
 * Baselines printed beside: the file's own bytes per record (what holding
 * the file whole cost the reader before it streamed), and the 168-byte
 * record copy the verifier documents. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vnfo/vnfo.h>

#include "sim.h"

#define RECORDS 400000u

static vnfo_status fd_sink(void *ctx, const uint8_t *batch, size_t len)
{
    return vnfo_log_file_sink(ctx, batch, len);
}

static void packet(vnfo_record *r, uint32_t node, uint64_t i)
{
    vnfo_record_init(r, VNFO_RECORD_PACKET);
    r->node_id = node;
    r->seq = i;
    r->u.packet.label = i + 1;
    r->u.packet.t_in_ns = 1000 * i;
    r->u.packet.t_out_ns = 1000 * i + 500;
    r->u.packet.cpu_cycles = 4000;
}

static void write_log(const char *path, const vnfo_signing_key *k)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    vnfo_log_writer_options o = VNFO_LOG_WRITER_OPTIONS_INIT;
    o.node_id = 1;
    o.key = k;
    o.sink = fd_sink;
    o.sink_ctx = &fd;
    vnfo_log_writer *w;
    if (fd < 0 || vnfo_log_writer_create(&w, &o) != VNFO_OK)
        exit(1);
    vnfo_record r;
    for (uint64_t i = 0; i < RECORDS; i++) {
        packet(&r, 1, i);
        if (vnfo_log_writer_append(w, &r) != VNFO_OK)
            exit(1);
    }
    vnfo_log_writer_flush(w);
    vnfo_log_writer_free(w);
    close(fd);
}

/* Child: read (and decode) the log when `records`, else only set up. */
static int reader_child(const char *path, const vnfo_public_key *pk, int records)
{
    vnfo_log_reader_options ro = VNFO_LOG_READER_OPTIONS_INIT;
    ro.public_key = *pk;
    vnfo_log_reader *r;
    if (vnfo_log_reader_create(&r, &ro) != VNFO_OK)
        return 1;
    if (records) {
        vnfo_log_reader_add_file(r, path);
        if (vnfo_log_reader_verify(r) != VNFO_OK) {
            fprintf(stderr, "bench_memory: %s\n", vnfo_error_message());
            return 1;
        }
        vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
        vnfo_record rec;
        uint64_t n = 0;
        while (vnfo_log_reader_next_record(&rec, r, &cur) == VNFO_OK)
            n++;
        if (n != RECORDS)
            return 1;
    }
    vnfo_log_reader_free(r);
    return 0;
}

/* Child: keep `records` sampled records (one per chain node each) and run. */
static int verifier_child(const vnfo_manifest *m, int records)
{
    vnfo_verifier *v;
    if (vnfo_verifier_create(&v, m, NULL) != VNFO_OK)
        return 1;
    vnfo_record r;
    size_t chain = vnfo_manifest_chain_count(m);
    /* The baseline keeps one record per chain node (run needs a log for each). */
    uint64_t n = records ? RECORDS : chain;
    for (uint64_t i = 0; i < n; i++) {
        packet(&r, vnfo_manifest_chain_node_id(m, i % chain), i / chain);
        r.u.packet.hop = (uint32_t)(i % chain);
        if (vnfo_verifier_record_add(v, &r) != VNFO_OK) {
            fprintf(stderr, "bench_memory: %s\n", vnfo_error_message());
            return 1;
        }
    }
    vnfo_report *rep;
    if (vnfo_verifier_run(&rep, v) != VNFO_OK) {
        fprintf(stderr, "bench_memory: %s\n", vnfo_error_message());
        return 1;
    }
    vnfo_report_free(rep);
    vnfo_verifier_free(v);
    return 0;
}

/* Peak RSS (KiB) of a child running fn; children run one after the other,
 * the smaller first, since RUSAGE_CHILDREN keeps the largest. */
static long child_peak(int (*fn)(const void *, int), const void *arg, int records)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn(arg, records));
    int status;
    struct rusage ru;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        getrusage(RUSAGE_CHILDREN, &ru) != 0) {
        fprintf(stderr, "bench_memory: child failed\n");
        exit(1);
    }
    return ru.ru_maxrss;
}

struct reader_arg {
    const char *path;
    vnfo_public_key pk;
};

static int run_reader(const void *a, int records)
{
    const struct reader_arg *ra = a;
    return reader_child(ra->path, &ra->pk, records);
}

static int run_verifier(const void *a, int records)
{
    return verifier_child(a, records);
}

int main(void)
{
    if (vnfo_init() != VNFO_OK)
        return 1;
    char dir[] = "/tmp/vnfo-bench-memory-XXXXXX", path[64], keys[64], mpath[80];
    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof path, "%s/fw.log", dir);
    uint8_t seed[32] = {3};
    vnfo_signing_key *k;
    struct reader_arg ra = {path, {{0}}};
    if (vnfo_signing_key_from_seed(&k, seed) != VNFO_OK || vnfo_signing_key_public(&ra.pk, k) != VNFO_OK)
        return 1;
    write_log(path, k);
    vnfo_signing_key_free(k);
    struct stat st;
    stat(path, &st);

    static const char *const names[] = {"customer", "provider", "fw", "ids", "nat"};
    snprintf(keys, sizeof keys, "%s/keys", dir);
    snprintf(mpath, sizeof mpath, "%s/manifest.json", dir);
    mkdir(keys, 0700);
    vnfo_manifest *m;
    if (sim_keys_generate_seeded(keys, names, 5, 1) != VNFO_OK || sim_manifest_write(mpath, keys, 8) != VNFO_OK ||
        vnfo_manifest_load(&m, mpath) != VNFO_OK)
        return 1;

    long r0 = child_peak(run_reader, &ra, 0), r1 = child_peak(run_reader, &ra, 1);
    long v0 = child_peak(run_verifier, m, 0), v1 = child_peak(run_verifier, m, 1);
    double file_per = (double)st.st_size / RECORDS;
    double reader_per = (double)(r1 - r0) * 1024 / RECORDS;
    double verify_per = (double)(v1 - v0) * 1024 / RECORDS;
    printf("log reader, %u records in a %lld-byte file (batches of 1024): peak RSS %ld KiB over a "
           "%ld KiB set-up: %.2f bytes/record; baseline: the file itself %.1f bytes/record "
           "(ratio %.3f)\n", RECORDS, (long long)st.st_size, r1, r0, reader_per, file_per,
           reader_per / file_per);
    printf("verifier, %u sampled records kept and checked: peak RSS %ld KiB over a %ld KiB set-up: "
           "%.1f bytes/record; baseline: the %zu-byte record copy (ratio %.2f)\n", RECORDS, v1, v0,
           verify_per, vnfo_verify_record_bytes(), verify_per / (double)vnfo_verify_record_bytes());
    vnfo_manifest_free(m);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
