/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the accel selftests: finding the dummy_accel device,
 * reading sysfs, DRM_IOCTL_VERSION the way libdrm calls it, and checking
 * the kernel log for reports.
 */
#ifndef ACCEL_UTIL_H
#define ACCEL_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <drm/drm.h>

#define ACCEL_MAJOR	261
#define ACCEL_MINORS	256
#define DUMMY_NAME	"dummy_accel"

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

/* What a kernel report starts with: BUG, WARNING, Oops, KASAN, leaks */
#define ACCEL_REPORTS "BUG:|WARNING:|Oops|KASAN|Call Trace|unreferenced object"

/* Number of lines of the kernel log that report a bug. */
static inline int accel_kernel_reports(void)
{
	FILE *p = popen("dmesg | grep -cE '" ACCEL_REPORTS "'", "r");
	int n = -1;

	if (!p)
		return -1;
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}

#define ACCEL_KMEMLEAK	"/sys/kernel/debug/kmemleak"

/* Write @cmd (clear, scan) to kmemleak; 0 or -errno (-ENOENT: no kmemleak). */
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
 * Number of objects the last kmemleak scan found unreferenced, the first
 * reports copied to stderr; -1 if kmemleak cannot be read.
 */
static inline int accel_kmemleak_objects(void)
{
	char line[256];
	FILE *f = fopen(ACCEL_KMEMLEAK, "r");
	int n = 0, lines = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		n += !strncmp(line, "unreferenced object", 19);
		if (lines++ < 60)
			fputs(line, stderr);
	}
	fclose(f);
	return n;
}

/*
 * Start a kmemleak measurement: report what is already unreferenced (see
 * accel_kmemleak_end() for why twice), then forget it. Objects younger
 * than 5 s are still counted at the end. 0 or -errno (-ENOENT: no
 * kmemleak).
 */
static inline int accel_kmemleak_start(void)
{
	int ret = accel_kmemleak("scan");

	if (!ret)
		ret = accel_kmemleak("scan");
	return ret ? ret : accel_kmemleak("clear");
}

/*
 * End it: objects younger than 5 s are never reported, and a scan that
 * first sees an object only records its checksum; the second reports it.
 * Waits the 5 s even without kmemleak (and then returns -ENOENT).
 */
static inline int accel_kmemleak_end(void)
{
	int ret;

	sleep(6);
	ret = accel_kmemleak("scan");
	return ret ? ret : accel_kmemleak("scan");
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

/* Is the dummy_accel module loaded? */
static inline int accel_dummy_loaded(void)
{
	return access("/sys/module/" DUMMY_NAME, F_OK) == 0;
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
 * its N; or -1 with @why saying what is missing for the test to skip on.
 */
static inline int accel_open_dummy(int *index, const char **why)
{
	char node[64];

	*index = -1;
	*why = "needs root";
	if (geteuid() != 0)
		return -1;
	*why = "no /dev/accel/accelN driven by dummy_accel (modprobe dummy_accel)";
	*index = accel_find_dummy();
	if (*index < 0)
		return -1;
	snprintf(node, sizeof(node), "/dev/accel/accel%d", *index);
	return open(node, O_RDWR | O_CLOEXEC);
}

#endif /* ACCEL_UTIL_H */
