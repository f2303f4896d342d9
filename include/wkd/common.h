/*
 * wkd/common.h - portability macros shared by every public header.
 *
 * The public headers are C99. Nothing here is meant to be used directly
 * except WKD_API (the export attribute) and the opaque handle typedefs.
 */
#ifndef WKD_COMMON_H
#define WKD_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#  if defined(WKD_BUILDING_SHARED)
#    define WKD_API __declspec(dllexport)
#  elif defined(WKD_USING_SHARED)
#    define WKD_API __declspec(dllimport)
#  else
#    define WKD_API
#  endif
#elif defined(__GNUC__)
#  define WKD_API __attribute__((visibility("default")))
#else
#  define WKD_API
#endif

#ifdef __cplusplus
#  define WKD_BEGIN_DECL extern "C" {
#  define WKD_END_DECL }
#else
#  define WKD_BEGIN_DECL
#  define WKD_END_DECL
#endif

#if defined(WKD_NO_DEPRECATED_WARNINGS)
#  define WKD_DEPRECATED(msg)
#elif defined(__GNUC__)
#  define WKD_DEPRECATED(msg) __attribute__((deprecated(msg)))
#else
#  define WKD_DEPRECATED(msg)
#endif

/** A node: one cluster member, with its sockets and its loop. */
typedef struct wkd_node wkd_node_t;
/** A node configuration builder. */
typedef struct wkd_config wkd_config_t;
/** An immutable snapshot of the member list. */
typedef struct wkd_members wkd_members_t;
/** A watch registered with wkd_watch(). */
typedef struct wkd_watch_handle wkd_watch_t; /* tag differs from the function wkd_watch() */
/** One event pulled from a node's or a watch's event queue. */
typedef struct wkd_event wkd_event_t;
/** An immutable snapshot of service instances (wkd/instance.h). */
typedef struct wkd_instances wkd_instances_t;
/** An immutable snapshot of service names (wkd/instance.h). */
typedef struct wkd_service_names wkd_service_names_t;
/** One selected instance, held until released (wkd/select.h). */
typedef struct wkd_lease wkd_lease_t;

#endif /* WKD_COMMON_H */
