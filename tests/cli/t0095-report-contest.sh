#!/bin/sh
# spm-report contest and badges on the example company: the example contest's places and prizes
# against the leaderboard, a pot paid to the cent, milestones, the refusals of a bad file with its
# line and column; streaks against each quarter's attainment, first deals against SQL, the
# largest deal of each quarter.
. "$SPM_SRC/tests/cli/lib.sh"
"$SPM_SRC/examples/job.sh" >/dev/null 2>&1 || exit 1
sprint="$SPM_SRC/examples/contests/q2-sprint.yaml"

# The example: Enterprise's reps with at least 50,000 of Q2 bookings, ranked; 10,000 shared
# 50/30/20 by the first three places.
run spm-report contest "$sprint"
expect_status 0
expect_eq "header" "contest,rank,rep_id,name,team,measure,value,qualified,prize,milestone,currency" "$(head -n 1 out)"
spm-report --quiet --period 2026-Q2 --team Enterprise leaderboard >board.csv
expect_eq "the places and values are the team's leaderboard's" "$(tail -n +2 board.csv | cut -d, -f1,2,6)" \
	"$(tail -n +2 out | cut -d, -f2,3,7)"
expect_eq "prizes by place" "5000.00 3000.00 2000.00" "$(tail -n +2 out | head -n 3 | cut -d, -f9 | tr '\n' ' ' | sed 's/ $//')"
expect_eq "the pot paid to the cent" "10000.00" \
	"$(tail -n +2 out | cut -d, -f9 | awk '$1 != "" { s += $1 * 100 } END { printf "%.2f", s / 100 }')"
expect_err "spm-report: Q2 new-logo sprint: 13 reps, 3 with a prize, 2026-Q2 to 2026-06-30"

# --period overrides the file's; a minimum nobody reaches pays nobody.
cat >high.yaml <<'YAML'
contest: Out of reach
measure: bookings
rule: minimum
minimum: 99000000
prizes:
  pot: 1000
  shares: [100%]
YAML
run spm-report --period 2026-Q1 contest high.yaml
expect_status 0
expect_eq "nobody qualifies, nobody is ranked or paid" "0 0" \
	"$(grep -c ',yes,' out) $(tail -n +2 out | cut -d, -f2,9 | grep -vc '^,$')"
# Milestones on won deals: the highest reached only.
cat >deals.yaml <<'YAML'
contest: Deal ladder
measure: deals
period: 2026-Q2
rule: milestones
milestones:
  - at: 5
    prize: 100
  - at: 8
    prize: 250
YAML
run spm-report contest deals.yaml
expect_status 0
spm-report --quiet --period 2026-Q2 --measure deals leaderboard >deals.csv
expect_eq "250.00 for 8 or more won deals, 100.00 for 5 to 7, nothing below" \
	"$(tail -n +2 deals.csv | awk -F, '{ p = $6 >= 8 ? "250.00" : $6 >= 5 ? "100.00" : ""; print $2 "," p }' | sort)" \
	"$(tail -n +2 out | cut -d, -f3,9 | sort)"

# Refusals: the file's line and column, exit 78; no file, 74; no period, 64.
printf 'contest: Bad\nmeasure: charm\n' >bad.yaml
run spm-report --period 2026-Q2 contest bad.yaml
expect_status 78
expect_err_has "bad.yaml:2:"
expect_err_has "charm"
printf 'contest: Typo\nmeasure: bookings\npreizes:\n  pot: 5\n' >typo.yaml
run spm-report --period 2026-Q2 contest typo.yaml
expect_status 78
expect_err_has "typo.yaml:3:1"
run spm-report contest missing.yaml
expect_status 74
run spm-report contest high.yaml
expect_status 64
expect_err_has "contest: high.yaml has no period: give --period"
run spm-report contest
expect_status 64
expect_err_has "contest: give the contest's file"

# ---- badges: 2026 by quarter, to the end of June ------------------------------------------------
run spm-report --period 2026 --as-of 2026-06-30 --by quarter badges
expect_status 0
expect_eq "header" "period,badge,rep_id,name,streak,longest,date,amount,currency" "$(head -n 1 out)"
# A streak in Q2: at or above quota in Q1 and in Q2.
at_quota() { spm-report --quiet --period "$1" --measure attainment leaderboard | awk -F, 'NR > 1 && $6 != "" && $6 + 0 >= 100 { print $2 }' | sort; }
at_quota 2026-Q1 >q1.txt
at_quota 2026-Q2 >q2.txt
expect_eq "streaks: the reps at quota both quarters" "$(comm -12 q1.txt q2.txt | tr '\n' ' ')" \
	"$(grep '^2026-Q2,streak,' out | cut -d, -f3 | sort | tr '\n' ' ')"
expect_eq "each a streak of 2" "" "$(grep '^2026-Q2,streak,' out | cut -d, -f5,6 | grep -v '^2,2$')"
# First deals: each rep's first won deal as owner or split, by SQL, when it falls in the half.
sql "with lines as (
	select d.rep_id, d.close_date as day from deals d where d.status = 'won' and d.amount is not null
		and (d.cancel_date is null or d.cancel_date > '2026-06-30') and d.rep_id is not null
		and not exists (select 1 from credits c where c.deal_id = d.deal_id and c.kind = 'revenue')
	union all
	select c.rep_id, d.close_date from deals d join credits c on c.deal_id = d.deal_id and c.kind = 'revenue'
		where d.status = 'won' and d.amount is not null
		and (d.cancel_date is null or d.cancel_date > '2026-06-30'))
	select rep_id || ',' || min(day) from lines where day <= '2026-06-30' group by rep_id
	having min(day) >= '2026-01-01' order by rep_id" >first.txt
expect_eq "first deals, as SQL finds them" "$(cat first.txt)" \
	"$(grep ',first-deal,' out | cut -d, -f3,7 | sort)"
# The largest deal of each quarter: the leaderboard by largest deal puts its rep first.
for q in 1 2; do
	expect_eq "2026-Q$q's largest deal" \
		"$(spm-report --quiet --period 2026-Q$q --measure largest --top 1 leaderboard | tail -n +2 | cut -d, -f2,6)" \
		"$(grep "^2026-Q$q,largest-deal," out | cut -d, -f3,8)"
done
run spm-report --period 2026 --as-of 2026-06-30 --by quarter --team Mid-Market badges
expect_eq "--team: that team's reps only" "0" \
	"$(tail -n +2 out | cut -d, -f3 | grep -vcE "^($(sql "select group_concat(rep_id, '|') from reps where team = 'Mid-Market'"))$")"
finish
