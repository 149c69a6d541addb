// SPDX-License-Identifier: MIT
#include "env.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t env_len(char **e)
{
	size_t n = 0;
	while (e && e[n])
		n++;
	return n;
}

static bool env_name_is(const char *entry, const char *name)
{
	size_t n = strlen(name);
	return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

static void env_unset(char **e, const char *name)
{
	size_t w = 0;
	for (size_t r = 0; e[r]; r++) {
		if (env_name_is(e[r], name))
			free(e[r]);
		else
			e[w++] = e[r];
	}
	e[w] = NULL;
}

int env_set(char ***envp, const char *name, const char *value)
{
	char *entry;
	if (asprintf(&entry, "%s=%s", name, value) < 0)
		return -ENOMEM;
	env_unset(*envp, name);
	size_t n = env_len(*envp);
	char **ne = realloc(*envp, (n + 2) * sizeof(*ne));
	if (!ne) {
		free(entry);
		return -ENOMEM;
	}
	ne[n] = entry;
	ne[n + 1] = NULL;
	*envp = ne;
	return 0;
}

void env_free(char **envp)
{
	for (size_t i = 0; envp && envp[i]; i++)
		free(envp[i]);
	free(envp);
}

char **env_build(char *const *base, const struct sj_settings *s)
{
	size_t n = 0;
	while (base && base[n])
		n++;
	char **e = calloc(n + 1, sizeof(*e));
	if (!e)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!(e[i] = strdup(base[i])))
			goto fail;
	static const char *const listen_vars[] = { "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", NULL };
	for (size_t i = 0; listen_vars[i]; i++)
		env_unset(e, listen_vars[i]);
	for (size_t i = 0; i < s->n_env; i++) {
		const struct sj_env_op *op = &s->env[i];
		switch (op->kind) {
		case SJ_ENV_SET:
			if (env_set(&e, op->name, op->value) < 0)
				goto fail;
			break;
		case SJ_ENV_UNSET:
			env_unset(e, op->name);
			break;
		case SJ_ENV_CLEAR:
			for (size_t j = 0; e[j]; j++)
				free(e[j]);
			e[0] = NULL;
			break;
		}
	}
	return e;
fail:
	env_free(e);
	return NULL;
}
