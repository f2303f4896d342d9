package dev.weftkit.wkd;

/** The call is not valid in the current state (WKD_E_STATE): starting twice, an address before start, ... */
public class WkdStateException extends WkdException {
  private static final long serialVersionUID = 1L;

  public WkdStateException(String message) {
    super(Status.E_STATE.code(), message);
  }
}
