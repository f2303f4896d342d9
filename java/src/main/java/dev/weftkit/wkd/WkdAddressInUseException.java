package dev.weftkit.wkd;

/** The bind address is taken (WKD_E_ADDRINUSE). */
public class WkdAddressInUseException extends WkdException {
  private static final long serialVersionUID = 1L;

  public WkdAddressInUseException(String message) {
    super(Status.E_ADDRINUSE.code(), message);
  }
}
