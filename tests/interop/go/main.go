// Command memberlist_peer runs one HashiCorp memberlist node (no Serf) for
// the wkd interop tests (tests/interop/serf_interop_test.py) and prints one
// JSON object per line on stdout, flushed as it is written:
//
//	{"event":"started","name":"g1","addr":"127.0.0.9:41234","port":41234}
//	{"event":"join","ok":true,"joined":1}
//	{"event":"member-join","name":"w1","addr":"127.0.0.9","port":40000,
//	 "state":"alive","tags":{"wkd":"0.1.0",...},"members":{"g1":"alive","w1":"alive"}}
//	{"event":"member-leave","name":"w1",...,"state":"gone"}   (dead or left)
//	{"event":"member-update",...}
//	{"event":"leave","ok":true}
//	{"event":"exit","code":0}
//
// "members" is this node's whole view after the change. SIGTERM or SIGINT
// makes the node leave gracefully (memberlist Leave, then Shutdown) and exit
// with status 0. Memberlist's own log goes to stderr.
package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/memberlist"
)

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// printer writes whole JSON lines; the event delegate and main both use it.
type printer struct {
	mu sync.Mutex
}

func (p *printer) emit(fields map[string]any) {
	line, err := json.Marshal(fields)
	if err != nil {
		line = []byte(fmt.Sprintf(`{"event":"error","error":%q}`, err.Error()))
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	os.Stdout.Write(append(line, '\n'))
}

// ---- Serf-style tags in the node metadata -----------------------------------
//
// Serf (protocol >= 3) puts its tags in the memberlist metadata as the byte
// 0xFF followed by a msgpack map of strings. This peer advertises its -tag
// values the same way, so wkd and serf read them, and decodes what wkd nodes
// advertise so the tests can check them from this side too.

const tagMagic = 0xFF

func appendMsgpackStr(b []byte, s string) []byte {
	n := len(s)
	switch {
	case n < 32:
		b = append(b, 0xa0|byte(n))
	case n <= 0xffff:
		b = append(b, 0xda, byte(n>>8), byte(n))
	default:
		b = append(b, 0xdb, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, s...)
}

func encodeTags(tags map[string]string) []byte {
	b := []byte{tagMagic}
	n := len(tags)
	if n < 16 {
		b = append(b, 0x80|byte(n))
	} else {
		b = append(b, 0xde, byte(n>>8), byte(n))
	}
	for k, v := range tags {
		b = appendMsgpackStr(b, k)
		b = appendMsgpackStr(b, v)
	}
	return b
}

var errMeta = errors.New("metadata is not a msgpack map of strings")

func readMsgpackLen(b []byte, fix, fixMask byte, c8, c16, c32 byte, allowFix bool) (int, []byte, error) {
	if len(b) == 0 {
		return 0, nil, errMeta
	}
	c := b[0]
	switch {
	case allowFix && c&^fixMask == fix:
		return int(c & fixMask), b[1:], nil
	case c8 != 0 && c == c8 && len(b) >= 2:
		return int(b[1]), b[2:], nil
	case c == c16 && len(b) >= 3:
		return int(binary.BigEndian.Uint16(b[1:3])), b[3:], nil
	case c == c32 && len(b) >= 5:
		return int(binary.BigEndian.Uint32(b[1:5])), b[5:], nil
	}
	return 0, nil, errMeta
}

func readMsgpackStr(b []byte) (string, []byte, error) {
	// fixstr, str8, str16, str32, and bin8/16/32 (some encoders use bin).
	if len(b) > 0 && b[0] >= 0xc4 && b[0] <= 0xc6 {
		n, rest, err := readMsgpackLen(b, 0, 0, 0xc4, 0xc5, 0xc6, false)
		if err != nil || n > len(rest) {
			return "", nil, errMeta
		}
		return string(rest[:n]), rest[n:], nil
	}
	n, rest, err := readMsgpackLen(b, 0xa0, 0x1f, 0xd9, 0xda, 0xdb, true)
	if err != nil || n > len(rest) {
		return "", nil, errMeta
	}
	return string(rest[:n]), rest[n:], nil
}

// decodeTags reads metadata the way Serf does: without the magic byte the
// whole metadata is the "role" tag.
func decodeTags(meta []byte) (map[string]string, error) {
	tags := map[string]string{}
	if len(meta) == 0 || meta[0] != tagMagic {
		tags["role"] = string(meta)
		return tags, nil
	}
	n, rest, err := readMsgpackLen(meta[1:], 0x80, 0x0f, 0, 0xde, 0xdf, true)
	if err != nil {
		return tags, err
	}
	for i := 0; i < n; i++ {
		var k, v string
		if k, rest, err = readMsgpackStr(rest); err != nil {
			return tags, err
		}
		if v, rest, err = readMsgpackStr(rest); err != nil {
			return tags, err
		}
		tags[k] = v
	}
	return tags, nil
}

// ---- delegates ----------------------------------------------------------------

// delegate advertises the tags and ignores every user message and state.
type delegate struct {
	meta []byte
}

func (d *delegate) NodeMeta(limit int) []byte                  { return d.meta }
func (d *delegate) NotifyMsg([]byte)                           {}
func (d *delegate) GetBroadcasts(overhead, limit int) [][]byte { return nil }
func (d *delegate) LocalState(join bool) []byte                { return nil }
func (d *delegate) MergeRemoteState(buf []byte, join bool)     {}

func stateName(s memberlist.NodeStateType) string {
	switch s {
	case memberlist.StateAlive:
		return "alive"
	case memberlist.StateSuspect:
		return "suspect"
	case memberlist.StateDead:
		return "dead"
	case memberlist.StateLeft:
		return "left"
	}
	return "unknown"
}

// events keeps this node's own view of the members. Memberlist calls it with
// its node lock held, so it must not call back into the Memberlist.
type events struct {
	out   *printer
	mu    sync.Mutex
	state map[string]string
}

func (e *events) report(kind string, n *memberlist.Node, state string) {
	e.mu.Lock()
	e.state[n.Name] = state
	view := make(map[string]string, len(e.state))
	for k, v := range e.state {
		view[k] = v
	}
	e.mu.Unlock()
	fields := map[string]any{
		"event":   kind,
		"name":    n.Name,
		"addr":    n.Addr.String(),
		"port":    n.Port,
		"state":   state,
		"members": view,
		"vsn":     []int{int(n.PMin), int(n.PMax), int(n.PCur), int(n.DMin), int(n.DMax), int(n.DCur)},
	}
	tags, err := decodeTags(n.Meta)
	fields["tags"] = tags
	if err != nil {
		fields["tags_error"] = err.Error()
	}
	e.out.emit(fields)
}

func (e *events) NotifyJoin(n *memberlist.Node)   { e.report("member-join", n, "alive") }
func (e *events) NotifyUpdate(n *memberlist.Node) { e.report("member-update", n, stateName(n.State)) }
func (e *events) NotifyLeave(n *memberlist.Node) {
	// memberlist records whether a node announced its own death (left) or
	// was declared dead in its internal state only: the Node handed to the
	// delegate always says alive. So this peer cannot tell the two apart;
	// its log does ("Marking X as failed" precedes a failure).
	e.report("member-leave", n, "gone")
}

// ---- main -------------------------------------------------------------------------

func parseVsn(s string) ([3]uint8, error) {
	var v [3]uint8
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return v, fmt.Errorf("want MIN,MAX,CUR, got %q", s)
	}
	for i, p := range parts {
		n, err := strconv.ParseUint(strings.TrimSpace(p), 10, 8)
		if err != nil {
			return v, fmt.Errorf("bad number %q in %q", p, s)
		}
		v[i] = uint8(n)
	}
	return v, nil
}

func run() int {
	var joins, tagFlags listFlag
	name := flag.String("name", "", "node name (required)")
	bind := flag.String("bind", "", "ip:port to bind and advertise (required; port 0 = any)")
	profile := flag.String("profile", "local", "memberlist preset: local, lan or wan")
	delegateVsn := flag.String("delegate-vsn", "",
		"MIN,MAX,CUR delegate protocol versions to advertise (default: memberlist's 0,0,0)")
	leaveTimeout := flag.Duration("leave-timeout", 5*time.Second, "how long Leave may wait for its broadcast")
	flag.Var(&joins, "join", "seed ip:port to join (repeatable)")
	flag.Var(&tagFlags, "tag", "key=value advertised as a Serf tag (repeatable)")
	flag.Parse()

	out := &printer{}
	if *name == "" || *bind == "" {
		fmt.Fprintln(os.Stderr, "memberlist_peer: -name and -bind are required")
		flag.Usage()
		return 2
	}
	host, portText, err := net.SplitHostPort(*bind)
	port, perr := strconv.Atoi(portText)
	if err != nil || perr != nil || net.ParseIP(host) == nil {
		fmt.Fprintf(os.Stderr, "memberlist_peer: -bind wants ip:port, got %q\n", *bind)
		return 2
	}

	var conf *memberlist.Config
	switch *profile {
	case "local":
		conf = memberlist.DefaultLocalConfig()
	case "lan":
		conf = memberlist.DefaultLANConfig()
	case "wan":
		conf = memberlist.DefaultWANConfig()
	default:
		fmt.Fprintf(os.Stderr, "memberlist_peer: unknown profile %q\n", *profile)
		return 2
	}
	tags := map[string]string{}
	for _, t := range tagFlags {
		k, v, ok := strings.Cut(t, "=")
		if !ok || k == "" {
			fmt.Fprintf(os.Stderr, "memberlist_peer: -tag wants key=value, got %q\n", t)
			return 2
		}
		tags[k] = v
	}
	if *delegateVsn != "" {
		v, err := parseVsn(*delegateVsn)
		if err != nil {
			fmt.Fprintf(os.Stderr, "memberlist_peer: -delegate-vsn: %v\n", err)
			return 2
		}
		conf.DelegateProtocolMin, conf.DelegateProtocolMax, conf.DelegateProtocolVersion = v[0], v[1], v[2]
	}
	conf.Name = *name
	conf.BindAddr = host
	conf.BindPort = port
	conf.AdvertiseAddr = host
	conf.AdvertisePort = port
	conf.Logger = log.New(os.Stderr, "["+*name+"] ", log.LstdFlags|log.Lmicroseconds)
	conf.Delegate = &delegate{meta: encodeTags(tags)}
	conf.Events = &events{out: out, state: map[string]string{}}

	// Subscribe before anything can arrive, so no signal is lost.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)

	list, err := memberlist.Create(conf)
	if err != nil {
		out.emit(map[string]any{"event": "started", "ok": false, "error": err.Error()})
		return 1
	}
	self := list.LocalNode()
	out.emit(map[string]any{
		"event": "started", "ok": true, "name": self.Name,
		"addr": net.JoinHostPort(self.Addr.String(), strconv.Itoa(int(self.Port))), "port": self.Port,
	})

	if len(joins) > 0 {
		n, err := list.Join(joins)
		if err != nil {
			out.emit(map[string]any{"event": "join", "ok": false, "joined": n, "error": err.Error()})
		} else {
			out.emit(map[string]any{"event": "join", "ok": true, "joined": n})
		}
	}

	<-sigs
	if err := list.Leave(*leaveTimeout); err != nil {
		out.emit(map[string]any{"event": "leave", "ok": false, "error": err.Error()})
	} else {
		out.emit(map[string]any{"event": "leave", "ok": true})
	}
	if err := list.Shutdown(); err != nil {
		fmt.Fprintf(os.Stderr, "memberlist_peer: shutdown: %v\n", err)
	}
	out.emit(map[string]any{"event": "exit", "code": 0})
	return 0
}

func main() {
	os.Exit(run())
}
