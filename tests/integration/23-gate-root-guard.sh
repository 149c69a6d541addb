# The bind executor's identity and the zygote's fds, which only the host's
# root can look at: a caller's supplementary group must not reach the
# executor, and the zygote holds nothing but its socket.
SJ_MODES="root"

. "$SJ_TESTDIR/gate-lib.sh"

# A directory only group 1001 may write to: uid 1000 binds there only
# with that group. The caller (root) holds 1001; COMMAND, as uid 1000,
# holds no supplementary group, so the executor binding for it must not
# either (it copies COMMAND's groups, not the supervisor's).
t_executor_supplementary_groups() {
	require_root_mode
	require_helpers bindun
	local d=$SJ_TMP/g1001
	chmod 755 "$SJ_TMP"
	mkdir -m 770 "$d"
	chown 0:1001 "$d"
	local as_1000=(setpriv --reuid=1000 --regid=1000 --inh-caps=-all --bounding-set=-all)
	run "${as_1000[@]}" --groups=1001 "$H/bindun" "$d/a.sock"
	expect_eq "$rc/$(result)" "0/OK bound $d/a.sock" "control: uid 1000 with group 1001"
	run "${as_1000[@]}" --clear-groups "$H/bindun" "$d/b.sock"
	expect_eq "$rc/$(result)" "1/ERR bind EACCES" "control: uid 1000 without it"
	run setpriv --groups=1001 --reuid=0 --regid=0 -- "$SOCKJAIL" -q --uid 1000 --gid 1000 -- \
		sh -c 'id -G; "$1/bindun" "$2/c.sock"' sh "$H" "$d"
	expect_eq "$out" $'1000\nERR bind EACCES' "inside, the caller holding group 1001: $err"
	[ ! -e "$d/c.sock" ] || fail "the executor bound with the caller's group"
}

# The supervisor's children while a sandbox that made a pathname bind
# (which starts the zygote) holds: the zygote is the one not named
# sockjail-init. (No --run-dir: nothing the zygote may keep besides its
# two sockets.) Its child, the executor waiting for the next request,
# holds the same two and nothing of the request before, and neither
# outlives sockjail.
t_zygote_holds_only_its_socket() {
	require_root_mode
	require_helpers bindun
	local d=$SJ_TMP/zy
	mkdir -p "$d"
	"$SOCKJAIL" -q -- sh -c '
		"$1/bindun" "$2/a.sock" >"$2/bound"
		i=0; while [ ! -e "$2/go" ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done' sh "$H" "$d" \
		>/dev/null 2>&1 &
	local sjpid=$! zy= p i
	sj_bg+=($sjpid)
	wait_until 20 test -s "$d/bound"
	expect_eq "$(cat "$d/bound")" "OK bound $d/a.sock" "the pathname bind"
	for p in $(cat /proc/$sjpid/task/*/children); do
		[ "$(cat /proc/$p/comm)" = sockjail-init ] || zy=$p
	done
	[ -n "$zy" ] || fail "no zygote among the children of $sjpid"
	# Control: the supervisor it was forked from holds more (the listener, the zygote's other end...).
	[ "$(ls /proc/$sjpid/fd | wc -l)" -gt 3 ] || fail "control: the supervisor holds $(ls /proc/$sjpid/fd | wc -l) fds"
	local fds ex
	fds=$(for i in /proc/$zy/fd/*; do readlink "$i"; done)
	expect_match "$fds" '^socket:\[[0-9]+\]'$'\n''socket:\[[0-9]+\]$' "the zygote's fds"
	read -r ex _ <<<"$(cat /proc/$zy/task/*/children)"
	[ -n "$ex" ] || fail "no executor waiting under the zygote $zy"
	expect_eq "$(for i in /proc/$ex/fd/*; do readlink "$i"; done)" "$fds" "the waiting executor's fds"
	touch "$d/go"
	wait "$sjpid"
	expect_eq "$?" 0 "sockjail's status"
	# Both gone with sockjail, the executor reaped by the zygote: not left
	# to init, which may not reap (a container's; this machine's PID 1).
	[ ! -e "/proc/$ex" ] || fail "the waiting executor $ex outlived sockjail: $(cat "/proc/$ex/stat")"
	[ ! -e "/proc/$zy" ] || fail "the zygote $zy outlived sockjail"
}
