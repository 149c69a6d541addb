# invariant: a bind whose target was gone before the supervisor could read
# invariant: it is dropped as if it had never gone to the zygote: no audit
# invariant: record of a bind nobody made (here: it is finished like any
# invariant: other, and recorded with the executor's refusal).
# file: launcher/notify_perform.c
# tests: 22-gate-guard.sh:t_fault_target_gone_after_its_request
# modes: root
s/^\tif (p->target_err) {$/\tif (0) {/
