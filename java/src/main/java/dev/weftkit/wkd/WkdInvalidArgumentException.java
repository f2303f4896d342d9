package dev.weftkit.wkd;

/** An invalid argument (WKD_E_INVAL): a bad option value, a malformed address, group or tag, a NUL in a string, ... */
public class WkdInvalidArgumentException extends WkdException {
  private static final long serialVersionUID = 1L;

  public WkdInvalidArgumentException(String message) {
    super(Status.E_INVAL.code(), message);
  }
}
