// SPDX-License-Identifier: GPL-2.0
/*
 * Stress on the accel core through dummy_accel, bounded in cycles and in
 * time ($STRESS_SECONDS, 60 by default). Each test prints what it did and
 * its seed: SEED=N replays the same random choices (the timing of the
 * threads is the machine's).
 *
 * unplug_race: threads open the device's node, ask VERSION, run a job and
 * close, while another thread unbinds and binds the device under them.
 * Every call succeeds or fails with the error the ABI documents for a
 * device that went away (open: -ENOENT once the node is gone, -ENODEV
 * once the minor is; ioctl: -ENODEV; close always works). At the end the
 * device works, the class lists exactly the devices bound, and a device
 * bound again gets the lowest free index.
 *
 * Needs root and dummy_accel loaded with one device; skips otherwise.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>

#include <drm/dummy_accel.h>

#include "accel_util.h"
#include "../kselftest_harness.h"

#define UNPLUG_CYCLES	10000
/*
 * As many cycles as fit in $STRESS_SECONDS (60, 300 at most) on a slow
 * kernel: an emulated x86_64 guest makes about 45 a second.
 */
#define STRESS_SECONDS	60
#define STRESS_MAX_SECONDS	300
#define UNPLUG_THREADS	4

/* The seed: $SEED, or one from the clock; printed by the caller. */
static unsigned int stress_seed(void)
{
	const char *s = getenv("SEED");

	return s && *s ? strtoul(s, NULL, 0) : (unsigned int)time(NULL);
}

/* The time bound of a test: $STRESS_SECONDS, or STRESS_SECONDS. */
static int stress_seconds(void)
{
	const char *s = getenv("STRESS_SECONDS");
	int n = s && *s ? atoi(s) : STRESS_SECONDS;

	return n < 1 ? 1 : n > STRESS_MAX_SECONDS ? STRESS_MAX_SECONDS : n;
}

/* What a worker did; the first unexpected result is kept to be shown. */
struct worker {
	pthread_t th;
	const char *pdev;
	atomic_int *stop;
	long cycles, calls, gone;
	int bad_errno;
	const char *bad_call;
};

static void worker_bad(struct worker *w, const char *call, int err)
{
	if (!w->bad_call) {
		w->bad_call = call;
		w->bad_errno = err;
	}
}

/* One open, VERSION, job and close of the device's current node. */
static void worker_cycle(struct worker *w)
{
	struct drm_dummy_accel_submit job = { .count = 1, .op = DUMMY_ACCEL_OP_XOR };
	uint32_t data = 0x5a5a;
	char name[64];
	int index, fd, ret;

	index = accel_pdev_index(w->pdev);
	if (index < 0) {
		/* unbound now: nothing to open */
		w->gone++;
		return;
	}
	w->calls++;
	fd = accel_open_index(index);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENODEV)
			w->gone++;
		else
			worker_bad(w, "open", errno);
		return;
	}
	w->calls++;
	ret = accel_driver_name(fd, name, sizeof(name));
	if (ret && ret != -ENODEV)
		worker_bad(w, "VERSION", -ret);
	else if (!ret && strcmp(name, DUMMY_NAME))
		worker_bad(w, "VERSION names another driver", 0);
	w->calls++;
	job.data = (unsigned long)&data;
	if (ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job) && errno != ENODEV)
		worker_bad(w, "SUBMIT", errno);
	w->calls++;
	if (close(fd))
		worker_bad(w, "close", errno);
	w->cycles++;
}

static void *worker_run(void *p)
{
	struct worker *w = p;

	while (!atomic_load(w->stop))
		worker_cycle(w);
	return NULL;
}

FIXTURE(stress) {
	/* why the test skips, or NULL */
	const char *why;
	/* the dummy_accel platform device and its node's index */
	char pdev[64];
	int index;
	unsigned int seed;
};

FIXTURE_SETUP(stress)
{
	int fd;

	fd = accel_open_dummy(&self->index, &self->why);
	if (self->why)
		return;
	ASSERT_LE(0, fd) TH_LOG("dummy_accel is loaded but its node does not open");
	close(fd);
	ASSERT_EQ(0, accel_platform_name(self->index, self->pdev, sizeof(self->pdev)));
	self->seed = stress_seed();
	TH_LOG("seed %u (SEED=%u replays it)", self->seed, self->seed);
	srand(self->seed);
}

FIXTURE_TEARDOWN(stress)
{
	/* leave the device bound, as the test found it */
	if (!self->why && accel_pdev_index(self->pdev) < 0)
		accel_write_str(ACCEL_DRIVER_DIR "/bind", self->pdev);
}

TEST_F_TIMEOUT(stress, unplug_race, STRESS_MAX_SECONDS + 120)
{
	struct worker w[UNPLUG_THREADS] = { 0 };
	double start = accel_now(), end = start + stress_seconds();
	long cycles = 0, calls = 0, gone = 0;
	const char *failed = NULL;
	atomic_int stop = 0;
	int i, n, index, lowest, ret = 0;

	if (self->why)
		SKIP(return, "%s", self->why);
	for (i = 0; i < UNPLUG_THREADS; i++) {
		w[i].pdev = self->pdev;
		w[i].stop = &stop;
		ASSERT_EQ(0, pthread_create(&w[i].th, NULL, worker_run, &w[i]));
	}
	for (n = 0; n < UNPLUG_CYCLES && accel_now() < end; n++) {
		failed = "unbind";
		ret = accel_write_str(ACCEL_DRIVER_DIR "/unbind", self->pdev);
		if (ret)
			break;
		usleep(rand() % 200);
		failed = "bind";
		ret = accel_write_str(ACCEL_DRIVER_DIR "/bind", self->pdev);
		if (ret)
			break;
		usleep(rand() % 200);
	}
	atomic_store(&stop, 1);
	for (i = 0; i < UNPLUG_THREADS; i++) {
		ASSERT_EQ(0, pthread_join(w[i].th, NULL));
		EXPECT_TRUE(!w[i].bad_call) TH_LOG("thread %d: %s: %s", i, w[i].bad_call,
						   strerror(w[i].bad_errno));
		cycles += w[i].cycles;
		calls += w[i].calls;
		gone += w[i].gone;
	}
	TH_LOG("%d unbind/bind cycles of %d in %.1f s%s", n, UNPLUG_CYCLES,
	       accel_now() - start, ret ? "" : n < UNPLUG_CYCLES ? " (ended by time)" : "");
	TH_LOG("%d threads: %ld open/VERSION/SUBMIT/close cycles, %ld calls, %ld saw no device",
	       UNPLUG_THREADS, cycles, calls, gone);
	EXPECT_EQ(0, ret) TH_LOG("cycle %d: %s failed: %s", n + 1, failed, strerror(-ret));
	ASSERT_LT(0, n) TH_LOG("no unbind/bind cycle ran");
	/* every worker made progress beside the unplugs */
	for (i = 0; i < UNPLUG_THREADS; i++)
		EXPECT_LT(0, w[i].cycles);

	/* the device works and the class holds exactly the bound devices */
	index = accel_pdev_index(self->pdev);
	ASSERT_LE(0, index);
	EXPECT_EQ(0, accel_index_works(index));
	EXPECT_EQ(accel_count_entries(ACCEL_DRIVER_DIR, DUMMY_NAME "."),
		  accel_count_entries("/sys/class/accel", "accel"));
	/* no index leaked: bound again, the device gets the lowest free one */
	ASSERT_EQ(0, accel_write_str(ACCEL_DRIVER_DIR "/unbind", self->pdev));
	lowest = accel_lowest_free_index();
	ASSERT_EQ(0, accel_write_str(ACCEL_DRIVER_DIR "/bind", self->pdev));
	EXPECT_EQ(lowest, accel_pdev_index(self->pdev));
	EXPECT_EQ(0, accel_kernel_reports());
}

TEST_HARNESS_MAIN
