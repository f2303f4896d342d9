/*
 * shim.h - the C layer between the Go package and libwkd.
 *
 * Every libwkd function the binding uses appears once in WKDG_FUNCS. Each
 * entry yields a wrapper wkdg_NAME with the signature of wkd_NAME, and the
 * Go code calls only the wrappers. shim_linked.c defines them as direct
 * calls (the default build, linked with -lwkd); shim_dlopen.c defines them
 * as calls through a table filled by dlsym (build tag wkd_dlopen), so the
 * Go code is the same in both modes.
 */
#ifndef WKD_GO_SHIM_H
#define WKD_GO_SHIM_H

#include <stdlib.h>
#include <wkd.h>

/* X(return type, name without the wkd_ prefix, parameters, arguments);
 * XV(name, parameters, arguments) for functions returning void. */
#define WKDG_FUNCS(X, XV)                                                                             \
  X(uint32_t, version_number, (void), ())                                                             \
  X(const char*, version_string, (void), ())                                                          \
  X(const char*, status_name, (wkd_status s), (s))                                                    \
  X(const char*, status_str, (wkd_status s), (s))                                                     \
  X(wkd_status, constant_at, (wkd_constant_info * out, size_t i, wkd_error * err), (out, i, err))     \
  X(wkd_status, stats_describe, (wkd_stat_info * out, size_t i, wkd_error * err), (out, i, err))      \
  X(wkd_status, config_new, (wkd_config_t * *out, wkd_preset p, wkd_error * err), (out, p, err))      \
  XV(config_free, (wkd_config_t * cfg), (cfg))                                                        \
  X(wkd_status, config_set_int, (wkd_config_t * cfg, wkd_option o, int64_t v, wkd_error * err),       \
    (cfg, o, v, err))                                                                                 \
  X(wkd_status, config_set_str, (wkd_config_t * cfg, wkd_option o, const char* v, wkd_error* err),    \
    (cfg, o, v, err))                                                                                 \
  X(wkd_status, config_set_bool, (wkd_config_t * cfg, wkd_option o, bool v, wkd_error* err),          \
    (cfg, o, v, err))                                                                                 \
  X(wkd_status, config_get_int, (int64_t * out, const wkd_config_t* cfg, wkd_option o, wkd_error* err), \
    (out, cfg, o, err))                                                                               \
  X(wkd_status, config_get_str,                                                                       \
    (const char** out, const wkd_config_t* cfg, wkd_option o, wkd_error* err), (out, cfg, o, err))    \
  X(wkd_status, config_get_bool, (bool* out, const wkd_config_t* cfg, wkd_option o, wkd_error* err),  \
    (out, cfg, o, err))                                                                               \
  X(wkd_status, config_set_log,                                                                       \
    (wkd_config_t * cfg, wkd_log_level l, wkd_log_cb cb, void* ud, wkd_error* err),                   \
    (cfg, l, cb, ud, err))                                                                            \
  X(wkd_status, config_set_log_queue,                                                                 \
    (wkd_config_t * cfg, wkd_log_level l, wkd_log_queue_t* q, wkd_error* err), (cfg, l, q, err))      \
  X(wkd_status, log_queue_new, (wkd_log_queue_t * *out, size_t cap, wkd_error * err), (out, cap, err)) \
  X(wkd_status, log_queue_next, (wkd_log_entry * out, wkd_log_queue_t * q, int32_t t, wkd_error * err), \
    (out, q, t, err))                                                                                 \
  X(uint64_t, log_queue_dropped, (const wkd_log_queue_t* q), (q))                                     \
  XV(log_queue_close, (wkd_log_queue_t * q), (q))                                                     \
  XV(log_queue_free, (wkd_log_queue_t * q), (q))                                                      \
  X(wkd_status, option_lookup, (wkd_option * out, const char* name, wkd_error* err), (out, name, err)) \
  X(wkd_status, option_describe, (wkd_option_info * out, wkd_option o, wkd_error * err), (out, o, err)) \
  X(wkd_status, node_create, (wkd_node_t * *out, const wkd_config_t* cfg, wkd_error* err),            \
    (out, cfg, err))                                                                                  \
  X(wkd_status, node_start, (wkd_node_t * n, wkd_error * err), (n, err))                              \
  X(wkd_status, node_join,                                                                            \
    (int* joined, wkd_node_t* n, const char* const* seeds, size_t ns, int32_t t, wkd_error* err),     \
    (joined, n, seeds, ns, t, err))                                                                   \
  X(wkd_status, node_leave, (wkd_node_t * n, int32_t t, wkd_error * err), (n, t, err))                \
  XV(node_close, (wkd_node_t * n), (n))                                                               \
  XV(node_free, (wkd_node_t * n), (n))                                                                \
  X(const char*, node_name, (const wkd_node_t* n), (n))                                               \
  X(wkd_status, node_local_addr,                                                                      \
    (char* buf, size_t size, uint16_t* port, const wkd_node_t* n, wkd_error* err),                    \
    (buf, size, port, n, err))                                                                        \
  X(wkd_status, node_set_health, (wkd_node_t * n, wkd_health h, const char* why, wkd_error* err),     \
    (n, h, why, err))                                                                                 \
  X(wkd_status, node_fire_event,                                                                      \
    (wkd_node_t * n, const char* name, const uint8_t* p, size_t len, bool co, wkd_error* err),        \
    (n, name, p, len, co, err))                                                                       \
  X(wkd_status, node_stats, (wkd_stats * out, const wkd_node_t* n, wkd_error* err), (out, n, err))    \
  X(wkd_status, register, (wkd_node_t * n, const wkd_registration* reg, wkd_error* err),              \
    (n, reg, err))                                                                                    \
  X(wkd_status, node_members,                                                                         \
    (wkd_members_t * *out, wkd_node_t * n, const wkd_member_filter* f, wkd_error* err),               \
    (out, n, f, err))                                                                                 \
  X(size_t, members_count, (const wkd_members_t* ms), (ms))                                           \
  X(wkd_status, members_at, (wkd_member_info * out, const wkd_members_t* ms, size_t i, wkd_error* err), \
    (out, ms, i, err))                                                                                \
  X(wkd_status, members_find,                                                                         \
    (wkd_member_info * out, const wkd_members_t* ms, const char* name, wkd_error* err),               \
    (out, ms, name, err))                                                                             \
  XV(members_free, (wkd_members_t * ms), (ms))                                                        \
  X(const char*, member_state_name, (wkd_member_state s), (s))                                        \
  X(const char*, health_name, (wkd_health h), (h))                                                    \
  X(wkd_status, watch,                                                                                \
    (wkd_watch_t * *out, wkd_node_t * n, const wkd_watch_spec* spec, wkd_watch_cb cb, void* ud,       \
     wkd_error* err),                                                                                 \
    (out, n, spec, cb, ud, err))                                                                      \
  X(wkd_status, watch_next_event, (wkd_event_t * *out, wkd_watch_t * w, int32_t t, wkd_error * err),  \
    (out, w, t, err))                                                                                 \
  X(wkd_status, watch_fd, (int* fd, wkd_watch_t* w, wkd_error* err), (fd, w, err))                    \
  XV(watch_cancel, (wkd_watch_t * w), (w))                                                            \
  XV(watch_free, (wkd_watch_t * w), (w))                                                              \
  X(wkd_event_type, event_get_type, (const wkd_event_t* ev), (ev))                                    \
  X(wkd_status, event_member, (wkd_member_info * out, const wkd_event_t* ev, wkd_error* err),         \
    (out, ev, err))                                                                                   \
  X(wkd_status, event_user,                                                                           \
    (const char** name, const uint8_t** payload, size_t* len, uint64_t* ltime, const wkd_event_t* ev, \
     wkd_error* err),                                                                                 \
    (name, payload, len, ltime, ev, err))                                                             \
  X(const char*, event_type_name, (wkd_event_type t), (t))                                            \
  XV(event_free, (wkd_event_t * ev), (ev))                                                            \
  X(wkd_status, keyring_install, (wkd_node_t * n, const char* key, wkd_error* err), (n, key, err))    \
  X(wkd_status, keyring_use, (wkd_node_t * n, const char* key, wkd_error* err), (n, key, err))        \
  X(wkd_status, keyring_remove, (wkd_node_t * n, const char* key, wkd_error* err), (n, key, err))     \
  X(wkd_status, keyring_list, (wkd_key_list * *out, wkd_node_t * n, wkd_error * err), (out, n, err))  \
  XV(key_list_free, (wkd_key_list * l), (l))

#define WKDG_DECLARE_(ret, name, params, args) ret wkdg_##name params;
#define WKDG_DECLARE_VOID_(name, params, args) void wkdg_##name params;
WKDG_FUNCS(WKDG_DECLARE_, WKDG_DECLARE_VOID_)
#undef WKDG_DECLARE_
#undef WKDG_DECLARE_VOID_

/*
 * Loads libwkd from path (wkd_dlopen mode) and resolves every function.
 * Returns 0 on success; otherwise -1 with the reason (dlerror) in errbuf.
 * The library stays loaded for the life of the process. In the linked mode
 * it does nothing and returns 0. Not thread-safe: the Go side serialises it.
 */
int wkdg_load(const char* path, char* errbuf, size_t errbuf_size);

/* wkd_key_list.keys[i], for Go, which cannot index a C pointer array. */
static inline const char* wkdg_str_at(const char* const* a, size_t i) { return a[i]; }
static inline const wkd_kv* wkdg_kv_at(const wkd_kv* a, size_t i) { return &a[i]; }

#endif /* WKD_GO_SHIM_H */
