/*
 * Unit tests of commission runs: pay worked out by hand for a graduated table on attainment, a
 * flat rate, a cap, a deal in another currency, a split; the run replacing the period's previous
 * one with the same lines; and the refusals (closed period, missing quota, a plan of another
 * period kind, cumulative evaluation).
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

#include "spm/import.h"
#include "spm/run.h"

static int setup(void **state)
{
	spm_store *st = teststore_open("run");
	teststore_load(st, SPM_KIND_REPS, "rep_id\nr1\nr2\nr3\n");
	teststore_load(st, SPM_KIND_FX, "currency,date,rate\nEUR,2026-01-01,1.25\n");
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date,type,currency\n"
	               "A,r1,100000,won,2026-01-10,new,USD\n"
	               "B,r1,16000,won,2026-02-10,new,EUR\n" /* 16,000 EUR = 20,000 USD */
	               "C,r1,10000,won,2026-03-10,renewal,USD\n"
	               "D,r2,50000,won,2026-02-01,new,USD\n" /* split r2 60% / r3 40% */
	               "E,r2,99999,lost,2026-02-01,new,USD\n"
	               "F,r3,500000,won,2026-03-01,new,USD\n"); /* r3 leaves before it closes */
	teststore_load(st, SPM_KIND_CREDITS, "deal_id,rep_id,share\nD,r2,60%\nD,r3,40%\n");
	teststore_load(st, SPM_KIND_QUOTAS,
	               "rep_id,period,amount\nr1,2026-Q1,100000\nr2,2026-Q1,60000\n"
	               "r3,2026-Q1,10000\n");
	teststore_load(
	    st, SPM_KIND_ASSIGNMENTS,
	    "rep_id,plan,from,to\nr1,ae,2026-01-01,\nr2,ae,2026-01-01,\nr3,ae,2026-01-01,2026-02-"
	    "15\n");
	*state = st;
	return 0;
}

static const char plan_text[] =
    "plan: ae\ncurrency: USD\nperiod: quarter\neffective: {from: 2026-01-01}\n"
    "components:\n"
    "  - name: new\n"
    "    credit: {type: new}\n"
    "    quota: bookings\n"
    "    rates:\n"
    "      on: attainment\n"
    "      method: graduated\n"
    "      tiers: [{upto: 100%, rate: 8%}, {rate: 12%}]\n"
    "    cap: {payout: 10000}\n"
    "  - name: renewals\n"
    "    credit: {type: renewal}\n"
    "    rate: 3%\n";

static char lines[4096];

static int collect(void *ctx, const spm_payout *p)
{
	char base[SPM_NUM_BUFSZ], earned[SPM_NUM_BUFSZ], cut[SPM_NUM_BUFSZ], pay[SPM_NUM_BUFSZ];
	(void)ctx;
	spm_money_format(base, sizeof base, p->base, 2);
	spm_money_format(earned, sizeof earned, p->earned, 2);
	spm_money_format(cut, sizeof cut, p->cut, 2);
	spm_money_format(pay, sizeof pay, p->pay, 2);
	size_t n = strlen(lines);
	snprintf(lines + n, sizeof lines - n, "%s %s base %s earned %s cut %s pay %s\n", p->rep_id,
	         p->component, base, earned, cut, pay);
	return 0;
}

static int run_text(spm_store *st, const char *text, const char *period_name, spm_run_summary *sum,
                    spm_error *err)
{
	spm_plan *plan = NULL;
	spm_period period;
	int rc = spm_plan_parse(&plan, "ae.yaml", text, strlen(text), err);
	if (rc)
		return rc;
	assert_int_equal(spm_period_parse(&period, period_name, strlen(period_name), NULL, err),
	                 SPM_OK);
	spm_run_plan rp = {plan, text, strlen(text)};
	lines[0] = '\0';
	rc = spm_run(st, &rp, 1, &period, collect, NULL, sum, err);
	spm_plan_free(plan);
	return rc;
}

static void test_pay_by_hand(void **state)
{
	spm_run_summary sum;
	spm_error err;
	int rc = run_text(*state, plan_text, "2026-Q1", &sum, &err);
	if (rc)
		fail_msg("run: %s", err.message);
	/*
	 * r1 new: A 100,000 + B 16,000 EUR × 1.25 = 20,000 -> base 120,000 on a 100,000 quota:
	 *   8% × 100,000 + 12% × 20,000 = 8,000 + 2,400 = 10,400, capped at 10,000 (cut 400).
	 * r1 renewals: C 10,000 × 3% = 300.
	 * r2 new: 60% of D = 30,000 on 60,000: 8% = 2,400. (E is lost.)
	 * r3 new: 40% of D = 20,000 while assigned (F closes after r3 left), on the quota
	 *   prorated by days: on the plan 1 January to 15 February, 46 of the quarter's 90 days,
	 *   10,000 × 46 / 90 = 5,111.1111; 8% × 5,111.1111 = 408.8889 plus 12% × 14,888.8889 =
	 *   1,786.6667: 2,195.5556, paid 2,195.56.
	 */
	assert_string_equal(lines, "r1 new base 120000.00 earned 10400.00 cut 400.00 pay 10000.00\n"
	                           "r1 renewals base 10000.00 earned 300.00 cut 0.00 pay 300.00\n"
	                           "r2 new base 30000.00 earned 2400.00 cut 0.00 pay 2400.00\n"
	                           "r2 renewals base 0.00 earned 0.00 cut 0.00 pay 0.00\n"
	                           "r3 new base 20000.00 earned 2195.5556 cut 0.00 pay 2195.56\n"
	                           "r3 renewals base 0.00 earned 0.00 cut 0.00 pay 0.00\n");
	assert_int_equal(sum.lines, 6);
	char first[sizeof lines], hash[65];
	memcpy(first, lines, sizeof lines);
	memcpy(hash, sum.inputs_hash, sizeof hash);

	/* Again: the previous run is replaced, with the same lines from the same inputs. */
	assert_int_equal(run_text(*state, plan_text, "2026-Q1", &sum, &err), SPM_OK);
	assert_string_equal(lines, first);
	assert_string_equal(sum.inputs_hash, hash);
	spm_stmt *s = NULL;
	assert_int_equal(
	    spm_stmt_prepare(*state, &s,
	                     "SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM "
	                     "payout_lines), (SELECT sum(amount) FROM payout_lines), "
	                     "(SELECT count(*) FROM plans)",
	                     &err),
	    SPM_OK);
	assert_int_equal(spm_stmt_step(s, &err), SPM_ROW);
	assert_int_equal(spm_stmt_int64(s, 0), 1);
	assert_int_equal(spm_stmt_int64(s, 1), 6);
	assert_int_equal(spm_stmt_int64(s, 2), (10000 + 300 + 2400) * SPM_MONEY_ONE + 21955600);
	assert_int_equal(spm_stmt_int64(s, 3), 1);
	spm_stmt_finalize(s);
}

static void test_refusals(void **state)
{
	spm_store *st = *state;
	spm_run_summary sum;
	spm_error err;

	/* a month is not a quarter */
	assert_int_equal(run_text(st, plan_text, "2026-03", &sum, &err), SPM_ECONFIG);
	assert_string_equal(err.message,
	                    "ae.yaml: plan 'ae' does not pay by month periods like 2026-03");
	/* not in effect */
	assert_int_equal(run_text(st, plan_text, "2025-Q4", &sum, &err), SPM_ECONFIG);
	/* a missing quota names the rep, and nothing is kept */
	spm_stmt *s = NULL;
	assert_int_equal(spm_stmt_prepare(st, &s, "DELETE FROM quotas WHERE scope_id = 'r2'", &err),
	                 SPM_OK);
	assert_int_equal(spm_stmt_step(s, &err), SPM_DONE);
	spm_stmt_finalize(s);
	assert_int_equal(run_text(st, plan_text, "2026-Q1", &sum, &err), SPM_EDATA);
	assert_string_equal(err.message, "rep 'r2' has no 'bookings' quota for 2026-Q1");
	assert_int_equal(spm_stmt_prepare(st, &s, "SELECT count(*) FROM runs", &err), SPM_OK);
	assert_int_equal(spm_stmt_step(s, &err), SPM_ROW);
	assert_int_equal(spm_stmt_int64(s, 0), 0);
	spm_stmt_finalize(s);
	/* a closed period */
	assert_int_equal(
	    spm_stmt_prepare(st, &s,
	                     "INSERT INTO period_locks(period, period_first, period_last,"
	                     " closed_at) VALUES ('2026-Q1', '2026-01-01', '2026-03-31', 'x')",
	                     &err),
	    SPM_OK);
	assert_int_equal(spm_stmt_step(s, &err), SPM_DONE);
	spm_stmt_finalize(s);
	assert_int_equal(run_text(st, plan_text, "2026-Q1", &sum, &err), SPM_EDATA);
	assert_string_equal(err.message, "period 2026-Q1 is closed: its pay cannot change");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_pay_by_hand, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, setup, teststore_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
