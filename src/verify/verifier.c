/* The verifier's public API: set-up from the manifest, logs, bill, run. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "verify_private.h"

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

vnfo_status vnfo_verify_options_init(vnfo_verify_options *out, unsigned version)
{
    static const vnfo_verify_options defaults = VNFO_VERIFY_OPTIONS_INIT;
    return vnfo__options_init(out, sizeof *out, &defaults,
                              version, VNFO_VERIFY_OPTIONS_VERSION, __func__);
}

static vnfo_status chain_from_manifest(vnfo_verifier *v, const vnfo_manifest *m)
{
    v->n_chain = vnfo_manifest_chain_count(m);
    if (v->n_chain == 0 || v->n_chain > VCHAIN_MAX)
        return vnfo__error(VNFO_E_LIMIT_EXCEEDED, "verifier: a chain of %zu functions (1 to %d)",
                           v->n_chain, VCHAIN_MAX);
    for (size_t i = 0; i < v->n_chain; i++) {
        struct vfunction *f = &v->chain[i];
        snprintf(f->name, sizeof f->name, "%s", vnfo_manifest_chain_name(m, i));
        snprintf(f->function, sizeof f->function, "%s", vnfo_manifest_chain_function(m, i));
        f->node_id = vnfo_manifest_chain_node_id(m, i);
        f->may_modify = vnfo_manifest_chain_may_modify(m, i);
        f->may_drop = vnfo_manifest_chain_may_drop(m, i);
        vnfo_status s = vnfo_manifest_chain_public_key(&f->key, m, i);
        if (s != VNFO_OK)
            return s;
    }
    return VNFO_OK;
}

vnfo_status vnfo_verifier_create(vnfo_verifier **out, const vnfo_manifest *manifest,
                                 const vnfo_verify_options *opts)
{
    if (out)
        *out = NULL;
    if (!out || !manifest)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_verifier_create: NULL argument");
    if (opts && opts->version != VNFO_VERIFY_OPTIONS_VERSION)
        return vnfo__error(VNFO_E_STRUCT_VERSION, "vnfo_verifier_create: options version %u, expected %u",
                           opts->version, VNFO_VERIFY_OPTIONS_VERSION);
    if (opts && (opts->max_examples > 1024 || !(opts->reference_ghz >= 0)))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_verifier_create: max_examples over 1024 or reference_ghz negative");
    vnfo_verifier *v = vnfo__calloc(1, sizeof *v);
    if (!v)
        return vnfo__error(VNFO_E_NO_MEMORY, "vnfo_verifier_create: out of memory");
    v->opts = opts ? *opts : (vnfo_verify_options)VNFO_VERIFY_OPTIONS_INIT;
    v->memory_limit = VNFO_VERIFY_MEMORY_LIMIT_DEFAULT;
    v->manifest = manifest;
    v->rate = vnfo_manifest_sampling_rate(manifest);
    v->confidence = vnfo_manifest_verification_confidence(manifest);
    v->skew_ns = vnfo_manifest_verification_clock_skew_us(manifest) * 1000;
    vnfo_status s = vnfo_manifest_digest_compute(v->manifest_digest, manifest);
    if (s == VNFO_OK)
        s = chain_from_manifest(v, manifest);
    if (s != VNFO_OK) {
        vnfo_verifier_free(v);
        return s;
    }
    *out = v;
    return VNFO_OK;
}

void vnfo_verifier_free(vnfo_verifier *v)
{
    if (!v)
        return;
    vnfo__workers_free(v->workers);
    vnfo__free(v->recs);
    vnfo__free(v->arena);
    vnfo__free(v->maps);
    vnfo__free(v);
}

vnfo_status vnfo_verifier_threads_set(vnfo_verifier *v, unsigned threads)
{
    if (!v)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_verifier_threads_set: NULL verifier");
    if (threads > VNFO_VERIFY_THREADS_MAX)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_verifier_threads_set: %u threads (0 for the "
                           "online CPUs, or 1 to %d)", threads, VNFO_VERIFY_THREADS_MAX);
    vnfo__workers_free(v->workers);
    v->workers = NULL;
    v->workers_made = 0;
    v->threads = threads;
    return VNFO_OK;
}

vnfo__workers *vnfo__verify_workers(vnfo_verifier *v)
{
    if (!v->workers_made) {
        unsigned n = v->threads ? v->threads : vnfo__online_cpus();
        /* Out of memory for the pool: the stages run in this thread, with
         * the same results. */
        if (vnfo__workers_create(&v->workers, n) != VNFO_OK)
            v->workers = NULL;
        v->workers_made = 1;
    }
    return v->workers;
}

static struct vfunction *function_find(vnfo_verifier *v, const char *name)
{
    for (size_t i = 0; i < v->n_chain; i++)
        if (strcmp(v->chain[i].name, name) == 0)
            return &v->chain[i];
    return NULL;
}

vnfo_status vnfo_verifier_memory_limit_set(vnfo_verifier *v, uint64_t bytes)
{
    if (!v)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_verifier_memory_limit_set: NULL verifier");
    v->memory_limit = bytes ? bytes : VNFO_VERIFY_MEMORY_LIMIT_DEFAULT;
    return VNFO_OK;
}

size_t vnfo_verify_record_bytes(void)
{
    return VNFO_VERIFY_RECORD_BYTES;
}

vnfo_status vnfo_verifier_reference_set(vnfo_verifier *v, const char *name, vnfo_reference_fn fn,
                                        void *ctx)
{
    if (!v || !name)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_verifier_reference_set: NULL argument");
    struct vfunction *f = function_find(v, name);
    if (!f)
        return vnfo__error(VNFO_E_NOT_FOUND, "reference for \"%s\": no chain entry of that name", name);
    f->ref = fn;
    f->ref_lt = NULL;
    f->ref_ctx = ctx;
    return VNFO_OK;
}

vnfo_status vnfo_verifier_reference_linktype_set(vnfo_verifier *v, const char *name,
                                                 vnfo_reference_linktype_fn fn, void *ctx)
{
    if (!v || !name)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_verifier_reference_linktype_set: NULL argument");
    struct vfunction *f = function_find(v, name);
    if (!f)
        return vnfo__error(VNFO_E_NOT_FOUND, "reference for \"%s\": no chain entry of that name", name);
    f->ref = NULL;
    f->ref_lt = fn;
    f->ref_ctx = ctx;
    return VNFO_OK;
}

static void fault_note(struct vnode *n, const vnfo_log_batch_info *b)
{
    if (!n->first_fault)
        n->first_fault = b->status;
    if (n->n_faults < VFAULTS_KEPT)
        snprintf(n->faults[n->n_faults++], sizeof n->faults[0], "%s: %s",
                 vnfo_status_name(b->status), b->message);
}

/* Input errors stop the verification: the log is not one this manifest's
 * node wrote, or not a log at all. */
static vnfo_status batch_input_error(const vnfo_log_batch_info *b, size_t index, const char *source)
{
    if (b->status == VNFO_E_LOG_MANIFEST_MISMATCH || b->status == VNFO_E_LOG_NODE_MISMATCH)
        return vnfo__error(b->status, "%s: %s", source, b->message);
    if (index == 0 && !b->header_valid && b->status != VNFO_E_LOG_TRUNCATED)
        return vnfo__error(b->status, "%s: not a vnfo log this library reads: %s", source, b->message);
    return VNFO_OK;
}

static void batch_account(struct vnode *n, const vnfo_log_batch_info *b)
{
    n->batches++;
    switch (b->status) {
    case VNFO_OK:
        n->lost += b->header.lost_count;
        return;
    case VNFO_E_LOG_TRUNCATED:
        n->truncated = 1;
        break;
    case VNFO_E_LOG_SEQUENCE_GAP:
        n->batches_bad++;
        n->unbounded = 1;
        break;
    case VNFO_E_SIGNATURE_INVALID:
    case VNFO_E_LOG_ROOT_MISMATCH:
    case VNFO_E_LOG_MALFORMED:
    case VNFO_E_UNSUPPORTED_VERSION:
        n->batches_bad++;
        if (b->header_valid)
            n->rejected += b->header.record_count;
        else
            n->unbounded = 1;
        break;
    default: /* duplicates, replays, reordering, broken chain */
        n->batches_bad++;
        break;
    }
    fault_note(n, b);
}

/* Records of a batch decoded on a worker, waiting to be stored in order. */
struct slot {
    struct vnfo__decoded d;
    size_t cap;         /* records d has room for */
    uint8_t *buf;       /* a file source's batch bytes (the records point into them) */
    size_t buf_cap;
    size_t batch;       /* which batch */
    vnfo_status status; /* VNFO_E_IO when the batch could not be read again */
    size_t packets;     /* packet records that decoded */
    size_t maps;        /* FlowTag mappings that decoded */
    struct vrec *out;   /* where its packets go in the table (the parallel store) */
};

/* Batches of more records are decoded in the calling thread (a worker's
 * slot holds this many decoded records: 672 bytes each). */
#define SLOT_RECORDS 2048
#define SLOTS_PER_WORKER 2

struct decoding {
    const vnfo_log_reader *r;
    struct slot *slots;
    const vnfo_verifier *v;
};

static void decode_task(void *ctx, size_t i, unsigned worker)
{
    (void)worker;
    struct decoding *dc = ctx;
    struct slot *sl = &dc->slots[i];
    sl->status = vnfo__log_reader_batch_decode(&sl->d, dc->r, sl->batch, sl->buf);
    sl->packets = sl->maps = 0;
    for (size_t k = 0; sl->status == VNFO_OK && k < sl->d.n; k++)
        if (sl->d.status[k] == VNFO_OK) {
            sl->packets += sl->d.recs[k].type == VNFO_RECORD_PACKET;
            sl->maps += sl->d.recs[k].type == VNFO_RECORD_FLOWTAG_MAP;
        }
}

/* Fills a slot's packets into the table entries claimed for it. */
static void fill_task(void *ctx, size_t i, unsigned worker)
{
    (void)worker;
    struct decoding *dc = ctx;
    struct slot *sl = &dc->slots[i];
    struct vrec *out = sl->out;
    for (size_t k = 0; k < sl->d.n; k++)
        if (sl->d.status[k] == VNFO_OK && sl->d.recs[k].type == VNFO_RECORD_PACKET)
            vnfo__verify_vrec_fill(out++, dc->v, &sl->d.recs[k], 0);
}

/* Notes a slot's records in log order once their table entries are filled:
 * node bookkeeping, and the first decoding failure's message. */
static vnfo_status slot_note(vnfo_verifier *v, const struct slot *sl)
{
    for (size_t k = 0; k < sl->d.n; k++) {
        if (sl->d.status[k] != VNFO_OK) {
            if (!v->decode_errors++)
                snprintf(v->decode_error, sizeof v->decode_error, "%.255s", sl->d.why);
            continue;
        }
        vnfo_status s = vnfo__verify_record_note(v, &sl->d.recs[k]);
        if (s != VNFO_OK)
            return s;
    }
    return VNFO_OK;
}

/* Stores a round's packets in parallel: claims their table entries at
 * once, fills them on the workers, then notes every record in order.  Only
 * when the round holds no mapping, no unreadable batch, and no record whose
 * bytes are kept (those grow other tables as they come); returns 0 when it
 * did not apply, and the caller stores the round record by record, with the
 * same result (and the same error, at the same record, when the table
 * cannot grow). */
static int round_store_parallel(vnfo_status *s, vnfo_verifier *v, struct decoding *dc, size_t used)
{
    size_t total = 0;
    for (size_t i = 0; i < used; i++) {
        if (dc->slots[i].status != VNFO_OK || dc->slots[i].maps)
            return 0;
        total += dc->slots[i].packets;
    }
    if (vnfo__verify_keeps_any_bytes(v))
        return 0;
    struct vrec *out;
    if (vnfo__verify_recs_claim(&out, v, total) != VNFO_OK)
        return 0;
    for (size_t i = 0; i < used; i++) {
        dc->slots[i].out = out;
        out += dc->slots[i].packets;
    }
    vnfo__workers_run(v->workers, used, fill_task, dc);
    *s = VNFO_OK;
    for (size_t i = 0; *s == VNFO_OK && i < used; i++)
        *s = slot_note(v, &dc->slots[i]);
    return 1;
}

/* Stores one decoded batch's records in log order: a record that does not
 * decode is counted (the first one's message kept), the rest are kept. */
static vnfo_status slot_store(vnfo_verifier *v, const struct slot *sl)
{
    if (sl->status != VNFO_OK) /* the file, not a record, failed */
        return vnfo__error(sl->status, "%s", sl->d.why);
    for (size_t k = 0; k < sl->d.n; k++) {
        if (sl->d.status[k] != VNFO_OK) {
            if (!v->decode_errors++)
                snprintf(v->decode_error, sizeof v->decode_error, "%.255s", sl->d.why);
            continue;
        }
        vnfo_status s = vnfo__verify_record_put(v, &sl->d.recs[k], 0);
        if (s != VNFO_OK)
            return s;
    }
    return VNFO_OK;
}

/* Room in a slot for the batch's records and bytes (made here, in the
 * calling thread: the workers allocate nothing). */
static vnfo_status slot_reserve(struct slot *sl, size_t records, size_t len)
{
    if (records > sl->cap) {
        vnfo_record *recs = vnfo__reallocarray(sl->d.recs, records, sizeof *recs);
        if (recs)
            sl->d.recs = recs;
        vnfo_status *st = recs ? vnfo__reallocarray(sl->d.status, records, sizeof *st) : NULL;
        if (!st)
            return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory decoding a batch");
        sl->d.status = st;
        sl->cap = records;
    }
    if (len > sl->buf_cap) {
        uint8_t *b = vnfo__realloc(sl->buf, len);
        if (!b)
            return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for a batch of %zu bytes", len);
        sl->buf = b;
        sl->buf_cap = len;
    }
    return VNFO_OK;
}

static void slots_free(struct slot *slots, size_t n)
{
    for (size_t i = 0; slots && i < n; i++) {
        vnfo__free(slots[i].d.recs);
        vnfo__free(slots[i].d.status);
        vnfo__free(slots[i].buf);
    }
    vnfo__free(slots);
}

/* A batch too large for a slot, streamed record by record in this thread
 * (memory: one record), as every batch was before the workers. */
static vnfo_status take_batch_streamed(vnfo_verifier *v, const vnfo_log_reader *r, size_t batch)
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

/* Fills up to n_slots slots with the next batches from *b on (stopping
 * before a batch too large for a slot); returns how many it filled. */
static vnfo_status round_fill(size_t *used, struct decoding *dc, size_t n_slots, size_t *b, size_t nb)
{
    *used = 0;
    while (*b < nb && *used < n_slots) {
        size_t len, records = vnfo__log_reader_batch_records(&len, dc->r, *b);
        if (records > SLOT_RECORDS)
            break;
        if (records) {
            struct slot *sl = &dc->slots[(*used)++];
            sl->batch = *b;
            vnfo_status s = slot_reserve(sl, records, len);
            if (s != VNFO_OK)
                return s;
        }
        (*b)++;
    }
    return VNFO_OK;
}

/* Decodes the log's records a round of batches at a time on the workers
 * (one batch per slot), and stores each round in batch order, so the table
 * is the same whatever the number of threads.  Memory: the slots, at most
 * SLOT_RECORDS decoded records and one batch's bytes each. */
static vnfo_status take_records(vnfo_verifier *v, vnfo_log_reader *r)
{
    size_t n_slots = SLOTS_PER_WORKER * vnfo__workers_count(vnfo__verify_workers(v));
    struct decoding dc = {r, vnfo__calloc(n_slots, sizeof *dc.slots), v};
    if (!dc.slots)
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory decoding records");
    size_t nb = vnfo_log_reader_batch_count(r), used;
    vnfo_status s = VNFO_OK;
    for (size_t b = 0; s == VNFO_OK && b < nb;) {
        size_t len;
        if (vnfo__log_reader_batch_records(&len, r, b) > SLOT_RECORDS) {
            s = take_batch_streamed(v, r, b++);
            continue;
        }
        if ((s = round_fill(&used, &dc, n_slots, &b, nb)) != VNFO_OK)
            break;
        vnfo__workers_run(v->workers, used, decode_task, &dc);
        if (round_store_parallel(&s, v, &dc, used))
            continue;
        for (size_t i = 0; s == VNFO_OK && i < used; i++)
            s = slot_store(v, &dc.slots[i]);
    }
    slots_free(dc.slots, n_slots);
    return s;
}

/* A reader set up for function f's log: its key, the manifest, its node. */
static vnfo_status reader_for(vnfo_log_reader **out, const vnfo_verifier *v, const struct vfunction *f)
{
    vnfo_log_reader_options ro = VNFO_LOG_READER_OPTIONS_INIT;
    ro.public_key = f->key;
    memcpy(ro.manifest_digest, v->manifest_digest, sizeof ro.manifest_digest);
    ro.check_node = 1;
    ro.node_id = f->node_id;
    return vnfo_log_reader_create(out, &ro);
}

/* Verifies the log in r (one source) and takes its records. */
static vnfo_status log_take(vnfo_verifier *v, struct vfunction *f, vnfo_log_reader *r,
                            const char *source, double t0)
{
    vnfo_status vs = vnfo__log_reader_workers_set(r, vnfo__verify_workers(v));
    if (vs == VNFO_OK)
        vs = vnfo_log_reader_verify(r);
    struct vnode *node = NULL;
    vnfo_status s = vs == VNFO_E_NO_MEMORY || vs == VNFO_E_IO
                        ? vs : vnfo__verify_node_get(&node, v, f->node_id, source);
    size_t nb = vnfo_log_reader_batch_count(r);
    for (size_t i = 0; s == VNFO_OK && i < nb; i++) {
        vnfo_log_batch_info b;
        if ((s = vnfo_log_reader_batch(&b, r, i)) != VNFO_OK)
            break;
        if ((s = batch_input_error(&b, i, source)) != VNFO_OK)
            break;
        batch_account(node, &b);
    }
    double t1 = now_ns();
    if (s == VNFO_OK)
        s = take_records(v, r);
    v->stage_ns[0] += t1 - t0;
    v->stage_ns[1] += now_ns() - t1;
    if (s == VNFO_OK)
        f->log_added = 1;
    return s;
}

vnfo_status vnfo_verifier_log_add(vnfo_verifier *v, const char *name, const uint8_t *data, size_t len,
                                  const char *source)
{
    if (!v || !name || (!data && len))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_verifier_log_add: NULL argument");
    source = source ? source : name;
    struct vfunction *f = function_find(v, name);
    if (!f)
        return vnfo__error(VNFO_E_NOT_FOUND, "%s: no chain entry named \"%s\"", source, name);
    double t0 = now_ns();
    vnfo_log_reader *r = NULL;
    vnfo_status s = reader_for(&r, v, f);
    if (s == VNFO_OK)
        s = vnfo_log_reader_add_buffer(r, data ? data : (const uint8_t *)"", len, source);
    if (s == VNFO_OK)
        s = log_take(v, f, r, source, t0);
    vnfo_log_reader_free(r);
    return s;
}

vnfo_status vnfo_verifier_log_add_file(vnfo_verifier *v, const char *name, const char *path)
{
    if (!v || !name || !path)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_verifier_log_add_file: NULL argument");
    struct vfunction *f = function_find(v, name);
    if (!f)
        return vnfo__error(VNFO_E_NOT_FOUND, "%s: no chain entry named \"%s\"", path, name);
    double t0 = now_ns();
    /* Streamed: memory is one batch, not the file (vnfo_log_reader_add_file). */
    vnfo_log_reader *r = NULL;
    vnfo_status s = reader_for(&r, v, f);
    if (s == VNFO_OK)
        s = vnfo_log_reader_add_file(r, path);
    if (s == VNFO_OK)
        s = log_take(v, f, r, path, t0);
    vnfo_log_reader_free(r);
    return s;
}

/* Records of one batch of a foreign log, decoded without verification. */
static vnfo_status foreign_batch(vnfo_verifier *v, const vnfo_log_batch_info *b, const char *path)
{
    uint32_t pos = vnfo__verify_pos_of(v, b->header.node_id);
    if (pos != VPOS_NONE || !b->bytes)
        return VNFO_OK; /* claims a chain node without its key: not evidence of anything */
    struct vnode *node;
    vnfo_status s = vnfo__verify_node_get(&node, v, b->header.node_id, path);
    if (s != VNFO_OK)
        return s;
    node->batches++;
    /* One cursor through the batch: O(1) per record, whatever its shape. */
    vnfo_log_batch_cursor bc = VNFO_LOG_BATCH_CURSOR_INIT;
    const uint8_t *rb;
    size_t rl;
    while (vnfo_log_batch_record_next(&rb, &rl, b->bytes, b->len, &bc) == VNFO_OK) {
        vnfo_record rec;
        if (vnfo_record_decode(&rec, rb, rl) != VNFO_OK)
            continue;
        rec.node_id = b->header.node_id;
        if ((s = vnfo__verify_record_put(v, &rec, 1)) != VNFO_OK)
            return s;
    }
    return VNFO_OK;
}

vnfo_status vnfo_verifier_foreign_log_add_file(vnfo_verifier *v, const char *path)
{
    if (!v || !path)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_verifier_foreign_log_add_file: NULL argument");
    vnfo_log_reader_options ro = VNFO_LOG_READER_OPTIONS_INIT;
    vnfo_log_reader *r;
    vnfo_status s = vnfo_log_reader_create(&r, &ro);
    if (s == VNFO_OK)
        s = vnfo_log_reader_add_file(r, path);
    if (s == VNFO_OK) {
        vnfo_status vs = vnfo_log_reader_verify(r);
        if (vs == VNFO_E_NO_MEMORY || vs == VNFO_E_IO)
            s = vs;
    }
    size_t nb = s == VNFO_OK ? vnfo_log_reader_batch_count(r) : 0;
    for (size_t i = 0; s == VNFO_OK && i < nb; i++) {
        vnfo_log_batch_info b;
        if ((s = vnfo_log_reader_batch(&b, r, i)) == VNFO_OK && b.header_valid)
            s = foreign_batch(v, &b, path);
    }
    vnfo_log_reader_free(r);
    return s;
}

vnfo_status vnfo_verifier_record_add(vnfo_verifier *v, const vnfo_record *rec)
{
    if (!v || !rec)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_verifier_record_add: NULL argument");
    uint32_t pos = vnfo__verify_pos_of(v, rec->node_id);
    if (pos != VPOS_NONE)
        v->chain[pos].log_added = 1;
    return vnfo__verify_record_put(v, rec, 0);
}

vnfo_status vnfo_verifier_stage_times(double *out, const vnfo_verifier *v)
{
    if (!out || !v)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_verifier_stage_times: NULL argument");
    memcpy(out, v->stage_ns, sizeof v->stage_ns);
    return VNFO_OK;
}
