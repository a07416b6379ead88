# bench/lib.sh - what the benchmarks share; sourced with $out set (where times and outputs go).

# measure NAME COMMAND...: runs it once under GNU time, appending "seconds peak-KiB" to NAME.times.
measure() {
	name=$1
	shift
	if ! /usr/bin/time -f '%e %M' -o "$out/time.last" "$@" >"$out/$name.out" 2>"$out/$name.err"; then
		cat "$out/$name.err" >&2
		die "$name: '$*' failed"
	fi
	tail -n 1 "$out/time.last" >>"$out/$name.times"
}
# upgrade_store: a store an older spm made is upgraded by a write (the tools timed open it
# read-only, which does not migrate); an empty import is the smallest write.
upgrade_store() {
	printf 'category,team,period,amount\n' | "$import" --db "$db" --quiet --allow-empty budgets - ||
		die "the store could not be upgraded"
}
# median NAME, peak NAME: the median seconds and the largest peak (MiB) of NAME's runs.
median() { sort -n "$out/$1.times" | awk '{ s[NR] = $1 } END { print s[int((NR + 1) / 2)] }'; }
peak() { awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { printf "%.1f", m / 1024 }' "$out/$1.times"; }
# ratio WHAT SPM PEER: prints spm/peer against the target of 2.
ratio() {
	awk -v s="$2" -v p="$3" -v w="$1" 'BEGIN {
		r = (p > 0 ? s / p : 0)
		printf "ratio spm/sqlite3, %s: %.2f   target <= 2.00   %s\n", w, r, (r <= 2.0 ? "met" : "missed")
	}'
}
# units FILE: spm's attainment CSV as rep|credited|quota|attainment in store units, as the query.
units() {
	awk -F, 'NR > 1 {
		printf "%s|%s|%s|%s\n", $2, u($9), u($10), h($13)
	}
	function u(v,  p, n) { if (v == "") return ""; n = split(v, p, "."); return sprintf("%.0f", p[1] * 10000 + (n > 1 ? (v ~ /^-/ ? -1 : 1) * substr(p[2] "0000", 1, 4) : 0)) }
	function h(v,  p) { if (v == "") return ""; split(v, p, "."); return sprintf("%.0f", p[1] * 100 + p[2]) }' "$1"
}
