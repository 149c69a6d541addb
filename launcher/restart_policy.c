// SPDX-License-Identifier: MIT
#include "restart_policy.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "audit.h"

int restart_parse_policy(const char *arg, int *out)
{
	static const char *const words[] = { "no", "on-failure", "always" };
	for (int i = 0; i < 3; i++)
		if (strcmp(arg, words[i]) == 0) {
			*out = i;
			return 0;
		}
	return -EINVAL;
}

int restart_parse_seconds(const char *arg, unsigned *ms)
{
	unsigned whole = 0, frac = 0, scale = 1000;
	const char *c = arg;

	/* Digits, then at most 3 decimals: no sign, no exponent, no spaces. */
	if (*c < '0' || *c > '9')
		return -EINVAL;
	for (; *c >= '0' && *c <= '9'; c++) {
		whole = whole * 10 + (unsigned)(*c - '0');
		if (whole > 3600)
			return -ERANGE;
	}
	if (*c == '.') {
		c++;
		if (*c < '0' || *c > '9')
			return -EINVAL;
		for (; *c >= '0' && *c <= '9'; c++) {
			if (scale == 1)
				return -EINVAL;
			scale /= 10;
			frac += (unsigned)(*c - '0') * scale;
		}
	}
	if (*c)
		return -EINVAL;
	if (whole * 1000 + frac > 3600 * 1000)
		return -ERANGE;
	*ms = whole * 1000 + frac;
	return 0;
}

bool restart_wanted(enum sj_restart policy, int wait_status, bool stopping)
{
	if (stopping)
		return false;
	switch (policy) {
	case SJ_RESTART_ALWAYS:
		return true;
	case SJ_RESTART_ON_FAILURE:
		return !WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0;
	default:
		return false;
	}
}

static const char *signal_name(int sig, char buf[16])
{
	const char *abbrev = sigabbrev_np(sig);
	if (abbrev)
		snprintf(buf, 16, "SIG%s", abbrev);
	else
		snprintf(buf, 16, "%d", sig);
	return buf;
}

/* "1 s", "0.25 s": the delay as --restart-sec takes it. */
static void format_delay(unsigned ms, char buf[32])
{
	if (ms % 1000 == 0)
		snprintf(buf, 32, "%u s", ms / 1000);
	else if (ms % 100 == 0)
		snprintf(buf, 32, "%u.%u s", ms / 1000, ms % 1000 / 100);
	else if (ms % 10 == 0)
		snprintf(buf, 32, "%u.%02u s", ms / 1000, ms % 1000 / 10);
	else
		snprintf(buf, 32, "%u.%03u s", ms / 1000, ms % 1000);
}

size_t restart_format_line(char *buf, size_t len, const struct sj_restart_event *ev)
{
	char delay[32], sig[16];
	int n;

	format_delay(ev->delay_ms, delay);
	if (WIFSIGNALED(ev->wait_status))
		n = snprintf(buf, len, "COMMAND was killed by %s; restart %u in %s",
			     signal_name(WTERMSIG(ev->wait_status), sig), ev->count, delay);
	else
		n = snprintf(buf, len, "COMMAND exited with status %d; restart %u in %s",
			     WEXITSTATUS(ev->wait_status), ev->count, delay);
	return n < 0 ? 0 : (size_t)n;
}

size_t restart_format_json(char *buf, size_t len, const struct sj_restart_event *ev)
{
	char ts[64], how[48], sig[16];
	int n;

	audit_format_ts(&ev->ts, ts);
	if (WIFSIGNALED(ev->wait_status))
		snprintf(how, sizeof(how), "\"signal\":\"%s\"", signal_name(WTERMSIG(ev->wait_status), sig));
	else
		snprintf(how, sizeof(how), "\"exit-status\":%d", WEXITSTATUS(ev->wait_status));
	n = snprintf(buf, len, "{\"ts\":\"%s\",\"event\":\"restart\",\"restart\":%u,%s,\"delay-ms\":%u}", ts,
		     ev->count, how, ev->delay_ms);
	return n < 0 ? 0 : (size_t)n;
}
