// SPDX-License-Identifier: GPL-2.0-only
/*
 * Registration, open and lookup of accel minors from several kthreads at
 * once: no index is lost or handed out twice. On an SMP kernel the test
 * also shows that the threads did run at the same time: on more than one
 * CPU, with rounds that overlapped a round on another CPU.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
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
	/* the evidence of parallelism: where rounds ran, and who overlapped */
	struct cpumask ran_on;
	atomic_t *in_round;	/* per CPU id: rounds running there now */
	atomic_t inside;	/* rounds running anywhere now */
	atomic_t rounds;
	atomic_t cross_cpu;	/* rounds that began while another CPU was in one */
};

/* Note where a round begins, and whether one runs on another CPU. */
static int accel_race_enter(struct accel_race *race)
{
	int cpu = raw_smp_processor_id();

	cpumask_set_cpu(cpu, &race->ran_on);
	atomic_inc(&race->rounds);
	if (atomic_inc_return(&race->inside) > atomic_inc_return(&race->in_round[cpu]))
		atomic_inc(&race->cross_cpu);
	return cpu;
}

static void accel_race_leave(struct accel_race *race, int cpu)
{
	atomic_dec(&race->in_round[cpu]);
	atomic_dec(&race->inside);
}

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
	int i, cpu;

	for (i = 0; i < ACCEL_RACE_ROUNDS; i++) {
		cpu = accel_race_enter(race);
		accel_race_round(race);
		accel_race_leave(race, cpu);
	}
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
	race->in_round = kunit_kcalloc(test, nr_cpu_ids, sizeof(*race->in_round), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, race->in_round);
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
	kunit_info(test, "%d CPUs online; the rounds ran on %u; %d of %d began while another CPU was in one\n",
		   num_online_cpus(), cpumask_weight(&race->ran_on),
		   atomic_read(&race->cross_cpu), atomic_read(&race->rounds));
	if (num_online_cpus() > 1) {
		KUNIT_EXPECT_GT(test, cpumask_weight(&race->ran_on), 1);
		KUNIT_EXPECT_GT(test, atomic_read(&race->cross_cpu), 0);
	}
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
