/* Live frame sources of `vnfo tap`: two interfaces (ingress inbound, egress
 * outbound) read through libpcap.  Capture files go through tools/capture.h,
 * as for every other command. */
#ifndef VNFO_TAP_CAPTURE_H
#define VNFO_TAP_CAPTURE_H

#include <pcap/pcap.h>
#include <stdint.h>

#include <vnfo/vnfo.h>

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
