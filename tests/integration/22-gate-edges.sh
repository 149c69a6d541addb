# The edges around the gate (issue 11, design.md "Round 2: the edges"):
# the executor decides on what the sandbox cannot substitute and takes on
# every part of the target's identity or refuses; the program's own
# Landlock rules apply to binds sockjail makes; the supervisor keeps
# answering with stuck executors, a closed stderr and many run-dirs;
# terminal injection is refused. Every attack has its control: the same
# program without sockjail (or without the attack) succeeds.
SJ_MODES="root user nested"

. "$SJ_TESTDIR/gate-lib.sh"
. "$SJ_TESTDIR/edges-lib.sh"

# --- the executor's view ----------------------------------------------------

# COMMAND makes its own user+mount namespace, builds /run/<run-dir> in a
# directory it owns and chroots there: the run-dir it names is a fake. The
# executor decides on the run-dirs' inodes, so the bind is refused and no
# socket lands outside the run-dirs.
t_run_dirs_chroot_escape() {
	require_helpers nsbind bindun
	# sockjail makes the run-dir (owned by the sandbox's uid); the fake one is the program's.
	local rd=$SJ_RUNTMP/rd fake=$SJ_TMP/fake
	mkdir -p "$fake$rd"
	local as=()
	is_root_mode && { chown -R 65534:65534 "$fake"; chmod 755 "$SJ_TMP"; as=(--uid 65534 --gid 65534); }
	# Control: the program works outside, and the fake socket lands in its tree.
	if is_root_mode; then
		run setpriv --reuid=65534 --regid=65534 --clear-groups "$H/nsbind" -r "$fake" "$rd/a.sock"
	else
		run "$H/nsbind" -r "$fake" "$rd/a.sock"
	fi
	expect_eq "$(result)" "OK bound $rd/a.sock" "control: chrooted bind outside sockjail"
	[ -S "$fake$rd/a.sock" ] || fail "control: no socket in the fake tree"
	rm -f "$fake$rd/a.sock"
	# The attack.
	run sj "${as[@]}" --run-dir "$rd" --pathname-bind run-dirs -- "$H/nsbind" -r "$fake" "$rd/a.sock"
	if [ "$SJ_MODE" = nested ] && [ "$(result)" = "SETUP write /proc/self/uid_map EPERM" ]; then
		# COMMAND is uid 0 of a namespace mapping only 0, without CAP_SETFCAP:
		# the kernel lets it map nothing (verify_root_map), so it cannot
		# become anyone the executor could act for. Nothing to refuse.
		:
	else
		expect_eq "$rc/$(result)" "1/ERR bind EPERM" "chrooted into a made-up run-dir: $err"
		expect_match "$err" "denied bind $rd/a.sock" "denial line"
	fi
	[ -e "$fake$rd/a.sock" ] && fail "the socket landed outside the run-dirs"
	# Controls: the real run-dir works, from the sandbox's root and from a namespace of the program's own.
	run sj "${as[@]}" --run-dir "$rd" --pathname-bind run-dirs -- "$H/bindun" "$rd/b.sock"
	expect_eq "$rc/$(result)" "0/OK bound $rd/b.sock" "binding in the real run-dir: $err"
	if [ "$SJ_MODE" != nested ]; then
		run sj "${as[@]}" --run-dir "$rd" --pathname-bind run-dirs -- "$H/nsbind" "$rd/c.sock"
		expect_eq "$rc/$(result)" "0/OK bound $rd/c.sock" "binding in the real run-dir, from a namespace of its own: $err"
	fi
}

# --- the program's own Landlock rules ---------------------------------------

require_landlock() {
	run "$H/llrestrict" make_sock true
	[ "$rc" = 2 ] && skip "Landlock unavailable: $out"
	return 0
}

t_landlock_make_sock() {
	require_helpers llrestrict bindun
	require_landlock
	local rd=$SJ_RUNTMP/rd
	mkdir -p "$rd"
	# Control: the kernel refuses it outside.
	run "$H/llrestrict" make_sock "$H/bindun" "$SJ_TMP/out.sock"
	expect_eq "$(result)" "ERR bind EACCES" "control: restricted, outside"
	run sj -q -- "$H/llrestrict" make_sock "$H/bindun" "$SJ_TMP/a.sock"
	expect_eq "$rc/$(result)" "1/ERR bind EACCES" "restricted, --pathname-bind any"
	run sj -q --run-dir "$rd" --pathname-bind run-dirs -- "$H/llrestrict" make_sock "$H/bindun" "$rd/a.sock"
	expect_eq "$rc/$(result)" "1/ERR bind EACCES" "restricted, --pathname-bind run-dirs"
	[ -e "$SJ_TMP/a.sock" ] || [ -e "$rd/a.sock" ] && fail "a socket was made for a restricted program"
	# Inherited: a child, and an orphaned grandchild, of the restricted process.
	run sj -q -- "$H/llrestrict" make_sock sh -c '
		"$1/bindun" "$2/child.sock" & wait
		(sh -c "sleep 0.2; \"$1/bindun\" \"$2/orphan.sock\" >\"$2/orphan.out\"" &)
		while [ ! -s "$2/orphan.out" ]; do sleep 0.05; done; cat "$2/orphan.out"' sh "$H" "$SJ_TMP"
	expect_eq "$(results)" "ERR bind EACCES;ERR bind EACCES;" "a child and an orphan of the restricted process"
	# Controls: unrestricted, the same binds work.
	run sj -q --run-dir "$rd" --pathname-bind run-dirs -- sh -c '
		"$1/llrestrict" none "$1/bindun" "$2/b.sock"; "$1/bindun" "$2/c.sock"' sh "$H" "$rd"
	expect_eq "$rc/$(results)" "0/OK bound $rd/b.sock;OK bound $rd/c.sock;" "unrestricted"
	run sj -q -- "$H/llrestrict" none "$H/bindun" "$SJ_TMP/d.sock"
	expect_eq "$rc/$(result)" "0/OK bound $SJ_TMP/d.sock" "unrestricted, --pathname-bind any"
}

t_landlock_bind_tcp() {
	require_helpers llrestrict bindin
	require_landlock
	local port=$((20000 + $$ % 20000))
	run "$H/llrestrict" bind_tcp "$H/bindin" 127.0.0.1 "$port"
	[ "$(result)" = "ERR bind EAFNOSUPPORT" ] && skip "no Landlock network rules (ABI < 4)"
	expect_eq "$(result)" "ERR bind EACCES" "control: restricted, outside"
	run sj -q -- "$H/llrestrict" bind_tcp "$H/bindin" 127.0.0.1 "$port"
	expect_eq "$rc/$(result)" "1/ERR bind EACCES" "restricted (the supervisor's direct bind)"
	run sj -q -- "$H/llrestrict" bind_tcp sh -c '"$1/bindin" 127.0.0.1 "$2" & wait' sh "$H" "$port"
	expect_eq "$(result)" "ERR bind EACCES" "a child of the restricted process"
	run sj -q -- "$H/llrestrict" none "$H/bindin" 127.0.0.1 "$port"
	expect_eq "$rc/$(result)" "0/OK bound 127.0.0.1:$port" "control: unrestricted"
	# Processes that never restricted themselves keep the direct bind beside one that did.
	run sj -q -- sh -c '"$1/llrestrict" bind_tcp "$1/bindin" 127.0.0.1 "$2"; "$1/bindin" 127.0.0.1 "$2"' sh "$H" "$port"
	expect_eq "$(results)" "ERR bind EACCES;OK bound 127.0.0.1:$port;" "restricted, then its unrestricted sibling"
}

# --- the supervisor never stops answering -----------------------------------
# (with stuck executors: 23-gate-edges-root.sh)

# The sandbox shuts its inherited stderr (a socket) down, then makes a
# refused bind: the supervisor's denial line fails with EPIPE, not SIGPIPE.
t_stderr_socket_shut_down() {
	require_helpers bindun
	stderr_socket_wrapper
	local rd=$SJ_RUNTMP/pipe-rd
	run "$SJ_TMP/sockjail-stderr-socket" --run-dir "$rd" -- sh -c '
		'"$PY"' -c "import socket; socket.socket(fileno=2).shutdown(socket.SHUT_RDWR)"
		"$1/bindun" "@sjt-refused-$2"
		"$1/bindun" "@sjt-refused-again-$2"
		exit 3' sh "$H" "$$"
	expect_eq "$rc" 3 "sockjail's status (COMMAND's), stderr shut down: $out"
	expect_eq "$(results)" "ERR bind EPERM;ERR bind EPERM;" "the refused binds"
	[ -e "$rd" ] && fail "run-dir $rd left behind"
	# Control: the denial lines do arrive while the socket is open.
	run "$SJ_TMP/sockjail-stderr-socket" -- "$H/bindun" "@sjt-refused-$$"
	expect_eq "$rc/$(result)" "1/ERR bind EPERM" "control"
	expect_match "$err" "denied bind @sjt-refused-$$" "control: the denial line through the socket"
}

# No fixed limit on the number of --run-dir directories sockjail makes.
t_many_run_dirs() {
	require_helpers bindun
	local args=() i
	for i in $(seq 100); do
		args+=(--run-dir "$SJ_RUNTMP/many/d$i")
	done
	run sj -q "${args[@]}" --pathname-bind run-dirs -- sh -c '"$1/bindun" "$2/many/d1/a.sock"; "$1/bindun" "$2/many/d100/a.sock"
		ls -d "$2"/many/d* | wc -l' sh "$H" "$SJ_RUNTMP"
	expect_eq "$rc/$(results)" "0/OK bound $SJ_RUNTMP/many/d1/a.sock;OK bound $SJ_RUNTMP/many/d100/a.sock;" "100 run-dirs: $err"
	expect_eq "$(printf '%s\n' "$out" | tail -n 1)" 100 "run-dirs seen inside"
	[ -e "$SJ_RUNTMP/many" ] && fail "run-dirs left behind: $(ls "$SJ_RUNTMP/many" | head -n 3)"
	return 0
}

# --- --on-deny kill with --pid host: refused --------------------------------

t_on_deny_kill_pid_host_refused() {
	run sj --on-deny kill --pid host -- true
	expect_eq "$rc" 125 "status"
	expect_one_error_line "$err"
	expect_match "$err" "--on-deny kill cannot be combined with --pid host" "message"
	# Controls: each alone is fine.
	run sj --on-deny kill -- true
	expect_eq "$rc" 0 "--on-deny kill alone: $err"
	run sj --pid host -- true
	expect_eq "$rc" 0 "--pid host alone: $err"
}

# --- terminal injection ------------------------------------------------------

# Run argv in a new pseudo-terminal as its controlling terminal; print what
# was injected into the terminal's input ("INJECTED ...") or "NOTHING",
# and the program's output.
pty_script() {
	cat >"$SJ_TMP/pty.py" <<'EOF'
import os, select, sys, termios, tty
master, slave = os.openpty()
pid = os.fork()
if pid == 0:
    os.setsid()
    import fcntl
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    os.close(master)
    os.execvp(sys.argv[1], sys.argv[1:])
tty.setraw(slave)
out = b""
done = False
while True:
    r, _, _ = select.select([master], [], [], 0.1)
    if r:
        try:
            data = os.read(master, 4096)
        except OSError:
            data = b""
        out += data
        if data:
            continue
    if done:
        break
    # We hold the slave too, so no EOF comes: stop once the child is gone and all is read.
    done = os.waitpid(pid, os.WNOHANG)[0] == pid
# Whatever was pushed into the terminal's input queue is readable from the slave.
os.set_blocking(slave, False)
try:
    injected = os.read(slave, 4096)
except BlockingIOError:
    injected = b""
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
print("INJECTED %r" % injected if injected else "NOTHING")
EOF
}

# The injecting program: one TIOCSTI on the terminal at fd 0.
tiocsti_py='import fcntl, termios
try:
    fcntl.ioctl(0, termios.TIOCSTI, b"X")
    print("OK injected")
except OSError as e:
    print("ERR ioctl", e.errno == 1 and "EPERM" or e.errno)'

t_tiocsti_refused() {
	pty_script
	[ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1)" = 1 ] ||
		skip "dev.tty.legacy_tiocsti=0: the kernel itself refuses TIOCSTI"
	# Control: outside, the terminal's input gets the byte.
	run $PY "$SJ_TMP/pty.py" $PY -c "$tiocsti_py"
	expect_eq "$(printf '%s\n' "$out" | tr '\n' ';')" "OK injected;INJECTED b'X';" "control outside"
	run $PY "$SJ_TMP/pty.py" "$SOCKJAIL" -- $PY -c "$tiocsti_py"
	expect_eq "$(printf '%s\n' "$out" | tr '\n' ';')" "ERR ioctl EPERM;NOTHING;" "inside: $err"
	# TIOCLINUX (selection paste) too: on a pty the kernel says EINVAL, the filter EPERM first.
	local tioclinux_py='import fcntl
try:
    fcntl.ioctl(0, 0x541C, b"\x02")
except OSError as e:
    print("ERR", e.errno)'
	run $PY "$SJ_TMP/pty.py" $PY -c "$tioclinux_py"
	expect_no_match "$(printf '%s\n' "$out" | head -n 1)" "^ERR 1$" "TIOCLINUX outside"
	run $PY "$SJ_TMP/pty.py" "$SOCKJAIL" -- $PY -c "$tioclinux_py"
	expect_eq "$(printf '%s\n' "$out" | head -n 1)" "ERR 1" "TIOCLINUX inside"
	# Other terminal ioctls still work inside.
	run $PY "$SJ_TMP/pty.py" "$SOCKJAIL" -- $PY -c 'import os; print("SIZE", os.get_terminal_size(0).columns >= 0)'
	expect_eq "$(printf '%s\n' "$out" | head -n 1)" "SIZE True" "TIOCGWINSZ inside: $err"
}

t_new_session() {
	pty_script
	local probe='if (exec 3</dev/tty) 2>/dev/null; then echo TTY; else echo NOTTY; fi'
	run $PY "$SJ_TMP/pty.py" "$SOCKJAIL" -- sh -c "$probe"
	expect_eq "$(printf '%s\n' "$out" | head -n 1)" "TTY" "control: COMMAND has the controlling terminal"
	run $PY "$SJ_TMP/pty.py" "$SOCKJAIL" --new-session -- sh -c "$probe"
	expect_eq "$(printf '%s\n' "$out" | head -n 1)" "NOTTY" "--new-session: $err"
	# COMMAND leads its own session (field 6 of stat is the session id).
	run sj --new-session -- sh -c 'awk "{ print (\$1 == \$6) }" /proc/$$/stat'
	expect_eq "$rc/$out" "0/1" "--new-session: COMMAND leads its session: $err"
	run sj -- sh -c 'awk "{ print (\$1 == \$6) }" /proc/$$/stat'
	expect_eq "$rc/$out" "0/0" "control: without it, COMMAND is in the caller's session"
}
