# Host paths are hostile (issue 11): --run-dir, --run-socket, --listen unix:
# and the cleanup at exit follow no symlink that is not root's, change only
# what they created, through fds, and remove only what sockjail made.
# Each attack comes with its control: the same layout made harmless, or
# the same operation done without sockjail, works.
SJ_MODES="root user"

# as_user CMD...: run CMD as uid 65534, the unprivileged user of the attacks.
as_user() {
	if is_root_mode; then
		setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
	else
		"$@"
	fi
}

# A directory the attacker (uid 65534) owns, as /run/user/UID is its user's.
user_dir() {
	mkdir -p "$1"
	is_root_mode && chown 65534:65534 "$1"
	return 0
}

# The sandbox's ids: 65534 when sockjail is root, so that root's run-dirs
# are given away as they are in the issue; the caller's own rootless.
sandbox_ids=()
is_root_mode && sandbox_ids=(--uid 65534 --gid 65534)

bind_socket() { # PATH: a socket file nobody serves
	"$PY" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$1" || fail "binding $1"
}

serve_socket() { # PATH READYFILE: answer one "ping" with "pong", in the background
	"$PY" - "$1" "$2" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(4)
open(sys.argv[2], "w").close()
while True:
    c, _ = s.accept()
    c.sendall(b"pong" if c.recv(16) == b"ping" else b"?")
    c.close()
PY
	sj_bg+=($!)
	wait_until 10 test -e "$2"
}

ping_py='import socket, sys
c = socket.socket(socket.AF_UNIX)
try:
    c.connect(sys.argv[1]); c.sendall(b"ping"); print(c.recv(16).decode())
except OSError as e:
    print(type(e).__name__)'

# --- an intermediate symlink owned by a user -----------------------------------

t_run_dir_through_user_symlink_refused() {
	local R=$SJ_RUNTMP
	mkdir -m 0755 "$R/locked"
	user_dir "$R/u"
	as_user ln -s "$R/locked" "$R/u/link" || fail "making the user's symlink"
	run sj "${sandbox_ids[@]}" --run-dir "$R/u/link/app" -- touch "$SJ_TMP/ran"
	expect_eq "$rc" 125 "status through a symlink owned by uid 65534"
	expect_one_error_line "$err"
	expect_eq "$err" "sockjail: --run-dir $R/u/link/app: $R/u/link is a symlink owned by uid 65534, not root; sockjail follows only root's symlinks on the host: give the path it should resolve to" "stderr"
	[ -e "$R/locked/app" ] && fail "sockjail made $R/locked/app through the user's symlink"
	[ -e "$SJ_TMP/ran" ] && fail "COMMAND ran"
	# Control: a real directory of the user's in the same place works.
	user_dir "$R/u/real"
	run sj "${sandbox_ids[@]}" --run-dir "$R/u/real/app" -- sh -c "touch '$R/u/real/app/f' && stat -c %u '$R/u/real/app'"
	expect_eq "$rc" 0 "status with a real directory: $err"
	expect_eq "$out" 65534 "the run-dir's owner inside"
	[ -e "$R/u/real/app" ] && fail "$R/u/real/app left behind"
	return 0
}

t_run_dir_through_root_symlink_works() {
	require_root_mode
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

# --- repointing the symlink while the sandbox runs ---------------------------

t_cleanup_after_repointed_symlink() {
	# Only root's symlinks are followed, and only root can make one in a
	# directory the user owns: the attack needs root's sockjail.
	require_root_mode
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

# --- the mkdir -> chown race -----------------------------------------------------

t_mkdir_chown_race() {
	require_root_mode
	local R=$SJ_RUNTMP i rc tries=200 racer
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

# --- --run-socket ------------------------------------------------------------------

t_run_socket_through_user_symlink_refused() {
	local R=$SJ_RUNTMP
	# A secret behind a 0700 directory, and the user's symlink to it.
	mkdir -m 0700 "$R/private"
	echo s3cret >"$R/private/secret"
	user_dir "$R/u"
	as_user ln -s "$R/private/secret" "$R/u/sock" || fail "making the user's symlink"
	run sj --run-socket "$R/u/sock" -- cat "$R/u/sock"
	expect_eq "$rc" 125 "status"
	expect_one_error_line "$err"
	expect_eq "$err" "sockjail: --run-socket $R/u/sock: $R/u/sock is a symlink owned by uid 65534, not root; sockjail follows only root's symlinks on the host: give the path it should resolve to" "stderr"
	expect_no_match "$out" s3cret "COMMAND's output"
	# Control: the caller can read it, and a socket given by its real path works.
	expect_eq "$(cat "$R/private/secret")" "s3cret" "the secret without sockjail"
	serve_socket "$R/srv.sock" "$SJ_TMP/ready"
	run sj --run-socket "$R/srv.sock" -- "$PY" -c "$ping_py" "$R/srv.sock"
	expect_eq "$rc:$out" "0:pong" "--run-socket by its real path: $err"
}

t_run_socket_through_root_symlink_works() {
	require_root_mode
	local R=$SJ_RUNTMP
	serve_socket "$R/srv.sock" "$SJ_TMP/ready"
	user_dir "$R/u"
	ln -s "$R/srv.sock" "$R/u/sock"
	run sj --run-socket "$R/u/sock" -- "$PY" -c "$ping_py" "$R/u/sock"
	expect_eq "$rc:$out" "0:pong" "--run-socket through root's symlink: $err"
}

t_run_socket_not_a_socket_refused() {
	local R=$SJ_RUNTMP
	echo data >"$R/file"
	mkfifo "$R/fifo"
	run sj --run-socket "$R/file" -- cat "$R/file"
	expect_eq "$rc" 125 "status for a regular file"
	expect_one_error_line "$err"
	expect_eq "$err" "sockjail: --run-socket $R/file: $R/file is a regular file, not a socket or a directory" "stderr"
	expect_no_match "$out" data "COMMAND's output"
	run sj --run-socket "$R/fifo" -- true
	expect_eq "$rc" 125 "status for a FIFO"
	expect_eq "$err" "sockjail: --run-socket $R/fifo: $R/fifo is a FIFO, not a socket or a directory" "stderr"
	# Control: a socket and a directory of sockets are taken.
	bind_socket "$R/s.sock"
	mkdir "$R/dir"
	bind_socket "$R/dir/t.sock"
	run sj --run-socket "$R/s.sock" --run-socket "$R/dir" -- sh -c "test -S '$R/s.sock' && test -S '$R/dir/t.sock' && echo both"
	expect_eq "$rc:$out" "0:both" "a socket and a directory: $err"
}

t_run_socket_swapped_after_check_not_mounted() {
	# The sandbox mounts what the supervisor checked: a racer keeps
	# exchanging the socket with a symlink to root's secret, so the path
	# often leads to the secret by the time the sandbox mounts it. That
	# is refused, never followed.
	require_root_mode
	local R=$SJ_RUNTMP i tries=100 racer statuses=" "
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

# --- --listen unix: and a directory the sandbox replaced -------------------------

t_listen_cleanup_after_sub_replaced() {
	local R=$SJ_RUNTMP
	# The host's socket, in a directory the sandbox cannot see.
	mkdir -m 0700 "$R/hostdir"
	bind_socket "$R/hostdir/api.sock"
	# The run-dir and its sub, the sandbox's (pre-existing, so that the socket can go in sub).
	user_dir "$R/rd"
	user_dir "$R/rd/sub"
	run sj "${sandbox_ids[@]}" --run-dir "$R/rd" --listen "unix:$R/rd/sub/api.sock" -- sh -c \
		"test -S '$R/rd/sub/api.sock' && mv '$R/rd/sub' '$R/rd/sub.old' && ln -s '$R/hostdir' '$R/rd/sub' && echo replaced"
	expect_eq "$rc:$out" "0:replaced" "status: $err"
	# Control: the path sockjail bound now leads to the host's socket.
	[ -L "$R/rd/sub" ] && [ -S "$R/rd/sub/api.sock" ] || fail "the sandbox's symlink does not lead to the host's socket"
	[ -S "$R/hostdir/api.sock" ] || fail "sockjail unlinked the host's socket through the sandbox's symlink"
	# The socket sockjail bound is still removed, wherever its directory went.
	[ -e "$R/rd/sub.old/api.sock" ] && fail "the socket sockjail bound was left behind"
	# Control: without sockjail, the host's socket is there to be unlinked.
	rm "$R/hostdir/api.sock" || fail "control: removing the host's socket"
	[ -e "$R/hostdir/api.sock" ] && fail "control: the host's socket survived rm"
	return 0
}

t_listen_in_user_symlinked_dir_refused() {
	local R=$SJ_RUNTMP
	mkdir -m 0755 "$R/locked"
	user_dir "$R/rd"
	as_user ln -s "$R/locked" "$R/rd/sub" || fail "making the user's symlink"
	run sj "${sandbox_ids[@]}" --run-dir "$R/rd" --listen "unix:$R/rd/sub/api.sock" -- true
	expect_eq "$rc" 125 "status"
	expect_one_error_line "$err"
	expect_eq "$err" "sockjail: --listen unix:$R/rd/sub/api.sock: $R/rd/sub is a symlink owned by uid 65534, not root; sockjail follows only root's symlinks on the host: give the path it should resolve to" "stderr"
	[ -e "$R/locked/api.sock" ] && fail "a socket was made through the user's symlink"
	# Control: in a real directory it is made, and removed at the end.
	as_user rm "$R/rd/sub"
	user_dir "$R/rd/sub"
	run sj "${sandbox_ids[@]}" --run-dir "$R/rd" --listen "unix:$R/rd/sub/api.sock" -- sh -c "test -S '$R/rd/sub/api.sock' && echo bound"
	expect_eq "$rc:$out" "0:bound" "status: $err"
	[ -e "$R/rd/sub/api.sock" ] && fail "$R/rd/sub/api.sock left behind"
	return 0
}

# --- what cleanup removes --------------------------------------------------------

t_cleanup_never_follows_symlinks_inside() {
	local R=$SJ_RUNTMP
	mkdir "$R/victim"
	echo keep >"$R/victim/keep"
	# The sandbox plants a symlink and a directory of links in its run-dir.
	run sj --run-dir "$R/new/d" -- sh -c \
		"ln -s '$R/victim' '$R/new/d/l' && mkdir '$R/new/d/sub' && ln -s '$R/victim/keep' '$R/new/d/sub/k' && echo planted"
	expect_eq "$rc:$out" "0:planted" "status: $err"
	[ -e "$R/new" ] && fail "$R/new left behind: $(ls -AR "$R/new")"
	expect_eq "$(cat "$R/victim/keep")" "keep" "what the symlinks pointed to"
	# Control: such a symlink, followed on the host, reaches the victim.
	ln -s "$R/victim" "$SJ_TMP/l"
	expect_eq "$(cat "$SJ_TMP/l/keep")" "keep" "the victim through a symlink"
}
