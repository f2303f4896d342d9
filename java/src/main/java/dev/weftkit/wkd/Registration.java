package dev.weftkit.wkd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A node's identity, as {@link Node#register} advertises it: the database
 * type it serves, the wire protocol clients speak to it, the endpoint they
 * connect to, its groups, capabilities and free tags. The library validates
 * it (group syntax, reserved tag keys, the 512-byte metadata limit) and
 * reports problems with its own message. Immutable; build it with
 * {@link #builder()}.
 */
public final class Registration {
  private final String databaseType;
  private final String wireProtocol;
  private final String endpoint;
  private final List<String> groups;
  private final List<String> capabilities;
  private final Map<String, String> tags;

  private Registration(Builder b) {
    this.databaseType = b.databaseType;
    this.wireProtocol = b.wireProtocol;
    this.endpoint = b.endpoint;
    this.groups = List.copyOf(b.groups);
    this.capabilities = List.copyOf(b.capabilities);
    this.tags = Collections.unmodifiableMap(new LinkedHashMap<>(b.tags));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The database type (tag "db"); null when not advertised. */
  public String databaseType() {
    return databaseType;
  }

  /** The wire protocol (tag "wire"); null when not advertised. */
  public String wireProtocol() {
    return wireProtocol;
  }

  /** The endpoint, "host:port" (tag "endpoint"); null when not advertised. */
  public String endpoint() {
    return endpoint;
  }

  public List<String> groups() {
    return groups;
  }

  public List<String> capabilities() {
    return capabilities;
  }

  /** The free tags, in insertion order. */
  public Map<String, String> tags() {
    return tags;
  }

  @Override
  public String toString() {
    return "Registration[db=" + databaseType + ", wire=" + wireProtocol + ", endpoint=" + endpoint
        + ", groups=" + groups + ", capabilities=" + capabilities + ", tags=" + tags + "]";
  }

  /** Builder of a {@link Registration}; not thread-safe. */
  public static final class Builder {
    private String databaseType;
    private String wireProtocol;
    private String endpoint;
    private final List<String> groups = new ArrayList<>();
    private final List<String> capabilities = new ArrayList<>();
    private final Map<String, String> tags = new LinkedHashMap<>();

    private Builder() {}

    /** The database type served (tag "db"); null or "" advertises none. */
    public Builder databaseType(String databaseType) {
      this.databaseType = databaseType;
      return this;
    }

    /** The wire protocol clients speak (tag "wire"); null or "" advertises none. */
    public Builder wireProtocol(String wireProtocol) {
      this.wireProtocol = wireProtocol;
      return this;
    }

    /** The endpoint clients connect to, "host:port" or "[v6]:port"; null advertises none. */
    public Builder endpoint(String endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    /** Adds groups; each must match [a-z0-9][a-z0-9._-]{0,62} (checked by the library). */
    public Builder groups(String... groups) {
      return groups(Arrays.asList(Objects.requireNonNull(groups, "groups")));
    }

    /** Adds groups. */
    public Builder groups(Collection<String> groups) {
      for (String g : Objects.requireNonNull(groups, "groups")) {
        this.groups.add(Objects.requireNonNull(g, "group"));
      }
      return this;
    }

    /** Adds capabilities: free words without commas. */
    public Builder capabilities(String... capabilities) {
      return capabilities(Arrays.asList(Objects.requireNonNull(capabilities, "capabilities")));
    }

    /** Adds capabilities. */
    public Builder capabilities(Collection<String> capabilities) {
      for (String c : Objects.requireNonNull(capabilities, "capabilities")) {
        this.capabilities.add(Objects.requireNonNull(c, "capability"));
      }
      return this;
    }

    /** Sets a free tag; the reserved keys (wkd, db, wire, endpoint, groups, caps, health) are refused. */
    public Builder tag(String key, String value) {
      tags.put(Objects.requireNonNull(key, "tag key"), Objects.requireNonNull(value, "tag value"));
      return this;
    }

    /** Sets free tags. */
    public Builder tags(Map<String, String> tags) {
      Objects.requireNonNull(tags, "tags").forEach(this::tag);
      return this;
    }

    public Registration build() {
      return new Registration(this);
    }
  }
}
