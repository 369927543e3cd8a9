// SPDX-License-Identifier: GPL-2.0-only
/*
 * Opening and closing accel nodes: the driver hooks, the drm_file, and
 * unregistered, unplugged and exclusive opens.
 */

#include <kunit/test.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kref.h>

#include <drm/drm_accel.h>
#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>

#include "accel_kunit_helpers.h"

static void accel_test_open_calls_driver_open(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct drm_device *dev = accel_test_dev_register(test);
	struct drm_file *file;
	struct file *f;

	f = accel_test_open(test, dev->accel->index, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&t->opens));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&t->postcloses));

	file = f->private_data;
	KUNIT_ASSERT_NOT_NULL(test, file);
	KUNIT_EXPECT_TRUE(test, drm_is_accel_client(file));
	KUNIT_EXPECT_FALSE(test, drm_is_render_client(file));
	KUNIT_EXPECT_FALSE(test, drm_is_primary_client(file));
	KUNIT_EXPECT_PTR_EQ(test, dev, file->minor->dev);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&dev->open_count));

	accel_test_close(test, f);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&t->postcloses));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&dev->open_count));
}

static void accel_test_open_unused_minor(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);
	int index = dev->accel->index;

	accel_test_dev_put(test, dev);
	KUNIT_EXPECT_EQ(test, -ENODEV, PTR_ERR(accel_test_open(test, index, O_RDWR)));
}

static void accel_test_open_unregistered_minor(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);

	drm_dev_unregister(dev);
	KUNIT_EXPECT_EQ(test, -ENODEV,
			PTR_ERR(accel_test_open(test, dev->accel->index, O_RDWR)));
}

/*
 * drm_dev_unplug() marks the device unplugged, waits for the critical
 * sections in flight and only then unregisters it: an open that runs in
 * between still finds the minor published and must see the flag. Setting
 * dev->unplugged by hand, as drm_dev_unplug() does first, holds the device
 * in that window; the unplug is then finished the normal way.
 */
static void accel_test_open_unplugged(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct drm_device *dev = accel_test_dev_register(test);
	int index = dev->accel->index;
	unsigned int refs;
	struct file *f;

	/* published: the node opens */
	f = accel_test_open(test, index, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	accel_test_close(test, f);
	KUNIT_ASSERT_EQ(test, 1, atomic_read(&t->opens));

	refs = kref_read(&dev->ref);
	dev->unplugged = true;
	KUNIT_EXPECT_EQ(test, -ENODEV, PTR_ERR(accel_test_open(test, index, O_RDWR)));
	/* refused before the driver's open, with no reference left behind */
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&t->opens));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&dev->open_count));
	KUNIT_EXPECT_EQ(test, refs, kref_read(&dev->ref));

	drm_dev_unplug(dev);
}

static void accel_test_open_excl(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);

	/* DRM nodes refuse exclusive opens, and so do accel nodes */
	KUNIT_EXPECT_EQ(test, -EBUSY,
			PTR_ERR(accel_test_open(test, dev->accel->index, O_RDWR | O_EXCL)));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&dev->open_count));
}

static void accel_test_unplug_with_open_file(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct drm_device *dev = accel_test_dev_register(test);
	int index = dev->accel->index;
	struct drm_device *next;
	struct file *f;

	f = accel_test_open(test, index, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);

	drm_dev_unplug(dev);
	KUNIT_EXPECT_FALSE(test, device_is_registered(dev->accel->kdev));
	KUNIT_EXPECT_EQ(test, -ENODEV, accel_test_ioctl(f, DRM_IOCTL_VERSION));
	accel_test_dev_put(test, dev);

	/* the open file still holds the device and its index */
	next = accel_test_dev_register(test);
	KUNIT_EXPECT_NE(test, index, next->accel->index);

	accel_test_close(test, f);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&t->postcloses));
	next = accel_test_dev_register(test);
	KUNIT_EXPECT_EQ(test, index, next->accel->index);
}

static struct kunit_case accel_file_cases[] = {
	KUNIT_CASE(accel_test_open_calls_driver_open),
	KUNIT_CASE(accel_test_open_unused_minor),
	KUNIT_CASE(accel_test_open_unregistered_minor),
	KUNIT_CASE(accel_test_open_unplugged),
	KUNIT_CASE(accel_test_open_excl),
	KUNIT_CASE(accel_test_unplug_with_open_file),
	{}
};

static struct kunit_suite accel_file_suite = {
	.name = "accel_file",
	.init = accel_test_init,
	.exit = accel_test_exit,
	.test_cases = accel_file_cases,
};

kunit_test_suites(&accel_file_suite);
