# --restart: the sandbox and its --listen sockets outlive COMMAND (issue 16).
SJ_MODES="root user nested"

# One instance of a crashing service: notes that it started, serves one
# client on the abstract socket (fd 3) and one on the unix socket (fd 4),
# answering with its instance number, then crashes; instance $2 waits
# for the file "done" and exits 0.
write_service() {
	cat >"$SJ_TMP/service.py" <<'PY'
import os, socket, sys, time
state, last = sys.argv[1], int(sys.argv[2])
n = len([f for f in os.listdir(state) if f.startswith("started-")]) + 1
open(os.path.join(state, "started-%d" % n), "w").close()
assert os.environ["LISTEN_PID"] == str(os.getpid())
assert os.environ["LISTEN_FDNAMES"] == "abs:file", os.environ["LISTEN_FDNAMES"]
for fd, tag in ((3, "a"), (4, "u")):
    s = socket.socket(fileno=fd)
    c, _ = s.accept()
    c.sendall(b"%s %d" % (tag.encode(), n))
    c.close()
    s.detach()
if n < last:
    if n % 2:
        os.abort()  # killed by a signal
    sys.exit(3)     # a failure status
while not os.path.exists(os.path.join(state, "done")):
    time.sleep(0.05)
PY
}

# A client of one round: connects to both sockets (a listening socket
# takes the connection into its backlog whether or not anyone accepts),
# notes whether the next instance had started by then, reads both answers.
write_client() {
	cat >"$SJ_TMP/client.py" <<'PY'
import os, socket, sys
name, path, marker = sys.argv[1:4]
a = socket.socket(socket.AF_UNIX); a.settimeout(30); a.connect("\0" + name)
u = socket.socket(socket.AF_UNIX); u.settimeout(30); u.connect(path)
gap = "gap" if not os.path.exists(marker) else "late"
print(a.recv(100).decode(), u.recv(100).decode(), gap)
PY
}

# Tries to bind the abstract name over and over until $2 exists; prints
# how often it got it.
write_squatter() {
	cat >"$SJ_TMP/squat.py" <<'PY'
import os, socket, sys, time
name, stop = sys.argv[1:3]
got = tries = 0
while not os.path.exists(stop):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind("\0" + name)
        got += 1
        time.sleep(0.05)  # hold it a moment, as a real squatter would
    except OSError:
        pass
    s.close()
    tries += 1
    time.sleep(0.002)
print(got, tries)
PY
}

has_abstract() { abstract_names | grep -qx "@$1"; }

t_restart_keeps_every_listen_socket() {
	write_service
	write_client
	write_squatter
	local name="sjt-restart-${SJ_TMP##*.}-$$" dir=$SJ_RUNTMP/svc state=$SJ_TMP/state
	local sock=$SJ_RUNTMP/svc/s.sock crashes=10
	mkdir "$state"
	"$SOCKJAIL" --restart on-failure --net host --abstract-connect allow --run-dir "$dir" \
		--listen "@$name,name=abs" --listen "unix:$sock,name=file" --audit "$SJ_TMP/audit" -- \
		$PY "$SJ_TMP/service.py" "$state" $((crashes + 1)) 2>"$SJ_TMP/err" &
	local pid=$!
	sj_bg+=("$pid")
	wait_until 10 has_abstract "$name"
	$PY "$SJ_TMP/squat.py" "$name" "$SJ_TMP/stop" >"$SJ_TMP/squat" &
	sj_bg+=("$!")
	local squatter=$!

	# Instance 1 serves the first client.
	expect_eq "$($PY "$SJ_TMP/client.py" "$name" "$sock" "$state/started-2" | cut -d' ' -f1-4)" \
		"a 1 u 1" "instance 1"
	local i line in_gap=0
	for ((i = 1; i <= crashes; i++)); do
		# Instance i has crashed and been reaped; the next one is a
		# --restart-sec away. Connect now: the backlog holds us.
		wait_until 30 grep -q "restart $i in 1 s" "$SJ_TMP/err"
		line=$($PY "$SJ_TMP/client.py" "$name" "$sock" "$state/started-$((i + 1))")
		expect_match "$line" "^a $((i + 1)) u $((i + 1)) " "client after crash $i"
		[[ "$line" == *gap ]] && in_gap=$((in_gap + 1))
	done
	# The squatter stops while the name is still held: once sockjail
	# exits, the name is free for anyone, and that is not the point here.
	touch "$SJ_TMP/stop"
	wait "$squatter"
	touch "$state/done"
	wait "$pid"
	local rc=$?
	expect_eq "$rc" 0 "sockjail's status (the last instance exits 0)"
	read -r got tries <"$SJ_TMP/squat"
	expect_eq "$got" 0 "times the squatter got @$name (of $tries tries)"
	[ "$tries" -gt 10 ] || fail "the squatter did not run ($tries tries)"
	# Timing decides how many connects beat the next start; one is enough
	# to show the gap is covered, and a 1 s gap leaves plenty.
	[ "$in_gap" -gt 0 ] || fail "no client connected inside a restart gap"
	echo "$in_gap of $crashes clients connected while no instance ran"
	expect_eq "$(grep -c '^sockjail: COMMAND .*; restart [0-9]* in 1 s$' "$SJ_TMP/err")" "$crashes" "restart lines"
	expect_match "$(cat "$SJ_TMP/err")" "COMMAND was killed by SIGABRT; restart 1 in 1 s" "signal line"
	expect_match "$(cat "$SJ_TMP/err")" "COMMAND exited with status 3; restart 2 in 1 s" "status line"
	expect_eq "$(grep -c '"event":"restart"' "$SJ_TMP/audit")" "$crashes" "audit records"
	expect_match "$(cat "$SJ_TMP/audit")" '"restart":10,"exit-status":3,"delay-ms":1000' "audit record"
	# sockjail created the socket file, so it removes it at the end.
	[ -e "$sock" ] && fail "$sock left behind"
	return 0
}

# The control: the same service restarted from outside (a loop around
# sockjail) lets the name go between runs, and the squatter takes it.
t_restart_control_outside_loop_loses_the_name() {
	write_squatter
	local name="sjt-restart-ctl-${SJ_TMP##*.}-$$" i
	$PY "$SJ_TMP/squat.py" "$name" "$SJ_TMP/stop" >"$SJ_TMP/squat" &
	sj_bg+=("$!")
	local squatter=$!
	for ((i = 0; i < 5; i++)); do
		sj --net host --abstract-connect allow --listen "@$name" -- sh -c 'sleep 0.3; exit 3' 2>/dev/null
		sleep 0.5
	done
	touch "$SJ_TMP/stop"
	wait "$squatter"
	read -r got tries <"$SJ_TMP/squat"
	[ "$got" -gt 0 ] || fail "the squatter never got @$name in $tries tries: the control shows nothing"
}

t_restart_sigterm_ends_without_restart() {
	local state=$SJ_TMP/state
	mkdir "$state"
	"$SOCKJAIL" --restart always --restart-sec 0.1 -- sh -c 'touch "$1/run-$$-$(date +%s%N)"; exec sleep 60' sh "$state" \
		2>"$SJ_TMP/err" &
	local pid=$!
	sj_bg+=("$pid")
	wait_until 10 sh -c "ls '$state' | grep -q run-"
	kill -TERM "$pid"
	wait "$pid"
	local rc=$?
	expect_eq "$rc" 143 "status after SIGTERM (sleep killed by it)"
	expect_eq "$(ls "$state" | wc -l)" 1 "instances started"
	expect_eq "$(cat "$SJ_TMP/err")" "" "stderr"
}

t_restart_always_restarts_after_success_and_q_is_quiet() {
	local state=$SJ_TMP/state
	mkdir "$state"
	# Three clean exits, then one that waits to be stopped.
	"$SOCKJAIL" -q --restart always --restart-sec 0 -- sh -c \
		'n=$(ls "$1" | wc -l); touch "$1/$n"; [ "$n" -ge 3 ] && exec sleep 60; exit 0' sh "$state" \
		2>"$SJ_TMP/err" &
	local pid=$!
	sj_bg+=("$pid")
	wait_until 10 test -e "$state/3"
	kill -INT "$pid"
	wait "$pid"
	expect_eq "$?" 130 "status after SIGINT"
	expect_eq "$(ls "$state" | wc -l)" 4 "instances"
	expect_eq "$(cat "$SJ_TMP/err")" "" "stderr with -q"
	run sj --restart on-failure --restart-sec 0 -- true
	expect_eq "$rc" 0 "on-failure after success"
	expect_eq "$err" "" "no restart after success"
}

t_restart_bad_input() {
	run sj --restart sometimes -- true
	expect_eq "$rc" 125 "status"
	expect_one_error_line "$err"
	expect_match "$err" "--restart sometimes: expected no, on-failure or always" "message"
	run sj --restart-sec -1 -- true
	expect_eq "$rc" 125 "status"
	expect_one_error_line "$err"
	run sj --restart always --pid host -- true
	expect_eq "$rc" 125 "status"
	expect_one_error_line "$err"
	expect_match "$err" "drop --pid host" "message"
}
