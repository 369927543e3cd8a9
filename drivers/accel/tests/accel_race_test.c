// SPDX-License-Identifier: GPL-2.0-only
/*
 * Registration, open and lookup of accel minors from several kthreads at
 * once: no index is lost or handed out twice.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/mutex.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>

#include "accel_kunit_helpers.h"

#define ACCEL_RACE_THREADS	4
#define ACCEL_RACE_ROUNDS	40

/* Shared by the threads of accel_test_race_register_open_lookup(). */
struct accel_race {
	struct accel_test *t;
	/* protects live: the indexes of the devices registered right now */
	struct mutex lock;
	DECLARE_BITMAP(live, ACCEL_MAX_MINORS);
	atomic_t errors;
	atomic_t duplicates;
	atomic_t running;
	struct completion done;
};

/* One round: register a device, open and close it, unregister it. */
static void accel_race_round(struct accel_race *race)
{
	struct drm_device *dev;
	struct drm_file *file;
	struct file *f;
	int index;

	dev = drm_dev_alloc(&accel_test_driver, race->t->parent);
	if (IS_ERR(dev)) {
		atomic_inc(&race->errors);
		return;
	}
	dev->dev_private = race->t;
	if (drm_dev_register(dev, 0)) {
		atomic_inc(&race->errors);
		drm_dev_put(dev);
		return;
	}
	index = dev->accel->index;
	mutex_lock(&race->lock);
	if (test_and_set_bit(index, race->live))
		atomic_inc(&race->duplicates);
	mutex_unlock(&race->lock);

	f = accel_test_open_node(race->t->mnt, index, O_RDWR);
	if (IS_ERR(f)) {
		atomic_inc(&race->errors);
	} else {
		file = f->private_data;
		if (file->minor->dev != dev)
			atomic_inc(&race->errors);
		__fput_sync(f);
	}

	/* clear before the index can be handed out again */
	mutex_lock(&race->lock);
	clear_bit(index, race->live);
	mutex_unlock(&race->lock);
	drm_dev_unregister(dev);
	drm_dev_put(dev);
}

static int accel_race_register_thread(void *data)
{
	struct accel_race *race = data;
	int i;

	for (i = 0; i < ACCEL_RACE_ROUNDS; i++)
		accel_race_round(race);
	if (atomic_dec_and_test(&race->running))
		complete(&race->done);
	return 0;
}

/* Opens whatever minor comes: it works or says -ENODEV, nothing else. */
static int accel_race_lookup_thread(void *data)
{
	struct accel_race *race = data;
	struct file *f;
	int i;

	for (i = 0; i < ACCEL_RACE_ROUNDS * 8; i++) {
		f = accel_test_open_node(race->t->mnt, i % 8, O_RDWR);
		if (!IS_ERR(f))
			__fput_sync(f);
		else if (PTR_ERR(f) != -ENODEV)
			atomic_inc(&race->errors);
	}
	if (atomic_dec_and_test(&race->running))
		complete(&race->done);
	return 0;
}

static void accel_test_race_register_open_lookup(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);
	int i, lowest = dev->accel->index;
	struct accel_race *race;
	struct task_struct *task;

	accel_test_dev_put(test, dev);
	race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, race);
	race->t = test->priv;
	mutex_init(&race->lock);
	init_completion(&race->done);
	atomic_set(&race->running, ACCEL_RACE_THREADS + 1);

	for (i = 0; i <= ACCEL_RACE_THREADS; i++) {
		task = kthread_run(i < ACCEL_RACE_THREADS ? accel_race_register_thread :
				   accel_race_lookup_thread, race, "accel_race/%d", i);
		if (IS_ERR(task)) {
			atomic_inc(&race->errors);
			if (atomic_dec_and_test(&race->running))
				complete(&race->done);
		}
	}
	/* the threads use race and the test's mount: wait for them all */
	wait_for_completion(&race->done);

	KUNIT_EXPECT_EQ(test, 0, atomic_read(&race->errors));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&race->duplicates));
	KUNIT_EXPECT_TRUE(test, bitmap_empty(race->live, ACCEL_MAX_MINORS));
	/* every index came back: the next device gets the lowest again */
	KUNIT_EXPECT_EQ(test, lowest, accel_test_dev_register(test)->accel->index);
}

static struct kunit_case accel_race_cases[] = {
	KUNIT_CASE(accel_test_race_register_open_lookup),
	{}
};

static struct kunit_suite accel_race_suite = {
	.name = "accel_race",
	.init = accel_test_init,
	.exit = accel_test_exit,
	.test_cases = accel_race_cases,
};

kunit_test_suites(&accel_race_suite);
