# The sandbox core (issue 2): exit codes, the private network, /run, the PID
# namespace and its init, privileges, fds, signals, the process options.
# Every denial has a control: the same action outside sockjail succeeds.
SJ_MODES="root user nested"

# --- helpers local to this file ---------------------------------------------

# A unix stream server: PATH READYFILE COUNT. Answers "pong" to COUNT
# connections (0: forever), then exits; READYFILE appears once it listens.
write_unix_server() {
	cat >"$SJ_TMP/userver.py" <<'EOF'
import os, signal, socket, sys
signal.alarm(30)  # bounded, whatever happens to the test
path, ready, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(8)
open(ready, "w").close()
n = 0
while count == 0 or n < count:
    c, _ = s.accept()
    c.sendall(b"pong\n")
    c.close()
    n += 1
EOF
}

# A client: FAMILY ADDRESS [PORT]. Prints the first line it receives, or
# the errno's name when connect() fails.
write_client() {
	cat >"$SJ_TMP/client.py" <<'EOF'
import errno, socket, sys
fam = socket.AF_UNIX if sys.argv[1] == "unix" else socket.AF_INET
addr = sys.argv[2] if fam == socket.AF_UNIX else (sys.argv[2], int(sys.argv[3]))
s = socket.socket(fam, socket.SOCK_STREAM)
s.settimeout(5)
try:
    s.connect(addr)
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e.errno)))
    sys.exit(0)
print(s.makefile().readline().strip())
EOF
}

# start_unix_server PATH: a host-side server; waits until it listens.
start_unix_server() {
	write_unix_server
	rm -f "$SJ_TMP/userver.ready"
	"$PY" "$SJ_TMP/userver.py" "$1" "$SJ_TMP/userver.ready" 0 >"$SJ_TMP/userver.log" 2>&1 &
	sj_bg+=("$!")
	wait_until 5 test -e "$SJ_TMP/userver.ready"
}

# Print the errno name an fs operation gets, or "ok": OP PATH.
write_fsop() {
	cat >"$SJ_TMP/fsop.py" <<'EOF'
import errno, os, socket, sys
op, path = sys.argv[1], sys.argv[2]
try:
    if op == "mkdir":
        os.mkdir(path)
    elif op == "create":
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    elif op == "unlink":
        os.unlink(path)
    elif op == "bind":
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).bind(path)
    print("ok")
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e.errno)))
EOF
}

# in_outer_netns CMD...: run CMD in a fresh network namespace that has an
# extra interface (sjbr0) and lo still down, so a sandbox started from it
# can be told apart from its caller's network. In user mode the caller is
# uid 65534 without capabilities there too, so sockjail takes the rootless
# path it takes in the test proper.
in_outer_netns() {
	local setup='ip link add sjbr0 type bridge || exit 99'
	case $SJ_MODE in
	user)
		unshare -U --map-user="$(id -u)" --map-group="$(id -g)" -n --keep-caps \
			sh -c "$setup"'; exec setpriv --inh-caps=-all --ambient-caps=-all "$@"' sh "$@"
		;;
	*)
		unshare -n sh -c "$setup"'; exec "$@"' sh "$@"
		;;
	esac
}

require_outer_netns() {
	require_cmd ip
	in_outer_netns true
	[ $? -eq 99 ] && skip "cannot create a bridge in a new network namespace"
	return 0
}

# Names of the interfaces in the current netns, from netlink, sorted, one line.
PY_IFNAMES='import socket; print(" ".join(sorted(n for _, n in socket.if_nameindex())))'

# --- exit status --------------------------------------------------------------

t_exit_status_0() {
	expect_status 0 sj -- true
	expect_status 0 sj -- sh -c 'exit 0'
}

t_exit_status_command_own() {
	expect_status 7 sj -- sh -c 'exit 7'
	expect_status 1 sj -- false
	expect_status 255 sj -- sh -c 'exit 255'
}

t_exit_status_125_bad_option() {
	local bad
	ran_marker_control
	for bad in "--no-such-option" "--net bogus" "--uid notanumber" "--pid nope" "--run-dir /tmp/x" \
		"--run-socket relative" "--cap-keep cap_nonsense"; do
		# shellcheck disable=SC2086 # word splitting wanted: option and value
		run sj $bad -- touch "$SJ_TMP/ran"
		expect_eq "$rc" 125 "status of sockjail $bad"
		expect_one_error_line "$err"
		[ -e "$SJ_TMP/ran" ] && fail "COMMAND ran despite $bad"
	done
	run sj
	expect_eq "$rc" 125 "status without COMMAND"
	expect_one_error_line "$err"
}

t_exit_status_125_missing_run_socket() {
	# Control: the path really is missing.
	[ -e /run/nope.sock ] && fail "/run/nope.sock exists on this host; the test needs it missing"
	ran_marker_control
	run sj --run-socket /run/nope.sock -- touch "$SJ_TMP/ran"
	expect_eq "$rc" 125 "status"
	expect_eq "$err" "sockjail: --run-socket /run/nope.sock: No such file or directory" "stderr"
	[ -e "$SJ_TMP/ran" ] && fail "COMMAND ran"
	return 0
}

t_exit_status_126() {
	printf '#!/bin/sh\nexit 0\n' >"$SJ_TMP/script"
	chmod 0644 "$SJ_TMP/script"
	run sj -- "$SJ_TMP/script"
	expect_eq "$rc" 126 "status of a non-executable file"
	expect_eq "$err" "sockjail: $SJ_TMP/script: Permission denied" "stderr"
	run sj -- "$SJ_TMP"
	expect_eq "$rc" 126 "status of a directory"
	expect_one_error_line "$err"
	# Control: once executable, the same file runs.
	chmod 0755 "$SJ_TMP/script"
	expect_status 0 sj -- "$SJ_TMP/script"
}

t_exit_status_127() {
	run sj -- sj-no-such-command
	expect_eq "$rc" 127 "status of a missing command"
	expect_eq "$err" "sockjail: sj-no-such-command: No such file or directory" "stderr"
	run sj -- /nonexistent/dir/cmd
	expect_eq "$rc" 127 "status of a missing path"
	expect_one_error_line "$err"
}

t_exit_status_signal() {
	# Control: the shell convention sockjail follows.
	bash -c 'sh -c "kill -TERM \$\$"; exit $?'
	expect_eq $? 143 "status without sockjail"
	expect_status 143 sj -- sh -c 'kill -TERM $$'
	expect_status 137 sj -- sh -c 'kill -KILL $$'
	expect_status 138 sj -- sh -c 'kill -USR1 $$'
}

# --- network ------------------------------------------------------------------

t_net_only_lo_up() {
	run sj -- "$PY" -c "$PY_IFNAMES"
	expect_eq "$rc" 0 "status"
	expect_eq "$out" "lo" "interfaces (netlink)"
	out=$(sj -- cat /proc/net/dev | awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }')
	expect_eq "$out" "lo" "interfaces (/proc/net/dev)"
	# IFF_UP is bit 0 of the flags.
	out=$(sj -- cat /sys/class/net/lo/flags)
	(((out & 1) == 1)) || fail "lo is not up inside: flags $out"
	require_cmd ip
	out=$(sj -- ip -o link show | awk -F': ' '{ print $2 }')
	expect_eq "$out" "lo" "interfaces (ip)"
	out=$(sj -- ip -o link show lo)
	expect_match "$out" '<[A-Z_,]*[<,]?UP[,>]' "ip link show lo"
}

t_net_only_lo_up_control() {
	require_outer_netns
	# Control: the caller's namespace has another interface and lo down...
	run in_outer_netns "$PY" -c "$PY_IFNAMES"
	expect_eq "$out" "lo sjbr0" "interfaces outside sockjail"
	run in_outer_netns ip -o link show lo
	expect_no_match "$out" '[<,]UP[,>]' "lo outside sockjail"
	# ...which the sandbox started from it does not see.
	run in_outer_netns "$SOCKJAIL" -- "$PY" -c "$PY_IFNAMES"
	expect_eq "$out" "lo" "interfaces inside"
	run in_outer_netns "$SOCKJAIL" -- ip -o link show lo
	expect_match "$out" '[<,]UP[,>]' "lo inside"
	run in_outer_netns "$SOCKJAIL" -- ls /sys/class/net
	expect_eq "$out" "lo" "/sys/class/net inside"
}

t_net_sysfs_private() {
	run sj -- ls /sys/class/net
	expect_eq "$out" "lo" "/sys/class/net inside"
	out=$(sj -- awk '$5 == "/sys" { print $6 }' /proc/self/mountinfo | tail -n 1)
	expect_match "$out" '^ro(,|$)' "/sys mount options"
	# Control: --net host keeps the caller's /sys.
	expect_eq "$(sj --net host -- ls /sys/class/net)" "$(ls /sys/class/net)" "/sys/class/net with --net host"
}

write_tcp_echo() {
	cat >"$SJ_TMP/tcp.py" <<'EOF'
import errno, socket
try:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    c = socket.create_connection(srv.getsockname(), timeout=5)
    a, _ = srv.accept()
    c.sendall(b"ping")
    a.sendall(a.recv(4)[::-1])
    print(c.recv(4).decode())
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e.errno)))
EOF
}

t_net_tcp_loopback() {
	write_tcp_echo
	run sj -- "$PY" "$SJ_TMP/tcp.py"
	expect_eq "$rc" 0 "status"
	expect_eq "$out" "gnip" "TCP over 127.0.0.1 inside"
}

t_net_tcp_loopback_control() {
	require_outer_netns
	write_tcp_echo
	# Control: in a new netns whose lo is down, the same program fails.
	run in_outer_netns "$PY" "$SJ_TMP/tcp.py"
	expect_eq "$out" "ENETUNREACH" "TCP over 127.0.0.1 with lo down"
	run in_outer_netns "$SOCKJAIL" -- "$PY" "$SJ_TMP/tcp.py"
	expect_eq "$out" "gnip" "TCP over 127.0.0.1 inside"
}

t_net_host() {
	write_client
	cat >"$SJ_TMP/tcpsrv.py" <<'EOF'
import os, signal, socket, sys
signal.alarm(30)  # bounded, whatever happens to the test
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = s.accept()
    c.sendall(b"pong\n")
    c.close()
EOF
	"$PY" "$SJ_TMP/tcpsrv.py" "$SJ_TMP/port" >"$SJ_TMP/tcpsrv.log" 2>&1 &
	sj_bg+=("$!")
	wait_until 5 test -e "$SJ_TMP/port"
	local port
	port=$(cat "$SJ_TMP/port")
	# Control: the host reaches its own listener.
	expect_eq "$("$PY" "$SJ_TMP/client.py" tcp 127.0.0.1 "$port")" "pong" "host client"
	expect_eq "$(sj -- "$PY" "$SJ_TMP/client.py" tcp 127.0.0.1 "$port")" "ECONNREFUSED" "private netns"
	expect_eq "$(sj --net host -- "$PY" "$SJ_TMP/client.py" tcp 127.0.0.1 "$port")" "pong" "--net host"
	expect_eq "$(sj --net host -- "$PY" -c "$PY_IFNAMES")" "$("$PY" -c "$PY_IFNAMES")" "interfaces with --net host"
}

t_net_host_control() {
	require_outer_netns
	run in_outer_netns "$SOCKJAIL" --net host -- "$PY" -c "$PY_IFNAMES"
	expect_eq "$out" "lo sjbr0" "interfaces with --net host"
}

# --- /run -----------------------------------------------------------------------

t_run_empty_readonly_tmpfs() {
	write_fsop
	# Control: the host's /run has entries (at least this test's dir), and
	# the caller may create things under it.
	[ -n "$(ls -A /run)" ] || fail "control: the host's /run is empty"
	expect_eq "$("$PY" "$SJ_TMP/fsop.py" mkdir "$SJ_RUNTMP/x")" "ok" "mkdir under the host's /run"
	run sj -- ls -A /run
	expect_eq "$rc" 0 "status"
	expect_eq "$out" "" "/run inside"
	expect_eq "$(sj -- stat -f -c %T /run)" "tmpfs" "/run's file system"
	expect_eq "$(sj -- stat -c '%a' /run)" "755" "/run's mode"
	out=$(sj -- awk '$5 == "/run" { print $6 }' /proc/self/mountinfo | tail -n 1)
	expect_match "$out" '^ro(,|$)' "/run mount options"
	expect_eq "$(sj -- "$PY" "$SJ_TMP/fsop.py" mkdir /run/x)" "EROFS" "mkdir /run/x inside"
	expect_eq "$(sj -- "$PY" "$SJ_TMP/fsop.py" create /run/f)" "EROFS" "creating /run/f inside"
	expect_eq "$(sj -- "$PY" "$SJ_TMP/fsop.py" bind /run/s.sock)" "EROFS" "binding /run/s.sock inside"
}

t_run_socket_hidden_then_reachable() {
	write_client
	start_unix_server "$SJ_RUNTMP/srv.sock"
	# Control: the host reaches it.
	expect_eq "$("$PY" "$SJ_TMP/client.py" unix "$SJ_RUNTMP/srv.sock")" "pong" "host client"
	run sj -- "$PY" "$SJ_TMP/client.py" unix "$SJ_RUNTMP/srv.sock"
	expect_eq "$out" "ENOENT" "connect without --run-socket"
	expect_status 1 sj -- test -e "$SJ_RUNTMP/srv.sock"
	run sj --run-socket "$SJ_RUNTMP/srv.sock" -- "$PY" "$SJ_TMP/client.py" unix "$SJ_RUNTMP/srv.sock"
	expect_eq "$rc" 0 "status"
	expect_eq "$out" "pong" "connect with --run-socket"
	# Only that socket: its siblings stay hidden.
	: >"$SJ_RUNTMP/sibling"
	expect_eq "$(sj --run-socket "$SJ_RUNTMP/srv.sock" -- ls -A "$SJ_RUNTMP")" "srv.sock" "its directory inside"
	# A directory of sockets.
	run sj --run-socket "$SJ_RUNTMP" -- "$PY" "$SJ_TMP/client.py" unix "$SJ_RUNTMP/srv.sock"
	expect_eq "$out" "pong" "connect with --run-socket DIR"
}

t_run_socket_readonly() {
	write_fsop
	mkdir "$SJ_RUNTMP/dir"
	: >"$SJ_RUNTMP/dir/old"
	# --run-socket takes only a socket or a directory: a socket file nobody serves.
	"$PY" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$SJ_RUNTMP/file" ||
		fail "binding $SJ_RUNTMP/file"
	local ops=(create "$SJ_RUNTMP/dir/new" mkdir "$SJ_RUNTMP/dir/newdir" bind "$SJ_RUNTMP/dir/new.sock"
		unlink "$SJ_RUNTMP/dir/old")
	local i
	for ((i = 0; i < ${#ops[@]}; i += 2)); do
		expect_eq "$(sj --run-socket "$SJ_RUNTMP/dir" -- "$PY" "$SJ_TMP/fsop.py" "${ops[i]}" "${ops[i + 1]}")" \
			"EROFS" "${ops[i]} ${ops[i + 1]} inside"
	done
	# Next to a single exposed socket, inside the read-only /run.
	run sj --run-socket "$SJ_RUNTMP/file" -- "$PY" "$SJ_TMP/fsop.py" create "$SJ_RUNTMP/other"
	expect_eq "$out" "EROFS" "creating a file next to --run-socket"
	run sj --run-socket "$SJ_RUNTMP/file" -- "$PY" "$SJ_TMP/fsop.py" unlink "$SJ_RUNTMP/file"
	expect_match "$out" '^(EROFS|EBUSY)$' "unlinking the --run-socket"
	[ -e "$SJ_RUNTMP/file" ] && [ -e "$SJ_RUNTMP/dir/old" ] || fail "the sandbox removed a host file"
	# Control: the caller may do all of it.
	for ((i = 0; i < ${#ops[@]}; i += 2)); do
		expect_eq "$("$PY" "$SJ_TMP/fsop.py" "${ops[i]}" "${ops[i + 1]}")" "ok" "${ops[i]} ${ops[i + 1]} on the host"
	done
}

t_run_dir_socket_on_host() {
	write_unix_server
	write_client
	local d="$SJ_RUNTMP/d" uid
	uid=$(id -u)
	"$SOCKJAIL" --run-dir "$d" -- "$PY" "$SJ_TMP/userver.py" "$d/s.sock" "$SJ_TMP/ready" 1 \
		>"$SJ_TMP/sj.out" 2>&1 &
	local sjpid=$!
	sj_bg+=("$sjpid")
	wait_until 5 test -e "$SJ_TMP/ready"
	[ -S "$d/s.sock" ] || fail "no socket at $d/s.sock on the host"
	expect_eq "$(stat -c %u "$d/s.sock")" "$uid" "owner of the socket"
	[ "$SJ_MODE" = user ] && expect_eq "$(stat -c %u "$d/s.sock")" 65534 "owner of the socket"
	expect_eq "$(stat -c %u "$d")" "$uid" "owner of the --run-dir"
	expect_eq "$("$PY" "$SJ_TMP/client.py" unix "$d/s.sock")" "pong" "host client"
	timeout 5 tail -s 0.02 --pid="$sjpid" -f /dev/null || fail "sockjail did not exit"
	wait "$sjpid"
	expect_eq $? 0 "status of the sandboxed server: $(cat "$SJ_TMP/sj.out")"
}

# --- PID namespace and init -------------------------------------------------------

t_proc_only_sandbox() {
	local marker="sleep 71$$.5"
	sleep "71$$.5" >/dev/null 2>&1 &
	sj_bg+=("$!")
	local hostpid=$!
	# Control: the host sees its process.
	[ -d "/proc/$hostpid" ] || fail "control: /proc/$hostpid missing on the host"
	[ "$(find /proc -maxdepth 1 -name '[0-9]*' | wc -l)" -gt 2 ] || fail "control: the host has <= 2 processes"
	run sj -- sh -c 'echo $$; echo /proc/[0-9]*'
	expect_eq "$out" $'2\n/proc/1 /proc/2' "pids inside"
	run sj -- ps -e -o pid=,comm=
	expect_eq "$(echo "$out" | awk '{ print $1 }' | tr '\n' ' ')" "1 2 " "ps -e inside"
	expect_no_match "$out" '(^| )sockjail$' "ps -e inside (the supervisor)"
	expect_status 1 sj -- pgrep -f "^$marker\$"
}

t_pid_host() {
	local marker="sleep 72$$.5"
	sleep "72$$.5" >/dev/null 2>&1 &
	sj_bg+=("$!")
	local hostpid=$!
	run sj --pid host -- pgrep -f "^$marker\$"
	expect_eq "$out" "$hostpid" "the host's process with --pid host"
	"$SOCKJAIL" --pid host -- sh -c 'echo $PPID' >"$SJ_TMP/ppid" &
	local sjpid=$!
	wait "$sjpid"
	expect_eq "$(cat "$SJ_TMP/ppid")" "$sjpid" "COMMAND's parent with --pid host"
}

t_init_reaps_orphans() {
	cat >"$SJ_TMP/zombie.py" <<'EOF'
import os, sys, time
# Control: a child its parent does not wait for stays a zombie.
pid = os.fork()
if pid == 0:
    os._exit(0)
for _ in range(250):
    with open("/proc/%d/stat" % pid) as f:
        if f.read().rsplit(")", 1)[1].split()[0] == "Z":
            break
    time.sleep(0.01)
else:
    sys.exit("control: no zombie")
os.waitpid(pid, 0)
# An orphan: its parent exits at once, so init inherits it.
r, w = os.pipe()
if os.fork() == 0:
    if os.fork() == 0:
        os.close(r)
        os.write(w, b"%d" % os.getpid())
        os._exit(0)
    os._exit(0)
os.close(w)
orphan = int(os.read(r, 32))
for _ in range(250):
    if not os.path.exists("/proc/%d" % orphan):
        print("reaped")
        break
    time.sleep(0.01)
else:
    print("zombie")
EOF
	run sj -- "$PY" "$SJ_TMP/zombie.py"
	expect_eq "$rc" 0 "status: $err"
	expect_eq "$out" "reaped" "orphan"
}

t_daemon_leaves_nothing() {
	local m1="sleep 73$$.5" m2="sleep 74$$.5" p1 p2
	# Control: outside sockjail the daemon survives its parent.
	sh -c "$m1 >/dev/null 2>&1 & exit 0"
	pgrep -f "^$m1\$" >/dev/null || fail "control: the daemon did not survive"
	pkill -KILL -f "^$m1\$"
	wait_until 2 eval "! pgrep -f '^$m1\$' >/dev/null"

	expect_status 0 sj -- sh -c "$m1 & exit 0"
	run pgrep -f "^$m1\$"
	expect_eq "$out" "" "processes left behind"
	# The same with a daemon in its own session, watched by its host pid:
	# /proc/PID stays while it runs and while it is a zombie.
	"$SOCKJAIL" -- sh -c "$m1 & setsid $m2 </dev/null >/dev/null 2>&1 &
		touch '$SJ_TMP/ready'; while [ ! -e '$SJ_TMP/go' ]; do sleep 0.02; done; exit 0" \
		>"$SJ_TMP/sj.out" 2>&1 &
	local sjpid=$!
	sj_bg+=("$sjpid")
	wait_until 5 test -e "$SJ_TMP/ready"
	wait_until 5 eval "p1=\$(pgrep -f '^$m1\$') && p2=\$(pgrep -f '^$m2\$')"
	touch "$SJ_TMP/go"
	wait "$sjpid"
	expect_eq $? 0 "status: $(cat "$SJ_TMP/sj.out")"
	local p
	for p in "$p1" "$p2"; do
		[ -e "/proc/$p" ] && fail "pid $p left behind: $(cat "/proc/$p/status" 2>&1 | head -n 3)"
	done
	# Nor does sockjail leave an unreaped child of its own.
	run ps -o stat=,pid=,comm= --ppid $$
	expect_no_match "$out" '(^|'$'\n'')Z' "zombie children"
}

t_sigkill_leaves_nothing() {
	local m1="sleep 75$$.5" m2="sleep 76$$.5" m3="sleep 77$$.5"
	# Control: a killed parent leaves its child running outside sockjail.
	sh -c "$m1 & wait" >/dev/null 2>&1 &
	local shpid=$!
	wait_until 2 pgrep -f "^$m1\$" >/dev/null
	kill -KILL "$shpid"
	wait "$shpid" 2>/dev/null
	pgrep -f "^$m1\$" >/dev/null || fail "control: the child died with its parent"
	pkill -KILL -f "^$m1\$"

	"$SOCKJAIL" -- sh -c "$m3 & exec $m2" >/dev/null 2>&1 &
	local sjpid=$!
	sj_bg+=("$sjpid")
	wait_until 5 eval "pgrep -f '^$m2\$' >/dev/null && pgrep -f '^$m3\$' >/dev/null"
	kill -KILL "$sjpid"
	wait "$sjpid" 2>/dev/null
	wait_until 2 eval "! pgrep -f '^($m2|$m3)\$' >/dev/null"
}

t_signals_forwarded() {
	local sig
	for sig in HUP INT QUIT TERM USR1 USR2 WINCH; do
		rm -f "$SJ_TMP/ready"
		# A background job of a script starts with INT and QUIT ignored.
		# -q: the sleep it leaves behind is killed without a report line.
		env --default-signal=INT,QUIT "$SOCKJAIL" -q -- sh -c \
			"trap 'echo got $sig; exit 3' $sig; touch '$SJ_TMP/ready'; sleep 30 & wait" \
			>"$SJ_TMP/out" 2>&1 &
		local sjpid=$!
		sj_bg+=("$sjpid")
		wait_until 5 test -e "$SJ_TMP/ready"
		kill -s "$sig" "$sjpid"
		timeout 5 tail -s 0.02 --pid="$sjpid" -f /dev/null || fail "SIG$sig: sockjail did not exit"
		wait "$sjpid"
		expect_eq $? 3 "SIG$sig: status"
		# The second line, if any, says that the sleep was killed (--wait command).
		expect_eq "$(head -n 1 "$SJ_TMP/out")" "got $sig" "SIG$sig: output"
	done
	# Forwarded to a COMMAND that does not handle it: sockjail reports the signal.
	rm -f "$SJ_TMP/ready"
	"$SOCKJAIL" -- sh -c "touch '$SJ_TMP/ready'; exec sleep 30" >/dev/null 2>&1 &
	sjpid=$!
	sj_bg+=("$sjpid")
	wait_until 5 test -e "$SJ_TMP/ready"
	wait_until 5 eval "[ \"\$(ps -o comm= --ppid \$(pgrep -P $sjpid))\" = sleep ]"
	kill -TERM "$sjpid"
	wait "$sjpid"
	expect_eq $? 143 "status after SIGTERM"
}

t_early_signal_leaves_nothing() {
	# A signal that arrives while sockjail sets up must not leave behind
	# the --run-dir directories it has made, nor a sandbox. SIGTERM goes
	# the moment the first of many directories appears.
	local i j n rc m="sleep 78$$.5" dirs=()
	for ((j = 0; j < 30; j++)); do
		dirs+=(--run-dir "$SJ_RUNTMP/race/d$j")
	done
	for ((i = 0; i < 20; i++)); do
		"$SOCKJAIL" "${dirs[@]}" -- sleep "78$$.5" >/dev/null 2>&1 &
		local sjpid=$!
		sj_bg+=("$sjpid")
		for ((n = 0; n < 500000; n++)); do
			[ -e "$SJ_RUNTMP/race" ] && break
		done
		((n < 500000)) || fail "round $i: sockjail made no --run-dir"
		kill -TERM "$sjpid"
		timeout 5 tail -s 0.02 --pid="$sjpid" -f /dev/null || fail "round $i: sockjail ignored SIGTERM"
		wait "$sjpid"
		rc=$?
		expect_eq "$rc" 143 "status after an early SIGTERM (round $i)"
		[ -e "$SJ_RUNTMP/race" ] && fail "round $i: $SJ_RUNTMP/race left behind: $(ls "$SJ_RUNTMP/race" | wc -l) dirs"
	done
	run pgrep -f "^$m\$"
	expect_eq "$out" "" "processes left behind"
}

# --- privileges and fds -------------------------------------------------------

t_no_new_privs_no_caps() {
	local outside
	outside=$(cat /proc/self/status)
	# Control: none of it holds outside.
	expect_match "$outside" $'NoNewPrivs:\t0' "NoNewPrivs outside"
	expect_no_match "$outside" $'CapBnd:\t0000000000000000' "CapBnd outside"
	[ "$SJ_MODE" != user ] && expect_no_match "$outside" $'CapEff:\t0000000000000000' "CapEff outside"
	run sj -- cat /proc/self/status
	expect_eq "$rc" 0 "status"
	expect_match "$out" $'NoNewPrivs:\t1' "NoNewPrivs inside"
	local set
	for set in Inh Prm Eff Bnd Amb; do
		expect_match "$out" $'Cap'$set$':\t0000000000000000' "Cap$set inside"
	done
}

t_inherited_fds_closed() {
	# Control: outside, the shell has them.
	out=$(sh -c 'ls /proc/$$/fd' 5>"$SJ_TMP/f5" 9</dev/null 100>&1 | tr '\n' ' ')
	expect_match "$out" '(^| )5 .*9 ' "fds outside"
	expect_match "$out" '(^| )100 ' "fds outside"
	# Inside only stdio, whatever the caller (this runner too) left open.
	out=$(sj -- sh -c 'ls /proc/$$/fd' 5>"$SJ_TMP/f5" 9</dev/null 100>&1 | tr '\n' ' ')
	expect_eq "$out" "0 1 2 " "fds inside"
	expect_status 1 sj -- sh -c '[ -e /proc/self/fd/5 ]' 5>"$SJ_TMP/f5"
}

# --- process options ----------------------------------------------------------

t_env_options() {
	export SJ_A=a SJ_B=b
	# Control: the environment reaches COMMAND as is.
	expect_match "$(sj -- env)" $'(^|\n)SJ_B=b(\n|$)' "env"
	run sj --setenv SJ_C=c=d --unsetenv SJ_A --setenv SJ_B=x -- env
	expect_match "$out" $'(^|\n)SJ_C=c=d(\n|$)' "--setenv"
	expect_no_match "$out" $'(^|\n)SJ_A=' "--unsetenv"
	expect_match "$out" $'(^|\n)SJ_B=x(\n|$)' "--setenv over an inherited one"
	[ "$(echo "$out" | grep -c '^SJ_B=')" -eq 1 ] || fail "SJ_B twice: $out"
	run sj --setenv SJ_C=c --clearenv --setenv SJ_D=d -- /usr/bin/env
	expect_eq "$out" "SJ_D=d" "--clearenv in order"
	run sj --clearenv -- /usr/bin/env
	expect_eq "$out" "" "--clearenv"
	# Socket activation variables are never inherited blindly.
	run env LISTEN_FDS=1 LISTEN_PID=1 "$SOCKJAIL" -- env
	expect_no_match "$out" '(^|'$'\n'')LISTEN_(FDS|PID)=' "LISTEN_* inside"
}

t_chdir() {
	expect_eq "$(sj --chdir /usr/share -- pwd)" "/usr/share" "--chdir"
	expect_eq "$(cd "$SJ_TMP" && sj -- pwd)" "$SJ_TMP" "the caller's cwd"
	# /run is covered by the sandbox's tmpfs: a cwd there does not exist inside.
	expect_eq "$(cd "$SJ_RUNTMP" && sj -- pwd)" "/" "a cwd hidden by the mounts"
	ran_marker_control --chdir /usr/share
	run sj --chdir /nonexistent -- touch "$SJ_TMP/ran"
	expect_eq "$rc" 125 "status with --chdir /nonexistent"
	expect_eq "$err" "sockjail: --chdir /nonexistent: No such file or directory" "stderr"
	[ -e "$SJ_TMP/ran" ] && fail "COMMAND ran"
	return 0
}
