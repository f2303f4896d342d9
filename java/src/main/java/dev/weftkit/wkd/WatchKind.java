package dev.weftkit.wkd;

import dev.weftkit.wkd.jni.wkd_watch_kind;

/** What a watch follows. */
public enum WatchKind {
  /** Every member. */
  MEMBERS(wkd_watch_kind.WKD_WATCH_MEMBERS),
  /** Members of one group. */
  GROUP(wkd_watch_kind.WKD_WATCH_GROUP),
  /** Instances of a service (refused by this binding until it converts instance events). */
  SERVICE(wkd_watch_kind.WKD_WATCH_SERVICE),
  /** Healthy instances of a service (refused by this binding until it converts instance events). */
  SERVICE_HEALTHY(wkd_watch_kind.WKD_WATCH_SERVICE_HEALTHY),
  /** User events, all of them or those of one name. */
  USER_EVENTS(wkd_watch_kind.WKD_WATCH_USER_EVENTS);

  final int code;

  WatchKind(int code) {
    this.code = code;
  }
}
