// SPDX-License-Identifier: MIT
/*
 * --net veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX[,name=IFNAME]: every form
 * the parser accepts, and the exact message for each form it refuses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "cleanup.h"
#include "veth_spec.h"

static void assert_v4(const struct in_addr *a, const char *text)
{
	struct in_addr want;
	assert_int_equal(inet_pton(AF_INET, text, &want), 1);
	assert_memory_equal(a, &want, sizeof(want));
}

static void assert_v6(const struct in6_addr *a, const char *text)
{
	struct in6_addr want;
	assert_int_equal(inet_pton(AF_INET6, text, &want), 1);
	assert_memory_equal(a, &want, sizeof(want));
}

static struct sj_veth_spec parse_ok(const char *text)
{
	struct sj_veth_spec spec;
	char err[256] = "";
	int r = veth_spec_parse(text, &spec, err, sizeof(err));
	if (r != 0)
		fail_msg("'%s' refused: %s", text, err);
	return spec;
}

/* Refused with exactly this message, and the output left untouched. */
static void assert_refused(const char *text, const char *message)
{
	struct sj_veth_spec spec, before;
	char err[256] = "";
	memset(&spec, 0xa5, sizeof(spec));
	before = spec;
	int r = veth_spec_parse(text, &spec, err, sizeof(err));
	if (r != -EINVAL)
		fail_msg("'%s' gave %d, expected -EINVAL", text, r);
	assert_string_equal(err, message);
	assert_memory_equal(&spec, &before, sizeof(spec));
}

static void test_ipv4(void **state)
{
	(void)state;
	struct sj_veth_spec s = parse_ok("10.0.0.1/24,10.0.0.2/24");
	assert_int_equal(s.family, AF_INET);
	assert_v4(&s.host.v4, "10.0.0.1");
	assert_v4(&s.sandbox.v4, "10.0.0.2");
	assert_int_equal(s.host_prefix, 24);
	assert_int_equal(s.sandbox_prefix, 24);
	assert_string_equal(s.name, "");

	s = parse_ok("192.168.7.254/30,192.168.7.253/30");
	assert_v4(&s.host.v4, "192.168.7.254");
	assert_v4(&s.sandbox.v4, "192.168.7.253");
	assert_int_equal(s.host_prefix, 30);

	/* Different prefixes, each address inside the other's subnet. */
	s = parse_ok("10.1.0.1/16,10.1.0.2/24");
	assert_int_equal(s.host_prefix, 16);
	assert_int_equal(s.sandbox_prefix, 24);
	parse_ok("10.1.0.1/24,10.1.0.2/16");
	parse_ok("100.0.0.1/1,10.0.0.1/1");
}

/* RFC 3021: on a /31 neither address is a network or broadcast address. */
static void test_ipv4_point_to_point(void **state)
{
	(void)state;
	struct sj_veth_spec s = parse_ok("10.0.0.0/31,10.0.0.1/31");
	assert_v4(&s.host.v4, "10.0.0.0");
	assert_v4(&s.sandbox.v4, "10.0.0.1");
	assert_int_equal(s.host_prefix, 31);
	parse_ok("10.0.0.255/31,10.0.0.254/31");
}

static void test_ipv6(void **state)
{
	(void)state;
	struct sj_veth_spec s = parse_ok("fd00:5::1/64,fd00:5::2/64");
	assert_int_equal(s.family, AF_INET6);
	assert_v6(&s.host.v6, "fd00:5::1");
	assert_v6(&s.sandbox.v6, "fd00:5::2");
	assert_int_equal(s.host_prefix, 64);
	assert_int_equal(s.sandbox_prefix, 64);
	assert_string_equal(s.name, "");

	s = parse_ok("FE80::A/64,fe80::b/64");
	assert_v6(&s.host.v6, "fe80::a");
	/* RFC 6164: /127 links use both addresses, the all-zero one included. */
	s = parse_ok("2001:db8::/127,2001:db8::1/127");
	assert_int_equal(s.sandbox_prefix, 127);
	parse_ok("2001:db8:1:2::1/48,2001:db8:1:2::2/64");
}

static void test_name(void **state)
{
	(void)state;
	struct sj_veth_spec s = parse_ok("10.0.0.1/24,10.0.0.2/24,name=sj-web");
	assert_string_equal(s.name, "sj-web");
	s = parse_ok("fd00::1/64,fd00::2/64,name=abcdefghijklmno"); /* 15 bytes */
	assert_string_equal(s.name, "abcdefghijklmno");
	s = parse_ok("10.0.0.1/24,10.0.0.2/24,name=a,name=veth.b_c-1");
	assert_string_equal(s.name, "veth.b_c-1");
}

static void test_shape(void **state)
{
	(void)state;
	static const char *const forms[] = {
		"", ",", "10.0.0.1/24", "10.0.0.1/24,", ",10.0.0.2/24", ",,10.0.0.2/24",
		"10.0.0.1/24,,10.0.0.2/24",
	};
	for (size_t i = 0; i < ARRAY_SIZE(forms); i++)
		assert_refused(forms[i], "expected veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX");
	assert_refused("10.0.0.1/24,10.0.0.2/24,10.0.0.3/24", "unknown option '10.0.0.3/24' (name=)");
	assert_refused("10.0.0.1/24,10.0.0.2/24,", "unknown option '' (name=)");
	assert_refused("10.0.0.1/24,10.0.0.2/24,,name=x", "unknown option '' (name=)");
	assert_refused("10.0.0.1/24,10.0.0.2/24,nam=x", "unknown option 'nam=x' (name=)");
	assert_refused("10.0.0.1/24,10.0.0.2/24,NAME=x", "unknown option 'NAME=x' (name=)");
	assert_refused("name=x,10.0.0.1/24,10.0.0.2/24", "'name=x' needs a /PREFIX");
}

static void test_missing_prefix(void **state)
{
	(void)state;
	assert_refused("10.0.0.1,10.0.0.2/24", "'10.0.0.1' needs a /PREFIX");
	assert_refused("10.0.0.1/24,10.0.0.2", "'10.0.0.2' needs a /PREFIX");
	assert_refused("fd00::1,fd00::2", "'fd00::1' needs a /PREFIX");
}

static void test_prefix_out_of_range(void **state)
{
	(void)state;
	assert_refused("10.0.0.1/33,10.0.0.2/24", "bad prefix length '33' (1-32)");
	assert_refused("10.0.0.1/24,10.0.0.2/0", "bad prefix length '0' (1-32)");
	assert_refused("10.0.0.1/,10.0.0.2/24", "bad prefix length '' (1-32)");
	assert_refused("10.0.0.1/-1,10.0.0.2/24", "bad prefix length '-1' (1-32)");
	assert_refused("10.0.0.1/+24,10.0.0.2/24", "bad prefix length '+24' (1-32)");
	assert_refused("10.0.0.1/ 24,10.0.0.2/24", "bad prefix length ' 24' (1-32)");
	assert_refused("10.0.0.1/24x,10.0.0.2/24", "bad prefix length '24x' (1-32)");
	assert_refused("10.0.0.1/0x18,10.0.0.2/24", "bad prefix length '0x18' (1-32)");
	assert_refused("10.0.0.1/24/8,10.0.0.2/24", "bad prefix length '24/8' (1-32)");
	assert_refused("10.0.0.1/4294967320,10.0.0.2/24", "bad prefix length '4294967320' (1-32)");
	assert_refused("10.0.0.1/99999999999999999999999,10.0.0.2/24",
		       "bad prefix length '99999999999999999999999' (1-32)");
	assert_refused("fd00::1/129,fd00::2/64", "bad prefix length '129' (1-128)");
	assert_refused("fd00::1/64,fd00::2/0", "bad prefix length '0' (1-128)");
	/* The largest prefix parses; a lone address is then on a subnet of its own. */
	assert_refused("10.0.0.1/32,10.0.0.2/32", "10.0.0.1/32 and 10.0.0.2/32 are not on the same subnet");
	assert_refused("fd00::1/128,fd00::2/128", "fd00::1/128 and fd00::2/128 are not on the same subnet");
}

static void test_bad_address(void **state)
{
	(void)state;
	assert_refused("10.0.0/24,10.0.0.2/24", "'10.0.0' is not an IPv4 or IPv6 address");
	assert_refused("10.0.0.256/24,10.0.0.2/24", "'10.0.0.256' is not an IPv4 or IPv6 address");
	assert_refused("10.0.0.1/24,1.2.3.4.5/24", "'1.2.3.4.5' is not an IPv4 or IPv6 address");
	assert_refused("localhost/8,10.0.0.2/24", "'localhost' is not an IPv4 or IPv6 address");
	assert_refused("/24,10.0.0.2/24", "'' is not an IPv4 or IPv6 address");
	assert_refused("[fd00::1]/64,fd00::2/64", "'[fd00::1]' is not an IPv4 or IPv6 address");
	assert_refused("fd00::1%eth0/64,fd00::2/64", "'fd00::1%eth0' is not an IPv4 or IPv6 address");
	assert_refused("fd00:::1/64,fd00::2/64", "'fd00:::1' is not an IPv4 or IPv6 address");
}

static void test_not_unicast(void **state)
{
	(void)state;
	assert_refused("0.0.0.0/8,0.0.0.1/8", "'0.0.0.0' is not a unicast address an interface can use");
	assert_refused("127.0.0.1/8,127.0.0.2/8", "'127.0.0.1' is not a unicast address an interface can use");
	assert_refused("10.0.0.1/4,224.0.0.1/4", "'224.0.0.1' is not a unicast address an interface can use");
	assert_refused("240.0.0.1/24,240.0.0.2/24", "'240.0.0.1' is not a unicast address an interface can use");
	assert_refused("255.255.255.255/24,10.0.0.2/24",
		       "'255.255.255.255' is not a unicast address an interface can use");
	assert_refused("::/64,fd00::2/64", "'::' is not a unicast address an interface can use");
	assert_refused("::1/127,::/127", "'::1' is not a unicast address an interface can use");
	assert_refused("ff02::1/64,ff02::2/64", "'ff02::1' is not a unicast address an interface can use");
	assert_refused("::ffff:10.0.0.1/120,::ffff:10.0.0.2/120",
		       "'::ffff:10.0.0.1' is not a unicast address an interface can use");
}

static void test_mixed_families(void **state)
{
	(void)state;
	assert_refused("10.0.0.1/24,fd00::2/64", "both addresses must be IPv4 or both IPv6");
	assert_refused("fd00::1/64,10.0.0.2/24", "both addresses must be IPv4 or both IPv6");
}

static void test_equal_addresses(void **state)
{
	(void)state;
	assert_refused("10.0.0.1/24,10.0.0.1/24", "the host and sandbox addresses are equal");
	assert_refused("10.0.0.1/24,10.0.0.1/16", "the host and sandbox addresses are equal");
	/* Equal however they are spelt. */
	assert_refused("fd00::1/64,FD00:0:0::0001/64", "the host and sandbox addresses are equal");
}

static void test_not_same_subnet(void **state)
{
	(void)state;
	assert_refused("10.0.0.1/24,10.0.1.2/24", "10.0.0.1/24 and 10.0.1.2/24 are not on the same subnet");
	assert_refused("10.0.0.1/30,10.0.0.5/30", "10.0.0.1/30 and 10.0.0.5/30 are not on the same subnet");
	/* The sandbox's /24 would not contain HOSTADDR: no route to the gateway. */
	assert_refused("10.0.1.1/16,10.0.0.2/24", "10.0.1.1/16 and 10.0.0.2/24 are not on the same subnet");
	/* The host's /25 would not contain SANDBOXADDR. */
	assert_refused("10.0.0.1/25,10.0.0.200/24", "10.0.0.1/25 and 10.0.0.200/24 are not on the same subnet");
	assert_refused("2001:db8:1::1/48,2001:db8:1:2::2/64",
		       "2001:db8:1::1/48 and 2001:db8:1:2::2/64 are not on the same subnet");
	assert_refused("fd00:1::1/64,fd00:2::2/64", "fd00:1::1/64 and fd00:2::2/64 are not on the same subnet");
	assert_refused("128.0.0.1/1,10.0.0.1/1", "128.0.0.1/1 and 10.0.0.1/1 are not on the same subnet");
}

static void test_network_and_broadcast(void **state)
{
	(void)state;
	assert_refused("10.0.0.0/24,10.0.0.1/24", "10.0.0.0 is the network address of its /24 subnet");
	assert_refused("10.0.0.1/24,10.0.0.0/24", "10.0.0.0 is the network address of its /24 subnet");
	assert_refused("10.0.0.255/24,10.0.0.1/24", "10.0.0.255 is the broadcast address of its /24 subnet");
	assert_refused("10.0.0.1/24,10.0.0.255/24", "10.0.0.255 is the broadcast address of its /24 subnet");
	assert_refused("10.0.0.4/30,10.0.0.5/30", "10.0.0.4 is the network address of its /30 subnet");
	assert_refused("10.0.0.6/30,10.0.0.7/30", "10.0.0.7 is the broadcast address of its /30 subnet");
	/* With two prefixes, either one's network and broadcast addresses count. */
	assert_refused("10.0.0.255/16,10.0.0.1/24", "10.0.0.255 is the broadcast address of its /24 subnet");
	assert_refused("10.0.0.1/24,10.0.0.0/16", "10.0.0.0 is the network address of its /24 subnet");
	assert_refused("10.0.255.255/16,10.0.255.1/24", "10.0.255.255 is the broadcast address of its /16 subnet");
	assert_refused("fd00::/64,fd00::1/64", "fd00:: is the subnet-router anycast address of its /64 subnet");
	/* IPv6 has no broadcast address. */
	parse_ok("fd00::ffff:ffff:ffff:ffff/64,fd00::1/64");
}

static void test_bad_names(void **state)
{
	(void)state;
	assert_refused("10.0.0.1/24,10.0.0.2/24,name=", "interface name must be 1-15 bytes");
	assert_refused("10.0.0.1/24,10.0.0.2/24,name=abcdefghijklmnop", "interface name must be 1-15 bytes");
	static const char *const names[] = { ".", "..", "a/b", "a:0", "a b", "a\tb", "a\nb", "a\x01", "a\x7f",
					     "sj%d", "\xff" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char text[64], message[64];
		snprintf(text, sizeof(text), "10.0.0.1/24,10.0.0.2/24,name=%s", names[i]);
		snprintf(message, sizeof(message), "'%s' is not a valid interface name", names[i]);
		if (strcmp(names[i], "\xff") == 0) {
			/* The kernel takes non-ASCII bytes in names; so does sockjail. */
			assert_string_equal(parse_ok(text).name, "\xff");
			continue;
		}
		assert_refused(text, message);
	}
}

/* Library-style: no message buffer is fine, the result is the same. */
static void test_no_err_buffer(void **state)
{
	(void)state;
	struct sj_veth_spec s;
	assert_int_equal(veth_spec_parse("10.0.0.1/24,10.0.1.2/24", &s, NULL, 0), -EINVAL);
	assert_int_equal(veth_spec_parse("10.0.0.1/24,10.0.0.2/24", &s, NULL, 0), 0);
	/* A message longer than the buffer is cut, not overflowed. */
	char err[8];
	assert_int_equal(veth_spec_parse("10.0.0.1/24", &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "expecte");
}

/* A host address ADDR/PREFIX against the spec's HOSTADDR/PREFIX subnet. */
static bool overlaps(const char *spec_text, const char *addr, unsigned prefix)
{
	struct sj_veth_spec spec;
	char err[256];
	unsigned char buf[16];
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(veth_spec_parse(spec_text, &spec, err, sizeof(err)), 0);
	assert_int_equal(inet_pton(family, addr, buf), 1);
	return veth_spec_overlaps(&spec, family, buf, prefix);
}

static void test_overlaps(void **state)
{
	(void)state;
	assert_true(overlaps("169.254.5.1/30,169.254.5.2/30", "169.254.5.1", 30));  /* the same /30 */
	assert_true(overlaps("169.254.5.1/30,169.254.5.2/30", "169.254.5.5", 29));  /* a /29 around it */
	assert_false(overlaps("169.254.5.1/30,169.254.5.2/30", "169.254.5.5", 30)); /* the next /30 */
	assert_true(overlaps("169.254.5.1/30,169.254.5.2/30", "169.254.5.3", 32));  /* a /32 inside */
	assert_true(overlaps("169.254.5.1/30,169.254.5.2/30", "169.254.0.1", 16));  /* a shorter prefix */
	assert_false(overlaps("169.254.5.1/30,169.254.5.2/30", "fd5a::1", 64));     /* another family */
	assert_true(overlaps("fd5a::1/64,fd5a::2/64", "fd5a::1:1", 112));
	assert_false(overlaps("fd5a::1/64,fd5a::2/64", "fd5b::1", 64));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv4_point_to_point),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_missing_prefix),
		cmocka_unit_test(test_prefix_out_of_range),
		cmocka_unit_test(test_bad_address),
		cmocka_unit_test(test_not_unicast),
		cmocka_unit_test(test_mixed_families),
		cmocka_unit_test(test_equal_addresses),
		cmocka_unit_test(test_not_same_subnet),
		cmocka_unit_test(test_network_and_broadcast),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_no_err_buffer),
		cmocka_unit_test(test_overlaps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
