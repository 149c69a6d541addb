# invariant: after copying the address out of the target, the supervisor
# invariant: checks SECCOMP_IOCTL_NOTIF_ID_VALID again: the target may have
# invariant: died (its tid reused) and then nothing may be done for it.
# file: launcher/notify.c
# tests: 22-gate-guard.sh:t_fault_target_killed_after_copy
# modes: root
/recycled tid/{n;s/if (!id_valid(n, [^)]*))/if (0)/}
