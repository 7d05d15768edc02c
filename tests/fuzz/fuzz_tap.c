/* Fuzz harness of the tap (include/vnfo/tap.h): an arbitrary interleaving of
 * ingress and egress frames, expiries and capture losses.  The first byte
 * picks the granularity, the pending capacity (1..8, so the table overflows)
 * and the field set; then each step is
 *   op (1 byte) | time step (1 byte, x 100 ms) | frame length (1 byte) | frame
 * where op's low bit is ingress/egress, the next three bits the link type,
 * and op 0xfe / 0xff an expiry / a capture loss.  Every frame is selected
 * (rate 1), so every frame reaches the pending table.
 * Invariants: no crash, leak or out-of-bounds access (sanitizers); every
 * emitted record encodes and decodes back to itself; after finish nothing is
 * pending, and the counters balance: each selected ingress frame was
 * forwarded, dropped or lost to overflow, each selected egress frame
 * forwarded or generated, and the emitted records are exactly those. */
#include <string.h>

#include <vnfo/vnfo.h>

#include "fuzz.h"

static const uint32_t linktypes[8] = {
    VNFO_LINKTYPE_ETHERNET, VNFO_LINKTYPE_RAW,  VNFO_LINKTYPE_LINUX_SLL, VNFO_LINKTYPE_LINUX_SLL2,
    VNFO_LINKTYPE_NULL,     VNFO_LINKTYPE_IPV6, VNFO_LINKTYPE_NFLOG,     VNFO_LINKTYPE_PPP,
};

struct emitted {
    uint64_t forwarded, dropped, generated, notices;
};

static vnfo_status on_record(void *ctx, const vnfo_record *rec)
{
    struct emitted *e = ctx;
    static uint8_t enc[VNFO_RECORD_MAX_BYTES], again[VNFO_RECORD_MAX_BYTES];
    size_t n = 0, m = 0;
    vnfo_record dec;
    FUZZ_ASSERT(vnfo_record_encode(enc, sizeof enc, &n, rec) == VNFO_OK);
    FUZZ_ASSERT(vnfo_record_decode(&dec, enc, n) == VNFO_OK);
    FUZZ_ASSERT(vnfo_record_encode(again, sizeof again, &m, &dec) == VNFO_OK);
    FUZZ_ASSERT(m == n && memcmp(enc, again, n) == 0);
    switch (rec->type) {
    case VNFO_RECORD_PACKET:
        if (rec->u.packet.verdict == VNFO_VERDICT_FORWARDED)
            e->forwarded++;
        else if (rec->u.packet.verdict == VNFO_VERDICT_DROPPED)
            e->dropped++;
        else
            e->generated++;
        break;
    case VNFO_RECORD_LOSS_NOTICE:
        e->notices++;
        break;
    default:
        FUZZ_ASSERT(!"unexpected record type");
    }
    return VNFO_OK;
}

static const vnfo_sampler *fuzz_sampler(unsigned which)
{
    static vnfo_sampler *s[2];
    if (!s[0]) {
        FUZZ_ASSERT(vnfo_init() == VNFO_OK);
        uint8_t key[VNFO_SAMPLER_KEY_BYTES];
        memset(key, 0x5a, sizeof key);
        for (unsigned i = 0; i < 2; i++) {
            vnfo_sampler_options o = VNFO_SAMPLER_OPTIONS_INIT;
            o.rate.num = 1;
            o.rate.den = 1;
            o.fields.preset = i == 0 ? VNFO_FIELDS_PSAMP : VNFO_FIELDS_NAT_SAFE;
            FUZZ_ASSERT(vnfo_sampler_create(&s[i], &o, key, sizeof key) == VNFO_OK);
        }
    }
    return s[which & 1];
}

static void step(vnfo_tap *tap, const uint8_t **p, size_t *left, uint64_t *t)
{
    if (*left < 3) {
        *left = 0;
        return;
    }
    uint8_t op = (*p)[0];
    *t += (uint64_t)(*p)[1] * 100000000u;
    size_t len = (*p)[2];
    *p += 3;
    *left -= 3;
    if (op == 0xfe) {
        FUZZ_ASSERT(vnfo_tap_expire(tap, *t) == VNFO_OK);
        return;
    }
    if (op == 0xff) {
        FUZZ_ASSERT(vnfo_tap_add_capture_loss(tap, len) == VNFO_OK);
        return;
    }
    if (len > *left)
        len = *left;
    uint32_t linktype = linktypes[(op >> 1) & 7];
    uint32_t wire = (uint32_t)len + ((op & 0x10) ? 40u : 0u); /* sometimes captured short */
    vnfo_status s = (op & 1) ? vnfo_tap_egress(tap, *p, len, wire, linktype, *t)
                             : vnfo_tap_ingress(tap, *p, len, wire, linktype, *t);
    FUZZ_ASSERT(s == VNFO_OK);
    *p += len;
    *left -= len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct emitted e = {0, 0, 0, 0};
    vnfo_tap_options o = VNFO_TAP_OPTIONS_INIT;
    o.granularity = (vnfo_record_granularity)(data[0] % 3);
    o.capacity = 1u + ((data[0] >> 2) & 7u);
    o.full_bytes = VNFO_RECORD_HEADER_BYTES; /* the smallest allowed: frames longer fall back to headers */
    o.timeout_ns = 500000000u;
    o.emit = on_record;
    o.emit_ctx = &e;
    vnfo_tap *tap = NULL;
    FUZZ_ASSERT(vnfo_tap_create(&tap, &o, fuzz_sampler(data[0] >> 5)) == VNFO_OK);
    const uint8_t *p = data + 1;
    size_t left = size - 1;
    uint64_t t = 1000000000u;
    while (left > 0)
        step(tap, &p, &left, &t);
    FUZZ_ASSERT(vnfo_tap_finish(tap) == VNFO_OK);
    vnfo_tap_stats st;
    FUZZ_ASSERT(vnfo_tap_stats_get(&st, tap) == VNFO_OK);
    FUZZ_ASSERT(st.pending == 0 && st.pending_peak <= o.capacity);
    FUZZ_ASSERT(st.ingress_selected == st.forwarded + st.dropped + st.overflow);
    FUZZ_ASSERT(st.egress_selected == st.forwarded + st.generated);
    FUZZ_ASSERT(st.forwarded == e.forwarded && st.dropped == e.dropped &&
                st.generated == e.generated && st.loss_notices == e.notices);
    vnfo_tap_free(tap);
    return 0;
}
