/*
 * wkd/sys/uv.h - running a node on the host's libuv loop (systems tier:
 * stable within a minor version).
 *
 * By default a node owns a loop thread. A program that already runs a
 * libuv loop can put nodes on it instead: the node's sockets and timers
 * are then handles of that loop and its callbacks run on the loop's
 * thread. The host and wkd must link the same libuv (Debian's libuv1).
 * Many nodes may share one loop.
 *
 * The host keeps running its loop until every node on it is closed; the
 * node's handles are closed from wkd_node_close(), so run the loop until
 * the close completes before uv_loop_close().
 */
#ifndef WKD_SYS_UV_H
#define WKD_SYS_UV_H

#include "wkd/common.h"
#include "wkd/config.h"
#include "wkd/status.h"

WKD_BEGIN_DECL

struct uv_loop_s;

/**
 * Creates a node that runs on the given loop. Blocking calls (join, leave
 * with a wait) must then be made from threads other than the loop's.
 * @param loop the host's loop; must outlive the node.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_create_on_loop(wkd_node_t** out, struct uv_loop_s* loop, const wkd_config_t* cfg,
                                           wkd_error* err);

WKD_END_DECL

#endif /* WKD_SYS_UV_H */
