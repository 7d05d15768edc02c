/* The traffic generator of bench/tap_live.sh: sends COUNT small IPv4/UDP
 * frames out of one interface at a paced rate, through AF_PACKET with the
 * qdisc bypassed and sendmmsg() batches, so that one core offers well over
 * a million frames a second (tcpreplay reached 60-270 k here).
 *
 * The frames are a prepared set of 4096, each of its own 5-tuple, IP id and
 * payload bytes (so the sampler's decisions vary like real traffic's: about
 * 1/64 of them are selected at rate 1/64), 60 to 124 bytes long, with a
 * valid IP header checksum (a router drops a bad one) and UDP checksum 0.
 * Sources are 10.0.0.0/8, destinations 198.18.0.0/15 (RFC 2544's
 * benchmarking range); the script only ever runs it inside namespaces it
 * created.
 *
 *   veth_blast IFNAME DST_MAC SRC_MAC COUNT RATE_FPS
 *
 * RATE_FPS 0 sends as fast as it can.  Prints
 * "sent N frames in S s: R frames/s (send errors E)". */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define N_FRAMES 4096
#define MAX_FRAME 128
#define BATCH 64

static uint8_t frames[N_FRAMES][MAX_FRAME];
static size_t frame_len[N_FRAMES];

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int parse_mac(uint8_t out[6], const char *text)
{
    unsigned v[6];
    if (sscanf(text, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
        return -1;
    for (int i = 0; i < 6; i++)
        out[i] = (uint8_t)v[i];
    return 0;
}

static uint16_t ip_checksum(const uint8_t *h, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < len; i += 2)
        sum += (uint32_t)h[i] << 8 | h[i + 1];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* A small xorshift: the frame set is the same every run. */
static uint32_t next_random(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void prepare_frames(const uint8_t dst[6], const uint8_t src[6])
{
    uint32_t seed = 0x9e3779b9u;
    for (size_t i = 0; i < N_FRAMES; i++) {
        uint8_t *f = frames[i];
        size_t payload = 18 + (next_random(&seed) % 65); /* 60..124 bytes on the wire, no FCS */
        memcpy(f, dst, 6);
        memcpy(f + 6, src, 6);
        put16(f + 12, ETHERTYPE_IP);
        uint8_t *ip = f + 14;
        memset(ip, 0, 20);
        ip[0] = 0x45;
        put16(ip + 2, (uint32_t)(20 + 8 + payload));
        put16(ip + 4, next_random(&seed)); /* IP id */
        ip[8] = 64;
        ip[9] = 17; /* UDP */
        uint32_t s = next_random(&seed), d = next_random(&seed);
        ip[12] = 10, ip[13] = (uint8_t)(s >> 16), ip[14] = (uint8_t)(s >> 8), ip[15] = (uint8_t)s;
        ip[16] = 198, ip[17] = (uint8_t)(18 + (d >> 24 & 1)), ip[18] = (uint8_t)(d >> 8), ip[19] = (uint8_t)d;
        put16(ip + 10, ip_checksum(ip, 20));
        uint8_t *udp = ip + 20;
        put16(udp, 1024 + next_random(&seed) % 60000);
        put16(udp + 2, 1024 + next_random(&seed) % 60000);
        put16(udp + 4, (uint32_t)(8 + payload));
        put16(udp + 6, 0);
        for (size_t b = 0; b < payload; b++)
            udp[8 + b] = (uint8_t)next_random(&seed);
        frame_len[i] = 14 + 20 + 8 + payload;
    }
}

static int open_socket(const char *ifname)
{
    int fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: sends only, receives nothing */
    if (fd < 0) {
        perror("veth_blast: socket");
        return -1;
    }
    int one = 1;
    if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) != 0)
        perror("veth_blast: PACKET_QDISC_BYPASS (sending through the qdisc)");
    struct sockaddr_ll sll = {0};
    sll.sll_family = AF_PACKET;
    sll.sll_ifindex = (int)if_nametoindex(ifname);
    if (!sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof sll) != 0) {
        fprintf(stderr, "veth_blast: %s: %s\n", ifname, strerror(sll.sll_ifindex ? errno : ENODEV));
        close(fd);
        return -1;
    }
    return fd;
}

/* Waits until frame number `sent` is due at rate fps (busy for the last 50 us). */
static void pace(uint64_t start, uint64_t sent, uint64_t fps)
{
    if (!fps)
        return;
    uint64_t due = start + (uint64_t)((double)sent * 1e9 / (double)fps);
    for (;;) {
        uint64_t now = now_ns();
        if (now >= due)
            return;
        if (due - now > 50000) {
            struct timespec ts = {0, (long)(due - now - 50000)};
            nanosleep(&ts, NULL);
        }
    }
}

int main(int argc, char **argv)
{
    uint8_t dst[6], src[6];
    if (argc != 6 || parse_mac(dst, argv[2]) || parse_mac(src, argv[3])) {
        fprintf(stderr, "usage: veth_blast IFNAME DST_MAC SRC_MAC COUNT RATE_FPS\n");
        return 64;
    }
    uint64_t count = strtoull(argv[4], NULL, 10), fps = strtoull(argv[5], NULL, 10);
    prepare_frames(dst, src);
    int fd = open_socket(argv[1]);
    if (fd < 0)
        return 3;
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    uint64_t sent = 0, errors = 0, start = now_ns();
    size_t next = 0;
    while (sent < count) {
        pace(start, sent, fps);
        unsigned n = count - sent < BATCH ? (unsigned)(count - sent) : BATCH;
        for (unsigned i = 0; i < n; i++) {
            iov[i] = (struct iovec){frames[next], frame_len[next]};
            msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
            next = (next + 1) % N_FRAMES;
        }
        int r = sendmmsg(fd, msgs, n, 0);
        if (r < 0) {
            if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
                perror("veth_blast: sendmmsg");
                close(fd);
                return 3;
            }
            errors++;
            continue; /* retried: COUNT counts frames the kernel took */
        }
        sent += (uint64_t)r;
    }
    double secs = (double)(now_ns() - start) / 1e9;
    printf("sent %llu frames in %.3f s: %.0f frames/s (send errors %llu)\n", (unsigned long long)sent,
           secs, (double)sent / secs, (unsigned long long)errors);
    close(fd);
    return 0;
}
