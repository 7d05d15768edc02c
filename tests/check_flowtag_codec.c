/* Check suite for the table's msgpack serialisation: round trips that keep
 * the table's future behaviour, determinism, and hostile input. */
#include <stdio.h>

#include <vnfo/flowtag.h>

#include "flowtag_testutil.h"
#include "flowtag_v1_checkpoint.h"

static uint8_t *encode(const vnfo_flowtag_table *t, size_t *len)
{
    ck_assert_status(vnfo_flowtag_table_serialized_size(len, t), VNFO_OK);
    uint8_t *buf = malloc(*len);
    size_t got;
    ck_assert_status(vnfo_flowtag_table_serialize(buf, *len, &got, t), VNFO_OK);
    ck_assert_uint_eq(got, *len);
    return buf;
}

/* A table with IPv4 and IPv6 bindings, expired and reused slots. */
static vnfo_flowtag_table *busy_table(void)
{
    vnfo_flowtag_table *t = ft_table(24, 40, 100);
    vnfo_flowtag_event ev, evs[64];
    for (uint32_t i = 0; i < 30; i++) {
        vnfo_flow_key k = i % 3 ? ft_key4(i, 5) : ft_key6(i), out = ft_nat(&k, i);
        ck_assert_status(vnfo_flowtag_generate(&ev, t, &k, &out, i, i / 10, i * 10), VNFO_OK);
    }
    size_t n;
    ck_assert_status(vnfo_flowtag_table_expire(evs, &n, 64, t, 300), VNFO_OK);
    ck_assert_uint_eq(n, 21); /* flows seen at 0..200 */
    for (uint32_t i = 100; i < 110; i++) {
        vnfo_flow_key k = ft_key4(i, 5);
        ck_assert_status(vnfo_flowtag_generate(&ev, t, &k, &k, 9, 2, 310), VNFO_OK);
    }
    /* Some flows used again: the sweep's "used" flags are part of the state. */
    for (uint32_t i = 100; i < 110; i += 3) {
        vnfo_flow_key k = ft_key4(i, 5);
        ck_assert_status(vnfo_flowtag_generate(&ev, t, &k, &k, 9, 2, 320), VNFO_OK);
    }
    return t;
}

/* Applies the same events to a table; returns a digest of the tags. */
static uint64_t continue_events(vnfo_flowtag_table *t)
{
    uint64_t d = 0;
    vnfo_flowtag_event ev, evs[64];
    size_t n;
    ck_assert_status(vnfo_flowtag_table_expire(evs, &n, 64, t, 380), VNFO_OK);
    for (size_t i = 0; i < n; i++)
        d = d * 31 + evs[i].context.tag;
    for (uint32_t i = 200; i < 230; i++) {
        vnfo_flow_key k = ft_key4(i, 5);
        if (vnfo_flowtag_generate(&ev, t, &k, &k, 1, 3, 390) == VNFO_OK)
            d = d * 31 + ev.context.tag;
        else
            d = d * 31 + 999;
    }
    return d;
}

START_TEST(test_round_trip)
{
    vnfo_flowtag_table *t = busy_table();
    size_t len;
    uint8_t *bytes = encode(t, &len);
    vnfo_flowtag_table *u;
    ck_assert_status(vnfo_flowtag_table_deserialize(&u, bytes, len), VNFO_OK);
    size_t len2;
    uint8_t *bytes2 = encode(u, &len2);
    ck_assert_uint_eq(len, len2);
    ck_assert_mem_eq(bytes, bytes2, len);
    /* Every binding resolves the same in both tables. */
    for (uint32_t tag = 0; tag < (1u << 10); tag++) {
        vnfo_flowtag_context a, b;
        vnfo_status sa = vnfo_flowtag_consume(&a, t, tag), sb = vnfo_flowtag_consume(&b, u, tag);
        ck_assert_int_eq(sa, sb);
        if (sa == VNFO_OK)
            ck_assert_mem_eq(&a, &b, sizeof a);
    }
    vnfo_flowtag_options oa, ob;
    vnfo_flowtag_table_options(&oa, t);
    vnfo_flowtag_table_options(&ob, u);
    /* Field by field: the struct has padding before idle_timeout. */
    ck_assert_uint_eq(oa.version, ob.version);
    ck_assert_uint_eq(oa.width_bits, ob.width_bits);
    ck_assert_uint_eq(oa.capacity, ob.capacity);
    ck_assert_uint_eq(oa.ipv6_capacity, ob.ipv6_capacity);
    ck_assert_uint_eq(oa.node_id, ob.node_id);
    ck_assert_uint_eq(oa.idle_timeout, ob.idle_timeout);
    /* The decoded table goes on exactly as the original: same expiries,
     * same free order, same generations. */
    ck_assert_uint_eq(continue_events(t), continue_events(u));
    free(bytes);
    free(bytes2);
    vnfo_flowtag_table_free(t);
    vnfo_flowtag_table_free(u);
}
END_TEST

/* The steps that built v1_checkpoint with libvnfo 0.1. */
static vnfo_flowtag_table *v1_scenario(void)
{
    vnfo_flowtag_table *t = ft_table(24, 40, 100);
    vnfo_flowtag_event ev, evs[64];
    for (uint32_t i = 0; i < 30; i++) {
        vnfo_flow_key k = i % 3 ? ft_key4(i, 5) : ft_key6(i), out = ft_nat(&k, i);
        ck_assert_status(vnfo_flowtag_generate(&ev, t, &k, &out, i, i / 10, i * 10), VNFO_OK);
    }
    size_t n;
    ck_assert_status(vnfo_flowtag_table_expire(evs, &n, 64, t, 300), VNFO_OK);
    for (uint32_t i = 100; i < 110; i++) {
        vnfo_flow_key k = ft_key4(i, 5);
        ck_assert_status(vnfo_flowtag_generate(&ev, t, &k, &k, 9, 2, 310), VNFO_OK);
    }
    for (uint32_t i = 23; i < 30; i += 2) { /* last-use order differs from bind order */
        vnfo_flow_key k = i % 3 ? ft_key4(i, 5) : ft_key6(i), out = ft_nat(&k, i);
        ck_assert_status(vnfo_flowtag_generate(&ev, t, &k, &out, i, i / 10, 320), VNFO_OK);
    }
    return t;
}

static uint64_t v1_continue(vnfo_flowtag_table *t)
{
    uint64_t d = continue_events(t);
    vnfo_flowtag_event evs[64];
    size_t n;
    ck_assert_status(vnfo_flowtag_table_expire(evs, &n, 64, t, 425), VNFO_OK);
    for (size_t i = 0; i < n; i++)
        d = d * 31 + evs[i].context.tag;
    return d;
}

/* A version 1 checkpoint (library 0.1) decodes to the same bindings as the
 * steps that made it, and goes on exactly as 0.1 went on: its bindings come
 * in exact last-use order, none marked used, so the sweep expires them in
 * that order. */
START_TEST(test_reads_version_1)
{
    vnfo_flowtag_table *u, *t = v1_scenario();
    ck_assert_status(vnfo_flowtag_table_deserialize(&u, v1_checkpoint, sizeof v1_checkpoint), VNFO_OK);
    for (uint32_t tag = 0; tag < (1u << 10); tag++) {
        vnfo_flowtag_context a, b;
        vnfo_status sa = vnfo_flowtag_consume(&a, t, tag), sb = vnfo_flowtag_consume(&b, u, tag);
        ck_assert_int_eq(sa, sb);
        if (sa == VNFO_OK)
            ck_assert_mem_eq(&a, &b, sizeof a);
    }
    vnfo_flowtag_stats sa, sb;
    vnfo_flowtag_table_stats(&sa, t);
    vnfo_flowtag_table_stats(&sb, u);
    ck_assert_uint_eq(sa.live, sb.live);
    ck_assert_uint_eq(sa.ipv6_live, sb.ipv6_live);
    ck_assert_uint_eq(v1_continue(u), V1_CONTINUATION_DIGEST);
    /* Re-encoded, it is version 2, and reads back to the same future. */
    vnfo_flowtag_table *w;
    ck_assert_status(vnfo_flowtag_table_deserialize(&w, v1_checkpoint, sizeof v1_checkpoint), VNFO_OK);
    size_t len;
    uint8_t *bytes = encode(w, &len);
    ck_assert_uint_eq(bytes[1], VNFO_FLOWTAG_FORMAT_VERSION);
    vnfo_flowtag_table *x;
    ck_assert_status(vnfo_flowtag_table_deserialize(&x, bytes, len), VNFO_OK);
    ck_assert_uint_eq(v1_continue(x), V1_CONTINUATION_DIGEST);
    /* Version 1 keeps its order check and its reserved nil. */
    uint8_t *bad = malloc(sizeof v1_checkpoint);
    memcpy(bad, v1_checkpoint, sizeof v1_checkpoint);
    ck_assert_uint_eq(bad[sizeof v1_checkpoint - 1], 0xC0);
    bad[sizeof v1_checkpoint - 1] = 0x01;
    vnfo_flowtag_table *y = (vnfo_flowtag_table *)1;
    ck_assert_status(vnfo_flowtag_table_deserialize(&y, bad, sizeof v1_checkpoint), VNFO_E_FLOWTAG_FORMAT);
    ck_assert_ptr_null(y);
    char want[96];
    snprintf(want, sizeof want, "flowtag table: byte %zu: binding reserved: expected nil",
             sizeof v1_checkpoint - 1);
    ck_assert_str_eq(vnfo_error_message(), want);
    free(bad);
    free(bytes);
    vnfo_flowtag_table_free(t);
    vnfo_flowtag_table_free(u);
    vnfo_flowtag_table_free(w);
    vnfo_flowtag_table_free(x);
}
END_TEST

/* A version 2 binding's last field is its "used" flag, 0 or 1. */
START_TEST(test_version_2_used_flag)
{
    vnfo_flowtag_table *t = ft_table(6, 2, 10);
    vnfo_flowtag_event ev;
    vnfo_flow_key k = ft_key4(1, 1);
    ck_assert_status(vnfo_flowtag_generate(&ev, t, &k, &k, 0, 0, 1), VNFO_OK);
    ck_assert_status(vnfo_flowtag_generate(&ev, t, &k, &k, 0, 0, 2), VNFO_OK);
    size_t len;
    uint8_t *bytes = encode(t, &len);
    ck_assert_uint_eq(bytes[len - 1], 0x01); /* used since it was bound */
    bytes[len - 1] = 0x02;
    vnfo_flowtag_table *u = (vnfo_flowtag_table *)1;
    ck_assert_status(vnfo_flowtag_table_deserialize(&u, bytes, len), VNFO_E_FLOWTAG_FORMAT);
    char want[96];
    snprintf(want, sizeof want, "flowtag table: byte %zu: binding used: not 0 or 1", len);
    ck_assert_str_eq(vnfo_error_message(), want);
    bytes[len - 1] = 0xC0;
    ck_assert_status(vnfo_flowtag_table_deserialize(&u, bytes, len), VNFO_E_FLOWTAG_FORMAT);
    ck_assert_ptr_null(u);
    free(bytes);
    vnfo_flowtag_table_free(t);
}
END_TEST

START_TEST(test_deterministic_and_sized)
{
    vnfo_flowtag_table *a = busy_table(), *b = busy_table();
    size_t la, lb;
    uint8_t *ba = encode(a, &la), *bb = encode(b, &lb);
    ck_assert_uint_eq(la, lb);
    ck_assert_mem_eq(ba, bb, la);
    uint8_t small[16];
    size_t need = 0;
    ck_assert_status(vnfo_flowtag_table_serialize(small, sizeof small, &need, a), VNFO_E_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(need, la);
    /* An empty table: 9 header fields, capacity free slots, no bindings. */
    vnfo_flowtag_table *e = ft_table(6, 2, 0);
    size_t le;
    uint8_t *be = encode(e, &le);
    const uint8_t want[] = {0x99, 0x02, 0x06, 0x02, 0x02, 0x07, 0x00, 0x00,
                            0x92, 0x92, 0x01, 0x00, 0x92, 0x02, 0x00, 0x90};
    ck_assert_uint_eq(le, sizeof want);
    ck_assert_mem_eq(be, want, sizeof want);
    free(ba);
    free(bb);
    free(be);
    vnfo_flowtag_table_free(a);
    vnfo_flowtag_table_free(b);
    vnfo_flowtag_table_free(e);
}
END_TEST

static void expect_format(const uint8_t *b, size_t n, vnfo_status want, const char *msg)
{
    vnfo_flowtag_table *t = (vnfo_flowtag_table *)1;
    ck_assert_status(vnfo_flowtag_table_deserialize(&t, b, n), want);
    ck_assert_ptr_null(t);
    if (msg)
        ck_assert_str_eq(vnfo_error_message(), msg);
}

START_TEST(test_hostile_exact_messages)
{
    /* Version 3: refused, never half-read. */
    const uint8_t v3[] = {0x99, 0x03, 0, 0, 0, 0, 0, 0, 0, 0};
    expect_format(v3, sizeof v3, VNFO_E_UNSUPPORTED_VERSION,
                  "flowtag table: format version 3, this library reads up to 2");
    const uint8_t v0[] = {0x99, 0x00, 0, 0, 0, 0, 0, 0, 0, 0};
    expect_format(v0, sizeof v0, VNFO_E_FLOWTAG_FORMAT,
                  "flowtag table: byte 2: top level: expected version 1 or 2 with 9 fields");
    /* A capacity of 2^24-2 in 16 bytes: refused before allocating. */
    const uint8_t big[] = {0x99, 0x01, 0x20, 0xCE, 0x00, 0xFF, 0xFF, 0xFE, 0x00, 0x07, 0x00, 0x00, 0x90, 0x90};
    expect_format(big, sizeof big, VNFO_E_FLOWTAG_FORMAT,
                  "flowtag table: byte 12: capacity: larger than the remaining bytes can list");
    /* An array header claiming 2^32-1 elements. */
    const uint8_t arr[] = {0xDD, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
    expect_format(arr, sizeof arr, VNFO_E_FLOWTAG_FORMAT,
                  "flowtag table: byte 0: top level: array longer than the remaining bytes");
    /* Width 7. */
    const uint8_t w7[] = {0x99, 0x01, 0x07, 0x02, 0x02, 0x07, 0x00, 0x00, 0x92, 0x92, 0x01, 0x00, 0x92, 0x02, 0x00, 0x90};
    expect_format(w7, sizeof w7, VNFO_E_FLOWTAG_FORMAT,
                  "flowtag table: byte 8: options: flowtag table: width_bits 7 is not 6, 12, 20, 24 or 32");
    /* Slot 1 listed twice. */
    const uint8_t dup[] = {0x99, 0x01, 0x06, 0x02, 0x02, 0x07, 0x00, 0x00, 0x92, 0x92, 0x01, 0x00, 0x92, 0x01, 0x00, 0x90};
    expect_format(dup, sizeof dup, VNFO_E_FLOWTAG_FORMAT,
                  "flowtag table: byte 15: free slot: slot out of range or listed twice");
    /* A last tag that belongs to another slot. */
    const uint8_t badtag[] = {0x99, 0x01, 0x06, 0x02, 0x02, 0x07, 0x00, 0x00, 0x92, 0x92, 0x01, 0x02, 0x92, 0x02, 0x00, 0x90};
    expect_format(badtag, sizeof badtag, VNFO_E_FLOWTAG_FORMAT,
                  "flowtag table: byte 12: free slot last_tag: not a tag of this slot");
    /* One slot missing from both lists. */
    const uint8_t missing[] = {0x99, 0x01, 0x06, 0x02, 0x02, 0x07, 0x00, 0x00, 0x91, 0x92, 0x01, 0x00, 0x90, 0xC0, 0xC0};
    expect_format(missing, sizeof missing, VNFO_E_FLOWTAG_FORMAT,
                  "flowtag table: byte 13: bindings: free + bound slots differ from capacity");
    /* Trailing bytes. */
    const uint8_t trail[] = {0x99, 0x01, 0x06, 0x02, 0x02, 0x07, 0x00, 0x00, 0x92, 0x92, 0x01, 0x00, 0x92, 0x02, 0x00, 0x90, 0xC0};
    expect_format(trail, sizeof trail, VNFO_E_FLOWTAG_FORMAT, "flowtag table: byte 16: end: trailing bytes");
    expect_format(NULL, 0, VNFO_E_FLOWTAG_FORMAT, "flowtag table: byte 0: top level: truncated");
    vnfo_flowtag_table *t;
    ck_assert_status(vnfo_flowtag_table_deserialize(NULL, v3, 2), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_flowtag_table_deserialize(&t, NULL, 2), VNFO_E_INVALID_ARGUMENT);
}
END_TEST

/* Every prefix, and every single-byte change, of a real encoding: each is
 * either refused with a format status or decodes to a table that encodes
 * and decodes again. */
START_TEST(test_hostile_mutations)
{
    vnfo_flowtag_table *t = ft_table(24, 12, 100);
    vnfo_flowtag_event ev;
    for (uint32_t i = 0; i < 8; i++) {
        vnfo_flow_key k = i % 2 ? ft_key4(i, 5) : ft_key6(i), out = ft_nat(&k, i);
        ck_assert_status(vnfo_flowtag_generate(&ev, t, &k, &out, 3, 1, i), VNFO_OK);
    }
    ck_assert_status(vnfo_flowtag_release(&ev, t, 2, 20), VNFO_OK);
    size_t len;
    uint8_t *bytes = encode(t, &len);
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *p = malloc(cut ? cut : 1);
        memcpy(p, bytes, cut);
        vnfo_flowtag_table *u;
        ck_assert_status(vnfo_flowtag_table_deserialize(&u, p, cut), VNFO_E_FLOWTAG_FORMAT);
        free(p);
    }
    int accepted = 0;
    uint8_t values[] = {0x00, 0x01, 0x7F, 0x80, 0x90, 0xC0, 0xC4, 0xCC, 0xCE, 0xCF, 0xDC, 0xDD, 0xFF};
    for (size_t i = 0; i < len; i++)
        for (size_t v = 0; v < sizeof values; v++) {
            uint8_t *p = malloc(len);
            memcpy(p, bytes, len);
            if (p[i] == values[v]) {
                free(p);
                continue;
            }
            p[i] = values[v];
            vnfo_flowtag_table *u;
            vnfo_status s = vnfo_flowtag_table_deserialize(&u, p, len);
            ck_assert_msg(s == VNFO_OK || s == VNFO_E_FLOWTAG_FORMAT || s == VNFO_E_UNSUPPORTED_VERSION,
                          "byte %zu = %02x: %s", i, values[v], vnfo_status_name(s));
            if (s == VNFO_OK) {
                accepted++;
                size_t l2;
                uint8_t *again = encode(u, &l2);
                vnfo_flowtag_table *w;
                ck_assert_status(vnfo_flowtag_table_deserialize(&w, again, l2), VNFO_OK);
                vnfo_flowtag_table_free(w);
                free(again);
                vnfo_flowtag_table_free(u);
            }
            free(p);
        }
    ck_assert_int_gt(accepted, 0); /* e.g. a changed port or time still decodes */
    free(bytes);
    vnfo_flowtag_table_free(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("flowtag codec");
    TCase *tc = tcase_create("codec");
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_deterministic_and_sized);
    tcase_add_test(tc, test_reads_version_1);
    tcase_add_test(tc, test_version_2_used_flag);
    tcase_add_test(tc, test_hostile_exact_messages);
    tcase_add_test(tc, test_hostile_mutations);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
