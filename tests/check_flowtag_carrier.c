/* Check suite for the tag carriers: round trips, untouched neighbouring bits,
 * the IPv4 checksum (recomputed from scratch), width refusals, and every
 * truncation of every header. */
#include <vnfo/flowtag.h>

#include "testutil.h"

/* The RFC 791 header checksum computed over the whole header. */
static uint16_t ipv4_checksum(const uint8_t *h, size_t ihl_bytes)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < ihl_bytes; i += 2)
        if (i != 10)
            sum += (uint32_t)(h[i] << 8 | h[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

static size_t make_ipv4(uint8_t *p, uint8_t tos, uint8_t ihl_words)
{
    memset(p, 0, 60);
    p[0] = (uint8_t)(0x40 | ihl_words);
    p[1] = tos;
    p[2] = 0x05;
    p[3] = 0xDC;
    p[4] = 0x12;
    p[5] = 0x34;
    p[8] = 64;
    p[9] = 6;
    uint8_t addrs[8] = {10, 0, 0, 1, 198, 51, 100, 7};
    memcpy(p + 12, addrs, 8);
    for (size_t i = 20; i < (size_t)ihl_words * 4; i++)
        p[i] = (uint8_t)(i * 7); /* options */
    uint16_t c = ipv4_checksum(p, (size_t)ihl_words * 4);
    p[10] = (uint8_t)(c >> 8);
    p[11] = (uint8_t)c;
    return (size_t)ihl_words * 4;
}

START_TEST(test_dscp_checksum)
{
    uint8_t p[60];
    for (unsigned ecn = 0; ecn < 4; ecn++)
        for (uint32_t tag = 1; tag < 64; tag++) {
            size_t n = make_ipv4(p, (uint8_t)(0xB8 | ecn), tag % 2 ? 5 : 7);
            ck_assert_status(vnfo_flowtag_carrier_write(p, n, 0, VNFO_FLOWTAG_CARRIER_IPV4_DSCP, 6, tag),
                             VNFO_OK);
            ck_assert_uint_eq(p[1], tag << 2 | ecn);
            uint16_t stored = (uint16_t)(p[10] << 8 | p[11]);
            ck_assert_uint_eq(stored, ipv4_checksum(p, n));
            uint32_t got;
            ck_assert_status(vnfo_flowtag_carrier_read(&got, p, n, 0, VNFO_FLOWTAG_CARRIER_IPV4_DSCP, 6),
                             VNFO_OK);
            ck_assert_uint_eq(got, tag);
        }
    /* Writing the value already there keeps the checksum as it was. */
    size_t n = make_ipv4(p, 0x28, 5);
    uint8_t before[60];
    memcpy(before, p, n);
    ck_assert_status(vnfo_flowtag_carrier_write(p, n, 0, VNFO_FLOWTAG_CARRIER_IPV4_DSCP, 6, 10), VNFO_OK);
    ck_assert_mem_eq(p, before, n);
}
END_TEST

START_TEST(test_dscp_refusals)
{
    uint8_t p[60];
    size_t n = make_ipv4(p, 0, 5);
    ck_assert_status(vnfo_flowtag_carrier_write(p, n, 0, VNFO_FLOWTAG_CARRIER_IPV4_DSCP, 12, 1),
                     VNFO_E_FLOWTAG_WIDTH);
    ck_assert_status(vnfo_flowtag_carrier_write(p, n, 0, VNFO_FLOWTAG_CARRIER_IPV4_DSCP, 6, 64),
                     VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_flowtag_carrier_write(p, n, 0, VNFO_FLOWTAG_CARRIER_IPV4_DSCP, 6, 0),
                     VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_flowtag_carrier_write(p, n, 0, VNFO_FLOWTAG_CARRIER_IPV4_DSCP, 7, 1),
                     VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_flowtag_carrier_write(p, n, 0, (vnfo_flowtag_carrier)9, 6, 1),
                     VNFO_E_INVALID_ARGUMENT);
    p[0] = 0x65; /* version 6 */
    ck_assert_status(vnfo_flowtag_carrier_write(p, n, 0, VNFO_FLOWTAG_CARRIER_IPV4_DSCP, 6, 1),
                     VNFO_E_FLOWTAG_CARRIER);
    p[0] = 0x44; /* IHL 4: below the minimum */
    ck_assert_status(vnfo_flowtag_carrier_write(p, n, 0, VNFO_FLOWTAG_CARRIER_IPV4_DSCP, 6, 1),
                     VNFO_E_FLOWTAG_CARRIER);
    p[0] = 0x46; /* IHL 6: options past the 20 bytes we have */
    ck_assert_status(vnfo_flowtag_carrier_write(p, 20, 0, VNFO_FLOWTAG_CARRIER_IPV4_DSCP, 6, 1),
                     VNFO_E_FLOWTAG_CARRIER);
    ck_assert_status(vnfo_flowtag_carrier_write(p, 20, 21, VNFO_FLOWTAG_CARRIER_IPV4_DSCP, 6, 1),
                     VNFO_E_FLOWTAG_CARRIER);
    ck_assert_status(vnfo_flowtag_carrier_write(p, 20, SIZE_MAX, VNFO_FLOWTAG_CARRIER_IPV4_DSCP, 6, 1),
                     VNFO_E_FLOWTAG_CARRIER);
    ck_assert_status(vnfo_flowtag_carrier_write(NULL, 20, 0, VNFO_FLOWTAG_CARRIER_IPV4_DSCP, 6, 1),
                     VNFO_E_INVALID_ARGUMENT);
}
END_TEST

START_TEST(test_ipv6_flow_label)
{
    uint8_t p[14 + 40];
    memset(p, 0xEE, 14); /* an Ethernet header in front: offset 14 */
    memset(p + 14, 0, 40);
    p[14] = 0x6A; /* version 6, traffic class 0xAB */
    p[15] = 0xB5; /* low TC nibble, label starts */
    p[16] = 0x55;
    p[17] = 0x55;
    uint32_t tags[] = {1, 0x12345, 0xFFFFE, 0xFFFFF};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_status(vnfo_flowtag_carrier_write(p, sizeof p, 14, VNFO_FLOWTAG_CARRIER_IPV6_FLOW_LABEL, 20,
                                                    tags[i]),
                         VNFO_OK);
        ck_assert_uint_eq(p[14], 0x6A);
        ck_assert_uint_eq(p[15] >> 4, 0xB);
        uint32_t got;
        ck_assert_status(vnfo_flowtag_carrier_read(&got, p, sizeof p, 14, VNFO_FLOWTAG_CARRIER_IPV6_FLOW_LABEL,
                                                   20),
                         VNFO_OK);
        ck_assert_uint_eq(got, tags[i]);
    }
    /* A 12-bit tag fits a 20-bit label; a label wider than 12 bits is not a 12-bit tag. */
    ck_assert_status(vnfo_flowtag_carrier_write(p, sizeof p, 14, VNFO_FLOWTAG_CARRIER_IPV6_FLOW_LABEL, 12, 0xABC),
                     VNFO_OK);
    uint32_t got;
    ck_assert_status(vnfo_flowtag_carrier_read(&got, p, sizeof p, 14, VNFO_FLOWTAG_CARRIER_IPV6_FLOW_LABEL, 12),
                     VNFO_OK);
    ck_assert_uint_eq(got, 0xABC);
    p[16] = 0xF5;
    ck_assert_status(vnfo_flowtag_carrier_read(&got, p, sizeof p, 14, VNFO_FLOWTAG_CARRIER_IPV6_FLOW_LABEL, 12),
                     VNFO_E_FLOWTAG_CARRIER);
    ck_assert_status(vnfo_flowtag_carrier_write(p, sizeof p, 14, VNFO_FLOWTAG_CARRIER_IPV6_FLOW_LABEL, 24, 1),
                     VNFO_E_FLOWTAG_WIDTH);
    ck_assert_status(vnfo_flowtag_carrier_read(&got, p, sizeof p, 14, VNFO_FLOWTAG_CARRIER_IPV6_FLOW_LABEL, 32),
                     VNFO_E_FLOWTAG_WIDTH);
    ck_assert_status(vnfo_flowtag_carrier_write(p, sizeof p, 0, VNFO_FLOWTAG_CARRIER_IPV6_FLOW_LABEL, 20, 1),
                     VNFO_E_FLOWTAG_CARRIER); /* 0xEE: not version 6 */
}
END_TEST

START_TEST(test_vlan)
{
    uint8_t f[18];
    memset(f, 0x11, 12);
    f[12] = 0x81;
    f[13] = 0x00;
    f[14] = 0xA0 | 0x01; /* PCP 5, DEI 0, VID 0x123 */
    f[15] = 0x23;
    f[16] = 0x08;
    f[17] = 0x00;
    ck_assert_status(vnfo_flowtag_carrier_write(f, sizeof f, 0, VNFO_FLOWTAG_CARRIER_VLAN, 12, 0xFFE), VNFO_OK);
    ck_assert_uint_eq(f[14], 0xAF);
    ck_assert_uint_eq(f[15], 0xFE);
    ck_assert_uint_eq(f[16], 0x08);
    uint32_t got;
    ck_assert_status(vnfo_flowtag_carrier_read(&got, f, sizeof f, 0, VNFO_FLOWTAG_CARRIER_VLAN, 12), VNFO_OK);
    ck_assert_uint_eq(got, 0xFFE);
    ck_assert_status(vnfo_flowtag_carrier_write(f, sizeof f, 0, VNFO_FLOWTAG_CARRIER_VLAN, 6, 33), VNFO_OK);
    ck_assert_status(vnfo_flowtag_carrier_read(&got, f, sizeof f, 0, VNFO_FLOWTAG_CARRIER_VLAN, 6), VNFO_OK);
    ck_assert_uint_eq(got, 33);
    ck_assert_status(vnfo_flowtag_carrier_write(f, sizeof f, 0, VNFO_FLOWTAG_CARRIER_VLAN, 20, 1),
                     VNFO_E_FLOWTAG_WIDTH);
    f[12] = 0x88;
    f[13] = 0xA8; /* 802.1ad outer tag is accepted */
    ck_assert_status(vnfo_flowtag_carrier_read(&got, f, sizeof f, 0, VNFO_FLOWTAG_CARRIER_VLAN, 12), VNFO_OK);
    f[13] = 0x00; /* 0x8800: untagged frame */
    ck_assert_status(vnfo_flowtag_carrier_read(&got, f, sizeof f, 0, VNFO_FLOWTAG_CARRIER_VLAN, 12),
                     VNFO_E_FLOWTAG_CARRIER);
}
END_TEST

/* An NSH header (RFC 8300) of MD type md with the given context bytes. */
static size_t make_nsh(uint8_t *p, unsigned md, const uint8_t *ctx, size_t ctx_len)
{
    size_t words = 2 + ctx_len / 4;
    p[0] = 0x0F; /* Ver 0, O 0, U 0, TTL high bits */
    p[1] = (uint8_t)(0xC0 | words); /* TTL low bits 11, Length */
    p[2] = (uint8_t)md;
    p[3] = 0x01; /* next protocol IPv4 */
    p[4] = 0x00;
    p[5] = 0x01;
    p[6] = 0x02; /* SPI 0x102 */
    p[7] = 0xFF; /* SI 255 */
    memcpy(p + 8, ctx, ctx_len);
    return 8 + ctx_len;
}

START_TEST(test_nsh_md1)
{
    uint8_t p[24], ctx[16];
    for (int i = 0; i < 16; i++)
        ctx[i] = (uint8_t)(0xC0 + i);
    size_t n = make_nsh(p, 1, ctx, 16);
    ck_assert_status(vnfo_flowtag_carrier_write(p, n, 0, VNFO_FLOWTAG_CARRIER_NSH_MD1, 32, 0xDEADBEEF), VNFO_OK);
    ck_assert_uint_eq(p[8], 0xDE);
    ck_assert_uint_eq(p[11], 0xEF);
    ck_assert_mem_eq(p + 12, ctx + 4, 12);
    ck_assert_uint_eq(p[1], 0xC6);
    uint32_t got;
    ck_assert_status(vnfo_flowtag_carrier_read(&got, p, n, 0, VNFO_FLOWTAG_CARRIER_NSH_MD1, 32), VNFO_OK);
    ck_assert_uint_eq(got, 0xDEADBEEF);
    /* A 24-bit table reads only 24-bit values. */
    ck_assert_status(vnfo_flowtag_carrier_read(&got, p, n, 0, VNFO_FLOWTAG_CARRIER_NSH_MD1, 24),
                     VNFO_E_FLOWTAG_CARRIER);
    ck_assert_status(vnfo_flowtag_carrier_write(p, n, 0, VNFO_FLOWTAG_CARRIER_NSH_MD1, 24, 0xABCDEF), VNFO_OK);
    ck_assert_status(vnfo_flowtag_carrier_read(&got, p, n, 0, VNFO_FLOWTAG_CARRIER_NSH_MD1, 24), VNFO_OK);
    ck_assert_uint_eq(got, 0xABCDEF);
    ck_assert_status(vnfo_flowtag_carrier_read(&got, p, n, 0, VNFO_FLOWTAG_CARRIER_NSH_MD2, 24),
                     VNFO_E_FLOWTAG_CARRIER); /* it is MD type 1 */
    p[1] = 0xC5; /* MD type 1 with Length 5 violates RFC 8300 */
    ck_assert_status(vnfo_flowtag_carrier_read(&got, p, n, 0, VNFO_FLOWTAG_CARRIER_NSH_MD1, 24),
                     VNFO_E_FLOWTAG_CARRIER);
    p[1] = 0xC6;
    p[0] = 0x4F; /* version 1 */
    ck_assert_status(vnfo_flowtag_carrier_read(&got, p, n, 0, VNFO_FLOWTAG_CARRIER_NSH_MD1, 24),
                     VNFO_E_FLOWTAG_CARRIER);
}
END_TEST

START_TEST(test_nsh_md2)
{
    uint8_t ctx[20], p[32];
    /* First a foreign TLV (class 0x0000 type 5, 3 bytes + 1 pad), then ours. */
    uint8_t other[8] = {0x00, 0x00, 0x05, 0x03, 0xAA, 0xBB, 0xCC, 0x00};
    memcpy(ctx, other, 8);
    ck_assert_status(vnfo_flowtag_nsh_tlv_encode(ctx + 8, 8, 0x00123456), VNFO_OK);
    ck_assert_uint_eq(vnfo_flowtag_nsh_tlv_bytes(), 8);
    ck_assert_uint_eq(ctx[8], 0xFF);
    ck_assert_uint_eq(ctx[9], 0xF6);
    ck_assert_uint_eq(ctx[10], VNFO_FLOWTAG_NSH_TLV_TYPE);
    ck_assert_uint_eq(ctx[11], 4);
    memset(ctx + 16, 0, 4); /* a zero-length TLV of class 0 type 0 */
    size_t n = make_nsh(p, 2, ctx, 20);
    uint32_t got;
    ck_assert_status(vnfo_flowtag_carrier_read(&got, p, n, 0, VNFO_FLOWTAG_CARRIER_NSH_MD2, 24), VNFO_OK);
    ck_assert_uint_eq(got, 0x123456);
    ck_assert_status(vnfo_flowtag_carrier_write(p, n, 0, VNFO_FLOWTAG_CARRIER_NSH_MD2, 32, 0xFEDCBA98), VNFO_OK);
    ck_assert_mem_eq(p + 8, other, 8);
    ck_assert_status(vnfo_flowtag_carrier_read(&got, p, n, 0, VNFO_FLOWTAG_CARRIER_NSH_MD2, 32), VNFO_OK);
    ck_assert_uint_eq(got, 0xFEDCBA98);
    /* The foreign TLV claims 120 bytes: it runs past the header. */
    p[11] = 120;
    ck_assert_status(vnfo_flowtag_carrier_read(&got, p, n, 0, VNFO_FLOWTAG_CARRIER_NSH_MD2, 32),
                     VNFO_E_FLOWTAG_CARRIER);
    p[11] = 3;
    /* Without our TLV there is nothing to write into. */
    n = make_nsh(p, 2, other, 8);
    ck_assert_status(vnfo_flowtag_carrier_write(p, n, 0, VNFO_FLOWTAG_CARRIER_NSH_MD2, 32, 5),
                     VNFO_E_FLOWTAG_CARRIER);
    ck_assert_status(vnfo_flowtag_nsh_tlv_encode(ctx, 7, 1), VNFO_E_INVALID_ARGUMENT);
}
END_TEST

/* Every carrier on every truncated length: refused, never read past the end
 * (the bytes sit at the end of an exactly sized heap block for ASan). */
START_TEST(test_truncations)
{
    uint8_t full[64];
    uint8_t ctx[16] = {0};
    uint8_t md2[16];
    memset(md2, 0, sizeof md2);
    vnfo_flowtag_nsh_tlv_encode(md2, 8, 9);
    for (int which = 0; which < 5; which++) {
        vnfo_flowtag_carrier c;
        unsigned width;
        size_t len;
        switch (which) {
        case 0: len = make_nsh(full, 1, ctx, 16); c = VNFO_FLOWTAG_CARRIER_NSH_MD1; width = 24; break;
        case 1: len = make_nsh(full, 2, md2, 8); c = VNFO_FLOWTAG_CARRIER_NSH_MD2; width = 24; break;
        case 2: memset(full, 0, 40); full[0] = 0x60; len = 40; c = VNFO_FLOWTAG_CARRIER_IPV6_FLOW_LABEL; width = 20; break;
        case 3: memset(full, 0, 16); full[12] = 0x81; len = 16; c = VNFO_FLOWTAG_CARRIER_VLAN; width = 12; break;
        default: len = make_ipv4(full, 0, 6); c = VNFO_FLOWTAG_CARRIER_IPV4_DSCP; width = 6; break;
        }
        for (size_t cut = 0; cut <= len; cut++) {
            uint8_t *p = malloc(cut ? cut : 1);
            memcpy(p, full, cut);
            uint32_t got;
            vnfo_status want = cut == len ? VNFO_OK : VNFO_E_FLOWTAG_CARRIER;
            ck_assert_status(vnfo_flowtag_carrier_write(p, cut, 0, c, width, 3), want);
            ck_assert_status(vnfo_flowtag_carrier_read(&got, p, cut, 0, c, width), want);
            if (want == VNFO_OK)
                ck_assert_uint_eq(got, 3);
            free(p);
        }
    }
    ck_assert_uint_eq(vnfo_flowtag_carrier_bits(VNFO_FLOWTAG_CARRIER_NSH_MD1), 32);
    ck_assert_uint_eq(vnfo_flowtag_carrier_bits(VNFO_FLOWTAG_CARRIER_IPV4_DSCP), 6);
    ck_assert_uint_eq(vnfo_flowtag_carrier_bits((vnfo_flowtag_carrier)0), 0);
}
END_TEST

/* A table's tags through every carrier wide enough for its width. */
START_TEST(test_table_tags_through_carriers)
{
    vnfo_flowtag_options o = VNFO_FLOWTAG_OPTIONS_INIT;
    o.width_bits = 12;
    o.capacity = 100;
    vnfo_flowtag_table *t;
    ck_assert_status(vnfo_flowtag_table_create(&t, &o), VNFO_OK);
    uint8_t frame[16 + 40];
    memset(frame, 0, sizeof frame);
    frame[12] = 0x81;
    frame[16] = 0x60;
    for (uint32_t i = 0; i < 100; i++) {
        vnfo_flow_key k;
        memset(&k, 0, sizeof k);
        k.ip_version = 4;
        k.src_port = (uint16_t)i;
        vnfo_flowtag_event ev;
        ck_assert_status(vnfo_flowtag_generate(&ev, t, &k, &k, 0, 0, 0), VNFO_OK);
        uint32_t tag = ev.context.tag, got;
        ck_assert_status(vnfo_flowtag_carrier_write(frame, sizeof frame, 0, VNFO_FLOWTAG_CARRIER_VLAN, 12, tag),
                         VNFO_OK);
        ck_assert_status(vnfo_flowtag_carrier_read(&got, frame, sizeof frame, 0, VNFO_FLOWTAG_CARRIER_VLAN, 12),
                         VNFO_OK);
        vnfo_flowtag_context c;
        ck_assert_status(vnfo_flowtag_consume(&c, t, got), VNFO_OK);
        ck_assert_uint_eq(c.original.src_port, i);
        ck_assert_status(vnfo_flowtag_carrier_write(frame, sizeof frame, 16,
                                                    VNFO_FLOWTAG_CARRIER_IPV6_FLOW_LABEL, 12, tag),
                         VNFO_OK);
        ck_assert_status(vnfo_flowtag_carrier_read(&got, frame, sizeof frame, 16,
                                                   VNFO_FLOWTAG_CARRIER_IPV6_FLOW_LABEL, 12),
                         VNFO_OK);
        ck_assert_uint_eq(got, tag);
    }
    vnfo_flowtag_table_free(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("flowtag carriers");
    TCase *tc = tcase_create("carriers");
    tcase_add_test(tc, test_dscp_checksum);
    tcase_add_test(tc, test_dscp_refusals);
    tcase_add_test(tc, test_ipv6_flow_label);
    tcase_add_test(tc, test_vlan);
    tcase_add_test(tc, test_nsh_md1);
    tcase_add_test(tc, test_nsh_md2);
    tcase_add_test(tc, test_truncations);
    tcase_add_test(tc, test_table_tags_through_carriers);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
