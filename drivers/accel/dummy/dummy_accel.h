/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of dummy_accel share: the device and per-file state, and
 * the functions one file calls in another (and the KUnit suite calls).
 *
 * dummy_accel_drv.c	module, platform driver, DRM driver, sysfs, debugfs
 * dummy_accel_gem.c	buffers: BO_CREATE, BO_INFO, kernel mappings
 * dummy_accel_job.c	jobs: SUBMIT, the cores' schedulers and hardware
 * dummy_accel_ras.c	RAS: the counters, their drm-ras nodes, injection
 */
#ifndef _DUMMY_ACCEL_H_
#define _DUMMY_ACCEL_H_

#include <linux/atomic.h>
#include <linux/dma-direction.h>
#include <linux/iosys-map.h>
#include <linux/kref.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <linux/mutex.h>
#include <linux/workqueue.h>

#include <drm/drm_device.h>
#include <drm/drm_ras.h>
#include <drm/gpu_scheduler.h>
#include <uapi/drm/dummy_accel.h>

struct dentry;
struct drm_driver;
struct drm_file;
struct drm_gem_object;
struct seq_file;

#define DRIVER_NAME	"dummy_accel"
/* What the cores' clock register reads */
#define DUMMY_ACCEL_CLOCK_MHZ	1000

/*
 * The RAS counters, per device since probe. Two to a drm-ras node, error
 * ids 1 and 2: node "core" has the first two, node "memory" the others.
 */
enum dummy_accel_ras_counter {
	/* jobs stopped because they did not finish in time */
	DUMMY_ACCEL_RAS_TIMEOUTS,
	/* cores reset after a job timed out */
	DUMMY_ACCEL_RAS_RESETS,
	/* memory errors the device corrected */
	DUMMY_ACCEL_RAS_CORRECTABLE,
	/* memory errors it could not correct */
	DUMMY_ACCEL_RAS_UNCORRECTABLE,
	DUMMY_ACCEL_RAS_COUNTERS,
};

#define DUMMY_ACCEL_RAS_NODES	2

/*
 * What the last timeout of a core left for the reset work to report: the
 * hung job as the devcoredump describes it.
 */
struct dummy_accel_hang {
	u32 op;
	u32 count;
	u64 in_offset;
	u64 in_size;
	/* out_size is 0 for a job without an output buffer */
	u64 out_offset;
	u64 out_size;
	/* how long the job had been on the core when it was stopped */
	u64 ran_ns;
	/* the device's resets, this one included */
	u64 resets;
};

/*
 * A compute unit: a DRM GPU scheduler feeds it, and its "hardware" is an
 * ordered workqueue that runs one job at a time, in the order run_job
 * queued them. Allocated with the device (drmm): jobs hold a reference
 * on the drm_device, so a core outlives its jobs.
 */
struct dummy_accel_core {
	struct drm_gpu_scheduler sched;
	struct dummy_accel_device *adev;
	unsigned int index;
	/* the hardware queue; WQ_MEM_RECLAIM, it signals fences */
	struct workqueue_struct *hw;
	/* protects @gone against run_job: no job reaches @hw once it is set */
	spinlock_t hw_lock;
	bool gone;
	/* jobs pushed to an entity of the core that have not reached run_job */
	atomic_t waiting;
	/* the hardware fences' context and last seqno (the scheduler's thread) */
	u64 fence_context;
	u64 fence_seqno;
	/* protects @hang, which the timeout handler fills for @reset_work */
	spinlock_t hang_lock;
	struct dummy_accel_hang hang;
	/* reports a reset: a devcoredump and a uevent, outside the fence path */
	struct work_struct reset_work;
	/* the scheduler's name, "<device>-core<N>" */
	char name[32];
};

/*
 * The device's registers, what a real driver reads over MMIO: allocated
 * with devm on the parent device, they go when the device is unbound, as
 * a real device's mapping does, while the drm_device lives on until its
 * last file is closed. Read them only inside drm_dev_enter().
 */
struct dummy_accel_regs {
	/* the cores' clock */
	u32 clock_mhz;
};

struct dummy_accel_device {
	struct drm_device drm;
	struct dummy_accel_regs *regs;
	/* number of opens of the node, for debugfs */
	atomic64_t opens;
	/* jobs submitted to the device, for debugfs */
	atomic64_t jobs;
	/* the RAS counters, by enum dummy_accel_ras_counter */
	atomic64_t ras[DUMMY_ACCEL_RAS_COUNTERS];
	/* their drm-ras nodes, registered from probe to remove */
	struct drm_ras_node ras_nodes[DUMMY_ACCEL_RAS_NODES];
	/* fault injection (debugfs hang_jobs): the next jobs to hang */
	atomic_t hang_jobs;
	/* serialises writers of the cores' timeout (sysfs job_timeout_ms, unplug) */
	struct mutex timeout_lock;
	/* set by unplug under timeout_lock: the timeout stays off */
	bool timeout_off;
	/* the job timeout of every core in ms, 0 for none; read it once */
	unsigned int timeout_ms;
	/* hung jobs sleep here until their core is reset or unplugged */
	wait_queue_head_t wait;
	unsigned int num_cores;
	struct dummy_accel_core *cores;
};

/* Per open file: allocated in open, freed when the file and its jobs are gone */
struct dummy_accel_file {
	/* held by the file and each of its jobs */
	struct kref ref;
	/*
	 * the file's jobs holding a device reference; the last to drop it
	 * wakes a close waiting for that (wake_up_var())
	 */
	atomic_t jobs_on_device;
	/*
	 * protects the order of the file's jobs on its entities: a job is
	 * armed (its fence's seqno) and pushed under it, as the scheduler
	 * asks of a driver whose submissions may run concurrently
	 */
	struct mutex submit_lock;
	/* the file's queue on each core, num_cores of them; freed at close */
	struct drm_sched_entity *entities;
	/* jobs completed through this file; jobs may complete concurrently */
	atomic64_t jobs_done;
	/* the device's cores when the file was opened: entries of busy_ns */
	unsigned int num_cores;
	/* time each core spent on the file's jobs, in ns */
	atomic64_t busy_ns[];
};

/*
 * A buffer a job uses, mapped into the kernel; an imported one is inside
 * dma_buf_begin_cpu_access() for @dir until it is unmapped.
 */
struct dummy_accel_bo_map {
	struct drm_gem_object *obj;
	struct iosys_map map;
	enum dma_data_direction dir;
};

static inline struct dummy_accel_device *to_dummy_accel(struct drm_device *drm)
{
	return container_of(drm, struct dummy_accel_device, drm);
}

/* module parameter job_timeout_ms: the devices' timeout when probed */
extern unsigned int dummy_accel_job_timeout_ms;

/* dummy_accel_drv.c */
extern const struct drm_driver dummy_accel_drm_driver;
void dummy_accel_file_release(struct kref *ref);
int dummy_accel_device_init(struct dummy_accel_device *adev);
void dummy_accel_device_unplug(struct dummy_accel_device *adev);

/* dummy_accel_gem.c */
int dummy_accel_bo_create_ioctl(struct drm_device *drm, void *data,
				struct drm_file *file);
int dummy_accel_bo_info_ioctl(struct drm_device *drm, void *data,
			      struct drm_file *file);
int dummy_accel_bo_map(struct drm_file *file, u32 handle, u64 offset,
		       u64 len, enum dma_data_direction dir,
		       struct dummy_accel_bo_map *bo);
void dummy_accel_bo_unmap(struct dummy_accel_bo_map *bo);

/* dummy_accel_job.c */
u64 dummy_accel_run(const struct iosys_map *in, u64 pos, u32 count, u32 op);
int dummy_accel_submit(struct drm_file *file, const struct drm_dummy_accel_submit *args,
		       const struct drm_dummy_accel_syncobj *in);
int dummy_accel_submit_ioctl(struct drm_device *drm, void *data,
			     struct drm_file *file);
int dummy_accel_cores_init(struct dummy_accel_device *adev, unsigned int num);
void dummy_accel_cores_fini(struct dummy_accel_device *adev);
void dummy_accel_cores_set_timeout(struct dummy_accel_device *adev,
				   unsigned int ms);
int dummy_accel_entities_init(struct dummy_accel_device *adev,
			      struct dummy_accel_file *dfile);
void dummy_accel_entities_fini(struct dummy_accel_file *dfile);
int dummy_accel_jobs_init(void);
void dummy_accel_jobs_fini(void);

/* dummy_accel_ras.c */
void dummy_accel_ras_changed(struct dummy_accel_device *adev,
			     enum dummy_accel_ras_counter counter);
int dummy_accel_ras_register(struct dummy_accel_device *adev);
void dummy_accel_ras_unregister(struct dummy_accel_device *adev);
void dummy_accel_ras_show(struct seq_file *m, struct dummy_accel_device *adev);
void dummy_accel_ras_debugfs_init(struct dummy_accel_device *adev,
				  struct dentry *root);

#endif /* _DUMMY_ACCEL_H_ */
