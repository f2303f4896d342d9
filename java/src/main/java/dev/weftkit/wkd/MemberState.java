package dev.weftkit.wkd;

import dev.weftkit.wkd.jni.WkdNative;
import dev.weftkit.wkd.jni.wkd_member_state;

/** Membership state of a member, as Serf shows it. */
public enum MemberState {
  /** Answering probes. */
  ALIVE(wkd_member_state.WKD_MEMBER_ALIVE),
  /** Missed probes; may still refute. */
  SUSPECT(wkd_member_state.WKD_MEMBER_SUSPECT),
  /** Declared dead without leaving. */
  FAILED(wkd_member_state.WKD_MEMBER_FAILED),
  /** Left gracefully. */
  LEFT(wkd_member_state.WKD_MEMBER_LEFT),
  /** Announced its leave; still reachable. */
  LEAVING(wkd_member_state.WKD_MEMBER_LEAVING);

  final int code;

  MemberState(int code) {
    this.code = code;
  }

  /** The C name: "alive", "failed", ... (wkd_member_state_name). */
  public String cName() {
    return WkdNative.wkd_member_state_name(code);
  }

  static MemberState of(int code) {
    for (MemberState s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new IllegalStateException("unknown member state " + code);
  }
}
