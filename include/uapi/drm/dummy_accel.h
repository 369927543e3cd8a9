/* SPDX-License-Identifier: MIT */
/*
 * Userspace interface of dummy_accel, the reference compute accelerator
 * driver: a device without hardware that runs small jobs on the CPU.
 */
#ifndef _UAPI_DUMMY_ACCEL_H_
#define _UAPI_DUMMY_ACCEL_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/* Version of this interface, returned by DUMMY_ACCEL_PARAM_VERSION */
#define DUMMY_ACCEL_INTERFACE_VERSION	1

#define DRM_DUMMY_ACCEL_GET_PARAM	0x00
#define DRM_DUMMY_ACCEL_SUBMIT		0x01
#define DRM_DUMMY_ACCEL_RESET		0x02

#define DRM_IOCTL_DUMMY_ACCEL_GET_PARAM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_DUMMY_ACCEL_GET_PARAM, \
		 struct drm_dummy_accel_get_param)
#define DRM_IOCTL_DUMMY_ACCEL_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_DUMMY_ACCEL_SUBMIT, \
		 struct drm_dummy_accel_submit)
#define DRM_IOCTL_DUMMY_ACCEL_RESET \
	DRM_IOW(DRM_COMMAND_BASE + DRM_DUMMY_ACCEL_RESET, \
		struct drm_dummy_accel_reset)

/* Parameters of DRM_IOCTL_DUMMY_ACCEL_GET_PARAM */
/* DUMMY_ACCEL_INTERFACE_VERSION of the driver */
#define DUMMY_ACCEL_PARAM_VERSION	0
/* number of compute units of the device */
#define DUMMY_ACCEL_PARAM_NUM_CORES	1
/* N of the device's node /dev/accel/accelN */
#define DUMMY_ACCEL_PARAM_INDEX		2
/* number of jobs completed through this open file */
#define DUMMY_ACCEL_PARAM_JOBS_DONE	3
/* the RAS report formats of the device, a mask of DUMMY_ACCEL_RAS_* */
#define DUMMY_ACCEL_PARAM_RAS_FORMATS	4

/* RAS report formats */
#define DUMMY_ACCEL_RAS_KV_U32		(1 << 0)	/* key-value pairs of __u32 */
#define DUMMY_ACCEL_RAS_NETLINK		(1 << 1)
#define DUMMY_ACCEL_RAS_JSON		(1 << 2)
#define DUMMY_ACCEL_RAS_PROTOBUF	(1 << 3)
#define DUMMY_ACCEL_RAS_GRPC		(1 << 4)
#define DUMMY_ACCEL_RAS_THRIFT		(1 << 5)
#define DUMMY_ACCEL_RAS_ASN1		(1 << 6)

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
/* CRC-32 of the buffer's bytes, as zlib's crc32() computes it */
#define DUMMY_ACCEL_OP_CRC32		2

/* The largest job, in elements (256 KiB) */
#define DUMMY_ACCEL_MAX_ELEMENTS	65536

/**
 * struct drm_dummy_accel_submit - run a job on the device
 *
 * The device reads @count elements of __u32 at @data and reduces them with
 * @op. Fails with -EINVAL for an unknown @op, non-zero @flags or @pad, or a
 * @count of 0 or above DUMMY_ACCEL_MAX_ELEMENTS; with -EFAULT when @data
 * cannot be read; with -ENODEV once the device is unplugged.
 */
struct drm_dummy_accel_submit {
	/** @data: [in] user pointer to the elements */
	__u64 data;
	/** @count: [in] number of elements, 1 to DUMMY_ACCEL_MAX_ELEMENTS */
	__u32 count;
	/** @op: [in] the operation, DUMMY_ACCEL_OP_* */
	__u32 op;
	/** @flags: [in] must be zero */
	__u32 flags;
	/** @pad: [in] must be zero */
	__u32 pad;
	/** @result: [out] the result of the operation */
	__u64 result;
	/** @seqno: [out] sequence number of the job on the device, from 1 */
	__u64 seqno;
};

/**
 * struct drm_dummy_accel_reset - restart the device's job sequence numbers
 *
 * The next job submitted to the device through any open file gets
 * sequence number 1. Root only: fails with -EACCES unless the caller has
 * CAP_SYS_ADMIN, whoever opened the file; with -EINVAL for non-zero @flags
 * or @pad; with -ENODEV once the device is unplugged.
 */
struct drm_dummy_accel_reset {
	/** @flags: [in] must be zero */
	__u32 flags;
	/** @pad: [in] must be zero */
	__u32 pad;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_DUMMY_ACCEL_H_ */
