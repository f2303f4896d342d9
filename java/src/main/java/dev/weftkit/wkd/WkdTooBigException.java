package dev.weftkit.wkd;

/** A value exceeds a size limit (WKD_E_TOOBIG): metadata over 512 bytes, a user event over its limit. */
public class WkdTooBigException extends WkdException {
  private static final long serialVersionUID = 1L;

  public WkdTooBigException(String message) {
    super(Status.E_TOOBIG.code(), message);
  }
}
