package dev.weftkit.wkd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigTest {
  @Test
  void presetsSetTheirTimings() {
    NodeBuilder b = Node.builder();
    assertEquals(Preset.LAN, b.preset());
    assertEquals(1000, b.intOption("probe_interval_ms"));
    assertEquals(200, b.intOption("gossip_interval_ms"));
    assertEquals(100, b.preset(Preset.LOCAL).intOption("gossip_interval_ms"));
    assertEquals(5000, b.preset(Preset.WAN).intOption("probe_interval_ms"));
  }

  @Test
  void optionsByNameOfEveryType() {
    NodeBuilder b = Node.builder()
        .option("probe_interval_ms", 500)
        .option("push_pull_interval_ms", Duration.ofSeconds(7))
        .option("enable_compression", false)
        .option("label", "blue")
        .name("cfg-node")
        .bind("127.0.0.1:0");
    assertEquals(500, b.intOption("probe_interval_ms"));
    assertEquals(7000, b.intOption("push_pull_interval_ms"));
    assertFalse(b.boolOption("enable_compression"));
    assertTrue(b.option("enable_compression", true).boolOption("enable_compression"));
    assertEquals("blue", b.stringOption("label"));
    assertEquals("cfg-node", b.stringOption("node_name"));
    assertEquals("127.0.0.1:0", b.stringOption("bind_addr"));
  }

  @Test
  void optionsSurviveAPresetChange() {
    NodeBuilder b = Node.builder().option("probe_interval_ms", 777).option("label", "x");
    b.preset(Preset.WAN);
    assertEquals(777, b.intOption("probe_interval_ms"));
    assertEquals("x", b.stringOption("label"));
    assertEquals(500, b.intOption("gossip_interval_ms")); // WAN's own value
  }

  @Test
  void outOfBoundsValueFailsWithTheLibraryMessage() {
    OptionInfo info = Wkd.describeOption("probe_interval_ms");
    WkdInvalidArgumentException e = assertThrows(WkdInvalidArgumentException.class,
        () -> Node.builder().option("probe_interval_ms", info.max() + 1));
    assertEquals(Status.E_INVAL, e.status());
    assertEquals(-1, e.statusCode());
    assertTrue(e.getMessage().contains("probe_interval_ms"), e.getMessage());
    assertTrue(e.getMessage().contains(Long.toString(info.min())), e.getMessage());
    assertTrue(e.getMessage().contains(Long.toString(info.max())), e.getMessage());
  }

  @Test
  void wrongTypeFailsWithTheLibraryMessage() {
    WkdInvalidArgumentException e = assertThrows(WkdInvalidArgumentException.class,
        () -> Node.builder().option("probe_interval_ms", "fast"));
    assertTrue(e.getMessage().contains("probe_interval_ms"), e.getMessage());
    assertTrue(e.getMessage().contains("INT"), e.getMessage());
    assertThrows(WkdInvalidArgumentException.class, () -> Node.builder().option("label", 3));
    assertThrows(WkdInvalidArgumentException.class, () -> Node.builder().option("gossip_nodes", true));
  }

  @Test
  void unknownOptionIsNotFound() {
    WkdNotFoundException e = assertThrows(WkdNotFoundException.class,
        () -> Node.builder().option("no_such_option", 1));
    assertEquals(Status.E_NOTFOUND, e.status());
    assertTrue(e.getMessage().contains("no_such_option"), e.getMessage());
    assertThrows(WkdNotFoundException.class, () -> Wkd.describeOption("Probe_Interval_MS"));
  }

  @Test
  void malformedValuesFailWithTheLibraryMessage() {
    WkdInvalidArgumentException bind = assertThrows(WkdInvalidArgumentException.class,
        () -> Node.builder().bind("not an address"));
    assertTrue(bind.getMessage().contains("bind_addr"), bind.getMessage());
    WkdInvalidArgumentException key = assertThrows(WkdInvalidArgumentException.class,
        () -> Node.builder().encryptKey("c2hvcnQ="));
    assertTrue(key.getMessage().contains("encrypt_key") || key.getMessage().contains("key"), key.getMessage());
    assertThrows(WkdInvalidArgumentException.class,
        () -> Node.builder().option("probe_interval_ms", Duration.ofMillis(-1)));
  }

  @Test
  void nullArgumentsThrowNullPointerException() {
    NodeBuilder b = Node.builder();
    assertThrows(NullPointerException.class, () -> b.name(null));
    assertThrows(NullPointerException.class, () -> b.bind(null));
    assertThrows(NullPointerException.class, () -> b.preset(null));
    assertThrows(NullPointerException.class, () -> b.option(null, 1));
    assertThrows(NullPointerException.class, () -> b.option("label", (String) null));
    assertThrows(NullPointerException.class, () -> b.option("probe_interval_ms", (Duration) null));
    assertThrows(NullPointerException.class, () -> b.logLevel(null));
    assertThrows(NullPointerException.class, () -> Wkd.describeOption(null));
  }

  @Test
  void stringWithNulIsRefused() {
    WkdInvalidArgumentException e = assertThrows(WkdInvalidArgumentException.class,
        () -> Node.builder().name("a\u0000b"));
    assertTrue(e.getMessage().contains("NUL"), e.getMessage());
  }

  @Test
  void describeGivesTypesBoundsAndVersion() {
    OptionInfo probe = Wkd.describeOption("probe_interval_ms");
    assertEquals(100, probe.id());
    assertEquals("probe_interval_ms", probe.name());
    assertEquals(OptionType.INT, probe.type());
    assertTrue(probe.min() <= 1000 && 1000 <= probe.max());
    assertEquals("0.1", probe.since());
    assertFalse(probe.description().isEmpty());
    assertEquals(OptionType.STRING, NodeBuilder.describe("bind_addr").type());
    assertEquals(OptionType.BOOL, NodeBuilder.describe("enable_compression").type());
  }

  @Test
  void nonAsciiNamesRoundTrip() {
    String name = "nœud-\u00e9t\u00e9-\uD83D\uDE00";
    try (Node node = Node.builder().preset(Preset.LOCAL).name(name).bind("127.0.0.1:0").start()) {
      assertEquals(name, node.name());
      assertEquals(name, node.members().get(0).name());
      assertTrue(node.member(name).isPresent());
    }
  }

  @Test
  void versionOfTheLoadedLibrary() {
    assertTrue(Wkd.version().matches("\\d+\\.\\d+\\.\\d+"), Wkd.version());
    String[] parts = Wkd.version().split("\\.");
    long expected = Long.parseLong(parts[0]) * 1_000_000 + Long.parseLong(parts[1]) * 1000 + Long.parseLong(parts[2]);
    assertEquals(expected, Wkd.versionNumber());
    assertEquals("WKD_E_TIMEOUT", Status.E_TIMEOUT.cName());
    assertEquals("operation timed out", Status.E_TIMEOUT.description());
    assertEquals("member-joined", EventType.MEMBER_JOINED.cName());
    assertEquals("failed", MemberState.FAILED.cName());
    assertEquals("passing", Health.PASSING.cName());
  }
}
