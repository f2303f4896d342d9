package dev.weftkit.wkd;

import dev.weftkit.wkd.jni.WkdNative;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A running watch: a pulled wkd watch and the binding's dispatcher thread
 * that takes its events (wkd_watch_next_event) and hands them to the
 * listener. Closing it cancels the watch; closing the node closes it too.
 */
public final class Subscription implements AutoCloseable {
  private final Core core;

  Subscription(Core core) {
    this.core = core;
  }

  /** The dispatcher thread, on which the listener runs. */
  public Thread thread() {
    return core.thread;
  }

  /** What the watch follows. */
  public WatchKind kind() {
    return core.kind;
  }

  /** True until the subscription or its node is closed. */
  public boolean isActive() {
    return !core.cancelled && core.thread.isAlive();
  }

  /**
   * Cancels the watch and waits (up to 5 s) for the dispatcher thread to end,
   * unless called from the listener itself. Idempotent.
   */
  @Override
  public void close() {
    core.cancel();
    core.awaitDispatcher(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
    core.free();
  }

  /**
   * The native watch and its dispatcher. The watch handle is freed exactly
   * once, under the write lock; every other use holds the read lock, so a
   * free never races a call in progress. wkd_watch_cancel may run while the
   * dispatcher waits in wkd_watch_next_event: it wakes it up.
   */
  static final class Core implements Runnable {
    private static final System.Logger LOG = System.getLogger("dev.weftkit.wkd");

    final long watch;
    final WatchKind kind;
    final Node.State node;
    final WatchListener listener;
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    volatile boolean cancelled;
    private boolean freed; // guarded by lock's write lock
    Thread thread;

    Core(long watch, WatchKind kind, Node.State node, WatchListener listener) {
      this.watch = watch;
      this.kind = kind;
      this.node = node;
      this.listener = listener;
    }

    @Override
    public void run() {
      long[] holder = new long[1];
      try {
        while (true) {
          lock.readLock().lock();
          try {
            if (freed || cancelled) {
              return;
            }
            WkdNative.wkd_watch_next_event(holder, watch, -1);
          } catch (WkdTimeoutException spurious) {
            continue;
          } catch (WkdException canceledOrClosed) {
            return;
          } finally {
            lock.readLock().unlock();
          }
          Event event;
          try {
            event = Native.event(holder[0]);
          } finally {
            WkdNative.wkd_event_free(holder[0]);
          }
          if (cancelled) {
            return;
          }
          try {
            listener.onEvent(event);
          } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "wkd watch listener threw on " + event, t);
          }
        }
      } finally {
        free();
      }
    }

    void cancel() {
      lock.readLock().lock();
      try {
        cancelled = true;
        if (!freed) {
          WkdNative.wkd_watch_cancel(watch);
        }
      } finally {
        lock.readLock().unlock();
      }
    }

    void awaitDispatcher(long deadlineNanos) {
      if (thread == Thread.currentThread()) {
        return;
      }
      long left = deadlineNanos - System.nanoTime();
      try {
        if (left > 0) {
          thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void free() {
      lock.writeLock().lock();
      try {
        if (!freed) {
          freed = true;
          cancelled = true;
          WkdNative.wkd_watch_free(watch);
        }
      } finally {
        lock.writeLock().unlock();
      }
      node.watches.remove(this);
    }
  }
}
