/*
 * wkd/constants.h - every named constant of the C ABI, as a table.
 *
 * Language bindings restate the enums of these headers in their own
 * language (exceptions per status, enum classes, ...). The table below,
 * generated inside the library from the same X-macro lists that define the
 * enums (WKD_STATUS_MAP, WKD_EVENT_TYPE_MAP, ...), lets each binding read
 * the values from the library it loaded, and lets its tests fail when a
 * value it states drifts from the library's:
 *
 *     wkd_constant_info c = WKD_CONSTANT_INFO_INIT;
 *     for (size_t i = 0; wkd_constant_at(&c, i, NULL) == WKD_OK; i++)
 *         printf("%s %s = %lld (%s)\n", c.group, c.name, (long long)c.value, c.text);
 *
 * Groups are the C type names: "wkd_status", "wkd_member_state",
 * "wkd_health", "wkd_watch_kind", "wkd_event_type", "wkd_preset",
 * "wkd_option_type", "wkd_option", "wkd_log_level", "wkd_instance_status",
 * "wkd_check_state", "wkd_check_kind", "wkd_aggregate_status",
 * "wkd_dependency_type", "wkd_select_strategy" and "wkd_call_outcome"
 * (wkd/select.h), "wkd_watch_flags" for the WKD_WATCH_* flag bits,
 * "wkd_service_defaults" for the defaults of wkd_service (WKD_SERVICE_*),
 * and "wkd_dependency_defaults" for the timeout default and limit of
 * wkd_dependency (WKD_DEPENDENCY_*_TIMEOUT_MS). Entries are never removed;
 * new ones may appear anywhere, so look constants up by group and name.
 */
#ifndef WKD_CONSTANTS_H
#define WKD_CONSTANTS_H

#include "wkd/common.h"
#include "wkd/status.h"

WKD_BEGIN_DECL

/** One named constant (sized output struct). */
typedef struct wkd_constant_info {
  uint32_t struct_size; /**< in: sizeof(wkd_constant_info) */
  const char* group;    /**< out: the C type, "wkd_status"; static storage */
  const char* name;     /**< out: the C name, "WKD_E_TIMEOUT"; static storage */
  int64_t value;        /**< out: its value */
  const char* text;     /**< out: what the library's name or text function returns for it
                             ("operation timed out", "member-joined", "probe_interval_ms"), or "" */
} wkd_constant_info;

#define WKD_CONSTANT_INFO_INIT {sizeof(wkd_constant_info), NULL, NULL, 0, NULL}

/** Number of entries in the table. @threadsafety Any thread. @since 0.1 */
WKD_API size_t wkd_constant_count(void);

/**
 * Reads entry `index` of the table.
 * @param out sized struct; set out->struct_size first.
 * @retval WKD_E_NOTFOUND index >= wkd_constant_count().
 * @retval WKD_E_INVAL out is NULL or its struct_size is too small.
 * @threadsafety Any thread.
 * @since 0.1
 */
WKD_API wkd_status wkd_constant_at(wkd_constant_info* out, size_t index, wkd_error* err);

WKD_END_DECL

#endif /* WKD_CONSTANTS_H */
