package wkd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestErrorsIs(t *testing.T) {
	err := error(&Error{Op: "X", Status: StatusTimeout, Message: "no event within 5 ms"})
	if !errors.Is(err, ErrTimeout) || errors.Is(err, ErrInvalid) || errors.Is(err, ErrClosed) {
		t.Errorf("errors.Is on a timeout error is wrong")
	}
	if got := err.Error(); got != "wkd: X: no event within 5 ms (WKD_E_TIMEOUT)" {
		t.Errorf("Error() = %q", got)
	}
	if StatusTooBig.Name() != "WKD_E_TOOBIG" || Status(-1000).Name() != "WKD_E_UNKNOWN" {
		t.Errorf("status names")
	}
	if !errors.Is(ErrNotFound, StatusNotFound) || ErrNotFound.Error() != "wkd: not found" {
		t.Errorf("sentinels: %v", ErrNotFound)
	}
	wrapped := fmt.Errorf("starting: %w", &Error{Op: "Start", Status: StatusAddrInUse})
	var e *Error
	if !errors.Is(wrapped, ErrAddrInUse) || !errors.As(wrapped, &e) || e.Op != "Start" {
		t.Errorf("wrapped error: %v", wrapped)
	}
	if !strings.Contains(e.Error(), "address already in use") {
		t.Errorf("message defaults to the status text: %q", e.Error())
	}
}

func TestCloseTwiceAndUseAfterClose(t *testing.T) {
	n := startNode(t, "closer")
	peer := startNode(t, "peer")
	w, err := n.WatchMembers(WithInitial())
	if err != nil {
		t.Fatal(err)
	}
	w2, err := n.WatchUserEvents("")
	if err != nil {
		t.Fatal(err)
	}
	if err := w2.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w2.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-w2.Events(); ok {
		t.Error("closed watch still delivers")
	}
	if _, err := w2.Next(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Next on a closed watch: %v", err)
	}

	// A Join blocked on a silent seed is woken by Close.
	joinErr := make(chan error, 1)
	go func() {
		_, err := n.Join(context.Background(), silentSeed(t))
		joinErr <- err
	}()
	time.Sleep(100 * time.Millisecond) // let the Join start (either order is valid)

	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-joinErr:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("Join interrupted by Close: %v", err)
		}
	case <-time.After(testTimeout):
		t.Fatal("Close did not wake a blocked Join")
	}
	waitClosed(t, w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Err() != nil {
		t.Errorf("watch ended with %v", w.Err())
	}

	ctx := testContext(t)
	calls := map[string]error{
		"Start":      n.Start(),
		"Register":   n.Register(Registration{DatabaseType: "x"}),
		"SetHealth":  n.SetHealth(HealthPassing, ""),
		"FireEvent":  n.FireEvent("e", nil, false),
		"Leave":      n.Leave(ctx),
		"InstallKey": n.InstallKey("5K9OtfgT4AsmyjsU3MSQcw=="),
	}
	_, calls["Join"] = n.Join(ctx, addrOf(t, peer))
	_, calls["LocalAddr"] = n.LocalAddr()
	_, calls["Members"] = n.Members(nil)
	_, calls["Member"] = n.Member("closer")
	_, calls["Stats"] = n.Stats()
	_, calls["Keys"] = n.Keys()
	_, calls["Watch"] = n.WatchMembers()
	for name, err := range calls {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
	if n.Name() != "closer" {
		t.Errorf("Name after Close: %q", n.Name())
	}
}

// openFDs counts this process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(ents)
}

// Nodes that are never closed are closed and freed by their finalizers:
// no crash, and the descriptors they held are all released.
func TestFinalizersRelease1000Nodes(t *testing.T) {
	const total = 1000
	// libuv opens a process-wide pipe once, with the first started node:
	// start and close one before taking the baseline.
	warm := startNode(t, "gc-warm-up")
	warm.Close()
	runtime.GC()
	before := finalizedNodes.Load()
	baseline := openFDs(t)
	for i := 0; i < total; i++ {
		n, err := New(WithPreset(PresetLocal), WithName(fmt.Sprintf("gc-%d", i)),
			WithBind("127.0.0.1:0"), WithLogLevel(LogOff))
		if err != nil {
			t.Fatal(err)
		}
		// Every node is started (sockets, loop thread); every tenth also
		// has a watch, whose goroutine must not keep the node alive.
		if err := n.Start(); err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 {
			if _, err := n.WatchMembers(WithInitial()); err != nil {
				t.Fatal(err)
			}
		}
		if i%100 == 99 {
			runtime.GC()
		}
	}
	deadline := time.Now().Add(testTimeout)
	for {
		runtime.GC()
		fds := openFDs(t)
		done := finalizedNodes.Load() - before
		if done >= total && fds <= baseline {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after GC: %d of %d nodes finalized, %d descriptors open (baseline %d)", done, total, fds, baseline)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
