# Host paths are hostile (issue 11), the attacks that need root's
# sockjail: a root-owned symlink in a user's directory (only root can make
# one there, and only root's symlinks are followed), the mkdir -> chown
# race, and a --run-socket swapped between the check and the mount. See
# 12-hostpaths.sh for the rest, as root and rootless.
SJ_MODES="root"
# Hundreds of sockjail runs, sanitized ones too, on a busy machine.
SJ_TIMEOUT="900"

. "$SJ_TESTDIR/hostpath-lib.sh"

t_run_dir_through_root_symlink_works() {
	local R=$SJ_RUNTMP
	mkdir -m 0755 "$R/locked"
	user_dir "$R/u"
	# Root's symlink in the user's directory: followed (/var/run -> /run is one).
	ln -s "$R/locked" "$R/u/link"
	run sj --uid 65534 --gid 65534 --run-dir "$R/u/link/app" -- sh -c "touch '$R/u/link/app/f' && stat -c '%u %a' '$R/u/link/app'"
	expect_eq "$rc" 0 "status through root's symlink: $err"
	expect_eq "$out" "65534 755" "the run-dir inside"
	# Made through the symlink, so removed through it.
	[ -e "$R/locked/app" ] && fail "$R/locked/app left behind"
	return 0
}

t_cleanup_after_repointed_symlink() {
	# Only root's symlinks are followed, and only root can make one in a
	# directory the user owns: the attack needs root's sockjail.
	local R=$SJ_RUNTMP
	mkdir -m 0755 "$R/real" "$R/victim" "$R/victim/app"
	echo keep >"$R/victim/app/keep"
	user_dir "$R/u"
	ln -s "$R/real" "$R/u/link"
	sj --uid 65534 --gid 65534 --run-dir "$R/u/link/app" -- sh -c \
		"touch '$R/u/link/app/ready'; while [ ! -e '$R/u/link/app/go' ]; do sleep 0.05; done" \
		>"$SJ_TMP/sj.out" 2>&1 &
	local sjpid=$!
	sj_bg+=("$sjpid")
	wait_until 10 test -e "$R/real/app/ready"
	# The user replaces root's symlink (their directory) with one of theirs.
	as_user ln -s "$R/victim" "$R/u/link.new" || fail "making the new symlink"
	as_user mv -T "$R/u/link.new" "$R/u/link" || fail "repointing the symlink"
	# Control: the run-dir's path now leads to root's tree elsewhere.
	expect_eq "$(cat "$R/u/link/app/keep")" "keep" "the run-dir's path after the repoint"
	touch "$R/real/app/go"
	wait "$sjpid"
	expect_eq $? 0 "status: $(cat "$SJ_TMP/sj.out")"
	expect_eq "$(cat "$R/victim/app/keep" 2>&1)" "keep" "root's tree the path leads to now"
	# What sockjail made is still removed, where it made it.
	[ -e "$R/real/app" ] && fail "$R/real/app left behind: $(ls -A "$R/real/app")"
	return 0
}

t_mkdir_chown_race() {
	local R=$SJ_RUNTMP i rc tries=200 racer
	# The ASan build starts ~50 times slower: fewer tries keep the file in
	# its time limit (the plain build's run keeps the full count).
	[ "${SJ_SANITIZED:-0}" = 1 ] && tries=60
	printf 'root only\n' >"$R/secret"
	chmod 0600 "$R/secret"
	user_dir "$R/u"
	local before
	before=$(stat -c '%u:%g %a' "$R/secret")
	as_user "$(helper swapdir)" "$R/u" app "$R/secret" "$R/stop" >"$SJ_TMP/racer.out" 2>&1 &
	racer=$!
	sj_bg+=("$racer")
	local statuses=" "
	for ((i = 0; i < tries; i++)); do
		sj --uid 65534 --gid 65534 --run-dir "$R/u/app" -- true >/dev/null 2>"$SJ_TMP/err"
		rc=$?
		[[ "$statuses" == *" $rc "* ]] || statuses+="$rc "
		[ $rc -eq 0 ] || [ $rc -eq 125 ] || fail "try $i: status $rc: $(cat "$SJ_TMP/err")"
		expect_eq "$(stat -c '%u:%g %a' "$R/secret")" "$before" "owner and mode of root's 0600 file after try $i"
		# A fresh start for the next try: no symlink where the run-dir goes.
		rm -f "$R/u/app" 2>/dev/null
		rm -rf "$R/u/app" "$R"/u/swapped.*
	done
	touch "$R/stop"
	wait "$racer"
	local out_r
	out_r=$(cat "$SJ_TMP/racer.out")
	# Control: the racer did replace sockjail's directory with the symlink.
	expect_match "$out_r" '^OK swaps=[1-9]' "the racer ($tries tries, statuses$statuses)"
	echo "racer: $out_r in $tries tries; sockjail's statuses:$statuses" >&2
	expect_eq "$(cat "$R/secret")" "root only" "root's file"
}

t_run_socket_through_root_symlink_works() {
	local R=$SJ_RUNTMP
	serve_socket "$R/srv.sock" "$SJ_TMP/ready"
	user_dir "$R/u"
	ln -s "$R/srv.sock" "$R/u/sock"
	run sj --run-socket "$R/u/sock" -- "$PY" -c "$ping_py" "$R/u/sock"
	expect_eq "$rc:$out" "0:pong" "--run-socket through root's symlink: $err"
}

t_run_socket_swapped_after_check_not_mounted() {
	# The sandbox mounts what the supervisor checked: a racer keeps
	# exchanging the socket with a symlink to root's secret, so the path
	# often leads to the secret by the time the sandbox mounts it. That
	# is refused, never followed. (Before the fix the sandbox read the
	# secret in the first few tries: the window was stat() -> clone() ->
	# open() in the sandbox.)
	local R=$SJ_RUNTMP i tries=30 racer statuses=" "
	[ "${SJ_SANITIZED:-0}" = 1 ] && tries=10
	mkdir -m 0700 "$R/private"
	echo s3cret >"$R/private/secret"
	user_dir "$R/u"
	as_user "$PY" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$R/u/s.sock" ||
		fail "binding $R/u/s.sock"
	as_user "$(helper swapdir)" -f "$R/u" s.sock "$R/private/secret" "$R/stop" >"$SJ_TMP/racer.out" 2>&1 &
	racer=$!
	sj_bg+=("$racer")
	for ((i = 0; i < tries; i++)); do
		sj --run-socket "$R/u/s.sock" -- cat "$R/u/s.sock" >"$SJ_TMP/out" 2>"$SJ_TMP/err"
		rc=$?
		[[ "$statuses" == *" $rc "* ]] || statuses+="$rc "
		grep -q s3cret "$SJ_TMP/out" && fail "try $i: the sandbox read root's secret through the swapped path"
	done
	touch "$R/stop"
	wait "$racer"
	# Control: the racer did swap, and root reads the secret without sockjail.
	expect_match "$(cat "$SJ_TMP/racer.out")" '^OK swaps=[1-9]' "the racer"
	echo "racer: $(cat "$SJ_TMP/racer.out") in $tries tries; sockjail's statuses:$statuses" >&2
	expect_eq "$(cat "$R/private/secret")" "s3cret" "the secret without sockjail"
}

# --audit and --learn are files root's sockjail writes itself. A symlink
# that uid 65534 planted under their name in a sticky, world-writable
# directory (/tmp) must not be written through (fopen() did): refused with
# one line and 125, the file it points to untouched. The control: a
# regular path in the same directory works, and so does root's own symlink.
t_output_file_symlink_refused() {
	local d=$SJ_TMP/sticky victim=$SJ_TMP/victim opt want
	chmod 755 "$SJ_TMP" # uid 65534 reaches the sticky directory, not the victim
	mkdir -m 1777 "$d"
	printf 'root only\n' >"$victim"
	chmod 0600 "$victim"
	as_user ln -s "$victim" "$d/out" || fail "planting the symlink"
	# Without the walk, root's open follows it (unless the kernel's
	# fs.protected_symlinks is on, which this test must not rely on).
	if [ "$(cat /proc/sys/fs/protected_symlinks 2>/dev/null)" = 0 ]; then
		cp -p "$victim" "$SJ_TMP/victim2"
		as_user ln -s "$SJ_TMP/victim2" "$d/ctl"
		printf 'x\n' >>"$d/ctl"
		expect_eq "$(cat "$SJ_TMP/victim2")" $'root only\nx' "control: root's plain open through the planted link"
	fi
	for opt in --audit --learn; do
		run sj "$opt" "$d/out" --abstract log -- $PY -c 'import socket; socket.socket(socket.AF_UNIX).bind("\0sjt-out")'
		expect_eq "$rc" 125 "$opt through uid 65534's symlink: status"
		expect_one_error_line "$err"
		expect_match "$err" "^sockjail: $opt $d/out: $d/out is a symlink owned by uid 65534, not root" "$opt's message"
		expect_eq "$(cat "$victim")" "root only" "the file the symlink points to, after $opt"
		# The control: a regular path in the same directory.
		run sj "$opt" "$d/$opt.ok" --abstract log -- $PY -c 'import socket; socket.socket(socket.AF_UNIX).bind("\0sjt-out")'
		expect_eq "$rc" 0 "$opt to a regular path: $err"
		want='"address":"@sjt-out"'
		[ "$opt" = --learn ] && want='abstract-allow @sjt-out'
		grep -qF "$want" "$d/$opt.ok" || fail "$opt wrote no [$want]: $(cat "$d/$opt.ok")"
	done
	# Root's own symlink is followed, to a file that does not exist yet.
	ln -s "$SJ_TMP/root-target" "$d/root-link"
	run sj --learn "$d/root-link" -- true
	expect_eq "$rc" 0 "--learn through root's symlink: $err"
	expect_match "$(head -n 1 "$SJ_TMP/root-target")" "^# Written by sockjail --learn" "the symlink's target"
	# sockjail's own fds: /dev/stderr and /dev/fd/N are the fds it holds.
	run sj --audit /dev/fd/3 --abstract log -- $PY -c 'import socket; socket.socket(socket.AF_UNIX).bind("\0sjt-out")' \
		3>"$SJ_TMP/fd3"
	expect_eq "$rc" 0 "--audit /dev/fd/3: $err"
	grep -qF '"address":"@sjt-out"' "$SJ_TMP/fd3" || fail "--audit /dev/fd/3 wrote nothing to fd 3"
	run sj --audit /dev/stderr --abstract log -- $PY -c 'import socket; socket.socket(socket.AF_UNIX).bind("\0sjt-out")'
	expect_match "$rc:$err" '^0:.*"address":"@sjt-out"' "--audit /dev/stderr"
}
