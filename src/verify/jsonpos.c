/* A bounds-checked JSON skimmer that follows a path and reports where the
 * value is.  It never allocates and tolerates malformed input (it then just
 * fails to find the path). */
#include <string.h>

#include "internal.h"
#include "jsonpos.h"

struct scan {
    const char *p, *end;
    int line, col;
};

static void adv(struct scan *s)
{
    if (*s->p == '\n') {
        s->line++;
        s->col = 1;
    } else if (((unsigned char)*s->p & 0xc0) != 0x80) {
        s->col++; /* columns count characters, as jansson's do */
    }
    s->p++;
}

static void skip_ws(struct scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        adv(s);
}

/* Skips a string starting at its opening quote; returns 0 when unterminated.
 * *raw and *raw_len receive the bytes between the quotes. */
static int skip_string(struct scan *s, const char **raw, size_t *raw_len)
{
    adv(s);
    const char *start = s->p;
    while (s->p < s->end && *s->p != '"') {
        if (*s->p == '\\') {
            adv(s);
            if (s->p >= s->end)
                return 0;
        }
        adv(s);
    }
    if (s->p >= s->end)
        return 0;
    if (raw) {
        *raw = start;
        *raw_len = (size_t)(s->p - start);
    }
    adv(s);
    return 1;
}

static int skip_value(struct scan *s, int depth);

static int skip_container(struct scan *s, int depth, char close)
{
    adv(s);
    skip_ws(s);
    if (s->p < s->end && *s->p == close) {
        adv(s);
        return 1;
    }
    while (s->p < s->end) {
        if (close == '}') {
            if (*s->p != '"' || !skip_string(s, NULL, NULL))
                return 0;
            skip_ws(s);
            if (s->p >= s->end || *s->p != ':')
                return 0;
            adv(s);
        }
        if (!skip_value(s, depth + 1))
            return 0;
        skip_ws(s);
        if (s->p < s->end && *s->p == ',') {
            adv(s);
            skip_ws(s);
            continue;
        }
        if (s->p < s->end && *s->p == close) {
            adv(s);
            return 1;
        }
        return 0;
    }
    return 0;
}

static int skip_value(struct scan *s, int depth)
{
    skip_ws(s);
    if (s->p >= s->end || depth > 256)
        return 0;
    if (*s->p == '"')
        return skip_string(s, NULL, NULL);
    if (*s->p == '{')
        return skip_container(s, depth, '}');
    if (*s->p == '[')
        return skip_container(s, depth, ']');
    while (s->p < s->end && !strchr(",]} \t\r\n", *s->p))
        adv(s);
    return 1;
}

static int hex4(const char *p, const char *end, unsigned *out)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++, p++) {
        if (p >= end)
            return 0;
        int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
              : *p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : -1;
        if (d < 0)
            return 0;
        v = v << 4 | (unsigned)d;
    }
    *out = v;
    return 1;
}

/* Decodes the next character of a string body at *p (escapes included)
 * into UTF-8 bytes; returns their count, 0 on a malformed escape. */
static size_t body_char(const char **p, const char *end, unsigned char out[4])
{
    if (**p != '\\') {
        out[0] = (unsigned char)*(*p)++;
        return 1;
    }
    if (*p + 1 >= end)
        return 0;
    char e = (*p)[1];
    *p += 2;
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *m = e ? strchr(from, e) : NULL;
    if (m) {
        out[0] = (unsigned char)to[m - from];
        return 1;
    }
    unsigned cp, lo;
    if (e != 'u' || !hex4(*p, end, &cp))
        return 0;
    *p += 4;
    if (cp >= 0xd800 && cp < 0xdc00 && *p + 1 < end && (*p)[0] == '\\' && (*p)[1] == 'u' &&
        hex4(*p + 2, end, &lo) && lo >= 0xdc00 && lo < 0xe000) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        *p += 6;
    }
    return vnfo__utf8_put(out, cp);
}

/* Whether the raw string body (escapes and all) decodes to key: a member
 * written "packet\u0073" is the member "packets". */
static int body_equals(const char *raw, size_t raw_len, const char *key, size_t klen)
{
    const char *p = raw, *end = raw + raw_len;
    size_t k = 0;
    unsigned char c[4];
    while (p < end) {
        size_t n = body_char(&p, end, c);
        if (n == 0 || n > klen - k || memcmp(key + k, c, n) != 0)
            return 0;
        k += n;
    }
    return k == klen;
}

/* At an object's '{': moves to the value of member `key`. */
static int enter_member(struct scan *s, const char *key, struct scan *key_pos)
{
    size_t klen = strlen(key);
    adv(s);
    for (;;) {
        skip_ws(s);
        if (s->p >= s->end || *s->p != '"')
            return 0;
        struct scan at = *s;
        const char *raw;
        size_t raw_len;
        if (!skip_string(s, &raw, &raw_len))
            return 0;
        skip_ws(s);
        if (s->p >= s->end || *s->p != ':')
            return 0;
        adv(s);
        skip_ws(s);
        if (body_equals(raw, raw_len, key, klen)) {
            *key_pos = at;
            return 1;
        }
        if (!skip_value(s, 1))
            return 0;
        skip_ws(s);
        if (s->p >= s->end || *s->p != ',')
            return 0;
        adv(s);
    }
}

/* At an array's '[': moves to element `index`. */
static int enter_element(struct scan *s, size_t index)
{
    adv(s);
    for (size_t i = 0;; i++) {
        skip_ws(s);
        if (s->p >= s->end || *s->p == ']')
            return 0;
        if (i == index)
            return 1;
        if (!skip_value(s, 1))
            return 0;
        skip_ws(s);
        if (s->p >= s->end || *s->p != ',')
            return 0;
        adv(s);
    }
}

int vnfo__json_locate(const char *text, size_t len, const struct jsonpos_step *path, size_t depth,
                      int want_key, int *line, int *col)
{
    struct scan s = {text, text + len, 1, 1}, key_pos = s;
    *line = *col = 0;
    int last_is_key = 0;
    for (size_t i = 0; i < depth; i++) {
        skip_ws(&s);
        if (s.p >= s.end)
            return 0;
        if (path[i].key) {
            if (*s.p != '{' || !enter_member(&s, path[i].key, &key_pos))
                return 0;
            last_is_key = 1;
        } else {
            if (*s.p != '[' || !enter_element(&s, path[i].index))
                return 0;
            last_is_key = 0;
        }
    }
    skip_ws(&s);
    const struct scan *at = (want_key && last_is_key) ? &key_pos : &s;
    *line = at->line;
    *col = at->col;
    return 1;
}
