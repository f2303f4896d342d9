//go:build wkd

package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	wkd "github.com/weftkit/wkd/go"
)

// The wkd backend: the same scenario over wkd nodes, through the Go
// binding. bench/compare --self runs it against the C++ harness to check
// that both harnesses measure the same things.
type wkdCluster struct {
	preset wkd.Preset
	name   string
}

func newWkdCluster(preset string) (Cluster, error) {
	switch preset {
	case "lan":
		return &wkdCluster{preset: wkd.PresetLAN, name: preset}, nil
	case "local":
		return &wkdCluster{preset: wkd.PresetLocal, name: preset}, nil
	}
	return nil, fmt.Errorf("unknown preset %q (lan or local)", preset)
}

func (c *wkdCluster) Side() string { return "wkd" }

func (c *wkdCluster) Settings() map[string]any {
	cfg, err := wkd.NewConfig(wkd.WithPreset(c.preset))
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	defer cfg.Free()
	version, _ := wkd.Version()
	out := map[string]any{"library": "wkd " + version + " (Serf layer on top), Go binding", "encryption": false}
	for _, k := range []string{"probe_interval_ms", "probe_timeout_ms", "indirect_checks", "suspicion_mult",
		"suspicion_max_timeout_mult", "gossip_interval_ms", "gossip_nodes", "gossip_to_the_dead_ms",
		"retransmit_mult", "push_pull_interval_ms", "tcp_timeout_ms", "awareness_max_multiplier",
		"udp_buffer_size", "enable_compression", "verify_before_dead"} {
		if v, err := cfg.Get(k); err == nil {
			out[k] = v
		}
	}
	return out
}

type wkdNode struct {
	n *wkd.Node
}

func (c *wkdCluster) NewNode(name, addr string, port int) (Node, error) {
	n, err := wkd.New(wkd.WithPreset(c.preset), wkd.WithName(name), wkd.WithBind(fmt.Sprintf("%s:%d", addr, port)))
	if err != nil {
		return nil, err
	}
	if err := n.Register(wkd.Registration{Tags: map[string]string{"bench": "v1"}}); err != nil {
		n.Close()
		return nil, err
	}
	if err := n.Start(); err != nil {
		n.Close()
		return nil, err
	}
	return &wkdNode{n: n}, nil
}

func (w *wkdNode) Join(seed string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := w.n.Join(ctx, seed)
	return err
}

func (w *wkdNode) OthersUp() int {
	s, err := w.n.Stats()
	if err != nil {
		return -1
	}
	return int(s.MembersAlive + s.MembersSuspect)
}

func (w *wkdNode) HasTag(name, key, value string) bool {
	ms, err := w.n.Members(&wkd.MemberFilter{TagKey: key, TagValue: value})
	if err != nil {
		return false
	}
	for _, m := range ms {
		if m.Name == name {
			return true
		}
	}
	return false
}

func (w *wkdNode) SetTag(key, value string) error {
	return w.n.Register(wkd.Registration{Tags: map[string]string{key: value}})
}

func (w *wkdNode) Leave(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return w.n.Leave(ctx)
}

func (w *wkdNode) Kill() { w.n.Close() }

func (w *wkdNode) Close() { w.n.Close() }

// WatchSuspicion starts a member watch on every node but the victim and
// reports the first suspect event about the victim.
func (c *wkdCluster) WatchSuspicion(nodes []Node, victim string) <-chan time.Time {
	ch := make(chan time.Time, 1)
	var once sync.Once
	for _, x := range nodes {
		w := x.(*wkdNode)
		if w.n.Name() == victim {
			continue
		}
		watch, err := w.n.WatchMembers()
		if err != nil {
			continue
		}
		go func() {
			for ev := range watch.Events() {
				if ev.Type == wkd.EventMemberSuspect && ev.Member.Name == victim {
					now := time.Now()
					once.Do(func() { ch <- now })
				}
			}
		}()
	}
	return ch
}
