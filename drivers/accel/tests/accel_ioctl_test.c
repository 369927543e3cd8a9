// SPDX-License-Identifier: GPL-2.0-only
/*
 * The core DRM ioctls on an accel file: every one of them is either
 * allowed or refused with -EACCES before its handler runs. And the
 * driver's ioctls: what their DRM_* flags mean on an accel file.
 */

#include <kunit/test.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_ioctl.h>

#include "accel_kunit_helpers.h"

struct accel_test_ioctl_case {
	const char *name;
	unsigned int cmd;
	/* the result with a zeroed argument: the handler's, or -EACCES */
	int result;
};

/* The test driver has neither GEM nor syncobj, but PRIME stubs. */
#define ALLOW(ioctl, result)	{ #ioctl, ioctl, result }
#define REFUSE(ioctl)		{ #ioctl, ioctl, -EACCES }

/*
 * Every core DRM ioctl of Linux 6.1 but the legacy ones, which
 * accel_test_ioctl_core_legacy covers. An ioctl added to the core without
 * a line here fails accel_test_ioctl_core_end.
 */
static const struct accel_test_ioctl_case accel_test_ioctl_cases[] = {
	ALLOW(DRM_IOCTL_VERSION, 0),
	REFUSE(DRM_IOCTL_GET_UNIQUE),
	REFUSE(DRM_IOCTL_GET_MAGIC),
	REFUSE(DRM_IOCTL_GET_CLIENT),
	REFUSE(DRM_IOCTL_GET_STATS),
	ALLOW(DRM_IOCTL_GET_CAP, -EOPNOTSUPP),
	REFUSE(DRM_IOCTL_SET_CLIENT_CAP),
	REFUSE(DRM_IOCTL_SET_VERSION),
	REFUSE(DRM_IOCTL_SET_UNIQUE),
	REFUSE(DRM_IOCTL_BLOCK),
	REFUSE(DRM_IOCTL_UNBLOCK),
	REFUSE(DRM_IOCTL_AUTH_MAGIC),
	REFUSE(DRM_IOCTL_SET_MASTER),
	REFUSE(DRM_IOCTL_DROP_MASTER),
	REFUSE(DRM_IOCTL_ADD_DRAW),
	REFUSE(DRM_IOCTL_RM_DRAW),
	REFUSE(DRM_IOCTL_FINISH),
	REFUSE(DRM_IOCTL_WAIT_VBLANK),
	REFUSE(DRM_IOCTL_MODESET_CTL),
	REFUSE(DRM_IOCTL_UPDATE_DRAW),
	ALLOW(DRM_IOCTL_GEM_CLOSE, -EOPNOTSUPP),
	REFUSE(DRM_IOCTL_GEM_FLINK),
	REFUSE(DRM_IOCTL_GEM_OPEN),
	REFUSE(DRM_IOCTL_MODE_GETRESOURCES),
	ALLOW(DRM_IOCTL_PRIME_HANDLE_TO_FD, ACCEL_TEST_REACHED_DRIVER),
	ALLOW(DRM_IOCTL_PRIME_FD_TO_HANDLE, ACCEL_TEST_REACHED_DRIVER),
	REFUSE(DRM_IOCTL_MODE_GETPLANERESOURCES),
	REFUSE(DRM_IOCTL_MODE_GETCRTC),
	REFUSE(DRM_IOCTL_MODE_SETCRTC),
	REFUSE(DRM_IOCTL_MODE_GETPLANE),
	REFUSE(DRM_IOCTL_MODE_SETPLANE),
	REFUSE(DRM_IOCTL_MODE_CURSOR),
	REFUSE(DRM_IOCTL_MODE_GETGAMMA),
	REFUSE(DRM_IOCTL_MODE_SETGAMMA),
	REFUSE(DRM_IOCTL_MODE_GETENCODER),
	REFUSE(DRM_IOCTL_MODE_GETCONNECTOR),
	REFUSE(DRM_IOCTL_MODE_ATTACHMODE),
	REFUSE(DRM_IOCTL_MODE_DETACHMODE),
	REFUSE(DRM_IOCTL_MODE_GETPROPERTY),
	REFUSE(DRM_IOCTL_MODE_SETPROPERTY),
	REFUSE(DRM_IOCTL_MODE_GETPROPBLOB),
	REFUSE(DRM_IOCTL_MODE_GETFB),
	REFUSE(DRM_IOCTL_MODE_GETFB2),
	REFUSE(DRM_IOCTL_MODE_ADDFB),
	REFUSE(DRM_IOCTL_MODE_ADDFB2),
	REFUSE(DRM_IOCTL_MODE_RMFB),
	REFUSE(DRM_IOCTL_MODE_PAGE_FLIP),
	REFUSE(DRM_IOCTL_MODE_DIRTYFB),
	REFUSE(DRM_IOCTL_MODE_CREATE_DUMB),
	REFUSE(DRM_IOCTL_MODE_MAP_DUMB),
	REFUSE(DRM_IOCTL_MODE_DESTROY_DUMB),
	REFUSE(DRM_IOCTL_MODE_OBJ_GETPROPERTIES),
	REFUSE(DRM_IOCTL_MODE_OBJ_SETPROPERTY),
	REFUSE(DRM_IOCTL_MODE_CURSOR2),
	REFUSE(DRM_IOCTL_MODE_ATOMIC),
	REFUSE(DRM_IOCTL_MODE_CREATEPROPBLOB),
	REFUSE(DRM_IOCTL_MODE_DESTROYPROPBLOB),
	ALLOW(DRM_IOCTL_SYNCOBJ_CREATE, -EOPNOTSUPP),
	ALLOW(DRM_IOCTL_SYNCOBJ_DESTROY, -EOPNOTSUPP),
	ALLOW(DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, -EOPNOTSUPP),
	ALLOW(DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, -EOPNOTSUPP),
	ALLOW(DRM_IOCTL_SYNCOBJ_TRANSFER, -EOPNOTSUPP),
	ALLOW(DRM_IOCTL_SYNCOBJ_WAIT, -EOPNOTSUPP),
	ALLOW(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, -EOPNOTSUPP),
	ALLOW(DRM_IOCTL_SYNCOBJ_RESET, -EOPNOTSUPP),
	ALLOW(DRM_IOCTL_SYNCOBJ_SIGNAL, -EOPNOTSUPP),
	ALLOW(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, -EOPNOTSUPP),
	ALLOW(DRM_IOCTL_SYNCOBJ_QUERY, -EOPNOTSUPP),
	REFUSE(DRM_IOCTL_CRTC_GET_SEQUENCE),
	REFUSE(DRM_IOCTL_CRTC_QUEUE_SEQUENCE),
	REFUSE(DRM_IOCTL_MODE_CREATE_LEASE),
	REFUSE(DRM_IOCTL_MODE_LIST_LESSEES),
	REFUSE(DRM_IOCTL_MODE_GET_LEASE),
	REFUSE(DRM_IOCTL_MODE_REVOKE_LEASE),
};

static void accel_test_ioctl_desc(const struct accel_test_ioctl_case *c,
				  char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(accel_test_ioctl, accel_test_ioctl_cases, accel_test_ioctl_desc);

static struct file *accel_test_open_new(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);
	struct file *f = accel_test_open(test, dev->accel->index, O_RDWR);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	return f;
}

static bool accel_test_ioctl_known(unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(accel_test_ioctl_cases); i++)
		if (DRM_IOCTL_NR(accel_test_ioctl_cases[i].cmd) == nr)
			return true;
	return false;
}

/* A refused ioctl fails before its argument is even read. */
static void accel_test_ioctl_core(struct kunit *test)
{
	const struct accel_test_ioctl_case *c = test->param_value;
	struct file *f = accel_test_open_new(test);
	int ret = accel_test_attach_mm(test);

	if (c->result == -EACCES && ret) {
		KUNIT_EXPECT_EQ(test, -EACCES, accel_test_ioctl(f, c->cmd));
		return;
	}
	if (ret)
		kunit_skip(test, "no user address space for the argument (%d)", ret);
	KUNIT_EXPECT_EQ(test, c->result, accel_test_ioctl_zeroed(test, f, c->cmd));
}

/* Every other core number (legacy and unused) is refused too. */
static void accel_test_ioctl_core_legacy(struct kunit *test)
{
	struct file *f = accel_test_open_new(test);
	unsigned int nr, last = DRM_IOCTL_NR(DRM_IOCTL_MODE_GETFB2);

	for (nr = 0; nr <= last; nr++) {
		if (nr >= DRM_COMMAND_BASE && nr < DRM_COMMAND_END)
			continue;
		if (accel_test_ioctl_known(nr))
			continue;
		KUNIT_EXPECT_EQ_MSG(test, -EACCES, accel_test_ioctl(f, DRM_IO(nr)),
				    "core ioctl nr 0x%02x", nr);
	}
}

/* Past the last core ioctl there is none: -EINVAL, not the allow-list. */
static void accel_test_ioctl_core_end(struct kunit *test)
{
	struct file *f = accel_test_open_new(test);
	unsigned int nr = DRM_IOCTL_NR(DRM_IOCTL_MODE_GETFB2) + 1;

	KUNIT_EXPECT_EQ(test, -EINVAL, accel_test_ioctl(f, DRM_IOWR(nr, u64)));
}

/* The test driver without its PRIME hooks, as a driver without buffers has */
static const struct drm_driver accel_test_no_prime_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL,
	.fops = &accel_test_fops,
	.name = "accel_kunit_no_prime",
	.desc = "accel core KUnit test device without PRIME",
	.date = "20261126",
};

/*
 * PRIME on an accel device whose driver does not support it: -EOPNOTSUPP,
 * the error drm-uapi.rst gives an unsupported feature. A GPU's render
 * node keeps 6.1's error (the "no such system call" code, which
 * checkpatch keeps new code from naming): not the accel file's, the
 * same for both directions.
 */
static void accel_test_ioctl_prime_unsupported(struct kunit *test)
{
	struct drm_device *dev, *gpu;
	struct file *f, *g;
	long gpu_err;

	dev = accel_test_dev_register_driver(test, &accel_test_no_prime_driver);
	f = accel_test_open(test, dev->accel->index, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	gpu = accel_test_dev_register_driver(test, &accel_test_gpu_driver);
	g = accel_test_open_devt_kept(test, "renderD", MKDEV(DRM_MAJOR, gpu->render->index),
				      O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, g);
	if (accel_test_attach_mm(test))
		kunit_skip(test, "no user address space for the argument");
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			accel_test_ioctl_zeroed(test, f, DRM_IOCTL_PRIME_HANDLE_TO_FD));
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			accel_test_ioctl_zeroed(test, f, DRM_IOCTL_PRIME_FD_TO_HANDLE));
	gpu_err = accel_test_ioctl_zeroed(test, g, DRM_IOCTL_PRIME_HANDLE_TO_FD);
	KUNIT_EXPECT_LT(test, gpu_err, 0L);
	KUNIT_EXPECT_NE(test, gpu_err, (long)-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, gpu_err,
			accel_test_ioctl_zeroed(test, g, DRM_IOCTL_PRIME_FD_TO_HANDLE));
}

static int accel_test_flag_ioctl(struct drm_device *dev, void *data,
				 struct drm_file *file)
{
	return 0;
}

#define ACCEL_TEST_FLAG_IOCTL(n, fl) \
	{ .cmd = DRM_IO(DRM_COMMAND_BASE + (n)), .flags = (fl), \
	  .func = accel_test_flag_ioctl, .name = #fl }

/* One driver ioctl per flag; the last has none, DRM_RENDER_ALLOW included */
static const struct drm_ioctl_desc accel_test_flag_ioctls[] = {
	ACCEL_TEST_FLAG_IOCTL(0, DRM_AUTH),
	ACCEL_TEST_FLAG_IOCTL(1, DRM_MASTER),
	ACCEL_TEST_FLAG_IOCTL(2, DRM_ROOT_ONLY),
	ACCEL_TEST_FLAG_IOCTL(3, 0),
};

static const struct drm_driver accel_test_flags_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL,
	.ioctls = accel_test_flag_ioctls,
	.num_ioctls = ARRAY_SIZE(accel_test_flag_ioctls),
	.fops = &accel_test_fops,
	.name = "accel_kunit_flags",
	.desc = "accel core KUnit test device with a driver ioctl per flag",
	.date = "20261206",
};

/*
 * The results of the four flag ioctls on @f with the caller's
 * credentials. They have no argument: drm_ioctl() copies 0 bytes, which
 * needs no address space but on UML.
 */
static void accel_test_expect_flags(struct kunit *test, struct file *f,
				    const int want[4], const char *who)
{
	struct accel_test *t = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(accel_test_flag_ioctls); i++)
		KUNIT_EXPECT_EQ_MSG(test, (long)want[i],
				    f->f_op->unlocked_ioctl(f, accel_test_flag_ioctls[i].cmd,
							    t->user_page),
				    "%s, %s", who, accel_test_flag_ioctls[i].name);
}

/*
 * An accel file is never a render client nor master: DRM_AUTH admits
 * the files opened with CAP_SYS_ADMIN (they are authenticated at open),
 * DRM_MASTER no file, DRM_ROOT_ONLY a caller with CAP_SYS_ADMIN at the
 * time of each call, and without DRM_RENDER_ALLOW an ioctl still works
 * (Documentation/accel/porting.rst).
 */
static void accel_test_ioctl_driver_flags(struct kunit *test)
{
	static const int root_on_admin[] = { 0, -EACCES, 0, 0 };
	static const int root_on_user[] = { -EACCES, -EACCES, 0, 0 };
	static const int user_on_admin[] = { 0, -EACCES, -EACCES, 0 };
	const struct cred *old;
	struct drm_device *dev;
	struct file *admin, *user;
	struct cred *cred;

	dev = accel_test_dev_register_driver(test, &accel_test_flags_driver);
	KUNIT_ASSERT_TRUE(test, capable(CAP_SYS_ADMIN));
	admin = accel_test_open(test, dev->accel->index, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, admin);

	cred = prepare_creds();
	KUNIT_ASSERT_NOT_NULL(test, cred);
	cap_lower(cred->cap_effective, CAP_SYS_ADMIN);
	old = override_creds(cred);
	user = accel_test_open(test, dev->accel->index, O_RDWR);
	revert_creds(old);
	if (IS_ERR_OR_NULL(user))
		put_cred(cred);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, user);

	if (accel_test_attach_mm(test) && IS_ENABLED(CONFIG_UML)) {
		put_cred(cred);
		kunit_skip(test, "no user address space: UML's uaccess needs one even for 0 bytes");
	}
	accel_test_expect_flags(test, admin, root_on_admin, "root, file opened by root");
	accel_test_expect_flags(test, user, root_on_user,
				"root, file opened without CAP_SYS_ADMIN");
	old = override_creds(cred);
	accel_test_expect_flags(test, admin, user_on_admin,
				"without CAP_SYS_ADMIN, file opened by root");
	revert_creds(old);
	put_cred(cred);
}

static struct kunit_case accel_ioctl_cases[] = {
	KUNIT_CASE_PARAM(accel_test_ioctl_core, accel_test_ioctl_gen_params),
	KUNIT_CASE(accel_test_ioctl_core_legacy),
	KUNIT_CASE(accel_test_ioctl_core_end),
	KUNIT_CASE(accel_test_ioctl_prime_unsupported),
	KUNIT_CASE(accel_test_ioctl_driver_flags),
	{}
};

static struct kunit_suite accel_ioctl_suite = {
	.name = "accel_ioctl",
	.init = accel_test_init,
	.exit = accel_test_exit,
	.test_cases = accel_ioctl_cases,
};

kunit_test_suites(&accel_ioctl_suite);
