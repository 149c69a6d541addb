# invariant: the socket's family comes from the socket (SO_DOMAIN), never
# invariant: from the address in memory, which the sandbox writes.
# file: launcher/notify.c
# tests: 20-gate.sh:t_race_dup2_unix_over_inet
# modes: root
# (Two anchors: handle() before and after its split into intake/decision/perform.)
s/= sockaddr_classify(domain, /= sockaddr_classify(addrlen >= 2 ? ((const struct sockaddr *)buf)->sa_family : domain, /
s/= sockaddr_classify(c->domain, /= sockaddr_classify(c->addrlen >= 2 ? ((const struct sockaddr *)c->buf)->sa_family : c->domain, /
