// SPDX-License-Identifier: GPL-2.0-only
/*
 * dummy_accel: a compute accelerator without hardware.
 *
 * The reference driver of the accel subsystem. Each device is a platform
 * device bound to this driver; probe registers a DRIVER_COMPUTE_ACCEL DRM
 * device, which appears as /dev/accel/accelN. Buffers are GEM objects of
 * the shmem helpers, mapped through the node and shared as dma-bufs. Jobs
 * submitted through DRM_IOCTL_DUMMY_ACCEL_SUBMIT go through the DRM GPU
 * scheduler of one of the device's simulated cores, which runs them on
 * the CPU after the fences they wait for; each completes a dma_fence that
 * userspace waits for through a syncobj.
 */

#include <kunit/visibility.h>
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/wait_bit.h>

#include <drm/drm_accel.h>
#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>

#include "dummy_accel.h"

#define DRIVER_DESC	"Dummy compute accelerator"
#define DRIVER_DATE	"20261126"
#define DRIVER_MAJOR	1
#define DRIVER_MINOR	0

/* More than ACCEL_MAX_MINORS, to exercise the core's limit. */
#define DUMMY_ACCEL_MAX_DEVICES	512
#define DUMMY_ACCEL_MAX_CORES	64
/* The longest job timeout sysfs takes: a day */
#define DUMMY_ACCEL_MAX_TIMEOUT_MS	(24U * 60 * 60 * 1000)

static unsigned int dummy_accel_num_devices = 1;
module_param_named(num_devices, dummy_accel_num_devices, uint, 0444);
MODULE_PARM_DESC(num_devices,
		 "Number of devices to create, 0 to 512 (default 1); those beyond the 256 accel minors fail to probe");

static unsigned int dummy_accel_num_cores = 4;
module_param_named(num_cores, dummy_accel_num_cores, uint, 0444);
MODULE_PARM_DESC(num_cores, "Compute units (job queues) of each device, 1 to 64 (default 4)");

unsigned int dummy_accel_job_timeout_ms = 1000;
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_job_timeout_ms);
module_param_named(job_timeout_ms, dummy_accel_job_timeout_ms, uint, 0444);
MODULE_PARM_DESC(job_timeout_ms,
		 "Time a job may run before it is stopped and its core reset, in ms, 0 for no limit (default 1000); each device's sysfs job_timeout_ms changes it at run time");

/* The platform devices the module created, dummy_accel_ndevs of them */
static struct platform_device *dummy_accel_pdevs[DUMMY_ACCEL_MAX_DEVICES];
static unsigned int dummy_accel_ndevs;

static int dummy_accel_open(struct drm_device *drm, struct drm_file *file)
{
	struct dummy_accel_device *adev = to_dummy_accel(drm);
	struct dummy_accel_file *dfile;

	int ret;

	dfile = kzalloc(struct_size(dfile, busy_ns, adev->num_cores), GFP_KERNEL);
	if (!dfile)
		return -ENOMEM;

	ret = dummy_accel_entities_init(adev, dfile);
	if (ret) {
		kfree(dfile);
		return ret;
	}
	kref_init(&dfile->ref);
	mutex_init(&dfile->submit_lock);
	file->driver_priv = dfile;
	atomic64_inc(&adev->opens);
	return 0;
}

void dummy_accel_file_release(struct kref *ref)
{
	struct dummy_accel_file *dfile = container_of(ref, struct dummy_accel_file, ref);

	mutex_destroy(&dfile->submit_lock);
	kfree(dfile);
}

/*
 * The file's entities go first (dummy_accel_entities_fini() says what
 * happens to its jobs); jobs keep its counters until they are freed.
 */
static void dummy_accel_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct dummy_accel_file *dfile = file->driver_priv;

	dummy_accel_entities_fini(dfile);
	/*
	 * Unplugged, the file's jobs have ended or were just cancelled: wait
	 * until their release (short work items) has let go of the device,
	 * so that the file's put of it is the last and its accel index is
	 * free when close() returns. A live device's close never waits.
	 */
	if (drm_dev_is_unplugged(drm))
		wait_var_event(&dfile->jobs_on_device, !atomic_read(&dfile->jobs_on_device));
	kref_put(&dfile->ref, dummy_accel_file_release);
}

/*
 * fdinfo, the keys after drm-driver and drm-client-id: the cores are one
 * engine, "core", of num_cores identical units, so its busy time is the
 * sum of the cores' (up to num_cores ns per ns); its clock is read from
 * the device's registers, and its cycles are the busy time at that clock;
 * memory is the size of the buffers the file has handles to, less those
 * imported from others. drm_show_fdinfo() calls this inside
 * drm_dev_enter(): the registers are there.
 */
static void dummy_accel_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct dummy_accel_file *dfile = file->driver_priv;
	u32 clock_mhz = to_dummy_accel(file->minor->dev)->regs->clock_mhz;
	struct drm_gem_object *obj;
	u64 busy_ns = 0, bytes = 0;
	unsigned int i;
	int handle;

	for (i = 0; i < dfile->num_cores; i++)
		busy_ns += atomic64_read(&dfile->busy_ns[i]);

	spin_lock(&file->table_lock);
	idr_for_each_entry(&file->object_idr, obj, handle)
		if (!obj->import_attach)
			bytes += obj->size;
	spin_unlock(&file->table_lock);

	drm_printf(p, "drm-engine-core:\t%llu ns\n", busy_ns);
	if (dfile->num_cores > 1)
		drm_printf(p, "drm-engine-capacity-core:\t%u\n", dfile->num_cores);
	/* the cores run at their clock whenever they are busy */
	drm_printf(p, "drm-cycles-core:\t%llu\n", mul_u64_u32_div(busy_ns, clock_mhz, 1000));
	drm_printf(p, "drm-maxfreq-core:\t%u MHz\n", clock_mhz);
	drm_printf(p, "drm-memory-system:\t%llu KiB\n", bytes / SZ_1K);
}

static int dummy_accel_get_param_ioctl(struct drm_device *drm, void *data,
				       struct drm_file *file)
{
	struct drm_dummy_accel_get_param *args = data;
	struct dummy_accel_file *dfile = file->driver_priv;

	if (args->pad)
		return -EINVAL;

	switch (args->param) {
	case DUMMY_ACCEL_PARAM_NUM_CORES:
		args->value = to_dummy_accel(drm)->num_cores;
		break;
	case DUMMY_ACCEL_PARAM_INDEX:
		args->value = file->minor->index;
		break;
	case DUMMY_ACCEL_PARAM_JOBS_DONE:
		args->value = atomic64_read(&dfile->jobs_done);
		break;
	case DUMMY_ACCEL_PARAM_MAX_BO_SIZE:
		args->value = DUMMY_ACCEL_MAX_BO_SIZE;
		break;
	case DUMMY_ACCEL_PARAM_BO_ALIGNMENT:
		args->value = PAGE_SIZE;
		break;
	case DUMMY_ACCEL_PARAM_JOB_TIMEOUT_MS:
		args->value = READ_ONCE(to_dummy_accel(drm)->timeout_ms);
		break;
	case DUMMY_ACCEL_PARAM_HAS_IMPLICIT_SYNC:
	case DUMMY_ACCEL_PARAM_HAS_TIMELINE_ERRORS:
		args->value = 1;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static const struct drm_ioctl_desc dummy_accel_ioctls[] = {
	DRM_IOCTL_DEF_DRV(DUMMY_ACCEL_GET_PARAM, dummy_accel_get_param_ioctl, 0),
	DRM_IOCTL_DEF_DRV(DUMMY_ACCEL_SUBMIT, dummy_accel_submit_ioctl, 0),
	DRM_IOCTL_DEF_DRV(DUMMY_ACCEL_BO_CREATE, dummy_accel_bo_create_ioctl, 0),
	DRM_IOCTL_DEF_DRV(DUMMY_ACCEL_BO_INFO, dummy_accel_bo_info_ioctl, 0),
};

static int dummy_accel_counters_show(struct seq_file *m, void *unused)
{
	struct drm_info_node *node = m->private;
	struct dummy_accel_device *adev = to_dummy_accel(node->minor->dev);

	seq_printf(m, "opens %lld\n", (long long)atomic64_read(&adev->opens));
	seq_printf(m, "jobs %lld\n", (long long)atomic64_read(&adev->jobs));
	dummy_accel_ras_show(m, adev);
	return 0;
}

static const struct drm_info_list dummy_accel_debugfs_list[] = {
	{ "counters", dummy_accel_counters_show, 0 },
};

/* Called by the accel core with the device's accel/<N>/ directory. */
static void dummy_accel_debugfs_init(struct drm_minor *minor)
{
	drm_debugfs_create_files(dummy_accel_debugfs_list,
				 ARRAY_SIZE(dummy_accel_debugfs_list),
				 minor->debugfs_root, minor);
	dummy_accel_ras_debugfs_init(to_dummy_accel(minor->dev),
				     minor->debugfs_root);
	/* the next N jobs hang until their timeout */
	debugfs_create_atomic_t("hang_jobs", 0600, minor->debugfs_root,
				&to_dummy_accel(minor->dev)->hang_jobs);
}

/*
 * mmap() maps a buffer at the offset BO_CREATE returned (drm_gem_mmap());
 * fdinfo shows the usage keys (drm_show_fdinfo()).
 */
static const struct file_operations dummy_accel_fops = {
	.owner		= THIS_MODULE,
	DRM_ACCEL_FOPS,
	.show_fdinfo	= drm_show_fdinfo,
};

const struct drm_driver dummy_accel_drm_driver = {
	.driver_features	= DRIVER_COMPUTE_ACCEL | DRIVER_GEM |
				  DRIVER_SYNCOBJ | DRIVER_SYNCOBJ_TIMELINE,
	.open			= dummy_accel_open,
	.postclose		= dummy_accel_postclose,
	.show_fdinfo		= dummy_accel_show_fdinfo,
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
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_drm_driver);

/* Give @adev its registers and its cores, each with its scheduler */
int dummy_accel_device_init(struct dummy_accel_device *adev)
{
	int ret;

	adev->regs = devm_kzalloc(adev->drm.dev, sizeof(*adev->regs), GFP_KERNEL);
	if (!adev->regs)
		return -ENOMEM;
	adev->regs->clock_mhz = DUMMY_ACCEL_CLOCK_MHZ;

	init_waitqueue_head(&adev->wait);
	ret = drmm_mutex_init(&adev->drm, &adev->timeout_lock);
	if (ret)
		return ret;
	adev->timeout_ms = READ_ONCE(dummy_accel_job_timeout_ms);
	return dummy_accel_cores_init(adev, dummy_accel_num_cores);
}
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_device_init);

/*
 * Unplug @adev: open files see -ENODEV from now on, and no job is pushed
 * after drm_dev_unplug(), as submission pushes inside drm_dev_enter().
 * Then the cores stop (dummy_accel_core_fini()). The device goes at the
 * last close.
 */
void dummy_accel_device_unplug(struct dummy_accel_device *adev)
{
	drm_dev_unplug(&adev->drm);
	dummy_accel_cores_fini(adev);
}
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_device_unplug);

/*
 * sysfs job_timeout_ms of the device (/sys/class/accel/accelN/device/):
 * how long a job may run before its core is reset, in ms, 0 for no limit.
 * The device's, not a file's: a core that runs one client's long job is
 * not running the others', so the administrator decides.
 */
static ssize_t job_timeout_ms_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct dummy_accel_device *adev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", READ_ONCE(adev->timeout_ms));
}

static ssize_t job_timeout_ms_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t count)
{
	struct dummy_accel_device *adev = dev_get_drvdata(dev);
	unsigned int ms;
	int ret;

	ret = kstrtouint(buf, 0, &ms);
	if (ret)
		return ret;
	if (ms > DUMMY_ACCEL_MAX_TIMEOUT_MS)
		return -EINVAL;
	dummy_accel_cores_set_timeout(adev, ms);
	return count;
}
static DEVICE_ATTR_RW(job_timeout_ms);

static struct attribute *dummy_accel_attrs[] = {
	&dev_attr_job_timeout_ms.attr,
	NULL,
};
ATTRIBUTE_GROUPS(dummy_accel);

static int dummy_accel_probe(struct platform_device *pdev)
{
	struct dummy_accel_device *adev;
	int ret;

	adev = devm_drm_dev_alloc(&pdev->dev, &dummy_accel_drm_driver,
				  struct dummy_accel_device, drm);
	if (IS_ERR(adev))
		return PTR_ERR(adev);
	platform_set_drvdata(pdev, adev);

	ret = dummy_accel_device_init(adev);
	if (ret)
		return ret;
	ret = drm_dev_register(&adev->drm, 0);
	if (ret) {
		dummy_accel_cores_fini(adev);
		return ret;
	}
	/* the RAS nodes once the accel node they belong to is there */
	ret = dummy_accel_ras_register(adev);
	if (ret)
		dummy_accel_device_unplug(adev);
	return ret;
}

static int dummy_accel_remove(struct platform_device *pdev)
{
	struct dummy_accel_device *adev = platform_get_drvdata(pdev);

	dummy_accel_ras_unregister(adev);
	dummy_accel_device_unplug(adev);
	return 0;
}

static struct platform_driver dummy_accel_platform_driver = {
	.probe	= dummy_accel_probe,
	.remove	= dummy_accel_remove,
	.driver	= {
		.name		= DRIVER_NAME,
		.dev_groups	= dummy_accel_groups,
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
	if (!dummy_accel_num_cores || dummy_accel_num_cores > DUMMY_ACCEL_MAX_CORES) {
		pr_err(DRIVER_NAME ": num_cores=%u is not between 1 and %d\n",
		       dummy_accel_num_cores, DUMMY_ACCEL_MAX_CORES);
		return -EINVAL;
	}

	ret = dummy_accel_jobs_init();
	if (ret)
		return ret;

	ret = platform_driver_register(&dummy_accel_platform_driver);
	if (ret)
		goto err_jobs_fini;

	ret = dummy_accel_create_devices();
	if (ret)
		goto err_unregister_driver;
	return 0;

err_unregister_driver:
	platform_driver_unregister(&dummy_accel_platform_driver);
err_jobs_fini:
	dummy_accel_jobs_fini();
	return ret;
}

static void __exit dummy_accel_exit(void)
{
	dummy_accel_destroy_devices();
	platform_driver_unregister(&dummy_accel_platform_driver);
	dummy_accel_jobs_fini();
}

module_init(dummy_accel_init);
module_exit(dummy_accel_exit);

MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_LICENSE("GPL");
/* dma_buf_vmap() of imported buffers */
MODULE_IMPORT_NS(DMA_BUF);
