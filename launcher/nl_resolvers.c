// SPDX-License-Identifier: MIT
/* libnl's resolver calls in the static build: no name is found (see nl_resolvers.h). */
#include "nl_resolvers.h"

#include <errno.h>
#include <stddef.h>

int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
	return EAI_FAIL;
}

int __wrap_getnameinfo(const struct sockaddr *addr, socklen_t addrlen, char *host, socklen_t hostlen, char *serv,
		       socklen_t servlen, int flags)
{
	return EAI_FAIL;
}

struct protoent *__wrap_getprotobyname(const char *name)
{
	errno = ENOENT;
	return NULL;
}

struct protoent *__wrap_getprotobynumber(int proto)
{
	errno = ENOENT;
	return NULL;
}
