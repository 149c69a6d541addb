# A newcomer's first hour (issue 13): the small things that tripped a new
# user, each against the real binary, with a control where one makes sense.
SJ_MODES="root user nested"

# run_sj ARGS...: sockjail's stdout in $out, stderr in $err, status in $rc.
run_sj() { run "$SOCKJAIL" "$@"; }

# expect_line TEXT LINE [WHAT]: LINE is one of TEXT's lines, exactly.
expect_line() {
	printf '%s\n' "$1" | grep -qxF -- "$2" || fail "${3:-output} has no line [$2]: [$1]"
}

# "--learn -- cmd" used to write a profile named "--".
t_learn_needs_a_file_before_separator() {
	mkdir "$SJ_TMP/w" && cd "$SJ_TMP/w" || fail "mkdir"
	run_sj --learn -- true
	expect_eq "$rc" 125 "status"
	expect_one_error_line "$err"
	expect_match "$err" '^sockjail: --learn needs FILE before --$'
	[ -e ./-- ] && fail "a file named -- was written"
	# Control: with a file name it learns.
	run_sj --learn ./learned.profile -- true
	expect_eq "$rc" 0 "status with a file: $err"
	expect_line "$(cat ./learned.profile)" 'sockjail-profile 1' "the learned profile"
	return 0
}

# "include NAME" looks beside the including file before the search path.
t_include_beside_the_profile() {
	local set=$SJ_TMP/set inner=sjt-inner-$$
	mkdir -p "$set" "$SJ_TMP/alone"
	printf '%s\n' 'sockjail-profile 1' "include $inner" 'quiet' >"$set/outer.profile"
	printf '%s\n' 'sockjail-profile 1' 'autobind deny' >"$set/$inner.profile"
	unset SOCKJAIL_PROFILE_PATH
	run_sj --check-profile "$set/outer.profile"
	expect_eq "$rc" 0 "status: $err"
	expect_line "$out" "autobind deny" "policy"
	# Control: the same file elsewhere does not find it.
	cp "$set/outer.profile" "$SJ_TMP/alone/"
	run_sj --check-profile "$SJ_TMP/alone/outer.profile"
	expect_eq "$rc" 125 "status without the file beside it"
	expect_match "$err" "outer.profile:2: include $inner: not found"
	# The shipped set, by path from the top of a tree, as the README did.
	[ -f "$SJ_PROFILES/strict.profile" ] || fail "SJ_PROFILES has no strict.profile"
	cd "$SJ_PROFILES/.." || fail "cd"
	run_sj --profile "./$(basename "$SJ_PROFILES")/strict.profile" -- true
	expect_eq "$rc" 0 "--profile ./profiles/strict.profile: $err"
}

# --run-dir /var/run/x/ is /run/x, where /var/run is the usual symlink.
t_run_dir_var_run_and_trailing_slash() {
	local name=${SJ_RUNTMP#/run/}
	[ "$(readlink /var/run)" = /run ] || [ "$(readlink /var/run)" = ../run ] ||
		skip "/var/run is not a symlink to /run on this machine"
	run_sj --run-dir "/var/run/$name/d/" -- sh -c "test -d /run/$name/d && test -w /run/$name/d && echo ok"
	expect_eq "$rc" 0 "status: $err"
	expect_eq "$out" ok
	[ -e "$SJ_RUNTMP/d" ] && fail "$SJ_RUNTMP/d left behind"
	printf '%s\n' 'sockjail-profile 1' "run-dir /var/run/$name/p/" >"$SJ_TMP/v.profile"
	run_sj --check-profile "$SJ_TMP/v.profile"
	expect_eq "$rc" 0 "status: $err"
	expect_line "$out" "run-dir /run/$name/p"
	# Control: a path that is not under /run is still refused.
	run_sj --run-dir /var/lib/x -- true
	expect_eq "$rc" 125 "status for /var/lib/x"
	expect_match "$err" 'not under /run'
}

# An error about a value a profile gave names the profile line.
t_profile_errors_keep_file_and_line() {
	local sock=$SJ_RUNTMP/bus.sock p=$SJ_TMP/client.profile
	printf '%s\n' 'sockjail-profile 1' '# the service' "run-socket $sock" >"$p"
	run_sj --profile "$p" -- true
	expect_eq "$rc" 125 "status"
	expect_one_error_line "$err"
	expect_eq "$err" "sockjail: $p:3: run-socket $sock: No such file or directory"
	# --check-profile: valid, so 0, with one warning.
	run_sj --check-profile "$p"
	expect_eq "$rc" 0 "--check-profile status"
	expect_match "$out" "run-socket $sock"
	expect_eq "$err" "sockjail: warning: $p:3: run-socket $sock: No such file or directory (it must exist when the sandbox starts)"
	# Typed on the command line, it is named as typed.
	run_sj --run-socket "$sock" -- true
	expect_eq "$err" "sockjail: --run-socket $sock: No such file or directory"
	# Control: once the socket exists, neither complains.
	"$PY" -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$sock" || fail "bind $sock"
	run_sj --check-profile "$p"
	expect_eq "$rc" 0 "status"
	expect_eq "$err" "" "stderr with the socket there"
	run_sj --profile "$p" -- true
	expect_eq "$rc" 0 "run with the socket there: $err"
}

# Typos get the same "did you mean" on the command line as in a profile.
t_typo_hints() {
	run_sj --run-sokcet /run/x -- true
	expect_eq "$rc" 125 "status"
	expect_one_error_line "$err"
	expect_eq "$err" "sockjail: unknown option --run-sokcet (did you mean --run-socket?)"
	printf '%s\n' 'sockjail-profile 1' 'run-sokcet /run/x' >"$SJ_TMP/t.profile"
	run_sj --profile "$SJ_TMP/t.profile" -- true
	expect_eq "$err" "sockjail: $SJ_TMP/t.profile:2: unknown directive 'run-sokcet' (did you mean 'run-socket'?)"
}

# In ps, init and the executor zygote say what they are; the supervisor
# keeps its own command line (the control).
t_ps_names() {
	local dir=$SJ_RUNTMP/ps sup init zygote p
	"$SOCKJAIL" --run-dir "$dir" -- "$PY" -c '
import socket, sys, time
socket.socket(socket.AF_UNIX).bind(sys.argv[1] + "/s")
open(sys.argv[2], "w").close()
time.sleep(30)
' "$dir" "$SJ_TMP/bound" 2>"$SJ_TMP/err" &
	sup=$!
	sj_bg+=("$sup")
	wait_until 20 test -e "$SJ_TMP/bound"
	for p in $(pgrep -P "$sup"); do
		case $(cat "/proc/$p/comm") in
		sockjail-init) init=$p ;;
		sockjail-exec) zygote=$p ;;
		esac
	done
	[ -n "${init:-}" ] || fail "no sockjail-init child of $sup: $(ps -o pid,comm,args --ppid "$sup")"
	[ -n "${zygote:-}" ] || fail "no sockjail-exec child of $sup: $(ps -o pid,comm,args --ppid "$sup")"
	expect_eq "$(tr '\0' ' ' <"/proc/$init/cmdline")" "sockjail: init $PY -c 
import socket, sys, time
socket.socket(socket.AF_UNIX).bind(sys.argv[1] + \"/s\")
open(sys.argv[2], \"w\").close()
time.sleep(30)
 $dir $SJ_TMP/bound " "init's cmdline"
	expect_match "$(ps -o args= -p "$zygote")" "^sockjail: executor $PY -c" "the zygote in ps"
	expect_match "$(ps -o args= -p "$sup")" "^$SOCKJAIL --run-dir $dir -- $PY -c" "the supervisor in ps"
	kill -TERM "$sup"
	wait "$sup"
	return 0
}

# --features says what this machine has; each line checked another way.
t_features_match_this_machine() {
	local abi line tiocsti
	run_sj --features
	expect_eq "$rc" 0 "status: $err"
	expect_eq "$(printf '%s\n' "$out" | cut -d: -f1 | tr '\n' ' ')" \
		"kernel landlock pidfd-thread seccomp-sync-wake-up user-namespaces io_uring i386-emulation legacy-tiocsti " \
		"feature names"
	expect_match "$out" "^kernel: $(uname -r)"$'\n'
	abi=$("$PY" -c '
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
print(max(libc.syscall(444, None, 0, 1), 0))')
	if [ "$abi" -ge 6 ]; then
		expect_match "$out" $'\n'"landlock: ABI $abi, with the abstract-socket and signal scopes"
	elif [ "$abi" -gt 0 ]; then
		expect_match "$out" $'\n'"landlock: ABI $abi, no scopes"
	else
		expect_match "$out" $'\n'"landlock: no "
	fi
	if "$PY" -c 'import os; os.pidfd_open(os.getpid(), os.O_EXCL)' 2>/dev/null; then
		expect_match "$out" $'\n''pidfd-thread: yes;'
	else
		expect_match "$out" $'\n''pidfd-thread: no;'
	fi
	if "$PY" -c '
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
p = ctypes.create_string_buffer(120)
exit(0 if libc.syscall(425, 1, p) >= 0 else 1)'; then
		expect_match "$out" $'\n''io_uring: yes;'
	else
		expect_match "$out" $'\n''io_uring: no '
	fi
	# The int80 helper makes an i386 system call: killed by SIGSEGV without the entry.
	if [ -x "$(helper int80)" ]; then
		"$(helper int80)" bind "@sjt-feat-$$" >/dev/null 2>&1
		if [ $? -eq 139 ]; then
			expect_match "$out" $'\n''i386-emulation: no;'
		else
			expect_match "$out" $'\n''i386-emulation: yes;'
		fi
	fi
	tiocsti=$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null) || tiocsti=
	case $tiocsti in
	0) expect_match "$out" $'\n''legacy-tiocsti: no ' ;;
	1) expect_match "$out" $'\n''legacy-tiocsti: yes \(dev.tty.legacy_tiocsti = 1\)' ;;
	*) expect_match "$out" $'\n''legacy-tiocsti: yes \(before Linux 6.2' ;;
	esac
	# User namespaces, as an ordinary user would try them.
	if is_root_mode; then
		if setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U true 2>/dev/null; then
			expect_match "$out" $'\n''user-namespaces: yes, also for ordinary users;'
		else
			expect_match "$out" $'\n''user-namespaces: root only'
		fi
	fi
	return 0
}
