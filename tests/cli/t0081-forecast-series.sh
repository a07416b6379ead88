#!/bin/sh
# spm-forecast series and backtest: the Superstore year held out (reference MAPEs), closed-form
# forecasts checked by hand, the store's monthly bookings against SQL, and the refusals.
. "$SPM_SRC/tests/cli/lib.sh"
: "${SPM_DATA:?SPM_DATA must name the shared data directory}"
superstore="$SPM_DATA/forecast/superstore_monthly_sales.csv"

# Every method on 2014-2016, scored on 2017. R's forecast package on this split: seasonal naive
# 24.52%, automatic ETS 20.70%, linear trend with seasonal dummies 17.25% (MAPE).
run spm-forecast --holdout 12 backtest "$superstore"
expect_status 0
expect_eq "header" "method,used,mape,mase,rmse,bias,note" "$(head -n 1 out)"
expect_eq "every method scored" "12" "$(($(wc -l <out) - 1))"
expect_eq "seasonal naive, a closed form, as R gives it" "24.52" "$(grep '^snaive,' out | cut -d, -f3)"
expect_eq "linear trend with seasonal dummies, as R gives it" "17.25" "$(grep '^linear-seasonal,' out | cut -d, -f3)"
auto=$(grep '^auto,' out | cut -d, -f3)
expect_eq "auto beats seasonal naive and R's automatic ETS (20.70%)" "1" \
	"$(awk -v a="$auto" 'BEGIN { print (a < 24.52 && a <= 20.70) ? 1 : 0 }')"
expect_eq "auto says what it chose" "1" "$(grep -c '^auto,[a-z-]*,.*auto chose ' out)"

run spm-forecast --holdout 12 --method snaive series "$superstore"
expect_status 0
expect_eq "series header with the actuals" "period,forecast,lower,upper,actual" "$(head -n 1 out)"
sed -n '26,37p' "$superstore" | cut -d, -f2 >y2016
tail -n +2 out | cut -d, -f2 >f2017
expect_eq "seasonal naive repeats 2016, month by month (to the printed cent)" "12 0" \
	"$(paste -d' ' y2016 f2017 | awk '{ n++; d = $1 - $2; if (d < 0) d = -d; if (d > 0.0051) bad++ } END { print n, bad + 0 }')"
expect_eq "the held-out months named" "2017-01 2017-12" "$(sed -n '2p;13p' out | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//')"
expect_err_has "spm-forecast: on 12 of the 12 months held out: MAPE 24.52%, MASE "

# Closed forms on a small series written here: 10, 12, 14, 16 (a line).
printf 'when,amount\n2026-01,10\n2026-02,12\n2026-03,14\n2026-04,16\n' >line.csv
run spm-forecast --method drift --horizon 2 series line.csv
expect_status 0
expect_eq "drift: the last value plus the mean step" "2026-05,18.00 2026-06,20.00" \
	"$(tail -n +2 out | cut -d, -f1,2 | tr '\n' ' ' | sed 's/ $//')"
expect_eq "a perfect line: no error, no width" "18.00,18.00" "$(sed -n 2p out | cut -d, -f3,4)"
run spm-forecast --method naive --horizon 1 series line.csv
expect_eq "naive: the last value" "2026-05,16.00" "$(sed -n 2p out | cut -d, -f1,2)"
run spm-forecast --method mean --horizon 1 series line.csv
expect_eq "mean: the series' mean" "13.00" "$(sed -n 2p out | cut -d, -f2)"
run sh -c "cat line.csv | spm-forecast --method linear --horizon 1 series -"
expect_eq "linear, from standard input" "18.00" "$(sed -n 2p out | cut -d, -f2)"
run spm-forecast --method snaive --horizon 1 series line.csv
expect_status 0
expect_err_has "naive"

# A perfect fit's interval in JSON: numbers, and null where there is none.
run spm-forecast --method linear --horizon 1 --format jsonl series line.csv
expect_eq "JSON Lines" '{"period":"2026-05","forecast":18.00,"lower":18.00,"upper":18.00}' "$(cat out)"

# Weekly series: ISO weeks, across a year of 53 weeks; the season is 52 weeks unless given.
printf 'week,value\n2020-W51,1\n2020-W52,2\n2020-W53,3\n2021-W01,4\n2021-w02,5\n' >weeks.csv
run spm-forecast --method naive --horizon 2 series weeks.csv
expect_status 0
expect_eq "the weeks after 2021-W02" "2021-W03,5.00 2021-W04,5.00" "$(tail -n +2 out | cut -d, -f1,2 | tr '\n' ' ' | sed 's/ $//')"
awk 'BEGIN { print "week,value"; for (k = 0; k < 110; k++) { w = k % 52; printf "%d-W%02d,%d\n", 2023 + int(k / 52), w + 1, 100 + w } }' >season.csv
run spm-forecast --method snaive --horizon 1 series season.csv
expect_eq "seasonal naive: 52 weeks back" "2025-W07,106.00" "$(sed -n 2p out | cut -d, -f1,2)"
printf 'week,value\n2021-W01,1\n2021-W03,2\n' >wgap.csv
run spm-forecast series wgap.csv
expect_status 65
expect_err "spm-forecast: wgap.csv:3: column 'week': expected 2021-W02 after the week before, not '2021-W03'"
printf 'when,value\n2021-W01,1\n2021-02,2\n' >mixed.csv
run spm-forecast series mixed.csv
expect_status 65
expect_err "spm-forecast: mixed.csv:3: column 'when': not a week (YYYY-Www), as the first row: '2021-02'"
printf 'week,value\n2021-W53,1\n' >w53.csv
run spm-forecast series w53.csv
expect_status 65
expect_err "spm-forecast: w53.csv:2: column 'week': not a month (YYYY-MM) or week (YYYY-Www): '2021-W53'"

# Zeros: MAPE is undefined, not a division by zero.
printf 'month,value\n2026-01,0\n2026-02,5\n2026-03,0\n2026-04,5\n2026-05,0\n' >zeros.csv
run spm-forecast --holdout 2 --method naive series zeros.csv
expect_status 0
expect_err_has "MAPE undefined (an actual is 0)"

# The store's won bookings per month: the example company's, against SQL.
"$SPM_SRC/examples/job.sh" >/dev/null 2>&1 || exit 1
run spm-forecast --method naive --horizon 1 --holdout 1 series
expect_status 0
# The company's won bookings from day $1 to day $2 (cancellations seen to $2), by SQL, to the cent.
bookings_sql() {
	{ sed -e "s/'2026-01-01', '2026-03-31', '2026-03-15'/'$1', '$2', '$2'/" \
		-e "s/JOIN credits c ON c.deal_id = d.deal_id/JOIN credits c ON c.deal_id = d.deal_id AND c.kind = 'revenue'/" \
		"$SPM_SRC/bench/attainment.sql" | awk '/^SELECT r.rep_id/ { exit } { print }'
	  echo "SELECT sum(amount) FROM credited;"; } | sqlite3 -batch "$SPM_DB" | awk '{ printf "%.2f", $1 / 10000 }'
}
expect_eq "June's bookings, held out, as SQL sums them" \
	"$(bookings_sql 2026-06-01 2026-06-30)" "$(sed -n 2p out | cut -d, -f5)"
expect_eq "from the first won month to the last" "2026-06" "$(sed -n 2p out | cut -d, -f1)"
run spm-forecast --from 2026-02 --to 2026-04 --method mean --horizon 1 series
expect_status 0
expect_eq "--from and --to" "2026-05" "$(sed -n 2p out | cut -d, -f1)"

# By ISO week: the last, 2026-W27 (Monday 06-29 to Sunday 07-05), held out, against SQL.
run spm-forecast --step week --method naive --horizon 1 --holdout 1 series
expect_status 0
expect_err_has "naive on 25 weeks"
expect_eq "week 27's bookings, held out, as SQL sums them" \
	"$(bookings_sql 2026-06-29 2026-07-05)" "$(sed -n 2p out | cut -d, -f5)"
expect_eq "the held-out week's name" "2026-W27" "$(sed -n 2p out | cut -d, -f1)"
run spm-forecast --from 2026-W10 --to 2026-W20 --method mean --horizon 2 series
expect_status 0
expect_eq "--from and --to as weeks choose weeks" "2026-W21 2026-W22" "$(sed -n '2,3p' out | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//')"
expect_err_has "mean on 11 weeks"
run spm-forecast --level rep --step week --method naive --horizon 1 series
expect_status 0
expect_eq "per rep by week" "2026-W28" "$(sed -n 2p out | cut -d, -f2)"
run spm-forecast --step month --from 2026-W10 series
expect_status 64
expect_err_has "--from: '2026-W10' is a week, but --step is by month"
run spm-forecast --from 2026-W10 --to 2026-03 series
expect_status 64
expect_err_has "--to: '2026-03' is a month, but --from is by week"
run spm-forecast --step fortnight series
expect_status 64
expect_err_has "--step: expected month or week, not 'fortnight'"

# Every rep's own series, each forecast on its own (on two threads: the same rows every time).
run spm-forecast --level rep --horizon 2 series
expect_status 0
expect_eq "header" "rep_id,period,forecast,lower,upper,method" "$(head -n 1 out)"
expect_eq "two months per rep with won bookings" \
	"$(($(sql "select count(distinct coalesce(c.rep_id, d.rep_id)) from deals d left join credits c on c.deal_id = d.deal_id and c.kind = 'revenue' where d.status = 'won' and d.amount is not null") * 2))" \
	"$(($(wc -l <out) - 1))"
cp out reps1.csv
run spm-forecast --quiet --level rep --horizon 2 series
expect_eq "the same rows again" "$(cat reps1.csv)" "$(cat out)"
run spm-forecast --level rep --method naive --horizon 1 series
june_reps=$(sed -e "s/'2026-01-01', '2026-03-31', '2026-03-15'/'2026-06-01', '2026-06-30', '2026-06-30'/" \
	-e "s/JOIN credits c ON c.deal_id = d.deal_id/JOIN credits c ON c.deal_id = d.deal_id AND c.kind = 'revenue'/" \
	"$SPM_SRC/bench/attainment.sql" | sqlite3 -batch "$SPM_DB")
expect_eq "naive per rep: each rep's June, as SQL sums it" \
	"$(echo "$june_reps" | awk -F'|' '$1 == "r04" || $1 == "r11" { printf "%s,%.2f\n", $1, $2 / 10000 }')" \
	"$(grep -E '^(r04|r11),' out | cut -d, -f1,3)"
run spm-forecast --level team series
expect_status 64
expect_err_has "series: --level rep forecasts each rep; no other level"

# Refusals: one line each, with the file, line, column and value.
printf 'month,value\n2026-01,1\n2026-03,2\n' >gap.csv
run spm-forecast series gap.csv
expect_status 65
expect_err "spm-forecast: gap.csv:3: column 'month': expected 2026-02 after the month before, not '2026-03'"
printf 'month,value\n2026-01,1\n2026-02,lots\n' >nan.csv
run spm-forecast series nan.csv
expect_status 65
expect_err "spm-forecast: nan.csv:3: column 'value': not a number: 'lots'"
printf 'month,value\n2026-13,1\n' >month.csv
run spm-forecast series month.csv
expect_status 65
expect_err "spm-forecast: month.csv:2: column 'month': not a month (YYYY-MM) or week (YYYY-Www): '2026-13'"
printf 'month,value\n' >empty.csv
run spm-forecast series empty.csv
expect_status 65
expect_err "spm-forecast: empty.csv: no months or weeks in the series"
: >nothing.csv
run spm-forecast series nothing.csv
expect_status 65
run spm-forecast --holdout 4 series line.csv
expect_status 64
expect_err_has "--holdout 4: the series has 4 months"
run spm-forecast --method prophecy series line.csv
expect_status 64
expect_err_has "--method: unknown method 'prophecy'"
run spm-forecast --method hw-multiplicative --season 2 series zeros.csv
expect_status 65
expect_err_has "positive"
run spm-forecast series missing.csv
expect_status 74
expect_err "spm-forecast: cannot open 'missing.csv': No such file or directory"
run spm-forecast --from 2026-01 series line.csv
expect_status 64
expect_err_has "--from, --to and --step choose the store's bookings, not a file's steps"
finish
