/* Ed25519 keys on top of libsodium: signing, verification, key files. */
#include <sodium.h>
#include <string.h>

#include <vnfo/key.h>

#include "internal.h"

#define PUBLIC_PREFIX "ed25519:"
#define SECRET_PREFIX "vnfo-ed25519-secret:"
#define FINGERPRINT_CONTEXT "vnfo key fingerprint v1"
#define KEY_FILE_MAX 4096

struct vnfo_signing_key {
    uint8_t sk[crypto_sign_SECRETKEYBYTES]; /* seed || public key, libsodium layout */
};

size_t vnfo_key_public_bytes(void) { return VNFO_KEY_PUBLIC_BYTES; }
size_t vnfo_key_signature_bytes(void) { return VNFO_KEY_SIGNATURE_BYTES; }
size_t vnfo_key_seed_bytes(void) { return VNFO_KEY_SEED_BYTES; }

static vnfo_status key_alloc(vnfo_signing_key **out)
{
    if (!vnfo__initialized())
        return vnfo__error(VNFO_E_NOT_INITIALIZED, "signing key: call vnfo_init() first");
    *out = vnfo__malloc(sizeof **out);
    if (!*out)
        return vnfo__error(VNFO_E_NO_MEMORY, "signing key: out of memory");
    return VNFO_OK;
}

vnfo_status vnfo_signing_key_generate(vnfo_signing_key **out)
{
    if (!out)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_signing_key_generate: out is NULL");
    *out = NULL;
    vnfo_status s = key_alloc(out);
    if (s != VNFO_OK)
        return s;
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_keypair(pk, (*out)->sk);
    return VNFO_OK;
}

vnfo_status vnfo_signing_key_from_seed(vnfo_signing_key **out, const uint8_t *seed)
{
    if (!out || !seed)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_signing_key_from_seed: NULL argument");
    *out = NULL;
    vnfo_status s = key_alloc(out);
    if (s != VNFO_OK)
        return s;
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_seed_keypair(pk, (*out)->sk, seed);
    return VNFO_OK;
}

void vnfo_signing_key_free(vnfo_signing_key *key)
{
    if (!key)
        return;
    sodium_memzero(key->sk, sizeof key->sk);
    vnfo__free(key);
}

vnfo_status vnfo_signing_key_public(vnfo_public_key *out, const vnfo_signing_key *key)
{
    if (!out || !key)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_signing_key_public: NULL argument");
    crypto_sign_ed25519_sk_to_pk(out->bytes, key->sk);
    return VNFO_OK;
}

vnfo_status vnfo_signing_key_sign(uint8_t *out, const vnfo_signing_key *key, const uint8_t *msg,
                                  size_t len)
{
    if (!out || !key || (!msg && len))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_signing_key_sign: NULL argument");
    if (crypto_sign_detached(out, NULL, msg, len, key->sk) != 0)
        return vnfo__error(VNFO_E_CRYPTO, "vnfo_signing_key_sign: signing failed");
    return VNFO_OK;
}

vnfo_status vnfo_public_key_verify(const vnfo_public_key *key, const uint8_t *msg, size_t len,
                                   const uint8_t *sig)
{
    if (!key || !sig || (!msg && len))
        return VNFO_E_INVALID_ARGUMENT;
    return crypto_sign_verify_detached(sig, msg, len, key->bytes) == 0 ? VNFO_OK
                                                                        : VNFO_E_SIGNATURE_INVALID;
}

int vnfo_public_key_equal(const vnfo_public_key *a, const vnfo_public_key *b)
{
    if (!a || !b)
        return 0;
    return sodium_memcmp(a->bytes, b->bytes, sizeof a->bytes) == 0;
}

/* ---- text forms ---------------------------------------------------------- */

/* Decodes exactly `want` bytes of padded standard base64 that span the whole
 * of text[0..len). */
static int base64_decode_exact(uint8_t *out, size_t want, const char *text, size_t len)
{
    size_t got = 0;
    const char *end = NULL;
    if (sodium_base642bin(out, want, text, len, NULL, &got, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return 0;
    return got == want && end == text + len;
}

static vnfo_status parse_public(vnfo_public_key *out, const char *text, size_t len,
                                const char *where)
{
    size_t plen = sizeof PUBLIC_PREFIX - 1;
    if (len < plen || memcmp(text, PUBLIC_PREFIX, plen) != 0)
        return vnfo__error(VNFO_E_KEY_FORMAT, "%s: public key must start with \"ed25519:\"", vnfo__shown(where).s);
    if (!base64_decode_exact(out->bytes, sizeof out->bytes, text + plen, len - plen))
        return vnfo__error(VNFO_E_KEY_FORMAT,
                           "%s: expected the base64 of 32 bytes after \"ed25519:\"", vnfo__shown(where).s);
    return VNFO_OK;
}

vnfo_status vnfo_public_key_parse(vnfo_public_key *out, const char *text)
{
    if (!out || !text)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_public_key_parse: NULL argument");
    return parse_public(out, text, strlen(text), "public key");
}

vnfo_status vnfo_public_key_format(char *out, size_t size, const vnfo_public_key *key)
{
    if (!out || !key)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_public_key_format: NULL argument");
    if (size < VNFO_KEY_PUBLIC_TEXT_SIZE)
        return vnfo__error(VNFO_E_BUFFER_TOO_SMALL, "vnfo_public_key_format: need %d bytes",
                           VNFO_KEY_PUBLIC_TEXT_SIZE);
    memcpy(out, PUBLIC_PREFIX, sizeof PUBLIC_PREFIX - 1);
    sodium_bin2base64(out + sizeof PUBLIC_PREFIX - 1, size - (sizeof PUBLIC_PREFIX - 1), key->bytes,
                      sizeof key->bytes, sodium_base64_VARIANT_ORIGINAL);
    return VNFO_OK;
}

vnfo_status vnfo_public_key_fingerprint(char *out, size_t size, const vnfo_public_key *key)
{
    if (!out || !key)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_public_key_fingerprint: NULL argument");
    if (size < VNFO_KEY_FINGERPRINT_SIZE)
        return vnfo__error(VNFO_E_BUFFER_TOO_SMALL, "vnfo_public_key_fingerprint: need %d bytes",
                           VNFO_KEY_FINGERPRINT_SIZE);
    uint8_t digest[16];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof digest);
    crypto_generichash_update(&st, (const uint8_t *)FINGERPRINT_CONTEXT, sizeof FINGERPRINT_CONTEXT - 1);
    crypto_generichash_update(&st, key->bytes, sizeof key->bytes);
    crypto_generichash_final(&st, digest, sizeof digest);
    memcpy(out, "blake2b128:", 11);
    sodium_bin2hex(out + 11, size - 11, digest, sizeof digest);
    return VNFO_OK;
}

/* ---- key files ----------------------------------------------------------- */

vnfo_status vnfo_public_key_save(const vnfo_public_key *key, const char *path)
{
    if (!key || !path)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_public_key_save: NULL argument");
    char line[VNFO_KEY_PUBLIC_TEXT_SIZE + 1];
    vnfo_public_key_format(line, sizeof line, key);
    size_t n = strlen(line);
    line[n++] = '\n';
    return vnfo__file_write(path, line, n, 0644);
}

vnfo_status vnfo_public_key_load(vnfo_public_key *out, const char *path)
{
    if (!out || !path)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_public_key_load: NULL argument");
    uint8_t *buf;
    size_t len;
    vnfo_status s = vnfo__file_read(path, KEY_FILE_MAX, &buf, &len);
    if (s != VNFO_OK)
        return s;
    s = parse_public(out, (const char *)buf, vnfo__text_line_length((const char *)buf, len), path);
    vnfo__free(buf);
    return s;
}

vnfo_status vnfo_signing_key_save(const vnfo_signing_key *key, const char *path)
{
    if (!key || !path)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_signing_key_save: NULL argument");
    /* prefix + base64(32) + "\n"; the seed is the first half of sk. */
    char line[sizeof SECRET_PREFIX + 48];
    size_t plen = sizeof SECRET_PREFIX - 1;
    memcpy(line, SECRET_PREFIX, plen);
    sodium_bin2base64(line + plen, sizeof line - plen, key->sk, VNFO_KEY_SEED_BYTES,
                      sodium_base64_VARIANT_ORIGINAL);
    size_t n = strlen(line);
    line[n++] = '\n';
    vnfo_status s = vnfo__file_write(path, line, n, 0600);
    sodium_memzero(line, sizeof line);
    return s;
}

vnfo_status vnfo_signing_key_load(vnfo_signing_key **out, const char *path)
{
    if (!out || !path)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_signing_key_load: NULL argument");
    *out = NULL;
    uint8_t *buf;
    size_t len;
    vnfo_status s = vnfo__secret_file_read(path, KEY_FILE_MAX, "secret key", &buf, &len);
    if (s != VNFO_OK)
        return s;
    const char *text = (const char *)buf;
    size_t n = vnfo__text_line_length(text, len), plen = sizeof SECRET_PREFIX - 1;
    uint8_t seed[VNFO_KEY_SEED_BYTES];
    if (n < plen || memcmp(text, SECRET_PREFIX, plen) != 0)
        s = vnfo__error(VNFO_E_KEY_FORMAT, "%s: secret key file must start with \"%s\"", vnfo__shown(path).s,
                        SECRET_PREFIX);
    else if (!base64_decode_exact(seed, sizeof seed, text + plen, n - plen))
        s = vnfo__error(VNFO_E_KEY_FORMAT, "%s: expected the base64 of a 32-byte seed", vnfo__shown(path).s);
    else
        s = vnfo_signing_key_from_seed(out, seed);
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(buf, len);
    vnfo__free(buf);
    return s;
}
