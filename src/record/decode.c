/* Strict decoder of records.  A bounded reader written for hostile input:
 * every length is compared with the bytes that remain before it is used,
 * nothing is allocated, and only the canonical form the encoder writes is
 * accepted, so decode(bytes) succeeds for exactly one bytes per record.
 * Nesting is fixed by the schema (at most two levels), so no recursion. */
#include <stddef.h>
#include <string.h>

#include "internal.h"
#include "record/record_format.h"

struct rd {
    const uint8_t *p;
    size_t len;
    size_t pos;
};

static vnfo_status fail(vnfo_status s, const struct rd *r, size_t at, const char *field,
                        const char *what)
{
    (void)r;
    return vnfo__error(s, "record: byte %zu: %s: %s", at, field, what);
}

static size_t remaining(const struct rd *r)
{
    return r->len - r->pos;
}

/* Big-endian unsigned of n bytes at pos+1 (after the type byte). */
static int read_be(const struct rd *r, size_t n, uint64_t *v)
{
    if (remaining(r) < 1 + n)
        return 0;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++)
        x = (x << 8) | r->p[r->pos + 1 + i];
    *v = x;
    return 1;
}

/* A length or integer that follows a type byte in 1, 2, 4 or 8 bytes; the
 * canonical form uses the shortest width: min is the smallest value the
 * width may carry. */
static vnfo_status read_sized(struct rd *r, size_t n, uint64_t min, uint64_t *v, const char *field)
{
    size_t at = r->pos;
    if (!read_be(r, n, v))
        return fail(VNFO_E_RECORD_MALFORMED, r, at, field, "truncated");
    if (*v < min)
        return fail(VNFO_E_RECORD_NONCANONICAL, r, at, field, "longer encoding than needed");
    r->pos += 1 + n;
    return VNFO_OK;
}

static vnfo_status read_uint(struct rd *r, uint64_t *v, uint64_t max, const char *field)
{
    size_t at = r->pos;
    if (remaining(r) < 1)
        return fail(VNFO_E_RECORD_MALFORMED, r, at, field, "truncated");
    uint8_t b = r->p[r->pos];
    vnfo_status s = VNFO_OK;
    if (b <= 0x7f) {
        *v = b;
        r->pos++;
    } else if (b == 0xcc) {
        s = read_sized(r, 1, 0x80, v, field);
    } else if (b == 0xcd) {
        s = read_sized(r, 2, 0x100, v, field);
    } else if (b == 0xce) {
        s = read_sized(r, 4, 0x10000, v, field);
    } else if (b == 0xcf) {
        s = read_sized(r, 8, 0x100000000ULL, v, field);
    } else {
        return fail(VNFO_E_RECORD_MALFORMED, r, at, field, "expected an unsigned integer");
    }
    if (s == VNFO_OK && *v > max)
        return fail(VNFO_E_RECORD_MALFORMED, r, at, field, "value out of range");
    return s;
}

static vnfo_status read_u32(struct rd *r, uint32_t *v, const char *field)
{
    uint64_t x;
    vnfo_status s = read_uint(r, &x, UINT32_MAX, field);
    *v = (uint32_t)x;
    return s;
}

/* A container or byte-string header: fix-range [fix_lo, fix_lo + fix_n),
 * then the 8/16/32-bit forms given by their type bytes (0 = form absent). */
struct header_forms {
    uint8_t fix_lo, fix_n, t8, t16, t32;
    const char *expected;
};

static const struct header_forms BIN = {0, 0, 0xc4, 0xc5, 0xc6, "expected bytes (bin)"};
static const struct header_forms STR = {0xa0, 32, 0xd9, 0xda, 0xdb, "expected a string"};
static const struct header_forms ARRAY = {0x90, 16, 0, 0xdc, 0xdd, "expected an array"};
static const struct header_forms MAP = {0x80, 16, 0, 0xde, 0xdf, "expected a map"};

static vnfo_status read_header(struct rd *r, const struct header_forms *f, uint64_t *n,
                               const char *field)
{
    size_t at = r->pos;
    if (remaining(r) < 1)
        return fail(VNFO_E_RECORD_MALFORMED, r, at, field, "truncated");
    uint8_t b = r->p[r->pos];
    if (f->fix_n && b >= f->fix_lo && b < f->fix_lo + f->fix_n) {
        *n = b - f->fix_lo;
        r->pos++;
        return VNFO_OK;
    }
    /* The smallest length each wider form may carry in canonical form. */
    uint64_t min8 = f->fix_n, min16 = f->t8 ? 0x100 : f->fix_n;
    if (f->t8 && b == f->t8)
        return read_sized(r, 1, min8, n, field);
    if (b == f->t16)
        return read_sized(r, 2, min16, n, field);
    if (b == f->t32)
        return read_sized(r, 4, 0x10000, n, field);
    return fail(VNFO_E_RECORD_MALFORMED, r, at, field, f->expected);
}

/* Bytes of at most max; *p points into the input. */
static vnfo_status read_bytes(struct rd *r, const struct header_forms *f, const uint8_t **p,
                              size_t *len, size_t max, const char *field)
{
    size_t at = r->pos;
    uint64_t n;
    vnfo_status s = read_header(r, f, &n, field);
    if (s != VNFO_OK)
        return s;
    if (n > max)
        return fail(VNFO_E_LIMIT_EXCEEDED, r, at, field, "longer than the limit");
    if (n > remaining(r))
        return fail(VNFO_E_RECORD_MALFORMED, r, at, field, "length beyond the end of the record");
    *p = r->p + r->pos;
    *len = (size_t)n;
    r->pos += (size_t)n;
    return VNFO_OK;
}

static vnfo_status read_fixed_bin(struct rd *r, uint8_t *out, size_t want, const char *field)
{
    size_t at = r->pos, len = 0;
    const uint8_t *p = NULL;
    vnfo_status s = read_bytes(r, &BIN, &p, &len, SIZE_MAX, field);
    if (s != VNFO_OK)
        return s;
    if (len != want)
        return vnfo__error(VNFO_E_RECORD_MALFORMED, "record: byte %zu: %s: %zu bytes, expected %zu",
                           at, field, len, want);
    memcpy(out, p, want);
    return VNFO_OK;
}

static int next_is_nil(struct rd *r)
{
    if (remaining(r) >= 1 && r->p[r->pos] == 0xc0) {
        r->pos++;
        return 1;
    }
    return 0;
}

/* ---- packet --------------------------------------------------------------- */

static vnfo_status read_counters(struct rd *r, vnfo_record_packet *p)
{
    size_t at = r->pos;
    uint64_t n;
    vnfo_status s = read_header(r, &MAP, &n, "counters");
    if (s != VNFO_OK)
        return s;
    if (n > VNFO_RECORD_MAX_COUNTERS)
        return fail(VNFO_E_LIMIT_EXCEEDED, r, at, "counters", "more than 16 counters");
    p->n_counters = (size_t)n;
    for (size_t i = 0; i < n; i++) {
        vnfo_record_counter *c = &p->counters[i];
        const uint8_t *name;
        at = r->pos;
        s = read_bytes(r, &STR, &name, &c->name_len, VNFO_RECORD_MAX_COUNTER_NAME, "counter name");
        if (s != VNFO_OK)
            return s;
        c->name = (const char *)name;
        if (!record_counter_name_ok(c->name, c->name_len))
            return fail(VNFO_E_RECORD_MALFORMED, r, at, "counter name",
                        "empty or not visible ASCII");
        if (i > 0) {
            int cmp = record_name_cmp(p->counters[i - 1].name, p->counters[i - 1].name_len,
                                      c->name, c->name_len);
            /* Names are unique in the one canonical form (docs/FORMAT.md 1.5). */
            if (cmp == 0)
                return fail(VNFO_E_RECORD_NONCANONICAL, r, at, "counter name", "duplicate");
            if (cmp > 0)
                return fail(VNFO_E_RECORD_NONCANONICAL, r, at, "counter name", "not in sorted order");
        }
        s = read_uint(r, &c->value, UINT64_MAX, "counter value");
        if (s != VNFO_OK)
            return s;
    }
    return VNFO_OK;
}

static vnfo_status read_packet_bytes(struct rd *r, const uint8_t **p, size_t *len,
                                     vnfo_record_granularity g, const char *field)
{
    *p = NULL;
    *len = 0;
    size_t at = r->pos;
    if (next_is_nil(r))
        return VNFO_OK;
    if (g == VNFO_GRANULARITY_DIGEST)
        return fail(VNFO_E_RECORD_MALFORMED, r, at, field, "packet bytes at granularity digest");
    size_t max = g == VNFO_GRANULARITY_HEADERS ? VNFO_RECORD_HEADER_BYTES : VNFO_RECORD_MAX_PACKET_BYTES;
    return read_bytes(r, &BIN, p, len, max, field);
}

/* The digest a verdict leaves empty is all zero (docs/FORMAT.md 1.1). */
static vnfo_status check_verdict_digests(struct rd *r, const vnfo_record_packet *p, size_t at)
{
    if (p->verdict == VNFO_VERDICT_GENERATED && !record_all_zero(p->digest_in, VNFO_RECORD_DIGEST_BYTES))
        return fail(VNFO_E_RECORD_MALFORMED, r, at, "digest_in",
                    "not all zero, but the packet was generated");
    if (p->verdict == VNFO_VERDICT_DROPPED && !record_all_zero(p->digest_out, VNFO_RECORD_DIGEST_BYTES))
        return fail(VNFO_E_RECORD_MALFORMED, r, at, "digest_out",
                    "not all zero, but the packet was dropped");
    return VNFO_OK;
}

/* Format v2's tail of the packet record: link type (nil or <= 65535), then
 * the wire length (0 = not stated). */
static vnfo_status read_packet_v2(struct rd *r, vnfo_record_packet *p)
{
    uint64_t v;
    vnfo_status s;
    p->has_link_type = !next_is_nil(r);
    p->link_type = 0;
    if (p->has_link_type) {
        if ((s = read_uint(r, &v, VNFO_RECORD_MAX_LINK_TYPE, "link_type")) != VNFO_OK)
            return s;
        p->link_type = (uint32_t)v;
    }
    return read_u32(r, &p->wire_len, "wire_len");
}

static vnfo_status read_packet(struct rd *r, vnfo_record_packet *p, uint32_t version)
{
    uint64_t v;
    vnfo_status s;
    if ((s = read_u32(r, &p->hop, "hop")) != VNFO_OK ||
        (s = read_uint(r, &p->label, UINT64_MAX, "label")) != VNFO_OK ||
        (s = read_u32(r, &p->flowtag, "flowtag")) != VNFO_OK ||
        (s = read_fixed_bin(r, p->digest_in, VNFO_RECORD_DIGEST_BYTES, "digest_in")) != VNFO_OK ||
        (s = read_fixed_bin(r, p->digest_out, VNFO_RECORD_DIGEST_BYTES, "digest_out")) != VNFO_OK)
        return s;
    size_t verdict_at = r->pos;
    if ((s = read_uint(r, &v, VNFO_VERDICT_GENERATED, "verdict")) != VNFO_OK)
        return s;
    p->verdict = (vnfo_record_verdict)v;
    if ((s = check_verdict_digests(r, p, verdict_at)) != VNFO_OK)
        return s;
    if ((s = read_uint(r, &p->t_in_ns, UINT64_MAX, "t_in_ns")) != VNFO_OK ||
        (s = read_uint(r, &p->t_out_ns, UINT64_MAX, "t_out_ns")) != VNFO_OK ||
        (s = read_uint(r, &p->cpu_cycles, UINT64_MAX, "cpu_cycles")) != VNFO_OK ||
        (s = read_uint(r, &p->mem_bytes, UINT64_MAX, "mem_bytes")) != VNFO_OK ||
        (s = read_counters(r, p)) != VNFO_OK ||
        (s = read_uint(r, &v, VNFO_GRANULARITY_FULL, "granularity")) != VNFO_OK)
        return s;
    p->granularity = (vnfo_record_granularity)v;
    if ((s = read_packet_bytes(r, &p->bytes_in, &p->bytes_in_len, p->granularity, "bytes_in")) != VNFO_OK ||
        (s = read_packet_bytes(r, &p->bytes_out, &p->bytes_out_len, p->granularity, "bytes_out")) != VNFO_OK)
        return s;
    p->has_state_digest = !next_is_nil(r);
    if (p->has_state_digest)
        s = read_fixed_bin(r, p->state_digest, VNFO_RECORD_STATE_DIGEST_BYTES, "state_digest");
    else
        memset(p->state_digest, 0, sizeof p->state_digest);
    if (s != VNFO_OK)
        return s;
    if (version >= 2)
        return read_packet_v2(r, p);
    p->has_link_type = 0;
    p->link_type = 0;
    p->wire_len = 0;
    return VNFO_OK;
}

/* ---- other types ---------------------------------------------------------- */

/* One flow-key address, its padding checked before the next element is
 * read, so that a record with several faults gets the earliest (docs/FORMAT.md
 * 1.5): the 12 bytes behind an IPv4 address are padding, and zero is the one
 * canonical value (anything else would be invisible in `log dump`). */
static vnfo_status read_address(struct rd *r, uint8_t *out, uint8_t ip_version, const char *field)
{
    size_t at = r->pos;
    vnfo_status s = read_fixed_bin(r, out, RECORD_ADDRESS_BYTES, field);
    if (s != VNFO_OK)
        return s;
    if (ip_version == 4 && !record_all_zero(out + RECORD_IPV4_ADDRESS_BYTES,
                                            RECORD_ADDRESS_BYTES - RECORD_IPV4_ADDRESS_BYTES))
        return fail(VNFO_E_RECORD_NONCANONICAL, r, at, field,
                    "IPv4 address padding (bytes 4..15) not zero");
    return VNFO_OK;
}

static vnfo_status read_flow_key(struct rd *r, vnfo_flow_key *k, const char *field)
{
    size_t at = r->pos;
    uint64_t n, v;
    vnfo_status s = read_header(r, &ARRAY, &n, field);
    if (s != VNFO_OK)
        return s;
    if (n != RECORD_FLOW_KEY_FIELDS)
        return fail(VNFO_E_RECORD_MALFORMED, r, at, field, "expected 6 elements");
    memset(k, 0, sizeof *k);
    if ((s = read_uint(r, &v, 6, field)) != VNFO_OK)
        return s;
    if (v != 4 && v != 6)
        return fail(VNFO_E_RECORD_MALFORMED, r, at, field, "ip version must be 4 or 6");
    k->ip_version = (uint8_t)v;
    if ((s = read_uint(r, &v, UINT8_MAX, field)) != VNFO_OK)
        return s;
    k->proto = (uint8_t)v;
    if ((s = read_uint(r, &v, UINT16_MAX, field)) != VNFO_OK)
        return s;
    k->src_port = (uint16_t)v;
    if ((s = read_uint(r, &v, UINT16_MAX, field)) != VNFO_OK)
        return s;
    k->dst_port = (uint16_t)v;
    if ((s = read_address(r, k->src, k->ip_version, field)) != VNFO_OK)
        return s;
    return read_address(r, k->dst, k->ip_version, field);
}

static vnfo_status read_flowtag_map(struct rd *r, vnfo_record_flowtag_map *m)
{
    vnfo_status s;
    if ((s = read_u32(r, &m->tag, "tag")) != VNFO_OK ||
        (s = read_u32(r, &m->tagging_node, "tagging_node")) != VNFO_OK ||
        (s = read_u32(r, &m->service_path, "service_path")) != VNFO_OK ||
        (s = read_uint(r, &m->time_ns, UINT64_MAX, "time_ns")) != VNFO_OK ||
        (s = read_flow_key(r, &m->original, "original")) != VNFO_OK)
        return s;
    return read_flow_key(r, &m->rewritten, "rewritten");
}

static vnfo_status read_loss_notice(struct rd *r, vnfo_record_loss_notice *l)
{
    uint64_t v;
    vnfo_status s;
    if ((s = read_uint(r, &l->count, UINT64_MAX, "count")) != VNFO_OK ||
        (s = read_uint(r, &v, RECORD_MAX_LOSS_REASON, "reason")) != VNFO_OK)
        return s;
    l->reason = (vnfo_record_loss_reason)v;
    return read_uint(r, &l->time_ns, UINT64_MAX, "time_ns");
}

static vnfo_status read_epoch_start(struct rd *r, vnfo_record_epoch_start *e)
{
    vnfo_status s = read_uint(r, &e->time_ns, UINT64_MAX, "time_ns");
    if (s != VNFO_OK)
        return s;
    return read_bytes(r, &BIN, &e->commitment, &e->commitment_len, VNFO_RECORD_MAX_COMMITMENT,
                      "commitment");
}

static vnfo_status read_period_close(struct rd *r, vnfo_record_period_close *c)
{
    vnfo_status s;
    if ((s = read_uint(r, &c->period_start_ns, UINT64_MAX, "period_start_ns")) != VNFO_OK)
        return s;
    size_t at = r->pos;
    if ((s = read_uint(r, &c->period_end_ns, UINT64_MAX, "period_end_ns")) != VNFO_OK)
        return s;
    if (c->period_end_ns < c->period_start_ns)
        return fail(VNFO_E_RECORD_MALFORMED, r, at, "period_end_ns", "before period_start_ns");
    return read_uint(r, &c->time_ns, UINT64_MAX, "time_ns");
}

/* ---- record --------------------------------------------------------------- */

static vnfo_status read_prefix(struct rd *r, vnfo_record *out)
{
    uint64_t n, v;
    vnfo_status s = read_header(r, &ARRAY, &n, "record");
    if (s != VNFO_OK)
        return s;
    size_t at = r->pos;
    if (n < 2)
        return fail(VNFO_E_RECORD_MALFORMED, r, 0, "record", "fewer than 2 elements");
    /* Any uint: a version or type above what this library knows is
     * unsupported / unknown (docs/FORMAT.md 1), never "out of range". */
    if ((s = read_uint(r, &v, UINT64_MAX, "version")) != VNFO_OK)
        return s;
    if (v == 0)
        return fail(VNFO_E_RECORD_MALFORMED, r, at, "version", "0 is not a version");
    if (v > VNFO_RECORD_FORMAT_VERSION)
        return vnfo__error(VNFO_E_UNSUPPORTED_VERSION,
                           "record: byte %zu: version: format version %llu; this library reads "
                           "versions %d to %d", at, (unsigned long long)v,
                           VNFO_RECORD_FORMAT_VERSION_MIN, VNFO_RECORD_FORMAT_VERSION);
    out->format_version = (uint32_t)v;
    at = r->pos;
    if ((s = read_uint(r, &v, UINT64_MAX, "type")) != VNFO_OK)
        return s;
    unsigned want = record_field_count(out->format_version, v);
    if (want == 0)
        return vnfo__error(VNFO_E_RECORD_UNKNOWN_TYPE,
                           "record: byte %zu: type: unknown type %llu in format version %u", at,
                           (unsigned long long)v, out->format_version);
    out->type = (vnfo_record_type)v;
    if (n != want)
        return vnfo__error(VNFO_E_RECORD_MALFORMED, "record: byte 0: %s record (format version %u) "
                           "has %llu elements, expected %u", vnfo_record_type_name(out->type),
                           out->format_version, (unsigned long long)n, want);
    if ((s = read_u32(r, &out->node_id, "node_id")) != VNFO_OK ||
        (s = read_uint(r, &out->epoch, UINT64_MAX, "epoch")) != VNFO_OK)
        return s;
    return read_uint(r, &out->seq, UINT64_MAX, "seq");
}

vnfo_status vnfo_record_decode(vnfo_record *out, const uint8_t *data, size_t len)
{
    if (!out || (!data && len))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_record_decode: NULL argument");
    /* Only the common fields: every type's reader sets all its own fields,
     * and clearing the whole union (640 bytes) would cost more than the
     * decoding itself at log-verification rates. */
    memset(out, 0, offsetof(vnfo_record, u));
    struct rd r = {data, len, 0};
    vnfo_status s = read_prefix(&r, out);
    if (s != VNFO_OK)
        return s;
    switch (out->type) {
    case VNFO_RECORD_PACKET: s = read_packet(&r, &out->u.packet, out->format_version); break;
    case VNFO_RECORD_FLOWTAG_MAP: s = read_flowtag_map(&r, &out->u.flowtag_map); break;
    case VNFO_RECORD_LOSS_NOTICE: s = read_loss_notice(&r, &out->u.loss_notice); break;
    case VNFO_RECORD_EPOCH_START: s = read_epoch_start(&r, &out->u.epoch_start); break;
    case VNFO_RECORD_HEARTBEAT: s = read_uint(&r, &out->u.heartbeat.time_ns, UINT64_MAX, "time_ns"); break;
    case VNFO_RECORD_PERIOD_CLOSE: s = read_period_close(&r, &out->u.period_close); break;
    }
    if (s != VNFO_OK)
        return s;
    /* The record spans exactly its bytes in the one canonical form. */
    if (r.pos != r.len)
        return fail(VNFO_E_RECORD_NONCANONICAL, &r, r.pos, "record", "trailing bytes after the record");
    return VNFO_OK;
}
