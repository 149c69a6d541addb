# invariant: the sandbox's init brings lo up (its RTM_NEWLINK, built by
# invariant: libnl before clone()) before it mounts, in every netns of its own;
# invariant: here it skips the request.
# file: launcher/child.c
# tests: 10-core.sh:t_net_only_lo_up
s/if (sb->lo_req.len && (r = lo_up(&sb->lo_req)) < 0)$/if (0 \&\& sb->lo_req.len \&\& (r = lo_up(\&sb->lo_req)) < 0)/
