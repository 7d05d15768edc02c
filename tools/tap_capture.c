/* Live frame sources of `vnfo tap` (tap_capture.h). */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "cli.h"
#include "tap_capture.h"
#include "internal.h" /* vnfo__shown(): interface names are escaped */

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
 * The kernel hands captured frames over in blocks (TPACKET_V3): a block
 * leaves when it is full or block_ms after its first frame, so an egress
 * frame can reach us before the ingress frame it left from, whose block is
 * still open.  Frames are therefore fed in the order of their kernel
 * timestamps, as offline: every egress frame is decided at once; an
 * unselected one only counts (the tap's clock is not moved past the ingress
 * stream by it); a selected one whose time the ingress stream has not yet
 * passed is copied and held until an ingress frame with a later time
 * arrives, or until hold_ns have gone by, after which the kernel has handed
 * over every frame captured before it.  So an egress frame never overtakes
 * its own ingress frame, t_in is the ingress frame's own time, and only the
 * selected frames (about rate x frames) are ever copied. */

static pcap_t *open_live(const char *ifname, pcap_direction_t dir, unsigned block_ms)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_create(ifname, err);
    if (!p) {
        cli_error("tap: %s: %s", vnfo__shown(ifname).s, err);
        return NULL;
    }
    pcap_set_snaplen(p, TAP_LIVE_SNAPLEN);
    if (block_ms)
        pcap_set_timeout(p, (int)block_ms); /* TPACKET_V3 blocks: one wakeup per block */
    else
        pcap_set_immediate_mode(p, 1); /* one wakeup per frame */
    pcap_set_buffer_size(p, (int)TAP_LIVE_BUFFER_BYTES);
    /* Nanosecond kernel timestamps where the kernel gives them. */
    if (pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) != 0)
        pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO);
    int r = pcap_activate(p);
    if (r < 0 || pcap_setdirection(p, dir) != 0 || pcap_setnonblock(p, 1, err) != 0) {
        cli_error("tap: %s: %s", vnfo__shown(ifname).s, r < 0 ? pcap_statustostr(r) : pcap_geterr(p));
        if (r < 0 && *pcap_geterr(p))
            cli_error("tap: %s: %s", vnfo__shown(ifname).s, pcap_geterr(p));
        pcap_close(p);
        return NULL;
    }
    return p;
}

static int precision_nano(pcap_t *p)
{
    return pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
}

int tap_live_open(struct tap_live *l, const char *in_if, const char *out_if, unsigned block_ms,
                  vnfo_tap *tap, const vnfo_sampler *sampler)
{
    *l = (struct tap_live){0};
    l->in_if = in_if;
    l->out_if = out_if;
    l->tap = tap;
    l->sampler = sampler;
    /* The kernel retires a block within block_ms plus a timer tick on an
     * idle machine, but its timers run in softirq, which a busy machine
     * defers to ksoftirqd: with a 10 ms margin an egress frame overtook
     * its ingress frame once during a loaded test run.  100 ms costs only
     * the records' latency and at most rate x 100 ms of held frames. */
    l->hold_ns = ((uint64_t)block_ms * 2 + 100) * 1000000u;
    l->held = malloc(TAP_LIVE_HELD_FRAMES * sizeof *l->held);
    l->bytes = malloc(TAP_LIVE_HELD_BYTES);
    l->in = open_live(in_if, PCAP_D_IN, block_ms);
    l->out = l->in ? open_live(out_if, PCAP_D_OUT, block_ms) : NULL;
    if (!l->held || !l->bytes || !l->in || !l->out) {
        if (!l->held || !l->bytes)
            cli_error("tap: out of memory");
        tap_live_close(l);
        return -1;
    }
    l->in_linktype = linktype_of(l->in);
    l->out_linktype = linktype_of(l->out);
    l->in_nano = precision_nano(l->in);
    l->out_nano = precision_nano(l->out);
    return 0;
}

static void note(struct tap_live *l, vnfo_status st)
{
    if (st != VNFO_OK && l->st == VNFO_OK)
        l->st = st;
}

/* ---- held egress frames: a FIFO of entries, their bytes in a ring -------- */

/* Room for len bytes in the ring (contiguous); 0 when full. */
static int bytes_reserve(struct tap_live *l, size_t len, size_t *off)
{
    if (l->held_n == 0)
        l->bytes_head = l->bytes_tail = 0;
    if (l->bytes_tail >= l->bytes_head) {
        if (TAP_LIVE_HELD_BYTES - l->bytes_tail >= len)
            *off = l->bytes_tail;
        else if (l->bytes_head > len)
            *off = 0; /* wrap */
        else
            return 0;
    } else if (l->bytes_head - l->bytes_tail > len) {
        *off = l->bytes_tail;
    } else {
        return 0;
    }
    l->bytes_tail = *off + len;
    return 1;
}

/* Feeds the oldest held frame. */
static void feed_oldest_held(struct tap_live *l)
{
    struct tap_held *h = &l->held[l->held_first];
    note(l, vnfo_tap_egress_decided(l->tap, &h->d, l->bytes + h->off, h->caplen, h->wire_len,
                                    l->out_linktype, h->ts_ns));
    l->held_first = (l->held_first + 1) % TAP_LIVE_HELD_FRAMES;
    if (--l->held_n)
        l->bytes_head = l->held[l->held_first].off;
}

/* Feeds the held frames older than before (all of them when all). */
static void feed_held(struct tap_live *l, uint64_t before, int all)
{
    while (l->held_n && (all || l->held[l->held_first].ts_ns < before))
        feed_oldest_held(l);
}

static void feed_ingress(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    struct tap_live *l = (struct tap_live *)user;
    uint64_t ts = ts_of(h, l->in_nano);
    if (l->held_n)
        feed_held(l, ts, 0); /* the ingress stream has passed them */
    note(l, vnfo_tap_ingress(l->tap, data, h->caplen, h->len, l->in_linktype, ts));
    if (ts > l->in_ts)
        l->in_ts = ts;
}

static void hold(struct tap_live *l, const vnfo_sampler_decision *d, const struct pcap_pkthdr *h,
                 const u_char *data, uint64_t ts)
{
    size_t off;
    if (l->held_n == TAP_LIVE_HELD_FRAMES || !bytes_reserve(l, h->caplen, &off)) {
        /* Full (thousands of selected frames ahead of the ingress stream):
         * read what the ingress ring has, then make room from the oldest. */
        if (pcap_dispatch(l->in, -1, feed_ingress, (u_char *)l) < 0)
            l->failed = 1;
        while (l->held_n == TAP_LIVE_HELD_FRAMES || (l->held_n && !bytes_reserve(l, h->caplen, &off)))
            feed_oldest_held(l);
        if (!l->held_n && !bytes_reserve(l, h->caplen, &off))
            return; /* cannot happen: the ring holds a whole snapshot length */
    }
    struct tap_held *e = &l->held[(l->held_first + l->held_n++) % TAP_LIVE_HELD_FRAMES];
    e->d = *d;
    e->ts_ns = ts;
    e->caplen = h->caplen;
    e->wire_len = h->len;
    e->off = off;
    memcpy(l->bytes + off, data, h->caplen);
}

static void take_egress(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    struct tap_live *l = (struct tap_live *)user;
    uint64_t ts = ts_of(h, l->out_nano);
    vnfo_sampler_decision d;
    vnfo_status st = vnfo_sampler_decide(&d, l->sampler, data, h->caplen, l->out_linktype, 0);
    if (st != VNFO_OK)
        d.status = st;
    if (d.status != VNFO_OK || !d.selected) /* counted; the clock stays within the ingress stream */
        note(l, vnfo_tap_egress_decided(l->tap, &d, NULL, 0, h->len, l->out_linktype,
                                        ts < l->in_ts ? ts : l->in_ts));
    else if (!l->held_n && ts < l->in_ts) /* its ingress frame has been fed */
        note(l, vnfo_tap_egress_decided(l->tap, &d, data, h->caplen, h->len, l->out_linktype, ts));
    else
        hold(l, &d, h, data, ts);
}

static vnfo_status pcap_failed(struct tap_live *l, pcap_t *p, const char *ifname)
{
    cli_error("tap: %s: %s", vnfo__shown(ifname).s, pcap_geterr(p));
    l->failed = 1;
    return VNFO_E_IO;
}

/* One round: the ingress ring first (so most egress frames find their
 * ingress frame already fed), then the egress ring.  *busy: a frame was read. */
static vnfo_status round_once(struct tap_live *l, int *busy)
{
    l->st = VNFO_OK;
    int n_in = pcap_dispatch(l->in, -1, feed_ingress, (u_char *)l);
    if (n_in < 0 || l->failed)
        return pcap_failed(l, l->in, l->in_if);
    int n_out = pcap_dispatch(l->out, -1, take_egress, (u_char *)l);
    if (n_out < 0)
        return pcap_failed(l, l->out, l->out_if);
    if (l->failed)
        return pcap_failed(l, l->in, l->in_if);
    *busy = n_out > 0 || n_in > 0;
    return l->st;
}

static uint64_t realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts); /* the kernel's capture timestamps are real time */
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Reads both rings until they are empty (at most max_rounds rounds); 1 when
 * they were emptied. */
static vnfo_status read_rings(struct tap_live *l, int max_rounds, int *emptied)
{
    int busy = 1;
    vnfo_status st = VNFO_OK;
    for (int i = 0; busy && st == VNFO_OK && i < max_rounds; i++)
        st = round_once(l, &busy);
    *emptied = !busy;
    return st;
}

vnfo_status tap_live_poll(struct tap_live *l, int timeout_ms)
{
    struct pollfd fds[2] = {{pcap_get_selectable_fd(l->in), POLLIN, 0},
                            {pcap_get_selectable_fd(l->out), POLLIN, 0}};
    if (poll(fds, 2, timeout_ms) < 0 && !l->held_n)
        return VNFO_OK; /* a signal: the caller decides */
    /* Every frame captured before now - hold_ns has been handed over by now. */
    uint64_t complete = realtime_ns() - l->hold_ns;
    int emptied;
    vnfo_status st = read_rings(l, 16, &emptied);
    if (st != VNFO_OK || !emptied)
        return st; /* overloaded: no statement about completeness this time */
    l->st = VNFO_OK;
    feed_held(l, complete, 0);
    if (l->st == VNFO_OK) /* dropped records and loss notices, without moving t_in */
        l->st = vnfo_tap_expire(l->tap, complete);
    return l->st;
}

vnfo_status tap_live_drain(struct tap_live *l)
{
    /* The kernel hands over its open blocks within hold_ns. */
    struct timespec wait = {(time_t)(l->hold_ns / 1000000000u), (long)(l->hold_ns % 1000000000u)};
    nanosleep(&wait, NULL);
    int emptied;
    vnfo_status st = read_rings(l, 1000, &emptied);
    l->st = VNFO_OK;
    feed_held(l, 0, 1);
    return st != VNFO_OK ? st : l->st;
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
    free(l->held);
    free(l->bytes);
    *l = (struct tap_live){0};
}
