# invariant: a socket the executor binds gets COMMAND's umask, not the
# invariant: zygote's (here: umask() is never called).
# file: launcher/executor.c
# tests: 20-gate.sh:t_pathname_bind_exact
# modes: root
s/if (t->umask != zy_self.umask)$/if (0)/
