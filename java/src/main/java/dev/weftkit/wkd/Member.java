package dev.weftkit.wkd;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One member of the cluster, copied out of a snapshot or an event; immutable.
 *
 * @param name the unique node name
 * @param address the IP address, as text
 * @param port the gossip port
 * @param state the membership state
 * @param incarnation the SWIM incarnation number
 * @param tags every tag, reserved ones ("db", "groups", ...) included, in the order the library gives
 * @param groups the groups it belongs to
 * @param databaseType the database type it serves; "" when not advertised
 * @param wireProtocol the wire protocol clients speak to it; "" when not advertised
 * @param endpoint the endpoint clients connect to; "" when not advertised
 * @param capabilities its capabilities
 * @param health its own health; UNKNOWN for a serf or memberlist peer
 * @param lastSeen the latest direct evidence of life; empty when never
 * @param wkdVersion the wkd version it runs; "" for serf and memberlist peers
 * @param protocol memberlist protocol versions
 * @param delegate serf protocol versions
 */
public record Member(
    String name,
    String address,
    int port,
    MemberState state,
    long incarnation,
    Map<String, String> tags,
    List<String> groups,
    String databaseType,
    String wireProtocol,
    String endpoint,
    List<String> capabilities,
    Health health,
    Optional<Instant> lastSeen,
    String wkdVersion,
    Versions protocol,
    Versions delegate) {

  /** A protocol version range: the lowest, highest and current version a member speaks. */
  public record Versions(int min, int max, int current) {}

  /** "address:port", with brackets for IPv6. */
  public String gossipAddress() {
    return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
  }
}
