/* Finding where a value sits in the JSON text.  jansson keeps no positions
 * for values, so error paths walk the (already validated) text again to the
 * value the JSON path names.  This runs only when an error is reported, so
 * it favours simplicity over speed, and never trusts the text: every step is
 * bounded by len, and an unexpected byte just ends the walk at offset 0. */
#include <string.h>

#include "manifest_internal.h"

static size_t skip_ws(const char *t, size_t len, size_t i)
{
    while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
        i++;
    return i;
}

/* t[i] is '"'; returns the offset just past the closing quote. */
static size_t skip_string(const char *t, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        if (t[i] == '\\')
            i++;
        else if (t[i] == '"')
            return i + 1;
    }
    return len;
}

/* Skips one value of any kind, nested structures included. */
static size_t skip_value(const char *t, size_t len, size_t i)
{
    if (i >= len)
        return len;
    if (t[i] == '"')
        return skip_string(t, len, i);
    if (t[i] != '{' && t[i] != '[') {
        while (i < len && t[i] != ',' && t[i] != '}' && t[i] != ']' && t[i] != ' ' &&
               t[i] != '\n' && t[i] != '\r' && t[i] != '\t')
            i++;
        return i;
    }
    size_t depth = 0;
    for (; i < len; i++) {
        if (t[i] == '"')
            i = skip_string(t, len, i) - 1;
        else if (t[i] == '{' || t[i] == '[')
            depth++;
        else if ((t[i] == '}' || t[i] == ']') && --depth == 0)
            return i + 1;
    }
    return len;
}

static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static bool read_hex4(const char *t, size_t len, size_t i, unsigned *out)
{
    if (i + 4 > len)
        return false;
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        int d = hex_digit(t[i + (size_t)k]);
        if (d < 0)
            return false;
        v = v << 4 | (unsigned)d;
    }
    *out = v;
    return true;
}

/* Decodes one (possibly escaped) character of the string body at t[*i] into
 * UTF-8 bytes; returns their count, 0 at the closing quote or on error. */
static size_t next_char(const char *t, size_t len, size_t *i, unsigned char out[4])
{
    if (*i >= len || t[*i] == '"')
        return 0;
    if (t[*i] != '\\') {
        out[0] = (unsigned char)t[(*i)++];
        return 1;
    }
    if (*i + 1 >= len)
        return 0;
    char e = t[*i + 1];
    *i += 2;
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *p = e ? strchr(from, e) : NULL;
    if (p) {
        out[0] = (unsigned char)to[p - from];
        return 1;
    }
    unsigned cp;
    if (e != 'u' || !read_hex4(t, len, *i, &cp))
        return 0;
    *i += 4;
    unsigned lo;
    if (cp >= 0xd800 && cp < 0xdc00 && *i + 1 < len && t[*i] == '\\' && t[*i + 1] == 'u' &&
        read_hex4(t, len, *i + 2, &lo) && lo >= 0xdc00 && lo < 0xe000) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        *i += 6;
    }
    return vnfo__utf8_put(out, cp);
}

/* Whether the string starting at t[i] ('"') decodes to exactly `want`. */
static bool string_equals(const char *t, size_t len, size_t i, const char *want)
{
    size_t wlen = strlen(want), w = 0;
    unsigned char buf[4];
    size_t n;
    for (i++; (n = next_char(t, len, &i, buf)) > 0; w += n)
        if (w + n > wlen || memcmp(want + w, buf, n) != 0)
            return false;
    return w == wlen && i < len && t[i] == '"';
}

/* From the '{' at t[i], the offset of the member named key (its key when
 * at_key, else its value); 0 when absent. */
static size_t find_member(const char *t, size_t len, size_t i, const char *key, bool at_key)
{
    i = skip_ws(t, len, i + 1);
    while (i < len && t[i] == '"') {
        size_t key_at = i;
        bool match = string_equals(t, len, i, key);
        i = skip_ws(t, len, skip_string(t, len, i));
        if (i >= len || t[i] != ':')
            return 0;
        i = skip_ws(t, len, i + 1);
        if (match)
            return at_key ? key_at : i;
        i = skip_ws(t, len, skip_value(t, len, i));
        if (i < len && t[i] == ',')
            i = skip_ws(t, len, i + 1);
    }
    return 0;
}

/* From the '[' at t[i], the offset of element `index`; 0 when absent. */
static size_t find_element(const char *t, size_t len, size_t i, size_t index)
{
    i = skip_ws(t, len, i + 1);
    for (size_t k = 0; i < len && t[i] != ']'; k++) {
        if (k == index)
            return i;
        i = skip_ws(t, len, skip_value(t, len, i));
        if (i < len && t[i] == ',')
            i = skip_ws(t, len, i + 1);
    }
    return 0;
}

size_t mf_locate(const char *text, size_t len, const struct mf_component *path, int depth,
                 bool at_key)
{
    size_t i = skip_ws(text, len, 0);
    for (int d = 0; d < depth && i < len; d++) {
        bool last = d == depth - 1;
        size_t next;
        if (path[d].key)
            next = text[i] == '{' ? find_member(text, len, i, path[d].key, at_key && last) : 0;
        else
            next = text[i] == '[' ? find_element(text, len, i, path[d].index) : 0;
        if (next == 0)
            return i; /* not found: point at the innermost container found */
        i = next;
    }
    return i < len ? i : 0;
}

void mf_line_column(const char *text, size_t offset, unsigned long *line, unsigned long *column)
{
    unsigned long l = 1, col = 1;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            l++;
            col = 1;
        } else if (((unsigned char)text[i] & 0xc0) != 0x80) {
            col++; /* count characters, not UTF-8 continuation bytes */
        }
    }
    *line = l;
    *column = col;
}

bool mf_depth_ok(const char *text, size_t len, int max_depth, size_t *out_offset)
{
    int depth = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '"') {
            i = skip_string(text, len, i) - 1;
        } else if (text[i] == '{' || text[i] == '[') {
            if (++depth > max_depth) {
                *out_offset = i;
                return false;
            }
        } else if (text[i] == '}' || text[i] == ']') {
            depth--;
        }
    }
    return true;
}
