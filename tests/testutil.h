/* Helpers shared by the Check suites. */
#ifndef VNFO_TESTUTIL_H
#define VNFO_TESTUTIL_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <vnfo/vnfo.h>

/* Asserts a status by name, so a failure prints "VNFO_E_X != VNFO_OK". */
#define ck_assert_status(expr, expected)                                                  \
    do {                                                                                  \
        vnfo_status got_ = (expr);                                                        \
        vnfo_status want_ = (expected);                                                   \
        ck_assert_msg(got_ == want_, "%s: got %s, expected %s (%s)", #expr,             \
                      vnfo_status_name(got_), vnfo_status_name(want_), vnfo_error_message()); \
    } while (0)

/* Runs one suite and returns the process exit code for make check. */
static inline int vnfo_test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* The directory of real captures, or NULL (the caller skips with a message). */
static inline const char *vnfo_test_pcap_dir(void)
{
    const char *d = getenv("VNFO_PCAP_DIR");
    return (d && *d) ? d : NULL;
}

#endif
