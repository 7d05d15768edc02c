/* A small pcapng reader for the files libpcap 1.10 refuses although they
 * are valid: interfaces with different snapshot lengths (dumpcap writes
 * them when capturing on several interfaces).  tools/capture.c falls back
 * to it when libpcap gives up on such a file.  It reads section header,
 * interface description, enhanced, simple and obsolete packet blocks in
 * either byte order (skipping every other block), honours if_tsresol, and
 * still refuses interfaces with different link types (a run has one link
 * type).  Memory: one block buffer, at most PCAPNG_BLOCK_MAX bytes, and
 * PCAPNG_INTERFACES_MAX interfaces per section. */
#ifndef VNFO_PCAPNG_H
#define VNFO_PCAPNG_H

#include <stddef.h>
#include <stdint.h>

#define PCAPNG_BLOCK_MAX (16u << 20)
#define PCAPNG_INTERFACES_MAX 4096

struct pcapng;

/* Opens path and reads up to its first interface.  NULL with err set
 * (the file, the offset and the reason) on failure. */
struct pcapng *pcapng_open(const char *path, char *err, size_t err_size);

/* The link type (LINKTYPE_) of the file's interfaces. */
uint32_t pcapng_linktype(const struct pcapng *r);

/* The next packet: 1, 0 at the end, -1 on an error (pcapng_error()). */
int pcapng_next(struct pcapng *r, const uint8_t **pkt, size_t *len, size_t *wire_len, uint64_t *ts_ns);

/* "offset N: reason" after a failed pcapng_next(). */
const char *pcapng_error(const struct pcapng *r);

void pcapng_close(struct pcapng *r);

#endif
