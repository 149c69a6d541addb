# postgresql.profile: a PostgreSQL server (Debian's postgresql package),
# run as the postgres user with its groups, offering only its Unix socket
# in /run/postgresql.
#
# "uid postgres" brings the user's supplementary groups from the user
# database, as runuser(1) would: on Debian that is ssl-cert, which the
# server needs to read the snakeoil key (/etc/ssl/private, root:ssl-cert,
# mode 0640) that the default clusters use with "ssl = on".
#
# Debian's wrapper starts as root and switches to postgres itself; run it
# as root instead of with "uid", with the capabilities it needs for the
# switch, in the foreground (the server is then COMMAND):
#   sockjail -p postgresql --uid 0 --cap-keep setuid,setgid \
#       -- pg_ctlcluster --foreground 15 main start
# or, as the postgres user directly:
#   sockjail -p postgresql -- /usr/lib/postgresql/15/bin/postgres \
#       -D /var/lib/postgresql/15/main \
#       -c config_file=/etc/postgresql/15/main/postgresql.conf
# The network namespace is private: clients connect through the socket in
# /run/postgresql, from the host or from another sandbox
# (sockjail --run-socket /run/postgresql -- psql). For TCP clients, add
# "net veth:..." or "net host". The pid file in the data directory holds
# the pid inside the sandbox: signal the server through sockjail, whose
# signals are passed on (pg_lsclusters reports such a cluster as down).
sockjail-profile 1
include base
net none
uid postgres
run-dir /run/postgresql
