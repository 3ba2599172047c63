/* Unit tests for the names that may go into an nft script (nft_rules.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "kit/nft.h"

static void words(void **state)
{
    (void)state;
    assert_int_equal(kit_nft_word_ok("ve-web"), 1);
    assert_int_equal(kit_nft_word_ok("10.88.1.0/24"), 1);
    assert_int_equal(kit_nft_word_ok(""), 0);
    assert_int_equal(kit_nft_word_ok(NULL), 0);
    assert_int_equal(kit_nft_word_ok("eth0\"; flush ruleset"), 0);
    assert_int_equal(kit_nft_word_ok("a b"), 0);
    assert_int_equal(kit_nft_word_ok("a;b"), 0);
    assert_int_equal(kit_nft_word_ok("a\nb"), 0);
    char longname[80];
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_int_equal(kit_nft_word_ok(longname), 0);
}

static void table_names(void **state)
{
    (void)state;
    char table[64];
    assert_int_equal(kit_nft_table_name("ve-web", table, sizeof(table)), 0);
    assert_string_equal(table, "kit_ve-web");
    errno = 0;
    assert_int_equal(kit_nft_table_name("ve web", table, sizeof(table)), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(kit_nft_table_name("ve-web", table, 6), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words),
        cmocka_unit_test(table_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
