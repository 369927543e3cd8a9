// SPDX-License-Identifier: GPL-2.0
/*
 * The accel ABI as userspace sees it, on a dummy_accel device: the node,
 * sysfs, uevent, debugfs, DRM_IOCTL_VERSION, the core ioctl allow-list,
 * the dummy_accel uapi, mknod'ed nodes, privileges and concurrent use.
 *
 * Needs root and a loaded dummy_accel (modprobe dummy_accel); without an
 * accel device every test is skipped with the reason.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include <drm/dummy_accel.h>

#include "accel_util.h"
#include "../kselftest_harness.h"

/* 6.1's harness runs a test even when FIXTURE_SETUP skipped: check again. */
#define REQUIRE_DEVICE() do { \
	if (self->fd < 0) \
		SKIP(return, "%s", self->why); \
} while (0)

FIXTURE(accel) {
	int fd;
	int index;
	char node[64];
	char sysfs[96];
	const char *why;
};

FIXTURE_SETUP(accel)
{
	self->fd = -1;
	self->why = "no /dev/accel/accelN driven by dummy_accel (modprobe dummy_accel)";
	if (geteuid() != 0) {
		self->why = "needs root";
		return;
	}
	self->index = accel_find_dummy();
	if (self->index < 0)
		return;
	snprintf(self->node, sizeof(self->node), "/dev/accel/accel%d", self->index);
	snprintf(self->sysfs, sizeof(self->sysfs), "/sys/class/accel/accel%d", self->index);
	self->fd = open(self->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(accel)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(accel, node_is_char_261_root_0600)
{
	struct stat st;

	REQUIRE_DEVICE();
	ASSERT_EQ(0, stat(self->node, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(ACCEL_MAJOR, major(st.st_rdev));
	EXPECT_EQ(self->index, minor(st.st_rdev));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
}

TEST_F(accel, proc_devices_lists_261_accel)
{
	REQUIRE_DEVICE();
	EXPECT_TRUE(accel_file_has_line("/proc/devices", "261 accel"));
}

TEST_F(accel, sysfs_class_dev)
{
	char path[128], dev[32], want[32];

	REQUIRE_DEVICE();
	snprintf(want, sizeof(want), "261:%d", self->index);
	snprintf(path, sizeof(path), "%s/dev", self->sysfs);
	ASSERT_EQ(0, accel_read_line(path, dev, sizeof(dev)));
	EXPECT_STREQ(want, dev);
}

TEST_F(accel, sysfs_dev_char_is_parent_accel_node)
{
	char link[64], real[PATH_MAX], suffix[64], *tail;

	REQUIRE_DEVICE();
	snprintf(link, sizeof(link), "/sys/dev/char/261:%d", self->index);
	ASSERT_NE(NULL, realpath(link, real));
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

	REQUIRE_DEVICE();
	snprintf(link, sizeof(link), "%s/device", self->sysfs);
	n = readlink(link, target, sizeof(target) - 1);
	ASSERT_LT(0, n);
	target[n] = '\0';
	base = strrchr(target, '/');
	ASSERT_NE(NULL, base);
	EXPECT_EQ(0, strncmp(base + 1, DUMMY_NAME ".", strlen(DUMMY_NAME) + 1));
	snprintf(link, sizeof(link), "%s/subsystem", self->sysfs);
	ASSERT_NE(NULL, realpath(link, target));
	EXPECT_STREQ("/sys/class/accel", target);
}

TEST_F(accel, uevent_keys)
{
	char path[128], line[64];

	REQUIRE_DEVICE();
	snprintf(path, sizeof(path), "%s/uevent", self->sysfs);
	snprintf(line, sizeof(line), "DEVNAME=accel/accel%d", self->index);
	EXPECT_TRUE(accel_file_has_line(path, line));
	EXPECT_TRUE(accel_file_has_line(path, "DEVTYPE=accel_minor"));
	snprintf(line, sizeof(line), "MAJOR=%d", ACCEL_MAJOR);
	EXPECT_TRUE(accel_file_has_line(path, line));
}

TEST_F(accel, no_dri_node)
{
	char path[128];

	REQUIRE_DEVICE();
	/* a DRM device has <parent>/drm/cardN; an accel device must not */
	snprintf(path, sizeof(path), "%s/device/drm", self->sysfs);
	EXPECT_NE(0, access(path, F_OK));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(accel, version_lengths_then_buffers)
{
	struct drm_version v;
	char name[64], date[64], desc[128];

	REQUIRE_DEVICE();
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

	REQUIRE_DEVICE();
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
	ASSERT_NE(NULL, d);
	while ((e = readdir(d)))
		bound += !strncmp(e->d_name, DUMMY_NAME ".", strlen(DUMMY_NAME) + 1);
	closedir(d);
	EXPECT_EQ(bound < 64 ? bound : 64, found);
}

TEST_F(accel, debugfs_name)
{
	char path[96], line[256];

	REQUIRE_DEVICE();
	if (access("/sys/kernel/debug/accel", F_OK))
		SKIP(return, "debugfs is not mounted at /sys/kernel/debug");
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%d/name", self->index);
	ASSERT_EQ(0, accel_read_line(path, line, sizeof(line)));
	EXPECT_EQ(0, strncmp(line, DUMMY_NAME " dev=" DUMMY_NAME ".", strlen(DUMMY_NAME) * 2 + 6));
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
	struct drm_dummy_accel_submit job = { .count = 1, .op = DUMMY_ACCEL_OP_SUM };
	unsigned int one = 1;
	char path[96];

	REQUIRE_DEVICE();
	if (access("/sys/kernel/debug/accel", F_OK))
		SKIP(return, "debugfs is not mounted at /sys/kernel/debug");
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%d/counters", self->index);
	EXPECT_LT(0, read_counter(path, "opens"));
	job.data = (unsigned long)&one;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	EXPECT_EQ((long long)job.seqno, read_counter(path, "jobs"));
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	EXPECT_EQ((long long)job.seqno, read_counter(path, "jobs"));
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

	REQUIRE_DEVICE();
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
	REQUIRE_DEVICE();
	EXPECT_EQ(-ENXIO, open_mknod(ACCEL_MINORS));
	EXPECT_EQ(-ENXIO, open_mknod(ACCEL_MINORS + 1));
	EXPECT_EQ(-ENXIO, open_mknod(1000));
}

TEST_F(accel, open_excl_ebusy)
{
	REQUIRE_DEVICE();
	EXPECT_EQ(-1, open(self->node, O_RDWR | O_EXCL));
	EXPECT_EQ(EBUSY, errno);
}

/* Run @fn as nobody in a child; its exit status is the result. */
static int as_nobody(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
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

static int nobody_use_fd(void *pfd)
{
	int fd = *(int *)pfd;
	struct drm_set_version sv = { -1, -1, -1, -1 };
	char name[64];

	/* what the fd allows works for anyone holding it ... */
	if (accel_driver_name(fd, name, sizeof(name)) || strcmp(name, DUMMY_NAME))
		return 1;
	/* ... root-only and master-only core ioctls never */
	if (ioctl(fd, DRM_IOCTL_SET_VERSION, &sv) != -1 || errno != EACCES)
		return 2;
	if (ioctl(fd, DRM_IOCTL_SET_MASTER, 0) != -1 || errno != EACCES)
		return 3;
	return 0;
}

TEST_F(accel, unprivileged_open_eacces)
{
	REQUIRE_DEVICE();
	EXPECT_EQ(0, as_nobody(nobody_open, self->node));
}

TEST_F(accel, passed_fd_no_root_ioctls)
{
	REQUIRE_DEVICE();
	EXPECT_EQ(0, as_nobody(nobody_use_fd, &self->fd));
}

TEST_F(accel, mmap_without_gem_fails)
{
	void *p;

	REQUIRE_DEVICE();
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENODEV, errno);
}

struct thread_arg {
	const char *node;
	int iterations;
	int failures;
};

static void *open_version_close(void *p)
{
	struct thread_arg *a = p;
	char name[64];
	int i, fd;

	for (i = 0; i < a->iterations; i++) {
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

TEST_F(accel, four_threads_open_version_close)
{
	struct thread_arg args[4];
	pthread_t th[4];
	int i;

	REQUIRE_DEVICE();
	for (i = 0; i < 4; i++) {
		args[i] = (struct thread_arg){ self->node, 10000, 0 };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, open_version_close, &args[i]));
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(0, args[i].failures);
	}
}

/* dummy_accel's uapi */

TEST_F(accel, get_param_values)
{
	struct drm_dummy_accel_get_param p = { 0 };

	REQUIRE_DEVICE();
	p.param = DUMMY_ACCEL_PARAM_VERSION;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
	EXPECT_EQ(DUMMY_ACCEL_INTERFACE_VERSION, p.value);
	p.param = DUMMY_ACCEL_PARAM_NUM_CORES;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
	EXPECT_LT(0, p.value);
	p.param = DUMMY_ACCEL_PARAM_INDEX;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
	EXPECT_EQ(self->index, p.value);
	p.param = DUMMY_ACCEL_PARAM_JOBS_DONE;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
	EXPECT_EQ(0, p.value);
	p.param = DUMMY_ACCEL_PARAM_RAS_FORMATS;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
	EXPECT_NE(0, p.value);
	EXPECT_EQ(0, p.value & ~0x7fULL);
}

TEST_F(accel, get_param_errors)
{
	struct drm_dummy_accel_get_param p = { 0 };

	REQUIRE_DEVICE();
	p.param = 0xdead;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
	EXPECT_EQ(EINVAL, errno);
	p.param = DUMMY_ACCEL_PARAM_VERSION;
	p.pad = 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, NULL));
	EXPECT_EQ(EFAULT, errno);
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

TEST_F(accel, submit_results)
{
	static uint32_t buf[DUMMY_ACCEL_MAX_ELEMENTS];
	struct drm_dummy_accel_submit job = { 0 };
	struct drm_dummy_accel_get_param p = { .param = DUMMY_ACCEL_PARAM_JOBS_DONE };
	uint64_t sum = 0, xor = 0, seq;
	unsigned int i;

	REQUIRE_DEVICE();
	for (i = 0; i < DUMMY_ACCEL_MAX_ELEMENTS; i++) {
		buf[i] = i * 2654435761u;
		sum += buf[i];
		xor ^= buf[i];
	}
	job.data = (unsigned long)buf;
	job.count = DUMMY_ACCEL_MAX_ELEMENTS;
	job.op = DUMMY_ACCEL_OP_SUM;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	EXPECT_EQ(sum, job.result);
	seq = job.seqno;
	EXPECT_LT(0, seq);

	job.op = DUMMY_ACCEL_OP_XOR;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	EXPECT_EQ(xor, job.result);
	EXPECT_EQ(seq + 1, job.seqno);

	job.op = DUMMY_ACCEL_OP_CRC32;
	job.count = 3;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	EXPECT_EQ(crc32_ref((uint8_t *)buf, 12), job.result);

	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
	EXPECT_EQ(3, p.value);
}

FIXTURE(submit_error) {
	int fd;
	const char *why;
};

FIXTURE_VARIANT(submit_error) {
	uint32_t count;
	uint32_t op;
	uint32_t flags;
	uint32_t pad;
	int bad_pointer;
	int err;
};

FIXTURE_VARIANT_ADD(submit_error, count_zero) { .count = 0, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, count_over_max) {
	.count = DUMMY_ACCEL_MAX_ELEMENTS + 1, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, unknown_op) { .count = 1, .op = 3, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, flags_set) { .count = 1, .flags = 1, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, pad_set) { .count = 1, .pad = 1, .err = EINVAL };
FIXTURE_VARIANT_ADD(submit_error, null_pointer) { .count = 1, .bad_pointer = 1, .err = EFAULT };
FIXTURE_VARIANT_ADD(submit_error, kernel_pointer) { .count = 1, .bad_pointer = 2, .err = EFAULT };

FIXTURE_SETUP(submit_error)
{
	int index = geteuid() ? -1 : accel_find_dummy();
	char node[64];

	self->fd = -1;
	self->why = "needs root and a dummy_accel device";
	if (index < 0)
		return;
	snprintf(node, sizeof(node), "/dev/accel/accel%d", index);
	self->fd = open(node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(submit_error)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(submit_error, fails_with_errno)
{
	uint32_t data[4] = { 1, 2, 3, 4 };
	struct drm_dummy_accel_submit job = {
		.data = (unsigned long)data,
		.count = variant->count,
		.op = variant->op,
		.flags = variant->flags,
		.pad = variant->pad,
	};

	REQUIRE_DEVICE();
	if (variant->bad_pointer == 1)
		job.data = 0;
	else if (variant->bad_pointer == 2)
		job.data = -4096UL;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	EXPECT_EQ(variant->err, errno);
	EXPECT_EQ(0, job.seqno);
}

TEST_F(accel, unknown_driver_ioctl)
{
	uint64_t arg = 0;

	REQUIRE_DEVICE();
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOWR(DRM_COMMAND_BASE + 0x20, uint64_t), &arg));
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

#define ALLOWED(name, err) \
	FIXTURE_VARIANT_ADD(core_ioctl, name) { DRM_IOCTL_##name, 1, err }
#define REFUSED(name) \
	FIXTURE_VARIANT_ADD(core_ioctl, name) { DRM_IOCTL_##name, 0, EACCES }

/* dummy_accel has neither GEM nor syncobj: those report EOPNOTSUPP/ENOSYS */
ALLOWED(VERSION, 0);
ALLOWED(GET_CAP, EOPNOTSUPP);
ALLOWED(GEM_CLOSE, EOPNOTSUPP);
ALLOWED(PRIME_HANDLE_TO_FD, ENOSYS);
ALLOWED(PRIME_FD_TO_HANDLE, ENOSYS);
ALLOWED(SYNCOBJ_CREATE, EOPNOTSUPP);
ALLOWED(SYNCOBJ_DESTROY, EOPNOTSUPP);
ALLOWED(SYNCOBJ_HANDLE_TO_FD, EOPNOTSUPP);
ALLOWED(SYNCOBJ_FD_TO_HANDLE, EOPNOTSUPP);
ALLOWED(SYNCOBJ_TRANSFER, EOPNOTSUPP);
ALLOWED(SYNCOBJ_WAIT, EOPNOTSUPP);
ALLOWED(SYNCOBJ_TIMELINE_WAIT, EOPNOTSUPP);
ALLOWED(SYNCOBJ_RESET, EOPNOTSUPP);
ALLOWED(SYNCOBJ_SIGNAL, EOPNOTSUPP);
ALLOWED(SYNCOBJ_TIMELINE_SIGNAL, EOPNOTSUPP);
ALLOWED(SYNCOBJ_QUERY, EOPNOTSUPP);
REFUSED(GET_UNIQUE);
REFUSED(GET_MAGIC);
REFUSED(GET_CLIENT);
REFUSED(GET_STATS);
REFUSED(SET_CLIENT_CAP);
REFUSED(SET_VERSION);
REFUSED(SET_UNIQUE);
REFUSED(BLOCK);
REFUSED(UNBLOCK);
REFUSED(AUTH_MAGIC);
REFUSED(SET_MASTER);
REFUSED(DROP_MASTER);
REFUSED(ADD_DRAW);
REFUSED(RM_DRAW);
REFUSED(FINISH);
REFUSED(WAIT_VBLANK);
REFUSED(MODESET_CTL);
REFUSED(UPDATE_DRAW);
REFUSED(GEM_FLINK);
REFUSED(GEM_OPEN);
REFUSED(MODE_GETRESOURCES);
REFUSED(MODE_GETPLANERESOURCES);
REFUSED(MODE_GETCRTC);
REFUSED(MODE_SETCRTC);
REFUSED(MODE_GETPLANE);
REFUSED(MODE_SETPLANE);
REFUSED(MODE_CURSOR);
REFUSED(MODE_GETGAMMA);
REFUSED(MODE_SETGAMMA);
REFUSED(MODE_GETENCODER);
REFUSED(MODE_GETCONNECTOR);
REFUSED(MODE_ATTACHMODE);
REFUSED(MODE_DETACHMODE);
REFUSED(MODE_GETPROPERTY);
REFUSED(MODE_SETPROPERTY);
REFUSED(MODE_GETPROPBLOB);
REFUSED(MODE_GETFB);
REFUSED(MODE_GETFB2);
REFUSED(MODE_ADDFB);
REFUSED(MODE_ADDFB2);
REFUSED(MODE_RMFB);
REFUSED(MODE_PAGE_FLIP);
REFUSED(MODE_DIRTYFB);
REFUSED(MODE_CREATE_DUMB);
REFUSED(MODE_MAP_DUMB);
REFUSED(MODE_DESTROY_DUMB);
REFUSED(MODE_OBJ_GETPROPERTIES);
REFUSED(MODE_OBJ_SETPROPERTY);
REFUSED(MODE_CURSOR2);
REFUSED(MODE_ATOMIC);
REFUSED(MODE_CREATEPROPBLOB);
REFUSED(MODE_DESTROYPROPBLOB);
REFUSED(CRTC_GET_SEQUENCE);
REFUSED(CRTC_QUEUE_SEQUENCE);
REFUSED(MODE_CREATE_LEASE);
REFUSED(MODE_LIST_LESSEES);
REFUSED(MODE_GET_LEASE);
REFUSED(MODE_REVOKE_LEASE);

FIXTURE_SETUP(core_ioctl)
{
	int index = geteuid() ? -1 : accel_find_dummy();
	char node[64];

	self->fd = -1;
	self->why = "needs root and a dummy_accel device";
	if (index < 0)
		return;
	snprintf(node, sizeof(node), "/dev/accel/accel%d", index);
	self->fd = open(node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	self->reports = accel_kernel_reports();
}

FIXTURE_TEARDOWN(core_ioctl)
{
	if (self->fd >= 0) {
		close(self->fd);
		/* no BUG, WARNING or Oops, whatever the argument was */
		EXPECT_EQ(self->reports, accel_kernel_reports());
	}
}

TEST_F(core_ioctl, zeroed_argument)
{
	unsigned char arg[4096] = { 0 };
	int ret;

	REQUIRE_DEVICE();
	ret = ioctl(self->fd, variant->cmd, arg);
	EXPECT_EQ(variant->zero_err ? -1 : 0, ret);
	if (ret)
		EXPECT_EQ(variant->zero_err, errno);
}

TEST_F(core_ioctl, garbage_argument)
{
	unsigned char arg[4096];
	int ret;

	REQUIRE_DEVICE();
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
