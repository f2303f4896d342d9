package dev.weftkit.wkd;

/**
 * An event delivered to a {@link WatchListener}: a {@link MemberEvent}, a
 * {@link UserEvent} or an {@link OverflowEvent}.
 */
public sealed interface Event permits MemberEvent, UserEvent, OverflowEvent {
  EventType type();
}
