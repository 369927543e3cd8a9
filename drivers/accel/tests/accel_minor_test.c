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

#define ACCEL_TEST_LOWEST_DEVS	4

/*
 * Register a device and check that it got the index the ABI promises: the
 * lowest that no device of class accel uses.
 */
static struct drm_device *accel_test_register_lowest(struct kunit *test)
{
	int lowest;
	struct drm_device *dev = accel_test_dev_register_lowest(test, &lowest);

	KUNIT_EXPECT_EQ(test, lowest, dev->accel->index);
	return dev;
}

/* Each device gets the lowest free index, a hole before any new one. */
static void accel_test_minor_alloc_lowest_free(struct kunit *test)
{
	struct drm_device *devs[ACCEL_TEST_LOWEST_DEVS], *next;
	int i, middle;

	for (i = 0; i < ACCEL_TEST_LOWEST_DEVS; i++)
		devs[i] = accel_test_register_lowest(test);

	/* with no other accel device, they are accel0, accel1, ... */
	if (accel_test_class_devices(devs[0]) == ACCEL_TEST_LOWEST_DEVS) {
		for (i = 0; i < ACCEL_TEST_LOWEST_DEVS; i++)
			KUNIT_EXPECT_EQ(test, i, devs[i]->accel->index);
	}

	/* a hole in the middle is filled first */
	middle = devs[1]->accel->index;
	accel_test_dev_put(test, devs[1]);
	next = accel_test_register_lowest(test);
	KUNIT_EXPECT_EQ(test, middle, next->accel->index);
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

/*
 * Exactly ACCEL_MAX_MINORS accel devices can exist: as many as the devices
 * there before the test (dummy_accel, say) leave free register, the next
 * one fails in drm_dev_alloc() with -ENOSPC.
 */
static void accel_test_minor_alloc_limit(struct kunit *test)
{
	struct accel_test *t = test->priv;
	unsigned int first = t->ndevs;
	struct drm_device *dev;
	int i, nfree, index;

	dev = accel_test_dev_alloc(test, &accel_test_driver);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	/* not registered yet: the devices of the class are the others */
	nfree = ACCEL_MAX_MINORS - accel_test_class_devices(dev);
	KUNIT_ASSERT_EQ(test, 0, drm_dev_register(dev, 0));
	for (i = 1; i < nfree; i++) {
		dev = accel_test_dev_alloc(test, &accel_test_driver);
		KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(dev), "device %d of %d: %ld",
				       i + 1, nfree, PTR_ERR(dev));
		KUNIT_ASSERT_EQ(test, 0, drm_dev_register(dev, 0));
	}
	KUNIT_EXPECT_EQ(test, ACCEL_MAX_MINORS, accel_test_class_devices(dev));
	dev = accel_test_dev_alloc(test, &accel_test_driver);
	KUNIT_EXPECT_EQ(test, -ENOSPC, PTR_ERR_OR_ZERO(dev));

	/* the devices that fit are intact */
	for (i = 0; i < nfree; i++)
		KUNIT_EXPECT_TRUE(test, device_is_registered(t->devs[first + i]->accel->kdev));

	/* and one freed index is enough for the next device, which gets it */
	index = t->devs[first]->accel->index;
	accel_test_dev_put(test, t->devs[first]);
	dev = accel_test_dev_alloc(test, &accel_test_driver);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	KUNIT_EXPECT_EQ(test, index, dev->accel->index);
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
