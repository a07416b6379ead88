#!/bin/sh
# bench/report.sh - how fast spm-report ranks every rep and reports attainment for a quarter,
# measured against the sqlite3 shell computing the same numbers with one SQL query on the same
# store in the same run; and how long the whole company's dashboard takes. Run by hand from the
# repository root:
#
#   bench/report.sh                    (builds Release into build-bench/; or SPM_BUILD=DIR)
#
# The store is bench/store.sh's (1,000,000 deals, 10,000 reps, split and overlay credits, quarterly
# quotas, 13 currencies), shared with bench/quota.sh in bench/out/quota/ (SPM_BENCH_FRESH=1 makes
# it anew). The peers are bench/attainment.sql for `attainment`, and the same query ranking the
# reps by credited bookings (RANK() OVER) for `leaderboard`. Before timing, spm's rows are checked
# against the query's, rep by rep and rank by rank (a difference fails the benchmark, exit 1);
# then both run side by side SPM_BENCH_RUNS times (default 3) and the medians and ratios are
# printed (target: at most 2). Timing never fails it.
set -eu

me=bench/report.sh
out=bench/out/quota
runs=${SPM_BENCH_RUNS:-3}
deals_n=${SPM_BENCH_DEALS:-1000000}
reps_n=${SPM_BENCH_REPS:-10000}
seed=${SPM_BENCH_SEED:-1}
db=$out/store.db
query=bench/attainment.sql
asof=2026-03-31

die() {
	echo "$me: $*" >&2
	exit 1
}

[ -f bench/store.sh ] && [ -f "$query" ] || die "bench/store.sh or $query: not found: run from the repository root"
command -v sqlite3 >/dev/null 2>&1 || die "'sqlite3': not found: the peer is the sqlite3 shell"
[ -x /usr/bin/time ] || die "'/usr/bin/time': not found: GNU time measures the runs"
if [ -n "${SPM_BUILD:-}" ]; then
	build=$SPM_BUILD
else
	build="build-bench"
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null || die "cmake: configure failed"
	cmake --build "$build" --target spm-import spm-report -j 2 >/dev/null || die "cmake: build failed"
fi
import="$build/spm-import"
report="$build/spm-report"
[ -x "$import" ] && [ -x "$report" ] || die "'$build': no spm-import or spm-report in it"
if [ "${SPM_BENCH_FRESH:-0}" = 1 ] || [ ! -f "$db" ]; then
	. bench/store.sh
fi
. bench/lib.sh
upgrade_store

# The peers: attainment.sql for the quarter to the as-of day, and the same ranked by bookings.
sed "s/'2026-01-01', '2026-03-31', '2026-03-15'/'2026-01-01', '2026-03-31', '$asof'/" "$query" >"$out/report-attain.sql"
{
	awk '/^SELECT r.rep_id/ { exit } { print }' "$out/report-attain.sql"
	cat <<'SQL'
SELECT RANK() OVER (ORDER BY coalesce(c.amount, 0) DESC) AS rank, r.rep_id, coalesce(c.amount, 0)
FROM reps r, period p
LEFT JOIN credited c ON c.rep_id = r.rep_id
LEFT JOIN quota q ON q.rep_id = r.rep_id
WHERE NOT EXISTS (SELECT 1 FROM reps m WHERE m.manager_id = r.rep_id AND m.rep_id <> r.rep_id)
	AND (c.rep_id IS NOT NULL OR q.rep_id IS NOT NULL
		OR ((r.hire_date IS NULL OR r.hire_date <= p.asof)
			AND (r.end_date IS NULL OR r.end_date >= p.first)))
ORDER BY 1, r.rep_id;
SQL
} >"$out/report-board.sql"

board="$report --db $db --period 2026-Q1 --as-of $asof --quiet --format csv leaderboard"
attain="$report --db $db --period 2026-Q1 --as-of $asof --quiet --format csv attainment"
dash="$report --db $db --period 2026-Q1 --as-of $asof --quiet -o $out/dashboard.html dashboard"

# the same numbers first
$board >"$out/board-spm.csv" || die "'$board' failed"
sqlite3 "$db" <"$out/report-board.sql" >"$out/board-sql.txt" || die "the leaderboard query failed"
awk -F, 'NR > 1 { n = split($6, p, "."); printf "%s|%s|%.0f\n", $1, $2, p[1] * 10000 + (n > 1 ? substr(p[2] "0000", 1, 4) : 0) }' \
	"$out/board-spm.csv" >"$out/board-spm.txt"
cmp -s "$out/board-spm.txt" "$out/board-sql.txt" || {
	diff "$out/board-spm.txt" "$out/board-sql.txt" | head -n 10 >&2
	die "the leaderboard: spm and the query DIFFER"
}
$attain >"$out/attain-spm.csv" || die "'$attain' failed"
sqlite3 "$db" <"$out/report-attain.sql" >"$out/attain-sql.txt" || die "the attainment query failed"
units "$out/attain-spm.csv" >"$out/attain-spm.txt"
cmp -s "$out/attain-spm.txt" "$out/attain-sql.txt" || {
	diff "$out/attain-spm.txt" "$out/attain-sql.txt" | head -n 10 >&2
	die "attainment: spm and the query DIFFER"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rm -f "$out"/*.times
i=0
while [ $i -lt "$runs" ]; do
	measure board-spm $board
	measure board-sql sqlite3 "$db" ".read $out/report-board.sql"
	measure attain-sql sqlite3 "$db" ".read $out/report-attain.sql"
	measure attain-spm $attain
	if "$report" --help 2>/dev/null | grep -q dashboard; then
		measure dash $dash
	fi
	i=$((i + 1))
done
echo
echo "spm report benchmark: $deals_n deals, $reps_n reps, seed $seed, median of $runs runs; 2026-Q1 to $asof"
printf '%-56s %8s %9s\n' run seconds "peak MiB"
printf '%-56s %8s %9s\n' "spm-report leaderboard ($(($(wc -l <"$out/board-spm.txt"))) reps)" "$(median board-spm)" "$(peak board-spm)"
printf '%-56s %8s %9s\n' "sqlite3: the same ranking in one query" "$(median board-sql)" "$(peak board-sql)"
printf '%-56s %8s %9s\n' "spm-report attainment" "$(median attain-spm)" "$(peak attain-spm)"
printf '%-56s %8s %9s\n' "sqlite3 < bench/attainment.sql" "$(median attain-sql)" "$(peak attain-sql)"
[ -f "$out/dash.times" ] &&
	printf '%-56s %8s %9s\n' "spm-report dashboard (the whole company)" "$(median dash)" "$(peak dash)"
echo "load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after"
ratio leaderboard "$(median board-spm)" "$(median board-sql)"
ratio attainment "$(median attain-spm)" "$(median attain-sql)"
