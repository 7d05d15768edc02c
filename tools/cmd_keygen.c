/* vnfo keygen --out NAME: a new Ed25519 key pair in NAME.key and NAME.pub,
 * or with --sampling a sampling master key in NAME.key and its commitment
 * (formats in docs/FORMAT.md, "Key files"). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "internal.h" /* vnfo__shown(): input named in messages is escaped */

static void keygen_usage(FILE *f)
{
    fprintf(f, "usage: vnfo keygen --out NAME [--sampling] [--force]\n"
               "  writes the secret key NAME.key (mode 0600) and the public key NAME.pub,\n"
               "  and prints the public key and its fingerprint.  With --sampling, writes a\n"
               "  sampling master key NAME.key (mode 0600) and prints the commitment a\n"
               "  manifest's sampling.key_commitment names.  An existing NAME.key is kept\n"
               "  unless --force is given.\n");
}

/* A sampling master key; prints only its commitment, never the key. */
static int sampling_keygen(const char *key_path)
{
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    char commitment[VNFO_SAMPLER_COMMITMENT_TEXT_SIZE];
    vnfo_status s = vnfo_sampler_key_generate(key);
    if (s == VNFO_OK)
        s = vnfo_sampler_key_save(key, key_path);
    if (s == VNFO_OK)
        s = vnfo_sampler_key_commitment_format(commitment, sizeof commitment, key, sizeof key);
    sodium_memzero(key, sizeof key);
    if (s != VNFO_OK) {
        cli_status_error("keygen", s);
        return CLI_INPUT_ERROR;
    }
    printf("sampling key: %s (mode 0600; share it with the shims and the verifier only)\n", vnfo__shown(key_path).s);
    printf("commitment: %s\n", commitment);
    return CLI_OK;
}

int cmd_keygen(int argc, char **argv)
{
    const char *name = NULL;
    int force = 0, sampling = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (strcmp(argv[i], "--force") == 0)
            force = 1;
        else if (strcmp(argv[i], "--sampling") == 0)
            sampling = 1;
        else if (strcmp(argv[i], "--help") == 0) {
            keygen_usage(stdout);
            return CLI_OK;
        } else {
            keygen_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!name || !*name) {
        keygen_usage(stderr);
        return CLI_USAGE;
    }
    char key_path[4096], pub_path[4096];
    if (snprintf(key_path, sizeof key_path, "%s.key", name) >= (int)sizeof key_path ||
        snprintf(pub_path, sizeof pub_path, "%s.pub", name) >= (int)sizeof pub_path) {
        cli_error("keygen: name too long");
        return CLI_USAGE;
    }
    if (!force && access(key_path, F_OK) == 0) {
        cli_error("keygen: %s exists; use --force to replace it", vnfo__shown(key_path).s);
        return CLI_FAILED;
    }
    if (sampling)
        return sampling_keygen(key_path);
    vnfo_signing_key *key = NULL;
    vnfo_public_key pub;
    char text[VNFO_KEY_PUBLIC_TEXT_SIZE], fp[VNFO_KEY_FINGERPRINT_SIZE];
    vnfo_status s = vnfo_signing_key_generate(&key);
    if (s == VNFO_OK)
        s = vnfo_signing_key_public(&pub, key);
    if (s == VNFO_OK)
        s = vnfo_signing_key_save(key, key_path);
    if (s == VNFO_OK)
        s = vnfo_public_key_save(&pub, pub_path);
    vnfo_signing_key_free(key);
    if (s != VNFO_OK) {
        cli_status_error("keygen", s);
        return CLI_INPUT_ERROR;
    }
    vnfo_public_key_format(text, sizeof text, &pub);
    vnfo_public_key_fingerprint(fp, sizeof fp, &pub);
    printf("secret key: %s (mode 0600; keep it on the node)\n", vnfo__shown(key_path).s);
    printf("public key: %s\n  %s\n  fingerprint %s\n", vnfo__shown(pub_path).s, text, fp);
    return CLI_OK;
}
