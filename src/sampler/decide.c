/* The per-packet path: parse, extract the field set, hash, compare with the
 * ranges.  No allocation, no error messages, only reads of the sampler. */
#include <sodium.h>
#include <string.h>

#define XXH_INLINE_ALL /* the hot path inlines XXH3 instead of calling the shared library */
#include <xxhash.h>

#include "sampler_internal.h"
#include "internal.h"
#include "packet/fields_core.h"
#include "packet/parse_core.h"
#include "fastparse.h"
#include "fasthash.h"

/* The per-packet steps are inlined into each entry point whatever GCC's
 * size heuristics say: out of line, their calls cost more than the hash. */
#define DECIDE_INLINE static inline __attribute__((always_inline))

static inline uint64_t hash_with(const struct vnfo_sampler *s, const struct sampler_key *k,
                                 const uint8_t *data, size_t len, int label)
{
    switch (s->hash) {
    case VNFO_SAMPLER_HASH_XXH3:
        return XXH3_64bits_withSeed(data, len, k->seed);
    case VNFO_SAMPLER_HASH_SIPHASH: {
        uint8_t out[crypto_shorthash_BYTES];
        crypto_shorthash(out, data, len, k->sip);
        uint64_t h = 0; /* SipHash's 8 output bytes are its 64-bit value, little-endian */
        for (int i = 7; i >= 0; i--)
            h = h << 8 | out[i];
        return h;
    }
    default:
        if (!label)
            return vnfo_sampler_bob(data, len, k->bob[0]);
        return (uint64_t)vnfo_sampler_bob(data, len, k->bob[0]) << 32 |
               vnfo_sampler_bob(data, len, k->bob[1]);
    }
}

static inline int in_ranges(const struct vnfo_sampler *s, uint64_t h)
{
    for (uint32_t i = 0; i < s->nranges; i++)
        if (h >= s->ranges[i].lo && h <= s->ranges[i].hi)
            return 1;
    return 0;
}

/* Field bytes of one packet, with room for the sink's final 8-byte store.
 * The fast psamp gather fills them as whole little-endian words (words set):
 * then XXH3 and SipHash are computed from the words (fasthash.h). */
struct gathered {
    union {
        uint8_t b[VNFO_PACKET_FIELDS_MAX_BYTES + 8];
        uint64_t w[(VNFO_PACKET_FIELDS_MAX_BYTES + 15) / 8];
    } u;
    size_t n;
    int words; /* GATHER_BYTES, GATHER_PSAMP_WORDS or GATHER_LE_WORDS */
};

/* What the gathered bytes are besides bytes: the fast psamp gather's words
 * (20 or 46 bytes), or, on little-endian hosts, the general extraction's
 * bytes read as little-endian words, zero after the last byte up to the end
 * of its word.  SipHash takes the words of either (fasthash.h): inline, it
 * costs a third less than libsodium's call, which the nat-safe and invariant
 * sets used to pay on every frame.  XXH3 takes the words of 9 to 64 bytes
 * (the tap's nat-safe gather is 11 to 31): reading the bytes at the
 * unaligned offsets XXH3 reads waited for the gather's stores to reach the
 * cache, about 1.5 ns a decision. */
enum { GATHER_BYTES, GATHER_PSAMP_WORDS, GATHER_LE_WORDS };

/* Marks the general extraction's bytes as words: the sink wrote whole
 * 8-byte words and its last, partial word zero-padded (fields_core.h), so
 * only a length that ends on a word boundary needs the next word zeroed. */
static inline int extracted_words(struct gathered *g)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (g->n % 8 == 0)
        g->u.w[g->n / 8] = 0;
    return GATHER_LE_WORDS;
#else
    (void)g;
    return GATHER_BYTES;
#endif
}

/* The hash of the gathered bytes, from the words when the fast gather made
 * them (20 or 46 bytes). */
DECIDE_INLINE uint64_t hash_gathered(const struct vnfo_sampler *s, const struct sampler_key *k,
                                     const struct gathered *g, int label)
{
    if (g->words == GATHER_PSAMP_WORDS && s->hash == VNFO_SAMPLER_HASH_XXH3)
        return g->n == 20 ? fx_xxh3_20(g->u.w, k->seed) : fx_xxh3_46(g->u.w, k->seed);
    if (g->words && s->hash == VNFO_SAMPLER_HASH_SIPHASH)
        return fx_siphash(g->u.w, (unsigned)(g->n / 8), (unsigned)g->n, k->sip);
    if (g->words && s->hash == VNFO_SAMPLER_HASH_XXH3 && g->n >= 9 && g->n <= 64)
        return fx_xxh3_words(g->u.w, (unsigned)g->n, k->seed);
    return hash_with(s, k, g->u.b, g->n, label);
}

/* Whether h falls in one of the ranges, the first (the common case has
 * exactly one) compared without the loop. */
DECIDE_INLINE int in_ranges_quick(const struct vnfo_sampler *s, uint64_t h)
{
    if (VNFO_LIKELY(s->nranges == 1))
        return h >= s->ranges[0].lo && h <= s->ranges[0].hi;
    return in_ranges(s, h);
}

/* Hashes the gathered bytes and compares with the ranges; out was reset. */
DECIDE_INLINE void decide_bytes(vnfo_sampler_decision *out, const struct vnfo_sampler *s,
                                const struct gathered *g)
{
    uint64_t h = hash_gathered(s, &s->select, g, 0);
    out->hash = h;
    if (in_ranges_quick(s, h)) {
        out->selected = 1;
        out->label = hash_gathered(s, &s->label, g, 1);
    }
}

static inline vnfo_status decide_view(vnfo_sampler_decision *out, const struct vnfo_sampler *s,
                                      const vnfo_packet_view *v, uint32_t flowtag)
{
    struct gathered g;
    struct fast_shape f;
    if (fast_psamp8_applies(&s->fields) && fast_shape_of_view(&f, v)) {
        g.n = fast_psamp8_words(g.u.w, v->data, &f);
        g.words = GATHER_PSAMP_WORDS;
        decide_bytes(out, s, &g);
        return VNFO_OK;
    }
    vnfo_status st = pkt_extract(g.u.b, sizeof g.u.b, &g.n, v, &s->fields, flowtag);
    if (VNFO_UNLIKELY(st != VNFO_OK)) {
        out->status = st;
        return st;
    }
    g.words = extracted_words(&g);
    decide_bytes(out, s, &g);
    return VNFO_OK;
}

static inline void decision_reset(vnfo_sampler_decision *out, const struct vnfo_sampler *s)
{
    memset(out, 0, sizeof *out);
    out->epoch = s->epoch;
}

vnfo_status vnfo_sampler_decide_view(vnfo_sampler_decision *out, const vnfo_sampler *s,
                                     const vnfo_packet_view *v, uint32_t flowtag)
{
    if (VNFO_UNLIKELY(!out || !s || !v))
        return VNFO_E_INVALID_ARGUMENT;
    decision_reset(out, s);
    if (VNFO_UNLIKELY(!v->data || (v->ip_version != 4 && v->ip_version != 6) || !pkt_view_sane(v))) {
        out->status = VNFO_E_INVALID_ARGUMENT;
        return VNFO_E_INVALID_ARGUMENT;
    }
    return decide_view(out, s, v, flowtag);
}

/* extract_nat_safe() for a frame fast_shape() accepted, read from the shape
 * without building a view (the view, its clearing and the general
 * extraction's checks cost a fifth of a nat-safe decision, which is the
 * tap's on every frame): the IPv4 identification (a fast IPv6 frame has no
 * fragment header), the protocol, TCP's sequence and acknowledgement
 * numbers, the window of L4 payload, the FlowTag.  tests/check_sampler_fast.c
 * holds it to the general extraction. */
DECIDE_INLINE vnfo_status fast_nat_safe(struct gathered *g, const vnfo_packet_fields *fields,
                                        const uint8_t *p, const struct fast_shape *f,
                                        uint32_t flowtag)
{
    struct sink w = {g->u.b, sizeof g->u.b, 0, 0, 0, 0};
    if (f->version == 4)
        put(&w, p + f->l3 + 4, 2);
    put_u8(&w, f->proto);
    if (f->proto == PKT_TCP)
        put(&w, p + f->l4 + 4, 8);
    uint64_t ip_end = (uint64_t)f->l3 + f->ip_length;
    uint64_t start = (uint64_t)f->l4 + f->hlen + fields->payload_offset;
    if (start < ip_end) {
        uint64_t end = start + fields->payload_bytes < ip_end ? start + fields->payload_bytes : ip_end;
        if (end > f->len)
            return VNFO_E_PACKET_TRUNCATED; /* as put_payload(): the capture lacks promised bytes */
        put(&w, p + start, (size_t)(end - start));
    }
    put_flowtag(&w, flowtag);
    g->n = sink_finish(&w);
    if (VNFO_UNLIKELY(w.overflow))
        return VNFO_E_BUFFER_TOO_SMALL;
    g->words = extracted_words(g);
    return VNFO_OK;
}

/* Parses a frame and gathers its field bytes into g.  The fast path
 * (fastparse.h) takes the common shapes and, for the default psamp field set,
 * gathers the bytes itself with a few wide loads; everything else goes
 * through the general parser and pkt_extract(), which are the reference
 * (tests/check_sampler_fast.c holds the two to the same results). */
DECIDE_INLINE vnfo_status gather(struct gathered *g, const struct vnfo_sampler *s,
                                 const uint8_t *pkt, size_t len, uint32_t linktype,
                                 uint32_t flowtag)
{
    struct fast_shape f;
    vnfo_packet_view v;
    if (VNFO_LIKELY(fast_shape(&f, pkt, len, linktype))) {
        if (VNFO_LIKELY(fast_psamp8_applies(&s->fields))) {
            g->n = fast_psamp8_words(g->u.w, pkt, &f);
            g->words = GATHER_PSAMP_WORDS;
            return VNFO_OK;
        }
        if (s->fields.preset == VNFO_FIELDS_NAT_SAFE)
            return fast_nat_safe(g, &s->fields, pkt, &f, flowtag);
        fast_view(&v, &f, pkt, linktype);
    } else {
        vnfo_status st = pkt_parse(&v, pkt, len, linktype);
        if (VNFO_UNLIKELY(st != VNFO_OK))
            return st;
    }
    vnfo_status st = pkt_extract(g->u.b, sizeof g->u.b, &g->n, &v, &s->fields, flowtag);
    if (VNFO_LIKELY(st == VNFO_OK))
        g->words = extracted_words(g);
    return st;
}

/* vnfo_sampler_decide() without its argument check, and, inside the
 * library, without the call through the PLT that an exported function
 * costs (the tap decides every frame through it). */
vnfo_status vnfo__sampler_decide(vnfo_sampler_decision *out, const vnfo_sampler *s,
                                 const uint8_t *pkt, size_t len, uint32_t linktype, uint32_t flowtag)
{
    decision_reset(out, s);
    struct gathered g;
    vnfo_status st = gather(&g, s, pkt, len, linktype, flowtag);
    if (VNFO_UNLIKELY(st != VNFO_OK)) {
        out->status = st;
        return st;
    }
    decide_bytes(out, s, &g);
    return VNFO_OK;
}

vnfo_status vnfo_sampler_decide(vnfo_sampler_decision *out, const vnfo_sampler *s,
                                const uint8_t *pkt, size_t len, uint32_t linktype, uint32_t flowtag)
{
    if (VNFO_UNLIKELY(!out || !s))
        return VNFO_E_INVALID_ARGUMENT;
    return vnfo__sampler_decide(out, s, pkt, len, linktype, flowtag);
}

/* Frames gathered before any is hashed, in a burst (every configuration but
 * psamp with xxh3-64 or siphash-2-4, which burst_psamp_fast() decides in
 * registers, one pass).  Why two passes: the
 * hash reads the field bytes with loads that straddle the 8-byte stores
 * that wrote them (XXH3 reads the last 8/16 bytes end-aligned), and such a
 * load cannot be forwarded from the store buffer: it waits until the stores
 * have reached the cache.  Gathering a chunk first lets those stores drain
 * while the other frames are parsed, and leaves independent hashes the CPU
 * can overlap. */
#define BURST_CHUNK 8

/* The psamp words of a fast-path frame hashed with one key, by a hash the
 * caller fixed (a constant: each burst loop below is compiled for one). */
DECIDE_INLINE uint64_t hash_words(uint32_t hash, const struct sampler_key *k, const uint64_t *w,
                                  size_t len)
{
    if (hash == VNFO_SAMPLER_HASH_XXH3)
        return len == 20 ? fx_xxh3_20(w, k->seed) : fx_xxh3_46(w, k->seed);
    return fx_siphash(w, (unsigned)(len / 8), (unsigned)len, k->sip);
}

/* A frame of a burst that the fast parser does not take, decided as
 * vnfo_sampler_decide() would; 1 when selected.  Out of line: inlined, its
 * general parser would crowd the registers of the burst's fast loop. */
static __attribute__((noinline)) size_t decide_general(vnfo_sampler_decision *out,
                                                       const struct vnfo_sampler *s,
                                                       const uint8_t *pkt, size_t len,
                                                       uint32_t linktype, uint32_t flowtag)
{
    struct gathered g;
    decision_reset(out, s);
    out->status = gather(&g, s, pkt, len, linktype, flowtag);
    if (out->status != VNFO_OK)
        return 0;
    decide_bytes(out, s, &g);
    return out->selected;
}

/* Whether h falls in one of the ranges, the first of them passed in
 * registers (the common case has exactly one). */
DECIDE_INLINE int in_ranges_first(const struct vnfo_sampler *s, uint64_t lo0, uint64_t hi0,
                                  uint64_t h)
{
    if (h >= lo0 && h <= hi0)
        return 1;
    return VNFO_UNLIKELY(s->nranges > 1) && in_ranges(s, h);
}

/* psamp with xxh3-64 or siphash-2-4 in one pass: a frame the fast parser
 * takes is gathered into registers, hashed there and its decision written
 * once, so nothing waits on memory and nothing is written twice.  Other
 * frames take the general steps of decide().  What every frame reads of
 * the sampler (key, epoch, first range) is copied to locals first: the
 * decisions written are 64-bit words too, so the compiler would otherwise
 * reload them from the sampler after every store. */
DECIDE_INLINE size_t burst_psamp_fast(uint32_t hash, vnfo_sampler_decision *out,
                                      const struct vnfo_sampler *s, const uint8_t *const *pkts,
                                      const uint32_t *lens, const uint32_t *flowtags, size_t n,
                                      uint32_t linktype)
{
    struct sampler_key select = s->select;
    const uint64_t epoch = s->epoch;
    const uint64_t lo0 = s->nranges ? s->ranges[0].lo : 1, hi0 = s->nranges ? s->ranges[0].hi : 0;
    size_t selected = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + 2 < n)
            __builtin_prefetch(pkts[i + 2]);
        struct fast_shape f;
        if (VNFO_UNLIKELY(!fast_shape(&f, pkts[i], lens[i], linktype))) {
            selected += decide_general(&out[i], s, pkts[i], lens[i], linktype,
                                       flowtags ? flowtags[i] : 0);
            continue;
        }
        uint64_t w[6];
        size_t len = fast_psamp8_words(w, pkts[i], &f);
        uint64_t h = hash_words(hash, &select, w, len);
        int sel = in_ranges_first(s, lo0, hi0, h);
        uint64_t label = VNFO_UNLIKELY(sel) ? hash_words(hash, &s->label, w, len) : 0;
        vnfo_sampler_decision *d = &out[i];
        d->hash = h;
        d->label = label;
        d->epoch = epoch;
        d->status = VNFO_OK;
        d->selected = (uint8_t)sel;
        memset(d->reserved_, 0, sizeof d->reserved_);
        selected += (size_t)sel;
    }
    return selected;
}

/* burst_psamp_fast() compiled for each hash, and for Ethernet (the common
 * link type) apart: with the link type a constant, the fast parser's
 * dispatch on it folds away. */
static size_t burst_psamp_any(uint32_t hash, vnfo_sampler_decision *out,
                              const struct vnfo_sampler *s, const uint8_t *const *pkts,
                              const uint32_t *lens, const uint32_t *flowtags, size_t n,
                              uint32_t linktype)
{
    const uint32_t xxh3 = VNFO_SAMPLER_HASH_XXH3, sip = VNFO_SAMPLER_HASH_SIPHASH;
    if (linktype == VNFO_LINKTYPE_ETHERNET)
        return hash == xxh3 ? burst_psamp_fast(xxh3, out, s, pkts, lens, flowtags, n,
                                               VNFO_LINKTYPE_ETHERNET)
                            : burst_psamp_fast(sip, out, s, pkts, lens, flowtags, n,
                                               VNFO_LINKTYPE_ETHERNET);
    return hash == xxh3 ? burst_psamp_fast(xxh3, out, s, pkts, lens, flowtags, n, linktype)
                        : burst_psamp_fast(sip, out, s, pkts, lens, flowtags, n, linktype);
}

vnfo_status vnfo_sampler_decide_burst(vnfo_sampler_decision *out, size_t *out_selected,
                                      const vnfo_sampler *s, const uint8_t *const *pkts,
                                      const uint32_t *lens, const uint32_t *flowtags, size_t n,
                                      uint32_t linktype)
{
    if (VNFO_UNLIKELY(!s || n > VNFO_SAMPLER_BURST_MAX || (n && (!out || !pkts || !lens))))
        return VNFO_E_INVALID_ARGUMENT;
    if (fast_psamp8_applies(&s->fields) &&
        (s->hash == VNFO_SAMPLER_HASH_XXH3 || s->hash == VNFO_SAMPLER_HASH_SIPHASH)) {
        size_t selected = burst_psamp_any(s->hash, out, s, pkts, lens, flowtags, n, linktype);
        if (out_selected)
            *out_selected = selected;
        return VNFO_OK;
    }
    size_t selected = 0;
    struct gathered g[BURST_CHUNK];
    for (size_t i = 0; i < n; i += BURST_CHUNK) {
        size_t m = n - i < BURST_CHUNK ? n - i : BURST_CHUNK;
        for (size_t j = 0; j < m; j++) {
            if (i + j + 2 < n)
                __builtin_prefetch(pkts[i + j + 2]);
            decision_reset(&out[i + j], s);
            out[i + j].status = gather(&g[j], s, pkts[i + j], lens[i + j], linktype,
                                       flowtags ? flowtags[i + j] : 0);
        }
        for (size_t j = 0; j < m; j++)
            if (VNFO_LIKELY(out[i + j].status == VNFO_OK)) {
                decide_bytes(&out[i + j], s, &g[j]);
                selected += out[i + j].selected;
            }
    }
    if (out_selected)
        *out_selected = selected;
    return VNFO_OK;
}

vnfo_status vnfo_sampler_label(uint64_t *out, const vnfo_sampler *s, const uint8_t *pkt, size_t len,
                               uint32_t linktype, uint32_t flowtag)
{
    if (!out || !s)
        return VNFO_E_INVALID_ARGUMENT;
    *out = 0;
    vnfo_packet_view v;
    vnfo_status st = pkt_parse(&v, pkt, len, linktype);
    if (st != VNFO_OK)
        return st;
    uint8_t buf[VNFO_PACKET_FIELDS_MAX_BYTES + 8];
    size_t n;
    st = pkt_extract(buf, sizeof buf, &n, &v, &s->fields, flowtag);
    if (st != VNFO_OK)
        return st;
    *out = hash_with(s, &s->label, buf, n, 1);
    return VNFO_OK;
}

vnfo_status vnfo_sampler_hash_bytes(uint64_t *out, const vnfo_sampler *s, const uint8_t *data,
                                    size_t len)
{
    if (!out || !s || (!data && len))
        return VNFO_E_INVALID_ARGUMENT;
    *out = hash_with(s, &s->select, data ? data : (const uint8_t *)"", len, 0);
    return VNFO_OK;
}
