package dev.weftkit.wkd;

import dev.weftkit.wkd.jni.WkdNative;

/** The status codes of the C ABI (wkd/status.h), with their stable values. */
public enum Status {
  OK(0),
  E_INVAL(-1),
  E_NOMEM(-2),
  E_CLOSED(-3),
  E_TIMEOUT(-4),
  E_NOTFOUND(-5),
  E_EXISTS(-6),
  E_STATE(-7),
  E_ADDRINUSE(-8),
  E_IO(-9),
  E_PROTO(-10),
  E_CANCELED(-11),
  E_LOOPTHREAD(-12),
  E_OVERFLOW(-13),
  E_NOTSUP(-14),
  E_TOOBIG(-15),
  E_INTERNAL(-99),
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
