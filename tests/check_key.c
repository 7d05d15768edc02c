/* Check suite for the key module: Ed25519 keys, signatures and key files. */
#include <sodium.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vnfo/key.h>

#include "testutil.h"

/* RFC 8032 section 7.1, TEST 1. */
static const char *RFC8032_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static const char *RFC8032_PK = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
static const char *RFC8032_SIG =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

static void hex(uint8_t *out, size_t n, const char *text)
{
    ck_assert_int_eq(sodium_hex2bin(out, n, text, strlen(text), NULL, NULL, NULL), 0);
}

static char tmpdir[64];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/vnfo-key-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void path_in_tmp(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", tmpdir, name);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

START_TEST(test_rfc8032_vector)
{
    uint8_t seed[32], pk_want[32], sig_want[64], sig[64];
    hex(seed, 32, RFC8032_SEED);
    hex(pk_want, 32, RFC8032_PK);
    hex(sig_want, 64, RFC8032_SIG);
    vnfo_signing_key *sk;
    ck_assert_status(vnfo_signing_key_from_seed(&sk, seed), VNFO_OK);
    vnfo_public_key pk;
    ck_assert_status(vnfo_signing_key_public(&pk, sk), VNFO_OK);
    ck_assert_mem_eq(pk.bytes, pk_want, 32);
    ck_assert_status(vnfo_signing_key_sign(sig, sk, (const uint8_t *)"", 0), VNFO_OK);
    ck_assert_mem_eq(sig, sig_want, 64);
    ck_assert_status(vnfo_public_key_verify(&pk, (const uint8_t *)"", 0, sig), VNFO_OK);
    vnfo_signing_key_free(sk);
}
END_TEST

START_TEST(test_sign_verify_and_forgeries)
{
    vnfo_signing_key *a, *b;
    ck_assert_status(vnfo_signing_key_generate(&a), VNFO_OK);
    ck_assert_status(vnfo_signing_key_generate(&b), VNFO_OK);
    vnfo_public_key pa, pb;
    vnfo_signing_key_public(&pa, a);
    vnfo_signing_key_public(&pb, b);
    ck_assert_int_eq(vnfo_public_key_equal(&pa, &pa), 1);
    ck_assert_int_eq(vnfo_public_key_equal(&pa, &pb), 0);
    const uint8_t msg[] = "batch header";
    uint8_t sig[VNFO_KEY_SIGNATURE_BYTES];
    ck_assert_status(vnfo_signing_key_sign(sig, a, msg, sizeof msg), VNFO_OK);
    ck_assert_status(vnfo_public_key_verify(&pa, msg, sizeof msg, sig), VNFO_OK);
    ck_assert_status(vnfo_public_key_verify(&pb, msg, sizeof msg, sig), VNFO_E_SIGNATURE_INVALID);
    uint8_t forged[sizeof msg];
    memcpy(forged, msg, sizeof msg);
    forged[0] ^= 1;
    ck_assert_status(vnfo_public_key_verify(&pa, forged, sizeof msg, sig), VNFO_E_SIGNATURE_INVALID);
    sig[10] ^= 0x80;
    ck_assert_status(vnfo_public_key_verify(&pa, msg, sizeof msg, sig), VNFO_E_SIGNATURE_INVALID);
    vnfo_signing_key_free(a);
    vnfo_signing_key_free(b);
    vnfo_signing_key_free(NULL);
}
END_TEST

START_TEST(test_public_text_round_trip)
{
    uint8_t seed[32];
    hex(seed, 32, RFC8032_SEED);
    vnfo_signing_key *sk;
    vnfo_signing_key_from_seed(&sk, seed);
    vnfo_public_key pk, back;
    vnfo_signing_key_public(&pk, sk);
    char text[VNFO_KEY_PUBLIC_TEXT_SIZE];
    ck_assert_status(vnfo_public_key_format(text, sizeof text, &pk), VNFO_OK);
    ck_assert_str_eq(text, "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    ck_assert_status(vnfo_public_key_parse(&back, text), VNFO_OK);
    ck_assert_int_eq(vnfo_public_key_equal(&pk, &back), 1);
    char small[10];
    ck_assert_status(vnfo_public_key_format(small, sizeof small, &pk), VNFO_E_BUFFER_TOO_SMALL);
    char fp[VNFO_KEY_FINGERPRINT_SIZE];
    ck_assert_status(vnfo_public_key_fingerprint(fp, sizeof fp, &pk), VNFO_OK);
    ck_assert_int_eq(strlen(fp), VNFO_KEY_FINGERPRINT_SIZE - 1);
    ck_assert_int_eq(strncmp(fp, "blake2b128:", 11), 0);
    vnfo_signing_key_free(sk);
}
END_TEST

START_TEST(test_public_parse_errors)
{
    vnfo_public_key pk;
    ck_assert_status(vnfo_public_key_parse(&pk, "rsa:AAAA"), VNFO_E_KEY_FORMAT);
    ck_assert_str_eq(vnfo_error_message(), "public key: public key must start with \"ed25519:\"");
    ck_assert_status(vnfo_public_key_parse(&pk, "ed25519:AAAA"), VNFO_E_KEY_FORMAT);
    ck_assert_str_eq(vnfo_error_message(),
                     "public key: expected the base64 of 32 bytes after \"ed25519:\"");
    /* 33 bytes, and trailing garbage, are refused too. */
    ck_assert_status(vnfo_public_key_parse(&pk, "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURoA"),
                     VNFO_E_KEY_FORMAT);
    ck_assert_status(vnfo_public_key_parse(&pk, "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo= x"),
                     VNFO_E_KEY_FORMAT);
    ck_assert_status(vnfo_public_key_parse(&pk, NULL), VNFO_E_INVALID_ARGUMENT);
}
END_TEST

START_TEST(test_key_files_round_trip)
{
    make_tmpdir();
    char skp[128], pkp[128];
    path_in_tmp(skp, sizeof skp, "node.key");
    path_in_tmp(pkp, sizeof pkp, "node.pub");
    vnfo_signing_key *sk, *loaded;
    ck_assert_status(vnfo_signing_key_generate(&sk), VNFO_OK);
    vnfo_public_key pk, pk_loaded, pk_of_loaded;
    vnfo_signing_key_public(&pk, sk);
    ck_assert_status(vnfo_signing_key_save(sk, skp), VNFO_OK);
    ck_assert_status(vnfo_public_key_save(&pk, pkp), VNFO_OK);
    struct stat st;
    ck_assert_int_eq(stat(skp, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);
    ck_assert_status(vnfo_signing_key_load(&loaded, skp), VNFO_OK);
    ck_assert_status(vnfo_public_key_load(&pk_loaded, pkp), VNFO_OK);
    vnfo_signing_key_public(&pk_of_loaded, loaded);
    ck_assert_int_eq(vnfo_public_key_equal(&pk, &pk_loaded), 1);
    ck_assert_int_eq(vnfo_public_key_equal(&pk, &pk_of_loaded), 1);
    vnfo_signing_key_free(sk);
    vnfo_signing_key_free(loaded);
    unlink(skp);
    unlink(pkp);
    rmdir(tmpdir);
}
END_TEST

/* Key files are written only as regular files (hardening audit 4): a FIFO
 * used to block the save until some process read it, and then received the
 * secret key; a device is refused too.  A shorter existing file is
 * replaced whole (truncated after the check). */
START_TEST(test_key_save_refuses_special_files)
{
    make_tmpdir();
    char fifo[128], want[256], file[128];
    path_in_tmp(fifo, sizeof fifo, "node.key");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    vnfo_signing_key *sk;
    ck_assert_status(vnfo_signing_key_generate(&sk), VNFO_OK);
    ck_assert_status(vnfo_signing_key_save(sk, fifo), VNFO_E_NOT_REGULAR_FILE);
    snprintf(want, sizeof want, "%s: not a regular file (a FIFO); refused", fifo);
    ck_assert_str_eq(vnfo_error_message(), want);
    vnfo_public_key pk;
    vnfo_signing_key_public(&pk, sk);
    ck_assert_status(vnfo_public_key_save(&pk, "/dev/null"), VNFO_E_NOT_REGULAR_FILE);
    ck_assert_str_eq(vnfo_error_message(), "/dev/null: not a regular file (a character device); refused");
    path_in_tmp(file, sizeof file, "node.pub");
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 100; i++)
        fputs("a longer line than any public key file holds\n", f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_status(vnfo_public_key_save(&pk, file), VNFO_OK);
    vnfo_public_key back;
    ck_assert_status(vnfo_public_key_load(&back, file), VNFO_OK);
    ck_assert_int_eq(vnfo_public_key_equal(&pk, &back), 1);
    vnfo_signing_key_free(sk);
    unlink(fifo);
    unlink(file);
    rmdir(tmpdir);
}
END_TEST

START_TEST(test_key_file_errors)
{
    make_tmpdir();
    char p[128], msg[256];
    vnfo_signing_key *sk = (vnfo_signing_key *)1;
    vnfo_public_key pk;

    path_in_tmp(p, sizeof p, "missing.key");
    ck_assert_status(vnfo_signing_key_load(&sk, p), VNFO_E_NOT_FOUND);
    ck_assert_ptr_null(sk);
    snprintf(msg, sizeof msg, "%s: No such file or directory", p);
    ck_assert_str_eq(vnfo_error_message(), msg);
    ck_assert_status(vnfo_public_key_load(&pk, p), VNFO_E_NOT_FOUND);

    path_in_tmp(p, sizeof p, "open.key");
    write_file(p, "vnfo-ed25519-secret:nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=\n", 0644);
    ck_assert_status(vnfo_signing_key_load(&sk, p), VNFO_E_KEY_PERMISSIONS);
    snprintf(msg, sizeof msg,
             "%s: secret key file has mode 644; group and others must have no access to it (chmod 600)", p);
    ck_assert_str_eq(vnfo_error_message(), msg);
    /* Write access alone is refused too (docs/FORMAT.md 6): whoever may
     * write the file may swap the key. */
    chmod(p, 0620);
    ck_assert_status(vnfo_signing_key_load(&sk, p), VNFO_E_KEY_PERMISSIONS);
    snprintf(msg, sizeof msg,
             "%s: secret key file has mode 620; group and others must have no access to it (chmod 600)", p);
    ck_assert_str_eq(vnfo_error_message(), msg);
    chmod(p, 0600);
    ck_assert_status(vnfo_signing_key_load(&sk, p), VNFO_OK);
    vnfo_public_key want;
    vnfo_public_key_parse(&want, "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    vnfo_signing_key_public(&pk, sk);
    ck_assert_int_eq(vnfo_public_key_equal(&pk, &want), 1);
    vnfo_signing_key_free(sk);
    unlink(p);

    path_in_tmp(p, sizeof p, "bad.key");
    write_file(p, "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n", 0600);
    ck_assert_status(vnfo_signing_key_load(&sk, p), VNFO_E_KEY_FORMAT);
    snprintf(msg, sizeof msg, "%s: secret key file must start with \"vnfo-ed25519-secret:\"", p);
    ck_assert_str_eq(vnfo_error_message(), msg);
    write_file(p, "vnfo-ed25519-secret:AAAA\n", 0600);
    ck_assert_status(vnfo_signing_key_load(&sk, p), VNFO_E_KEY_FORMAT);
    unlink(p);

    path_in_tmp(p, sizeof p, "bad.pub");
    write_file(p, "ed25519:not base64!\n", 0644);
    ck_assert_status(vnfo_public_key_load(&pk, p), VNFO_E_KEY_FORMAT);
    snprintf(msg, sizeof msg, "%s: expected the base64 of 32 bytes after \"ed25519:\"", p);
    ck_assert_str_eq(vnfo_error_message(), msg);
    unlink(p);
    rmdir(tmpdir);
}
END_TEST

START_TEST(test_sizes_for_ffi)
{
    ck_assert_uint_eq(vnfo_key_public_bytes(), 32);
    ck_assert_uint_eq(vnfo_key_signature_bytes(), 64);
    ck_assert_uint_eq(vnfo_key_seed_bytes(), 32);
}
END_TEST

static Suite *key_suite(void)
{
    Suite *s = suite_create("key");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, vnfo_test_setup_init, NULL);
    tcase_add_test(tc, test_rfc8032_vector);
    tcase_add_test(tc, test_sign_verify_and_forgeries);
    tcase_add_test(tc, test_public_text_round_trip);
    tcase_add_test(tc, test_public_parse_errors);
    tcase_add_test(tc, test_key_files_round_trip);
    tcase_add_test(tc, test_key_file_errors);
    tcase_add_test(tc, test_key_save_refuses_special_files);
    tcase_add_test(tc, test_sizes_for_ffi);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return vnfo_test_run(key_suite());
}
