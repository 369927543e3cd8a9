// SPDX-License-Identifier: GPL-2.0-only
/*
 * Registering an accel device: its accelN struct device, no DRM minors,
 * its debugfs directory, and the drivers drm_dev_init() refuses: features
 * an accel device cannot have, file operations that open the wrong kind of
 * node, and no identity for DRM_IOCTL_VERSION.
 */

#include <kunit/test.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/random.h>
#include <linux/string.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>

#include "accel_kunit_helpers.h"

struct accel_test_feature {
	u32 feature;
	const char *name;
};

#define ACCEL_TEST_FEATURE(f) { .feature = f, .name = #f }

/* Display, render node, atomic modesetting and every legacy feature */
static const struct accel_test_feature accel_test_excluded_features[] = {
	ACCEL_TEST_FEATURE(DRIVER_RENDER),
	ACCEL_TEST_FEATURE(DRIVER_MODESET),
	ACCEL_TEST_FEATURE(DRIVER_ATOMIC),
	ACCEL_TEST_FEATURE(DRIVER_USE_AGP),
	ACCEL_TEST_FEATURE(DRIVER_LEGACY),
	ACCEL_TEST_FEATURE(DRIVER_PCI_DMA),
	ACCEL_TEST_FEATURE(DRIVER_SG),
	ACCEL_TEST_FEATURE(DRIVER_HAVE_DMA),
	ACCEL_TEST_FEATURE(DRIVER_HAVE_IRQ),
	ACCEL_TEST_FEATURE(DRIVER_KMS_LEGACY_CONTEXT),
};

static void accel_test_feature_desc(const struct accel_test_feature *f,
				    char *desc)
{
	strscpy(desc, f->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(accel_test_excluded_features, accel_test_excluded_features,
		  accel_test_feature_desc);

/* A copy of @from for the test to change, freed by KUnit. */
static struct drm_driver *accel_test_driver_copy(struct kunit *test,
						 const struct drm_driver *from)
{
	struct drm_driver *drv;

	drv = kunit_kmalloc(test, sizeof(*drv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, drv);
	*drv = *from;
	return drv;
}

/* An accel driver converted from a render driver that kept DRM's fops */
static const struct file_operations accel_test_drm_fops = {
	.owner = THIS_MODULE,
	.open = drm_open,
	.release = drm_release,
	.unlocked_ioctl = drm_ioctl,
	.mmap = drm_gem_mmap,
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
	/* the values porting.rst gives driver authors */
	KUNIT_EXPECT_EQ(test, 32, DRM_MINOR_ACCEL);
	KUNIT_EXPECT_EQ(test, 261, ACCEL_MAJOR);
	KUNIT_EXPECT_EQ(test, 256, ACCEL_MAX_MINORS);
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

/*
 * A refused device is told in one error line of the kernel log that
 * names its driver (Documentation/accel/porting.rst): @drv's name is
 * made unique to the case so that its lines can be counted.
 */
static void accel_test_expect_refused(struct kunit *test, struct drm_driver *drv)
{
	unsigned int before, after, errors_before, errors_after;
	char *name = kunit_kzalloc(test, 32, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, name);
	snprintf(name, 32, "accel_refused_%08x", get_random_u32());
	drv->name = name;
	before = accel_test_log_lines(name, &errors_before);
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR_OR_ZERO(accel_test_dev_alloc(test, drv)));
	after = accel_test_log_lines(name, &errors_after);
	KUNIT_EXPECT_EQ_MSG(test, 1U, after - before, "log lines naming %s", name);
	KUNIT_EXPECT_EQ_MSG(test, 1U, errors_after - errors_before, "errors naming %s", name);
}

static void accel_test_dev_alloc_rejects_feature(struct kunit *test)
{
	const struct accel_test_feature *f = test->param_value;
	struct drm_driver *drv = accel_test_driver_copy(test, &accel_test_driver);

	drv->driver_features |= f->feature;
	accel_test_expect_refused(test, drv);
}

/*
 * With DRM's fops, /dev/accel/accelN would reach DRM minor N: the primary
 * minor of the GPU registered first, with DRM master to take.
 */
static void accel_test_dev_alloc_rejects_drm_fops(struct kunit *test)
{
	struct drm_driver *drv = accel_test_driver_copy(test, &accel_test_driver);
	struct drm_device *gpu;

	gpu = accel_test_dev_alloc(test, &accel_test_gpu_driver);
	KUNIT_ASSERT_FALSE(test, IS_ERR(gpu));
	KUNIT_ASSERT_EQ(test, 0, drm_dev_register(gpu, 0));

	drv->fops = &accel_test_drm_fops;
	accel_test_expect_refused(test, drv);
	drv->fops = NULL;
	accel_test_expect_refused(test, drv);
}

/* and the reverse: a GPU's node must not open an accel minor */
static void accel_test_dev_alloc_rejects_gpu_with_accel_fops(struct kunit *test)
{
	struct drm_driver *drv = accel_test_driver_copy(test, &accel_test_gpu_driver);

	drv->fops = &accel_test_fops;
	accel_test_expect_refused(test, drv);
}

/*
 * GPU drivers are not held to what accel drivers are: one with a name
 * only, or without file operations (as i915's mock device), still
 * initialises.
 */
static void accel_test_dev_alloc_gpu_unchecked(struct kunit *test)
{
	struct drm_driver *drv = kunit_kzalloc(test, sizeof(*drv), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, drv);
	drv->driver_features = DRIVER_RENDER;
	drv->fops = &accel_test_gpu_fops;
	drv->name = "accel_kunit_gpu";
	KUNIT_EXPECT_EQ(test, 0, PTR_ERR_OR_ZERO(accel_test_dev_alloc(test, drv)));
	drv->fops = NULL;
	KUNIT_EXPECT_EQ(test, 0, PTR_ERR_OR_ZERO(accel_test_dev_alloc(test, drv)));
}

/* DRM_IOCTL_VERSION copies out name, date and desc; 6.1 WARNs on NULL */
static void accel_test_dev_alloc_rejects_no_identity(struct kunit *test)
{
	struct drm_driver *drv = accel_test_driver_copy(test, &accel_test_driver);

	drv->date = NULL;
	accel_test_expect_refused(test, drv);
	*drv = accel_test_driver;
	drv->desc = NULL;
	accel_test_expect_refused(test, drv);
	*drv = accel_test_driver;
	drv->name = NULL;
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR_OR_ZERO(accel_test_dev_alloc(test, drv)));
}

static struct kunit_case accel_registration_cases[] = {
	KUNIT_CASE(accel_test_register_kdev),
	KUNIT_CASE(accel_test_register_no_drm_minors),
	KUNIT_CASE(accel_test_register_debugfs_dir),
	KUNIT_CASE(accel_test_unregister_removes_kdev),
	KUNIT_CASE_PARAM(accel_test_dev_alloc_rejects_feature,
			 accel_test_excluded_features_gen_params),
	KUNIT_CASE(accel_test_dev_alloc_rejects_drm_fops),
	KUNIT_CASE(accel_test_dev_alloc_rejects_gpu_with_accel_fops),
	KUNIT_CASE(accel_test_dev_alloc_rejects_no_identity),
	KUNIT_CASE(accel_test_dev_alloc_gpu_unchecked),
	{}
};

static struct kunit_suite accel_registration_suite = {
	.name = "accel_registration",
	.init = accel_test_init,
	.exit = accel_test_exit,
	.test_cases = accel_registration_cases,
};

kunit_test_suites(&accel_registration_suite);
