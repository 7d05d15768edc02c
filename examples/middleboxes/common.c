/* Shared pieces of the reference middleboxes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "middlebox.h"

int mb_fail(struct mb_error *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->text, sizeof err->text, fmt, ap);
        va_end(ap);
    }
    return -1;
}

vnfo_reference_verdict mb_passthrough(void *ctx, const uint8_t *in, size_t in_len, uint8_t *out,
                                      size_t out_cap, size_t *out_len,
                                      vnfo_reference_resources *res)
{
    (void)ctx;
    res->cpu_cycles = 40;
    res->mem_bytes = 64;
    if (out_cap < in_len)
        return VNFO_REFERENCE_ERROR;
    memcpy(out, in, in_len);
    *out_len = in_len;
    return VNFO_REFERENCE_FORWARD;
}
