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
    vnfo__verify_segments_free(v);
    vnfo__free(v->arena);
    vnfo__free(v->maps);
    vnfo__free(v->refs);
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
        return vnfo__error(b->status, "%s: %s", vnfo__shown(source).s, b->message);
    if (index == 0 && !b->header_valid && b->status != VNFO_E_LOG_TRUNCATED)
        return vnfo__error(b->status, "%s: not a vnfo log this library reads: %s",
                           vnfo__shown(source).s, b->message);
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
        s = vnfo__verify_take_records(v, r, node);
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
        return vnfo__error(VNFO_E_NOT_FOUND, "%s: no chain entry named \"%s\"",
                           vnfo__shown(source).s, vnfo__shown(name).s);
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
        return vnfo__error(VNFO_E_NOT_FOUND, "%s: no chain entry named \"%s\"", vnfo__shown(path).s,
                           vnfo__shown(name).s);
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
