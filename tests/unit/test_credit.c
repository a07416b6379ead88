/*
 * Unit tests of credit lines: owners, revenue splits and overlays, team roll-ups and territories,
 * the rule's filters, `where` and window, cancellations, margins, the period's bounds and the
 * rounding of shares, over small stores built with the importer; and, over a generated store, that
 * the query for one rep gives exactly that rep's lines of the query for all.
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
static char out[1 << 18];

static int collect(void *ctx, const spm_credit_line *l)
{
	char share[SPM_NUM_BUFSZ], amount[SPM_NUM_BUFSZ], margin[SPM_NUM_BUFSZ + 3] = "";
	(void)ctx;
	spm_rate_format(share, sizeof share, l->share, true);
	spm_money_format(amount, sizeof amount, l->amount, 2);
	if (l->has_margin) {
		memcpy(margin, " m=", 3);
		spm_money_format(margin + 3, sizeof margin - 3, l->margin, 2);
	} else {
		assert_int_equal(l->margin.units, 0);
	}
	/* via_rep is there exactly for team lines. */
	assert_true((l->role == SPM_ROLE_TEAM) == (l->via_rep != NULL));
	size_t n = strlen(out);
	assert_true(n < sizeof out - 300);
	snprintf(out + n, sizeof out - n, "%s %s %s %s %s%s%s%s\n", l->rep_id, l->deal_id,
	         spm_credit_role_name(l->role), share, amount, margin, l->via_rep ? " via " : "",
	         l->via_rep ? l->via_rep : "");
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

/* The same, through the query with options. */
static const char *credits_q(spm_store *st, spm_credit_query q, const char *first, const char *last)
{
	spm_error err;
	out[0] = '\0';
	assert_int_equal(spm_date_parse(&q.first, first, strlen(first), NULL, &err), SPM_OK);
	assert_int_equal(spm_date_parse(&q.last, last, strlen(last), NULL, &err), SPM_OK);
	if (spm_credits_ex(st, &q, collect, NULL, &err))
		fail_msg("credits: %s", err.message);
	return out;
}

static spm_date day(const char *text)
{
	spm_date d;
	assert_int_equal(spm_date_parse(&d, text, strlen(text), NULL, NULL), SPM_OK);
	return d;
}

/*
 * A small organisation: m0 manages m1 and c; m1 manages a and b; x stands alone. Territories: T
 * above T1 and T2, T1 above T11. Reps sit in T (m0), T1 (m1 and x), T11 (a), T2 (c); b has none.
 */
static int setup_org(void **state)
{
	spm_store *st = teststore_open("credit-org");
	teststore_load(st, SPM_KIND_TERRITORIES,
	               "territory_id,parent_id\nT,\nT1,T\nT11,T1\nT2,T\n");
	teststore_load(st, SPM_KIND_REPS,
	               "rep_id,manager_id,territory\nm0,,T\nm1,m0,T1\na,m1,T11\nb,m1,\n"
	               "c,m0,T2\nx,,T1\n");
	teststore_load(
	    st, SPM_KIND_DEALS,
	    "deal_id,rep_id,territory,account,amount,margin,status,close_date,cancel_date,segment\n"
	    "D1,a,T11,acme,1000,400,won,2026-01-10,,smb\n"
	    "D2,b,,globex,600,,won,2026-02-10,,ent\n"      /* split a 50% : b 50% */
	    "D3,c,,initech,300,90,won,2026-03-05,,mid\n"   /* overlay a */
	    "D4,,T11,acme,800,160,won,2026-01-20,,\n"      /* no owner: territory */
	    "D5,,T2,acme,200,,won,2026-02-20,,smb\n"       /* no owner: territory */
	    "D6,,T1,acme,100,,won,2026-02-25,,\n"          /* no owner but split to c */
	    "D7,a,,acme,500,,won,2026-02-15,2026-03-10,\n" /* cancelled in March */
	    "D8,a,,acme,700,,won,2026-03-20,2026-03-31,\n" /* cancelled on the quarter's last day */
	    "D9,a,,acme,900,,lost,2026-03-21,,\n");
	teststore_load(st, SPM_KIND_CREDITS,
	               "deal_id,rep_id,share,kind\nD2,a,50%,revenue\nD2,b,50%,revenue\n"
	               "D3,a,100%,overlay\nD6,c,100%,revenue\n");
	*state = st;
	return 0;
}

static spm_credit_query query(const spm_plan_credit *r)
{
	return (spm_credit_query){.rule = r, .mode = SPM_ROUND_HALF_UP};
}

static void test_roles_of_the_org(void **state)
{
	spm_plan_credit r = default_rule();
	r.roles = SPM_CREDIT_OWNER | SPM_CREDIT_SPLIT | SPM_CREDIT_OVERLAY;
	/* D7 and D8 are cancelled by the quarter's end; D9 is lost; D4 and D5 have no owner. */
	assert_string_equal(credits_q(*state, query(&r), "2026-01-01", "2026-03-31"),
	                    "a D1 owner 100% 1000.00 m=400.00\n"
	                    "a D2 split 50% 300.00\n"
	                    "a D3 overlay 100% 300.00 m=90.00\n"
	                    "b D2 split 50% 300.00\n"
	                    "c D6 split 100% 100.00\n"
	                    "c D3 owner 100% 300.00 m=90.00\n");
}

static void test_team_all_levels_and_direct(void **state)
{
	spm_plan_credit r = default_rule();
	r.roles = SPM_CREDIT_TEAM;
	/* Overlays (D3 to a) do not roll up; m0 gets a's and b's lines through m1. */
	const char *all = "m0 D1 team 100% 1000.00 m=400.00 via a\n"
	                  "m0 D2 team 50% 300.00 via a\n"
	                  "m0 D2 team 50% 300.00 via b\n"
	                  "m0 D6 team 100% 100.00 via c\n"
	                  "m0 D3 team 100% 300.00 m=90.00 via c\n"
	                  "m1 D1 team 100% 1000.00 m=400.00 via a\n"
	                  "m1 D2 team 50% 300.00 via a\n"
	                  "m1 D2 team 50% 300.00 via b\n";
	assert_string_equal(credits_q(*state, query(&r), "2026-01-01", "2026-03-31"), all);
	spm_credit_query q = query(&r);
	q.team_direct_only = true;
	assert_string_equal(credits_q(*state, q, "2026-01-01", "2026-03-31"),
	                    "m0 D6 team 100% 100.00 via c\n"
	                    "m0 D3 team 100% 300.00 m=90.00 via c\n"
	                    "m1 D1 team 100% 1000.00 m=400.00 via a\n"
	                    "m1 D2 team 50% 300.00 via a\n"
	                    "m1 D2 team 50% 300.00 via b\n");
	/* One manager, as explain asks; a rep who manages nobody has no team lines. */
	q = query(&r);
	q.rep_id = "m1";
	assert_string_equal(credits_q(*state, q, "2026-01-01", "2026-03-31"),
	                    "m1 D1 team 100% 1000.00 m=400.00 via a\n"
	                    "m1 D2 team 50% 300.00 via a\n"
	                    "m1 D2 team 50% 300.00 via b\n");
	q.rep_id = "a";
	assert_string_equal(credits_q(*state, q, "2026-01-01", "2026-03-31"), "");
	/* Team lines pass the rule's filters like the lines they roll up. */
	static const char *const smb[] = {"smb"};
	spm_plan_filter w = {"segment", {smb, 1}};
	r.where = &w;
	r.nwhere = 1;
	assert_string_equal(credits_q(*state, query(&r), "2026-01-01", "2026-03-31"),
	                    "m0 D1 team 100% 1000.00 m=400.00 via a\n"
	                    "m1 D1 team 100% 1000.00 m=400.00 via a\n");
}

static void test_territory(void **state)
{
	spm_plan_credit r = default_rule();
	r.roles = SPM_CREDIT_TERRITORY;
	/* D4 lies in T11: a (T11), m1 and x (T1, each 100%), m0 (T). D5 in T2: c and m0. D6 has a
	 * split, so its territory credits nothing. b has no territory. */
	assert_string_equal(credits_q(*state, query(&r), "2026-01-01", "2026-03-31"),
	                    "a D4 territory 100% 800.00 m=160.00\n"
	                    "c D5 territory 100% 200.00\n"
	                    "m0 D4 territory 100% 800.00 m=160.00\n"
	                    "m0 D5 territory 100% 200.00\n"
	                    "m1 D4 territory 100% 800.00 m=160.00\n"
	                    "x D4 territory 100% 800.00 m=160.00\n");
	spm_credit_query q = query(&r);
	q.rep_id = "m0";
	assert_string_equal(credits_q(*state, q, "2026-01-01", "2026-03-31"),
	                    "m0 D4 territory 100% 800.00 m=160.00\n"
	                    "m0 D5 territory 100% 200.00\n");
	q.rep_id = "b";
	assert_string_equal(credits_q(*state, q, "2026-01-01", "2026-03-31"), "");
	q.rep_id = "nobody";
	assert_string_equal(credits_q(*state, q, "2026-01-01", "2026-03-31"), "");
}

static void test_where(void **state)
{
	static const char *const accounts[] = {"globex", "initech"};
	static const char *const segments[] = {"smb", "mid"};
	static const char *const quote[] = {"x' OR 1=1 --"};
	spm_plan_credit r = default_rule();
	r.roles = SPM_CREDIT_OWNER | SPM_CREDIT_SPLIT;
	spm_plan_filter w[2] = {{"account", {accounts, 2}}, {"segment", {segments, 2}}};
	r.where = w;
	r.nwhere = 1;
	assert_string_equal(credits_q(*state, query(&r), "2026-01-01", "2026-03-31"),
	                    "a D2 split 50% 300.00\nb D2 split 50% 300.00\n"
	                    "c D3 owner 100% 300.00 m=90.00\n");
	/* An attribute; deals without it (D6) fail the filter. */
	r.where = w + 1;
	assert_string_equal(credits_q(*state, query(&r), "2026-01-01", "2026-03-31"),
	                    "a D1 owner 100% 1000.00 m=400.00\nc D3 owner 100% 300.00 m=90.00\n");
	/* Both: every filter must pass. */
	r.where = w;
	r.nwhere = 2;
	assert_string_equal(credits_q(*state, query(&r), "2026-01-01", "2026-03-31"),
	                    "c D3 owner 100% 300.00 m=90.00\n");
	/* Values are bound, never spliced: a quote is a value like any other. */
	spm_plan_filter q1 = {"account", {quote, 1}};
	r.where = &q1;
	r.nwhere = 1;
	assert_string_equal(credits_q(*state, query(&r), "2026-01-01", "2026-03-31"), "");
	/* An attribute no deal has, named like SQL. */
	spm_plan_filter q2 = {"seg') OR 1=1 --", {segments, 2}};
	r.where = &q2;
	assert_string_equal(credits_q(*state, query(&r), "2026-01-01", "2026-03-31"), "");
}

static void test_window_and_cancellations(void **state)
{
	spm_plan_credit r = default_rule();
	r.roles = SPM_CREDIT_OWNER;
	/* D7 (cancelled 03-10) still counts in a query ending before: it was cancelled after. */
	assert_string_equal(credits_q(*state, query(&r), "2026-01-01", "2026-02-28"),
	                    "a D1 owner 100% 1000.00 m=400.00\na D7 owner 100% 500.00\n");
	assert_string_equal(credits_q(*state, query(&r), "2026-01-01", "2026-03-09"),
	                    "a D1 owner 100% 1000.00 m=400.00\na D7 owner 100% 500.00\n"
	                    "c D3 owner 100% 300.00 m=90.00\n");
	/* Cancelled on the last day, or before it: nothing. */
	assert_string_equal(credits_q(*state, query(&r), "2026-01-01", "2026-03-10"),
	                    "a D1 owner 100% 1000.00 m=400.00\nc D3 owner 100% 300.00 m=90.00\n");
	assert_string_equal(credits_q(*state, query(&r), "2026-03-01", "2026-03-30"),
	                    "a D8 owner 100% 700.00\nc D3 owner 100% 300.00 m=90.00\n");
	assert_string_equal(credits_q(*state, query(&r), "2026-03-01", "2026-03-31"),
	                    "c D3 owner 100% 300.00 m=90.00\n");

	/* The window narrows the range; cancellations are still judged at the range's end. */
	r.has_window = true;
	r.window_from = day("2026-02-01");
	r.window_to = day("2026-03-05");
	assert_string_equal(credits_q(*state, query(&r), "2026-01-01", "2026-03-31"),
	                    "c D3 owner 100% 300.00 m=90.00\n");
	assert_string_equal(credits_q(*state, query(&r), "2026-01-01", "2026-02-28"),
	                    "a D7 owner 100% 500.00\n");
	/* Inclusive bounds. */
	r.window_from = day("2026-01-10");
	r.window_to = day("2026-01-10");
	assert_string_equal(credits_q(*state, query(&r), "2026-01-01", "2026-03-31"),
	                    "a D1 owner 100% 1000.00 m=400.00\n");
	/* A window outside the range, and one that is empty. */
	r.window_from = day("2025-01-01");
	r.window_to = day("2025-12-31");
	assert_string_equal(credits_q(*state, query(&r), "2026-01-01", "2026-03-31"), "");
	r.window_from = day("2026-03-31");
	r.window_to = day("2026-01-01");
	assert_string_equal(credits_q(*state, query(&r), "2026-01-01", "2026-03-31"), "");
	/* Without has_window the bounds are ignored. */
	r.has_window = false;
	assert_string_equal(credits_q(*state, query(&r), "2026-01-10", "2026-01-10"),
	                    "a D1 owner 100% 1000.00 m=400.00\n");
}

static void test_margin_rounding(void **state)
{
	spm_error err;
	/* Margin × share rounds like the amount: 0.0003 × 50% = 0.00015. */
	assert_int_equal(
	    spm_store_exec(*state, "UPDATE deals SET margin = 3 WHERE deal_id = 'D2'", &err),
	    SPM_OK);
	spm_plan_credit r = default_rule();
	r.roles = SPM_CREDIT_SPLIT;
	spm_credit_query q = query(&r);
	q.rep_id = "a";
	assert_string_equal(credits_q(*state, q, "2026-02-01", "2026-02-28"),
	                    "a D2 split 50% 300.00 m=0.0002\n");
	q.mode = SPM_ROUND_DOWN;
	assert_string_equal(credits_q(*state, q, "2026-02-01", "2026-02-28"),
	                    "a D2 split 50% 300.00 m=0.0001\n");
	/* A negative margin (a loss) is credited as such. */
	assert_int_equal(
	    spm_store_exec(*state, "UPDATE deals SET margin = -500000 WHERE deal_id = 'D2'", &err),
	    SPM_OK);
	q.mode = SPM_ROUND_HALF_UP;
	assert_string_equal(credits_q(*state, q, "2026-02-01", "2026-02-28"),
	                    "a D2 split 50% 300.00 m=-25.00\n");
}

static void test_hierarchy_loop_ends(void **state)
{
	spm_error err;
	/* The importer refuses loops; a store edited by hand may still have one. */
	assert_int_equal(
	    spm_store_exec(*state, "UPDATE reps SET manager_id = 'a' WHERE rep_id = 'm0'", &err),
	    SPM_OK);
	assert_int_equal(
	    spm_store_exec(
	        *state, "UPDATE territories SET parent_id = 'T11' WHERE territory_id = 'T'", &err),
	    SPM_OK);
	spm_plan_credit r = default_rule();
	r.roles = SPM_CREDIT_TEAM;
	spm_credit_query q = query(&r);
	q.rep_id = "a";
	/* a is now above m0, hence above everyone and itself: never credited with its own lines
	 * (D1 in January, its half of D2), once with each other line. */
	assert_string_equal(credits_q(*state, q, "2026-01-01", "2026-01-31"), "");
	assert_string_equal(credits_q(*state, q, "2026-02-01", "2026-02-28"),
	                    "a D2 team 50% 300.00 via b\na D6 team 100% 100.00 via c\n");
	r.roles = SPM_CREDIT_TERRITORY;
	q = query(&r);
	q.rep_id = "x";
	/* x's T1 is now above T11, above T, above T1 again and T2: the walk ends, each once. */
	assert_string_equal(credits_q(*state, q, "2026-01-01", "2026-03-31"),
	                    "x D4 territory 100% 800.00 m=160.00\nx D5 territory 100% 200.00\n");
}

static void test_usage_errors(void **state)
{
	static const char *const v[] = {"x"};
	spm_plan_credit r = default_rule();
	spm_credit_query q = query(&r);
	spm_error err;
	int seen = 0;
	q.last = day("2026-12-31");

	assert_int_equal(spm_credits_ex(*state, NULL, stop_at_first, &seen, &err), SPM_EUSAGE);
	assert_int_equal(spm_credits_ex(*state, &q, NULL, &seen, &err), SPM_EUSAGE);
	q.rule = NULL;
	assert_int_equal(spm_credits_ex(*state, &q, stop_at_first, &seen, &err), SPM_EUSAGE);
	q.rule = &r;
	q.mode = (spm_rounding)99;
	assert_int_equal(spm_credits_ex(*state, &q, stop_at_first, &seen, &err), SPM_EUSAGE);
	assert_non_null(strstr(err.message, "rounding"));
	q.mode = SPM_ROUND_HALF_UP;
	spm_plan_filter w = {NULL, {v, 1}};
	r.where = &w;
	r.nwhere = 1;
	assert_int_equal(spm_credits_ex(*state, &q, stop_at_first, &seen, &err), SPM_EUSAGE);
	w.field = "";
	assert_int_equal(spm_credits_ex(*state, &q, stop_at_first, &seen, &err), SPM_EUSAGE);
	w.field = "segment";
	w.values.n = 0;
	assert_int_equal(spm_credits_ex(*state, &q, stop_at_first, &seen, &err), SPM_EUSAGE);
	assert_string_equal(err.message, "where 'segment': no values");
	w.values.n = 1;
	w.field = "seg\"ment";
	assert_int_equal(spm_credits_ex(*state, &q, stop_at_first, &seen, &err), SPM_EUSAGE);
	assert_string_equal(err.message, "where 'seg\"ment': an attribute name cannot hold '\"'");
	assert_int_equal(seen, 0);
}

static int count_lines(void *ctx, const spm_credit_line *l)
{
	int *seen = ctx;
	(void)l;
	(*seen)++;
	return 0;
}

static void test_store_faults(void **state)
{
	spm_plan_credit r = default_rule();
	spm_credit_query q = query(&r);
	spm_error err;
	int seen = 0;
	q.first = day("2026-01-01");
	q.last = day("2026-03-31");

	/* A share no import allows, so that the product does not fit. */
	assert_int_equal(
	    spm_store_exec(*state,
	                   "UPDATE deals SET amount = 900000000000000000 WHERE deal_id = 'D2';"
	                   "UPDATE credits SET share = 1000000000000 WHERE deal_id = 'D2'",
	                   &err),
	    SPM_OK);
	assert_int_equal(spm_credits_ex(*state, &q, count_lines, &seen, &err), SPM_ERANGE);
	assert_string_equal(err.message,
	                    "deal 'D2': amount times the share of rep 'a' is out of range");
	assert_int_equal(spm_store_exec(*state,
	                                "UPDATE deals SET amount = 1, margin = 900000000000000000"
	                                " WHERE deal_id = 'D2'",
	                                &err),
	                 SPM_OK);
	assert_int_equal(spm_credits_ex(*state, &q, count_lines, &seen, &err), SPM_ERANGE);
	assert_string_equal(err.message,
	                    "deal 'D2': margin times the share of rep 'a' is out of range");
	/* A date in the range's text order that is not a day. */
	assert_int_equal(
	    spm_store_exec(*state,
	                   "DELETE FROM credits WHERE deal_id = 'D2';"
	                   "UPDATE deals SET close_date = '2026-01-1x' WHERE deal_id = 'D1'",
	                   &err),
	    SPM_OK);
	assert_int_equal(spm_credits_ex(*state, &q, count_lines, &seen, &err), SPM_ESTORE);
	assert_string_equal(err.message, "deal 'D1': date '2026-01-1x' is not a day");
	/* An attribute column that is not JSON: the store's failure comes through. */
	static const char *const v[] = {"smb"};
	spm_plan_filter w = {"segment", {v, 1}};
	r.where = &w;
	r.nwhere = 1;
	assert_int_equal(
	    spm_store_exec(*state,
	                   "UPDATE deals SET close_date = '2026-01-10' WHERE deal_id = 'D1';"
	                   "UPDATE deals SET attrs = '{' WHERE deal_id = 'D2'",
	                   &err),
	    SPM_OK);
	seen = 0;
	assert_int_equal(spm_credits_ex(*state, &q, count_lines, &seen, &err), SPM_ESTORE);
	assert_non_null(strstr(err.message, "JSON"));
	assert_int_equal(seen, 0);
}

static void test_role_names(void **state)
{
	(void)state;
	assert_string_equal(spm_credit_role_name(SPM_ROLE_OWNER), "owner");
	assert_string_equal(spm_credit_role_name(SPM_ROLE_SPLIT), "split");
	assert_string_equal(spm_credit_role_name(SPM_ROLE_OVERLAY), "overlay");
	assert_string_equal(spm_credit_role_name(SPM_ROLE_TEAM), "team");
	assert_string_equal(spm_credit_role_name(SPM_ROLE_TERRITORY), "territory");
	assert_string_equal(spm_credit_role_name((spm_credit_role)5), "?");
	assert_int_equal(SPM_ROLE_OWNER, 0);
	assert_int_equal(SPM_ROLE_TERRITORY, 4);
}

/* A generated store: the same seed gives the same store. */
static uint64_t rng;

static unsigned pick(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

enum { NREPS = 14, NDEALS = 160, NTERR = 5 };

struct gen_deal {
	int64_t amount;
	bool split;
	char status[5];
	char close[11], cancel[11];
};

static struct gen_deal gen[NDEALS];

/* A day of 2026 in month m (at most December), between days lo and lo + spread - 1. */
static void gen_day(char buf[11], unsigned m, unsigned lo, unsigned spread)
{
	snprintf(buf, 11, "2026-%02u-%02u", (m > 12 ? 12 : m) % 100, (lo + pick(spread)) % 100);
}

/*
 * Reps p00..p13 in a random hierarchy (a manager always comes earlier) and random territories of
 * G0 > G1 > G3 > G4 and G0 > G2; deals with and without owners, splits of 100%, 50/50 and
 * 25/25/50 with amounts that divide by 4, overlays, margins, cancellations and an attribute.
 */
static spm_store *generate(uint64_t seed)
{
	static const char *const statuses[] = {"won", "won", "won", "lost", "open"};
	static const char *const splits[][3] = {{"100%"}, {"50%", "50%"}, {"25%", "25%", "50%"}};
	static char reps[4096], deals[32768], credits[16384];
	spm_store *st = teststore_open("credit-gen");
	size_t n;

	rng = seed;
	n = (size_t)snprintf(reps, sizeof reps, "rep_id,manager_id,territory\n");
	for (int i = 0; i < NREPS; i++) {
		char mgr[8] = "", terr[8] = "";
		if (i > 0 && pick(5))
			snprintf(mgr, sizeof mgr, "p%02u", pick((unsigned)i));
		if (pick(4))
			snprintf(terr, sizeof terr, "G%u", pick(NTERR));
		n += (size_t)snprintf(reps + n, sizeof reps - n, "p%02d,%s,%s\n", i, mgr, terr);
	}
	n = (size_t)snprintf(deals, sizeof deals,
	                     "deal_id,rep_id,territory,amount,margin,status,close_date,"
	                     "created_date,cancel_date,type,segment\n");
	size_t nc = (size_t)snprintf(credits, sizeof credits, "deal_id,rep_id,share,kind\n");
	for (int i = 0; i < NDEALS; i++) {
		struct gen_deal *g = &gen[i];
		char rep[8] = "", terr[8] = "", margin[24] = "", created[11];
		g->amount = 4 * (int64_t)(1 + pick(2500000));
		if (pick(5))
			snprintf(rep, sizeof rep, "p%02u", pick(NREPS));
		if (pick(3))
			snprintf(terr, sizeof terr, "G%u", pick(NTERR));
		if (pick(2))
			snprintf(margin, sizeof margin, "%u.%04u", pick(5000), pick(10000));
		snprintf(g->status, sizeof g->status, "%s", statuses[pick(5)]);
		/* Created, closed and cancelled in this order, as the importer wants. */
		unsigned month = 1 + pick(4);
		gen_day(created, month, 1, 14);
		month += pick(3);
		gen_day(g->close, month, 15, 14);
		g->cancel[0] = '\0';
		if (!pick(6))
			gen_day(g->cancel, month + 1 + pick(3), 1, 28);
		n += (size_t)snprintf(
		    deals + n, sizeof deals - n, "q%03d,%s,%s,%lld.%04lld,%s,%s,%s,%s,%s,%s,%s\n",
		    i, rep, terr, (long long)(g->amount / 10000), (long long)(g->amount % 10000),
		    margin, g->status, g->close, created, g->cancel, pick(2) ? "new" : "renewal",
		    pick(2) ? "smb" : "ent");
		g->split = pick(5) < 2;
		if (g->split) {
			unsigned k = pick(3), first = pick(NREPS);
			for (unsigned j = 0; j <= k; j++)
				nc += (size_t)snprintf(credits + nc, sizeof credits - nc,
				                       "q%03d,p%02u,%s,revenue\n", i,
				                       (first + j * 5) % NREPS, splits[k][j]);
		}
		if (!pick(5))
			nc += (size_t)snprintf(credits + nc, sizeof credits - nc,
			                       "q%03d,p%02u,%s,overlay\n", i, pick(NREPS),
			                       pick(2) ? "100%" : "50%");
	}
	assert_true(n < sizeof deals - 1 && nc < sizeof credits - 1);
	teststore_load(st, SPM_KIND_TERRITORIES,
	               "territory_id,parent_id\nG0,\nG1,G0\nG2,G0\nG3,G1\nG4,G3\n");
	teststore_load(st, SPM_KIND_REPS, reps);
	teststore_load(st, SPM_KIND_DEALS, deals);
	teststore_load(st, SPM_KIND_CREDITS, credits);
	return st;
}

/* The lines of `all` that credit `rep`, in their order. */
static void lines_of(char *dst, size_t size, const char *all, const char *rep)
{
	size_t n = 0, len = strlen(rep);
	dst[0] = '\0';
	for (const char *l = all; *l;) {
		const char *end = strchr(l, '\n') + 1;
		if (strncmp(l, rep, len) == 0 && l[len] == ' ') {
			assert_true(n + (size_t)(end - l) < size);
			memcpy(dst + n, l, (size_t)(end - l));
			n += (size_t)(end - l);
			dst[n] = '\0';
		}
		l = end;
	}
}

static void test_one_rep_is_its_share_of_all(void **state)
{
	static char all[1 << 18], mine[1 << 16];
	static const char *const smb[] = {"smb"};
	static const char *const news[] = {"new"};
	static const char *const ranges[][2] = {{"2026-01-01", "2026-03-31"},
	                                        {"2026-02-01", "2026-02-28"},
	                                        {"2026-01-01", "2026-12-31"}};
	spm_plan_filter w = {"segment", {smb, 1}};
	size_t lines = 0;

	for (uint64_t seed = 1; seed <= 4; seed++) {
		*state = generate(seed * 0x9E3779B97F4A7C15u);
		for (unsigned variant = 0; variant < 12; variant++) {
			spm_plan_credit r = default_rule();
			r.roles = SPM_CREDIT_OWNER | SPM_CREDIT_SPLIT | SPM_CREDIT_OVERLAY |
			          SPM_CREDIT_TEAM | SPM_CREDIT_TERRITORY;
			if (variant & 1)
				r.statuses = 7;
			if (variant & 2) {
				r.where = &w;
				r.nwhere = 1;
				r.types = (spm_plan_words){news, 1};
			}
			if (variant & 4) {
				r.has_window = true;
				r.window_from = day("2026-01-15");
				r.window_to = day("2026-05-15");
				r.date = SPM_DATE_CREATED;
			}
			spm_credit_query q = query(&r);
			q.team_direct_only = variant >= 8;
			const char *const *range = ranges[variant % 3];
			snprintf(all, sizeof all, "%s", credits_q(*state, q, range[0], range[1]));
			for (const char *c = all; (c = strchr(c, '\n')) != NULL; c++)
				lines++;
			for (int i = 0; i <= NREPS; i++) {
				char rep[8];
				snprintf(rep, sizeof rep, "p%02d", i); /* p14 is no rep */
				q.rep_id = rep;
				lines_of(mine, sizeof mine, all, rep);
				assert_string_equal(credits_q(*state, q, range[0], range[1]), mine);
			}
		}
		teststore_teardown(state);
	}
	/* The generated stores gave something to compare. */
	assert_true(lines > 1000);
	*state = NULL;
}

/* Sums the split lines per deal. */
static int64_t split_sum[NDEALS];
static int64_t split_deal_amount[NDEALS];

static int add_split(void *ctx, const spm_credit_line *l)
{
	const char *d = l->deal_id;
	(void)ctx;
	assert_true(d[0] == 'q' && strlen(d) == 4);
	int i = (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	assert_in_range(i, 0, NDEALS - 1);
	assert_int_equal(l->role, SPM_ROLE_SPLIT);
	split_sum[i] += l->amount.units;
	split_deal_amount[i] = l->deal_amount.units;
	return 0;
}

static void test_splits_conserve_the_amount(void **state)
{
	spm_plan_credit r = default_rule();
	spm_credit_query q = query(&r);
	spm_error err;
	r.roles = SPM_CREDIT_SPLIT;
	r.statuses = 7;
	q.first = day("2026-01-01");
	q.last = day("2026-04-30");
	for (uint64_t seed = 11; seed <= 13; seed++) {
		size_t seen = 0, want = 0;
		*state = generate(seed * 0x9E3779B97F4A7C15u);
		memset(split_sum, 0, sizeof split_sum);
		memset(split_deal_amount, 0, sizeof split_deal_amount);
		assert_int_equal(spm_credits_ex(*state, &q, add_split, NULL, &err), SPM_OK);
		for (int i = 0; i < NDEALS; i++) {
			const struct gen_deal *g = &gen[i];
			bool counts = g->split && strcmp(g->close, "2026-04-30") <= 0 &&
			              (!g->cancel[0] || strcmp(g->cancel, "2026-04-30") > 0);
			want += counts;
			if (split_deal_amount[i] == 0) {
				assert_false(counts);
				continue;
			}
			seen++;
			assert_true(counts);
			assert_int_equal(split_deal_amount[i], g->amount);
			assert_int_equal(split_sum[i], g->amount);
		}
		assert_int_equal(seen, want);
		assert_true(want > 10);
		teststore_teardown(state);
	}
	*state = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_owner_and_split, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_overlays_and_filters, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_callback_stops, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_roles_of_the_org, setup_org, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_team_all_levels_and_direct, setup_org,
	                                    teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_territory, setup_org, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_where, setup_org, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_window_and_cancellations, setup_org,
	                                    teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_margin_rounding, setup_org, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_hierarchy_loop_ends, setup_org,
	                                    teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_usage_errors, setup_org, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_store_faults, setup_org, teststore_teardown),
	    cmocka_unit_test(test_role_names),
	    cmocka_unit_test(test_one_rep_is_its_share_of_all),
	    cmocka_unit_test(test_splits_conserve_the_amount),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
