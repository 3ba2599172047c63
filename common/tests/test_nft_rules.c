/* Unit tests for the text of a container's nftables table (nft_rules.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "kit/nft.h"

static struct kit_nft_container base(void)
{
    struct kit_nft_container c = {
        .table = "kit_ve-web",
        .host_if = "ve-web",
        .subnet = "10.88.1.0/24",
        .address = "10.88.1.2",
        .uplink = "eth0",
    };
    return c;
}

static void isolated_by_default(void **state)
{
    (void)state;
    char buf[4096];
    struct kit_nft_container c = base();
    assert_int_equal(kit_nft_container_script(&c, buf, sizeof(buf)), 0);
    assert_non_null(strstr(buf, "create table ip kit_ve-web\n"));
    assert_non_null(strstr(buf, "iifname \"ve-web\" drop"));
    assert_non_null(strstr(buf, "oifname \"ve-web\" drop"));
    assert_null(strstr(buf, "masquerade"));
    assert_null(strstr(buf, "dnat to"));
    assert_null(strstr(buf, "oifname \"ve-web\" ct status dnat")); /* nothing forwarded in */
    assert_null(strstr(buf, "eth0"));
    /* peers are accepted before the drops */
    assert_true(strstr(buf, "oifname @peers accept") < strstr(buf, "drop"));
}

static void internet_adds_masquerade(void **state)
{
    (void)state;
    char buf[4096];
    struct kit_nft_container c = base();
    c.internet = true;
    assert_int_equal(kit_nft_container_script(&c, buf, sizeof(buf)), 0);
    assert_non_null(strstr(buf, "ip saddr 10.88.1.0/24 oifname \"eth0\" masquerade"));
    assert_non_null(strstr(buf, "iifname \"ve-web\" oifname \"eth0\" accept"));
    assert_true(strstr(buf, "oifname \"eth0\" accept") < strstr(buf, "iifname \"ve-web\" drop"));
}

static void ports_dnat_in_prerouting_and_output(void **state)
{
    (void)state;
    char buf[4096];
    struct kit_nft_container c = base();
    c.nports = 2;
    c.ports[0] = (struct kit_nft_port){8080, 3000};
    c.ports[1] = (struct kit_nft_port){22, 2222};
    assert_int_equal(kit_nft_container_script(&c, buf, sizeof(buf)), 0);
    const char *pre = strstr(buf, "hook prerouting");
    const char *out = strstr(buf, "hook output");
    assert_non_null(pre);
    assert_non_null(out);
    const char *rule = "fib daddr type local tcp dport 3000 dnat to 10.88.1.2:8080";
    assert_true(strstr(pre, rule) != NULL && strstr(pre, rule) < out);
    assert_non_null(strstr(out, rule));
    assert_non_null(strstr(out, "tcp dport 2222 dnat to 10.88.1.2:22"));
    assert_non_null(strstr(buf, "ip saddr 127.0.0.0/8 oifname \"ve-web\" masquerade"));
}

static void bad_input_is_refused(void **state)
{
    (void)state;
    char buf[4096];
    struct kit_nft_container c = base();
    c.host_if = "ve\"; flush ruleset";
    assert_int_equal(kit_nft_container_script(&c, buf, sizeof(buf)), -1);
    assert_int_equal(errno, EINVAL);
    c = base();
    c.internet = true;
    c.uplink = NULL;
    assert_int_equal(kit_nft_container_script(&c, buf, sizeof(buf)), -1);
    c = base();
    c.nports = 1;
    c.ports[0] = (struct kit_nft_port){0, 3000};
    assert_int_equal(kit_nft_container_script(&c, buf, sizeof(buf)), -1);
    c = base();
    assert_int_equal(kit_nft_container_script(&c, buf, 40), -1);
    assert_int_equal(errno, ENOSPC);
}

static void peer_scripts(void **state)
{
    (void)state;
    char buf[256], table[64];
    assert_int_equal(kit_nft_table_name("ve-web", table, sizeof(table)), 0);
    assert_string_equal(table, "kit_ve-web");
    assert_int_equal(kit_nft_peer_script(table, "ve-db", true, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "add element ip kit_ve-web peers { \"ve-db\" }\n");
    assert_int_equal(kit_nft_peer_script(table, "ve-db", false, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "delete element ip kit_ve-web peers { \"ve-db\" }\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(isolated_by_default),
        cmocka_unit_test(internet_adds_masquerade),
        cmocka_unit_test(ports_dnat_in_prerouting_and_output),
        cmocka_unit_test(bad_input_is_refused),
        cmocka_unit_test(peer_scripts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
