package dev.weftkit.wkd;

import dev.weftkit.wkd.jni.WkdNative;
import dev.weftkit.wkd.jni.wkd_event_type;
import dev.weftkit.wkd.jni.wkd_member_info;
import dev.weftkit.wkd.jni.wkd_option_info;
import dev.weftkit.wkd.jni.wkd_option_type;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Conversions between the generated layer and the facade's types. */
final class Native {
  /** Releases the native handles of unreachable nodes and builders. */
  static final Cleaner CLEANER = Cleaner.create(r -> {
    Thread t = new Thread(r, "wkd-cleaner");
    t.setDaemon(true);
    return t;
  });

  private Native() {}

  /** The id of an option, by name (wkd_option_lookup). */
  static int optionId(String name) {
    Objects.requireNonNull(name, "option name");
    int[] out = new int[1];
    WkdNative.wkd_option_lookup(out, name);
    return out[0];
  }

  static OptionInfo describe(int id) {
    wkd_option_info info = new wkd_option_info();
    try {
      WkdNative.wkd_option_describe(info, id);
      OptionType type;
      switch (info.getType()) {
        case wkd_option_type.WKD_OPTION_INT:
          type = OptionType.INT;
          break;
        case wkd_option_type.WKD_OPTION_STR:
          type = OptionType.STRING;
          break;
        case wkd_option_type.WKD_OPTION_BOOL:
          type = OptionType.BOOL;
          break;
        default:
          throw new IllegalStateException("unknown option type " + info.getType());
      }
      return new OptionInfo(info.getId(), info.getName(), type, info.getMin(), info.getMax(), info.getSince(),
          info.getDescription());
    } finally {
      info.delete();
    }
  }

  /** A timeout in the C ABI's int32 milliseconds; durations past 24 days are clamped. */
  static int millis(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative()) {
      throw new WkdInvalidArgumentException(what + " must not be negative: " + d);
    }
    try {
      long ms = d.toMillis();
      return ms > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) ms;
    } catch (ArithmeticException tooLong) {
      return Integer.MAX_VALUE;
    }
  }

  /** Copies a member out of a sized struct whose pointers borrow from a snapshot or event. */
  static Member member(wkd_member_info m) {
    int nTags = (int) m.getN_tags();
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = 0; i < nTags; i++) {
      tags.put(m.tag_key_at(i), m.tag_value_at(i));
    }
    int nGroups = (int) m.getN_groups();
    List<String> groups = new ArrayList<>(nGroups);
    for (int i = 0; i < nGroups; i++) {
      groups.add(m.group_at(i));
    }
    int nCaps = (int) m.getN_capabilities();
    List<String> caps = new ArrayList<>(nCaps);
    for (int i = 0; i < nCaps; i++) {
      caps.add(m.capability_at(i));
    }
    long lastSeen = m.getLast_seen_unix_ms();
    return new Member(
        m.getName(),
        m.getAddress(),
        m.getPort(),
        MemberState.of(m.getState()),
        m.getIncarnation(),
        Collections.unmodifiableMap(tags),
        List.copyOf(groups),
        nonNull(m.getDatabase_type()),
        nonNull(m.getWire_protocol()),
        nonNull(m.getEndpoint()),
        List.copyOf(caps),
        Health.of(m.getHealth()),
        lastSeen == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(lastSeen)),
        nonNull(m.getWkd_version()),
        new Member.Versions(m.getProtocol_min(), m.getProtocol_max(), m.getProtocol_cur()),
        new Member.Versions(m.getDelegate_min(), m.getDelegate_max(), m.getDelegate_cur()));
  }

  /** Converts a pulled event; the caller frees it. */
  static Event event(long ev) {
    int type = WkdNative.wkd_event_get_type(ev);
    switch (type) {
      case wkd_event_type.WKD_EVENT_USER: {
        String[] name = new String[1];
        byte[][] payload = new byte[1][];
        long[] ltime = new long[1];
        WkdNative.wkd_event_user(name, payload, ltime, ev);
        return new UserEvent(name[0], payload[0], ltime[0]);
      }
      case wkd_event_type.WKD_EVENT_OVERFLOW:
        return new OverflowEvent();
      default: {
        wkd_member_info info = new wkd_member_info();
        try {
          WkdNative.wkd_event_member(info, ev);
          return new MemberEvent(EventType.of(type), member(info));
        } finally {
          info.delete();
        }
      }
    }
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}
