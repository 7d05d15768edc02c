/* Frame sources of `vnfo tap`: a capture file read frame by frame, and two
 * live interfaces (ingress inbound, egress outbound) read through libpcap. */
#ifndef VNFO_TAP_CAPTURE_H
#define VNFO_TAP_CAPTURE_H

#include <pcap/pcap.h>
#include <stdint.h>

#include <vnfo/vnfo.h>

/* One capture file; after tap_capture_next() returns 1, the frame's fields. */
struct tap_capture {
    pcap_t *p;
    const char *path;
    uint32_t linktype; /* pcap LINKTYPE number */
    const uint8_t *data;
    uint32_t caplen, wire_len;
    uint64_t ts_ns;
};

/* 0, or -1 after printing libpcap's reason. */
int tap_capture_open_file(struct tap_capture *c, const char *path);
/* 1: a frame; 0: end of file; -1: an error, printed with the file's name. */
int tap_capture_next(struct tap_capture *c);
void tap_capture_close(struct tap_capture *c);

/* Where egress frames wait while the ingress ring is drained (see tap_capture.c). */
#define TAP_LIVE_ROUND 64
#define TAP_LIVE_SNAPLEN 65535

struct tap_live_frame {
    uint32_t caplen, wire_len;
    uint64_t ts_ns;
};

struct tap_live {
    pcap_t *in, *out;
    const char *in_if, *out_if;
    uint32_t in_linktype, out_linktype;
    uint64_t drops_reported;
    int failed;
    /* egress frames of one round, copied out of libpcap's buffer */
    struct tap_live_frame frames[TAP_LIVE_ROUND];
    uint8_t *arena;
    size_t n_frames, arena_used;
};

int tap_live_open(struct tap_live *l, const char *in_if, const char *out_if);
/* Waits up to timeout_ms for frames on either interface and feeds all that
 * are ready to the tap; VNFO_OK, or the tap's status, or VNFO_E_IO with
 * l->failed set (libpcap's reason printed). */
vnfo_status tap_live_poll(struct tap_live *l, vnfo_tap *tap, int timeout_ms);
/* Frames the kernel dropped on either interface since the last call. */
uint64_t tap_live_new_drops(struct tap_live *l);
void tap_live_close(struct tap_live *l);

#endif
