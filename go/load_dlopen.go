//go:build wkd_dlopen

package wkd

/*
#cgo CFLAGS: -I${SRCDIR}/../include
#cgo LDFLAGS: -ldl
#include "shim.h"
*/
import "C"

import (
	"os"
	"unsafe"
)

// LoadMode tells how this build reaches libwkd: "linked" (the default,
// linked at build time through pkg-config) or "dlopen" (build tag
// wkd_dlopen, loaded at first use).
const LoadMode = "dlopen"

// DefaultLibrary is the name dlopen searches on the normal library path
// when WKD_LIBRARY is not set.
const DefaultLibrary = "libwkd.so.0"

// ensureLoaded opens libwkd on first use: the file named by $WKD_LIBRARY
// if set, else DefaultLibrary on the normal search path. A failure is not
// remembered, so a later call tries again.
func ensureLoaded() error {
	return loadOnce(func() (string, error) {
		path := os.Getenv("WKD_LIBRARY")
		if path == "" {
			path = DefaultLibrary
		}
		cpath := C.CString(path)
		defer C.free(unsafe.Pointer(cpath))
		var buf [512]C.char
		if C.wkdg_load(cpath, &buf[0], C.size_t(len(buf))) != 0 {
			return path, &LoadError{Tried: []string{path}, Reason: C.GoString(&buf[0])}
		}
		return path, nil
	})
}
