/* The reader/verifier.  Two passes over the stream: first every batch on
 * its own (framing, version, signature, node, manifest, Merkle root), then
 * the authentic batches as a chain (sequence numbers, signed loss counts,
 * previous-batch hashes, duplicates).  Records are decoded only afterwards,
 * by the iterator, and only from authentic batches.
 *
 * Files are streamed, never held whole: the reader keeps the descriptor and
 * reads one batch at a time into a window, so its memory is the largest
 * batch (twice: one window for vnfo_log_reader_batch(), one for the record
 * iteration) plus a few hundred bytes of bookkeeping per batch.  A batch
 * read again after the checks must have the same BLAKE2b digest as when it
 * was checked, so a file rewritten under the reader is caught, not trusted. */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log/log_internal.h"
#include "workers.h"

#define FRAME_DIGEST 16

struct source {
    char *name;          /* as given: vnfo_log_batch_info::source */
    char *shown;         /* escaped, for messages (a provider names its files) */
    const uint8_t *data; /* a buffer source; NULL for a file */
    uint64_t len;
    int fd;              /* a file source; -1 for a buffer */
};

struct entry {
    vnfo_log_batch_info info; /* message, source and bytes set on the way out */
    size_t source;
    int authentic;  /* passed the per-batch checks */
    int iterable;   /* authentic and not a duplicate */
    int unchecked;  /* framed; the per-batch checks have not run yet */
    vnfo_status found; /* what the per-batch checks found (before the node check) */
    char *message;  /* NULL when OK: most batches need none */
    uint8_t digest[FRAME_DIGEST]; /* of the batch bytes as checked (file sources) */
};

/* One batch of a file source in memory. */
struct window {
    uint8_t *buf;
    size_t cap;
    size_t entry; /* whose bytes buf holds, when loaded */
    int loaded;
};

struct vnfo_log_reader {
    vnfo_log_reader_options o;
    struct source *src;
    size_t nsrc;
    struct entry *e;
    size_t n, cap;
    /* Separate allocations, so the const readers (batch, next_record) can
     * load batches into them. */
    struct window *info_win, *iter_win;
    /* The per-batch checks in parallel (vnfo__log_reader_workers_set):
     * one window per worker for file sources. */
    vnfo__workers *workers;
    struct window *par_win;
    unsigned n_par_win;
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
    if (r) {
        r->info_win = vnfo__calloc(1, sizeof *r->info_win);
        r->iter_win = vnfo__calloc(1, sizeof *r->iter_win);
    }
    if (!r || !r->info_win || !r->iter_win) {
        vnfo_log_reader_free(r);
        return vnfo__error(VNFO_E_NO_MEMORY, "log reader: out of memory");
    }
    r->o = *opts;
    *out = r;
    return VNFO_OK;
}

static void entries_clear(vnfo_log_reader *r)
{
    for (size_t i = 0; i < r->n; i++)
        vnfo__free(r->e[i].message);
    r->n = 0;
    r->info_win->loaded = r->iter_win->loaded = 0;
}

void vnfo_log_reader_free(vnfo_log_reader *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nsrc; i++) {
        vnfo__free(r->src[i].name);
        vnfo__free(r->src[i].shown);
        if (r->src[i].fd >= 0)
            close(r->src[i].fd);
    }
    vnfo__free(r->src);
    entries_clear(r);
    vnfo__free(r->e);
    for (struct window *w = r->info_win; w; w = w == r->info_win ? r->iter_win : NULL) {
        vnfo__free(w->buf);
        vnfo__free(w);
    }
    for (unsigned i = 0; i < r->n_par_win; i++)
        vnfo__free(r->par_win[i].buf);
    vnfo__free(r->par_win);
    vnfo__free(r);
}

static vnfo_status source_add(vnfo_log_reader *r, const uint8_t *data, uint64_t len, const char *name,
                              int fd)
{
    struct source *grown = vnfo__reallocarray(r->src, r->nsrc + 1, sizeof *grown);
    char *copy = vnfo__strdup(name);
    char *shown = vnfo__strdup(vnfo__shown(name).s);
    if (!grown || !copy || !shown) {
        if (grown)
            r->src = grown;
        vnfo__free(copy);
        vnfo__free(shown);
        return vnfo__error(VNFO_E_NO_MEMORY, "log reader: out of memory adding %s",
                           vnfo__shown(name).s);
    }
    r->src = grown;
    r->src[r->nsrc++] = (struct source){copy, shown, data, len, fd};
    return VNFO_OK;
}

vnfo_status vnfo_log_reader_add_buffer(vnfo_log_reader *r, const uint8_t *data, size_t len,
                                       const char *name)
{
    if (!r || (!data && len) || !name)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_reader_add_buffer: NULL argument");
    return source_add(r, data, len, name, -1);
}

vnfo_status vnfo_log_reader_add_file(vnfo_log_reader *r, const char *path)
{
    if (!r || !path)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_reader_add_file: NULL argument");
    int fd;
    struct stat st;
    vnfo_status s = vnfo__file_open(&fd, &st, path);
    if (s != VNFO_OK)
        return s;
    s = source_add(r, NULL, (uint64_t)st.st_size, path, fd);
    if (s != VNFO_OK)
        close(fd);
    return s;
}

/* ---- reading sources -------------------------------------------------------- */

/* Copies len bytes at off of a source (inside its length) into out. */
static vnfo_status source_read(const struct source *src, uint64_t off, uint8_t *out, size_t len)
{
    if (src->fd < 0) {
        memcpy(out, src->data + off, len);
        return VNFO_OK;
    }
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(src->fd, out + got, len - got, (off_t)(off + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return vnfo__error(VNFO_E_IO, "%s: offset %" PRIu64 ": %s", src->shown, off + got,
                               strerror(errno));
        if (n == 0)
            return vnfo__error(VNFO_E_IO, "%s: offset %" PRIu64 ": the file shrank while being read",
                               src->shown, off + got);
        got += (size_t)n;
    }
    return VNFO_OK;
}

/* The len bytes at off: in place for a buffer, else read into the window
 * (which grows to the largest batch read through it). */
static vnfo_status source_bytes(const uint8_t **out, const struct source *src, uint64_t off,
                                size_t len, struct window *w)
{
    if (src->fd < 0) {
        *out = src->data + off;
        return VNFO_OK;
    }
    w->loaded = 0;
    if (len > w->cap) {
        uint8_t *grown = vnfo__realloc(w->buf, len);
        if (!grown)
            return vnfo__error(VNFO_E_NO_MEMORY, "%s: offset %" PRIu64 ": no memory for a batch of %zu bytes",
                               src->shown, off, len);
        w->buf = grown;
        w->cap = len;
    }
    vnfo_status s = source_read(src, off, w->buf, len);
    *out = w->buf;
    return s;
}

static void frame_digest(uint8_t *out, const uint8_t *bytes, size_t len)
{
    crypto_generichash(out, FRAME_DIGEST, bytes, len, NULL, 0);
}

/* Makes the bytes of entry i's batch available: a buffer's are in place; a
 * file's are read again into the window and held to the digest taken when
 * they were checked. */
static vnfo_status entry_load(const vnfo_log_reader *r, size_t i, struct window *w)
{
    struct entry *e = &r->e[i];
    const struct source *src = &r->src[e->source];
    if (src->fd < 0 || !e->info.len || (w->loaded && w->entry == i))
        return VNFO_OK;
    const uint8_t *bytes;
    vnfo_status s = source_bytes(&bytes, src, e->info.offset + 4, e->info.len, w);
    if (s != VNFO_OK)
        return s;
    uint8_t d[FRAME_DIGEST];
    frame_digest(d, bytes, e->info.len);
    if (sodium_memcmp(d, e->digest, sizeof d) != 0)
        return vnfo__error(VNFO_E_IO, "%s: offset %" PRIu64 ": batch %zu changed since it was verified "
                           "(the file is being rewritten)", src->shown, e->info.offset, i);
    w->entry = i;
    w->loaded = 1;
    return VNFO_OK;
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
    char message[320];
    va_list ap;
    va_start(ap, fmt);
    e->info.status = s;
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    vnfo__free(e->message);
    e->message = vnfo__strdup(message); /* NULL (no text) only when out of memory */
}

/* The per-batch checks on the batch's bytes: framing, version, signature,
 * manifest, Merkle root.  Touches only e, allocates nothing: the parallel
 * stage runs it for many batches at once (entries_check). */
static vnfo_status entry_verify(const vnfo_log_reader *r, struct entry *e, const uint8_t *bytes)
{
    e->info.header_valid = vnfo_log_header_parse(&e->info.header, bytes, e->info.len) == VNFO_OK;
    vnfo_status s = vnfo_log_batch_verify(&e->info.header, bytes, e->info.len, &r->o.public_key,
                                          r->o.manifest_digest);
    if (e->info.header_valid)
        vnfo__log_header_hash(e->info.hash, e->info.header.tree_hash, bytes);
    return s;
}

/* The node check, in batch order: every authentic batch is the first's node
 * (or the node the options name). */
static void entry_node_check(struct entry *e, uint32_t *node, int *node_known)
{
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
static vnfo_status frames_scan(vnfo_log_reader *r, size_t si)
{
    const struct source *src = &r->src[si];
    uint64_t off = 0;
    while (off < src->len) {
        struct entry *e = entry_new(r, si, off);
        if (!e)
            return vnfo__error(VNFO_E_NO_MEMORY, "log reader: out of memory");
        uint64_t left = src->len - off;
        uint8_t head[8];
        size_t have = left < sizeof head ? (size_t)left : sizeof head;
        vnfo_status s = source_read(src, off, head, have);
        if (s != VNFO_OK)
            return s;
        uint32_t n = left >= 4 ? log_load32(head) : 0;
        if (left < 4) {
            entry_fail(e, VNFO_E_LOG_TRUNCATED, "the log ends inside a batch: %" PRIu64 " bytes of a 4-byte "
                       "length prefix (crash-truncated tail?)", left);
            return VNFO_OK;
        }
        if (n <= VNFO_LOG_MAX_BATCH_BYTES && n > left - 4) {
            /* A torn write leaves the start of a real batch; anything else
             * (garbage read as a length) is not a truncated log. */
            if (memcmp(head + 4, LOG_MAGIC, have - 4) != 0)
                entry_fail(e, VNFO_E_LOG_MALFORMED, "frame of %" PRIu32 " bytes does not start with "
                           "a batch (magic \"VNFB\" missing) and runs past the end of the log", n);
            else
                entry_fail(e, VNFO_E_LOG_TRUNCATED, "the log ends inside a batch: %" PRIu64 " of its %" PRIu32
                           " bytes present (crash-truncated tail?)", left - 4, n);
            return VNFO_OK;
        }
        if (n > VNFO_LOG_MAX_BATCH_BYTES || n < VNFO_LOG_SIGNED_HEADER_BYTES) {
            /* No way to find the next frame: the rest of the source is lost. */
            entry_fail(e, VNFO_E_LOG_MALFORMED,
                       "frame length %" PRIu32 " outside %d..%u; the rest of the source (%" PRIu64 " bytes) is unreadable",
                       n, VNFO_LOG_SIGNED_HEADER_BYTES, VNFO_LOG_MAX_BATCH_BYTES, left);
            return VNFO_OK;
        }
        e->info.len = n;
        e->info.bytes = src->fd < 0 ? src->data + off + 4 : NULL; /* a file's are read when checked */
        e->unchecked = 1;
        off += 4 + (uint64_t)n;
    }
    return VNFO_OK;
}

/* ---- pass 1b: the per-batch checks, in parallel ---------------------------- */

vnfo_status vnfo__log_reader_workers_set(vnfo_log_reader *r, vnfo__workers *w)
{
    unsigned n = vnfo__workers_count(w);
    if (n > r->n_par_win) {
        struct window *grown = vnfo__reallocarray(r->par_win, n, sizeof *grown);
        if (!grown)
            return vnfo__error(VNFO_E_NO_MEMORY, "log reader: out of memory for %u windows", n);
        memset(grown + r->n_par_win, 0, (n - r->n_par_win) * sizeof *grown);
        r->par_win = grown;
        r->n_par_win = n;
    }
    r->workers = w;
    return VNFO_OK;
}

/* Task i of the parallel stage: check batch i from its bytes (a buffer's in
 * place, a file's read into this worker's window, sized beforehand). */
static void entry_check_task(void *ctx, size_t i, unsigned worker)
{
    vnfo_log_reader *r = ctx;
    struct entry *e = &r->e[i];
    if (!e->unchecked)
        return;
    const struct source *src = &r->src[e->source];
    const uint8_t *bytes = e->info.bytes;
    if (src->fd >= 0) {
        struct window *w = r->n_par_win ? &r->par_win[worker] : r->info_win;
        if (source_read(src, e->info.offset + 4, w->buf, e->info.len) != VNFO_OK) {
            e->found = VNFO_E_IO; /* the message is made again in order (entries_check) */
            return;
        }
        bytes = w->buf;
        frame_digest(e->digest, bytes, e->info.len);
    }
    e->found = entry_verify(r, e, bytes);
}

/* Grows each worker's window (and the info window) to the largest batch of
 * a file source, before the workers read into them: they allocate nothing. */
static vnfo_status windows_reserve(vnfo_log_reader *r)
{
    size_t need = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->e[i].unchecked && r->src[r->e[i].source].fd >= 0 && r->e[i].info.len > need)
            need = r->e[i].info.len;
    unsigned n = r->n_par_win ? vnfo__workers_count(r->workers) : 1;
    for (unsigned k = 0; k < n; k++) {
        struct window *w = r->n_par_win ? &r->par_win[k] : r->info_win;
        w->loaded = 0;
        if (need <= w->cap)
            continue;
        uint8_t *grown = vnfo__realloc(w->buf, need);
        if (!grown)
            return vnfo__error(VNFO_E_NO_MEMORY, "log reader: no memory for a batch of %zu bytes", need);
        w->buf = grown;
        w->cap = need;
    }
    return VNFO_OK;
}

/* Runs the per-batch checks (in parallel when the reader has workers), then
 * the node check and the messages in batch order, so that what the reader
 * says never depends on which thread checked what.  A failing batch is
 * checked again in this thread for its message (failures are rare; the
 * workers neither allocate nor write messages). */
static vnfo_status entries_check(vnfo_log_reader *r)
{
    vnfo_status s = windows_reserve(r);
    if (s != VNFO_OK)
        return s;
    vnfo__workers_run(r->workers, r->n, entry_check_task, r);
    uint32_t node = r->o.node_id;
    int node_known = r->o.check_node;
    for (size_t i = 0; i < r->n; i++) {
        struct entry *e = &r->e[i];
        if (!e->unchecked)
            continue;
        e->unchecked = 0;
        if (e->found == VNFO_OK) {
            entry_node_check(e, &node, &node_known);
            continue;
        }
        const struct source *src = &r->src[e->source];
        const uint8_t *bytes;
        if ((s = source_bytes(&bytes, src, e->info.offset + 4, e->info.len, r->info_win)) != VNFO_OK)
            return s;
        if (src->fd >= 0)
            frame_digest(e->digest, bytes, e->info.len);
        if ((s = entry_verify(r, e, bytes)) == VNFO_OK)
            entry_node_check(e, &node, &node_known); /* a read that failed once, then worked */
        else
            entry_fail(e, s, "%s", vnfo_error_message());
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

/* The authentic batches not yet judged, by first_seq: answers "which is the
 * first later batch that starts inside [lo, hi)" in O(log n), so a log
 * whose every batch jumps ahead costs O(n log n), not a scan of the rest
 * per batch.  A min segment tree over the seq-sorted batches holds each
 * batch's index until the chain walk passes it. */
struct later {
    uint64_t *seq;  /* first_seq of the m authentic batches, ascending */
    size_t *pos;    /* entry index -> position in seq (unused for others) */
    size_t *tree;   /* 2 * width: leaves hold an entry index, or SIZE_MAX once passed */
    size_t m, width;
};

struct seq_idx {
    uint64_t seq;
    size_t idx;
};

static int cmp_seq_idx(const void *a, const void *b)
{
    const struct seq_idx *x = a, *y = b;
    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static vnfo_status later_build(struct later *l, const vnfo_log_reader *r)
{
    memset(l, 0, sizeof *l);
    struct seq_idx *v = vnfo__calloc(r->n + 1, sizeof *v);
    for (size_t i = 0; v && i < r->n; i++)
        if (r->e[i].authentic)
            v[l->m++] = (struct seq_idx){r->e[i].info.header.first_seq, i};
    l->width = 1;
    while (l->width < l->m)
        l->width *= 2;
    l->seq = vnfo__calloc(l->m + 1, sizeof *l->seq);
    l->pos = vnfo__calloc(r->n + 1, sizeof *l->pos);
    l->tree = vnfo__calloc(2 * l->width, sizeof *l->tree);
    if (!v || !l->seq || !l->pos || !l->tree) {
        vnfo__free(v);
        return vnfo__error(VNFO_E_NO_MEMORY, "log reader: out of memory");
    }
    vnfo__sort(v, l->m, sizeof *v, cmp_seq_idx);
    for (size_t k = 0; k < 2 * l->width; k++)
        l->tree[k] = SIZE_MAX;
    for (size_t k = 0; k < l->m; k++) {
        l->seq[k] = v[k].seq;
        l->pos[v[k].idx] = k;
        l->tree[l->width + k] = v[k].idx;
    }
    for (size_t k = l->width - 1; k > 0; k--)
        l->tree[k] = l->tree[2 * k] < l->tree[2 * k + 1] ? l->tree[2 * k] : l->tree[2 * k + 1];
    vnfo__free(v);
    return VNFO_OK;
}

static void later_free(struct later *l)
{
    vnfo__free(l->seq);
    vnfo__free(l->pos);
    vnfo__free(l->tree);
}

/* The chain walk has reached authentic entry i: it is no longer "later". */
static void later_pass(struct later *l, size_t i)
{
    size_t k = l->width + l->pos[i];
    for (l->tree[k] = SIZE_MAX; k > 1; k /= 2) {
        size_t a = l->tree[k & ~(size_t)1], b = l->tree[k | 1];
        l->tree[k / 2] = a < b ? a : b;
    }
}

/* First position in seq at or above x. */
static size_t later_lower_bound(const struct later *l, uint64_t x)
{
    size_t lo = 0, hi = l->m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->seq[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Whether a later authentic batch starts inside [lo, hi): then the batch
 * that jumped to hi came early rather than the records being gone.
 * Returns the first such batch's index + 1, or 0. */
static size_t later_fills(const struct later *l, uint64_t lo, uint64_t hi)
{
    size_t a = later_lower_bound(l, lo) + l->width, b = later_lower_bound(l, hi) + l->width;
    size_t best = SIZE_MAX;
    for (; a < b; a /= 2, b /= 2) { /* min over the leaves [a, b) */
        if (a & 1) {
            best = l->tree[a] < best ? l->tree[a] : best;
            a++;
        }
        if (b & 1) {
            b--;
            best = l->tree[b] < best ? l->tree[b] : best;
        }
    }
    return best == SIZE_MAX ? 0 : best + 1;
}

static void chain_accept(struct chain *c, const struct entry *e)
{
    c->anchored = 1;
    c->next_seq = e->info.header.first_seq + e->info.header.record_count;
    memcpy(c->last_hash, e->info.hash, LOG_HASH);
}

static void chain_check(vnfo_log_reader *r, struct chain *c, struct seen *t, const struct later *l,
                        size_t i)
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
        size_t j = later_fills(l, want, h->first_seq);
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
    struct later l;
    vnfo_status s = later_build(&l, r);
    for (size_t i = 0; s == VNFO_OK && i < r->n; i++)
        if (r->e[i].authentic) {
            later_pass(&l, i);
            chain_check(r, &c, &t, &l, i);
        }
    later_free(&l);
    vnfo__free(t.slot);
    return s;
}

vnfo_status vnfo_log_reader_verify(vnfo_log_reader *r)
{
    if (!r)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_reader_verify: reader is NULL");
    entries_clear(r);
    for (size_t si = 0; si < r->nsrc; si++) {
        vnfo_status s = frames_scan(r, si);
        if (s != VNFO_OK)
            return s;
    }
    vnfo_status s = entries_check(r);
    if (s == VNFO_OK)
        s = chain_run(r);
    if (s != VNFO_OK)
        return s;
    for (size_t i = 0; i < r->n; i++) {
        const struct entry *e = &r->e[i];
        if (e->info.status != VNFO_OK)
            return vnfo__error(e->info.status, "%s: offset %" PRIu64 ": batch %zu: %s",
                               r->src[e->source].shown, e->info.offset, i, e->message ? e->message : "");
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
    vnfo_status s = entry_load(r, index, r->info_win);
    if (s != VNFO_OK)
        return s;
    const struct entry *e = &r->e[index];
    *out = e->info;
    if (r->src[e->source].fd >= 0 && e->info.len)
        out->bytes = r->info_win->buf;
    out->message = e->message ? e->message : "";
    out->source = r->src[e->source].name;
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

/* Decodes record `index` of batch `batch` (its n bytes at p) and holds it
 * to the batch header; a failure's message names the source, offset, batch,
 * record and seq. */
static vnfo_status record_decode(vnfo_record *out, const vnfo_log_reader *r, size_t batch,
                                 uint32_t index, const uint8_t *p, uint32_t n)
{
    const struct entry *e = &r->e[batch];
    vnfo_status s = vnfo_record_decode(out, p, n);
    if (s == VNFO_OK)
        s = record_check(out, &e->info.header, index);
    if (s != VNFO_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", vnfo_error_message());
        return vnfo__error(s, "%s: offset %" PRIu64 ": batch %zu record %" PRIu32 " (seq %" PRIu64 "): %s",
                           r->src[e->source].shown, e->info.offset, batch, index,
                           e->info.header.first_seq + index, why);
    }
    return VNFO_OK;
}

size_t vnfo__log_reader_batch_records(size_t *len, const vnfo_log_reader *r, size_t batch)
{
    const struct entry *e = &r->e[batch];
    *len = r->src[e->source].fd >= 0 ? e->info.len : 0;
    return e->iterable ? e->info.header.record_count : 0;
}

vnfo_status vnfo__log_reader_batch_each(const vnfo_log_reader *r, size_t batch, uint8_t *buf,
                                        vnfo__record_fn fn, void *ctx, char *why, size_t why_size)
{
    const struct entry *e = &r->e[batch];
    const struct source *src = &r->src[e->source];
    if (!e->iterable)
        return VNFO_OK;
    const uint8_t *bytes = e->info.bytes;
    if (src->fd >= 0) {
        vnfo_status s = source_read(src, e->info.offset + 4, buf, e->info.len);
        uint8_t d[FRAME_DIGEST];
        if (s == VNFO_OK) {
            frame_digest(d, buf, e->info.len);
            if (sodium_memcmp(d, e->digest, sizeof d) != 0)
                s = vnfo__error(VNFO_E_IO, "%s: offset %" PRIu64 ": batch %zu changed since it was "
                                "verified (the file is being rewritten)", src->name, e->info.offset, batch);
        }
        if (s != VNFO_OK) {
            snprintf(why, why_size, "%s", vnfo_error_message());
            return s;
        }
        bytes = buf;
    }
    size_t off = VNFO_LOG_SIGNED_HEADER_BYTES;
    vnfo_record rec;
    for (uint32_t k = 0; k < e->info.header.record_count; k++) {
        uint32_t n = log_load32(bytes + off);
        fn(ctx, record_decode(&rec, r, batch, k, bytes + off + 4, n), &rec);
        off += 4 + (size_t)n;
    }
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
        vnfo_status s = entry_load(r, cur->batch, r->iter_win);
        if (s != VNFO_OK) {
            cur->batch++; /* this batch's records are lost: say so, go on */
            cur->next_record_ = 0;
            cur->next_offset_ = 0;
            return s;
        }
        const uint8_t *bytes = r->src[e->source].fd >= 0 ? r->iter_win->buf : e->info.bytes;
        /* The framing was verified with the root: lengths are in bounds. */
        size_t off = cur->next_offset_ ? cur->next_offset_ : VNFO_LOG_SIGNED_HEADER_BYTES;
        uint32_t n = log_load32(bytes + off);
        cur->record = cur->next_record_++;
        cur->next_offset_ = off + 4 + n;
        return record_decode(out, r, cur->batch, cur->record, bytes + off + 4, n);
    }
    return VNFO_E_NOT_FOUND;
}
