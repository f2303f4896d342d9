#!/usr/bin/env bash
# Tests of the Go binding, in both modes:
#   1. go vet, in both modes;
#   2. go test ./... linked against the build tree (pkg-config);
#   3. go test -tags wkd_dlopen ./... with WKD_LIBRARY naming the build's libwkd;
#   4. go build -tags wkd_dlopen with no pkg-config file and no libwkd visible.
# WKD_BUILD_DIR overrides the build tree (default: ../build from this file).
# Extra arguments go to both `go test` runs (e.g. -run Cluster -v).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${WKD_BUILD_DIR:-$here/../build}"
build="$(cd "$build" && pwd)"
go="${GO:-}"
if [ -z "$go" ]; then
  if [ -x /usr/local/go/bin/go ]; then go=/usr/local/go/bin/go; else go=go; fi
fi
lib="$build/src/libwkd.so.0"
[ -f "$build/pkgconfig/wkd.pc" ] || { echo "run_tests.sh: no $build/pkgconfig/wkd.pc (set WKD_BUILD_DIR)" >&2; exit 2; }
[ -f "$lib" ] || { echo "run_tests.sh: no $lib (set WKD_BUILD_DIR)" >&2; exit 2; }

cd "$here"
export GOFLAGS="${GOFLAGS:--mod=mod}"
export CGO_ENABLED=1

echo "== go vet (linked)"
PKG_CONFIG_PATH="$build/pkgconfig" "$go" vet ./...
echo "== go vet (wkd_dlopen)"
PKG_CONFIG_PATH= "$go" vet -tags wkd_dlopen ./...

echo "== go test (linked, PKG_CONFIG_PATH=$build/pkgconfig)"
PKG_CONFIG_PATH="$build/pkgconfig" "$go" test -p 1 -count=1 "$@" ./...

echo "== go test -tags wkd_dlopen (WKD_LIBRARY=$lib)"
PKG_CONFIG_PATH= WKD_LIBRARY="$lib" "$go" test -p 1 -count=1 -tags wkd_dlopen "$@" ./...

echo "== go build -tags wkd_dlopen with no pkg-config and no libwkd visible"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR=/nonexistent LD_LIBRARY_PATH= LIBRARY_PATH= \
  "$go" build -tags wkd_dlopen -o "$out/polyglotnode" ./internal/polyglotnode
if command -v readelf >/dev/null && readelf -d "$out/polyglotnode" | grep -q 'libwkd'; then
  echo "run_tests.sh: the wkd_dlopen binary links libwkd" >&2
  exit 1
fi
# Without a library it reports the path it tried and exits 1, no crash.
set +e
msg="$(env -u WKD_LIBRARY LD_LIBRARY_PATH= "$out/polyglotnode" --name probe --bind 127.0.0.1:0 --lang go </dev/null)"
rc=$?
set -e
echo "$msg"
if [ "$rc" -ne 1 ] || ! grep -q 'libwkd.so.0' <<<"$msg"; then
  echo "run_tests.sh: expected a load error naming libwkd.so.0 and exit 1, got exit $rc" >&2
  exit 1
fi
echo "== all Go tests passed"
