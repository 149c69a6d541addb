# journald-client.profile: a program that logs to the systemd journal,
# through sd_journal_print(3) and friends or through syslog(3).
sockjail-profile 1
include base
net none

# The native protocol socket, used by sd_journal_print(3) and friends.
# Optional: the program may start before systemd-journald (or while it
# restarts); messages sent until then fail with ECONNREFUSED, and each
# socket journald makes is followed.
run-socket-optional /run/systemd/journal/socket

# syslog(3) writes to /dev/log. On systemd hosts /dev/log is a symlink to
# /run/systemd/journal/dev-log, and the link is followed inside the
# sandbox, where only the /run paths listed here exist. Without this line
# /dev/log would dangle and syslog(3) messages would be lost silently.
run-socket-optional /run/systemd/journal/dev-log

# Programs that hand their stdout to the journal (sd_journal_stream_fd(3))
# also need the stream socket; uncomment for those:
# run-socket-optional /run/systemd/journal/stdout
