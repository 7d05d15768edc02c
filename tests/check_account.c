/* Check suite for the account module: accumulators, exact sums, merges,
 * serialisation (also hostile bytes), the checks and their bad inputs. */
#include <math.h>
#include <stdio.h>

#include <vnfo/account.h>

#include "testutil.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    /* xorshift64*: deterministic, so every run tests the same values. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static vnfo_account_acc *acc_new(uint64_t max_values)
{
    vnfo_account_acc_options o;
    ck_assert_status(vnfo_account_acc_options_init(&o, VNFO_ACCOUNT_ACC_OPTIONS_VERSION), VNFO_OK);
    o.resource = 7;
    o.scope = 3;
    o.max_values = max_values;
    vnfo_account_acc *a;
    ck_assert_status(vnfo_account_acc_create(&a, &o), VNFO_OK);
    return a;
}

static vnfo_account_result result_new(void)
{
    vnfo_account_result r;
    ck_assert_status(vnfo_account_result_init(&r, VNFO_ACCOUNT_RESULT_VERSION), VNFO_OK);
    return r;
}

static uint8_t *serialize(vnfo_account_acc *a, size_t *len)
{
    ck_assert_status(vnfo_account_acc_serialized_size(len, a), VNFO_OK);
    uint8_t *buf = malloc(*len);
    size_t written;
    ck_assert_status(vnfo_account_acc_serialize(buf, *len, &written, a), VNFO_OK);
    ck_assert_uint_eq(written, *len);
    return buf;
}

static void assert_sum(vnfo_account_acc *a, unsigned power, const char *want)
{
    char text[VNFO_ACCOUNT_SUM_TEXT_SIZE];
    ck_assert_status(vnfo_account_acc_sum_text(text, sizeof text, a, power), VNFO_OK);
    ck_assert_str_eq(text, want);
}

START_TEST(test_exact_sums_at_the_limits)
{
    vnfo_account_acc *a = acc_new(10);
    for (int i = 0; i < 1000; i++)
        ck_assert_status(vnfo_account_acc_add(a, UINT64_MAX), VNFO_OK);
    /* 1000·(2^64-1), its square sum and cube sum, from Python integers. */
    assert_sum(a, 1, "18446744073709551615000");
    assert_sum(a, 2, "340282366920938463426481119284349108225000");
    assert_sum(a, 3, "6277101735386680762814942322444851025767571854389858533375000");
    ck_assert_uint_eq(vnfo_account_acc_count(a), 1000);
    ck_assert_int_eq(vnfo_account_acc_values_exact(a), 0); /* 1000 > max_values 10 */
    char small[8];
    ck_assert_status(vnfo_account_acc_sum_text(small, sizeof small, a, 1), VNFO_E_BUFFER_TOO_SMALL);
    ck_assert_status(vnfo_account_acc_sum_text(small, sizeof small, a, 4), VNFO_E_INVALID_ARGUMENT);
    vnfo_account_acc_free(a);
    vnfo_account_acc_free(NULL);
}
END_TEST

START_TEST(test_summary_and_quantiles)
{
    vnfo_account_acc *a = acc_new(1000);
    for (uint64_t v = 1; v <= 100; v++)
        vnfo_account_acc_add(a, 101 - v); /* descending: forces a sort */
    vnfo_account_summary s = {.version = VNFO_ACCOUNT_SUMMARY_VERSION};
    ck_assert_status(vnfo_account_acc_summary(&s, a), VNFO_OK);
    ck_assert_uint_eq(s.n, 100);
    ck_assert_uint_eq(s.min, 1);
    ck_assert_uint_eq(s.max, 100);
    ck_assert_double_eq_tol(s.mean, 50.5, 1e-12);
    ck_assert_double_eq_tol(s.stddev, sqrt(841.6666666666666), 1e-9);
    ck_assert_double_eq_tol(s.skewness, 0.0, 1e-12);
    ck_assert_double_eq(s.p50, 50);
    ck_assert_double_eq(s.p95, 95);
    ck_assert_double_eq(s.p99, 99);
    ck_assert_int_eq(s.values_exact, 1);
    double q;
    ck_assert_status(vnfo_account_acc_quantile(&q, a, 0.0), VNFO_OK);
    ck_assert_double_eq(q, 1);
    ck_assert_status(vnfo_account_acc_quantile(&q, a, 1.5), VNFO_E_INVALID_ARGUMENT);
    s.version = 99;
    ck_assert_status(vnfo_account_acc_summary(&s, a), VNFO_E_STRUCT_VERSION);
    vnfo_account_acc_free(a);
    vnfo_account_acc *empty = acc_new(10);
    s.version = VNFO_ACCOUNT_SUMMARY_VERSION;
    ck_assert_status(vnfo_account_acc_summary(&s, empty), VNFO_E_ACCOUNT_EMPTY);
    ck_assert_str_eq(vnfo_error_message(), "vnfo_account_acc_summary: no values");
    vnfo_account_acc_free(empty);
}
END_TEST

/* The sketch answers every rank within 2^-(k+1) of the exact order statistic. */
START_TEST(test_sketch_error_bound)
{
    vnfo_account_acc *exact = acc_new(100000), *sketch = acc_new(0);
    for (int i = 0; i < 20000; i++) {
        uint64_t v = rng() >> (rng() % 64); /* spans every octave */
        vnfo_account_acc_add(exact, v);
        vnfo_account_acc_add(sketch, v);
    }
    ck_assert_int_eq(vnfo_account_acc_values_exact(sketch), 0);
    double bound = vnfo_account_acc_sketch_error(sketch);
    ck_assert_double_eq(bound, 1.0 / 128);
    for (double q = 0.0; q <= 1.0; q += 0.001) {
        double want, got;
        vnfo_account_acc_quantile(&want, exact, q);
        vnfo_account_acc_quantile(&got, sketch, q);
        ck_assert_msg(fabs(got - want) <= bound * want, "q %g: sketch %.17g exact %.17g", q, got,
                      want);
    }
    vnfo_account_acc_free(exact);
    vnfo_account_acc_free(sketch);
}
END_TEST

/* Shards merged in any order and grouping serialise to the same bytes as
 * one accumulator fed every value. */
static void merge_orders(uint64_t max_values)
{
    enum { SHARDS = 9, PER = 300 };
    vnfo_account_acc *shard[SHARDS], *direct = acc_new(max_values);
    for (int s = 0; s < SHARDS; s++) {
        shard[s] = acc_new(max_values);
        for (int i = 0; i < PER * (s % 3); i++) { /* shards 0, 3, 6 stay empty */
            uint64_t v = rng() >> (rng() % 60);
            vnfo_account_acc_add(shard[s], v);
            vnfo_account_acc_add(direct, v);
        }
    }
    size_t want_len;
    uint8_t *want = serialize(direct, &want_len);
    int orders[4][SHARDS] = {{0, 1, 2, 3, 4, 5, 6, 7, 8},
                             {8, 7, 6, 5, 4, 3, 2, 1, 0},
                             {4, 2, 8, 0, 6, 1, 7, 3, 5},
                             {1, 0, 3, 2, 5, 4, 7, 6, 8}};
    for (int o = 0; o < 4; o++) {
        vnfo_account_acc *left = acc_new(max_values);
        for (int i = 0; i < SHARDS; i++)
            ck_assert_status(vnfo_account_acc_merge(left, shard[orders[o][i]]), VNFO_OK);
        size_t len;
        uint8_t *got = serialize(left, &len);
        ck_assert_uint_eq(len, want_len);
        ck_assert_mem_eq(got, want, len);
        free(got);
        vnfo_account_acc_free(left);
    }
    /* Tree grouping: ((0+1)+(2+3)) + ((4+5)+((6+7)+8)). */
    vnfo_account_acc *g[SHARDS];
    for (int s = 0; s < SHARDS; s++) {
        g[s] = acc_new(max_values);
        vnfo_account_acc_merge(g[s], shard[s]);
    }
    vnfo_account_acc_merge(g[0], g[1]);
    vnfo_account_acc_merge(g[2], g[3]);
    vnfo_account_acc_merge(g[0], g[2]);
    vnfo_account_acc_merge(g[6], g[7]);
    vnfo_account_acc_merge(g[6], g[8]);
    vnfo_account_acc_merge(g[4], g[5]);
    vnfo_account_acc_merge(g[4], g[6]);
    ck_assert_status(vnfo_account_acc_merge(g[0], g[4]), VNFO_OK);
    size_t len;
    uint8_t *got = serialize(g[0], &len);
    ck_assert_uint_eq(len, want_len);
    ck_assert_mem_eq(got, want, len);
    free(got);
    free(want);
    for (int s = 0; s < SHARDS; s++) {
        vnfo_account_acc_free(g[s]);
        vnfo_account_acc_free(shard[s]);
    }
    vnfo_account_acc_free(direct);
}

START_TEST(test_merge_order_independent)
{
    merge_orders(100000); /* values kept */
    merge_orders(1000);   /* cap crossed in some groupings only */
    merge_orders(0);      /* sketch only */
}
END_TEST

START_TEST(test_merge_errors)
{
    vnfo_account_acc *a = acc_new(10);
    vnfo_account_acc_options o = VNFO_ACCOUNT_ACC_OPTIONS_INIT;
    o.resource = 8;
    o.scope = 3;
    o.max_values = 10;
    vnfo_account_acc *b;
    ck_assert_status(vnfo_account_acc_create(&b, &o), VNFO_OK);
    ck_assert_status(vnfo_account_acc_merge(a, b), VNFO_E_ACCOUNT_MISMATCH);
    ck_assert_str_eq(vnfo_error_message(), "vnfo_account_acc_merge: resource 7 vs 8");
    ck_assert_status(vnfo_account_acc_merge(a, a), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_account_acc_merge(a, NULL), VNFO_E_INVALID_ARGUMENT);
    vnfo_account_acc_free(b);
    o.resource = 7;
    o.sketch_bits = 1;
    ck_assert_status(vnfo_account_acc_create(&b, &o), VNFO_E_INVALID_ARGUMENT);
    ck_assert_str_eq(vnfo_error_message(), "vnfo_account_acc_create: sketch_bits 1 outside [2, 10]");
    ck_assert_ptr_null(b);
    o.version = 2;
    ck_assert_status(vnfo_account_acc_create(&b, &o), VNFO_E_STRUCT_VERSION);
    vnfo_account_acc_free(a);
}
END_TEST

START_TEST(test_serialize_round_trip)
{
    vnfo_account_acc *a = acc_new(1000);
    for (int i = 0; i < 500; i++)
        vnfo_account_acc_add(a, rng() >> 20);
    size_t len;
    uint8_t *bytes = serialize(a, &len);
    uint8_t small[100];
    size_t need;
    ck_assert_status(vnfo_account_acc_serialize(small, sizeof small, &need, a), VNFO_E_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(need, len);
    vnfo_account_acc *b;
    ck_assert_status(vnfo_account_acc_deserialize(&b, bytes, len), VNFO_OK);
    size_t len2;
    uint8_t *again = serialize(b, &len2);
    ck_assert_uint_eq(len2, len);
    ck_assert_mem_eq(again, bytes, len);
    ck_assert_uint_eq(vnfo_account_acc_count(b), 500);
    /* The decoded shard keeps working: merge it back. */
    ck_assert_status(vnfo_account_acc_merge(a, b), VNFO_OK);
    ck_assert_uint_eq(vnfo_account_acc_count(a), 1000);
    free(bytes);
    free(again);
    vnfo_account_acc_free(a);
    vnfo_account_acc_free(b);
}
END_TEST

START_TEST(test_deserialize_hostile)
{
    vnfo_account_acc *a = acc_new(1000), *b = NULL;
    for (int i = 0; i < 50; i++)
        vnfo_account_acc_add(a, 1000 + rng() % 100000);
    size_t len;
    uint8_t *bytes = serialize(a, &len);
    ck_assert_status(vnfo_account_acc_deserialize(&b, bytes, 0), VNFO_E_ACCOUNT_FORMAT);
    ck_assert_str_eq(vnfo_error_message(),
                     "serialised accumulator: 0 bytes, shorter than the 128-byte header");
    ck_assert_status(vnfo_account_acc_deserialize(&b, NULL, 5), VNFO_E_INVALID_ARGUMENT);
    /* Every truncation is refused. */
    for (size_t cut = 0; cut < len; cut++) {
        ck_assert_status(vnfo_account_acc_deserialize(&b, bytes, cut), VNFO_E_ACCOUNT_FORMAT);
        ck_assert_ptr_null(b);
    }
    /* Every bit flip is refused or decodes into a self-consistent shard that
     * serialises back to exactly the flipped bytes: only the ids and
     * max_values (bytes 8-23) are free to change. */
    uint8_t *copy = malloc(len);
    for (size_t i = 0; i < len * 8; i++) {
        memcpy(copy, bytes, len);
        copy[i / 8] ^= (uint8_t)(1u << (i % 8));
        vnfo_status s = vnfo_account_acc_deserialize(&b, copy, len);
        if (s == VNFO_OK) {
            size_t l2;
            uint8_t *re = serialize(b, &l2);
            ck_assert_uint_eq(l2, len);
            ck_assert_mem_eq(re, copy, len);
            ck_assert_msg(i / 8 >= 8 && i / 8 < 24, "flip of bit %zu accepted", i);
            free(re);
            vnfo_account_acc_free(b);
        } else {
            ck_assert_msg(s == VNFO_E_ACCOUNT_FORMAT || s == VNFO_E_UNSUPPORTED_VERSION,
                          "bit %zu: %s", i, vnfo_status_name(s));
        }
    }
    memcpy(copy, bytes, len);
    copy[4] = 2;
    ck_assert_status(vnfo_account_acc_deserialize(&b, copy, len), VNFO_E_UNSUPPORTED_VERSION);
    ck_assert_str_eq(vnfo_error_message(),
                     "serialised accumulator: byte 4: format version 2, this library reads 1");
    /* A huge value count is refused before anything is allocated. */
    memcpy(copy, bytes, len);
    memset(copy + 120, 0xff, 8);
    ck_assert_status(vnfo_account_acc_deserialize(&b, copy, len), VNFO_E_ACCOUNT_FORMAT);
    free(copy);
    free(bytes);
    vnfo_account_acc_free(a);
}
END_TEST

static void put_le(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A valid shard of 2^64 - 1 zeros (docs/accounting.md layout): the count
 * cannot grow any further. */
START_TEST(test_count_overflow)
{
    uint8_t b[136] = {'V', 'N', 'F', 'A', 1, 6, 0, 0};
    put_le(b + 24, UINT64_MAX); /* n */
    put_le(b + 32, 0);          /* min */
    put_le(b + 128, UINT64_MAX); /* the one bucket, index 0 */
    vnfo_account_acc *full, *one = acc_new(0);
    ck_assert_status(vnfo_account_acc_deserialize(&full, b, sizeof b), VNFO_OK);
    ck_assert_uint_eq(vnfo_account_acc_count(full), UINT64_MAX);
    ck_assert_uint_eq(vnfo_account_acc_resource(full), 0);
    ck_assert_status(vnfo_account_acc_add(full, 1), VNFO_E_OVERFLOW);
    vnfo_account_acc_add(one, 1);
    vnfo_account_acc_options o = VNFO_ACCOUNT_ACC_OPTIONS_INIT;
    o.max_values = 0;
    vnfo_account_acc *same;
    ck_assert_status(vnfo_account_acc_create(&same, &o), VNFO_OK);
    vnfo_account_acc_add(same, 1);
    ck_assert_status(vnfo_account_acc_merge(full, same), VNFO_E_OVERFLOW);
    ck_assert_str_eq(vnfo_error_message(), "vnfo_account_acc_merge: more than 2^64 - 1 values");
    ck_assert_uint_eq(vnfo_account_acc_count(full), UINT64_MAX);
    ck_assert_status(vnfo_account_acc_merge(full, one), VNFO_E_ACCOUNT_MISMATCH);
    vnfo_account_acc_free(full);
    vnfo_account_acc_free(one);
    vnfo_account_acc_free(same);
}
END_TEST

/* An empty shard travels and merges; checks on it say there is nothing. */
START_TEST(test_empty_shard)
{
    vnfo_account_acc *e = acc_new(10), *back;
    size_t len;
    uint8_t *bytes = serialize(e, &len);
    ck_assert_uint_eq(len, 128);
    ck_assert_status(vnfo_account_acc_deserialize(&back, bytes, len), VNFO_OK);
    ck_assert_uint_eq(vnfo_account_acc_resource(back), 7);
    ck_assert_uint_eq(vnfo_account_acc_scope(back), 3);
    ck_assert_status(vnfo_account_acc_merge(e, back), VNFO_OK);
    ck_assert_uint_eq(vnfo_account_acc_count(e), 0);
    ck_assert_uint_eq(vnfo_account_acc_min(e), 0);
    vnfo_account_result r = result_new();
    ck_assert_status(vnfo_account_quantile_check(&r, e, 0.5, 1, NULL), VNFO_E_ACCOUNT_EMPTY);
    ck_assert_str_eq(vnfo_error_message(), "vnfo_account_quantile_check: no sampled values (n = 0)");
    ck_assert_status(vnfo_account_performance_check(&r, e, VNFO_ACCOUNT_METRIC_P95, 1, NULL),
                     VNFO_E_ACCOUNT_EMPTY);
    free(bytes);
    vnfo_account_acc_free(e);
    vnfo_account_acc_free(back);
}
END_TEST

/* Random bytes behind a valid magic and version never crash the decoder. */
START_TEST(test_deserialize_garbage)
{
    uint8_t buf[512];
    for (int t = 0; t < 20000; t++) {
        size_t len = rng() % sizeof buf;
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)rng();
        if (len >= 8) {
            memcpy(buf, "VNFA\x01", 5);
            buf[5] = (uint8_t)(2 + rng() % 9);
            buf[6] = (uint8_t)(rng() % 2);
            buf[7] = 0;
        }
        vnfo_account_acc *a = NULL;
        vnfo_status s = vnfo_account_acc_deserialize(&a, buf, len);
        ck_assert_msg(s == VNFO_E_ACCOUNT_FORMAT || s == VNFO_OK, "trial %d: %s", t,
                      vnfo_status_name(s));
        vnfo_account_acc_free(a);
    }
}
END_TEST

START_TEST(test_value_and_delay_input)
{
    uint64_t v;
    ck_assert_status(vnfo_account_value_parse(&v, "18446744073709551615"), VNFO_OK);
    ck_assert_uint_eq(v, UINT64_MAX);
    ck_assert_status(vnfo_account_value_parse(&v, "18446744073709551616"), VNFO_E_OVERFLOW);
    ck_assert_str_eq(vnfo_error_message(), "value \"18446744073709551616\": above 2^64 - 1");
    ck_assert_status(vnfo_account_value_parse(&v, "-5"), VNFO_E_ACCOUNT_VALUE);
    ck_assert_str_eq(vnfo_error_message(), "value \"-5\": negative");
    ck_assert_status(vnfo_account_value_parse(&v, "12.5"), VNFO_E_ACCOUNT_VALUE);
    ck_assert_str_eq(vnfo_error_message(), "value \"12.5\": unexpected '.' at offset 2");
    ck_assert_status(vnfo_account_value_parse(&v, ""), VNFO_E_ACCOUNT_VALUE);
    ck_assert_status(vnfo_account_delay_compute(&v, 100, 250), VNFO_OK);
    ck_assert_uint_eq(v, 150);
    ck_assert_status(vnfo_account_delay_compute(&v, 250, 100), VNFO_E_ACCOUNT_VALUE);
    ck_assert_str_eq(vnfo_error_message(), "delay: t_out 100 is before t_in 250");
}
END_TEST

static vnfo_account_acc *acc_of(const uint64_t *v, size_t n)
{
    vnfo_account_acc *a = acc_new(100000);
    ck_assert_status(vnfo_account_acc_add_many(a, v, n), VNFO_OK);
    return a;
}

START_TEST(test_total_bad_input)
{
    uint64_t v[] = {10, 20, 30};
    vnfo_account_acc *a = acc_of(v, 3), *empty = acc_new(10);
    vnfo_account_result r = result_new();
    vnfo_rational half = {1, 2};
    ck_assert_status(vnfo_account_total_check(&r, a, 100, (vnfo_rational){0, 5}, NULL),
                     VNFO_E_ACCOUNT_PROBABILITY);
    ck_assert_str_eq(vnfo_error_message(), "vnfo_account_total_check: sampling probability is 0 (0/5)");
    ck_assert_status(vnfo_account_total_check(&r, a, 100, (vnfo_rational){3, 2}, NULL),
                     VNFO_E_ACCOUNT_PROBABILITY);
    ck_assert_str_eq(vnfo_error_message(),
                     "vnfo_account_total_check: sampling probability 3/2 is above 1");
    ck_assert_status(vnfo_account_total_check(&r, empty, 100, half, NULL), VNFO_E_ACCOUNT_EMPTY);
    ck_assert_str_eq(vnfo_error_message(), "vnfo_account_total_check: no sampled values (n = 0)");
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    o.confidence = 1.0;
    ck_assert_status(vnfo_account_total_check(&r, a, 100, half, &o), VNFO_E_ACCOUNT_CONFIDENCE);
    ck_assert_str_eq(vnfo_error_message(), "vnfo_account_total_check: confidence 1 is not in (0, 1)");
    o.confidence = NAN;
    ck_assert_status(vnfo_account_total_check(&r, a, 100, half, &o), VNFO_E_ACCOUNT_CONFIDENCE);
    o.confidence = 0.99;
    o.max_value = 25;
    ck_assert_status(vnfo_account_total_check(&r, a, 100, half, &o), VNFO_E_ACCOUNT_BOUND);
    ck_assert_str_eq(vnfo_error_message(),
                     "vnfo_account_total_check: sampled value 30 exceeds the per-packet maximum M = 25");
    o.max_value = 0;
    o.method = VNFO_ACCOUNT_METHOD_BERNSTEIN;
    ck_assert_status(vnfo_account_total_check(&r, a, 100, half, &o), VNFO_E_INVALID_ARGUMENT);
    r.version = 0;
    ck_assert_status(vnfo_account_total_check(&r, a, 100, half, NULL), VNFO_E_STRUCT_VERSION);
    vnfo_account_acc_free(a);
    vnfo_account_acc_free(empty);
}
END_TEST

START_TEST(test_total_exact_decisions)
{
    uint64_t v[] = {10, 20, 30, 40};
    vnfo_account_acc *a = acc_of(v, 4);
    vnfo_account_result r = result_new();
    vnfo_rational one = {7, 7}, quarter = {1ull << 62, 0}; /* 2^62 / 2^64 */
    ck_assert_status(vnfo_account_total_check(&r, a, 100, one, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_CONSISTENT);
    ck_assert_int_eq(r.method, VNFO_ACCOUNT_METHOD_EXACT);
    ck_assert_int_eq(r.reason, VNFO_ACCOUNT_REASON_EXACT_MATCH);
    ck_assert_status(vnfo_account_total_check(&r, a, 101, one, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_OVERCHARGED);
    ck_assert_int_eq(r.exact_cmp, 1);
    /* A bill below the sampled sum is impossible whatever p is. */
    ck_assert_status(vnfo_account_total_check(&r, a, 99, quarter, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_UNDERCHARGED);
    ck_assert_int_eq(r.reason, VNFO_ACCOUNT_REASON_BELOW_SAMPLE);
    ck_assert_double_eq(r.p_value, 0.0);
    /* B·p = Σx exactly: consistent, even with 4 skewless values. */
    ck_assert_status(vnfo_account_total_check(&r, a, 400, quarter, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_CONSISTENT);
    ck_assert_int_eq(r.reason, VNFO_ACCOUNT_REASON_EXACT_MATCH);
    ck_assert_int_eq(r.exact_cmp, 0);
    ck_assert_double_eq(r.estimate, 400.0);
    ck_assert_status(vnfo_account_total_check(&r, a, 401, quarter, NULL), VNFO_OK);
    ck_assert_int_eq(r.exact_cmp, 1);
    vnfo_account_acc_free(a);
}
END_TEST

START_TEST(test_total_normal_evidence)
{
    /* 1000 values 1..1000 sampled with p = 1/10. */
    vnfo_account_acc *a = acc_new(100000);
    double s2 = 0;
    for (uint64_t v = 1; v <= 1000; v++) {
        vnfo_account_acc_add(a, v);
        s2 += (double)v * v;
    }
    vnfo_account_result r = result_new();
    vnfo_rational p = {1, 10};
    double se = sqrt(0.9 / 0.01 * s2), t_hat = 5005000.0;
    ck_assert_status(vnfo_account_total_check(&r, a, 5005000 + (uint64_t)(3 * se), p, NULL), VNFO_OK);
    ck_assert_int_eq(r.check, VNFO_ACCOUNT_CHECK_TOTAL);
    ck_assert_int_eq(r.method, VNFO_ACCOUNT_METHOD_SKEW_CORRECTED);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_OVERCHARGED);
    ck_assert_int_eq(r.reason, VNFO_ACCOUNT_REASON_ABOVE_INTERVAL);
    ck_assert_int_eq(r.cochran_ok, 1);
    ck_assert_uint_eq(r.n, 1000);
    ck_assert_double_eq_tol(r.estimate, t_hat, 1e-6);
    ck_assert_double_eq_tol(r.std_error, se, se * 1e-12);
    /* skewness of the estimated total: (1-2p)/sqrt(1-p)·Σx³/(Σx²)^1.5 */
    double s3 = 250500250000.0;
    double gamma = 0.8 / sqrt(0.9) * s3 / (s2 * sqrt(s2));
    ck_assert_double_eq_tol(r.skewness, gamma, 1e-12);
    /* Hall's interval: upper = T̂ - se·g⁻¹(-z), g⁻¹(y) = (cbrt(1 + γ(y - γ/6)) - 1)/(γ/3) */
    double z = 2.5758293035489004, ginv = (cbrt(1.0 + gamma * (-z - gamma / 6.0)) - 1.0) / (gamma / 3.0);
    ck_assert_double_eq_tol(r.upper, t_hat - se * ginv, 1e-3);
    ck_assert(r.upper > t_hat + z * se); /* right skew widens the upper side */
    double t = -3.0 * se / se, g = t + gamma / 3 * t * t + gamma * gamma / 27 * t * t * t + gamma / 6;
    ck_assert_double_eq_tol(r.p_value, erfc(fabs(g) / M_SQRT2), 1e-4);
    ck_assert_double_eq(r.confidence, 0.99);
    /* NORMAL on request: the plain interval T̂ ± z·√V̂. */
    vnfo_account_options normal = VNFO_ACCOUNT_OPTIONS_INIT;
    normal.method = VNFO_ACCOUNT_METHOD_NORMAL;
    ck_assert_status(vnfo_account_total_check(&r, a, 5005000 + (uint64_t)(3 * se), p, &normal), VNFO_OK);
    ck_assert_int_eq(r.method, VNFO_ACCOUNT_METHOD_NORMAL);
    ck_assert_double_eq_tol(r.upper, t_hat + z * se, 1e-3);
    ck_assert_double_eq_tol(r.p_value, erfc(3.0 / M_SQRT2), 1e-4);
    ck_assert_status(vnfo_account_total_check(&r, a, 5005000 + (uint64_t)se, p, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_CONSISTENT);
    ck_assert_status(vnfo_account_total_check(&r, a, 5005000 - (uint64_t)(3 * se), p, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_UNDERCHARGED);
    /* The largest confidence below 1 still gives a finite interval. */
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    o.confidence = nextafter(1.0, 0.0);
    ck_assert_status(vnfo_account_total_check(&r, a, 5005000 + (uint64_t)(3 * se), p, &o), VNFO_OK);
    ck_assert(isfinite(r.upper) && r.upper > t_hat + 8 * se);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_CONSISTENT);
    o.confidence = 0.99;
    /* The Bernstein bound is wider: 3 SE is not enough with M = 1000. */
    o.method = VNFO_ACCOUNT_METHOD_BERNSTEIN;
    o.max_value = 1000;
    ck_assert_status(vnfo_account_total_check(&r, a, 5005000 + (uint64_t)(3 * se), p, &o), VNFO_OK);
    ck_assert_int_eq(r.method, VNFO_ACCOUNT_METHOD_BERNSTEIN);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_CONSISTENT);
    ck_assert(r.upper > t_hat + 3 * se);
    ck_assert_double_eq(r.max_value, 1000.0);
    ck_assert_status(vnfo_account_total_check(&r, a, 5005000 * 2, p, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_OVERCHARGED);
    ck_assert(r.p_value <= 0.01);
    ck_assert(r.upper < 5005000.0 * 2);
    vnfo_account_acc_free(a);
}
END_TEST

START_TEST(test_total_skewed_inconclusive)
{
    /* 40 values, one huge: the estimated total's skewness is ≈ 0.98. */
    vnfo_account_acc *a = acc_new(1000);
    for (int i = 0; i < 39; i++)
        vnfo_account_acc_add(a, 10);
    vnfo_account_acc_add(a, 100000);
    vnfo_account_result r = result_new();
    vnfo_rational p = {1, 100};
    ck_assert_status(vnfo_account_total_check(&r, a, 20000000, p, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_INCONCLUSIVE);
    ck_assert_int_eq(r.reason, VNFO_ACCOUNT_REASON_SKEWED);
    ck_assert_int_eq(r.cochran_ok, 0);
    ck_assert(r.skewness > 0.9 && r.skewness < 1.0);
    /* No interval or p-value from a method that does not apply (a p <= α
     * beside INCONCLUSIVE would contradict the verdict); the estimate and
     * its standard error remain as evidence. */
    ck_assert(isnan(r.lower) && isnan(r.upper) && isnan(r.p_value));
    ck_assert(r.estimate == 10039000.0 && r.std_error > 0.0);
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    o.max_value = 100000;
    ck_assert_status(vnfo_account_total_check(&r, a, 20000000, p, &o), VNFO_OK);
    ck_assert_int_eq(r.method, VNFO_ACCOUNT_METHOD_BERNSTEIN);
    ck_assert_int_ne(r.verdict, VNFO_ACCOUNT_INCONCLUSIVE);
    vnfo_account_acc_free(a);
}
END_TEST

START_TEST(test_clusters)
{
    /* 200 labels of 5 packets of 100 cycles each, sampled at 1/10: the
     * label is the unit, so the variance sums (5·100)² per label. */
    vnfo_account_acc *a = acc_new(10000), *flat = acc_new(10000);
    uint64_t five[5] = {100, 100, 100, 100, 100};
    for (int i = 0; i < 200; i++) {
        ck_assert_status(vnfo_account_acc_add_cluster(a, five, 5), VNFO_OK);
        ck_assert_status(vnfo_account_acc_add_many(flat, five, 5), VNFO_OK);
    }
    ck_assert_status(vnfo_account_acc_add_cluster(a, five, 0), VNFO_OK);
    ck_assert_uint_eq(vnfo_account_acc_count(a), 1000);
    ck_assert_uint_eq(vnfo_account_acc_unit_count(a), 200);
    ck_assert_uint_eq(vnfo_account_acc_unit_count(flat), 1000);
    ck_assert_uint_eq(vnfo_account_acc_unit_count(NULL), 0);
    ck_assert_status(vnfo_account_acc_add_cluster(NULL, five, 5), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_account_acc_add_cluster(a, NULL, 5), VNFO_E_INVALID_ARGUMENT);
    vnfo_account_result r = result_new(), rf = result_new();
    vnfo_rational p = {1, 10};
    ck_assert_status(vnfo_account_total_check(&r, a, 1000000, p, NULL), VNFO_OK);
    ck_assert_status(vnfo_account_total_check(&rf, flat, 1000000, p, NULL), VNFO_OK);
    ck_assert_double_eq_tol(r.estimate, 1000000.0, 1e-6);
    ck_assert_double_eq_tol(r.std_error, sqrt(0.9 / 0.01 * 200 * 500.0 * 500.0), 1e-6);
    ck_assert_double_eq_tol(r.std_error, rf.std_error * sqrt(5.0), 1e-6);
    /* 1.15e6 is 5 flat standard errors away but only 2.2 clustered ones */
    ck_assert_status(vnfo_account_total_check(&rf, flat, 1150000, p, NULL), VNFO_OK);
    ck_assert_int_eq(rf.verdict, VNFO_ACCOUNT_OVERCHARGED);
    ck_assert_status(vnfo_account_total_check(&r, a, 1150000, p, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_CONSISTENT);
    ck_assert(r.p_value > 0.01);
    /* merging keeps the units; a clustered shard cannot be serialised in format 1 */
    vnfo_account_acc *b = acc_new(10000);
    ck_assert_status(vnfo_account_acc_add_cluster(b, five, 3), VNFO_OK);
    ck_assert_status(vnfo_account_acc_merge(a, b), VNFO_OK);
    ck_assert_uint_eq(vnfo_account_acc_unit_count(a), 201);
    uint8_t buf[1 << 16];
    size_t written;
    ck_assert_status(vnfo_account_acc_serialize(buf, sizeof buf, &written, a), VNFO_E_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(vnfo_error_message(), "clusters"));
    vnfo_account_acc_free(a);
    vnfo_account_acc_free(b);
    vnfo_account_acc_free(flat);
}
END_TEST

START_TEST(test_count_clusters)
{
    vnfo_account_result r = result_new(), ref = result_new();
    vnfo_rational p = {1, 20};
    /* every multiplicity 1: exactly the binomial check */
    uint64_t *ones = malloc(1000 * sizeof *ones), *dup = malloc(500 * sizeof *dup);
    for (int i = 0; i < 1000; i++)
        ones[i] = 1;
    ck_assert_status(vnfo_account_count_check_clusters(&r, ones, 1000, 20500, p, NULL), VNFO_OK);
    ck_assert_status(vnfo_account_count_check(&ref, 1000, 20500, p, NULL), VNFO_OK);
    ck_assert_int_eq(r.method, VNFO_ACCOUNT_METHOD_BINOMIAL);
    ck_assert_double_eq(r.p_value, ref.p_value);
    ck_assert_double_eq(r.upper, ref.upper);
    /* 500 labels of 2 packets each: half the units, twice the variance per
     * packet; a count the binomial rejects is consistent here */
    for (int i = 0; i < 500; i++)
        dup[i] = 2;
    ck_assert_status(vnfo_account_count_check(&ref, 1000, 22000, p, NULL), VNFO_OK);
    ck_assert_int_eq(ref.verdict, VNFO_ACCOUNT_OVERCHARGED);
    ck_assert_status(vnfo_account_count_check_clusters(&r, dup, 500, 22000, p, NULL), VNFO_OK);
    ck_assert_int_eq(r.method, VNFO_ACCOUNT_METHOD_SKEW_CORRECTED);
    ck_assert_int_eq(r.check, VNFO_ACCOUNT_CHECK_COUNT);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_CONSISTENT);
    ck_assert_double_eq_tol(r.std_error, sqrt(0.95 / 0.0025 * 500 * 4.0), 1e-9);
    ck_assert(r.p_value > 0.01);
    ck_assert_status(vnfo_account_count_check_clusters(&r, dup, 500, 30000, p, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_OVERCHARGED);
    ck_assert(r.p_value <= 0.01 && r.upper < 30000);
    /* exact cases and bad input */
    ck_assert_status(vnfo_account_count_check_clusters(&r, dup, 500, 999, p, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_UNDERCHARGED);
    ck_assert_int_eq(r.method, VNFO_ACCOUNT_METHOD_EXACT);
    dup[7] = 0;
    ck_assert_status(vnfo_account_count_check_clusters(&r, dup, 500, 22000, p, NULL), VNFO_E_ACCOUNT_VALUE);
    ck_assert_ptr_nonnull(strstr(vnfo_error_message(), "label 7"));
    ck_assert_status(vnfo_account_count_check_clusters(&r, NULL, 5, 22000, p, NULL), VNFO_E_INVALID_ARGUMENT);
    free(ones);
    free(dup);
}
END_TEST

START_TEST(test_sla_mean_guards)
{
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    o.slack_abs = 10;
    vnfo_account_result r = result_new();
    /* zero spread: no t interval; Anderson's bound, 50·(1 - ε) with
     * ε = √(ln(100)/200) = 0.1517, is 42.41: below a limit of 45 no hard
     * verdict ... */
    vnfo_account_acc *a = acc_new(1000);
    for (int i = 0; i < 100; i++)
        vnfo_account_acc_add(a, 50);
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_MEAN, 35, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_INCONCLUSIVE);
    ck_assert_int_eq(r.reason, VNFO_ACCOUNT_REASON_NO_SPREAD);
    /* ... above a limit of 10 a FAIL, with p = exp(-2n·ε*²) where
     * 50·(1 - ε*) = 10: ε* = 0.8, p = e^-128 */
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_MEAN, 0, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_FAIL);
    ck_assert_int_eq(r.method, VNFO_ACCOUNT_METHOD_ORDER_STATISTICS);
    ck_assert(fabs(r.lower - 50 * (1 - sqrt(log(100.0) / 200))) < 1e-9);
    ck_assert(isinf(r.upper));
    ck_assert(fabs(r.p_value / exp(-128.0) - 1) < 1e-9);
    vnfo_account_acc_free(a);
    /* Near-constant delays, 999 of 260 and one of 60 (the mean's skewness
     * -1.0: no t verdict): a provider whose limit is 200 is caught by the
     * bound 60·(1 - ε) + 200·(0.999 - ε) = 247.3, ε = √(ln(100)/2000) ... */
    a = acc_new(1000);
    vnfo_account_acc_add(a, 60);
    for (int i = 0; i < 999; i++)
        vnfo_account_acc_add(a, 260);
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_MEAN, 190, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_FAIL);
    ck_assert(r.lower > 240 && r.lower < 250 && r.p_value <= 0.01);
    /* ... and the limit at the true mean 259.8 is no FAIL (nor a PASS) */
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_MEAN, 249.8, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_INCONCLUSIVE);
    ck_assert_int_eq(r.reason, VNFO_ACCOUNT_REASON_SKEWED);
    vnfo_account_acc_free(a);
    /* small non-negative delays: the interval does not go below 0 */
    a = acc_new(1000);
    for (int i = 0; i < 10; i++)
        vnfo_account_acc_add(a, (uint64_t)(i % 3));
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_MEAN, 0, &o), VNFO_OK);
    ck_assert(r.lower >= 0.0);
    vnfo_account_acc_free(a);
    /* one huge delay among small ones: too skewed for the mean */
    a = acc_new(1000);
    for (int i = 0; i < 30; i++)
        vnfo_account_acc_add(a, 10);
    vnfo_account_acc_add(a, 1000000);
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_MEAN, 0, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_INCONCLUSIVE);
    ck_assert_int_eq(r.reason, VNFO_ACCOUNT_REASON_SKEWED);
    vnfo_account_acc_free(a);
    /* Right-skewed delays far above the limit: skew makes the lower bound
     * conservative, so the FAIL stands (a provider holding every packet
     * 5 ms is caught even with a heavy tail); near the limit, INCONCLUSIVE. */
    a = acc_new(1000);
    for (int i = 0; i < 97; i++)
        vnfo_account_acc_add(a, (uint64_t)(5000 + (i * 37) % 1000));
    for (int i = 0; i < 3; i++)
        vnfo_account_acc_add(a, 60000);
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_MEAN, 0, &o), VNFO_OK);
    ck_assert_double_gt(r.skewness, 0.5);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_FAIL);
    ck_assert_int_eq(r.reason, VNFO_ACCOUNT_REASON_ABOVE_LIMIT);
    ck_assert_double_le(r.p_value, 1.0 - r.confidence);
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_MEAN, 5000, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_INCONCLUSIVE);
    ck_assert_int_eq(r.reason, VNFO_ACCOUNT_REASON_SKEWED);
    /* and a PASS is never given on that side: far below the limit, still INCONCLUSIVE */
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_MEAN, 100000, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_INCONCLUSIVE);
    vnfo_account_acc_free(a);
}
END_TEST

START_TEST(test_minimality_clusters)
{
    vnfo_account_result r = result_new(), ref = result_new();
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    o.tolerated_rate = 0.05;
    uint64_t *m = malloc(400 * sizeof *m), *v = malloc(400 * sizeof *v);
    /* every label checked once: exactly the plain check */
    for (int i = 0; i < 400; i++) {
        m[i] = 1;
        v[i] = i % 40 == 0;
    }
    ck_assert_status(vnfo_account_minimality_check_clusters(&r, m, v, 400, &o), VNFO_OK);
    ck_assert_status(vnfo_account_minimality_check(&ref, 400, 10, &o), VNFO_OK);
    ck_assert_double_eq(r.upper, ref.upper);
    ck_assert_int_eq(r.verdict, ref.verdict);
    /* 80 labels of 5 packets that violate together: 8 of 80 labels, 40 of
     * 400 packets.  As independent packets 10% would FAIL a 5% tolerance;
     * as 80 clusters the effective sample is ~80 and the bounds widen. */
    for (int i = 0; i < 80; i++) {
        m[i] = 5;
        v[i] = i % 10 == 0 ? 5 : 0;
    }
    ck_assert_status(vnfo_account_minimality_check(&ref, 400, 40, &o), VNFO_OK);
    ck_assert_int_eq(ref.verdict, VNFO_ACCOUNT_FAIL);
    ck_assert_status(vnfo_account_minimality_check_clusters(&r, m, v, 80, &o), VNFO_OK);
    ck_assert_uint_eq(r.n, 400);
    ck_assert_uint_eq(r.violations, 40);
    ck_assert_double_eq(r.rate, 0.1);
    ck_assert(r.lower < ref.lower && r.upper > ref.upper);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_INCONCLUSIVE);
    ck_assert(r.p_value > 0.01 && r.lower <= 0.05);
    /* A clean sample of labels whose copies may violate together counts
     * its labels, not its packets: 400 labels of 3 clean packets cannot
     * prove a rate below 1% at 99% (0.99^400 = 0.018), 500 can
     * (0.99^500 = 0.0066); as 1200 independent packets both PASSed. */
    uint64_t *m3 = malloc(500 * sizeof *m3), *v3 = calloc(500, sizeof *v3);
    for (int i = 0; i < 500; i++)
        m3[i] = 3;
    o.tolerated_rate = 0.01;
    ck_assert_status(vnfo_account_minimality_check_clusters(&r, m3, v3, 400, &o), VNFO_OK);
    ck_assert_uint_eq(r.n, 1200);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_INCONCLUSIVE);
    ck_assert(fabs(r.upper - (1 - pow(0.01, 1.0 / 400))) < 1e-12);
    ck_assert_status(vnfo_account_minimality_check(&ref, 1200, 0, &o), VNFO_OK);
    ck_assert_int_eq(ref.verdict, VNFO_ACCOUNT_PASS);
    ck_assert_status(vnfo_account_minimality_check_clusters(&r, m3, v3, 500, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_PASS);
    ck_assert(fabs(r.upper - (1 - pow(0.01, 1.0 / 500))) < 1e-12);
    /* One label of 3 clean packets: one draw, upper bound 1 - α. */
    ck_assert_status(vnfo_account_minimality_check_clusters(&r, m3, v3, 1, &o), VNFO_OK);
    ck_assert(fabs(r.upper - 0.99) < 1e-12);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_INCONCLUSIVE);
    /* All violating: 3 labels of 3 packets at a 30% tolerance is
     * P = 0.3^3 = 0.027 (not 0.3^9), no FAIL at 99%. */
    for (int i = 0; i < 3; i++)
        v3[i] = 3;
    o.tolerated_rate = 0.3;
    ck_assert_status(vnfo_account_minimality_check_clusters(&r, m3, v3, 3, &o), VNFO_OK);
    ck_assert(fabs(r.p_value - 0.027) < 1e-12);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_INCONCLUSIVE);
    ck_assert_double_eq(r.upper, 1.0);
    free(m3);
    free(v3);
    /* bad input names the label */
    v[3] = 6;
    ck_assert_status(vnfo_account_minimality_check_clusters(&r, m, v, 80, &o), VNFO_E_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(vnfo_error_message(), "label 3"));
    ck_assert_status(vnfo_account_minimality_check_clusters(&r, NULL, v, 80, &o), VNFO_E_INVALID_ARGUMENT);
    free(m);
    free(v);
}
END_TEST

START_TEST(test_quantile_clusters)
{
    vnfo_account_result r = result_new(), ref = result_new();
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    uint64_t *x = malloc(1000 * sizeof *x), *m = malloc(1000 * sizeof *m);
    vnfo_account_acc *a;
    ck_assert_status(vnfo_account_acc_create(&a, NULL), VNFO_OK);
    /* singletons: exactly vnfo_account_quantile_check() */
    for (int i = 0; i < 1000; i++) {
        x[i] = 1000 + (uint64_t)(i * 7919 % 1000);
        m[i] = 1;
        vnfo_account_acc_add(a, x[i]);
    }
    ck_assert_status(vnfo_account_quantile_check_clusters(&r, x, m, 1000, 0.95, 1950, &o), VNFO_OK);
    ck_assert_status(vnfo_account_quantile_check(&ref, a, 0.95, 1950, &o), VNFO_OK);
    ck_assert_uint_eq(r.rank_lower, ref.rank_lower);
    ck_assert_uint_eq(r.rank_upper, ref.rank_upper);
    ck_assert_double_eq(r.p_value, ref.p_value);
    ck_assert_int_eq(r.verdict, ref.verdict);
    ck_assert(isnan(r.statistic));
    /* 200 labels of 5 identical copies: the same 1000 values, but only
     * about 200 independent draws (n* = 199 here) and a wider interval */
    for (int i = 0; i < 200; i++) {
        m[i] = 5;
        for (int j = 0; j < 5; j++)
            x[5 * i + j] = 1000 + (uint64_t)(i * 7919 % 1000);
    }
    vnfo_account_acc_free(a);
    ck_assert_status(vnfo_account_acc_create(&a, NULL), VNFO_OK);
    vnfo_account_acc_add_many(a, x, 1000);
    ck_assert_status(vnfo_account_quantile_check(&ref, a, 0.5, 1500, &o), VNFO_OK);
    ck_assert_status(vnfo_account_quantile_check_clusters(&r, x, m, 200, 0.5, 1500, &o), VNFO_OK);
    ck_assert_uint_eq(r.n, 1000);
    ck_assert_double_eq_tol(r.statistic, 199.0, 1.5);
    ck_assert(r.rank_lower < ref.rank_lower && r.rank_upper > ref.rank_upper);
    ck_assert(r.p_value > ref.p_value);
    /* a bill the independent-packet check accuses is consistent as a
     * cluster sample, and a far one is still caught */
    uint64_t billed = (uint64_t)ref.upper + 1;
    ck_assert_status(vnfo_account_quantile_check(&ref, a, 0.5, billed, &o), VNFO_OK);
    ck_assert_int_eq(ref.verdict, VNFO_ACCOUNT_OVERCHARGED);
    ck_assert_status(vnfo_account_quantile_check_clusters(&r, x, m, 200, 0.5, billed, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_CONSISTENT);
    ck_assert(r.p_value > 0.01 && r.lower <= billed && billed <= r.upper);
    ck_assert_status(vnfo_account_quantile_check_clusters(&r, x, m, 200, 0.5, 1900, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_OVERCHARGED);
    ck_assert(r.p_value <= 0.01 && r.upper < 1900);
    /* bad input */
    m[7] = 0;
    ck_assert_status(vnfo_account_quantile_check_clusters(&r, x, m, 200, 0.5, 1500, &o), VNFO_E_ACCOUNT_VALUE);
    ck_assert_ptr_nonnull(strstr(vnfo_error_message(), "label 7 has multiplicity 0"));
    ck_assert_status(vnfo_account_quantile_check_clusters(&r, NULL, m, 200, 0.5, 1500, &o), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_account_quantile_check_clusters(&r, x, m, 0, 0.5, 1500, &o), VNFO_E_ACCOUNT_EMPTY);
    ck_assert_status(vnfo_account_quantile_check_clusters(&r, x, m, 200, 1.0, 1500, &o), VNFO_E_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(vnfo_error_message(), "vnfo_account_quantile_check_clusters: q 1"));
    vnfo_account_acc_free(a);
    free(x);
    free(m);
}
END_TEST

START_TEST(test_performance_clusters)
{
    vnfo_account_result r = result_new(), ref = result_new();
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    uint64_t *x = malloc(1000 * sizeof *x), *m = malloc(1000 * sizeof *m);
    vnfo_account_acc *a;
    ck_assert_status(vnfo_account_acc_create(&a, NULL), VNFO_OK);
    for (int i = 0; i < 1000; i++) {
        x[i] = 900 + (uint64_t)(i * 7919 % 200);
        m[i] = 1;
        vnfo_account_acc_add(a, x[i]);
    }
    /* singletons: exactly vnfo_account_performance_check() */
    ck_assert_status(vnfo_account_performance_check_clusters(&r, x, m, 1000, VNFO_ACCOUNT_METRIC_MEAN, 1000, &o), VNFO_OK);
    ck_assert_status(vnfo_account_performance_check(&ref, a, VNFO_ACCOUNT_METRIC_MEAN, 1000, &o), VNFO_OK);
    ck_assert_double_eq(r.lower, ref.lower);
    ck_assert_double_eq(r.upper, ref.upper);
    ck_assert_int_eq(r.verdict, ref.verdict);
    /* 100 labels of 10 identical delays: the ratio mean is the same, its
     * standard error about sqrt(10) times the naive one */
    for (int i = 0; i < 100; i++) {
        m[i] = 10;
        for (int j = 0; j < 10; j++)
            x[10 * i + j] = 900 + (uint64_t)(i * 7919 % 200);
    }
    vnfo_account_acc_free(a);
    ck_assert_status(vnfo_account_acc_create(&a, NULL), VNFO_OK);
    vnfo_account_acc_add_many(a, x, 1000);
    o.slack_abs = 0;
    double naive_limit;
    ck_assert_status(vnfo_account_performance_check(&ref, a, VNFO_ACCOUNT_METRIC_MEAN, 0, &o), VNFO_OK);
    ck_assert_status(vnfo_account_performance_check_clusters(&r, x, m, 100, VNFO_ACCOUNT_METRIC_MEAN, 0, &o), VNFO_OK);
    ck_assert_double_eq_tol(r.estimate, ref.estimate, 1e-9);
    ck_assert_double_eq_tol(r.std_error / ref.std_error, sqrt(10.0 * 999.0 / 990.0), 0.05);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_FAIL);
    /* a limit just above the naive interval: PASS as independent packets,
     * INCONCLUSIVE as clusters (the provider does not get the benefit of
     * copies it may have made) */
    naive_limit = ref.upper + 0.5;
    ck_assert_status(vnfo_account_performance_check(&ref, a, VNFO_ACCOUNT_METRIC_MEAN, naive_limit, &o), VNFO_OK);
    ck_assert_int_eq(ref.verdict, VNFO_ACCOUNT_PASS);
    ck_assert_status(vnfo_account_performance_check_clusters(&r, x, m, 100, VNFO_ACCOUNT_METRIC_MEAN, naive_limit, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_INCONCLUSIVE);
    ck_assert(r.p_value > 0.01);
    /* quantile metric: the clustered ranks */
    ck_assert_status(vnfo_account_performance_check_clusters(&r, x, m, 100, VNFO_ACCOUNT_METRIC_P95, 0, &o), VNFO_OK);
    ck_assert(r.statistic < 101.0);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_FAIL);
    /* one label: no interval for the mean */
    ck_assert_status(vnfo_account_performance_check_clusters(&r, x, m, 1, VNFO_ACCOUNT_METRIC_MEAN, 0, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_INCONCLUSIVE);
    ck_assert_int_eq(r.reason, VNFO_ACCOUNT_REASON_SAMPLE_TOO_SMALL);
    ck_assert_status(vnfo_account_performance_check_clusters(&r, x, m, 100, (vnfo_account_metric)9, 0, &o), VNFO_E_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(vnfo_error_message(), "vnfo_account_performance_check_clusters: unknown metric 9"));
    vnfo_account_acc_free(a);
    free(x);
    free(m);
}
END_TEST

START_TEST(test_count_check)
{
    vnfo_account_result r = result_new();
    vnfo_rational p = {1, 20};
    ck_assert_status(vnfo_account_count_check(&r, 1000, 20000, p, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_CONSISTENT);
    ck_assert_int_eq(r.method, VNFO_ACCOUNT_METHOD_BINOMIAL);
    ck_assert(r.lower <= 20000 && r.upper >= 20000);
    ck_assert(r.rate_lower < 0.05 && r.rate_upper > 0.05);
    ck_assert_double_eq_tol(r.p_value, 1.0, 0.1);
    ck_assert_status(vnfo_account_count_check(&r, 1000, 24000, p, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_OVERCHARGED);
    ck_assert(r.p_value < 0.01);
    ck_assert(r.upper < 24000);
    ck_assert_status(vnfo_account_count_check(&r, 1000, 17000, p, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_UNDERCHARGED);
    ck_assert_status(vnfo_account_count_check(&r, 1000, 999, p, NULL), VNFO_OK);
    ck_assert_int_eq(r.method, VNFO_ACCOUNT_METHOD_EXACT);
    ck_assert_int_eq(r.reason, VNFO_ACCOUNT_REASON_BELOW_SAMPLE);
    ck_assert_status(vnfo_account_count_check(&r, 0, 10, p, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_CONSISTENT);
    ck_assert_status(vnfo_account_count_check(&r, 5, 10, (vnfo_rational){0, 0}, NULL),
                     VNFO_E_ACCOUNT_PROBABILITY);
}
END_TEST

START_TEST(test_quantile_check)
{
    vnfo_account_acc *a = acc_new(100000);
    for (uint64_t v = 1; v <= 1000; v++)
        vnfo_account_acc_add(a, v * 10);
    vnfo_account_result r = result_new();
    ck_assert_status(vnfo_account_quantile_check(&r, a, 0.95, 9500, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_CONSISTENT);
    ck_assert_int_eq(r.method, VNFO_ACCOUNT_METHOD_ORDER_STATISTICS);
    ck_assert(r.rank_lower >= 1 && r.rank_upper <= 1000 && r.rank_lower < 950 && r.rank_upper > 950);
    ck_assert_double_eq(r.lower, 10.0 * (double)r.rank_lower);
    ck_assert_double_eq(r.estimate, 9500);
    ck_assert_status(vnfo_account_quantile_check(&r, a, 0.95, 9900, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_OVERCHARGED);
    ck_assert(r.p_value < 0.01);
    ck_assert_status(vnfo_account_quantile_check(&r, a, 0.95, 9000, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_UNDERCHARGED);
    ck_assert_status(vnfo_account_quantile_check(&r, a, 1.0, 9000, NULL), VNFO_E_INVALID_ARGUMENT);
    vnfo_account_acc_free(a);
    /* 20 values cannot bound a p99 from above. */
    a = acc_new(100000);
    for (uint64_t v = 1; v <= 20; v++)
        vnfo_account_acc_add(a, v);
    ck_assert_status(vnfo_account_quantile_check(&r, a, 0.99, 1000, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_INCONCLUSIVE);
    ck_assert_int_eq(r.reason, VNFO_ACCOUNT_REASON_INTERVAL_UNBOUNDED);
    ck_assert_uint_eq(r.rank_upper, 21);
    ck_assert(isinf(r.upper));
    vnfo_account_acc_free(a);
    /* Values beyond 2^53 compare as integers, not as rounded doubles. */
    a = acc_new(100000);
    for (uint64_t v = 1; v <= 100; v++)
        vnfo_account_acc_add(a, (1ull << 60) + 2 * v);
    ck_assert_status(vnfo_account_quantile_check(&r, a, 0.5, (1ull << 60) + 1, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_UNDERCHARGED);
    ck_assert_double_eq(r.lower, r.billed); /* equal as doubles, yet below */
    ck_assert_status(vnfo_account_quantile_check(&r, a, 0.5, (1ull << 60) + 100, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_CONSISTENT);
    vnfo_account_acc_free(a);
    /* Sketch mode widens the interval by the sketch error. */
    a = acc_new(0);
    for (uint64_t v = 1; v <= 1000; v++)
        vnfo_account_acc_add(a, v * 1000);
    ck_assert_status(vnfo_account_quantile_check(&r, a, 0.5, 500000, NULL), VNFO_OK);
    ck_assert_int_eq(r.method, VNFO_ACCOUNT_METHOD_SKETCH_ORDER_STATISTICS);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_CONSISTENT);
    ck_assert(r.p_value > 0.05); /* conservative bucket counts */
    double p_exact_mode;
    {
        vnfo_account_acc *ex = acc_new(100000);
        for (uint64_t v = 1; v <= 1000; v++)
            vnfo_account_acc_add(ex, v * 1000);
        vnfo_account_result re = result_new();
        ck_assert_status(vnfo_account_quantile_check(&re, ex, 0.5, 700000, NULL), VNFO_OK);
        p_exact_mode = re.p_value;
        vnfo_account_acc_free(ex);
    }
    ck_assert_status(vnfo_account_quantile_check(&r, a, 0.5, 700000, NULL), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_OVERCHARGED);
    ck_assert(r.p_value >= p_exact_mode && r.p_value < 1e-6);
    ck_assert(r.lower <= 1000.0 * (double)r.rank_lower && r.upper >= 1000.0 * (double)r.rank_upper);
    vnfo_account_acc_free(a);
}
END_TEST

START_TEST(test_slack_exact)
{
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    int x;
    o.slack_mode = VNFO_ACCOUNT_SLACK_REL;
    o.slack_rel = 0.1; /* the double just above 1/10: 110 of 100 is within */
    ck_assert_status(vnfo_account_slack_exceeded(&x, 110, 100, &o), VNFO_OK);
    ck_assert_int_eq(x, 0);
    ck_assert_status(vnfo_account_slack_exceeded(&x, 111, 100, &o), VNFO_OK);
    ck_assert_int_eq(x, 1);
    o.slack_rel = 0.25; /* exact in binary: 125 of 100 is the edge */
    vnfo_account_slack_exceeded(&x, 125, 100, &o);
    ck_assert_int_eq(x, 0);
    vnfo_account_slack_exceeded(&x, 126, 100, &o);
    ck_assert_int_eq(x, 1);
    vnfo_account_slack_exceeded(&x, UINT64_MAX, UINT64_MAX / 2, &o);
    ck_assert_int_eq(x, 1);
    o.slack_rel = 1e300; /* huge slack never overflows */
    vnfo_account_slack_exceeded(&x, UINT64_MAX, 1, &o);
    ck_assert_int_eq(x, 0);
    o.slack_mode = VNFO_ACCOUNT_SLACK_ABS;
    o.slack_abs = 5.9;
    vnfo_account_slack_exceeded(&x, 105, 100, &o);
    ck_assert_int_eq(x, 0);
    vnfo_account_slack_exceeded(&x, 106, 100, &o);
    ck_assert_int_eq(x, 1);
    o.slack_mode = VNFO_ACCOUNT_SLACK_EITHER;
    o.slack_rel = 0.1;
    vnfo_account_slack_exceeded(&x, 108, 100, &o); /* rel allows 10 */
    ck_assert_int_eq(x, 0);
    o.slack_mode = VNFO_ACCOUNT_SLACK_BOTH;
    vnfo_account_slack_exceeded(&x, 108, 100, &o); /* abs allows 5 */
    ck_assert_int_eq(x, 1);
    o.slack_abs = NAN;
    ck_assert_status(vnfo_account_slack_exceeded(&x, 1, 1, &o), VNFO_E_ACCOUNT_SLACK);
    ck_assert_str_eq(vnfo_error_message(),
                     "vnfo_account_slack_exceeded: slack_abs nan is not a finite number >= 0");
    o.slack_abs = 0;
    o.slack_rel = INFINITY;
    ck_assert_status(vnfo_account_slack_exceeded(&x, 1, 1, &o), VNFO_E_ACCOUNT_SLACK);
    ck_assert_str_eq(vnfo_error_message(),
                     "vnfo_account_slack_exceeded: slack_rel inf is not a finite number >= 0");
    o.slack_rel = -0.5;
    ck_assert_status(vnfo_account_slack_exceeded(&x, 1, 1, &o), VNFO_E_ACCOUNT_SLACK);
}
END_TEST

START_TEST(test_minimality)
{
    vnfo_account_result r = result_new();
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    o.confidence = 0.95;
    ck_assert_status(vnfo_account_minimality_check(&r, 1000, 0, &o), VNFO_OK);
    ck_assert_double_eq_tol(r.upper, 1.0 - pow(0.05, 1.0 / 1000), 1e-15);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_PASS); /* 0.003 <= 0.01 */
    ck_assert_status(vnfo_account_minimality_check(&r, 100, 0, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_INCONCLUSIVE); /* 0.0295 > 0.01 */
    ck_assert_status(vnfo_account_minimality_check(&r, 1000, 40, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_FAIL);
    ck_assert_uint_eq(r.violations, 40);
    ck_assert_double_eq(r.rate, 0.04);
    ck_assert(r.lower > 0.01 && r.p_value < 0.05);
    o.tolerated_rate = 0;
    ck_assert_status(vnfo_account_minimality_check(&r, 1000, 1, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_FAIL);
    ck_assert_status(vnfo_account_minimality_check(&r, 0, 0, &o), VNFO_E_ACCOUNT_EMPTY);
    ck_assert_status(vnfo_account_minimality_check(&r, 5, 6, &o), VNFO_E_INVALID_ARGUMENT);
    o.tolerated_rate = 1.5;
    ck_assert_status(vnfo_account_minimality_check(&r, 5, 1, &o), VNFO_E_INVALID_ARGUMENT);
    /* From pairs: the third pair is the first over its 10% slack. */
    uint64_t prov[] = {100, 109, 120, 50, 300}, ref[] = {100, 100, 100, 60, 200};
    o.tolerated_rate = 0.01;
    o.slack_mode = VNFO_ACCOUNT_SLACK_REL;
    o.slack_rel = 0.1;
    size_t first;
    ck_assert_status(vnfo_account_minimality_check_pairs(&r, &first, prov, ref, 5, &o), VNFO_OK);
    ck_assert_uint_eq(first, 2);
    ck_assert_uint_eq(r.violations, 2);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_FAIL);
}
END_TEST

START_TEST(test_performance)
{
    vnfo_account_acc *a = acc_new(100000);
    for (uint64_t i = 0; i < 2000; i++)
        vnfo_account_acc_add(a, 1000 + (i * 7919) % 200); /* delays 1000..1199 ns */
    vnfo_account_result r = result_new();
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    o.slack_abs = 200;
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_MEAN, 950, &o), VNFO_OK);
    ck_assert_int_eq(r.method, VNFO_ACCOUNT_METHOD_STUDENT_T);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_PASS); /* mean 1099.5 < 1150 */
    ck_assert_double_eq(r.limit, 1150);
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_MEAN, 850, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_FAIL);
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_MEAN, 899.5, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_INCONCLUSIVE);
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_P95, 1000, &o), VNFO_OK);
    ck_assert_int_eq(r.method, VNFO_ACCOUNT_METHOD_ORDER_STATISTICS);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_PASS); /* p95 ≈ 1190 <= 1200 */
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_P99, 900, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_FAIL);
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_MAX, 1000, &o), VNFO_OK);
    ck_assert_int_eq(r.method, VNFO_ACCOUNT_METHOD_SAMPLE_MAX);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_PASS);
    o.slack_mode = VNFO_ACCOUNT_SLACK_REL;
    o.slack_rel = 0.05;
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_MAX, 1000, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_FAIL); /* 1199 > 1050 */
    o.slack_rel = NAN;
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_MEAN, 1000, &o),
                     VNFO_E_ACCOUNT_SLACK);
    o.slack_rel = 0;
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_MEAN, -1, &o),
                     VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_account_performance_check(&r, a, 42, 1, &o), VNFO_E_INVALID_ARGUMENT);
    vnfo_account_acc_free(a);
    a = acc_new(10);
    vnfo_account_acc_add(a, 5);
    ck_assert_status(vnfo_account_performance_check(&r, a, VNFO_ACCOUNT_METRIC_MEAN, 1, &o), VNFO_OK);
    ck_assert_int_eq(r.verdict, VNFO_ACCOUNT_INCONCLUSIVE);
    ck_assert_int_eq(r.reason, VNFO_ACCOUNT_REASON_SAMPLE_TOO_SMALL);
    vnfo_account_acc_free(a);
}
END_TEST

START_TEST(test_names)
{
    ck_assert_str_eq(vnfo_account_verdict_name(VNFO_ACCOUNT_OVERCHARGED), "OVERCHARGED");
    ck_assert_str_eq(vnfo_account_verdict_name(99), "UNKNOWN");
    ck_assert_str_eq(vnfo_account_method_name(VNFO_ACCOUNT_METHOD_BERNSTEIN), "bernstein");
    ck_assert_str_eq(vnfo_account_check_name(VNFO_ACCOUNT_CHECK_MINIMALITY), "minimality");
    ck_assert_str_eq(vnfo_account_metric_name(VNFO_ACCOUNT_METRIC_P95), "p95");
    ck_assert_str_eq(vnfo_account_reason_text(VNFO_ACCOUNT_REASON_ABOVE_INTERVAL),
                     "billed value above the interval");
    ck_assert_str_eq(vnfo_status_name(VNFO_E_ACCOUNT_SLACK), "VNFO_E_ACCOUNT_SLACK");
    ck_assert_uint_eq(vnfo_account_sum_text_size(), VNFO_ACCOUNT_SUM_TEXT_SIZE);
    ck_assert_uint_eq(vnfo_account_format_version(), 1);
    vnfo_account_options o;
    ck_assert_status(vnfo_account_options_init(&o, 2), VNFO_E_STRUCT_VERSION);
    ck_assert_status(vnfo_account_options_init(&o, VNFO_ACCOUNT_OPTIONS_VERSION), VNFO_OK);
    ck_assert_double_eq(o.confidence, 0.99);
}
END_TEST

START_TEST(test_allocation_failures)
{
    vnfo_test_allocator_install(-1);
    vnfo_account_acc *a = NULL, *b = NULL;
    for (int budget = 0; budget < 2; budget++) {
        vnfo_test_alloc_budget(budget);
        ck_assert_status(vnfo_account_acc_create(&a, NULL), VNFO_E_NO_MEMORY);
        ck_assert_ptr_null(a);
    }
    vnfo_test_alloc_budget(4);
    ck_assert_status(vnfo_account_acc_create(&a, NULL), VNFO_OK);
    ck_assert_status(vnfo_account_acc_create(&b, NULL), VNFO_OK);
    vnfo_test_alloc_budget(0); /* growing the kept values fails: nothing changes */
    ck_assert_status(vnfo_account_acc_add(a, 5), VNFO_E_NO_MEMORY);
    ck_assert_uint_eq(vnfo_account_acc_count(a), 0);
    vnfo_test_alloc_budget(1);
    ck_assert_status(vnfo_account_acc_add(b, 5), VNFO_OK);
    vnfo_test_alloc_budget(0);
    ck_assert_status(vnfo_account_acc_merge(a, b), VNFO_E_NO_MEMORY);
    ck_assert_uint_eq(vnfo_account_acc_count(a), 0);
    vnfo_account_acc_free(a);
    vnfo_account_acc_free(b);
    vnfo_allocator_set(NULL);
}
END_TEST

static Suite *account_suite(void)
{
    Suite *s = suite_create("account");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_exact_sums_at_the_limits);
    tcase_add_test(tc, test_summary_and_quantiles);
    tcase_add_test(tc, test_sketch_error_bound);
    tcase_add_test(tc, test_merge_order_independent);
    tcase_add_test(tc, test_merge_errors);
    tcase_add_test(tc, test_serialize_round_trip);
    tcase_add_test(tc, test_deserialize_hostile);
    tcase_add_test(tc, test_count_overflow);
    tcase_add_test(tc, test_empty_shard);
    tcase_add_test(tc, test_deserialize_garbage);
    tcase_add_test(tc, test_value_and_delay_input);
    tcase_add_test(tc, test_total_bad_input);
    tcase_add_test(tc, test_total_exact_decisions);
    tcase_add_test(tc, test_total_normal_evidence);
    tcase_add_test(tc, test_total_skewed_inconclusive);
    tcase_add_test(tc, test_clusters);
    tcase_add_test(tc, test_count_clusters);
    tcase_add_test(tc, test_minimality_clusters);
    tcase_add_test(tc, test_quantile_clusters);
    tcase_add_test(tc, test_performance_clusters);
    tcase_add_test(tc, test_sla_mean_guards);
    tcase_add_test(tc, test_count_check);
    tcase_add_test(tc, test_quantile_check);
    tcase_add_test(tc, test_slack_exact);
    tcase_add_test(tc, test_minimality);
    tcase_add_test(tc, test_performance);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_allocation_failures);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return vnfo_test_run(account_suite());
}
