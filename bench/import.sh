#!/bin/sh
# bench/import.sh - how fast spm-import loads deals, measured against the sqlite3 shell's .import in
# the same run on the same generated file. Run by hand from the repository root after a build:
#
#   bench/import.sh [BUILD_DIR]        (default build/)
#
# It builds bench/gen, writes 1,000,000 deals into bench/out/ (git-ignored), then times, three times
# each and keeping the median: (a) the peer loading deals.csv, (b) spm-import loading deals.csv and
# (c) spm-import loading deals.jsonl, each into a fresh database. Peak memory comes from GNU time's %M.
# Timing never decides whether anything passes: the script reports the targets, it does not enforce them.
#
# Environment: CC (default cc), SPM_BENCH_DEALS, SPM_BENCH_REPS, SPM_BENCH_SEED (generator options),
# SPM_BENCH_PEER_ONLY=1 to measure the peer alone when spm-import is not built.
set -eu

me=bench/import.sh
build=${1:-build}
spm="$build/spm-import"
out=bench/out
runs=3
deals_n=${SPM_BENCH_DEALS:-1000000}
reps_n=${SPM_BENCH_REPS:-10000}
seed=${SPM_BENCH_SEED:-1}
peer_only=${SPM_BENCH_PEER_ONLY:-0}

die() {
	echo "$me: $*" >&2
	exit 1
}

[ -f bench/gen.c ] || die "bench/gen.c: not found: run from the repository root"
if [ "$peer_only" != 1 ] && [ ! -x "$spm" ]; then
	die "'$spm': not found or not executable: build spm first (cmake -B $build && cmake --build $build), or set SPM_BENCH_PEER_ONLY=1"
fi
command -v sqlite3 >/dev/null 2>&1 || die "'sqlite3': not found: the peer is the sqlite3 shell"
[ -x /usr/bin/time ] || die "'/usr/bin/time': not found: GNU time measures peak memory"

mkdir -p "$out"
${CC:-cc} -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -o "$out/gen" bench/gen.c || die "bench/gen.c: build failed"
"$out/gen" --seed "$seed" --reps "$reps_n" --deals "$deals_n" --format csv "$out"
"$out/gen" --seed "$seed" --reps "$reps_n" --deals "$deals_n" --format jsonl "$out"
rows=$(($(wc -l <"$out/deals.csv") - 1))

# The peer's table has our deal columns with the types the shell can give them. The shell binds every
# field as text and column affinity converts what looks numeric, so the peer also pays for turning
# amounts and probabilities into numbers: amount NUMERIC keeps whole amounts as integers and the rest
# as REAL (the nearest the shell gets to our exact money), probability REAL, dates stay ISO TEXT as in
# our store. The table is not STRICT because the shell writes '' for an empty field (an open deal
# without an amount, a deal without a rep), which a STRICT numeric column rejects. deal_id is the
# PRIMARY KEY so the peer builds the same unique index our upserts need. The peer checks nothing else
# (dates, currencies, stages, rep and territory references), so a ratio at or under 1.0 is conservative.
cat >"$out/peer.sql" <<EOF
CREATE TABLE deals(
	deal_id TEXT PRIMARY KEY,
	rep_id TEXT,
	territory TEXT,
	account TEXT,
	product TEXT,
	amount NUMERIC,
	currency TEXT,
	close_date TEXT,
	created_date TEXT,
	stage TEXT,
	status TEXT,
	type TEXT,
	probability REAL,
	forecast_category TEXT
);
.import --csv --skip 1 $out/deals.csv deals
EOF

# measure NAME COMMAND...: runs the command once under GNU time, appends "seconds kib" to
# $out/NAME.times. A failed run stops the benchmark: a fast wrong import measures nothing.
measure() {
	name=$1
	shift
	if ! /usr/bin/time -f '%e %M' -o "$out/time.last" "$@" >"$out/$name.log" 2>&1; then
		cat "$out/$name.log" >&2
		die "$name: '$*' failed"
	fi
	tail -n 1 "$out/time.last" >>"$out/$name.times"
}

fresh() {
	rm -f "$1" "$1-wal" "$1-shm" "$1-journal"
}

# median_seconds NAME / max_mib NAME: summaries of $out/NAME.times.
median_seconds() {
	sort -n "$out/$1.times" | awk '{ s[NR] = $1 } END { print s[int((NR + 1) / 2)] }'
}
max_mib() {
	awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { printf "%.1f", m / 1024 }' "$out/$1.times"
}

rm -f "$out"/*.times
i=0
while [ $i -lt $runs ]; do
	fresh "$out/peer.db"
	measure peer sqlite3 -bail "$out/peer.db" ".read $out/peer.sql"
	[ ! -s "$out/peer.log" ] || die "peer: the shell reported: $(head -n 3 "$out/peer.log")"
	got=$(sqlite3 "$out/peer.db" 'SELECT count(*) FROM deals')
	[ "$got" -eq "$rows" ] || die "peer: loaded $got rows of $rows"

	if [ "$peer_only" != 1 ]; then
		for format in csv jsonl; do
			fresh "$out/spm.db"
			"$spm" --db "$out/spm.db" --quiet territories "$out/territories.csv" ||
				die "'$spm territories' failed"
			"$spm" --db "$out/spm.db" --quiet reps "$out/reps.csv" || die "'$spm reps' failed"
			measure "spm-$format" "$spm" --db "$out/spm.db" --quiet deals "$out/deals.$format"
		done
	fi
	i=$((i + 1))
done

row() { # LABEL NAME
	s=$(median_seconds "$2")
	awk -v label="$1" -v s="$s" -v n="$rows" -v m="$(max_mib "$2")" \
		'BEGIN { printf "%-28s %8.2f %12s %9s\n", label, s, (s > 0 ? sprintf("%.0f", n / s) : "n/a"), m }'
}

echo
echo "spm import benchmark: $rows deals, seed $seed, median of $runs runs, fresh database each run"
echo
printf '%-28s %8s %12s %9s\n' run seconds rows/s "peak MiB"
row "peer: sqlite3 .import csv" peer
if [ "$peer_only" = 1 ]; then
	echo "spm-import: not measured (SPM_BENCH_PEER_ONLY=1)"
	exit 0
fi
row "spm-import deals csv" spm-csv
row "spm-import deals jsonl" spm-jsonl
echo
awk -v p="$(median_seconds peer)" -v s="$(median_seconds spm-csv)" \
	-v mc="$(max_mib spm-csv)" -v mj="$(max_mib spm-jsonl)" 'BEGIN {
	r = (p > 0 ? s / p : 0)
	printf "ratio spm/peer (csv): %.2f   target <= 1.00   %s\n", r, (r <= 1.0 ? "met" : "missed")
	m = (mc > mj ? mc : mj)
	printf "spm-import peak MiB:  %.1f   target < 64      %s\n", m, (m < 64 ? "met" : "missed")
}'
