package wkd

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"
)

// testTimeout bounds every wait in the tests; none asserts a speed.
const testTimeout = 60 * time.Second

// fastOptions shorten the LOCAL preset's timers so the tests spend less
// wall time; correctness does not depend on them.
func fastOptions() []Option {
	return []Option{
		WithPreset(PresetLocal),
		WithOption("probe_interval_ms", 250*time.Millisecond),
		WithOption("leave_propagate_delay_ms", 200),
		WithLogLevel(LogError),
	}
}

// startNode creates and starts a node on 127.0.0.1 with a free port; the
// test closes it at the end.
func startNode(t *testing.T, name string, opts ...Option) *Node {
	t.Helper()
	all := append(fastOptions(), WithName(name), WithBind("127.0.0.1:0"))
	n, err := New(append(all, opts...)...)
	if err != nil {
		t.Fatalf("New(%s): %v", name, err)
	}
	t.Cleanup(func() { n.Close() })
	if err := n.Start(); err != nil {
		t.Fatalf("Start(%s): %v", name, err)
	}
	return n
}

func addrOf(t *testing.T, n *Node) string {
	t.Helper()
	a, err := n.LocalAddr()
	if err != nil {
		t.Fatalf("LocalAddr(%s): %v", n.Name(), err)
	}
	return a
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// waitEvent reads the watch until an event matches, failing the test at
// the deadline or if the channel closes.
func waitEvent(t *testing.T, w *Watch, what string, match func(Event) bool) Event {
	t.Helper()
	deadline := time.NewTimer(testTimeout)
	defer deadline.Stop()
	for {
		select {
		case ev, ok := <-w.Events():
			if !ok {
				t.Fatalf("waiting for %s: watch channel closed", what)
			}
			if match(ev) {
				return ev
			}
		case <-deadline.C:
			t.Fatalf("waiting for %s: no such event within %v", what, testTimeout)
		}
	}
}

func isMember(typ EventType, name string) func(Event) bool {
	return func(ev Event) bool { return ev.Type == typ && ev.Member.Name == name }
}

// eventually polls cond until it holds, failing the test at the deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not true within %v", what, testTimeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func memberNames(ms []Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return out
}

// waitClosed drains the watch until its channel is closed.
func waitClosed(t *testing.T, w *Watch) {
	t.Helper()
	deadline := time.NewTimer(testTimeout)
	defer deadline.Stop()
	for {
		select {
		case _, ok := <-w.Events():
			if !ok {
				return
			}
		case <-deadline.C:
			t.Fatalf("watch channel not closed within %v", testTimeout)
		}
	}
}

// silentSeed is a TCP address that accepts connections and never
// answers, so a join through it waits until its deadline.
func silentSeed(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return l.Addr().String()
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
