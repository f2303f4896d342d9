package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Node is one cluster member as the scenario drives it.
type Node interface {
	Join(seed string) error
	OthersUp() int // other members alive or suspect
	HasTag(name, key, value string) bool
	SetTag(key, value string) error
	Leave(timeout time.Duration) error
	Kill() // stop without leaving: peers must detect the failure
	Close()
}

// Cluster makes nodes of one library.
type Cluster interface {
	Side() string
	Settings() map[string]any
	NewNode(name, addr string, port int) (Node, error)
	// WatchSuspicion reports, once, the time at which any of the nodes
	// first suspects `victim`; the harness calls it just before the kill.
	WatchSuspicion(nodes []Node, victim string) <-chan time.Time
}

// Params of one run.
type Params struct {
	N        int
	Window   time.Duration
	Settle   time.Duration
	Addr     string
	PortBase int
}

// Result is one run's figures; times in seconds.
type Result struct {
	Side            string         `json:"side"`
	Harness         string         `json:"harness"`
	Preset          string         `json:"preset"`
	N               int            `json:"n"`
	ConvergeS       float64        `json:"converge_s"`
	TagAllS         float64        `json:"tag_all_s"`
	FirstSuspectS   float64        `json:"first_suspect_s"`
	DetectAllS      float64        `json:"detect_all_s"`
	LeaveAllS       float64        `json:"leave_all_s"`
	WindowS         float64        `json:"window_s"`
	CPUPerNodeMin   float64        `json:"cpu_s_per_node_min"`
	RSSBytes        int64          `json:"rss_bytes"`
	RSSPerNode      float64        `json:"rss_per_node_bytes"`
	BytesPerNodeS   float64        `json:"bytes_per_node_s"`
	PacketsPerNodeS float64        `json:"packets_per_node_s"`
	ConvergeCurve   [][2]float64   `json:"converge_curve"` // [seconds, nodes that see all N]
	Settings        map[string]any `json:"settings"`
}

// How often the views are read, and the deadlines of each phase.
const (
	pollEvery        = 10 * time.Millisecond
	convergeLimit    = 120 * time.Second
	disseminateLimit = 60 * time.Second
	detectLimit      = 120 * time.Second
)

// Run starts p.N nodes, measures, and closes them.
func Run(c Cluster, p Params) (*Result, error) {
	if p.N < 4 {
		return nil, fmt.Errorf("-n must be at least 4 (a leaver, a victim and two observers), got %d", p.N)
	}
	res := &Result{Side: c.Side(), N: p.N, Settings: c.Settings(), WindowS: p.Window.Seconds()}
	nodes := make([]Node, p.N)
	names := make([]string, p.N)
	defer func() {
		for _, n := range nodes {
			if n != nil {
				n.Close()
			}
		}
	}()
	for i := range nodes {
		names[i] = fmt.Sprintf("node-%d", i)
		n, err := c.NewNode(names[i], p.Addr, p.PortBase+i)
		if err != nil {
			return nil, fmt.Errorf("start %s: %w", names[i], err)
		}
		nodes[i] = n
	}

	// (a) Join convergence: every node joins node 0 at once.
	seed := fmt.Sprintf("%s:%d", p.Addr, p.PortBase)
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, p.N)
	for i := 1; i < p.N; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if err := nodes[i].Join(seed); err != nil {
				errs <- fmt.Errorf("%s join: %w", names[i], err)
			}
		}(i)
	}
	err := waitAllCurve(nodes, convergeLimit, func(n Node) bool { return n.OthersUp() == p.N-1 },
		func(done int) {
			res.ConvergeCurve = append(res.ConvergeCurve, [2]float64{time.Since(start).Seconds(), float64(done)})
		})
	if err != nil {
		return nil, fmt.Errorf("join convergence: %w", err)
	}
	res.ConvergeS = time.Since(start).Seconds()
	wg.Wait()
	select {
	case err := <-errs:
		return nil, err
	default:
	}

	// (e) Steady state over the window, once the join's gossip has died out.
	time.Sleep(p.Settle)
	cpu0, lo0 := cpuSeconds(), readLoopback()
	time.Sleep(p.Window)
	cpu1, lo1 := cpuSeconds(), readLoopback()
	res.RSSBytes = rssBytes()
	res.CPUPerNodeMin = (cpu1 - cpu0) / float64(p.N) * 60 / p.Window.Seconds()
	res.RSSPerNode = float64(res.RSSBytes) / float64(p.N)
	res.BytesPerNodeS = float64(lo1.bytes-lo0.bytes) / float64(p.N) / p.Window.Seconds()
	res.PacketsPerNodeS = float64(lo1.packets-lo0.packets) / float64(p.N) / p.Window.Seconds()

	// (d) A tag update of node 1 until every other node sees it.
	start = time.Now()
	if err := nodes[1].SetTag("bench", "v2"); err != nil {
		return nil, fmt.Errorf("tag update: %w", err)
	}
	if err := waitAll(nodes, map[int]bool{1: true}, disseminateLimit,
		func(n Node) bool { return n.HasTag(names[1], "bench", "v2") }); err != nil {
		return nil, fmt.Errorf("tag update: %w", err)
	}
	res.TagAllS = time.Since(start).Seconds()

	// (b) Failure detection: node 3 stops without leaving.
	victim := 3
	skip := map[int]bool{victim: true}
	suspected := c.WatchSuspicion(nodes, names[victim])
	start = time.Now()
	nodes[victim].Kill()
	err = waitAll(nodes, skip, detectLimit, func(n Node) bool { return n.OthersUp() == p.N-2 })
	res.DetectAllS = time.Since(start).Seconds()
	if err != nil {
		return nil, fmt.Errorf("failure detection: %w", err)
	}
	select {
	case t := <-suspected:
		res.FirstSuspectS = t.Sub(start).Seconds()
	case <-time.After(time.Second):
		return nil, fmt.Errorf("failure detection: %s was marked failed everywhere but no suspicion was reported", names[victim])
	}

	// (c) A graceful leave of node 2 until every other node sees it.
	leaver := 2
	skip[leaver] = true
	start = time.Now()
	go nodes[leaver].Leave(5 * time.Second)
	if err := waitAll(nodes, skip, disseminateLimit, func(n Node) bool { return n.OthersUp() == p.N-3 }); err != nil {
		return nil, fmt.Errorf("graceful leave: %w", err)
	}
	res.LeaveAllS = time.Since(start).Seconds()
	return res, nil
}

// waitAllCurve polls like waitAll and reports each change in the number of
// nodes for which ok holds.
func waitAllCurve(nodes []Node, limit time.Duration, ok func(Node) bool, report func(done int)) error {
	deadline := time.Now().Add(limit)
	last := -1
	for {
		done := 0
		for _, n := range nodes {
			if ok(n) {
				done++
			}
		}
		if done != last {
			report(done)
			last = done
		}
		if done == len(nodes) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d node(s) still waiting after %v", len(nodes)-done, limit)
		}
		time.Sleep(pollEvery)
	}
}

// waitAll polls until ok holds on every node not in skip.
func waitAll(nodes []Node, skip map[int]bool, limit time.Duration, ok func(Node) bool) error {
	deadline := time.Now().Add(limit)
	for {
		pending := 0
		for i, n := range nodes {
			if !skip[i] && !ok(n) {
				pending++
			}
		}
		if pending == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d node(s) still waiting after %v", pending, limit)
		}
		time.Sleep(pollEvery)
	}
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

func rssBytes() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kib, _ := strconv.ParseInt(f[1], 10, 64)
				return kib * 1024
			}
		}
	}
	return 0
}

type counters struct{ bytes, packets int64 }

// readLoopback reads the loopback interface's transmit counters from
// /proc/self/net/dev (the reading process's network namespace): in a
// namespace of its own they count this process's traffic only.
func readLoopback() counters {
	data, err := os.ReadFile("/proc/self/net/dev")
	if err != nil {
		return counters{}
	}
	for _, line := range strings.Split(string(data), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) != "lo" {
			continue
		}
		f := strings.Fields(rest)
		if len(f) < 10 {
			return counters{}
		}
		b, _ := strconv.ParseInt(f[8], 10, 64)
		p, _ := strconv.ParseInt(f[9], 10, 64)
		return counters{b, p}
	}
	return counters{}
}
