// SPDX-License-Identifier: GPL-2.0-only
/*
 * The accel minor allocator: lowest free index first, an index held until
 * the final put of its device, and the limit of ACCEL_MAX_MINORS.
 */

#include <kunit/test.h>
#include <linux/device.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>

#include "accel_kunit_helpers.h"

static void accel_test_minor_alloc_lowest_free(struct kunit *test)
{
	struct drm_device *a = accel_test_dev_register(test);
	struct drm_device *b = accel_test_dev_register(test);
	struct drm_device *c;
	int index = a->accel->index;

	KUNIT_EXPECT_GT(test, b->accel->index, index);
	accel_test_dev_put(test, a);
	c = accel_test_dev_register(test);
	KUNIT_EXPECT_EQ(test, index, c->accel->index);
}

static void accel_test_minor_free_at_final_put(struct kunit *test)
{
	struct drm_device *a = accel_test_dev_register(test);
	struct drm_device *b;
	int index = a->accel->index;

	/* a file would hold this reference: the index must stay taken */
	drm_dev_get(a);
	accel_test_dev_put(test, a);
	b = accel_test_dev_register(test);
	KUNIT_EXPECT_NE(test, index, b->accel->index);

	drm_dev_put(a);
	b = accel_test_dev_register(test);
	KUNIT_EXPECT_EQ(test, index, b->accel->index);
}

static void accel_test_minor_alloc_limit(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct drm_device *dev;
	unsigned int i, first = t->ndevs;

	/* other devices (dummy_accel, say) may hold minors already */
	for (i = 0; i <= ACCEL_MAX_MINORS; i++) {
		dev = accel_test_dev_alloc(test, &accel_test_driver);
		if (IS_ERR(dev))
			break;
		KUNIT_ASSERT_EQ(test, 0, drm_dev_register(dev, 0));
	}
	KUNIT_ASSERT_EQ(test, -ENOSPC, PTR_ERR_OR_ZERO(dev));
	KUNIT_EXPECT_GT(test, t->ndevs - first, 0U);

	/* the devices that fit are intact */
	for (i = first; i < t->ndevs; i++)
		KUNIT_EXPECT_TRUE(test, device_is_registered(t->devs[i]->accel->kdev));

	/* and one freed index is enough for the next device */
	accel_test_dev_put(test, t->devs[first]);
	dev = accel_test_dev_alloc(test, &accel_test_driver);
	KUNIT_EXPECT_FALSE(test, IS_ERR(dev));
}

static struct kunit_case accel_minor_cases[] = {
	KUNIT_CASE(accel_test_minor_alloc_lowest_free),
	KUNIT_CASE(accel_test_minor_free_at_final_put),
	KUNIT_CASE(accel_test_minor_alloc_limit),
	{}
};

static struct kunit_suite accel_minor_suite = {
	.name = "accel_minor",
	.init = accel_test_init,
	.exit = accel_test_exit,
	.test_cases = accel_minor_cases,
};

kunit_test_suites(&accel_minor_suite);
