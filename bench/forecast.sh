#!/bin/sh
# bench/forecast.sh - how long spm-forecast takes to forecast every rep's monthly bookings with
# `auto` (each series scored by a rolling-origin backtest of every method, then forecast), on the
# store of bench/store.sh (10,000 reps, 1,000,000 deals from 2024-01 to 2026-06), over 36 months
# (2023-07 to 2026-06), 3 months ahead. Run by hand from the repository root:
#
#   bench/forecast.sh                  (builds Release into build-bench/; or SPM_BUILD=DIR)
#
# The target is "in seconds"; for scale it also times the sqlite3 shell reading the same monthly
# sums per rep in one query (the data part alone). It reuses bench/out/quota/store.db when there.
set -eu

me=bench/forecast.sh
out=bench/out/quota
runs=${SPM_BENCH_RUNS:-3}
deals_n=${SPM_BENCH_DEALS:-1000000}
reps_n=${SPM_BENCH_REPS:-10000}
seed=${SPM_BENCH_SEED:-1}
db=$out/store.db

die() {
	echo "$me: $*" >&2
	exit 1
}

[ -f bench/store.sh ] || die "bench/store.sh: not found: run from the repository root"
command -v sqlite3 >/dev/null 2>&1 || die "'sqlite3': not found"
[ -x /usr/bin/time ] || die "'/usr/bin/time': not found: GNU time measures the runs"
if [ -n "${SPM_BUILD:-}" ]; then
	build=$SPM_BUILD
else
	build="build-bench"
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null || die "cmake: configure failed"
	cmake --build "$build" --target spm-import spm-forecast -j 2 >/dev/null || die "cmake: build failed"
fi
import="$build/spm-import"
forecast="$build/spm-forecast"
[ -x "$import" ] && [ -x "$forecast" ] || die "'$build': no spm-import or spm-forecast in it"
if [ "${SPM_BENCH_FRESH:-0}" = 1 ] || [ ! -f "$db" ]; then
	. bench/store.sh
fi

peer="SELECT coalesce(c.rep_id, d.rep_id), substr(d.close_date, 1, 7), sum(CASE WHEN c.rep_id IS NULL
	THEN d.amount ELSE d.amount * c.share / 10000000000 END) FROM deals d LEFT JOIN credits c
	ON c.deal_id = d.deal_id AND c.kind = 'revenue' WHERE d.status = 'won' AND d.amount IS NOT NULL
	AND d.close_date BETWEEN '2023-07-01' AND '2026-06-30' GROUP BY 1, 2;"

. bench/lib.sh
upgrade_store

rm -f "$out"/fc-*.times
i=0
while [ $i -lt "$runs" ]; do
	measure fc-spm "$forecast" --db "$db" --level rep --from 2023-07 --to 2026-06 --horizon 3 series
	measure fc-sql sqlite3 "$db" "$peer"
	i=$((i + 1))
done
reps=$(tail -n +2 "$out/fc-spm.out" | cut -d, -f1 | sort -u | wc -l)
echo
echo "spm forecast benchmark: every rep's monthly bookings, 2023-07..2026-06, auto, 3 months ahead"
printf '%-56s %8s %9s\n' run seconds "peak MiB"
printf '%-56s %8s %9s\n' "spm-forecast --level rep series ($reps reps)" "$(median fc-spm)" "$(peak fc-spm)"
printf '%-56s %8s %9s\n' "sqlite3: the monthly sums per rep alone" "$(median fc-sql)" "$(peak fc-sql)"
sed 's/^/  /' "$out/fc-spm.err"
awk -v s="$(median fc-spm)" -v n="$reps" 'BEGIN { printf "per rep: %.2f ms   target: the whole in seconds\n", n ? s * 1000 / n : 0 }'
