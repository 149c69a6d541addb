# Socket activation: --listen and inherited LISTEN_FDS (issue 5).
SJ_MODES="root user"

# A python3 server for fd 3..: records what it was given, serves one client.
write_server() {
	cat >"$SJ_TMP/server.py" <<'PY'
import os, socket, sys
out = open(sys.argv[1], "w")
n = int(os.environ.get("LISTEN_FDS", "0"))
print("pid", os.getpid(), os.environ.get("LISTEN_PID"), file=out)
print("fds", n, os.environ.get("LISTEN_FDNAMES"), file=out)
for fd in range(3, 3 + n):
    s = socket.socket(fileno=fd)
    print("sock", fd, s.family.name, s.type.name, s.getsockname(), file=out)
    s.detach()  # the fd stays open for the echo below
out.flush()
if len(sys.argv) > 2 and sys.argv[2] == "echo":
    s = socket.socket(fileno=3)
    c, _ = s.accept()
    c.sendall(c.recv(100))
    c.close()
out.close()
PY
}

echo_client() { # PATH -> prints the echo
	$PY - "$1" <<'PY'
import socket, sys, time
for _ in range(100):
    try:
        c = socket.socket(socket.AF_UNIX); c.connect(sys.argv[1]); break
    except OSError:
        time.sleep(0.05)
c.sendall(b"ping"); print(c.recv(100).decode())
PY
}

t_listen_unix_echo() {
	write_server
	local dir=$SJ_RUNTMP/svc sock=$SJ_RUNTMP/svc/a.sock
	sj --run-dir "$dir" --listen "unix:$sock,mode=0660,name=echo" -- \
		$PY "$SJ_TMP/server.py" "$SJ_TMP/out" echo &
	local pid=$!
	wait_for_path "$sock"
	expect_eq "$(stat -c '%a %u %F' "$sock")" "660 $(id -u) socket" "socket file"
	expect_eq "$(echo_client "$sock")" "ping" "echo through the pre-bound socket"
	wait "$pid" || fail "sockjail exited $?"
	local out
	out=$(cat "$SJ_TMP/out")
	# LISTEN_PID is COMMAND's own pid, in its own PID namespace.
	read -r _ own listen_pid < <(grep '^pid' <<<"$out")
	expect_eq "$listen_pid" "$own" "LISTEN_PID"
	expect_match "$out" $'fds 1 echo\n' "LISTEN_FDS/LISTEN_FDNAMES"
	expect_match "$out" "sock 3 AF_UNIX SOCK_STREAM $sock" "fd 3"
	# sockjail created the socket file, so it removes it.
	[ -e "$sock" ] && fail "$sock left behind"
	return 0
}

t_listen_tcp_udp_names() {
	write_server
	local port=$((20000 + RANDOM % 20000))
	sj --listen "tcp:127.0.0.1:$port,name=web,backlog=16" --listen "udp:[::1]:$port,name=dns" -- \
		$PY "$SJ_TMP/server.py" "$SJ_TMP/out" || fail "sockjail failed"
	local out
	out=$(cat "$SJ_TMP/out")
	expect_match "$out" $'fds 2 web:dns\n' "names"
	expect_match "$out" "sock 3 AF_INET SOCK_STREAM \('127.0.0.1', $port\)" "tcp socket"
	expect_match "$out" "sock 4 AF_INET6 SOCK_DGRAM \('::1', $port, 0, 0\)" "udp socket"
}

t_listen_abstract_owned_by_sockjail() {
	# Control: without sockjail the same name can be bound freely.
	$PY -c 'import socket; socket.socket(socket.AF_UNIX).bind("\0sj-listen-ctl-'$$'")' || fail "control bind failed"
	local out
	out=$(sj --listen "@sj-owned-$$" -- $PY -c '
import socket, sys
c = socket.socket(socket.AF_UNIX)
c.connect("\0sj-owned-'$$'")
print("connected")
s = socket.socket(socket.AF_UNIX)
try:
    s.bind("\0sj-owned-'$$'")
    print("bound")
except OSError as e:
    print("bind", e.errno)
try:
    socket.socket(socket.AF_UNIX).bind("\0sj-other-'$$'")
    print("other bound")
except OSError as e:
    print("other", e.errno)
' 2>&1)
	# errno 1: EPERM (not 13 nor 11: whole lines).
	expect_match "$out" $'(^|\n)connected(\n|$)' "connect to the pre-bound abstract socket"
	expect_match "$out" $'(^|\n)bind 1(\n|$)' "COMMAND's own bind of the name is refused (EPERM)"
	expect_match "$out" $'(^|\n)other 1(\n|$)' "other abstract names stay refused"
}

t_listen_bad_specs() {
	local out
	out=$(sj --listen "unix:/tmp/x.sock" -- true 2>&1)
	expect_eq "$?" 125 "status"
	expect_match "$out" "^sockjail: --listen unix:/tmp/x.sock: " "outside the run-dirs"
	out=$(sj --listen "tcp:127.0.0.1:99999" -- true 2>&1)
	expect_eq "$?" 125 "status"
	expect_match "$out" "^sockjail: --listen tcp:127.0.0.1:99999: bad port" "bad port"
	out=$(sj --listen "sctp:1" -- true 2>&1)
	expect_eq "$?" 125 "status"
	# An address in use: a host socket file already there is never replaced.
	mkdir -p "$SJ_RUNTMP/d"
	$PY -c 'import socket; socket.socket(socket.AF_UNIX).bind("'"$SJ_RUNTMP"'/d/busy.sock")'
	out=$(sj --run-dir "$SJ_RUNTMP/d" --listen "unix:$SJ_RUNTMP/d/busy.sock" -- true 2>&1)
	expect_eq "$?" 125 "status"
	expect_match "$out" "Address already in use" "in use"
	[ -S "$SJ_RUNTMP/d/busy.sock" ] || fail "the existing socket was removed"
}

t_listen_inherited_from_systemd_socket_activate() {
	require_cmd systemd-socket-activate
	write_server
	local sock=$SJ_RUNTMP/b.sock
	systemd-socket-activate -l "$sock" --fdname=front -- \
		"$SOCKJAIL" -- $PY "$SJ_TMP/server.py" "$SJ_TMP/out" echo >"$SJ_TMP/act.log" 2>&1 &
	local pid=$!
	wait_for_path "$sock"
	expect_eq "$(echo_client "$sock")" "ping" "client on the host served through sockjail"
	wait "$pid"
	local out
	out=$(cat "$SJ_TMP/out")
	expect_match "$out" $'fds 1 front\n' "inherited fd keeps its name"
	expect_match "$out" "sock 3 AF_UNIX SOCK_STREAM $sock" "fd 3 is the inherited socket"
}

# Run sockjail as if socket-activated with fd 3 (LISTEN_PID is the shell's,
# which exec keeps).
activated() {
	sh -c 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$@"' sh "$SOCKJAIL" "$@"
}

t_listen_inherited_unbound_refused() {
	# An unbound socket from the host's netns could be bound to anything there.
	local out
	out=$($PY -c '
import os, socket, subprocess, sys
s = socket.socket(socket.AF_UNIX)
os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.execvp(sys.argv[1], sys.argv[1:])
' bash -c "$(declare -f activated); activated -- true" 2>&1)
	expect_eq "$?" 125 "status"
	expect_match "$out" "^sockjail: LISTEN_FDS: fd 3 is a socket that is not bound$" "unbound inherited socket"
}

t_listen_inherited_abstract_refused() {
	local out script
	script='
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind("\0sj-inh-'$$'")
os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.execvp(sys.argv[1], sys.argv[1:])
'
	out=$($PY -c "$script" bash -c "$(declare -f activated); activated -- true" 2>&1)
	expect_eq "$?" 125 "status"
	expect_match "$out" "^sockjail: LISTEN_FDS: fd 3 is bound to abstract @sj-inh-$$, which the policy refuses$" "refused"
	$PY -c "$script" bash -c "$(declare -f activated); activated --abstract-allow '@sj-inh-*' -- true" ||
		fail "allowed by --abstract-allow: status $?"
}
