// SPDX-License-Identifier: GPL-2.0-only
/*
 * dummy_accel's jobs. SUBMIT checks a job, maps its buffers, takes the
 * fences of its in-syncobjs and queues it on its core's ordered
 * workqueue; the worker waits for those fences, runs the job on the CPU
 * (the "hardware") and signals the job's dma_fence, which SUBMIT put into
 * the out-syncobj. A job may hang (fault injection): it is cancelled after
 * job_timeout_ms. Unplug cancels what has not run.
 */

#include <kunit/visibility.h>
#include <linux/crc32.h>
#include <linux/dma-fence-chain.h>
#include <linux/dma-fence.h>
#include <linux/iosys-map.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_syncobj.h>

#include "dummy_accel.h"

/* The "hardware": reduce @count elements at byte @pos of @in with @op. */
u64 dummy_accel_run(const struct iosys_map *in, u64 pos, u32 count, u32 op)
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
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_run);

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
 * The timeout is kept on the monotonic clock that userspace sees: a
 * jiffies sleep alone can end early when jiffies lag behind it (a
 * descheduled vCPU misses ticks), so the wait goes on until it has passed.
 */
static int dummy_accel_job_hang(struct dummy_accel_device *adev)
{
	ktime_t end;
	s64 left;

	if (!atomic_add_unless(&adev->hang_jobs, -1, 0))
		return 0;
	end = ktime_add_ms(ktime_get(), dummy_accel_job_timeout_ms);
	while ((left = ktime_us_delta(end, ktime_get())) > 0) {
		/* at least a jiffy: the conversion rounds up */
		if (wait_event_idle_timeout(adev->wait, READ_ONCE(adev->gone),
					    usecs_to_jiffies(min_t(s64, left, UINT_MAX))))
			return -ENODEV;
	}
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
	if (ret)
		return ret;

	if (!args->out_handle)
		return 0;
	if (!IS_ALIGNED(args->out_offset, sizeof(u64)))
		return -EINVAL;
	job->out_offset = args->out_offset;
	return dummy_accel_bo_map(file, args->out_handle, args->out_offset,
				  sizeof(u64), &job->out);
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
int dummy_accel_submit_ioctl(struct drm_device *drm, void *data,
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
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_submit_ioctl);
