/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Char device nodes for the accel KUnit suites, with or without the accel
 * core: KUnit runs before devtmpfs is mounted, so a test makes its nodes
 * on a private ramfs and opens them as open(2) would.
 */
#ifndef _ACCEL_KUNIT_NODE_H_
#define _ACCEL_KUNIT_NODE_H_

#include <linux/types.h>

struct file;
struct vfsmount;

struct file *accel_test_open_devt(struct vfsmount *mnt, const char *name,
				  dev_t devt, int flags);

#endif /* _ACCEL_KUNIT_NODE_H_ */
