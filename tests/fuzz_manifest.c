/* Fuzz target for the manifest parser.  Every input must either parse (and
 * then survive the digest, every accessor and a signature round trip of
 * the text form) or fail with a status and a positioned message; nothing
 * may crash, leak or read out of bounds.
 *
 * Built two ways from this one file:
 * - with clang and --enable-fuzzers: a libFuzzer binary, tests/fuzz_manifest
 *   (make tests/fuzz_manifest; ./tests/fuzz_manifest ../tests/corpus/manifest);
 * - always (-DVNFO_FUZZ_REPLAY): tests/fuzz_manifest_replay, which make
 *   check runs over every file of tests/corpus/manifest. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnfo/vnfo.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const vnfo_manifest *m)
{
    uint8_t d[VNFO_MANIFEST_DIGEST_BYTES];
    vnfo_manifest_digest_compute(d, m);
    vnfo_public_key pk;
    size_t n = vnfo_manifest_chain_count(m);
    for (size_t i = 0; i <= n; i++) {
        (void)vnfo_manifest_chain_name(m, i);
        (void)vnfo_manifest_chain_function(m, i);
        (void)vnfo_manifest_chain_node_id(m, i);
        (void)vnfo_manifest_chain_may_modify(m, i);
        vnfo_manifest_chain_public_key(&pk, m, i);
    }
    uint64_t lo, hi;
    for (size_t i = 0; i <= vnfo_manifest_sampling_range_count(m); i++)
        vnfo_manifest_sampling_range(&lo, &hi, m, i);
    for (size_t i = 0; i <= vnfo_manifest_sampling_custom_field_count(m); i++)
        (void)vnfo_manifest_field_name(vnfo_manifest_sampling_custom_field(m, i));
    for (size_t i = 0; i <= vnfo_manifest_sla_count(m); i++)
        (void)vnfo_manifest_sla_slack_ratio(m, i);
    for (size_t i = 0; i <= vnfo_manifest_billing_count(m); i++)
        (void)vnfo_manifest_billing_resource_name(m, i);
    for (size_t i = 0; i <= vnfo_manifest_minimality_count(m); i++)
        (void)vnfo_manifest_minimality_resource_name(m, i);
    uint8_t sig[VNFO_MANIFEST_SIGNATURE_BYTES] = {0}, back[VNFO_MANIFEST_SIGNATURE_BYTES];
    char text[VNFO_MANIFEST_SIGNATURE_TEXT_SIZE];
    vnfo_manifest_party party;
    if (vnfo_manifest_signature_format(text, sizeof text, m, VNFO_MANIFEST_PARTY_CUSTOMER, sig) ==
            VNFO_OK &&
        (vnfo_manifest_signature_parse(back, &party, m, text, strlen(text), NULL) != VNFO_OK ||
         memcmp(back, sig, sizeof sig) != 0))
        abort(); /* the text form must round-trip */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int initialized;
    if (!initialized) {
        vnfo_init();
        initialized = 1;
    }
    vnfo_manifest *m = NULL;
    vnfo_status s = vnfo_manifest_parse(&m, (const char *)data, size, "fuzz.json");
    if (s == VNFO_OK) {
        walk(m);
        vnfo_manifest_free(m);
    } else if (m != NULL || vnfo_error_message()[0] == '\0') {
        abort(); /* a failure must leave no object and must say why */
    }
    return 0;
}

#ifdef VNFO_FUZZ_REPLAY
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return 1;
    }
    static uint8_t buf[2 * 1024 * 1024];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    return 0;
}

int main(int argc, char **argv)
{
    const char *top = getenv("top_srcdir");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/tests/corpus/manifest", argc > 1 ? argv[1] : top ? top : ".");
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "fuzz_manifest_replay: cannot open %s\n", dir);
        return 1;
    }
    int files = 0, failed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        failed |= replay_file(path);
        files++;
    }
    closedir(d);
    printf("fuzz_manifest_replay: %d corpus files replayed\n", files);
    return failed || files == 0;
}
#endif
