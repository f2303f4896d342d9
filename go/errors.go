package wkd

/*
#include "shim.h"
*/
import "C"

import "fmt"

// Status is a wkd_status code. Every Status is an error value itself, and
// the Err* sentinels below are Statuses, so errors.Is(err, ErrTimeout)
// tests the status of any error this package returns.
type Status int32

// The status codes of wkd/status.h, with the values of the header (cgo);
// constants_test.go checks them and statusNames against the loaded library.
const (
	StatusOK         Status = C.WKD_OK
	StatusInvalid    Status = C.WKD_E_INVAL
	StatusNoMem      Status = C.WKD_E_NOMEM
	StatusClosed     Status = C.WKD_E_CLOSED
	StatusTimeout    Status = C.WKD_E_TIMEOUT
	StatusNotFound   Status = C.WKD_E_NOTFOUND
	StatusExists     Status = C.WKD_E_EXISTS
	StatusState      Status = C.WKD_E_STATE
	StatusAddrInUse  Status = C.WKD_E_ADDRINUSE
	StatusIO         Status = C.WKD_E_IO
	StatusProto      Status = C.WKD_E_PROTO
	StatusCanceled   Status = C.WKD_E_CANCELED
	StatusLoopThread Status = C.WKD_E_LOOPTHREAD
	StatusOverflow   Status = C.WKD_E_OVERFLOW
	StatusNotSup     Status = C.WKD_E_NOTSUP
	StatusTooBig     Status = C.WKD_E_TOOBIG
	StatusInternal   Status = C.WKD_E_INTERNAL
)

// Sentinels for errors.Is.
var (
	ErrInvalid    error = StatusInvalid
	ErrNoMem      error = StatusNoMem
	ErrClosed     error = StatusClosed
	ErrTimeout    error = StatusTimeout
	ErrNotFound   error = StatusNotFound
	ErrExists     error = StatusExists
	ErrState      error = StatusState
	ErrAddrInUse  error = StatusAddrInUse
	ErrIO         error = StatusIO
	ErrProto      error = StatusProto
	ErrCanceled   error = StatusCanceled
	ErrLoopThread error = StatusLoopThread
	ErrOverflow   error = StatusOverflow
	ErrNotSup     error = StatusNotSup
	ErrTooBig     error = StatusTooBig
	ErrInternal   error = StatusInternal
)

var statusNames = map[Status][2]string{
	StatusOK:         {"WKD_OK", "success"},
	StatusInvalid:    {"WKD_E_INVAL", "invalid argument"},
	StatusNoMem:      {"WKD_E_NOMEM", "out of memory"},
	StatusClosed:     {"WKD_E_CLOSED", "node is closed"},
	StatusTimeout:    {"WKD_E_TIMEOUT", "operation timed out"},
	StatusNotFound:   {"WKD_E_NOTFOUND", "not found"},
	StatusExists:     {"WKD_E_EXISTS", "already exists"},
	StatusState:      {"WKD_E_STATE", "operation not valid in the current state"},
	StatusAddrInUse:  {"WKD_E_ADDRINUSE", "address already in use"},
	StatusIO:         {"WKD_E_IO", "I/O error"},
	StatusProto:      {"WKD_E_PROTO", "protocol error or incompatible peer"},
	StatusCanceled:   {"WKD_E_CANCELED", "operation canceled"},
	StatusLoopThread: {"WKD_E_LOOPTHREAD", "blocking call made on the node's loop thread"},
	StatusOverflow:   {"WKD_E_OVERFLOW", "event queue overflowed; resynchronise from a snapshot"},
	StatusNotSup:     {"WKD_E_NOTSUP", "not supported by this build or not yet implemented"},
	StatusTooBig:     {"WKD_E_TOOBIG", "value exceeds a size limit"},
	StatusInternal:   {"WKD_E_INTERNAL", "internal error"},
}

// Name is the symbolic name, as wkd_status_name gives it: "WKD_E_TIMEOUT".
func (s Status) Name() string {
	if n, ok := statusNames[s]; ok {
		return n[0]
	}
	return "WKD_E_UNKNOWN"
}

// Error is the short description, as wkd_status_str gives it.
func (s Status) Error() string {
	if n, ok := statusNames[s]; ok {
		return "wkd: " + n[1]
	}
	return fmt.Sprintf("wkd: unknown status %d", int32(s))
}

// Error is a failed call: the C status, the message the library wrote into
// its wkd_error, and the name of the operation. errors.Is(err, ErrX) is true
// when the status is X; an error caused by a context also unwraps to the
// context's error (context.Canceled or context.DeadlineExceeded).
type Error struct {
	Op      string // Go method or C function that failed, e.g. "Join"
	Status  Status
	OSError int    // errno or libuv code when the library gave one
	Message string // the library's message (wkd_error.message)
	cause   error
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Status.Error()[len("wkd: "):]
	}
	return fmt.Sprintf("wkd: %s: %s (%s)", e.Op, msg, e.Status.Name())
}

// Is matches the Status sentinels (ErrInvalid, ErrTimeout, ...).
func (e *Error) Is(target error) bool {
	s, ok := target.(Status)
	return ok && s == e.Status
}

// Unwrap returns the context error behind a cancelled or expired call.
func (e *Error) Unwrap() error { return e.cause }

// newCError turns a failed call's status and wkd_error into an *Error.
func newCError(op string, st C.wkd_status, cerr *C.wkd_error) error {
	if st == C.WKD_OK {
		return nil
	}
	e := &Error{Op: op, Status: Status(st)}
	if cerr != nil && Status(cerr.status) == e.Status {
		e.Message = C.GoString(&cerr.message[0])
		e.OSError = int(cerr.os_error)
	}
	return e
}

func newError(op string, st Status, msg string) error {
	return &Error{Op: op, Status: st, Message: msg}
}

// cerror returns a wkd_error ready to be filled by a call.
func cerror() C.wkd_error {
	var e C.wkd_error
	e.struct_size = C.uint32_t(C.sizeof_wkd_error)
	return e
}
