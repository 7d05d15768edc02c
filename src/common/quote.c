/* Escaping text from the input before it goes into a message: a provider's
 * name, key or time string must not rewrite the message it appears in. */
#include <stdio.h>

#include "internal.h"

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 when invalid. */
size_t vnfo__utf8_length(const unsigned char *p, size_t n)
{
    size_t want = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 && p[0] < 0xe0 ? 2 : 0;
    if (want == 0 || want > n)
        return 0;
    for (size_t i = 1; i < want; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    uint32_t cp = want == 2 ? (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f)
                : want == 3 ? (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f)
                            : (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
                                  (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
    /* Overlong forms, surrogates, beyond U+10FFFF, and C1 controls (U+0080
     * to U+009F, which terminals read as escape sequences) are escaped. */
    if ((want == 3 && cp < 0x800) || (want == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp < 0xe000) || cp < 0xa0)
        return 0;
    return want;
}

void vnfo__quote(char *out, size_t size, const char *text, size_t len, size_t max_bytes)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t e = 0, i = 0;
    if (size == 0)
        return;
    while (i < len && i < max_bytes) {
        size_t u = s[i] >= 0x80 ? vnfo__utf8_length(s + i, len - i) : 0;
        char piece[8];
        size_t k;
        if (s[i] == '"' || s[i] == '\\')
            k = (size_t)snprintf(piece, sizeof piece, "\\%c", s[i]);
        else if (s[i] < 0x20 || s[i] == 0x7f)
            k = (size_t)snprintf(piece, sizeof piece, "\\u%04x", s[i]);
        else if (s[i] >= 0x80 && !u)
            k = (size_t)snprintf(piece, sizeof piece, "\\x%02x", s[i]);
        else
            k = u ? u : 1;
        if (e + k + 4 > size) /* room for "..." and the NUL */
            break;
        if (u || (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\'))
            memcpy(out + e, s + i, k), i += k;
        else
            memcpy(out + e, piece, k), i++;
        e += k;
    }
    if (i < len && e + 4 <= size)
        memcpy(out + e, "...", 3), e += 3;
    out[e] = '\0';
}

vnfo__shown_name vnfo__shown(const char *name)
{
    vnfo__shown_name out;
    size_t len = name ? strlen(name) : 0;
    vnfo__quote(out.s, sizeof out.s, name ? name : "", len, len);
    return out;
}

size_t vnfo__utf8_put(unsigned char out[4], unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xc0 | cp >> 6);
        out[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xe0 | cp >> 12);
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (unsigned char)(0xf0 | cp >> 18);
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}
