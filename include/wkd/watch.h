/*
 * wkd/watch.h - watches: being told of every change.
 *
 * A watch follows one slice of the cluster view (every member, one group,
 * user events, the instances of one service or of every service) and
 * reports each change as an event. Events reach you in one of two ways, chosen when the watch
 * is created:
 *
 *  - callback (cb != NULL), for C and C++: the callback runs on the node's
 *    loop thread, never concurrently with itself, with an event borrowed
 *    for the duration of the call. It must not block. It may call any
 *    non-blocking wkd function, and wkd_node_close() or wkd_watch_cancel().
 *
 *  - pulled queue (cb == NULL), for language bindings and event loops:
 *    events wait in a bounded queue; wkd_watch_next_event() takes one (with
 *    a timeout), and wkd_watch_fd() gives a descriptor that is readable
 *    while the queue is not empty, for poll(), epoll, asyncio, ... . When a
 *    slow consumer lets the queue fill up, the oldest events are dropped and
 *    one WKD_EVENT_OVERFLOW event says so: take a fresh snapshot then. The
 *    loop thread never waits for a consumer.
 *
 *     wkd_watch_spec spec = WKD_WATCH_SPEC_INIT;
 *     spec.kind = WKD_WATCH_GROUP;
 *     spec.name = "orders";
 *     spec.flags = WKD_WATCH_INITIAL;   // first, one JOINED per current member
 *     wkd_watch_t* w;
 *     wkd_watch(&w, node, &spec, on_change, ctx, &err);
 */
#ifndef WKD_WATCH_H
#define WKD_WATCH_H

#include "wkd/common.h"
#include "wkd/instance.h"
#include "wkd/member.h"
#include "wkd/status.h"

WKD_BEGIN_DECL

/* XX(NAME, value): what a watch follows. Values are never renumbered. */
#define WKD_WATCH_KIND_MAP(XX)                                                            \
  XX(MEMBERS, 0)         /* every member */                                               \
  XX(GROUP, 1)           /* members of the group spec.name */                             \
  XX(SERVICE, 2)         /* instances of the service spec.name (NULL or "" = every service) */ \
  XX(SERVICE_HEALTHY, 3) /* the same, changes where the instance is or was HEALTHY */    \
  XX(USER_EVENTS, 4)     /* user events; spec.name filters by event name (NULL = all) */

/** What a watch follows. */
typedef enum wkd_watch_kind {
#define WKD_WATCH_KIND_ENUM_(name, value) WKD_WATCH_##name = value,
  WKD_WATCH_KIND_MAP(WKD_WATCH_KIND_ENUM_)
#undef WKD_WATCH_KIND_ENUM_
} wkd_watch_kind;

/** Watch flags. */
/**
 * Start with a snapshot: a MEMBER_JOINED event for every current member
 * (MEMBERS, GROUP), an INSTANCE_REGISTERED event for every instance that is
 * not DEREGISTERED (SERVICE, SERVICE_HEALTHY: those the watch takes).
 */
#define WKD_WATCH_INITIAL 0x1u

/** What to watch (sized input struct). */
typedef struct wkd_watch_spec {
  uint32_t struct_size;  /**< sizeof(wkd_watch_spec) */
  wkd_watch_kind kind;
  const char* name;      /**< group, service or event name, per kind */
  uint32_t flags;        /**< OR of WKD_WATCH_* flags */
  uint32_t queue_capacity; /**< pulled queue bound; 0 = the node's EVENT_QUEUE_CAPACITY */
  /* New fields are appended here only. */
} wkd_watch_spec;

#define WKD_WATCH_SPEC_INIT {sizeof(wkd_watch_spec), WKD_WATCH_MEMBERS, NULL, 0u, 0u}

/*
 * XX(NAME, value, name text): the kind of an event. Values are never
 * renumbered; wkd_event_type_name() returns the text.
 */
#define WKD_EVENT_TYPE_MAP(XX)                                                                \
  XX(MEMBER_JOINED, 0, "member-joined")   /* a member appeared or came back alive */          \
  XX(MEMBER_UPDATED, 1, "member-updated") /* its identity, tags or health changed */          \
  XX(MEMBER_SUSPECT, 2, "member-suspect") /* it missed probes */                              \
  XX(MEMBER_FAILED, 3, "member-failed")   /* declared failed */                               \
  XX(MEMBER_LEFT, 4, "member-left")       /* left gracefully */                               \
  XX(MEMBER_REAPED, 5, "member-reaped")   /* forgotten after the reconnect or tombstone timeout */ \
  XX(USER, 6, "user")                     /* a user event (wkd_node_fire_event, serf event) */ \
  XX(OVERFLOW, 7, "overflow")             /* the pulled queue dropped events; resynchronise */ \
  XX(INSTANCE_REGISTERED, 8, "instance-registered")     /* an instance new to this node */        \
  XX(INSTANCE_UPDATED, 9, "instance-updated")           /* its registrant changed its fields */   \
  XX(INSTANCE_STATUS, 10, "instance-status")            /* its status or check state moved */     \
  XX(INSTANCE_DEREGISTERED, 11, "instance-deregistered") /* it became a tombstone */              \
  XX(INSTANCE_REMOVED, 12, "instance-removed")          /* dropped: its owner failed long ago or was reaped */ \
  XX(INSTANCE_MOVED, 13, "instance-moved")              /* another node registered it and owns it now */

/** Kind of an event. */
typedef enum wkd_event_type {
#define WKD_EVENT_TYPE_ENUM_(name, value, text) WKD_EVENT_##name = value,
  WKD_EVENT_TYPE_MAP(WKD_EVENT_TYPE_ENUM_)
#undef WKD_EVENT_TYPE_ENUM_
} wkd_event_type;

/** Callback of a callback watch; ev is borrowed for the call only. */
typedef void (*wkd_watch_cb)(const wkd_event_t* ev, void* user_data);

/**
 * Starts a watch.
 * @param out receives the watch; NULL on failure.
 * @param spec what to watch; copied.
 * @param cb nullable: NULL selects the pulled queue.
 * @retval WKD_E_INVAL malformed spec (a GROUP watch without a name, ...).
 * @retval WKD_E_NOTSUP SERVICE and SERVICE_HEALTHY on a node that runs
 *         without the registry.
 * @retval WKD_E_CLOSED the node is closed.
 * @ownership cancel with wkd_watch_cancel(), then release with wkd_watch_free().
 * @threadsafety Any thread, including a watch callback.
 * @since 0.1
 */
WKD_API wkd_status wkd_watch(wkd_watch_t** out, wkd_node_t* node, const wkd_watch_spec* spec, wkd_watch_cb cb,
                             void* user_data, wkd_error* err);

/**
 * Takes the next event of a pulled watch.
 * @param timeout_ms 0 = do not wait, -1 = wait forever.
 * @retval WKD_E_TIMEOUT no event within the timeout.
 * @retval WKD_E_CANCELED the watch was cancelled or its node closed, and the
 *         queue is empty.
 * @retval WKD_E_STATE a callback watch.
 * @retval WKD_E_LOOPTHREAD called with a wait on the node's loop thread.
 * @ownership free the event with wkd_event_free().
 * @threadsafety Any thread; one consumer at a time.
 * @since 0.1
 */
WKD_API wkd_status wkd_watch_next_event(wkd_event_t** out, wkd_watch_t* watch, int32_t timeout_ms, wkd_error* err);

/**
 * A descriptor readable while the pulled queue holds events (level
 * triggered). Do not read from or close it.
 * @retval WKD_E_STATE a callback watch.
 * @since 0.1
 */
WKD_API wkd_status wkd_watch_fd(int* fd_out, wkd_watch_t* watch, wkd_error* err);

/**
 * Stops a watch: no callback starts after it returns (except when called
 * from that watch's own callback, which finishes), and a blocked
 * wkd_watch_next_event() wakes up. Idempotent.
 * @threadsafety Any thread, including a watch callback.
 * @since 0.1
 */
WKD_API void wkd_watch_cancel(wkd_watch_t* watch);

/** Cancels if needed and releases a watch; NULL is allowed. Must be the last call on it. @since 0.1 */
WKD_API void wkd_watch_free(wkd_watch_t* watch);

/** Kind of an event. @since 0.1 */
WKD_API wkd_event_type wkd_event_get_type(const wkd_event_t* ev);

/**
 * The member a MEMBER_* event is about, as it is after the change.
 * @param out sized struct; pointers borrow from the event.
 * @retval WKD_E_STATE not a member event.
 * @since 0.1
 */
WKD_API wkd_status wkd_event_member(wkd_member_info* out, const wkd_event_t* ev, wkd_error* err);

/**
 * The instance an INSTANCE_* event is about, as it is after the change (as
 * it was, for INSTANCE_REMOVED). A burst of changes to one instance within
 * one published view reaches a watch as one event, with the last change's
 * type. owner_known and owner_state are read from the node's view when the
 * event was handed out (the callback ran, or wkd_watch_next_event returned
 * it), which may be newer than the event.
 * @param out sized struct; pointers borrow from the event.
 * @retval WKD_E_STATE not an instance event.
 * @since 0.1
 */
WKD_API wkd_status wkd_event_instance(wkd_instance_info* out, const wkd_event_t* ev, wkd_error* err);

/**
 * The instance an INSTANCE_* event is about, as this node held it before
 * the change.
 * @param out sized struct; pointers borrow from the event.
 * @retval WKD_E_NOTFOUND the instance was new to this node (or the event
 *         belongs to a WKD_WATCH_INITIAL snapshot).
 * @retval WKD_E_STATE not an instance event.
 * @since 0.1
 */
WKD_API wkd_status wkd_event_instance_previous(wkd_instance_info* out, const wkd_event_t* ev, wkd_error* err);

/**
 * The name, payload and Lamport time of a USER event.
 * @param name_out nullable; borrowed from the event.
 * @param payload_out nullable; borrowed from the event.
 * @param len_out nullable.
 * @param ltime_out nullable.
 * @retval WKD_E_STATE not a user event.
 * @since 0.1
 */
WKD_API wkd_status wkd_event_user(const char** name_out, const uint8_t** payload_out, size_t* len_out,
                                  uint64_t* ltime_out, const wkd_event_t* ev, wkd_error* err);

/**
 * The version of the view an event belongs to (see wkd_members_version): a
 * member or instance event's change is in that view and in no older one; a user event
 * arrived after every change of that view; an overflow event carries the
 * version of the event that overflowed the queue. Events of one watch come
 * in the order they happened, so their versions never decrease. 0 for NULL.
 * @since 0.1
 */
WKD_API uint64_t wkd_event_version(const wkd_event_t* ev);

/** "member-joined", "member-failed", "user", ... . @since 0.1 */
WKD_API const char* wkd_event_type_name(wkd_event_type type);

/** Releases a pulled event; NULL is allowed. Never free a callback's event. @since 0.1 */
WKD_API void wkd_event_free(wkd_event_t* ev);

WKD_END_DECL

#endif /* WKD_WATCH_H */
