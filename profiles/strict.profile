# strict.profile: the tightest socket policy sockjail has, for programs
# that should not create any socket of their own unless a profile that
# includes this one grants a place for it.
#
# Add "run-dir /run/NAME" after "include strict" to give the program a
# directory it may bind pathname sockets in; everything else is refused,
# and the first refused bind() ends the whole sandbox.
sockjail-profile 1
include base

# No kernel-chosen abstract names either.
autobind deny

# Pathname binds only inside the run-dir directories (none here).
pathname-bind run-dirs

# A program that tries anything else is treated as compromised.
on-deny kill
