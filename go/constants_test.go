package wkd

import (
	"reflect"
	"strings"
	"testing"
)

// bindingConstants are the package's exported constants by their C names.
// Their values come from the header through cgo; the test compares them
// with the table of the library actually loaded, and fails when the library
// has a constant of these groups that the package lacks.
func bindingConstants() map[string]int64 {
	m := map[string]int64{
		"WKD_MEMBER_ALIVE": int64(StateAlive), "WKD_MEMBER_SUSPECT": int64(StateSuspect),
		"WKD_MEMBER_FAILED": int64(StateFailed), "WKD_MEMBER_LEFT": int64(StateLeft),
		"WKD_MEMBER_LEAVING": int64(StateLeaving),
		"WKD_HEALTH_PASSING": int64(HealthPassing), "WKD_HEALTH_WARNING": int64(HealthWarning),
		"WKD_HEALTH_CRITICAL": int64(HealthCritical), "WKD_HEALTH_UNKNOWN": int64(HealthUnknown),
		"WKD_WATCH_MEMBERS": int64(WatchMembers), "WKD_WATCH_GROUP": int64(WatchGroup),
		"WKD_WATCH_SERVICE": int64(WatchService), "WKD_WATCH_SERVICE_HEALTHY": int64(WatchServiceHealthy),
		"WKD_WATCH_USER_EVENTS":   int64(WatchUserEvents),
		"WKD_EVENT_MEMBER_JOINED": int64(EventMemberJoined), "WKD_EVENT_MEMBER_UPDATED": int64(EventMemberUpdated),
		"WKD_EVENT_MEMBER_SUSPECT": int64(EventMemberSuspect), "WKD_EVENT_MEMBER_FAILED": int64(EventMemberFailed),
		"WKD_EVENT_MEMBER_LEFT": int64(EventMemberLeft), "WKD_EVENT_MEMBER_REAPED": int64(EventMemberReaped),
		"WKD_EVENT_USER": int64(EventUser), "WKD_EVENT_OVERFLOW": int64(EventOverflow),
		"WKD_EVENT_INSTANCE_REGISTERED":   int64(EventInstanceRegistered),
		"WKD_EVENT_INSTANCE_UPDATED":      int64(EventInstanceUpdated),
		"WKD_EVENT_INSTANCE_STATUS":       int64(EventInstanceStatus),
		"WKD_EVENT_INSTANCE_DEREGISTERED": int64(EventInstanceDeregistered),
		"WKD_EVENT_INSTANCE_REMOVED":      int64(EventInstanceRemoved),
		"WKD_EVENT_INSTANCE_MOVED":        int64(EventInstanceMoved),
		"WKD_PRESET_LAN":                  int64(PresetLAN), "WKD_PRESET_WAN": int64(PresetWAN), "WKD_PRESET_LOCAL": int64(PresetLocal),
		"WKD_OPTION_INT": int64(OptionInt), "WKD_OPTION_STR": int64(OptionStr), "WKD_OPTION_BOOL": int64(OptionBool),
		"WKD_LOG_DEBUG": int64(LogDebug), "WKD_LOG_INFO": int64(LogInfo), "WKD_LOG_WARN": int64(LogWarn),
		"WKD_LOG_ERROR": int64(LogError), "WKD_LOG_OFF": int64(LogOff),
	}
	for s, n := range statusNames {
		m[n[0]] = int64(s)
	}
	return m
}

// The groups whose every constant the package mirrors.
var mirroredGroups = []string{
	"wkd_status", "wkd_member_state", "wkd_health", "wkd_watch_kind", "wkd_event_type", "wkd_preset",
	"wkd_option_type", "wkd_log_level",
}

func TestConstantsMatchTheLibrary(t *testing.T) {
	lib, err := libraryConstants()
	if err != nil {
		t.Fatalf("libraryConstants: %v", err)
	}
	mirrored := map[string]bool{}
	for _, g := range mirroredGroups {
		mirrored[g] = true
	}
	binding := bindingConstants()
	seen := map[string]bool{}
	for _, c := range lib {
		if !mirrored[c.Group] {
			continue
		}
		seen[c.Name] = true
		v, ok := binding[c.Name]
		if !ok {
			t.Errorf("the library has %s %s = %d; the Go package has no constant for it", c.Group, c.Name, c.Value)
			continue
		}
		if v != c.Value {
			t.Errorf("%s: the Go package says %d, the library %d", c.Name, v, c.Value)
		}
	}
	for name := range binding {
		if !seen[name] {
			t.Errorf("the Go package has %s, which the library does not list", name)
		}
	}
	if len(seen) == 0 {
		t.Fatal("the library lists none of the mirrored constants")
	}
}

func TestStatusTextsMatchTheLibrary(t *testing.T) {
	lib, err := libraryConstants()
	if err != nil {
		t.Fatalf("libraryConstants: %v", err)
	}
	n := 0
	for _, c := range lib {
		if c.Group != "wkd_status" {
			continue
		}
		n++
		got, ok := statusNames[Status(c.Value)]
		if !ok || got[0] != c.Name || got[1] != c.Text {
			t.Errorf("status %d: Go says %q, the library %q %q", c.Value, got, c.Name, c.Text)
		}
	}
	if n != len(statusNames) {
		t.Errorf("the library lists %d statuses, the Go package %d", n, len(statusNames))
	}
}

// goFieldName is the Go name of a wkd_stats field: "drops_queue_full" is
// DropsQueueFull.
func goFieldName(c string) string {
	parts := strings.Split(c, "_")
	for i, p := range parts {
		parts[i] = strings.ToUpper(p[:1]) + p[1:]
	}
	return strings.Join(parts, "")
}

func TestStatsFieldsMatchTheLibrary(t *testing.T) {
	lib, err := libraryStatsFields()
	if err != nil {
		t.Fatalf("libraryStatsFields: %v", err)
	}
	var want []string
	for _, f := range lib {
		want = append(want, goFieldName(f.Name))
	}
	var got []string
	st := reflect.TypeOf(Stats{})
	for i := 0; i < st.NumField(); i++ {
		got = append(got, st.Field(i).Name)
	}
	if len(want) == 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("Stats fields drifted from the library's wkd_stats list:\n Go:      %v\n library: %v", got, want)
	}
}
