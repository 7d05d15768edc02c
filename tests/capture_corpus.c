/* Writes the capture corpus of issue 12 into a folder: one small capture
 * per fault the verifier met on real captures, each of 1000 frames of the
 * project's synthetic traffic (tools/traffic.h) re-wrapped in one link
 * layer or encapsulation (tools/encap.h), timestamps inside the demo
 * manifest's billing period, 20 us apart:
 *
 *   null-le.pcap null-be.pcap loop.pcap   BSD loopback (LINKTYPE 0 both orders, 108)
 *   raw.pcap ipv4.pcap ipv6.pcap          raw IP (101; 228, 229: IPv4 / IPv6 only)
 *   sll.pcap sll2.pcap                    Linux cooked v1 (113), v2 (276)
 *   ppp.pcap ppp-hdlc.pcap chdlc.pcap     PPP (9), PPP in HDLC framing (50), Cisco HDLC (104)
 *   nflog.pcap                            NFLOG (239)
 *   vlan3.pcap                            Ethernet, QinQ plus a third tag
 *   mpls.pcap                             Ethernet, one VLAN tag and two MPLS labels
 *   stacks.pcap                           Ethernet, 0..4 tags and 0..3 labels varying per frame
 *   equal-labels.pcap                     Ethernet; one packet in ten has a back-to-back twin
 *                                         with equal sampled bytes (an exact copy, or a payload
 *                                         that differs only past the hashed bytes)
 *   mixed-snaplen.pcapng                  pcapng whose two interfaces have different
 *                                         snapshot lengths (libpcap refuses it; vnfo reads it)
 *   same-snaplen.pcapng                   the same packets, one snapshot length (libpcap reads it)
 *   mixed-linktype.pcapng                 the same, the second interface raw IP (refused)
 *
 * usage: capture_corpus DIR */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <vnfo/packet.h>

#include "encap.h"
#include "traffic.h"

#define FRAMES 1000
/* 2026-11-01T01:00:00Z in microseconds: inside the demo billing period */
#define T0_US ((1793491200ULL + 3600ULL) * 1000000ULL)

static const char *dir;

static int fail(const char *what, const char *path)
{
    fprintf(stderr, "capture_corpus: %s: %s: %s\n", path, what, strerror(errno));
    return 1;
}

/* The IP packet inside a generated Ethernet frame. */
static size_t ip_of(const uint8_t **ip, const uint8_t *frame, size_t len)
{
    vnfo_packet_view v;
    if (vnfo_packet_parse(&v, frame, len, VNFO_LINKTYPE_ETHERNET) != VNFO_OK)
        return 0;
    *ip = frame + v.l3_offset;
    return len - v.l3_offset;
}

/* One capture of the generator's traffic in encapsulation e; want_version
 * 4 or 6 keeps only that IP version (raw IPv4/IPv6 link types). */
static int write_wrapped(const char *name, const struct encap *e, int vary, int want_version)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    traffic_gen g;
    traffic_pcap pc;
    if (traffic_gen_init(&g, 2026, 60) != 0)
        return fail("out of memory", path);
    if (traffic_pcap_open(&pc, path, e->linktype, 65535) != 0) {
        traffic_gen_free(&g);
        return fail("cannot write", path);
    }
    uint8_t frame[TRAFFIC_FRAME_MAX], out[TRAFFIC_FRAME_MAX + 256];
    int rc = 0;
    for (unsigned i = 0, written = 0; rc == 0 && written < FRAMES; i++) {
        size_t len = traffic_gen_next(&g, frame, sizeof frame, NULL);
        const uint8_t *ip;
        size_t ip_len = ip_of(&ip, frame, len);
        if (!ip_len || (want_version && ip[0] >> 4 != want_version))
            continue;
        struct encap x = *e;
        if (vary) { /* the stack a provider edge pushes or pops, frame by frame */
            x.vlans = i % 5;
            x.labels = (i / 5) % 4;
        }
        size_t n = encap_wrap(out, sizeof out, &x, ip, ip_len);
        rc = n ? traffic_pcap_write(&pc, T0_US + (uint64_t)written * 20, out, n) : -1;
        written++;
    }
    if (traffic_pcap_close(&pc) != 0)
        rc = -1;
    traffic_gen_free(&g);
    return rc ? fail("cannot write", path) : 0;
}

/* Mostly distinct TCP segments (IP id 0, as Linux sends with DF), one in
 * ten followed back to back by a twin with equal sampled bytes: half of
 * the twins exact copies (a retransmission), half differing only at
 * payload byte 300 (past every hashed byte), so their labels are equal and
 * their digests not.  Twins are few, as in real traffic: sampling packets
 * in pairs inflates the variance of count estimates (a separate issue). */
static int write_equal_labels(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/equal-labels.pcap", dir);
    traffic_pcap pc;
    if (traffic_pcap_open(&pc, path, VNFO_LINKTYPE_ETHERNET, 65535) != 0)
        return fail("cannot write", path);
    uint8_t payload[400], frame[TRAFFIC_FRAME_MAX];
    int rc = 0;
    for (unsigned i = 0, written = 0; rc == 0 && written < FRAMES; i++) {
        traffic_spec s;
        memset(&s, 0, sizeof s);
        s.linktype = VNFO_LINKTYPE_ETHERNET;
        s.ip_version = 4;
        s.proto = 6;
        s.src[0] = 10, s.src[3] = (uint8_t)(1 + i % 7);
        s.dst[0] = 192, s.dst[1] = 0, s.dst[2] = 2, s.dst[3] = 10;
        s.sport = (uint16_t)(20000 + i);
        s.dport = 445;
        s.seq = 0x1000u + i * 400u;
        s.ack = 0x9000u;
        s.tcp_flags = 0x18;
        s.ip_id = 0;
        s.ttl = 64;
        for (size_t k = 0; k < sizeof payload; k++)
            payload[k] = (uint8_t)(k * 7 + i);
        s.payload = payload;
        s.payload_len = sizeof payload;
        int copies = i % 10 == 0 ? 2 : 1;
        for (int copy = 0; rc == 0 && copy < copies && written < FRAMES; copy++, written++) {
            if (copy && i % 20 == 10)
                payload[300] ^= 0x5a;
            size_t n = traffic_build(frame, sizeof frame, &s);
            rc = n ? traffic_pcap_write(&pc, T0_US + (uint64_t)written * 20, frame, n) : -1;
        }
    }
    if (traffic_pcap_close(&pc) != 0)
        rc = -1;
    return rc ? fail("cannot write", path) : 0;
}

/* pcapng blocks, little-endian. */
static void le32(FILE *f, uint32_t x)
{
    uint8_t b[4] = {(uint8_t)x, (uint8_t)(x >> 8), (uint8_t)(x >> 16), (uint8_t)(x >> 24)};
    fwrite(b, 1, 4, f);
}

static void le16(FILE *f, uint16_t x)
{
    uint8_t b[2] = {(uint8_t)x, (uint8_t)(x >> 8)};
    fwrite(b, 1, 2, f);
}

/* An interface description block; with nanoseconds, an if_tsresol option. */
static void idb(FILE *f, uint16_t linktype, uint32_t snaplen, int nanoseconds)
{
    le32(f, 1), le32(f, nanoseconds ? 32 : 20), le16(f, linktype), le16(f, 0), le32(f, snaplen);
    if (nanoseconds) /* if_tsresol = 9 (10^-9 s), then opt_endofopt */
        le16(f, 9), le16(f, 1), fputc(9, f), fputc(0, f), fputc(0, f), fputc(0, f), le32(f, 0);
    le32(f, nanoseconds ? 32 : 20);
}

static void epb(FILE *f, uint32_t iface, uint64_t t, const uint8_t *frame, uint32_t len)
{
    uint32_t padded = (len + 3) & ~3u;
    le32(f, 6), le32(f, 32 + padded), le32(f, iface), le32(f, (uint32_t)(t >> 32)),
        le32(f, (uint32_t)t), le32(f, len), le32(f, len);
    fwrite(frame, 1, len, f);
    for (uint32_t k = len; k < padded; k++)
        fputc(0, f);
    le32(f, 32 + padded);
}

/* Two interfaces, packets alternating between them, the second stamping in
 * nanoseconds, as dumpcap writes when capturing on two interfaces: with
 * snapshot lengths 65535 and 262144 (valid; libpcap 1.10 refuses it), with
 * both 65535 (libpcap reads it: the reference for the same packets), or
 * with the second interface raw IP (vnfo reads one link type per file). */
static int write_two_interfaces(const char *name, uint32_t snaplen2, uint16_t linktype2)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return fail("cannot write", path);
    le32(f, 0x0a0d0d0a), le32(f, 28), le32(f, 0x1a2b3c4d), le16(f, 1), le16(f, 0);
    le32(f, 0xffffffffu), le32(f, 0xffffffffu), le32(f, 28);
    idb(f, VNFO_LINKTYPE_ETHERNET, 65535, 0);
    idb(f, linktype2, snaplen2, 1);
    traffic_gen g;
    if (traffic_gen_init(&g, 2026, 60) != 0) {
        fclose(f);
        return fail("out of memory", path);
    }
    uint8_t frame[TRAFFIC_FRAME_MAX];
    for (unsigned i = 0; i < FRAMES; i++) {
        size_t n = traffic_gen_next(&g, frame, sizeof frame, NULL);
        uint64_t us = T0_US + i * 20u;
        const uint8_t *ip;
        size_t ip_len;
        if (i % 2 == 0)
            epb(f, 0, us, frame, (uint32_t)n);
        else if (linktype2 == VNFO_LINKTYPE_ETHERNET)
            epb(f, 1, us * 1000u, frame, (uint32_t)n);
        else if ((ip_len = ip_of(&ip, frame, n)) > 0)
            epb(f, 1, us * 1000u, ip, (uint32_t)ip_len);
    }
    traffic_gen_free(&g);
    return fclose(f) != 0 ? fail("cannot write", path) : 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: capture_corpus DIR\n");
        return 64;
    }
    dir = argv[1];
    static const struct {
        const char *name;
        struct encap e;
        int vary, version;
    } C[] = {
        {"null-le.pcap", {VNFO_LINKTYPE_NULL, 0, 0, 0, 0, 0}, 0, 0},
        {"null-be.pcap", {VNFO_LINKTYPE_NULL, 0, 0, 1, 0, 0}, 0, 0},
        {"loop.pcap", {VNFO_LINKTYPE_LOOP, 0, 0, 0, 0, 0}, 0, 0},
        {"raw.pcap", {VNFO_LINKTYPE_RAW, 0, 0, 0, 0, 0}, 0, 0},
        {"ipv4.pcap", {VNFO_LINKTYPE_IPV4, 0, 0, 0, 0, 0}, 0, 4},
        {"ipv6.pcap", {VNFO_LINKTYPE_IPV6, 0, 0, 0, 0, 0}, 0, 6},
        {"sll.pcap", {VNFO_LINKTYPE_LINUX_SLL, 0, 0, 0, 0, 0}, 0, 0},
        {"sll2.pcap", {VNFO_LINKTYPE_LINUX_SLL2, 0, 0, 0, 0, 0}, 0, 0},
        {"ppp.pcap", {VNFO_LINKTYPE_PPP, 0, 0, 0, 1, 0}, 0, 0},
        {"ppp-hdlc.pcap", {VNFO_LINKTYPE_PPP_HDLC, 0, 0, 0, 0, 0}, 0, 0},
        {"chdlc.pcap", {VNFO_LINKTYPE_C_HDLC, 0, 0, 0, 0, 0}, 0, 0},
        {"nflog.pcap", {VNFO_LINKTYPE_NFLOG, 0, 0, 0, 0, 0}, 0, 0},
        {"vlan3.pcap", {VNFO_LINKTYPE_ETHERNET, 3, 0, 0, 0, 0}, 0, 0},
        {"mpls.pcap", {VNFO_LINKTYPE_ETHERNET, 1, 2, 0, 0, 0}, 0, 0},
        {"stacks.pcap", {VNFO_LINKTYPE_ETHERNET, 0, 0, 0, 0, 0}, 1, 0},
    };
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++)
        if (write_wrapped(C[i].name, &C[i].e, C[i].vary, C[i].version) != 0)
            return 3;
    if (write_equal_labels() != 0 ||
        write_two_interfaces("mixed-snaplen.pcapng", 262144, VNFO_LINKTYPE_ETHERNET) != 0 ||
        write_two_interfaces("same-snaplen.pcapng", 65535, VNFO_LINKTYPE_ETHERNET) != 0 ||
        write_two_interfaces("mixed-linktype.pcapng", 65535, VNFO_LINKTYPE_RAW) != 0)
        return 3;
    return 0;
}
