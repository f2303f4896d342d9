//go:build wkd_dlopen

package wkd

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const missingLibrary = "/nonexistent/wkd-go-test/libwkd.so.0"

// With WKD_LIBRARY naming a missing file, every call fails with an error
// naming that path, nothing crashes, and loading is retried on the next
// call. It runs in a child process because this process has the library
// loaded already.
func TestDlopenMissingLibrary(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestDlopenMissingLibraryChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(),
		"WKD_GO_DLOPEN_CHILD=1",
		"WKD_GO_REAL_LIBRARY="+os.Getenv("WKD_LIBRARY"),
		"WKD_LIBRARY="+missingLibrary)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "CHILD-OK") || !strings.Contains(string(out), missingLibrary) {
		t.Fatalf("child output lacks the error or the path:\n%s", out)
	}
}

func TestDlopenMissingLibraryChild(t *testing.T) {
	if os.Getenv("WKD_GO_DLOPEN_CHILD") != "1" {
		t.Skip("run by TestDlopenMissingLibrary")
	}
	_, err := New(WithName("never"))
	if err == nil {
		t.Fatal("New succeeded without a library")
	}
	var le *LoadError
	if !errors.Is(err, ErrLibrary) || !errors.As(err, &le) || len(le.Tried) != 1 || le.Tried[0] != missingLibrary {
		t.Fatalf("New: %v (%#v)", err, le)
	}
	if !strings.Contains(err.Error(), missingLibrary) || !strings.Contains(le.Reason, "No such file") {
		t.Fatalf("error does not name the path and dlerror: %v", err)
	}
	// Every entry point fails the same way, without crashing.
	if _, err := Version(); !errors.Is(err, ErrLibrary) {
		t.Fatalf("Version: %v", err)
	}
	if _, err := LookupOption("node_name"); !errors.Is(err, ErrLibrary) {
		t.Fatalf("LookupOption: %v", err)
	}
	if _, err := NewConfig(); !errors.Is(err, ErrLibrary) {
		t.Fatalf("NewConfig: %v", err)
	}
	if s := StateAlive.String(); s != "MemberState(0)" {
		t.Fatalf("StateAlive.String() without a library: %q", s)
	}
	t.Logf("CHILD-OK %v", err)

	// A failed load is retried: with the real library it now works.
	real := os.Getenv("WKD_GO_REAL_LIBRARY")
	if real == "" {
		return
	}
	os.Setenv("WKD_LIBRARY", real)
	n, err := New(WithName("retried"), WithBind("127.0.0.1:0"))
	if err != nil {
		t.Fatalf("New after fixing WKD_LIBRARY: %v", err)
	}
	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	n.Close()
}
