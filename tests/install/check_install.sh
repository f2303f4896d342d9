#!/usr/bin/env bash
# Installs the build tree into a scratch prefix and builds consumers the
# three ways users do: pkg-config (shared and --static), the uninstalled
# .pc of the build tree, and find_package(wkd) with wkd::wkd and
# wkd::wkd_static. Each consumer must run and print its line.
set -euo pipefail
BUILD=$1 SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PREFIX=$WORK/prefix
cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null
LIBDIR=$(ls -d "$PREFIX"/lib*/ | head -n1)
test -f "$PREFIX/include/wkd.h"
test -f "$PREFIX/include/wkd/node.h"
ls "$LIBDIR"/libwkd.so.0 "$LIBDIR"/libwkd.a >/dev/null
test -f "$LIBDIR/cmake/wkd/wkdConfig.cmake"
SRCFILE=$SRC/tests/install/consumer/consumer.c

export PKG_CONFIG_PATH=$LIBDIR/pkgconfig
cc -std=c99 -Wall -Wextra -Werror "$SRCFILE" -o "$WORK/pc_shared" $(pkg-config --cflags --libs wkd)
LD_LIBRARY_PATH=$LIBDIR "$WORK/pc_shared"
cc -std=c99 "$SRCFILE" -o "$WORK/pc_static" $(pkg-config --cflags wkd) \
  -Wl,-Bstatic $(pkg-config --libs-only-L wkd) -lwkd -Wl,-Bdynamic $(pkg-config --static --libs-only-l wkd | sed 's/-lwkd//')
"$WORK/pc_static"

PKG_CONFIG_PATH=$BUILD/pkgconfig
export PKG_CONFIG_PATH
cc -std=c99 "$SRCFILE" -o "$WORK/pc_uninstalled" $(pkg-config --cflags --libs wkd-uninstalled)
"$WORK/pc_uninstalled"

cmake -S "$SRC/tests/install/consumer" -B "$WORK/cmake" -G Ninja -DCMAKE_PREFIX_PATH="$PREFIX" >/dev/null
cmake --build "$WORK/cmake" >/dev/null
LD_LIBRARY_PATH=$LIBDIR "$WORK/cmake/consumer_shared"
"$WORK/cmake/consumer_static"
# The C examples, built with nothing but pkg-config against the installed
# library, and run.
export PKG_CONFIG_PATH=$LIBDIR/pkgconfig
for ex in "$SRC"/examples/*.c; do
  cc -std=c99 -Wall -Wextra -Werror "$ex" -o "$WORK/$(basename "$ex" .c)" $(pkg-config --cflags --libs wkd)
done
B=$((20 + RANDOM % 200))
LD_LIBRARY_PATH=$LIBDIR timeout 60 "$WORK/two_nodes" "127.0.0.$B" "127.0.0.$((B + 1))"
LD_LIBRARY_PATH=$LIBDIR timeout 60 "$WORK/service_discovery" "127.0.0.$((B + 2))" "127.0.0.$((B + 3))"
# hello_cluster runs until signalled (the demo runs it): here, its usage check.
set +e
LD_LIBRARY_PATH=$LIBDIR "$WORK/hello_cluster" >/dev/null 2>&1
rc=$?
set -e
test "$rc" = 2
# The README's C quick start, as written there: it must build and print
# its two lines (127.0.0.2 and .3 are used by no other test).
awk '/^## Quick start \(C\)/ { s = 1 } s && /^```c$/ { c = 1; next } c && /^```$/ { exit } c' \
  "$SRC/README.md" > "$WORK/quick_start.c"
test -s "$WORK/quick_start.c"
cc -std=c99 -Wall -Wextra -Werror "$WORK/quick_start.c" -o "$WORK/quick_start" $(pkg-config --cflags --libs wkd)
out=$(LD_LIBRARY_PATH=$LIBDIR timeout 60 "$WORK/quick_start")
expected='member-joined: db-1 (postgres) at 127.0.0.2:5432
orders has 1 member(s)'
if [ "$out" != "$expected" ]; then
  printf 'install: the README quick start printed:\n%s\nexpected:\n%s\n' "$out" "$expected" >&2
  exit 1
fi
echo "install: 5 consumers, $(ls "$SRC"/examples/*.c | wc -l) examples and the README quick start built and ran"
