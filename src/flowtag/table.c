/* The FlowTag table: tag allocation, bindings, idle expiry.
 *
 * Slots live in one dense array indexed by the low bits of the tag, so a
 * consume is a mask and one array access.  Free slots form a FIFO threaded
 * through a links array (the slot freed longest ago is reused first).  Live
 * slots form the sweep list, a second-chance queue: a slot joins its tail
 * when bound, and the generate of a known flow only stamps the entry's time
 * and sets its "used" flag, touching no other slot.  The expiry sweep looks
 * at the head: an idle flow expires, a used one has its flag cleared and
 * goes to the tail, an unused one that is not idle stops the sweep.  So a
 * flow expires after at least idle_timeout of idleness and at the latest at
 * the first expiry call 2 x idle_timeout after its last use
 * (docs/flowtags.md, "Expiry", has the argument).  Nothing here allocates
 * after vnfo_flowtag_table_create(). */
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <sodium.h>

#include "flowtag_int.h"

size_t vnfo_flowtag_nsh_tlv_bytes(void) { return VNFO_FLOWTAG_NSH_TLV_BYTES; }
uint32_t vnfo_flowtag_capacity_max(void) { return VNFO_FLOWTAG_CAPACITY_MAX; }

vnfo_status vnfo_flowtag_options_init(vnfo_flowtag_options *out, unsigned version)
{
    static const vnfo_flowtag_options defaults = VNFO_FLOWTAG_OPTIONS_INIT;
    return vnfo__options_init(out, sizeof *out, &defaults,
                              version, VNFO_FLOWTAG_OPTIONS_VERSION, __func__);
}

static int width_valid(unsigned w)
{
    return w == 6 || w == 12 || w == 20 || w == 24 || w == 32;
}

static unsigned bit_length(uint32_t v)
{
    unsigned n = 0;
    while (v) {
        n++;
        v >>= 1;
    }
    return n;
}

static vnfo_status options_check(vnfo_flowtag_options *o, const char *where)
{
    if (o->version != VNFO_FLOWTAG_OPTIONS_VERSION)
        return vnfo__error(VNFO_E_STRUCT_VERSION, "%s: options version %u, expected %u", where,
                           o->version, VNFO_FLOWTAG_OPTIONS_VERSION);
    if (!width_valid(o->width_bits))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: width_bits %u is not 6, 12, 20, 24 or 32",
                           where, o->width_bits);
    /* Tags 0 and all-ones are never handed out, so a width holds 2^w - 2 slots. */
    uint64_t limit = (1ull << o->width_bits) - 2;
    if (limit > VNFO_FLOWTAG_CAPACITY_MAX)
        limit = VNFO_FLOWTAG_CAPACITY_MAX;
    if (o->capacity == 0 || o->capacity > limit)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: capacity %u outside 1..%llu for %u-bit tags",
                           where, o->capacity, (unsigned long long)limit, o->width_bits);
    if (o->ipv6_capacity == VNFO_FLOWTAG_IPV6_ALL)
        o->ipv6_capacity = o->capacity;
    if (o->ipv6_capacity > o->capacity)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: ipv6_capacity %u above capacity %u", where,
                           o->ipv6_capacity, o->capacity);
    return VNFO_OK;
}

/* ---- slot lists (free FIFO and sweep list) ------------------------------- */

static void list_append(struct ft_link *links, struct ft_list *list, uint32_t slot)
{
    struct ft_link *l = &links[slot];
    l->next = 0;
    l->prev = list->tail;
    if (list->tail)
        links[list->tail].next = slot;
    else
        list->head = slot;
    list->tail = slot;
}

/* Takes a slot out of a list, wherever it is. */
static void list_unlink(struct ft_link *links, struct ft_list *list, uint32_t slot)
{
    struct ft_link *l = &links[slot];
    if (l->prev)
        links[l->prev].next = l->next;
    else
        list->head = l->next;
    if (l->next)
        links[l->next].prev = l->prev;
    else
        list->tail = l->prev;
    l->prev = l->next = 0;
}

void vnfo__flowtag_free_push(vnfo_flowtag_table *t, uint32_t slot)
{
    list_append(t->links, &t->free_list, slot);
}

/* Takes the head of the free FIFO (there is one: callers check): the
 * head has no predecessor, so only its successor's link changes. */
static inline uint32_t free_pop(vnfo_flowtag_table *t)
{
    uint32_t slot = t->free_list.head;
    struct ft_link *l = &t->links[slot];
    uint32_t next = l->next;
    t->free_list.head = next;
    if (next)
        t->links[next].prev = 0;
    else
        t->free_list.tail = 0;
    l->prev = l->next = 0;
    return slot;
}

/* Asks the kernel to back a large array with huge pages (a hint, no error
 * when refused): at 1M flows the entries and the index span 53 MB, and
 * with 4 KB pages each random access would also miss the TLB.  Only whole
 * 2 MB pages inside the array are advised, so memory that an allocator
 * shares with others is never touched. */
static void advise_huge_pages(void *p, size_t bytes)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t start = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (end > start)
        (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

/* Bytes of the index allocation: the buckets and the slack that aligns
 * them to a cache line. */
static size_t index_bytes(const vnfo_flowtag_table *t)
{
    return (size_t)t->buckets * sizeof(struct ft_bucket) + sizeof(struct ft_bucket) - 1;
}

/* A zeroed array of n elements of size bytes (n * size cannot overflow:
 * capacity is at most VNFO_FLOWTAG_CAPACITY_MAX) for the hot paths:
 * advised to huge pages BEFORE it is zeroed, since the zeroing is what
 * first touches its pages, and a page already touched stays a 4 KB page. */
static void *hot_array(size_t n, size_t size)
{
    void *p = vnfo__malloc(n * size);
    if (p) {
        advise_huge_pages(p, n * size);
        memset(p, 0, n * size);
    }
    return p;
}

static vnfo_status table_arrays(vnfo_flowtag_table *t, const char *where)
{
    uint32_t cap = t->opts.capacity;
    /* 12 keys per 15-cell bucket on average at full capacity (load 0.8):
     * 5.3 bytes per flow, and a full bucket is rare. */
    t->buckets = (cap + FT_BUCKET_FILL - 1) / FT_BUCKET_FILL;
    t->entries = hot_array((size_t)cap + 1, sizeof *t->entries);
    t->links = hot_array((size_t)cap + 1, sizeof *t->links);
    t->index_mem = hot_array(index_bytes(t), 1);
    if (t->opts.ipv6_capacity)
        t->v6 = hot_array((size_t)t->opts.ipv6_capacity + 1, sizeof *t->v6);
    if (!t->entries || !t->links || !t->index_mem || (t->opts.ipv6_capacity && !t->v6))
        return vnfo__error(VNFO_E_NO_MEMORY, "%s: cannot allocate a table of %u flows", where, cap);
    uintptr_t line = sizeof(struct ft_bucket);
    t->index = (struct ft_bucket *)(((uintptr_t)t->index_mem + line - 1) & ~(line - 1));
    return VNFO_OK;
}

/* The IPv6 pool's free slots are a stack threaded through the first bytes
 * of each unused pair. */
static void v6_push(vnfo_flowtag_table *t, uint32_t i)
{
    memcpy(&t->v6[i], &t->v6_free, sizeof t->v6_free);
    t->v6_free = i;
}

static uint32_t v6_pop(vnfo_flowtag_table *t)
{
    uint32_t i = t->v6_free;
    if (i)
        memcpy(&t->v6_free, &t->v6[i], sizeof t->v6_free);
    return i;
}

vnfo_status vnfo__flowtag_table_alloc(vnfo_flowtag_table **out, const vnfo_flowtag_options *opts,
                                      const char *where)
{
    *out = NULL;
    vnfo_flowtag_options o = VNFO_FLOWTAG_OPTIONS_INIT;
    if (opts)
        o = *opts;
    vnfo_status s = options_check(&o, where);
    if (s != VNFO_OK)
        return s;
    vnfo_flowtag_table *t = vnfo__calloc(1, sizeof *t);
    if (!t)
        return vnfo__error(VNFO_E_NO_MEMORY, "%s: out of memory", where);
    t->opts = o;
    t->slot_bits = bit_length(o.capacity);
    t->slot_mask = (uint32_t)((1ull << t->slot_bits) - 1);
    t->gen_mask = (uint32_t)((1ull << (o.width_bits - t->slot_bits)) - 1);
    t->tag_mask = (uint32_t)((1ull << o.width_bits) - 1);
    /* The index hash's key (flowtag_int.h, vnfo__flowtag_hash): unknown
     * outside the process, so no one can choose flows that share a bucket. */
    randombytes_buf(&t->seed, sizeof t->seed);
    s = table_arrays(t, where);
    if (s != VNFO_OK) {
        vnfo_flowtag_table_free(t);
        return s;
    }
    for (uint32_t i = 1; i <= o.capacity; i++)
        vnfo__flowtag_free_push(t, i);
    for (uint32_t i = o.ipv6_capacity; i >= 1; i--)
        v6_push(t, i);
    *out = t;
    return VNFO_OK;
}

vnfo_status vnfo_flowtag_table_create(vnfo_flowtag_table **out, const vnfo_flowtag_options *opts)
{
    if (!out)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_flowtag_table_create: out is NULL");
    return vnfo__flowtag_table_alloc(out, opts, "vnfo_flowtag_table_create");
}

void vnfo_flowtag_table_free(vnfo_flowtag_table *table)
{
    if (!table)
        return;
    vnfo__free(table->entries);
    vnfo__free(table->links);
    vnfo__free(table->index_mem);
    vnfo__free(table->v6);
    vnfo__free(table);
}

vnfo_status vnfo_flowtag_table_options(vnfo_flowtag_options *out, const vnfo_flowtag_table *table)
{
    if (!out || !table)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_flowtag_table_options: NULL argument");
    *out = table->opts;
    return VNFO_OK;
}

vnfo_status vnfo_flowtag_table_stats(vnfo_flowtag_stats *out, const vnfo_flowtag_table *table)
{
    if (!out || !table)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_flowtag_table_stats: NULL argument");
    const vnfo_flowtag_table *t = table;
    out->capacity = t->opts.capacity;
    out->live = t->live;
    out->ipv6_capacity = t->opts.ipv6_capacity;
    out->ipv6_live = t->ipv6_live;
    out->memory_bytes = sizeof *t +
                        ((uint64_t)t->opts.capacity + 1) * (sizeof *t->entries + sizeof *t->links) +
                        (uint64_t)index_bytes(t) +
                        (t->v6 ? ((uint64_t)t->opts.ipv6_capacity + 1) * sizeof *t->v6 : 0);
    return VNFO_OK;
}

/* ---- tags ---------------------------------------------------------------- */

uint32_t vnfo__flowtag_next_tag(const vnfo_flowtag_table *t, uint32_t slot, uint32_t last)
{
    uint32_t gen = last ? ((last >> t->slot_bits) + 1) & t->gen_mask : 0;
    uint32_t tag = (uint32_t)(((uint64_t)gen << t->slot_bits) | slot);
    /* All ones is reserved (VLAN id 4095).  It needs slot == slot_mask, so the
     * next generation differs; with no generation bits slot < slot_mask. */
    if (tag == t->tag_mask)
        tag = (uint32_t)(((uint64_t)((gen + 1) & t->gen_mask) << t->slot_bits) | slot);
    return tag;
}

int vnfo__flowtag_tag_valid(const vnfo_flowtag_table *t, uint32_t slot, uint32_t tag)
{
    return slot != 0 && slot <= t->opts.capacity && tag != 0 && tag != t->tag_mask &&
           (tag & ~t->tag_mask) == 0 && (tag & t->slot_mask) == slot;
}

/* ---- keys ---------------------------------------------------------------- */

int vnfo__flowtag_key_canon(vnfo_flow_key *out, const vnfo_flow_key *in)
{
    if (in->ip_version != 4 && in->ip_version != 6)
        return -1;
    *out = *in;
    if (in->ip_version == 4) {
        memset(out->src + 4, 0, 12);
        memset(out->dst + 4, 0, 12);
    }
    return 0;
}

#if defined(__SSE2__)
static inline __m128i load16(const uint8_t *p)
{
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}

static inline void store16(uint8_t *p, __m128i v)
{
    _mm_storeu_si128((__m128i *)(void *)p, v);
}
#endif

/* Writes the canonical IPv4 key whose bytes 1..9 (an image) are at image
 * and whose destination address is at dst.  image may be an entry's or
 * &key->proto of a caller's key: the 16 bytes from image - 1 are readable
 * in both.  Three stores where a field-by-field copy took eleven: the
 * stores of an independent consume or generate wait in the store queue
 * until the call's cache miss is served, and with eleven a key the queue,
 * not the miss buffers, capped how many calls overlapped their misses
 * (docs/PERFORMANCE.md, "flowtag"). */
static inline void v4_key_write(vnfo_flow_key *out, const uint8_t *image, const uint8_t *dst)
{
#if defined(__SSE2__)
    const __m128i keep = _mm_setr_epi8(0, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0);
    uint8_t *o = (uint8_t *)out;
    uint32_t d;
    memcpy(&d, dst, 4);
    __m128i head = _mm_loadu_si128((const __m128i *)(const void *)(image - 1));
    head = _mm_or_si128(_mm_and_si128(head, keep), _mm_cvtsi32_si128(4));
    _mm_storeu_si128((__m128i *)(void *)o, head);     /* bytes 0..15: version to src, zeros */
    memset(o + 14, 0, 8);                             /* bytes 14..21 */
    _mm_storeu_si128((__m128i *)(void *)(o + offsetof(vnfo_flow_key, dst)),
                     _mm_cvtsi32_si128((int)d));      /* bytes 22..37: dst, zeros */
#else
    memset(out, 0, sizeof *out);
    out->ip_version = 4;
    memcpy(&out->proto, image, FT_IMAGE);
    memcpy(out->dst, dst, 4);
#endif
}

void vnfo__flowtag_entry_keys(const vnfo_flowtag_table *t, const struct ft_entry *e,
                              vnfo_flow_key *orig, vnfo_flow_key *rew)
{
    if (e->flags & FT_V6) {
        if (orig)
            *orig = t->v6[ft_entry_v6(e)].orig;
        if (rew)
            *rew = t->v6[ft_entry_v6(e)].rew;
        return;
    }
    if (orig)
        v4_key_write(orig, e->orig, e->orig_dst);
    if (rew)
        v4_key_write(rew, e->rew, e->rew_dst);
}

/* Stores both keys, moving them in or out of the IPv6 pool as needed. */
static vnfo_status entry_store_keys(vnfo_flowtag_table *t, struct ft_entry *e,
                                    const vnfo_flow_key *orig, const vnfo_flow_key *rew)
{
    int want_v6 = orig->ip_version == 6 || rew->ip_version == 6;
    if (want_v6 && !(e->flags & FT_V6)) {
        uint32_t i = v6_pop(t);
        if (!i)
            return VNFO_E_FLOWTAG_FULL;
        e->flags |= FT_V6;
        ft_entry_set_v6(e, i);
        t->ipv6_live++;
    } else if (!want_v6 && (e->flags & FT_V6)) {
        v6_push(t, ft_entry_v6(e));
        e->flags &= (uint8_t)~FT_V6;
        t->ipv6_live--;
    }
    if (want_v6) {
        /* versions checked by callers */
        (void)vnfo__flowtag_key_canon(&t->v6[ft_entry_v6(e)].orig, orig);
        (void)vnfo__flowtag_key_canon(&t->v6[ft_entry_v6(e)].rew, rew);
    } else {
        vnfo__flowtag_v4_store(e->orig, e->orig_dst, orig);
        vnfo__flowtag_v4_store(e->rew, e->rew_dst, rew);
    }
    return VNFO_OK;
}

/* ---- bindings ------------------------------------------------------------ */

/* The body of vnfo__flowtag_bind(), inlined into the new-flow path of
 * generate: an IPv4 flow (what a NAT binds nearly always) stores its keys
 * in line without the call and the IPv6 pool's bookkeeping. */
static inline __attribute__((always_inline)) vnfo_status
bind_slot(vnfo_flowtag_table *t, uint32_t slot, uint32_t tag, const vnfo_flow_key *orig,
          uint64_t hash, const vnfo_flow_key *rew, uint32_t spi, uint32_t epoch, uint64_t time)
{
    struct ft_entry *e = &t->entries[slot];
    e->flags &= (uint8_t)~FT_V6;
    if (VNFO_LIKELY(orig->ip_version == 4 && rew->ip_version == 4)) {
        vnfo__flowtag_v4_store(e->orig, e->orig_dst, orig);
        vnfo__flowtag_v4_store(e->rew, e->rew_dst, rew);
    } else {
        vnfo_status s = entry_store_keys(t, e, orig, rew);
        if (s != VNFO_OK)
            return s;
    }
    e->flags |= FT_LIVE;
    e->tag = tag;
    e->spi = spi;
    e->epoch = epoch;
    e->last_seen = time;
    list_append(t->links, &t->sweep, slot);
    vnfo__flowtag_index_insert(t, hash, slot);
    t->live++;
    return VNFO_OK;
}

vnfo_status vnfo__flowtag_bind(vnfo_flowtag_table *t, uint32_t slot, uint32_t tag,
                               const vnfo_flow_key *orig, uint64_t hash, const vnfo_flow_key *rew,
                               uint32_t spi, uint32_t epoch, uint64_t time)
{
    return bind_slot(t, slot, tag, orig, hash, rew, spi, epoch, time);
}

/* The fields after the keys: tag, node id, service path, epoch and
 * reserved in one 16-byte and one 8-byte store (the entry holds tag, -,
 * spi, epoch in the context's order), then last_seen. */
static inline void context_tail(vnfo_flowtag_context *c, const uint32_t *node_id,
                                const struct ft_entry *e, uint64_t last_seen)
{
#if defined(__SSE2__)
    const __m128i no_word1 = _mm_setr_epi32(-1, 0, -1, -1);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)e);
    __m128i node = _mm_slli_si128(_mm_cvtsi32_si128((int)*node_id), 4);
    _mm_storeu_si128((__m128i *)(void *)&c->tag, _mm_or_si128(_mm_and_si128(v, no_word1), node));
    /* epoch and reserved (0) as one word: SSE2 means x86, little endian */
    uint64_t epoch_reserved = e->epoch;
    memcpy(&c->epoch, &epoch_reserved, 8);
#else
    c->tag = e->tag;
    c->node_id = *node_id;
    c->service_path_id = e->spi;
    c->epoch = e->epoch;
    c->reserved = 0;
#endif
    c->last_seen = last_seen;
}

/* Inlined into every per-packet call (generate, its bursts): out of line,
 * the call cost as much as filling an IPv4 context.  An IPv4 context is
 * nine stores (three a key, three for the rest; GCC merges the last two),
 * from loads that all precede any store of the caller to the entry. */
static inline __attribute__((always_inline)) void
context_fill_at(vnfo_flowtag_context *c, const vnfo_flowtag_table *t, const struct ft_entry *e,
                uint64_t last_seen)
{
    if (VNFO_UNLIKELY(e->flags & FT_V6)) {
        c->original = t->v6[ft_entry_v6(e)].orig;
        c->rewritten = t->v6[ft_entry_v6(e)].rew;
    } else {
        v4_key_write(&c->original, e->orig, e->orig_dst);
        v4_key_write(&c->rewritten, e->rew, e->rew_dst);
    }
    context_tail(c, &t->opts.node_id, e, last_seen);
}

/* The fill of an entry known to hold IPv4 keys. */
static inline __attribute__((always_inline)) void
context_fill_v4(vnfo_flowtag_context *c, const vnfo_flowtag_table *t, const struct ft_entry *e,
                uint64_t last_seen)
{
    v4_key_write(&c->original, e->orig, e->orig_dst);
    v4_key_write(&c->rewritten, e->rew, e->rew_dst);
    context_tail(c, &t->opts.node_id, e, last_seen);
}

/* The context of a consumed entry that holds IPv4 keys, from three 16-byte
 * loads of the entry shifted into place (byte shifts bring in zeros, so
 * no mask is loaded), in seven stores.  A consume of the fill above made
 * 16 loads, this one 10: independent consumes overlap their misses only
 * as far as the core's queues hold the waiting calls, and the loads, more
 * than the instructions, set how many fit (docs/PERFORMANCE.md, "seventh
 * pass": 4.7x to 4.4x the baseline, where a fill of fewer instructions and
 * stores but as many loads gained nothing).  The generate of a known flow
 * keeps the fill above: this one made it slower (3.3x to 4.0x).  node_id
 * points to the table's own field in a single call and to a copy in a
 * register in a loop (through the table, each context stored would make
 * the compiler load it again). */
static inline __attribute__((always_inline)) void
context_fill_consumed(vnfo_flowtag_context *c, const uint32_t *node_id, const struct ft_entry *e)
{
#if defined(__SSE2__)
    const uint8_t *b = (const uint8_t *)e;
    uint8_t *o = (uint8_t *)c;
    __m128i head = load16(b);                                       /* tag, orig_dst, spi, epoch */
    __m128i orig = load16(b + offsetof(struct ft_entry, orig));     /* orig image, ... */
    __m128i rew = load16(b + offsetof(struct ft_entry, rew) - 1);   /* ..., rew image, rew_dst */
    int version = 4;
    __asm__("" : "+r"(version)); /* from a register: as a constant it is one more load */
    __m128i four = _mm_cvtsi32_si128(version);
    /* 0..15: version, then the image (bytes 1..9 of the key), zeros */
    store16(o, _mm_or_si128(_mm_srli_si128(_mm_slli_si128(orig, 7), 6), four));
    /* 16..31: the original dst at 22 */
    store16(o + 16, _mm_slli_si128(_mm_srli_si128(_mm_slli_si128(head, 8), 12), 6));
    /* 32..47: the rewritten key's version at 38, its image at 39 */
    store16(o + 32, _mm_or_si128(_mm_slli_si128(_mm_srli_si128(rew, 1), 7),
                                 _mm_slli_si128(four, 6)));
    /* 48..63: the rewritten dst at 60 */
    store16(o + 48, _mm_slli_si128(_mm_srli_si128(rew, 10), 12));
    /* 64..79: the tag at 76 */
    store16(o + 64, _mm_slli_si128(head, 12));
    /* 80..95: node id, service path, epoch, reserved (0) */
    store16(o + 80, _mm_or_si128(_mm_slli_si128(_mm_srli_si128(head, 8), 4),
                                 _mm_cvtsi32_si128((int)*node_id)));
    c->last_seen = e->last_seen;
#else
    v4_key_write(&c->original, e->orig, e->orig_dst);
    v4_key_write(&c->rewritten, e->rew, e->rew_dst);
    context_tail(c, node_id, e, e->last_seen);
#endif
}

static inline __attribute__((always_inline)) void
context_fill(vnfo_flowtag_context *c, const vnfo_flowtag_table *t, const struct ft_entry *e)
{
    context_fill_at(c, t, e, e->last_seen);
}

static inline __attribute__((always_inline)) void
event_fill(vnfo_flowtag_event *ev, uint32_t kind, uint64_t time, const vnfo_flowtag_table *t,
           const struct ft_entry *e)
{
    ev->kind = kind;
    ev->reserved = 0;
    ev->time = time;
    context_fill(&ev->context, t, e);
}

/* Unbinds a live slot and queues it as the newest free slot. */
static void unbind(vnfo_flowtag_table *t, uint32_t slot)
{
    struct ft_entry *e = &t->entries[slot];
    vnfo__flowtag_index_remove(t, slot);
    list_unlink(t->links, &t->sweep, slot);
    if (e->flags & FT_V6) {
        v6_push(t, ft_entry_v6(e));
        t->ipv6_live--;
    }
    e->flags = 0;
    t->live--;
    vnfo__flowtag_free_push(t, slot);
}

static inline int rewritten_equal(const vnfo_flowtag_table *t, const struct ft_entry *e,
                                  const vnfo_flow_key *rew)
{
    if (e->flags & FT_V6)
        return vnfo__flowtag_key_equal(&t->v6[ft_entry_v6(e)].rew, rew);
    return vnfo__flowtag_v4_equal(e->rew, e->rew_dst, rew);
}

/* A known flow whose rewritten key or service path changed (or any known
 * flow, from adopt): stores the new keys, then the event. */
static vnfo_status update_known(vnfo_flowtag_event *out, vnfo_flowtag_table *t, uint32_t slot,
                                const vnfo_flow_key *orig, const vnfo_flow_key *rew, uint32_t spi,
                                uint64_t now)
{
    struct ft_entry *e = &t->entries[slot];
    uint32_t kind = VNFO_FLOWTAG_EVENT_NONE;
    if (e->spi != spi || !rewritten_equal(t, e, rew)) {
        vnfo_status s = entry_store_keys(t, e, orig, rew);
        if (s != VNFO_OK)
            return s;
        e->spi = spi;
        kind = VNFO_FLOWTAG_EVENT_UPDATE;
    }
    /* No list move: the sweep gives a used flow a second chance instead. */
    e->last_seen = now;
    e->flags |= FT_REF;
    event_fill(out, kind, now, t, e);
    return VNFO_OK;
}

/* The context of a binding from the caller's keys and values, not read
 * back from the entry just written: a wide load over narrower stores still
 * in the store queue waits until they reach the cache. */
static inline __attribute__((always_inline)) void
context_from_keys(vnfo_flowtag_context *c, const vnfo_flowtag_table *t, const vnfo_flow_key *orig,
                  const vnfo_flow_key *rew, uint32_t tag, uint32_t spi, uint32_t epoch,
                  uint64_t last_seen)
{
    if (VNFO_LIKELY(orig->ip_version == 4 && rew->ip_version == 4)) {
        v4_key_write(&c->original, &orig->proto, orig->dst);
        v4_key_write(&c->rewritten, &rew->proto, rew->dst);
    } else {
        (void)vnfo__flowtag_key_canon(&c->original, orig); /* versions checked by callers */
        (void)vnfo__flowtag_key_canon(&c->rewritten, rew);
    }
    c->tag = tag;
    c->node_id = t->opts.node_id;
    c->service_path_id = spi;
    c->epoch = epoch;
    c->reserved = 0;
    c->last_seen = last_seen;
}

static vnfo_status bind_new(vnfo_flowtag_event *out, vnfo_flowtag_table *t,
                            const vnfo_flow_key *orig, uint64_t hash, const vnfo_flow_key *rew,
                            uint32_t spi, uint32_t epoch, uint64_t now)
{
    if (!t->free_list.head)
        return VNFO_E_FLOWTAG_FULL;
    if ((orig->ip_version == 6 || rew->ip_version == 6) && !t->v6_free)
        return VNFO_E_FLOWTAG_FULL;
    uint32_t slot = free_pop(t);
    uint32_t tag = vnfo__flowtag_next_tag(t, slot, t->entries[slot].tag);
    bind_slot(t, slot, tag, orig, hash, rew, spi, epoch, now); /* room checked above */
    out->kind = VNFO_FLOWTAG_EVENT_BIND;
    out->reserved = 0;
    out->time = now;
    context_from_keys(&out->context, t, orig, rew, tag, spi, epoch, now);
    t->now = now;
    return VNFO_OK;
}

/* The paths of generate that are not a known flow with unchanged binding,
 * out of line, so that the known flow's path saves and restores no
 * registers for them. */
static __attribute__((noinline)) vnfo_status
generate_new(vnfo_flowtag_event *out, vnfo_flowtag_table *t, const vnfo_flow_key *orig,
             uint64_t hash, const vnfo_flow_key *rew, uint32_t spi, uint32_t epoch, uint64_t now)
{
    return bind_new(out, t, orig, hash, rew, spi, epoch, now);
}

static __attribute__((noinline)) vnfo_status
generate_changed(vnfo_flowtag_event *out, vnfo_flowtag_table *t, uint32_t slot,
                 const vnfo_flow_key *orig, const vnfo_flow_key *rew, uint32_t spi, uint64_t now)
{
    vnfo_status s = update_known(out, t, slot, orig, rew, spi, now);
    if (s == VNFO_OK)
        t->now = now;
    return s;
}

/* The event of a known flow whose binding is unchanged, before its
 * context is filled. */
static inline __attribute__((always_inline)) void known_event_begin(vnfo_flowtag_event *out,
                                                                    uint64_t now)
{
    out->kind = VNFO_FLOWTAG_EVENT_NONE;
    out->reserved = 0;
    out->time = now;
}

/* A known flow was used at now.  Called after its event's context is filled
 * from the entry, so no load of that fill waits for these stores.  No list
 * move: the sweep gives a used flow a second chance instead. */
static inline __attribute__((always_inline)) void known_flow_stamp(vnfo_flowtag_table *t,
                                                                   struct ft_entry *e, uint64_t now)
{
    e->last_seen = now;
    e->flags |= FT_REF;
    t->now = now;
}

static int version_valid(const vnfo_flow_key *k)
{
    return k->ip_version == 4 || k->ip_version == 6;
}

/* One generate of a valid original key whose hash is known.  The keys are
 * the caller's, never copied: every comparison and store reads their
 * significant fields (docs/PERFORMANCE.md, "flowtag", has why).  guess, when
 * not 0, is a slot the index held for the hash's fingerprint a moment ago:
 * generate never unbinds, so if its key is this one, it is this flow's slot
 * and the bucket need not be read again.  Forced inline into the single and
 * the burst generate: as a call it spilled the burst loop's state.  A known
 * flow whose binding is unchanged (nearly every packet) is filled from the
 * entry before the entry is stamped, so no load waits for those stores. */
static inline __attribute__((always_inline)) vnfo_status
generate_hashed(vnfo_flowtag_event *out, vnfo_flowtag_table *t, const vnfo_flow_key *orig,
                uint64_t hash, const vnfo_flow_key *rew, uint32_t spi, uint32_t epoch, uint64_t now,
                uint32_t guess)
{
    if (VNFO_UNLIKELY(!version_valid(rew)))
        return VNFO_E_INVALID_ARGUMENT;
    if (now < t->now)
        now = t->now;
    uint32_t slot = guess && vnfo__flowtag_orig_equal(t, guess, orig)
                        ? guess
                        : vnfo__flowtag_index_find(t, orig, hash);
    if (VNFO_UNLIKELY(!slot))
        return generate_new(out, t, orig, hash, rew, spi, epoch, now);
    struct ft_entry *e = &t->entries[slot];
    if (VNFO_UNLIKELY(e->spi != spi || !rewritten_equal(t, e, rew)))
        return generate_changed(out, t, slot, orig, rew, spi, now);
    known_event_begin(out, now);
    context_fill_at(&out->context, t, e, now);
    known_flow_stamp(t, e, now);
    return VNFO_OK;
}

/* Every generate that is not an IPv4 flow found in its home bucket with an
 * unchanged binding: the general path, out of line.  Its arguments are
 * those of vnfo_flowtag_generate(), so that the fast path reaches it by a
 * jump (a sibling call) and saves no registers for it. */
static __attribute__((noinline)) vnfo_status
generate_general(vnfo_flowtag_event *out, vnfo_flowtag_table *t, const vnfo_flow_key *orig,
                 const vnfo_flow_key *rew, uint32_t spi, uint32_t epoch, uint64_t now)
{
    if (VNFO_UNLIKELY(!version_valid(orig)))
        return VNFO_E_INVALID_ARGUMENT;
    return generate_hashed(out, t, orig, vnfo__flowtag_hash(t, orig), rew, spi, epoch, now, 0);
}

/* The two ways out of the fast path below for a hashed IPv4 key, out of
 * line.  Seven arguments like vnfo_flowtag_generate() (service path and
 * epoch share one), so that the fast path reaches them by a jump (a
 * sibling call) and saves no registers for them. */
static __attribute__((noinline)) vnfo_status
generate_general_hashed(vnfo_flowtag_event *out, vnfo_flowtag_table *t, const vnfo_flow_key *orig,
                        const vnfo_flow_key *rew, uint64_t spi_epoch, uint64_t now, uint64_t hash)
{
    return generate_hashed(out, t, orig, hash, rew, (uint32_t)(spi_epoch >> 32),
                           (uint32_t)spi_epoch, now, 0);
}

/* A key in no cell of its home bucket, which never overflowed: new. */
static __attribute__((noinline)) vnfo_status
generate_bind(vnfo_flowtag_event *out, vnfo_flowtag_table *t, const vnfo_flow_key *orig,
              const vnfo_flow_key *rew, uint64_t spi_epoch, uint64_t now, uint64_t hash)
{
    if (now < t->now)
        now = t->now;
    return bind_new(out, t, orig, hash, rew, (uint32_t)(spi_epoch >> 32), (uint32_t)spi_epoch,
                    now);
}

/* The packet of nearly every call: a known IPv4 flow whose binding did not
 * change.  The hash, the home bucket's fingerprints, the two key compares
 * and the fill, in line, with no call (about 150 instructions, against 230
 * through the general path): the fewer a call's instructions, the more
 * independent calls the core's reorder window holds and the more of their
 * misses overlap (docs/PERFORMANCE.md, "flowtag").  A new IPv4 flow (no
 * cell of its home bucket, which never overflowed) goes straight to the
 * bind; anything else, including a key bound to an entry with IPv6 keys,
 * takes the general path, which does the whole lookup again: the result
 * is the same. */
vnfo_status vnfo_flowtag_generate(vnfo_flowtag_event *out, vnfo_flowtag_table *table,
                                  const vnfo_flow_key *original, const vnfo_flow_key *rewritten,
                                  uint32_t service_path_id, uint32_t epoch, uint64_t now)
{
    if (VNFO_UNLIKELY(!out || !table || !original || !rewritten))
        return VNFO_E_INVALID_ARGUMENT;
    vnfo_flowtag_table *t = table;
    if (VNFO_UNLIKELY(original->ip_version != 4 || rewritten->ip_version != 4))
        return generate_general(out, t, original, rewritten, service_path_id, epoch, now);
    uint64_t hash = vnfo__flowtag_hash(t, original);
    uint64_t spi_epoch = (uint64_t)service_path_id << 32 | epoch;
    const struct ft_bucket *b = vnfo__flowtag_bucket(t, hash);
    struct ft_entry *e = NULL;
    for (uint32_t m = vnfo__flowtag_match_mask(b, FT_FP_OF(hash)); m; m &= m - 1) {
        struct ft_entry *c = &t->entries[FT_SLOT_OF(b->cell[__builtin_ctz(m)])];
        if (VNFO_UNLIKELY(c->flags & FT_V6)) /* its keys are in the pool: maybe this flow */
            return generate_general_hashed(out, t, original, rewritten, spi_epoch, now, hash);
        if (VNFO_LIKELY(vnfo__flowtag_v4_equal(c->orig, c->orig_dst, original))) {
            e = c;
            break;
        }
    }
    if (VNFO_UNLIKELY(!e)) {
        if (b->meta < FT_META_OVERFLOW_ONE)
            return generate_bind(out, t, original, rewritten, spi_epoch, now, hash);
        return generate_general_hashed(out, t, original, rewritten, spi_epoch, now, hash);
    }
    if (VNFO_UNLIKELY(e->spi != service_path_id ||
                      !vnfo__flowtag_v4_equal(e->rew, e->rew_dst, rewritten)))
        return generate_general_hashed(out, t, original, rewritten, spi_epoch, now, hash);
    if (now < t->now)
        now = t->now;
    known_event_begin(out, now);
    context_fill_v4(&out->context, t, e, now);
    known_flow_stamp(t, e, now);
    return VNFO_OK;
}

/* ---- bursts ---------------------------------------------------------------
 * A burst does what the single calls would do, in order, but starts each
 * packet's memory loads a few packets ahead of the packet it processes: a
 * software pipeline of three stages, each LOOKAHEAD packets behind the one
 * before.  Stage 1 hashes a key and prefetches its home bucket; stage 2
 * reads that bucket (arrived by now) and prefetches the entry its
 * fingerprint points to; stage 3 processes the packet, in order.  So while
 * one packet is processed, the lines of the next 2 x LOOKAHEAD are on their
 * way, and the misses overlap with work instead of with each other only. */

#define BURST_CHUNK 32
#define LOOKAHEAD 8 /* generate: 15-25 ns of work a packet, so 8 packets hide a miss */

/* An entry may straddle two cache lines (48 bytes): fetch both.  Both ends
 * are prefetched unconditionally: whether an entry straddles is a coin toss
 * for random slots, and the branch that tested it mispredicted every other
 * packet (2-3 ns a packet), while a second prefetch of a line already on
 * its way costs about nothing.  Read prefetches even for entries about to
 * be written: GCC drops a write prefetch when the target lacks PREFETCHW
 * (x86-64 baseline), and a line nobody else holds arrives writable anyway. */
static inline void prefetch_entry(const struct ft_entry *e)
{
    const char *first = (const char *)e;
    __builtin_prefetch(first, 0, 3);
    __builtin_prefetch(first + sizeof *e - 1, 0, 3);
}

/* Per-packet state of a generate chunk between the pipeline's stages. */
struct gen_slot {
    uint64_t hash;
    uint32_t guess;
    int bad;
};

static inline void generate_stage1(struct gen_slot *g, const vnfo_flowtag_table *t,
                                   const vnfo_flow_key *original)
{
    g->bad = !version_valid(original);
    if (VNFO_UNLIKELY(g->bad))
        return;
    g->hash = vnfo__flowtag_hash(t, original);
    __builtin_prefetch(vnfo__flowtag_bucket(t, g->hash), 0, 3);
}

static inline void generate_stage2(struct gen_slot *g, const vnfo_flowtag_table *t)
{
    g->guess = g->bad ? 0 : vnfo__flowtag_bucket_guess(vnfo__flowtag_bucket(t, g->hash), g->hash);
    if (g->guess)
        prefetch_entry(&t->entries[g->guess]);
}

static vnfo_status generate_chunk(vnfo_flowtag_event *out, vnfo_status *status,
                                  vnfo_flowtag_table *t, const vnfo_flow_key *original,
                                  const vnfo_flow_key *rewritten, const uint32_t *spi,
                                  uint32_t epoch, uint64_t now, size_t n)
{
    struct gen_slot g[BURST_CHUNK];
    vnfo_status first = VNFO_OK;
    for (size_t i = 0; i < n + 2 * LOOKAHEAD; i++) {
        if (i < n)
            generate_stage1(&g[i], t, &original[i]);
        if (i >= LOOKAHEAD && i - LOOKAHEAD < n)
            generate_stage2(&g[i - LOOKAHEAD], t);
        if (i < 2 * LOOKAHEAD)
            continue;
        size_t k = i - 2 * LOOKAHEAD;
        status[k] = g[k].bad ? VNFO_E_INVALID_ARGUMENT
                             : generate_hashed(&out[k], t, &original[k], g[k].hash, &rewritten[k],
                                               spi[k], epoch, now, g[k].guess);
        if (status[k] != VNFO_OK && first == VNFO_OK)
            first = status[k];
    }
    return first;
}

vnfo_status vnfo_flowtag_generate_burst(vnfo_flowtag_event *out, vnfo_status *status,
                                        vnfo_flowtag_table *table, const vnfo_flow_key *original,
                                        const vnfo_flow_key *rewritten,
                                        const uint32_t *service_path_id, uint32_t epoch,
                                        uint64_t now, size_t n)
{
    if (VNFO_UNLIKELY(!table || (n && (!out || !status || !original || !rewritten ||
                                       !service_path_id))))
        return VNFO_E_INVALID_ARGUMENT;
    vnfo_status first = VNFO_OK;
    for (size_t at = 0; at < n; at += BURST_CHUNK) {
        size_t m = n - at < BURST_CHUNK ? n - at : BURST_CHUNK;
        vnfo_status s = generate_chunk(out + at, status + at, table, original + at, rewritten + at,
                                       service_path_id + at, epoch, now, m);
        if (first == VNFO_OK)
            first = s;
    }
    return first;
}

/* A flow arriving with the tag an upstream node gave it, in a chain where
 * rewriting nodes keep the tag (docs/flowtags.md, "Chains"). */
static vnfo_status adopt(vnfo_flowtag_event *out, vnfo_flowtag_table *t, uint32_t tag,
                         const vnfo_flow_key *orig, const vnfo_flow_key *rew, uint32_t spi,
                         uint32_t epoch, uint64_t now)
{
    uint32_t slot = tag & t->slot_mask;
    struct ft_entry *e = &t->entries[slot];
    uint64_t hash = vnfo__flowtag_hash(t, orig);
    uint32_t known = vnfo__flowtag_index_find(t, orig, hash);
    if (e->flags & FT_LIVE) {
        if (e->tag != tag || known != slot)
            return VNFO_E_FLOWTAG_CONFLICT;
        return update_known(out, t, slot, orig, rew, spi, now);
    }
    if (known)
        return VNFO_E_FLOWTAG_CONFLICT; /* the flow holds another tag here */
    if ((orig->ip_version == 6 || rew->ip_version == 6) && !t->v6_free)
        return VNFO_E_FLOWTAG_FULL;
    list_unlink(t->links, &t->free_list, slot);
    vnfo__flowtag_bind(t, slot, tag, orig, hash, rew, spi, epoch, now); /* room checked above */
    event_fill(out, VNFO_FLOWTAG_EVENT_BIND, now, t, e);
    return VNFO_OK;
}

vnfo_status vnfo_flowtag_adopt(vnfo_flowtag_event *out, vnfo_flowtag_table *table, uint32_t tag,
                               const vnfo_flow_key *original, const vnfo_flow_key *rewritten,
                               uint32_t service_path_id, uint32_t epoch, uint64_t now)
{
    if (VNFO_UNLIKELY(!out || !table || !original || !rewritten))
        return VNFO_E_INVALID_ARGUMENT;
    if (VNFO_UNLIKELY(!vnfo__flowtag_tag_valid(table, tag & table->slot_mask, tag)))
        return VNFO_E_INVALID_ARGUMENT;
    vnfo_flow_key orig, rew;
    if (VNFO_UNLIKELY(vnfo__flowtag_key_canon(&orig, original) != 0 ||
                      vnfo__flowtag_key_canon(&rew, rewritten) != 0))
        return VNFO_E_INVALID_ARGUMENT;
    if (now < table->now)
        now = table->now;
    vnfo_status s = adopt(out, table, tag, &orig, &rew, service_path_id, epoch, now);
    if (s == VNFO_OK)
        table->now = now;
    return s;
}

static const struct ft_entry *live_entry(const vnfo_flowtag_table *t, uint32_t tag)
{
    uint32_t slot = tag & t->slot_mask;
    if (slot == 0 || slot > t->opts.capacity)
        return NULL;
    const struct ft_entry *e = &t->entries[slot];
    return ((e->flags & FT_LIVE) && e->tag == tag) ? e : NULL;
}

/* A consume that is not of a live IPv4 entry: IPv6 keys, or unknown. */
static __attribute__((noinline)) vnfo_status consume_other(vnfo_flowtag_context *out,
                                                           const vnfo_flowtag_table *t,
                                                           uint32_t tag)
{
    const struct ft_entry *e = live_entry(t, tag);
    if (!e)
        return VNFO_E_FLOWTAG_UNKNOWN;
    context_fill(out, t, e);
    return VNFO_OK;
}

/* For a live IPv4 flow: one test of the slot's range (slot 0 is never
 * live, so needs no test of its own), one of the flags and one of the
 * tag, then the fill (52 instructions, 10 loads and 7 stores in all). */
vnfo_status vnfo_flowtag_consume(vnfo_flowtag_context *out, const vnfo_flowtag_table *table,
                                 uint32_t tag)
{
    if (VNFO_UNLIKELY(!out || !table))
        return VNFO_E_INVALID_ARGUMENT;
    uint32_t slot = tag & table->slot_mask;
    if (VNFO_UNLIKELY(slot > table->opts.capacity))
        return VNFO_E_FLOWTAG_UNKNOWN;
    const struct ft_entry *e = &table->entries[slot];
    if (VNFO_UNLIKELY((e->flags & (FT_LIVE | FT_V6)) != FT_LIVE || e->tag != tag))
        return consume_other(out, table, tag);
    context_fill_consumed(out, &table->opts.node_id, e);
    return VNFO_OK;
}

/* A consume burst asks for the lines of all its entries first, in a loop
 * of nothing else, and then fills the contexts in order as the lines
 * arrive.  The requests are prefetches into the L2 cache (prefetcht2):
 * a demand load or an L1 prefetch holds one of the L1's miss buffers
 * until its line arrives, and with about 20 of them a chunk's 48 lines
 * (a 48-byte entry straddles two lines for half the slots) took three
 * rounds of memory latency; L2 prefetches are tracked by the L2, which
 * keeps far more misses in flight, so the chunk's lines arrive in about
 * one round and the fills then hit the L2 (docs/PERFORMANCE.md,
 * "seventh pass").  Tables with IPv6 room prefetch the pool pair of a
 * packet a few ahead of the fill: a dependent line, known once the entry
 * has arrived. */
#define CONSUME_V6_AHEAD 4

/* A prefetch into L2 that the compiler keeps.  GCC's pure-const pass
 * finds a function that holds nothing but __builtin_prefetch() calls
 * "pure" and then deletes every call to it (a pure function returning
 * void does nothing): with the builtin, request_entries() vanished from
 * the library, as objdump shows.  An asm statement is never pure. */
static inline void prefetch_l2(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ volatile("prefetcht2 %0" : : "m"(*(const char *)p));
#else
    __builtin_prefetch(p, 0, 1);
    __asm__ volatile("" : : "r"(p)); /* keeps the function impure */
#endif
}

/* The entry a tag's slot names, or entry 0 (never live) for a slot out of
 * range, so that every read stays inside the array. */
static inline const struct ft_entry *consume_entry(const struct ft_entry *base, uint32_t mask,
                                                   uint32_t capacity, uint32_t tag)
{
    uint32_t slot = tag & mask;
    return &base[slot <= capacity ? slot : 0];
}

/* Both lines of each tag's entry (the first and the last byte), and
 * nothing else: the loop is short, so all of it is issued at once. */
static inline void request_entries(const struct ft_entry *base, uint32_t mask, uint32_t capacity,
                                   const uint32_t *tags, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *e = (const char *)consume_entry(base, mask, capacity, tags[i]);
        prefetch_l2(e);
        prefetch_l2(e + sizeof(struct ft_entry) - 1);
    }
}

static inline void prefetch_v6pair(const vnfo_flowtag_table *t, uint32_t tag)
{
    const struct ft_entry *e = consume_entry(t->entries, t->slot_mask, t->opts.capacity, tag);
    if ((e->flags & (FT_LIVE | FT_V6)) == (FT_LIVE | FT_V6)) {
        const char *p = (const char *)&t->v6[ft_entry_v6(e)];
        __builtin_prefetch(p, 0, 3);
        __builtin_prefetch(p + sizeof(struct ft_v6pair) - 1, 0, 3);
    }
}

/* Sets n statuses to VNFO_OK: 16 bytes a store. */
static inline void statuses_ok(vnfo_status *status, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    _Static_assert(VNFO_OK == 0 && sizeof(vnfo_status) == 4, "four statuses of zero bytes");
    for (; i + 4 <= n; i += 4)
        _mm_storeu_si128((__m128i *)(void *)&status[i], _mm_setzero_si128());
#endif
    for (; i < n; i++)
        status[i] = VNFO_OK;
}

/* vnfo_flowtag_consume() of each tag, in order.  The table's fields are
 * read once into registers (each context stored could alias them), every
 * status is first set to VNFO_OK in a few wide stores, and a packet that
 * is not a live IPv4 entry (IPv6 keys, an unknown tag) leaves the loop's
 * straight line for consume_other(), which also writes its status: the
 * common packet is the tag test and the context's eight stores. */
static vnfo_status consume_chunk(vnfo_flowtag_context *out, vnfo_status *status,
                                 const vnfo_flowtag_table *t, const uint32_t *tags, size_t n)
{
    const struct ft_entry *base = t->entries;
    const uint32_t mask = t->slot_mask, capacity = t->opts.capacity, node = t->opts.node_id;
    const int v6 = t->v6 != NULL;
    request_entries(base, mask, capacity, tags, n);
    statuses_ok(status, n);
    if (v6)
        for (size_t i = 0; i < n && i < CONSUME_V6_AHEAD; i++)
            prefetch_v6pair(t, tags[i]);
    vnfo_status first = VNFO_OK;
    for (size_t i = 0; i < n; i++) {
        if (v6 && i + CONSUME_V6_AHEAD < n)
            prefetch_v6pair(t, tags[i + CONSUME_V6_AHEAD]);
        uint32_t tag = tags[i];
        const struct ft_entry *e = consume_entry(base, mask, capacity, tag);
        if (VNFO_UNLIKELY((e->flags & (FT_LIVE | FT_V6)) != FT_LIVE || e->tag != tag)) {
            status[i] = consume_other(&out[i], t, tag);
            if (status[i] != VNFO_OK && first == VNFO_OK)
                first = status[i];
            continue;
        }
        context_fill_consumed(&out[i], &node, e);
    }
    return first;
}

vnfo_status vnfo_flowtag_consume_burst(vnfo_flowtag_context *out, vnfo_status *status,
                                       const vnfo_flowtag_table *table, const uint32_t *tags,
                                       size_t n)
{
    if (VNFO_UNLIKELY(!table || (n && (!out || !status || !tags))))
        return VNFO_E_INVALID_ARGUMENT;
    vnfo_status first = VNFO_OK;
    for (size_t at = 0; at < n; at += BURST_CHUNK) {
        size_t m = n - at < BURST_CHUNK ? n - at : BURST_CHUNK;
        vnfo_status s = consume_chunk(out + at, status + at, table, tags + at, m);
        if (first == VNFO_OK)
            first = s;
    }
    return first;
}

vnfo_status vnfo_flowtag_lookup(vnfo_flowtag_context *out, const vnfo_flowtag_table *table,
                                const vnfo_flow_key *original)
{
    if (!out || !table || !original)
        return VNFO_E_INVALID_ARGUMENT;
    vnfo_flow_key orig;
    if (vnfo__flowtag_key_canon(&orig, original) != 0)
        return VNFO_E_INVALID_ARGUMENT;
    uint32_t slot = vnfo__flowtag_index_find(table, &orig, vnfo__flowtag_hash(table, &orig));
    if (!slot)
        return VNFO_E_FLOWTAG_UNKNOWN;
    context_fill(out, table, &table->entries[slot]);
    return VNFO_OK;
}

vnfo_status vnfo_flowtag_table_next(vnfo_flowtag_context *out, const vnfo_flowtag_table *table,
                                    uint32_t *cursor)
{
    if (!out || !table || !cursor)
        return VNFO_E_INVALID_ARGUMENT;
    for (uint32_t slot = *cursor > 0 ? *cursor : 1; slot <= table->opts.capacity; slot++) {
        const struct ft_entry *e = &table->entries[slot];
        if (e->flags & FT_LIVE) {
            context_fill(out, table, e);
            *cursor = slot + 1;
            return VNFO_OK;
        }
    }
    *cursor = table->opts.capacity + 1;
    return VNFO_E_NOT_FOUND;
}

vnfo_status vnfo_flowtag_table_expire(vnfo_flowtag_event *out, size_t *count, size_t max,
                                      vnfo_flowtag_table *table, uint64_t now)
{
    if (!count || !table || (max && !out))
        return VNFO_E_INVALID_ARGUMENT;
    *count = 0;
    if (now < table->now)
        now = table->now;
    table->now = now;
    uint64_t timeout = table->opts.idle_timeout;
    if (!timeout)
        return VNFO_OK;
    while (*count < max && table->sweep.head) {
        uint32_t slot = table->sweep.head;
        struct ft_entry *e = &table->entries[slot];
        if (now - e->last_seen >= timeout) {
            event_fill(&out[*count], VNFO_FLOWTAG_EVENT_EXPIRE, now, table, e);
            unbind(table, slot);
            (*count)++;
        } else if (e->flags & FT_REF) {
            /* Used since it joined the list: a second chance at the tail.
             * Each such move pays for one earlier generate. */
            e->flags &= (uint8_t)~FT_REF;
            list_unlink(table->links, &table->sweep, slot);
            list_append(table->links, &table->sweep, slot);
        } else {
            /* Unused and not idle: stop.  Every slot behind it joined the
             * list later, so none waits more than one idle_timeout past
             * this one's expiry (the bound in docs/flowtags.md). */
            break;
        }
    }
    return VNFO_OK;
}

vnfo_status vnfo_flowtag_release(vnfo_flowtag_event *out, vnfo_flowtag_table *table, uint32_t tag,
                                 uint64_t now)
{
    if (!out || !table)
        return VNFO_E_INVALID_ARGUMENT;
    const struct ft_entry *e = live_entry(table, tag);
    if (!e)
        return VNFO_E_FLOWTAG_UNKNOWN;
    if (now < table->now)
        now = table->now;
    table->now = now;
    event_fill(out, VNFO_FLOWTAG_EVENT_EXPIRE, now, table, e);
    unbind(table, tag & table->slot_mask);
    return VNFO_OK;
}
