/*
 * Unit tests of activity counts per rep: the kinds filter, the inclusive date range, one rep or
 * all, reps without activities, the callback's stop, and the errors, over a store built with the
 * importer.
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

#include "spm/activity.h"
#include "spm/import.h"

static int setup(void **state)
{
	spm_store *st = teststore_open("activity");
	teststore_load(st, SPM_KIND_REPS, "rep_id\nr1\nr2\nr3\nr4\n");
	teststore_load(st, SPM_KIND_ACTIVITIES,
	               "activity_id,rep_id,date,kind,count\n"
	               "a1,r2,2026-01-01,call,5\n"
	               "a2,r2,2026-01-31,call,7\n"
	               "a3,r2,2026-01-15,meeting,2\n"
	               "a4,r2,2026-02-01,call,100\n" /* next month */
	               "a5,r1,2026-01-10,demo,3\n"
	               "a6,r1,2025-12-31,call,50\n" /* last month */
	               "a7,r3,2026-01-20,email,0\n" /* counted, adds nothing */
	               "a8,r1,2026-01-11,demo,\n"); /* count defaults to 1 */
	*state = st;
	return 0;
}

static char out[1024];

static int collect(void *ctx, const char *rep_id, int64_t count)
{
	size_t n = strlen(out);
	(void)ctx;
	snprintf(out + n, sizeof out - n, "%s %lld\n", rep_id, (long long)count);
	return 0;
}

static const char *counts(spm_store *st, const spm_plan_words *kinds, const char *first,
                          const char *last, const char *rep)
{
	spm_date a, b;
	spm_error err;
	out[0] = '\0';
	assert_int_equal(spm_date_parse(&a, first, strlen(first), NULL, &err), SPM_OK);
	assert_int_equal(spm_date_parse(&b, last, strlen(last), NULL, &err), SPM_OK);
	if (spm_activity_counts(st, kinds, a, b, rep, collect, NULL, &err))
		fail_msg("activities: %s", err.message);
	return out;
}

static int collect_kind(void *ctx, const char *rep_id, const char *kind, int64_t count)
{
	size_t n = strlen(out);
	(void)ctx;
	snprintf(out + n, sizeof out - n, "%s %s %lld\n", rep_id, kind, (long long)count);
	return 0;
}

static int stop_kind(void *ctx, const char *rep_id, const char *kind, int64_t count)
{
	(void)rep_id;
	(void)kind;
	(void)count;
	++*(int *)ctx;
	return 9;
}

/*
 * Per rep and kind in one read, January inclusive: r1 demo 3 + 1 (a8's default); r2 calls 5 + 7,
 * meeting 2 (a4 is February's); r3's email of 0 is there; r4 has none.
 */
static void test_by_kind(void **state)
{
	spm_date a = {0}, b = {0};
	spm_error err;
	int seen = 0;
	assert_int_equal(spm_date_parse(&a, "2026-01-01", 10, NULL, &err), SPM_OK);
	assert_int_equal(spm_date_parse(&b, "2026-01-31", 10, NULL, &err), SPM_OK);
	out[0] = '\0';
	if (spm_activity_counts_by_kind(*state, a, b, collect_kind, NULL, &err))
		fail_msg("activities: %s", err.message);
	assert_string_equal(out, "r1 demo 4\nr2 call 12\nr2 meeting 2\nr3 email 0\n");
	assert_int_equal(spm_activity_counts_by_kind(*state, a, b, stop_kind, &seen, &err), 9);
	assert_int_equal(seen, 1);
	assert_int_equal(spm_activity_counts_by_kind(*state, a, b, NULL, NULL, &err), SPM_EUSAGE);
	assert_string_equal(err.message, "activities: no callback");
}

static void test_all_kinds(void **state)
{
	spm_plan_words all = {NULL, 0};
	/* January, inclusive of both ends; r4 has none and is not called. */
	assert_string_equal(counts(*state, &all, "2026-01-01", "2026-01-31", NULL),
	                    "r1 4\nr2 14\nr3 0\n");
	assert_string_equal(counts(*state, NULL, "2026-01-01", "2026-01-31", NULL),
	                    "r1 4\nr2 14\nr3 0\n");
	assert_string_equal(counts(*state, NULL, "2025-12-31", "2026-02-01", NULL),
	                    "r1 54\nr2 114\nr3 0\n");
	assert_string_equal(counts(*state, NULL, "2026-01-02", "2026-01-30", NULL),
	                    "r1 4\nr2 2\nr3 0\n");
	assert_string_equal(counts(*state, NULL, "2027-01-01", "2027-12-31", NULL), "");
	/* A range that ends before it starts holds nothing. */
	assert_string_equal(counts(*state, NULL, "2026-01-31", "2026-01-01", NULL), "");
}

static void test_kinds_filter(void **state)
{
	static const char *const calls[] = {"call"};
	static const char *const some[] = {"demo", "meeting", "webinar"};
	spm_plan_words k = {calls, 1};
	assert_string_equal(counts(*state, &k, "2026-01-01", "2026-01-31", NULL), "r2 12\n");
	k = (spm_plan_words){some, 3};
	assert_string_equal(counts(*state, &k, "2026-01-01", "2026-01-31", NULL), "r1 4\nr2 2\n");
	/* A word that is no kind matches nothing. */
	static const char *const odd[] = {"Call' OR 1=1 --"};
	k = (spm_plan_words){odd, 1};
	assert_string_equal(counts(*state, &k, "2026-01-01", "2026-12-31", NULL), "");
}

static void test_one_rep(void **state)
{
	static const char *const calls[] = {"call"};
	spm_plan_words k = {calls, 1};
	assert_string_equal(counts(*state, NULL, "2026-01-01", "2026-01-31", "r2"), "r2 14\n");
	assert_string_equal(counts(*state, &k, "2026-01-01", "2026-02-28", "r2"), "r2 112\n");
	assert_string_equal(counts(*state, &k, "2026-01-01", "2026-01-31", "r1"), "");
	assert_string_equal(counts(*state, NULL, "2026-01-01", "2026-01-31", "r4"), "");
	assert_string_equal(counts(*state, NULL, "2026-01-01", "2026-01-31", "nobody"), "");
}

static int stop(void *ctx, const char *rep_id, int64_t count)
{
	int *seen = ctx;
	(void)rep_id;
	(void)count;
	(*seen)++;
	return 3;
}

static void test_stop_and_errors(void **state)
{
	static const char *const missing[] = {"call", NULL};
	spm_plan_words k = {missing, 2};
	spm_date a = {0}, b = {30000};
	spm_error err;
	int seen = 0;
	assert_int_equal(spm_activity_counts(*state, NULL, a, b, NULL, stop, &seen, &err), 3);
	assert_int_equal(seen, 1);
	assert_int_equal(spm_activity_counts(*state, NULL, a, b, NULL, NULL, &seen, &err),
	                 SPM_EUSAGE);
	assert_int_equal(spm_activity_counts(*state, &k, a, b, NULL, stop, &seen, &err),
	                 SPM_EUSAGE);
	assert_string_equal(err.message, "activities: kind 2 is missing");
	/* A sum past 64 bits is the store's error, never a wrapped count. */
	assert_int_equal(spm_store_exec(*state,
	                                "UPDATE activities SET count = 9223372036854775807"
	                                " WHERE activity_id IN ('a1', 'a2')",
	                                &err),
	                 SPM_OK);
	seen = 0;
	assert_int_equal(spm_activity_counts(*state, NULL, a, b, "r2", stop, &seen, &err),
	                 SPM_ESTORE);
	assert_non_null(strstr(err.message, "overflow"));
	assert_int_equal(seen, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_all_kinds, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_by_kind, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_kinds_filter, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_one_rep, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_stop_and_errors, setup, teststore_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
