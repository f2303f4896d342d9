// Package wkd is the Go binding of libwkd, an embeddable cluster
// membership and service discovery library (SWIM gossip with Lifeguard,
// HashiCorp memberlist and Serf wire protocol).
//
// Every process that creates a Node becomes a member of a cluster. A node
// advertises an identity (Register), holds the whole member list locally
// (Members, Member), reports every change on channels (WatchMembers,
// WatchGroup, WatchUserEvents) and sends Serf user events (FireEvent).
//
// The package is a thin layer over libwkd's C ABI (include/wkd.h). By
// default it links libwkd through pkg-config (`#cgo pkg-config: wkd`). Built
// with the tag wkd_dlopen, it needs only the headers to build and opens the
// library at first use with dlopen: the file named by $WKD_LIBRARY, else
// libwkd.so.0 on the normal search path. When it cannot, calls return an
// error matching ErrLibrary that names the path tried, and a later call
// tries again.
//
// Errors carry the library's status and message: errors.Is(err, ErrInvalid),
// ErrTimeout, ErrClosed, ErrNotFound, ErrTooBig, ... Calls that wait (Join,
// Leave, Watch.Next) take a context.Context; its deadline becomes the C
// call's timeout. No Go code ever runs on a node's loop thread: each watch
// is a pulled queue drained by its own goroutine into the channel.
package wkd
