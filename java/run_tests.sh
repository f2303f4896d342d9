#!/usr/bin/env bash
# run_tests.sh - builds the JNI library and runs the Java binding's tests.
#
#   java/run_tests.sh [WKD_BUILD_DIR] [extra mvn arguments...]
#
# The wkd build directory (holding src/libwkd.a) is the first argument, else
# $WKD_BUILD_DIR, else ../build. Maven runs online and in batch mode.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build_dir="${WKD_BUILD_DIR:-$here/../build}"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  build_dir="$1"
  shift
fi
build_dir="$(cd "$build_dir" && pwd)"

cd "$here"
exec mvn -B "-Dwkd.build.dir=$build_dir" "$@" test
