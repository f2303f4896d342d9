package dev.weftkit.wkd;

import dev.weftkit.wkd.jni.WkdNative;
import dev.weftkit.wkd.jni.wkd_health;

/** A node's own health, as its application reports it (tag "health"). */
public enum Health {
  PASSING(wkd_health.WKD_HEALTH_PASSING),
  WARNING(wkd_health.WKD_HEALTH_WARNING),
  CRITICAL(wkd_health.WKD_HEALTH_CRITICAL),
  /** The member advertises no health (a serf or memberlist peer). */
  UNKNOWN(wkd_health.WKD_HEALTH_UNKNOWN);

  final int code;

  Health(int code) {
    this.code = code;
  }

  /** The C name: "passing", ... (wkd_health_name). */
  public String cName() {
    return WkdNative.wkd_health_name(code);
  }

  static Health of(int code) {
    for (Health h : values()) {
      if (h.code == code) {
        return h;
      }
    }
    return UNKNOWN;
  }
}
