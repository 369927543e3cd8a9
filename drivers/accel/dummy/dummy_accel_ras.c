// SPDX-License-Identifier: GPL-2.0-only
/*
 * dummy_accel's RAS: per-device error counters, reported through the
 * drm-ras netlink family as two nodes, "core" (job timeouts, core resets)
 * and "memory" (errors corrected or not), and a debugfs file through which
 * tests count memory errors.
 */

#include <kunit/visibility.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <drm/drm_ras.h>

#include "dummy_accel.h"

/* The counters' names, by enum dummy_accel_ras_counter */
static const char * const dummy_accel_ras_names[DUMMY_ACCEL_RAS_COUNTERS] = {
	[DUMMY_ACCEL_RAS_TIMEOUTS] = "timeouts",
	[DUMMY_ACCEL_RAS_RESETS] = "resets",
	[DUMMY_ACCEL_RAS_CORRECTABLE] = "correctable",
	[DUMMY_ACCEL_RAS_UNCORRECTABLE] = "uncorrectable",
};

/* Each node has two counters, error ids 1 and 2, in the order of the enum */
static const char * const dummy_accel_ras_node_names[DUMMY_ACCEL_RAS_NODES] = {
	"core", "memory",
};

#define DUMMY_ACCEL_RAS_PER_NODE	(DUMMY_ACCEL_RAS_COUNTERS / DUMMY_ACCEL_RAS_NODES)

/* The counter of error id @error_id on @node: an index of adev->ras */
static unsigned int dummy_accel_ras_index(struct dummy_accel_device *adev,
					  struct drm_ras_node *node, u32 error_id)
{
	return (node - adev->ras_nodes) * DUMMY_ACCEL_RAS_PER_NODE + error_id - 1;
}

static int dummy_accel_ras_query(struct drm_ras_node *node, u32 error_id,
				 const char **name, u64 *value)
{
	struct dummy_accel_device *adev = node->priv;
	unsigned int i = dummy_accel_ras_index(adev, node, error_id);

	*name = dummy_accel_ras_names[i];
	*value = atomic64_read(&adev->ras[i]);
	return 0;
}

static int dummy_accel_ras_clear(struct drm_ras_node *node, u32 error_id)
{
	struct dummy_accel_device *adev = node->priv;

	atomic64_set(&adev->ras[dummy_accel_ras_index(adev, node, error_id)], 0);
	return 0;
}

/**
 * dummy_accel_ras_changed - tell drm-ras listeners @counter's value
 * @adev: the device
 * @counter: the counter, changed
 *
 * Process context, outside fence signalling: the event is built and sent
 * here.
 */
void dummy_accel_ras_changed(struct dummy_accel_device *adev,
			     enum dummy_accel_ras_counter counter)
{
	drm_ras_error_counter_changed(&adev->ras_nodes[counter / DUMMY_ACCEL_RAS_PER_NODE],
				      counter % DUMMY_ACCEL_RAS_PER_NODE + 1);
}

/* Count an error of @counter, as the device reports one, and tell */
static void dummy_accel_ras_count(struct dummy_accel_device *adev,
				  enum dummy_accel_ras_counter counter)
{
	atomic64_inc(&adev->ras[counter]);
	dummy_accel_ras_changed(adev, counter);
}

/**
 * dummy_accel_ras_register - the device's drm-ras nodes
 * @adev: the device, its counters at 0
 *
 * The nodes are named by the accel node's parent device, which userspace
 * finds as /sys/class/accel/accelN/device.
 *
 * Returns 0 or the error of drm_ras_node_register(), with no node left.
 */
int dummy_accel_ras_register(struct dummy_accel_device *adev)
{
	struct drm_ras_node *node;
	int i, ret;

	for (i = 0; i < DUMMY_ACCEL_RAS_NODES; i++) {
		node = &adev->ras_nodes[i];
		node->device_name = dev_name(adev->drm.dev);
		node->node_name = dummy_accel_ras_node_names[i];
		node->type = DRM_RAS_NODE_TYPE_ERROR_COUNTER;
		node->first_error_id = 1;
		node->last_error_id = DUMMY_ACCEL_RAS_PER_NODE;
		node->query_error_counter = dummy_accel_ras_query;
		node->clear_error_counter = dummy_accel_ras_clear;
		node->priv = adev;
		ret = drm_ras_node_register(node);
		if (ret)
			goto err_unregister_nodes;
	}
	return 0;

err_unregister_nodes:
	while (i--)
		drm_ras_node_unregister(&adev->ras_nodes[i]);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_ras_register);

/* Mirrors dummy_accel_ras_register(): no request reaches a node after it */
void dummy_accel_ras_unregister(struct dummy_accel_device *adev)
{
	int i;

	for (i = DUMMY_ACCEL_RAS_NODES - 1; i >= 0; i--)
		drm_ras_node_unregister(&adev->ras_nodes[i]);
}
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_ras_unregister);

/*
 * debugfs ras_inject: writing "correctable" or "uncorrectable" counts one
 * error of that kind, as if the device had reported it.
 */
static ssize_t dummy_accel_ras_inject_write(struct file *f,
					    const char __user *ubuf,
					    size_t len, loff_t *pos)
{
	struct dummy_accel_device *adev = f->private_data;
	char kind[16];

	if (len >= sizeof(kind))
		return -EINVAL;
	if (copy_from_user(kind, ubuf, len))
		return -EFAULT;
	kind[len] = '\0';

	if (sysfs_streq(kind, "correctable"))
		dummy_accel_ras_count(adev, DUMMY_ACCEL_RAS_CORRECTABLE);
	else if (sysfs_streq(kind, "uncorrectable"))
		dummy_accel_ras_count(adev, DUMMY_ACCEL_RAS_UNCORRECTABLE);
	else
		return -EINVAL;
	return len;
}

static const struct file_operations dummy_accel_ras_inject_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= dummy_accel_ras_inject_write,
	.llseek	= no_llseek,
};

/* The counters in debugfs' counters file, a line each */
void dummy_accel_ras_show(struct seq_file *m, struct dummy_accel_device *adev)
{
	int i;

	for (i = 0; i < DUMMY_ACCEL_RAS_COUNTERS; i++)
		seq_printf(m, "%s %lld\n", dummy_accel_ras_names[i],
			   (long long)atomic64_read(&adev->ras[i]));
}

/* ras_inject in the device's debugfs directory @root */
void dummy_accel_ras_debugfs_init(struct dummy_accel_device *adev,
				  struct dentry *root)
{
	debugfs_create_file("ras_inject", 0200, root, adev,
			    &dummy_accel_ras_inject_fops);
}
