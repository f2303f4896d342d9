package wkd

/*
#include "shim.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

// Preset selects the timing defaults a configuration starts from
// (memberlist's DefaultLANConfig, DefaultWANConfig, DefaultLocalConfig).
type Preset int

const (
	PresetLAN   Preset = C.WKD_PRESET_LAN
	PresetWAN   Preset = C.WKD_PRESET_WAN
	PresetLocal Preset = C.WKD_PRESET_LOCAL
)

// LogLevel is the lowest level of the node's log lines passed on (see
// WithLogLevel and WithLogger).
type LogLevel int

const (
	LogDebug LogLevel = C.WKD_LOG_DEBUG
	LogInfo  LogLevel = C.WKD_LOG_INFO
	LogWarn  LogLevel = C.WKD_LOG_WARN
	LogError LogLevel = C.WKD_LOG_ERROR
	LogOff   LogLevel = C.WKD_LOG_OFF
)

// OptionType is the value type of a configuration option.
type OptionType int

const (
	OptionInt  OptionType = C.WKD_OPTION_INT
	OptionStr  OptionType = C.WKD_OPTION_STR
	OptionBool OptionType = C.WKD_OPTION_BOOL
)

func (t OptionType) String() string {
	switch t {
	case OptionInt:
		return "int"
	case OptionStr:
		return "string"
	case OptionBool:
		return "bool"
	}
	return fmt.Sprintf("OptionType(%d)", int(t))
}

// OptionInfo describes an option, as wkd_option_describe gives it.
type OptionInfo struct {
	ID          int
	Name        string // "probe_interval_ms"
	Type        OptionType
	Min, Max    int64 // inclusive bounds of an int option
	Since       string
	Description string
}

// LookupOption describes the option of that name (wkd_option_lookup, then
// wkd_option_describe). An unknown name fails with ErrNotFound.
func LookupOption(name string) (OptionInfo, error) {
	if err := ensureLoaded(); err != nil {
		return OptionInfo{}, err
	}
	var m cmem
	defer m.free()
	var id C.wkd_option
	e := cerror()
	if st := C.wkdg_option_lookup(&id, m.str(name), &e); st != C.WKD_OK {
		return OptionInfo{}, newCError("LookupOption", st, &e)
	}
	return describeOption(id)
}

func describeOption(id C.wkd_option) (OptionInfo, error) {
	var info C.wkd_option_info
	info.struct_size = C.uint32_t(C.sizeof_wkd_option_info)
	e := cerror()
	if st := C.wkdg_option_describe(&info, id, &e); st != C.WKD_OK {
		return OptionInfo{}, newCError("describe option", st, &e)
	}
	return OptionInfo{
		ID:          int(info.id),
		Name:        C.GoString(info.name),
		Type:        OptionType(info._type),
		Min:         int64(info.min),
		Max:         int64(info.max),
		Since:       C.GoString(info.since),
		Description: C.GoString(info.description),
	}, nil
}

// Options lists every option the library knows, by id.
func Options() ([]OptionInfo, error) {
	if err := ensureLoaded(); err != nil {
		return nil, err
	}
	var out []OptionInfo
	for id := 1; id <= int(C.WKD_OPT_LAST_); id++ {
		if info, err := describeOption(C.wkd_option(id)); err == nil {
			out = append(out, info)
		}
	}
	return out, nil
}

// Option configures a node (or a Config). Options apply in order; the
// first one the library refuses makes New fail with its message.
type Option func(*settings)

type settings struct {
	preset  Preset
	setters []func(c *C.wkd_config_t) error
	log     logSettings
}

func (s *settings) add(f func(c *C.wkd_config_t) error) { s.setters = append(s.setters, f) }

// WithPreset chooses the timing preset the configuration starts from
// (default PresetLAN). The other options apply on top of it, wherever
// WithPreset appears in the list.
func WithPreset(p Preset) Option { return func(s *settings) { s.preset = p } }

// WithName sets node_name, unique in the cluster (default: the host name).
func WithName(name string) Option { return WithOption("node_name", name) }

// WithBind sets bind_addr, "ip:port" for UDP and TCP; port 0 picks a free
// port (see Node.LocalAddr).
func WithBind(addr string) Option { return WithOption("bind_addr", addr) }

// WithAdvertise sets advertise_addr, the "ip:port" told to peers.
func WithAdvertise(addr string) Option { return WithOption("advertise_addr", addr) }

// WithLabel sets the cluster label; nodes with different labels ignore
// each other.
func WithLabel(label string) Option { return WithOption("label", label) }

// WithEncryptKey sets the base64 AES key (16, 24 or 32 bytes) gossip is
// encrypted with, which also gives the node a keyring.
func WithEncryptKey(keyBase64 string) Option { return WithOption("encrypt_key", keyBase64) }

// WithOption sets any option by its name ("probe_interval_ms"), as listed
// by Options. The option's type, from wkd_option_describe, decides the
// value accepted: any Go integer for an int option (a time.Duration is
// converted to milliseconds for the *_ms options), a string (or nil, which
// restores the preset's value) for a string option, a bool for a bool
// option. The library checks the value and its message explains a refusal.
func WithOption(name string, value any) Option {
	return func(s *settings) {
		s.add(func(c *C.wkd_config_t) error { return setOption(c, name, value) })
	}
}

func setOption(c *C.wkd_config_t, name string, value any) error {
	op := fmt.Sprintf("option %q", name)
	var m cmem
	defer m.free()
	var id C.wkd_option
	e := cerror()
	if st := C.wkdg_option_lookup(&id, m.str(name), &e); st != C.WKD_OK {
		return newCError(op, st, &e)
	}
	info, err := describeOption(id)
	if err != nil {
		return err
	}
	var st C.wkd_status
	switch info.Type {
	case OptionInt:
		v, ok := toInt64(value)
		if !ok {
			return newError(op, StatusInvalid, fmt.Sprintf("%s is an int option; got %T", name, value))
		}
		st = C.wkdg_config_set_int(c, id, C.int64_t(v), &e)
	case OptionStr:
		var p *C.char
		switch v := value.(type) {
		case nil:
		case string:
			p = m.str(v)
		default:
			return newError(op, StatusInvalid, fmt.Sprintf("%s is a string option; got %T", name, value))
		}
		st = C.wkdg_config_set_str(c, id, p, &e)
	case OptionBool:
		v, ok := value.(bool)
		if !ok {
			return newError(op, StatusInvalid, fmt.Sprintf("%s is a bool option; got %T", name, value))
		}
		st = C.wkdg_config_set_bool(c, id, C.bool(v), &e)
	default:
		return newError(op, StatusInvalid, fmt.Sprintf("%s has an unknown type %d", name, int(info.Type)))
	}
	return newCError(op, st, &e)
}

func toInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case time.Duration:
		return x.Milliseconds(), true
	case int:
		return int64(x), true
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case uint:
		return int64(x), x <= 1<<63-1
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint64:
		return int64(x), x <= 1<<63-1
	}
	return 0, false
}

// buildConfig makes a C configuration from options; the caller frees it.
// With withLog (for a node) its log lines go to a new log route, returned
// unstarted, unless the options ask for stderr or silence.
func buildConfig(op string, opts []Option, withLog bool) (*C.wkd_config_t, *logRoute, error) {
	if err := ensureLoaded(); err != nil {
		return nil, nil, err
	}
	s := settings{preset: PresetLAN, log: logSettings{level: LogWarn, capacity: defaultLogQueueCapacity}}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	var c *C.wkd_config_t
	e := cerror()
	if st := C.wkdg_config_new(&c, C.wkd_preset(s.preset), &e); st != C.WKD_OK {
		return nil, nil, newCError(op, st, &e)
	}
	for _, set := range s.setters {
		if err := set(c); err != nil {
			C.wkdg_config_free(c)
			return nil, nil, err
		}
	}
	route, err := s.log.apply(c, withLog)
	if err != nil {
		C.wkdg_config_free(c)
		return nil, nil, err
	}
	return c, route, nil
}

// Config is a configuration built from options, for reading back the
// values a preset and options produce. New takes options directly; a
// Config is not needed to create a node.
type Config struct {
	mu sync.Mutex
	c  *C.wkd_config_t
}

// NewConfig builds a configuration from options.
func NewConfig(opts ...Option) (*Config, error) {
	c, _, err := buildConfig("NewConfig", opts, false)
	if err != nil {
		return nil, err
	}
	cfg := &Config{c: c}
	runtime.SetFinalizer(cfg, (*Config).Free)
	return cfg, nil
}

// Get reads an option by name: an int64, a string or a bool per its type.
func (cfg *Config) Get(name string) (any, error) {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	op := fmt.Sprintf("option %q", name)
	if cfg.c == nil {
		return nil, newError(op, StatusInvalid, "the configuration was freed")
	}
	var m cmem
	defer m.free()
	var id C.wkd_option
	e := cerror()
	if st := C.wkdg_option_lookup(&id, m.str(name), &e); st != C.WKD_OK {
		return nil, newCError(op, st, &e)
	}
	info, err := describeOption(id)
	if err != nil {
		return nil, err
	}
	switch info.Type {
	case OptionInt:
		var v C.int64_t
		if st := C.wkdg_config_get_int(&v, cfg.c, id, &e); st != C.WKD_OK {
			return nil, newCError(op, st, &e)
		}
		return int64(v), nil
	case OptionStr:
		var v *C.char
		if st := C.wkdg_config_get_str(&v, cfg.c, id, &e); st != C.WKD_OK {
			return nil, newCError(op, st, &e)
		}
		return C.GoString(v), nil
	default:
		var v C.bool
		if st := C.wkdg_config_get_bool(&v, cfg.c, id, &e); st != C.WKD_OK {
			return nil, newCError(op, st, &e)
		}
		return bool(v), nil
	}
}

// Free releases the configuration; calling it again does nothing.
func (cfg *Config) Free() {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	if cfg.c != nil {
		C.wkdg_config_free(cfg.c)
		cfg.c = nil
	}
}
