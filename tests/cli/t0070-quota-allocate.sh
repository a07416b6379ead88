#!/bin/sh
# spm-quota allocate: exact splits down the organisation and over sub-periods, ramps and proration,
# rows that spm-import takes back, the real CRM offices' shares of won bookings, and the refusals.
. "$SPM_SRC/tests/cli/lib.sh"
"$SPM_SRC/examples/job.sh" >/dev/null 2>&1 || exit 1

# cents TEXT: a decimal amount as whole cents, by integer arithmetic only.
cents() { awk -v v="$1" 'BEGIN { n = split(v, p, "."); f = substr(p[2] "00", 1, 2); print p[1] * 100 + f }'; }
# sum_cents: the amount column (6) of CSV rows on stdin, in cents.
sum_cents() { awk -F, '{ n = split($6, p, "."); s += p[1] * 100 + substr(p[2] "00", 1, 2) } END { print s + 0 }'; }

run spm-quota --period 2026 --total 12000000 --over 10% allocate
expect_status 0
expect_err "spm-quota: 29 quota lines"
expect_eq "header: the quotas import columns" "rep_id,team,territory,period,metric,amount,currency,note" "$(head -n 1 out)"
cp out even.csv
# full_cents: per row, the quota before ramp and proration (the note's "full X", else the amount).
full_cents() { awk -F, '{ v = $6; if (match($0, /full [0-9.]+/)) v = substr($0, RSTART + 5, RLENGTH - 5); n = split(v, p, "."); print p[1] * 100 + substr(p[2] "00", 1, 2) }'; }
expect_eq "the teams' parts add up to the total" "1200000000" "$(grep '^,[^,]' even.csv | sum_cents)"
for team in Enterprise Mid-Market; do
	part=$(grep "^,$team," even.csv | cut -d, -f6)
	reps=$(sql "select group_concat(rep_id, '|') from reps r where team = '$team' and not exists (select 1 from reps m where m.manager_id = r.rep_id)")
	expect_eq "$team's reps carry 110% of its part, to the cent" \
		"$(( ($(cents "$part") * 11 + 5) / 10 ))" "$(grep -E "^($reps)," even.csv | full_cents | awk '{ s += $1 } END { print s }')"
	expect_eq "even: $team's reps' full quotas differ by a cent at most" "1" \
		"$(grep -E "^($reps)," even.csv | full_cents | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print hi - lo }')"
done
expect_eq "managers get no rep line" "" "$(grep -E '^(r01|r02|r03),' even.csv)"
expect_eq "the group line says what its reps carry" "its reps carry 110% of it" "$(grep '^,Enterprise,' even.csv | cut -d, -f8)"
# employed 319 of the year's 365 days: 13 in February, 306 from March to December
expect_eq "a hire on 16 February is prorated by days" "$(( ($(grep '^r15,' even.csv | full_cents) * 319 + 182) / 365 ))" \
	"$(grep '^r15,' even.csv | sum_cents)"

# Sub-periods by seasonality, a ramp and whole-month proration: each line says why it differs.
run spm-quota --period 2026 --total 12000000 --split quarter --seasonality 20,20,20,40 \
	--ramp 25,50,75 --prorate months --places 0 allocate
expect_status 0
cp out season.csv
for unit in ,Enterprise, ,Mid-Market, r04, r10,; do
	expect_eq "$unit's quarters add up to its year" \
		"$(grep "^$unit" season.csv | grep ',2026,' | sum_cents)" \
		"$(grep "^$unit" season.csv | grep ',2026-Q' | sum_cents)"
done
line=$(grep '^r15,,,2026-Q1,' season.csv | tr -d '"')
expect_eq "a hire on 16 February counts from March, at the ramp's first step" \
	'hired 2026-02-16; ramp 25%/50%/75%; prorated by whole months; by month: 2026-01 0%, 2026-02 0%, 2026-03 25%' \
	"$(echo "$line" | cut -d, -f8- | sed 's/^full [0-9]*; //')"
full=$(echo "$line" | sed 's/.*full \([0-9]*\);.*/\1/')
expect_eq "and is 25% of a third of the quarter" "$(( (full * 25 + 150) / 300 ))" "$(echo "$line" | cut -d, -f6)"
expect_eq "a leaver on 29 May: nothing from June" "0" "$(grep '^r21,,,2026-Q3,' season.csv | cut -d, -f6)"
expect_eq "the leaver's year is the sum of the prorated quarters" \
	"$(grep '^r21,,,2026-Q' season.csv | sum_cents)" "$(grep '^r21,,,2026,' season.csv | sum_cents)"

# The ramp from a file, which may name the proration.
printf 'ramp: [25%%, 50%%, 75%%]\nprorate: days\n' >ramp.yaml
run spm-quota --period 2026-Q2 --total 300000 --ramp ramp.yaml --by rep allocate
expect_status 0
expect_out_has "prorated by days"

# The rows go straight back into the store, and attainment finds them.
spm-quota --quiet --period 2026 --total 12000000 --over 10% allocate | spm-import --quiet quotas -
expect_eq "imported: a team line per team, a line per rep" "29" "$(sql "select count(*) from quotas where period = '2026'")"
expect_eq "the note kept with the quota" "its reps carry 110% of it" \
	"$(sql "select json_extract(attrs, '\$.note') from quotas where scope = 'team' and scope_id = 'Enterprise' and period = '2026'")"
run spm-quota --period 2026 --as-of 2026-06-30 --level team --team Enterprise attainment
expect_status 0
expect_eq "the team's own quota, set, beside its reps' sum" "set" "$(tail -n 1 out | cut -d, -f11)"

# JSON Lines round trip: what spm-quota writes, spm-import reads.
spm-quota --quiet --period 2027 --total 1000 --format jsonl allocate >plan.jsonl
run spm-import --input-format jsonl quotas plan.jsonl
expect_status 0
expect_eq "JSON Lines: every line imported" "$(grep -c . plan.jsonl)" "$(sql "select count(*) from quotas where period = '2027'")"
expect_eq "a leaver of 2026 gets nothing in 2027" "0" "$(sql "select count(*) from quotas where period = '2027' and scope_id = 'r21'")"

# Methods: explicit weights (potential's refusal is below; its sums are in the unit tests).
run spm-quota --period 2026 --total 1000 --method weights --weights Enterprise=60,Mid-Market=40 --places 0 allocate
expect_status 0
expect_eq "weights by team" "600 400" "$(grep '^,' out | cut -d, -f6 | tr '\n' ' ' | sed 's/ $//')"
printf 'id,weight\nEnterprise,70%%\nMid-Market,30\n' >weights.csv
run spm-quota --period 2026 --total 1000 --method weights --weights weights.csv --places 0 allocate
expect_status 0
expect_eq "weights from a file" "700 300" "$(grep '^,' out | cut -d, -f6 | tr '\n' ' ' | sed 's/ $//')"

# Refusals: one clear line, the documented status, and nothing written.
before=$(digest)
run spm-quota --period 2026 --total 1000 --method weights --weights Enterprise=60,Mid-Market=30 allocate
expect_status 65
expect_err "spm-quota: the weights of the teams add up to 90%, not 100%"
run spm-quota --period 2026 --total 1000 --method weights --weights Enterprise=60,Sales=40 allocate
expect_status 65
expect_err "spm-quota: weights: 'Sales' is neither a team nor a rep active in the period"
run spm-quota --period 2026 --total 1000 --method weights --weights Enterprise=100 allocate
expect_status 65
expect_err "spm-quota: weights: no weight for team 'Mid-Market'"
printf 'id,weight\nEnterprise,lots\n' >bad-weights.csv
run spm-quota --period 2026 --total 1000 --method weights --weights bad-weights.csv allocate
expect_status 65
expect_err "spm-quota: bad-weights.csv:2: column 'weight': not a percentage: 'lots'"
run spm-quota --period 2026 --total -5 allocate
expect_status 65
expect_err "spm-quota: the total cannot be negative: '-5'"
run spm-quota --period 2026-Q5 --total 5 allocate
expect_status 64
expect_err_has "spm-quota: --period: no quarter 5 in '2026-Q5'"
run spm-quota --period 2026 --total 100 --split quarter --seasonality 20,20,20,30 allocate
expect_status 65
expect_err "spm-quota: the seasonality weights add up to 90%, not 100%"
run spm-quota --period 2026 --total 100 --split quarter --seasonality 50,50 allocate
expect_status 65
expect_err "spm-quota: seasonality: 2 weights given, but 2026 has 4 quarters"
run spm-quota --period 2026-Q1 --total 100 --ramp 25,50,75,90 allocate
expect_status 65
expect_err "spm-quota: the ramp has 4 monthly steps, longer than 2026-Q1 (3 months)"
run spm-quota --period 2026 --total 100 --ramp 25,500 allocate
expect_status 64
expect_err_has "ramp step 2: expected a percentage from 0 to 100 with at most 8 decimals, not '500'"
printf 'ramp: [25%%, 150%%]\n' >bad-ramp.yaml
run spm-quota --period 2026 --total 100 --ramp bad-ramp.yaml allocate
expect_status 78
expect_err "spm-quota: bad-ramp.yaml:1:13: expected a rate from 0% to 100%, not '150%'"
run spm-quota --period 2026 --total 100 --method potential --attribute potential allocate
expect_status 65
expect_err "spm-quota: rep 'r04' has no attribute 'potential' to weigh by"
run spm-quota --period 2026 --total 100 --method history allocate
expect_status 65
expect_err "spm-quota: no won bookings from 2025-01-01 to 2025-12-31 to allocate by history"
run spm-quota --period 2026 allocate
expect_status 64
expect_err_has "allocate: give the target with --total"
run spm-quota --period 2026 --total 100 --as-of 2026-01-01 allocate
expect_status 64
expect_err_has "allocate: --as-of is not one of its options"
expect_eq "refusals write nothing" "$before" "$(digest)"

# The real CRM dataset: 35 agents, 6 managers, 3 offices. By last year's won bookings, each
# office's part of the target is its share of 2017's won bookings, to the cent.
crm="$SPM_DATA/crm-sales-opportunities"
SPM_DB="$tmp/crm.db"
spm-import --quiet --map rep_id=sales_agent --map name=sales_agent --map manager_id=manager \
	--map territory=regional_office --create-territories reps "$crm/sales_teams.csv"
spm-import --quiet --map deal_id=opportunity_id --map rep_id=sales_agent --map stage=deal_stage \
	--map created_date=engage_date --map amount=close_value deals "$crm/sales_pipeline.csv"
run spm-quota --period 2018 --total 12000000 --by territory --method history allocate
expect_status 0
expect_eq "three offices and 35 agents" "38" "$(($(wc -l <out) - 1))"
total=$(sql "select sum(amount) from deals where status = 'won' and close_date like '2017-%'")
for office in Central East West; do
	won=$(sql "select sum(d.amount) from deals d join reps r using (rep_id) where d.status = 'won' and d.close_date like '2017-%' and r.territory = '$office'")
	got=$(cents "$(grep "^,,$office," out | cut -d, -f6)")
	# the exact share in cents lies within one cent of the part: |part × total - target × won| < total
	expect_eq "$office: its share of won bookings, to the cent" "1" \
		"$(sql "select abs($got * $total - 1200000000 * $won) < $total")"
	agents=$(sql "select group_concat(rep_id, '|') from reps where territory = '$office' and role is null")
	expect_eq "$office's agents add up to the office" "$got" "$(grep -E "^($agents)," out | sum_cents)"
done
expect_eq "the offices add up to the target" "1200000000" "$(grep '^,,' out | sum_cents)"
expect_eq "agents without deals get nothing by history" "0.00 0.00 0.00 0.00 0.00" \
	"$(grep -E '^(Carl Lin|Carol Thompson|Elizabeth Anderson|Mei-Mei Johns|Natalya Ivanova),' out | cut -d, -f6 | tr '\n' ' ' | sed 's/ $//')"
run spm-quota --period 2018 --total 100 allocate
expect_status 65
expect_err "spm-quota: rep 'Anna Snelling' has no team (give it one, or choose another level)"
run spm-quota --period 2018 --total 100 --by manager --method weights --weights 'Cara Losch=100' allocate
expect_status 65
expect_err "spm-quota: weights: no weight for manager 'Celia Rouche'"
finish
