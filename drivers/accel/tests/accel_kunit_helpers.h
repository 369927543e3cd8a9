/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the accel KUnit suites share: struct accel_test, which each test
 * case gets as test->priv from accel_test_init() and which
 * accel_test_exit() tears down even after a failed ASSERT (every release
 * has finished when it returns), and the helpers that create devices and
 * open their nodes.
 */
#ifndef _ACCEL_KUNIT_HELPERS_H_
#define _ACCEL_KUNIT_HELPERS_H_

#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/types.h>

struct device;
struct drm_device;
struct drm_driver;
struct file;
struct kunit;
struct mm_struct;
struct vfsmount;

#define ACCEL_TEST_MAX_FILES	8
/* Enough for every accel minor and one device over the limit */
#define ACCEL_TEST_MAX_DEVS	(ACCEL_MAX_MINORS + 2)

/*
 * The test driver's PRIME hooks return this: an allowed PRIME ioctl must
 * reach the driver, which says so with an error no core path returns.
 */
#define ACCEL_TEST_REACHED_DRIVER	(-EXDEV)

/* Everything a test made; accel_test_exit() frees it even after an ASSERT. */
struct accel_test {
	struct device *parent;
	struct vfsmount *mnt;
	struct drm_device **devs;
	unsigned int ndevs;
	struct file *files[ACCEL_TEST_MAX_FILES];
	unsigned int nfiles;
	atomic_t opens;
	atomic_t postcloses;
	/* a user address space for ioctl arguments, see accel_test_attach_mm() */
	struct mm_struct *mm;
	unsigned long user_page;
	/* accel_test_core_init_failure() took the core down / held its major */
	bool core_down;
	bool major_held;
};

/* A DRIVER_COMPUTE_ACCEL driver counting its opens and postcloses */
extern const struct drm_driver accel_test_driver;
extern const struct file_operations accel_test_fops;
/* A GPU driver: primary and render minors, DRM's own file operations */
extern const struct drm_driver accel_test_gpu_driver;
extern const struct file_operations accel_test_gpu_fops;

int accel_test_init(struct kunit *test);
void accel_test_exit(struct kunit *test);

struct drm_device *accel_test_dev_alloc(struct kunit *test,
					const struct drm_driver *drv);
struct drm_device *accel_test_dev_register_driver(struct kunit *test,
						  const struct drm_driver *drv);
struct drm_device *accel_test_dev_register(struct kunit *test);
struct drm_device *accel_test_dev_register_lowest(struct kunit *test,
						  int *lowest);
void accel_test_dev_put(struct kunit *test, struct drm_device *dev);
int accel_test_class_devices(struct drm_device *dev);

struct file *accel_test_open_node(struct vfsmount *mnt, unsigned int index,
				  int flags);
struct file *accel_test_open_devt_kept(struct kunit *test, const char *name,
				       dev_t devt, int flags);
struct file *accel_test_open(struct kunit *test, unsigned int index,
			     int flags);
void accel_test_close(struct kunit *test, struct file *f);
struct file *accel_test_open_path(struct kunit *test, dev_t devt);

long accel_test_ioctl(struct file *f, unsigned int cmd);
int accel_test_attach_mm(struct kunit *test);
long accel_test_ioctl_zeroed(struct kunit *test, struct file *f,
			     unsigned int cmd);
unsigned int accel_test_log_lines(const char *text, unsigned int *errors);

#endif /* _ACCEL_KUNIT_HELPERS_H_ */
