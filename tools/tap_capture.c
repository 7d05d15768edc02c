/* Live frame sources of `vnfo tap` (tap_capture.h). */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "cli.h"
#include "tap_capture.h"

static uint32_t linktype_of(pcap_t *p)
{
    return capture_linktype_of_dlt(pcap_datalink(p));
}

static uint64_t ts_of(const struct pcap_pkthdr *h, int nano)
{
    return (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec * (nano ? 1u : 1000u);
}

/* ---- live interfaces ----------------------------------------------------------
 * Ingress is read inbound, egress outbound, so each interface is one stream.
 * A frame leaves the function only after it entered it, so its ingress copy
 * is already in the kernel's ingress ring when the egress copy is read.  Each
 * round therefore copies a bounded number of egress frames out first, then
 * drains the ingress ring into the tap, then feeds the copied egress frames:
 * an egress frame never overtakes its own ingress frame. */

static pcap_t *open_live(const char *ifname, pcap_direction_t dir)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_create(ifname, err);
    if (!p) {
        cli_error("tap: %s: %s", ifname, err);
        return NULL;
    }
    pcap_set_snaplen(p, TAP_LIVE_SNAPLEN);
    pcap_set_immediate_mode(p, 1);
    pcap_set_buffer_size(p, 32 << 20);
    /* Nanosecond kernel timestamps where the kernel gives them. */
    if (pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) != 0)
        pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO);
    int r = pcap_activate(p);
    if (r < 0 || pcap_setdirection(p, dir) != 0 || pcap_setnonblock(p, 1, err) != 0) {
        cli_error("tap: %s: %s", ifname, r < 0 ? pcap_statustostr(r) : pcap_geterr(p));
        if (r < 0 && *pcap_geterr(p))
            cli_error("tap: %s: %s", ifname, pcap_geterr(p));
        pcap_close(p);
        return NULL;
    }
    return p;
}

int tap_live_open(struct tap_live *l, const char *in_if, const char *out_if)
{
    *l = (struct tap_live){0};
    l->in_if = in_if;
    l->out_if = out_if;
    l->arena = malloc((size_t)TAP_LIVE_ROUND * TAP_LIVE_SNAPLEN);
    l->in = open_live(in_if, PCAP_D_IN);
    l->out = l->in ? open_live(out_if, PCAP_D_OUT) : NULL;
    if (!l->arena || !l->in || !l->out) {
        if (!l->arena)
            cli_error("tap: out of memory");
        tap_live_close(l);
        return -1;
    }
    l->in_linktype = linktype_of(l->in);
    l->out_linktype = linktype_of(l->out);
    return 0;
}

static int precision_nano(pcap_t *p)
{
    return pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
}

static void copy_egress(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    struct tap_live *l = (struct tap_live *)user;
    struct tap_live_frame *f = &l->frames[l->n_frames++];
    f->caplen = h->caplen < TAP_LIVE_SNAPLEN ? h->caplen : TAP_LIVE_SNAPLEN;
    f->wire_len = h->len;
    f->ts_ns = ts_of(h, precision_nano(l->out));
    memcpy(l->arena + l->arena_used, data, f->caplen);
    l->arena_used += TAP_LIVE_SNAPLEN;
}

struct ingress_ctx {
    struct tap_live *l;
    vnfo_tap *tap;
    vnfo_status st;
};

static void feed_ingress(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    struct ingress_ctx *c = (struct ingress_ctx *)user;
    vnfo_status st = vnfo_tap_ingress(c->tap, data, h->caplen, h->len, c->l->in_linktype,
                                      ts_of(h, precision_nano(c->l->in)));
    if (st != VNFO_OK && c->st == VNFO_OK)
        c->st = st;
}

static vnfo_status pcap_failed(struct tap_live *l, pcap_t *p, const char *ifname)
{
    cli_error("tap: %s: %s", ifname, pcap_geterr(p));
    l->failed = 1;
    return VNFO_E_IO;
}

/* One round; *busy tells whether any frame was read. */
static vnfo_status round_once(struct tap_live *l, vnfo_tap *tap, int *busy)
{
    l->n_frames = l->arena_used = 0;
    int n_out = pcap_dispatch(l->out, TAP_LIVE_ROUND, copy_egress, (u_char *)l);
    if (n_out < 0)
        return pcap_failed(l, l->out, l->out_if);
    struct ingress_ctx ic = {l, tap, VNFO_OK};
    int n_in = pcap_dispatch(l->in, -1, feed_ingress, (u_char *)&ic);
    if (n_in < 0)
        return pcap_failed(l, l->in, l->in_if);
    vnfo_status st = ic.st;
    for (size_t i = 0; i < l->n_frames; i++) {
        const struct tap_live_frame *f = &l->frames[i];
        vnfo_status fst = vnfo_tap_egress(tap, l->arena + i * (size_t)TAP_LIVE_SNAPLEN, f->caplen,
                                          f->wire_len, l->out_linktype, f->ts_ns);
        if (fst != VNFO_OK && st == VNFO_OK)
            st = fst;
    }
    *busy = n_out > 0 || n_in > 0;
    return st;
}

vnfo_status tap_live_poll(struct tap_live *l, vnfo_tap *tap, int timeout_ms)
{
    struct pollfd fds[2] = {{pcap_get_selectable_fd(l->in), POLLIN, 0},
                            {pcap_get_selectable_fd(l->out), POLLIN, 0}};
    if (timeout_ms > 0 && poll(fds, 2, timeout_ms) <= 0)
        return VNFO_OK; /* idle, or a signal: the caller decides */
    int busy = 1;
    vnfo_status st = VNFO_OK;
    while (busy && st == VNFO_OK)
        st = round_once(l, tap, &busy);
    return st;
}

static uint64_t drops_of(pcap_t *p)
{
    struct pcap_stat s;
    return pcap_stats(p, &s) == 0 ? (uint64_t)s.ps_drop + s.ps_ifdrop : 0;
}

uint64_t tap_live_new_drops(struct tap_live *l)
{
    uint64_t total = drops_of(l->in) + drops_of(l->out);
    uint64_t fresh = total > l->drops_reported ? total - l->drops_reported : 0;
    l->drops_reported = total > l->drops_reported ? total : l->drops_reported;
    return fresh;
}

void tap_live_close(struct tap_live *l)
{
    if (l->in)
        pcap_close(l->in);
    if (l->out)
        pcap_close(l->out);
    free(l->arena);
    *l = (struct tap_live){0};
}
