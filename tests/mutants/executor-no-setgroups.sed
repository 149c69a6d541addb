# invariant: the executor takes COMMAND's supplementary groups, not the
# invariant: supervisor's (setgroups() before the ids).
# file: launcher/emulate.c
# tests: 23-gate-root-guard.sh:t_executor_supplementary_groups
# modes: root
s/if (setgroups(t->n_groups, t->groups) < 0 && .*$/if (0)/
s/if (setgroups(t->n_host_groups, t->host_groups) < 0 \&\& errno != EPERM)/if (0)/
