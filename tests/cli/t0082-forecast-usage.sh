#!/bin/sh
# spm-forecast's command line: help and per-command help, version, usage errors, options a
# command does not take, and the man page kept in step with --help.
. "$SPM_SRC/tests/cli/lib.sh"
man="$SPM_SRC/man/spm-forecast.1"

run spm-forecast --help
expect_status 0
expect_out_has "usage: spm-forecast [options] pipeline|overdue|snapshot|accuracy --period P"
run spm-forecast --version
expect_status 0
expect_out_has "spm-forecast (spm) "
run spm-forecast
expect_status 64
expect_err_has "spm-forecast: no command given"
run spm-forecast --bogus series
expect_status 64
expect_err_has "spm-forecast: unknown option '--bogus'"
run spm-forecast --period 2026-Q1 guess
expect_status 64
expect_err_has "unknown command 'guess'"
run spm-forecast --window 30 series
expect_status 64
expect_err_has "series: --window is not one of its options"
run spm-forecast --horizon 0 series x.csv
expect_status 64
expect_err_has "--horizon: expected a whole number from 1 to 1200, not '0'"
run spm-forecast --interval 100 series x.csv
expect_status 64
expect_err_has "--interval: expected a whole number from 1 to 99, not '100'"

for command in pipeline overdue snapshot accuracy cost series backtest; do
	run spm-forecast --help "$command"
	expect_status 0
	expect_out_has "usage: spm-forecast [options] "
done
spm-forecast --help series >series-help
expect_eq "series' help has --holdout, not --window" "1 0" \
	"$(grep -c -- '^ *--holdout' series-help) $(grep -c -- '--window' series-help)"

# Every long option in --help is documented in the man page, and the other way round.
spm-forecast --help | grep -o -- '--[a-z][a-z-]*' | sort -u >help-opts
grep -o '^\.It Fl [a-zA-Z] , -[a-z-]*\|^\.It Fl -[a-z-]*' "$man" | grep -o -- '-[a-z][a-z-]*$' |
	sed 's/^/-/' | sort -u >man-opts
run diff help-opts man-opts
expect_status 0
expect_eq "the man page names every command" "7" \
	"$(grep -c '^\.It Cm \(pipeline\|overdue\|snapshot\|accuracy\|cost\|series\|backtest\)' "$man")"
finish
