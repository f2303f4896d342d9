package wkd

/*
#include "shim.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// ErrLibrary is matched (errors.Is) by every failure to load libwkd: the
// file is missing, a symbol is missing, or its major version differs from
// the headers this package was built with.
var ErrLibrary = errors.New("wkd: libwkd is not available")

// LoadError says why libwkd could not be loaded and which paths were tried.
type LoadError struct {
	Tried  []string // library paths or names given to dlopen
	Reason string   // dlerror() text, or the version mismatch
}

func (e *LoadError) Error() string {
	return fmt.Sprintf("wkd: cannot load libwkd (tried %s): %s", strings.Join(e.Tried, ", "), e.Reason)
}

// Is makes errors.Is(err, ErrLibrary) true.
func (e *LoadError) Is(target error) bool { return target == ErrLibrary }

var (
	loadMu     sync.Mutex
	loaded     atomic.Bool
	loadedFrom string
)

// loadOnce runs open until it succeeds once, then checks the major version.
func loadOnce(open func() (string, error)) error {
	if loaded.Load() {
		return nil
	}
	loadMu.Lock()
	defer loadMu.Unlock()
	if loaded.Load() {
		return nil
	}
	from, err := open()
	if err != nil {
		return err
	}
	// The ABI is stable within a major version only.
	if got := uint32(C.wkdg_version_number()); got/1000000 != uint32(C.WKD_VERSION_MAJOR) {
		return &LoadError{Tried: []string{from}, Reason: fmt.Sprintf(
			"library version %s has major %d, this package needs major %d",
			C.GoString(C.wkdg_version_string()), got/1000000, int(C.WKD_VERSION_MAJOR))}
	}
	loadedFrom = from
	loaded.Store(true)
	return nil
}

// Load makes libwkd usable now rather than at first use. In the default
// (linked) mode it only checks the version; with the build tag wkd_dlopen it
// opens the library, and its error (matching ErrLibrary) names the path
// tried. Every other function loads on demand, so calling Load is optional.
func Load() error { return ensureLoaded() }

// Version returns the version of the libwkd in use ("0.1.0").
func Version() (string, error) {
	if err := ensureLoaded(); err != nil {
		return "", err
	}
	return C.GoString(C.wkdg_version_string()), nil
}
