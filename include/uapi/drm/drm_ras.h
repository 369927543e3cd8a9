/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * drm-ras: the generic netlink family through which DRM and accel devices
 * report their reliability, availability and serviceability (RAS) error
 * counters (Documentation/accel/uapi.rst).
 *
 * The family, its commands, attributes and values are those of the
 * drm-ras family of later kernels, so that a client written for those
 * works here unchanged. What this kernel adds (change events, 64-bit
 * values) follows in its own section; a client that does not ask for it
 * never sees it.
 */
#ifndef _UAPI_DRM_RAS_H
#define _UAPI_DRM_RAS_H

#define DRM_RAS_FAMILY_NAME	"drm-ras"
#define DRM_RAS_FAMILY_VERSION	1

/**
 * enum drm_ras_node_type - what a node holds
 * @DRM_RAS_NODE_TYPE_ERROR_COUNTER: error counters, read with
 *	DRM_RAS_CMD_GET_ERROR_COUNTER
 */
enum drm_ras_node_type {
	DRM_RAS_NODE_TYPE_ERROR_COUNTER = 1,
};

/* The attributes of a node, in the replies to DRM_RAS_CMD_LIST_NODES */
enum {
	/* u32: the node's id, given by the kernel at registration */
	DRM_RAS_A_NODE_ATTRS_NODE_ID = 1,
	/* string: the name of the device the node belongs to */
	DRM_RAS_A_NODE_ATTRS_DEVICE_NAME,
	/* string: the node's name, unique on its device */
	DRM_RAS_A_NODE_ATTRS_NODE_NAME,
	/* u32: enum drm_ras_node_type */
	DRM_RAS_A_NODE_ATTRS_NODE_TYPE,

	__DRM_RAS_A_NODE_ATTRS_MAX,
	DRM_RAS_A_NODE_ATTRS_MAX = (__DRM_RAS_A_NODE_ATTRS_MAX - 1)
};

/* The attributes of an error counter, in requests and replies */
enum {
	/* u32: the node the counter belongs to */
	DRM_RAS_A_ERROR_COUNTER_ATTRS_NODE_ID = 1,
	/* u32: the counter's id on its node */
	DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_ID,
	/* string: the counter's name */
	DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_NAME,
	/* u32: the count, 4294967295 for any count at or above it */
	DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE,

	__DRM_RAS_A_ERROR_COUNTER_ATTRS_MAX,
	DRM_RAS_A_ERROR_COUNTER_ATTRS_MAX = (__DRM_RAS_A_ERROR_COUNTER_ATTRS_MAX - 1)
};

/*
 * The commands. Each needs CAP_NET_ADMIN.
 * LIST_NODES, dump: every node, one message each with its node attributes.
 * GET_ERROR_COUNTER, do: with NODE_ID and ERROR_ID, the counter's ERROR_ID,
 *	ERROR_NAME and ERROR_VALUE; dump: with NODE_ID, every counter of the
 *	node, one message each.
 * CLEAR_ERROR_COUNTER, do: with NODE_ID and ERROR_ID, set the counter to 0.
 */
enum {
	DRM_RAS_CMD_LIST_NODES = 1,
	DRM_RAS_CMD_GET_ERROR_COUNTER,
	DRM_RAS_CMD_CLEAR_ERROR_COUNTER,

	__DRM_RAS_CMD_MAX,
	DRM_RAS_CMD_MAX = (__DRM_RAS_CMD_MAX - 1)
};

/*
 * What this kernel adds to the family. Its numbers start at 64, far above
 * those of the family above, so that an attribute or command a later
 * kernel adds there cannot mean something else here. A client gets
 * none of it unless it asks: it joins the group, or sends
 * WANT_VALUE_U64.
 *
 * The multicast group DRM_RAS_MCGRP_EVENTS ("events"; joining it needs
 * CAP_NET_ADMIN) carries a message for the changes of a counter and for
 * every node registered or removed:
 * ERROR_COUNTER_NTF: NODE_ID, ERROR_ID, ERROR_NAME, ERROR_VALUE and
 *	ERROR_VALUE_U64, the counter's value as the driver reports it
 *	changed, or after a clear;
 * NODE_ADD_NTF, NODE_DEL_NTF: the node attributes of the node that was
 *	registered or removed.
 * Events are best effort: one is lost when the kernel has no memory for
 * it or the listener's socket buffer is full (recv() fails with
 * ENOBUFS); a listener then reads every counter again.
 *
 * ERROR_VALUE stops at 4294967295. GET_ERROR_COUNTER with the flag
 * WANT_VALUE_U64 (do or dump) also gets ERROR_VALUE_U64, the count in
 * full; the events always carry it.
 */
#define DRM_RAS_MCGRP_EVENTS	"events"

enum {
	/* u64: the count in full, beside the u32 ERROR_VALUE */
	DRM_RAS_A_ERROR_COUNTER_ATTRS_ERROR_VALUE_U64 = 64,
	/* padding that aligns ERROR_VALUE_U64; carries nothing */
	DRM_RAS_A_ERROR_COUNTER_ATTRS_PAD,
	/* flag, in GET_ERROR_COUNTER: reply with ERROR_VALUE_U64 too */
	DRM_RAS_A_ERROR_COUNTER_ATTRS_WANT_VALUE_U64,
};

enum {
	DRM_RAS_CMD_ERROR_COUNTER_NTF = 64,
	DRM_RAS_CMD_NODE_ADD_NTF,
	DRM_RAS_CMD_NODE_DEL_NTF,
};

#endif /* _UAPI_DRM_RAS_H */
