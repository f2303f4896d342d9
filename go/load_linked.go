//go:build !wkd_dlopen

package wkd

/*
#cgo pkg-config: wkd
*/
import "C"

// LoadMode tells how this build reaches libwkd: "linked" (the default,
// linked at build time through pkg-config) or "dlopen" (build tag
// wkd_dlopen, loaded at first use).
const LoadMode = "linked"

// ensureLoaded checks the linked library's major version once.
func ensureLoaded() error {
	return loadOnce(func() (string, error) { return "libwkd (linked)", nil })
}
