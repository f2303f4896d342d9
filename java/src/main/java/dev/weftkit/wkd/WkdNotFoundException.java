package dev.weftkit.wkd;

/** Nothing has that name (WKD_E_NOTFOUND): an unknown option, a key not installed, ... */
public class WkdNotFoundException extends WkdException {
  private static final long serialVersionUID = 1L;

  public WkdNotFoundException(String message) {
    super(Status.E_NOTFOUND.code(), message);
  }
}
