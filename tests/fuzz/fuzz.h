/* Shared by the fuzz harnesses: the libFuzzer entry point each defines, and
 * the check that turns a broken invariant into a crash the fuzzer reports. */
#ifndef VNFO_FUZZ_H
#define VNFO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                         \
    do {                                                                          \
        if (!(cond)) {                                                            \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                              \
        }                                                                         \
    } while (0)

/* Whether a message is safe to print: no control character (C0, DEL, C1)
 * and valid UTF-8, so nothing from the input can rewrite it (an input's
 * bytes reach messages only through the quoting helper).  Truncation must
 * not cut a UTF-8 sequence either. */
static inline int fuzz_message_clean(const char *msg)
{
    const unsigned char *p = (const unsigned char *)msg;
    while (*p) {
        unsigned c = *p;
        if (c < 0x20 || c == 0x7f)
            return 0;
        if (c < 0x80) {
            p++;
            continue;
        }
        size_t n = c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
        if (n == 0)
            return 0;
        unsigned cp = c & (0xff >> (n + 1));
        for (size_t i = 1; i < n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i] & 0x3f);
        }
        if (cp < 0xa0 || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
            (cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff)
            return 0;
        p += n;
    }
    return 1;
}

/* A failure must say what and where, in a message safe to print. */
#define FUZZ_ASSERT_MESSAGE(msg) FUZZ_ASSERT((msg)[0] != '\0' && fuzz_message_clean(msg))

#endif
