package dev.weftkit.wkd;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** Deadlines and node set-ups shared by the tests. */
final class TestSupport {
  /** Every wait of the tests ends by this deadline. */
  static final Duration DEADLINE = Duration.ofSeconds(30);

  private TestSupport() {}

  /** A loopback node with quick failure detection, bound to a free port. */
  static NodeBuilder quick(String name) {
    return Node.builder()
        .preset(Preset.LOCAL)
        .name(name)
        .bind("127.0.0.1:0")
        .option("probe_interval_ms", 200)
        .option("probe_timeout_ms", 100)
        .option("gossip_interval_ms", 50);
  }

  /** Waits until the condition holds, failing at the deadline. */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        fail("not within " + DEADLINE + ": " + what);
      }
      Thread.sleep(50);
    }
  }

  /**
   * Items arriving from another thread (watch events, lines of a program),
   * taken by what they are rather than by when they came: an item that does
   * not match one wait stays for the next, so two events racing each other
   * (a member event printed before the join that caused it returned) cannot
   * make a later wait miss the one it looks for.
   */
  static final class Inbox<T> {
    private final BlockingQueue<T> arrived = new LinkedBlockingQueue<>();
    private final List<T> kept = new ArrayList<>();

    /** Called from any thread. */
    void add(T item) {
      arrived.add(item);
    }

    /**
     * The oldest item that matches, from those kept by earlier waits and
     * then from new arrivals; fails at the deadline. Only the waiting
     * (test) thread calls this.
     */
    T take(String what, Predicate<T> match) throws InterruptedException {
      for (Iterator<T> it = kept.iterator(); it.hasNext(); ) {
        T item = it.next();
        if (match.test(item)) {
          it.remove();
          return item;
        }
      }
      return next(arrived, what, item -> {
        if (match.test(item)) {
          return true;
        }
        kept.add(item);
        return false;
      });
    }
  }

  /** Takes items off a queue until one matches, dropping the others; fails at the deadline. */
  static <T> T next(BlockingQueue<T> queue, String what, Predicate<T> match) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      long left = end - System.nanoTime();
      T item = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
      if (item == null) {
        fail("not within " + DEADLINE + ": " + what);
      }
      if (match.test(item)) {
        return item;
      }
    }
  }
}
