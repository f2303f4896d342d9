package dev.weftkit.wkd;

import java.util.Objects;

/**
 * A failed wkd call: the status the C ABI returned and the message it wrote
 * into its wkd_error. Subclasses name the statuses a program commonly
 * handles; every other status arrives as a plain WkdException.
 */
public class WkdException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int code;

  public WkdException(int code, String message) {
    super(message);
    this.code = code;
  }

  /** The status, or {@link Status#UNKNOWN} for a value this binding does not know. */
  public Status status() {
    return Status.of(code);
  }

  /** The raw C status value. */
  public int statusCode() {
    return code;
  }

  /**
   * The exception for a status. Called by the generated JNI code when a call
   * fails, and by the facade for its own checks.
   */
  static WkdException fromStatus(int code, String message) {
    String m = Objects.requireNonNullElse(message, "");
    switch (Status.of(code)) {
      case E_INVAL:
        return new WkdInvalidArgumentException(m);
      case E_CLOSED:
        return new WkdClosedException(m);
      case E_TIMEOUT:
        return new WkdTimeoutException(m);
      case E_NOTFOUND:
        return new WkdNotFoundException(m);
      case E_TOOBIG:
        return new WkdTooBigException(m);
      case E_STATE:
        return new WkdStateException(m);
      case E_ADDRINUSE:
        return new WkdAddressInUseException(m);
      case E_IO:
        return new WkdIoException(m);
      case E_CANCELED:
        return new WkdCanceledException(m);
      case E_NOTSUP:
        return new WkdNotSupportedException(m);
      default:
        return new WkdException(code, m);
    }
  }
}
