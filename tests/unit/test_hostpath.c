// SPDX-License-Identifier: MIT
/*
 * The pure parts of host path handling: normalising, the path walked
 * next after a symlink, splitting off the last component, which symlinks
 * a walk may follow, and the message for each reason a walk stops.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "hostpath.h"

static void assert_norm(const char *in, const char *want)
{
	char out[PATH_MAX];
	int r = hostpath_normalize(in, out, sizeof(out));
	if (r != 0)
		fail_msg("'%s' refused: %d", in, r);
	assert_string_equal(out, want);
}

static void test_normalize(void **state)
{
	(void)state;
	assert_norm("/", "/");
	assert_norm("//", "/");
	assert_norm("/run", "/run");
	assert_norm("/run/", "/run");
	assert_norm("/run//x///y/", "/run/x/y");
	assert_norm("/run/./x/.", "/run/x");
	assert_norm("/run/x/../y", "/run/y");
	assert_norm("/run/x/y/../../z", "/run/z");
	/* ".." at the root stays there, as the kernel resolves it. */
	assert_norm("/..", "/");
	assert_norm("/../../run", "/run");
	assert_norm("/run/..", "/");
	/* Names that only look like dots are names. */
	assert_norm("/run/...", "/run/...");
	assert_norm("/run/.x/..y", "/run/.x/..y");
}

static void test_normalize_refuses(void **state)
{
	(void)state;
	char out[PATH_MAX], small[8];
	assert_int_equal(hostpath_normalize("run/x", out, sizeof(out)), -EINVAL);
	assert_int_equal(hostpath_normalize("", out, sizeof(out)), -EINVAL);
	assert_int_equal(hostpath_normalize("./run", out, sizeof(out)), -EINVAL);
	assert_int_equal(hostpath_normalize(NULL, out, sizeof(out)), -EINVAL);
	assert_int_equal(hostpath_normalize("/run/abcdef", small, sizeof(small)), -ENAMETOOLONG);
	/* Exactly fitting: "/run/ab" and its NUL in 8 bytes. */
	assert_int_equal(hostpath_normalize("/run/ab", small, sizeof(small)), 0);
	assert_string_equal(small, "/run/ab");
	/* What .. removes does not count against the space. */
	assert_int_equal(hostpath_normalize("/a/../run/ab/", small, sizeof(small)), 0);
	assert_string_equal(small, "/run/ab");
}

static void assert_follow(const char *dir, const char *target, const char *rest, const char *want)
{
	char out[PATH_MAX];
	int r = hostpath_follow_link(dir, target, rest, out, sizeof(out));
	if (r != 0)
		fail_msg("%s + %s + %s refused: %d", dir, target, rest, r);
	assert_string_equal(out, want);
}

static void test_follow_link(void **state)
{
	(void)state;
	/* /var/run -> /run, as Debian has it, and the older relative form. */
	assert_follow("/var", "/run", "user/1000/app", "/run/user/1000/app");
	assert_follow("/var", "../run", "user/1000/app", "/run/user/1000/app");
	/* The link was the last component. */
	assert_follow("/run", "real", "", "/run/real");
	assert_follow("/run/a", "/srv/sock/", "", "/srv/sock");
	/* Relative targets start from the link's directory; .. cannot climb past /. */
	assert_follow("/run/a/b", "../../c/./d", "e", "/run/c/d/e");
	assert_follow("/", "../../../etc", "x", "/etc/x");
	assert_follow("/run", "x//y", "z/", "/run/x/y/z");
}

static void test_follow_link_refuses(void **state)
{
	(void)state;
	char out[PATH_MAX], small[8];
	assert_int_equal(hostpath_follow_link("/run", "", "x", out, sizeof(out)), -EINVAL);
	assert_int_equal(hostpath_follow_link("/run", "/averylongtarget", "", small, sizeof(small)), -ENAMETOOLONG);
}

static void test_symlink_acceptable(void **state)
{
	(void)state;
	struct stat st = { .st_mode = S_IFLNK | 0777, .st_uid = 0, .st_gid = 0 };
	assert_true(hostpath_symlink_acceptable(&st));
	/* Owned by anyone else: they could point it anywhere, whatever its group. */
	st.st_uid = 1000;
	assert_false(hostpath_symlink_acceptable(&st));
	st.st_uid = 65534;
	assert_false(hostpath_symlink_acceptable(&st));
	st.st_uid = 1000;
	st.st_gid = 0;
	assert_false(hostpath_symlink_acceptable(&st));
	/* Root's group is not root. */
	st.st_uid = 1;
	assert_false(hostpath_symlink_acceptable(&st));
	/* Only symlinks are followed at all. */
	struct stat dir = { .st_mode = S_IFDIR | 0755, .st_uid = 0 };
	assert_false(hostpath_symlink_acceptable(&dir));
}

static void assert_split(const char *path, const char *dir, const char *name)
{
	char d[PATH_MAX];
	const char *n = NULL;
	assert_int_equal(hostpath_split(path, d, sizeof(d), &n), 0);
	assert_string_equal(d, dir);
	assert_string_equal(n, name);
}

static void test_split(void **state)
{
	(void)state;
	assert_split("/run/x/a.sock", "/run/x", "a.sock");
	assert_split("/run", "/", "run");
	assert_split("/a", "/", "a");
	char d[4];
	const char *n = "unchanged";
	assert_int_equal(hostpath_split("/", d, sizeof(d), &n), -EINVAL);
	assert_string_equal(n, "unchanged");
	assert_int_equal(hostpath_split("/run/x/y", d, sizeof(d), &n), -ENAMETOOLONG);
}

static void assert_msg(const struct sj_hostpath_error *e, const char *want)
{
	char buf[PATH_MAX + 256];
	hostpath_error_format(e, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_null(strchr(buf, '\n'));
}

/* The paths that mean one of sockjail's own fds (--audit, --learn). */
static void test_own_fd(void **state)
{
	assert_int_equal(hostpath_own_fd("/dev/stdout"), 1);
	assert_int_equal(hostpath_own_fd("/dev/stderr"), 2);
	assert_int_equal(hostpath_own_fd("/dev/fd/0"), 0);
	assert_int_equal(hostpath_own_fd("/dev/fd/63"), 63);
	assert_int_equal(hostpath_own_fd("/proc/self/fd/7"), 7);
	assert_int_equal(hostpath_own_fd("/dev/fd/"), -1);
	assert_int_equal(hostpath_own_fd("/dev/fd/3x"), -1);
	assert_int_equal(hostpath_own_fd("/dev/fd/-1"), -1);
	assert_int_equal(hostpath_own_fd("/dev/fd/99999999999"), -1);
	assert_int_equal(hostpath_own_fd("/dev/fd/3/x"), -1);
	assert_int_equal(hostpath_own_fd("/proc/1/fd/2"), -1);
	assert_int_equal(hostpath_own_fd("/dev/stdin"), -1);
	assert_int_equal(hostpath_own_fd("/tmp/dev/stderr"), -1);
	assert_int_equal(hostpath_own_fd("audit.json"), -1);
}

static void test_messages(void **state)
{
	(void)state;
	struct sj_hostpath_error e = { .reason = SJ_HOSTPATH_SYMLINK_OWNER, .owner = 1000 };
	strcpy(e.at, "/run/user/1000/l");
	assert_msg(&e, "/run/user/1000/l is a symlink owned by uid 1000, not root; sockjail follows only "
		       "root's symlinks on the host: give the path it should resolve to");

	e = (struct sj_hostpath_error){ .reason = SJ_HOSTPATH_LOOKUP, .err = ENOENT };
	strcpy(e.at, "/run/nope");
	assert_msg(&e, "/run/nope: No such file or directory");

	e = (struct sj_hostpath_error){ .reason = SJ_HOSTPATH_NOT_DIR };
	strcpy(e.at, "/run/file");
	assert_msg(&e, "/run/file: Not a directory");

	e = (struct sj_hostpath_error){ .reason = SJ_HOSTPATH_TYPE, .type = S_IFREG };
	strcpy(e.at, "/run/x/secret");
	assert_msg(&e, "/run/x/secret is a regular file, not a socket or a directory");
	e.type = S_IFIFO;
	assert_msg(&e, "/run/x/secret is a FIFO, not a socket or a directory");

	e = (struct sj_hostpath_error){ .reason = SJ_HOSTPATH_REPLACED };
	strcpy(e.at, "/run/u/app");
	assert_msg(&e, "/run/u/app was replaced between its creation and its use (someone else can write to "
		       "its parent directory); refusing to use it: create it yourself, or pick a directory "
		       "only root can write to");

	e = (struct sj_hostpath_error){ .reason = SJ_HOSTPATH_LOOP };
	strcpy(e.at, "/run/a");
	assert_msg(&e, "more than 40 symlinks to follow at /run/a: Too many levels of symbolic links");

	e = (struct sj_hostpath_error){ .reason = SJ_HOSTPATH_CREATE, .err = EACCES };
	strcpy(e.at, "/run/a");
	assert_msg(&e, "creating /run/a: Permission denied");

	e = (struct sj_hostpath_error){ .reason = SJ_HOSTPATH_SET_OWNER, .err = EPERM };
	strcpy(e.at, "/run/a");
	assert_msg(&e, "setting the owner and mode of /run/a: Operation not permitted");

	e = (struct sj_hostpath_error){ .reason = SJ_HOSTPATH_SYMLINK };
	strcpy(e.at, "/run/a");
	assert_msg(&e, "/run/a became a symlink after sockjail checked the path; refusing to follow it");

	e = (struct sj_hostpath_error){ .reason = SJ_HOSTPATH_INVALID };
	assert_msg(&e, "not an absolute path of at most 4095 bytes");

	/* A short buffer truncates, never overflows. */
	char small[10];
	e = (struct sj_hostpath_error){ .reason = SJ_HOSTPATH_NOT_DIR };
	strcpy(e.at, "/run/a/very/long/path");
	hostpath_error_format(&e, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_normalize_refuses),
		cmocka_unit_test(test_follow_link),
		cmocka_unit_test(test_follow_link_refuses),
		cmocka_unit_test(test_symlink_acceptable),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_own_fd),
		cmocka_unit_test(test_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
