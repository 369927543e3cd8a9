// SPDX-License-Identifier: MIT
/*
 * drm-ras: the generic netlink family of DRM's RAS error counters. Drivers
 * register nodes of counters (include/drm/drm_ras.h); userspace lists the
 * nodes, reads and clears counters (include/uapi/drm/drm_ras.h), and may
 * listen to the "events" group for every change instead of polling.
 */

#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/xarray.h>
#include <net/genetlink.h>

#include <drm/drm_ras.h>

#include "drm_internal.h"

/*
 * Protects drm_ras_nodes and every node in it against its unregistration:
 * held from the lookup of a node to the end of its use, callbacks included.
 */
static DEFINE_MUTEX(drm_ras_lock);
/*
 * the registered nodes by id, from 1 to INT_MAX (a dump's cursor, a long,
 * goes one past the last id); ids are not reused at once
 */
static DEFINE_XARRAY_ALLOC1(drm_ras_nodes);
static u32 drm_ras_next_id;
/* the family is registered: false if drm_ras_init() failed */
static bool drm_ras_up;

static struct genl_family drm_ras_family;

static const struct genl_multicast_group drm_ras_mcgrps[] = {
	{ .name = DRM_RAS_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

/**
 * drm_ras_fill_node_msg - a message of @cmd with the attributes of @node
 * @skb: the message buffer
 * @node: a registered node
 * @portid: the receiver's port
 * @seq: the request's sequence number
 * @flags: netlink message flags
 * @cmd: DRM_RAS_CMD_LIST_NODES or a node notification
 *
 * Return: 0, or -EMSGSIZE with @skb as it was when there is no room.
 */
VISIBLE_IF_KUNIT int drm_ras_fill_node_msg(struct sk_buff *skb,
					   const struct drm_ras_node *node,
					   u32 portid, u32 seq, int flags, u8 cmd)
{
	void *hdr = genlmsg_put(skb, portid, seq, &drm_ras_family, flags, cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, DRM_RAS_A_NODE_ATTRS_NODE_ID, node->id) ||
	    nla_put_string(skb, DRM_RAS_A_NODE_ATTRS_DEVICE_NAME, node->device_name) ||
	    nla_put_string(skb, DRM_RAS_A_NODE_ATTRS_NODE_NAME, node->node_name) ||
	    nla_put_u32(skb, DRM_RAS_A_NODE_ATTRS_NODE_TYPE, node->type)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(drm_ras_fill_node_msg);

/**
 * drm_ras_fill_counter_msg - a message of @cmd with counter @error_id
 * @skb: the message buffer
 * @node: a registered node; drm_ras_lock held
 * @error_id: a counter of @node
 * @parts: what goes in beside the error id, name and u32 value:
 *	DRM_RAS_MSG_NODE_ID (the events), DRM_RAS_MSG_VALUE_U64 (the events,
 *	and a GET that asked for it)
 * @portid: the receiver's port
 * @seq: the request's sequence number
 * @flags: netlink message flags
 * @cmd: DRM_RAS_CMD_GET_ERROR_COUNTER or DRM_RAS_CMD_ERROR_COUNTER_NTF
 *
 * The u32 value saturates at U32_MAX, the u64 one has the count in full.
 *
 * Return: 0; the driver's error (-ENOENT for an id without a counter,
 * -EIO for what a query callback must not return); or -EMSGSIZE when
 * there is no room. @skb is as it was on an error.
 */
VISIBLE_IF_KUNIT int drm_ras_fill_counter_msg(struct sk_buff *skb,
					      struct drm_ras_node *node,
					      u32 error_id, unsigned int parts,
					      u32 portid, u32 seq, int flags,
					      u8 cmd)
{
	const char *name;
	u64 value;
	void *hdr;
	int ret;

	ret = node->query_error_counter(node, error_id, &name, &value);
	/* -EMSGSIZE is a full buffer here, which a dump retries */
	if (ret)
		return ret == -EMSGSIZE ? -EIO : ret;
	hdr = genlmsg_put(skb, portid, seq, &drm_ras_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (((parts & DRM_RAS_MSG_NODE_ID) &&
	     nla_put_u32(skb, DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID, node->id)) ||
	    nla_put_u32(skb, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID, error_id) ||
	    nla_put_string(skb, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_NAME, name) ||
	    nla_put_u32(skb, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE,
			min_t(u64, value, U32_MAX)) ||
	    ((parts & DRM_RAS_MSG_VALUE_U64) &&
	     nla_put_u64_64bit(skb, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE_U64,
			       value, DRM_RAS_A_ERROR_COUNTER_ATTRS_PAD))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(drm_ras_fill_counter_msg);

/* An event message if anybody listens to the events group, else NULL */
static struct sk_buff *drm_ras_event_new(void)
{
	if (!drm_ras_up || !genl_has_listeners(&drm_ras_family, &init_net, 0))
		return NULL;
	return genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
}

/* Send @msg to the events group once filled (@filled 0); freed either way */
static void drm_ras_event_send(struct sk_buff *msg, int filled)
{
	if (filled)
		nlmsg_free(msg);
	else
		genlmsg_multicast(&drm_ras_family, msg, 0, 0, GFP_KERNEL);
}

/* Tell the events group that @node came (or went, by @cmd); lock held */
static void drm_ras_notify_node(const struct drm_ras_node *node, u8 cmd)
{
	struct sk_buff *msg = drm_ras_event_new();

	if (msg)
		drm_ras_event_send(msg, drm_ras_fill_node_msg(msg, node, 0, 0, 0, cmd));
}

/* Tell the events group the value of counter @error_id now; lock held */
static void drm_ras_notify_counter(struct drm_ras_node *node, u32 error_id)
{
	struct sk_buff *msg = drm_ras_event_new();

	if (msg)
		drm_ras_event_send(msg, drm_ras_fill_counter_msg(msg, node, error_id,
								 DRM_RAS_MSG_NODE_ID |
								 DRM_RAS_MSG_VALUE_U64, 0, 0, 0,
								 DRM_RAS_CMD_ERROR_COUNTER_NTF));
}

static bool drm_ras_node_valid(const struct drm_ras_node *node)
{
	return node->device_name && node->node_name &&
	       node->type == DRM_RAS_NODE_TYPE_ERROR_COUNTER &&
	       node->query_error_counter &&
	       node->first_error_id <= node->last_error_id &&
	       node->last_error_id < U32_MAX;
}

/**
 * drm_ras_node_register - make a node of error counters visible
 * @node: the node, filled in by the driver but for its id
 *
 * Gives @node an id, lists it in DRM_RAS_CMD_LIST_NODES and tells the
 * events group. May sleep.
 *
 * Return: 0; -EINVAL for a node without names, a query callback or a
 * range of error ids below U32_MAX; -EBUSY for a node registered
 * already or when no id is left; -ENOMEM.
 */
int drm_ras_node_register(struct drm_ras_node *node)
{
	int ret;

	if (!drm_ras_node_valid(node))
		return -EINVAL;

	mutex_lock(&drm_ras_lock);
	if (WARN_ON(node->id && xa_load(&drm_ras_nodes, node->id) == node)) {
		ret = -EBUSY;
		goto unlock;
	}
	ret = xa_alloc_cyclic(&drm_ras_nodes, &node->id, node, XA_LIMIT(1, INT_MAX),
			      &drm_ras_next_id, GFP_KERNEL);
	if (ret >= 0) {
		ret = 0;
		drm_ras_notify_node(node, DRM_RAS_CMD_NODE_ADD_NTF);
	}
unlock:
	mutex_unlock(&drm_ras_lock);
	return ret;
}
EXPORT_SYMBOL(drm_ras_node_register);

/**
 * drm_ras_node_unregister - remove a node
 * @node: a node drm_ras_node_register() took, or one it refused
 *
 * Once this returns, no request reaches @node and no callback of it runs:
 * a request for its id fails with -ENOENT, a dump of its counters in
 * progress ends with -ENOENT. Tells the events group. May sleep.
 */
void drm_ras_node_unregister(struct drm_ras_node *node)
{
	mutex_lock(&drm_ras_lock);
	if (xa_cmpxchg(&drm_ras_nodes, node->id, node, NULL, 0) == node)
		drm_ras_notify_node(node, DRM_RAS_CMD_NODE_DEL_NTF);
	mutex_unlock(&drm_ras_lock);
}
EXPORT_SYMBOL(drm_ras_node_unregister);

/**
 * drm_ras_error_counter_changed - tell listeners a counter changed
 * @node: the counter's node
 * @error_id: the counter
 *
 * Sends the counter's value, as the node's query callback reads it now,
 * to the events group. Nothing happens for a node that is not registered
 * or when nobody listens. Process context: may sleep, and must not be
 * called from a fence signalling path (it allocates), nor with a lock
 * held that the node's callbacks take (they run under drm-ras's lock).
 */
void drm_ras_error_counter_changed(struct drm_ras_node *node, u32 error_id)
{
	mutex_lock(&drm_ras_lock);
	if (xa_load(&drm_ras_nodes, node->id) == node &&
	    !WARN_ON_ONCE(error_id < node->first_error_id ||
			  error_id > node->last_error_id))
		drm_ras_notify_counter(node, error_id);
	mutex_unlock(&drm_ras_lock);
}
EXPORT_SYMBOL(drm_ras_error_counter_changed);

/* The node and counter a request names, lock held; -EINVAL or -ENOENT */
static int drm_ras_request_counter(struct genl_info *info,
				   struct drm_ras_node **node, u32 *error_id)
{
	struct nlattr *id;

	if (GENL_REQ_ATTR_CHECK(info, DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID) ||
	    GENL_REQ_ATTR_CHECK(info, DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID))
		return -EINVAL;

	id = info->attrs[DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID];
	*node = xa_load(&drm_ras_nodes, nla_get_u32(id));
	if (!*node) {
		NL_SET_ERR_MSG_ATTR(info->extack, id, "no node of this id");
		return -ENOENT;
	}
	id = info->attrs[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID];
	*error_id = nla_get_u32(id);
	if (*error_id < (*node)->first_error_id || *error_id > (*node)->last_error_id) {
		NL_SET_ERR_MSG_ATTR(info->extack, id, "no counter of this id on the node");
		return -ENOENT;
	}
	return 0;
}

/* What a GET asks for beside the family's own attributes */
static unsigned int drm_ras_get_parts(struct nlattr **attrs)
{
	return nla_get_flag(attrs[DRM_RAS_A_ERROR_COUNTER_ATTRS_WANT_VALUE_U64]) ?
	       DRM_RAS_MSG_VALUE_U64 : 0;
}

static int drm_ras_get_counter_doit(struct sk_buff *skb, struct genl_info *info)
{
	unsigned int parts = drm_ras_get_parts(info->attrs);
	struct drm_ras_node *node;
	struct sk_buff *msg;
	u32 error_id;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&drm_ras_lock);
	ret = drm_ras_request_counter(info, &node, &error_id);
	if (!ret)
		ret = drm_ras_fill_counter_msg(msg, node, error_id, parts,
					       info->snd_portid, info->snd_seq, 0,
					       DRM_RAS_CMD_GET_ERROR_COUNTER);
	mutex_unlock(&drm_ras_lock);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/**
 * drm_ras_clear_counter_doit - DRM_RAS_CMD_CLEAR_ERROR_COUNTER
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, -EINVAL or -ENOENT for a request naming no counter, or
 * -EOPNOTSUPP for a node that cannot clear.
 */
VISIBLE_IF_KUNIT int drm_ras_clear_counter_doit(struct sk_buff *skb,
						struct genl_info *info)
{
	struct drm_ras_node *node;
	u32 error_id;
	int ret;

	mutex_lock(&drm_ras_lock);
	ret = drm_ras_request_counter(info, &node, &error_id);
	if (!ret && !node->clear_error_counter)
		ret = -EOPNOTSUPP;
	if (!ret)
		ret = node->clear_error_counter(node, error_id);
	if (!ret)
		drm_ras_notify_counter(node, error_id);
	mutex_unlock(&drm_ras_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(drm_ras_clear_counter_doit);

/*
 * The end of a dump round: more to come while the last round filled
 * @skb, done when it found nothing more, else the error.
 */
static int drm_ras_dump_end(struct sk_buff *skb, int ret)
{
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ?: skb->len;
}

/* DRM_RAS_CMD_LIST_NODES; cb->args[0]: the id to go on from */
static int drm_ras_list_nodes_dumpit(struct sk_buff *skb,
				     struct netlink_callback *cb)
{
	struct drm_ras_node *node;
	unsigned long id;
	int ret = 0;

	mutex_lock(&drm_ras_lock);
	xa_for_each_start(&drm_ras_nodes, id, node, cb->args[0]) {
		ret = drm_ras_fill_node_msg(skb, node, NETLINK_CB(cb->skb).portid,
					    cb->nlh->nlmsg_seq, NLM_F_MULTI,
					    DRM_RAS_CMD_LIST_NODES);
		if (ret)
			break;
		cb->args[0] = id + 1;
	}
	mutex_unlock(&drm_ras_lock);
	return drm_ras_dump_end(skb, ret);
}

/*
 * DRM_RAS_CMD_GET_ERROR_COUNTER as a dump: every counter of the node the
 * request names, which names no counter (6.1's genetlink has one policy
 * for the do and the dump: the dump refuses ERROR_ID itself, as the
 * dump's own policy does in later kernels). cb->args[0]: the error id to
 * go on from, 0 at the start. The node is looked up again each round:
 * one that went since ends the dump with -ENOENT.
 */
static int drm_ras_get_counter_dumpit(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct nlattr *id = info->attrs[DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID];
	unsigned int parts = drm_ras_get_parts(info->attrs);
	struct drm_ras_node *node;
	u32 error_id;
	int ret = 0;

	if (!id) {
		NL_SET_ERR_MSG(cb->extack, "the dump needs a node id");
		return -EINVAL;
	}
	if (info->attrs[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID]) {
		NL_SET_ERR_MSG_ATTR(cb->extack,
				    info->attrs[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID],
				    "a dump takes no error id");
		return -EINVAL;
	}

	mutex_lock(&drm_ras_lock);
	node = xa_load(&drm_ras_nodes, nla_get_u32(id));
	if (!node) {
		NL_SET_ERR_MSG_ATTR(cb->extack, id, "no node of this id");
		ret = -ENOENT;
		goto unlock;
	}
	error_id = max_t(u64, cb->args[0], node->first_error_id);
	for (; error_id <= node->last_error_id; error_id++) {
		ret = drm_ras_fill_counter_msg(skb, node, error_id, parts,
					       NETLINK_CB(cb->skb).portid,
					       cb->nlh->nlmsg_seq, NLM_F_MULTI,
					       DRM_RAS_CMD_GET_ERROR_COUNTER);
		/* an id of the range without a counter */
		if (ret == -ENOENT)
			ret = 0;
		if (ret)
			break;
		cb->args[0] = (u64)error_id + 1;
	}
unlock:
	mutex_unlock(&drm_ras_lock);
	return drm_ras_dump_end(skb, ret);
}

/*
 * The requests that name a counter: node id and error id, u32 each, and
 * this kernel's flag for the full value. Strict validation refuses every
 * attribute in between.
 */
#define DRM_RAS_COUNTER_MAXATTR	DRM_RAS_A_ERROR_COUNTER_ATTRS_WANT_VALUE_U64
static const struct nla_policy drm_ras_counter_policy[DRM_RAS_COUNTER_MAXATTR + 1] = {
	[DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID] = { .type = NLA_U32 },
	[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID] = { .type = NLA_U32 },
	[DRM_RAS_A_ERROR_COUNTER_ATTRS_WANT_VALUE_U64] = { .type = NLA_FLAG },
};

/* CLEAR_ERROR_COUNTER: node id and error id alone */
static const struct nla_policy drm_ras_clear_policy[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID + 1] = {
	[DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID] = { .type = NLA_U32 },
	[DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID] = { .type = NLA_U32 },
};

/* Every command is for CAP_NET_ADMIN; LIST_NODES takes no attribute */
static const struct genl_ops drm_ras_ops[] = {
	{
		.cmd = DRM_RAS_CMD_LIST_NODES,
		.dumpit = drm_ras_list_nodes_dumpit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = DRM_RAS_CMD_GET_ERROR_COUNTER,
		.doit = drm_ras_get_counter_doit,
		.dumpit = drm_ras_get_counter_dumpit,
		.policy = drm_ras_counter_policy,
		.maxattr = ARRAY_SIZE(drm_ras_counter_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = DRM_RAS_CMD_CLEAR_ERROR_COUNTER,
		.doit = drm_ras_clear_counter_doit,
		.policy = drm_ras_clear_policy,
		.maxattr = ARRAY_SIZE(drm_ras_clear_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
};

/*
 * resv_start_op 0: every command is validated strictly, unknown
 * attributes and a non-zero reserved header field are refused.
 * parallel_ops: drm_ras_lock serialises what needs it, and a driver's
 * slow query does not hold genetlink's global mutex up.
 */
static struct genl_family drm_ras_family = {
	.name = DRM_RAS_FAMILY_NAME,
	.version = DRM_RAS_FAMILY_VERSION,
	.module = THIS_MODULE,
	.parallel_ops = true,
	.ops = drm_ras_ops,
	.n_ops = ARRAY_SIZE(drm_ras_ops),
	.mcgrps = drm_ras_mcgrps,
	.n_mcgrps = ARRAY_SIZE(drm_ras_mcgrps),
	.resv_start_op = 0,
};

/* Called by drm_core_init(): DRM works without the family if it fails */
void __init drm_ras_init(void)
{
	int ret = genl_register_family(&drm_ras_family);

	if (ret)
		pr_err("drm: the drm-ras netlink family did not register (%d): no RAS counters\n",
		       ret);
	drm_ras_up = !ret;
}

void drm_ras_exit(void)
{
	if (drm_ras_up)
		genl_unregister_family(&drm_ras_family);
	drm_ras_up = false;
}
