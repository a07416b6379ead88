#!/bin/sh
# The example job: loads Harbor Lane Software, the fictional company in examples/data/, into the
# store named by $SPM_DB (or --db in the environment's spm defaults), in the order references need:
# territories before the reps in them, reps before their deals, deals before their credits.
set -eu
data=$(cd "$(dirname "$0")/data" && pwd)

spm-import territories "$data/territories.csv"
spm-import reps "$data/reps.csv"
spm-import stages "$data/stages.csv"
spm-import deals "$data/deals.csv"
# A second deals file straight from a CRM: its own column names, ';' and decimal commas, US dates.
spm-import --map-file "$data/crm-export.map" --date-format %m/%d/%Y --decimal-comma \
	deals "$data/crm-export.csv"
spm-import credits "$data/credits.csv"
spm-import quotas "$data/quotas.csv"
spm-import activities "$data/activities.json"
spm-import survey "$data/survey.jsonl"
spm-import fx "$data/fx.csv"
spm-import assignments "$data/assignments.csv"
spm-import adjustments "$data/adjustments.csv"
