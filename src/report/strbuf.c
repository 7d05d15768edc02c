/* A growable string for the renderers, and the caller-buffer protocol. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "report_private.h"

void vnfo__strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    size_t want = b->len + (size_t)n + 1;
    if (want > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < want)
            cap *= 2;
        char *p = vnfo__realloc(b->p, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void vnfo__strbuf_free(struct strbuf *b)
{
    vnfo__free(b->p);
    memset(b, 0, sizeof *b);
}

vnfo_status vnfo__report_output(char *out, size_t size, size_t *needed, const char *text,
                                size_t len, const char *what)
{
    if (needed)
        *needed = len + 1;
    if (!out || size < len + 1)
        return vnfo__error(VNFO_E_BUFFER_TOO_SMALL, "%s: need %zu bytes, have %zu", what,
                           len + 1, out ? size : 0);
    memcpy(out, text, len);
    out[len] = '\0';
    return VNFO_OK;
}
