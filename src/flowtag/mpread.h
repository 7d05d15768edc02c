/* A bounds-checked msgpack reader for decoders of hostile bytes: a cursor
 * over a buffer that never allocates and never reads past the end.  Every
 * failure records VNFO_E_FLOWTAG_FORMAT with the byte offset and the field. */
#ifndef VNFO_FLOWTAG_MPREAD_H
#define VNFO_FLOWTAG_MPREAD_H

#include "internal.h"

struct mpread {
    const uint8_t *buf;
    size_t len;
    size_t pos;
};

/* Records "<where>: byte <pos>: <field>: <why>" and returns the status. */
vnfo_status vnfo__mpread_fail(const struct mpread *r, const char *where, const char *field,
                              const char *why);

/* An array header; the count is checked to fit in the remaining bytes (one
 * byte per element at least). */
vnfo_status vnfo__mpread_array(struct mpread *r, uint32_t *out, const char *where,
                               const char *field);

/* A non-negative integer in any msgpack integer form. */
vnfo_status vnfo__mpread_uint(struct mpread *r, uint64_t *out, const char *where,
                              const char *field);

/* A bin of exactly n bytes, copied to out. */
vnfo_status vnfo__mpread_bin_exact(struct mpread *r, uint8_t *out, size_t n, const char *where,
                                   const char *field);

/* A nil. */
vnfo_status vnfo__mpread_nil(struct mpread *r, const char *where, const char *field);

#endif
