# xvfb.profile: an X server (Debian's xvfb package, Xvfb; the same holds
# for Xorg and Xwayland) whose abstract listener is refused while its
# pathname socket works.
#
# X servers listen on /tmp/.X11-unix/X<display> and on the abstract name
# @/tmp/.X11-unix/X<display>. The abstract one has no owner and no
# permissions, and whoever binds it first is "the display" for clients
# that try it first. Here that bind is refused (the server carries on with
# its other listeners, saying "failed to create listener for local"), and
# clients on the host and in x11-client sandboxes connect through the
# pathname socket.
#   sockjail -p xvfb -- Xvfb :1 -nolisten tcp
# The network namespace is private: "-listen tcp" would not be reachable.
sockjail-profile 1
include base
net none
abstract deny
