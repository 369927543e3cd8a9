// SPDX-License-Identifier: GPL-2.0
/*
 * Stress on the accel core through dummy_accel, bounded in cycles and in
 * time ($STRESS_SECONDS, 60 by default). Each test prints what it did and
 * its seed: SEED=N replays the same random choices (the timing of the
 * threads is the machine's).
 *
 * unplug_race: threads open the device's node, ask VERSION, create and map
 * a buffer, run a job on it, unmap and close, while another thread unbinds
 * and binds the device under them. Every call succeeds or fails with the
 * error the ABI documents for a device that went away (open: -ENOENT once
 * the node is gone, -ENODEV once the minor is; ioctl and mmap: -ENODEV;
 * munmap and close always work). At the end the
 * device works, the class lists exactly the devices bound, and a device
 * bound again gets the lowest free index.
 *
 * ioctl_fuzz: threads, each on a file of its own, send FUZZ_CALLS ioctls
 * of the DRM type between them: numbers of the core and the driver range,
 * random direction and size bits, arguments of random words that include
 * NULL, unmapped, protected and kernel addresses. Every call succeeds or
 * fails with an error drm-uapi.rst documents; at the end the device works,
 * the kernel reported nothing and kmemleak finds nothing new. The choices
 * of each thread are replayed exactly by SEED=.
 *
 * fdinfo_unbind_race: threads read /proc/self/fdinfo of files of the
 * device, kept open across unbinds, while another thread unbinds and binds
 * it (STRESS_SECONDS, 20 at most). dummy_accel's fdinfo hook reads the
 * device's registers, which unbind frees: every read shows either all the
 * usage statistics (the core's keys with the file's drm-client-id, the
 * driver's with the clock its register holds) or, once the device is
 * unplugged, none. On a KASAN kernel (make boot ARCH=x86_64 KERNEL=debug)
 * a hook called after unbind is a use-after-free report.
 *
 * Needs root and dummy_accel loaded with one device; skips otherwise.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>

#include <drm/dummy_accel.h>

#include "accel_util.h"
#include "../kselftest_harness.h"

#define UNPLUG_CYCLES	10000
/*
 * As many cycles as fit in $STRESS_SECONDS (60, 300 at most) on a slow
 * kernel: an emulated x86_64 guest makes about 45 a second.
 */
#define STRESS_SECONDS	60
#define UNPLUG_THREADS	4

/* What a worker did; the first unexpected result is kept to be shown. */
struct worker {
	pthread_t th;
	const char *pdev;
	atomic_int *stop;
	long cycles, calls, gone;
	int bad_errno;
	const char *bad_call;
	/* for a wrong job result: what the job wrote, and the cycle */
	uint64_t bad_result;
	long bad_cycle;
};

static void worker_bad(struct worker *w, const char *call, int err)
{
	if (!w->bad_call) {
		w->bad_call = call;
		w->bad_errno = err;
	}
}

/*
 * A buffer's life on an open file: create, map, write, a job on it, unmap
 * and close. Once the device is gone, each ioctl and mmap() fails with
 * ENODEV; the mapping made before stays usable; munmap() never fails.
 */
static void worker_buffer(struct worker *w, int fd)
{
	struct drm_dummy_accel_submit job = { .count = 1, .op = DUMMY_ACCEL_OP_XOR };
	uint64_t result = 0;
	struct accel_bo bo;
	int ret;

	w->calls++;
	ret = accel_bo_new(fd, 4096, &bo);
	if (ret) {
		if (ret != -ENODEV)
			worker_bad(w, "BO_CREATE or mmap", -ret);
		return;
	}
	*(uint32_t *)bo.map = 0x5a5a;
	job.in_handle = bo.handle;
	w->calls += 4;
	ret = accel_job_wait(fd, &job, &result);
	if (ret) {
		if (ret != -ENODEV)
			worker_bad(w, "syncobj, SUBMIT or wait", -ret);
	} else if (result != 0x5a5a) {
		if (!w->bad_call) {
			w->bad_result = result;
			w->bad_cycle = w->cycles;
		}
		worker_bad(w, "the job's result", 0);
	}
	w->calls++;
	ret = accel_bo_free(fd, &bo);
	if (ret && ret != -ENODEV)
		worker_bad(w, "GEM_CLOSE", -ret);
}

/* One open, VERSION, buffer and job, and close of the device's current node. */
static void worker_cycle(struct worker *w)
{
	char name[64];
	int index, fd, ret;

	index = accel_pdev_index(w->pdev);
	if (index < 0) {
		/*
		 * unbound now: nothing to open. Give the CPU to the binding
		 * (a probe starts a scheduler thread per core) rather than
		 * spin: on one CPU four spinning workers starve it.
		 */
		w->gone++;
		usleep(100);
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
	worker_buffer(w, fd);
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

#define FDINFO_SECONDS	20
#define FDINFO_THREADS	2
#define FDINFO_CLOCK	"1000 MHz"

/* What an fdinfo reader saw; the first wrong read is kept to be shown. */
struct fdinfo_reader {
	pthread_t th;
	const char *pdev;
	atomic_int *stop;
	long reads, plugged, unplugged;
	char bad[256];
};

/*
 * Read fdinfo of @fd, a file of client @id, in one read (one call of the
 * kernel's show_fdinfo): 1 with the usage statistics, the core's keys and
 * the driver's, 0 with none (unplugged), -1 if the read is neither (@r->bad
 * says why).
 */
static int fdinfo_read_once(struct fdinfo_reader *r, int fd, long long id)
{
	static const char * const keys[] = {
		"drm-client-id", "drm-engine-core", "drm-cycles-core", "drm-memory-system",
	};
	char text[4096], val[64], clock[64] = "", want[32];
	int i, found = 0;
	ssize_t n;

	n = accel_fdinfo_read(fd, text, sizeof(text));
	if (n <= 0) {
		snprintf(r->bad, sizeof(r->bad), "reading fdinfo of fd %d: %s", fd,
			 n ? strerror(-n) : "empty");
		return -1;
	}
	if (!strstr(text, "drm-"))
		return 0;

	if (accel_fdinfo_value(text, "drm-driver", val, sizeof(val)) || strcmp(val, DUMMY_NAME)) {
		snprintf(r->bad, sizeof(r->bad), "drm-driver missing or not " DUMMY_NAME);
		return -1;
	}
	for (i = 0; i < (int)ARRAY_SIZE(keys); i++)
		found += !accel_fdinfo_value(text, keys[i], val, sizeof(val));
	accel_fdinfo_value(text, "drm-maxfreq-core", clock, sizeof(clock));
	accel_fdinfo_value(text, "drm-client-id", val, sizeof(val));
	snprintf(want, sizeof(want), "%lld", id);
	if (found != (int)ARRAY_SIZE(keys) || strcmp(val, want) || strcmp(clock, FDINFO_CLOCK)) {
		snprintf(r->bad, sizeof(r->bad),
			 "one read: %d of %d keys, drm-client-id %s (want %s), drm-maxfreq-core %s",
			 found, (int)ARRAY_SIZE(keys), val, want, clock);
		return -1;
	}
	return 1;
}

/*
 * Open the device's node when it is bound, then read fdinfo of that file
 * until a read shows it unplugged (and a few times more), and close it.
 */
static void *fdinfo_run(void *p)
{
	struct fdinfo_reader *r = p;
	int index, fd, ret, after;
	long long id;

	while (!atomic_load(r->stop) && !r->bad[0]) {
		index = accel_pdev_index(r->pdev);
		fd = index < 0 ? -1 : accel_open_index(index);
		if (fd < 0) {
			/* unbound now: wait for the bind */
			usleep(100);
			continue;
		}
		id = accel_fdinfo_num(fd, "drm-client-id", "");
		for (after = 0; after < 8 && !atomic_load(r->stop); r->reads++) {
			ret = fdinfo_read_once(r, fd, id);
			if (ret < 0)
				break;
			if (ret) {
				r->plugged++;
			} else {
				r->unplugged++;
				after++;
			}
		}
		close(fd);
	}
	return NULL;
}

#define FUZZ_CALLS	100000
#define FUZZ_THREADS	4
/* each thread's argument memory, followed by a page it may not touch */
#define FUZZ_SCRATCH	(64 * 1024)
#define FUZZ_HOLE	(64 * 1024)
/* a thread reopens its node once in that many calls, on average */
#define FUZZ_REOPEN	1000

/* Commands with their real sizes, so that some arguments get parsed. */
static const unsigned long fuzz_known[] = {
	DRM_IOCTL_VERSION, DRM_IOCTL_GET_UNIQUE, DRM_IOCTL_GET_MAGIC,
	DRM_IOCTL_GET_CLIENT, DRM_IOCTL_GET_STATS, DRM_IOCTL_GET_CAP,
	DRM_IOCTL_SET_CLIENT_CAP, DRM_IOCTL_SET_VERSION, DRM_IOCTL_GEM_CLOSE,
	DRM_IOCTL_GEM_FLINK, DRM_IOCTL_GEM_OPEN, DRM_IOCTL_SET_MASTER,
	DRM_IOCTL_DROP_MASTER, DRM_IOCTL_AUTH_MAGIC, DRM_IOCTL_PRIME_HANDLE_TO_FD,
	DRM_IOCTL_PRIME_FD_TO_HANDLE, DRM_IOCTL_SYNCOBJ_CREATE,
	DRM_IOCTL_SYNCOBJ_DESTROY, DRM_IOCTL_SYNCOBJ_WAIT,
	DRM_IOCTL_MODE_GETRESOURCES, DRM_IOCTL_WAIT_VBLANK,
	DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, DRM_IOCTL_DUMMY_ACCEL_SUBMIT,
	DRM_IOCTL_DUMMY_ACCEL_BO_CREATE, DRM_IOCTL_DUMMY_ACCEL_BO_INFO,
};

/*
 * The errors drm-uapi.rst documents for an ioctl that refuses its input,
 * and EBADF for a dma-buf fd that is not open (PRIME_FD_TO_HANDLE), the
 * "common meaning" it defers to.
 */
static int fuzz_documented(int err)
{
	switch (err) {
	case EINVAL: case ENOTTY: case EFAULT: case ENOENT: case ENOMEM: case EBADF:
	case ENOSPC: case EPERM: case EACCES: case EOPNOTSUPP: case EBUSY:
		return 1;
	}
	return 0;
}

struct fuzzer {
	pthread_t th;
	uint64_t rng;
	int index;
	/* FUZZ_HOLE bytes of PROT_NONE, shared by the threads: addresses that fault */
	const unsigned char *hole;
	/* FUZZ_SCRATCH bytes of arguments, then a PROT_NONE guard page */
	unsigned char *scratch, *guard;
	double end;
	long calls, ok, reopens;
	long errors[256];
	unsigned long bad_cmd;
	int bad_errno;
};

/* xorshift64*: one stream per thread, a function of the seed alone */
static uint64_t fuzz_next(struct fuzzer *f)
{
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 2685821657736338717ULL;
}

/*
 * A word of an argument. Pointers the kernel may write through point into
 * the thread's scratch memory or at addresses that fault: NULL, the hole,
 * the page below mmap_min_addr, above the user range, the kernel's. Any
 * other value is small or too large for an address this process maps, so
 * that a write through a word the fuzzer did not mean as a pointer cannot
 * corrupt the fuzzer.
 */
static uintptr_t fuzz_word(struct fuzzer *f)
{
	static const uintptr_t bounds[] = {
		1, 4096, 65535, 65536, 0x7fffffff, 0x80000000, UINTPTR_MAX,
		UINTPTR_MAX - 4095, UINTPTR_MAX >> 1,
	};
	uint64_t r = fuzz_next(f);

	switch (r % 10) {
	case 0:
		return 0;
	case 1:
		return (r >> 8) & 0xff;
	case 2:
		return bounds[(r >> 8) % ARRAY_SIZE(bounds)];
	case 3:
		return 1U << ((r >> 8) % 32);
	case 4:
		return (uintptr_t)f->scratch + ((r >> 8) % FUZZ_SCRATCH & ~7UL);
	case 5:
		return (uintptr_t)f->guard - ((r >> 8) % 64);
	case 6:
		return (uintptr_t)f->hole + (r >> 8) % FUZZ_HOLE;
	case 7:
		/* below mmap_min_addr */
		return (r >> 8) & 0xffff;
	case 8:
		/* the top page: above any user address, a kernel one on 64 bit */
		return UINTPTR_MAX - ((r >> 8) & 0xfff);
	default:
		/* around DUMMY_ACCEL_MAX_ELEMENTS and other counts */
		return (r >> 8) % (2 * DUMMY_ACCEL_MAX_ELEMENTS);
	}
}

/* Fill @len bytes at @buf with fuzz_word()s; a short tail gets zeroes. */
static void fuzz_fill(struct fuzzer *f, unsigned char *buf, size_t len)
{
	uintptr_t w;
	size_t i;

	for (i = 0; i + sizeof(w) <= len; i += sizeof(w)) {
		w = fuzz_word(f);
		memcpy(buf + i, &w, sizeof(w));
	}
	memset(buf + i, 0, len - i);
}

/* A command of type 'd': a known one, or a random number, direction, size. */
static unsigned long fuzz_cmd(struct fuzzer *f)
{
	uint64_t r = fuzz_next(f);
	unsigned int nr = (r >> 8) % DRM_COMMAND_END;

	if (r % 4 == 0)
		return fuzz_known[(r >> 8) % ARRAY_SIZE(fuzz_known)];
	if (r % 4 == 1)
		/* a plausible size */
		return _IOC(_IOC_READ | _IOC_WRITE, DRM_IOCTL_BASE, nr, ((r >> 16) % 17) * 8);
	return _IOC((r >> 16) % 4, DRM_IOCTL_BASE, nr, (r >> 24) % (1 << _IOC_SIZEBITS));
}

/* The argument of @cmd: usually in scratch memory, sometimes an address that faults. */
static void *fuzz_arg(struct fuzzer *f, unsigned long cmd)
{
	size_t size = _IOC_SIZE(cmd);
	uint64_t r = fuzz_next(f);
	unsigned char *arg;

	switch (r % 20) {
	case 0:
		return NULL;
	case 1:
		return (void *)(f->hole + (r >> 8) % FUZZ_HOLE);
	case 2:
		return (void *)(UINTPTR_MAX - 4095);
	case 3:
		/* the argument runs into the guard page */
		return f->guard - (size / 2 & ~7UL);
	}
	if (size > FUZZ_SCRATCH)
		size = FUZZ_SCRATCH;
	arg = f->scratch + ((r >> 8) % (FUZZ_SCRATCH - size + 1) & ~7UL);
	if (r % 20 == 4)
		memset(arg, 0, size);
	else
		fuzz_fill(f, arg, size);
	return arg;
}

/* One ioctl; its result counted, the first undocumented error kept. */
static void fuzz_call(struct fuzzer *f, int fd)
{
	unsigned long cmd = fuzz_cmd(f);
	void *arg = fuzz_arg(f, cmd);

	f->calls++;
	if (!ioctl(fd, cmd, arg)) {
		f->ok++;
		return;
	}
	f->errors[errno & 0xff]++;
	if (!fuzz_documented(errno) && !f->bad_errno) {
		f->bad_errno = errno;
		f->bad_cmd = cmd;
	}
}

static void *fuzz_run(void *p)
{
	struct fuzzer *f = p;
	long i;
	int fd;

	fd = accel_open_index(f->index);
	if (fd < 0) {
		f->bad_errno = errno;
		return NULL;
	}
	for (i = 0; i < FUZZ_CALLS / FUZZ_THREADS && accel_now() < f->end; i++) {
		fuzz_call(f, fd);
		if (fuzz_next(f) % FUZZ_REOPEN)
			continue;
		close(fd);
		f->reopens++;
		fd = accel_open_index(f->index);
		if (fd < 0) {
			f->bad_errno = errno;
			return NULL;
		}
	}
	close(fd);
	return NULL;
}

/* Scratch memory and a guard page for @f; 0 or -errno. */
static int fuzz_map(struct fuzzer *f)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *m;

	m = mmap(NULL, FUZZ_SCRATCH + page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -errno;
	f->scratch = m;
	f->guard = m + FUZZ_SCRATCH;
	return mprotect(f->guard, page, PROT_NONE) ? -errno : 0;
}

static void fuzz_print_errors(struct __test_metadata *_metadata, long *errors)
{
	char line[512];
	int e, n = 0;

	line[0] = '\0';
	for (e = 1; e < 256; e++)
		if (errors[e])
			n += snprintf(line + n, sizeof(line) - n, " %s %ld",
				      strerrorname_np(e) ?: "?", errors[e]);
	TH_LOG("errors:%s", line);
}

FIXTURE(stress) {
	/* why the test skips, or NULL */
	const char *why;
	/* the dummy_accel platform device and its node's index */
	char pdev[64];
	int index;
	unsigned int seed;
	/* the kernel log from the test's start on (accel_kmsg_mark()) */
	int kmsg;
};

FIXTURE_SETUP(stress)
{
	int fd;

	/* it unbinds and binds the device, and reads the kernel log */
	if (geteuid()) {
		self->why = "needs root: it unbinds and binds the device, reads the kernel log";
		return;
	}
	fd = accel_open_dummy(&self->index, &self->why);
	if (self->why)
		return;
	ASSERT_LE(0, fd) TH_LOG("dummy_accel is loaded but its node does not open");
	close(fd);
	ASSERT_EQ(0, accel_platform_name(self->index, self->pdev, sizeof(self->pdev)));
	self->seed = accel_seed();
	TH_LOG("seed %u (SEED=%u replays it)", self->seed, self->seed);
	srand(self->seed);
	/* the reports this test must not add: those before it do not count */
	self->kmsg = accel_kmsg_mark();
	ASSERT_LE(0, self->kmsg);
}

FIXTURE_TEARDOWN(stress)
{
	/* leave the device bound, as the test found it */
	if (!self->why && accel_pdev_index(self->pdev) < 0)
		accel_write_str(ACCEL_DRIVER_DIR "/bind", self->pdev);
}

TEST_F_TIMEOUT(stress, unplug_race, ACCEL_STRESS_MAX_SECONDS + 120)
{
	struct worker w[UNPLUG_THREADS] = { 0 };
	double start = accel_now(), end = start + accel_stress_seconds(STRESS_SECONDS);
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
		EXPECT_TRUE(!w[i].bad_call)
			TH_LOG("thread %d: %s: %s (result %#llx, cycle %ld of %ld)",
			       i, w[i].bad_call, strerror(w[i].bad_errno),
			       (unsigned long long)w[i].bad_result, w[i].bad_cycle, w[i].cycles);
		cycles += w[i].cycles;
		calls += w[i].calls;
		gone += w[i].gone;
	}
	TH_LOG("%d unbind/bind cycles of %d in %.1f s%s", n, UNPLUG_CYCLES,
	       accel_now() - start, ret ? "" : n < UNPLUG_CYCLES ? " (ended by time)" : "");
	TH_LOG("%d threads: %ld open/VERSION/buffer/job/close cycles, %ld calls, %ld saw no device",
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
	EXPECT_EQ(0, accel_kernel_reports(self->kmsg));
}

TEST_F_TIMEOUT(stress, fdinfo_unbind_race, FDINFO_SECONDS + 120)
{
	struct fdinfo_reader r[FDINFO_THREADS] = { 0 };
	double start = accel_now(), end = start + accel_time_bound(FDINFO_SECONDS);
	struct fdinfo_reader first = { 0 };
	long reads = 0, plugged = 0, unplugged = 0;
	atomic_int stop = 0;
	int i, n, fd, ret = 0;
	long long id;

	if (self->why)
		SKIP(return, "%s", self->why);

	/* one file across one unbind: all the usage statistics, then none */
	fd = accel_open_index(self->index);
	ASSERT_LE(0, fd);
	id = accel_fdinfo_num(fd, "drm-client-id", "");
	ASSERT_LE(0, id);
	EXPECT_EQ(1, fdinfo_read_once(&first, fd, id)) TH_LOG("%s", first.bad);
	ASSERT_EQ(0, accel_write_str(ACCEL_DRIVER_DIR "/unbind", self->pdev));
	EXPECT_EQ(0, fdinfo_read_once(&first, fd, id)) TH_LOG("%s", first.bad);
	EXPECT_EQ(0, close(fd));
	ASSERT_EQ(0, accel_write_str(ACCEL_DRIVER_DIR "/bind", self->pdev));

	for (i = 0; i < FDINFO_THREADS; i++) {
		r[i].pdev = self->pdev;
		r[i].stop = &stop;
		ASSERT_EQ(0, pthread_create(&r[i].th, NULL, fdinfo_run, &r[i]));
	}
	for (n = 0; accel_now() < end; n++) {
		usleep(1000 + rand() % 2000);
		ret = accel_write_str(ACCEL_DRIVER_DIR "/unbind", self->pdev);
		if (ret)
			break;
		usleep(rand() % 1000);
		ret = accel_write_str(ACCEL_DRIVER_DIR "/bind", self->pdev);
		if (ret)
			break;
	}
	atomic_store(&stop, 1);
	for (i = 0; i < FDINFO_THREADS; i++) {
		ASSERT_EQ(0, pthread_join(r[i].th, NULL));
		EXPECT_EQ(0, r[i].bad[0])
			TH_LOG("thread %d, read %ld: %s", i, r[i].reads, r[i].bad);
		reads += r[i].reads;
		plugged += r[i].plugged;
		unplugged += r[i].unplugged;
	}
	TH_LOG("%d unbind/bind cycles in %.1f s; %ld fdinfo reads: %ld plugged, %ld unplugged",
	       n, accel_now() - start, reads, plugged, unplugged);
	EXPECT_EQ(0, ret) TH_LOG("cycle %d: unbind or bind failed: %s", n + 1, strerror(-ret));
	/* the race was run: both kinds of read happened */
	EXPECT_LT(0, n);
	EXPECT_LT(0, plugged);
	EXPECT_LT(0, unplugged);
	EXPECT_EQ(0, accel_index_works(accel_pdev_index(self->pdev)));
	EXPECT_EQ(0, accel_kernel_reports(self->kmsg));
}

TEST_F_TIMEOUT(stress, ioctl_fuzz, ACCEL_STRESS_MAX_SECONDS + 300)
{
	struct fuzzer f[FUZZ_THREADS] = { 0 };
	double start;
	unsigned char *hole;
	long calls = 0, ok = 0, reopens = 0, errors[256] = { 0 };
	struct accel_kmemleak km;
	int i, e, kmemleak;

	if (self->why)
		SKIP(return, "%s", self->why);
	hole = mmap(NULL, FUZZ_HOLE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(hole != MAP_FAILED);
	kmemleak = accel_kmemleak_start(&km) == 0;
	if (!kmemleak)
		TH_LOG("no %s (CONFIG_DEBUG_KMEMLEAK): leaks not judged", ACCEL_KMEMLEAK);
	/* the clock starts after kmemleak's scans: minutes on a debug kernel */
	start = accel_now();
	for (i = 0; i < FUZZ_THREADS; i++) {
		f[i].rng = ((uint64_t)self->seed << 8 | i) * 0x9e3779b97f4a7c15ULL | 1;
		f[i].index = self->index;
		f[i].hole = hole;
		f[i].end = start + accel_stress_seconds(STRESS_SECONDS);
		ASSERT_EQ(0, fuzz_map(&f[i]));
	}
	for (i = 0; i < FUZZ_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&f[i].th, NULL, fuzz_run, &f[i]));
	for (i = 0; i < FUZZ_THREADS; i++) {
		ASSERT_EQ(0, pthread_join(f[i].th, NULL));
		EXPECT_EQ(0, f[i].bad_errno)
			TH_LOG("thread %d: ioctl 0x%08lx (nr 0x%02lx, size %lu): %s", i,
			       f[i].bad_cmd, _IOC_NR(f[i].bad_cmd), _IOC_SIZE(f[i].bad_cmd),
			       strerror(f[i].bad_errno));
		calls += f[i].calls;
		ok += f[i].ok;
		reopens += f[i].reopens;
		for (e = 0; e < 256; e++)
			errors[e] += f[i].errors[e];
	}
	TH_LOG("%d threads: %ld ioctls of %d in %.1f s (%s), %ld succeeded, %ld reopens",
	       FUZZ_THREADS, calls, FUZZ_CALLS, accel_now() - start,
	       calls < FUZZ_CALLS ? "ended by time" : "all", ok, reopens);
	fuzz_print_errors(_metadata, errors);
	EXPECT_LT(0, ok);

	/* the device still works, and the kernel found nothing */
	EXPECT_EQ(0, accel_index_works(self->index));
	EXPECT_EQ(0, accel_kernel_reports(self->kmsg));
	if (kmemleak) {
		ASSERT_EQ(0, accel_kmemleak_end());
		EXPECT_EQ(0, accel_kmemleak_objects(&km));
	}
}

TEST_HARNESS_MAIN
