#!/bin/sh
# spm-quota attainment on the example company: every rep's figures against an independent SQL
# computation (bench/attainment.sql), roll-ups counting a deal once, month/quarter/year to date,
# linear and seasonal pacing, filters that never change a figure, and the refusals.
. "$SPM_SRC/tests/cli/lib.sh"
"$SPM_SRC/examples/job.sh" >/dev/null 2>&1 || exit 1
peer="$SPM_SRC/bench/attainment.sql"

# as_units: spm-quota's CSV rows as rep|credited|quota|attainment in store units, like the peer.
as_units() {
	awk -F, 'function u(v,  p, n) { if (v == "") return ""; n = split(v, p, "."); return sprintf("%.0f", p[1] * 10000 + (n > 1 ? (v ~ /^-/ ? -1 : 1) * substr(p[2] "0000", 1, 4) : 0)) }
		function h(v,  p) { if (v == "") return ""; split(v, p, "."); return sprintf("%.0f", p[1] * 100 + p[2]) }
		{ print $2 "|" u($9) "|" u($10) "|" h($13) }'
}
# peer FIRST LAST ASOF: the SQL peer over the store for that span.
peer() { sed "s/'2026-01-01', '2026-03-31', '2026-03-15'/'$1', '$2', '$3'/" "$peer" | sqlite3 -batch "$SPM_DB"; }

run spm-quota --period 2026-Q1 --as-of 2026-03-15 attainment
expect_status 0
expect_err "spm-quota: 25 rows, 2026-Q1 to 2026-03-15"
expect_eq "header" "level,id,name,span,period,from,to,reps,credited,quota,quota_source,reps_quota,attainment_pct,gap,expected,pace_pct,currency" "$(head -n 1 out)"
expect_eq "every rep as the SQL peer computes it" "$(peer 2026-01-01 2026-03-31 2026-03-15)" "$(tail -n +2 out | as_units)"
expect_eq "the solutions engineer without a quota has no attainment" "rep,r30,Nikhil Varma,period,2026-Q1,2026-01-01,2026-03-15,1,56500.00,,,,,,,,USD" "$(grep ',r30,' out)"
expect_eq "linear pacing: 74 of 90 days of the quota" "271333.3333" "$(grep ',r04,' out | cut -d, -f15)"
expect_eq "gap: quota less credited" "-45594.0602" "$(grep ',r04,' out | cut -d, -f14)"

# A past period runs to its last day by default; the whole quarter against the peer.
run spm-quota --period 2026-Q2 attainment
expect_status 0
expect_eq "a past period to its last day" "2026-06-30" "$(sed -n 2p out | cut -d, -f7)"
expect_eq "the second quarter as the SQL peer computes it" "$(peer 2026-04-01 2026-06-30 2026-06-30)" "$(tail -n +2 out | as_units)"

# Roll-ups count owner and split credit once; overlays count for the overlay rep only.
run spm-quota --period 2026-Q1 --as-of 2026-03-31 --level all attainment
expect_status 0
cp out all.csv
revenue_only=$(sed -e "s/'2026-01-01', '2026-03-31', '2026-03-15'/'2026-01-01', '2026-03-31', '2026-03-31'/" \
	-e "s/JOIN credits c ON c.deal_id = d.deal_id/JOIN credits c ON c.deal_id = d.deal_id AND c.kind = 'revenue'/" "$peer" |
	awk '/^SELECT r.rep_id/ { exit } { print }'; echo "SELECT sum(amount) FROM credited;")
company=$(echo "$revenue_only" | sqlite3 -batch "$SPM_DB")
expect_eq "the company: every deal once, no overlays" "$company" "$(grep '^company,' all.csv | as_units | cut -d'|' -f2)"
expect_eq "the top manager's roll-up is the company's" "$company" "$(grep '^manager,r01,' all.csv | as_units | cut -d'|' -f2)"
expect_eq "the root territory's roll-up is the company's" "$company" "$(grep '^territory,ALL,' all.csv | as_units | cut -d'|' -f2)"
expect_eq "overlay credit makes the reps' sum larger than the company's" "1" \
	"$(grep '^rep,' all.csv | as_units | awk -F'|' -v c="$company" '{ s += $2 } END { print (s > c) ? 1 : 0 }')"
expect_eq "the teams' own quotas, set, beside their reps' sums" "Enterprise|set|3350000.00|3055000.00
Mid-Market|set|850000.00|772000.00" "$(grep '^team,' all.csv | awk -F, '{ print $2 "|" $11 "|" $10 "|" $12 }')"
expect_eq "a manager without a quota of their own: the sum of the reps below" "sum" "$(grep '^manager,r02,' all.csv | cut -d, -f11)"
spm-quota --quiet --period 2026-Q1 --as-of 2026-03-31 --level territory --format tsv attainment >all.tsv
expect_eq "ICs counted in a territory and the territories below it" "6 7 13" \
	"$(for t in EMEA-N EMEA-C EMEA; do grep "^territory	$t	" all.tsv | cut -f8; done | tr '\n' ' ' | sed 's/ $//')"

# Month, quarter and year to date; a span without a quota has none.
run spm-quota --period 2026-Q1 --as-of 2026-02-15 --to-date month,quarter,year --rep r04 attainment
expect_status 0
expect_eq "spans" "period 2026-Q1 2026-01-01|mtd 2026-02 2026-02-01|qtd 2026-Q1 2026-01-01|ytd 2026 2026-01-01" \
	"$(tail -n +2 out | awk -F, '{ printf "%s%s %s %s", (NR > 1 ? "|" : ""), $4, $5, $6 }')"
expect_eq "month to date as the peer computes it" "$(peer 2026-02-01 2026-02-28 2026-02-15 | grep '^r04|' | cut -d'|' -f2)" \
	"$(grep ',mtd,' out | as_units | cut -d'|' -f2)"
expect_eq "no monthly quota: none" "" "$(grep ',mtd,' out | cut -d, -f10)"

# Seasonal pacing follows the quota's own months; the quarter's quota is still the quarter's.
printf 'rep_id,period,amount\nr04,2026-01,100000\nr04,2026-02,100000\nr04,2026-03,130000\n' >months.csv
spm-import --quiet quotas months.csv
run spm-quota --period 2026-Q1 --as-of 2026-03-15 --pacing seasonal --rep r04 attainment
expect_status 0
expect_eq "seasonal: two months, then 15 of March's 31 days" "330000.00|262903.2258" "$(cut -d, -f10,15 out | tail -n 1 | tr , '|')"
run spm-quota --period 2026-02 --as-of 2026-02-10 --rep r04 attainment
expect_eq "a month's own quota" "100000.00|35714.2857" "$(cut -d, -f10,15 out | tail -n 1 | tr , '|')"

# Filters choose rows and never change a figure.
run spm-quota --period 2026-Q1 --as-of 2026-03-31 --level all --team Mid-Market attainment
expect_status 0
expect_eq "only Mid-Market's reps active in the quarter" "12" "$(grep -c '^rep,' out)"
expect_eq "the roll-ups holding them" "company manager:r01 manager:r03 team:Mid-Market" \
	"$(grep -v '^rep,' out | tail -n +2 | grep -v '^territory,' | awk -F, '{ print $1 ($2 == "" ? "" : ":" $2) }' | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "the same figures as unfiltered" "$(grep -E '^(rep,r2[0-9]|team,Mid-Market|manager,r03|company),' all.csv)" \
	"$(grep -E '^(rep,r2[0-9]|team,Mid-Market|manager,r03|company),' out)"

# JSON for scripts.
run spm-quota --period 2026-Q1 --as-of 2026-03-31 --level company --format json attainment
expect_status 0
expect_eq "numbers stay numbers in JSON" "$(grep '^company,' all.csv | cut -d, -f9)" \
	"$(sqlite3 :memory: "select json_extract('$(cat out)', '\$[0].credited')")"

# The same attainment as the commission engine: a plan crediting won deals to owner, split and
# overlay against the bookings quota, in the plan's currency (EUR; the quotas carry none).
cat >attain.yaml <<'PLAN'
plan: ae-2026
currency: EUR
period: quarter
effective: {from: 2026-01-01, to: 2026-12-31}
components:
  - name: bookings
    credit: {status: won, roles: [owner, split, overlay]}
    quota: bookings
    rate: 1%
PLAN
spm-commission --quiet --period 2026-Q1 --dry-run run attain.yaml |
	awk -F, 'NR > 1 { a = $8; sub(/%$/, "", a); n = split(a, p, "."); printf "%s|%s|%s|%s.%s\n", $1, $6, $7, p[1], substr((n > 1 ? p[2] : "") "00", 1, 2) }' | sort >engine.txt
spm-quota --quiet --period 2026-Q1 --currency EUR attainment |
	awk -F, 'NR > 1 && $10 != "" { printf "%s|%s|%s|%s\n", $2, $9, $10, $13 }' | sort >quota.txt
# reps on the plan for the whole quarter: the engine prorates the others' quotas by their days
expect_eq "spm-quota's attainment is the commission engine's, rep by rep" "$(join -t'|' engine.txt quota.txt | awk -F'|' '$3 == $6' | cut -d'|' -f1-4)" \
	"$(join -t'|' engine.txt quota.txt | awk -F'|' '$3 == $6' | awk -F'|' '{ print $1 "|" $5 "|" $6 "|" $7 }')"
expect_eq "and that is most of them" "1" "$(join -t'|' engine.txt quota.txt | awk -F'|' '$3 == $6' | wc -l | awk '{ print ($1 >= 20) ? 1 : 0 }')"

# Refusals.
before=$(digest)
run spm-quota --period 2026-Q1 --as-of 2026-03-31 --team Sales attainment
expect_status 65
expect_err "spm-quota: no team 'Sales' in the store"
run spm-quota --period 2026-Q1 --as-of 2026-03-31 --rep nobody attainment
expect_status 65
expect_err "spm-quota: no rep 'nobody' in the store"
run spm-quota --period 2026-Q1 --as-of 2026-02-30 attainment
expect_status 64
expect_err_has "spm-quota: --as-of: "
run spm-quota --period 2027-Q1 --as-of 2026-03-01 attainment
expect_status 64
expect_err_has "spm-quota: 2027-Q1 has not started on 2026-03-01: give --as-of"
run spm-quota --period 2026-Q1 --level region attainment
expect_status 64
expect_err_has "--level: expected rep, manager, team, territory, company or all, not 'region'"
run spm-quota --period 2026-Q1 --to-date week attainment
expect_status 64
expect_err_has "--to-date: unknown value 'week'"
run spm-quota --period sometime attainment
expect_status 64
expect_err_has "spm-quota: --period: not a period: 'sometime'"
run spm-quota attainment
expect_status 64
expect_err_has "attainment: give the period with --period"
run spm-quota --period 2026-Q1 --total 5 attainment
expect_status 64
expect_err_has "attainment: --total is not one of its options"
run spm-quota --period 2026-Q1 forecast
expect_status 64
expect_err_has "unknown command 'forecast'"
expect_eq "attainment writes nothing" "$before" "$(digest)"

# An empty store: the header and nothing else.
SPM_DB="$tmp/empty.db" spm-import --quiet reps /dev/null 2>/dev/null
printf 'rep_id\n' >none.csv
SPM_DB="$tmp/empty.db" spm-import --quiet reps none.csv
SPM_DB="$tmp/empty.db" run spm-quota --period 2026-Q1 --level all attainment
expect_status 0
expect_eq "an empty store gives a company row of zeros" "company,,,period,2026-Q1,2026-01-01,2026-03-31,0,0.00,,,,,,,,USD" "$(tail -n +2 out)"
finish
