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
 * A minor index has three states. accel_minor_alloc() reserves the lowest
 * free index with no minor behind it, drm_dev_register() publishes the
 * minor so that open() finds it, unregister or unplug withdraws it again,
 * and the index returns to the pool only at the device's final
 * drm_dev_put(). An index is therefore never handed to a new device while
 * a file of the old one is still open.
 */

/*
 * accel_minor_lock protects accel_minor_idr, which maps every allocated
 * accel index to its minor while the minor is published and to NULL while
 * it is only reserved. Taken from process context only.
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

static char *accel_devnode(struct device *dev, umode_t *mode)
{
	return kasprintf(GFP_KERNEL, "accel/%s", dev_name(dev));
}

/**
 * accel_minor_alloc - reserve an accel index for a minor
 * @minor: the minor being created, of type DRM_MINOR_ACCEL
 *
 * Reserves the lowest free index, with no minor published behind it yet.
 * Called by the DRM core only.
 *
 * Return: the index on success, -ENOSPC when all ACCEL_MAX_MINORS indexes
 * are in use, -ENODEV when the accel core failed to initialise, or -ENOMEM.
 */
int accel_minor_alloc(struct drm_minor *minor)
{
	int index;

	if (!accel_class)
		return -ENODEV;

	idr_preload(GFP_KERNEL);
	spin_lock(&accel_minor_lock);
	index = idr_alloc(&accel_minor_idr, NULL, 0, ACCEL_MAX_MINORS,
			  GFP_NOWAIT);
	spin_unlock(&accel_minor_lock);
	idr_preload_end();

	if (index == -ENOSPC)
		drm_err(minor->dev, "all %d accel minors are in use\n",
			ACCEL_MAX_MINORS);
	return index;
}

/**
 * accel_minor_free - return the index of a minor to the pool
 * @minor: a minor whose index accel_minor_alloc() reserved
 *
 * Called by the DRM core at the device's final put, once no file can
 * refer to the minor any more.
 */
void accel_minor_free(struct drm_minor *minor)
{
	spin_lock(&accel_minor_lock);
	idr_remove(&accel_minor_idr, minor->index);
	spin_unlock(&accel_minor_lock);
}

/* Store @minor (or NULL) behind its reserved index. */
static void accel_minor_replace(struct drm_minor *minor, struct drm_minor *to)
{
	struct drm_minor *old;

	spin_lock(&accel_minor_lock);
	old = idr_replace(&accel_minor_idr, to, minor->index);
	spin_unlock(&accel_minor_lock);
	WARN_ON(IS_ERR(old));
}

/**
 * accel_minor_publish - make a registered minor visible to open()
 * @minor: a minor whose index accel_minor_alloc() reserved
 */
void accel_minor_publish(struct drm_minor *minor)
{
	accel_minor_replace(minor, minor);
}

/**
 * accel_minor_unpublish - hide a minor from open() again
 * @minor: a published minor
 *
 * Opens that start after this fail with -ENODEV; the index stays reserved
 * until accel_minor_free().
 */
void accel_minor_unpublish(struct drm_minor *minor)
{
	accel_minor_replace(minor, NULL);
}

/**
 * accel_minor_kdev_init - make a minor's struct device an accel device
 * @kdev: the initialised, not yet added, device of @minor
 * @minor: a minor whose index accel_minor_alloc() reserved
 *
 * Sets the devt, class, type and name (accelN) of @kdev.
 *
 * Return: 0 on success or a negative error code.
 */
int accel_minor_kdev_init(struct device *kdev, struct drm_minor *minor)
{
	if (!accel_class)
		return -ENODEV;

	kdev->devt = MKDEV(ACCEL_MAJOR, minor->index);
	kdev->class = accel_class;
	kdev->type = &accel_minor_type;
	return dev_set_name(kdev, "accel%d", minor->index);
}

/**
 * accel_debugfs_init - create the debugfs directory accel/<N>/ of a minor
 * @minor: the minor being registered
 *
 * Creates the DRM core's files there and calls the driver's
 * &drm_driver.debugfs_init hook.
 *
 * Return: 0 on success or a negative error code.
 */
int accel_debugfs_init(struct drm_minor *minor)
{
	return drm_debugfs_init(minor, minor->index, accel_debugfs_root);
}

/*
 * Find the published minor of @index and take a reference on its device,
 * which keeps the minor alive until drm_dev_put().
 */
static struct drm_minor *accel_minor_acquire(unsigned int index)
{
	struct drm_minor *minor;

	spin_lock(&accel_minor_lock);
	minor = idr_find(&accel_minor_idr, index);
	if (minor)
		drm_dev_get(minor->dev);
	spin_unlock(&accel_minor_lock);

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
 * Return: 0 on success, -ENODEV if no registered device has this minor,
 * -EBUSY for O_EXCL, or the error of &drm_driver.open.
 */
int accel_open(struct inode *inode, struct file *filp)
{
	struct drm_minor *minor;
	struct drm_device *dev;
	bool global = false;
	int ret;

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
