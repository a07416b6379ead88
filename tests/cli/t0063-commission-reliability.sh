#!/bin/sh
# A run is one transaction: killed at any point it leaves the previous run and the store intact;
# a reader during a run sees the old run or the new one, never a mix; a second writer waits for
# the busy timeout, then fails with exit 75.
. "$SPM_SRC/tests/cli/lib.sh"
plan="$SPM_SRC/examples/plans/ae-2026.yaml"

# 200 reps and 20,000 deals, made here so that a run takes long enough to be caught in the middle.
awk 'BEGIN {
	print "rep_id" > "reps.csv"
	print "rep_id,period,amount" > "quotas.csv"
	print "rep_id,plan,from" > "assignments.csv"
	for (i = 1; i <= 200; i++) {
		r = sprintf("r%03d", i)
		print r > "reps.csv"
		print r ",2026-Q1,250000" > "quotas.csv"
		print r ",ae-2026,2026-01-01" > "assignments.csv"
	}
	print "deal_id,rep_id,amount,currency,status,close_date,type" > "deals.csv"
	for (d = 1; d <= 20000; d++)
		printf "D%05d,r%03d,%d.%02d,EUR,won,2026-%02d-%02d,%s\n", d, 1 + d % 200,
			1000 + (d * 7919) % 90000, d % 100, 1 + d % 3, 1 + d % 28,
			d % 5 ? "new" : "renewal" > "deals.csv"
}'
for kind in reps quotas assignments deals; do
	run spm-import "$kind" "$kind.csv"
	expect_status 0
done

run spm-commission --quiet --period 2026-Q1 run "$plan"
expect_status 0
cp out first.csv
state() {
	sqlite3 -batch "$SPM_DB" "select run_id, inputs_hash from runs;
		select count(*), sum(amount) from payout_lines;
		select count(*), sum(json_extract(j.value, '\$[8]')) from payout_lines l, json_each(l.credits) j; select count(*) from ledger"
}
before=$(state)

# Killed at points through the run, the previous run stays whole and the store sound.
for delay in 0.01 0.03 0.06 0.1 0.2 0.4; do
	spm-commission --quiet --period 2026-Q1 run "$plan" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	expect_eq "integrity after a kill at ${delay}s" "ok" "$(sql 'pragma integrity_check')"
	now=$(state)
	# the kill may come after the commit: then the new run replaced the old one, whole
	if [ "$now" != "$before" ]; then
		expect_eq "a run that finished before the kill is whole" \
			"$(echo "$before" | tail -n 3)" "$(echo "$now" | tail -n 3)"
		before=$now
	else
		pass "the previous run intact after a kill at ${delay}s"
	fi
done
run spm-commission --quiet --period 2026-Q1 run "$plan"
expect_status 0
expect_eq "the run after the kills writes what the first one did" "$(cat first.csv)" "$(cat out)"

# A reader during a run sees the old totals or the new ones, never a mix.
old=$(sql "select count(*) || ' ' || sum(amount) from payout_lines")
sql "update deals set amount = amount * 2 where type = 'renewal'"
spm-commission --quiet --period 2026-Q1 run "$plan" >/dev/null 2>&1 &
pid=$!
seen=""
while kill -0 "$pid" 2>/dev/null; do
	seen="$seen
$(sql "select count(*) || ' ' || sum(amount) from payout_lines")"
done
wait "$pid"
expect_eq "the second run succeeded" "0" "$?"
new=$(sql "select count(*) || ' ' || sum(amount) from payout_lines")
mixed=$(echo "$seen" | grep -v '^$' | grep -v -x -F -e "$old" -e "$new" | head -n 1)
expect_eq "every read saw the old run or the new one" "" "$mixed"

# A second writer waits for the busy timeout, then gives up with exit 75; the store is unchanged.
before=$(digest)
(printf 'BEGIN IMMEDIATE;\nSELECT 1;\n'; sleep 3; printf 'COMMIT;\n') | sqlite3 "$SPM_DB" >/dev/null &
holder=$!
sleep 0.5
SPM_BUSY_TIMEOUT=300 run spm-commission --period 2026-Q1 run "$plan"
expect_status 75
expect_err_has "busy"
wait "$holder"
expect_eq "nothing written by the busy run" "$before" "$(digest)"
finish
