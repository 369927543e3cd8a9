// SPDX-License-Identifier: GPL-2.0-only
/*
 * Opening and closing accel nodes: the driver hooks, the drm_file,
 * unregistered, unplugged and exclusive opens, the open functions of DRM
 * and accel each refusing the other's nodes, mmap without GEM, the one
 * address space the files of a device map buffers through, and fdinfo.
 */

#include <kunit/test.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pci.h>
#include <linux/seq_file.h>

#include <drm/drm_accel.h>
#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>
#include <drm/drm_vma_manager.h>

#include "accel_kunit_helpers.h"

static void accel_test_open_calls_driver_open(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct drm_device *dev = accel_test_dev_register(test);
	struct drm_file *file;
	struct file *f;

	f = accel_test_open(test, dev->accel->index, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&t->opens));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&t->postcloses));

	file = f->private_data;
	KUNIT_ASSERT_NOT_NULL(test, file);
	KUNIT_EXPECT_TRUE(test, drm_is_accel_client(file));
	KUNIT_EXPECT_FALSE(test, drm_is_render_client(file));
	KUNIT_EXPECT_FALSE(test, drm_is_primary_client(file));
	KUNIT_EXPECT_PTR_EQ(test, dev, file->minor->dev);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&dev->open_count));

	accel_test_close(test, f);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&t->postcloses));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&dev->open_count));
}

static void accel_test_open_unused_minor(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);
	int index = dev->accel->index;

	accel_test_dev_put(test, dev);
	KUNIT_EXPECT_EQ(test, -ENODEV, PTR_ERR(accel_test_open(test, index, O_RDWR)));
}

static void accel_test_open_unregistered_minor(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);

	drm_dev_unregister(dev);
	KUNIT_EXPECT_EQ(test, -ENODEV,
			PTR_ERR(accel_test_open(test, dev->accel->index, O_RDWR)));
}

/*
 * drm_dev_unplug() marks the device unplugged, waits for the critical
 * sections in flight and only then unregisters it: an open that runs in
 * between still finds the minor published and must see the flag. Setting
 * dev->unplugged by hand, as drm_dev_unplug() does first, holds the device
 * in that window; the unplug is then finished the normal way.
 */
static void accel_test_open_unplugged(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct drm_device *dev = accel_test_dev_register(test);
	int index = dev->accel->index;
	unsigned int refs;
	struct file *f;

	/* published: the node opens */
	f = accel_test_open(test, index, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	accel_test_close(test, f);
	KUNIT_ASSERT_EQ(test, 1, atomic_read(&t->opens));

	refs = kref_read(&dev->ref);
	dev->unplugged = true;
	KUNIT_EXPECT_EQ(test, -ENODEV, PTR_ERR(accel_test_open(test, index, O_RDWR)));
	/* refused before the driver's open, with no reference left behind */
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&t->opens));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&dev->open_count));
	KUNIT_EXPECT_EQ(test, refs, kref_read(&dev->ref));

	drm_dev_unplug(dev);
}

static void accel_test_open_excl(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);

	/* DRM nodes refuse exclusive opens, and so do accel nodes */
	KUNIT_EXPECT_EQ(test, -EBUSY,
			PTR_ERR(accel_test_open(test, dev->accel->index, O_RDWR | O_EXCL)));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&dev->open_count));
}

/*
 * An accel file has unsigned offsets, as every DRM file: GEM mmap()
 * offsets of a 64-bit kernel start at 4 GiB and may pass 2^63.
 */
static void accel_test_open_unsigned_offset(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);
	struct file *f = accel_test_open(test, dev->accel->index, O_RDWR);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	KUNIT_EXPECT_TRUE(test, f->f_mode & FMODE_UNSIGNED_OFFSET);
}

static void accel_test_unplug_with_open_file(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct drm_device *dev = accel_test_dev_register(test);
	int index = dev->accel->index;
	struct drm_device *next;
	struct file *f;

	f = accel_test_open(test, index, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);

	drm_dev_unplug(dev);
	KUNIT_EXPECT_FALSE(test, device_is_registered(dev->accel->kdev));
	KUNIT_EXPECT_EQ(test, -ENODEV, accel_test_ioctl(f, DRM_IOCTL_VERSION));
	accel_test_dev_put(test, dev);

	/* the open file still holds the device and its index */
	next = accel_test_dev_register(test);
	KUNIT_EXPECT_NE(test, index, next->accel->index);

	accel_test_close(test, f);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&t->postcloses));
	next = accel_test_dev_register(test);
	KUNIT_EXPECT_EQ(test, index, next->accel->index);
}

/*
 * Call @open directly on an O_PATH file of char device @devt, as the char
 * device layer would on an open(2) of the node; undo it if it succeeds.
 */
static int accel_test_call_open(struct kunit *test, dev_t devt,
				int (*open)(struct inode *inode, struct file *filp))
{
	struct file *f = accel_test_open_path(test, devt);
	int ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	ret = open(file_inode(f), f);
	if (!ret)
		drm_release(file_inode(f), f);
	return ret;
}

/*
 * drm_open() reached through an accel node, as with a driver that kept
 * DRM's fops, must not look minor N up in DRM's table: that is the
 * primary minor of a GPU, with DRM master to take. It refuses every node
 * not on DRM's major.
 */
static void accel_test_drm_open_refuses_accel_node(struct kunit *test)
{
	struct drm_device *gpu;

	gpu = accel_test_dev_alloc(test, &accel_test_gpu_driver);
	KUNIT_ASSERT_FALSE(test, IS_ERR(gpu));
	KUNIT_ASSERT_EQ(test, 0, drm_dev_register(gpu, 0));

	KUNIT_EXPECT_EQ(test, -ENODEV,
			accel_test_call_open(test, MKDEV(ACCEL_MAJOR, gpu->primary->index),
					     drm_open));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&gpu->open_count));
}

/* and accel_open() reached through a DRM node must not open accelN */
static void accel_test_accel_open_refuses_drm_node(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);
	struct accel_test *t = test->priv;

	KUNIT_EXPECT_EQ(test, -ENODEV,
			accel_test_call_open(test, MKDEV(DRM_MAJOR, dev->accel->index),
					     accel_open));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&t->opens));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&dev->open_count));
}

/* The members later kernels give DRM_ACCEL_FOPS: ported drivers keep mmap */
static void accel_test_fops_members(struct kunit *test)
{
	static const struct file_operations fops = { DRM_ACCEL_FOPS };

	KUNIT_EXPECT_TRUE(test, fops.open == accel_open);
	KUNIT_EXPECT_TRUE(test, fops.release == drm_release);
	KUNIT_EXPECT_TRUE(test, fops.unlocked_ioctl == drm_ioctl);
	KUNIT_EXPECT_TRUE(test, fops.compat_ioctl == drm_compat_ioctl);
	KUNIT_EXPECT_TRUE(test, fops.poll == drm_poll);
	KUNIT_EXPECT_TRUE(test, fops.read == drm_read);
	KUNIT_EXPECT_TRUE(test, fops.llseek == noop_llseek);
	KUNIT_EXPECT_TRUE(test, fops.mmap == drm_gem_mmap);
}

DEFINE_DRM_ACCEL_FOPS(accel_test_defined_fops);

/*
 * DEFINE_DRM_ACCEL_FOPS() holds what the macro of that name holds in later
 * kernels: the module's DRM_ACCEL_FOPS, and no fdinfo, which a driver
 * adds itself
 */
static void accel_test_defined_fops_members(struct kunit *test)
{
	KUNIT_EXPECT_PTR_EQ(test, THIS_MODULE, accel_test_defined_fops.owner);
	KUNIT_EXPECT_TRUE(test, accel_test_defined_fops.open == accel_open);
	KUNIT_EXPECT_TRUE(test, accel_test_defined_fops.mmap == drm_gem_mmap);
	KUNIT_EXPECT_TRUE(test, !accel_test_defined_fops.show_fdinfo);
}

/* mmap() through DRM_ACCEL_FOPS on a device without GEM: no buffers */
static void accel_test_mmap_without_gem(struct kunit *test)
{
	struct drm_device *dev = accel_test_dev_register(test);
	unsigned long addr;
	struct file *f;
	int ret;

	KUNIT_ASSERT_FALSE(test, drm_core_check_feature(dev, DRIVER_GEM));
	ret = accel_test_attach_mm(test);
	if (ret)
		kunit_skip(test, "no user address space to map into (%d)", ret);
	f = accel_test_open(test, dev->accel->index, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	KUNIT_ASSERT_TRUE(test, f->f_op->mmap == drm_gem_mmap);

	addr = vm_mmap(f, 0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	KUNIT_EXPECT_EQ(test, (long)-ENODEV, (long)addr);
}

/* The test driver with GEM: shmem buffers mapped through the accel node */
static const struct drm_driver accel_test_gem_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL | DRIVER_GEM,
	.fops = &accel_test_fops,
	.name = "accel_kunit_gem",
	.desc = "accel core KUnit test device with GEM",
	.date = "20261126",
};

/* Map a page of @f at @offset and write to it, so that a page is mapped there */
static unsigned long accel_test_map_touch(struct kunit *test, struct file *f,
					  u64 offset)
{
	unsigned long addr;
	u32 one = 1;

	addr = vm_mmap(f, 0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, offset);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr), "mmap: %ld", (long)addr);
	KUNIT_ASSERT_EQ(test, 0UL, copy_to_user((void __user *)addr, &one, sizeof(one)));
	return addr;
}

/* Has the test's address space a page mapped at @addr (a PFN mapping)? */
static bool accel_test_mapped(unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long pfn;
	bool mapped;

	mmap_read_lock(current->mm);
	vma = find_vma(current->mm, addr);
	mapped = vma && vma->vm_start <= addr && !follow_pfn(vma, addr, &pfn);
	mmap_read_unlock(current->mm);
	return mapped;
}

/*
 * Every file of an accel device maps buffers through the device's one
 * address space (accel_open() points f_mapping at it): a buffer unmapped
 * there, as a driver does when it takes its pages away, is gone from the
 * mappings of every file, not only of the file that made it.
 */
static void accel_test_mapping_zapped_for_every_file(struct kunit *test)
{
	struct drm_gem_shmem_object *shmem;
	struct drm_device *dev;
	unsigned long a1, a2;
	struct file *f1, *f2;
	u32 h1, h2;
	int ret;

	dev = accel_test_dev_register_driver(test, &accel_test_gem_driver);
	ret = accel_test_attach_mm(test);
	if (ret)
		kunit_skip(test, "no user address space to map into (%d)", ret);
	f1 = accel_test_open(test, dev->accel->index, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f1);
	f2 = accel_test_open(test, dev->accel->index, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f2);

	shmem = drm_gem_shmem_create(dev, PAGE_SIZE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, shmem);
	ret = drm_gem_create_mmap_offset(&shmem->base);
	if (!ret)
		ret = drm_gem_handle_create(f1->private_data, &shmem->base, &h1);
	if (!ret)
		ret = drm_gem_handle_create(f2->private_data, &shmem->base, &h2);
	/* the handles hold the buffer now; the files' release frees it */
	drm_gem_object_put(&shmem->base);
	KUNIT_ASSERT_EQ(test, 0, ret);

	a1 = accel_test_map_touch(test, f1, drm_vma_node_offset_addr(&shmem->base.vma_node));
	a2 = accel_test_map_touch(test, f2, drm_vma_node_offset_addr(&shmem->base.vma_node));
	KUNIT_ASSERT_TRUE(test, accel_test_mapped(a1));
	KUNIT_ASSERT_TRUE(test, accel_test_mapped(a2));

	drm_vma_node_unmap(&shmem->base.vma_node, dev->anon_inode->i_mapping);
	KUNIT_EXPECT_FALSE(test, accel_test_mapped(a1));
	KUNIT_EXPECT_FALSE(test, accel_test_mapped(a2));
}

/* The driver's keys, after the core's: its file's id again, as busy time */
static void accel_test_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	drm_printf(p, "drm-engine-test:\t%llu ns\n", file->client_id);
}

/* an accel driver's file operations with fdinfo, as a driver writes them */
static const struct file_operations accel_test_fdinfo_fops = {
	.owner		= THIS_MODULE,
	DRM_ACCEL_FOPS,
	.show_fdinfo	= drm_show_fdinfo,
};

static const struct drm_driver accel_test_fdinfo_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL,
	.show_fdinfo = accel_test_show_fdinfo,
	.fops = &accel_test_fdinfo_fops,
	.name = "accel_kunit_fdinfo",
	.desc = "accel core KUnit test device with fdinfo",
	.date = "20261127",
};

/* What @f adds to /proc/<pid>/fdinfo/<fd> after the lines every file has */
static void accel_test_fdinfo(struct file *f, char *buf, size_t size)
{
	struct seq_file m = { .buf = buf, .size = size };

	f->f_op->show_fdinfo(&m, f);
	buf[min(m.count, size - 1)] = '\0';
}

/*
 * A file of an accel device whose file operations have drm_show_fdinfo()
 * shows drm-driver and drm-client-id (Documentation/gpu/
 * drm-usage-stats.rst), then the driver's keys; each open file is a
 * client of its own.
 */
static void accel_test_fdinfo_keys(struct kunit *test)
{
	struct drm_file *file[2];
	struct drm_device *dev;
	char buf[256], want[256];
	struct file *f[2];
	int i;

	dev = accel_test_dev_register_driver(test, &accel_test_fdinfo_driver);
	for (i = 0; i < 2; i++) {
		f[i] = accel_test_open(test, dev->accel->index, O_RDWR);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f[i]);
		KUNIT_ASSERT_TRUE(test, f[i]->f_op->show_fdinfo == drm_show_fdinfo);
		file[i] = f[i]->private_data;
	}
	KUNIT_EXPECT_NE(test, file[0]->client_id, file[1]->client_id);

	for (i = 0; i < 2; i++) {
		accel_test_fdinfo(f[i], buf, sizeof(buf));
		snprintf(want, sizeof(want),
			 "drm-driver:\taccel_kunit_fdinfo\ndrm-client-id:\t%llu\ndrm-engine-test:\t%llu ns\n",
			 file[i]->client_id, file[i]->client_id);
		KUNIT_EXPECT_STREQ(test, want, buf);
	}
}

/*
 * A device on PCI is named in drm-pdev, after drm-client-id
 * (Documentation/gpu/drm-usage-stats.rst). Any PCI device of the machine
 * serves as the accel device's parent; a machine without one (UML) skips.
 */
static void accel_test_fdinfo_pdev_on_pci(struct kunit *test)
{
	struct accel_test *t = test->priv;
	struct device *root = t->parent;
	char buf[256], want[256];
	struct drm_device *dev;
	struct pci_dev *pdev;
	struct drm_file *file;
	struct file *f;

	pdev = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, NULL);
	if (!pdev)
		kunit_skip(test, "no PCI device on this machine");
	/* the drm_device takes its own reference on its parent */
	t->parent = &pdev->dev;
	dev = accel_test_dev_alloc(test, &accel_test_fdinfo_driver);
	t->parent = root;
	pci_dev_put(pdev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	KUNIT_ASSERT_EQ(test, 0, drm_dev_register(dev, 0));
	f = accel_test_open(test, dev->accel->index, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	file = f->private_data;

	accel_test_fdinfo(f, buf, sizeof(buf));
	snprintf(want, sizeof(want),
		 "drm-driver:\taccel_kunit_fdinfo\ndrm-client-id:\t%llu\ndrm-pdev:\t%s\ndrm-engine-test:\t%llu ns\n",
		 file->client_id, pci_name(to_pci_dev(dev->dev)), file->client_id);
	KUNIT_EXPECT_STREQ(test, want, buf);
}

/*
 * Once the device is unplugged, a file still open shows no usage
 * statistics, as in later kernels: the driver's hook may read device
 * state that unbind took away, and the device has no more usage to show.
 */
static void accel_test_fdinfo_unplugged(struct kunit *test)
{
	struct drm_device *dev;
	char buf[256];
	struct file *f;

	dev = accel_test_dev_register_driver(test, &accel_test_fdinfo_driver);
	f = accel_test_open(test, dev->accel->index, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	accel_test_fdinfo(f, buf, sizeof(buf));
	KUNIT_EXPECT_NE(test, 0UL, strlen(buf));

	drm_dev_unplug(dev);
	accel_test_fdinfo(f, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, "", buf);
}

static struct kunit_case accel_file_cases[] = {
	KUNIT_CASE(accel_test_open_calls_driver_open),
	KUNIT_CASE(accel_test_open_unused_minor),
	KUNIT_CASE(accel_test_open_unregistered_minor),
	KUNIT_CASE(accel_test_open_unplugged),
	KUNIT_CASE(accel_test_open_excl),
	KUNIT_CASE(accel_test_open_unsigned_offset),
	KUNIT_CASE(accel_test_unplug_with_open_file),
	KUNIT_CASE(accel_test_drm_open_refuses_accel_node),
	KUNIT_CASE(accel_test_accel_open_refuses_drm_node),
	KUNIT_CASE(accel_test_fops_members),
	KUNIT_CASE(accel_test_defined_fops_members),
	KUNIT_CASE(accel_test_mmap_without_gem),
	KUNIT_CASE(accel_test_mapping_zapped_for_every_file),
	KUNIT_CASE(accel_test_fdinfo_keys),
	KUNIT_CASE(accel_test_fdinfo_pdev_on_pci),
	KUNIT_CASE(accel_test_fdinfo_unplugged),
	{}
};

static struct kunit_suite accel_file_suite = {
	.name = "accel_file",
	.init = accel_test_init,
	.exit = accel_test_exit,
	.test_cases = accel_file_cases,
};

kunit_test_suites(&accel_file_suite);
