// SPDX-License-Identifier: GPL-2.0-only
/*
 * dummy_accel's jobs, on the DRM GPU scheduler.
 *
 * Each core has a drm_gpu_scheduler; each open file has an entity on
 * every core. SUBMIT looks up and maps the job's buffers, adds the fences
 * of its in-syncobjs and of its buffers' reservations as dependencies of
 * the scheduler job, and pushes it to the file's entity on its core. The
 * scheduler waits for those fences, then calls run_job, which hands the
 * job to the core's "hardware", an ordered workqueue where the CPU runs
 * it, and returns the job's hardware fence. Userspace only sees the
 * scheduler's finished fence, in the out-syncobj and in the buffers'
 * reservations.
 *
 * A job that does not finish in time is stopped by timedout_job: its
 * fence signals -ETIMEDOUT, the core is reset, and the jobs behind it
 * run. Unplug stops the hardware: what did not run signals -ENODEV.
 */

#include <kunit/visibility.h>
#include <linux/crc32.h>
#include <linux/devcoredump.h>
#include <linux/dma-buf.h>
#include <linux/dma-fence-chain.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/iosys-map.h>
#include <linux/jiffies.h>
#include <linux/kobject.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/drm_syncobj.h>
#include <drm/gpu_scheduler.h>

#include "dummy_accel.h"

/* Jobs a core's hardware queue holds at once (the scheduler's credits) */
#define DUMMY_ACCEL_HW_QUEUE_DEPTH	32
/* Room for a devcoredump of a hung job */
#define DUMMY_ACCEL_DUMP_SIZE		512

/*
 * Jobs not yet freed, of every device: module exit waits for the last,
 * since the scheduler may free a job cancelled at close from a work item
 * after the device is gone.
 */
static atomic_t dummy_accel_live_jobs = ATOMIC_INIT(0);

/*
 * Where jobs are freed: free_job runs on the fence-signalling path (the
 * scheduler's thread, its timeout handler), where unmapping a buffer or
 * ending CPU access to a dma-buf, which may lock and wait, must not run.
 * Module exit destroys it, which waits for the last job's release.
 */
static struct workqueue_struct *dummy_accel_free_wq;

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
 * A job. Its hardware fence comes first: once run_job initialised it, the
 * fence's last reference frees the job (dma_fence_free()), so the worker
 * that signals it may hold the job past free_job.
 */
struct dummy_accel_job {
	struct dma_fence hw_fence;
	/* the hardware fence's lock: in the job, as a fence outlives a device */
	spinlock_t hw_lock;
	struct drm_sched_job base;
	/* the job on the core's hardware queue */
	struct work_struct work;
	/* its release, on dummy_accel_free_wq */
	struct work_struct free_work;
	struct dummy_accel_core *core;
	/* the counters of the file that submitted it, a reference */
	struct dummy_accel_file *dfile;
	u32 op;
	u32 count;
	/* byte offsets of the first element and of the result */
	u64 pos;
	u64 out_offset;
	/* when the hardware started the job, ktime_get_ns() */
	u64 started_ns;
	/* run_job was called: the job no longer counts in core->waiting */
	bool reached;
	struct dummy_accel_bo_map in;
	/* out.obj is NULL for a job without an output buffer */
	struct dummy_accel_bo_map out;
	/* the in-syncobjs' fences, a reference each: their errors are the job's */
	unsigned int num_deps;
	struct dma_fence *deps[];
};

static struct dummy_accel_job *to_dummy_accel_job(struct drm_sched_job *sched_job)
{
	return container_of(sched_job, struct dummy_accel_job, base);
}

static const char *dummy_accel_hw_fence_driver_name(struct dma_fence *fence)
{
	return DRIVER_NAME;
}

/* A static name: nothing of the device is read through a fence */
static const char *dummy_accel_hw_fence_timeline_name(struct dma_fence *fence)
{
	return "core";
}

/*
 * No .release: the default frees the job after an RCU grace period. Only
 * the job and the scheduler hold this fence, and both let go of it in
 * free_job, which module exit waits for.
 */
static const struct dma_fence_ops dummy_accel_hw_fence_ops = {
	.get_driver_name	= dummy_accel_hw_fence_driver_name,
	.get_timeline_name	= dummy_accel_hw_fence_timeline_name,
};

/*
 * End the job on the hardware with @err, or with its result written when
 * @err is 0; the time since the hardware started it, if it did, counts
 * for the file either way (a hung job kept its core busy until the
 * reset that ended it). The first caller wins,
 * the worker or a reset of the core. Nothing of the job is touched once
 * its fence signalled: the scheduler may free it then (and the file's
 * state with it). The finished fence gets the error before the hardware
 * fence signals (6.1's scheduler does not pass it on). True if this call
 * ended it.
 */
static bool dummy_accel_job_end(struct dummy_accel_job *job, int err, u64 result)
{
	struct dummy_accel_file *dfile = job->dfile;
	unsigned long flags;
	bool ended = false;
	u64 started;

	spin_lock_irqsave(&job->hw_lock, flags);
	if (!dma_fence_is_signaled_locked(&job->hw_fence)) {
		started = READ_ONCE(job->started_ns);
		/* the core was busy from the job's start, hung or not */
		if (started)
			atomic64_add(ktime_get_ns() - started,
				     &dfile->busy_ns[job->core->index]);
		if (err) {
			dma_fence_set_error(&job->base.s_fence->finished, err);
			dma_fence_set_error(&job->hw_fence, err);
		} else {
			if (job->out.obj)
				iosys_map_wr(&job->out.map, job->out_offset, u64, result);
			atomic64_inc(&dfile->jobs_done);
		}
		dma_fence_signal_locked(&job->hw_fence);
		ended = true;
	}
	spin_unlock_irqrestore(&job->hw_lock, flags);
	return ended;
}

/*
 * Fault injection: a hung job never finishes by itself; it waits until a
 * reset of its core ends it (-ETIMEDOUT) or the core goes (-ENODEV).
 */
static bool dummy_accel_hw_hang(struct dummy_accel_job *job)
{
	struct dummy_accel_core *core = job->core;

	if (!atomic_add_unless(&core->adev->hang_jobs, -1, 0))
		return false;
	wait_event(core->adev->wait, dma_fence_is_signaled(&job->hw_fence) ||
		   READ_ONCE(core->gone));
	return true;
}

/*
 * The first error of the job's in-syncobjs' fences. A timeline point is
 * a dma_fence_chain link, which in 6.1 does not carry the error of the
 * fence it holds: that fence is asked. The error is read as it is, set
 * or not: the scheduler lets a job that waits for a job of its own core
 * run once that one is scheduled, not ended, and the hardware asks again
 * when the job before it on the core has ended (and set its error).
 */
static int dummy_accel_job_dep_error(struct dummy_accel_job *job)
{
	unsigned int i;
	int err;

	for (i = 0; i < job->num_deps; i++) {
		err = READ_ONCE(dma_fence_chain_contained(job->deps[i])->error);
		if (err < 0)
			return err;
	}
	return 0;
}

/* The core's hardware: runs the job and ends it, result or error */
static void dummy_accel_hw_work(struct work_struct *work)
{
	struct dummy_accel_job *job = container_of(work, struct dummy_accel_job, work);
	bool cookie = dma_fence_begin_signalling();
	u64 result = 0;
	int idx, err = 0;

	WRITE_ONCE(job->started_ns, ktime_get_ns());
	/* a hung job ends when a reset ends it, or as the core goes */
	if (dummy_accel_hw_hang(job))
		err = -ENODEV;
	else
		err = dummy_accel_job_dep_error(job);
	if (!err && !drm_dev_enter(&job->core->adev->drm, &idx))
		err = -ENODEV;

	if (!err) {
		result = dummy_accel_run(&job->in.map, job->pos, job->count, job->op);
		drm_dev_exit(idx);
	}
	dummy_accel_job_end(job, err, result);
	dma_fence_end_signalling(cookie);
	/* the worker's reference: the last one frees the job */
	dma_fence_put(&job->hw_fence);
}

/* The job left its entity: an unplug draining the core waits for that */
static void dummy_accel_job_reached(struct dummy_accel_job *job)
{
	if (job->reached)
		return;
	job->reached = true;
	atomic_dec(&job->core->waiting);
	if (READ_ONCE(job->core->gone))
		wake_up_all(&job->core->adev->wait);
}

/*
 * run_job: the scheduler has seen every dependency signal. A job whose
 * in-syncobj failed does not run; a job resubmitted after a reset of its
 * core is still on the hardware, whose fence it returns again.
 */
static struct dma_fence *dummy_accel_job_run(struct drm_sched_job *sched_job)
{
	struct dummy_accel_job *job = to_dummy_accel_job(sched_job);
	struct dummy_accel_core *core = job->core;
	int err;

	if (job->hw_fence.ops)
		return dma_fence_get(&job->hw_fence);
	dummy_accel_job_reached(job);
	err = dummy_accel_job_dep_error(job);
	if (err)
		return ERR_PTR(err);

	spin_lock(&core->hw_lock);
	if (core->gone) {
		spin_unlock(&core->hw_lock);
		return ERR_PTR(-ENODEV);
	}
	dma_fence_init(&job->hw_fence, &dummy_accel_hw_fence_ops, &job->hw_lock,
		       core->fence_context, ++core->fence_seqno);
	/* one reference for the worker, one for the scheduler */
	dma_fence_get(&job->hw_fence);
	queue_work(core->hw, &job->work);
	spin_unlock(&core->hw_lock);
	return dma_fence_get(&job->hw_fence);
}

/* Keep what the devcoredump of a timed-out job says, for the reset work */
static void dummy_accel_core_record_hang(struct dummy_accel_core *core,
					 struct dummy_accel_job *job)
{
	struct dummy_accel_hang *hang = &core->hang;

	spin_lock(&core->hang_lock);
	hang->op = job->op;
	hang->count = job->count;
	hang->in_offset = job->pos;
	hang->in_size = job->in.obj->size;
	hang->out_offset = job->out_offset;
	hang->out_size = job->out.obj ? job->out.obj->size : 0;
	hang->ran_ns = ktime_get_ns() - READ_ONCE(job->started_ns);
	hang->resets = atomic64_inc_return(&core->adev->ras[DUMMY_ACCEL_RAS_RESETS]);
	spin_unlock(&core->hang_lock);
}

/*
 * timedout_job, the 6.1 recovery sequence: stop the scheduler, reset the
 * core, resubmit, start. The reset ends only the guilty job, with
 * -ETIMEDOUT; the jobs behind it stay on the hardware queue and run, and
 * the other cores never notice. A job that finished while the timeout
 * fired is left as it ended.
 */
static enum drm_gpu_sched_stat dummy_accel_job_timedout(struct drm_sched_job *sched_job)
{
	struct dummy_accel_job *job = to_dummy_accel_job(sched_job);
	struct dummy_accel_core *core = job->core;

	drm_sched_stop(&core->sched, sched_job);
	/* the scheduler holds the job until drm_sched_start(): it is alive */
	if (job->hw_fence.ops && dummy_accel_job_end(job, -ETIMEDOUT, 0)) {
		atomic64_inc(&core->adev->ras[DUMMY_ACCEL_RAS_TIMEOUTS]);
		dummy_accel_core_record_hang(core, job);
		queue_work(system_unbound_wq, &core->reset_work);
	}
	/* the hung worker wakes up and lets go of the job */
	wake_up_all(&core->adev->wait);
	if (job->hw_fence.ops)
		flush_work(&job->work);
	drm_sched_resubmit_jobs(&core->sched);
	drm_sched_start(&core->sched, true);
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

/* Unmap the buffers and drop the references of a job, run or not */
static void dummy_accel_job_cleanup(struct dummy_accel_job *job)
{
	struct drm_device *drm = &job->core->adev->drm;
	struct dummy_accel_file *dfile = job->dfile;
	unsigned int i;

	for (i = 0; i < job->num_deps; i++)
		dma_fence_put(job->deps[i]);
	if (job->out.obj)
		dummy_accel_bo_unmap(&job->out);
	if (job->in.obj)
		dummy_accel_bo_unmap(&job->in);
	if (job->hw_fence.ops)
		dma_fence_put(&job->hw_fence);
	else
		kfree(job);
	/*
	 * The device first, then the file: a close of an unplugged device
	 * waits until its jobs let go of the device (dummy_accel_postclose()).
	 * The file outlives the wake-up, this job's reference holding it.
	 */
	drm_dev_put(drm);
	if (atomic_dec_and_test(&dfile->jobs_on_device))
		wake_up_var(&dfile->jobs_on_device);
	kref_put(&dfile->ref, dummy_accel_file_release);
	if (atomic_dec_and_test(&dummy_accel_live_jobs))
		wake_up_var(&dummy_accel_live_jobs);
}

/*
 * free_job: the finished fence signalled. The scheduler holds the
 * hardware fence as the finished fence's parent until userspace lets go
 * of the finished fence, which may be after this module is unloaded: the
 * hardware fence, which signalled, is given up here, where nothing reads
 * it any more (the job left the pending list).
 */
static void dummy_accel_job_free(struct drm_sched_job *sched_job)
{
	struct dummy_accel_job *job = to_dummy_accel_job(sched_job);
	struct dma_fence *parent = sched_job->s_fence->parent;

	sched_job->s_fence->parent = NULL;
	dma_fence_put(parent);
	/* a job cancelled in its entity never reached run_job */
	dummy_accel_job_reached(job);
	drm_sched_job_cleanup(sched_job);
	queue_work(dummy_accel_free_wq, &job->free_work);
}

static void dummy_accel_job_free_work(struct work_struct *work)
{
	dummy_accel_job_cleanup(container_of(work, struct dummy_accel_job, free_work));
}

static const struct drm_sched_backend_ops dummy_accel_sched_ops = {
	.run_job	= dummy_accel_job_run,
	.timedout_job	= dummy_accel_job_timedout,
	.free_job	= dummy_accel_job_free,
};

/* The job's buffers: their reservations hold the job's fences */
static unsigned int dummy_accel_job_objs(struct dummy_accel_job *job,
					 struct drm_gem_object **objs)
{
	objs[0] = job->in.obj;
	if (!job->out.obj || job->out.obj == job->in.obj)
		return 1;
	objs[1] = job->out.obj;
	return 2;
}

/*
 * Implicit synchronisation, with the buffers' reservations locked: the
 * job waits for the fences of earlier users (a reader for writers, a
 * writer for everyone), and room is made for its own fence.
 */
static int dummy_accel_job_add_implicit(struct dummy_accel_job *job,
					struct drm_gem_object **objs,
					unsigned int n)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = dma_resv_reserve_fences(objs[i]->resv, 1);
		if (!ret)
			ret = drm_sched_job_add_implicit_dependencies(&job->base, objs[i],
								      objs[i] == job->out.obj);
		if (ret)
			return ret;
	}
	return 0;
}

/* Put the armed job's finished fence into its buffers' reservations */
static void dummy_accel_job_fence_objs(struct dummy_accel_job *job,
				       struct drm_gem_object **objs,
				       unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		dma_resv_add_fence(objs[i]->resv, &job->base.s_fence->finished,
				   objs[i] == job->out.obj ? DMA_RESV_USAGE_WRITE :
				   DMA_RESV_USAGE_READ);
}

/* Add the fences of the job's in-syncobjs @in as dependencies: 0 or -errno */
static int dummy_accel_job_deps(struct drm_file *file, struct dummy_accel_job *job,
				const struct drm_dummy_accel_syncobj *in, u32 count)
{
	struct dma_fence *fence;
	int ret;

	for (; job->num_deps < count; job->num_deps++) {
		if (in[job->num_deps].flags)
			return -EINVAL;
		ret = drm_syncobj_find_fence(file, in[job->num_deps].handle,
					     in[job->num_deps].point, 0, &fence);
		if (ret)
			return ret;
		/* the job keeps a reference, the scheduler consumes one */
		job->deps[job->num_deps] = fence;
		ret = drm_sched_job_add_dependency(&job->base, dma_fence_get(fence));
		if (ret) {
			job->num_deps++;
			return ret;
		}
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
				 (u64)args->count * sizeof(u32), DMA_FROM_DEVICE,
				 &job->in);
	if (ret)
		return ret;

	if (!args->out_handle)
		return 0;
	if (!IS_ALIGNED(args->out_offset, sizeof(u64)))
		return -EINVAL;
	job->out_offset = args->out_offset;
	return dummy_accel_bo_map(file, args->out_handle, args->out_offset,
				  sizeof(u64), DMA_TO_DEVICE, &job->out);
}

/*
 * A scheduler job of @args on the file's entity of its core, with its
 * buffers mapped and its in-syncobjs' fences as dependencies, or an error.
 */
static struct dummy_accel_job *dummy_accel_job_create(struct drm_file *file,
						      const struct drm_dummy_accel_submit *args,
						      const struct drm_dummy_accel_syncobj *in)
{
	struct dummy_accel_device *adev = to_dummy_accel(file->minor->dev);
	struct dummy_accel_file *dfile = file->driver_priv;
	struct dummy_accel_job *job;
	int ret;

	job = kzalloc(struct_size(job, deps, args->in_syncobj_count), GFP_KERNEL);
	if (!job)
		return ERR_PTR(-ENOMEM);
	ret = drm_sched_job_init(&job->base, &dfile->entities[args->core], dfile);
	if (ret) {
		kfree(job);
		return ERR_PTR(ret);
	}
	atomic_inc(&dummy_accel_live_jobs);
	drm_dev_get(&adev->drm);
	job->core = &adev->cores[args->core];
	job->dfile = dfile;
	kref_get(&dfile->ref);
	atomic_inc(&dfile->jobs_on_device);
	spin_lock_init(&job->hw_lock);
	INIT_WORK(&job->work, dummy_accel_hw_work);
	INIT_WORK(&job->free_work, dummy_accel_job_free_work);
	job->op = args->op;
	job->count = args->count;

	ret = dummy_accel_job_buffers(file, job, args);
	if (!ret)
		ret = dummy_accel_job_deps(file, job, in, args->in_syncobj_count);
	if (ret) {
		drm_sched_job_cleanup(&job->base);
		dummy_accel_job_cleanup(job);
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
 * Arm and push @job with its buffers' reservations locked, inside
 * drm_dev_enter(): no job reaches a core after drm_dev_unplug(). Nothing
 * here waits for userspace. The caller gets a reference on the finished
 * fence.
 */
static struct dma_fence *dummy_accel_job_push(struct dummy_accel_job *job,
					      struct drm_gem_object **objs,
					      unsigned int n)
{
	struct dma_fence *fence;
	int idx;

	if (!drm_dev_enter(&job->core->adev->drm, &idx))
		return ERR_PTR(-ENODEV);
	mutex_lock(&job->dfile->submit_lock);
	drm_sched_job_arm(&job->base);
	fence = dma_fence_get(&job->base.s_fence->finished);
	dummy_accel_job_fence_objs(job, objs, n);
	atomic_inc(&job->core->waiting);
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&job->dfile->submit_lock);
	atomic64_inc(&job->core->adev->jobs);
	drm_dev_exit(idx);
	return fence;
}

/* Lock the buffers, add the implicit dependencies and push the job */
static struct dma_fence *dummy_accel_job_lock_and_push(struct dummy_accel_job *job)
{
	struct drm_gem_object *objs[2];
	struct ww_acquire_ctx ctx;
	struct dma_fence *fence;
	unsigned int n;
	int ret;

	n = dummy_accel_job_objs(job, objs);
	ret = drm_gem_lock_reservations(objs, n, &ctx);
	if (ret)
		return ERR_PTR(ret);
	ret = dummy_accel_job_add_implicit(job, objs, n);
	fence = ret ? ERR_PTR(ret) : dummy_accel_job_push(job, objs, n);
	drm_gem_unlock_reservations(objs, n, &ctx);
	return fence;
}

/*
 * SUBMIT of @args with its in-syncobjs @in, copied already. Everything
 * that can fail or wait is done before the job is pushed: finding the
 * fences and buffers, mapping them, locking them. Once it is pushed, its
 * fence goes into the out-syncobj and SUBMIT succeeds.
 */
int dummy_accel_submit(struct drm_file *file, const struct drm_dummy_accel_submit *args,
		       const struct drm_dummy_accel_syncobj *in)
{
	struct dma_fence_chain *chain;
	struct dummy_accel_job *job;
	struct drm_syncobj *syncobj;
	struct dma_fence *fence;
	int ret;

	if (args->flags || args->pad || args->op > DUMMY_ACCEL_OP_CRC32 ||
	    !args->count || args->count > DUMMY_ACCEL_MAX_ELEMENTS ||
	    args->in_syncobj_count > DUMMY_ACCEL_MAX_IN_SYNCOBJS ||
	    args->core >= to_dummy_accel(file->minor->dev)->num_cores)
		return -EINVAL;

	ret = dummy_accel_out_syncobj(file, &args->out_syncobj, &syncobj, &chain);
	if (ret)
		return ret;
	job = dummy_accel_job_create(file, args, in);
	if (IS_ERR(job)) {
		ret = PTR_ERR(job);
		goto put_syncobj;
	}

	fence = dummy_accel_job_lock_and_push(job);
	if (IS_ERR(fence)) {
		ret = PTR_ERR(fence);
		drm_sched_job_cleanup(&job->base);
		dummy_accel_job_cleanup(job);
		goto put_syncobj;
	}
	if (chain)
		drm_syncobj_add_point(syncobj, chain, fence, args->out_syncobj.point);
	else if (syncobj)
		drm_syncobj_replace_fence(syncobj, fence);
	chain = NULL;
	dma_fence_put(fence);

put_syncobj:
	dma_fence_chain_free(chain);
	if (syncobj)
		drm_syncobj_put(syncobj);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_submit);

/* The user's in-syncobjs are copied first, with nothing held */
int dummy_accel_submit_ioctl(struct drm_device *drm, void *data,
			     struct drm_file *file)
{
	struct drm_dummy_accel_syncobj in[DUMMY_ACCEL_MAX_IN_SYNCOBJS];
	struct drm_dummy_accel_submit *args = data;

	if (args->in_syncobj_count > DUMMY_ACCEL_MAX_IN_SYNCOBJS)
		return -EINVAL;
	if (args->in_syncobj_count &&
	    copy_from_user(in, u64_to_user_ptr(args->in_syncobjs),
			   args->in_syncobj_count * sizeof(in[0])))
		return -EFAULT;
	return dummy_accel_submit(file, args, in);
}
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_submit_ioctl);

/*
 * A reset happened: the hung job's devcoredump under
 * /sys/class/devcoredump/, a uevent on the accel node that says which
 * core and how many resets the device has had, and the drm-ras events of
 * the two counters.
 */
static void dummy_accel_core_reset_work(struct work_struct *work)
{
	struct dummy_accel_core *core = container_of(work, struct dummy_accel_core,
						     reset_work);
	struct drm_device *drm = &core->adev->drm;
	char core_env[24], resets_env[32];
	struct dummy_accel_hang hang;
	char *envp[4];
	char *dump;
	int idx, len;

	spin_lock(&core->hang_lock);
	hang = core->hang;
	spin_unlock(&core->hang_lock);

	if (!drm_dev_enter(drm, &idx))
		return;
	/* devcoredump takes the dump and frees it with vfree() */
	dump = vmalloc(DUMMY_ACCEL_DUMP_SIZE);
	if (dump) {
		len = scnprintf(dump, DUMMY_ACCEL_DUMP_SIZE,
				"dummy_accel job timeout\ndevice: accel%d\ncore: %u\n"
				"op: %u\ncount: %u\nin: %llu bytes, from byte %llu\n"
				"out: %llu bytes, result at byte %llu\nran: %llu us\n"
				"resets: %llu\n",
				drm->accel->index, core->index, hang.op, hang.count,
				hang.in_size, hang.in_offset, hang.out_size,
				hang.out_offset, div_u64(hang.ran_ns, NSEC_PER_USEC),
				hang.resets);
		dev_coredumpv(drm->dev, dump, len, GFP_KERNEL);
	}
	snprintf(core_env, sizeof(core_env), "CORE=%u", core->index);
	snprintf(resets_env, sizeof(resets_env), "RESETS=%llu", hang.resets);
	envp[0] = "RESET=1";
	envp[1] = core_env;
	envp[2] = resets_env;
	envp[3] = NULL;
	kobject_uevent_env(&drm->accel->kdev->kobj, KOBJ_CHANGE, envp);
	/* and to drm-ras listeners, from here: the timeout path must not allocate */
	dummy_accel_ras_changed(core->adev, DUMMY_ACCEL_RAS_TIMEOUTS);
	dummy_accel_ras_changed(core->adev, DUMMY_ACCEL_RAS_RESETS);
	drm_dev_exit(idx);
}

static long dummy_accel_timeout_jiffies(unsigned int ms)
{
	return ms ? msecs_to_jiffies(ms) : MAX_SCHEDULE_TIMEOUT;
}

/*
 * A new job timeout for every core, 0 for none: the scheduler reads its
 * timeout under its job_list_lock when it arms the timer, at the start
 * of a job or the end of the one before; the new value counts from then.
 */
void dummy_accel_cores_set_timeout(struct dummy_accel_device *adev,
				   unsigned int ms)
{
	struct drm_gpu_scheduler *sched;
	unsigned int i;

	mutex_lock(&adev->timeout_lock);
	WRITE_ONCE(adev->timeout_ms, ms);
	for (i = 0; i < adev->num_cores && !adev->timeout_off; i++) {
		sched = &adev->cores[i].sched;
		spin_lock(&sched->job_list_lock);
		sched->timeout = dummy_accel_timeout_jiffies(ms);
		spin_unlock(&sched->job_list_lock);
	}
	mutex_unlock(&adev->timeout_lock);
}
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_cores_set_timeout);

static int dummy_accel_core_init(struct dummy_accel_device *adev,
				 struct dummy_accel_core *core)
{
	const struct drm_sched_init_args args = {
		.ops		= &dummy_accel_sched_ops,
		.credit_limit	= DUMMY_ACCEL_HW_QUEUE_DEPTH,
		.timeout	= dummy_accel_timeout_jiffies(adev->timeout_ms),
		.name		= core->name,
		.dev		= adev->drm.dev,
	};
	int ret;

	core->adev = adev;
	spin_lock_init(&core->hw_lock);
	spin_lock_init(&core->hang_lock);
	INIT_WORK(&core->reset_work, dummy_accel_core_reset_work);
	snprintf(core->name, sizeof(core->name), "%s-core%u",
		 dev_name(adev->drm.dev), core->index);
	core->hw = alloc_ordered_workqueue("%s", WQ_MEM_RECLAIM, core->name);
	if (!core->hw)
		return -ENOMEM;
	ret = drm_sched_init(&core->sched, &args);
	if (ret)
		destroy_workqueue(core->hw);
	return ret;
}

/* No job reaches the core's hardware any more; hung jobs give up */
static void dummy_accel_core_stop_hw(struct dummy_accel_core *core)
{
	spin_lock(&core->hw_lock);
	core->gone = true;
	spin_unlock(&core->hw_lock);
	wake_up_all(&core->adev->wait);
}

/*
 * Let the scheduler take every job that is ready from the entities: run_job
 * fails them with -ENODEV now. Jobs whose fences have not signalled stay,
 * so this waits only while the count of waiting jobs goes down.
 */
static void dummy_accel_core_drain(struct dummy_accel_core *core)
{
	int left = atomic_read(&core->waiting), now;

	while (left > 0) {
		wait_event_timeout(core->adev->wait, atomic_read(&core->waiting) < left,
				   msecs_to_jiffies(20));
		now = atomic_read(&core->waiting);
		if (now >= left)
			break;
		left = now;
	}
}

/*
 * drm_sched_stop() parks the scheduler and frees the jobs it holds, all
 * of them ended, before drm_sched_fini(), which frees none. A timeout
 * handler running would stop and start the scheduler under it: the
 * timeout is off (no handler re-arms it) and the last handler done first.
 */
static void dummy_accel_core_fini(struct dummy_accel_core *core)
{
	struct drm_gpu_scheduler *sched = &core->sched;

	spin_lock(&sched->job_list_lock);
	sched->timeout = MAX_SCHEDULE_TIMEOUT;
	spin_unlock(&sched->job_list_lock);
	cancel_delayed_work_sync(&sched->work_tdr);
	drm_sched_stop(&core->sched, NULL);
	drm_sched_fini(&core->sched);
	destroy_workqueue(core->hw);
	cancel_work_sync(&core->reset_work);
}

/*
 * Stop the cores for good, each step on every core before the next: no
 * job reaches the hardware any more; every job on the hardware ends
 * (-ENODEV if it had not run), which makes the jobs that waited for it
 * ready; the ready jobs are taken from the entities and fail; the
 * schedulers stop. Jobs still waiting for a fence then are cancelled
 * when their file is closed. num_cores stays, for the files still open.
 */
void dummy_accel_cores_fini(struct dummy_accel_device *adev)
{
	unsigned int i;

	mutex_lock(&adev->timeout_lock);
	adev->timeout_off = true;
	mutex_unlock(&adev->timeout_lock);
	for (i = 0; i < adev->num_cores; i++)
		dummy_accel_core_stop_hw(&adev->cores[i]);
	for (i = 0; i < adev->num_cores; i++)
		flush_workqueue(adev->cores[i].hw);
	for (i = 0; i < adev->num_cores; i++)
		dummy_accel_core_drain(&adev->cores[i]);
	for (i = adev->num_cores; i--;)
		dummy_accel_core_fini(&adev->cores[i]);
	/* free_job only queued the releases of the cores' jobs: done now */
	flush_workqueue(dummy_accel_free_wq);
}
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_cores_fini);

/* The @num cores of @adev, each with its scheduler and hardware queue */
int dummy_accel_cores_init(struct dummy_accel_device *adev, unsigned int num)
{
	u64 context;
	int ret;

	adev->cores = drmm_kcalloc(&adev->drm, num, sizeof(*adev->cores), GFP_KERNEL);
	if (!adev->cores)
		return -ENOMEM;
	context = dma_fence_context_alloc(num);
	for (; adev->num_cores < num; adev->num_cores++) {
		adev->cores[adev->num_cores].index = adev->num_cores;
		adev->cores[adev->num_cores].fence_context = context + adev->num_cores;
		ret = dummy_accel_core_init(adev, &adev->cores[adev->num_cores]);
		if (ret) {
			dummy_accel_cores_fini(adev);
			return ret;
		}
	}
	return 0;
}

/*
 * Close: drm_sched_entity_flush() waits until the file's queued jobs
 * have reached their core (an exiting process waits at most a second for
 * all of its entities together), then drm_sched_entity_fini() cancels
 * those that did not: their fences signal -ESRCH (6.1's scheduler first
 * waits here for the dependencies it had not begun to wait for). Jobs on
 * the hardware run to their end.
 */
void dummy_accel_entities_fini(struct dummy_accel_file *dfile)
{
	long left = MAX_WAIT_SCHED_ENTITY_Q_EMPTY;
	unsigned int i;

	for (i = 0; i < dfile->num_cores; i++)
		left = drm_sched_entity_flush(&dfile->entities[i], left);
	for (i = 0; i < dfile->num_cores; i++)
		drm_sched_entity_fini(&dfile->entities[i]);
	kfree(dfile->entities);
}

/* The file's entity on each core: its jobs there run in submission order */
int dummy_accel_entities_init(struct dummy_accel_device *adev,
			      struct dummy_accel_file *dfile)
{
	struct drm_gpu_scheduler *sched;
	int ret = 0;

	dfile->entities = kcalloc(adev->num_cores, sizeof(*dfile->entities), GFP_KERNEL);
	if (!dfile->entities)
		return -ENOMEM;
	for (dfile->num_cores = 0; dfile->num_cores < adev->num_cores; dfile->num_cores++) {
		sched = &adev->cores[dfile->num_cores].sched;
		ret = drm_sched_entity_init(&dfile->entities[dfile->num_cores],
					    DRM_SCHED_PRIORITY_NORMAL, &sched, 1, NULL);
		if (ret)
			break;
	}
	if (ret)
		dummy_accel_entities_fini(dfile);
	return ret;
}

/* Module init: the queue jobs are released on */
int dummy_accel_jobs_init(void)
{
	dummy_accel_free_wq = alloc_workqueue("dummy_accel_free", 0, 0);
	return dummy_accel_free_wq ? 0 : -ENOMEM;
}

/*
 * Module exit, the devices gone: every job of every device is released,
 * also those the scheduler cancelled late, before the module's code goes.
 */
void dummy_accel_jobs_fini(void)
{
	wait_var_event(&dummy_accel_live_jobs, !atomic_read(&dummy_accel_live_jobs));
	destroy_workqueue(dummy_accel_free_wq);
}
