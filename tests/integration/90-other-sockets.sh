# The host's other sockets (issue 17): --other-sockets hidden (the
# default) covers the pathname sockets outside /run, --show-socket and
# --bind sources keep theirs, and --exposure reports what a sandbox built
# from the same options can reach, in agreement with what it can do.
# Every denial has a control: the same connect outside, or with
# --other-sockets visible, succeeds.
SJ_MODES="root user nested"

# A server: KIND ADDRESS READYFILE [MODE]. KIND stream answers "pong" to
# every connection; dgram receives datagrams. ADDRESS "@name" is abstract.
# MODE chmods the socket file (a pathname) before READYFILE appears.
write_server() {
	cat >"$SJ_TMP/server.py" <<'PYEOF'
import os, signal, socket, sys
signal.alarm(60)  # bounded, whatever happens to the test
kind, addr, ready = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM if kind == "stream" else socket.SOCK_DGRAM)
s.bind("\0" + addr[1:] if addr.startswith("@") else addr)
if len(sys.argv) > 4 and not addr.startswith("@"):
    os.chmod(addr, int(sys.argv[4], 8))
if kind == "stream":
    s.listen(16)
open(ready, "w").close()
while True:
    if kind == "stream":
        c, _ = s.accept()
        c.sendall(b"pong\n")
        c.close()
    else:
        s.recv(100)
PYEOF
	cat >"$SJ_TMP/client.py" <<'PYEOF'
import errno, socket, sys
kind, addr = sys.argv[1], sys.argv[2]
a = "\0" + addr[1:] if addr.startswith("@") else addr
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM if kind == "stream" else socket.SOCK_DGRAM)
s.settimeout(5)
try:
    if kind == "stream":
        s.connect(a)
        print(s.makefile().readline().strip())
    else:
        s.sendto(b"x", a)
        print("sent")
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e.errno)))
PYEOF
	chmod 644 "$SJ_TMP/server.py" "$SJ_TMP/client.py"
}

# start_server KIND ADDRESS [MODE] [setpriv ARGS...]: start, wait until it
# is bound, remember its pid in $srv_pid.
start_server() {
	local kind=$1 addr=$2 mode=${3:-} ready
	shift 3 2>/dev/null || shift $#
	ready="${ready_dir:-$SJ_TMP}/ready.$RANDOM$RANDOM"
	"$@" "$PY" "$SJ_TMP/server.py" "$kind" "$addr" "$ready" $mode >>"$SJ_TMP/server.log" 2>&1 &
	srv_pid=$!
	sj_bg+=("$srv_pid")
	wait_until 10 test -e "$ready"
}

# client KIND ADDRESS: the reply, or the errno's name.
client() { "$PY" "$SJ_TMP/client.py" "$@"; }

# --- hiding -----------------------------------------------------------------

t_host_socket_hidden_by_default() {
	write_server
	local p="$SJ_TMP/host.sock"
	start_server stream "$p"
	# In root mode the socket is root's; rootless, the caller's own.
	expect_eq "$(client stream "$p")" pong "outside (control)"
	expect_eq "$(sj --other-sockets visible -- "$PY" "$SJ_TMP/client.py" stream "$p")" pong "--other-sockets visible"
	expect_eq "$(sj -- "$PY" "$SJ_TMP/client.py" stream "$p")" ECONNREFUSED "the default"
	expect_eq "$(sj --other-sockets hidden -- "$PY" "$SJ_TMP/client.py" stream "$p")" ECONNREFUSED "hidden"
	# The host's socket is untouched.
	expect_eq "$(client stream "$p")" pong "outside, afterwards"
}

t_datagram_socket_hidden() {
	write_server
	local p="$SJ_TMP/dgram.sock"
	start_server dgram "$p"
	expect_eq "$(client dgram "$p")" sent "outside (control)"
	expect_eq "$(sj --other-sockets visible -- "$PY" "$SJ_TMP/client.py" dgram "$p")" sent "visible"
	expect_eq "$(sj -- "$PY" "$SJ_TMP/client.py" dgram "$p")" ECONNREFUSED "the default"
}

t_show_socket_and_bind_source_stay() {
	write_server
	mkdir -p "$SJ_TMP/a" "$SJ_TMP/b"
	start_server stream "$SJ_TMP/a/shown.sock"
	start_server stream "$SJ_TMP/a/other.sock"
	start_server stream "$SJ_TMP/b/bound.sock"
	run sj --show-socket "$SJ_TMP/a/shown.sock" -- sh -c \
		"'$PY' '$SJ_TMP/client.py' stream '$SJ_TMP/a/shown.sock'; '$PY' '$SJ_TMP/client.py' stream '$SJ_TMP/a/other.sock'"
	expect_eq "$out" $'pong\nECONNREFUSED' "--show-socket a socket"
	run sj --show-socket "$SJ_TMP/a" -- "$PY" "$SJ_TMP/client.py" stream "$SJ_TMP/a/other.sock"
	expect_eq "$out" pong "--show-socket a directory"
	run sj --bind "$SJ_TMP/b" -- "$PY" "$SJ_TMP/client.py" stream "$SJ_TMP/b/bound.sock"
	expect_eq "$out" pong "beneath a --bind source"
	run sj --ro-bind "$SJ_TMP/b:$SJ_TMP/a" -- "$PY" "$SJ_TMP/client.py" stream "$SJ_TMP/a/bound.sock"
	expect_eq "$out" pong "beneath a --ro-bind source, at its destination"
	run sj -- "$PY" "$SJ_TMP/client.py" stream "$SJ_TMP/b/bound.sock"
	expect_eq "$out" ECONNREFUSED "the same socket without the bind"
}

t_sandbox_own_socket_in_tmp_works() {
	write_server
	start_server stream "$SJ_TMP/host.sock"
	run sj -- sh -c "'$PY' '$SJ_TMP/server.py' stream '$SJ_TMP/own.sock' '$SJ_TMP/own.ready' & 
		while [ ! -e '$SJ_TMP/own.ready' ]; do sleep 0.05; done
		'$PY' '$SJ_TMP/client.py' stream '$SJ_TMP/own.sock'; kill \$!"
	expect_eq "$out" pong "a socket the sandbox made in /tmp"
	[ -S "$SJ_TMP/own.sock" ] || fail "the sandbox's socket is not a real file on the host"
	expect_eq "$(sj -- "$PY" "$SJ_TMP/client.py" stream "$SJ_TMP/host.sock")" ECONNREFUSED "the host's, meanwhile"
}

t_cover_cannot_be_removed_or_unmounted() {
	write_server
	local p="$SJ_TMP/host.sock"
	start_server stream "$p"
	run sj -- sh -c "rm -f '$p'; echo rm=\$?; chmod 0 '$p'; echo chmod=\$?; umount '$p'; echo umount=\$?;
		unshare -Urm sh -c 'umount $p' ; echo nested=\$?;
		'$PY' '$SJ_TMP/client.py' stream '$p'"
	expect_match "$out" 'rm=1' "rm"
	expect_match "$out" 'chmod=1' "chmod"
	expect_match "$out" 'umount=[1-9]' "umount"
	expect_match "$out" 'nested=[1-9]' "umount in a user namespace of its own"
	expect_match "$out" 'ECONNREFUSED$' "connect after the attempts"
	expect_eq "$(client stream "$p")" pong "the host's socket afterwards"
}

t_bad_option_values() {
	run sj --other-sockets maybe -- true
	expect_eq "$rc" 125 "status"
	expect_one_error_line "$err"
	expect_eq "$err" "sockjail: --other-sockets maybe: expected hidden or visible"
	run sj --show-socket relative/x -- true
	expect_eq "$rc" 125 "status"
	expect_eq "$err" "sockjail: --show-socket relative/x: path must be absolute"
	run sj --json -- true
	expect_eq "$rc" 125 "status"
	expect_one_error_line "$err"
}

# --- the exposure report ------------------------------------------------------

# Known sockets: one of ours in SJ_TMP, one in a --run-dir, an abstract
# listener, and in root mode one of another user's (mode 0666, so anyone
# may connect: the dangerous kind). Sets the addresses and pids.
make_known_sockets() {
	write_server
	tag=${SJ_TMP##*.}
	own="$SJ_TMP/own-$tag.sock"
	rundir="$SJ_RUNTMP/rd"
	inrun="$rundir/run-$tag.sock"
	abs="@sjt-exposure-$tag"
	other=
	start_server stream "$own"
	own_pid=$srv_pid
	mkdir -p "$rundir"
	start_server stream "$inrun"
	inrun_pid=$srv_pid
	start_server stream "$abs"
	abs_pid=$srv_pid
	if is_root_mode; then
		# nobody's server reads the script and writes its files there.
		chmod 755 "$SJ_TMP"
		mkdir -m 755 "$SJ_TMP/other"
		chown 65534:65534 "$SJ_TMP/other"
		other="$SJ_TMP/other/nobody-$tag.sock"
		ready_dir="$SJ_TMP/other" start_server stream "$other" 0666 \
			setpriv --reuid=65534 --regid=65534 --clear-groups
		other_pid=$srv_pid
	fi
}

# check_report OPTIONS...: run --exposure with and without --json under
# OPTIONS, and check with python: the JSON parses, every known socket is
# listed once with its owner, its reason is the one in $want_* and the
# text table's row says the same.
check_report() {
	run sj --exposure "$@"
	[ "$rc" = 0 ] || fail "--exposure $*: status $rc: $err"
	printf '%s\n' "$out" >"$SJ_TMP/report.txt"
	run sj --exposure --json "$@"
	[ "$rc" = 0 ] || fail "--exposure --json $*: status $rc: $err"
	printf '%s\n' "$out" >"$SJ_TMP/report.json"
	local args=("$own" "$own_pid" "$(id -u)" "$want_own"
		    "$inrun" "$inrun_pid" "$(id -u)" "$want_inrun"
		    "$abs" "$abs_pid" "$(id -u)" "$want_abs")
	[ -n "$other" ] && args+=("$other" "$other_pid" 65534 "$want_other")
	"$PY" - "$SJ_TMP/report.json" "$SJ_TMP/report.txt" "${args[@]}" <<'PYEOF' || fail "report for: $*"
import json, re, sys
doc = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read().splitlines()
socks = doc["sockets"]
assert doc["version"] == 1
assert doc["summary"]["total"] == len(socks)
# Two runs, and other tests' sockets come and go in between: each output
# is checked against itself, and the two only on this test's sockets.
c = {"outside": 0, "in_run": 0, "abstract": 0, "hidden": 0}
for x in socks:
    if x["reason"] == "hidden":
        c["hidden"] += 1
    if x["reachable"]:
        p = x["sandbox_path"] or ""
        c["abstract" if x["kind"] == "abstract" else "in_run" if p == "/run" or p.startswith("/run/") else "outside"] += 1
s = doc["summary"]
assert (s["reachable_outside_run"], s["reachable_in_run"], s["reachable_abstract"], s["hidden"]) == \
    (c["outside"], c["in_run"], c["abstract"], c["hidden"]), (s, c)
rows = [l.split() for l in text if l.startswith(("yes ", "no "))]
m = re.match(r"^reachable: (\d+) sockets? outside /run, (\d+) in /run, (\d+) abstract; hidden: (\d+) \(of (\d+) listed\)$", text[0])
assert m, text[0]
assert int(m.group(5)) == len(rows), (text[0], len(rows))
assert int(m.group(4)) == sum(1 for r in rows if r[1] == "hidden"), text[0]
assert int(m.group(3)) == sum(1 for r in rows if r[0] == "yes" and r[7].startswith("@")), text[0]
args = sys.argv[3:]
for i in range(0, len(args), 4):
    addr, pid, uid, want = args[i], int(args[i + 1]), int(args[i + 2]), args[i + 3]
    mine = [x for x in socks if x["address"] == addr]
    assert len(mine) == 1, (addr, mine)
    x = mine[0]
    assert x["reason"] == want, (addr, x["reason"], want)
    assert x["reachable"] == (want in ("granted", "visible")), x
    assert x["owner"]["pid"] == pid, (addr, x["owner"], pid)
    assert x["owner"]["comm"].startswith("python"), x["owner"]
    assert x["owner"]["uid"] == uid, (addr, x["owner"], uid)
    assert x["kind"] == ("abstract" if addr.startswith("@") else "pathname")
    # The same socket's row in the table says the same.
    r = [r for r in rows if addr in r]
    assert len(r) == 1, (addr, r)
    r = r[0]
    assert r[0] == ("yes" if x["reachable"] else "no") and r[1] == want and r[3] == str(pid), (r, x)
    assert addr in r, (addr, r)
# Most dangerous first: every reachable socket before every unreachable one.
seen_unreachable = False
for x in socks:
    if not x["reachable"]:
        seen_unreachable = True
    assert not (x["reachable"] and seen_unreachable), "order"
PYEOF
}

t_exposure_net_none() {
	make_known_sockets
	want_own=hidden want_inrun=granted want_abs=private-netns want_other=hidden
	check_report --run-dir "$rundir"
	# Without the --run-dir, /run's tmpfs covers it.
	want_inrun=covered
	check_report
	expect_match "$(head -1 "$SJ_TMP/report.txt")" '^reachable: [0-9]+ sockets? outside /run, 0 in /run, 0 abstract; hidden: [0-9]+' "summary"
}

t_exposure_other_sockets_visible() {
	make_known_sockets
	want_own=visible want_inrun=granted want_abs=private-netns want_other=visible
	check_report --other-sockets visible --run-dir "$rundir"
	want_own=granted want_other=granted
	check_report --show-socket "$SJ_TMP" --run-dir "$rundir"
}

t_exposure_net_host() {
	make_known_sockets
	# The scope needs Landlock ABI 6 (Linux 6.12); without it the
	# report must say the host's abstract sockets are reachable.
	run sj --exposure --json --net host
	if "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if any(f["feature"].startswith("Landlock scopes") for f in d["missing_features"]) else 1)' /dev/stdin <<<"$out"; then
		want_abs=visible
	else
		want_abs=landlock
	fi
	want_own=hidden want_inrun=granted want_other=hidden
	check_report --net host --run-dir "$rundir"
	want_abs=visible
	check_report --net host --abstract-connect allow --run-dir "$rundir"
}

# For every socket the report lists for a set of options, a client in a
# sandbox with the same options: connects when the report says reachable,
# fails when it does not.
agree() {
	run sj --exposure --json "$@"
	[ "$rc" = 0 ] || fail "--exposure $*: $err"
	printf '%s\n' "$out" >"$SJ_TMP/agree.json"
	# Our own sockets only: other tests' come and go meanwhile.
	"$PY" - "$SJ_TMP/agree.json" "$tag" >"$SJ_TMP/agree.list" <<'PYEOF'
import json, sys
for x in json.load(open(sys.argv[1]))["sockets"]:
    if sys.argv[2] in x["address"]:
        where = x["sandbox_path"] or x["address"]
        print("%s %s %s" % ("yes" if x["reachable"] else "no", x["reason"], where))
PYEOF
	local n=0 reach why where got
	while read -r reach why where; do
		got=$(sj "$@" -- "$PY" "$SJ_TMP/client.py" stream "$where")
		if [ "$reach" = yes ]; then
			expect_eq "$got" pong "$where ($why) with $*"
		else
			[ "$got" != pong ] || fail "$where: the report says $why, but the sandbox connected (options: $*)"
		fi
		n=$((n + 1))
	done <"$SJ_TMP/agree.list"
	[ $n -ge 3 ] || fail "only $n of the test's sockets were reported"
}

t_exposure_agrees_with_the_sandbox() {
	make_known_sockets
	agree --run-dir "$rundir"
	agree --other-sockets visible
	agree --net host --run-dir "$rundir"
	agree --net host --abstract-connect allow --other-sockets visible
	agree --show-socket "$own" --run-dir "$rundir"
}

t_gate_only_covers_nothing() {
	write_server
	local p="$SJ_TMP/host.sock"
	start_server stream "$p"
	# No mount namespace of its own: nothing is covered, least of all in ours.
	local before
	before=$(grep -c "$SJ_TMP" /proc/self/mountinfo)
	expect_eq "$(sj --gate-only -- "$PY" "$SJ_TMP/client.py" stream "$p")" pong "--gate-only"
	expect_eq "$(grep -c "$SJ_TMP" /proc/self/mountinfo)" "$before" "mounts on the test's directory"
	expect_eq "$(client stream "$p")" pong "outside, afterwards"
	run sj --gate-only --other-sockets hidden -- true
	expect_eq "$rc" 125 "status"
	expect_eq "$err" "sockjail: --gate-only: --other-sockets hidden needs a namespace of its own, which --gate-only does not create"
	sj --exposure --json --gate-only >"$SJ_TMP/gate.json" || fail "--exposure --gate-only exited $?"
	"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
x = [s for s in d["sockets"] if s["address"] == sys.argv[2]]
assert len(x) == 1 and x[0]["reachable"] and x[0]["decided_by"] == "--gate-only", x' "$SJ_TMP/gate.json" "$p" ||
		fail "--exposure --gate-only does not show $p reachable"
}
