// SPDX-License-Identifier: GPL-2.0-only
/*
 * A kernel without the accel core (CONFIG_DRM_ACCEL=n): a driver that sets
 * DRIVER_COMPUTE_ACCEL still builds, but its device fails to initialise
 * with -EOPNOTSUPP instead of existing without a node, char major 261 is
 * left free (a node of it does not open), and every other DRM driver works
 * as before.
 */

#include <kunit/test.h>
#include <linux/device.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/string.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>

#include "accel_kunit_node.h"

static const struct file_operations accel_test_fops = {
	.owner = THIS_MODULE,
	DRM_ACCEL_FOPS,
};

static const struct drm_driver accel_test_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL,
	.fops = &accel_test_fops,
	.name = "accel_kunit",
};

static const struct file_operations accel_test_gpu_fops = {
	.owner = THIS_MODULE,
	.open = drm_open,
	.release = drm_release,
};

static const struct drm_driver accel_test_gpu_driver = {
	.driver_features = DRIVER_RENDER,
	.fops = &accel_test_gpu_fops,
	.name = "accel_kunit_gpu",
};

static int accel_disabled_test_init(struct kunit *test)
{
	/* no owner: see accel_test_init() */
	struct device *parent = __root_device_register("accel_kunit", NULL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, parent);
	test->priv = parent;
	return 0;
}

static void accel_disabled_test_exit(struct kunit *test)
{
	root_device_unregister(test->priv);
}

static void accel_test_disabled_dev_alloc_eopnotsupp(struct kunit *test)
{
	struct drm_device *dev = drm_dev_alloc(&accel_test_driver, test->priv);

	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, PTR_ERR_OR_ZERO(dev));
	if (!IS_ERR(dev))
		drm_dev_put(dev);
}

struct accel_test_device {
	struct drm_device drm;
};

/* The way drivers allocate their device, freed with the parent */
static void accel_test_disabled_devm_alloc_eopnotsupp(struct kunit *test)
{
	struct accel_test_device *adev;

	adev = devm_drm_dev_alloc(test->priv, &accel_test_driver,
				  struct accel_test_device, drm);
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, PTR_ERR_OR_ZERO(adev));
}

static void accel_test_disabled_gpu_registers(struct kunit *test)
{
	struct drm_device *dev = drm_dev_alloc(&accel_test_gpu_driver, test->priv);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	KUNIT_EXPECT_EQ(test, 0, drm_dev_register(dev, 0));
	KUNIT_EXPECT_NOT_NULL(test, dev->primary);
	KUNIT_EXPECT_NOT_NULL(test, dev->render);
	KUNIT_EXPECT_NULL(test, dev->accel);
	drm_dev_unregister(dev);
	drm_dev_put(dev);
}

/*
 * What a user sees of a kernel without the accel core: nothing serves
 * char major 261, so opening a node such as /dev/accel/accel0, made by
 * hand, fails in the char device layer with -ENXIO.
 */
static void accel_test_disabled_node_open_enxio(struct kunit *test)
{
	struct file_system_type *ramfs = get_fs_type("ramfs");
	struct vfsmount *mnt;
	struct file *f;

	KUNIT_ASSERT_NOT_NULL(test, ramfs);
	mnt = vfs_kern_mount(ramfs, 0, "ramfs", NULL);
	module_put(ramfs->owner);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mnt);

	/* what /dev/accel/accel0 is with the accel core: 261:0 */
	f = accel_test_open_devt(mnt, "accel0", MKDEV(261, 0), O_RDWR);
	KUNIT_EXPECT_EQ(test, -ENXIO, PTR_ERR_OR_ZERO(f));
	/* from the test's kthread the release is done before the unmount */
	if (!IS_ERR(f))
		__fput_sync(f);
	kern_unmount(mnt);
}

static const struct file_operations accel_test_major_fops = {
	.owner = THIS_MODULE,
};

/* Nobody holds the accel major: the test can take it and give it back. */
static void accel_test_disabled_major_free(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, 0, __register_chrdev(ACCEL_MAJOR, 0, ACCEL_MAX_MINORS,
						   "accel_kunit", &accel_test_major_fops));
	__unregister_chrdev(ACCEL_MAJOR, 0, ACCEL_MAX_MINORS, "accel_kunit");
}

static struct kunit_case accel_disabled_cases[] = {
	KUNIT_CASE(accel_test_disabled_dev_alloc_eopnotsupp),
	KUNIT_CASE(accel_test_disabled_devm_alloc_eopnotsupp),
	KUNIT_CASE(accel_test_disabled_gpu_registers),
	KUNIT_CASE(accel_test_disabled_node_open_enxio),
	KUNIT_CASE(accel_test_disabled_major_free),
	{}
};

static struct kunit_suite accel_disabled_suite = {
	.name = "accel_disabled",
	.init = accel_disabled_test_init,
	.exit = accel_disabled_test_exit,
	.test_cases = accel_disabled_cases,
};

kunit_test_suites(&accel_disabled_suite);

MODULE_DESCRIPTION("KUnit tests of DRM without the accel core");
MODULE_LICENSE("GPL");
