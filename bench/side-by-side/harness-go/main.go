// Command harness-go runs N cluster nodes in one process on loopback and
// measures what bench/compare reports: join convergence, failure
// detection, a graceful leave, a tag update, and the steady-state cost per
// node. The nodes are HashiCorp memberlist by default; -backend wkd runs
// wkd nodes through the Go binding, so `bench/compare --self` can check
// that this harness and the C++ one measure the same things.
//
// It prints one JSON object on stdout. Run it in a network namespace of its
// own so the loopback counters hold its traffic only.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	backend := flag.String("backend", "memberlist", "memberlist or wkd")
	n := flag.Int("n", 16, "number of nodes")
	preset := flag.String("preset", "lan", "lan or local")
	window := flag.Duration("window", 30*time.Second, "steady-state measurement window")
	settle := flag.Duration("settle", 10*time.Second, "wait after convergence before the window")
	addr := flag.String("addr", "127.0.0.1", "loopback address every node binds")
	portBase := flag.Int("port-base", 20000, "node i binds port-base+i")
	flag.Parse()

	var c Cluster
	var err error
	switch *backend {
	case "memberlist":
		c, err = newMemberlistCluster(*preset)
	case "wkd":
		c, err = newWkdCluster(*preset)
	default:
		err = fmt.Errorf("unknown backend %q (memberlist or wkd)", *backend)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "harness-go:", err)
		os.Exit(2)
	}
	res, err := Run(c, Params{N: *n, Window: *window, Settle: *settle, Addr: *addr, PortBase: *portBase})
	if err != nil {
		fmt.Fprintln(os.Stderr, "harness-go:", err)
		os.Exit(1)
	}
	res.Harness = "go"
	res.Preset = *preset
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
}
