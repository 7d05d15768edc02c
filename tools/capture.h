/* Reading captures (pcap, pcapng) through libpcap: the one path every vnfo
 * command that reads packets takes (`vnfo sample`, `vnfo simulate`,
 * `vnfo demo`), so they agree on link types and on what they say when a
 * file cannot be read.  Not part of the library: the library never does
 * I/O on captures. */
#ifndef VNFO_CAPTURE_H
#define VNFO_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

/* The pcap LINKTYPE_ number (what the library and the log take) of a
 * libpcap DLT_ value (pcap_datalink()).  They coincide except for the DLT_
 * values that differ by platform: DLT_RAW (12, or 14 on BSD/OS) -> 101,
 * DLT_ATM_RFC1483 (11) -> 100, and on the BSDs that number them otherwise
 * DLT_LOOP -> 108, DLT_PPP_SERIAL -> 50, DLT_C_HDLC -> 104.  Every command
 * that reads captures maps through this one function. */
uint32_t capture_linktype_of_dlt(int dlt);

struct capture;

/* Opens path.  Returns NULL with err (size err_size) holding
 * "<path>: <libpcap's reason>" and, where libpcap refuses a file that other
 * tools read, a sentence saying so. */
struct capture *capture_open(const char *path, char *err, size_t err_size);

/* The LINKTYPE of the capture's frames. */
uint32_t capture_linktype(const struct capture *c);

/* The next frame: 1 with *pkt, *len (captured length), *wire_len (its length
 * on the wire, never below *len; wire_len may be NULL) and *ts_ns (ns since
 * the Unix epoch, nanosecond files at full precision) set, 0 at the end, -1
 * on a read error (then capture_error() says where and why). */
int capture_next(struct capture *c, const uint8_t **pkt, size_t *len, size_t *wire_len,
                 uint64_t *ts_ns);

/* Records read so far. */
uint64_t capture_count(const struct capture *c);

/* "<path>: record N: <libpcap's reason>[ hint]" after a failed capture_next(). */
const char *capture_error(const struct capture *c);

/* Closes c (NULL is fine). */
void capture_close(struct capture *c);

#endif
