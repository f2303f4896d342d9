package wkd

/*
#include "shim.h"
*/
import "C"

import "unsafe"

// cmem holds C allocations made for one call and frees them together.
type cmem struct{ ptrs []unsafe.Pointer }

// str returns a C copy of s.
func (m *cmem) str(s string) *C.char {
	p := C.CString(s)
	m.ptrs = append(m.ptrs, unsafe.Pointer(p))
	return p
}

// optStr is str, but NULL for "" (the C ABI's "not given").
func (m *cmem) optStr(s string) *C.char {
	if s == "" {
		return nil
	}
	return m.str(s)
}

// strs returns a C array of C copies of ss (NULL when ss is empty).
func (m *cmem) strs(ss []string) **C.char {
	if len(ss) == 0 {
		return nil
	}
	arr := unsafe.Slice((**C.char)(m.alloc(uintptr(len(ss))*unsafe.Sizeof((*C.char)(nil)))), len(ss))
	for i, s := range ss {
		arr[i] = m.str(s)
	}
	return &arr[0]
}

func (m *cmem) alloc(n uintptr) unsafe.Pointer {
	p := C.calloc(1, C.size_t(n))
	if p == nil {
		panic("wkd: out of C memory")
	}
	m.ptrs = append(m.ptrs, p)
	return p
}

func (m *cmem) free() {
	for _, p := range m.ptrs {
		C.free(p)
	}
	m.ptrs = nil
}

// goStrings copies a C array of n strings.
func goStrings(a **C.char, n C.size_t) []string {
	if n == 0 || a == nil {
		return nil
	}
	out := make([]string, int(n))
	for i := range out {
		out[i] = C.GoString(C.wkdg_str_at(a, C.size_t(i)))
	}
	return out
}
