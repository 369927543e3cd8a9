// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of dummy_accel's own paths, through the functions its files
 * share (dummy_accel.h): buffers created, looked up and freed, the range
 * checks a job makes before it maps its buffers, the "hardware" itself,
 * the job path on the scheduler (dependencies and their errors, a client
 * blocking only itself, timeout, unplug, close) and the RAS counters'
 * drm-ras nodes: their messages, built as the family builds them.
 *
 * Each test registers a device of the driver under a root device of its
 * own and opens the device's node through a char device node on a private
 * ramfs, as open(2) would: the ioctl functions get a real struct drm_file.
 */

#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/dma-fence-chain.h>
#include <linux/dma-fence.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ras.h>
#include <drm/drm_syncobj.h>
#include <drm/drm_vma_manager.h>
#include <drm/gpu_scheduler.h>

#include "dummy_accel.h"

/* What a test made; dummy_accel_test_exit() undoes it, in reverse. */
struct dummy_accel_test {
	struct device *parent;
	struct dummy_accel_device *adev;
	struct vfsmount *mnt;
	struct file *filp;
	struct drm_file *file;
};

/* Open the node of the test's device through a char device node on ramfs */
static struct file *dummy_accel_test_open(struct dummy_accel_test *t)
{
	struct dentry *root = t->mnt->mnt_root, *dentry;
	dev_t devt = MKDEV(ACCEL_MAJOR, t->adev->drm.accel->index);
	struct path path = { .mnt = t->mnt };
	struct file *filp;
	int ret = 0;

	inode_lock(d_inode(root));
	dentry = lookup_one_len("accel", root, strlen("accel"));
	/* a second open finds the node */
	if (!IS_ERR(dentry) && d_is_negative(dentry))
		ret = vfs_mknod(&init_user_ns, d_inode(root), dentry,
				S_IFCHR | 0600, devt);
	inode_unlock(d_inode(root));
	if (IS_ERR(dentry))
		return ERR_CAST(dentry);
	if (ret) {
		dput(dentry);
		return ERR_PTR(ret);
	}

	path.dentry = dentry;
	filp = dentry_open(&path, O_RDWR, current_cred());
	dput(dentry);
	return filp;
}

static int dummy_accel_test_init(struct kunit *test)
{
	struct file_system_type *ramfs;
	struct dummy_accel_test *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	test->priv = t;

	t->parent = root_device_register("dummy_accel_test");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->parent);
	t->adev = devm_drm_dev_alloc(t->parent, &dummy_accel_drm_driver,
				     struct dummy_accel_device, drm);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->adev);
	KUNIT_ASSERT_EQ(test, 0, dummy_accel_device_init(t->adev));
	KUNIT_ASSERT_EQ(test, 0, drm_dev_register(&t->adev->drm, 0));

	ramfs = get_fs_type("ramfs");
	KUNIT_ASSERT_NOT_NULL(test, ramfs);
	t->mnt = vfs_kern_mount(ramfs, 0, "ramfs", NULL);
	module_put(ramfs->owner);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->mnt);

	t->filp = dummy_accel_test_open(t);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->filp);
	t->file = t->filp->private_data;
	return 0;
}

/*
 * KUnit runs tests in a kthread, where __fput_sync() may release the file
 * at once: its buffers are gone before the device is.
 */
static void dummy_accel_test_exit(struct kunit *test)
{
	struct dummy_accel_test *t = test->priv;

	if (!t)
		return;
	if (!IS_ERR_OR_NULL(t->filp))
		__fput_sync(t->filp);
	if (!IS_ERR_OR_NULL(t->mnt))
		kern_unmount(t->mnt);
	/* a test that stopped early may have left its drm-ras nodes */
	if (!IS_ERR_OR_NULL(t->adev))
		dummy_accel_ras_unregister(t->adev);
	if (!IS_ERR_OR_NULL(t->adev) && !drm_dev_is_unplugged(&t->adev->drm))
		dummy_accel_device_unplug(t->adev);
	if (!IS_ERR_OR_NULL(t->parent))
		root_device_unregister(t->parent);
}

/* BO_CREATE of @size: 0 or -errno, the handle in *@handle */
static int dummy_accel_test_bo_create(struct kunit *test, u64 size,
				      u32 *handle)
{
	struct dummy_accel_test *t = test->priv;
	struct drm_dummy_accel_bo_create args = { .size = size };
	int ret;

	ret = dummy_accel_bo_create_ioctl(&t->adev->drm, &args, t->file);
	*handle = args.handle;
	return ret;
}

/* A buffer is a page-rounded shmem object that BO_INFO finds again */
static void dummy_accel_test_bo_create_rounds_up(struct kunit *test)
{
	struct dummy_accel_test *t = test->priv;
	struct drm_dummy_accel_bo_create args = { .size = 1 };
	struct drm_dummy_accel_bo_info info = { 0 };
	struct drm_gem_object *obj;

	KUNIT_ASSERT_EQ(test, 0, dummy_accel_bo_create_ioctl(&t->adev->drm, &args, t->file));
	KUNIT_EXPECT_EQ(test, 1, args.handle);

	obj = drm_gem_object_lookup(t->file, args.handle);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_EQ(test, PAGE_SIZE, obj->size);
	KUNIT_EXPECT_EQ(test, drm_vma_node_offset_addr(&obj->vma_node), args.offset);
	KUNIT_EXPECT_NE(test, 0, args.offset);
	/* the handle's reference and the lookup's: the ioctl kept none */
	KUNIT_EXPECT_EQ(test, 2, kref_read(&obj->refcount));

	info.handle = args.handle;
	KUNIT_EXPECT_EQ(test, 0, dummy_accel_bo_info_ioctl(&t->adev->drm, &info, t->file));
	KUNIT_EXPECT_EQ(test, PAGE_SIZE, info.size);
	KUNIT_EXPECT_EQ(test, args.offset, info.offset);
	drm_gem_object_put(obj);
}

/* Refused sizes and flags make no handle */
static void dummy_accel_test_bo_create_refused(struct kunit *test)
{
	static const struct {
		u64 size;
		u32 flags;
	} bad[] = {
		{ 0, 0 },
		{ DUMMY_ACCEL_MAX_BO_SIZE + 1, 0 },
		/* rounded up to pages this would wrap to 0 */
		{ U64_MAX, 0 },
		{ U64_MAX - PAGE_SIZE + 2, 0 },
		{ PAGE_SIZE, 1 },
		{ PAGE_SIZE, BIT(31) },
	};
	struct dummy_accel_test *t = test->priv;
	struct drm_dummy_accel_bo_create args;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		args = (struct drm_dummy_accel_bo_create){
			.size = bad[i].size, .flags = bad[i].flags,
		};
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL,
				    dummy_accel_bo_create_ioctl(&t->adev->drm, &args, t->file),
				    "size %llu flags %#x", bad[i].size, bad[i].flags);
		KUNIT_EXPECT_EQ(test, 0, args.handle);
	}
	KUNIT_EXPECT_TRUE(test, idr_is_empty(&t->file->object_idr));
}

/* Closing the last handle drops the file's reference; lookups fail after */
static void dummy_accel_test_bo_freed_with_handle(struct kunit *test)
{
	struct dummy_accel_test *t = test->priv;
	struct drm_dummy_accel_bo_info info = { 0 };
	struct dummy_accel_bo_map bo;
	struct drm_gem_object *obj;
	u32 handle;

	KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_bo_create(test, PAGE_SIZE, &handle));
	obj = drm_gem_object_lookup(t->file, handle);
	KUNIT_ASSERT_NOT_NULL(test, obj);

	KUNIT_EXPECT_EQ(test, 0, drm_gem_handle_delete(t->file, handle));
	KUNIT_EXPECT_EQ(test, 0, obj->handle_count);
	KUNIT_EXPECT_EQ(test, 1, kref_read(&obj->refcount));
	info.handle = handle;
	KUNIT_EXPECT_EQ(test, -ENOENT, dummy_accel_bo_info_ioctl(&t->adev->drm, &info, t->file));
	KUNIT_EXPECT_EQ(test, -ENOENT,
			dummy_accel_bo_map(t->file, handle, 0, 4, DMA_FROM_DEVICE, &bo));
	/* the last reference: the object is freed here */
	drm_gem_object_put(obj);
}

/*
 * dummy_accel_bo_map() maps a buffer only for a range inside it, offset
 * plus length checked for overflow; a failure keeps no reference.
 */
static void dummy_accel_test_bo_map_ranges(struct kunit *test)
{
	static const struct {
		u64 offset;
		u64 len;
		int ret;
	} ranges[] = {
		{ 0, PAGE_SIZE, 0 },
		{ PAGE_SIZE, 0, 0 },
		{ PAGE_SIZE - 8, 8, 0 },
		{ PAGE_SIZE - 4, 8, -EINVAL },
		{ PAGE_SIZE + 1, 0, -EINVAL },
		{ 0, PAGE_SIZE + 1, -EINVAL },
		/* offset + length wraps to a small number */
		{ U64_MAX, 2, -EINVAL },
		{ 8, U64_MAX, -EINVAL },
		{ U64_MAX, U64_MAX, -EINVAL },
	};
	struct dummy_accel_test *t = test->priv;
	struct dummy_accel_bo_map bo;
	struct drm_gem_object *obj;
	unsigned int i, refs;
	u32 handle;
	int ret;

	KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_bo_create(test, PAGE_SIZE, &handle));
	obj = drm_gem_object_lookup(t->file, handle);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	refs = kref_read(&obj->refcount);

	for (i = 0; i < ARRAY_SIZE(ranges); i++) {
		ret = dummy_accel_bo_map(t->file, handle, ranges[i].offset,
					 ranges[i].len, DMA_FROM_DEVICE, &bo);
		KUNIT_EXPECT_EQ_MSG(test, ranges[i].ret, ret, "offset %llu length %llu",
				    ranges[i].offset, ranges[i].len);
		if (!ret) {
			KUNIT_EXPECT_PTR_EQ(test, obj, bo.obj);
			KUNIT_EXPECT_FALSE(test, iosys_map_is_null(&bo.map));
			dummy_accel_bo_unmap(&bo);
		}
		KUNIT_EXPECT_EQ(test, refs, kref_read(&obj->refcount));
	}
	KUNIT_EXPECT_EQ(test, -ENOENT,
			dummy_accel_bo_map(t->file, handle + 1, 0, 0, DMA_FROM_DEVICE, &bo));
	KUNIT_EXPECT_EQ(test, -ENOENT, dummy_accel_bo_map(t->file, 0, 0, 0, DMA_FROM_DEVICE, &bo));
	KUNIT_EXPECT_EQ(test, refs, kref_read(&obj->refcount));
	drm_gem_object_put(obj);
}

/* SUBMIT of @args through the driver's ioctl function: 0 or -errno */
static int dummy_accel_test_job(struct kunit *test,
				struct drm_dummy_accel_submit *args)
{
	struct dummy_accel_test *t = test->priv;

	return dummy_accel_submit_ioctl(&t->adev->drm, args, t->file);
}

/* The __u64 at @offset of buffer @handle */
static u64 dummy_accel_test_read(struct kunit *test, u32 handle, u64 offset)
{
	struct dummy_accel_test *t = test->priv;
	struct dummy_accel_bo_map bo;
	u64 val;

	KUNIT_ASSERT_EQ(test, 0,
			dummy_accel_bo_map(t->file, handle, offset, 8, DMA_FROM_DEVICE, &bo));
	val = iosys_map_rd(&bo.map, offset, u64);
	dummy_accel_bo_unmap(&bo);
	return val;
}

/* Fill buffer @handle of @size bytes with the elements 1, 2, 3, ... */
static void dummy_accel_test_fill(struct kunit *test, u32 handle, u64 size)
{
	struct dummy_accel_test *t = test->priv;
	struct dummy_accel_bo_map bo;
	u64 i;

	KUNIT_ASSERT_EQ(test, 0,
			dummy_accel_bo_map(t->file, handle, 0, size, DMA_TO_DEVICE, &bo));
	for (i = 0; i < size / sizeof(u32); i++)
		iosys_map_wr(&bo.map, i * sizeof(u32), u32, i + 1);
	dummy_accel_bo_unmap(&bo);
}

/*
 * A syncobj of @file, and the job of @args with in-syncobjs @in queued
 * through @file with its fence going there: the fence, a reference, or
 * an ERR_PTR.
 */
static struct dma_fence *dummy_accel_test_submit_on(struct kunit *test,
						    struct drm_file *file,
						    struct drm_dummy_accel_submit *args,
						    const struct drm_dummy_accel_syncobj *in)
{
	struct drm_syncobj *syncobj;
	struct dma_fence *fence;
	int ret;

	ret = drm_syncobj_create(&syncobj, 0, NULL);
	if (ret)
		return ERR_PTR(ret);
	ret = drm_syncobj_get_handle(file, syncobj, &args->out_syncobj.handle);
	if (!ret)
		ret = dummy_accel_submit(file, args, in);
	fence = ret ? ERR_PTR(ret) : drm_syncobj_fence_get(syncobj);
	drm_syncobj_put(syncobj);
	return fence ?: ERR_PTR(-ENOENT);
}

static struct dma_fence *dummy_accel_test_submit(struct kunit *test,
						 struct drm_dummy_accel_submit *args)
{
	struct dummy_accel_test *t = test->priv;

	return dummy_accel_test_submit_on(test, t->file, args, NULL);
}

static struct dma_fence *dummy_accel_test_submit_after(struct kunit *test,
						       struct drm_dummy_accel_submit *args,
						       const struct drm_dummy_accel_syncobj *in)
{
	struct dummy_accel_test *t = test->priv;

	args->in_syncobj_count = 1;
	return dummy_accel_test_submit_on(test, t->file, args, in);
}

/* @fence's error once it signalled, or -EBUSY if it did not within 10 s */
static int dummy_accel_test_fence_error(struct dma_fence *fence)
{
	if (IS_ERR(fence))
		return PTR_ERR(fence);
	if (dma_fence_wait_timeout(fence, false, 10 * HZ) <= 0)
		return -EBUSY;
	return fence->error;
}

static void dummy_accel_test_fence_put(struct dma_fence *fence)
{
	if (!IS_ERR_OR_NULL(fence))
		dma_fence_put(fence);
}

/*
 * The element offset of a job is checked before it becomes a byte offset
 * (times 4) and again with the count against the buffer; the output
 * offset must be aligned and inside its buffer, where the result lands.
 */
static void dummy_accel_test_job_ranges(struct kunit *test)
{
	const u64 elems = PAGE_SIZE / sizeof(u32);
	struct dummy_accel_test *t = test->priv;
	struct drm_dummy_accel_submit args;
	struct dma_fence *fence;
	u32 in, out;

	KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_bo_create(test, PAGE_SIZE, &in));
	KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_bo_create(test, PAGE_SIZE, &out));
	dummy_accel_test_fill(test, in, PAGE_SIZE);

	args = (struct drm_dummy_accel_submit){ .in_handle = in, .count = 1,
						.in_offset = U64_MAX / sizeof(u32) + 1 };
	KUNIT_EXPECT_EQ(test, -EINVAL, dummy_accel_test_job(test, &args));
	args.in_offset = U64_MAX / sizeof(u32);
	KUNIT_EXPECT_EQ(test, -EINVAL, dummy_accel_test_job(test, &args));
	args.in_offset = elems;
	KUNIT_EXPECT_EQ(test, -EINVAL, dummy_accel_test_job(test, &args));
	args.in_offset = elems - 1;
	args.count = 2;
	KUNIT_EXPECT_EQ(test, -EINVAL, dummy_accel_test_job(test, &args));

	/* the last element: its value is its position */
	args.count = 1;
	args.out_handle = out;
	fence = dummy_accel_test_submit(test, &args);
	KUNIT_EXPECT_EQ(test, 0, dummy_accel_test_fence_error(fence));
	dummy_accel_test_fence_put(fence);
	KUNIT_EXPECT_EQ(test, elems, dummy_accel_test_read(test, out, 0));

	args = (struct drm_dummy_accel_submit){ .in_handle = in, .count = elems,
						.out_handle = out, .out_offset = 4 };
	KUNIT_EXPECT_EQ(test, -EINVAL, dummy_accel_test_job(test, &args));
	args.out_offset = PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, -EINVAL, dummy_accel_test_job(test, &args));
	args.out_offset = U64_MAX - 7;
	KUNIT_EXPECT_EQ(test, -EINVAL, dummy_accel_test_job(test, &args));
	args.out_handle = out + 1;
	args.out_offset = 0;
	KUNIT_EXPECT_EQ(test, -ENOENT, dummy_accel_test_job(test, &args));

	args.out_handle = out;
	args.out_offset = PAGE_SIZE - sizeof(u64);
	fence = dummy_accel_test_submit(test, &args);
	KUNIT_EXPECT_EQ(test, 0, dummy_accel_test_fence_error(fence));
	dummy_accel_test_fence_put(fence);
	KUNIT_EXPECT_EQ(test, elems * (elems + 1) / 2,
			dummy_accel_test_read(test, out, args.out_offset));
	/* nothing counted the refused jobs */
	KUNIT_EXPECT_EQ(test, 2, atomic64_read(&t->adev->jobs));
}

/* The "hardware": each operation over 130 elements, more than one chunk */
static void dummy_accel_test_run_ops(struct kunit *test)
{
	struct iosys_map map;
	u32 *vals;
	unsigned int i;

	vals = kunit_kcalloc(test, 130, sizeof(*vals), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vals);
	iosys_map_set_vaddr(&map, vals);

	KUNIT_EXPECT_EQ(test, 0x2144df1c, dummy_accel_run(&map, 0, 1, DUMMY_ACCEL_OP_CRC32));
	for (i = 0; i < 130; i++)
		vals[i] = i + 1;
	KUNIT_EXPECT_EQ(test, 130 * 131 / 2, dummy_accel_run(&map, 0, 130, DUMMY_ACCEL_OP_SUM));
	/* 1 ^ 2 ^ ... ^ n is n + 1 when n % 4 == 2 */
	KUNIT_EXPECT_EQ(test, 131, dummy_accel_run(&map, 0, 130, DUMMY_ACCEL_OP_XOR));
	KUNIT_EXPECT_EQ(test, 0x16fb9023, dummy_accel_run(&map, 0, 130, DUMMY_ACCEL_OP_CRC32));
	/* from byte 4: the second element */
	KUNIT_EXPECT_EQ(test, 2, dummy_accel_run(&map, 4, 1, DUMMY_ACCEL_OP_SUM));
	/* sums do not wrap at 32 bits */
	vals[0] = U32_MAX;
	vals[1] = U32_MAX;
	KUNIT_EXPECT_EQ(test, 2ULL * U32_MAX, dummy_accel_run(&map, 0, 2, DUMMY_ACCEL_OP_SUM));
}

/* Once unplugged, a job is refused before it touches a buffer */
static void dummy_accel_test_job_after_unplug(struct kunit *test)
{
	struct dummy_accel_test *t = test->priv;
	struct drm_dummy_accel_submit args = { .count = 1 };

	KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_bo_create(test, PAGE_SIZE, &args.in_handle));
	dummy_accel_device_unplug(t->adev);
	KUNIT_EXPECT_EQ(test, -ENODEV, dummy_accel_test_job(test, &args));
	KUNIT_EXPECT_EQ(test, 0, atomic64_read(&t->adev->jobs));
}

/*
 * The fences userspace gets are the scheduler's finished fences: one
 * context per file and core, consecutive seqnos on it, each signalled
 * once its job has written its result.
 */
static void dummy_accel_test_fences_per_entity(struct kunit *test)
{
	struct dummy_accel_test *t = test->priv;
	struct drm_dummy_accel_submit args = { .count = 4, .op = DUMMY_ACCEL_OP_SUM };
	struct dma_fence *f[3];
	unsigned int i;
	u32 buf;

	KUNIT_ASSERT_LE(test, 2, t->adev->num_cores);
	KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_bo_create(test, PAGE_SIZE, &buf));
	dummy_accel_test_fill(test, buf, PAGE_SIZE);
	args.in_handle = buf;
	args.out_handle = buf;
	args.out_offset = 64;
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		args.core = i == 2;
		f[i] = dummy_accel_test_submit(test, &args);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f[i]);
		KUNIT_EXPECT_EQ(test, 0, dummy_accel_test_fence_error(f[i]));
		KUNIT_EXPECT_NOT_NULL(test, to_drm_sched_fence(f[i]));
	}
	KUNIT_EXPECT_EQ(test, f[0]->context, f[1]->context);
	KUNIT_EXPECT_NE(test, f[0]->context, f[2]->context);
	KUNIT_EXPECT_EQ(test, f[0]->seqno + 1, f[1]->seqno);
	KUNIT_EXPECT_EQ(test, 1 + 2 + 3 + 4, dummy_accel_test_read(test, buf, 64));
	for (i = 0; i < ARRAY_SIZE(f); i++)
		dma_fence_put(f[i]);
}

/* A fence the test signals itself: another driver's, as the job sees it */
struct dummy_accel_test_fence {
	struct dma_fence base;
	/* the fence's lock */
	spinlock_t lock;
};

static const char *dummy_accel_test_fence_name(struct dma_fence *fence)
{
	return "dummy_accel_test";
}

static const struct dma_fence_ops dummy_accel_test_fence_ops = {
	.get_driver_name	= dummy_accel_test_fence_name,
	.get_timeline_name	= dummy_accel_test_fence_name,
};

static struct dma_fence *dummy_accel_test_fence_create(struct kunit *test)
{
	struct dummy_accel_test_fence *f = kzalloc(sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	spin_lock_init(&f->lock);
	dma_fence_init(&f->base, &dummy_accel_test_fence_ops, &f->lock,
		       dma_fence_context_alloc(1), 1);
	return &f->base;
}

/*
 * An in-syncobj of @file holding @fence: binary, or, with a @point, a
 * timeline with @fence at that point. The handle.
 */
static u32 dummy_accel_test_in_syncobj(struct kunit *test, struct drm_file *file,
				       struct dma_fence *fence, u64 point)
{
	struct dma_fence_chain *chain;
	struct drm_syncobj *syncobj;
	u32 handle;

	KUNIT_ASSERT_EQ(test, 0, drm_syncobj_create(&syncobj, 0, point ? NULL : fence));
	if (point) {
		chain = dma_fence_chain_alloc();
		KUNIT_ASSERT_NOT_NULL(test, chain);
		drm_syncobj_add_point(syncobj, chain, fence, point);
	}
	KUNIT_EXPECT_EQ(test, 0, drm_syncobj_get_handle(file, syncobj, &handle));
	drm_syncobj_put(syncobj);
	return handle;
}

/*
 * A job waits in its file's entity for a dependency: the core runs
 * another file's jobs meanwhile, and the job runs once it signals.
 */
static void dummy_accel_test_dependency_blocks_its_file_only(struct kunit *test)
{
	struct dummy_accel_test *t = test->priv;
	struct drm_dummy_accel_syncobj in = { 0 };
	struct drm_dummy_accel_submit args = { .count = 2, .op = DUMMY_ACCEL_OP_SUM };
	struct drm_dummy_accel_bo_create create = { 0 };
	struct dma_fence *dep, *waiting, *other;
	struct file *filp2;
	u32 buf, out;

	KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_bo_create(test, PAGE_SIZE, &buf));
	KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_bo_create(test, PAGE_SIZE, &out));
	dummy_accel_test_fill(test, buf, PAGE_SIZE);
	dep = dummy_accel_test_fence_create(test);
	in.handle = dummy_accel_test_in_syncobj(test, t->file, dep, 0);
	args.in_handle = buf;
	args.out_handle = out;
	args.out_offset = 8;
	waiting = dummy_accel_test_submit_after(test, &args, &in);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, waiting);

	filp2 = dummy_accel_test_open(t);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, filp2);
	args = (struct drm_dummy_accel_submit){ .count = 1 };
	/* the second file's own buffer: no implicit wait on the first's */
	create.size = PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, 0,
			dummy_accel_bo_create_ioctl(&t->adev->drm, &create, filp2->private_data));
	args.in_handle = create.handle;
	other = dummy_accel_test_submit_on(test, filp2->private_data, &args, NULL);
	KUNIT_EXPECT_EQ(test, 0, dummy_accel_test_fence_error(other));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(waiting));
	KUNIT_EXPECT_EQ(test, 0, dummy_accel_test_read(test, out, 8));

	dma_fence_signal(dep);
	KUNIT_EXPECT_EQ(test, 0, dummy_accel_test_fence_error(waiting));
	KUNIT_EXPECT_EQ(test, 1 + 2, dummy_accel_test_read(test, out, 8));
	dummy_accel_test_fence_put(other);
	dma_fence_put(waiting);
	dma_fence_put(dep);
	__fput_sync(filp2);
}

/* The point of a timeline syncobj, or a binary syncobj (0) */
static const u64 dummy_accel_test_points[] = { 0, 3 };

static void dummy_accel_test_point_desc(const u64 *point, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, *point ? "timeline point %llu" : "binary",
		 *point);
}

KUNIT_ARRAY_PARAM(dummy_accel_test_point, dummy_accel_test_points,
		  dummy_accel_test_point_desc);

/*
 * A dependency that signals an error: the job does not run, writes
 * nothing, adds no busy time, and its fence carries that error, through
 * a timeline point too; the job after it on the same file runs.
 */
static void dummy_accel_test_dependency_error(struct kunit *test)
{
	const u64 *point = test->param_value;
	struct dummy_accel_test *t = test->priv;
	struct drm_dummy_accel_syncobj in = { .point = *point };
	struct drm_dummy_accel_submit args = { .count = 2, .op = DUMMY_ACCEL_OP_SUM };
	struct dummy_accel_file *dfile = t->file->driver_priv;
	struct dma_fence *dep, *failed, *alone, *next;
	u32 buf, out;

	KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_bo_create(test, PAGE_SIZE, &buf));
	KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_bo_create(test, PAGE_SIZE, &out));
	dummy_accel_test_fill(test, buf, PAGE_SIZE);
	dep = dummy_accel_test_fence_create(test);
	in.handle = dummy_accel_test_in_syncobj(test, t->file, dep, *point);
	args.in_handle = buf;
	args.out_handle = out;
	args.out_offset = 16;
	failed = dummy_accel_test_submit_after(test, &args, &in);
	/* the same dependency for a job alone on core 1 */
	args.core = 1;
	args.out_offset = 32;
	alone = dummy_accel_test_submit_after(test, &args, &in);
	args.core = 0;
	args.in_syncobj_count = 0;
	args.out_offset = 24;
	next = dummy_accel_test_submit(test, &args);

	dma_fence_set_error(dep, -EIO);
	dma_fence_signal(dep);
	KUNIT_EXPECT_EQ(test, -EIO, dummy_accel_test_fence_error(failed));
	KUNIT_EXPECT_EQ(test, -EIO, dummy_accel_test_fence_error(alone));
	KUNIT_EXPECT_EQ(test, 0, dummy_accel_test_fence_error(next));
	KUNIT_EXPECT_EQ(test, 0, dummy_accel_test_read(test, out, 16));
	KUNIT_EXPECT_EQ(test, 0, dummy_accel_test_read(test, out, 32));
	KUNIT_EXPECT_EQ(test, 1 + 2, dummy_accel_test_read(test, out, 24));
	KUNIT_EXPECT_EQ(test, 1, atomic64_read(&dfile->jobs_done));
	/* a job that never reached its core kept it busy for no time */
	KUNIT_EXPECT_EQ(test, 0, atomic64_read(&dfile->busy_ns[1]));
	dummy_accel_test_fence_put(alone);
	dummy_accel_test_fence_put(failed);
	dummy_accel_test_fence_put(next);
	dma_fence_put(dep);
}

/*
 * A job that waits for a job of the same file and core, which the
 * scheduler lets through once that one is on the hardware: when that one
 * times out, the waiting job carries -ETIMEDOUT and writes nothing.
 */
static void dummy_accel_test_dependency_on_same_core_fails(struct kunit *test)
{
	struct dummy_accel_test *t = test->priv;
	struct drm_dummy_accel_submit args = { .count = 2, .op = DUMMY_ACCEL_OP_SUM };
	struct drm_dummy_accel_syncobj in = { 0 };
	struct dma_fence *hung, *after;
	u32 buf, out;

	KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_bo_create(test, PAGE_SIZE, &buf));
	KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_bo_create(test, PAGE_SIZE, &out));
	dummy_accel_test_fill(test, buf, PAGE_SIZE);
	dummy_accel_cores_set_timeout(t->adev, 200);
	atomic_set(&t->adev->hang_jobs, 1);
	args.in_handle = buf;
	hung = dummy_accel_test_submit(test, &args);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hung);
	in.handle = args.out_syncobj.handle;
	args.out_handle = out;
	after = dummy_accel_test_submit_after(test, &args, &in);
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, dummy_accel_test_fence_error(hung));
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, dummy_accel_test_fence_error(after));
	KUNIT_EXPECT_EQ(test, 0, dummy_accel_test_read(test, out, 0));
	dummy_accel_cores_set_timeout(t->adev, dummy_accel_job_timeout_ms);
	dma_fence_put(hung);
	dummy_accel_test_fence_put(after);
}

/*
 * A hung job is stopped after the timeout: its fence signals -ETIMEDOUT
 * and it wrote nothing, RAS counts a timeout and a reset, the job behind
 * it on the same core runs after it, and another core is not held up.
 */
static void dummy_accel_test_hang_times_out(struct kunit *test)
{
	struct dummy_accel_test *t = test->priv;
	struct drm_dummy_accel_submit args = { .count = 2, .op = DUMMY_ACCEL_OP_SUM };
	struct dummy_accel_file *dfile = t->file->driver_priv;
	struct dma_fence *hung, *behind, *elsewhere;
	atomic64_t *ras = t->adev->ras;
	u32 buf, out[3];
	unsigned int i;
	u64 start;

	KUNIT_ASSERT_LE(test, 2, t->adev->num_cores);
	KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_bo_create(test, PAGE_SIZE, &buf));
	dummy_accel_test_fill(test, buf, PAGE_SIZE);
	/* an output buffer each: no job waits for another through a buffer */
	for (i = 0; i < ARRAY_SIZE(out); i++)
		KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_bo_create(test, PAGE_SIZE, &out[i]));
	args.in_handle = buf;
	dummy_accel_cores_set_timeout(t->adev, 300);
	atomic_set(&t->adev->hang_jobs, 1);
	start = ktime_get_ns();
	args.out_handle = out[0];
	hung = dummy_accel_test_submit(test, &args);
	args.out_handle = out[1];
	behind = dummy_accel_test_submit(test, &args);
	args.out_handle = out[2];
	args.core = 1;
	elsewhere = dummy_accel_test_submit(test, &args);

	KUNIT_EXPECT_EQ(test, 0, dummy_accel_test_fence_error(elsewhere));
	KUNIT_EXPECT_LT(test, ktime_get_ns() - start, 250 * NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, dummy_accel_test_fence_error(hung));
	KUNIT_EXPECT_GE(test, ktime_get_ns() - start, 300 * NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, 0, dummy_accel_test_fence_error(behind));
	if (!IS_ERR(hung) && !IS_ERR(behind))
		KUNIT_EXPECT_TRUE(test, ktime_after(behind->timestamp, hung->timestamp));
	dummy_accel_cores_set_timeout(t->adev, dummy_accel_job_timeout_ms);

	KUNIT_EXPECT_EQ(test, 0, dummy_accel_test_read(test, out[0], 0));
	KUNIT_EXPECT_EQ(test, 1 + 2, dummy_accel_test_read(test, out[1], 0));
	KUNIT_EXPECT_EQ(test, 1 + 2, dummy_accel_test_read(test, out[2], 0));
	KUNIT_EXPECT_EQ(test, 1, atomic64_read(&ras[DUMMY_ACCEL_RAS_TIMEOUTS]));
	KUNIT_EXPECT_EQ(test, 1, atomic64_read(&ras[DUMMY_ACCEL_RAS_RESETS]));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&t->adev->hang_jobs));
	KUNIT_EXPECT_EQ(test, 2, atomic64_read(&dfile->jobs_done));
	dummy_accel_test_fence_put(hung);
	dummy_accel_test_fence_put(behind);
	dummy_accel_test_fence_put(elsewhere);
}

/*
 * Two hung jobs in a row on one core: the reset after the first leaves
 * the second on the hardware, where it hangs until its own timeout,
 * rather than calling it done. Both end with -ETIMEDOUT, one after the
 * other, and RAS counts two timeouts.
 */
static void dummy_accel_test_hang_twice(struct kunit *test)
{
	struct dummy_accel_test *t = test->priv;
	struct drm_dummy_accel_submit args = { .count = 1, .op = DUMMY_ACCEL_OP_SUM };
	atomic64_t *ras = t->adev->ras;
	struct dma_fence *first, *second;
	u64 start;

	KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_bo_create(test, PAGE_SIZE, &args.in_handle));
	dummy_accel_cores_set_timeout(t->adev, 150);
	atomic_set(&t->adev->hang_jobs, 2);
	start = ktime_get_ns();
	first = dummy_accel_test_submit(test, &args);
	second = dummy_accel_test_submit(test, &args);
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, dummy_accel_test_fence_error(first));
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, dummy_accel_test_fence_error(second));
	KUNIT_EXPECT_GE(test, ktime_get_ns() - start, 300 * NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, 2, atomic64_read(&ras[DUMMY_ACCEL_RAS_TIMEOUTS]));
	dummy_accel_cores_set_timeout(t->adev, dummy_accel_job_timeout_ms);
	dummy_accel_test_fence_put(first);
	dummy_accel_test_fence_put(second);
}

/*
 * Unplug with a job hung on the hardware, one queued behind it, and one
 * waiting in the file's entity for a dependency: the first two signal
 * -ENODEV before the unplug returns, without waiting for the timeout;
 * the third is cancelled with -ESRCH when its file is closed, after its
 * dependency signalled. None wrote a result. The unplug returns with the
 * ended jobs' device references dropped, the close with the cancelled
 * one's: then the file's was the device's last but its own, and an
 * unbound device's index is free when close() returns.
 */
static void dummy_accel_test_unplug_with_jobs(struct kunit *test)
{
	struct dummy_accel_test *t = test->priv;
	struct drm_dummy_accel_syncobj in = { 0 };
	struct drm_dummy_accel_submit args = { .count = 1, .op = DUMMY_ACCEL_OP_SUM };
	struct dma_fence *hung, *queued, *waiting, *dep;
	/* the device's references: its own and the open file's */
	unsigned int refs = kref_read(&t->adev->drm.ref);
	unsigned int i;
	u32 buf, out;
	u64 start;

	dummy_accel_cores_set_timeout(t->adev, 5000);
	KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_bo_create(test, PAGE_SIZE, &buf));
	KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_bo_create(test, PAGE_SIZE, &out));
	dummy_accel_test_fill(test, buf, PAGE_SIZE);
	args.in_handle = buf;
	args.out_handle = out;
	atomic_set(&t->adev->hang_jobs, 1);
	args.out_offset = 8;
	hung = dummy_accel_test_submit(test, &args);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hung);
	args.out_offset = 16;
	queued = dummy_accel_test_submit(test, &args);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, queued);
	dep = dummy_accel_test_fence_create(test);
	in.handle = dummy_accel_test_in_syncobj(test, t->file, dep, 0);
	args.core = 1;
	args.out_offset = 24;
	waiting = dummy_accel_test_submit_after(test, &args, &in);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, waiting);
	/* the hung job must be on the hardware, hanging, for the unplug to end it */
	for (i = 0; i < 100 && atomic_read(&t->adev->hang_jobs); i++)
		msleep(20);
	KUNIT_ASSERT_EQ(test, 0, atomic_read(&t->adev->hang_jobs));

	start = ktime_get_ns();
	dummy_accel_device_unplug(t->adev);
	KUNIT_EXPECT_LT(test, ktime_get_ns() - start, 500 * NSEC_PER_MSEC);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(hung));
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(queued));
	KUNIT_EXPECT_EQ(test, -ENODEV, hung->error);
	KUNIT_EXPECT_EQ(test, -ENODEV, queued->error);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(waiting));
	/* only the waiting job holds the device besides the file */
	KUNIT_EXPECT_EQ(test, refs + 1, kref_read(&t->adev->drm.ref));
	for (i = 8; i <= 24; i += 8)
		KUNIT_EXPECT_EQ(test, 0, dummy_accel_test_read(test, out, i));

	dma_fence_signal(dep);
	__fput_sync(t->filp);
	t->filp = NULL;
	KUNIT_EXPECT_EQ(test, refs - 1, kref_read(&t->adev->drm.ref));
	KUNIT_EXPECT_EQ(test, -ESRCH, dummy_accel_test_fence_error(waiting));
	KUNIT_EXPECT_EQ(test, 0,
			atomic64_read(&t->adev->ras[DUMMY_ACCEL_RAS_TIMEOUTS]));
	dma_fence_put(hung);
	dma_fence_put(queued);
	dma_fence_put(waiting);
	dma_fence_put(dep);
	dummy_accel_cores_set_timeout(t->adev, dummy_accel_job_timeout_ms);
}

/*
 * A job's fence outlives its device: unplugged, its file closed and the
 * device freed (its schedulers with it), the fence still answers with
 * its timeline's name, as a sync_file's info and fence tracing ask it.
 */
static void dummy_accel_test_fence_outlives_device(struct kunit *test)
{
	struct dummy_accel_test *t = test->priv;
	struct drm_dummy_accel_submit args = { .count = 1, .core = 1 };
	struct dma_fence *fence;

	KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_bo_create(test, PAGE_SIZE, &args.in_handle));
	fence = dummy_accel_test_submit(test, &args);
	KUNIT_ASSERT_EQ(test, 0, dummy_accel_test_fence_error(fence));

	dummy_accel_device_unplug(t->adev);
	__fput_sync(t->filp);
	t->filp = NULL;
	dummy_accel_ras_unregister(t->adev);
	/* the root device's managed reference was the device's last */
	root_device_unregister(t->parent);
	t->parent = NULL;
	t->adev = NULL;

	KUNIT_EXPECT_STREQ(test, "drm_sched", fence->ops->get_driver_name(fence));
	KUNIT_EXPECT_STREQ(test, "dummy_accel_test-core1", fence->ops->get_timeline_name(fence));
	dma_fence_put(fence);
}

/* What a drm-ras message holds: its command and attributes, in order */
struct dummy_accel_test_msg {
	u8 cmd;
	unsigned int n;
	/* the attribute types in order, padding left out */
	u16 types[8];
	struct nlattr *attr[DRM_RAS_A_ERROR_COUNTER_ATTRS_PAD + 1];
};

/* Parse the one message of @skb into @m */
static void dummy_accel_test_parse(struct kunit *test, struct sk_buff *skb,
				   struct dummy_accel_test_msg *m)
{
	struct nlmsghdr *nlh = nlmsg_hdr(skb);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct nlattr *a;
	int rem;

	memset(m, 0, sizeof(*m));
	KUNIT_ASSERT_EQ(test, skb->len, nlh->nlmsg_len);
	m->cmd = gh->cmd;
	nla_for_each_attr(a, genlmsg_data(gh), genlmsg_len(gh), rem) {
		if (nla_type(a) == DRM_RAS_A_ERROR_COUNTER_ATTRS_PAD)
			continue;
		KUNIT_ASSERT_LT(test, m->n, ARRAY_SIZE(m->types));
		m->types[m->n++] = nla_type(a);
		if (nla_type(a) < ARRAY_SIZE(m->attr))
			m->attr[nla_type(a)] = a;
	}
	KUNIT_EXPECT_EQ(test, 0, rem);
}

static void dummy_accel_test_expect_types(struct kunit *test,
					  const struct dummy_accel_test_msg *m,
					  const u16 *want, unsigned int n)
{
	unsigned int i;

	KUNIT_ASSERT_EQ(test, n, m->n);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, want[i], m->types[i], "attribute %u", i);
}

/* Register the test device's nodes; unregistered by the test */
static void dummy_accel_test_ras_up(struct kunit *test)
{
	struct dummy_accel_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, 0, dummy_accel_ras_register(t->adev));
}

/*
 * The two nodes get ids above 0, in order; a node registered again gets a
 * new id. LIST_NODES' message for "core": id, device name (the accel
 * node's parent), node name, type, nothing else.
 */
static void dummy_accel_test_ras_nodes(struct kunit *test)
{
	static const u16 want[] = {
		DRM_RAS_A_NODE_ATTRS_NODE_ID, DRM_RAS_A_NODE_ATTRS_DEVICE_NAME,
		DRM_RAS_A_NODE_ATTRS_NODE_NAME, DRM_RAS_A_NODE_ATTRS_NODE_TYPE,
	};
	struct dummy_accel_test *t = test->priv;
	struct drm_ras_node *nodes = t->adev->ras_nodes;
	struct dummy_accel_test_msg m;
	struct sk_buff *skb;
	u32 first;

	dummy_accel_test_ras_up(test);
	first = nodes[0].id;
	KUNIT_EXPECT_LT(test, 0U, first);
	KUNIT_EXPECT_LT(test, first, nodes[1].id);

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, 0, drm_ras_fill_node_msg(skb, &nodes[0], 0, 0, 0,
						       DRM_RAS_CMD_LIST_NODES));
	dummy_accel_test_parse(test, skb, &m);
	KUNIT_EXPECT_EQ(test, DRM_RAS_CMD_LIST_NODES, m.cmd);
	dummy_accel_test_expect_types(test, &m, want, ARRAY_SIZE(want));
	KUNIT_EXPECT_EQ(test, first, nla_get_u32(m.attr[DRM_RAS_A_NODE_ATTRS_NODE_ID]));
	KUNIT_EXPECT_STREQ(test, "dummy_accel_test",
			   (char *)nla_data(m.attr[DRM_RAS_A_NODE_ATTRS_DEVICE_NAME]));
	KUNIT_EXPECT_STREQ(test, "core",
			   (char *)nla_data(m.attr[DRM_RAS_A_NODE_ATTRS_NODE_NAME]));
	KUNIT_EXPECT_EQ(test, DRM_RAS_NODE_TYPE_ERROR_COUNTER,
			nla_get_u32(m.attr[DRM_RAS_A_NODE_ATTRS_NODE_TYPE]));
	kfree_skb(skb);

	dummy_accel_ras_unregister(t->adev);
	dummy_accel_test_ras_up(test);
	KUNIT_EXPECT_LT(test, first + 1, nodes[0].id);
	dummy_accel_ras_unregister(t->adev);
}

/*
 * GET_ERROR_COUNTER's message: error id, name, the value saturated in a
 * u32, no node id, as in the later kernels' family; with the full value
 * in a u64 when asked. The event has the node id first and the u64.
 */
static void dummy_accel_test_ras_counter_msgs(struct kunit *test)
{
	static const u16 get[] = {
		DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_NAME,
		DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE,
		DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE_U64,
	};
	static const u16 ntf[] = {
		DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID,
		DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_NAME,
		DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE,
		DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE_U64,
	};
	struct dummy_accel_test *t = test->priv;
	struct drm_ras_node *nodes = t->adev->ras_nodes;
	struct dummy_accel_test_msg m;
	struct sk_buff *skb;

	dummy_accel_test_ras_up(test);
	atomic64_set(&t->adev->ras[DUMMY_ACCEL_RAS_TIMEOUTS], (u64)U32_MAX + 5);
	atomic64_set(&t->adev->ras[DUMMY_ACCEL_RAS_UNCORRECTABLE], 7);

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, 0, drm_ras_fill_counter_msg(skb, &nodes[0], 1, 0, 0, 0, 0,
							  DRM_RAS_CMD_GET_ERROR_COUNTER));
	dummy_accel_test_parse(test, skb, &m);
	KUNIT_EXPECT_EQ(test, DRM_RAS_CMD_GET_ERROR_COUNTER, m.cmd);
	dummy_accel_test_expect_types(test, &m, get, ARRAY_SIZE(get) - 1);
	KUNIT_EXPECT_EQ(test, U32_MAX,
			nla_get_u32(m.attr[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE]));
	kfree_skb(skb);

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, 0, drm_ras_fill_counter_msg(skb, &nodes[0], 1,
							  DRM_RAS_MSG_VALUE_U64, 0, 0, 0,
							  DRM_RAS_CMD_GET_ERROR_COUNTER));
	dummy_accel_test_parse(test, skb, &m);
	KUNIT_EXPECT_EQ(test, DRM_RAS_CMD_GET_ERROR_COUNTER, m.cmd);
	dummy_accel_test_expect_types(test, &m, get, ARRAY_SIZE(get));
	KUNIT_EXPECT_EQ(test, 1, nla_get_u32(m.attr[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID]));
	KUNIT_EXPECT_STREQ(test, "timeouts",
			   (char *)nla_data(m.attr[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_NAME]));
	KUNIT_EXPECT_EQ(test, U32_MAX,
			nla_get_u32(m.attr[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE]));
	KUNIT_EXPECT_EQ(test, (u64)U32_MAX + 5,
			nla_get_u64(m.attr[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE_U64]));
	kfree_skb(skb);

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, 0, drm_ras_fill_counter_msg(skb, &nodes[1], 2,
							  DRM_RAS_MSG_NODE_ID |
							  DRM_RAS_MSG_VALUE_U64, 0, 0, 0,
							  DRM_RAS_CMD_ERROR_COUNTER_NTF));
	dummy_accel_test_parse(test, skb, &m);
	KUNIT_EXPECT_EQ(test, DRM_RAS_CMD_ERROR_COUNTER_NTF, m.cmd);
	dummy_accel_test_expect_types(test, &m, ntf, ARRAY_SIZE(ntf));
	KUNIT_EXPECT_EQ(test, nodes[1].id,
			nla_get_u32(m.attr[DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID]));
	KUNIT_EXPECT_EQ(test, 2, nla_get_u32(m.attr[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID]));
	KUNIT_EXPECT_STREQ(test, "uncorrectable",
			   (char *)nla_data(m.attr[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_NAME]));
	KUNIT_EXPECT_EQ(test, 7, nla_get_u32(m.attr[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE]));
	KUNIT_EXPECT_EQ(test, 7,
			nla_get_u64(m.attr[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE_U64]));
	kfree_skb(skb);
	dummy_accel_ras_unregister(t->adev);
}

/*
 * drm_ras_node_register() refuses, with -EINVAL and no id, a node without
 * a name, a query callback, or a range of error ids that is empty or
 * reaches U32_MAX.
 */
static void dummy_accel_test_ras_register_refused(struct kunit *test)
{
	struct dummy_accel_test *t = test->priv;
	struct drm_ras_node node;
	int i;

	for (i = 0; i < 5; i++) {
		dummy_accel_test_ras_up(test);
		node = t->adev->ras_nodes[0];
		dummy_accel_ras_unregister(t->adev);
		node.id = 0;
		switch (i) {
		case 0:
			node.device_name = NULL;
			break;
		case 1:
			node.node_name = NULL;
			break;
		case 2:
			node.query_error_counter = NULL;
			break;
		case 3:
			node.first_error_id = 3;
			break;
		case 4:
			node.last_error_id = U32_MAX;
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL, drm_ras_node_register(&node), "case %d", i);
		KUNIT_EXPECT_EQ_MSG(test, 0U, node.id, "case %d", i);
		/* taken wrongly: it must not stay behind this stack frame */
		drm_ras_node_unregister(&node);
	}
}

/* CLEAR_ERROR_COUNTER of @node_id, @error_id (U32_MAX: leave it out) */
static int dummy_accel_test_ras_clear(struct kunit *test, u32 node_id, u32 error_id)
{
	struct nlattr *attrs[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID + 1] = { };
	struct netlink_ext_ack extack = { };
	struct genl_info info = { .attrs = attrs, .extack = &extack };
	struct sk_buff *skb = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_EQ(test, 0, nla_put_u32(skb, DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID,
					     node_id));
	attrs[DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID] = (struct nlattr *)skb->data;
	if (error_id != U32_MAX) {
		attrs[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID] =
			(struct nlattr *)skb_tail_pointer(skb);
		KUNIT_ASSERT_EQ(test, 0, nla_put_u32(skb, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID,
						     error_id));
	}
	ret = drm_ras_clear_counter_doit(NULL, &info);
	kfree_skb(skb);
	return ret;
}

/*
 * CLEAR_ERROR_COUNTER sets one counter to 0 and leaves the others; an id
 * of no counter or no node is -ENOENT, a request without an error id
 * -EINVAL; a node that went is -ENOENT.
 */
static void dummy_accel_test_ras_clear_counter(struct kunit *test)
{
	struct dummy_accel_test *t = test->priv;
	struct drm_ras_node *nodes = t->adev->ras_nodes;
	atomic64_t *ras = t->adev->ras;
	u32 memory;

	dummy_accel_test_ras_up(test);
	memory = nodes[1].id;
	atomic64_set(&ras[DUMMY_ACCEL_RAS_CORRECTABLE], 9);
	atomic64_set(&ras[DUMMY_ACCEL_RAS_UNCORRECTABLE], 4);
	KUNIT_EXPECT_EQ(test, 0, dummy_accel_test_ras_clear(test, memory, 1));
	KUNIT_EXPECT_EQ(test, 0, atomic64_read(&ras[DUMMY_ACCEL_RAS_CORRECTABLE]));
	KUNIT_EXPECT_EQ(test, 4, atomic64_read(&ras[DUMMY_ACCEL_RAS_UNCORRECTABLE]));
	KUNIT_EXPECT_EQ(test, -ENOENT, dummy_accel_test_ras_clear(test, memory, 3));
	KUNIT_EXPECT_EQ(test, -ENOENT, dummy_accel_test_ras_clear(test, memory, 0));
	KUNIT_EXPECT_EQ(test, -ENOENT, dummy_accel_test_ras_clear(test, 0, 1));
	KUNIT_EXPECT_EQ(test, -EINVAL, dummy_accel_test_ras_clear(test, memory, U32_MAX));
	dummy_accel_ras_unregister(t->adev);
	KUNIT_EXPECT_EQ(test, -ENOENT, dummy_accel_test_ras_clear(test, memory, 2));
	KUNIT_EXPECT_EQ(test, 4, atomic64_read(&ras[DUMMY_ACCEL_RAS_UNCORRECTABLE]));
}

static struct kunit_case dummy_accel_test_cases[] = {
	KUNIT_CASE(dummy_accel_test_bo_create_rounds_up),
	KUNIT_CASE(dummy_accel_test_bo_create_refused),
	KUNIT_CASE(dummy_accel_test_bo_freed_with_handle),
	KUNIT_CASE(dummy_accel_test_bo_map_ranges),
	KUNIT_CASE(dummy_accel_test_job_ranges),
	KUNIT_CASE(dummy_accel_test_run_ops),
	KUNIT_CASE(dummy_accel_test_job_after_unplug),
	KUNIT_CASE(dummy_accel_test_fences_per_entity),
	KUNIT_CASE(dummy_accel_test_dependency_blocks_its_file_only),
	KUNIT_CASE_PARAM(dummy_accel_test_dependency_error, dummy_accel_test_point_gen_params),
	KUNIT_CASE(dummy_accel_test_dependency_on_same_core_fails),
	KUNIT_CASE(dummy_accel_test_hang_times_out),
	KUNIT_CASE(dummy_accel_test_hang_twice),
	KUNIT_CASE(dummy_accel_test_unplug_with_jobs),
	KUNIT_CASE(dummy_accel_test_fence_outlives_device),
	KUNIT_CASE(dummy_accel_test_ras_nodes),
	KUNIT_CASE(dummy_accel_test_ras_counter_msgs),
	KUNIT_CASE(dummy_accel_test_ras_clear_counter),
	KUNIT_CASE(dummy_accel_test_ras_register_refused),
	{}
};

static struct kunit_suite dummy_accel_test_suite = {
	.name = "dummy_accel",
	.init = dummy_accel_test_init,
	.exit = dummy_accel_test_exit,
	.test_cases = dummy_accel_test_cases,
};

kunit_test_suites(&dummy_accel_test_suite);

MODULE_DESCRIPTION("KUnit tests of the dummy compute accelerator");
MODULE_LICENSE("GPL");
/* dummy_accel's functions under test, exported for KUnit only */
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
