/*
 * Unit tests of quota planning's refusals on a store of its own: potential weights by territory,
 * where a rep lacking the attribute (or holding one that is not a number) is refused even when
 * every territory has it, and ramp steps with more decimals than a rate holds, which are refused,
 * never cut.
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
#include "testutil.h"

#include "spm/quota.h"

static int setup(void **state)
{
	spm_store *st = teststore_open("quota-refusals");
	/*
	 * Every territory has a quality and a score. The rep b9, last in any order, has no quality
	 * and a score that is not a number; the others have both.
	 */
	teststore_load(st, SPM_KIND_TERRITORIES,
	               "territory_id,name,parent_id,quality,score\n"
	               "DE,Germany,,2,1\nUS,America,,1,1\n");
	teststore_load(st, SPM_KIND_REPS,
	               "rep_id,team,territory,quality,score\n"
	               "a1,east,DE,1,1\n"
	               "a2,east,DE,3,1\n"
	               "b1,west,US,1,1\n"
	               "b9,west,US,,high\n");
	*state = st;
	return 0;
}

static int ignore(void *ctx, const spm_quota_line *l)
{
	(void)ctx;
	(void)l;
	return 0;
}

static spm_allocation by_territory(const char *attribute)
{
	spm_allocation a = {.total = money("1000"),
	                    .by = SPM_LEVEL_TERRITORY,
	                    .method = SPM_ALLOC_POTENTIAL,
	                    .attribute = attribute};
	spm_error err;
	if (spm_period_parse(&a.period, "2026", 4, NULL, &err))
		fail_msg("period: %s", err.message);
	return a;
}

/* Every territory has the attribute, but rep b9 does not: refused, not weighed 0. */
static void test_potential_by_territory_rep_lacks_it(void **state)
{
	spm_allocation a = by_territory("quality");
	spm_error err;
	spm_error_clear(&err);
	assert_int_equal(spm_quota_allocate(*state, &a, ignore, NULL, &err), SPM_EDATA);
	if (!strstr(err.message, "rep 'b9' has no attribute 'quality'"))
		fail_msg("got: %s", err.message);
}

/* A rep's attribute that is not a number is refused, whatever the territories hold. */
static void test_potential_by_territory_rep_not_a_number(void **state)
{
	spm_allocation a = by_territory("score");
	spm_error err;
	spm_error_clear(&err);
	assert_int_equal(spm_quota_allocate(*state, &a, ignore, NULL, &err), SPM_EDATA);
	if (!strstr(err.message, "'high'"))
		fail_msg("got: %s", err.message);
}

/* Nobody has the attribute: the first rep's refusal, not "the weights are all zero". */
static void test_potential_by_territory_nobody_has_it(void **state)
{
	spm_allocation a = by_territory("height");
	spm_error err;
	spm_error_clear(&err);
	assert_int_equal(spm_quota_allocate(*state, &a, ignore, NULL, &err), SPM_EDATA);
	if (!strstr(err.message, "has no attribute 'height'"))
		fail_msg("got: %s", err.message);
}

/* A step of 11 decimals as a rate is refused, never truncated. */
static void test_ramp_step_too_precise(void **state)
{
	(void)state;
	spm_ramp r;
	spm_error err;
	/* 12.5 is 0.125 exactly: fine */
	assert_int_equal(spm_ramp_parse(&r, "12.5", &err), SPM_OK);
	assert_int_equal(r.steps[0].units, SPM_RATE_ONE / 8);
	/* 12.123456789% is 0.12123456789: 11 decimals, one more than a rate holds */
	assert_int_equal(spm_ramp_parse(&r, "12.123456789", &err), SPM_EDATA);
	assert_int_equal(spm_ramp_parse(&r, "12.123456789%", &err), SPM_EDATA);
	spm_plan_proration pr = SPM_PRORATE_DAYS;
	const char *yaml = "ramp: [12.123456789]\n";
	assert_int_equal(spm_ramp_read(&r, &pr, "ramp.yaml", yaml, strlen(yaml), &err),
	                 SPM_ECONFIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_potential_by_territory_rep_lacks_it),
	    cmocka_unit_test(test_potential_by_territory_rep_not_a_number),
	    cmocka_unit_test(test_potential_by_territory_nobody_has_it),
	    cmocka_unit_test(test_ramp_step_too_precise),
	};
	return cmocka_run_group_tests_name("quota refusals", tests, setup, teststore_teardown);
}
