#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (-fsanitize=fuzzer,address,undefined)
# and runs them.
#
#   bash tests/fuzz/run_fuzzers.sh --smoke            # each target 20 s over its corpus (CI)
#   bash tests/fuzz/run_fuzzers.sh --time 1800 [target...]   # long runs; new finds go to
#                                                    # tests/fuzz/work/<target>/ for minimizing
#   bash tests/fuzz/run_fuzzers.sh --minimize        # merge work/ finds into corpus/ (minimized)
set -euo pipefail
cd "$(dirname "$0")/../.."
MODE=smoke SECONDS_PER=20
TARGETS=()
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) MODE=smoke; SECONDS_PER=20 ;;
    --time) MODE=long; SECONDS_PER=$2; shift ;;
    --minimize) MODE=minimize ;;
    *) TARGETS+=("$1") ;;
  esac
  shift
done

BUILD=build-fuzz
CC=clang-14 CXX=clang++-14 cmake -S . -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWKD_BUILD_FUZZERS=ON -DWKD_BUILD_TESTS=OFF -DWKD_SANITIZE="address;undefined" >/dev/null
# Only the fuzz targets: the rest of the tree is not built for libFuzzer.
FUZZ_TARGETS=$(sed -n 's/^set(WKD_FUZZ_TARGETS \(.*\))$/\1/p' tests/fuzz/targets.cmake)
cmake --build $BUILD -j"$(nproc)" --target $(for t in $FUZZ_TARGETS; do printf '%s_fuzzer ' "$t"; done)

if [ ${#TARGETS[@]} -eq 0 ]; then
  for t in $FUZZ_TARGETS; do TARGETS+=("$t"); done
fi

for t in "${TARGETS[@]}"; do
  bin=$BUILD/tests/fuzz/libfuzzer/${t}_fuzzer
  corpus=tests/fuzz/corpus/$t
  work=tests/fuzz/work/$t
  mkdir -p "$work" "$corpus"
  case $MODE in
    smoke)
      echo "fuzz: $t for ${SECONDS_PER}s"
      "$bin" -max_total_time="$SECONDS_PER" -max_len=65536 -print_final_stats=1 "$work" "$corpus" 2>&1 | tail -12
      ;;
    long)
      echo "fuzz: $t for ${SECONDS_PER}s (crashes land in $work/)"
      "$bin" -max_total_time="$SECONDS_PER" -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$work/" "$work" "$corpus" 2>&1 | tail -25
      ;;
    minimize)
      tmp=$(mktemp -d)
      "$bin" -merge=1 "$tmp" "$corpus" "$work" 2>&1 | tail -3
      rm -rf "$corpus" && mv "$tmp" "$corpus"
      echo "fuzz: $t corpus now $(ls "$corpus" | wc -l) files, $(du -sk "$corpus" | cut -f1) KiB"
      ;;
  esac
done
