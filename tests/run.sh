#!/bin/sh
# The whole test suite, from a fresh machine: installs what is missing, builds, runs every unit and
# end-to-end test with ctest. BUILD_DIR and SPM_CMAKE_FLAGS pass through to cmake/setup.sh.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
# the dashboard test renders the page in a real browser, headless
BUILD_DIR=$build SPM_EXTRA_PACKAGES="chromium fonts-dejavu-core" "$top/cmake/setup.sh"
cd "$build"
ctest --output-on-failure -j "$(nproc)"
