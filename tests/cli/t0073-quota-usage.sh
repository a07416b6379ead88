#!/bin/sh
# spm-quota's command line: help and per-command help, version, usage errors, options a command
# does not take, and the man page kept in step with --help.
. "$SPM_SRC/tests/cli/lib.sh"
man="$SPM_SRC/man/spm-quota.1"

run spm-quota --help
expect_status 0
expect_out_has "usage: spm-quota [options] allocate --period P --total X"
run spm-quota --version
expect_status 0
expect_out_has "spm-quota (spm) "
run spm-quota
expect_status 64
expect_err_has "spm-quota: no command given"
run spm-quota --bogus attainment
expect_status 64
expect_err_has "spm-quota: unknown option '--bogus'"
run spm-quota --period 2026 attainment extra
expect_status 64
expect_err_has "attainment: unexpected argument 'extra'"
run spm-quota --period 2026 --total 100 --attribute size allocate
expect_status 64
expect_err_has "--attribute is for --method potential"
run spm-quota --period 2026 --total 100 --history ttm allocate
expect_status 64
expect_err_has "--history is for --method history"
run spm-quota --period 2026 --total 100 --seasonality 50,50 allocate
expect_status 64
expect_err_has "--seasonality needs --split"
run spm-quota --period 2026 --total 100 --places 5 allocate
expect_status 64
expect_err_has "--places: expected 0 to 4, not '5'"
run spm-quota --period 2026 --total 100 --over lots allocate
expect_status 64
expect_err_has "--over: "

# Each command's help lists its own options and no other.
for command in allocate attainment capacity; do
	run spm-quota --help "$command"
	expect_status 0
	expect_out_has "usage: spm-quota [options] "
done
spm-quota --help allocate >allocate-help
expect_eq "allocate's help has --ramp, not --as-of" "1 0" \
	"$(grep -c -- '--ramp' allocate-help) $(grep -c -- '--as-of' allocate-help)"

# Every long option in --help is documented in the man page, and the other way round.
spm-quota --help | grep -o -- '--[a-z][a-z-]*' | sort -u >help-opts
grep -o '^\.It Fl [a-zA-Z] , -[a-z-]*\|^\.It Fl -[a-z-]*' "$man" | grep -o -- '-[a-z][a-z-]*$' |
	sed 's/^/-/' | sort -u >man-opts
run diff help-opts man-opts
expect_status 0
expect_eq "the man page names every command" "3" "$(grep -c '^\.It Cm \(allocate\|attainment\|capacity\)' "$man")"
finish
