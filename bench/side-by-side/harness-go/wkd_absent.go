//go:build !wkd

package main

import "fmt"

// Without the build tag `wkd` the harness has no wkd backend; bench/compare
// --self builds it with the tag, against the Go binding in ../../../go.
func newWkdCluster(preset string) (Cluster, error) {
	return nil, fmt.Errorf("built without the wkd backend (go build -tags wkd)")
}
