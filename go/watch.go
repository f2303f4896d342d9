package wkd

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// EventType is the kind of an Event.
type EventType int

const (
	EventMemberJoined  EventType = C.WKD_EVENT_MEMBER_JOINED
	EventMemberUpdated EventType = C.WKD_EVENT_MEMBER_UPDATED
	EventMemberSuspect EventType = C.WKD_EVENT_MEMBER_SUSPECT
	EventMemberFailed  EventType = C.WKD_EVENT_MEMBER_FAILED
	EventMemberLeft    EventType = C.WKD_EVENT_MEMBER_LEFT
	EventMemberReaped  EventType = C.WKD_EVENT_MEMBER_REAPED
	EventUser          EventType = C.WKD_EVENT_USER
	// EventOverflow: the watch's queue dropped events; take a snapshot.
	EventOverflow EventType = C.WKD_EVENT_OVERFLOW
	// Service instances (the C API's service watches, which this package
	// refuses until it converts their instance).
	EventInstanceRegistered   EventType = C.WKD_EVENT_INSTANCE_REGISTERED
	EventInstanceUpdated      EventType = C.WKD_EVENT_INSTANCE_UPDATED
	EventInstanceStatus       EventType = C.WKD_EVENT_INSTANCE_STATUS
	EventInstanceDeregistered EventType = C.WKD_EVENT_INSTANCE_DEREGISTERED
	EventInstanceRemoved      EventType = C.WKD_EVENT_INSTANCE_REMOVED
	EventInstanceMoved        EventType = C.WKD_EVENT_INSTANCE_MOVED
)

// String is wkd_event_type_name: "member-joined", "user", ...
func (t EventType) String() string {
	if ensureLoaded() != nil {
		return fmt.Sprintf("EventType(%d)", int(t))
	}
	return C.GoString(C.wkdg_event_type_name(C.wkd_event_type(t)))
}

// IsMember tells whether the event is about a member (Event.Member is set).
func (t EventType) IsMember() bool { return t >= EventMemberJoined && t <= EventMemberReaped }

// UserEvent is the content of an EventUser event.
type UserEvent struct {
	Name    string
	Payload []byte
	LTime   uint64 // Lamport time
}

// Event is one change reported by a watch.
type Event struct {
	Type   EventType
	Member Member    // member events: the member after the change
	User   UserEvent // EventUser
}

// WatchKind is what a watch follows.
type WatchKind int

const (
	WatchMembers        WatchKind = C.WKD_WATCH_MEMBERS
	WatchGroup          WatchKind = C.WKD_WATCH_GROUP
	WatchService        WatchKind = C.WKD_WATCH_SERVICE         // refused by this package until it converts instance events
	WatchServiceHealthy WatchKind = C.WKD_WATCH_SERVICE_HEALTHY // refused by this package until it converts instance events
	WatchUserEvents     WatchKind = C.WKD_WATCH_USER_EVENTS
)

// WatchOption configures a watch.
type WatchOption func(*watchSettings)

type watchSettings struct {
	flags    C.uint32_t
	capacity int
	buffer   int
}

// WithInitial starts the watch with one EventMemberJoined per current member.
func WithInitial() WatchOption { return func(s *watchSettings) { s.flags |= C.WKD_WATCH_INITIAL } }

// WithQueueCapacity bounds the library's queue for this watch (default:
// the node's event_queue_capacity). When it overflows the oldest events
// are dropped and an EventOverflow is delivered.
func WithQueueCapacity(n int) WatchOption { return func(s *watchSettings) { s.capacity = n } }

// WithBuffer sets the capacity of the Go channel (default 16).
func WithBuffer(n int) WatchOption { return func(s *watchSettings) { s.buffer = n } }

// Watch delivers the events of one watch on a channel. The channel is
// closed by Close, or when its node is closed.
type Watch struct {
	node *Node // keeps the node alive while the watch is referenced
	st   *watchState
}

type watchState struct {
	w      *C.wkd_watch_t
	mu     sync.Mutex // guards w against cancel after free
	freed  bool
	ch     chan Event
	done   chan struct{}
	once   sync.Once
	exited chan struct{}
	err    error
}

// pullTimeoutMs bounds each wait in the library, so a watch goroutine
// always returns to Go within this time even if nothing wakes it.
const pullTimeoutMs = 1000

// Watch starts a watch of kind; name is the group for WatchGroup, the
// event name for WatchUserEvents ("" = every event) and unused otherwise.
func (n *Node) Watch(kind WatchKind, name string, opts ...WatchOption) (*Watch, error) {
	defer runtime.KeepAlive(n)
	s := watchSettings{buffer: 16}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	if s.capacity < 0 || s.buffer < 0 {
		return nil, newError("Watch", StatusInvalid, "queue capacity and buffer must not be negative")
	}
	if kind == WatchService || kind == WatchServiceHealthy {
		return nil, newError("Watch", StatusNotSup, "service watches: this package does not convert instance events yet")
	}
	var m cmem
	defer m.free()
	spec := (*C.wkd_watch_spec)(m.alloc(C.sizeof_wkd_watch_spec))
	spec.struct_size = C.uint32_t(C.sizeof_wkd_watch_spec)
	spec.kind = C.wkd_watch_kind(kind)
	spec.name = m.optStr(name)
	spec.flags = s.flags
	spec.queue_capacity = C.uint32_t(s.capacity)

	in := n.in
	p, release, err := in.acquire("Watch")
	if err != nil {
		return nil, err
	}
	defer release()
	var w *C.wkd_watch_t
	e := cerror()
	if st := C.wkdg_watch(&w, p, spec, nil, nil, &e); st != C.WKD_OK {
		return nil, newCError("Watch", st, &e)
	}
	ws := &watchState{w: w, ch: make(chan Event, s.buffer), done: make(chan struct{}), exited: make(chan struct{})}
	in.wmu.Lock()
	if in.closing {
		in.wmu.Unlock()
		C.wkdg_watch_free(w)
		return nil, closedError("Watch")
	}
	in.watches[ws] = struct{}{}
	in.wg.Add(1)
	in.wmu.Unlock()
	go ws.run(in)
	return &Watch{node: n, st: ws}, nil
}

// WatchMembers watches every member.
func (n *Node) WatchMembers(opts ...WatchOption) (*Watch, error) {
	return n.Watch(WatchMembers, "", opts...)
}

// WatchGroup watches the members of a group.
func (n *Node) WatchGroup(group string, opts ...WatchOption) (*Watch, error) {
	return n.Watch(WatchGroup, group, opts...)
}

// WatchUserEvents watches user events named name ("" = all).
func (n *Node) WatchUserEvents(name string, opts ...WatchOption) (*Watch, error) {
	return n.Watch(WatchUserEvents, name, opts...)
}

// run pulls events from the library and sends them on the channel until
// the watch is cancelled or its node closed. It is the only consumer of
// the watch's queue and the only one to free it.
func (ws *watchState) run(in *node) {
	defer func() {
		ws.mu.Lock()
		C.wkdg_watch_free(ws.w)
		ws.freed = true
		ws.mu.Unlock()
		close(ws.ch)
		in.wmu.Lock()
		delete(in.watches, ws)
		in.wmu.Unlock()
		close(ws.exited)
		in.wg.Done()
	}()
	for {
		select {
		case <-ws.done:
			return
		default:
		}
		var ev *C.wkd_event_t
		e := cerror()
		st := C.wkdg_watch_next_event(&ev, ws.w, pullTimeoutMs, &e)
		switch Status(st) {
		case StatusOK:
		case StatusTimeout:
			continue
		case StatusCanceled:
			return
		default:
			ws.err = newCError("watch", st, &e)
			return
		}
		out := eventFromC(ev)
		C.wkdg_event_free(ev)
		select {
		case ws.ch <- out:
		case <-ws.done:
			return
		}
	}
}

func eventFromC(ev *C.wkd_event_t) Event {
	out := Event{Type: EventType(C.wkdg_event_get_type(ev))}
	switch {
	case out.Type.IsMember():
		mi := newMemberInfo()
		if C.wkdg_event_member(&mi, ev, nil) == C.WKD_OK {
			out.Member = memberFromC(&mi)
		}
	case out.Type == EventUser:
		var name *C.char
		var payload *C.uint8_t
		var n C.size_t
		var lt C.uint64_t
		if C.wkdg_event_user(&name, &payload, &n, &lt, ev, nil) == C.WKD_OK {
			out.User = UserEvent{Name: C.GoString(name), LTime: uint64(lt), Payload: []byte{}}
			if n > 0 {
				out.User.Payload = C.GoBytes(unsafe.Pointer(payload), C.int(n))
			}
		}
	}
	return out
}

// stop ends the goroutine: it wakes a pending wait and a pending send.
func (ws *watchState) stop() {
	ws.once.Do(func() {
		close(ws.done)
		ws.mu.Lock()
		if !ws.freed {
			C.wkdg_watch_cancel(ws.w)
		}
		ws.mu.Unlock()
	})
}

// Events is the channel of the watch's events, closed when the watch or
// its node is closed.
func (w *Watch) Events() <-chan Event { return w.st.ch }

// Next waits for the next event until the context ends. It returns an
// error matching ErrClosed once the watch is closed, or the context's
// error (also matching ErrCanceled or ErrTimeout).
func (w *Watch) Next(ctx context.Context) (Event, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	select {
	case ev, ok := <-w.st.ch:
		if !ok {
			return Event{}, newError("Watch.Next", StatusClosed, "the watch is closed")
		}
		return ev, nil
	case <-ctx.Done():
		return Event{}, ctxError("Watch.Next", ctx.Err())
	}
}

// Close cancels the watch and closes its channel (events not yet received
// are dropped). Closing again does nothing.
func (w *Watch) Close() error {
	w.st.stop()
	<-w.st.exited
	return nil
}

// Err reports why the watch ended by itself, if a pull failed; nil after a
// Close or a node close.
func (w *Watch) Err() error {
	select {
	case <-w.st.exited:
		return w.st.err
	default:
		return nil
	}
}
