/*
 * test_survey.c - the survey module: classes of a score, the exact eNPS of a tally and its text,
 * and the rows spm_survey_results reads from a small store (pooled and latest, per quarter, with
 * question and team filters, and the refusals).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "spm/survey.h"
#include "teststore.h"
#include "testutil.h"

/* ---- classes and tallies -------------------------------------------------------------------- */

static void test_classify_every_score(void **state)
{
	static const spm_survey_class want[11] = {
	    SPM_SURVEY_DETRACTOR, SPM_SURVEY_DETRACTOR, SPM_SURVEY_DETRACTOR, SPM_SURVEY_DETRACTOR,
	    SPM_SURVEY_DETRACTOR, SPM_SURVEY_DETRACTOR, SPM_SURVEY_DETRACTOR, SPM_SURVEY_PASSIVE,
	    SPM_SURVEY_PASSIVE,   SPM_SURVEY_PROMOTER,  SPM_SURVEY_PROMOTER};
	(void)state;
	for (int s = 0; s <= 10; s++)
		assert_int_equal(spm_survey_classify(s), want[s]);
	/* The boundaries, spelled out. */
	assert_int_equal(spm_survey_classify(6), SPM_SURVEY_DETRACTOR);
	assert_int_equal(spm_survey_classify(7), SPM_SURVEY_PASSIVE);
	assert_int_equal(spm_survey_classify(8), SPM_SURVEY_PASSIVE);
	assert_int_equal(spm_survey_classify(9), SPM_SURVEY_PROMOTER);
	assert_int_equal(spm_survey_classify(-1), SPM_SURVEY_INVALID);
	assert_int_equal(spm_survey_classify(11), SPM_SURVEY_INVALID);
	assert_int_equal(spm_survey_classify(INT32_MIN), SPM_SURVEY_INVALID);
	assert_string_equal(spm_survey_class_name(SPM_SURVEY_PROMOTER), "promoter");
	assert_string_equal(spm_survey_class_name(SPM_SURVEY_PASSIVE), "passive");
	assert_string_equal(spm_survey_class_name(SPM_SURVEY_DETRACTOR), "detractor");
	assert_string_equal(spm_survey_class_name(SPM_SURVEY_INVALID), "invalid");
	assert_string_equal(spm_survey_class_name((spm_survey_class)7), "invalid");
}

static void test_tally_add(void **state)
{
	spm_survey_tally t = {0};
	(void)state;
	for (int s = 0; s <= 10; s++)
		assert_int_equal(spm_survey_tally_add(&t, s), SPM_OK);
	assert_int_equal(t.detractors, 7);
	assert_int_equal(t.passives, 2);
	assert_int_equal(t.promoters, 2);
	assert_int_equal(t.answers, 11);

	/* Refusals leave the tally as it was. */
	assert_int_equal(spm_survey_tally_add(&t, 11), SPM_EUSAGE);
	assert_int_equal(spm_survey_tally_add(&t, -1), SPM_EUSAGE);
	assert_int_equal(spm_survey_tally_add(NULL, 5), SPM_EUSAGE);
	assert_int_equal(t.answers, 11);

	spm_survey_tally full = {INT64_MAX, 0, 0, INT64_MAX};
	assert_int_equal(spm_survey_tally_add(&full, 10), SPM_ERANGE);
	assert_int_equal(full.promoters, INT64_MAX);
	spm_survey_tally many = {0, 0, INT64_MAX - 1, INT64_MAX};
	assert_int_equal(spm_survey_tally_add(&many, 0), SPM_ERANGE);
	assert_int_equal(many.detractors, INT64_MAX - 1);
}

/* A tally of n answers: p promoters (score 9 or 10), pa passives (7, 8), the rest detractors. */
static spm_survey_tally tally_of(int p, int pa, int d)
{
	spm_survey_tally t = {0};
	for (int i = 0; i < p; i++)
		assert_int_equal(spm_survey_tally_add(&t, 9 + i % 2), SPM_OK);
	for (int i = 0; i < pa; i++)
		assert_int_equal(spm_survey_tally_add(&t, 7 + i % 2), SPM_OK);
	for (int i = 0; i < d; i++)
		assert_int_equal(spm_survey_tally_add(&t, i % 7), SPM_OK);
	return t;
}

static void assert_score(spm_survey_tally t, const char *want)
{
	spm_rate r = {SENTINEL};
	spm_error err;
	assert_int_equal(spm_survey_score(&t, &r, &err), SPM_OK);
	assert_rate_text(r, want);
}

static void test_published_examples(void **state)
{
	(void)state;
	/* 25% promoters - 20% detractors = +5. */
	spm_survey_tally t = tally_of(25, 55, 20);
	assert_int_equal(t.answers, 100);
	assert_score(t, "5");
	/* 60% - 15% = +45. */
	t = tally_of(60, 25, 15);
	assert_int_equal(t.answers, 100);
	assert_score(t, "45");
	/* The same shares of 20 answers give the same score. */
	assert_score(tally_of(5, 11, 4), "5");
}

static void test_extremes(void **state)
{
	(void)state;
	assert_score(tally_of(7, 0, 0), "100");
	assert_score(tally_of(0, 0, 7), "-100");
	assert_score(tally_of(0, 5, 0), "0");
	assert_score(tally_of(3, 4, 3), "0");
	assert_score(tally_of(1, 0, 0), "100");
}

static void test_fractional_and_rounding(void **state)
{
	(void)state;
	/* 100/3 = 33.33333333333...: the 11th decimal (3) rounds down. */
	assert_score(tally_of(1, 2, 0), "33.3333333333");
	assert_score(tally_of(0, 2, 1), "-33.3333333333");
	/* 200/3 = 66.66666666666...: rounds up, and away from zero for the negative. */
	assert_score(tally_of(2, 1, 0), "66.6666666667");
	assert_score(tally_of(0, 1, 2), "-66.6666666667");
	/* 100/7 = 14.285714285714...: 14.2857142857 (next digit 1). */
	assert_score(tally_of(1, 6, 0), "14.2857142857");
	/*
	 * Past the 10th decimal: 1 promoter of N answers scores 10^12 / N units of 10^-10.
	 * N = 320 000 000 000 gives 3.125 units (3); N = 800 000 000 000, 1.25 units (1);
	 * N = 400 000 000 000, exactly 2.5 units, a tie, which goes away from zero (3, and -3 for
	 * a detractor).
	 */
	spm_survey_tally big = {1, INT64_C(320000000000) - 1, 0, INT64_C(320000000000)};
	assert_score(big, "0.0000000003");
	spm_survey_tally q8 = {1, INT64_C(800000000000) - 1, 0, INT64_C(800000000000)};
	assert_score(q8, "0.0000000001");
	spm_survey_tally q4 = {1, INT64_C(400000000000) - 1, 0, INT64_C(400000000000)};
	assert_score(q4, "0.0000000003");
	spm_survey_tally n4 = {0, INT64_C(400000000000) - 1, 1, INT64_C(400000000000)};
	assert_score(n4, "-0.0000000003");
	/* A tally at the limit of int64 still scores exactly (128-bit intermediate). */
	spm_survey_tally huge = {INT64_MAX, 0, 0, INT64_MAX};
	assert_score(huge, "100");
	/* 2^62 promoters of 2^63 - 1: 50 × 2^63 / (2^63 - 1) = 50.000...0054. */
	spm_survey_tally halfway = {INT64_MAX / 2 + 1, INT64_MAX / 2, 0, INT64_MAX};
	assert_score(halfway, "50");
}

static void test_score_refusals(void **state)
{
	spm_rate r = {SENTINEL};
	spm_error err;
	spm_survey_tally empty = {0};
	(void)state;

	assert_int_equal(spm_survey_score(&empty, &r, &err), SPM_EDATA);
	assert_string_equal(err.message, "no survey answers to score");
	assert_int_equal(r.units, SENTINEL);
	assert_int_equal(spm_survey_score(&empty, &r, NULL), SPM_EDATA);

	spm_survey_tally wrong = {2, 1, 1, 5};
	assert_int_equal(spm_survey_score(&wrong, &r, &err), SPM_EUSAGE);
	assert_non_null(strstr(err.message, "does not add up"));
	spm_survey_tally negative = {-1, 2, 0, 1};
	assert_int_equal(spm_survey_score(&negative, &r, &err), SPM_EUSAGE);
	spm_survey_tally negative_all = {0, 0, 0, -1};
	assert_int_equal(spm_survey_score(&negative_all, &r, &err), SPM_EUSAGE);
	assert_int_equal(r.units, SENTINEL);

	spm_survey_tally ok = tally_of(1, 0, 0);
	assert_int_equal(spm_survey_score(NULL, &r, &err), SPM_EUSAGE);
	assert_int_equal(spm_survey_score(&ok, NULL, &err), SPM_EUSAGE);
}

static void assert_score_text(spm_survey_tally t, int decimals, const char *want)
{
	char buf[SPM_NUM_BUFSZ];
	spm_error err;
	memset(buf, 'x', sizeof buf);
	assert_int_equal(spm_survey_score_format(buf, sizeof buf, &t, decimals, &err), SPM_OK);
	assert_string_equal(buf, want);
}

static void test_score_format(void **state)
{
	char buf[SPM_NUM_BUFSZ];
	spm_error err;
	(void)state;

	assert_score_text(tally_of(60, 25, 15), 0, "45");
	assert_score_text(tally_of(60, 25, 15), 2, "45.00");
	assert_score_text(tally_of(25, 55, 20), 1, "5.0");
	assert_score_text(tally_of(0, 0, 3), 0, "-100");
	assert_score_text(tally_of(4, 0, 0), 3, "100.000");
	assert_score_text(tally_of(1, 2, 0), 1, "33.3");
	assert_score_text(tally_of(1, 2, 0), 10, "33.3333333333");
	assert_score_text(tally_of(2, 1, 0), 0, "67");
	assert_score_text(tally_of(0, 1, 2), 2, "-66.67");
	/* 100/8 = 12.5: a tie at 0 decimals goes away from zero, both ways. */
	assert_score_text(tally_of(1, 7, 0), 0, "13");
	assert_score_text(tally_of(0, 7, 1), 0, "-13");
	/* 100/16 = 6.25 to one decimal: 6.3; -6.25: -6.3. */
	assert_score_text(tally_of(1, 15, 0), 1, "6.3");
	assert_score_text(tally_of(0, 15, 1), 1, "-6.3");
	/* -100/1000 = -0.1 rounds to zero: no minus sign. */
	assert_score_text(tally_of(0, 999, 1), 0, "0");
	assert_score_text(tally_of(0, 999, 1), 1, "-0.1");
	/* -100/400 = -0.25: to one decimal a tie, -0.3; its leading zero kept. */
	assert_score_text(tally_of(0, 399, 1), 1, "-0.3");
	assert_score_text(tally_of(0, 399, 1), 2, "-0.25");
	/* Small decimals keep their zeros: 100/2000 = 0.05. */
	assert_score_text(tally_of(1, 1999, 0), 3, "0.050");

	/* A short buffer is cut like snprintf. */
	spm_survey_tally t = tally_of(1, 2, 0);
	char small[4];
	assert_int_equal(spm_survey_score_format(small, sizeof small, &t, 2, &err), SPM_OK);
	assert_string_equal(small, "33.");
	assert_int_equal(spm_survey_score_format(NULL, 0, &t, 2, &err), SPM_OK);

	/* Refusals leave "" behind. */
	memcpy(buf, "old", 4);
	assert_int_equal(spm_survey_score_format(buf, sizeof buf, &t, 11, &err), SPM_EUSAGE);
	assert_string_equal(buf, "");
	assert_non_null(strstr(err.message, "decimals out of range"));
	assert_int_equal(spm_survey_score_format(buf, sizeof buf, &t, -1, &err), SPM_EUSAGE);
	spm_survey_tally empty = {0};
	memcpy(buf, "old", 4);
	assert_int_equal(spm_survey_score_format(buf, sizeof buf, &empty, 0, &err), SPM_EDATA);
	assert_string_equal(buf, "");
	assert_int_equal(spm_survey_score_format(buf, sizeof buf, NULL, 0, &err), SPM_EUSAGE);
	assert_int_equal(spm_survey_score_format(NULL, 5, &t, 0, &err), SPM_EUSAGE);
}

/* ---- results from a store ------------------------------------------------------------------- */

/*
 * Two teams (alpha: a1 Ann, a2 Abe; beta: b1 Bea), a rep without team (n1 Ned) and two anonymous
 * respondents with no rep record. Two surveys in 2026-Q1 (01-15 and 03-15), one in Q2, one answer
 * in Q4, none in Q3; one answer before 2026 that no 2026 span counts. Question "enps" throughout,
 * "mgmt" once.
 *
 *   respondent  rep  team   01-15 enps  03-15 enps  04-15 enps  10-01 enps  01-15 mgmt
 *   ann         a1   alpha  10 P        8 pa        9 P                     0 D
 *   abe         a2   alpha  6 D         9 P                     7 pa
 *   bea         b1   beta   9 P         5 D         4 D                     10 P
 *   ned         n1   ""     7 pa
 *   anon-1      -    ""     3 D
 *   anon-2      -    ""                 10 P
 *   (ann 2025-12-20 enps 0)
 */
static const char survey_csv[] = "respondent,date,question,rep_id,score,comment\n"
                                 "ann,2025-12-20,enps,a1,0,last year\n"
                                 "ann,2026-01-15,enps,a1,10,\n"
                                 "abe,2026-01-15,enps,a2,6,\n"
                                 "bea,2026-01-15,enps,b1,9,\n"
                                 "ned,2026-01-15,enps,n1,7,\n"
                                 "anon-1,2026-01-15,enps,,3,\n"
                                 "ann,2026-01-15,mgmt,a1,0,\n"
                                 "bea,2026-01-15,mgmt,b1,10,\n"
                                 "ann,2026-03-15,enps,a1,8,\n"
                                 "abe,2026-03-15,enps,a2,9,\n"
                                 "bea,2026-03-15,enps,b1,5,\n"
                                 "anon-2,2026-03-15,enps,,10,\n"
                                 "ann,2026-04-15,enps,a1,9,\n"
                                 "bea,2026-04-15,enps,b1,4,\n"
                                 "abe,2026-10-01,enps,a2,7,\n";

static int setup(void **state)
{
	spm_store *st = teststore_open("survey");
	teststore_load(st, SPM_KIND_REPS,
	               "rep_id,name,team\n"
	               "b1,Bea,beta\n"
	               "a1,Ann,alpha\n"
	               "a2,Abe,alpha\n"
	               "n1,Ned,\n");
	teststore_load(st, SPM_KIND_SURVEY, survey_csv);
	*state = st;
	return 0;
}

/* The rows one call gave, copied. */
#define MAX_ROWS 32
typedef struct got_row {
	char team[32];
	bool company;
	bool has_period;
	char period[SPM_PERIOD_BUFSZ];
	char first[SPM_DATE_BUFSZ], last[SPM_DATE_BUFSZ];
	spm_survey_tally tally;
	char score[SPM_NUM_BUFSZ];
} got_row;

typedef struct got {
	got_row rows[MAX_ROWS];
	size_t n;
	size_t stop_after; /* 0: never stop */
} got;

static int collect(void *ctx, const spm_survey_row *row)
{
	got *g = ctx;
	got_row *r;

	assert_true(g->n < MAX_ROWS);
	r = &g->rows[g->n++];
	memset(r, 0, sizeof *r);
	r->company = row->team == NULL;
	if (row->team)
		snprintf(r->team, sizeof r->team, "%s", row->team);
	r->has_period = row->has_period;
	if (row->has_period)
		spm_period_format(r->period, sizeof r->period, &row->period);
	spm_date_format(r->first, sizeof r->first, row->first);
	spm_date_format(r->last, sizeof r->last, row->last);
	r->tally = row->tally;
	spm_rate_format(r->score, sizeof r->score, row->score, false);
	if (g->stop_after && g->n == g->stop_after)
		return 42;
	return 0;
}

static spm_date day(const char *iso)
{
	spm_date d;
	if (spm_date_parse(&d, iso, strlen(iso), NULL, NULL))
		fail_msg("test date '%s' did not parse", iso);
	return d;
}

static spm_survey_query span(const char *first, const char *last)
{
	spm_survey_query q = {0};
	q.first = day(first);
	q.last = day(last);
	return q;
}

static void run_ok(spm_store *st, const spm_survey_query *q, got *g)
{
	spm_error err;
	memset(g, 0, sizeof *g);
	if (spm_survey_results(st, q, collect, g, &err) != SPM_OK)
		fail_msg("survey results: %s", err.message);
}

/* Row i is team (NULL: the company) with these counts and this score. */
static void assert_row(const got *g, size_t i, const char *team, int64_t p, int64_t pa, int64_t d,
                       const char *score)
{
	assert_true(i < g->n);
	const got_row *r = &g->rows[i];
	if (team) {
		assert_false(r->company);
		assert_string_equal(r->team, team);
	} else {
		assert_true(r->company);
	}
	assert_int_equal(r->tally.promoters, p);
	assert_int_equal(r->tally.passives, pa);
	assert_int_equal(r->tally.detractors, d);
	assert_int_equal(r->tally.answers, p + pa + d);
	assert_string_equal(r->score, score);
}

static void test_pooled_quarter(void **state)
{
	spm_survey_query q = span("2026-01-01", "2026-03-31");
	got g;

	q.question = "enps";
	run_ok(*state, &q, &g);
	/*
	 * Pooled: both Q1 surveys count in full.
	 *   "":    ned 7, anon-1 3, anon-2 10 -> 1 P, 1 pa, 1 D -> 0
	 *   alpha: ann 10, 8; abe 6, 9        -> 2 P, 1 pa, 1 D -> 100 × 1/4 = 25
	 *   beta:  bea 9, 5                    -> 1 P, 1 D       -> 0
	 *   company: 4 P (10 9 9 10), 2 pa (7 8), 3 D (6 3 5) of 9 -> 100/9 = 11.1111111111
	 */
	assert_int_equal(g.n, 4);
	assert_row(&g, 0, "", 1, 1, 1, "0");
	assert_row(&g, 1, "alpha", 2, 1, 1, "25");
	assert_row(&g, 2, "beta", 1, 0, 1, "0");
	assert_row(&g, 3, NULL, 4, 2, 3, "11.1111111111");
	for (size_t i = 0; i < g.n; i++) {
		assert_false(g.rows[i].has_period);
		assert_string_equal(g.rows[i].first, "2026-01-01");
		assert_string_equal(g.rows[i].last, "2026-03-31");
	}
}

static void test_latest_quarter(void **state)
{
	spm_survey_query q = span("2026-01-01", "2026-03-31");
	got g;

	q.question = "enps";
	q.latest = true;
	run_ok(*state, &q, &g);
	/*
	 * Latest: each respondent's March answer replaces their January one.
	 *   "":    ned 7 (January only), anon-1 3, anon-2 10 -> 1 P, 1 pa, 1 D -> 0
	 *   alpha: ann 8, abe 9          -> 1 P, 1 pa -> 50
	 *   beta:  bea 5                 -> 1 D       -> -100
	 *   company: 2 P, 2 pa, 2 D of 6 -> 0 (pooled gave 11.1111111111)
	 */
	assert_int_equal(g.n, 4);
	assert_row(&g, 0, "", 1, 1, 1, "0");
	assert_row(&g, 1, "alpha", 1, 1, 0, "50");
	assert_row(&g, 2, "beta", 0, 0, 1, "-100");
	assert_row(&g, 3, NULL, 2, 2, 2, "0");
}

static void test_latest_is_per_question(void **state)
{
	spm_survey_query q = span("2026-01-01", "2026-03-31");
	got g;

	q.latest = true;
	run_ok(*state, &q, &g);
	/*
	 * Every question, latest: ann counts once for enps (8) and once for mgmt (0).
	 *   alpha: ann 8, ann 0, abe 9 -> 1 P, 1 pa, 1 D -> 0
	 *   beta:  bea 5, bea 10       -> 1 P, 1 D       -> 0
	 *   company: 3 P, 2 pa, 3 D of 8 -> 0
	 */
	assert_int_equal(g.n, 4);
	assert_row(&g, 0, "", 1, 1, 1, "0");
	assert_row(&g, 1, "alpha", 1, 1, 1, "0");
	assert_row(&g, 2, "beta", 1, 0, 1, "0");
	assert_row(&g, 3, NULL, 3, 2, 3, "0");
}

static void test_per_quarter_pooled(void **state)
{
	spm_survey_query q = span("2026-01-01", "2026-12-31");
	got g;

	q.per_period = true;
	q.by = SPM_PERIOD_QUARTER;
	run_ok(*state, &q, &g);
	/*
	 * Every question, pooled, per quarter; Q3 has no answers and no row.
	 *   Q1 "":    7, 3, 10             -> 0
	 *   Q1 alpha: 10, 8, 6, 9, 0       -> 2 P, 1 pa, 2 D -> 0
	 *   Q1 beta:  9, 5, 10             -> 2 P, 1 D -> 100/3 = 33.3333333333
	 *   Q1 company: 5 P, 2 pa, 4 D of 11 -> 100/11 = 9.0909090909
	 *   Q2 alpha: 9 -> 100; beta: 4 -> -100; company 1 P, 1 D -> 0
	 *   Q4 alpha: 7 -> 0; company: 0
	 */
	assert_int_equal(g.n, 9);
	assert_row(&g, 0, "", 1, 1, 1, "0");
	assert_row(&g, 1, "alpha", 2, 1, 2, "0");
	assert_row(&g, 2, "beta", 2, 0, 1, "33.3333333333");
	assert_row(&g, 3, NULL, 5, 2, 4, "9.0909090909");
	assert_row(&g, 4, "alpha", 1, 0, 0, "100");
	assert_row(&g, 5, "beta", 0, 0, 1, "-100");
	assert_row(&g, 6, NULL, 1, 0, 1, "0");
	assert_row(&g, 7, "alpha", 0, 1, 0, "0");
	assert_row(&g, 8, NULL, 0, 1, 0, "0");
	static const char *const periods[] = {"2026-Q1", "2026-Q1", "2026-Q1", "2026-Q1", "2026-Q2",
	                                      "2026-Q2", "2026-Q2", "2026-Q4", "2026-Q4"};
	for (size_t i = 0; i < 9; i++) {
		assert_true(g.rows[i].has_period);
		assert_string_equal(g.rows[i].period, periods[i]);
	}
	assert_string_equal(g.rows[4].first, "2026-04-01");
	assert_string_equal(g.rows[4].last, "2026-06-30");
}

static void test_per_quarter_latest_and_clipped(void **state)
{
	spm_survey_query q = span("2026-02-01", "2026-04-30");
	got g;

	q.per_period = true;
	q.by = SPM_PERIOD_QUARTER;
	q.question = "enps";
	q.latest = true;
	run_ok(*state, &q, &g);
	/*
	 * From 02-01: only the March survey in Q1, April's in Q2. Latest per quarter keeps ann's
	 * March 8 in Q1 although she answered again in April.
	 *   Q1 "": anon-2 10 -> 100; alpha: ann 8, abe 9 -> 50; beta: bea 5 -> -100;
	 *      company: 2 P, 1 pa, 1 D -> 25
	 *   Q2 alpha: ann 9 -> 100; beta: bea 4 -> -100; company -> 0
	 */
	assert_int_equal(g.n, 7);
	assert_row(&g, 0, "", 1, 0, 0, "100");
	assert_row(&g, 1, "alpha", 1, 1, 0, "50");
	assert_row(&g, 2, "beta", 0, 0, 1, "-100");
	assert_row(&g, 3, NULL, 2, 1, 1, "25");
	assert_row(&g, 4, "alpha", 1, 0, 0, "100");
	assert_row(&g, 5, "beta", 0, 0, 1, "-100");
	assert_row(&g, 6, NULL, 1, 0, 1, "0");
	/* The rows say which days they counted: the quarters cut to the span. */
	assert_string_equal(g.rows[0].period, "2026-Q1");
	assert_string_equal(g.rows[0].first, "2026-02-01");
	assert_string_equal(g.rows[0].last, "2026-03-31");
	assert_string_equal(g.rows[6].period, "2026-Q2");
	assert_string_equal(g.rows[6].first, "2026-04-01");
	assert_string_equal(g.rows[6].last, "2026-04-30");
}

static void test_latest_whole_year(void **state)
{
	spm_survey_query q = span("2026-01-01", "2026-12-31");
	got g;

	q.question = "enps";
	q.latest = true;
	run_ok(*state, &q, &g);
	/*
	 * One row per team for the year: ann's April 9, abe's October 7, bea's April 4, ned 7,
	 * anon-1 3, anon-2 10. The 2025 answer is outside the span.
	 *   "": 1 P, 1 pa, 1 D -> 0; alpha: 1 P, 1 pa -> 50; beta: 1 D -> -100; company: 0
	 */
	assert_int_equal(g.n, 4);
	assert_row(&g, 0, "", 1, 1, 1, "0");
	assert_row(&g, 1, "alpha", 1, 1, 0, "50");
	assert_row(&g, 2, "beta", 0, 0, 1, "-100");
	assert_row(&g, 3, NULL, 2, 2, 2, "0");
}

static void test_span_bounds_included(void **state)
{
	spm_survey_query q = span("2026-01-15", "2026-01-15");
	got g;

	run_ok(*state, &q, &g);
	/* Only the January survey, both questions: 10 9 7 3 6 0 10 -> 3 P, 1 pa, 3 D. */
	assert_int_equal(g.n, 4);
	assert_row(&g, 3, NULL, 3, 1, 3, "0");
	q = span("2025-12-20", "2025-12-20");
	run_ok(*state, &q, &g);
	assert_int_equal(g.n, 2);
	assert_row(&g, 0, "alpha", 0, 0, 1, "-100");
	/* A span without answers calls nothing. */
	q = span("2026-07-01", "2026-09-30");
	run_ok(*state, &q, &g);
	assert_int_equal(g.n, 0);
}

static void test_question_filter(void **state)
{
	spm_survey_query q = span("2026-01-01", "2026-12-31");
	spm_error err;
	got g;

	q.question = "mgmt";
	run_ok(*state, &q, &g);
	/* ann 0 (alpha), bea 10 (beta): -100, 100, and 0 for the company. */
	assert_int_equal(g.n, 3);
	assert_row(&g, 0, "alpha", 0, 0, 1, "-100");
	assert_row(&g, 1, "beta", 1, 0, 0, "100");
	assert_row(&g, 2, NULL, 1, 0, 1, "0");

	q.question = "morale";
	memset(&g, 0, sizeof g);
	assert_int_equal(spm_survey_results(*state, &q, collect, &g, &err), SPM_EDATA);
	assert_string_equal(err.message, "no answers to question 'morale' in the store");
	assert_int_equal(g.n, 0);
	/* No answer was given without a question here. */
	q.question = "";
	assert_int_equal(spm_survey_results(*state, &q, collect, &g, &err), SPM_EDATA);
	assert_string_equal(err.message, "no answers to question '' in the store");
}

static void test_team_filter(void **state)
{
	spm_survey_query q = span("2026-01-01", "2026-12-31");
	spm_error err;
	got g;

	q.per_period = true;
	q.by = SPM_PERIOD_QUARTER;
	q.question = "enps";
	q.team = "beta";
	run_ok(*state, &q, &g);
	/* bea: Q1 9, 5 -> 0; Q2 4 -> -100; no company rows. */
	assert_int_equal(g.n, 2);
	assert_row(&g, 0, "beta", 1, 0, 1, "0");
	assert_string_equal(g.rows[0].period, "2026-Q1");
	assert_row(&g, 1, "beta", 0, 0, 1, "-100");
	assert_string_equal(g.rows[1].period, "2026-Q2");

	/* "" chooses the answers without a team: ned and the anonymous ones, all in Q1. */
	q.team = "";
	run_ok(*state, &q, &g);
	assert_int_equal(g.n, 1);
	assert_row(&g, 0, "", 1, 1, 1, "0");

	/*
	 * The filter chooses rows, it does not change them: alpha's latest per quarter as in the
	 * full results. Q1 ann 8, abe 9 -> 50; Q2 ann 9 -> 100; Q4 abe 7 -> 0.
	 */
	q.team = "alpha";
	q.latest = true;
	run_ok(*state, &q, &g);
	assert_int_equal(g.n, 3);
	assert_row(&g, 0, "alpha", 1, 1, 0, "50");
	assert_row(&g, 1, "alpha", 1, 0, 0, "100");
	assert_row(&g, 2, "alpha", 0, 1, 0, "0");
	assert_string_equal(g.rows[2].period, "2026-Q4");

	q.team = "gamma";
	assert_int_equal(spm_survey_results(*state, &q, collect, &g, &err), SPM_EDATA);
	assert_string_equal(err.message, "no team 'gamma' in the store");
	/* A team's name is matched exactly. */
	q.team = "Alpha";
	assert_int_equal(spm_survey_results(*state, &q, collect, &g, &err), SPM_EDATA);
}

static void test_latest_before_team_filter(void **state)
{
	spm_survey_query q = span("2026-01-01", "2026-03-31");
	spm_error err;
	got g;

	/* sam answered in January as rep a1 (alpha), in March as rep b1 (beta). */
	assert_int_equal(
	    spm_store_exec(*state,
	                   "INSERT INTO survey (respondent, date, question, rep_id, score)"
	                   " VALUES ('sam', '2026-01-15', 'enps', 'a1', 0),"
	                   " ('sam', '2026-03-15', 'enps', 'b1', 10)",
	                   &err),
	    SPM_OK);
	q.question = "enps";
	q.latest = true;
	q.team = "alpha";
	run_ok(*state, &q, &g);
	/* sam's last answer is beta's: alpha keeps ann 8, abe 9 -> 50, as without sam. */
	assert_int_equal(g.n, 1);
	assert_row(&g, 0, "alpha", 1, 1, 0, "50");
	q.team = "beta";
	run_ok(*state, &q, &g);
	/* beta: bea 5, sam 10 -> 1 P, 1 D -> 0. */
	assert_int_equal(g.n, 1);
	assert_row(&g, 0, "beta", 1, 0, 1, "0");
	/* Pooled, sam's January 0 counts in alpha: 10 8 6 9 0 -> 2 P, 1 pa, 2 D -> 0. */
	q.latest = false;
	q.team = "alpha";
	run_ok(*state, &q, &g);
	assert_row(&g, 0, "alpha", 2, 1, 2, "0");
}

static void test_fiscal_quarters(void **state)
{
	spm_survey_query q = span("2026-01-01", "2026-06-30");
	spm_error err;
	got g;

	assert_int_equal(spm_store_setting_set(*state, "fiscal_year_start", "4", &err), SPM_OK);
	q.per_period = true;
	q.by = SPM_PERIOD_QUARTER;
	q.question = "enps";
	run_ok(*state, &q, &g);
	/* With the year starting in April, January to March is FY2026-Q4 and April FY2027-Q1. */
	assert_int_equal(g.n, 7);
	assert_string_equal(g.rows[0].period, "FY2026-Q4");
	assert_row(&g, 3, NULL, 4, 2, 3, "11.1111111111");
	assert_string_equal(g.rows[4].period, "FY2027-Q1");
	assert_row(&g, 6, NULL, 1, 0, 1, "0");
}

static void test_per_month_and_year(void **state)
{
	spm_survey_query q = span("2025-01-01", "2026-12-31");
	got g;

	q.per_period = true;
	q.by = SPM_PERIOD_MONTH;
	q.question = "enps";
	run_ok(*state, &q, &g);
	/* Company rows only in months with answers: 2025-12, 2026-01, -03, -04, -10. */
	size_t companies = 0;
	static const char *const months[] = {"2025-12", "2026-01", "2026-03", "2026-04", "2026-10"};
	for (size_t i = 0; i < g.n; i++)
		if (g.rows[i].company) {
			assert_true(companies < 5);
			assert_string_equal(g.rows[i].period, months[companies++]);
		}
	assert_int_equal(companies, 5);
	assert_row(&g, 0, "alpha", 0, 0, 1, "-100");

	q.by = SPM_PERIOD_YEAR;
	run_ok(*state, &q, &g);
	assert_string_equal(g.rows[0].period, "2025");
	assert_true(g.rows[1].company);
	assert_string_equal(g.rows[2].period, "2026");
	assert_string_equal(g.rows[2].first, "2026-01-01");
	assert_true(g.rows[g.n - 1].company);
	/* 2026 pooled enps: 5 answers in January, 4 in March, 2 in April, 1 in October. */
	assert_int_equal(g.rows[g.n - 1].tally.answers, 12);
}

static void test_callback_stops(void **state)
{
	spm_survey_query q = span("2026-01-01", "2026-12-31");
	spm_error err;
	got g;

	memset(&g, 0, sizeof g);
	g.stop_after = 2;
	assert_int_equal(spm_survey_results(*state, &q, collect, &g, &err), 42);
	assert_int_equal(g.n, 2);
	/* Stopping on the company row also returns at once. */
	memset(&g, 0, sizeof g);
	g.stop_after = 4;
	assert_int_equal(spm_survey_results(*state, &q, collect, &g, &err), 42);
	assert_int_equal(g.n, 4);
	assert_true(g.rows[3].company);
}

static void test_bad_queries(void **state)
{
	spm_store *st = *state;
	spm_survey_query q = span("2026-04-01", "2026-03-31");
	spm_error err;
	got g;

	memset(&g, 0, sizeof g);
	assert_int_equal(spm_survey_results(st, &q, collect, &g, &err), SPM_EUSAGE);
	assert_string_equal(err.message,
	                    "survey: first day '2026-04-01' is after last day '2026-03-31'");
	assert_int_equal(g.n, 0);

	q = span("2026-01-01", "2026-03-31");
	q.per_period = true;
	q.by = (spm_period_kind)42;
	assert_int_equal(spm_survey_results(st, &q, collect, &g, &err), SPM_EUSAGE);
	assert_non_null(strstr(err.message, "not a kind of period"));
	/* Without per_period, by is not looked at. */
	q.per_period = false;
	run_ok(st, &q, &g);
	assert_int_equal(g.n, 4);

	q = span("2026-01-01", "2026-03-31");
	q.last.days = INT32_MAX;
	assert_int_equal(spm_survey_results(st, &q, collect, &g, &err), SPM_EUSAGE);
	assert_non_null(strstr(err.message, "outside the years"));
	q = span("2026-01-01", "2026-03-31");
	q.first.days = INT32_MIN;
	assert_int_equal(spm_survey_results(st, &q, collect, &g, &err), SPM_EUSAGE);

	q = span("2026-01-01", "2026-03-31");
	assert_int_equal(spm_survey_results(NULL, &q, collect, &g, &err), SPM_EUSAGE);
	assert_int_equal(spm_survey_results(st, NULL, collect, &g, &err), SPM_EUSAGE);
	assert_int_equal(spm_survey_results(st, &q, NULL, &g, &err), SPM_EUSAGE);
	assert_int_equal(spm_survey_results(st, &q, collect, &g, NULL), SPM_OK);
}

static void test_period_past_year_9999(void **state)
{
	spm_survey_query q = span("9999-12-01", "9999-12-31");
	spm_error err;
	got g;

	/* A fiscal year starting in July makes December 9999 part of FY10000: not a period. */
	assert_int_equal(spm_store_setting_set(*state, "fiscal_year_start", "7", &err), SPM_OK);
	assert_int_equal(spm_store_exec(*state,
	                                "INSERT INTO survey (respondent, date, question, score)"
	                                " VALUES ('late', '9999-12-15', 'enps', 9)",
	                                &err),
	                 SPM_OK);
	q.per_period = true;
	q.by = SPM_PERIOD_QUARTER;
	memset(&g, 0, sizeof g);
	assert_int_equal(spm_survey_results(*state, &q, collect, &g, &err), SPM_ERANGE);
	assert_non_null(strstr(err.message, "'9999-12-15'"));
	assert_int_equal(g.n, 0);
	/* The whole span needs no period. */
	q.per_period = false;
	run_ok(*state, &q, &g);
	assert_int_equal(g.n, 2);
	assert_row(&g, 1, NULL, 1, 0, 0, "100");
}

static void test_store_bad_date(void **state)
{
	spm_survey_query q = span("2026-01-01", "2026-12-31");
	spm_error err;
	got g;

	/* Text that sorts inside the span but is no date. */
	assert_int_equal(spm_store_exec(*state,
	                                "INSERT INTO survey (respondent, date, question, score)"
	                                " VALUES ('odd', '2026-02-31', 'enps', 9)",
	                                &err),
	                 SPM_OK);
	memset(&g, 0, sizeof g);
	assert_int_equal(spm_survey_results(*state, &q, collect, &g, &err), SPM_ESTORE);
	assert_non_null(strstr(err.message, "bad date"));
	assert_int_equal(g.n, 0);
}

static int setup_empty(void **state)
{
	*state = teststore_open("survey-empty");
	return 0;
}

static void test_empty_store(void **state)
{
	spm_survey_query q = span("2026-01-01", "2026-12-31");
	spm_error err;
	got g;

	run_ok(*state, &q, &g);
	assert_int_equal(g.n, 0);
	q.latest = true;
	q.per_period = true;
	q.by = SPM_PERIOD_MONTH;
	run_ok(*state, &q, &g);
	assert_int_equal(g.n, 0);
	q.team = "alpha";
	assert_int_equal(spm_survey_results(*state, &q, collect, &g, &err), SPM_EDATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_classify_every_score),
	    cmocka_unit_test(test_tally_add),
	    cmocka_unit_test(test_published_examples),
	    cmocka_unit_test(test_extremes),
	    cmocka_unit_test(test_fractional_and_rounding),
	    cmocka_unit_test(test_score_refusals),
	    cmocka_unit_test(test_score_format),
	    cmocka_unit_test_setup_teardown(test_pooled_quarter, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_latest_quarter, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_latest_is_per_question, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_per_quarter_pooled, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_per_quarter_latest_and_clipped, setup,
	                                    teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_latest_whole_year, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_span_bounds_included, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_question_filter, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_team_filter, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_latest_before_team_filter, setup,
	                                    teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_fiscal_quarters, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_per_month_and_year, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_callback_stops, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_queries, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_period_past_year_9999, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_store_bad_date, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_empty_store, setup_empty, teststore_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
