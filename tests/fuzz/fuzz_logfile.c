/* Fuzz harness of the streaming log-file reader: the input is written to a
 * file and read with vnfo_log_reader_add_file() (one batch window at a
 * time, never held whole) and, as the reference, with
 * vnfo_log_reader_add_buffer().  Invariants: no crash, leak or out-of-bounds
 * read (sanitizers); both paths reach the same verdict, see the same
 * batches (status, offset, length, header) and yield the same records,
 * byte for byte, in the same order; every failure carries a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vnfo/vnfo.h>

#include "fuzz.h"
#include "fuzz_key.h"

static vnfo_log_reader *open_reader(void)
{
    static vnfo_log_reader_options o;
    static int ready;
    if (!ready) {
        vnfo_signing_key *k = NULL;
        FUZZ_ASSERT(vnfo_init() == VNFO_OK);
        FUZZ_ASSERT(vnfo_log_reader_options_init(&o, VNFO_LOG_READER_OPTIONS_VERSION) == VNFO_OK);
        FUZZ_ASSERT(vnfo_signing_key_from_seed(&k, FUZZ_SEED) == VNFO_OK);
        vnfo_signing_key_public(&o.public_key, k);
        vnfo_signing_key_free(k);
        ready = 1;
    }
    vnfo_log_reader *r = NULL;
    FUZZ_ASSERT(vnfo_log_reader_create(&r, &o) == VNFO_OK);
    return r;
}

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
        snprintf(scratch, sizeof scratch, "/tmp/vnfo-fuzz-logfile-XXXXXX");
        int fd = mkstemp(scratch);
        FUZZ_ASSERT(fd >= 0);
        close(fd);
        atexit(remove_scratch);
    }
    return scratch;
}

static void write_scratch(const uint8_t *data, size_t size)
{
    FILE *f = fopen(scratch_path(), "wb");
    FUZZ_ASSERT(f != NULL);
    FUZZ_ASSERT(fwrite(data, 1, size, f) == size);
    FUZZ_ASSERT(fclose(f) == 0);
}

static void same_batches(vnfo_log_reader *a, vnfo_log_reader *b)
{
    size_t n = vnfo_log_reader_batch_count(a);
    FUZZ_ASSERT(n == vnfo_log_reader_batch_count(b));
    for (size_t i = 0; i < n; i++) {
        vnfo_log_batch_info x, y;
        FUZZ_ASSERT(vnfo_log_reader_batch(&x, a, i) == VNFO_OK);
        FUZZ_ASSERT(vnfo_log_reader_batch(&y, b, i) == VNFO_OK);
        FUZZ_ASSERT(x.status == y.status && x.offset == y.offset && x.len == y.len);
        FUZZ_ASSERT(x.header_valid == y.header_valid);
        if (x.status != VNFO_OK)
            FUZZ_ASSERT_MESSAGE(x.message);
        if (x.header_valid) {
            FUZZ_ASSERT(x.header.first_seq == y.header.first_seq);
            FUZZ_ASSERT(x.header.record_count == y.header.record_count);
            FUZZ_ASSERT(memcmp(x.hash, y.hash, sizeof x.hash) == 0);
        }
    }
}

static void same_records(vnfo_log_reader *a, vnfo_log_reader *b)
{
    vnfo_log_cursor ca = VNFO_LOG_CURSOR_INIT, cb = VNFO_LOG_CURSOR_INIT;
    static uint8_t ea[VNFO_RECORD_MAX_BYTES], eb[VNFO_RECORD_MAX_BYTES];
    for (int guard = 0; guard < 1 << 22; guard++) {
        vnfo_record ra, rb;
        vnfo_status sa = vnfo_log_reader_next_record(&ra, a, &ca);
        vnfo_status sb = vnfo_log_reader_next_record(&rb, b, &cb);
        FUZZ_ASSERT(sa == sb && ca.batch == cb.batch && ca.record == cb.record);
        if (sa == VNFO_E_NOT_FOUND)
            return;
        if (sa != VNFO_OK)
            continue;
        size_t na = 0, nb = 0;
        FUZZ_ASSERT(vnfo_record_encode(ea, sizeof ea, &na, &ra) == VNFO_OK);
        FUZZ_ASSERT(vnfo_record_encode(eb, sizeof eb, &nb, &rb) == VNFO_OK);
        FUZZ_ASSERT(na == nb && memcmp(ea, eb, na) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    write_scratch(data, size);
    vnfo_log_reader *file = open_reader(), *buf = open_reader();
    vnfo_status fs = vnfo_log_reader_add_file(file, scratch_path());
    if (fs != VNFO_OK)
        FUZZ_ASSERT_MESSAGE(vnfo_error_message());
    FUZZ_ASSERT(vnfo_log_reader_add_buffer(buf, data, size, "fuzz") == VNFO_OK);
    if (fs == VNFO_OK) {
        vnfo_status vf = vnfo_log_reader_verify(file);
        if (vf != VNFO_OK)
            FUZZ_ASSERT_MESSAGE(vnfo_error_message());
        vnfo_status vb = vnfo_log_reader_verify(buf);
        FUZZ_ASSERT(vf == vb);
        same_batches(file, buf);
        same_records(file, buf);
    }
    vnfo_log_reader_free(file);
    vnfo_log_reader_free(buf);
    return 0;
}
