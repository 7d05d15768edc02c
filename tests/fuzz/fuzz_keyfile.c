/* Fuzz target for the key files: the input is written to a private file and
 * loaded as a public key, a secret signing key and a sampling key, and parsed
 * as public key text.  Each load either succeeds or fails with a message
 * naming the file, free of control bytes; a loaded key must work.  Replayed
 * by make check over tests/corpus/keyfile (tests/replay_keyfile). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vnfo/vnfo.h>

#include "fuzz.h"

static void message_clean(const char *path)
{
    const char *msg = vnfo_error_message();
    FUZZ_ASSERT(strstr(msg, path) != NULL);
    FUZZ_ASSERT_MESSAGE(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) {
        FUZZ_ASSERT(vnfo_init() == VNFO_OK);
        snprintf(path, sizeof path, "/tmp/vnfo-fuzz-key-%d", (int)getpid());
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FUZZ_ASSERT(fd >= 0);
    FUZZ_ASSERT(write(fd, data, size) == (ssize_t)size);
    close(fd);

    vnfo_public_key pk;
    if (vnfo_public_key_load(&pk, path) != VNFO_OK)
        message_clean(path);
    vnfo_signing_key *sk = NULL;
    if (vnfo_signing_key_load(&sk, path) == VNFO_OK) {
        uint8_t sig[VNFO_KEY_SIGNATURE_BYTES];
        FUZZ_ASSERT(vnfo_signing_key_sign(sig, sk, data, size) == VNFO_OK);
        FUZZ_ASSERT(vnfo_signing_key_public(&pk, sk) == VNFO_OK);
        FUZZ_ASSERT(vnfo_public_key_verify(&pk, data, size, sig) == VNFO_OK);
        vnfo_signing_key_free(sk);
    } else {
        message_clean(path);
    }
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    if (vnfo_sampler_key_load(key, path) != VNFO_OK)
        message_clean(path);
    unlink(path);

    char *text = malloc(size + 1);
    FUZZ_ASSERT(text != NULL);
    memcpy(text, data, size);
    text[size] = '\0';
    (void)vnfo_public_key_parse(&pk, text);
    free(text);
    return 0;
}
