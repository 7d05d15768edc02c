/* The bare libpcap loop that `bench/tap_live.sh` sets beside `vnfo tap`:
 * the same two live handles (ingress inbound, egress outbound, the same
 * snapshot length, buffer, block timeout or immediate mode, nanosecond
 * timestamps), the same poll loop, and nothing done per frame but counting.
 * Runs until SIGTERM/SIGINT, then prints
 * "frames N cpu_s S kernel_drops D" (CPU: user + system, getrusage).
 *   pcap_count INGRESS_IF EGRESS_IF [BLOCK_MS]   (BLOCK_MS 0: immediate mode; default 5) */
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "../tools/tap_capture.h" /* the same buffer, snapshot length and block timeout */

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static void count(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    (void)h;
    (void)data;
    ++*(unsigned long long *)user;
}

static pcap_t *open_live(const char *ifname, pcap_direction_t dir, int block_ms)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_create(ifname, err);
    if (!p || pcap_set_snaplen(p, TAP_LIVE_SNAPLEN) ||
        (block_ms ? pcap_set_timeout(p, block_ms) : pcap_set_immediate_mode(p, 1)) ||
        pcap_set_buffer_size(p, (int)TAP_LIVE_BUFFER_BYTES) ||
        pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) || pcap_activate(p) < 0 ||
        pcap_setdirection(p, dir) || pcap_setnonblock(p, 1, err)) {
        fprintf(stderr, "pcap_count: %s: %s\n", ifname, p ? pcap_geterr(p) : err);
        return NULL;
    }
    return p;
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: pcap_count INGRESS_IF EGRESS_IF [BLOCK_MS]\n");
        return 64;
    }
    int block_ms = argc == 4 ? atoi(argv[3]) : TAP_LIVE_DEFAULT_BLOCK_MS;
    pcap_t *in = open_live(argv[1], PCAP_D_IN, block_ms);
    pcap_t *out = in ? open_live(argv[2], PCAP_D_OUT, block_ms) : NULL;
    if (!in || !out)
        return 3;
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    printf("pcap_count: capturing\n");
    fflush(stdout);
    unsigned long long frames = 0;
    struct pollfd fds[2] = {{pcap_get_selectable_fd(in), POLLIN, 0}, {pcap_get_selectable_fd(out), POLLIN, 0}};
    while (!stop) {
        if (poll(fds, 2, 100) <= 0)
            continue;
        int busy = 1;
        for (int i = 0; busy && i < 16; i++) { /* vnfo tap's rounds: ingress ring, then egress */
            int a = pcap_dispatch(in, -1, count, (u_char *)&frames);
            int b = pcap_dispatch(out, -1, count, (u_char *)&frames);
            busy = a > 0 || b > 0;
        }
    }
    struct pcap_stat si = {0}, so = {0};
    pcap_stats(in, &si);
    pcap_stats(out, &so);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
                 ru.ru_stime.tv_usec / 1e6;
    printf("frames %llu cpu_s %.3f kernel_drops %u\n", frames, cpu, si.ps_drop + so.ps_drop);
    pcap_close(in);
    pcap_close(out);
    return 0;
}
