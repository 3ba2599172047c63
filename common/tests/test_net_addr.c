/* Unit tests for the naming and numbering rules of container networks (net_addr.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "kit/net.h"

static void short_names_are_kept(void **state)
{
    (void)state;
    char name[KIT_IFNAME_LEN];
    assert_int_equal(kit_ifname_derive("ve-", "web", name), 0);
    assert_string_equal(name, "ve-web");
    assert_int_equal(kit_ifname_derive("ve-", "abcdefghijkl", name), 0); /* 3 + 12 = 15 */
    assert_string_equal(name, "ve-abcdefghijkl");
}

static void long_names_fit_and_differ(void **state)
{
    (void)state;
    char a[KIT_IFNAME_LEN], b[KIT_IFNAME_LEN];
    assert_int_equal(kit_ifname_derive("ve-", "my-very-long-container-1", a), 0);
    assert_int_equal(kit_ifname_derive("ve-", "my-very-long-container-2", b), 0);
    assert_int_equal(strlen(a), 15);
    assert_int_equal(strlen(b), 15);
    assert_memory_equal(a, "ve-my-ver-", 10);
    assert_string_not_equal(a, b);
    /* same input, same name: stop must find the link addnetwork made */
    char again[KIT_IFNAME_LEN];
    kit_ifname_derive("ve-", "my-very-long-container-1", again);
    assert_string_equal(a, again);
}

static void odd_characters_are_replaced(void **state)
{
    (void)state;
    char name[KIT_IFNAME_LEN];
    assert_int_equal(kit_ifname_derive("ve-", "a.b", name), 0);
    assert_null(strchr(name, '.'));
    assert_memory_equal(name, "ve-a_b-", 7);
    assert_int_equal(kit_ifname_derive("ve-", "", name), -1);
    assert_int_equal(errno, EINVAL);
}

static void cidr_parsing(void **state)
{
    (void)state;
    struct kit_ipv4_net net;
    assert_int_equal(kit_ipv4_parse_cidr("10.88.0.0/16", &net), 0);
    assert_int_equal(net.addr, 0x0a580000u);
    assert_int_equal(net.prefix, 16);
    assert_int_equal(kit_ipv4_parse_cidr("10.88.0.1/16", &net), -1); /* host bits set */
    assert_int_equal(kit_ipv4_parse_cidr("10.88.0.0", &net), -1);
    assert_int_equal(kit_ipv4_parse_cidr("10.88.0.0/33", &net), -1);
    assert_int_equal(kit_ipv4_parse_cidr("10.88.0.0/", &net), -1);
    assert_int_equal(kit_ipv4_parse_cidr("300.0.0.0/8", &net), -1);
}

static void one_slash24_per_container(void **state)
{
    (void)state;
    struct kit_ipv4_net pool, sub;
    char text[32];
    kit_ipv4_parse_cidr("10.88.0.0/16", &pool);
    assert_int_equal(kit_ipv4_subnet24_count(&pool), 256);
    assert_int_equal(kit_ipv4_subnet24(&pool, 3, &sub), 0);
    assert_int_equal(kit_ipv4_host_text(&sub, 0, 1, text, sizeof(text)), 0);
    assert_string_equal(text, "10.88.3.0/24");
    assert_int_equal(kit_ipv4_host_text(&sub, 1, 1, text, sizeof(text)), 0);
    assert_string_equal(text, "10.88.3.1/24");
    assert_int_equal(kit_ipv4_host_text(&sub, 2, 0, text, sizeof(text)), 0);
    assert_string_equal(text, "10.88.3.2");
    assert_int_equal(kit_ipv4_host_text(&sub, 256, 0, text, sizeof(text)), -1);
    assert_int_equal(kit_ipv4_subnet24(&pool, 256, &sub), -1);
    assert_int_equal(errno, ERANGE);
    kit_ipv4_parse_cidr("10.88.0.0/25", &pool);
    assert_int_equal(kit_ipv4_subnet24(&pool, 0, &sub), -1);
    assert_int_equal(errno, EINVAL);
}

static void port_maps(void **state)
{
    (void)state;
    unsigned inner, outer;
    assert_int_equal(kit_parse_port_map("8080-3000", &inner, &outer), 0);
    assert_int_equal(inner, 8080);
    assert_int_equal(outer, 3000);
    const char *bad[] = {"8080", "8080-", "-3000", "0-3000", "8080-65536", "80a-3000",
                         "8080-3000-1", "8080:3000", " 80-3000", "123456-1", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(kit_parse_port_map(bad[i], &inner, &outer), -1);
    assert_int_equal(kit_parse_publish("3000:8080", &inner, &outer), 0);
    assert_int_equal(inner, 8080);
    assert_int_equal(outer, 3000);
    const char *bad_publish[] = {"3000", "3000-8080", ":8080", "3000:0", "127.0.0.1:3000:8080", ""};
    for (size_t i = 0; i < sizeof(bad_publish) / sizeof(bad_publish[0]); i++)
        assert_int_equal(kit_parse_publish(bad_publish[i], &inner, &outer), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(short_names_are_kept),
        cmocka_unit_test(long_names_fit_and_differ),
        cmocka_unit_test(odd_characters_are_replaced),
        cmocka_unit_test(cidr_parsing),
        cmocka_unit_test(one_slash24_per_container),
        cmocka_unit_test(port_maps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
