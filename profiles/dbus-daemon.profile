# dbus-daemon.profile: the D-Bus system bus daemon (Debian's dbus-daemon
# package, "dbus-daemon --system"), listening on its pathname socket
# /run/dbus/system_bus_socket; a bus address in the abstract namespace
# (unix:abstract=..., or unix:tmpdir= where it picks an abstract name) is
# refused.
#
# dbus-daemon starts as root and switches to the messagebus user itself,
# through libcap-ng; it needs CAP_SETUID and CAP_SETGID for that, and
# nothing after it. (CAP_SYS_RESOURCE would let it raise its file limit;
# without it, it warns once and carries on.)
#   sockjail -p dbus-daemon -- dbus-daemon --system --nofork
# Clients reach it from other sandboxes with the dbus-system-client
# profile. The pid file (/run/dbus/pid) holds the pid inside the sandbox.
sockjail-profile 1
include base
net none
run-dir /run/dbus
cap-keep setuid,setgid
abstract deny
autobind deny
