/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the accel selftests: finding the dummy_accel device,
 * reading sysfs, DRM_IOCTL_VERSION the way libdrm calls it, dummy_accel's
 * buffers and jobs, and checking the kernel log and kmemleak for reports.
 */
#ifndef ACCEL_UTIL_H
#define ACCEL_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include <drm/drm.h>
#include <drm/dummy_accel.h>

#define ACCEL_MAJOR	261
#define ACCEL_MINORS	256
#define DUMMY_NAME	"dummy_accel"
/* dummy_accel's platform driver: bind, unbind and its bound devices */
#define ACCEL_DRIVER_DIR	"/sys/bus/platform/drivers/" DUMMY_NAME

/* The monotonic clock in seconds. */
static inline double accel_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The seed of a test's random choices: $SEED, or one from the clock. The
 * test prints it; SEED= replays the same choices.
 */
static inline unsigned int accel_seed(void)
{
	const char *s = getenv("SEED");

	return s && *s ? strtoul(s, NULL, 0) : (unsigned int)time(NULL);
}

/* The longest a timed loop may run: 300 s (make matrix's debug guest asks 180) */
#define ACCEL_STRESS_MAX_SECONDS	300

/*
 * The time bound of a timed loop: $STRESS_SECONDS (1..300), or @dflt
 * when unset. The stress programs run that long; the module and drm.ko
 * cycles end at it or at their own bound, whichever comes first.
 */
static inline int accel_stress_seconds(int dflt)
{
	const char *s = getenv("STRESS_SECONDS");
	int n = s && *s ? atoi(s) : dflt;

	return n < 1 ? 1 : n > ACCEL_STRESS_MAX_SECONDS ? ACCEL_STRESS_MAX_SECONDS : n;
}

/* A loop's own bound of @own seconds, or $STRESS_SECONDS when shorter */
static inline int accel_time_bound(int own)
{
	int n = accel_stress_seconds(own);

	return n < own ? n : own;
}

/* A dummy_accel buffer: its handle, size, mmap() offset and mapping */
struct accel_bo {
	uint32_t handle;
	uint64_t size;
	uint64_t offset;
	void *map;
};

/* DRM_IOCTL_GEM_CLOSE of @handle; 0 or -errno */
static inline int accel_gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	return ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c) ? -errno : 0;
}

/* Create a buffer of @size bytes on @fd and map it read-write; 0 or -errno */
static inline int accel_bo_new(int fd, uint64_t size, struct accel_bo *bo)
{
	struct drm_dummy_accel_bo_create c = { .size = size };
	int err;

	memset(bo, 0, sizeof(*bo));
	if (ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_BO_CREATE, &c))
		return -errno;
	bo->handle = c.handle;
	bo->size = size;
	bo->offset = c.offset;
	bo->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, c.offset);
	if (bo->map != MAP_FAILED)
		return 0;
	err = -errno;
	accel_gem_close(fd, c.handle);
	return err;
}

/* Unmap @bo and close its handle; 0 or -errno of the close */
static inline int accel_bo_free(int fd, struct accel_bo *bo)
{
	munmap(bo->map, bo->size);
	return accel_gem_close(fd, bo->handle);
}

/* DRM_IOCTL_SYNCOBJ_CREATE with @flags: the handle, or 0 (errno set) */
static inline uint32_t accel_syncobj_new(int fd, uint32_t flags)
{
	struct drm_syncobj_create c = { .flags = flags };

	return ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c) ? 0 : c.handle;
}

static inline int accel_syncobj_free(int fd, uint32_t handle)
{
	struct drm_syncobj_destroy d = { .handle = handle };

	return ioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d) ? -errno : 0;
}

/*
 * DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT for @point of syncobj @handle (0: a
 * binary one) with @flags, for at most ACCEL_WAIT_SECONDS: 0 or -errno
 * (-ETIME when it did not signal in time)
 */
#define ACCEL_WAIT_SECONDS	20
static inline int accel_syncobj_wait_flags(int fd, uint32_t handle, uint64_t point,
					   uint32_t flags)
{
	struct timespec now;
	struct drm_syncobj_timeline_wait w = {
		.handles = (uintptr_t)&handle, .points = (uintptr_t)&point,
		.count_handles = 1, .flags = flags,
	};

	clock_gettime(CLOCK_MONOTONIC, &now);
	w.timeout_nsec = (now.tv_sec + ACCEL_WAIT_SECONDS) * 1000000000LL + now.tv_nsec;
	return ioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w) ? -errno : 0;
}

/*
 * Whether the fence in binary syncobj @handle is still pending, without
 * waiting: 1, 0 once it signalled, or -errno (-EINVAL: no fence yet)
 */
static inline int accel_syncobj_pending(int fd, uint32_t handle)
{
	struct drm_syncobj_wait w = { .handles = (uintptr_t)&handle, .count_handles = 1 };

	if (!ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w))
		return 0;
	return errno == ETIME ? 1 : -errno;
}

/* Wait until @point of syncobj @handle has a fence, and it signalled */
static inline int accel_syncobj_wait(int fd, uint32_t handle, uint64_t point)
{
	return accel_syncobj_wait_flags(fd, handle, point,
					DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT);
}

/* GET_PARAM of @param on @fd: its value, or -errno */
static inline long long get_param(int fd, uint32_t param)
{
	struct drm_dummy_accel_get_param p = { .param = param };

	return ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p) ? -errno : (long long)p.value;
}

/*
 * The status of the fence in binary syncobj @handle, through a sync_file:
 * 1 signalled, 0 not yet, the fence's error (< 0), or -errno
 */
static inline int accel_fence_status(int fd, uint32_t handle)
{
	struct drm_syncobj_handle h = {
		.handle = handle, .flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE,
	};
	struct sync_file_info info = { 0 };
	int ret;

	if (ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h))
		return -errno;
	ret = ioctl(h.fd, SYNC_IOC_FILE_INFO, &info) ? -errno : info.status;
	close(h.fd);
	return ret;
}

/*
 * Submit @job on @fd and wait for its fence: 0, or -errno of the
 * submission or the wait, or the fence's error. When @result is not NULL the job gets an output
 * buffer of its own, and *@result what it wrote there. @job comes back as
 * it went.
 */
static inline int accel_job_wait(int fd, struct drm_dummy_accel_submit *job,
				 uint64_t *result)
{
	struct drm_dummy_accel_submit sent = *job;
	uint32_t sync = accel_syncobj_new(fd, 0);
	struct accel_bo out = { 0 };
	int err;

	if (!sync)
		return -errno;
	err = result ? accel_bo_new(fd, 4096, &out) : 0;
	if (!err) {
		if (result) {
			sent.out_handle = out.handle;
			sent.out_offset = 0;
		}
		sent.out_syncobj = (struct drm_dummy_accel_syncobj){ .handle = sync };
		err = ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &sent) ? -errno : 0;
	}
	if (!err)
		err = accel_syncobj_wait(fd, sync, 0);
	/* a job that did not run signals its fence with an error */
	if (!err)
		err = accel_fence_status(fd, sync);
	if (err == 1)
		err = 0;
	if (!err && result)
		*result = *(uint64_t *)out.map;
	if (out.map)
		accel_bo_free(fd, &out);
	accel_syncobj_free(fd, sync);
	return err;
}

/*
 * Run @op over the @n elements @vals on @fd as a client does: a buffer
 * created, mapped, filled, named in @job (whose other inputs the caller
 * set), the job waited for and the buffer closed; the result in *@result
 * unless it is NULL. 0 or -errno of the first step that failed.
 */
static inline int accel_submit_values(int fd, uint32_t op, const uint32_t *vals,
				      uint32_t n, struct drm_dummy_accel_submit *job,
				      uint64_t *result)
{
	struct accel_bo bo;
	int err;

	err = accel_bo_new(fd, n ? n * sizeof(*vals) : 4, &bo);
	if (err)
		return err;
	memcpy(bo.map, vals, n * sizeof(*vals));
	job->in_handle = bo.handle;
	job->count = n;
	job->op = op;
	err = accel_job_wait(fd, job, result);
	accel_bo_free(fd, &bo);
	return err;
}

/* Run a shell command made with printf's @fmt; system()'s status. */
static inline int accel_sh(const char *fmt, ...)
{
	char cmd[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Write @s to @path (sysfs, debugfs, procfs); 0 or -errno. */
static inline int accel_write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -errno;
	close(fd);
	return ret;
}

/* Number of entries of @dir whose name starts with @prefix; -1 if no @dir. */
static inline int accel_count_entries(const char *dir, const char *prefix)
{
	struct dirent *e;
	int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.' && !strncmp(e->d_name, prefix, strlen(prefix));
	closedir(d);
	return n;
}

/* Fault injection (Documentation/fault-injection/fault-injection.rst) */
#define ACCEL_FAIL_NTH	"/proc/thread-self/fail-nth"
#define ACCEL_FAILSLAB	"/sys/kernel/debug/failslab/"

/*
 * Make the @nth slab allocation of this thread fail (failslab must allow
 * it). fail-nth belongs to the thread and is not inherited: the caller
 * itself makes the allocations, after this. The fd for
 * accel_fail_nth_disarm(), or -errno.
 */
static inline int accel_fail_nth_arm(int nth)
{
	int fd = open(ACCEL_FAIL_NTH, O_RDWR | O_CLOEXEC);
	char count[16];

	if (fd < 0)
		return -errno;
	snprintf(count, sizeof(count), "%d", nth);
	if (write(fd, count, strlen(count)) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/*
 * Stop failing allocations and close @fd of accel_fail_nth_arm(): what is
 * left of the count, 0 once the nth allocation failed; or -errno.
 */
static inline int accel_fail_nth_disarm(int fd)
{
	char count[16];
	ssize_t n = pread(fd, count, sizeof(count) - 1, 0);
	int left = -EIO;

	if (n > 0) {
		count[n] = '\0';
		left = atoi(count);
	}
	if (write(fd, "0", 1) < 0)
		left = -EIO;
	close(fd);
	return left;
}

/*
 * Put failslab's knobs back as a test found them; an empty string is a
 * knob the test did not change. 0 or -errno.
 */
static inline int accel_failslab_restore(const char *ignore_gfp_wait,
					 const char *verbose)
{
	int ret = 0;

	if (ignore_gfp_wait[0])
		ret = accel_write_str(ACCEL_FAILSLAB "ignore-gfp-wait", ignore_gfp_wait);
	if (!ret && verbose[0])
		ret = accel_write_str(ACCEL_FAILSLAB "verbose", verbose);
	return ret;
}

/* Read the first line of @path into @buf; 0 or -errno. */
static inline int accel_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		ret = -EIO;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return ret;
}

#define ACCEL_NO_FAILSLAB "needs CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS"

/*
 * Read failslab's knobs, for accel_failslab_restore(): 0, or -1 when
 * fail-nth or the knobs are missing (ACCEL_NO_FAILSLAB says why).
 */
static inline int accel_failslab_save(char *ignore_gfp_wait, size_t ilen,
				      char *verbose, size_t vlen)
{
	if (access(ACCEL_FAIL_NTH, W_OK) ||
	    accel_read_line(ACCEL_FAILSLAB "ignore-gfp-wait", ignore_gfp_wait, ilen) ||
	    accel_read_line(ACCEL_FAILSLAB "verbose", verbose, vlen))
		return -1;
	return 0;
}

/*
 * /proc/self/fdinfo/@fd into @text, NUL-terminated, in one read: one call
 * of the kernel's show_fdinfo, so the lines belong together. Its length,
 * or -errno.
 */
static inline ssize_t accel_fdinfo_read(int fd, char *text, size_t len)
{
	char path[64];
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -errno;
	n = read(f, text, len - 1);
	if (n < 0)
		n = -errno;
	close(f);
	text[n < 0 ? 0 : n] = '\0';
	return n;
}

/*
 * The value of @key in @text, fdinfo as accel_fdinfo_read() gives it
 * (Documentation/gpu/drm-usage-stats.rst: "key:" then whitespace, then
 * the value), into @val: 0, or -1 when there is no such key.
 */
static inline int accel_fdinfo_value(const char *text, const char *key, char *val, size_t len)
{
	const char *line = text;
	size_t n = strlen(key);

	while (line) {
		if (!strncmp(line, key, n) && line[n] == ':') {
			line += n + 1 + strspn(line + n + 1, " \t");
			snprintf(val, len, "%.*s", (int)strcspn(line, "\n"), line);
			return 0;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}

/*
 * The value of @key in /proc/self/fdinfo/@fd into @val: 0, or -1 when the
 * file cannot be read or has no such key.
 */
static inline int accel_fdinfo(int fd, const char *key, char *val, size_t len)
{
	char text[4096];

	if (accel_fdinfo_read(fd, text, sizeof(text)) < 0)
		return -1;
	return accel_fdinfo_value(text, key, val, len);
}

/*
 * A number of fdinfo: the value of @key, which must be digits followed by
 * one space and @unit, or digits alone when @unit is "". -1 when the key
 * is missing or its value has another form.
 */
static inline long long accel_fdinfo_num(int fd, const char *key, const char *unit)
{
	char val[128], *end;
	unsigned long long v;

	if (accel_fdinfo(fd, key, val, sizeof(val)) || val[0] < '0' || val[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(val, &end, 10);
	if (errno || v > INT64_MAX)
		return -1;
	if (unit[0] ? end[0] != ' ' || strcmp(end + 1, unit) : end[0] != '\0')
		return -1;
	return v;
}

/* Does @path hold a line equal to @line? */
static inline int accel_file_has_line(const char *path, const char *line)
{
	char buf[256];
	FILE *f = fopen(path, "r");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		found = strcmp(buf, line) == 0;
	}
	fclose(f);
	return found;
}

/* The driver name DRM_IOCTL_VERSION reports, asked as libdrm does: lengths first. */
static inline int accel_driver_name(int fd, char *name, size_t len)
{
	struct drm_version v;

	memset(&v, 0, sizeof(v));
	if (ioctl(fd, DRM_IOCTL_VERSION, &v))
		return -errno;
	if (v.name_len >= len)
		return -ENAMETOOLONG;
	v.name = name;
	v.date_len = 0;
	v.desc_len = 0;
	if (ioctl(fd, DRM_IOCTL_VERSION, &v))
		return -errno;
	name[v.name_len] = '\0';
	return 0;
}

/*
 * Has kernel log line @msg a stack frame of DRM, of the accel core or of
 * dummy_accel ("drm_ioctl+0x12/0x30")?
 */
static inline int accel_names_ours(const char *msg)
{
	static const char * const prefix[] = { "drm_", "accel_", "dummy_accel_", NULL };
	const char *p, *end;
	int i;

	for (i = 0; prefix[i]; i++) {
		for (p = strstr(msg, prefix[i]); p; p = strstr(p + 1, prefix[i])) {
			/* the start of a name, not its middle */
			if (p > msg && (p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') ||
					(p[-1] >= '0' && p[-1] <= '9')))
				continue;
			for (end = p; *end == '_' || (*end >= 'a' && *end <= 'z') ||
			     (*end >= '0' && *end <= '9'); end++)
				;
			if (!strncmp(end, "+0x", 3))
				return 1;
		}
	}
	return 0;
}

/*
 * The kernel log from its end on: an fd of /dev/kmsg past the records
 * written so far, for accel_kernel_reports() to read what comes after;
 * -1 if the log cannot be read.
 */
static inline int accel_kmsg_mark(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * Number of records of the kernel log after the mark @fd (closed here;
 * -1 for the whole log) that report a bug (BUG, WARNING, Oops, KASAN,
 * leaks); -1 if the log cannot be read. Reports from before the mark,
 * the base kernel's at boot say, are not counted. A KCSAN report
 * (from "BUG: KCSAN:" to its closing line of "=") counts only if a line
 * of it names DRM, accel or dummy_accel code: a KCSAN kernel finds the
 * base kernel's own data races too, as make's boot check knows.
 */
static inline int accel_kernel_reports(int fd)
{
	static const char * const report[] = {
		"BUG:", "WARNING:", "Oops", "KASAN", "Call Trace", "unreferenced object",
		NULL
	};
	int kcsan = 0, ours = 0, n = 0;
	const char *msg;
	char rec[8192];
	ssize_t len;
	int i;

	if (fd < 0)
		fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	for (;;) {
		len = read(fd, rec, sizeof(rec) - 1);
		/* records overwritten before we read them: go on with the next */
		if (len < 0 && errno == EPIPE)
			continue;
		if (len <= 0)
			break;
		rec[len] = '\0';
		/* a record is "prefix;message" */
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		if (kcsan) {
			ours |= accel_names_ours(msg);
			if (msg[0] == '=') {
				n += ours;
				kcsan = 0;
			}
			continue;
		}
		if (strstr(msg, "BUG: KCSAN:")) {
			kcsan = 1;
			ours = accel_names_ours(msg);
			continue;
		}
		for (i = 0; report[i]; i++) {
			if (strstr(msg, report[i])) {
				n++;
				break;
			}
		}
	}
	/* a report cut short by the end of the log */
	n += kcsan && ours;
	/* the end of the log reads as EAGAIN */
	if (len < 0 && errno != EAGAIN)
		n = -1;
	close(fd);
	return n;
}

#define ACCEL_KMEMLEAK	"/sys/kernel/debug/kmemleak"

/* Write @cmd ("scan") to kmemleak; 0 or -errno (-ENOENT: no kmemleak). */
static inline int accel_kmemleak(const char *cmd)
{
	int fd = open(ACCEL_KMEMLEAK, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, cmd, strlen(cmd)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * A kmemleak measurement. Objects reported before it began are known: a
 * test never writes "clear" to kmemleak, which would hide them from the
 * scan a runner makes after the whole run.
 */
struct accel_kmemleak {
	unsigned long long *known;	/* addresses of the objects reported before */
	size_t nknown;
};

/* The address of the object whose report starts with @line, or 0. */
static inline unsigned long long accel_kmemleak_addr(const char *line)
{
	unsigned long long addr;

	if (sscanf(line, "unreferenced object 0x%llx", &addr) != 1)
		return 0;
	return addr;
}

static inline int accel_kmemleak_known(const struct accel_kmemleak *km,
				       unsigned long long addr)
{
	size_t i;

	for (i = 0; i < km->nknown; i++)
		if (km->known[i] == addr)
			return 1;
	return 0;
}

/* Remember every object the last scan reported; 0 or -errno. */
static inline int accel_kmemleak_record(struct accel_kmemleak *km)
{
	char line[256];
	FILE *f = fopen(ACCEL_KMEMLEAK, "r");
	unsigned long long addr, *known;
	int ret = 0;

	if (!f)
		return -errno;
	while (!ret && fgets(line, sizeof(line), f)) {
		addr = accel_kmemleak_addr(line);
		if (!addr || accel_kmemleak_known(km, addr))
			continue;
		known = realloc(km->known, (km->nknown + 1) * sizeof(*known));
		if (!known) {
			ret = -ENOMEM;
			break;
		}
		km->known = known;
		km->known[km->nknown++] = addr;
	}
	fclose(f);
	return ret;
}

/*
 * Number of objects the last kmemleak scan reported that were not known
 * when @km started, the first of their reports copied to stderr; -1 if
 * kmemleak cannot be read. Ends the measurement.
 */
static inline int accel_kmemleak_objects(struct accel_kmemleak *km)
{
	char line[256];
	FILE *f = fopen(ACCEL_KMEMLEAK, "r");
	int n = -1, lines = 0, new = 0;
	unsigned long long addr;

	if (f) {
		n = 0;
		while (fgets(line, sizeof(line), f)) {
			/* a report runs from its first line to the next one's */
			addr = accel_kmemleak_addr(line);
			if (addr) {
				new = !accel_kmemleak_known(km, addr);
				n += new;
			}
			if (new && lines++ < 60)
				fputs(line, stderr);
		}
		fclose(f);
	}
	free(km->known);
	km->known = NULL;
	km->nknown = 0;
	return n;
}

/*
 * Start a kmemleak measurement: have kmemleak report what is already
 * unreferenced (see accel_kmemleak_end() for why twice) and remember those
 * objects, so that only objects reported later count. Objects younger
 * than 5 s are still counted at the end. 0 or -errno (-ENOENT: no
 * kmemleak).
 */
static inline int accel_kmemleak_start(struct accel_kmemleak *km)
{
	int ret;

	km->known = NULL;
	km->nknown = 0;
	ret = accel_kmemleak("scan");
	if (!ret)
		ret = accel_kmemleak("scan");
	return ret ? ret : accel_kmemleak_record(km);
}

/*
 * End it: objects younger than 5 s are never reported, and a scan that
 * first sees an object only records its checksum; the second reports it.
 * Waits the 5 s even without kmemleak (and then returns -ENOENT); then
 * accel_kmemleak_objects() counts what is new.
 */
static inline int accel_kmemleak_end(void)
{
	int ret;

	sleep(6);
	ret = accel_kmemleak("scan");
	return ret ? ret : accel_kmemleak("scan");
}

/*
 * Does the kernel keep freed objects in KASAN's quarantine (generic
 * KASAN), where they count as slab until they leave it? 1, 0, or -1 if
 * /proc/kallsyms cannot be read.
 */
static inline int accel_kasan_quarantine(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[256];
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = !!strstr(line, " kasan_quarantine_put\n");
	fclose(f);
	return found;
}

/*
 * Have every slab cache give back its empty slabs (/sys/kernel/slab/
 * NAME/shrink), so that two SUnreclaim figures differ by what is held,
 * not by the free objects that caches keep; 0 or -errno (-ENOENT: a
 * kernel without SLUB's sysfs). Slow under KASAN, whose quarantine holds
 * freed objects anyway.
 */
static inline int accel_slab_shrink(void)
{
	DIR *d = opendir("/sys/kernel/slab");
	char path[PATH_MAX];
	struct dirent *e;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", e->d_name);
		/* aliases and caches without the file: nothing to do */
		accel_write_str(path, "1");
	}
	closedir(d);
	return 0;
}

/* The "SUnreclaim:" figure of /proc/meminfo in kB, or -1. */
static inline long accel_slab_kb(void)
{
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");
	long kb = -1;

	if (!f)
		return -1;
	while (kb < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "SUnreclaim: %ld kB", &kb) != 1)
			kb = -1;
	fclose(f);
	return kb;
}

/*
 * The slab objects in use, in kB: each cache's active objects times their
 * size (/proc/slabinfo, read after accel_slab_shrink() has flushed the
 * CPUs' slabs). Unlike SUnreclaim it ignores the pages that partly used
 * slabs keep: what a leak holds is objects. -1 without /proc/slabinfo.
 */
static inline long accel_slab_objects_kb(void)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	unsigned long long bytes = 0;
	long active, num, size;
	char line[512], name[64];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld %ld %ld", name, &active, &num, &size) == 4)
			bytes += (unsigned long long)active * size;
	fclose(f);
	return bytes / 1024;
}

/*
 * Objects freed after an RCU grace period or by deferred work still count
 * right after a run: while the figure @now (kB) is @bound or more above
 * @before, take @figure() again every 2 s, for up to 10 s, shrinking the
 * caches first when @shrink. The last figure (<= 0: unreadable); the
 * seconds waited go to *@waited.
 */
static inline long accel_slab_settle(long (*figure)(void), long now, long before,
				     long bound, int shrink, int *waited)
{
	for (*waited = 0; now > 0 && now - before >= bound && *waited < 10; ) {
		sleep(2);
		*waited += 2;
		if (shrink)
			accel_slab_shrink();
		now = figure();
	}
	return now;
}

/* The kernel log from now on, for accel_kmsg_find(); an fd or -1. */
static inline int accel_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Has a line holding @text been logged since accel_kmsg_open()? */
static inline int accel_kmsg_find(int fd, const char *text)
{
	char rec[1024];
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		/* records overwritten before we read them: go on with the next */
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			return 0;
		rec[n] = '\0';
		if (strstr(rec, text))
			return 1;
	}
}

/* Is module @name loaded? */
static inline int accel_module_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return access(path, F_OK) == 0;
}

/*
 * Does line @line of a modules.dep or modules.builtin name module @name?
 * Lines start with the path of the module, relative to the modules
 * directory, ended by ':' in modules.dep and by the end of the line in
 * modules.builtin. The file may be compressed: <name>.ko.xz, say.
 */
static inline int accel_names_module(const char *line, const char *name)
{
	size_t len = strcspn(line, ":\n"), n = strlen(name);
	const char *base = line;
	size_t i;

	for (i = 0; i < len; i++)
		if (line[i] == '/')
			base = line + i + 1;
	len -= base - line;
	if (len < n + 3 || strncmp(base, name, n) || strncmp(base + n, ".ko", 3))
		return 0;
	return len == n + 3 || base[n + 3] == '.';
}

/*
 * Find module @name in file @list (modules.dep or modules.builtin) of the
 * modules of kernel @release; with @path, store its absolute path there.
 * 0 if found, -ENOENT if not, or another -errno.
 */
static inline int accel_find_module(const char *release, const char *list,
				    const char *name, char *path, size_t len)
{
	char file[PATH_MAX], line[1024];
	int ret = -ENOENT;
	FILE *f;

	snprintf(file, sizeof(file), "/lib/modules/%s/%s", release, list);
	f = fopen(file, "r");
	if (!f)
		return -errno;
	while (ret && fgets(line, sizeof(line), f)) {
		if (!accel_names_module(line, name))
			continue;
		ret = 0;
		if (path)
			snprintf(path, len, "/lib/modules/%s/%.*s", release,
				 (int)strcspn(line, ":\n"), line);
	}
	fclose(f);
	return ret;
}

/* Is the dummy_accel module loaded? */
static inline int accel_dummy_loaded(void)
{
	return accel_module_loaded(DUMMY_NAME);
}

/* Index N of the first /dev/accel/accelN driven by dummy_accel, or -1. */
static inline int accel_find_dummy(void)
{
	char path[64], name[64];
	int i, fd, found = -1;

	for (i = 0; i < ACCEL_MINORS && found < 0; i++) {
		snprintf(path, sizeof(path), "/dev/accel/accel%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!accel_driver_name(fd, name, sizeof(name)) &&
		    !strcmp(name, DUMMY_NAME))
			found = i;
		close(fd);
	}
	return found;
}

/*
 * Open the first dummy_accel node for a test: its fd and, through @index,
 * its N. When the system lacks what the test needs (an accel device,
 * dummy_accel, or, for a user other than root, the permission to open the
 * node), -1 with @why saying what, for the test to skip on. Otherwise
 * *@why is NULL whatever happens: with dummy_accel loaded, a missing node
 * or an open failing for another reason than EACCES or EPERM is a failure
 * of the test, not a reason to skip it.
 */
static inline int accel_open_dummy(int *index, const char **why)
{
	char node[64];
	int fd;

	*index = -1;
	if (!accel_dummy_loaded()) {
		*why = access("/dev/accel", F_OK) ?
		       "no /dev/accel: no accel device here (modprobe dummy_accel)" :
		       "dummy_accel is not loaded (modprobe dummy_accel)";
		return -1;
	}
	*why = NULL;
	*index = accel_find_dummy();
	if (*index < 0)
		return -1;
	snprintf(node, sizeof(node), "/dev/accel/accel%d", *index);
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	/*
	 * The user may not open the node (its mode, a udev rule): not a
	 * failure of the code tested. Any other error is one.
	 */
	if (geteuid() != 0 && (errno == EACCES || errno == EPERM))
		*why = "needs root, or a udev rule that opens the node to this user";
	return -1;
}

/* The node /dev/accel/accel@index opened read-write; an fd or -1. */
static inline int accel_open_index(int index)
{
	char node[64];

	snprintf(node, sizeof(node), "/dev/accel/accel%d", index);
	return open(node, O_RDWR | O_CLOEXEC);
}

/* Does the node at @path open, and VERSION name dummy_accel? 0 or -errno. */
static inline int accel_node_works(const char *path)
{
	char name[64];
	int fd, ret;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = accel_driver_name(fd, name, sizeof(name));
	if (!ret && strcmp(name, DUMMY_NAME))
		ret = -EINVAL;
	close(fd);
	return ret;
}

/* Does node @index open, and VERSION name dummy_accel? 0 or -errno. */
static inline int accel_index_works(int index)
{
	char node[64];

	snprintf(node, sizeof(node), "/dev/accel/accel%d", index);
	return accel_node_works(node);
}

/* The platform device (dummy_accel.K) behind accel node @index; 0 or -errno. */
static inline int accel_platform_name(int index, char *name, size_t len)
{
	char link[96], target[256];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/class/accel/accel%d/device", index);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	snprintf(name, len, "%s", strrchr(target, '/') + 1);
	return 0;
}

/* N of the accelN under platform device @pdev; -errno if it has none. */
static inline int accel_pdev_index(const char *pdev)
{
	char dir[128];
	struct dirent *e;
	int index = -ENOENT;
	DIR *d;

	snprintf(dir, sizeof(dir), "/sys/bus/platform/devices/%s/accel", pdev);
	d = opendir(dir);
	if (!d)
		return -errno;
	while (index < 0 && (e = readdir(d)))
		if (sscanf(e->d_name, "accel%d", &index) != 1)
			index = -ENOENT;
	closedir(d);
	return index;
}

/* The lowest N with no accelN in the class: the next device's; -1 if none. */
static inline int accel_lowest_free_index(void)
{
	char path[64];
	int i;

	for (i = 0; i < ACCEL_MINORS; i++) {
		snprintf(path, sizeof(path), "/sys/class/accel/accel%d", i);
		if (access(path, F_OK))
			return i;
	}
	return -1;
}

/* Is debugfs mounted at /sys/kernel/debug (as /proc/mounts says)? */
static inline int accel_debugfs_mounted(void)
{
	char dev[64], dir[256], type[64];
	FILE *f = fopen("/proc/mounts", "r");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fscanf(f, "%63s %255s %63s%*[^\n]", dev, dir, type) == 3)
		found = !strcmp(dir, "/sys/kernel/debug") && !strcmp(type, "debugfs");
	fclose(f);
	return found;
}

/*
 * Why the tests cannot run here, or NULL: they need root and a dummy_accel
 * module that modprobe finds for the running kernel, in its modules.dep.
 */
static inline const char *accel_module_missing(void)
{
	static char why[256];
	char dep[128];
	struct utsname u;

	if (geteuid() != 0)
		return "needs root: it loads and unloads modules, binds and unbinds devices";
	if (uname(&u))
		return "uname() failed";
	snprintf(dep, sizeof(dep), "/lib/modules/%s/modules.dep", u.release);
	if (access(dep, F_OK)) {
		snprintf(why, sizeof(why), "no %s: no modules installed for this kernel", dep);
		return why;
	}
	if (!accel_find_module(u.release, "modules.dep", DUMMY_NAME, NULL, 0))
		return NULL;
	snprintf(why, sizeof(why), "%s lists no " DUMMY_NAME ".ko (CONFIG_DRM_ACCEL_DUMMY=m)", dep);
	return why;
}

/* Load dummy_accel anew with @params: 0 or the failing command's status */
static inline int accel_reload(const char *params)
{
	if (accel_dummy_loaded() && accel_sh("rmmod " DUMMY_NAME))
		return -1;
	return accel_sh("modprobe " DUMMY_NAME " %s", params);
}

#endif /* ACCEL_UTIL_H */
