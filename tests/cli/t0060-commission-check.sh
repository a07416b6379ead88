#!/bin/sh
# spm-commission check: plans read strictly, findings as warnings, exit statuses, the man page in
# step with --help.
. "$SPM_SRC/tests/cli/lib.sh"
man="$SPM_SRC/man/spm-commission.1"

run spm-commission --help
expect_status 0
expect_out_has "usage: spm-commission [options] check PLAN... | run [PLAN...]"
run spm-commission
expect_status 64
expect_err_has "spm-commission: no command given"
run spm-commission pay
expect_status 64
expect_err_has "spm-commission: unknown command 'pay'"
run spm-commission check
expect_status 64
expect_err_has "check: no plan given"
run spm-commission --cliff-tolerance lots check x.yaml
expect_status 64
expect_err_has "--cliff-tolerance: not an amount or a percentage: 'lots'"

spm-commission --help | grep -o -- '--[a-z][a-z-]*' | sort -u >help-opts
grep -o '^\.It Fl [a-zA-Z] , -[a-z-]*\|^\.It Fl -[a-z-]*' "$man" | grep -o -- '-[a-z][a-z-]*$' |
	sed 's/^/-/' | sort -u >man-opts
run diff help-opts man-opts
expect_status 0

# The example plan is valid and its graduated table has no cliff.
run spm-commission check "$SPM_SRC/examples/plans/ae-2026.yaml"
expect_status 0
expect_out ""
expect_err "$SPM_SRC/examples/plans/ae-2026.yaml: plan 'ae-2026' is valid"

cat >retro.yaml <<'YAML'
plan: retro
currency: USD
period: month
effective: {from: 2026-01-01}
components:
  - name: bookings
    rates:
      on: amount
      method: retroactive
      tiers:
        - {upto: 50000, rate: 5%}
        - {upto: 100000, rate: 7%}
        - {rate: 6%}
YAML
run spm-commission check retro.yaml
expect_status 0
expect_out "retro.yaml:12: warning: cliff: component 'bookings' pays 1000.00 more at 50000 (tier 1 to 2, retroactive, 5% to 7%)
retro.yaml:13: warning: pay falls: component 'bookings' at 100000 drops the rate from 7% to 6% for the whole base, 1000.00 less"
run spm-commission --cliff-tolerance 1000 check retro.yaml
expect_out "retro.yaml:13: warning: pay falls: component 'bookings' at 100000 drops the rate from 7% to 6% for the whole base, 1000.00 less"
run spm-commission --format csv check retro.yaml
expect_status 0
expect_out_has "retro,retro.yaml,12,\"cliff: component 'bookings' pays 1000.00 more at 50000"

# An invalid plan: one line at file:line:col, exit 78, and the other plans are still checked.
printf 'plan: bad\ncurrency: USD\nperiod: monthly\n' >bad.yaml
run spm-commission --quiet check bad.yaml retro.yaml
expect_status 78
expect_err "spm-commission: bad.yaml:3:9: unknown value 'monthly' (expected one of: month, quarter, half, year); did you mean 'month'?"
expect_out_has "retro.yaml:12: warning: cliff"
run spm-commission check missing.yaml
expect_status 74
expect_err "spm-commission: cannot open 'missing.yaml': No such file or directory"

# Sellers on no plan, from the store.
printf 'rep_id\nr1\nr2\nr3\n' >reps.csv
printf 'deal_id,rep_id,amount,status,close_date\nD1,r1,10,won,2026-01-10\nD2,r2,10,won,2026-02-10\nD3,r3,10,lost,2026-02-11\nD4,r3,10,won,2026-05-01\n' >deals.csv
printf 'deal_id,rep_id,share,kind\nD1,r3,100%%,overlay\n' >credits.csv
printf 'rep_id,plan,from,to\nr1,retro,2026-01-01,\nr2,retro,2026-03-01,\n' >assign.csv
spm-import -q reps reps.csv && spm-import -q deals deals.csv && spm-import -q credits credits.csv &&
	spm-import -q assignments assign.csv || exit 1
run spm-commission --quiet --period 2026-Q1 check retro.yaml
expect_status 0
expect_out_has "warning: no plan: rep 'r2' has won deals in 2026-Q1 but no assignment to any plan checked
warning: no plan: rep 'r3' has won deals in 2026-Q1 but no assignment to any plan checked"
run spm-commission --quiet --period 2026-13 check retro.yaml
expect_status 64
expect_err_has "--period: no month 13 in '2026-13'"
run spm-commission --db nowhere.db --period 2026-Q1 check retro.yaml
expect_status 74
expect_err_has "does not exist"
finish
