package wkd

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Node is one cluster member: its sockets, its loop thread and its local
// view of the cluster. All methods are safe for concurrent use. Close it
// when done (a Node that becomes unreachable is closed and freed by a
// finalizer, without leaving); using a closed Node returns ErrClosed.
type Node struct {
	in *node
}

// node holds the C handle. Watch goroutines refer to it, never to the
// Node, so an abandoned Node can still be finalized.
type node struct {
	ptr    *C.wkd_node_t // freed (and set to nil) under rw.Lock only
	rw     sync.RWMutex  // read-held by every call using ptr
	closed atomic.Bool
	once   sync.Once
	name   string

	log *logRoute // nil: stderr or silence

	wmu     sync.Mutex
	closing bool
	watches map[*watchState]struct{}
	wg      sync.WaitGroup
}

// finalizedNodes counts nodes closed by the finalizer (for tests).
var finalizedNodes atomic.Int64

// New creates a node from options; nothing is bound until Start.
func New(opts ...Option) (*Node, error) {
	cfg, route, err := buildConfig("New", opts, true)
	if err != nil {
		return nil, err
	}
	defer C.wkdg_config_free(cfg)
	var ptr *C.wkd_node_t
	e := cerror()
	if st := C.wkdg_node_create(&ptr, cfg, &e); st != C.WKD_OK {
		if route != nil {
			C.wkdg_log_queue_free(route.q)
		}
		return nil, newCError("New", st, &e)
	}
	in := &node{ptr: ptr, log: route, watches: map[*watchState]struct{}{}}
	in.name = C.GoString(C.wkdg_node_name(ptr))
	if route != nil {
		route.start()
	}
	n := &Node{in: in}
	runtime.SetFinalizer(n, func(n *Node) {
		finalizedNodes.Add(1)
		n.in.close()
	})
	return n, nil
}

func closedError(op string) error { return newError(op, StatusClosed, "node is closed") }

// acquire read-locks the handle for one call; release must follow.
func (n *node) acquire(op string) (*C.wkd_node_t, func(), error) {
	n.rw.RLock()
	if n.closed.Load() || n.ptr == nil {
		n.rw.RUnlock()
		return nil, nil, closedError(op)
	}
	return n.ptr, n.rw.RUnlock, nil
}

// call runs f with the handle and a fresh wkd_error and converts the status.
func (n *node) call(op string, f func(p *C.wkd_node_t, e *C.wkd_error) C.wkd_status) error {
	p, release, err := n.acquire(op)
	if err != nil {
		return err
	}
	defer release()
	e := cerror()
	return newCError(op, f(p, &e), &e)
}

// close stops the node, ends its watches and frees the handle. Idempotent.
func (n *node) close() {
	n.once.Do(func() {
		n.closed.Store(true)
		// ptr stays valid until the free below, which only this function does.
		C.wkdg_node_close(n.ptr) // wakes every waiter with WKD_E_CLOSED
		n.wmu.Lock()
		n.closing = true
		ws := make([]*watchState, 0, len(n.watches))
		for w := range n.watches {
			ws = append(ws, w)
		}
		n.wmu.Unlock()
		for _, w := range ws {
			w.stop()
		}
		n.wg.Wait() // every watch goroutine has freed its watch
		n.rw.Lock() // calls in progress have returned
		C.wkdg_node_free(n.ptr)
		n.ptr = nil
		n.rw.Unlock()
		if n.log != nil {
			n.log.close() // after the node: its last lines are still logged
		}
	})
}

// Close stops the node without leaving (peers will see it fail; call
// Leave first to be seen as left), closes the channels of its watches and
// releases it. Closing again does nothing.
func (n *Node) Close() error {
	n.in.close()
	runtime.SetFinalizer(n, nil)
	return nil
}

// Start binds the UDP socket and the TCP listener and starts the loop.
func (n *Node) Start() error {
	defer runtime.KeepAlive(n)
	return n.in.call("Start", func(p *C.wkd_node_t, e *C.wkd_error) C.wkd_status {
		return C.wkdg_node_start(p, e)
	})
}

// Name is the node's name.
func (n *Node) Name() string { return n.in.name }

// LocalAddr is the address the node is bound to, "ip:port", once started
// (the real port when bound to port 0).
func (n *Node) LocalAddr() (string, error) {
	defer runtime.KeepAlive(n)
	var buf [96]C.char
	err := n.in.call("LocalAddr", func(p *C.wkd_node_t, e *C.wkd_error) C.wkd_status {
		return C.wkdg_node_local_addr(&buf[0], C.size_t(len(buf)), nil, p, e)
	})
	if err != nil {
		return "", err
	}
	return C.GoString(&buf[0]), nil
}

// ctxError reports a call ended by its context.
func ctxError(op string, cause error) error {
	st := StatusCanceled
	if cause == context.DeadlineExceeded {
		st = StatusTimeout
	}
	return &Error{Op: op, Status: st, Message: cause.Error(), cause: cause}
}

// blocking runs a waiting C call with the context's deadline as its
// timeout. When the context is cancelled first, it returns at once; the C
// call finishes in the background, bounded by that timeout or by Close.
func (n *node) blocking(ctx context.Context, op string, call func(p *C.wkd_node_t, timeoutMs C.int32_t, e *C.wkd_error) C.wkd_status) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return ctxError(op, err)
	}
	timeout := int64(-1)
	if dl, ok := ctx.Deadline(); ok {
		rem := time.Until(dl)
		if rem <= 0 {
			return ctxError(op, context.DeadlineExceeded)
		}
		timeout = int64((rem + time.Millisecond - 1) / time.Millisecond)
		if timeout > math.MaxInt32 {
			timeout = math.MaxInt32
		}
	}
	p, release, err := n.acquire(op)
	if err != nil {
		return err
	}
	run := func() error {
		defer release()
		e := cerror()
		err := newCError(op, call(p, C.int32_t(timeout), &e), &e)
		if ce, ok := err.(*Error); ok && ce.Status == StatusTimeout && timeout >= 0 {
			// The timeout given was the context's deadline.
			ce.cause = context.DeadlineExceeded
		}
		return err
	}
	if ctx.Done() == nil {
		return run()
	}
	done := make(chan error, 1)
	go func() { done <- run() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctxError(op, ctx.Err())
	}
}

// Join joins a cluster through seeds ("host:port", "ip:port",
// "[v6]:port"), contacting them in parallel, and returns how many answered.
// It waits until the context's deadline (or without limit) and returns
// early when the context is cancelled.
func (n *Node) Join(ctx context.Context, seeds ...string) (int, error) {
	defer runtime.KeepAlive(n)
	var joined C.int
	err := n.in.blocking(ctx, "Join", func(p *C.wkd_node_t, t C.int32_t, e *C.wkd_error) C.wkd_status {
		// Allocated here: after a cancelled Join the call may outlive it.
		var m cmem
		defer m.free()
		return C.wkdg_node_join(&joined, p, m.strs(seeds), C.size_t(len(seeds)), t, e)
	})
	if err != nil {
		return 0, err
	}
	return int(joined), nil
}

// Leave announces a graceful leave and waits until it has been gossiped
// (or the context ends), so peers show the node as left rather than
// failed. The node keeps running until Close.
func (n *Node) Leave(ctx context.Context) error {
	defer runtime.KeepAlive(n)
	return n.in.blocking(ctx, "Leave", func(p *C.wkd_node_t, t C.int32_t, e *C.wkd_error) C.wkd_status {
		return C.wkdg_node_leave(p, t, e)
	})
}

// Registration is the identity a node advertises (wkd/registration.h).
type Registration struct {
	DatabaseType string            // tag "db"
	WireProtocol string            // tag "wire"
	Endpoint     string            // tag "endpoint", "host:port"
	Groups       []string          // each [a-z0-9][a-z0-9._-]{0,62}
	Capabilities []string          // free words without commas
	Tags         map[string]string // free tags; reserved keys are refused
}

// Register replaces the node's advertised identity, atomically and
// cluster-wide. Works before or after Start. A malformed field fails with
// ErrInvalid, metadata over 512 bytes with ErrTooBig.
func (n *Node) Register(r Registration) error {
	defer runtime.KeepAlive(n)
	var m cmem
	defer m.free()
	reg := (*C.wkd_registration)(m.alloc(C.sizeof_wkd_registration))
	reg.struct_size = C.uint32_t(C.sizeof_wkd_registration)
	reg.database_type = m.optStr(r.DatabaseType)
	reg.wire_protocol = m.optStr(r.WireProtocol)
	reg.endpoint = m.optStr(r.Endpoint)
	reg.groups = m.strs(r.Groups)
	reg.n_groups = C.size_t(len(r.Groups))
	reg.capabilities = m.strs(r.Capabilities)
	reg.n_capabilities = C.size_t(len(r.Capabilities))
	if len(r.Tags) > 0 {
		keys := make([]string, 0, len(r.Tags))
		for k := range r.Tags {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		kvs := unsafe.Slice((*C.wkd_kv)(m.alloc(uintptr(len(keys))*C.sizeof_wkd_kv)), len(keys))
		for i, k := range keys {
			kvs[i].key = m.str(k)
			kvs[i].value = m.str(r.Tags[k])
		}
		reg.tags = &kvs[0]
		reg.n_tags = C.size_t(len(keys))
	}
	return n.in.call("Register", func(p *C.wkd_node_t, e *C.wkd_error) C.wkd_status {
		return C.wkdg_register(p, reg, e)
	})
}

// SetHealth sets and gossips the node's own health (tag "health"); reason
// is logged. Only HealthPassing, HealthWarning and HealthCritical are valid.
func (n *Node) SetHealth(h Health, reason string) error {
	defer runtime.KeepAlive(n)
	var m cmem
	defer m.free()
	why := m.optStr(reason)
	return n.in.call("SetHealth", func(p *C.wkd_node_t, e *C.wkd_error) C.wkd_status {
		return C.wkdg_node_set_health(p, C.wkd_health(h), why, e)
	})
}

// FireEvent sends a user event to every member (a Serf user event: serf
// peers see it too). With coalesce, receivers may coalesce events of this
// name. Name plus payload over the user event size limit fail with ErrTooBig.
func (n *Node) FireEvent(name string, payload []byte, coalesce bool) error {
	defer runtime.KeepAlive(n)
	var m cmem
	defer m.free()
	cname := m.str(name)
	var data *C.uint8_t
	if len(payload) > 0 {
		data = (*C.uint8_t)(C.CBytes(payload))
		m.ptrs = append(m.ptrs, unsafe.Pointer(data))
	}
	return n.in.call("FireEvent", func(p *C.wkd_node_t, e *C.wkd_error) C.wkd_status {
		return C.wkdg_node_fire_event(p, cname, data, C.size_t(len(payload)), C.bool(coalesce), e)
	})
}

// Members returns a snapshot of the member list (this node included),
// ordered by name; filter may be nil. It never waits for the network.
func (n *Node) Members(filter *MemberFilter) ([]Member, error) {
	defer runtime.KeepAlive(n)
	var out []Member
	err := n.withSnapshot("Members", filter, func(ms *C.wkd_members_t, e *C.wkd_error) C.wkd_status {
		count := int(C.wkdg_members_count(ms))
		out = make([]Member, 0, count)
		for i := 0; i < count; i++ {
			mi := newMemberInfo()
			if st := C.wkdg_members_at(&mi, ms, C.size_t(i), e); st != C.WKD_OK {
				return st
			}
			out = append(out, memberFromC(&mi))
		}
		return C.WKD_OK
	})
	return out, err
}

// Member returns the member of that name from a fresh snapshot, or an
// error matching ErrNotFound.
func (n *Node) Member(name string) (Member, error) {
	defer runtime.KeepAlive(n)
	var out Member
	var m cmem
	defer m.free()
	cname := m.str(name)
	err := n.withSnapshot("Member", nil, func(ms *C.wkd_members_t, e *C.wkd_error) C.wkd_status {
		mi := newMemberInfo()
		st := C.wkdg_members_find(&mi, ms, cname, e)
		if st == C.WKD_OK {
			out = memberFromC(&mi)
		}
		return st
	})
	return out, err
}

func (n *Node) withSnapshot(op string, filter *MemberFilter, read func(*C.wkd_members_t, *C.wkd_error) C.wkd_status) error {
	var m cmem
	defer m.free()
	var f *C.wkd_member_filter
	if filter != nil {
		f = (*C.wkd_member_filter)(m.alloc(C.sizeof_wkd_member_filter))
		f.struct_size = C.uint32_t(C.sizeof_wkd_member_filter)
		for _, s := range filter.States {
			f.states |= C.uint32_t(1) << uint(s)
		}
		f.group = m.optStr(filter.Group)
		f.database_type = m.optStr(filter.DatabaseType)
		f.wire_protocol = m.optStr(filter.WireProtocol)
		f.tag_key = m.optStr(filter.TagKey)
		f.tag_value = m.optStr(filter.TagValue)
	}
	return n.in.call(op, func(p *C.wkd_node_t, e *C.wkd_error) C.wkd_status {
		var ms *C.wkd_members_t
		if st := C.wkdg_node_members(&ms, p, f, e); st != C.WKD_OK {
			return st
		}
		defer C.wkdg_members_free(ms)
		return read(ms, e)
	})
}

// Stats are a node's counters (wkd_stats).
type Stats struct {
	PacketsIn, PacketsOut, BytesIn, BytesOut, StreamsIn, StreamsOut uint64
	DropsTotal, DropsMalformed, DropsDecrypt, DropsChecksum, DropsLabel,
	DropsUnknownType, DropsOversized, DropsQueueFull, DropsSocket uint64
	Probes, ProbeFailures, IndirectProbes, Suspicions, Refutations,
	PushPulls, GossipMessages uint64
	MembersAlive, MembersSuspect, MembersFailed, MembersLeft uint32 // other members
	HealthScore, Incarnation                                 uint32
}

// Stats reads the node's counters; it never waits for the loop.
func (n *Node) Stats() (Stats, error) {
	defer runtime.KeepAlive(n)
	var s C.wkd_stats
	s.struct_size = C.uint32_t(C.sizeof_wkd_stats)
	err := n.in.call("Stats", func(p *C.wkd_node_t, e *C.wkd_error) C.wkd_status {
		return C.wkdg_node_stats(&s, p, e)
	})
	if err != nil {
		return Stats{}, err
	}
	return Stats{
		PacketsIn: uint64(s.packets_in), PacketsOut: uint64(s.packets_out),
		BytesIn: uint64(s.bytes_in), BytesOut: uint64(s.bytes_out),
		StreamsIn: uint64(s.streams_in), StreamsOut: uint64(s.streams_out),
		DropsTotal: uint64(s.drops_total), DropsMalformed: uint64(s.drops_malformed),
		DropsDecrypt: uint64(s.drops_decrypt), DropsChecksum: uint64(s.drops_checksum),
		DropsLabel: uint64(s.drops_label), DropsUnknownType: uint64(s.drops_unknown_type),
		DropsOversized: uint64(s.drops_oversized), DropsQueueFull: uint64(s.drops_queue_full),
		DropsSocket: uint64(s.drops_socket),
		Probes:      uint64(s.probes), ProbeFailures: uint64(s.probe_failures),
		IndirectProbes: uint64(s.indirect_probes), Suspicions: uint64(s.suspicions),
		Refutations: uint64(s.refutations), PushPulls: uint64(s.push_pulls),
		GossipMessages: uint64(s.gossip_messages),
		MembersAlive:   uint32(s.members_alive), MembersSuspect: uint32(s.members_suspect),
		MembersFailed: uint32(s.members_failed), MembersLeft: uint32(s.members_left),
		HealthScore: uint32(s.health_score), Incarnation: uint32(s.incarnation),
	}, nil
}
