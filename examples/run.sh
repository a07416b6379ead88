#!/bin/sh
# The example job, from a fresh machine: installs what is missing, builds spm, and loads the
# example company in examples/data/ into a new store, $SPM_DB (default: build/example.db).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
BUILD_DIR=$build "$top/cmake/setup.sh" >/dev/null
db=${SPM_DB:-$build/example.db}
rm -f "$db" "$db-wal" "$db-shm"
PATH=$build:$PATH SPM_DB=$db "$top/examples/job.sh"
echo "example store: $db; its dashboard: $(dirname "$db")/dashboard.html" >&2
