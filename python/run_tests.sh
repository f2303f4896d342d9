#!/usr/bin/env bash
# Builds and installs the wkd Python package into a virtual environment and
# runs its tests. Non-interactive; exits non-zero on any failure.
#
#   python/run_tests.sh [pytest arguments...]
#
# WKD_PY_VENV   the virtual environment (default: build-python/venv under
#               the repository root); created when missing
# PYTHON        the interpreter that creates it (default: python3)
#
# Needs python3-venv (Debian) for `python3 -m venv`, and what building the
# extension needs: g++, cmake, pkg-config, python3-dev, libuv1-dev,
# libmbedtls-dev.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${WKD_PY_VENV:-$root/build-python/venv}"
python="${PYTHON:-python3}"

# Two parallel compile jobs unless told otherwise.
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PIP_NO_INPUT=1

if [ ! -x "$venv/bin/python" ]; then
  echo "run_tests.sh: creating $venv"
  if ! "$python" -m venv "$venv"; then
    echo "run_tests.sh: '$python -m venv' failed; on Debian install python3-venv" >&2
    exit 1
  fi
fi

# pip >= 21.3 builds the project in place, which the extension needs (it
# compiles libwkd from the repository root).
"$venv/bin/python" -m pip install --quiet --upgrade "pip>=21.3"
echo "run_tests.sh: building and installing wkd from $here"
start=$(date +%s)
"$venv/bin/python" -m pip install --quiet "$here" pytest
echo "run_tests.sh: installed in $(( $(date +%s) - start )) s"

cd "$here"
"$venv/bin/python" -m pytest tests -p no:cacheprovider "$@" < /dev/null
