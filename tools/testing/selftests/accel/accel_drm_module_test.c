// SPDX-License-Identifier: GPL-2.0
/*
 * drm.ko when the accel core it carries cannot start: DRM loads, the accel
 * core stays down and says so, and accel devices find no home. The slab
 * allocations of a load of drm.ko are failed one at a time, with the fault
 * injection framework's fail-nth and failslab
 * (Documentation/fault-injection/fault-injection.rst), until one of them
 * fails accel_core_init() in a load that succeeds.
 *
 * The scan starts from the last allocation of the load and goes back:
 * accel_core_init() runs at the end of drm's init, and the allocations at
 * the start of a load are the module loader's, whose vmalloc() reports a
 * failure with a stack dump that a test run must not have.
 *
 * Needs root, the modules of the running kernel (drm.ko, dummy_accel.ko)
 * and failslab in debugfs. It unloads dummy_accel and drm, and leaves
 * them loaded with one dummy_accel device, as the other accel tests do.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include "accel_util.h"
#include "../kselftest_harness.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE	4
#endif

#define DUMMY_DEV	DUMMY_NAME ".0"

/* What accel_core_init() logs when it fails */
#define ACCEL_INIT_FAILED	"accel: core initialisation failed"

/* A fail-nth no load of drm.ko reaches: the load counts its allocations. */
#define COUNT_ONLY	1000000
/* More loads than the scan needs to reach accel_core_init() */
#define MAX_LOADS	1000

/*
 * Load the module of @fd (finit_module() @flags) with the @nth slab
 * allocation of this thread failing: fail-nth is per thread, so the load
 * is made here, not by a child. 0 or -errno of the load; *@left: what is
 * left of @nth after the load, 0 once the nth allocation failed, or -1.
 */
static int load_failing(int fd, int flags, int nth, int *left)
{
	int fail = accel_fail_nth_arm(nth), ret;

	*left = -1;
	if (fail < 0)
		return -EBADF;
	ret = syscall(SYS_finit_module, fd, "", flags) ? -errno : 0;
	*left = accel_fail_nth_disarm(fail);
	if (*left < 0) {
		*left = -1;
		ret = -EIO;
	}
	return ret;
}

/*
 * Load the module of @fd as load_failing() does; *@logged: the load
 * logged that accel_core_init() failed.
 */
static int load_logged(int fd, int flags, int nth, int *left, int *logged)
{
	/* the log line must come from this load */
	int kmsg = accel_kmsg_open(), ret;

	*left = -1;
	*logged = 0;
	if (kmsg < 0)
		return -EBADF;
	ret = load_failing(fd, flags, nth, left);
	*logged = accel_kmsg_find(kmsg, ACCEL_INIT_FAILED);
	close(kmsg);
	return ret;
}

/*
 * Unload dummy_accel and the helpers it brought with it, the GEM shmem
 * helpers and the GPU scheduler, which use drm too: drm can go then. 0,
 * or -1 if an rmmod failed.
 */
static int unload_dummy(void)
{
	if (accel_dummy_loaded() && accel_sh("rmmod " DUMMY_NAME))
		return -1;
	if (accel_module_loaded("drm_shmem_helper") && accel_sh("rmmod drm_shmem_helper"))
		return -1;
	if (accel_module_loaded("gpu_sched") && accel_sh("rmmod gpu_sched"))
		return -1;
	return 0;
}

FIXTURE(drm_module) {
	char release[65];
	/* why the test skips, empty if it runs */
	char why[160];
	/* the test unloaded modules: teardown loads them again */
	int touched;
	/* failslab's settings, restored at teardown once saved */
	char ignore_gfp_wait[8];
	char verbose[16];
};

FIXTURE_SETUP(drm_module)
{
	struct utsname u;

	snprintf(self->why, sizeof(self->why), "needs root: it unloads and loads drm.ko");
	if (geteuid() != 0)
		return;
	ASSERT_EQ(0, uname(&u));
	snprintf(self->release, sizeof(self->release), "%s", u.release);
	/* the host: a kernel without the accel series or its modules */
	snprintf(self->why, sizeof(self->why),
		 "no " DUMMY_NAME " module in /lib/modules/%s", self->release);
	if (accel_find_module(self->release, "modules.dep", DUMMY_NAME, NULL, 0))
		return;
	self->why[0] = '\0';
}

FIXTURE_TEARDOWN(drm_module)
{
	int fd;

	EXPECT_EQ(0, accel_failslab_restore(self->ignore_gfp_wait, self->verbose));
	if (!self->touched)
		return;

	/* a drm left with its accel core down is loaded again */
	EXPECT_EQ(0, unload_dummy());
	if (accel_module_loaded("drm") && !accel_file_has_line("/proc/devices", "261 accel"))
		EXPECT_EQ(0, accel_sh("rmmod drm"));
	EXPECT_EQ(0, accel_sh("modprobe " DUMMY_NAME));
	fd = open("/dev/accel/accel0", O_RDWR | O_CLOEXEC);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);
}

/*
 * The contract of drm_core_init(): a failure of accel_core_init() leaves
 * only compute accelerators without a home and must not take the rest of
 * DRM down. Failing the slab allocations of a load of drm.ko one at a time,
 * from the last back, reaches accel_core_init()'s before those of the rest
 * of drm's init.
 */
TEST_F_TIMEOUT(drm_module, drm_loads_when_accel_core_init_fails, 280)
{
	int fd, flags, nth, loads, left, logged, ret, found = 0, fatal = 0, below = 0;
	char drm_ko[PATH_MAX];

	if (self->why[0])
		SKIP(return, "%s", self->why);
	if (!accel_find_module(self->release, "modules.builtin", "drm", NULL, 0))
		SKIP(return, "drm is built in: it cannot be loaded again");
	ASSERT_EQ(0, accel_find_module(self->release, "modules.dep", "drm", drm_ko, sizeof(drm_ko)))
		TH_LOG("no drm.ko in /lib/modules/%s/modules.dep", self->release);

	/* a kernel that carries dummy_accel must be able to fail allocations */
	ASSERT_EQ(0, access(ACCEL_FAIL_NTH, W_OK))
		TH_LOG("no %s: needs CONFIG_FAULT_INJECTION_DEBUG_FS", ACCEL_FAIL_NTH);
	ASSERT_EQ(0, accel_read_line(ACCEL_FAILSLAB "ignore-gfp-wait", self->ignore_gfp_wait,
				     sizeof(self->ignore_gfp_wait)))
		TH_LOG("no %s: needs CONFIG_FAILSLAB and debugfs", ACCEL_FAILSLAB);
	ASSERT_EQ(0, accel_read_line(ACCEL_FAILSLAB "verbose", self->verbose,
				     sizeof(self->verbose)));
	fd = open(drm_ko, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", drm_ko, strerror(errno));
	/* drm.ko.xz and the like: the kernel decompresses it */
	flags = strcmp(drm_ko + strlen(drm_ko) - 3, ".ko") ? MODULE_INIT_COMPRESSED_FILE : 0;

	self->touched = 1;
	ASSERT_EQ(0, unload_dummy());
	/* finit_module() loads no dependency: leave those of drm loaded */
	ASSERT_EQ(0, accel_sh("modprobe drm"));
	ASSERT_EQ(0, accel_sh("rmmod drm")) TH_LOG("drm is in use by another module (lsmod)");
	ASSERT_FALSE(accel_module_loaded("drm"));

	/* fail GFP_KERNEL allocations too, without a stack dump each */
	ASSERT_EQ(0, accel_write_str(ACCEL_FAILSLAB "ignore-gfp-wait", "N"));
	ASSERT_EQ(0, accel_write_str(ACCEL_FAILSLAB "verbose", "0"));

	/* a load that fails nothing: how many allocations it makes */
	ret = load_logged(fd, flags, COUNT_ONLY, &left, &logged);
	ASSERT_EQ(0, ret) TH_LOG("drm.ko does not load: %s", strerror(-ret));
	ASSERT_FALSE(logged) TH_LOG("accel_core_init() failed with no failure injected");
	ASSERT_LT(0, left) TH_LOG("a load of drm.ko made %d allocations or more", COUNT_ONLY);
	ASSERT_EQ(0, accel_sh("rmmod drm"));
	TH_LOG("a load of drm.ko makes %d allocations", COUNT_ONLY - left);

	/*
	 * From the last allocation back: those made after accel_core_init()
	 * (or that it does without) leave a load without the log line, the
	 * first that fails accel_core_init() must leave drm loaded, and one
	 * that fails the load without the line is before accel_core_init().
	 */
	nth = COUNT_ONLY - left;
	for (loads = 0; !found && !fatal && !below && nth > 0 && loads < MAX_LOADS; loads++) {
		ret = load_logged(fd, flags, nth, &left, &logged);
		if (ret) {
			/* only the injected failure may fail the load */
			ASSERT_EQ(0, left) TH_LOG("drm.ko did not load: %s", strerror(-ret));
			if (logged)
				fatal = nth;
			else
				below = nth;
		} else if (logged) {
			found = nth;
		} else {
			ASSERT_EQ(0, accel_sh("rmmod drm"));
			nth--;
		}
	}
	close(fd);
	ASSERT_EQ(0, fatal)
		TH_LOG("allocation %d failed accel_core_init() and the load of drm.ko with it",
		       fatal);
	if (below)
		TH_LOG("allocation %d failed the load before accel_core_init() failed", below);
	ASSERT_NE(0, found) TH_LOG("accel_core_init() never failed in %d loads of drm.ko", loads);
	TH_LOG("allocation %d of the load failed accel_core_init(); drm loaded", found);

	/* DRM is up, the accel core is down and left no trace */
	EXPECT_TRUE(accel_module_loaded("drm"));
	EXPECT_TRUE(accel_file_has_line("/proc/devices", "226 drm"));
	EXPECT_FALSE(accel_file_has_line("/proc/devices", "261 accel"));
	EXPECT_NE(0, access("/sys/class/accel", F_OK));

	/* an accel device fails to probe (-ENODEV): no node, its device unbound */
	if (accel_sh("modprobe " DUMMY_NAME " 2>/dev/null") == 0) {
		EXPECT_GE(0, accel_count_entries("/dev/accel", "accel"));
		EXPECT_EQ(0, access("/sys/bus/platform/devices/" DUMMY_DEV, F_OK));
		EXPECT_NE(0, access(ACCEL_DRIVER_DIR "/" DUMMY_DEV, F_OK));
	}
	EXPECT_EQ(0, unload_dummy());
	EXPECT_EQ(0, accel_sh("rmmod drm"));
}

#define DRM_RELOADS		20
#define DRM_RELOAD_SECONDS	150

/* What drm.ko's accel core leaves when drm is unloaded: nothing. 0 or what is left. */
static const char *accel_core_gone(void)
{
	if (accel_file_has_line("/proc/devices", "261 accel"))
		return "major 261 still registered";
	if (!access("/sys/class/accel", F_OK))
		return "class accel still there";
	if (accel_debugfs_mounted() && !access("/sys/kernel/debug/accel", F_OK))
		return "debugfs accel/ still there";
	return NULL;
}

/* ... and what it brings back when drm loads with a dummy_accel device */
static const char *accel_core_back(void)
{
	if (!accel_file_has_line("/proc/devices", "261 accel"))
		return "major 261 not registered";
	if (access("/sys/class/accel/accel0", F_OK))
		return "no class device accel0";
	if (accel_debugfs_mounted() && access("/sys/kernel/debug/accel/0", F_OK))
		return "no debugfs accel/0/";
	if (accel_index_works(0))
		return "accel0 does not work";
	return NULL;
}

/*
 * drm.ko unloaded and loaded again, with no DRM device bound in between:
 * the accel core goes and comes back with it each time.
 */
TEST_F_TIMEOUT(drm_module, reload_20_times, DRM_RELOAD_SECONDS + 150)
{
	double start = accel_now();
	double end = start + accel_time_bound(DRM_RELOAD_SECONDS);
	const char *failed = NULL;
	int i;

	if (self->why[0])
		SKIP(return, "%s", self->why);
	if (!accel_find_module(self->release, "modules.builtin", "drm", NULL, 0))
		SKIP(return, "drm is built in: it cannot be loaded again");
	self->touched = 1;
	ASSERT_EQ(0, unload_dummy());
	for (i = 0; i < DRM_RELOADS && accel_now() < end; i++) {
		failed = "rmmod drm (in use by another module? lsmod)";
		if (accel_sh("rmmod drm"))
			break;
		failed = accel_core_gone();
		if (failed)
			break;
		failed = "modprobe " DUMMY_NAME " (and drm with it)";
		if (accel_sh("modprobe " DUMMY_NAME))
			break;
		failed = accel_core_back();
		if (failed)
			break;
		failed = "rmmod " DUMMY_NAME " drm_shmem_helper gpu_sched";
		if (unload_dummy())
			break;
		failed = NULL;
	}
	TH_LOG("%d reloads of drm.ko of %d in %.1f s", i, DRM_RELOADS, accel_now() - start);
	ASSERT_TRUE(!failed) TH_LOG("reload %d: %s", i + 1, failed);
	EXPECT_LT(1, i) TH_LOG("fewer than 2 reloads in the time");
	EXPECT_EQ(0, accel_kernel_reports(-1));
}

TEST_HARNESS_MAIN
