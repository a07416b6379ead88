#!/bin/sh
# The example job: loads Harbor Lane Software, the fictional company in examples/data/, into the
# store named by $SPM_DB, in the order references need:
# territories before the reps in them, reps before their deals, deals before their credits.
set -eu
# The store stays where the caller meant it, whatever directory this runs from.
case ${SPM_DB:=spm.db} in
/*) ;;
*) SPM_DB=$PWD/$SPM_DB ;;
esac
export SPM_DB
cd "$(dirname "$0")/data"

spm-import territories territories.csv
spm-import reps reps.csv
spm-import stages stages.csv
spm-import deals deals.csv
# A second deals file straight from a CRM: its own column names, ';' and decimal commas, US dates.
spm-import --map-file crm-export.map --date-format %m/%d/%Y --decimal-comma \
	deals crm-export.csv
spm-import credits credits.csv
spm-import quotas quotas.csv
spm-import activities activities.json
spm-import survey survey.jsonl
spm-import fx fx.csv
spm-import assignments assignments.csv
spm-import adjustments adjustments.csv
spm-import budgets budgets.csv

# The plan, checked: its shape of pay, and who sold in each quarter without a plan.
cd ..

# The annual plan: 12,000,000 of bookings for 2026, split evenly over the two teams' reps, who
# carry 10% more than their team; new hires ramped and leavers prorated. The rows go straight
# into the store as quotas for the year (the commission plan pays on the quarterly ones).
spm-quota --quiet --period 2026 --total 12000000 --over 10% --ramp plans/ramp-2026.yaml \
	allocate | spm-import quotas -

spm-commission --quiet --period 2026-Q1 check plans/ae-2026.yaml
spm-commission --quiet --period 2026-Q2 check plans/ae-2026.yaml

# The first quarter's commissions: every assigned rep's pay, stored as a run and written out.
spm-commission --quiet --period 2026-Q1 run plans/ae-2026.yaml

# Next quarter: the pipeline of 2026-Q3 as it stood on 1 July, per team and for the company, kept
# as a snapshot to be held against what closes; and the company's bookings, month by month, for
# the next three months from their history.
spm-forecast --quiet --period 2026-Q3 --as-of 2026-07-01 --level team,company pipeline
spm-forecast --quiet --period 2026-Q3 --as-of 2026-07-01 snapshot
spm-forecast --quiet --horizon 3 series

# Reports on the first quarter: the five reps furthest above quota, what pay cost against revenue
# and the budget, and how the teams answered the employee surveys of the half.
spm-report --quiet --period 2026-Q1 --as-of 2026-03-31 --measure attainment --top 5 leaderboard
spm-report --quiet --period 2026-Q1 --as-of 2026-03-31 --currency EUR budget
spm-report --quiet --period 2026-H1 --as-of 2026-06-30 --by quarter survey

# The half on one page, beside the store: open dashboard.html in a browser (examples/dashboard.png
# is a picture of it).
spm-report --quiet --period 2026-H1 --as-of 2026-06-30 --by quarter \
	-o "$(dirname "$SPM_DB")/dashboard.html" dashboard
