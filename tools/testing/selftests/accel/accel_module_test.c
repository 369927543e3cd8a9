// SPDX-License-Identifier: GPL-2.0
/*
 * The accel ABI across module loads and device unplug, driven through
 * dummy_accel: unbind and bind with a file open, the uevents udev gets,
 * rmmod while a file is open, load/unload cycles, and several devices at
 * once up to the 256 accel minors.
 *
 * Needs root and a dummy_accel module installed for the running kernel;
 * without them every test is skipped with the reason. Each test leaves
 * dummy_accel loaded with one device, as it found it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include <linux/netlink.h>
#include <linux/userfaultfd.h>

#include <drm/dummy_accel.h>

#include "accel_util.h"
#include "../kselftest_harness.h"

/*
 * Does the node of the accel device under platform device @pdev work: it
 * opens and DRM_IOCTL_VERSION names dummy_accel? 0 or -errno.
 */
static int pdev_node_works(const char *pdev)
{
	int index = accel_pdev_index(pdev);

	return index < 0 ? index : accel_index_works(index);
}

/* Where accel node @index is in /dev, for a failure's message. */
static const char *node_state(int index)
{
	static char state[160];
	char path[64];

	snprintf(path, sizeof(path), "/dev/accel/accel%d", index);
	if (!access(path, F_OK)) {
		snprintf(state, sizeof(state), "%s exists", path);
		return state;
	}
	snprintf(path, sizeof(path), "/dev/accel%d", index);
	snprintf(state, sizeof(state), "no /dev/accel/accel%d, %s %s", index, path,
		 access(path, F_OK) ? "missing too" : "exists");
	return state;
}

/*
 * When the name accel/accelN cannot be allocated, the driver core puts the
 * node at /dev/accelN, the device's name (Documentation/accel/uapi.rst).
 * Does that node of @pdev's device open and name dummy_accel? 0 or
 * -errno; *@index: the device's index.
 */
static int pdev_fallback_node_works(const char *pdev, int *index)
{
	char path[64];

	*index = accel_pdev_index(pdev);
	if (*index < 0)
		return *index;
	snprintf(path, sizeof(path), "/dev/accel%d", *index);
	return accel_node_works(path);
}

/*
 * The /dev/accelN node stays behind after unbind, as uapi.rst says
 * (devtmpfs removes the name it computes then, accel/accelN): 0 if it
 * did, and it is removed here; -ENOENT if it went.
 */
static int fallback_node_stayed(int index)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/accel%d", index);
	return unlink(path) ? -errno : 0;
}

FIXTURE(module) {
	/* why the test skips, or NULL when root and the module are there */
	const char *why;
	/* failslab's settings, restored at teardown if a test changed them */
	char ignore_gfp_wait[8];
	char verbose[16];
};

/*
 * An installed module that does not reload is a failure: only a system
 * without root or the module skips.
 */
FIXTURE_SETUP(module)
{
	self->why = accel_module_missing();
	if (self->why)
		return;
	ASSERT_EQ(0, accel_reload("")) TH_LOG("reloading " DUMMY_NAME " failed");
}

FIXTURE_TEARDOWN(module)
{
	EXPECT_EQ(0, accel_failslab_restore(self->ignore_gfp_wait, self->verbose));
	if (!self->why)
		EXPECT_EQ(0, accel_reload("")) TH_LOG("reloading " DUMMY_NAME " failed");
}

#define NO_DEBUGFS "debugfs is not mounted at /sys/kernel/debug"
/*
 * The harness's 30 s are too few for 50 loads, 144 failing binds or 257
 * devices on a debug kernel under emulation (measured there: over 30 s);
 * this guards against a hang and is no time the tests must meet.
 */
#define MODULE_SLOW_TIMEOUT	180

/*
 * A device unbound under an open file with a buffer mapped: every ioctl
 * and a new mmap() fail with ENODEV, the mapping made before keeps its
 * data and can be written, munmap() and close() work, and the index is
 * free for the device bound again once the file is closed.
 */
TEST_F(module, unbind_with_open_fd_then_bind)
{
	struct drm_dummy_accel_get_param p = { .param = DUMMY_ACCEL_PARAM_NUM_CORES };
	struct drm_dummy_accel_submit job = { .count = 1, .op = DUMMY_ACCEL_OP_SUM };
	struct drm_dummy_accel_bo_create c = { .size = 4096 };
	struct drm_dummy_accel_bo_info info = { 0 };
	char pdev[64], path[128];
	struct drm_version v = { 0 };
	struct accel_bo bo;
	struct stat st;
	int index, fd, expect;

	if (self->why)
		SKIP(return, "%s", self->why);
	index = accel_find_dummy();
	ASSERT_LE(0, index);
	ASSERT_EQ(0, accel_platform_name(index, pdev, sizeof(pdev)));
	fd = accel_open_index(index);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, accel_bo_new(fd, 4096, &bo));
	((uint32_t *)bo.map)[0] = 1;
	job.in_handle = bo.handle;
	ASSERT_EQ(0, ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));

	ASSERT_EQ(0, accel_write_str(ACCEL_DRIVER_DIR "/unbind", pdev));
	EXPECT_EQ(-1, ioctl(fd, DRM_IOCTL_VERSION, &v));
	EXPECT_EQ(ENODEV, errno);
	/* the driver's ioctls too, whatever their argument */
	EXPECT_EQ(-1, ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_BO_CREATE, &c));
	EXPECT_EQ(ENODEV, errno);
	info.handle = bo.handle;
	EXPECT_EQ(-1, ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_BO_INFO, &info));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-ENODEV, accel_gem_close(fd, bo.handle));
	/* no new mapping; the one made before is the buffer's memory still */
	EXPECT_TRUE(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, bo.offset) == MAP_FAILED);
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(1, ((uint32_t *)bo.map)[0]);
	((uint32_t *)bo.map)[1] = 2;
	EXPECT_EQ(2, ((uint32_t *)bo.map)[1]);
	EXPECT_EQ(0, munmap(bo.map, bo.size));
	snprintf(path, sizeof(path), "/dev/accel/accel%d", index);
	EXPECT_EQ(-1, stat(path, &st));
	snprintf(path, sizeof(path), "/sys/class/accel/accel%d", index);
	EXPECT_NE(0, access(path, F_OK));
	EXPECT_EQ(0, close(fd));

	/* the index is free once the last file is closed */
	expect = accel_lowest_free_index();
	EXPECT_GE(index, expect);
	ASSERT_EQ(0, accel_write_str(ACCEL_DRIVER_DIR "/bind", pdev));
	snprintf(path, sizeof(path), "/sys/devices/platform/%s/accel/accel%d", pdev, expect);
	EXPECT_EQ(0, access(path, F_OK));
	fd = accel_open_index(expect);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, ioctl(fd, DRM_IOCTL_VERSION, &v));
	close(fd);
}

struct slow_submit {
	int fd;
	struct drm_dummy_accel_submit job;
	int ret;
};

static void *slow_submit_run(void *arg)
{
	struct slow_submit *t = arg;

	t->ret = ioctl(t->fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &t->job) ? -errno : 0;
	return NULL;
}

struct unbind_thread {
	const char *pdev;
	int ret;
	int done;
};

static void *unbind_run(void *arg)
{
	struct unbind_thread *t = arg;

	t->ret = accel_write_str(ACCEL_DRIVER_DIR "/unbind", t->pdev);
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * A SUBMIT whose in-syncobj array sits in a page that faults slowly (a
 * page userfaultfd answers only when the test says so, as a FUSE file's
 * page could be) holds up no unplug: SUBMIT copies its arguments before
 * it enters the device. The unbind returns while the copy waits; once
 * the page comes, SUBMIT fails with ENODEV.
 */
TEST_F(module, unbind_while_submit_copy_faults)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct drm_dummy_accel_syncobj in = { 0 };
	struct unbind_thread unbind = { 0 };
	struct slow_submit sub = { 0 };
	struct uffdio_copy copy = { 0 };
	struct uffd_msg msg = { 0 };
	long page = sysconf(_SC_PAGESIZE);
	pthread_t submitter, unbinder;
	struct pollfd pfd;
	char pdev[64];
	struct accel_bo bo;
	void *area, *src;
	double t0;
	int i;

	if (self->why)
		SKIP(return, "%s", self->why);
	pfd.fd = syscall(SYS_userfaultfd, O_CLOEXEC);
	ASSERT_LE(0, pfd.fd) TH_LOG("userfaultfd: %s (CONFIG_USERFAULTFD)", strerror(errno));
	pfd.events = POLLIN;
	ASSERT_EQ(0, ioctl(pfd.fd, UFFDIO_API, &api));
	area = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	src = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(area != MAP_FAILED);
	ASSERT_TRUE(src != MAP_FAILED);
	reg.range.start = (uintptr_t)area;
	reg.range.len = page;
	ASSERT_EQ(0, ioctl(pfd.fd, UFFDIO_REGISTER, &reg));

	ASSERT_EQ(0, accel_platform_name(accel_find_dummy(), pdev, sizeof(pdev)));
	sub.fd = accel_open_index(accel_find_dummy());
	ASSERT_LE(0, sub.fd);
	ASSERT_EQ(0, accel_bo_new(sub.fd, 4096, &bo));
	in.handle = accel_syncobj_new(sub.fd, DRM_SYNCOBJ_CREATE_SIGNALED);
	ASSERT_NE(0, in.handle);
	memcpy(src, &in, sizeof(in));
	sub.job.count = 1;
	sub.job.in_handle = bo.handle;
	sub.job.in_syncobjs = (uintptr_t)area;
	sub.job.in_syncobj_count = 1;
	ASSERT_EQ(0, pthread_create(&submitter, NULL, slow_submit_run, &sub));

	/* SUBMIT is in the fault: unbind meanwhile */
	ASSERT_EQ(1, poll(&pfd, 1, 5000)) TH_LOG("SUBMIT never faulted on the array");
	ASSERT_EQ(sizeof(msg), read(pfd.fd, &msg, sizeof(msg)));
	EXPECT_EQ(UFFD_EVENT_PAGEFAULT, msg.event);
	unbind.pdev = pdev;
	t0 = accel_now();
	ASSERT_EQ(0, pthread_create(&unbinder, NULL, unbind_run, &unbind));
	for (i = 0; i < 300 && !__atomic_load_n(&unbind.done, __ATOMIC_ACQUIRE); i++)
		usleep(10000);
	EXPECT_TRUE(__atomic_load_n(&unbind.done, __ATOMIC_ACQUIRE))
		TH_LOG("the unbind waited 3 s for the faulting SUBMIT");
	TH_LOG("unbind returned after %.0f ms with SUBMIT in the fault", 1000 * (accel_now() - t0));

	/* the page comes: SUBMIT goes on and finds the device gone */
	copy.dst = (uintptr_t)area;
	copy.src = (uintptr_t)src;
	copy.len = page;
	ASSERT_EQ(0, ioctl(pfd.fd, UFFDIO_COPY, &copy));
	ASSERT_EQ(0, pthread_join(submitter, NULL));
	ASSERT_EQ(0, pthread_join(unbinder, NULL));
	EXPECT_EQ(0, unbind.ret);
	EXPECT_EQ(-ENODEV, sub.ret);
	/* the mapping would hold the file, and the module, open */
	EXPECT_EQ(0, munmap(bo.map, bo.size));
	close(sub.fd);
	close(pfd.fd);
	munmap(area, page);
	munmap(src, page);
}

/* Export the fence in syncobj @handle of @fd as a sync_file: its fd or -errno */
static int export_fence(int fd, uint32_t handle)
{
	struct drm_syncobj_handle h = {
		.handle = handle, .flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE,
	};

	return ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h) ? -errno : h.fd;
}

/* The status of the fence of sync_file @fd: 1, 0, the fence's error, or -errno */
static int sync_file_status(int fd)
{
	struct sync_file_info info = { 0 };

	return ioctl(fd, SYNC_IOC_FILE_INFO, &info) ? -errno : info.status;
}

/*
 * A device unbound with jobs in flight: one hung, one queued behind it,
 * one on another core waiting for the hung one's fence. The unbind does
 * not wait for the job timeout: the fences of the jobs on the hardware
 * signal with ENODEV by the time it returns (read through sync_files
 * exported before); the waiting job ends with ENODEV, or with ESRCH when
 * the file is closed, as the uapi says. The module unloads once the file
 * is closed.
 */
TEST_F(module, unbind_with_jobs_in_flight)
{
	struct drm_dummy_accel_submit job = { .count = 1, .op = DUMMY_ACCEL_OP_SUM };
	struct drm_dummy_accel_syncobj dep = { 0 };
	int index, fd, sf[3], i, ret;
	char pdev[64], path[96];
	uint32_t sync[3];
	struct accel_bo bo;
	double start;

	if (self->why)
		SKIP(return, "%s", self->why);
	if (!accel_debugfs_mounted())
		SKIP(return, NO_DEBUGFS);
	ASSERT_EQ(0, accel_reload("job_timeout_ms=20000"));
	index = accel_find_dummy();
	ASSERT_LE(0, index);
	ASSERT_EQ(0, accel_platform_name(index, pdev, sizeof(pdev)));
	fd = accel_open_index(index);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, accel_bo_new(fd, 4096, &bo));
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%d/hang_jobs", index);
	ASSERT_EQ(0, accel_write_str(path, "1"));

	job.in_handle = bo.handle;
	for (i = 0; i < 3; i++) {
		sync[i] = accel_syncobj_new(fd, 0);
		ASSERT_NE(0, sync[i]);
		/* 0 hangs on core 0, 1 waits behind it, 2 on core 1 waits for 0 */
		job.core = i == 2;
		dep.handle = sync[0];
		job.in_syncobjs = (uintptr_t)&dep;
		job.in_syncobj_count = i == 2;
		job.out_syncobj.handle = sync[i];
		ASSERT_EQ(0, ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job)) TH_LOG("job %d", i);
		sf[i] = export_fence(fd, sync[i]);
		ASSERT_LE(0, sf[i]);
	}
	EXPECT_EQ(0, sync_file_status(sf[0]));
	/* the hung job has started to hang once it took the count */
	for (i = 0; i < 1000 && accel_file_has_line(path, "1") > 0; i++)
		usleep(1000);
	usleep(50000);

	start = accel_now();
	ASSERT_EQ(0, accel_write_str(ACCEL_DRIVER_DIR "/unbind", pdev));
	EXPECT_GT(10.0, accel_now() - start);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(-ENODEV, sync_file_status(sf[i])) TH_LOG("job %d", i);
		close(sf[i]);
	}
	EXPECT_EQ(-ENODEV, accel_syncobj_free(fd, sync[0]));
	EXPECT_EQ(0, munmap(bo.map, bo.size));
	EXPECT_EQ(0, close(fd));
	for (i = 0; i < 5000 && !sync_file_status(sf[2]); i++)
		usleep(1000);
	ret = sync_file_status(sf[2]);
	EXPECT_TRUE(ret == -ENODEV || ret == -ESRCH) TH_LOG("job 2: %d", ret);
	close(sf[2]);
	EXPECT_EQ(0, syscall(SYS_delete_module, DUMMY_NAME, O_NONBLOCK));
}

/* A uevent as the kernel broadcasts it: "ACTION@DEVPATH", then KEY=value strings. */
struct uevent {
	char buf[8192];
	size_t len;
};

/* The value of @key in @ev, or "(missing)". */
static const char *uevent_get(const struct uevent *ev, const char *key)
{
	size_t klen = strlen(key);
	const char *p;

	for (p = ev->buf + strlen(ev->buf) + 1; p < ev->buf + ev->len; p += strlen(p) + 1)
		if (!strncmp(p, key, klen) && p[klen] == '=')
			return p + klen + 1;
	return "(missing)";
}

/*
 * Receive uevents on @sock until the kernel sends one of an accel device
 * with ACTION=@action, into @ev; 0 or -errno (-EAGAIN when none came
 * within the socket's timeout).
 */
static int uevent_recv(int sock, const char *action, struct uevent *ev)
{
	struct sockaddr_nl from;
	struct iovec iov = { ev->buf, sizeof(ev->buf) - 1 };
	struct msghdr msg = { .msg_name = &from, .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	for (;;) {
		msg.msg_namelen = sizeof(from);
		n = recvmsg(sock, &msg, 0);
		if (n < 0)
			return -errno;
		/* as udev does: whole messages, from the kernel (port 0) only */
		if ((msg.msg_flags & MSG_TRUNC) || from.nl_pid)
			continue;
		ev->buf[n] = '\0';
		ev->len = n;
		if (!strcmp("accel", uevent_get(ev, "SUBSYSTEM")) &&
		    !strcmp(action, uevent_get(ev, "ACTION")))
			return 0;
	}
}

/* @ev must be the @action uevent of accel<index>, child of sysfs device @parent. */
static void check_uevent(struct __test_metadata *_metadata, const struct uevent *ev,
			 const char *action, const char *parent, int index)
{
	char devpath[PATH_MAX], want[PATH_MAX + 32];

	snprintf(devpath, sizeof(devpath), "%s/accel/accel%d", parent, index);
	snprintf(want, sizeof(want), "%s@%s", action, devpath);
	EXPECT_STREQ(want, ev->buf);
	EXPECT_STREQ(action, uevent_get(ev, "ACTION"));
	EXPECT_STREQ(devpath, uevent_get(ev, "DEVPATH"));
	snprintf(want, sizeof(want), "%d", ACCEL_MAJOR);
	EXPECT_STREQ(want, uevent_get(ev, "MAJOR"));
	snprintf(want, sizeof(want), "%d", index);
	EXPECT_STREQ(want, uevent_get(ev, "MINOR"));
	snprintf(want, sizeof(want), "accel/accel%d", index);
	EXPECT_STREQ(want, uevent_get(ev, "DEVNAME"));
	EXPECT_STREQ("accel_minor", uevent_get(ev, "DEVTYPE"));
}

/*
 * udev learns of accel devices from the kernel's uevents: unbinding and
 * binding the device must broadcast its remove and add with the keys a
 * rule matches on and the node's name. CONFIG_NET is in the config, so a
 * kernel without uevent sockets fails here.
 */
TEST_F(module, uevent_add_remove_over_netlink)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	struct timeval timeout = { .tv_sec = 5 };
	char pdev[64], path[128], parent[PATH_MAX];
	int index, sock, added;
	struct uevent ev;

	if (self->why)
		SKIP(return, "%s", self->why);
	index = accel_find_dummy();
	ASSERT_LE(0, index);
	ASSERT_EQ(0, accel_platform_name(index, pdev, sizeof(pdev)));
	/* DEVPATH is the device's sysfs path without /sys */
	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s", pdev);
	ASSERT_TRUE(!!realpath(path, parent));
	ASSERT_EQ(0, strncmp(parent, "/sys/", 5));

	sock = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	ASSERT_LE(0, sock) TH_LOG("uevent socket: %s", strerror(errno));
	ASSERT_EQ(0, bind(sock, (struct sockaddr *)&addr, sizeof(addr)));
	ASSERT_EQ(0, setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)));

	ASSERT_EQ(0, accel_write_str(ACCEL_DRIVER_DIR "/unbind", pdev));
	ASSERT_EQ(0, accel_write_str(ACCEL_DRIVER_DIR "/bind", pdev));
	added = accel_pdev_index(pdev);
	ASSERT_LE(0, added);

	ASSERT_EQ(0, uevent_recv(sock, "remove", &ev)) TH_LOG("no remove uevent of accel%d", index);
	check_uevent(_metadata, &ev, "remove", parent + 4, index);
	ASSERT_EQ(0, uevent_recv(sock, "add", &ev)) TH_LOG("no add uevent of accel%d", added);
	check_uevent(_metadata, &ev, "add", parent + 4, added);
	close(sock);
}

#define DEVCD_DIR "/sys/class/devcoredump"

/*
 * The devcoredumps of accel node @index: how many there are; the text of
 * the first in @dump. With @delete, each is deleted by a write to its
 * data. -errno if the class is missing.
 */
static int accel_dumps(int index, char *dump, size_t len, int delete)
{
	char path[PATH_MAX], want[32], text[1024];
	int dfd, found = 0;
	struct dirent *e;
	ssize_t n;
	DIR *dir;

	dir = opendir(DEVCD_DIR);
	if (!dir)
		return -errno;
	snprintf(want, sizeof(want), "device: accel%d\n", index);
	while ((e = readdir(dir))) {
		if (strncmp(e->d_name, "devcd", 5))
			continue;
		snprintf(path, sizeof(path), DEVCD_DIR "/%s/data", e->d_name);
		dfd = open(path, O_RDWR | O_CLOEXEC);
		if (dfd < 0)
			continue;
		n = read(dfd, text, sizeof(text) - 1);
		text[n > 0 ? n : 0] = '\0';
		if (strstr(text, want) && !found++)
			snprintf(dump, len, "%s", text);
		if (delete && write(dfd, "1", 1) != 1)
			found = -EIO;
		close(dfd);
		if (found < 0)
			break;
	}
	closedir(dir);
	return found;
}

/* The dumps of node @index once deletion has taken effect (asynchronous) */
static int accel_dumps_after_delete(int index)
{
	char dump[1024];
	int i, n = 0;

	for (i = 0; i < 100; i++) {
		n = accel_dumps(index, dump, sizeof(dump), 0);
		if (n <= 0)
			break;
		usleep(20000);
	}
	return n;
}

/*
 * Submit a job on @core of @fd that hangs (hang_jobs is set), reading
 * 3 elements of @bo from element 5 and writing at byte 4096; wait for
 * its fence and the change uevent of the reset on @sock. 0, or the step
 * that failed.
 */
static const char *hang_and_report(int fd, uint32_t handle, uint32_t core, int sock,
				   struct uevent *ev)
{
	struct drm_dummy_accel_submit job = {
		.count = 3, .op = DUMMY_ACCEL_OP_XOR, .core = core, .in_handle = handle,
		.in_offset = 5, .out_handle = handle, .out_offset = 4096,
	};
	uint32_t sync = accel_syncobj_new(fd, 0);
	const char *failed = NULL;

	if (!sync)
		return "SYNCOBJ_CREATE";
	job.out_syncobj.handle = sync;
	if (ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job))
		failed = "SUBMIT";
	else if (accel_syncobj_wait(fd, sync, 0))
		failed = "the wait for the fence";
	else if (accel_fence_status(fd, sync) != -ETIMEDOUT)
		failed = "the fence's -ETIMEDOUT";
	else if (uevent_recv(sock, "change", ev))
		failed = "the change uevent";
	accel_syncobj_free(fd, sync);
	return failed;
}

/*
 * A job that hangs is stopped after the job timeout, and its device
 * tells: a KOBJ_CHANGE uevent of its accel node with RESET=1, the core
 * and the device's reset count, and a devcoredump of the job under
 * /sys/class/devcoredump/. devcoredump keeps one dump per device until
 * it is read: a second hang before then is told by its uevent only
 * (RESETS=2), a write to the dump deletes it, and the third hang has a
 * dump again.
 */
TEST_F(module, hang_reported_by_uevent_and_devcoredump)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	struct timeval timeout = { .tv_sec = 5 };
	char pdev[64], path[160], dump[1024], want[64];
	int index, fd, sock;
	struct accel_bo bo;
	struct uevent ev;
	const char *failed;
	struct stat st;

	if (self->why)
		SKIP(return, "%s", self->why);
	if (!accel_debugfs_mounted())
		SKIP(return, NO_DEBUGFS);
	index = accel_find_dummy();
	ASSERT_LE(0, index);
	/* the dumps of earlier hangs go first */
	ASSERT_LE(0, accel_dumps(index, dump, sizeof(dump), 1))
		TH_LOG("no " DEVCD_DIR " (CONFIG_DEV_COREDUMP)");
	ASSERT_EQ(0, accel_dumps_after_delete(index));
	ASSERT_EQ(0, accel_platform_name(index, pdev, sizeof(pdev)));
	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/job_timeout_ms", pdev);
	ASSERT_EQ(0, accel_write_str(path, "100"));
	fd = accel_open_index(index);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, accel_bo_new(fd, 8192, &bo));
	sock = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	ASSERT_LE(0, sock);
	ASSERT_EQ(0, bind(sock, (struct sockaddr *)&addr, sizeof(addr)));
	ASSERT_EQ(0, setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)));
	/* root's file: only root makes jobs hang */
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%d/hang_jobs", index);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	ASSERT_EQ(0, accel_write_str(path, "3"));

	failed = hang_and_report(fd, bo.handle, 1, sock, &ev);
	ASSERT_TRUE(!failed) TH_LOG("first hang: %s", failed);
	EXPECT_STREQ("1", uevent_get(&ev, "RESET"));
	EXPECT_STREQ("1", uevent_get(&ev, "CORE"));
	EXPECT_STREQ("1", uevent_get(&ev, "RESETS"));
	snprintf(want, sizeof(want), "accel/accel%d", index);
	EXPECT_STREQ(want, uevent_get(&ev, "DEVNAME"));

	/* the second hang, its dump unread: a uevent, no second dump */
	failed = hang_and_report(fd, bo.handle, 2, sock, &ev);
	ASSERT_TRUE(!failed) TH_LOG("second hang: %s", failed);
	EXPECT_STREQ("2", uevent_get(&ev, "CORE"));
	EXPECT_STREQ("2", uevent_get(&ev, "RESETS"));

	ASSERT_EQ(1, accel_dumps(index, dump, sizeof(dump), 0));
	EXPECT_TRUE(!!strstr(dump, "core: 1\n")) TH_LOG("%s", dump);
	EXPECT_TRUE(!!strstr(dump, "op: 1\n")) TH_LOG("%s", dump);
	EXPECT_TRUE(!!strstr(dump, "count: 3\n")) TH_LOG("%s", dump);
	EXPECT_TRUE(!!strstr(dump, "in: 8192 bytes, from byte 20\n")) TH_LOG("%s", dump);
	EXPECT_TRUE(!!strstr(dump, "out: 8192 bytes, result at byte 4096\n")) TH_LOG("%s", dump);
	EXPECT_TRUE(!!strstr(dump, "resets: 1\n")) TH_LOG("%s", dump);
	EXPECT_TRUE(!!strstr(dump, "ran: ")) TH_LOG("%s", dump);

	/* a write deletes the dump; the next hang has one again */
	EXPECT_EQ(1, accel_dumps(index, dump, sizeof(dump), 1));
	EXPECT_EQ(0, accel_dumps_after_delete(index));
	failed = hang_and_report(fd, bo.handle, 3, sock, &ev);
	ASSERT_TRUE(!failed) TH_LOG("third hang: %s", failed);
	EXPECT_STREQ("3", uevent_get(&ev, "RESETS"));
	ASSERT_EQ(1, accel_dumps(index, dump, sizeof(dump), 1));
	EXPECT_TRUE(!!strstr(dump, "core: 3\n")) TH_LOG("%s", dump);
	EXPECT_TRUE(!!strstr(dump, "resets: 3\n")) TH_LOG("%s", dump);
	EXPECT_EQ(0, accel_dumps_after_delete(index));
	close(sock);
	EXPECT_EQ(0, accel_bo_free(fd, &bo));
	close(fd);
}

/*
 * Write @pdev to the driver's bind file with the @nth allocation of this
 * thread failing (Documentation/fault-injection/fault-injection.rst);
 * 0 or -errno of the bind. *@reached: @nth allocations were made.
 */
static int bind_failing(const char *pdev, int nth, int *reached)
{
	/* opened first: the open allocates too */
	int bind = open(ACCEL_DRIVER_DIR "/bind", O_WRONLY), fail, left, ret;

	if (bind < 0)
		return -EBADF;
	fail = accel_fail_nth_arm(nth);
	if (fail < 0) {
		close(bind);
		return -EBADF;
	}
	ret = write(bind, pdev, strlen(pdev)) < 0 ? -errno : 0;
	left = accel_fail_nth_disarm(fail);
	*reached = left == 0;
	if (left < 0)
		ret = -EIO;
	close(bind);
	return ret;
}

/*
 * Bind a device with each allocation of the bind failed in turn: each
 * failure is -ENOMEM and leaves no node behind and the device unbound, or
 * the bind carries on without what it could not allocate and the node
 * works. The device binds at its old index in the end.
 */
struct bind_sweep {
	int allocations;
	int binds;
	int failures;	/* binds the failure failed */
	int swallowed;	/* binds that carried on without what failed */
	int misplaced;	/* of those, the node's name failed */
};

/*
 * Bind unbound @pdev with its @nth allocation failing and check what the
 * failure left: -ENOMEM, no node behind (@nodes class devices) and the
 * device unbound (no @bound link); or the bind carried on and the node
 * works, at /dev/accelN if its name was what failed, and that node stays
 * behind at unbind. *@reached: the bind made @nth allocations. 1 if the
 * bind swallowed the failure with the node in its place, else 0.
 */
static int bind_failing_checked(struct __test_metadata *_metadata, const char *pdev,
				int nth, int nodes, const char *bound, int *reached,
				struct bind_sweep *s)
{
	int ret = bind_failing(pdev, nth, reached), fallback;

	if (ret) {
		s->failures++;
		EXPECT_EQ(-ENOMEM, ret) TH_LOG("allocation %d failed", nth);
		EXPECT_EQ(nodes, accel_count_entries("/sys/class/accel", "accel"))
			TH_LOG("allocation %d failed", nth);
		EXPECT_NE(0, access(bound, F_OK)) TH_LOG("allocation %d failed", nth);
		return 0;
	}
	/* reached: the bind swallowed the failure */
	s->swallowed += *reached;
	ret = pdev_node_works(pdev);
	/* the node's name was what failed: the node is at /dev/accelN */
	if (ret == -ENOENT && !pdev_fallback_node_works(pdev, &fallback)) {
		s->misplaced++;
		ret = 0;
	} else {
		fallback = -1;
	}
	EXPECT_EQ(0, ret)
		TH_LOG("allocation %d failing: sysfs accel index %d, %s", nth,
		       accel_pdev_index(pdev), node_state(accel_pdev_index(pdev)));
	ASSERT_EQ(0, accel_write_str(ACCEL_DRIVER_DIR "/unbind", pdev));
	if (fallback < 0)
		return *reached;
	EXPECT_EQ(0, fallback_node_stayed(fallback))
		TH_LOG("/dev/accel%d went at unbind", fallback);
	return 0;
}

/*
 * Bind unbound @pdev once per allocation the bind makes, that allocation
 * failing (bind_failing_checked()). Until the node's name has failed, a
 * bind that swallowed its failure is tried again, up to @tries binds in
 * all: the next bind may make one or two more allocations before the
 * same @nth.
 */
static void sweep_binds(struct __test_metadata *_metadata, const char *pdev,
			int nodes, const char *bound, int tries, struct bind_sweep *s)
{
	int nth, reached = 1, try, again;

	memset(s, 0, sizeof(*s));
	for (nth = 1; reached && nth < 10000; nth++) {
		for (try = 1, again = 1; again && try <= tries; try++) {
			again = bind_failing_checked(_metadata, pdev, nth, nodes, bound,
						     &reached, s);
			s->binds++;
			again = again && !s->misplaced;
		}
	}
	EXPECT_FALSE(reached);
	s->allocations = nth - 2;
}

/*
 * Bind a device with each allocation of the bind failed in turn (see
 * sweep_binds()). The allocations of a bind are not the same from one
 * bind to the next: a bind makes one or two more now and then (278 or
 * 280 on the x86_64 debug kernel, 268 to 272 on the plain one, binding
 * again and again). So a sweep may step over the node's name: on the
 * debug kernel, one bind per allocation always did. A first sweep binds
 * once per allocation; up to two more bind up to three times per
 * allocation, until one fails the name. The device binds at its old
 * index in the end.
 */
TEST_F_TIMEOUT(module, bind_with_each_allocation_failing, 3 * MODULE_SLOW_TIMEOUT)
{
	char pdev[64], bound[128], ignore_gfp_wait[8], verbose[16];
	struct bind_sweep sweep = { 0 };
	int index, nodes, fd, pass;

	if (self->why)
		SKIP(return, "%s", self->why);
	if (!accel_debugfs_mounted())
		SKIP(return, NO_DEBUGFS);
	if (accel_failslab_save(ignore_gfp_wait, sizeof(ignore_gfp_wait),
				verbose, sizeof(verbose)))
		SKIP(return, ACCEL_NO_FAILSLAB);
	strcpy(self->ignore_gfp_wait, ignore_gfp_wait);
	strcpy(self->verbose, verbose);
	index = accel_find_dummy();
	ASSERT_LE(0, index);
	ASSERT_EQ(0, accel_platform_name(index, pdev, sizeof(pdev)));
	snprintf(bound, sizeof(bound), ACCEL_DRIVER_DIR "/%s", pdev);
	ASSERT_EQ(0, accel_write_str(ACCEL_DRIVER_DIR "/unbind", pdev));
	nodes = accel_count_entries("/sys/class/accel", "accel");

	/* fail GFP_KERNEL allocations too, without a stack dump each */
	ASSERT_EQ(0, accel_write_str(ACCEL_FAILSLAB "ignore-gfp-wait", "N"));
	ASSERT_EQ(0, accel_write_str(ACCEL_FAILSLAB "verbose", "0"));
	for (pass = 1; pass <= 3 && !sweep.misplaced; pass++) {
		sweep_binds(_metadata, pdev, nodes, bound, pass == 1 ? 1 : 3, &sweep);
		EXPECT_LT(0, sweep.failures);
		TH_LOG("sweep %d: %d allocations to bind, %d binds: %d failed, %d swallowed it",
		       pass, sweep.allocations, sweep.binds, sweep.failures, sweep.swallowed);
		TH_LOG("(%d of them the node's name)", sweep.misplaced);
	}
	/* the stays-behind check ran */
	EXPECT_LT(0, sweep.misplaced);

	ASSERT_EQ(0, accel_write_str(ACCEL_DRIVER_DIR "/bind", pdev));
	EXPECT_EQ(0, access(bound, F_OK));
	fd = accel_open_index(index);
	EXPECT_LE(0, fd);
	close(fd);
}

TEST_F(module, rmmod_refused_while_open)
{
	int fd;

	if (self->why)
		SKIP(return, "%s", self->why);
	fd = accel_open_index(accel_find_dummy());
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, syscall(SYS_delete_module, DUMMY_NAME, O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_TRUE(accel_dummy_loaded());
	close(fd);
	EXPECT_EQ(0, syscall(SYS_delete_module, DUMMY_NAME, O_NONBLOCK));
	EXPECT_FALSE(accel_dummy_loaded());
}

/*
 * A mapping holds its file open, and so the module: with the fd closed
 * and a buffer still mapped, rmmod is refused; after munmap() it works.
 */
TEST_F(module, mapping_holds_file_and_module)
{
	struct accel_bo bo;
	int fd;

	if (self->why)
		SKIP(return, "%s", self->why);
	fd = accel_open_index(accel_find_dummy());
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, accel_bo_new(fd, 4096, &bo));
	ASSERT_EQ(0, close(fd));
	((uint32_t *)bo.map)[0] = 5;
	EXPECT_EQ(-1, syscall(SYS_delete_module, DUMMY_NAME, O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_EQ(5, ((uint32_t *)bo.map)[0]);
	EXPECT_EQ(0, munmap(bo.map, bo.size));
	EXPECT_EQ(0, syscall(SYS_delete_module, DUMMY_NAME, O_NONBLOCK));
	EXPECT_FALSE(accel_dummy_loaded());
}

/*
 * In a child process: export a buffer of a new file on accel node @index
 * as a dma-buf, write its fd number to @out, wait until @in says the
 * parent took it (pidfd_getfd()), and exit with every file closed.
 */
static void child_exports_dmabuf(int index, int out, int in)
{
	struct drm_prime_handle exp = { .flags = DRM_CLOEXEC | DRM_RDWR };
	struct accel_bo bo;
	int fd = accel_open_index(index);
	char go;

	if (fd < 0 || accel_bo_new(fd, 4096, &bo))
		_exit(1);
	((uint32_t *)bo.map)[0] = 77;
	exp.handle = bo.handle;
	if (ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp))
		_exit(2);
	munmap(bo.map, bo.size);
	close(fd);
	if (write(out, &exp.fd, sizeof(exp.fd)) != sizeof(exp.fd) || read(in, &go, 1) != 1)
		_exit(3);
	_exit(0);
}

/*
 * A dma-buf exported in another process holds the module: the exporter
 * has exited with its file closed, the dma-buf taken from it
 * (pidfd_getfd(), no UNIX socket needed) keeps the buffer's data and
 * refuses rmmod until it is closed.
 */
TEST_F(module, dmabuf_of_exited_process_holds_module)
{
	int to_parent[2], to_child[2], status, theirs = -1, pidfd, dmabuf;
	uint32_t *m;
	pid_t pid;

	if (self->why)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, pipe(to_parent));
	ASSERT_EQ(0, pipe(to_child));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		child_exports_dmabuf(accel_find_dummy(), to_parent[1], to_child[0]);
	ASSERT_EQ(sizeof(theirs), read(to_parent[0], &theirs, sizeof(theirs)));
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	ASSERT_LE(0, pidfd);
	dmabuf = syscall(SYS_pidfd_getfd, pidfd, theirs, 0);
	close(pidfd);
	ASSERT_EQ(1, write(to_child[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	close(to_parent[0]);
	close(to_parent[1]);
	close(to_child[0]);
	close(to_child[1]);
	ASSERT_LE(0, dmabuf) TH_LOG("pidfd_getfd: %s", strerror(errno));
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, dmabuf, 0);
	ASSERT_TRUE(m != MAP_FAILED);
	EXPECT_EQ(77, m[0]);
	EXPECT_EQ(0, munmap(m, 4096));
	EXPECT_EQ(-1, syscall(SYS_delete_module, DUMMY_NAME, O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_TRUE(accel_dummy_loaded());
	EXPECT_EQ(0, close(dmabuf));
	EXPECT_EQ(0, syscall(SYS_delete_module, DUMMY_NAME, O_NONBLOCK));
	EXPECT_FALSE(accel_dummy_loaded());
}

/*
 * What dummy_accel left after its unload, or NULL: no class device, node,
 * debugfs directory or platform device may be left. The class and the
 * debugfs root stay with drm.ko, empty; /dev/accel may go.
 */
static const char *left_after_unload(void)
{
	if (accel_count_entries("/sys/class/accel", "accel"))
		return "class devices left (or no class accel)";
	if (accel_count_entries("/dev/accel", "accel") > 0)
		return "nodes left in /dev/accel";
	if (accel_debugfs_mounted() && accel_count_entries("/sys/kernel/debug/accel", ""))
		return "debugfs accel/ not there, or not empty";
	if (accel_count_entries("/sys/bus/platform/devices", DUMMY_NAME))
		return "platform devices left";
	return NULL;
}

TEST_F_TIMEOUT(module, load_unload_50_cycles_leave_nothing, MODULE_SLOW_TIMEOUT)
{
	const char *left;
	int i, fd;

	if (self->why)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, accel_sh("rmmod " DUMMY_NAME));
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, accel_sh("modprobe " DUMMY_NAME));
		fd = open("/dev/accel/accel0", O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd);
		close(fd);
		ASSERT_EQ(0, accel_sh("rmmod " DUMMY_NAME));
	}
	left = left_after_unload();
	EXPECT_TRUE(!left) TH_LOG("after 50 cycles: %s", left);
}

TEST_F(module, four_devices_work_independently)
{
	struct drm_dummy_accel_get_param p = { .param = DUMMY_ACCEL_PARAM_INDEX };
	struct drm_dummy_accel_submit job = { 0 };
	uint64_t result = 0;
	uint32_t data = 7;
	int fds[4], i;

	if (self->why)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, accel_reload("num_devices=4"));
	ASSERT_EQ(4, accel_count_entries("/sys/class/accel", "accel"));
	for (i = 0; i < 4; i++) {
		fds[i] = accel_open_index(i);
		ASSERT_LE(0, fds[i]);
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, ioctl(fds[i], DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p));
		EXPECT_EQ(i, p.value);
		/* each device counts its own jobs */
		ASSERT_EQ(0, accel_submit_values(fds[i], DUMMY_ACCEL_OP_SUM, &data, 1,
						 &job, &result));
		EXPECT_EQ(7, result);
		EXPECT_EQ(1, get_param(fds[i], DUMMY_ACCEL_PARAM_JOBS_DONE));
	}
	for (i = 0; i < 4; i++)
		close(fds[i]);
}

/*
 * drm-client-id tells the files of every DRM device apart: two files of
 * accel0 and one of accel1 have three ids, all above 0. A file passed to
 * another process (inherited by a child) is the same client there.
 */
TEST_F(module, client_ids_across_devices_and_processes)
{
	long long ids[3];
	int fds[3], i, j, status;
	pid_t pid;

	if (self->why)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, accel_reload("num_devices=2"));
	for (i = 0; i < 3; i++) {
		fds[i] = accel_open_index(i / 2);
		ASSERT_LE(0, fds[i]);
		ids[i] = accel_fdinfo_num(fds[i], "drm-client-id", "");
		EXPECT_LT(0, ids[i]);
		for (j = 0; j < i; j++)
			EXPECT_NE(ids[j], ids[i]) TH_LOG("files %d and %d", j, i);
	}
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(accel_fdinfo_num(fds[2], "drm-client-id", "") == ids[2] ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status) TH_LOG("the child read another id");
	for (i = 0; i < 3; i++)
		close(fds[i]);
}

/*
 * Two devices share a buffer through a dma-buf: accel1 imports what
 * accel0 exported, and both see the same memory, through jobs and through
 * mappings (accel0's of its buffer, and the dma-buf's). The dma-buf holds
 * the module: with every device file closed, rmmod is refused
 * (EWOULDBLOCK) until the dma-buf is closed.
 */
TEST_F(module, prime_between_two_devices)
{
	struct drm_prime_handle exp = { .flags = DRM_CLOEXEC | DRM_RDWR };
	struct drm_dummy_accel_submit job = { .count = 2, .op = DUMMY_ACCEL_OP_SUM };
	struct drm_dummy_accel_bo_info info = { 0 };
	struct drm_prime_handle imp = { 0 };
	int fd0, fd1, dmabuf, i;
	uint64_t result = 0;
	struct accel_bo bo;
	uint32_t *m1;

	if (self->why)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, accel_reload("num_devices=2"));
	fd0 = accel_open_index(0);
	ASSERT_LE(0, fd0);
	fd1 = accel_open_index(1);
	ASSERT_LE(0, fd1);
	ASSERT_EQ(0, accel_bo_new(fd0, 4096, &bo));
	((uint32_t *)bo.map)[0] = 30;
	((uint32_t *)bo.map)[1] = 12;
	exp.handle = bo.handle;
	ASSERT_EQ(0, ioctl(fd0, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp));
	dmabuf = exp.fd;
	imp.fd = dmabuf;
	ASSERT_EQ(0, ioctl(fd1, DRM_IOCTL_PRIME_FD_TO_HANDLE, &imp))
		TH_LOG("accel1 importing accel0's buffer: %s", strerror(errno));
	job.in_handle = imp.handle;
	ASSERT_EQ(0, accel_job_wait(fd1, &job, &result));
	EXPECT_EQ(42, result);
	/* accel1 maps the buffer through the dma-buf: accel0's memory */
	info.handle = imp.handle;
	ASSERT_EQ(0, ioctl(fd1, DRM_IOCTL_DUMMY_ACCEL_BO_INFO, &info));
	EXPECT_EQ(4096, info.size);
	EXPECT_EQ(0, info.offset);
	m1 = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, dmabuf, 0);
	ASSERT_TRUE(m1 != MAP_FAILED) TH_LOG("mmap of the dma-buf: %s", strerror(errno));
	EXPECT_EQ(30, m1[0]);
	m1[2] = 5;
	EXPECT_EQ(5, ((uint32_t *)bo.map)[2]);
	job.in_offset = 2;
	job.count = 1;
	ASSERT_EQ(0, accel_job_wait(fd1, &job, &result));
	EXPECT_EQ(5, result);
	EXPECT_EQ(0, munmap(m1, info.size));
	EXPECT_EQ(0, accel_gem_close(fd1, imp.handle));
	EXPECT_EQ(0, accel_bo_free(fd0, &bo));
	EXPECT_EQ(0, close(fd1));
	EXPECT_EQ(0, close(fd0));

	/* only the dma-buf is left, and it holds the module */
	EXPECT_NE(0, syscall(SYS_delete_module, DUMMY_NAME, O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_TRUE(accel_dummy_loaded());
	EXPECT_EQ(0, close(dmabuf));
	/*
	 * The dma-buf's last reference may be the imported buffer's, which the
	 * last job drops from dummy_accel's worker: the kernel then releases
	 * the file from its delayed fput work, a jiffy or so later.
	 */
	for (i = 0; i < 50 && syscall(SYS_delete_module, DUMMY_NAME, O_NONBLOCK); i++)
		usleep(100000);
	if (i)
		TH_LOG("the module went %d ms after the dma-buf's close", 100 * i);
	EXPECT_FALSE(accel_dummy_loaded()) TH_LOG("still loaded 5 s after the dma-buf's close");
}

#define PARAM_DIR "/sys/module/" DUMMY_NAME "/parameters/"

TEST_F(module, num_devices_0_loads_without_devices)
{
	char value[16];
	struct stat st;

	if (self->why)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, accel_reload("num_devices=0"));
	EXPECT_TRUE(accel_dummy_loaded());
	ASSERT_EQ(0, accel_read_line(PARAM_DIR "num_devices", value, sizeof(value)));
	EXPECT_STREQ("0", value);
	/* read once at load: shown, not writable */
	ASSERT_EQ(0, stat(PARAM_DIR "num_devices", &st));
	EXPECT_EQ(0444, st.st_mode & 07777);
	ASSERT_EQ(0, stat(PARAM_DIR "num_cores", &st));
	EXPECT_EQ(0444, st.st_mode & 07777);
	EXPECT_EQ(0, accel_count_entries(ACCEL_DRIVER_DIR, DUMMY_NAME "."));
	EXPECT_EQ(0, accel_count_entries("/sys/bus/platform/devices", DUMMY_NAME));
	/* and it unloads as it loaded */
	EXPECT_EQ(0, accel_sh("rmmod " DUMMY_NAME));
}

/*
 * Loaded without parameters (as the fixture does): one device of four
 * cores and a job timeout of one second, as uapi.rst and the parameters'
 * descriptions say, and the three parameters read-only.
 */
TEST_F(module, defaults_one_device_four_cores_one_second)
{
	static const char *const params[][2] = {
		{ "num_devices", "1" }, { "num_cores", "4" }, { "job_timeout_ms", "1000" },
	};
	char value[16], path[128];
	unsigned int i;
	struct stat st;
	int fd;

	if (self->why)
		SKIP(return, "%s", self->why);
	EXPECT_EQ(1, accel_count_entries(ACCEL_DRIVER_DIR, DUMMY_NAME "."));
	for (i = 0; i < ARRAY_SIZE(params); i++) {
		snprintf(path, sizeof(path), PARAM_DIR "%s", params[i][0]);
		ASSERT_EQ(0, accel_read_line(path, value, sizeof(value))) TH_LOG("%s", path);
		EXPECT_STREQ(params[i][1], value) TH_LOG("%s", path);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_EQ(0444, st.st_mode & 07777) TH_LOG("%s", path);
	}
	fd = accel_open_index(accel_find_dummy());
	ASSERT_LE(0, fd);
	EXPECT_EQ(4, get_param(fd, DUMMY_ACCEL_PARAM_NUM_CORES));
	EXPECT_EQ(1000, get_param(fd, DUMMY_ACCEL_PARAM_JOB_TIMEOUT_MS));
	close(fd);
}

TEST_F_TIMEOUT(module, num_devices_257_gives_256_nodes, MODULE_SLOW_TIMEOUT)
{
	int fd, kmsg;

	if (self->why)
		SKIP(return, "%s", self->why);
	/* the log line must come from this load */
	kmsg = accel_kmsg_open();
	ASSERT_LE(0, kmsg);
	ASSERT_EQ(0, accel_reload("num_devices=257"));
	EXPECT_EQ(ACCEL_MINORS, accel_count_entries("/sys/class/accel", "accel"));
	EXPECT_EQ(ACCEL_MINORS, accel_count_entries("/dev/accel", "accel"));
	EXPECT_EQ(ACCEL_MINORS, accel_count_entries(ACCEL_DRIVER_DIR, DUMMY_NAME "."));
	EXPECT_TRUE(accel_kmsg_find(kmsg, "all 256 accel minors are in use"));
	close(kmsg);
	fd = open("/dev/accel/accel255", O_RDWR | O_CLOEXEC);
	EXPECT_LE(0, fd);
	close(fd);
}

/* Module cycles: how many, and for how long at most (seconds) */
#define MODULE_CYCLES		100
#define MODULE_CYCLE_SECONDS	150

/* Ways a load/unload cycle ends: see cycle_end() */
enum cycle_kind { CYCLE_PLAIN, CYCLE_HELD, CYCLE_UNBOUND, CYCLE_KINDS };

/*
 * End a load/unload cycle the way @kind says, through accel device @dev:
 * a plain rmmod; rmmod with a file open, refused (EWOULDBLOCK) until the
 * file is closed; or the device unbound under an open file first, whose
 * ioctls then fail with ENODEV. NULL, or the step that went wrong.
 */
static const char *cycle_end(enum cycle_kind kind, int dev)
{
	struct drm_version v = { 0 };
	char pdev[64];
	int fd;

	if (accel_index_works(dev))
		return "a device did not work";
	if (kind == CYCLE_PLAIN)
		return accel_sh("rmmod " DUMMY_NAME) ? "rmmod" : NULL;
	fd = accel_open_index(dev);
	if (fd < 0)
		return "open";
	if (kind == CYCLE_UNBOUND) {
		if (accel_platform_name(dev, pdev, sizeof(pdev)) ||
		    accel_write_str(ACCEL_DRIVER_DIR "/unbind", pdev))
			goto err_close;
		if (!ioctl(fd, DRM_IOCTL_VERSION, &v) || errno != ENODEV)
			goto err_close;
	} else if (!syscall(SYS_delete_module, DUMMY_NAME, O_NONBLOCK) ||
		   errno != EWOULDBLOCK || !accel_dummy_loaded()) {
		goto err_close;
	}
	if (close(fd))
		return "close";
	return accel_sh("rmmod " DUMMY_NAME) ? "rmmod after close" : NULL;

err_close:
	close(fd);
	return kind == CYCLE_UNBOUND ? "unbind with a file open" : "rmmod with a file open";
}

TEST_F_TIMEOUT(module, cycles_with_files_held, MODULE_CYCLE_SECONDS + 300)
{
	unsigned int seed = accel_seed();
	double start, end;
	int c, n, kind, kinds[CYCLE_KINDS] = { 0 }, devices = 0, kmemleak;
	const char *failed = NULL;
	struct accel_kmemleak km;

	if (self->why)
		SKIP(return, "%s", self->why);
	TH_LOG("seed %u (SEED=%u replays it)", seed, seed);
	srand(seed);
	ASSERT_EQ(0, accel_sh("rmmod " DUMMY_NAME));
	kmemleak = accel_kmemleak_start(&km) == 0;
	if (!kmemleak)
		TH_LOG("no %s (CONFIG_DEBUG_KMEMLEAK): leaks not judged", ACCEL_KMEMLEAK);
	/* the clock starts after kmemleak's scans: minutes on a debug kernel */
	start = accel_now();
	end = start + accel_time_bound(MODULE_CYCLE_SECONDS);
	for (c = 0; c < MODULE_CYCLES && accel_now() < end; c++) {
		n = 1 + rand() % 8;
		kind = rand() % CYCLE_KINDS;
		failed = "modprobe";
		if (accel_sh("modprobe " DUMMY_NAME " num_devices=%d", n))
			break;
		failed = "a device missing";
		if (accel_count_entries("/sys/class/accel", "accel") != n)
			break;
		failed = cycle_end(kind, rand() % n);
		if (failed)
			break;
		failed = left_after_unload();
		if (failed)
			break;
		failed = NULL;
		kinds[kind]++;
		devices += n;
	}
	TH_LOG("%d cycles of %d in %.1f s, %d devices", c, MODULE_CYCLES, accel_now() - start,
	       devices);
	TH_LOG("cycles: %d plain, %d with a file held, %d with a device unbound",
	       kinds[CYCLE_PLAIN], kinds[CYCLE_HELD], kinds[CYCLE_UNBOUND]);
	ASSERT_TRUE(!failed) TH_LOG("cycle %d: %s", c + 1, failed);
	EXPECT_LT(9, c) TH_LOG("fewer than 10 cycles in the time");
	if (kmemleak) {
		ASSERT_EQ(0, accel_kmemleak_end());
		EXPECT_EQ(0, accel_kmemleak_objects(&km));
	}
	EXPECT_EQ(0, accel_kernel_reports(-1));
}

/* The limit repeated: rounds, and for how long at most (seconds) */
#define LIMIT_ROUNDS		10
#define LIMIT_SECONDS		150
/*
 * How much the unreclaimable slab, caches shrunk, may grow from the first
 * round to the last, in kB. Measured on the x86_64 guest over 60 rounds
 * without shrinking: no trend, single figures spread over 400 kB. 512 kB
 * over 9 rounds is 220 bytes per device and round: a smaller leak is
 * kmemleak's to find, which the test asks too.
 */
#define LIMIT_SLAB_KB		512

/* Load 257 devices, check that 256 are served, 0..255, and unload; 0 or the step that failed. */
static const char *limit_round(void)
{
	if (accel_sh("modprobe " DUMMY_NAME " num_devices=257"))
		return "modprobe";
	if (accel_count_entries("/sys/class/accel", "accel") != ACCEL_MINORS ||
	    accel_count_entries("/dev/accel", "accel") != ACCEL_MINORS)
		return "not 256 nodes";
	/* 256 nodes, none above 255: exactly 0..255 */
	if (access("/sys/class/accel/accel255", F_OK) || !access("/sys/class/accel/accel256", F_OK))
		return "indices other than 0..255";
	if (accel_index_works(0) || accel_index_works(ACCEL_MINORS - 1))
		return "the first or the last device did not work";
	if (accel_sh("rmmod " DUMMY_NAME))
		return "rmmod";
	return left_after_unload();
}

TEST_F_TIMEOUT(module, num_devices_257_ten_times, LIMIT_SECONDS + 300)
{
	double start, end, t, first = 0, slowest = 0;
	long slab_first = -1, slab = -1;
	const char *failed = NULL;
	int r, last, quarantine, kmemleak, waited = 0;
	struct accel_kmemleak km;

	if (self->why)
		SKIP(return, "%s", self->why);
	quarantine = accel_kasan_quarantine();
	ASSERT_LE(0, quarantine);
	ASSERT_EQ(0, accel_sh("rmmod " DUMMY_NAME));
	kmemleak = accel_kmemleak_start(&km) == 0;
	if (!kmemleak)
		TH_LOG("no %s (CONFIG_DEBUG_KMEMLEAK): slab figures only", ACCEL_KMEMLEAK);
	/* the clock starts after kmemleak's scans: minutes on a debug kernel */
	start = accel_now();
	end = start + accel_time_bound(LIMIT_SECONDS);
	/* r rounds done; two at least, as the drift needs a second one */
	for (r = 0, last = 0; !last; ) {
		t = accel_now();
		failed = limit_round();
		if (failed)
			break;
		t = accel_now() - t;
		if (!r++)
			first = t;
		if (t > slowest)
			slowest = t;
		last = r == LIMIT_ROUNDS || (r > 1 && accel_now() >= end);
		/* the first round fills caches; the drift counts from it */
		if (r > 1 && !last)
			continue;
		/* -ENOENT: no /sys/kernel/slab (CONFIG_SLAB, as on UML) */
		if (!quarantine && accel_slab_shrink() == -ENOENT && r == 1)
			TH_LOG("no /sys/kernel/slab: the caches keep their empty slabs");
		slab = accel_slab_kb();
		ASSERT_LT(0, slab);
		if (r == 1)
			slab_first = slab;
	}
	TH_LOG("%d rounds of %d in %.1f s: first %.2f s, slowest %.2f s", r, LIMIT_ROUNDS,
	       accel_now() - start, first, slowest);
	/* objects freed after a grace period or by deferred work get 10 s more */
	if (!failed && !quarantine) {
		slab = accel_slab_settle(accel_slab_kb, slab, slab_first, LIMIT_SLAB_KB, 1,
					 &waited);
		ASSERT_LT(0, slab);
	}
	TH_LOG("unreclaimable slab %ld kB after the first round, %ld kB after the last",
	       slab_first, slab);
	TH_LOG("(the last taken %d s after the rounds)", waited);
	ASSERT_TRUE(!failed) TH_LOG("round %d: %s", r + 1, failed);
	/* no drift in time: no round takes twice the first, with 1 s of slack */
	EXPECT_GT(2 * first + 1, slowest);
	if (quarantine)
		TH_LOG("KASAN's quarantine counts as slab: the slab figures are not judged");
	else
		EXPECT_GT(LIMIT_SLAB_KB, slab - slab_first);
	if (kmemleak) {
		ASSERT_EQ(0, accel_kmemleak_end());
		EXPECT_EQ(0, accel_kmemleak_objects(&km));
	}
}

TEST_F(module, num_devices_above_512_refused)
{
	if (self->why)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, accel_sh("rmmod " DUMMY_NAME));
	EXPECT_NE(0, accel_sh("modprobe " DUMMY_NAME " num_devices=513 2>/dev/null"));
	EXPECT_FALSE(accel_dummy_loaded());
}

TEST_HARNESS_MAIN
