#!/bin/sh
# spm-commission run on the example company: pay stored and written, the same output from the same
# inputs, a rerun replacing the period's run, explanations, and the refusals.
. "$SPM_SRC/tests/cli/lib.sh"
plan="$SPM_SRC/examples/plans/ae-2026.yaml"
"$SPM_SRC/examples/job.sh" >/dev/null 2>&1 || exit 1

run spm-commission --period 2026-Q1 run "$plan"
expect_status 0
cp out first.csv
expect_eq "header" "rep_id,plan,component,kind,credits,base,quota,attainment,earned,cut,pay,currency,reference,reason" "$(head -n 1 out)"
expect_eq "a line per assigned rep and component" \
	"$(($(sql "select count(distinct rep_id) from assignments where plan = 'ae-2026' and from_date <= '2026-03-31' and (to_date is null or to_date >= '2026-01-01')") * 2))" \
	"$(($(wc -l <out) - 1))"
expect_err_has "spm-commission: run 1 for 2026-Q1: "
expect_eq "stored lines add up to the written ones" \
	"$(tail -n +2 out | awk -F, '{ split($11, p, "."); c += p[1] * 100 + p[2] } END { print c }')" \
	"$(sql "select sum(amount) / 100 from payout_lines")"

# The same inputs give the same output; the rerun replaces the run.
run spm-commission --quiet --period 2026-Q1 run "$plan"
expect_status 0
expect_no_err
expect_eq "byte-identical" "$(cat first.csv)" "$(cat out)"
expect_eq "one run for the period" "1" "$(sql "select count(*) from runs where period = '2026-Q1'")"
expect_eq "the plan kept by its hash" "$(sha256sum "$plan" | cut -c1-64)" "$(sql "select plan_hash from plans")"

# A dry run writes the same lines and keeps nothing.
before=$(digest)
run spm-commission --period 2026-Q1 --dry-run run "$plan"
expect_status 0
expect_eq "a dry run writes what the run stored" "$(cat first.csv)" "$(cat out)"
expect_err_has "dry run for 2026-Q1"
expect_eq "a dry run keeps nothing" "$before" "$(digest)"

# Without plan files, the plans the period's run used, from the store: the same run again.
run spm-commission --quiet --period 2026-Q1 --dry-run run
expect_status 0
expect_eq "the stored plans reproduce the run" "$(cat first.csv)" "$(cat out)"
run spm-commission --quiet --period 2026-Q3 run
expect_status 65
expect_err "spm-commission: period 2026-Q3 has no run: run it first"

# What-if: the same plan against itself costs nothing; a richer renewal rate costs its difference.
sed 's/rate: 3%/rate: 4%/' "$plan" >richer.yaml
run spm-commission --period 2026-Q1 simulate --plan richer.yaml --against "$plan"
expect_status 0
expect_eq "what-if header" "rep_id,currency,old_pay,new_pay,difference" "$(head -n 1 out)"
# the new renewal pay per line, rounded as the engine does: to 4 places, then to cents
expect_eq "what-if cost: the renewals at 4% instead of 3%" \
	"$(tail -n +2 out | awk -F, '{ n = split($5, p, "."); v = p[1] * 100 + (n > 1 ? ($5 ~ /^-/ ? -1 : 1) * p[2] : 0); c += v } END { print c }')" \
	"$(sql "select sum(((base * 4 + 50) / 100 + 50) / 100 - amount / 100) from payout_lines where component = 'renewals'")"
expect_err_has "cost"
expect_eq "what-if keeps nothing" "$before" "$(digest)"
run spm-commission --period 2026-Q1 simulate --plan richer.yaml
expect_status 64

# A fiscal year from April: FY2027-Q1 is April to June 2026, paid like 2026-Q2.
run spm-commission --quiet --period 2026-Q2 --dry-run run "$plan"
expect_status 0
cp out q2.csv
sql "update settings set value = '4' where key = 'fiscal_year_start'"
run spm-commission --quiet --period FY2027-Q1 --dry-run run "$plan"
expect_status 0
expect_eq "a fiscal quarter is the calendar quarter of the same days" "$(cat q2.csv)" "$(cat out)"
sql "update settings set value = '1' where key = 'fiscal_year_start'"

# Solve: what a rep must sell more to earn more.
run spm-commission --period 2026-Q1 --rep r04 --payout 60000 solve "$plan"
expect_status 0
expect_eq "solve header" "rep_id,component,earned,payout,more_sales,next_tier_sales,next_tier_earned,reachable" "$(head -n 1 out)"
expect_out_has "r04,new-business,"
run spm-commission --period 2026-Q1 --rep r04 --payout 1000000 solve "$plan"
expect_status 0
expect_out_has ",no"
run spm-commission --period 2026-Q1 --rep nobody --payout 10 solve "$plan"
expect_status 65
run spm-commission --period 2026-Q1 --rep r04 --payout lots solve "$plan"
expect_status 64

# Each command has its own help.
run spm-commission solve --help
expect_status 0
expect_out_has "usage: spm-commission [options] --period PERIOD --rep REP --payout X solve PLAN"
expect_out_has "--payout X"
run spm-commission close --help
expect_status 0
expect_eq "close's help lists only its options" "" "$(grep -e '--payout\|--explain\|--deal' out)"

# Explanations.
run spm-commission --quiet --period 2026-Q1 --explain --format jsonl run "$plan"
expect_status 0
expect_out_has '"explain":"{\"credits\":'
expect_out_has '\"table\":\"graduated on attainment\",\"steps\":[{\"tier\":1,'

# Refusals.
run spm-commission run "$plan"
expect_status 64
expect_err_has "run: give the period with --period"
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
