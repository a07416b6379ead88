#!/bin/sh
# spm-import's options and the errors they can meet: mapping files, constants, delimiters, the
# summary's output, reject files in both formats, and conflicts between the input and --map.
. "$SPM_SRC/tests/cli/lib.sh"

printf 'rep_id,email,team\nr1,r1@example.com,Blue\nr2,,Blue\n' >reps.csv
spm-import -q reps reps.csv || exit 1

# A mapping file: comments, blanks, spaces around '='; and its errors.
printf '# ours = theirs\n\ndeal_id = Opp Id\n  rep_id=Owner\n' >good.map
printf 'Opp Id|Owner|status\nM1|r1|open\n' >piped.csv
run spm-import --map-file good.map --delimiter '|' deals piped.csv
expect_status 0
expect_out_has "1 new"
printf 'deal_id Opp\n' >bad.map
run spm-import --map-file bad.map deals piped.csv
expect_status 64
expect_err "spm-import: bad.map:1: expected OURS=THEIRS: 'deal_id Opp'"
run spm-import --map-file missing.map deals piped.csv
expect_status 74
expect_err "spm-import: cannot open 'missing.map': No such file or directory"
run spm-import --delimiter x deals piped.csv
expect_status 64
expect_err_has "delimiter must be , ; | or tab, not 'x'"

# Mapping conflicts and unknown columns.
printf 'Opp,status\nS0,open\n' >s.csv
printf 'deal_id,Opp,status\nA,B,open\n' >both.csv
run spm-import --map deal_id=Opp deals both.csv
expect_status 65
expect_err "spm-import: both.csv:1: column 'deal_id' is in the input and also given by --map"
run spm-import --map deal_id=Nope deals s.csv
expect_status 65
expect_err "spm-import: s.csv:1: --map deal_id=Nope: no column 'Nope' in the input"
run spm-import --map nope=Opp deals both.csv
expect_status 64
expect_err "spm-import: --map: deals has no column 'nope'"
run spm-import --set nope=1 deals both.csv
expect_status 64
expect_err "spm-import: --set: deals has no column 'nope'"
printf 'Deal_Id,DEAL_ID,status\nA,B,open\n' >twice.csv
run spm-import deals twice.csv
expect_status 65
expect_err "spm-import: twice.csv:1: column 'deal_id' is given twice: by 'Deal_Id' and 'DEAL_ID'"

# Values the kinds check beyond their type.
printf 'rep_id,email\nr3,not-an-address\n' >mail.csv
run spm-import reps mail.csv
expect_status 65
expect_err "spm-import: mail.csv:2: column 'email': not an e-mail address: 'not-an-address'"
printf 'deal_id,status,probability\nP1,open,120%%\n' >prob.csv
run spm-import deals prob.csv
expect_status 65
expect_err "spm-import: prob.csv:2: column 'probability': out of range (0..1 or 0%..100%): '120%'"
printf 'currency,date,rate\nEUR,2026-01-01,0\n' >fx.csv
run spm-import fx fx.csv
expect_status 65
expect_err "spm-import: fx.csv:2: column 'rate': not greater than zero: '0'"
printf 'rep_id,team,period,amount\nr1,Blue,2026-Q1,10\n' >q.csv
run spm-import quotas q.csv
expect_status 65
expect_err "spm-import: q.csv:2: column 'team': give one of rep_id, team, territory, not both rep_id and team"
printf 'rep_id,period,amount\nr1,2026-Q1,-10\n' >q.csv
run spm-import quotas q.csv
expect_status 65
expect_err "spm-import: q.csv:2: column 'amount': a quota cannot be negative"

# The summary: in a file, in a format, or refused.
printf 'deal_id,status\nS1,open\n' >s.csv
run spm-import --format csv --output summary.csv deals s.csv
expect_status 0
expect_out ""
expect_eq "summary as CSV" "kind,sources,read,new,updated,unchanged,rejected,created_managers,created_territories,attributes,checked_only
deals,s.csv,1,1,0,0,0,0,0,,false" "$(cat summary.csv)"
run spm-import --format xml deals s.csv
expect_status 64
expect_err_has "unknown format 'xml'"

# Reject files: JSON Lines for JSON input (with a quote kept), and a reject file that cannot be written.
printf '{"deal_id":"J1","status":"open"}\n{"deal_id":"J2","rep_id":"r9","account":"say \\"hi\\"","x":null}\n' >in.jsonl
run spm-import --reject rej.jsonl deals in.jsonl
expect_status 0
expect_out "deals: 2 records from in.jsonl: 1 new, 0 updated, 0 unchanged, 1 rejected; kept as attributes: x"
expect_eq "JSON Lines reject" '{"deal_id":"J2","rep_id":"r9","account":"say \"hi\"","x":null,"reject_line":2,"reject_reason":"column '"'"'rep_id'"'"': unknown rep '"'"'r9'"'"'"}' "$(cat rej.jsonl)"
printf 'deal_id,account,rep_id\nQ1,"a ""quoted"", name",r9\n' >quoted.csv
run spm-import --reject rej.csv deals quoted.csv
expect_status 0
expect_eq "CSV reject keeps quotes" 'deal_id,account,rep_id,reject_line,reject_reason
Q1,"a ""quoted"", name",r9,2,column '"'"'rep_id'"'"': unknown rep '"'"'r9'"'"'' "$(cat rej.csv)"
if [ -w /dev/full ]; then
	before=$(digest)
	run spm-import --reject /dev/full deals quoted.csv
	expect_status 74
	expect_err_has "spm-import: cannot write the reject file"
	expect_eq "store unchanged" "$before" "$(digest)"
fi
run spm-import --reject /no/such/dir/rej.csv deals quoted.csv
expect_status 74
expect_err_has "cannot write '/no/such/dir/rej.csv'"
finish
