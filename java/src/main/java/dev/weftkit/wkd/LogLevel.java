package dev.weftkit.wkd;

import dev.weftkit.wkd.jni.wkd_log_level;

/** The lowest level of the log lines a node writes to stderr. */
public enum LogLevel {
  DEBUG(wkd_log_level.WKD_LOG_DEBUG),
  INFO(wkd_log_level.WKD_LOG_INFO),
  WARN(wkd_log_level.WKD_LOG_WARN),
  ERROR(wkd_log_level.WKD_LOG_ERROR),
  OFF(wkd_log_level.WKD_LOG_OFF);

  final int code;

  LogLevel(int code) {
    this.code = code;
  }
}
