package wkd

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// polyNode is one running internal/polyglotnode process.
type polyNode struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan map[string]any // closed at EOF of its stdout
	kept  []map[string]any    // lines read but not yet matched by expect
}

func buildPolyglotNode(t *testing.T) string {
	t.Helper()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	bin := filepath.Join(t.TempDir(), "polyglotnode")
	args := []string{"build", "-o", bin}
	if LoadMode == "dlopen" {
		args = append(args, "-tags", "wkd_dlopen")
	}
	cmd := exec.Command(goTool, append(args, "./internal/polyglotnode")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building polyglotnode: %v\n%s", err, out)
	}
	return bin
}

func startPolyNode(t *testing.T, bin string, args ...string) *polyNode {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &polyNode{cmd: cmd, stdin: stdin, lines: make(chan map[string]any, 256)}
	go func() {
		defer close(p.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var obj map[string]any
			if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
				obj = map[string]any{"ev": "bad-json", "line": sc.Text()}
			}
			p.lines <- obj
		}
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return p
}

// expect returns the oldest line that matches, first from the lines
// earlier calls passed over (two lines may race each other: a member line
// can come before the "joined" that caused it), then reading new ones;
// it fails on "error" lines, on unparsable lines, at EOF and at the
// deadline.
func (p *polyNode) expect(t *testing.T, what string, match func(map[string]any) bool) map[string]any {
	t.Helper()
	for i, obj := range p.kept {
		if match(obj) {
			p.kept = append(p.kept[:i], p.kept[i+1:]...)
			return obj
		}
	}
	deadline := time.NewTimer(testTimeout)
	defer deadline.Stop()
	for {
		select {
		case obj, ok := <-p.lines:
			if !ok {
				t.Fatalf("waiting for %s: output ended", what)
			}
			if obj["ev"] == "error" || obj["ev"] == "bad-json" {
				t.Fatalf("waiting for %s: %v", what, obj)
			}
			if match(obj) {
				return obj
			}
			p.kept = append(p.kept, obj)
		case <-deadline.C:
			t.Fatalf("waiting for %s: not printed within %v", what, testTimeout)
		}
	}
}

func (p *polyNode) send(t *testing.T, line string) {
	t.Helper()
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		t.Fatal(err)
	}
}

func (p *polyNode) waitExit(t *testing.T) {
	t.Helper()
	for range p.lines { // drain until EOF
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("node exited with %v", err)
		}
	case <-time.After(testTimeout):
		t.Fatal("node did not exit")
	}
}

// freeAddr finds a port free for both TCP and UDP on ip (a loopback
// address other than 127.0.0.1) by binding port 0.
func freeAddr(t *testing.T, ip string) string {
	t.Helper()
	for i := 0; i < 20; i++ {
		l, err := net.Listen("tcp", ip+":0")
		if err != nil {
			t.Skipf("cannot bind %s: %v", ip, err)
		}
		addr := l.Addr().String()
		u, err := net.ListenPacket("udp", addr)
		l.Close()
		if err == nil {
			u.Close()
			return addr
		}
	}
	t.Fatalf("no port free for TCP and UDP on %s", ip)
	return ""
}

func aliveWithIdentity(name string) func(map[string]any) bool {
	return func(o map[string]any) bool {
		if o["ev"] != "member" || o["name"] != name || o["state"] != "alive" {
			return false
		}
		groups, _ := o["groups"].([]any)
		tags, _ := o["tags"].(map[string]any)
		has := map[any]bool{}
		for _, g := range groups {
			has[g] = true
		}
		return len(groups) == 2 && has["lang-go"] && has["polyglot"] &&
			tags["lang"] == "go" && tags["db"] == "go" && tags["wire"] == "polyglot"
	}
}

func TestPolyglotNode(t *testing.T) {
	bin := buildPolyglotNode(t)
	// The endpoint is registered as given, so it needs a real port.
	addrA, addrB := freeAddr(t, "127.0.0.2"), freeAddr(t, "127.0.0.3")
	a := startPolyNode(t, bin, "--name", "go-a", "--bind", addrA, "--lang", "go")
	ready := a.expect(t, "a ready", func(o map[string]any) bool { return o["ev"] == "ready" })
	if ready["name"] != "go-a" || ready["addr"] != addrA {
		t.Fatalf("ready line %v, want addr %s", ready, addrA)
	}
	b := startPolyNode(t, bin, "--name", "go-b", "--bind", addrB, "--lang", "go", "--join", addrA)
	b.expect(t, "b ready", func(o map[string]any) bool { return o["ev"] == "ready" })
	b.expect(t, "b joined", func(o map[string]any) bool { return o["ev"] == "joined" && o["n"] == 1.0 })
	b.expect(t, "b sees a", aliveWithIdentity("go-a"))
	a.expect(t, "a sees b", func(o map[string]any) bool {
		return aliveWithIdentity("go-b")(o) && o["type"] == "member-joined"
	})

	a.send(t, "fire greet hello polyglot")
	a.expect(t, "a fired", func(o map[string]any) bool { return o["ev"] == "fired" && o["name"] == "greet" })
	b.expect(t, "b receives the event", func(o map[string]any) bool {
		return o["ev"] == "user" && o["name"] == "greet" && o["payload"] == "hello polyglot"
	})

	b.send(t, "leave")
	b.expect(t, "b left", func(o map[string]any) bool { return o["ev"] == "left" })
	b.waitExit(t)
	a.expect(t, "a sees b leave", func(o map[string]any) bool {
		return o["ev"] == "member" && o["name"] == "go-b" && o["type"] == "member-left"
	})

	a.stdin.Close() // end of input: close and exit 0
	a.waitExit(t)
}
