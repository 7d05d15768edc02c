/* BOB, the hash of RFC 5475 Appendix A.2: Bob Jenkins' lookup2 with an init
 * value, 32-bit arithmetic throughout (uint32_t, so the wrap-around the
 * algorithm relies on is defined behaviour). */
#include "sampler_internal.h"

#define BOB_GOLDEN 0x9e3779b9u

#define BOB_MIX(a, b, c)                      \
    do {                                      \
        a -= b; a -= c; a ^= (c >> 13);       \
        b -= c; b -= a; b ^= (a << 8);        \
        c -= a; c -= b; c ^= (b >> 13);       \
        a -= b; a -= c; a ^= (c >> 12);       \
        b -= c; b -= a; b ^= (a << 16);       \
        c -= a; c -= b; c ^= (b >> 5);        \
        a -= b; a -= c; a ^= (c >> 3);        \
        b -= c; b -= a; b ^= (a << 10);       \
        c -= a; c -= b; c ^= (b >> 15);       \
    } while (0)

static inline uint32_t le32(const uint8_t *k)
{
    return (uint32_t)k[0] | (uint32_t)k[1] << 8 | (uint32_t)k[2] << 16 | (uint32_t)k[3] << 24;
}

uint32_t vnfo_sampler_bob(const uint8_t *k, size_t length, uint32_t initval)
{
    uint32_t a = BOB_GOLDEN, b = BOB_GOLDEN, c = initval;
    size_t len = length;
    if (!k)
        len = length = 0;
    while (len >= 12) {
        a += le32(k);
        b += le32(k + 4);
        c += le32(k + 8);
        BOB_MIX(a, b, c);
        k += 12;
        len -= 12;
    }
    /* The last 11 bytes; the low byte of c is reserved for the length. */
    c += (uint32_t)length;
    switch (len) {
    case 11: c += (uint32_t)k[10] << 24; /* fall through */
    case 10: c += (uint32_t)k[9] << 16;  /* fall through */
    case 9: c += (uint32_t)k[8] << 8;    /* fall through */
    case 8: b += (uint32_t)k[7] << 24;   /* fall through */
    case 7: b += (uint32_t)k[6] << 16;   /* fall through */
    case 6: b += (uint32_t)k[5] << 8;    /* fall through */
    case 5: b += k[4];                   /* fall through */
    case 4: a += (uint32_t)k[3] << 24;   /* fall through */
    case 3: a += (uint32_t)k[2] << 16;   /* fall through */
    case 2: a += (uint32_t)k[1] << 8;    /* fall through */
    case 1: a += k[0];                   /* fall through */
    default: break;
    }
    BOB_MIX(a, b, c);
    return c;
}
