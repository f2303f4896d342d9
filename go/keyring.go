package wkd

/*
#include "shim.h"
*/
import "C"

import "runtime"

// Keys is a node's gossip encryption keyring.
type Keys struct {
	Keys    []string // base64, primary first
	Primary string
}

func (n *Node) keyOp(op, key string, f func(*C.wkd_node_t, *C.char, *C.wkd_error) C.wkd_status) error {
	defer runtime.KeepAlive(n)
	var m cmem
	defer m.free()
	k := m.str(key)
	return n.in.call(op, func(p *C.wkd_node_t, e *C.wkd_error) C.wkd_status { return f(p, k, e) })
}

// InstallKey adds a base64 key (16, 24 or 32 bytes) to the keyring, not as
// primary. A node created without an encryption key has no keyring
// (ErrState).
func (n *Node) InstallKey(keyBase64 string) error {
	return n.keyOp("InstallKey", keyBase64, func(p *C.wkd_node_t, k *C.char, e *C.wkd_error) C.wkd_status {
		return C.wkdg_keyring_install(p, k, e)
	})
}

// UseKey makes an installed key the primary one (ErrNotFound if absent).
func (n *Node) UseKey(keyBase64 string) error {
	return n.keyOp("UseKey", keyBase64, func(p *C.wkd_node_t, k *C.char, e *C.wkd_error) C.wkd_status {
		return C.wkdg_keyring_use(p, k, e)
	})
}

// RemoveKey removes a key; the primary key cannot be removed (ErrState).
func (n *Node) RemoveKey(keyBase64 string) error {
	return n.keyOp("RemoveKey", keyBase64, func(p *C.wkd_node_t, k *C.char, e *C.wkd_error) C.wkd_status {
		return C.wkdg_keyring_remove(p, k, e)
	})
}

// Keys lists the installed keys.
func (n *Node) Keys() (Keys, error) {
	defer runtime.KeepAlive(n)
	var out Keys
	err := n.in.call("Keys", func(p *C.wkd_node_t, e *C.wkd_error) C.wkd_status {
		var l *C.wkd_key_list
		if st := C.wkdg_keyring_list(&l, p, e); st != C.WKD_OK {
			return st
		}
		defer C.wkdg_key_list_free(l)
		out.Keys = goStrings(l.keys, l.count)
		out.Primary = C.GoString(l.primary)
		return C.WKD_OK
	})
	return out, err
}
