# x11-client.profile: an X11 client that reaches the X server only through
# its pathname socket, /tmp/.X11-unix/X<display>.
#
# X servers listen on two sockets for the same display: the pathname
# /tmp/.X11-unix/X0 and the abstract name @/tmp/.X11-unix/X0. libxcb tries
# the abstract one first, and in a shared network namespace anyone can
# squat that name before the X server does and be talked to as the
# display. In the private network namespace below the abstract name does
# not exist: connect() fails with ECONNREFUSED, on which (and only on
# which: not on EPERM) libxcb falls back to the path, a real file in a
# directory the sandbox cannot write.
#
# Do not add "--net host" to this profile on the command line: use
# x11-client-host-net, which keeps the host's abstract names out of reach
# and answers them with ECONNREFUSED, so the fallback still happens.
#
# The client still needs its X authority cookie (XAUTHORITY or
# ~/.Xauthority) and DISPLAY, which this profile leaves as they are.
sockjail-profile 1
include base
net none

# The pathname sockets: the host's other sockets outside /run are hidden
# (other-sockets hidden), so the X server's are granted here, and the
# directory is mounted read-only: connect() works, nothing can be
# replaced or added.
show-socket /tmp/.X11-unix
ro-bind /tmp/.X11-unix

# Binding @/tmp/.X11-unix/X* (or any abstract name) is refused: there is
# no abstract-allow line for them.
abstract deny
