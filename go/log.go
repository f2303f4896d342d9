package wkd

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
)

// How a node's log lines reach Go.
//
// The library never calls Go from its loop thread. Each node puts its log
// lines into a bounded queue of its own (wkd_log_queue_t): the loop thread
// copies a line in and returns at once. A goroutine of this package takes
// the lines out and hands them to a *slog.Logger, so a slow handler only
// delays that goroutine; when it falls behind by more than the queue's
// capacity, the newest lines are dropped and counted, and a WARN record
// ("wkd: log lines dropped", with a "dropped" attribute) says how many.

// defaultLogQueueCapacity is the queue size without WithLogQueueCapacity.
const defaultLogQueueCapacity = 1024

type logSettings struct {
	level    LogLevel
	stderr   bool
	logger   *slog.Logger // nil: slog.Default() at each record
	capacity int
}

// WithLogLevel sets the lowest level of the node's log lines passed on
// (default LogWarn); LogOff silences the node.
func WithLogLevel(l LogLevel) Option { return func(s *settings) { s.log.level = l } }

// WithLogger sends the node's log lines to l, each with a "node" attribute
// holding the node's name (default, or with nil: slog.Default(), read at
// each record). Levels map to slog.LevelDebug, LevelInfo, LevelWarn and
// LevelError; WithLogLevel still decides which lines the node emits.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) { s.log.logger, s.log.stderr = l, false }
}

// WithLogStderr makes the library write the node's log lines to stderr
// itself ("wkd[node] LEVEL: line") instead of passing them to slog.
func WithLogStderr() Option { return func(s *settings) { s.log.stderr, s.log.logger = true, nil } }

// WithLogQueueCapacity sets how many log lines may wait for the logger
// before new ones are dropped (default 1024; 1 to 1048576).
func WithLogQueueCapacity(n int) Option { return func(s *settings) { s.log.capacity = n } }

// apply sets the configuration's log sink: the library's stderr writer,
// or (withQueue, for a node) a new log route, returned to be started.
func (ls logSettings) apply(c *C.wkd_config_t, withQueue bool) (*logRoute, error) {
	e := cerror()
	if ls.stderr || !withQueue || ls.level == LogOff {
		st := C.wkdg_config_set_log(c, C.wkd_log_level(ls.level), nil, nil, &e)
		return nil, newCError("WithLogLevel", st, &e)
	}
	if ls.capacity < 1 || ls.capacity > int(C.WKD_LOG_QUEUE_MAX_CAPACITY) {
		return nil, newError("WithLogQueueCapacity", StatusInvalid,
			fmt.Sprintf("log queue capacity %d is outside [1, %d]", ls.capacity, int(C.WKD_LOG_QUEUE_MAX_CAPACITY)))
	}
	r := &logRoute{logger: ls.logger, done: make(chan struct{})}
	if st := C.wkdg_log_queue_new(&r.q, C.size_t(ls.capacity), &e); st != C.WKD_OK {
		return nil, newCError("New", st, &e)
	}
	if st := C.wkdg_config_set_log_queue(c, C.wkd_log_level(ls.level), r.q, &e); st != C.WKD_OK {
		C.wkdg_log_queue_free(r.q)
		return nil, newCError("WithLogLevel", st, &e)
	}
	return r, nil
}

// logRoute is one node's log queue and the goroutine draining it. The
// goroutine frees the queue when it ends; it refers to no Node, so an
// abandoned Node can still be finalized.
type logRoute struct {
	mu     sync.RWMutex // q is freed under mu.Lock only
	q      *C.wkd_log_queue_t
	final  uint64 // the drop count when q was freed
	logger *slog.Logger
	done   chan struct{} // closed when the goroutine has ended
}

func (r *logRoute) start() { go r.drain() }

// close wakes the goroutine: it logs what is left, then ends. It does not
// wait, so a blocked handler cannot hold up Node.Close.
func (r *logRoute) close() {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.q != nil {
		C.wkdg_log_queue_close(r.q)
	}
}

func (r *logRoute) dropped() uint64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.q == nil {
		return r.final
	}
	return uint64(C.wkdg_log_queue_dropped(r.q))
}

var slogLevels = [...]slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError}

func (r *logRoute) drain() {
	defer close(r.done)
	defer func() {
		r.mu.Lock()
		r.final = uint64(C.wkdg_log_queue_dropped(r.q))
		C.wkdg_log_queue_free(r.q)
		r.q = nil
		r.mu.Unlock()
	}()
	ctx := context.Background()
	for {
		// The only consumer: q stays valid until this goroutine frees it.
		e := C.wkd_log_entry{struct_size: C.uint32_t(C.sizeof_wkd_log_entry)}
		if st := C.wkdg_log_queue_next(&e, r.q, -1, nil); st != C.WKD_OK {
			return // WKD_E_CANCELED: closed and drained
		}
		node := C.GoString(e.node_name)
		hasMessage := e.message != nil
		message := C.GoString(e.message)
		level := slog.LevelWarn
		if int(e.level) >= 0 && int(e.level) < len(slogLevels) {
			level = slogLevels[e.level]
		}
		logger := r.logger
		if logger == nil {
			logger = slog.Default()
		}
		if e.dropped > 0 {
			logger.Log(ctx, slog.LevelWarn, "wkd: log lines dropped, the log handler fell behind",
				"node", node, "dropped", uint64(e.dropped))
		}
		if hasMessage {
			logger.Log(ctx, level, message, "node", node)
		}
	}
}

// LogLinesDropped reports how many log lines the node dropped because its
// logger fell behind by more than the log queue's capacity (0 with
// WithLogStderr or LogOff).
func (n *Node) LogLinesDropped() uint64 {
	if n.in.log == nil {
		return 0
	}
	return n.in.log.dropped()
}
