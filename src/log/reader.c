/* The reader/verifier.  Two passes over the stream: first every batch on
 * its own (framing, version, signature, node, manifest, Merkle root), then
 * the authentic batches as a chain (sequence numbers, signed loss counts,
 * previous-batch hashes, duplicates).  Records are decoded only afterwards,
 * by the iterator, and only from authentic batches. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log/log_internal.h"

#define LOG_FILE_MAX ((size_t)16 << 30)

struct source {
    char *name;
    const uint8_t *data;
    size_t len;
    uint8_t *owned; /* file contents read by the reader, else NULL */
};

struct entry {
    vnfo_log_batch_info info; /* message and source pointers set on the way out */
    size_t source;
    int authentic;  /* passed the per-batch checks */
    int iterable;   /* authentic and not a duplicate */
    char message[320];
};

struct vnfo_log_reader {
    vnfo_log_reader_options o;
    struct source *src;
    size_t nsrc;
    struct entry *e;
    size_t n, cap;
};

static const vnfo_log_reader_options READER_DEFAULTS = VNFO_LOG_READER_OPTIONS_INIT;

vnfo_status vnfo_log_reader_options_init(vnfo_log_reader_options *out, unsigned version)
{
    return vnfo__options_init(out, sizeof *out, &READER_DEFAULTS,
                              version, VNFO_LOG_READER_OPTIONS_VERSION, __func__);
}

vnfo_status vnfo_log_reader_create(vnfo_log_reader **out, const vnfo_log_reader_options *opts)
{
    if (!out || !opts)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_reader_create: NULL argument");
    *out = NULL;
    if (opts->version != VNFO_LOG_READER_OPTIONS_VERSION)
        return vnfo__error(VNFO_E_STRUCT_VERSION, "vnfo_log_reader_options: version %u, expected %d",
                           opts->version, VNFO_LOG_READER_OPTIONS_VERSION);
    vnfo_log_reader *r = vnfo__calloc(1, sizeof *r);
    if (!r)
        return vnfo__error(VNFO_E_NO_MEMORY, "log reader: out of memory");
    r->o = *opts;
    *out = r;
    return VNFO_OK;
}

void vnfo_log_reader_free(vnfo_log_reader *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nsrc; i++) {
        vnfo__free(r->src[i].name);
        vnfo__free(r->src[i].owned);
    }
    vnfo__free(r->src);
    vnfo__free(r->e);
    vnfo__free(r);
}

static vnfo_status source_add(vnfo_log_reader *r, const uint8_t *data, size_t len, const char *name,
                              uint8_t *owned)
{
    struct source *grown = vnfo__reallocarray(r->src, r->nsrc + 1, sizeof *grown);
    char *copy = vnfo__strdup(name);
    if (!grown || !copy) {
        if (grown)
            r->src = grown;
        vnfo__free(copy);
        return vnfo__error(VNFO_E_NO_MEMORY, "log reader: out of memory adding %s", name);
    }
    r->src = grown;
    r->src[r->nsrc++] = (struct source){copy, data, len, owned};
    return VNFO_OK;
}

vnfo_status vnfo_log_reader_add_buffer(vnfo_log_reader *r, const uint8_t *data, size_t len,
                                       const char *name)
{
    if (!r || (!data && len) || !name)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_reader_add_buffer: NULL argument");
    return source_add(r, data, len, name, NULL);
}

vnfo_status vnfo_log_reader_add_file(vnfo_log_reader *r, const char *path)
{
    if (!r || !path)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_reader_add_file: NULL argument");
    uint8_t *buf;
    size_t len;
    vnfo_status s = vnfo__file_read(path, LOG_FILE_MAX, &buf, &len);
    if (s != VNFO_OK)
        return s;
    s = source_add(r, buf, len, path, buf);
    if (s != VNFO_OK)
        vnfo__free(buf);
    return s;
}

/* ---- pass 1: framing and per-batch checks -------------------------------- */

static struct entry *entry_new(vnfo_log_reader *r, size_t source, uint64_t offset)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        struct entry *grown = vnfo__reallocarray(r->e, cap, sizeof *grown);
        if (!grown)
            return NULL;
        r->e = grown;
        r->cap = cap;
    }
    struct entry *e = &r->e[r->n++];
    memset(e, 0, sizeof *e);
    e->source = source;
    e->info.offset = offset;
    return e;
}

static void entry_fail(struct entry *e, vnfo_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void entry_fail(struct entry *e, vnfo_status s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    e->info.status = s;
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

/* The per-batch checks; the node check needs the reader's state. */
static void entry_check(vnfo_log_reader *r, struct entry *e, uint32_t *node, int *node_known)
{
    e->info.header_valid = vnfo_log_header_parse(&e->info.header, e->info.bytes, e->info.len) == VNFO_OK;
    vnfo_status s = vnfo_log_batch_verify(&e->info.header, e->info.bytes, e->info.len,
                                          &r->o.public_key, r->o.manifest_digest);
    if (e->info.header_valid)
        vnfo__log_header_hash(e->info.hash, e->info.header.tree_hash, e->info.bytes);
    if (s != VNFO_OK) {
        entry_fail(e, s, "%s", vnfo_error_message());
        return;
    }
    if (*node_known && e->info.header.node_id != *node) {
        entry_fail(e, VNFO_E_LOG_NODE_MISMATCH, "batch from node %" PRIu32 ", expected node %" PRIu32,
                   e->info.header.node_id, *node);
        return;
    }
    *node = e->info.header.node_id;
    *node_known = 1;
    e->authentic = 1;
}

/* Splits one source into frames: a 4-byte big-endian length, then a batch. */
static vnfo_status frames_scan(vnfo_log_reader *r, size_t si, uint32_t *node, int *node_known)
{
    const struct source *src = &r->src[si];
    size_t off = 0;
    while (off < src->len) {
        struct entry *e = entry_new(r, si, off);
        if (!e)
            return vnfo__error(VNFO_E_NO_MEMORY, "log reader: out of memory");
        size_t left = src->len - off;
        uint32_t n = left >= 4 ? log_load32(src->data + off) : 0;
        if (left < 4) {
            entry_fail(e, VNFO_E_LOG_TRUNCATED, "the log ends inside a batch: %zu bytes of a 4-byte "
                       "length prefix (crash-truncated tail?)", left);
            return VNFO_OK;
        }
        if (n <= VNFO_LOG_MAX_BATCH_BYTES && n > left - 4) {
            /* A torn write leaves the start of a real batch; anything else
             * (garbage read as a length) is not a truncated log. */
            size_t have = left - 4 < 4 ? left - 4 : 4;
            if (memcmp(src->data + off + 4, LOG_MAGIC, have) != 0)
                entry_fail(e, VNFO_E_LOG_MALFORMED, "frame of %" PRIu32 " bytes does not start with "
                           "a batch (magic \"VNFB\" missing) and runs past the end of the log", n);
            else
                entry_fail(e, VNFO_E_LOG_TRUNCATED, "the log ends inside a batch: %zu of its %" PRIu32
                           " bytes present (crash-truncated tail?)", left - 4, n);
            return VNFO_OK;
        }
        if (n > VNFO_LOG_MAX_BATCH_BYTES || n < VNFO_LOG_SIGNED_HEADER_BYTES) {
            /* No way to find the next frame: the rest of the source is lost. */
            entry_fail(e, VNFO_E_LOG_MALFORMED,
                       "frame length %" PRIu32 " outside %d..%u; the rest of the source (%zu bytes) is unreadable",
                       n, VNFO_LOG_SIGNED_HEADER_BYTES, VNFO_LOG_MAX_BATCH_BYTES, left);
            return VNFO_OK;
        }
        e->info.bytes = src->data + off + 4;
        e->info.len = n;
        entry_check(r, e, node, node_known);
        off += 4 + (size_t)n;
    }
    return VNFO_OK;
}

/* ---- pass 2: the chain ---------------------------------------------------- */

/* Open-addressing set of batch hashes seen so far (indexes of entries). */
struct seen {
    size_t *slot; /* entry index + 1; 0 = empty */
    size_t mask;
};

static size_t seen_home(const struct seen *t, const uint8_t *hash)
{
    uint64_t k;
    memcpy(&k, hash, sizeof k);
    return (size_t)k & t->mask;
}

/* Returns the index + 1 of an earlier entry with the same hash, or inserts. */
static size_t seen_find_or_add(struct seen *t, const struct entry *e, size_t idx)
{
    for (size_t i = seen_home(t, e[idx].info.hash);; i = (i + 1) & t->mask) {
        if (t->slot[i] == 0) {
            t->slot[i] = idx + 1;
            return 0;
        }
        if (memcmp(e[t->slot[i] - 1].info.hash, e[idx].info.hash, LOG_HASH) == 0)
            return t->slot[i];
    }
}

struct chain {
    int anchored;
    uint64_t next_seq;
    uint8_t last_hash[LOG_HASH];
};

/* Whether a later authentic batch starts inside [lo, hi): then the batch
 * that jumped to hi came early rather than the records being gone. */
static size_t later_fills(const vnfo_log_reader *r, size_t i, uint64_t lo, uint64_t hi)
{
    for (size_t j = i + 1; j < r->n; j++)
        if (r->e[j].authentic && r->e[j].info.header.first_seq >= lo &&
            r->e[j].info.header.first_seq < hi)
            return j + 1;
    return 0;
}

static void chain_accept(struct chain *c, const struct entry *e)
{
    c->anchored = 1;
    c->next_seq = e->info.header.first_seq + e->info.header.record_count;
    memcpy(c->last_hash, e->info.hash, LOG_HASH);
}

static void chain_check(vnfo_log_reader *r, struct chain *c, struct seen *t, size_t i)
{
    struct entry *e = &r->e[i];
    const vnfo_log_header *h = &e->info.header;
    size_t dup = seen_find_or_add(t, r->e, i);
    if (dup) {
        entry_fail(e, VNFO_E_LOG_DUPLICATE, "same batch as batch %zu (seq %" PRIu64 "..%" PRIu64
                   "): duplicated or replayed", dup - 1, h->first_seq, h->first_seq + h->record_count - 1);
        return;
    }
    e->iterable = 1;
    if (!c->anchored) {
        chain_accept(c, e);
        return;
    }
    uint64_t want = c->next_seq + h->lost_count;
    if (want < c->next_seq) {
        entry_fail(e, VNFO_E_LOG_SEQUENCE_GAP, "lost count %" PRIu64 " overflows the sequence", h->lost_count);
        return;
    }
    if (h->first_seq < want) {
        entry_fail(e, VNFO_E_LOG_REORDERED, "starts at seq %" PRIu64 ", before the expected %" PRIu64
                   ": it comes after a later batch", h->first_seq, want);
        return;
    }
    if (h->first_seq > want) {
        size_t j = later_fills(r, i, want, h->first_seq);
        if (j)
            entry_fail(e, VNFO_E_LOG_REORDERED, "starts at seq %" PRIu64 ", expected %" PRIu64
                       "; the batch holding seq %" PRIu64 " comes later (batch %zu)", h->first_seq,
                       want, r->e[j - 1].info.header.first_seq, j - 1);
        else
            entry_fail(e, VNFO_E_LOG_SEQUENCE_GAP, "starts at seq %" PRIu64 ", expected %" PRIu64
                       ": %" PRIu64 " records missing that no signed loss count explains",
                       h->first_seq, want, h->first_seq - want);
    } else if (memcmp(h->prev_hash, c->last_hash, LOG_HASH) != 0) {
        entry_fail(e, VNFO_E_LOG_BROKEN_CHAIN, "seq %" PRIu64 " follows on, but prev_hash does not "
                   "match the hash of the batch before it", h->first_seq);
    }
    /* Judge the following batches relative to this one. */
    chain_accept(c, e);
}

static vnfo_status chain_run(vnfo_log_reader *r)
{
    struct seen t;
    size_t size = 16;
    while (size < 2 * r->n)
        size *= 2;
    t.slot = vnfo__calloc(size, sizeof *t.slot);
    if (!t.slot)
        return vnfo__error(VNFO_E_NO_MEMORY, "log reader: out of memory");
    t.mask = size - 1;
    struct chain c = {0, 0, {0}};
    if (r->o.anchored) {
        c.anchored = 1;
        c.next_seq = r->o.anchor_seq;
        memcpy(c.last_hash, r->o.anchor_hash, LOG_HASH);
    }
    for (size_t i = 0; i < r->n; i++)
        if (r->e[i].authentic)
            chain_check(r, &c, &t, i);
    vnfo__free(t.slot);
    return VNFO_OK;
}

vnfo_status vnfo_log_reader_verify(vnfo_log_reader *r)
{
    if (!r)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_reader_verify: reader is NULL");
    r->n = 0;
    uint32_t node = r->o.node_id;
    int node_known = r->o.check_node;
    for (size_t si = 0; si < r->nsrc; si++) {
        vnfo_status s = frames_scan(r, si, &node, &node_known);
        if (s != VNFO_OK)
            return s;
    }
    vnfo_status s = chain_run(r);
    if (s != VNFO_OK)
        return s;
    for (size_t i = 0; i < r->n; i++) {
        const struct entry *e = &r->e[i];
        if (e->info.status != VNFO_OK)
            return vnfo__error(e->info.status, "%s: offset %" PRIu64 ": batch %zu: %s",
                               r->src[e->source].name, e->info.offset, i, e->message);
    }
    return VNFO_OK;
}

size_t vnfo_log_reader_batch_count(const vnfo_log_reader *r)
{
    return r ? r->n : 0;
}

vnfo_status vnfo_log_reader_batch(vnfo_log_batch_info *out, const vnfo_log_reader *r, size_t index)
{
    if (!out || !r)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_reader_batch: NULL argument");
    if (index >= r->n)
        return vnfo__error(VNFO_E_NOT_FOUND, "log reader: batch %zu of %zu", index, r->n);
    *out = r->e[index].info;
    out->message = r->e[index].message;
    out->source = r->src[r->e[index].source].name;
    return VNFO_OK;
}

/* ---- records -------------------------------------------------------------- */

static vnfo_status record_check(const vnfo_record *rec, const vnfo_log_header *h, uint32_t index)
{
    if (rec->node_id != h->node_id)
        return vnfo__error(VNFO_E_LOG_MALFORMED, "node id %" PRIu32 ", but the batch is node %" PRIu32,
                           rec->node_id, h->node_id);
    if (rec->epoch != h->epoch)
        return vnfo__error(VNFO_E_LOG_MALFORMED, "epoch %" PRIu64 ", but the batch is epoch %" PRIu64,
                           rec->epoch, h->epoch);
    if (rec->seq != h->first_seq + index)
        return vnfo__error(VNFO_E_LOG_MALFORMED, "seq %" PRIu64 ", expected %" PRIu64, rec->seq,
                           h->first_seq + index);
    return VNFO_OK;
}

vnfo_status vnfo_log_reader_next_record(vnfo_record *out, const vnfo_log_reader *r,
                                        vnfo_log_cursor *cur)
{
    if (!out || !r || !cur)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_reader_next_record: NULL argument");
    while (cur->batch < r->n) {
        const struct entry *e = &r->e[cur->batch];
        if (!e->iterable || cur->next_record_ >= e->info.header.record_count) {
            cur->batch++;
            cur->next_record_ = 0;
            cur->next_offset_ = 0;
            continue;
        }
        /* The framing was verified with the root: lengths are in bounds. */
        size_t off = cur->next_offset_ ? cur->next_offset_ : VNFO_LOG_SIGNED_HEADER_BYTES;
        uint32_t n = log_load32(e->info.bytes + off);
        cur->record = cur->next_record_++;
        cur->next_offset_ = off + 4 + n;
        vnfo_status s = vnfo_record_decode(out, e->info.bytes + off + 4, n);
        if (s == VNFO_OK)
            s = record_check(out, &e->info.header, cur->record);
        if (s != VNFO_OK) {
            char why[512];
            snprintf(why, sizeof why, "%s", vnfo_error_message());
            return vnfo__error(s, "%s: offset %" PRIu64 ": batch %zu record %" PRIu32 " (seq %" PRIu64 "): %s",
                               r->src[e->source].name, e->info.offset, cur->batch, cur->record,
                               e->info.header.first_seq + cur->record, why);
        }
        return VNFO_OK;
    }
    return VNFO_E_NOT_FOUND;
}
