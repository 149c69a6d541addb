# Real services (issue 14): the Debian packages under their shipped
# profiles, as their Debian users, each with the failure that the new
# behaviour fixes shown first (the control).
#
# Every test runs in a private mount namespace of the host's with an empty
# /run of its own (and, for Xvfb, an empty /tmp/.X11-unix), so the
# profiles' paths (/run/postgresql, /run/redis, /run/nginx, /run/dbus) are
# used as shipped without touching the host's. "From the host" below means
# from that namespace, outside any sandbox. Root only: the services start
# as root or switch to their own users.
SJ_MODES="root"

SERVICES_TEST=${BASH_SOURCE[0]}

use_profiles() {
	[ -n "${SJ_PROFILES:-}" ] && [ -d "$SJ_PROFILES" ] ||
		fail "SJ_PROFILES is not set to the shipped profiles (tests/integration/run stages them)"
	export SOCKJAIL_PROFILE_PATH=$SJ_PROFILES
}

# in_private_run FUNC: run FUNC (from this file) in a new mount namespace
# with a tmpfs on /run; its status (0, 77, fail) becomes the test's.
in_private_run() {
	local rc
	unshare -m --propagation private true 2>/dev/null || skip "cannot make a private mount namespace"
	timeout 100 unshare -m --propagation private bash -c \
		". '$SJ_TESTDIR/lib.sh'; . '$SERVICES_TEST'; use_profiles; private_run; $1"
	rc=$?
	[ $rc -eq 124 ] && fail "$1 timed out"
	[ $rc -eq 0 ] || exit $rc
}

private_run() {
	mount -t tmpfs -o mode=755 tmpfs /run || fail "cannot mount a tmpfs on /run in a private mount namespace"
}

# The services' users must reach the test's files.
open_tmp() { chmod 755 "$SJ_TMP"; }

# info_field FILE NAME: a number from an --info-fd object.
info_field() { sed -n "s/.*\"$2\": \\([0-9a-z]*\\).*/\\1/p" "$1"; }

# NSpid of a host pid, as /proc/PID/status shows it ("host-pid inside-pid").
nspid() { awk '/^NSpid:/ { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"; }

# ---------------------------------------------------------------------------
# The shipped profiles

t_service_profiles_check() {
	use_profiles
	local p out
	for p in postgresql redis nginx dbus-daemon xvfb; do
		[ -f "$SJ_PROFILES/$p.profile" ] || fail "profiles/$p.profile is not shipped"
		out=$(sj --check-profile "$p") || fail "--check-profile $p exited $?"
		printf '%s\n' "$out" >"$SJ_TMP/$p.effective"
		expect_eq "$(sj --check-profile "$SJ_TMP/$p.effective")" "$out" "--check-profile $p fed back"
	done
	grep -qx 'uid postgres' <<<"$(sj --check-profile postgresql)" || fail "postgresql does not run as postgres"
	grep -qx 'wait all' <<<"$(sj --check-profile redis)" || fail "redis does not wait for the daemon"
	grep -qx 'cap-keep cap_chown,cap_setgid,cap_setuid' <<<"$(sj --check-profile nginx)" ||
		fail "nginx: [$(sj --check-profile nginx)]"
	grep -qx 'cap-keep cap_setgid,cap_setuid' <<<"$(sj --check-profile dbus-daemon)" ||
		fail "dbus-daemon: [$(sj --check-profile dbus-daemon)]"
	grep -qx 'abstract deny' <<<"$(sj --check-profile xvfb)" || fail "xvfb allows abstract names"
	return 0
}

# ---------------------------------------------------------------------------
# PostgreSQL with Debian's ssl-cert layout

PGBIN=/usr/lib/postgresql/15/bin

_postgresql_private() {
	local pg=$SJ_TMP/pg ssl=$SJ_TMP/ssl out sjpid
	open_tmp
	mkdir "$pg" "$ssl" && chown postgres: "$pg" || fail "cannot make the cluster's directories"
	runuser -u postgres -- "$PGBIN/initdb" -D "$pg/data" --auth=trust -U postgres >"$SJ_TMP/initdb.log" 2>&1 ||
		fail "initdb: $(tail -n 3 "$SJ_TMP/initdb.log")"
	# The snakeoil layout: a key root:ssl-cert 0640 that postgres reads
	# through its ssl-cert group only.
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$ssl/key.pem" -out "$ssl/cert.pem" -days 2 \
		-subj /CN=localhost >/dev/null 2>&1 || fail "openssl could not make a certificate"
	chown root:ssl-cert "$ssl/key.pem" && chmod 0640 "$ssl/key.pem" && chmod 0644 "$ssl/cert.pem"
	runuser -u postgres -- test -r "$ssl/key.pem" || fail "postgres cannot read the key outside the sandbox"
	local opts=(-D "$pg/data" -c ssl=on -c "ssl_cert_file=$ssl/cert.pem" -c "ssl_key_file=$ssl/key.pem"
		-c unix_socket_directories=/run/postgresql -c "listen_addresses=")

	# Control: the numeric uid gets no supplementary groups.
	run timeout 60 "$SOCKJAIL" -p postgresql --uid 101 -- "$PGBIN/postgres" "${opts[@]}"
	[ "$rc" -ne 0 ] || fail "postgres ran with --uid 101 and no ssl-cert group"
	expect_match "$err" "could not load private key file .*Permission denied" "control: postgres without ssl-cert"

	# The profile's "uid postgres" brings ssl-cert.
	"$SOCKJAIL" -p postgresql --info-fd 3 -- "$PGBIN/postgres" "${opts[@]}" \
		3>"$SJ_TMP/pg.info" 2>"$SJ_TMP/pg.log" &
	sjpid=$!
	sj_bg+=("$sjpid")
	wait_until 60 test -S /run/postgresql/.s.PGSQL.5432
	wait_until 30 psql -h /run/postgresql -U postgres -Atc 'select 1' -o /dev/null
	out=$(psql -h /run/postgresql -U postgres -Atc 'show ssl') || fail "psql from the host exited $?"
	expect_eq "$out" on "ssl"
	local pid groups
	pid=$(info_field "$SJ_TMP/pg.info" pid)
	groups=$(awk '/^Groups:/ { $1 = ""; print }' "/proc/$pid/status")
	expect_match " $groups " " $(getent group ssl-cert | cut -d: -f3) " "the server's groups"
	expect_eq "$(stat -c %U "/proc/$pid")" postgres "the server's user"
	# A client in a second sandbox, through the socket only.
	out=$(sj --run-socket /run/postgresql -- psql -h /run/postgresql -U postgres -Atc 'select 40 + 2') ||
		fail "psql in a second sandbox exited $?"
	expect_eq "$out" 42 "psql in a second sandbox"
	# The pid file holds the pid inside the sandbox; sockjail passes SIGINT on.
	expect_eq "$(head -n 1 "$pg/data/postmaster.pid")" "$(nspid "$pid" | awk '{ print $NF }')" "postmaster.pid"
	kill -INT "$sjpid"
	wait "$sjpid"
	expect_eq "$?" 0 "exit status after a fast shutdown"
	grep -q "database system is shut down" "$SJ_TMP/pg.log" || fail "no clean shutdown: $(tail -n 3 "$SJ_TMP/pg.log")"
}

t_postgresql_ssl_cert() {
	require_cmd psql
	require_cmd openssl
	[ -x "$PGBIN/postgres" ] || skip "PostgreSQL 15 is not installed (make deps)"
	getent group ssl-cert >/dev/null || skip "no ssl-cert group (apt-get install ssl-cert)"
	in_private_run _postgresql_private
}

# ---------------------------------------------------------------------------
# Redis with Debian's configuration (daemonize yes)

# A copy of /etc/redis/redis.conf with lines appended (later lines win):
# a Unix socket for redis-cli (Debian's file has none), no TCP port (the
# network namespace is private anyway), and the log and data directory in
# the test's directory. daemonize, the pid file and everything else are
# Debian's.
write_redis_conf() {
	local dir=$SJ_TMP/redis
	mkdir -p "$dir" && chown redis: "$dir"
	cp /etc/redis/redis.conf "$SJ_TMP/redis.conf" || fail "cannot copy /etc/redis/redis.conf"
	grep -qx 'daemonize yes' "$SJ_TMP/redis.conf" || fail "Debian's redis.conf no longer says daemonize yes"
	cat >>"$SJ_TMP/redis.conf" <<EOF
# sockjail test: only these lines differ from Debian's file
unixsocket /run/redis/redis-server.sock
unixsocketperm 770
port 0
logfile $dir/redis.log
dir $dir
EOF
	chmod 644 "$SJ_TMP/redis.conf"
}

_redis_private() {
	local sjpid out
	open_tmp
	write_redis_conf
	# Control: under --wait command the daemon is killed as its parent exits.
	run timeout 60 "$SOCKJAIL" -p redis --wait command -- redis-server "$SJ_TMP/redis.conf"
	expect_eq "$rc" 0 "--wait command exit status"
	expect_eq "$err" "sockjail: COMMAND exited; killing the 1 process it left running (--wait all waits for them)" \
		"--wait command's report"
	redis-cli -s /run/redis/redis-server.sock ping >/dev/null 2>&1 && fail "redis outlived --wait command"
	# The profile waits for the daemon.
	"$SOCKJAIL" -p redis --info-fd 3 -- redis-server "$SJ_TMP/redis.conf" 3>"$SJ_TMP/redis.info" &
	sjpid=$!
	sj_bg+=("$sjpid")
	wait_until 60 test -S /run/redis/redis-server.sock
	wait_until 30 test -s /run/redis/redis-server.pid
	expect_eq "$(redis-cli -s /run/redis/redis-server.sock ping)" PONG "redis-cli ping from the host"
	redis-cli -s /run/redis/redis-server.sock set sjtest "$$" >/dev/null
	expect_eq "$(redis-cli -s /run/redis/redis-server.sock get sjtest)" "$$" "redis-cli get"
	# The daemon runs as redis; its pid file holds its pid inside the sandbox.
	local inside daemon= ns p
	inside=$(cat /run/redis/redis-server.pid)
	ns=$(info_field "$SJ_TMP/redis.info" pid-namespace)
	for p in $(pgrep -x redis-server); do
		[ "$(stat -L -c %i "/proc/$p/ns/pid" 2>/dev/null)" = "$ns" ] && daemon=$p
	done
	[ -n "$daemon" ] || fail "no redis-server in the sandbox's PID namespace"
	expect_eq "$(nspid "$daemon" | awk '{ print $NF }')" "$inside" "redis-server.pid"
	expect_eq "$(stat -c %U "/proc/$daemon")" redis "the daemon's user"
	# COMMAND exited long ago; a SIGTERM to sockjail reaches the daemon.
	kill -TERM "$sjpid"
	wait "$sjpid"
	expect_eq "$?" 0 "exit status after SIGTERM (the daemon's)"
	[ -e /run/redis/redis-server.sock ] && fail "the socket is still there"
	grep -q "ready to exit" "$SJ_TMP/redis/redis.log" || fail "redis did not shut down cleanly"
	return 0
}

t_redis_debian_conf_wait_all() {
	require_cmd redis-server
	require_cmd redis-cli
	[ -r /etc/redis/redis.conf ] || skip "no /etc/redis/redis.conf (apt-get install redis-server)"
	in_private_run _redis_private
}

# systemd's side of Type=notify, for the man page's unit example: Debian's
# redis-server.service runs redis-server --supervised systemd.
_redis_notify_private() {
	open_tmp
	write_redis_conf
	write_notify_py
	out=$($PY "$SJ_TMP/notify.py" "$SJ_TMP/notify.sock" 1 -- "$SOCKJAIL" -p redis --wait command \
		-- redis-server "$SJ_TMP/redis.conf" --supervised systemd --daemonize no) ||
		fail "notify.py exited $?: [$out]"
	expect_match "$out" "(^|"$'\n'")from-sockjail READY=1($|"$'\n'")" "READY=1 from sockjail's pid"
	expect_no_match "$out" "from-other" "a message from another pid"
}

t_redis_type_notify() {
	require_cmd redis-server
	[ -r /etc/redis/redis.conf ] || skip "no /etc/redis/redis.conf (apt-get install redis-server)"
	in_private_run _redis_notify_private
}

# notify.py SOCKET STOP_AFTER_READY -- CMD...: systemd's side. Binds a
# datagram socket with SO_PASSCRED, runs CMD with NOTIFY_SOCKET set, and
# prints each message's lines as "from-sockjail LINE" (sent by CMD's pid,
# as NotifyAccess=main requires) or "from-other LINE". With
# STOP_AFTER_READY=1 it sends CMD a SIGTERM once READY=1 arrives.
write_notify_py() {
	cat >"$SJ_TMP/notify.py" <<'PY'
import os, select, signal, socket, struct, subprocess, sys
path, stop = sys.argv[1], sys.argv[2] == "1"
cmd = sys.argv[4:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o777)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
p = subprocess.Popen(cmd, env=dict(os.environ, NOTIFY_SOCKET=path))
def drain():
    while True:
        r, _, _ = select.select([s], [], [], 0)
        if not r:
            return
        msg, anc, flags, _ = s.recvmsg(4096, socket.CMSG_SPACE(12) + socket.CMSG_SPACE(64))
        pid, nfds = None, 0
        for level, kind, data in anc:
            if kind == socket.SCM_CREDENTIALS:
                pid = struct.unpack("iII", data)[0]
            elif kind == socket.SCM_RIGHTS:
                fds = list(struct.unpack("%di" % (len(data) // 4), data))
                nfds = len(fds)
                for fd in fds:
                    os.close(fd)
        who = "from-sockjail" if pid == p.pid else "from-other"
        for line in msg.decode().split("\n"):
            if line:
                print(who, line, flush=True)
        if nfds:
            print(who, "fds=%d" % nfds, flush=True)
        if stop and b"READY=1" in msg.split(b"\n"):
            p.send_signal(signal.SIGTERM)
while p.poll() is None:
    select.select([s], [], [], 0.2)
    drain()
drain()
print("status", p.returncode, flush=True)
PY
}

# ---------------------------------------------------------------------------
# nginx: master as root, workers as www-data, a unix socket, reload by signal

write_nginx_conf() { # VERSION
	local d=$SJ_TMP/nginx
	mkdir -p "$d/html"
	echo "$1" >"$d/html/index.html"
	cat >"$d/nginx.conf" <<EOF
user www-data;
worker_processes 1;
pid /run/nginx/nginx.pid;
error_log $d/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $d/body;
	proxy_temp_path $d/proxy;
	fastcgi_temp_path $d/fastcgi;
	uwsgi_temp_path $d/uwsgi;
	scgi_temp_path $d/scgi;
	server {
		listen unix:/run/nginx/http.sock;
		root $d/html;
		add_header X-Sj-Version $1;
	}
}
EOF
}

nginx_version() {
	curl -sS --max-time 10 -D - -o /dev/null --unix-socket /run/nginx/http.sock http://sockjail/ |
		tr -d '\r' | sed -n 's/^X-Sj-Version: //Ip'
}

nginx_version_is() { [ "$(nginx_version)" = "$1" ]; }

_nginx_private() {
	local sjpid out
	open_tmp
	write_nginx_conf v1
	# Control: without the profile's cap-keep the master cannot hand the
	# temp directories to www-data.
	run timeout 60 "$SOCKJAIL" --run-dir /run/nginx -- nginx -c "$SJ_TMP/nginx/nginx.conf" -g 'daemon off;'
	[ "$rc" -ne 0 ] || fail "nginx started without capabilities"
	expect_match "$err" "chown\\(.*\\) failed \\(1: Operation not permitted\\)|setgid\\(.*\\) failed" \
		"control: nginx without cap-keep"
	"$SOCKJAIL" -p nginx --info-fd 3 -- nginx -c "$SJ_TMP/nginx/nginx.conf" -g 'daemon off;' \
		3>"$SJ_TMP/nginx.info" 2>"$SJ_TMP/nginx.err" &
	sjpid=$!
	sj_bg+=("$sjpid")
	wait_until 60 test -S /run/nginx/http.sock
	wait_until 30 test -s "$SJ_TMP/nginx.info"
	expect_eq "$(curl -sS --max-time 10 --unix-socket /run/nginx/http.sock http://sockjail/)" v1 "page before reload"
	expect_eq "$(nginx_version)" v1 "header before reload"
	local master worker
	master=$(info_field "$SJ_TMP/nginx.info" pid)
	expect_eq "$(stat -c %U "/proc/$master")" root "the master's user"
	worker=$(pgrep -P "$master" | head -n 1)
	[ -n "$worker" ] || fail "no worker"
	expect_eq "$(stat -c %U "/proc/$worker")" www-data "the worker's user"
	# The pid file holds the inside pid: "nginx -s reload" would signal the
	# host's process of that number. Signal sockjail instead.
	out=$(cat /run/nginx/nginx.pid)
	expect_eq "$out" "$(nspid "$master" | awk '{ print $NF }')" "nginx.pid"
	[ "$out" != "$master" ] || fail "nginx.pid holds the host pid"
	write_nginx_conf v2
	kill -HUP "$sjpid"
	wait_until 60 nginx_version_is v2
	expect_eq "$(curl -sS --max-time 10 --unix-socket /run/nginx/http.sock http://sockjail/)" v2 "page after reload"
	expect_eq "$(info_field "$SJ_TMP/nginx.info" pid)" "$master" "the master after reload"
	kill -0 "$master" || fail "the master did not survive the reload"
	kill -TERM "$sjpid"
	wait "$sjpid"
	expect_eq "$?" 0 "exit status after SIGTERM"
}

t_nginx_unix_socket_reload() {
	require_cmd nginx
	require_cmd curl
	in_private_run _nginx_private
}

# ---------------------------------------------------------------------------
# dbus-daemon --system, and a client in a dbus-system-client sandbox

_dbus_private() {
	local sjpid out
	# Control: no capabilities, no switch to messagebus.
	run timeout 30 "$SOCKJAIL" --run-dir /run/dbus -- dbus-daemon --system --nofork --nopidfile
	[ "$rc" -ne 0 ] || fail "dbus-daemon --system ran without capabilities"
	expect_match "$err" "Failed to drop capabilities|Could not change|Operation not permitted" \
		"control: dbus-daemon without cap-keep"
	"$SOCKJAIL" -p dbus-daemon --info-fd 3 -- dbus-daemon --system --nofork 3>"$SJ_TMP/dbus.info" \
		2>"$SJ_TMP/dbus.err" &
	sjpid=$!
	sj_bg+=("$sjpid")
	wait_until 60 test -S /run/dbus/system_bus_socket
	wait_until 30 test -s /run/dbus/pid
	out=$(sj -p dbus-system-client -- dbus-send --system --print-reply --dest=org.freedesktop.DBus \
		/org/freedesktop/DBus org.freedesktop.DBus.GetId) || fail "dbus-send in dbus-system-client exited $?"
	expect_match "$out" 'string "[0-9a-f]{32}"' "GetId's reply"
	local pid
	pid=$(info_field "$SJ_TMP/dbus.info" pid)
	expect_eq "$(stat -c %U "/proc/$pid")" messagebus "the daemon's user"
	grep -q "Failed to drop capabilities" "$SJ_TMP/dbus.err" && fail "dbus-daemon: $(cat "$SJ_TMP/dbus.err")"
	expect_eq "$(cat /run/dbus/pid)" "$(nspid "$pid" | awk '{ print $NF }')" "/run/dbus/pid"
	kill -TERM "$sjpid"
	wait "$sjpid"
	# An abstract bus address is refused under the profile; the control
	# (abstract allow, still a private network namespace) gets one.
	local addr=unix:abstract=/tmp/sjtest-$$
	# (--fork prints the address once it listens; sockjail then ends the daemon.)
	local daemon=(dbus-daemon --fork --print-address=1 --address="$addr" --nopidfile
		--config-file=/usr/share/dbus-1/session.conf)
	run timeout 30 "$SOCKJAIL" --abstract allow -- "${daemon[@]}"
	expect_match "$out" "^unix:abstract=/tmp/sjtest-$$" "control: abstract bus address"
	run timeout 30 "$SOCKJAIL" -p dbus-daemon -- "${daemon[@]}"
	[ "$rc" -ne 0 ] || fail "dbus-daemon bound an abstract address under the profile"
	expect_match "$err" "denied bind @/tmp/sjtest-$$" "the refused bind"
}

t_dbus_system_bus() {
	require_cmd dbus-daemon
	require_cmd dbus-send
	id messagebus >/dev/null 2>&1 || skip "no messagebus user (apt-get install dbus-daemon)"
	in_private_run _dbus_private
}

# ---------------------------------------------------------------------------
# Xvfb: the abstract listener refused, the pathname socket served

_xvfb_private() {
	local n=$((600 + $$ % 300)) sjpid out
	mount -t tmpfs -o mode=1777 tmpfs /tmp/.X11-unix 2>/dev/null ||
		{ mkdir -p /tmp/.X11-unix && mount -t tmpfs -o mode=1777 tmpfs /tmp/.X11-unix; } ||
		fail "cannot mount a tmpfs on /tmp/.X11-unix"
	[ -e "/tmp/.X$n-lock" ] && skip "display :$n is taken on this host"
	# Control, in a network namespace of its own: Xvfb binds both names.
	timeout 60 unshare -n sh -c "Xvfb :$n -nolisten tcp 2>/dev/null & x=\$!
		for i in \$(seq 600); do grep -q '@/tmp/.X11-unix/X$n\$' /proc/net/unix && break; sleep 0.05; done
		awk '\$8 ~ /X11-unix\\/X$n\$/ { print \$8 }' /proc/net/unix | sort; kill \$x; wait \$x" >"$SJ_TMP/ctl" 2>&1
	expect_eq "$(cat "$SJ_TMP/ctl")" "/tmp/.X11-unix/X$n"$'\n'"@/tmp/.X11-unix/X$n" "control: Xvfb's listeners"
	wait_until 30 test ! -e "/tmp/.X$n-lock"
	"$SOCKJAIL" -p xvfb -- Xvfb ":$n" -nolisten tcp 2>"$SJ_TMP/xvfb.err" &
	sjpid=$!
	sj_bg+=("$sjpid")
	wait_until 60 test -S "/tmp/.X11-unix/X$n"
	wait_until 30 env DISPLAY=":$n" xdpyinfo -display ":$n" >/dev/null 2>&1
	out=$(DISPLAY=":$n" xdpyinfo | sed -n 's/^name of display: *//p')
	expect_eq "$out" ":$n" "xdpyinfo from the host"
	out=$(sj -p x11-client -- env DISPLAY=":$n" xdpyinfo | sed -n 's/^name of display: *//p') ||
		fail "xdpyinfo in x11-client exited $?"
	expect_eq "$out" ":$n" "xdpyinfo in an x11-client sandbox"
	expect_match "$(cat "$SJ_TMP/xvfb.err")" "denied bind @/tmp/.X11-unix/X$n " "the refused abstract listener"
	kill -TERM "$sjpid"
	wait "$sjpid"
	return 0
}

t_xvfb_pathname_only() {
	require_cmd Xvfb
	require_cmd xdpyinfo
	use_profiles
	in_private_run _xvfb_private
}

# ---------------------------------------------------------------------------
# The man page's SYSTEMD and SERVICES examples, as far as a host without
# systemd as PID 1 allows: Type=notify is t_redis_type_notify,
# ExecReload=kill -HUP $MAINPID is the SIGHUP to sockjail in
# t_nginx_unix_socket_reload; here socket activation under a profile, and
# the answer for a resolv.conf that points into /run.

# The socket unit's part, played by systemd-socket-activate(1).
_socket_activated_private() {
	open_tmp
	cat >"$SJ_TMP/echo-server.py" <<'PY'
import os, socket
assert os.environ["LISTEN_PID"] == str(os.getpid()) and os.environ["LISTEN_FDS"] == "1"
s = socket.socket(fileno=3)
c, _ = s.accept()
c.sendall(os.environ["LISTEN_FDNAMES"].encode() + b" " + c.recv(64))
PY
	# (It passes on only the variables it is told to.)
	systemd-socket-activate -l /run/echo.sock --fdname=front -E SOCKJAIL_PROFILE_PATH -- \
		"$SOCKJAIL" -p strict -- $PY "$SJ_TMP/echo-server.py" >"$SJ_TMP/act.log" 2>&1 &
	local act=$!
	sj_bg+=("$act")
	wait_until 30 test -S /run/echo.sock
	out=$(printf ping | timeout 30 socat -t 10 - UNIX-CONNECT:/run/echo.sock) || fail "socat exited $?"
	expect_eq "$out" "front ping" "the activated service's reply"
	wait "$act"
	expect_eq "$?" 0 "the service's status: $(cat "$SJ_TMP/act.log")"
}

t_systemd_socket_activated() {
	require_cmd systemd-socket-activate
	require_cmd socat
	in_private_run _socket_activated_private
}

_resolv_private() {
	mkdir -p /run/systemd/resolve
	echo "nameserver 127.0.0.53" >/run/systemd/resolve/stub-resolv.conf
	# Control: /run is empty in the sandbox, so a resolv.conf link into it dangles.
	run "$SOCKJAIL" --net host -- cat /run/systemd/resolve/stub-resolv.conf
	[ "$rc" -ne 0 ] || fail "the sandbox saw the host's /run/systemd/resolve"
	run "$SOCKJAIL" --net host --run-socket /run/systemd/resolve -- cat /run/systemd/resolve/stub-resolv.conf
	expect_eq "$rc" 0 "status with --run-socket /run/systemd/resolve"
	expect_eq "$out" "nameserver 127.0.0.53" "the resolver's file"
	run "$SOCKJAIL" --net host --run-socket /run/systemd/resolve -- \
		/bin/sh -c 'echo x >/run/systemd/resolve/stub-resolv.conf'
	[ "$rc" -ne 0 ] || fail "the sandbox wrote the host's resolver configuration"
}

t_resolv_conf_in_run() {
	in_private_run _resolv_private
}

# ---------------------------------------------------------------------------
# Debian's wrapper: pg_ctlcluster starts as root and switches to postgres
# itself. The cluster is made with pg_createcluster on tmpfs mounts over
# /etc/postgresql, /var/lib/postgresql and /var/log/postgresql, in the
# test's own mount namespace.

_pg_ctlcluster_private() {
	local d sjpid out
	for d in /etc/postgresql /var/lib/postgresql /var/log/postgresql; do
		mount -t tmpfs -o mode=755 tmpfs "$d" || fail "cannot mount a tmpfs on $d"
	done
	chown postgres: /var/lib/postgresql
	chown root:postgres /var/log/postgresql && chmod 1775 /var/log/postgresql
	pg_createcluster 15 sjtest -- --auth=trust >"$SJ_TMP/create.log" 2>&1 ||
		fail "pg_createcluster: $(tail -n 3 "$SJ_TMP/create.log")"
	# Control: without the capabilities it needs, the switch of user fails.
	run timeout 60 "$SOCKJAIL" -p postgresql --uid 0 -- pg_ctlcluster --foreground 15 sjtest start
	[ "$rc" -ne 0 ] || fail "pg_ctlcluster ran without capabilities"
	expect_match "$err" "Could not change user id" "control: pg_ctlcluster without cap-keep"
	"$SOCKJAIL" -p postgresql --uid 0 --cap-keep setuid,setgid --info-fd 3 \
		-- pg_ctlcluster --foreground 15 sjtest start 3>"$SJ_TMP/pgc.info" 2>"$SJ_TMP/pgc.err" &
	sjpid=$!
	sj_bg+=("$sjpid")
	wait_until 60 test -S /run/postgresql/.s.PGSQL.5432
	wait_until 30 psql -h /run/postgresql -U postgres -Atc 'select 1' -o /dev/null
	out=$(sj --run-socket /run/postgresql -- psql -h /run/postgresql -U postgres -Atc 'select current_setting($$cluster_name$$)') ||
		fail "psql in a second sandbox exited $?"
	expect_eq "$out" "15/sjtest" "the cluster's name"
	expect_eq "$(stat -c %U "/proc/$(info_field "$SJ_TMP/pgc.info" pid)")" postgres "the server's user"
	kill -TERM "$sjpid"
	wait "$sjpid"
	expect_eq "$?" 0 "exit status after SIGTERM"
}

t_postgresql_pg_ctlcluster() {
	require_cmd pg_ctlcluster
	require_cmd pg_createcluster
	require_cmd psql
	[ -x "$PGBIN/postgres" ] || skip "PostgreSQL 15 is not installed (make deps)"
	in_private_run _pg_ctlcluster_private
}
