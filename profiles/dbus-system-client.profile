# dbus-system-client.profile: a program that talks to the D-Bus system bus
# and to nothing else on the host.
sockjail-profile 1
include base

# A private network namespace: no host abstract sockets, no network.
net none

# The system bus socket, exposed read-only: the program can connect to it
# but cannot replace it or create anything next to it. The optional form
# survives the bus's restarts: the program may start before dbus-daemon
# (or while it restarts) and gets ECONNREFUSED until the bus is up, and
# each new socket the bus makes is mounted over the old one.
run-socket-optional /run/dbus/system_bus_socket

# No abstract names of its own; a kernel-chosen name is harmless in a
# private namespace, where nothing else can see it.
abstract deny
autobind allow
