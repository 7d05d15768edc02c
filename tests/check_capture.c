/* The CLI's capture path (tools/capture.c) and its pcapng fallback
 * (tools/pcapng.c): the DLT -> LINKTYPE mapping; a valid pcapng libpcap
 * refuses (interfaces with different snapshot lengths) read packet for
 * packet as libpcap reads the same packets; and the fallback reader on
 * hostile input (every truncation, bytes flipped in every block header,
 * lengths out of range): never a crash or an out-of-bounds read (run
 * under ASan), every failure a message naming the offset. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "pcapng.h"
#include "testutil.h"
#include "traffic.h"

static char dir[64], mixed[128], same[128], cut[128];

static void setup(void)
{
    strcpy(dir, "/tmp/vnfo-capture-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s/tests/capture_corpus '%s'",
             getenv("top_builddir") ? getenv("top_builddir") : ".", dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(mixed, sizeof mixed, "%s/mixed-snaplen.pcapng", dir);
    snprintf(same, sizeof same, "%s/same-snaplen.pcapng", dir);
    snprintf(cut, sizeof cut, "%s/cut.pcapng", dir);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_dlt_mapping)
{
    ck_assert_uint_eq(capture_linktype_of_dlt(DLT_EN10MB), 1);
    ck_assert_uint_eq(capture_linktype_of_dlt(DLT_RAW), 101);
    ck_assert_uint_eq(capture_linktype_of_dlt(12), 101);
    ck_assert_uint_eq(capture_linktype_of_dlt(14), 101);
    ck_assert_uint_eq(capture_linktype_of_dlt(DLT_NULL), 0);
    ck_assert_uint_eq(capture_linktype_of_dlt(DLT_LOOP), 108);
    ck_assert_uint_eq(capture_linktype_of_dlt(DLT_PPP), 9);
    ck_assert_uint_eq(capture_linktype_of_dlt(DLT_PPP_SERIAL), 50);
    ck_assert_uint_eq(capture_linktype_of_dlt(DLT_C_HDLC), 104);
    ck_assert_uint_eq(capture_linktype_of_dlt(DLT_LINUX_SLL), 113);
    ck_assert_uint_eq(capture_linktype_of_dlt(DLT_LINUX_SLL2), 276);
    ck_assert_uint_eq(capture_linktype_of_dlt(DLT_NFLOG), 239);
    ck_assert_uint_eq(capture_linktype_of_dlt(DLT_IPV4), 228);
    ck_assert_uint_eq(capture_linktype_of_dlt(DLT_IPV6), 229);
    ck_assert_uint_eq(capture_linktype_of_dlt(11), 100); /* DLT_ATM_RFC1483 */
}
END_TEST

/* Every packet and timestamp of the refused file equals libpcap's reading
 * of the same packets with one snapshot length. */
START_TEST(test_mixed_snaplen_read)
{
    char err[2048];
    struct capture *a = capture_open(mixed, err, sizeof err), *b = capture_open(same, err, sizeof err);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(capture_linktype(a), 1);
    const uint8_t *pa, *pb;
    size_t la, lb;
    uint64_t ta, tb;
    int ra, rb;
    uint64_t n = 0;
    while ((ra = capture_next(a, &pa, &la, NULL, &ta)) == 1) {
        rb = capture_next(b, &pb, &lb, NULL, &tb);
        ck_assert_int_eq(rb, 1);
        ck_assert_uint_eq(la, lb);
        ck_assert_uint_eq(ta, tb);
        ck_assert_int_eq(memcmp(pa, pb, la), 0);
        n++;
    }
    ck_assert_int_eq(ra, 0);
    ck_assert_int_eq(capture_next(b, &pb, &lb, NULL, &tb), 0);
    ck_assert_uint_eq(n, 1000);
    ck_assert_uint_eq(capture_count(a), 1000);
    capture_close(a);
    capture_close(b);
}
END_TEST

static size_t slurp(uint8_t **out, const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *out = malloc((size_t)n);
    ck_assert_uint_eq(fread(*out, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return (size_t)n;
}

static void spill(const uint8_t *b, size_t n)
{
    FILE *f = fopen(cut, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(b, 1, n, f), n);
    fclose(f);
}

/* Reads the whole file with the fallback reader; returns the packets read
 * and whether it ended in an error, which must name an offset. */
static long read_all(int *failed)
{
    char err[1024];
    *failed = 0;
    struct pcapng *r = pcapng_open(cut, err, sizeof err);
    if (!r) {
        ck_assert_msg(strstr(err, cut) != NULL, "open error without the file: %s", err);
        *failed = 1;
        return -1;
    }
    const uint8_t *p;
    size_t len;
    uint64_t ts;
    long n = 0;
    int rc;
    while ((rc = pcapng_next(r, &p, &len, NULL, &ts)) == 1) {
        volatile uint8_t sink = 0;
        for (size_t i = 0; i < len; i++)
            sink ^= p[i]; /* every byte it hands out is readable */
        (void)sink;
        n++;
    }
    if (rc < 0) {
        ck_assert_msg(strncmp(pcapng_error(r), "offset ", 7) == 0, "error: %s", pcapng_error(r));
        *failed = 1;
    }
    pcapng_close(r);
    return n;
}

START_TEST(test_fallback_hostile)
{
    uint8_t *b;
    size_t n = slurp(&b, mixed);
    int failed;
    /* every cut in the first 4 KiB, then every 9973rd */
    for (size_t len = 0; len < n; len += len < 4096 ? 1 : 9973) {
        spill(b, len);
        long got = read_all(&failed);
        ck_assert_msg(got < 1000, "cut %zu read everything", len);
    }
    spill(b, n);
    ck_assert_int_eq(read_all(&failed), 1000);
    ck_assert_int_eq(failed, 0);
    /* every byte of the first 600 (section, interfaces, first packets)
     * replaced by values that upset lengths, types and ids, in the file's
     * first 4 KiB */
    static const uint8_t values[] = {0x00, 0x01, 0x02, 0x03, 0x06, 0x0a, 0x7f, 0x80, 0xff};
    size_t head = n < 4096 ? n : 4096;
    for (size_t at = 0; at < 600 && at < n; at++)
        for (size_t v = 0; v < sizeof values; v++) {
            uint8_t keep = b[at];
            b[at] = values[v];
            spill(b, head);
            read_all(&failed);
            b[at] = keep;
        }
    /* a block length beyond the bound */
    uint8_t big[28 + 12];
    memcpy(big, b, 28);
    uint32_t huge = PCAPNG_BLOCK_MAX + 4, one = 1;
    memcpy(big + 28, &one, 4);
    memcpy(big + 32, &huge, 4);
    memcpy(big + 36, &huge, 4);
    spill(big, sizeof big);
    char err[1024];
    ck_assert_ptr_null(pcapng_open(cut, err, sizeof err));
    ck_assert_msg(strstr(err, "offset 28: block length") != NULL, "%s", err);
    free(b);
}
END_TEST

/* The fallback reader opens the file again: through vnfo_file_open(), so a
 * FIFO put in its place is refused at once (fopen() waited for a writer). */
START_TEST(test_pcapng_open_refuses_fifo)
{
    char fdir[] = "/tmp/vnfo-pcapng-XXXXXX", path[64], err[1024], want[128];
    ck_assert_ptr_nonnull(mkdtemp(fdir));
    snprintf(path, sizeof path, "%s/fifo.pcapng", fdir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    ck_assert_ptr_null(pcapng_open(path, err, sizeof err));
    snprintf(want, sizeof want, "%s: not a regular file (a FIFO); refused", path);
    ck_assert_str_eq(err, want);
    unlink(path);
    rmdir(fdir);
}
END_TEST

static Suite *capture_suite(void)
{
    Suite *s = suite_create("capture");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_dlt_mapping);
    tcase_add_test(tc, test_mixed_snaplen_read);
    tcase_add_test(tc, test_fallback_hostile);
    tcase_add_test(tc, test_pcapng_open_refuses_fifo);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return vnfo_test_run(capture_suite());
}
