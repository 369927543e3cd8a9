// SPDX-License-Identifier: GPL-2.0-only
/*
 * dummy_accel's buffers: GEM objects of the shmem helpers, created with
 * BO_CREATE, described by BO_INFO, mapped into the kernel for jobs.
 */

#include <kunit/visibility.h>
#include <linux/dma-buf.h>
#include <linux/iosys-map.h>
#include <linux/overflow.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>

#include "dummy_accel.h"

int dummy_accel_bo_create_ioctl(struct drm_device *drm, void *data,
				struct drm_file *file)
{
	struct drm_dummy_accel_bo_create *args = data;
	struct drm_gem_shmem_object *shmem;
	int ret;

	if (args->flags || !args->size || args->size > DUMMY_ACCEL_MAX_BO_SIZE)
		return -EINVAL;

	/*
	 * The size is rounded up to pages; the pages come at first use.
	 * shmem reports an inode it could not allocate as -ENOSPC: that is
	 * the kernel out of memory, which drm-uapi.rst says is -ENOMEM.
	 */
	shmem = drm_gem_shmem_create(drm, args->size);
	if (IS_ERR(shmem))
		return PTR_ERR(shmem) == -ENOSPC ? -ENOMEM : PTR_ERR(shmem);

	ret = drm_gem_create_mmap_offset(&shmem->base);
	if (!ret)
		ret = drm_gem_handle_create(file, &shmem->base, &args->handle);
	if (!ret)
		args->offset = drm_vma_node_offset_addr(&shmem->base.vma_node);

	/* the handle holds the buffer now, or nothing does and it is freed */
	drm_gem_object_put(&shmem->base);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_bo_create_ioctl);

int dummy_accel_bo_info_ioctl(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct drm_dummy_accel_bo_info *args = data;
	struct drm_gem_object *obj;
	int ret;

	if (args->flags)
		return -EINVAL;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;

	/*
	 * A buffer imported from another device is mapped through its
	 * dma-buf, whose exporter knows how: offset 0. (6.1's GEM mmap
	 * warns when an exporter's mmap leaves the mapping expandable, as
	 * udmabuf's does.)
	 */
	ret = 0;
	args->size = obj->size;
	args->offset = 0;
	if (!obj->import_attach) {
		ret = drm_gem_create_mmap_offset(obj);
		args->offset = drm_vma_node_offset_addr(&obj->vma_node);
	}

	drm_gem_object_put(obj);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_bo_info_ioctl);

/*
 * Look up @handle and map it whole if it holds @len bytes from @offset:
 * -ENOENT for an unknown handle, -EINVAL for a range outside the buffer.
 * On failure @bo holds nothing: bo->obj is NULL.
 */
int dummy_accel_bo_map(struct drm_file *file, u32 handle, u64 offset,
		       u64 len, struct dummy_accel_bo_map *bo)
{
	struct dma_buf *dmabuf;
	u64 end;
	int ret;

	bo->obj = drm_gem_object_lookup(file, handle);
	if (!bo->obj)
		return -ENOENT;

	ret = -EINVAL;
	if (check_add_overflow(offset, len, &end) || end > bo->obj->size)
		goto err_put;

	/*
	 * The "hardware" is the CPU: it needs the buffer mapped into the
	 * kernel. An imported buffer is mapped by its exporter, which not
	 * every exporter can do (udmabuf of 6.1 cannot). It is asked
	 * directly: through drm_gem_shmem_vmap(), 6.1 would hold the vmap
	 * lock of the importing object while the exporter takes its own, of
	 * the same lock class when both are shmem objects, as lockdep says.
	 */
	dmabuf = bo->obj->import_attach ? bo->obj->import_attach->dmabuf : NULL;
	ret = -ENXIO;
	if (dmabuf && !dmabuf->ops->vmap)
		goto err_put;
	if (dmabuf)
		ret = dma_buf_vmap(dmabuf, &bo->map);
	else
		ret = drm_gem_shmem_vmap(to_drm_gem_shmem_obj(bo->obj), &bo->map);
	if (ret)
		goto err_put;
	return 0;

err_put:
	drm_gem_object_put(bo->obj);
	bo->obj = NULL;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_bo_map);

void dummy_accel_bo_unmap(struct dummy_accel_bo_map *bo)
{
	if (bo->obj->import_attach)
		dma_buf_vunmap(bo->obj->import_attach->dmabuf, &bo->map);
	else
		drm_gem_shmem_vunmap(to_drm_gem_shmem_obj(bo->obj), &bo->map);
	drm_gem_object_put(bo->obj);
}
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_bo_unmap);
