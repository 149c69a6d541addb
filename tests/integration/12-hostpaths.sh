# Host paths are hostile (issue 11): --run-dir, --run-socket, --listen unix:
# and the cleanup at exit follow no symlink that is not root's, change only
# what they created, through fds, and remove only what sockjail made.
# Each attack comes with its control: the same layout made harmless, or
# the same operation done without sockjail, works. The attacks that need
# root's sockjail are in 12-hostpaths-root.sh.
SJ_MODES="root user"

. "$SJ_TESTDIR/hostpath-lib.sh"

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
	[ -S "$R/hostdir/api.sock" ] || fail "sockjail unlinked the host's socket through the sandbox's symlink"
	# Control: the path sockjail bound now leads to the host's socket.
	[ -L "$R/rd/sub" ] && [ -S "$R/rd/sub/api.sock" ] || fail "the sandbox's symlink does not lead to the host's socket"
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

# --- where openat2() is missing -------------------------------------------------

t_walk_without_openat2() {
	local R=$SJ_RUNTMP E
	E=$(helper enosys)
	# Control: under the helper, openat2() really is missing.
	run "$E" openat2 -- "$PY" -c 'import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
how = (ctypes.c_uint64 * 3)(0, 0, 0)
r = libc.syscall(437, -100, b"/", how, 24)
print(r, os.strerror(ctypes.get_errno()))'
	expect_eq "$out" "-1 Function not implemented" "openat2 under enosys"
	# The O_NOFOLLOW walk refuses the user's symlink the same way...
	mkdir -m 0755 "$R/locked"
	user_dir "$R/u"
	as_user ln -s "$R/locked" "$R/u/link" || fail "making the user's symlink"
	run "$E" openat2 -- "$SOCKJAIL" "${sandbox_ids[@]}" --run-dir "$R/u/link/app" -- true
	expect_eq "$rc" 125 "status through the user's symlink"
	expect_eq "$err" "sockjail: --run-dir $R/u/link/app: $R/u/link is a symlink owned by uid 65534, not root; sockjail follows only root's symlinks on the host: give the path it should resolve to" "stderr"
	[ -e "$R/locked/app" ] && fail "sockjail made $R/locked/app through the user's symlink"
	echo data >"$R/file"
	run "$E" openat2 -- "$SOCKJAIL" --run-socket "$R/file" -- true
	expect_eq "$rc" 125 "status for a regular --run-socket"
	# ...and makes, mounts and removes a run-dir and a --listen socket.
	user_dir "$R/u/real"
	run "$E" openat2 -- "$SOCKJAIL" "${sandbox_ids[@]}" --run-dir "$R/u/real/app" \
		--listen "unix:$R/u/real/app/s.sock" -- sh -c "test -S '$R/u/real/app/s.sock' && stat -c %u '$R/u/real/app'"
	expect_eq "$rc:$out" "0:65534" "status and the run-dir's owner: $err"
	[ -e "$R/u/real/app" ] && fail "$R/u/real/app left behind"
	return 0
}
