#!/bin/sh
# spm-commission run on the example company: pay stored and written, the same output from the same
# inputs, a rerun replacing the period's run, explanations, and the refusals.
. "$SPM_SRC/tests/cli/lib.sh"
plan="$SPM_SRC/examples/plans/ae-2026.yaml"
"$SPM_SRC/examples/job.sh" >/dev/null 2>&1 || exit 1

run spm-commission --period 2026-Q1 run "$plan"
expect_status 0
cp out first.csv
expect_eq "header" "rep_id,plan,component,credits,base,quota,attainment,earned,cut,pay,currency" "$(head -n 1 out)"
expect_eq "a line per assigned rep and component" \
	"$(($(sql "select count(distinct rep_id) from assignments where plan = 'ae-2026' and from_date <= '2026-03-31' and (to_date is null or to_date >= '2026-01-01')") * 2))" \
	"$(($(wc -l <out) - 1))"
expect_err_has "spm-commission: run 1 for 2026-Q1: "
expect_eq "stored lines add up to the written ones" \
	"$(tail -n +2 out | awk -F, '{ split($10, p, "."); c += p[1] * 100 + p[2] } END { print c }')" \
	"$(sql "select sum(amount) / 100 from payout_lines")"

# The same inputs give the same output; the rerun replaces the run.
run spm-commission --quiet --period 2026-Q1 run "$plan"
expect_status 0
expect_no_err
expect_eq "byte-identical" "$(cat first.csv)" "$(cat out)"
expect_eq "one run for the period" "1" "$(sql "select count(*) from runs where period = '2026-Q1'")"
expect_eq "the plan kept by its hash" "$(sha256sum "$plan" | cut -c1-64)" "$(sql "select plan_hash from plans")"

# Explanations.
run spm-commission --quiet --period 2026-Q1 --explain --format jsonl run "$plan"
expect_status 0
expect_out_has '"explain":"{\"credits\":'
expect_out_has '\"table\":\"graduated on attainment\",\"steps\":[{\"tier\":1,'

# Refusals.
run spm-commission run "$plan"
expect_status 64
expect_err_has "run: give the period to pay with --period"
run spm-commission --period 2026-03 run "$plan"
expect_status 78
expect_err_has "plan 'ae-2026' does not pay by month periods like 2026-03"
before=$(digest)
sql "delete from quotas where scope_id = 'r04' and period = '2026-Q2'"
before=$(digest)
run spm-commission --period 2026-Q2 run "$plan"
expect_status 65
expect_err "spm-commission: rep 'r04' has no 'bookings' quota for 2026-Q2"
expect_eq "nothing written" "$before" "$(digest)"
sql "insert into period_locks(period, period_first, period_last, closed_at) values ('2026-Q1', '2026-01-01', '2026-03-31', 'now')"
run spm-commission --period 2026-Q1 run "$plan"
expect_status 65
expect_err "spm-commission: period 2026-Q1 is closed: its pay cannot change"
finish
