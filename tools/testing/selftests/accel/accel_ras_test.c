// SPDX-License-Identifier: GPL-2.0
/*
 * RAS through the drm-ras generic netlink family, as a daemon reads it,
 * with libnl-genl: dummy_accel's nodes ("core", "memory") for two devices,
 * counters read and cleared after injected errors and a hang, the change
 * events of the "events" group and how soon they come, nodes that go at
 * unbind, an unprivileged caller, malformed requests, and unbind while
 * another thread dumps.
 *
 * Needs root and a dummy_accel module (as accel_module_test); each test
 * loads it with two devices and leaves it loaded with one.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/wait.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <drm/drm_ras.h>

#include "accel_util.h"
#include "../kselftest_harness.h"

/* The highest attribute number a reply of the family carries */
#define RAS_MAX_ATTR	DRM_RAS_A_ERROR_COUNTER_ATTRS_PAD

/* One message of the family, its attributes by number */
struct ras_msg {
	uint8_t cmd;
	int has[RAS_MAX_ATTR + 1];
	uint32_t u32[RAS_MAX_ATTR + 1];
	uint64_t u64[RAS_MAX_ATTR + 1];
	char str[RAS_MAX_ATTR + 1][64];
};

#define RAS_MAX_MSGS	64

/* What a request got back: the messages, and the kernel's errno (or 0) */
struct ras_reply {
	int n;
	struct ras_msg msg[RAS_MAX_MSGS];
	int err;
	int done;
};

struct ras {
	struct nl_sock *sk;
	int family;
	int group;
};

static void ras_parse(struct nl_msg *nlmsg, struct ras_msg *m)
{
	struct nlmsghdr *nlh = nlmsg_hdr(nlmsg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct nlattr *a;
	int rem, t;

	memset(m, 0, sizeof(*m));
	m->cmd = gh->cmd;
	nla_for_each_attr(a, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0), rem) {
		t = nla_type(a);
		if (t > RAS_MAX_ATTR)
			continue;
		m->has[t] = 1;
		if (nla_len(a) == 4)
			m->u32[t] = nla_get_u32(a);
		if (nla_len(a) == 8)
			m->u64[t] = nla_get_u64(a);
		snprintf(m->str[t], sizeof(m->str[t]), "%.*s", nla_len(a), (char *)nla_data(a));
	}
}

static int ras_valid(struct nl_msg *nlmsg, void *arg)
{
	struct ras_reply *r = arg;

	/* more than the family ever sends: a dump that does not end fails */
	if (r->n == RAS_MAX_MSGS) {
		r->err = -EOVERFLOW;
		r->done = 1;
		return NL_STOP;
	}
	ras_parse(nlmsg, &r->msg[r->n++]);
	return NL_OK;
}

static int ras_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct ras_reply *r = arg;

	r->err = e->error;
	r->done = 1;
	return NL_STOP;
}

static int ras_ack(struct nl_msg *nlmsg, void *arg)
{
	struct ras_reply *r = arg;

	r->done = 1;
	return NL_STOP;
}

/* NLMSG_DONE of a dump carries the dump's error, if it ended in one */
static int ras_finish(struct nl_msg *nlmsg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(nlmsg);
	struct ras_reply *r = arg;
	int err;

	if (nlmsg_datalen(nlh) >= (int)sizeof(int)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		r->err = err;
	}
	r->done = 1;
	return NL_STOP;
}

/* Events (sequence number 0) and raw requests have no libnl sequence */
static int ras_no_seq_check(struct nl_msg *nlmsg, void *arg)
{
	return NL_OK;
}

/* A socket talking to the family; 0 or a libnl error */
static int ras_open(struct ras *r)
{
	memset(r, 0, sizeof(*r));
	r->sk = nl_socket_alloc();
	if (!r->sk)
		return -NLE_NOMEM;
	if (genl_connect(r->sk))
		return -NLE_FAILURE;
	r->family = genl_ctrl_resolve(r->sk, DRM_RAS_FAMILY_NAME);
	if (r->family < 0)
		return r->family;
	r->group = genl_ctrl_resolve_grp(r->sk, DRM_RAS_FAMILY_NAME, DRM_RAS_MCGRP_EVENTS);
	return r->group < 0 ? r->group : 0;
}

static void ras_close(struct ras *r)
{
	if (r->sk)
		nl_socket_free(r->sk);
	r->sk = NULL;
}

/* A request of @cmd, a dump with @flags NLM_F_DUMP; NULL without memory */
static struct nl_msg *ras_msg(struct ras *r, uint8_t cmd, int flags)
{
	struct nl_msg *m = nlmsg_alloc();

	if (m && !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, r->family, 0, flags, cmd,
			      DRM_RAS_FAMILY_VERSION)) {
		nlmsg_free(m);
		m = NULL;
	}
	return m;
}

/* Send @m (freed) and collect what comes back in @reply: 0 or a libnl error */
static int ras_send(struct ras *r, struct nl_msg *m, struct ras_reply *reply)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	memset(reply, 0, sizeof(*reply));
	if (!cb || !m) {
		nlmsg_free(m);
		nl_cb_put(cb);
		return -NLE_NOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, ras_valid, reply);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ras_ack, reply);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, ras_finish, reply);
	nl_cb_err(cb, NL_CB_CUSTOM, ras_error, reply);
	/* a dump ends with NLMSG_DONE, a request with its acknowledgment */
	if (nlmsg_hdr(m)->nlmsg_flags & NLM_F_DUMP)
		nl_socket_disable_auto_ack(r->sk);
	else
		nl_socket_enable_auto_ack(r->sk);
	ret = nl_send_auto(r->sk, m);
	nlmsg_free(m);
	while (ret >= 0 && !reply->done)
		ret = nl_recvmsgs(r->sk, cb);
	nl_cb_put(cb);
	return ret < 0 && !reply->done ? ret : 0;
}

static int ras_list_nodes(struct ras *r, struct ras_reply *reply)
{
	return ras_send(r, ras_msg(r, DRM_RAS_CMD_LIST_NODES, NLM_F_DUMP), reply);
}

/* What ras_get() asks for */
#define RAS_DUMP	1	/* every counter of the node */
#define RAS_U64		2	/* the full value too (WANT_VALUE_U64) */
#define RAS_ERROR_ID	4	/* with the error id, even in a dump */

/* GET_ERROR_COUNTER of one counter, or of every counter of @node (dump) */
static int ras_get(struct ras *r, uint32_t node, uint32_t error_id, int how,
		   struct ras_reply *reply)
{
	struct nl_msg *m = ras_msg(r, DRM_RAS_CMD_GET_ERROR_COUNTER,
				   how & RAS_DUMP ? NLM_F_DUMP : 0);

	if (!(how & RAS_DUMP))
		how |= RAS_ERROR_ID;
	if (m && (nla_put_u32(m, DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID, node) ||
		  ((how & RAS_ERROR_ID) &&
		   nla_put_u32(m, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID, error_id)) ||
		  ((how & RAS_U64) &&
		   nla_put_flag(m, DRM_RAS_A_ERROR_COUNTER_ATTRS_WANT_VALUE_U64)))) {
		nlmsg_free(m);
		return -NLE_NOMEM;
	}
	return ras_send(r, m, reply);
}

static int ras_clear(struct ras *r, uint32_t node, uint32_t error_id, struct ras_reply *reply)
{
	struct nl_msg *m = ras_msg(r, DRM_RAS_CMD_CLEAR_ERROR_COUNTER, 0);

	if (m && (nla_put_u32(m, DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID, node) ||
		  nla_put_u32(m, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID, error_id))) {
		nlmsg_free(m);
		return -NLE_NOMEM;
	}
	return ras_send(r, m, reply);
}

/* The value of counter @error_id of @node, in full, or -errno */
static long long ras_value(struct ras *r, uint32_t node, uint32_t error_id)
{
	static struct ras_reply reply;
	int ret = ras_get(r, node, error_id, RAS_U64, &reply);

	if (ret)
		return -EIO;
	if (reply.err)
		return reply.err;
	if (reply.n != 1)
		return -EPROTO;
	return reply.msg[0].u64[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE_U64];
}

/* The id of node @name of device @dev, as LIST_NODES gives it; 0 if none */
static uint32_t ras_node_id(struct ras *r, const char *dev, const char *name)
{
	static struct ras_reply reply;
	int i;

	if (ras_list_nodes(r, &reply) || reply.err)
		return 0;
	for (i = 0; i < reply.n; i++)
		if (!strcmp(reply.msg[i].str[DRM_RAS_A_NODE_ATTRS_DEVICE_NAME], dev) &&
		    !strcmp(reply.msg[i].str[DRM_RAS_A_NODE_ATTRS_NODE_NAME], name))
			return reply.msg[i].u32[DRM_RAS_A_NODE_ATTRS_NODE_ID];
	return 0;
}

/* A socket in the events group, reading without blocking; 0 or an error */
static int ras_listen(struct ras *r)
{
	int ret = ras_open(r);

	if (ret)
		return ret;
	nl_socket_disable_seq_check(r->sk);
	ret = nl_socket_add_membership(r->sk, r->group);
	if (!ret)
		ret = nl_socket_set_nonblocking(r->sk);
	return ret;
}

/*
 * The next event of the group within @ms, into @m: 0, or -ETIMEDOUT.
 * Events of other commands than @cmd are skipped.
 */
static int ras_event(struct ras *r, uint8_t cmd, int ms, struct ras_msg *m)
{
	static struct ras_reply reply;
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	struct pollfd pfd = { .fd = nl_socket_get_fd(r->sk), .events = POLLIN };
	double end = accel_now() + ms / 1000.0;
	int i, ret = -ETIMEDOUT;

	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, ras_valid, &reply);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, ras_no_seq_check, NULL);
	while (ret == -ETIMEDOUT && accel_now() < end) {
		memset(&reply, 0, sizeof(reply));
		if (poll(&pfd, 1, (int)((end - accel_now()) * 1000) + 1) != 1)
			continue;
		nl_recvmsgs(r->sk, cb);
		for (i = 0; i < reply.n && ret; i++) {
			if (reply.msg[i].cmd != cmd)
				continue;
			*m = reply.msg[i];
			ret = 0;
		}
	}
	nl_cb_put(cb);
	return ret;
}

/* The platform device of accel node @index: the device name of its nodes */
static int ras_device(int index, char *name, size_t len)
{
	return accel_platform_name(index, name, len);
}

static int ras_inject(int index, const char *kind)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%d/%s", index, "ras_inject");
	return accel_write_str(path, kind);
}

FIXTURE(ras) {
	const char *why;
	struct ras r;
	char dev[2][64];
};

FIXTURE_SETUP(ras)
{
	int i;

	self->why = accel_module_missing();
	if (self->why)
		return;
	if (!accel_debugfs_mounted()) {
		self->why = "debugfs is not mounted at /sys/kernel/debug";
		return;
	}
	ASSERT_EQ(0, accel_reload("num_devices=2"));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, ras_device(i, self->dev[i], sizeof(self->dev[i])));
	ASSERT_EQ(0, ras_open(&self->r)) TH_LOG("no drm-ras family (CONFIG_DRM_RAS)");
}

FIXTURE_TEARDOWN(ras)
{
	ras_close(&self->r);
	if (!self->why)
		EXPECT_EQ(0, accel_reload("")) TH_LOG("reloading " DUMMY_NAME " failed");
}

/*
 * LIST_NODES: each device has "core" and "memory", of type error-counter,
 * with ids above 0 and all different; the device name is the accel
 * node's parent, /sys/class/accel/accelN/device.
 */
TEST_F(ras, list_nodes_two_devices)
{
	static struct ras_reply reply;
	const struct ras_msg *m;
	int i, j, found = 0;

	if (self->why)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, ras_list_nodes(&self->r, &reply));
	ASSERT_EQ(0, reply.err);
	for (i = 0; i < reply.n; i++) {
		m = &reply.msg[i];
		EXPECT_EQ(DRM_RAS_CMD_LIST_NODES, m->cmd);
		EXPECT_TRUE(m->has[DRM_RAS_A_NODE_ATTRS_NODE_ID] &&
			    m->has[DRM_RAS_A_NODE_ATTRS_DEVICE_NAME] &&
			    m->has[DRM_RAS_A_NODE_ATTRS_NODE_NAME] &&
			    m->has[DRM_RAS_A_NODE_ATTRS_NODE_TYPE]);
		EXPECT_LT(0, m->u32[DRM_RAS_A_NODE_ATTRS_NODE_ID]);
		for (j = 0; j < i; j++)
			EXPECT_NE(reply.msg[j].u32[DRM_RAS_A_NODE_ATTRS_NODE_ID],
				  m->u32[DRM_RAS_A_NODE_ATTRS_NODE_ID]);
		for (j = 0; j < 2; j++) {
			if (strcmp(self->dev[j], m->str[DRM_RAS_A_NODE_ATTRS_DEVICE_NAME]))
				continue;
			found++;
			EXPECT_TRUE(!strcmp("core", m->str[DRM_RAS_A_NODE_ATTRS_NODE_NAME]) ||
				    !strcmp("memory", m->str[DRM_RAS_A_NODE_ATTRS_NODE_NAME]))
				TH_LOG("node %s", m->str[DRM_RAS_A_NODE_ATTRS_NODE_NAME]);
			EXPECT_EQ(DRM_RAS_NODE_TYPE_ERROR_COUNTER,
				  m->u32[DRM_RAS_A_NODE_ATTRS_NODE_TYPE]);
		}
	}
	EXPECT_EQ(4, found);
	for (j = 0; j < 2; j++) {
		EXPECT_NE(0, ras_node_id(&self->r, self->dev[j], "core"));
		EXPECT_NE(0, ras_node_id(&self->r, self->dev[j], "memory"));
	}
}

/*
 * Errors injected into accel0 count there only: GET gives the name and
 * the value (u32 and u64 alike), a dump of the node both counters in
 * order; CLEAR sets one to 0 and leaves the other.
 */
TEST_F(ras, get_and_clear_after_injection)
{
	static struct ras_reply reply;
	uint32_t mem0, mem1, core0;
	int i;

	if (self->why)
		SKIP(return, "%s", self->why);
	mem0 = ras_node_id(&self->r, self->dev[0], "memory");
	mem1 = ras_node_id(&self->r, self->dev[1], "memory");
	core0 = ras_node_id(&self->r, self->dev[0], "core");
	ASSERT_NE(0, mem0);
	ASSERT_NE(0, mem1);
	ASSERT_NE(0, core0);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, ras_inject(0, "correctable"));
	ASSERT_EQ(0, ras_inject(0, "uncorrectable"));

	/* as a client of the later kernels' family asks, and gets */
	ASSERT_EQ(0, ras_get(&self->r, mem0, 1, 0, &reply));
	ASSERT_EQ(0, reply.err);
	ASSERT_EQ(1, reply.n);
	EXPECT_EQ(DRM_RAS_CMD_GET_ERROR_COUNTER, reply.msg[0].cmd);
	EXPECT_EQ(1, reply.msg[0].u32[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID]);
	EXPECT_STREQ("correctable", reply.msg[0].str[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_NAME]);
	EXPECT_EQ(3, reply.msg[0].u32[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE]);
	EXPECT_FALSE(reply.msg[0].has[DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID]);
	EXPECT_FALSE(reply.msg[0].has[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE_U64]);
	/* asked for, the full value too */
	ASSERT_EQ(0, ras_get(&self->r, mem0, 1, RAS_U64, &reply));
	ASSERT_EQ(1, reply.n);
	EXPECT_EQ(3, reply.msg[0].u64[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE_U64]);

	EXPECT_EQ(0, ras_value(&self->r, mem1, 1));
	EXPECT_EQ(0, ras_value(&self->r, mem1, 2));
	EXPECT_EQ(0, ras_value(&self->r, core0, 1));

	ASSERT_EQ(0, ras_get(&self->r, mem0, 0, RAS_DUMP, &reply));
	ASSERT_EQ(0, reply.err);
	ASSERT_EQ(2, reply.n);
	EXPECT_EQ(1, reply.msg[0].u32[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID]);
	EXPECT_EQ(2, reply.msg[1].u32[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID]);
	EXPECT_STREQ("uncorrectable", reply.msg[1].str[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_NAME]);
	EXPECT_EQ(1, reply.msg[1].u32[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE]);

	ASSERT_EQ(0, ras_clear(&self->r, mem0, 1, &reply));
	EXPECT_EQ(0, reply.err);
	EXPECT_EQ(0, ras_value(&self->r, mem0, 1));
	EXPECT_EQ(1, ras_value(&self->r, mem0, 2));
}

/*
 * Each injected error is announced on the events group: node id, error
 * id, name and the new value, within 100 ms of the write that caused it.
 * 20 errors; the slowest is the figure.
 */
TEST_F(ras, change_event_within_100ms)
{
	static struct ras_reply reply;
	struct ras_msg m;
	double t0, worst = 0, sum = 0, took;
	uint32_t mem0;
	struct ras l;
	int i;

	if (self->why)
		SKIP(return, "%s", self->why);
	mem0 = ras_node_id(&self->r, self->dev[0], "memory");
	ASSERT_NE(0, mem0);
	ASSERT_EQ(0, ras_listen(&l));
	for (i = 1; i <= 20; i++) {
		t0 = accel_now();
		ASSERT_EQ(0, ras_inject(0, "uncorrectable"));
		ASSERT_EQ(0, ras_event(&l, DRM_RAS_CMD_ERROR_COUNTER_NTF, 2000, &m))
			TH_LOG("no event for error %d", i);
		took = accel_now() - t0;
		worst = took > worst ? took : worst;
		sum += took;
		EXPECT_EQ(mem0, m.u32[DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID]);
		EXPECT_EQ(2, m.u32[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID]);
		EXPECT_STREQ("uncorrectable", m.str[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_NAME]);
		EXPECT_EQ(i, m.u32[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE]);
		EXPECT_EQ(i, m.u64[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE_U64]);
	}
	TH_LOG("injection to event: %.0f us on average, %.0f us at most",
	       sum / 20 * 1e6, worst * 1e6);
	EXPECT_LT(worst, 0.1);
	/* a clear is a change too */
	ASSERT_EQ(0, ras_clear(&self->r, mem0, 2, &reply));
	EXPECT_EQ(0, reply.err);
	ASSERT_EQ(0, ras_event(&l, DRM_RAS_CMD_ERROR_COUNTER_NTF, 2000, &m));
	EXPECT_EQ(0, m.u64[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE_U64]);
	ras_close(&l);
}

/*
 * A job that hangs on accel1: "core"'s timeouts and resets count it, and
 * both changes are announced.
 */
TEST_F(ras, hang_counted_and_announced)
{
	struct drm_dummy_accel_submit job = { .count = 1, .core = 1 };
	uint32_t core1, sync, id;
	char path[128];
	struct ras_msg m;
	struct accel_bo bo;
	int fd, seen = 0;
	double t0, took;
	struct ras l;

	if (self->why)
		SKIP(return, "%s", self->why);
	core1 = ras_node_id(&self->r, self->dev[1], "core");
	ASSERT_NE(0, core1);
	ASSERT_EQ(0, ras_listen(&l));
	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/job_timeout_ms", self->dev[1]);
	ASSERT_EQ(0, accel_write_str(path, "100"));
	ASSERT_EQ(0, accel_write_str("/sys/kernel/debug/accel/1/hang_jobs", "1"));
	fd = accel_open_index(1);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, accel_bo_new(fd, 4096, &bo));
	sync = accel_syncobj_new(fd, 0);
	ASSERT_NE(0, sync);
	job.in_handle = bo.handle;
	job.out_syncobj.handle = sync;
	ASSERT_EQ(0, ioctl(fd, DRM_IOCTL_DUMMY_ACCEL_SUBMIT, &job));
	ASSERT_EQ(0, accel_syncobj_wait(fd, sync, 0));
	/* the fence signalled at the timeout: the events follow from the reset work */
	t0 = accel_now();
	EXPECT_EQ(-ETIMEDOUT, accel_fence_status(fd, sync));

	while (seen != 3 && !ras_event(&l, DRM_RAS_CMD_ERROR_COUNTER_NTF, 3000, &m)) {
		id = m.u32[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID];
		EXPECT_EQ(core1, m.u32[DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID]);
		EXPECT_EQ(1, m.u64[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE_U64]);
		ASSERT_TRUE(id == 1 || id == 2) TH_LOG("error id %u", id);
		seen |= 1 << (id - 1);
	}
	took = accel_now() - t0;
	EXPECT_EQ(3, seen) TH_LOG("events seen: timeouts %d, resets %d", seen & 1, !!(seen & 2));
	TH_LOG("fence signalled to both events: %.0f us", took * 1e6);
	EXPECT_LT(took, 0.1);
	EXPECT_EQ(1, ras_value(&self->r, core1, 1));
	EXPECT_EQ(1, ras_value(&self->r, core1, 2));
	EXPECT_EQ(0, accel_bo_free(fd, &bo));
	close(fd);
	ras_close(&l);
}

/*
 * Unbinding accel0 removes its two nodes, announced on the group; a
 * request for a removed node fails with ENOENT, the other device's nodes
 * stay. Bound again, the device has new nodes with new ids.
 */
TEST_F(ras, nodes_go_at_unbind)
{
	static struct ras_reply reply;
	uint32_t core0, mem0, gone[2];
	struct ras_msg m;
	struct ras l;
	int i;

	if (self->why)
		SKIP(return, "%s", self->why);
	core0 = ras_node_id(&self->r, self->dev[0], "core");
	mem0 = ras_node_id(&self->r, self->dev[0], "memory");
	ASSERT_NE(0, core0);
	ASSERT_EQ(0, ras_inject(0, "correctable"));
	ASSERT_EQ(1, ras_value(&self->r, mem0, 1));
	ASSERT_EQ(0, ras_listen(&l));
	ASSERT_EQ(0, accel_write_str(ACCEL_DRIVER_DIR "/unbind", self->dev[0]));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ras_event(&l, DRM_RAS_CMD_NODE_DEL_NTF, 2000, &m));
		EXPECT_STREQ(self->dev[0], m.str[DRM_RAS_A_NODE_ATTRS_DEVICE_NAME]);
		gone[i] = m.u32[DRM_RAS_A_NODE_ATTRS_NODE_ID];
	}
	EXPECT_TRUE((gone[0] == core0 && gone[1] == mem0) ||
		    (gone[0] == mem0 && gone[1] == core0));
	EXPECT_EQ(-ENOENT, ras_value(&self->r, core0, 1));
	EXPECT_EQ(-ENOENT, ras_value(&self->r, mem0, 1));
	ASSERT_EQ(0, ras_get(&self->r, mem0, 0, RAS_DUMP, &reply));
	EXPECT_EQ(-ENOENT, reply.err);
	ASSERT_EQ(0, ras_clear(&self->r, mem0, 1, &reply));
	EXPECT_EQ(-ENOENT, reply.err);
	EXPECT_EQ(0, ras_node_id(&self->r, self->dev[0], "core"));
	EXPECT_NE(0, ras_node_id(&self->r, self->dev[1], "core"));

	ASSERT_EQ(0, accel_write_str(ACCEL_DRIVER_DIR "/bind", self->dev[0]));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ras_event(&l, DRM_RAS_CMD_NODE_ADD_NTF, 2000, &m));
		EXPECT_STREQ(self->dev[0], m.str[DRM_RAS_A_NODE_ATTRS_DEVICE_NAME]);
		EXPECT_NE(core0, m.u32[DRM_RAS_A_NODE_ATTRS_NODE_ID]);
		EXPECT_NE(mem0, m.u32[DRM_RAS_A_NODE_ATTRS_NODE_ID]);
	}
	/* the counters of a new probe start at 0 */
	EXPECT_EQ(0, ras_value(&self->r, ras_node_id(&self->r, self->dev[0], "memory"), 1));
	ras_close(&l);
}

/* In a child without privileges: what each command and the group answer */
static int unprivileged_errors(void)
{
	static struct ras_reply reply;
	struct ras r;
	int bad = 0;

	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return 100;
	if (ras_open(&r))
		return 101;
	if (ras_list_nodes(&r, &reply) || reply.err != -EPERM)
		bad |= 1;
	if (ras_get(&r, 1, 1, 0, &reply) || reply.err != -EPERM)
		bad |= 2;
	if (ras_clear(&r, 1, 1, &reply) || reply.err != -EPERM)
		bad |= 4;
	if (nl_socket_add_membership(r.sk, r.group) == 0)
		bad |= 8;
	ras_close(&r);
	return bad;
}

/*
 * An unprivileged process finds the family (the controller is open to
 * all) but every command fails with EPERM, as CAP_NET_ADMIN is needed,
 * and it cannot join the events group.
 */
TEST_F(ras, unprivileged_refused)
{
	int status;
	pid_t pid;

	if (self->why)
		SKIP(return, "%s", self->why);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(unprivileged_errors());
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("refused wrongly (bits: 1 list, 2 get, 4 clear, 8 group; 100+ setup)");
}

/* Send @len bytes of a raw request; the errno of its acknowledgment */
static int ras_raw(struct ras *r, void *buf, size_t len)
{
	static struct ras_reply reply;
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	if (!cb)
		return -ENOMEM;
	memset(&reply, 0, sizeof(reply));
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, ras_valid, &reply);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ras_ack, &reply);
	nl_cb_err(cb, NL_CB_CUSTOM, ras_error, &reply);
	/* the raw request has its own sequence number */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, ras_no_seq_check, NULL);
	ret = nl_sendto(r->sk, buf, len);
	while (ret >= 0 && !reply.done)
		ret = nl_recvmsgs(r->sk, cb);
	nl_cb_put(cb);
	return reply.done ? reply.err : -EIO;
}

/* A raw GET_ERROR_COUNTER: header, then @attrs (@alen bytes) as they are */
struct raw_req {
	struct nlmsghdr nlh;
	struct genlmsghdr gh;
	char attrs[64];
};

static size_t raw_req(struct ras *r, struct raw_req *q, const void *attrs, size_t alen)
{
	memset(q, 0, sizeof(*q));
	q->nlh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + alen;
	q->nlh.nlmsg_type = r->family;
	q->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	q->nlh.nlmsg_seq = 77;
	q->gh.cmd = DRM_RAS_CMD_GET_ERROR_COUNTER;
	q->gh.version = DRM_RAS_FAMILY_VERSION;
	memcpy(q->attrs, attrs, alen);
	return q->nlh.nlmsg_len;
}

/* An attribute of @type with @len bytes of @data, aligned, at @p */
static size_t raw_attr(char *p, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr a = { .nla_len = NLA_HDRLEN + len, .nla_type = type };

	memcpy(p, &a, sizeof(a));
	memcpy(p + NLA_HDRLEN, data, len);
	return NLA_ALIGN(a.nla_len);
}

/*
 * Malformed requests: no node id, no error id, an id of the wrong size,
 * an attribute the request does not take, an unknown node or counter, a
 * header cut short, an attribute longer than the message, a reserved
 * field set: each gets EINVAL or ENOENT, and the kernel logs no report
 * (the boot's check). So do an attribute to LIST_NODES, which takes
 * none, and an error id to the dump of a node. The raw requests go
 * through a socket of their own: their sequence numbers are not libnl's.
 */
TEST_F(ras, malformed_requests)
{
	static struct ras_reply reply;
	uint32_t mem0, one = 1, big = 99;
	struct nl_msg *list;
	struct raw_req q;
	struct ras raw;
	char a[64];
	uint8_t byte = 1;
	size_t n;

	if (self->why)
		SKIP(return, "%s", self->why);
	mem0 = ras_node_id(&self->r, self->dev[0], "memory");
	ASSERT_NE(0, mem0);

	list = ras_msg(&self->r, DRM_RAS_CMD_LIST_NODES, NLM_F_DUMP);
	ASSERT_TRUE(list && !nla_put_u32(list, DRM_RAS_A_NODE_ATTRS_NODE_ID, mem0));
	ASSERT_EQ(0, ras_send(&self->r, list, &reply));
	EXPECT_EQ(-EINVAL, reply.err);
	ASSERT_EQ(0, ras_get(&self->r, mem0, 1, RAS_DUMP | RAS_ERROR_ID, &reply));
	EXPECT_EQ(-EINVAL, reply.err);
	EXPECT_EQ(0, reply.n);

	ASSERT_EQ(0, ras_open(&raw));

	/* the well-formed one, as a reference */
	n = raw_attr(a, DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID, &mem0, 4);
	n += raw_attr(a + n, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID, &one, 4);
	EXPECT_EQ(0, ras_raw(&raw, &q, raw_req(&raw, &q, a, n)));

	n = raw_attr(a, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID, &one, 4);
	EXPECT_EQ(-EINVAL, ras_raw(&raw, &q, raw_req(&raw, &q, a, n)));
	n = raw_attr(a, DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID, &mem0, 4);
	EXPECT_EQ(-EINVAL, ras_raw(&raw, &q, raw_req(&raw, &q, a, n)));
	n = raw_attr(a, DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID, &byte, 1);
	n += raw_attr(a + n, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID, &one, 4);
	EXPECT_EQ(-EINVAL, ras_raw(&raw, &q, raw_req(&raw, &q, a, n)));
	n = raw_attr(a, DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID, &mem0, 4);
	n += raw_attr(a + n, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID, &one, 4);
	n += raw_attr(a + n, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE, &one, 4);
	EXPECT_EQ(-EINVAL, ras_raw(&raw, &q, raw_req(&raw, &q, a, n)));

	n = raw_attr(a, DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID, &big, 4);
	n += raw_attr(a + n, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID, &one, 4);
	EXPECT_EQ(-ENOENT, ras_raw(&raw, &q, raw_req(&raw, &q, a, n)));
	n = raw_attr(a, DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID, &mem0, 4);
	n += raw_attr(a + n, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID, &big, 4);
	EXPECT_EQ(-ENOENT, ras_raw(&raw, &q, raw_req(&raw, &q, a, n)));

	/* the genetlink header cut to 2 bytes */
	raw_req(&raw, &q, NULL, 0);
	q.nlh.nlmsg_len = NLMSG_HDRLEN + 2;
	EXPECT_EQ(-EINVAL, ras_raw(&raw, &q, q.nlh.nlmsg_len));
	/* an attribute that says it is longer than what is left */
	n = raw_attr(a, DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID, &mem0, 4);
	n += raw_attr(a + n, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID, &one, 4);
	raw_req(&raw, &q, a, n);
	((struct nlattr *)(q.attrs + 8))->nla_len = 40;
	EXPECT_EQ(-EINVAL, ras_raw(&raw, &q, q.nlh.nlmsg_len));
	/* the reserved field of the genetlink header */
	n = raw_attr(a, DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID, &mem0, 4);
	n += raw_attr(a + n, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID, &one, 4);
	raw_req(&raw, &q, a, n);
	q.gh.reserved = 1;
	EXPECT_EQ(-EINVAL, ras_raw(&raw, &q, q.nlh.nlmsg_len));
	ras_close(&raw);
	/* and the well-formed requests still work on the libnl socket */
	EXPECT_EQ(0, ras_value(&self->r, mem0, 1));
}

struct dumper {
	uint32_t node;	/* the node to dump, set by the main thread, read atomically */
	int stop;	/* set by the main thread, read atomically */
	int dumps;
	int whole;	/* dumps that gave both counters */
	int enoent;
	int other;
	int other_err;
};

static void *dump_loop(void *arg)
{
	static struct ras_reply reply;
	struct dumper *d = arg;
	struct ras r;

	if (ras_open(&r)) {
		d->other++;
		return NULL;
	}
	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		if (ras_get(&r, __atomic_load_n(&d->node, __ATOMIC_ACQUIRE), 0, RAS_DUMP, &reply)) {
			d->other++;
			break;
		}
		d->dumps++;
		if (reply.err == -ENOENT)
			d->enoent++;
		else if (!reply.err && reply.n == 2)
			d->whole++;
		else
			d->other++, d->other_err = reply.err ? reply.err : reply.n;
	}
	ras_close(&r);
	return NULL;
}

/*
 * One thread dumps accel0's "memory" counters in a loop while the device
 * is unbound and bound ten times, told the node's new id after each bind:
 * each dump gives both counters or ends with ENOENT once the node has
 * gone, never anything else.
 */
TEST_F(ras, unbind_while_dumping)
{
	struct dumper d = { 0 };
	pthread_t thread;
	uint32_t node;
	int i;

	if (self->why)
		SKIP(return, "%s", self->why);
	d.node = ras_node_id(&self->r, self->dev[0], "memory");
	ASSERT_NE(0, d.node);
	ASSERT_EQ(0, pthread_create(&thread, NULL, dump_loop, &d));
	for (i = 0; i < 10; i++) {
		usleep(20000);
		ASSERT_EQ(0, accel_write_str(ACCEL_DRIVER_DIR "/unbind", self->dev[0]));
		usleep(20000);
		ASSERT_EQ(0, accel_write_str(ACCEL_DRIVER_DIR "/bind", self->dev[0]));
		node = ras_node_id(&self->r, self->dev[0], "memory");
		ASSERT_NE(0, node);
		__atomic_store_n(&d.node, node, __ATOMIC_RELEASE);
	}
	usleep(20000);
	__atomic_store_n(&d.stop, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	TH_LOG("%d dumps: %d whole, %d ended with ENOENT", d.dumps, d.whole, d.enoent);
	EXPECT_LT(0, d.whole);
	EXPECT_LT(0, d.enoent);
	EXPECT_EQ(0, d.other) TH_LOG("first other outcome: %d", d.other_err);
}

TEST_HARNESS_MAIN
