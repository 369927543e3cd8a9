// SPDX-License-Identifier: GPL-2.0-only
/*
 * Registering an accel device: its accelN struct device, no DRM minors,
 * its debugfs directory, and the driver features it cannot be combined with.
 */

#include <kunit/test.h>
#include <linux/debugfs.h>
#include <linux/device.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>

#include "accel_kunit_helpers.h"

static const struct drm_driver accel_test_render_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL | DRIVER_RENDER,
	.fops = &accel_test_fops,
	.name = "accel_kunit_render",
};

static const struct drm_driver accel_test_modeset_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL | DRIVER_MODESET,
	.fops = &accel_test_fops,
	.name = "accel_kunit_modeset",
};

/*
 * The ABI of the node: kernel device accelN of class accel under the
 * driver's device, char device 261:N, N the lowest index no other accel
 * device uses. N comes from the class, not from the minor under test.
 */
static void accel_test_register_kdev(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct drm_device *dev;
	struct device *kdev;
	char name[16];
	dev_t devt;
	int index;

	dev = accel_test_dev_register_lowest(test, &index);
	KUNIT_ASSERT_LT(test, index, ACCEL_MAX_MINORS);
	kdev = dev->accel->kdev;

	/* char major 261 is the ABI (devices.txt): not ACCEL_MAJOR */
	snprintf(name, sizeof(name), "accel%d", index);
	devt = MKDEV(261, index);
	KUNIT_EXPECT_STREQ(test, name, dev_name(kdev));
	KUNIT_EXPECT_EQ(test, devt, kdev->devt);
	if (accel_test_class_devices(dev) == 1) {
		/* the only accel device: the first node there is */
		KUNIT_EXPECT_STREQ(test, "accel0", dev_name(kdev));
		KUNIT_EXPECT_EQ(test, (dev_t)MKDEV(261, 0), kdev->devt);
	}
	KUNIT_EXPECT_STREQ(test, "accel", kdev->class->name);
	KUNIT_EXPECT_STREQ(test, "accel_minor", kdev->type->name);
	KUNIT_EXPECT_PTR_EQ(test, t->parent, kdev->parent);
	KUNIT_EXPECT_TRUE(test, device_is_registered(kdev));
	KUNIT_EXPECT_EQ(test, DRM_MINOR_ACCEL, dev->accel->type);
}

static void accel_test_register_no_drm_minors(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);

	KUNIT_EXPECT_NULL(test, dev->primary);
	KUNIT_EXPECT_NULL(test, dev->render);
}

static void accel_test_register_debugfs_dir(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);
	struct dentry *dir = dev->accel->debugfs_root;
	char name[16];

	if (!IS_ENABLED(CONFIG_DEBUG_FS))
		kunit_skip(test, "CONFIG_DEBUG_FS is off");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dir);
	snprintf(name, sizeof(name), "%d", dev->accel->index);
	KUNIT_EXPECT_STREQ(test, name, dir->d_name.name);
	KUNIT_EXPECT_STREQ(test, "accel", dir->d_parent->d_name.name);
}

static void accel_test_unregister_removes_kdev(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);

	drm_dev_unregister(dev);
	KUNIT_EXPECT_FALSE(test, device_is_registered(dev->accel->kdev));
}

static void accel_test_dev_alloc_rejects_render(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_alloc(test, &accel_test_render_driver);

	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR_OR_ZERO(dev));
}

static void accel_test_dev_alloc_rejects_modeset(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_alloc(test, &accel_test_modeset_driver);

	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR_OR_ZERO(dev));
}

static struct kunit_case accel_registration_cases[] = {
	KUNIT_CASE(accel_test_register_kdev),
	KUNIT_CASE(accel_test_register_no_drm_minors),
	KUNIT_CASE(accel_test_register_debugfs_dir),
	KUNIT_CASE(accel_test_unregister_removes_kdev),
	KUNIT_CASE(accel_test_dev_alloc_rejects_render),
	KUNIT_CASE(accel_test_dev_alloc_rejects_modeset),
	{}
};

static struct kunit_suite accel_registration_suite = {
	.name = "accel_registration",
	.init = accel_test_init,
	.exit = accel_test_exit,
	.test_cases = accel_registration_cases,
};

kunit_test_suites(&accel_registration_suite);
