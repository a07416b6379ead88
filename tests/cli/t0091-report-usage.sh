#!/bin/sh
# spm-report's command line: help and per-command help, version, usage errors, options a
# command does not take, and the man page kept in step with --help.
. "$SPM_SRC/tests/cli/lib.sh"
man="$SPM_SRC/man/spm-report.1"

run spm-report --help
expect_status 0
expect_out_has "usage: spm-report [options] attainment|leaderboard|performers|trend|peers|activity|survey|budget|"
run spm-report --version
expect_status 0
expect_out_has "spm-report (spm) "
run spm-report
expect_status 64
expect_err_has "spm-report: no command given"
run spm-report --bogus leaderboard
expect_status 64
expect_err_has "spm-report: unknown option '--bogus'"
run spm-report --period 2026-Q1 chart
expect_status 64
expect_err_has "unknown command 'chart'"
run spm-report --period 2026-Q1 --pacing seasonal leaderboard
expect_status 64
expect_err_has "leaderboard: --pacing is not one of its options"
run spm-report --period 2026-Q1 --top 3 attainment
expect_status 64
expect_err_has "attainment: --top is not one of its options"
run spm-report --period 2026-Q1 leaderboard extra
expect_status 64
expect_err_has "leaderboard: unexpected argument 'extra'"

for command in attainment leaderboard performers trend peers activity survey budget dashboard contest badges; do
	run spm-report --help "$command"
	expect_status 0
	expect_out_has "usage: spm-report [options] "
done

# Every long option in --help is documented in the man page, and the other way round.
spm-report --help | grep -o -- '--[a-z][a-z-]*' | sort -u >help-opts
grep -o '^\.It Fl [a-zA-Z] , -[a-z-]*\|^\.It Fl -[a-z-]*' "$man" | grep -o -- '-[a-z][a-z-]*$' |
	sed 's/^/-/' | sort -u >man-opts
run diff help-opts man-opts
expect_status 0
for command in attainment leaderboard performers trend peers activity survey budget dashboard contest badges; do
	expect_eq "the man page describes $command" "1" "$(grep -c "^\.It Cm $command\( Ar file\)*\$" "$man" | sed 's/[2-9]/1/')"
done
# Every measure is named by --help and described in the man page's list of measures.
for m in bookings deals attainment payout largest activities calls emails meetings webinars demos; do
	expect_eq "measure $m in --help and the man page" "yes yes" \
		"$(spm-report --help | grep -qw -- "$m" && echo yes) $(grep '^\.It Cm ' "$man" | grep -qw -- "$m" && echo yes)"
done
finish
