# --run-dir shared by several sandboxes; removed by the last one out (issue 16).
SJ_MODES="root user"

# A server on the pre-bound socket (fd 3): answers "hi" until $1 exists.
write_server() {
	cat >"$SJ_TMP/server.py" <<'PY'
import os, socket, sys
s = socket.socket(fileno=3)
s.settimeout(0.1)
while not os.path.exists(sys.argv[1]):
    try:
        c, _ = s.accept()
    except OSError:
        continue
    c.sendall(b"hi")
    c.close()
PY
}

ask() { $PY -c 'import socket, sys
c = socket.socket(socket.AF_UNIX); c.connect(sys.argv[1]); print(c.recv(10).decode())' "$1"; }

t_run_dir_shared_last_one_out_removes_it() {
	write_server
	local dir=$SJ_RUNTMP/shared sock=$SJ_RUNTMP/shared/s.sock
	# The first sandbox makes the directory and only uses it.
	"$SOCKJAIL" --run-dir "$dir" -- sh -c 'while [ ! -e "$1" ]; do sleep 0.05; done' sh "$SJ_TMP/stop1" &
	local first=$!
	sj_bg+=("$first")
	wait_for_path "$dir"
	# The second one serves in it.
	"$SOCKJAIL" --run-dir "$dir" --listen "unix:$sock" -- $PY "$SJ_TMP/server.py" "$SJ_TMP/stop2" &
	local second=$!
	sj_bg+=("$second")
	wait_until 10 test -S "$sock"
	expect_eq "$(ask "$sock")" "hi" "the server, both running"
	touch "$SJ_TMP/stop1"
	wait "$first" || fail "the first sockjail exited $?"
	# The first one out made the directory, but another sockjail uses it.
	[ -d "$dir" ] || fail "the first one out removed the directory the second uses"
	expect_eq "$(ask "$sock")" "hi" "the server after the first one left"
	touch "$SJ_TMP/stop2"
	wait "$second" || fail "the second sockjail exited $?"
	[ -e "$dir" ] && fail "the last one out left $dir: $(ls -la "$dir")"
	return 0
}

t_run_dir_left_by_kill_9_is_cleaned_by_the_next_run() {
	local dir=$SJ_RUNTMP/killed
	"$SOCKJAIL" --run-dir "$dir" -- sleep 60 &
	local pid=$!
	sj_bg+=("$pid")
	wait_for_path "$dir"
	# Wait for the sandbox to run, then kill sockjail so it cannot clean up.
	wait_until 10 pgrep -f -P "$pid" sockjail
	kill -KILL "$pid"
	wait "$pid"
	[ -d "$dir" ] || fail "kill -9 left nothing: the control shows nothing"
	touch "$dir/left-inside"
	sj --run-dir "$dir" -- true || fail "the next run failed"
	[ -e "$dir" ] && fail "the next run did not recognise $dir as sockjail's"
	return 0
}

t_run_dir_not_sockjails_is_left() {
	# A directory that was there before, not made by sockjail: never removed.
	local dir=$SJ_RUNTMP/theirs
	mkdir "$dir"
	touch "$dir/keep"
	sj --run-dir "$dir" -- true || fail "sockjail failed"
	[ -e "$dir/keep" ] || fail "sockjail removed a directory it did not make"
	return 0
}
