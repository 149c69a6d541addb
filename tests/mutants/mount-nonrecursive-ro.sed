# invariant: a read-only bind is read-only recursively: a mount beneath its
# invariant: source (a tmpfs, a host submount) is read-only inside too.
# file: launcher/mount_apply.c
# tests: 13-readonly.sh:t_ro_bind_recursive 13-readonly.sh:t_run_socket_dir_recursive
# modes: root
s/make_readonly(o->dst, true)/make_readonly(o->dst, false)/
