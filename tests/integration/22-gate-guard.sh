# Tests that guard the gate's invariants against the bugs `make mutants`
# puts in (tests/mutants/): each is the test a mutant must fail. Races are
# run until both outcomes occurred (else they prove nothing); the
# fault-injection build (make fault, include/fault.h) stops the supervisor
# at one point so that the test changes the world at exactly that moment.
SJ_MODES="root user nested"

. "$SJ_TESTDIR/gate-lib.sh"

field() { result | grep -oE "(^| )$1=[0-9]+" | cut -d= -f2; }

# The abstract names in the /proc/net/unix dump within $out.
dumped_names() { printf '%s\n' "$out" | awk '$1 ~ /^[0-9A-Fa-f]+:$/ && $8 ~ /^@/ { print $8 }'; }

# An allowed and a refused abstract name of the same length, one byte
# apart, flipped by a thread while another binds: every name bound must be
# the allowed one. The check must decide on the bytes that get bound (one
# copy, bound by the supervisor), never let the kernel read them again.
t_race_allowed_vs_refused_abstract() {
	require_helpers raceabstract
	local ok=@sjt-ra-$$-A no=@sjt-ra-$$-B
	# Control: without a gate the flipping works, both names get bound.
	run "$H/raceabstract" -n 5000 "$ok" "$no"
	expect_eq "$rc" 0 "control: $(result)"
	[ "$(field allowed)" -gt 0 ] && [ "$(field refused)" -gt 0 ] || fail "control: both names expected: $(result)"

	run sj -q --abstract-allow "$ok-*" -- "$H/raceabstract" -n 20000 -T 60 "$ok" "$no" -- cat /proc/net/unix
	expect_eq "$rc" 1 "inside: $(result) $err"
	expect_eq "$(field refused)" 0 "refused names bound"
	expect_eq "$(field other)" 0 "other outcomes"
	expect_eq "$(field binds)" 20000 "binds done in time"
	# Both outcomes occurred, or the race proved nothing.
	[ "$(field allowed)" -gt 0 ] && [ "$(field denied)" -gt 0 ] ||
		fail "the race did not flip both ways: $(result)"
	# And the kernel's own list agrees: only allowed names, some of them.
	dumped_names | grep -q -- "^$ok-" || fail "no allowed name in /proc/net/unix"
	local bad
	bad=$(dumped_names | grep -v -- "^$ok-" | head -n 5)
	[ -z "$bad" ] || fail "names other than $ok-* in the sandbox: $bad"
}

# 300 pathname binds (executor binds, slow enough to be interrupted) under a
# 500 us SA_RESTART timer: each interrupted bind is restarted, and must
# still succeed exactly once. Only a fatal signal may end the target's wait
# once the supervisor has its notification (WAIT_KILLABLE_RECV).
t_signal_during_bind() {
	require_helpers sigbind
	local dir=$SJ_RUNTMP/sig
	mkdir -p "$SJ_TMP/out"
	run "$H/sigbind" "$SJ_TMP/out"
	expect_eq "$rc/$(result | cut -d' ' -f1-2)" "0/OK binds=300" "control, no sockjail"
	mkdir -p "$dir"
	run sj -q --run-dir "$dir" -- "$H/sigbind" "$dir"
	expect_eq "$rc/$(result | cut -d' ' -f1-2)" "0/OK binds=300" "inside: $err"
	# The timer did interrupt the run, many times.
	[ "$(field signals)" -gt 10 ] || fail "too few signals to prove anything: $(result)"
	expect_eq "$(ls "$dir" | wc -l)" 300 "sockets made"
}

# The supervisor copied the bind's address, then the target is killed
# (its notification dies with it; its tid may be anyone's now) before the
# supervisor acts. The supervisor must check the notification again after
# the copy and do nothing: the socket, shared with the target's parent,
# stays unbound. A bind after that one is the barrier: the supervisor
# handles notifications in order, so when it returns the first is done.
t_fault_target_killed_after_copy() {
	require_fault_build
	local f=$SJ_TMP/fault name=sjt-fk-$$
	mkdir -p "$f"
	cat >"$SJ_TMP/killed.py" <<'PY'
import os, signal, socket, sys, time
f, name, kill = sys.argv[1], sys.argv[2], sys.argv[3] == "kill"
s = socket.socket(socket.AF_UNIX)
pid = os.fork()
if pid == 0:
    s.bind("\0" + name)
    os._exit(0)
for _ in range(3000):
    if os.path.exists(f + "/after-copy.reached"):
        break
    time.sleep(0.01)
else:
    print("the supervisor never reached after-copy")
    sys.exit(2)
if kill:
    os.kill(pid, signal.SIGKILL)
_, status = os.waitpid(pid, 0) if kill else (0, 0)
open(f + "/after-copy.go", "w").close()
if not kill:
    _, status = os.waitpid(pid, 0)
print("child", "killed" if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL else "exited %d" % os.WEXITSTATUS(status))
barrier = socket.socket(socket.AF_UNIX)
barrier.bind("\0" + name + "-barrier")
print("bound" if s.getsockname() else "unbound")
PY
	# Control: not killed, the bind is performed.
	touch "$f/after-copy.arm"
	run env SJ_FAULT_DIR="$f" "$SOCKJAIL_FAULT" -q --abstract-allow "@$name*" -- $PY "$SJ_TMP/killed.py" "$f" "$name" wait
	expect_eq "$rc/$out" $'0/child exited 0\nbound' "control, not killed: $err"
	rm -f "$f"/*
	touch "$f/after-copy.arm"
	run env SJ_FAULT_DIR="$f" "$SOCKJAIL_FAULT" -q --abstract-allow "@$name*" -- $PY "$SJ_TMP/killed.py" "$f" "$name" kill
	expect_eq "$rc/$out" $'0/child killed\nunbound' "killed after the copy: $err"
	[ ! -e "$f/after-copy.arm" ] || fail "the fault point was not passed"
}

# --pathname-bind run-dirs: the executor checked the path (beneath the
# run-dir through a symlink), then the symlink is swapped to point outside
# before it binds. Landlock, applied after the check, still confines the
# bind to the run-dir: EACCES, and nothing appears outside.
# An executor killed while it takes a request off the zygote's socket:
# the request is neither lost nor answered twice. Killed before it took
# it, the next executor does and binds; killed after, the zygote answers
# EPERM for it (fail closed) and nothing is bound.
t_fault_executor_killed_taking_a_request() {
	require_fault_build
	require_helpers bindun
	local f=$SJ_TMP/fault d=$SJ_TMP/binds point sjpid zy ex p
	mkdir -p "$f" "$d"
	for point in executor-taking executor-took; do
		rm -f "$f"/*
		touch "$f/$point.arm"
		SJ_FAULT_DIR="$f" "$SOCKJAIL_FAULT" -q -- "$H/bindun" "$d/$point.sock" >"$d/$point.out" 2>&1 &
		sjpid=$!
		sj_bg+=($sjpid)
		wait_until 20 test -e "$f/$point.reached"
		zy=
		for p in $(cat /proc/$sjpid/task/*/children); do
			[ "$(cat /proc/$p/comm)" = sockjail-init ] || zy=$p
		done
		[ -n "$zy" ] || fail "$point: no zygote among the children of $sjpid"
		read -r ex _ <<<"$(cat /proc/$zy/task/*/children)"
		[ -n "$ex" ] || fail "$point: no executor under the zygote $zy"
		kill -KILL "$ex"
		wait "$sjpid"
		echo "rc=$?" >>"$d/$point.out"
	done
	expect_eq "$(cat "$d/executor-taking.out")" "OK bound $d/executor-taking.sock"$'\n'"rc=0" \
		"killed before taking it: the next executor binds"
	[ -S "$d/executor-taking.sock" ] || fail "killed before taking it: no socket"
	expect_eq "$(cat "$d/executor-took.out")" "ERR bind EPERM"$'\n'"rc=1" "killed after taking it: refused"
	[ ! -e "$d/executor-took.sock" ] || fail "killed after taking it: a socket was bound all the same"
}

# The target gone between its request and the supervisor's reading of
# its ids (the request already with the zygote): the bind is dropped,
# answered to nobody and not recorded, and the next executor bind works
# (the target the supervisor still sends is passed over).
t_fault_target_gone_after_its_request() {
	require_fault_build
	require_helpers bindun
	local f=$SJ_TMP/fault d=$SJ_TMP/gone pid
	mkdir -p "$f" "$d"
	touch "$f/request-sent.arm"
	SJ_FAULT_DIR="$f" "$SOCKJAIL_FAULT" -q --audit "$d/audit.jsonl" -- sh -c '
		"$1/bindun" "$2/first.sock"
		"$1/bindun" "$2/second.sock"' sh "$H" "$d" >"$d/out" 2>&1 &
	local sjpid=$!
	sj_bg+=($sjpid)
	wait_until 20 test -e "$f/request-sent.reached"
	pid=$(pgrep -f "bindun $d/first.sock")
	[ -n "$pid" ] || fail "no bindun for first.sock"
	kill -KILL $pid
	wait_until 20 sh -c "! kill -0 $pid 2>/dev/null"
	touch "$f/request-sent.go"
	wait "$sjpid"
	expect_eq "$?" 0 "sockjail's status: $(cat "$d/out")"
	grep -qx "OK bound $d/second.sock" "$d/out" || fail "the second bind: $(cat "$d/out")"
	[ ! -e "$d/first.sock" ] || fail "the first bind was made after its target was gone"
	grep -q second.sock "$d/audit.jsonl" || fail "control: no record of the second bind: $(cat "$d/audit.jsonl")"
	expect_no_match "$(cat "$d/audit.jsonl")" "first.sock" "the audit log"
}

t_fault_symlink_swapped_after_check() {
	require_fault_build
	require_helpers bindun
	local f=$SJ_TMP/fault rd=$SJ_RUNTMP/rd out_dir=$SJ_TMP/outside
	mkdir -p "$f" "$rd/in" "$out_dir"
	ln -s "$rd/in" "$rd/link"
	local script='
		f=$1 rd=$2 outside=$3 H=$4
		"$H/bindun" "$rd/link/s.sock" >"$f/bind.out" &
		i=0; while [ ! -e "$f/executor-checked.reached" ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
		[ -e "$f/executor-checked.reached" ] || echo "never reached"
		[ "$5" = swap ] && ln -s "$outside" "$rd/link.new" && mv -T "$rd/link.new" "$rd/link"
		touch "$f/executor-checked.go"
		wait
		cat "$f/bind.out"'
	# Control: not swapped, the socket is made beneath the run-dir.
	touch "$f/executor-checked.arm"
	run env SJ_FAULT_DIR="$f" "$SOCKJAIL_FAULT" -q --run-dir "$rd" --pathname-bind run-dirs -- \
		sh -c "$script" sh "$f" "$rd" "$out_dir" "$H" keep
	expect_eq "$rc/$out" "0/OK bound $rd/link/s.sock" "control, not swapped: $err"
	[ -S "$rd/in/s.sock" ] || fail "control: no socket in the run-dir"
	rm -f "$f"/* "$rd/in/s.sock"
	touch "$f/executor-checked.arm"
	run env SJ_FAULT_DIR="$f" "$SOCKJAIL_FAULT" -q --run-dir "$rd" --pathname-bind run-dirs -- \
		sh -c "$script" sh "$f" "$rd" "$out_dir" "$H" swap
	expect_eq "$rc/$out" "0/ERR bind EACCES" "swapped after the check: $err"
	[ ! -e "$out_dir/s.sock" ] || fail "the socket escaped the run-dir"
	expect_eq "$(readlink "$rd/link")" "$out_dir" "the symlink was swapped"
}
