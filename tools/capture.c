/* One path for reading captures (see capture.h). */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "internal.h" /* vnfo__shown(): file names are escaped in messages */
#include "cli_input.h"
#include "pcapng.h"

/* pcap LINKTYPE_ numbers whose DLT_ value differs on some platform. */
enum {
    LINKTYPE_RAW = 101,
    LINKTYPE_LOOP = 108,
    LINKTYPE_PPP_HDLC = 50,
    LINKTYPE_C_HDLC = 104,
    LINKTYPE_ATM_RFC1483 = 100,
};

uint32_t capture_linktype_of_dlt(int dlt)
{
    switch (dlt) {
    case 11: /* DLT_ATM_RFC1483 */
        return LINKTYPE_ATM_RFC1483;
    case 12: /* DLT_RAW on most systems, DLT_LOOP on OpenBSD: both carry bare IP */
    case 14: /* DLT_RAW on BSD/OS (LINKTYPE 14 is not assigned) */
        return LINKTYPE_RAW;
#if defined(DLT_LOOP) && DLT_LOOP != LINKTYPE_LOOP && DLT_LOOP != 12
    case DLT_LOOP: return LINKTYPE_LOOP;
#endif
#if defined(DLT_PPP_SERIAL) && DLT_PPP_SERIAL != LINKTYPE_PPP_HDLC
    case DLT_PPP_SERIAL: return LINKTYPE_PPP_HDLC;
#endif
#if defined(DLT_C_HDLC) && DLT_C_HDLC != LINKTYPE_C_HDLC
    case DLT_C_HDLC: return LINKTYPE_C_HDLC;
#endif
    default:
        return dlt < 0 ? 0 : (uint32_t)dlt;
    }
}

struct capture {
    pcap_t *p;
    struct pcapng *ng; /* the fallback reader, once libpcap gave up on a valid pcapng */
    uint32_t linktype;
    uint64_t count;
    char path[1024];
    char shown[VNFO_QUOTE_SIZE]; /* the path escaped, for messages */
    char error[PCAP_ERRBUF_SIZE + 1400];
};

/* libpcap refuses some files other readers (Wireshark, tshark) accept;
 * the reason alone does not tell a user that the file is fine.  (Mixed
 * snapshot lengths are then read by tools/pcapng.c; the hint is for what
 * that reader refuses too: interfaces of different link types.) */
static const char *hint_for(const char *reason)
{
    if (strstr(reason, "different from the type"))
        return " (the file is valid pcapng and Wireshark reads it, but libpcap and vnfo read one"
               " link type per capture: split it per interface, e.g."
               " `tshark -r IN -Y frame.interface_id==0 -w OUT`)";
    if (strstr(reason, "snapshot length"))
        return " (the file is valid pcapng and Wireshark reads it; libpcap reads a pcapng file"
               " only when its interfaces share one snapshot length)";
    return "";
}

struct capture *capture_open(const char *path, char *err, size_t err_size)
{
    char reason[PCAP_ERRBUF_SIZE] = "";
    struct capture *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, err_size, "%s: out of memory", vnfo__shown(path).s);
        return NULL;
    }
    /* Opened through vnfo_file_open(): a FIFO or a directory is refused, and
     * never blocks the open. */
    FILE *f = cli_input_open(path, reason, sizeof reason);
    if (!f) {
        snprintf(err, err_size, "%s", reason); /* "<path>: why", from vnfo_file_open() */
        free(c);
        return NULL;
    }
    c->p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, reason);
    if (!c->p) {
        fclose(f); /* pcap_close() closes it otherwise */
        snprintf(err, err_size, "%s: cannot read capture: %s%s", vnfo__shown(path).s, reason,
                 hint_for(reason));
        free(c);
        return NULL;
    }
    c->linktype = capture_linktype_of_dlt(pcap_datalink(c->p));
    snprintf(c->path, sizeof c->path, "%s", path);
    snprintf(c->shown, sizeof c->shown, "%s", vnfo__shown(path).s);
    return c;
}

uint32_t capture_linktype(const struct capture *c)
{
    return c->linktype;
}

/* libpcap 1.10 refuses a pcapng file when a later interface's snapshot
 * length differs from the first's, although the file is valid: read it
 * with tools/pcapng.c instead, skipping the packets already delivered. */
static int fall_back(struct capture *c, const char *reason)
{
    if (!strstr(reason, "snapshot length"))
        return 0;
    char err[600];
    c->ng = pcapng_open(c->path, err, sizeof err);
    if (!c->ng)
        return 0;
    const uint8_t *pkt;
    size_t len, wire;
    uint64_t ts;
    for (uint64_t i = 0; i < c->count; i++)
        if (pcapng_next(c->ng, &pkt, &len, &wire, &ts) != 1 || pcapng_linktype(c->ng) != c->linktype) {
            pcapng_close(c->ng);
            c->ng = NULL;
            return 0;
        }
    pcap_close(c->p);
    c->p = NULL;
    return 1;
}

static int next_fallback(struct capture *c, const uint8_t **pkt, size_t *len, size_t *wire_len,
                         uint64_t *ts_ns)
{
    int r = pcapng_next(c->ng, pkt, len, wire_len, ts_ns);
    if (r == 1)
        c->count++;
    else if (r < 0)
        snprintf(c->error, sizeof c->error, "%s: record %llu: %s", c->shown,
                 (unsigned long long)c->count + 1, pcapng_error(c->ng));
    return r;
}

int capture_next(struct capture *c, const uint8_t **pkt, size_t *len, size_t *wire_len,
                 uint64_t *ts_ns)
{
    size_t wire_ignored;
    if (!wire_len)
        wire_len = &wire_ignored;
    if (c->ng)
        return next_fallback(c, pkt, len, wire_len, ts_ns);
    struct pcap_pkthdr *h;
    const u_char *data;
    int r = pcap_next_ex(c->p, &h, &data);
    if (r == PCAP_ERROR_BREAK)
        return 0;
    if (r != 1) {
        const char *reason = pcap_geterr(c->p);
        snprintf(c->error, sizeof c->error, "%s: record %llu: %s%s", c->shown,
                 (unsigned long long)c->count + 1, reason, hint_for(reason));
        if (fall_back(c, reason)) {
            c->error[0] = '\0';
            return next_fallback(c, pkt, len, wire_len, ts_ns);
        }
        return -1;
    }
    c->count++;
    *pkt = data;
    *len = h->caplen;
    *wire_len = h->len > h->caplen ? h->len : h->caplen;
    /* Opened with nanosecond precision: tv_usec holds nanoseconds. */
    *ts_ns = (uint64_t)h->ts.tv_sec * 1000000000ULL + (uint64_t)h->ts.tv_usec;
    return 1;
}

uint64_t capture_count(const struct capture *c)
{
    return c->count;
}

const char *capture_error(const struct capture *c)
{
    return c->error;
}

void capture_close(struct capture *c)
{
    if (!c)
        return;
    if (c->p)
        pcap_close(c->p);
    pcapng_close(c->ng);
    free(c);
}
