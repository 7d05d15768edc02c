/* The batch layout: header encoding and parsing, the signature input, the
 * records section, and verification of one batch on its own. */
#include <sodium.h>
#include <string.h>

#include "log/log_internal.h"

/* Byte offsets of the header fields (docs/FORMAT.md, "Batch header"). */
enum {
    OFF_MAGIC = 0,
    OFF_VERSION = 4,
    OFF_TREE_HASH = 6,
    OFF_RESERVED = 7,
    OFF_NODE = 8,
    OFF_MANIFEST = 12,
    OFF_EPOCH = 44,
    OFF_FIRST_SEQ = 52,
    OFF_COUNT = 60,
    OFF_LOST = 64,
    OFF_PREV = 72,
    OFF_ROOT = 104,
    OFF_CREATED = 136,
    OFF_END = 144,
};
_Static_assert(OFF_END == VNFO_LOG_HEADER_BYTES, "header layout and size disagree");

void vnfo__log_header_encode(uint8_t *out, const vnfo_log_header *h)
{
    memcpy(out + OFF_MAGIC, LOG_MAGIC, 4);
    out[OFF_VERSION] = (uint8_t)(h->format_version >> 8);
    out[OFF_VERSION + 1] = (uint8_t)h->format_version;
    out[OFF_TREE_HASH] = (uint8_t)h->tree_hash;
    out[OFF_RESERVED] = 0;
    log_store32(out + OFF_NODE, h->node_id);
    memcpy(out + OFF_MANIFEST, h->manifest_digest, LOG_HASH);
    log_store64(out + OFF_EPOCH, h->epoch);
    log_store64(out + OFF_FIRST_SEQ, h->first_seq);
    log_store32(out + OFF_COUNT, h->record_count);
    log_store64(out + OFF_LOST, h->lost_count);
    memcpy(out + OFF_PREV, h->prev_hash, LOG_HASH);
    memcpy(out + OFF_ROOT, h->root, LOG_HASH);
    log_store64(out + OFF_CREATED, h->created_ns);
}

size_t vnfo__log_signature_input(uint8_t *out, const uint8_t *header)
{
    /* sizeof includes the terminating NUL: the context ends with 0x00. */
    memcpy(out, VNFO_LOG_SIGNATURE_CONTEXT, sizeof VNFO_LOG_SIGNATURE_CONTEXT);
    memcpy(out + sizeof VNFO_LOG_SIGNATURE_CONTEXT, header, VNFO_LOG_HEADER_BYTES);
    return LOG_SIGNATURE_INPUT_MAX;
}

vnfo_status vnfo_log_header_parse(vnfo_log_header *out, const uint8_t *b, size_t len)
{
    if (!out || (!b && len))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_header_parse: NULL argument");
    if (len < OFF_TREE_HASH || memcmp(b, LOG_MAGIC, 4) != 0)
        return vnfo__error(VNFO_E_LOG_MALFORMED, "batch: byte 0: not a batch (magic \"VNFB\" missing)");
    out->format_version = (uint32_t)b[OFF_VERSION] << 8 | b[OFF_VERSION + 1];
    if (out->format_version == 0)
        return vnfo__error(VNFO_E_LOG_MALFORMED, "batch: byte 4: version 0 is not a version");
    if (out->format_version > VNFO_LOG_FORMAT_VERSION)
        return vnfo__error(VNFO_E_UNSUPPORTED_VERSION,
                           "batch: byte 4: format version %u; this library reads version %d",
                           out->format_version, VNFO_LOG_FORMAT_VERSION);
    if (len < VNFO_LOG_SIGNED_HEADER_BYTES)
        return vnfo__error(VNFO_E_LOG_MALFORMED,
                           "batch: %zu bytes, shorter than its %d-byte signed header", len,
                           VNFO_LOG_SIGNED_HEADER_BYTES);
    if (!vnfo__log_tree_hash_known(b[OFF_TREE_HASH]))
        return vnfo__error(VNFO_E_LOG_MALFORMED, "batch: byte 6: unknown tree hash %u", b[OFF_TREE_HASH]);
    if (b[OFF_RESERVED] != 0)
        return vnfo__error(VNFO_E_LOG_MALFORMED, "batch: byte 7: reserved byte is %u, not 0",
                           b[OFF_RESERVED]);
    out->tree_hash = (vnfo_log_tree_hash)b[OFF_TREE_HASH];
    out->node_id = log_load32(b + OFF_NODE);
    memcpy(out->manifest_digest, b + OFF_MANIFEST, LOG_HASH);
    out->epoch = log_load64(b + OFF_EPOCH);
    out->first_seq = log_load64(b + OFF_FIRST_SEQ);
    out->record_count = log_load32(b + OFF_COUNT);
    out->lost_count = log_load64(b + OFF_LOST);
    memcpy(out->prev_hash, b + OFF_PREV, LOG_HASH);
    memcpy(out->root, b + OFF_ROOT, LOG_HASH);
    out->created_ns = log_load64(b + OFF_CREATED);
    if (out->record_count == 0 || out->record_count > VNFO_LOG_MAX_BATCH_RECORDS)
        return vnfo__error(VNFO_E_LOG_MALFORMED, "batch: byte 60: record count %u outside 1..%u",
                           out->record_count, VNFO_LOG_MAX_BATCH_RECORDS);
    if (out->first_seq + out->record_count < out->first_seq)
        return vnfo__error(VNFO_E_LOG_MALFORMED, "batch: byte 52: sequence numbers overflow");
    return VNFO_OK;
}

vnfo_status vnfo_log_batch_hash(uint8_t *out, const uint8_t *batch, size_t len)
{
    vnfo_log_header h;
    if (!out)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_batch_hash: NULL argument");
    vnfo_status s = vnfo_log_header_parse(&h, batch, len);
    if (s != VNFO_OK)
        return s;
    vnfo__log_header_hash(out, h.tree_hash, batch);
    return VNFO_OK;
}

vnfo_status vnfo__log_records_walk(const uint8_t *batch, size_t len, uint32_t count,
                                   log_record_fn fn, void *ctx)
{
    size_t off = VNFO_LOG_SIGNED_HEADER_BYTES;
    for (uint32_t i = 0; i < count; i++) {
        if (len - off < 4)
            return vnfo__error(VNFO_E_LOG_MALFORMED,
                               "batch: byte %zu: record %u of %u: length prefix cut off", off, i, count);
        uint32_t n = log_load32(batch + off);
        if (n > len - off - 4)
            return vnfo__error(VNFO_E_LOG_MALFORMED,
                               "batch: byte %zu: record %u of %u: length %u beyond the end of the batch",
                               off, i, count, n);
        if (fn)
            fn(ctx, i, batch + off + 4, n);
        off += 4 + (size_t)n;
    }
    if (off != len)
        return vnfo__error(VNFO_E_LOG_MALFORMED,
                           "batch: byte %zu: %zu bytes after the last of %u records", off, len - off,
                           count);
    return VNFO_OK;
}

/* Feeds each record's leaf hash to the tree. */
static void push_leaf(void *ctx, uint32_t index, const uint8_t *rec, size_t len)
{
    (void)index;
    struct log_merkle *m = ctx;
    uint8_t leaf[LOG_HASH];
    vnfo__log_leaf_hash(leaf, m->h, rec, len);
    vnfo__log_merkle_push(m, leaf);
}

/* A whole digest in hex: two digests that differ only late would look the
 * same if shortened. */
static void hex_digest(char out[2 * LOG_HASH + 1], const uint8_t *p)
{
    sodium_bin2hex(out, 2 * LOG_HASH + 1, p, LOG_HASH);
}

vnfo_status vnfo_log_batch_verify(vnfo_log_header *out, const uint8_t *batch, size_t len,
                                  const vnfo_public_key *key, const uint8_t *manifest_digest)
{
    if (!out || !key || (!batch && len))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_batch_verify: NULL argument");
    vnfo_status s = vnfo_log_header_parse(out, batch, len);
    if (s != VNFO_OK)
        return s;
    uint8_t msg[LOG_SIGNATURE_INPUT_MAX];
    size_t n = vnfo__log_signature_input(msg, batch);
    if (vnfo_public_key_verify(key, msg, n, batch + VNFO_LOG_HEADER_BYTES) != VNFO_OK)
        return vnfo__error(VNFO_E_SIGNATURE_INVALID,
                           "batch: byte %d: signature does not verify under the node's public key "
                           "(node %u, first seq %llu)", VNFO_LOG_HEADER_BYTES, out->node_id,
                           (unsigned long long)out->first_seq);
    if (manifest_digest && memcmp(manifest_digest, out->manifest_digest, LOG_HASH) != 0) {
        char got[2 * LOG_HASH + 1], want[2 * LOG_HASH + 1];
        hex_digest(got, out->manifest_digest);
        hex_digest(want, manifest_digest);
        return vnfo__error(VNFO_E_LOG_MANIFEST_MISMATCH,
                           "batch: byte %d: manifest digest %s, expected %s", OFF_MANIFEST, got,
                           want);
    }
    struct log_merkle m;
    vnfo__log_merkle_init(&m, out->tree_hash);
    s = vnfo__log_records_walk(batch, len, out->record_count, push_leaf, &m);
    if (s != VNFO_OK)
        return s;
    uint8_t root[LOG_HASH];
    vnfo__log_merkle_root(root, &m);
    if (memcmp(root, out->root, LOG_HASH) != 0)
        return vnfo__error(VNFO_E_LOG_ROOT_MISMATCH,
                           "batch: the %u records (bytes %d..%zu) do not hash to the signed Merkle root",
                           out->record_count, VNFO_LOG_SIGNED_HEADER_BYTES, len);
    return VNFO_OK;
}

struct find_ctx {
    uint32_t want;
    const uint8_t *p;
    size_t len;
};

static void find_record(void *ctx, uint32_t index, const uint8_t *rec, size_t len)
{
    struct find_ctx *f = ctx;
    if (index == f->want) {
        f->p = rec;
        f->len = len;
    }
}

vnfo_status vnfo_log_batch_record(const uint8_t **out, size_t *out_len, const uint8_t *batch,
                                  size_t len, uint32_t index)
{
    if (!out || !out_len)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_batch_record: NULL argument");
    vnfo_log_header h;
    vnfo_status s = vnfo_log_header_parse(&h, batch, len);
    if (s != VNFO_OK)
        return s;
    if (index >= h.record_count)
        return vnfo__error(VNFO_E_NOT_FOUND, "batch: record %u: the batch holds %u records", index,
                           h.record_count);
    struct find_ctx f = {index, NULL, 0};
    s = vnfo__log_records_walk(batch, len, h.record_count, find_record, &f);
    if (s != VNFO_OK)
        return s;
    *out = f.p;
    *out_len = f.len;
    return VNFO_OK;
}

vnfo_status vnfo_log_batch_record_next(const uint8_t **out, size_t *out_len, const uint8_t *batch,
                                       size_t len, vnfo_log_batch_cursor *cur)
{
    if (!out || !out_len || !cur)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_batch_record_next: NULL argument");
    vnfo_log_header h;
    vnfo_status s = vnfo_log_header_parse(&h, batch, len);
    if (s != VNFO_OK)
        return s;
    size_t off = cur->offset_ ? cur->offset_ : VNFO_LOG_SIGNED_HEADER_BYTES;
    if (off > len)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_batch_record_next: cursor beyond the batch");
    if (cur->index >= h.record_count) {
        if (off != len)
            return vnfo__error(VNFO_E_LOG_MALFORMED, "batch: byte %zu: %zu bytes after the last of %u records",
                               off, len - off, h.record_count);
        return VNFO_E_NOT_FOUND;
    }
    if (len - off < 4)
        return vnfo__error(VNFO_E_LOG_MALFORMED, "batch: byte %zu: record %u of %u: length prefix cut off",
                           off, cur->index, h.record_count);
    uint32_t n = log_load32(batch + off);
    if (n > len - off - 4)
        return vnfo__error(VNFO_E_LOG_MALFORMED,
                           "batch: byte %zu: record %u of %u: length %u beyond the end of the batch", off,
                           cur->index, h.record_count, n);
    *out = batch + off + 4;
    *out_len = n;
    cur->offset_ = off + 4 + (size_t)n;
    cur->index++;
    return VNFO_OK;
}
