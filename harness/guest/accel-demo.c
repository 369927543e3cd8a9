// SPDX-License-Identifier: GPL-2.0
/*
 * The demo of make run, run as root in the booted guest after /init has
 * loaded dummy_accel: show the node, its sysfs device, what
 * DRM_IOCTL_VERSION answers on it, then unload the module and show the
 * node is gone. With --builtin, in a kernel with DRM and dummy_accel built
 * in: no module is loaded, and the device goes away by an unbind. Each step prints what it checked; exit 0 only if all did
 * what they printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <drm/drm.h>

#define NODE "/dev/accel/accel0"
#define SYSFS "/sys/class/accel/accel0"

static int failed;

static void step(int n, const char *what, int ok)
{
	printf("  [%d] %-58s %s\n", n, what, ok ? "ok" : "FAILED");
	fflush(stdout);
	if (!ok)
		failed = 1;
}

/* Show what a shell command prints; its status is for the steps to judge. */
static int run(const char *cmd)
{
	printf("      $ %s\n", cmd);
	fflush(stdout);
	return system(cmd);
}

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, len, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int show_version(int fd)
{
	struct drm_version v;
	char name[64] = "", date[64] = "", desc[128] = "";

	memset(&v, 0, sizeof(v));
	if (ioctl(fd, DRM_IOCTL_VERSION, &v))
		return -1;
	if (v.name_len >= sizeof(name) || v.date_len >= sizeof(date) ||
	    v.desc_len >= sizeof(desc))
		return -1;
	v.name = name;
	v.date = date;
	v.desc = desc;
	if (ioctl(fd, DRM_IOCTL_VERSION, &v))
		return -1;
	printf("      DRM_IOCTL_VERSION: name \"%s\" version %d.%d.%d date %s desc \"%s\"\n",
	       name, v.version_major, v.version_minor, v.version_patchlevel,
	       date, desc);
	return strcmp(name, "dummy_accel");
}

/* dummy_accel is part of the kernel: not a module, with no module loaded */
static int built_in(void)
{
	char line[256];
	FILE *f = fopen("/proc/modules", "r");
	int modules = 0;

	if (f) {
		while (fgets(line, sizeof(line), f))
			modules++;
		fclose(f);
	}
	printf("      /proc/modules: %d modules loaded\n", modules);
	return access("/sys/module/dummy_accel", F_OK) == 0 &&
	       access("/sys/module/dummy_accel/refcnt", F_OK) != 0 && modules == 0;
}

int main(int argc, char **argv)
{
	int builtin = argc > 1 && !strcmp(argv[1], "--builtin");
	char path[PATH_MAX], dev[32];
	struct stat st;
	int fd;

	if (builtin)
		step(1, "dummy_accel is built in, and no module is loaded", built_in());
	else
		step(1, "dummy_accel is loaded", access("/sys/module/dummy_accel", F_OK) == 0);

	run("ls -l /dev/accel");
	step(2, NODE " is char device 261:0, mode 0600",
	     stat(NODE, &st) == 0 && S_ISCHR(st.st_mode) &&
	     major(st.st_rdev) == 261 && minor(st.st_rdev) == 0 &&
	     (st.st_mode & 07777) == 0600);

	if (!realpath(SYSFS, path))
		strcpy(path, "(missing)");
	printf("      sysfs: %s\n", path);
	step(3, "sysfs device is <parent>/accel/accel0", strstr(path, "/dummy_accel.0/accel/accel0") != NULL);

	if (read_line(SYSFS "/dev", dev, sizeof(dev)))
		strcpy(dev, "(missing)");
	printf("      %s/dev: %s\n", SYSFS, dev);
	step(4, "its dev is 261:0", strcmp(dev, "261:0") == 0);

	fd = open(NODE, O_RDWR | O_CLOEXEC);
	step(5, "open " NODE, fd >= 0);
	step(6, "DRM_IOCTL_VERSION names dummy_accel", fd >= 0 && show_version(fd) == 0);
	step(7, "close", fd >= 0 && close(fd) == 0);

	if (builtin) {
		/* a built-in driver's device goes away when it is unbound */
		step(8, "unbind dummy_accel.0",
		     run("echo dummy_accel.0 >/sys/bus/platform/drivers/dummy_accel/unbind") == 0);
	} else {
		step(8, "rmmod dummy_accel", run("rmmod dummy_accel") == 0);
	}
	run("ls -l /dev/accel 2>&1");
	step(9, "the node and the sysfs device are gone",
	     stat(NODE, &st) != 0 && errno == ENOENT && access(SYSFS, F_OK) != 0);

	printf("  %s\n", failed ? "demo FAILED" : "demo passed: /dev/accel/accel0 works");
	return failed;
}
