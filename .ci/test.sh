#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test
# suite. Each stage prints its duration; the script fails on the first
# failing stage.
#
#   bash .ci/test.sh
#
# Stages:
#   setup      Debian packages + release build (build/)
#   test       ctest -j2 over the release build (unit, sim, capi, agent, policy, fuzz replay, install, interop)
#   faults     real agents in network namespaces under loss, partitions, crashes and stopped processes
#              (tests/faults, as root): seven scenarios, four at a time, each in its own namespaces,
#              and SIGKILL during snapshot rewrites; records in build/tests/faults/results, from
#              which build/tests/faults/RELIABILITY.md is written
#   bindings   Python (pip install ./python + pytest), Go (both modes), Java (mvn -B test), then
#              one cluster of a C, a Python, a Go and a Java node (tests/polyglot)
#   sanitize   ASan+UBSan build (build-asan/) and its unit, sim, capi, agent and fuzz-replay suites
#              (less the load tests, 256 nodes, 200 nodes x 600 s and 500 HTTP checks a second, too
#              slow at -O0, and the agent's 60 s HTTP limits test); an agent that leaks or misbehaves fails its exit check
#   tsan       ThreadSanitizer build (build-tsan/): the C API threading tests (members, registry) and
#              cluster test, then the agent suites (less the HTTP limits test) against a TSan-built
#              agent; any report fails it
#   fuzz       clang/libFuzzer targets built and run briefly over the committed corpus
set -euo pipefail
cd "$(dirname "$0")/.."
export CI="${CI:-true}"

STAGE_START=0
stage_begin() { STAGE_NAME=$1; STAGE_START=$(date +%s); echo "=== stage $STAGE_NAME"; }
stage_end() { echo "=== stage $STAGE_NAME done in $(( $(date +%s) - STAGE_START )) s"; }
TOTAL_START=$(date +%s)

stage_begin setup
bash .ci/setup.sh
stage_end

stage_begin test
(cd build && ctest -j2 --output-on-failure --timeout 300 -LE faults)
stage_end

stage_begin faults
# The scenarios mostly wait out their fault windows (60-180 s each, and not
# shortened), so four run side by side; each has its own namespaces.
faults_ok=1
rm -rf build/tests/faults/results
(cd build && ctest -j4 --output-on-failure -L faults) || faults_ok=0
python3 tests/faults/reliability.py build/tests/faults/results --out build/tests/faults/RELIABILITY.md \
  --stage-seconds $(( $(date +%s) - STAGE_START )) || faults_ok=0
[ "$faults_ok" = 1 ]
stage_end

stage_begin bindings
bash python/run_tests.sh
bash go/run_tests.sh
bash java/run_tests.sh build
bash tests/polyglot/run.sh
stage_end

stage_begin sanitize
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWKD_WERROR=ON \
  -DWKD_SANITIZE="address;undefined" >/dev/null
cmake --build build-asan -j"$(nproc)"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest -j2 --output-on-failure --timeout 400 -L 'unit|sim|capi|fuzz|agent' \
  -E 'install|header|many_nodes|ManyChecks|SimLoss|TwoHundredNodes|agent.limits')
stage_end

stage_begin tsan
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWKD_SANITIZE=thread >/dev/null
cmake --build build-tsan -j"$(nproc)" --target capi_threading_test capi_registry_threading_test capi_cluster_test wkd_cli
TSAN_OPTIONS=halt_on_error=1 ./build-tsan/tests/capi/capi_threading_test
TSAN_OPTIONS=halt_on_error=1 ./build-tsan/tests/capi/capi_registry_threading_test
TSAN_OPTIONS=halt_on_error=1 ./build-tsan/tests/capi/capi_cluster_test
# The agent runs its node's loop thread beside its own threads. Its tests
# start many agent and CLI processes, so each report goes to a file of its
# own, and any file written fails the stage.
TSAN_REPORTS="$PWD/build-tsan/tsan-reports"
rm -rf "$TSAN_REPORTS" && mkdir -p "$TSAN_REPORTS"
# A report makes its process exit 66 and so can fail a test too: the
# reports are printed before the stage fails either way.
tsan_agent_ok=1
(cd build-tsan && TSAN_OPTIONS="log_path=$TSAN_REPORTS/report" \
  ctest -j2 --output-on-failure --timeout 400 -L agent -E agent.limits) || tsan_agent_ok=0
if compgen -G "$TSAN_REPORTS/report*" >/dev/null; then
  cat "$TSAN_REPORTS"/report*
  echo "ThreadSanitizer reported the above in agent processes" >&2
  exit 1
fi
[ "$tsan_agent_ok" = 1 ]
stage_end

stage_begin fuzz
bash tests/fuzz/run_fuzzers.sh --smoke
stage_end

echo "=== all stages passed in $(( $(date +%s) - TOTAL_START )) s"
