/* The log writer: records are encoded straight into the open batch's buffer
 * and hashed into an incremental Merkle tree as they arrive, so closing a
 * batch costs the last few node hashes and one signature.  All memory is
 * allocated by create; append never allocates. */
#include <string.h>
#include <time.h>

#include "log/log_internal.h"
#include "record/record_format.h"

struct vnfo_log_writer {
    vnfo_log_writer_options o;
    uint8_t *buf;             /* [signed header][len|record]... of the open batch */
    size_t len;               /* bytes used in buf */
    uint32_t count;           /* records in the open batch */
    uint64_t batch_first_seq; /* seq of its first record */
    uint64_t next_seq;
    uint64_t pending_lost;    /* seqs lost since the last delivered batch */
    uint64_t lost_total;
    uint8_t last_hash[LOG_HASH];
    struct log_merkle tree;
};

static const vnfo_log_writer_options DEFAULTS = VNFO_LOG_WRITER_OPTIONS_INIT;

vnfo_status vnfo_log_writer_options_init(vnfo_log_writer_options *out, unsigned version)
{
    return vnfo__options_init(out, sizeof *out, &DEFAULTS,
                              version, VNFO_LOG_WRITER_OPTIONS_VERSION, __func__);
}

static vnfo_status options_check(const vnfo_log_writer_options *o)
{
    if (o->version != VNFO_LOG_WRITER_OPTIONS_VERSION)
        return vnfo__error(VNFO_E_STRUCT_VERSION, "vnfo_log_writer_options: version %u, expected %d",
                           o->version, VNFO_LOG_WRITER_OPTIONS_VERSION);
    if (!o->key)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "log writer: key is NULL");
    if (!o->sink)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "log writer: sink is NULL");
    if (!vnfo__log_tree_hash_known(o->tree_hash))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "log writer: unknown tree_hash %d", (int)o->tree_hash);
    if (o->batch_records == 0 || o->batch_records > VNFO_LOG_MAX_BATCH_RECORDS)
        return vnfo__error(VNFO_E_LIMIT_EXCEEDED, "log writer: batch_records %u outside 1..%u",
                           o->batch_records, VNFO_LOG_MAX_BATCH_RECORDS);
    if (o->batch_bytes < VNFO_LOG_SIGNED_HEADER_BYTES + 64 || o->batch_bytes > VNFO_LOG_MAX_BATCH_BYTES)
        return vnfo__error(VNFO_E_LIMIT_EXCEEDED, "log writer: batch_bytes %zu outside %d..%u",
                           o->batch_bytes, VNFO_LOG_SIGNED_HEADER_BYTES + 64, VNFO_LOG_MAX_BATCH_BYTES);
    return VNFO_OK;
}

static void batch_reset(vnfo_log_writer *w)
{
    w->len = VNFO_LOG_SIGNED_HEADER_BYTES;
    w->count = 0;
    w->batch_first_seq = w->next_seq;
    vnfo__log_merkle_init(&w->tree, w->o.tree_hash);
}

vnfo_status vnfo_log_writer_create(vnfo_log_writer **out, const vnfo_log_writer_options *opts)
{
    if (!out || !opts)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_writer_create: NULL argument");
    *out = NULL;
    if (!vnfo__initialized())
        return vnfo__error(VNFO_E_NOT_INITIALIZED, "log writer: call vnfo_init() first");
    vnfo_status s = options_check(opts);
    if (s != VNFO_OK)
        return s;
    vnfo_log_writer *w = vnfo__calloc(1, sizeof *w);
    if (!w || !(w->buf = vnfo__malloc(opts->batch_bytes))) {
        vnfo__free(w);
        return vnfo__error(VNFO_E_NO_MEMORY, "log writer: cannot allocate a %zu-byte batch",
                           opts->batch_bytes);
    }
    w->o = *opts;
    w->next_seq = opts->first_seq;
    w->pending_lost = opts->lost_before;
    memcpy(w->last_hash, opts->prev_hash, LOG_HASH);
    batch_reset(w);
    *out = w;
    return VNFO_OK;
}

static uint64_t now_ns(const vnfo_log_writer *w)
{
    if (w->o.clock)
        return w->o.clock(w->o.clock_ctx);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Writes the header and its signature in front of the records. */
static vnfo_status batch_seal(vnfo_log_writer *w)
{
    vnfo_log_header h = {
        .format_version = VNFO_LOG_FORMAT_VERSION,
        .tree_hash = w->o.tree_hash,
        .node_id = w->o.node_id,
        .epoch = w->o.epoch,
        .first_seq = w->batch_first_seq,
        .record_count = w->count,
        .lost_count = w->pending_lost,
        .created_ns = now_ns(w),
    };
    memcpy(h.manifest_digest, w->o.manifest_digest, LOG_HASH);
    memcpy(h.prev_hash, w->last_hash, LOG_HASH);
    vnfo__log_merkle_root(h.root, &w->tree);
    vnfo__log_header_encode(w->buf, &h);
    uint8_t msg[LOG_SIGNATURE_INPUT_MAX];
    size_t n = vnfo__log_signature_input(msg, w->buf);
    return vnfo_signing_key_sign(w->buf + VNFO_LOG_HEADER_BYTES, w->o.key, msg, n);
}

/* Closes the open batch: seal, deliver, then start the next one.  A failed
 * delivery turns the batch's sequence numbers into lost ones, which the
 * next header signs. */
static vnfo_status batch_close(vnfo_log_writer *w)
{
    if (w->count == 0)
        return VNFO_OK;
    vnfo_status s = batch_seal(w);
    if (s == VNFO_OK)
        s = w->o.sink(w->o.sink_ctx, w->buf, w->len);
    if (s == VNFO_OK) {
        vnfo__log_header_hash(w->last_hash, w->o.tree_hash, w->buf);
        w->pending_lost = 0;
    } else {
        w->pending_lost += w->count;
        w->lost_total += w->count;
        s = vnfo__error(VNFO_E_LOG_SINK,
                        "log writer: node %u: batch of seq %llu..%llu not delivered (%s); %u records "
                        "lost, counted in the next batch header", w->o.node_id,
                        (unsigned long long)w->batch_first_seq,
                        (unsigned long long)(w->batch_first_seq + w->count - 1),
                        vnfo_status_name(s), w->count);
    }
    batch_reset(w);
    return s;
}

/* Encodes rec at the end of the open batch, behind room for its length. */
static vnfo_status encode_into_batch(vnfo_log_writer *w, const vnfo_record *rec, size_t *n)
{
    size_t room = w->o.batch_bytes - w->len;
    if (room < 4)
        return VNFO_E_BUFFER_TOO_SMALL;
    return vnfo__record_encode_as(w->buf + w->len + 4, room - 4, n, rec, w->o.node_id, w->o.epoch,
                                  w->next_seq);
}

vnfo_status vnfo_log_writer_append(vnfo_log_writer *w, const vnfo_record *rec)
{
    if (!w || !rec)
        return VNFO_E_INVALID_ARGUMENT;
    if (w->next_seq == UINT64_MAX)
        return VNFO_E_OVERFLOW;
    size_t n = 0;
    vnfo_status closed = VNFO_OK, s = encode_into_batch(w, rec, &n);
    if (s == VNFO_E_BUFFER_TOO_SMALL && w->count > 0) {
        /* The record does not fit behind the others: it opens the next batch. */
        closed = batch_close(w);
        s = encode_into_batch(w, rec, &n);
    }
    if (s == VNFO_E_BUFFER_TOO_SMALL)
        s = VNFO_E_LIMIT_EXCEEDED; /* larger than an empty batch */
    if (s != VNFO_OK)
        return closed != VNFO_OK ? closed : s;
    uint8_t *p = w->buf + w->len;
    log_store32(p, (uint32_t)n);
    uint8_t leaf[LOG_HASH];
    vnfo__log_leaf_hash(leaf, w->o.tree_hash, p + 4, n);
    vnfo__log_merkle_push(&w->tree, leaf);
    w->len += 4 + n;
    w->count++;
    w->next_seq++;
    if (w->count == w->o.batch_records)
        s = batch_close(w);
    return closed != VNFO_OK ? closed : s;
}

vnfo_status vnfo_log_writer_flush(vnfo_log_writer *w)
{
    if (!w)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_writer_flush: writer is NULL");
    return batch_close(w);
}

/* Appends rec as the last record of the open batch and signs it. */
static vnfo_status append_and_sign(vnfo_log_writer *w, const vnfo_record *rec, const char *what)
{
    vnfo_status s = vnfo_log_writer_append(w, rec);
    if (s != VNFO_OK && s != VNFO_E_LOG_SINK)
        return vnfo__error(s, "log writer: node %u: cannot append the %s record (%s)", w->o.node_id,
                           what, vnfo_status_name(s));
    vnfo_status f = batch_close(w);
    return s != VNFO_OK ? s : f;
}

vnfo_status vnfo_log_writer_heartbeat(vnfo_log_writer *w, uint64_t now)
{
    if (!w)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_writer_heartbeat: writer is NULL");
    vnfo_record rec;
    vnfo_record_init(&rec, VNFO_RECORD_HEARTBEAT);
    rec.u.heartbeat.time_ns = now;
    return append_and_sign(w, &rec, "heartbeat");
}

vnfo_status vnfo_log_writer_close_period(vnfo_log_writer *w, uint64_t period_start_ns,
                                         uint64_t period_end_ns, uint64_t now)
{
    if (!w)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_writer_close_period: writer is NULL");
    if (period_end_ns < period_start_ns)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_log_writer_close_period: period ends (%llu ns) before it starts (%llu ns)",
                           (unsigned long long)period_end_ns, (unsigned long long)period_start_ns);
    vnfo_record rec;
    vnfo_record_init(&rec, VNFO_RECORD_PERIOD_CLOSE);
    rec.u.period_close.period_start_ns = period_start_ns;
    rec.u.period_close.period_end_ns = period_end_ns;
    rec.u.period_close.time_ns = now;
    return append_and_sign(w, &rec, "period-close");
}

vnfo_status vnfo_log_writer_set_epoch(vnfo_log_writer *w, uint64_t epoch)
{
    if (!w)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_writer_set_epoch: writer is NULL");
    vnfo_status s = batch_close(w);
    w->o.epoch = epoch;
    return s;
}

uint64_t vnfo_log_writer_next_seq(const vnfo_log_writer *w)
{
    return w ? w->next_seq : 0;
}

vnfo_status vnfo_log_writer_last_hash(uint8_t *out, const vnfo_log_writer *w)
{
    if (!out || !w)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_writer_last_hash: NULL argument");
    memcpy(out, w->last_hash, LOG_HASH);
    return VNFO_OK;
}

uint64_t vnfo_log_writer_pending_lost(const vnfo_log_writer *w)
{
    return w ? w->pending_lost : 0;
}

uint64_t vnfo_log_writer_lost_total(const vnfo_log_writer *w)
{
    return w ? w->lost_total : 0;
}

void vnfo_log_writer_free(vnfo_log_writer *w)
{
    if (!w)
        return;
    batch_close(w);
    vnfo__free(w->buf);
    vnfo__free(w);
}
