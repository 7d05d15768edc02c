/* Deterministic msgpack encoding of a FlowTag table (docs/flowtags.md,
 * "Serialised table").  The writer uses msgpack-c, whose integers always
 * take their shortest form, and walks the table in a fixed order, so equal
 * tables give equal bytes.  The reader is a small bounds-checked cursor of
 * its own: msgpack-c's unpacker would allocate from the declared array sizes
 * before knowing whether the bytes are there. */
#include <msgpack.h>
#include <stdio.h>
#include <string.h>

#include "flowtag_int.h"
#include "mpread.h"

#define TOP_FIELDS 9
#define FREE_FIELDS 2
#define LIVE_FIELDS 7
#define KEY_FIELDS 6
/* The smallest encoding of one slot (a free slot: fixarray, two fixints),
 * bounding the capacity a buffer can describe before anything is allocated. */
#define MIN_SLOT_BYTES 3
/* Version 1 (library 0.1) listed the bindings in exact last-use order with a
 * reserved nil; version 2 lists them in sweep order, each with its "used"
 * flag, which the second-chance sweep needs to go on exactly as before. */
#define FORMAT_V1 1u

/* ---- writer -------------------------------------------------------------- */

struct sink {
    uint8_t *buf;
    size_t size;
    size_t len; /* keeps counting past size, to report the size needed */
};

static int sink_write(void *data, const char *bytes, size_t n)
{
    struct sink *s = data;
    if (s->buf && s->len <= s->size && n <= s->size - s->len)
        memcpy(s->buf + s->len, bytes, n);
    s->len += n;
    return 0;
}

static void pack_key(msgpack_packer *pk, const vnfo_flow_key *k)
{
    size_t alen = k->ip_version == 4 ? 4 : 16;
    msgpack_pack_array(pk, KEY_FIELDS);
    msgpack_pack_uint8(pk, k->ip_version);
    msgpack_pack_uint8(pk, k->proto);
    msgpack_pack_uint16(pk, k->src_port);
    msgpack_pack_uint16(pk, k->dst_port);
    msgpack_pack_bin(pk, alen);
    msgpack_pack_bin_body(pk, k->src, alen);
    msgpack_pack_bin(pk, alen);
    msgpack_pack_bin_body(pk, k->dst, alen);
}

static void pack_table(msgpack_packer *pk, const vnfo_flowtag_table *t)
{
    const vnfo_flowtag_options *o = &t->opts;
    msgpack_pack_array(pk, TOP_FIELDS);
    msgpack_pack_uint32(pk, VNFO_FLOWTAG_FORMAT_VERSION);
    msgpack_pack_uint32(pk, o->width_bits);
    msgpack_pack_uint32(pk, o->capacity);
    msgpack_pack_uint32(pk, o->ipv6_capacity);
    msgpack_pack_uint32(pk, o->node_id);
    msgpack_pack_uint64(pk, o->idle_timeout);
    msgpack_pack_uint64(pk, t->now);
    msgpack_pack_array(pk, o->capacity - t->live);
    for (uint32_t s = t->free_list.head; s; s = t->links[s].next) {
        msgpack_pack_array(pk, FREE_FIELDS);
        msgpack_pack_uint32(pk, s);
        msgpack_pack_uint32(pk, t->entries[s].tag);
    }
    msgpack_pack_array(pk, t->live);
    for (uint32_t s = t->sweep.head; s; s = t->links[s].next) {
        const struct ft_entry *e = &t->entries[s];
        vnfo_flow_key orig, rew;
        vnfo__flowtag_entry_keys(t, e, &orig, &rew);
        msgpack_pack_array(pk, LIVE_FIELDS);
        msgpack_pack_uint32(pk, e->tag);
        msgpack_pack_uint32(pk, e->spi);
        msgpack_pack_uint32(pk, e->epoch);
        msgpack_pack_uint64(pk, e->last_seen);
        pack_key(pk, &orig);
        pack_key(pk, &rew);
        msgpack_pack_uint8(pk, (e->flags & FT_REF) ? 1 : 0);
    }
}

static size_t encode(uint8_t *buf, size_t size, const vnfo_flowtag_table *t)
{
    struct sink s = {buf, size, 0};
    msgpack_packer pk;
    msgpack_packer_init(&pk, &s, sink_write);
    pack_table(&pk, t);
    return s.len;
}

vnfo_status vnfo_flowtag_table_serialized_size(size_t *out, const vnfo_flowtag_table *table)
{
    if (!out || !table)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_flowtag_table_serialized_size: NULL argument");
    *out = encode(NULL, 0, table);
    return VNFO_OK;
}

vnfo_status vnfo_flowtag_table_serialize(uint8_t *out, size_t size, size_t *out_len,
                                         const vnfo_flowtag_table *table)
{
    if (!out_len || !table || (!out && size))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_flowtag_table_serialize: NULL argument");
    size_t need = encode(NULL, 0, table);
    *out_len = need;
    if (need > size)
        return vnfo__error(VNFO_E_BUFFER_TOO_SMALL,
                           "vnfo_flowtag_table_serialize: %zu bytes needed, buffer has %zu", need, size);
    encode(out, size, table);
    return VNFO_OK;
}

/* ---- reader -------------------------------------------------------------- */

#define WHERE "flowtag table"

static vnfo_status read_u32(struct mpread *r, uint32_t *out, const char *field)
{
    uint64_t v;
    vnfo_status s = vnfo__mpread_uint(r, &v, WHERE, field);
    if (s != VNFO_OK)
        return s;
    if (v > UINT32_MAX)
        return vnfo__mpread_fail(r, WHERE, field, "value above 2^32-1");
    *out = (uint32_t)v;
    return VNFO_OK;
}

static vnfo_status read_header(struct mpread *r, vnfo_flowtag_options *o, uint64_t *now,
                               uint32_t *version_out)
{
    uint32_t n = 0, version = 0;
    vnfo_status s = vnfo__mpread_array(r, &n, WHERE, "top level");
    if (s != VNFO_OK)
        return s;
    if ((s = read_u32(r, &version, "version")) != VNFO_OK)
        return s;
    if (version > VNFO_FLOWTAG_FORMAT_VERSION)
        return vnfo__error(VNFO_E_UNSUPPORTED_VERSION,
                           WHERE ": format version %u, this library reads up to %u", version,
                           VNFO_FLOWTAG_FORMAT_VERSION);
    if (version == 0 || n != TOP_FIELDS)
        return vnfo__mpread_fail(r, WHERE, "top level", "expected version 1 or 2 with 9 fields");
    *version_out = version;
    uint32_t width = 0;
    if ((s = read_u32(r, &width, "width_bits")) != VNFO_OK ||
        (s = read_u32(r, &o->capacity, "capacity")) != VNFO_OK ||
        (s = read_u32(r, &o->ipv6_capacity, "ipv6_capacity")) != VNFO_OK ||
        (s = read_u32(r, &o->node_id, "node_id")) != VNFO_OK ||
        (s = vnfo__mpread_uint(r, &o->idle_timeout, WHERE, "idle_timeout")) != VNFO_OK ||
        (s = vnfo__mpread_uint(r, now, WHERE, "now")) != VNFO_OK)
        return s;
    o->width_bits = width;
    if (o->ipv6_capacity == VNFO_FLOWTAG_IPV6_ALL)
        return vnfo__mpread_fail(r, WHERE, "ipv6_capacity", "the symbolic value is never stored");
    return VNFO_OK;
}

static vnfo_status read_key(struct mpread *r, vnfo_flow_key *k, const char *field)
{
    uint32_t n;
    uint64_t v[4];
    vnfo_status s = vnfo__mpread_array(r, &n, WHERE, field);
    if (s != VNFO_OK)
        return s;
    if (n != KEY_FIELDS)
        return vnfo__mpread_fail(r, WHERE, field, "a flow key has 6 fields");
    for (int i = 0; i < 4; i++)
        if ((s = vnfo__mpread_uint(r, &v[i], WHERE, field)) != VNFO_OK)
            return s;
    if ((v[0] != 4 && v[0] != 6) || v[1] > 255 || v[2] > 65535 || v[3] > 65535)
        return vnfo__mpread_fail(r, WHERE, field, "ip_version, proto or a port out of range");
    memset(k, 0, sizeof *k);
    k->ip_version = (uint8_t)v[0];
    k->proto = (uint8_t)v[1];
    k->src_port = (uint16_t)v[2];
    k->dst_port = (uint16_t)v[3];
    size_t alen = k->ip_version == 4 ? 4 : 16;
    if ((s = vnfo__mpread_bin_exact(r, k->src, alen, WHERE, field)) != VNFO_OK)
        return s;
    return vnfo__mpread_bin_exact(r, k->dst, alen, WHERE, field);
}

/* read_free, read_binding and read_body also run without a table (t NULL):
 * the pre-scan that checks the whole layout before anything is allocated. */
static vnfo_status read_free(struct mpread *r, vnfo_flowtag_table *t, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        uint32_t n = 0, slot = 0, tag = 0;
        vnfo_status s = vnfo__mpread_array(r, &n, WHERE, "free slot");
        if (s != VNFO_OK)
            return s;
        if (n != FREE_FIELDS)
            return vnfo__mpread_fail(r, WHERE, "free slot", "expected [slot, last_tag]");
        if ((s = read_u32(r, &slot, "free slot")) != VNFO_OK ||
            (s = read_u32(r, &tag, "free slot last_tag")) != VNFO_OK)
            return s;
        if (!t)
            continue;
        if (slot == 0 || slot > t->opts.capacity || (t->entries[slot].flags & FT_SEEN))
            return vnfo__mpread_fail(r, WHERE, "free slot", "slot out of range or listed twice");
        if (tag != 0 && !vnfo__flowtag_tag_valid(t, slot, tag))
            return vnfo__mpread_fail(r, WHERE, "free slot last_tag", "not a tag of this slot");
        t->entries[slot].flags = FT_SEEN;
        t->entries[slot].tag = tag;
        vnfo__flowtag_free_push(t, slot);
    }
    return VNFO_OK;
}

/* The last field of a binding: v1's reserved nil, or v2's "used" flag. */
static vnfo_status read_used(struct mpread *r, uint32_t version, int *used)
{
    *used = 0;
    if (version == FORMAT_V1)
        return vnfo__mpread_nil(r, WHERE, "binding reserved");
    uint64_t v;
    vnfo_status s = vnfo__mpread_uint(r, &v, WHERE, "binding used");
    if (s != VNFO_OK)
        return s;
    if (v > 1)
        return vnfo__mpread_fail(r, WHERE, "binding used", "not 0 or 1");
    *used = (int)v;
    return VNFO_OK;
}

static vnfo_status read_binding(struct mpread *r, vnfo_flowtag_table *t, uint32_t version,
                                uint64_t *prev_seen)
{
    int used = 0;
    uint32_t n = 0, tag = 0, spi = 0, epoch = 0;
    uint64_t seen = 0;
    vnfo_flow_key orig, rew;
    vnfo_status s = vnfo__mpread_array(r, &n, WHERE, "binding");
    if (s != VNFO_OK)
        return s;
    if (n != LIVE_FIELDS)
        return vnfo__mpread_fail(r, WHERE, "binding", "a binding has 7 fields");
    if ((s = read_u32(r, &tag, "binding tag")) != VNFO_OK ||
        (s = read_u32(r, &spi, "binding service_path_id")) != VNFO_OK ||
        (s = read_u32(r, &epoch, "binding epoch")) != VNFO_OK ||
        (s = vnfo__mpread_uint(r, &seen, WHERE, "binding last_seen")) != VNFO_OK ||
        (s = read_key(r, &orig, "binding original")) != VNFO_OK ||
        (s = read_key(r, &rew, "binding rewritten")) != VNFO_OK ||
        (s = read_used(r, version, &used)) != VNFO_OK)
        return s;
    if (!t)
        return VNFO_OK;
    uint32_t slot = tag & t->slot_mask;
    if (!vnfo__flowtag_tag_valid(t, slot, tag) || (t->entries[slot].flags & FT_SEEN))
        return vnfo__mpread_fail(r, WHERE, "binding tag", "invalid, or its slot is listed twice");
    /* Version 1 lists bindings in exact last-use order: as a sweep list
     * with no flow marked used, the sweep expires them exactly as before.
     * A version 2 sweep list has no such order (used flows move late). */
    if ((version == FORMAT_V1 && seen < *prev_seen) || seen > t->now)
        return vnfo__mpread_fail(r, WHERE, "binding last_seen", "out of order or after now");
    uint64_t hash = vnfo__flowtag_hash(t, &orig);
    if (vnfo__flowtag_index_find(t, &orig, hash))
        return vnfo__mpread_fail(r, WHERE, "binding original", "flow bound twice");
    t->entries[slot].flags = FT_SEEN;
    if (vnfo__flowtag_bind(t, slot, tag, &orig, hash, &rew, spi, epoch, seen) != VNFO_OK)
        return vnfo__mpread_fail(r, WHERE, "binding", "more IPv6 flows than ipv6_capacity");
    if (used)
        t->entries[slot].flags |= FT_REF;
    *prev_seen = seen;
    return VNFO_OK;
}

static vnfo_status read_body(struct mpread *r, vnfo_flowtag_table *t, uint32_t capacity,
                             uint32_t version)
{
    uint32_t nfree, nlive;
    vnfo_status s = vnfo__mpread_array(r, &nfree, WHERE, "free");
    if (s != VNFO_OK)
        return s;
    if (nfree > capacity)
        return vnfo__mpread_fail(r, WHERE, "free", "more free slots than capacity");
    if (t)
        t->free_list = (struct ft_list){0, 0};
    if ((s = read_free(r, t, nfree)) != VNFO_OK)
        return s;
    if ((s = vnfo__mpread_array(r, &nlive, WHERE, "bindings")) != VNFO_OK)
        return s;
    if (nlive != capacity - nfree)
        return vnfo__mpread_fail(r, WHERE, "bindings", "free + bound slots differ from capacity");
    uint64_t prev_seen = 0;
    for (uint32_t i = 0; i < nlive; i++)
        if ((s = read_binding(r, t, version, &prev_seen)) != VNFO_OK)
            return s;
    if (r->pos != r->len)
        return vnfo__mpread_fail(r, WHERE, "end", "trailing bytes");
    if (!t)
        return VNFO_OK;
    for (uint32_t i = 1; i <= t->opts.capacity; i++)
        t->entries[i].flags &= (uint8_t)~FT_SEEN;
    return VNFO_OK;
}

vnfo_status vnfo_flowtag_table_deserialize(vnfo_flowtag_table **out, const uint8_t *data,
                                           size_t len)
{
    if (!out || (!data && len))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_flowtag_table_deserialize: NULL argument");
    *out = NULL;
    struct mpread r = {data, len, 0};
    vnfo_flowtag_options o = VNFO_FLOWTAG_OPTIONS_INIT;
    uint64_t now;
    uint32_t version = 0;
    vnfo_status s = read_header(&r, &o, &now, &version);
    if (s != VNFO_OK)
        return s;
    /* Every slot takes at least MIN_SLOT_BYTES of what remains: refuse a
     * capacity the bytes cannot describe before allocating for it. */
    if (o.capacity > (r.len - r.pos) / MIN_SLOT_BYTES)
        return vnfo__mpread_fail(&r, WHERE, "capacity", "larger than the remaining bytes can list");
    /* The table costs far more memory per slot than the 3 bytes a slot
     * takes at least in the file: read the whole layout first, so a
     * checkpoint refused at any byte has allocated nothing. */
    struct mpread scan = r;
    if ((s = read_body(&scan, NULL, o.capacity, version)) != VNFO_OK)
        return s;
    vnfo_flowtag_table *t;
    if ((s = vnfo__flowtag_table_alloc(&t, &o, WHERE)) != VNFO_OK) {
        if (s == VNFO_E_NO_MEMORY)
            return s;
        char why[256]; /* the reason, copied before the message is rewritten */
        snprintf(why, sizeof why, "%s", vnfo_error_message());
        return vnfo__mpread_fail(&r, WHERE, "options", why);
    }
    t->now = now;
    if ((s = read_body(&r, t, o.capacity, version)) != VNFO_OK) {
        vnfo_flowtag_table_free(t);
        return s;
    }
    *out = t;
    return VNFO_OK;
}
