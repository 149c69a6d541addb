# invariant: no answer is ever SECCOMP_USER_NOTIF_FLAG_CONTINUE for bind():
# invariant: with it every bind goes ahead as the sandbox asked, refused or not.
# file: launcher/notify.c
# tests: 20-gate.sh:t_abstract_bind_explicit
# modes: root
s|n->resp->flags = 0;.*SECCOMP_USER_NOTIF_FLAG_CONTINUE.*|n->resp->error = 0; n->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;|
