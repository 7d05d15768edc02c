/* Everything from the input that goes into a message is escaped (issue 11
 * item 8, hardening audit): file names, log source names, manifest, bill and
 * signature names, values read from a file.  Each test feeds control
 * characters, invalid UTF-8, quotes or a very long name and asserts the
 * exact message. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

/* Control bytes, an escape sequence, a quote, a backslash and a byte that is
 * not UTF-8, and what a message shows for them. */
#define HOSTILE "a\x1b[31m\n\"q\"\\\xff"
#define HOSTILE_SHOWN "a\\u001b[31m\\u000a\\\"q\\\"\\\\\\xff"

/* What the log reader says about truncated_log below. */
#define TRUNCATED_WHY                                                                  \
    "frame of 100 bytes does not start with a batch (magic \"VNFB\" missing) and runs past the " \
    "end of the log"

/* Whether a message is safe to print: valid UTF-8 (no C1 either), no control byte. */
static int message_clean(const char *msg)
{
    const unsigned char *p = (const unsigned char *)msg;
    while (*p) {
        unsigned c = *p;
        if (c < 0x20 || c == 0x7f)
            return 0;
        size_t n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
        if (n == 0)
            return 0;
        for (size_t i = 1; i < n; i++)
            if ((p[i] & 0xc0) != 0x80)
                return 0;
        if (n == 2 && c == 0xc2 && p[1] < 0xa0)
            return 0;
        p += n;
    }
    return 1;
}

static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vnfo-escape-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_file_open_names_escaped)
{
    vnfo_public_key pk;
    ck_assert_status(vnfo_public_key_load(&pk, "/nonexistent-vnfo/" HOSTILE ".pub"), VNFO_E_NOT_FOUND);
    ck_assert_str_eq(vnfo_error_message(),
                     "/nonexistent-vnfo/" HOSTILE_SHOWN ".pub: No such file or directory");
}
END_TEST

START_TEST(test_key_file_content_error_escaped)
{
    make_tmpdir();
    char path[256];
    snprintf(path, sizeof path, "%s/" HOSTILE ".pub", tmpdir);
    write_file(path, "ssh-rsa AAAA\n", 13);
    vnfo_public_key pk;
    ck_assert_status(vnfo_public_key_load(&pk, path), VNFO_E_KEY_FORMAT);
    char want[512];
    snprintf(want, sizeof want, "%s/" HOSTILE_SHOWN ".pub: public key must start with \"ed25519:\"",
             tmpdir);
    ck_assert_str_eq(vnfo_error_message(), want);
    unlink(path);
    rmdir(tmpdir);
}
END_TEST

START_TEST(test_fifo_name_escaped)
{
    make_tmpdir();
    char path[256];
    snprintf(path, sizeof path, "%s/" HOSTILE ".log", tmpdir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    vnfo_log_reader_options o = VNFO_LOG_READER_OPTIONS_INIT;
    vnfo_log_reader *r = NULL;
    ck_assert_status(vnfo_log_reader_create(&r, &o), VNFO_OK);
    ck_assert_status(vnfo_log_reader_add_file(r, path), VNFO_E_NOT_REGULAR_FILE);
    char want[512];
    snprintf(want, sizeof want, "%s/" HOSTILE_SHOWN ".log: not a regular file (a FIFO); refused", tmpdir);
    ck_assert_str_eq(vnfo_error_message(), want);
    vnfo_log_reader_free(r);
    unlink(path);
    rmdir(tmpdir);
}
END_TEST

/* A batch frame that claims more bytes than the source holds. */
static const uint8_t truncated_log[] = {0, 0, 0, 100, 1, 2};

START_TEST(test_log_source_name_escaped)
{
    vnfo_log_reader_options o = VNFO_LOG_READER_OPTIONS_INIT;
    vnfo_log_reader *r = NULL;
    ck_assert_status(vnfo_log_reader_create(&r, &o), VNFO_OK);
    ck_assert_status(vnfo_log_reader_add_buffer(r, truncated_log, sizeof truncated_log, HOSTILE ".log"),
                     VNFO_OK);
    ck_assert_int_ne(vnfo_log_reader_verify(r), VNFO_OK);
    ck_assert_str_eq(vnfo_error_message(), HOSTILE_SHOWN ".log: offset 0: batch 0: " TRUNCATED_WHY);
    /* The batch keeps the name as given: it is the caller's, not a message. */
    vnfo_log_batch_info info;
    ck_assert_status(vnfo_log_reader_batch(&info, r, 0), VNFO_OK);
    ck_assert_str_eq(info.source, HOSTILE ".log");
    vnfo_log_reader_free(r);
}
END_TEST

START_TEST(test_log_file_name_escaped)
{
    make_tmpdir();
    char path[256];
    snprintf(path, sizeof path, "%s/" HOSTILE ".log", tmpdir);
    write_file(path, truncated_log, sizeof truncated_log);
    vnfo_log_reader_options o = VNFO_LOG_READER_OPTIONS_INIT;
    vnfo_log_reader *r = NULL;
    ck_assert_status(vnfo_log_reader_create(&r, &o), VNFO_OK);
    ck_assert_status(vnfo_log_reader_add_file(r, path), VNFO_OK);
    ck_assert_int_ne(vnfo_log_reader_verify(r), VNFO_OK);
    char want[512];
    snprintf(want, sizeof want, "%s/" HOSTILE_SHOWN ".log: offset 0: batch 0: " TRUNCATED_WHY, tmpdir);
    ck_assert_str_eq(vnfo_error_message(), want);
    vnfo_log_reader_free(r);
    unlink(path);
    rmdir(tmpdir);
}
END_TEST

START_TEST(test_manifest_name_escaped)
{
    vnfo_manifest *m = NULL;
    ck_assert_status(vnfo_manifest_parse(&m, "{", 1, HOSTILE ".json"), VNFO_E_MANIFEST_SYNTAX);
    ck_assert_ptr_null(m);
    const char *msg = vnfo_error_message();
    ck_assert_msg(strncmp(msg, HOSTILE_SHOWN ".json:1:", strlen(HOSTILE_SHOWN ".json:1:")) == 0,
                  "%s", msg);
    ck_assert(message_clean(msg));
}
END_TEST

/* jansson's "near '<input>'" quotes the input raw: the manifest reader
 * escapes it as the bill reader does (found by fuzz_manifest; corpus file
 * tests/corpus/manifest/jansson-near-control-byte). */
START_TEST(test_manifest_jansson_text_escaped)
{
    vnfo_manifest *m = NULL;
    ck_assert_status(vnfo_manifest_parse(&m, "{\n\x17}", 3, "m.json"), VNFO_E_MANIFEST_SYNTAX);
    ck_assert_str_eq(vnfo_error_message(), "m.json:2:1: invalid JSON: string or '}' expected near '\\u0017'");
    ck_assert_status(vnfo_manifest_parse(&m, "{\"a\": \"\x1b[2J\n\"}", 13, "m.json"),
                     VNFO_E_MANIFEST_SYNTAX);
    ck_assert(message_clean(vnfo_error_message()));
}
END_TEST

START_TEST(test_bill_name_escaped)
{
    vnfo_bill *b = NULL;
    ck_assert_int_ne(vnfo_bill_parse(&b, "[]", 2, HOSTILE ".json"), VNFO_OK);
    ck_assert_ptr_null(b);
    const char *msg = vnfo_error_message();
    ck_assert_msg(strncmp(msg, HOSTILE_SHOWN ".json:1:", strlen(HOSTILE_SHOWN ".json:1:")) == 0,
                  "%s", msg);
    ck_assert(message_clean(msg));
}
END_TEST

/* Report texts may carry names from the input: the text renderer escapes
 * control characters (a newline would forge a report line) and bytes that
 * are not UTF-8; the JSON renderer writes such a text escaped instead of
 * failing. */
START_TEST(test_report_texts_escaped)
{
    vnfo_report *r = NULL;
    vnfo_report_entry *e = NULL;
    ck_assert_status(vnfo_report_create(&r), VNFO_OK);
    ck_assert_status(vnfo_report_subject_set(r, "bill", "b\xff.json"), VNFO_OK);
    ck_assert_status(vnfo_report_entry_add(&e, r, "chain.order", VNFO_REPORT_FUNCTIONALITY,
                                           VNFO_REPORT_FAIL, "node \"fw\n  PASS forged\" \xff"),
                     VNFO_OK);
    ck_assert_status(vnfo_report_evidence_text(e, "node", "a\x1b[2Jb"), VNFO_OK);
    char out[4096];
    size_t need;
    ck_assert_status(vnfo_report_render_text(out, sizeof out, &need, r, 0), VNFO_OK);
    ck_assert_ptr_nonnull(strstr(out, "node \"fw\\u000a  PASS forged\" \\xff\n"));
    ck_assert_ptr_nonnull(strstr(out, "      evidence: node=a\\u001b[2Jb\n"));
    ck_assert_status(vnfo_report_render_json(out, sizeof out, &need, r, 0), VNFO_OK);
    ck_assert_ptr_nonnull(strstr(out, "\"summary\": \"node \\\\\\\"fw\\\\u000a  PASS forged\\\\\\\" \\\\xff\""));
    ck_assert_ptr_nonnull(strstr(out, "\"bill\": \"b\\\\xff.json\""));
    ck_assert_ptr_nonnull(strstr(out, "\"node\": \"a\\u001B[2Jb\""));
    vnfo_report_free(r);
}
END_TEST

/* A line of a value list goes into the message escaped (vnfo account). */
START_TEST(test_account_value_escaped)
{
    uint64_t v;
    ck_assert_status(vnfo_account_value_parse(&v, "12\x1b[2J\xff"), VNFO_E_ACCOUNT_VALUE);
    ck_assert_str_eq(vnfo_error_message(),
                     "value \"12\\u001b[2J\\xff\": unexpected '\\u001b' at offset 2");
    ck_assert_status(vnfo_account_value_parse(&v, "\x9b" "31m"), VNFO_E_ACCOUNT_VALUE);
    ck_assert_str_eq(vnfo_error_message(), "value \"\\x9b31m\": not a decimal integer");
}
END_TEST

/* A name longer than a message can show keeps its start and ends in "...";
 * a cut never splits a UTF-8 sequence, also where the message itself is cut. */
START_TEST(test_long_names_cut_cleanly)
{
    char name[2048] = "/nonexistent-vnfo/";
    size_t n = strlen(name);
    while (n + 2 < sizeof name - 8) {
        memcpy(name + n, "\xc3\xa9", 2); /* é */
        n += 2;
    }
    strcpy(name + n, ".pub");
    vnfo_public_key pk;
    ck_assert_status(vnfo_public_key_load(&pk, name), VNFO_E_NOT_FOUND);
    const char *msg = vnfo_error_message();
    ck_assert(message_clean(msg));
    ck_assert_ptr_nonnull(strstr(msg, "\xc3\xa9...: No such file or directory"));
    ck_assert_uint_lt(strlen(msg), 300);
}
END_TEST

static Suite *escape_suite(void)
{
    Suite *s = suite_create("escape");
    TCase *tc = tcase_create("messages");
    tcase_add_unchecked_fixture(tc, vnfo_test_setup_init, NULL);
    tcase_add_test(tc, test_file_open_names_escaped);
    tcase_add_test(tc, test_key_file_content_error_escaped);
    tcase_add_test(tc, test_fifo_name_escaped);
    tcase_add_test(tc, test_log_source_name_escaped);
    tcase_add_test(tc, test_log_file_name_escaped);
    tcase_add_test(tc, test_manifest_name_escaped);
    tcase_add_test(tc, test_manifest_jansson_text_escaped);
    tcase_add_test(tc, test_bill_name_escaped);
    tcase_add_test(tc, test_report_texts_escaped);
    tcase_add_test(tc, test_account_value_escaped);
    tcase_add_test(tc, test_long_names_cut_cleanly);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return vnfo_test_run(escape_suite());
}
