#!/bin/sh
# spm-import's command line: help, version, usage errors, and the man page kept in step with --help
# and with the kinds table.
. "$SPM_SRC/tests/cli/lib.sh"
man="$SPM_SRC/man/spm-import.1"

run spm-import --help
expect_status 0
expect_out_has "usage: spm-import [options] KIND [FILE...]"

run spm-import --version
expect_status 0
expect_out_has "spm-import (spm) "

run spm-import
expect_status 64
expect_err_has "spm-import: no KIND given"

run spm-import --bogus deals
expect_status 64
expect_err_has "spm-import: unknown option '--bogus'"

run spm-import widgets x.csv
expect_status 64
expect_err_has "spm-import: unknown kind 'widgets'"

run spm-import --map deal_id deals x.csv
expect_status 64
expect_err_has "--map: expected OURS=THEIRS, not 'deal_id'"

run spm-import --input-format xml deals x.csv
expect_status 64
expect_err_has "unknown input format 'xml'"

run spm-import deals does-not-exist.csv
expect_status 74
expect_err "spm-import: cannot open 'does-not-exist.csv': No such file or directory"

# Every long option in --help is documented in the man page, and the other way round.
spm-import --help | grep -o -- '--[a-z][a-z-]*' | sort -u >help-opts
grep -o '^\.It Fl [a-zA-Z] , -[a-z-]*\|^\.It Fl -[a-z-]*' "$man" | grep -o -- '-[a-z][a-z-]*$' |
	sed 's/^/-/' | sort -u >man-opts
run diff help-opts man-opts
expect_status 0

# Every column of every kind appears in the man page's KINDS AND COLUMNS, as an .It line.
for kind in reps territories stages accounts products deals credits quotas activities survey fx \
	assignments adjustments calls; do
	spm-import --columns --format csv "$kind" | tail -n +2 | cut -d, -f1 >cols
	sed -n "/^\.Ss $kind\$/,/^\.El/p" "$man" | sed -n 's/^\.It //p' >man-cols
	run diff cols man-cols
	expect_status 0
	grep -q "^\.It $kind\$" "$SPM_SRC/man/spm.7"
	status=$?
	what="spm(7) lists kind $kind"
	expect_status 0
done

run spm-import --columns --format tsv credits
expect_status 0
expect_out_has "share	rate	yes	no		"

# The pages are well-formed mdoc.
if command -v mandoc >/dev/null; then
	for page in "$SPM_SRC"/man/*.[1-9]; do
		run mandoc -Tlint -Werror "$page"
		expect_status 0
	done
fi
finish
