// SPDX-License-Identifier: GPL-2.0-only
/*
 * The core ioctls of 32-bit processes on a 64-bit kernel: drm_compat_ioctl()
 * converts the arguments of some core ioctls itself and calls their
 * handlers without drm_ioctl(), so it must apply the accel allow-list on
 * its own. Built only with CONFIG_COMPAT.
 */

#include <kunit/test.h>
#include <linux/fs.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <drm/drm.h>
#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>

#include "accel_kunit_helpers.h"

/* Core ioctls that drm_ioc32.c converts and an accel file may not use */
static const unsigned int accel_compat_refused[] = {
	DRM_IOCTL_GET_UNIQUE,
	DRM_IOCTL_GET_CLIENT,
	DRM_IOCTL_GET_STATS,
	DRM_IOCTL_SET_UNIQUE,
	DRM_IOCTL_WAIT_VBLANK,
	DRM_IOCTL_MODE_ADDFB2,
};

static void accel_compat_refused_desc(const unsigned int *cmd, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "nr_0x%02x", _IOC_NR(*cmd));
}

KUNIT_ARRAY_PARAM(accel_compat_refused, accel_compat_refused,
		  accel_compat_refused_desc);

/* An open accel file of a new device and a zeroed user page, or a skip. */
static struct file *accel_test_compat_file(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);
	struct accel_test *t = test->priv;
	struct file *f;
	int ret;

	ret = accel_test_attach_mm(test);
	if (ret)
		kunit_skip(test, "no user address space for the argument (%d)", ret);
	f = accel_test_open(test, dev->accel->index, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	KUNIT_ASSERT_NOT_NULL(test, f->f_op->compat_ioctl);
	KUNIT_ASSERT_EQ(test, 0UL, clear_user((void __user *)t->user_page, PAGE_SIZE));
	return f;
}

static void accel_test_compat_ioctl_refused(struct kunit *test)
{
	const unsigned int *cmd = test->param_value;
	struct accel_test *t = test->priv;
	struct file *f = accel_test_compat_file(test);

	KUNIT_EXPECT_EQ(test, -EACCES, f->f_op->compat_ioctl(f, *cmd, t->user_page));
}

/* Unplugged, as natively: -ENODEV, not the allow-list's -EACCES */
static void accel_test_compat_ioctl_unplugged(struct kunit *test)
{
	const unsigned int *cmd = test->param_value;
	struct accel_test *t = test->priv;
	struct file *f = accel_test_compat_file(test);
	struct drm_file *file = f->private_data;

	drm_dev_unplug(file->minor->dev);
	KUNIT_EXPECT_EQ(test, -ENODEV, f->f_op->compat_ioctl(f, *cmd, t->user_page));
}

/*
 * An ioctl of another type whose number has a compat handler (1 is
 * GET_UNIQUE's) is not DRM's: -ENOTTY, as drm_ioctl() says natively.
 */
static void accel_test_compat_ioctl_other_type(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct file *f = accel_test_compat_file(test);

	KUNIT_EXPECT_EQ(test, -ENOTTY, f->f_op->compat_ioctl(f, _IOWR('x', 1, u64), t->user_page));
}

/* struct drm_version as a 32-bit process lays it out: pointers are __u32 */
struct accel_test_version32 {
	int version_major;
	int version_minor;
	int version_patchlevel;
	u32 name_len;
	u32 name;
	u32 date_len;
	u32 date;
	u32 desc_len;
	u32 desc;
};

static void accel_test_compat_ioctl_version(struct kunit *test)
{
	unsigned int cmd = _IOWR(DRM_IOCTL_BASE, _IOC_NR(DRM_IOCTL_VERSION),
				 struct accel_test_version32);
	struct accel_test *t = test->priv;
	struct file *f = accel_test_compat_file(test);
	struct accel_test_version32 v;

	KUNIT_ASSERT_EQ(test, 0L, f->f_op->compat_ioctl(f, cmd, t->user_page));
	KUNIT_ASSERT_EQ(test, 0UL, copy_from_user(&v, (void __user *)t->user_page, sizeof(v)));
	KUNIT_EXPECT_EQ(test, strlen(accel_test_driver.name), (size_t)v.name_len);
}

static struct kunit_case accel_compat_cases[] = {
	KUNIT_CASE_PARAM(accel_test_compat_ioctl_refused, accel_compat_refused_gen_params),
	KUNIT_CASE(accel_test_compat_ioctl_version),
	KUNIT_CASE(accel_test_compat_ioctl_other_type),
	KUNIT_CASE_PARAM(accel_test_compat_ioctl_unplugged, accel_compat_refused_gen_params),
	{}
};

static struct kunit_suite accel_compat_suite = {
	.name = "accel_compat",
	.init = accel_test_init,
	.exit = accel_test_exit,
	.test_cases = accel_compat_cases,
};

kunit_test_suites(&accel_compat_suite);
