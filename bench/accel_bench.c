// SPDX-License-Identifier: GPL-2.0-only
/*
 * accel_bench: what an accel node costs, measured inside the kernel beside
 * a DRM render node and /dev/null in the same boot. Loading the module
 * runs the figures its "figures" parameter names and prints a table of ns
 * per operation, the median and the minimum over the rounds.
 *
 *   open	open + release of /dev/accel/accel0, a render node, /dev/null;
 *		of the module's own driver as accel and as render driver
 *   ioctl	DRM_IOCTL_VERSION, GET_CAP (allowed on accel files) and
 *		GET_MAGIC (refused on both) on an accel and a render file
 *   job	dummy_accel: buffer create + close; one-element jobs from SUBMIT
 *		to their signal, 1 (the round trip), 4 and 64 in flight, each
 *		beside a floor: queue_work() to the end of the work item
 *   devices	register + unregister of accel devices of the module's own,
 *		one at a time and 256 in a row; open + release of the first
 *		and the last of 1, 16 and 256 devices (the minor lookup)
 *
 * The loops run in a kthread: a file is released with __fput_sync(), which
 * 6.1 allows kthreads only, so each iteration times a whole open and
 * release instead of opens whose releases pile up for later. Nodes are
 * opened relative to the devtmpfs mount at /dev, so that no other file
 * system (UML's hostfs root) is on the path. The kthread borrows the
 * address space of the process that loads the module, for the user memory
 * ioctl arguments live in. Every round times each path once, in turn,
 * after a round that warms up and is not counted.
 *
 * Without CONFIG_DRM_ACCEL (a tree without the accel series, built as an
 * external module) only the render and /dev/null figures are measured, by
 * the same code.
 */

#define pr_fmt(fmt) "accel_bench: " fmt

#include <linux/completion.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>
#include <uapi/drm/drm.h>

#if IS_ENABLED(CONFIG_DRM_ACCEL)
#include <drm/drm_accel.h>
#include <drm/drm_gem.h>
#include <uapi/drm/dummy_accel.h>
#endif

#define ACCEL_BENCH_MAX_ROUNDS	31
#define ACCEL_BENCH_MAX_DEVS	256

static unsigned int rounds = 11;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "rounds counted, after one that warms up (1-31, default 11)");

static unsigned int open_iters = 2000;
module_param(open_iters, uint, 0444);
MODULE_PARM_DESC(open_iters, "open + release per path and round (default 2000)");

static unsigned int ioctl_iters = 20000;
module_param(ioctl_iters, uint, 0444);
MODULE_PARM_DESC(ioctl_iters, "ioctls per path and round (default 20000)");

static unsigned int reg_iters = 20;
module_param(reg_iters, uint, 0444);
MODULE_PARM_DESC(reg_iters, "register + unregister per round (default 20)");

static char *figures = "open,ioctl,job";
module_param(figures, charp, 0444);
MODULE_PARM_DESC(figures, "what to measure: open, ioctl, job, devices (default open,ioctl,job)");

static char *render = "dri/renderD128";
module_param(render, charp, 0444);
MODULE_PARM_DESC(render, "the render node beside accel0, under /dev (default dri/renderD128)");

struct accel_bench;

/* One path timed: how, and its ns per operation in each counted round */
struct accel_bench_stat {
	const char *name;
	/* @iters operations: their ns per operation, or a negative error */
	s64 (*run)(struct accel_bench *b, void *arg, unsigned int iters);
	void *arg;
	unsigned int iters;
	unsigned int n;
	u64 ns[ACCEL_BENCH_MAX_ROUNDS];
};

struct accel_bench {
	/* the address space of the loading process, for ioctl arguments */
	struct mm_struct *mm;
	void __user *user;
	/* /dev, the devtmpfs mount nodes are opened from */
	struct path dev;
	struct completion done;
	int err;
};

static int accel_bench_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 accel_bench_median(const struct accel_bench_stat *s)
{
	u64 v[ACCEL_BENCH_MAX_ROUNDS];

	memcpy(v, s->ns, s->n * sizeof(v[0]));
	sort(v, s->n, sizeof(v[0]), accel_bench_cmp, NULL);
	return s->n % 2 ? v[s->n / 2] : (v[s->n / 2 - 1] + v[s->n / 2]) / 2;
}

static u64 accel_bench_min(const struct accel_bench_stat *s)
{
	u64 m = U64_MAX;
	unsigned int i;

	for (i = 0; i < s->n; i++)
		m = min(m, s->ns[i]);
	return m;
}

static void accel_bench_print(const struct accel_bench_stat *s)
{
	pr_info("  %-36s %8u %10llu %10llu\n", s->name, s->iters,
		accel_bench_median(s), accel_bench_min(s));
}

/*
 * @a / @b of the medians and of the minimums, to three decimals, on a line
 * "ratio <what> <median> <min>" (@what without spaces, for scripts)
 */
static void accel_bench_ratio(const char *what, const struct accel_bench_stat *a,
			      const struct accel_bench_stat *b)
{
	u64 of_med = div64_u64(accel_bench_median(a) * 1000, max(accel_bench_median(b), 1ULL));
	u64 of_min = div64_u64(accel_bench_min(a) * 1000, max(accel_bench_min(b), 1ULL));

	pr_info("  ratio %-30s %8s %6llu.%03llu %6llu.%03llu\n", what, "",
		of_med / 1000, of_med % 1000, of_min / 1000, of_min % 1000);
}

/*
 * Time @n paths in the warm-up round and @rounds more, each round timing
 * every path once, in turn: 0 or the first error.
 */
static int accel_bench_rounds(struct accel_bench *b, struct accel_bench_stat *s,
			      unsigned int n)
{
	unsigned int r, i;
	s64 ns;

	for (r = 0; r <= rounds; r++) {
		for (i = 0; i < n; i++) {
			ns = s[i].run(b, s[i].arg, s[i].iters);
			if (ns < 0) {
				pr_err("%s: %lld\n", s[i].name, ns);
				return ns;
			}
			if (r)
				s[i].ns[s[i].n++] = ns;
		}
		cond_resched();
	}
	return 0;
}

/* open + release of the node @arg (a path under /dev) */
static s64 accel_bench_open(struct accel_bench *b, void *arg, unsigned int iters)
{
	u64 start = ktime_get_ns();
	struct file *f;
	unsigned int i;

	for (i = 0; i < iters; i++) {
		f = file_open_root(&b->dev, arg, O_RDWR, 0);
		if (IS_ERR(f))
			return PTR_ERR(f);
		__fput_sync(f);
	}
	return div_u64(ktime_get_ns() - start, iters);
}

/* An ioctl on an open file, its argument at the start of the user page */
struct accel_bench_ioctl {
	struct file *f;
	unsigned int cmd;
	/* the ioctl's return value, for every call */
	long ret;
};

static s64 accel_bench_ioctl(struct accel_bench *b, void *arg, unsigned int iters)
{
	struct accel_bench_ioctl *io = arg;
	u64 start = ktime_get_ns();
	unsigned int i;
	long ret;

	for (i = 0; i < iters; i++) {
		ret = io->f->f_op->unlocked_ioctl(io->f, io->cmd, (unsigned long)b->user);
		if (ret != io->ret)
			return ret < 0 ? ret : -EPROTO;
	}
	return div_u64(ktime_get_ns() - start, iters);
}

/* Open @node under /dev for ioctls: a DRM node (accel or render), or an error */
static struct file *accel_bench_open_node(struct accel_bench *b, const char *node)
{
	struct file *f = file_open_root(&b->dev, node, O_RDWR, 0);

	if (IS_ERR(f)) {
		pr_err("cannot open /dev/%s: %ld\n", node, PTR_ERR(f));
	} else if (f->f_op->unlocked_ioctl != drm_ioctl) {
		pr_err("/dev/%s is not a DRM node\n", node);
		__fput_sync(f);
		f = ERR_PTR(-ENOTTY);
	}
	return f;
}

/* The name of the driver of the DRM file @f */
static const char *accel_bench_driver(struct file *f)
{
	struct drm_file *file = f->private_data;

	return file->minor->dev->driver->name;
}

/* The accel node measured beside the render node, if the tree has accel */
#define ACCEL_BENCH_NODE	"accel/accel0"
static const bool accel_bench_accel = IS_ENABLED(CONFIG_DRM_ACCEL);

/* Open + release of the @n nodes of @s (their args) in rounds, printed */
static int accel_bench_opens(struct accel_bench *b, struct accel_bench_stat *s,
			     unsigned int n)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		s[i].run = accel_bench_open;
		s[i].iters = open_iters;
	}
	ret = accel_bench_rounds(b, s, n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++)
		accel_bench_print(&s[i]);
	return 0;
}

/* Figure 2: open + release, accel0 beside a render node and /dev/null */
static int accel_bench_fig_open(struct accel_bench *b)
{
	struct accel_bench_stat s[3] = {
		{ .name = "/dev/" ACCEL_BENCH_NODE, .arg = ACCEL_BENCH_NODE },
		{ .name = "render node", .arg = render },
		{ .name = "/dev/null", .arg = "null" },
	};
	unsigned int first = accel_bench_accel ? 0 : 1;
	int ret;

	pr_info("open + release (ns per open and release; render node /dev/%s)\n", render);
	ret = accel_bench_opens(b, s + first, ARRAY_SIZE(s) - first);
	if (ret)
		return ret;
	if (accel_bench_accel) {
		accel_bench_ratio("open:accel/render", &s[0], &s[1]);
		accel_bench_ratio("open:accel/null", &s[0], &s[2]);
	}
	accel_bench_ratio("open:render/null", &s[1], &s[2]);
	return 0;
}

/*
 * DRM_IOCTL_VERSION as libdrm calls it first: no buffers, the lengths
 * come back. The strings are not copied, so the drivers' differ in
 * length without weighing on the figure.
 */
static int accel_bench_version_arg(struct accel_bench *b)
{
	struct drm_version v = { 0 };

	return copy_to_user(b->user, &v, sizeof(v)) ? -EFAULT : 0;
}

static int accel_bench_get_cap_arg(struct accel_bench *b)
{
	struct drm_get_cap c = { .capability = DRM_CAP_SYNCOBJ };

	return copy_to_user(b->user, &c, sizeof(c)) ? -EFAULT : 0;
}

/* One ioctl on an accel file and on a render file, interleaved */
static int accel_bench_ioctl_pair(struct accel_bench *b, struct file *accel,
				  struct file *rnd, const char *what, const char *ratio,
				  unsigned int cmd, long ret,
				  int (*set_arg)(struct accel_bench *b))
{
	struct accel_bench_ioctl io[2] = {
		{ .f = accel, .cmd = cmd, .ret = ret },
		{ .f = rnd, .cmd = cmd, .ret = ret },
	};
	struct accel_bench_stat s[2] = {
		{ .name = "accel", .run = accel_bench_ioctl, .arg = &io[0], .iters = ioctl_iters },
		{ .name = "render", .run = accel_bench_ioctl, .arg = &io[1], .iters = ioctl_iters },
	};
	unsigned int first = accel ? 0 : 1;
	int err;

	if (set_arg) {
		err = set_arg(b);
		if (err)
			return err;
	}
	err = accel_bench_rounds(b, s + first, 2 - first);
	if (err)
		return err;
	pr_info(" %s\n", what);
	for (; first < 2; first++)
		accel_bench_print(&s[first]);
	if (accel)
		accel_bench_ratio(ratio, &s[0], &s[1]);
	return 0;
}

/* Figure 4: ioctls on an accel file beside a render file */
static int accel_bench_fig_ioctl(struct accel_bench *b)
{
	struct file *accel = NULL, *rnd;
	int ret;

	rnd = accel_bench_open_node(b, render);
	if (IS_ERR(rnd))
		return PTR_ERR(rnd);
	if (accel_bench_accel) {
		accel = accel_bench_open_node(b, ACCEL_BENCH_NODE);
		if (IS_ERR(accel)) {
			ret = PTR_ERR(accel);
			goto out_put_render;
		}
	}
	pr_info("ioctls (ns per call; %s and %s)\n",
		accel ? accel_bench_driver(accel) : "no accel", accel_bench_driver(rnd));
	ret = accel_bench_ioctl_pair(b, accel, rnd, "DRM_IOCTL_VERSION (lengths only)",
				     "VERSION:accel/render", DRM_IOCTL_VERSION, 0,
				     accel_bench_version_arg);
	if (!ret)
		ret = accel_bench_ioctl_pair(b, accel, rnd, "DRM_IOCTL_GET_CAP (allowed)",
					     "GET_CAP:accel/render", DRM_IOCTL_GET_CAP, 0,
					     accel_bench_get_cap_arg);
	if (!ret)
		ret = accel_bench_ioctl_pair(b, accel, rnd, "DRM_IOCTL_GET_MAGIC (refused: EACCES)",
					     "GET_MAGIC:accel/render", DRM_IOCTL_GET_MAGIC,
					     -EACCES, NULL);
	if (accel)
		__fput_sync(accel);
out_put_render:
	__fput_sync(rnd);
	return ret;
}

#if IS_ENABLED(CONFIG_DRM_ACCEL)
/* An ioctl of @f with argument @arg copied to the user page and back */
static long accel_bench_call(struct accel_bench *b, struct file *f, unsigned int cmd,
			     void *arg, size_t len)
{
	long ret;

	if (copy_to_user(b->user, arg, len))
		return -EFAULT;
	ret = f->f_op->unlocked_ioctl(f, cmd, (unsigned long)b->user);
	if (!ret && copy_from_user(arg, b->user, len))
		return -EFAULT;
	return ret;
}

/* BO_CREATE of a page and GEM_CLOSE of its handle */
static s64 accel_bench_bo(struct accel_bench *b, void *arg, unsigned int iters)
{
	struct drm_dummy_accel_bo_create bo = { .size = PAGE_SIZE };
	struct drm_gem_close close = { 0 };
	u64 start = ktime_get_ns();
	unsigned int i;
	long ret;

	for (i = 0; i < iters; i++) {
		ret = accel_bench_call(b, arg, DRM_IOCTL_DUMMY_ACCEL_BO_CREATE, &bo, sizeof(bo));
		close.handle = bo.handle;
		if (!ret)
			ret = accel_bench_call(b, arg, DRM_IOCTL_GEM_CLOSE, &close, sizeof(close));
		if (ret)
			return ret;
	}
	return div_u64(ktime_get_ns() - start, iters);
}

/* Most jobs in flight, and most cores used, by the job figures */
#define ACCEL_BENCH_MAX_DEPTH	64
#define ACCEL_BENCH_MAX_CORES	16

/* The numbers of jobs kept in flight: the first is the round trip */
static const unsigned int accel_bench_depths[] = { 1, 4, ACCEL_BENCH_MAX_DEPTH };
#define ACCEL_BENCH_DEPTHS	ARRAY_SIZE(accel_bench_depths)

/* The floor's work item: queued, and its end waited for */
struct accel_bench_hop {
	struct work_struct work;
	struct completion done;
};

/*
 * What the job figures share: dummy_accel's file @f, a buffer @bo of one
 * element and a syncobj per job in flight; for the floor, an ordered
 * workqueue per core (as dummy_accel's hardware queues are), @nwq of
 * them, and a work item per job in flight. Job i runs on core i % @cores
 * and signals slot i % depth, whose previous job is waited for before,
 * so that depth jobs are always submitted and not yet waited for. The
 * syncobj handles are in the user page from byte ACCEL_BENCH_HANDLES.
 */
struct accel_bench_job_fig {
	struct file *f;
	u32 bo;
	unsigned int cores;
	u32 syncobj[ACCEL_BENCH_MAX_DEPTH];
	struct workqueue_struct *wq[ACCEL_BENCH_MAX_CORES];
	unsigned int nwq;
	struct accel_bench_hop hop[ACCEL_BENCH_MAX_DEPTH];
	/* each figure's argument: the above, and how many jobs in flight */
	struct accel_bench_depth {
		struct accel_bench_job_fig *fig;
		unsigned int depth;
	} d[ACCEL_BENCH_DEPTHS];
	/* BO_CREATE + GEM_CLOSE, then a job figure per depth, then the floors */
	struct accel_bench_stat s[1 + 2 * ACCEL_BENCH_DEPTHS];
	char names[2 * ACCEL_BENCH_DEPTHS][32];
};

#define ACCEL_BENCH_HANDLES	512

/* SYNCOBJ_WAIT for all of @count syncobjs of @fig from the @first */
static long accel_bench_jobs_wait(struct accel_bench *b, struct accel_bench_job_fig *fig,
				  unsigned int first, unsigned int count)
{
	struct drm_syncobj_wait wait = {
		.handles = (uintptr_t)b->user + ACCEL_BENCH_HANDLES + first * sizeof(u32),
		.count_handles = count,
		.timeout_nsec = S64_MAX,
		.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL,
	};

	return accel_bench_call(b, fig->f, DRM_IOCTL_SYNCOBJ_WAIT, &wait, sizeof(wait));
}

/* ns per job of @iters jobs, from SUBMIT to the signal of its out-syncobj */
static s64 accel_bench_jobs(struct accel_bench *b, void *arg, unsigned int iters)
{
	const struct accel_bench_depth *d = arg;
	struct accel_bench_job_fig *fig = d->fig;
	struct drm_dummy_accel_submit job = {
		.in_handle = fig->bo, .count = 1, .op = DUMMY_ACCEL_OP_SUM,
	};
	u64 start = ktime_get_ns();
	unsigned int i, slot;
	long ret = 0;

	if (copy_to_user(b->user + ACCEL_BENCH_HANDLES, fig->syncobj,
			 d->depth * sizeof(u32)))
		return -EFAULT;
	for (i = 0; i < iters && !ret; i++) {
		slot = i % d->depth;
		if (i >= d->depth)
			ret = accel_bench_jobs_wait(b, fig, slot, 1);
		job.core = i % fig->cores;
		job.out_syncobj.handle = fig->syncobj[slot];
		if (!ret)
			ret = accel_bench_call(b, fig->f, DRM_IOCTL_DUMMY_ACCEL_SUBMIT,
					       &job, sizeof(job));
	}
	if (!ret)
		ret = accel_bench_jobs_wait(b, fig, 0, min(iters, d->depth));
	if (ret)
		return ret;
	return div_u64(ktime_get_ns() - start, iters);
}

static void accel_bench_hop_work(struct work_struct *work)
{
	complete(&container_of(work, struct accel_bench_hop, work)->done);
}

/*
 * The floor of the job figures: the same hand-offs with no driver, ns per
 * work item of @iters items from queue_work() to their end
 */
static s64 accel_bench_floor(struct accel_bench *b, void *arg, unsigned int iters)
{
	const struct accel_bench_depth *d = arg;
	struct accel_bench_job_fig *fig = d->fig;
	u64 start = ktime_get_ns();
	unsigned int i, slot;

	for (i = 0; i < iters; i++) {
		slot = i % d->depth;
		if (i >= d->depth)
			wait_for_completion(&fig->hop[slot].done);
		reinit_completion(&fig->hop[slot].done);
		queue_work(fig->wq[i % fig->cores], &fig->hop[slot].work);
	}
	for (i = 0; i < min(iters, d->depth); i++)
		wait_for_completion(&fig->hop[i].done);
	return div_u64(ktime_get_ns() - start, iters);
}

/* The floor's workqueues, one per core, and its work items: 0 or -ENOMEM */
static int accel_bench_floor_init(struct accel_bench_job_fig *fig)
{
	unsigned int i;

	for (i = 0; i < ACCEL_BENCH_MAX_DEPTH; i++) {
		INIT_WORK(&fig->hop[i].work, accel_bench_hop_work);
		init_completion(&fig->hop[i].done);
	}
	for (fig->nwq = 0; fig->nwq < fig->cores; fig->nwq++) {
		fig->wq[fig->nwq] = alloc_ordered_workqueue("accel_bench%u", WQ_MEM_RECLAIM,
							    fig->nwq);
		if (!fig->wq[fig->nwq])
			return -ENOMEM;
	}
	return 0;
}

/* Undoes accel_bench_floor_init(), also when it failed half-way */
static void accel_bench_floor_fini(struct accel_bench_job_fig *fig)
{
	while (fig->nwq)
		destroy_workqueue(fig->wq[--fig->nwq]);
}

/* The number of dummy_accel's cores of @fig->f, at most ACCEL_BENCH_MAX_CORES */
static long accel_bench_cores(struct accel_bench *b, struct accel_bench_job_fig *fig)
{
	struct drm_dummy_accel_get_param p = { .param = DUMMY_ACCEL_PARAM_NUM_CORES };
	long ret = accel_bench_call(b, fig->f, DRM_IOCTL_DUMMY_ACCEL_GET_PARAM, &p, sizeof(p));

	fig->cores = clamp_t(u64, p.value, 1, ACCEL_BENCH_MAX_CORES);
	return ret;
}

/* A buffer of one page and ACCEL_BENCH_MAX_DEPTH syncobjs on @fig->f */
static long accel_bench_jobs_init(struct accel_bench *b, struct accel_bench_job_fig *fig)
{
	struct drm_dummy_accel_bo_create bo = { .size = PAGE_SIZE };
	struct drm_syncobj_create sync = { 0 };
	unsigned int i;
	long ret;

	ret = accel_bench_call(b, fig->f, DRM_IOCTL_DUMMY_ACCEL_BO_CREATE, &bo, sizeof(bo));
	fig->bo = bo.handle;
	for (i = 0; !ret && i < ACCEL_BENCH_MAX_DEPTH; i++) {
		ret = accel_bench_call(b, fig->f, DRM_IOCTL_SYNCOBJ_CREATE, &sync, sizeof(sync));
		fig->syncobj[i] = sync.handle;
	}
	return ret;
}

/* @fig's figures, each in rounds, then their table and ratios */
static int accel_bench_job_rounds(struct accel_bench *b, struct accel_bench_job_fig *fig)
{
	unsigned int i, n = ACCEL_BENCH_DEPTHS;
	char ratio[32];
	int ret;

	ret = accel_bench_rounds(b, fig->s, ARRAY_SIZE(fig->s));
	if (ret)
		return ret;
	pr_info("dummy_accel (ns per pair of ioctls, per job; %u cores)\n", fig->cores);
	for (i = 0; i < ARRAY_SIZE(fig->s); i++)
		accel_bench_print(&fig->s[i]);
	for (i = 0; i < n; i++) {
		snprintf(ratio, sizeof(ratio), "job:%u_in_flight/floor", accel_bench_depths[i]);
		accel_bench_ratio(ratio, &fig->s[1 + i], &fig->s[1 + n + i]);
	}
	return 0;
}

/* @fig's figures: a name, a run function and an argument each */
static void accel_bench_job_stats(struct accel_bench_job_fig *fig)
{
	unsigned int i, n = ACCEL_BENCH_DEPTHS;

	fig->s[0] = (struct accel_bench_stat){ .name = "BO_CREATE + GEM_CLOSE, 1 page",
					       .run = accel_bench_bo, .arg = fig->f };
	for (i = 0; i < n; i++) {
		fig->d[i].fig = fig;
		fig->d[i].depth = accel_bench_depths[i];
		snprintf(fig->names[i], sizeof(fig->names[i]), "jobs, %u in flight",
			 accel_bench_depths[i]);
		fig->s[1 + i] = (struct accel_bench_stat){ .name = fig->names[i],
							   .run = accel_bench_jobs,
							   .arg = &fig->d[i] };
		snprintf(fig->names[n + i], sizeof(fig->names[n + i]),
			 "queue_work floor, %u in flight", accel_bench_depths[i]);
		fig->s[1 + n + i] = (struct accel_bench_stat){ .name = fig->names[n + i],
							       .run = accel_bench_floor,
							       .arg = &fig->d[i] };
	}
	for (i = 0; i < ARRAY_SIZE(fig->s); i++)
		fig->s[i].iters = ioctl_iters / 10;
}

/*
 * Figure 5: dummy_accel's buffers and jobs through its ioctls: a buffer's
 * create and close, and one-element jobs from SUBMIT to their signalled
 * out-syncobj with 1 (the round trip), 4 and 64 in flight across the
 * cores, each beside its floor, queue_work() to the end of a work item.
 */
static int accel_bench_fig_job(struct accel_bench *b)
{
	struct accel_bench_job_fig *fig;
	struct file *f;
	int ret;

	f = accel_bench_open_node(b, ACCEL_BENCH_NODE);
	if (IS_ERR(f))
		return PTR_ERR(f);
	if (strcmp(accel_bench_driver(f), "dummy_accel")) {
		pr_err("/dev/%s is not dummy_accel's\n", ACCEL_BENCH_NODE);
		ret = -ENODEV;
		goto out_put_file;
	}
	fig = kzalloc(sizeof(*fig), GFP_KERNEL);
	if (!fig) {
		ret = -ENOMEM;
		goto out_put_file;
	}
	fig->f = f;
	ret = accel_bench_cores(b, fig);
	if (!ret)
		ret = accel_bench_jobs_init(b, fig);
	if (!ret)
		ret = accel_bench_floor_init(fig);
	if (!ret) {
		accel_bench_job_stats(fig);
		ret = accel_bench_job_rounds(b, fig);
	}
	accel_bench_floor_fini(fig);
	kfree(fig);
out_put_file:
	/* the file's release frees the buffer and the syncobjs */
	__fput_sync(f);
	return ret;
}

/*
 * A driver of the module's own, its devices under a root device. Its
 * name, desc and date are as long as vgem's, so that DRM_IOCTL_VERSION,
 * which measures the strings, costs the same on both but for the core.
 */
#define ACCEL_BENCH_DRIVER_NAMES \
	.name = "bnch", .desc = "accel core benchmark", .date = "20261127"

DEFINE_DRM_ACCEL_FOPS(accel_bench_fops);

static const struct drm_driver accel_bench_drm_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL,
	.fops = &accel_bench_fops,
	ACCEL_BENCH_DRIVER_NAMES,
};

/*
 * The same driver as a render driver, and both again with dummy_accel's
 * work per file (GEM's handle table, the syncobj table and a state of
 * the driver's own, dummy_accel's size with its 4 cores, allocated at
 * open and freed at postclose). The accel node and the render node of
 * one driver differ only in the core's part of open and release.
 */
static const struct file_operations accel_bench_render_fops = {
	.owner		= THIS_MODULE,
	.open		= drm_open,
	.release	= drm_release,
	.unlocked_ioctl	= drm_ioctl,
	.compat_ioctl	= drm_compat_ioctl,
	.poll		= drm_poll,
	.read		= drm_read,
	.llseek		= noop_llseek,
	.mmap		= drm_gem_mmap,
	.show_fdinfo	= drm_show_fdinfo,
};

static const struct drm_driver accel_bench_render_driver = {
	.driver_features = DRIVER_RENDER,
	.fops = &accel_bench_render_fops,
	ACCEL_BENCH_DRIVER_NAMES,
};

#define ACCEL_BENCH_STATE_FEATURES \
	(DRIVER_GEM | DRIVER_SYNCOBJ | DRIVER_SYNCOBJ_TIMELINE)
#define ACCEL_BENCH_FILE_STATE	56

static int accel_bench_file_open(struct drm_device *dev, struct drm_file *file)
{
	file->driver_priv = kzalloc(ACCEL_BENCH_FILE_STATE, GFP_KERNEL);
	return file->driver_priv ? 0 : -ENOMEM;
}

static void accel_bench_file_postclose(struct drm_device *dev, struct drm_file *file)
{
	kfree(file->driver_priv);
}

static const struct drm_driver accel_bench_state_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL | ACCEL_BENCH_STATE_FEATURES,
	.open = accel_bench_file_open,
	.postclose = accel_bench_file_postclose,
	.fops = &accel_bench_fops,
	ACCEL_BENCH_DRIVER_NAMES,
};

static const struct drm_driver accel_bench_render_state_driver = {
	.driver_features = DRIVER_RENDER | ACCEL_BENCH_STATE_FEATURES,
	.open = accel_bench_file_open,
	.postclose = accel_bench_file_postclose,
	.fops = &accel_bench_render_fops,
	ACCEL_BENCH_DRIVER_NAMES,
};

/* A registered device of @driver under @parent, or an error */
static struct drm_device *accel_bench_drv_add(const struct drm_driver *driver,
					      struct device *parent)
{
	struct drm_device *dev = drm_dev_alloc(driver, parent);
	int ret;

	if (IS_ERR(dev))
		return dev;
	ret = drm_dev_register(dev, 0);
	if (ret) {
		drm_dev_put(dev);
		return ERR_PTR(ret);
	}
	return dev;
}

/* A device of the accel driver bnch */
static struct drm_device *accel_bench_dev_add(struct device *parent)
{
	return accel_bench_drv_add(&accel_bench_drm_driver, parent);
}

static void accel_bench_dev_remove(struct drm_device *dev)
{
	drm_dev_unregister(dev);
	drm_dev_put(dev);
}

/* A device of the module's own and its node under /dev */
struct accel_bench_node {
	struct drm_device *dev;
	char node[24];
};

static int accel_bench_node_add(struct accel_bench_node *n, const struct drm_driver *driver,
				struct device *parent)
{
	n->dev = accel_bench_drv_add(driver, parent);
	if (IS_ERR(n->dev))
		return PTR_ERR(n->dev);
	if (driver->driver_features & DRIVER_RENDER)
		snprintf(n->node, sizeof(n->node), "dri/renderD%d", n->dev->render->index);
	else
		snprintf(n->node, sizeof(n->node), "accel/accel%d", n->dev->accel->index);
	return 0;
}

/* One device of bnch, under a root device of its own */
struct accel_bench_own {
	struct device *parent;
	struct accel_bench_node n;
};

static int accel_bench_own_add(struct accel_bench_own *own)
{
	int ret;

	own->parent = root_device_register("accel_bench");
	if (IS_ERR(own->parent))
		return PTR_ERR(own->parent);
	ret = accel_bench_node_add(&own->n, &accel_bench_drm_driver, own->parent);
	if (ret)
		root_device_unregister(own->parent);
	return ret;
}

static void accel_bench_own_remove(struct accel_bench_own *own)
{
	accel_bench_dev_remove(own->n.dev);
	root_device_unregister(own->parent);
}

/* alloc + register + unregister + put of one device */
static s64 accel_bench_register(struct accel_bench *b, void *parent, unsigned int iters)
{
	u64 start = ktime_get_ns();
	struct drm_device *dev;
	unsigned int i;

	for (i = 0; i < iters; i++) {
		dev = accel_bench_dev_add(parent);
		if (IS_ERR(dev))
			return PTR_ERR(dev);
		accel_bench_dev_remove(dev);
	}
	return div_u64(ktime_get_ns() - start, iters);
}

/* Add devices until there are @n: 0 or -errno */
static int accel_bench_devs_grow(struct device *parent, struct drm_device **devs,
				 unsigned int *ndevs, unsigned int n)
{
	struct drm_device *dev;

	while (*ndevs < n) {
		dev = accel_bench_dev_add(parent);
		if (IS_ERR(dev))
			return PTR_ERR(dev);
		devs[(*ndevs)++] = dev;
	}
	return 0;
}

/* Remove the last devices until there are @n */
static void accel_bench_devs_shrink(struct drm_device **devs, unsigned int *ndevs,
				    unsigned int n)
{
	while (*ndevs > n)
		accel_bench_dev_remove(devs[--*ndevs]);
}

/* The lookup's counts of devices, and the labels of their figures */
static const unsigned int accel_bench_counts[] = { 1, 16, ACCEL_BENCH_MAX_DEVS };
static const char * const accel_bench_lookup_names[] = {
	"1 device: the first", "1 device: the last",
	"16 devices: the first", "16 devices: the last",
	"256 devices: the first", "256 devices: the last",
};

/* Have @n devices: add or remove the last ones; 0 or -errno */
static int accel_bench_devs_set(struct device *parent, struct drm_device **devs,
				unsigned int *ndevs, unsigned int n)
{
	accel_bench_devs_shrink(devs, ndevs, n);
	return accel_bench_devs_grow(parent, devs, ndevs, n);
}

/*
 * Figure 1: open + release of the first and the last of 1, 16 and 256
 * devices, into @s[0..5]. Each round goes through the three counts,
 * adding and removing devices in between, so that a drift of the run
 * weighs on every count alike.
 */
static int accel_bench_lookup(struct accel_bench *b, struct device *parent,
			      struct drm_device **devs, unsigned int *ndevs,
			      struct accel_bench_stat *s)
{
	unsigned int r, i, j, n;
	char node[24];
	int ret;
	s64 ns;

	for (r = 0; r <= rounds; r++) {
		for (i = 0; i < ARRAY_SIZE(accel_bench_counts); i++) {
			n = accel_bench_counts[i];
			ret = accel_bench_devs_set(parent, devs, ndevs, n);
			if (ret)
				return ret;
			for (j = 0; j < 2; j++) {
				snprintf(node, sizeof(node), "accel/accel%d",
					 devs[j ? n - 1 : 0]->accel->index);
				ns = accel_bench_open(b, node, open_iters);
				if (ns < 0)
					return ns;
				if (r)
					s[2 * i + j].ns[s[2 * i + j].n++] = ns;
			}
		}
		cond_resched();
	}
	pr_info(" of accel%d to accel%d\n", devs[0]->accel->index,
		devs[*ndevs - 1]->accel->index);
	for (i = 0; i < ARRAY_SIZE(accel_bench_lookup_names); i++) {
		s[i].name = accel_bench_lookup_names[i];
		s[i].iters = open_iters;
		accel_bench_print(&s[i]);
	}
	accel_bench_ratio("lookup:last16/first1", &s[3], &s[0]);
	accel_bench_ratio("lookup:first256/first1", &s[4], &s[0]);
	accel_bench_ratio("lookup:last256/first1", &s[5], &s[0]);
	return 0;
}

/*
 * Figure 2 again with the module's own driver bnch, once as an accel and
 * once as a render driver: without state per file (no open or postclose,
 * GEM or syncobjs), what the core and DRM's file cost; with dummy_accel's
 * work per file, whether an accel node costs more than the render node of
 * the same driver.
 */
static int accel_bench_fig_open_core(struct accel_bench *b)
{
	static const struct drm_driver * const drivers[] = {
		&accel_bench_drm_driver, &accel_bench_render_driver,
		&accel_bench_state_driver, &accel_bench_render_state_driver,
	};
	static const char * const names[] = {
		"bnch accel, no file state", "bnch render, no file state",
		"bnch accel, file state as dummy's", "bnch render, file state as dummy's",
		"/dev/null",
	};
	struct accel_bench_node nodes[ARRAY_SIZE(drivers)];
	struct accel_bench_stat *s;
	struct device *parent;
	unsigned int n;
	int ret = 0;

	s = kcalloc(ARRAY_SIZE(names), sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	parent = root_device_register("accel_bench");
	if (IS_ERR(parent)) {
		kfree(s);
		return PTR_ERR(parent);
	}
	for (n = 0; n < ARRAY_SIZE(names); n++)
		s[n].name = names[n];
	s[ARRAY_SIZE(drivers)].arg = "null";
	for (n = 0; n < ARRAY_SIZE(drivers); n++) {
		ret = accel_bench_node_add(&nodes[n], drivers[n], parent);
		if (ret)
			goto out_remove_nodes;
		s[n].arg = nodes[n].node;
	}
	pr_info("open + release, bnch as accel and render (%s %s %s %s)\n",
		nodes[0].node, nodes[1].node, nodes[2].node, nodes[3].node);
	ret = accel_bench_opens(b, s, ARRAY_SIZE(names));
	if (!ret) {
		accel_bench_ratio("open:bnch:accel/render", &s[0], &s[1]);
		accel_bench_ratio("open:bnch_state:accel/render", &s[2], &s[3]);
		accel_bench_ratio("open:core/null", &s[0], &s[4]);
	}
out_remove_nodes:
	while (n--)
		accel_bench_dev_remove(nodes[n].dev);
	root_device_unregister(parent);
	kfree(s);
	return ret;
}

/*
 * DRM_IOCTL_VERSION on a device of the module's own driver beside the
 * render node: the strings are as long as vgem's, the difference is the
 * core's (dummy_accel's longer strings cost the rest of figure 4's).
 */
static int accel_bench_fig_version(struct accel_bench *b)
{
	struct accel_bench_own own;
	struct file *accel, *rnd;
	int ret;

	ret = accel_bench_own_add(&own);
	if (ret)
		return ret;
	accel = accel_bench_open_node(b, own.n.node);
	ret = PTR_ERR_OR_ZERO(accel);
	if (ret)
		goto out_remove_own;
	rnd = accel_bench_open_node(b, render);
	ret = PTR_ERR_OR_ZERO(rnd);
	if (ret)
		goto out_put_accel;

	ret = accel_bench_ioctl_pair(b, accel, rnd,
				     "DRM_IOCTL_VERSION, bnch's strings as long as vgem's",
				     "VERSION:same_lengths", DRM_IOCTL_VERSION, 0,
				     accel_bench_version_arg);
	__fput_sync(rnd);
out_put_accel:
	__fput_sync(accel);
out_remove_own:
	accel_bench_own_remove(&own);
	return ret;
}

/* Figures 1 and 3: devices of the module's own */
static int accel_bench_fig_devices(struct accel_bench *b)
{
	struct accel_bench_stat *s, reg = {
		.name = "one device", .run = accel_bench_register, .iters = reg_iters,
	};
	struct drm_device **devs;
	unsigned int ndevs = 0, got;
	struct device *parent;
	u64 t, t_add, t_remove;
	int ret;

	s = kcalloc(ARRAY_SIZE(accel_bench_lookup_names), sizeof(*s), GFP_KERNEL);
	devs = kcalloc(ACCEL_BENCH_MAX_DEVS, sizeof(*devs), GFP_KERNEL);
	parent = root_device_register("accel_bench");
	ret = IS_ERR(parent) ? PTR_ERR(parent) : 0;
	if (!s || !devs)
		ret = -ENOMEM;
	if (ret)
		goto out_free;

	reg.arg = parent;
	pr_info("accel devices (ns per alloc + register + unregister + put)\n");
	ret = accel_bench_rounds(b, &reg, 1);
	if (ret)
		goto out_free;
	accel_bench_print(&reg);

	t = ktime_get_ns();
	ret = accel_bench_devs_grow(parent, devs, &ndevs, ACCEL_BENCH_MAX_DEVS);
	t_add = ktime_get_ns() - t;
	got = ndevs;
	t = ktime_get_ns();
	accel_bench_devs_shrink(devs, &ndevs, 0);
	t_remove = ktime_get_ns() - t;
	if (ret) {
		pr_err("registered %u devices of %u: %d (is another accel driver loaded?)\n",
		       got, ACCEL_BENCH_MAX_DEVS, ret);
		goto out_free;
	}
	pr_info("  %u devices registered in a row: %llu us, unregistered: %llu us, %llu ns per device\n",
		ACCEL_BENCH_MAX_DEVS, div_u64(t_add, 1000), div_u64(t_remove, 1000),
		div_u64(t_add + t_remove, ACCEL_BENCH_MAX_DEVS));

	pr_info("minor lookup: open + release of the first and the last device\n");
	ret = accel_bench_lookup(b, parent, devs, &ndevs, s);
	accel_bench_devs_shrink(devs, &ndevs, 0);
out_free:
	if (!IS_ERR_OR_NULL(parent))
		root_device_unregister(parent);
	kfree(devs);
	kfree(s);
	return ret;
}
#else
static int accel_bench_fig_open_core(struct accel_bench *b)
{
	return 0;
}

static int accel_bench_fig_version(struct accel_bench *b)
{
	return 0;
}

static int accel_bench_fig_job(struct accel_bench *b)
{
	pr_info("job: needs the accel core\n");
	return 0;
}

static int accel_bench_fig_devices(struct accel_bench *b)
{
	pr_info("devices: needs the accel core\n");
	return 0;
}
#endif

static bool accel_bench_wanted(const char *figure)
{
	const char *p = figures;
	size_t n = strlen(figure);

	while ((p = strstr(p, figure))) {
		if ((p == figures || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

static int accel_bench_figures(struct accel_bench *b)
{
	int ret = 0;

	pr_info("%u rounds after one to warm up; ns per operation, median and min of the rounds\n",
		rounds);
	pr_info("  %-36s %8s %10s %10s\n", "", "per round", "median", "min");
	if (accel_bench_wanted("open"))
		ret = accel_bench_fig_open(b);
	if (!ret && accel_bench_wanted("open"))
		ret = accel_bench_fig_open_core(b);
	if (!ret && accel_bench_wanted("ioctl"))
		ret = accel_bench_fig_ioctl(b);
	if (!ret && accel_bench_wanted("ioctl"))
		ret = accel_bench_fig_version(b);
	if (!ret && accel_bench_wanted("job"))
		ret = accel_bench_fig_job(b);
	if (!ret && accel_bench_wanted("devices"))
		ret = accel_bench_fig_devices(b);
	return ret;
}

static int accel_bench_thread(void *data)
{
	struct accel_bench *b = data;
	unsigned long addr;

	kthread_use_mm(b->mm);
	addr = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (IS_ERR_VALUE(addr)) {
		b->err = addr;
	} else {
		b->user = (void __user *)addr;
		b->err = accel_bench_figures(b);
		vm_munmap(addr, PAGE_SIZE);
	}
	kthread_unuse_mm(b->mm);
	/* the module may be gone once init returns: exit without returning to it */
	kthread_complete_and_exit(&b->done, 0);
}

static int __init accel_bench_init(void)
{
	struct accel_bench b = { .mm = current->mm };
	struct task_struct *t;
	int ret;

	if (!rounds || rounds > ACCEL_BENCH_MAX_ROUNDS || !open_iters ||
	    ioctl_iters < 10 || !reg_iters || !b.mm)
		return -EINVAL;
	ret = kern_path("/dev", LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &b.dev);
	if (ret)
		return ret;
	if (strcmp(b.dev.mnt->mnt_sb->s_type->name, "devtmpfs"))
		pr_warn("/dev is %s, not devtmpfs: its lookups are timed too\n",
			b.dev.mnt->mnt_sb->s_type->name);

	mmget(b.mm);
	init_completion(&b.done);
	t = kthread_run(accel_bench_thread, &b, "accel_bench");
	if (IS_ERR(t))
		b.err = PTR_ERR(t);
	else
		wait_for_completion(&b.done);
	mmput(b.mm);
	path_put(&b.dev);
	return b.err;
}

static void __exit accel_bench_exit(void)
{
}

module_init(accel_bench_init);
module_exit(accel_bench_exit);

MODULE_DESCRIPTION("Benchmark of the accel core beside DRM render nodes");
MODULE_LICENSE("GPL");
