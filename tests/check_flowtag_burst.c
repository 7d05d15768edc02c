/* Check suite for the burst calls: vnfo_flowtag_generate_burst() and
 * vnfo_flowtag_consume_burst() must give exactly what the single calls give
 * (events, statuses, contexts, and the table afterwards, compared through
 * its deterministic serialisation), and allocate nothing. */
#include <vnfo/flowtag.h>

#include "flowtag_testutil.h"

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

static void assert_key_eq(const vnfo_flow_key *a, const vnfo_flow_key *b)
{
    ck_assert_mem_eq(a, b, sizeof *a); /* vnfo_flow_key has no padding */
}

static void assert_context_eq(const vnfo_flowtag_context *a, const vnfo_flowtag_context *b)
{
    assert_key_eq(&a->original, &b->original);
    assert_key_eq(&a->rewritten, &b->rewritten);
    ck_assert_uint_eq(a->tag, b->tag);
    ck_assert_uint_eq(a->node_id, b->node_id);
    ck_assert_uint_eq(a->service_path_id, b->service_path_id);
    ck_assert_uint_eq(a->epoch, b->epoch);
    ck_assert_uint_eq(a->reserved, b->reserved);
    ck_assert_uint_eq(a->last_seen, b->last_seen);
}

static void assert_event_eq(const vnfo_flowtag_event *a, const vnfo_flowtag_event *b)
{
    ck_assert_uint_eq(a->kind, b->kind);
    ck_assert_uint_eq(a->time, b->time);
    assert_context_eq(&a->context, &b->context);
}

static uint8_t *encode(const vnfo_flowtag_table *t, size_t *len)
{
    ck_assert_status(vnfo_flowtag_table_serialized_size(len, t), VNFO_OK);
    uint8_t *buf = malloc(*len);
    ck_assert_status(vnfo_flowtag_table_serialize(buf, *len, len, t), VNFO_OK);
    return buf;
}

static void assert_tables_eq(const vnfo_flowtag_table *a, const vnfo_flowtag_table *b)
{
    size_t la, lb;
    uint8_t *ba = encode(a, &la), *bb = encode(b, &lb);
    ck_assert_uint_eq(la, lb);
    ck_assert_mem_eq(ba, bb, la);
    free(ba);
    free(bb);
}

/* A packet of a random flow out of `flows`: IPv4 mostly, some IPv6, some
 * with a bad ip_version, and a rewritten key that sometimes changes. */
static void random_packet(uint64_t *seed, uint32_t flows, vnfo_flow_key *in, vnfo_flow_key *out,
                          uint32_t *spi)
{
    uint32_t f = (uint32_t)(lcg(seed) % flows);
    *in = f % 7 == 3 ? ft_key6(f) : ft_key4(f, 9);
    *out = ft_nat(in, f + (uint32_t)(lcg(seed) % 16 == 0));
    *spi = 1 + (uint32_t)(lcg(seed) % 64 == 0);
    if (lcg(seed) % 97 == 0)
        in->ip_version = 5;
    if (lcg(seed) % 89 == 0)
        out->ip_version = 0;
}

/* Bursts of random sizes (0 to 80: several chunks, one packet, none) over a
 * table that fills up, expires and reuses slots; the same packets one by
 * one into a second table. */
static void run_generate(uint64_t seed, uint32_t capacity, uint32_t ipv6_capacity, uint32_t flows)
{
    vnfo_flowtag_options o = VNFO_FLOWTAG_OPTIONS_INIT;
    o.width_bits = 24;
    o.capacity = capacity;
    o.ipv6_capacity = ipv6_capacity;
    o.idle_timeout = 150;
    o.node_id = 3;
    vnfo_flowtag_table *a, *b;
    ck_assert_status(vnfo_flowtag_table_create(&a, &o), VNFO_OK);
    ck_assert_status(vnfo_flowtag_table_create(&b, &o), VNFO_OK);
    enum { MAXB = 80 };
    vnfo_flow_key in[MAXB], out[MAXB];
    uint32_t spi[MAXB];
    vnfo_flowtag_event ea[MAXB], eb, xa[16], xb[16];
    vnfo_status st[MAXB];
    uint64_t now = 0;
    int full = 0, bad = 0, binds = 0, known = 0, expired = 0;
    for (int round = 0; round < 400; round++) {
        now += lcg(&seed) % 5 + (round % 100 == 99 ? 200 : 0); /* sometimes a quiet spell */
        size_t na, nb;
        do {
            ck_assert_status(vnfo_flowtag_table_expire(xa, &na, 16, a, now), VNFO_OK);
            ck_assert_status(vnfo_flowtag_table_expire(xb, &nb, 16, b, now), VNFO_OK);
            ck_assert_uint_eq(na, nb);
            expired += (int)na;
            for (size_t i = 0; i < na; i++)
                assert_event_eq(&xa[i], &xb[i]);
        } while (na == 16);
        size_t n = (size_t)(lcg(&seed) % (MAXB + 1));
        for (size_t i = 0; i < n; i++)
            random_packet(&seed, flows, &in[i], &out[i], &spi[i]);
        uint64_t t = now + lcg(&seed) % 3; /* sometimes behind the table's time */
        vnfo_status first = vnfo_flowtag_generate_burst(ea, st, a, in, out, spi, 2, t, n);
        vnfo_status want_first = VNFO_OK;
        for (size_t i = 0; i < n; i++) {
            vnfo_status s = vnfo_flowtag_generate(&eb, b, &in[i], &out[i], spi[i], 2, t);
            ck_assert_int_eq(st[i], s);
            if (s == VNFO_OK)
                assert_event_eq(&ea[i], &eb);
            if (s != VNFO_OK && want_first == VNFO_OK)
                want_first = s;
            full += s == VNFO_E_FLOWTAG_FULL;
            bad += s == VNFO_E_INVALID_ARGUMENT;
            binds += s == VNFO_OK && eb.kind == VNFO_FLOWTAG_EVENT_BIND;
            known += s == VNFO_OK && eb.kind != VNFO_FLOWTAG_EVENT_BIND;
        }
        ck_assert_int_eq(first, want_first);
        if (round % 50 == 0)
            assert_tables_eq(a, b);
    }
    assert_tables_eq(a, b);
    /* The run went through every case. */
    ck_assert_int_gt(full, 0);
    ck_assert_int_gt(bad, 0);
    ck_assert_int_gt(binds, 0);
    ck_assert_int_gt(known, 0);
    ck_assert_int_gt(expired, 0);
    vnfo_flowtag_table_free(a);
    vnfo_flowtag_table_free(b);
}

START_TEST(test_generate_burst_equals_single_calls)
{
    run_generate(1, 64, 8, 120);     /* small: full often, IPv6 room runs out */
    run_generate(2, 3000, 300, 4000); /* many buckets, overflowing ones */
    run_generate(3, 12, 12, 40);     /* one bucket */
}
END_TEST

START_TEST(test_consume_burst_equals_single_calls)
{
    vnfo_flowtag_table *t = ft_table(24, 500, 0);
    vnfo_flowtag_event ev;
    for (uint32_t i = 0; i < 400; i++) {
        vnfo_flow_key k = i % 5 ? ft_key4(i, 1) : ft_key6(i), out = ft_nat(&k, i);
        ck_assert_status(vnfo_flowtag_generate(&ev, t, &k, &out, 4, 1, i), VNFO_OK);
    }
    for (uint32_t tag = 10; tag < 400; tag += 7)
        ck_assert_status(vnfo_flowtag_release(&ev, t, tag, 500), VNFO_OK);
    enum { N = 300 };
    uint32_t tags[N];
    vnfo_flowtag_context ca[N], cb;
    vnfo_status st[N];
    uint64_t seed = 5;
    for (size_t i = 0; i < N; i++) /* live, released, never bound, beyond capacity, wrong generation */
        tags[i] = (uint32_t)(lcg(&seed) % 1100) | (lcg(&seed) % 9 == 0 ? 1u << 9 : 0);
    tags[0] = 0;
    tags[1] = 0xFFFFFF;
    int ok = 0, unknown = 0;
    vnfo_status want_first = VNFO_OK;
    for (size_t i = 0; i < N; i++) {
        vnfo_status s = vnfo_flowtag_consume(&cb, t, tags[i]);
        ok += s == VNFO_OK;
        unknown += s == VNFO_E_FLOWTAG_UNKNOWN;
        if (s != VNFO_OK && want_first == VNFO_OK)
            want_first = s;
    }
    ck_assert_int_gt(ok, 50);
    ck_assert_int_gt(unknown, 50);
    ck_assert_int_eq(vnfo_flowtag_consume_burst(ca, st, t, tags, N), want_first);
    for (size_t i = 0; i < N; i++) {
        ck_assert_int_eq(st[i], vnfo_flowtag_consume(&cb, t, tags[i]));
        if (st[i] == VNFO_OK)
            assert_context_eq(&ca[i], &cb);
    }
    /* Every status written, whatever the length (the burst sets them four
     * at a time, then the rest one by one): lengths that end a chunk or
     * four early, over statuses that are none of the results. */
    static const size_t lengths[] = {N - 1, 35, 33, 7, 2, 1};
    for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++)
        for (size_t at = 0; at + lengths[l] < N; at += 23) {
            size_t n = lengths[l];
            memset(st, 0x5A, sizeof st);
            (void)vnfo_flowtag_consume_burst(ca, st, t, tags + at, n);
            for (size_t i = 0; i < n; i++)
                ck_assert_int_eq(st[i], vnfo_flowtag_consume(&cb, t, tags[at + i]));
            ck_assert_int_eq(st[n], 0x5A5A5A5A); /* nothing past the burst */
        }
    /* All live: VNFO_OK. */
    uint32_t live[3] = {1, 2, 3};
    ck_assert_status(vnfo_flowtag_consume_burst(ca, st, t, live, 3), VNFO_OK);
    vnfo_flowtag_table_free(t);
}
END_TEST

START_TEST(test_burst_arguments_and_no_allocation)
{
    vnfo_flowtag_table *t = ft_table(24, 100, 10);
    vnfo_flow_key k[40];
    uint32_t spi[40], tags[40];
    vnfo_flowtag_event ev[40];
    vnfo_flowtag_context cx[40];
    vnfo_status st[40];
    for (uint32_t i = 0; i < 40; i++) {
        k[i] = ft_key4(i % 30, 1);
        spi[i] = 1;
    }
    ck_assert_status(vnfo_flowtag_generate_burst(ev, st, NULL, k, k, spi, 1, 0, 1), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_flowtag_generate_burst(NULL, st, t, k, k, spi, 1, 0, 1), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_flowtag_generate_burst(ev, NULL, t, k, k, spi, 1, 0, 1), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_flowtag_generate_burst(ev, st, t, NULL, k, spi, 1, 0, 1), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_flowtag_generate_burst(ev, st, t, k, NULL, spi, 1, 0, 1), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_flowtag_generate_burst(ev, st, t, k, k, NULL, 1, 0, 1), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_flowtag_generate_burst(NULL, NULL, t, NULL, NULL, NULL, 1, 0, 0), VNFO_OK);
    ck_assert_status(vnfo_flowtag_consume_burst(cx, st, NULL, tags, 1), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_flowtag_consume_burst(NULL, st, t, tags, 1), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_flowtag_consume_burst(cx, NULL, t, tags, 1), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_flowtag_consume_burst(cx, st, t, NULL, 1), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_flowtag_consume_burst(NULL, NULL, t, NULL, 0), VNFO_OK);
    vnfo_flowtag_stats s;
    vnfo_flowtag_table_stats(&s, t);
    ck_assert_uint_eq(s.live, 0); /* the refused calls changed nothing */
    /* The hot path allocates nothing: every allocation would fail. */
    vnfo_test_allocator_install(0);
    ck_assert_status(vnfo_flowtag_generate_burst(ev, st, t, k, k, spi, 1, 5, 40), VNFO_OK);
    for (uint32_t i = 0; i < 40; i++)
        tags[i] = ev[i].context.tag;
    ck_assert_uint_eq(ev[35].kind, VNFO_FLOWTAG_EVENT_NONE); /* flow 5 again, in the same burst */
    ck_assert_uint_eq(ev[35].context.tag, ev[5].context.tag);
    ck_assert_status(vnfo_flowtag_consume_burst(cx, st, t, tags, 40), VNFO_OK);
    ck_assert_int_eq(vnfo_test_alloc_state()->count, 0);
    vnfo_allocator_set(NULL);
    /* An IPv4 key's bytes past the 4th of each address are not part of it:
     * the same flow, whatever they hold, and its contexts say zero. */
    vnfo_flow_key dirty = k[7], dirty_out = k[7];
    memset(dirty.src + 4, 0xAB, 12);
    memset(dirty.dst + 4, 0xCD, 12);
    memset(dirty_out.dst + 4, 0xEF, 12);
    vnfo_flowtag_event one;
    ck_assert_status(vnfo_flowtag_generate(&one, t, &dirty, &dirty_out, 1, 1, 6), VNFO_OK);
    ck_assert_uint_eq(one.kind, VNFO_FLOWTAG_EVENT_NONE);
    ck_assert_uint_eq(one.context.tag, ev[7].context.tag);
    assert_key_eq(&one.context.original, &k[7]);
    ck_assert_status(vnfo_flowtag_generate_burst(ev, st, t, &dirty, &dirty_out, spi, 1, 7, 1), VNFO_OK);
    ck_assert_uint_eq(ev[0].kind, VNFO_FLOWTAG_EVENT_NONE);
    vnfo_flowtag_context c7;
    ck_assert_status(vnfo_flowtag_lookup(&c7, t, &dirty), VNFO_OK);
    ck_assert_uint_eq(c7.tag, one.context.tag);
    vnfo_flowtag_table_free(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("flowtag burst");
    TCase *tc = tcase_create("burst");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_generate_burst_equals_single_calls);
    tcase_add_test(tc, test_consume_burst_equals_single_calls);
    tcase_add_test(tc, test_burst_arguments_and_no_allocation);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
