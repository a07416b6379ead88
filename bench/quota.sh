#!/bin/sh
# bench/quota.sh - how fast spm-quota computes every rep's attainment for a quarter, as of a day,
# measured against the sqlite3 shell computing the same numbers with one SQL query
# (bench/attainment.sql) on the same store in the same run. Run by hand from the repository root:
#
#   bench/quota.sh                     (builds Release into build-bench/; or SPM_BUILD=DIR)
#
# The store is bench/store.sh's (1,000,000 deals, 10,000 reps, split and overlay credits, quarterly
# quotas, 13 currencies), reused from bench/out/quota/ when it is there (SPM_BENCH_FRESH=1 makes it
# anew). For each as-of day (mid-quarter and the quarter's last day) it first checks that spm's
# rows equal the query's, rep by rep (a difference fails the benchmark, exit 1), then times both
# side by side, SPM_BENCH_RUNS times (default 3), and prints the medians and the ratio. It also
# times `--level all` (every roll-up) and `--to-date month,quarter,year`. Timing never fails it.
set -eu

me=bench/quota.sh
out=bench/out/quota
runs=${SPM_BENCH_RUNS:-3}
deals_n=${SPM_BENCH_DEALS:-1000000}
reps_n=${SPM_BENCH_REPS:-10000}
seed=${SPM_BENCH_SEED:-1}
db=$out/store.db
query=bench/attainment.sql

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
	cmake --build "$build" --target spm-import spm-quota -j 2 >/dev/null || die "cmake: build failed"
fi
import="$build/spm-import"
quota="$build/spm-quota"
[ -x "$import" ] && [ -x "$quota" ] || die "'$build': no spm-import or spm-quota in it"

if [ "${SPM_BENCH_FRESH:-0}" = 1 ] || [ ! -f "$db" ]; then
	. bench/store.sh
fi

. bench/lib.sh
upgrade_store

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rm -f "$out"/*.times
echo
echo "spm quota benchmark: $deals_n deals, $reps_n reps, seed $seed, median of $runs runs; 2026-Q1"
printf '%-52s %8s %9s\n' run seconds "peak MiB"
failed=0
for asof in 2026-02-14 2026-03-31; do
	sed "s/'2026-01-01', '2026-03-31', '2026-03-15'/'2026-01-01', '2026-03-31', '$asof'/" "$query" >"$out/query-$asof.sql"
	spm="$quota --db $db --period 2026-Q1 --as-of $asof --quiet --format csv attainment"
	# the same numbers first
	$spm >"$out/spm-$asof.csv" || die "'$spm' failed"
	sqlite3 "$db" <"$out/query-$asof.sql" >"$out/sql-$asof.txt" || die "the query failed"
	units "$out/spm-$asof.csv" >"$out/spm-$asof.txt"
	if ! cmp -s "$out/spm-$asof.txt" "$out/sql-$asof.txt"; then
		echo "as of $asof: spm and the query DIFFER:" >&2
		diff "$out/spm-$asof.txt" "$out/sql-$asof.txt" | head -n 10 >&2
		failed=1
		continue
	fi
	i=0
	while [ $i -lt "$runs" ]; do
		if [ $((i % 2)) = 0 ]; then
			measure "spm-$asof" $spm
			measure "sql-$asof" sqlite3 "$db" ".read $out/query-$asof.sql"
		else
			measure "sql-$asof" sqlite3 "$db" ".read $out/query-$asof.sql"
			measure "spm-$asof" $spm
		fi
		i=$((i + 1))
	done
	printf '%-52s %8s %9s\n' "spm-quota attainment, as of $asof ($(($(wc -l <"$out/spm-$asof.txt"))) reps)" \
		"$(median "spm-$asof")" "$(peak "spm-$asof")"
	printf '%-52s %8s %9s\n' "sqlite3 < bench/attainment.sql, as of $asof" "$(median "sql-$asof")" "$(peak "sql-$asof")"
done
[ "$failed" = 0 ] || die "spm and the query computed different numbers: see above"
i=0
while [ $i -lt "$runs" ]; do
	measure all "$quota" --db "$db" --period 2026-Q1 --as-of 2026-02-14 --level all --to-date month,quarter,year --quiet --format csv attainment
	i=$((i + 1))
done
printf '%-52s %8s %9s\n' "... --level all --to-date month,quarter,year" "$(median all)" "$(peak all)"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average $load_before before, $load_after after"
for asof in 2026-02-14 2026-03-31; do
	ratio "as of $asof" "$(median "spm-$asof")" "$(median "sql-$asof")"
done
