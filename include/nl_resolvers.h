/* SPDX-License-Identifier: MIT */
/*
 * What libnl's name-resolving helpers call, for the static link.
 *
 * libnl-3's addr.o and utils.o hold nl_addr_info(), nl_addr_resolve(),
 * nl_str2ip_proto() and nl_ip_proto2str() next to the functions sockjail
 * needs (nl_addr_alloc(), nl_debug...), and an archive member comes whole.
 * Those four call getaddrinfo(), getnameinfo(), getprotobyname() and
 * getprotobynumber(), which in a static glibc bring in NSS (and the link
 * warning that it needs the build's glibc at run time). sockjail calls
 * none of the four. The static link (Makefile, STATIC=1) sends libnl's
 * calls here with ld --wrap, and libc's resolvers stay out of the binary:
 * should libnl ever call them, a name is not found (EAI_FAIL, NULL), and
 * libnl falls back to numbers.
 */
#pragma once

#include <netdb.h>
#include <sys/socket.h>

int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res);
int __wrap_getnameinfo(const struct sockaddr *addr, socklen_t addrlen, char *host, socklen_t hostlen, char *serv,
		       socklen_t servlen, int flags);
struct protoent *__wrap_getprotobyname(const char *name);
struct protoent *__wrap_getprotobynumber(int proto);
