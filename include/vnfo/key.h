/**
 * @file key.h
 * @brief Ed25519 signing keys and public keys: generation, signing,
 *        verification, key files and fingerprints.
 *
 * Used by the log writer and reader (batch signatures) and by the manifest
 * (party signatures).  Secret keys only exist inside the opaque
 * ::vnfo_signing_key, which wipes them when freed.
 *
 * Key files (docs/FORMAT.md, "Key files") are one line of text:
 * - public:  "ed25519:<base64 of the 32-byte public key>\n", the same text
 *   the manifest uses;
 * - secret:  "vnfo-ed25519-secret:<base64 of the 32-byte seed>\n", written
 *   with mode 0600 and refused when group or others have any access to it.
 */
#ifndef VNFO_KEY_H
#define VNFO_KEY_H

#include <vnfo/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes in an Ed25519 public key. */
#define VNFO_KEY_PUBLIC_BYTES 32
/** Bytes in an Ed25519 seed (the secret a key file holds). */
#define VNFO_KEY_SEED_BYTES 32
/** Bytes in an Ed25519 signature. */
#define VNFO_KEY_SIGNATURE_BYTES 64
/** Buffer size for vnfo_public_key_format(): "ed25519:" + base64 + NUL. */
#define VNFO_KEY_PUBLIC_TEXT_SIZE 54
/** Buffer size for vnfo_public_key_fingerprint(): "blake2b128:" + 32 hex + NUL. */
#define VNFO_KEY_FINGERPRINT_SIZE 44

/** An Ed25519 public key.  Fixed layout: never grows. */
typedef struct vnfo_public_key {
    uint8_t bytes[VNFO_KEY_PUBLIC_BYTES]; /**< The raw key. */
} vnfo_public_key;

/** An Ed25519 secret key (opaque; wiped by vnfo_signing_key_free()). */
typedef struct vnfo_signing_key vnfo_signing_key;

/** @brief VNFO_KEY_PUBLIC_BYTES, for FFI.  @par Thread safety: safe. */
VNFO_API size_t vnfo_key_public_bytes(void);
/** @brief VNFO_KEY_SIGNATURE_BYTES, for FFI.  @par Thread safety: safe. */
VNFO_API size_t vnfo_key_signature_bytes(void);
/** @brief VNFO_KEY_SEED_BYTES, for FFI.  @par Thread safety: safe. */
VNFO_API size_t vnfo_key_seed_bytes(void);

/**
 * @brief Generate a new signing key from the system's random source.
 * @param[out] out The new key; NULL on failure.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_NOT_INITIALIZED (call
 *         vnfo_init() first) or VNFO_E_NO_MEMORY.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_signing_key_generate(vnfo_signing_key **out);

/**
 * @brief Derive a signing key deterministically from a 32-byte seed (for
 *        simulations and tests that must be reproducible).
 * @param[out] out The new key; NULL on failure.
 * @param seed VNFO_KEY_SEED_BYTES bytes; the caller wipes its copy.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_NOT_INITIALIZED or
 *         VNFO_E_NO_MEMORY.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_signing_key_from_seed(vnfo_signing_key **out, const uint8_t *seed);

/**
 * @brief Wipe and free a signing key.  Accepts NULL.
 * @par Thread safety: per handle.
 */
VNFO_API void vnfo_signing_key_free(vnfo_signing_key *key);

/**
 * @brief The public half of a signing key.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: safe (the key is only read).
 */
VNFO_API vnfo_status vnfo_signing_key_public(vnfo_public_key *out, const vnfo_signing_key *key);

/**
 * @brief Sign a message (Ed25519, detached).
 * @param[out] out VNFO_KEY_SIGNATURE_BYTES bytes.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_CRYPTO.
 * @par Thread safety: safe (the key is only read).
 */
VNFO_API vnfo_status vnfo_signing_key_sign(uint8_t *out, const vnfo_signing_key *key,
                                           const uint8_t *msg, size_t len);

/**
 * @brief Verify a detached Ed25519 signature.
 * @param sig VNFO_KEY_SIGNATURE_BYTES bytes.
 * @return VNFO_OK, VNFO_E_SIGNATURE_INVALID or VNFO_E_INVALID_ARGUMENT.
 *         Records no message: callers name the object that failed.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_public_key_verify(const vnfo_public_key *key, const uint8_t *msg,
                                            size_t len, const uint8_t *sig);

/**
 * @brief Whether two public keys are equal (constant time).
 * @return 1 when equal, 0 otherwise (also when either is NULL).
 * @par Thread safety: safe.
 */
VNFO_API int vnfo_public_key_equal(const vnfo_public_key *a, const vnfo_public_key *b);

/**
 * @brief Parse "ed25519:<base64>" (standard alphabet, with padding).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_KEY_FORMAT with a
 *         message saying what is wrong.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_public_key_parse(vnfo_public_key *out, const char *text);

/**
 * @brief Format a public key as "ed25519:<base64>".
 * @param out A buffer of at least VNFO_KEY_PUBLIC_TEXT_SIZE bytes.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_BUFFER_TOO_SMALL.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_public_key_format(char *out, size_t size, const vnfo_public_key *key);

/**
 * @brief A short fingerprint for humans: "blake2b128:<32 hex digits>", the
 *        BLAKE2b-128 of the context "vnfo key fingerprint v1" and the key.
 * @param out A buffer of at least VNFO_KEY_FINGERPRINT_SIZE bytes.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_BUFFER_TOO_SMALL.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_public_key_fingerprint(char *out, size_t size, const vnfo_public_key *key);

/**
 * @brief Write a secret key file (mode 0600, replacing an existing file).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_IO (message names the
 *         path and the system error) or VNFO_E_NOT_REGULAR_FILE (PATH is a
 *         FIFO, a device or a socket: refused, never waited on).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_signing_key_save(const vnfo_signing_key *key, const char *path);

/**
 * @brief Read a secret key file.
 * @param[out] out The key; NULL on failure.
 * @return VNFO_OK, VNFO_E_NOT_FOUND, VNFO_E_IO, VNFO_E_KEY_PERMISSIONS (the
 *         file gives group or others some access), VNFO_E_KEY_FORMAT,
 *         VNFO_E_NOT_INITIALIZED or VNFO_E_NO_MEMORY.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_signing_key_load(vnfo_signing_key **out, const char *path);

/**
 * @brief Write a public key file ("ed25519:<base64>\n", mode 0644).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_IO or
 *         VNFO_E_NOT_REGULAR_FILE (not a regular file: refused).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_public_key_save(const vnfo_public_key *key, const char *path);

/**
 * @brief Read a public key file.
 * @return VNFO_OK, VNFO_E_NOT_FOUND, VNFO_E_IO or VNFO_E_KEY_FORMAT (the
 *         message names the file).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_public_key_load(vnfo_public_key *out, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* VNFO_KEY_H */
