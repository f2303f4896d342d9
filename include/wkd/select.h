/*
 * wkd/select.h - choosing an instance of a service to call.
 *
 * The node picks one instance from its own copy of the registry (no
 * network round trip) and hands it out as a lease; the lease counts as in
 * flight until it is released with the call's outcome, which feeds the
 * node's passive outlier ejection:
 *
 *     wkd_lease_t* lease;
 *     wkd_select_options o = WKD_SELECT_OPTIONS_INIT;
 *     o.strategy = WKD_SELECT_LEAST_CONNECTIONS;
 *     if (wkd_node_select(&lease, node, "orders", &o, &err) == WKD_OK) {
 *         char url[300];
 *         wkd_lease_url(url, sizeof url, lease, "http", NULL);  // "http://10.0.0.5:8080"
 *         bool ok = call(url);
 *         wkd_lease_release(lease, ok ? WKD_CALL_SUCCESS : WKD_CALL_FAILURE, NULL);
 *     }
 *
 * Candidates. Only HEALTHY instances that match the filter and are not
 * ejected: never STARTING, UNHEALTHY, DRAINING, DOWN or DEREGISTERED.
 * Passing instances are preferred: warning ones are chosen only when no
 * passing one is left. None: WKD_E_NOTFOUND.
 *
 * Zone affinity (on by default) then keeps the candidates in the node's
 * zone (WKD_OPT_ZONE) if there are any, else those in its region
 * (WKD_OPT_REGION), else all of them; the strategy picks among those.
 *
 * Strategies:
 *   WEIGHTED_RANDOM   by the instances' weights (the default); weight 0 is
 *                     chosen only when every candidate has weight 0.
 *   ROUND_ROBIN       in turn, one cursor per service for the whole node.
 *   RANDOM            uniformly.
 *   LEAST_CONNECTIONS the fewest leases in flight on this node; ties at random.
 *   NEAREST           the smallest round trip to the instance's owner node,
 *                     estimated from the Vivaldi network coordinates; with
 *                     no estimate (coordinates off or not learnt yet) or a
 *                     tie, weighted random.
 *
 * Outlier ejection (after Envoy's outlier detection). An instance whose
 * calls failed `consecutive_failures` times in a row (5) is not selected
 * for base_ejection_ms (30 s) times the number of times it was ejected,
 * capped at max_ejection_ms (300 s); then it is tried again. A success
 * resets the count. At most max_ejection_percent (10 %) of a service's
 * selectable instances are ejected at once, but at least one when it has
 * two or more, and never the last one. The state is this node's own (its
 * calls only) and is never replicated; the settings are per node
 * (wkd_node_set_outlier), since the ejections they govern are.
 *
 * Threading. Every call here may be made from any thread, watch callbacks
 * included; selection never waits for the loop, except NEAREST, which
 * reads the coordinates on the loop (waiting for it from another thread,
 * inline on it). A lease may be read from several threads at once;
 * release it exactly once, after every reader is done.
 */
#ifndef WKD_SELECT_H
#define WKD_SELECT_H

#include "wkd/common.h"
#include "wkd/instance.h"
#include "wkd/status.h"

WKD_BEGIN_DECL

/*
 * XX(NAME, value, name text): how an instance is chosen among the
 * candidates. Values are never renumbered nor reused.
 */
#define WKD_SELECT_STRATEGY_MAP(XX)                  \
  XX(WEIGHTED_RANDOM, 0, "weighted_random")         \
  XX(ROUND_ROBIN, 1, "round_robin")                 \
  XX(RANDOM, 2, "random")                           \
  XX(LEAST_CONNECTIONS, 3, "least_connections")     \
  XX(NEAREST, 4, "nearest")

/** Selection strategy. */
typedef enum wkd_select_strategy {
#define WKD_SELECT_STRATEGY_ENUM_(name, value, text) WKD_SELECT_##name = value,
  WKD_SELECT_STRATEGY_MAP(WKD_SELECT_STRATEGY_ENUM_)
#undef WKD_SELECT_STRATEGY_ENUM_
} wkd_select_strategy;

/*
 * XX(NAME, value, name text): what became of a call to an instance.
 * Values are never renumbered nor reused.
 */
#define WKD_CALL_OUTCOME_MAP(XX)                                            \
  XX(NONE, 0, "none")       /* not made, or no verdict: counts for nothing */ \
  XX(SUCCESS, 1, "success") /* resets the instance's failure count */        \
  XX(FAILURE, 2, "failure") /* one more failure in a row */

/** Outcome of a call. */
typedef enum wkd_call_outcome {
#define WKD_CALL_OUTCOME_ENUM_(name, value, text) WKD_CALL_##name = value,
  WKD_CALL_OUTCOME_MAP(WKD_CALL_OUTCOME_ENUM_)
#undef WKD_CALL_OUTCOME_ENUM_
} wkd_call_outcome;

/** How to select (sized input struct; the library reads struct_size bytes). */
typedef struct wkd_select_options {
  uint32_t struct_size;          /**< sizeof(wkd_select_options) */
  wkd_select_strategy strategy;  /**< WEIGHTED_RANDOM unless set */
  /**
   * Nullable: which instances may be chosen (tags, metadata, region, zone,
   * version range; wkd/instance.h). Its healthy_only and
   * include_deregistered are ignored: only HEALTHY instances are chosen.
   * Borrowed for the duration of the call.
   */
  const wkd_instance_filter* filter;
  bool zone_affinity;            /**< prefer the node's zone, then region (true) */
  /* New fields are appended here only. */
} wkd_select_options;

#define WKD_SELECT_OPTIONS_INIT {sizeof(wkd_select_options), WKD_SELECT_WEIGHTED_RANDOM, NULL, true}

/** Outlier ejection settings of a node (sized struct, in and out). */
typedef struct wkd_outlier_options {
  uint32_t struct_size;           /**< sizeof(wkd_outlier_options) */
  uint32_t consecutive_failures;  /**< failures in a row that eject (5); 0 = ejection off */
  int64_t base_ejection_ms;       /**< ejection time per ejection so far (30000); > 0 */
  int64_t max_ejection_ms;        /**< cap of the ejection time (300000); >= base_ejection_ms */
  uint32_t max_ejection_percent;  /**< share of a service ejected at once (10); 0-100 */
  /* New fields are appended here only. */
} wkd_outlier_options;

#define WKD_OUTLIER_OPTIONS_INIT {sizeof(wkd_outlier_options), 5, 30000, 300000, 10}

/**
 * Selects an instance of a service from the node's current registry view.
 * @param out receives the lease; NULL on failure.
 * @param service_name the service (not NULL, not "").
 * @param opts nullable: NULL = WKD_SELECT_OPTIONS_INIT.
 * @retval WKD_E_INVAL out, node or service_name is NULL or empty, opts has
 *         a too small struct_size or an unknown strategy, or opts->filter
 *         is malformed (the message names the field: "opts.strategy: ...",
 *         "filter.version_range: ...").
 * @retval WKD_E_NOTFOUND no instance of the service is selectable now.
 * @retval WKD_E_CLOSED the node is closed.
 * @ownership release with wkd_lease_release().
 * @threadsafety Any thread (see Threading above).
 * @since 0.1
 */
WKD_API wkd_status wkd_node_select(wkd_lease_t** out, wkd_node_t* node, const char* service_name,
                                   const wkd_select_options* opts, wkd_error* err);

/**
 * The instance a lease holds, as the view it was chosen from had it.
 * @param out sized struct (wkd/instance.h); its pointers borrow from the
 *        lease and stay valid until it is released.
 * @retval WKD_E_INVAL out is NULL or too small, or lease is not a lease.
 * @threadsafety Any thread; a lease is immutable until released.
 * @since 0.1
 */
WKD_API wkd_status wkd_lease_instance(wkd_instance_info* out, const wkd_lease_t* lease, wkd_error* err);

/**
 * Writes "scheme://host:port" for the leased instance, an IPv6 host in
 * brackets ("http://[2001:db8::1]:8080").
 * @param scheme nullable: NULL or "" = the instance's protocol ("http"
 *        unless registered otherwise).
 * @retval WKD_E_INVAL buf is NULL or too small (the message gives the size
 *         needed), or lease is not a lease.
 * @threadsafety Any thread.
 * @since 0.1
 */
WKD_API wkd_status wkd_lease_url(char* buf, size_t size, const wkd_lease_t* lease, const char* scheme,
                                 wkd_error* err);

/**
 * Ends a lease: the instance is no longer in flight, the outcome goes to
 * outlier ejection, and the lease is freed. NULL is allowed (WKD_OK).
 * @retval WKD_E_INVAL lease is not a lease, or outcome is not a
 *         wkd_call_outcome (the lease is released all the same, counting
 *         as WKD_CALL_NONE).
 * @threadsafety Any thread; once per lease.
 * @since 0.1
 */
WKD_API wkd_status wkd_lease_release(wkd_lease_t* lease, wkd_call_outcome outcome, wkd_error* err);

/**
 * Reports the outcome of a call to an instance made without a lease (its
 * address read from wkd_node_instances, say); it counts as a released
 * lease's would.
 * @retval WKD_E_INVAL an argument is NULL, or outcome is unknown.
 * @retval WKD_E_NOTFOUND the node's view holds no such instance (nothing
 *         is recorded).
 * @retval WKD_E_CLOSED the node is closed.
 * @threadsafety Any thread; never blocks on the loop.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_report_call(wkd_node_t* node, const char* service_name, const char* instance_id,
                                        wkd_call_outcome outcome, wkd_error* err);

/**
 * Replaces the node's outlier ejection settings; ejections in force keep
 * their end time, the new settings apply from the next outcome.
 * @retval WKD_E_INVAL node or opts is NULL, opts->struct_size too small,
 *         or a field out of range (the message names it).
 * @threadsafety Any thread.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_set_outlier(wkd_node_t* node, const wkd_outlier_options* opts, wkd_error* err);

/**
 * Reads the node's outlier ejection settings.
 * @retval WKD_E_INVAL out or node is NULL, or out->struct_size too small.
 * @threadsafety Any thread.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_outlier(wkd_outlier_options* out, const wkd_node_t* node, wkd_error* err);

/** "weighted_random", "round_robin", ...; "unknown" otherwise. @since 0.1 */
WKD_API const char* wkd_select_strategy_name(wkd_select_strategy strategy);

/** "none", "success", "failure"; "unknown" otherwise. @since 0.1 */
WKD_API const char* wkd_call_outcome_name(wkd_call_outcome outcome);

WKD_END_DECL

#endif /* WKD_SELECT_H */
