#!/bin/sh
# What comes out of a stored run of the example company: statements in every format with totals
# that add up, the payroll export against the store's own sums, explanations with tier steps and
# credits, closing a period, and the refusals.
. "$SPM_SRC/tests/cli/lib.sh"
"$SPM_SRC/examples/job.sh" >/dev/null 2>&1 || exit 1
run_id=$(sql "select run_id from runs where period = '2026-Q1'")

# units COL: the sum of a TSV column of money (after the header), in 1/10,000ths, exactly.
units() {
	awk -F '	' -v col="$1" 'NR > 1 && $col != "" {
		v = $col; neg = v ~ /^-/; sub(/^-/, "", v)
		n = split(v, p, "."); d = n > 1 ? p[2] : ""
		while (length(d) < 4) d = d "0"
		u = p[1] * 10000 + d; s += neg ? -u : u
	} END { printf "%.0f\n", s }'
}

# A statement in each format.
run spm-commission --period 2026-Q1 --rep r04 --format tsv statement
expect_status 0
expect_no_err
expect_eq "statement header" "period	rep_id	name	line	kind	plan	component	base	amount	currency	reference	reason" "$(head -n 1 out)"
grep -v '	total	' out >lines.tsv
grep '	total	' out >totals.tsv
expect_eq "one total, in EUR" "1" "$(wc -l <totals.tsv)"
expect_eq "a row per stored line" "$(sql "select count(*) from payout_lines where rep_id = 'r04'")" \
	"$(($(wc -l <lines.tsv) - 1))"
expect_eq "the total is the sum of the printed lines" "$(units 9 <lines.tsv)" \
	"$( (echo header; cat totals.tsv) | units 9)"
expect_eq "the lines are the stored ones" "$(sql "select sum(amount) from payout_lines where rep_id = 'r04'")" \
	"$(units 9 <lines.tsv)"

run spm-commission --period 2026-Q1 --rep r04 --format csv statement
expect_status 0
expect_out_has "2026-Q1,r04,Oliver Brennan,1,commission,ae-2026,new-business,"
run spm-commission --period 2026-Q1 --rep r04 --format json statement
expect_status 0
expect_out_has '"kind":"total"'
expect_eq "json is one array" "[" "$(head -n 1 out)"
run spm-commission --period 2026-Q1 --rep r04 --format jsonl statement
expect_status 0
expect_eq "jsonl: the lines and the total" "$(($(sql "select count(*) from payout_lines where rep_id = 'r04'") + 1))" "$(wc -l <out)"
run spm-commission --period 2026-Q1 --rep r04 --format table statement
expect_status 0
expect_out_has "inputs    $(sql "select inputs_hash from runs where run_id = $run_id")"
expect_out_has "status    open"

# Every rep at once: a rep_id on every row, a total per rep.
run spm-commission --period 2026-Q1 --format tsv statement
expect_status 0
expect_eq "a total per rep" "$(sql "select count(distinct rep_id) from payout_lines")" \
	"$(grep -c '	total	' out)"
grep -v '	total	' out | units 9 >sum-lines
expect_eq "every rep's lines" "$(sql "select sum(amount) from payout_lines")" "$(cat sum-lines)"

# HTML: one self-contained page per rep; what came from the data is escaped.
sql "update reps set name = '<script>alert(\"x\")</script> & ''co''' where rep_id = 'r05'"
run spm-commission --period 2026-Q1 --rep r05 --format html statement
expect_status 0
expect_out_has "<!DOCTYPE html>"
expect_out_has "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;"
expect_eq "no script in the page" "0" "$(grep -ci '<script' out)"
expect_eq "nothing loaded from elsewhere" "0" "$(grep -ciE 'src=|href=|url\(' out)"
run spm-commission --period 2026-Q1 --format html --output all.html statement
expect_status 0
expect_eq "a page per rep" "$(sql "select count(distinct rep_id) from payout_lines")" \
	"$(grep -c '<section class="page">' all.html)"
expect_eq "no script in the whole document" "0" "$(grep -ci '<script' all.html)"

# The payroll export: its sums are the store's.
sql "update reps set name = '=HYPERLINK(\"http://x\")' where rep_id = 'r06'"
run spm-commission --period 2026-Q1 --format csv export
expect_status 0
expect_eq "export header" "period,rep_id,name,pay_code,amount,currency" "$(head -n 1 out)"
expect_out_has "2026-Q1,r06,\"'=HYPERLINK(\"\"http://x\"\")\",COMMISSION,"
expect_eq "no formula left for a spreadsheet" "0" "$(grep -c ',=' out)"
run spm-commission --period 2026-Q1 --format tsv export
expect_status 0
expect_eq "export sums equal the stored lines" "$(sql "select sum(amount) from payout_lines")" \
	"$(units 5 <out)"
expect_eq "one row per rep and pay code" \
	"$(sql "select count(distinct rep_id) from payout_lines where kind in ('commission', 'cap')")" \
	"$(grep -c '	COMMISSION	' out)"

# Explain: the line, its explanation with tier steps, its credits.
run spm-commission --period 2026-Q1 --rep r04 --format table explain
expect_status 0
expect_out_has "step 1      tier 1, base "
expect_out_has "rounding    half-up to 2 places"
expect_out_has "credit      deal "
credits=$(sql "select count(*) from payout_lines l, json_each(l.credits) j where l.rep_id = 'r04'")
expect_eq "every credit of the rep" "$credits" "$(grep -c ' credit  ' out)"
deal=$(sql "select json_extract(j.value, '\$[1]') as d from payout_lines l, json_each(l.credits) j where l.rep_id = 'r04' order by d limit 1")
run spm-commission --period 2026-Q1 --rep r04 --deal "$deal" --format jsonl explain
expect_status 0
expect_eq "one credit line for the deal" "1" "$(grep -c '"section":"credit"' out)"
expect_out_has "\"deal_id\":\"$deal\""
expect_out_has '"section":"step","kind":"commission","plan":"ae-2026","component":"new-business","key":"step","value":"tier 1, '

# Refusals.
run spm-commission --period 2026-Q1 --rep r99 statement
expect_status 65
expect_err "spm-commission: unknown rep 'r99'"
run spm-commission --period 2026-Q9 export
expect_status 64
expect_err_has "spm-commission: --period: no quarter 9 in '2026-Q9'"
run spm-commission --period 2026-Q3 statement
expect_status 65
expect_err "spm-commission: period 2026-Q3 has no run: run it first"
run spm-commission statement
expect_status 64
expect_err_has "statement: give the period with --period"
run spm-commission --period 2026-Q1 --format html export
expect_status 64
run spm-commission --period 2026-Q1 --deal D1 statement
expect_status 64

# Closing: the run is locked, a rerun refused, a second close too.
before=$(digest)
run spm-commission --period 2026-Q3 close
expect_status 65
expect_err "spm-commission: period 2026-Q3 has no run: run it first"
expect_eq "nothing written" "$before" "$(digest)"
run spm-commission --period 2026-q1 close
expect_status 0
expect_err "spm-commission: closed 2026-Q1 (run $run_id)"
expect_eq "the lock names the run" "$run_id" "$(sql "select run_id from period_locks where period = '2026-Q1'")"
run spm-commission --period 2026-Q1 --rep r04 --format table statement
expect_out_has "status    closed"
run spm-commission --period 2026-Q1 run "$SPM_SRC/examples/plans/ae-2026.yaml"
expect_status 65
expect_err_has "period 2026-Q1 is closed"
expect_eq "the closed run stays" "$run_id" "$(sql "select run_id from runs where period = '2026-Q1'")"
before=$(digest)
run spm-commission --quiet --period 2026-Q1 close
expect_status 65
expect_err "spm-commission: period 2026-Q1 is already closed"
expect_eq "nothing written" "$before" "$(digest)"
finish
