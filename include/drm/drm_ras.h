/* SPDX-License-Identifier: MIT */
/*
 * The drm-ras generic netlink family: a driver registers nodes of error
 * counters, userspace lists and reads them (include/uapi/drm/drm_ras.h;
 * Documentation/accel/writing-a-driver.rst shows a driver's side).
 */
#ifndef _DRM_RAS_H_
#define _DRM_RAS_H_

#include <linux/bits.h>
#include <linux/types.h>

#include <uapi/drm/drm_ras.h>

/**
 * struct drm_ras_node - a node of error counters, registered by a driver
 *
 * The driver fills in everything but @id and keeps the node, and what
 * its callbacks read, alive until drm_ras_node_unregister() returns.
 */
struct drm_ras_node {
	/**
	 * @device_name: the name of the device the node belongs to; for a
	 * device with an accel or DRM node, that of the node's parent
	 * device (dev_name() of &drm_device.dev), which userspace finds
	 * through /sys/class/accel/accelN/device
	 */
	const char *device_name;
	/** @node_name: the node's name, unique on its device */
	const char *node_name;
	/** @type: what the node holds; &enum drm_ras_node_type */
	enum drm_ras_node_type type;
	/** @first_error_id: the lowest error id of the node's counters */
	u32 first_error_id;
	/** @last_error_id: the highest error id of the node's counters */
	u32 last_error_id;
	/**
	 * @query_error_counter: the name and value of counter @error_id, or
	 * -ENOENT for an id in the range that has no counter. Called in
	 * process context, with the family's lock held: it must not call
	 * into drm-ras.
	 */
	int (*query_error_counter)(struct drm_ras_node *node, u32 error_id,
				   const char **name, u64 *value);
	/**
	 * @clear_error_counter: set counter @error_id to 0; optional (the
	 * command fails with -EOPNOTSUPP without it). Called as
	 * @query_error_counter is.
	 */
	int (*clear_error_counter)(struct drm_ras_node *node, u32 error_id);
	/** @priv: the driver's, for its callbacks */
	void *priv;

	/** @id: the node's id, given at registration */
	u32 id;
};

#if IS_ENABLED(CONFIG_DRM_RAS)
int drm_ras_node_register(struct drm_ras_node *node);
void drm_ras_node_unregister(struct drm_ras_node *node);
void drm_ras_error_counter_changed(struct drm_ras_node *node, u32 error_id);
#else
static inline int drm_ras_node_register(struct drm_ras_node *node)
{
	return 0;
}

static inline void drm_ras_node_unregister(struct drm_ras_node *node)
{
}

static inline void drm_ras_error_counter_changed(struct drm_ras_node *node,
						 u32 error_id)
{
}
#endif

/*
 * drm.ko's own, not for drivers: the messages the family builds, visible
 * to KUnit tests only (EXPORTED_FOR_KUNIT_TESTING).
 */
#define DRM_RAS_MSG_NODE_ID	BIT(0)
#define DRM_RAS_MSG_VALUE_U64	BIT(1)

#if IS_ENABLED(CONFIG_KUNIT) && IS_ENABLED(CONFIG_DRM_RAS)
struct genl_info;
struct sk_buff;

int drm_ras_fill_node_msg(struct sk_buff *skb, const struct drm_ras_node *node,
			  u32 portid, u32 seq, int flags, u8 cmd);
int drm_ras_fill_counter_msg(struct sk_buff *skb, struct drm_ras_node *node,
			     u32 error_id, unsigned int parts, u32 portid,
			     u32 seq, int flags, u8 cmd);
int drm_ras_clear_counter_doit(struct sk_buff *skb, struct genl_info *info);
#endif

#endif /* _DRM_RAS_H_ */
