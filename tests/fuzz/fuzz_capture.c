/* Fuzz harness of the capture readers every capture-reading command uses
 * (tools/capture.c: libpcap with the tools/pcapng.c fallback) and of the
 * pcapng reader on its own.  The input is written to a file and read to the
 * end.  Invariants: no crash, leak, out-of-bounds read or unbounded
 * allocation (sanitizers, -malloc_limit_mb); a frame's captured length never
 * exceeds its wire length; a refusal or a read error carries a message that
 * names the file and is safe to print; every frame read is parsed with the
 * capture's link type, as the commands do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vnfo/vnfo.h>

#include "../../tools/capture.h"
#include "../../tools/pcapng.h"
#include "fuzz.h"

static char scratch[64];

static void remove_scratch(void)
{
    unlink(scratch);
}

/* The scratch file the input is written to, created once per process and
 * removed at exit. */
static const char *scratch_path(void)
{
    if (!scratch[0]) {
        snprintf(scratch, sizeof scratch, "/tmp/vnfo-fuzz-capture-XXXXXX");
        int fd = mkstemp(scratch);
        FUZZ_ASSERT(fd >= 0);
        close(fd);
        atexit(remove_scratch);
    }
    return scratch;
}

static void read_capture(const char *path)
{
    char err[2048];
    struct capture *c = capture_open(path, err, sizeof err);
    if (!c) {
        FUZZ_ASSERT(strstr(err, path) != NULL && fuzz_message_clean(err));
        return;
    }
    const uint8_t *pkt;
    size_t len, wire;
    uint64_t ts;
    int r;
    while ((r = capture_next(c, &pkt, &len, &wire, &ts)) == 1) {
        FUZZ_ASSERT(len <= wire);
        vnfo_packet_view v;
        uint8_t d[VNFO_PACKET_DIGEST_BYTES];
        if (vnfo_packet_parse(&v, pkt, len, capture_linktype(c)) == VNFO_OK)
            FUZZ_ASSERT(vnfo_packet_view_digest(d, &v) == VNFO_OK);
    }
    if (r < 0) {
        const char *e = capture_error(c);
        FUZZ_ASSERT(strstr(e, path) != NULL && fuzz_message_clean(e));
    }
    capture_close(c);
}

static void read_pcapng(const char *path)
{
    char err[1024];
    struct pcapng *r = pcapng_open(path, err, sizeof err);
    if (!r) {
        FUZZ_ASSERT(err[0] != '\0' && fuzz_message_clean(err));
        return;
    }
    const uint8_t *pkt;
    size_t len, wire;
    uint64_t ts;
    int rc;
    while ((rc = pcapng_next(r, &pkt, &len, &wire, &ts)) == 1)
        FUZZ_ASSERT(len <= wire && len <= PCAPNG_BLOCK_MAX);
    if (rc < 0)
        FUZZ_ASSERT(pcapng_error(r)[0] != '\0' && fuzz_message_clean(pcapng_error(r)));
    pcapng_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = scratch_path();
    FILE *f = fopen(path, "wb");
    FUZZ_ASSERT(f != NULL && fwrite(data, 1, size, f) == size && fclose(f) == 0);
    read_capture(path);
    read_pcapng(path);
    return 0;
}
