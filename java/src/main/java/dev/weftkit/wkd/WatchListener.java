package dev.weftkit.wkd;

/**
 * Receives the events of a watch. It runs on the watch's dispatcher thread,
 * a thread of the binding (never the node's loop thread), one event at a
 * time and in order; it may call any method of the node, close() included.
 * An exception it throws is logged and the next event is delivered.
 */
@FunctionalInterface
public interface WatchListener {
  void onEvent(Event event);
}
