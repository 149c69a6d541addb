# dbus-system-client.profile: a program that talks to the D-Bus system bus
# and to nothing else on the host.
sockjail-profile 1
include base

# A private network namespace: no host abstract sockets, no network.
net none

# The system bus socket, exposed read-only: the program can connect to it
# but cannot replace it or create anything next to it.
run-socket /run/dbus/system_bus_socket

# No abstract names of its own; a kernel-chosen name is harmless in a
# private namespace, where nothing else can see it.
abstract deny
autobind allow
