# redis.profile: a Redis server (Debian's redis-server package), run as
# the redis user, offering a Unix socket in /run/redis.
#
# Debian's /etc/redis/redis.conf has "daemonize yes": redis-server forks
# into the background and its first process exits. "wait all" keeps the
# sandbox (and sockjail) until the last process in it has exited, and a
# SIGTERM to sockjail then stops the daemon. Under systemd, Debian's unit
# runs "redis-server --supervised systemd --daemonize no" with
# Type=notify; sockjail relays the notification (see SYSTEMD in
# sockjail(1)).
#
# The network namespace is private, so the configuration's TCP port is
# reachable only from inside. Enable the Unix socket in redis.conf:
#   unixsocket /run/redis/redis-server.sock
#   unixsocketperm 770
# and connect with redis-cli -s /run/redis/redis-server.sock, from the host
# or from another sandbox (sockjail --run-socket /run/redis -- redis-cli).
# The pid file in /run/redis holds the pid inside the sandbox.
#   sockjail -p redis -- redis-server /etc/redis/redis.conf
sockjail-profile 1
include base
net none
uid redis
run-dir /run/redis
wait all
