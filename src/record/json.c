/* Names of the record enums and a JSON rendering of one record (for
 * `vnfo log dump --jsonl` and for people reading logs). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "record/record_format.h"

const char *vnfo_record_type_name(vnfo_record_type type)
{
    switch (type) {
    case VNFO_RECORD_PACKET: return "packet";
    case VNFO_RECORD_FLOWTAG_MAP: return "flowtag_map";
    case VNFO_RECORD_LOSS_NOTICE: return "loss_notice";
    case VNFO_RECORD_EPOCH_START: return "epoch_start";
    case VNFO_RECORD_HEARTBEAT: return "heartbeat";
    case VNFO_RECORD_PERIOD_CLOSE: return "period_close";
    }
    return "unknown";
}

const char *vnfo_record_verdict_name(vnfo_record_verdict verdict)
{
    switch (verdict) {
    case VNFO_VERDICT_FORWARDED: return "forwarded";
    case VNFO_VERDICT_DROPPED: return "dropped";
    case VNFO_VERDICT_GENERATED: return "generated";
    }
    return "unknown";
}

static const char *const GRANULARITY_NAMES[] = {"digest", "headers", "full"};

const char *vnfo_record_granularity_name(vnfo_record_granularity g)
{
    return (unsigned)g <= VNFO_GRANULARITY_FULL ? GRANULARITY_NAMES[g] : "unknown";
}

vnfo_status vnfo_record_granularity_parse(vnfo_record_granularity *out, const char *name)
{
    if (!out || !name)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "granularity: NULL argument");
    for (unsigned i = 0; i <= VNFO_GRANULARITY_FULL; i++)
        if (strcmp(name, GRANULARITY_NAMES[i]) == 0) {
            *out = (vnfo_record_granularity)i;
            return VNFO_OK;
        }
    return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                       "granularity: \"%s\" is not one of digest, headers, full", name);
}

const char *vnfo_record_loss_reason_name(vnfo_record_loss_reason reason)
{
    static const char *const names[] = {"unspecified", "queue_overflow", "sink_failure", "restart",
                                        "rate_limit"};
    return (unsigned)reason <= RECORD_MAX_LOSS_REASON ? names[reason] : "unknown";
}

/* ---- JSON ----------------------------------------------------------------- */

/* Appends while it fits, counts always (like the encoder's buffer). */
struct text {
    char *p;
    size_t cap;
    size_t len;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
    char tmp[192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    /* Every caller's expansion is short (numbers, fixed names). */
    size_t k = (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1;
    if (t->len < t->cap)
        memcpy(t->p + t->len, tmp, k < t->cap - t->len ? k : t->cap - t->len);
    t->len += k;
}

static void put_hex(struct text *t, const char *key, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    put(t, ",\"%s\":\"", key);
    for (size_t i = 0; i < n; i++) {
        if (t->len + 2 <= t->cap) {
            t->p[t->len] = digits[p[i] >> 4];
            t->p[t->len + 1] = digits[p[i] & 15];
        }
        t->len += 2;
    }
    put(t, "\"");
}

static void put_opt_hex(struct text *t, const char *key, const uint8_t *p, size_t n)
{
    if (p)
        put_hex(t, key, p, n);
    else
        put(t, ",\"%s\":null", key);
}

static void put_u64(struct text *t, const char *key, uint64_t v)
{
    put(t, ",\"%s\":%" PRIu64, key, v);
}

static void put_packet(struct text *t, const vnfo_record_packet *p, uint32_t version)
{
    put_u64(t, "hop", p->hop);
    put_u64(t, "label", p->label);
    put_u64(t, "flowtag", p->flowtag);
    put_hex(t, "digest_in", p->digest_in, VNFO_RECORD_DIGEST_BYTES);
    put_hex(t, "digest_out", p->digest_out, VNFO_RECORD_DIGEST_BYTES);
    put(t, ",\"verdict\":\"%s\"", vnfo_record_verdict_name(p->verdict));
    put_u64(t, "t_in_ns", p->t_in_ns);
    put_u64(t, "t_out_ns", p->t_out_ns);
    put_u64(t, "cpu_cycles", p->cpu_cycles);
    put_u64(t, "mem_bytes", p->mem_bytes);
    put(t, ",\"counters\":{");
    for (size_t i = 0; i < p->n_counters && i < VNFO_RECORD_MAX_COUNTERS; i++) {
        const vnfo_record_counter *c = &p->counters[i];
        /* Names are visible ASCII; escape the two JSON specials. */
        put(t, "%s\"", i ? "," : "");
        for (size_t j = 0; j < c->name_len && j < VNFO_RECORD_MAX_COUNTER_NAME; j++)
            put(t, (c->name[j] == '"' || c->name[j] == '\\') ? "\\%c" : "%c", c->name[j]);
        put(t, "\":%" PRIu64, c->value);
    }
    put(t, "}");
    put(t, ",\"granularity\":\"%s\"", vnfo_record_granularity_name(p->granularity));
    put_opt_hex(t, "bytes_in", p->bytes_in, p->bytes_in_len);
    put_opt_hex(t, "bytes_out", p->bytes_out, p->bytes_out_len);
    put_opt_hex(t, "state_digest", p->has_state_digest ? p->state_digest : NULL,
                VNFO_RECORD_STATE_DIGEST_BYTES);
    /* Version-1 records keep their 0.1.0 rendering. */
    if (version < 2)
        return;
    if (p->has_link_type)
        put_u64(t, "link_type", p->link_type);
    else
        put(t, ",\"link_type\":null");
    put_u64(t, "wire_len", p->wire_len);
}

static void put_flow_key(struct text *t, const char *key, const vnfo_flow_key *k)
{
    put(t, ",\"%s\":{\"ip_version\":%u,\"proto\":%u,\"src_port\":%u,\"dst_port\":%u", key,
        k->ip_version, k->proto, k->src_port, k->dst_port);
    put_hex(t, "src", k->src, k->ip_version == 4 ? 4 : 16);
    put_hex(t, "dst", k->dst, k->ip_version == 4 ? 4 : 16);
    put(t, "}");
}

static void put_body(struct text *t, const vnfo_record *r)
{
    switch (r->type) {
    case VNFO_RECORD_PACKET:
        put_packet(t, &r->u.packet, r->format_version);
        break;
    case VNFO_RECORD_FLOWTAG_MAP:
        put_u64(t, "tag", r->u.flowtag_map.tag);
        put_u64(t, "tagging_node", r->u.flowtag_map.tagging_node);
        put_u64(t, "service_path", r->u.flowtag_map.service_path);
        put_u64(t, "time_ns", r->u.flowtag_map.time_ns);
        put_flow_key(t, "original", &r->u.flowtag_map.original);
        put_flow_key(t, "rewritten", &r->u.flowtag_map.rewritten);
        break;
    case VNFO_RECORD_LOSS_NOTICE:
        put_u64(t, "count", r->u.loss_notice.count);
        put(t, ",\"reason\":\"%s\"", vnfo_record_loss_reason_name(r->u.loss_notice.reason));
        put_u64(t, "time_ns", r->u.loss_notice.time_ns);
        break;
    case VNFO_RECORD_EPOCH_START:
        put_u64(t, "time_ns", r->u.epoch_start.time_ns);
        put_hex(t, "commitment", r->u.epoch_start.commitment,
                r->u.epoch_start.commitment ? r->u.epoch_start.commitment_len : 0);
        break;
    case VNFO_RECORD_HEARTBEAT:
        put_u64(t, "time_ns", r->u.heartbeat.time_ns);
        break;
    case VNFO_RECORD_PERIOD_CLOSE:
        put_u64(t, "period_start_ns", r->u.period_close.period_start_ns);
        put_u64(t, "period_end_ns", r->u.period_close.period_end_ns);
        put_u64(t, "time_ns", r->u.period_close.time_ns);
        break;
    }
}

vnfo_status vnfo_record_to_json(char *out, size_t size, size_t *written, const vnfo_record *rec)
{
    if (!written || !rec || (!out && size))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_record_to_json: NULL argument");
    /* Reserve the last byte for the NUL. */
    struct text t = {out, size ? size - 1 : 0, 0};
    put(&t, "{\"type\":\"%s\",\"version\":%" PRIu32 ",\"node_id\":%" PRIu32, vnfo_record_type_name(rec->type),
        rec->format_version, rec->node_id);
    put_u64(&t, "epoch", rec->epoch);
    put_u64(&t, "seq", rec->seq);
    put_body(&t, rec);
    put(&t, "}");
    if (size)
        out[t.len < t.cap ? t.len : t.cap] = '\0';
    if (t.len >= size) {
        *written = t.len + 1;
        return vnfo__error(VNFO_E_BUFFER_TOO_SMALL, "vnfo_record_to_json: need %zu bytes", t.len + 1);
    }
    *written = t.len;
    return VNFO_OK;
}
