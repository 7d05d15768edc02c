/* XXH3-64 and SipHash-2-4 of the default psamp gather (20 bytes for IPv4,
 * 46 for IPv6), computed from the gathered 8-byte words in registers, and of
 * any gather of 9 to 64 bytes (fx_xxh3_words, fx_siphash) from its words.
 *
 * Why: hashing the gathered bytes from memory makes XXH3 read 8-byte words
 * at offsets the gather did not write them at (it reads the last 16 bytes
 * end-aligned), and such a load waits until the stores reach the cache; the
 * SipHash of libsodium is a call that re-reads the bytes as well.  Here the
 * words the gather loaded are combined with shifts into exactly the words
 * each algorithm reads, so nothing goes through memory.  The results are
 * bit-for-bit those of XXH3_64bits_withSeed() (the algorithm is frozen since
 * xxHash 0.8.0) and of libsodium's crypto_shorthash():
 * tests/check_sampler_fast.c compares every decision of the fast path with
 * the general path, which hashes the bytes with those two libraries.
 *
 * Words are little-endian: w[i] holds bytes 8i..8i+7, bytes past the end
 * are zero (fast_psamp8_words() leaves them so).  Include after xxhash.h
 * with XXH_INLINE_ALL (for XXH3_kSecret, XXH_readLE64, XXH3_mul128_fold64). */
#ifndef VNFO_SAMPLER_FASTHASH_H
#define VNFO_SAMPLER_FASTHASH_H

#include <stdint.h>
#include <string.h>

#define FX_INLINE static inline __attribute__((always_inline))

/* ---- XXH3-64, inputs of 17 to 128 bytes (XXH3_len_17to128_64b) ---- */

FX_INLINE uint64_t fx_mul_fold(uint64_t a, uint64_t b)
{
    return XXH3_mul128_fold64(a, b); /* xxHash's own, portable to 32-bit targets */
}

/* XXH3_mix16B of the 16 input bytes (lo, hi) with the secret at byte 8i. */
FX_INLINE uint64_t fx_mix16(uint64_t lo, uint64_t hi, int i, uint64_t seed)
{
    return fx_mul_fold(lo ^ (XXH_readLE64(XXH3_kSecret + 8 * i) + seed),
                       hi ^ (XXH_readLE64(XXH3_kSecret + 8 * i + 8) - seed));
}

FX_INLINE uint64_t fx_avalanche(uint64_t h)
{
    h ^= h >> 37;
    h *= 0x165667919E3779F9ull;
    return h ^ (h >> 32);
}

/* 20 bytes: the first 16 and the last 16 (bytes 4..19). */
FX_INLINE uint64_t fx_xxh3_20(const uint64_t *w, uint64_t seed)
{
    uint64_t acc = 20 * XXH_PRIME64_1;
    acc += fx_mix16(w[0], w[1], 0, seed);
    acc += fx_mix16(w[0] >> 32 | w[1] << 32, w[1] >> 32 | w[2] << 32, 2, seed);
    return fx_avalanche(acc);
}

/* 46 bytes: bytes 16..31, 14..29, 0..15 and 30..45. */
FX_INLINE uint64_t fx_xxh3_46(const uint64_t *w, uint64_t seed)
{
    uint64_t acc = 46 * XXH_PRIME64_1;
    acc += fx_mix16(w[2], w[3], 4, seed);
    acc += fx_mix16(w[1] >> 48 | w[2] << 16, w[2] >> 48 | w[3] << 16, 6, seed);
    acc += fx_mix16(w[0], w[1], 0, seed);
    acc += fx_mix16(w[3] >> 48 | w[4] << 16, w[4] >> 48 | w[5] << 16, 2, seed);
    return fx_avalanche(acc);
}

/* The 8 bytes at byte offset o of the words (w must hold the word after). */
FX_INLINE uint64_t fx_word_at(const uint64_t *w, unsigned o)
{
    unsigned q = o / 8, s = 8 * (o % 8);
    return s ? w[q] >> s | w[q + 1] << (64 - s) : w[q];
}

/* n bytes, 9 <= n <= 64 (XXH3_len_9to16_64b, XXH3_len_17to128_64b), from
 * words: each 16-byte read of the algorithm is two fx_word_at(). */
FX_INLINE uint64_t fx_xxh3_words(const uint64_t *w, unsigned n, uint64_t seed)
{
    if (n <= 16) {
        uint64_t lo = w[0] ^ ((XXH_readLE64(XXH3_kSecret + 24) ^ XXH_readLE64(XXH3_kSecret + 32)) + seed);
        uint64_t hi = fx_word_at(w, n - 8) ^
                      ((XXH_readLE64(XXH3_kSecret + 40) ^ XXH_readLE64(XXH3_kSecret + 48)) - seed);
        return fx_avalanche(n + __builtin_bswap64(lo) + hi + fx_mul_fold(lo, hi));
    }
    uint64_t acc = n * XXH_PRIME64_1;
    if (n > 32) {
        acc += fx_mix16(w[2], w[3], 4, seed);
        acc += fx_mix16(fx_word_at(w, n - 32), fx_word_at(w, n - 24), 6, seed);
    }
    acc += fx_mix16(w[0], w[1], 0, seed);
    acc += fx_mix16(fx_word_at(w, n - 16), fx_word_at(w, n - 8), 2, seed);
    return fx_avalanche(acc);
}

/* ---- SipHash-2-4 (Aumasson and Bernstein), as crypto_shorthash() ---- */

#define FX_ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define FX_SIPROUND                                                                              \
    do {                                                                                         \
        v0 += v1;                                                                                \
        v1 = FX_ROTL(v1, 13);                                                                    \
        v1 ^= v0;                                                                                \
        v0 = FX_ROTL(v0, 32);                                                                    \
        v2 += v3;                                                                                \
        v3 = FX_ROTL(v3, 16);                                                                    \
        v3 ^= v2;                                                                                \
        v0 += v3;                                                                                \
        v3 = FX_ROTL(v3, 21);                                                                    \
        v3 ^= v0;                                                                                \
        v2 += v1;                                                                                \
        v1 = FX_ROTL(v1, 17);                                                                    \
        v1 ^= v2;                                                                                \
        v2 = FX_ROTL(v2, 32);                                                                    \
    } while (0)

/* n bytes (n = 8 * blocks + the bytes in the last word, fewer than 8). */
FX_INLINE uint64_t fx_siphash(const uint64_t *w, unsigned blocks, unsigned n,
                                  const uint8_t key[16])
{
    uint64_t k0, k1;
    memcpy(&k0, key, 8); /* little-endian hosts only (fast_psamp8_applies) */
    memcpy(&k1, key + 8, 8);
    uint64_t v0 = k0 ^ 0x736f6d6570736575ull, v1 = k1 ^ 0x646f72616e646f6dull;
    uint64_t v2 = k0 ^ 0x6c7967656e657261ull, v3 = k1 ^ 0x7465646279746573ull;
    for (unsigned i = 0; i < blocks; i++) {
        v3 ^= w[i];
        FX_SIPROUND;
        FX_SIPROUND;
        v0 ^= w[i];
    }
    uint64_t last = w[blocks] | (uint64_t)n << 56;
    v3 ^= last;
    FX_SIPROUND;
    FX_SIPROUND;
    v0 ^= last;
    v2 ^= 0xff;
    FX_SIPROUND;
    FX_SIPROUND;
    FX_SIPROUND;
    FX_SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

#undef FX_SIPROUND
#undef FX_ROTL

#endif
