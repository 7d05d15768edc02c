/* Text forms inside manifest strings: exact rationals, RFC 3339 UTC
 * timestamps and hexadecimal hash values.  Strict on purpose: a contract
 * has one spelling for each value. */
#include <string.h>

#include "manifest_internal.h"

static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Decimal digits only, no sign, no leading zero (except "0"), fits 64 bits. */
static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* "2^n" with 0 <= n <= 64: the denominators of hash-space shares.  2^64
 * does not fit uint64_t; *shift carries n. */
static bool parse_power_of_two(const char *s, unsigned *shift)
{
    uint64_t n;
    if (s[0] != '2' || s[1] != '^' || !parse_u64(s + 2, strlen(s + 2), &n) || n > 64)
        return false;
    *shift = (unsigned)n;
    return true;
}

bool mf_rational_parse(const char *text, vnfo_rational *out)
{
    const char *slash = strchr(text, '/');
    if (!slash)
        return false;
    uint64_t num, den;
    unsigned shift;
    if (!parse_u64(text, (size_t)(slash - text), &num))
        return false;
    if (parse_power_of_two(slash + 1, &shift)) {
        /* Reduce by halving while both are even; den 0 stands for 2^64. */
        while (shift > 0 && num % 2 == 0 && num != 0) {
            num /= 2;
            shift--;
        }
        out->num = num;
        out->den = shift == 64 ? 0 : UINT64_C(1) << shift;
        return true;
    }
    if (!parse_u64(slash + 1, strlen(slash + 1), &den) || den == 0)
        return false;
    uint64_t g = gcd(num, den);
    out->num = g ? num / g : num;
    out->den = g ? den / g : den;
    return true;
}

static bool digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = y / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

bool mf_timestamp_parse(const char *t, int64_t *out)
{
    /* YYYY-MM-DDTHH:MM:SSZ, exactly 20 characters. */
    if (strlen(t) != 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' ||
        t[16] != ':' || t[19] != 'Z')
        return false;
    int y, mo, d, h, mi, s;
    if (!digits(t, 4, &y) || !digits(t + 5, 2, &mo) || !digits(t + 8, 2, &d) ||
        !digits(t + 11, 2, &h) || !digits(t + 14, 2, &mi) || !digits(t + 17, 2, &s))
        return false;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
        mi > 59 || s > 59)
        return false;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return true;
}

bool mf_hex_u64_parse(const char *text, uint64_t *out)
{
    if (text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
        return false;
    size_t n = strlen(text + 2);
    if (n == 0 || n > 16)
        return false;
    uint64_t v = 0;
    for (const char *p = text + 2; *p; p++) {
        int dgt = (*p >= '0' && *p <= '9')   ? *p - '0'
                  : (*p >= 'a' && *p <= 'f') ? *p - 'a' + 10
                  : (*p >= 'A' && *p <= 'F') ? *p - 'A' + 10
                                             : -1;
        if (dgt < 0)
            return false;
        v = v << 4 | (uint64_t)dgt;
    }
    *out = v;
    return true;
}
