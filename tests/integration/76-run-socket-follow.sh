# --run-socket follows a service that re-creates its socket (issue 16).
SJ_MODES="root user"

# The client in the sandbox: for each round the host announces in $2
# ("N BOUND"), connect to $1 until the server answers "gen N" or BOUND
# seconds pass; append "N ok SECONDS TRIES" or "N fail ERROR" to $3.
write_client() {
	cat >"$SJ_TMP/client.py" <<'PY'
import os, socket, sys, time
path, control, out = sys.argv[1:4]
seen = None
while True:
    try:
        words = open(control).read().split()
    except OSError:
        words = []
    if not words or words == seen:
        time.sleep(0.01)
        continue
    seen = words
    if words[0] == "end":
        break
    n, bound = words[0], float(words[1])
    t0, tries, result = time.monotonic(), 0, None
    while result is None:
        tries += 1
        try:
            c = socket.socket(socket.AF_UNIX)
            c.settimeout(5)
            c.connect(path)
            got = c.recv(100).decode().strip()
            c.close()
            if got == "gen " + n:
                result = "%s ok %.3f %d" % (n, time.monotonic() - t0, tries)
            else:
                err = "answer " + got
        except OSError as e:
            err = e.__class__.__name__
        if result is None and time.monotonic() - t0 > bound:
            result = "%s fail %s" % (n, err)
        time.sleep(0.01)
    with open(out, "a") as f:
        print(result, file=f)
PY
}

# serve N: (re)start the host's server on $sock, answering "gen N".
serve() {
	[ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
	rm -f "$sock"
	socat "UNIX-LISTEN:$sock,fork" "SYSTEM:echo gen $1" &
	server=$!
	sj_bg+=("$server")
	wait_for_path "$sock"
}

# round N BOUND: tell the client, wait for its line, print it.
round() {
	echo "$1 $2" >"$SJ_TMP/control"
	wait_until 60 grep -q "^$1 " "$SJ_TMP/results"
	grep "^$1 " "$SJ_TMP/results"
}

start_sandbox() { # PATH [OPTION]
	touch "$SJ_TMP/results"
	"$SOCKJAIL" "${2:---run-socket}" "$1" -- $PY "$SJ_TMP/client.py" "$sock" "$SJ_TMP/control" "$SJ_TMP/results" \
		2>"$SJ_TMP/err" &
	sandbox=$!
	sj_bg+=("$sandbox")
}

stop_sandbox() {
	echo end >"$SJ_TMP/control"
	wait "$sandbox" || fail "sockjail exited $?: $(cat "$SJ_TMP/err")"
}

t_run_socket_follows_20_restarts() {
	write_client
	local dir=$SJ_RUNTMP/svc i line max=0
	sock=$dir/s.sock
	mkdir "$dir"
	serve 0
	start_sandbox "$sock"
	expect_match "$(round 0 10)" "^0 ok " "before any restart"
	for ((i = 1; i <= 20; i++)); do
		serve "$i"
		# The bound is for a test on a loaded machine; the time is reported.
		line=$(round "$i" 10)
		expect_match "$line" "^$i ok " "connect after restart $i"
		read -r _ _ secs _ <<<"$line"
		max=$(echo "$secs $max" | awk '{ print ($1 > $2) ? $1 : $2 }')
	done
	stop_sandbox
	echo "slowest connect after a restart: ${max}s"
	expect_eq "$(cat "$SJ_TMP/err")" "" "sockjail's stderr"
}

t_run_socket_follows_a_recreated_directory() {
	write_client
	local dir=$SJ_RUNTMP/svc
	sock=$dir/s.sock
	mkdir "$dir"
	serve 0
	start_sandbox "$dir"
	expect_match "$(round 0 10)" "^0 ok " "before"
	kill "$server"
	wait "$server"
	server=
	rm -rf "$dir"
	mkdir "$dir"
	serve 1
	expect_match "$(round 1 10)" "^1 ok " "after the directory was made again"
	stop_sandbox
}

# refused KIND: put KIND where the socket was; the sandbox must not reach
# what it leads to, sockjail says why, and a real socket later is followed.
refused() {
	write_client
	local dir=$SJ_RUNTMP/svc other=$SJ_RUNTMP/other.sock
	sock=$dir/s.sock
	mkdir "$dir"
	serve 0
	start_sandbox "$sock"
	expect_match "$(round 0 10)" "^0 ok " "before"
	kill "$server"
	wait "$server"
	server=
	rm -f "$sock"
	socat "UNIX-LISTEN:$other,fork" "SYSTEM:echo gen 1" &
	sj_bg+=("$!")
	wait_for_path "$other"
	case $1 in
	symlink) ln -s "$other" "$sock" ;;
	file) echo "gen 1" >"$sock" ;;
	esac
	wait_until 30 grep -q "re-created as" "$SJ_TMP/err"
	expect_eq "$(cat "$SJ_TMP/err")" \
		"sockjail: --run-socket $sock: re-created as $2, not a socket; not mounted" "the refusal"
	# The control: through the path, the host reaches a live server.
	[ "$1" = symlink ] && expect_eq "$(socat - "UNIX-CONNECT:$sock" </dev/null)" "gen 1" "host through the symlink"
	expect_match "$(round 1 2)" "^1 fail " "sandbox after the refusal"
	# A real socket again: followed as before.
	rm -f "$sock"
	serve 2
	expect_match "$(round 2 10)" "^2 ok " "a socket again ($(cat "$SJ_TMP/err"))"
	stop_sandbox
}

t_run_socket_symlink_not_followed() { refused symlink "a symbolic link"; }
t_run_socket_regular_file_not_followed() { refused file "a regular file"; }
