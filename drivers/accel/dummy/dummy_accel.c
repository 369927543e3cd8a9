// SPDX-License-Identifier: GPL-2.0-only
/*
 * dummy_accel: a compute accelerator without hardware.
 *
 * The reference driver of the accel subsystem. Each device is a platform
 * device bound to this driver; probe registers a DRIVER_COMPUTE_ACCEL DRM
 * device, which appears as /dev/accel/accelN. Buffers are GEM objects of
 * the shmem helpers, mapped through the node and shared as dma-bufs. Jobs
 * submitted through DRM_IOCTL_DUMMY_ACCEL_SUBMIT read a buffer and run
 * synchronously on the CPU.
 */

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/crc32.h>
#include <linux/debugfs.h>
#include <linux/dma-buf.h>
#include <linux/iosys-map.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <drm/drm_accel.h>
#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>
#include <uapi/drm/dummy_accel.h>

#define DRIVER_NAME	"dummy_accel"
#define DRIVER_DESC	"Dummy compute accelerator"
#define DRIVER_DATE	"20261126"
#define DRIVER_MAJOR	1
#define DRIVER_MINOR	0

/* More than ACCEL_MAX_MINORS, to exercise the core's limit. */
#define DUMMY_ACCEL_MAX_DEVICES	512

#define DUMMY_ACCEL_RAS_FORMATS	(DUMMY_ACCEL_RAS_KV_U32 | DUMMY_ACCEL_RAS_JSON)
#define DUMMY_ACCEL_RAS_NUM_KEYS	DUMMY_ACCEL_RAS_KEY_UNCORRECTABLE
/* Room for the longest report: JSON with every count at U64_MAX */
#define DUMMY_ACCEL_RAS_MAX_LEN		256

static unsigned int dummy_accel_num_devices = 1;
module_param_named(num_devices, dummy_accel_num_devices, uint, 0444);
MODULE_PARM_DESC(num_devices,
		 "Number of devices to create, 0 to 512 (default 1); those beyond the 256 accel minors fail to probe");

static unsigned int dummy_accel_num_cores = 4;
module_param_named(num_cores, dummy_accel_num_cores, uint, 0444);
MODULE_PARM_DESC(num_cores, "Compute units reported by each device (default 4)");

struct dummy_accel_device {
	struct drm_device drm;
	/* number of opens of the node, for debugfs */
	atomic64_t opens;
	/* sequence number of the last job submitted to the device */
	atomic64_t seqno;
	/* the RAS counters, indexed by DUMMY_ACCEL_RAS_KEY_* - 1 */
	atomic64_t ras[DUMMY_ACCEL_RAS_NUM_KEYS];
};

/* Per open file: allocated in open, freed in postclose. */
struct dummy_accel_file {
	/* jobs completed through this file; ioctls may run concurrently */
	atomic64_t jobs_done;
};

/* The platform devices the module created, dummy_accel_ndevs of them */
static struct platform_device *dummy_accel_pdevs[DUMMY_ACCEL_MAX_DEVICES];
static unsigned int dummy_accel_ndevs;

static struct dummy_accel_device *to_dummy_accel(struct drm_device *drm)
{
	return container_of(drm, struct dummy_accel_device, drm);
}

static int dummy_accel_open(struct drm_device *drm, struct drm_file *file)
{
	struct dummy_accel_file *dfile;

	dfile = kzalloc(sizeof(*dfile), GFP_KERNEL);
	if (!dfile)
		return -ENOMEM;

	file->driver_priv = dfile;
	atomic64_inc(&to_dummy_accel(drm)->opens);
	return 0;
}

static void dummy_accel_postclose(struct drm_device *drm, struct drm_file *file)
{
	kfree(file->driver_priv);
}

static int dummy_accel_get_param_ioctl(struct drm_device *drm, void *data,
				       struct drm_file *file)
{
	struct drm_dummy_accel_get_param *args = data;
	struct dummy_accel_file *dfile = file->driver_priv;

	if (args->pad)
		return -EINVAL;

	switch (args->param) {
	case DUMMY_ACCEL_PARAM_VERSION:
		args->value = DUMMY_ACCEL_INTERFACE_VERSION;
		break;
	case DUMMY_ACCEL_PARAM_NUM_CORES:
		args->value = dummy_accel_num_cores;
		break;
	case DUMMY_ACCEL_PARAM_INDEX:
		args->value = file->minor->index;
		break;
	case DUMMY_ACCEL_PARAM_JOBS_DONE:
		args->value = atomic64_read(&dfile->jobs_done);
		break;
	case DUMMY_ACCEL_PARAM_RAS_FORMATS:
		args->value = DUMMY_ACCEL_RAS_FORMATS;
		break;
	case DUMMY_ACCEL_PARAM_MAX_BO_SIZE:
		args->value = DUMMY_ACCEL_MAX_BO_SIZE;
		break;
	case DUMMY_ACCEL_PARAM_BO_ALIGNMENT:
		args->value = PAGE_SIZE;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static int dummy_accel_bo_create_ioctl(struct drm_device *drm, void *data,
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

static int dummy_accel_bo_info_ioctl(struct drm_device *drm, void *data,
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

/* A buffer a job uses: @len bytes from @offset of it, mapped into the kernel */
struct dummy_accel_bo_map {
	struct drm_gem_object *obj;
	struct iosys_map map;
};

/*
 * Look up @handle and map it whole if it holds @len bytes from @offset:
 * -ENOENT for an unknown handle, -EINVAL for a range outside the buffer.
 */
static int dummy_accel_bo_map(struct drm_file *file, u32 handle, u64 offset,
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
	return ret;
}

static void dummy_accel_bo_unmap(struct dummy_accel_bo_map *bo)
{
	if (bo->obj->import_attach)
		dma_buf_vunmap(bo->obj->import_attach->dmabuf, &bo->map);
	else
		drm_gem_shmem_vunmap(to_drm_gem_shmem_obj(bo->obj), &bo->map);
	drm_gem_object_put(bo->obj);
}

/* The "hardware": reduce @count elements at byte @pos of @in with @op. */
static u64 dummy_accel_run(const struct iosys_map *in, u64 pos, u32 count,
			   u32 op)
{
	u32 buf[64];
	u64 acc = op == DUMMY_ACCEL_OP_CRC32 ? U32_MAX : 0;
	unsigned int i, n;

	for (; count; count -= n, pos += n * sizeof(*buf)) {
		n = min_t(u32, count, ARRAY_SIZE(buf));
		iosys_map_memcpy_from(buf, in, pos, n * sizeof(*buf));

		if (op == DUMMY_ACCEL_OP_CRC32) {
			acc = crc32_le(acc, (u8 *)buf, n * sizeof(*buf));
			continue;
		}
		for (i = 0; i < n; i++)
			acc = op == DUMMY_ACCEL_OP_SUM ? acc + buf[i] : acc ^ buf[i];
	}

	return op == DUMMY_ACCEL_OP_CRC32 ? acc ^ U32_MAX : acc;
}

/* Map the job's buffers, run it, write its result: 0 or an error */
static int dummy_accel_job(struct drm_file *file,
			   struct drm_dummy_accel_submit *args)
{
	struct dummy_accel_bo_map in, out;
	u64 pos;
	int ret;

	/* the first element's byte offset must fit in 64 bits */
	if (args->in_offset > U64_MAX / sizeof(u32))
		return -EINVAL;
	pos = args->in_offset * sizeof(u32);

	ret = dummy_accel_bo_map(file, args->in_handle, pos,
				 (u64)args->count * sizeof(u32), &in);
	if (ret)
		return ret;

	if (args->out_handle) {
		ret = -EINVAL;
		if (!IS_ALIGNED(args->out_offset, sizeof(u64)))
			goto unmap_in;
		ret = dummy_accel_bo_map(file, args->out_handle,
					 args->out_offset, sizeof(u64), &out);
		if (ret)
			goto unmap_in;
	}

	args->result = dummy_accel_run(&in.map, pos, args->count, args->op);

	if (args->out_handle) {
		iosys_map_wr(&out.map, args->out_offset, u64, args->result);
		dummy_accel_bo_unmap(&out);
	}
	ret = 0;

unmap_in:
	dummy_accel_bo_unmap(&in);
	return ret;
}

static int dummy_accel_submit_ioctl(struct drm_device *drm, void *data,
				    struct drm_file *file)
{
	struct drm_dummy_accel_submit *args = data;
	struct dummy_accel_file *dfile = file->driver_priv;
	int idx, ret;

	if (args->flags || args->pad || args->op > DUMMY_ACCEL_OP_CRC32)
		return -EINVAL;
	if (!args->count || args->count > DUMMY_ACCEL_MAX_ELEMENTS)
		return -EINVAL;

	/* a real driver touches its hardware only inside this section */
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	ret = dummy_accel_job(file, args);
	if (!ret) {
		args->seqno = atomic64_inc_return(&to_dummy_accel(drm)->seqno);
		atomic64_inc(&dfile->jobs_done);
	}

	drm_dev_exit(idx);
	return ret;
}

/*
 * Every client of the device sees the numbering restart, so only root may
 * do it: the table marks it DRM_ROOT_ONLY and the core checks the caller.
 */
static int dummy_accel_reset_ioctl(struct drm_device *drm, void *data,
				   struct drm_file *file)
{
	struct drm_dummy_accel_reset *args = data;
	int idx;

	if (args->flags || args->pad)
		return -EINVAL;

	/* a real reset touches the hardware: not once it is unplugged */
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	atomic64_set(&to_dummy_accel(drm)->seqno, 0);

	drm_dev_exit(idx);
	return 0;
}

/* The names of the RAS counters in a JSON report, in the order of the keys */
static const char * const dummy_accel_ras_names[DUMMY_ACCEL_RAS_NUM_KEYS] = {
	[DUMMY_ACCEL_RAS_KEY_JOBS_TIMED_OUT - 1] = "jobs_timed_out",
	[DUMMY_ACCEL_RAS_KEY_QUEUE_RESETS - 1] = "queue_resets",
	[DUMMY_ACCEL_RAS_KEY_CORRECTABLE - 1] = "correctable_errors",
	[DUMMY_ACCEL_RAS_KEY_UNCORRECTABLE - 1] = "uncorrectable_errors",
};

/*
 * Encode the counts @vals as a report in @format into @buf, which has room
 * for DUMMY_ACCEL_RAS_MAX_LEN bytes: the report's length in bytes.
 */
static u32 dummy_accel_ras_encode(u32 format, const u64 *vals, char *buf)
{
	u32 pair[2];
	int i, len = 0;

	for (i = 0; i < DUMMY_ACCEL_RAS_NUM_KEYS; i++) {
		if (format == DUMMY_ACCEL_RAS_KV_U32) {
			pair[0] = i + 1;
			pair[1] = min_t(u64, vals[i], U32_MAX);
			memcpy(buf + len, pair, sizeof(pair));
			len += sizeof(pair);
			continue;
		}
		len += scnprintf(buf + len, DUMMY_ACCEL_RAS_MAX_LEN - len,
				 "%c\"%s\":%llu", i ? ',' : '{',
				 dummy_accel_ras_names[i], vals[i]);
	}
	if (format == DUMMY_ACCEL_RAS_JSON)
		len += scnprintf(buf + len, DUMMY_ACCEL_RAS_MAX_LEN - len, "}");
	return len;
}

/*
 * The two-call pattern: a size of 0 asks for the length, a buffer too small
 * gets -ENOSPC and the length, otherwise the report is copied out.
 */
static int dummy_accel_ras_query_ioctl(struct drm_device *drm, void *data,
				       struct drm_file *file)
{
	struct dummy_accel_device *adev = to_dummy_accel(drm);
	struct drm_dummy_accel_ras_query *args = data;
	u64 vals[DUMMY_ACCEL_RAS_NUM_KEYS];
	char report[DUMMY_ACCEL_RAS_MAX_LEN];
	u32 len;
	int i;

	if (args->flags || args->pad || hweight32(args->format) != 1)
		return -EINVAL;
	if (!(args->format & DUMMY_ACCEL_RAS_FORMATS))
		return -EOPNOTSUPP;

	for (i = 0; i < DUMMY_ACCEL_RAS_NUM_KEYS; i++)
		vals[i] = atomic64_read(&adev->ras[i]);
	len = dummy_accel_ras_encode(args->format, vals, report);

	if (args->size && args->size < len) {
		args->size = len;
		return -ENOSPC;
	}
	if (args->size && copy_to_user(u64_to_user_ptr(args->data), report, len))
		return -EFAULT;
	args->size = len;
	return 0;
}

static const struct drm_ioctl_desc dummy_accel_ioctls[] = {
	DRM_IOCTL_DEF_DRV(DUMMY_ACCEL_GET_PARAM, dummy_accel_get_param_ioctl, 0),
	DRM_IOCTL_DEF_DRV(DUMMY_ACCEL_SUBMIT, dummy_accel_submit_ioctl, 0),
	DRM_IOCTL_DEF_DRV(DUMMY_ACCEL_RESET, dummy_accel_reset_ioctl,
			  DRM_ROOT_ONLY),
	DRM_IOCTL_DEF_DRV(DUMMY_ACCEL_BO_CREATE, dummy_accel_bo_create_ioctl, 0),
	DRM_IOCTL_DEF_DRV(DUMMY_ACCEL_BO_INFO, dummy_accel_bo_info_ioctl, 0),
	DRM_IOCTL_DEF_DRV(DUMMY_ACCEL_RAS_QUERY, dummy_accel_ras_query_ioctl, 0),
};

static int dummy_accel_counters_show(struct seq_file *m, void *unused)
{
	struct drm_info_node *node = m->private;
	struct dummy_accel_device *adev = to_dummy_accel(node->minor->dev);
	int i;

	seq_printf(m, "opens %lld\n", (long long)atomic64_read(&adev->opens));
	seq_printf(m, "jobs %lld\n", (long long)atomic64_read(&adev->seqno));
	for (i = 0; i < DUMMY_ACCEL_RAS_NUM_KEYS; i++)
		seq_printf(m, "%s %lld\n", dummy_accel_ras_names[i],
			   (long long)atomic64_read(&adev->ras[i]));
	return 0;
}

static const struct drm_info_list dummy_accel_debugfs_list[] = {
	{ "counters", dummy_accel_counters_show, 0 },
};

/*
 * debugfs ras_inject: writing "correctable" or "uncorrectable" counts one
 * error of that kind, as if the device had reported it.
 */
static ssize_t dummy_accel_ras_inject_write(struct file *f,
					    const char __user *ubuf,
					    size_t len, loff_t *pos)
{
	struct dummy_accel_device *adev = f->private_data;
	char kind[16];
	int key;

	if (len >= sizeof(kind))
		return -EINVAL;
	if (copy_from_user(kind, ubuf, len))
		return -EFAULT;
	kind[len] = '\0';

	if (sysfs_streq(kind, "correctable"))
		key = DUMMY_ACCEL_RAS_KEY_CORRECTABLE;
	else if (sysfs_streq(kind, "uncorrectable"))
		key = DUMMY_ACCEL_RAS_KEY_UNCORRECTABLE;
	else
		return -EINVAL;

	atomic64_inc(&adev->ras[key - 1]);
	return len;
}

static const struct file_operations dummy_accel_ras_inject_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= dummy_accel_ras_inject_write,
	.llseek	= no_llseek,
};

/* Called by the accel core with the device's accel/<N>/ directory. */
static void dummy_accel_debugfs_init(struct drm_minor *minor)
{
	drm_debugfs_create_files(dummy_accel_debugfs_list,
				 ARRAY_SIZE(dummy_accel_debugfs_list),
				 minor->debugfs_root, minor);
	debugfs_create_file("ras_inject", 0200, minor->debugfs_root,
			    to_dummy_accel(minor->dev),
			    &dummy_accel_ras_inject_fops);
}

/* mmap() maps a buffer at the offset BO_CREATE returned (drm_gem_mmap()) */
DEFINE_DRM_ACCEL_FOPS(dummy_accel_fops);

static const struct drm_driver dummy_accel_drm_driver = {
	.driver_features	= DRIVER_COMPUTE_ACCEL | DRIVER_GEM,
	.open			= dummy_accel_open,
	.postclose		= dummy_accel_postclose,
	/*
	 * PRIME, set member by member as 6.1 wants it: buffers are exported
	 * as dma-bufs of the GEM core, and a dma-buf of another device or
	 * driver is imported as a shmem object over its pages. No
	 * dumb_create: dumb buffers are for displays.
	 */
	.prime_handle_to_fd	= drm_gem_prime_handle_to_fd,
	.prime_fd_to_handle	= drm_gem_prime_fd_to_handle,
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table,
	.gem_prime_mmap		= drm_gem_prime_mmap,
	.ioctls			= dummy_accel_ioctls,
	.num_ioctls		= ARRAY_SIZE(dummy_accel_ioctls),
	.debugfs_init		= dummy_accel_debugfs_init,
	.fops			= &dummy_accel_fops,
	.name			= DRIVER_NAME,
	.desc			= DRIVER_DESC,
	.date			= DRIVER_DATE,
	.major			= DRIVER_MAJOR,
	.minor			= DRIVER_MINOR,
};

static int dummy_accel_probe(struct platform_device *pdev)
{
	struct dummy_accel_device *adev;

	adev = devm_drm_dev_alloc(&pdev->dev, &dummy_accel_drm_driver,
				  struct dummy_accel_device, drm);
	if (IS_ERR(adev))
		return PTR_ERR(adev);

	platform_set_drvdata(pdev, adev);
	return drm_dev_register(&adev->drm, 0);
}

static int dummy_accel_remove(struct platform_device *pdev)
{
	struct dummy_accel_device *adev = platform_get_drvdata(pdev);

	/* open files see -ENODEV from now on; the device goes at last close */
	drm_dev_unplug(&adev->drm);
	return 0;
}

static struct platform_driver dummy_accel_platform_driver = {
	.probe	= dummy_accel_probe,
	.remove	= dummy_accel_remove,
	.driver	= {
		.name = DRIVER_NAME,
	},
};

static void dummy_accel_destroy_devices(void)
{
	while (dummy_accel_ndevs)
		platform_device_unregister(dummy_accel_pdevs[--dummy_accel_ndevs]);
}

/*
 * Each device binds to the driver as it is added; one that fails to probe
 * (past the 256 accel minors, say) stays unbound and the rest work on.
 */
static int dummy_accel_create_devices(void)
{
	struct platform_device *pdev;

	while (dummy_accel_ndevs < dummy_accel_num_devices) {
		pdev = platform_device_register_simple(DRIVER_NAME,
						       dummy_accel_ndevs, NULL, 0);
		if (IS_ERR(pdev)) {
			dummy_accel_destroy_devices();
			return PTR_ERR(pdev);
		}
		dummy_accel_pdevs[dummy_accel_ndevs++] = pdev;
	}
	return 0;
}

static int __init dummy_accel_init(void)
{
	int ret;

	if (dummy_accel_num_devices > DUMMY_ACCEL_MAX_DEVICES) {
		pr_err(DRIVER_NAME ": num_devices=%u is above the maximum of %d\n",
		       dummy_accel_num_devices, DUMMY_ACCEL_MAX_DEVICES);
		return -EINVAL;
	}

	ret = platform_driver_register(&dummy_accel_platform_driver);
	if (ret)
		return ret;

	ret = dummy_accel_create_devices();
	if (ret)
		goto err_unregister_driver;
	return 0;

err_unregister_driver:
	platform_driver_unregister(&dummy_accel_platform_driver);
	return ret;
}

static void __exit dummy_accel_exit(void)
{
	dummy_accel_destroy_devices();
	platform_driver_unregister(&dummy_accel_platform_driver);
}

module_init(dummy_accel_init);
module_exit(dummy_accel_exit);

MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_LICENSE("GPL");
/* dma_buf_vmap() of imported buffers */
MODULE_IMPORT_NS(DMA_BUF);

#if IS_ENABLED(CONFIG_DRM_ACCEL_DUMMY_KUNIT_TEST)
#include "dummy_accel_test.c"
#endif
