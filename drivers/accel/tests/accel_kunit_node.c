// SPDX-License-Identifier: GPL-2.0-only
/*
 * Char device nodes for the accel KUnit suites: made on a private ramfs
 * and opened through the char device layer exactly as open(2) would.
 */

#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/string.h>
#include <linux/user_namespace.h>

#include "accel_kunit_node.h"

/* Open node @name of @mnt, made as char device @devt if it does not exist. */
struct file *accel_test_open_devt(struct vfsmount *mnt, const char *name,
				  dev_t devt, int flags)
{
	struct dentry *root = mnt->mnt_root, *dentry;
	struct path path;
	struct file *f;
	int ret = 0;

	inode_lock(d_inode(root));
	dentry = lookup_one_len(name, root, strlen(name));
	if (!IS_ERR(dentry) && d_really_is_negative(dentry))
		ret = vfs_mknod(&init_user_ns, d_inode(root), dentry,
				S_IFCHR | 0600, devt);
	inode_unlock(d_inode(root));
	if (IS_ERR(dentry))
		return ERR_CAST(dentry);
	if (ret) {
		dput(dentry);
		return ERR_PTR(ret);
	}

	path.mnt = mnt;
	path.dentry = dentry;
	f = dentry_open(&path, flags, current_cred());
	dput(dentry);
	return f;
}
