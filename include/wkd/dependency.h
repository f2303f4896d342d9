/*
 * wkd/dependency.h - dependencies between services: declared, removed,
 * read with their health, and the whole dependency graph.
 *
 * A dependency says that one service (service_name) needs another
 * (depends_on), keyed by that pair. It is a record of the registry like an
 * instance: owned by the node that declared it, replicated to every wkd
 * node, tombstoned on removal, shown and dropped with a failed owner as
 * instances are. Every node judges it from the instances it holds:
 *
 *   healthy   depends_on has a HEALTHY instance whose version lies within
 *             [min_version, max_version] (both inclusive, semver, each
 *             optional; with a bound, instances without a valid version
 *             do not count);
 *   blocking  not healthy and required: the dependent service is DOWN
 *             (wkd/aggregate.h).
 *
 *     wkd_dependency d = WKD_DEPENDENCY_INIT;
 *     d.service_name = "orders";
 *     d.depends_on = "billing";
 *     d.min_version = "2.0.0";
 *     wkd_node_declare_dependency(node, &d, &err);
 *     ...
 *     wkd_dependencies_t* deps;
 *     wkd_node_dependencies(&deps, node, "orders", &err);
 *     for (size_t i = 0; i < wkd_dependencies_count(deps); i++) {
 *         wkd_dependency_info in = WKD_DEPENDENCY_INFO_INIT;
 *         wkd_dependencies_at(&in, deps, i, NULL);
 *         printf("%s -> %s: %s\n", in.service_name, in.depends_on, in.healthy ? "healthy" : in.reason);
 *     }
 *     wkd_dependencies_free(deps);
 *
 * Declaring. The same terms again are a no-op (declared on another node,
 * the record moves here, as an instance does). Other terms for a pair that
 * is declared (and neither removed nor DOWN with a failed owner) are a
 * duplicate: WKD_E_EXISTS, naming the node that holds it; remove it first.
 * Two nodes declaring one pair at the same moment with different terms
 * both succeed and the later, by the registry's Lamport clock, wins on
 * every node.
 *
 * Threading. Declaring and removing run on the node's loop: from another
 * thread they wait for it (up to 30 s, then WKD_E_TIMEOUT), from a watch
 * callback they run inline; the node's own snapshots show the change from
 * the next published view, within milliseconds. Snapshots and health read
 * an immutable view: any thread, never blocking on the loop. A node with
 * the registry turned off returns WKD_E_NOTSUP from declare and remove.
 *
 * Ownership. Snapshots are the caller's, freed with their _free call; the
 * strings a wkd_dependency_info or a wkd_dependency_edge points at stay
 * valid until the snapshot they came from is freed.
 */
#ifndef WKD_DEPENDENCY_H
#define WKD_DEPENDENCY_H

#include "wkd/aggregate.h"
#include "wkd/common.h"
#include "wkd/instance.h"
#include "wkd/status.h"

WKD_BEGIN_DECL

/*
 * XX(NAME, value, name text): the kind of a dependency. Values are never
 * renumbered nor reused; wkd_dependency_type_name() returns the text.
 */
#define WKD_DEPENDENCY_TYPE_MAP(XX)                                 \
  XX(RUNTIME, 0, "RUNTIME")   /* needed while it runs (the default) */ \
  XX(BUILD, 1, "BUILD")       /* needed to build it */              \
  XX(OPTIONAL, 2, "OPTIONAL") /* used when present */               \
  XX(DEV, 3, "DEV")           /* needed in development only */

/** The kind of a dependency. */
typedef enum wkd_dependency_type {
#define WKD_DEPENDENCY_TYPE_ENUM_(name, value, text) WKD_DEPENDENCY_##name = value,
  WKD_DEPENDENCY_TYPE_MAP(WKD_DEPENDENCY_TYPE_ENUM_)
#undef WKD_DEPENDENCY_TYPE_ENUM_
} wkd_dependency_type;

/** The default of wkd_dependency.timeout_ms. */
#define WKD_DEPENDENCY_DEFAULT_TIMEOUT_MS 5000
/** The largest wkd_dependency.timeout_ms (10 minutes). */
#define WKD_DEPENDENCY_MAX_TIMEOUT_MS 600000

/** An immutable snapshot of dependencies, each judged. */
typedef struct wkd_dependencies wkd_dependencies_t;
/** An immutable snapshot of the dependency graph. */
typedef struct wkd_dependency_graph wkd_dependency_graph_t;

/**
 * The terms of a dependency (sized input struct: the library reads only
 * struct_size bytes of it; fields past it keep the defaults of
 * WKD_DEPENDENCY_INIT). Pointers are borrowed for the duration of the call.
 */
typedef struct wkd_dependency {
  uint32_t struct_size;             /**< sizeof(wkd_dependency) */
  const char* service_name;         /**< the dependent service (a valid service name) */
  const char* depends_on;           /**< the service it needs; not service_name */
  wkd_dependency_type type;         /**< WKD_DEPENDENCY_RUNTIME unless given */
  bool required;                    /**< true unless given: unhealthy, it blocks service_name */
  const char* min_version;          /**< semver, inclusive; NULL or "" = no lower bound */
  const char* max_version;          /**< semver, inclusive; NULL or "" = no upper bound */
  const char* health_check_endpoint; /**< an http(s) URL or an absolute path ("/ready"); NULL or "" = none */
  int32_t timeout_ms;               /**< 1 - WKD_DEPENDENCY_MAX_TIMEOUT_MS; WKD_DEPENDENCY_DEFAULT_TIMEOUT_MS unless given */
  /* New fields are appended here only. */
} wkd_dependency;

#define WKD_DEPENDENCY_INIT \
  {sizeof(wkd_dependency), NULL, NULL, WKD_DEPENDENCY_RUNTIME, true, NULL, NULL, NULL, WKD_DEPENDENCY_DEFAULT_TIMEOUT_MS}

/**
 * Sets `dep` to WKD_DEPENDENCY_INIT, for languages without C
 * initialisers: the first struct_size bytes (at most sizeof(wkd_dependency)).
 * @param dep NULL is ignored. @threadsafety Any thread. @since 0.1
 */
WKD_API void wkd_dependency_init(wkd_dependency* dep, size_t struct_size);

/**
 * Declares that dep->service_name depends on dep->depends_on, owned by
 * this node and replicated to every wkd node.
 * @retval WKD_E_INVAL node or dep is NULL, dep->struct_size too small, or
 *         a field refused (the message names it: "depends_on: ...",
 *         "min_version: ...", "timeout_ms: ...").
 * @retval WKD_E_TOOBIG health_check_endpoint is over 2048 bytes.
 * @retval WKD_E_EXISTS the pair is declared already with other terms (the
 *         message names the node holding it).
 * @retval WKD_E_STATE the node is not started.
 * @retval WKD_E_NOTSUP the registry is off on this node.
 * @retval WKD_E_CLOSED, WKD_E_TIMEOUT as every loop call.
 * @threadsafety Any thread; see Threading above.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_declare_dependency(wkd_node_t* node, const wkd_dependency* dep, wkd_error* err);

/**
 * Removes a dependency this node declared: a tombstone, replicated. Removing
 * one already removed changes nothing.
 * @retval WKD_E_INVAL an argument is NULL.
 * @retval WKD_E_NOTFOUND no such dependency is declared.
 * @retval WKD_E_STATE another node declared it (the message names it), or
 *         the node is not started.
 * @threadsafety Any thread; see Threading above.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_remove_dependency(wkd_node_t* node, const char* service_name, const char* depends_on,
                                              wkd_error* err);

/**
 * One dependency, judged, borrowed from a snapshot (sized output struct:
 * set struct_size; the library writes no further). Optional strings left
 * out are "".
 */
typedef struct wkd_dependency_info {
  uint32_t struct_size;              /**< in: sizeof(wkd_dependency_info) */
  /* Its terms (wkd_dependency). */
  const char* service_name;
  const char* depends_on;
  wkd_dependency_type type;
  bool required;
  const char* min_version;
  const char* max_version;
  const char* health_check_endpoint;
  int32_t timeout_ms;
  /* The record. */
  wkd_instance_status status;        /**< STARTING while declared; DOWN when its owner failed */
  const char* owner;                 /**< the node that declared it */
  const char* uuid;                  /**< the registry's id for the record, 36 characters */
  int64_t declared_unix_ms;
  int64_t updated_unix_ms;
  /* Its health, judged from the same view. */
  bool healthy;
  bool blocking;                     /**< !healthy && required */
  uint32_t instances;                /**< instances of depends_on (tombstones left out) */
  uint32_t healthy_instances;        /**< of them HEALTHY */
  uint32_t matching_instances;       /**< HEALTHY and within the version bounds */
  const char* reason;                /**< why not healthy; "" when healthy */
  /* New fields are appended here only. */
} wkd_dependency_info;

#define WKD_DEPENDENCY_INFO_INIT                                                                              \
  {sizeof(wkd_dependency_info), NULL, NULL, WKD_DEPENDENCY_RUNTIME, false, NULL, NULL, NULL, 0,                \
   WKD_INSTANCE_STARTING, NULL, NULL, 0, 0, false, false, 0, 0, 0, NULL}

/**
 * Takes a snapshot of what a service depends on (or of every dependency),
 * each judged from the same view.
 * @param service_name NULL or "" = every declared dependency.
 * @retval WKD_E_INVAL out or node is NULL.
 * @retval WKD_E_CLOSED the node is closed.
 * @ownership free with wkd_dependencies_free().
 * @threadsafety Any thread; never blocks on the loop.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_dependencies(wkd_dependencies_t** out, wkd_node_t* node, const char* service_name,
                                         wkd_error* err);

/**
 * Takes a snapshot of the dependencies on a service (those whose
 * depends_on is service_name), each judged.
 * @retval WKD_E_INVAL out or node is NULL, or service_name NULL or "".
 * @retval WKD_E_CLOSED the node is closed.
 * @ownership free with wkd_dependencies_free().
 * @threadsafety Any thread; never blocks on the loop.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_dependents(wkd_dependencies_t** out, wkd_node_t* node, const char* service_name,
                                       wkd_error* err);

/** Number of dependencies in a snapshot; 0 for NULL. @since 0.1 */
WKD_API size_t wkd_dependencies_count(const wkd_dependencies_t* deps);

/**
 * Reads dependency i of a snapshot (ordered by service_name, then
 * depends_on).
 * @param out sized struct; its pointers borrow from the snapshot.
 * @retval WKD_E_INVAL out or deps is NULL, or index out of range.
 * @threadsafety Any thread; a snapshot is immutable.
 * @since 0.1
 */
WKD_API wkd_status wkd_dependencies_at(wkd_dependency_info* out, const wkd_dependencies_t* deps, size_t index,
                                       wkd_error* err);

/** The version of the view a snapshot was taken from; 0 for NULL. @since 0.1 */
WKD_API uint64_t wkd_dependencies_version(const wkd_dependencies_t* deps);

/** Releases a dependency snapshot; NULL is allowed. @since 0.1 */
WKD_API void wkd_dependencies_free(wkd_dependencies_t* deps);

/** The health of a service's dependencies, all together (sized output struct). */
typedef struct wkd_dependency_health {
  uint32_t struct_size;          /**< in: sizeof(wkd_dependency_health) */
  uint64_t version;              /**< the version of the view judged */
  bool healthy;                  /**< every required dependency is healthy (true with none) */
  uint32_t dependencies;
  uint32_t healthy_dependencies;
  uint32_t blocking_dependencies; /**< required and unhealthy */
  /* New fields are appended here only. */
} wkd_dependency_health;

#define WKD_DEPENDENCY_HEALTH_INIT {sizeof(wkd_dependency_health), 0, false, 0, 0, 0}

/**
 * Whether every required dependency of a service is healthy, with the
 * counts; wkd_node_dependencies gives each one's judged state. A service
 * with no dependency is healthy here.
 * @retval WKD_E_INVAL out or node is NULL, out->struct_size too small, or
 *         service_name NULL or "".
 * @retval WKD_E_CLOSED the node is closed.
 * @threadsafety Any thread; never blocks on the loop.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_dependency_health(wkd_dependency_health* out, wkd_node_t* node, const char* service_name,
                                              wkd_error* err);

/** One edge of the graph: a dependency (sized output struct). */
typedef struct wkd_dependency_edge {
  uint32_t struct_size;      /**< in: sizeof(wkd_dependency_edge) */
  size_t from;               /**< index of service_name among the graph's services */
  size_t to;                 /**< index of depends_on */
  const char* service_name;  /**< borrowed from the graph */
  const char* depends_on;
  wkd_dependency_type type;
  bool required;
  bool healthy;              /**< judged as wkd_dependency_info.healthy */
  /* New fields are appended here only. */
} wkd_dependency_edge;

#define WKD_DEPENDENCY_EDGE_INIT \
  {sizeof(wkd_dependency_edge), 0, 0, NULL, NULL, WKD_DEPENDENCY_RUNTIME, false, false}

/**
 * Takes a snapshot of the dependency graph: its services are every service
 * named by an instance (not DEREGISTERED) or by either end of a
 * dependency, sorted; its edges are the declared dependencies, ordered by
 * (service_name, depends_on), each judged.
 * @retval WKD_E_INVAL out or node is NULL.
 * @retval WKD_E_CLOSED the node is closed.
 * @ownership free with wkd_dependency_graph_free().
 * @threadsafety Any thread; never blocks on the loop.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_dependency_graph(wkd_dependency_graph_t** out, wkd_node_t* node, wkd_error* err);

/** Number of services (nodes) of a graph; 0 for NULL. @since 0.1 */
WKD_API size_t wkd_dependency_graph_service_count(const wkd_dependency_graph_t* graph);

/** Service i of a graph, borrowed from it; NULL when out of range. @since 0.1 */
WKD_API const char* wkd_dependency_graph_service_at(const wkd_dependency_graph_t* graph, size_t index);

/** Number of edges of a graph; 0 for NULL. @since 0.1 */
WKD_API size_t wkd_dependency_graph_edge_count(const wkd_dependency_graph_t* graph);

/**
 * Reads edge i of a graph.
 * @retval WKD_E_INVAL out or graph is NULL, or index out of range.
 * @threadsafety Any thread; a snapshot is immutable.
 * @since 0.1
 */
WKD_API wkd_status wkd_dependency_graph_edge_at(wkd_dependency_edge* out, const wkd_dependency_graph_t* graph,
                                                size_t index, wkd_error* err);

/** The version of the view a graph was taken from; 0 for NULL. @since 0.1 */
WKD_API uint64_t wkd_dependency_graph_version(const wkd_dependency_graph_t* graph);

/** Releases a graph; NULL is allowed. @since 0.1 */
WKD_API void wkd_dependency_graph_free(wkd_dependency_graph_t* graph);

/** "RUNTIME", "BUILD", "OPTIONAL", "DEV"; "UNKNOWN" otherwise. @since 0.1 */
WKD_API const char* wkd_dependency_type_name(wkd_dependency_type type);

WKD_END_DECL

#endif /* WKD_DEPENDENCY_H */
