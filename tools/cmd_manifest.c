/* vnfo manifest check | sign | verify | template */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "internal.h" /* vnfo__shown(): input named in messages is escaped */

static void manifest_usage(FILE *out)
{
    fprintf(out,
            "usage: vnfo manifest check FILE [--sampling-key KEYFILE]\n"
            "       vnfo manifest sign FILE --key KEY [--out SIG]\n"
            "       vnfo manifest verify FILE --sig SIG --pub PUB\n"
            "       vnfo manifest template\n\n"
            "check     validate FILE; print its digest and a summary (exit 1 when invalid);\n"
            "          with --sampling-key, also check a sampling key file against the\n"
            "          manifest's key commitment\n"
            "sign      sign FILE's digest with a secret key file; the key must be the\n"
            "          customer's or the provider's key listed in FILE (stdout by default)\n"
            "verify    check a signature file against FILE and the public key file PUB\n"
            "template  print a commented manifest that passes check (docs/manifest.md)\n");
}

/* 1 for a manifest that is invalid, 3 for one that cannot be read. */
static int fail(const char *cmd, vnfo_status s)
{
    if (s == VNFO_E_NOT_FOUND || s == VNFO_E_IO || s == VNFO_E_NO_MEMORY) {
        cli_status_error(cmd, s);
        return CLI_INPUT_ERROR;
    }
    fprintf(stderr, "%s\n", *vnfo_error_message() ? vnfo_error_message() : vnfo_strerror(s));
    return CLI_FAILED;
}

static void print_time(const char *label, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char buf[32];
    gmtime_r(&tt, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    printf("%s%s", label, buf);
}

static const char *scope_name(const vnfo_manifest *m, size_t scope)
{
    return scope == VNFO_MANIFEST_SCOPE_CHAIN ? "chain" : vnfo_manifest_chain_name(m, scope);
}

static void print_chain(const vnfo_manifest *m)
{
    printf("chain         ");
    for (size_t i = 0; i < vnfo_manifest_chain_count(m); i++) {
        vnfo_manifest_modify mod = vnfo_manifest_chain_may_modify(m, i);
        printf("%s%s (%s, node %u%s%s%s)", i ? " -> " : "", vnfo_manifest_chain_name(m, i),
               vnfo_manifest_chain_function(m, i), (unsigned)vnfo_manifest_chain_node_id(m, i),
               mod != VNFO_MANIFEST_MODIFY_NOTHING ? ", modifies " : "",
               mod != VNFO_MANIFEST_MODIFY_NOTHING ? vnfo_manifest_modify_name(mod) : "",
               vnfo_manifest_chain_may_drop(m, i) ? ", may drop" : "");
    }
    printf("\n");
}

static void print_sampling(const vnfo_manifest *m)
{
    vnfo_rational r = vnfo_manifest_sampling_rate(m);
    printf("sampling      %s, ", vnfo_manifest_hash_name(vnfo_manifest_sampling_hash(m)));
    if (r.den == 0)
        printf("rate %llu/2^64", (unsigned long long)r.num);
    else
        printf("rate %llu/%llu", (unsigned long long)r.num, (unsigned long long)r.den);
    if (vnfo_manifest_sampling_range_count(m))
        printf(" (%zu ranges)", vnfo_manifest_sampling_range_count(m));
    printf(", fields %s, payload %u B, key %s",
           vnfo_manifest_fields_name(vnfo_manifest_sampling_fields(m)),
           (unsigned)vnfo_manifest_sampling_payload_bytes(m), vnfo_manifest_sampling_key_id(m));
    if (vnfo_manifest_sampling_epoch_seconds(m))
        printf(", epoch %llu s", (unsigned long long)vnfo_manifest_sampling_epoch_seconds(m));
    printf("\n");
}

static void print_logging_sla(const vnfo_manifest *m)
{
    printf("logging       %s, %u records per batch, %s\n",
           vnfo_manifest_granularity_name(vnfo_manifest_logging_granularity(m)),
           (unsigned)vnfo_manifest_logging_batch_records(m),
           vnfo_manifest_tree_hash_name(vnfo_manifest_logging_tree_hash(m)));
    if (vnfo_manifest_logging_heartbeat_ms(m))
        printf("heartbeat     every %u ms, and a period close per node\n",
               (unsigned)vnfo_manifest_logging_heartbeat_ms(m));
    if (vnfo_manifest_has_flowtags(m))
        printf("flowtags      %s, %u bits\n",
               vnfo_manifest_carrier_name(vnfo_manifest_flowtags_carrier(m)),
               vnfo_manifest_flowtags_bits(m));
    for (size_t i = 0; i < vnfo_manifest_sla_count(m); i++) {
        printf("sla           %s %s of %s <= reference ",
               vnfo_manifest_metric_name(vnfo_manifest_sla_metric(m, i)),
               vnfo_manifest_statistic_name(vnfo_manifest_sla_statistic(m, i)),
               scope_name(m, vnfo_manifest_sla_scope_index(m, i)));
        if (vnfo_manifest_sla_slack_kind(m, i) == VNFO_MANIFEST_SLACK_RATIO)
            printf("x %g\n", vnfo_manifest_sla_slack_ratio(m, i));
        else
            printf("+ %llu us\n", (unsigned long long)vnfo_manifest_sla_slack_us(m, i));
    }
}

static void print_billing_verification(const vnfo_manifest *m)
{
    print_time("billing       ", vnfo_manifest_billing_start(m));
    print_time(" .. ", vnfo_manifest_billing_end(m));
    printf(":");
    for (size_t i = 0; i < vnfo_manifest_billing_count(m); i++) {
        size_t scope = vnfo_manifest_billing_scope_index(m, i);
        printf("%s %s %s", i ? "," : "", vnfo_manifest_billing_resource_name(m, i),
               vnfo_manifest_summary_name(vnfo_manifest_billing_summary(m, i)));
        if (scope != VNFO_MANIFEST_SCOPE_CHAIN)
            printf(" (%s)", vnfo_manifest_chain_name(m, scope));
    }
    printf("\nverification  confidence %g, clock skew %llu us",
           vnfo_manifest_verification_confidence(m),
           (unsigned long long)vnfo_manifest_verification_clock_skew_us(m));
    for (size_t i = 0; i < vnfo_manifest_minimality_count(m); i++)
        printf("%s %s (relative %g, absolute %g)", i ? "," : ", minimality",
               vnfo_manifest_minimality_resource_name(m, i), vnfo_manifest_minimality_relative(m, i),
               vnfo_manifest_minimality_absolute(m, i));
    printf("\n");
}

static void print_summary(const vnfo_manifest *m)
{
    uint8_t d[VNFO_MANIFEST_DIGEST_BYTES];
    char hex[2 * VNFO_MANIFEST_DIGEST_BYTES + 1];
    vnfo_manifest_digest_compute(d, m);
    sodium_bin2hex(hex, sizeof hex, d, sizeof d);
    printf("manifest      %s (schema %u): valid\n", vnfo_manifest_id(m), vnfo_manifest_version(m));
    printf("digest        blake2b:%s\n", hex);
    for (int p = 0; p < 2; p++) {
        vnfo_public_key pk;
        char fp[VNFO_KEY_FINGERPRINT_SIZE];
        vnfo_manifest_party_key(&pk, m, (vnfo_manifest_party)p);
        vnfo_public_key_fingerprint(fp, sizeof fp, &pk);
        printf("%-13s %s (key %s)\n", vnfo_manifest_party_role_name((vnfo_manifest_party)p),
               vnfo_manifest_party_name(m, (vnfo_manifest_party)p), fp);
    }
    print_chain(m);
    print_sampling(m);
    print_logging_sla(m);
    print_billing_verification(m);
}

static int options(int argc, char **argv, const char *const *names, const char **values);

/* The sampler configuration the manifest gives for this key (which must be
 * the committed one). */
static vnfo_status check_sampling_key(const vnfo_manifest *m, const char *path)
{
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    vnfo_sampler_options o = VNFO_SAMPLER_OPTIONS_INIT;
    vnfo_sampler *s = NULL;
    vnfo_status st = vnfo_sampler_key_load(key, path);
    if (st == VNFO_OK)
        st = vnfo_manifest_sampler_options(&o, m, key, sizeof key);
    if (st == VNFO_OK)
        st = vnfo_sampler_create(&s, &o, key, sizeof key);
    sodium_memzero(key, sizeof key);
    vnfo_sampler_free(s);
    if (st == VNFO_OK)
        printf("sampling key  %s matches sampling.key_commitment (key %s); sampler configured\n",
               vnfo__shown(path).s, vnfo_manifest_sampling_key_id(m));
    return st;
}

static int do_check(int argc, char **argv)
{
    static const char *const names[] = {"--sampling-key", NULL};
    const char *v[1] = {NULL};
    if (argc < 2 || options(argc, argv, names, v) != 0) {
        manifest_usage(stderr);
        return CLI_USAGE;
    }
    vnfo_manifest *m;
    vnfo_status s = vnfo_manifest_load(&m, argv[1]);
    if (s != VNFO_OK)
        return fail("manifest check", s);
    print_summary(m);
    int rc = CLI_OK;
    if (v[0] && (s = check_sampling_key(m, v[0])) != VNFO_OK)
        rc = fail("manifest check", s);
    vnfo_manifest_free(m);
    return rc;
}

/* Finds "--name VALUE" in argv[2..]; every other word is a usage error. */
static int options(int argc, char **argv, const char *const *names, const char **values)
{
    for (int i = 2; i < argc; i += 2) {
        int k = 0;
        while (names[k] && strcmp(argv[i], names[k]) != 0)
            k++;
        if (!names[k] || i + 1 >= argc) {
            cli_error("manifest: unexpected argument '%s'", vnfo__shown(argv[i]).s);
            return -1;
        }
        values[k] = argv[i + 1];
    }
    return 0;
}

static int party_of_key(vnfo_manifest_party *out, const vnfo_manifest *m, const vnfo_public_key *pk)
{
    for (int p = 0; p < 2; p++) {
        vnfo_public_key listed;
        vnfo_manifest_party_key(&listed, m, (vnfo_manifest_party)p);
        if (vnfo_public_key_equal(&listed, pk)) {
            *out = (vnfo_manifest_party)p;
            return 1;
        }
    }
    return 0;
}

static int do_sign(int argc, char **argv)
{
    static const char *const names[] = {"--key", "--out", NULL};
    const char *v[2] = {NULL, NULL};
    if (argc < 2 || options(argc, argv, names, v) != 0 || !v[0]) {
        manifest_usage(stderr);
        return CLI_USAGE;
    }
    vnfo_manifest *m = NULL;
    vnfo_signing_key *key = NULL;
    vnfo_status s = vnfo_manifest_load(&m, argv[1]);
    if (s == VNFO_OK)
        s = vnfo_signing_key_load(&key, v[0]);
    vnfo_public_key pk;
    vnfo_manifest_party party = VNFO_MANIFEST_PARTY_CUSTOMER;
    if (s == VNFO_OK) {
        vnfo_signing_key_public(&pk, key);
        if (!party_of_key(&party, m, &pk))
            s = VNFO_E_MANIFEST_PARTY_MISMATCH;
    }
    int rc = CLI_OK;
    if (s == VNFO_E_MANIFEST_PARTY_MISMATCH) {
        fprintf(stderr, "%s: %s is neither the customer's nor the provider's key\n", vnfo__shown(argv[1]).s, vnfo__shown(v[0]).s);
        rc = CLI_FAILED;
    } else if (s != VNFO_OK) {
        rc = fail("manifest sign", s);
    } else if (v[1]) {
        s = vnfo_manifest_signature_save(m, party, key, v[1]);
        rc = s == VNFO_OK ? CLI_OK : fail("manifest sign", s);
    } else {
        uint8_t sig[VNFO_MANIFEST_SIGNATURE_BYTES];
        char text[VNFO_MANIFEST_SIGNATURE_TEXT_SIZE];
        s = vnfo_manifest_sign(sig, m, party, key);
        if (s == VNFO_OK)
            s = vnfo_manifest_signature_format(text, sizeof text, m, party, sig);
        if (s == VNFO_OK)
            fputs(text, stdout);
        rc = s == VNFO_OK ? CLI_OK : fail("manifest sign", s);
    }
    vnfo_signing_key_free(key);
    vnfo_manifest_free(m);
    return rc;
}

static int do_verify(int argc, char **argv)
{
    static const char *const names[] = {"--sig", "--pub", NULL};
    const char *v[2] = {NULL, NULL};
    if (argc < 2 || options(argc, argv, names, v) != 0 || !v[0] || !v[1]) {
        manifest_usage(stderr);
        return CLI_USAGE;
    }
    vnfo_manifest *m = NULL;
    vnfo_public_key pub, listed;
    vnfo_manifest_party party = VNFO_MANIFEST_PARTY_CUSTOMER;
    vnfo_status s = vnfo_manifest_load(&m, argv[1]);
    if (s == VNFO_OK)
        s = vnfo_public_key_load(&pub, v[1]);
    if (s == VNFO_OK)
        s = vnfo_manifest_signature_load(&party, m, v[0]);
    int rc;
    if (s != VNFO_OK) {
        rc = fail("manifest verify", s);
    } else if (vnfo_manifest_party_key(&listed, m, party), !vnfo_public_key_equal(&listed, &pub)) {
        fprintf(stderr, "%s: signed by the %s, whose key in %s is not %s\n", vnfo__shown(v[0]).s,
                vnfo_manifest_party_role_name(party), vnfo__shown(argv[1]).s, vnfo__shown(v[1]).s);
        rc = CLI_FAILED;
    } else {
        printf("%s: valid %s signature (%s) of manifest %s\n", vnfo__shown(v[0]).s,
               vnfo_manifest_party_role_name(party), vnfo_manifest_party_name(m, party),
               vnfo_manifest_id(m));
        rc = CLI_OK;
    }
    vnfo_manifest_free(m);
    return rc;
}

int cmd_manifest(int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        manifest_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "check") == 0)
        return do_check(argc - 1, argv + 1);
    if (strcmp(argv[1], "sign") == 0)
        return do_sign(argc - 1, argv + 1);
    if (strcmp(argv[1], "verify") == 0)
        return do_verify(argc - 1, argv + 1);
    if (strcmp(argv[1], "template") == 0 && argc == 2) {
        fputs(vnfo_manifest_template(), stdout);
        return CLI_OK;
    }
    cli_error("manifest: unknown subcommand '%s'", vnfo__shown(argv[1]).s);
    manifest_usage(stderr);
    return CLI_USAGE;
}
