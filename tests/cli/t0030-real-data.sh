#!/bin/sh
# Real public exports, loaded as a new user would load them: without editing the files, only with
# options. The data is read from ../shared/data (SPM_DATA); it is never copied into the project.
. "$SPM_SRC/tests/cli/lib.sh"
: "${SPM_DATA:?SPM_DATA must name the shared data directory}"
crm="$SPM_DATA/crm-sales-opportunities"
store="$SPM_DATA/superstore/sample_superstore.csv"

# spm_sum QUERY: a money sum (in ten-thousandths) written as a decimal, by integer arithmetic only.
spm_sum() {
	v=$(sql "$1")
	printf '%s.%04d\n' "$((v / 10000))" "$((v % 10000))"
}

# CRM sales opportunities: 35 agents under 6 managers in 3 regional offices, 85 accounts,
# 7 products, 8,800 opportunities (CRLF, empty fields on open deals).
run spm-import --map rep_id=sales_agent --map name=sales_agent --map manager_id=manager \
	--map territory=regional_office --create-territories reps "$crm/sales_teams.csv"
expect_status 0
expect_out "reps: 35 records from $crm/sales_teams.csv: 35 new, 0 updated, 0 unchanged, 0 rejected; created 6 managers; created 3 territories"
# The hierarchy the file holds, counted independently with awk.
expected=$(tail -n +2 "$crm/sales_teams.csv" | tr -d '\r' |
	awk -F, '{ n[$2 "|" $3]++ } END { for (k in n) print k "|" n[k] }' | sort)
expect_eq "managers, their offices and teams" "$expected" "$(sql "select m.rep_id, m.territory, count(r.rep_id) from reps m join reps r on r.manager_id = m.rep_id where m.role = 'manager' group by m.rep_id order by 1")"

run spm-import --map account_id=account --map parent_id=subsidiary_of accounts "$crm/accounts.csv"
expect_status 0
expect_out_has "85 new"
expect_eq "typo kept, subsidiaries linked" "technolgy|15" "$(sql "select json_extract(attrs, '\$.sector'), (select count(*) from accounts where parent_id is not null) from accounts where account_id = 'Acme Corporation'")"
run spm-import --map product_id=product --map family=series --map price=sales_price products "$crm/products.csv"
expect_status 0
expect_out_has "7 new"

run spm-import --map deal_id=opportunity_id --map rep_id=sales_agent --map stage=deal_stage \
	--map created_date=engage_date --map amount=close_value deals "$crm/sales_pipeline.csv"
expect_status 0
expect_out "deals: 8800 records from $crm/sales_pipeline.csv: 8800 new, 0 updated, 0 unchanged, 0 rejected"
expect_eq "deals by status" "lost|2473|0
open|2089|
won|4238|100055340000" "$(sql "select status, count(*), sum(amount) from deals group by status order by status")"
expect_eq "won total, exactly" "10005534.0000" "$(spm_sum "select sum(amount) from deals where status = 'won'")"
expect_eq "their spelling kept" "1480" "$(sql "select count(*) from deals where product = 'GTXPro'")"
expect_eq "agents without deals are there" "Carl Lin,Carol Thompson,Elizabeth Anderson,Mei-Mei Johns,Natalya Ivanova" \
	"$(sql "select group_concat(rep_id, ',') from (select rep_id from reps r where role is null and not exists (select 1 from deals d where d.rep_id = r.rep_id) order by rep_id)")"
expect_eq "the file's hash recorded" "825ce8f6c32d4009548b468df3173d55a46fd73f2531f532c5459371dc52adf2" \
	"$(sql "select sha256 from imports where kind = 'deals'")"

# Loading it again changes nothing.
before=$(digest)
run spm-import --quiet --map deal_id=opportunity_id --map rep_id=sales_agent --map stage=deal_stage \
	--map created_date=engage_date --map amount=close_value deals "$crm/sales_pipeline.csv"
expect_status 0
expect_eq "only a new import record" "5" "$(sql "select count(*) from imports")"

# Superstore: Windows-1252, US dates, four-decimal amounts, no sales rep (the Region is a territory).
SPM_DB="$tmp/superstore.db"
run spm-import --encoding cp1252 --date-format %m/%d/%Y --map deal_id="Row ID" \
	--map close_date="Order Date" --map amount=Sales --map territory=Region \
	--map account="Customer Name" --map product="Product Name" --set status=won \
	--create-territories deals "$store"
expect_status 0
expect_out_has "deals: 9994 records from $store: 9994 new, 0 updated, 0 unchanged, 0 rejected; created 4 territories"
expect_eq "Sales total, exactly" "2297200.8603" "$(spm_sum "select sum(amount) from deals")"
expect_eq "regions" "Central|2323
East|2848
South|1620
West|3203" "$(sql "select territory, count(*) from deals group by 1 order by 1")"
expect_eq "CP1252 transcoded" "1" "$(sql "select count(distinct account) from deals where account = 'Roy Französisch'")"
expect_eq "no-break space kept" "1" "$(sql "select count(*) > 0 from deals where product like '%Conference' || char(160) || 'phone' || char(160) || '- Charcoal black%'")"
expect_eq "leading zero lost by the source, kept as text" "2149" "$(sql "select json_extract(attrs, '\$.\"Postal Code\"') from deals where deal_id = '1538'")"
expect_eq "first order date" "2014-01-03" "$(sql "select min(close_date) from deals")"
finish
