#!/usr/bin/env bash
# Installs every Debian package wkd needs (only those missing), then
# configures and builds the tree into ./build.
#
#   bash .ci/setup.sh            # install + build
#   WKD_SKIP_BUILD=1 bash .ci/setup.sh   # install only
#
# Runs non-interactively (CI=true, no stdin) as root or through sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build toolchain and libraries of the core.
PKGS=(
  build-essential cmake ninja-build pkg-config git python3
  libuv1-dev          # event loop: all I/O of the transport layer
  libmbedtls-dev      # AES-GCM for the gossip keyring (2.x API)
  googletest libgtest-dev libgmock-dev   # unit, simulator and C ABI tests
  clang-14 libclang-rt-14-dev            # libFuzzer targets and sanitizer runtimes
  valgrind            # fuzz corpora replayed under memcheck (reads of uninitialised memory, which ASan misses)
  libbenchmark-dev    # micro-benchmarks (bench/)
  libtomlplusplus-dev # the agent's TOML configuration
  nlohmann-json3-dev  # the agent's HTTP API JSON
  node-llhttp         # HTTP request parser of the agent (C sources, compiled from /usr/share/llhttp)
  libcurl4-openssl-dev  # libwkd's HTTP and gRPC health checks, and the HTTP client of the wkd CLI
  curl                # the README's and the demo's examples of the HTTP API
  openssl             # self-signed certificates of the HTTPS and gRPC-over-TLS check tests
  iproute2 nftables   # fault suite (tests/faults): network namespaces, veth pairs, a bridge, nftables drops
  serf                # interop tests (tests/interop): a real serf 0.9.4 agent to join, fail, leave, event, query, encrypt
  # Language bindings (python/, go/, java/) and the four-language test.
  python3-dev python3-venv        # the Python extension (pybind11, scikit-build-core from PyPI)
  swig                            # generates the Java binding's JNI layer from the C headers
  openjdk-17-jdk-headless maven   # the Java binding: javac, JNI headers, Maven (JUnit 5 from Maven Central)
)

# The Go binding needs a Go toolchain: the machine's own (/usr/local/go)
# when there is one, else Debian's.
if ! command -v go >/dev/null 2>&1 && [ ! -x /usr/local/go/bin/go ]; then
  PKGS+=(golang-go)
fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#PKGS[@]} Debian packages present"
fi

# The gRPC health checks' tests talk to a real gRPC health server in
# Python: grpcio and grpcio-health-checking from PyPI, in a virtual
# environment of their own (build-grpc/venv; the tests find it through the
# CMake variable WKD_GRPC_PYTHON). Installed only when missing.
GRPC_VENV="${WKD_GRPC_VENV:-build-grpc/venv}"
if ! "$GRPC_VENV/bin/python" -c 'import grpc, grpc_health.v1.health' >/dev/null 2>&1; then
  echo "setup: installing grpcio and grpcio-health-checking into $GRPC_VENV"
  python3 -m venv "$GRPC_VENV"
  "$GRPC_VENV/bin/python" -m pip install --quiet grpcio grpcio-health-checking
else
  echo "setup: grpcio and grpcio-health-checking present in $GRPC_VENV"
fi

if [ "${WKD_SKIP_BUILD:-0}" = 1 ]; then exit 0; fi

BUILD_DIR="${WKD_BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja \
  -DCMAKE_BUILD_TYPE="${WKD_BUILD_TYPE:-RelWithDebInfo}" \
  -DWKD_WERROR="${WKD_WERROR:-ON}" ${WKD_CMAKE_ARGS:-}
cmake --build "$BUILD_DIR" -j"$(nproc)"
