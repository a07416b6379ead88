#!/bin/sh
# Bad input: each case gets one line on stderr with the file, line and column, exit status 65, and
# leaves the store exactly as it was.
. "$SPM_SRC/tests/cli/lib.sh"

printf 'rep_id,manager_id\nr1,\nr2,r1\n' >reps.csv
spm-import -q reps reps.csv || exit 1
printf 'deal_id,rep_id,amount,close_date,status,currency\nD1,r1,10,2026-01-01,won,EUR\n' >base.csv
spm-import -q deals base.csv || exit 1
h='deal_id,rep_id,amount,close_date,status,currency'

# refused FILE MESSAGE: importing FILE as deals fails with MESSAGE and changes nothing.
refused() {
	before=$(digest)
	run spm-import deals "$1"
	expect_status 65
	expect_err "$2"
	expect_eq "store unchanged" "$before" "$(digest)"
}
# bad_row ROW MESSAGE: a deals CSV whose third line is ROW.
bad_row() {
	printf '%s\nD7,r1,10,2026-01-01,won,EUR\n%s\n' "$h" "$1" >in.csv
	refused in.csv "spm-import: in.csv:3: $2"
}

bad_row 'D2,r1,"12,5x",2026-01-01,won,EUR' "column 'amount': not a number: '12,5x'"
bad_row 'D2,r1,1.23456,2026-01-01,won,EUR' "column 'amount': too many decimals (at most 4): '1.23456'"
bad_row 'D2,r1,99999999999999999999,2026-01-01,won,EUR' "column 'amount': out of range: '99999999999999999999'"
bad_row 'D2,r1,922337203685477.5808,2026-01-01,won,EUR' "column 'amount': out of range: '922337203685477.5808'"
bad_row 'D2,r1,NaN,2026-01-01,won,EUR' "column 'amount': not a number: 'NaN'"
bad_row 'D2,r1,1e400,2026-01-01,won,EUR' "column 'amount': not a number: '1e400'"
bad_row 'D2,r1,10,2026-02-30,won,EUR' "column 'close_date': impossible date: '2026-02-30'"
bad_row 'D2,r1,10,11/8/2016,won,EUR' "column 'close_date': ambiguous date '11/8/2016': give a date format such as %m/%d/%Y or %d/%m/%Y"
bad_row 'D2,r1,10,2026-01-01,won' "expected 6 columns but found 5"
bad_row 'D2,r1,10,2026-01-01,won,EUR,x' "expected 6 columns but found 7"
bad_row 'D2,r1,10,2026-01-01,"won,EUR' "unterminated quoted field"
bad_row 'D2,r1,10,2026-01-01,maybe,EUR' "column 'status': unknown value 'maybe' (expected one of: open, won, lost)"
bad_row 'D2,r1,10,2026-01-01,won,EURO' "column 'currency': unknown currency code: 'EURO'"
bad_row ',r1,10,2026-01-01,won,EUR' "column 'deal_id': empty key"
bad_row 'D7,r2,10,2026-01-01,won,EUR' "duplicate key 'D7' (first on line 2)"
bad_row 'D2,r99,10,2026-01-01,won,EUR' "column 'rep_id': unknown rep 'r99'"
bad_row 'D2,r1,,2026-01-01,won,EUR' "column 'amount': missing value for a won deal"
bad_row 'D2,r1,10,,won,EUR' "column 'close_date': missing value for a won deal"
bad_row 'D2,r1,10,2026-01-01,open,EUR,' "expected 6 columns but found 7"

printf '%s\nD2,r1,1\0000,2026-01-01,won,EUR\n' "$h" >in.csv
refused in.csv "spm-import: in.csv:2: NUL byte in input"
printf '%s\nD2,r1,10,2026-01-01,won,EUR\nD3,r\351,10,2026-01-01,won,EUR\n' "$h" >in.csv
refused in.csv "spm-import: in.csv:3: invalid UTF-8 (byte 0xE9); if the file is not UTF-8, give its encoding, e.g. --encoding cp1252"
printf '{"deal_id":"D2","status":"open"}\n{"deal_id":"D3","sta' >in.jsonl
refused in.jsonl "spm-import: in.jsonl:2: truncated JSON"
printf '[{"deal_id":"D2","status":"open","amount":{"v":1}}]' >in.json
refused in.json "spm-import: in.json:1: nested object where a value belongs: key 'amount'"
printf '[{"deal_id":"D2","status":"open","amount":[1]}]' >in.json
refused in.json "spm-import: in.json:1: nested array where a value belongs: key 'amount'"
printf '' >empty.csv
refused empty.csv "spm-import: empty.csv: empty input: no header line"
printf '%s\r\n' "$h" >header.csv
refused header.csv "spm-import: header.csv: no records (give --allow-empty if that is fine)"
run spm-import --allow-empty deals header.csv
expect_status 0
printf 'rep_id,amount\nr1,5\n' >nokey.csv
refused nokey.csv "spm-import: nokey.csv:1: missing required column 'deal_id'"
printf '[1,2]' >in.json
refused in.json "spm-import: in.json:1: expected an object"
printf '{"deal_id":"D2"}' >in.json
refused in.json "spm-import: in.json:1: expected an array of objects"

# --keep-going reports every bad record; nothing lands.
printf '%s\nD2,r1,x,2026-01-01,won,EUR\nD3,r1,10,2026-01-01,won,EUR\nD4,r9,10,2026-01-01,won,EUR\n' "$h" >many.csv
before=$(digest)
run spm-import --keep-going deals many.csv
expect_status 65
expect_err "spm-import: many.csv:2: column 'amount': not a number: 'x'
spm-import: many.csv:4: column 'rep_id': unknown rep 'r9'
spm-import: 2 bad records; nothing was imported"
expect_eq "store unchanged" "$before" "$(digest)"

# --reject loads the good records and writes the bad ones with their reason; fixed, they import.
run spm-import --reject rejected.csv deals many.csv
expect_status 0
expect_out "deals: 3 records from many.csv: 1 new, 0 updated, 0 unchanged, 2 rejected"
expect_eq "reject file" "deal_id,rep_id,amount,close_date,status,currency,reject_line,reject_reason
D2,r1,x,2026-01-01,won,EUR,2,column 'amount': not a number: 'x'
D4,r9,10,2026-01-01,won,EUR,4,column 'rep_id': unknown rep 'r9'" "$(cat rejected.csv)"
sed 's/,x,/,12,/; s/,r9,/,r2,/' rejected.csv >fixed.csv
run spm-import deals fixed.csv
expect_status 0
expect_out "deals: 2 records from fixed.csv: 2 new, 0 updated, 0 unchanged, 0 rejected"

# Hostile strings are stored exactly as given.
cat >hostile.csv <<'CSV'
deal_id,rep_id,account,product,status
H1,r1,"Robert'); DROP TABLE deals;--","=HYPERLINK(""http://x"")",open
H2,r1,"  spaced  ","line one
line two",open
H3,r1,Zoë & Søren “quoted”,@SUM(A1),open
CSV
run spm-import deals hostile.csv
expect_status 0
expect_eq "SQL kept as text" "Robert'); DROP TABLE deals;--" "$(sql "select account from deals where deal_id='H1'")"
expect_eq "formula kept" '=HYPERLINK("http://x")' "$(sql "select product from deals where deal_id='H1'")"
expect_eq "blanks in text kept" "  spaced  " "$(sql "select account from deals where deal_id='H2'")"
expect_eq "quoted newline kept" "line one
line two" "$(sql "select product from deals where deal_id='H2'")"
expect_eq "non-ASCII kept" "Zoë & Søren “quoted”" "$(sql "select account from deals where deal_id='H3'")"
expect_eq "line after a quoted newline" "5" "$(sql "select line from deals where deal_id='H3'")"

# BOM, CRLF, ';' and decimal commas, quoted newlines: line numbers stay physical.
printf '\357\273\277deal_id;rep_id;amount;status\r\nS1;r1;"1,5";open\r\nS2;r1;"multi\r\nline";open\r\nS3;r1;2,x;open\r\n' >semi.csv
before=$(digest)
run spm-import --decimal-comma deals semi.csv
expect_status 65
expect_err "spm-import: semi.csv:3: column 'amount': not a number: 'multi\x0D\x0Aline'"
printf '\357\273\277deal_id;rep_id;amount;account;status\r\nS1;r1;"1,5";A;open\r\nS2;r1;"2,25";"multi\r\nline";open\r\nS3;r1;2,x;B;open\r\n' >semi.csv
run spm-import --decimal-comma deals semi.csv
expect_status 65
expect_err "spm-import: semi.csv:5: column 'amount': not a number: '2,x'"
expect_eq "store unchanged" "$before" "$(digest)"

# A Windows-1252 file read as UTF-8 is refused with a hint; with its encoding it loads.
printf 'deal_id,rep_id,account,status\nW1,r1,Fran\347ois \223Ltd\224,open\n' >cp.csv
run spm-import deals cp.csv
expect_status 65
expect_err_has "cp.csv:2: invalid UTF-8 (byte 0xE7)"
run spm-import --encoding cp1252 deals cp.csv
expect_status 0
expect_eq "transcoded" "François “Ltd”" "$(sql "select account from deals where deal_id='W1'")"
run spm-import --encoding no-such-encoding deals cp.csv
expect_status 64
expect_err_has "unknown encoding 'no-such-encoding'"

# Rules across records: a loop of managers, revenue shares that do not add up.
before=$(digest)
printf 'rep_id,manager_id\nr1,r2\n' >loop.csv
run spm-import reps loop.csv
expect_status 65
expect_err "spm-import: loop.csv:2: column 'manager_id': rep 'r1' is its own manager through manager_id"
printf 'deal_id,rep_id,share\nD1,r1,60%%\nD1,r2,30%%\n' >credits.csv
run spm-import credits credits.csv
expect_status 65
expect_err "spm-import: credits.csv:2: column 'share': revenue shares of deal 'D1' add up to 90%, not 100%"
printf 'rep_id,hire_date,end_date\nr5,2026-03-01,2026-02-01\n' >dates.csv
run spm-import reps dates.csv
expect_status 65
expect_err "spm-import: dates.csv:2: column 'end_date': '2026-02-01' is before hire_date '2026-03-01'"
printf 'rep_id,team,period,amount\nr1,,2026-Q5,10\n' >q.csv
run spm-import quotas q.csv
expect_status 65
expect_err "spm-import: q.csv:2: column 'period': no quarter 5 in '2026-Q5'"
printf 'rep_id,team,period,amount\n,Nope,2026-Q1,10\n' >q.csv
run spm-import quotas q.csv
expect_status 65
expect_err "spm-import: q.csv:2: column 'team': unknown team: 'Nope'"
printf 'rep_id,team,period,amount\n,,2026-Q1,10\n' >q.csv
run spm-import quotas q.csv
expect_status 65
expect_err "spm-import: q.csv:2: give one of rep_id, team, territory"
printf 'respondent,date,score\nx,2026-01-01,11\n' >s.csv
run spm-import survey s.csv
expect_status 65
expect_err "spm-import: s.csv:2: column 'score': out of range (0..10): '11'"
expect_eq "store unchanged" "$before" "$(digest)"
finish
