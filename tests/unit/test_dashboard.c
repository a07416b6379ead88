/*
 * Unit tests of the dashboard page: every card over one small organisation built with the
 * importer (and a commission run stored by SQL), escaping of hostile names, byte-identical
 * output, an empty store, the cut of a long attainment chart, and every error path. Expected
 * figures are worked out by hand in the comments beside the store.
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

#include "spm/dashboard.h"
#include "spm/period.h"
#include "spm/scorecard.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static spm_period P(const char *name)
{
	spm_period p;
	spm_error err;
	if (spm_period_parse(&p, name, strlen(name), NULL, &err))
		fail_msg("test period '%s': %s", name, err.message);
	return p;
}

static spm_date D(const char *text)
{
	spm_date d;
	spm_error err;
	if (spm_date_parse(&d, text, strlen(text), NULL, &err))
		fail_msg("test date '%s': %s", text, err.message);
	return d;
}

static void exec(spm_store *st, const char *sql)
{
	spm_error err;
	if (spm_store_exec(st, sql, &err))
		fail_msg("sql: %s: %s", err.message, sql);
}

/* The page for q in a malloc'd string (caller frees), with the status and error of the call. */
static char *page(spm_store *st, const spm_dashboard_query *q, int *rc, spm_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	*rc = spm_dashboard_write(fp, st, q, err);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(strlen(buf), len); /* no NUL inside the page */
	return buf;
}

/* The page for q, which must be written without an error. */
static char *page_ok(spm_store *st, const spm_dashboard_query *q)
{
	spm_error err;
	int rc;
	char *html = page(st, q, &rc, &err);
	if (rc)
		fail_msg("dashboard: %s", err.message);
	assert_int_equal(err.code, SPM_OK);
	return html;
}

/* The card headed `heading`, from its <h2> to its </section>, in a malloc'd string. */
static char *card(const char *html, const char *heading)
{
	char h2[200];
	snprintf(h2, sizeof h2, "<h2>%s</h2>", heading);
	const char *at = strstr(html, h2);
	if (!at)
		fail_msg("no card '%s'", heading);
	const char *end = strstr(at, "</section>");
	assert_non_null(end);
	char *c = strndup(at, (size_t)(end - at));
	assert_non_null(c);
	return c;
}

static size_t count_of(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *at = strstr(s, needle); at; at = strstr(at + 1, needle))
		n++;
	return n;
}

static void assert_has(const char *s, const char *needle)
{
	if (!strstr(s, needle))
		fail_msg("missing '%s'", needle);
}

static void assert_lacks(const char *s, const char *needle)
{
	if (strstr(s, needle))
		fail_msg("unexpected '%s'", needle);
}

/* ---- the organisation ---------------------------------------------------------------------- */

/*
 * Base USD; EUR at 2 from 2026-01-01. Reps: a1 Ann (east), a2 named <script>alert(1)</script> in
 * the team "&' (a hostile name and team), a3 Abe (east), b1 Bo (no team); R01..R40 of the team
 * big, hired 2026-10-01 (not active in Q1).
 *
 * Won deals in 2026-Q1: D1 a1 10,000 USD 01-20; D2 a2 3,000 EUR 02-10 at 2: 6,000; D4 b1 1,000
 * USD 03-05; D3 a3 6,000 USD 03-20. Company 23,000 in 4 deals (17,000 to 03-15, without D3).
 * Open deals: O1 a1 5,000 commit 03-25; O2 a3 2,000 best case 03-28; O3 b1 4,000 pipeline 03-30.
 * Quotas for Q1: a1 20,000 (50%), a2 12,000 (50%), a3 9,000 (66.666..%, shown 66.66%); b1 none.
 * The company's is their sum, 41,000: 23,000 / 41,000 = 56.0975..%, shown 56.09%. a1 has a
 * quota for January alone too, 5,000: the company's January quota; February and March have none.
 * A GBP deal in 2027-Q3 has no rate. In 2026-Q4 each Rnn has a quota of 100 and a deal of nn:
 * attainment nn%.
 *
 * Activities in Q1: a1 call 10, email 5, task 7 (not a counted kind); a2 demo 3; b1 meeting 2.
 * Per team: east 15, "&' 3, (no team) 2; in all 10 calls, 5 emails, 2 meetings, 0 webinars, 3
 * demos.
 * Survey in Q1: east: a1 9, a3 10, a1 3 (2 promoters, 1 detractor of 3: +33.3); "&': a2 5 (all
 * detractors: -100.0); an anonymous 8 without a rep: (no team), a passive: 0.0. The company: 2
 * promoters, 2 detractors of 5 answers: 0.0.
 * The current run of 2026-Q1 pays a1 500 USD and a2 100 EUR (at 2 on 03-31: 200): 700 in all.
 */
static int org_setup(void **state)
{
	spm_store *st = teststore_open("dashboard");
	char reps[4096] = "rep_id,name,manager_id,team,territory,hire_date,end_date\n"
	                  "a1,Ann,,east,,2020-01-01,\n"
	                  "a2,<script>alert(1)</script>,,\"\"\"&'\",,2020-01-01,\n"
	                  "a3,Abe,,east,,2020-01-01,\n"
	                  "b1,Bo,,,,2020-01-01,\n";
	char deals[4096] = "deal_id,rep_id,amount,status,close_date,currency,forecast_category\n"
	                   "D1,a1,10000,won,2026-01-20,USD,\n"
	                   "D2,a2,3000,won,2026-02-10,EUR,\n"
	                   "D3,a3,6000,won,2026-03-20,USD,\n"
	                   "D4,b1,1000,won,2026-03-05,USD,\n"
	                   "O1,a1,5000,open,2026-03-25,USD,commit\n"
	                   "O2,a3,2000,open,2026-03-28,USD,best_case\n"
	                   "O3,b1,4000,open,2026-03-30,USD,pipeline\n"
	                   "G1,a1,100,won,2027-08-10,GBP,\n";
	char quotas[4096] = "rep_id,team,territory,period,metric,amount\n"
	                    "a1,,,2026-Q1,,20000\na2,,,2026-Q1,,12000\na3,,,2026-Q1,,9000\n"
	                    "a1,,,2026-01,,5000\n";
	for (int i = 1; i <= 40; i++) {
		size_t n = strlen(reps);
		snprintf(reps + n, sizeof reps - n, "r%02d,R%02d,,big,,2026-10-01,\n", i, i);
		n = strlen(deals);
		snprintf(deals + n, sizeof deals - n, "X%02d,r%02d,%d,won,2026-11-01,USD,\n", i, i,
		         i);
		n = strlen(quotas);
		snprintf(quotas + n, sizeof quotas - n, "r%02d,,,2026-Q4,,100\n", i);
	}
	teststore_load(st, SPM_KIND_REPS, reps);
	teststore_load(st, SPM_KIND_FX, "currency,date,rate\nEUR,2026-01-01,2\n");
	teststore_load(st, SPM_KIND_DEALS, deals);
	teststore_load(st, SPM_KIND_QUOTAS, quotas);
	teststore_load(st, SPM_KIND_ACTIVITIES,
	               "activity_id,rep_id,date,kind,count\n"
	               "x1,a1,2026-01-05,call,10\n"
	               "x2,a1,2026-02-01,email,5\n"
	               "x3,a1,2026-01-10,task,7\n"
	               "x4,a2,2026-02-03,demo,3\n"
	               "x5,b1,2026-03-01,meeting,2\n");
	teststore_load(st, SPM_KIND_SURVEY,
	               "respondent,date,question,rep_id,score\n"
	               "ann,2026-02-01,q,a1,9\n"
	               "abe,2026-02-01,q,a3,10\n"
	               "ann,2026-03-01,q,a1,3\n"
	               "ari,2026-02-01,q,a2,5\n"
	               "anonymous,2026-02-01,q,,8\n");
	exec(st, "INSERT INTO runs VALUES"
	         " (1, '2026-Q1', '2026-01-01', '2026-03-31', 'h1', '2026-04-01T06:00:00Z',"
	         "  '2026-04-01T06:00:01Z');"
	         "INSERT INTO payout_lines(line_id, run_id, rep_id, kind, amount, currency) VALUES"
	         " (1, 1, 'a1', 'commission', 5000000, 'USD'),"
	         " (2, 1, 'a2', 'commission', 1000000, 'EUR');");
	*state = st;
	return 0;
}

static const spm_dashboard_query q1 = {.by = SPM_PERIOD_MONTH};

static spm_dashboard_query query(const char *period, const char *as_of)
{
	spm_dashboard_query q = q1;
	q.period = P(period);
	if (as_of)
		q.as_of = D(as_of);
	return q;
}

/* ---- the page ------------------------------------------------------------------------------ */

/* Every card in its order, the title and the subtitle; a whole, self-contained page. */
static void test_sections(void **state)
{
	spm_dashboard_query q = query("2026-Q1", "2026-03-15");
	char *html = page_ok(*state, &q);
	static const char *const order[] = {
	    "<h1>Sales performance</h1>",
	    "<p class=\"sub\">2026-Q1, to 2026-03-15, in USD</p>",
	    "<h2>Headline figures</h2>",
	    "<h2>Attainment by rep</h2>",
	    "<h2>Bookings against quota</h2>",
	    "<h2>Leaderboard</h2>",
	    "<h2>Pipeline by forecast category</h2>",
	    "<h2>Activity</h2>",
	    "<h2>Employee survey (eNPS)</h2>",
	    "<h2>How these figures were computed</h2>",
	    "</html>",
	};
	const char *at = html;
	for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
		const char *next = strstr(at, order[i]);
		if (!next)
			fail_msg("'%s' missing or out of order", order[i]);
		at = next;
	}
	assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
	/* nothing from elsewhere: the only address is the SVG namespace, a name never loaded */
	assert_int_equal(count_of(html, "http://"),
	                 count_of(html, "xmlns=\"http://www.w3.org/2000/svg\""));
	assert_lacks(html, "https://");
	assert_lacks(html, "src=");
	assert_int_equal(count_of(html, "<section class=\"card"), 8);
	/* the footer names the day and the currency */
	char *how = card(html, "How these figures were computed");
	assert_has(how, "in USD");
	assert_has(how, "to 2026-03-15");
	free(how);
	free(html);

	/* a title of the caller's, escaped too */
	q.title = "Q1 <b>review</b>";
	html = page_ok(*state, &q);
	assert_has(html, "<h1>Q1 &lt;b&gt;review&lt;/b&gt;</h1>");
	free(html);
}

/* A rep named <script>alert(1)</script> and a team named "&' appear only escaped. */
static void test_escaping(void **state)
{
	spm_dashboard_query q = query("2026-Q1", NULL);
	char *html = page_ok(*state, &q);
	assert_lacks(html, "<script");
	assert_lacks(html, "<SCRIPT");
	assert_lacks(html, "\"&'");
	assert_has(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_has(html, "&quot;&amp;&#39;");
	free(html);
}

/* The same store and query give the same bytes; an as-of day past the period is its end. */
static void test_deterministic(void **state)
{
	spm_dashboard_query q = query("2026-Q1", "2026-03-15");
	char *a = page_ok(*state, &q), *b = page_ok(*state, &q);
	assert_string_equal(a, b);
	free(a);
	free(b);
	q = query("2026-Q1", NULL);
	a = page_ok(*state, &q);
	q.as_of = D("2026-06-30");
	b = page_ok(*state, &q);
	assert_string_equal(a, b);
	assert_has(a, "2026-Q1, to 2026-03-31, in USD");
	free(a);
	free(b);
}

/*
 * The headline figures of Q1, by hand (see the store) and as the company scorecard gives them:
 * bookings 23,000, quota 41,000, 56.09%, payout 700, 4 reps, 4 won deals.
 */
static void test_headline(void **state)
{
	spm_scorecard sc;
	spm_scorecard_query sq = {
	    .level = SPM_LEVEL_COMPANY, .period = P("2026-Q1"), .payouts = true};
	spm_error err;
	if (spm_scorecard_read(*state, &sq, &sc, &err))
		fail_msg("scorecard: %s", err.message);
	assert_int_equal(sc.n, 1);
	assert_int_equal(sc.rows[0].bookings.units, money("23000").units);
	assert_true(sc.rows[0].has_quota);
	assert_int_equal(sc.rows[0].quota.units, money("41000").units);
	assert_true(sc.has_run);
	assert_int_equal(sc.rows[0].payout.units, money("700").units);
	assert_int_equal(sc.rows[0].reps, 4);
	assert_int_equal(sc.rows[0].deals, 4);
	/* 23,000 / 41,000 = 0.5609756097..., cut at the rate scale */
	assert_int_equal(sc.rows[0].attainment.units, INT64_C(5609756097));
	spm_scorecard_free(&sc);

	spm_dashboard_query q = query("2026-Q1", NULL);
	char *html = page_ok(*state, &q), *c = card(html, "Headline figures");
	assert_has(c, "<tr><td>Bookings</td><td class=\"num\">23,000.00</td></tr>");
	assert_has(c, "<tr><td>Quota</td><td class=\"num\">41,000.00</td></tr>");
	assert_has(c, "<tr><td>Attainment</td><td class=\"num\">56.09%</td></tr>");
	assert_has(c, "<tr><td>Payout</td><td class=\"num\">700.00</td></tr>");
	assert_has(c, "<tr><td>Reps</td><td class=\"num\">4</td></tr>");
	assert_has(c, "<tr><td>Won deals</td><td class=\"num\">4</td></tr>");
	free(c);
	free(html);

	/* to 03-15: D3 not yet (17,000, 41.46%: 17/41 = 0.414634...); no run pays Q2 */
	q = query("2026-Q1", "2026-03-15");
	html = page_ok(*state, &q);
	c = card(html, "Headline figures");
	assert_has(c, "<td class=\"num\">17,000.00</td>");
	assert_has(c, "<td class=\"num\">41.46%</td>");
	assert_has(c, "<tr><td>Won deals</td><td class=\"num\">3</td></tr>");
	free(c);
	free(html);
	q = query("2026-Q2", NULL);
	html = page_ok(*state, &q);
	c = card(html, "Headline figures");
	assert_lacks(c, "<td>Payout</td>");
	assert_has(c, "No commission run pays the period yet.");
	assert_has(c, "<tr><td>Quota</td><td class=\"num\">none</td></tr>");
	free(c);
	free(html);
}

/*
 * Attainment by rep, best first, cut toward zero: a3 66.66%, then a1 and a2 at 50% (by id), the
 * quota line; b1 has no quota, so no bar. The leaderboard: a1 10,000 first; a2 and a3 share rank
 * 2 at 6,000; b1 is 4th.
 */
static void test_attainment_and_leaders(void **state)
{
	spm_dashboard_query q = query("2026-Q1", NULL);
	char *html = page_ok(*state, &q), *c = card(html, "Attainment by rep");
	const char *abe = strstr(c, "<title>Abe: 66.66%</title>");
	const char *ann = strstr(c, "<title>Ann: 50.00%</title>");
	const char *ari = strstr(c, "<title>&lt;script&gt;alert(1)&lt;/script&gt;: 50.00%</title>");
	assert_non_null(abe);
	assert_non_null(ann);
	assert_non_null(ari);
	assert_true(abe < ann && ann < ari);
	assert_lacks(c, "<title>Bo:");
	assert_has(c, ">quota<");
	assert_has(c, "1 of 4 reps have no quota for the period.");
	free(c);

	c = card(html, "Leaderboard");
	const char *r1 = strstr(c, "<tr><td class=\"num\">1</td><td>Ann</td><td>east</td>"
	                           "<td class=\"num\">10,000.00</td><td class=\"num\">1</td>"
	                           "<td class=\"num\">50.00%</td></tr>");
	const char *r2 = strstr(c, "<tr><td class=\"num\">2</td><td>&lt;script&gt;alert(1)&lt;/"
	                           "script&gt;</td><td>&quot;&amp;&#39;</td><td class=\"num\">6,"
	                           "000.00</td>");
	const char *r3 = strstr(c, "<tr><td class=\"num\">2</td><td>Abe</td><td>east</td>"
	                           "<td class=\"num\">6,000.00</td><td class=\"num\">1</td>"
	                           "<td class=\"num\">66.66%</td></tr>");
	const char *r4 = strstr(c, "<tr><td class=\"num\">4</td><td>Bo</td><td></td>"
	                           "<td class=\"num\">1,000.00</td><td class=\"num\">1</td>"
	                           "<td class=\"num\">-</td></tr>");
	assert_non_null(r1);
	assert_non_null(r2);
	assert_non_null(r3);
	assert_non_null(r4);
	assert_true(r1 < r2 && r2 < r3 && r3 < r4);
	free(c);
	free(html);
}

/*
 * 2026-Q4: 40 reps with a quota, Rnn at nn%. The chart holds the best 25 (R40..R16) and the worst
 * 5 (R05..R01), in that order, and says so; R06..R15 are left out. The leaderboard holds the top
 * 10 by bookings (R40..R31) of the 44 reps listed (a1, a2, a3 and b1 with nothing).
 */
static void test_long_chart(void **state)
{
	spm_dashboard_query q = query("2026-Q4", NULL);
	char *html = page_ok(*state, &q), *c = card(html, "Attainment by rep");
	const char *last = c;
	char title[64];
	for (int i = 40; i >= 1; i--) {
		snprintf(title, sizeof title, "<title>R%02d: %d.00%%</title>", i, i);
		const char *at = strstr(c, title);
		if (i >= 6 && i <= 15) {
			if (at)
				fail_msg("'%s' shown", title);
			continue;
		}
		if (!at)
			fail_msg("'%s' missing", title);
		assert_true(at > last);
		last = at;
	}
	assert_has(c, "The best 25 and the worst 5 of 40 reps with a quota");
	free(c);
	c = card(html, "Leaderboard");
	assert_has(c, "<td>R31</td>");
	assert_lacks(c, "<td>R30</td>");
	assert_int_equal(count_of(c, "<tr><td class=\"num\">"), 10);
	assert_has(c, "The top 10 of 44 reps by bookings.");
	free(c);
	free(html);
}

/*
 * The trend of Q1 to 02-15 by month: January and February only (March has not begun); by
 * quarter, the one step. A year's steps by quarter are named as quarters.
 */
static void test_trend(void **state)
{
	spm_dashboard_query q = query("2026-Q1", "2026-02-15");
	char *html = page_ok(*state, &q), *c = card(html, "Bookings against quota");
	assert_has(c, ">2026-01<");
	assert_has(c, ">2026-02<");
	assert_lacks(c, "2026-03");
	assert_has(c, ">Bookings<");
	assert_has(c, ">Quota<");
	free(c);
	free(html);

	q.by = SPM_PERIOD_QUARTER;
	html = page_ok(*state, &q);
	c = card(html, "Bookings against quota");
	assert_has(c, ">2026-Q1<");
	assert_lacks(c, "2026-01");
	free(c);
	free(html);

	q = query("2026", NULL);
	q.by = SPM_PERIOD_QUARTER;
	html = page_ok(*state, &q);
	c = card(html, "Bookings against quota");
	assert_has(c, ">2026-Q1<");
	assert_has(c, ">2026-Q4<");
	free(c);
	free(html);

	/* Q2 has neither bookings nor quotas: no chart */
	q = query("2026-Q2", NULL);
	html = page_ok(*state, &q);
	c = card(html, "Bookings against quota");
	assert_has(c, "No data");
	assert_lacks(c, "<svg");
	free(c);
	free(html);
}

/*
 * The pipeline of Q1 as of 03-15: closed 17,000 (D1, D2, D4); commit O1 5,000; best case O2
 * 2,000; pipeline O3 4,000 (each without the ones before). On 03-31 the open deals are overdue,
 * in no category: closed 23,000 and the others 0.
 */
static void test_pipeline(void **state)
{
	spm_dashboard_query q = query("2026-Q1", "2026-03-15");
	char *html = page_ok(*state, &q), *c = card(html, "Pipeline by forecast category");
	assert_has(c, "Closed <span class=\"num\">17,000.00</span>");
	assert_has(c, "Commit <span class=\"num\">5,000.00</span>");
	assert_has(c, "Best case <span class=\"num\">2,000.00</span>");
	assert_has(c, "Pipeline <span class=\"num\">4,000.00</span>");
	free(c);
	free(html);
	q = query("2026-Q1", NULL);
	html = page_ok(*state, &q);
	c = card(html, "Pipeline by forecast category");
	assert_has(c, "Closed <span class=\"num\">23,000.00</span>");
	assert_has(c, "Commit <span class=\"num\">0.00</span>");
	assert_has(c, "Pipeline <span class=\"num\">0.00</span>");
	free(c);
	free(html);
}

/* Activities per team, and the survey's eNPS per team with its sign (see the store). */
static void test_activity_and_survey(void **state)
{
	spm_dashboard_query q = query("2026-Q1", NULL);
	char *html = page_ok(*state, &q), *c = card(html, "Activity");
	assert_has(c, "<title>&quot;&amp;&#39;: 3</title>");
	assert_has(c, "<title>east: 15</title>");
	assert_has(c, "<title>(no team): 2</title>");
	assert_has(c, "in all: 10 calls, 5 emails, 2 meetings, 0 webinars, 3 demos.");
	free(c);
	c = card(html, "Employee survey (eNPS)");
	assert_has(c, "<title>east: +33.3</title>");
	assert_has(c, "<title>&quot;&amp;&#39;: -100.0</title>");
	assert_has(c, "<title>(no team): 0.0</title>");
	assert_has(c, "Company: 0.0 of 5 answers.");
	free(c);
	free(html);

	/* to 02-15: a1's 3 of 03-01 is not counted yet, so east is 2 promoters of 2: +100.0 */
	q = query("2026-Q1", "2026-02-15");
	html = page_ok(*state, &q);
	c = card(html, "Employee survey (eNPS)");
	assert_has(c, "<title>east: +100.0</title>");
	free(c);
	free(html);

	/* Q2 has no answers and no activities */
	q = query("2026-Q2", NULL);
	html = page_ok(*state, &q);
	c = card(html, "Employee survey (eNPS)");
	assert_has(c, "No data");
	assert_lacks(c, "<svg");
	free(c);
	c = card(html, "Activity");
	assert_has(c, "No data");
	assert_lacks(c, "<svg");
	free(c);
	free(html);
}

/* ---- errors -------------------------------------------------------------------------------- */

/* A failure before the page: nothing written. */
static void expect_refused(spm_store *st, FILE *fp, const spm_dashboard_query *q, int want,
                           const char *message)
{
	spm_error err;
	spm_error_clear(&err);
	assert_int_equal(spm_dashboard_write(fp, st, q, &err), want);
	assert_int_equal(err.code, want);
	if (message && !strstr(err.message, message))
		fail_msg("message '%s' lacks '%s'", err.message, message);
}

static void test_refusals(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	spm_dashboard_query q = query("2026-Q2", "2026-03-31");
	expect_refused(*state, fp, &q, SPM_EUSAGE,
	               "as-of day '2026-03-31' is before the period '2026-Q2'");
	q = query("2026-Q2", NULL);
	q.by = SPM_PERIOD_YEAR;
	expect_refused(*state, fp, &q, SPM_EUSAGE,
	               "steps 'year' coarser than the period '2026-Q2'");
	q = query("2026-04", NULL);
	q.by = SPM_PERIOD_QUARTER;
	expect_refused(*state, fp, &q, SPM_EUSAGE, "coarser");
	q = query("2026-Q2", NULL);
	q.by = (spm_period_kind)7;
	expect_refused(*state, fp, &q, SPM_EUSAGE, NULL);
	q = query("2026-Q2", NULL);
	q.period.last = q.period.first; /* not one period */
	expect_refused(*state, fp, &q, SPM_EUSAGE, "not a period");
	q = query("2026-Q2", NULL);
	expect_refused(*state, NULL, &q, SPM_EUSAGE, NULL);
	expect_refused(NULL, fp, &q, SPM_EUSAGE, NULL);
	expect_refused(*state, fp, NULL, SPM_EUSAGE, NULL);
	assert_int_equal(spm_dashboard_write(fp, *state, NULL, NULL), SPM_EUSAGE); /* err NULL */
	/* a deal in GBP without a rate: SPM_EDATA before anything is written */
	q = query("2027-Q3", NULL);
	expect_refused(*state, fp, &q, SPM_EDATA, "GBP");
	q.currency = "EUR"; /* a report currency: every USD amount needs the rate too */
	q.period = P("2026-Q1");
	spm_error err;
	int rc = spm_dashboard_write(fp, *state, &q, &err);
	assert_int_equal(rc, SPM_OK); /* EUR has a rate: Q1 in EUR */
	assert_int_equal(fclose(fp), 0);
	assert_has(buf, "2026-Q1, to 2026-03-31, in EUR");
	/* 23,000 USD at 2 USD for a euro: 11,500 EUR */
	assert_has(buf, "<tr><td>Bookings</td><td class=\"num\">11,500.00</td></tr>");
	free(buf);

	/* only the page of Q1 in EUR was written: the refusals wrote nothing */
	buf = NULL;
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	q = query("2027-Q3", NULL);
	expect_refused(*state, fp, &q, SPM_EDATA, NULL);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(len, 0);
	free(buf);
}

/* A stream too small for the page, at its start or midway: SPM_EIO "write error: ...". */
static void test_write_error(void **state)
{
	static const size_t sizes[] = {16, 4096};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		char *mem = malloc(sizes[i]);
		assert_non_null(mem);
		FILE *fp = fmemopen(mem, sizes[i], "w");
		assert_non_null(fp);
		spm_dashboard_query q = query("2026-Q1", NULL);
		spm_error err;
		spm_error_clear(&err);
		assert_int_equal(spm_dashboard_write(fp, *state, &q, &err), SPM_EIO);
		assert_int_equal(err.code, SPM_EIO);
		assert_true(strncmp(err.message, "write error", 11) == 0);
		fclose(fp);
		free(mem);
	}
}

/* An empty store (no reps, no deals): a whole page, each card saying "No data", no error. */
static void test_empty_store(void **state)
{
	(void)state;
	char path[600];
	const char *dir = getenv("SPM_TEST_TMP");
	snprintf(path, sizeof path, "%s/dashboard-empty-%d.db", dir && *dir ? dir : "/tmp",
	         (int)getpid());
	unlink(path);
	spm_store *st = NULL;
	spm_error err;
	if (spm_store_open(&st, path, SPM_STORE_CREATE, &err))
		fail_msg("store: %s", err.message);
	spm_dashboard_query q = query("2026-Q2", "2026-05-15");
	char *html = page_ok(st, &q);
	assert_has(html, "</html>");
	static const char *const empty[] = {"Attainment by rep", "Bookings against quota",
	                                    "Leaderboard",       "Pipeline by forecast category",
	                                    "Activity",          "Employee survey (eNPS)"};
	for (size_t i = 0; i < sizeof empty / sizeof *empty; i++) {
		char *c = card(html, empty[i]);
		if (!strstr(c, "No data"))
			fail_msg("card '%s' without 'No data'", empty[i]);
		assert_lacks(c, "<svg class");
		assert_lacks(c, "<title>");
		free(c);
	}
	assert_lacks(html, "nan");
	assert_lacks(html, "NaN");
	free(html);
	spm_store_close(st);
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		char file[620];
		snprintf(file, sizeof file, "%s%s", path, suffixes[i]);
		unlink(file);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sections),
	    cmocka_unit_test(test_escaping),
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_headline),
	    cmocka_unit_test(test_attainment_and_leaders),
	    cmocka_unit_test(test_long_chart),
	    cmocka_unit_test(test_trend),
	    cmocka_unit_test(test_pipeline),
	    cmocka_unit_test(test_activity_and_survey),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_write_error),
	    cmocka_unit_test(test_empty_store),
	};
	return cmocka_run_group_tests(tests, org_setup, teststore_teardown);
}
