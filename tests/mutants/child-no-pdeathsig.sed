# invariant: the sandbox dies with its supervisor, however that is killed
# invariant: (PR_SET_PDEATHSIG in the sandbox's first process).
# file: launcher/child.c
# tests: 20-gate.sh:t_supervisor_killed_fails_closed
# modes: root
/The sandbox dies with sockjail, whatever kills it/{n;s/if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)/if (0)/}
