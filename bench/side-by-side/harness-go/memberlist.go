package main

import (
	"fmt"
	"io"
	"log"
	"sync"
	"time"

	metrics "github.com/hashicorp/go-metrics/compat"
	"github.com/hashicorp/memberlist"
)

type memberlistCluster struct {
	preset string
}

func newMemberlistCluster(preset string) (Cluster, error) {
	if preset != "lan" && preset != "local" {
		return nil, fmt.Errorf("unknown preset %q (lan or local)", preset)
	}
	return &memberlistCluster{preset: preset}, nil
}

func (c *memberlistCluster) config() *memberlist.Config {
	if c.preset == "local" {
		return memberlist.DefaultLocalConfig()
	}
	return memberlist.DefaultLANConfig()
}

func (c *memberlistCluster) Side() string { return "memberlist" }

// Settings are the knobs both sides must share, printed side by side.
func (c *memberlistCluster) Settings() map[string]any {
	cfg := c.config()
	return map[string]any{
		"library":                    "hashicorp/memberlist v0.5.4",
		"probe_interval_ms":          cfg.ProbeInterval.Milliseconds(),
		"probe_timeout_ms":           cfg.ProbeTimeout.Milliseconds(),
		"indirect_checks":            cfg.IndirectChecks,
		"suspicion_mult":             cfg.SuspicionMult,
		"suspicion_max_timeout_mult": cfg.SuspicionMaxTimeoutMult,
		"gossip_interval_ms":         cfg.GossipInterval.Milliseconds(),
		"gossip_nodes":               cfg.GossipNodes,
		"gossip_to_the_dead_ms":      cfg.GossipToTheDeadTime.Milliseconds(),
		"retransmit_mult":            cfg.RetransmitMult,
		"push_pull_interval_ms":      cfg.PushPullInterval.Milliseconds(),
		"tcp_timeout_ms":             cfg.TCPTimeout.Milliseconds(),
		"awareness_max_multiplier":   cfg.AwarenessMaxMultiplier,
		"udp_buffer_size":            cfg.UDPBufferSize,
		"enable_compression":         cfg.EnableCompression,
		"encryption":                 false,
		// memberlist declares a suspect dead when its timeout ends,
		// without probing it once more.
		"verify_before_dead": false,
	}
}

// metaDelegate advertises node meta "key=value" (tag updates) and nothing else.
type metaDelegate struct {
	mu   sync.Mutex
	meta []byte
}

func (d *metaDelegate) NodeMeta(limit int) []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]byte(nil), d.meta...)
}
func (d *metaDelegate) NotifyMsg([]byte)                           {}
func (d *metaDelegate) GetBroadcasts(overhead, limit int) [][]byte { return nil }
func (d *metaDelegate) LocalState(join bool) []byte                { return nil }
func (d *metaDelegate) MergeRemoteState(buf []byte, join bool)     {}

type memberlistNode struct {
	m        *memberlist.Memberlist
	delegate *metaDelegate
	closed   bool
}

func (c *memberlistCluster) NewNode(name, addr string, port int) (Node, error) {
	cfg := c.config()
	cfg.Name = name
	cfg.BindAddr = addr
	cfg.BindPort = port
	cfg.AdvertiseAddr = addr
	cfg.AdvertisePort = port
	cfg.Logger = log.New(io.Discard, "", 0)
	d := &metaDelegate{meta: []byte("bench=v1")}
	cfg.Delegate = d
	m, err := memberlist.Create(cfg)
	if err != nil {
		return nil, err
	}
	return &memberlistNode{m: m, delegate: d}, nil
}

func (n *memberlistNode) Join(seed string) error {
	_, err := n.m.Join([]string{seed})
	return err
}

func (n *memberlistNode) OthersUp() int { return n.m.NumMembers() - 1 }

func (n *memberlistNode) HasTag(name, key, value string) bool {
	want := key + "=" + value
	for _, m := range n.m.Members() {
		if m.Name == name {
			return string(m.Meta) == want
		}
	}
	return false
}

func (n *memberlistNode) SetTag(key, value string) error {
	n.delegate.mu.Lock()
	n.delegate.meta = []byte(key + "=" + value)
	n.delegate.mu.Unlock()
	return n.m.UpdateNode(5 * time.Second)
}

func (n *memberlistNode) Leave(timeout time.Duration) error { return n.m.Leave(timeout) }

func (n *memberlistNode) Kill() { n.Close() }

func (n *memberlistNode) Close() {
	if !n.closed {
		n.closed = true
		n.m.Shutdown()
	}
}

// suspicionSink is a metrics sink that reports the first
// memberlist.msg.suspect counter increment: memberlist counts every
// suspicion a node starts or accepts there, and its public API does not
// show the suspect state (Members() reports Node.State, which stays alive).
type suspicionSink struct {
	metrics.BlackholeSink
	once sync.Once
	ch   chan time.Time
}

func (s *suspicionSink) IncrCounterWithLabels(key []string, val float32, labels []metrics.Label) {
	s.count(key)
}

func (s *suspicionSink) IncrCounter(key []string, val float32) { s.count(key) }

func (s *suspicionSink) count(key []string) {
	if len(key) >= 2 && key[len(key)-2] == "msg" && key[len(key)-1] == "suspect" {
		now := time.Now()
		s.once.Do(func() { s.ch <- now })
	}
}

// WatchSuspicion installs the sink as memberlist's global metrics sink
// only now, after the steady-state window, so it costs nothing there.
func (c *memberlistCluster) WatchSuspicion(nodes []Node, victim string) <-chan time.Time {
	sink := &suspicionSink{ch: make(chan time.Time, 1)}
	cfg := metrics.DefaultConfig("bench")
	cfg.EnableHostname = false
	cfg.EnableRuntimeMetrics = false
	if _, err := metrics.NewGlobal(cfg, sink); err != nil {
		log.Printf("metrics sink: %v", err)
	}
	return sink.ch
}
