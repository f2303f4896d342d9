/*
 * wkd/sys/log.h - where a node's log lines go (systems tier).
 *
 * wkd never prints. Each node hands its log lines to a sink set in its
 * configuration; without one, lines at WARN and above go to stderr.
 * Bindings route the sink to Python logging, a Go logger or
 * System.Logger. The sink runs on the node's loop thread and must not
 * block or call back into the node.
 */
#ifndef WKD_SYS_LOG_H
#define WKD_SYS_LOG_H

#include "wkd/common.h"
#include "wkd/config.h"
#include "wkd/status.h"

WKD_BEGIN_DECL

typedef enum wkd_log_level {
  WKD_LOG_DEBUG = 0,
  WKD_LOG_INFO = 1,
  WKD_LOG_WARN = 2,
  WKD_LOG_ERROR = 3,
  WKD_LOG_OFF = 4
} wkd_log_level;

/** A log sink. `message` is one line without a newline, borrowed for the call. */
typedef void (*wkd_log_cb)(wkd_log_level level, const char* node_name, const char* message, void* user_data);

/**
 * Sets the log sink and the lowest level passed to it.
 * @param cb nullable: NULL restores the stderr default.
 * @since 0.1
 */
WKD_API wkd_status wkd_config_set_log(wkd_config_t* cfg, wkd_log_level min_level, wkd_log_cb cb, void* user_data,
                                      wkd_error* err);

WKD_END_DECL

#endif /* WKD_SYS_LOG_H */
