# The gate's cases that need the host's root: other uids and gids than the
# caller's, capabilities a root caller holds and the sandbox must not, and
# --userns as root. Each compares a bind done by the bind executor with
# the same bind done outside by a process with the sandbox's identity
# (setpriv), since "allowed" must mean "what the kernel would have done".
SJ_MODES="root"

. "$SJ_TESTDIR/gate-lib.sh"
. "$SJ_TESTDIR/edges-lib.sh"

# As uid/gid 1000 with no supplementary group and no capability, outside.
as_1000=(setpriv --reuid=1000 --regid=1000 --clear-groups --inh-caps=-all --bounding-set=-all)

# Directories with owners and modes that decide a bind for uid/gid 1000.
gate_root_dirs() {
	mkdir -m 755 "$SJ_TMP/mine" "$SJ_TMP/roots" "$SJ_TMP/group"
	chown 1000:1000 "$SJ_TMP/mine"
	chown 0:1000 "$SJ_TMP/group"
	chmod 770 "$SJ_TMP/group"
	chmod 755 "$SJ_TMP"
}

t_pathname_as_other_uid() {
	require_root_mode
	require_helpers bindun
	gate_root_dirs
	local script='umask 027
		"$1/bindun" "$2/mine/a.sock"
		"$1/bindun" "$2/roots/a.sock"
		"$1/bindun" "$2/group/a.sock"
		cd "$2/mine" && "$1/bindun" rel.sock
		stat -c "%n %A %u:%g" a.sock rel.sock ../group/a.sock'
	# Control: uid 1000 outside.
	run "${as_1000[@]}" sh -c "$script" sh "$H" "$SJ_TMP"
	local control=$out
	expect_eq "$(result)" "OK bound $SJ_TMP/mine/a.sock" "control"
	expect_match "$control" "ERR bind EACCES" "control: root's directory"
	expect_match "$control" "a.sock srwxr-x--- 1000:1000" "control: owner and umask"
	rm -f "$SJ_TMP"/mine/* "$SJ_TMP"/group/*
	# The same inside, with the same identity: the executor must not lend
	# the supervisor's root to it.
	run sj -q --uid 1000 --gid 1000 -- sh -c "$script" sh "$H" "$SJ_TMP"
	expect_eq "$rc" 0 "status: $err"
	expect_eq "$out" "$control" "inside, --uid 1000 --gid 1000"
}

t_pathname_root_without_caps() {
	require_root_mode
	require_helpers bindun
	gate_root_dirs
	# uid 0 inside, but without CAP_DAC_OVERRIDE: 1000's directory is closed.
	run setpriv --bounding-set=-all --inh-caps=-all "$H/bindun" "$SJ_TMP/mine/x.sock"
	expect_eq "$(result)" "ERR bind EACCES" "control: root without capabilities"
	run "$H/bindun" "$SJ_TMP/mine/x.sock"
	expect_eq "$(result)" "OK bound $SJ_TMP/mine/x.sock" "control: root"
	rm -f "$SJ_TMP/mine/x.sock"
	run sj -- "$H/bindun" "$SJ_TMP/mine/x.sock"
	expect_eq "$rc/$(result)" "1/ERR bind EACCES" "inside, no capability"
	run sj --cap-keep dac_override -- "$H/bindun" "$SJ_TMP/mine/x.sock"
	expect_eq "$rc/$(result)" "0/OK bound $SJ_TMP/mine/x.sock" "inside, --cap-keep dac_override"
	expect_eq "$(stat -c %u:%g "$SJ_TMP/mine/x.sock")" "0:0" "owner"
}

t_privileged_port_other_uid() {
	require_root_mode
	require_helpers bindin
	run "${as_1000[@]}" "$H/bindin" 127.0.0.1 80
	expect_eq "$(result)" "ERR bind EACCES" "control: uid 1000"
	run sj --uid 1000 -- "$H/bindin" 127.0.0.1 80
	expect_eq "$rc/$(result)" "1/ERR bind EACCES" "inside, --uid 1000"
	run sj --uid 1000 --cap-keep net_bind_service -- "$H/bindin" 127.0.0.1 80
	expect_eq "$rc/$(result)" "0/OK bound 127.0.0.1:80" "inside, --uid 1000 --cap-keep net_bind_service"
	# Root inside, capabilities dropped: still EACCES.
	run sj -- "$H/bindin" ::1 443
	expect_eq "$rc/$(result)" "1/ERR bind EACCES" "inside as root, IPv6"
}

t_userns_as_root() {
	require_root_mode
	require_helpers bindun bindin
	gate_root_dirs
	local name=sjt-userns-$$
	run sj --userns -- "$H/bindun" "@$name" -- cat /proc/net/unix
	expect_eq "$rc/$(result)" "1/ERR bind EPERM" "--userns: abstract"
	expect_no_match "$out" "@$name" "--userns: /proc/net/unix"
	run sj --userns --uid 1000 --gid 1000 -- sh -c 'umask 077; "$1/bindun" "$2/mine/u.sock"; "$1/bindun" "$2/roots/u.sock"' \
		sh "$H" "$SJ_TMP"
	expect_eq "$out" $'OK bound '"$SJ_TMP"$'/mine/u.sock\nERR bind EACCES' "--userns --uid 1000: $err"
	expect_eq "$(stat -c '%A %u:%g' "$SJ_TMP/mine/u.sock")" "srwx------ 1000:1000" "--userns: owner and mode"
	run sj --userns --cap-keep net_bind_service -- "$H/bindin" 127.0.0.1 80
	expect_eq "$rc/$(result)" "0/OK bound 127.0.0.1:80" "--userns --cap-keep net_bind_service"
}

# A bind whose path lookup blocks (on a FUSE mount whose server never
# answers, like a dead FUSE or NFS mount) holds up the executor zygote,
# never the supervisor: denials and abstract binds of the other processes
# are still answered at once. (Later executor binds would queue behind it.)
# Root only: an ordinary user cannot open /dev/fuse here.
t_blocked_executor_does_not_block_the_supervisor() {
	require_helpers bindun
	# Never reads /dev/fuse: FUSE_INIT goes unanswered, every lookup waits.
	fuse_stuck_mount
	# The sandbox goes on once the stuck bind is seen waiting in FUSE in
	# an executor (a grandchild of sockjail, under the zygote): evidence,
	# not a pause. Each later bind has 10 s before it counts as blocked.
	"$SOCKJAIL" --abstract-allow '@sjt-fine-*' -- sh -c '
		"$1/bindun" "$2/stuck.sock" &
		i=0; while [ ! -e "$4/in-executor" ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
		[ -e "$4/in-executor" ] || echo "the stuck bind never reached the executor"
		timeout -s KILL 10 "$1/bindun" "@sjt-fine-$3"
		timeout -s KILL 10 "$1/bindun" "@sjt-refused-$3"
		timeout -s KILL 10 "$1/bindun" ""
		echo done' sh "$H" "$fuse_mnt" "$$" "$SJ_TMP" >"$SJ_TMP/out" 2>"$SJ_TMP/err" &
	local sjpid=$!
	sj_bg+=($sjpid)
	wait_until 30 executor_waits_in_fuse "$sjpid"
	touch "$SJ_TMP/in-executor"
	wait "$sjpid"
	rc=$?
	out=$(cat "$SJ_TMP/out")
	err=$(cat "$SJ_TMP/err")
	fuse_release
	expect_eq "$(printf '%s\n' "$out" | grep -v '^OK bound @[0-9a-f]\{5\}$')" \
		"OK bound @sjt-fine-$$"$'\nERR bind EPERM\ndone' "binds beside a stuck executor: $err"
	printf '%s\n' "$out" | grep -qx 'OK bound @[0-9a-f]\{5\}' || fail "no autobind beside a stuck executor: $out"
	expect_eq "$rc" 0 "sockjail's status"
}

# The executor's queue grows as binds wait (8 entries, then 16, 32): 20
# pathname binds held up behind one stuck in FUSE are each answered, once,
# for their own address (a queued request's audit record points into its
# own entry, which moves when the queue grows). Control: the same 20 binds
# into an ordinary directory all succeed.
t_executor_queue_grows_behind_a_stuck_bind() {
	require_helpers bindun
	local script='for i in $(seq 20); do "$1/bindun" "$2/q$i.sock" >"$3/out.$i" 2>&1 & done; wait'
	mkdir "$SJ_TMP/plain" "$SJ_TMP/res"
	"$SOCKJAIL" -q --audit "$SJ_TMP/plain.audit" -- sh -c "$script" sh "$H" "$SJ_TMP/plain" "$SJ_TMP/res" ||
		fail "control: sockjail failed"
	local i
	for i in $(seq 20); do
		expect_eq "$(cat "$SJ_TMP/res/out.$i")" "OK bound $SJ_TMP/plain/q$i.sock" "control: bind $i"
	done
	queue_audit_names "$SJ_TMP/plain.audit" "$SJ_TMP/plain"

	fuse_stuck_mount
	rm -f "$SJ_TMP"/res/out.*
	"$SOCKJAIL" -q --audit "$SJ_TMP/stuck.audit" -- sh -c "$script" sh "$H" "$fuse_mnt" "$SJ_TMP/res" &
	local sjpid=$!
	sj_bg+=($sjpid)
	# Evidence: all 20 wait for an answer, and the supervisor, idle in poll(), has taken them all.
	wait_until 30 queue_all_waiting "$sjpid" 20
	fuse_release
	wait "$sjpid"
	expect_eq "$?" 0 "sockjail's status"
	local f n=0
	for f in "$SJ_TMP"/res/out.*; do
		n=$((n + 1))
		expect_match "$(cat "$f")" '^(OK bound .*/q[0-9]+\.sock|ERR bind [A-Z]+)$' "${f##*/}"
	done
	expect_eq "$n" 20 "answers"
	queue_audit_names "$SJ_TMP/stuck.audit" "$fuse_mnt"
}

# Binds of sockjail $1's sandbox waiting in seccomp: $2 of them, and the supervisor in poll().
queue_all_waiting() {
	local p n=0
	for p in $(pgrep -f "bindun $fuse_mnt/q"); do
		grep -q seccomp "/proc/$p/wchan" 2>/dev/null && n=$((n + 1))
	done
	[ "$n" -eq "$2" ] && grep -q poll "/proc/$1/wchan"
}

# --audit file $1 names each of $2/q1.sock ... q20.sock exactly once.
queue_audit_names() {
	$PY - "$1" "$2" <<'PYEOF' || fail "audit records: $(cat "$1")"
import json, sys
got = sorted(json.loads(l)["address"] for l in open(sys.argv[1]))
want = sorted("%s/q%d.sock" % (sys.argv[2], i) for i in range(1, 21))
assert got == want, (got, want)
PYEOF
}

# A grandchild of sockjail $1 (an executor, under the zygote) waits in FUSE.
executor_waits_in_fuse() {
	local z e
	for z in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		for e in $(cat /proc/"$z"/task/*/children 2>/dev/null); do
			grep -qE 'fuse|request_wait_answer' /proc/"$e"/stack /proc/"$e"/wchan 2>/dev/null && return 0
		done
	done
	return 1
}
