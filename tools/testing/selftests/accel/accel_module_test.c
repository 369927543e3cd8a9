// SPDX-License-Identifier: GPL-2.0
/*
 * The accel ABI across module loads and device unplug, driven through
 * dummy_accel: unbind and bind with a file open, rmmod while a file is
 * open, load/unload cycles, and several devices at once up to the 256
 * accel minors.
 *
 * Needs root and a dummy_accel module that modprobe can load; each test
 * leaves dummy_accel loaded with one device, as it found it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdarg.h>
#include <sys/syscall.h>

#include <drm/dummy_accel.h>

#include "accel_util.h"
#include "../kselftest_harness.h"

#define DRIVER_DIR "/sys/bus/platform/drivers/" DUMMY_NAME

static int sh(const char *fmt, ...)
{
	char cmd[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -errno;
	close(fd);
	return ret;
}

/* Number of entries of @dir whose name starts with @prefix; -1 if no @dir. */
static int count_entries(const char *dir, const char *prefix)
{
	struct dirent *e;
	int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.' && !strncmp(e->d_name, prefix, strlen(prefix));
	closedir(d);
	return n;
}

static int reload(const char *params)
{
	if (accel_dummy_loaded() && sh("rmmod " DUMMY_NAME))
		return -1;
	return sh("modprobe " DUMMY_NAME " %s", params);
}

/* The platform device (dummy_accel.K) behind accel node @index. */
static int platform_name(int index, char *name, size_t len)
{
	char link[96], target[256];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/class/accel/accel%d/device", index);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	snprintf(name, len, "%s", strrchr(target, '/') + 1);
	return 0;
}

static int lowest_free_index(void)
{
	char path[64];
	int i;

	for (i = 0; i < ACCEL_MINORS; i++) {
		snprintf(path, sizeof(path), "/sys/class/accel/accel%d", i);
		if (access(path, F_OK))
			return i;
	}
	return -1;
}

static int open_index(int index)
{
	char node[64];

	snprintf(node, sizeof(node), "/dev/accel/accel%d", index);
	return open(node, O_RDWR | O_CLOEXEC);
}

FIXTURE(module) {
	int ok;
	/* failslab's settings, restored at teardown if a test changed them */
	char ignore_gfp_wait[8];
	char verbose[16];
};

FIXTURE_SETUP(module)
{
	self->ok = geteuid() == 0 && reload("") == 0;
}

#define FAIL_NTH "/proc/thread-self/fail-nth"
#define FAILSLAB "/sys/kernel/debug/failslab/"

FIXTURE_TEARDOWN(module)
{
	if (self->ignore_gfp_wait[0])
		EXPECT_EQ(0, write_str(FAILSLAB "ignore-gfp-wait", self->ignore_gfp_wait));
	if (self->verbose[0])
		EXPECT_EQ(0, write_str(FAILSLAB "verbose", self->verbose));
	if (self->ok)
		EXPECT_EQ(0, reload(""));
}

#define NO_MODULE "needs root and a loadable dummy_accel module"

TEST_F(module, unbind_with_open_fd_then_bind)
{
	struct drm_dummy_accel_get_param p = { .param = DUMMY_ACCEL_PARAM_VERSION };
	struct drm_dummy_accel_submit job = { .count = 1, .op = DUMMY_ACCEL_OP_SUM };
	char pdev[64], path[128];
	struct drm_version v = { 0 };
	uint32_t data = 1;
	struct stat st;
	int index, fd, expect;

	if (!self->ok)
		SKIP(return, NO_MODULE);
	index = accel_find_dummy();
	ASSERT_LE(0, index);
	ASSERT_EQ(0, platform_name(index, pdev, sizeof(pdev)));
	fd = open_index(index);
	ASSERT_LE(0, fd);
	job.data = (unsigned long)&data;
	ASSERT_EQ(0, ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));

	ASSERT_EQ(0, write_str(DRIVER_DIR "/unbind", pdev));
	EXPECT_EQ(-1, ioctl(fd, DRM_IOCTL_VERSION, &v));
	EXPECT_EQ(ENODEV, errno);
	/* the driver's ioctls too, whatever their argument */
	EXPECT_EQ(-1, ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
	EXPECT_EQ(ENODEV, errno);
	snprintf(path, sizeof(path), "/dev/accel/accel%d", index);
	EXPECT_EQ(-1, stat(path, &st));
	snprintf(path, sizeof(path), "/sys/class/accel/accel%d", index);
	EXPECT_NE(0, access(path, F_OK));
	EXPECT_EQ(0, close(fd));

	/* the index is free once the last file is closed */
	expect = lowest_free_index();
	EXPECT_GE(index, expect);
	ASSERT_EQ(0, write_str(DRIVER_DIR "/bind", pdev));
	snprintf(path, sizeof(path), "/sys/devices/platform/%s/accel/accel%d", pdev, expect);
	EXPECT_EQ(0, access(path, F_OK));
	fd = open_index(expect);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, ioctl(fd, DRM_IOCTL_VERSION, &v));
	close(fd);
}

/*
 * Write @pdev to the driver's bind file with the @nth allocation of this
 * thread failing (Documentation/fault-injection/fault-injection.rst);
 * 0 or -errno of the bind. *@reached: @nth allocations were made.
 */
static int bind_failing(const char *pdev, int nth, int *reached)
{
	int fail = open(FAIL_NTH, O_RDWR), bind = open(DRIVER_DIR "/bind", O_WRONLY);
	char count[16];
	int ret = -EBADF;
	ssize_t n;

	if (fail >= 0 && bind >= 0) {
		snprintf(count, sizeof(count), "%d", nth);
		ret = write(fail, count, strlen(count)) < 0 ? -errno : 0;
		if (!ret)
			ret = write(bind, pdev, strlen(pdev)) < 0 ? -errno : 0;
		/* what is left of the count: 0 once the nth allocation failed */
		n = pread(fail, count, sizeof(count) - 1, 0);
		count[n > 0 ? n : 0] = '\0';
		*reached = atoi(count) == 0;
		if (n <= 0 || write(fail, "0", 1) < 0)
			ret = -EIO;
	}
	if (fail >= 0)
		close(fail);
	if (bind >= 0)
		close(bind);
	return ret;
}

/*
 * Bind a device with each allocation of the bind failed in turn: each
 * failure is -ENOMEM and leaves no node behind and the device unbound,
 * and the device binds at its old index in the end.
 */
TEST_F(module, bind_with_each_allocation_failing)
{
	int index, nth, reached = 1, failures = 0, nodes, ret, fd;
	char pdev[64], bound[128], ignore_gfp_wait[8], verbose[16];

	if (!self->ok)
		SKIP(return, NO_MODULE);
	if (access(FAIL_NTH, W_OK) || accel_read_line(FAILSLAB "ignore-gfp-wait", ignore_gfp_wait,
						      sizeof(ignore_gfp_wait)) ||
	    accel_read_line(FAILSLAB "verbose", verbose, sizeof(verbose)))
		SKIP(return, "needs CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS");
	strcpy(self->ignore_gfp_wait, ignore_gfp_wait);
	strcpy(self->verbose, verbose);
	index = accel_find_dummy();
	ASSERT_LE(0, index);
	ASSERT_EQ(0, platform_name(index, pdev, sizeof(pdev)));
	snprintf(bound, sizeof(bound), DRIVER_DIR "/%s", pdev);
	ASSERT_EQ(0, write_str(DRIVER_DIR "/unbind", pdev));
	nodes = count_entries("/sys/class/accel", "accel");

	/* fail GFP_KERNEL allocations too, without a stack dump each */
	ASSERT_EQ(0, write_str(FAILSLAB "ignore-gfp-wait", "N"));
	ASSERT_EQ(0, write_str(FAILSLAB "verbose", "0"));
	for (nth = 1; reached && nth < 10000; nth++) {
		ret = bind_failing(pdev, nth, &reached);
		if (!ret) {
			ASSERT_EQ(0, write_str(DRIVER_DIR "/unbind", pdev));
			continue;
		}
		failures++;
		EXPECT_EQ(-ENOMEM, ret) TH_LOG("allocation %d failed", nth);
		EXPECT_EQ(nodes, count_entries("/sys/class/accel", "accel"))
			TH_LOG("allocation %d failed", nth);
		EXPECT_NE(0, access(bound, F_OK)) TH_LOG("allocation %d failed", nth);
	}
	EXPECT_FALSE(reached);
	EXPECT_LT(0, failures);
	TH_LOG("%d allocations to bind, %d of them failed the bind", nth - 2, failures);

	ASSERT_EQ(0, write_str(DRIVER_DIR "/bind", pdev));
	EXPECT_EQ(0, access(bound, F_OK));
	fd = open_index(index);
	EXPECT_LE(0, fd);
	close(fd);
}

TEST_F(module, rmmod_refused_while_open)
{
	int fd;

	if (!self->ok)
		SKIP(return, NO_MODULE);
	fd = open_index(accel_find_dummy());
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, syscall(SYS_delete_module, DUMMY_NAME, O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_TRUE(accel_dummy_loaded());
	close(fd);
	EXPECT_EQ(0, syscall(SYS_delete_module, DUMMY_NAME, O_NONBLOCK));
	EXPECT_FALSE(accel_dummy_loaded());
}

TEST_F(module, load_unload_50_cycles_leave_nothing)
{
	int i, fd;

	if (!self->ok)
		SKIP(return, NO_MODULE);
	ASSERT_EQ(0, sh("rmmod " DUMMY_NAME));
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, sh("modprobe " DUMMY_NAME));
		fd = open("/dev/accel/accel0", O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd);
		close(fd);
		ASSERT_EQ(0, sh("rmmod " DUMMY_NAME));
	}
	EXPECT_EQ(0, count_entries("/sys/class/accel", "accel"));
	EXPECT_GE(0, count_entries("/dev/accel", "accel"));
	if (access("/sys/kernel/debug/accel", F_OK) == 0)
		EXPECT_EQ(0, count_entries("/sys/kernel/debug/accel", ""));
	EXPECT_EQ(0, count_entries("/sys/bus/platform/devices", DUMMY_NAME));
}

TEST_F(module, four_devices_work_independently)
{
	struct drm_dummy_accel_get_param p = { .param = DUMMY_ACCEL_PARAM_INDEX };
	struct drm_dummy_accel_submit job = { .count = 1, .op = DUMMY_ACCEL_OP_SUM };
	uint32_t data = 7;
	int fds[4], i;

	if (!self->ok)
		SKIP(return, NO_MODULE);
	ASSERT_EQ(0, reload("num_devices=4"));
	ASSERT_EQ(4, count_entries("/sys/class/accel", "accel"));
	job.data = (unsigned long)&data;
	for (i = 0; i < 4; i++) {
		fds[i] = open_index(i);
		ASSERT_LE(0, fds[i]);
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, ioctl(fds[i], DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
		EXPECT_EQ(i, p.value);
		/* each device counts its own jobs */
		ASSERT_EQ(0, ioctl(fds[i], DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
		EXPECT_EQ(1, job.seqno);
		EXPECT_EQ(7, job.result);
	}
	for (i = 0; i < 4; i++)
		close(fds[i]);
}

#define PARAM_DIR "/sys/module/" DUMMY_NAME "/parameters/"

TEST_F(module, num_devices_0_loads_without_devices)
{
	char value[16];
	struct stat st;

	if (!self->ok)
		SKIP(return, NO_MODULE);
	ASSERT_EQ(0, reload("num_devices=0"));
	EXPECT_TRUE(accel_dummy_loaded());
	ASSERT_EQ(0, accel_read_line(PARAM_DIR "num_devices", value, sizeof(value)));
	EXPECT_STREQ("0", value);
	/* read once at load: shown, not writable */
	ASSERT_EQ(0, stat(PARAM_DIR "num_devices", &st));
	EXPECT_EQ(0444, st.st_mode & 07777);
	ASSERT_EQ(0, stat(PARAM_DIR "num_cores", &st));
	EXPECT_EQ(0444, st.st_mode & 07777);
	EXPECT_EQ(0, count_entries(DRIVER_DIR, DUMMY_NAME "."));
	EXPECT_EQ(0, count_entries("/sys/bus/platform/devices", DUMMY_NAME));
	/* and it unloads as it loaded */
	EXPECT_EQ(0, sh("rmmod " DUMMY_NAME));
}

TEST_F(module, num_devices_257_gives_256_nodes)
{
	int fd, kmsg;

	if (!self->ok)
		SKIP(return, NO_MODULE);
	/* the log line must come from this load */
	kmsg = accel_kmsg_open();
	ASSERT_LE(0, kmsg);
	ASSERT_EQ(0, reload("num_devices=257"));
	EXPECT_EQ(ACCEL_MINORS, count_entries("/sys/class/accel", "accel"));
	EXPECT_EQ(ACCEL_MINORS, count_entries("/dev/accel", "accel"));
	EXPECT_EQ(ACCEL_MINORS, count_entries(DRIVER_DIR, DUMMY_NAME "."));
	EXPECT_TRUE(accel_kmsg_find(kmsg, "all 256 accel minors are in use"));
	close(kmsg);
	fd = open("/dev/accel/accel255", O_RDWR | O_CLOEXEC);
	EXPECT_LE(0, fd);
	close(fd);
}

TEST_F(module, num_devices_above_512_refused)
{
	if (!self->ok)
		SKIP(return, NO_MODULE);
	ASSERT_EQ(0, sh("rmmod " DUMMY_NAME));
	EXPECT_NE(0, sh("modprobe " DUMMY_NAME " num_devices=513 2>/dev/null"));
	EXPECT_FALSE(accel_dummy_loaded());
}

TEST_HARNESS_MAIN
