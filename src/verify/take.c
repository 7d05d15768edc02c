/* A verified chain log's records into the verifier's table, on the worker
 * threads.
 *
 * The log's batches are taken in rounds of ROUND_BATCHES.  For a round, the
 * table entries its records could need are claimed at once (one per
 * record: an upper bound, since heartbeats and other non-packet records
 * take none); each worker then decodes whole batches, one record at a time,
 * writing each packet record straight into the entries of its batch and
 * gathering what the records say about their node (struct vnote).  The
 * calling thread then merges the round in batch order: it closes the gaps
 * the non-packet records left, applies the notes, and keeps the first
 * record that did not decode.  So the table and every count are those of
 * one record at a time, whatever the number of threads: round boundaries
 * do not depend on it either.
 *
 * A round is taken record by record in the calling thread instead when
 * its entries cannot be claimed (the memory limit: the one-by-one way then
 * fails at the same record with the same message), when it holds FlowTag
 * mappings (kept in log order with their own memory check), and for the
 * logs whose packet bytes the verifier keeps (references, relations, the
 * sampler: the arena grows record by record). */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "verify_private.h"

/* Batches per round: enough tasks to share among many threads; fixed, so
 * that what a round does never depends on the thread count. */
#define ROUND_BATCHES 128

struct btask {
    size_t batch;
    size_t base;        /* its first claimed table entry */
    size_t filled;      /* packet records written from base on */
    uint64_t failed;    /* records that did not decode */
    vnfo_status status; /* VNFO_E_IO: the batch could not be read again */
    struct vnote note;
    char why[512];      /* the first record that did not decode, or the I/O error */
};

struct round {
    const vnfo_log_reader *r;
    const vnfo_verifier *v;
    struct btask *t;
    size_t n;
    uint8_t **bufs;     /* one batch buffer per worker (file sources) */
    size_t buf_cap;
};

struct fill {
    const struct round *rd;
    struct btask *t;
};

static void on_record(void *ctx, vnfo_status status, const vnfo_record *rec)
{
    struct fill *f = ctx;
    if (status != VNFO_OK) {
        if (!f->t->failed++)
            snprintf(f->t->why, sizeof f->t->why, "%s", vnfo_error_message());
        return;
    }
    vnfo__verify_note_record(&f->t->note, f->rd->v, rec);
    if (rec->type == VNFO_RECORD_PACKET)
        vnfo__verify_vrec_fill(vnfo__verify_rec(f->rd->v, f->t->base + f->t->filled++), f->rd->v, rec, 0);
}

static void batch_task(void *ctx, size_t i, unsigned worker)
{
    struct round *rd = ctx;
    struct fill f = {rd, &rd->t[i]};
    f.t->status = vnfo__log_reader_batch_each(rd->r, f.t->batch, rd->bufs ? rd->bufs[worker] : NULL,
                                              on_record, &f, f.t->why, sizeof f.t->why);
}

/* One batch, record by record in this thread (memory: one record). */
static vnfo_status batch_streamed(vnfo_verifier *v, const vnfo_log_reader *r, size_t batch)
{
    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    cur.batch = batch;
    vnfo_record rec;
    for (;;) {
        vnfo_status s = vnfo_log_reader_next_record(&rec, r, &cur);
        if (s == VNFO_E_NOT_FOUND || cur.batch != batch)
            return VNFO_OK;
        if (s == VNFO_E_NO_MEMORY || s == VNFO_E_IO) /* the file, not a record, failed */
            return s;
        if (s != VNFO_OK) {
            if (!v->decode_errors++)
                snprintf(v->decode_error, sizeof v->decode_error, "%s", vnfo_error_message());
            continue;
        }
        if ((s = vnfo__verify_record_put(v, &rec, 0)) != VNFO_OK)
            return s;
    }
}

static vnfo_status round_streamed(vnfo_verifier *v, const struct round *rd)
{
    vnfo_status s = VNFO_OK;
    for (size_t i = 0; s == VNFO_OK && i < rd->n; i++)
        s = batch_streamed(v, rd->r, rd->t[i].batch);
    return s;
}

/* Buffers for the workers to read a file's batches into (made here: the
 * workers allocate nothing). */
static vnfo_status bufs_reserve(struct round *rd, unsigned workers, size_t len)
{
    if (len <= rd->buf_cap)
        return VNFO_OK;
    if (!rd->bufs && !(rd->bufs = vnfo__calloc(workers, sizeof *rd->bufs)))
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for batch buffers");
    for (unsigned k = 0; k < workers; k++) {
        uint8_t *b = vnfo__realloc(rd->bufs[k], len);
        if (!b)
            return vnfo__error(VNFO_E_NO_MEMORY, "verifier: no memory for a batch of %zu bytes", len);
        rd->bufs[k] = b;
    }
    rd->buf_cap = len;
    return VNFO_OK;
}

/* The calling thread's half of a round: gaps closed, notes applied, all in
 * batch order. */
static vnfo_status round_merge(vnfo_verifier *v, const struct round *rd, struct vnode *node, size_t start)
{
    size_t w = start;
    for (size_t i = 0; i < rd->n; i++) {
        const struct btask *t = &rd->t[i];
        if (t->status != VNFO_OK) { /* as one at a time: the records before it stay */
            vnfo__verify_recs_unclaim(v, w);
            return vnfo__error(t->status, "%s", t->why);
        }
        if (t->base != w)
            vnfo__verify_recs_move(v, w, t->base, t->filled);
        w += t->filled;
        vnfo__verify_note_apply(node, &t->note);
        if (t->failed && !v->decode_errors)
            snprintf(v->decode_error, sizeof v->decode_error, "%.255s", t->why);
        v->decode_errors += t->failed;
    }
    vnfo__verify_recs_unclaim(v, w);
    return VNFO_OK;
}

/* Takes one round on the workers; falls back to record by record where the
 * file comment says. */
static vnfo_status round_take(vnfo_verifier *v, struct round *rd, struct vnode *node, int keeps_bytes)
{
    size_t claim = 0, len_max = 0;
    for (size_t i = 0; i < rd->n; i++) {
        size_t len;
        rd->t[i].base = v->n_recs + claim;
        claim += vnfo__log_reader_batch_records(&len, rd->r, rd->t[i].batch);
        if (len > len_max)
            len_max = len;
    }
    size_t start = v->n_recs;
    if (keeps_bytes || vnfo__verify_recs_claim(v, claim) != VNFO_OK)
        return round_streamed(v, rd);
    vnfo__workers *w = vnfo__verify_workers(v);
    vnfo_status s = bufs_reserve(rd, vnfo__workers_count(w), len_max);
    if (s != VNFO_OK)
        return s;
    for (size_t i = 0; i < rd->n; i++) {
        struct btask *t = &rd->t[i];
        t->filled = 0;
        t->failed = 0;
        t->note = (struct vnote){0};
        t->why[0] = 0;
    }
    vnfo__workers_run(w, rd->n, batch_task, rd);
    for (size_t i = 0; i < rd->n; i++)
        if (rd->t[i].note.maps) { /* mappings go in log order, record by record */
            vnfo__verify_recs_unclaim(v, start);
            return round_streamed(v, rd);
        }
    return round_merge(v, rd, node, start);
}

vnfo_status vnfo__verify_take_records(vnfo_verifier *v, vnfo_log_reader *r, struct vnode *node)
{
    struct round rd = {r, v, vnfo__calloc(ROUND_BATCHES, sizeof *rd.t), 0, NULL, 0};
    if (!rd.t)
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory taking records");
    int keeps_bytes = vnfo__verify_keeps_any_bytes(v);
    size_t nb = vnfo_log_reader_batch_count(r);
    vnfo_status s = VNFO_OK;
    for (size_t b = 0; s == VNFO_OK && b < nb;) {
        rd.n = 0;
        for (; b < nb && rd.n < ROUND_BATCHES; b++) {
            size_t len;
            if (vnfo__log_reader_batch_records(&len, r, b))
                rd.t[rd.n++].batch = b;
        }
        s = round_take(v, &rd, node, keeps_bytes);
    }
    for (size_t k = 0; rd.bufs && k < vnfo__workers_count(v->workers); k++)
        vnfo__free(rd.bufs[k]);
    vnfo__free(rd.bufs);
    vnfo__free(rd.t);
    return s;
}
