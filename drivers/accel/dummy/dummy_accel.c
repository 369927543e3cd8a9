// SPDX-License-Identifier: GPL-2.0-only
/*
 * dummy_accel: a compute accelerator without hardware.
 *
 * The reference driver of the accel subsystem. Each device is a platform
 * device bound to this driver; probe registers a DRIVER_COMPUTE_ACCEL DRM
 * device, which appears as /dev/accel/accelN. Buffers are GEM objects of
 * the shmem helpers, mapped through the node and shared as dma-bufs. Jobs
 * submitted through DRM_IOCTL_DUMMY_ACCEL_SUBMIT run on the CPU, on one of
 * the device's queues (a workqueue per simulated core), after the fences
 * they wait for; each completes a dma_fence that userspace waits for
 * through a syncobj.
 */

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/crc32.h>
#include <linux/debugfs.h>
#include <linux/dma-buf.h>
#include <linux/dma-fence-chain.h>
#include <linux/dma-fence.h>
#include <linux/iosys-map.h>
#include <linux/kref.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

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
#include <drm/drm_syncobj.h>
#include <uapi/drm/dummy_accel.h>

#define DRIVER_NAME	"dummy_accel"
#define DRIVER_DESC	"Dummy compute accelerator"
#define DRIVER_DATE	"20261126"
#define DRIVER_MAJOR	1
#define DRIVER_MINOR	0

/* More than ACCEL_MAX_MINORS, to exercise the core's limit. */
#define DUMMY_ACCEL_MAX_DEVICES	512
#define DUMMY_ACCEL_MAX_CORES	64

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
MODULE_PARM_DESC(num_cores, "Compute units (job queues) of each device, 1 to 64 (default 4)");

static unsigned int dummy_accel_job_timeout_ms = 1000;
module_param_named(job_timeout_ms, dummy_accel_job_timeout_ms, uint, 0444);
MODULE_PARM_DESC(job_timeout_ms,
		 "Time a job may run before it is cancelled and its queue reset, in ms (default 1000)");

/* A compute unit: its jobs run one after the other, in submission order */
struct dummy_accel_queue {
	struct workqueue_struct *wq;
	/* the dma_fence context of the queue's jobs */
	u64 context;
	/* protects seqno, orders the queueing of jobs; the fences' lock */
	spinlock_t lock;
	u64 seqno;
};

struct dummy_accel_device {
	struct drm_device drm;
	/* number of opens of the node, for debugfs */
	atomic64_t opens;
	/* sequence number of the last job submitted to the device */
	atomic64_t seqno;
	/* the RAS counters, indexed by DUMMY_ACCEL_RAS_KEY_* - 1 */
	atomic64_t ras[DUMMY_ACCEL_RAS_NUM_KEYS];
	/* fault injection (debugfs hang_jobs): the next jobs to hang */
	atomic_t hang_jobs;
	/* set once the device is going: waiting jobs give up */
	bool gone;
	/* jobs waiting for a fence or hung sleep here */
	wait_queue_head_t wait;
	unsigned int num_queues;
	struct dummy_accel_queue *queues;
};

/* Per open file: allocated in open, freed when the file and its jobs are gone */
struct dummy_accel_file {
	struct kref ref;
	/* jobs completed through this file; jobs may complete concurrently */
	atomic64_t jobs_done;
	/* time each queue spent on the file's jobs, in ns */
	atomic64_t busy_ns[];
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
	struct dummy_accel_device *adev = to_dummy_accel(drm);
	struct dummy_accel_file *dfile;

	dfile = kzalloc(struct_size(dfile, busy_ns, adev->num_queues), GFP_KERNEL);
	if (!dfile)
		return -ENOMEM;

	kref_init(&dfile->ref);
	file->driver_priv = dfile;
	atomic64_inc(&adev->opens);
	return 0;
}

static void dummy_accel_file_release(struct kref *ref)
{
	kfree(container_of(ref, struct dummy_accel_file, ref));
}

/* Jobs of the file still queued keep its counters until they complete */
static void dummy_accel_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct dummy_accel_file *dfile = file->driver_priv;

	kref_put(&dfile->ref, dummy_accel_file_release);
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
		args->value = to_dummy_accel(drm)->num_queues;
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

/*
 * A job: its buffers mapped, the fences it waits for, and its own fence,
 * which userspace waits for through a syncobj. The fence comes first: the
 * job is freed with it (dma_fence_free()) once its last reference is gone.
 */
struct dummy_accel_job {
	struct dma_fence fence;
	struct work_struct work;
	struct dummy_accel_device *adev;
	/* the counters of the file that submitted it, a reference */
	struct dummy_accel_file *dfile;
	unsigned int core;
	u32 op;
	u32 count;
	/* byte offsets of the first element and of the result */
	u64 pos;
	u64 out_offset;
	struct dummy_accel_bo_map in;
	/* out.obj is NULL for a job without an output buffer */
	struct dummy_accel_bo_map out;
	unsigned int num_deps;
	struct dma_fence *deps[];
};

static const char *dummy_accel_fence_driver_name(struct dma_fence *fence)
{
	return DRIVER_NAME;
}

/* A static name: a fence may outlive its device */
static const char *dummy_accel_fence_timeline_name(struct dma_fence *fence)
{
	return "core";
}

/* The fence kept the module, whose code its ops are, until now. */
static void dummy_accel_fence_release(struct dma_fence *fence)
{
	dma_fence_free(fence);
	module_put(THIS_MODULE);
}

static const struct dma_fence_ops dummy_accel_fence_ops = {
	.get_driver_name	= dummy_accel_fence_driver_name,
	.get_timeline_name	= dummy_accel_fence_timeline_name,
	.release		= dummy_accel_fence_release,
};

/* Unmap the buffers and drop the references of a job that ran or never will */
static void dummy_accel_job_cleanup(struct dummy_accel_job *job)
{
	unsigned int i;

	for (i = 0; i < job->num_deps; i++)
		dma_fence_put(job->deps[i]);
	if (job->out.obj)
		dummy_accel_bo_unmap(&job->out);
	if (job->in.obj)
		dummy_accel_bo_unmap(&job->in);
	kref_put(&job->dfile->ref, dummy_accel_file_release);
}

struct dummy_accel_dep_cb {
	struct dma_fence_cb cb;
	wait_queue_head_t *wait;
};

static void dummy_accel_dep_signalled(struct dma_fence *fence,
				      struct dma_fence_cb *cb)
{
	wake_up_all(container_of(cb, struct dummy_accel_dep_cb, cb)->wait);
}

/*
 * Wait until @fence signals, as the hardware would wait on a semaphore,
 * or the device goes: 0, the fence's error, or -ENODEV.
 */
static int dummy_accel_job_wait_dep(struct dummy_accel_device *adev,
				    struct dma_fence *fence)
{
	struct dummy_accel_dep_cb dep = { .wait = &adev->wait };

	if (!dma_fence_add_callback(fence, &dep.cb, dummy_accel_dep_signalled)) {
		wait_event_idle(adev->wait, dma_fence_is_signaled(fence) ||
				READ_ONCE(adev->gone));
		dma_fence_remove_callback(fence, &dep.cb);
	}
	if (!dma_fence_is_signaled(fence))
		return -ENODEV;
	return min(dma_fence_get_status(fence), 0);
}

/*
 * Fault injection: a hung job never finishes by itself. After the timeout
 * it is cancelled and its queue reset, which RAS counts; -ETIMEDOUT, or
 * -ENODEV when the device goes first, or 0 for a job that does not hang.
 */
static int dummy_accel_job_hang(struct dummy_accel_device *adev)
{
	if (!atomic_add_unless(&adev->hang_jobs, -1, 0))
		return 0;
	if (wait_event_idle_timeout(adev->wait, READ_ONCE(adev->gone),
				    msecs_to_jiffies(dummy_accel_job_timeout_ms)))
		return -ENODEV;
	atomic64_inc(&adev->ras[DUMMY_ACCEL_RAS_KEY_JOBS_TIMED_OUT - 1]);
	atomic64_inc(&adev->ras[DUMMY_ACCEL_RAS_KEY_QUEUE_RESETS - 1]);
	return -ETIMEDOUT;
}

/* The "hardware" runs the job and writes its result: 0, or -ENODEV */
static int dummy_accel_job_execute(struct dummy_accel_job *job)
{
	u64 start = ktime_get_ns(), result;
	int idx;

	if (!drm_dev_enter(&job->adev->drm, &idx))
		return -ENODEV;
	result = dummy_accel_run(&job->in.map, job->pos, job->count, job->op);
	if (job->out.obj)
		iosys_map_wr(&job->out.map, job->out_offset, u64, result);
	drm_dev_exit(idx);

	atomic64_add(ktime_get_ns() - start, &job->dfile->busy_ns[job->core]);
	atomic64_inc(&job->dfile->jobs_done);
	return 0;
}

/* The queue's worker: dependencies, the job, then its fence */
static void dummy_accel_job_work(struct work_struct *work)
{
	struct dummy_accel_job *job = container_of(work, struct dummy_accel_job, work);
	unsigned int i;
	int err = 0;

	/* jobs still queued when the device goes do not run */
	if (READ_ONCE(job->adev->gone))
		err = -ENODEV;
	for (i = 0; i < job->num_deps && !err; i++)
		err = dummy_accel_job_wait_dep(job->adev, job->deps[i]);
	if (!err)
		err = dummy_accel_job_hang(job->adev);
	if (!err)
		err = dummy_accel_job_execute(job);

	if (err)
		dma_fence_set_error(&job->fence, err);
	dma_fence_signal(&job->fence);
	dummy_accel_job_cleanup(job);
	dma_fence_put(&job->fence);
}

/*
 * Queue @job on its core: its fence gets the queue's next seqno, and the
 * queue runs jobs in that order. The caller gets a reference on the fence.
 */
static struct dma_fence *dummy_accel_job_push(struct dummy_accel_job *job)
{
	struct dummy_accel_queue *q = &job->adev->queues[job->core];
	unsigned long flags;

	__module_get(THIS_MODULE);
	INIT_WORK(&job->work, dummy_accel_job_work);
	spin_lock_irqsave(&q->lock, flags);
	dma_fence_init(&job->fence, &dummy_accel_fence_ops, &q->lock,
		       q->context, ++q->seqno);
	dma_fence_get(&job->fence);
	queue_work(q->wq, &job->work);
	spin_unlock_irqrestore(&q->lock, flags);
	return &job->fence;
}

/* Look up the fences of the job's in-syncobjs: 0 or -errno */
static int dummy_accel_job_deps(struct drm_file *file, struct dummy_accel_job *job,
				const struct drm_dummy_accel_submit *args)
{
	struct drm_dummy_accel_syncobj in[DUMMY_ACCEL_MAX_IN_SYNCOBJS];
	int ret;

	if (!args->in_syncobj_count)
		return 0;
	if (copy_from_user(in, u64_to_user_ptr(args->in_syncobjs),
			   args->in_syncobj_count * sizeof(in[0])))
		return -EFAULT;

	for (; job->num_deps < args->in_syncobj_count; job->num_deps++) {
		if (in[job->num_deps].flags)
			return -EINVAL;
		ret = drm_syncobj_find_fence(file, in[job->num_deps].handle,
					     in[job->num_deps].point, 0,
					     &job->deps[job->num_deps]);
		if (ret)
			return ret;
	}
	return 0;
}

/* Map the job's buffers, checking their ranges: 0 or -errno */
static int dummy_accel_job_buffers(struct drm_file *file, struct dummy_accel_job *job,
				   const struct drm_dummy_accel_submit *args)
{
	int ret;

	/* the first element's byte offset must fit in 64 bits */
	if (args->in_offset > U64_MAX / sizeof(u32))
		return -EINVAL;
	job->pos = args->in_offset * sizeof(u32);
	ret = dummy_accel_bo_map(file, args->in_handle, job->pos,
				 (u64)args->count * sizeof(u32), &job->in);
	if (ret) {
		job->in.obj = NULL;
		return ret;
	}

	if (!args->out_handle)
		return 0;
	if (!IS_ALIGNED(args->out_offset, sizeof(u64)))
		return -EINVAL;
	job->out_offset = args->out_offset;
	ret = dummy_accel_bo_map(file, args->out_handle, args->out_offset,
				 sizeof(u64), &job->out);
	if (ret)
		job->out.obj = NULL;
	return ret;
}

/* A job of @args with its buffers mapped and its fences found, or an error */
static struct dummy_accel_job *dummy_accel_job_create(struct drm_file *file,
						      const struct drm_dummy_accel_submit *args)
{
	struct dummy_accel_file *dfile = file->driver_priv;
	struct dummy_accel_job *job;
	int ret;

	job = kzalloc(struct_size(job, deps, args->in_syncobj_count), GFP_KERNEL);
	if (!job)
		return ERR_PTR(-ENOMEM);
	job->adev = to_dummy_accel(file->minor->dev);
	job->dfile = dfile;
	kref_get(&dfile->ref);
	job->core = args->core;
	job->op = args->op;
	job->count = args->count;

	ret = dummy_accel_job_buffers(file, job, args);
	if (!ret)
		ret = dummy_accel_job_deps(file, job, args);
	if (ret) {
		dummy_accel_job_cleanup(job);
		kfree(job);
		return ERR_PTR(ret);
	}
	return job;
}

/* The syncobj @out names, and a chain link if it names a timeline point */
static int dummy_accel_out_syncobj(struct drm_file *file,
				   const struct drm_dummy_accel_syncobj *out,
				   struct drm_syncobj **syncobj,
				   struct dma_fence_chain **chain)
{
	*syncobj = NULL;
	*chain = NULL;
	if (out->flags)
		return -EINVAL;
	if (!out->handle)
		return out->point ? -EINVAL : 0;

	*syncobj = drm_syncobj_find(file, out->handle);
	if (!*syncobj)
		return -ENOENT;
	if (!out->point)
		return 0;
	*chain = dma_fence_chain_alloc();
	if (*chain)
		return 0;
	drm_syncobj_put(*syncobj);
	return -ENOMEM;
}

/*
 * Everything that can fail is done before the job is queued: once it is,
 * its fence goes into the out-syncobj and the ioctl succeeds.
 */
static int dummy_accel_submit_ioctl(struct drm_device *drm, void *data,
				    struct drm_file *file)
{
	struct drm_dummy_accel_submit *args = data;
	struct dma_fence_chain *chain;
	struct dummy_accel_job *job;
	struct drm_syncobj *syncobj;
	struct dma_fence *fence;
	int idx, ret;

	if (args->flags || args->pad || args->op > DUMMY_ACCEL_OP_CRC32 ||
	    !args->count || args->count > DUMMY_ACCEL_MAX_ELEMENTS ||
	    args->in_syncobj_count > DUMMY_ACCEL_MAX_IN_SYNCOBJS)
		return -EINVAL;

	/* a real driver touches its hardware only inside this section */
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	ret = -EINVAL;
	if (args->core >= to_dummy_accel(drm)->num_queues)
		goto exit_dev;
	ret = dummy_accel_out_syncobj(file, &args->out_syncobj, &syncobj, &chain);
	if (ret)
		goto exit_dev;
	job = dummy_accel_job_create(file, args);
	if (IS_ERR(job)) {
		ret = PTR_ERR(job);
		goto put_syncobj;
	}

	fence = dummy_accel_job_push(job);
	if (chain)
		drm_syncobj_add_point(syncobj, chain, fence, args->out_syncobj.point);
	else if (syncobj)
		drm_syncobj_replace_fence(syncobj, fence);
	chain = NULL;
	dma_fence_put(fence);
	args->seqno = atomic64_inc_return(&to_dummy_accel(drm)->seqno);

put_syncobj:
	dma_fence_chain_free(chain);
	if (syncobj)
		drm_syncobj_put(syncobj);
exit_dev:
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
	[DUMMY_ACCEL_RAS_KEY_JOBS_TIMED_OUT - 1] = "timeouts",
	[DUMMY_ACCEL_RAS_KEY_QUEUE_RESETS - 1] = "resets",
	[DUMMY_ACCEL_RAS_KEY_CORRECTABLE - 1] = "correctable",
	[DUMMY_ACCEL_RAS_KEY_UNCORRECTABLE - 1] = "uncorrectable",
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
	/* the next N jobs hang until their timeout */
	debugfs_create_atomic_t("hang_jobs", 0600, minor->debugfs_root,
				&to_dummy_accel(minor->dev)->hang_jobs);
}

/* mmap() maps a buffer at the offset BO_CREATE returned (drm_gem_mmap()) */
DEFINE_DRM_ACCEL_FOPS(dummy_accel_fops);

static const struct drm_driver dummy_accel_drm_driver = {
	.driver_features	= DRIVER_COMPUTE_ACCEL | DRIVER_GEM |
				  DRIVER_SYNCOBJ | DRIVER_SYNCOBJ_TIMELINE,
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

/* Drain and free the job queues; jobs still queued run first. */
static void dummy_accel_queues_fini(struct dummy_accel_device *adev)
{
	while (adev->num_queues)
		destroy_workqueue(adev->queues[--adev->num_queues].wq);
}

/* Give @adev its job queues, one per core, each with a fence context */
static int dummy_accel_device_init(struct dummy_accel_device *adev)
{
	struct dummy_accel_queue *q;
	u64 context;

	init_waitqueue_head(&adev->wait);
	adev->queues = drmm_kcalloc(&adev->drm, dummy_accel_num_cores,
				    sizeof(*adev->queues), GFP_KERNEL);
	if (!adev->queues)
		return -ENOMEM;

	context = dma_fence_context_alloc(dummy_accel_num_cores);
	for (; adev->num_queues < dummy_accel_num_cores; adev->num_queues++) {
		q = &adev->queues[adev->num_queues];
		q->wq = alloc_ordered_workqueue("%s-core%u", 0, dev_name(adev->drm.dev),
						adev->num_queues);
		if (!q->wq) {
			dummy_accel_queues_fini(adev);
			return -ENOMEM;
		}
		q->context = context + adev->num_queues;
		spin_lock_init(&q->lock);
	}
	return 0;
}

/*
 * Unplug @adev: jobs waiting for a fence or hung give up, jobs queued
 * complete with -ENODEV, and the queues are gone when this returns. No
 * job is queued after drm_dev_unplug(): submission runs inside
 * drm_dev_enter().
 */
static void dummy_accel_device_unplug(struct dummy_accel_device *adev)
{
	WRITE_ONCE(adev->gone, true);
	wake_up_all(&adev->wait);
	/* open files see -ENODEV from now on; the device goes at last close */
	drm_dev_unplug(&adev->drm);
	dummy_accel_queues_fini(adev);
}

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
	if (ret)
		dummy_accel_queues_fini(adev);
	return ret;
}

static int dummy_accel_remove(struct platform_device *pdev)
{
	dummy_accel_device_unplug(platform_get_drvdata(pdev));
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
	if (!dummy_accel_num_cores || dummy_accel_num_cores > DUMMY_ACCEL_MAX_CORES) {
		pr_err(DRIVER_NAME ": num_cores=%u is not between 1 and %d\n",
		       dummy_accel_num_cores, DUMMY_ACCEL_MAX_CORES);
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
