#!/bin/sh
# spm-import's everyday work: loading each format, the summary, idempotent re-imports, updates in
# place, attributes, standard input, mapping, constants, the import record.
. "$SPM_SRC/tests/cli/lib.sh"

cat >territories.csv <<'CSV'
territory_id,name,parent_id
ALL,Everywhere,
EMEA,Europe,ALL
CSV
cat >reps.csv <<'CSV'
rep_id,name,email,manager_id,team,territory,role,hire_date,end_date,currency,slack
r1,Ann Lee,ann@example.com,m1,Blue,EMEA,AE,2025-01-06,,EUR,@ann
r2,Bo Chen,bo@example.com,m1,Blue,EMEA,AE,2026-02-16,,eur,
m1,Mia Wong,mia@example.com,,Blue,EMEA,manager,2020-03-01,,EUR,
CSV
run spm-import territories territories.csv
expect_status 0
expect_out "territories: 2 records from territories.csv: 2 new, 0 updated, 0 unchanged, 0 rejected"
run spm-import reps reps.csv
expect_status 0
expect_out "reps: 3 records from reps.csv: 3 new, 0 updated, 0 unchanged, 0 rejected; kept as attributes: slack"
expect_no_err
expect_eq "currency stored in upper case" "EUR" "$(sql "select currency from reps where rep_id='r2'")"
expect_eq "attributes kept" '{"slack":"@ann"}' "$(sql "select attrs from reps where rep_id='r1'")"
expect_eq "empty attribute left out" "" "$(sql "select attrs from reps where rep_id='r2'")"
expect_eq "store file is private" "600" "$(stat -c %a "$SPM_DB")"

# The same file again changes nothing; a changed row is updated in place.
before=$(digest)
run spm-import reps reps.csv
expect_out "reps: 3 records from reps.csv: 0 new, 0 updated, 3 unchanged, 0 rejected; kept as attributes: slack"
sed 's/Bo Chen/Bo Chen-Li/' reps.csv >reps2.csv
run spm-import reps reps2.csv
expect_out "reps: 3 records from reps2.csv: 0 new, 1 updated, 2 unchanged, 0 rejected; kept as attributes: slack"
expect_eq "updated in place" "Bo Chen-Li" "$(sql "select name from reps where rep_id='r2'")"
expect_eq "origin line kept" "3" "$(sql "select line from reps where rep_id='r2'")"
expect_eq "every import recorded" "4" "$(sql "select count(*) from imports")"

# JSON arrays and JSON Lines, numbers kept exact.
cat >deals.json <<'JSON'
[{"deal_id": "D1", "rep_id": "r1", "amount": 1234.5678, "currency": "EUR", "close_date": "2026-03-31", "status": "won", "probability": 1},
 {"deal_id": "D2", "rep_id": "r2", "amount": "99.9", "stage": "Negotiation", "close_date": null, "source": {"x": 1}}]
JSON
run spm-import deals deals.json
expect_status 65
expect_err "spm-import: deals.json:2: nested object where a value belongs: key 'source'"
sed 's/, "source": {"x": 1}//' deals.json >deals2.json
run spm-import deals deals2.json
expect_status 0
expect_eq "exact amount" "12345678" "$(sql "select amount from deals where deal_id='D1'")"
expect_eq "status from the stage name" "open" "$(sql "select status from deals where deal_id='D2'")"
printf '%s\n' '{"deal_id":"D3","rep_id":"r1","amount":10,"close_date":"2026-01-05","stage":"Closed Won"}' \
	'' '{"deal_id":"D4","territory":"EMEA","amount":0.0001,"close_date":"2026-01-06","stage":"closed lost"}' >more.jsonl
run spm-import deals more.jsonl
expect_status 0
expect_out "deals: 2 records from more.jsonl: 2 new, 0 updated, 0 unchanged, 0 rejected"
expect_eq "won from 'Closed Won'" "won" "$(sql "select status from deals where deal_id='D3'")"
expect_eq "lost from 'closed lost'" "lost|1" "$(sql "select status, amount from deals where deal_id='D4'")"

# Standard input, a stage table, mapping and constants.
cat >stages.csv <<'CSV'
stage;status;probability;forecast_category
Negotiation;open;60%;commit
Signed;won;100%;closed
CSV
run spm-import stages stages.csv
expect_status 0
expect_eq "percent stored as a rate" "6000000000" "$(sql "select probability from stages where stage='Negotiation'")"
printf 'Opp,Owner,Value,Stage,Closed\nD5,r1,500,Signed,2026-02-01\n' |
	run spm-import --map deal_id=Opp --map rep_id=Owner --map amount=Value --map close_date=Closed \
		--set currency=GBP deals -
expect_status 0
expect_out "deals: 1 records from stdin: 1 new, 0 updated, 0 unchanged, 0 rejected"
expect_eq "status from the stage table, constant set" "won|GBP" "$(sql "select status, currency from deals where deal_id='D5'")"

# Summary formats.
run spm-import --format json reps reps2.csv
expect_status 0
expect_out '[
{"kind":"reps","sources":"reps2.csv","read":3,"new":0,"updated":0,"unchanged":3,"rejected":0,"created_managers":0,"created_territories":0,"attributes":"slack","checked_only":false}
]'
run spm-import --quiet reps reps2.csv
expect_status 0
expect_out ""

# --check validates against the store and writes nothing.
before=$(digest)
printf 'deal_id,rep_id,amount,status,close_date\nD9,r1,5,won,2026-03-01\n' >check.csv
run spm-import --check deals check.csv
expect_status 0
expect_out "deals: checked 1 records from check.csv: 1 would be new, 0 would be updated, 0 unchanged, 0 rejected"
expect_eq "check wrote nothing" "$before" "$(digest)"
run spm-import --check --db nowhere.db deals check.csv
expect_status 65
expect_err "spm-import: check.csv:2: column 'rep_id': unknown rep 'r1'"
expect_eq "no store created by a check" "no" "$(test -e nowhere.db && echo yes || echo no)"

# Managers named only as a manager are created; credits, quotas and the rest.
printf 'rep_id,manager_id,team\nr7,boss,Green\nr8,boss,Green\n' >team.csv
run spm-import reps team.csv
expect_status 0
expect_out "reps: 2 records from team.csv: 2 new, 0 updated, 0 unchanged, 0 rejected; created 1 managers"
expect_eq "created manager" "manager|Green" "$(sql "select role, team from reps where rep_id='boss'")"
printf 'deal_id,rep_id,share,kind\nD1,r1,60%%,\nD1,r2,0.4,revenue\nD1,m1,100%%,overlay\n' >credits.csv
run spm-import credits credits.csv
expect_status 0
expect_eq "credits" "3" "$(sql "select count(*) from credits")"
printf 'rep_id,team,territory,period,amount\nr1,,,2026-Q1,150000\n,Blue,,2026-Q1,400000\n,,EMEA,2026,1000000\n' >quotas.csv
run spm-import quotas quotas.csv
expect_status 0
expect_eq "quota scope and bounds" "rep|r1|2026-Q1|2026-01-01|2026-03-31|bookings|1500000000" \
	"$(sql "select scope, scope_id, period, period_first, period_last, metric, amount from quotas where scope='rep'")"
printf 'rep_id,period,amount,reason\nr1,2026-03,-150.25,correction\n' >adj.csv
run spm-import adjustments adj.csv
expect_status 0
expect_eq "adjustment id by default" "r1/2026-03/correction|-1502500" "$(sql "select adjustment_id, amount from adjustments")"
printf 'currency,date,rate\nEUR,2026-01-01,1.0834\nGBP,2026-01-01,1.2712\n' >fx.csv
run spm-import fx fx.csv
expect_status 0
expect_eq "fx base from the store" "USD|EUR|10834000000" "$(sql "select base, currency, rate from fx where currency='EUR'")"
printf 'rep_id,date,kind,count,duration\nr1,2026-01-05,call,12,95\nr1,2026-01-05,Meeting,2,\n' >act.csv
run spm-import activities act.csv
expect_status 0
expect_eq "activity id by default" "r1/2026-01-05/call|12|95" "$(sql "select activity_id, count, duration from activities where kind='call'")"
printf '{"respondent":"x1","rep_id":"r1","date":"2026-03-15","score":9}\n{"respondent":"x2","date":"2026-03-15","score":6,"comment":"Zo\\u00eb says \\"hi\\""}\n' >survey.jsonl
run spm-import survey survey.jsonl
expect_status 0
expect_eq "survey comment unescaped" 'Zoë says "hi"' "$(sql "select comment from survey where respondent='x2'")"
printf 'rep_id,plan,from,to\nr1,ae-2026,2026-01-01,2026-12-31\n' >assign.csv
run spm-import assignments assign.csv
expect_status 0
expect_eq "assignment" "r1|ae-2026|2026-01-01|2026-12-31" "$(sql "select rep_id, plan, from_date, to_date from assignments")"

# Several files in one call land together; a duplicate across them names the first file.
printf 'deal_id,rep_id,status\nD20,r1,open\n' >a.csv
printf 'deal_id,rep_id,status\nD21,r1,open\nD20,r2,open\n' >b.csv
before=$(digest)
run spm-import deals a.csv b.csv
expect_status 65
expect_err "spm-import: b.csv:3: duplicate key 'D20' (first in a.csv:2)"
expect_eq "nothing from either file" "$before" "$(digest)"
finish
