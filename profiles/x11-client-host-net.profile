# x11-client-host-net.profile: an X11 client that must share the host's
# network namespace (it also talks TCP to the outside, say), reaching the
# X server only through its pathname socket /tmp/.X11-unix/X<display>.
#
# With the host's network namespace the X server's abstract name
# @/tmp/.X11-unix/X<display> is in reach, and a process outside could
# squat it. "abstract-connect deny" keeps every abstract name made outside
# the sandbox out of reach (Landlock, Linux 6.12), and sockjail answers a
# connect() to one with ECONNREFUSED, as if it did not exist, rather than
# Landlock's EPERM: Xlib and libxcb then fall back to the pathname socket
# (on EPERM they give up: "unable to open display"). This costs one round
# trip to the supervisor on every connect() the client makes.
#
# The client still needs its X authority cookie (XAUTHORITY or
# ~/.Xauthority) and DISPLAY, which this profile leaves as they are.
sockjail-profile 1
include x11-client
net host
abstract-connect deny
