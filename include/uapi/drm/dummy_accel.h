/* SPDX-License-Identifier: MIT */
/*
 * Userspace interface of dummy_accel, the reference compute accelerator
 * driver: a device without hardware that runs small jobs on the CPU.
 *
 * A client creates buffers (DRM_IOCTL_DUMMY_ACCEL_BO_CREATE), maps them
 * with mmap() at the offset the creation returns, fills them, and submits
 * jobs that name them by GEM handle (DRM_IOCTL_DUMMY_ACCEL_SUBMIT). Jobs
 * run asynchronously; a job's fence goes into a syncobj, which the client
 * waits for (DRM_IOCTL_SYNCOBJ_WAIT, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT) or
 * exports as a sync_file, and later jobs may wait for.
 * Buffers are closed with DRM_IOCTL_GEM_CLOSE and shared with other files
 * and devices as dma-bufs (DRM_IOCTL_PRIME_HANDLE_TO_FD and
 * DRM_IOCTL_PRIME_FD_TO_HANDLE).
 *
 * The device's error counters are not read here: each device registers
 * two nodes of the drm-ras netlink family (drm/drm_ras.h), "core" (error
 * ids 1 "timeouts", 2 "resets") and "memory" (1 "correctable",
 * 2 "uncorrectable"), whose device name is that of the accel node's
 * parent device, /sys/class/accel/accelN/device.
 */
#ifndef _UAPI_DUMMY_ACCEL_H_
#define _UAPI_DUMMY_ACCEL_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

#define DRM_DUMMY_ACCEL_GET_PARAM	0x00
#define DRM_DUMMY_ACCEL_SUBMIT		0x01
#define DRM_DUMMY_ACCEL_BO_CREATE	0x02
#define DRM_DUMMY_ACCEL_BO_INFO		0x03
/* 0x04 was a RAS ioctl, before drm-ras; the number stays unused */

#define DRM_IOCTL_DUMMY_ACCEL_GET_PARAM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_DUMMY_ACCEL_GET_PARAM, \
		 struct drm_dummy_accel_get_param)
#define DRM_IOCTL_DUMMY_ACCEL_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_DUMMY_ACCEL_SUBMIT, \
		 struct drm_dummy_accel_submit)
#define DRM_IOCTL_DUMMY_ACCEL_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_DUMMY_ACCEL_BO_CREATE, \
		 struct drm_dummy_accel_bo_create)
#define DRM_IOCTL_DUMMY_ACCEL_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_DUMMY_ACCEL_BO_INFO, \
		 struct drm_dummy_accel_bo_info)

/*
 * Parameters of DRM_IOCTL_DUMMY_ACCEL_GET_PARAM. There is no version
 * number: a feature is a parameter (DUMMY_ACCEL_PARAM_HAS_*) that reads 1
 * where the driver has it, and a driver that predates it fails with
 * -EINVAL.
 */
/* number of compute units of the device, each with its queue of jobs */
#define DUMMY_ACCEL_PARAM_NUM_CORES	0
/* N of the device's node /dev/accel/accelN */
#define DUMMY_ACCEL_PARAM_INDEX		1
/* number of jobs completed through this open file */
#define DUMMY_ACCEL_PARAM_JOBS_DONE	2
/* 3 was the formats of a RAS ioctl, before drm-ras: it fails with -EINVAL */
/* the largest buffer BO_CREATE makes, in bytes */
#define DUMMY_ACCEL_PARAM_MAX_BO_SIZE	4
/* what a buffer's size is rounded up to, in bytes (the page size) */
#define DUMMY_ACCEL_PARAM_BO_ALIGNMENT	5
/*
 * how long a job may run before it is stopped, in ms, 0 for no limit:
 * the device's sysfs job_timeout_ms, which the administrator may change
 */
#define DUMMY_ACCEL_PARAM_JOB_TIMEOUT_MS	6
/* 1: jobs synchronise implicitly through their buffers (see SUBMIT) */
#define DUMMY_ACCEL_PARAM_HAS_IMPLICIT_SYNC	7
/* 1: an in-syncobj's timeline point passes its fence's error on */
#define DUMMY_ACCEL_PARAM_HAS_TIMELINE_ERRORS	8

/**
 * struct drm_dummy_accel_get_param - query a device parameter
 *
 * Fails with -EINVAL for an unknown @param or a non-zero @pad.
 */
struct drm_dummy_accel_get_param {
	/** @param: [in] the parameter, DUMMY_ACCEL_PARAM_* */
	__u32 param;
	/** @pad: [in] must be zero */
	__u32 pad;
	/** @value: [out] the parameter's value */
	__u64 value;
};

/* Operations of DRM_IOCTL_DUMMY_ACCEL_SUBMIT */
/* sum of the elements, modulo 2^64 */
#define DUMMY_ACCEL_OP_SUM		0
/* exclusive or of the elements */
#define DUMMY_ACCEL_OP_XOR		1
/* CRC-32 of the elements' bytes, as zlib's crc32() computes it */
#define DUMMY_ACCEL_OP_CRC32		2

/* The largest job, in elements (256 KiB) */
#define DUMMY_ACCEL_MAX_ELEMENTS	65536

/* The most syncobjs a job waits for */
#define DUMMY_ACCEL_MAX_IN_SYNCOBJS	16

/* The largest buffer, in bytes (64 MiB); DUMMY_ACCEL_PARAM_MAX_BO_SIZE */
#define DUMMY_ACCEL_MAX_BO_SIZE		(64ULL << 20)

/**
 * struct drm_dummy_accel_bo_create - create a buffer
 *
 * Creates a buffer of @size bytes, rounded up to the page size
 * (DUMMY_ACCEL_PARAM_BO_ALIGNMENT), filled with zeroes. The new handle
 * names it in jobs; mmap() of the device file at @offset maps it. The
 * buffer lives until its handle is closed (DRM_IOCTL_GEM_CLOSE, or the
 * file's last close) and its last mapping and dma-buf are gone.
 *
 * Fails with -EINVAL for a @size of 0 or above DUMMY_ACCEL_MAX_BO_SIZE or
 * non-zero @flags; with -ENOMEM when memory runs out; with -ENODEV once
 * the device is unplugged.
 */
struct drm_dummy_accel_bo_create {
	/** @size: [in] size in bytes, 1 to DUMMY_ACCEL_MAX_BO_SIZE */
	__u64 size;
	/** @flags: [in] must be zero */
	__u32 flags;
	/** @handle: [out] GEM handle of the buffer, never 0 */
	__u32 handle;
	/** @offset: [out] the offset to pass to mmap() to map the buffer */
	__u64 offset;
};

/**
 * struct drm_dummy_accel_bo_info - the size and mmap() offset of a buffer
 *
 * For any handle of the file: one BO_CREATE returned, or one that
 * DRM_IOCTL_PRIME_FD_TO_HANDLE gave for a dma-buf. A buffer of this device
 * (created here, or exported from here and imported again) is mapped with
 * mmap() of the device file at @offset; a buffer imported from another
 * device or driver gets @offset 0 and is mapped through its dma-buf fd.
 *
 * Fails with -EINVAL for non-zero @flags; with -ENOENT for a handle the
 * file does not have; with -ENODEV once the device is unplugged. It
 * allocates nothing, so it does not fail for lack of memory.
 */
struct drm_dummy_accel_bo_info {
	/** @handle: [in] GEM handle of the buffer */
	__u32 handle;
	/** @flags: [in] must be zero */
	__u32 flags;
	/** @size: [out] size in bytes, a multiple of the page size */
	__u64 size;
	/** @offset: [out] the offset to pass to mmap(), or 0 (imported) */
	__u64 offset;
};

/**
 * struct drm_dummy_accel_syncobj - a syncobj, and a point of a timeline one
 */
struct drm_dummy_accel_syncobj {
	/** @handle: [in] the syncobj (DRM_IOCTL_SYNCOBJ_CREATE) */
	__u32 handle;
	/** @flags: [in] must be zero */
	__u32 flags;
	/** @point: [in] a point of a timeline syncobj, 0 for a binary one */
	__u64 point;
};

/**
 * struct drm_dummy_accel_submit - queue a job on one of the device's cores
 *
 * The job reads @count elements of __u32 from the buffer @in_handle,
 * starting at element @in_offset, reduces them with @op and, when
 * @out_handle is not 0, writes the result as a __u64 at byte @out_offset
 * of buffer @out_handle. Input and output may be the same buffer: the job
 * reads all its input before it writes.
 *
 * The ioctl returns once the job is queued on core @core. Jobs of one
 * open file on one core run in the order they were queued; jobs of
 * different files, or on different cores, do not wait for each other
 * unless they share a buffer. A job runs once the fences of its
 * @in_syncobj_count in-syncobjs (at their points) have signalled, and
 * once the earlier users of its buffers are done (implicit
 * synchronisation, DUMMY_ACCEL_PARAM_HAS_IMPLICIT_SYNC): its input waits
 * for the buffer's last writers, its output for every earlier reader and
 * writer, and later users of the buffers wait for the job in turn,
 * whichever device or driver they are on. When an input or output buffer
 * was imported from another device or driver, the ioctl itself waits,
 * interruptibly, for that buffer's pending work before it returns.
 *
 * The job's fence signals when the job has ended; the ioctl put it into
 * @out_syncobj (replacing a binary syncobj's fence, or at
 * @out_syncobj.point of a timeline syncobj) when its handle is not 0.
 * The fence signals with an error when the job did not run to its end:
 * -ETIMEDOUT if it ran longer than the device's job timeout
 * (DUMMY_ACCEL_PARAM_JOB_TIMEOUT_MS; its core is reset and the jobs
 * behind it run), -ENODEV if the device was unplugged before it ended,
 * -ESRCH if it had not reached its core when its file was closed by an
 * exiting process or when the device was unplugged while it waited for a
 * fence, or the error of the fence of one of its in-syncobjs, also through
 * a timeline point (DUMMY_ACCEL_PARAM_HAS_TIMELINE_ERRORS; a point the
 * timeline dropped, signalled and followed by a later one, has none). Export the fence as a
 * sync_file (DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD) to read that error
 * (SYNC_IOC_FILE_INFO); a job that failed writes no result.
 *
 * Fails with -EINVAL for an unknown @op, non-zero @flags or @pad or
 * syncobj flags, a @count of 0 or above DUMMY_ACCEL_MAX_ELEMENTS, a @core
 * at or above DUMMY_ACCEL_PARAM_NUM_CORES, more than
 * DUMMY_ACCEL_MAX_IN_SYNCOBJS in-syncobjs, an in-syncobj with no fence
 * (at that point), a timeline point with no out-syncobj, input elements
 * outside the input buffer, or an @out_offset that is not a multiple of 8
 * or leaves no room for the result; with -ENOENT for a buffer or syncobj
 * handle the file does not have; with -EFAULT for an @in_syncobjs array it
 * cannot read; with -ENXIO for a buffer imported from a dma-buf whose
 * exporter cannot map it into the kernel (the device reads buffers
 * through the CPU); with -EINTR when a signal interrupts the wait for an
 * imported buffer (or the ioctl is restarted); with -ENOMEM when memory
 * runs out; with -ENODEV once the device is unplugged.
 */
struct drm_dummy_accel_submit {
	/** @in_handle: [in] the buffer the elements are read from */
	__u32 in_handle;
	/** @count: [in] number of elements, 1 to DUMMY_ACCEL_MAX_ELEMENTS */
	__u32 count;
	/** @in_offset: [in] index of the first element in the input buffer */
	__u64 in_offset;
	/** @out_handle: [in] the buffer the result is written to, or 0 */
	__u32 out_handle;
	/** @op: [in] the operation, DUMMY_ACCEL_OP_* */
	__u32 op;
	/** @out_offset: [in] byte offset of the result, a multiple of 8 */
	__u64 out_offset;
	/** @flags: [in] must be zero */
	__u32 flags;
	/** @core: [in] the core that runs the job, from 0 */
	__u32 core;
	/** @in_syncobjs: [in] pointer to struct drm_dummy_accel_syncobj[] */
	__u64 in_syncobjs;
	/** @in_syncobj_count: [in] 0 to DUMMY_ACCEL_MAX_IN_SYNCOBJS */
	__u32 in_syncobj_count;
	/** @pad: [in] must be zero */
	__u32 pad;
	/** @out_syncobj: [in] where the job's fence goes; handle 0: nowhere */
	struct drm_dummy_accel_syncobj out_syncobj;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_DUMMY_ACCEL_H_ */
