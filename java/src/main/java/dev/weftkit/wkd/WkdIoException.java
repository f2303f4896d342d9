package dev.weftkit.wkd;

/** A socket or I/O error (WKD_E_IO); every seed of a join refused, ... */
public class WkdIoException extends WkdException {
  private static final long serialVersionUID = 1L;

  public WkdIoException(String message) {
    super(Status.E_IO.code(), message);
  }
}
