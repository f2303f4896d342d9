package dev.weftkit.wkd;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A user event (fired with {@link Node#fireEvent} here or by a serf peer).
 *
 * @param name the event name
 * @param payload the payload bytes (a copy is returned each time)
 * @param ltime the event's Lamport time
 */
public record UserEvent(String name, byte[] payload, long ltime) implements Event {
  public UserEvent {
    Objects.requireNonNull(name, "name");
    payload = payload == null ? new byte[0] : payload.clone();
  }

  @Override
  public EventType type() {
    return EventType.USER;
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** The payload decoded as UTF-8. */
  public String payloadText() {
    return new String(payload, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UserEvent u && u.name.equals(name) && Arrays.equals(u.payload, payload) && u.ltime == ltime;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, Arrays.hashCode(payload), ltime);
  }

  @Override
  public String toString() {
    return "UserEvent[name=" + name + ", payload=" + payloadText() + ", ltime=" + ltime + "]";
  }
}
