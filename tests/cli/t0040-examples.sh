#!/bin/sh
# The example job runs as the README says, loads every file of the example company, and running it
# a second time changes nothing.
. "$SPM_SRC/tests/cli/lib.sh"
data="$SPM_SRC/examples/data"

run "$SPM_SRC/examples/job.sh"
expect_status 0
expect_no_err
# Every data line of every file is a record in the store.
rows() { tail -n +2 "$data/$1" | grep -c .; }
expect_eq "reps" "$(rows reps.csv)" "$(sql "select count(*) from reps")"
expect_eq "deals from both files" "$(($(rows deals.csv) + $(rows crm-export.csv)))" "$(sql "select count(*) from deals")"
expect_eq "credits" "$(rows credits.csv)" "$(sql "select count(*) from credits")"
expect_eq "quotas" "$(rows quotas.csv)" "$(sql "select count(*) from quotas where period <> '2026'")"
expect_eq "the annual plan from spm-quota: a line per team and per rep who sells" \
	"$(sql "select count(distinct team) + (select count(*) from reps r where not exists (select 1 from reps m where m.manager_id = r.rep_id)) from reps")" \
	"$(sql "select count(*) from quotas where period = '2026'")"
expect_eq "the teams' lines add up to the target" "120000000000" "$(sql "select sum(amount) from quotas where period = '2026' and scope = 'team'")"
expect_eq "a rep hired in May has a ramped, prorated year, and says why" "1" \
	"$(sql "select json_extract(attrs, '\$.note') like 'full %; hired 2026-05-11; ramp 25%/50%/75%; prorated by whole months; %' from quotas where scope_id = 'r29' and period = '2026'")"
expect_eq "survey answers" "$(grep -c . "$data/survey.jsonl")" "$(sql "select count(*) from survey")"
expect_eq "activities" "$(grep -c '"rep_id"' "$data/activities.json")" "$(sql "select count(*) from activities")"
expect_eq "every deal has a status from its stage" "0" "$(sql "select count(*) from deals d join stages s on s.stage = d.stage where d.status <> s.status")"
expect_eq "CRM dates and decimal commas" "1" "$(sql "select count(*) from deals where deal_id = 'D2001' and close_date like '2026-__-__' and amount > 0")"
expect_eq "revenue splits add up" "0" "$(sql "select count(*) from (select deal_id from credits where kind = 'revenue' group by deal_id having sum(share) <> 10000000000)")"

expect_eq "next quarter's pipeline kept as a snapshot" "1" "$(sql "select count(*) from forecast_snapshots where period = '2026-Q3'")"
expect_eq "and the months ahead forecast" "2026-07
2026-08
2026-09" "$(grep -o '^2026-0[789],' out | tr -d ,)"

expect_eq "the half's dashboard beside the store, its eight cards" "8" \
	"$(grep -c '<section class="card' "$(dirname "$SPM_DB")/dashboard.html")"
expect_eq "budgets" "$(rows budgets.csv)" "$(sql "select count(*) from budgets")"
expect_eq "the quarter's five best by attainment, ranked" "1 2 3 4 5" \
	"$(grep -A5 '^rank,rep_id,name,team,measure' out | tail -n 5 | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//')"
expect_eq "pay against the budget: each team, then the company's from the teams'" \
	"team,Enterprise,set team,Mid-Market,set company,,sum" \
	"$(grep -E '^(team|company),[^,]*,2026-Q1,.*,EUR$' out | cut -d, -f1,2,8 | tr '\n' ' ' | sed 's/ $//')"
expect_eq "the survey by quarter, the company's score each time" "2" "$(grep -c '^company,,2026-Q[12],2026-' out)"

before=$(digest)
run "$SPM_SRC/examples/job.sh"
expect_status 0
expect_eq "a second run adds and updates nothing" "0" "$(grep ' records from ' out | grep -vc ' 0 new, 0 updated, ')"
expect_eq "the plan is checked: the solutions engineer sells on no plan" "warning: no plan: rep 'r30' has won deals in 2026-Q1 but no assignment to any plan checked
warning: no plan: rep 'r30' has won deals in 2026-Q2 but no assignment to any plan checked" "$(grep '^warning: ' out)"
finish
