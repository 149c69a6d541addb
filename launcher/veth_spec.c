// SPDX-License-Identifier: MIT
#include "veth_spec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cleanup.h"

static int bad(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Bit i of an address in network order, counted from the most significant. */
static int addr_bit(const uint8_t *a, unsigned i)
{
	return (a[i / 8] >> (7 - i % 8)) & 1;
}

static bool same_prefix(const uint8_t *a, const uint8_t *b, unsigned prefix)
{
	for (unsigned i = 0; i < prefix; i++)
		if (addr_bit(a, i) != addr_bit(b, i))
			return false;
	return true;
}

/* Every bit after the prefix is bit: the network (0) or broadcast (1) address. */
static bool host_part_is(const uint8_t *a, unsigned bits, unsigned prefix, int bit)
{
	for (unsigned i = prefix; i < bits; i++)
		if (addr_bit(a, i) != bit)
			return false;
	return true;
}

/* Addresses no interface can use: unspecified, loopback, multicast, reserved. */
static bool is_unicast(int family, const uint8_t *a)
{
	static const uint8_t v4_mapped[12] = { [10] = 0xff, [11] = 0xff };
	if (family == AF_INET)
		return a[0] != 0 && a[0] != 127 && a[0] < 224;
	if (a[0] == 0xff)
		return false;
	if (memcmp(a, v4_mapped, sizeof(v4_mapped)) == 0)
		return false;
	for (int i = 0; i < 15; i++)
		if (a[i])
			return true;
	return a[15] > 1; /* :: and ::1 */
}

static int parse_cidr(const char *s, int *family, void *addr, unsigned *prefix, char *err, size_t errlen)
{
	const char *slash = strchr(s, '/');
	if (!slash)
		return bad(err, errlen, "'%s' needs a /PREFIX", s);
	_cleanup_free_ char *a = strndup(s, (size_t)(slash - s));
	if (!a)
		return -ENOMEM;
	unsigned max;
	if (inet_pton(AF_INET, a, addr) == 1) {
		*family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, a, addr) == 1) {
		*family = AF_INET6;
		max = 128;
	} else {
		return bad(err, errlen, "'%s' is not an IPv4 or IPv6 address", a);
	}
	if (!is_unicast(*family, addr))
		return bad(err, errlen, "'%s' is not a unicast address an interface can use", a);
	/*
	 * Digits only (strtoul() also takes white space and signs). A /0 route
	 * on the link would collide with the default route via HOSTADDR.
	 */
	const char *p_s = slash + 1;
	errno = 0;
	unsigned long p = *p_s && p_s[strspn(p_s, "0123456789")] == '\0' ? strtoul(p_s, NULL, 10) : 0;
	if (errno || p < 1 || p > max)
		return bad(err, errlen, "bad prefix length '%s' (1-%u)", p_s, max);
	*prefix = (unsigned)p;
	return 0;
}

/* addr must not be the network or broadcast address of a /prefix around it. */
static int check_host_part(int family, const uint8_t *addr, unsigned prefix, char *err, size_t errlen)
{
	char text[INET6_ADDRSTRLEN];
	unsigned bits = family == AF_INET ? 32 : 128;
	inet_ntop(family, addr, text, sizeof(text));
	/* RFC 3021 and RFC 6164: on /31 and /127 links both addresses are hosts. */
	if (prefix >= bits - 1)
		return 0;
	if (host_part_is(addr, bits, prefix, 0))
		return bad(err, errlen, "%s is the %s address of its /%u subnet", text,
			   family == AF_INET ? "network" : "subnet-router anycast", prefix);
	if (family == AF_INET && host_part_is(addr, bits, prefix, 1))
		return bad(err, errlen, "%s is the broadcast address of its /%u subnet", text, prefix);
	return 0;
}

/*
 * The kernel's dev_valid_name(), plus '%' (rtnetlink would expand "%d" to a
 * free number, and the link could no longer be deleted by its name) and
 * control characters (the name is printed in messages).
 */
static bool ifname_is_valid(const char *n)
{
	if (!*n || strlen(n) >= IFNAMSIZ || strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
		return false;
	for (const unsigned char *c = (const unsigned char *)n; *c; c++)
		if (*c <= ' ' || *c == 0x7f || *c == '/' || *c == ':' || *c == '%')
			return false;
	return true;
}

int veth_spec_parse(const char *text, struct sj_veth_spec *out, char *err, size_t errlen)
{
	struct sj_veth_spec spec = { 0 };
	_cleanup_free_ char *copy = strdup(text);
	int r, fam_h = 0, fam_s = 0;

	if (!copy)
		return -ENOMEM;
	/* strsep(), not strtok(): empty fields ("a,,b", ",a,b", "a,b,") are errors. */
	char *rest = copy;
	char *h = strsep(&rest, ",");
	char *s = rest ? strsep(&rest, ",") : NULL;
	if (!*h || !s || !*s)
		return bad(err, errlen, "expected veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX");
	if ((r = parse_cidr(h, &fam_h, &spec.host, &spec.host_prefix, err, errlen)) < 0)
		return r;
	if ((r = parse_cidr(s, &fam_s, &spec.sandbox, &spec.sandbox_prefix, err, errlen)) < 0)
		return r;
	if (fam_h != fam_s)
		return bad(err, errlen, "both addresses must be IPv4 or both IPv6");
	spec.family = fam_h;

	const uint8_t *ha = (const uint8_t *)&spec.host, *sa = (const uint8_t *)&spec.sandbox;
	size_t alen = fam_h == AF_INET ? 4 : 16;
	if (memcmp(ha, sa, alen) == 0)
		return bad(err, errlen, "the host and sandbox addresses are equal");
	/*
	 * The sandbox's default route goes via HOSTADDR, so HOSTADDR must be on
	 * the sandbox's link, and the host must reach SANDBOXADDR on its own:
	 * each address lies in the other's subnet.
	 */
	unsigned wider = spec.host_prefix > spec.sandbox_prefix ? spec.host_prefix : spec.sandbox_prefix;
	if (!same_prefix(ha, sa, wider))
		return bad(err, errlen, "%s and %s are not on the same subnet", h, s);
	const unsigned prefixes[] = { spec.host_prefix, spec.sandbox_prefix };
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		if ((r = check_host_part(fam_h, ha, prefixes[i], err, errlen)) < 0)
			return r;
		if ((r = check_host_part(fam_h, sa, prefixes[i], err, errlen)) < 0)
			return r;
	}

	for (char *tok; rest && (tok = strsep(&rest, ","));) {
		if (strncmp(tok, "name=", 5) != 0)
			return bad(err, errlen, "unknown option '%s' (name=)", tok);
		const char *n = tok + 5;
		if (!*n || strlen(n) >= IFNAMSIZ)
			return bad(err, errlen, "interface name must be 1-%d bytes", IFNAMSIZ - 1);
		if (!ifname_is_valid(n))
			return bad(err, errlen, "'%s' is not a valid interface name", n);
		snprintf(spec.name, sizeof(spec.name), "%s", n);
	}
	*out = spec;
	return 0;
}

bool veth_spec_overlaps(const struct sj_veth_spec *spec, int family, const void *addr, unsigned prefix)
{
	/* Two prefixes overlap when the shorter one contains the longer one's start. */
	unsigned shorter = prefix < spec->host_prefix ? prefix : spec->host_prefix;
	return family == spec->family && same_prefix(addr, (const uint8_t *)&spec->host, shorter);
}
