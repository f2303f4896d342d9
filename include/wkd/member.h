/*
 * wkd/member.h - the member list, as immutable snapshots.
 *
 * Every node holds the whole cluster view locally. wkd_node_members()
 * returns a snapshot of it: no network round trip, no lock held while you
 * read. Strings inside a snapshot stay valid until wkd_members_free().
 *
 *     wkd_members_t* ms;
 *     wkd_member_filter f = WKD_MEMBER_FILTER_INIT;
 *     f.group = "orders";
 *     f.states = WKD_STATE_MASK(WKD_MEMBER_ALIVE);
 *     wkd_node_members(&ms, node, &f, &err);
 *     for (size_t i = 0; i < wkd_members_count(ms); i++) {
 *         wkd_member_info m = WKD_MEMBER_INFO_INIT;
 *         wkd_members_at(&m, ms, i, NULL);
 *         printf("%s %s:%u %s\n", m.name, m.address, m.port, m.endpoint);
 *     }
 *     wkd_members_free(ms);
 */
#ifndef WKD_MEMBER_H
#define WKD_MEMBER_H

#include "wkd/common.h"
#include "wkd/registration.h"
#include "wkd/status.h"

WKD_BEGIN_DECL

/*
 * XX(NAME, value, name text). Values are never renumbered nor reused;
 * wkd_member_state_name() returns the text.
 */
#define WKD_MEMBER_STATE_MAP(XX)                                        \
  XX(ALIVE, 0, "alive")     /* answering probes */                      \
  XX(SUSPECT, 1, "suspect") /* missed probes; may still refute */       \
  XX(FAILED, 2, "failed")   /* declared dead without leaving */         \
  XX(LEFT, 3, "left")       /* left gracefully */                       \
  XX(LEAVING, 4, "leaving") /* announced its leave; still reachable */

/** Membership state of a member, as Serf shows it. */
typedef enum wkd_member_state {
#define WKD_MEMBER_STATE_ENUM_(name, value, text) WKD_MEMBER_##name = value,
  WKD_MEMBER_STATE_MAP(WKD_MEMBER_STATE_ENUM_)
#undef WKD_MEMBER_STATE_ENUM_
} wkd_member_state;

/** Bit for a state in wkd_member_filter.states. */
#define WKD_STATE_MASK(state) (1u << (unsigned)(state))

/*
 * XX(NAME, value, name text): a node's own health, as its application
 * reports it (tag "health"); wkd_health_name() returns the text.
 */
#define WKD_HEALTH_MAP(XX)                \
  XX(PASSING, 0, "passing")               \
  XX(WARNING, 1, "warning")               \
  XX(CRITICAL, 2, "critical")             \
  XX(UNKNOWN, 3, "unknown") /* the member advertises no health (non-wkd peer) */

/** A node's own health, as its application reports it (tag "health"). */
typedef enum wkd_health {
#define WKD_HEALTH_ENUM_(name, value, text) WKD_HEALTH_##name = value,
  WKD_HEALTH_MAP(WKD_HEALTH_ENUM_)
#undef WKD_HEALTH_ENUM_
} wkd_health;

/**
 * One member, borrowed from a snapshot or an event (sized output struct:
 * set struct_size; the library writes no further).
 */
typedef struct wkd_member_info {
  uint32_t struct_size;             /**< in: sizeof(wkd_member_info) */
  const char* name;                 /**< unique node name */
  const char* address;              /**< IP address as text */
  uint16_t port;                    /**< gossip port */
  wkd_member_state state;
  uint32_t incarnation;             /**< SWIM incarnation number */
  const wkd_kv* tags;               /**< every tag, reserved ones included */
  size_t n_tags;
  const char* const* groups;
  size_t n_groups;
  const char* database_type;        /**< "" when not advertised */
  const char* wire_protocol;        /**< "" when not advertised */
  const char* endpoint;             /**< "" when not advertised */
  const char* const* capabilities;
  size_t n_capabilities;
  wkd_health health;
  int64_t last_seen_unix_ms;        /**< latest direct evidence of life; 0 = never */
  const char* wkd_version;          /**< "" for serf/memberlist peers */
  uint8_t protocol_min, protocol_max, protocol_cur; /**< memberlist protocol (Vsn) */
  uint8_t delegate_min, delegate_max, delegate_cur; /**< serf protocol (Vsn) */
  /* New fields are appended here only. */
} wkd_member_info;

#define WKD_MEMBER_INFO_INIT                                                                        \
  {sizeof(wkd_member_info), NULL, NULL, 0, WKD_MEMBER_ALIVE, 0, NULL, 0, NULL, 0, NULL, NULL, NULL, \
   NULL, 0, WKD_HEALTH_UNKNOWN, 0, NULL, 0, 0, 0, 0, 0, 0}

/** Which members a snapshot holds. Empty fields match everything. */
typedef struct wkd_member_filter {
  uint32_t struct_size;        /**< sizeof(wkd_member_filter) */
  uint32_t states;             /**< OR of WKD_STATE_MASK(); 0 = every state */
  const char* group;           /**< member of this group */
  const char* database_type;   /**< exact match */
  const char* wire_protocol;   /**< exact match */
  const char* tag_key;         /**< has this tag ... */
  const char* tag_value;       /**< ... with this value (NULL = any value) */
  /* New fields are appended here only. */
} wkd_member_filter;

#define WKD_MEMBER_FILTER_INIT {sizeof(wkd_member_filter), 0, NULL, NULL, NULL, NULL, NULL}

/**
 * Takes a snapshot of the member list, the local node included.
 * @param out receives the snapshot; NULL on failure.
 * @param filter nullable; NULL = every member.
 * @retval WKD_E_CLOSED the node is closed.
 * @ownership free with wkd_members_free().
 * @threadsafety Any thread; never blocks on the loop.
 * @since 0.1
 */
WKD_API wkd_status wkd_node_members(wkd_members_t** out, wkd_node_t* node, const wkd_member_filter* filter,
                                    wkd_error* err);

/** Number of members in a snapshot; 0 for NULL. @since 0.1 */
WKD_API size_t wkd_members_count(const wkd_members_t* members);

/**
 * Reads member i of a snapshot (ordered by name).
 * @param out sized struct; its pointers borrow from the snapshot.
 * @retval WKD_E_INVAL index out of range.
 * @since 0.1
 */
WKD_API wkd_status wkd_members_at(wkd_member_info* out, const wkd_members_t* members, size_t index,
                                  wkd_error* err);

/**
 * Finds a member of a snapshot by name.
 * @retval WKD_E_NOTFOUND no member of that name in the snapshot.
 * @since 0.1
 */
WKD_API wkd_status wkd_members_find(wkd_member_info* out, const wkd_members_t* members, const char* name,
                                    wkd_error* err);

/** Releases a snapshot; NULL is allowed. @since 0.1 */
WKD_API void wkd_members_free(wkd_members_t* members);

/**
 * The version of the view a snapshot was taken from; 0 for NULL.
 *
 * Versions only grow, across restarts of the node too: each view takes the
 * larger of the previous version + 1 and the wall-clock milliseconds when
 * it was published, starting from the node's start time. Every event
 * carries the version of the view it belongs to (wkd_event_version), so a
 * consumer that resynchronises from a snapshot after WKD_EVENT_OVERFLOW
 * skips the queued events whose version is not above the snapshot's.
 * @threadsafety Any thread.
 * @since 0.1
 */
WKD_API uint64_t wkd_members_version(const wkd_members_t* members);

/** "alive", "suspect", "failed", "left", "leaving"; "unknown" otherwise. @since 0.1 */
WKD_API const char* wkd_member_state_name(wkd_member_state state);

/** "passing", "warning", "critical", "unknown". @since 0.1 */
WKD_API const char* wkd_health_name(wkd_health health);

WKD_END_DECL

#endif /* WKD_MEMBER_H */
