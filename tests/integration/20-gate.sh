# The abstract-namespace gate (issue 3): every attack program in
# tests/helpers first succeeds without sockjail (or with --abstract allow),
# then fails under the default policy, and /proc/net/unix read in the same
# sandbox right after the attack (while the attacker still holds its
# sockets: the helpers' "-- CMD") shows no forbidden name.
#
# Helper convention (tests/helpers/helper.h): one "OK ..." / "ERR ..."
# line on stdout, exit 0 when the attack succeeded, 1 when it was refused.
SJ_MODES="root user nested"

. "$SJ_TESTDIR/gate-lib.sh"

# Every helper result line in $out, one per line.
results() { printf '%s\n' "$out" | grep -E '^(OK|ERR|SETUP) '; }

# The abstract names in the /proc/net/unix dumps within $out.
dumped_names() { printf '%s\n' "$out" | awk '$1 ~ /^[0-9A-Fa-f]+:$/ && $8 ~ /^@/ { print $8 }'; }

# The check ran (a /proc/net/unix header is in $out) and found no abstract name.
expect_no_abstract_names() {
	expect_match "$out" 'Num +RefCount' "$1: /proc/net/unix dump"
	local names
	names=$(dumped_names)
	[ -z "$names" ] || fail "$1: abstract names in the sandbox: $(echo $names)"
}

expect_name_dumped() {
	dumped_names | grep -qxF -- "$1" || fail "$2: $1 is not in /proc/net/unix: $(dumped_names | head -n 20 | tr '\n' ' ')"
}

# Scripts shared by several tests, written to $SJ_TMP.
gate_scripts() {
	# The abstract names bound in the current netns, one "NAME @..." line each.
	cat >"$SJ_TMP/names.sh" <<'EOF'
awk 'NR > 1 && $8 ~ /^@/ { print "NAME " $8 }' /proc/net/unix
EOF
	# bind() an AF_UNIX socket from python3: "hex:..." for exact bytes, else a path.
	cat >"$SJ_TMP/pybind.py" <<'EOF'
import socket, sys
a = sys.argv[1]
addr = bytes.fromhex(a[4:]) if a.startswith("hex:") else a
s = socket.socket(socket.AF_UNIX)
try:
    s.bind(addr)
    print("OK bound")
except OSError as e:
    print("ERR", e.strerror)
    sys.exit(1)
EOF
}

# The NAME lines (from names.sh) in $out.
named() { printf '%s\n' "$out" | sed -n 's/^NAME //p'; }


# --- explicit abstract binds ------------------------------------------------

t_abstract_bind_explicit() {
	require_helpers bindun
	local name=sjt-exp-$$
	run "$H/bindun" "@$name" -- cat /proc/net/unix
	expect_eq "$rc/$(result)" "0/OK bound @$name" "control, no sockjail"
	expect_name_dumped "@$name" "control"

	run sj -- "$H/bindun" "@$name" -- cat /proc/net/unix
	expect_eq "$rc/$(result)" "1/ERR bind EPERM" "default policy"
	expect_no_abstract_names "default policy"
	expect_match "$err" "^sockjail: denied bind @$name \(pid [0-9]+, comm \"bindun\"\)$" "denial line"

	run sj --abstract allow -- "$H/bindun" "@$name" -- cat /proc/net/unix
	expect_eq "$rc/$(result)" "0/OK bound @$name" "--abstract allow"
	expect_eq "$(dumped_names)" "@$name" "--abstract allow: names"
}

# Each line: bindun's arguments, as sh reads them (\\ for one backslash).
# Run outside, with --abstract allow and with the default policy; the
# kernel's answer must be the same everywhere except that the default policy
# refuses every abstract name. In order: the empty name (addrlen 3), 108
# NULs (110), embedded NULs (twice), garbage in the upper half of addrlen
# (with a name, with the empty name), 111, 200 and 111 with garbage above
# (EINVAL), 1 and 0 (EINVAL, also with NULL), NULL, unmapped and half-mapped
# addresses (EFAULT), autobind from NULL (EFAULT), fds that are no socket
# (EBADF for O_PATH and closed, ENOTSOCK), and a real autobind.
gate_edge_cases() {
	cat <<'EOF'
-l 3 @
-l 110 @
@sjt-e\\x00evil
@sjt-e\\x00
-H @sjt-hi
-H -l 3 @
-l 111 @sjt-x
-l 200 @sjt-x
-H -l 111 @sjt-x
-l 1 @
-l 0 @
-N -l 0 @
-N -l 110 @sjt-x
-U -l 110 @sjt-x
-P -l 20 @sjt-x
-N -l 2 @
-F opath @sjt-x
-F file @sjt-x
-F closed @sjt-x
-l 2 -t dgram @
EOF
}

gate_edge_script() {
	# $1: the command that prints the abstract names bound now.
	local args
	while IFS= read -r args; do
		printf '"%s/bindun" %s -- %s\n' "$H" "$args" "$1"
	done < <(gate_edge_cases)
	# Afterwards the supervisor still decides, and still allows what it should.
	printf '"%s/bindun" @sjt-after -- %s\n' "$H" "$1"
	printf '"%s/bindun" after.sock -- %s\n' "$H" "$1"
}

t_abstract_addrlen_edge_cases() {
	require_helpers bindun
	gate_scripts
	gate_edge_script "sh $SJ_TMP/names.sh" >"$SJ_TMP/edge.sh"
	# Each run in a directory of its own, where after.sock is new.
	local control allowed denied
	run sh -c "mkdir c && cd c && sh ../edge.sh"
	control=$(results)
	[ "$(echo "$control" | wc -l)" -eq 22 ] || fail "control: 22 results expected: $control"
	expect_match "$control" $'^OK bound @\nOK bound @(\\\\x00){107}\nOK bound @sjt-e\\\\x00evil\nOK bound @sjt-e\\\\x00\nOK bound @sjt-hi\nOK bound @\n' "control, the abstract names"

	run sj -q --abstract allow -- sh -c "mkdir a && cd a && sh ../edge.sh"
	allowed=$(results)
	# Autobound names are random: compare their shape.
	local shape='s/^OK bound @[0-9a-f]{5}$/OK bound @XXXXX/'
	expect_eq "$(echo "$allowed" | sed -E "$shape")" "$(echo "$control" | sed -E "$shape")" \
		"--abstract allow gives the kernel's own answers"

	# Default policy (plus one allowed name, to see allowing still works after all that).
	run sj -q --abstract-allow @sjt-after -- sh -c "mkdir d && cd d && sh ../edge.sh; cat /proc/net/unix"
	expect_eq "$rc" 0 "default policy: status (stderr: $err)"
	denied=$(results)
	local want
	want=$(echo "$control" | sed -E '1,6s/^OK bound @.*/ERR bind EPERM/' | sed -E "$shape")
	expect_eq "$(echo "$denied" | sed -E "$shape")" "$want" "default policy"
	# The only names seen inside: the autobound one and the allowed one, while their holders ran.
	local inside
	inside=$(named | grep -vxE '@[0-9a-f]{5}|@sjt-after')
	[ -z "$inside" ] || fail "default policy: abstract names appeared: $inside"
	expect_no_abstract_names "default policy, at the end"
}

t_abstract_allow_pattern() {
	require_helpers bindun
	gate_scripts
	# NUL bytes count: "@exact\x00evil" is not "@exact", nor is "@exac".
	run sj -q --abstract-allow '@ok-*' --abstract-allow '@exact' -- sh -c '
		for a in @ok-1 @bad "@exact\x00evil" @exac @exact; do
			"$1/bindun" "$a" -- sh "$2/names.sh"
		done
		cat /proc/net/unix' sh "$H" "$SJ_TMP"
	expect_eq "$(results | tr '\n' ';')" \
		"OK bound @ok-1;ERR bind EPERM;ERR bind EPERM;ERR bind EPERM;OK bound @exact;" "results"
	expect_eq "$(named | tr '\n' ' ')" "@ok-1 @exact " "names seen"
	expect_no_abstract_names "at the end"
}

# --- autobind ---------------------------------------------------------------------

gate_autobind_script() {
	local o m
	for o in passcred passpidfd; do
		for m in bind connect sendto write sendmsg; do
			[ "$m" = bind ] && [ "$o" = passpidfd ] && continue
			printf '"%s/autobind" -o %s %s -- cat /proc/net/unix\n' "$H" "$o" "$m"
		done
	done
}

t_autobind() {
	require_helpers autobind
	gate_autobind_script >"$SJ_TMP/autobind.sh"
	run sh "$SJ_TMP/autobind.sh"
	expect_eq "$(results | sed -E 's/@[0-9a-f]{5} /@X /' | sort | uniq -c | sed 's/^ *//')" \
		$'1 OK autobound @X (bind ok)\n8 OK autobound @X (setsockopt ok)' "control, no sockjail"

	# The default policy allows autobind: the kernel picks the name, inside the sandbox's netns.
	run sj -q -- sh "$SJ_TMP/autobind.sh"
	expect_eq "$(results | sed -E 's/@[0-9a-f]{5} /@X /' | sort | uniq -c | sed 's/^ *//')" \
		$'1 OK autobound @X (bind ok)\n8 OK autobound @X (setsockopt ok)' "--autobind allow (default)"

	run sj -q --autobind deny -- sh "$SJ_TMP/autobind.sh"
	expect_eq "$(results | sort | uniq -c | sed 's/^ *//')" \
		$'1 ERR unbound (bind EPERM)\n8 ERR unbound (setsockopt EPERM)' "--autobind deny"
	expect_no_abstract_names "--autobind deny"
	expect_eq "$(printf '%s\n' "$out" | grep -c 'Num *RefCount')" 9 "one /proc/net/unix dump per attack"
}

# --- io_uring -----------------------------------------------------------------------

t_io_uring() {
	require_helpers uring
	local name=sjt-uring-$$
	run "$H/uring" bind "@$name" -- cat /proc/net/unix
	case $(result) in
	"OK bound @$name via IORING_OP_BIND")
		expect_name_dumped "@$name" "control" ;;
	"ERR IORING_OP_BIND EINVAL")
		# Before Linux 6.11 there is no IORING_OP_BIND: io_uring itself is the control.
		run "$H/uring" setup
		expect_eq "$rc/$(result | cut -d' ' -f1-2)" "0/OK io_uring_setup" "control: io_uring_setup" ;;
	"ERR io_uring_setup "*)
		skip "io_uring is not available outside the sandbox either ($(result); kernel.io_uring_disabled=$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null))" ;;
	*) fail "control: $rc $(result)" ;;
	esac

	local policy
	for policy in "" "--abstract allow"; do
		# shellcheck disable=SC2086
		run sj $policy -- "$H/uring" bind "@$name" -- cat /proc/net/unix
		expect_eq "$rc/$(result)" "1/ERR io_uring_setup ENOSYS" "inside ($policy)"
		expect_no_abstract_names "inside ($policy)"
	done
}

# --- foreign ABIs -------------------------------------------------------------------

# Does this kernel run i386 code? "yes", or "no" with the exact signature
# of IA-32 emulation being off (a guest kernel with ia32_emulation=0): the
# -m32 binary cannot be exec'd (ENOEXEC) and int80probe, which makes one
# i386 getpid and nothing else, dies of SIGSEGV at its int $0x80. Any other
# answer fails the test: a helper that is broken must not pass for a
# kernel without i386.
gate_i386_here() {
	local probe m32
	probe=$("$H/int80probe" 2>&1)
	m32=$($PY -c 'import errno, os, sys
try:
    os.execv(sys.argv[1], sys.argv[1:])
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))' "$H/bind32_m32" 2>&1)
	case "$probe/$m32" in
	"OK i386 getpid/"*) [ "$m32" != ENOEXEC ] || fail "int 0x80 works, yet the -m32 binary gets ENOEXEC"
		echo yes ;;
	"ERR SIGSEGV at int 0x80/ENOEXEC") echo no ;;
	*) fail "neither i386 nor its exact absence: int80probe [$probe], exec of bind32_m32 [$m32]" ;;
	esac
}

# gate_i386_control NAME VIA PROGRAM ARG: outside, with a /proc/net/unix
# dump. Returns 1 when this kernel runs no i386 code at all (checked by
# gate_i386_here, not assumed): then the attack cannot happen here, with
# or without sockjail. The same is checked inside, the test passes with a
# NOTE in the runner's output, and the I386 -> kill verdict of the filter
# itself is covered by tests/unit/test_seccomp_filter.c. A skip would hide
# nothing here and fail CI on every machine of this kind.
gate_i386_control() {
	local name=$1 via=$2 here
	shift 2
	here=$(gate_i386_here) || exit 1
	if [ "$here" = no ]; then
		case $(basename "$1") in
		# (Outside: gate_i386_here saw ENOEXEC. Not through run: timeout's
		# execvp() would hand the binary to /bin/sh.)
		bind32_m32) run sj --abstract allow -- $PY -c 'import errno, os, sys
try:
    os.execv(sys.argv[1], sys.argv[1:])
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))' "$@" "@$name"
			expect_eq "$rc/$out" "0/ENOEXEC" "exec of the -m32 binary inside: $err" ;;
		*) run "$@" "@$name" -- cat /proc/net/unix
			expect_eq "$rc/$(result)" "139/" "int 0x80 outside: SIGSEGV, no result line: $err"
			expect_match "$err" "^int80: trying i386 " "int80 got as far as its int 0x80"
			run sj --abstract allow -- "$H/int80probe"
			expect_eq "$rc/$out" "1/ERR SIGSEGV at int 0x80" "int80probe inside: $err" ;;
		esac
		run sj --abstract allow -- sh -c '"$@"; echo "status $?"; cat /proc/net/unix' sh "$@" "@$name"
		expect_no_abstract_names "inside, where the kernel refuses i386 code"
		echo "NOTE: this kernel runs no i386 code (int80probe: SIGSEGV at int 0x80; -m32 binary: ENOEXEC);" \
			"$(basename "$1") $via: nothing to gate" >&2
		return 1
	fi
	run "$@" "@$name" -- cat /proc/net/unix
	expect_eq "$rc/$(result)" "0/OK bound @$name via $via" "control, no sockjail"
	expect_name_dumped "@$name" "control"
}

# Inside, under a shell that survives the kill and then dumps /proc/net/unix.
gate_i386_inside() {
	local name=$1
	shift
	run sj --abstract allow -- sh -c '"$@"; echo "status $?"; cat /proc/net/unix' sh "$@" "@$name"
	expect_eq "$rc" 0 "sandbox status"
	expect_match "$out" "status 159" "killed by SIGSYS even with --abstract allow"
	expect_eq "$(result)" "" "no result line from the killed program"
	expect_no_abstract_names "after the i386 call"
	run sj -- "$@" "@$name"
	expect_eq "$rc" 159 "sockjail's status when COMMAND dies of SIGSYS"
}

t_i386_m32_socketcall() {
	require_helpers bind32_m32 int80probe
	gate_i386_control sjt-m32s-$$ "i386 socketcall" "$H/bind32_m32" socketcall || return 0
	gate_i386_inside sjt-m32s-$$ "$H/bind32_m32" socketcall
}

t_i386_m32_bind() {
	require_helpers bind32_m32 int80probe
	gate_i386_control sjt-m32b-$$ "i386 bind" "$H/bind32_m32" bind || return 0
	gate_i386_inside sjt-m32b-$$ "$H/bind32_m32" bind
}

t_i386_int80_from_64bit() {
	require_helpers int80 int80probe bind32_m32
	local how
	for how in socketcall bind; do
		gate_i386_control sjt-i80-$how-$$ "int 0x80 $how" "$H/int80" $how || continue
		gate_i386_inside sjt-i80-$how-$$ "$H/int80" $how
	done
}

t_x32_syscall_number() {
	require_helpers x32
	local name=sjt-x32-$$
	# Control: this kernel is built without CONFIG_X86_X32_ABI, so outside
	# the x32 bind fails with ENOSYS (a kernel with x32 would bind). Inside,
	# the filter kills the process before the kernel looks at the number.
	run "$H/x32" "@$name"
	case "$rc/$(result)" in
	"1/ERR x32 bind ENOSYS" | "0/OK bound @$name via x32 bind") ;;
	*) fail "control: $rc $(result)" ;;
	esac
	run sj --abstract allow -- sh -c '"$@"; echo "status $?"; cat /proc/net/unix' sh "$H/x32" "@$name"
	expect_match "$out" "status 159" "x32 number: killed by SIGSYS"
	expect_eq "$(result)" "" "no result line from the killed program"
	expect_no_abstract_names "after the x32 call"
	run sj -- "$H/x32" "@$name"
	expect_eq "$rc" 159 "sockjail's status"
}

# --- races ---------------------------------------------------------------------------

# "KEY=N" from the result line.
field() { result | grep -oE "(^| )$1=[0-9]+" | cut -d= -f2; }

t_race_flip_sun_path() {
	require_helpers racebind
	local dir=$SJ_RUNTMP/race
	mkdir -p "$dir"
	# Control: the flipping works; without a gate both kinds get bound. Enough
	# binds that the flipper gets a CPU while they run on a loaded machine.
	run "$H/racebind" -n 50000 -T 20 "$dir/s"
	expect_eq "$rc" 0 "control: $(result)"
	[ "$(field pathname)" -gt 0 ] || fail "control: no pathname bind: $(result)"

	# --abstract allow: the supervisor binds the name it checked, abstract or not.
	run sj -q --run-dir "$dir" --abstract allow -- "$H/racebind" -n 2000 "$dir/s" -- cat /proc/net/unix
	expect_eq "$rc" 0 "--abstract allow: $(result)"
	[ "$(field abstract)" -gt 0 ] || fail "--abstract allow: the harness made no abstract name: $(result)"
	# The abstract twin of /run/... is "\0run/...".
	[ "$(dumped_names | grep -c "^@${dir#/}/s-")" -gt 0 ] || fail "--abstract allow: no name in /proc/net/unix"

	# Default policy, 20,000 binds: not one abstract name, and both outcomes occur.
	run sj -q --run-dir "$dir" -- "$H/racebind" -n 20000 -T 50 "$dir/s" -- cat /proc/net/unix
	expect_eq "$rc" 1 "default policy: $(result)"
	expect_eq "$(field abstract)" 0 "default policy: abstract names"
	expect_eq "$(field binds)" 20000 "default policy: binds done in time"
	[ "$(field denied)" -gt 0 ] && [ "$(field pathname)" -gt 0 ] ||
		fail "default policy: the race did not flip both ways: $(result)"
	expect_no_abstract_names "default policy"
}

t_race_dup2_unix_over_inet() {
	require_helpers racefd
	# Control: without a gate the kernel's own fd lookup races too, rarely
	# (a few times in 20,000 rounds, which take a fraction of a second).
	run "$H/racefd" -s -n 1000000 -T 20 sjtfd
	expect_eq "$rc" 0 "control: $(result)"

	run sj -q --abstract allow -- "$H/racefd" -n 2000 sjtfd -- cat /proc/net/unix
	expect_eq "$rc" 0 "--abstract allow: $(result)"
	[ "$(field abstract)" -gt 0 ] || fail "--abstract allow: no AF_UNIX socket got bound: $(result)"

	run sj -q -- "$H/racefd" -n 3000 -T 50 sjtfd -- cat /proc/net/unix
	expect_eq "$rc" 1 "default policy: $(result)"
	expect_eq "$(field abstract)" 0 "default policy: abstract names"
	[ "$(field denied)" -gt 0 ] && [ "$(field inet)" -gt 0 ] ||
		fail "default policy: the fd did not swap both ways: $(result)"
	expect_no_abstract_names "default policy"
}

# The supervisor keeps a pidfd per calling tid. A thread that is not the
# leader exec()s: the kernel gives it the leader's tid, whose earlier call
# the supervisor saw (refused). The new program's binds are its own: its
# socket (the old one stays open under another number), decided afresh.
t_bind_after_exec_from_thread() {
	require_helpers threadexec bindun
	local name=sjt-tx-$$
	run "$H/threadexec" "@$name-a" -- "$H/bindun" "@$name-b" -- cat /proc/net/unix
	expect_eq "$rc/$(result)" "0/OK bound @$name-b" "control, no sockjail"
	expect_name_dumped "@$name-b" "control"

	run sj --abstract-allow "@$name-b" -- "$H/threadexec" "@$name-a" -- "$H/bindun" "@$name-b" -- cat /proc/net/unix
	expect_eq "$rc/$(result)" "0/OK bound @$name-b" "allowed, after the leader's refused bind"
	expect_name_dumped "@$name-b" "allowed"
	run sj -- "$H/threadexec" "@$name-a" -- "$H/bindun" "@$name-c" -- cat /proc/net/unix
	expect_eq "$rc/$(result)" "1/ERR bind EPERM" "refused, after the leader's refused bind"
	expect_no_abstract_names "refused"
	# Both calls came from one tid: the test is what it says.
	local a c
	a=$(printf '%s\n' "$err" | sed -n "s/^sockjail: denied bind @$name-a (pid \([0-9]*\), comm \"threadexec\")$/\1/p")
	c=$(printf '%s\n' "$err" | sed -n "s/^sockjail: denied bind @$name-c (pid \([0-9]*\), comm \"bindun\")$/\1/p")
	[ -n "$a" ] && [ "$a" = "$c" ] || fail "the two denials are not from one tid: $err"
	run sj -- "$H/threadexec" "@$name-a" -- "$H/bindun" -l 2 @
	expect_match "$rc/$(result)" "^0/OK bound @[0-9a-f]{5}$" "autobind, after the leader's refused bind"
}

# --- the supervisor is out of reach -------------------------------------------

t_kill_everything_then_bind() {
	require_helpers killall
	# No control outside: it would kill the host. --abstract allow is the
	# control: the same program binds, so only the policy refuses it below.
	local name=sjt-killall-$$
	run sj --abstract allow -- sh -c "sleep 30 & exec '$H/killall' @$name -- cat /proc/net/unix"
	expect_match "$(result)" "^OK bound @$name after killing [1-9]" "--abstract allow"
	expect_name_dumped "@$name" "--abstract allow"

	run sj -- sh -c "sleep 30 & exec '$H/killall' @$name -- cat /proc/net/unix"
	expect_eq "$rc" 1 "status"
	expect_match "$(result)" "^ERR bind EPERM after killing [1-9]" "default policy"
	expect_no_abstract_names "default policy"
	expect_match "$err" "denied bind @$name" "the supervisor answered"
}

t_no_seccomp_listener_inside() {
	require_helpers fdscan nestlisten
	# Control: fdscan recognises a listener (one made outside, held by its parent).
	run "$H/nestlisten" -- "$H/fdscan" parent
	expect_match "$out" $'^OK listener fd [0-9]+\nOK found /proc/[0-9]+/fd/[0-9]+ -> anon_inode:seccomp notify$' "control"

	run sj -- "$H/fdscan" all
	expect_eq "$rc" 1 "inside: $out"
	expect_match "$(result)" "^ERR none among [0-9]+ fds of [0-9]+ processes$" "inside"

	# From outside: the sandbox's own processes (init and COMMAND) hold none either.
	# (Not through sj: $! must be sockjail itself. Never on our stdout either,
	# so that nothing left behind can keep the runner waiting.)
	"$SOCKJAIL" -- sleep 30 >/dev/null 2>&1 &
	local sjpid=$! init cmd i
	sj_bg+=($sjpid)
	for ((i = 0; i < 100; i++)); do
		init=$(cat /proc/$sjpid/task/*/children 2>/dev/null | awk '{ print $1 }')
		[ -n "$init" ] && cmd=$(cat /proc/$init/task/*/children 2>/dev/null | awk '{ print $1 }')
		[ -n "$cmd" ] && [ "$(readlink /proc/$cmd/exe)" = "$(command -v sleep)" ] && break
		sleep 0.05
	done
	[ -n "$cmd" ] || fail "could not find the sandbox's processes"
	run "$H/fdscan" "$init" "$cmd"
	expect_eq "$rc" 1 "outside, scanning init $init and COMMAND $cmd: $out $err"
	expect_match "$(result)" "^ERR none among [0-9]+ fds of 2 processes$" "outside scan"
	# And the one who should hold it does.
	run "$H/fdscan" "$sjpid"
	expect_eq "$rc" 0 "the supervisor holds the listener: $out"
}

t_nested_listener_refused() {
	require_helpers nestlisten
	run "$H/nestlisten"
	expect_eq "$rc/$(result | cut -d' ' -f1-2)" "0/OK listener" "control, no sockjail"
	run sj -- "$H/nestlisten"
	expect_eq "$rc/$(result)" "1/ERR seccomp EBUSY" "inside"
}

t_supervisor_killed_fails_closed() {
	require_helpers bindun
	local log=$SJ_TMP/fc.log i n1 n2
	: >"$log"
	# $! must be sockjail itself (not a subshell running sj), and it must not
	# hold our stdout. The loop is bounded in case the sandbox outlives it.
	"$SOCKJAIL" -q --abstract-allow '@sjt-fc-ok' -- sh -c "
		i=0; while [ \$i -lt 20000 ]; do
			'$H/bindun' @sjt-fc-ok; '$H/bindun' @sjt-fc-$$; i=\$((i + 1))
		done >>'$log' 2>&1" >/dev/null 2>&1 &
	local sjpid=$!
	sj_bg+=($sjpid)
	for ((i = 0; i < 200; i++)); do
		[ "$(grep -c '^OK' "$log")" -ge 3 ] && break
		sleep 0.05
	done
	[ "$(grep -c '^OK' "$log")" -ge 3 ] || fail "the loop did not start: $(head -n 5 "$log")"
	local init
	init=$(cat /proc/$sjpid/task/*/children | awk '{ print $1 }')
	[ -n "$init" ] || fail "no sandbox init under sockjail $sjpid"
	kill -KILL "$sjpid"
	wait "$sjpid" 2>/dev/null
	# The sandbox dies with its supervisor (init gone or a zombie), and the log stops growing.
	for ((i = 0; i < 100; i++)); do
		[ -e "/proc/$init" ] && [ "$(awk '{ print $3 }' "/proc/$init/stat" 2>/dev/null)" != Z ] || break
		sleep 0.05
	done
	[ -e "/proc/$init" ] && [ "$(awk '{ print $3 }' "/proc/$init/stat" 2>/dev/null)" != Z ] &&
		fail "the sandbox's init $init outlived its supervisor"
	n1=$(wc -l <"$log")
	sleep 0.3
	n2=$(wc -l <"$log")
	[ "$n1" -eq "$n2" ] || fail "the sandbox outlived its supervisor (its log still grows)"
	if grep -qE "^OK bound @sjt-fc-$$" "$log"; then
		fail "a refused name was bound: $(grep "sjt-fc-$$" "$log" | sort | uniq -c)"
	fi
	# Refused while it lived (EPERM), and by the kernel once it was gone (ENOSYS).
	local other
	other=$(grep -vxE 'OK bound @sjt-fc-ok|ERR bind (EPERM|ENOSYS)' "$log" | sort -u)
	[ -z "$other" ] || fail "unexpected results: $other"
	grep -qx 'ERR bind EPERM' "$log" || fail "no refusal logged"
}

t_host_proc_net_unix_unreadable() {
	local name=sjt-hostproc-$$
	$PY -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind("\0" + sys.argv[1])
open(sys.argv[2], "w").close()
time.sleep(30)' "$name" "$SJ_TMP/ready" >/dev/null 2>&1 &
	sj_bg+=($!)
	wait_for_path "$SJ_TMP/ready"
	grep -q "@$name\$" /proc/net/unix || fail "control: the host's /proc/net/unix lacks @$name"
	run sj -- sh -c "cat /proc/net/unix /proc/[0-9]*/net/unix /proc/self/net/unix"
	expect_eq "$rc" 0 "status: $err"
	expect_no_match "$out" "$name" "the sandbox's view"
}

# --- pathname binds: exactly what the kernel would do -------------------------

t_pathname_bind_exact() {
	require_helpers bindun
	local script='
		umask 027
		mkdir sub
		"$1/bindun" rel.sock
		"$1/bindun" "$PWD/abs.sock"
		(cd sub && "$1/bindun" ../up.sock)
		"$1/bindun" -t dgram sub/d.sock
		"$1/bindun" rel.sock
		"$1/bindun" nodir/x.sock
		"$1/bindun" "$PWD/sub"
		chmod 555 sub
		"$1/bindun" sub/ro.sock
		chmod 755 sub
		"$1/bindun" -l 3 "\x2f"
		stat -c "%n %A %u %g" rel.sock abs.sock up.sock sub/d.sock'
	mkdir "$SJ_TMP/out" "$SJ_TMP/in"
	# The sandbox keeps no capability: neither does the control (root would
	# otherwise write into the 555 directory).
	local nocaps=()
	[ "$(id -u)" = 0 ] && nocaps=(setpriv --bounding-set=-all --inh-caps=-all)
	run "${nocaps[@]}" sh -c "cd '$SJ_TMP/out' && $script" sh "$H"
	local control=${out//$SJ_TMP\/out/DIR}
	expect_match "$control" $'^OK bound rel.sock\nOK bound DIR/abs.sock\nOK bound ../up.sock\nOK bound sub/d.sock\nERR bind EADDRINUSE\nERR bind ENOENT\nERR bind EADDRINUSE\nERR bind EACCES\n' "control"
	expect_match "$control" 'rel.sock srwxr-x--- ' "control: umask 027"

	run sj -q -- sh -c "cd '$SJ_TMP/in' && $script" sh "$H"
	expect_eq "$rc" 0 "status: $err"
	expect_eq "${out//$SJ_TMP\/in/DIR}" "$control" "inside: names, errors, modes and owners as outside"
	# The files are where the kernel put them, on the host.
	[ -S "$SJ_TMP/in/rel.sock" ] && [ -S "$SJ_TMP/in/up.sock" ] && [ -S "$SJ_TMP/in/sub/d.sock" ] ||
		fail "sockets missing on the host: $(ls -lR "$SJ_TMP/in")"
	expect_eq "$(stat -c '%A %u' "$SJ_TMP/in/rel.sock")" "srwxr-x--- $(id -u)" "owner and mode seen from outside"
}

t_privileged_port() {
	require_helpers bindin
	run "$H/bindin" 127.0.0.1 80
	if [ "$SJ_MODE" = root ]; then
		# Root outside may find port 80 taken; either way not EACCES.
		expect_match "$(result)" '^(OK bound 127.0.0.1:80|ERR bind EADDRINUSE)$' "control as root"
	else
		expect_eq "$(result)" "ERR bind EACCES" "control without CAP_NET_BIND_SERVICE"
	fi
	run sj -- "$H/bindin" 127.0.0.1 80
	expect_eq "$rc/$(result)" "1/ERR bind EACCES" "inside, no capability"
	run sj -- "$H/bindin" 127.0.0.1 1080
	expect_eq "$rc/$(result)" "0/OK bound 127.0.0.1:1080" "inside, unprivileged port"
	run sj --cap-keep net_bind_service -- "$H/bindin" 127.0.0.1 80
	expect_eq "$rc/$(result)" "0/OK bound 127.0.0.1:80" "inside, --cap-keep net_bind_service"
	run sj --cap-keep net_bind_service -- "$H/bindin" -t udp ::1 80
	expect_eq "$rc/$(result)" "0/OK bound ::1:80" "inside, IPv6, --cap-keep net_bind_service"
	if [ "$SJ_MODE" != nested ]; then
		# (Nested: the outer user namespace maps only uid 0.)
		run sj --cap-keep net_bind_service --uid 1000 -- "$H/bindin" 127.0.0.1 80
		expect_eq "$rc/$(result)" "0/OK bound 127.0.0.1:80" "inside, --uid 1000 --cap-keep net_bind_service"
		run sj --uid 1000 -- "$H/bindin" 127.0.0.1 80
		expect_eq "$rc/$(result)" "1/ERR bind EACCES" "inside, --uid 1000"
	fi
}

# --- real programs --------------------------------------------------------------------

t_python3_abstract() {
	local name=sjt-py-$$ prog
	prog='import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.bind("\0" + sys.argv[1])
    print("OK bound")
except OSError as e:
    print("ERR", e.strerror)
sys.stdout.write(open("/proc/net/unix").read())'
	run $PY -c "$prog" "$name"
	expect_eq "$(result)" "OK bound" "control"
	expect_name_dumped "@$name" "control"
	run sj -- $PY -c "$prog" "$name"
	expect_eq "$(result)" "ERR Operation not permitted" "inside"
	expect_no_abstract_names "inside"
	expect_match "$err" "^sockjail: denied bind @$name \(pid [0-9]+, comm \"python3\"\)$" "denial line"
}

t_socat_abstract_listen() {
	require_cmd socat
	local name=sjt-socat-$$
	socat "ABSTRACT-LISTEN:$name" /dev/null >/dev/null 2>&1 &
	sj_bg+=($!)
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q "@$name\$" /proc/net/unix && break
		sleep 0.05
	done
	grep -q "@$name\$" /proc/net/unix || fail "control: socat did not listen on @$name"
	kill "${sj_bg[-1]}"
	run sj -- sh -c "socat ABSTRACT-LISTEN:$name /dev/null; echo status \$?; cat /proc/net/unix"
	expect_match "$out" "status 1" "socat fails inside"
	expect_match "$err" "bind.*Operation not permitted" "socat's error"
	expect_no_abstract_names "inside"
}

gate_dbus_config() {
	cat >"$SJ_TMP/bus.conf" <<'EOF'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
}

t_dbus_daemon_abstract_vs_path() {
	require_cmd dbus-daemon
	require_cmd dbus-send
	gate_dbus_config
	local name=sjt-dbus-$$ i
	# Control: the abstract address works outside.
	dbus-daemon --config-file="$SJ_TMP/bus.conf" --nofork --print-address \
		--address="unix:abstract=$name" >"$SJ_TMP/addr" 2>"$SJ_TMP/dbus.err" &
	sj_bg+=($!)
	for ((i = 0; i < 100; i++)); do
		[ -s "$SJ_TMP/addr" ] && break
		sleep 0.05
	done
	expect_match "$(cat "$SJ_TMP/addr")" "^unix:abstract=$name,guid=" "control: $(cat "$SJ_TMP/dbus.err")"
	kill "${sj_bg[-1]}"

	run sj -- sh -c "timeout 10 dbus-daemon --config-file='$SJ_TMP/bus.conf' --nofork --print-address \
		--address=unix:abstract=$name; echo status \$?; cat /proc/net/unix"
	expect_match "$out" "status 1" "dbus-daemon fails on unix:abstract= inside"
	expect_match "$err" "Operation not permitted" "dbus-daemon's error"
	expect_no_abstract_names "unix:abstract="

	# unix:path= in a --run-dir works, and a client gets an answer.
	local bus=$SJ_RUNTMP/bus
	run sj --run-dir "$SJ_RUNTMP" -- sh -c "
		dbus-daemon --config-file='$SJ_TMP/bus.conf' --nofork --print-address \
			--address=unix:path=$bus >'$SJ_TMP/addr2' & d=\$!
		i=0; while [ ! -s '$SJ_TMP/addr2' ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done
		timeout 10 dbus-send --bus=unix:path=$bus --print-reply --dest=org.freedesktop.DBus \
			/org/freedesktop/DBus org.freedesktop.DBus.GetId
		echo status \$?
		kill \$d; wait \$d
		cat /proc/net/unix"
	expect_match "$(cat "$SJ_TMP/addr2")" "^unix:path=$bus,guid=" "unix:path= inside: $err"
	expect_match "$out" 'string "[0-9a-f]{32}"' "dbus-send got the bus id: $err"
	expect_match "$out" "status 0" "dbus-send"
	expect_no_abstract_names "unix:path="
}

# --- --net host -------------------------------------------------------------------

gate_host_listener() { # NAME READYFILE: answers "pong" on @NAME in the host's netns
	$PY -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind("\0" + sys.argv[1])
s.listen(8)
s.settimeout(60)
open(sys.argv[2], "w").close()
while True:
    c, _ = s.accept()
    c.sendall(b"pong\n")
    c.close()' "$1" "$2" >/dev/null 2>&1 &
	sj_bg+=($!)
	wait_for_path "$2"
}

gate_client='import errno, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
try:
    s.connect("\0" + sys.argv[1])
    print(s.makefile().readline().strip())
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e.errno)))'

t_net_host_abstract_connect() {
	local name=sjt-host-$$
	gate_host_listener "$name" "$SJ_TMP/ready"
	run $PY -c "$gate_client" "$name"
	expect_eq "$out" pong "control, no sockjail"
	# Refused as if the name did not exist (issue 18: clients then fall
	# back to a pathname socket), with Landlock underneath.
	run sj --net host -- $PY -c "$gate_client" "$name"
	expect_eq "$out" ECONNREFUSED "--net host, default: $err"
	run sj --net host --abstract-connect deny -- $PY -c "$gate_client" "$name"
	expect_eq "$out" ECONNREFUSED "--net host --abstract-connect deny: $err"
	require_cmd socat
	run socat -T 5 - "ABSTRACT-CONNECT:$name" </dev/null
	expect_eq "$rc/$out" "0/pong" "socat, control: $err"
	run sj --net host -- socat -T 5 - "ABSTRACT-CONNECT:$name" </dev/null
	expect_match "$err" "Connection refused" "socat, --net host"
	run sj --net host --abstract-connect allow -- $PY -c "$gate_client" "$name"
	expect_eq "$out" pong "--net host --abstract-connect allow: $err"
	# The default network: the host's name does not exist in the sandbox.
	run sj -- $PY -c "$gate_client" "$name"
	expect_eq "$out" ECONNREFUSED "--net none"
}

t_net_host_abstract_bind() {
	require_helpers bindun
	local name=sjt-hostbind-$$ hold
	# Hold the sandbox's sockets until the host has looked at its own /proc/net/unix.
	hold="echo >'$SJ_TMP/held'; i=0; while [ ! -e '$SJ_TMP/go' ] && [ \$i -lt 200 ]; do sleep 0.05; i=\$((i + 1)); done"
	host_sees() {
		rm -f "$SJ_TMP/held" "$SJ_TMP/go"
		"$SOCKJAIL" --net host -q "$@" -- "$H/bindun" "@$name" -- sh -c "$hold" >"$SJ_TMP/hb.out" 2>&1 &
		sj_bg+=($!)
		wait_for_path "$SJ_TMP/held" 20
		grep -c "@$name\$" /proc/net/unix
		touch "$SJ_TMP/go"
		wait "${sj_bg[-1]}"
	}
	# Control: allowed, the name lands in the host's netns.
	expect_eq "$(host_sees --abstract allow)" 1 "--net host --abstract allow: $(cat "$SJ_TMP/hb.out")"
	expect_eq "$(cat "$SJ_TMP/hb.out")" "OK bound @$name" "--net host --abstract allow"
	expect_eq "$(host_sees)" 0 "--net host, default: the host's /proc/net/unix"
	expect_eq "$(cat "$SJ_TMP/hb.out")" "ERR bind EPERM" "--net host, default"
	# Autobind (allowed by default) lands in the host's netns as well, and
	# works rootless too (the supervisor must know that netns for its own).
	require_helpers autobind
	run sj --net host -- "$H/autobind" bind
	expect_match "$rc/$(result)" '^0/OK autobound @[0-9a-f]{5} \(bind ok\)$' "--net host, autobind"
}

# --- audit and the policy options -------------------------------------------------

t_audit_json() {
	local name=sjt-log-$$ f=$SJ_TMP/audit.jsonl
	gate_scripts
	run sj --abstract log --audit "$f" -- $PY "$SJ_TMP/pybind.py" "hex:00$(printf %s "$name" | od -An -tx1 | tr -d ' \n')"
	expect_eq "$rc/$out" "0/OK bound" "--abstract log allows"
	expect_eq "$err" "" "stderr (log is not a denial)"
	$PY -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' "$f" || fail "not JSON lines: $(cat "$f")"
	expect_eq "$(wc -l <"$f")" 1 "one record"
	$PY - "$f" "@$name" <<'EOF' || fail "record: $(cat "$f")"
import json, re, sys
r = json.loads(open(sys.argv[1]).readline())
want = {"comm": "python3", "syscall": "bind", "family": "AF_UNIX", "kind": "abstract",
        "address": sys.argv[2], "decision": "log"}
bad = {k: (r.get(k), v) for k, v in want.items() if r.get(k) != v}
missing = [k for k in ("ts", "pid", "comm", "syscall", "family", "kind", "address", "decision", "rule") if k not in r]
assert not missing, missing
assert not bad, bad
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", r["ts"]), r["ts"]
assert isinstance(r["pid"], int) and r["pid"] > 0, r["pid"]
assert isinstance(r["rule"], str) and "abstract" in r["rule"], r["rule"]
EOF

	# Every decision, refused or allowed, and any bytes in a name stay one JSON line.
	rm -f "$f"
	# \0 s j t - " q \ u \0 \1 \xff, then a pathname, then the empty abstract name.
	run sj -q --audit "$f" -- sh -c '
		$1 "$2/pybind.py" hex:00736a742d22715c750001ff
		$1 "$2/pybind.py" "$2/a.sock"
		$1 "$2/pybind.py" hex:00' sh "$PY" "$SJ_TMP"
	expect_eq "$out" $'ERR Operation not permitted\nOK bound\nERR Operation not permitted' "results"
	expect_eq "$err" "" "-q: no denial lines"
	$PY - "$f" "$SJ_TMP/a.sock" <<'EOF' || fail "records: $(cat "$f")"
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
got = [(r["kind"], r["address"], r["decision"]) for r in rs]
want = [("abstract", '@sjt-"q\\x5cu\\x00\\x01\\xff', "deny"),
        ("pathname", sys.argv[2], "allow"),
        ("abstract", "@", "deny")]
assert got == want, got
EOF

	# Binds that wait for the executor at the same time (their slots move
	# as others finish) are each recorded with their own address.
	require_helpers bindun
	rm -f "$f"
	run sj -q --audit "$f" -- sh -c '
		for i in 1 2 3 4 5 6 7 8 9 10 11 12; do "$1/bindun" "$2/c$i.sock" & done; wait' sh "$H" "$SJ_TMP"
	expect_eq "$(results | grep -c '^OK bound')" 12 "concurrent pathname binds: $out $err"
	$PY - "$f" "$SJ_TMP" <<'EOF' || fail "records: $(cat "$f")"
import json, sys
got = sorted(json.loads(l)["address"] for l in open(sys.argv[1]))
assert got == sorted("%s/c%d.sock" % (sys.argv[2], i) for i in range(1, 13)), got
EOF
}

t_quiet() {
	local name=sjt-quiet-$$ hex
	gate_scripts
	hex=hex:00$(printf %s "$name" | od -An -tx1 | tr -d ' \n')
	run sj -- $PY "$SJ_TMP/pybind.py" "$hex"
	expect_eq "$rc" 1 "status"
	expect_eq "$(printf '%s\n' "$err" | grep -c '^sockjail: denied bind')" 1 "one denial line"
	expect_match "$err" "^sockjail: denied bind @$name \(pid [0-9]+, comm \"python3\"\)$" "denial line"
	run sj -q -- $PY "$SJ_TMP/pybind.py" "$hex"
	expect_eq "$rc/$out" "1/ERR Operation not permitted" "with -q, python still sees EPERM"
	expect_eq "$err" "" "stderr with -q"
}

t_on_deny_kill() {
	require_helpers bindun
	run sj --on-deny kill --abstract-allow '@sjt-fine' -- sh -c "
		'$H/bindun' @sjt-fine; '$H/bindun' '$SJ_TMP/p.sock'; '$H/bindun' @sjt-kill-$$; echo survived"
	expect_eq "$rc" 137 "sockjail's status"
	# The refused process never sees EPERM: it dies first.
	expect_eq "$out" $'OK bound @sjt-fine\nOK bound '"$SJ_TMP/p.sock" "allowed binds, then nothing"
	expect_match "$err" "denied bind @sjt-kill-$$" "denial line"
}

t_pathname_bind_run_dirs() {
	require_helpers bindun
	local rd=$SJ_RUNTMP/rd
	mkdir -p "$rd" "$SJ_TMP/elsewhere"
	ln -s "$SJ_TMP/elsewhere" "$rd/link"
	# Control: --pathname-bind any (the default) binds anywhere.
	run sj -q --run-dir "$rd" -- "$H/bindun" "$SJ_TMP/elsewhere/a.sock"
	expect_eq "$rc/$(result)" "0/OK bound $SJ_TMP/elsewhere/a.sock" "--pathname-bind any"
	# run-dirs: beneath the run-dir only, relative paths and symlinks resolved.
	run sj -q --run-dir "$rd" --pathname-bind run-dirs -- sh -c '
		"$1/bindun" "$2/in.sock"
		"$1/bindun" "$3/b.sock"
		cd "$2" && "$1/bindun" rel.sock
		"$1/bindun" ../escape.sock
		"$1/bindun" link/c.sock
		"$1/bindun" @sjt-rd' sh "$H" "$rd" "$SJ_TMP/elsewhere"
	expect_eq "$(results | tr '\n' ';')" \
		"OK bound $rd/in.sock;ERR bind EPERM;OK bound rel.sock;ERR bind EPERM;ERR bind EPERM;ERR bind EPERM;" \
		"--pathname-bind run-dirs"
	[ -S "$rd/in.sock" ] && [ -S "$rd/rel.sock" ] || fail "sockets missing in the run-dir"
	[ ! -e "$SJ_TMP/elsewhere/b.sock" ] && [ ! -e "$SJ_TMP/elsewhere/c.sock" ] || fail "a socket escaped the run-dir"
}

# A socket made in the host's netns and handed in over SCM_RIGHTS: a name
# bound on it would land in the host's netns, so even --abstract allow
# refuses it (autobind too). The socket object is asked, not the sandbox.
t_host_netns_socket_passed_in() {
	local name=sjt-foreign-$$ sock=$SJ_RUNTMP/pass.sock
	$PY -c 'import os, socket, sys
srv = socket.socket(socket.AF_UNIX)
srv.bind(sys.argv[1])
srv.listen(4)
srv.settimeout(60)
open(sys.argv[2], "w").close()
while True:
    c, _ = srv.accept()
    fresh = socket.socket(socket.AF_UNIX)
    socket.send_fds(c, [b"x"], [fresh.fileno()])
    fresh.close()
    c.close()' "$sock" "$SJ_TMP/ready" >/dev/null 2>&1 &
	sj_bg+=($!)
	wait_for_path "$SJ_TMP/ready"
	local client='import errno, socket, sys
def passed_in():
    c = socket.socket(socket.AF_UNIX)
    c.connect(sys.argv[1])
    _, fds, _, _ = socket.recv_fds(c, 1, 1)
    return socket.socket(fileno=fds[0])
for addr in ("\0" + sys.argv[2], ""):
    s = passed_in()
    try:
        s.bind(addr)
        print("OK bound", repr(s.getsockname()))
    except OSError as e:
        print("ERR", errno.errorcode[e.errno])'
	run $PY -c "$client" "$sock" "$name"
	expect_match "$out" "^OK bound b?'.x00$name'"$'\n'"OK bound b?'.x00[0-9a-f]{5}'$" "control, no sockjail"
	run sj --abstract allow --run-socket "$sock" -- $PY -c "$client" "$sock" "$name"
	expect_eq "$out" $'ERR EPERM\nERR EPERM' "inside, --abstract allow: $err"
	expect_match "$err" "denied bind @$name" "denial line"
	grep -q "@$name\$" /proc/net/unix && fail "the name appeared in the host's netns"
	return 0
}
