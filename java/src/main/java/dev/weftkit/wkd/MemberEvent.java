package dev.weftkit.wkd;

import java.util.Objects;

/**
 * A change of a member: joined, updated, suspect, failed, left or reaped.
 *
 * @param type one of the MEMBER_* types
 * @param member the member as it is after the change
 */
public record MemberEvent(EventType type, Member member) implements Event {
  public MemberEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(member, "member");
  }
}
