package dev.weftkit.wkd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.weftkit.wkd.jni.WkdNative;
import dev.weftkit.wkd.jni.wkd_constant_info;
import dev.weftkit.wkd.jni.wkd_stat_info;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The binding's enums and Stats match the loaded library's tables
 * (wkd_constant_at, wkd_stats_describe): the values come from the header
 * through SWIG, and these tests fail when the library has a constant or a
 * counter the binding lacks, or disagrees on a value.
 */
class ConstantsTest {
  /** C name -> value of every constant of a group, as the library lists it. */
  private static Map<String, Long> library(String group) {
    Map<String, Long> out = new TreeMap<>();
    wkd_constant_info c = new wkd_constant_info();
    try {
      for (long i = 0; i < WkdNative.wkd_constant_count(); i++) {
        WkdNative.wkd_constant_at(c, i);
        if (c.getGroup().equals(group)) {
          out.put(c.getName(), c.getValue());
        }
      }
    } finally {
      c.delete();
    }
    return out;
  }

  private static <E extends Enum<E>> Map<String, Long> binding(
      Class<E> type, String prefix, java.util.function.ToIntFunction<E> code) {
    Map<String, Long> out = new TreeMap<>();
    for (E e : type.getEnumConstants()) {
      out.put(prefix + e.name(), (long) code.applyAsInt(e));
    }
    return out;
  }

  private static void same(String group, Map<String, Long> binding) {
    Map<String, Long> lib = library(group);
    assertFalse(lib.isEmpty(), "the library lists no " + group);
    assertEquals(lib, binding, group + ": the Java binding drifted from the library");
  }

  @Test
  void statusesMatchTheLibrary() {
    Map<String, Long> b = binding(Status.class, "WKD_", Status::code);
    b.remove("WKD_UNKNOWN"); // the binding's own "newer library" value
    same("wkd_status", b);
    for (Status s : Status.values()) {
      if (s != Status.UNKNOWN) {
        assertEquals("WKD_" + s.name(), s.cName());
      }
    }
  }

  @Test
  void enumsMatchTheLibrary() {
    same("wkd_member_state", binding(MemberState.class, "WKD_MEMBER_", s -> s.code));
    same("wkd_health", binding(Health.class, "WKD_HEALTH_", h -> h.code));
    same("wkd_event_type", binding(EventType.class, "WKD_EVENT_", t -> t.code));
    same("wkd_watch_kind", binding(WatchKind.class, "WKD_WATCH_", k -> k.code));
    same("wkd_preset", binding(Preset.class, "WKD_PRESET_", p -> p.code));
    same("wkd_log_level", binding(LogLevel.class, "WKD_LOG_", l -> l.code));
  }

  /** "drops_queue_full" is the record component dropsQueueFull. */
  private static String javaName(String c) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char ch : c.toCharArray()) {
      if (ch == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(ch) : ch);
        up = false;
      }
    }
    return sb.toString();
  }

  @Test
  void statsComponentsAreTheLibraryList() {
    List<String> lib = new ArrayList<>();
    wkd_stat_info f = new wkd_stat_info();
    try {
      for (long i = 0; i < WkdNative.wkd_stats_count(); i++) {
        WkdNative.wkd_stats_describe(f, i);
        lib.add(javaName(f.getName()));
      }
    } finally {
      f.delete();
    }
    List<String> java = new ArrayList<>();
    for (RecordComponent rc : Stats.class.getRecordComponents()) {
      java.add(rc.getName());
    }
    assertFalse(lib.isEmpty(), "the library lists no stats field");
    assertEquals(lib, java, "Stats drifted from the library's wkd_stats list");
  }
}
