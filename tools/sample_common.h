/* Shared by `vnfo sample` and `vnfo demo`: sampling every record of a
 * capture through libpcap. */
#ifndef VNFO_SAMPLE_COMMON_H
#define VNFO_SAMPLE_COMMON_H

#include <stdint.h>
#include <stdio.h>

#include <vnfo/vnfo.h>

/* What a run over one capture found. */
struct sample_summary {
    uint64_t packets;   /* records read */
    uint64_t parsed;    /* records with a decision (status OK) */
    uint64_t selected;  /* records selected */
    uint64_t by_status[8]; /* 0 ok, 1 not IP, 2 truncated, 3 malformed, 4 unsupported, 5 other */
    uint32_t linktype;  /* the capture's pcap LINKTYPE (capture_linktype_of_dlt()) */
    char error[512];    /* non-empty when the capture could not be read to its end */
};

/* Samples every record of path with s.  With jsonl non-NULL, prints one JSON
 * object per record to it, hashes with hash_digits hex digits (8 for bob).
 * Returns 0 when the whole file was read, -1 when it broke off (every
 * readable record has been processed and counted), -2 when it could not be
 * opened at all; summary->error then says where and why. */
int sample_capture(struct sample_summary *summary, const char *path, const vnfo_sampler *s,
                   FILE *jsonl, unsigned hash_digits);

/* The short name of a packet status used in JSON output ("ok", "not_ip",
 * "truncated", "malformed", "unsupported"). */
const char *sample_status_word(vnfo_status st);

#endif
