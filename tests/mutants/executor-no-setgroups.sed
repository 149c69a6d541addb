# invariant: the executor takes COMMAND's supplementary groups, not the
# invariant: supervisor's (setgroups() before the ids; here it is only said
# invariant: to be done, which also skips the second one).
# file: launcher/executor.c
# tests: 23-gate-root-guard.sh:t_executor_supplementary_groups
# modes: root
s/t->groups_set = setgroups(t->n_host_groups, t->host_groups) == 0;/t->groups_set = true;/
