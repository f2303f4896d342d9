// Command polyglotnode is the Go node of the four-language cluster test
// (tests/polyglot/README.md): it joins a cluster on loopback, prints every
// member and user event as one JSON object per line, and takes commands
// ("fire NAME PAYLOAD", "leave") on stdin.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	wkd "github.com/weftkit/wkd/go"
)

type seedList []string

func (s *seedList) String() string     { return strings.Join(*s, ",") }
func (s *seedList) Set(v string) error { *s = append(*s, v); return nil }

var outMu sync.Mutex

// emit writes one JSON object as one whole line.
func emit(v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		buf.Reset()
		fmt.Fprintf(&buf, "{\"ev\":\"error\",\"message\":%q}\n", err.Error())
	}
	outMu.Lock()
	defer outMu.Unlock()
	os.Stdout.Write(buf.Bytes())
}

func fail(err error) {
	emit(struct {
		Ev      string `json:"ev"`
		Message string `json:"message"`
	}{"error", err.Error()})
	os.Exit(1)
}

type memberLine struct {
	Ev     string            `json:"ev"`
	Type   string            `json:"type"`
	Name   string            `json:"name"`
	State  string            `json:"state"`
	Groups []string          `json:"groups"`
	Tags   map[string]string `json:"tags"`
}

type userLine struct {
	Ev      string `json:"ev"`
	Name    string `json:"name"`
	Payload string `json:"payload"`
}

func main() {
	var name, bind, lang string
	var seeds seedList
	flag.StringVar(&name, "name", "", "node name")
	flag.StringVar(&bind, "bind", "", "IP:PORT to bind")
	flag.StringVar(&lang, "lang", "", "language of this node")
	flag.Var(&seeds, "join", "IP:PORT of a seed (repeatable)")
	flag.Parse()
	if name == "" || bind == "" || lang == "" {
		fail(errors.New("usage: polyglotnode --name NAME --bind IP:PORT --lang LANG [--join IP:PORT]..."))
	}

	node, err := wkd.New(wkd.WithPreset(wkd.PresetLocal), wkd.WithName(name), wkd.WithBind(bind))
	if err != nil {
		fail(err)
	}
	err = node.Register(wkd.Registration{
		DatabaseType: lang,
		WireProtocol: "polyglot",
		Endpoint:     bind,
		Groups:       []string{"polyglot", "lang-" + lang},
		Tags:         map[string]string{"lang": lang},
	})
	if err != nil {
		fail(err)
	}
	if err := node.Start(); err != nil {
		fail(err)
	}
	addr, err := node.LocalAddr()
	if err != nil {
		fail(err)
	}
	emit(struct {
		Ev   string `json:"ev"`
		Name string `json:"name"`
		Addr string `json:"addr"`
	}{"ready", name, addr})

	members, err := node.WatchMembers(wkd.WithInitial())
	if err != nil {
		fail(err)
	}
	users, err := node.WatchUserEvents("")
	if err != nil {
		fail(err)
	}
	var printers sync.WaitGroup
	printers.Add(2)
	go func() {
		defer printers.Done()
		for ev := range members.Events() {
			if !ev.Type.IsMember() {
				continue // an overflow marker: nothing to print
			}
			m := ev.Member
			groups := m.Groups
			if groups == nil {
				groups = []string{}
			}
			emit(memberLine{"member", ev.Type.String(), m.Name, m.State.String(), groups, m.Tags})
		}
	}()
	go func() {
		defer printers.Done()
		for ev := range users.Events() {
			if ev.Type == wkd.EventUser {
				emit(userLine{"user", ev.User.Name, string(ev.User.Payload)})
			}
		}
	}()
	shutdown := func(code int) {
		node.Close() // closes both watch channels
		printers.Wait()
		os.Exit(code)
	}

	if len(seeds) > 0 {
		joined, err := joinWithRetry(node, seeds)
		if err != nil {
			node.Close()
			fail(err)
		}
		emit(struct {
			Ev string `json:"ev"`
			N  int    `json:"n"`
		}{"joined", joined})
	}

	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		line := strings.TrimSpace(in.Text())
		if line == "" {
			continue
		}
		parts := strings.SplitN(line, " ", 3)
		switch {
		case parts[0] == "fire" && len(parts) >= 2:
			payload := ""
			if len(parts) == 3 {
				payload = parts[2]
			}
			if err := node.FireEvent(parts[1], []byte(payload), false); err != nil {
				node.Close()
				fail(err)
			}
			emit(struct {
				Ev   string `json:"ev"`
				Name string `json:"name"`
			}{"fired", parts[1]})
		case parts[0] == "leave" && len(parts) == 1:
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err := node.Leave(ctx)
			cancel()
			// A timeout means the leave was not fully gossiped in time;
			// peers may still learn of it, so it is not a failure.
			if err != nil && !errors.Is(err, wkd.ErrTimeout) {
				node.Close()
				fail(err)
			}
			emit(struct {
				Ev string `json:"ev"`
			}{"left"})
			shutdown(0)
		default:
			node.Close()
			fail(fmt.Errorf("unknown command %q", line))
		}
	}
	if err := in.Err(); err != nil {
		node.Close()
		fail(err)
	}
	shutdown(0)
}

// joinWithRetry joins the seeds, retrying every 500 ms for up to 30 s,
// and returns how many answered.
func joinWithRetry(node *wkd.Node, seeds []string) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		attempt, cancelAttempt := context.WithTimeout(ctx, 5*time.Second)
		n, err := node.Join(attempt, seeds...)
		cancelAttempt()
		if err == nil {
			return n, nil
		}
		if errors.Is(err, wkd.ErrClosed) || errors.Is(err, wkd.ErrInvalid) {
			return 0, err
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("no seed answered within 30 s: %w", err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}
