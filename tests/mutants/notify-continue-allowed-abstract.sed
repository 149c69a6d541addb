# invariant: the supervisor binds an allowed abstract name itself, on its
# invariant: one copy of the address; never CONTINUE, which lets the kernel
# invariant: read the memory again (a thread may have changed it since).
# file: launcher/notify.c
# tests: 22-gate-guard.sh:t_race_allowed_vs_refused_abstract
# modes: root
# (Two anchors: handle() before and after its split into intake/decision/perform.)
/err = bind(sock, (const struct sockaddr \*)buf,/i\
		if (strcmp(p.ev.kind, "abstract") == 0) { record(n, &p.ev); respond_continue(n, id); return 0; }
/err = bind(sock, (const struct sockaddr \*)c\.buf,/i\
			if (strcmp(p.ev.kind, "abstract") == 0) { record(n, &p.ev); respond_continue(n, c.id); return 0; }
