/* SPDX-License-Identifier: MIT */
/* Network configuration over rtnetlink: the only module that uses libnl. */
#pragma once

/* Bring the loopback interface of the current network namespace up. */
int netns_loopback_up(void);
