/* Synthetic traffic and a pcap writer (see traffic.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli_output.h"
#include "traffic.h"

uint64_t traffic_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void be16(uint8_t *p, uint16_t x)
{
    p[0] = (uint8_t)(x >> 8);
    p[1] = (uint8_t)x;
}

static void be32(uint8_t *p, uint32_t x)
{
    be16(p, (uint16_t)(x >> 16));
    be16(p + 2, (uint16_t)x);
}

/* ---- checksums ----------------------------------------------------------- */

static uint32_t sum16(uint32_t acc, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        acc += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        acc += (uint32_t)p[n - 1] << 8;
    return acc;
}

static uint16_t fold(uint32_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)~acc;
}

static size_t link_header_len(const traffic_spec *s)
{
    if (s->linktype == 101)
        return 0;
    if (s->linktype == 113)
        return 16;
    return 14 + 4 * (size_t)s->vlan_count;
}

static size_t l4_header_len(const traffic_spec *s)
{
    return s->proto == 6 ? 20 : 8;
}

void traffic_fix_checksums(uint8_t *frame, size_t len, const traffic_spec *s)
{
    size_t l3 = link_header_len(s), iplen = s->ip_version == 4 ? 20 : 40;
    uint8_t *ip = frame + l3, *l4 = ip + iplen;
    size_t l4len = len - l3 - iplen;
    uint32_t acc = 0;
    if (s->ip_version == 4) {
        be16(ip + 10, 0);
        be16(ip + 10, fold(sum16(0, ip, 20)));
        if (s->proto != 1) {
            acc = sum16(0, ip + 12, 8);
            acc += s->proto + (uint32_t)l4len;
        }
    } else {
        acc = sum16(0, ip + 8, 32);
        acc += s->proto + (uint32_t)l4len;
    }
    size_t ck = s->proto == 6 ? 16 : s->proto == 17 ? 6 : 2;
    be16(l4 + ck, 0);
    uint16_t c = fold(sum16(acc, l4, l4len));
    if (s->proto == 17 && c == 0)
        c = 0xffff;
    be16(l4 + ck, c);
}

/* ---- frames -------------------------------------------------------------- */

static uint8_t *put_link(uint8_t *p, const traffic_spec *s)
{
    uint16_t ethertype = s->ip_version == 4 ? 0x0800 : 0x86dd;
    if (s->linktype == 101)
        return p;
    if (s->linktype == 113) {
        memset(p, 0, 16);
        be16(p, 0);       /* packet sent to us */
        be16(p + 2, 1);   /* ARPHRD_ETHER */
        be16(p + 4, 6);
        memcpy(p + 6, "\x02\x00\x5e\x10\x00\x01", 6);
        be16(p + 14, ethertype);
        return p + 16;
    }
    memcpy(p, "\x02\x00\x5e\x10\x00\x02\x02\x00\x5e\x10\x00\x01", 12);
    p += 12;
    for (int i = 0; i < s->vlan_count; i++) {
        be16(p, i == 0 && s->vlan_count == 2 ? 0x88a8 : 0x8100);
        be16(p + 2, s->vlan[i] & 0x0fff);
        p += 4;
    }
    be16(p, ethertype);
    return p + 2;
}

static uint8_t *put_ip(uint8_t *p, const traffic_spec *s, size_t l4len)
{
    if (s->ip_version == 4) {
        p[0] = 0x45;
        p[1] = s->tos;
        be16(p + 2, (uint16_t)(20 + l4len));
        be16(p + 4, s->ip_id);
        be16(p + 6, 0x4000); /* DF */
        p[8] = s->ttl;
        p[9] = s->proto;
        be16(p + 10, 0);
        memcpy(p + 12, s->src, 4);
        memcpy(p + 16, s->dst, 4);
        return p + 20;
    }
    be32(p, 0x60000000u | (uint32_t)s->tos << 20 | (s->flow_label & 0xfffff));
    be16(p + 4, (uint16_t)l4len);
    p[6] = s->proto;
    p[7] = s->ttl;
    memcpy(p + 8, s->src, 16);
    memcpy(p + 24, s->dst, 16);
    return p + 40;
}

static uint8_t *put_l4(uint8_t *p, const traffic_spec *s, size_t l4len)
{
    memset(p, 0, l4_header_len(s));
    if (s->proto == 6) {
        be16(p, s->sport);
        be16(p + 2, s->dport);
        be32(p + 4, s->seq);
        be32(p + 8, s->ack);
        p[12] = 5 << 4;
        p[13] = s->tcp_flags;
        be16(p + 14, 64240);
        return p + 20;
    }
    if (s->proto == 17) {
        be16(p, s->sport);
        be16(p + 2, s->dport);
        be16(p + 4, (uint16_t)l4len);
        return p + 8;
    }
    p[0] = s->proto == 1 ? 8 : 128; /* echo request */
    be16(p + 4, s->sport);
    be16(p + 6, (uint16_t)s->seq);
    return p + 8;
}

size_t traffic_build(uint8_t *out, size_t cap, const traffic_spec *s)
{
    size_t l4len = l4_header_len(s) + s->payload_len;
    size_t total = link_header_len(s) + (s->ip_version == 4 ? 20 : 40) + l4len;
    if (total > cap || l4len > 65535 - 40)
        return 0;
    uint8_t *p = put_link(out, s);
    p = put_ip(p, s, l4len);
    p = put_l4(p, s, l4len);
    if (s->payload_len)
        memcpy(p, s->payload, s->payload_len);
    traffic_fix_checksums(out, total, s);
    return total;
}

/* ---- the generator ------------------------------------------------------- */

static void random_address(uint64_t *st, traffic_spec *s, uint8_t *addr, int client)
{
    uint64_t r = traffic_rand(st);
    if (s->ip_version == 4) {
        /* clients in 10.0.0.0/8, servers in 198.18.0.0/15 (benchmarking range) */
        addr[0] = client ? 10 : 198;
        addr[1] = client ? (uint8_t)(r >> 8) : (uint8_t)(18 + (r & 1));
        addr[2] = (uint8_t)(r >> 16);
        addr[3] = (uint8_t)(r >> 24);
    } else {
        memcpy(addr, client ? "\x20\x01\x0d\xb8\x00\x01" : "\x20\x01\x0d\xb8\x00\x02", 6);
        for (int i = 6; i < 16; i++)
            addr[i] = (uint8_t)(r >> (8 * (i % 8)));
    }
}

static const uint16_t tcp_ports[] = {80, 443, 22, 8080, 25, 5201};
static const uint16_t udp_ports[] = {53, 443, 123, 4789, 5060, 27015};

static void flow_init(uint64_t *st, traffic_flow *f)
{
    traffic_spec *s = &f->spec;
    memset(f, 0, sizeof *f);
    uint64_t r = traffic_rand(st);
    s->linktype = 1;
    s->ip_version = (r % 100) < 30 ? 6 : 4;
    s->proto = ((r >> 8) % 100) < 70 ? 6 : 17;
    s->vlan_count = ((r >> 16) % 100) < 20 ? 1 : ((r >> 16) % 100) < 25 ? 2 : 0;
    s->vlan[0] = (uint16_t)(100 + (r >> 24) % 10);
    s->vlan[1] = (uint16_t)(200 + (r >> 28) % 50);
    random_address(st, s, s->src, 1);
    random_address(st, s, s->dst, 0);
    r = traffic_rand(st);
    s->sport = (uint16_t)(32768 + r % 28232);
    s->dport = s->proto == 6 ? tcp_ports[(r >> 16) % 6] : udp_ports[(r >> 16) % 6];
    s->seq = (uint32_t)(r >> 32);
    s->ack = (uint32_t)traffic_rand(st);
    s->ip_id = (uint16_t)(r >> 40);
    s->ttl = 64;
    s->flow_label = (uint32_t)(r >> 12) & 0xfffff;
}

int traffic_gen_init(traffic_gen *g, uint64_t seed, uint32_t nflows)
{
    memset(g, 0, sizeof *g);
    if (nflows == 0 || nflows > 1000000)
        return -1;
    g->flows = calloc(nflows, sizeof *g->flows);
    if (!g->flows)
        return -1;
    g->state = seed;
    g->nflows = nflows;
    for (uint32_t i = 0; i < nflows; i++)
        flow_init(&g->state, &g->flows[i]);
    return 0;
}

int traffic_gen_share_servers(traffic_gen *g, uint32_t servers)
{
    if (servers == 0 || servers > TRAFFIC_SERVERS_MAX)
        return -1;
    /* Classes: IPv4/IPv6 x TCP/UDP; a server keeps its class's addresses. */
    uint32_t first[4][TRAFFIC_SERVERS_MAX], n[4] = {0}, turn[4] = {0};
    for (uint32_t i = 0; i < g->nflows; i++) {
        traffic_spec *s = &g->flows[i].spec;
        int c = (s->ip_version == 6) * 2 + (s->proto == 17);
        if (n[c] < servers) {
            first[c][n[c]++] = i;
            continue;
        }
        const traffic_spec *server = &g->flows[first[c][turn[c]++ % servers]].spec;
        memcpy(s->dst, server->dst, sizeof s->dst);
        s->dport = server->dport;
    }
    return 0;
}

void traffic_gen_free(traffic_gen *g)
{
    free(g->flows);
    g->flows = NULL;
}

static const char *http_paths[] = {"/", "/index.html", "/api/v1/items?page=2", "/static/app.js",
                                   "/images/logo.png"};

/* Fills the payload for the next packet of flow f; returns its length. */
static size_t make_payload(traffic_gen *g, traffic_flow *f)
{
    traffic_spec *s = &f->spec;
    uint64_t r = traffic_rand(&g->state);
    uint8_t *p = g->payload;
    if (s->proto == 6 && (r % 4) == 0)
        return 0; /* a bare ACK */
    if (s->proto == 6 && s->dport == 80 && f->packets % 8 == 0) {
        int n = snprintf((char *)p, 512,
                         "GET %s HTTP/1.1\r\nHost: example.net\r\nUser-Agent: vnfo-traffic/1\r\n"
                         "Accept: */*\r\n\r\n", http_paths[(r >> 8) % 5]);
        return (size_t)n;
    }
    if (s->proto == 17 && s->dport == 53) {
        static const uint8_t q[] = "\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07""example\x03net\x00\x00\x01\x00\x01";
        be16(p, (uint16_t)(r >> 16));
        memcpy(p + 2, q, sizeof q - 1);
        return 2 + sizeof q - 1;
    }
    /* Bulk data: mostly full-size segments, some small ones. */
    size_t len = (r >> 8) % 3 == 0 ? 32 + (r >> 16) % 200 : 1200 + (r >> 16) % 200;
    for (size_t i = 0; i < len; i += 8) {
        uint64_t x = traffic_rand(&g->state);
        size_t n = len - i < 8 ? len - i : 8;
        memcpy(p + i, &x, n);
    }
    return len;
}

size_t traffic_gen_next(traffic_gen *g, uint8_t *out, size_t cap, traffic_spec *spec_out)
{
    /* Skewed flow choice: half of the packets go to the first eighth of the flows. */
    uint64_t r = traffic_rand(&g->state);
    uint32_t n = g->nflows;
    uint32_t hot = n / 8 ? n / 8 : 1;
    traffic_flow *f = &g->flows[(r & 1) ? (r >> 1) % hot : (r >> 1) % n];
    traffic_spec *s = &f->spec;
    s->payload = g->payload;
    s->payload_len = make_payload(g, f);
    s->tcp_flags = f->packets == 0 ? 0x02 : 0x18;
    size_t len = traffic_build(out, cap, s);
    if (spec_out)
        *spec_out = *s;
    f->packets++;
    s->ip_id++;
    s->seq += (uint32_t)s->payload_len + (f->packets == 1);
    return len;
}

/* ---- pcap ---------------------------------------------------------------- */

static int put32le(FILE *f, uint32_t x)
{
    uint8_t b[4] = {(uint8_t)x, (uint8_t)(x >> 8), (uint8_t)(x >> 16), (uint8_t)(x >> 24)};
    return fwrite(b, 1, 4, f) == 4 ? 0 : -1;
}

int traffic_pcap_open(traffic_pcap *p, const char *path, uint32_t linktype, uint32_t snaplen)
{
    p->linktype = linktype;
    p->f = cli_output_fopen(path);
    if (!p->f)
        return -1;
    /* magic, version 2.4, thiszone, sigfigs, snaplen, linktype (little-endian) */
    int rc = put32le(p->f, 0xa1b2c3d4) | put32le(p->f, 2 | 4u << 16) | put32le(p->f, 0) |
             put32le(p->f, 0) | put32le(p->f, snaplen) | put32le(p->f, linktype);
    if (rc) {
        int e = errno;
        fclose(p->f);
        p->f = NULL;
        errno = e;
    }
    return rc;
}

int traffic_pcap_write(traffic_pcap *p, uint64_t time_us, const uint8_t *frame, size_t len)
{
    if (len > UINT32_MAX)
        return -1;
    int rc = put32le(p->f, (uint32_t)(time_us / 1000000)) |
             put32le(p->f, (uint32_t)(time_us % 1000000)) | put32le(p->f, (uint32_t)len) |
             put32le(p->f, (uint32_t)len);
    if (rc || fwrite(frame, 1, len, p->f) != len)
        return -1;
    return 0;
}

int traffic_pcap_close(traffic_pcap *p)
{
    if (!p->f)
        return 0;
    int rc = fclose(p->f) == 0 ? 0 : -1;
    p->f = NULL;
    return rc;
}
