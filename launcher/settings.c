// SPDX-License-Identifier: MIT
/*
 * The option table and the one place where each option's value is checked
 * and stored. Pure: no I/O, so it is unit-tested and fuzzed as is.
 */
#include "settings.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "cleanup.h"
#include "identity.h"
#include "util.h"
#include "listen_spec.h"
#include "restart_policy.h"
#include "veth_spec.h"

#define A SJ_OPTF_ARG
#define F SJ_OPTF_IN_FILE
#define L SJ_OPTF_LIST

const struct sj_option sj_options[] = {
	{ "profile", 'p', SJ_OPT_PROFILE, A, "NAME|PATH", "load a profile (see sockjail.profile(5))" },
	{ "check-profile", 0, SJ_OPT_CHECK_PROFILE, A, "PROFILE", "check a profile, print the effective policy" },
	{ "print-filter", 0, SJ_OPT_PRINT_FILTER, 0, NULL, "print the seccomp filter the options produce" },
	{ "net", 0, SJ_OPT_NET, A | F, "none|host|veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX[,name=IFNAME]",
	  "network namespace (default none: only lo)" },
	{ "run-socket", 0, SJ_OPT_RUN_SOCKET, A | F | L, "PATH", "expose a /run socket or directory read-only" },
	{ "run-dir", 0, SJ_OPT_RUN_DIR, A | F | L, "PATH", "a writable /run directory for new sockets" },
	{ "pathname-bind", 0, SJ_OPT_PATHNAME_BIND, A | F, "any|run-dirs", "where pathname sockets may be bound" },
	{ "tmpfs", 0, SJ_OPT_TMPFS, A | F | L, "DIR", "mount an empty tmpfs on DIR" },
	{ "bind", 0, SJ_OPT_BIND, A | F | L, "SRC[:DST]", "bind-mount SRC read-write" },
	{ "ro-bind", 0, SJ_OPT_RO_BIND, A | F | L, "SRC[:DST]", "bind-mount SRC read-only" },
	{ "abstract", 0, SJ_OPT_ABSTRACT, A | F, "deny|allow|log", "bind() to abstract names (default deny)" },
	{ "abstract-allow", 0, SJ_OPT_ABSTRACT_ALLOW, A | F | L, "PATTERN", "abstract names bind() may use (@glob)" },
	{ "autobind", 0, SJ_OPT_AUTOBIND, A | F, "allow|deny", "kernel-chosen abstract names (default allow)" },
	{ "abstract-connect", 0, SJ_OPT_ABSTRACT_CONNECT, A | F, "allow|deny", "reach abstract sockets made outside" },
	{ "abstract-bridge", 0, SJ_OPT_ABSTRACT_BRIDGE, A | F | L, "PATTERN",
	  "connect() to these host abstract names" },
	{ "on-deny", 0, SJ_OPT_ON_DENY, A | F, "errno|kill", "refuse with EPERM or kill the sandbox" },
	{ "listen", 0, SJ_OPT_LISTEN, A | F | L, "SPEC[,name=FDNAME][,mode=OCTAL][,backlog=N]", "pre-bind a socket, pass it as LISTEN_FDS" },
	{ "uid", 0, SJ_OPT_UID, A | F, "USER|UID", "run COMMAND as USER (with its groups) or UID" },
	{ "gid", 0, SJ_OPT_GID, A | F, "GROUP|GID", "run COMMAND with this primary group" },
	{ "cap-keep", 0, SJ_OPT_CAP_KEEP, A | F | L, "CAP[,CAP...]", "capabilities COMMAND keeps (default none)" },
	{ "userns", 0, SJ_OPT_USERNS, F, NULL, "use a user namespace even as root" },
	{ "pid", 0, SJ_OPT_PID, A | F, "private|host", "host: do not unshare the PID namespace" },
	{ "chdir", 0, SJ_OPT_CHDIR, A | F, "DIR", "working directory of COMMAND" },
	{ "setenv", 0, SJ_OPT_SETENV, A | F | L, "NAME=VALUE", "set an environment variable" },
	{ "unsetenv", 0, SJ_OPT_UNSETENV, A | F | L, "NAME", "remove an environment variable" },
	{ "clearenv", 0, SJ_OPT_CLEARENV, F | L, NULL, "start from an empty environment" },
	{ "quiet", 'q', SJ_OPT_QUIET, F, NULL, "no stderr line per denied bind" },
	{ "audit", 0, SJ_OPT_AUDIT, A | F, "FILE", "JSON line per bind decision (- for stderr)" },
	{ "learn", 0, SJ_OPT_LEARN, A, "FILE", "write a profile allowing what COMMAND used" },
	{ "new-session", 0, SJ_OPT_NEW_SESSION, F, NULL, "new session, no controlling terminal" },
	{ "features", 0, SJ_OPT_FEATURES, 0, NULL, "kernel features sockjail uses or lacks" },
	/* Services. */
	{ "groups", 0, SJ_OPT_GROUPS, A | F, "GROUP[,GROUP...]", "supplementary groups (names or numbers)" },
	{ "wait", 0, SJ_OPT_WAIT, A | F, "command|all", "end with COMMAND, or with the last process" },
	{ "info-fd", 0, SJ_OPT_INFO_FD, A, "FD", "write pids and namespaces as JSON to FD" },
	{ "notify", 0, SJ_OPT_NOTIFY, A | F, "relay|none", "relay sd_notify(3) to $NOTIFY_SOCKET" },
	{ "other-sockets", 0, SJ_OPT_OTHER_SOCKETS, A | F, "hidden|visible", "the host's other sockets (default hidden)" },
	{ "show-socket", 0, SJ_OPT_SHOW_SOCKET, A | F | L, "PATH", "keep a socket (or directory) outside /run" },
	{ "exposure", 0, SJ_OPT_EXPOSURE, 0, NULL, "print what a sandbox could reach, then exit" },
	{ "json", 0, SJ_OPT_JSON, 0, NULL, "--exposure as one JSON document" },
	{ "gate-only", 0, SJ_OPT_GATE_ONLY, F, NULL, "no namespaces: bind gate, Landlock, caps only" },
	/* Restarts (issue 16). */
	{ "restart", 0, SJ_OPT_RESTART, A | F, "no|on-failure|always", "start COMMAND again when it exits" },
	{ "restart-sec", 0, SJ_OPT_RESTART_SEC, A | F, "SECONDS", "wait before a restart (default 1)" },
	{ "run-socket-optional", 0, SJ_OPT_RUN_SOCKET_OPTIONAL, A | F | L, "PATH", "a /run socket that may appear later" },
	{ "help", 'h', SJ_OPT_HELP, 0, NULL, "show this help" },
	{ "version", 0, SJ_OPT_VERSION, 0, NULL, "show the version" },
	{ NULL, 0, 0, 0, NULL, NULL },
};

#undef A
#undef F
#undef L

const struct sj_option *settings_option_by_name(const char *name)
{
	for (const struct sj_option *o = sj_options; o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

const struct sj_option *settings_option_by_id(int id)
{
	for (const struct sj_option *o = sj_options; o->name; o++)
		if (o->id == id)
			return o;
	return NULL;
}

void settings_init(struct sj_settings *s)
{
	*s = (struct sj_settings){ .info_fd = -1, .restart_sec_ms = 1000 };
}

void strv_free(struct sj_strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	*v = (struct sj_strv){ 0 };
}

int strv_push(struct sj_strv *v, const char *s)
{
	char *copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	char **nv = realloc(v->v, (v->n + 1) * sizeof(*nv));
	if (!nv) {
		free(copy);
		return -ENOMEM;
	}
	nv[v->n++] = copy;
	v->v = nv;
	return 0;
}

void settings_free(struct sj_settings *s)
{
	free(s->net_veth);
	strv_free(&s->run_sockets);
	strv_free(&s->run_dirs);
	for (size_t i = 0; i < s->n_mounts; i++) {
		free(s->mounts[i].src);
		free(s->mounts[i].dst);
	}
	free(s->mounts);
	strv_free(&s->abstract_allow);
	strv_free(&s->abstract_bridge);
	strv_free(&s->listen);
	free(s->chdir);
	for (size_t i = 0; i < s->n_env; i++) {
		free(s->env[i].name);
		free(s->env[i].value);
	}
	free(s->env);
	free(s->audit);
	free(s->learn);
	strv_free(&s->show_sockets);
	for (size_t i = 0; i < s->n_origins; i++) {
		free(s->origins[i].value);
		free(s->origins[i].where);
	}
	free(s->origins);
	free(s->uid_name);
	free(s->gid_name);
	strv_free(&s->groups);
	strv_free(&s->run_sockets_optional);
	*s = (struct sj_settings){ .info_fd = -1, .restart_sec_ms = 1000 };
}

/* path is dir or lies beneath it; both absolute and normalised. */
bool path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (strncmp(path, dir, n) != 0)
		return false;
	return path[n] == '\0' || path[n] == '/' || (n == 1 && dir[0] == '/');
}

static int fail(char *err, size_t errlen, int r, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, int r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return r;
}

/*
 * Absolute, no "." or ".." components, no empty components, no trailing
 * slash: the form the mount plan and the bind checks compare by prefix.
 */
static int check_abs_path(const char *p, char *err, size_t errlen)
{
	if (p[0] != '/')
		return fail(err, errlen, -EINVAL, "path must be absolute");
	if (strlen(p) >= 4096)
		return fail(err, errlen, -ENAMETOOLONG, "path too long");
	if (strcmp(p, "/") == 0)
		return 0;
	/* c points at the '/' before each component, the first one included. */
	for (const char *c = p; *c;) {
		const char *name = c + 1;
		const char *e = strchrnul(name, '/');
		size_t len = (size_t)(e - name);
		if (len == 0)
			return fail(err, errlen, -EINVAL, *e ? "path must not contain //" : "path must not end in /");
		if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
			return fail(err, errlen, -EINVAL, "path must not contain . or .. components");
		c = e;
	}
	return 0;
}

static int check_run_path(const char *p, char *err, size_t errlen)
{
	int r = check_abs_path(p, err, errlen);
	if (r < 0)
		return r;
	if (strcmp(p, "/run") == 0)
		return fail(err, errlen, -EINVAL, "must be below /run, not /run itself");
	if (!path_is_under(p, "/run"))
		return fail(err, errlen, -EINVAL, "not under /run");
	return 0;
}

/*
 * The form --run-socket and --run-dir are stored in: "/run/x/" is /run/x,
 * and /var/run/x is /run/x where /var/run is the symlink to /run that
 * Debian and most distributions make (the caller says whether it is).
 */
static int normalise_run_path(const struct sj_settings *s, const char *arg, char *out, size_t outlen, char *err,
			      size_t errlen)
{
	size_t n = strlen(arg);
	if (n >= outlen)
		return fail(err, errlen, -ENAMETOOLONG, "path too long");
	while (n > 1 && arg[n - 1] == '/')
		n--;
	if (path_is_under(arg, "/var/run")) {
		if (!s->var_run_is_run)
			return fail(err, errlen, -EINVAL, "not under /run (/var/run is not a symlink to /run here)");
		snprintf(out, outlen, "%.*s", (int)(n - 4), arg + 4);
	} else {
		snprintf(out, outlen, "%.*s", (int)n, arg);
	}
	return check_run_path(out, err, errlen);
}

static int choose(const char *arg, const char *const *words, int *out, char *err, size_t errlen)
{
	for (int i = 0; words[i]; i++)
		if (strcmp(arg, words[i]) == 0) {
			*out = i;
			return 0;
		}
	/* "expected deny, allow or log" */
	char list[128] = "";
	for (int i = 0; words[i]; i++) {
		const char *sep = i == 0 ? "" : words[i + 1] ? ", " : " or ";
		strncat(list, sep, sizeof(list) - strlen(list) - 1);
		strncat(list, words[i], sizeof(list) - strlen(list) - 1);
	}
	return fail(err, errlen, -EINVAL, "expected %s", list);
}

static int push_mount(struct sj_settings *s, enum sj_mount_kind kind, const char *arg, char *err, size_t errlen)
{
	_cleanup_free_ char *src = NULL, *dst = NULL;
	if (kind == SJ_MOUNT_TMPFS) {
		dst = strdup(arg);
	} else {
		const char *colon = strchr(arg, ':');
		src = colon ? strndup(arg, (size_t)(colon - arg)) : strdup(arg);
		dst = strdup(colon ? colon + 1 : arg);
		if (!src)
			return -ENOMEM;
	}
	if (!dst)
		return -ENOMEM;
	int r;
	if (src && (r = check_abs_path(src, err, errlen)) < 0)
		return r;
	if ((r = check_abs_path(dst, err, errlen)) < 0)
		return r;
	if (strcmp(dst, "/") == 0)
		return fail(err, errlen, -EINVAL, "cannot mount over /");
	struct sj_mount_req *nm = realloc(s->mounts, (s->n_mounts + 1) * sizeof(*nm));
	if (!nm)
		return -ENOMEM;
	s->mounts = nm;
	s->mounts[s->n_mounts++] = (struct sj_mount_req){ kind, TAKE_PTR(src), TAKE_PTR(dst) };
	return 0;
}

static int push_env(struct sj_settings *s, enum sj_env_kind kind, const char *arg, char *err, size_t errlen)
{
	_cleanup_free_ char *name = NULL, *value = NULL;
	if (kind == SJ_ENV_SET) {
		const char *eq = arg ? strchr(arg, '=') : NULL;
		if (!eq)
			return fail(err, errlen, -EINVAL, "expected NAME=VALUE");
		name = strndup(arg, (size_t)(eq - arg));
		value = strdup(eq + 1);
		if (!name || !value)
			return -ENOMEM;
	} else if (kind == SJ_ENV_UNSET) {
		name = strdup(arg);
		if (!name)
			return -ENOMEM;
		if (strchr(name, '='))
			return fail(err, errlen, -EINVAL, "a variable name cannot contain =");
	}
	if (name && name[0] == '\0')
		return fail(err, errlen, -EINVAL, "empty variable name");
	struct sj_env_op *ne = realloc(s->env, (s->n_env + 1) * sizeof(*ne));
	if (!ne)
		return -ENOMEM;
	s->env = ne;
	s->env[s->n_env++] = (struct sj_env_op){ kind, TAKE_PTR(name), TAKE_PTR(value) };
	return 0;
}

static int set_string(char **slot, const char *arg)
{
	char *c = strdup(arg);
	if (!c)
		return -ENOMEM;
	free(*slot);
	*slot = c;
	return 0;
}

/* --uid/--gid: a number now, or a name for identity_resolve() to look up. */
static int apply_id(struct sj_settings *s, bool is_uid, const char *arg, char *err, size_t errlen)
{
	unsigned n = 0;
	bool is_name;
	int r = identity_parse(arg, &n, &is_name, err, errlen);
	if (r < 0)
		return r;
	char *name = NULL;
	if (is_name && !(name = strdup(arg)))
		return -ENOMEM;
	char **slot = is_uid ? &s->uid_name : &s->gid_name;
	free(*slot);
	*slot = name;
	if (is_uid) {
		s->uid = n;
		s->uid_set = true;
	} else {
		s->gid = n;
		s->gid_set = true;
	}
	return 0;
}

int settings_apply(struct sj_settings *s, int id, const char *arg, char *err, size_t errlen)
{
	static const char *const net_words[] = { "none", "host", NULL };
	static const char *const abstract_words[] = { "deny", "allow", "log", NULL };
	static const char *const allow_deny[] = { "allow", "deny", NULL };
	static const char *const deny_allow[] = { "deny", "allow", NULL };
	static const char *const pb_words[] = { "any", "run-dirs", NULL };
	static const char *const on_deny_words[] = { "errno", "kill", NULL };
	static const char *const pid_words[] = { "private", "host", NULL };
	static const char *const wait_words[] = { "command", "all", NULL };
	static const char *const notify_words[] = { "relay", "none", NULL };
	const struct sj_option *o = settings_option_by_id(id);
	int r, v;

	if (!o)
		return fail(err, errlen, -EINVAL, "unknown option");
	if ((o->flags & SJ_OPTF_ARG) && !arg)
		return fail(err, errlen, -EINVAL, "needs an argument");
	if (!(o->flags & SJ_OPTF_ARG) && arg)
		return fail(err, errlen, -EINVAL, "takes no argument");

	switch (id) {
	case SJ_OPT_NET:
		if (strncmp(arg, "veth:", 5) == 0) {
			struct sj_veth_spec spec;
			if ((r = veth_spec_parse(arg + 5, &spec, err, errlen)) < 0)
				return r;
			if ((r = set_string(&s->net_veth, arg + 5)) < 0)
				return r;
			s->net = SJ_NET_VETH;
			s->net_private_set = true;
			return 0;
		}
		if ((r = choose(arg, net_words, &v, err, errlen)) < 0)
			return fail(err, errlen, r, "expected none, host or veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX");
		s->net = v == 0 ? SJ_NET_NONE : SJ_NET_HOST;
		s->net_private_set |= s->net == SJ_NET_NONE;
		free(s->net_veth);
		s->net_veth = NULL;
		return 0;
	case SJ_OPT_RUN_SOCKET:
	case SJ_OPT_RUN_DIR:
	case SJ_OPT_RUN_SOCKET_OPTIONAL: {
		char path[4096];
		if ((r = normalise_run_path(s, arg, path, sizeof(path), err, errlen)) < 0)
			return r;
		return strv_push(id == SJ_OPT_RUN_SOCKET ? &s->run_sockets
				 : id == SJ_OPT_RUN_DIR	 ? &s->run_dirs
							 : &s->run_sockets_optional,
				 path);
	}
	case SJ_OPT_PATHNAME_BIND:
		if ((r = choose(arg, pb_words, &v, err, errlen)) < 0)
			return r;
		s->pathname_bind = (enum sj_pathname_bind)v;
		return 0;
	case SJ_OPT_TMPFS:
		return push_mount(s, SJ_MOUNT_TMPFS, arg, err, errlen);
	case SJ_OPT_BIND:
		return push_mount(s, SJ_MOUNT_BIND, arg, err, errlen);
	case SJ_OPT_RO_BIND:
		return push_mount(s, SJ_MOUNT_RO_BIND, arg, err, errlen);
	case SJ_OPT_ABSTRACT:
		if ((r = choose(arg, abstract_words, &v, err, errlen)) < 0)
			return r;
		s->abstract = (enum sj_abstract)v;
		return 0;
	case SJ_OPT_ABSTRACT_ALLOW:
		if (arg[0] != '@')
			return fail(err, errlen, -EINVAL, "an abstract name pattern starts with @");
		return strv_push(&s->abstract_allow, arg);
	case SJ_OPT_AUTOBIND:
		if ((r = choose(arg, allow_deny, &v, err, errlen)) < 0)
			return r;
		s->autobind = (enum sj_autobind)v;
		return 0;
	case SJ_OPT_ABSTRACT_CONNECT:
		if ((r = choose(arg, deny_allow, &v, err, errlen)) < 0)
			return r;
		s->abstract_connect = (enum sj_abstract_connect)v;
		s->abstract_connect_set = true;
		return 0;
	case SJ_OPT_ON_DENY:
		if ((r = choose(arg, on_deny_words, &v, err, errlen)) < 0)
			return r;
		s->on_deny = (enum sj_on_deny)v;
		return 0;
	case SJ_OPT_LISTEN: {
		struct sj_listen_spec spec;
		if ((r = listen_spec_parse(arg, &spec, err, errlen)) < 0)
			return r;
		/* settings_validate() compares it with the --run-dirs by prefix. */
		if (spec.kind == SJ_LISTEN_UNIX)
			r = check_abs_path(spec.path, err, errlen);
		listen_spec_free(&spec);
		if (r < 0)
			return r;
		return strv_push(&s->listen, arg);
	}
	case SJ_OPT_UID:
	case SJ_OPT_GID:
		return apply_id(s, id == SJ_OPT_UID, arg, err, errlen);
	case SJ_OPT_GROUPS: {
		struct sj_strv g;
		if ((r = identity_parse_groups(arg, &g, err, errlen)) < 0)
			return r;
		strv_free(&s->groups);
		s->groups = g;
		s->groups_set = true;
		return 0;
	}
	case SJ_OPT_WAIT:
		if ((r = choose(arg, wait_words, &v, err, errlen)) < 0)
			return r;
		s->wait = (enum sj_wait)v;
		return 0;
	case SJ_OPT_INFO_FD: {
		unsigned n;
		/* 0-2 are COMMAND's stdio; the fd must be one sockjail inherited. */
		if (parse_uint32(arg, &n) < 0 || n < 3 || n > 1048576)
			return fail(err, errlen, -EINVAL, "expected a file descriptor number of 3 or more");
		s->info_fd = (int)n;
		return 0;
	}
	case SJ_OPT_NOTIFY:
		if ((r = choose(arg, notify_words, &v, err, errlen)) < 0)
			return r;
		s->notify = (enum sj_notify_mode)v;
		return 0;
	case SJ_OPT_CAP_KEEP: {
		uint64_t mask;
		if ((r = caps_parse_list(arg, &mask, err, errlen)) < 0)
			return r;
		s->cap_keep |= mask;
		return 0;
	}
	case SJ_OPT_USERNS:
		s->userns = true;
		return 0;
	case SJ_OPT_PID:
		if ((r = choose(arg, pid_words, &v, err, errlen)) < 0)
			return r;
		s->pid = (enum sj_pid)v;
		s->pid_private_set |= s->pid == SJ_PID_PRIVATE;
		return 0;
	case SJ_OPT_CHDIR:
		if (arg[0] == '\0')
			return fail(err, errlen, -EINVAL, "empty directory");
		return set_string(&s->chdir, arg);
	case SJ_OPT_SETENV:
		return push_env(s, SJ_ENV_SET, arg, err, errlen);
	case SJ_OPT_UNSETENV:
		return push_env(s, SJ_ENV_UNSET, arg, err, errlen);
	case SJ_OPT_CLEARENV:
		return push_env(s, SJ_ENV_CLEAR, NULL, err, errlen);
	case SJ_OPT_QUIET:
		s->quiet = true;
		return 0;
	case SJ_OPT_NEW_SESSION:
		s->new_session = true;
		return 0;
	case SJ_OPT_GATE_ONLY:
		/* sockjail's own network and PID namespaces, as with --net host --pid host. */
		s->gate_only = true;
		s->net = SJ_NET_HOST;
		s->pid = SJ_PID_HOST;
		return 0;
	case SJ_OPT_AUDIT:
	case SJ_OPT_LEARN:
		if (arg[0] == '\0')
			return fail(err, errlen, -EINVAL, "empty file name");
		return set_string(id == SJ_OPT_AUDIT ? &s->audit : &s->learn, arg);
	case SJ_OPT_OTHER_SOCKETS: {
		static const char *const os_words[] = { "hidden", "visible", NULL };
		if ((r = choose(arg, os_words, &v, err, errlen)) < 0)
			return r;
		s->other_sockets = (enum sj_other_sockets)v;
		s->other_sockets_set = true;
		return 0;
	}
	case SJ_OPT_SHOW_SOCKET:
		if ((r = check_abs_path(arg, err, errlen)) < 0)
			return r;
		return strv_push(&s->show_sockets, arg);
	case SJ_OPT_RESTART:
		if ((r = restart_parse_policy(arg, &v)) < 0)
			return fail(err, errlen, r, "expected no, on-failure or always");
		s->restart = (enum sj_restart)v;
		return 0;
	case SJ_OPT_ABSTRACT_BRIDGE:
		if (arg[0] != '@')
			return fail(err, errlen, -EINVAL, "an abstract name pattern starts with @, e.g. @/tmp/.X11-unix/X*");
		return strv_push(&s->abstract_bridge, arg);
	case SJ_OPT_RESTART_SEC: {
		unsigned ms;
		if ((r = restart_parse_seconds(arg, &ms)) < 0)
			return fail(err, errlen, r, "expected seconds from 0 to 3600, e.g. 1 or 0.25");
		s->restart_sec_ms = ms;
		return 0;
	}
	default:
		return fail(err, errlen, -EINVAL, "not a setting");
	}
}

int settings_validate(const struct sj_settings *s, char *err, size_t errlen)
{
	for (size_t i = 0; i < s->run_sockets.n; i++)
		for (size_t j = 0; j < s->run_dirs.n; j++)
			if (strcmp(s->run_sockets.v[i], s->run_dirs.v[j]) == 0)
				return fail(err, errlen, -EINVAL, "--run-dir %s: also given as --run-socket",
					    s->run_dirs.v[j]);
	for (size_t i = 0; i < s->listen.n; i++) {
		struct sj_listen_spec spec;
		bool inside = false;
		int r = listen_spec_parse(s->listen.v[i], &spec, NULL, 0);
		if (r < 0)
			return fail(err, errlen, r, "--listen %s: %s", s->listen.v[i], strerror(-r));
		/* /run is read-only in the sandbox except for the --run-dirs. */
		for (size_t j = 0; spec.kind == SJ_LISTEN_UNIX && j < s->run_dirs.n && !inside; j++)
			inside = path_is_under(spec.path, s->run_dirs.v[j]) && strcmp(spec.path, s->run_dirs.v[j]) != 0;
		bool is_unix = spec.kind == SJ_LISTEN_UNIX;
		listen_spec_free(&spec);
		if (is_unix && !inside)
			return fail(err, errlen, -EINVAL, "--listen %s: the socket must be inside a --run-dir",
				    s->listen.v[i]);
	}
	/*
	 * Without a PID namespace, killing "the sandbox" would kill only
	 * COMMAND's first process: the offender, if a descendant, would get
	 * ENOSYS and live on. Refused rather than half done.
	 */
	if (s->on_deny == SJ_ON_DENY_KILL && s->pid == SJ_PID_HOST)
		return fail(err, errlen, -EINVAL,
			    "--on-deny kill cannot be combined with %s (it needs the PID namespace to kill "
			    "every process of the sandbox); use --on-deny errno%s",
			    s->gate_only ? "--gate-only" : "--pid host", s->gate_only ? "" : " or --pid private");
	if (s->gate_only) {
		const char *need = s->run_sockets.n ? "--run-socket"
				   : s->run_dirs.n  ? "--run-dir"
				   : s->n_mounts    ? (s->mounts[0].kind == SJ_MOUNT_TMPFS ? "--tmpfs"
						       : s->mounts[0].kind == SJ_MOUNT_BIND ? "--bind"
											    : "--ro-bind")
				   : s->net_private_set ? "--net none|veth"
				   : s->pid_private_set ? "--pid private"
				   : s->userns	    ? "--userns"
				   : s->wait == SJ_WAIT_ALL ? "--wait all"
				   : s->other_sockets_set && s->other_sockets == SJ_OTHER_SOCKETS_HIDDEN ? "--other-sockets hidden"
						    : NULL;
		if (need)
			return fail(err, errlen, -EINVAL,
				    "--gate-only: %s needs a namespace of its own, which --gate-only does not create",
				    need);
	}
	if (s->wait == SJ_WAIT_ALL && s->pid == SJ_PID_HOST)
		return fail(err, errlen, -EINVAL,
			    "--wait all: needs the sandbox's own PID namespace to find the processes; drop --pid host");
	if (s->restart != SJ_RESTART_NO && (s->pid == SJ_PID_HOST || s->gate_only))
		return fail(err, errlen, -EINVAL, "--restart: restarts are run by the sandbox's own init; drop %s",
			    s->gate_only ? "--gate-only" : "--pid host");
	for (size_t i = 0; i < s->run_sockets_optional.n; i++) {
		const char *p = s->run_sockets_optional.v[i];
		if (s->gate_only)
			return fail(err, errlen, -EINVAL,
				    "--gate-only: --run-socket-optional needs a namespace of its own, which --gate-only "
				    "does not create");
		for (size_t j = 0; j < s->run_dirs.n; j++)
			if (path_is_under(p, s->run_dirs.v[j]) || path_is_under(s->run_dirs.v[j], p))
				return fail(err, errlen, -EINVAL, "--run-socket-optional %s: overlaps --run-dir %s", p,
					    s->run_dirs.v[j]);
		for (size_t j = 0; j < s->run_sockets.n; j++)
			if (strcmp(p, s->run_sockets.v[j]) == 0)
				return fail(err, errlen, -EINVAL, "--run-socket-optional %s: also given as --run-socket", p);
	}
	if (s->restart != SJ_RESTART_NO && s->wait == SJ_WAIT_ALL)
		return fail(err, errlen, -EINVAL,
			    "--restart: a restart ends what the previous COMMAND left; drop --wait all");
	if (s->learn && s->abstract != SJ_ABSTRACT_LOG && s->abstract != SJ_ABSTRACT_DENY)
		return fail(err, errlen, -EINVAL, "--learn %s: cannot be combined with --abstract allow", s->learn);
	return 0;
}

int settings_note_origin(struct sj_settings *s, int id, const char *arg, const char *file, unsigned line)
{
	_cleanup_free_ char *value = NULL, *where = NULL;
	char path[4096];

	if (!arg)
		return 0;
	/* The value as stored, which is what later messages have in hand. */
	if ((id == SJ_OPT_RUN_SOCKET || id == SJ_OPT_RUN_DIR) &&
	    normalise_run_path(s, arg, path, sizeof(path), NULL, 0) == 0)
		value = strdup(path);
	else if (id == SJ_OPT_BIND || id == SJ_OPT_RO_BIND)
		value = strndup(arg, strcspn(arg, ":"));
	else
		value = strdup(arg);
	if (!value)
		return -ENOMEM;
	if (asprintf(&where, "%s:%u", file, line) < 0) {
		where = NULL;
		return -ENOMEM;
	}
	struct sj_origin *no = realloc(s->origins, (s->n_origins + 1) * sizeof(*no));
	if (!no)
		return -ENOMEM;
	s->origins = no;
	s->origins[s->n_origins++] = (struct sj_origin){ id, TAKE_PTR(value), TAKE_PTR(where) };
	return 0;
}

const char *settings_describe(const struct sj_settings *s, int id, const char *value, char *buf, size_t len)
{
	const struct sj_option *o = settings_option_by_id(id);
	const char *name = o ? o->name : "?";

	/* The last one: a later profile line giving the same value is the one in force. */
	for (size_t i = s->n_origins; i-- > 0;)
		if (s->origins[i].id == id && strcmp(s->origins[i].value, value) == 0) {
			snprintf(buf, len, "%s: %s %s", s->origins[i].where, name, value);
			return buf;
		}
	snprintf(buf, len, "--%s %s", name, value);
	return buf;
}
