/* SPDX-License-Identifier: MIT */
/*
 * One settings structure for the command line and for profiles. Both fill
 * it through settings_apply(), so each option's rules exist exactly once.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum sj_net { SJ_NET_NONE, SJ_NET_HOST, SJ_NET_VETH };
enum sj_abstract { SJ_ABSTRACT_DENY, SJ_ABSTRACT_ALLOW, SJ_ABSTRACT_LOG };
enum sj_autobind { SJ_AUTOBIND_ALLOW, SJ_AUTOBIND_DENY };
enum sj_pathname_bind { SJ_PATHNAME_BIND_ANY, SJ_PATHNAME_BIND_RUN_DIRS };
enum sj_on_deny { SJ_ON_DENY_ERRNO, SJ_ON_DENY_KILL };
enum sj_abstract_connect { SJ_ABSTRACT_CONNECT_DENY, SJ_ABSTRACT_CONNECT_ALLOW };
enum sj_pid { SJ_PID_PRIVATE, SJ_PID_HOST };
enum sj_other_sockets { SJ_OTHER_SOCKETS_HIDDEN, SJ_OTHER_SOCKETS_VISIBLE };
enum sj_wait { SJ_WAIT_COMMAND, SJ_WAIT_ALL };
enum sj_notify_mode { SJ_NOTIFY_RELAY, SJ_NOTIFY_NONE };
enum sj_restart { SJ_RESTART_NO, SJ_RESTART_ON_FAILURE, SJ_RESTART_ALWAYS };

/* A growable list of owned strings. */
struct sj_strv {
	char **v;
	size_t n;
};

/* --tmpfs, --bind and --ro-bind keep their relative order. */
enum sj_mount_kind { SJ_MOUNT_TMPFS, SJ_MOUNT_BIND, SJ_MOUNT_RO_BIND };
struct sj_mount_req {
	enum sj_mount_kind kind;
	char *src; /* NULL for tmpfs */
	char *dst;
};

/* --setenv, --unsetenv and --clearenv keep their relative order. */
enum sj_env_kind { SJ_ENV_SET, SJ_ENV_UNSET, SJ_ENV_CLEAR };
struct sj_env_op {
	enum sj_env_kind kind;
	char *name;  /* NULL for clear */
	char *value; /* SET only */
};

struct sj_settings {
	enum sj_net net;
	char *net_veth; /* the text after "veth:", validated */

	struct sj_strv run_sockets;
	struct sj_strv run_dirs;
	enum sj_pathname_bind pathname_bind;
	struct sj_mount_req *mounts;
	size_t n_mounts;

	enum sj_abstract abstract;
	struct sj_strv abstract_allow; /* patterns, '@'-escaped form */
	enum sj_autobind autobind;
	enum sj_abstract_connect abstract_connect;
	bool abstract_connect_set; /* given explicitly: failing is an error */
	enum sj_on_deny on_deny;
	struct sj_strv abstract_bridge; /* --abstract-bridge patterns, '@'-escaped form */

	struct sj_strv listen; /* validated SPECs */

	bool uid_set, gid_set;
	uid_t uid;
	gid_t gid;
	uint64_t cap_keep; /* bit N = capability N */
	bool userns;
	enum sj_pid pid;

	char *chdir;
	struct sj_env_op *env;
	size_t n_env;

	bool quiet;
	char *audit; /* NULL, a path, or "-" for stderr */
	char *learn;
	bool new_session; /* setsid() for COMMAND */

	/* --gate-only: no namespaces; what needs one, given explicitly, is refused. */
	bool gate_only;
	bool net_private_set; /* --net none|veth given */
	bool pid_private_set; /* --pid private given */

	/* Set by the caller: /var/run is a symlink to /run on this host (util.h). */
	bool var_run_is_run;

	/* Which profile line gave which value, for messages after parsing. */
	struct sj_origin *origins;
	size_t n_origins;

	/* Services (identity names, --wait, --info-fd, --notify). */
	char *uid_name;          /* --uid USER (uid_set too): looked up by identity_resolve() */
	char *gid_name;          /* --gid GROUP */
	struct sj_strv groups;   /* --groups items, names or numbers, as given */
	bool groups_set;         /* --groups given (an empty list is not possible) */
	enum sj_wait wait;
	int info_fd;             /* -1: none */
	enum sj_notify_mode notify;

	/* --other-sockets, --show-socket: the host's sockets outside /run. */
	enum sj_other_sockets other_sockets;
	bool other_sockets_set; /* given explicitly */
	struct sj_strv show_sockets;
	/* --restart, --restart-sec (milliseconds; settings_init() sets 1000) */
	enum sj_restart restart;
	unsigned restart_sec_ms;
	struct sj_strv run_sockets_optional; /* --run-socket-optional */
};

/* A value a profile gave: "FILE:LINE", the option and its value as stored. */
struct sj_origin {
	int id;
	char *value;
	char *where;
};

/* Option ids: the short option letter where there is one. */
enum sj_opt_id {
	SJ_OPT_QUIET = 'q',
	SJ_OPT_PROFILE = 'p',
	SJ_OPT_HELP = 'h',
	SJ_OPT_BASE = 256,
	SJ_OPT_CHECK_PROFILE,
	SJ_OPT_PRINT_FILTER,
	SJ_OPT_VERSION,
	SJ_OPT_NET,
	SJ_OPT_RUN_SOCKET,
	SJ_OPT_RUN_DIR,
	SJ_OPT_PATHNAME_BIND,
	SJ_OPT_TMPFS,
	SJ_OPT_BIND,
	SJ_OPT_RO_BIND,
	SJ_OPT_ABSTRACT,
	SJ_OPT_ABSTRACT_ALLOW,
	SJ_OPT_AUTOBIND,
	SJ_OPT_ABSTRACT_CONNECT,
	SJ_OPT_ON_DENY,
	SJ_OPT_LISTEN,
	SJ_OPT_UID,
	SJ_OPT_GID,
	SJ_OPT_CAP_KEEP,
	SJ_OPT_USERNS,
	SJ_OPT_PID,
	SJ_OPT_CHDIR,
	SJ_OPT_SETENV,
	SJ_OPT_UNSETENV,
	SJ_OPT_CLEARENV,
	SJ_OPT_AUDIT,
	SJ_OPT_LEARN,
	SJ_OPT_NEW_SESSION,
	SJ_OPT_FEATURES,
	/* Services. */
	SJ_OPT_GROUPS,
	SJ_OPT_WAIT,
	SJ_OPT_INFO_FD,
	SJ_OPT_NOTIFY,
	/* --other-sockets, --show-socket, --exposure. */
	SJ_OPT_OTHER_SOCKETS,
	SJ_OPT_SHOW_SOCKET,
	SJ_OPT_EXPOSURE,
	SJ_OPT_JSON,
	SJ_OPT_GATE_ONLY,
	/* Restarts (issue 16). */
	SJ_OPT_RESTART,
	SJ_OPT_RESTART_SEC,
	SJ_OPT_RUN_SOCKET_OPTIONAL,
	/* The abstract bridge (issue 18). */
	SJ_OPT_ABSTRACT_BRIDGE,
};

#define SJ_OPTF_ARG 0x1      /* takes an argument */
#define SJ_OPTF_IN_FILE 0x2  /* may appear in a profile */
#define SJ_OPTF_LIST 0x4     /* accumulates rather than overrides */

struct sj_option {
	const char *name; /* long name, also the profile directive */
	char short_name;  /* 0 if none */
	int id;
	unsigned flags;
	const char *arg;  /* metavariable for --help, NULL if no argument */
	const char *help; /* one line for --help */
};

/* Every option sockjail knows, terminated by a zeroed entry. */
extern const struct sj_option sj_options[];

const struct sj_option *settings_option_by_name(const char *name);
const struct sj_option *settings_option_by_id(int id);

void settings_init(struct sj_settings *s);
void settings_free(struct sj_settings *s);

/*
 * Apply one option with its argument (NULL for flags). On failure returns a
 * negative errno and writes a one-line reason (without the option name) to
 * err; the settings are unchanged.
 */
int settings_apply(struct sj_settings *s, int id, const char *arg, char *err, size_t errlen);

/*
 * Checks that need the whole set (conflicts between options). Returns 0 or a
 * negative errno with the reason in err.
 */
int settings_validate(const struct sj_settings *s, char *err, size_t errlen);

/*
 * Note that arg, just applied for option id, came from file:line, so that
 * an error found later (a --run-socket missing on the host) names the
 * profile line rather than an option the user never typed. Returns 0 or
 * -ENOMEM.
 */
int settings_note_origin(struct sj_settings *s, int id, const char *arg, const char *file, unsigned line);

/*
 * How a message names the setting id with its stored value (a --run-socket
 * path, a --bind SRC): "FILE:LINE: run-socket PATH" when a profile gave it,
 * else "--run-socket PATH". Returns buf.
 */
const char *settings_describe(const struct sj_settings *s, int id, const char *value, char *buf, size_t len);

/* Small helpers shared by the parsers. */
int strv_push(struct sj_strv *v, const char *s);
void strv_free(struct sj_strv *v);
bool path_is_under(const char *path, const char *dir);
