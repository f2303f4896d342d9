package wkd

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

type logRecord struct {
	level   slog.Level
	msg     string
	node    string
	dropped uint64
}

// recordSink is a slog.Handler that keeps every record; with block set,
// the first Handle waits until block is closed (or the test deadline).
type recordSink struct {
	mu      sync.Mutex
	recs    []logRecord
	block   chan struct{}
	entered chan struct{}
	once    sync.Once
}

func newRecordSink(blocking bool) *recordSink {
	h := &recordSink{entered: make(chan struct{})}
	if blocking {
		h.block = make(chan struct{})
	}
	return h
}

func (h *recordSink) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordSink) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *recordSink) WithGroup(string) slog.Handler            { return h }

func (h *recordSink) Handle(_ context.Context, r slog.Record) error {
	h.once.Do(func() { close(h.entered) })
	if h.block != nil {
		select {
		case <-h.block:
		case <-time.After(testTimeout):
		}
	}
	rec := logRecord{level: r.Level, msg: r.Message}
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "node":
			rec.node = a.Value.String()
		case "dropped":
			rec.dropped = a.Value.Uint64()
		}
		return true
	})
	h.mu.Lock()
	h.recs = append(h.recs, rec)
	h.mu.Unlock()
	return nil
}

func (h *recordSink) find(text string) []logRecord {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []logRecord
	for _, r := range h.recs {
		if strings.Contains(r.msg, text) {
			out = append(out, r)
		}
	}
	return out
}

func (h *recordSink) wait(t *testing.T, text string) logRecord {
	t.Helper()
	var got []logRecord
	eventually(t, "a log record containing "+text, func() bool { got = h.find(text); return len(got) > 0 })
	return got[0]
}

// sendGarbage sends undecodable datagrams: one DEBUG line each, logged on
// the node's loop thread.
func sendGarbage(t *testing.T, addr string, count int) {
	t.Helper()
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 0; i < count; i++ {
		if _, err := fmt.Fprintf(c, "\xfe\x00not a memberlist packet %d", i); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLogLinesReachSlogWithLevelAndNode(t *testing.T) {
	h := newRecordSink(false)
	n := startNode(t, "log-a", WithLogLevel(LogDebug), WithLogger(slog.New(h)))

	if err := n.SetHealth(HealthWarning, "disk almost full"); err != nil {
		t.Fatal(err)
	}
	info := h.wait(t, "health is now warning: disk almost full")
	if info.level != slog.LevelInfo || info.node != "log-a" {
		t.Fatalf("INFO line arrived as %+v", info)
	}

	sendGarbage(t, addrOf(t, n), 1)
	if debug := h.wait(t, "memberlist: dropped a"); debug.level != slog.LevelDebug || debug.node != "log-a" {
		t.Fatalf("DEBUG line arrived as %+v", debug)
	}

	// An unknown message type on a TCP stream is logged at WARN.
	c, err := net.DialTimeout("tcp", addrOf(t, n), testTimeout)
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("\x63 not a stream message"))
	c.Close()
	if warn := h.wait(t, "failed to read stream"); warn.level != slog.LevelWarn || warn.node != "log-a" {
		t.Fatalf("WARN line arrived as %+v", warn)
	}
	if d := n.LogLinesDropped(); d != 0 {
		t.Fatalf("LogLinesDropped() = %d with a fast handler", d)
	}
}

func TestLogDefaultsToSlogDefaultAndLevelFilters(t *testing.T) {
	h := newRecordSink(false)
	old := slog.Default()
	slog.SetDefault(slog.New(h))
	t.Cleanup(func() { slog.SetDefault(old) })

	n := startNode(t, "log-b", WithLogLevel(LogInfo))
	sendGarbage(t, addrOf(t, n), 3) // DEBUG: below the node's level
	if err := n.SetHealth(HealthCritical, "on fire"); err != nil {
		t.Fatal(err)
	}
	if rec := h.wait(t, "on fire"); rec.node != "log-b" {
		t.Fatalf("record %+v lacks the node attribute", rec)
	}
	if got := h.find("memberlist: dropped a"); len(got) != 0 {
		t.Fatalf("DEBUG lines passed a node at LogInfo: %+v", got)
	}

	// Stderr and silence bypass slog.
	for _, opt := range []Option{WithLogStderr(), WithLogLevel(LogOff)} {
		m := startNode(t, "log-c", WithLogLevel(LogInfo), opt)
		if err := m.SetHealth(HealthWarning, "not for slog"); err != nil {
			t.Fatal(err)
		}
		m.Close()
		if got := h.find("not for slog"); len(got) != 0 {
			t.Fatalf("a line reached slog: %+v", got)
		}
	}
}

func TestLogQueueCapacityIsChecked(t *testing.T) {
	for _, c := range []int{0, -1, 1 << 21} {
		_, err := New(WithLogQueueCapacity(c))
		if !errorsIs(err, ErrInvalid) || !strings.Contains(err.Error(), "capacity") {
			t.Fatalf("WithLogQueueCapacity(%d): %v", c, err)
		}
	}
}

func TestBlockedLoggerDoesNotStallNode(t *testing.T) {
	h := newRecordSink(true)
	a := startNode(t, "log-slow", WithLogLevel(LogDebug), WithLogger(slog.New(h)), WithLogQueueCapacity(8))
	b := startNode(t, "log-peer")
	released := false
	release := func() {
		if !released {
			released = true
			close(h.block)
		}
	}
	defer release()

	sendGarbage(t, addrOf(t, a), 200)
	select {
	case <-h.entered:
	case <-time.After(testTimeout):
		t.Fatal("the handler never received a record")
	}
	eventually(t, "lines beyond the queue to be dropped", func() bool { return a.LogLinesDropped() >= 100 })

	// The handler is still blocked; the node's loop must still answer.
	if _, err := b.Join(testContext(t), addrOf(t, a)); err != nil {
		t.Fatalf("join while the logger blocks: %v", err)
	}
	eventually(t, "log-slow to see log-peer alive", func() bool {
		m, err := a.Member("log-peer")
		return err == nil && m.State == StateAlive
	})
	release()

	reported := func() uint64 {
		var sum uint64
		for _, r := range h.find("log lines dropped") {
			sum += r.dropped
		}
		return sum
	}
	eventually(t, "drop warnings to account for every dropped line", func() bool {
		return reported() == a.LogLinesDropped()
	})
	if note := h.find("log lines dropped")[0]; note.level != slog.LevelWarn || note.node != "log-slow" {
		t.Fatalf("drop warning arrived as %+v", note)
	}
	dropped := a.LogLinesDropped()
	a.Close()
	select {
	case <-a.in.log.done: // the queue is freed
	case <-time.After(testTimeout):
		t.Fatal("the log goroutine did not end after Close")
	}
	if got := a.LogLinesDropped(); got != dropped {
		t.Fatalf("LogLinesDropped() = %d after Close, %d before", got, dropped)
	}
}
