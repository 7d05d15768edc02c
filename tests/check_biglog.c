/* A log over 1 GiB, generated on the fly and removed, verified by `vnfo log
 * verify` under an address-space limit of 256 MiB (setrlimit RLIMIT_AS, as
 * `ulimit -v` does): the reader streams one batch at a time, so the size of
 * the log does not matter.  The child's peak RSS is printed and bounded.
 * VNFO_BIGLOG_MIB sets the size (default 1100).  Under AddressSanitizer,
 * which reserves terabytes of address space, the limit cannot be set: the
 * sanitizer build verifies a 64 MiB log without it. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vnfo/vnfo.h>

#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

#define LIMIT_BYTES ((rlim_t)256 << 20)
#define PACKET_BYTES 2000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static vnfo_status fd_sink(void *ctx, const uint8_t *batch, size_t len)
{
    return vnfo_log_file_sink(ctx, batch, len);
}

/* Writes records of PACKET_BYTES packet bytes until the file passes `bytes`;
 * returns the record count. */
static uint64_t generate(const char *path, const vnfo_signing_key *k, uint64_t bytes)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    ck_assert_int_ge(fd, 0);
    vnfo_log_writer_options o = VNFO_LOG_WRITER_OPTIONS_INIT;
    o.node_id = 1;
    o.key = k;
    o.sink = fd_sink;
    o.sink_ctx = &fd;
    vnfo_log_writer *w;
    ck_assert_status(vnfo_log_writer_create(&w, &o), VNFO_OK);
    static uint8_t pkt[PACKET_BYTES];
    for (size_t i = 0; i < sizeof pkt; i++)
        pkt[i] = (uint8_t)(i * 131);
    uint64_t n = 0, per_record = PACKET_BYTES + 120;
    vnfo_record r;
    vnfo_status s = VNFO_OK;
    for (; s == VNFO_OK && n * per_record < bytes; n++) {
        vnfo_record_init(&r, VNFO_RECORD_PACKET);
        r.node_id = 1;
        r.seq = n;
        r.u.packet.label = n + 1;
        r.u.packet.granularity = VNFO_GRANULARITY_FULL;
        r.u.packet.bytes_in = pkt;
        r.u.packet.bytes_in_len = sizeof pkt;
        r.u.packet.t_in_ns = 1000 * n;
        r.u.packet.t_out_ns = 1000 * n + 500;
        s = vnfo_log_writer_append(w, &r);
    }
    ck_assert_status(s, VNFO_OK);
    ck_assert_status(vnfo_log_writer_flush(w), VNFO_OK);
    vnfo_log_writer_free(w);
    ck_assert_int_eq(close(fd), 0);
    return n;
}

START_TEST(test_verify_big_log_under_memory_limit)
{
    const char *env = getenv("VNFO_BIGLOG_MIB");
    uint64_t mib = env && *env ? strtoull(env, NULL, 10) : SANITIZED ? 64 : 1100;
    const char *builddir = getenv("top_builddir");
    char vnfo[512], dir[] = "/tmp/vnfo-biglog-XXXXXX", log[64], pub[64], out[64];
    snprintf(vnfo, sizeof vnfo, "%s/tools/vnfo", builddir ? builddir : ".");
    if (access(vnfo, X_OK) != 0) {
        printf("skipped: no %s (CLI not built)\n", vnfo);
        return;
    }
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(log, sizeof log, "%s/fw.log", dir);
    snprintf(pub, sizeof pub, "%s/fw.pub", dir);
    snprintf(out, sizeof out, "%s/out.txt", dir);
    uint8_t seed[32] = {7};
    vnfo_signing_key *k;
    ck_assert_status(vnfo_signing_key_from_seed(&k, seed), VNFO_OK);
    vnfo_public_key pk;
    ck_assert_status(vnfo_signing_key_public(&pk, k), VNFO_OK);
    ck_assert_status(vnfo_public_key_save(&pk, pub), VNFO_OK);
    double t0 = now_s();
    uint64_t records = generate(log, k, mib << 20);
    vnfo_signing_key_free(k);
    struct stat st;
    ck_assert_int_eq(stat(log, &st), 0);
    double t1 = now_s();

    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || dup2(fd, 1) < 0)
            _exit(120);
        struct rlimit lim = {LIMIT_BYTES, LIMIT_BYTES};
        if (!SANITIZED && setrlimit(RLIMIT_AS, &lim) != 0)
            _exit(121);
        execl(vnfo, vnfo, "log", "verify", "--pub", pub, log, (char *)NULL);
        _exit(122);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    double t2 = now_s();
    struct rusage ru;
    ck_assert_int_eq(getrusage(RUSAGE_CHILDREN, &ru), 0);
    char cmd[160], last[512] = "";
    snprintf(cmd, sizeof cmd, "tail -1 '%s'", out);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    if (!fgets(last, sizeof last, p))
        last[0] = '\0';
    pclose(p);
    unlink(log);
    unlink(pub);
    unlink(out);
    rmdir(dir);
    printf("biglog: %lld bytes, %llu records written in %.1f s; vnfo log verify under a %llu MiB "
           "address-space limit%s: %.1f s, peak RSS %ld KiB (%.3f bytes per record); %s",
           (long long)st.st_size, (unsigned long long)records, t1 - t0,
           (unsigned long long)(LIMIT_BYTES >> 20), SANITIZED ? " (not set: ASan)" : "", t2 - t1,
           ru.ru_maxrss, (double)ru.ru_maxrss * 1024 / (double)records, last);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "vnfo log verify: status %d: %s",
                  status, last);
    char want[96];
    snprintf(want, sizeof want, "%llu records, 0 faulty batches, 0 undecodable records: VALID",
             (unsigned long long)records);
    ck_assert_msg(strstr(last, want) != NULL, "last line: %s", last);
    if (!SANITIZED)
        ck_assert_msg(ru.ru_maxrss < 64 * 1024, "peak RSS %ld KiB", ru.ru_maxrss);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("biglog");
    TCase *tc = tcase_create("biglog");
    tcase_add_checked_fixture(tc, vnfo_test_setup_init, NULL);
    tcase_set_timeout(tc, 900);
    tcase_add_test(tc, test_verify_big_log_under_memory_limit);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
