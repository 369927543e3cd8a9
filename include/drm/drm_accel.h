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

#include <linux/fs.h>
#include <linux/kconfig.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>

struct drm_minor;
struct device;

/* The char major of /dev/accel/accelN (Documentation/admin-guide/devices.txt) */
#define ACCEL_MAJOR		261
/* Minors 0 .. ACCEL_MAX_MINORS - 1, one per accel device */
#define ACCEL_MAX_MINORS	256

/**
 * DRM_ACCEL_FOPS - file operations of an accel device node
 *
 * Expands to the &struct file_operations members an accel driver needs:
 * accel_open() to open the node, and the DRM core's release, ioctl, poll
 * and read. For drivers that build their own &struct file_operations,
 * for instance with their own mmap; most drivers use
 * DEFINE_DRM_ACCEL_FOPS() instead.
 */
#define DRM_ACCEL_FOPS \
	.open		= accel_open,\
	.release	= drm_release,\
	.unlocked_ioctl	= drm_ioctl,\
	.compat_ioctl	= drm_compat_ioctl,\
	.poll		= drm_poll,\
	.read		= drm_read,\
	.llseek		= noop_llseek

/**
 * DEFINE_DRM_ACCEL_FOPS() - define the file operations of a GEM accel driver
 * @name: name of the &struct file_operations to define
 *
 * Defines a static const &struct file_operations with DRM_ACCEL_FOPS and
 * drm_gem_mmap() for mmap, owned by the calling module. The device must
 * set DRIVER_GEM; a driver without GEM uses DRM_ACCEL_FOPS alone.
 */
#define DEFINE_DRM_ACCEL_FOPS(name) \
	static const struct file_operations name = {\
		.owner		= THIS_MODULE,\
		DRM_ACCEL_FOPS,\
		.mmap		= drm_gem_mmap,\
	}

#if IS_ENABLED(CONFIG_DRM_ACCEL)

int accel_open(struct inode *inode, struct file *filp);

/* For the DRM core only: drivers never call these. */
int accel_core_init(void);
void accel_core_exit(void);
int accel_minor_alloc(struct drm_minor *minor);
void accel_minor_free(struct drm_minor *minor);
void accel_minor_publish(struct drm_minor *minor);
void accel_minor_unpublish(struct drm_minor *minor);
int accel_minor_kdev_init(struct device *kdev, struct drm_minor *minor);
int accel_debugfs_init(struct drm_minor *minor);

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
static inline int accel_minor_alloc(struct drm_minor *minor)
{
	return -EOPNOTSUPP;
}

static inline void accel_minor_free(struct drm_minor *minor)
{
}

static inline void accel_minor_publish(struct drm_minor *minor)
{
}

static inline void accel_minor_unpublish(struct drm_minor *minor)
{
}

static inline int accel_minor_kdev_init(struct device *kdev,
					struct drm_minor *minor)
{
	return -EOPNOTSUPP;
}

static inline int accel_debugfs_init(struct drm_minor *minor)
{
	return 0;
}

#endif /* IS_ENABLED(CONFIG_DRM_ACCEL) */

#endif /* _DRM_ACCEL_H_ */
