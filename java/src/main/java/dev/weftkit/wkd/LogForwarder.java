package dev.weftkit.wkd;

import dev.weftkit.wkd.jni.WkdNative;
import dev.weftkit.wkd.jni.wkd_log_entry;
import dev.weftkit.wkd.jni.wkd_log_level;

/**
 * One node's log queue and the daemon thread that drains it into a
 * {@link System.Logger}. The library never calls Java from its loop thread:
 * the loop copies each line into the bounded native queue and returns at
 * once, so a slow logger delays only this thread. Lines beyond the queue's
 * capacity are dropped and counted; a WARNING record says how many.
 *
 * <p>Records use the format {@code "[{0}] {1}"} with the node's name and the
 * line as parameters, so a bridge to java.util.logging or another framework
 * keeps the node name as a parameter of the record.
 */
final class LogForwarder {
  /** The format of a line's record: {0} the node name, {1} the line. */
  static final String LINE_FORMAT = "[{0}] {1}";
  /** The format of a drop warning: {0} the node name, {1} how many lines. */
  static final String DROPPED_FORMAT = "[{0}] {1} log lines dropped: the log handler fell behind";
  /** The logger used unless the builder is given one. */
  static final String LOGGER_NAME = "dev.weftkit.wkd";

  private final System.Logger logger;
  private long queue; // guarded by this; 0 once the thread has freed it
  private long finalDropped; // guarded by this; the drop count when the queue was freed
  private final Thread thread;

  /** Creates the native queue; {@link #start} starts draining it. */
  LogForwarder(System.Logger logger, int capacity, String threadName) {
    this.logger = logger;
    long[] out = new long[1];
    WkdNative.wkd_log_queue_new(out, capacity);
    this.queue = out[0];
    this.thread = new Thread(this::drain, threadName);
    this.thread.setDaemon(true);
  }

  /** Points a configuration (a clone made for one node) at this queue. */
  synchronized void attach(long config, LogLevel level) {
    WkdNative.wkd_config_set_log_queue(config, level.code, queue);
  }

  void start() {
    thread.start();
  }

  /** Closes the queue: the thread logs what is left, then frees it and ends. Does not wait. */
  synchronized void close() {
    if (queue != 0) {
      WkdNative.wkd_log_queue_close(queue);
    }
  }

  /** Releases the queue of a forwarder never started. */
  synchronized void discard() {
    if (queue != 0) {
      WkdNative.wkd_log_queue_free(queue);
      queue = 0;
    }
  }

  synchronized long dropped() {
    return queue == 0 ? finalDropped : WkdNative.wkd_log_queue_dropped(queue);
  }

  private synchronized long handle() {
    return queue;
  }

  private void drain() {
    long q = handle(); // only this thread frees it, at the end
    wkd_log_entry e = new wkd_log_entry();
    try {
      while (true) {
        try {
          WkdNative.wkd_log_queue_next(e, q, -1);
        } catch (WkdCanceledException closed) {
          return;
        }
        String node = e.getNode_name();
        long dropped = e.getDropped();
        String message = e.getMessage();
        try {
          if (dropped > 0) {
            logger.log(System.Logger.Level.WARNING, DROPPED_FORMAT, node, Long.toString(dropped));
          }
          if (message != null) {
            logger.log(levelOf(e.getLevel()), LINE_FORMAT, node, message);
          }
        } catch (RuntimeException ignored) {
          // a failing logger must not end the forwarding
        }
      }
    } finally {
      e.delete();
      synchronized (this) {
        finalDropped = WkdNative.wkd_log_queue_dropped(queue);
        WkdNative.wkd_log_queue_free(queue);
        queue = 0;
      }
    }
  }

  static System.Logger.Level levelOf(int level) {
    if (level == wkd_log_level.WKD_LOG_DEBUG) {
      return System.Logger.Level.DEBUG;
    } else if (level == wkd_log_level.WKD_LOG_INFO) {
      return System.Logger.Level.INFO;
    } else if (level == wkd_log_level.WKD_LOG_ERROR) {
      return System.Logger.Level.ERROR;
    }
    return System.Logger.Level.WARNING;
  }
}
