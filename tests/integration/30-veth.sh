# --net veth (issue 6): a private netns joined to the host by a veth pair
# that the supervisor sets up over rtnetlink. Root only (a link in the
# host's netns needs CAP_NET_ADMIN there); the rootless refusal is run from
# here through setpriv. All traffic stays between the host and namespaces
# these tests create, on 169.254.0.0/16 and the ULA prefix fd5a::/16 (the
# host's own fd00::/64 is left alone); nothing is routed off the machine: a
# peer connects only once its own address exists, and its address and the
# prefix route to the other end appear together.
SJ_MODES="root"

# --- helpers local to this file ---------------------------------------------

# Subnets of our own for this test: 169.254.$V4NET.0/24 and fd5a:$V6NET::/48.
V4NET=$((100 + $$ % 100))
V6NET=$(printf '%x:%x' $(($$ % 65536)) $((RANDOM)))

# sj_links: the sj- links in the current netns, one line each ("" if none).
sj_links() { ip -o link show | grep -E '^[0-9]+: sj-' | cut -d: -f2 | cut -d@ -f1 | tr -d ' '; }

# expect_no_sj_link WHAT: nothing named sj-* is left in the current netns.
expect_no_sj_link() {
	local l
	l=$(sj_links)
	[ -z "$l" ] || fail "$1: sj- link left behind: $(echo $l)"
}

# The netns ids the host has handed out (one per peer netns a link points into).
netns_ids() { ip netns list-id | awk '{ print $2 }' | sort -n | tr '\n' ' '; }

# Is any process still in one of these netns (inode numbers)?
netns_in_use() {
	local ino
	for ino in "$@"; do
		find /proc/[0-9]*/ns/net -maxdepth 0 -lname "net:\[$ino\]" 2>/dev/null | grep -q . && return 0
	done
	return 1
}

# A TCP peer: LISTEN CONNECT PORT NAME. Binds LISTEN (retrying: on the
# host the address appears only once sockjail has made the link), answers
# NAME to one connection, connects to CONNECT (retrying until the other
# side listens) and prints what it gets; exits 0 once both have happened.
# Addresses may carry a scope, fe80::1%eth0.
write_peer() {
	cat >"$SJ_TMP/peer.py" <<'EOF'
import socket, sys, threading, time
listen, connect, port, name = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
deadline = time.monotonic() + 20

def resolve(a):
    fam, _, _, _, sa = socket.getaddrinfo(a, port, type=socket.SOCK_STREAM)[0]
    return fam, sa

def retry(f):
    while True:
        try:
            return f()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)

def bound():
    fam, sa = resolve(listen)  # a scope (%sj-123) resolves once the link exists
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(sa)
    except OSError:
        s.close()
        raise
    return s

srv = retry(bound)
srv.listen(1)
srv.settimeout(20)
served = threading.Event()

def serve():
    c, _ = srv.accept()
    c.sendall(name.encode() + b"\n")
    c.close()
    served.set()

threading.Thread(target=serve, daemon=True).start()
def dial():
    fam, caddr = resolve(connect)
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect(caddr)
    except OSError:
        s.close()
        raise
    return s

s = retry(dial)
print(s.makefile().readline().strip(), flush=True)
sys.exit(0 if served.wait(20) else 1)
EOF
}

# veth_traffic SPEC HOST_ENDPOINT SANDBOX_ENDPOINT [SJ_OPTION...]: run the
# peer on both sides; each must get the other's greeting.
veth_traffic() {
	local spec=$1 hostaddr=$2 sandboxaddr=$3 port=$((20000 + $$ % 20000))
	shift 3
	write_peer
	"$SOCKJAIL" "$@" --net "veth:$spec" -- "$PY" "$SJ_TMP/peer.py" \
		"${sandboxaddr/\%HOSTIF/%eth0}" "${hostaddr/\%HOSTIF/%eth0}" "$port" sandbox \
		>"$SJ_TMP/inside.out" 2>"$SJ_TMP/inside.err" &
	local sjpid=$!
	sj_bg+=($sjpid)
	# The host's end is sj-<sockjail's pid>: its name is the scope of an fe80 address.
	timeout 30 "$PY" "$SJ_TMP/peer.py" "${hostaddr/\%HOSTIF/%sj-$sjpid}" \
		"${sandboxaddr/\%HOSTIF/%sj-$sjpid}" "$port" host >"$SJ_TMP/host.out" 2>"$SJ_TMP/host.err"
	local hrc=$?
	wait "$sjpid"
	local src=$?
	expect_eq "$(cat "$SJ_TMP/host.out")" sandbox "the host's peer got (stderr: $(cat "$SJ_TMP/host.err"))"
	expect_eq "$(cat "$SJ_TMP/inside.out")" host "the sandbox's peer got (stderr: $(cat "$SJ_TMP/inside.err"))"
	expect_eq "$hrc" 0 "host peer status"
	expect_eq "$src" 0 "sockjail status"
	expect_no_sj_link "after $spec"
}

# --- traffic both ways --------------------------------------------------------

t_veth_ipv4_both_ways() {
	veth_traffic "169.254.$V4NET.1/30,169.254.$V4NET.2/30" "169.254.$V4NET.1" "169.254.$V4NET.2"
}

t_veth_ipv6_ula_both_ways() {
	[ -e /proc/sys/net/ipv6 ] || skip "no IPv6 in this kernel"
	veth_traffic "fd5a:$V6NET::1/64,fd5a:$V6NET::2/64" "fd5a:$V6NET::1" "fd5a:$V6NET::2"
}

t_veth_ipv6_link_local_both_ways() {
	[ -e /proc/sys/net/ipv6 ] || skip "no IPv6 in this kernel"
	# %HOSTIF becomes eth0 inside and sj-<pid> on the host.
	veth_traffic "fe80::5a:1/64,fe80::5a:2/64" "fe80::5a:1%HOSTIF" "fe80::5a:2%HOSTIF"
}

t_veth_with_userns() {
	# Root with --userns: the netns belongs to the sandbox's user namespace,
	# the supervisor (root on the host) still creates and enters it.
	veth_traffic "169.254.$V4NET.5/30,169.254.$V4NET.6/30" "169.254.$V4NET.5" "169.254.$V4NET.6" --userns
}

t_veth_name_option() {
	local name="sj-n$$"
	# While it runs, the host's end has that name and is eth0's peer.
	"$SOCKJAIL" --net "veth:169.254.$V4NET.9/30,169.254.$V4NET.10/30,name=$name" -- sh -c \
		"cat /sys/class/net/eth0/iflink >'$SJ_TMP/iflink'; exec sleep 30" &
	local sjpid=$!
	sj_bg+=($sjpid)
	wait_until 5 test -s "$SJ_TMP/iflink"
	expect_eq "$(cat "/sys/class/net/$name/ifindex")" "$(cat "$SJ_TMP/iflink")" "host end's ifindex"
	expect_eq "$(cat "/sys/class/net/$name/operstate")" up "host end's state"
	kill -TERM "$sjpid"
	wait "$sjpid"
	expect_no_sj_link "after SIGTERM"
}

# --- what the sandbox sees ----------------------------------------------------

t_veth_only_lo_and_eth0() {
	cat >"$SJ_TMP/ifaces.py" <<'EOF'
import os, socket
print(" ".join(sorted(os.listdir("/sys/class/net"))))
print(" ".join(sorted(n for _, n in socket.if_nameindex())))
print(open("/sys/class/net/eth0/operstate").read().strip())
EOF
	run sj --net "veth:169.254.$V4NET.1/30,169.254.$V4NET.2/30" -- "$PY" "$SJ_TMP/ifaces.py"
	expect_eq "$rc" 0 "status (stderr: $err)"
	# From sysfs and from netlink; eth0 is up.
	expect_eq "$out" "eth0 lo"$'\n'"eth0 lo"$'\n'"up" "interfaces inside"
	# Control: the host has more than lo and eth0 while a sandbox runs.
	expect_no_match "$(ls /sys/class/net | tr '\n' ' ')" '^(eth0 )?lo $' "control: host interfaces"
}

t_veth_routes_inside() {
	run sj --net "veth:169.254.$V4NET.1/29,169.254.$V4NET.2/29" -- cat /proc/net/route
	expect_eq "$rc" 0 "status (stderr: $err)"
	# Default route via HOSTADDR (gateway flag 0003), and the /29 on eth0.
	local gw
	gw=$(printf '%02X%02X%02X%02X' 1 "$V4NET" 254 169)
	expect_match "$out" $'\n'"eth0	00000000	$gw	0003	" "default route"
	expect_match "$out" "	F8FFFFFF	" "the /29 on eth0"
	expect_no_match "$out" $'\n''(lo|sj-)' "routes on other interfaces"
}

t_veth_host_abstract_unreachable() {
	require_cmd socat
	local name="sjv-$$"
	socat "ABSTRACT-LISTEN:$name,fork" SYSTEM:'echo pong' &
	sj_bg+=($!)
	wait_until 5 eval "abstract_names | grep -qx '@$name'"
	cat >"$SJ_TMP/aconnect.py" <<'EOF'
import errno, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect("\0" + sys.argv[1])
    print("connected")
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e.errno)))
EOF
	# Control: reachable from the host itself.
	expect_eq "$("$PY" "$SJ_TMP/aconnect.py" "$name")" connected "control: connect from the host"
	run sj --net "veth:169.254.$V4NET.1/30,169.254.$V4NET.2/30" -- sh -c \
		"'$PY' '$SJ_TMP/aconnect.py' '$name'; awk 'NR > 1 && \$8 ~ /^@/ { print \$8 }' /proc/net/unix"
	expect_eq "$rc" 0 "status (stderr: $err)"
	# Not found (the name does not exist in the sandbox's netns), not a policy refusal.
	expect_eq "$(echo "$out" | head -n 1)" ECONNREFUSED "connect from inside"
	expect_no_match "$out" "@$name" "abstract names inside"
}

# --- cleanup on every path ----------------------------------------------------

# The kernel destroys a pair with the sandbox's netns, often before sockjail
# has even exited, so "no link afterwards" alone would pass without any
# cleanup in sockjail. These tests hold the sandbox's netns open (fd 9)
# while it ends: the pair is then gone only if sockjail deleted it.

# pin_sandbox_netns SJPID: open the netns of sockjail SJPID's sandbox on fd 9.
pin_sandbox_netns() {
	local i child=
	for ((i = 0; i < 250; i++)); do
		child=$(pgrep -P "$1" | head -n 1)
		[ -n "$child" ] && break
		sleep 0.02
	done
	[ -n "$child" ] || fail "no sandbox under sockjail $1"
	exec 9<"/proc/$child/ns/net" || fail "cannot open the sandbox's netns"
}

# expect_pinned_netns_empty WHAT: the pinned netns outlived the sandbox, and
# its end of the pair went with the host's (only lo is left), then let it go.
expect_pinned_netns_empty() {
	local left
	left=$(nsenter --net=/proc/self/fd/9 ip -o link show | cut -d: -f2 | cut -d@ -f1 | tr -d ' ' | tr '\n' ' ')
	expect_eq "$left" "lo " "$1: links in the sandbox's (pinned) netns"
	exec 9<&-
}

# veth_run_pinned STATUS WHAT CMD: run a sandbox that waits until its netns
# is pinned, then runs CMD; it must end with STATUS and leave no link.
veth_run_pinned() {
	local want=$1 what=$2 cmd=$3
	rm -f "$SJ_TMP/ready" "$SJ_TMP/go"
	"$SOCKJAIL" --net "veth:169.254.$V4NET.1/30,169.254.$V4NET.2/30" -- sh -c \
		"touch '$SJ_TMP/ready'; while [ ! -e '$SJ_TMP/go' ]; do sleep 0.02; done; $cmd" &
	local sjpid=$!
	sj_bg+=($sjpid)
	wait_until 5 test -e "$SJ_TMP/ready"
	pin_sandbox_netns "$sjpid"
	expect_eq "$(sj_links)" "sj-$sjpid" "$what: link while running"
	touch "$SJ_TMP/go"
	wait "$sjpid"
	expect_eq $? "$want" "$what: status"
	expect_no_sj_link "$what"
	expect_pinned_netns_empty "$what"
}

t_veth_gone_after_normal_exit() {
	local ids_before
	ids_before=$(netns_ids)
	veth_run_pinned 0 "exit 0" "exit 0"
	veth_run_pinned 7 "exit 7" "exit 7"
	# Released, the netns goes too.
	wait_until 10 eval '[ "$(netns_ids)" = "$ids_before" ]'
}

t_veth_gone_after_command_killed() {
	veth_run_pinned 137 "COMMAND killed" 'kill -KILL $$'
}

# veth_signal_sockjail SIG STATUS: sockjail gets SIG, forwards it, COMMAND
# dies of it, and the link is gone when sockjail has exited.
veth_signal_sockjail() {
	local sig=$1 want=$2
	rm -f "$SJ_TMP/ready"
	# A background job of a script starts with SIGINT ignored.
	env --default-signal=INT "$SOCKJAIL" --net "veth:169.254.$V4NET.1/30,169.254.$V4NET.2/30" -- \
		sh -c "touch '$SJ_TMP/ready'; exec sleep 60" &
	local sjpid=$!
	sj_bg+=($sjpid)
	wait_until 5 test -e "$SJ_TMP/ready"
	pin_sandbox_netns "$sjpid"
	expect_eq "$(sj_links)" "sj-$sjpid" "link while running"
	kill -s "$sig" "$sjpid"
	timeout 10 tail --pid="$sjpid" -f /dev/null || fail "SIG$sig: sockjail did not exit"
	wait "$sjpid"
	expect_eq $? "$want" "status after SIG$sig"
	expect_no_sj_link "right after SIG$sig"
	expect_pinned_netns_empty "SIG$sig"
}

t_veth_gone_after_sigterm() {
	veth_signal_sockjail TERM 143
}

t_veth_gone_after_sigint() {
	veth_signal_sockjail INT 130
}

t_veth_gone_after_sigkill() {
	# SIGKILL leaves sockjail no cleanup: the sandbox dies of PDEATHSIG,
	# and the kernel destroys its netns and the pair with it.
	local ids_before
	ids_before=$(netns_ids)
	rm -f "$SJ_TMP/ready"
	"$SOCKJAIL" --net "veth:169.254.$V4NET.1/30,169.254.$V4NET.2/30" -- \
		sh -c "readlink /proc/self/ns/net >'$SJ_TMP/ready.tmp'; mv '$SJ_TMP/ready.tmp' '$SJ_TMP/ready'; exec sleep 60" &
	local sjpid=$!
	sj_bg+=($sjpid)
	wait_until 5 test -e "$SJ_TMP/ready"
	local ino
	ino=$(sed 's/[^0-9]//g' "$SJ_TMP/ready")
	expect_eq "$(sj_links)" "sj-$sjpid" "link while running"
	kill -KILL "$sjpid"
	wait "$sjpid" 2>/dev/null
	wait_until 10 eval '[ -z "$(sj_links)" ]'
	wait_until 10 eval '! netns_in_use "$ino"'
	wait_until 10 eval '[ "$(netns_ids)" = "$ids_before" ]'
}

t_veth_setup_fails_half_way() {
	[ -e /proc/sys/net/ipv6 ] || skip "no IPv6 in this kernel"
	require_cmd strace
	# In a netns of the test's own, new links get no IPv6: the pair is
	# created, then the kernel refuses HOSTADDR on the host's end.
	local script='
		sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || exit 99
		$3 "$1" --net "veth:fd5a:$2::1/64,fd5a:$2::2/64" -- true
		rc=$?
		ip -o link show | grep -E "^[0-9]+: sj-"
		exit $rc'
	run unshare -n sh -c "$script" sh "$SOCKJAIL" "$V6NET" ""
	[ "$rc" -eq 99 ] && skip "cannot set disable_ipv6 in a new netns"
	expect_eq "$rc" 125 "status (stdout: $out)"
	expect_match "$err" "^sockjail: --net veth sj-[0-9]+: adding HOSTADDR to the host's end: " "message"
	expect_eq "$(printf '%s\n' "$err" | wc -l)" 1 "stderr lines"
	expect_eq "$out" "" "sj- links left in that netns"
	expect_no_sj_link "on the host"
	# The sandbox's netns cannot be pinned in that instant, and the kernel
	# would remove the pair with it a moment later anyway: strace shows
	# that sockjail itself sent the RTM_DELLINK. (LeakSanitizer cannot run
	# under ptrace; the run above checked for leaks.)
	run env ASAN_OPTIONS=detect_leaks=0 unshare -n sh -c "$script" sh "$SOCKJAIL" "$V6NET" \
		"strace -f -qq -e trace=sendmsg -e signal=none -o $SJ_TMP/trace"
	expect_eq "$rc" 125 "status under strace (stderr: $err)"
	local msgs
	msgs=$(grep -o 'RTM_NEWLINK\|RTM_NEWADDR\|RTM_DELLINK' "$SJ_TMP/trace" | tr '\n' ' ')
	expect_match "$msgs" '^RTM_NEWLINK .*RTM_NEWADDR RTM_DELLINK $' "rtnetlink requests"
	# Control: the same spec works where IPv6 is on.
	run unshare -n sh -c '"$1" --net "veth:fd5a:$2::1/64,fd5a:$2::2/64" -- true' sh "$SOCKJAIL" "$V6NET"
	expect_eq "$rc" 0 "control status (stderr: $err)"
}

t_veth_existing_name_refused() {
	# lo always exists.
	run sj --net "veth:169.254.$V4NET.1/30,169.254.$V4NET.2/30,name=lo" -- true
	expect_eq "$rc" 125 "status"
	expect_eq "$err" "sockjail: --net veth: an interface named lo already exists on the host; choose another name=" "message"
	expect_no_sj_link "after name=lo"
	# A link someone else made is refused and left alone.
	run unshare -n sh -c '
		ip link add sj-taken type bridge || exit 99
		"$1" --net "veth:169.254.1.1/30,169.254.1.2/30,name=sj-taken" -- true
		rc=$?
		ip -o link show | grep -E "^[0-9]+: sj-" | cut -d: -f2 | tr -d " "
		exit $rc' sh "$SOCKJAIL"
	[ "$rc" -eq 99 ] && skip "cannot create a bridge in a new network namespace"
	expect_eq "$rc" 125 "status"
	expect_match "$err" "an interface named sj-taken already exists on the host" "message"
	expect_eq "$out" "sj-taken" "links in that netns afterwards"
}

t_veth_subnet_in_use_refused() {
	# Another sandbox's link: the same /30 again, or a /29 around it.
	rm -f "$SJ_TMP/ready"
	"$SOCKJAIL" --net "veth:169.254.$V4NET.1/30,169.254.$V4NET.2/30" -- \
		sh -c "touch '$SJ_TMP/ready'; exec sleep 60" &
	local sjpid=$!
	sj_bg+=($sjpid)
	wait_until 5 test -e "$SJ_TMP/ready"
	run sj --net "veth:169.254.$V4NET.1/30,169.254.$V4NET.2/30" -- true
	expect_eq "$rc" 125 "same /30: status"
	expect_eq "$err" "sockjail: --net veth: 169.254.$V4NET.1/30 overlaps 169.254.$V4NET.1/30 on sj-$sjpid, already on the host; choose another subnet" "same /30: message"
	run sj --net "veth:169.254.$V4NET.5/29,169.254.$V4NET.6/29" -- true
	expect_eq "$rc" 125 "/29 around it: status"
	expect_match "$err" "overlaps 169.254.$V4NET.1/30 on sj-$sjpid" "/29 around it: message"
	# Control: the next /30 is free.
	run sj --net "veth:169.254.$V4NET.5/30,169.254.$V4NET.6/30" -- true
	expect_eq "$rc" 0 "control: the next /30 (stderr: $err)"
	kill -TERM "$sjpid"
	wait "$sjpid"
	expect_no_sj_link "after the subnet tests"

	# The host's own addresses, in a netns of the test's own. IPv6
	# link-local addresses are per link: the same fe80::/64 is no clash.
	run unshare -n sh -c '
		ip link add sjbr0 type bridge || exit 99
		ip addr add 169.254.$2.1/24 dev sjbr0 && ip addr add fd5a:$3::1/64 dev sjbr0 nodad &&
			ip addr add fe80::5a:1/64 dev sjbr0 nodad || exit 98
		for spec in 169.254.$2.65/26,169.254.$2.66/26 fd5a:$3::1:1/112,fd5a:$3::1:2/112 \
			fe80::5a:9/64,fe80::5a:10/64; do
			"$1" --net "veth:$spec" -- true
			echo "$spec $?"
		done' sh "$SOCKJAIL" "$V4NET" "$V6NET"
	[ "$rc" -eq 99 ] && skip "cannot create a bridge in a new network namespace"
	expect_eq "$rc" 0 "outer netns script (stderr: $err)"
	expect_eq "$out" "169.254.$V4NET.65/26,169.254.$V4NET.66/26 125
fd5a:$V6NET::1:1/112,fd5a:$V6NET::1:2/112 125
fe80::5a:9/64,fe80::5a:10/64 0" "statuses"
	expect_match "$err" "169.254.$V4NET.65/26 overlaps 169.254.$V4NET.1/24 on sjbr0" "IPv4 message"
	expect_match "$err" "fd5a:$V6NET::1:1/112 overlaps fd5a:$V6NET::1/64 on sjbr0" "IPv6 message"
}

t_veth_bad_specs() {
	local spec want
	while IFS='|' read -r spec want; do
		run sj --net "veth:$spec" -- true
		expect_eq "$rc" 125 "status for $spec"
		expect_match "$err" "$want" "message for $spec"
		expect_eq "$(printf '%s\n' "$err" | wc -l)" 1 "stderr lines for $spec"
	done <<'EOF'
169.254.1.1,169.254.1.2/30|needs a /PREFIX
169.254.1.1/30,169.254.1.2|needs a /PREFIX
169.254.1.1/30,169.254.1.1/30|equal
169.254.1.1/30,169.254.2.1/30|not on the same subnet
169.254.1.1/30,fd5a::2/64|must be IPv4 or both IPv6
169.254.1.1/30,169.254.1.2/30,name=sj-0123456789abc|1-15 bytes
EOF
	expect_no_sj_link "after bad specs"
}

t_veth_rootless_refused() {
	local how
	for how in plain nested; do
		local pre=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
		[ "$how" = nested ] && pre+=(unshare -Urmpf --mount-proc)
		run "${pre[@]}" "$SOCKJAIL" --net "veth:169.254.$V4NET.1/30,169.254.$V4NET.2/30" -- true
		expect_eq "$rc" 125 "$how: status"
		expect_match "$err" "^sockjail: --net veth needs CAP_NET_ADMIN in the host's network namespace" "$how: message"
		expect_match "$err" "--net none" "$how: what to use instead"
		expect_eq "$(printf '%s\n' "$err" | wc -l)" 1 "$how: stderr lines"
		expect_no_sj_link "$how"
		# Control: the same user gets a sandbox with --net none.
		run "${pre[@]}" "$SOCKJAIL" --net none -- true
		expect_eq "$rc" 0 "$how: control --net none (stderr: $err)"
	done
}

# --- many sandboxes -----------------------------------------------------------

t_veth_twenty_in_a_row() {
	local i ids_before spec addr
	# Half the runs are IPv6: without it this test would be half a test.
	[ -e /proc/sys/net/ipv6 ] || skip "no IPv6 in this kernel: the IPv6 runs cannot be made"
	ids_before=$(netns_ids)
	cat >"$SJ_TMP/bindcheck.py" <<'EOF'
import os, socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.bind((sys.argv[1], 0))  # the address is usable the moment COMMAND starts
print(os.readlink("/proc/self/ns/net")[5:-1], " ".join(sorted(n for _, n in socket.if_nameindex())))
EOF
	for ((i = 0; i < 20; i++)); do
		# Every other one IPv6, to see that its address is never still tentative.
		if ((i % 2)); then
			spec="fd5a:$V6NET::1/64,fd5a:$V6NET::2/64" addr="fd5a:$V6NET::2"
		else
			spec="169.254.$V4NET.1/30,169.254.$V4NET.2/30" addr="169.254.$V4NET.2"
		fi
		run sj --net "veth:$spec" -- "$PY" "$SJ_TMP/bindcheck.py" "$addr"
		expect_eq "$rc" 0 "run $i status (stderr: $err)"
		expect_match "$out" '^[0-9]+ eth0 lo$' "run $i output"
		expect_no_sj_link "after run $i"
		# Checked at once: a freed netns's inode number is soon reused.
		local ino=${out%% *}
		wait_until 10 eval '! netns_in_use "$ino"'
	done
	# Each netns had an id on the host while its link pointed into it; the
	# ids go only when the netns themselves are destroyed.
	wait_until 10 eval '[ "$(netns_ids)" = "$ids_before" ]'
	echo "20 in a row: 0 sj- links after each, no process left in any of the 20 netns, netns ids back to [$ids_before]" >&2
}

t_veth_five_at_once() {
	local i ids_before pids=() inos=()
	ids_before=$(netns_ids)
	for ((i = 0; i < 5; i++)); do
		local h="169.254.$V4NET.$((4 * i + 1))" s="169.254.$V4NET.$((4 * i + 2))"
		"$SOCKJAIL" --net "veth:$h/30,$s/30" -- sh -c \
			"readlink /proc/self/ns/net >'$SJ_TMP/ns.$i.tmp'; mv '$SJ_TMP/ns.$i.tmp' '$SJ_TMP/ns.$i'
			 while [ ! -e '$SJ_TMP/go' ]; do sleep 0.05; done" &
		pids+=($!)
		sj_bg+=($!)
	done
	for ((i = 0; i < 5; i++)); do
		wait_until 10 test -e "$SJ_TMP/ns.$i"
		inos+=("$(sed 's/[^0-9]//g' "$SJ_TMP/ns.$i")")
	done
	# All five at the same time, each with its own link and netns.
	expect_eq "$(sj_links | wc -l)" 5 "links while all run"
	expect_eq "$(printf '%s\n' "${inos[@]}" | sort -u | wc -l)" 5 "distinct netns"
	touch "$SJ_TMP/go"
	for ((i = 0; i < 5; i++)); do
		wait "${pids[$i]}"
		expect_eq $? 0 "sandbox $i status"
	done
	expect_no_sj_link "after five at once"
	wait_until 10 eval '! netns_in_use "${inos[@]}"'
	wait_until 10 eval '[ "$(netns_ids)" = "$ids_before" ]'
	echo "5 at once: 5 links while running, 0 after, 0 of 5 netns in use, netns ids back to [$ids_before]" >&2
}
