package dev.weftkit.wkd;

/** The node is closed (WKD_E_CLOSED), or was closed while the call waited. */
public class WkdClosedException extends WkdException {
  private static final long serialVersionUID = 1L;

  public WkdClosedException(String message) {
    super(Status.E_CLOSED.code(), message);
  }
}
