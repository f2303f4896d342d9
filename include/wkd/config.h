/*
 * wkd/config.h - node configuration.
 *
 * A wkd_config_t is a builder: start from a preset, set options by id, and
 * hand it to wkd_node_create(), which copies it (free the builder whenever
 * you like). Options are keyed by stable numeric ids and typed, so a new
 * option never changes a struct layout, and bindings can set any option by
 * its name through wkd_option_lookup():
 *
 *     wkd_config_t* cfg;
 *     wkd_config_new(&cfg, WKD_PRESET_LAN, NULL);
 *     wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, "db-1", NULL);
 *     wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, "127.0.0.1:7946", NULL);
 *     wkd_config_set_int(cfg, WKD_OPT_PROBE_INTERVAL_MS, 500, NULL);
 *
 * The presets reproduce HashiCorp memberlist's DefaultLANConfig,
 * DefaultWANConfig and DefaultLocalConfig, and Serf's defaults on top, so a
 * wkd node and a memberlist or serf node with the same preset agree on
 * timing. Setters validate the value against the option's bounds
 * (wkd_option_describe() tells them) and fail with WKD_E_INVAL naming the
 * option and the bounds.
 *
 * Thread safety: a wkd_config_t has a single owner; it is not thread-safe.
 */
#ifndef WKD_CONFIG_H
#define WKD_CONFIG_H

#include "wkd/common.h"
#include "wkd/status.h"

WKD_BEGIN_DECL

/*
 * XX(NAME, value): timing presets, memberlist's DefaultLANConfig,
 * DefaultWANConfig and DefaultLocalConfig. wkd_option_describe() and
 * wkd_config_get_*() on a fresh builder tell each preset's values.
 */
#define WKD_PRESET_MAP(XX) \
  XX(LAN, 0)               \
  XX(WAN, 1)               \
  XX(LOCAL, 2)

/** Timing presets (memberlist's). */
typedef enum wkd_preset {
#define WKD_PRESET_ENUM_(name, value) WKD_PRESET_##name = value,
  WKD_PRESET_MAP(WKD_PRESET_ENUM_)
#undef WKD_PRESET_ENUM_
} wkd_preset;

/** Value type of an option. */
typedef enum wkd_option_type {
  WKD_OPTION_INT = 0,  /**< int64_t, set with wkd_config_set_int */
  WKD_OPTION_STR = 1,  /**< UTF-8 string, set with wkd_config_set_str */
  WKD_OPTION_BOOL = 2  /**< bool, set with wkd_config_set_bool */
} wkd_option_type;

/*
 * XX(id, NAME, TYPE, since). The lower-case NAME is the option's name for
 * wkd_option_lookup() ("probe_interval_ms"). Ids are never reused; ids
 * >= 10000 are experimental and may change in any release.
 */
#define WKD_OPTION_MAP(XX)                                                            \
  /* identity and addresses */                                                        \
  XX(1, NODE_NAME, STR, "0.1")         /* unique in the cluster; default: host name */ \
  XX(2, BIND_ADDR, STR, "0.1")         /* "ip:port" for UDP and TCP; port 0 = any */  \
  XX(3, ADVERTISE_ADDR, STR, "0.1")    /* "ip:port" told to peers; default: bound */  \
  XX(4, LABEL, STR, "0.1")             /* cluster label header; "" = none */          \
  /* failure detection (SWIM + Lifeguard) */                                          \
  XX(100, PROBE_INTERVAL_MS, INT, "0.1")                                              \
  XX(101, PROBE_TIMEOUT_MS, INT, "0.1")                                               \
  XX(102, INDIRECT_CHECKS, INT, "0.1")                                                \
  XX(103, SUSPICION_MULT, INT, "0.1")                                                 \
  XX(104, SUSPICION_MAX_TIMEOUT_MULT, INT, "0.1")                                     \
  XX(105, AWARENESS_MAX_MULTIPLIER, INT, "0.1")                                       \
  XX(106, DISABLE_TCP_PINGS, BOOL, "0.1")                                             \
  XX(107, TCP_TIMEOUT_MS, INT, "0.1")                                                 \
  XX(108, VERIFY_BEFORE_DEAD, BOOL, "0.1") /* probe a suspect once more first */      \
  /* dissemination */                                                                 \
  XX(200, GOSSIP_INTERVAL_MS, INT, "0.1")                                             \
  XX(201, GOSSIP_NODES, INT, "0.1")                                                   \
  XX(202, GOSSIP_TO_THE_DEAD_MS, INT, "0.1")                                          \
  XX(203, RETRANSMIT_MULT, INT, "0.1")                                                \
  XX(204, PUSH_PULL_INTERVAL_MS, INT, "0.1")                                          \
  XX(205, UDP_BUFFER_SIZE, INT, "0.1")                                                \
  XX(206, ENABLE_COMPRESSION, BOOL, "0.1")                                            \
  XX(207, LEGACY_INT_ENCODING, BOOL, "0.1") /* go-msgpack 0.5 int forms (serf 0.9) */ \
  XX(208, JOIN_SYNC_DELAY_MS, INT, "0.1")   /* push/pull again after a join; 0 = off */ \
  /* serf layer */                                                                    \
  XX(300, RECONNECT_INTERVAL_MS, INT, "0.1")                                          \
  XX(301, RECONNECT_TIMEOUT_MS, INT, "0.1")                                           \
  XX(302, TOMBSTONE_TIMEOUT_MS, INT, "0.1")                                           \
  XX(303, USER_EVENT_SIZE_LIMIT, INT, "0.1")                                          \
  XX(304, LEAVE_PROPAGATE_DELAY_MS, INT, "0.1")                                       \
  /* security */                                                                      \
  XX(400, ENCRYPT_KEY, STR, "0.1")     /* base64 AES key (16, 24 or 32 bytes) */      \
  XX(401, GOSSIP_VERIFY_INCOMING, BOOL, "0.1")                                        \
  XX(402, GOSSIP_VERIFY_OUTGOING, BOOL, "0.1")                                        \
  /* delivery and testing */                                                          \
  XX(500, EVENT_QUEUE_CAPACITY, INT, "0.1") /* per pulled watch; overflow drops */    \
  XX(501, RNG_SEED, INT, "0.1")             /* 0 = seeded from the OS */            \
  /* service instances and their health checks */                                     \
  XX(600, SCRIPT_CHECKS, BOOL, "0.1") /* run script checks: they execute programs */   \
  /* node health and self-healing */                                                  \
  XX(610, NODE_HEALTH_FEED_INSTANCES, BOOL, "0.1") /* instances count in the tag */   \
  XX(611, NODE_HEALTH_HOLD_MS, INT, "0.1") /* ... once held this long */              \
  XX(612, HEAL_INTERVAL_MS, INT, "0.1") /* one action per instance per this */        \
  XX(613, HEAL_MAX_PER_MINUTE, INT, "0.1") /* actions per minute, all instances */   \
  /* placement (instance selection, wkd/select.h) */                                  \
  XX(620, REGION, STR, "0.1")               /* "" = unknown */                        \
  XX(621, ZONE, STR, "0.1")                 /* "" = unknown */

/** Option ids. */
typedef enum wkd_option {
#define WKD_OPTION_ENUM_(id, name, type, since) WKD_OPT_##name = id,
  WKD_OPTION_MAP(WKD_OPTION_ENUM_)
#undef WKD_OPTION_ENUM_
  WKD_OPT_LAST_ = 621
} wkd_option;

/** Description of one option (sized output struct). */
typedef struct wkd_option_info {
  uint32_t struct_size;      /**< in: sizeof(wkd_option_info) */
  wkd_option id;             /**< out */
  const char* name;          /**< out: "probe_interval_ms"; static storage */
  wkd_option_type type;      /**< out */
  int64_t min;               /**< out: inclusive bound (INT) */
  int64_t max;               /**< out: inclusive bound (INT) */
  const char* since;         /**< out: "0.1"; static storage */
  const char* description;   /**< out: one line of English; static storage */
} wkd_option_info;

#define WKD_OPTION_INFO_INIT {sizeof(wkd_option_info), (wkd_option)0, NULL, WKD_OPTION_INT, 0, 0, NULL, NULL}

/**
 * Creates a configuration builder holding a preset's values.
 * @param out receives the builder; set to NULL on failure.
 * @param preset WKD_PRESET_LAN, _WAN or _LOCAL.
 * @retval WKD_E_INVAL unknown preset.
 * @ownership free with wkd_config_free().
 * @since 0.1
 */
WKD_API wkd_status wkd_config_new(wkd_config_t** out, wkd_preset preset, wkd_error* err);

/**
 * Copies a builder.
 * @ownership free the copy with wkd_config_free().
 * @since 0.1
 */
WKD_API wkd_status wkd_config_clone(wkd_config_t** out, const wkd_config_t* cfg, wkd_error* err);

/** Releases a builder; NULL is allowed. @since 0.1 */
WKD_API void wkd_config_free(wkd_config_t* cfg);

/**
 * Sets an integer option.
 * @retval WKD_E_INVAL unknown option, not an INT option, or out of bounds.
 * @since 0.1
 */
WKD_API wkd_status wkd_config_set_int(wkd_config_t* cfg, wkd_option opt, int64_t value, wkd_error* err);

/**
 * Sets a string option (copied). NULL resets it to the preset's value.
 * @retval WKD_E_INVAL unknown option, not a STR option, or a malformed value
 *         (an address that is not "ip:port", a key that is not base64 of
 *         16, 24 or 32 bytes, ...).
 * @since 0.1
 */
WKD_API wkd_status wkd_config_set_str(wkd_config_t* cfg, wkd_option opt, const char* value, wkd_error* err);

/**
 * Sets a boolean option.
 * @retval WKD_E_INVAL unknown option or not a BOOL option.
 * @since 0.1
 */
WKD_API wkd_status wkd_config_set_bool(wkd_config_t* cfg, wkd_option opt, bool value, wkd_error* err);

/** Reads an integer option. @retval WKD_E_INVAL wrong option or type. @since 0.1 */
WKD_API wkd_status wkd_config_get_int(int64_t* out, const wkd_config_t* cfg, wkd_option opt, wkd_error* err);

/**
 * Reads a string option.
 * @param out receives a pointer borrowed from cfg, valid until the option
 *        is set again or cfg is freed; "" when unset.
 * @retval WKD_E_INVAL wrong option or type.
 * @since 0.1
 */
WKD_API wkd_status wkd_config_get_str(const char** out, const wkd_config_t* cfg, wkd_option opt, wkd_error* err);

/** Reads a boolean option. @retval WKD_E_INVAL wrong option or type. @since 0.1 */
WKD_API wkd_status wkd_config_get_bool(bool* out, const wkd_config_t* cfg, wkd_option opt, wkd_error* err);

/**
 * Finds an option by its lower-case name ("gossip_nodes").
 * @retval WKD_E_NOTFOUND no option has that name.
 * @since 0.1
 */
WKD_API wkd_status wkd_option_lookup(wkd_option* out, const char* name, wkd_error* err);

/**
 * Describes an option: name, type, bounds, version.
 * @param out sized struct; set out->struct_size first.
 * @retval WKD_E_INVAL unknown option.
 * @since 0.1
 */
WKD_API wkd_status wkd_option_describe(wkd_option_info* out, wkd_option opt, wkd_error* err);

WKD_END_DECL

#endif /* WKD_CONFIG_H */
