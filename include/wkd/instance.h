/*
 * wkd/instance.h - the service registry, as immutable snapshots.
 *
 * Every wkd node holds a copy of the whole registry: the instances each
 * node registered (wkd/service.h), replicated by gossip. The calls here
 * read that copy from the node's current view: no network round trip, no
 * lock held while you read, and the same version as the member list
 * (wkd_members_version), so an instance and the membership of its owner
 * are read from one consistent view. Strings inside a snapshot stay valid
 * until it is freed.
 *
 *     wkd_instances_t* snap;
 *     wkd_instance_filter f = WKD_INSTANCE_FILTER_INIT;
 *     const char* tags[] = {"primary"};
 *     f.healthy_only = true;
 *     f.tags = tags;  f.n_tags = 1;
 *     f.version_range = ">=1.2.0 <2";
 *     wkd_node_instances(&snap, node, "orders", &f, &err);
 *     for (size_t i = 0; i < wkd_instances_count(snap); i++) {
 *         wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
 *         wkd_instances_at(&in, snap, i, NULL);
 *         printf("%s %s:%u %s\n", in.instance_id, in.host, in.port, wkd_instance_status_name(in.status));
 *     }
 *     wkd_instances_free(snap);
 *
 * Lifecycle (docs/registry.md has the whole table): an instance starts
 * STARTING; a passing or warning check makes it HEALTHY, a critical one
 * UNHEALTHY; DRAINING is set by its registrant (wkd_service_drain), DOWN by
 * each node on its own when the owner node is declared failed, and
 * DEREGISTERED is a tombstone kept for a while for audit. Only HEALTHY
 * instances are meant to receive traffic.
 */
#ifndef WKD_INSTANCE_H
#define WKD_INSTANCE_H

#include "wkd/common.h"
#include "wkd/member.h"
#include "wkd/registration.h"
#include "wkd/status.h"

WKD_BEGIN_DECL

/*
 * XX(NAME, value, name text): the lifecycle status of an instance. Values
 * are never renumbered nor reused; wkd_instance_status_name() returns the
 * text (upper case, as the agent's REST API prints it).
 */
#define WKD_INSTANCE_STATUS_MAP(XX)                                                 \
  XX(STARTING, 0, "STARTING")         /* registered; no check has passed yet */     \
  XX(HEALTHY, 1, "HEALTHY")           /* the last check passed or warned */         \
  XX(UNHEALTHY, 2, "UNHEALTHY")       /* the last check was critical */             \
  XX(DRAINING, 3, "DRAINING")         /* finishing its work, takes no new traffic */ \
  XX(DOWN, 4, "DOWN")                 /* its owner node failed or is unreachable */ \
  XX(DEREGISTERED, 5, "DEREGISTERED") /* a tombstone */

/** Lifecycle status of a service instance. */
typedef enum wkd_instance_status {
#define WKD_INSTANCE_STATUS_ENUM_(name, value, text) WKD_INSTANCE_##name = value,
  WKD_INSTANCE_STATUS_MAP(WKD_INSTANCE_STATUS_ENUM_)
#undef WKD_INSTANCE_STATUS_ENUM_
} wkd_instance_status;

/*
 * XX(NAME, value, name text): the result of a health check (a TTL update,
 * wkd_service_ttl_update). Values are never renumbered nor reused;
 * wkd_check_state_name() returns the text.
 */
#define WKD_CHECK_STATE_MAP(XX) \
  XX(PASSING, 0, "passing")     \
  XX(WARNING, 1, "warning")     \
  XX(CRITICAL, 2, "critical")

/** Result of a health check. */
typedef enum wkd_check_state {
#define WKD_CHECK_STATE_ENUM_(name, value, text) WKD_CHECK_##name = value,
  WKD_CHECK_STATE_MAP(WKD_CHECK_STATE_ENUM_)
#undef WKD_CHECK_STATE_ENUM_
} wkd_check_state;

/**
 * One instance, borrowed from a snapshot (sized output struct: set
 * struct_size; the library writes no further). Times are wall-clock
 * milliseconds since the Unix epoch as the owner stamped them; 0 = never.
 * Optional strings the registrant left out are "".
 */
typedef struct wkd_instance_info {
  uint32_t struct_size;            /**< in: sizeof(wkd_instance_info) */
  /* The registrant's fields (wkd_service). */
  const char* service_name;
  const char* instance_id;
  const char* host;
  uint16_t port;
  const char* protocol;            /**< "http" unless given */
  const char* version;             /**< semver, or "" */
  const char* const* tags;         /**< sorted */
  size_t n_tags;
  const wkd_kv* metadata;          /**< sorted by key */
  size_t n_metadata;
  uint32_t weight;
  const char* region;
  const char* zone;
  const char* health_check_url;
  const char* metrics_url;
  /* The registry's state of it. */
  wkd_instance_status status;
  wkd_check_state check_state;     /**< the last check's result; CRITICAL until one passes */
  int64_t last_check_unix_ms;
  uint32_t consecutive_failures;   /**< critical results in a row */
  const char* uuid;                /**< the registry's id for the record, 36 characters */
  int64_t registered_unix_ms;
  int64_t updated_unix_ms;         /**< the last real change */
  int64_t deregistered_unix_ms;
  const char* owner;               /**< the name of the node that registered it */
  bool owner_known;                /**< the owner is in this node's member list */
  wkd_member_state owner_state;    /**< its membership as this node sees it (meaningful if owner_known) */
  const char* previous_owner;      /**< the node it moved from, or "" */
  /* New fields are appended here only. */
} wkd_instance_info;

#define WKD_INSTANCE_INFO_INIT                                                                                 \
  {sizeof(wkd_instance_info), NULL, NULL, NULL, 0, NULL, NULL, NULL, 0, NULL, 0, 0, NULL, NULL, NULL, NULL,    \
   WKD_INSTANCE_STARTING, WKD_CHECK_CRITICAL, 0, 0, NULL, 0, 0, 0, NULL, false, WKD_MEMBER_ALIVE, NULL}

/**
 * Which instances a snapshot holds: all of the given conditions (AND).
 * Empty fields match everything.
 */
typedef struct wkd_instance_filter {
  uint32_t struct_size;           /**< sizeof(wkd_instance_filter) */
  bool healthy_only;              /**< HEALTHY only (passing or warning) */
  bool include_deregistered;      /**< keep tombstones (left out otherwise) */
  const char* const* tags;        /**< the instance has every one of them */
  size_t n_tags;
  const wkd_kv* metadata;         /**< each key present with exactly that value */
  size_t n_metadata;
  const char* region;             /**< exact match; NULL or "" = any */
  const char* zone;               /**< exact match; NULL or "" = any */
  /**
   * A semver range; NULL or "" = any. Comparators (=, <, <=, >, >=, ~, ^,
   * partial versions such as "1.x") separated by spaces must all hold;
   * alternatives are separated by "||". An instance without a valid
   * version never matches a range.
   */
  const char* version_range;
  /* New fields are appended here only. */
} wkd_instance_filter;

#define WKD_INSTANCE_FILTER_INIT {sizeof(wkd_instance_filter), false, false, NULL, 0, NULL, 0, NULL, NULL, NULL}

/**
 * Takes a snapshot of the instances of a service (or of every service).
 * @param out receives the snapshot; NULL on failure.
 * @param service_name the service; NULL or "" = every service.
 * @param filter nullable; NULL = every instance but tombstones.
 * @retval WKD_E_INVAL out or node is NULL, a NULL entry in filter->tags or
 *         filter->metadata, or a malformed filter->version_range (the
 *         message names the field and the position).
 * @retval WKD_E_CLOSED the node is closed.
 * @ownership free with wkd_instances_free().
 * @threadsafety Any thread; never blocks on the loop.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_instances(wkd_instances_t** out, wkd_node_t* node, const char* service_name,
                                      const wkd_instance_filter* filter, wkd_error* err);

/**
 * Takes a snapshot holding one instance, tombstone included.
 * @retval WKD_E_INVAL an argument is NULL.
 * @retval WKD_E_NOTFOUND this node holds no instance (service_name,
 *         instance_id); *out is NULL.
 * @retval WKD_E_CLOSED the node is closed.
 * @ownership free with wkd_instances_free().
 * @threadsafety Any thread; never blocks on the loop.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_instance(wkd_instances_t** out, wkd_node_t* node, const char* service_name,
                                     const char* instance_id, wkd_error* err);

/** Number of instances in a snapshot; 0 for NULL. @since 0.1 */
WKD_API size_t wkd_instances_count(const wkd_instances_t* instances);

/**
 * Reads instance i of a snapshot (ordered by service name, then instance id).
 * @param out sized struct; its pointers borrow from the snapshot.
 * @retval WKD_E_INVAL out or instances is NULL, or index out of range.
 * @threadsafety Any thread; a snapshot is immutable.
 * @since 0.1
 */
WKD_API wkd_status wkd_instances_at(wkd_instance_info* out, const wkd_instances_t* instances, size_t index,
                                    wkd_error* err);

/**
 * The version of the view a snapshot was taken from (the member list's,
 * see wkd_members_version); 0 for NULL.
 * @since 0.1
 */
WKD_API uint64_t wkd_instances_version(const wkd_instances_t* instances);

/** Releases an instance snapshot; NULL is allowed. @since 0.1 */
WKD_API void wkd_instances_free(wkd_instances_t* instances);

/**
 * Takes a snapshot of the names of the services that have at least one
 * instance that is not DEREGISTERED, sorted.
 * @retval WKD_E_INVAL out or node is NULL.
 * @retval WKD_E_CLOSED the node is closed.
 * @ownership free with wkd_service_names_free().
 * @threadsafety Any thread; never blocks on the loop.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_service_names(wkd_service_names_t** out, wkd_node_t* node, wkd_error* err);

/** Number of names in a snapshot; 0 for NULL. @since 0.1 */
WKD_API size_t wkd_service_names_count(const wkd_service_names_t* names);

/** Name i of a snapshot, borrowed from it; NULL when out of range. @since 0.1 */
WKD_API const char* wkd_service_names_at(const wkd_service_names_t* names, size_t index);

/** The version of the view a snapshot was taken from; 0 for NULL. @since 0.1 */
WKD_API uint64_t wkd_service_names_version(const wkd_service_names_t* names);

/** Releases a name snapshot; NULL is allowed. @since 0.1 */
WKD_API void wkd_service_names_free(wkd_service_names_t* names);

/** How many instances are in each status (sized output struct). */
typedef struct wkd_instance_counts {
  uint32_t struct_size;  /**< in: sizeof(wkd_instance_counts) */
  uint64_t version;      /**< the version of the view counted */
  uint32_t starting, healthy, unhealthy, draining, down, deregistered;
  uint32_t total;        /**< every status but DEREGISTERED */
  /* New fields are appended here only. */
} wkd_instance_counts;

#define WKD_INSTANCE_COUNTS_INIT {sizeof(wkd_instance_counts), 0, 0, 0, 0, 0, 0, 0, 0}

/**
 * Counts the instances of a service (or of every service) per status, in
 * the node's current view.
 * @param out sized struct; the library writes no further than struct_size.
 * @param service_name NULL or "" = every service.
 * @retval WKD_E_INVAL out or node is NULL, or out->struct_size too small.
 * @retval WKD_E_CLOSED the node is closed.
 * @threadsafety Any thread; never blocks on the loop.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_instance_counts(wkd_instance_counts* out, wkd_node_t* node, const char* service_name,
                                            wkd_error* err);

/** "STARTING", "HEALTHY", ...; "UNKNOWN" otherwise. @since 0.1 */
WKD_API const char* wkd_instance_status_name(wkd_instance_status status);

/** "passing", "warning", "critical"; "unknown" otherwise. @since 0.1 */
WKD_API const char* wkd_check_state_name(wkd_check_state state);

WKD_END_DECL

#endif /* WKD_INSTANCE_H */
