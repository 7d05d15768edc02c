/* Check suite: the tap module (pairing, drops, generated frames, duplicates,
 * overflow as a signed loss, NAT-safe pairing, headers bytes, errors). */
#include <stdio.h>

#include "testutil.h"

#define FRAME_LEN 44 /* IPv4 20 + UDP 8 + payload 16 */
#define MAX_RECS 4096

static vnfo_record recs[MAX_RECS];
static uint8_t rec_bytes_in[MAX_RECS][VNFO_RECORD_HEADER_BYTES];
static size_t n_recs;
static vnfo_status emit_result = VNFO_OK;

static vnfo_status collect(void *ctx, const vnfo_record *rec)
{
    (void)ctx;
    ck_assert_uint_lt(n_recs, MAX_RECS);
    recs[n_recs] = *rec;
    /* Bytes point into the tap only during the call: keep a copy. */
    if (rec->type == VNFO_RECORD_PACKET && rec->u.packet.bytes_in) {
        memcpy(rec_bytes_in[n_recs], rec->u.packet.bytes_in, rec->u.packet.bytes_in_len);
        recs[n_recs].u.packet.bytes_in = rec_bytes_in[n_recs];
    }
    recs[n_recs].u.packet.bytes_out = NULL;
    n_recs++;
    return emit_result;
}

/* A raw IPv4/UDP frame; id picks the payload (and so the label). */
static void make_frame(uint8_t *f, uint32_t id, uint32_t src, uint16_t sport)
{
    memset(f, 0, FRAME_LEN);
    f[0] = 0x45;
    f[3] = FRAME_LEN;
    f[4] = (uint8_t)(id >> 8), f[5] = (uint8_t)id; /* IP id: psamp hashes it */
    f[8] = 64;
    f[9] = 17;
    f[12] = (uint8_t)(src >> 24), f[13] = (uint8_t)(src >> 16), f[14] = (uint8_t)(src >> 8), f[15] = (uint8_t)src;
    f[16] = 192, f[17] = 0, f[18] = 2, f[19] = 1;
    f[20] = (uint8_t)(sport >> 8), f[21] = (uint8_t)sport;
    f[22] = 0x13, f[23] = 0x89;
    f[25] = FRAME_LEN - 20;
    for (int i = 0; i < 4; i++)
        f[28 + i] = (uint8_t)(id >> (8 * i));
}

static vnfo_sampler *sampler_at(uint64_t num, uint64_t den, vnfo_packet_preset fields)
{
    vnfo_sampler_options so;
    ck_assert_status(vnfo_sampler_options_init(&so, VNFO_SAMPLER_OPTIONS_VERSION), VNFO_OK);
    so.rate = (vnfo_rational){num, den};
    so.fields.preset = fields;
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    memset(key, 7, sizeof key);
    vnfo_sampler *s = NULL;
    ck_assert_status(vnfo_sampler_create(&s, &so, key, sizeof key), VNFO_OK);
    return s;
}

static vnfo_tap *tap_with(const vnfo_sampler *s, uint32_t capacity, uint64_t timeout,
                          vnfo_record_granularity g)
{
    vnfo_tap_options o;
    ck_assert_status(vnfo_tap_options_init(&o, VNFO_TAP_OPTIONS_VERSION), VNFO_OK);
    o.hop = 2;
    o.capacity = capacity;
    o.timeout_ns = timeout;
    o.granularity = g;
    o.emit = collect;
    vnfo_tap *t = NULL;
    ck_assert_status(vnfo_tap_create(&t, &o, s), VNFO_OK);
    n_recs = 0;
    emit_result = VNFO_OK;
    return t;
}

static vnfo_tap_stats stats_of(const vnfo_tap *t)
{
    vnfo_tap_stats st;
    ck_assert_status(vnfo_tap_stats_get(&st, t), VNFO_OK);
    return st;
}

START_TEST(test_options_checked)
{
    vnfo_sampler *s = sampler_at(1, 1, VNFO_FIELDS_PSAMP);
    vnfo_tap_options o;
    vnfo_tap *t = (vnfo_tap *)&o;
    ck_assert_status(vnfo_tap_options_init(&o, 99), VNFO_E_STRUCT_VERSION);
    ck_assert_status(vnfo_tap_options_init(&o, VNFO_TAP_OPTIONS_VERSION), VNFO_OK);
    ck_assert_status(vnfo_tap_create(&t, &o, s), VNFO_E_INVALID_ARGUMENT);
    ck_assert_ptr_null(t);
    ck_assert_ptr_nonnull(strstr(vnfo_error_message(), "emit"));
    o.emit = collect;
    o.capacity = 0;
    ck_assert_status(vnfo_tap_create(&t, &o, s), VNFO_E_LIMIT_EXCEEDED);
    o.capacity = VNFO_TAP_MAX_CAPACITY + 1;
    ck_assert_status(vnfo_tap_create(&t, &o, s), VNFO_E_LIMIT_EXCEEDED);
    o.capacity = 8;
    o.granularity = (vnfo_record_granularity)7;
    ck_assert_status(vnfo_tap_create(&t, &o, s), VNFO_E_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(vnfo_error_message(), "granularity"));
    o.granularity = VNFO_GRANULARITY_FULL;
    o.full_bytes = 100;
    ck_assert_status(vnfo_tap_create(&t, &o, s), VNFO_E_LIMIT_EXCEEDED);
    ck_assert_ptr_nonnull(strstr(vnfo_error_message(), "full_bytes"));
    o.granularity = VNFO_GRANULARITY_DIGEST;
    o.timeout_ns = 0;
    ck_assert_status(vnfo_tap_create(&t, &o, s), VNFO_E_INVALID_ARGUMENT);
    o.timeout_ns = 5;
    o.version = 2;
    ck_assert_status(vnfo_tap_create(&t, &o, s), VNFO_E_STRUCT_VERSION);
    o.version = VNFO_TAP_OPTIONS_VERSION;
    ck_assert_status(vnfo_tap_create(&t, &o, NULL), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_tap_create(&t, &o, s), VNFO_OK);
    ck_assert_status(vnfo_tap_ingress(NULL, NULL, 0, 0, 101, 0), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_tap_ingress(t, NULL, 4, 0, 101, 0), VNFO_E_INVALID_ARGUMENT);
    ck_assert_uint_eq(vnfo_tap_stats_size(), sizeof(vnfo_tap_stats));
    vnfo_tap_free(t);
    vnfo_tap_free(NULL);
    vnfo_sampler_free(s);
}
END_TEST

START_TEST(test_forwarded_pairs)
{
    vnfo_sampler *s = sampler_at(1, 1, VNFO_FIELDS_PSAMP);
    vnfo_tap *t = tap_with(s, 64, 1000000, VNFO_GRANULARITY_DIGEST);
    uint8_t f[FRAME_LEN];
    for (uint32_t i = 0; i < 10; i++) {
        make_frame(f, i, 0x0a000001, 1000);
        ck_assert_status(vnfo_tap_ingress(t, f, sizeof f, 60, VNFO_LINKTYPE_RAW, 100 * i), VNFO_OK);
    }
    for (uint32_t i = 0; i < 10; i++) {
        make_frame(f, i, 0x0a000001, 1000);
        ck_assert_status(vnfo_tap_egress(t, f, sizeof f, 60, VNFO_LINKTYPE_RAW, 100 * i + 50), VNFO_OK);
    }
    ck_assert_uint_eq(n_recs, 10);
    for (uint32_t i = 0; i < 10; i++) {
        const vnfo_record_packet *p = &recs[i].u.packet;
        uint8_t d[VNFO_RECORD_DIGEST_BYTES];
        make_frame(f, i, 0x0a000001, 1000);
        ck_assert_status(vnfo_packet_digest(d, f, sizeof f, VNFO_LINKTYPE_RAW), VNFO_OK);
        ck_assert_int_eq(recs[i].type, VNFO_RECORD_PACKET);
        ck_assert_int_eq(p->verdict, VNFO_VERDICT_FORWARDED);
        ck_assert_uint_eq(p->hop, 2);
        ck_assert_uint_eq(p->t_in_ns, 100 * i);
        ck_assert_uint_eq(p->t_out_ns, 100 * i + 50);
        ck_assert_mem_eq(p->digest_in, d, sizeof d);
        ck_assert_mem_eq(p->digest_out, d, sizeof d);
        ck_assert_int_eq(p->has_link_type, 1);
        ck_assert_uint_eq(p->link_type, VNFO_LINKTYPE_RAW);
        ck_assert_uint_eq(p->wire_len, 60);
        uint64_t label;
        ck_assert_status(vnfo_sampler_label(&label, s, f, sizeof f, VNFO_LINKTYPE_RAW, 0), VNFO_OK);
        ck_assert_uint_eq(p->label, label);
        uint8_t enc[VNFO_RECORD_MAX_BYTES];
        size_t w;
        ck_assert_status(vnfo_record_encode(enc, sizeof enc, &w, &recs[i]), VNFO_OK);
    }
    vnfo_tap_stats st = stats_of(t);
    ck_assert_uint_eq(st.forwarded, 10);
    ck_assert_uint_eq(st.pending, 0);
    ck_assert_uint_eq(st.pending_peak, 10);
    ck_assert_uint_eq(st.ingress_frames, 10);
    ck_assert_uint_eq(st.egress_selected, 10);
    vnfo_tap_free(t);
    vnfo_sampler_free(s);
}
END_TEST

START_TEST(test_drops_and_generated)
{
    vnfo_sampler *s = sampler_at(1, 1, VNFO_FIELDS_PSAMP);
    vnfo_tap *t = tap_with(s, 64, 1000, VNFO_GRANULARITY_DIGEST);
    uint8_t f[FRAME_LEN];
    make_frame(f, 1, 0x0a000001, 1000);
    ck_assert_status(vnfo_tap_ingress(t, f, sizeof f, 0, VNFO_LINKTYPE_RAW, 0), VNFO_OK);
    make_frame(f, 2, 0x0a000001, 1000);
    ck_assert_status(vnfo_tap_ingress(t, f, sizeof f, 0, VNFO_LINKTYPE_RAW, 500), VNFO_OK);
    /* At 1000 ns neither has waited more than the timeout. */
    ck_assert_status(vnfo_tap_expire(t, 1000), VNFO_OK);
    ck_assert_uint_eq(n_recs, 0);
    /* At 1001 ns the first one has. */
    ck_assert_status(vnfo_tap_expire(t, 1001), VNFO_OK);
    ck_assert_uint_eq(n_recs, 1);
    ck_assert_int_eq(recs[0].u.packet.verdict, VNFO_VERDICT_DROPPED);
    ck_assert_uint_eq(recs[0].u.packet.t_in_ns, 0);
    ck_assert_uint_eq(recs[0].u.packet.t_out_ns, 0);
    ck_assert_uint_eq(recs[0].u.packet.wire_len, FRAME_LEN); /* wire_len 0: caplen */
    uint8_t zero[VNFO_RECORD_DIGEST_BYTES] = {0};
    ck_assert_mem_eq(recs[0].u.packet.digest_out, zero, sizeof zero);
    /* An egress frame nobody sent in is generated. */
    make_frame(f, 3, 0x0a000001, 1000);
    ck_assert_status(vnfo_tap_egress(t, f, sizeof f, 0, VNFO_LINKTYPE_RAW, 1200), VNFO_OK);
    ck_assert_uint_eq(n_recs, 2);
    ck_assert_int_eq(recs[1].u.packet.verdict, VNFO_VERDICT_GENERATED);
    ck_assert_mem_eq(recs[1].u.packet.digest_in, zero, sizeof zero);
    ck_assert_uint_eq(recs[1].u.packet.t_in_ns, 1200);
    /* finish drops what still waits. */
    ck_assert_status(vnfo_tap_finish(t), VNFO_OK);
    ck_assert_uint_eq(n_recs, 3);
    ck_assert_int_eq(recs[2].u.packet.verdict, VNFO_VERDICT_DROPPED);
    ck_assert_uint_eq(recs[2].u.packet.t_in_ns, 500);
    vnfo_tap_stats st = stats_of(t);
    ck_assert_uint_eq(st.dropped, 2);
    ck_assert_uint_eq(st.generated, 1);
    ck_assert_uint_eq(st.pending, 0);
    vnfo_tap_free(t);
    vnfo_sampler_free(s);
}
END_TEST

START_TEST(test_duplicates_first_in_first_out)
{
    vnfo_sampler *s = sampler_at(1, 1, VNFO_FIELDS_PSAMP);
    vnfo_tap *t = tap_with(s, 64, 1000000, VNFO_GRANULARITY_DIGEST);
    uint8_t f[FRAME_LEN];
    make_frame(f, 9, 0x0a000001, 1000);
    for (uint64_t i = 0; i < 3; i++)
        ck_assert_status(vnfo_tap_ingress(t, f, sizeof f, 0, VNFO_LINKTYPE_RAW, 10 * i), VNFO_OK);
    for (uint64_t i = 0; i < 3; i++)
        ck_assert_status(vnfo_tap_egress(t, f, sizeof f, 0, VNFO_LINKTYPE_RAW, 100 + 10 * i), VNFO_OK);
    ck_assert_uint_eq(n_recs, 3);
    for (uint64_t i = 0; i < 3; i++) {
        ck_assert_uint_eq(recs[i].u.packet.t_in_ns, 10 * i);
        ck_assert_uint_eq(recs[i].u.packet.t_out_ns, 100 + 10 * i);
    }
    vnfo_tap_free(t);
    vnfo_sampler_free(s);
}
END_TEST

START_TEST(test_overflow_is_a_signed_loss)
{
    vnfo_sampler *s = sampler_at(1, 1, VNFO_FIELDS_PSAMP);
    vnfo_tap *t = tap_with(s, 2, 1000000, VNFO_GRANULARITY_DIGEST);
    uint8_t f[FRAME_LEN];
    for (uint32_t i = 0; i < 5; i++) {
        make_frame(f, i, 0x0a000001, 1000);
        ck_assert_status(vnfo_tap_ingress(t, f, sizeof f, 0, VNFO_LINKTYPE_RAW, i), VNFO_OK);
    }
    vnfo_tap_add_capture_loss(t, 4);
    ck_assert_uint_eq(stats_of(t).overflow, 3);
    ck_assert_status(vnfo_tap_expire(t, 10), VNFO_OK);
    ck_assert_uint_eq(n_recs, 1);
    ck_assert_int_eq(recs[0].type, VNFO_RECORD_LOSS_NOTICE);
    ck_assert_uint_eq(recs[0].u.loss_notice.count, 7);
    ck_assert_int_eq(recs[0].u.loss_notice.reason, VNFO_LOSS_QUEUE_OVERFLOW);
    ck_assert_uint_eq(recs[0].u.loss_notice.time_ns, 10);
    /* Reported once. */
    ck_assert_status(vnfo_tap_finish(t), VNFO_OK);
    ck_assert_uint_eq(n_recs, 3); /* the two remembered frames, dropped */
    ck_assert_uint_eq(stats_of(t).loss_notices, 1);
    vnfo_tap_free(t);
    vnfo_sampler_free(s);
}
END_TEST

/* Through a NAT the addresses and ports change; nat-safe labels do not. */
START_TEST(test_pairs_through_nat)
{
    vnfo_sampler *s = sampler_at(1, 1, VNFO_FIELDS_NAT_SAFE);
    vnfo_tap *t = tap_with(s, 64, 1000000, VNFO_GRANULARITY_DIGEST);
    uint8_t in[FRAME_LEN], out[FRAME_LEN];
    make_frame(in, 5, 0x0a000001, 1000);
    make_frame(out, 5, 0xcb007107, 20000);
    ck_assert_status(vnfo_tap_ingress(t, in, sizeof in, 0, VNFO_LINKTYPE_RAW, 1), VNFO_OK);
    ck_assert_status(vnfo_tap_egress(t, out, sizeof out, 0, VNFO_LINKTYPE_RAW, 2), VNFO_OK);
    ck_assert_uint_eq(n_recs, 1);
    ck_assert_int_eq(recs[0].u.packet.verdict, VNFO_VERDICT_FORWARDED);
    ck_assert_mem_ne(recs[0].u.packet.digest_in, recs[0].u.packet.digest_out, VNFO_RECORD_DIGEST_BYTES);
    vnfo_tap_free(t);
    vnfo_sampler_free(s);
}
END_TEST

/* At `full`, whole frames are kept whole; a frame captured short of its
 * wire length falls back to headers. */
START_TEST(test_full_bytes_kept)
{
    vnfo_sampler *s = sampler_at(1, 1, VNFO_FIELDS_PSAMP);
    vnfo_tap *t = tap_with(s, 4, 1000000, VNFO_GRANULARITY_FULL);
    uint8_t f[FRAME_LEN];
    make_frame(f, 78, 0x0a000001, 1000);
    ck_assert_status(vnfo_tap_ingress(t, f, sizeof f, sizeof f, VNFO_LINKTYPE_RAW, 1), VNFO_OK);
    ck_assert_status(vnfo_tap_egress(t, f, sizeof f, sizeof f, VNFO_LINKTYPE_RAW, 2), VNFO_OK);
    make_frame(f, 79, 0x0a000001, 1000);
    ck_assert_status(vnfo_tap_ingress(t, f, sizeof f, 1500, VNFO_LINKTYPE_RAW, 3), VNFO_OK);
    ck_assert_status(vnfo_tap_finish(t), VNFO_OK);
    ck_assert_uint_eq(n_recs, 2);
    ck_assert_int_eq(recs[0].u.packet.granularity, VNFO_GRANULARITY_FULL);
    ck_assert_uint_eq(recs[0].u.packet.bytes_in_len, sizeof f);
    ck_assert_int_eq(recs[1].u.packet.granularity, VNFO_GRANULARITY_HEADERS);
    ck_assert_uint_eq(recs[1].u.packet.wire_len, 1500);
    vnfo_tap_free(t);
    vnfo_sampler_free(s);
}
END_TEST

START_TEST(test_headers_bytes_kept)
{
    vnfo_sampler *s = sampler_at(1, 1, VNFO_FIELDS_PSAMP);
    vnfo_tap *t = tap_with(s, 4, 1000000, VNFO_GRANULARITY_HEADERS);
    uint8_t f[FRAME_LEN];
    make_frame(f, 77, 0x0a000001, 1000);
    ck_assert_status(vnfo_tap_ingress(t, f, sizeof f, 0, VNFO_LINKTYPE_RAW, 1), VNFO_OK);
    ck_assert_status(vnfo_tap_finish(t), VNFO_OK);
    ck_assert_uint_eq(n_recs, 1);
    ck_assert_int_eq(recs[0].u.packet.granularity, VNFO_GRANULARITY_HEADERS);
    ck_assert_uint_eq(recs[0].u.packet.bytes_in_len, sizeof f);
    ck_assert_mem_eq(recs[0].u.packet.bytes_in, f, sizeof f);
    vnfo_tap_free(t);
    vnfo_sampler_free(s);
}
END_TEST

/* Only selected frames are remembered; counts add up at 1/4. */
START_TEST(test_sampled_counts)
{
    vnfo_sampler *s = sampler_at(1, 4, VNFO_FIELDS_PSAMP);
    vnfo_tap *t = tap_with(s, 4096, 1000000, VNFO_GRANULARITY_DIGEST);
    uint8_t f[FRAME_LEN];
    uint64_t selected = 0;
    for (uint32_t i = 0; i < 2000; i++) {
        make_frame(f, i, 0x0a000001, 1000);
        vnfo_sampler_decision d;
        vnfo_sampler_decide(&d, s, f, sizeof f, VNFO_LINKTYPE_RAW, 0);
        selected += d.selected;
        ck_assert_status(vnfo_tap_ingress(t, f, sizeof f, 0, VNFO_LINKTYPE_RAW, i), VNFO_OK);
        if (i % 3)
            ck_assert_status(vnfo_tap_egress(t, f, sizeof f, 0, VNFO_LINKTYPE_RAW, i), VNFO_OK);
    }
    ck_assert_status(vnfo_tap_finish(t), VNFO_OK);
    vnfo_tap_stats st = stats_of(t);
    ck_assert_uint_eq(st.ingress_selected, selected);
    ck_assert_uint_eq(st.forwarded + st.dropped, selected);
    ck_assert_uint_eq(n_recs, selected);
    ck_assert_uint_gt(selected, 400);
    ck_assert_uint_lt(selected, 600);
    vnfo_tap_free(t);
    vnfo_sampler_free(s);
}
END_TEST

/* Pairing in random order over many labels matches a plain model (this
 * exercises the index's deletions). */
START_TEST(test_random_pairing_matches_model)
{
    enum { N = 3000 };
    vnfo_sampler *s = sampler_at(1, 1, VNFO_FIELDS_PSAMP);
    vnfo_tap *t = tap_with(s, N, UINT64_MAX / 4, VNFO_GRANULARITY_DIGEST);
    static uint32_t order[N];
    uint8_t f[FRAME_LEN];
    for (uint32_t i = 0; i < N; i++) {
        make_frame(f, i % 1000, 0x0a000001, 1000); /* three copies of each label */
        ck_assert_status(vnfo_tap_ingress(t, f, sizeof f, 0, VNFO_LINKTYPE_RAW, i), VNFO_OK);
        order[i] = i;
    }
    uint64_t x = 88172645463325252ull;
    for (uint32_t i = N - 1; i > 0; i--) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint32_t j = (uint32_t)(x % (i + 1)), tmp = order[i];
        order[i] = order[j], order[j] = tmp;
    }
    static uint32_t seen[1000];
    memset(seen, 0, sizeof seen);
    for (uint32_t k = 0; k < N; k++) {
        uint32_t id = order[k] % 1000;
        make_frame(f, id, 0x0a000001, 1000);
        ck_assert_status(vnfo_tap_egress(t, f, sizeof f, 0, VNFO_LINKTYPE_RAW, N + k), VNFO_OK);
        /* The n-th egress copy of a label pairs with its n-th ingress copy. */
        ck_assert_uint_eq(recs[n_recs - 1].u.packet.t_in_ns, id + 1000u * seen[id]);
        seen[id]++;
    }
    vnfo_tap_stats st = stats_of(t);
    ck_assert_uint_eq(st.forwarded, N);
    ck_assert_uint_eq(st.generated, 0);
    ck_assert_uint_eq(st.pending, 0);
    vnfo_tap_free(t);
    vnfo_sampler_free(s);
}
END_TEST

/* Frames fed with the caller's decisions (unselected ones without their
 * bytes, an undecidable one) give the very records and counters the tap's
 * own decisions give. */
START_TEST(test_decided_matches_own_decisions)
{
    vnfo_sampler *s = sampler_at(1, 4, VNFO_FIELDS_PSAMP);
    static vnfo_record own[MAX_RECS];
    size_t n_own = 0;
    vnfo_tap_stats st_own = {0};
    uint8_t f[FRAME_LEN], junk[3] = {0x45, 0, 0};
    for (int pass = 0; pass < 2; pass++) {
        vnfo_tap *t = tap_with(s, 4096, 500, VNFO_GRANULARITY_DIGEST);
        for (uint32_t i = 0; i < 1500; i++) {
            make_frame(f, i, 0x0a000001, 1000);
            vnfo_sampler_decision d;
            vnfo_sampler_decide(&d, s, f, sizeof f, VNFO_LINKTYPE_RAW, 0);
            const uint8_t *bytes = d.selected ? f : NULL;
            size_t len = d.selected ? sizeof f : 0;
            ck_assert_status(pass ? vnfo_tap_ingress_decided(t, &d, bytes, len, FRAME_LEN, VNFO_LINKTYPE_RAW, 10 * i)
                                  : vnfo_tap_ingress(t, f, sizeof f, 0, VNFO_LINKTYPE_RAW, 10 * i),
                             VNFO_OK);
            if (i % 5 == 0)
                continue; /* dropped */
            if (i % 7 == 0)
                f[5] ^= 0xff; /* IP id rewritten: a drop plus a generated frame, when selected */
            vnfo_sampler_decide(&d, s, f, sizeof f, VNFO_LINKTYPE_RAW, 0);
            bytes = d.selected ? f : NULL;
            len = d.selected ? sizeof f : 0;
            ck_assert_status(pass ? vnfo_tap_egress_decided(t, &d, bytes, len, FRAME_LEN, VNFO_LINKTYPE_RAW, 10 * i + 5)
                                  : vnfo_tap_egress(t, f, sizeof f, 0, VNFO_LINKTYPE_RAW, 10 * i + 5),
                             VNFO_OK);
        }
        vnfo_sampler_decision bad;
        vnfo_sampler_decide(&bad, s, junk, sizeof junk, VNFO_LINKTYPE_RAW, 0);
        ck_assert_int_ne(bad.status, VNFO_OK);
        ck_assert_status(pass ? vnfo_tap_egress_decided(t, &bad, junk, sizeof junk, 0, VNFO_LINKTYPE_RAW, 20000)
                              : vnfo_tap_egress(t, junk, sizeof junk, 0, VNFO_LINKTYPE_RAW, 20000),
                         VNFO_OK);
        ck_assert_status(vnfo_tap_finish(t), VNFO_OK);
        vnfo_tap_stats st = stats_of(t);
        if (pass == 0) {
            memcpy(own, recs, n_recs * sizeof *recs);
            n_own = n_recs;
            st_own = st;
        } else {
            ck_assert_uint_eq(n_recs, n_own);
            for (size_t k = 0; k < n_recs; k++) {
                const vnfo_record_packet *a = &own[k].u.packet, *b = &recs[k].u.packet;
                ck_assert_int_eq(own[k].type, recs[k].type);
                ck_assert_int_eq(a->verdict, b->verdict);
                ck_assert_uint_eq(a->label, b->label);
                ck_assert_uint_eq(a->t_in_ns, b->t_in_ns);
                ck_assert_uint_eq(a->t_out_ns, b->t_out_ns);
                ck_assert_uint_eq(a->wire_len, b->wire_len);
                ck_assert_mem_eq(a->digest_in, b->digest_in, sizeof a->digest_in);
                ck_assert_mem_eq(a->digest_out, b->digest_out, sizeof a->digest_out);
            }
            ck_assert_uint_eq(st.ingress_frames, st_own.ingress_frames);
            ck_assert_uint_eq(st.egress_frames, st_own.egress_frames);
            ck_assert_uint_eq(st.undecidable, 1);
            ck_assert_uint_eq(st.undecidable, st_own.undecidable);
            ck_assert_uint_eq(st.forwarded, st_own.forwarded);
            ck_assert_uint_eq(st.dropped, st_own.dropped);
            ck_assert_uint_eq(st.generated, st_own.generated);
            ck_assert_uint_gt(st.forwarded, 100);
            ck_assert_uint_gt(st.dropped, 50);
            ck_assert_uint_gt(st.generated, 5);
            /* A selected decision needs its frame; a NULL decision is refused. */
            make_frame(f, 1, 0x0a000001, 1000);
            vnfo_sampler_decision d = {0};
            d.selected = 1;
            ck_assert_status(vnfo_tap_ingress_decided(t, &d, NULL, 0, 0, VNFO_LINKTYPE_RAW, 1), VNFO_E_INVALID_ARGUMENT);
            ck_assert_status(vnfo_tap_egress_decided(t, &d, NULL, 0, 0, VNFO_LINKTYPE_RAW, 1), VNFO_E_INVALID_ARGUMENT);
            ck_assert_status(vnfo_tap_egress_decided(t, NULL, f, sizeof f, 0, VNFO_LINKTYPE_RAW, 1), VNFO_E_INVALID_ARGUMENT);
            ck_assert_status(vnfo_tap_ingress_decided(NULL, &d, f, sizeof f, 0, VNFO_LINKTYPE_RAW, 1), VNFO_E_INVALID_ARGUMENT);
            ck_assert_status(vnfo_tap_ingress_decided(t, &d, NULL, 4, 0, VNFO_LINKTYPE_RAW, 1), VNFO_E_INVALID_ARGUMENT);
            ck_assert_uint_eq(stats_of(t).ingress_frames, st.ingress_frames);
        }
        vnfo_tap_free(t);
    }
    vnfo_sampler_free(s);
}
END_TEST

START_TEST(test_emit_error_returned)
{
    vnfo_sampler *s = sampler_at(1, 1, VNFO_FIELDS_PSAMP);
    vnfo_tap *t = tap_with(s, 4, 1000000, VNFO_GRANULARITY_DIGEST);
    uint8_t f[FRAME_LEN];
    make_frame(f, 1, 0x0a000001, 1000);
    emit_result = VNFO_E_LOG_SINK;
    ck_assert_status(vnfo_tap_egress(t, f, sizeof f, 0, VNFO_LINKTYPE_RAW, 1), VNFO_E_LOG_SINK);
    ck_assert_uint_eq(stats_of(t).generated, 1);
    /* Frames the sampler cannot hash are counted, never selected. */
    uint8_t junk[3] = {1, 2, 3};
    emit_result = VNFO_OK;
    ck_assert_status(vnfo_tap_ingress(t, junk, sizeof junk, 0, VNFO_LINKTYPE_RAW, 2), VNFO_OK);
    ck_assert_uint_eq(stats_of(t).undecidable, 1);
    vnfo_tap_free(t);
    vnfo_sampler_free(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tap");
    TCase *tc = tcase_create("tap");
    tcase_add_unchecked_fixture(tc, vnfo_test_setup_init, NULL);
    tcase_add_test(tc, test_options_checked);
    tcase_add_test(tc, test_forwarded_pairs);
    tcase_add_test(tc, test_drops_and_generated);
    tcase_add_test(tc, test_duplicates_first_in_first_out);
    tcase_add_test(tc, test_overflow_is_a_signed_loss);
    tcase_add_test(tc, test_pairs_through_nat);
    tcase_add_test(tc, test_headers_bytes_kept);
    tcase_add_test(tc, test_full_bytes_kept);
    tcase_add_test(tc, test_sampled_counts);
    tcase_add_test(tc, test_random_pairing_matches_model);
    tcase_add_test(tc, test_decided_matches_own_decisions);
    tcase_add_test(tc, test_emit_error_returned);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
