package dev.weftkit.wkd;

/** The operation was canceled (WKD_E_CANCELED). */
public class WkdCanceledException extends WkdException {
  private static final long serialVersionUID = 1L;

  public WkdCanceledException(String message) {
    super(Status.E_CANCELED.code(), message);
  }
}
