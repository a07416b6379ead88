# lib.sh - sourced by the end-to-end tests in tests/cli/. Each test runs the built tools in a fresh
# temporary directory with LC_ALL=C and TZ=UTC, and checks stdout, stderr and the exit status:
#
#   run spm-import deals deals.csv     # runs a command; fills $status, out, err
#   expect_status 65
#   expect_err "spm-import: deals.csv:3: column 'amount': not a number: '12,5x'"
#   expect_out_has "3 new"
#   finish                             # "N passed, M failed"; non-zero when any failed
set -u
: "${SPM_BIN:?SPM_BIN must name the build directory}"
: "${SPM_SRC:?SPM_SRC must name the source directory}"
PATH="$SPM_BIN:$PATH"
LC_ALL=C
TZ=UTC
export PATH LC_ALL TZ
tmp=$(mktemp -d "${TMPDIR:-/tmp}/spm-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
# Under SPM_WRAP (e.g. valgrind), the tools run through it: wrappers stand first in PATH.
if [ -n "${SPM_WRAP:-}" ]; then
	mkdir "$tmp/wrap"
	for tool in "$SPM_BIN"/spm-*; do
		[ -x "$tool" ] || continue
		printf '#!/bin/sh\nexec %s %s "$@"\n' "$SPM_WRAP" "$tool" >"$tmp/wrap/${tool##*/}"
		chmod +x "$tmp/wrap/${tool##*/}"
	done
	PATH="$tmp/wrap:$PATH"
fi
SPM_DB="$tmp/test.db"
export SPM_DB
passed=0
failed=0
status=0
what=

# run CMD...: runs a command, keeps its stdout in ./out, stderr in ./err, exit status in $status.
run() {
	what="$*"
	"$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
}

pass() { passed=$((passed + 1)); printf 'ok %d - %s\n' $((passed + failed)) "$1"; }
fail() {
	failed=$((failed + 1))
	printf 'not ok %d - %s\n' $((passed + failed)) "$1"
	printf '#   command: %s\n' "$what"
	printf '#   status: %s\n' "$status"
	sed 's/^/#   stdout: /' "$tmp/out" | head -n 20
	sed 's/^/#   stderr: /' "$tmp/err" | head -n 20
}

expect_status() {
	if [ "$status" -eq "$1" ]; then pass "exit $1: $what"; else fail "expected exit $1"; fi
}
expect_err() {
	if [ "$(cat "$tmp/err")" = "$1" ]; then pass "stderr: $1"; else fail "expected stderr: $1"; fi
}
expect_err_has() {
	if grep -qF -- "$1" "$tmp/err"; then pass "stderr has: $1"; else fail "expected in stderr: $1"; fi
}
expect_out() {
	if [ "$(cat "$tmp/out")" = "$1" ]; then pass "stdout: $1"; else fail "expected stdout: $1"; fi
}
expect_out_has() {
	if grep -qF -- "$1" "$tmp/out"; then pass "stdout has: $1"; else fail "expected in stdout: $1"; fi
}
expect_no_err() {
	if [ ! -s "$tmp/err" ]; then pass "no stderr: $what"; else fail "expected no stderr"; fi
}
# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1: $2"; else
		what="$1"
		fail "$1: expected '$2', got '$3'"
	fi
}

# sql QUERY: runs a query on the store with the sqlite3 shell (an independent reader).
sql() { sqlite3 -batch -noheader "$SPM_DB" "$1"; }

# digest: a fingerprint of the store's whole content, to show that a failed import changed nothing.
digest() { sqlite3 -batch "$SPM_DB" .dump | sha256sum | cut -c1-16; }

finish() {
	printf '%d passed, %d failed\n' "$passed" "$failed"
	[ "$failed" -eq 0 ]
}
