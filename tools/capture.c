/* One path for reading captures (see capture.h). */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"

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
    uint32_t linktype;
    uint64_t count;
    char path[1024];
    char error[PCAP_ERRBUF_SIZE + 1400];
};

/* libpcap refuses some files other readers (Wireshark, tshark) accept;
 * the reason alone does not tell a user that the file is fine. */
static const char *hint_for(const char *reason)
{
    if (strstr(reason, "snapshot length") || strstr(reason, "link-layer type") ||
        strstr(reason, "different"))
        return " (libpcap reads a pcapng file only when all its interfaces share one link type"
               " and snapshot length; Wireshark and tshark read this file: convert it with"
               " `editcap -F pcap IN OUT`, or split it per interface)";
    return "";
}

struct capture *capture_open(const char *path, char *err, size_t err_size)
{
    char reason[PCAP_ERRBUF_SIZE] = "";
    struct capture *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, err_size, "%s: out of memory", path);
        return NULL;
    }
    c->p = pcap_open_offline(path, reason);
    if (!c->p) {
        snprintf(err, err_size, "%s: cannot read capture: %s%s", path, reason, hint_for(reason));
        free(c);
        return NULL;
    }
    c->linktype = capture_linktype_of_dlt(pcap_datalink(c->p));
    snprintf(c->path, sizeof c->path, "%s", path);
    return c;
}

uint32_t capture_linktype(const struct capture *c)
{
    return c->linktype;
}

int capture_next(struct capture *c, const uint8_t **pkt, size_t *len, uint64_t *ts_ns)
{
    struct pcap_pkthdr *h;
    const u_char *data;
    int r = pcap_next_ex(c->p, &h, &data);
    if (r == PCAP_ERROR_BREAK)
        return 0;
    if (r != 1) {
        const char *reason = pcap_geterr(c->p);
        snprintf(c->error, sizeof c->error, "%s: record %llu: %s%s", c->path,
                 (unsigned long long)c->count + 1, reason, hint_for(reason));
        return -1;
    }
    c->count++;
    *pkt = data;
    *len = h->caplen;
    *ts_ns = (uint64_t)h->ts.tv_sec * 1000000000ULL + (uint64_t)h->ts.tv_usec * 1000ULL;
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
    pcap_close(c->p);
    free(c);
}
