# The abstract bridge (issue 18): connect() to a chosen host abstract name
# from a private network namespace, made in sockjail's own netns as
# COMMAND's user; and X11 under --net host, where the host's abstract
# names answer ECONNREFUSED so that libxcb falls back to the path.
#
# The service (bridge-server.py, on the host) answers each client with
# "peer UID GID" (SO_PEERCRED) and then "fd OK DATA" once an fd arrived
# over SCM_RIGHTS (the client sends a pipe's read end), or "name @NAME"
# when the client shuts down without one.
SJ_MODES="root user nested"

# start_service NAME: the service on abstract @NAME, in the background.
start_service() {
	cat >"$SJ_TMP/bridge-server.py" <<'PY'
import os, socket, struct, sys
name = sys.argv[1].lstrip("@")
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(b"\0" + name.encode())
s.listen(64)
open(sys.argv[2], "w").close()
while True:
    c, _ = s.accept()
    pid, uid, gid = struct.unpack("iII", c.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
    c.sendall(f"peer {uid} {gid}\n".encode())
    msg, anc, flags, addr = c.recvmsg(16, socket.CMSG_SPACE(4))
    fds = [struct.unpack("i", d[:4])[0] for (l, t, d) in anc if l == socket.SOL_SOCKET and t == socket.SCM_RIGHTS]
    if fds:
        data = os.read(fds[0], 64).decode().strip()
        os.close(fds[0])
        c.sendall(f"fd OK {data}\n".encode())
    else:
        c.sendall(f"name @{name}\n".encode())
    c.close()
PY
	rm -f "$SJ_TMP/ready-$1"
	$PY "$SJ_TMP/bridge-server.py" "@$1" "$SJ_TMP/ready-$1" &
	sj_bg+=($!)
	wait_for_path "$SJ_TMP/ready-$1" 20
}

# The ids the service must see: COMMAND's, host view (rootless: the
# caller's, as the service's user namespace names them: nested, 0).
ids_opts() { is_root_mode && echo "--uid 65534 --gid 65534"; }
want_ids() { if is_root_mode; then echo "65534 65534"; else echo "$(id -u) $(id -g)"; fi; }

t_bridge_reaches_service_as_command() {
	local name=sjb-$$-svc cli
	cli=$(helper bridgecli)
	start_service "$name"
	# Control: the service works without sockjail.
	run "$cli" connect "@$name"
	expect_match "$out" "^OK peer $(id -u) $(id -g); fd OK pipe-data$" "control: the service from the host"
	# Without the bridge the name does not exist in the sandbox's netns.
	run sj --net none $(ids_opts) -- "$cli" connect "@$name"
	expect_eq "$out" "ERR connect ECONNREFUSED" "without --abstract-bridge"
	run sj --net none $(ids_opts) --abstract-bridge "@sjb-$$-*" -- "$cli" connect "@$name"
	expect_eq "$rc" 0 "bridged client: $out $err"
	expect_eq "$out" "OK peer $(want_ids); fd OK pipe-data" "the service sees COMMAND's ids, the fd arrives"
	# The exposure report counts it reachable through the bridge (same decision).
	run sj --exposure --net none --abstract-bridge "@sjb-$$-*"
	expect_match "$out" "granted +stream .*@$name +--abstract-bridge @sjb-$$-\\*" "--exposure with the bridge"
	run sj --exposure --net none
	expect_match "$out" "private-netns +stream .*@$name +--net none" "--exposure without it"
	# A name outside the pattern stays unreachable.
	run sj --net none $(ids_opts) --abstract-bridge "@sjb-$$-other*" -- "$cli" connect "@$name"
	expect_eq "$out" "ERR connect ECONNREFUSED" "a name outside the pattern"
}

t_bridge_profile_directive_and_audit() {
	local name=sjb-$$-prof cli
	cli=$(helper bridgecli)
	start_service "$name"
	printf 'sockjail-profile 1\nnet none\nabstract-bridge @%s\n' "$name" >"$SJ_TMP/bridge.profile"
	run sj --profile "$SJ_TMP/bridge.profile" --audit "$SJ_TMP/audit.json" -- "$cli" connect "@$name"
	expect_match "$out" "^OK peer " "bridged through the profile directive"
	expect_match "$(cat "$SJ_TMP/audit.json")" "\"syscall\":\"connect\".*\"address\":\"@$name\".*\"rule\":\"abstract-bridge @$name\"" "the --audit record"
}

t_bridge_nonblocking_and_passcred() {
	local name=sjb-$$-nb cli
	cli=$(helper bridgecli)
	start_service "$name"
	run "$cli" connect "@$name" nonblock passcred
	expect_match "$out" "^OK .*; creds$" "control: non-blocking, SO_PASSCRED, from the host"
	run sj --net none --abstract-bridge "@$name" -- "$cli" connect "@$name" nonblock
	expect_match "$out" "^OK peer [0-9]+ [0-9]+; fd OK pipe-data$" "non-blocking client, bridged ($err)"
	run sj --net none --abstract-bridge "@$name" -- "$cli" connect "@$name" passcred
	expect_match "$out" "^OK .*; creds$" "SO_PASSCRED set before connect, bridged ($err)"
	run sj --net none --abstract-bridge "@$name" -- "$cli" connect "@$name" nonblock passcred
	expect_match "$out" "^OK .*; creds$" "both ($err)"
}

t_bridge_race_never_reaches_other_name() {
	local good=sjb-$$-good bad=sjb-$$-badd cli
	cli=$(helper bridgecli)
	start_service "$good"
	start_service "$bad"
	# Control: without sockjail the flipping thread does reach the other name.
	run "$cli" race "@$good" "@$bad" 2000
	expect_match "$out" "^ERR reached @$bad" "control: the race reaches the other name"
	run sj --net none --abstract-bridge "@$good" -- "$cli" race "@$good" "@$bad" 2000
	expect_match "$out" "^OK [0-9]+ connects reached @$good, [0-9]+ refused, none @$bad$" "the race, bridged"
}

t_bridge_learn_proposes() {
	local name=sjb-$$-learn cli
	cli=$(helper bridgecli)
	start_service "$name"
	run sj --learn "$SJ_TMP/learned.profile" --net none -- "$cli" connect "@$name"
	expect_eq "$out" "ERR connect ECONNREFUSED" "unbridged under --learn"
	expect_match "$(cat "$SJ_TMP/learned.profile")" "# abstract-bridge @$name" "the proposed abstract-bridge line"
	run sj --learn "$SJ_TMP/learned2.profile" --abstract-bridge "@$name" -- "$cli" connect "@$name"
	expect_match "$out" "^OK peer " "bridged under --learn"
	grep -qxF "abstract-bridge @$name" "$SJ_TMP/learned2.profile" ||
		fail "the kept abstract-bridge line: $(cat "$SJ_TMP/learned2.profile")"
}

t_bridge_bad_pattern() {
	run sj --abstract-bridge nope -- true
	expect_eq "$rc" 125 "a pattern without @"
	expect_one_error_line "$err"
}

# The connect notification is on only when something needs it.
t_bridge_filter_only_when_needed() {
	run sj --print-filter
	expect_no_match "$out" "connect" "the default filter"
	run sj --print-filter --abstract-bridge @x
	expect_match "$out" "connect" "--abstract-bridge"
	run sj --print-filter --net host --abstract-connect allow
	expect_no_match "$out" "connect" "--net host --abstract-connect allow"
	run sj --print-filter --net host --abstract-connect deny
	expect_match "$out" "connect" "--net host --abstract-connect deny"
}

# Xvfb on the host; xdpyinfo in --net host with the X11 profile.
t_x11_host_net_profile() {
	require_cmd Xvfb
	require_cmd xdpyinfo
	local n=$((1000 + $$ % 4000)) xpid
	[ -e "/tmp/.X$n-lock" ] && skip "display :$n is taken on this host"
	Xvfb ":$n" -nolisten tcp 2>"$SJ_TMP/xvfb.err" &
	xpid=$!
	sj_bg+=("$xpid")
	trap 'kill -TERM '"$xpid"' 2>/dev/null; wait '"$xpid"' 2>/dev/null; sj_bg_cleanup' EXIT
	wait_until 60 grep -q "@/tmp/.X11-unix/X$n\$" /proc/net/unix
	wait_until 30 xdpyinfo -display ":$n" >/dev/null 2>&1
	cat >"$SJ_TMP/x11conn.py" <<PY
import socket
c = socket.socket(socket.AF_UNIX)
try:
    c.connect(b"\0/tmp/.X11-unix/X$n")
    print("reached")
except OSError as e:
    print("refused", e.errno)
PY
	# Control: from the host, and with --abstract-connect allow, the abstract name answers.
	expect_eq "$($PY "$SJ_TMP/x11conn.py")" "reached" "control: the host's abstract X socket"
	expect_eq "$(sj --net host --abstract-connect allow -- $PY "$SJ_TMP/x11conn.py")" "reached" "control: --abstract-connect allow"
	out=$(sj --profile "$SJ_PROFILES/x11-client-host-net.profile" -- xdpyinfo -display ":$n" | sed -n 's/^name of display: *//p')
	expect_eq "$out" ":$n" "xdpyinfo under x11-client-host-net"
	expect_eq "$(sj --profile "$SJ_PROFILES/x11-client-host-net.profile" -- $PY "$SJ_TMP/x11conn.py")" "refused 111" \
		"the host's @/tmp/.X11-unix/X$n from the same sandbox"
	kill -TERM "$xpid"
	wait "$xpid" 2>/dev/null
	return 0
}

# Datagram sockets are bridged on connect(); a socket already bound is refused.
t_bridge_datagram_and_bound_socket() {
	local name=sjb-$$-dgram
	cat >"$SJ_TMP/dgram-server.py" <<PY
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(b"\0$name")
open(sys.argv[1], "w").close()
while True:
    m = s.recv(64)
    with open(sys.argv[2], "ab") as f:
        f.write(m + b"\n")
PY
	cat >"$SJ_TMP/dgram-client.py" <<PY
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
if sys.argv[2] == "bound":
    s.bind("")  # autobind
try:
    s.connect(b"\0$name")
    s.send(sys.argv[1].encode())
    print("sent")
except OSError as e:
    print("refused", e.errno)
PY
	$PY "$SJ_TMP/dgram-server.py" "$SJ_TMP/dgram-ready" "$SJ_TMP/dgram.out" &
	sj_bg+=($!)
	wait_for_path "$SJ_TMP/dgram-ready" 20
	# Control: from the host.
	expect_eq "$($PY "$SJ_TMP/dgram-client.py" outside-$$ unbound)" "sent" "control: datagram from the host"
	wait_until 20 grep -qx "outside-$$" "$SJ_TMP/dgram.out"
	run sj --net none -- $PY "$SJ_TMP/dgram-client.py" unbridged-$$ unbound
	expect_eq "$out" "refused 111" "datagram without the bridge"
	run sj --net none --abstract-bridge "@$name" -- $PY "$SJ_TMP/dgram-client.py" bridged-$$ unbound
	expect_eq "$out" "sent" "datagram, bridged ($err)"
	wait_until 20 grep -qx "bridged-$$" "$SJ_TMP/dgram.out"
	run sj --net none --abstract-bridge "@$name" -- $PY "$SJ_TMP/dgram-client.py" bound-$$ bound
	expect_eq "$out" "refused 1" "a bound socket is not bridged"
	expect_match "$err" "denied connect @$name " "the refusal's line"
	grep -qx "bound-$$" "$SJ_TMP/dgram.out" && fail "the bound socket's datagram arrived"
	return 0
}

# --net host: the sandbox's own abstract names (bound through the gate, or
# --listen) stay reachable; a host name is refused as if absent.
t_host_net_own_names_reachable() {
	local own=sjb-$$-own lst=sjb-$$-lst host=sjb-$$-host
	start_service "$host"
	cat >"$SJ_TMP/own.py" <<PY
import socket
s = socket.socket(socket.AF_UNIX); s.bind(b"\0$own"); s.listen()
for n in (b"$own", b"$lst", b"$host"):
    c = socket.socket(socket.AF_UNIX)
    try:
        c.connect(b"\0" + n); print(n.decode(), "ok")
    except OSError as e:
        print(n.decode(), "errno", e.errno)
PY
	# Control: with --abstract-connect allow, the host's name is reached too.
	run sj --net host --abstract-connect allow --abstract-allow "@$own" --listen "@$lst" -- $PY "$SJ_TMP/own.py"
	expect_eq "$out" "$own ok"$'\n'"$lst ok"$'\n'"$host ok" "control: --abstract-connect allow ($err)"
	run sj --net host --abstract-allow "@$own" --listen "@$lst" -- $PY "$SJ_TMP/own.py"
	expect_eq "$out" "$own ok"$'\n'"$lst ok"$'\n'"$host errno 111" "--net host, default ($err)"
}
