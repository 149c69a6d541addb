// SPDX-License-Identifier: MIT
/*
 * Start-up timer: runs several commands in turns, many rounds, and
 * prints each one's median wall time. In turns rather than one command
 * after another, so that a burst of load on the machine (other builds, a
 * kworker tearing down the last run's namespaces) hits every command alike.
 * The order is shuffled each round: what a run leaves to the kernel to
 * finish (a network namespace's teardown runs in a kworker after the
 * process is gone) is paid by whichever run comes next, so in a fixed
 * order each command would pay for the same neighbour's (a rotating start
 * still left each after the same one in all but one run of each round).
 * posix_spawn() (vfork underneath) keeps our own cost per run small and
 * the same for all.
 *
 * Usage: startup ROUNDS WARMUP LABEL [NAME=VALUE...] CMD [ARG...] [:: LABEL ...]...
 * NAME=VALUE words before CMD set variables for that command alone, as in
 * a shell (the bench runs everything under LC_ALL=C, one row elsewhere).
 * Output, one line per command: LABEL median_us p10_us p90_us failures
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct cmd {
	const char *label;
	char **argv;
	char **envp; /* environ, or a copy with the command's own NAME=VALUE */
	double *us; /* successful runs only */
	int ok, failures;
};

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* One run: wall time from spawn to reaped, or a negative value if it failed. */
static double run_once(char **argv, char **envp, const posix_spawn_file_actions_t *fa)
{
	pid_t pid;
	int status;
	double t0 = now_us();
	if (posix_spawnp(&pid, argv[0], fa, NULL, argv, envp) != 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	double t1 = now_us();
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? t1 - t0 : -1;
}

/* "NAME=VALUE", as a shell takes it before a command. */
static bool is_assignment(const char *w)
{
	const char *eq = strchr(w, '=');
	if (!eq || eq == w || (w[0] >= '0' && w[0] <= '9'))
		return false;
	for (const char *c = w; c < eq; c++)
		if (!(*c == '_' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
			return false;
	return true;
}

/* environ with the assignments in words[0..n) added or replacing the same NAME. */
static char **env_with(char **words, int n)
{
	int have = 0;
	while (environ[have])
		have++;
	char **e = calloc((size_t)(have + n + 1), sizeof(*e));
	if (!e)
		return NULL;
	int k = 0;
	for (int i = 0; i < have; i++) {
		bool replaced = false;
		for (int j = 0; j < n && !replaced; j++) {
			size_t len = (size_t)(strchr(words[j], '=') - words[j]) + 1;
			replaced = strncmp(environ[i], words[j], len) == 0;
		}
		if (!replaced)
			e[k++] = environ[i];
	}
	for (int j = 0; j < n; j++)
		e[k++] = words[j];
	return e;
}

static uint64_t xorshift64(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s ROUNDS WARMUP LABEL CMD [ARG...] [:: LABEL CMD...]...\n", argv[0]);
		return 2;
	}
	int rounds = atoi(argv[1]), warmup = atoi(argv[2]);
	if (rounds <= 0 || warmup < 0) {
		fprintf(stderr, "startup: bad ROUNDS or WARMUP\n");
		return 2;
	}
	struct cmd cmds[16];
	int n = 0;
	for (int i = 3; i < argc;) {
		if (n == (int)(sizeof(cmds) / sizeof(cmds[0])) || i + 1 >= argc) {
			fprintf(stderr, "startup: too many commands, or a label without a command\n");
			return 2;
		}
		int words = 0;
		while (i + 1 + words < argc && is_assignment(argv[i + 1 + words]))
			words++;
		cmds[n] = (struct cmd){ .label = argv[i], .argv = &argv[i + 1 + words], .envp = environ };
		if (words > 0 && !(cmds[n].envp = env_with(&argv[i + 1], words)))
			return 2;
		int j = i + 1 + words;
		while (j < argc && strcmp(argv[j], "::") != 0)
			j++;
		if (j < argc)
			argv[j++] = NULL; /* ends this command's argv */
		if (!cmds[n].argv[0]) {
			fprintf(stderr, "startup: %s: no command after its variables\n", cmds[n].label);
			return 2;
		}
		cmds[n].us = calloc((size_t)rounds, sizeof(double));
		if (!cmds[n].us)
			return 2;
		n++;
		i = j;
	}

	/* The commands' output would only disturb the timing (and the table). */
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);

	int *order = calloc((size_t)n, sizeof(int));
	if (!order) {
		perror("calloc");
		return 2;
	}
	for (int i = 0; i < n; i++)
		order[i] = i;
	/* A fixed seed: the same sequence of orders in every bench run. */
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	for (int r = -warmup; r < rounds; r++) {
		for (int k = n - 1; k > 0; k--) {
			int j = (int)(xorshift64(&seed) % (uint64_t)(k + 1)), tmp = order[k];
			order[k] = order[j];
			order[j] = tmp;
		}
		for (int k = 0; k < n; k++) {
			struct cmd *c = &cmds[order[k]];
			double t = run_once(c->argv, c->envp, &fa);
			if (r < 0)
				continue;
			if (t < 0)
				c->failures++;
			else
				c->us[c->ok++] = t;
		}
	}

	for (int i = 0; i < n; i++) {
		struct cmd *c = &cmds[i];
		if (c->ok == 0) {
			printf("%s - - - %d\n", c->label, c->failures);
			continue;
		}
		qsort(c->us, (size_t)c->ok, sizeof(double), cmp_double);
		printf("%s %.0f %.0f %.0f %d\n", c->label, c->us[c->ok / 2], c->us[c->ok / 10],
		       c->us[c->ok - 1 - c->ok / 10], c->failures);
		free(c->us);
	}
	posix_spawn_file_actions_destroy(&fa);
	return 0;
}
