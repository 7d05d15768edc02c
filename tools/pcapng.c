/* A small pcapng reader (see pcapng.h; the block layouts are those of the
 * pcapng specification, draft-ietf-opsawg-pcapng). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vnfo/vnfo.h>

#include "internal.h" /* vnfo__shown(): file names are escaped in messages */
#include "pcapng.h"

enum { SHB = 0x0a0d0d0a, IDB = 1, OPB = 2, SPB = 3, EPB = 6 };

struct iface {
    uint32_t snaplen;
    uint64_t units_per_s; /* timestamp resolution */
};

struct pcapng {
    FILE *f;
    int swap;               /* the section's byte order differs from little-endian reading */
    uint64_t offset;        /* of the block being read */
    int have_linktype;
    uint32_t linktype;
    struct iface ifaces[PCAPNG_INTERFACES_MAX];
    size_t n_ifaces;
    uint8_t *block;         /* the current block's body */
    size_t cap;
    char error[512];
};

static int fail(struct pcapng *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct pcapng *r, const char *fmt, ...)
{
    int n = snprintf(r->error, sizeof r->error, "offset %llu: ", (unsigned long long)r->offset);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->error + n, sizeof r->error - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static uint32_t u32(const struct pcapng *r, const uint8_t *p)
{
    return r->swap ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
                   : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t u16(const struct pcapng *r, const uint8_t *p)
{
    return r->swap ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

/* Reads the next block into r->block; *type and *body (its length without
 * type, lengths and padding trailer).  1, 0 at a clean end, -1. */
static int read_block(struct pcapng *r, uint32_t *type, size_t *body)
{
    uint8_t head[12];
    r->offset = (uint64_t)ftell(r->f);
    size_t got = fread(head, 1, 8, r->f);
    if (got == 0 && feof(r->f))
        return 0;
    if (got != 8)
        return fail(r, "the capture ends inside a block header");
    uint32_t t = (uint32_t)head[3] << 24 | (uint32_t)head[2] << 16 | (uint32_t)head[1] << 8 | head[0];
    if (t == SHB) { /* the byte-order magic follows; it sets the section's order */
        if (fread(head + 8, 1, 4, r->f) != 4)
            return fail(r, "the capture ends inside a section header");
        if (memcmp(head + 8, "\x4d\x3c\x2b\x1a", 4) == 0)
            r->swap = 0;
        else if (memcmp(head + 8, "\x1a\x2b\x3c\x4d", 4) == 0)
            r->swap = 1;
        else
            return fail(r, "not a pcapng section (byte-order magic %02x%02x%02x%02x)", head[8],
                        head[9], head[10], head[11]);
        r->n_ifaces = 0; /* interfaces are per section */
    }
    *type = u32(r, head);
    uint32_t total = u32(r, head + 4);
    size_t already = *type == SHB ? 4 : 0;
    if (total < 12 + already || total % 4 || total > PCAPNG_BLOCK_MAX)
        return fail(r, "block length %u (12..%u, a multiple of 4)", total, PCAPNG_BLOCK_MAX);
    size_t rest = total - 8 - already; /* body after what was read, plus the trailing length */
    if (rest > r->cap) {
        uint8_t *b = realloc(r->block, rest);
        if (!b)
            return fail(r, "out of memory for a block of %u bytes", total);
        r->block = b;
        r->cap = rest;
    }
    if (fread(r->block, 1, rest, r->f) != rest)
        return fail(r, "the capture ends inside a block of %u bytes", total);
    if (u32(r, r->block + rest - 4) != total)
        return fail(r, "block lengths disagree (%u, then %u)", total, u32(r, r->block + rest - 4));
    *body = rest - 4;
    return 1;
}

/* if_tsresol (option 9) of an interface's options; microseconds without. */
static uint64_t tsresol(const struct pcapng *r, const uint8_t *opt, size_t n)
{
    for (size_t at = 0; at + 4 <= n;) {
        uint16_t code = u16(r, opt + at), len = u16(r, opt + at + 2);
        if (code == 0 || at + 4 + len > n)
            break;
        if (code == 9 && len >= 1) {
            uint8_t v = opt[at + 4];
            uint64_t units = 1;
            unsigned e = v & 0x7f;
            if (e > (v & 0x80 ? 63u : 19u))
                return 0; /* finer than a value can carry */
            for (unsigned i = 0; i < e; i++)
                units *= v & 0x80 ? 2 : 10;
            return units;
        }
        at += 4 + (((size_t)len + 3) & ~(size_t)3);
    }
    return 1000000;
}

static int interface(struct pcapng *r, size_t body)
{
    if (body < 8)
        return fail(r, "interface description block of %zu bytes", body);
    if (r->n_ifaces == PCAPNG_INTERFACES_MAX)
        return fail(r, "more than %d interfaces", PCAPNG_INTERFACES_MAX);
    uint32_t linktype = u16(r, r->block);
    if (r->have_linktype && linktype != r->linktype)
        return fail(r, "interface %zu has link type %u, the first has %u: vnfo reads one link "
                    "type per capture (split the file per interface)", r->n_ifaces, linktype,
                    r->linktype);
    r->linktype = linktype;
    r->have_linktype = 1;
    struct iface *i = &r->ifaces[r->n_ifaces++];
    i->snaplen = u32(r, r->block + 4);
    i->units_per_s = tsresol(r, r->block + 8, body - 8);
    if (!i->units_per_s)
        return fail(r, "interface %zu: timestamp resolution finer than 2^-63 s", r->n_ifaces - 1);
    return 1;
}

static uint64_t to_ns(uint64_t t, uint64_t units_per_s)
{
    uint64_t s = t / units_per_s, frac = t % units_per_s;
    return s * 1000000000ULL + (uint64_t)((double)frac * 1e9 / (double)units_per_s);
}

/* A packet block: EPB (id, ts, caplen at 12, data at 20), OPB (16-bit id),
 * SPB (original length, data at 4, interface 0, no timestamp). */
static int packet(struct pcapng *r, uint32_t type, size_t body, const uint8_t **pkt, size_t *len,
                  size_t *wire_len, uint64_t *ts_ns)
{
    size_t head = type == SPB ? 4 : 20;
    if (body < head)
        return fail(r, "packet block of %zu bytes", body);
    uint32_t id = type == EPB ? u32(r, r->block) : type == OPB ? u16(r, r->block) : 0;
    if (id >= r->n_ifaces)
        return fail(r, "packet of interface %u, but %zu interfaces are described", id, r->n_ifaces);
    uint32_t caplen = type == SPB ? u32(r, r->block) : u32(r, r->block + 12);
    if (type == SPB && caplen > r->ifaces[0].snaplen && r->ifaces[0].snaplen)
        caplen = r->ifaces[0].snaplen;
    if (caplen > body - head) {
        if (type != SPB)
            return fail(r, "captured length %u runs past its block", caplen);
        caplen = (uint32_t)(body - head);
    }
    uint64_t t = type == SPB ? 0 : (uint64_t)u32(r, r->block + 4) << 32 | u32(r, r->block + 8);
    uint32_t orig = type == SPB ? u32(r, r->block) : u32(r, r->block + 16);
    *pkt = r->block + head;
    *len = caplen;
    if (wire_len)
        *wire_len = orig > caplen ? orig : caplen;
    *ts_ns = to_ns(t, r->ifaces[id].units_per_s);
    return 1;
}

int pcapng_next(struct pcapng *r, const uint8_t **pkt, size_t *len, size_t *wire_len, uint64_t *ts_ns)
{
    for (;;) {
        uint32_t type;
        size_t body;
        int rc = read_block(r, &type, &body);
        if (rc <= 0)
            return rc;
        if (type == IDB && (rc = interface(r, body)) < 0)
            return rc;
        if (type == EPB || type == SPB || type == OPB)
            return packet(r, type, body, pkt, len, wire_len, ts_ns);
    }
}

struct pcapng *pcapng_open(const char *path, char *err, size_t err_size)
{
    struct pcapng *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, err_size, "%s: out of memory", vnfo__shown(path).s);
        return NULL;
    }
    /* vnfo_file_open(): the file may have been replaced by a FIFO since
     * libpcap read it; fopen() would then wait for a writer. */
    int fd;
    if (vnfo_file_open(&fd, path) != VNFO_OK) {
        snprintf(err, err_size, "%s", vnfo_error_message());
        free(r);
        return NULL;
    }
    r->f = fdopen(fd, "rb");
    if (!r->f) {
        snprintf(err, err_size, "%s: %s", vnfo__shown(path).s, strerror(errno));
        close(fd);
        free(r);
        return NULL;
    }
    /* read blocks up to the first interface; then start over */
    uint32_t type = 0;
    size_t body;
    int rc = 1;
    while (rc > 0 && !r->have_linktype) {
        rc = read_block(r, &type, &body);
        if (rc > 0 && r->offset == 0 && type != SHB)
            rc = fail(r, "not a pcapng file");
        if (rc > 0 && type == IDB)
            rc = interface(r, body);
    }
    if (rc <= 0 || fseek(r->f, 0, SEEK_SET) != 0) {
        snprintf(err, err_size, "%s: %s", vnfo__shown(path).s, rc == 0 ? "no interface described" : r->error);
        pcapng_close(r);
        return NULL;
    }
    return r;
}

uint32_t pcapng_linktype(const struct pcapng *r)
{
    return r->linktype;
}

const char *pcapng_error(const struct pcapng *r)
{
    return r->error;
}

void pcapng_close(struct pcapng *r)
{
    if (!r)
        return;
    if (r->f)
        fclose(r->f);
    free(r->block);
    free(r);
}
