package wkd

/*
#include "shim.h"
*/
import "C"

import (
	"fmt"
	"time"
)

// MemberState is a member's membership state, as Serf shows it.
type MemberState int

const (
	StateAlive   MemberState = C.WKD_MEMBER_ALIVE
	StateSuspect MemberState = C.WKD_MEMBER_SUSPECT
	StateFailed  MemberState = C.WKD_MEMBER_FAILED
	StateLeft    MemberState = C.WKD_MEMBER_LEFT
	StateLeaving MemberState = C.WKD_MEMBER_LEAVING
)

// String is wkd_member_state_name: "alive", "failed", ...
func (s MemberState) String() string {
	if ensureLoaded() != nil {
		return fmt.Sprintf("MemberState(%d)", int(s))
	}
	return C.GoString(C.wkdg_member_state_name(C.wkd_member_state(s)))
}

// Health is a node's own health, as its application reports it.
type Health int

const (
	HealthPassing  Health = C.WKD_HEALTH_PASSING
	HealthWarning  Health = C.WKD_HEALTH_WARNING
	HealthCritical Health = C.WKD_HEALTH_CRITICAL
	HealthUnknown  Health = C.WKD_HEALTH_UNKNOWN // the member advertises none
)

// String is wkd_health_name: "passing", "warning", ...
func (h Health) String() string {
	if ensureLoaded() != nil {
		return fmt.Sprintf("Health(%d)", int(h))
	}
	return C.GoString(C.wkdg_health_name(C.wkd_health(h)))
}

// Member is one cluster member, copied from a snapshot or an event.
type Member struct {
	Name         string
	Address      string // IP address
	Port         uint16 // gossip port
	State        MemberState
	Incarnation  uint32
	Tags         map[string]string // every tag, reserved ones included
	Groups       []string
	DatabaseType string // "" when not advertised
	WireProtocol string
	Endpoint     string
	Capabilities []string
	Health       Health
	LastSeen     time.Time // latest direct evidence of life; zero if never
	WkdVersion   string    // "" for serf and memberlist peers
	// Protocol versions (memberlist's, then serf's): min, max, current.
	ProtocolMin, ProtocolMax, ProtocolCur uint8
	DelegateMin, DelegateMax, DelegateCur uint8
}

func newMemberInfo() C.wkd_member_info {
	var mi C.wkd_member_info
	mi.struct_size = C.uint32_t(C.sizeof_wkd_member_info)
	return mi
}

func memberFromC(mi *C.wkd_member_info) Member {
	m := Member{
		Name:         C.GoString(mi.name),
		Address:      C.GoString(mi.address),
		Port:         uint16(mi.port),
		State:        MemberState(mi.state),
		Incarnation:  uint32(mi.incarnation),
		Tags:         make(map[string]string, int(mi.n_tags)),
		Groups:       goStrings(mi.groups, mi.n_groups),
		DatabaseType: C.GoString(mi.database_type),
		WireProtocol: C.GoString(mi.wire_protocol),
		Endpoint:     C.GoString(mi.endpoint),
		Capabilities: goStrings(mi.capabilities, mi.n_capabilities),
		Health:       Health(mi.health),
		WkdVersion:   C.GoString(mi.wkd_version),
		ProtocolMin:  uint8(mi.protocol_min),
		ProtocolMax:  uint8(mi.protocol_max),
		ProtocolCur:  uint8(mi.protocol_cur),
		DelegateMin:  uint8(mi.delegate_min),
		DelegateMax:  uint8(mi.delegate_max),
		DelegateCur:  uint8(mi.delegate_cur),
	}
	for i := 0; i < int(mi.n_tags); i++ {
		kv := C.wkdg_kv_at(mi.tags, C.size_t(i))
		m.Tags[C.GoString(kv.key)] = C.GoString(kv.value)
	}
	if ms := int64(mi.last_seen_unix_ms); ms != 0 {
		m.LastSeen = time.UnixMilli(ms)
	}
	return m
}

// InGroup tells whether the member belongs to group.
func (m *Member) InGroup(group string) bool {
	for _, g := range m.Groups {
		if g == group {
			return true
		}
	}
	return false
}

// MemberFilter selects members in Node.Members. Empty fields match
// everything.
type MemberFilter struct {
	States       []MemberState // any of these states; none = every state
	Group        string
	DatabaseType string
	WireProtocol string
	TagKey       string // has this tag ...
	TagValue     string // ... with this value ("" = any value)
}
