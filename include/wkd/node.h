/*
 * wkd/node.h - a node: create, start, join, leave, close.
 *
 * A node is one cluster member. It binds one UDP socket and one TCP
 * listener on the same port, finds its peers by SWIM gossip with Lifeguard
 * (the wire protocol of HashiCorp memberlist with Serf on top, so serf and
 * memberlist peers can share the cluster) and keeps the whole member list
 * locally.
 *
 *     wkd_node_t* node;
 *     wkd_node_create(&node, cfg, &err);          // copies cfg
 *     wkd_node_start(node, &err);                 // binds, starts the loop
 *     const char* seeds[] = {"127.0.0.2:7946"};
 *     int joined;
 *     wkd_node_join(&joined, node, seeds, 1, 5000, &err);
 *     ...
 *     wkd_node_leave(node, 5000, &err);           // tell the cluster
 *     wkd_node_close(node);                       // stop the loop
 *     wkd_node_free(node);                        // release the handle
 *
 * Threading. A node owns one loop thread (or runs on a host's libuv loop,
 * see wkd/sys/uv.h) that holds all protocol state. Every wkd_node_*,
 * wkd_register and wkd_watch function is thread-safe: calls from other
 * threads are handed to the loop. Reads (snapshots, stats) never wait for
 * the loop. Calls that wait (join, leave, next_event with a timeout) return
 * WKD_E_LOOPTHREAD when made on the loop thread (from a watch callback)
 * instead of deadlocking.
 *
 * Shutdown is two calls: wkd_node_close() (idempotent, any thread, also
 * from a watch callback) stops the node and wakes every waiter with
 * WKD_E_CLOSED; wkd_node_free() releases the handle and must be the last
 * call on it. Closing without leaving makes peers see the node as failed.
 */
#ifndef WKD_NODE_H
#define WKD_NODE_H

#include "wkd/common.h"
#include "wkd/config.h"
#include "wkd/member.h"
#include "wkd/stats.h"
#include "wkd/status.h"

WKD_BEGIN_DECL

/**
 * Creates a node from a configuration. Nothing is bound yet.
 * @param out receives the node; NULL on failure.
 * @param cfg copied; the caller may free it at once.
 * @retval WKD_E_INVAL inconsistent configuration; the message names the option.
 * @ownership release with wkd_node_free().
 * @threadsafety Any thread.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_create(wkd_node_t** out, const wkd_config_t* cfg, wkd_error* err);

/**
 * Binds the UDP socket and TCP listener and starts the loop thread.
 * @retval WKD_E_ADDRINUSE the bind address is taken.
 * @retval WKD_E_IO any other socket error (os_error holds the code).
 * @retval WKD_E_STATE already started, or closed.
 * @threadsafety Any thread.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_start(wkd_node_t* node, wkd_error* err);

/**
 * Joins a cluster through seeds: a TCP push/pull with each, in parallel.
 * Seeds are "host:port", "ip:port" or "[v6]:port"; host names are resolved
 * (and resolved again on every retry).
 * @param joined_out nullable; receives how many seeds answered.
 * @param timeout_ms -1 = no limit.
 * @retval WKD_E_TIMEOUT no seed answered within the timeout.
 * @retval WKD_E_IO every seed refused or failed (the message names each).
 * @retval WKD_E_LOOPTHREAD called on the loop thread.
 * @retval WKD_E_CLOSED the node is closed.
 * @threadsafety Any thread except the loop thread.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_join(int* joined_out, wkd_node_t* node, const char* const* seeds, size_t n_seeds,
                                 int32_t timeout_ms, wkd_error* err);

/**
 * Leaves the cluster gracefully: announces the leave (Serf leave intent,
 * then memberlist's dead-by-self) and waits until it has been gossiped, so
 * peers show the node as left, not failed. The node keeps running until
 * wkd_node_close().
 * @retval WKD_E_TIMEOUT the announcement was not fully sent in time (peers
 *         may still learn of it).
 * @retval WKD_E_LOOPTHREAD called on the loop thread.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_leave(wkd_node_t* node, int32_t timeout_ms, wkd_error* err);

/**
 * Stops the node: closes its sockets, stops its loop thread, cancels its
 * watches and wakes every waiter with WKD_E_CLOSED. Idempotent. Called from
 * a watch callback, the close completes when the callback returns.
 * @threadsafety Any thread, including a watch callback.
 * @since 0.1
 */
WKD_API void wkd_node_close(wkd_node_t* node);

/**
 * Closes the node if needed and releases the handle. NULL is allowed. Must
 * be the last call on the handle; memory stays valid until calls in
 * progress on other threads have returned. A running node with
 * self-registered instances (wkd_service_self_register) that has not left
 * deregisters them and leaves gracefully first, waiting up to 2 s (not
 * from a watch callback: there it only closes).
 * @since 0.1
 */
WKD_API void wkd_node_free(wkd_node_t* node);

/**
 * The node's name.
 * @ownership borrowed; valid until wkd_node_free().
 * @since 0.1
 */
WKD_API const char* wkd_node_name(const wkd_node_t* node);

/**
 * The address the node is bound to (after wkd_node_start), useful with
 * port 0.
 * @param buf receives "ip:port" or "[v6]:port", NUL-terminated.
 * @param port_out nullable.
 * @retval WKD_E_STATE not started.
 * @retval WKD_E_INVAL buf too small (64 bytes always suffice).
 * @since 0.1
 */
WKD_API wkd_status wkd_node_local_addr(char* buf, size_t buf_size, uint16_t* port_out, const wkd_node_t* node,
                                       wkd_error* err);

/**
 * Sets the node's own health, as its application sees it, and gossips it
 * (tag "health"). The tag advertised is the worst of this and what the
 * node's checks report (wkd/check.h: node checks, and the node's instances
 * when WKD_OPT_NODE_HEALTH_FEED_INSTANCES is set); it is gossiped only
 * when it changes.
 * @param reason nullable; logged.
 * @retval WKD_E_INVAL not PASSING, WARNING or CRITICAL.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_set_health(wkd_node_t* node, wkd_health health, const char* reason, wkd_error* err);

/**
 * Fires a user event to every member (Serf user event: gossiped, delivered
 * once per node, serf peers see it too).
 * @param name event name, non-empty.
 * @param payload nullable when len is 0.
 * @param coalesce may receivers coalesce events of this name (serf's -coalesce).
 * @retval WKD_E_TOOBIG name plus payload exceed the user event size limit.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_fire_event(wkd_node_t* node, const char* name, const uint8_t* payload, size_t len,
                                       bool coalesce, wkd_error* err);

/**
 * Reads the node's counters, as the loop published them after its latest
 * step (the member counts follow the latest member-list snapshot).
 * @param out sized struct; the library writes no further than struct_size.
 * @retval WKD_E_INVAL out->struct_size is smaller than the first field group.
 * @threadsafety Any thread; never blocks on the loop.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_stats(wkd_stats* out, const wkd_node_t* node, wkd_error* err);

WKD_END_DECL

#endif /* WKD_NODE_H */
