// SPDX-License-Identifier: GPL-2.0-only
/*
 * The accel core failing to initialise: DRM carries on, accel devices
 * fail cleanly, and the core comes back once it can.
 */

#include <kunit/test.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/spinlock.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>

#include "../../gpu/drm/drm_internal.h"
#include "accel_kunit_helpers.h"

/* No accel index is held, not even one reserved without a minor behind it. */
static bool accel_test_no_index_held(void)
{
	struct drm_minor_table table;
	unsigned long flags;
	bool empty;

	accel_minor_table(&table);
	spin_lock_irqsave(table.lock, flags);
	empty = idr_is_empty(table.idr);
	spin_unlock_irqrestore(table.lock, flags);
	return empty;
}

static const struct file_operations accel_test_major_fops = {
	.owner = THIS_MODULE,
};

/*
 * With char major 261 taken, accel_core_init() fails: DRM devices still
 * register, accel devices fail cleanly. accel_core_init() is not
 * exported, so only a built-in test can take the core down.
 */
static void accel_test_core_init_failure(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct drm_device *gpu, *accel;

	if (!IS_BUILTIN(CONFIG_DRM_ACCEL_KUNIT_TEST))
		kunit_skip(test, "needs the test built in to restart the accel core");
	/* a built-in accel driver's devices, say: the core cannot go under them */
	accel = accel_test_dev_register(test);
	if (accel_test_class_devices(accel) > 1)
		kunit_skip(test, "other accel devices exist, the core cannot go down");
	accel_test_dev_put(test, accel);

	accel_core_exit();
	t->core_down = true;
	KUNIT_EXPECT_TRUE(test, accel_test_no_index_held());
	KUNIT_ASSERT_EQ(test, 0, __register_chrdev(ACCEL_MAJOR, 0, ACCEL_MAX_MINORS,
						   "accel_kunit", &accel_test_major_fops));
	t->major_held = true;
	KUNIT_EXPECT_EQ(test, -EBUSY, accel_core_init());

	gpu = accel_test_dev_alloc(test, &accel_test_gpu_driver);
	KUNIT_ASSERT_FALSE(test, IS_ERR(gpu));
	KUNIT_EXPECT_EQ(test, 0, drm_dev_register(gpu, 0));
	KUNIT_EXPECT_NOT_NULL(test, gpu->render);
	KUNIT_EXPECT_NOT_NULL(test, gpu->primary);

	accel = accel_test_dev_alloc(test, &accel_test_driver);
	KUNIT_EXPECT_EQ(test, -ENODEV, PTR_ERR_OR_ZERO(accel));
	/* the refused device left no index behind, reserved or published */
	KUNIT_EXPECT_TRUE(test, accel_test_no_index_held());

	/* and once the major is free again, the core comes back */
	accel_test_dev_put(test, gpu);
	__unregister_chrdev(ACCEL_MAJOR, 0, ACCEL_MAX_MINORS, "accel_kunit");
	t->major_held = false;
	KUNIT_ASSERT_EQ(test, 0, accel_core_init());
	t->core_down = false;
	accel_test_dev_register(test);
}

static struct kunit_case accel_core_cases[] = {
	KUNIT_CASE(accel_test_core_init_failure),
	{}
};

static struct kunit_suite accel_core_suite = {
	.name = "accel_core",
	.init = accel_test_init,
	.exit = accel_test_exit,
	.test_cases = accel_core_cases,
};

kunit_test_suites(&accel_core_suite);
