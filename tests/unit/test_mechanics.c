/*
 * Worked examples of every pay mechanic, run end to end through the store: a plan file, imported
 * data, spm_run, and the lines it stores. Where an example is published, its source is named at
 * the test and the test checks spm pays exactly the published figures; the others are the worked
 * examples of spm's own commission specification, written out by hand. Then properties: pay never
 * falls as sales rise, a run's lines add up to what is stored, and the order rows were imported in
 * changes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "teststore.h"

#include "spm/run.h"

/* The lines of the last run, "rep kind component amount" each, and their sum. */
static char lines[8192];
static int64_t total;

static int collect(void *ctx, const spm_payout *p)
{
	char amount[SPM_NUM_BUFSZ];
	size_t n = strlen(lines);
	(void)ctx;
	spm_money_format(amount, sizeof amount, p->pay, 2);
	snprintf(lines + n, sizeof lines - n, "%s %s %s %s\n", p->rep_id, p->kind,
	         p->component ? p->component : "-", amount);
	total += p->pay.units;
	return 0;
}

/* A plan that must parse, named `source`; freed by the caller. */
static spm_plan *plan_of(const char *source, const char *text)
{
	spm_plan *p = NULL;
	spm_error err;
	if (spm_plan_parse(&p, source, text, strlen(text), &err))
		fail_msg("%s: %s", source, err.message);
	return p;
}

static spm_period period_of(const char *name)
{
	spm_period p;
	spm_error err;
	if (spm_period_parse(&p, name, strlen(name), NULL, &err))
		fail_msg("%s", err.message);
	return p;
}

static int run_plan(spm_store *st, const char *text, const char *period_name, spm_error *err)
{
	spm_plan *plan = NULL;
	spm_period period = period_of(period_name);
	spm_run_summary sum;
	int rc = spm_plan_parse(&plan, "plan.yaml", text, strlen(text), err);
	if (rc)
		return rc;
	spm_run_plan rp = {plan, text, strlen(text)};
	lines[0] = '\0';
	total = 0;
	rc = spm_run(st, &rp, 1, &period, collect, NULL, &sum, err);
	spm_plan_free(plan);
	return rc;
}

static void run_ok(spm_store *st, const char *text, const char *period)
{
	spm_error err;
	if (run_plan(st, text, period, &err))
		fail_msg("run %s: %s", period, err.message);
}

static int64_t query_int(spm_store *st, const char *sql)
{
	spm_stmt *s = NULL;
	spm_error err;
	if (spm_stmt_prepare(st, &s, sql, &err))
		fail_msg("%s", err.message);
	assert_int_equal(spm_stmt_step(s, &err), SPM_ROW);
	int64_t v = spm_stmt_int64(s, 0);
	spm_stmt_finalize(s);
	return v;
}

static int setup(void **state)
{
	spm_store *st = teststore_open("mechanics");
	teststore_load(st, SPM_KIND_REPS,
	               "rep_id,manager_id\nm1,\nr1,m1\nr2,m1\nr3,r2\n");
	*state = st;
	return 0;
}

#define HEAD(period, extra)                                                                    \
	"plan: p\ncurrency: USD\nperiod: " period "\neffective: {from: 2026-01-01}\n" extra

/*
 * Graduated tiers, each slice of sales at its own rate:
 * - 0-200,000 at 4%, above at 6%: a month of 220,000 pays 8,000 + 1,200 = 9,200 (spm's
 *   specification);
 * - 5% to 50,000, 7% to 100,000, 10% above: 175,000 pays 2,500 + 3,500 + 7,500 = 13,500
 *   (sparrowgenie.com, "Tiered/Graduated Commission", formula breakdown);
 * - gross-profit ranges to 200 at 2%, to 500 at 3%, to 1,000 at 4%, above at 5.5%: 1,200 pays
 *   4 + 9 + 20 + 11 = 44 (Eclipse help, "Tiered Commission Plan Details").
 */
static void test_graduated(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date\nA,r1,150000,won,2026-03-02\n"
	               "B,r1,70000,won,2026-03-20\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	run_ok(st, HEAD("month", "components:\n  - name: sales\n    rates:\n      on: amount\n"
	                         "      method: graduated\n"
	                         "      tiers: [{upto: 200000, rate: 4%}, {rate: 6%}]\n"),
	       "2026-03");
	assert_string_equal(lines, "r1 commission sales 9200.00\n");
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date\nB,r1,25000,won,2026-03-20\n");
	run_ok(st, HEAD("month", "components:\n  - name: sales\n    rates:\n      on: amount\n"
	                         "      method: graduated\n      tiers: [{upto: 50000, rate: 5%},"
	                         " {upto: 100000, rate: 7%}, {rate: 10%}]\n"),
	       "2026-03");
	assert_string_equal(lines, "r1 commission sales 13500.00\n");
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date\nA,r1,1000,won,2026-03-02\n"
	               "B,r1,200,won,2026-03-20\n");
	run_ok(st, HEAD("month", "components:\n  - name: sales\n    rates:\n      on: amount\n"
	                         "      method: graduated\n      tiers: [{upto: 200, rate: 2%},"
	                         " {upto: 500, rate: 3%}, {upto: 1000, rate: 4%}, {rate: 5.5%}]\n"),
	       "2026-03");
	assert_string_equal(lines, "r1 commission sales 44.00\n");
}

/*
 * Cumulative evaluation with a retroactive true-up: tiers on the quarter, below quota 6%, from
 * quota (100,000) on 8% of everything. Month 1 books 60,000: paid 3,600. Month 2 books 50,000:
 * the quarter to date, 110,000, earns 8% × 110,000 = 8,800; paid to date 3,600; month 2 pays
 * 5,200: earned to date less paid to date (spm's specification).
 */
static void test_true_up(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date\nA,r1,60000,won,2026-01-15\n"
	               "B,r1,50000,won,2026-02-10\n");
	teststore_load(st, SPM_KIND_QUOTAS, "rep_id,period,amount\nr1,2026-Q1,100000\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	static const char plan[] = HEAD(
	    "month", "evaluation: quarter-to-date\n"
	             "components:\n  - name: sales\n    quota: bookings\n    rates:\n"
	             "      on: attainment\n      method: retroactive\n      boundary: above\n"
	             "      tiers: [{upto: 100%, rate: 6%}, {rate: 8%}]\n");
	run_ok(st, plan, "2026-01");
	assert_string_equal(lines, "r1 commission sales 3600.00\n");
	run_ok(st, plan, "2026-02");
	assert_string_equal(lines, "r1 commission sales 5200.00\n");
	/* March books nothing: the quarter is settled, nothing more to pay */
	run_ok(st, plan, "2026-03");
	assert_string_equal(lines, "r1 commission sales 0.00\n");
	/* rerunning January does not count February's pay as paid before it */
	run_ok(st, plan, "2026-01");
	assert_string_equal(lines, "r1 commission sales 3600.00\n");
}

/*
 * A recoverable draw of 1,500 a month: August earns 500 and is paid 1,500 (the draw advances
 * 1,000: balance -1,000); September earns 3,000 and is paid 2,000, recovering the 1,000:
 * balance 0 (xactlycorp.com/blog/non-recoverable-draw, the recoverable draw's table).
 */
static void test_recoverable_draw(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date\nA,r1,5000,won,2026-08-10\n"
	               "B,r1,30000,won,2026-09-10\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	static const char plan[] =
	    HEAD("month", "draw: {amount: 1500, recoverable: true}\n"
	                  "components:\n  - name: sales\n    rate: 10%\n");
	run_ok(st, plan, "2026-08");
	assert_string_equal(lines, "r1 commission sales 500.00\nr1 draw - 1000.00\n");
	assert_int_equal(query_int(st, "SELECT sum(amount) FROM ledger"), -1000 * SPM_MONEY_ONE);
	run_ok(st, plan, "2026-09");
	assert_string_equal(lines, "r1 commission sales 3000.00\nr1 recovery - -1000.00\n");
	assert_int_equal(total, 2000 * SPM_MONEY_ONE);
	assert_int_equal(query_int(st, "SELECT sum(amount) FROM ledger"), 0);
	/* a rerun of September replaces its ledger entries, and the balance stays 0 */
	run_ok(st, plan, "2026-09");
	assert_int_equal(query_int(st, "SELECT sum(amount) FROM ledger"), 0);
}

/*
 * Six months of a recoverable draw of 2,000: earnings 2,750, 3,000, 1,500, 2,375, 3,000, 2,750
 * are paid 2,750, 3,000, 2,000 (500 advanced), 2,000 (375 recovered), 2,875 (the last 125
 * recovered), 2,750 (Oracle Siebel Incentive Compensation Administration Guide, "Recoverable
 * Draw Scenario", Table 4).
 */
static void test_draw_six_months(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date\nA,r1,27500,won,2002-01-10\n"
	               "B,r1,30000,won,2002-02-10\nC,r1,15000,won,2002-03-10\n"
	               "D,r1,23750,won,2002-04-10\nE,r1,30000,won,2002-05-10\n"
	               "F,r1,27500,won,2002-06-10\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2002-01-01\n");
	static const char plan[] = "plan: p\ncurrency: USD\nperiod: month\n"
	                           "effective: {from: 2002-01-01}\n"
	                           "draw: {amount: 2000, recoverable: true}\n"
	                           "components:\n  - name: sales\n    rate: 10%\n";
	static const char *const months[] = {"2002-01", "2002-02", "2002-03",
	                                     "2002-04", "2002-05", "2002-06"};
	static const int64_t paid[] = {2750, 3000, 2000, 2000, 2875, 2750};
	static const int64_t balance[] = {0, 0, -500, -125, 0, 0};
	for (int i = 0; i < 6; i++) {
		char sql[160];
		run_ok(st, plan, months[i]);
		assert_int_equal(total, paid[i] * SPM_MONEY_ONE);
		snprintf(sql, sizeof sql,
		         "SELECT coalesce(sum(amount), 0) FROM ledger l JOIN runs n USING (run_id)"
		         " WHERE n.period <= '%s'",
		         months[i]);
		assert_int_equal(query_int(st, sql), balance[i] * SPM_MONEY_ONE);
	}
}

/* A recovery limit: at most 50% of the period's earnings; a non-recoverable draw only tops up. */
static void test_draw_limits(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date\nA,r1,0,won,2026-08-10\n"
	               "B,r1,20000,won,2026-09-10\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	run_ok(st, HEAD("month", "draw: {amount: 1500, recoverable: true, recover_at_most: 10%}\n"
	                         "components:\n  - name: sales\n    rate: 10%\n"),
	       "2026-08");
	assert_string_equal(lines, "r1 commission sales 0.00\nr1 draw - 1500.00\n");
	/* September earns 2,000: above the draw by 500, but 10% of 2,000 is 200 */
	run_ok(st, HEAD("month", "draw: {amount: 1500, recoverable: true, recover_at_most: 10%}\n"
	                         "components:\n  - name: sales\n    rate: 10%\n"),
	       "2026-09");
	assert_string_equal(lines, "r1 commission sales 2000.00\nr1 recovery - -200.00\n");
	/* non-recoverable: a guarantee, nothing owed */
	run_ok(st, HEAD("month", "draw: {amount: 1500}\n"
	                         "components:\n  - name: sales\n    rate: 10%\n"),
	       "2026-08");
	assert_string_equal(lines, "r1 commission sales 0.00\nr1 draw - 1500.00\n");
	assert_int_equal(query_int(st, "SELECT count(*) FROM ledger l JOIN runs n USING (run_id)"
	                               " WHERE n.period = '2026-08'"),
	                 0);
}

/*
 * A manager override of 3% on the team's sales of 300,000 (75,000, 60,000, 67,500, 52,500 and
 * 45,000) pays 9,000; only above 225,000 it pays 3% × 75,000 = 2,250 (prowi.io glossary,
 * "Override Commission": the five-rep table and the first-dollar and threshold models).
 */
static void test_override(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_REPS, "rep_id,manager_id\nr4,m1\nr5,m1\n");
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date\nA,r1,75000,won,2026-03-02\n"
	               "B,r2,60000,won,2026-03-03\nC,r3,67500,won,2026-03-04\n"
	               "D,r4,52500,won,2026-03-05\nE,r5,45000,won,2026-03-06\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nm1,p,2026-01-01\n");
	run_ok(st, HEAD("month", "components:\n  - name: own\n    rate: 1%\n"
	                         "overrides:\n  - {name: team, rate: 3%}\n"),
	       "2026-03");
	assert_string_equal(lines, "m1 commission own 0.00\nm1 override team 9000.00\n");
	run_ok(st, HEAD("month", "components:\n  - name: own\n    rate: 1%\n"
	                         "overrides:\n  - {name: team, rate: 3%, above: 225000}\n"),
	       "2026-03");
	assert_string_equal(lines, "m1 commission own 0.00\nm1 override team 2250.00\n");
	/* direct reports only: r3 reports to r2, so C (67,500) drops out: 3% of 232,500 */
	run_ok(st, HEAD("month", "components:\n  - name: own\n    rate: 1%\n"
	                         "overrides:\n  - {name: team, rate: 3%, levels: direct}\n"),
	       "2026-03");
	assert_string_equal(lines, "m1 commission own 0.00\nm1 override team 6975.00\n");
}

/*
 * A clawback: a 10,000 deal at 5% paid 500 in June, cancelled in August when the rep earns 300.
 * August nets 300 - 500 = -200: pays 0 and carries -200. September earns 900 and pays 700:
 * reversed at the rate it was paid at, a negative period carried forward (spm's specification).
 */
static void test_clawback(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date,cancel_date\n"
	               "A,r1,10000,won,2026-06-10,2026-08-05\nB,r1,6000,won,2026-08-12,\n"
	               "C,r1,18000,won,2026-09-01,\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	static const char plan[] = HEAD(
	    "month", "clawback: {within_days: 90}\ncomponents:\n  - name: sales\n    rate: 5%\n");
	run_ok(st, plan, "2026-06");
	assert_string_equal(lines, "r1 commission sales 500.00\n");
	run_ok(st, plan, "2026-08");
	assert_string_equal(lines, "r1 commission sales 300.00\n"
	                           "r1 clawback sales -500.00\n"
	                           "r1 carry - 200.00\n");
	assert_int_equal(total, 0);
	run_ok(st, plan, "2026-09");
	assert_string_equal(lines, "r1 commission sales 900.00\nr1 carry - -200.00\n");
	assert_int_equal(total, 700 * SPM_MONEY_ONE);
	/* the clawback names what it corrects */
	assert_int_equal(query_int(st, "SELECT count(*) FROM payout_lines WHERE kind = 'clawback'"
	                               " AND reference = '2026-06:sales:A'"),
	                 1);
	/* outside the window, nothing is taken back */
	run_ok(st, HEAD("month", "clawback: {within_days: 30}\n"
	                         "components:\n  - name: sales\n    rate: 5%\n"),
	       "2026-08");
	assert_string_equal(lines, "r1 commission sales 300.00\n");
}

/* Gate and deductible thresholds, a multiplier, per-deal and plan caps, a bonus and a SPIFF. */
static void test_thresholds_caps_bonuses(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date,type\n"
	               "A,r1,40000,won,2026-03-02,new\nB,r1,30000,won,2026-03-20,new\n"
	               "C,r1,10000,won,2026-03-25,renewal\n");
	teststore_load(st, SPM_KIND_QUOTAS, "rep_id,period,amount\nr1,2026-03,100000\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	/* 80,000 of a 100,000 quota: a gate at 90% pays nothing */
	run_ok(st, HEAD("month", "components:\n  - name: s\n    quota: bookings\n    rate: 10%\n"
	                         "    threshold: {at: 90%, on: attainment}\n"),
	       "2026-03");
	assert_string_equal(lines, "r1 commission s 0.00\n");
	/* at 50% it pays all: 8,000 */
	run_ok(st, HEAD("month", "components:\n  - name: s\n    quota: bookings\n    rate: 10%\n"
	                         "    threshold: {at: 50%, on: attainment}\n"),
	       "2026-03");
	assert_string_equal(lines, "r1 commission s 8000.00\n");
	/* deductible 50,000: 10% of 30,000 */
	run_ok(st, HEAD("month", "components:\n  - name: s\n    rate: 10%\n"
	                         "    threshold: {at: 50000, on: amount, kind: deductible}\n"),
	       "2026-03");
	assert_string_equal(lines, "r1 commission s 3000.00\n");
	/* a multiplier from 75%: 8,000 × 1.5 = 12,000, then a cap of 11,000 */
	run_ok(st, HEAD("month", "components:\n  - name: s\n    quota: bookings\n    rate: 10%\n"
	                         "    multipliers: [{from: 75%, factor: 1.5}]\n"
	                         "    cap: {payout: 11000}\n"),
	       "2026-03");
	assert_string_equal(lines, "r1 commission s 11000.00\n");
	/* per-deal cap 35,000: A counts 35,000; 10% of 75,000 */
	run_ok(st, HEAD("month", "components:\n  - name: s\n    rate: 10%\n"
	                         "    cap: {per_deal: 35000}\n"),
	       "2026-03");
	assert_string_equal(lines, "r1 commission s 7500.00\n");
	/* a fixed bonus on attainment >= 80%, a SPIFF of 100 per new deal, a plan cap of 8,500 */
	run_ok(st, HEAD("month", "cap: {payout: 8500}\n"
	                         "components:\n  - name: s\n    quota: bookings\n    rate: 10%\n"
	                         "bonuses:\n"
	                         "  - {name: club, amount: 1000, when: {component: s, attainment: 80%}}\n"
	                         "  - {name: spiff, per_deal: 100, credit: {type: new}}\n"),
	       "2026-03");
	assert_string_equal(lines, "r1 commission s 8000.00\nr1 bonus club 1000.00\n"
	                           "r1 bonus spiff 200.00\nr1 cap - -700.00\n");
	assert_int_equal(total, 8500 * SPM_MONEY_ONE);
}

/* Pay curves: per component, and on the weighted attainment (which pays differently). */
static void test_curves(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date,type\n"
	               "A,r1,120000,won,2026-03-02,new\nB,r1,20000,won,2026-03-20,renewal\n");
	teststore_load(st, SPM_KIND_QUOTAS,
	               "rep_id,period,metric,amount\nr1,2026-03,new,100000\n"
	               "r1,2026-03,renewal,40000\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	/*
	 * new: 120% of quota, weight 60%; renewal: 50%, weight 40%. Target incentive 10,000.
	 * Curve 0% -> 0%, 100% -> 100%, 150% -> 200%.
	 * Per component: new 6,000 × 140% = 8,400; renewal 4,000 × 50% = 2,000: 10,400.
	 * Weighted: 0.6 × 120% + 0.4 × 50% = 92%: 10,000 × 92% = 9,200.
	 */
	static const char points[] =
	    "[{attainment: 0%, payout: 0%}, {attainment: 100%, payout: 100%},"
	    " {attainment: 150%, payout: 200%}]";
	char plan[2048];
	snprintf(plan, sizeof plan,
	         HEAD("month", "target_incentive: 10000\ncomponents:\n"
	                       "  - {name: new, weight: 60%%, credit: {type: new}, quota: new,"
	                       " curve: {points: %s}}\n"
	                       "  - {name: renewal, weight: 40%%, credit: {type: renewal},"
	                       " quota: renewal, curve: {points: %s}}\n"),
	         points, points);
	run_ok(st, plan, "2026-03");
	assert_string_equal(lines, "r1 commission new 8400.00\nr1 commission renewal 2000.00\n");
	snprintf(plan, sizeof plan,
	         HEAD("month", "target_incentive: 10000\ncurve_on: weighted\ncurve: {points: %s}\n"
	                       "components:\n"
	                       "  - {name: new, weight: 60%%, credit: {type: new}, quota: new}\n"
	                       "  - {name: renewal, weight: 40%%, credit: {type: renewal},"
	                       " quota: renewal}\n"),
	         points);
	run_ok(st, plan, "2026-03");
	assert_string_equal(lines, "r1 commission - 9200.00\n");
}

/* Counts and activities with a per-unit rate; margins at a rate. */
static void test_measures(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,margin,status,close_date\n"
	               "A,r1,10000,4000,won,2026-03-02\nB,r1,5000,,won,2026-03-03\n");
	teststore_load(st, SPM_KIND_ACTIVITIES,
	               "rep_id,date,kind,count\nr1,2026-03-02,meeting,3\nr1,2026-03-03,call,40\n"
	               "r1,2026-04-01,meeting,9\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	run_ok(st, HEAD("month", "components:\n"
	                         "  - {name: deals, measure: count, per_unit: 50}\n"
	                         "  - {name: margin, measure: margin, rate: 10%}\n"
	                         "  - {name: meetings, measure: activities, activities: meeting,"
	                         " per_unit: 20}\n"),
	       "2026-03");
	assert_string_equal(lines, "r1 commission deals 100.00\nr1 commission margin 400.00\n"
	                           "r1 commission meetings 60.00\n");
}

/* Rounding on the total: lines keep 4 decimals, one line brings the total to the place. */
static void test_rounding_total(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date,type\n"
	               "A,r1,100.15,won,2026-03-02,a\nB,r1,100.15,won,2026-03-03,b\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	/*
	 * each 100.15 × 3.5% = 3.50525, 3.5053 at the money scale: per line 3.51 + 3.51 = 7.02; on
	 * the total 7.0106 -> 7.01, by a rounding line of -0.0006
	 */
	static const char body[] = "components:\n  - {name: a, credit: {type: a}, rate: 3.5%}\n"
	                           "  - {name: b, credit: {type: b}, rate: 3.5%}\n";
	char plan[1024];
	snprintf(plan, sizeof plan, HEAD("month", "%s"), body);
	run_ok(st, plan, "2026-03");
	assert_int_equal(total, 70200);
	snprintf(plan, sizeof plan, HEAD("month", "rounding: {on: total}\n%s"), body);
	run_ok(st, plan, "2026-03");
	assert_int_equal(total, 70100);
	assert_string_equal(lines, "r1 commission a 3.5053\nr1 commission b 3.5053\n"
	                           "r1 rounding - -0.0006\n");
}

/* Pay never falls as a rep's sales rise (no decelerator in this plan), at every step. */
static void test_monotone(void **state)
{
	spm_store *st = *state;
	static const char plan[] = HEAD(
	    "month", "components:\n  - name: s\n    quota: bookings\n    rates:\n"
	             "      on: attainment\n      method: retroactive\n"
	             "      tiers: [{upto: 50%, rate: 2%}, {upto: 100%, rate: 5%}, {rate: 9%}]\n"
	             "    cap: {payout: 15000}\n");
	teststore_load(st, SPM_KIND_QUOTAS, "rep_id,period,amount\nr1,2026-03,100000\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	int64_t last = -1;
	for (int k = 0; k <= 40; k++) {
		char deal[128];
		snprintf(deal, sizeof deal, "deal_id,rep_id,amount,status,close_date\nA,r1,%d,won,"
		                            "2026-03-02\n",
		         k * 5000);
		teststore_load(st, SPM_KIND_DEALS, deal);
		run_ok(st, plan, "2026-03");
		assert_true(total >= last);
		last = total;
	}
	assert_int_equal(last, 15000 * SPM_MONEY_ONE);
}

/* Importing the same rows in another order gives the same lines and the same inputs hash. */
static void test_import_order(void **state)
{
	(void)state;
	static const char plan[] = HEAD(
	    "quarter", "components:\n  - name: s\n    quota: bookings\n    rates:\n"
	               "      on: attainment\n      method: graduated\n"
	               "      tiers: [{upto: 100%, rate: 5%}, {rate: 9%}]\n");
	static const char *const rows[] = {"A,r1,1000.5,won,2026-01-02", "B,r2,2000,won,2026-02-03",
	                                   "C,r1,3000,won,2026-03-04", "D,r2,7000,won,2026-03-05",
	                                   "E,r1,40000,won,2026-03-31"};
	char first[sizeof lines], hash[65] = "";
	for (int pass = 0; pass < 2; pass++) {
		spm_store *st = teststore_open(pass ? "order-b" : "order-a");
		char deals[1024] = "deal_id,rep_id,amount,status,close_date\n";
		for (int i = 0; i < 5; i++) {
			size_t n = strlen(deals);
			snprintf(deals + n, sizeof deals - n, "%s\n", rows[pass ? 4 - i : i]);
		}
		teststore_load(st, SPM_KIND_REPS, pass ? "rep_id\nr2\nr1\n" : "rep_id\nr1\nr2\n");
		teststore_load(st, SPM_KIND_DEALS, deals);
		teststore_load(st, SPM_KIND_QUOTAS,
		               pass ? "rep_id,period,amount\nr2,2026-Q1,5000\nr1,2026-Q1,30000\n"
		                    : "rep_id,period,amount\nr1,2026-Q1,30000\nr2,2026-Q1,5000\n");
		teststore_load(st, SPM_KIND_ASSIGNMENTS,
		               pass ? "rep_id,plan,from\nr2,p,2026-01-01\nr1,p,2026-01-01\n"
		                    : "rep_id,plan,from\nr1,p,2026-01-01\nr2,p,2026-01-01\n");
		spm_plan *p = NULL;
		spm_period period;
		spm_run_summary sum;
		spm_error err;
		p = plan_of("plan.yaml", plan);
		period = period_of("2026-Q1");
		spm_run_plan rp = {p, plan, strlen(plan)};
		lines[0] = '\0';
		assert_int_equal(spm_run(st, &rp, 1, &period, collect, NULL, &sum, &err), SPM_OK);
		spm_plan_free(p);
		if (pass == 0) {
			memcpy(first, lines, sizeof lines);
			memcpy(hash, sum.inputs_hash, sizeof hash);
		} else {
			assert_string_equal(lines, first);
			assert_string_equal(sum.inputs_hash, hash);
		}
		spm_store_close(st);
		unlink(teststore_path);
	}
}

static void close_period(spm_store *st, const char *period)
{
	char sql[256];
	spm_error err;
	snprintf(sql, sizeof sql,
	         "INSERT INTO period_locks SELECT period, period_first, period_last, run_id, 'now'"
	         " FROM runs WHERE period = '%s'",
	         period);
	if (spm_store_exec(st, sql, &err))
		fail_msg("%s", err.message);
}

/*
 * A closed period never changes: a late deal for it is paid in the next open run, as a
 * restatement line naming the period, once.
 */
static void test_restatement(void **state)
{
	spm_store *st = *state;
	static const char plan[] = HEAD("month", "components:\n  - name: s\n    rate: 10%\n");
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date\nA,r1,1000,won,2026-03-02\n"
	               "C,r1,2000,won,2026-04-02\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	run_ok(st, plan, "2026-03");
	close_period(st, "2026-03");
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date\nB,r1,500,won,2026-03-20\n");
	run_ok(st, plan, "2026-04");
	assert_string_equal(lines, "r1 commission s 200.00\nr1 restatement - 50.00\n");
	assert_int_equal(query_int(st, "SELECT count(*) FROM payout_lines WHERE kind = 'restatement'"
	                               " AND reference = '2026-03'"),
	                 1);
	/* March's own lines are as they were */
	assert_int_equal(query_int(st, "SELECT sum(amount) FROM payout_lines l JOIN runs n"
	                               " USING (run_id) WHERE n.period = '2026-03'"),
	                 100 * SPM_MONEY_ONE);
	/* once April is closed, May owes nothing more for March */
	close_period(st, "2026-04");
	run_ok(st, plan, "2026-05");
	assert_string_equal(lines, "r1 commission s 0.00\n");
	/* a cancellation of a paid deal found after the close is taken back the same way */
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date\nB,r1,500,lost,2026-03-20\n");
	run_ok(st, plan, "2026-05");
	assert_string_equal(lines, "r1 commission s 0.00\nr1 restatement - -50.00\n"
	                           "r1 carry - 50.00\n");
}

/*
 * The reverse: at 150,000 on tiers of 4% to 200,000 and 6% above, the rep earns 6,000; to earn
 * 9,200 takes 220,000, 70,000 more; the next tier is 50,000 away and pays 8,000 there.
 */
static void test_solve(void **state)
{
	spm_store *st = *state;
	static const char plan[] =
	    HEAD("month", "components:\n  - name: sales\n    rates:\n      on: amount\n"
	                  "      method: graduated\n"
	                  "      tiers: [{upto: 200000, rate: 4%}, {rate: 6%}]\n"
	                  "    cap: {payout: 20000}\n");
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date\nA,r1,150000,won,2026-03-02\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	spm_plan *p = NULL;
	spm_period period;
	spm_solve_result res;
	spm_error err;
	p = plan_of("plan.yaml", plan);
	period = period_of("2026-03");
	spm_run_plan rp = {p, plan, strlen(plan)};
	assert_int_equal(spm_solve(st, &rp, &period, "r1", NULL, (spm_money){9200 * SPM_MONEY_ONE},
	                           &res, &err),
	                 SPM_OK);
	assert_string_equal(res.component, "sales");
	assert_int_equal(res.earned.units, 6000 * SPM_MONEY_ONE);
	assert_true(res.reachable);
	/* 70,000 more earns exactly 9,200; pay is rounded to the cent, so 69,999.92 already does */
	assert_int_equal(res.more.units, 699999200);
	assert_true(res.has_next_tier);
	assert_int_equal(res.to_next_tier.units, 50000 * SPM_MONEY_ONE);
	assert_int_equal(res.next_tier_earned.units, 8000 * SPM_MONEY_ONE);
	/* beyond the cap: unreachable */
	assert_int_equal(spm_solve(st, &rp, &period, "r1", NULL,
	                           (spm_money){20001 * SPM_MONEY_ONE}, &res, &err),
	                 SPM_OK);
	assert_false(res.reachable);
	/* not on the plan; an unknown component */
	assert_int_equal(spm_solve(st, &rp, &period, "r2", NULL, (spm_money){1}, &res, &err),
	                 SPM_EDATA);
	assert_int_equal(spm_solve(st, &rp, &period, "r1", "nope", (spm_money){1}, &res, &err),
	                 SPM_EUSAGE);
	spm_plan_free(p);
	/* nothing was kept */
	assert_int_equal(query_int(st, "SELECT count(*) FROM runs"), 0);
}

static char whatif[1024];

static int whatif_row(void *ctx, const spm_whatif_row *row)
{
	char o[SPM_NUM_BUFSZ], n[SPM_NUM_BUFSZ], d[SPM_NUM_BUFSZ];
	size_t len = strlen(whatif);
	(void)ctx;
	spm_money_format(o, sizeof o, row->old_pay, 2);
	spm_money_format(n, sizeof n, row->new_pay, 2);
	spm_money_format(d, sizeof d, row->diff, 2);
	snprintf(whatif + len, sizeof whatif - len, "%s %s %s %s %s\n", row->rep_id,
	         row->currency, o, n, d);
	return 0;
}

/* What-if over a quarter of monthly plans, closed months included, keeping nothing. */
static void test_simulate(void **state)
{
	spm_store *st = *state;
	static const char old_plan[] = HEAD("month", "components:\n  - name: s\n    rate: 5%\n");
	static const char new_plan[] = HEAD(
	    "month", "components:\n  - name: s\n    rate: 4%\n"
	             "bonuses:\n  - {name: spiff, per_deal: 100}\n");
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date\nA,r1,10000,won,2026-01-02\n"
	               "B,r1,20000,won,2026-03-02\nC,r2,5000,won,2026-02-02\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS,
	               "rep_id,plan,from\nr1,p,2026-01-01\nr2,p,2026-01-01\n");
	run_ok(st, old_plan, "2026-01");
	close_period(st, "2026-01");
	spm_plan *a = NULL, *b = NULL;
	spm_period q1;
	spm_error err;
	a = plan_of("new.yaml", new_plan);
	b = plan_of("old.yaml", old_plan);
	q1 = period_of("2026-Q1");
	spm_run_plan np = {a, new_plan, strlen(new_plan)}, op = {b, old_plan, strlen(old_plan)};
	whatif[0] = '\0';
	if (spm_simulate(st, &np, 1, &op, 1, &q1, whatif_row, NULL, &err))
		fail_msg("simulate: %s", err.message);
	/* r1: old 5% of 30,000 = 1,500; new 4% = 1,200 + 2 deals × 100. r2: 250 -> 200 + 100 */
	assert_string_equal(whatif, "r1 USD 1500.00 1400.00 -100.00\nr2 USD 250.00 300.00 50.00\n");
	spm_plan_free(a);
	spm_plan_free(b);
	assert_int_equal(query_int(st, "SELECT count(*) FROM runs"), 1);
}

/* A leaver's recoverable draw: recovered from the last pay, or forgiven, as the plan says. */
static void test_leaver(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_REPS, "rep_id,end_date\nr1,2026-09-15\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	static const char recover[] =
	    HEAD("month", "draw: {amount: 1500, recoverable: true, on_leave: recover}\n"
	                  "components:\n  - name: sales\n    rate: 10%\n");
	run_ok(st, recover, "2026-08");
	assert_string_equal(lines, "r1 commission sales 0.00\nr1 draw - 1500.00\n");
	/* September: 15 of 30 days, a draw of 750; then the 2,250 advanced is taken back */
	run_ok(st, recover, "2026-09");
	assert_string_equal(lines, "r1 commission sales 0.00\nr1 draw - 750.00\n"
	                           "r1 settlement - -2250.00\n");
	assert_int_equal(query_int(st, "SELECT sum(amount) FROM ledger"), 0);
	static const char forgive[] =
	    HEAD("month", "draw: {amount: 1500, recoverable: true}\n"
	                  "components:\n  - name: sales\n    rate: 10%\n");
	run_ok(st, forgive, "2026-09");
	assert_string_equal(lines, "r1 commission sales 0.00\nr1 draw - 750.00\n");
	assert_int_equal(query_int(st, "SELECT sum(amount) FROM ledger"), 0);
	assert_int_equal(query_int(st, "SELECT amount FROM ledger WHERE kind = 'settlement'"),
	                 2250 * SPM_MONEY_ONE);
}

/* Proration of a mid-period start: by days, by whole months (on the plan on the 15th), or none. */
static void test_proration(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-02-10\n");
	static const char *const rules[] = {"days", "months", "none"};
	static const char *const expect[] = {"r1 bonus b 500.00\n", "r1 bonus b 600.00\n",
	                                     "r1 bonus b 900.00\n"};
	for (int i = 0; i < 3; i++) {
		char plan[512];
		/* 10 February to 31 March: 50 of 90 days; February and March of three months */
		snprintf(plan, sizeof plan,
		         HEAD("quarter", "proration: %s\ncomponents:\n  - {name: s, rate: 0%%}\n"
		                         "bonuses:\n  - {name: b, amount: 900, prorate: true}\n"),
		         rules[i]);
		run_ok(st, plan, "2026-Q1");
		assert_string_equal(lines + strlen("r1 commission s 0.00\n"), expect[i]);
	}
}

/* Currency: deals at the rate of their day or of the period's end; a quota in another currency. */
static void test_currency(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_FX,
	               "currency,date,rate\nEUR,2026-01-01,1.25\nEUR,2026-03-31,1.5\n");
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,currency,status,close_date\n"
	               "A,r1,1000,EUR,won,2026-03-10\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	run_ok(st, HEAD("month", "components:\n  - {name: s, rate: 10%}\n"), "2026-03");
	assert_string_equal(lines, "r1 commission s 125.00\n");
	run_ok(st, HEAD("month", "fx: {date: period-end}\ncomponents:\n  - {name: s, rate: 10%}\n"),
	       "2026-03");
	assert_string_equal(lines, "r1 commission s 150.00\n");
	/* 1,250 USD credited against a quota of 1,000 USD passes a 100% gate; of 1,000 EUR not */
	static const char gated[] =
	    HEAD("month", "components:\n  - {name: s, rate: 10%, quota: bookings,"
	                  " threshold: {at: 100%, on: attainment}}\n");
	teststore_load(st, SPM_KIND_QUOTAS, "rep_id,period,amount\nr1,2026-03,1000\n");
	run_ok(st, gated, "2026-03");
	assert_string_equal(lines, "r1 commission s 125.00\n");
	teststore_load(st, SPM_KIND_QUOTAS, "rep_id,period,amount,currency\nr1,2026-03,1000,EUR\n");
	run_ok(st, gated, "2026-03");
	assert_string_equal(lines, "r1 commission s 0.00\n");
}

/* Territory deals credit the reps of the territory; a team role rolls credits up to managers. */
static void test_roles(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_TERRITORIES, "territory_id,parent_id\nW,\nW1,W\n");
	teststore_load(st, SPM_KIND_REPS, "rep_id,manager_id,territory\nr1,m1,W\n");
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,territory,amount,status,close_date\n"
	               "A,,W1,1000,won,2026-03-02\nB,r2,,2000,won,2026-03-03\n"
	               "C,r3,,4000,won,2026-03-04\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS,
	               "rep_id,plan,from\nr1,p,2026-01-01\nm1,p,2026-01-01\n");
	run_ok(st, HEAD("month", "components:\n"
	                         "  - {name: territory, credit: {roles: territory}, rate: 10%}\n"
	                         "  - {name: team, credit: {roles: team}, rate: 1%}\n"),
	       "2026-03");
	assert_string_equal(lines, "m1 commission territory 0.00\nm1 commission team 60.00\n"
	                           "r1 commission territory 100.00\nr1 commission team 0.00\n");
}

/* A negative period paid as negative; an imported adjustment paid as a line of its own. */
static void test_negative_and_adjustments(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date,cancel_date\n"
	               "A,r1,10000,won,2026-06-10,2026-08-05\nB,r1,6000,won,2026-08-12,\n");
	teststore_load(st, SPM_KIND_ADJUSTMENTS,
	               "rep_id,period,amount,reason\nr2,2026-08,250,missed split on deal Z\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	static const char plan[] = HEAD("month", "clawback: {within_days: 90}\nnegative: pay\n"
	                                         "components:\n  - name: sales\n    rate: 5%\n");
	run_ok(st, plan, "2026-06");
	run_ok(st, plan, "2026-08");
	assert_string_equal(lines, "r1 commission sales 300.00\nr1 clawback sales -500.00\n"
	                           "r2 adjustment - 250.00\n");
	assert_int_equal(query_int(st, "SELECT count(*) FROM ledger"), 0);
}

/* Year-to-date evaluation with a true-up, against the year's quota. */
static void test_year_to_date(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date\nA,r1,50000,won,2026-01-15\n"
	               "B,r1,60000,won,2026-05-10\n");
	teststore_load(st, SPM_KIND_QUOTAS, "rep_id,period,amount\nr1,2026,100000\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	static const char plan[] = HEAD(
	    "month", "evaluation: year-to-date\n"
	             "components:\n  - name: s\n    quota: bookings\n    rates:\n"
	             "      on: attainment\n      method: retroactive\n      boundary: above\n"
	             "      tiers: [{upto: 100%, rate: 5%}, {rate: 8%}]\n");
	run_ok(st, plan, "2026-01");
	assert_string_equal(lines, "r1 commission s 2500.00\n");
	run_ok(st, plan, "2026-05"); /* February to April never ran: the true-up covers them */
	assert_string_equal(lines, "r1 commission s 6300.00\n");
}

/*
 * A plan changed mid-period: two versions of one plan, each in effect for its dates, pay the
 * days each was in effect, on the deals of those days, against the quota prorated by days; a
 * version not in effect in the period is left out.
 */
static void test_plan_versions(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date\nA,r1,10000,won,2026-01-20\n"
	               "B,r1,10000,won,2026-03-20\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	static const char v1[] = "plan: p\ncurrency: USD\nperiod: quarter\n"
	                         "effective: {from: 2025-01-01, to: 2026-02-14}\n"
	                         "components:\n  - name: sales\n    rate: 5%\n";
	static const char v2[] = "plan: p\ncurrency: USD\nperiod: quarter\n"
	                         "effective: {from: 2026-02-15}\n"
	                         "components:\n  - name: sales\n    rate: 8%\n";
	spm_plan *a = NULL, *b = NULL;
	spm_period q1, q2;
	spm_run_summary sum;
	spm_error err;
	a = plan_of("v1.yaml", v1);
	b = plan_of("v2.yaml", v2);
	q1 = period_of("2026-Q1");
	q2 = period_of("2026-Q2");
	spm_run_plan both[] = {{a, v1, strlen(v1)}, {b, v2, strlen(v2)}};
	lines[0] = '\0';
	assert_int_equal(spm_run(st, both, 2, &q1, collect, NULL, &sum, &err), SPM_OK);
	/* A under the old rate, B under the new: 500 + 800 */
	assert_string_equal(lines, "r1 commission sales 500.00\nr1 commission sales 800.00\n");
	lines[0] = '\0';
	assert_int_equal(spm_run(st, both, 2, &q2, collect, NULL, &sum, &err), SPM_OK);
	assert_string_equal(lines, "r1 commission sales 0.00\n");
	assert_int_equal(query_int(st, "SELECT count(*) FROM run_plans r JOIN runs n USING (run_id)"
	                               " WHERE n.period = '2026-Q2'"),
	                 1);
	/* only a version not in effect: refused */
	assert_int_equal(spm_run(st, both, 1, &q2, collect, NULL, &sum, &err), SPM_ECONFIG);
	assert_string_equal(err.message, "v1.yaml: plan 'p' is not in effect in 2026-Q2");
	spm_plan_free(a);
	spm_plan_free(b);
}

/* Names from the plan are escaped in the stored explanations: every one is valid JSON. */
static void test_explain_json(void **state)
{
	spm_store *st = *state;
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date\nA,r1,1000,won,2026-03-02\n");
	teststore_load(st, SPM_KIND_QUOTAS, "rep_id,period,amount\nr1,2026-03,1000\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	run_ok(st, HEAD("month", "target_incentive: 100\ncurve_on: weighted\n"
	                         "curve: {points: [{attainment: 0%, payout: 0%},"
	                         " {attainment: 100%, payout: 100%}]}\n"
	                         "components:\n  - {name: 'say \"hi\"\\n', weight: 100%,"
	                         " quota: bookings}\n"
	                         "bonuses:\n  - {name: 'b\"', amount: 5,"
	                         " when: {component: 'say \"hi\"\\n', attainment: 50%}}\n"),
	       "2026-03");
	assert_int_equal(query_int(st, "SELECT count(*) FROM payout_lines"), 2);
	assert_int_equal(query_int(st, "SELECT count(*) FROM payout_lines WHERE json_valid(explain)"
	                               " AND json_valid(coalesce(credits, '[]'))"),
	                 2);
	assert_int_equal(query_int(st, "SELECT count(*) FROM payout_lines WHERE"
	                               " json_extract(explain, '$.components[0].component')"
	                               " = 'say \"hi\"' || char(92) || 'n'"),
	                 1);
}

/* A dry run writes the lines a run would store, and keeps nothing. */
static void test_dry_run(void **state)
{
	spm_store *st = *state;
	static const char plan[] = HEAD("month", "components:\n  - name: s\n    rate: 10%\n");
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date\nA,r1,1000,won,2026-03-02\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n");
	spm_plan *p = NULL;
	spm_period period;
	spm_run_summary sum;
	spm_error err;
	p = plan_of("plan.yaml", plan);
	period = period_of("2026-03");
	spm_run_plan rp = {p, plan, strlen(plan)};
	lines[0] = '\0';
	assert_int_equal(spm_run_dry(st, &rp, 1, &period, collect, NULL, &sum, &err), SPM_OK);
	spm_plan_free(p);
	assert_string_equal(lines, "r1 commission s 100.00\n");
	assert_int_equal(sum.run_id, 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM runs"), 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM payout_lines"), 0);
	/* a stored run keeps the credits behind each line, which add up to its base */
	run_ok(st, plan, "2026-03");
	assert_int_equal(query_int(st, "SELECT sum(json_extract(j.value, '$[8]'))"
	                               " FROM payout_lines l, json_each(l.credits) j"),
	                 query_int(st, "SELECT sum(base) FROM payout_lines"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teststore_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_graduated),     T(test_true_up), T(test_recoverable_draw),
	    T(test_draw_six_months), T(test_draw_limits), T(test_override), T(test_clawback),
	    T(test_thresholds_caps_bonuses), T(test_curves), T(test_measures),
	    T(test_rounding_total), T(test_monotone), T(test_import_order),
	    T(test_dry_run),       T(test_restatement),
	    T(test_solve),         T(test_simulate),
	    T(test_leaver),        T(test_proration), T(test_currency),
	    T(test_roles),         T(test_negative_and_adjustments),
	    T(test_year_to_date),  T(test_plan_versions), T(test_explain_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
