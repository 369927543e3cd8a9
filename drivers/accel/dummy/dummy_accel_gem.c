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

	if (args->flags)
		return -EINVAL;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;

	/*
	 * BO_CREATE gave a buffer of this device its offset. One imported
	 * from another device is mapped through its dma-buf, whose
	 * exporter knows how: offset 0. (6.1's GEM mmap warns when an
	 * exporter's mmap leaves the mapping expandable, as udmabuf's
	 * does.) Nothing is allocated here.
	 */
	args->size = obj->size;
	args->offset = 0;
	if (!obj->import_attach)
		args->offset = drm_vma_node_offset_addr(&obj->vma_node);

	drm_gem_object_put(obj);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_bo_info_ioctl);

/*
 * The CPU accesses an imported buffer for @bo->dir from now until it is
 * unmapped: the exporter gets the bracket dma-buf asks for. It waits
 * (interruptibly) for the buffer's fences itself, so it is called before
 * the job adds its own: a SUBMIT with an imported buffer waits there for
 * the exporter's pending work; buffers of this device are synchronised
 * by the scheduler, without blocking SUBMIT.
 */
static int dummy_accel_bo_vmap_import(struct dummy_accel_bo_map *bo)
{
	struct dma_buf *dmabuf = bo->obj->import_attach->dmabuf;
	int ret;

	/* the "hardware" is the CPU: the exporter must map into the kernel */
	if (!dmabuf->ops->vmap)
		return -ENXIO;
	ret = dma_buf_begin_cpu_access(dmabuf, bo->dir);
	if (ret)
		return ret;
	ret = dma_buf_vmap(dmabuf, &bo->map);
	if (ret)
		dma_buf_end_cpu_access(dmabuf, bo->dir);
	return ret;
}

/*
 * Look up @handle and map it whole if it holds @len bytes from @offset,
 * for the CPU to access in direction @dir: -ENOENT for an unknown handle,
 * -EINVAL for a range outside the buffer. On failure @bo holds nothing:
 * bo->obj is NULL.
 */
int dummy_accel_bo_map(struct drm_file *file, u32 handle, u64 offset,
		       u64 len, enum dma_data_direction dir,
		       struct dummy_accel_bo_map *bo)
{
	u64 end;
	int ret;

	bo->dir = dir;
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
	if (bo->obj->import_attach)
		ret = dummy_accel_bo_vmap_import(bo);
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
	struct dma_buf *dmabuf;

	if (bo->obj->import_attach) {
		dmabuf = bo->obj->import_attach->dmabuf;
		dma_buf_vunmap(dmabuf, &bo->map);
		dma_buf_end_cpu_access(dmabuf, bo->dir);
	} else {
		drm_gem_shmem_vunmap(to_drm_gem_shmem_obj(bo->obj), &bo->map);
	}
	drm_gem_object_put(bo->obj);
}
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_bo_unmap);
