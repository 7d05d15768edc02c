/* Deterministic synthetic traffic shared by the tests, the benchmarks, the
 * CLI (vnfo generate, vnfo demo) and the simulator: mixed TCP/UDP flows over
 * IPv4/IPv6, some VLAN-tagged, with plausible payloads, plus a plain pcap
 * writer.  Not part of the library's API (built as a noinst convenience
 * library); everything is a function of the seed. */
#ifndef VNFO_TRAFFIC_H
#define VNFO_TRAFFIC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Largest frame traffic_build() produces. */
#define TRAFFIC_FRAME_MAX 1600

/* One packet to build. */
typedef struct traffic_spec {
    uint32_t linktype;     /* 1 Ethernet, 101 raw, 113 Linux SLL */
    int ip_version;        /* 4 or 6 */
    uint8_t proto;         /* 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6 */
    uint8_t src[16], dst[16];
    uint16_t sport, dport; /* TCP/UDP; ICMP echo uses sport as the identifier */
    uint32_t seq, ack;     /* TCP */
    uint8_t tcp_flags;     /* TCP, e.g. 0x18 PSH|ACK */
    uint16_t ip_id;        /* IPv4 */
    uint8_t ttl;           /* TTL or hop limit */
    uint8_t tos;           /* DSCP/ECN or traffic class */
    uint32_t flow_label;   /* IPv6 */
    int vlan_count;        /* 0..2 (Ethernet only) */
    uint16_t vlan[2];      /* VLAN ids, outer first */
    const uint8_t *payload;
    size_t payload_len;
} traffic_spec;

/* Writes the frame described by s (valid checksums) into out and returns its
 * length, or 0 when it does not fit in cap. */
size_t traffic_build(uint8_t *out, size_t cap, const traffic_spec *s);

/* Recomputes the IPv4 header checksum and the TCP/UDP/ICMP checksum of a
 * frame built by traffic_build() after a field was rewritten. */
void traffic_fix_checksums(uint8_t *frame, size_t len, const traffic_spec *s);

/* One flow of the generator. */
typedef struct traffic_flow {
    traffic_spec spec; /* addresses, ports, protocol, encapsulation */
    uint32_t packets;  /* packets sent so far */
} traffic_flow;

/* A generator: call traffic_gen_init, then traffic_gen_next per packet. */
typedef struct traffic_gen {
    uint64_t state;
    uint32_t nflows;
    traffic_flow *flows;
    uint8_t payload[TRAFFIC_FRAME_MAX];
} traffic_gen;

/* Sets up nflows flows (1..1000000) from seed; 0 on success, -1 when out of
 * memory or nflows is out of range. */
int traffic_gen_init(traffic_gen *g, uint64_t seed, uint32_t nflows);
void traffic_gen_free(traffic_gen *g);

#define TRAFFIC_SERVERS_MAX 256
/* Lets the flows share servers: per IP version and protocol, the first
 * `servers` flows keep their own server (address and port); each later one
 * takes the server of one of them, in turn (so several clients talk to one
 * server, as with a DNS resolver).  Call after traffic_gen_init; 0, or -1
 * when servers is 0 or above TRAFFIC_SERVERS_MAX. */
int traffic_gen_share_servers(traffic_gen *g, uint32_t servers);

/* Builds the next packet into out (cap >= TRAFFIC_FRAME_MAX) and returns its
 * length.  spec_out, when not NULL, receives its description (the payload
 * pointer refers to the generator and is valid until the next call). */
size_t traffic_gen_next(traffic_gen *g, uint8_t *out, size_t cap, traffic_spec *spec_out);

/* A 64-bit pseudo-random number (splitmix64) from *state. */
uint64_t traffic_rand(uint64_t *state);

/* pcap files (classic format, microsecond timestamps, written by hand). */
typedef struct traffic_pcap {
    FILE *f;
    uint32_t linktype;
} traffic_pcap;

/* Creates path and writes the file header; 0 or -1 (errno set). */
int traffic_pcap_open(traffic_pcap *p, const char *path, uint32_t linktype, uint32_t snaplen);
/* Appends one record; 0 or -1. */
int traffic_pcap_write(traffic_pcap *p, uint64_t time_us, const uint8_t *frame, size_t len);
/* Flushes and closes; 0 or -1. */
int traffic_pcap_close(traffic_pcap *p);

#endif
