package wkd

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"sort"
	"testing"
	"time"
)

// cluster starts n1, n2, n3 on loopback and joins n2 and n3 through n1.
func cluster(t *testing.T) (n1, n2, n3 *Node) {
	t.Helper()
	n1 = startNode(t, "n1")
	n2 = startNode(t, "n2")
	n3 = startNode(t, "n3")
	ctx := testContext(t)
	seed := addrOf(t, n1)
	for _, n := range []*Node{n2, n3} {
		joined, err := n.Join(ctx, seed)
		if err != nil || joined != 1 {
			t.Fatalf("%s joins %s: %d, %v", n.Name(), seed, joined, err)
		}
	}
	for _, n := range []*Node{n1, n2, n3} {
		n := n
		eventually(t, n.Name()+" sees 3 alive members", func() bool {
			ms, err := n.Members(&MemberFilter{States: []MemberState{StateAlive}})
			return err == nil && len(ms) == 3
		})
	}
	return n1, n2, n3
}

func TestCluster(t *testing.T) {
	n1, n2, n3 := cluster(t)
	ctx := testContext(t)

	// Watches on n1, started after the join: the initial events list
	// the current members.
	members, err := n1.WatchMembers(WithInitial())
	if err != nil {
		t.Fatal(err)
	}
	defer members.Close()
	initial := map[string]bool{}
	for len(initial) < 3 {
		ev, err := members.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Type != EventMemberJoined || ev.Member.State != StateAlive {
			t.Fatalf("initial event %v %s %v", ev.Type, ev.Member.Name, ev.Member.State)
		}
		initial[ev.Member.Name] = true
	}
	if !initial["n1"] || !initial["n2"] || !initial["n3"] {
		t.Fatalf("initial members %v", initial)
	}
	orders, err := n1.WatchGroup("orders", WithInitial())
	if err != nil {
		t.Fatal(err)
	}
	defer orders.Close()
	userEvents, err := n3.WatchUserEvents("")
	if err != nil {
		t.Fatal(err)
	}
	defer userEvents.Close()
	deploys, err := n3.WatchUserEvents("deploy")
	if err != nil {
		t.Fatal(err)
	}
	defer deploys.Close()

	t.Run("register", func(t *testing.T) {
		reg := Registration{
			DatabaseType: "postgres", WireProtocol: "pgwire", Endpoint: "127.0.0.1:5432",
			Groups: []string{"orders", "eu-west"}, Capabilities: []string{"read", "write"},
			Tags: map[string]string{"zone": "a", "rack": "r1"},
		}
		if err := n2.Register(reg); err != nil {
			t.Fatal(err)
		}
		// n2 was already a member: entering the group is an update.
		ev := waitEvent(t, orders, "n2 in group orders", func(ev Event) bool {
			return ev.Member.Name == "n2" && ev.Member.InGroup("orders") &&
				(ev.Type == EventMemberUpdated || ev.Type == EventMemberJoined)
		})
		m := ev.Member
		if m.DatabaseType != "postgres" || m.WireProtocol != "pgwire" || m.Endpoint != "127.0.0.1:5432" {
			t.Errorf("identity seen on n1: %+v", m)
		}
		if !m.InGroup("orders") || !m.InGroup("eu-west") || m.Tags["zone"] != "a" || m.Tags["rack"] != "r1" {
			t.Errorf("groups/tags seen on n1: %v %v", m.Groups, m.Tags)
		}
		if m.Tags["db"] != "postgres" || m.Tags["wkd"] == "" {
			t.Errorf("reserved tags missing: %v", m.Tags)
		}
		if !reflect.DeepEqual(m.Capabilities, []string{"read", "write"}) {
			t.Errorf("capabilities %v", m.Capabilities)
		}
		// n3 sees it in its own snapshots too.
		eventually(t, "n3 sees n2's identity", func() bool {
			m, err := n3.Member("n2")
			return err == nil && m.Endpoint == "127.0.0.1:5432" && m.Tags["zone"] == "a"
		})
		m3, _ := n3.Member("n2")
		if m3.Address != "127.0.0.1" || m3.Port == 0 || m3.WkdVersion == "" || m3.LastSeen.IsZero() {
			t.Errorf("member fields: %+v", m3)
		}
	})

	t.Run("filter", func(t *testing.T) {
		if err := n3.Register(Registration{DatabaseType: "redis", Groups: []string{"cache"},
			Tags: map[string]string{"zone": "b"}}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "n1 sees n3 in group cache", func() bool {
			ms, err := n1.Members(&MemberFilter{Group: "cache"})
			return err == nil && len(ms) == 1 && ms[0].Name == "n3"
		})
		check := func(f MemberFilter, want ...string) {
			t.Helper()
			ms, err := n1.Members(&f)
			if err != nil {
				t.Fatal(err)
			}
			got := memberNames(ms)
			sort.Strings(want)
			if len(want) == 0 {
				want = []string{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("filter %+v: got %v, want %v", f, got, want)
			}
		}
		check(MemberFilter{Group: "orders"}, "n2")
		check(MemberFilter{DatabaseType: "redis"}, "n3")
		check(MemberFilter{WireProtocol: "pgwire"}, "n2")
		check(MemberFilter{TagKey: "zone"}, "n2", "n3")
		check(MemberFilter{TagKey: "zone", TagValue: "b"}, "n3")
		check(MemberFilter{States: []MemberState{StateAlive}}, "n1", "n2", "n3")
		check(MemberFilter{States: []MemberState{StateFailed, StateLeft}})
		check(MemberFilter{Group: "nobody"})
		all, err := n1.Members(nil)
		if err != nil || !reflect.DeepEqual(memberNames(all), []string{"n1", "n2", "n3"}) {
			t.Errorf("Members(nil): %v, %v", memberNames(all), err)
		}
	})

	t.Run("updated", func(t *testing.T) {
		if err := n2.SetHealth(HealthWarning, "disk 91% full"); err != nil {
			t.Fatal(err)
		}
		ev := waitEvent(t, members, "n2 updated to warning", func(ev Event) bool {
			return ev.Type == EventMemberUpdated && ev.Member.Name == "n2" && ev.Member.Health == HealthWarning
		})
		if ev.Member.Tags["health"] == "" {
			t.Errorf("health tag missing: %v", ev.Member.Tags)
		}
		if ev.Type.String() != "member-updated" || ev.Member.Health.String() != "warning" {
			t.Errorf("names: %q %q", ev.Type.String(), ev.Member.Health.String())
		}
	})

	t.Run("user events", func(t *testing.T) {
		if err := n1.FireEvent("deploy", []byte("v1.2.3"), false); err != nil {
			t.Fatal(err)
		}
		if err := n2.FireEvent("restart", nil, true); err != nil {
			t.Fatal(err)
		}
		got := map[string][]byte{}
		for len(got) < 2 {
			ev, err := userEvents.Next(ctx)
			if err != nil {
				t.Fatalf("user events so far %v: %v", got, err)
			}
			if ev.Type != EventUser {
				t.Fatalf("user watch got %v", ev.Type)
			}
			got[ev.User.Name] = ev.User.Payload
		}
		if !bytes.Equal(got["deploy"], []byte("v1.2.3")) || got["restart"] == nil || len(got["restart"]) != 0 {
			t.Errorf("user events %q", got)
		}
		ev, err := deploys.Next(ctx)
		if err != nil || ev.User.Name != "deploy" || string(ev.User.Payload) != "v1.2.3" || ev.User.LTime == 0 {
			t.Errorf("filtered watch: %+v, %v", ev, err)
		}
	})

	t.Run("left", func(t *testing.T) {
		if err := n3.Leave(ctx); err != nil {
			t.Fatal(err)
		}
		ev := waitEvent(t, members, "n3 left", isMember(EventMemberLeft, "n3"))
		if ev.Member.State != StateLeft {
			t.Errorf("n3 state after leaving: %v", ev.Member.State)
		}
		n3.Close()
		waitClosed(t, userEvents) // closing the node closes its watches
		waitClosed(t, deploys)
	})

	t.Run("failed", func(t *testing.T) {
		n2.Close() // no leave: n1 must declare it failed
		ev := waitEvent(t, members, "n2 failed", isMember(EventMemberFailed, "n2"))
		if ev.Member.State != StateFailed {
			t.Errorf("n2 state: %v", ev.Member.State)
		}
		if ev.Type.String() != "member-failed" || ev.Member.State.String() != "failed" {
			t.Errorf("names: %q %q", ev.Type.String(), ev.Member.State.String())
		}
		st, err := n1.Stats()
		if err != nil || st.ProbeFailures == 0 || st.PacketsIn == 0 {
			t.Errorf("stats: %+v, %v", st, err)
		}
	})
}

func TestJoinContext(t *testing.T) {
	n := startNode(t, "joiner")
	// A seed that accepts TCP connections and never answers.
	silent := silentSeed(t)

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := n.Join(ctx, silent)
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Join past its deadline: %v", err)
	}

	ctx2, cancel2 := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := n.Join(ctx2, silent)
		done <- err
	}()
	cancel2()
	select {
	case err := <-done:
		if !errors.Is(err, ErrCanceled) || !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled Join: %v", err)
		}
	case <-testContext(t).Done():
		t.Fatal("cancelled Join did not return")
	}

	if _, err := n.Join(ctx2, silent); !errors.Is(err, context.Canceled) {
		t.Errorf("Join with a cancelled context: %v", err)
	}
}

func TestWatchContext(t *testing.T) {
	n := startNode(t, "quiet")
	w, err := n.WatchUserEvents("")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := w.Next(ctx); !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Next past its deadline: %v", err)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := w.Next(ctx2); !errors.Is(err, ErrCanceled) || !errors.Is(err, context.Canceled) {
		t.Errorf("Next with a cancelled context: %v", err)
	}
	// The watch still works after a context ended.
	if err := n.FireEvent("ping", []byte("1"), false); err != nil {
		t.Fatal(err)
	}
	ev, err := w.Next(testContext(t))
	if err != nil || ev.User.Name != "ping" {
		t.Errorf("Next after timeouts: %+v, %v", ev, err)
	}
}
