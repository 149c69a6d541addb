# Shared by 12-hostpaths.sh and 12-hostpaths-root.sh (sourced, not run).

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
