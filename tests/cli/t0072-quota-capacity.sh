#!/bin/sh
# spm-quota capacity on the example company: ramped headcount, productivity given or measured from
# history (checked against SQL), capacity against the stored quotas, and the refusals.
. "$SPM_SRC/tests/cli/lib.sh"
"$SPM_SRC/examples/job.sh" >/dev/null 2>&1 || exit 1
peer="$SPM_SRC/bench/attainment.sql"

# A given productivity; the second quarter, a 25/50/75% ramp, days.
run spm-quota --period 2026-Q2 --ramp 25,50,75 --productivity 300000 capacity
expect_status 0
expect_eq "header" "level,id,headcount,ramped_fte,productivity,capacity,target,gap,coverage_pct,currency" "$(head -n 1 out)"
# By days, each day of the quarter's 91 counts for its month's ramp step.
# r15, hired 16 February: April is its third month (75%), May and June full:
# (30 × 75% + 31 + 30) / 91 = 83.5 / 91 of 300,000 = 275,274.7253
expect_eq "a ramped hire" "rep,r15,1,0.92,300000.00,275274.7253,155000.00,-120274.7253,177.59,USD" "$(grep '^rep,r15,' out)"
# r28, hired 13 April: 18 days at 25%, May at 50%, June at 75%: 42.5 / 91 of 300,000
expect_eq "a hire in the quarter, by days" "140109.8901" "$(grep '^rep,r28,' out | cut -d, -f6)"
# r21, leaving 29 May: 30 + 29 days of 91
expect_eq "a leaver on 29 May" "194505.4945" "$(grep '^rep,r21,' out | cut -d, -f6)"
expect_eq "the company: the reps' capacities and quotas added up" \
	"$(grep '^rep,' out | awk -F, '{ split($6, c, "."); s += c[1] * 10000 + substr(c[2] "0000", 1, 4); split($7, q, "."); t += q[1] * 100 + q[2] } END { printf "%.0f|%.0f", s, t }')" \
	"$(grep '^company,' out | awk -F, '{ split($6, c, "."); split($7, q, "."); printf "%.0f|%.0f", c[1] * 10000 + substr(c[2] "0000", 1, 4), q[1] * 100 + q[2] }')"
expect_eq "the teams' targets are their own stored quotas" "team,Enterprise,13,12.92,300000.00,3875274.7253,3100000.00,-775274.7253,125.00,USD" "$(grep '^team,Enterprise,' out)"

run spm-quota --period 2026-Q2 --productivity 300000 --target 10000000 --by manager capacity
expect_status 0
expect_eq "a company target given" "10000000.00" "$(grep '^company,' out | cut -d, -f7)"
expect_eq "managers hold every rep below them" "27 13 14" "$(grep '^manager,' out | cut -d, -f3 | tr '\n' ' ' | sed 's/ $//')"

# Productivity measured: the mean won bookings (owner and split credit) of the reps employed and
# fully ramped through the twelve months before the period, scaled to its three months.
run spm-quota --period 2026-Q3 --history ttm capacity
expect_status 0
sum=$(sed -e "s/'2026-01-01', '2026-03-31', '2026-03-15'/'2025-07-01', '2026-06-30', '2026-06-30'/" \
	-e "s/JOIN credits c ON c.deal_id = d.deal_id/JOIN credits c ON c.deal_id = d.deal_id AND c.kind = 'revenue'/" "$peer" |
	awk '/^SELECT r.rep_id/ { exit } { print }'
	echo "SELECT sum(c.amount), count(*) FROM reps r LEFT JOIN credited c USING (rep_id) WHERE NOT EXISTS (SELECT 1 FROM reps m WHERE m.manager_id = r.rep_id) AND (r.hire_date IS NULL OR r.hire_date <= '2025-07-01') AND (r.end_date IS NULL OR r.end_date >= '2026-06-30');")
counts=$(echo "$sum" | sqlite3 -batch "$SPM_DB")
total=${counts%|*}
n=${counts#*|}
expect_eq "measured productivity, as SQL computes it" "$(( (total * 3 * 2 + 12 * n) / (12 * n * 2) ))" \
	"$(grep '^company,' out | awk -F, '{ split($5, p, "."); printf "%.0f", p[1] * 10000 + substr(p[2] "0000", 1, 4) }')"

# Refusals.
run spm-quota --period 2026-Q2 capacity
expect_status 65
expect_err "spm-quota: no bookings of reps fully ramped and employed from 2025-04-01 to 2025-06-30 to measure productivity from: give --productivity"
run spm-quota --period 2026-Q2 --productivity lots capacity
expect_status 64
expect_err_has "spm-quota: --productivity: "
run spm-quota --period 2026-Q2 --productivity 1 --by region capacity
expect_status 64
expect_err_has "--by: expected team, territory, manager or rep, not 'region'"
finish
