package dev.weftkit.wkd;

/**
 * The watch's queue filled up and its oldest events were dropped: take a
 * fresh snapshot with {@link Node#members()} to resynchronise.
 */
public record OverflowEvent() implements Event {
  @Override
  public EventType type() {
    return EventType.OVERFLOW;
  }
}
