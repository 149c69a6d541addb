# The process side of running services (issue 14): identity by name,
# capabilities for daemons, --wait, --info-fd, the systemd notification
# relay and Ctrl-C, as root, as an ordinary user and nested.
SJ_MODES="root user nested"

# info_field FILE NAME: a value from an --info-fd object.
info_field() { sed -n "s/.*\"$2\": \\([0-9a-z]*\\).*/\\1/p" "$1"; }

ns_inode() { stat -L -c %i "/proc/$1/ns/$2"; }

# notify.py SOCKET -- CMD...: systemd's side of NOTIFY_SOCKET. Binds a
# datagram socket with SO_PASSCRED, runs CMD with NOTIFY_SOCKET set, and
# prints each line received as "main LINE" when it came from CMD's pid (the
# unit's main pid: what NotifyAccess=main accepts) or "other LINE", then
# "fds=N" for passed descriptors and "status N" at the end.
write_notify_py() {
	cat >"$SJ_TMP/notify.py" <<'PY'
import os, select, socket, struct, subprocess, sys
path, cmd = sys.argv[1], sys.argv[3:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
p = subprocess.Popen(cmd, env=dict(os.environ, NOTIFY_SOCKET=path))
def drain():
    while select.select([s], [], [], 0)[0]:
        msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12) + socket.CMSG_SPACE(64))
        pid, fds = None, []
        for level, kind, data in anc:
            if kind == socket.SCM_CREDENTIALS:
                pid = struct.unpack("iII", data)[0]
            elif kind == socket.SCM_RIGHTS:
                fds = list(struct.unpack("%di" % (len(data) // 4), data))
        who = "main" if pid == p.pid else "other"
        for line in msg.decode().split("\n"):
            if line:
                print(who, line, flush=True)
        if fds:
            print(who, "fds=%d" % len(fds), "first=%s" % os.read(fds[0], 64).decode(), flush=True)
        for fd in fds:
            os.close(fd)
while p.poll() is None:
    select.select([s], [], [], 0.2)
    drain()
drain()
print("status", p.returncode, flush=True)
PY
	# What a service sends through libsystemd: several assignments per
	# datagram, and descriptors with FDSTORE=1.
	cat >"$SJ_TMP/service.py" <<'PY'
import os, socket, sys
addr = os.environ["NOTIFY_SOCKET"]
if addr.startswith("@"):
    addr = "\0" + addr[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"MAINPID=%d\nSTATUS=starting" % os.getpid(), addr)
r, w = os.pipe()
os.write(w, b"stored")
s.sendmsg([b"FDSTORE=1\nFDNAME=state"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, r.to_bytes(4, "little"))], 0, addr)
s.sendto(b"READY=1\nSTATUS=serving " + sys.argv[1].encode(), addr)
s.sendto(b"WATCHDOG_USEC=1\nBARRIER=1", addr)
PY
}

t_notify_relay() {
	write_notify_py
	local out
	out=$($PY "$SJ_TMP/notify.py" "$SJ_TMP/notify.sock" -- "$SOCKJAIL" -- $PY "$SJ_TMP/service.py" "$$") ||
		fail "notify.py exited $?"
	# Everything arrives from sockjail's own pid, filtered, in order.
	expect_eq "$out" "main STATUS=starting
main FDSTORE=1
main FDNAME=state
main fds=1 first=stored
main READY=1
main STATUS=serving $$
status 0" "what systemd receives"
	# COMMAND saw its own socket in the sandbox, not the real one.
	out=$($PY "$SJ_TMP/notify.py" "$SJ_TMP/notify2.sock" -- "$SOCKJAIL" -- /bin/sh -c 'echo "NOTIFY $NOTIFY_SOCKET"')
	expect_match "$out" "^NOTIFY @sockjail-notify/[0-9]+/[0-9a-f]{16}"$'\n'"status 0$" "COMMAND's NOTIFY_SOCKET"
	# systemd-notify(1) (a separate process, so NotifyAccess=main would
	# refuse it outside a sandbox) is relayed from sockjail's pid too.
	if command -v systemd-notify >/dev/null; then
		out=$($PY "$SJ_TMP/notify.py" "$SJ_TMP/notify3.sock" -- "$SOCKJAIL" -- \
			systemd-notify --ready --status="up $$")
		expect_eq "$out" "main READY=1
main STATUS=up $$
status 0" "systemd-notify through the relay"
	fi
}

t_notify_relay_across_restarts() {
	write_notify_py
	local out
	# One socket for every COMMAND that --restart starts in the sandbox.
	out=$($PY "$SJ_TMP/notify.py" "$SJ_TMP/notify.sock" -- "$SOCKJAIL" -q --restart on-failure --restart-sec 0 \
		-- /bin/sh -c "$PY '$SJ_TMP/service.py' run; [ -e '$SJ_TMP/again' ] && exit 0; touch '$SJ_TMP/again'; exit 1")
	expect_eq "$(grep -c '^main READY=1$' <<<"$out")" 2 "READY=1 from each run: [$out]"
	expect_no_match "$out" "^other " "a message from another pid"
	expect_match "$out" "status 0$" "the second run's status"
}

t_notify_never_ready() {
	write_notify_py
	local out
	# A COMMAND that never notifies makes nothing ready.
	out=$($PY "$SJ_TMP/notify.py" "$SJ_TMP/notify.sock" -- "$SOCKJAIL" -- /bin/sh -c 'exit 3')
	expect_eq "$out" "status 3" "messages for a COMMAND that never notifies"
	# Control, --notify none: no relay; what COMMAND sends itself does not
	# come from the main pid, so systemd would not take it as ready.
	out=$($PY "$SJ_TMP/notify.py" "$SJ_TMP/notify2.sock" -- "$SOCKJAIL" --notify none \
		-- $PY "$SJ_TMP/service.py" x 2>/dev/null)
	expect_no_match "$out" "^main " "--notify none"
	expect_match "$out" "status [0-9]+$" "--notify none ran"
}

t_notify_bad_socket() {
	local out
	out=$(NOTIFY_SOCKET=relative/path "$SOCKJAIL" -- /bin/true 2>&1)
	expect_eq "$?" 125 "exit status for a bad NOTIFY_SOCKET"
	expect_one_error_line "$out"
	expect_match "$out" "NOTIFY_SOCKET=relative/path: " "message"
	NOTIFY_SOCKET=relative/path "$SOCKJAIL" --notify none -- /bin/true || fail "--notify none still looks at it"
}

# ---------------------------------------------------------------------------
# --info-fd

t_info_fd_matches_proc() {
	local sjpid pid init
	"$SOCKJAIL" --info-fd 3 -- /bin/sh -c "while [ ! -e '$SJ_TMP/go' ]; do sleep 0.05; done" 3>"$SJ_TMP/info" &
	sjpid=$!
	sj_bg+=("$sjpid")
	wait_until 30 grep -q '}' "$SJ_TMP/info"
	expect_eq "$(wc -l <"$SJ_TMP/info")" 1 "lines written"
	$PY -c 'import json,sys; json.load(open(sys.argv[1]))' "$SJ_TMP/info" || fail "not JSON: $(cat "$SJ_TMP/info")"
	pid=$(info_field "$SJ_TMP/info" pid)
	init=$(info_field "$SJ_TMP/info" init-pid)
	expect_eq "$(info_field "$SJ_TMP/info" supervisor-pid)" "$sjpid" "supervisor-pid"
	# /proc agrees: COMMAND is pid 2 inside, init pid 1, both children of what they should be.
	expect_eq "$(awk '/^NSpid:/ { print $2, $3 }' "/proc/$pid/status")" "$pid 2" "COMMAND's NSpid"
	expect_eq "$(awk '/^NSpid:/ { print $2, $3 }' "/proc/$init/status")" "$init 1" "init's NSpid"
	expect_eq "$(awk '/^PPid:/ { print $2 }' "/proc/$init/status")" "$sjpid" "init's parent"
	expect_eq "$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status")" "$init" "COMMAND's parent"
	expect_eq "$(info_field "$SJ_TMP/info" net-namespace)" "$(ns_inode "$pid" net)" "net-namespace"
	expect_eq "$(info_field "$SJ_TMP/info" mnt-namespace)" "$(ns_inode "$pid" mnt)" "mnt-namespace"
	expect_eq "$(info_field "$SJ_TMP/info" pid-namespace)" "$(ns_inode "$pid" pid)" "pid-namespace"
	[ "$(ns_inode "$pid" net)" != "$(ns_inode $$ net)" ] || fail "the sandbox shares our netns"
	# As root the supervisor makes the netns after clone() (netns_make()): init joined it, the supervisor stayed out.
	expect_eq "$(ns_inode "$init" net)" "$(ns_inode "$pid" net)" "init's netns"
	expect_eq "$(ns_inode "$sjpid" net)" "$(ns_inode $$ net)" "the supervisor's netns"
	touch "$SJ_TMP/go"
	wait "$sjpid" || fail "sockjail exited $?"
	# --pid host: no init, the host's PID namespace.
	"$SOCKJAIL" --pid host --info-fd 3 -- /bin/sh -c 'echo $$ >"$0"' "$SJ_TMP/self" 3>"$SJ_TMP/info2" ||
		fail "--pid host exited $?"
	expect_eq "$(info_field "$SJ_TMP/info2" init-pid)" null "init-pid with --pid host"
	expect_eq "$(info_field "$SJ_TMP/info2" pid)" "$(cat "$SJ_TMP/self")" "pid with --pid host"
	expect_eq "$(info_field "$SJ_TMP/info2" pid-namespace)" "$(ns_inode $$ pid)" "pid-namespace with --pid host"
}

t_info_fd_bad() {
	local out
	out=$("$SOCKJAIL" --info-fd 9 -- /bin/sh -c ": >'$SJ_TMP/ran'" 2>&1)
	expect_eq "$?" 125 "exit status for a closed --info-fd"
	expect_one_error_line "$out"
	expect_match "$out" "--info-fd 9: Bad file descriptor" "message"
	[ -e "$SJ_TMP/ran" ] && fail "COMMAND ran"
	# The fd is not COMMAND's: a reader sees EOF once COMMAND runs, though COMMAND lives on.
	: >"$SJ_TMP/running"
	out=$( ("$SOCKJAIL" --info-fd 3 -- /bin/sh -c "ls -l /proc/\$\$/fd/ >'$SJ_TMP/fds'; while [ ! -e '$SJ_TMP/go' ]; do sleep 0.05; done; rm '$SJ_TMP/running'" 3>&1 >/dev/null 2>&1 &) | cat)
	touch "$SJ_TMP/go"
	expect_match "$out" '^\{"pid": [0-9]+, ' "the object, read to EOF while COMMAND runs"
	wait_until 30 test -s "$SJ_TMP/fds"
	# COMMAND has ended before $SJ_TMP (and its "go") is removed, or it would poll for ever.
	wait_until 30 test ! -e "$SJ_TMP/running"
	grep -q ' 3 -> ' "$SJ_TMP/fds" && fail "COMMAND inherited the info fd: $(cat "$SJ_TMP/fds")"
	return 0
}

# ---------------------------------------------------------------------------
# --wait

t_wait_command_reports_leftovers() {
	run "$SOCKJAIL" -- /bin/sh -c 'sleep 1000 & sleep 1000 & exit 3'
	expect_eq "$rc" 3 "COMMAND's status"
	expect_eq "$err" "sockjail: COMMAND exited; killing the 2 processes it left running (--wait all waits for them)" \
		"the report"
	run "$SOCKJAIL" -q -- /bin/sh -c 'sleep 1000 & exit 0'
	expect_eq "$rc" 0 "status with -q"
	expect_eq "$err" "" "stderr with -q"
	run "$SOCKJAIL" -- /bin/true
	expect_eq "$err" "" "stderr when nothing is left"
}

t_wait_all() {
	# The last process's status when COMMAND succeeded; COMMAND's when it failed.
	run "$SOCKJAIL" --wait all -- /bin/sh -c "(while [ ! -e '$SJ_TMP/a' ]; do sleep 0.05; done; exit 4) & touch '$SJ_TMP/a'; exit 0"
	expect_eq "$rc" 4 "a daemon's status"
	expect_eq "$err" "" "stderr"
	run "$SOCKJAIL" --wait all -- /bin/sh -c "(while [ ! -e '$SJ_TMP/b' ]; do sleep 0.05; done; exit 4) & touch '$SJ_TMP/b'; exit 2"
	expect_eq "$rc" 2 "COMMAND's failure"
	# eval $(ssh-agent -s) style: the daemon outlives COMMAND; a SIGTERM to
	# sockjail reaches it although it is in a session of its own.
	"$SOCKJAIL" --wait all -- /bin/sh -c "setsid /bin/sh -c 'echo \$\$ >$SJ_TMP/d.pid; exec sleep 1000' & exit 0" &
	local sjpid=$!
	sj_bg+=("$sjpid")
	wait_until 30 test -s "$SJ_TMP/d.pid"
	kill -0 "$sjpid" || fail "sockjail ended before the daemon"
	kill -TERM "$sjpid"
	wait "$sjpid"
	expect_eq "$?" 143 "status after SIGTERM (the daemon's)"
	run "$SOCKJAIL" --wait all --pid host -- /bin/true
	expect_eq "$rc" 125 "--wait all --pid host"
	expect_one_error_line "$err"
}

# ---------------------------------------------------------------------------
# Ctrl-C in a terminal

# ctrlc.py SOCKJAIL ARGS...: start sockjail in a new pseudo-terminal (its
# foreground process group) running a COMMAND that counts SIGINTs; type
# one Ctrl-C; once COMMAND has seen it, send SIGUSR1 to sockjail from this
# process, which sockjail passes on after any further SIGINT it passes on
# (signals are delivered lowest number first); COMMAND prints its count
# when the SIGUSR1 arrives. With "kill" instead of a Ctrl-C, SIGINT comes
# from this process (kill(2)), the way a service manager sends it.
write_ctrlc_py() {
	cat >"$SJ_TMP/ctrlc.py" <<'PY'
import os, pty, re, select, signal, sys
how, argv = sys.argv[1], sys.argv[2:]
child = r'''
import os, signal, sys
count = 0
def on_int(sig, frame):
    global count
    count += 1
    os.write(1, b"got-int\n")
def on_usr1(sig, frame):
    os.write(1, b"sigints=%d\n" % count)
    os._exit(0)
signal.signal(signal.SIGINT, on_int)
signal.signal(signal.SIGUSR1, on_usr1)
os.write(1, b"ready\n")
while True:
    signal.pause()
'''
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv + ["/usr/bin/python3", "-c", child])
buf = b""
def until(word):
    global buf
    while word not in buf:
        if not select.select([fd], [], [], 60)[0]:
            sys.exit("timed out waiting for %r: %r" % (word, buf))
        try:
            data = os.read(fd, 1024)
        except OSError:
            data = b""
        if not data:
            sys.exit("EOF waiting for %r: %r" % (word, buf))
        buf += data
until(b"ready")
if how == "tty":
    os.write(fd, b"\x03")
else:
    os.kill(pid, signal.SIGINT)
until(b"got-int")
os.kill(pid, signal.SIGUSR1)
while not re.search(rb"sigints=\d+\r?\n", buf):
    if not select.select([fd], [], [], 60)[0]:
        sys.exit("timed out waiting for the count: %r" % buf)
    try:
        data = os.read(fd, 1024)
    except OSError:
        data = b""
    if not data:
        sys.exit("EOF before the count: %r" % buf)
    buf += data
_, status = os.waitpid(pid, 0)
line = [l for l in buf.decode().replace("\r", "").split("\n") if l.startswith("sigints=")][0]
print(line, "status=%d" % os.waitstatus_to_exitcode(status))
PY
}

t_ctrl_c_once() {
	write_ctrlc_py
	local out
	out=$($PY "$SJ_TMP/ctrlc.py" tty "$SOCKJAIL" --) || fail "ctrlc.py: $out"
	expect_eq "$out" "sigints=1 status=0" "a Ctrl-C in the terminal"
	out=$($PY "$SJ_TMP/ctrlc.py" tty "$SOCKJAIL" --pid host --) || fail "ctrlc.py: $out"
	expect_eq "$out" "sigints=1 status=0" "a Ctrl-C with --pid host"
	# Control: a SIGINT sent to sockjail by a process is passed on (once).
	out=$($PY "$SJ_TMP/ctrlc.py" kill "$SOCKJAIL" --) || fail "ctrlc.py: $out"
	expect_eq "$out" "sigints=1 status=0" "kill -INT to sockjail"
	# A COMMAND in a session of its own does not hear the terminal: sockjail passes the Ctrl-C on.
	out=$($PY "$SJ_TMP/ctrlc.py" tty "$SOCKJAIL" -- /usr/bin/setsid) || fail "ctrlc.py: $out"
	expect_eq "$out" "sigints=1 status=0" "a Ctrl-C for a COMMAND in its own session"
}

# ---------------------------------------------------------------------------
# Identity

t_identity_names() {
	local out
	if [ "$SJ_MODE" = nested ]; then
		# Only uid 0 is mapped in the test's user namespace: one clear line.
		run "$SOCKJAIL" --uid nobody -- /bin/true
		expect_eq "$rc" 125 "an unmapped uid"
		expect_one_error_line "$err"
		expect_match "$err" "--uid: uid $(id -u nobody) is not mapped in sockjail's user namespace" "message"
		return 0
	fi
	out=$("$SOCKJAIL" --uid nobody --gid nogroup -- /bin/sh -c 'id -u; id -g') || fail "--uid nobody exited $?"
	expect_eq "$out" "$(id -u nobody)"$'\n'"$(getent group nogroup | cut -d: -f3)" "ids by name"
	run "$SOCKJAIL" --uid no-such-user-sj -- /bin/true
	expect_eq "$rc" 125 "unknown user"
	expect_one_error_line "$err"
	expect_match "$err" "--uid no-such-user-sj: no such user" "message"
	run "$SOCKJAIL" --groups no-such-group-sj -- /bin/true
	expect_eq "$rc" 125 "unknown group"
	expect_one_error_line "$err"
}

t_identity_user_groups() {
	is_root_mode || {
		# Rootless or nested: setgroups(2) is denied; --groups says so.
		run "$SOCKJAIL" --groups 0 -- /bin/true
		expect_eq "$rc" 125 "--groups rootless"
		expect_one_error_line "$err"
		expect_match "$err" "--groups: supplementary groups (need root|cannot be set here)" "message"
		return 0
	}
	getent group ssl-cert >/dev/null || skip "no ssl-cert group (apt-get install ssl-cert)"
	local g want
	g=$(getent group ssl-cert | cut -d: -f3)
	want=$(id -G postgres | tr ' ' '\n' | sort -n | tr '\n' ' ')
	out=$("$SOCKJAIL" --uid postgres -- id -G | tr ' ' '\n' | sort -n | tr '\n' ' ')
	expect_eq "$out" "$want" "--uid postgres's groups (as id -G postgres)"
	expect_match " $out" " $g " "ssl-cert among them"
	# As runuser does it.
	expect_eq "$out" "$(runuser -u postgres -- id -G | tr ' ' '\n' | sort -n | tr '\n' ' ')" "runuser's groups"
	# A number brings no groups; --gid or --groups replace the database's.
	expect_eq "$("$SOCKJAIL" --uid "$(id -u postgres)" -- id -G)" "0" "--uid NUMBER's groups"
	expect_eq "$("$SOCKJAIL" --uid postgres --gid ssl-cert -- id -G)" "$g" "--gid given"
	expect_eq "$("$SOCKJAIL" --uid postgres --groups ssl-cert,0 -- id -G | tr ' ' '\n' | sort -n | tr '\n' ' ')" \
		"$(printf '%s\n' 0 "$g" "$(id -g postgres)" | sort -n | tr '\n' ' ')" "--groups given"
	# And in a user namespace of root's (--userns), mapped one to one.
	expect_eq "$("$SOCKJAIL" --userns --uid postgres -- id -G | tr ' ' '\n' | sort -n | tr '\n' ' ')" "$want" \
		"--userns --uid postgres"
}

# ---------------------------------------------------------------------------
# Capabilities: ambient only for a non-root COMMAND

cap_line() { awk -v k="$2:" '$1 == k { print $2 }' <<<"$1"; }

t_cap_keep_ambient_rule() {
	local out
	# A root COMMAND: kept in permitted and effective, not ambient, so a
	# libcap-ng daemon may clear and rebuild its sets.
	out=$("$SOCKJAIL" --uid 0 --cap-keep setuid,setgid -- cat /proc/self/status) || fail "status exited $?"
	expect_eq "$(cap_line "$out" CapEff)" 00000000000000c0 "root's effective set"
	expect_eq "$(cap_line "$out" CapAmb)" 0000000000000000 "root's ambient set"
	expect_eq "$(cap_line "$out" CapBnd)" 00000000000000c0 "root's bounding set"
	# Nested, only uid 0 exists.
	[ "$SJ_MODE" = nested ] && return 0
	# A non-root COMMAND keeps them across execve() only as ambient.
	out=$("$SOCKJAIL" --uid 4242 --cap-keep net_bind_service -- cat /proc/self/status) || fail "status exited $?"
	expect_eq "$(cap_line "$out" CapEff)" 0000000000000400 "a user's effective set"
	expect_eq "$(cap_line "$out" CapAmb)" 0000000000000400 "a user's ambient set"
	# Rootless, only one uid is mapped: no other user to drop to.
	is_root_mode || return 0
	# The daemon pattern: root drops to a user with the kept capabilities
	# (setpriv does what libcap-ng does: clear the sets, change ids).
	out=$("$SOCKJAIL" --uid 0 --cap-keep setuid,setgid -- setpriv --reuid=4242 --regid=4242 --clear-groups \
		--inh-caps=-all id -u 2>&1) || fail "dropping to 4242 under --cap-keep setuid,setgid: $out"
	expect_eq "$out" 4242 "the daemon's new uid"
	# Control: without the capabilities the drop fails.
	"$SOCKJAIL" --uid 0 -- setpriv --reuid=4242 --regid=4242 --clear-groups id -u >/dev/null 2>&1 &&
		fail "setpriv changed ids without capabilities"
	return 0
}
