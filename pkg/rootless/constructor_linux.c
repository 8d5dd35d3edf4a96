//go:build linux && cgo

// The constructor below runs before the Go runtime starts its threads, which
// is the only moment a process can still setns(CLONE_NEWUSER). It either
// joins the namespaces held by the user's pause process (the hot path: no
// fork, no re-exec), or, when started with _PM_PAUSE=1, becomes that pause
// process and never returns to Go.

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

// Read by Go (see cgo_linux.go).
int pm_rootless_uid = -1;      // the user's uid outside the namespace
int pm_rootless_gid = -1;      // the user's gid outside the namespace
int pm_rootless_joined;        // 1 when running inside the pause process's namespaces
int pm_rootless_pause_pid;     // pid of the pause process joined, if known
int pm_rootless_join_errno;    // errno of a failed join attempt
const char *pm_rootless_join_step; // what failed, or NULL

#define PAUSE_NAME "pm-pause"

static void join_failed(const char *step)
{
	pm_rootless_join_errno = errno;
	pm_rootless_join_step = step;
}

// runtime_dir mirrors RuntimeDir in Go for an existing directory: it does not
// create anything; when the directory is missing Go creates it later.
static int runtime_dir(uid_t uid, char *buf, size_t n)
{
	struct stat st;
	const char *x = getenv("XDG_RUNTIME_DIR");

	if (x != NULL && x[0] == '/' && stat(x, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid) {
		if ((size_t)snprintf(buf, n, "%s", x) >= n)
			return -1;
		return 0;
	}
	snprintf(buf, n, "/tmp/pm-run-%u", (unsigned)uid);
	if (lstat(buf, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid)
		return 0;
	return -1;
}

static int read_pid(const char *path)
{
	char buf[32];
	ssize_t n;
	long pid;
	char *end;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || pid <= 0 || pid > INT_MAX)
		return -1;
	return (int)pid;
}

// is_our_pause reports whether pid is a live pause process of this user in
// another user namespace than ours.
static int is_our_pause(int pid, uid_t uid)
{
	char path[64], comm[32];
	struct stat st, self, other;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d", pid);
	if (stat(path, &st) < 0 || st.st_uid != uid)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	comm[n] = '\0';
	if (strcmp(comm, PAUSE_NAME "\n") != 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
	if (stat(path, &other) < 0 || stat("/proc/self/ns/user", &self) < 0)
		return 0;
	return self.st_ino != other.st_ino || self.st_dev != other.st_dev;
}

static void set_env_int(const char *key, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	setenv(key, buf, 1);
}

static void try_join(uid_t uid, gid_t gid)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], cwd[PATH_MAX];
	int pid, ufd, mfd, have_cwd;

	if (runtime_dir(uid, dir, sizeof(dir)) < 0)
		return;
	snprintf(path, sizeof(path), "%s/pm/pause.pid", dir);
	pid = read_pid(path);
	if (pid < 0 || !is_our_pause(pid, uid))
		return; // none or stale: Go starts a new one
	pm_rootless_pause_pid = pid;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
	ufd = open(path, O_RDONLY | O_CLOEXEC);
	if (ufd < 0) {
		join_failed("opening the user namespace of the pause process");
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	mfd = open(path, O_RDONLY | O_CLOEXEC);
	if (mfd < 0) {
		join_failed("opening the mount namespace of the pause process");
		close(ufd);
		return;
	}
	have_cwd = getcwd(cwd, sizeof(cwd)) != NULL;
	if (setns(ufd, CLONE_NEWUSER) < 0) {
		join_failed("joining the user namespace of the pause process");
		close(ufd);
		close(mfd);
		return;
	}
	close(ufd);
	if (setns(mfd, CLONE_NEWNS) < 0) {
		// Half joined: there is no way back into the old user namespace.
		fprintf(stderr, "Error: joining the mount namespace of pause process %d: %s\n", pid, strerror(errno));
		_exit(125);
	}
	close(mfd);
	if (!have_cwd || chdir(cwd) < 0) {
		if (chdir("/") < 0) {
			// Nothing sensible left to do; the command reports its own errors.
		}
	}
	// Our uid and gid map to 0; make every id say so.
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
		fprintf(stderr, "Error: becoming root in the user namespace: %s\n", strerror(errno));
		_exit(125);
	}
	setenv("_CONTAINERS_USERNS_CONFIGURED", "done", 1);
	set_env_int("_CONTAINERS_ROOTLESS_UID", uid);
	set_env_int("_CONTAINERS_ROOTLESS_GID", gid);
	set_env_int("_PM_USERNS_JOINED", pid);
	pm_rootless_joined = 1;
}

// identity_map reports whether /proc/self/uid_map is the initial namespace's.
static int identity_map(void)
{
	char buf[128];
	unsigned long a, b, c;
	ssize_t n;
	int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	return sscanf(buf, "%lu %lu %lu", &a, &b, &c) == 3 && a == 0 && b == 0 && c == 4294967295UL;
}

// fail_ready tells the parent on fd 4 why the pause process gives up.
static void fail_ready(const char *step)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "E%s: %s", step, strerror(errno));

	if (n > 0 && write(4, buf, (size_t)n) < 0)
		_exit(1);
	_exit(1);
}

// pause_wait_maps is the first stage of the pause process. It was exec'd
// before the parent wrote its id maps, so it runs without capabilities; once
// the maps are there it execs itself again to become root of the namespace.
static void pause_wait_maps(void)
{
	char *argv[] = {PAUSE_NAME, NULL};
	char c;
	ssize_t n;

	// fd 3: the parent writes one byte once the id maps are written.
	do
		n = read(3, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(1);
	close(3);
	setenv("_PM_PAUSE", "2", 1);
	execv("/proc/self/exe", argv);
	fail_ready("re-executing the pause process");
}

// hide_unified_cgroup covers a cgroup v1 host's cgroup2 mount at
// /sys/fs/cgroup/unified (the "hybrid" layout, which crun 1.8 refuses) with
// an empty read-only tmpfs. The mount lives in the pause process's private
// mount namespace only, the one every pm of this user joins: the host keeps
// its layout. Rootless containers get no cgroups on v1 anyway. A failure is
// not fatal: pm then finds crun unusable and says why.
static void hide_unified_cgroup(void)
{
	struct statfs root, unified;

	if (statfs("/sys/fs/cgroup", &root) < 0 || root.f_type == CGROUP2_SUPER_MAGIC)
		return;
	if (statfs("/sys/fs/cgroup/unified", &unified) < 0 || unified.f_type != CGROUP2_SUPER_MAGIC)
		return;
	(void)mount("tmpfs", "/sys/fs/cgroup/unified", "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0555,size=4k");
}

// pause_main is the rest of the life of the pause process: it holds the user
// and mount namespaces it was cloned into and does nothing else.
static void pause_main(void)
{
	sigset_t none;

	prctl(PR_SET_NAME, PAUSE_NAME, 0, 0, 0);
	if (mount("", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail_ready("making / private");
	hide_unified_cgroup();
	if (chdir("/") < 0)
		fail_ready("changing to /");
	// fd 4: readiness, or the reason there is none.
	if (write(4, "R", 1) != 1)
		_exit(1);
	close(4);
	if (syscall(SYS_close_range, 3, ~0U, 0) < 0) {
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	}
	// SIGTERM and SIGINT end it, even if the invoking shell ignored them.
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (;;)
		pause();
}

// The exit command pm gives conmon ends with "container cleanup
// --exit-claim FILE ID". When a waiting pm claimed the cleanup (libpod's
// CleanupClaim), it waits here for that pm to let go, and ends at once
// when the file says "done": before the Go runtime and pm's packages
// start, which would cost more than all the rest. Otherwise Go takes
// over and runs CleanedByClaimant's full steps.
static void exit_claim_fast_path(int argc, char **argv)
{
	char buf[4];
	ssize_t n;
	int fd;

	if (argv == NULL || argc < 6 || strcmp(argv[argc - 5], "container") != 0 ||
	    strcmp(argv[argc - 4], "cleanup") != 0 || strcmp(argv[argc - 3], "--exit-claim") != 0)
		return;
	fd = open(argv[argc - 2], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			close(fd);
			return;
		}
	}
	n = pread(fd, buf, sizeof buf, 0);
	if (n == (ssize_t)sizeof buf && memcmp(buf, "done", sizeof buf) == 0)
		_exit(0);
	close(fd);
}

// glibc hands ELF constructors the program's arguments.
__attribute__((constructor)) static void pm_rootless_init(int argc, char **argv, char **envp)
{
	const char *v = getenv("_PM_PAUSE");
	uid_t euid = geteuid();
	gid_t egid = getegid();

	(void)envp;
	exit_claim_fast_path(argc, argv);

	if (v != NULL && strcmp(v, "1") == 0)
		pause_wait_maps();
	if (v != NULL && strcmp(v, "2") == 0)
		pause_main();

	pm_rootless_uid = (int)euid;
	pm_rootless_gid = (int)egid;
	if (euid == 0) {
		// Root on the host, or a child of a joined pm (conmon's exit
		// command, a shell of pm unshare) that inherited the markers.
		const char *joined = getenv("_PM_USERNS_JOINED");
		const char *u = getenv("_CONTAINERS_ROOTLESS_UID");
		const char *g = getenv("_CONTAINERS_ROOTLESS_GID");
		if (joined != NULL && u != NULL && g != NULL && !identity_map()) {
			pm_rootless_uid = atoi(u);
			pm_rootless_gid = atoi(g);
			pm_rootless_pause_pid = atoi(joined);
			pm_rootless_joined = 1;
		}
		return;
	}
	try_join(euid, egid);
}
