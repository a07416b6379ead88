#!/bin/sh
# The example nightly job: the day's files checked then imported, the open period run, statements
# and the payroll written; and the exit statuses cron tells apart: bad data, a bad plan, a busy store.
. "$SPM_SRC/tests/cli/lib.sh"
"$SPM_SRC/examples/job.sh" >/dev/null 2>&1 || exit 1
plan="$SPM_SRC/examples/plans/ae-2026.yaml"
mkdir incoming
cp "$SPM_SRC/examples/data/deals.csv" "$SPM_SRC/examples/data/credits.csv" incoming/

export PERIOD=2026-Q1
run "$SPM_SRC/examples/nightly.sh" incoming pay "$plan"
expect_status 0
expect_err "nightly: 2026-Q1 paid; statements and payroll in pay/2026-Q1"
expect_eq "a statement per rep with lines" \
	"$(sql "select count(distinct rep_id) from payout_lines")" \
	"$(grep -c 'class="page"' pay/2026-Q1/statements.html)"
expect_eq "the payroll adds up to the run" \
	"$(tail -n +2 pay/2026-Q1/payroll.csv | awk -F, '{ split($5, p, "."); c += p[1] * 100 + p[2] } END { print c }')" \
	"$(sql "select sum(amount) / 100 from payout_lines")"

# Bad data: the night stops before anything is imported.
printf 'deal_id,rep_id,amount,status,close_date\nN2,r04,12,5x,won,2026-03-30\n' >incoming/credits.csv
before=$(digest)
run "$SPM_SRC/examples/nightly.sh" incoming pay "$plan"
expect_status 65
expect_err_has "credits.csv:"
expect_eq "nothing imported" "$before" "$(digest)"
cp "$SPM_SRC/examples/data/credits.csv" incoming/

# A bad plan.
printf 'plan: broken\ncurrency: EUR\nperiod: quarter\n' >broken.yaml
run "$SPM_SRC/examples/nightly.sh" incoming pay broken.yaml
expect_status 78
expect_err_has "broken.yaml:"

# A busy store: another job holds it.
(printf 'BEGIN IMMEDIATE;\nSELECT 1;\n'; sleep 3; printf 'COMMIT;\n') | sqlite3 "$SPM_DB" >/dev/null &
holder=$!
sleep 0.5
SPM_BUSY_TIMEOUT=200 run "$SPM_SRC/examples/nightly.sh" incoming pay "$plan"
expect_status 75
wait "$holder"
finish
