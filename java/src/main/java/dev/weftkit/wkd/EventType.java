package dev.weftkit.wkd;

import dev.weftkit.wkd.jni.WkdNative;
import dev.weftkit.wkd.jni.wkd_event_type;

/** Kind of a watch event. */
public enum EventType {
  /** A member appeared or came back alive. */
  MEMBER_JOINED(wkd_event_type.WKD_EVENT_MEMBER_JOINED),
  /** Its identity, tags or health changed. */
  MEMBER_UPDATED(wkd_event_type.WKD_EVENT_MEMBER_UPDATED),
  /** It missed probes. */
  MEMBER_SUSPECT(wkd_event_type.WKD_EVENT_MEMBER_SUSPECT),
  /** Declared failed. */
  MEMBER_FAILED(wkd_event_type.WKD_EVENT_MEMBER_FAILED),
  /** Left gracefully. */
  MEMBER_LEFT(wkd_event_type.WKD_EVENT_MEMBER_LEFT),
  /** Forgotten after the reconnect or tombstone timeout. */
  MEMBER_REAPED(wkd_event_type.WKD_EVENT_MEMBER_REAPED),
  /** A user event. */
  USER(wkd_event_type.WKD_EVENT_USER),
  /** The watch's queue dropped events; take a fresh snapshot. */
  OVERFLOW(wkd_event_type.WKD_EVENT_OVERFLOW),
  /** A service instance new to this node (service watches: refused by this binding for now). */
  INSTANCE_REGISTERED(wkd_event_type.WKD_EVENT_INSTANCE_REGISTERED),
  /** Its registrant changed its fields. */
  INSTANCE_UPDATED(wkd_event_type.WKD_EVENT_INSTANCE_UPDATED),
  /** Its status or check state moved. */
  INSTANCE_STATUS(wkd_event_type.WKD_EVENT_INSTANCE_STATUS),
  /** It became a tombstone. */
  INSTANCE_DEREGISTERED(wkd_event_type.WKD_EVENT_INSTANCE_DEREGISTERED),
  /** Dropped: its owner failed long ago or was reaped. */
  INSTANCE_REMOVED(wkd_event_type.WKD_EVENT_INSTANCE_REMOVED),
  /** Another node registered it and owns it now. */
  INSTANCE_MOVED(wkd_event_type.WKD_EVENT_INSTANCE_MOVED);

  final int code;

  EventType(int code) {
    this.code = code;
  }

  /** The C name: "member-joined", "user", ... (wkd_event_type_name). */
  public String cName() {
    return WkdNative.wkd_event_type_name(code);
  }

  static EventType of(int code) {
    for (EventType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalStateException("unknown event type " + code);
  }
}
