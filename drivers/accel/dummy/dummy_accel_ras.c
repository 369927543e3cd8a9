// SPDX-License-Identifier: GPL-2.0-only
/*
 * dummy_accel's RAS: per-device counters of timeouts, resets and errors,
 * reported by RAS_QUERY in the formats GET_PARAM lists, and a debugfs
 * file through which tests count errors.
 */

#include <kunit/visibility.h>
#include <linux/bitops.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "dummy_accel.h"

/* The names of the RAS counters in a JSON report, in the order of the keys */
static const char * const dummy_accel_ras_names[DUMMY_ACCEL_RAS_NUM_KEYS] = {
	[DUMMY_ACCEL_RAS_KEY_JOBS_TIMED_OUT - 1] = "timeouts",
	[DUMMY_ACCEL_RAS_KEY_QUEUE_RESETS - 1] = "resets",
	[DUMMY_ACCEL_RAS_KEY_CORRECTABLE - 1] = "correctable",
	[DUMMY_ACCEL_RAS_KEY_UNCORRECTABLE - 1] = "uncorrectable",
};

/*
 * Encode the counts @vals as a report in @format into @buf, which has room
 * for DUMMY_ACCEL_RAS_MAX_LEN bytes: the report's length in bytes.
 */
u32 dummy_accel_ras_encode(u32 format, const u64 *vals, char *buf)
{
	u32 pair[2];
	int i, len = 0;

	for (i = 0; i < DUMMY_ACCEL_RAS_NUM_KEYS; i++) {
		if (format == DUMMY_ACCEL_RAS_KV_U32) {
			pair[0] = i + 1;
			pair[1] = min_t(u64, vals[i], U32_MAX);
			memcpy(buf + len, pair, sizeof(pair));
			len += sizeof(pair);
			continue;
		}
		len += scnprintf(buf + len, DUMMY_ACCEL_RAS_MAX_LEN - len,
				 "%c\"%s\":%llu", i ? ',' : '{',
				 dummy_accel_ras_names[i], vals[i]);
	}
	if (format == DUMMY_ACCEL_RAS_JSON)
		len += scnprintf(buf + len, DUMMY_ACCEL_RAS_MAX_LEN - len, "}");
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_ras_encode);

/*
 * The two-call pattern: a size of 0 asks for the length, a buffer too small
 * gets -ENOSPC and the length, otherwise the report is copied out.
 */
int dummy_accel_ras_query_ioctl(struct drm_device *drm, void *data,
				struct drm_file *file)
{
	struct dummy_accel_device *adev = to_dummy_accel(drm);
	struct drm_dummy_accel_ras_query *args = data;
	u64 vals[DUMMY_ACCEL_RAS_NUM_KEYS];
	char report[DUMMY_ACCEL_RAS_MAX_LEN];
	u32 len;
	int i;

	if (args->flags || args->pad || hweight32(args->format) != 1)
		return -EINVAL;
	if (!(args->format & DUMMY_ACCEL_RAS_FORMATS))
		return -EOPNOTSUPP;

	for (i = 0; i < DUMMY_ACCEL_RAS_NUM_KEYS; i++)
		vals[i] = atomic64_read(&adev->ras[i]);
	len = dummy_accel_ras_encode(args->format, vals, report);

	if (args->size && args->size < len) {
		args->size = len;
		return -ENOSPC;
	}
	if (args->size && copy_to_user(u64_to_user_ptr(args->data), report, len))
		return -EFAULT;
	args->size = len;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(dummy_accel_ras_query_ioctl);

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
	int key;

	if (len >= sizeof(kind))
		return -EINVAL;
	if (copy_from_user(kind, ubuf, len))
		return -EFAULT;
	kind[len] = '\0';

	if (sysfs_streq(kind, "correctable"))
		key = DUMMY_ACCEL_RAS_KEY_CORRECTABLE;
	else if (sysfs_streq(kind, "uncorrectable"))
		key = DUMMY_ACCEL_RAS_KEY_UNCORRECTABLE;
	else
		return -EINVAL;

	atomic64_inc(&adev->ras[key - 1]);
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

	for (i = 0; i < DUMMY_ACCEL_RAS_NUM_KEYS; i++)
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
