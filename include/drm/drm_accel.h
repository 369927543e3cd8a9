/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Compute accelerator core: the driver-facing API.
 *
 * A compute accelerator is a DRM device whose driver sets
 * DRIVER_COMPUTE_ACCEL. Such a device gets one node, /dev/accel/accelN on
 * char major 261, instead of the card and render nodes of a GPU; the rest
 * (drm_file, ioctls, GEM, unplug) is the ordinary DRM machinery.
 */
#ifndef _DRM_ACCEL_H_
#define _DRM_ACCEL_H_

#include <linux/dev_printk.h>
#include <linux/fs.h>
#include <linux/kconfig.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>

struct device;
struct drm_driver;
struct drm_minor_table;

/* The char major of /dev/accel/accelN (Documentation/admin-guide/devices.txt) */
#define ACCEL_MAJOR		261
/* Minors 0 .. ACCEL_MAX_MINORS - 1, one per accel device */
#define ACCEL_MAX_MINORS	256

/**
 * DRM_ACCEL_FOPS - file operations of an accel device node
 *
 * Expands to the &struct file_operations members of an accel node:
 * accel_open() to open it, which drm_dev_init() requires of every
 * DRIVER_COMPUTE_ACCEL driver, the DRM core's release, ioctl, poll and
 * read, and drm_gem_mmap() to map GEM buffers. On a device without
 * DRIVER_GEM, mmap() fails with -ENODEV. The members are those later
 * kernels give the macro, less &file_operations.fop_flags, which 6.1 does
 * not have (drm_open_helper() sets FMODE_UNSIGNED_OFFSET on the file).
 *
 * A driver with an mmap of its own writes the members out rather than
 * overriding .mmap after this macro, which W=1 warns about::
 *
 *	static const struct file_operations my_accel_fops = {
 *		.owner		= THIS_MODULE,
 *		.open		= accel_open,
 *		.release	= drm_release,
 *		.unlocked_ioctl	= drm_ioctl,
 *		.compat_ioctl	= drm_compat_ioctl,
 *		.poll		= drm_poll,
 *		.read		= drm_read,
 *		.llseek		= noop_llseek,
 *		.mmap		= my_accel_mmap,
 *	};
 */
#define DRM_ACCEL_FOPS \
	.open		= accel_open,\
	.release	= drm_release,\
	.unlocked_ioctl	= drm_ioctl,\
	.compat_ioctl	= drm_compat_ioctl,\
	.poll		= drm_poll,\
	.read		= drm_read,\
	.llseek		= noop_llseek,\
	.mmap		= drm_gem_mmap

/**
 * DEFINE_DRM_ACCEL_FOPS() - define the file operations of an accel driver
 * @name: name of the &struct file_operations to define
 *
 * Defines a static const &struct file_operations with DRM_ACCEL_FOPS,
 * owned by the calling module: the same members as the macro of this name
 * in later kernels. A driver that prints usage statistics in
 * /proc/<pid>/fdinfo/<fd> writes its file operations out instead and adds
 * drm_show_fdinfo()::
 *
 *	static const struct file_operations my_accel_fops = {
 *		.owner		= THIS_MODULE,
 *		DRM_ACCEL_FOPS,
 *		.show_fdinfo	= drm_show_fdinfo,
 *	};
 */
#define DEFINE_DRM_ACCEL_FOPS(name) \
	static const struct file_operations name = {\
		.owner		= THIS_MODULE,\
		DRM_ACCEL_FOPS,\
	}

#if IS_ENABLED(CONFIG_DRM_ACCEL)

int accel_open(struct inode *inode, struct file *filp);

/* For the DRM core only: drivers never call these. */
int accel_core_init(void);
void accel_core_exit(void);
int accel_driver_check(const struct drm_driver *driver, struct device *parent);
void accel_minor_table(struct drm_minor_table *table);

#else

static inline int accel_open(struct inode *inode, struct file *filp)
{
	return -ENODEV;
}

static inline int accel_core_init(void)
{
	return 0;
}

static inline void accel_core_exit(void)
{
}

/* Without the accel core a DRIVER_COMPUTE_ACCEL device cannot exist. */
static inline int accel_driver_check(const struct drm_driver *driver,
				     struct device *parent)
{
	if (!(driver->driver_features & DRIVER_COMPUTE_ACCEL))
		return 0;
	dev_err(parent, "%s: DRIVER_COMPUTE_ACCEL needs CONFIG_DRM_ACCEL\n",
		driver->name);
	return -EOPNOTSUPP;
}

/* Never called: accel_driver_check() refuses every accel driver first. */
static inline void accel_minor_table(struct drm_minor_table *table)
{
}

#endif /* IS_ENABLED(CONFIG_DRM_ACCEL) */

#endif /* _DRM_ACCEL_H_ */
