# nginx.profile: nginx (Debian's nginx package) serving on a Unix socket
# in /run/nginx, its master running as root and its workers as the
# configuration's "user" (www-data).
#
# The master switches its workers' user itself, and gives them the temp
# directories (client_body_temp_path and the like): it keeps CAP_SETUID,
# CAP_SETGID and CAP_CHOWN, and nothing else. Binding a TCP port below
# 1024 would also need net_bind_service, and a network other than
# "net none" to be reachable.
#
# /run is read-only in the sandbox apart from /run/nginx: in
# /etc/nginx/nginx.conf, move the pid file there and listen on a socket
# there (Debian's default site listens on port 80, which the private
# network namespace makes unreachable anyway):
#   pid /run/nginx/nginx.pid;
#   server { listen unix:/run/nginx/http.sock; ... }
#   sockjail -p nginx -- nginx -g 'daemon off;'
# The pid file holds the pid inside the sandbox, so "nginx -s reload" from
# the host would signal the wrong process: send SIGHUP to sockjail, which
# passes it on to the master (kill -HUP $MAINPID in a unit).
sockjail-profile 1
include base
net none
run-dir /run/nginx
cap-keep setuid,setgid,chown
