/* Generates the worked example of docs/FORMAT.md and the signed seeds of
 * the batch fuzz corpus (tests/corpus/batch), deterministically:
 *     make tests/log_example
 *     tests/log_example markdown            # paste between the markers in docs/FORMAT.md
 *     tests/log_example corpus ../tests/corpus/batch
 * tests/check_log.c fails when docs/FORMAT.md and this output differ. */
#include <stdlib.h>

#include "log_example.h"

static void write_file(const char *dir, const char *name, const uint8_t *p, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

/* Frames of a log in the given order (-1 ends), from the frames of src. */
static size_t reorder(uint8_t *out, const struct example_out *src, const int *order)
{
    const uint8_t *frame[16];
    size_t flen[16], n = 0, off = 0, len = 0;
    while (off < src->len && n < 16) {
        size_t b = (size_t)src->buf[off] << 24 | (size_t)src->buf[off + 1] << 16 |
                   (size_t)src->buf[off + 2] << 8 | src->buf[off + 3];
        frame[n] = src->buf + off;
        flen[n++] = 4 + b;
        off += 4 + b;
    }
    for (const int *o = order; *o >= 0; o++) {
        memcpy(out + len, frame[*o], flen[*o]);
        len += flen[*o];
    }
    return len;
}

/* Replaces record 0 of the single batch in o by `bytes`, then fixes the
 * root and signature as the key holder could: a signed hostile record. */
static size_t signed_with_record(uint8_t *out, const struct example_out *o, const uint8_t *bytes,
                                 size_t n)
{
    const uint8_t *batch = o->buf + 4;
    size_t blen = o->len - 4;
    const uint8_t *r1;
    size_t r1len;
    vnfo_log_batch_record(&r1, &r1len, batch, blen, 1);
    size_t len = 4 + 208;
    memcpy(out + 4, batch, 208);
    out[len] = 0, out[len + 1] = 0, out[len + 2] = (uint8_t)(n >> 8), out[len + 3] = (uint8_t)n;
    memcpy(out + len + 4, bytes, n);
    len += 4 + n;
    out[len] = 0, out[len + 1] = 0, out[len + 2] = (uint8_t)(r1len >> 8), out[len + 3] = (uint8_t)r1len;
    memcpy(out + len + 4, r1, r1len);
    len += 4 + r1len;
    size_t b = len - 4;
    out[0] = (uint8_t)(b >> 24), out[1] = (uint8_t)(b >> 16), out[2] = (uint8_t)(b >> 8), out[3] = (uint8_t)b;
    const uint8_t *entries[2] = {bytes, r1};
    size_t lens[2] = {n, r1len};
    vnfo_log_tree_root(out + 4 + 104, VNFO_LOG_TREE_BLAKE2B_256, entries, lens, 2);
    vnfo_signing_key *k = NULL;
    vnfo_signing_key_from_seed(&k, FUZZ_SEED);
    uint8_t msg[sizeof VNFO_LOG_SIGNATURE_CONTEXT + VNFO_LOG_HEADER_BYTES];
    memcpy(msg, VNFO_LOG_SIGNATURE_CONTEXT, sizeof VNFO_LOG_SIGNATURE_CONTEXT);
    memcpy(msg + sizeof VNFO_LOG_SIGNATURE_CONTEXT, out + 4, VNFO_LOG_HEADER_BYTES);
    vnfo_signing_key_sign(out + 4 + VNFO_LOG_HEADER_BYTES, k, msg, sizeof msg);
    vnfo_signing_key_free(k);
    return len;
}

static int corpus(const char *dir)
{
    static struct example_out one, three, sha, v1, closed;
    static uint8_t buf[1 << 16];
    if (example_log(&one, 1, 2, VNFO_LOG_TREE_BLAKE2B_256) != VNFO_OK ||
        example_log(&three, 3, 4, VNFO_LOG_TREE_BLAKE2B_256) != VNFO_OK ||
        example_log(&sha, 3, 3, VNFO_LOG_TREE_SHA256) != VNFO_OK ||
        example_log_ext(&v1, 2, 2, VNFO_LOG_TREE_BLAKE2B_256, 1, 0) != VNFO_OK ||
        example_log_ext(&closed, 2, 2, VNFO_LOG_TREE_BLAKE2B_256, 2, 1) != VNFO_OK)
        return 1;
    /* Records of format version 1, byte for byte what 0.1.0 wrote. */
    write_file(dir, "valid-v1-records", v1.buf, v1.len);
    /* Two batches, then a heartbeat batch and a period-close batch. */
    write_file(dir, "valid-heartbeat-close", closed.buf, closed.len);
    write_file(dir, "valid-one-batch", one.buf, one.len);
    write_file(dir, "valid-three-batches", three.buf, three.len);
    write_file(dir, "valid-sha256", sha.buf, sha.len);
    write_file(dir, "reordered", buf, reorder(buf, &three, (const int[]){0, 2, 1, -1}));
    write_file(dir, "duplicated", buf, reorder(buf, &three, (const int[]){0, 1, 1, 2, -1}));
    write_file(dir, "deleted", buf, reorder(buf, &three, (const int[]){0, 2, -1}));
    write_file(dir, "truncated", three.buf, three.len - 50);
    write_file(dir, "truncated-prefix", three.buf, 2);
    write_file(dir, "frame-length-huge", (const uint8_t *)"\xff\xff\xff\xff\x00", 5);
    write_file(dir, "frame-length-tiny", (const uint8_t *)"\x00\x00\x00\x0aVNFB\x00\x01\x01\x00\x00\x00", 14);
    memcpy(buf, one.buf, 4 + 208);
    buf[3] = 208;
    buf[2] = 0;
    write_file(dir, "header-only", buf, 4 + 208);
    /* Signed batches with hostile records: the decoder runs behind a valid signature. */
    write_file(dir, "signed-noncanonical-record", buf,
               signed_with_record(buf, &one, (const uint8_t *)"\x93\x01\xcc\x01", 4));
    write_file(dir, "signed-huge-array-record", buf,
               signed_with_record(buf, &one, (const uint8_t *)"\xdd\xff\xff\xff\xff\x01\x01", 7));
    write_file(dir, "signed-empty-record", buf, signed_with_record(buf, &one, (const uint8_t *)"", 0));
    /* A record whose seq contradicts its header. */
    static uint8_t rec[256];
    size_t rn;
    vnfo_record pkt, loss;
    example_records(&pkt, &loss);
    pkt.seq = 77;
    pkt.node_id = 1;
    vnfo_record_encode(rec, sizeof rec, &rn, &pkt);
    write_file(dir, "signed-wrong-seq-record", buf, signed_with_record(buf, &one, rec, rn));
    memcpy(buf, one.buf, one.len);
    buf[4 + 5] = 2; /* version 2, signature now wrong: version is checked first */
    write_file(dir, "newer-version", buf, one.len);
    return 0;
}

int main(int argc, char **argv)
{
    if (vnfo_init() != VNFO_OK)
        return 1;
    if (argc == 2 && strcmp(argv[1], "markdown") == 0)
        return example_markdown(stdout) == VNFO_OK ? 0 : 1;
    if (argc == 3 && strcmp(argv[1], "corpus") == 0)
        return corpus(argv[2]);
    fprintf(stderr, "usage: log_example markdown | corpus DIR\n");
    return 64;
}
