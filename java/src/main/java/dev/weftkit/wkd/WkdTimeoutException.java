package dev.weftkit.wkd;

/** The operation did not complete within its timeout (WKD_E_TIMEOUT). */
public class WkdTimeoutException extends WkdException {
  private static final long serialVersionUID = 1L;

  public WkdTimeoutException(String message) {
    super(Status.E_TIMEOUT.code(), message);
  }
}
