/* tap_chain: a software stand-in for a provider's chain of black boxes, for
 * the `vnfo tap` tests.  It runs a capture through the manifest's chain of
 * reference functions (firewall, nat, ids; tools/sim_scenarios.c) and writes,
 * per function, what a tap would capture on each side of it:
 * OUT/<name>.in.pcap and OUT/<name>.out.pcap.  Each function adds a delay
 * of 20 to 24 us (a constant delay has no spread to judge an SLA by).  A cheat may be named:
 *   drops             the firewall silently drops every 10th packet it should forward
 *   rewrites-payload  the ids flips the last byte of every packet it forwards
 *   adds-delay        the ids holds each packet 5 ms longer
 *   skips-function    packets are routed around the ids (its captures stay empty)
 * usage: tap_chain MANIFEST CAPTURE OUT [CHEAT] */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "sim.h"
#include "traffic.h"

#define MAX_FUNCS 8
#define DELAY_US 20

struct stage {
    const char *name;
    vnfo_reference_fn fn;
    void *ctx;
    int is_fw, is_ids;
    traffic_pcap in, out;
};

static int open_stages(struct stage *st, size_t *n, const vnfo_manifest *m, struct sim_functions *fns,
                       const char *out, uint32_t linktype)
{
    *n = vnfo_manifest_chain_count(m);
    if (*n > MAX_FUNCS)
        return -1;
    for (size_t i = 0; i < *n; i++) {
        const char *function = vnfo_manifest_chain_function(m, i);
        char path[1024];
        st[i].name = vnfo_manifest_chain_name(m, i);
        if (sim_reference(&st[i].fn, &st[i].ctx, fns, function) != 0) {
            fprintf(stderr, "tap_chain: no reference for function \"%s\"\n", function);
            return -1;
        }
        st[i].is_fw = strcmp(function, "firewall") == 0;
        st[i].is_ids = strcmp(function, "ids") == 0;
        snprintf(path, sizeof path, "%s/%s.in.pcap", out, st[i].name);
        if (traffic_pcap_open(&st[i].in, path, linktype, 65535) != 0)
            return -1;
        snprintf(path, sizeof path, "%s/%s.out.pcap", out, st[i].name);
        if (traffic_pcap_open(&st[i].out, path, linktype, 65535) != 0)
            return -1;
    }
    return 0;
}

/* One packet through the chain; returns -1 on a write error. */
static int run_packet(struct stage *st, size_t n, const char *cheat, uint64_t t_us, const uint8_t *pkt,
                      size_t len, uint64_t *count)
{
    static uint8_t a[70000], b[70000];
    memcpy(a, pkt, len);
    for (size_t i = 0; i < n; i++) {
        if (st[i].is_ids && strcmp(cheat, "skips-function") == 0)
            continue;
        vnfo_reference_resources res = {0};
        size_t out_len = 0;
        if (traffic_pcap_write(&st[i].in, t_us, a, len) != 0)
            return -1;
        vnfo_reference_verdict v = st[i].fn(st[i].ctx, a, len, b, sizeof b, &out_len, &res);
        if (v != VNFO_REFERENCE_FORWARD)
            return 0;
        if (st[i].is_fw && ++*count % 10 == 0 && strcmp(cheat, "drops") == 0)
            return 0;
        t_us += DELAY_US + (*count + i) % 5;
        if (st[i].is_ids && strcmp(cheat, "adds-delay") == 0)
            t_us += 5000;
        if (st[i].is_ids && strcmp(cheat, "rewrites-payload") == 0 && out_len > 60)
            b[out_len - 1] ^= 0xff;
        if (traffic_pcap_write(&st[i].out, t_us, b, out_len) != 0)
            return -1;
        memcpy(a, b, out_len);
        len = out_len;
        t_us += 1; /* the wire to the next function */
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: tap_chain MANIFEST CAPTURE OUT [CHEAT]\n");
        return 64;
    }
    const char *cheat = argc == 5 ? argv[4] : "honest";
    vnfo_manifest *m;
    if (vnfo_init() != VNFO_OK || vnfo_manifest_load(&m, argv[1]) != VNFO_OK) {
        fprintf(stderr, "tap_chain: %s: %s\n", argv[1], vnfo_error_message());
        return 3;
    }
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(argv[2], err);
    if (!p) {
        fprintf(stderr, "tap_chain: %s: %s\n", argv[2], err);
        return 3;
    }
    uint32_t linktype = (uint32_t)pcap_datalink(p);
    static struct sim_functions fns;
    sim_functions_init(&fns, linktype);
    struct stage st[MAX_FUNCS];
    memset(st, 0, sizeof st);
    size_t n;
    int rc = open_stages(st, &n, m, &fns, argv[3], linktype);
    struct pcap_pkthdr *h;
    const u_char *data;
    uint64_t count = 0;
    while (rc == 0 && pcap_next_ex(p, &h, &data) == 1)
        rc = run_packet(st, n, cheat, (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec, data,
                        h->caplen, &count);
    for (size_t i = 0; i < n; i++) {
        rc |= traffic_pcap_close(&st[i].in);
        rc |= traffic_pcap_close(&st[i].out);
    }
    pcap_close(p);
    vnfo_manifest_free(m);
    if (rc != 0)
        fprintf(stderr, "tap_chain: writing the captures failed\n");
    return rc == 0 ? 0 : 3;
}
