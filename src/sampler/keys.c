/* Sampling master keys: generation, commitments, key files. */
#include <sodium.h>
#include <string.h>

#include "sampler_internal.h"
#include "internal.h"

#define COMMITMENT_CONTEXT "vnfo sampling key commitment v1"
#define KEY_PREFIX "vnfo-sampling-key:"
#define KEY_FILE_MAX 4096

vnfo_status vnfo_sampler_key_commitment(uint8_t *out, const uint8_t *master_key, size_t len)
{
    if (!out || (!master_key && len))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_sampler_key_commitment: NULL argument");
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, VNFO_SAMPLER_COMMITMENT_BYTES);
    crypto_generichash_update(&st, (const uint8_t *)COMMITMENT_CONTEXT, sizeof COMMITMENT_CONTEXT - 1);
    crypto_generichash_update(&st, master_key, len);
    crypto_generichash_final(&st, out, VNFO_SAMPLER_COMMITMENT_BYTES);
    sodium_memzero(&st, sizeof st);
    return VNFO_OK;
}

vnfo_status vnfo_sampler_key_commitment_format(char *out, size_t size, const uint8_t *master_key,
                                               size_t len)
{
    if (!out)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_sampler_key_commitment_format: out is NULL");
    if (size < VNFO_SAMPLER_COMMITMENT_TEXT_SIZE)
        return vnfo__error(VNFO_E_BUFFER_TOO_SMALL, "vnfo_sampler_key_commitment_format: need %d bytes",
                           VNFO_SAMPLER_COMMITMENT_TEXT_SIZE);
    uint8_t c[VNFO_SAMPLER_COMMITMENT_BYTES];
    vnfo_status s = vnfo_sampler_key_commitment(c, master_key, len);
    if (s != VNFO_OK)
        return s;
    memcpy(out, "blake2b:", 8);
    sodium_bin2hex(out + 8, size - 8, c, sizeof c);
    return VNFO_OK;
}

vnfo_status vnfo_sampler_key_generate(uint8_t *out)
{
    if (!out)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_sampler_key_generate: out is NULL");
    if (!vnfo__initialized())
        return vnfo__error(VNFO_E_NOT_INITIALIZED, "vnfo_sampler_key_generate: call vnfo_init() first");
    crypto_kdf_keygen(out);
    return VNFO_OK;
}

/* Exactly 64 hex digits spanning text[0..len). */
static int hex_exact(uint8_t *out, const char *text, size_t len)
{
    size_t got = 0;
    const char *end = NULL;
    if (len != 2 * VNFO_SAMPLER_KEY_BYTES)
        return 0;
    return sodium_hex2bin(out, VNFO_SAMPLER_KEY_BYTES, text, len, NULL, &got, &end) == 0 &&
           got == VNFO_SAMPLER_KEY_BYTES && end == text + len;
}

vnfo_status vnfo_sampler_key_parse(uint8_t *out, const char *hex)
{
    if (!out || !hex)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_sampler_key_parse: NULL argument");
    if (!hex_exact(out, hex, strlen(hex))) {
        sodium_memzero(out, VNFO_SAMPLER_KEY_BYTES);
        return vnfo__error(VNFO_E_KEY_FORMAT, "sampling key: expected %d hexadecimal digits",
                           2 * VNFO_SAMPLER_KEY_BYTES);
    }
    return VNFO_OK;
}

vnfo_status vnfo_sampler_key_save(const uint8_t *key, const char *path)
{
    if (!key || !path)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_sampler_key_save: NULL argument");
    char line[sizeof KEY_PREFIX + 2 * VNFO_SAMPLER_KEY_BYTES + 1];
    size_t plen = sizeof KEY_PREFIX - 1;
    memcpy(line, KEY_PREFIX, plen);
    sodium_bin2hex(line + plen, sizeof line - plen, key, VNFO_SAMPLER_KEY_BYTES);
    size_t n = plen + 2 * VNFO_SAMPLER_KEY_BYTES;
    line[n++] = '\n';
    vnfo_status s = vnfo__file_write(path, line, n, 0600);
    sodium_memzero(line, sizeof line);
    return s;
}

vnfo_status vnfo_sampler_key_load(uint8_t *out, const char *path)
{
    if (!out || !path)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_sampler_key_load: NULL argument");
    sodium_memzero(out, VNFO_SAMPLER_KEY_BYTES);
    uint8_t *buf;
    size_t len;
    vnfo_status s = vnfo__secret_file_read(path, KEY_FILE_MAX, "sampling key", &buf, &len);
    if (s != VNFO_OK)
        return s;
    const char *text = (const char *)buf;
    size_t n = vnfo__text_line_length(text, len), plen = sizeof KEY_PREFIX - 1;
    if (n < plen || memcmp(text, KEY_PREFIX, plen) != 0)
        s = vnfo__error(VNFO_E_KEY_FORMAT, "%s: sampling key file must start with \"%s\"", path,
                        KEY_PREFIX);
    else if (!hex_exact(out, text + plen, n - plen)) {
        sodium_memzero(out, VNFO_SAMPLER_KEY_BYTES);
        s = vnfo__error(VNFO_E_KEY_FORMAT, "%s: expected %d hexadecimal digits after \"%s\"", path,
                        2 * VNFO_SAMPLER_KEY_BYTES, KEY_PREFIX);
    }
    sodium_memzero(buf, len);
    vnfo__free(buf);
    return s;
}
