/*
 * wkd/check.h - the health checks of a node's own service instances.
 *
 * An instance registered with checks (wkd_service.checks) is checked by
 * the node that registered it, on the node's loop: its results move the
 * instance's status, and only a change of status is replicated to the
 * other nodes. A check's output stays on the owner and is read here
 * (wkd_service_check_info).
 *
 *     wkd_check http = WKD_CHECK_INIT;
 *     http.kind = WKD_CHECK_KIND_TCP;
 *     http.target = "10.0.0.5:8080";
 *     http.interval_ms = 2000;
 *     http.timeout_ms = 500;
 *     http.failures_before_critical = 3;
 *     http.deregister_critical_after_ms = 60000;
 *     svc.checks = &http;  svc.n_checks = 1;
 *     wkd_service_register(node, &svc, &err);
 *
 * How results become a status. Each run's result passes thresholds named
 * and meant as Consul's: passing and warning results count as successes
 * and are reported once success_before_passing came in a row; critical
 * results count as failures, reported critical after
 * failures_before_critical in a row (warning from failures_before_warning
 * in a row, when lower). The instance is HEALTHY while the worst of its
 * checks reports passing or warning, UNHEALTHY when one reports critical,
 * and STARTING until every check has reported (start_grace_ms holds
 * failures back until the first pass). A check critical for
 * deregister_critical_after_ms deregisters the instance.
 *
 * Kinds. TCP connects to target ("host:port"). TTL checks never run: the
 * application reports them (wkd_service_check_report) at least every
 * ttl_ms, or they turn critical. SCRIPT runs target with /bin/sh (exit 0
 * passing, 1 warning, anything else critical; the output's first 4 KiB
 * kept) and only on a node created with script checks enabled, since it
 * executes programs. ALIAS follows the health of the service named by
 * target: passing while it has a HEALTHY instance whose check passes.
 * HTTP sends method, headers and body to an http:// or https:// URL
 * (2xx passing, 429 warning, anything else, a failed exchange or the
 * timeout critical; the body's first 4 KiB kept). GRPC calls
 * grpc.health.v1.Health/Check for grpc_service on "host:port",
 * "http://host:port" (cleartext HTTP/2) or "https://host:port" (TLS):
 * SERVING is passing, anything else critical.
 */
#ifndef WKD_CHECK_H
#define WKD_CHECK_H

#include "wkd/common.h"
#include "wkd/instance.h"
#include "wkd/status.h"

WKD_BEGIN_DECL

/*
 * XX(NAME, value, name text): the kinds of check. Values are never
 * renumbered nor reused; wkd_check_kind_name() returns the text.
 */
#define WKD_CHECK_KIND_MAP(XX) \
  XX(HTTP, 0, "http")          \
  XX(TCP, 1, "tcp")            \
  XX(GRPC, 2, "grpc")          \
  XX(TTL, 3, "ttl")            \
  XX(SCRIPT, 4, "script")      \
  XX(ALIAS, 5, "alias")

/** What a check does. */
typedef enum wkd_check_kind {
#define WKD_CHECK_KIND_ENUM_(name, value, text) WKD_CHECK_KIND_##name = value,
  WKD_CHECK_KIND_MAP(WKD_CHECK_KIND_ENUM_)
#undef WKD_CHECK_KIND_ENUM_
} wkd_check_kind;

/**
 * One check of an instance (sized input struct: the library reads only
 * struct_size bytes of it). In wkd_service.checks every element has the
 * caller's sizeof(wkd_check) as struct_size. Pointers are borrowed for
 * the duration of the call. Times are in milliseconds.
 */
typedef struct wkd_check {
  uint32_t struct_size;               /**< sizeof(wkd_check) */
  const char* id;                     /**< unique within the instance, 1-128 visible ASCII;
                                           NULL or "" = the kind's name ("tcp") */
  wkd_check_kind kind;
  const char* target;                 /**< http, grpc: the URL; tcp: host:port; script: the
                                           command; alias: a service name; ttl: NULL */
  int32_t interval_ms;                /**< 100 ms - 24 h; WKD_CHECK_INIT sets 10 s (not for ttl) */
  int32_t timeout_ms;                 /**< 10 ms up to the interval; 5 s by default (not for ttl) */
  int32_t ttl_ms;                     /**< ttl only: 100 ms - 24 h */
  uint32_t success_before_passing;    /**< 1-1000; 1 by default */
  uint32_t failures_before_warning;   /**< 0 = as failures_before_critical */
  uint32_t failures_before_critical;  /**< 1-1000; 1 by default */
  int32_t deregister_critical_after_ms; /**< 0 = never */
  int32_t start_grace_ms;             /**< 0 = none */
  const char* method;                 /**< http: NULL or "" = GET */
  const wkd_kv* headers;              /**< http: request headers */
  size_t n_headers;
  const char* body;                   /**< http: the request body, NULL = none */
  bool tls_skip_verify;               /**< https, grpc over TLS: accept any certificate */
  const char* grpc_service;           /**< grpc: the service asked about; NULL or "" = the server */
  /* New fields are appended here only. */
} wkd_check;

#define WKD_CHECK_INIT \
  {sizeof(wkd_check), NULL, WKD_CHECK_KIND_HTTP, NULL, 10000, 5000, 0, 1, 0, 1, 0, 0, NULL, NULL, 0, NULL, false, NULL}

/**
 * Initialises a check to its defaults, for FFIs.
 * @param check the struct; NULL is ignored.
 * @param struct_size the caller's sizeof(wkd_check).
 * @since 0.1
 */
WKD_API void wkd_check_init(wkd_check* check, size_t struct_size);

/** "http", "tcp", ...; "unknown" for a value outside the enum. @since 0.1 */
WKD_API const char* wkd_check_kind_name(wkd_check_kind kind);

/**
 * Reports the state of a TTL check of an instance this node owns: the
 * check's TTL starts again and `state` is its result (through its
 * thresholds). `note` becomes the check's output (on this node only).
 * @param check_id the check's id ("ttl" when registered without one).
 * @param state PASSING, WARNING or CRITICAL.
 * @param note nullable.
 * @retval WKD_E_INVAL an argument is NULL or state is not a wkd_check_state.
 * @retval WKD_E_NOTFOUND no such instance or check.
 * @retval WKD_E_STATE the check is not a TTL check, or the node is not started.
 * @retval WKD_E_CLOSED the node is closed.
 * @retval WKD_E_NOTSUP the node runs without the registry.
 * @threadsafety Any thread, including a watch callback.
 * @since 0.1
 */
WKD_API wkd_status wkd_service_check_report(wkd_node_t* node, const char* service_name, const char* instance_id,
                                            const char* check_id, wkd_check_state state, const char* note,
                                            wkd_error* err);

/** What the owner knows of one check (sized output struct). */
typedef struct wkd_check_info {
  uint32_t struct_size;            /**< in: sizeof(wkd_check_info) */
  wkd_check_kind kind;
  bool reported;                   /**< false until the thresholds reported a state */
  wkd_check_state state;           /**< the reported state (meaningful if reported) */
  wkd_check_state last_result;     /**< the last run's result as it came */
  int64_t last_result_unix_ms;     /**< 0 = no result yet */
  uint32_t successes;              /**< passing or warning results in a row */
  uint32_t failures;               /**< critical results in a row */
  bool running;                    /**< a run is in flight */
  size_t output_len;               /**< the last output's length (at most 4096), whatever was copied */
  /* New fields are appended here only. */
} wkd_check_info;

#define WKD_CHECK_INFO_INIT \
  {sizeof(wkd_check_info), WKD_CHECK_KIND_HTTP, false, WKD_CHECK_CRITICAL, WKD_CHECK_CRITICAL, 0, 0, 0, false, 0}

/**
 * Reads a check of an instance this node owns, and its last output: up
 * to output_size - 1 bytes of it are copied to `output`, NUL-terminated
 * (out->output_len says how long it is; call again with a larger buffer
 * to read it all).
 * @param out the check's state.
 * @param output nullable (with output_size 0): the output is not copied.
 * @retval WKD_E_INVAL out, node or a name is NULL, or output is NULL with
 *         output_size > 0.
 * @retval WKD_E_NOTFOUND no such instance or check on this node.
 * @retval WKD_E_STATE the node is not started.
 * @retval WKD_E_CLOSED the node is closed.
 * @retval WKD_E_NOTSUP the node runs without the registry.
 * @threadsafety Any thread, including a watch callback.
 * @since 0.1
 */
WKD_API wkd_status wkd_service_check_info(wkd_check_info* out, char* output, size_t output_size, wkd_node_t* node,
                                          const char* service_name, const char* instance_id, const char* check_id,
                                          wkd_error* err);

/*
 * The node's own health. Node checks are checks of the node itself rather
 * than of an instance: the same kinds, fields and thresholds (their
 * deregister_critical_after_ms must be 0). The node's "health" tag, as
 * every member sees it, is the worst of
 *   - the application's health (wkd_node_set_health; PASSING for an
 *     application that never calls it),
 *   - the worst state its node checks report (PASSING while none has
 *     reported), and
 *   - only with WKD_OPT_NODE_HEALTH_FEED_INSTANCES: the worst state its
 *     instances' checks report, once that state has held for
 *     WKD_OPT_NODE_HEALTH_HOLD_MS (30 s by default; a recovery likewise),
 *     so an instance flapping faster than that never moves the tag.
 * The tag is gossiped only when it changes: every change is a member
 * update on every peer.
 */

/**
 * Adds a check of the node itself (see above).
 * @param check one check, its struct_size the caller's sizeof(wkd_check).
 * @retval WKD_E_INVAL NULL argument, or an invalid field (named).
 * @retval WKD_E_STATE the node has a check of this id already, or is not started.
 * @retval WKD_E_NOTSUP a kind this node does not perform, or the node runs without the registry.
 * @retval WKD_E_CLOSED the node is closed.
 * @threadsafety Any thread, including a watch callback.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_check_add(wkd_node_t* node, const wkd_check* check, wkd_error* err);

/**
 * Removes a check of the node itself; the state it reported no longer counts.
 * @retval WKD_E_NOTFOUND no such node check.
 * @threadsafety Any thread, including a watch callback.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_check_remove(wkd_node_t* node, const char* check_id, wkd_error* err);

/**
 * Reports the state of a TTL check of the node itself, as
 * wkd_service_check_report does for an instance's.
 * @retval WKD_E_INVAL an argument is NULL or state is not a wkd_check_state.
 * @retval WKD_E_NOTFOUND no such node check.
 * @retval WKD_E_STATE the check is not a TTL check, or the node is not started.
 * @threadsafety Any thread, including a watch callback.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_check_report(wkd_node_t* node, const char* check_id, wkd_check_state state,
                                         const char* note, wkd_error* err);

/**
 * Reads a check of the node itself, as wkd_service_check_info reads an
 * instance's.
 * @retval WKD_E_NOTFOUND no such node check.
 * @threadsafety Any thread, including a watch callback.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_check_info(wkd_check_info* out, char* output, size_t output_size, wkd_node_t* node,
                                       const char* check_id, wkd_error* err);

/**
 * A self-healing action: called when an instance this node owns turns
 * critical (its reported state, through its checks' thresholds).
 * @param node the handle the action was registered with.
 * @param check_id a check of the instance that reports critical.
 * @param output that check's last output.
 * The strings are valid for the duration of the call.
 */
typedef void (*wkd_heal_cb)(wkd_node_t* node, const char* service_name, const char* instance_id,
                            const char* check_id, const char* output, void* user_data);

/**
 * Sets the self-healing action of a service's instances on this node:
 * `cb` runs when one of them turns critical, at most once per instance
 * per WKD_OPT_HEAL_INTERVAL_MS (60 s by default) and at most
 * WKD_OPT_HEAL_MAX_PER_MINUTE (10) times a minute over all instances, so
 * a flapping instance does not run it in a loop. One action per service
 * name: a later call replaces it.
 * @param service_name NULL = every service without an action of its own.
 * @param cb NULL removes the action.
 * @threadsafety Any thread. The action is called on the node's loop
 *   thread, outside the node's internals like a watch callback: it may
 *   call the wkd_service_* and wkd_node_* functions, which then run
 *   inline, and must not block long (the node waits for it).
 * @since 0.1
 */
WKD_API wkd_status wkd_service_on_critical(wkd_node_t* node, const char* service_name, wkd_heal_cb cb,
                                           void* user_data, wkd_error* err);

WKD_END_DECL

#endif /* WKD_CHECK_H */
