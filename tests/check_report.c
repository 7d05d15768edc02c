/* Check suite for the report module: model, overall verdict, JSON and text. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include <vnfo/report.h>

#include "testutil.h"

static vnfo_report *make_report(void)
{
    vnfo_report *r;
    ck_assert_status(vnfo_report_create(&r), VNFO_OK);
    return r;
}

/* Renders JSON into a new string (the caller frees it). */
static char *json_of(const vnfo_report *r, unsigned flags)
{
    size_t need = 0;
    ck_assert_status(vnfo_report_render_json(NULL, 0, &need, r, flags), VNFO_E_BUFFER_TOO_SMALL);
    char *buf = malloc(need);
    ck_assert_status(vnfo_report_render_json(buf, need, NULL, r, flags), VNFO_OK);
    ck_assert_uint_eq(strlen(buf) + 1, need);
    return buf;
}

static char *text_of(const vnfo_report *r, unsigned flags)
{
    size_t need = 0;
    ck_assert_status(vnfo_report_render_text(NULL, 0, &need, r, flags), VNFO_E_BUFFER_TOO_SMALL);
    char *buf = malloc(need);
    ck_assert_status(vnfo_report_render_text(buf, need, NULL, r, flags), VNFO_OK);
    return buf;
}

START_TEST(test_names_and_exit_codes)
{
    ck_assert_str_eq(vnfo_report_verdict_name(VNFO_REPORT_PASS), "PASS");
    ck_assert_str_eq(vnfo_report_verdict_name(VNFO_REPORT_FAIL), "FAIL");
    ck_assert_str_eq(vnfo_report_verdict_name(VNFO_REPORT_INCONCLUSIVE), "INCONCLUSIVE");
    ck_assert_str_eq(vnfo_report_verdict_name(VNFO_REPORT_ERROR), "ERROR");
    ck_assert_str_eq(vnfo_report_verdict_name((vnfo_report_verdict)9), "UNKNOWN");
    ck_assert_str_eq(vnfo_report_category_name(VNFO_REPORT_ACCOUNTING), "accounting");
    ck_assert_str_eq(vnfo_report_category_name((vnfo_report_category)7), "unknown");
    ck_assert_int_eq(vnfo_report_verdict_exit_code(VNFO_REPORT_PASS), 0);
    ck_assert_int_eq(vnfo_report_verdict_exit_code(VNFO_REPORT_FAIL), 1);
    ck_assert_int_eq(vnfo_report_verdict_exit_code(VNFO_REPORT_INCONCLUSIVE), 2);
    ck_assert_int_eq(vnfo_report_verdict_exit_code(VNFO_REPORT_ERROR), 3);
    ck_assert_uint_eq(vnfo_report_format_version(), 1);
}
END_TEST

START_TEST(test_overall_verdict_rule)
{
    vnfo_report *r = make_report();
    vnfo_report_entry *e, *f;
    /* No check at all proves nothing. */
    ck_assert_int_eq(vnfo_report_overall(r), VNFO_REPORT_INCONCLUSIVE);
    ck_assert_status(vnfo_report_entry_add(&e, r, "chain.order", VNFO_REPORT_FUNCTIONALITY,
                                           VNFO_REPORT_PASS, "ok"), VNFO_OK);
    ck_assert_int_eq(vnfo_report_overall(r), VNFO_REPORT_PASS);
    ck_assert_status(vnfo_report_entry_add(&f, r, "bill.cpu_cycles", VNFO_REPORT_ACCOUNTING,
                                           VNFO_REPORT_INCONCLUSIVE, NULL), VNFO_OK);
    ck_assert_int_eq(vnfo_report_overall(r), VNFO_REPORT_INCONCLUSIVE);
    ck_assert_status(vnfo_report_entry_verdict_set(f, VNFO_REPORT_ERROR), VNFO_OK);
    ck_assert_int_eq(vnfo_report_overall(r), VNFO_REPORT_ERROR);
    /* A violation outranks everything: it is what the customer must see. */
    ck_assert_status(vnfo_report_entry_verdict_set(e, VNFO_REPORT_FAIL), VNFO_OK);
    ck_assert_int_eq(vnfo_report_overall(r), VNFO_REPORT_FAIL);
    ck_assert_int_eq(vnfo_report_overall(NULL), VNFO_REPORT_ERROR);
    vnfo_report_free(r);
    vnfo_report_free(NULL);
}
END_TEST

START_TEST(test_bad_arguments)
{
    vnfo_report *r = make_report();
    vnfo_report_entry *e;
    ck_assert_status(vnfo_report_entry_add(&e, r, "", VNFO_REPORT_INTEGRITY, VNFO_REPORT_PASS, NULL),
                     VNFO_E_INVALID_ARGUMENT);
    ck_assert_ptr_null(e);
    ck_assert_status(vnfo_report_entry_add(&e, r, "x", (vnfo_report_category)4, VNFO_REPORT_PASS, NULL),
                     VNFO_E_INVALID_ARGUMENT);
    ck_assert_str_eq(vnfo_error_message(), "x: unknown category 4 or verdict 0");
    ck_assert_status(vnfo_report_entry_add(&e, r, "x", VNFO_REPORT_INTEGRITY, VNFO_REPORT_PASS, NULL),
                     VNFO_OK);
    ck_assert_status(vnfo_report_entry_add(&e, r, "x", VNFO_REPORT_INTEGRITY, VNFO_REPORT_PASS, NULL),
                     VNFO_E_INVALID_ARGUMENT);
    ck_assert_str_eq(vnfo_error_message(), "x: the report already has this check");
    char longname[80];
    memset(longname, 'a', sizeof longname - 1);
    longname[79] = 0;
    ck_assert_status(vnfo_report_evidence_uint((vnfo_report_entry *)vnfo_report_entry_find(r, "x"),
                                               longname, 1), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_report_max_examples_set(r, 5000), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_report_entry_verdict_set(NULL, VNFO_REPORT_PASS), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_report_render_json(NULL, 10, NULL, r, 0), VNFO_E_INVALID_ARGUMENT);
    char small[8];
    size_t need = 0;
    ck_assert_status(vnfo_report_render_text(small, sizeof small, &need, r, 0), VNFO_E_BUFFER_TOO_SMALL);
    ck_assert_uint_gt(need, sizeof small);
    vnfo_report_free(r);
}
END_TEST

START_TEST(test_examples_are_capped_and_counted)
{
    vnfo_report *r = make_report();
    ck_assert_status(vnfo_report_max_examples_set(r, 3), VNFO_OK);
    vnfo_report_entry *e;
    vnfo_report_entry_add(&e, r, "hop.digest", VNFO_REPORT_FUNCTIONALITY, VNFO_REPORT_FAIL, "x");
    for (uint64_t i = 0; i < 10; i++)
        ck_assert_status(vnfo_report_example_add(e, 0x100 + i, i ? NULL : "first"), VNFO_OK);
    ck_assert_uint_eq(vnfo_report_entry_examples_total(e), 10);
    uint64_t label;
    ck_assert_status(vnfo_report_entry_example_at(&label, e, 2), VNFO_OK);
    ck_assert_uint_eq(label, 0x102);
    ck_assert_status(vnfo_report_entry_example_at(&label, e, 3), VNFO_E_INVALID_ARGUMENT);
    vnfo_report_free(r);
}
END_TEST

/* Builds the report the JSON and text tests render. */
static vnfo_report *sample_report(void)
{
    vnfo_report *r = make_report();
    vnfo_report_entry *a, *b;
    ck_assert_status(vnfo_report_subject_set(r, "manifest_id", "acme-edge"), VNFO_OK);
    ck_assert_status(vnfo_report_subject_set(r, "manifest_id", "acme-edge-2026-11"), VNFO_OK);
    vnfo_report_entry_add(&a, r, "chain.order", VNFO_REPORT_FUNCTIONALITY, VNFO_REPORT_PASS,
                          "412 sampled packets crossed fw, nat, ids in order");
    ck_assert_status(vnfo_report_evidence_uint(a, "sampled_packets", 412), VNFO_OK);
    vnfo_report_entry_add(&b, r, "bill.cpu_cycles", VNFO_REPORT_ACCOUNTING, VNFO_REPORT_FAIL, NULL);
    ck_assert_status(vnfo_report_entry_summary_set(b, "billed %.3g outside the %g%% interval",
                                                   4.1e12, 99.0), VNFO_OK);
    ck_assert_status(vnfo_report_evidence_uint(b, "billed", UINT64_MAX), VNFO_OK);
    ck_assert_status(vnfo_report_evidence_real(b, "estimate", 4.0e12), VNFO_OK);
    ck_assert_status(vnfo_report_evidence_interval(b, "interval", 3.98e12, 4.07e12), VNFO_OK);
    ck_assert_status(vnfo_report_evidence_text(b, "method", "normal"), VNFO_OK);
    ck_assert_status(vnfo_report_evidence_real(b, "p_value", NAN), VNFO_OK);
    ck_assert_status(vnfo_report_evidence_bool(b, "cochran_ok", 1), VNFO_OK);
    ck_assert_status(vnfo_report_evidence_int(b, "delta", -5), VNFO_OK);
    ck_assert_status(vnfo_report_evidence_text(b, "method", "bernstein"), VNFO_OK); /* replaces */
    ck_assert_status(vnfo_report_example_add(b, 0xdeadbeefcafe0001ULL, "cycles x3"), VNFO_OK);
    return r;
}

START_TEST(test_json_rendering)
{
    vnfo_report *r = sample_report();
    char *text = json_of(r, 0);
    json_error_t err;
    json_t *root = json_loads(text, 0, &err);
    ck_assert_msg(root != NULL, "invalid JSON: %s", err.text);
    ck_assert_int_eq(json_integer_value(json_object_get(root, "vnfo_report")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(root, "verdict")), "FAIL");
    ck_assert_int_eq(json_integer_value(json_object_get(root, "exit_code")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(root, "subject"), "manifest_id")),
                     "acme-edge-2026-11");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(root, "counts"), "PASS")), 1);
    json_t *checks = json_object_get(root, "checks");
    ck_assert_uint_eq(json_array_size(checks), 2);
    json_t *b = json_array_get(checks, 1);
    ck_assert_str_eq(json_string_value(json_object_get(b, "check")), "bill.cpu_cycles");
    ck_assert_str_eq(json_string_value(json_object_get(b, "category")), "accounting");
    ck_assert_str_eq(json_string_value(json_object_get(b, "summary")),
                     "billed 4.1e+12 outside the 99% interval");
    json_t *ev = json_object_get(b, "evidence");
    ck_assert_str_eq(json_string_value(json_object_get(ev, "billed")), "18446744073709551615");
    ck_assert(json_is_null(json_object_get(ev, "p_value")));
    ck_assert_str_eq(json_string_value(json_object_get(ev, "method")), "bernstein");
    ck_assert(json_is_true(json_object_get(ev, "cochran_ok")));
    ck_assert_int_eq(json_integer_value(json_object_get(ev, "delta")), -5);
    json_t *iv = json_object_get(ev, "interval");
    ck_assert_uint_eq(json_array_size(iv), 2);
    ck_assert(fabs(json_real_value(json_array_get(iv, 1)) - 4.07e12) < 1.0);
    json_t *ex = json_array_get(json_object_get(b, "examples"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(ex, "label")), "deadbeefcafe0001");
    ck_assert_str_eq(json_string_value(json_object_get(ex, "note")), "cycles x3");
    ck_assert_int_eq(json_integer_value(json_object_get(b, "examples_total")), 1);
    /* Evidence keeps insertion order; compact output is one line. */
    const char *k1 = strstr(text, "\"billed\""), *k2 = strstr(text, "\"estimate\"");
    ck_assert(k1 && k2 && k1 < k2);
    char *compact = json_of(r, VNFO_REPORT_JSON_COMPACT);
    ck_assert_ptr_null(strchr(compact, '\n'));
    free(compact);
    json_decref(root);
    free(text);
    double v;
    ck_assert_status(vnfo_report_evidence_number(&v, vnfo_report_entry_find(r, "bill.cpu_cycles"),
                                                 "interval"), VNFO_OK);
    ck_assert(fabs(v - 3.98e12) < 1.0);
    ck_assert_status(vnfo_report_evidence_number(&v, vnfo_report_entry_find(r, "bill.cpu_cycles"),
                                                 "method"), VNFO_E_NOT_FOUND);
    ck_assert_str_eq(vnfo_error_message(), "bill.cpu_cycles: no numeric evidence \"method\"");
    vnfo_report_free(r);
}
END_TEST

START_TEST(test_text_rendering)
{
    vnfo_report *r = sample_report();
    char *text = text_of(r, 0);
    const char *want_first = "FAIL: 1 of 2 checks found a violation (1 pass, 1 fail, 0 inconclusive, 0 error)\n";
    ck_assert_int_eq(strncmp(text, want_first, strlen(want_first)), 0);
    /* Evidence only for the failing check unless verbose. */
    ck_assert_ptr_nonnull(strstr(text, "interval=[3.98e+12, 4.07e+12]"));
    ck_assert_ptr_nonnull(strstr(text, "p_value=nan"));
    ck_assert_ptr_nonnull(strstr(text, "deadbeefcafe0001 (cycles x3)"));
    ck_assert_ptr_null(strstr(text, "sampled_packets=412"));
    char *verbose = text_of(r, VNFO_REPORT_TEXT_VERBOSE);
    ck_assert_ptr_nonnull(strstr(verbose, "sampled_packets=412"));
    free(verbose);
    free(text);
    vnfo_report_free(r);
    vnfo_report *empty = make_report();
    text = text_of(empty, 0);
    ck_assert_str_eq(text, "INCONCLUSIVE: the report has no checks (0 pass, 0 fail, 0 inconclusive, 0 error)\n");
    free(text);
    vnfo_report_free(empty);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_names_and_exit_codes);
    tcase_add_test(tc, test_overall_verdict_rule);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_test(tc, test_examples_are_capped_and_counted);
    tcase_add_test(tc, test_json_rendering);
    tcase_add_test(tc, test_text_rendering);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
