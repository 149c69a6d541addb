# invariant: a bridged connect() is made with COMMAND's ids, groups and
# invariant: capabilities (the server's SO_PEERCRED sees COMMAND's uid), never
# invariant: with the supervisor's: here the executor skips become_target().
# file: launcher/executor.c
# tests: 85-bridge.sh:t_bridge_reaches_service_as_command
# modes: root
/if (j->r.connect) {/,/res.err = connect(/{s/if ((r = become_target(t, own_userns)) < 0)$/if (0 \&\& (r = become_target(t, own_userns)) < 0)/}
