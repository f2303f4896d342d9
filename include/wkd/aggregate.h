/*
 * wkd/aggregate.h - the registry's aggregates: a status summary per
 * service, the aggregated health of one service, and of the platform.
 *
 * Every figure is computed from the node's current view of the registry
 * (wkd/instance.h), with no network round trip, and carries the version
 * of that view (the member list's, wkd_members_version), so the figures
 * of one answer are always of one view.
 *
 *     wkd_service_summary s = WKD_SERVICE_SUMMARY_INIT;
 *     if (wkd_node_service_summary(&s, node, "orders", &err) == WKD_OK)
 *         printf("orders %s: %u of %u healthy\n", wkd_aggregate_status_name(s.overall_status),
 *                s.healthy_instances, s.total_instances);
 *
 * Which statuses count where (README's status table):
 *  - total_instances: every status but DEREGISTERED (STARTING, HEALTHY,
 *    UNHEALTHY, DRAINING, DOWN); tombstones are audit, not instances;
 *  - healthy_instances: HEALTHY (its check passing or warning), the
 *    instances selection hands out;
 *  - unhealthy_instances: the others, total - healthy: STARTING,
 *    UNHEALTHY, DRAINING, DOWN;
 *  - overall_status: UP when at least one instance is HEALTHY, else DOWN.
 *
 * A service's aggregated health (wkd_node_service_health) adds its
 * dependencies (wkd/dependency.h): DOWN when it has no HEALTHY instance or
 * a required dependency is unhealthy (the dependency blocks it); DEGRADED
 * when it is up but a dependency that is not required is unhealthy; UP
 * otherwise.
 *
 * The platform's health (wkd_node_platform_health) is over every service
 * that has an instance (not DEREGISTERED) or declares a dependency: UP
 * when every one of them is UP (an empty registry is UP); DOWN when there
 * is at least one and none is UP or DEGRADED; DEGRADED otherwise. A
 * service that is only depended on, with no instance, is not counted
 * itself: the dependencies on it are unhealthy and count against the
 * services that declared them.
 *
 * Threading: every call here reads an immutable view: any thread, never
 * blocking on the node's loop. Ownership: a summary read from a snapshot
 * (wkd_service_summaries_at) borrows its service_name from the snapshot,
 * valid until wkd_service_summaries_free; wkd_node_service_summary sets
 * service_name to the caller's own argument. The other structs hold no
 * pointers.
 */
#ifndef WKD_AGGREGATE_H
#define WKD_AGGREGATE_H

#include "wkd/common.h"
#include "wkd/status.h"

WKD_BEGIN_DECL

/*
 * XX(NAME, value, name text): an aggregated status. Values are never
 * renumbered nor reused; wkd_aggregate_status_name() returns the text.
 */
#define WKD_AGGREGATE_STATUS_MAP(XX)                                                        \
  XX(UP, 0, "UP")             /* everything it needs is healthy */                          \
  XX(DOWN, 1, "DOWN")         /* no HEALTHY instance, or a required dependency unhealthy */ \
  XX(DEGRADED, 2, "DEGRADED") /* up, but something it uses is unhealthy */

/** An aggregated status (summary, service health, platform health). */
typedef enum wkd_aggregate_status {
#define WKD_AGGREGATE_STATUS_ENUM_(name, value, text) WKD_AGGREGATE_##name = value,
  WKD_AGGREGATE_STATUS_MAP(WKD_AGGREGATE_STATUS_ENUM_)
#undef WKD_AGGREGATE_STATUS_ENUM_
} wkd_aggregate_status;

/** An immutable snapshot of the summaries of every service. */
typedef struct wkd_service_summaries wkd_service_summaries_t;

/**
 * The status summary of one service (sized output struct: set
 * struct_size; the library writes no further).
 */
typedef struct wkd_service_summary {
  uint32_t struct_size;               /**< in: sizeof(wkd_service_summary) */
  uint64_t version;                   /**< the version of the view summarised */
  const char* service_name;           /**< borrowed: the caller's argument, or the snapshot's */
  uint32_t total_instances;           /**< every status but DEREGISTERED */
  uint32_t healthy_instances;         /**< HEALTHY */
  uint32_t unhealthy_instances;       /**< STARTING, UNHEALTHY, DRAINING, DOWN */
  wkd_aggregate_status overall_status; /**< UP when healthy_instances > 0, else DOWN */
  /* New fields are appended here only. */
} wkd_service_summary;

#define WKD_SERVICE_SUMMARY_INIT {sizeof(wkd_service_summary), 0, NULL, 0, 0, 0, WKD_AGGREGATE_DOWN}

/**
 * The status summary of one service in the node's current view.
 * @param out sized struct; out->service_name is set to service_name.
 * @retval WKD_E_INVAL out or node is NULL, out->struct_size too small, or
 *         service_name NULL or "".
 * @retval WKD_E_NOTFOUND the service has no instance that is not
 *         DEREGISTERED in this view (unknown, or only tombstones left);
 *         *out is left as it was.
 * @retval WKD_E_CLOSED the node is closed.
 * @threadsafety Any thread; never blocks on the loop.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_service_summary(wkd_service_summary* out, wkd_node_t* node, const char* service_name,
                                            wkd_error* err);

/**
 * Takes a snapshot of the summaries of every service that has an instance
 * that is not DEREGISTERED, sorted by name (the services of
 * wkd_node_service_names).
 * @retval WKD_E_INVAL out or node is NULL.
 * @retval WKD_E_CLOSED the node is closed.
 * @ownership free with wkd_service_summaries_free().
 * @threadsafety Any thread; never blocks on the loop.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_service_summaries(wkd_service_summaries_t** out, wkd_node_t* node, wkd_error* err);

/** Number of summaries in a snapshot; 0 for NULL. @since 0.1 */
WKD_API size_t wkd_service_summaries_count(const wkd_service_summaries_t* summaries);

/**
 * Reads summary i of a snapshot.
 * @param out sized struct; its service_name borrows from the snapshot.
 * @retval WKD_E_INVAL out or summaries is NULL, or index out of range.
 * @threadsafety Any thread; a snapshot is immutable.
 * @since 0.1
 */
WKD_API wkd_status wkd_service_summaries_at(wkd_service_summary* out, const wkd_service_summaries_t* summaries,
                                            size_t index, wkd_error* err);

/** The version of the view a snapshot was taken from; 0 for NULL. @since 0.1 */
WKD_API uint64_t wkd_service_summaries_version(const wkd_service_summaries_t* summaries);

/** Releases a summary snapshot; NULL is allowed. @since 0.1 */
WKD_API void wkd_service_summaries_free(wkd_service_summaries_t* summaries);

/** The aggregated health of one service (sized output struct). */
typedef struct wkd_service_health {
  uint32_t struct_size;            /**< in: sizeof(wkd_service_health) */
  uint64_t version;                /**< the version of the view judged */
  wkd_aggregate_status status;     /**< see the header comment */
  /* Its instances, as wkd_node_service_summary counts them (0 if none). */
  uint32_t total_instances;
  uint32_t healthy_instances;
  uint32_t unhealthy_instances;
  wkd_aggregate_status instances_status; /**< UP when healthy_instances > 0, else DOWN */
  /* Its dependencies, judged as wkd_node_dependency_health judges them. */
  uint32_t dependencies;
  uint32_t healthy_dependencies;
  uint32_t blocking_dependencies;  /**< required and unhealthy */
  /* New fields are appended here only. */
} wkd_service_health;

#define WKD_SERVICE_HEALTH_INIT \
  {sizeof(wkd_service_health), 0, WKD_AGGREGATE_DOWN, 0, 0, 0, WKD_AGGREGATE_DOWN, 0, 0, 0}

/**
 * The aggregated health of one service: its instances and its
 * dependencies, from one view.
 * @retval WKD_E_INVAL out or node is NULL, out->struct_size too small, or
 *         service_name NULL or "".
 * @retval WKD_E_NOTFOUND the service has neither an instance (not
 *         DEREGISTERED) nor a dependency of its own; *out is left as it was.
 * @retval WKD_E_CLOSED the node is closed.
 * @threadsafety Any thread; never blocks on the loop.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_service_health(wkd_service_health* out, wkd_node_t* node, const char* service_name,
                                           wkd_error* err);

/** The platform's health (sized output struct). */
typedef struct wkd_platform_health {
  uint32_t struct_size;            /**< in: sizeof(wkd_platform_health) */
  uint64_t version;                /**< the version of the view judged */
  wkd_aggregate_status status;     /**< see the header comment */
  uint32_t services;               /**< with an instance or a dependency of their own */
  uint32_t services_up;
  uint32_t services_degraded;
  uint32_t services_down;
  uint32_t dependencies;
  uint32_t unhealthy_dependencies;
  uint32_t blocking_dependencies;  /**< required and unhealthy */
  /* New fields are appended here only. */
} wkd_platform_health;

#define WKD_PLATFORM_HEALTH_INIT {sizeof(wkd_platform_health), 0, WKD_AGGREGATE_UP, 0, 0, 0, 0, 0, 0, 0}

/**
 * The health of every service of the registry, aggregated.
 * @retval WKD_E_INVAL out or node is NULL, or out->struct_size too small.
 * @retval WKD_E_CLOSED the node is closed.
 * @threadsafety Any thread; never blocks on the loop.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_platform_health(wkd_platform_health* out, wkd_node_t* node, wkd_error* err);

/** "UP", "DOWN", "DEGRADED"; "UNKNOWN" otherwise. @since 0.1 */
WKD_API const char* wkd_aggregate_status_name(wkd_aggregate_status status);

WKD_END_DECL

#endif /* WKD_AGGREGATE_H */
