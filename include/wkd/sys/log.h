/*
 * wkd/sys/log.h - where a node's log lines go (systems tier).
 *
 * wkd never prints. Each node hands its log lines to a sink set in its
 * configuration; without one, lines at WARN and above go to stderr. There
 * are two kinds of sink:
 *
 *  - a callback (wkd_config_set_log), for C and C++: it runs on the node's
 *    loop thread and must not block or call back into the node;
 *
 *  - a log queue (wkd_config_set_log_queue), for language bindings and
 *    programs whose logger may be slow: the loop thread only copies each
 *    line into a bounded, thread-safe queue and returns; another thread
 *    takes the lines with wkd_log_queue_next() (or polls wkd_log_queue_fd())
 *    and hands them to its logger. When the queue is full the newest lines
 *    are dropped and counted, and the next entry taken says how many. The
 *    Python, Go and Java bindings route the queue to Python logging,
 *    log/slog and System.Logger.
 *
 *     wkd_log_queue_t* q;
 *     wkd_log_queue_new(&q, 1024, &err);
 *     wkd_config_set_log_queue(cfg, WKD_LOG_INFO, q, &err);
 *     ... on a thread of your own:
 *     wkd_log_entry e = WKD_LOG_ENTRY_INIT;
 *     while (wkd_log_queue_next(&e, q, -1, &err) == WKD_OK) {
 *       if (e.dropped > 0) report_drops(e.node_name, e.dropped);
 *       if (e.message != NULL) write_line(e.level, e.node_name, e.message);
 *     }
 *     ... at shutdown: wkd_node_close(node); wkd_log_queue_close(q);
 *     join that thread; wkd_log_queue_free(q);
 */
#ifndef WKD_SYS_LOG_H
#define WKD_SYS_LOG_H

#include "wkd/common.h"
#include "wkd/config.h"
#include "wkd/status.h"

WKD_BEGIN_DECL

typedef enum wkd_log_level {
  WKD_LOG_DEBUG = 0,
  WKD_LOG_INFO = 1,
  WKD_LOG_WARN = 2,
  WKD_LOG_ERROR = 3,
  WKD_LOG_OFF = 4
} wkd_log_level;

/** A log sink. `message` is one line without a newline, borrowed for the call. */
typedef void (*wkd_log_cb)(wkd_log_level level, const char* node_name, const char* message, void* user_data);

/**
 * Sets the log sink and the lowest level passed to it. Replaces a log
 * queue set with wkd_config_set_log_queue().
 * @param cb nullable: NULL restores the stderr default.
 * @since 0.1
 */
WKD_API wkd_status wkd_config_set_log(wkd_config_t* cfg, wkd_log_level min_level, wkd_log_cb cb, void* user_data,
                                      wkd_error* err);

/** A bounded, thread-safe queue of log lines (opaque). */
typedef struct wkd_log_queue wkd_log_queue_t;

/** One entry taken from a log queue (sized output struct). */
typedef struct wkd_log_entry {
  uint32_t struct_size;  /**< in: sizeof(wkd_log_entry) */
  wkd_log_level level;   /**< out: the line's level; WKD_LOG_WARN for an entry that only reports drops */
  const char* node_name; /**< out: the node that logged it; borrowed, see wkd_log_queue_next() */
  const char* message;   /**< out: one line without a newline; NULL when the entry only reports drops */
  uint64_t dropped;      /**< out: lines dropped (queue full) between the previous entry and this one */
  /* New fields are appended here only. */
} wkd_log_entry;

#define WKD_LOG_ENTRY_INIT {sizeof(wkd_log_entry), WKD_LOG_DEBUG, NULL, NULL, 0u}

/** Largest capacity wkd_log_queue_new() accepts. */
#define WKD_LOG_QUEUE_MAX_CAPACITY 1048576u

/**
 * Creates an empty, open log queue.
 * @param out receives the queue; NULL on failure.
 * @param capacity lines held before new ones are dropped, 1 to
 *        WKD_LOG_QUEUE_MAX_CAPACITY; 0 = 1024.
 * @retval WKD_E_INVAL capacity out of bounds.
 * @retval WKD_E_IO no descriptor could be created (os_error holds errno).
 * @ownership release with wkd_log_queue_free().
 * @threadsafety Any thread.
 * @since 0.1
 */
WKD_API wkd_status wkd_log_queue_new(wkd_log_queue_t** out, size_t capacity, wkd_error* err);

/**
 * Makes the nodes created from cfg put their log lines into a queue, and
 * sets the lowest level queued. Replaces a callback set with
 * wkd_config_set_log() (and wkd_config_set_log() replaces the queue).
 * Several nodes may share one queue; each entry names its node.
 * @param queue the configuration, its clones and every node created from
 *        them hold their own reference: the caller may free its handle at
 *        any time (lines of nodes still running are then discarded).
 * @retval WKD_E_INVAL cfg or queue is not a live handle, or unknown level.
 * @threadsafety Like every wkd_config_* function: cfg has a single owner.
 * @since 0.1
 */
WKD_API wkd_status wkd_config_set_log_queue(wkd_config_t* cfg, wkd_log_level min_level, wkd_log_queue_t* queue,
                                            wkd_error* err);

/**
 * Takes the oldest entry of a queue: a line, with the count of lines
 * dropped just before it, or (when lines were dropped after the last line
 * queued) an entry with message NULL that only reports the drops.
 * @param out sized struct; its pointers stay valid until the next
 *        wkd_log_queue_next() on this queue or wkd_log_queue_free().
 * @param timeout_ms 0 = do not wait, -1 = wait until an entry comes or the
 *        queue is closed. Never wait on a node's loop thread.
 * @retval WKD_E_TIMEOUT no entry within the timeout.
 * @retval WKD_E_CANCELED the queue is closed and holds nothing more.
 * @retval WKD_E_INVAL out or queue is not valid.
 * @threadsafety Any thread; one consumer at a time.
 * @since 0.1
 */
WKD_API wkd_status wkd_log_queue_next(wkd_log_entry* out, wkd_log_queue_t* queue, int32_t timeout_ms,
                                      wkd_error* err);

/**
 * A descriptor readable while wkd_log_queue_next() would return at once
 * (an entry waits, or the queue is closed); level triggered. Do not read
 * from or close it; it lives as long as the queue handle.
 * @retval WKD_E_INVAL queue is not a live handle.
 * @threadsafety Any thread.
 * @since 0.1
 */
WKD_API wkd_status wkd_log_queue_fd(int* fd_out, wkd_log_queue_t* queue, wkd_error* err);

/**
 * Lines this queue has dropped because it was full, since it was created.
 * @return 0 when queue is not a live handle.
 * @threadsafety Any thread; never blocks.
 * @since 0.1
 */
WKD_API uint64_t wkd_log_queue_dropped(const wkd_log_queue_t* queue);

/**
 * Closes a queue: later lines are discarded (not counted as dropped), and
 * wkd_log_queue_next() returns what is left, then WKD_E_CANCELED, waking a
 * waiting consumer at once. Idempotent.
 * @threadsafety Any thread, including a node's loop thread.
 * @since 0.1
 */
WKD_API void wkd_log_queue_close(wkd_log_queue_t* queue);

/**
 * Closes the queue if needed and releases the handle; NULL is allowed.
 * Must be the last call on the handle (join the consumer thread first).
 * Nodes still holding the queue keep it alive and discard their lines.
 * @since 0.1
 */
WKD_API void wkd_log_queue_free(wkd_log_queue_t* queue);

WKD_END_DECL

#endif /* WKD_SYS_LOG_H */
