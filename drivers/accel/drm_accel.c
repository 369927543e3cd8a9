// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compute accelerator core: char major 261, the accel minors, the accel
 * class and the accel debugfs root. Linked into drm.ko.
 */

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <drm/drm_accel.h>
#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "../gpu/drm/drm_internal.h"

/**
 * DOC: overview
 *
 * Compute accelerators (NPUs, AI inference and training chips) run
 * computations submitted by userspace but drive no display. They are DRM
 * devices in every way but their node: a driver sets DRIVER_COMPUTE_ACCEL
 * in &drm_driver.driver_features and the DRM core gives the device one
 * accel minor, exposed as /dev/accel/accelN on char major 261, instead of
 * a card and a render node. The device never appears under /dev/dri.
 *
 * Everything behind the node is DRM: the driver allocates its device with
 * devm_drm_dev_alloc(), registers it with drm_dev_register(), defines its
 * ioctls in &drm_driver.ioctls, uses GEM if it wants buffers, and unplugs
 * with drm_dev_unplug(). Its &file_operations come from
 * DEFINE_DRM_ACCEL_FOPS() or DRM_ACCEL_FOPS, whose open is accel_open().
 *
 * The accel core owns what differs from a GPU: the char major, the
 * allocator of the 256 accel minors, the sysfs class ``accel`` (device
 * ``accelN`` of type ``accel_minor`` under the driver's device) and the
 * debugfs directory ``accel/``, with one ``accel/<N>/`` directory per
 * device. Only a few core DRM ioctls make sense without a DRM master; on
 * an accel file the others fail with -EACCES.
 *
 * A minor index has three states, kept by the DRM core in the accel
 * core's table exactly as it keeps its own minors: drm_dev_alloc()
 * reserves the lowest free index with no minor behind it,
 * drm_dev_register() publishes the minor so that open() finds it,
 * unregister or unplug withdraws it again, and the index returns to the
 * pool only at the device's final drm_dev_put(). An index is therefore
 * never handed to a new device while a file of the old one is still open.
 *
 * A driver cannot reach the wrong node by mistake: drm_dev_init() refuses
 * an accel driver whose &file_operations do not open with accel_open(),
 * and a GPU driver whose do; accel_open() opens only nodes of major 261
 * and drm_open() only nodes of DRM's major.
 */

/*
 * accel_minor_lock protects accel_minor_idr, which maps every allocated
 * accel index to its minor while the minor is published and to NULL while
 * it is only reserved. Taken from process context only, but always with
 * spin_lock_irqsave(): the DRM core's minor code takes it through
 * &drm_minor_table.lock in that form, as it takes its own minor lock, and
 * one form for every user of a lock is what a reader checks at a glance.
 */
static DEFINE_SPINLOCK(accel_minor_lock);
static DEFINE_IDR(accel_minor_idr);

/*
 * Set at the end of a successful accel_core_init() and cleared by
 * accel_core_exit(), both of which run while no accel device exists; a
 * NULL accel_class means the core is down and accel devices cannot be
 * created.
 */
static struct class *accel_class;
static struct dentry *accel_debugfs_root;

static const struct device_type accel_minor_type = {
	.name = "accel_minor",
};

/*
 * The node's path under /dev: accel/accelN. If the name cannot be
 * allocated the driver core takes NULL as "no name of my own" and puts the
 * node at /dev/accelN, its device name, as it does for DRM's dri/ nodes;
 * the device registers and works either way. devtmpfs names the node
 * again to remove it, so such a node stays behind after the device goes.
 */
static char *accel_devnode(struct device *dev, umode_t *mode)
{
	return kasprintf(GFP_KERNEL, "accel/%s", dev_name(dev));
}

/* Make @kdev, the device of accel minor @minor, the device accelN. */
static int accel_minor_kdev_init(struct device *kdev, struct drm_minor *minor)
{
	if (!accel_class)
		return -ENODEV;

	kdev->devt = MKDEV(ACCEL_MAJOR, minor->index);
	kdev->class = accel_class;
	kdev->type = &accel_minor_type;
	return dev_set_name(kdev, "accel%d", minor->index);
}

/**
 * accel_minor_table - the table of accel minor indexes
 * @table: filled in with the accel core's IDR and its lock, the indexes
 *	0 .. ACCEL_MAX_MINORS - 1, the debugfs root accel/ and what makes a
 *	minor's device accelN of class accel
 *
 * Called by the DRM core only, which reserves, publishes, withdraws and
 * frees accel indexes there as it does those of its own minors. With the
 * core down, a minor's device cannot be made and drm_dev_init() fails
 * with -ENODEV.
 */
void accel_minor_table(struct drm_minor_table *table)
{
	table->idr = &accel_minor_idr;
	table->lock = &accel_minor_lock;
	table->start = 0;
	table->end = ACCEL_MAX_MINORS;
	table->name = "accel";
	table->debugfs_root = accel_debugfs_root;
	table->kdev_init = accel_minor_kdev_init;
}

/*
 * Find the published minor of @index and take a reference on its device,
 * which keeps the minor alive until drm_dev_put().
 */
static struct drm_minor *accel_minor_acquire(unsigned int index)
{
	struct drm_minor *minor;
	unsigned long flags;

	spin_lock_irqsave(&accel_minor_lock, flags);
	minor = idr_find(&accel_minor_idr, index);
	if (minor)
		drm_dev_get(minor->dev);
	spin_unlock_irqrestore(&accel_minor_lock, flags);

	if (!minor)
		return ERR_PTR(-ENODEV);

	if (drm_dev_is_unplugged(minor->dev)) {
		drm_dev_put(minor->dev);
		return ERR_PTR(-ENODEV);
	}

	return minor;
}

/**
 * accel_open - open an accel device node
 * @inode: the inode of /dev/accel/accelN
 * @filp: the file being opened
 *
 * The &file_operations.open of every accel driver (see DRM_ACCEL_FOPS):
 * finds the device, creates the &drm_file and calls &drm_driver.open. The
 * file holds a reference on the device until drm_release().
 *
 * Return: 0 on success, -ENODEV if @inode is not a node of char major 261
 * or no registered device has its minor, -EBUSY for O_EXCL, or the error
 * of &drm_driver.open.
 */
int accel_open(struct inode *inode, struct file *filp)
{
	struct drm_minor *minor;
	struct drm_device *dev;
	bool global = false;
	int ret;

	/* a DRM node opens through drm_open(), never into the accel minors */
	if (imajor(inode) != ACCEL_MAJOR) {
		pr_err_ratelimited("accel: %s: %s() on char major %u, which is not accel's\n",
				   module_name(filp->f_op->owner), __func__, imajor(inode));
		return -ENODEV;
	}

	minor = accel_minor_acquire(iminor(inode));
	if (IS_ERR(minor))
		return PTR_ERR(minor);

	dev = minor->dev;
	if (drm_dev_needs_global_mutex(dev)) {
		global = true;
		mutex_lock(&drm_global_mutex);
	}

	atomic_inc(&dev->open_count);
	/* all files of a device share one address space, as in drm_open() */
	filp->f_mapping = dev->anon_inode->i_mapping;

	ret = drm_open_helper(filp, minor);
	if (ret)
		atomic_dec(&dev->open_count);

	if (global)
		mutex_unlock(&drm_global_mutex);
	if (ret)
		drm_dev_put(dev);
	return ret;
}
EXPORT_SYMBOL_GPL(accel_open);

/* What an accel device cannot have: a display, a render node, legacy DRM */
#define ACCEL_EXCLUDED_FEATURES \
	(DRIVER_MODESET | DRIVER_RENDER | DRIVER_ATOMIC | DRIVER_USE_AGP | \
	 DRIVER_LEGACY | DRIVER_PCI_DMA | DRIVER_SG | DRIVER_HAVE_DMA | \
	 DRIVER_HAVE_IRQ | DRIVER_KMS_LEGACY_CONTEXT)

/* What DRM_IOCTL_VERSION copies out and 6.1 does not check for NULL */
static bool accel_driver_named(const struct drm_driver *driver)
{
	return driver->name && driver->desc && driver->date;
}

static bool accel_fops_open_accel(const struct drm_driver *driver)
{
	return driver->fops && driver->fops->open == accel_open;
}

/**
 * accel_driver_check - refuse a driver the accel core cannot serve safely
 * @driver: the driver of a device drm_dev_init() is initialising
 * @parent: the parent of that device, named in the log
 *
 * Called by the DRM core only, for every driver. A DRIVER_COMPUTE_ACCEL
 * driver must open through accel_open() (DRM_ACCEL_FOPS), have none of
 * the display, render and legacy features, and give the name, description
 * and date that DRM_IOCTL_VERSION reports; any other driver must not open
 * through accel_open(). Otherwise an accel node would open a GPU's minor,
 * or the reverse.
 *
 * Return: 0, or -EINVAL with one error naming the driver.
 */
int accel_driver_check(const struct drm_driver *driver, struct device *parent)
{
	u32 features = driver->driver_features;

	if (!(features & DRIVER_COMPUTE_ACCEL)) {
		if (!accel_fops_open_accel(driver))
			return 0;
		dev_err(parent, "%s: accel_open() opens accel nodes only, the driver has no DRIVER_COMPUTE_ACCEL\n",
			driver->name);
		return -EINVAL;
	}

	if (features & ACCEL_EXCLUDED_FEATURES) {
		dev_err(parent, "%s: DRIVER_COMPUTE_ACCEL cannot be combined with driver features 0x%x\n",
			driver->name, features & ACCEL_EXCLUDED_FEATURES);
		return -EINVAL;
	}
	if (!accel_fops_open_accel(driver)) {
		dev_err(parent, "%s: an accel driver's file operations must open with accel_open() (DRM_ACCEL_FOPS)\n",
			driver->name);
		return -EINVAL;
	}
	if (!accel_driver_named(driver)) {
		dev_err(parent, "%s: an accel driver needs a name, desc and date for DRM_IOCTL_VERSION\n",
			driver->name);
		return -EINVAL;
	}
	return 0;
}

/*
 * The open of char major 261: hand the file over to the driver's own
 * file operations, as the DRM core does for its major.
 */
static int accel_chrdev_open(struct inode *inode, struct file *filp)
{
	const struct file_operations *fops;
	struct drm_minor *minor;
	int ret = 0;

	minor = accel_minor_acquire(iminor(inode));
	if (IS_ERR(minor))
		return PTR_ERR(minor);

	fops = fops_get(minor->dev->driver->fops);
	if (!fops) {
		ret = -ENODEV;
		goto out_put_dev;
	}

	replace_fops(filp, fops);
	if (filp->f_op->open)
		ret = filp->f_op->open(inode, filp);

out_put_dev:
	drm_dev_put(minor->dev);
	return ret;
}

static const struct file_operations accel_chrdev_fops = {
	.owner	= THIS_MODULE,
	.open	= accel_chrdev_open,
	.llseek	= noop_llseek,
};

/**
 * accel_core_init - bring up the accel core
 *
 * Called from the DRM core's module init. Registers char major 261 as
 * "accel" for minors 0..255, creates the accel class and the debugfs
 * root. A failure is logged and leaves the core down: DRM works on, only
 * DRIVER_COMPUTE_ACCEL devices fail to initialise, with -ENODEV.
 *
 * Return: 0 on success or a negative error code.
 */
int accel_core_init(void)
{
	struct class *class;
	int ret;

	class = class_create(THIS_MODULE, "accel");
	if (IS_ERR(class)) {
		ret = PTR_ERR(class);
		goto err_log;
	}
	class->devnode = accel_devnode;

	ret = __register_chrdev(ACCEL_MAJOR, 0, ACCEL_MAX_MINORS, "accel",
				&accel_chrdev_fops);
	if (ret < 0)
		goto err_destroy_class;

	accel_debugfs_root = debugfs_create_dir("accel", NULL);
	accel_class = class;
	return 0;

err_destroy_class:
	class_destroy(class);
err_log:
	pr_err("accel: core initialisation failed (%d), compute accelerators will not register\n",
	       ret);
	return ret;
}

/**
 * accel_core_exit - tear down what accel_core_init() set up
 *
 * Called from the DRM core's module exit, after every accel device is gone.
 */
void accel_core_exit(void)
{
	if (!accel_class)
		return;

	debugfs_remove(accel_debugfs_root);
	accel_debugfs_root = NULL;
	__unregister_chrdev(ACCEL_MAJOR, 0, ACCEL_MAX_MINORS, "accel");
	class_destroy(accel_class);
	accel_class = NULL;
	WARN_ON(!idr_is_empty(&accel_minor_idr));
}
