/*
 * Unit test of the forecast pipeline's calls on a store of their own: a call without a currency
 * is in the store's base currency (spm-import(1)), and is converted like any other into the
 * report's currency.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "teststore.h"
#include "testutil.h"

#include "spm/period.h"
#include "spm/pipeline.h"

static int setup(void **state)
{
	spm_store *st = teststore_open("pipeline-pending");
	teststore_load(st, SPM_KIND_REPS, "rep_id,name\na2,Bob\n");
	teststore_load(st, SPM_KIND_FX, "currency,date,rate\nEUR,2026-01-01,1.2\n");
	/* a call with no currency: spm-import(1) says it is then in the store's base, USD */
	teststore_load(st, SPM_KIND_CALLS,
	               "rep_id,period,category,amount,currency\n"
	               "a2,2026-Q3,best_case,15000,\n"
	               "a2,2026-Q3,commit,12000,USD\n");
	*state = st;
	return 0;
}

static char seen[256];

static int call_row(void *ctx, const spm_pipeline_row *r)
{
	char a[SPM_NUM_BUFSZ], b[SPM_NUM_BUFSZ];
	(void)ctx;
	spm_money_format(a, sizeof a, r->call_commit, 0);
	spm_money_format(b, sizeof b, r->call_best_case, 0);
	snprintf(seen, sizeof seen, "%s commit %s best %s %s", r->id, a, b, r->currency);
	return 0;
}

/*
 * In an EUR report both of a2's calls are 1.2 USD to the euro: the commit call, 12,000 USD, is
 * 10,000 EUR, and the best case one, 15,000 in the base currency (its currency left empty), is
 * 12,500 EUR, not 15,000 taken as if it were in the report's currency.
 */
static void test_call_without_currency_is_in_base(void **state)
{
	spm_pipeline_query q = {.currency = "EUR"};
	spm_error err;
	spm_period_parse(&q.period, "2026-Q3", 7, NULL, &err);
	spm_date_parse(&q.as_of, "2026-08-15", 10, NULL, &err);
	if (spm_pipeline(*state, &q, call_row, NULL, &err))
		fail_msg("pipeline: %s", err.message);
	assert_string_equal(seen, "a2 commit 10000 best 12500 EUR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_call_without_currency_is_in_base, setup,
	                                    teststore_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
