// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the accel KUnit suites share: the DRIVER_COMPUTE_ACCEL test driver,
 * a root device as the parent of its devices, and device nodes on a
 * private ramfs, opened through the char device layer exactly as open(2)
 * would (KUnit runs before devtmpfs is mounted).
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kmsg_dump.h>
#include <linux/kthread.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>

#include "accel_kunit_helpers.h"
#include "accel_kunit_node.h"

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

/* PRIME stubs, see ACCEL_TEST_REACHED_DRIVER */
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

const struct file_operations accel_test_fops = {
	.owner = THIS_MODULE,
	DRM_ACCEL_FOPS,
};

const struct file_operations accel_test_gpu_fops = {
	.owner = THIS_MODULE,
	.open = drm_open,
	.release = drm_release,
	.unlocked_ioctl = drm_ioctl,
};

const struct drm_driver accel_test_gpu_driver = {
	.driver_features = DRIVER_RENDER,
	.fops = &accel_test_gpu_fops,
	.name = "accel_kunit_gpu",
	.desc = "accel core KUnit test GPU",
	.date = "20261126",
};

const struct drm_driver accel_test_driver = {
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

int accel_test_init(struct kunit *test)
{
	struct file_system_type *ramfs;
	struct accel_test *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->devs = kunit_kcalloc(test, ACCEL_TEST_MAX_DEVS, sizeof(*t->devs),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->devs);
	test->priv = t;

	/*
	 * No owner: loaded as a module, the suites run while the module is
	 * still coming, before its sysfs directory exists, so the "module"
	 * link root_device_register() makes would fail with -ENOENT.
	 */
	t->parent = __root_device_register("accel_kunit", NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->parent);

	ramfs = get_fs_type("ramfs");
	KUNIT_ASSERT_NOT_NULL(test, ramfs);
	t->mnt = vfs_kern_mount(ramfs, 0, "ramfs", NULL);
	module_put(ramfs->owner);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->mnt);
	return 0;
}

/* Undo accel_test_core_init_failure(): free the major, bring the core back. */
static void accel_test_core_restore(struct kunit *test)
{
	struct accel_test *t = test->priv;

	if (t->major_held)
		__unregister_chrdev(ACCEL_MAJOR, 0, ACCEL_MAX_MINORS, "accel_kunit");
	t->major_held = false;
	if (IS_BUILTIN(CONFIG_DRM_ACCEL_KUNIT_TEST) && t->core_down &&
	    accel_core_init())
		kunit_err(test, "the accel core did not come back up\n");
	t->core_down = false;
}

/* Close the test's files and wait until each release has finished. */
static void accel_test_close_files(struct accel_test *t)
{
	unsigned int i;

	for (i = 0; i < t->nfiles; i++) {
		if (t->files[i])
			__fput_sync(t->files[i]);
		t->files[i] = NULL;
	}
}

struct accel_test_close_work {
	struct work_struct work;
	struct accel_test *t;
};

static void accel_test_close_files_work(struct work_struct *work)
{
	struct accel_test_close_work *w =
		container_of(work, struct accel_test_close_work, work);

	accel_test_close_files(w->t);
}

/*
 * After a failed ASSERT or a skip, KUnit calls the exit hook from its own
 * task instead of from the test's kthread, which has exited. That task is
 * no kthread and cannot __fput_sync(); fput() there would defer each
 * release to its return to userspace (modprobe's, for the module), after
 * KUnit has freed @t, which the test driver's postclose counts into. So a
 * worker, which is a kthread, closes them, and the exit waits for it. The
 * kthread's exit already put the address space it used.
 */
void accel_test_exit(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct accel_test_close_work w = { .t = t };
	unsigned int i;

	if (!t)
		return;
	if (t->mm && current->mm == t->mm) {
		kthread_unuse_mm(t->mm);
		mmput(t->mm);
	}
	if (current->flags & PF_KTHREAD) {
		accel_test_close_files(t);
	} else {
		INIT_WORK_ONSTACK(&w.work, accel_test_close_files_work);
		schedule_work(&w.work);
		flush_work(&w.work);
		destroy_work_on_stack(&w.work);
	}
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
struct drm_device *accel_test_dev_alloc(struct kunit *test,
					const struct drm_driver *drv)
{
	struct accel_test *t = test->priv;
	struct drm_device *dev;

	/* an errno no DRM path returns: the test made too many devices */
	if (t->ndevs == ACCEL_TEST_MAX_DEVS)
		return ERR_PTR(-EMLINK);
	dev = drm_dev_alloc(drv, t->parent);
	if (!IS_ERR(dev)) {
		dev->dev_private = t;
		t->devs[t->ndevs++] = dev;
	}
	return dev;
}

/* A new device of @drv, registered; the test stops if that fails. */
struct drm_device *accel_test_dev_register_driver(struct kunit *test,
						  const struct drm_driver *drv)
{
	struct drm_device *dev;

	dev = accel_test_dev_alloc(test, drv);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	KUNIT_ASSERT_EQ(test, 0, drm_dev_register(dev, 0));
	return dev;
}

struct drm_device *accel_test_dev_register(struct kunit *test)
{
	return accel_test_dev_register_driver(test, &accel_test_driver);
}

static int accel_test_count_kdev(struct device *kdev, void *count)
{
	(*(int *)count)++;
	return 0;
}

/*
 * The number of devices of class accel, which @dev's minor belongs to
 * from drm_dev_alloc() on; @dev itself counts once registered.
 */
int accel_test_class_devices(struct drm_device *dev)
{
	int count = 0;

	class_for_each_device(dev->accel->kdev->class, NULL, &count,
			      accel_test_count_kdev);
	return count;
}

/* Mark the index N of class device accelN in the bitmap @used. */
static int accel_test_mark_index(struct device *kdev, void *data)
{
	const char *name = dev_name(kdev);
	unsigned long *used = data;
	unsigned int index;

	if (str_has_prefix(name, "accel") &&
	    !kstrtouint(name + strlen("accel"), 10, &index) &&
	    index < ACCEL_MAX_MINORS)
		__set_bit(index, used);
	return 0;
}

/*
 * The index the ABI promises the next accel device: the lowest N for
 * which no device of class accel is named accelN, or ACCEL_MAX_MINORS if
 * all are taken. Derived from the class, not from the allocator under test:
 * call it after drm_dev_alloc(@dev) and before registering @dev, whose
 * own name would count otherwise.
 */
static int accel_test_lowest_free_index(struct drm_device *dev)
{
	DECLARE_BITMAP(used, ACCEL_MAX_MINORS);

	bitmap_zero(used, ACCEL_MAX_MINORS);
	class_for_each_device(dev->accel->kdev->class, NULL, used,
			      accel_test_mark_index);
	return find_first_zero_bit(used, ACCEL_MAX_MINORS);
}

/*
 * Register a new device and tell, through @lowest, the index the ABI
 * promised it (accel_test_lowest_free_index() before it registered).
 */
struct drm_device *accel_test_dev_register_lowest(struct kunit *test,
						  int *lowest)
{
	struct drm_device *dev;

	dev = accel_test_dev_alloc(test, &accel_test_driver);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	KUNIT_ASSERT_NOT_NULL(test, dev->accel);
	*lowest = accel_test_lowest_free_index(dev);
	KUNIT_ASSERT_EQ(test, 0, drm_dev_register(dev, 0));
	return dev;
}

/* Drop the test's reference on @dev now instead of at exit. */
void accel_test_dev_put(struct kunit *test, struct drm_device *dev)
{
	struct accel_test *t = test->priv;
	unsigned int i;

	for (i = 0; i < t->ndevs; i++)
		if (t->devs[i] == dev)
			t->devs[i] = NULL;
	/* the slots of the devices put last are free again */
	while (t->ndevs && !t->devs[t->ndevs - 1])
		t->ndevs--;
	if (dev->registered)
		drm_dev_unregister(dev);
	drm_dev_put(dev);
}

/* Open minor @index through a char device node on @mnt, as open(2) does. */
struct file *accel_test_open_node(struct vfsmount *mnt,
				  unsigned int index, int flags)
{
	char name[16];

	snprintf(name, sizeof(name), "accel%u", index);
	return accel_test_open_devt(mnt, name, MKDEV(ACCEL_MAJOR, index), flags);
}

/*
 * Open char device @devt through node @name of the test's ramfs, closed
 * by accel_test_exit() unless the test closes it.
 */
struct file *accel_test_open_devt_kept(struct kunit *test, const char *name,
				       dev_t devt, int flags)
{
	struct accel_test *t = test->priv;
	struct file *f;

	if (t->nfiles == ACCEL_TEST_MAX_FILES) {
		KUNIT_FAIL(test, "more than %d files open", ACCEL_TEST_MAX_FILES);
		return ERR_PTR(-EMFILE);
	}
	f = accel_test_open_devt(t->mnt, name, devt, flags);
	if (!IS_ERR(f))
		t->files[t->nfiles++] = f;
	return f;
}

/* accel_test_open_node(), closed by accel_test_exit() unless the test does */
struct file *accel_test_open(struct kunit *test, unsigned int index,
			     int flags)
{
	char name[16];

	snprintf(name, sizeof(name), "accel%u", index);
	return accel_test_open_devt_kept(test, name, MKDEV(ACCEL_MAJOR, index), flags);
}

/* Close @f now and wait for its release to finish. */
void accel_test_close(struct kunit *test, struct file *f)
{
	struct accel_test *t = test->priv;
	unsigned int i;

	for (i = 0; i < t->nfiles; i++)
		if (t->files[i] == f)
			t->files[i] = NULL;
	__fput_sync(f);
}

/*
 * An O_PATH file of a node for char device @devt: its inode is the node's,
 * but no open ran, so a test can call an open function on it directly.
 * Such a file has no release; closed by accel_test_exit() otherwise.
 */
struct file *accel_test_open_path(struct kunit *test, dev_t devt)
{
	struct accel_test *t = test->priv;
	struct file *f;
	char name[24];

	if (t->nfiles == ACCEL_TEST_MAX_FILES) {
		KUNIT_FAIL(test, "more than %d files open", ACCEL_TEST_MAX_FILES);
		return ERR_PTR(-EMFILE);
	}
	snprintf(name, sizeof(name), "path_%u_%u", MAJOR(devt), MINOR(devt));
	f = accel_test_open_devt(t->mnt, name, devt, O_PATH);
	if (!IS_ERR(f))
		t->files[t->nfiles++] = f;
	return f;
}

long accel_test_ioctl(struct file *f, unsigned int cmd)
{
	return f->f_op->unlocked_ioctl(f, cmd, 0);
}

/*
 * drm_ioctl() copies the argument in and out of user memory, which a
 * KUnit kthread has none of (on UML even an empty copy then panics). Give
 * the test an address space of its own with one zeroed page for ioctl
 * arguments. mm_alloc() is not exported: only a built-in test can.
 */
int accel_test_attach_mm(struct kunit *test)
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
long accel_test_ioctl_zeroed(struct kunit *test, struct file *f,
			     unsigned int cmd)
{
	struct accel_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, 0UL, clear_user((void __user *)t->user_page, PAGE_SIZE));
	return f->f_op->unlocked_ioctl(f, cmd, t->user_page);
}

/*
 * The lines of the kernel log that contain @text; in *@errors those of
 * them logged at error level (KERN_ERR).
 */
unsigned int accel_test_log_lines(const char *text, unsigned int *errors)
{
	struct kmsg_dump_iter iter;
	unsigned int n = 0;
	char line[512];
	size_t len;

	*errors = 0;
	kmsg_dump_rewind(&iter);
	while (kmsg_dump_get_line(&iter, true, line, sizeof(line) - 1, &len)) {
		line[len] = '\0';
		if (!strstr(line, text))
			continue;
		n++;
		/* the syslog prefix: <facility * 8 + level> */
		if (line[0] == '<' && line[1] && line[2] == '>' && line[1] - '0' == LOGLEVEL_ERR)
			(*errors)++;
	}
	return n;
}

MODULE_DESCRIPTION("KUnit tests of the accel core");
MODULE_LICENSE("GPL");
