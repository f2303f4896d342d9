package wkd

import (
	"fmt"
	"testing"
)

// A consumer that does not keep up gets an EventOverflow in place of the
// events the library dropped.
func TestWatchOverflow(t *testing.T) {
	n := startNode(t, "flood")
	slow, err := n.WatchUserEvents("", WithQueueCapacity(2), WithBuffer(1))
	if err != nil {
		t.Fatal(err)
	}
	all, err := n.WatchUserEvents("", WithBuffer(100))
	if err != nil {
		t.Fatal(err)
	}
	const fired = 40
	for i := 0; i < fired; i++ {
		if err := n.FireEvent("tick", []byte(fmt.Sprint(i)), false); err != nil {
			t.Fatal(err)
		}
	}
	// Once the unbounded watch has every event, the slow one has had them
	// delivered too, into a queue of 2 and a channel of 1.
	for i := 0; i < fired; i++ {
		waitEvent(t, all, "every event", func(ev Event) bool { return ev.Type == EventUser })
	}
	sawOverflow := false
	got := 0
	for !sawOverflow || got < 1 {
		ev := waitEvent(t, slow, "slow watch events", func(Event) bool { return true })
		switch ev.Type {
		case EventOverflow:
			sawOverflow = true
		case EventUser:
			got++
		default:
			t.Fatalf("unexpected %v", ev.Type)
		}
	}
	if got >= fired {
		t.Errorf("no event was dropped")
	}
}

func TestNotStarted(t *testing.T) {
	n, err := New(append(fastOptions(), WithName("idle"), WithBind("127.0.0.1:0"))...)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if _, err := n.LocalAddr(); !errorsIs(err, ErrState) {
		t.Errorf("LocalAddr before Start: %v", err)
	}
	if _, err := n.Join(testContext(t), "127.0.0.1:1"); !errorsIs(err, ErrState) {
		t.Errorf("Join before Start: %v", err)
	}
	// Register and snapshots work before Start.
	if err := n.Register(Registration{Groups: []string{"early"}}); err != nil {
		t.Fatal(err)
	}
	if ms, err := n.Members(nil); err != nil || len(ms) > 1 {
		t.Errorf("Members before Start: %v, %v", memberNames(ms), err)
	}
}
