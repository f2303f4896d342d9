package dev.weftkit.wkd;

import dev.weftkit.wkd.jni.WkdNative;
import dev.weftkit.wkd.jni.wkd_status;

/**
 * The status codes of the C ABI (wkd/status.h), with the values SWIG generates from the header;
 * ConstantsTest checks them against the loaded library.
 */
public enum Status {
  OK(wkd_status.WKD_OK),
  E_INVAL(wkd_status.WKD_E_INVAL),
  E_NOMEM(wkd_status.WKD_E_NOMEM),
  E_CLOSED(wkd_status.WKD_E_CLOSED),
  E_TIMEOUT(wkd_status.WKD_E_TIMEOUT),
  E_NOTFOUND(wkd_status.WKD_E_NOTFOUND),
  E_EXISTS(wkd_status.WKD_E_EXISTS),
  E_STATE(wkd_status.WKD_E_STATE),
  E_ADDRINUSE(wkd_status.WKD_E_ADDRINUSE),
  E_IO(wkd_status.WKD_E_IO),
  E_PROTO(wkd_status.WKD_E_PROTO),
  E_CANCELED(wkd_status.WKD_E_CANCELED),
  E_LOOPTHREAD(wkd_status.WKD_E_LOOPTHREAD),
  E_OVERFLOW(wkd_status.WKD_E_OVERFLOW),
  E_NOTSUP(wkd_status.WKD_E_NOTSUP),
  E_TOOBIG(wkd_status.WKD_E_TOOBIG),
  E_INTERNAL(wkd_status.WKD_E_INTERNAL),
  /** A value this binding does not know (a newer library). */
  UNKNOWN(Integer.MIN_VALUE);

  private final int code;

  Status(int code) {
    this.code = code;
  }

  /** The C value. */
  public int code() {
    return code;
  }

  /** The C symbolic name, e.g. "WKD_E_TIMEOUT" (wkd_status_name). */
  public String cName() {
    return WkdNative.wkd_status_name(code);
  }

  /** The C description, e.g. "operation timed out" (wkd_status_str). */
  public String description() {
    return WkdNative.wkd_status_str(code);
  }

  /** The status of a C value; UNKNOWN when it has none. */
  public static Status of(int code) {
    for (Status s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    return UNKNOWN;
  }
}
