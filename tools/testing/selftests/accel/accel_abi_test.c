// SPDX-License-Identifier: GPL-2.0
/*
 * The accel ABI as userspace sees it, on a dummy_accel device: the node,
 * sysfs, uevent, debugfs, DRM_IOCTL_VERSION, the core ioctl allow-list,
 * the dummy_accel uapi, mknod'ed nodes, privileges and concurrent use.
 *
 * Needs a loaded dummy_accel (modprobe dummy_accel) and its node open to
 * the user; without an accel device every test is skipped with the
 * reason. Run by root, with dummy_accel loaded, only the debugfs tests may
 * skip, when debugfs is not mounted: a missing node or feature fails the
 * test. Run by another user who may open the node (group render, through
 * a udev rule), the tests that need root skip saying "needs root:" and
 * why, and every other one runs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include <linux/dma-buf.h>
#include <linux/udmabuf.h>

#include <drm/dummy_accel.h>
#include <drm/vgem_drm.h>

#include "accel_util.h"
#include "../kselftest_harness.h"

/*
 * 6.1's harness runs a test even when FIXTURE_SETUP skipped it, so each
 * test checks self->fd again and skips with the reason.
 */

/*
 * For a fixture's setup: the fd of the first dummy_accel node, or -1 with
 * *@why saying why the test skips. Asserts that the node of a loaded
 * dummy_accel exists and opens.
 */
static int open_dummy(struct __test_metadata *_metadata, int *index,
		      const char **why)
{
	int fd = accel_open_dummy(index, why);

	if (*why)
		return -1;
	ASSERT_LE(0, *index) TH_LOG("dummy_accel is loaded but drives no /dev/accel/accelN");
	ASSERT_LE(0, fd) TH_LOG("cannot open /dev/accel/accel%d: %s", *index, strerror(errno));
	return fd;
}

FIXTURE(accel) {
	int fd;
	int index;
	char node[64];
	char sysfs[96];
	const char *why;
};

FIXTURE_SETUP(accel)
{
	self->fd = open_dummy(_metadata, &self->index, &self->why);
	if (self->fd < 0)
		return;
	snprintf(self->node, sizeof(self->node), "/dev/accel/accel%d", self->index);
	snprintf(self->sysfs, sizeof(self->sysfs), "/sys/class/accel/accel%d", self->index);
}

FIXTURE_TEARDOWN(accel)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * Whether udev has processed accel node @index: it keeps a database
 * entry, /run/udev/data/c261:N, for each device it has, as libudev's
 * "initialized" says. The node's mode and owner are then its rules'.
 */
static bool udev_processed(int index)
{
	char path[64];

	snprintf(path, sizeof(path), "/run/udev/data/c%d:%d", ACCEL_MAJOR, index);
	return !access(path, F_OK);
}

/*
 * The kernel's part: a char node 261:N, 0600 root:root as devtmpfs makes
 * it. Once udev has processed the device (udev/70-accel.rules: group
 * render, 0660), the mode and owner are the rules', not checked here.
 */
TEST_F(accel, node_is_char_261_root_0600)
{
	struct stat st;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: the node as devtmpfs makes it; a udev rule changes it");
	ASSERT_EQ(0, stat(self->node, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(ACCEL_MAJOR, major(st.st_rdev));
	EXPECT_EQ(self->index, minor(st.st_rdev));
	if (udev_processed(self->index)) {
		TH_LOG("%s: udev processed it, mode %04o gid %u are its rules'",
		       self->node, st.st_mode & 07777, st.st_gid);
		return;
	}
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
}

TEST_F(accel, proc_devices_lists_261_accel)
{
	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	EXPECT_TRUE(accel_file_has_line("/proc/devices", "261 accel"));
}

TEST_F(accel, sysfs_class_dev)
{
	char path[128], dev[32], want[32];

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	snprintf(want, sizeof(want), "261:%d", self->index);
	snprintf(path, sizeof(path), "%s/dev", self->sysfs);
	ASSERT_EQ(0, accel_read_line(path, dev, sizeof(dev)));
	EXPECT_STREQ(want, dev);
}

TEST_F(accel, sysfs_dev_char_is_parent_accel_node)
{
	char link[64], real[PATH_MAX], suffix[64], *tail;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	snprintf(link, sizeof(link), "/sys/dev/char/261:%d", self->index);
	ASSERT_TRUE(!!realpath(link, real));
	snprintf(suffix, sizeof(suffix), "/accel/accel%d", self->index);
	ASSERT_LT(strlen(suffix), strlen(real));
	tail = real + strlen(real) - strlen(suffix);
	EXPECT_STREQ(suffix, tail);
	/* the parent is the platform device dummy_accel.<n> */
	*tail = '\0';
	EXPECT_EQ(0, strncmp(strrchr(real, '/'), "/" DUMMY_NAME ".", strlen(DUMMY_NAME) + 2));
}

TEST_F(accel, sysfs_device_link_is_platform_device)
{
	char link[128], target[PATH_MAX], *base;
	ssize_t n;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	snprintf(link, sizeof(link), "%s/device", self->sysfs);
	n = readlink(link, target, sizeof(target) - 1);
	ASSERT_LT(0, n);
	target[n] = '\0';
	base = strrchr(target, '/');
	ASSERT_TRUE(!!base);
	EXPECT_EQ(0, strncmp(base + 1, DUMMY_NAME ".", strlen(DUMMY_NAME) + 1));
	snprintf(link, sizeof(link), "%s/subsystem", self->sysfs);
	ASSERT_TRUE(!!realpath(link, target));
	EXPECT_STREQ("/sys/class/accel", target);
}

/* The keys of the sysfs uevent file; accel_module_test checks real uevents. */
TEST_F(accel, sysfs_uevent_file_keys)
{
	char path[128], line[64];

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	snprintf(path, sizeof(path), "%s/uevent", self->sysfs);
	snprintf(line, sizeof(line), "DEVNAME=accel/accel%d", self->index);
	EXPECT_TRUE(accel_file_has_line(path, line));
	EXPECT_TRUE(accel_file_has_line(path, "DEVTYPE=accel_minor"));
	snprintf(line, sizeof(line), "MAJOR=%d", ACCEL_MAJOR);
	EXPECT_TRUE(accel_file_has_line(path, line));
	snprintf(line, sizeof(line), "MINOR=%d", self->index);
	EXPECT_TRUE(accel_file_has_line(path, line));
}

/* Does sysfs path @path resolve into a dummy_accel platform device? */
static int in_dummy_device(const char *path)
{
	char real[PATH_MAX];

	return realpath(path, real) && strstr(real, "/" DUMMY_NAME ".");
}

/*
 * Number of entries of @dir starting with @prefix that belong to a
 * dummy_accel device, the first of them in @found: sysfs entries that
 * resolve into a dummy_accel platform device or, with @nodes, char nodes
 * whose /sys/dev/char link does or whose major is accel's. 0 when @dir
 * does not exist, -errno when it cannot be read.
 */
static int count_dummy_entries(const char *dir, const char *prefix, int nodes,
			       char *found, size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	struct stat st;
	int n = 0, bad;
	DIR *d = opendir(dir);

	if (!d) {
		snprintf(found, len, "%s: %s", dir, strerror(errno));
		return errno == ENOENT ? 0 : -errno;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		bad = 0;
		if (nodes) {
			if (stat(path, &st) || !S_ISCHR(st.st_mode))
				continue;
			bad = major(st.st_rdev) == ACCEL_MAJOR;
			snprintf(path, sizeof(path), "/sys/dev/char/%u:%u",
				 major(st.st_rdev), minor(st.st_rdev));
		}
		if ((bad || in_dummy_device(path)) && !n++)
			snprintf(found, len, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	return n;
}

/*
 * An accel device has no card or render node: nothing of it in the DRM
 * class, under DRM's char major 226 or in /dev/dri. A system without a
 * GPU has no /sys/class/drm or /dev/dri at all.
 */
TEST_F(accel, no_dri_node)
{
	char path[128], found[PATH_MAX] = "";

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	/* a DRM device has <parent>/drm/cardN; an accel device must not */
	snprintf(path, sizeof(path), "%s/device/drm", self->sysfs);
	EXPECT_NE(0, access(path, F_OK));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, count_dummy_entries("/sys/class/drm", "", 0, found, sizeof(found)))
		TH_LOG("%s", found);
	EXPECT_EQ(0, count_dummy_entries("/sys/dev/char", "226:", 0, found, sizeof(found)))
		TH_LOG("%s", found);
	EXPECT_EQ(0, count_dummy_entries("/dev/dri", "", 1, found, sizeof(found)))
		TH_LOG("%s", found);
}

TEST_F(accel, version_lengths_then_buffers)
{
	struct drm_version v;
	char name[64], date[64], desc[128];

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	memset(&v, 0, sizeof(v));
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_VERSION, &v));
	EXPECT_EQ(strlen(DUMMY_NAME), v.name_len);
	ASSERT_GT(sizeof(date), v.date_len);
	ASSERT_GT(sizeof(desc), v.desc_len);

	memset(name, 0, sizeof(name));
	memset(date, 0, sizeof(date));
	memset(desc, 0, sizeof(desc));
	v.name = name;
	v.date = date;
	v.desc = desc;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_VERSION, &v));
	EXPECT_STREQ(DUMMY_NAME, name);
	EXPECT_EQ(strlen(date), v.date_len);
	EXPECT_EQ(strlen(desc), v.desc_len);
	EXPECT_EQ(1, v.version_major);
}

/* Accelerator runtimes probe accel0..accel63; they must find exactly the bound devices. */
TEST_F(accel, probe_loop_finds_bound_devices)
{
	char path[64], name[64];
	int i, fd, found = 0, bound = 0;
	struct dirent *e;
	DIR *d;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), "/dev/accel/accel%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			EXPECT_EQ(ENOENT, errno);
			continue;
		}
		if (!accel_driver_name(fd, name, sizeof(name)) && !strcmp(name, DUMMY_NAME))
			found++;
		close(fd);
	}
	d = opendir("/sys/bus/platform/drivers/" DUMMY_NAME);
	ASSERT_TRUE(!!d);
	while ((e = readdir(d)))
		bound += !strncmp(e->d_name, DUMMY_NAME ".", strlen(DUMMY_NAME) + 1);
	closedir(d);
	EXPECT_EQ(bound < 64 ? bound : 64, found);
}

#define NO_DEBUGFS "debugfs is not mounted at /sys/kernel/debug"

/* Number of /sys/kernel/debug/dri/<M>/name files naming dummy_accel. */
static int dri_debugfs_dummy(void)
{
	char path[PATH_MAX], line[256];
	struct dirent *e;
	int n = 0;
	DIR *d = opendir("/sys/kernel/debug/dri");

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%s/name", e->d_name);
		if (e->d_name[0] != '.' && !accel_read_line(path, line, sizeof(line)))
			n += !strncmp(line, DUMMY_NAME " ", strlen(DUMMY_NAME) + 1);
	}
	closedir(d);
	return n;
}

TEST_F(accel, debugfs_name)
{
	char path[96], line[256], pdev[64], want[192];

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: debugfs");
	if (!accel_debugfs_mounted())
		SKIP(return, NO_DEBUGFS);
	ASSERT_EQ(0, access("/sys/kernel/debug/accel", F_OK));
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%d/name", self->index);
	ASSERT_EQ(0, accel_read_line(path, line, sizeof(line)));
	/* the parent is the platform device, whose name is the unique one */
	ASSERT_EQ(0, accel_platform_name(self->index, pdev, sizeof(pdev)));
	snprintf(want, sizeof(want), DUMMY_NAME " dev=%s unique=%s", pdev, pdev);
	EXPECT_STREQ(want, line);
	/* and DRM's own debugfs knows nothing of it */
	EXPECT_EQ(0, dri_debugfs_dummy());
}

/* The value of "@key N" in a debugfs counters file, or -1. */
static long long read_counter(const char *path, const char *key)
{
	char line[64], fmt[32];
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	snprintf(fmt, sizeof(fmt), "%s %%lld", key);
	while (fgets(line, sizeof(line), f))
		sscanf(line, fmt, &v);
	fclose(f);
	return v;
}

TEST_F(accel, debugfs_counters_follow_jobs)
{
	struct drm_dummy_accel_submit job = { 0 };
	long long jobs;
	uint32_t one = 1;
	char path[96];

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: debugfs");
	if (!accel_debugfs_mounted())
		SKIP(return, NO_DEBUGFS);
	ASSERT_EQ(0, access("/sys/kernel/debug/accel", F_OK));
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%d/counters", self->index);
	EXPECT_LT(0, read_counter(path, "opens"));
	jobs = read_counter(path, "jobs");
	ASSERT_LE(0, jobs);
	ASSERT_EQ(0, accel_submit_values(self->fd, DUMMY_ACCEL_OP_SUM, &one, 1, &job, NULL));
	EXPECT_EQ(jobs + 1, read_counter(path, "jobs"));
	ASSERT_EQ(0, accel_submit_values(self->fd, DUMMY_ACCEL_OP_SUM, &one, 1, &job, NULL));
	EXPECT_EQ(jobs + 2, read_counter(path, "jobs"));
}

/* mknod'ed nodes: a minor without a device, and minors past 255. */
static int open_mknod(unsigned int minor)
{
	char path[] = "/tmp/accel-mknod-XXXXXX";
	int fd, err;

	if (!mkdtemp(path))
		return -errno;
	strcat(path, "/node");
	if (mknod(path, S_IFCHR | 0600, makedev(ACCEL_MAJOR, minor)))
		return -errno;
	fd = open(path, O_RDWR);
	err = errno;
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return -err;
}

TEST_F(accel, mknod_unused_minor_enodev)
{
	char path[64];
	int m;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: mknod (CAP_MKNOD)");
	for (m = ACCEL_MINORS - 1; m >= 0; m--) {
		snprintf(path, sizeof(path), "/sys/dev/char/261:%d", m);
		if (access(path, F_OK))
			break;
	}
	ASSERT_LE(0, m);
	EXPECT_EQ(-ENODEV, open_mknod(m));
}

TEST_F(accel, mknod_minor_256_and_above_enxio)
{
	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: mknod (CAP_MKNOD)");
	EXPECT_EQ(-ENXIO, open_mknod(ACCEL_MINORS));
	EXPECT_EQ(-ENXIO, open_mknod(ACCEL_MINORS + 1));
	EXPECT_EQ(-ENXIO, open_mknod(1000));
}

TEST_F(accel, open_excl_ebusy)
{
	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	EXPECT_EQ(-1, open(self->node, O_RDWR | O_EXCL));
	EXPECT_EQ(EBUSY, errno);
}

/* Run @fn as nobody in a child; its exit status is the result. */
static int as_nobody(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(100);
		_exit(fn(arg));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int nobody_open(void *node)
{
	int fd = open(node, O_RDWR);

	return fd < 0 && errno == EACCES ? 0 : 1;
}

/*
 * With root's fd: 0, or which step went wrong. Nobody has dropped every
 * capability in setuid(), so only the fd's own rights are left.
 */
static int nobody_use_fd(void *pfd)
{
	struct drm_dummy_accel_submit job = { 0 };
	int fd = *(int *)pfd;
	uint64_t result = 0;
	uint32_t data = 3;
	char name[64];

	/* what the fd allows works for anyone holding it: core ioctls ... */
	if (accel_driver_name(fd, name, sizeof(name)) || strcmp(name, DUMMY_NAME))
		return 1;
	/* ... and the driver's, buffers, mmap() and syncobjs included */
	if (accel_submit_values(fd, DUMMY_ACCEL_OP_SUM, &data, 1, &job, &result) || result != 3)
		return 2;
	return 0;
}

TEST_F(accel, unprivileged_open_eacces)
{
	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: becomes nobody (setuid)");
	EXPECT_EQ(0, as_nobody(nobody_open, self->node));
}

/* A file is the capability: whoever holds it runs jobs (no ioctl is root-only) */
TEST_F(accel, passed_fd_works_for_anyone)
{
	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: becomes nobody (setuid)");
	/* 1: VERSION failed, 2: the job failed or computed wrong */
	EXPECT_EQ(0, as_nobody(nobody_use_fd, &self->fd));
}

/* A device's file and index, for a test run in a child */
struct accel_fd_index {
	int fd;
	int index;
};

/* @path fails to open for writing with EACCES */
static int write_refused(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd < 0 && errno == EACCES;
}

/*
 * What only root may do, tried by a user who holds a file of the device:
 * 0, or which step was not refused with EACCES.
 */
static int root_only_refused(void *arg)
{
	const struct accel_fd_index *d = arg;
	char path[128];

	/* a DRM master's core ioctl: refused on every accel file */
	if (ioctl(d->fd, DRM_IOCTL_SET_MASTER, 0) != -1 || errno != EACCES)
		return 1;
	/* the driver's knobs: a sysfs attribute only root writes, debugfs */
	snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device/job_timeout_ms", d->index);
	if (!write_refused(path))
		return 2;
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%d/hang_jobs", d->index);
	if (accel_debugfs_mounted() && !write_refused(path))
		return 3;
	return 0;
}

/* @path exists and only its owner (root) may write it */
static int root_writes_alone(const char *path)
{
	struct stat st;

	return !stat(path, &st) && st.st_uid == 0 && !(st.st_mode & 0022);
}

/*
 * Whoever may open the node (a member of group render, through a udev
 * rule) uses the device as root does; what only root may do is refused
 * all the same: its knobs are root's alone, whatever the node's mode.
 * Run by root, nobody tries them with root's file.
 */
TEST_F(accel, root_only_refused_to_others)
{
	static const char * const knobs[] = { "hang_jobs", "ras_inject", "counters" };
	struct accel_fd_index d = { self->fd, self->index };
	char path[128];
	unsigned int i;
	int ret;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	ret = geteuid() ? root_only_refused(&d) : as_nobody(root_only_refused, &d);
	/* 1: SET_MASTER, 2: job_timeout_ms, 3: debugfs hang_jobs */
	EXPECT_EQ(0, ret);
	if (geteuid())
		return;
	snprintf(path, sizeof(path), "%s/device/job_timeout_ms", self->sysfs);
	EXPECT_TRUE(root_writes_alone(path)) TH_LOG("%s", path);
	for (i = 0; accel_debugfs_mounted() && i < ARRAY_SIZE(knobs); i++) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%d/%s",
			 self->index, knobs[i]);
		EXPECT_TRUE(root_writes_alone(path)) TH_LOG("%s", path);
	}
}

/*
 * mmap() of the node maps a buffer at the offset its creation returned:
 * an offset no buffer has fails with EINVAL, as does a mapping longer
 * than the buffer; a buffer of another file, which this file has no
 * handle for, with EACCES (drm_gem_mmap()).
 */
TEST_F(accel, mmap_bad_offset_fails)
{
	long page = sysconf(_SC_PAGESIZE);
	struct accel_bo bo;
	int other;
	void *p;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, self->fd, 0);
	EXPECT_TRUE(p == MAP_FAILED);
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, accel_bo_new(self->fd, page, &bo));
	p = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, self->fd, bo.offset);
	EXPECT_TRUE(p == MAP_FAILED);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, self->fd, bo.offset + page);
	EXPECT_TRUE(p == MAP_FAILED);
	EXPECT_EQ(EINVAL, errno);
	other = open(self->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, other, bo.offset);
	EXPECT_TRUE(p == MAP_FAILED);
	EXPECT_EQ(EACCES, errno);
	close(other);
	EXPECT_EQ(0, accel_bo_free(self->fd, &bo));
}

#define THREAD_CYCLES	10000
/* the cycles must end by then: a debug kernel under TCG is that slow */
#define THREAD_SECONDS	60

struct thread_arg {
	const char *node;
	double deadline;
	int done;
	int failures;
};

static void *open_version_close(void *p)
{
	struct thread_arg *a = p;
	char name[64];
	int fd;

	for (; a->done < THREAD_CYCLES && accel_now() < a->deadline; a->done++) {
		fd = open(a->node, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			a->failures++;
			continue;
		}
		if (accel_driver_name(fd, name, sizeof(name)) || strcmp(name, DUMMY_NAME))
			a->failures++;
		if (close(fd))
			a->failures++;
	}
	return NULL;
}

/*
 * Four threads open, VERSION and close at once, THREAD_CYCLES times each
 * or for THREAD_SECONDS, whichever ends first: none fails, and each makes
 * at least 100 cycles (a thread that hangs or starves makes none).
 */
TEST_F_TIMEOUT(accel, four_threads_open_version_close, THREAD_SECONDS + 30)
{
	struct thread_arg args[4];
	pthread_t th[4];
	double start = accel_now();
	int i, total = 0;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	for (i = 0; i < 4; i++) {
		args[i] = (struct thread_arg){ self->node, start + THREAD_SECONDS, 0, 0 };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, open_version_close, &args[i]));
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(0, args[i].failures);
		EXPECT_LE(100, args[i].done);
		total += args[i].done;
	}
	TH_LOG("%d of %d cycles in %.1f s%s", total, 4 * THREAD_CYCLES,
	       accel_now() - start, total < 4 * THREAD_CYCLES ? " (ended by time)" : "");
}

/* One open, job and close of @node; 0 or -errno. */
static int open_submit_close(const char *node)
{
	struct drm_dummy_accel_submit job = { 0 };
	uint32_t data = 0x5a5a;
	int fd = open(node, O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = accel_submit_values(fd, DUMMY_ACCEL_OP_XOR, &data, 1, &job, NULL);
	close(fd);
	return ret;
}

#define LEAK_CYCLES	10000
#define LEAK_SECONDS	120
#define LEAK_MIN_CYCLES	1000
#define LEAK_WARMUP_CYCLES	500

/*
 * Every open allocates a drm_file and dummy_accel's per-file state,
 * every cycle a buffer (a GEM object, its shmem file, its pages, its
 * mmap offset and kernel mapping), a syncobj, a job and its fence, and
 * a sync_file, and every close frees them: after LEAK_CYCLES cycles of
 * open, create, map, job, wait, unmap and close kmemleak finds nothing
 * new, and the slab objects in use have grown by less than 8 bytes a
 * cycle, the smallest object that could leak. Measured with every
 * second per-file state leaked: the slab grew by 1036 kB and kmemleak
 * reported the objects. The objects are counted, not the slab pages:
 * freed objects leave partly used slabs behind, which the shrink cannot
 * give back (on the x86_64 guest 112 kB of such pages after the cycles,
 * while the objects in use did not grow). Objects freed after a grace
 * period or by deferred work may still be counted right after the
 * cycles (102 kB once on that guest, 2 kB the next run): the figure is
 * taken again, for up to 10 s, until it is below the bound. Under
 * generic KASAN, freed objects wait in a quarantine that counts as slab
 * (948 kB of growth without a leak), and shrinking every cache to empty
 * it takes minutes there: kmemleak alone judges. On a slow kernel (the
 * x86_64 debug guest: KASAN and kmemleak under TCG) the cycles stop after
 * LEAK_SECONDS, but not before LEAK_MIN_CYCLES, and each of kmemleak's
 * four scans takes a minute or more: the times are logged. The figure
 * before is taken after LEAK_WARMUP_CYCLES cycles, which fill once what
 * the first files after boot fill (slabs, caches): on the x86_64 guest
 * the first 10000 cycles after boot grew the objects in use by 59-66 kB
 * in three runs and past the bound in a fourth, and later runs of the
 * same boot by nothing.
 */
TEST_F_TIMEOUT(accel, open_close_10000_cycles_leak_nothing, 900)
{
	double t0, t1, t2, t3;
	struct accel_kmemleak km;
	long before, after;
	int n, waited, kmemleak, ret, quarantine;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: /proc/slabinfo, kmemleak");
	for (n = 0; n < LEAK_WARMUP_CYCLES; n++)
		ASSERT_EQ(0, open_submit_close(self->node));
	t0 = accel_now();
	kmemleak = accel_kmemleak_start(&km) == 0;
	if (!kmemleak)
		TH_LOG("no %s (CONFIG_DEBUG_KMEMLEAK): slab figures only", ACCEL_KMEMLEAK);
	quarantine = accel_kasan_quarantine();
	ASSERT_LE(0, quarantine);
	if (quarantine)
		TH_LOG("KASAN's quarantine counts as slab: the slab figures are not judged");
	/* the CPUs' slabs flushed (SLUB), so that objects in use are counted right */
	if (!quarantine)
		accel_slab_shrink();
	before = accel_slab_objects_kb();
	ASSERT_LT(0, before) TH_LOG("no /proc/slabinfo (CONFIG_SLUB_DEBUG)");
	t1 = accel_now();
	for (n = 0; n < LEAK_CYCLES; ) {
		ASSERT_EQ(0, open_submit_close(self->node));
		if (++n >= LEAK_MIN_CYCLES && accel_now() - t1 > LEAK_SECONDS)
			break;
	}
	/* closed files are freed after an RCU grace period: it waits long enough */
	t2 = accel_now();
	ret = accel_kmemleak_end();
	ASSERT_TRUE(ret == 0 || !kmemleak);
	t3 = accel_now();
	TH_LOG("%d cycles in %.1f s; kmemleak's scans: %.1f s before, %.1f s after",
	       n, t2 - t1, t1 - t0, t3 - t2);
	if (!quarantine)
		accel_slab_shrink();
	after = accel_slab_objects_kb();
	/* objects freed late (RCU, deferred work) get up to 10 s more; a leak stays */
	after = accel_slab_settle(accel_slab_objects_kb, after, before, n * 8 / 1024,
				  !quarantine, &waited);
	ASSERT_LT(0, after);
	TH_LOG("slab objects in use: %ld kB before, %ld kB after %d cycles (%d s later)",
	       before, after, n, waited);
	if (!quarantine)
		EXPECT_GT(n * 8 / 1024, after - before);
	ASSERT_TRUE(kmemleak || !quarantine);
	if (kmemleak)
		EXPECT_EQ(0, accel_kmemleak_objects(&km));
}

/* The module parameter @name of dummy_accel, or -1 */
static long long dummy_param(const char *name)
{
	char path[128], line[32];

	snprintf(path, sizeof(path), "/sys/module/" DUMMY_NAME "/parameters/%s", name);
	return accel_read_line(path, line, sizeof(line)) ? -1 : atoll(line);
}

/* The sysfs attribute @name of the device of accel@index, or -1 */
static long long dummy_sysfs(int index, const char *name)
{
	char path[128], line[32];

	snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device/%s", index, name);
	return accel_read_line(path, line, sizeof(line)) ? -1 : atoll(line);
}

/* dummy_accel's uapi */

TEST_F(accel, get_param_values)
{
	struct drm_dummy_accel_submit job = { 0 };
	uint32_t one = 1;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	/* each value against what the device says elsewhere */
	EXPECT_EQ(dummy_param("num_cores"), get_param(self->fd, DUMMY_ACCEL_PARAM_NUM_CORES));
	EXPECT_EQ(self->index, get_param(self->fd, DUMMY_ACCEL_PARAM_INDEX));
	EXPECT_EQ(0, get_param(self->fd, DUMMY_ACCEL_PARAM_JOBS_DONE));
	ASSERT_EQ(0, accel_submit_values(self->fd, DUMMY_ACCEL_OP_SUM, &one, 1, &job, NULL));
	EXPECT_EQ(1, get_param(self->fd, DUMMY_ACCEL_PARAM_JOBS_DONE));
	EXPECT_EQ(DUMMY_ACCEL_MAX_BO_SIZE, get_param(self->fd, DUMMY_ACCEL_PARAM_MAX_BO_SIZE));
	EXPECT_EQ(sysconf(_SC_PAGESIZE), get_param(self->fd, DUMMY_ACCEL_PARAM_BO_ALIGNMENT));
	EXPECT_EQ(dummy_sysfs(self->index, "job_timeout_ms"),
		  get_param(self->fd, DUMMY_ACCEL_PARAM_JOB_TIMEOUT_MS));
	EXPECT_EQ(1, get_param(self->fd, DUMMY_ACCEL_PARAM_HAS_IMPLICIT_SYNC));
	EXPECT_EQ(1, get_param(self->fd, DUMMY_ACCEL_PARAM_HAS_TIMELINE_ERRORS));
	/* 3, a RAS parameter before drm-ras, is gone, and so is its ioctl */
	EXPECT_EQ(-EINVAL, get_param(self->fd, 3));
	/* the parameter after the last is unknown */
	EXPECT_EQ(-EINVAL, get_param(self->fd, DUMMY_ACCEL_PARAM_HAS_TIMELINE_ERRORS + 1));
}

TEST_F(accel, get_param_errors)
{
	struct drm_dummy_accel_get_param p = { 0 };

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	p.param = 0xdead;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
	EXPECT_EQ(EINVAL, errno);
	p.param = DUMMY_ACCEL_PARAM_NUM_CORES;
	p.pad = 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, NULL));
	EXPECT_EQ(EFAULT, errno);
}

/* The RAS counts of device @index as its debugfs counters file shows them */
struct ras_counts {
	long long timeouts, resets, correctable, uncorrectable;
};

static int ras_read_counters(int index, struct ras_counts *c)
{
	char counters[96];

	snprintf(counters, sizeof(counters), "/sys/kernel/debug/accel/%d/counters", index);
	c->timeouts = read_counter(counters, "timeouts");
	c->resets = read_counter(counters, "resets");
	c->correctable = read_counter(counters, "correctable");
	c->uncorrectable = read_counter(counters, "uncorrectable");
	return c->timeouts < 0 || c->resets < 0 || c->correctable < 0 ||
	       c->uncorrectable < 0 ? -EIO : 0;
}

/*
 * Errors injected through debugfs (ras_inject, root's alone) are counted
 * in debugfs' counters (accel_ras_test reads them through drm-ras); an
 * unknown kind is refused.
 */
TEST_F(accel, ras_inject_counts)
{
	struct ras_counts before, after;
	char path[96];
	struct stat st;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: debugfs (ras_inject)");
	if (!accel_debugfs_mounted())
		SKIP(return, NO_DEBUGFS);
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%d/ras_inject", self->index);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(0200, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	ASSERT_EQ(0, ras_read_counters(self->index, &before));
	ASSERT_EQ(0, accel_write_str(path, "correctable"));
	ASSERT_EQ(0, accel_write_str(path, "correctable\n"));
	ASSERT_EQ(0, accel_write_str(path, "uncorrectable"));
	EXPECT_EQ(-EINVAL, accel_write_str(path, "fatal"));
	EXPECT_EQ(-EINVAL, accel_write_str(path, "correctable-and-more-than-16"));

	ASSERT_EQ(0, ras_read_counters(self->index, &after));
	EXPECT_EQ(before.timeouts, after.timeouts);
	EXPECT_EQ(before.resets, after.resets);
	EXPECT_EQ(before.correctable + 2, after.correctable);
	EXPECT_EQ(before.uncorrectable + 1, after.uncorrectable);
}

/*
 * For a test that makes jobs hang: the job timeout in ms (-1 if unknown),
 * and into @path the debugfs file that makes the next jobs of device
 * @index hang; 0 when debugfs is not mounted.
 */
static long long hang_knob(int index, char *path, size_t len)
{
	if (!accel_debugfs_mounted())
		return 0;
	snprintf(path, len, "/sys/kernel/debug/accel/%d/hang_jobs", index);
	return dummy_sysfs(index, "job_timeout_ms");
}

/*
 * Fault injection (debugfs hang_jobs): a hung job is cancelled after the
 * job timeout, its fence signals with ETIMEDOUT, RAS counts a timeout and
 * a queue reset, and the job queued behind it on the same core runs.
 */
TEST_F(accel, hung_job_times_out_then_core_recovers)
{
	struct drm_dummy_accel_submit job = { .count = 1, .op = DUMMY_ACCEL_OP_SUM, .core = 2 };
	struct ras_counts before, after;
	long long timeout, busy, other;
	uint32_t hung, next;
	struct accel_bo bo;
	double start, took;
	char path[96];

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: debugfs (hang_jobs)");
	timeout = hang_knob(self->index, path, sizeof(path));
	if (!timeout)
		SKIP(return, NO_DEBUGFS);
	ASSERT_LT(0, timeout);
	ASSERT_EQ(0, ras_read_counters(self->index, &before));
	busy = accel_fdinfo_num(self->fd, "drm-engine-core", "ns");
	ASSERT_LE(0, busy);
	ASSERT_EQ(0, accel_bo_new(self->fd, 4096, &bo));
	((uint32_t *)bo.map)[0] = 5;
	hung = accel_syncobj_new(self->fd, 0);
	next = accel_syncobj_new(self->fd, 0);
	ASSERT_NE(0, hung);
	ASSERT_NE(0, next);

	ASSERT_EQ(0, accel_write_str(path, "1"));
	start = accel_now();
	job.in_handle = bo.handle;
	job.out_handle = bo.handle;
	job.out_offset = 8;
	job.out_syncobj.handle = hung;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	job.out_offset = 16;
	job.out_syncobj.handle = next;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));

	ASSERT_EQ(0, accel_syncobj_wait(self->fd, hung, 0));
	EXPECT_LE(timeout / 1000.0, accel_now() - start);
	EXPECT_EQ(-ETIMEDOUT, accel_fence_status(self->fd, hung));
	ASSERT_EQ(0, accel_syncobj_wait(self->fd, next, 0));
	took = accel_now() - start;
	EXPECT_EQ(1, accel_fence_status(self->fd, next));
	/*
	 * The hung job held its core until the reset: the file's busy time
	 * grew by the timeout at least (less the hand-off to the hardware
	 * before the job started), and by no more than the time both took.
	 */
	other = accel_fdinfo_num(self->fd, "drm-engine-core", "ns") - busy;
	EXPECT_LE(timeout * 1000000 * 9 / 10, other);
	EXPECT_GE(took * 1e9, other);
	TH_LOG("timeout %lld ms: %lld ns busy in %.0f ns", timeout, other, took * 1e9);
	/* the hung job wrote nothing, the next one its result */
	EXPECT_EQ(0, ((uint64_t *)bo.map)[1]);
	EXPECT_EQ(5, ((uint64_t *)bo.map)[2]);

	ASSERT_EQ(0, ras_read_counters(self->index, &after));
	EXPECT_EQ(before.timeouts + 1, after.timeouts);
	EXPECT_EQ(before.resets + 1, after.resets);
	EXPECT_EQ(0, accel_syncobj_free(self->fd, hung));
	EXPECT_EQ(0, accel_syncobj_free(self->fd, next));
	EXPECT_EQ(0, accel_bo_free(self->fd, &bo));
}

static uint32_t crc32_ref(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffff;
	int k;

	while (n--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return crc ^ 0xffffffff;
}

/* Jobs on a buffer the file created and filled through its mapping */
TEST_F(accel, submit_results)
{
	struct drm_dummy_accel_get_param p = { .param = DUMMY_ACCEL_PARAM_JOBS_DONE };
	struct drm_dummy_accel_submit job = { 0 };
	uint64_t sum = 0, xor = 0, part = 0, result = 0;
	struct accel_bo in, out;
	uint32_t *buf;
	unsigned int i;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, accel_bo_new(self->fd, DUMMY_ACCEL_MAX_ELEMENTS * 4, &in));
	ASSERT_EQ(0, accel_bo_new(self->fd, 4096, &out));
	buf = in.map;
	for (i = 0; i < DUMMY_ACCEL_MAX_ELEMENTS; i++) {
		buf[i] = i * 2654435761u;
		sum += buf[i];
		xor ^= buf[i];
		if (i >= 1000 && i < 1024)
			part += buf[i];
	}
	job.in_handle = in.handle;
	job.count = DUMMY_ACCEL_MAX_ELEMENTS;
	job.op = DUMMY_ACCEL_OP_SUM;
	ASSERT_EQ(0, accel_job_wait(self->fd, &job, &result));
	EXPECT_EQ(sum, result);

	job.op = DUMMY_ACCEL_OP_XOR;
	ASSERT_EQ(0, accel_job_wait(self->fd, &job, &result));
	EXPECT_EQ(xor, result);

	job.op = DUMMY_ACCEL_OP_CRC32;
	job.count = 3;
	ASSERT_EQ(0, accel_job_wait(self->fd, &job, &result));
	EXPECT_EQ(crc32_ref((uint8_t *)buf, 12), result);

	/* elements 1000..1023, the result written to the output buffer */
	job.op = DUMMY_ACCEL_OP_SUM;
	job.in_offset = 1000;
	job.count = 24;
	job.out_handle = out.handle;
	job.out_offset = 8;
	ASSERT_EQ(0, accel_job_wait(self->fd, &job, NULL));
	EXPECT_EQ(part, ((uint64_t *)out.map)[1]);
	EXPECT_EQ(0, ((uint64_t *)out.map)[0]);

	/* input and output in one buffer: the job reads before it writes */
	sum = (uint64_t)buf[0] + buf[1] + buf[2] + buf[3];
	job.in_offset = 0;
	job.count = 4;
	job.out_handle = in.handle;
	job.out_offset = 0;
	ASSERT_EQ(0, accel_job_wait(self->fd, &job, NULL));
	EXPECT_EQ(sum, *(uint64_t *)in.map);

	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
	EXPECT_EQ(5, p.value);
	EXPECT_EQ(0, accel_bo_free(self->fd, &out));
	EXPECT_EQ(0, accel_bo_free(self->fd, &in));
}

/* GET_CAP of @cap: its value, or -errno */
static long long get_cap(int fd, uint64_t cap)
{
	struct drm_get_cap c = { .capability = cap };

	return ioctl(fd, DRM_IOCTL_GET_CAP, &c) ? -errno : (long long)c.value;
}

/*
 * GET_CAP on an accel file answers the caps of a render-only device:
 * PRIME both ways (dummy_accel has both callbacks), monotonic
 * timestamps; the display caps of a KMS driver fail with EOPNOTSUPP.
 */
TEST_F(accel, get_cap_prime_yes_display_no)
{
	static const uint64_t display[] = {
		DRM_CAP_DUMB_BUFFER, DRM_CAP_VBLANK_HIGH_CRTC, DRM_CAP_DUMB_PREFERRED_DEPTH,
		DRM_CAP_DUMB_PREFER_SHADOW, DRM_CAP_ASYNC_PAGE_FLIP, DRM_CAP_CURSOR_WIDTH,
		DRM_CAP_ADDFB2_MODIFIERS, DRM_CAP_PAGE_FLIP_TARGET, DRM_CAP_CRTC_IN_VBLANK_EVENT,
	};
	unsigned int i;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	EXPECT_EQ(DRM_PRIME_CAP_IMPORT | DRM_PRIME_CAP_EXPORT, get_cap(self->fd, DRM_CAP_PRIME));
	EXPECT_EQ(1, get_cap(self->fd, DRM_CAP_TIMESTAMP_MONOTONIC));
	for (i = 0; i < ARRAY_SIZE(display); i++)
		EXPECT_EQ(-EOPNOTSUPP, get_cap(self->fd, display[i]))
			TH_LOG("cap %llu", (unsigned long long)display[i]);
}

/*
 * A job's fence goes into its out-syncobj: SYNCOBJ_WAIT returns once the
 * result is written; exported as a sync_file the fence polls readable,
 * signalled without error, and names the driver. GET_CAP says syncobjs
 * and timelines work.
 */
TEST_F(accel, job_fence_through_syncobj_and_sync_file)
{
	struct drm_dummy_accel_submit job = { .count = 1, .op = DUMMY_ACCEL_OP_SUM, .core = 1 };
	struct drm_syncobj_handle h = { .flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE };
	struct drm_syncobj_wait w = { .count_handles = 1 };
	char name[64];
	struct sync_fence_info fi = { 0 };
	struct sync_file_info info = { .num_fences = 1, .sync_fence_info = (uintptr_t)&fi };
	struct pollfd pfd = { .events = POLLIN };
	struct timespec now;
	struct accel_bo bo;
	uint32_t sync;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	EXPECT_EQ(1, get_cap(self->fd, DRM_CAP_SYNCOBJ));
	EXPECT_EQ(1, get_cap(self->fd, DRM_CAP_SYNCOBJ_TIMELINE));
	ASSERT_EQ(0, accel_bo_new(self->fd, 4096, &bo));
	((uint32_t *)bo.map)[0] = 99;
	sync = accel_syncobj_new(self->fd, 0);
	ASSERT_NE(0, sync);
	job.in_handle = bo.handle;
	job.out_handle = bo.handle;
	job.out_offset = 8;
	job.out_syncobj.handle = sync;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));

	clock_gettime(CLOCK_MONOTONIC, &now);
	w.handles = (uintptr_t)&sync;
	w.timeout_nsec = (now.tv_sec + ACCEL_WAIT_SECONDS) * 1000000000LL + now.tv_nsec;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_SYNCOBJ_WAIT, &w));
	EXPECT_EQ(99, ((uint64_t *)bo.map)[1]);

	h.handle = sync;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h));
	pfd.fd = h.fd;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	ASSERT_EQ(0, ioctl(h.fd, SYNC_IOC_FILE_INFO, &info));
	EXPECT_EQ(1, info.status);
	EXPECT_EQ(1, fi.status);
	/* the scheduler's finished fence, on the timeline of its core */
	EXPECT_STREQ("drm_sched", fi.driver_name);
	ASSERT_EQ(0, accel_platform_name(self->index, name, sizeof(name)));
	strcat(name, "-core1");
	EXPECT_STREQ(name, fi.obj_name);
	close(h.fd);
	EXPECT_EQ(0, accel_syncobj_free(self->fd, sync));
	EXPECT_EQ(0, accel_bo_free(self->fd, &bo));
}

/*
 * Three jobs on three cores chained through one timeline syncobj: each
 * waits for the point the one before signals and reads what it wrote.
 * Waiting for the last point waits for them all; QUERY gives that point.
 */
TEST_F(accel, timeline_points_in_order)
{
	struct drm_dummy_accel_syncobj dep = { 0 };
	struct drm_dummy_accel_submit job = { .op = DUMMY_ACCEL_OP_SUM };
	struct drm_syncobj_timeline_array q = { .count_handles = 1 };
	struct accel_bo in, res;
	uint64_t *r, point = 0;
	uint32_t tl, i;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, accel_bo_new(self->fd, 4096, &in));
	ASSERT_EQ(0, accel_bo_new(self->fd, 4096, &res));
	for (i = 0; i < 4; i++)
		((uint32_t *)in.map)[i] = i + 1;
	tl = accel_syncobj_new(self->fd, 0);
	ASSERT_NE(0, tl);

	/* 1 + 2 + 3 + 4 into r[0], then r[0] into r[1], then r[0] + r[1] into r[2] */
	for (i = 0; i < 3; i++) {
		job.in_handle = i ? res.handle : in.handle;
		job.count = i ? 2 * i : 4;
		job.out_handle = res.handle;
		job.out_offset = 8 * i;
		job.core = i;
		job.in_syncobjs = (uintptr_t)&dep;
		job.in_syncobj_count = i > 0;
		dep = (struct drm_dummy_accel_syncobj){ .handle = tl, .point = i };
		job.out_syncobj = (struct drm_dummy_accel_syncobj){ .handle = tl, .point = i + 1 };
		ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job))
			TH_LOG("job %u", i);
	}
	ASSERT_EQ(0, accel_syncobj_wait(self->fd, tl, 3));
	r = res.map;
	EXPECT_EQ(10, r[0]);
	EXPECT_EQ(10, r[1]);
	EXPECT_EQ(20, r[2]);
	q.handles = (uintptr_t)&tl;
	q.points = (uintptr_t)&point;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_SYNCOBJ_QUERY, &q));
	EXPECT_EQ(3, point);
	EXPECT_EQ(0, accel_syncobj_free(self->fd, tl));
	EXPECT_EQ(0, accel_bo_free(self->fd, &res));
	EXPECT_EQ(0, accel_bo_free(self->fd, &in));
}

#define FLIGHT_THREADS	4
#define FLIGHT_JOBS	250

struct flight {
	pthread_t th;
	int fd;
	unsigned int cores;
	unsigned int t;
	int err;
	unsigned int right;
};

/*
 * One thread's FLIGHT_JOBS jobs, queued on every core in turn without
 * waiting, each fence at the next point of the thread's timeline; then
 * the wait for the last point, and the results checked.
 */
static void *flight_run(void *p)
{
	struct drm_dummy_accel_submit job = { .op = DUMMY_ACCEL_OP_SUM };
	struct flight *f = p;
	struct accel_bo in, out;
	uint64_t want;
	uint32_t tl, i;

	f->err = accel_bo_new(f->fd, 4096, &in);
	if (f->err)
		return NULL;
	f->err = accel_bo_new(f->fd, FLIGHT_JOBS * 8, &out);
	tl = accel_syncobj_new(f->fd, 0);
	if (!f->err && !tl)
		f->err = -errno;
	for (i = 0; i < 8; i++)
		((uint32_t *)in.map)[i] = 1000 * f->t + i;
	for (i = 0; !f->err && i < FLIGHT_JOBS; i++) {
		job.in_handle = in.handle;
		job.count = i % 8 + 1;
		job.out_handle = out.handle;
		job.out_offset = 8 * i;
		job.core = i % f->cores;
		job.out_syncobj = (struct drm_dummy_accel_syncobj){ .handle = tl, .point = i + 1 };
		if (ioctl(f->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job))
			f->err = -errno;
	}
	if (!f->err)
		f->err = accel_syncobj_wait(f->fd, tl, FLIGHT_JOBS);
	for (i = 0; !f->err && i < FLIGHT_JOBS; i++) {
		/* the first i % 8 + 1 elements: 1000 t each, and 0 + 1 + ... */
		want = (i % 8 + 1) * 1000ULL * f->t + (i % 8) * (i % 8 + 1) / 2;
		f->right += ((uint64_t *)out.map)[i] == want;
	}
	if (tl)
		accel_syncobj_free(f->fd, tl);
	if (out.map)
		accel_bo_free(f->fd, &out);
	accel_bo_free(f->fd, &in);
	return NULL;
}

/*
 * FLIGHT_THREADS threads queue FLIGHT_JOBS jobs each on one file, across
 * the first four cores, without waiting in between: all complete, each
 * with its own result.
 */
TEST_F(accel, jobs_in_flight_four_threads_four_cores)
{
	struct drm_dummy_accel_get_param p = { .param = DUMMY_ACCEL_PARAM_NUM_CORES };
	struct flight f[FLIGHT_THREADS];
	unsigned int i;
	double start;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
	ASSERT_LE(1, p.value);
	start = accel_now();
	for (i = 0; i < FLIGHT_THREADS; i++) {
		f[i] = (struct flight){ .fd = self->fd, .t = i + 1,
					.cores = p.value < 4 ? p.value : 4 };
		ASSERT_EQ(0, pthread_create(&f[i].th, NULL, flight_run, &f[i]));
	}
	for (i = 0; i < FLIGHT_THREADS; i++) {
		pthread_join(f[i].th, NULL);
		EXPECT_EQ(0, f[i].err) TH_LOG("thread %u: %s", i, strerror(-f[i].err));
		EXPECT_EQ(FLIGHT_JOBS, f[i].right) TH_LOG("thread %u", i);
	}
	TH_LOG("%d jobs on %u cores in %.2f s", FLIGHT_THREADS * FLIGHT_JOBS, f[0].cores,
	       accel_now() - start);
}

/*
 * Is @line a line of the usage statistics (Documentation/gpu/
 * drm-usage-stats.rst)? "drm-<name>:", whitespace, a value without
 * whitespace, optionally one space and a unit the document defines.
 */
static int fdinfo_line_valid(const char *line)
{
	static const char * const units[] = { "ns", "KiB", "MiB", "Hz", "KHz", "MHz" };
	size_t k = 4 + strspn(line + 4, "abcdefghijklmnopqrstuvwxyz0123456789-_");
	const char *v, *u;
	size_t n, i;

	if (strncmp(line, "drm-", 4) || k == 4 || line[k] != ':')
		return 0;
	v = line + k + 1 + strspn(line + k + 1, " \t");
	n = strcspn(v, " \t\n");
	if (!n || v == line + k + 1)
		return 0;
	u = v + n;
	if (*u != ' ')
		return !strcmp(u, "\n");
	u++;
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		n = strlen(units[i]);
		if (!strncmp(u, units[i], n) && !strcmp(u + n, "\n"))
			return 1;
	}
	return 0;
}

/*
 * The number of drm- keys in /proc/self/fdinfo/@fd, or -1 if it cannot be
 * read; the first line not in the form of fdinfo_line_valid() into @bad.
 */
static int fdinfo_keys(int fd, char *bad, size_t len)
{
	char path[64], line[256];
	int keys = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "drm-", 4))
			continue;
		keys++;
		if (!fdinfo_line_valid(line) && !bad[0])
			snprintf(bad, len, "%s", line);
	}
	fclose(f);
	return keys;
}

/*
 * /proc/self/fdinfo/<fd> of an accel file has the usage statistics of
 * Documentation/gpu/drm-usage-stats.rst: every drm- line in the form the
 * document gives, drm-driver naming the driver, a numeric drm-client-id,
 * and for a file that has done nothing yet no busy time and no memory.
 * The cores are one engine, "core", of NUM_CORES units: the capacity key
 * is there when there is more than one; its clock (drm-maxfreq-core) is
 * 1000 MHz, as the dummy device's register reads, and no cycles yet. No drm-pdev: the device
 * is not on PCI.
 */
TEST_F(accel, fdinfo_keys_and_units)
{
	struct drm_dummy_accel_get_param p = { .param = DUMMY_ACCEL_PARAM_NUM_CORES };
	char bad[256] = "", val[64];

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
	/*
	 * drm-driver, -client-id, -engine-core, -cycles-core, -maxfreq-core,
	 * -memory-system, -capacity-core
	 */
	EXPECT_EQ(p.value > 1 ? 7 : 6, fdinfo_keys(self->fd, bad, sizeof(bad)));
	EXPECT_STREQ("", bad);
	ASSERT_EQ(0, accel_fdinfo(self->fd, "drm-driver", val, sizeof(val)));
	EXPECT_STREQ("dummy_accel", val);
	EXPECT_LE(0, accel_fdinfo_num(self->fd, "drm-client-id", ""));
	EXPECT_EQ(0, accel_fdinfo_num(self->fd, "drm-engine-core", "ns"));
	EXPECT_EQ(0, accel_fdinfo_num(self->fd, "drm-memory-system", "KiB"));
	EXPECT_EQ(0, accel_fdinfo_num(self->fd, "drm-cycles-core", ""));
	EXPECT_EQ(1000, accel_fdinfo_num(self->fd, "drm-maxfreq-core", "MHz"));
	/* -1: no such key, which is right for one core */
	EXPECT_EQ(p.value > 1 ? (long long)p.value : -1,
		  accel_fdinfo_num(self->fd, "drm-engine-capacity-core", ""));
	EXPECT_EQ(-1, accel_fdinfo(self->fd, "drm-pdev", val, sizeof(val)));
}

/*
 * fdinfo follows the file's work. drm-memory-system is the size of its
 * buffers, in KiB. drm-engine-core grows with every job, on whichever
 * core it ran, and stays within the wall time the jobs took (they run
 * one at a time here); at the cores' 1000 MHz, drm-cycles-core is the
 * same number. A duplicate of the fd is the same client; another open
 * file of the device is another client, with none of this usage.
 */
TEST_F(accel, fdinfo_usage_follows_work)
{
	struct drm_dummy_accel_get_param p = { .param = DUMMY_ACCEL_PARAM_NUM_CORES };
	struct drm_dummy_accel_submit job = {
		.count = DUMMY_ACCEL_MAX_ELEMENTS, .op = DUMMY_ACCEL_OP_CRC32,
	};
	long long busy = 0, now, id;
	struct accel_bo in, page;
	uint64_t result;
	int other, dup_fd;
	double start;
	unsigned int i;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
	ASSERT_EQ(0, accel_bo_new(self->fd, DUMMY_ACCEL_MAX_ELEMENTS * 4, &in));
	ASSERT_EQ(0, accel_bo_new(self->fd, 4096, &page));
	EXPECT_EQ(DUMMY_ACCEL_MAX_ELEMENTS * 4 / 1024 + 4,
		  accel_fdinfo_num(self->fd, "drm-memory-system", "KiB"));
	EXPECT_EQ(0, accel_fdinfo_num(self->fd, "drm-engine-core", "ns"));

	/* two jobs on each of the first four cores */
	job.in_handle = in.handle;
	start = accel_now();
	for (i = 0; i < 8; i++) {
		job.core = i / 2 % p.value;
		ASSERT_EQ(0, accel_job_wait(self->fd, &job, &result));
		now = accel_fdinfo_num(self->fd, "drm-engine-core", "ns");
		EXPECT_LT(busy, now) TH_LOG("job %u on core %u", i, job.core);
		busy = now;
	}
	EXPECT_GE((accel_now() - start) * 1e9, busy);
	EXPECT_EQ(busy, accel_fdinfo_num(self->fd, "drm-cycles-core", ""));
	TH_LOG("8 jobs of %d elements: %lld ns busy", DUMMY_ACCEL_MAX_ELEMENTS, busy);

	EXPECT_EQ(0, accel_bo_free(self->fd, &page));
	EXPECT_EQ(DUMMY_ACCEL_MAX_ELEMENTS * 4 / 1024,
		  accel_fdinfo_num(self->fd, "drm-memory-system", "KiB"));

	/* ids start at 1 */
	id = accel_fdinfo_num(self->fd, "drm-client-id", "");
	ASSERT_LT(0, id);
	dup_fd = dup(self->fd);
	ASSERT_LE(0, dup_fd);
	EXPECT_EQ(id, accel_fdinfo_num(dup_fd, "drm-client-id", ""));
	EXPECT_EQ(busy, accel_fdinfo_num(dup_fd, "drm-engine-core", "ns"));
	close(dup_fd);
	other = open(self->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	now = accel_fdinfo_num(other, "drm-client-id", "");
	EXPECT_LT(0, now);
	EXPECT_NE(id, now);
	EXPECT_EQ(0, accel_fdinfo_num(other, "drm-engine-core", "ns"));
	EXPECT_EQ(0, accel_fdinfo_num(other, "drm-memory-system", "KiB"));
	close(other);

	EXPECT_EQ(0, accel_bo_free(self->fd, &in));
	EXPECT_EQ(0, accel_fdinfo_num(self->fd, "drm-memory-system", "KiB"));
	EXPECT_EQ(busy, accel_fdinfo_num(self->fd, "drm-engine-core", "ns"));
}

FIXTURE(submit_error) {
	int fd;
	const char *why;
	struct accel_bo in, out;
	/* a variant's syncobj, and the out-syncobj of the others */
	uint32_t sync, out_sync;
};

/*
 * The buffer a variant's job names: by default the fixture's as input and
 * none as output; the fixture's, a handle the file lacks, or handle 0.
 */
enum { BO_DEFAULT, BO_FIXTURE, BO_UNKNOWN, BO_ZERO };

FIXTURE_VARIANT(submit_error) {
	uint32_t count;
	uint32_t op;
	uint32_t flags;
	uint32_t pad;
	int in;
	uint64_t in_offset;
	int out;
	uint64_t out_offset;
	uint32_t core;
	int in_sync;
	int out_sync;
	int err;
};

/* in_sync: the job's in-syncobjs; out_sync: its out-syncobj */
enum { SYNC_NONE, SYNC_FIXTURE, SYNC_UNKNOWN, SYNC_FLAGS, SYNC_UNREADABLE, SYNC_TOO_MANY,
	SYNC_POINT_ALONE };

FIXTURE_VARIANT_ADD(submit_error, count_zero) { .count = 0, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, count_over_max) {
	.count = DUMMY_ACCEL_MAX_ELEMENTS + 1, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, unknown_op) { .count = 1, .op = 3, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, flags_set) { .count = 1, .flags = 1, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, pad_set) { .count = 1, .pad = 1, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, in_handle_unknown) {
	.count = 1, .in = BO_UNKNOWN, .err = ENOENT };
FIXTURE_VARIANT_ADD(submit_error, in_handle_zero) { .count = 1, .in = BO_ZERO, .err = ENOENT };
/* the fixture's input buffer is one page, 1024 elements */
FIXTURE_VARIANT_ADD(submit_error, in_past_end) { .count = 2, .in_offset = 1023, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, in_count_past_end) { .count = 1025, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, in_offset_bytes_overflow) {
	.count = 1, .in_offset = UINT64_MAX / 4 + 1, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, in_offset_end_overflow) {
	.count = 2, .in_offset = UINT64_MAX / 4, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, out_handle_unknown) {
	.count = 1, .out = BO_UNKNOWN, .err = ENOENT };
FIXTURE_VARIANT_ADD(submit_error, out_offset_unaligned) {
	.count = 1, .out = BO_FIXTURE, .out_offset = 4, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, out_past_end) {
	.count = 1, .out = BO_FIXTURE, .out_offset = 4096, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, out_offset_end_overflow) {
	.count = 1, .out = BO_FIXTURE, .out_offset = UINT64_MAX - 7, .err = EINVAL };
/* the dummy device has 4 cores unless loaded with num_cores */
FIXTURE_VARIANT_ADD(submit_error, core_past_last) { .count = 1, .core = 64, .err = EINVAL };
/* a syncobj just created has no fence to wait for */
FIXTURE_VARIANT_ADD(submit_error, in_syncobj_without_fence) {
	.count = 1, .in_sync = SYNC_FIXTURE, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, in_syncobj_unknown) {
	.count = 1, .in_sync = SYNC_UNKNOWN, .err = ENOENT };
FIXTURE_VARIANT_ADD(submit_error, in_syncobj_flags_set) {
	.count = 1, .in_sync = SYNC_FLAGS, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, in_syncobjs_unreadable) {
	.count = 1, .in_sync = SYNC_UNREADABLE, .err = EFAULT };
FIXTURE_VARIANT_ADD(submit_error, in_syncobjs_too_many) {
	.count = 1, .in_sync = SYNC_TOO_MANY, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, out_syncobj_unknown) {
	.count = 1, .out_sync = SYNC_UNKNOWN, .err = ENOENT };
FIXTURE_VARIANT_ADD(submit_error, out_syncobj_flags_set) {
	.count = 1, .out_sync = SYNC_FLAGS, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, out_point_without_syncobj) {
	.count = 1, .out_sync = SYNC_POINT_ALONE, .err = EINVAL };

FIXTURE_SETUP(submit_error)
{
	int index;

	self->fd = open_dummy(_metadata, &index, &self->why);
	if (self->fd < 0)
		return;
	ASSERT_EQ(0, accel_bo_new(self->fd, 4096, &self->in));
	ASSERT_EQ(0, accel_bo_new(self->fd, 4096, &self->out));
	self->sync = accel_syncobj_new(self->fd, 0);
	ASSERT_NE(0, self->sync);
	self->out_sync = accel_syncobj_new(self->fd, 0);
	ASSERT_NE(0, self->out_sync);
}

FIXTURE_TEARDOWN(submit_error)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* the handle a variant's BO_* stands for */
static uint32_t submit_handle(int which, const struct accel_bo *bo)
{
	return which == BO_FIXTURE ? bo->handle : which == BO_UNKNOWN ? 0xdead : 0;
}

/* What a variant's SYNC_* stands for, in @s */
static void submit_syncobj(int which, uint32_t fixture, struct drm_dummy_accel_syncobj *s)
{
	s->handle = which == SYNC_UNKNOWN ? 0xdead : which == SYNC_POINT_ALONE ? 0 : fixture;
	s->flags = which == SYNC_FLAGS;
	s->point = which == SYNC_POINT_ALONE;
}

/*
 * A refused job runs nothing: no result written, no fence in its
 * out-syncobj. A variant about anything but the out-syncobj names a
 * valid one, so that a check made after the out-syncobj is looked up
 * still leaves it untouched.
 */
TEST_F(submit_error, fails_with_errno)
{
	struct drm_dummy_accel_syncobj in = { 0 };
	struct drm_dummy_accel_submit job = {
		.count = variant->count,
		.op = variant->op,
		.flags = variant->flags,
		.pad = variant->pad,
		.core = variant->core,
		.in_offset = variant->in_offset,
		.out_offset = variant->out_offset,
	};

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	job.in_handle = submit_handle(variant->in ?: BO_FIXTURE, &self->in);
	job.out_handle = variant->out ? submit_handle(variant->out, &self->out) : 0;
	if (variant->in_sync) {
		submit_syncobj(variant->in_sync, self->sync, &in);
		job.in_syncobjs = variant->in_sync == SYNC_UNREADABLE ? 0 : (uintptr_t)&in;
		job.in_syncobj_count = variant->in_sync == SYNC_TOO_MANY ?
				       DUMMY_ACCEL_MAX_IN_SYNCOBJS + 1 : 1;
	}
	if (variant->out_sync)
		submit_syncobj(variant->out_sync, self->sync, &job.out_syncobj);
	else
		job.out_syncobj.handle = self->out_sync;
	((uint32_t *)self->in.map)[0] = 7;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	EXPECT_EQ(variant->err, errno);
	/* nothing ran, nothing went into either syncobj */
	EXPECT_EQ(-EINVAL, accel_syncobj_wait_flags(self->fd, self->sync, 0, 0));
	EXPECT_EQ(-EINVAL, accel_syncobj_wait_flags(self->fd, self->out_sync, 0, 0));
	EXPECT_EQ(0, ((uint64_t *)self->out.map)[0]);
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, NULL));
	EXPECT_EQ(EFAULT, errno);
}

/* What a runtime asks before it allocates */
TEST_F(accel, bo_params)
{
	struct drm_dummy_accel_get_param p = { .param = DUMMY_ACCEL_PARAM_MAX_BO_SIZE };

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
	EXPECT_EQ(DUMMY_ACCEL_MAX_BO_SIZE, p.value);
	p.param = DUMMY_ACCEL_PARAM_BO_ALIGNMENT;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
	EXPECT_EQ(sysconf(_SC_PAGESIZE), p.value);
}

/*
 * A buffer is rounded up to pages and starts zeroed; BO_INFO gives its
 * size and the offset creation gave. The largest buffer is created too:
 * its pages come at first use.
 */
TEST_F(accel, bo_create_rounds_up_and_zeroes)
{
	long page = sysconf(_SC_PAGESIZE);
	struct drm_dummy_accel_bo_create c = { .size = 5 };
	struct drm_dummy_accel_bo_info info = { 0 };
	unsigned char *m;
	long i, nonzero = 0;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_BO_CREATE, &c));
	EXPECT_NE(0, c.handle);
	EXPECT_NE(0, c.offset);
	info.handle = c.handle;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_BO_INFO, &info));
	EXPECT_EQ(page, info.size);
	EXPECT_EQ(c.offset, info.offset);
	m = mmap(NULL, page, PROT_READ, MAP_SHARED, self->fd, info.offset);
	ASSERT_TRUE(m != MAP_FAILED);
	for (i = 0; i < page; i++)
		nonzero += m[i] != 0;
	EXPECT_EQ(0, nonzero);
	EXPECT_EQ(0, munmap(m, page));
	EXPECT_EQ(0, accel_gem_close(self->fd, c.handle));

	c.size = DUMMY_ACCEL_MAX_BO_SIZE;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_BO_CREATE, &c));
	EXPECT_EQ(0, accel_gem_close(self->fd, c.handle));
}

FIXTURE(bo_create_error) {
	int fd;
	const char *why;
};

FIXTURE_VARIANT(bo_create_error) {
	uint64_t size;
	uint32_t flags;
	int null_pointer;
	int err;
};

FIXTURE_VARIANT_ADD(bo_create_error, size_zero) { .size = 0, .err = EINVAL };
FIXTURE_VARIANT_ADD(bo_create_error, size_over_max) {
	.size = DUMMY_ACCEL_MAX_BO_SIZE + 1, .err = EINVAL };
/* rounded up to pages, the size would wrap to 0 */
FIXTURE_VARIANT_ADD(bo_create_error, size_wraps_when_rounded) { .size = UINT64_MAX, .err = EINVAL };
FIXTURE_VARIANT_ADD(bo_create_error, flags_set) { .size = 4096, .flags = 1, .err = EINVAL };
FIXTURE_VARIANT_ADD(bo_create_error, null_pointer) { .null_pointer = 1, .err = EFAULT };

FIXTURE_SETUP(bo_create_error)
{
	int index;

	self->fd = open_dummy(_metadata, &index, &self->why);
}

FIXTURE_TEARDOWN(bo_create_error)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* A refused creation makes no handle: the next buffer gets handle 1. */
TEST_F(bo_create_error, fails_with_errno)
{
	struct drm_dummy_accel_bo_create c = { .size = variant->size, .flags = variant->flags };

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_BO_CREATE,
			    variant->null_pointer ? NULL : &c));
	EXPECT_EQ(variant->err, errno);
	EXPECT_EQ(0, c.handle);
	c.size = 4096;
	c.flags = 0;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_BO_CREATE, &c));
	EXPECT_EQ(1, c.handle);
}

/* BO_INFO and GEM_CLOSE of handles the file does not have */
TEST_F(accel, bo_handle_errors)
{
	struct drm_dummy_accel_bo_info info = { .handle = 0xdead };
	struct accel_bo bo;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_BO_INFO, &info));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-EINVAL, accel_gem_close(self->fd, 0xdead));
	EXPECT_EQ(-EINVAL, accel_gem_close(self->fd, 0));
	ASSERT_EQ(0, accel_bo_new(self->fd, 4096, &bo));
	info.handle = bo.handle;
	info.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_BO_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_BO_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);
	/* closed once, the handle is gone */
	EXPECT_EQ(0, accel_bo_free(self->fd, &bo));
	EXPECT_EQ(-EINVAL, accel_gem_close(self->fd, bo.handle));
	info.flags = 0;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_BO_INFO, &info));
	EXPECT_EQ(ENOENT, errno);
}

/*
 * One step of the sweep below, run with an allocation failing: BO_CREATE
 * of a page (closed again when it worked) or a job on buffer @arg.
 * 0 or -errno.
 */
static int step_bo_create(int fd, uint32_t arg)
{
	struct drm_dummy_accel_bo_create c = { .size = 4096 };

	(void)arg;
	if (ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_BO_CREATE, &c))
		return -errno;
	return accel_gem_close(fd, c.handle);
}

static int step_submit(int fd, uint32_t arg)
{
	struct drm_dummy_accel_submit job = { .count = 1, .in_handle = arg };

	return ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job) ? -errno : 0;
}

static int step_bo_info(int fd, uint32_t arg)
{
	struct drm_dummy_accel_bo_info info = { .handle = arg };

	return ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_BO_INFO, &info) ? -errno : 0;
}

struct sweep {
	int failures;	/* runs that failed as they should */
	int wrong;	/* runs that failed with another error */
	int first_wrong;
	int swallowed;	/* runs that reached the failure and worked */
	int allocations;
	int last;	/* the run that did not reach the failure: 0 or -errno */
};

/*
 * Run @step once for n = 1, 2, ... with the nth slab allocation of this
 * thread failing, until a run makes fewer than n allocations. failslab's
 * knobs must let it fail GFP_KERNEL allocations.
 */
static void sweep_allocations(int fd, int (*step)(int fd, uint32_t arg),
			      uint32_t arg, struct sweep *s)
{
	int nth, fail, left, ret;

	memset(s, 0, sizeof(*s));
	for (nth = 1; nth < 1000; nth++) {
		fail = accel_fail_nth_arm(nth);
		if (fail < 0)
			break;
		ret = step(fd, arg);
		left = accel_fail_nth_disarm(fail);
		s->last = ret;
		if (left)
			break;
		if (!ret)
			s->swallowed++;
		else if (ret == -ENOMEM)
			s->failures++;
		else if (!s->wrong++)
			s->first_wrong = ret;
	}
	s->allocations = nth - 1;
}

/*
 * Every slab allocation of BO_CREATE and SUBMIT failed in turn: the ioctl
 * fails with ENOMEM, as drm-uapi.rst asks for "simply running out of
 * kernel/system memory", or carries on without what it could not have
 * (kmemleak falls back to its pool, say). No handle is left behind: the
 * next buffer gets handle 1 again. BO_INFO allocates nothing, so memory
 * running out cannot fail it (uapi.rst).
 */
TEST_F(accel, bo_ioctls_with_each_allocation_failing)
{
	char ignore_gfp_wait[8], verbose[16];
	struct sweep create = { 0 }, submit = { 0 }, info = { 0 };
	struct accel_bo bo;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: debugfs (failslab)");
	if (!accel_debugfs_mounted())
		SKIP(return, NO_DEBUGFS);
	if (accel_failslab_save(ignore_gfp_wait, sizeof(ignore_gfp_wait),
				verbose, sizeof(verbose)))
		SKIP(return, ACCEL_NO_FAILSLAB);
	ASSERT_EQ(0, accel_bo_new(self->fd, 4096, &bo));
	EXPECT_EQ(1, bo.handle);

	/* fail GFP_KERNEL allocations too, without a stack dump each */
	ASSERT_EQ(0, accel_write_str(ACCEL_FAILSLAB "ignore-gfp-wait", "N"));
	if (accel_write_str(ACCEL_FAILSLAB "verbose", "0") == 0) {
		sweep_allocations(self->fd, step_bo_create, 0, &create);
		sweep_allocations(self->fd, step_submit, bo.handle, &submit);
		sweep_allocations(self->fd, step_bo_info, bo.handle, &info);
	}
	ASSERT_EQ(0, accel_failslab_restore(ignore_gfp_wait, verbose));

	TH_LOG("BO_CREATE: %d allocations, %d failed it, %d swallowed",
	       create.allocations, create.failures, create.swallowed);
	TH_LOG("SUBMIT: %d allocations, %d failed it, %d swallowed",
	       submit.allocations, submit.failures, submit.swallowed);
	EXPECT_EQ(0, info.allocations);
	EXPECT_EQ(0, info.last) TH_LOG("BO_INFO failed with %s", strerror(-info.last));
	EXPECT_LT(0, create.failures);
	EXPECT_EQ(0, create.wrong) TH_LOG("BO_CREATE failed with %s",
					  strerror(-create.first_wrong));
	/* SUBMIT allocates its job at least: the sweep reached it */
	EXPECT_LT(0, submit.failures);
	EXPECT_EQ(0, submit.wrong) TH_LOG("SUBMIT failed with %s",
					  strerror(-submit.first_wrong));
	EXPECT_EQ(0, accel_bo_free(self->fd, &bo));
	ASSERT_EQ(0, accel_bo_new(self->fd, 4096, &bo));
	EXPECT_EQ(1, bo.handle);
	EXPECT_EQ(0, accel_bo_free(self->fd, &bo));
}

/* A mapping keeps its buffer: the handle closed, the data stays until munmap(). */
TEST_F(accel, mapping_outlives_handle)
{
	struct drm_dummy_accel_submit job = { .count = 1 };
	struct accel_bo bo;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, accel_bo_new(self->fd, 4096, &bo));
	((uint32_t *)bo.map)[0] = 41;
	ASSERT_EQ(0, accel_gem_close(self->fd, bo.handle));
	job.in_handle = bo.handle;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	EXPECT_EQ(ENOENT, errno);
	((uint32_t *)bo.map)[0]++;
	EXPECT_EQ(42, ((uint32_t *)bo.map)[0]);
	EXPECT_EQ(0, munmap(bo.map, bo.size));
}

/* Export @handle of @fd as a dma-buf; its fd, or -errno */
static int prime_export(int fd, uint32_t handle)
{
	struct drm_prime_handle p = { .handle = handle, .flags = DRM_CLOEXEC | DRM_RDWR };

	return ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p) ? -errno : p.fd;
}

/* Import dma-buf @dmabuf on @fd: the handle, or 0 with errno set */
static uint32_t prime_import(int fd, int dmabuf)
{
	struct drm_prime_handle p = { .fd = dmabuf };

	return ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p) ? 0 : p.handle;
}

/* Map the buffer @handle of @fd through BO_INFO's offset; MAP_FAILED on error */
static void *bo_info_map(int fd, uint32_t handle, uint64_t *size)
{
	struct drm_dummy_accel_bo_info info = { .handle = handle };

	if (ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_BO_INFO, &info))
		return MAP_FAILED;
	*size = info.size;
	return mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, info.offset);
}

/*
 * Two files of one device share a buffer through a dma-buf: the importer
 * gets a handle of its own to the same memory, sees what the exporter
 * wrote, runs jobs on it, and its writes show in the exporter's mapping.
 * Importing the same dma-buf again gives the same handle; the exporter
 * importing its own gets its own handle back.
 */
TEST_F(accel, prime_two_files_share_a_buffer)
{
	struct drm_dummy_accel_submit job = { .count = 2, .op = DUMMY_ACCEL_OP_SUM };
	uint64_t result = 0;
	uint32_t *m2, handle;
	struct accel_bo bo;
	uint64_t size;
	int other, dmabuf, closed;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	other = open(self->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, accel_bo_new(self->fd, 8192, &bo));
	((uint32_t *)bo.map)[0] = 40;
	((uint32_t *)bo.map)[1] = 2;
	dmabuf = prime_export(self->fd, bo.handle);
	ASSERT_LE(0, dmabuf) TH_LOG("PRIME_HANDLE_TO_FD: %s", strerror(-dmabuf));
	handle = prime_import(other, dmabuf);
	ASSERT_NE(0, handle) TH_LOG("PRIME_FD_TO_HANDLE: %s", strerror(errno));
	EXPECT_EQ(handle, prime_import(other, dmabuf));
	EXPECT_EQ(bo.handle, prime_import(self->fd, dmabuf));
	/* an fd that is not open */
	closed = dup(dmabuf);
	ASSERT_LE(0, closed);
	close(closed);
	EXPECT_EQ(0, prime_import(other, closed));
	EXPECT_EQ(EBADF, errno);
	/* a buffer of the device, not an import: it counts in both files */
	EXPECT_EQ(8, accel_fdinfo_num(self->fd, "drm-memory-system", "KiB"));
	EXPECT_EQ(8, accel_fdinfo_num(other, "drm-memory-system", "KiB"));

	job.in_handle = handle;
	ASSERT_EQ(0, accel_job_wait(other, &job, &result));
	EXPECT_EQ(42, result);
	m2 = bo_info_map(other, handle, &size);
	ASSERT_TRUE(m2 != MAP_FAILED);
	EXPECT_EQ(8192, size);
	EXPECT_EQ(40, m2[0]);
	m2[1024] = 7;
	EXPECT_EQ(7, ((uint32_t *)bo.map)[1024]);

	/* the exporter's handle closed, the importer's still holds the buffer */
	EXPECT_EQ(0, accel_bo_free(self->fd, &bo));
	close(dmabuf);
	job.in_offset = 1024;
	job.count = 1;
	ASSERT_EQ(0, accel_job_wait(other, &job, &result));
	EXPECT_EQ(7, result);
	EXPECT_EQ(0, munmap(m2, size));
	EXPECT_EQ(0, accel_gem_close(other, handle));
	close(other);
}

/*
 * A file closed with jobs in flight: a job made to hang holds up the next
 * one on its core, and the file is closed behind them. Both still run to
 * their end: the hung one times out, the next one writes its result into
 * the buffer (kept alive by its dma-buf) and signals its fence, exported
 * as a sync_file before the close. What the file held is freed once they
 * are done (kmemleak checks it after the run).
 */
TEST_F(accel, close_with_jobs_in_flight)
{
	struct drm_dummy_accel_submit job = { .count = 1, .op = DUMMY_ACCEL_OP_SUM };
	struct drm_syncobj_handle h = { .flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE };
	struct sync_file_info info = { 0 };
	struct pollfd pfd = { .events = POLLIN };
	long long timeout;
	struct accel_bo bo;
	int other, dmabuf;
	uint64_t *res;
	char path[96];

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: debugfs (hang_jobs)");
	timeout = hang_knob(self->index, path, sizeof(path));
	if (!timeout)
		SKIP(return, NO_DEBUGFS);
	ASSERT_LT(0, timeout);
	other = open(self->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, accel_bo_new(other, 4096, &bo));
	((uint32_t *)bo.map)[0] = 5;
	dmabuf = prime_export(other, bo.handle);
	ASSERT_LE(0, dmabuf);
	h.handle = accel_syncobj_new(other, 0);
	ASSERT_NE(0, h.handle);

	ASSERT_EQ(0, accel_write_str(path, "1"));
	job.in_handle = bo.handle;
	job.out_handle = bo.handle;
	job.out_offset = 8;
	ASSERT_EQ(0, ioctl(other, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	job.out_offset = 16;
	job.out_syncobj.handle = h.handle;
	ASSERT_EQ(0, ioctl(other, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	ASSERT_EQ(0, ioctl(other, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h));
	/* a mapping holds its file open: unmap first, then close */
	EXPECT_EQ(0, munmap(bo.map, bo.size));
	EXPECT_EQ(0, close(other));

	pfd.fd = h.fd;
	ASSERT_EQ(0, ioctl(h.fd, SYNC_IOC_FILE_INFO, &info));
	EXPECT_EQ(0, info.status) TH_LOG("the job ran before the hung one timed out");
	EXPECT_EQ(1, poll(&pfd, 1, timeout + 10000));
	/* the first call set num_fences: ask for the status alone again */
	info = (struct sync_file_info){ 0 };
	ASSERT_EQ(0, ioctl(h.fd, SYNC_IOC_FILE_INFO, &info));
	EXPECT_EQ(1, info.status);
	close(h.fd);

	res = mmap(NULL, 4096, PROT_READ, MAP_SHARED, dmabuf, 0);
	ASSERT_TRUE(res != MAP_FAILED);
	EXPECT_EQ(0, res[1]);
	EXPECT_EQ(5, res[2]);
	EXPECT_EQ(0, munmap(res, 4096));
	close(dmabuf);
}

/*
 * A dma-buf of another driver: udmabuf makes one of a memfd's pages. The
 * device imports it: a handle of the buffer's size, no mmap() offset (an
 * imported buffer is mapped through its dma-buf), and the same handle
 * for the same dma-buf again. A job on it fails with ENXIO, the error
 * drm-uapi.rst gives a feature the exporter lacks: the device reads
 * through the CPU, and udmabuf (6.1) cannot map its buffer into the kernel.
 */
TEST_F(accel, prime_import_udmabuf)
{
	struct drm_dummy_accel_submit job = { .count = 3, .op = DUMMY_ACCEL_OP_SUM };
	struct udmabuf_create create = { .flags = UDMABUF_FLAGS_CLOEXEC };
	struct drm_dummy_accel_bo_info info = { 0 };
	long page = sysconf(_SC_PAGESIZE);
	int memfd, dev, dmabuf;
	uint32_t handle;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	/* devtmpfs makes it 0600 root, udev group kvm: not for every user */
	if (dev < 0 && geteuid() && (errno == EACCES || errno == EPERM))
		SKIP(return, "needs root: /dev/udmabuf (or, with udev, group kvm)");
	ASSERT_LE(0, dev) TH_LOG("no /dev/udmabuf (CONFIG_UDMABUF): %s", strerror(errno));
	memfd = memfd_create("accel-udmabuf", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	ASSERT_LE(0, memfd);
	ASSERT_EQ(0, ftruncate(memfd, 2 * page));
	ASSERT_EQ(0, fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK));
	create.memfd = memfd;
	create.size = 2 * page;
	dmabuf = ioctl(dev, UDMABUF_CREATE, &create);
	ASSERT_LE(0, dmabuf) TH_LOG("UDMABUF_CREATE: %s", strerror(errno));
	close(dev);

	handle = prime_import(self->fd, dmabuf);
	ASSERT_NE(0, handle) TH_LOG("PRIME_FD_TO_HANDLE: %s", strerror(errno));
	EXPECT_EQ(handle, prime_import(self->fd, dmabuf));
	info.handle = handle;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_BO_INFO, &info));
	EXPECT_EQ(2 * page, info.size);
	EXPECT_EQ(0, info.offset);
	/* the memory is udmabuf's: the client's own is still none */
	EXPECT_EQ(0, accel_fdinfo_num(self->fd, "drm-memory-system", "KiB"));
	job.in_handle = handle;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(0, accel_gem_close(self->fd, handle));
	close(dmabuf);
	close(memfd);
}

/* The card node of vgem, loaded for the test; -1 if there is none */
static int vgem_open(void)
{
	char path[32], name[16];
	int i, fd;

	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!accel_driver_name(fd, name, sizeof(name)) && !strcmp(name, "vgem"))
			return fd;
		close(fd);
	}
	return -1;
}

/* vgem's card node, with vgem loaded if it is a module; -1 if there is none */
static int vgem_load(void)
{
	if (access("/sys/module/vgem/refcnt", F_OK))
		accel_sh("modprobe vgem 2>/dev/null");
	return vgem_open();
}

/* Unload vgem if it is a module (it may be built in): 0 or rmmod's status */
static int vgem_unload(void)
{
	int i, ret = 0;

	if (access("/sys/module/vgem/refcnt", F_OK))
		return 0;
	/*
	 * A job's buffers, an import of vgem's among them, are released by
	 * the scheduler's free_job after the job's fence signalled, and the
	 * dma-buf's file from the delayed fput work after that: vgem may
	 * stay held a moment after the test dropped all it had.
	 */
	for (i = 0; i < 50; i++) {
		ret = syscall(SYS_delete_module, "vgem", O_NONBLOCK);
		if (!ret || errno != EWOULDBLOCK)
			break;
		usleep(100000);
	}
	return ret ? -errno : 0;
}

/*
 * A buffer of another DRM driver: a dumb buffer of vgem, exported from
 * its card node. The accel device imports it, and a job reads what was
 * written through vgem's mapping: one memory, two drivers.
 */
TEST_F(accel, prime_import_vgem)
{
	struct drm_mode_create_dumb dumb = { .width = 1024, .height = 1, .bpp = 32 };
	struct drm_dummy_accel_submit job = { .count = 3, .op = DUMMY_ACCEL_OP_SUM };
	struct drm_mode_map_dumb map = { 0 };
	uint64_t result = 0;
	int card, dmabuf;
	uint32_t handle;
	uint32_t *m;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: loads vgem, opens its card node");
	card = vgem_load();
	ASSERT_LE(0, card) TH_LOG("no vgem (CONFIG_DRM_VGEM): no /dev/dri/card* of it opens");
	ASSERT_EQ(0, ioctl(card, DRM_IOCTL_MODE_CREATE_DUMB, &dumb));
	map.handle = dumb.handle;
	ASSERT_EQ(0, ioctl(card, DRM_IOCTL_MODE_MAP_DUMB, &map));
	m = mmap(NULL, dumb.size, PROT_READ | PROT_WRITE, MAP_SHARED, card, map.offset);
	ASSERT_TRUE(m != MAP_FAILED);
	m[0] = 1000;
	m[1] = 200;
	m[2] = 34;
	dmabuf = prime_export(card, dumb.handle);
	ASSERT_LE(0, dmabuf) TH_LOG("vgem's PRIME_HANDLE_TO_FD: %s", strerror(-dmabuf));

	handle = prime_import(self->fd, dmabuf);
	ASSERT_NE(0, handle) TH_LOG("PRIME_FD_TO_HANDLE of vgem's buffer: %s", strerror(errno));
	job.in_handle = handle;
	ASSERT_EQ(0, accel_job_wait(self->fd, &job, &result));
	EXPECT_EQ(1234, result);
	m[1] = 0;
	ASSERT_EQ(0, accel_job_wait(self->fd, &job, &result));
	EXPECT_EQ(1034, result);

	EXPECT_EQ(0, accel_gem_close(self->fd, handle));
	close(dmabuf);
	EXPECT_EQ(0, munmap(m, dumb.size));
	close(card);
	EXPECT_EQ(0, vgem_unload());
}

/*
 * A vgem buffer with a fence of vgem's attached (VGEM_FENCE_ATTACH): a
 * fence of another driver, unsignalled until VGEM_FENCE_SIGNAL, which
 * anyone with a DRM node can make. Its card, buffer and dma-buf.
 */
struct vgem_fenced {
	int card;
	uint32_t handle;
	uint32_t fence;
	int dmabuf;
};

/*
 * Load vgem and make a buffer fenced for writing: 0 or -errno. vgem's
 * module unloads while its fences are held (6.1): drop every reference
 * to them (syncobjs, sync_files) before vgem_fenced_free().
 */
static int vgem_fenced_new(struct vgem_fenced *v)
{
	struct drm_mode_create_dumb dumb = { .width = 1024, .height = 1, .bpp = 32 };
	struct drm_vgem_fence_attach attach = { .flags = VGEM_FENCE_WRITE };

	v->card = vgem_load();
	if (v->card < 0)
		return -ENODEV;
	if (ioctl(v->card, DRM_IOCTL_MODE_CREATE_DUMB, &dumb))
		return -errno;
	v->handle = dumb.handle;
	attach.handle = dumb.handle;
	if (ioctl(v->card, DRM_IOCTL_VGEM_FENCE_ATTACH, &attach))
		return -errno;
	v->fence = attach.out_fence;
	v->dmabuf = prime_export(v->card, dumb.handle);
	return v->dmabuf < 0 ? v->dmabuf : 0;
}

static int vgem_fence_signal(struct vgem_fenced *v)
{
	struct drm_vgem_fence_signal sig = { .fence = v->fence };

	return ioctl(v->card, DRM_IOCTL_VGEM_FENCE_SIGNAL, &sig) ? -errno : 0;
}

static void vgem_fenced_free(struct vgem_fenced *v)
{
	close(v->dmabuf);
	close(v->card);
	vgem_unload();
}

/*
 * The fences of vgem buffer @v as a sync_file (DMA_BUF_IOCTL_EXPORT_SYNC_FILE),
 * imported into a new syncobj of @fd: its handle, or 0
 */
static uint32_t vgem_fence_syncobj(int fd, struct vgem_fenced *v)
{
	struct dma_buf_export_sync_file sf = { .flags = DMA_BUF_SYNC_WRITE };
	struct drm_syncobj_handle h = { .flags = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE };
	int ret;

	if (ioctl(v->dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &sf))
		return 0;
	h.handle = accel_syncobj_new(fd, 0);
	h.fd = sf.fd;
	ret = h.handle ? ioctl(fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &h) : -1;
	close(sf.fd);
	return ret ? 0 : h.handle;
}

/*
 * A job that waits for another driver's fence that does not signal
 * blocks only its own file on its core: another file's job on the same
 * core runs meanwhile. The waiting job runs once the fence signals.
 */
TEST_F(accel, foreign_dependency_blocks_its_file_only)
{
	struct drm_dummy_accel_submit job = { .count = 2, .op = DUMMY_ACCEL_OP_SUM };
	struct drm_dummy_accel_syncobj in = { 0 };
	struct drm_dummy_accel_submit other = { 0 };
	struct vgem_fenced v = { .card = -1, .dmabuf = -1 };
	uint32_t vals[2] = { 40, 2 }, out;
	struct accel_bo bo;
	uint64_t result = 0;
	int fd2;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: vgem's card node");
	ASSERT_EQ(0, vgem_fenced_new(&v)) TH_LOG("vgem: %s", strerror(errno));
	in.handle = vgem_fence_syncobj(self->fd, &v);
	ASSERT_NE(0, in.handle);
	ASSERT_EQ(0, accel_bo_new(self->fd, 4096, &bo));
	memcpy(bo.map, vals, sizeof(vals));
	out = accel_syncobj_new(self->fd, 0);
	ASSERT_NE(0, out);
	job.in_handle = bo.handle;
	job.out_handle = bo.handle;
	job.out_offset = 8;
	job.in_syncobjs = (uintptr_t)&in;
	job.in_syncobj_count = 1;
	job.out_syncobj.handle = out;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));

	fd2 = open(self->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, accel_submit_values(fd2, DUMMY_ACCEL_OP_SUM, vals, 2, &other, &result));
	EXPECT_EQ(42, result);
	EXPECT_EQ(1, accel_syncobj_pending(self->fd, out));
	EXPECT_EQ(0, ((uint64_t *)bo.map)[1]);

	ASSERT_EQ(0, vgem_fence_signal(&v));
	EXPECT_EQ(0, accel_syncobj_wait(self->fd, out, 0));
	EXPECT_EQ(1, accel_fence_status(self->fd, out));
	EXPECT_EQ(42, ((uint64_t *)bo.map)[1]);
	close(fd2);
	EXPECT_EQ(0, accel_bo_free(self->fd, &bo));
	/* vgem unloads even while its fences live on: none may be left */
	EXPECT_EQ(0, accel_syncobj_free(self->fd, in.handle));
	vgem_fenced_free(&v);
}

struct submit_thread {
	int fd;
	struct drm_dummy_accel_submit job;
	int err;
	int done;
};

static void *submit_thread(void *arg)
{
	struct submit_thread *st = arg;

	st->err = ioctl(st->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &st->job) ? errno : 0;
	__atomic_store_n(&st->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/*
 * Start @thread on a SUBMIT, on @fd, of a sum of @count elements of vgem
 * buffer @v imported there, its out-syncobj a new one: the ioctl waits
 * for vgem's fence. 0, or -1 if something could not be made.
 */
static int submit_on_fenced_vgem(int fd, struct vgem_fenced *v, uint32_t count,
				 struct submit_thread *st, pthread_t *thread)
{
	uint32_t handle = prime_import(fd, v->dmabuf), sync = accel_syncobj_new(fd, 0);

	if (!handle || !sync)
		return -1;
	st->fd = fd;
	st->job = (struct drm_dummy_accel_submit){
		.in_handle = handle, .count = count, .op = DUMMY_ACCEL_OP_SUM,
		.out_syncobj.handle = sync,
	};
	return pthread_create(thread, NULL, submit_thread, st) ? -1 : 0;
}

/*
 * Implicit synchronisation with another driver: a vgem buffer with a
 * write fence of vgem's pending, imported into the device, is read by a
 * job only after vgem signals it; the ioctl waits for it (the buffer is
 * imported), and the job then reads what vgem's writer left.
 */
TEST_F(accel, implicit_sync_waits_for_vgem_fence)
{
	struct drm_mode_map_dumb map = { 0 };
	struct vgem_fenced v = { .card = -1, .dmabuf = -1 };
	struct submit_thread st = { .fd = self->fd };
	pthread_t thread;
	uint32_t handle, sync;
	uint32_t *m;
	int i;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: vgem's card node");
	ASSERT_EQ(1, get_param(self->fd, DUMMY_ACCEL_PARAM_HAS_IMPLICIT_SYNC));
	ASSERT_EQ(0, vgem_fenced_new(&v)) TH_LOG("vgem: %s", strerror(errno));
	map.handle = v.handle;
	ASSERT_EQ(0, ioctl(v.card, DRM_IOCTL_MODE_MAP_DUMB, &map));
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, v.card, map.offset);
	ASSERT_TRUE(m != MAP_FAILED);
	ASSERT_EQ(0, submit_on_fenced_vgem(self->fd, &v, 2, &st, &thread));
	handle = st.job.in_handle;
	sync = st.job.out_syncobj.handle;
	usleep(200000);
	EXPECT_EQ(0, __atomic_load_n(&st.done, __ATOMIC_SEQ_CST));
	EXPECT_EQ(-EINVAL, accel_syncobj_wait_flags(self->fd, sync, 0, 0));

	/* the "writer" vgem stands for finishes its work, then signals */
	m[0] = 7;
	m[1] = 8;
	ASSERT_EQ(0, vgem_fence_signal(&v));
	for (i = 0; i < 5000 && !__atomic_load_n(&st.done, __ATOMIC_SEQ_CST); i++)
		usleep(1000);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(0, st.err);
	EXPECT_EQ(0, accel_syncobj_wait(self->fd, sync, 0));
	EXPECT_EQ(1, accel_fence_status(self->fd, sync));
	EXPECT_EQ(0, accel_gem_close(self->fd, handle));
	EXPECT_EQ(0, munmap(m, 4096));
	vgem_fenced_free(&v);
}

static void on_sigusr1(int sig)
{
	(void)sig;
}

/*
 * SUBMIT's wait for an imported buffer's pending work is interruptible:
 * a signal whose handler does not restart system calls ends it with
 * EINTR, and the job is not submitted (its out-syncobj stays empty).
 */
TEST_F(accel, implicit_sync_wait_interrupted_by_signal)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 }, old;
	struct vgem_fenced v = { .card = -1, .dmabuf = -1 };
	struct submit_thread st = { .fd = self->fd };
	uint32_t handle, sync;
	pthread_t thread;
	int i;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: vgem's card node");
	ASSERT_EQ(0, vgem_fenced_new(&v)) TH_LOG("vgem: %s", strerror(errno));
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, &old));
	ASSERT_EQ(0, submit_on_fenced_vgem(self->fd, &v, 1, &st, &thread));
	handle = st.job.in_handle;
	sync = st.job.out_syncobj.handle;
	usleep(100000);
	EXPECT_EQ(0, __atomic_load_n(&st.done, __ATOMIC_SEQ_CST));
	/* a signal sent before the ioctl waits is followed by another */
	for (i = 0; i < 100 && !__atomic_load_n(&st.done, __ATOMIC_SEQ_CST); i++) {
		pthread_kill(thread, SIGUSR1);
		usleep(20000);
	}
	ASSERT_EQ(1, __atomic_load_n(&st.done, __ATOMIC_SEQ_CST));
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(EINTR, st.err) TH_LOG("SUBMIT: %s", strerror(st.err));
	EXPECT_EQ(-EINVAL, accel_syncobj_wait_flags(self->fd, sync, 0, 0));
	EXPECT_EQ(0, sigaction(SIGUSR1, &old, NULL));

	ASSERT_EQ(0, vgem_fence_signal(&v));
	EXPECT_EQ(0, accel_gem_close(self->fd, handle));
	vgem_fenced_free(&v);
}

/*
 * The child of the test below: on a file of its own, a job waiting for
 * vgem's fence reads and writes the parent's buffer @dmabuf and signals
 * the parent's syncobj @sync_fd; then it waits to be killed. Writes 1 to
 * @ready once the job is submitted, 0 if it could not submit it.
 */
static void submit_and_wait_to_be_killed(const char *node, struct vgem_fenced *v,
					 int dmabuf, int sync_fd, int ready)
{
	struct drm_syncobj_handle h = { .fd = sync_fd };
	struct drm_dummy_accel_syncobj in = { 0 };
	struct drm_dummy_accel_submit job = {
		.count = 1, .op = DUMMY_ACCEL_OP_SUM, .out_offset = 8,
		.in_syncobjs = (uintptr_t)&in, .in_syncobj_count = 1,
	};
	char ok = 0;
	int fd;

	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd >= 0 && !ioctl(fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &h)) {
		job.in_handle = prime_import(fd, dmabuf);
		job.out_handle = job.in_handle;
		job.out_syncobj.handle = h.handle;
		in.handle = vgem_fence_syncobj(fd, v);
		ok = job.in_handle && in.handle &&
		     !ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job);
	}
	if (write(ready, &ok, 1) != 1 || !ok)
		_exit(1);
	for (;;)
		pause();
}

/*
 * A process killed with a job still waiting for a fence: its file's
 * close waits a second at most, then cancels the job, whose fence
 * signals -ESRCH; the job writes nothing, even once that fence signals.
 */
TEST_F(accel, killed_process_jobs_cancelled)
{
	struct drm_syncobj_handle h = { 0 };
	struct vgem_fenced v = { .card = -1, .dmabuf = -1 };
	struct accel_bo bo;
	int dmabuf, ready[2], status, i;
	pid_t pid, gone = 0;
	char ok = 0;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: vgem's card node");
	ASSERT_EQ(0, vgem_fenced_new(&v)) TH_LOG("vgem: %s", strerror(errno));
	ASSERT_EQ(0, accel_bo_new(self->fd, 4096, &bo));
	((uint32_t *)bo.map)[0] = 3;
	dmabuf = prime_export(self->fd, bo.handle);
	ASSERT_LE(0, dmabuf);
	h.handle = accel_syncobj_new(self->fd, 0);
	ASSERT_NE(0, h.handle);
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h));
	ASSERT_EQ(0, pipe(ready));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		submit_and_wait_to_be_killed(self->node, &v, dmabuf, h.fd, ready[1]);
	ASSERT_EQ(1, read(ready[0], &ok, 1));
	ASSERT_EQ(1, ok);
	EXPECT_EQ(1, accel_syncobj_pending(self->fd, h.handle));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	/* its close waits a second at most for the job to reach its core */
	for (i = 0; i < 300 && !(gone = waitpid(pid, &status, WNOHANG)); i++)
		usleep(10000);
	EXPECT_EQ(pid, gone) TH_LOG("the killed process had not exited 3 s later");
	if (gone != pid) {
		/* a close that waits for the job: let it end */
		vgem_fence_signal(&v);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
	}
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	EXPECT_EQ(0, accel_syncobj_wait(self->fd, h.handle, 0));
	EXPECT_EQ(-ESRCH, accel_fence_status(self->fd, h.handle));
	/* nor does it run once its dependency signals */
	if (gone == pid)
		ASSERT_EQ(0, vgem_fence_signal(&v));
	usleep(100000);
	EXPECT_EQ(-ESRCH, accel_fence_status(self->fd, h.handle));
	EXPECT_EQ(0, ((uint64_t *)bo.map)[1]);

	close(ready[0]);
	close(ready[1]);
	close(h.fd);
	close(dmabuf);
	EXPECT_EQ(0, accel_syncobj_free(self->fd, h.handle));
	EXPECT_EQ(0, accel_bo_free(self->fd, &bo));
	vgem_fenced_free(&v);
}

/*
 * Implicit synchronisation between two files of the device, through a
 * buffer one exported and the other imported: the second file's job,
 * which reads what the first one's hung job writes, runs only after the
 * hung job ended, without SUBMIT waiting for it.
 */
TEST_F(accel, implicit_sync_between_files)
{
	struct drm_dummy_accel_submit job = { .count = 1, .op = DUMMY_ACCEL_OP_SUM };
	uint32_t hung, reader, handle2;
	long long timeout;
	struct accel_bo bo;
	char path[96];
	int fd2, dmabuf;
	double start;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: debugfs (hang_jobs)");
	timeout = hang_knob(self->index, path, sizeof(path));
	if (!timeout)
		SKIP(return, NO_DEBUGFS);
	ASSERT_LT(0, timeout);
	ASSERT_EQ(0, accel_bo_new(self->fd, 4096, &bo));
	((uint32_t *)bo.map)[0] = 9;
	hung = accel_syncobj_new(self->fd, 0);
	ASSERT_NE(0, hung);
	fd2 = open(self->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	dmabuf = prime_export(self->fd, bo.handle);
	ASSERT_LE(0, dmabuf);
	handle2 = prime_import(fd2, dmabuf);
	ASSERT_NE(0, handle2);
	reader = accel_syncobj_new(fd2, 0);
	ASSERT_NE(0, reader);

	/* the first file's job would write the buffer, and hangs */
	ASSERT_EQ(0, accel_write_str(path, "1"));
	start = accel_now();
	job.in_handle = bo.handle;
	job.out_handle = bo.handle;
	job.out_offset = 8;
	job.out_syncobj.handle = hung;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	/* the second file reads it on another core: SUBMIT does not wait */
	job = (struct drm_dummy_accel_submit){ .in_handle = handle2, .count = 1,
		.out_handle = handle2, .out_offset = 16, .core = 1,
		.out_syncobj.handle = reader };
	ASSERT_EQ(0, ioctl(fd2, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	EXPECT_GT(timeout / 1000.0, accel_now() - start);
	EXPECT_EQ(1, accel_syncobj_pending(fd2, reader));

	ASSERT_EQ(0, accel_syncobj_wait(fd2, reader, 0));
	EXPECT_LE(timeout / 1000.0, accel_now() - start);
	EXPECT_EQ(-ETIMEDOUT, accel_fence_status(self->fd, hung));
	EXPECT_EQ(1, accel_fence_status(fd2, reader));
	EXPECT_EQ(0, ((uint64_t *)bo.map)[1]);
	EXPECT_EQ(9, ((uint64_t *)bo.map)[2]);
	close(dmabuf);
	close(fd2);
	EXPECT_EQ(0, accel_bo_free(self->fd, &bo));
}

/*
 * The job timeout is the device's sysfs job_timeout_ms, which root
 * changes at run time: GET_PARAM reports it, a hung job is stopped after
 * the new value, 0 means no limit, and a value above a day is refused.
 */
TEST_F(accel, job_timeout_set_at_run_time)
{
	struct drm_dummy_accel_submit job = { .count = 1, .op = DUMMY_ACCEL_OP_SUM };
	char attr[128], path[96], old[32];
	struct accel_bo bo;
	uint32_t hung;
	double start;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: debugfs (hang_jobs), sysfs job_timeout_ms");
	if (!hang_knob(self->index, path, sizeof(path)))
		SKIP(return, NO_DEBUGFS);
	snprintf(attr, sizeof(attr), "/sys/class/accel/accel%d/device/job_timeout_ms",
		 self->index);
	ASSERT_EQ(0, accel_read_line(attr, old, sizeof(old)));
	EXPECT_EQ(atoll(old), get_param(self->fd, DUMMY_ACCEL_PARAM_JOB_TIMEOUT_MS));
	EXPECT_EQ(-EINVAL, accel_write_str(attr, "86400001"));
	EXPECT_EQ(-EINVAL, accel_write_str(attr, "-1"));
	EXPECT_EQ(-EINVAL, accel_write_str(attr, "soon"));
	ASSERT_EQ(0, accel_write_str(attr, "0"));
	EXPECT_EQ(0, get_param(self->fd, DUMMY_ACCEL_PARAM_JOB_TIMEOUT_MS));
	ASSERT_EQ(0, accel_write_str(attr, "150"));
	EXPECT_EQ(150, get_param(self->fd, DUMMY_ACCEL_PARAM_JOB_TIMEOUT_MS));

	ASSERT_EQ(0, accel_bo_new(self->fd, 4096, &bo));
	hung = accel_syncobj_new(self->fd, 0);
	ASSERT_NE(0, hung);
	ASSERT_EQ(0, accel_write_str(path, "1"));
	start = accel_now();
	job.in_handle = bo.handle;
	job.core = 3 % get_param(self->fd, DUMMY_ACCEL_PARAM_NUM_CORES);
	job.out_syncobj.handle = hung;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	ASSERT_EQ(0, accel_syncobj_wait(self->fd, hung, 0));
	EXPECT_LE(0.15, accel_now() - start);
	/* well before the default second: the new value counted */
	EXPECT_GT(0.9, accel_now() - start);
	EXPECT_EQ(-ETIMEDOUT, accel_fence_status(self->fd, hung));
	EXPECT_EQ(0, accel_write_str(attr, old));
	EXPECT_EQ(0, accel_bo_free(self->fd, &bo));
}

/* A syncobj of @fd as a syncobj fd, or -errno */
static int syncobj_export(int fd, uint32_t handle)
{
	struct drm_syncobj_handle h = { .handle = handle };

	return ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h) ? -errno : h.fd;
}

/* Syncobj fd @sfd imported into @fd: the handle, or 0 */
static uint32_t syncobj_import(int fd, int sfd)
{
	struct drm_syncobj_handle h = { .fd = sfd };

	return ioctl(fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &h) ? 0 : h.handle;
}

/*
 * A fence outlives its device: a job's out-syncobj exported as a syncobj
 * fd, the file closed and the device unbound (its drm_device freed), the
 * device bound again, and the syncobj imported into a file of the new
 * device, waited for and used as an in-syncobj there. On a KASAN kernel
 * a fence that kept a lock or anything else in the old device's memory
 * is a use-after-free report, which fails the boot.
 */
TEST_F(accel, syncobj_outlives_its_device)
{
	struct drm_dummy_accel_submit job = { .count = 1, .op = DUMMY_ACCEL_OP_SUM };
	struct drm_dummy_accel_syncobj in = { 0 };
	uint32_t sync, moved, out;
	char pdev[64];
	struct accel_bo bo;
	int sfd, index;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	if (geteuid())
		SKIP(return, "needs root: unbinds the device");
	ASSERT_EQ(0, accel_platform_name(self->index, pdev, sizeof(pdev)));
	ASSERT_EQ(0, accel_bo_new(self->fd, 4096, &bo));
	sync = accel_syncobj_new(self->fd, 0);
	ASSERT_NE(0, sync);
	job.in_handle = bo.handle;
	job.out_syncobj.handle = sync;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	/* done before the unbind: the next job depends on a success */
	ASSERT_EQ(0, accel_syncobj_wait(self->fd, sync, 0));
	sfd = syncobj_export(self->fd, sync);
	ASSERT_LE(0, sfd);
	EXPECT_EQ(0, accel_bo_free(self->fd, &bo));
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, accel_write_str(ACCEL_DRIVER_DIR "/unbind", pdev));
	ASSERT_EQ(0, accel_write_str(ACCEL_DRIVER_DIR "/bind", pdev));
	index = accel_pdev_index(pdev);
	ASSERT_LE(0, index);
	self->fd = accel_open_index(index);
	ASSERT_LE(0, self->fd);

	moved = syncobj_import(self->fd, sfd);
	close(sfd);
	ASSERT_NE(0, moved);
	/*
	 * Not SYNC_IOC_FILE_INFO of it: 6.1's scheduler names a finished
	 * fence's timeline through its scheduler, which went with the old
	 * device (see the note in Documentation/accel/uapi.rst).
	 */
	EXPECT_EQ(0, accel_syncobj_wait(self->fd, moved, 0));
	ASSERT_EQ(0, accel_bo_new(self->fd, 4096, &bo));
	((uint32_t *)bo.map)[0] = 6;
	out = accel_syncobj_new(self->fd, 0);
	ASSERT_NE(0, out);
	in.handle = moved;
	job = (struct drm_dummy_accel_submit){ .in_handle = bo.handle, .count = 1,
		.out_handle = bo.handle, .out_offset = 8,
		.in_syncobjs = (uintptr_t)&in, .in_syncobj_count = 1,
		.out_syncobj.handle = out };
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	EXPECT_EQ(0, accel_syncobj_wait(self->fd, out, 0));
	EXPECT_EQ(1, accel_fence_status(self->fd, out));
	EXPECT_EQ(6, ((uint64_t *)bo.map)[1]);
	EXPECT_EQ(0, accel_bo_free(self->fd, &bo));
}

TEST_F(accel, unknown_driver_ioctl)
{
	uint64_t arg = 0;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOWR(DRM_COMMAND_BASE + 0x20, uint64_t), &arg));
	EXPECT_EQ(EINVAL, errno);
	/* 0x04, a RAS ioctl before drm-ras, stays unused */
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOWR(DRM_COMMAND_BASE + 0x04, uint64_t), &arg));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR('x', 1, uint64_t), &arg));
	EXPECT_EQ(ENOTTY, errno);
}

/* Every core DRM ioctl on an accel fd. */
FIXTURE(core_ioctl) {
	int fd;
	int reports;
	const char *why;
};

FIXTURE_VARIANT(core_ioctl) {
	unsigned long cmd;
	int allowed;
	int zero_err;	/* errno for a zeroed argument, 0 for success */
};

/*
 * { cmd, allowed, errno for a zeroed argument }. dummy_accel has GEM and
 * PRIME: handle 0 is no buffer (GEM_CLOSE: EINVAL, HANDLE_TO_FD: ENOENT)
 * and fd 0 no dma-buf (EINVAL). It has syncobjs, timelines too: CREATE
 * without flags works, handle 0 is no syncobj (DESTROY, HANDLE_TO_FD:
 * EINVAL; TRANSFER to it: ENOENT), fd 0 no syncobj file (EINVAL), and no
 * handles at all are refused (EINVAL).
 */
FIXTURE_VARIANT_ADD(core_ioctl, VERSION) { DRM_IOCTL_VERSION, 1, 0 };
FIXTURE_VARIANT_ADD(core_ioctl, GET_CAP) { DRM_IOCTL_GET_CAP, 1, EOPNOTSUPP };
FIXTURE_VARIANT_ADD(core_ioctl, GEM_CLOSE) { DRM_IOCTL_GEM_CLOSE, 1, EINVAL };
FIXTURE_VARIANT_ADD(core_ioctl, PRIME_HANDLE_TO_FD) { DRM_IOCTL_PRIME_HANDLE_TO_FD, 1, ENOENT };
FIXTURE_VARIANT_ADD(core_ioctl, PRIME_FD_TO_HANDLE) { DRM_IOCTL_PRIME_FD_TO_HANDLE, 1, EINVAL };
FIXTURE_VARIANT_ADD(core_ioctl, SYNCOBJ_CREATE) { DRM_IOCTL_SYNCOBJ_CREATE, 1, 0 };
FIXTURE_VARIANT_ADD(core_ioctl, SYNCOBJ_DESTROY) { DRM_IOCTL_SYNCOBJ_DESTROY, 1, EINVAL };
FIXTURE_VARIANT_ADD(core_ioctl, SYNCOBJ_HANDLE_TO_FD) {
	DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, 1, EINVAL };
FIXTURE_VARIANT_ADD(core_ioctl, SYNCOBJ_FD_TO_HANDLE) {
	DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, 1, EINVAL };
FIXTURE_VARIANT_ADD(core_ioctl, SYNCOBJ_TRANSFER) { DRM_IOCTL_SYNCOBJ_TRANSFER, 1, ENOENT };
FIXTURE_VARIANT_ADD(core_ioctl, SYNCOBJ_WAIT) { DRM_IOCTL_SYNCOBJ_WAIT, 1, EINVAL };
FIXTURE_VARIANT_ADD(core_ioctl, SYNCOBJ_TIMELINE_WAIT) {
	DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, 1, EINVAL };
FIXTURE_VARIANT_ADD(core_ioctl, SYNCOBJ_RESET) { DRM_IOCTL_SYNCOBJ_RESET, 1, EINVAL };
FIXTURE_VARIANT_ADD(core_ioctl, SYNCOBJ_SIGNAL) { DRM_IOCTL_SYNCOBJ_SIGNAL, 1, EINVAL };
FIXTURE_VARIANT_ADD(core_ioctl, SYNCOBJ_TIMELINE_SIGNAL) {
	DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, 1, EINVAL };
FIXTURE_VARIANT_ADD(core_ioctl, SYNCOBJ_QUERY) { DRM_IOCTL_SYNCOBJ_QUERY, 1, EINVAL };
FIXTURE_VARIANT_ADD(core_ioctl, GET_UNIQUE) { DRM_IOCTL_GET_UNIQUE, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, GET_MAGIC) { DRM_IOCTL_GET_MAGIC, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, GET_CLIENT) { DRM_IOCTL_GET_CLIENT, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, GET_STATS) { DRM_IOCTL_GET_STATS, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, SET_CLIENT_CAP) { DRM_IOCTL_SET_CLIENT_CAP, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, SET_VERSION) { DRM_IOCTL_SET_VERSION, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, SET_UNIQUE) { DRM_IOCTL_SET_UNIQUE, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, BLOCK) { DRM_IOCTL_BLOCK, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, UNBLOCK) { DRM_IOCTL_UNBLOCK, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, AUTH_MAGIC) { DRM_IOCTL_AUTH_MAGIC, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, SET_MASTER) { DRM_IOCTL_SET_MASTER, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, DROP_MASTER) { DRM_IOCTL_DROP_MASTER, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, ADD_DRAW) { DRM_IOCTL_ADD_DRAW, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, RM_DRAW) { DRM_IOCTL_RM_DRAW, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, FINISH) { DRM_IOCTL_FINISH, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, WAIT_VBLANK) { DRM_IOCTL_WAIT_VBLANK, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODESET_CTL) { DRM_IOCTL_MODESET_CTL, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, UPDATE_DRAW) { DRM_IOCTL_UPDATE_DRAW, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, GEM_FLINK) { DRM_IOCTL_GEM_FLINK, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, GEM_OPEN) { DRM_IOCTL_GEM_OPEN, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_GETRESOURCES) { DRM_IOCTL_MODE_GETRESOURCES, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_GETPLANERESOURCES) {
	DRM_IOCTL_MODE_GETPLANERESOURCES, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_GETCRTC) { DRM_IOCTL_MODE_GETCRTC, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_SETCRTC) { DRM_IOCTL_MODE_SETCRTC, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_GETPLANE) { DRM_IOCTL_MODE_GETPLANE, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_SETPLANE) { DRM_IOCTL_MODE_SETPLANE, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_CURSOR) { DRM_IOCTL_MODE_CURSOR, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_GETGAMMA) { DRM_IOCTL_MODE_GETGAMMA, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_SETGAMMA) { DRM_IOCTL_MODE_SETGAMMA, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_GETENCODER) { DRM_IOCTL_MODE_GETENCODER, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_GETCONNECTOR) { DRM_IOCTL_MODE_GETCONNECTOR, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_ATTACHMODE) { DRM_IOCTL_MODE_ATTACHMODE, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_DETACHMODE) { DRM_IOCTL_MODE_DETACHMODE, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_GETPROPERTY) { DRM_IOCTL_MODE_GETPROPERTY, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_SETPROPERTY) { DRM_IOCTL_MODE_SETPROPERTY, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_GETPROPBLOB) { DRM_IOCTL_MODE_GETPROPBLOB, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_GETFB) { DRM_IOCTL_MODE_GETFB, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_GETFB2) { DRM_IOCTL_MODE_GETFB2, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_ADDFB) { DRM_IOCTL_MODE_ADDFB, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_ADDFB2) { DRM_IOCTL_MODE_ADDFB2, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_RMFB) { DRM_IOCTL_MODE_RMFB, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_PAGE_FLIP) { DRM_IOCTL_MODE_PAGE_FLIP, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_DIRTYFB) { DRM_IOCTL_MODE_DIRTYFB, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_CREATE_DUMB) { DRM_IOCTL_MODE_CREATE_DUMB, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_MAP_DUMB) { DRM_IOCTL_MODE_MAP_DUMB, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_DESTROY_DUMB) { DRM_IOCTL_MODE_DESTROY_DUMB, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_OBJ_GETPROPERTIES) {
	DRM_IOCTL_MODE_OBJ_GETPROPERTIES, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_OBJ_SETPROPERTY) { DRM_IOCTL_MODE_OBJ_SETPROPERTY, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_CURSOR2) { DRM_IOCTL_MODE_CURSOR2, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_ATOMIC) { DRM_IOCTL_MODE_ATOMIC, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_CREATEPROPBLOB) { DRM_IOCTL_MODE_CREATEPROPBLOB, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_DESTROYPROPBLOB) { DRM_IOCTL_MODE_DESTROYPROPBLOB, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, CRTC_GET_SEQUENCE) { DRM_IOCTL_CRTC_GET_SEQUENCE, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, CRTC_QUEUE_SEQUENCE) { DRM_IOCTL_CRTC_QUEUE_SEQUENCE, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_CREATE_LEASE) { DRM_IOCTL_MODE_CREATE_LEASE, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_LIST_LESSEES) { DRM_IOCTL_MODE_LIST_LESSEES, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_GET_LEASE) { DRM_IOCTL_MODE_GET_LEASE, 0, EACCES };
FIXTURE_VARIANT_ADD(core_ioctl, MODE_REVOKE_LEASE) { DRM_IOCTL_MODE_REVOKE_LEASE, 0, EACCES };

FIXTURE_SETUP(core_ioctl)
{
	int index;

	self->fd = open_dummy(_metadata, &index, &self->why);
	if (self->fd < 0)
		return;
	self->reports = accel_kernel_reports(-1);
	ASSERT_LE(0, self->reports) TH_LOG("cannot read the kernel log (dmesg)");
}

FIXTURE_TEARDOWN(core_ioctl)
{
	int reports;

	if (self->fd < 0)
		return;
	close(self->fd);
	/* no BUG, WARNING or Oops, whatever the argument was */
	reports = accel_kernel_reports(-1);
	EXPECT_LE(0, reports) TH_LOG("cannot read the kernel log (dmesg)");
	EXPECT_EQ(self->reports, reports);
}

TEST_F(core_ioctl, zeroed_argument)
{
	unsigned char arg[4096] = { 0 };
	int ret;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	ret = ioctl(self->fd, variant->cmd, arg);
	EXPECT_EQ(variant->zero_err ? -1 : 0, ret);
	if (ret)
		EXPECT_EQ(variant->zero_err, errno);
	if (ret && variant->allowed)
		EXPECT_NE(EACCES, errno);
}

TEST_F(core_ioctl, garbage_argument)
{
	unsigned char arg[4096];
	int ret;

	if (self->fd < 0)
		SKIP(return, "%s", self->why);
	memset(arg, 0xa5, sizeof(arg));
	ret = ioctl(self->fd, variant->cmd, arg);
	if (variant->allowed) {
		EXPECT_FALSE(ret == -1 && errno == EACCES);
	} else {
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(EACCES, errno);
	}
}

TEST_HARNESS_MAIN
