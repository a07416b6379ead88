#!/bin/sh
# spm-forecast pipeline and overdue on the example company: forecast categories and weighted
# pipeline against an independent SQL computation, cumulative roll-ups, overdue deals counted
# apart, the run-rate, filters, and the refusals.
. "$SPM_SRC/tests/cli/lib.sh"
"$SPM_SRC/examples/job.sh" >/dev/null 2>&1 || exit 1

# units: a decimal as ten-thousandths, by integer arithmetic.
units() { awk -v v="$1" 'BEGIN { n = split(v, p, "."); printf "%.0f", p[1] * 10000 + (n > 1 ? substr(p[2] "0000", 1, 4) : 0) }'; }
# col NAME: the named column of the company row of out (CSV).
col() { awk -F, -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i } $1 == "company" { print $k }' out; }

# Open deals owned by a rep (the example's open deals have no splits), expected in 2026-Q3 from
# the as-of day, in USD at the rate of their close date, by category (the deal's, else its
# stage's), and weighted by the stage's probability; each product rounded half-up at 1/10,000.
open_sql="
WITH d AS (
	SELECT d.amount, d.close_date, coalesce(d.forecast_category, s.forecast_category, 'pipeline') AS cat,
		coalesce(d.probability, s.probability, 0) AS prob,
		CASE WHEN coalesce(d.currency, 'USD') = 'USD' THEN 10000000000 ELSE (SELECT f.rate FROM fx f
			WHERE f.currency = d.currency AND f.date <= d.close_date ORDER BY f.date DESC LIMIT 1) END AS rate
	FROM deals d LEFT JOIN stages s ON s.stage = d.stage
	WHERE d.status = 'open' AND d.amount IS NOT NULL AND d.rep_id IS NOT NULL
		AND d.close_date BETWEEN '2026-07-10' AND '2026-09-30'
), u AS (
	SELECT cat, prob, (amount * (rate / 100000)) / 100000
		+ ((amount * (rate / 100000)) % 100000 * 100000 + amount * (rate % 100000) + 5000000000) / 10000000000 AS usd
	FROM d
)
SELECT sum(CASE WHEN cat = 'commit' THEN usd ELSE 0 END),
	sum(CASE WHEN cat = 'best_case' THEN usd ELSE 0 END),
	sum(CASE WHEN cat = 'pipeline' THEN usd ELSE 0 END),
	sum((usd * (prob / 100000)) / 100000
		+ ((usd * (prob / 100000)) % 100000 * 100000 + usd * (prob % 100000) + 5000000000) / 10000000000),
	count(*)
FROM u"

run spm-forecast --period 2026-Q3 --as-of 2026-07-10 --level all pipeline
expect_status 0
expect_err_has "spm-forecast: "
expect_eq "header" "level,id,name,period,as_of,closed,commit,best_case,open_pipeline,omitted,weighted,open_deals,overdue_deals,overdue,run_rate,call_commit,call_best_case,call_note,currency" "$(head -n 1 out)"
expected=$(sql "$open_sql")
commit=$(echo "$expected" | cut -d'|' -f1)
best=$(echo "$expected" | cut -d'|' -f2)
pipe=$(echo "$expected" | cut -d'|' -f3)
closed=$(units "$(col closed)")
expect_eq "commit: committed deals plus closed" "$((commit + closed))" "$(units "$(col commit)")"
expect_eq "best case: best-case deals plus commit" "$((best + commit + closed))" "$(units "$(col best_case)")"
expect_eq "open pipeline: every open category, nothing closed" "$((pipe + best + commit))" "$(units "$(col open_pipeline)")"
expect_eq "weighted by the stages' probabilities" "$(echo "$expected" | cut -d'|' -f4)" "$(units "$(col weighted)")"
expect_eq "open deals counted" "$(echo "$expected" | cut -d'|' -f5)" "$(col open_deals)"
expect_eq "overdue: open deals due from 1 to 9 July, apart" \
	"$(sql "select count(*) from deals where status = 'open' and rep_id is not null and amount is not null and close_date between '2026-07-01' and '2026-07-09'")" \
	"$(col overdue_deals)"
expect_eq "the top manager and the root territory roll up to the company" "2" \
	"$(grep -E '^(manager,r01|territory,ALL),' out | cut -d, -f6- | sed 's/^[^,]*,//' | sort -u | wc -l | awk '{ print $1 + 1 }')"

# The closed part: won bookings from the first day to the as-of day, as the attainment peer sums
# them without overlays.
peer=$(sed -e "s/'2026-01-01', '2026-03-31', '2026-03-15'/'2026-04-01', '2026-06-30', '2026-05-15'/" \
	-e "s/JOIN credits c ON c.deal_id = d.deal_id/JOIN credits c ON c.deal_id = d.deal_id AND c.kind = 'revenue'/" \
	"$SPM_SRC/bench/attainment.sql" | awk '/^SELECT r.rep_id/ { exit } { print }'; echo "SELECT sum(amount) FROM credited;")
run spm-forecast --period 2026-Q2 --as-of 2026-05-15 --level company --window 45 pipeline
expect_status 0
closed=$(echo "$peer" | sqlite3 -batch "$SPM_DB")
expect_eq "closed: the quarter's won bookings to the as-of day" "$closed" "$(units "$(col closed)")"
# run-rate: closed + 46 days left × the won bookings of the 45 days to 15 May / 45
window=$(sed -e "s/'2026-01-01', '2026-03-31', '2026-03-15'/'2026-04-01', '2026-06-30', '2026-05-15'/" \
	-e "s/d.close_date BETWEEN p.first AND p.asof/d.close_date BETWEEN '2026-04-01' AND p.asof/" \
	-e "s/JOIN credits c ON c.deal_id = d.deal_id/JOIN credits c ON c.deal_id = d.deal_id AND c.kind = 'revenue'/" \
	"$SPM_SRC/bench/attainment.sql" | awk '/^SELECT r.rep_id/ { exit } { print }'; echo "SELECT sum(amount) FROM credited;")
in45=$(echo "$window" | sqlite3 -batch "$SPM_DB")
expect_eq "run-rate: closed plus 46 days at the 45-day rate" "$((closed + (in45 * 46 * 2 + 45) / 90))" "$(units "$(col run_rate)")"

# A won deal cancelled after the as-of day still counted closed on that day (D1200 is won here).
cp "$SPM_DB" cancelled.db
sqlite3 cancelled.db "update deals set status = 'won', close_date = '2026-04-10', cancel_date = '2026-06-20' where deal_id = 'D1200'"
expect_eq "closed as it stood on the day, cancelled later" \
	"$(SPM_DB=cancelled.db spm-forecast --quiet --period 2026-Q2 --as-of 2026-05-15 --rep r07 pipeline | awk -F, '$2 == "r07" { print $6 }')" \
	"$(cp "$SPM_DB" uncancelled.db; sqlite3 uncancelled.db "update deals set status = 'won', close_date = '2026-04-10' where deal_id = 'D1200'"; SPM_DB=uncancelled.db spm-forecast --quiet --period 2026-Q2 --as-of 2026-05-15 --rep r07 pipeline | awk -F, '$2 == "r07" { print $6 }')"
expect_eq "and gone once the cancellation is dated" "0" \
	"$(a=$(SPM_DB=cancelled.db spm-forecast --quiet --period 2026-Q2 --as-of 2026-06-25 --rep r07 pipeline | awk -F, '$2 == "r07" { print $6 * 100 }'); b=$(SPM_DB=uncancelled.db spm-forecast --quiet --period 2026-Q2 --as-of 2026-06-25 --rep r07 pipeline | awk -F, '$2 == "r07" { print $6 * 100 }'); awk -v a="$a" -v b="$b" 'BEGIN { print (b - a > 0) ? 0 : 1 }')"

# Overdue deals, listed.
run spm-forecast --period 2026-Q2 --as-of 2026-06-30 overdue
expect_status 0
expect_eq "overdue deals by close date" "deal_id,rep_id,stage,close_date,amount,currency
D1276,r28,Prospecting,2026-06-15,10280.00,USD
D1200,r07,Negotiation,2026-06-18,89513.55,USD
D1293,r22,Qualification,2026-06-21,34779.15,USD
D1174,r10,Qualification,2026-06-22,19618.71,USD
D1291,r13,Qualification,2026-06-24,75582.79,USD" "$(cat out)"
expect_err "spm-forecast: 5 overdue deals in 2026-Q2 as of 2026-06-30"
run spm-forecast --period 2026-Q2 --as-of 2026-06-30 --team Enterprise overdue
expect_eq "a team's overdue deals only" "D1200 D1174 D1291" "$(tail -n +2 out | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//')"

# A period to come: nothing closed or overdue yet, every open deal in its category.
run spm-forecast --period 2026-Q3 --as-of 2026-05-01 --level company pipeline
expect_status 0
expect_eq "a period to come" "0.00|0" "$(col closed)|$(col overdue_deals)"

# Filters choose rows, not figures.
run spm-forecast --period 2026-Q3 --as-of 2026-07-10 --level all --team Mid-Market pipeline
expect_status 0
expect_eq "the company row is the same filtered" \
	"$(spm-forecast --quiet --period 2026-Q3 --as-of 2026-07-10 --level company pipeline | tail -n 1)" \
	"$(grep '^company,' out)"
expect_eq "no Enterprise rep" "0" "$(grep -c '^rep,r0[4-9],' out)"

# Snapshots, held later against what closed.
expect_eq "the example job kept next quarter's snapshot" "1|2026-Q3" "$(sql "select snapshot_id, period from forecast_snapshots")"
run spm-forecast --period 2026-Q2 --as-of 2026-06-30 accuracy
expect_status 65
expect_err "spm-forecast: no snapshot of 2026-Q2: take one with spm-forecast snapshot"
spm-forecast --quiet --period 2026-Q2 --as-of 2026-04-15 --level all pipeline >april.csv
run spm-forecast --period 2026-Q2 --as-of 2026-04-15 snapshot
expect_status 0
expect_err "spm-forecast: snapshot 2 of 2026-Q2 as of 2026-04-15: $(($(wc -l <april.csv) - 1)) rows"
expect_eq "the snapshot keeps the pipeline's commit" \
	"$(grep '^company,' april.csv | cut -d, -f7)" \
	"$(sql "select commit_amount from forecast_snapshot_rows where level = 'company' and snapshot_id = 2" | awk '{ v = $1 / 10000; s = sprintf("%.4f", v); sub(/0+$/, "", s); if (s ~ /\.[0-9]$/) s = s "0"; sub(/\.$/, ".00", s); print s }')"
spm-forecast --quiet --period 2026-Q2 --as-of 2026-05-15 snapshot
spm-forecast --quiet --period 2026-Q2 --as-of 2026-06-30 --level all pipeline >june.csv
run spm-forecast --period 2026-Q2 --as-of 2026-06-30 --level rep,company accuracy
expect_status 0
expect_eq "header" "level,id,as_of,snapshots,forecast,actual,error,error_pct,bias_pct,verdict,currency" "$(head -n 1 out)"
expect_eq "two snapshots and a summary per rep" "$((3 * $(grep -c '^rep,' june.csv)))" "$(grep -c '^rep,' out)"
expect_eq "the actual is what closed by the day" "$(grep '^company,' june.csv | cut -d, -f6)" \
	"$(grep '^company,,all,' out | cut -d, -f6)"
# r07 committed 208,475.91 in April and closed 141,958.68 (in USD): +46.86% each time
expect_eq "an optimist" "rep,r07,all,2,208475.91,141958.6761,66517.2339,46.86,46.86,over-forecasts,USD" "$(grep '^rep,r07,all,' out)"
expect_eq "error and percentage per snapshot" "1" \
	"$(grep '^rep,r05,2026-04-15,' out | awk -F, '{ f = $5; a = $6; e = $7; p = $8; d = f - a - e; if (d < 0) d = -d; q = (e / a) * 100 - p; if (q < 0) q = -q; print (d < 0.0001 && q < 0.006) ? 1 : 0 }')"
expect_eq "a sandbagger" "under-forecasts" "$(grep '^rep,r05,all,' out | cut -d, -f10)"

# Calls: a rep's or a manager's own number, shown beside the computed one and kept in snapshots.
printf 'rep_id,team,period,category,amount,made_by,made_on,note\nr04,,2026-Q2,commit,250000,r02,2026-04-15,"two renewals slip, maybe"\n,Enterprise,2026-Q2,commit,2900000,r02,2026-04-15,\nr02,,2026-Q2,best_case,3400000,r01,2026-04-16,stretch\n' >calls.csv
run spm-import calls calls.csv
expect_status 0
expect_out_has "3 new"
run spm-forecast --period 2026-Q2 --as-of 2026-06-30 --level rep,manager,team pipeline
expect_status 0
expect_eq "a rep's call beside the figures" "250000.00,,two renewals slip, maybe" \
	"$(grep '^rep,r04,' out | cut -d, -f16- | sed 's/,USD$//; s/"//g')"
expect_eq "a manager's call" ",3400000.00,stretch" "$(grep '^manager,r02,' out | cut -d, -f16- | sed 's/,USD$//')"
expect_eq "a team's call" "2900000.00,," "$(grep '^team,Enterprise,' out | cut -d, -f16- | sed 's/,USD$//')"
expect_eq "the figures do not change" \
	"$(grep '^rep,r04,' june.csv | cut -d, -f1-15)" "$(grep '^rep,r04,' out | cut -d, -f1-15)"
spm-forecast --quiet --period 2026-Q2 --as-of 2026-06-01 snapshot
run spm-forecast --period 2026-Q2 --as-of 2026-06-30 --level rep accuracy
expect_eq "a snapshot with a call is scored on the call" "250000.00" "$(grep '^rep,r04,2026-06-01,' out | cut -d, -f5)"
run sh -c "printf 'rep_id,period,amount\nr04,2026-Q2,-5\n' | spm-import calls -"
expect_status 65
expect_err "spm-import: stdin:2: column 'amount': a call cannot be negative"

# The commission cost of the forecast: the plans run as if the forecast landed, nothing kept.
plan="$SPM_SRC/examples/plans/ae-2026.yaml"
before=$(digest)
run spm-forecast --period 2026-Q2 --as-of 2026-06-01 cost "$plan"
expect_status 0
expect_eq "header" "rep_id,currency,pay_now,pay_if_forecast,cost" "$(head -n 1 out)"
expect_eq "only the rep with a committed deal due in June costs more" "r07" \
	"$(tail -n +2 out | awk -F, '$5 != "0.00" { print $1 }')"
expect_eq "cost nothing kept" "$before" "$(digest)"
# the same as a dry run on a copy of the store where that deal (D1200, Negotiation: commit) is won
cp "$SPM_DB" landed.db
sqlite3 landed.db "update deals set status = 'won' where deal_id = 'D1200'"
expect_eq "pay if the forecast lands, as the engine pays the landed deal" \
	"$(SPM_DB=landed.db spm-commission --quiet --period 2026-Q2 --dry-run run "$plan" | awk -F, '$1 == "r07" { s += $11 * 100 } END { printf "%.0f", s }')" \
	"$(grep '^r07,' out | awk -F, '{ printf "%.0f", $4 * 100 }')"
expect_eq "pay now, as the engine pays today" \
	"$(spm-commission --quiet --period 2026-Q2 --dry-run run "$plan" | awk -F, '$1 == "r07" { s += $11 * 100 } END { printf "%.0f", s }')" \
	"$(grep '^r07,' out | awk -F, '{ printf "%.0f", $3 * 100 }')"
run spm-forecast --period 2026-Q2 --as-of 2026-06-01 --scenario pipeline cost "$plan"
expect_status 0
expect_eq "every open category lands: five reps" "5" "$(tail -n +2 out | awk -F, '$5 != "0.00"' | wc -l)"
run spm-forecast --period 2026-Q2 --scenario omitted cost "$plan"
expect_status 64
expect_err_has "--scenario: expected commit, best_case or pipeline, not 'omitted'"
run spm-forecast --period 2026-Q2 cost
expect_status 64
expect_err_has "cost: no plan given"

# Refusals.
run spm-forecast --period 2026-Q3 --team Sales pipeline
expect_status 65
expect_err "spm-forecast: no team 'Sales' in the store"
run spm-forecast --period 2026-Q9 pipeline
expect_status 64
expect_err_has "spm-forecast: --period: no quarter 9 in '2026-Q9'"
run spm-forecast --period 2026-Q3 --as-of yesterday pipeline
expect_status 64
expect_err_has "spm-forecast: --as-of: "
run spm-forecast --period 2026-Q3 --window 0 pipeline
expect_status 64
expect_err_has "--window: expected a whole number from 1 to 3660, not '0'"
run spm-forecast pipeline
expect_status 64
expect_err_has "pipeline: give the period with --period"
run spm-forecast --period 2026-Q3 --holdout 3 pipeline
expect_status 64
expect_err_has "pipeline: --holdout is not one of its options"
finish
