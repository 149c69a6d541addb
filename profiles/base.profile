# base.profile: sockjail's defaults written out, for other profiles to
# include, so that a reader sees every setting a profile relies on and the
# lines after "include base" stand out as what that profile changes.
#
# abstract-connect is left out on purpose: writing it, even as "deny",
# makes it explicit, and an explicit deny with "net host" fails on kernels
# without Landlock's abstract-socket scope instead of starting with a
# warning. Say it in the profile that means it.
sockjail-profile 1

# A private network namespace with only lo: abstract sockets are per
# network namespace, so the host's (and other sandboxes') are out of reach.
net none
pid private

# Pathname sockets may be bound wherever the filesystem lets the sandbox
# write; abstract names may not be bound at all; a name the kernel picks
# (autobind) is allowed, since nobody can choose it in advance.
pathname-bind any
abstract deny
autobind allow

# A refused bind() gets EPERM and the program carries on.
on-deny errno
