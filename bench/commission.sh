#!/bin/sh
# bench/commission.sh - how fast spm-commission pays a quarter over a large store, measured against
# the sqlite3 shell computing the same payouts with one SQL query (bench/commission.sql) on the same
# store in the same run. Run by hand from the repository root:
#
#   bench/commission.sh                (builds Release into build-bench/; or SPM_BUILD=DIR)
#
# It generates 1,000,000 deals for 10,000 reps with bench/gen.c (seed 1), writes the quotas,
# assignments, split credits and exchange rates the plan needs with awk, imports everything into a
# fresh store (timed, but apart), then times, three times each and keeping the median:
#   (a) spm-commission run of 2026-Q1 under bench/commission-plan.yaml, stored;
#   (b) the sqlite3 shell running bench/commission.sql (2026-Q1) on the same store;
#   (c) a full-year recompute: spm-commission run of 2025-Q1..Q4, one after another;
# and the peak memory of (a) and (c) from GNU time's %M. Before timing it checks that the query's
# pay equals spm's stored pay, rep by rep and in total, for every quarter it runs; a difference is
# printed and fails the benchmark (exit 1). Timing itself never fails it: targets are reported.
#
# Environment: SPM_BUILD (an existing build directory), CC (default cc), SPM_BENCH_DEALS,
# SPM_BENCH_REPS, SPM_BENCH_SEED (generator options), SPM_BENCH_RUNS (default 3).
set -eu

me=bench/commission.sh
out=bench/out/commission
runs=${SPM_BENCH_RUNS:-3}
deals_n=${SPM_BENCH_DEALS:-1000000}
reps_n=${SPM_BENCH_REPS:-10000}
seed=${SPM_BENCH_SEED:-1}
db=$out/store.db
plan=bench/commission-plan.yaml
query=bench/commission.sql
quarter=2026-Q1
year=2025

die() {
	echo "$me: $*" >&2
	exit 1
}

if [ ! -f bench/gen.c ] || [ ! -f "$query" ] || [ ! -f "$plan" ]; then
	die "bench/gen.c, $query or $plan: not found: run from the repository root"
fi
command -v sqlite3 >/dev/null 2>&1 || die "'sqlite3': not found: the peer is the sqlite3 shell"
[ -x /usr/bin/time ] || die "'/usr/bin/time': not found: GNU time measures peak memory"

# ---- build ----------------------------------------------------------------------------------------
if [ -n "${SPM_BUILD:-}" ]; then
	build=$SPM_BUILD
else
	build="build-bench"
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null || die "cmake: configure failed"
	cmake --build "$build" --target spm-import spm-commission -j 2 >/dev/null ||
		die "cmake: build failed"
fi
import="$build/spm-import"
commission="$build/spm-commission"
if [ ! -x "$import" ] || [ ! -x "$commission" ]; then
	die "'$build': no spm-import or spm-commission in it"
fi

# ---- data -----------------------------------------------------------------------------------------
. bench/store.sh

# ---- checking: the query pays what spm stored, rep by rep --------------------------------------

# The query for another quarter: the same text with the two dates of its `period` replaced.
query_for() { # FIRST LAST
	sed "s/^period(first, last) AS (SELECT '2026-01-01', '2026-03-31'),\$/period(first, last) AS (SELECT '$1', '$2'),/" \
		"$query" >"$out/query-$1.sql"
	grep -q "^period(first, last) AS (SELECT '$1', '$2')" "$out/query-$1.sql" ||
		die "$query: no period line to set to $1..$2"
}

# check PERIOD FIRST LAST: spm's stored run of PERIOD (run before) against the query's pay. Prints
# one line; a rep paid differently, a rep on one side only or a total that left SQLite's integers
# fails the benchmark, with the first reps that differ.
check() {
	period=$1
	query_for "$2" "$3"
	{
		echo ".bail on"
		echo ".mode list"
		echo ".output /dev/null"
		cat "$out/query-$2.sql"
		echo ".output stdout"
		cat <<SQL
CREATE TEMP TABLE stored AS
SELECT l.rep_id,
	sum(CASE WHEN l.kind = 'commission' AND l.component = 'new-business' THEN l.amount ELSE 0 END) AS new_business,
	sum(CASE WHEN l.kind = 'commission' AND l.component = 'renewals' THEN l.amount ELSE 0 END) AS renewals,
	sum(CASE WHEN l.kind = 'bonus' THEN l.amount ELSE 0 END) AS bonus,
	sum(l.amount) AS total
FROM payout_lines l JOIN runs n ON n.run_id = l.run_id WHERE n.period = '$period'
GROUP BY l.rep_id;
CREATE TEMP TABLE diff AS
SELECT rep_id, s.new_business AS s_nb, p.new_business AS p_nb, s.renewals AS s_ren,
	p.renewals AS p_ren, s.bonus AS s_bonus, p.bonus AS p_bonus, s.total AS s_total, p.total AS p_total
FROM stored s FULL JOIN pay p USING (rep_id)
WHERE s.total IS NOT p.total OR s.new_business IS NOT p.new_business
	OR s.renewals IS NOT p.renewals OR s.bonus IS NOT p.bonus OR typeof(p.total) <> 'integer';
SELECT 'total', (SELECT count(*) FROM stored), (SELECT count(*) FROM pay),
	(SELECT printf('%.2f', sum(total) / 10000.0) FROM stored), (SELECT printf('%.2f', sum(total) / 10000.0) FROM pay),
	(SELECT sum(total) FROM stored) IS (SELECT sum(total) FROM pay), (SELECT count(*) FROM diff);
SELECT 'rep', rep_id, s_nb, p_nb, s_ren, p_ren, s_bonus, p_bonus, s_total, p_total FROM diff
ORDER BY rep_id LIMIT 10;
SQL
	} | sqlite3 "$db" >"$out/check-$period.txt" || die "check $period: the sqlite3 shell failed"
	awk -F'|' -v p="$period" '
	$1 == "total" {
		printf "%-8s spm: %5d reps, %16s   sqlite3: %5d reps, %16s   %s\n", p, $2, $4, $3, $5,
		    ($6 == 1 && $7 == 0 && $2 == $3) ? "equal" : "DIFFERENT (" $7 " reps)"
	}
	$1 == "rep" {
		printf "  rep %s: spm new-business %s renewals %s bonus %s total %s;" \
		    " sqlite3 %s %s %s %s (ten-thousandths)\n", $2, $3, $5, $7, $9, $4, $6, $8, $10
	}' "$out/check-$period.txt"
	grep -q '^total|.*|1|0$' "$out/check-$period.txt" &&
		awk -F'|' '$1 == "total" && $2 == $3 { ok = 1 } END { exit !ok }' "$out/check-$period.txt"
}

spm_run() { # PERIOD
	"$commission" --db "$db" --period "$1" --quiet --output /dev/null run "$plan" </dev/null
}

quarters="$year-Q1 $year-01-01 $year-03-31
$year-Q2 $year-04-01 $year-06-30
$year-Q3 $year-07-01 $year-09-30
$year-Q4 $year-10-01 $year-12-31
$quarter 2026-01-01 2026-03-31"

echo
echo "same pay: spm-commission run (stored) against bench/commission.sql, per quarter"
failed=0
while read -r period first last; do
	spm_run "$period" || die "'$commission run --period $period' failed"
	check "$period" "$first" "$last" || failed=1
done <<QUARTERS
$quarters
QUARTERS
if [ "$failed" != 0 ]; then
	echo "$me: THE QUERY AND SPM PAY DIFFERENTLY: see the reps above and $out/check-*.txt" >&2
	exit 1
fi

# ---- timing ---------------------------------------------------------------------------------------

# measure NAME COMMAND...: runs the command once under GNU time, appends "seconds kib" to
# $out/NAME.times. A failed run stops the benchmark.
measure() {
	name=$1
	shift
	if ! /usr/bin/time -f '%e %M' -o "$out/time.last" "$@" >"$out/$name.log" 2>&1; then
		cat "$out/$name.log" >&2
		die "$name: '$*' failed"
	fi
	tail -n 1 "$out/time.last" >>"$out/$name.times"
}

median_seconds() {
	sort -n "$out/$1.times" | awk '{ s[NR] = $1 } END { print s[int((NR + 1) / 2)] }'
}
max_mib() {
	awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { printf "%.1f", m / 1024 }' "$out/$1.times"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rm -f "$out"/*.times
i=0
while [ $i -lt "$runs" ]; do
	# Side by side, in alternating order; each spm run replaces the quarter's previous run, as
	# a recompute does.
	if [ $((i % 2)) = 0 ]; then
		measure spm "$commission" --db "$db" --period "$quarter" --quiet --output /dev/null run "$plan"
		measure sqlite sqlite3 "$db" ".read $query"
	else
		measure sqlite sqlite3 "$db" ".read $query"
		measure spm "$commission" --db "$db" --period "$quarter" --quiet --output /dev/null run "$plan"
	fi
	# the full year: its four quarters one after another, summed
	rm -f "$out/quarter.times"
	for q in 1 2 3 4; do
		measure quarter "$commission" --db "$db" --period "$year-Q$q" --quiet --output /dev/null run "$plan"
	done
	awk '{ s += $1; if ($2 > m) m = $2 } END { printf "%.2f %d\n", s, m }' "$out/quarter.times" >>"$out/year.times"
	i=$((i + 1))
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
expected=$(sed -n 's/^total|[0-9]*|\([0-9]*\)|.*/\1/p' "$out/check-$quarter.txt")
got=$(cut -d'|' -f1 "$out/sqlite.log" | tail -n 1)
[ "$got" = "$expected" ] || die "sqlite3: the timed query paid $got reps, not $expected"

credits=$(sqlite3 "$db" "SELECT count(*) FROM payout_lines l JOIN runs n ON n.run_id = l.run_id, json_each(l.credits) j WHERE n.period = '$quarter'")
lines=$(sqlite3 "$db" "SELECT count(*) FROM payout_lines l JOIN runs n ON n.run_id = l.run_id WHERE n.period = '$quarter'")

row() { # LABEL NAME
	printf '%-44s %8s %9s\n' "$1" "$(median_seconds "$2")" "$(max_mib "$2")"
}

echo
echo "spm commission benchmark: $deals_n deals, $reps_n reps, seed $seed, median of $runs runs"
echo "plan $plan: graduated tiers on attainment, a renewal rate, a bonus; split credits; 13 currencies"
echo "$quarter: $lines payout lines, $credits credit lines; load average $load_before before, $load_after after"
echo
printf '%-44s %8s %9s\n' run seconds "peak MiB"
row "spm-commission run $quarter (stored)" spm
row "sqlite3 < bench/commission.sql ($quarter)" sqlite
row "spm-commission run $year-Q1..Q4 (full year)" year
echo
awk -v p="$(median_seconds sqlite)" -v s="$(median_seconds spm)" -v y="$(median_seconds year)" \
	-v m="$(max_mib spm)" -v my="$(max_mib year)" 'BEGIN {
	r = (p > 0 ? s / p : 0)
	printf "ratio spm/sqlite3 (%s): %.2f   target <= 1.00   %s\n", "'"$quarter"'", r, (r <= 1.0 ? "met" : "missed")
	printf "full-year recompute:      %.2fs  target: a few seconds\n", y
	printf "spm peak MiB:             %.1f (quarter), %.1f (a quarter of the year)\n", m, my
}'
