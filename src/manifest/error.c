/* Manifest error messages: "name:line:col: path: message", plus the
 * position kept apart for bindings (vnfo_manifest_error_line() & co). */
#include <stdio.h>
#include <string.h>

#include "manifest_internal.h"

#define PATH_TEXT_MAX 256

static _Thread_local unsigned long err_line, err_column;
static _Thread_local char err_path[PATH_TEXT_MAX];

unsigned long vnfo_manifest_error_line(void) { return err_line; }
unsigned long vnfo_manifest_error_column(void) { return err_column; }
const char *vnfo_manifest_error_path(void) { return err_path; }

void mf_error_reset(void)
{
    err_line = err_column = 0;
    err_path[0] = '\0';
}

void mf_push_key(mf_ctx *c, const char *key)
{
    /* The schema is shallower than MF_PATH_MAX; deeper values are rejected
     * before they are descended into, so this never overflows. */
    if (c->depth < MF_PATH_MAX)
        c->path[c->depth] = (struct mf_component){key, 0};
    c->depth++;
}

void mf_push_index(mf_ctx *c, size_t index)
{
    if (c->depth < MF_PATH_MAX)
        c->path[c->depth] = (struct mf_component){NULL, index};
    c->depth++;
}

void mf_pop(mf_ctx *c)
{
    if (c->depth > 0)
        c->depth--;
}

void mf_quote(char *out, size_t size, const char *s)
{
    vnfo__quote(out, size, s, strlen(s), 40); /* the shared escaping, cut at 40 bytes */
}

/* A key that is a plain identifier prints as ".key"; anything else (an
 * unknown key with spaces, quotes or control characters) as ["..."]. */
static void append_key(char *out, size_t size, size_t *n, const char *key, bool first)
{
    bool plain = *key != '\0';
    for (const char *p = key; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-'))
            plain = false;
    char q[MF_QUOTE_SIZE];
    mf_quote(q, sizeof q, key);
    int w = plain ? snprintf(out + *n, size - *n, "%s%s", first ? "" : ".", q)
                  : snprintf(out + *n, size - *n, "[\"%s\"]", q);
    if (w > 0)
        *n = *n + (size_t)w < size ? *n + (size_t)w : size - 1;
}

void mf_path_format(char *out, size_t size, const struct mf_component *path, int depth)
{
    size_t n = 0;
    out[0] = '\0';
    if (depth > MF_PATH_MAX)
        depth = MF_PATH_MAX;
    if (depth == 0) {
        snprintf(out, size, "$");
        return;
    }
    for (int i = 0; i < depth; i++) {
        if (path[i].key) {
            append_key(out, size, &n, path[i].key, i == 0);
        } else {
            int w = snprintf(out + n, size - n, "[%zu]", path[i].index);
            if (w > 0)
                n = n + (size_t)w < size ? n + (size_t)w : size - 1;
        }
    }
}

static vnfo_status fail_v(mf_ctx *c, vnfo_status status, bool at_key, const char *fmt, va_list ap)
{
    int depth = c->depth > MF_PATH_MAX ? MF_PATH_MAX : c->depth;
    size_t off = mf_locate(c->text, c->len, c->path, depth, at_key);
    mf_line_column(c->text, off, &err_line, &err_column);
    mf_path_format(err_path, sizeof err_path, c->path, depth);
    char what[384];
    vsnprintf(what, sizeof what, fmt, ap);
    return vnfo__error(status, "%s:%lu:%lu: %s: %s", c->name, err_line, err_column, err_path, what);
}

vnfo_status mf_fail(mf_ctx *c, vnfo_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(c, status, false, fmt, ap);
    va_end(ap);
    return status;
}

vnfo_status mf_fail_key(mf_ctx *c, vnfo_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(c, status, true, fmt, ap);
    va_end(ap);
    return status;
}

vnfo_status mf_fail_at(mf_ctx *c, vnfo_status status, unsigned long line, unsigned long column,
                       const char *fmt, ...)
{
    err_line = line;
    err_column = column;
    err_path[0] = '\0';
    char what[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return vnfo__error(status, "%s:%lu:%lu: %s", c->name, line, column, what);
}
