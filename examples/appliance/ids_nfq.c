/* An IDS appliance that links libvnfo: the file a vendor copies.
 *
 * The kernel hands it packets through NFQUEUE (libnetfilter_queue), the way
 * Suricata's IPS mode receives them.  It inspects each packet with the
 * reference IDS rules (examples/middleboxes/ids.c, configured as in
 * tools/sim_scenarios.c), gives the kernel its verdict, and, being its own
 * shim, decides each packet with the manifest's sampler and logs the selected
 * ones with their real CPU cycles (the thread's CPU time in TSC cycles),
 * real times and real memory.
 *
 *   ids_nfq --queue N --manifest M --node NAME --key NODE.key
 *           --sampling-key KEY --out LOG [--hold-us US] [--totals FILE]
 *           [--close-period]
 *
 * Under a manifest naming logging.heartbeat_ms it signs a heartbeat each
 * interval.  SIGINT/SIGTERM: (with --close-period, close the billing period,)
 * sign the last batch and exit.  --totals writes
 * "packets P\ncpu_cycles C\n" (everything it processed) for the bill.
 * --hold-us holds every packet before its verdict (the lab's delay cheat). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <libnfnetlink/libnfnetlink.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include <vnfo/vnfo.h>

#include "sim.h"

struct appliance {
    vnfo_sampler *sampler;
    vnfo_signing_key *key;
    vnfo_log_writer *log;
    int log_fd;
    uint32_t hop;
    vnfo_record_granularity granularity;
    struct sim_functions fns; /* the reference IDS rules */
    uint64_t hold_us, packets, cycles;
    uint64_t beat_ns, next_beat_ns; /* heartbeat interval (0: none), next one due */
    uint64_t period_start_ns, period_end_ns;
    vnfo_status failed;
};

static volatile sig_atomic_t stopping;
static void on_signal(int sig) { (void)sig; stopping = 1; }

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The CPU a packet cost: this thread's CPU time, in TSC cycles where the
 * CPU has a TSC (nanoseconds elsewhere).  Why not rdtsc alone: it counts
 * wall cycles, so a packet during which the host ran another task for a few
 * milliseconds would bill those cycles too.  On a busy host that is one
 * packet in a thousand costing 1000x the rest, and a 1-in-4 sample misses it
 * three times in four: the bill would then exceed the honest estimate and
 * the check would accuse an honest provider.  The thread's CPU clock leaves
 * out time it did not run. */
static double cycles_per_ns = 1.0;

static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The TSC's rate against CLOCK_MONOTONIC over 20 ms, once at start-up. */
static void calibrate_cycles(void)
{
#if defined(__x86_64__) || defined(__i386__)
    struct timespec a, b, pause = {0, 20 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &a);
    uint64_t c0 = __rdtsc();
    nanosleep(&pause, NULL);
    uint64_t c1 = __rdtsc();
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
    if (ns > 0 && c1 > c0)
        cycles_per_ns = (double)(c1 - c0) / ns;
#endif
}

static uint64_t cycles_since(uint64_t cpu_ns0)
{
    return (uint64_t)((double)(cpu_ns() - cpu_ns0) * cycles_per_ns + 0.5);
}

static uint64_t memory_in_use(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (uint64_t)ru.ru_maxrss * 1024 : 0;
}

/* The shim part: one record for a selected packet. */
static void log_packet(struct appliance *a, uint64_t label, const uint8_t *in, size_t len,
                       const uint8_t *out, size_t out_len, int dropped, uint64_t t_in, uint64_t t_out,
                       uint64_t cycles)
{
    vnfo_record rec;
    vnfo_record_init(&rec, VNFO_RECORD_PACKET);
    vnfo_record_packet *p = &rec.u.packet;
    p->hop = a->hop;
    p->label = label;
    p->verdict = dropped ? VNFO_VERDICT_DROPPED : VNFO_VERDICT_FORWARDED;
    vnfo_packet_digest(p->digest_in, in, len, VNFO_LINKTYPE_RAW);
    if (!dropped)
        vnfo_packet_digest(p->digest_out, out, out_len, VNFO_LINKTYPE_RAW);
    p->t_in_ns = t_in;
    p->t_out_ns = t_out;
    p->cpu_cycles = cycles;
    p->mem_bytes = memory_in_use();
    p->has_link_type = 1;
    p->link_type = VNFO_LINKTYPE_RAW; /* NFQUEUE hands over the IP packet */
    p->wire_len = (uint32_t)len;
    p->granularity = a->granularity;
    if (a->granularity != VNFO_GRANULARITY_DIGEST) {
        size_t cap = a->granularity == VNFO_GRANULARITY_FULL ? VNFO_RECORD_MAX_PACKET_BYTES
                                                             : VNFO_RECORD_HEADER_BYTES;
        p->bytes_in = in;
        p->bytes_in_len = len < cap ? len : cap;
        if (!dropped) {
            p->bytes_out = out;
            p->bytes_out_len = out_len < cap ? out_len : cap;
        }
    }
    vnfo_status st = vnfo_log_writer_append(a->log, &rec);
    if (st != VNFO_OK && a->failed == VNFO_OK)
        a->failed = st;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa, void *ctx)
{
    (void)msg;
    struct appliance *a = ctx;
    static uint8_t out[65536];
    struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
    unsigned char *pkt;
    int len = nfq_get_payload(nfa, &pkt);
    uint32_t id = ph ? ntohl(ph->packet_id) : 0;
    if (len < 0)
        return nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
    uint64_t t_in = now_ns(), c0 = cpu_ns();
    /* The function: the reference IDS rules. */
    vnfo_reference_resources res = {0};
    size_t out_len = 0;
    vnfo_reference_verdict v = mb_ids(&a->fns.ids, pkt, (size_t)len, out, sizeof out, &out_len, &res);
    int dropped = v == VNFO_REFERENCE_DROP;
    /* The shim: sample, and log what was selected. */
    vnfo_sampler_decision d;
    vnfo_sampler_decide(&d, a->sampler, pkt, (size_t)len, VNFO_LINKTYPE_RAW, 0);
    uint64_t cycles = cycles_since(c0);
    if (a->hold_us) {
        struct timespec hold = {(time_t)(a->hold_us / 1000000), (long)(a->hold_us % 1000000) * 1000};
        nanosleep(&hold, NULL);
    }
    uint64_t t_out = now_ns();
    int rc = nfq_set_verdict(qh, id, dropped ? NF_DROP : NF_ACCEPT, 0, NULL);
    a->packets++;
    a->cycles += cycles;
    if (d.selected)
        log_packet(a, d.label, pkt, (size_t)len, out, out_len, dropped, t_in, t_out, cycles);
    return rc;
}

/* ---- set-up from the manifest ----------------------------------------------- */

struct args {
    const char *manifest, *node, *key, *sampling_key, *out, *totals;
    unsigned queue;
    uint64_t hold_us;
    int close_period;
};

static int die(const char *what, vnfo_status st)
{
    fprintf(stderr, "ids_nfq: %s: %s: %s\n", what, vnfo_status_name(st), vnfo_error_message());
    return 3;
}

static int setup(struct appliance *a, const struct args *g)
{
    vnfo_manifest *m;
    vnfo_status st = vnfo_manifest_load(&m, g->manifest);
    if (st != VNFO_OK)
        return die(g->manifest, st);
    size_t pos;
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    vnfo_sampler_options so = VNFO_SAMPLER_OPTIONS_INIT;
    vnfo_log_writer_options wo = VNFO_LOG_WRITER_OPTIONS_INIT;
    int rc = 0;
    if ((st = vnfo_manifest_chain_find(&pos, m, g->node)) != VNFO_OK)
        rc = die(g->node, st);
    else if ((st = vnfo_sampler_key_load(key, g->sampling_key)) != VNFO_OK ||
             (st = vnfo_manifest_sampler_options(&so, m, key, sizeof key)) != VNFO_OK ||
             (st = vnfo_sampler_create(&a->sampler, &so, key, sizeof key)) != VNFO_OK)
        rc = die(g->sampling_key, st);
    else if ((st = vnfo_signing_key_load(&a->key, g->key)) != VNFO_OK)
        rc = die(g->key, st);
    sodium_memzero(key, sizeof key);
    if (rc == 0 && (a->log_fd = open(g->out, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644)) < 0) {
        fprintf(stderr, "ids_nfq: %s: %s\n", g->out, strerror(errno));
        rc = 3;
    }
    if (rc == 0) {
        a->hop = (uint32_t)pos;
        a->beat_ns = (uint64_t)vnfo_manifest_logging_heartbeat_ms(m) * 1000000u;
        a->period_start_ns = (uint64_t)vnfo_manifest_billing_start(m) * 1000000000u;
        a->period_end_ns = (uint64_t)vnfo_manifest_billing_end(m) * 1000000000u;
        a->granularity = (vnfo_record_granularity)vnfo_manifest_logging_granularity(m);
        wo.node_id = vnfo_manifest_chain_node_id(m, pos);
        wo.key = a->key;
        wo.batch_records = vnfo_manifest_logging_batch_records(m);
        wo.sink = vnfo_log_file_sink;
        wo.sink_ctx = &a->log_fd;
        if ((st = vnfo_manifest_digest_compute(wo.manifest_digest, m)) != VNFO_OK ||
            (st = vnfo_log_writer_create(&a->log, &wo)) != VNFO_OK)
            rc = die(g->out, st);
    }
    vnfo_manifest_free(m);
    sim_functions_init(&a->fns, VNFO_LINKTYPE_RAW);
    a->hold_us = g->hold_us;
    return rc;
}

static int parse_args(struct args *g, int argc, char **argv)
{
    static const struct option opts[] = {
        {"queue", required_argument, 0, 'q'}, {"manifest", required_argument, 0, 'm'},
        {"node", required_argument, 0, 'n'},  {"key", required_argument, 0, 'k'},
        {"sampling-key", required_argument, 0, 's'}, {"out", required_argument, 0, 'o'},
        {"hold-us", required_argument, 0, 'H'}, {"totals", required_argument, 0, 't'},
        {"close-period", no_argument, 0, 'C'}, {0, 0, 0, 0}};
    int c;
    memset(g, 0, sizeof *g);
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'q': g->queue = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'm': g->manifest = optarg; break;
        case 'n': g->node = optarg; break;
        case 'k': g->key = optarg; break;
        case 's': g->sampling_key = optarg; break;
        case 'o': g->out = optarg; break;
        case 'H': g->hold_us = strtoull(optarg, NULL, 10); break;
        case 't': g->totals = optarg; break;
        case 'C': g->close_period = 1; break;
        default: return -1;
        }
    }
    return g->manifest && g->node && g->key && g->sampling_key && g->out && optind == argc ? 0 : -1;
}

/* ---- the NFQUEUE loop ------------------------------------------------------- */

/* A heartbeat each interval of the wall clock, so the log's tail is never
 * more than one interval old (docs/FORMAT.md 1.6). */
static void heartbeat_tick(struct appliance *a)
{
    uint64_t now = now_ns();
    if (!a->beat_ns || now < a->next_beat_ns)
        return;
    if (a->next_beat_ns) {
        vnfo_status st = vnfo_log_writer_heartbeat(a->log, now);
        if (st != VNFO_OK && a->failed == VNFO_OK)
            a->failed = st;
    }
    a->next_beat_ns = now + a->beat_ns;
}

static int run_queue(struct appliance *a, unsigned queue)
{
    struct nfq_handle *h = nfq_open();
    struct nfq_q_handle *qh = h ? nfq_create_queue(h, (uint16_t)queue, on_packet, a) : NULL;
    if (!qh || nfq_set_mode(qh, NFQNL_COPY_PACKET, 0xffff) < 0) {
        fprintf(stderr, "ids_nfq: cannot bind queue %u: %s\n", queue, strerror(errno));
        if (h)
            nfq_close(h);
        return 3;
    }
    /* Room for bursts: a full socket buffer makes the kernel drop packets. */
    nfq_set_queue_maxlen(qh, 8192);
    nfnl_rcvbufsiz(nfq_nfnlh(h), 16u << 20);
    static char buf[1 << 17];
    struct pollfd pfd = {nfq_fd(h), POLLIN, 0};
    printf("ids_nfq: ready on queue %u\n", queue);
    fflush(stdout);
    while (!stopping && a->failed == VNFO_OK) {
        heartbeat_tick(a);
        if (poll(&pfd, 1, 100) <= 0)
            continue;
        ssize_t n = recv(pfd.fd, buf, sizeof buf, 0);
        if (n >= 0)
            nfq_handle_packet(h, buf, (int)n);
        else if (errno != EINTR && errno != ENOBUFS && errno != EAGAIN)
            break;
    }
    nfq_destroy_queue(qh);
    nfq_close(h);
    return 0;
}

int main(int argc, char **argv)
{
    struct args g;
    if (parse_args(&g, argc, argv) != 0) {
        fprintf(stderr, "usage: ids_nfq --queue N --manifest M --node NAME --key NODE.key\n"
                        "               --sampling-key KEY --out LOG [--hold-us US] [--totals FILE]\n");
        return 64;
    }
    if (vnfo_init() != VNFO_OK)
        return die("vnfo_init", VNFO_E_CRYPTO);
    static struct appliance a = {.log_fd = -1};
    calibrate_cycles();
    int rc = setup(&a, &g);
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (rc == 0)
        rc = run_queue(&a, g.queue);
    vnfo_status st = VNFO_OK;
    /* The period close is stamped at the period's end (or now, if later). */
    if (rc == 0 && g.close_period && a.beat_ns) {
        uint64_t now = now_ns();
        st = vnfo_log_writer_close_period(a.log, a.period_start_ns, a.period_end_ns,
                                          now > a.period_end_ns ? now : a.period_end_ns);
    }
    if (st == VNFO_OK && a.log)
        st = vnfo_log_writer_flush(a.log);
    if (rc == 0 && (a.failed != VNFO_OK || st != VNFO_OK))
        rc = die(g.out, a.failed != VNFO_OK ? a.failed : st);
    if (rc == 0 && g.totals) {
        FILE *f = fopen(g.totals, "w");
        rc = !f || fprintf(f, "packets %llu\ncpu_cycles %llu\n", (unsigned long long)a.packets,
                           (unsigned long long)a.cycles) < 0 || fclose(f) != 0 ? 3 : 0;
    }
    vnfo_log_writer_free(a.log);
    if (a.log_fd >= 0)
        close(a.log_fd);
    vnfo_signing_key_free(a.key);
    vnfo_sampler_free(a.sampler);
    return rc;
}
