/* cdef of include/vnfo/key.h, written for cffi. */
#define VNFO_E_KEY_FORMAT ...
#define VNFO_E_SIGNATURE_INVALID ...
#define VNFO_E_KEY_PERMISSIONS ...

#define VNFO_KEY_PUBLIC_BYTES ...
#define VNFO_KEY_SEED_BYTES ...
#define VNFO_KEY_SIGNATURE_BYTES ...
#define VNFO_KEY_PUBLIC_TEXT_SIZE ...
#define VNFO_KEY_FINGERPRINT_SIZE ...

typedef struct vnfo_public_key {
    uint8_t bytes[32];
} vnfo_public_key;
typedef struct vnfo_signing_key vnfo_signing_key;

size_t vnfo_key_public_bytes(void);
size_t vnfo_key_signature_bytes(void);
size_t vnfo_key_seed_bytes(void);
vnfo_status vnfo_signing_key_generate(vnfo_signing_key **out);
vnfo_status vnfo_signing_key_from_seed(vnfo_signing_key **out, const uint8_t *seed);
void vnfo_signing_key_free(vnfo_signing_key *key);
vnfo_status vnfo_signing_key_public(vnfo_public_key *out, const vnfo_signing_key *key);
vnfo_status vnfo_signing_key_sign(uint8_t *out, const vnfo_signing_key *key,
                                  const uint8_t *msg, size_t len);
vnfo_status vnfo_public_key_verify(const vnfo_public_key *key, const uint8_t *msg,
                                   size_t len, const uint8_t *sig);
int vnfo_public_key_equal(const vnfo_public_key *a, const vnfo_public_key *b);
vnfo_status vnfo_public_key_parse(vnfo_public_key *out, const char *text);
vnfo_status vnfo_public_key_format(char *out, size_t size, const vnfo_public_key *key);
vnfo_status vnfo_public_key_fingerprint(char *out, size_t size, const vnfo_public_key *key);
vnfo_status vnfo_signing_key_save(const vnfo_signing_key *key, const char *path);
vnfo_status vnfo_signing_key_load(vnfo_signing_key **out, const char *path);
vnfo_status vnfo_public_key_save(const vnfo_public_key *key, const char *path);
vnfo_status vnfo_public_key_load(vnfo_public_key *out, const char *path);
