# invariant: the address is copied once, and the copy that was checked is
# invariant: the one bound: here a second copy is read before the bind.
# file: launcher/notify.c
# tests: 22-gate-guard.sh:t_race_allowed_vs_refused_abstract
# modes: root
# (Two anchors: handle() before and after its split into intake/decision/perform.)
/err = bind(sock, (const struct sockaddr \*)buf,/i\
		process_vm_readv(tid, &(struct iovec){ buf, (size_t)addrlen }, 1, &(struct iovec){ (void *)(uintptr_t)uaddr, (size_t)addrlen }, 1, 0);
/err = bind(sock, (const struct sockaddr \*)c\.buf,/i\
			process_vm_readv(c.tid, &(struct iovec){ c.buf, (size_t)c.addrlen }, 1, &(struct iovec){ (void *)(uintptr_t)req->data.args[1], (size_t)c.addrlen }, 1, 0);
