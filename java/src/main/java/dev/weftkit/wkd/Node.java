package dev.weftkit.wkd;

import dev.weftkit.wkd.jni.WkdNative;
import dev.weftkit.wkd.jni.wkd_member_filter;
import dev.weftkit.wkd.jni.wkd_member_info;
import dev.weftkit.wkd.jni.wkd_registration;
import dev.weftkit.wkd.jni.wkd_stats;
import dev.weftkit.wkd.jni.wkd_watch_spec;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongFunction;

/**
 * A wkd node: one member of a cluster, with its sockets and its loop thread.
 *
 * <pre>{@code
 * try (Node node = Node.builder().name("db-1").bind("127.0.0.1:0").start()) {
 *   node.join(List.of("127.0.0.1:7946"), Duration.ofSeconds(5));
 *   for (Member m : node.members()) { ... }
 * }
 * }</pre>
 *
 * <p>Every method is thread-safe. {@link #close()} is idempotent; any other
 * call on a closed node throws {@link WkdClosedException}, and calls waiting
 * in join or leave wake up with it. Closing without {@link #leave} makes
 * peers see the node as failed. A node that becomes unreachable without
 * being closed is closed and released by a {@link Cleaner}.
 *
 * <p>Watch listeners run on threads of the binding, one per watch, never on
 * the node's loop thread.
 */
public final class Node implements AutoCloseable {
  private static final AtomicInteger WATCH_SEQ = new AtomicInteger();

  /**
   * The native handle and what guards it; the Cleaner action. Every call
   * holds the read lock and checks {@code closed}; freeing takes the write
   * lock after wkd_node_close has woken the calls that wait.
   */
  static final class State implements Runnable {
    final long handle;
    final String name;
    final LogForwarder log; // null: stderr or silence
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final Set<Subscription.Core> watches = ConcurrentHashMap.newKeySet();
    volatile boolean closed;
    private boolean freed; // guarded by lock's write lock

    State(long handle, LogForwarder log) {
      this.handle = handle;
      this.name = WkdNative.wkd_node_name(handle);
      this.log = log;
    }

    /** Closes and releases everything; runs once, from close() or the Cleaner. */
    @Override
    public void run() {
      closed = true;
      WkdNative.wkd_node_close(handle); // idempotent; wakes join, leave and the watches
      List<Subscription.Core> subs;
      lock.writeLock().lock(); // no call is in progress and none can start now
      try {
        subs = new ArrayList<>(watches);
      } finally {
        lock.writeLock().unlock();
      }
      for (Subscription.Core s : subs) {
        s.cancel();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      for (Subscription.Core s : subs) {
        s.awaitDispatcher(deadline);
      }
      for (Subscription.Core s : subs) {
        s.free();
      }
      lock.writeLock().lock();
      try {
        if (!freed) {
          freed = true;
          WkdNative.wkd_node_free(handle);
        }
      } finally {
        lock.writeLock().unlock();
      }
      if (log != null) {
        log.close(); // after the node: its last lines are still logged
      }
    }
  }

  private final State state;
  private final Cleaner.Cleanable cleanable;

  Node(long handle, LogForwarder log) {
    this.state = new State(handle, log);
    this.cleanable = Native.CLEANER.register(this, state);
    if (log != null) {
      log.start();
    }
  }

  /** A configuration builder, starting from the LAN preset. */
  public static NodeBuilder builder() {
    return new NodeBuilder();
  }

  private <T> T call(LongFunction<T> f) {
    ReentrantReadWriteLock.ReadLock r = state.lock.readLock();
    r.lock();
    try {
      if (state.closed) {
        throw new WkdClosedException(Status.E_CLOSED.description());
      }
      return f.apply(state.handle);
    } finally {
      r.unlock();
      Reference.reachabilityFence(this);
    }
  }

  /**
   * Log lines dropped so far because the logger fell behind by more than the
   * builder's log queue capacity (0 with logToStderr or LogLevel.OFF).
   */
  public long logLinesDropped() {
    return state.log == null ? 0 : state.log.dropped();
  }

  /** Binds the UDP socket and TCP listener and starts the loop thread. */
  public void start() {
    call(h -> WkdNative.wkd_node_start(h));
  }

  /**
   * Joins a cluster through seeds ("host:port", "ip:port" or "[v6]:port"),
   * contacting them in parallel.
   *
   * @return how many seeds answered
   * @throws WkdTimeoutException no seed answered in time
   * @throws WkdIoException every seed refused or failed (the message names each)
   */
  public int join(List<String> seeds, Duration timeout) {
    Objects.requireNonNull(seeds, "seeds");
    String[] array = seeds.toArray(new String[0]);
    for (String s : array) {
      Objects.requireNonNull(s, "seed");
    }
    int ms = Native.millis(timeout, "timeout");
    int[] joined = new int[1];
    call(h -> WkdNative.wkd_node_join(joined, h, array, ms));
    return joined[0];
  }

  /** Joins a cluster through one seed. */
  public int join(String seed, Duration timeout) {
    return join(List.of(Objects.requireNonNull(seed, "seed")), timeout);
  }

  /**
   * Leaves the cluster gracefully and waits until the leave has been
   * gossiped, so peers show the node as left. The node keeps running until
   * {@link #close()}.
   */
  public void leave(Duration timeout) {
    int ms = Native.millis(timeout, "timeout");
    call(h -> WkdNative.wkd_node_leave(h, ms));
  }

  /**
   * Stops the node, cancels its watches (waiting a few seconds for their
   * listeners to return) and releases it. Idempotent; safe from a listener.
   */
  @Override
  public void close() {
    cleanable.clean();
  }

  /** True once {@link #close()} has been called. */
  public boolean isClosed() {
    return state.closed;
  }

  /** The node's name. */
  public String name() {
    return state.name;
  }

  /** The address the node is bound to, "ip:port" (after {@link #start()}). */
  public String localAddress() {
    String[] buf = new String[1];
    int[] port = new int[1];
    call(h -> WkdNative.wkd_node_local_addr(buf, port, h));
    return buf[0];
  }

  /** The port the node is bound to (after {@link #start()}). */
  public int localPort() {
    String[] buf = new String[1];
    int[] port = new int[1];
    call(h -> WkdNative.wkd_node_local_addr(buf, port, h));
    return port[0];
  }

  /**
   * Replaces the node's advertised identity, atomically and cluster-wide.
   *
   * @throws WkdInvalidArgumentException a malformed group, endpoint or capability, or a reserved tag key
   * @throws WkdTooBigException the encoded metadata exceeds 512 bytes
   */
  public void register(Registration registration) {
    Objects.requireNonNull(registration, "registration");
    wkd_registration reg = new wkd_registration();
    try {
      reg.set_database_type(registration.databaseType());
      reg.set_wire_protocol(registration.wireProtocol());
      reg.set_endpoint(registration.endpoint());
      reg.set_groups(registration.groups().toArray(new String[0]));
      reg.set_capabilities(registration.capabilities().toArray(new String[0]));
      registration.tags().forEach(reg::add_tag);
      if (reg.getN_tags() != registration.tags().size()
          || reg.getN_groups() != registration.groups().size()
          || reg.getN_capabilities() != registration.capabilities().size()) {
        throw new OutOfMemoryError("wkd: registration copy failed");
      }
      call(h -> WkdNative.wkd_register(h, reg));
    } finally {
      reg.delete();
    }
  }

  /** Sets the node's own health and gossips it (tag "health"); the reason is logged and may be null. */
  public void setHealth(Health health, String reason) {
    Objects.requireNonNull(health, "health");
    call(h -> WkdNative.wkd_node_set_health(h, health.code, reason));
  }

  /** A snapshot of every member, this node included, ordered by name. */
  public List<Member> members() {
    return members(null);
  }

  /** A snapshot of the members matching a filter, ordered by name. */
  public List<Member> members(MemberFilter filter) {
    wkd_member_filter f = null;
    try {
      if (filter != null) {
        f = new wkd_member_filter();
        f.setStates(filter.stateMask());
        f.set_group(filter.group());
        f.set_database_type(filter.databaseType());
        f.set_wire_protocol(filter.wireProtocol());
        f.set_tag(filter.tagKey(), filter.tagValue());
      }
      wkd_member_filter nativeFilter = f;
      long snapshot = call(h -> {
        long[] out = new long[1];
        WkdNative.wkd_node_members(out, h, nativeFilter);
        return out[0];
      });
      try {
        int n = (int) WkdNative.wkd_members_count(snapshot);
        List<Member> list = new ArrayList<>(n);
        wkd_member_info info = new wkd_member_info();
        try {
          for (int i = 0; i < n; i++) {
            WkdNative.wkd_members_at(info, snapshot, i);
            list.add(Native.member(info));
          }
        } finally {
          info.delete();
        }
        return Collections.unmodifiableList(list);
      } finally {
        WkdNative.wkd_members_free(snapshot);
      }
    } finally {
      if (f != null) {
        f.delete();
      }
    }
  }

  /** The member of that name in a fresh snapshot, if any. */
  public Optional<Member> member(String name) {
    Objects.requireNonNull(name, "name");
    long snapshot = call(h -> {
      long[] out = new long[1];
      WkdNative.wkd_node_members(out, h, null);
      return out[0];
    });
    wkd_member_info info = new wkd_member_info();
    try {
      WkdNative.wkd_members_find(info, snapshot, name);
      return Optional.of(Native.member(info));
    } catch (WkdNotFoundException e) {
      return Optional.empty();
    } finally {
      info.delete();
      WkdNative.wkd_members_free(snapshot);
    }
  }

  /** Fires a user event to every member, without coalescing. */
  public void fireEvent(String name, byte[] payload) {
    fireEvent(name, payload, false);
  }

  /** Fires a user event with a UTF-8 text payload, without coalescing. */
  public void fireEvent(String name, String payload) {
    fireEvent(name, Objects.requireNonNull(payload, "payload").getBytes(StandardCharsets.UTF_8), false);
  }

  /**
   * Fires a user event to every member (a Serf user event).
   *
   * @param payload may be null for an empty payload
   * @param coalesce may receivers coalesce events of this name
   * @throws WkdTooBigException name plus payload exceed the user event size limit
   */
  public void fireEvent(String name, byte[] payload, boolean coalesce) {
    Objects.requireNonNull(name, "name");
    call(h -> WkdNative.wkd_node_fire_event(h, name, payload, coalesce));
  }

  /** Watches every member; with {@code initial}, first one MEMBER_JOINED per current member. */
  public Subscription watchMembers(boolean initial, WatchListener listener) {
    return watch(WatchKind.MEMBERS, null, initial, 0, listener);
  }

  /** Watches the members of one group; with {@code initial}, first one MEMBER_JOINED per current member. */
  public Subscription watchGroup(String group, boolean initial, WatchListener listener) {
    return watch(WatchKind.GROUP, Objects.requireNonNull(group, "group"), initial, 0, listener);
  }

  /** Watches user events: those of one name, or every one when {@code name} is null. */
  public Subscription watchUserEvents(String name, WatchListener listener) {
    return watch(WatchKind.USER_EVENTS, name, false, 0, listener);
  }

  /**
   * Starts a watch (wkd_watch with a pulled queue) and its dispatcher thread.
   *
   * @param name the group or event name, per kind; may be null where the kind allows it
   * @param queueCapacity the queue bound; 0 = the node's event_queue_capacity option
   */
  public Subscription watch(WatchKind kind, String name, boolean initial, int queueCapacity,
      WatchListener listener) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(listener, "listener");
    if (queueCapacity < 0) {
      throw new WkdInvalidArgumentException("queue capacity must not be negative: " + queueCapacity);
    }
    if (kind == WatchKind.SERVICE || kind == WatchKind.SERVICE_HEALTHY) {
      throw new WkdNotSupportedException("service watches: this binding does not convert instance events yet");
    }
    wkd_watch_spec spec = new wkd_watch_spec();
    try {
      spec.setKind(kind.code);
      spec.set_name(name);
      spec.setFlags(initial ? 1L : 0L);
      spec.setQueue_capacity(queueCapacity);
      return call(h -> {
        long[] out = new long[1];
        WkdNative.wkd_watch(out, h, spec);
        Subscription.Core core = new Subscription.Core(out[0], kind, state, listener);
        Thread t = new Thread(core, "wkd-watch-" + state.name + "-" + WATCH_SEQ.incrementAndGet());
        t.setDaemon(true);
        core.thread = t;
        state.watches.add(core);
        t.start();
        return new Subscription(core);
      });
    } finally {
      spec.delete();
    }
  }

  /** The node's counters. */
  public Stats stats() {
    wkd_stats s = new wkd_stats();
    try {
      call(h -> WkdNative.wkd_node_stats(s, h));
      return new Stats(s.getPackets_in(), s.getPackets_out(), s.getBytes_in(), s.getBytes_out(),
          s.getStreams_in(), s.getStreams_out(), s.getDrops_total(), s.getDrops_malformed(),
          s.getDrops_decrypt(), s.getDrops_checksum(), s.getDrops_label(), s.getDrops_unknown_type(),
          s.getDrops_oversized(), s.getDrops_queue_full(), s.getDrops_socket(), s.getProbes(),
          s.getProbe_failures(), s.getIndirect_probes(), s.getSuspicions(), s.getRefutations(),
          s.getPush_pulls(), s.getGossip_messages(), s.getMembers_alive(), s.getMembers_suspect(),
          s.getMembers_failed(), s.getMembers_left(), s.getHealth_score(), s.getIncarnation());
    } finally {
      s.delete();
    }
  }

  /** Adds a key (base64 of 16, 24 or 32 bytes) to the keyring, not yet primary. */
  public void installKey(String keyBase64) {
    Objects.requireNonNull(keyBase64, "key");
    call(h -> WkdNative.wkd_keyring_install(h, keyBase64));
  }

  /** Makes an installed key the primary one. */
  public void useKey(String keyBase64) {
    Objects.requireNonNull(keyBase64, "key");
    call(h -> WkdNative.wkd_keyring_use(h, keyBase64));
  }

  /** Removes a key that is not the primary. */
  public void removeKey(String keyBase64) {
    Objects.requireNonNull(keyBase64, "key");
    call(h -> WkdNative.wkd_keyring_remove(h, keyBase64));
  }

  /** The installed keys, primary first. */
  public List<String> keys() {
    String[][] out = new String[1][];
    call(h -> WkdNative.wkd_keyring_list(out, h));
    return List.of(out[0]);
  }

  @Override
  public String toString() {
    return "Node[" + state.name + (state.closed ? ", closed" : "") + "]";
  }
}
