/*
 * wkd/service.h - registering service instances in the cluster's registry.
 *
 * A node's identity (wkd/registration.h) says what the node is; a service
 * instance says where one running copy of a service answers. A node
 * registers any number of instances, each named by (service_name,
 * instance_id); the node that registers an instance owns it: only it
 * updates, drains or deregisters it, and every change is replicated to the
 * other wkd nodes by gossip, where wkd/instance.h reads it.
 *
 *     const char* tags[] = {"primary"};
 *     wkd_kv meta[] = {{"shard", "3"}};
 *     wkd_service svc = WKD_SERVICE_INIT;
 *     svc.service_name = "orders";
 *     svc.instance_id = "orders-1";
 *     svc.host = "10.0.0.5";
 *     svc.port = 8080;
 *     svc.version = "1.4.2";
 *     svc.tags = tags;      svc.n_tags = 1;
 *     svc.metadata = meta;  svc.n_metadata = 1;
 *     svc.ttl_ms = 10000;   // report within 10 s, or turn critical
 *     wkd_service_register(node, &svc, &err);
 *     ...
 *     wkd_service_ttl_update(node, "orders", "orders-1", WKD_CHECK_PASSING, NULL, &err);
 *     ...
 *     wkd_service_drain(node, "orders", "orders-1", &err);       // no new traffic
 *     wkd_service_deregister(node, "orders", "orders-1", &err);
 *
 * Errors. The registry checks every field and names the first it refuses,
 * by its name in wkd_service ("port: 0 is out of range 1-65535"); the
 * message reaches wkd_error.message. A call about an instance another node
 * owns returns WKD_E_STATE with a message naming the owner.
 *
 * Threading. Every call here runs on the node's loop: from another thread
 * it waits for it (up to 30 s, then WKD_E_TIMEOUT), from a watch callback
 * it runs inline. When a call returns, the change is in the node's
 * registry and on its way to the other nodes; the node's own snapshots
 * (wkd_node_instances) show it from the next published view, within
 * milliseconds.
 *
 * A node with the registry turned off returns WKD_E_NOTSUP from every call.
 */
#ifndef WKD_SERVICE_H
#define WKD_SERVICE_H

#include "wkd/check.h"
#include "wkd/common.h"
#include "wkd/instance.h"
#include "wkd/registration.h"
#include "wkd/status.h"

WKD_BEGIN_DECL

/**
 * One service instance, as its registrant describes it (sized input
 * struct: the library reads only struct_size bytes of it, so a program
 * built against an older header keeps working when fields are appended).
 * All pointers are borrowed for the duration of the call.
 *
 * An instance's health comes from its checks (wkd/check.h: HTTP, TCP,
 * gRPC, TTL, script, alias), run by this node, and from its registration
 * TTL (ttl_ms with wkd_service_ttl_update). With neither it stays
 * STARTING.
 */
typedef struct wkd_service {
  uint32_t struct_size;              /**< sizeof(wkd_service) */
  const char* service_name;          /**< one DNS label, [a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?;
                                          "status", "health", "register", "dependencies" are reserved */
  const char* instance_id;           /**< unique within the service: 1-128 visible ASCII, no '/' */
  const char* host;                  /**< an IP literal or a DNS name */
  uint16_t port;                     /**< 1-65535 */
  const char* protocol;              /**< a lower-case token (http, https, grpc, tcp, ...); NULL or "" = "http" */
  const char* version;               /**< semver 2.0.0; NULL or "" = unversioned */
  const char* const* tags;           /**< at most 64, each 1-128 bytes; duplicates count once */
  size_t n_tags;
  const wkd_kv* metadata;            /**< distinct keys; 64 KiB in all at most */
  size_t n_metadata;
  uint32_t weight;                   /**< 0-10000, for weighted selection; WKD_SERVICE_INIT sets 100 */
  const char* region;                /**< NULL or "" = not given */
  const char* zone;                  /**< NULL or "" = not given */
  const char* health_check_url;      /**< an http(s) URL; NULL or "" = none */
  const char* metrics_url;           /**< an http(s) URL; NULL or "" = none */
  int32_t ttl_ms;                    /**< time to live: not updated within it, the instance turns
                                          critical (UNHEALTHY); 0 = no TTL */
  const wkd_check* checks;           /**< the instance's health checks (wkd/check.h), each with the
                                          same struct_size; at most 32 */
  size_t n_checks;
  /* New fields are appended here only. */
} wkd_service;

/** The default weight of an instance. */
#define WKD_SERVICE_DEFAULT_WEIGHT 100u

#define WKD_SERVICE_INIT                                                                                        \
  {sizeof(wkd_service), NULL, NULL, NULL, 0, NULL, NULL, NULL, 0, NULL, 0, WKD_SERVICE_DEFAULT_WEIGHT, NULL, NULL, \
   NULL, NULL, 0, NULL, 0}

/**
 * Initialises a service description to its defaults (weight 100, the rest
 * empty), for FFIs.
 * @param svc the struct; NULL is ignored.
 * @param struct_size the caller's sizeof(wkd_service).
 * @since 0.1
 */
WKD_API void wkd_service_init(wkd_service* svc, size_t struct_size);

/**
 * Registers an instance owned by this node, or updates it (upsert): a new
 * (service_name, instance_id) starts STARTING; the same key again replaces
 * the registrant's fields and keeps the status (registering the same
 * fields again changes nothing and restarts the TTL). A key that another
 * node registered moves to this one (a rescheduled process), and a
 * DEREGISTERED key starts a new record.
 *
 * The listed checks become the instance's checks: a check registered
 * again with the same definition keeps running with its counters, a
 * changed one starts again, and a check no longer listed stops. Every
 * check is judged before anything changes, so a refused check leaves the
 * instance and its checks as they were.
 * @param node a started node.
 * @param svc the instance; copied.
 * @retval WKD_E_INVAL node or svc is NULL, svc->struct_size is too small,
 *         a NULL tag or metadata entry, a duplicate metadata key, a field
 *         the registry refuses, or a check refused ("checks[1].timeout_ms:
 *         ...", a duplicate check id); the message names the field.
 * @retval WKD_E_TOOBIG tags, metadata or checks over their limits.
 * @retval WKD_E_NOTSUP a check of a kind this node does not perform
 *         (script checks unless enabled), or the registry is off.
 * @retval WKD_E_STATE the node is not started.
 * @retval WKD_E_CLOSED the node is closed.
 * @threadsafety Any thread, including a watch callback.
 * @since 0.1
 */
WKD_API wkd_status wkd_service_register(wkd_node_t* node, const wkd_service* svc, wkd_error* err);

/**
 * Self-registration: registers `svc` as an instance this process is, for
 * the node's whole life. On a started node it is registered at once (as
 * wkd_service_register does); on a node not started yet, its fields and
 * checks are judged now and it is registered when wkd_node_start
 * succeeds. The node deregisters its self-registered instances when it
 * leaves (wkd_node_leave), and wkd_node_free of a running node with
 * self-registered instances deregisters them and leaves gracefully first
 * (waiting up to 2 s), so other nodes see them DEREGISTERED rather than
 * DOWN. The same key again replaces the description;
 * wkd_service_deregister ends a self-registration.
 * @param node a node, started or not.
 * @param svc the instance; copied.
 * @retval WKD_E_INVAL, WKD_E_TOOBIG, WKD_E_NOTSUP as wkd_service_register.
 * @retval WKD_E_STATE on a started node: as wkd_service_register (another
 *         node's instance...); the self-registration is then dropped.
 * @retval WKD_E_CLOSED the node is closed.
 * @threadsafety Any thread, including a watch callback.
 * @since 0.1
 */
WKD_API wkd_status wkd_service_self_register(wkd_node_t* node, const wkd_service* svc, wkd_error* err);

/**
 * Deregisters an instance this node owns: it becomes DEREGISTERED on
 * every node (a tombstone, kept for audit, then collected), and its
 * checks stop (reports and reads of them return WKD_E_NOTFOUND; a later
 * registration of the key starts them afresh). Already
 * DEREGISTERED: WKD_OK, nothing changes. A self-registered instance
 * (wkd_service_self_register) stops being one; on a node not started yet
 * that is all it does (WKD_OK).
 * @retval WKD_E_INVAL an argument is NULL.
 * @retval WKD_E_NOTFOUND no such instance.
 * @retval WKD_E_STATE another node owns it (the message names it), or the
 *         node is not started.
 * @retval WKD_E_CLOSED the node is closed.
 * @retval WKD_E_NOTSUP the node runs without the registry.
 * @threadsafety Any thread, including a watch callback.
 * @since 0.1
 */
WKD_API wkd_status wkd_service_deregister(wkd_node_t* node, const char* service_name, const char* instance_id,
                                          wkd_error* err);

/**
 * Drains an instance this node owns: it becomes DRAINING (finishing its
 * work, not selected for new traffic) until it is deregistered or
 * registered again. Checks no longer move it.
 * @retval WKD_E_INVAL an argument is NULL.
 * @retval WKD_E_NOTFOUND no such instance, or it is deregistered.
 * @retval WKD_E_STATE another node owns it (the message names it), or the
 *         node is not started.
 * @retval WKD_E_CLOSED the node is closed.
 * @retval WKD_E_NOTSUP the node runs without the registry.
 * @threadsafety Any thread, including a watch callback.
 * @since 0.1
 */
WKD_API wkd_status wkd_service_drain(wkd_node_t* node, const char* service_name, const char* instance_id,
                                     wkd_error* err);

/**
 * Reports the TTL check of an instance this node owns (registered with
 * ttl_ms > 0): the TTL starts again and `state` becomes the check's
 * result, so PASSING and WARNING make a STARTING or UNHEALTHY instance
 * HEALTHY and CRITICAL makes it UNHEALTHY (a DRAINING or DOWN instance
 * keeps its status). Every node sees the new status and check state.
 * @param state PASSING, WARNING or CRITICAL.
 * @param note nullable; why, in words. The registry does not store or
 *         replicate it: the node logs it (at debug level when passing, at
 *         info level otherwise) under its own name.
 * @retval WKD_E_INVAL an argument is NULL or state is not a wkd_check_state.
 * @retval WKD_E_NOTFOUND no such instance, or it is deregistered.
 * @retval WKD_E_STATE another node owns it (the message names it), the
 *         instance has no TTL, or the node is not started.
 * @retval WKD_E_CLOSED the node is closed.
 * @retval WKD_E_NOTSUP the node runs without the registry.
 * @threadsafety Any thread, including a watch callback.
 * @since 0.1
 */
WKD_API wkd_status wkd_service_ttl_update(wkd_node_t* node, const char* service_name, const char* instance_id,
                                          wkd_check_state state, const char* note, wkd_error* err);

/**
 * An operator's removal of an instance whose owner is gone: when this node
 * sees the owner failed, left or reaped, the instance becomes DEREGISTERED
 * in this node's registry. Only the owner writes its instances, so this is
 * not replicated: every node judges its own view of the owner, and drops a
 * failed owner's instances by itself after a while. Already DEREGISTERED:
 * WKD_OK, nothing changes.
 * @retval WKD_E_INVAL an argument is NULL.
 * @retval WKD_E_NOTFOUND this node holds no such instance.
 * @retval WKD_E_STATE this node owns it (use wkd_service_deregister), its
 *         owner is alive or suspect (the message says which), or the node
 *         is not started.
 * @retval WKD_E_CLOSED the node is closed.
 * @retval WKD_E_NOTSUP the node runs without the registry.
 * @threadsafety Any thread, including a watch callback.
 * @since 0.1
 */
WKD_API wkd_status wkd_service_force_deregister(wkd_node_t* node, const char* service_name,
                                                const char* instance_id, wkd_error* err);

WKD_END_DECL

#endif /* WKD_SERVICE_H */
