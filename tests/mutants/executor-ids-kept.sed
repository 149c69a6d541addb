# invariant: the executor takes COMMAND's uid and gid; a step it leaves
# invariant: out must be one that would change nothing (here: the ids are
# invariant: always taken to be the zygote's own, so it binds as root).
# file: launcher/executor.c
# tests: 21-gate-root.sh:t_pathname_as_other_uid 21-gate-root.sh:t_privileged_port_other_uid
# modes: root
s/return memcmp(t->uid, zy_self.uid, sizeof(t->uid)) == 0 \&\& memcmp(t->gid, zy_self.gid, sizeof(t->gid)) == 0;/return true;/
