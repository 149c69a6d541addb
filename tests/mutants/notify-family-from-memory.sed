# invariant: the socket's family comes from the socket (SO_DOMAIN), never
# invariant: from the address in memory, which the sandbox writes.
# file: launcher/notify.c
# tests: 20-gate.sh:t_race_dup2_unix_over_inet
# modes: root
/= sockaddr_classify(domain/i\
	if (addrlen >= 2) domain = ((const struct sockaddr *)buf)->sa_family;
