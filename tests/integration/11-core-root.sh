# The sandbox core, as root only: ids, supplementary groups, --cap-keep,
# --userns, --run-dir's life cycle, further mounts, mount propagation, and
# what a failed setup step leaves behind (nothing).
SJ_MODES="root"

# --- helpers local to this file ---------------------------------------------

root_mounts=()
root_cleanup() {
	local m
	sj_bg_cleanup
	# Mounts this test made on the host, deepest first.
	for ((m = ${#root_mounts[@]} - 1; m >= 0; m--)); do
		umount -R "${root_mounts[m]}" 2>/dev/null
	done
	return 0
}
trap root_cleanup EXIT

# Lines of the host's mountinfo that concern this test's scratch dirs.
my_mounts() {
	grep -F -e " $SJ_TMP" -e " $SJ_RUNTMP" /proc/self/mountinfo || true
}

mount_count() { wc -l </proc/self/mountinfo; }

# Whole-table counts are only stable when nobody else tests on this machine.
host_is_quiet() { [ "${SJ_NO_HOST_CHECK:-0}" != 1 ]; }

# A scratch dir the sandbox's uid 1000 can use.
open_scratch() {
	chmod 0755 "$SJ_TMP"
	mkdir -m 0777 "$SJ_TMP/w"
}

# Print the errno name an operation gets, or "ok": OP ARG.
write_op() {
	cat >"$SJ_TMP/op.py" <<'EOF'
import errno, os, socket, sys
op, arg = sys.argv[1], sys.argv[2]
try:
    if op == "create":
        os.close(os.open(arg, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    elif op == "chown0":
        os.chown(arg, 0, 0)
    elif op == "bind":
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", int(arg)))
    elif op == "raw":
        socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    print("ok")
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e.errno)))
EOF
	chmod 0644 "$SJ_TMP/op.py"
}

# The value of a line of /proc/self/status inside a sandbox: FIELD OPTION...
status_field() {
	local field=$1
	shift
	sj "$@" -- cat /proc/self/status | sed -n "s/^$field:\t*//p"
}

# --- identity -------------------------------------------------------------------

t_uid_gid() {
	open_scratch
	# Control: the caller is root.
	expect_eq "$(id -u):$(id -g)" "0:0" "ids outside"
	run sj --uid 1000 --gid 1000 -- sh -c 'id -u; id -g; id -G'
	expect_eq "$rc" 0 "status: $err"
	expect_eq "$out" $'1000\n1000\n1000' "ids inside"
	expect_eq "$(status_field Uid --uid 1000 --gid 1000)" $'1000\t1000\t1000\t1000' "Uid: real, effective, saved, fs"
	expect_eq "$(status_field Gid --uid 1000 --gid 1000)" $'1000\t1000\t1000\t1000' "Gid: real, effective, saved, fs"
	expect_status 0 sj --uid 1000 --gid 1000 -- touch "$SJ_TMP/w/f"
	expect_eq "$(stat -c %u:%g "$SJ_TMP/w/f")" "1000:1000" "owner of a file made inside"
	# And they cannot be undone: no capabilities are left to do it with.
	expect_status 1 sj --uid 1000 --gid 1000 -- "$PY" -c 'import os; os.setuid(0)'
}

t_supplementary_groups_cleared() {
	# shellcheck disable=SC2054 # "10,20" is one argument
	local as_root=(setpriv --groups 10,20 --reuid 0 --regid 0 --)
	# Control: the caller has the extra groups.
	expect_eq "$("${as_root[@]}" id -G)" "0 10 20" "groups outside"
	run "${as_root[@]}" "$SOCKJAIL" -- id -G
	expect_eq "$rc" 0 "status: $err"
	expect_eq "$out" "0" "groups inside"
	run "${as_root[@]}" "$SOCKJAIL" --uid 1000 --gid 1000 -- id -G
	expect_eq "$out" "1000" "groups inside with --uid/--gid"
	run "${as_root[@]}" "$SOCKJAIL" -- cat /proc/self/status
	expect_match "$out" $'(^|\n)Groups:[\t ]*(\n|$)' "Groups: inside"
}

# --- capabilities ---------------------------------------------------------------

t_cap_keep_net_bind_service() {
	open_scratch
	write_op
	local set
	for set in Eff Prm Bnd Amb Inh; do
		expect_eq "$(status_field Cap$set --cap-keep net_bind_service --uid 1000 --gid 1000)" \
			"0000000000000400" "Cap$set as uid 1000"
	done
	# Root keeps them through its bounding set; ambient and inheritable stay
	# empty, so daemons that drop privileges with libcap-ng can clear them.
	for set in Eff Prm Bnd; do
		expect_eq "$(status_field Cap$set --cap-keep net_bind_service)" "0000000000000400" "Cap$set as root"
	done
	for set in Amb Inh; do
		expect_eq "$(status_field Cap$set --cap-keep net_bind_service)" "0000000000000000" "Cap$set as root"
	done
	# The private netns is fresh: port 80 is free and privileged (< 1024).
	expect_eq "$(sj --uid 1000 --gid 1000 --cap-keep net_bind_service -- "$PY" "$SJ_TMP/op.py" bind 80)" \
		"ok" "bind 127.0.0.1:80 with net_bind_service"
	expect_eq "$(sj --uid 1000 --gid 1000 -- "$PY" "$SJ_TMP/op.py" bind 80)" "EACCES" \
		"bind 127.0.0.1:80 without it"
	expect_eq "$(sj -- "$PY" "$SJ_TMP/op.py" bind 80)" "EACCES" "bind 127.0.0.1:80 as root without it"
	expect_eq "$(sj --uid 1000 --gid 1000 -- "$PY" "$SJ_TMP/op.py" bind 1024)" "ok" "bind 127.0.0.1:1024"
}

t_cap_keep_name_forms() {
	open_scratch
	write_op
	local f
	# CAP_CHOWN is bit 0, CAP_NET_RAW bit 13.
	for f in "CAP_CHOWN,Net_Raw" "chown,cap_net_raw" "Cap_Chown --cap-keep NET_RAW"; do
		# shellcheck disable=SC2086 # "--cap-keep A --cap-keep B" is two options
		expect_eq "$(status_field CapEff --cap-keep $f)" "0000000000002001" "--cap-keep $f"
	done
	# They work, and nothing else does.
	: >"$SJ_TMP/w/mine"
	chown 1000:1000 "$SJ_TMP/w/mine"
	local ids=(--uid 1000 --gid 1000)
	expect_eq "$(sj "${ids[@]}" -- "$PY" "$SJ_TMP/op.py" chown0 "$SJ_TMP/w/mine")" "EPERM" "chown without CAP_CHOWN"
	expect_eq "$(sj "${ids[@]}" -- "$PY" "$SJ_TMP/op.py" raw x)" "EPERM" "raw socket without CAP_NET_RAW"
	expect_eq "$(sj "${ids[@]}" --cap-keep CAP_CHOWN,Net_Raw -- "$PY" "$SJ_TMP/op.py" raw x)" "ok" \
		"raw socket with CAP_NET_RAW"
	expect_eq "$(sj "${ids[@]}" --cap-keep CAP_CHOWN,Net_Raw -- "$PY" "$SJ_TMP/op.py" chown0 "$SJ_TMP/w/mine")" \
		"ok" "chown with CAP_CHOWN"
	expect_eq "$(stat -c %u "$SJ_TMP/w/mine")" 0 "owner after chown"
	run sj --cap-keep CAP_CHOWN,bogus -- true
	expect_eq "$rc" 125 "status with an unknown capability"
	expect_one_error_line "$err"
}

# --- --userns as root -----------------------------------------------------------

t_userns_as_root() {
	local full
	full=$(tr -s ' ' <"/proc/self/uid_map")
	# Control: the caller's map is the whole range, and so is a sandbox's
	# without --userns.
	expect_eq "$full" " 0 0 4294967295" "uid_map outside"
	expect_eq "$(sj -- cat /proc/self/uid_map | tr -s ' ')" "$full" "uid_map without --userns"
	run sj --userns -- sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
	expect_eq "$rc" 0 "status: $err"
	expect_eq "$(echo "$out" | tr -s ' ')" $' 0 0 1\n 0 0 1\n0' "maps and uid with --userns"
	run sj --userns --uid 1000 --gid 1000 -- sh -c 'cat /proc/self/uid_map; id -u; id -G'
	expect_eq "$(echo "$out" | tr -s ' ')" $' 0 0 1\n 1000 1000 1\n1000\n1000' "maps and ids with --userns --uid"
	# The same sandbox otherwise.
	expect_eq "$(sj --userns -- ls -A /run)" "" "/run with --userns"
	expect_eq "$(sj --userns -- ls /sys/class/net)" "lo" "/sys/class/net with --userns"
	expect_eq "$(status_field CapBnd --userns)" "0000000000000000" "CapBnd with --userns"
}

# --- --run-dir ------------------------------------------------------------------

t_run_dir_created_owned_removed() {
	local d="$SJ_RUNTMP/a/b"
	open_scratch
	[ -e "$SJ_RUNTMP/a" ] && fail "control: $SJ_RUNTMP/a exists already"
	(
		umask 077
		exec "$SOCKJAIL" --uid 1000 --gid 1000 --run-dir "$d" -- sh -c \
			"umask >'$SJ_TMP/w/umask'; touch '$d/f' '$SJ_TMP/w/ready'; while [ ! -e '$SJ_TMP/w/go' ]; do sleep 0.02; done"
	) >"$SJ_TMP/sj.out" 2>&1 &
	local sjpid=$!
	sj_bg+=("$sjpid")
	wait_until 5 test -e "$SJ_TMP/w/ready"
	expect_eq "$(stat -c '%u:%g %a' "$d")" "1000:1000 755" "the --run-dir on the host"
	# Through mount points sockjail made in /run whatever its umask, which
	# COMMAND still gets.
	expect_eq "$(stat -c '%u:%g' "$d/f")" "1000:1000" "a file made in it"
	expect_eq "$(cat "$SJ_TMP/w/umask")" "0077" "COMMAND's umask"
	touch "$SJ_TMP/w/go"
	wait "$sjpid"
	expect_eq $? 0 "status: $(cat "$SJ_TMP/sj.out")"
	# Made by sockjail, so removed by it, with the parent it made.
	[ -e "$SJ_RUNTMP/a" ] && fail "$SJ_RUNTMP/a left behind: $(ls -lR "$SJ_RUNTMP/a")"
	return 0
}

t_run_dir_preexisting_left_alone() {
	mkdir -m 0700 "$SJ_RUNTMP/pre"
	echo keep >"$SJ_RUNTMP/pre/keep"
	local before
	before=$(stat -c '%u:%g %a' "$SJ_RUNTMP/pre")
	run sj --uid 1000 --gid 1000 --run-dir "$SJ_RUNTMP/pre" -- true
	expect_eq "$rc" 0 "status: $err"
	expect_eq "$(stat -c '%u:%g %a' "$SJ_RUNTMP/pre")" "$before" "owner and mode of a pre-existing --run-dir"
	expect_eq "$(cat "$SJ_RUNTMP/pre/keep")" "keep" "its contents"
	# Partly there: only what sockjail made goes.
	run sj --run-dir "$SJ_RUNTMP/pre/new/x" -- touch "$SJ_RUNTMP/pre/new/x/f"
	expect_eq "$rc" 0 "status: $err"
	[ -e "$SJ_RUNTMP/pre/new" ] && fail "$SJ_RUNTMP/pre/new left behind"
	expect_eq "$(cat "$SJ_RUNTMP/pre/keep")" "keep" "the pre-existing parent's contents"
}

# --- further mounts -----------------------------------------------------------

t_tmpfs_mounts() {
	mkdir "$SJ_TMP/t"
	: >"$SJ_TMP/t/hidden"
	run sj --tmpfs "$SJ_TMP/t" -- sh -c "ls -A '$SJ_TMP/t'; stat -f -c %T '$SJ_TMP/t'; stat -c %a '$SJ_TMP/t'; touch '$SJ_TMP/t/new' && echo wrote"
	expect_eq "$rc" 0 "status: $err"
	expect_eq "$out" $'tmpfs\n755\nwrote' "--tmpfs inside"
	[ -e "$SJ_TMP/t/new" ] && fail "a file written to the tmpfs reached the host"
	[ -e "$SJ_TMP/t/hidden" ] || fail "the host's file is gone"
	# On a system directory, as the option's name suggests.
	expect_eq "$(sj --tmpfs /mnt -- sh -c 'ls -A /mnt; stat -f -c %T /mnt')" "tmpfs" "--tmpfs /mnt"
	# Beneath /run: created in the sandbox's tmpfs, writable though /run is not.
	run sj --tmpfs /run/scratch -- sh -c 'touch /run/scratch/f && stat -f -c %T /run/scratch; touch /run/f'
	expect_eq "$out" "tmpfs" "--tmpfs /run/scratch"
	expect_match "$err" 'Read-only file system' "writing /run itself"
	[ -e /run/scratch ] && fail "/run/scratch appeared on the host"
	return 0
}

t_bind_mounts() {
	write_op
	mkdir "$SJ_TMP/src" "$SJ_TMP/dst"
	echo hello >"$SJ_TMP/src/f"
	: >"$SJ_TMP/dst/covered"
	run sj --bind "$SJ_TMP/src:$SJ_TMP/dst" -- sh -c "ls '$SJ_TMP/dst'; cat '$SJ_TMP/dst/f'; echo new >'$SJ_TMP/dst/g'"
	expect_eq "$rc" 0 "status: $err"
	expect_eq "$out" $'f\nhello' "--bind SRC:DST inside"
	expect_eq "$(cat "$SJ_TMP/src/g")" "new" "a write through --bind, on the host"
	[ -e "$SJ_TMP/dst/g" ] && fail "the write went to DST on the host"
	# SRC alone binds it on itself.
	expect_status 0 sj --bind "$SJ_TMP/src" -- sh -c "echo x >'$SJ_TMP/src/h'"
	expect_eq "$(cat "$SJ_TMP/src/h")" "x" "a write through --bind SRC"
	# Read-only: the same writes fail, reads work.
	expect_eq "$(sj --ro-bind "$SJ_TMP/src:$SJ_TMP/dst" -- cat "$SJ_TMP/dst/f")" "hello" "read through --ro-bind"
	expect_eq "$(sj --ro-bind "$SJ_TMP/src:$SJ_TMP/dst" -- "$PY" "$SJ_TMP/op.py" create "$SJ_TMP/dst/x")" \
		"EROFS" "write through --ro-bind SRC:DST"
	expect_eq "$(sj --ro-bind "$SJ_TMP/src" -- "$PY" "$SJ_TMP/op.py" create "$SJ_TMP/src/x")" \
		"EROFS" "write through --ro-bind SRC"
	# A file on a file.
	expect_eq "$(sj --ro-bind "$SJ_TMP/src/f:$SJ_TMP/dst/covered" -- cat "$SJ_TMP/dst/covered")" "hello" \
		"--ro-bind of a file"
	# Control: the caller may write there.
	expect_eq "$("$PY" "$SJ_TMP/op.py" create "$SJ_TMP/src/x")" "ok" "write on the host"
	# In order: a tmpfs, then a bind into it (its mount point is made in the tmpfs).
	run sj --tmpfs "$SJ_TMP/dst" --ro-bind "$SJ_TMP/src:$SJ_TMP/dst/sub/in" -- cat "$SJ_TMP/dst/sub/in/f"
	expect_eq "$out" "hello" "--tmpfs then --ro-bind into it: $err"
	[ -e "$SJ_TMP/dst/sub" ] && fail "a mount point was made on the host"
	return 0
}

t_mount_propagation() {
	local sh="$SJ_TMP/shared"
	mkdir -p "$sh/c" "$sh/t" "$SJ_TMP/plain"
	# A shared mount on the host: what leaks if the sandbox's tree is not
	# made slave (a host's / is often shared; here it may not be).
	mount --bind "$sh" "$sh" || fail "mount --bind $sh"
	root_mounts+=("$sh")
	mount --make-shared "$sh" || fail "mount --make-shared $sh"
	# Control: a mount made in a plain new mount namespace appears on the host.
	unshare -m --propagation unchanged sh -c \
		"mount -t tmpfs sjctl '$sh/c' && grep -c ' $sh/c ' /proc/$$/mountinfo; umount '$sh/c'" >"$SJ_TMP/ctl"
	umount "$sh/c" 2>/dev/null
	expect_eq "$(cat "$SJ_TMP/ctl")" "1" "control: a mount from a new mount namespace seen by the host"

	local mine count
	mine=$(my_mounts)
	count=$(mount_count)
	"$SOCKJAIL" --tmpfs "$SJ_TMP/plain" --tmpfs "$sh/t" --cap-keep sys_admin -- sh -c \
		"mount -t tmpfs sjin '$sh/c' && touch '$SJ_TMP/ready'; while [ ! -e '$SJ_TMP/go' ]; do sleep 0.02; done" \
		>"$SJ_TMP/sj.out" 2>&1 &
	local sjpid=$!
	sj_bg+=("$sjpid")
	wait_until 5 test -e "$SJ_TMP/ready"
	# While the sandbox runs: neither sockjail's mounts nor COMMAND's reach the host.
	expect_eq "$(my_mounts)" "$mine" "the host's mounts under the test's dirs while the sandbox runs"
	host_is_quiet && expect_eq "$(mount_count)" "$count" "the host's mount count while the sandbox runs"
	touch "$SJ_TMP/go"
	wait "$sjpid"
	expect_eq $? 0 "status: $(cat "$SJ_TMP/sj.out")"
	expect_eq "$(my_mounts)" "$mine" "the host's mounts under the test's dirs after the run"
	host_is_quiet && expect_eq "$(mount_count)" "$count" "the host's mount count after the run"
	return 0
}

# --- a failed setup step leaves nothing -------------------------------------------

t_failure_leaves_nothing() {
	mkdir "$SJ_TMP/src"
	local marker="sjfail$$" mine count args
	mine=$(my_mounts)
	count=$(mount_count)
	local cases=(
		"--bind /nonexistent:/mnt"
		"--ro-bind $SJ_TMP/src:$SJ_TMP/missing"
		"--tmpfs $SJ_TMP/missing/x"
		"--chdir /nonexistent"
		"--run-socket /run/nope.sock"
		"--run-dir $SJ_RUNTMP/file/d"
	)
	: >"$SJ_RUNTMP/file"
	ran_marker_control --run-dir "$SJ_RUNTMP/new/d"
	[ -e "$SJ_RUNTMP/new" ] && fail "control: $SJ_RUNTMP/new left behind"
	for args in "${cases[@]}"; do
		# shellcheck disable=SC2086 # the case is options and values
		run sj --run-dir "$SJ_RUNTMP/new/d" $args -- sh -c "touch '$SJ_TMP/ran'" "$marker"
		expect_eq "$rc" 125 "status with $args"
		expect_one_error_line "$err"
		expect_match "$err" "^sockjail: ${args%% *}" "stderr with $args"
		[ -e "$SJ_TMP/ran" ] && fail "COMMAND ran with $args"
		[ -e "$SJ_RUNTMP/new" ] && fail "$SJ_RUNTMP/new left behind with $args"
		expect_eq "$(my_mounts)" "$mine" "the host's mounts after $args"
		host_is_quiet && expect_eq "$(mount_count)" "$count" "the host's mount count after $args"
		run pgrep -f "$marker"
		expect_eq "$out" "" "processes left with $args"
	done
	return 0
}
