// SPDX-License-Identifier: GPL-2.0-only
/*
 * Allocation failure on the paths that create an accel device and open its
 * node: each allocation is failed in turn with the fault injection
 * framework's fail-nth (the in-kernel /proc/self/fail-nth), through
 * failslab. Every failure must come back as an error and leave the minor
 * allocator, sysfs and debugfs as they were, with no reference held.
 *
 * Built with CONFIG_FAILSLAB; needs CONFIG_FAULT_INJECTION_DEBUG_FS to
 * make failslab fail GFP_KERNEL allocations too.
 */

#include <kunit/test.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/fault-inject.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>

#include "accel_kunit_helpers.h"

/* More allocations than a registration makes: the loops end before. */
#define ACCEL_ALLOC_MAX_NTH	4096

/*
 * failslab's settings, saved by accel_alloc_test_init() and restored by
 * accel_alloc_test_exit(). The suite's cases run one at a time.
 */
static struct {
	bool *ignore_gfp_wait;
	unsigned long *verbose;
	bool saved_ignore_gfp_wait;
	unsigned long saved_verbose;
} accel_failslab;

/*
 * The variable behind debugfs file failslab/@name: debugfs_create_bool()
 * and debugfs_create_ulong() keep it in the inode's i_private.
 */
static void *accel_failslab_knob(const char *name)
{
	struct dentry *dir, *file;
	void *value = NULL;

	dir = debugfs_lookup("failslab", NULL);
	if (IS_ERR_OR_NULL(dir))
		return NULL;
	file = debugfs_lookup(name, dir);
	if (!IS_ERR_OR_NULL(file)) {
		value = d_inode(file)->i_private;
		dput(file);
	}
	dput(dir);
	return value;
}

/*
 * Let failslab fail sleeping allocations (GFP_KERNEL) too, which it
 * ignores by default, and quietly: a stack dump per failure would bury
 * the results.
 */
static int accel_alloc_test_init(struct kunit *test)
{
	accel_failslab.ignore_gfp_wait = accel_failslab_knob("ignore-gfp-wait");
	accel_failslab.verbose = accel_failslab_knob("verbose");
	if (accel_failslab.ignore_gfp_wait && accel_failslab.verbose) {
		accel_failslab.saved_ignore_gfp_wait = *accel_failslab.ignore_gfp_wait;
		accel_failslab.saved_verbose = *accel_failslab.verbose;
		*accel_failslab.ignore_gfp_wait = false;
		*accel_failslab.verbose = 0;
	}
	return accel_test_init(test);
}

static void accel_alloc_test_exit(struct kunit *test)
{
	current->fail_nth = 0;
	if (accel_failslab.ignore_gfp_wait && accel_failslab.verbose) {
		*accel_failslab.ignore_gfp_wait = accel_failslab.saved_ignore_gfp_wait;
		*accel_failslab.verbose = accel_failslab.saved_verbose;
	}
	accel_test_exit(test);
}

static void accel_alloc_test_need_failslab(struct kunit *test)
{
	if (!accel_failslab.ignore_gfp_wait || !accel_failslab.verbose)
		kunit_skip(test, "needs failslab in debugfs (CONFIG_FAULT_INJECTION_DEBUG_FS)");
}

/* Allocate and register a test device with the @nth allocation failing. */
static int accel_alloc_register_failing(struct kunit *test, unsigned int nth,
					struct drm_device **devp, bool *reached)
{
	struct drm_device *dev;
	int ret;

	current->fail_nth = nth;
	dev = accel_test_dev_alloc(test, &accel_test_driver);
	ret = PTR_ERR_OR_ZERO(dev);
	if (!ret)
		ret = drm_dev_register(dev, 0);
	/* a count left over: fewer than @nth allocations were made */
	*reached = current->fail_nth == 0;
	current->fail_nth = 0;
	*devp = IS_ERR(dev) ? NULL : dev;
	return ret;
}

/*
 * The state a failed registration must leave: the next device gets the
 * same index as before, its debugfs directory can be created, and the
 * class holds as many devices as before.
 */
static void accel_alloc_expect_unchanged(struct kunit *test, unsigned int nth,
					 int index, int ndevices)
{
	struct drm_device *probe = accel_test_dev_register(test);

	KUNIT_EXPECT_EQ_MSG(test, index, probe->accel->index,
			    "index after allocation %u failed", nth);
	KUNIT_EXPECT_EQ_MSG(test, ndevices, accel_test_class_devices(probe),
			    "accel devices after allocation %u failed", nth);
	if (IS_ENABLED(CONFIG_DEBUG_FS))
		KUNIT_EXPECT_FALSE_MSG(test, IS_ERR_OR_NULL(probe->accel->debugfs_root),
				       "debugfs after allocation %u failed", nth);
	accel_test_dev_put(test, probe);
}

/* Drop the last reference on @dev; none but the test's may be left. */
static void accel_alloc_put_last(struct kunit *test, unsigned int nth,
				 struct drm_device *dev)
{
	if (dev->registered)
		drm_dev_unregister(dev);
	KUNIT_EXPECT_EQ_MSG(test, 1U, kref_read(&dev->ref),
			    "references on the device after allocation %u failed", nth);
	accel_test_dev_put(test, dev);
}

static void accel_test_register_alloc_failure(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);
	int index = dev->accel->index, ndevices = accel_test_class_devices(dev);
	unsigned int nth, failures = 0;
	bool reached = true;
	int ret;

	accel_alloc_test_need_failslab(test);
	/* the probe device of each round will stand where this one was */
	accel_test_dev_put(test, dev);

	for (nth = 1; reached && nth < ACCEL_ALLOC_MAX_NTH; nth++) {
		ret = accel_alloc_register_failing(test, nth, &dev, &reached);
		if (ret) {
			failures++;
			KUNIT_EXPECT_EQ_MSG(test, -ENOMEM, ret, "allocation %u failed", nth);
		}
		if (dev)
			accel_alloc_put_last(test, nth, dev);
		accel_alloc_expect_unchanged(test, nth, index, ndevices);
	}
	KUNIT_EXPECT_FALSE_MSG(test, reached, "more than %d allocations", ACCEL_ALLOC_MAX_NTH);
	KUNIT_EXPECT_GT(test, failures, 0U);
	kunit_info(test, "%u allocations on the path, %u of them failed registration\n",
		   nth - 2, failures);
}

static void accel_test_open_alloc_failure(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct drm_device *dev = accel_test_dev_register(test);
	int index = dev->accel->index;
	unsigned int nth, failures = 0;
	bool reached = true;
	struct file *f;

	accel_alloc_test_need_failslab(test);
	/* create the node first: only the open itself is failed below */
	f = accel_test_open(test, index, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	accel_test_close(test, f);

	for (nth = 1; reached && nth < ACCEL_ALLOC_MAX_NTH; nth++) {
		current->fail_nth = nth;
		f = accel_test_open_node(t->mnt, index, O_RDWR);
		reached = current->fail_nth == 0;
		current->fail_nth = 0;
		if (IS_ERR(f)) {
			failures++;
			KUNIT_EXPECT_EQ_MSG(test, -ENOMEM, PTR_ERR(f), "allocation %u failed", nth);
		} else {
			__fput_sync(f);
		}
		/* a failed open leaves the device as an open and close would */
		KUNIT_EXPECT_EQ(test, 0, atomic_read(&dev->open_count));
		KUNIT_EXPECT_EQ(test, atomic_read(&t->opens), atomic_read(&t->postcloses));
		KUNIT_EXPECT_EQ(test, 1U, kref_read(&dev->ref));
	}
	KUNIT_EXPECT_FALSE(test, reached);
	KUNIT_EXPECT_GT(test, failures, 0U);
	kunit_info(test, "%u allocations on the path, %u of them failed the open\n",
		   nth - 2, failures);

	/* and the device still opens */
	f = accel_test_open(test, index, O_RDWR);
	KUNIT_EXPECT_FALSE(test, IS_ERR(f));
}

/*
 * The node's name, accel/accelN, is allocated with GFP_KERNEL. When that
 * fails the callback returns NULL, which the driver core takes as "no name
 * of my own": the node goes to /dev/accelN, as a DRM node would go to
 * /dev/cardN, and the device registers and works (the module kselftest's
 * failing binds reach this path and open the node there).
 */
static void accel_test_devnode_alloc_failure(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);
	struct device *kdev = dev->accel->kdev;
	char expected[16];
	umode_t mode = 0;
	char *name;

	accel_alloc_test_need_failslab(test);
	KUNIT_ASSERT_NOT_NULL(test, kdev->class->devnode);
	snprintf(expected, sizeof(expected), "accel/accel%d", dev->accel->index);

	name = kdev->class->devnode(kdev, &mode);
	KUNIT_ASSERT_NOT_NULL(test, name);
	KUNIT_EXPECT_STREQ(test, expected, name);
	KUNIT_EXPECT_EQ(test, 0, mode);
	kfree(name);

	current->fail_nth = 1;
	name = kdev->class->devnode(kdev, &mode);
	current->fail_nth = 0;
	KUNIT_EXPECT_NULL(test, name);
	kfree(name);
}

static struct kunit_case accel_alloc_cases[] = {
	KUNIT_CASE(accel_test_register_alloc_failure),
	KUNIT_CASE(accel_test_devnode_alloc_failure),
	KUNIT_CASE(accel_test_open_alloc_failure),
	{}
};

static struct kunit_suite accel_alloc_suite = {
	.name = "accel_alloc",
	.init = accel_alloc_test_init,
	.exit = accel_alloc_test_exit,
	.test_cases = accel_alloc_cases,
};

kunit_test_suites(&accel_alloc_suite);
