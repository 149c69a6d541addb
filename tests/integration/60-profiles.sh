# Profiles (issue 4): every shipped profile passes --check-profile and runs
# a real program against a real peer (or a stand-in for one), each with a
# control that shows the difference the profile makes; --learn end to end.
#
# Peers that must sit at fixed paths (/run/dbus/system_bus_socket,
# /run/systemd/journal/*, /run/container, /tmp/.X11-unix) are set up in a
# private mount namespace of the host's, so the host's own /run, /dev and
# /tmp are never touched. Where the test is uid 0 (modes root and nested)
# that is `unshare -m`; as uid 65534 (mode user) it takes a user namespace
# as well (`unshare -Urm`), where the test is uid 0 and sockjail runs nested.
SJ_MODES="root user nested"

PROFILES_TEST=${BASH_SOURCE[0]}
SHIPPED="base strict dbus-system-client journald-client container x11-client"

use_profiles() {
	[ -n "${SJ_PROFILES:-}" ] && [ -d "$SJ_PROFILES" ] ||
		fail "SJ_PROFILES is not set to the shipped profiles (tests/integration/run stages them)"
	export SOCKJAIL_PROFILE_PATH=$SJ_PROFILES
}

# in_private_mntns FUNC: run FUNC (from this file) in a new mount namespace;
# its status (0, 77, fail) becomes the test's.
in_private_mntns() {
	local un=(unshare -m --propagation private) rc
	[ "$(id -u)" = 0 ] || un=(unshare -Urm --propagation private)
	"${un[@]}" true 2>/dev/null || skip "cannot make a private mount namespace with ${un[*]}"
	timeout 60 "${un[@]}" bash -c ". '$SJ_TESTDIR/lib.sh'; . '$PROFILES_TEST'; $1"
	rc=$?
	[ $rc -eq 124 ] && fail "$1 timed out"
	[ $rc -eq 0 ] || exit $rc
}

# In a private mount namespace: an empty /run of our own.
private_run() {
	mount -t tmpfs -o mode=755 tmpfs /run || fail "cannot mount a tmpfs on /run in a private mount namespace"
}

# bind.py ADDR...: bind() an AF_UNIX stream socket to each ADDR ("@name" is
# abstract, "" is autobind) and print "ADDR bound NAME" or "ADDR ERRNO".
write_bind_py() {
	cat >"$SJ_TMP/bind.py" <<'PY'
import errno, socket, sys
for arg in sys.argv[1:]:
    s = socket.socket(socket.AF_UNIX)
    addr = "\0" + arg[1:] if arg.startswith("@") else arg
    try:
        s.bind(addr)
        name = s.getsockname()
        if isinstance(name, bytes):
            name = "@" + name[1:].decode()
        print(arg, "bound", name, flush=True)
    except OSError as e:
        print(arg, errno.errorcode[e.errno], flush=True)
PY
}

# ---------------------------------------------------------------------------
# --check-profile

t_check_profile_shipped_idempotent() {
	use_profiles
	local p name out again
	for name in $SHIPPED; do
		[ -f "$SJ_PROFILES/$name.profile" ] || fail "profiles/$name.profile is not shipped"
	done
	for p in "$SJ_PROFILES"/*.profile; do
		name=$(basename "$p" .profile)
		# Each one says what it is for, first thing.
		expect_match "$(head -n 1 "$p")" "^# $name\\.profile: " "first line of $name.profile"
		out=$(sj --check-profile "$name") || fail "--check-profile $name exited $?"
		expect_eq "$(head -n 1 <<<"$out")" "sockjail-profile 1" "header of --check-profile $name"
		# By path gives the same as by name.
		expect_eq "$(sj --check-profile "$p")" "$out" "--check-profile $p"
		printf '%s\n' "$out" >"$SJ_TMP/$name.effective"
		again=$(sj --check-profile "$SJ_TMP/$name.effective") ||
			fail "--check-profile of its own output for $name exited $?"
		expect_eq "$again" "$out" "--check-profile $name, fed back"
	done
	# What the issue asks of each, in the effective policy.
	expect_lines strict "autobind deny" "pathname-bind run-dirs" "on-deny kill"
	expect_lines container "net none" "run-dir /run/container"
	expect_lines dbus-system-client "net none" "run-socket-optional /run/dbus/system_bus_socket" "abstract deny"
	expect_lines journald-client "run-socket-optional /run/systemd/journal/socket" \
		"run-socket-optional /run/systemd/journal/dev-log"
	expect_lines x11-client "net none" "show-socket /tmp/.X11-unix" "ro-bind /tmp/.X11-unix" "abstract deny"
	sj --check-profile x11-client | grep -q '^abstract-allow' && fail "x11-client allows an abstract name"
	return 0
}

# expect_lines PROFILE LINE...: --check-profile PROFILE prints each LINE.
expect_lines() {
	local p=$1 out l
	shift
	out=$(sj --check-profile "$p") || fail "--check-profile $p exited $?"
	for l in "$@"; do
		grep -qxF -- "$l" <<<"$out" || fail "--check-profile $p has no line [$l]: [$out]"
	done
}

t_profile_error_file_line() {
	use_profiles
	local out rc
	# Line 5 misspells a directive; nothing may start.
	printf '%s\n' 'sockjail-profile 1' '# a comment' '' 'include base' 'abstrct deny' >"$SJ_TMP/typo.profile"
	out=$(sj -p "$SJ_TMP/typo.profile" -- /bin/sh -c ": >'$SJ_TMP/ran'" 2>&1)
	rc=$?
	expect_eq "$rc" 125 "exit status for a bad profile"
	expect_match "$out" "$SJ_TMP/typo\\.profile:5: .*abstrct.*'abstract'" "error message"
	[ -e "$SJ_TMP/ran" ] && fail "COMMAND ran despite the bad profile"
	printf '%s\n' 'sockjail-profile 1' '# a comment' '' 'include base' 'abstract deny' >"$SJ_TMP/fixed.profile"
	ran_marker_control -p "$SJ_TMP/fixed.profile"
	out=$(sj --check-profile "$SJ_TMP/typo.profile" 2>&1)
	expect_eq "$?" 125 "--check-profile exit status"
	expect_match "$out" "$SJ_TMP/typo\\.profile:5: " "--check-profile error"
	# An error in an included file (relative to the including one) names
	# that file and its line.
	mkdir "$SJ_TMP/inc"
	printf '%s\n' 'sockjail-profile 1' 'include strict' 'autobind sometimes' >"$SJ_TMP/inc/part.profile"
	printf '%s\n' 'sockjail-profile 1' 'include inc/part.profile' >"$SJ_TMP/main.profile"
	out=$(sj --check-profile "$SJ_TMP/main.profile" 2>&1)
	expect_eq "$?" 125 "exit status for a bad included profile"
	expect_match "$out" "inc/part\\.profile:3: autobind sometimes" "error in the included file"
	# A run-socket outside /run and a setting that has no place in a file.
	printf '%s\n' 'sockjail-profile 1' 'run-socket /var/run-not' >"$SJ_TMP/outside.profile"
	out=$(sj -p "$SJ_TMP/outside.profile" -- /bin/true 2>&1)
	expect_eq "$?" 125 "exit status for run-socket outside /run"
	expect_match "$out" "outside\\.profile:2: " "run-socket outside /run"
	printf '%s\n' 'sockjail-profile 1' 'learn /tmp/x.profile' >"$SJ_TMP/learn.profile"
	out=$(sj --check-profile "$SJ_TMP/learn.profile" 2>&1)
	expect_eq "$?" 125 "exit status for learn in a profile"
	expect_match "$out" "learn\\.profile:2: " "learn in a profile"
	# Without the header.
	printf '%s\n' 'net none' >"$SJ_TMP/nohdr.profile"
	out=$(sj --check-profile "$SJ_TMP/nohdr.profile" 2>&1)
	expect_eq "$?" 125 "exit status without a header"
	expect_match "$out" "nohdr\\.profile:1: " "missing header"
	return 0
}

# ---------------------------------------------------------------------------
# base

t_base_runs_with_the_defaults() {
	use_profiles
	write_bind_py
	local out rc
	out=$(sj -p base -- /bin/sh -c 'echo "run:$(ls -A /run)"; echo "net:$(ls /sys/class/net)"; exit 7')
	rc=$?
	expect_eq "$rc" 7 "COMMAND's status through -p base"
	expect_eq "$out" $'run:\nnet:lo' "what COMMAND saw"
	out=$(sj -p base -- $PY "$SJ_TMP/bind.py" "@sj-base-$$" "" 2>/dev/null) || fail "bind.py exited $?"
	expect_match "$out" "^@sj-base-$$ EPERM"$'\n'" bound @" "abstract deny, autobind allow"
	# The defaults written out are the defaults: the same filter.
	expect_eq "$(sj -p base --print-filter)" "$(sj --print-filter)" "--print-filter with -p base"
}

# ---------------------------------------------------------------------------
# strict

t_strict_autobind() {
	use_profiles
	write_bind_py
	local out
	# Control: without the profile, autobind works.
	out=$(sj -- $PY "$SJ_TMP/bind.py" "") || fail "control exited $?"
	expect_match "$out" "^ bound @" "autobind without the profile"
	# With it: refused, and on-deny kill ends the sandbox inside bind().
	local killed
	killed=$(sj -p strict -- $PY "$SJ_TMP/bind.py" "" 2>"$SJ_TMP/err")
	expect_eq "$?" 137 "exit status of an autobind under strict"
	expect_match "$(cat "$SJ_TMP/err")" 'denied bind @ ' "denial line"
	# With the profile's on-deny overridden on the command line: EPERM.
	out=$(sj -p strict --on-deny errno -- $PY "$SJ_TMP/bind.py" "" 2>/dev/null) || fail "exited $?"
	expect_eq "$out" " EPERM" "autobind under strict --on-deny errno"
	# Killed inside bind(): the program never sees the refusal.
	expect_eq "$killed" "" "what the program printed after its refused autobind under on-deny kill"
}

t_strict_pathname_bind_run_dirs() {
	use_profiles
	write_bind_py
	local out dir=$SJ_RUNTMP/strict
	mkdir "$dir" # so that it stays: sockjail removes a run-dir it created
	# Control: without the profile, a pathname bind in $SJ_TMP works.
	out=$(sj -- $PY "$SJ_TMP/bind.py" "$SJ_TMP/ctl.sock") || fail "control exited $?"
	expect_eq "$out" "$SJ_TMP/ctl.sock bound $SJ_TMP/ctl.sock" "control"
	# Inside a --run-dir it works under strict, and the host sees it.
	out=$(sj -p strict --run-dir "$dir" -- $PY "$SJ_TMP/bind.py" "$dir/in.sock") || fail "exited $?"
	expect_eq "$out" "$dir/in.sock bound $dir/in.sock" "bind inside the run-dir"
	[ -S "$dir/in.sock" ] || fail "$dir/in.sock is not on the host"
	# Outside: refused with EPERM when the profile's on-deny is overridden...
	out=$(sj -p strict --on-deny errno --run-dir "$dir" -- $PY "$SJ_TMP/bind.py" "$SJ_TMP/out.sock" 2>/dev/null) ||
		fail "exited $?"
	expect_eq "$out" "$SJ_TMP/out.sock EPERM" "bind outside the run-dirs"
	[ -e "$SJ_TMP/out.sock" ] && fail "$SJ_TMP/out.sock was created"
	# ...and with strict as it is, a refused bind ends the whole sandbox
	# (on-deny kill, and the profile's comment says so).
	out=$(sj -p strict --run-dir "$dir" -- $PY "$SJ_TMP/bind.py" "$SJ_TMP/out.sock" 2>/dev/null)
	expect_eq "$?" 137 "exit status of a pathname bind outside the run-dirs under strict (output [$out])"
	[ -e "$SJ_TMP/out.sock" ] && fail "$SJ_TMP/out.sock was created"
	return 0
}

t_strict_abstract_kills() {
	use_profiles
	write_bind_py
	local out name=sj-strict-$$
	# Control: the same program binds the name when abstract names are allowed.
	out=$(sj --abstract allow -- $PY "$SJ_TMP/bind.py" "@$name") || fail "control exited $?"
	expect_eq "$out" "@$name bound @$name" "control"
	# strict: the first abstract bind kills the sandbox, the whole of it:
	# a second process that would write a file a moment later never does.
	out=$(sj -p strict -- /bin/sh -c "(sleep 1; : >'$SJ_TMP/survivor') & $PY '$SJ_TMP/bind.py' '@$name'; wait" \
		2>"$SJ_TMP/err")
	expect_eq "$?" 137 "exit status of an abstract bind under strict"
	expect_match "$(cat "$SJ_TMP/err")" "denied bind @$name " "denial line"
	sleep 1.2
	[ -e "$SJ_TMP/survivor" ] && fail "a process of the sandbox survived on-deny kill"
	# Killed inside bind(): the program never sees the refusal.
	expect_eq "$out" "" "what the program printed after its refused bind under on-deny kill"
}

# ---------------------------------------------------------------------------
# dbus-system-client, against a dbus-daemon of the test's own

write_bus_conf() {
	cat >"$SJ_TMP/bus.conf" <<'XML'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
XML
}

dbus_list_names() { # SOCKJAIL-OPTIONS...
	timeout 15 "$SOCKJAIL" "$@" -- dbus-send --system --print-reply --reply-timeout=5000 \
		--dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.ListNames
}

_dbus_private() {
	private_run
	mkdir /run/dbus
	timeout 50 dbus-daemon --config-file="$SJ_TMP/bus.conf" --nofork --nopidfile --print-address=1 \
		>"$SJ_TMP/bus.addr" 2>"$SJ_TMP/bus.err" &
	local daemon=$! out
	trap "kill $daemon 2>/dev/null" EXIT
	wait_for_path /run/dbus/system_bus_socket 10
	# The file appears at bind(), before listen(): the address is printed once
	# the bus accepts connections.
	wait_until 10 test -s "$SJ_TMP/bus.addr" || fail "dbus-daemon printed no address: $(cat "$SJ_TMP/bus.err")"
	# Control: plain sockjail has an empty /run, so there is no bus.
	out=$(dbus_list_names 2>&1) && fail "dbus-send reached the bus without the profile: $out"
	expect_match "$out" "system_bus_socket" "dbus-send's error without the profile"
	out=$(dbus_list_names -p dbus-system-client 2>&1) || fail "dbus-send under dbus-system-client: $out"
	expect_match "$out" '^method return .*string "org\.freedesktop\.DBus"' "ListNames reply"
	# The socket and nothing else, read-only.
	out=$(sj -p dbus-system-client -- /bin/sh -c 'find /run; : >/run/dbus/other 2>/dev/null && echo wrote')
	expect_eq "$out" $'/run\n/run/dbus\n/run/dbus/system_bus_socket' "/run inside"
	kill "$daemon"
	wait "$daemon" 2>/dev/null
	trap - EXIT
	return 0
}

t_dbus_system_client() {
	require_cmd dbus-daemon # apt-get install dbus-daemon dbus-bin
	require_cmd dbus-send
	use_profiles
	write_bus_conf
	in_private_mntns _dbus_private
}

# ---------------------------------------------------------------------------
# journald-client, against stand-in listeners

write_journal_standin() {
	cat >"$SJ_TMP/journal.py" <<'PY'
import os, select, socket, sys, time
out = open(sys.argv[1], "w")
socks = {}
for name in ("socket", "dev-log"):
    path = "/run/systemd/journal/" + name
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o666)
    socks[s] = name
open(sys.argv[2], "w").close()
end = time.monotonic() + 40
while time.monotonic() < end:
    ready, _, _ = select.select(list(socks), [], [], 0.2)
    for s in ready:
        data = s.recv(65536)
        if data == b"STOP":
            sys.exit(0)
        print(socks[s], data.decode(errors="replace").replace("\n", "|"), file=out, flush=True)
PY
}

# A /dev of our own with the symlink systemd makes, /dev/log ->
# /run/systemd/journal/dev-log. This host's /dev may have no /dev/log at all
# (a container, no systemd), and the real one must not be replaced, so the
# test always builds its own: the device nodes are bind mounts of the real
# ones.
private_dev_with_log() {
	local d=$SJ_TMP/dev n
	mkdir "$d" && mount -t tmpfs -o mode=755 tmpfs "$d" || fail "cannot mount a tmpfs for /dev"
	for n in null zero full random urandom tty; do
		[ -e "/dev/$n" ] || continue
		: >"$d/$n" && mount --bind "/dev/$n" "$d/$n" || fail "cannot bind-mount /dev/$n"
	done
	ln -s /proc/self/fd "$d/fd"
	ln -s fd/0 "$d/stdin"
	ln -s fd/1 "$d/stdout"
	ln -s fd/2 "$d/stderr"
	ln -s /run/systemd/journal/dev-log "$d/log"
	mount --move "$d" /dev || fail "cannot move the private /dev into place"
}

# The three ways a program logs: logger(1) to /dev/log, syslog(3) (glibc,
# to /dev/log, losing the message silently when it cannot), and the native
# protocol that sd_journal_print(3) speaks (logger --journald).
journal_clients() { # TAG
	cat <<EOF
timeout 5 logger --socket-errors=on -u /dev/log -t sjtest "$1 logger"
timeout 5 $PY -c 'import syslog; syslog.openlog("sjtest"); syslog.syslog("$1 syslog3")'
printf 'MESSAGE=$1 native\nSYSLOG_IDENTIFIER=sjtest\n' | timeout 5 logger --journald
EOF
}

_journald_private() {
	private_run
	private_dev_with_log
	mkdir -p /run/systemd/journal
	timeout 50 $PY "$SJ_TMP/journal.py" "$SJ_TMP/journal.out" "$SJ_TMP/journal.ready" &
	local standin=$! out
	trap "kill $standin 2>/dev/null" EXIT
	wait_for_path "$SJ_TMP/journal.ready" 10
	# Reachable outside the sandbox: the set-up works.
	timeout 5 logger --socket-errors=on -u /dev/log -t sjtest "outside" || fail "logger outside the sandbox failed"
	# Control: plain sockjail; /dev/log dangles, the journal socket is missing.
	sj -- /bin/sh -c "$(journal_clients control)" >"$SJ_TMP/control.out" 2>&1
	sj -p journald-client -- /bin/sh -ec "$(journal_clients profile)" >"$SJ_TMP/profile.out" 2>&1 ||
		fail "the clients failed under journald-client: $(cat "$SJ_TMP/profile.out")"
	$PY -c 'import socket; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"STOP", "/run/systemd/journal/socket")'
	wait "$standin"
	trap - EXIT
	out=$(cat "$SJ_TMP/journal.out")
	expect_match "$out" '(^|'$'\n'')dev-log <[0-9]+>.*sjtest: outside' "the message from outside"
	expect_match "$out" 'dev-log <[0-9]+>.*sjtest: profile logger' "logger(1) to /dev/log in the sandbox"
	expect_match "$out" 'dev-log <[0-9]+>.*sjtest: profile syslog3' "syslog(3) in the sandbox"
	expect_match "$out" 'socket (.*\|)?MESSAGE=profile native\|' "the native protocol in the sandbox"
	expect_no_match "$out" 'control' "what reached the journal from the control run"
	expect_match "$(cat "$SJ_TMP/control.out")" '/dev/log' "logger's error in the control run"
	return 0
}

t_journald_client() {
	require_cmd logger
	use_profiles
	write_journal_standin
	in_private_mntns _journald_private
}

# ---------------------------------------------------------------------------
# container

write_container_server() {
	cat >"$SJ_TMP/server.py" <<'PY'
import errno, os, socket, sys
seen = open(sys.argv[1], "w")
print("run:", *sorted(os.listdir("/run")), file=seen)
print("net:", *sorted(os.listdir("/sys/class/net")), file=seen)
try:
    open("/run/other", "w")
    print("/run/other: created", file=seen)
except OSError as e:
    print("/run/other:", errno.errorcode[e.errno], file=seen)
seen.flush()
s = socket.socket(socket.AF_UNIX)
s.bind("/run/container/app.sock")
s.listen(1)
s.settimeout(20)
c, _ = s.accept()
c.settimeout(20)
c.sendall(b"pong " + c.recv(100))
c.close()
os.unlink("/run/container/app.sock")
PY
}

_container_private() {
	private_run
	# What the host has in /run; the sandbox must see none of it.
	mkdir /run/dbus /run/user
	: >/run/utmp
	sj -p container -- $PY "$SJ_TMP/server.py" "$SJ_TMP/seen" &
	local pid=$! out
	wait_for_path /run/container/app.sock 10
	expect_eq "$(stat -c '%F %a %u' /run/container)" "directory 755 $(id -u)" "/run/container on the host"
	out=$($PY -c '
import socket, sys
c = socket.socket(socket.AF_UNIX)
c.settimeout(10)
c.connect("/run/container/app.sock")
c.sendall(b"from the host")
print(c.recv(100).decode())') || fail "the host could not talk to the sandbox's socket"
	expect_eq "$out" "pong from the host" "reply through /run/container/app.sock"
	wait "$pid" || fail "sockjail exited $?"
	expect_eq "$(cat "$SJ_TMP/seen")" $'run: container\nnet: lo\n/run/other: EROFS' "what the sandbox saw"
	# sockjail made /run/container, so it removes it.
	[ -e /run/container ] && fail "/run/container left behind"
	return 0
}

t_container() {
	use_profiles
	write_container_server
	in_private_mntns _container_private
}

# ---------------------------------------------------------------------------
# x11-client, against a stand-in X server socket

write_x_standin() {
	cat >"$SJ_TMP/xserver.py" <<'PY'
import os, socket, sys
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX)
s.bind(path)
os.chmod(path, 0o777)
s.listen(4)
s.settimeout(30)
while True:
    c, _ = s.accept()
    c.settimeout(10)
    data = c.recv(100)
    if data == b"STOP":
        break
    c.sendall(b"X stand-in got " + data)
    c.close()
PY
}

# A /tmp of our own, with the test's scratch dir and the staged binaries
# put back: /tmp/.X11-unix may not exist on this host, and must not be
# created or changed on it if it does.
private_tmp() {
	local keep=$SJ_RUNTMP/hosttmp p
	mkdir "$keep" && mount --rbind /tmp "$keep" || fail "cannot bind /tmp aside"
	mount -t tmpfs -o mode=1777 tmpfs /tmp || fail "cannot mount a tmpfs on /tmp"
	for p in "$SJ_TMP" "$(dirname "$SOCKJAIL")" "$SJ_PROFILES"; do
		case $p in /tmp/?*) ;; *) continue ;; esac
		mkdir -p "$p" && mount --rbind "$keep/${p#/tmp/}" "$p" || fail "cannot put $p back"
	done
	mkdir -m 1777 /tmp/.X11-unix
}

_x11_private() {
	private_tmp
	write_x_standin
	local n=$((100 + RANDOM % 800)) out
	local sock=/tmp/.X11-unix/X$n
	timeout 50 $PY "$SJ_TMP/xserver.py" "$sock" &
	local standin=$!
	trap "kill $standin 2>/dev/null" EXIT
	wait_for_path "$sock" 10
	# A real client reaches the display by path.
	out=$(sj -p x11-client -- /bin/sh -c "printf hello | timeout 10 socat -t 5 - UNIX-CONNECT:$sock") ||
		fail "socat under x11-client exited $?"
	expect_eq "$out" "X stand-in got hello" "reply through $sock"
	# The abstract twin of the display cannot be bound (squatted), nor can a
	# socket be added next to the real ones.
	out=$(sj -p x11-client -- $PY "$SJ_TMP/bind.py" "@$sock" "/tmp/.X11-unix/X$((n + 1))" 2>"$SJ_TMP/err") ||
		fail "bind.py under x11-client exited $?"
	expect_eq "$out" "@$sock EPERM"$'\n'"/tmp/.X11-unix/X$((n + 1)) EROFS" "binds under x11-client"
	expect_match "$(cat "$SJ_TMP/err")" "denied bind @$sock " "denial line"
	# Control: without the profile, under --abstract allow, it can.
	out=$(sj --abstract allow -- $PY "$SJ_TMP/bind.py" "@$sock") || fail "control exited $?"
	expect_eq "$out" "@$sock bound @$sock" "control"
	printf STOP | timeout 5 socat - "UNIX-CONNECT:$sock"
	wait "$standin"
	trap - EXIT
	return 0
}

t_x11_client() {
	require_cmd socat
	use_profiles
	write_bind_py
	in_private_mntns _x11_private
}

# ---------------------------------------------------------------------------
# --learn

# A stand-in service under /run: a stream socket, and two datagram sockets.
write_run_standin() {
	cat >"$SJ_TMP/runsvc.py" <<'PY'
import os, select, socket, sys, time
d = sys.argv[1]
out = open(sys.argv[2], "w")
stream = socket.socket(socket.AF_UNIX)
stream.bind(d + "/stream.sock")
stream.listen(8)
socks = [stream]
for name in ("dgram.sock", "msg.sock"):
    g = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    g.bind(d + "/" + name)
    socks.append(g)
open(d + "/ready", "w").close()
end = time.monotonic() + 50
while time.monotonic() < end:
    ready, _, _ = select.select(socks, [], [], 0.2)
    for s in ready:
        if s is stream:
            c, _ = s.accept()
            c.settimeout(5)
            data = c.recv(100)
            c.sendall(b"ok")
            c.close()
        else:
            data = s.recv(100)
        if data == b"STOP":
            sys.exit(0)
        print(data.decode(), file=out, flush=True)
PY
}

# prog.py DIR NAME: binds the abstract NAME, then uses the three sockets in
# DIR with connect(), sendto() and sendmsg(). Fails at the first refusal.
write_learn_prog() {
	cat >"$SJ_TMP/prog.py" <<'PY'
import socket, sys
d, name, tag = sys.argv[1], sys.argv[2], sys.argv[3]
a = socket.socket(socket.AF_UNIX)
a.bind("\0" + name)
c = socket.socket(socket.AF_UNIX)
c.settimeout(5)
c.connect(d + "/stream.sock")
c.sendall(tag.encode() + b" connect")
assert c.recv(10) == b"ok"
g = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
g.sendto(tag.encode() + b" sendto", d + "/dgram.sock")
g.sendmsg([tag.encode() + b" sendmsg"], [], 0, d + "/msg.sock")
print("done")
PY
}

t_learn() {
	write_run_standin
	write_learn_prog
	local d=$SJ_RUNTMP/svc out rc
	# Glob characters and a space: the learned line must match literally.
	local name="sj learn $$ [x]*" learned=$SJ_TMP/learned.profile
	mkdir "$d"
	timeout 50 $PY "$SJ_TMP/runsvc.py" "$d" "$SJ_TMP/svc.out" &
	local standin=$!
	trap "kill $standin 2>/dev/null" EXIT
	wait_for_path "$d/ready" 10
	# Control: plain sockjail refuses the abstract bind (and has no /run).
	out=$(sj -- $PY "$SJ_TMP/prog.py" "$d" "$name" control 2>&1)
	rc=$?
	[ $rc -eq 0 ] && fail "prog.py succeeded under plain sockjail: $out"
	expect_match "$out" "PermissionError" "prog.py under plain sockjail"
	# Learn.
	out=$(sj --learn "$learned" -- $PY "$SJ_TMP/prog.py" "$d" "$name" learn 2>&1) ||
		fail "prog.py under --learn exited $?: $out"
	expect_eq "$out" "done" "prog.py's output under --learn"
	[ -s "$learned" ] || fail "--learn wrote no profile"
	out=$(cat "$learned")
	expect_match "$out" $'(^|\n)sockjail-profile 1\n' "learned header"
	expect_match "$out" $'\nrun-socket '"$d/stream.sock"$'\n' "learned connect()"
	expect_match "$out" $'\nrun-socket '"$d/dgram.sock"$'\n' "learned sendto()"
	expect_match "$out" $'\nrun-socket '"$d/msg.sock"$'\n' "learned sendmsg()"
	expect_match "$out" $'\nabstract-allow "@sj learn '"$$"$' \\[\\[\\]x\\]\\[\\*\\]"\n' "learned abstract name"
	# It is a valid profile, and --check-profile is idempotent on it.
	out=$(sj --check-profile "$learned") || fail "--check-profile of the learned profile exited $?"
	printf '%s\n' "$out" >"$SJ_TMP/learned.effective"
	expect_eq "$(sj --check-profile "$SJ_TMP/learned.effective")" "$out" "--check-profile, fed back"
	# With it, the same program succeeds under the default abstract deny.
	out=$(sj -p "$learned" -- $PY "$SJ_TMP/prog.py" "$d" "$name" profile 2>&1) ||
		fail "prog.py under the learned profile exited $?: $out"
	expect_eq "$out" "done" "prog.py's output under the learned profile"
	# Each part is needed: without the abstract-allow line, or without the
	# run-socket lines, it fails again.
	# (prog.py's own failure: status 1 and its exception, not sockjail's 125.)
	grep -v '^abstract-allow' "$learned" >"$SJ_TMP/no-abstract.profile"
	out=$(sj -p "$SJ_TMP/no-abstract.profile" -- $PY "$SJ_TMP/prog.py" "$d" "$name" partial 2>&1)
	expect_eq "$?" 1 "prog.py without the learned abstract-allow: $out"
	expect_match "$out" "PermissionError" "prog.py without the learned abstract-allow"
	grep -v '^run-socket' "$learned" >"$SJ_TMP/no-run.profile"
	out=$(sj -p "$SJ_TMP/no-run.profile" -- $PY "$SJ_TMP/prog.py" "$d" "$name" partial 2>&1)
	expect_eq "$?" 1 "prog.py without the learned run-socket lines: $out"
	expect_match "$out" "FileNotFoundError" "prog.py without the learned run-socket lines"
	$PY -c 'import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"STOP", sys.argv[1])' \
		"$d/dgram.sock"
	wait "$standin"
	trap - EXIT
	# The service heard the learning run and the profile run, nothing else.
	out=$(sort "$SJ_TMP/svc.out" | tr '\n' ' ')
	expect_eq "$out" "learn connect learn sendmsg learn sendto profile connect profile sendmsg profile sendto " \
		"what the service received"
}

# A program that binds its own socket under /run: --learn shows the host's
# /run read-only, so that bind fails while learning, but it is recorded, and
# the learned run-dir makes the same bind work.
t_learn_run_dir() {
	cat >"$SJ_TMP/own.py" <<'PY'
import os, socket, sys
path = sys.argv[1]
try:
    os.makedirs(os.path.dirname(path), exist_ok=True)
except OSError:
    pass
s = socket.socket(socket.AF_UNIX)
try:
    s.bind(path)
    print("bound", os.path.exists(path))
except OSError as e:
    print("bind failed", e.strerror)
PY
	local dir=$SJ_RUNTMP/own out learned=$SJ_TMP/own.profile
	# Control: plain sockjail's /run is empty and read-only.
	out=$(sj -- $PY "$SJ_TMP/own.py" "$dir/app.sock") || fail "control exited $?"
	expect_match "$out" "^bind failed" "control"
	out=$(sj --learn "$learned" -- $PY "$SJ_TMP/own.py" "$dir/app.sock") || fail "--learn run exited $?"
	expect_match "$out" "^bind failed" "the bind while learning"
	grep -qxF "run-dir $dir" "$learned" || fail "no run-dir $dir in the learned profile: [$(cat "$learned")]"
	sj --check-profile "$learned" >/dev/null || fail "--check-profile of the learned profile exited $?"
	out=$(sj -p "$learned" -- $PY "$SJ_TMP/own.py" "$dir/app.sock") || fail "exited $?"
	expect_eq "$out" "bound True" "the bind under the learned profile"
	# The run-dir was made by sockjail for that run, and removed after it.
	[ -e "$dir" ] && fail "$dir left behind"
	return 0
}
