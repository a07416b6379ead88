/*
 * Unit tests of credit lines: owners, revenue splits and overlays, the rule's filters, the period's
 * bounds and the rounding of shares, over a small store built with the importer.
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

#include "spm/credit.h"
#include "spm/import.h"

static int setup(void **state)
{
	spm_store *st = teststore_open("credit");
	teststore_load(st, SPM_KIND_REPS, "rep_id\nr1\nr2\nr3\n");
	teststore_load(
	    st, SPM_KIND_DEALS,
	    "deal_id,rep_id,amount,status,close_date,created_date,type,product,currency\n"
	    "A,r1,1000,won,2026-01-15,2025-12-01,new,gtx,EUR\n"
	    "B,r1,333.33,won,2026-02-01,2026-01-20,renewal,gtx,\n" /* split 1/3 : 2/3 */
	    "C,r2,500,lost,2026-02-02,2026-01-02,new,mg,EUR\n"
	    "D,r2,700,won,2026-04-01,2026-03-30,new,gtx,EUR\n" /* next quarter */
	    "E,r3,,open,2026-03-01,2026-02-01,new,gtx,EUR\n"   /* no amount */
	    "F,r3,250,won,2026-03-31,2026-03-01,expansion,mg,EUR\n");
	teststore_load(st, SPM_KIND_CREDITS,
	               "deal_id,rep_id,share,kind\nB,r1,33.3333%,revenue\nB,r2,66.6667%,revenue\n"
	               "A,r3,100%,overlay\n");
	*state = st;
	return 0;
}

/* Credit lines as text, one per line: "rep deal role share amount". */
static char out[4096];

static int collect(void *ctx, const spm_credit_line *l)
{
	static const char *const roles[] = {"owner", "split", "overlay"};
	char share[SPM_NUM_BUFSZ], amount[SPM_NUM_BUFSZ];
	(void)ctx;
	spm_rate_format(share, sizeof share, l->share, true);
	spm_money_format(amount, sizeof amount, l->amount, 2);
	size_t n = strlen(out);
	snprintf(out + n, sizeof out - n, "%s %s %s %s %s\n", l->rep_id, l->deal_id, roles[l->role],
	         share, amount);
	return 0;
}

static const char *credits(spm_store *st, const spm_plan_credit *rule, const char *first,
                           const char *last, const char *rep, spm_rounding mode)
{
	spm_date a, b;
	spm_error err;
	out[0] = '\0';
	assert_int_equal(spm_date_parse(&a, first, strlen(first), NULL, &err), SPM_OK);
	assert_int_equal(spm_date_parse(&b, last, strlen(last), NULL, &err), SPM_OK);
	if (spm_credits(st, rule, a, b, rep, mode, collect, NULL, &err))
		fail_msg("credits: %s", err.message);
	return out;
}

static spm_plan_credit default_rule(void)
{
	spm_plan_credit r = {0};
	r.statuses = 1u << 1; /* won */
	r.roles = SPM_CREDIT_OWNER | SPM_CREDIT_SPLIT;
	r.date = SPM_DATE_CLOSE;
	return r;
}

static void test_owner_and_split(void **state)
{
	spm_plan_credit r = default_rule();
	/* B is split, so its owner r1 is credited by share only; C is lost; D is next quarter; E
	 * has no amount. 333.33 × 33.3333% = 111.109889 -> 111.1099; × 66.6667% = 222.220111 ->
	 * 222.2201. */
	assert_string_equal(
	    credits(*state, &r, "2026-01-01", "2026-03-31", NULL, SPM_ROUND_HALF_UP),
	    "r1 A owner 100% 1000.00\n"
	    "r1 B split 33.3333% 111.1099\n"
	    "r2 B split 66.6667% 222.2201\n"
	    "r3 F owner 100% 250.00\n");
	assert_string_equal(
	    credits(*state, &r, "2026-01-01", "2026-03-31", "r2", SPM_ROUND_HALF_UP),
	    "r2 B split 66.6667% 222.2201\n");
	/* The period's bounds are inclusive. */
	assert_string_equal(
	    credits(*state, &r, "2026-03-31", "2026-04-01", NULL, SPM_ROUND_HALF_UP),
	    "r2 D owner 100% 700.00\nr3 F owner 100% 250.00\n");
	assert_string_equal(credits(*state, &r, "2026-01-01", "2026-03-31", "r1", SPM_ROUND_DOWN),
	                    "r1 A owner 100% 1000.00\nr1 B split 33.3333% 111.1098\n");
}

static void test_overlays_and_filters(void **state)
{
	spm_plan_credit r = default_rule();
	r.roles = SPM_CREDIT_OVERLAY;
	assert_string_equal(
	    credits(*state, &r, "2026-01-01", "2026-03-31", NULL, SPM_ROUND_HALF_UP),
	    "r3 A overlay 100% 1000.00\n");

	static const char *const types[] = {"new", "expansion"};
	static const char *const products[] = {"gtx"};
	r = default_rule();
	r.types = (spm_plan_words){types, 2};
	assert_string_equal(
	    credits(*state, &r, "2026-01-01", "2026-03-31", NULL, SPM_ROUND_HALF_UP),
	    "r1 A owner 100% 1000.00\nr3 F owner 100% 250.00\n");
	r.products = (spm_plan_words){products, 1};
	assert_string_equal(
	    credits(*state, &r, "2026-01-01", "2026-03-31", NULL, SPM_ROUND_HALF_UP),
	    "r1 A owner 100% 1000.00\n");

	/* Lost deals, placed by their created date. */
	r = default_rule();
	r.statuses = 1u << 2;
	r.date = SPM_DATE_CREATED;
	assert_string_equal(
	    credits(*state, &r, "2026-01-01", "2026-01-31", NULL, SPM_ROUND_HALF_UP),
	    "r2 C owner 100% 500.00\n");
	/* No roles, no credit. */
	r = default_rule();
	r.roles = 0;
	assert_string_equal(
	    credits(*state, &r, "2026-01-01", "2026-12-31", NULL, SPM_ROUND_HALF_UP), "");
}

static int stop_at_first(void *ctx, const spm_credit_line *l)
{
	int *seen = ctx;
	(void)l;
	(*seen)++;
	return 7;
}

static void test_callback_stops(void **state)
{
	spm_plan_credit r = default_rule();
	spm_date a = {0}, b = {30000};
	spm_error err;
	int seen = 0;
	assert_int_equal(
	    spm_credits(*state, &r, a, b, NULL, SPM_ROUND_HALF_UP, stop_at_first, &seen, &err), 7);
	assert_int_equal(seen, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_owner_and_split, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_overlays_and_filters, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_callback_stops, setup, teststore_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
