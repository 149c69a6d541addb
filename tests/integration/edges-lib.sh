# Shared by 21-gate-root.sh, 22-gate-edges.sh and 23-gate-edges-root.sh (after gate-lib.sh).

# Every helper result line in $out, ';'-separated.
results() { printf '%s\n' "$out" | grep -E '^(OK|ERR|SETUP) ' | tr '\n' ';'; }

# sockjail's stderr is a socket (journald, say): run "$@" with stderr one
# end of a socketpair whose other end is copied to our stderr; exits with
# the child's status (128+N for a signal). The child's stdout is ours.
stderr_socket_wrapper() {
	cat >"$SJ_TMP/stderr-socket.py" <<'EOF'
import os, socket, subprocess, sys
a, b = socket.socketpair()
p = subprocess.Popen(sys.argv[1:], stderr=a.fileno())
a.close()
while True:
    data = b.recv(65536)
    if not data:
        break
    os.write(2, data)
rc = p.wait()
sys.exit(128 - rc if rc < 0 else rc)
EOF
	cat >"$SJ_TMP/sockjail-stderr-socket" <<EOF
#!/bin/sh
exec $PY "$SJ_TMP/stderr-socket.py" "$SOCKJAIL" "\$@"
EOF
	chmod 755 "$SJ_TMP/sockjail-stderr-socket"
}

# A FUSE mount whose server never answers (FUSE_INIT unread): every lookup
# below it waits. Sets fuse_mnt; the holder is killed at exit.
fuse_stuck_mount() {
	fuse_mnt=$SJ_TMP/fuse
	mkdir -p "$fuse_mnt"
	$PY -c 'import ctypes, os, sys, time
fd = os.open("/dev/fuse", os.O_RDWR)
libc = ctypes.CDLL(None, use_errno=True)
opts = "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other" % fd
if libc.mount(b"sjt", sys.argv[1].encode(), b"fuse", 0, opts.encode()) != 0:
    print("mount:", os.strerror(ctypes.get_errno()))
    sys.exit(1)
open(sys.argv[2], "w").close()
time.sleep(300)' "$fuse_mnt" "$SJ_TMP/fuse-ready" >"$SJ_TMP/fuse.out" 2>&1 &
	fuse_holder=$!
	trap 'kill -KILL $fuse_holder 2>/dev/null; umount -l "$fuse_mnt" 2>/dev/null; sj_bg_cleanup' EXIT
	local i
	for i in $(seq 100); do
		[ -e "$SJ_TMP/fuse-ready" ] || ! kill -0 "$fuse_holder" 2>/dev/null && break
		sleep 0.1
	done
	[ -e "$SJ_TMP/fuse-ready" ] || skip "cannot mount FUSE here: $(cat "$SJ_TMP/fuse.out")"
}

fuse_release() {
	kill -KILL "$fuse_holder" 2>/dev/null
	wait "$fuse_holder" 2>/dev/null
	umount -l "$fuse_mnt" 2>/dev/null
}

# The state and start time of pid ("S 12345"), from after the ")" that ends
# its name (a name may hold spaces); empty once it is gone.
proc_state_start() {
	awk '{ sub(/^.*\) /, ""); print $1, $20 }' "/proc/$1/stat" 2>/dev/null
}

# "pid:starttime" of pid and all its descendants (host view). A process that
# exits while the tree is read is left out: recorded without its start time,
# it would have matched the missing process for ever after (any_alive), and
# the sandbox's "sleep 0.05" loops exit all the time.
process_tree() {
	local p c st
	for p in "$@"; do
		st=$(proc_state_start "$p")
		[ -n "$st" ] || continue
		echo "$p:${st#* }"
		for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do
			process_tree "$c"
		done
	done
}

# Is any process of a process_tree list still the same process (and not a zombie)?
any_alive() {
	local e st
	for e in $1; do
		st=$(proc_state_start "${e%%:*}")
		[ -n "${e#*:}" ] && [ -n "$st" ] && [ "${st%% *}" != Z ] && [ "${st#* }" = "${e#*:}" ] && return 0
	done
	return 1
}

# Wait (10 s at most) until no process of a process_tree list is left.
wait_all_gone() {
	local i
	for i in $(seq 100); do
		any_alive "$1" || return 0
		sleep 0.1
	done
	return 1
}

# Wait until sockjail (pid $1) has an executor that took uid 65534 (a
# process named sockjail-exec under it, running as 65534); sets tree.
# Only sockjail-exec: COMMAND's process, between its id change and its
# execve(), is a "sockjail" running as 65534 too, and a tree read then
# holds no executor at all.
wait_executor() {
	local i e
	for i in $(seq 300); do
		tree=$(process_tree "$1")
		for e in $tree; do
			[ "$(awk '/^Uid:/ { print $2 }' "/proc/${e%%:*}/status" 2>/dev/null)" = 65534 ] &&
				[ "$(cat "/proc/${e%%:*}/comm" 2>/dev/null)" = sockjail-exec ] && return 0
		done
		sleep 0.1
	done
	fail "no executor running as uid 65534 appeared: $(cat "$SJ_TMP/out")"
}

