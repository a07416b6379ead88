# bench/store.sh - sourced by bench/commission.sh and bench/quota.sh: generates 1,000,000 deals for
# 10,000 reps with bench/gen.c and the quotas, assignments, split credits and exchange rates the
# benchmarks need, and imports everything into a fresh store. It expects: me, out, db, import (the
# spm-import binary), deals_n, reps_n, seed, and a function die.

mkdir -p "$out"
${CC:-cc} -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -o "$out/gen" bench/gen.c || die "bench/gen.c: build failed"
"$out/gen" --seed "$seed" --reps "$reps_n" --deals "$deals_n" --format csv "$out"

# Everything below is derived from the generated files by fixed arithmetic, so it is as
# reproducible as they are. The fields read from deals.csv are counted from either end: the account
# (field 4) may hold a quoted comma, and no field before it or after it does.

# Every rep on the plan from the start of 2025, open-ended: seats then start at the hire date and
# end at the leaving date, so the run prorates quotas and drops credits outside a rep's seat.
awk -F, 'NR == 1 { print "rep_id,plan,from,to"; next } { print $1 ",bench-2026,2025-01-01," }' \
	"$out/reps.csv" >"$out/assignments.csv"

# A bookings quota per rep and quarter of 2025 and 2026, in the rep's own currency (converted by
# the run at the quarter's last day): 20,000 to 80,000, which the generated bookings (a median
# near 50,000 a quarter, in any currency) put below, inside and above the 100% and 150% tiers.
awk -F, 'NR == 1 { print "rep_id,period,amount,metric,currency"; next }
{
	n = substr($1, 2) + 0
	for (y = 2025; y <= 2026; y++)
		for (q = 1; q <= 4; q++)
			printf "%s,%d-Q%d,%d,bookings,%s\n", $1, y, q,
			    20000 + ((n * 7919 + (y * 4 + q) * 104729) % 13) * 5000, $10
}' "$out/reps.csv" >"$out/quotas.csv"

# Overlays on one deal in fifty (spm-commission's plan does not credit them; attainment does).
# Revenue splits for one deal in ten that has an owner: 60/40 with another account executive, or
# (three in a hundred) thirds of 0.3333333333, 0.3333333333 and 0.3333333334, whose credited
# amounts need rounding. Partners are picked by the deal number, so some no longer work there
# when the deal closed: the run then drops their line, and so must the query.
awk -F, '
FNR == NR { if (FNR > 1 && $7 == "ae") ae[n_ae++] = $1; next }
FNR == 1 { print "deal_id,rep_id,share,kind"; next }
$2 != "" {
	id = substr($1, 2) + 0
	if (id % 50 == 5) { # an overlay: another account executive credited in full besides the owner
		o = ae[(id * 2246822519) % n_ae]
		if (o != $2)
			printf "%s,%s,100%%,overlay\n", $1, o
	}
	if (id % 10 != 0)
		next
	p1 = ae[(id * 2654435761) % n_ae]
	if (p1 == $2)
		p1 = ae[((id * 2654435761) + 1) % n_ae]
	if (id % 100 < 30) {
		p2 = ae[(id * 40503 + 7) % n_ae]
		if (p2 == $2 || p2 == p1)
			p2 = ae[(id * 40503 + 8) % n_ae]
		if (p2 == $2 || p2 == p1)
			p2 = ae[(id * 40503 + 9) % n_ae]
		printf "%s,%s,0.3333333333,revenue\n%s,%s,0.3333333333,revenue\n", $1, $2, $1, p1
		printf "%s,%s,0.3333333334,revenue\n", $1, p2
	} else {
		printf "%s,%s,60%%,revenue\n%s,%s,40%%,revenue\n", $1, $2, $1, p1
	}
}' "$out/reps.csv" "$out/deals.csv" >"$out/credits.csv"

# Monthly rates into USD (the store's base and the plan's currency) for every other currency the
# deals use, from December 2023 to December 2026, each wobbling within 1% of a level. Rates are
# formed in integers (millionths times a per-mille factor: billionths) and printed exactly.
awk 'BEGIN {
	print "currency,date,rate,base"
	nc = split("EUR GBP SEK CHF CAD AUD JPY SGD INR BRL MXN COP", code, " ")
	split("1080000 1270000 95000 1120000 740000 660000 6700 740000 12000 200000 58000 250", lvl, " ")
	for (c = 1; c <= nc; c++)
		for (m = 0; m < 37; m++) {
			y = 2023 + int((m + 11) / 12)
			mo = (m + 11) % 12 + 1
			x = lvl[c] * (1000 + (m * 37 + c * 11) % 21 - 10) # billionths
			printf "%s,%d-%02d-01,%d.%09d,USD\n", code[c], y, mo, int(x / 1000000000),
			    x % 1000000000
		}
}' >"$out/fx.csv"

fresh() {
	rm -f "$1" "$1-wal" "$1-shm" "$1-journal"
}

fresh "$db"
start=$(date +%s)
for kind in territories reps deals credits quotas fx assignments; do
	"$import" --db "$db" --quiet "$kind" "$out/$kind.csv" || die "'$import $kind' failed"
done
import_s=$(($(date +%s) - start))
echo "$me: generated and imported $deals_n deals, $reps_n reps ($((
	$(wc -l <"$out/credits.csv") - 1)) split credits) in ${import_s}s" >&2
