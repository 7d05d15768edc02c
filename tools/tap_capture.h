/* Live frame sources of `vnfo tap`: two interfaces (ingress inbound, egress
 * outbound) read through libpcap.  Capture files go through tools/capture.h,
 * as for every other command. */
#ifndef VNFO_TAP_CAPTURE_H
#define VNFO_TAP_CAPTURE_H

#include <pcap/pcap.h>
#include <stdint.h>

#include <vnfo/vnfo.h>

#define TAP_LIVE_SNAPLEN 65535
/* The kernel's capture buffer per interface. */
#define TAP_LIVE_BUFFER_BYTES (64u << 20)
/* Default block timeout (ms): how long the kernel may hold captured frames
 * before it hands a partly filled block over (TPACKET_V3). */
#define TAP_LIVE_DEFAULT_BLOCK_MS 5
/* How often the live loop reads the kernel's capture drops (pcap_stats:
 * two system calls) into loss notices. */
#define TAP_LIVE_STATS_NS 100000000u
/* Selected egress frames held until the ingress stream has passed them. */
#define TAP_LIVE_HELD_FRAMES 16384
#define TAP_LIVE_HELD_BYTES (8u << 20)

/* A selected egress frame waiting for the ingress stream to pass its time. */
struct tap_held {
    vnfo_sampler_decision d;
    uint64_t ts_ns;
    uint32_t caplen, wire_len;
    size_t off; /* in the held bytes */
};

struct tap_live {
    pcap_t *in, *out;
    const char *in_if, *out_if;
    uint32_t in_linktype, out_linktype;
    int in_nano, out_nano;   /* timestamps in ns (else us) */
    uint64_t hold_ns;        /* after this long, every earlier frame has been handed over */
    uint64_t drops_reported;
    int failed;
    vnfo_tap *tap;
    const vnfo_sampler *sampler;
    vnfo_status st;          /* the first error of the current round */
    uint64_t in_ts;          /* the newest ingress frame fed */
    /* held selected egress frames: a FIFO of entries, their bytes in a ring */
    struct tap_held *held;
    size_t held_first, held_n;
    uint8_t *bytes;
    size_t bytes_head, bytes_tail;
};

/* Opens both interfaces.  block_ms 0 is immediate mode (a wakeup per
 * frame); otherwise frames reach the tap in blocks, at most block_ms late. */
int tap_live_open(struct tap_live *l, const char *in_if, const char *out_if, unsigned block_ms,
                  vnfo_tap *tap, const vnfo_sampler *sampler);
/* Waits up to timeout_ms for frames on either interface, feeds all that are
 * ready to the tap in time order, and expires pending frames up to the time
 * both streams are known complete.  VNFO_OK, or the tap's status, or
 * VNFO_E_IO with l->failed set (libpcap's reason printed). */
vnfo_status tap_live_poll(struct tap_live *l, int timeout_ms);
/* At a clean stop: waits until the kernel has handed over every frame it
 * captured, feeds them, and feeds every held frame. */
vnfo_status tap_live_drain(struct tap_live *l);
/* Frames the kernel dropped on either interface since the last call. */
uint64_t tap_live_new_drops(struct tap_live *l);
void tap_live_close(struct tap_live *l);

#endif
