// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the accel core on real devices: a root device as the
 * parent, a DRIVER_COMPUTE_ACCEL drm_driver defined here, and device nodes
 * on a private ramfs, opened through the char device layer exactly as
 * open(2) would (KUnit runs before devtmpfs is mounted).
 */

#include <kunit/test.h>
#include <linux/device.h>
#include <linux/file.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>

#define ACCEL_TEST_MAX_FILES	8

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

static int accel_test_driver_open(struct drm_device *dev, struct drm_file *file)
{
	struct accel_test *t = dev->dev_private;

	atomic_inc(&t->opens);
	return 0;
}

static void accel_test_driver_postclose(struct drm_device *dev,
					struct drm_file *file)
{
	struct accel_test *t = dev->dev_private;

	atomic_inc(&t->postcloses);
}

/*
 * PRIME stubs: an allowed PRIME ioctl must reach the driver, which says so
 * with an error no core path returns.
 */
#define ACCEL_TEST_REACHED_DRIVER	(-EXDEV)

static int accel_test_prime_handle_to_fd(struct drm_device *dev,
					 struct drm_file *file, u32 handle,
					 u32 flags, int *prime_fd)
{
	return ACCEL_TEST_REACHED_DRIVER;
}

static int accel_test_prime_fd_to_handle(struct drm_device *dev,
					 struct drm_file *file, int prime_fd,
					 u32 *handle)
{
	return ACCEL_TEST_REACHED_DRIVER;
}

static const struct file_operations accel_test_fops = {
	.owner = THIS_MODULE,
	DRM_ACCEL_FOPS,
};

static const struct drm_driver accel_test_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL,
	.open = accel_test_driver_open,
	.postclose = accel_test_driver_postclose,
	.prime_handle_to_fd = accel_test_prime_handle_to_fd,
	.prime_fd_to_handle = accel_test_prime_fd_to_handle,
	.fops = &accel_test_fops,
	.name = "accel_kunit",
	.desc = "accel core KUnit test device",
	.date = "20261125",
};

static const struct drm_driver accel_test_render_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL | DRIVER_RENDER,
	.fops = &accel_test_fops,
	.name = "accel_kunit_render",
};

static const struct drm_driver accel_test_modeset_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL | DRIVER_MODESET,
	.fops = &accel_test_fops,
	.name = "accel_kunit_modeset",
};

static int accel_test_init(struct kunit *test)
{
	struct file_system_type *ramfs;
	struct accel_test *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->devs = kunit_kcalloc(test, ACCEL_MAX_MINORS + 2, sizeof(*t->devs),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->devs);
	test->priv = t;

	t->parent = root_device_register("accel_kunit");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->parent);

	ramfs = get_fs_type("ramfs");
	KUNIT_ASSERT_NOT_NULL(test, ramfs);
	t->mnt = vfs_kern_mount(ramfs, 0, "ramfs", NULL);
	module_put(ramfs->owner);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->mnt);
	return 0;
}

static const struct file_operations accel_test_major_fops = {
	.owner = THIS_MODULE,
};

/* Undo accel_test_core_init_failure(): free the major, bring the core back. */
static void accel_test_core_restore(struct kunit *test)
{
	struct accel_test *t = test->priv;

	if (t->major_held)
		__unregister_chrdev(ACCEL_MAJOR, 0, ACCEL_MAX_MINORS, "accel_kunit");
	t->major_held = false;
	if (IS_BUILTIN(CONFIG_DRM_ACCEL_KUNIT_TEST) && t->core_down &&
	    accel_core_init())
		kunit_err(test, "the accel core did not come back up");
	t->core_down = false;
}

static void accel_test_exit(struct kunit *test)
{
	struct accel_test *t = test->priv;
	unsigned int i;

	if (!t)
		return;
	if (t->mm) {
		kthread_unuse_mm(t->mm);
		mmput(t->mm);
	}
	for (i = 0; i < t->nfiles; i++)
		if (t->files[i])
			__fput_sync(t->files[i]);
	for (i = t->ndevs; i-- > 0;) {
		if (!t->devs[i])
			continue;
		if (t->devs[i]->registered)
			drm_dev_unregister(t->devs[i]);
		drm_dev_put(t->devs[i]);
	}
	accel_test_core_restore(test);
	if (!IS_ERR_OR_NULL(t->mnt))
		kern_unmount(t->mnt);
	if (!IS_ERR_OR_NULL(t->parent))
		root_device_unregister(t->parent);
}

/* A new device of @drv, put by accel_test_exit() unless the test does. */
static struct drm_device *accel_test_dev_alloc(struct kunit *test,
					       const struct drm_driver *drv)
{
	struct accel_test *t = test->priv;
	struct drm_device *dev;

	dev = drm_dev_alloc(drv, t->parent);
	if (!IS_ERR(dev)) {
		dev->dev_private = t;
		t->devs[t->ndevs++] = dev;
	}
	return dev;
}

static struct drm_device *accel_test_dev_register(struct kunit *test)
{
	struct drm_device *dev;

	dev = accel_test_dev_alloc(test, &accel_test_driver);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	KUNIT_ASSERT_EQ(test, 0, drm_dev_register(dev, 0));
	return dev;
}

/* Drop the test's reference on @dev now instead of at exit. */
static void accel_test_dev_put(struct kunit *test, struct drm_device *dev)
{
	struct accel_test *t = test->priv;
	unsigned int i;

	for (i = 0; i < t->ndevs; i++)
		if (t->devs[i] == dev)
			t->devs[i] = NULL;
	if (dev->registered)
		drm_dev_unregister(dev);
	drm_dev_put(dev);
}

/* Open minor @index through a char device node on @mnt, as open(2) does. */
static struct file *accel_test_open_node(struct vfsmount *mnt,
					 unsigned int index, int flags)
{
	struct dentry *root = mnt->mnt_root, *dentry;
	struct path path;
	struct file *f;
	char name[16];
	int ret = 0;

	snprintf(name, sizeof(name), "accel%u", index);
	inode_lock(d_inode(root));
	dentry = lookup_one_len(name, root, strlen(name));
	if (!IS_ERR(dentry) && d_really_is_negative(dentry))
		ret = vfs_mknod(&init_user_ns, d_inode(root), dentry,
				S_IFCHR | 0600, MKDEV(ACCEL_MAJOR, index));
	inode_unlock(d_inode(root));
	if (IS_ERR(dentry))
		return ERR_CAST(dentry);
	if (ret) {
		dput(dentry);
		return ERR_PTR(ret);
	}

	path.mnt = mnt;
	path.dentry = dentry;
	f = dentry_open(&path, flags, current_cred());
	dput(dentry);
	return f;
}

/* The same, closed by accel_test_exit() unless the test closes it. */
static struct file *accel_test_open(struct kunit *test, unsigned int index,
				    int flags)
{
	struct accel_test *t = test->priv;
	struct file *f = accel_test_open_node(t->mnt, index, flags);

	if (!IS_ERR(f) && t->nfiles < ACCEL_TEST_MAX_FILES)
		t->files[t->nfiles++] = f;
	return f;
}

/* Close @f now and wait for its release to finish. */
static void accel_test_close(struct kunit *test, struct file *f)
{
	struct accel_test *t = test->priv;
	unsigned int i;

	for (i = 0; i < t->nfiles; i++)
		if (t->files[i] == f)
			t->files[i] = NULL;
	__fput_sync(f);
}

static long accel_test_ioctl(struct file *f, unsigned int cmd)
{
	return f->f_op->unlocked_ioctl(f, cmd, 0);
}

/*
 * drm_ioctl() copies the argument in and out of user memory, which a
 * KUnit kthread has none of (on UML even an empty copy then panics). Give
 * the test an address space of its own with one zeroed page for ioctl
 * arguments. mm_alloc() is not exported: only a built-in test can.
 */
static int accel_test_attach_mm(struct kunit *test)
{
	struct accel_test *t = test->priv;
	unsigned long addr;

	if (!IS_BUILTIN(CONFIG_DRM_ACCEL_KUNIT_TEST) || current->mm)
		return -EOPNOTSUPP;
	t->mm = mm_alloc();
	if (!t->mm)
		return -ENOMEM;
	t->mm->task_size = TASK_SIZE;
	arch_pick_mmap_layout(t->mm, &current->signal->rlim[RLIMIT_STACK]);
	kthread_use_mm(t->mm);

	addr = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (IS_ERR_VALUE(addr))
		return addr;
	t->user_page = addr;
	return 0;
}

/* Issue @cmd with a zeroed argument in user memory. */
static long accel_test_ioctl_zeroed(struct kunit *test, struct file *f,
				    unsigned int cmd)
{
	struct accel_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, 0UL, clear_user((void __user *)t->user_page, PAGE_SIZE));
	return f->f_op->unlocked_ioctl(f, cmd, t->user_page);
}

static void accel_test_register_kdev(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct drm_device *dev = accel_test_dev_register(test);
	struct device *kdev;
	char name[16];

	KUNIT_ASSERT_NOT_NULL(test, dev->accel);
	kdev = dev->accel->kdev;
	snprintf(name, sizeof(name), "accel%d", dev->accel->index);
	KUNIT_EXPECT_STREQ(test, name, dev_name(kdev));
	KUNIT_EXPECT_EQ(test, MKDEV(ACCEL_MAJOR, dev->accel->index), kdev->devt);
	KUNIT_EXPECT_STREQ(test, "accel", kdev->class->name);
	KUNIT_EXPECT_STREQ(test, "accel_minor", kdev->type->name);
	KUNIT_EXPECT_PTR_EQ(test, t->parent, kdev->parent);
	KUNIT_EXPECT_TRUE(test, device_is_registered(kdev));
	KUNIT_EXPECT_EQ(test, DRM_MINOR_ACCEL, dev->accel->type);
}

static void accel_test_register_no_drm_minors(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);

	KUNIT_EXPECT_NULL(test, dev->primary);
	KUNIT_EXPECT_NULL(test, dev->render);
}

static void accel_test_register_debugfs_dir(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);
	struct dentry *dir = dev->accel->debugfs_root;
	char name[16];

	if (!IS_ENABLED(CONFIG_DEBUG_FS))
		kunit_skip(test, "CONFIG_DEBUG_FS is off");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dir);
	snprintf(name, sizeof(name), "%d", dev->accel->index);
	KUNIT_EXPECT_STREQ(test, name, dir->d_name.name);
	KUNIT_EXPECT_STREQ(test, "accel", dir->d_parent->d_name.name);
}

static void accel_test_unregister_removes_kdev(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);

	drm_dev_unregister(dev);
	KUNIT_EXPECT_FALSE(test, device_is_registered(dev->accel->kdev));
}

static void accel_test_dev_alloc_rejects_render(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_alloc(test, &accel_test_render_driver);

	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR_OR_ZERO(dev));
}

static void accel_test_dev_alloc_rejects_modeset(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_alloc(test, &accel_test_modeset_driver);

	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR_OR_ZERO(dev));
}

static struct kunit_case accel_registration_cases[] = {
	KUNIT_CASE(accel_test_register_kdev),
	KUNIT_CASE(accel_test_register_no_drm_minors),
	KUNIT_CASE(accel_test_register_debugfs_dir),
	KUNIT_CASE(accel_test_unregister_removes_kdev),
	KUNIT_CASE(accel_test_dev_alloc_rejects_render),
	KUNIT_CASE(accel_test_dev_alloc_rejects_modeset),
	{}
};

static struct kunit_suite accel_registration_suite = {
	.name = "accel_registration",
	.init = accel_test_init,
	.exit = accel_test_exit,
	.test_cases = accel_registration_cases,
};

static void accel_test_minor_alloc_lowest_free(struct kunit *test)
{
	struct drm_device *a = accel_test_dev_register(test);
	struct drm_device *b = accel_test_dev_register(test);
	struct drm_device *c;
	int index = a->accel->index;

	KUNIT_EXPECT_GT(test, b->accel->index, index);
	accel_test_dev_put(test, a);
	c = accel_test_dev_register(test);
	KUNIT_EXPECT_EQ(test, index, c->accel->index);
}

static void accel_test_minor_free_at_final_put(struct kunit *test)
{
	struct drm_device *a = accel_test_dev_register(test);
	struct drm_device *b;
	int index = a->accel->index;

	/* a file would hold this reference: the index must stay taken */
	drm_dev_get(a);
	accel_test_dev_put(test, a);
	b = accel_test_dev_register(test);
	KUNIT_EXPECT_NE(test, index, b->accel->index);

	drm_dev_put(a);
	b = accel_test_dev_register(test);
	KUNIT_EXPECT_EQ(test, index, b->accel->index);
}

static void accel_test_minor_alloc_limit(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct drm_device *dev;
	unsigned int i, first = t->ndevs;

	/* other devices (dummy_accel, say) may hold minors already */
	for (i = 0; i <= ACCEL_MAX_MINORS; i++) {
		dev = accel_test_dev_alloc(test, &accel_test_driver);
		if (IS_ERR(dev))
			break;
		KUNIT_ASSERT_EQ(test, 0, drm_dev_register(dev, 0));
	}
	KUNIT_ASSERT_EQ(test, -ENOSPC, PTR_ERR_OR_ZERO(dev));
	KUNIT_EXPECT_GT(test, t->ndevs - first, 0U);

	/* the devices that fit are intact */
	for (i = first; i < t->ndevs; i++)
		KUNIT_EXPECT_TRUE(test, device_is_registered(t->devs[i]->accel->kdev));

	/* and one freed index is enough for the next device */
	accel_test_dev_put(test, t->devs[first]);
	dev = accel_test_dev_alloc(test, &accel_test_driver);
	KUNIT_EXPECT_FALSE(test, IS_ERR(dev));
}

static struct kunit_case accel_minor_cases[] = {
	KUNIT_CASE(accel_test_minor_alloc_lowest_free),
	KUNIT_CASE(accel_test_minor_free_at_final_put),
	KUNIT_CASE(accel_test_minor_alloc_limit),
	{}
};

static struct kunit_suite accel_minor_suite = {
	.name = "accel_minor",
	.init = accel_test_init,
	.exit = accel_test_exit,
	.test_cases = accel_minor_cases,
};

static void accel_test_open_calls_driver_open(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct drm_device *dev = accel_test_dev_register(test);
	struct drm_file *file;
	struct file *f;

	f = accel_test_open(test, dev->accel->index, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&t->opens));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&t->postcloses));

	file = f->private_data;
	KUNIT_ASSERT_NOT_NULL(test, file);
	KUNIT_EXPECT_TRUE(test, drm_is_accel_client(file));
	KUNIT_EXPECT_FALSE(test, drm_is_render_client(file));
	KUNIT_EXPECT_FALSE(test, drm_is_primary_client(file));
	KUNIT_EXPECT_PTR_EQ(test, dev, file->minor->dev);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&dev->open_count));

	accel_test_close(test, f);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&t->postcloses));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&dev->open_count));
}

static void accel_test_open_unused_minor(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);
	int index = dev->accel->index;

	accel_test_dev_put(test, dev);
	KUNIT_EXPECT_EQ(test, -ENODEV, PTR_ERR(accel_test_open(test, index, O_RDWR)));
}

static void accel_test_open_unregistered_minor(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);

	drm_dev_unregister(dev);
	KUNIT_EXPECT_EQ(test, -ENODEV,
			PTR_ERR(accel_test_open(test, dev->accel->index, O_RDWR)));
}

static void accel_test_open_unplugged(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);

	drm_dev_unplug(dev);
	KUNIT_EXPECT_EQ(test, -ENODEV,
			PTR_ERR(accel_test_open(test, dev->accel->index, O_RDWR)));
}

static void accel_test_open_excl(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);

	/* DRM nodes refuse exclusive opens, and so do accel nodes */
	KUNIT_EXPECT_EQ(test, -EBUSY,
			PTR_ERR(accel_test_open(test, dev->accel->index, O_RDWR | O_EXCL)));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&dev->open_count));
}

static void accel_test_unplug_with_open_file(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct drm_device *dev = accel_test_dev_register(test);
	int index = dev->accel->index;
	struct drm_device *next;
	struct file *f;

	f = accel_test_open(test, index, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);

	drm_dev_unplug(dev);
	KUNIT_EXPECT_FALSE(test, device_is_registered(dev->accel->kdev));
	KUNIT_EXPECT_EQ(test, -ENODEV, accel_test_ioctl(f, DRM_IOCTL_VERSION));
	accel_test_dev_put(test, dev);

	/* the open file still holds the device and its index */
	next = accel_test_dev_register(test);
	KUNIT_EXPECT_NE(test, index, next->accel->index);

	accel_test_close(test, f);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&t->postcloses));
	next = accel_test_dev_register(test);
	KUNIT_EXPECT_EQ(test, index, next->accel->index);
}

static struct kunit_case accel_file_cases[] = {
	KUNIT_CASE(accel_test_open_calls_driver_open),
	KUNIT_CASE(accel_test_open_unused_minor),
	KUNIT_CASE(accel_test_open_unregistered_minor),
	KUNIT_CASE(accel_test_open_unplugged),
	KUNIT_CASE(accel_test_open_excl),
	KUNIT_CASE(accel_test_unplug_with_open_file),
	{}
};

static struct kunit_suite accel_file_suite = {
	.name = "accel_file",
	.init = accel_test_init,
	.exit = accel_test_exit,
	.test_cases = accel_file_cases,
};

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

static struct kunit_case accel_ioctl_cases[] = {
	KUNIT_CASE_PARAM(accel_test_ioctl_core, accel_test_ioctl_gen_params),
	KUNIT_CASE(accel_test_ioctl_core_legacy),
	KUNIT_CASE(accel_test_ioctl_core_end),
	{}
};

static struct kunit_suite accel_ioctl_suite = {
	.name = "accel_ioctl",
	.init = accel_test_init,
	.exit = accel_test_exit,
	.test_cases = accel_ioctl_cases,
};

static const struct file_operations accel_test_gpu_fops = {
	.owner = THIS_MODULE,
	.open = drm_open,
	.release = drm_release,
	.unlocked_ioctl = drm_ioctl,
};

static const struct drm_driver accel_test_gpu_driver = {
	.driver_features = DRIVER_RENDER,
	.fops = &accel_test_gpu_fops,
	.name = "accel_kunit_gpu",
};

/*
 * With char major 261 taken, accel_core_init() fails: DRM devices still
 * register, accel devices fail cleanly. accel_core_init() is not
 * exported, so only a built-in test can take the core down.
 */
static void accel_test_core_init_failure(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct drm_device *gpu, *accel;

	if (!IS_BUILTIN(CONFIG_DRM_ACCEL_KUNIT_TEST))
		kunit_skip(test, "needs the test built in to restart the accel core");

	accel_core_exit();
	t->core_down = true;
	KUNIT_ASSERT_EQ(test, 0, __register_chrdev(ACCEL_MAJOR, 0, ACCEL_MAX_MINORS,
						   "accel_kunit", &accel_test_major_fops));
	t->major_held = true;
	KUNIT_EXPECT_EQ(test, -EBUSY, accel_core_init());

	gpu = accel_test_dev_alloc(test, &accel_test_gpu_driver);
	KUNIT_ASSERT_FALSE(test, IS_ERR(gpu));
	KUNIT_EXPECT_EQ(test, 0, drm_dev_register(gpu, 0));
	KUNIT_EXPECT_NOT_NULL(test, gpu->render);
	KUNIT_EXPECT_NOT_NULL(test, gpu->primary);

	accel = accel_test_dev_alloc(test, &accel_test_driver);
	KUNIT_EXPECT_EQ(test, -ENODEV, PTR_ERR_OR_ZERO(accel));

	/* and once the major is free again, the core comes back */
	accel_test_dev_put(test, gpu);
	__unregister_chrdev(ACCEL_MAJOR, 0, ACCEL_MAX_MINORS, "accel_kunit");
	t->major_held = false;
	KUNIT_ASSERT_EQ(test, 0, accel_core_init());
	t->core_down = false;
	accel_test_dev_register(test);
}

static struct kunit_case accel_core_cases[] = {
	KUNIT_CASE(accel_test_core_init_failure),
	{}
};

static struct kunit_suite accel_core_suite = {
	.name = "accel_core",
	.init = accel_test_init,
	.exit = accel_test_exit,
	.test_cases = accel_core_cases,
};

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

kunit_test_suites(&accel_core_suite, &accel_registration_suite,
		  &accel_minor_suite, &accel_file_suite, &accel_ioctl_suite,
		  &accel_race_suite);

MODULE_DESCRIPTION("KUnit tests of the accel core");
MODULE_LICENSE("GPL");
