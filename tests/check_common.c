/* Check suite for the common module: statuses, versions, init, allocator. */
#include <stdio.h>

#include "testutil.h"

START_TEST(test_version_matches_header)
{
    ck_assert_str_eq(vnfo_version_string(), VNFO_VERSION_STRING);
    ck_assert_uint_eq(vnfo_version_number(), VNFO_VERSION_NUMBER);
    char buf[32];
    snprintf(buf, sizeof buf, "%d.%d.%d", VNFO_VERSION_MAJOR, VNFO_VERSION_MINOR,
             VNFO_VERSION_PATCH);
    ck_assert_str_eq(buf, VNFO_VERSION_STRING);
}
END_TEST

START_TEST(test_init_idempotent)
{
    ck_assert_status(vnfo_init(), VNFO_OK);
    ck_assert_status(vnfo_init(), VNFO_OK);
}
END_TEST

/* The numbers are ABI: pin a few so an accidental renumbering fails here. */
START_TEST(test_status_numbers_pinned)
{
    ck_assert_int_eq(VNFO_OK, 0);
    ck_assert_int_eq(VNFO_E_INVALID_ARGUMENT, 1);
    ck_assert_int_eq(VNFO_E_NO_MEMORY, 2);
    ck_assert_int_eq(VNFO_E_UNSUPPORTED_VERSION, 6);
    ck_assert_int_eq(VNFO_E_NOT_INITIALIZED, 11);
    ck_assert_uint_eq(sizeof(vnfo_status), 4);
}
END_TEST

START_TEST(test_strerror_names)
{
    ck_assert_str_eq(vnfo_status_name(VNFO_OK), "VNFO_OK");
    ck_assert_str_eq(vnfo_status_name(VNFO_E_NO_MEMORY), "VNFO_E_NO_MEMORY");
    ck_assert_str_eq(vnfo_strerror(VNFO_E_NO_MEMORY), "out of memory");
    ck_assert_str_eq(vnfo_status_name((vnfo_status)9999), "VNFO_E_UNKNOWN");
    ck_assert_str_eq(vnfo_strerror((vnfo_status)9999), "unknown status");
    /* Every code from 0 to 300 that has a name has a distinct one. */
    for (int a = 0; a < 300; a++) {
        const char *na = vnfo_status_name((vnfo_status)a);
        if (strcmp(na, "VNFO_E_UNKNOWN") == 0)
            continue;
        ck_assert_ptr_nonnull(vnfo_strerror((vnfo_status)a));
        for (int b = a + 1; b < 300; b++)
            ck_assert_str_ne(na, vnfo_status_name((vnfo_status)b));
    }
}
END_TEST

static int fail_after = -1;
static int alloc_calls;

static void *counting_alloc(void *ctx, size_t n)
{
    (void)ctx;
    alloc_calls++;
    if (fail_after >= 0 && alloc_calls > fail_after)
        return NULL;
    return malloc(n);
}
static void *counting_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    return realloc(p, n);
}
static void counting_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

START_TEST(test_allocator_validation)
{
    vnfo_allocator a = {VNFO_ALLOCATOR_VERSION, counting_alloc, counting_realloc, counting_free, NULL};
    a.version = 99;
    ck_assert_status(vnfo_allocator_set(&a), VNFO_E_STRUCT_VERSION);
    ck_assert_str_eq(vnfo_error_message(), "vnfo_allocator_set: version 99, expected 1");
    a.version = VNFO_ALLOCATOR_VERSION;
    a.free = NULL;
    ck_assert_status(vnfo_allocator_set(&a), VNFO_E_INVALID_ARGUMENT);
    a.free = counting_free;
    ck_assert_status(vnfo_allocator_set(&a), VNFO_OK);
    ck_assert_status(vnfo_allocator_set(NULL), VNFO_OK);
}
END_TEST

START_TEST(test_error_clear)
{
    vnfo_allocator a = {42, NULL, NULL, NULL, NULL};
    ck_assert_status(vnfo_allocator_set(&a), VNFO_E_STRUCT_VERSION);
    ck_assert_int_eq(vnfo_error_status(), VNFO_E_STRUCT_VERSION);
    vnfo_error_clear();
    ck_assert_int_eq(vnfo_error_status(), VNFO_OK);
    ck_assert_str_eq(vnfo_error_message(), "");
}
END_TEST

START_TEST(test_rational_to_double)
{
    vnfo_rational r = {1, 64};
    ck_assert_double_eq(vnfo_rational_to_double(r), 1.0 / 64);
    vnfo_rational full = {1, 0}; /* 1 / 2^64 */
    ck_assert_double_eq(vnfo_rational_to_double(full), 1.0 / 18446744073709551616.0);
}
END_TEST

static Suite *common_suite(void)
{
    Suite *s = suite_create("common");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_version_matches_header);
    tcase_add_test(tc, test_init_idempotent);
    tcase_add_test(tc, test_status_numbers_pinned);
    tcase_add_test(tc, test_strerror_names);
    tcase_add_test(tc, test_allocator_validation);
    tcase_add_test(tc, test_error_clear);
    tcase_add_test(tc, test_rational_to_double);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return vnfo_test_run(common_suite());
}
