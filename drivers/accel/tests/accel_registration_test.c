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

static void accel_test_register_kdev(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct drm_device *dev = accel_test_dev_register(test);
	struct device *kdev;
	char name[16];

	KUNIT_ASSERT_NOT_NULL(test, dev->accel);
	kdev = dev->accel->kdev;
	snprintf(name, sizeof(name), "accel%d", dev->accel->index);
	KUNIT_EXPECT_STREQ(test, name, dev_name(kdev));
	KUNIT_EXPECT_EQ(test, MKDEV(ACCEL_MAJOR, dev->accel->index), kdev->devt);
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
