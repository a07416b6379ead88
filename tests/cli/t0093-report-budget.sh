#!/bin/sh
# spm-import budgets and spm-report budget on the example company: payouts per team against the
# stored run's lines summed by SQL, a quarter's budget made of monthly ones, the company's own
# budget or the teams' sum, no run no payout, and the refusals.
. "$SPM_SRC/tests/cli/lib.sh"
"$SPM_SRC/examples/job.sh" >/dev/null 2>&1 || exit 1
# this test's budgets, not the example's
sqlite3 "$SPM_DB" "delete from budgets"

cat >budgets.csv <<'CSV'
team,period,amount,currency
Enterprise,2026-Q1,400000,EUR
Mid-Market,2026-01,20000,EUR
Mid-Market,2026-02,20000,EUR
Mid-Market,2026-03,20000,EUR
,2026-Q2,500000,EUR
CSV
run spm-import budgets budgets.csv
expect_status 0
expect_out "budgets: 5 records from budgets.csv: 5 new, 0 updated, 0 unchanged, 0 rejected"
expect_eq "stored with the company's team empty" "5|1" "$(sql "select count(*), sum(team = '') from budgets")"

# In EUR, the plan's currency, the run's lines need no conversion: SQL sums them per team.
run_id=$(sql "select max(run_id) from runs where period = '2026-Q1'")
team_paid() { sql "select sum(l.amount) from payout_lines l join reps r using (rep_id) where l.run_id = $run_id and r.team = '$1'"; }
money() { awk -v u="$1" 'BEGIN { printf "%d.%02d", u / 10000, (u % 10000) / 100 }'; }
run spm-report --period 2026-Q1 --currency EUR budget
expect_status 0
expect_eq "header" "level,team,period,revenue,payout,cost_of_sales_pct,budget,budget_source,remaining,used_pct,currency" "$(head -n 1 out)"
ent=$(team_paid Enterprise)
mid=$(team_paid Mid-Market)
expect_eq "Enterprise's payout, as SQL sums the run's lines" "$(money "$ent")" "$(grep '^team,Enterprise,' out | cut -d, -f5)"
expect_eq "Mid-Market's payout" "$(money "$mid")" "$(grep '^team,Mid-Market,' out | cut -d, -f5)"
expect_eq "the company's payout: every line" "$(money "$(sql "select sum(amount) from payout_lines where run_id = $run_id")")" \
	"$(grep '^company,' out | cut -d, -f5)"
expect_eq "Enterprise: its quarter's budget, what is left, the share used (cut to 0.01%)" \
	"400000.00,set,$(money $((4000000000 - ent))),$(sql "select printf('%d.%02d', $ent * 10000 / 4000000000 / 100, $ent * 10000 / 4000000000 % 100)")" \
	"$(grep '^team,Enterprise,' out | cut -d, -f7-10)"
expect_eq "Mid-Market: three months make the quarter's 60,000" "60000.00,set" "$(grep '^team,Mid-Market,' out | cut -d, -f7,8)"
expect_eq "the company: no budget of its own for Q1, so the teams' sum" "460000.00,sum" "$(grep '^company,' out | cut -d, -f7,8)"
rev=$(grep '^team,Enterprise,' out | cut -d, -f4)
cos=$(grep '^team,Enterprise,' out | cut -d, -f6)
expect_eq "cost of sales is payout over revenue, in percent cut to 0.01" "1" \
	"$(awk -v p="$(money "$ent")" -v r="$rev" -v c="$cos" 'BEGIN { x = p * 100 / r; print (c <= x && x < c + 0.01) ? 1 : 0 }')"

# Q2: no run pays it, so no payout, but the company's own budget is there.
run spm-report --period 2026-Q2 --currency EUR budget
expect_eq "no run: payout and cost of sales empty" "team,Enterprise,2026-Q2,," "$(grep '^team,Enterprise,' out | cut -d, -f1,2,3,5,6)"
expect_eq "the company's own Q2 budget" "500000.00,set" "$(grep '^company,' out | cut -d, -f7,8)"
# The half: Enterprise's Q1 budget does not cover it; the Q1 run pays within it.
run spm-report --period 2026-H1 --as-of 2026-06-30 --currency EUR --by quarter budget
expect_eq "by quarter: two periods, three rows each" "6" "$(($(wc -l <out) - 1))"
run spm-report --period 2026-H1 --as-of 2026-06-30 --currency EUR budget
expect_eq "the half: the quarter's run paid within it, no budget covering it" "$(money "$ent"),,," \
	"$(grep '^team,Enterprise,' out | cut -d, -f5,7,8,9)"
run spm-report --period 2026-Q1 --currency EUR --category travel budget
expect_eq "another category has no budgets" "," "$(grep '^team,Enterprise,' out | cut -d, -f7,8)"
run spm-report --period 2026-Q1 --team Mid-Market budget
expect_eq "--team: that team only, no company row" "1" "$(($(wc -l <out) - 1))"

# Refusals: one line, exit 65, the store as it was.
before=$(digest)
run spm-report --period 2026-Q1 --currency JPY budget
expect_status 65
expect_err_has "JPY"
expect_eq "no rows when a rate is missing" "" "$(cat out)"
printf 'team,period,amount\nEnterprise,2026-Q3,-1\n' >neg.csv
run spm-import budgets neg.csv
expect_status 65
expect_err "spm-import: neg.csv:2: column 'amount': a budget cannot be negative"
printf 'team,period,amount\nSales,2026-Q3,1\n' >team.csv
run spm-import budgets team.csv
expect_status 65
expect_err "spm-import: team.csv:2: column 'team': unknown team: 'Sales'"
printf 'team,period,amount\nEnterprise,2026-Q5,1\n' >period.csv
run spm-import budgets period.csv
expect_status 65
expect_err_has "period.csv:2: column 'period'"
printf 'team,period,amount\nEnterprise,2026-Q3,1\nEnterprise,2026-Q3,2\n' >dup.csv
run spm-import budgets dup.csv
expect_status 65
expect_err_has "dup.csv:3"
expect_eq "the store is as it was" "$before" "$(digest)"
finish
