#!/bin/sh
# spm-report attainment and leaderboard: the real CRM dataset's 2017 won bookings against the
# sqlite3 shell (agents without deals listed with zero), ranks with ties and percentiles on a small
# store written here, --per team, --top, the example company's attainment equal to spm-quota's,
# and the refusals.
. "$SPM_SRC/tests/cli/lib.sh"
: "${SPM_DATA:?SPM_DATA must name the shared data directory}"
crm="$SPM_DATA/crm-sales-opportunities"
home=$SPM_DB

# ---- the CRM dataset: 35 agents, 2017 --------------------------------------------------------
SPM_DB="$tmp/crm.db"
spm-import --quiet --map rep_id=sales_agent --map name=sales_agent --map manager_id=manager \
	--map territory=regional_office --create-territories reps "$crm/sales_teams.csv"
spm-import --quiet --map deal_id=opportunity_id --map rep_id=sales_agent --map stage=deal_stage \
	--map created_date=engage_date --map amount=close_value deals "$crm/sales_pipeline.csv"
run spm-report --period 2017 leaderboard
expect_status 0
expect_err "spm-report: 35 of 35 reps by bookings, 2017 to 2017-12-31"
expect_eq "header" "rank,rep_id,name,team,measure,value,percentile,bookings,deals,attainment_pct,payout,activities,currency" "$(head -n 1 out)"
# The agents (nobody reports to them), their 2017 won bookings and won deals, summed by SQL in
# store units (1/10,000); close values are whole, so the units end in 0000.
sql "select r.rep_id || '|' || coalesce(sum(d.amount), 0) || '|' || count(d.deal_id)
	from reps r left join deals d on d.rep_id = r.rep_id and d.status = 'won'
	and d.close_date between '2017-01-01' and '2017-12-31'
	where not exists (select 1 from reps x where x.manager_id = r.rep_id)
	group by r.rep_id order by coalesce(sum(d.amount), 0) desc, r.rep_id" >peer.txt
tail -n +2 out | awk -F, '{ split($6, p, "."); printf "%s|%.0f|%s\n", $2, p[1] * 10000 + p[2] * 100, $9 }' >spm.txt
expect_eq "every agent's won bookings and deals, in rank order, as sqlite3 sums them" "$(cat peer.txt)" "$(cat spm.txt)"
expect_eq "the five agents without a deal are there with zero" "5" \
	"$(grep -c '^31,[^,]*,[^,]*,,bookings,0.00,0.00,0.00,0,' out)"
expect_eq "ranks run 1 to 30, then the five share 31" \
	"$(seq 1 30 | tr '\n' ' ')31 31 31 31 31" "$(tail -n +2 out | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//')"
top=$(sql "select rep_id from deals where status = 'won' and close_date like '2017-%' group by rep_id order by sum(amount) desc limit 1")
expect_eq "the top agent, as SQL finds it" "$top" "$(sed -n 2p out | cut -d, -f2)"
run spm-report --period 2017 --measure deals --top 3 leaderboard
expect_status 0
expect_eq "by won deals: the three most, as SQL counts them" \
	"$(sql "select rep_id || ',' || count(*) from deals where status = 'won' and close_date like '2017-%' group by rep_id order by count(*) desc, rep_id limit 3")" \
	"$(tail -n +2 out | cut -d, -f2,6)"

# ---- a small store: ties, percentiles, teams ---------------------------------------------------
SPM_DB="$tmp/small.db"
cat >reps.csv <<'CSV'
rep_id,name,team,hire_date,end_date
a1,Ada,North,2025-01-01,
a2,Ben,North,2025-01-01,
a3,Cy,North,2025-01-01,
b1,Dee,South,2025-01-01,
b2,Eve,South,2025-01-01,
c1,Fay,West,2025-01-01,2025-06-30
CSV
cat >deals.csv <<'CSV'
deal_id,rep_id,amount,currency,close_date,status
D1,a1,500,USD,2026-01-10,won
D2,a2,300,USD,2026-01-11,won
D3,a3,300,USD,2026-02-01,won
D4,b1,300,USD,2026-02-02,won
D5,b1,100,USD,2026-03-31,won
D6,b2,50,USD,2026-04-01,won
D7,a1,900,USD,2026-02-03,lost
CSV
printf 'rep_id,period,amount,currency\na1,2026-Q1,1000,USD\na2,2026-Q1,200,USD\nb1,2026-Q1,400,USD\n' >quotas.csv
spm-import --quiet reps reps.csv
spm-import --quiet deals deals.csv
spm-import --quiet quotas quotas.csv
# Q1: a1 500; a2 300; a3 300; b1 400 (two deals); b2 nothing (D6 is in April). c1 left in 2025.
# Ranks 1, 2 (b1), 3, 3 (a2 and a3 tie, by id), 5; percentiles 4/4, 3/4, 1/4, 1/4, 0/4.
run spm-report --period 2026-Q1 leaderboard
expect_status 0
expect_eq "ranks, ties by id, percentiles" \
	"1,a1,500.00,100.00 2,b1,400.00,75.00 3,a2,300.00,25.00 3,a3,300.00,25.00 5,b2,0.00,0.00" \
	"$(tail -n +2 out | cut -d, -f1,2,6,7 | tr '\n' ' ' | sed 's/ $//')"
expect_eq "the rep who left in 2025 is not listed" "0" "$(grep -c ',c1,' out)"
# Attainment: a1 500 / 1000 = 50%, a2 300 / 200 = 150%, b1 400 / 400 = 100%; a3 and b2 have no
# quota, so no attainment: listed last, unranked, by id.
run spm-report --period 2026-Q1 --measure attainment leaderboard
expect_status 0
expect_eq "by attainment; without a quota last, unranked" \
	"1,a2,150.00 2,b1,100.00 3,a1,50.00 ,a3, ,b2," \
	"$(tail -n +2 out | cut -d, -f1,2,6 | tr '\n' ' ' | sed 's/ $//')"
# --top 3 keeps every rep ranked 3 or better: the tie at the cut is kept.
run spm-report --period 2026-Q1 --top 3 leaderboard
expect_eq "--top 3 keeps both reps ranked 3" "a1 b1 a2 a3" "$(tail -n +2 out | cut -d, -f2 | tr '\n' ' ' | sed 's/ $//')"
expect_err "spm-report: 4 of 5 reps by bookings, 2026-Q1 to 2026-03-31"
# Per team: North's three, then South's two, each ranked on its own; West has nobody in 2026.
run spm-report --period 2026-Q1 --per team leaderboard
expect_eq "--per team" "North,1,a1 North,2,a2 North,2,a3 South,1,b1 South,2,b2" \
	"$(tail -n +2 out | awk -F, '{ print $4 "," $1 "," $2 }' | tr '\n' ' ' | sed 's/ $//')"
run spm-report --period 2026-Q1 --team South leaderboard
expect_eq "--team chooses the reps ranked" "1,b1,100.00 2,b2,0.00" "$(tail -n +2 out | cut -d, -f1,2,7 | tr '\n' ' ' | sed 's/ $//')"
run spm-report --period 2026-Q1 --as-of 2026-01-31 leaderboard
expect_eq "to an as-of day" "1,a1,500.00 2,a2,300.00" "$(tail -n +2 out | head -n 2 | cut -d, -f1,2,6 | tr '\n' ' ' | sed 's/ $//')"
run spm-report --period 2026-Q1 -f json --top 1 leaderboard
expect_status 0
expect_out_has '"rank":1,"rep_id":"a1"'

# Refusals: one line, the documented status, the store untouched.
before=$(digest)
run spm-report --period 2026-Q1 --measure charm leaderboard
expect_status 64
expect_err_has "spm-report: --measure: unknown measure 'charm'"
run spm-report --period 2026-Q1 --per region leaderboard
expect_status 64
expect_err_has "spm-report: --per: expected team, not 'region'"
run spm-report --period 2026-Q1 --top 0 leaderboard
expect_status 64
expect_err_has "--top: expected a whole number from 1 to 1000000, not '0'"
run spm-report --period 2026-Q1 --measure payout leaderboard
expect_status 65
expect_err "spm-report: period 2026-Q1 has no commission run: run it first, or rank by another measure"
run spm-report --period 2026-Q1 --team East leaderboard
expect_status 65
expect_err_has "no team 'East'"
run spm-report leaderboard
expect_status 64
expect_err_has "give the period with --period"
run spm-report --period 2027-Q1 --as-of 2026-12-31 leaderboard
expect_status 64
expect_err_has "spm-report: 2027-Q1 has not started on 2026-12-31: give --as-of"
expect_eq "the store is as it was" "$before" "$(digest)"

# ---- the example company: spm-report attainment is spm-quota attainment --------------------------
SPM_DB=$home
"$SPM_SRC/examples/job.sh" >/dev/null 2>&1 || exit 1
spm-quota --quiet --period 2026-Q1 --as-of 2026-03-15 --level all --to-date month attainment >quota.csv
run spm-report --period 2026-Q1 --as-of 2026-03-15 --level all --to-date month attainment
expect_status 0
expect_eq "the same rows as spm-quota" "$(cat quota.csv)" "$(cat out)"
# The leaderboard's bookings and attainment are the attainment report's, rep by rep.
run spm-report --period 2026-Q1 --as-of 2026-03-15 --measure attainment leaderboard
expect_eq "leaderboard and attainment agree" \
	"$(grep '^rep,' quota.csv | grep ',period,' | awk -F, '{ print $2 "," $9 "," $13 }' | sort)" \
	"$(tail -n +2 out | awk -F, '{ print $2 "," $8 "," $10 }' | sort)"
# Payout: the quarter's commission run, rep by rep, as the stored lines add up.
run spm-report --period 2026-Q1 --measure payout --top 1 leaderboard
expect_status 0
run_id=$(sql "select run_id from runs where period = '2026-Q1' order by run_id desc limit 1")
expect_eq "the best paid rep, as the run's lines add up" \
	"$(sql "select rep_id from payout_lines where run_id = $run_id group by rep_id order by sum(amount) desc limit 1")" \
	"$(sed -n 2p out | cut -d, -f2)"
finish
