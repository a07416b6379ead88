/*
 * Unit tests of the forecast pipeline: categories and their cumulative roll-ups, the weighted
 * pipeline, overdue deals, the run-rate, splits, currencies, calls, levels and filters, periods to
 * come and past; snapshots and their accuracy; monthly bookings and their span; and the
 * commission cost of a forecast. One small organisation is built with the importer; every
 * expected figure is worked out by hand in the comments beside it.
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
#include "spm/plan.h"
#include "spm/run.h"

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

static const char *M(char *buf, spm_money m)
{
	spm_money_format(buf, SPM_NUM_BUFSZ, m, 0);
	return buf;
}

static char out[8192];

static void append(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void append(const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(out);
	va_start(ap, fmt);
	vsnprintf(out + n, sizeof out - n, fmt, ap);
	va_end(ap);
}

/* One line per row: its figures, in the order of spm_pipeline_row. */
static int figures_row(void *ctx, const spm_pipeline_row *r)
{
	char a[SPM_NUM_BUFSZ], b[SPM_NUM_BUFSZ], c[SPM_NUM_BUFSZ], d[SPM_NUM_BUFSZ],
	    e[SPM_NUM_BUFSZ], f[SPM_NUM_BUFSZ], g[SPM_NUM_BUFSZ], h[SPM_NUM_BUFSZ];
	(void)ctx;
	append("%s %s: closed %s commit %s best %s open %s omitted %s weighted %s deals %zu"
	       " overdue %zu/%s run %s %s\n",
	       spm_level_name(r->level), r->id ? r->id : "-", M(a, r->closed), M(b, r->commit),
	       M(c, r->best_case), M(d, r->open_pipeline), M(e, r->omitted), M(f, r->weighted),
	       r->open_deals, r->overdue_deals, M(g, r->overdue), M(h, r->run_rate), r->currency);
	return 0;
}

/* One line per row: its level, id and name only. */
static int ids_row(void *ctx, const spm_pipeline_row *r)
{
	(void)ctx;
	append("%s %s %s\n", spm_level_name(r->level), r->id ? r->id : "-",
	       r->name ? r->name : "-");
	return 0;
}

/* One line per row: the calls beside it. */
static int calls_row(void *ctx, const spm_pipeline_row *r)
{
	char a[SPM_NUM_BUFSZ], b[SPM_NUM_BUFSZ];
	(void)ctx;
	append("%s %s: commit %s best %s note %s\n", spm_level_name(r->level), r->id ? r->id : "-",
	       r->has_call_commit ? M(a, r->call_commit) : "none",
	       r->has_call_best_case ? M(b, r->call_best_case) : "none",
	       r->call_note ? r->call_note : "none");
	return 0;
}

/* Overdue lines, kept apart and sorted afterwards (they come in no set order). */
static char overdue_lines[16][128];
static size_t noverdue;

static int on_overdue(void *ctx, const spm_overdue_deal *d)
{
	char a[SPM_NUM_BUFSZ], day[16];
	(void)ctx;
	assert_true(noverdue < 16);
	spm_date_format(day, sizeof day, d->close_date);
	snprintf(overdue_lines[noverdue++], sizeof overdue_lines[0], "%s %s %s %s %s %s",
	         d->deal_id, d->rep_id, d->stage ? d->stage : "-", day, M(a, d->amount),
	         d->currency);
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(a, b);
}

static const char *overdue_text(void)
{
	static char text[2048];
	text[0] = '\0';
	qsort(overdue_lines, noverdue, sizeof overdue_lines[0], cmp_line);
	for (size_t i = 0, n = 0; i < noverdue; i++) {
		size_t len = strlen(overdue_lines[i]);
		assert_true(n + len + 2 <= sizeof text);
		memcpy(text + n, overdue_lines[i], len);
		n += len;
		text[n++] = '\n';
		text[n] = '\0';
	}
	return text;
}

static spm_pipeline_query query(const char *period, const char *as_of, int window)
{
	spm_pipeline_query q = {.period = P(period), .as_of = D(as_of), .window = window};
	return q;
}

static void pipeline_ok(spm_store *st, const spm_pipeline_query *q, spm_pipeline_fn fn)
{
	spm_error err;
	out[0] = '\0';
	noverdue = 0;
	if (spm_pipeline(st, q, fn, NULL, &err))
		fail_msg("pipeline: %s", err.message);
}

static int64_t query_int(spm_store *st, const char *sql)
{
	spm_stmt *s = NULL;
	spm_error err;
	int64_t v;
	if (spm_stmt_prepare(st, &s, sql, &err))
		fail_msg("prepare: %s", err.message);
	assert_int_equal(spm_stmt_step(s, &err), SPM_ROW);
	v = spm_stmt_int64(s, 0);
	spm_stmt_finalize(s);
	return v;
}

/*
 * The organisation: m1 (Mia) manages a1 (Ann) and a2 (Bob), all in team Alpha; b1 (Cal), x1 and
 * x2 are in team Beta with no manager. Territories: WEST with W1 below it, and EAST. x1 left on
 * 2026-05-31 and x2 on 2026-06-30. The base currency is USD; EUR is worth 1.1 USD from
 * 2026-07-01 and 1.2 USD from 2026-08-01.
 *
 * Stages: Discovery 10% pipeline, Proposal 40% best_case, Negotiation 75% commit, Verbal 90%
 * closed (an open deal: commit), Parked 5% omitted, Qualify with neither.
 *
 * The period is 2026-Q3 (1 July to 30 September, 92 days); most cases look from 2026-08-15.
 */
static const char deals_csv[] =
    "deal_id,rep_id,territory,amount,currency,close_date,stage,status,type,probability,"
    "forecast_category,cancel_date\n"
    /* won */
    "W1,a1,,10000,USD,2026-07-10,,won,new,,,\n"
    "W2,a1,,5000,EUR,2026-08-05,,won,new,,,\n"           /* 5,000 × 1.2 = 6,000 */
    "W3,a2,,2000,USD,2026-08-20,,won,new,,,\n"           /* after 08-15 */
    "W4,a2,,3000,USD,2026-07-01,,won,new,,,\n"           /* the period's first day */
    "W5,a2,,4000,USD,2026-06-30,,won,new,,,\n"           /* before the period */
    "W6,b1,,1000,EUR,2026-07-20,,won,new,,,\n"           /* 1,000 × 1.1 = 1,100 */
    "W7,x2,,1000,USD,2026-07-05,,won,new,,,\n"           /* after x2 left */
    "W8,a1,,8000,USD,2026-08-10,,won,new,,,\n"           /* split a1 60% / a2 40% */
    "W9,a1,,7000,USD,2026-07-15,,won,new,,,2026-08-01\n" /* cancelled before 08-15 */
    "WA,a2,,500,USD,2026-07-16,,won,new,,,2026-09-01\n"  /* cancelled after 08-15 */
    "WX,x1,,500,USD,2026-05-20,,won,new,,,\n"            /* before the period */
    "N1,,W1,9999,USD,2026-07-12,,won,new,,,\n"           /* no owner, no split */
    "L1,a1,,99999,USD,2026-08-01,,lost,new,,,\n"
    /* open */
    "O1,a1,,20000,USD,2026-09-10,Negotiation,open,new,,,\n"
    "O2,a1,,1000.0001,USD,2026-09-01,Discovery,open,new,50%,best_case,\n"
    "O3,a1,,3000,EUR,2026-09-30,Verbal,open,new,,,\n"  /* 3,000 × 1.2 = 3,600 */
    "O4,a2,,5000,USD,2026-08-15,Qualify,open,new,,,\n" /* due on the as-of day itself */
    "O5,a2,,2500,USD,2026-09-05,Parked,open,new,,,\n"
    "O6,a2,,4000,USD,2026-09-20,Proposal,open,new,30%,closed,\n"
    "O7,a2,,6000,USD,2026-08-14,Negotiation,open,new,,,\n" /* overdue at 08-15 */
    "O8,b1,,700,EUR,2026-07-31,Proposal,open,new,,,\n"     /* overdue: 700 × 1.1 = 770 */
    "O9,a1,,4444,USD,2026-10-05,Negotiation,open,new,,,\n" /* after the period */
    "OA,b1,,1500,USD,2026-09-15,,open,new,20%,,\n"
    "OB,b1,,10000,USD,2026-09-25,,open,new,50%,best_case,\n"  /* split b1 30% / a2 70% */
    "OC,,EAST,50000,USD,2026-09-01,Negotiation,open,new,,,\n" /* no owner, no split */
    "OD,a1,,100,USD,2026-09-01,Mystery,open,new,,,\n";        /* a stage not in stages */

static void load_org(spm_store *st)
{
	teststore_load(st, SPM_KIND_TERRITORIES,
	               "territory_id,name,parent_id\nWEST,West,\nW1,West One,WEST\nEAST,East,\n");
	teststore_load(st, SPM_KIND_REPS,
	               "rep_id,name,manager_id,team,territory,hire_date,end_date\n"
	               "m1,Mia,,Alpha,WEST,2025-01-01,\n"
	               "a1,Ann,m1,Alpha,W1,2025-01-01,\n"
	               "a2,Bob,m1,Alpha,WEST,2025-01-01,\n"
	               "b1,Cal,,Beta,EAST,2025-01-01,\n"
	               "x1,Old,,Beta,EAST,2025-01-01,2026-05-31\n"
	               "x2,Xen,,Beta,EAST,2025-01-01,2026-06-30\n");
}

static int setup(void **state)
{
	spm_store *st = teststore_open("pipeline");
	load_org(st);
	teststore_load(
	    st, SPM_KIND_FX,
	    "currency,date,rate\nEUR,2026-01-01,1\nEUR,2026-07-01,1.1\nEUR,2026-08-01,1.2\n");
	teststore_load(st, SPM_KIND_STAGES,
	               "stage,status,probability,forecast_category\n"
	               "Discovery,open,10%,pipeline\nProposal,open,40%,best_case\n"
	               "Negotiation,open,75%,commit\nVerbal,open,90%,closed\n"
	               "Parked,open,5%,omitted\nQualify,open,,\n");
	teststore_load(st, SPM_KIND_DEALS, deals_csv);
	teststore_load(st, SPM_KIND_CREDITS,
	               "deal_id,rep_id,share\nW8,a1,60%\nW8,a2,40%\nOB,b1,30%\nOB,a2,70%\n");
	teststore_load(
	    st, SPM_KIND_CALLS,
	    "rep_id,team,territory,period,category,amount,currency,made_by,made_on,note\n"
	    "a1,,,2026-Q3,commit,26000,USD,a1,2026-07-02,a1 commit\n"
	    "a1,,,2026-Q3,best_case,42000,USD,a1,2026-07-02,a1 upside\n"
	    "a2,,,2026-Q3,best_case,15000,,a2,2026-07-02,a2 best\n"
	    "m1,,,2026-Q3,commit,36250,EUR,m1,2026-07-03,\n"
	    ",Alpha,,2026-Q3,commit,52000,USD,m1,2026-07-03,team call\n"
	    ",,EAST,2026-Q3,best_case,4000,EUR,,,\n"
	    "x2,,,2026-Q3,commit,1000,USD,,,\n"
	    "x2,,,2026-Q3,best_case,1200,USD,,,x2 upside\n"
	    "a1,,,2026-Q2,commit,1,USD,,,last quarter\n");
	*state = st;
	return 0;
}

static int setup_empty(void **state)
{
	spm_store *st = teststore_open("pipeline-empty");
	load_org(st);
	*state = st;
	return 0;
}

/* ---- names ---------------------------------------------------------------------------------- */

static void test_category_names(void **state)
{
	(void)state;
	static const char *const names[] = {"pipeline", "best_case", "commit", "closed", "omitted"};
	for (int c = 0; c < SPM_FC_COUNT; c++) {
		assert_string_equal(spm_fc_category_name((spm_fc_category)c), names[c]);
		assert_int_equal(spm_fc_category_parse(names[c]), c);
	}
	assert_int_equal(spm_fc_category_parse("Commit"), -1);
	assert_int_equal(spm_fc_category_parse("best case"), -1);
	assert_int_equal(spm_fc_category_parse(""), -1);
}

/* ---- the figures ---------------------------------------------------------------------------- */

/*
 * As of 2026-08-15, a window of 92 days (2026-05-16 to 08-15), every level.
 *
 * a1 closed: W1 10,000 + W2 6,000 + 60% of W8 4,800 = 20,800 (W9 was cancelled on 08-01; L1 is
 *   lost). Open: O1 commit by its stage 20,000 (75%: 15,000); O2 best_case by its own category
 *   1,000.0001 (its own 50%, not Discovery's 10%: 500.00005, half-up 500.0001); O3 Verbal's
 *   `closed` counts as commit, 3,000 EUR × 1.2 = 3,600 (90%: 3,240); OD pipeline 100 (a stage
 *   not in stages: 0%). O9 closes after the period. Commit 20,800 + 23,600 = 44,400; best case
 *   44,400 + 1,000.0001 = 45,400.0001; open pipeline 100 + 1,000.0001 + 23,600 = 24,700.0001;
 *   weighted 15,000 + 500.0001 + 3,240 + 0 = 18,740.0001; 4 open deals.
 *   Run-rate: window bookings W1 + W2 + W8's 4,800 = 20,800; 46 days left (16 of August, 30 of
 *   September): 20,800 + 46 × 20,800 / 92 = 20,800 + 10,400 = 31,200.
 * a2 closed: W4 3,000 (the first day) + 40% of W8 3,200 + WA 500 (its cancellation, 09-01, is not
 *   seen yet) = 6,700; W3 closes after the as-of day, W5 before the period. Open: O4 pipeline
 *   5,000 (Qualify: no probability), O5 omitted 2,500 (5%: 125), O6 its own `closed` as commit
 *   4,000 (its own 30%: 1,200), 70% of OB best_case 7,000 (50%: 3,500). O7 is overdue: 6,000.
 *   Commit 6,700 + 4,000 = 10,700; best case 17,700; open pipeline 5,000 + 7,000 + 4,000 =
 *   16,000; weighted 125 + 1,200 + 3,500 = 4,825; 4 open deals.
 *   Run-rate: window 6,700 + W5 4,000 = 10,700; 6,700 + 10,700 / 2 = 12,050.
 * b1 closed: W6 1,000 EUR × 1.1 = 1,100. Open: OA pipeline 1,500 (20%: 300), 30% of OB best case
 *   3,000 (1,500). O8 overdue: 770. Commit 1,100; best case 4,100; open pipeline 4,500; weighted
 *   1,800; run-rate 1,100 + 550 = 1,650.
 * x2 left before the period but W7 closed in it: listed, closed 1,000, run-rate 1,500. x1, gone
 *   and with no figure in the period, is not listed; its WX (05-20) is in the window: its
 *   groups' run-rate has 250 more.
 * m1 = a1 + a2: closed 27,500; commit 44,400 + 10,700 = 55,100; best case 63,100.0001; open
 *   pipeline 40,700.0001; omitted 2,500; weighted 23,565.0001; 8 open deals; overdue 1/6,000;
 *   run-rate 27,500 + (20,800 + 10,700) / 2 = 43,250. W8 counts once: 8,000 in closed.
 * Alpha and WEST hold a1, a2 and m1 (no figures): as m1. W1 holds a1.
 * Beta and EAST hold b1, x1, x2: closed 2,100; commit 2,100; best case 5,100; open pipeline 4,500;
 *   weighted 1,800; 2 open deals; overdue 1/770; run-rate 2,100 + (1,100 + 1,000 + 500) / 2 =
 *   3,400.
 * Company: closed 29,600 (N1 and OC, without owner or split, credit nobody); commit 29,600 +
 *   27,600 = 57,200; best case 57,200 + 11,000.0001 = 68,200.0001; open pipeline 6,600 +
 *   11,000.0001 + 27,600 = 45,200.0001; omitted 2,500; weighted 25,365.0001; 10 open credit
 *   lines (OB once per rep); overdue 2/6,770; run-rate 29,600 + 34,100 / 2 = 46,650.
 */
static const char all_levels[] =
    "rep a1: closed 20800 commit 44400 best 45400.0001 open 24700.0001 omitted 0"
    " weighted 18740.0001 deals 4 overdue 0/0 run 31200 USD\n"
    "rep a2: closed 6700 commit 10700 best 17700 open 16000 omitted 2500"
    " weighted 4825 deals 4 overdue 1/6000 run 12050 USD\n"
    "rep b1: closed 1100 commit 1100 best 4100 open 4500 omitted 0"
    " weighted 1800 deals 2 overdue 1/770 run 1650 USD\n"
    "rep x2: closed 1000 commit 1000 best 1000 open 0 omitted 0"
    " weighted 0 deals 0 overdue 0/0 run 1500 USD\n"
    "manager m1: closed 27500 commit 55100 best 63100.0001 open 40700.0001 omitted 2500"
    " weighted 23565.0001 deals 8 overdue 1/6000 run 43250 USD\n"
    "team Alpha: closed 27500 commit 55100 best 63100.0001 open 40700.0001 omitted 2500"
    " weighted 23565.0001 deals 8 overdue 1/6000 run 43250 USD\n"
    "team Beta: closed 2100 commit 2100 best 5100 open 4500 omitted 0"
    " weighted 1800 deals 2 overdue 1/770 run 3400 USD\n"
    "territory EAST: closed 2100 commit 2100 best 5100 open 4500 omitted 0"
    " weighted 1800 deals 2 overdue 1/770 run 3400 USD\n"
    "territory W1: closed 20800 commit 44400 best 45400.0001 open 24700.0001 omitted 0"
    " weighted 18740.0001 deals 4 overdue 0/0 run 31200 USD\n"
    "territory WEST: closed 27500 commit 55100 best 63100.0001 open 40700.0001 omitted 2500"
    " weighted 23565.0001 deals 8 overdue 1/6000 run 43250 USD\n"
    "company -: closed 29600 commit 57200 best 68200.0001 open 45200.0001 omitted 2500"
    " weighted 25365.0001 deals 10 overdue 2/6770 run 46650 USD\n";

#define ALL_LEVELS ((1u << SPM_LEVEL_COUNT) - 1)

static void test_figures_every_level(void **state)
{
	spm_pipeline_query q = query("2026-Q3", "2026-08-15", 92);
	q.levels = ALL_LEVELS;
	q.overdue = on_overdue;
	pipeline_ok(*state, &q, figures_row);
	assert_string_equal(out, all_levels);
	/* the overdue deals, each once, in the report currency; never in the figures above */
	assert_string_equal(overdue_text(), "O7 a2 Negotiation 2026-08-14 6000 USD\n"
	                                    "O8 b1 Proposal 2026-07-31 770 USD\n");
}

/* Levels 0: reps only; the names come from the store (NULL where it has none). */
static void test_rows_and_names(void **state)
{
	spm_pipeline_query q = query("2026-Q3", "2026-08-15", 92);
	pipeline_ok(*state, &q, ids_row);
	assert_string_equal(out, "rep a1 Ann\nrep a2 Bob\nrep b1 Cal\nrep x2 Xen\n");
	q.levels = ALL_LEVELS;
	pipeline_ok(*state, &q, ids_row);
	assert_string_equal(out, "rep a1 Ann\nrep a2 Bob\nrep b1 Cal\nrep x2 Xen\nmanager m1 Mia\n"
	                         "team Alpha -\nteam Beta -\nterritory EAST East\n"
	                         "territory W1 West One\nterritory WEST West\ncompany - -\n");
}

/*
 * Half-up is the weighted amount's rounding whatever the conversion mode, and a deal's own
 * probability wins over its stage's even when it is 0. Two more deals for a1: P0, 1,000 in
 * Negotiation (75%) with its own 0%: commit 1,000 more, weighted nothing more; P1, 0.0003 at its
 * own 50%, pipeline: 0.00015, half-up 0.0002.
 * a1: commit 44,400 + 1,000 = 45,400; best case 46,400.0001; open pipeline 24,700.0001 + 1,000 +
 * 0.0003 = 25,700.0004; weighted 18,740.0001 + 0.0002 = 18,740.0003; 6 open deals.
 */
static void test_weighted_half_up(void **state)
{
	spm_pipeline_query q = query("2026-Q3", "2026-08-15", 92);
	teststore_load(*state, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,currency,close_date,stage,status,probability\n"
	               "P0,a1,1000,USD,2026-09-03,Negotiation,open,0%\n"
	               "P1,a1,0.0003,USD,2026-09-03,,open,50%\n");
	q.mode = SPM_ROUND_DOWN;
	q.filter.rep = "a1";
	pipeline_ok(*state, &q, figures_row);
	/* a1 in USD converts nothing that rounds */
	assert_string_equal(out, "rep a1: closed 20800 commit 45400 best 46400.0001"
	                         " open 25700.0004 omitted 0 weighted 18740.0003 deals 6"
	                         " overdue 0/0 run 31200 USD\n");
}

/*
 * A manager's own deals count in their manager row and above, never as a rep row: M1, 2,000 won
 * by m1 on 2026-08-01. m1 closed 27,500 + 2,000 = 29,500, commit 57,100, run-rate 29,500 +
 * (31,500 + 2,000) / 2 = 46,250; the company's closed 31,600.
 */
static void test_manager_own_deal(void **state)
{
	spm_pipeline_query q = query("2026-Q3", "2026-08-15", 92);
	teststore_load(*state, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,currency,close_date,status\n"
	               "M1,m1,2000,USD,2026-08-01,won\n");
	q.levels = 1u << SPM_LEVEL_REP | 1u << SPM_LEVEL_MANAGER | 1u << SPM_LEVEL_COMPANY;
	pipeline_ok(*state, &q, figures_row);
	assert_null(strstr(out, "rep m1"));
	assert_non_null(strstr(out, "manager m1: closed 29500 commit 57100 best 65100.0001"
	                            " open 40700.0001 omitted 2500 weighted 23565.0001 deals 8"
	                            " overdue 1/6000 run 46250 USD\n"));
	assert_non_null(strstr(out, "company -: closed 31600 commit 59200 "));
}

/*
 * The default window is 90 days (2026-05-18 to 08-15): the same bookings for a1, 20,800, so
 * 20,800 + 46 × 20,800 / 90 = 20,800 + 10,631.1111 (10,631.11111...) = 31,431.1111. A window of
 * 1 day (08-15 only) holds nothing for a1: the run-rate is what closed. Below 1 is refused.
 */
static void test_run_rate_window(void **state)
{
	spm_pipeline_query q = query("2026-Q3", "2026-08-15", 0);
	spm_error err;
	q.filter.rep = "a1";
	pipeline_ok(*state, &q, figures_row);
	assert_non_null(strstr(out, " run 31431.1111 USD\n"));
	q.window = 1;
	pipeline_ok(*state, &q, figures_row);
	assert_non_null(strstr(out, " run 20800 USD\n"));
	/*
	 * 10 days, 08-06 to 08-15: W8's 4,800 for a1 (W2 closed 08-05): 20,800 + 46 × 4,800 / 10 =
	 * 20,800 + 22,080 = 42,880.
	 */
	q.window = 10;
	pipeline_ok(*state, &q, figures_row);
	assert_non_null(strstr(out, " run 42880 USD\n"));
	q.window = -1;
	out[0] = '\0';
	assert_int_equal(spm_pipeline(*state, &q, figures_row, NULL, &err), SPM_EUSAGE);
	assert_string_equal(out, "");
}

/*
 * In EUR, each credit line at its close date's rate (half-up at the money scale):
 * a1 closed: W1 10,000 / 1.1 = 9,090.9091 (9,090.90909...) + W2 5,000 + W8 4,800 / 1.2 = 4,000:
 *   18,090.9091. Open: O1 20,000 / 1.2 = 16,666.6667 commit, O3 3,000 EUR commit, O2 1,000.0001
 *   / 1.2 = 833.3334 (833.33341...) best case, OD 100 / 1.2 = 83.3333 pipeline. Commit
 *   18,090.9091 + 19,666.6667 = 37,757.5758; best case 38,590.9092; open pipeline 83.3333 +
 *   833.3334 + 19,666.6667 = 20,583.3334; weighted 75% of 16,666.6667 = 12,500.000025 ->
 *   12,500 + 50% of 833.3334 = 416.6667 + 90% of 3,000 = 2,700: 15,616.6667.
 */
static void test_currency(void **state)
{
	spm_pipeline_query q = query("2026-Q3", "2026-08-15", 92);
	q.currency = "EUR";
	q.filter.rep = "a1";
	pipeline_ok(*state, &q, figures_row);
	/* run-rate: 18,090.9091 + 46 × 18,090.9091 / 92 = 18,090.9091 + 9,045.45455 -> 27,136.3637
	 */
	assert_string_equal(out, "rep a1: closed 18090.9091 commit 37757.5758 best 38590.9092"
	                         " open 20583.3334 omitted 0 weighted 15616.6667 deals 4"
	                         " overdue 0/0 run 27136.3637 EUR\n");
}

/* A deal in a currency without a rate: SPM_EDATA naming it. */
static void test_missing_rate(void **state)
{
	spm_pipeline_query q = query("2026-Q3", "2026-08-15", 92);
	spm_error err;
	teststore_load(*state, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,currency,close_date,status\n"
	               "G1,b1,100,GBP,2026-09-01,open\n");
	assert_int_equal(spm_pipeline(*state, &q, figures_row, NULL, &err), SPM_EDATA);
	assert_non_null(strstr(err.message, "GBP"));
}

/* ---- filters -------------------------------------------------------------------------------- */

static void test_filters(void **state)
{
	spm_pipeline_query q = query("2026-Q3", "2026-08-15", 92);
	q.levels = ALL_LEVELS;
	q.overdue = on_overdue;

	/* team Beta: b1 and x2 (x1 is not listed), Beta, EAST and the company, figures unchanged */
	q.filter.team = "Beta";
	pipeline_ok(*state, &q, figures_row);
	assert_string_equal(
	    out, "rep b1: closed 1100 commit 1100 best 4100 open 4500 omitted 0"
	         " weighted 1800 deals 2 overdue 1/770 run 1650 USD\n"
	         "rep x2: closed 1000 commit 1000 best 1000 open 0 omitted 0"
	         " weighted 0 deals 0 overdue 0/0 run 1500 USD\n"
	         "team Beta: closed 2100 commit 2100 best 5100 open 4500 omitted 0"
	         " weighted 1800 deals 2 overdue 1/770 run 3400 USD\n"
	         "territory EAST: closed 2100 commit 2100 best 5100 open 4500 omitted 0"
	         " weighted 1800 deals 2 overdue 1/770 run 3400 USD\n"
	         "company -: closed 29600 commit 57200 best 68200.0001 open 45200.0001 omitted 2500"
	         " weighted 25365.0001 deals 10 overdue 2/6770 run 46650 USD\n");
	/* only the shown reps' overdue deals are reported */
	assert_string_equal(overdue_text(), "O8 b1 Proposal 2026-07-31 770 USD\n");

	/* rep a1: a1, its manager, team, territories and the company */
	q.filter.team = NULL;
	q.filter.rep = "a1";
	pipeline_ok(*state, &q, ids_row);
	assert_string_equal(out, "rep a1 Ann\nmanager m1 Mia\nteam Alpha -\n"
	                         "territory W1 West One\nterritory WEST West\ncompany - -\n");
	assert_string_equal(overdue_text(), "");

	/* territory WEST holds W1: a1 and a2; the figures as in the full report */
	q.filter.rep = NULL;
	q.filter.territory = "WEST";
	pipeline_ok(*state, &q, figures_row);
	char want[sizeof all_levels];
	snprintf(want, sizeof want, "%s", all_levels);
	/* drop b1, x2, Beta and EAST from the full report: keep its lines for the others */
	const char *keep[] = {"rep a1:",       "rep a2:",         "manager m1:", "team Alpha:",
	                      "territory W1:", "territory WEST:", "company -:"};
	char expect[sizeof all_levels] = "";
	for (size_t k = 0; k < sizeof keep / sizeof keep[0]; k++) {
		const char *at = strstr(want, keep[k]);
		const char *end = at ? strchr(at, '\n') : NULL;
		if (!at || !end)
			fail_msg("no line '%s' in the full report", keep[k]);
		size_t n = strlen(expect);
		snprintf(expect + n, sizeof expect - n, "%.*s\n", (int)(end - at), at);
	}
	assert_string_equal(out, expect);
	assert_string_equal(overdue_text(), "O7 a2 Negotiation 2026-08-14 6000 USD\n");

	/* levels: company and team only */
	q.filter.territory = NULL;
	q.levels = 1u << SPM_LEVEL_TEAM | 1u << SPM_LEVEL_COMPANY;
	pipeline_ok(*state, &q, ids_row);
	assert_string_equal(out, "team Alpha -\nteam Beta -\ncompany - -\n");
}

static void test_unknown_filters(void **state)
{
	spm_pipeline_query q = query("2026-Q3", "2026-08-15", 92);
	spm_error err;
	out[0] = '\0';
	q.filter.team = "Zeta";
	assert_int_equal(spm_pipeline(*state, &q, figures_row, NULL, &err), SPM_EDATA);
	assert_string_equal(err.message, "no team 'Zeta' in the store");
	q.filter.team = NULL;
	q.filter.territory = "NORTH";
	assert_int_equal(spm_pipeline(*state, &q, figures_row, NULL, &err), SPM_EDATA);
	assert_string_equal(err.message, "no territory 'NORTH' in the store");
	q.filter.territory = NULL;
	q.filter.rep = "zz";
	assert_int_equal(spm_pipeline(*state, &q, figures_row, NULL, &err), SPM_EDATA);
	assert_string_equal(err.message, "no rep 'zz' in the store");
	assert_string_equal(out, "");
}

/* A callback's non-zero return stops the rows and is returned; likewise the overdue one's. */
static int stop_second(void *ctx, const spm_pipeline_row *r)
{
	int *n = ctx;
	(void)r;
	return ++*n == 2 ? 42 : 0;
}

static int stop_overdue(void *ctx, const spm_overdue_deal *d)
{
	(void)ctx;
	(void)d;
	return 7;
}

static void test_callback_stops(void **state)
{
	spm_pipeline_query q = query("2026-Q3", "2026-08-15", 92);
	spm_error err;
	int n = 0;
	q.levels = ALL_LEVELS;
	assert_int_equal(spm_pipeline(*state, &q, stop_second, &n, &err), 42);
	assert_int_equal(n, 2);
	q.overdue = stop_overdue;
	n = 0;
	assert_int_equal(spm_pipeline(*state, &q, stop_second, &n, &err), 7);
	assert_int_equal(n, 0);
}

/* ---- calls ---------------------------------------------------------------------------------- */

/*
 * a1: commit 26,000 and best case 42,000; the commit call's note wins. a2: a best case only, its
 * note. b1: none. x2: a commit without a note, so the best case's note. m1 (a rep-scope call with
 * the manager's id): 36,250 EUR at the period's last day's rate, 1.2: 43,500. Alpha: 52,000. EAST:
 * a best case of 4,000 EUR = 4,800. The 2026-Q2 call of a1 is not this period's.
 */
static void test_calls(void **state)
{
	spm_pipeline_query q = query("2026-Q3", "2026-08-15", 92);
	q.levels = ALL_LEVELS;
	pipeline_ok(*state, &q, calls_row);
	assert_string_equal(out, "rep a1: commit 26000 best 42000 note a1 commit\n"
	                         "rep a2: commit none best 15000 note a2 best\n"
	                         "rep b1: commit none best none note none\n"
	                         "rep x2: commit 1000 best 1200 note x2 upside\n"
	                         "manager m1: commit 43500 best none note none\n"
	                         "team Alpha: commit 52000 best none note team call\n"
	                         "team Beta: commit none best none note none\n"
	                         "territory EAST: commit none best 4800 note none\n"
	                         "territory W1: commit none best none note none\n"
	                         "territory WEST: commit none best none note none\n"
	                         "company -: commit none best none note none\n");
	/* beside the figures, never in them */
	pipeline_ok(*state, &q, figures_row);
	assert_string_equal(out, all_levels);
	/* in EUR: a1's 26,000 USD / 1.2 = 21,666.6667; m1's own 36,250 EUR as it is */
	q.currency = "EUR";
	q.levels = 1u << SPM_LEVEL_REP | 1u << SPM_LEVEL_MANAGER;
	q.filter.rep = "a1";
	pipeline_ok(*state, &q, calls_row);
	assert_string_equal(out, "rep a1: commit 21666.6667 best 35000 note a1 commit\n"
	                         "manager m1: commit 36250 best none note none\n");
}

/* ---- periods to come and past --------------------------------------------------------------- */

/*
 * As of 2026-06-15, before Q3: nothing is closed or overdue, every open deal of the period is in
 * its category, and the run-rate counts all 92 days. The window of 92 days, 2026-03-16 to 06-15,
 * holds no booking of a1, a2 or b1 (W5 closes on 06-30): their run-rate is 0.
 * a1: commit O1 20,000 + O3 3,600 = 23,600 (O3 at its close date's rate, 1.2); best case +
 *   1,000.0001; open pipeline 24,700.0001; weighted 18,740.0001.
 * a2: O7 (08-14) is no longer overdue: commit O6 4,000 + O7 6,000 = 10,000; best case + 7,000 =
 *   17,000; open pipeline 5,000 + 7,000 + 10,000 = 22,000; omitted 2,500; weighted 125 + 1,200 +
 *   3,500 + 4,500 = 9,325; 5 open deals.
 * b1: O8 best case 700 EUR × 1.1 = 770 (40%: 308): best case 3,770; open pipeline 1,500 + 3,770 =
 *   5,270; weighted 300 + 1,500 + 308 = 2,108.
 * x2 is gone and has no figure yet (W7 closes after 06-15): not listed.
 * The company's window holds WX, 500 on 05-20: 92 × 500 / 92 = 500.
 */
static void test_period_to_come(void **state)
{
	spm_pipeline_query q = query("2026-Q3", "2026-06-15", 92);
	q.levels = 1u << SPM_LEVEL_REP | 1u << SPM_LEVEL_COMPANY;
	q.overdue = on_overdue;
	pipeline_ok(*state, &q, figures_row);
	assert_string_equal(
	    out, "rep a1: closed 0 commit 23600 best 24600.0001 open 24700.0001 omitted 0"
	         " weighted 18740.0001 deals 4 overdue 0/0 run 0 USD\n"
	         "rep a2: closed 0 commit 10000 best 17000 open 22000 omitted 2500"
	         " weighted 9325 deals 5 overdue 0/0 run 0 USD\n"
	         "rep b1: closed 0 commit 0 best 3770 open 5270 omitted 0"
	         " weighted 2108 deals 3 overdue 0/0 run 0 USD\n"
	         "company -: closed 0 commit 33600 best 45370.0001 open 51970.0001"
	         " omitted 2500 weighted 30173.0001 deals 12 overdue 0/0 run 500 USD\n");
	assert_int_equal(noverdue, 0);
}

/*
 * As of 2026-10-20, after Q3: won deals of the whole period are closed, cancellations dated up to
 * 10-20 seen (WA, cancelled 09-01, no longer counts); every open deal of the period is overdue;
 * no day is left, so the run-rate is what closed.
 * a1: closed 20,800; overdue O1 20,000 + O2 1,000.0001 + O3 3,600 + OD 100 = 24,700.0001 (4).
 * a2: closed W4 3,000 + W8 3,200 + W3 2,000 = 8,200; overdue O4 5,000 + O5 2,500 + O6 4,000 +
 *   O7 6,000 + OB 7,000 = 24,500 (5).
 * b1: closed 1,100; overdue OA 1,500 + OB 3,000 + O8 770 = 5,270 (3).
 */
static void test_period_past(void **state)
{
	spm_pipeline_query q = query("2026-Q3", "2026-10-20", 92);
	q.overdue = on_overdue;
	pipeline_ok(*state, &q, figures_row);
	assert_string_equal(out, "rep a1: closed 20800 commit 20800 best 20800 open 0 omitted 0"
	                         " weighted 0 deals 0 overdue 4/24700.0001 run 20800 USD\n"
	                         "rep a2: closed 8200 commit 8200 best 8200 open 0 omitted 0"
	                         " weighted 0 deals 0 overdue 5/24500 run 8200 USD\n"
	                         "rep b1: closed 1100 commit 1100 best 1100 open 0 omitted 0"
	                         " weighted 0 deals 0 overdue 3/5270 run 1100 USD\n"
	                         "rep x2: closed 1000 commit 1000 best 1000 open 0 omitted 0"
	                         " weighted 0 deals 0 overdue 0/0 run 1000 USD\n");
	assert_int_equal(noverdue, 12);
	/* OB's lines, by share */
	const char *t = overdue_text();
	assert_non_null(strstr(t, "OB a2 - 2026-09-25 7000 USD\n"));
	assert_non_null(strstr(t, "OB b1 - 2026-09-25 3000 USD\n"));
	assert_null(strstr(t, "OC "));
	assert_null(strstr(t, "O9 "));
}

/* ---- snapshots and accuracy ----------------------------------------------------------------- */

static void snapshot_ok(spm_store *st, const char *as_of, int64_t want_id, size_t want_rows)
{
	spm_pipeline_query q = query("2026-Q3", as_of, 92);
	int64_t id = -1;
	size_t rows = 0;
	spm_error err;
	/* ignored: a snapshot keeps every level, unfiltered */
	q.levels = 1u << SPM_LEVEL_REP;
	q.filter.team = "Beta";
	if (spm_pipeline_snapshot(st, &q, &id, &rows, &err))
		fail_msg("snapshot: %s", err.message);
	assert_int_equal(id, want_id);
	assert_int_equal(rows, want_rows);
}

/*
 * 4 reps (a1, a2, b1, x2), 1 manager, 2 teams, 3 territories and the company: 11 rows, their
 * figures as in test_figures_every_level, the calls beside them.
 */
static void test_snapshot(void **state)
{
	spm_store *st = *state;
	snapshot_ok(st, "2026-08-15", 1, 11);
	assert_int_equal(query_int(st, "SELECT count(*) FROM forecast_snapshot_rows"
	                               " WHERE snapshot_id = 1"),
	                 11);
	assert_int_equal(query_int(st, "SELECT count(*) FROM forecast_snapshot_rows"
	                               " WHERE level = 'territory'"),
	                 3);
	assert_int_equal(query_int(st, "SELECT commit_amount FROM forecast_snapshot_rows"
	                               " WHERE level = 'company'"),
	                 572000000);
	assert_int_equal(query_int(st, "SELECT best_case FROM forecast_snapshot_rows"
	                               " WHERE level = 'company'"),
	                 682000001);
	assert_int_equal(query_int(st, "SELECT run_rate FROM forecast_snapshot_rows"
	                               " WHERE level = 'team' AND scope_id = 'Beta'"),
	                 34000000);
	assert_int_equal(query_int(st, "SELECT overdue FROM forecast_snapshot_rows"
	                               " WHERE level = 'rep' AND scope_id = 'b1'"),
	                 7700000);
	assert_int_equal(query_int(st, "SELECT call_commit FROM forecast_snapshot_rows"
	                               " WHERE level = 'manager' AND scope_id = 'm1'"),
	                 435000000);
	assert_int_equal(query_int(st, "SELECT count(*) FROM forecast_snapshot_rows"
	                               " WHERE level = 'rep' AND scope_id = 'a2'"
	                               " AND call_commit IS NULL AND call_best_case = 150000000"),
	                 1);
	assert_int_equal(query_int(st, "SELECT count(*) FROM forecast_snapshots WHERE as_of ="
	                               " '2026-08-15' AND period = '2026-Q3' AND currency = 'USD'"),
	                 1);
	snapshot_ok(st, "2026-08-16", 2, 11);
	assert_int_equal(query_int(st, "SELECT count(*) FROM forecast_snapshot_rows"), 22);
}

static void test_snapshot_fails_whole(void **state)
{
	spm_store *st = *state;
	spm_pipeline_query q = query("2026-Q3", "2026-08-15", -1);
	int64_t id = -1;
	size_t rows = 99;
	spm_error err;
	assert_int_equal(spm_pipeline_snapshot(st, &q, &id, &rows, &err), SPM_EUSAGE);
	assert_int_equal(query_int(st, "SELECT count(*) FROM forecast_snapshots"), 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM forecast_snapshot_rows"), 0);
}

static int accuracy_row(void *ctx, const spm_accuracy_row *r)
{
	char a[SPM_NUM_BUFSZ], b[SPM_NUM_BUFSZ], c[SPM_NUM_BUFSZ], pct[SPM_NUM_BUFSZ],
	    bias[SPM_NUM_BUFSZ], day[16];
	(void)ctx;
	spm_rate_format(pct, sizeof pct, r->pct, false);
	spm_rate_format(bias, sizeof bias, r->bias, false);
	if (r->summary) {
		append("%s %s summary %zu: forecast %s actual %s error %s pct %s bias %s %s\n",
		       spm_level_name(r->level), r->id ? r->id : "-", r->snapshots,
		       M(a, r->forecast), M(b, r->actual), M(c, r->error),
		       r->pct_defined ? pct : "undefined", r->pct_defined ? bias : "undefined",
		       r->currency);
	} else {
		spm_date_format(day, sizeof day, r->as_of);
		append("%s %s %s #%lld: forecast %s actual %s error %s pct %s %s\n",
		       spm_level_name(r->level), r->id ? r->id : "-", day,
		       (long long)r->snapshot_id, M(a, r->forecast), M(b, r->actual),
		       M(c, r->error), r->pct_defined ? pct : "undefined", r->currency);
	}
	return 0;
}

/*
 * Two snapshots of Q3, as of 2026-07-15 (#1) and 2026-08-15 (#2), scored up to 2026-09-30.
 * Actuals (what closed in Q3 by 09-30, cancellations to then seen): a1 20,800; a2 W4 3,000 + W8
 * 3,200 + W3 2,000 = 8,200 (WA cancelled 09-01); b1 1,100; x2 1,000; m1 29,000.
 * Forecasts: a1's commit call, 26,000, in both: error 5,200, 25%. m1's call, 43,500: error
 * 14,500, 50%. x2's call 1,000: error 0. a2 has no commit call: its commit figure, as of 07-15
 * closed W4 3,000 + O6 4,000 + O7 6,000 (not overdue yet) = 13,000 (error 4,800), as of 08-15
 * 10,700 (error 2,500). b1's commit figure: 0 as of 07-15 (W6 closes 07-20; O8 is best case),
 * error -1,100, -100%; 1,100 as of 08-15, error 0, 0%: the summary's mean absolute percentage
 * (100% + 0%) / 2 = 0.5 and its bias (-100% + 0%) / 2 = -0.5, its forecast the latest, 1,100.
 */
static void test_accuracy(void **state)
{
	spm_store *st = *state;
	spm_period q3 = P("2026-Q3");
	spm_error err;
	snapshot_ok(st, "2026-08-15", 1, 11);
	snapshot_ok(st, "2026-07-15", 2, 11); /* taken later, as of an earlier day: sorted first */
	out[0] = '\0';
	if (spm_forecast_accuracy(st, &q3, D("2026-09-30"), 0, accuracy_row, NULL, &err))
		fail_msg("accuracy: %s", err.message);
	/* a2's percentages (4,800 / 8,200 ...) are not exact: their rows are checked apart */
	char *a2 = strstr(out, "rep a2 2026-07-15");
	char *b1 = strstr(out, "rep b1 2026-07-15");
	assert_non_null(a2);
	assert_non_null(b1);
	char head[2048], rest[4096], a2_text[1024];
	snprintf(head, sizeof head, "%.*s", (int)(a2 - out), out);
	snprintf(a2_text, sizeof a2_text, "%.*s", (int)(b1 - a2), a2);
	snprintf(rest, sizeof rest, "%s", b1);
	assert_string_equal(
	    head, "rep a1 2026-07-15 #2: forecast 26000 actual 20800 error 5200 pct 0.25 USD\n"
	          "rep a1 2026-08-15 #1: forecast 26000 actual 20800 error 5200 pct 0.25 USD\n"
	          "rep a1 summary 2: forecast 26000 actual 20800 error 5200 pct 0.25"
	          " bias 0.25 USD\n");
	assert_non_null(strstr(a2_text,
	                       "rep a2 2026-07-15 #2: forecast 13000 actual 8200 error 4800"
	                       " pct 0.58536585"));
	assert_non_null(strstr(a2_text,
	                       "rep a2 2026-08-15 #1: forecast 10700 actual 8200 error 2500"
	                       " pct 0.30487804"));
	assert_non_null(strstr(a2_text, "rep a2 summary 2: forecast 10700 actual 8200 error 2500"
	                                " pct 0.44512195"));
	assert_non_null(strstr(a2_text, " bias 0.44512195"));
	assert_string_equal(rest,
	                    "rep b1 2026-07-15 #2: forecast 0 actual 1100 error -1100 pct -1 USD\n"
	                    "rep b1 2026-08-15 #1: forecast 1100 actual 1100 error 0 pct 0 USD\n"
	                    "rep b1 summary 2: forecast 1100 actual 1100 error 0 pct 0.5"
	                    " bias -0.5 USD\n"
	                    "rep x2 2026-07-15 #2: forecast 1000 actual 1000 error 0 pct 0 USD\n"
	                    "rep x2 2026-08-15 #1: forecast 1000 actual 1000 error 0 pct 0 USD\n"
	                    "rep x2 summary 2: forecast 1000 actual 1000 error 0 pct 0 bias 0 USD\n"
	                    "manager m1 2026-07-15 #2: forecast 43500 actual 29000 error 14500"
	                    " pct 0.5 USD\n"
	                    "manager m1 2026-08-15 #1: forecast 43500 actual 29000 error 14500"
	                    " pct 0.5 USD\n"
	                    "manager m1 summary 2: forecast 43500 actual 29000 error 14500 pct 0.5"
	                    " bias 0.5 USD\n");
}

/*
 * Scored up to 2026-07-02 (a period still open), rep and manager (levels 0): a1, b1 and x2 have
 * closed nothing yet, so their percentages are undefined, in the rows and the summaries. a2 has
 * W4, 3,000: 13,000 - 3,000 = 10,000, 3.3333333333 (3.33333333333...). m1's call 43,500 against
 * a1 + a2 = 3,000: 40,500, 13.5. The company (no id; no call: its commit figure as of 07-15)
 * had closed W1 10,000 + W4 3,000 + W7 1,000 + W9 7,000 (closed 07-15; its cancellation on
 * 08-01 was not seen yet) = 21,000 and committed O1 20,000 + O3 3,600 + O6 4,000 + O7 6,000 =
 * 33,600: 54,600 against 3,000, an error of 51,600, 17.2.
 */
static void test_accuracy_undefined(void **state)
{
	spm_store *st = *state;
	spm_period q3 = P("2026-Q3");
	spm_error err;
	snapshot_ok(st, "2026-07-15", 1, 11);
	out[0] = '\0';
	if (spm_forecast_accuracy(st, &q3, D("2026-07-02"), 0, accuracy_row, NULL, &err))
		fail_msg("accuracy: %s", err.message);
	assert_string_equal(
	    out,
	    "rep a1 2026-07-15 #1: forecast 26000 actual 0 error 26000 pct undefined USD\n"
	    "rep a1 summary 1: forecast 26000 actual 0 error 26000 pct undefined"
	    " bias undefined USD\n"
	    "rep a2 2026-07-15 #1: forecast 13000 actual 3000 error 10000 pct 3.3333333333 USD\n"
	    "rep a2 summary 1: forecast 13000 actual 3000 error 10000 pct 3.3333333333"
	    " bias 3.3333333333 USD\n"
	    "rep b1 2026-07-15 #1: forecast 0 actual 0 error 0 pct undefined USD\n"
	    "rep b1 summary 1: forecast 0 actual 0 error 0 pct undefined bias undefined USD\n"
	    "rep x2 2026-07-15 #1: forecast 1000 actual 0 error 1000 pct undefined USD\n"
	    "rep x2 summary 1: forecast 1000 actual 0 error 1000 pct undefined"
	    " bias undefined USD\n"
	    "manager m1 2026-07-15 #1: forecast 43500 actual 3000 error 40500 pct 13.5 USD\n"
	    "manager m1 summary 1: forecast 43500 actual 3000 error 40500 pct 13.5"
	    " bias 13.5 USD\n");
	out[0] = '\0';
	if (spm_forecast_accuracy(st, &q3, D("2026-07-02"), 1u << SPM_LEVEL_COMPANY, accuracy_row,
	                          NULL, &err))
		fail_msg("accuracy: %s", err.message);
	assert_string_equal(out, "company - 2026-07-15 #1: forecast 54600 actual 3000 error 51600"
	                         " pct 17.2 USD\n"
	                         "company - summary 1: forecast 54600 actual 3000 error 51600"
	                         " pct 17.2 bias 17.2 USD\n");
}

static int stop_at_once(void *ctx, const spm_accuracy_row *r)
{
	(void)ctx;
	(void)r;
	return 9;
}

static void test_accuracy_refusals(void **state)
{
	spm_store *st = *state;
	spm_period q3 = P("2026-Q3"), q4 = P("2026-Q4");
	spm_error err;
	out[0] = '\0';
	assert_int_equal(
	    spm_forecast_accuracy(st, &q3, D("2026-09-30"), 0, accuracy_row, NULL, &err),
	    SPM_EDATA);
	assert_string_equal(err.message,
	                    "no snapshot of 2026-Q3: take one with spm-forecast snapshot");
	snapshot_ok(st, "2026-08-15", 1, 11);
	assert_int_equal(
	    spm_forecast_accuracy(st, &q4, D("2026-12-31"), 0, accuracy_row, NULL, &err),
	    SPM_EDATA);
	assert_string_equal(err.message,
	                    "no snapshot of 2026-Q4: take one with spm-forecast snapshot");
	assert_string_equal(out, "");
	assert_int_equal(
	    spm_forecast_accuracy(st, &q3, D("2026-09-30"), 0, stop_at_once, NULL, &err), 9);
}

/* ---- monthly bookings ----------------------------------------------------------------------- */

/*
 * May to September 2026 from a day in May, in USD; cancellations dated up to 09-30 seen (W9 and
 * WA do not count); N1 credits nobody:
 * May WX 500; June W5 4,000; July W1 10,000 + W4 3,000 + W6 1,100 + W7 1,000 = 15,100; August W2
 * 6,000 + W8 8,000 (once) + W3 2,000 = 16,000; September nothing.
 */
static void test_monthly_bookings(void **state)
{
	spm_money m[5];
	char text[512] = "", a[SPM_NUM_BUFSZ];
	spm_error err;
	for (size_t k = 0; k < 5; k++)
		m[k].units = SENTINEL;
	if (spm_bookings_series(*state, NULL, SPM_STEP_MONTH, D("2026-05-10"), 5, m, &err))
		fail_msg("bookings: %s", err.message);
	for (size_t k = 0; k < 5; k++) {
		size_t n = strlen(text);
		snprintf(text + n, sizeof text - n, "%s ", M(a, m[k]));
	}
	assert_string_equal(text, "500 4000 15100 16000 0 ");
	/*
	 * In EUR, July to September: W1 10,000 / 1.1 = 9,090.9091 (9,090.90909...), W4 3,000 / 1.1
	 * = 2,727.2727, W6 1,000, W7 1,000 / 1.1 = 909.0909: 13,727.2727. W2 5,000, W8 8,000 / 1.2
	 * = 6,666.6667, W3 2,000 / 1.2 = 1,666.6667: 13,333.3334. September nothing.
	 */
	if (spm_bookings_series(*state, "EUR", SPM_STEP_MONTH, D("2026-07-31"), 3, m, &err))
		fail_msg("bookings: %s", err.message);
	assert_money_text(m[0], "13727.2727");
	assert_money_text(m[1], "13333.3334");
	assert_money_text(m[2], "0");
	/* none asked: nothing written, nothing read */
	m[0].units = SENTINEL;
	assert_int_equal(
	    spm_bookings_series(*state, NULL, SPM_STEP_MONTH, D("2026-05-01"), 0, m, &err), SPM_OK);
	/* a currency without rates */
	assert_int_equal(
	    spm_bookings_series(*state, "GBP", SPM_STEP_MONTH, D("2026-07-01"), 1, m, &err),
	    SPM_EDATA);
	assert_non_null(strstr(err.message, "GBP"));
}

/*
 * By ISO week, eight weeks from a Thursday, 2026-07-02, so from Monday 06-29: W5 (06-30) 4,000 +
 * W4 (07-01) 3,000 + W7 (Sunday 07-05) 1,000 = 8,000; W1 10,000; W9 cancelled on 08-01 but WA
 * (500) counts, its cancellation on 09-01 after the last week (08-17 to 08-23); W6 1,100; nothing;
 * W2 6,000; W8 8,000; W3 2,000.
 */
static void test_weekly_bookings(void **state)
{
	spm_money m[8];
	char text[512] = "", a[SPM_NUM_BUFSZ];
	spm_error err;
	if (spm_bookings_series(*state, NULL, SPM_STEP_WEEK, D("2026-07-02"), 8, m, &err))
		fail_msg("bookings: %s", err.message);
	for (size_t k = 0; k < 8; k++) {
		size_t n = strlen(text);
		snprintf(text + n, sizeof text - n, "%s ", M(a, m[k]));
	}
	assert_string_equal(text, "8000 10000 500 1100 0 6000 8000 2000 ");
	assert_int_equal(spm_step_first(SPM_STEP_WEEK, D("2026-07-05")).days, D("2026-06-29").days);
	assert_int_equal(spm_step_first(SPM_STEP_WEEK, D("2026-06-29")).days, D("2026-06-29").days);
	assert_int_equal(spm_step_first(SPM_STEP_MONTH, D("2026-07-31")).days,
	                 D("2026-07-01").days);
}

static int series_row(void *ctx, const char *rep_id, const spm_money *months, size_t n)
{
	char a[SPM_NUM_BUFSZ];
	(void)ctx;
	append("%s:", rep_id);
	for (size_t k = 0; k < n; k++)
		append(" %s", M(a, months[k]));
	append("\n");
	return 0;
}

static int series_stop(void *ctx, const char *rep_id, const spm_money *months, size_t n)
{
	int *calls = ctx;
	(void)rep_id;
	(void)months;
	(void)n;
	++*calls;
	return 5;
}

/*
 * Per rep, May to September: W8 by share (a1 4,800, a2 3,200); W6 converted (1,100); m1 has no
 * booking and is not called; x1's and x2's bookings after they left still count.
 */
static void test_monthly_bookings_by_rep(void **state)
{
	spm_error err;
	int calls = 0;
	out[0] = '\0';
	if (spm_bookings_series_by_rep(*state, NULL, SPM_STEP_MONTH, D("2026-05-01"), 5, series_row,
	                               NULL, &err))
		fail_msg("bookings: %s", err.message);
	assert_string_equal(out, "a1: 0 0 10000 10800 0\n"
	                         "a2: 0 4000 3000 5200 0\n"
	                         "b1: 0 0 1100 0 0\n"
	                         "x1: 500 0 0 0 0\n"
	                         "x2: 0 0 1000 0 0\n");
	/* one month, August: only a1 and a2 booked */
	out[0] = '\0';
	if (spm_bookings_series_by_rep(*state, NULL, SPM_STEP_MONTH, D("2026-08-31"), 1, series_row,
	                               NULL, &err))
		fail_msg("bookings: %s", err.message);
	assert_string_equal(out, "a1: 10800\na2: 5200\n");
	/* by week, from 07-06 to 08-16: a1's W1, W2 and share of W8; WA's cancellation not seen */
	out[0] = '\0';
	if (spm_bookings_series_by_rep(*state, NULL, SPM_STEP_WEEK, D("2026-07-06"), 6, series_row,
	                               NULL, &err))
		fail_msg("bookings: %s", err.message);
	assert_string_equal(out, "a1: 10000 0 0 0 6000 4800\n"
	                         "a2: 0 500 0 0 0 3200\n"
	                         "b1: 0 0 1100 0 0 0\n");
	assert_int_equal(spm_bookings_series_by_rep(*state, NULL, SPM_STEP_MONTH, D("2026-05-01"),
	                                            5, series_stop, &calls, &err),
	                 5);
	assert_int_equal(calls, 1);
}

/* Won deals from WX (2026-05-20) to W3 (2026-08-20); cancelled and ownerless ones are won too. */
static void test_bookings_span(void **state)
{
	spm_date first = {0}, last = {0};
	bool any = false;
	spm_error err;
	char a[16], b[16];
	assert_int_equal(spm_bookings_span(*state, &first, &last, &any, &err), SPM_OK);
	assert_true(any);
	spm_date_format(a, sizeof a, first);
	spm_date_format(b, sizeof b, last);
	assert_string_equal(a, "2026-05-20");
	assert_string_equal(b, "2026-08-20");
}

static void test_empty_store(void **state)
{
	spm_date first = {0}, last = {0};
	bool any = true;
	spm_money m[3] = {{SENTINEL}, {SENTINEL}, {SENTINEL}};
	spm_error err;
	int calls = 0;
	assert_int_equal(spm_bookings_span(*state, &first, &last, &any, &err), SPM_OK);
	assert_false(any);
	assert_int_equal(
	    spm_bookings_series(*state, NULL, SPM_STEP_MONTH, D("2026-01-01"), 3, m, &err), SPM_OK);
	for (size_t k = 0; k < 3; k++)
		assert_int_equal(m[k].units, 0);
	assert_int_equal(spm_bookings_series_by_rep(*state, NULL, SPM_STEP_MONTH, D("2026-01-01"),
	                                            3, series_stop, &calls, &err),
	                 SPM_OK);
	assert_int_equal(calls, 0);
	/* the pipeline lists the active reps with nothing */
	spm_pipeline_query q = query("2026-Q3", "2026-08-15", 0);
	q.levels = 1u << SPM_LEVEL_REP | 1u << SPM_LEVEL_COMPANY;
	pipeline_ok(*state, &q, figures_row);
	assert_string_equal(out, "rep a1: closed 0 commit 0 best 0 open 0 omitted 0 weighted 0"
	                         " deals 0 overdue 0/0 run 0 USD\n"
	                         "rep a2: closed 0 commit 0 best 0 open 0 omitted 0 weighted 0"
	                         " deals 0 overdue 0/0 run 0 USD\n"
	                         "rep b1: closed 0 commit 0 best 0 open 0 omitted 0 weighted 0"
	                         " deals 0 overdue 0/0 run 0 USD\n"
	                         "company -: closed 0 commit 0 best 0 open 0 omitted 0 weighted 0"
	                         " deals 0 overdue 0/0 run 0 USD\n");
}

/* ---- the cost of a forecast ----------------------------------------------------------------- */

/*
 * r1 and r2 on plan fc in 2026-Q3, each with a quota of 10,000: 5% of sales up to the quota,
 * 10% above it. As of 2026-08-15, r1 has won A, 10,000: 500.
 */
static const char cost_plan[] = "plan: fc\ncurrency: USD\nperiod: quarter\n"
                                "effective: {from: 2026-01-01}\n"
                                "components:\n"
                                "  - name: sales\n"
                                "    quota: bookings\n"
                                "    rates:\n"
                                "      on: attainment\n"
                                "      method: graduated\n"
                                "      tiers: [{upto: 100%, rate: 5%}, {rate: 10%}]\n";

static int setup_cost(void **state)
{
	spm_store *st = teststore_open("pipeline-cost");
	teststore_load(st, SPM_KIND_REPS, "rep_id\nr1\nr2\n");
	teststore_load(st, SPM_KIND_STAGES,
	               "stage,status,probability,forecast_category\nProposal,open,40%,best_case\n");
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,currency,close_date,stage,status,forecast_category\n"
	               "A,r1,10000,USD,2026-07-10,,won,\n"
	               "B,r1,5000,USD,2026-09-10,,open,commit\n"
	               "C,r2,3000,USD,2026-09-01,Proposal,open,\n" /* best case by its stage */
	               "D,r2,2000,USD,2026-08-20,,open,\n"         /* pipeline */
	               "E,r1,4000,USD,2026-09-15,,open,omitted\n"  /* never lands */
	               "F,r1,7000,USD,2026-08-01,,open,commit\n"   /* before the as-of day */
	               "G,r2,1000,USD,2026-10-05,,open,commit\n"   /* after the period */
	               "H,r1,600,USD,2026-09-20,,open,closed\n"    /* `closed`: commit */
	               "I,r2,800,USD,2026-09-02,,lost,commit\n");
	teststore_load(st, SPM_KIND_QUOTAS,
	               "rep_id,period,amount\nr1,2026-Q3,10000\n"
	               "r2,2026-Q3,10000\n");
	teststore_load(st, SPM_KIND_ASSIGNMENTS,
	               "rep_id,plan,from\nr1,fc,2026-01-01\n"
	               "r2,fc,2026-01-01\n");
	*state = st;
	return 0;
}

static int whatif_row(void *ctx, const spm_whatif_row *row)
{
	char a[SPM_NUM_BUFSZ], b[SPM_NUM_BUFSZ], c[SPM_NUM_BUFSZ];
	(void)ctx;
	spm_money_format(a, sizeof a, row->old_pay, 2);
	spm_money_format(b, sizeof b, row->new_pay, 2);
	spm_money_format(c, sizeof c, row->diff, 2);
	append("%s %s %s %s %s\n", row->rep_id, row->currency, a, b, c);
	return 0;
}

/* The deals' statuses and the runs kept: what a forecast's cost must leave as it was. */
static void store_state(spm_store *st, char *buf, size_t size)
{
	spm_stmt *s = NULL;
	spm_error err;
	if (spm_stmt_prepare(st, &s,
	                     "SELECT (SELECT group_concat(deal_id || ':' || status, ' ') FROM"
	                     " (SELECT deal_id, status FROM deals ORDER BY deal_id)),"
	                     " (SELECT count(*) FROM runs), (SELECT count(*) FROM payout_lines),"
	                     " (SELECT count(*) FROM plans)",
	                     &err))
		fail_msg("prepare: %s", err.message);
	assert_int_equal(spm_stmt_step(s, &err), SPM_ROW);
	snprintf(buf, size, "%s runs %lld lines %lld plans %lld", spm_stmt_text(s, 0, NULL),
	         (long long)spm_stmt_int64(s, 1), (long long)spm_stmt_int64(s, 2),
	         (long long)spm_stmt_int64(s, 3));
	spm_stmt_finalize(s);
}

static int cost(spm_store *st, const char *as_of, spm_fc_category scenario, spm_error *err)
{
	spm_plan *plan = NULL;
	spm_period q3 = P("2026-Q3");
	if (spm_plan_parse(&plan, "fc.yaml", cost_plan, strlen(cost_plan), err))
		fail_msg("plan: %s", err->message);
	spm_run_plan rp = {plan, cost_plan, strlen(cost_plan)};
	out[0] = '\0';
	int rc = spm_forecast_cost(st, &rp, 1, &q3, D(as_of), scenario, whatif_row, NULL, err);
	spm_plan_free(plan);
	return rc;
}

static void cost_ok(spm_store *st, const char *as_of, spm_fc_category scenario)
{
	spm_error err;
	if (cost(st, as_of, scenario, &err))
		fail_msg("forecast cost: %s", err.message);
}

/*
 * Commit lands B 5,000 and H 600 (`closed` on an open deal): r1's base 15,600, 5% of 10,000 +
 * 10% of 5,600 = 500 + 560 = 1,060, 560 more. F closed before the as-of day, G after the period,
 * E is omitted, I lost: none lands. r2 has nothing committed: 0 either way.
 * Best case also lands C, 3,000 by its stage: r2 5% = 150. Pipeline also lands D, 2,000: r2
 * 5,000 × 5% = 250.
 */
static void test_forecast_cost(void **state)
{
	spm_store *st = *state;
	char before[1024], after[1024];
	store_state(st, before, sizeof before);
	assert_string_equal(before, "A:won B:open C:open D:open E:open F:open G:open H:open I:lost"
	                            " runs 0 lines 0 plans 0");
	cost_ok(st, "2026-08-15", SPM_FC_COMMIT);
	assert_string_equal(out, "r1 USD 500.00 1060.00 560.00\nr2 USD 0.00 0.00 0.00\n");
	cost_ok(st, "2026-08-15", SPM_FC_BEST_CASE);
	assert_string_equal(out, "r1 USD 500.00 1060.00 560.00\nr2 USD 0.00 150.00 150.00\n");
	cost_ok(st, "2026-08-15", SPM_FC_PIPELINE);
	assert_string_equal(out, "r1 USD 500.00 1060.00 560.00\nr2 USD 0.00 250.00 250.00\n");
	store_state(st, after, sizeof after);
	assert_string_equal(after, before);
}

/*
 * As of 2026-06-01, before the period, deals land from its first day: F too. r1: 10,000 + 5,000
 * + 7,000 + 600 = 22,600: 500 + 10% of 12,600 = 1,760. As of 2026-09-30 only the last day: none
 * of them, the cost is 0. After the period nothing is left to land.
 */
static void test_forecast_cost_as_of(void **state)
{
	spm_store *st = *state;
	char before[1024], after[1024];
	store_state(st, before, sizeof before);
	cost_ok(st, "2026-06-01", SPM_FC_COMMIT);
	assert_string_equal(out, "r1 USD 500.00 1760.00 1260.00\nr2 USD 0.00 0.00 0.00\n");
	cost_ok(st, "2026-09-30", SPM_FC_PIPELINE);
	assert_string_equal(out, "r1 USD 500.00 500.00 0.00\nr2 USD 0.00 0.00 0.00\n");
	cost_ok(st, "2026-11-01", SPM_FC_PIPELINE);
	assert_string_equal(out, "r1 USD 500.00 500.00 0.00\nr2 USD 0.00 0.00 0.00\n");
	store_state(st, after, sizeof after);
	assert_string_equal(after, before);
}

static void test_forecast_cost_bad_scenario(void **state)
{
	spm_store *st = *state;
	spm_error err;
	assert_int_equal(cost(st, "2026-08-15", SPM_FC_OMITTED, &err), SPM_EUSAGE);
	assert_int_equal(cost(st, "2026-08-15", SPM_FC_CLOSED, &err), SPM_EUSAGE);
	assert_int_equal(cost(st, "2026-08-15", (spm_fc_category)42, &err), SPM_EUSAGE);
	assert_string_equal(out, "");
	/* no plan at all */
	spm_period q3 = P("2026-Q3");
	assert_int_equal(spm_forecast_cost(st, NULL, 0, &q3, D("2026-08-15"), SPM_FC_COMMIT,
	                                   whatif_row, NULL, &err),
	                 SPM_EUSAGE);
	char state_text[1024];
	store_state(st, state_text, sizeof state_text);
	assert_non_null(strstr(state_text, "runs 0 lines 0 plans 0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_category_names),
	    cmocka_unit_test_setup_teardown(test_figures_every_level, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_rows_and_names, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_weighted_half_up, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_manager_own_deal, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_run_rate_window, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_currency, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_missing_rate, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_filters, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_filters, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_callback_stops, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_calls, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_period_to_come, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_period_past, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_snapshot, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_snapshot_fails_whole, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_accuracy, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_accuracy_undefined, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_accuracy_refusals, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_monthly_bookings, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_weekly_bookings, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_monthly_bookings_by_rep, setup,
	                                    teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_bookings_span, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_empty_store, setup_empty, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_forecast_cost, setup_cost, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_forecast_cost_as_of, setup_cost,
	                                    teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_forecast_cost_bad_scenario, setup_cost,
	                                    teststore_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
