/* Helpers shared by the flowtag suites: flow keys and tables. */
#ifndef VNFO_FLOWTAG_TESTUTIL_H
#define VNFO_FLOWTAG_TESTUTIL_H

#include <vnfo/flowtag.h>

#include "testutil.h"

/* An IPv4 TCP flow 10.x.y.z:sport -> 192.0.2.1:80 numbered by i. */
static inline vnfo_flow_key ft_key4(uint32_t i, uint16_t sport)
{
    vnfo_flow_key k;
    memset(&k, 0, sizeof k);
    k.ip_version = 4;
    k.proto = 6;
    k.src[0] = 10;
    k.src[1] = (uint8_t)(i >> 16);
    k.src[2] = (uint8_t)(i >> 8);
    k.src[3] = (uint8_t)i;
    k.dst[0] = 192;
    k.dst[2] = 2;
    k.dst[3] = 1;
    k.src_port = sport;
    k.dst_port = 80;
    return k;
}

/* An IPv6 UDP flow 2001:db8::i -> 2001:db8::1:53 numbered by i. */
static inline vnfo_flow_key ft_key6(uint32_t i)
{
    vnfo_flow_key k;
    memset(&k, 0, sizeof k);
    k.ip_version = 6;
    k.proto = 17;
    k.src[0] = 0x20;
    k.src[1] = 0x01;
    k.src[2] = 0x0d;
    k.src[3] = 0xb8;
    k.src[12] = (uint8_t)(i >> 24);
    k.src[13] = (uint8_t)(i >> 16);
    k.src[14] = (uint8_t)(i >> 8);
    k.src[15] = (uint8_t)i;
    memcpy(k.dst, k.src, 12);
    k.dst[15] = 1;
    k.src_port = (uint16_t)(1024 + i % 60000);
    k.dst_port = 53;
    return k;
}

/* The flow after a NAT that maps it to 203.0.113.1:(i + 1000). */
static inline vnfo_flow_key ft_nat(const vnfo_flow_key *in, uint32_t i)
{
    vnfo_flow_key k = *in;
    memset(k.src, 0, sizeof k.src);
    k.ip_version = 4;
    k.src[0] = 203;
    k.src[2] = 113;
    k.src[3] = 1;
    k.src_port = (uint16_t)(1000 + i);
    return k;
}

static inline vnfo_flowtag_table *ft_table(unsigned width, uint32_t capacity, uint64_t timeout)
{
    vnfo_flowtag_options o;
    ck_assert_status(vnfo_flowtag_options_init(&o, VNFO_FLOWTAG_OPTIONS_VERSION), VNFO_OK);
    o.width_bits = width;
    o.capacity = capacity;
    o.idle_timeout = timeout;
    o.node_id = 7;
    vnfo_flowtag_table *t;
    ck_assert_status(vnfo_flowtag_table_create(&t, &o), VNFO_OK);
    return t;
}

#endif
