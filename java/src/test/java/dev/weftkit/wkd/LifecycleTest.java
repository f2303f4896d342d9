package dev.weftkit.wkd;

import static dev.weftkit.wkd.TestSupport.await;
import static dev.weftkit.wkd.TestSupport.quick;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class LifecycleTest {
  @Test
  void closeTwiceAndUseAfterClose() {
    Node node = quick("closer").start();
    String name = node.name();
    node.close();
    node.close();
    assertTrue(node.isClosed());
    assertEquals(name, node.name());
    List<Executable> calls = List.of(
        node::start,
        () -> node.join("127.0.0.1:1", Duration.ofSeconds(1)),
        () -> node.leave(Duration.ofSeconds(1)),
        node::members,
        () -> node.member("closer"),
        () -> node.register(Registration.builder().databaseType("x").build()),
        () -> node.fireEvent("e", "p"),
        () -> node.watchMembers(false, e -> {}),
        () -> node.watchUserEvents(null, e -> {}),
        node::stats,
        node::localAddress,
        () -> node.setHealth(Health.WARNING, "x"),
        node::keys,
        () -> node.installKey("aGVsbG8taGVsbG8tMTIzNA=="));
    for (Executable call : calls) {
      WkdClosedException e = assertThrows(WkdClosedException.class, call);
      assertEquals(Status.E_CLOSED, e.status());
      assertEquals("node is closed", e.getMessage());
    }
  }

  @Test
  void stateErrors() {
    try (Node node = quick("stateful").build()) {
      WkdStateException notStarted = assertThrows(WkdStateException.class, node::localAddress);
      assertFalse(notStarted.getMessage().isEmpty());
      node.start();
      assertTrue(node.localPort() > 0);
      assertEquals("127.0.0.1:" + node.localPort(), node.localAddress());
      assertThrows(WkdStateException.class, node::start);
      WkdStateException noKeyring = assertThrows(WkdStateException.class, node::keys);
      assertTrue(noKeyring.getMessage().contains("keyring"), noKeyring.getMessage());
    }
  }

  @Test
  void addressInUse() {
    try (Node first = quick("first").bind("127.0.0.9:0").start()) {
      NodeBuilder second = quick("second").bind(first.localAddress());
      WkdAddressInUseException e = assertThrows(WkdAddressInUseException.class, second::start);
      assertEquals(Status.E_ADDRINUSE, e.status());
      assertFalse(e.getMessage().isEmpty());
    }
  }

  @Test
  void badArgumentsNeverCrash() {
    try (Node node = quick("args").start()) {
      assertThrows(NullPointerException.class, () -> node.join((String) null, Duration.ofSeconds(1)));
      assertThrows(NullPointerException.class, () -> node.join(Arrays.asList("127.0.0.1:1", null), Duration.ofSeconds(1)));
      assertThrows(NullPointerException.class, () -> node.join("127.0.0.1:1", null));
      assertThrows(WkdInvalidArgumentException.class, () -> node.join("127.0.0.1:1", Duration.ofSeconds(-1)));
      assertThrows(NullPointerException.class, () -> node.register(null));
      assertThrows(NullPointerException.class, () -> node.fireEvent(null, "x"));
      assertThrows(NullPointerException.class, () -> node.watchMembers(true, null));
      assertThrows(NullPointerException.class, () -> node.setHealth(null, null));
      WkdInvalidArgumentException noSeeds = assertThrows(WkdInvalidArgumentException.class,
          () -> node.join(List.of(), Duration.ofSeconds(1)));
      assertFalse(noSeeds.getMessage().isEmpty());
      WkdIoException badSeed = assertThrows(WkdIoException.class,
          () -> node.join("no port here", Duration.ofSeconds(5)));
      assertTrue(badSeed.getMessage().contains("no port here"), badSeed.getMessage());
      WkdInvalidArgumentException emptyName = assertThrows(WkdInvalidArgumentException.class,
          () -> node.fireEvent("", "x"));
      assertFalse(emptyName.getMessage().isEmpty());
      assertThrows(WkdInvalidArgumentException.class, () -> node.watch(WatchKind.GROUP, null, false, 0, e -> {}));
      assertThrows(WkdNotSupportedException.class, () -> node.watch(WatchKind.SERVICE, "pg", false, 0, e -> {}));
      // The node is still fine.
      assertEquals(1, node.members().size());
    }
  }

  @Test
  void registrationErrorsCarryTheLibraryMessage() throws InterruptedException {
    try (Node node = quick("reg").start()) {
      WkdInvalidArgumentException group = assertThrows(WkdInvalidArgumentException.class,
          () -> node.register(Registration.builder().groups("Not A Group").build()));
      assertTrue(group.getMessage().contains("Not A Group"), group.getMessage());
      WkdInvalidArgumentException reserved = assertThrows(WkdInvalidArgumentException.class,
          () -> node.register(Registration.builder().tag("db", "x").build()));
      assertTrue(reserved.getMessage().contains("db"), reserved.getMessage());
      WkdTooBigException big = assertThrows(WkdTooBigException.class,
          () -> node.register(Registration.builder().tag("blob", "x".repeat(600)).build()));
      assertEquals(Status.E_TOOBIG, big.status());
      assertTrue(big.getMessage().contains("512"), big.getMessage());
      WkdTooBigException bigEvent = assertThrows(WkdTooBigException.class,
          () -> node.fireEvent("big", new byte[64 * 1024]));
      assertFalse(bigEvent.getMessage().isEmpty());
      // The previous identity stays in force.
      node.register(Registration.builder().databaseType("pg").groups("ok").build());
      await("the valid identity is published", () -> node.members().get(0).groups().equals(List.of("ok")));
      assertEquals("pg", node.members().get(0).databaseType());
    }
  }

  @Test
  void keyringRotation() {
    String k1 = "T9jncgl9mbLus+baTTa7q7nPSUrXwbDi2dhbtqir37s=";
    String k2 = "HvY8ubRZMgafUOWvrOadwOckVa1wN3QWAo46FVKbVN8=";
    try (Node node = quick("keys").encryptKey(k1).start()) {
      assertEquals(List.of(k1), node.keys());
      node.installKey(k2);
      assertEquals(2, node.keys().size());
      node.useKey(k2);
      assertEquals(k2, node.keys().get(0));
      assertThrows(WkdStateException.class, () -> node.removeKey(k2));
      node.removeKey(k1);
      assertEquals(List.of(k2), node.keys());
      assertThrows(WkdNotFoundException.class, () -> node.useKey(k1));
      assertThrows(WkdInvalidArgumentException.class, () -> node.installKey("not base64!"));
    }
  }

  @Test
  void closeWakesABlockedWatchAndEndsItsThread() throws Exception {
    Node node = quick("watched").start();
    Subscription sub = node.watchUserEvents(null, e -> {});
    assertTrue(sub.isActive());
    node.close();
    sub.thread().join(TestSupport.DEADLINE.toMillis());
    assertFalse(sub.thread().isAlive());
    assertFalse(sub.isActive());
    sub.close(); // idempotent after the node's close
  }

  @Test
  void subscriptionCloseStopsDelivery() throws Exception {
    try (Node node = quick("unsub").start()) {
      List<Event> seen = new ArrayList<>();
      Subscription sub = node.watchMembers(false, seen::add);
      sub.close();
      sub.close();
      assertFalse(sub.isActive());
      assertFalse(sub.thread().isAlive());
      // Other watches of the node keep working.
      CountDownLatch got = new CountDownLatch(1);
      node.watchUserEvents("ping", e -> got.countDown());
      node.fireEvent("ping", "x");
      assertTrue(got.await(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void closeFromAListener() throws Exception {
    Node node = quick("self-closing").start();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch closed = new CountDownLatch(1);
    Subscription sub = node.watchUserEvents(null, e -> {
      try {
        node.close();
        node.close();
        closed.countDown();
        node.members();
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    try {
      node.fireEvent("bye", "now");
    } catch (WkdClosedException closedFirst) {
      // the event reached the listener, which closed the node, before the call returned
    }
    assertTrue(closed.await(30, TimeUnit.SECONDS));
    await("the listener returned", () -> failure.get() != null);
    assertTrue(failure.get() instanceof WkdClosedException, String.valueOf(failure.get()));
    assertTrue(node.isClosed());
    sub.thread().join(TestSupport.DEADLINE.toMillis());
    assertFalse(sub.thread().isAlive());
  }

  @Test
  void listenerExceptionsDoNotStopTheWatch() throws Exception {
    try (Node node = quick("throwing").start()) {
      List<String> names = java.util.Collections.synchronizedList(new ArrayList<>());
      node.watchUserEvents(null, e -> {
        names.add(((UserEvent) e).name());
        throw new IllegalStateException("listener failure (expected by the test)");
      });
      node.fireEvent("one", "1");
      node.fireEvent("two", "2");
      await("both events delivered", () -> names.size() == 2);
      assertEquals(List.of("one", "two"), names);
    }
  }

  @Test
  void statsCount() {
    try (Node node = quick("counted").start()) {
      Stats s = node.stats();
      assertNotNull(s);
      assertEquals(0, s.membersAlive());
      assertTrue(s.incarnation() >= 0);
    }
  }

  @Test
  @SuppressWarnings("try") // the node is closed inside its try block on purpose
  void joinTimesOutOnASilentSeedAndCloseWakesAWaitingJoin() throws Exception {
    // A TCP listener that never answers: the handshake completes in the backlog.
    try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"));
         Node node = quick("patient").start()) {
      String seed = "127.0.0.1:" + silent.getLocalPort();
      WkdTimeoutException timeout = assertThrows(WkdTimeoutException.class,
          () -> node.join(seed, Duration.ofMillis(300)));
      assertEquals(Status.E_TIMEOUT, timeout.status());
      assertFalse(timeout.getMessage().isEmpty());

      AtomicReference<Throwable> outcome = new AtomicReference<>();
      CountDownLatch started = new CountDownLatch(1);
      Thread joiner = new Thread(() -> {
        started.countDown();
        try {
          node.join(seed, Duration.ofMinutes(10));
          outcome.set(new AssertionError("join returned"));
        } catch (Throwable t) {
          outcome.set(t);
        }
      });
      joiner.start();
      assertTrue(started.await(30, TimeUnit.SECONDS));
      Thread.sleep(200); // let the join start waiting; closing earlier is fine too
      node.close();
      joiner.join(TestSupport.DEADLINE.toMillis());
      assertFalse(joiner.isAlive());
      assertTrue(outcome.get() instanceof WkdClosedException, String.valueOf(outcome.get()));
    }
  }

  @Test
  void closeWhileOtherThreadsCallTheNode() throws Exception {
    Node node = quick("busy").start();
    node.watchMembers(true, e -> {});
    List<Thread> threads = new ArrayList<>();
    List<Throwable> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch running = new CountDownLatch(4);
    for (int t = 0; t < 4; t++) {
      Thread th = new Thread(() -> {
        running.countDown();
        try {
          while (true) {
            node.members();
            node.stats();
            node.fireEvent("tick", "x");
            node.member("busy");
          }
        } catch (WkdClosedException expected) {
          // the node was closed under us
        } catch (Throwable other) {
          unexpected.add(other);
        }
      });
      threads.add(th);
      th.start();
    }
    assertTrue(running.await(30, TimeUnit.SECONDS));
    Thread.sleep(100);
    node.close();
    for (Thread th : threads) {
      th.join(TestSupport.DEADLINE.toMillis());
      assertFalse(th.isAlive());
    }
    assertTrue(unexpected.isEmpty(), unexpected.toString());
  }

  @Test
  void aListenerMayCloseItsOwnSubscription() throws Exception {
    try (Node node = quick("one-shot").start()) {
      List<String> names = java.util.Collections.synchronizedList(new ArrayList<>());
      AtomicReference<Subscription> self = new AtomicReference<>();
      CountDownLatch ready = new CountDownLatch(1);
      self.set(node.watchUserEvents(null, e -> {
        names.add(((UserEvent) e).name());
        try {
          ready.await();
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        }
        self.get().close();
      }));
      ready.countDown();
      node.fireEvent("first", "1");
      await("the dispatcher ended", () -> !self.get().thread().isAlive());
      assertFalse(self.get().isActive());
      assertEquals(List.of("first"), names);
      // The node itself is unaffected.
      CountDownLatch second = new CountDownLatch(1);
      node.watchUserEvents("second", e -> second.countDown());
      node.fireEvent("second", "2");
      assertTrue(second.await(30, TimeUnit.SECONDS));
      assertEquals(List.of("first"), names);
    }
  }
}
