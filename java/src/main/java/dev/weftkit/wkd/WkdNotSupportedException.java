package dev.weftkit.wkd;

/** Not supported by this build or not yet implemented (WKD_E_NOTSUP). */
public class WkdNotSupportedException extends WkdException {
  private static final long serialVersionUID = 1L;

  public WkdNotSupportedException(String message) {
    super(Status.E_NOTSUP.code(), message);
  }
}
