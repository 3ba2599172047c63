/* Unit tests for parse.c: limits from the command line, range-checked, never UB. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kit/parse.h"

#include <errno.h>

static void sizes_with_units(void **state)
{
    (void)state;
    long long b = 0;
    assert_int_equal(kit_parse_size("64m", 1, &b), 0);
    assert_int_equal(b, 64LL << 20);
    assert_int_equal(kit_parse_size("1G", 1, &b), 0);
    assert_int_equal(b, 1LL << 30);
    assert_int_equal(kit_parse_size("512kb", 1, &b), 0);
    assert_int_equal(b, 512LL << 10);
    assert_int_equal(kit_parse_size("4096", 1, &b), 0);
    assert_int_equal(b, 4096);
}

static void bad_sizes_refused(void **state)
{
    (void)state;
    long long b = 7;
    static const char *const malformed[] = {"", "0.5", "-1", " 5m", "5x", "m", "nan", "1e3", "5mm"};
    for (size_t i = 0; i < sizeof(malformed) / sizeof(*malformed); i++) {
        errno = 0;
        assert_int_equal(kit_parse_size(malformed[i], 1, &b), -1);
        assert_int_equal(errno, EINVAL);
    }
    static const char *const out_of_range[] = {"unused", "0", "1",
                                               "99999999999999999999", "1000000000000g"};
    for (size_t i = 1; i < sizeof(out_of_range) / sizeof(*out_of_range); i++) {
        errno = 0;
        assert_int_equal(kit_parse_size(out_of_range[i], 6 << 20, &b), -1);
        assert_int_equal(errno, ERANGE);
    }
    assert_int_equal(b, 7); /* untouched on failure */
}

static void cpus(void **state)
{
    (void)state;
    double c = 0;
    assert_int_equal(kit_parse_cpus("0.5", &c), 0);
    assert_true(c == 0.5);
    assert_int_equal(kit_parse_cpus("2", &c), 0);
    static const char *const malformed[] = {"nan", "inf", "-1", "1e3", "0x10", "", "1.5x"};
    for (size_t i = 0; i < sizeof(malformed) / sizeof(*malformed); i++) {
        errno = 0;
        assert_int_equal(kit_parse_cpus(malformed[i], &c), -1);
        assert_int_equal(errno, EINVAL);
    }
    static const char *const out_of_range[] = {"0", "0.0001", "1025", "0.009"};
    for (size_t i = 0; i < sizeof(out_of_range) / sizeof(*out_of_range); i++) {
        errno = 0;
        assert_int_equal(kit_parse_cpus(out_of_range[i], &c), -1);
        assert_int_equal(errno, ERANGE);
    }
}

static void counts(void **state)
{
    (void)state;
    long v = 0;
    assert_int_equal(kit_parse_count("100", 1, KIT_PIDS_MAX, &v), 0);
    assert_int_equal(v, 100);
    assert_int_equal(kit_parse_count("0", 1, KIT_PIDS_MAX, &v), -1);
    assert_int_equal(errno, ERANGE);
    assert_int_equal(kit_parse_count("99999999999999999999999", 1, KIT_PIDS_MAX, &v), -1);
    assert_int_equal(errno, ERANGE);
    assert_int_equal(kit_parse_count("5000000", 1, KIT_PIDS_MAX, &v), -1);
    assert_int_equal(kit_parse_count("-3", 1, KIT_PIDS_MAX, &v), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(kit_parse_count("12ab", 1, KIT_PIDS_MAX, &v), -1);
    assert_int_equal(errno, EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sizes_with_units),
        cmocka_unit_test(bad_sizes_refused),
        cmocka_unit_test(cpus),
        cmocka_unit_test(counts),
    };
    return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
