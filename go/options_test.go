package wkd

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestOptionLookup(t *testing.T) {
	info, err := LookupOption("probe_interval_ms")
	if err != nil {
		t.Fatal(err)
	}
	if info.Type != OptionInt || info.Min <= 0 || info.Max < info.Min || info.Description == "" {
		t.Fatalf("unexpected description %+v", info)
	}
	if _, err := LookupOption("no_such_option"); !errors.Is(err, ErrNotFound) ||
		!strings.Contains(err.Error(), "no_such_option") {
		t.Fatalf("unknown option: got %v", err)
	}
	all, err := Options()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]OptionType{}
	for _, o := range all {
		names[o.Name] = o.Type
	}
	for name, typ := range map[string]OptionType{"node_name": OptionStr, "gossip_nodes": OptionInt, "enable_compression": OptionBool} {
		if got, ok := names[name]; !ok || got != typ {
			t.Errorf("Options(): %s has type %v (listed %v), want %v", name, got, ok, typ)
		}
	}
}

func TestConfigValues(t *testing.T) {
	cfg, err := NewConfig(WithPreset(PresetWAN), WithName("cfg-1"),
		WithOption("gossip_nodes", 5), WithOption("probe_interval_ms", 1500*time.Millisecond),
		WithOption("enable_compression", false), WithLabel("blue"))
	if err != nil {
		t.Fatal(err)
	}
	defer cfg.Free()
	want := map[string]any{
		"node_name": "cfg-1", "gossip_nodes": int64(5), "probe_interval_ms": int64(1500),
		"enable_compression": false, "label": "blue", "gossip_interval_ms": int64(500), // WAN preset
	}
	for name, v := range want {
		got, err := cfg.Get(name)
		if err != nil || got != v {
			t.Errorf("Get(%s) = %v (%T), %v; want %v", name, got, got, err, v)
		}
	}
	// nil restores the preset's value of a string option.
	cfg2, err := NewConfig(WithName("x"), WithOption("node_name", nil))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := cfg2.Get("node_name"); got == "x" {
		t.Errorf("node_name was not reset: %v", got)
	}
	cfg2.Free()
	cfg2.Free()
	if _, err := cfg2.Get("node_name"); !errors.Is(err, ErrInvalid) {
		t.Errorf("Get after Free: %v", err)
	}
}

// Bad values fail with the library's message, naming the option.
func TestBadOptionValues(t *testing.T) {
	cases := []struct {
		name   string
		opts   []Option
		is     error
		substr []string
	}{
		{"out of range", []Option{WithOption("probe_interval_ms", -5)}, ErrInvalid, []string{"probe_interval_ms", "range"}},
		{"too large", []Option{WithOption("gossip_nodes", uint64(1)<<63)}, ErrInvalid, []string{"gossip_nodes"}},
		{"bad address", []Option{WithBind("not-an-address")}, ErrInvalid, []string{"bind_addr", "not-an-address"}},
		{"bad key", []Option{WithEncryptKey("short")}, ErrInvalid, []string{"encrypt_key"}},
		{"unknown option", []Option{WithOption("bogus_option", 1)}, ErrNotFound, []string{"bogus_option"}},
		{"unknown preset", []Option{WithPreset(Preset(42))}, ErrInvalid, []string{"preset"}},
		{"bad log level", []Option{WithLogLevel(LogLevel(17))}, ErrInvalid, []string{"log level"}},
		{"int for string", []Option{WithOption("node_name", 3)}, ErrInvalid, []string{"node_name", "string"}},
		{"string for int", []Option{WithOption("gossip_nodes", "3")}, ErrInvalid, []string{"gossip_nodes", "int"}},
		{"int for bool", []Option{WithOption("enable_compression", 1)}, ErrInvalid, []string{"enable_compression", "bool"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := New(append([]Option{WithName("bad")}, c.opts...)...)
			if err == nil {
				n.Close()
				t.Fatal("New accepted a bad value")
			}
			if !errors.Is(err, c.is) {
				t.Fatalf("got %v, want errors.Is %v", err, c.is)
			}
			var e *Error
			if !errors.As(err, &e) || e.Message == "" {
				t.Fatalf("error %v carries no library message", err)
			}
			for _, s := range c.substr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%q does not mention %q", err.Error(), s)
				}
			}
		})
	}
}

func TestBadCallArguments(t *testing.T) {
	n := startNode(t, "bad-args")
	ctx := testContext(t)
	if _, err := n.Join(ctx); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "seed") {
		t.Errorf("Join without seeds: %v", err)
	}
	if err := n.Register(Registration{Groups: []string{"Not A Group!"}}); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "Not A Group!") {
		t.Errorf("bad group: %v", err)
	}
	if err := n.Register(Registration{Tags: map[string]string{"db": "x"}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("reserved tag key: %v", err)
	}
	if err := n.Register(Registration{Tags: map[string]string{"big": strings.Repeat("x", 600)}}); !errors.Is(err, ErrTooBig) {
		t.Errorf("oversized metadata: %v", err)
	}
	if err := n.FireEvent("", nil, false); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty event name: %v", err)
	}
	if err := n.FireEvent("big", make([]byte, 10000), false); !errors.Is(err, ErrTooBig) {
		t.Errorf("oversized event: %v", err)
	}
	if err := n.SetHealth(HealthUnknown, ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("SetHealth(unknown): %v", err)
	}
	if _, err := n.WatchGroup(""); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "name") {
		t.Errorf("group watch without a group: %v", err)
	}
	if _, err := n.Watch(WatchService, "orders"); !errors.Is(err, ErrNotSup) {
		t.Errorf("service watch: %v", err)
	}
	if _, err := n.Watch(WatchKind(99), ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown watch kind: %v", err)
	}
	if _, err := n.WatchMembers(WithBuffer(-1)); !errors.Is(err, ErrInvalid) {
		t.Errorf("negative buffer: %v", err)
	}
	if _, err := n.Member("nobody"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Member(nobody): %v", err)
	}
	// Without an encryption key there is no keyring.
	if err := n.InstallKey("5K9OtfgT4AsmyjsU3MSQcw=="); !errors.Is(err, ErrState) {
		t.Errorf("InstallKey without keyring: %v", err)
	}
	// A second node on the same address.
	other, err := New(append(fastOptions(), WithName("dup"), WithBind(addrOf(t, n)))...)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.Start(); !errors.Is(err, ErrAddrInUse) {
		t.Errorf("Start on a taken address: %v", err)
	}
	if err := n.Start(); !errors.Is(err, ErrState) {
		t.Errorf("second Start: %v", err)
	}
}

func TestKeyring(t *testing.T) {
	const k1 = "5K9OtfgT4AsmyjsU3MSQcw=="
	const k2 = "HvY8ubRZMgafUOWvrOadwOckVa1wN3QWAo46FVKbVN8="
	n := startNode(t, "keys", WithEncryptKey(k1))
	if err := n.InstallKey(k2); err != nil {
		t.Fatal(err)
	}
	if err := n.UseKey(k2); err != nil {
		t.Fatal(err)
	}
	keys, err := n.Keys()
	if err != nil {
		t.Fatal(err)
	}
	if keys.Primary != k2 || len(keys.Keys) != 2 || keys.Keys[0] != k2 {
		t.Fatalf("keys after UseKey: %+v", keys)
	}
	if err := n.RemoveKey(k2); !errors.Is(err, ErrState) {
		t.Errorf("removing the primary: %v", err)
	}
	if err := n.RemoveKey(k1); err != nil {
		t.Fatal(err)
	}
	if err := n.UseKey(k1); !errors.Is(err, ErrNotFound) {
		t.Errorf("using a removed key: %v", err)
	}
	if err := n.InstallKey("not base64"); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad key: %v", err)
	}
}
