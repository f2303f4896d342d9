package wkd

/*
#include "shim.h"
*/
import "C"

// libraryConstant is one entry of the loaded library's constant table
// (wkd_constant_at, wkd/constants.h).
type libraryConstant struct {
	Group, Name, Text string
	Value             int64
}

// libraryConstants reads the loaded library's table of named constants,
// which the library generates from the lists its headers define the enums
// with. constants_test.go checks the package's constants against it.
func libraryConstants() ([]libraryConstant, error) {
	if err := ensureLoaded(); err != nil {
		return nil, err
	}
	var out []libraryConstant
	for i := 0; ; i++ {
		var c C.wkd_constant_info
		c.struct_size = C.uint32_t(C.sizeof_wkd_constant_info)
		if C.wkdg_constant_at(&c, C.size_t(i), nil) != C.WKD_OK {
			return out, nil
		}
		out = append(out, libraryConstant{
			Group: C.GoString(c.group), Name: C.GoString(c.name), Text: C.GoString(c.text), Value: int64(c.value),
		})
	}
}

// libraryStatsField is one field of wkd_stats as the library lists it.
type libraryStatsField struct{ Name, Kind string }

// libraryStatsFields reads the loaded library's list of wkd_stats fields
// (wkd_stats_describe), in order.
func libraryStatsFields() ([]libraryStatsField, error) {
	if err := ensureLoaded(); err != nil {
		return nil, err
	}
	var out []libraryStatsField
	for i := 0; ; i++ {
		var f C.wkd_stat_info
		f.struct_size = C.uint32_t(C.sizeof_wkd_stat_info)
		if C.wkdg_stats_describe(&f, C.size_t(i), nil) != C.WKD_OK {
			return out, nil
		}
		out = append(out, libraryStatsField{Name: C.GoString(f.name), Kind: C.GoString(f.kind)})
	}
}
