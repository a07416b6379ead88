#!/bin/sh
# Installs what spm needs to build and test (Debian packages, with sudo when not root) if anything
# is missing, then configures and builds spm in $BUILD_DIR (default: build/ at the top of the tree).
# Extra CMake options come from $SPM_CMAKE_FLAGS (e.g. -DSPM_WERROR=ON), extra packages from
# $SPM_EXTRA_PACKAGES (the test suite's browser).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}

packages="build-essential cmake pkg-config libsqlite3-dev libcsv-dev libyaml-dev libyajl-dev
libcmocka-dev sqlite3 mandoc ${SPM_EXTRA_PACKAGES:-}"
missing=
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
	echo "setup: installing$missing" >&2
	$sudo apt-get update -q
	# shellcheck disable=SC2086
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi

# shellcheck disable=SC2086
cmake -S "$top" -B "$build" ${SPM_CMAKE_FLAGS:-}
cmake --build "$build" -j "$(nproc)"
