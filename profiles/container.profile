# container.profile: a service run like a container. It gets a private
# network namespace and one directory, /run/container, for the sockets it
# offers; it reaches no socket of the host's.
#
# /run/container is created on the host if missing (owned by the sandbox's
# uid) and bind-mounted read-write, so the sockets the service binds there
# are visible to the host, which is how other programs connect to it. No
# other part of the host's /run is exposed: nothing else is listed.
sockjail-profile 1
include base
net none
run-dir /run/container
