/* Party signatures: customer and provider each sign the manifest digest
 * with a detached Ed25519 signature, bound to their role, and exchange them
 * as small text files (docs/manifest.md, "Signature files"). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "manifest_internal.h"

#define SIGN_CONTEXT "vnfo manifest signature v1"
#define FILE_MAGIC "vnfo-manifest-signature v1"
#define SIG_FILE_MAX 4096

/* context || NUL || party byte || digest */
#define MESSAGE_BYTES (sizeof SIGN_CONTEXT + 1 + VNFO_MANIFEST_DIGEST_BYTES)

static void signed_message(uint8_t out[MESSAGE_BYTES], const vnfo_manifest *m,
                           vnfo_manifest_party party)
{
    memcpy(out, SIGN_CONTEXT, sizeof SIGN_CONTEXT);
    out[sizeof SIGN_CONTEXT] = (uint8_t)party;
    memcpy(out + sizeof SIGN_CONTEXT + 1, m->digest, VNFO_MANIFEST_DIGEST_BYTES);
}

static bool party_ok(vnfo_manifest_party p)
{
    return p == VNFO_MANIFEST_PARTY_CUSTOMER || p == VNFO_MANIFEST_PARTY_PROVIDER;
}

vnfo_status vnfo_manifest_sign(uint8_t *out, const vnfo_manifest *m, vnfo_manifest_party party,
                               const vnfo_signing_key *key)
{
    if (!out || !m || !key || !party_ok(party))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_manifest_sign: invalid argument");
    vnfo_public_key pk;
    MF_TRY(vnfo_signing_key_public(&pk, key));
    if (!vnfo_public_key_equal(&pk, &m->party[party].key))
        return vnfo__error(VNFO_E_MANIFEST_PARTY_MISMATCH,
                           "manifest %s: the signing key is not the %s key the manifest lists",
                           m->id, vnfo_manifest_party_role_name(party));
    uint8_t msg[MESSAGE_BYTES];
    signed_message(msg, m, party);
    return vnfo_signing_key_sign(out, key, msg, sizeof msg);
}

vnfo_status vnfo_manifest_signature_verify(const vnfo_manifest *m, vnfo_manifest_party party,
                                           const uint8_t *signature)
{
    if (!m || !signature || !party_ok(party))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_manifest_signature_verify: invalid argument");
    uint8_t msg[MESSAGE_BYTES];
    signed_message(msg, m, party);
    if (vnfo_public_key_verify(&m->party[party].key, msg, sizeof msg, signature) != VNFO_OK)
        return vnfo__error(VNFO_E_SIGNATURE_INVALID,
                           "manifest %s: the %s signature does not verify under the %s key",
                           m->id, vnfo_manifest_party_role_name(party),
                           vnfo_manifest_party_role_name(party));
    return VNFO_OK;
}

vnfo_status vnfo_manifest_signature_format(char *out, size_t size, const vnfo_manifest *m,
                                           vnfo_manifest_party party, const uint8_t *signature)
{
    if (!out || !m || !signature || !party_ok(party))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_manifest_signature_format: invalid argument");
    if (size < VNFO_MANIFEST_SIGNATURE_TEXT_SIZE)
        return vnfo__error(VNFO_E_BUFFER_TOO_SMALL, "vnfo_manifest_signature_format: need %d bytes",
                           VNFO_MANIFEST_SIGNATURE_TEXT_SIZE);
    char digest[MF_DIGEST_TEXT_SIZE], key[VNFO_KEY_PUBLIC_TEXT_SIZE];
    char sig[sodium_base64_ENCODED_LEN(VNFO_MANIFEST_SIGNATURE_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    mf_digest_text(digest, m->digest);
    vnfo_public_key_format(key, sizeof key, &m->party[party].key);
    sodium_bin2base64(sig, sizeof sig, signature, VNFO_MANIFEST_SIGNATURE_BYTES,
                      sodium_base64_VARIANT_ORIGINAL);
    snprintf(out, size, FILE_MAGIC "\nparty: %s\ndigest: %s\npublic-key: %s\nsignature: %s\n",
             vnfo_manifest_party_role_name(party), digest, key, sig);
    return VNFO_OK;
}

/* Cuts the next line (without "\n" or "\r\n") off text[*pos..len). */
static bool next_line(const char *text, size_t len, size_t *pos, const char **line, size_t *n)
{
    if (*pos >= len)
        return false;
    const char *start = text + *pos;
    const char *nl = memchr(start, '\n', len - *pos);
    size_t l = nl ? (size_t)(nl - start) : len - *pos;
    *pos += l + (nl ? 1 : 0);
    if (l && start[l - 1] == '\r')
        l--;
    *line = start;
    *n = l;
    return true;
}

/* Reads line `no` as "<field>: <value>" into value (NUL-terminated). */
static vnfo_status field(const char *name, unsigned no, const char *text, size_t len, size_t *pos,
                         const char *field_name, char *value, size_t size)
{
    const char *line;
    size_t n, fl = strlen(field_name);
    if (!next_line(text, len, pos, &line, &n) || n < fl + 2 || memcmp(line, field_name, fl) != 0 ||
        line[fl] != ':' || line[fl + 1] != ' ' || n - fl - 2 >= size)
        return vnfo__error(VNFO_E_MANIFEST_SIGNATURE_FORMAT, "%s:%u: expected \"%s: ...\"", name,
                           no, field_name);
    memcpy(value, line + fl + 2, n - fl - 2);
    value[n - fl - 2] = '\0';
    return VNFO_OK;
}

static vnfo_status check_header(const char *name, const char *text, size_t len, size_t *pos)
{
    const char *line;
    size_t n;
    if (!next_line(text, len, pos, &line, &n) || n != sizeof FILE_MAGIC - 1 ||
        memcmp(line, FILE_MAGIC, n) != 0)
        return vnfo__error(VNFO_E_MANIFEST_SIGNATURE_FORMAT, "%s:1: expected \"%s\"", name,
                           FILE_MAGIC);
    return VNFO_OK;
}

static vnfo_status parse_party(const char *name, const char *value, vnfo_manifest_party *out)
{
    for (int p = 0; p < 2; p++) {
        if (strcmp(value, vnfo_manifest_party_role_name((vnfo_manifest_party)p)) == 0) {
            *out = (vnfo_manifest_party)p;
            return VNFO_OK;
        }
    }
    return vnfo__error(VNFO_E_MANIFEST_SIGNATURE_FORMAT,
                       "%s:2: unknown party (expected \"customer\" or \"provider\")", name);
}

static vnfo_status parse_signature(const char *name, const char *value, uint8_t *out)
{
    size_t got = 0;
    const char *end = NULL;
    size_t n = strlen(value);
    if (sodium_base642bin(out, VNFO_MANIFEST_SIGNATURE_BYTES, value, n, NULL, &got, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        got != VNFO_MANIFEST_SIGNATURE_BYTES || end != value + n)
        return vnfo__error(VNFO_E_MANIFEST_SIGNATURE_FORMAT,
                           "%s:5: expected the base64 of a 64-byte signature", name);
    return VNFO_OK;
}

vnfo_status vnfo_manifest_signature_parse(uint8_t *out, vnfo_manifest_party *out_party,
                                          const vnfo_manifest *m, const char *text, size_t len,
                                          const char *name)
{
    if (!out || !out_party || !m || (!text && len))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_manifest_signature_parse: NULL argument");
    vnfo__shown_name shown = vnfo__shown(name ? name : "<signature>"); /* for messages */
    name = shown.s;
    size_t pos = 0;
    char value[160], want[MF_DIGEST_TEXT_SIZE], key_text[VNFO_KEY_PUBLIC_TEXT_SIZE];
    vnfo_manifest_party party = VNFO_MANIFEST_PARTY_CUSTOMER;
    MF_TRY(check_header(name, text, len, &pos));
    MF_TRY(field(name, 2, text, len, &pos, "party", value, sizeof value));
    MF_TRY(parse_party(name, value, &party));
    MF_TRY(field(name, 3, text, len, &pos, "digest", value, sizeof value));
    mf_digest_text(want, m->digest);
    /* 0.1.0 wrote "blake2b256:<hex>"; the digest is the same */
    if (strncmp(value, "blake2b256:", 11) == 0 && strlen(value) < sizeof value - 1)
        memmove(value + 8, value + 11, strlen(value + 11) + 1), memcpy(value, "blake2b:", 8);
    if (strcmp(value, want) != 0)
        return vnfo__error(VNFO_E_MANIFEST_DIGEST_MISMATCH,
                           "%s:3: the signature is for manifest digest %s, not %s (manifest %s)",
                           name, vnfo__shown(value).s, want, vnfo__shown(m->id).s);
    MF_TRY(field(name, 4, text, len, &pos, "public-key", value, sizeof value));
    vnfo_public_key_format(key_text, sizeof key_text, &m->party[party].key);
    if (strcmp(value, key_text) != 0)
        return vnfo__error(VNFO_E_MANIFEST_PARTY_MISMATCH,
                           "%s:4: public key is not the %s key the manifest lists (%s)", name,
                           vnfo_manifest_party_role_name(party), key_text);
    MF_TRY(field(name, 5, text, len, &pos, "signature", value, sizeof value));
    MF_TRY(parse_signature(name, value, out));
    if (pos < len)
        return vnfo__error(VNFO_E_MANIFEST_SIGNATURE_FORMAT, "%s:6: unexpected text after the signature",
                           name);
    *out_party = party;
    return VNFO_OK;
}

vnfo_status vnfo_manifest_signature_save(const vnfo_manifest *m, vnfo_manifest_party party,
                                         const vnfo_signing_key *key, const char *path)
{
    if (!path)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_manifest_signature_save: NULL path");
    uint8_t sig[VNFO_MANIFEST_SIGNATURE_BYTES];
    MF_TRY(vnfo_manifest_sign(sig, m, party, key));
    char text[VNFO_MANIFEST_SIGNATURE_TEXT_SIZE];
    MF_TRY(vnfo_manifest_signature_format(text, sizeof text, m, party, sig));
    return vnfo__file_write(path, text, strlen(text), 0644);
}

vnfo_status vnfo_manifest_signature_load(vnfo_manifest_party *out_party, const vnfo_manifest *m,
                                         const char *path)
{
    if (!m || !path)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_manifest_signature_load: NULL argument");
    uint8_t *buf, sig[VNFO_MANIFEST_SIGNATURE_BYTES];
    size_t len;
    MF_TRY(vnfo__file_read(path, SIG_FILE_MAX, &buf, &len));
    vnfo_manifest_party party = VNFO_MANIFEST_PARTY_CUSTOMER;
    vnfo_status s = vnfo_manifest_signature_parse(sig, &party, m, (const char *)buf, len, path);
    vnfo__free(buf);
    if (s == VNFO_OK)
        s = vnfo_manifest_signature_verify(m, party, sig);
    if (s == VNFO_OK && out_party)
        *out_party = party;
    return s;
}
