/*
 * Unit tests of the scorecard: every rep's or group's bookings, deals, largest deal, quota and
 * attainment, activities by kind and the payout of the runs that pay the period, over one
 * small organisation built with the importer and runs stored by SQL; then the measures' names and
 * keys, and the errors. Every expected figure is worked out by hand in the comments beside it.
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

static char rows[1 << 14];

/*
 * A row as one line: "id team n=reps b=bookings d=deals l=largest q=quota a=attainment
 * act=call/email/meeting/webinar/demo:all pay=payout"; "-" for a NULL string, a missing quota or
 * a missing payout.
 */
static void format_row(char *buf, size_t size, const spm_scorecard_row *r)
{
	char b[SPM_NUM_BUFSZ], l[SPM_NUM_BUFSZ], q[SPM_NUM_BUFSZ] = "-", a[SPM_NUM_BUFSZ] = "-",
	                                         p[SPM_NUM_BUFSZ] = "-";
	spm_money_format(b, sizeof b, r->bookings, 0);
	spm_money_format(l, sizeof l, r->largest, 0);
	if (r->has_quota) {
		spm_money_format(q, sizeof q, r->quota, 0);
		spm_rate_format(a, sizeof a, r->attainment, true);
	}
	if (r->has_payout)
		spm_money_format(p, sizeof p, r->payout, 0);
	snprintf(buf, size,
	         "%s %s n=%zu b=%s d=%zu l=%s q=%s a=%s act=%lld/%lld/%lld/%lld/%lld:%lld pay=%s",
	         r->id ? r->id : "-", r->team ? r->team : "-", r->reps, b, r->deals, l, q, a,
	         (long long)r->activity[0], (long long)r->activity[1], (long long)r->activity[2],
	         (long long)r->activity[3], (long long)r->activity[4], (long long)r->activities, p);
}

/* Reads the scorecard, which must succeed, into sc and its rows as text into `rows`. */
static void read_ok(spm_store *st, const spm_scorecard_query *q, spm_scorecard *sc)
{
	spm_error err;
	spm_error_clear(&err);
	if (spm_scorecard_read(st, q, sc, &err))
		fail_msg("scorecard: %s", err.message);
	assert_int_equal(err.code, SPM_OK);
	rows[0] = '\0';
	for (size_t i = 0; i < sc->n; i++) {
		char line[512];
		size_t n = strlen(rows);
		format_row(line, sizeof line, &sc->rows[i]);
		snprintf(rows + n, sizeof rows - n, "%s\n", line);
	}
}

/* Reads the scorecard and compares its rows' text; releases it. */
static void expect_rows(spm_store *st, const spm_scorecard_query *q, const char *want)
{
	spm_scorecard sc;
	read_ok(st, q, &sc);
	assert_string_equal(rows, want);
	spm_scorecard_free(&sc);
}

static const spm_scorecard_row *row_of(const spm_scorecard *sc, const char *id)
{
	for (size_t i = 0; i < sc->n; i++)
		if ((!id && !sc->rows[i].id) ||
		    (id && sc->rows[i].id && !strcmp(sc->rows[i].id, id)))
			return &sc->rows[i];
	fail_msg("no row '%s'", id ? id : "(company)");
	return NULL;
}

/* ---- the organisation ---------------------------------------------------------------------- */

/*
 * m0 manages m1 and m2; m1 manages the team east (a1, a2, a3, a4), m2 the team west (b1, b2).
 * a3 left at the end of 2025. Territories: WORLD > EU > DE, WORLD > US; the managers have none.
 * Base currency USD; EUR at 1.5 from 2026-01-01, at 2 from 2026-03-31 (the last day of Q1), at 3
 * from 2026-04-01.
 *
 * Won deals (the period is 2026-Q1 unless said):
 *   E1 a1 10,000 USD 01-20, a4's overlay of 50% (5,000)
 *   E2 a2 4,000 USD 02-10, split a2 75% (3,000) + a1 25% (1,000): both of team east
 *   E3 b1 2,000 EUR 03-05, at 1.5: 3,000 USD
 *   E4 a1 6,000 USD 03-20
 *   E6 m1 2,000 USD 03-10, the manager's own deal
 *   not counted: E5 lost; E7 a3's, 2025-12-15; E8 a1's, 2026-04-02; E9 open.
 * By rep: a1 10,000 + 1,000 + 6,000 = 17,000 (3 deals, largest 10,000); a2 3,000 (1 deal);
 * a4 5,000 as overlay only (0 deals, largest 0); b1 3,000 (1 deal); b2 nothing but active.
 * Quotas for Q1: a1 20,000 (85%), a2 12,000 (25%), b1 10,000 (30%); a4, b2 none.
 */
static const char reps_csv[] = "rep_id,name,manager_id,team,territory,hire_date,end_date\n"
                               "m0,Vera,,,,,\n"
                               "m1,Mia,m0,,,,\n"
                               "m2,Max,m0,,,,\n"
                               "a1,Ann,m1,east,DE,2020-01-01,\n"
                               "a2,Ari,m1,east,EU,,\n"
                               "a3,Abe,m1,east,DE,2021-01-01,2025-12-31\n"
                               "a4,Ada,m1,east,DE,,\n"
                               "b1,Bo,m2,west,US,,\n"
                               "b2,Bea,m2,west,US,2026-02-01,\n";

/*
 * Activities in Q1 (2026-01-01 to 03-31):
 *   a1: call 10 (01-05) + 5 (03-31), email 7 (02-01), meeting 2 (03-20), task 4 (01-10); outside:
 *       call 100 (2025-12-31), call 50 (2026-04-01). Calls 15, emails 7, meetings 2; all 28.
 *   a2: webinar 3, demo 1, other 6: all 10.
 *   b1: demo 2, call 1: all 3.
 *   m1: meeting 5 (the manager's own).
 *   a3: call 9 on 2025-11-01, before the period. a4, b2: none.
 *
 * Runs (stored as spm-commission stores them): run 1, an earlier run of 2026-Q1 (a1 5,000), no
 * longer current; run 2 of 2026-02 (a1 999); run 3, the current run of 2026-Q1: a1 1,000 - 200
 * (a clawback) = 800 USD; a2 300 EUR, at 2 on 03-31: 600 USD; b1 150 USD; m1 250 USD; a3 70 USD
 * (paid, though not listed as a rep); a4 and b2 none. Run 5 of 2026-04: a1 40 EUR, at 3 from
 * 04-01: 120 USD; a2 10 USD. Run 4 of 2026-Q3: a1 10 GBP, a currency without a rate.
 */
static int org_setup(void **state)
{
	spm_store *st = teststore_open("scorecard");
	teststore_load(st, SPM_KIND_TERRITORIES,
	               "territory_id,name,parent_id\n"
	               "WORLD,World,\nEU,Europe,WORLD\nDE,Germany,EU\nUS,America,WORLD\n");
	teststore_load(st, SPM_KIND_REPS, reps_csv);
	teststore_load(st, SPM_KIND_FX,
	               "currency,date,rate\nEUR,2026-01-01,1.5\nEUR,2026-03-31,2\n"
	               "EUR,2026-04-01,3\n");
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date,currency\n"
	               "E1,a1,10000,won,2026-01-20,USD\n"
	               "E2,a2,4000,won,2026-02-10,USD\n"
	               "E3,b1,2000,won,2026-03-05,EUR\n"
	               "E4,a1,6000,won,2026-03-20,USD\n"
	               "E5,a1,7000,lost,2026-03-01,USD\n"
	               "E6,m1,2000,won,2026-03-10,USD\n"
	               "E7,a3,9000,won,2025-12-15,USD\n"
	               "E8,a1,500,won,2026-04-02,USD\n"
	               "E9,a2,8000,open,2026-03-20,USD\n");
	teststore_load(st, SPM_KIND_CREDITS,
	               "deal_id,rep_id,share,kind\n"
	               "E1,a4,50%,overlay\nE2,a2,75%,revenue\nE2,a1,25%,revenue\n");
	teststore_load(st, SPM_KIND_QUOTAS,
	               "rep_id,team,territory,period,metric,amount\n"
	               "a1,,,2026-Q1,,20000\na2,,,2026-Q1,,12000\nb1,,,2026-Q1,,10000\n");
	teststore_load(st, SPM_KIND_ACTIVITIES,
	               "activity_id,rep_id,date,kind,count\n"
	               "x1,a1,2026-01-05,call,10\n"
	               "x2,a1,2026-03-31,call,5\n"
	               "x3,a1,2026-02-01,email,7\n"
	               "x4,a1,2026-03-20,meeting,2\n"
	               "x5,a1,2026-01-10,task,4\n"
	               "x6,a1,2025-12-31,call,100\n"
	               "x7,a1,2026-04-01,call,50\n"
	               "x8,a2,2026-02-02,webinar,3\n"
	               "x9,a2,2026-02-03,demo,1\n"
	               "x10,a2,2026-02-04,other,6\n"
	               "x11,b1,2026-01-15,demo,2\n"
	               "x12,b1,2026-03-01,call,1\n"
	               "x13,m1,2026-02-10,meeting,5\n"
	               "x14,a3,2025-11-01,call,9\n");
	/* amounts at the money scale of 4 places: 1,000 is 10,000,000 */
	exec(st, "INSERT INTO runs VALUES"
	         " (1, '2026-Q1', '2026-01-01', '2026-03-31', 'h1', '2026-04-01T06:00:00Z',"
	         "  '2026-04-01T06:00:01Z'),"
	         " (2, '2026-02', '2026-02-01', '2026-02-28', 'h2', '2026-03-01T06:00:00Z',"
	         "  '2026-03-01T06:00:01Z'),"
	         " (3, '2026-Q1', '2026-01-01', '2026-03-31', 'h3', '2026-04-02T06:00:00Z',"
	         "  '2026-04-02T06:00:01Z'),"
	         " (4, '2026-Q3', '2026-07-01', '2026-09-30', 'h4', '2026-10-01T06:00:00Z',"
	         "  '2026-10-01T06:00:01Z'),"
	         " (5, '2026-04', '2026-04-01', '2026-04-30', 'h5', '2026-05-01T06:00:00Z',"
	         "  '2026-05-01T06:00:01Z');"
	         "INSERT INTO payout_lines(line_id, run_id, rep_id, kind, amount, currency) VALUES"
	         " (1, 1, 'a1', 'commission', 50000000, 'USD'),"
	         " (2, 2, 'a1', 'commission', 9990000, 'USD'),"
	         " (3, 3, 'a1', 'commission', 10000000, 'USD'),"
	         " (4, 3, 'a1', 'clawback', -2000000, 'USD'),"
	         " (5, 3, 'a2', 'commission', 3000000, 'EUR'),"
	         " (6, 3, 'b1', 'commission', 1500000, 'USD'),"
	         " (7, 3, 'm1', 'override', 2500000, 'USD'),"
	         " (8, 3, 'a3', 'adjustment', 700000, 'USD'),"
	         " (9, 4, 'a1', 'commission', 100000, 'GBP'),"
	         " (10, 5, 'a1', 'commission', 400000, 'EUR'),"
	         " (11, 5, 'a2', 'commission', 100000, 'USD');");
	*state = st;
	return 0;
}

/* ---- rep level ------------------------------------------------------------------------------ */

/*
 * Q1 at rep level, figures as worked out above. Listed: the active individual contributors a1,
 * a2, a4, b1 and b2 (b2 joined on 02-01, inside the period: zeros); not a3, gone before the
 * period; not the managers. Attainment: 17,000 / 20,000 = 85%, 3,000 / 12,000 = 25%,
 * 3,000 / 10,000 = 30%. Without query.activities or payouts those stay zero and unpaid.
 */
static void test_rep_level(void **state)
{
	spm_scorecard_query q = {.period = P("2026-Q1")};
	spm_scorecard sc;
	read_ok(*state, &q, &sc);
	assert_string_equal(rows,
	                    "a1 east n=1 b=17000 d=3 l=10000 q=20000 a=85% act=0/0/0/0/0:0 pay=-\n"
	                    "a2 east n=1 b=3000 d=1 l=3000 q=12000 a=25% act=0/0/0/0/0:0 pay=-\n"
	                    "a4 east n=1 b=5000 d=0 l=0 q=- a=- act=0/0/0/0/0:0 pay=-\n"
	                    "b1 west n=1 b=3000 d=1 l=3000 q=10000 a=30% act=0/0/0/0/0:0 pay=-\n"
	                    "b2 west n=1 b=0 d=0 l=0 q=- a=- act=0/0/0/0/0:0 pay=-\n");
	assert_string_equal(sc.currency, "USD");
	assert_false(sc.has_run);
	/* names are copied too; the row's own strings, not the org's */
	assert_string_equal(row_of(&sc, "a1")->name, "Ann");
	assert_string_equal(row_of(&sc, "b2")->name, "Bea");
	assert_int_equal(row_of(&sc, "a1")->attainment.units, rate("85%").units);
	spm_scorecard_free(&sc);
	assert_null(sc.rows);
	assert_int_equal(sc.n, 0);
}

/*
 * as_of 2026-03-15 cuts the period: E4 (03-20) is not counted yet, so a1 has 11,000 in 2 deals,
 * 55% of 20,000; a1's activities to 03-15 are the call of 10, the email of 7 and the task of 4
 * (21): the meeting of 03-20 and the call of 03-31 come later. An as_of after the period's end
 * is the period's end (E8 of 04-02 still out), as is 0.
 */
static void test_as_of(void **state)
{
	spm_scorecard_query q = {
	    .period = P("2026-Q1"), .as_of = D("2026-03-15"), .rep = "a1", .activities = true};
	expect_rows(*state, &q,
	            "a1 east n=1 b=11000 d=2 l=10000 q=20000 a=55% act=10/7/0/0/0:21 pay=-\n");
	q.as_of = D("2026-12-31");
	expect_rows(*state, &q,
	            "a1 east n=1 b=17000 d=3 l=10000 q=20000 a=85% act=15/7/2/0/0:28 pay=-\n");
	q.as_of = (spm_date){0};
	expect_rows(*state, &q,
	            "a1 east n=1 b=17000 d=3 l=10000 q=20000 a=85% act=15/7/2/0/0:28 pay=-\n");
	/* the period's last day itself counts E4 and the call of 03-31 */
	q.as_of = D("2026-03-31");
	expect_rows(*state, &q,
	            "a1 east n=1 b=17000 d=3 l=10000 q=20000 a=85% act=15/7/2/0/0:28 pay=-\n");
}

/*
 * Activities per kind (call, email, meeting, webinar, demo) and every kind with task and other:
 * a1 15/7/2/0/0, all 28 (the task of 4 only in the total; 100 and 50 outside the period); a2
 * 0/0/0/3/1, all 10 (other 6); b1 1/0/0/0/2, all 3; a4 and b2 none. m1's meeting is not on a rep
 * row (m1 is a manager).
 */
static void test_activities(void **state)
{
	spm_scorecard_query q = {.period = P("2026-Q1"), .activities = true};
	expect_rows(*state, &q,
	            "a1 east n=1 b=17000 d=3 l=10000 q=20000 a=85% act=15/7/2/0/0:28 pay=-\n"
	            "a2 east n=1 b=3000 d=1 l=3000 q=12000 a=25% act=0/0/0/3/1:10 pay=-\n"
	            "a4 east n=1 b=5000 d=0 l=0 q=- a=- act=0/0/0/0/0:0 pay=-\n"
	            "b1 west n=1 b=3000 d=1 l=3000 q=10000 a=30% act=1/0/0/0/2:3 pay=-\n"
	            "b2 west n=1 b=0 d=0 l=0 q=- a=- act=0/0/0/0/0:0 pay=-\n");
	/* April: a1's call of 50 on 04-01 and the deal E8 of 500; nothing else */
	q.rep = "a1";
	q.period = P("2026-04");
	expect_rows(*state, &q, "a1 east n=1 b=500 d=1 l=500 q=- a=- act=50/0/0/0/0:50 pay=-\n");
}

/*
 * Q1 is paid by its current run, run 3 (run 1 is older; February's run 2 lies within Q1 but
 * overlaps it, so it is left out): a1 1,000 - 200 = 800, not 1,799; a2 300 EUR at 2 (the rate
 * from 03-31, the period's last day; not 1.5 of the deal dates nor 3 of April): 600; b1 150; a4
 * and b2 unpaid. a3's 70 and m1's 250 have no rep row.
 */
static void test_payouts(void **state)
{
	spm_scorecard_query q = {.period = P("2026-Q1"), .payouts = true};
	spm_scorecard sc;
	read_ok(*state, &q, &sc);
	assert_true(sc.has_run);
	assert_string_equal(
	    rows, "a1 east n=1 b=17000 d=3 l=10000 q=20000 a=85% act=0/0/0/0/0:0 pay=800\n"
	          "a2 east n=1 b=3000 d=1 l=3000 q=12000 a=25% act=0/0/0/0/0:0 pay=600\n"
	          "a4 east n=1 b=5000 d=0 l=0 q=- a=- act=0/0/0/0/0:0 pay=-\n"
	          "b1 west n=1 b=3000 d=1 l=3000 q=10000 a=30% act=0/0/0/0/0:0 pay=150\n"
	          "b2 west n=1 b=0 d=0 l=0 q=- a=- act=0/0/0/0/0:0 pay=-\n");
	assert_false(row_of(&sc, "a4")->has_payout);
	assert_int_equal(row_of(&sc, "a4")->payout.units, 0);
	spm_scorecard_free(&sc);

	/*
	 * as_of 03-15 cuts the bookings, not the run: a2's 300 EUR is still converted on 03-31, the
	 * last day of the period run 3 pays (600, not 450 at the rate of 03-15)
	 */
	q.as_of = D("2026-03-15");
	q.rep = "a2";
	expect_rows(*state, &q,
	            "a2 east n=1 b=3000 d=1 l=3000 q=12000 a=25% act=0/0/0/0/0:0 pay=600\n");
	q.as_of = (spm_date){0};

	/* February has a run of its own (run 2): a1's 999; the others unpaid */
	q.period = P("2026-02");
	q.rep = "a1";
	read_ok(*state, &q, &sc);
	assert_true(sc.has_run);
	assert_int_equal(sc.n, 1);
	assert_true(sc.rows[0].has_payout);
	assert_int_equal(sc.rows[0].payout.units, 9990000);
	spm_scorecard_free(&sc);

	/* March has no run: no error, has_run false, nobody paid */
	q.period = P("2026-03");
	q.rep = NULL;
	read_ok(*state, &q, &sc);
	assert_false(sc.has_run);
	assert_int_equal(sc.n, 5);
	for (size_t i = 0; i < sc.n; i++) {
		assert_false(sc.rows[i].has_payout);
		assert_int_equal(sc.rows[i].payout.units, 0);
	}
	spm_scorecard_free(&sc);

	/* January lies within Q1, whose run is longer: no run pays January alone */
	q.period = P("2026-01");
	read_ok(*state, &q, &sc);
	assert_false(sc.has_run);
	spm_scorecard_free(&sc);

	/* Q1 without query.payouts: the run is not read */
	q.period = P("2026-Q1");
	q.payouts = false;
	read_ok(*state, &q, &sc);
	assert_false(sc.has_run);
	for (size_t i = 0; i < sc.n; i++)
		assert_false(sc.rows[i].has_payout);
	spm_scorecard_free(&sc);
}

/*
 * H1 has no run of its own: it is paid by the runs of the periods within it, the longest first,
 * each overlapping one left out: Q1's run 3 and April's run 5 (February's run 2 overlaps Q1).
 * Each converts at the last day of the period it pays: a1 800 + 40 EUR at 3 (04-30) = 920; a2 300
 * EUR at 2 (03-31, not 06-30) = 600, + 10 = 610; b1 150; the company 1,870 + 120 + 10 = 2,000.
 */
static void test_runs_within(void **state)
{
	spm_scorecard_query q = {.period = P("2026-H1"), .payouts = true, .rep = "a1"};
	spm_scorecard sc;
	expect_rows(*state, &q,
	            "a1 east n=1 b=17500 d=4 l=10000 q=- a=- act=0/0/0/0/0:0 pay=920\n");
	q.rep = "a2";
	expect_rows(*state, &q, "a2 east n=1 b=3000 d=1 l=3000 q=- a=- act=0/0/0/0/0:0 pay=610\n");
	q.rep = NULL;
	q.level = SPM_LEVEL_COMPANY;
	read_ok(*state, &q, &sc);
	assert_true(sc.has_run);
	assert_money_text(sc.rows[0].payout, "2000");
	spm_scorecard_free(&sc);
}

/*
 * The report in EUR: a payout in USD is divided by the rate of 03-31, 2: a1's 800 is 400; a2's
 * 300 EUR stays 300; b1's 150 is 75. Bookings convert on each credit's date: b1's 2,000 EUR
 * stays 2,000; a2's 3,000 USD of 02-10 at 1.5 is 2,000. A quota stored without a currency is in
 * the report's (as spm_attainment takes it): a2's 12,000 EUR, 2,000 / 12,000 = 16.6666666666%,
 * rounded down at 10 places.
 */
static void test_report_currency(void **state)
{
	spm_scorecard_query q = {.period = P("2026-Q1"), .currency = "EUR", .payouts = true};
	spm_scorecard sc;
	read_ok(*state, &q, &sc);
	assert_string_equal(sc.currency, "EUR");
	assert_money_text(row_of(&sc, "a1")->payout, "400");
	assert_money_text(row_of(&sc, "a2")->payout, "300");
	assert_money_text(row_of(&sc, "b1")->payout, "75");
	assert_money_text(row_of(&sc, "b1")->bookings, "2000");
	assert_money_text(row_of(&sc, "a2")->bookings, "2000");
	assert_money_text(row_of(&sc, "a2")->quota, "12000");
	assert_percent_text(row_of(&sc, "a2")->attainment, "16.66666666%");
	spm_scorecard_free(&sc);
}

/* ---- group levels ------------------------------------------------------------------------- */

/*
 * Teams. east: owner and split lines of a1, a2, a3, a4: 17,000 + 3,000 = 20,000 (E2 once as
 * 1,000 + 3,000; a4's overlay not counted); deals are its reps' lines, 3 + 1 = 4 (E2 twice, as
 * spm_attainment counts them); largest 10,000; reps a1, a2, a4 active (3); quota the ICs' sum
 * 20,000 + 12,000 = 32,000: 62.5%. Activities a1 + a2: calls 15, emails 7, meetings 2,
 * webinars 3, demos 1, all 38. Payout a1 800 + a2 600 + a3 70 = 1,470.
 * west: b1's 3,000, 1 deal, reps b1 and b2 (2), quota 10,000: 30%; activities 1/0/0/0/2:3;
 * payout 150.
 */
static void test_team_level(void **state)
{
	spm_scorecard_query q = {
	    .level = SPM_LEVEL_TEAM, .period = P("2026-Q1"), .activities = true, .payouts = true};
	spm_scorecard sc;
	read_ok(*state, &q, &sc);
	assert_true(sc.has_run);
	assert_string_equal(
	    rows, "east - n=3 b=20000 d=4 l=10000 q=32000 a=62.5% act=15/7/2/3/1:38 pay=1470\n"
	          "west - n=2 b=3000 d=1 l=3000 q=10000 a=30% act=1/0/0/0/2:3 pay=150\n");
	assert_null(sc.rows[0].team); /* a group has no team of its own */
	assert_null(sc.rows[0].name);
	spm_scorecard_free(&sc);
	/* the filter west chooses the row; without activities they stay zero */
	q.team = "west";
	q.activities = false;
	expect_rows(*state, &q,
	            "west - n=2 b=3000 d=1 l=3000 q=10000 a=30% act=0/0/0/0/0:0 pay=150\n");
	/* February's run pays a1 alone: east 999, west unpaid though the period has a run */
	q.team = NULL;
	q.period = P("2026-02");
	read_ok(*state, &q, &sc);
	assert_true(sc.has_run);
	assert_true(row_of(&sc, "east")->has_payout);
	assert_money_text(row_of(&sc, "east")->payout, "999");
	assert_false(row_of(&sc, "west")->has_payout);
	spm_scorecard_free(&sc);
}

/*
 * Managers: a manager's group is the manager and everyone below.
 * m1: m1's own E6 2,000 + east's 20,000 = 22,000; deals 1 + 4 = 5; reps a1, a2, a4 (3); quota
 *     32,000: 22,000 / 32,000 = 68.75%; activities east's + m1's meeting of 5: 15/7/7/3/1:43;
 *     payout 1,470 + 250 = 1,720.
 * m2: west: 3,000, 1 deal, 2 reps, 30%, 1/0/0/0/2:3, 150.
 * m0: everyone: 22,000 + 3,000 = 25,000; deals 6; reps 5; quota 42,000: 59.5238095238%, rounded
 *     down at 10 places (25/42 = 0.595238095238...); activities 16/7/7/3/3:46; payout 1,870.
 */
static void test_manager_level(void **state)
{
	spm_scorecard_query q = {.level = SPM_LEVEL_MANAGER,
	                         .period = P("2026-Q1"),
	                         .activities = true,
	                         .payouts = true};
	expect_rows(*state, &q,
	            "m0 - n=5 b=25000 d=6 l=10000 q=42000 a=59.52380952% act=16/7/7/3/3:46 "
	            "pay=1870\n"
	            "m1 - n=3 b=22000 d=5 l=10000 q=32000 a=68.75% act=15/7/7/3/1:43 pay=1720\n"
	            "m2 - n=2 b=3000 d=1 l=3000 q=10000 a=30% act=1/0/0/0/2:3 pay=150\n");
	/* the filter rep b1 chooses the groups holding b1: m0 and m2, whole */
	q.rep = "b1";
	expect_rows(*state, &q,
	            "m0 - n=5 b=25000 d=6 l=10000 q=42000 a=59.52380952% act=16/7/7/3/3:46 "
	            "pay=1870\n"
	            "m2 - n=2 b=3000 d=1 l=3000 q=10000 a=30% act=1/0/0/0/2:3 pay=150\n");
}

/*
 * Territories hold the reps of their own and the ones below; the managers have none.
 * DE: a1, a3, a4: 17,000; 3 deals; reps a1, a4 (2); quota a1's 20,000: 85%; a1's activities;
 *     payout 800 + 70 = 870.
 * EU: DE and a2: 20,000; 4 deals; 3 reps; 32,000: 62.5%; 15/7/2/3/1:38; 1,470.
 * US: west's figures.
 * WORLD: EU and US: 23,000; 5 deals; 5 reps; 42,000: 54.7619047619% (23/42 = 0.547619047619...,
 *     down); 16/7/2/3/3:41 (not m1's meeting); 1,620 (not m1's 250).
 * The filter territory US chooses US and WORLD above it; WORLD's figures stay whole (filters
 * choose rows, never change a figure), its activities and payout as much as its bookings.
 */
static void test_territory_level(void **state)
{
	spm_scorecard_query q = {.level = SPM_LEVEL_TERRITORY,
	                         .period = P("2026-Q1"),
	                         .activities = true,
	                         .payouts = true};
	spm_scorecard sc;
	read_ok(*state, &q, &sc);
	assert_string_equal(
	    rows, "DE - n=2 b=17000 d=3 l=10000 q=20000 a=85% act=15/7/2/0/0:28 pay=870\n"
	          "EU - n=3 b=20000 d=4 l=10000 q=32000 a=62.5% act=15/7/2/3/1:38 pay=1470\n"
	          "US - n=2 b=3000 d=1 l=3000 q=10000 a=30% act=1/0/0/0/2:3 pay=150\n"
	          "WORLD - n=5 b=23000 d=5 l=10000 q=42000 a=54.76190476% act=16/7/2/3/3:41 "
	          "pay=1620\n");
	assert_string_equal(row_of(&sc, "DE")->name, "Germany");
	spm_scorecard_free(&sc);
	q.territory = "US";
	expect_rows(*state, &q,
	            "US - n=2 b=3000 d=1 l=3000 q=10000 a=30% act=1/0/0/0/2:3 pay=150\n"
	            "WORLD - n=5 b=23000 d=5 l=10000 q=42000 a=54.76190476% act=16/7/2/3/3:41 "
	            "pay=1620\n");
	/* the team west lies in US and WORLD too */
	q.territory = NULL;
	q.team = "west";
	expect_rows(*state, &q,
	            "US - n=2 b=3000 d=1 l=3000 q=10000 a=30% act=1/0/0/0/2:3 pay=150\n"
	            "WORLD - n=5 b=23000 d=5 l=10000 q=42000 a=54.76190476% act=16/7/2/3/3:41 "
	            "pay=1620\n");
}

/*
 * The company: one row, id NULL: m0's figures (every rep is below m0): 25,000, 6 deals, 5 active
 * ICs, 42,000, all activities 16/7/7/3/3:46, every line of run 3: 1,870.
 */
/* Rows found by id, by binary search over the rows in id order; the company's by NULL. */
static void test_find(void **state)
{
	spm_scorecard_query q = {.period = P("2026-Q1")};
	spm_scorecard sc;
	read_ok(*state, &q, &sc);
	for (size_t i = 0; i < sc.n; i++)
		assert_ptr_equal(spm_scorecard_find(&sc, sc.rows[i].id), &sc.rows[i]);
	assert_null(spm_scorecard_find(&sc, "a3"));  /* between a2 and a4: not listed */
	assert_null(spm_scorecard_find(&sc, "zz"));  /* after the last */
	assert_null(spm_scorecard_find(&sc, ""));    /* before the first */
	assert_null(spm_scorecard_find(&sc, NULL));  /* reps have no company row */
	spm_scorecard_free(&sc);
	q.level = SPM_LEVEL_COMPANY;
	read_ok(*state, &q, &sc);
	assert_ptr_equal(spm_scorecard_find(&sc, NULL), &sc.rows[0]);
	assert_null(spm_scorecard_find(&sc, "a1"));
	spm_scorecard_free(&sc);
	spm_scorecard empty = {0};
	assert_null(spm_scorecard_find(&empty, NULL));
	assert_null(spm_scorecard_find(&empty, "a1"));
}

static void test_units(void **state)
{
	(void)state;
	assert_int_equal(spm_stat_unit_of(SPM_STAT_BOOKINGS), SPM_UNIT_MONEY);
	assert_int_equal(spm_stat_unit_of(SPM_STAT_PAYOUT), SPM_UNIT_MONEY);
	assert_int_equal(spm_stat_unit_of(SPM_STAT_LARGEST), SPM_UNIT_MONEY);
	assert_int_equal(spm_stat_unit_of(SPM_STAT_ATTAINMENT), SPM_UNIT_RATE);
	for (int m = SPM_STAT_DEALS; m < SPM_STAT_COUNT; m++)
		if (m != SPM_STAT_ATTAINMENT && m != SPM_STAT_PAYOUT && m != SPM_STAT_LARGEST)
			assert_int_equal(spm_stat_unit_of((spm_stat)m), SPM_UNIT_COUNT);
}

static void test_company_level(void **state)
{
	spm_scorecard_query q = {.level = SPM_LEVEL_COMPANY,
	                         .period = P("2026-Q1"),
	                         .activities = true,
	                         .payouts = true};
	spm_scorecard sc;
	read_ok(*state, &q, &sc);
	assert_int_equal(sc.n, 1);
	assert_null(sc.rows[0].id);
	assert_null(sc.rows[0].name);
	assert_null(sc.rows[0].team);
	assert_true(sc.has_run);
	assert_string_equal(rows, "- - n=5 b=25000 d=6 l=10000 q=42000 a=59.52380952% "
	                          "act=16/7/7/3/3:46 pay=1870\n");
	spm_scorecard_free(&sc);
	/* in February the company is paid run 2's 999 alone */
	q.period = P("2026-02");
	read_ok(*state, &q, &sc);
	assert_int_equal(sc.n, 1);
	assert_true(sc.rows[0].has_payout);
	assert_money_text(sc.rows[0].payout, "999");
	/* February's activities: a1's email, a2's webinar, demo and other, m1's meeting: 0/7/5/3/1
	 */
	assert_int_equal(sc.rows[0].activity[1], 7);
	assert_int_equal(sc.rows[0].activity[2], 5);
	assert_int_equal(sc.rows[0].activities, 7 + 5 + 3 + 1 + 6);
	spm_scorecard_free(&sc);
	/* March has no run: the company row unpaid, has_run false */
	q.period = P("2026-03");
	read_ok(*state, &q, &sc);
	assert_false(sc.has_run);
	assert_false(sc.rows[0].has_payout);
	spm_scorecard_free(&sc);
}

/* ---- filters and errors ------------------------------------------------------------------- */

static void test_filters(void **state)
{
	spm_scorecard_query q = {.period = P("2026-Q1"), .team = "east", .activities = true};
	/* the team east's listed reps: a1, a2, a4 (a3 gone) */
	expect_rows(*state, &q,
	            "a1 east n=1 b=17000 d=3 l=10000 q=20000 a=85% act=15/7/2/0/0:28 pay=-\n"
	            "a2 east n=1 b=3000 d=1 l=3000 q=12000 a=25% act=0/0/0/3/1:10 pay=-\n"
	            "a4 east n=1 b=5000 d=0 l=0 q=- a=- act=0/0/0/0/0:0 pay=-\n");
	/* the territory EU: its own a2 and DE's a1, a4 */
	q.team = NULL;
	q.territory = "EU";
	expect_rows(*state, &q,
	            "a1 east n=1 b=17000 d=3 l=10000 q=20000 a=85% act=15/7/2/0/0:28 pay=-\n"
	            "a2 east n=1 b=3000 d=1 l=3000 q=12000 a=25% act=0/0/0/3/1:10 pay=-\n"
	            "a4 east n=1 b=5000 d=0 l=0 q=- a=- act=0/0/0/0/0:0 pay=-\n");
	q.territory = "US";
	expect_rows(*state, &q,
	            "b1 west n=1 b=3000 d=1 l=3000 q=10000 a=30% act=1/0/0/0/2:3 pay=-\n"
	            "b2 west n=1 b=0 d=0 l=0 q=- a=- act=0/0/0/0/0:0 pay=-\n");
	/* the team and the territory together: east in US is nobody */
	q.team = "east";
	expect_rows(*state, &q, "");
	q.team = NULL;
	q.territory = NULL;
	q.rep = "a2";
	q.payouts = true;
	expect_rows(*state, &q,
	            "a2 east n=1 b=3000 d=1 l=3000 q=12000 a=25% act=0/0/0/3/1:10 pay=600\n");
	/* a3 left before the period: a known rep, but no row (and its 70 goes nowhere) */
	q.rep = "a3";
	spm_scorecard sc;
	read_ok(*state, &q, &sc);
	assert_int_equal(sc.n, 0);
	assert_true(sc.has_run);
	spm_scorecard_free(&sc);
	/* in 2025-Q4 a3 was there: E7's 9,000 and the call of 9 */
	q.period = P("2025-Q4");
	q.payouts = false;
	expect_rows(*state, &q, "a3 east n=1 b=9000 d=1 l=9000 q=- a=- act=9/0/0/0/0:9 pay=-\n");
}

static void expect_refused(spm_store *st, const spm_scorecard_query *q, int code,
                           const char *message)
{
	spm_scorecard sc;
	spm_error err;
	memset(&sc, 0x5a, sizeof sc); /* what the call leaves must not be this */
	spm_error_clear(&err);
	assert_int_equal(spm_scorecard_read(st, q, &sc, &err), code);
	assert_int_equal(err.code, code);
	if (message)
		assert_string_equal(err.message, message);
	/* *out is empty, and releasing it again is harmless */
	assert_null(sc.rows);
	assert_int_equal(sc.n, 0);
	assert_false(sc.has_run);
	spm_scorecard_free(&sc);
}

static void test_refusals(void **state)
{
	spm_scorecard_query q = {.period = P("2026-Q1"), .team = "nowhere"};
	expect_refused(*state, &q, SPM_EDATA, "no team 'nowhere' in the store");
	q.level = SPM_LEVEL_TEAM;
	expect_refused(*state, &q, SPM_EDATA, "no team 'nowhere' in the store");
	q.team = NULL;
	q.territory = "ASIA";
	expect_refused(*state, &q, SPM_EDATA, "no territory 'ASIA' in the store");
	q.territory = NULL;
	q.rep = "zz";
	q.level = SPM_LEVEL_REP;
	expect_refused(*state, &q, SPM_EDATA, "no rep 'zz' in the store");
	/* as_of before the period's first day */
	q.rep = NULL;
	q.as_of = D("2025-12-31");
	expect_refused(*state, &q, SPM_EUSAGE, NULL);
	/* a report currency without a rate: the first conversion fails */
	q.as_of = (spm_date){0};
	q.currency = "JPY";
	expect_refused(*state, &q, SPM_EDATA, NULL);
	/*
	 * Q3's run pays a1 10 GBP and the store has no GBP rate: converted on 09-30, the period's
	 * last day, it fails, after the rows were made: they are released. So does the year, which
	 * Q3's run pays too.
	 */
	q.currency = NULL;
	q.period = P("2026-Q3");
	q.payouts = true;
	expect_refused(*state, &q, SPM_EDATA,
	               "no exchange rate for GBP on or before 2026-09-30 (base USD)");
	q.period = P("2026");
	expect_refused(*state, &q, SPM_EDATA,
	               "no exchange rate for GBP on or before 2026-09-30 (base USD)");
	/* without payouts Q3 reads */
	q.period = P("2026-Q3");
	q.payouts = false;
	spm_scorecard sc;
	read_ok(*state, &q, &sc);
	assert_true(sc.n > 0);
	spm_scorecard_free(&sc);
}

/* ---- names and keys ------------------------------------------------------------------------ */

static void test_stat_names(void **state)
{
	(void)state;
	static const char *const names[SPM_STAT_COUNT] = {
	    "bookings", "deals",  "attainment", "payout",   "largest", "activities",
	    "calls",    "emails", "meetings",   "webinars", "demos"};
	for (int m = 0; m < SPM_STAT_COUNT; m++) {
		assert_string_equal(spm_stat_name((spm_stat)m), names[m]);
		assert_int_equal(spm_stat_parse(spm_stat_name((spm_stat)m)), m);
	}
	assert_string_equal(spm_stat_name(SPM_STAT_COUNT), "?");
	assert_string_equal(spm_stat_name((spm_stat)-1), "?");
	assert_string_equal(spm_stat_name((spm_stat)1000), "?");
	assert_int_equal(spm_stat_parse("Bookings"), -1); /* names are exact */
	assert_int_equal(spm_stat_parse("booking"), -1);
	assert_int_equal(spm_stat_parse("bookings "), -1);
	assert_int_equal(spm_stat_parse(""), -1);
	assert_int_equal(spm_stat_parse("?"), -1);
	assert_int_equal(spm_stat_parse("task"), -1);
	assert_int_equal(spm_stat_parse(NULL), -1);
}

/* Every measure of one row, each with a value of its own so a mix-up shows. */
static void test_keys(void **state)
{
	(void)state;
	spm_scorecard_row r = {
	    .bookings = {11},
	    .deals = 12,
	    .largest = {13},
	    .has_quota = true,
	    .quota = {14},
	    .attainment = {15},
	    .activity = {21, 22, 23, 24, 25},
	    .activities = 26,
	    .has_payout = true,
	    .payout = {-27}, /* a clawback can make a payout negative */
	};
	static const int64_t want[SPM_STAT_COUNT] = {11, 12, 15, -27, 13, 26, 21, 22, 23, 24, 25};
	for (int m = 0; m < SPM_STAT_COUNT; m++) {
		bool has = false;
		assert_int_equal(spm_scorecard_key(&r, (spm_stat)m, &has), want[m]);
		assert_true(has);
	}
	/* no quota: attainment has none; no run's line: payout has none; the rest still have */
	r.has_quota = false;
	r.has_payout = false;
	for (int m = 0; m < SPM_STAT_COUNT; m++) {
		bool has = true;
		(void)spm_scorecard_key(&r, (spm_stat)m, &has);
		assert_int_equal(has, m != SPM_STAT_ATTAINMENT && m != SPM_STAT_PAYOUT);
	}
	/* a value that is no measure */
	bool has = true;
	assert_int_equal(spm_scorecard_key(&r, SPM_STAT_COUNT, &has), 0);
	assert_false(has);
	has = true;
	assert_int_equal(spm_scorecard_key(&r, (spm_stat)-1, &has), 0);
	assert_false(has);
}

/* Keys of rows read from the store: a4 has no quota, b2 no payout in Q1's run. */
static void test_keys_of_read_rows(void **state)
{
	spm_scorecard_query q = {.period = P("2026-Q1"), .activities = true, .payouts = true};
	spm_scorecard sc;
	bool has;
	read_ok(*state, &q, &sc);
	const spm_scorecard_row *a1 = row_of(&sc, "a1"), *a4 = row_of(&sc, "a4"),
	                        *b2 = row_of(&sc, "b2");
	assert_int_equal(spm_scorecard_key(a1, SPM_STAT_BOOKINGS, &has), money("17000").units);
	assert_true(has);
	assert_int_equal(spm_scorecard_key(a1, SPM_STAT_ATTAINMENT, &has), rate("85%").units);
	assert_true(has);
	assert_int_equal(spm_scorecard_key(a1, SPM_STAT_PAYOUT, &has), money("800").units);
	assert_true(has);
	assert_int_equal(spm_scorecard_key(a1, SPM_STAT_CALLS, &has), 15);
	assert_int_equal(spm_scorecard_key(a1, SPM_STAT_ACTIVITIES, &has), 28);
	(void)spm_scorecard_key(a4, SPM_STAT_ATTAINMENT, &has);
	assert_false(has);
	assert_int_equal(spm_scorecard_key(a4, SPM_STAT_BOOKINGS, &has), money("5000").units);
	assert_true(has);
	(void)spm_scorecard_key(b2, SPM_STAT_PAYOUT, &has);
	assert_false(has);
	assert_int_equal(spm_scorecard_key(b2, SPM_STAT_DEALS, &has), 0);
	assert_true(has); /* zero deals is a value */
	spm_scorecard_free(&sc);
}

static void test_free_empty(void **state)
{
	(void)state;
	spm_scorecard empty = {0};
	spm_scorecard_free(&empty);
	spm_scorecard_free(&empty); /* twice: it is left empty */
	assert_null(empty.rows);
	spm_scorecard_free(NULL);
}

/* ---- sums out of range ------------------------------------------------------------------- */

/*
 * r1 and r2 of team t, each within 64 bits, add beyond it: a team's activities and payouts, and a
 * rep's payout of two lines.
 */
static int big_setup(void **state)
{
	spm_store *st = teststore_open("scorecard-big");
	teststore_load(st, SPM_KIND_REPS, "rep_id,team\nr1,t\nr2,t\nr3,u\n");
	exec(st, "INSERT INTO activities(activity_id, rep_id, date, kind, count) VALUES"
	         " ('b1', 'r1', '2026-01-10', 'call', 5000000000000000000),"
	         " ('b2', 'r2', '2026-01-10', 'call', 5000000000000000000);"
	         "INSERT INTO runs VALUES (1, '2026-01', '2026-01-01', '2026-01-31', 'h',"
	         " '2026-02-01T06:00:00Z', '2026-02-01T06:00:01Z');"
	         "INSERT INTO payout_lines(line_id, run_id, rep_id, kind, amount, currency) VALUES"
	         " (1, 1, 'r1', 'commission', 5000000000000000000, 'USD'),"
	         " (2, 1, 'r2', 'commission', 5000000000000000000, 'USD'),"
	         " (3, 1, 'r3', 'commission', 5000000000000000000, 'USD'),"
	         " (4, 1, 'r3', 'bonus', 5000000000000000000, 'USD');");
	*state = st;
	return 0;
}

static void test_out_of_range(void **state)
{
	spm_scorecard_query q = {.period = P("2026-01"), .team = "t", .activities = true};
	spm_scorecard sc;
	/* each rep alone fits */
	read_ok(*state, &q, &sc);
	assert_int_equal(sc.n, 2);
	assert_int_equal(sc.rows[0].activities, INT64_C(5000000000000000000));
	assert_int_equal(sc.rows[1].activity[0], INT64_C(5000000000000000000));
	spm_scorecard_free(&sc);
	/* the team's sum does not */
	q.level = SPM_LEVEL_TEAM;
	expect_refused(*state, &q, SPM_ERANGE, "activities out of range");
	/* r3's two lines do not add up either */
	q.level = SPM_LEVEL_REP;
	q.team = NULL;
	q.rep = "r3";
	q.activities = false;
	q.payouts = true;
	expect_refused(*state, &q, SPM_ERANGE, "'r3': payout out of range");
	/* nor r1's and r2's in the company's row */
	q.rep = NULL;
	q.level = SPM_LEVEL_COMPANY;
	q.team = "t";
	expect_refused(*state, &q, SPM_ERANGE, "'company': payout out of range");
}

/*
 * A chain of 65 managers above one rep: at manager level the rep's activities and payout add to
 * each of the 65 manager rows, as spm_attainment adds the bookings; no limit on the chain.
 */
static int chain_setup(void **state)
{
	spm_store *st = teststore_open("pending-scorecard-chain");
	char csv[8192] = "rep_id,manager_id\nm00,\n";
	for (int i = 1; i < 65; i++) {
		size_t n = strlen(csv);
		snprintf(csv + n, sizeof csv - n, "m%02d,m%02d\n", i, i - 1);
	}
	size_t n = strlen(csv);
	snprintf(csv + n, sizeof csv - n, "ic,m64\n");
	teststore_load(st, SPM_KIND_REPS, csv);
	teststore_load(st, SPM_KIND_ACTIVITIES, "rep_id,date,kind,count\nic,2026-01-05,call,3\n");
	*state = st;
	return 0;
}

static void test_deep_manager_chain(void **state)
{
	spm_scorecard_query q = {.level = SPM_LEVEL_MANAGER, .period = P("2026-Q1")};
	spm_scorecard sc;
	spm_error err;
	if (spm_scorecard_read(*state, &q, &sc, &err))
		fail_msg("scorecard without activities: %s", err.message);
	assert_int_equal(sc.n, 65);
	spm_scorecard_free(&sc);
	q.activities = true;
	if (spm_scorecard_read(*state, &q, &sc, &err))
		fail_msg("scorecard: %s", err.message);
	assert_int_equal(sc.n, 65);
	for (size_t i = 0; i < sc.n; i++)
		assert_int_equal(sc.rows[i].activity[0], 3);
	spm_scorecard_free(&sc);
}

int main(void)
{
	const struct CMUnitTest plain[] = {
	    cmocka_unit_test(test_stat_names),
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_units),
	    cmocka_unit_test(test_free_empty),
	};
	const struct CMUnitTest store[] = {
	    cmocka_unit_test(test_rep_level),         cmocka_unit_test(test_as_of),
	    cmocka_unit_test(test_activities),        cmocka_unit_test(test_payouts),
	    cmocka_unit_test(test_runs_within),       cmocka_unit_test(test_report_currency),
	    cmocka_unit_test(test_team_level),        cmocka_unit_test(test_manager_level),
	    cmocka_unit_test(test_territory_level),   cmocka_unit_test(test_company_level),
	    cmocka_unit_test(test_filters),           cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_keys_of_read_rows), cmocka_unit_test(test_find),
	};
	const struct CMUnitTest big[] = {
	    cmocka_unit_test(test_out_of_range),
	};
	const struct CMUnitTest chain[] = {
	    cmocka_unit_test(test_deep_manager_chain),
	};
	int failed = cmocka_run_group_tests_name("scorecard", plain, NULL, NULL);
	failed +=
	    cmocka_run_group_tests_name("scorecard store", store, org_setup, teststore_teardown);
	failed += cmocka_run_group_tests_name("scorecard sums", big, big_setup, teststore_teardown);
	failed += cmocka_run_group_tests_name("scorecard chain", chain, chain_setup,
	                                      teststore_teardown);
	return failed;
}
