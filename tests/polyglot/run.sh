#!/usr/bin/env bash
# Runs the four-language test (README.md here) once the bindings are built:
# the C node from the CMake build, the Python node from the venv that
# python/run_tests.sh made, the Java node from java/target (java/run_tests.sh),
# and the Go node, built here against the build tree.
#
#   bash tests/polyglot/run.sh [polyglot_test.py arguments...]
#
# WKD_BUILD_DIR (default build/) and WKD_PY_VENV (default build-python/venv)
# as for the bindings' own scripts.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${WKD_BUILD_DIR:-$root/build}" && pwd)"
go="${GO:-}"
if [ -z "$go" ]; then
  if [ -x /usr/local/go/bin/go ]; then go=/usr/local/go/bin/go; else go=go; fi
fi

mkdir -p "$build/polyglot"
(cd "$root/go" && PKG_CONFIG_PATH="$build/pkgconfig" GOFLAGS="${GOFLAGS:--mod=mod}" CGO_ENABLED=1 \
  "$go" build -o "$build/polyglot/wkd-polyglot-go" ./internal/polyglotnode)
cmake --build "$build" --target wkd_polyglot_node >/dev/null

export WKD_BUILD_DIR="$build"
exec python3 "$root/tests/polyglot/polyglot_test.py" "$@"
