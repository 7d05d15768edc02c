/* Check suite for the bill parser: valid bills, and every error with its
 * exact message and position. */
#include <stdio.h>
#include <unistd.h>

#include <vnfo/bill.h>

#include "testutil.h"

static const char *GOOD =
    "{\n"
    "  \"vnfo_bill\": 1,\n"
    "  \"manifest_id\": \"acme-edge-2026-11\",\n"
    "  \"provider\": \"cloudco\",\n"
    "  \"period\": {\"start\": \"2026-11-01T00:00:00Z\", \"end\": \"2026-12-01T00:00:00Z\"},\n"
    "  \"totals\": {\"packets\": 120000, \"cpu_cycles\": 4100000000000, \"mem_bytes\": 52428800},\n"
    "  \"functions\": {\n"
    "    \"fw\": {\"packets\": 120000, \"cpu_cycles\": 1000},\n"
    "    \"ids\": {\"cpu_cycles\": 3000}\n"
    "  }\n"
    "}\n";

static vnfo_status parse(vnfo_bill **b, const char *text)
{
    return vnfo_bill_parse(b, text, strlen(text), "bill.json");
}

/* Parses GOOD with one substring replaced, expecting a status and message. */
static void expect_error(const char *from, const char *to, vnfo_status want, const char *msg)
{
    const char *at = strstr(GOOD, from);
    ck_assert_ptr_nonnull(at);
    char buf[2048];
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - GOOD), GOOD, to, at + strlen(from));
    vnfo_bill *b = (vnfo_bill *)1;
    ck_assert_status(parse(&b, buf), want);
    ck_assert_ptr_null(b);
    ck_assert_str_eq(vnfo_error_message(), msg);
}

START_TEST(test_good_bill)
{
    vnfo_bill *b;
    ck_assert_status(parse(&b, GOOD), VNFO_OK);
    ck_assert_str_eq(vnfo_bill_manifest_id(b), "acme-edge-2026-11");
    ck_assert_str_eq(vnfo_bill_provider(b), "cloudco");
    int64_t start, end;
    ck_assert_status(vnfo_bill_period(&start, &end, b), VNFO_OK);
    ck_assert_int_eq(start, 1793491200); /* date -u -d 2026-11-01 +%s */
    ck_assert_int_eq(end, 1796083200);
    uint64_t v;
    ck_assert_status(vnfo_bill_total(&v, b, NULL, "cpu_cycles"), VNFO_OK);
    ck_assert_uint_eq(v, 4100000000000ULL);
    ck_assert_status(vnfo_bill_total(&v, b, "ids", "cpu_cycles"), VNFO_OK);
    ck_assert_uint_eq(v, 3000);
    ck_assert_status(vnfo_bill_total(&v, b, "ids", "packets"), VNFO_E_NOT_FOUND);
    ck_assert_status(vnfo_bill_total(&v, b, "nat", "packets"), VNFO_E_NOT_FOUND);
    ck_assert_uint_eq(vnfo_bill_resource_count(b, NULL), 3);
    ck_assert_str_eq(vnfo_bill_resource_at(b, NULL, 1), "cpu_cycles");
    ck_assert_ptr_null(vnfo_bill_resource_at(b, NULL, 3));
    ck_assert_uint_eq(vnfo_bill_function_count(b), 2);
    ck_assert_str_eq(vnfo_bill_function_at(b, 1), "ids");
    ck_assert_uint_eq(vnfo_bill_resource_count(b, "fw"), 2);
    ck_assert_int_eq(vnfo_bill_resource_known("bytes"), 1);
    ck_assert_int_eq(vnfo_bill_resource_known("cpu_ticks"), 0);
    ck_assert_int_eq(vnfo_bill_resource_known("vendor:tls_handshakes"), 1);
    ck_assert_int_eq(vnfo_bill_resource_known("vendor:"), 0);
    ck_assert_int_eq(vnfo_bill_resource_known("vendor:Bad Name"), 0);
    vnfo_bill_free(b);
    vnfo_bill_free(NULL);
}
END_TEST

START_TEST(test_unknown_resources)
{
    expect_error("\"cpu_cycles\": 4100000000000", "\"cpu_cycels\": 4100000000000",
                 VNFO_E_BILL_UNKNOWN_RESOURCE,
                 "bill.json:6:33: totals.cpu_cycels: unknown resource \"cpu_cycels\" (did you mean "
                 "\"cpu_cycles\"?) (known: packets, bytes, cpu_cycles, mem_bytes, vendor:<name>)");
    expect_error("\"ids\": {\"cpu_cycles\"", "\"ids\": {\"gpu_hours\"", VNFO_E_BILL_UNKNOWN_RESOURCE,
                 "bill.json:9:13: functions.ids.gpu_hours: unknown resource \"gpu_hours\" "
                 "(known: packets, bytes, cpu_cycles, mem_bytes, vendor:<name>)");
}
END_TEST

START_TEST(test_schema_errors)
{
    expect_error("\"provider\"", "\"provder\"", VNFO_E_BILL_FORMAT,
                 "bill.json:4:3: provder: unknown member \"provder\" (did you mean \"provider\"?)");
    expect_error("\"vnfo_bill\": 1", "\"vnfo_bill\": 2", VNFO_E_UNSUPPORTED_VERSION,
                 "bill.json:2:16: vnfo_bill: format version 2; this library reads version 1");
    expect_error("\"vnfo_bill\": 1,", "", VNFO_E_BILL_FORMAT,
                 "bill.json:1:1: (document): missing member \"vnfo_bill\" (the format version 1)");
    expect_error("120000, \"cpu", "-5, \"cpu", VNFO_E_BILL_FORMAT,
                 "bill.json:6:25: totals.packets: expected a non-negative integer");
    expect_error("120000, \"cpu", "1.5, \"cpu", VNFO_E_BILL_FORMAT,
                 "bill.json:6:25: totals.packets: expected a non-negative integer");
    expect_error("\"end\": \"2026-12-01T00:00:00Z\"", "\"end\": \"2026-10-01T00:00:00Z\"",
                 VNFO_E_BILL_FORMAT, "bill.json:5:54: period.end: the period ends before it starts");
    expect_error("2026-11-01T00:00:00Z", "2026-02-29T00:00:00Z", VNFO_E_BILL_FORMAT,
                 "bill.json:5:23: period.start: \"2026-02-29T00:00:00Z\" is not a UTC time like "
                 "2026-11-01T00:00:00Z");
    expect_error("\"manifest_id\": \"acme-edge-2026-11\"", "\"manifest_id\": 7", VNFO_E_BILL_FORMAT,
                 "bill.json:3:18: manifest_id: expected a string");
    expect_error("\"ids\": {\"cpu_cycles\": 3000}", "\"ids\": {}", VNFO_E_BILL_FORMAT,
                 "bill.json:9:12: functions.ids: expected at least one resource");
    expect_error("\"totals\": {\"packets\": 120000,", "\"totals\": {\"packets\": 1, \"packets\": 2,",
                 VNFO_E_BILL_FORMAT, "bill.json:6:36: duplicate object key near '\\\"packets\\\"'");
    expect_error("\n}\n", "\n", VNFO_E_BILL_FORMAT,
                 "bill.json:11:1: '}' expected near end of file");
}
END_TEST

/* Positions and escapes a hostile bill cannot bend (issue 11, items 8-9). */
START_TEST(test_hostile_text)
{
    /* An escaped member name is found where it is written. */
    expect_error("\"provider\"", "\"x\\u0073\": 1, \"provid\\u0065r\"", VNFO_E_BILL_FORMAT,
                 "bill.json:4:3: xs: unknown member \"xs\"");
    /* Member names, resource names and times from the input are escaped:
     * a newline or an escape sequence cannot rewrite the message. */
    expect_error("\"provider\"", "\"a\\nFAKE: \\u001b[2J\": 1, \"provider\"", VNFO_E_BILL_FORMAT,
                 "bill.json:4:3: [\"a\\u000aFAKE: \\u001b[2J\"]: unknown member \"a\\u000aFAKE: \\u001b[2J\"");
    expect_error("\"cpu_cycles\": 3000}", "\"cpu\\r\": 3000}", VNFO_E_BILL_UNKNOWN_RESOURCE,
                 "bill.json:9:13: functions.ids[\"cpu\\u000d\"]: unknown resource \"cpu\\u000d\" "
                 "(known: packets, bytes, cpu_cycles, mem_bytes, vendor:<name>)");
    expect_error("2026-11-01T00:00:00Z", "\\u009b31m", VNFO_E_BILL_FORMAT,
                 "bill.json:5:23: period.start: \"\\xc2\\x9b31m\" is not a UTC time like 2026-11-01T00:00:00Z");
    /* jansson's `near '...'` quotes raw input: escaped too. */
    expect_error("\"vnfo_bill\": 1,", "\"vnfo_bill\": 1, \x01", VNFO_E_BILL_FORMAT,
                 "bill.json:2:19: string or '}' expected near '\\u0001'");
    /* Undecodable bytes and empty input: the column of the byte, from 1. */
    expect_error("{\n", "{\n\xff", VNFO_E_BILL_FORMAT, "bill.json:2:1: unable to decode byte 0xff");
    expect_error("\"vnfo_bill\"", "\xff", VNFO_E_BILL_FORMAT,
                 "bill.json:2:3: unable to decode byte 0xff");
    vnfo_bill *b;
    ck_assert_status(vnfo_bill_parse(&b, "", 0, "bill.json"), VNFO_E_BILL_FORMAT);
    ck_assert_str_eq(vnfo_error_message(), "bill.json:1:1: '[' or '{' expected near end of file");
    /* A NUL byte is refused where it is, not taken for the end. */
    char buf[2048];
    size_t n = strlen(GOOD);
    memcpy(buf, GOOD, n);
    buf[n - 2] = '\0';
    ck_assert_status(vnfo_bill_parse(&b, buf, n, "bill.json"), VNFO_E_BILL_FORMAT);
    ck_assert_str_eq(vnfo_error_message(), "bill.json:11:1: NUL byte in a text file (byte 350)");
    /* Exactly the RFC 3339 form docs/bill.md names. */
    static const char *const bad[] = {"-001-11-01T00:00:00Z", "+026-11-01T00:00:00Z", " 026-11-01T00:00:00Z",
                                      "2026-11-01t00:00:00Z", "2026-11-01T00:00:00z", "2026-11-01 00:00:00Z",
                                      "2026-1-01T00:00:00ZZ", "2026-11-01T00:00:60Z", "2026-11-01T24:00:00Z",
                                      "2026-11-+1T00:00:00Z", "2026-11-01T00:00:00+00:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want[160];
        snprintf(want, sizeof want, "bill.json:5:23: period.start: \"%s\" is not a UTC time like "
                 "2026-11-01T00:00:00Z", bad[i]);
        expect_error("2026-11-01T00:00:00Z", bad[i], VNFO_E_BILL_FORMAT, want);
    }
}
END_TEST

START_TEST(test_files_and_limits)
{
    vnfo_bill *b;
    ck_assert_status(vnfo_bill_load(&b, "/nonexistent/bill.json"), VNFO_E_NOT_FOUND);
    ck_assert_status(vnfo_bill_parse(&b, NULL, 3, NULL), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_bill_parse(&b, "[]", 2, NULL), VNFO_E_BILL_FORMAT);
    ck_assert_str_eq(vnfo_error_message(), "bill:1:1: (document): a bill is a JSON object");
    ck_assert_status(vnfo_bill_parse(&b, GOOD, VNFO_BILL_MAX_BYTES + 1, NULL), VNFO_E_LIMIT_EXCEEDED);
    char path[] = "/tmp/vnfo-bill-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, GOOD, strlen(GOOD)), (int)strlen(GOOD));
    close(fd);
    ck_assert_status(vnfo_bill_load(&b, path), VNFO_OK);
    ck_assert_uint_eq(vnfo_bill_function_count(b), 2);
    vnfo_bill_free(b);
    unlink(path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bill");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_good_bill);
    tcase_add_test(tc, test_unknown_resources);
    tcase_add_test(tc, test_schema_errors);
    tcase_add_test(tc, test_hostile_text);
    tcase_add_test(tc, test_files_and_limits);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
