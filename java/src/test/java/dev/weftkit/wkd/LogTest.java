package dev.weftkit.wkd;

import static dev.weftkit.wkd.TestSupport.DEADLINE;
import static dev.weftkit.wkd.TestSupport.await;
import static dev.weftkit.wkd.TestSupport.quick;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A node's log lines reach a System.Logger, and a slow logger never stalls the node. */
class LogTest {
  /** One record as the test logger received it. */
  record Rec(System.Logger.Level level, String node, String text, long dropped) {}

  /** Keeps every record; with a release latch, the first record waits for it. */
  static final class RecordingLogger implements System.Logger {
    final List<Rec> recs = new ArrayList<>();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release;

    RecordingLogger(boolean blocking) {
      release = new CountDownLatch(blocking ? 1 : 0);
    }

    @Override
    public String getName() {
      return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      add(new Rec(level, "", msg, 0));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      entered.countDown();
      try {
        release.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      long dropped = LogForwarder.DROPPED_FORMAT.equals(format) ? Long.parseLong((String) params[1]) : 0;
      add(new Rec(level, (String) params[0], MessageFormat.format(format, params), dropped));
    }

    private synchronized void add(Rec r) {
      recs.add(r);
    }

    synchronized List<Rec> find(String text) {
      List<Rec> out = new ArrayList<>();
      for (Rec r : recs) {
        if (r.text().contains(text)) {
          out.add(r);
        }
      }
      return out;
    }

    Rec await(String text) throws InterruptedException {
      TestSupport.await("a record containing " + text, () -> !find(text).isEmpty());
      return find(text).get(0);
    }
  }

  private final List<Node> nodes = new ArrayList<>();

  private Node track(Node n) {
    nodes.add(n);
    return n;
  }

  @AfterEach
  void closeAll() {
    nodes.forEach(Node::close);
  }

  /** Undecodable datagrams: one DEBUG line each, on the node's loop thread. */
  private static void sendGarbage(Node n, int count) throws Exception {
    String addr = n.localAddress();
    int port = Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < count; i++) {
        byte[] b = ("\u00fe\u0000not a memberlist packet " + i).getBytes(StandardCharsets.ISO_8859_1);
        s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
      }
    }
  }

  @Test
  void linesArriveWithLevelAndNodeName() throws Exception {
    RecordingLogger log = new RecordingLogger(false);
    Node n = track(quick("log-a").logLevel(LogLevel.DEBUG).logger(log).start());

    n.setHealth(Health.WARNING, "disk almost full");
    Rec info = log.await("health is now warning: disk almost full");
    assertEquals(System.Logger.Level.INFO, info.level());
    assertEquals("log-a", info.node());
    assertTrue(info.text().startsWith("[log-a] "), info.text());

    sendGarbage(n, 1);
    Rec debug = log.await("memberlist: dropped a");
    assertEquals(System.Logger.Level.DEBUG, debug.level());
    assertEquals("log-a", debug.node());

    // An unknown message type on a TCP stream is logged at WARN.
    String addr = n.localAddress();
    int port = Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.getOutputStream().write("\u0063 not a stream message".getBytes(StandardCharsets.ISO_8859_1));
    }
    Rec warn = log.await("failed to read stream");
    assertEquals(System.Logger.Level.WARNING, warn.level());
    assertEquals("log-a", warn.node());
    assertEquals(0, n.logLinesDropped());
  }

  @Test
  void defaultLoggerIsDevWeftkitWkdWithTheNodeAsParameter() throws Exception {
    Logger jul = Logger.getLogger(LogForwarder.LOGGER_NAME); // held: the LogManager keeps it weakly
    List<LogRecord> got = new ArrayList<>();
    Handler h = new Handler() {
      @Override
      public synchronized void publish(LogRecord r) {
        got.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Level old = jul.getLevel();
    jul.addHandler(h);
    jul.setLevel(Level.ALL);
    try {
      Node n = track(quick("log-b").logLevel(LogLevel.INFO).start());
      sendGarbage(n, 3); // DEBUG: below the node's level, never queued
      n.setHealth(Health.CRITICAL, "on fire");
      await("the INFO record on " + LogForwarder.LOGGER_NAME, () -> {
        synchronized (h) {
          return got.stream().anyMatch(r -> param(r, 1).endsWith("on fire"));
        }
      });
      synchronized (h) {
        LogRecord r = got.stream().filter(x -> param(x, 1).endsWith("on fire")).findFirst().orElseThrow();
        assertEquals(Level.INFO, r.getLevel());
        assertEquals("log-b", r.getParameters()[0]);
        assertFalse(got.stream().anyMatch(x -> param(x, 1).contains("dropped a")));
      }
    } finally {
      jul.removeHandler(h);
      jul.setLevel(old);
    }
  }

  private static String param(LogRecord r, int i) {
    Object[] p = r.getParameters();
    return p != null && p.length > i ? String.valueOf(p[i]) : "";
  }

  @Test
  void stderrAndOffBypassTheLogger() {
    RecordingLogger log = new RecordingLogger(false);
    try (Node loud = quick("log-c").logger(log).logLevel(LogLevel.INFO).logToStderr().start();
        Node quiet = quick("log-d").logger(log).logLevel(LogLevel.OFF).start()) {
      loud.setHealth(Health.WARNING, "to stderr");
      quiet.setHealth(Health.WARNING, "to nowhere");
    }
    assertTrue(log.find("").isEmpty(), () -> "records: " + log.find(""));
    assertThrows(WkdInvalidArgumentException.class, () -> quick("log-e").logQueueCapacity(0));
    WkdInvalidArgumentException e = assertThrows(WkdInvalidArgumentException.class,
        () -> quick("log-e").logger(log).logQueueCapacity(1 << 21).build());
    assertTrue(e.getMessage().contains("capacity"), e.getMessage());
  }

  @Test
  void blockedLoggerDoesNotStallTheNode() throws Exception {
    RecordingLogger log = new RecordingLogger(true);
    Node a = track(quick("log-slow").logLevel(LogLevel.DEBUG).logger(log).logQueueCapacity(8).start());
    Node b = track(quick("log-peer").logLevel(LogLevel.ERROR).start());
    try {
      sendGarbage(a, 200);
      assertTrue(log.entered.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "the logger got no record");
      await("lines beyond the queue to be dropped", () -> a.logLinesDropped() >= 100);
      // The logger is still blocked; the node's loop must still answer.
      assertEquals(1, b.join(List.of(a.localAddress()), DEADLINE));
      await("log-slow to see log-peer alive",
          () -> a.member("log-peer").map(m -> m.state() == MemberState.ALIVE).orElse(false));
      assertEquals(1, log.release.getCount());
    } finally {
      log.release.countDown();
    }
    await("drop warnings to account for every dropped line", () -> {
      long sum = 0;
      for (Rec r : log.find("log lines dropped")) {
        sum += r.dropped();
      }
      return sum == a.logLinesDropped();
    });
    Rec note = log.find("log lines dropped").get(0);
    assertEquals(System.Logger.Level.WARNING, note.level());
    assertEquals("log-slow", note.node());
  }
}
