package dev.weftkit.wkd;

import static dev.weftkit.wkd.TestSupport.await;
import static dev.weftkit.wkd.TestSupport.next;
import static dev.weftkit.wkd.TestSupport.quick;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weftkit.wkd.TestSupport.Inbox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Three nodes on loopback. */
class ClusterTest {
  private final List<Node> nodes = new ArrayList<>();
  private Node a;
  private Node b;
  private Node c;

  @BeforeEach
  void startThree() {
    a = track(quick("alpha").start());
    b = track(quick("bravo").start());
    c = track(quick("charlie").start());
  }

  @AfterEach
  void closeAll() {
    nodes.forEach(Node::close);
  }

  private Node track(Node n) {
    nodes.add(n);
    return n;
  }

  private void joinAll() throws InterruptedException {
    assertEquals(1, b.join(a.localAddress(), TestSupport.DEADLINE));
    assertEquals(1, c.join(List.of(a.localAddress()), TestSupport.DEADLINE));
    for (Node n : List.of(a, b, c)) {
      await(n.name() + " sees three alive members",
          () -> n.members(MemberFilter.builder().states(MemberState.ALIVE).build()).size() == 3);
    }
  }

  private static Set<String> names(List<Member> members) {
    return members.stream().map(Member::name).collect(Collectors.toSet());
  }

  @Test
  void identitiesAreSeenOnOtherNodesAndFilterMembers() throws Exception {
    a.register(Registration.builder().databaseType("postgres").wireProtocol("pgwire").endpoint("127.0.0.1:5432")
        .groups("orders", "eu-west").capabilities("read", "write").tag("zone", "a").build());
    b.register(Registration.builder().databaseType("postgres").wireProtocol("pgwire").endpoint("127.0.0.1:5433")
        .groups("orders").capabilities("read").tag("zone", "b").build());
    c.register(Registration.builder().databaseType("redis").wireProtocol("resp").endpoint("127.0.0.1:6379")
        .groups("cache").tag("zone", "a").tag("tier", "hot").build());
    joinAll();

    await("charlie sees alpha's identity", () -> c.member("alpha").map(m -> m.groups().size() == 2).orElse(false));
    Member alpha = c.member("alpha").orElseThrow();
    assertEquals(MemberState.ALIVE, alpha.state());
    assertEquals("postgres", alpha.databaseType());
    assertEquals("pgwire", alpha.wireProtocol());
    assertEquals("127.0.0.1:5432", alpha.endpoint());
    assertEquals(List.of("orders", "eu-west"), alpha.groups());
    assertEquals(List.of("read", "write"), alpha.capabilities());
    assertEquals("a", alpha.tags().get("zone"));
    assertEquals("postgres", alpha.tags().get("db"));
    assertEquals(Wkd.version(), alpha.wkdVersion());
    assertEquals(Health.PASSING, alpha.health());
    assertEquals("127.0.0.1", alpha.address());
    assertEquals(a.localPort(), alpha.port());
    assertEquals(a.localAddress(), alpha.gossipAddress());

    await("alpha sees charlie's tags", () -> a.member("charlie").map(m -> "hot".equals(m.tags().get("tier"))).orElse(false));
    Member charlie = a.member("charlie").orElseThrow();
    assertEquals(List.of("cache"), charlie.groups());
    assertEquals("redis", charlie.databaseType());
    assertTrue(a.member("nobody").isEmpty());

    await("bravo sees every identity",
        () -> b.members(MemberFilter.builder().group("orders").build()).size() == 2
            && b.members(MemberFilter.builder().databaseType("redis").build()).size() == 1);
    assertEquals(Set.of("alpha", "bravo"), names(b.members(MemberFilter.builder().group("orders").build())));
    assertEquals(Set.of("alpha"), names(b.members(MemberFilter.builder().group("eu-west").build())));
    assertEquals(Set.of("charlie"), names(b.members(MemberFilter.builder().databaseType("redis").build())));
    assertEquals(Set.of("alpha", "bravo"), names(b.members(MemberFilter.builder().wireProtocol("pgwire").build())));
    assertEquals(Set.of("alpha", "charlie"), names(b.members(MemberFilter.builder().tag("zone", "a").build())));
    assertEquals(Set.of("charlie"), names(b.members(MemberFilter.builder().tag("tier").build())));
    assertEquals(Set.of("alpha"),
        names(b.members(MemberFilter.builder().group("orders").tag("zone", "a").build())));
    assertEquals(3, b.members(MemberFilter.builder().states(MemberState.ALIVE).build()).size());
    assertTrue(b.members(MemberFilter.builder().states(MemberState.FAILED, MemberState.LEFT).build()).isEmpty());
    assertTrue(b.members(MemberFilter.builder().group("nobody-here").build()).isEmpty());
    assertEquals(3, b.members(MemberFilter.ALL).size());

    List<Member> all = b.members();
    assertEquals(List.of("alpha", "bravo", "charlie"), all.stream().map(Member::name).collect(Collectors.toList()));
    assertEquals(2, b.stats().membersAlive());
  }

  @Test
  void watchListenersSeeJoinUpdateLeaveAndFailureOnTheBindingThread() throws Exception {
    Inbox<MemberEvent> events = new Inbox<>();
    List<Thread> threads = java.util.Collections.synchronizedList(new ArrayList<>());
    Subscription sub = a.watchMembers(true, e -> {
      threads.add(Thread.currentThread());
      if (e instanceof MemberEvent m) {
        events.add(m);
      }
    });
    Inbox<MemberEvent> group = new Inbox<>();
    a.watchGroup("orders", true, e -> group.add((MemberEvent) e));

    MemberEvent self = events.take("initial JOINED of alpha itself", e -> e.member().name().equals("alpha"));
    assertEquals(EventType.MEMBER_JOINED, self.type());

    joinAll();
    events.take("bravo joined", e -> e.type() == EventType.MEMBER_JOINED && e.member().name().equals("bravo"));
    events.take("charlie joined", e -> e.type() == EventType.MEMBER_JOINED && e.member().name().equals("charlie"));

    b.register(Registration.builder().groups("orders").tag("version", "2").build());
    MemberEvent updated = events.take("bravo updated",
        e -> e.type() == EventType.MEMBER_UPDATED && e.member().name().equals("bravo"));
    assertEquals("2", updated.member().tags().get("version"));
    MemberEvent inGroup = group.take("bravo in group orders", e -> e.member().name().equals("bravo"));
    assertEquals(List.of("orders"), inGroup.member().groups());

    c.leave(TestSupport.DEADLINE);
    MemberEvent left = events.take("charlie left", e -> e.member().name().equals("charlie")
        && e.type() == EventType.MEMBER_LEFT);
    assertEquals(MemberState.LEFT, left.member().state());

    b.close(); // without leaving
    MemberEvent failed = events.take("bravo failed", e -> e.member().name().equals("bravo")
        && e.type() == EventType.MEMBER_FAILED);
    assertEquals(MemberState.FAILED, failed.member().state());
    assertEquals(Set.of("bravo"),
        names(a.members(MemberFilter.builder().states(MemberState.FAILED).build())));

    assertFalse(threads.isEmpty());
    for (Thread t : threads) {
      assertSame(sub.thread(), t);
      assertTrue(t.getName().startsWith("wkd-watch-alpha-"), t.getName());
    }
    assertNotEquals(Thread.currentThread(), sub.thread());
  }

  @Test
  void userEventsReachEveryNodeWithTheirPayload() throws Exception {
    joinAll();
    BlockingQueue<UserEvent> onB = new LinkedBlockingQueue<>();
    BlockingQueue<UserEvent> onC = new LinkedBlockingQueue<>();
    b.watchUserEvents(null, e -> onB.add((UserEvent) e));
    c.watchUserEvents("deploy", e -> onC.add((UserEvent) e));

    byte[] binary = {0, 1, 2, (byte) 0xff, (byte) 0xfe};
    a.fireEvent("noise", binary);
    a.fireEvent("deploy", "v2 \u2603".getBytes(StandardCharsets.UTF_8), false);

    // Gossip does not keep the order of events; collect both.
    Map<String, UserEvent> received = new HashMap<>();
    while (received.size() < 2) {
      UserEvent e = next(onB, "noise and deploy on bravo", x -> true);
      received.put(e.name(), e);
    }
    assertEquals(Set.of("noise", "deploy"), received.keySet());
    assertArrayEquals(binary, received.get("noise").payload());
    UserEvent deploy = received.get("deploy");
    assertEquals("v2 \u2603", deploy.payloadText());
    assertEquals("v2 \u2603", new String(deploy.payload(), StandardCharsets.UTF_8));

    UserEvent first = next(onC, "deploy on charlie", e -> true);
    assertEquals("deploy", first.name()); // the name filter kept "noise" out
    assertEquals(deploy.ltime(), first.ltime());

    c.fireEvent("empty", (byte[]) null);
    UserEvent empty = next(onB, "empty on bravo", e -> e.name().equals("empty"));
    assertEquals(0, empty.payload().length);
  }

  @Test
  void healthIsGossiped() throws Exception {
    joinAll();
    b.setHealth(Health.CRITICAL, "disk full");
    await("alpha sees bravo critical",
        () -> a.member("bravo").map(m -> m.health() == Health.CRITICAL).orElse(false));
    assertEquals("critical", a.member("bravo").orElseThrow().tags().get("health"));
  }
}
