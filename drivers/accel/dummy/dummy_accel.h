/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of dummy_accel share: the device and per-file state, and
 * the functions one file calls in another (and the KUnit suite calls).
 *
 * dummy_accel_drv.c	module, platform driver, DRM driver, queues, debugfs
 * dummy_accel_gem.c	buffers: BO_CREATE, BO_INFO, kernel mappings
 * dummy_accel_job.c	jobs: SUBMIT, fences, syncobjs, the queues' worker
 * dummy_accel_ras.c	RAS: the counters' reports, RAS_QUERY, injection
 */
#ifndef _DUMMY_ACCEL_H_
#define _DUMMY_ACCEL_H_

#include <linux/atomic.h>
#include <linux/iosys-map.h>
#include <linux/kref.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <drm/drm_device.h>
#include <uapi/drm/dummy_accel.h>

struct dentry;
struct drm_driver;
struct drm_file;
struct drm_gem_object;
struct seq_file;
struct workqueue_struct;

#define DRIVER_NAME	"dummy_accel"
/* What the cores' clock register reads */
#define DUMMY_ACCEL_CLOCK_MHZ	1000

#define DUMMY_ACCEL_RAS_FORMATS	(DUMMY_ACCEL_RAS_KV_U32 | DUMMY_ACCEL_RAS_JSON)
#define DUMMY_ACCEL_RAS_NUM_KEYS	DUMMY_ACCEL_RAS_KEY_UNCORRECTABLE
/* Room for the longest report: JSON with every count at U64_MAX */
#define DUMMY_ACCEL_RAS_MAX_LEN		256

/* A compute unit: its jobs run one after the other, in submission order */
struct dummy_accel_queue {
	struct workqueue_struct *wq;
	/* the dma_fence context of the queue's jobs */
	u64 context;
	/* protects seqno, orders the queueing of jobs; the fences' lock */
	spinlock_t lock;
	u64 seqno;
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
	/* the device's cores when the file was opened: entries of busy_ns */
	unsigned int num_cores;
	/* time each queue spent on the file's jobs, in ns */
	atomic64_t busy_ns[];
};

/* A buffer a job uses: @len bytes from @offset of it, mapped into the kernel */
struct dummy_accel_bo_map {
	struct drm_gem_object *obj;
	struct iosys_map map;
};

static inline struct dummy_accel_device *to_dummy_accel(struct drm_device *drm)
{
	return container_of(drm, struct dummy_accel_device, drm);
}

/* module parameter job_timeout_ms */
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
		       u64 len, struct dummy_accel_bo_map *bo);
void dummy_accel_bo_unmap(struct dummy_accel_bo_map *bo);

/* dummy_accel_job.c */
u64 dummy_accel_run(const struct iosys_map *in, u64 pos, u32 count, u32 op);
int dummy_accel_submit_ioctl(struct drm_device *drm, void *data,
			     struct drm_file *file);

/* dummy_accel_ras.c */
u32 dummy_accel_ras_encode(u32 format, const u64 *vals, char *buf);
int dummy_accel_ras_query_ioctl(struct drm_device *drm, void *data,
				struct drm_file *file);
void dummy_accel_ras_show(struct seq_file *m, struct dummy_accel_device *adev);
void dummy_accel_ras_debugfs_init(struct dummy_accel_device *adev,
				  struct dentry *root);

#endif /* _DUMMY_ACCEL_H_ */
