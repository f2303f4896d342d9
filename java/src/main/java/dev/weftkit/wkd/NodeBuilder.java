package dev.weftkit.wkd;

import dev.weftkit.wkd.jni.WkdNative;
import dev.weftkit.wkd.jni.wkd_option;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of a node: a preset and options set by name, each checked by
 * the library at once (a bad value throws WkdInvalidArgumentException with
 * the library's message naming the option and its bounds; an unknown name
 * throws WkdNotFoundException). {@link #build()} and {@link #start()} copy
 * the configuration, so one builder can make several nodes. Not thread-safe.
 *
 * <pre>{@code
 * Node node = Node.builder()
 *     .preset(Preset.LOCAL)
 *     .name("db-1")
 *     .bind("127.0.0.1:0")
 *     .option("probe_interval_ms", 500)
 *     .start();
 * }</pre>
 */
public final class NodeBuilder {
  /** Owns the native builder; also the Cleaner action. */
  private static final class Config implements Runnable {
    final long handle;

    Config(long handle) {
      this.handle = handle;
    }

    @Override
    public void run() {
      WkdNative.wkd_config_free(handle);
    }
  }

  private Config config;
  private Cleaner.Cleanable cleanable;
  private Preset preset;
  private LogLevel logLevel;
  private System.Logger logger; // null: System.getLogger("dev.weftkit.wkd")
  private boolean logToStderr;
  private int logQueueCapacity = 1024;
  /** Options set so far, by id (Long, Boolean or String), replayed on a preset change. */
  private final Map<Integer, Object> values = new LinkedHashMap<>();

  NodeBuilder() {
    replace(Preset.LAN);
  }

  /** Starts over from a preset's values, keeping the options set so far. The default is LAN. */
  public NodeBuilder preset(Preset preset) {
    Objects.requireNonNull(preset, "preset");
    replace(preset);
    return this;
  }

  /** The preset in use. */
  public Preset preset() {
    return preset;
  }

  /** The node name, unique in the cluster (option node_name; default: the host name). */
  public NodeBuilder name(String name) {
    return set(wkd_option.WKD_OPT_NODE_NAME, Objects.requireNonNull(name, "name"));
  }

  /** The UDP and TCP address, "ip:port"; port 0 picks a free port (option bind_addr). */
  public NodeBuilder bind(String address) {
    return set(wkd_option.WKD_OPT_BIND_ADDR, Objects.requireNonNull(address, "address"));
  }

  /** The address told to peers, "ip:port" (option advertise_addr; default: the bound one). */
  public NodeBuilder advertise(String address) {
    return set(wkd_option.WKD_OPT_ADVERTISE_ADDR, Objects.requireNonNull(address, "address"));
  }

  /** The gossip encryption key, base64 of 16, 24 or 32 bytes (option encrypt_key). */
  public NodeBuilder encryptKey(String keyBase64) {
    return set(wkd_option.WKD_OPT_ENCRYPT_KEY, Objects.requireNonNull(keyBase64, "key"));
  }

  /** Sets an integer option by name, e.g. {@code option("probe_interval_ms", 500)}. */
  public NodeBuilder option(String name, long value) {
    return set(Native.optionId(name), value);
  }

  /** Sets a millisecond option by name from a Duration, e.g. {@code option("probe_interval_ms", Duration.ofMillis(500))}. */
  public NodeBuilder option(String name, Duration value) {
    Objects.requireNonNull(value, "value");
    long ms;
    try {
      ms = value.toMillis();
    } catch (ArithmeticException e) {
      ms = value.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return set(Native.optionId(name), ms);
  }

  /** Sets a boolean option by name, e.g. {@code option("enable_compression", true)}. */
  public NodeBuilder option(String name, boolean value) {
    return set(Native.optionId(name), value);
  }

  /** Sets a string option by name, e.g. {@code option("label", "prod")}. */
  public NodeBuilder option(String name, String value) {
    return set(Native.optionId(name), Objects.requireNonNull(value, "value"));
  }

  /**
   * The lowest level of the log lines the node emits (default WARN); OFF
   * silences it. Lines go to {@link #logger}, or stderr with {@link #logToStderr}.
   */
  public NodeBuilder logLevel(LogLevel level) {
    Objects.requireNonNull(level, "level");
    applyLogLevel(config.handle, level);
    logLevel = level;
    return this;
  }

  /**
   * Where the node's log lines go (default: {@code System.getLogger("dev.weftkit.wkd")}).
   * Each record has the format {@code "[{0}] {1}"} with the node's name and the
   * line as parameters; levels map to DEBUG, INFO, WARNING and ERROR. The lines
   * pass through a queue drained by a thread of the binding, so a slow logger
   * never stalls the node; lines beyond {@link #logQueueCapacity} are dropped
   * and counted ({@link Node#logLinesDropped()}), and a WARNING says how many.
   */
  public NodeBuilder logger(System.Logger logger) {
    this.logger = Objects.requireNonNull(logger, "logger");
    this.logToStderr = false;
    return this;
  }

  /** Makes the library write the node's log lines to stderr itself instead of a System.Logger. */
  public NodeBuilder logToStderr() {
    this.logToStderr = true;
    this.logger = null;
    return this;
  }

  /** How many log lines may wait for the logger before new ones are dropped (default 1024). */
  public NodeBuilder logQueueCapacity(int capacity) {
    if (capacity < 1) {
      throw new WkdInvalidArgumentException("log queue capacity " + capacity + " is below 1");
    }
    this.logQueueCapacity = capacity;
    return this;
  }

  /** The current value of an integer option. */
  public long intOption(String name) {
    long[] out = new long[1];
    WkdNative.wkd_config_get_int(out, config.handle, Native.optionId(name));
    Reference.reachabilityFence(this);
    return out[0];
  }

  /** The current value of a string option; "" when unset. */
  public String stringOption(String name) {
    String[] out = new String[1];
    WkdNative.wkd_config_get_str(out, config.handle, Native.optionId(name));
    Reference.reachabilityFence(this);
    return out[0] == null ? "" : out[0];
  }

  /** The current value of a boolean option. */
  public boolean boolOption(String name) {
    boolean[] out = new boolean[1];
    WkdNative.wkd_config_get_bool(out, config.handle, Native.optionId(name));
    Reference.reachabilityFence(this);
    return out[0];
  }

  /** Describes an option by name (wkd_option_describe). */
  public static OptionInfo describe(String name) {
    return Wkd.describeOption(name);
  }

  /** Creates a node from this configuration; nothing is bound until {@link Node#start()}. */
  public Node build() {
    LogLevel level = logLevel != null ? logLevel : LogLevel.WARN;
    if (logToStderr || level == LogLevel.OFF) {
      long[] out = new long[1];
      WkdNative.wkd_node_create(out, config.handle);
      Reference.reachabilityFence(this);
      return new Node(out[0], null);
    }
    System.Logger target = logger != null ? logger : System.getLogger(LogForwarder.LOGGER_NAME);
    LogForwarder log = new LogForwarder(target, logQueueCapacity, "wkd-log");
    long[] clone = new long[1];
    try {
      // A clone holds the queue, so the builder can make further nodes.
      WkdNative.wkd_config_clone(clone, config.handle);
      log.attach(clone[0], level);
      long[] out = new long[1];
      WkdNative.wkd_node_create(out, clone[0]);
      return new Node(out[0], log);
    } catch (RuntimeException | Error e) {
      log.discard();
      throw e;
    } finally {
      WkdNative.wkd_config_free(clone[0]);
      Reference.reachabilityFence(this);
    }
  }

  /** Creates and starts a node; the node is closed again when starting fails. */
  public Node start() {
    Node node = build();
    try {
      node.start();
      return node;
    } catch (RuntimeException | Error e) {
      node.close();
      throw e;
    }
  }

  private NodeBuilder set(int id, Object value) {
    apply(config.handle, id, value);
    Reference.reachabilityFence(this);
    values.remove(id);
    values.put(id, value);
    return this;
  }

  private static void apply(long cfg, int id, Object value) {
    if (value instanceof Long) {
      WkdNative.wkd_config_set_int(cfg, id, (Long) value);
    } else if (value instanceof Boolean) {
      WkdNative.wkd_config_set_bool(cfg, id, (Boolean) value);
    } else {
      WkdNative.wkd_config_set_str(cfg, id, (String) value);
    }
  }

  private static void applyLogLevel(long cfg, LogLevel level) {
    WkdNative.wkd_config_set_log(cfg, level.code);
  }

  private void replace(Preset p) {
    long[] out = new long[1];
    WkdNative.wkd_config_new(out, p.code);
    Config fresh = new Config(out[0]);
    Cleaner.Cleanable freshCleanable = Native.CLEANER.register(this, fresh);
    try {
      for (Map.Entry<Integer, Object> e : values.entrySet()) {
        apply(fresh.handle, e.getKey(), e.getValue());
      }
      if (logLevel != null) {
        applyLogLevel(fresh.handle, logLevel);
      }
    } catch (RuntimeException e) {
      freshCleanable.clean();
      throw e;
    }
    if (cleanable != null) {
      cleanable.clean();
    }
    config = fresh;
    cleanable = freshCleanable;
    preset = p;
  }
}
