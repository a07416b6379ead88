#!/bin/sh
# spm-report performers, trend, peers, activity and survey on small stores written here, every
# figure worked by hand: thresholds, movers, growth, medians, ratios, survey classes and scores.
. "$SPM_SRC/tests/cli/lib.sh"

cat >reps.csv <<'CSV'
rep_id,name,team,role,hire_date
a1,Ada,North,AE,2025-01-01
a2,Ben,North,SE,2025-01-01
a3,Cy,North,AE,2025-01-01
a4,Di,North,SE,2025-01-01
b1,Dee,South,AE,2025-01-01
b2,Eve,South,SE,2025-01-01
CSV
# Q1: a1 800, a2 400, a3 400, a4 100, b1 600 (two deals), b2 0.
# Q2: a1 500, a2 900, a3 400, a4 100, b1 300, b2 200.
cat >deals.csv <<'CSV'
deal_id,rep_id,amount,currency,close_date,status
Q1a,a1,800,USD,2026-01-15,won
Q1b,a2,400,USD,2026-02-15,won
Q1c,a3,400,USD,2026-03-15,won
Q1d,a4,100,USD,2026-03-20,won
Q1e,b1,250,USD,2026-01-05,won
Q1f,b1,350,USD,2026-02-05,won
Q2a,a1,500,USD,2026-04-15,won
Q2b,a2,900,USD,2026-05-15,won
Q2c,a3,400,USD,2026-06-15,won
Q2d,a4,100,USD,2026-06-20,won
Q2e,b1,300,USD,2026-04-05,won
Q2f,b2,200,USD,2026-05-05,won
CSV
cat >activities.csv <<'CSV'
rep_id,date,kind,count
a1,2026-01-10,meeting,6
a1,2026-01-11,call,20
a1,2026-02-10,email,14
b1,2026-01-12,meeting,5
b1,2026-03-01,webinar,1
b2,2026-02-01,call,30
CSV
spm-import --quiet reps reps.csv
spm-import --quiet deals deals.csv
spm-import --quiet activities activities.csv

# ---- performers: Q2 by bookings, the top and bottom 25% -----------------------------------
# Q2 ranks: a2 900 (1), a1 500 (2), a3 400 (3), b1 300 (4), b2 200 (5), a4 100 (6); percentiles
# 5/5, 4/5, 3/5, 2/5, 1/5, 0: the top 25% is percentile >= 75 (a2 100, a1 80), the bottom 25%
# percentile <= 25 (b2 20, a4 0). Since Q1: a2 +500, b2 +200, a4 and a3 0, a1 -300, b1 -300.
run spm-report --period 2026-Q2 --movers 2 performers
expect_status 0
expect_eq "top, bottom (worst first), improved, declined" \
	"top,1,a2,900.00,100.00 top,2,a1,500.00,80.00 bottom,6,a4,100.00,0.00 bottom,5,b2,200.00,20.00 improved,1,a2,900.00,100.00 improved,2,b2,200.00,20.00 declined,1,a1,500.00,80.00 declined,2,b1,300.00,40.00" \
	"$(tail -n +2 out | cut -d, -f1,2,3,7,8 | tr '\n' ' ' | sed 's/ $//')"
expect_eq "the thresholds named" \
	"percentile >= 75.00 (bookings >= 500.00)|percentile <= 25.00 (bookings <= 200.00)" \
	"$(grep '^top,1,' out | cut -d, -f11)|$(grep '^bottom,6,' out | cut -d, -f11)"
expect_eq "a mover's previous value and change" "400.00,500.00" "$(grep '^improved,1,' out | cut -d, -f9,10)"
expect_eq "declines are negative; a1 and b1 fall 300 each, in rank order" \
	"a1,-300.00 b1,-300.00" "$(grep '^declined' out | cut -d, -f3,10 | tr '\n' ' ' | sed 's/ $//')"
run spm-report --period 2026-Q2 --share 50% --movers 0 performers
expect_eq "half and half, no movers" "top top top bottom bottom bottom" \
	"$(tail -n +2 out | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//')"
run spm-report --period 2026-Q2 --share 60% performers
expect_status 64
expect_err_has "--share: expected a share above 0% and at most 50%, not '60%'"

# ---- trend: bookings by quarter over the first half -------------------------------------------
run spm-report --period 2026-H1 --by quarter --as-of 2026-06-30 trend
expect_status 0
expect_eq "header: a column per quarter" "level,id,name,measure,2026-Q1,2026-Q2,growth_pct,total_growth_pct" "$(head -n 1 out)"
# a1 800 -> 500: -37.5%; a2 400 -> 900: +125%; b2 0 -> 200: no growth from zero.
expect_eq "growth" "a1,800.00,500.00,-37.50 a2,400.00,900.00,125.00 b2,0.00,200.00," \
	"$(grep -E '^rep,(a1|a2|b2),' out | cut -d, -f2,5,6,7 | tr '\n' ' ' | sed 's/ $//')"
run spm-report --period 2026-H1 --by quarter --as-of 2026-06-30 --level team trend
expect_eq "teams: North 1,700 -> 1,900 (+11.76%), South 600 -> 500 (-16.66%)" \
	"North,1700.00,1900.00,11.76 South,600.00,500.00,-16.66" \
	"$(tail -n +2 out | cut -d, -f2,5,6,7 | tr '\n' ' ' | sed 's/ $//')"
run spm-report --period 2026-H1 --by quarter --as-of 2026-06-30 --level company --measure deals trend
expect_eq "the company's won deals: 6 then 6" "company,,,deals,6,6,0.00,0.00" "$(sed -n 2p out)"
run spm-report --period 2026-H1 --by quarter --as-of 2026-02-10 trend
expect_eq "only the quarters begun by the as-of day" "level,id,name,measure,2026-Q1,growth_pct,total_growth_pct" "$(head -n 1 out)"
run spm-report --period 2026-H1 --by quarter --as-of 2026-06-30 -f table trend
expect_out_has "█"
run spm-report --period 2026-Q1 --by year trend
expect_status 64
expect_err_has "--by year: 2026-Q1 is shorter"

# ---- peers: Q2 within the team ------------------------------------------------------------------
# North: a2 900, a1 500, a3 400, a4 100; median (500 + 400) / 2 = 450; a1's gap +50, a4's -350.
# South: b1 300, b2 200; median 250.
run spm-report --period 2026-Q2 peers
expect_status 0
expect_eq "rank, of, percentile, median, gap" \
	"a2,1,4,100.00,450.00,450.00 a1,2,4,66.66,450.00,50.00 a3,3,4,33.33,450.00,-50.00 a4,4,4,0.00,450.00,-350.00 b1,1,2,100.00,250.00,50.00 b2,2,2,0.00,250.00,-50.00" \
	"$(tail -n +2 out | cut -d, -f1,9,10,11,12,13 | tr '\n' ' ' | sed 's/ $//')"
run spm-report --period 2026-Q2 --within company --rep b1 peers
expect_eq "within the company, one rep's row among all six" "b1,4,6,40.00,350.00,-50.00" \
	"$(tail -n +2 out | cut -d, -f1,9,10,11,12,13)"
# Within the role: AE a1 500, a3 400, b1 300 (median 400); SE a2 900, b2 200, a4 100 (median 200).
run spm-report --period 2026-Q2 --within role peers
expect_eq "by role, each group ranked on its own" \
	"a1,AE,1,3,100.00 a3,AE,2,3,0.00 b1,AE,3,3,-100.00 a2,SE,1,3,700.00 b2,SE,2,3,0.00 a4,SE,3,3,-100.00" \
	"$(tail -n +2 out | cut -d, -f1,6,9,10,13 | tr '\n' ' ' | sed 's/ $//')"
run spm-report --period 2026-Q2 --within region peers
expect_status 64
expect_err_has "--within: expected team, role or company, not 'region'"
run spm-report --period 2026-Q2 --rep zz peers
expect_status 65
expect_err "spm-report: rep 'zz' is not among the reps of the period"

# ---- activity: Q1 ---------------------------------------------------------------------------------
# a1: 20 calls, 14 emails, 6 meetings = 40; 1 won deal, 800: 6 meetings per won deal, 40 × 1000 /
# 800 = 50 per 1,000. b1: 5 meetings + 1 webinar = 6; 2 deals, 600: 2.5 and 10. b2: 30 calls and no
# bookings: no ratios.
run spm-report --period 2026-Q1 activity
expect_status 0
expect_eq "header" "level,id,name,period,calls,emails,meetings,webinars,demos,activities,won_deals,bookings,meetings_per_won_deal,activities_per_1000,currency" "$(head -n 1 out)"
expect_eq "a1" "rep,a1,Ada,2026-Q1,20,14,6,0,0,40,1,800.00,6.00,50.00,USD" "$(grep ',a1,' out)"
expect_eq "b1" "rep,b1,Dee,2026-Q1,0,0,5,1,0,6,2,600.00,2.50,10.00,USD" "$(grep ',b1,' out)"
expect_eq "b2: no deals, no ratios" "rep,b2,Eve,2026-Q1,30,0,0,0,0,30,0,0.00,,,USD" "$(grep ',b2,' out)"
run spm-report --period 2026-Q1 --by month --level team activity
expect_eq "North by month: 26, 14, 0 activities" "2026-01,26 2026-02,14 2026-03,0" \
	"$(grep ',North,' out | cut -d, -f4,10 | tr '\n' ' ' | sed 's/ $//')"

# ---- survey -------------------------------------------------------------------------------------------
# 2026-Q1, pooled: North 20 answers, 5 promoters (25%), 11 passives, 4 detractors (20%): +5.
# South 100 answers: 60 promoters, 25 passives, 15 detractors: +45. A 7 is passive, a 9 a promoter.
{
	echo "respondent,date,question,rep_id,score"
	i=0
	while [ $i -lt 20 ]; do
		if [ $i -lt 5 ]; then s=9; elif [ $i -lt 16 ]; then s=7; else s=6; fi
		echo "n$i,2026-02-01,recommend,a1,$s"
		i=$((i + 1))
	done
	i=0
	while [ $i -lt 100 ]; do
		if [ $i -lt 60 ]; then s=10; elif [ $i -lt 85 ]; then s=8; else s=0; fi
		echo "s$i,2026-03-01,recommend,b1,$s"
		i=$((i + 1))
	done
	# a second survey in April: n0 answers again, now a detractor
	echo "n0,2026-04-01,recommend,a1,3"
} >survey.csv
spm-import --quiet survey survey.csv
run spm-report --period 2026-Q1 survey
expect_status 0
expect_eq "header" "level,team,period,from,to,answers,promoters,passives,detractors,promoters_pct,detractors_pct,score" "$(head -n 1 out)"
expect_eq "25% promoters and 20% detractors score +5" "team,North,2026-Q1,2026-01-01,2026-03-31,20,5,11,4,25.0,20.0,5.0" "$(grep ',North,' out)"
expect_eq "60/25/15 of 100 score +45" "team,South,2026-Q1,2026-01-01,2026-03-31,100,60,25,15,60.0,15.0,45.0" "$(grep ',South,' out)"
# the company: 65 promoters, 19 detractors of 120: 100 × 46 / 120 = 38.33...
expect_eq "the company" "company,,2026-Q1,2026-01-01,2026-03-31,120,65,36,19,54.2,15.8,38.3" "$(grep '^company,' out)"
# H1 by quarter: Q2 holds only n0's 3, a detractor: -100.
run spm-report --period 2026-H1 --by quarter --as-of 2026-06-30 --team North survey
expect_eq "per quarter, one team" "2026-Q1,5.0 2026-Q2,-100.0" \
	"$(tail -n +2 out | cut -d, -f3,12 | tr '\n' ' ' | sed 's/ $//')"
# Pooled over the half, n0 counts twice (21 answers: 5 promoters, 5 detractors: 0); latest keeps
# n0's April answer only (20 answers: 4 promoters, 5 detractors: -5).
run spm-report --period 2026-H1 --as-of 2026-06-30 --team North survey
expect_eq "pooled" "21,5,5,0.0" "$(tail -n +2 out | cut -d, -f6,7,9,12)"
run spm-report --period 2026-H1 --as-of 2026-06-30 --team North --latest survey
expect_eq "latest" "20,4,5,-5.0" "$(tail -n +2 out | cut -d, -f6,7,9,12)"
# A name a spreadsheet would run as a formula is written with a leading quote in CSV and TSV.
printf 'rep_id,name,team,hire_date\nz9,"=HYPERLINK(""http://x"")",South,2025-01-01\n' >formula.csv
run spm-import --quiet reps formula.csv
expect_status 0
run spm-report --period 2026-Q1 --team South leaderboard
expect_eq "CSV: the formula neutralised" "1" "$(grep -c "^2,z9,\"'=HYPERLINK(\"\"http://x\"\")\"," out)"
run spm-report --period 2026-Q1 --team South -f tsv leaderboard
expect_eq "TSV: the formula neutralised" "1" "$(grep -c "	'=HYPERLINK" out)"
run spm-report --period 2026-Q1 --question pay survey
expect_status 65
expect_err "spm-report: no answers to question 'pay' in the store"
finish
