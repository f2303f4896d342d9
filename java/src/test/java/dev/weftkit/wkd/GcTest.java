package dev.weftkit.wkd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Nodes that are dropped without close() are released by the Cleaner. */
class GcTest {
  private static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static long watchThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("wkd-watch-gc-"))
        .count();
  }

  private static void startAndDrop(int i) {
    Node node = Node.builder()
        .preset(Preset.LOCAL)
        .name("gc-" + i)
        .bind("127.0.0.1:0")
        .logLevel(LogLevel.ERROR)
        .start();
    if (i % 10 == 0) {
      node.watchMembers(true, event -> {}); // a dispatcher thread must not keep the node alive
    }
  }

  @Test
  void thousandUnclosedNodesAreReleased() throws Exception {
    try (Node warmUp = Node.builder().preset(Preset.LOCAL).bind("127.0.0.1:0").start()) {
      assertEquals(1, warmUp.members().size());
    }
    System.gc();
    long baseline = openFds();

    for (int i = 0; i < 1000; i++) {
      startAndDrop(i);
      if (i % 100 == 99) {
        System.gc();
      }
    }

    long end = System.nanoTime() + TestSupport.DEADLINE.toNanos();
    long fds;
    while ((fds = openFds()) > baseline || watchThreads() > 0) {
      assertTrue(System.nanoTime() < end,
          "descriptors did not return to " + baseline + " (now " + fds + ", watch threads " + watchThreads() + ")");
      System.gc();
      Thread.sleep(100);
    }
    assertTrue(fds <= baseline);
  }
}
