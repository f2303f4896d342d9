#!/usr/bin/env bash
# build-native.sh - generates the JNI layer with SWIG and links libwkd_jni.so.
#
#   build-native.sh [--build-dir DIR] [--java-home DIR] [--out DIR]
#
# --build-dir  the wkd CMake build directory holding src/libwkd.a
#              (default: $WKD_BUILD_DIR, else ../build next to this script)
# --java-home  the JDK whose include/jni.h to use (default: $JAVA_HOME, else
#              the JDK of the javac on PATH)
# --out        Maven's target directory (default: target next to this script)
#
# Outputs, all under --out:
#   generated-sources/swig/dev/weftkit/wkd/jni/*.java   the generated classes
#   native/wkd_wrap.c                                   the generated JNI code
#   native-resources/native/<os>-<arch>/libwkd_jni.so   the library, with
#                                                       libwkd linked in
# Nothing is rebuilt when the outputs are newer than every input.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build_dir="${WKD_BUILD_DIR:-}"
java_home="${JAVA_HOME:-}"
out="$here/target"

while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir="${2:-}"; shift 2 ;;
    --build-dir=*) build_dir="${1#*=}"; shift ;;
    --java-home) java_home="${2:-}"; shift 2 ;;
    --java-home=*) java_home="${1#*=}"; shift ;;
    --out) out="$2"; shift 2 ;;
    --out=*) out="${1#*=}"; shift ;;
    *) echo "build-native.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done

# An empty --build-dir (an unset Maven property) means "use the default".
[ -n "$build_dir" ] || build_dir="${WKD_BUILD_DIR:-$here/../build}"
if ! resolved="$(cd "$build_dir" 2>/dev/null && pwd)"; then
  echo "build-native.sh: wkd build directory not found: $build_dir (build the C library first, or pass -Dwkd.build.dir=DIR / WKD_BUILD_DIR)" >&2
  exit 1
fi
build_dir="$resolved"
lib="$build_dir/src/libwkd.a"
[ -f "$lib" ] || { echo "build-native.sh: $lib not found; build the C library first" >&2; exit 1; }

# Headers: the include directory the build tree's pkg-config file names,
# else the include/ directory of the source tree next to java/.
include_dir=""
pc="$build_dir/pkgconfig/wkd-uninstalled.pc"
if [ -f "$pc" ]; then
  include_dir="$(sed -n 's/^includedir=//p' "$pc" | head -n1)"
fi
[ -n "$include_dir" ] && [ -f "$include_dir/wkd.h" ] || include_dir="$here/../include"
[ -f "$include_dir/wkd.h" ] || { echo "build-native.sh: wkd.h not found (looked in $include_dir)" >&2; exit 1; }

if [ -z "$java_home" ]; then
  javac_path="$(readlink -f "$(command -v javac)")"
  java_home="$(dirname "$(dirname "$javac_path")")"
fi
[ -f "$java_home/include/jni.h" ] || { echo "build-native.sh: jni.h not found under $java_home/include (need a JDK)" >&2; exit 1; }

command -v swig >/dev/null || { echo "build-native.sh: swig not found (Debian: apt-get install swig)" >&2; exit 1; }
cc="${CC:-cc}"

case "$(uname -s)" in
  Linux) os=linux; jni_os=linux ;;
  *) echo "build-native.sh: unsupported OS $(uname -s)" >&2; exit 1 ;;
esac
case "$(uname -m)" in
  x86_64|amd64) arch=x86_64 ;;
  aarch64|arm64) arch=aarch64 ;;
  *) arch="$(uname -m)" ;;
esac

iface="$here/src/main/swig/wkd.i"
gen_java="$out/generated-sources/swig/dev/weftkit/wkd/jni"
native_dir="$out/native"
lib_dir="$out/native-resources/native/$os-$arch"
so="$lib_dir/libwkd_jni.so"

# Up to date? (built from the same build directory, and newer than every input)
stamp="$native_dir/inputs.txt"
inputs="build_dir=$build_dir include_dir=$include_dir java_home=$java_home cc=$cc"
if [ -f "$so" ] && [ -f "$gen_java/WkdNative.java" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$inputs" ]; then
  newer="$(find "$iface" "$here/build-native.sh" "$lib" "$include_dir" -newer "$so" -type f 2>/dev/null | head -n1)"
  if [ -z "$newer" ]; then
    echo "build-native.sh: $so is up to date"
    exit 0
  fi
fi

rm -rf "$gen_java"
mkdir -p "$gen_java" "$native_dir" "$lib_dir"

echo "build-native.sh: swig $(swig -version | sed -n 's/^SWIG Version //p') on $iface"
swig -java -package dev.weftkit.wkd.jni -I"$include_dir" \
  -outdir "$gen_java" -o "$native_dir/wkd_wrap.c" "$iface"

echo "build-native.sh: linking $so against $lib"
# -fno-strict-aliasing: SWIG's generated code type-puns jlong handles.
# --exclude-libs,ALL: libwkd's symbols stay inside the library; only the
# JNI entry points are exported. -lcurl: the HTTP and gRPC health checks.
# -lm: libstdc++ needs it when cc, not c++,
# drives the link. --strip-debug keeps the jar small (libwkd.a carries debug
# information).
"$cc" -std=c99 -O2 -fPIC -fno-strict-aliasing -Wall -Wno-unused-parameter -Wno-unused-function \
  -I"$include_dir" -I"$java_home/include" -I"$java_home/include/$jni_os" \
  -shared -o "$so.tmp" "$native_dir/wkd_wrap.c" \
  "$lib" -luv -lmbedcrypto -lcurl -lstdc++ -lm -lpthread \
  -Wl,--exclude-libs,ALL -Wl,--no-undefined -Wl,-z,noexecstack -Wl,--strip-debug
mv -f "$so.tmp" "$so"
printf '%s\n' "$inputs" > "$stamp"
echo "build-native.sh: built $so"
