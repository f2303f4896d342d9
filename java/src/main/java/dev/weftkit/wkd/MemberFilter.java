package dev.weftkit.wkd;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which members a snapshot holds ({@link Node#members(MemberFilter)}).
 * Unset criteria match everything; set ones must all match. Immutable;
 * build it with {@link #builder()}.
 */
public final class MemberFilter {
  /** A filter that matches every member. */
  public static final MemberFilter ALL = builder().build();

  private final Set<MemberState> states;
  private final String group;
  private final String databaseType;
  private final String wireProtocol;
  private final String tagKey;
  private final String tagValue;

  private MemberFilter(Builder b) {
    this.states = Collections.unmodifiableSet(b.states.clone());
    this.group = b.group;
    this.databaseType = b.databaseType;
    this.wireProtocol = b.wireProtocol;
    this.tagKey = b.tagKey;
    this.tagValue = b.tagValue;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The states matched; empty = every state. */
  public Set<MemberState> states() {
    return states;
  }

  public String group() {
    return group;
  }

  public String databaseType() {
    return databaseType;
  }

  public String wireProtocol() {
    return wireProtocol;
  }

  public String tagKey() {
    return tagKey;
  }

  /** The tag value required with {@link #tagKey()}; null = any value. */
  public String tagValue() {
    return tagValue;
  }

  int stateMask() {
    int mask = 0;
    for (MemberState s : states) {
      mask |= 1 << s.code;
    }
    return mask;
  }

  /** Builder of a {@link MemberFilter}; not thread-safe. */
  public static final class Builder {
    private final EnumSet<MemberState> states = EnumSet.noneOf(MemberState.class);
    private String group;
    private String databaseType;
    private String wireProtocol;
    private String tagKey;
    private String tagValue;

    private Builder() {}

    /** Matches members in any of these states (several calls add up). */
    public Builder states(MemberState... states) {
      for (MemberState s : Objects.requireNonNull(states, "states")) {
        this.states.add(Objects.requireNonNull(s, "state"));
      }
      return this;
    }

    /** Matches members of this group. */
    public Builder group(String group) {
      this.group = Objects.requireNonNull(group, "group");
      return this;
    }

    /** Matches members serving exactly this database type. */
    public Builder databaseType(String databaseType) {
      this.databaseType = Objects.requireNonNull(databaseType, "databaseType");
      return this;
    }

    /** Matches members speaking exactly this wire protocol. */
    public Builder wireProtocol(String wireProtocol) {
      this.wireProtocol = Objects.requireNonNull(wireProtocol, "wireProtocol");
      return this;
    }

    /** Matches members having this tag, whatever its value. */
    public Builder tag(String key) {
      this.tagKey = Objects.requireNonNull(key, "tag key");
      this.tagValue = null;
      return this;
    }

    /** Matches members having this tag with this value. */
    public Builder tag(String key, String value) {
      this.tagKey = Objects.requireNonNull(key, "tag key");
      this.tagValue = Objects.requireNonNull(value, "tag value");
      return this;
    }

    public MemberFilter build() {
      return new MemberFilter(this);
    }
  }
}
