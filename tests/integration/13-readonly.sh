# Read-only means read-only all the way down: a mount beneath a read-only
# bind (a tmpfs on a subdirectory of --ro-bind's source or of a
# --run-socket directory, a submount of the host's /run under --learn)
# must be read-only inside too. Root and nested only: the tests mount that
# tmpfs themselves.
SJ_MODES="root nested"

# A tmpfs on $1, unmounted when the test's shell exits however it ends.
submount() {
	mkdir -p "$1"
	mount -t tmpfs -o mode=0777 sjt "$1" || fail "mount tmpfs on $1"
	trap "umount -l '$1' 2>/dev/null; sj_bg_cleanup" EXIT
}

# writes.sh FILE...: one line per FILE, "ok" or why COMMAND cannot create it.
write_script() {
	cat >"$SJ_TMP/writes.sh" <<'SH'
for f; do
	if (: >"$f") 2>/dev/null; then echo ok; rm -f "$f"; else touch "$f" 2>&1 | sed 's/.*: //'; fi
done
SH
}

# Control: each FILE is writable outside.
expect_writable_outside() {
	write_script
	expect_eq "$(sh "$SJ_TMP/writes.sh" "$@" | sort -u)" ok "control, outside: $*"
}

t_ro_bind_recursive() {
	local src=$SJ_TMP/src
	mkdir -p "$src"
	submount "$src/sub"
	expect_writable_outside "$src/top" "$src/sub/x"
	# Control inside: --bind leaves both writable.
	run sj --bind "$src" -- sh "$SJ_TMP/writes.sh" "$src/top" "$src/sub/x"
	expect_eq "$out" $'ok\nok' "--bind: $err"
	run sj --ro-bind "$src" -- sh "$SJ_TMP/writes.sh" "$src/top" "$src/sub/x"
	expect_eq "$out" $'Read-only file system\nRead-only file system' "--ro-bind, the top and the submount: $err"
}

t_run_socket_dir_recursive() {
	local dir=$SJ_RUNTMP/rs
	mkdir -p "$dir"
	submount "$dir/sub"
	expect_writable_outside "$dir/top" "$dir/sub/x"
	# Control inside: --run-dir is writable, submount included.
	run sj --run-dir "$dir" -- sh "$SJ_TMP/writes.sh" "$dir/top" "$dir/sub/x"
	expect_eq "$out" $'ok\nok' "--run-dir: $err"
	run sj --run-socket "$dir" -- sh "$SJ_TMP/writes.sh" "$dir/top" "$dir/sub/x"
	expect_eq "$out" $'Read-only file system\nRead-only file system' "--run-socket DIR: $err"
}

t_learn_run_recursive() {
	local sub=$SJ_RUNTMP/learnsub
	submount "$sub"
	expect_writable_outside "$sub/x"
	# The host's /run as --learn shows it: this test's tmpfs is in it, read-only.
	run sj --learn "$SJ_TMP/l.profile" -- sh -c 'ls -d "$1" && sh "$2" "$1/x" "/run/sjt-top-$3"' sh "$sub" "$SJ_TMP/writes.sh" $$
	expect_eq "$out" "$sub"$'\nRead-only file system\nRead-only file system' "--learn: $err"
}
