/*
 * Unit tests of the readers over stored runs: a store filled by SQL with runs, plans, lines of
 * every kind and the credits behind them, then read back: the run's facts, the lines' order and
 * fields, credits and deal filters, explanations unfolded, pay codes and payroll sums checked
 * against SQL's own sums, totals, closing, and the HTML statement's escaping and totals.
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

#include "spm/html.h"
#include "spm/payouts.h"
#include "spm/writer.h"

#define HASH_AE "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_MGR "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define FORMULA "=cmd|' /C calc'!A0"

static const char explain_json[] =
    "{\"credits\":2,\"base\":\"15000.00\",\"quota\":\"10000.00\",\"attainment\":\"150%\","
    "\"table\":\"graduated on attainment\",\"steps\":[{\"tier\":1,\"base\":\"10000.00\","
    "\"rate\":\"8%\",\"pay\":\"800.00\"},{\"tier\":2,\"base\":\"5000.00\",\"rate\":\"12%\","
    "\"pay\":\"600.00\"}],\"earned\":\"1400.00\",\"cap\":\"1000.00\",\"cut\":\"400.00\","
    "\"rounding\":\"half-up to 2 places\",\"extra\":{\"a\":1},\"flag\":true,\"none\":null}";

static void exec(spm_store *st, const char *sql)
{
	spm_error err;
	if (spm_store_exec(st, sql, &err))
		fail_msg("sql: %s: %s", err.message, sql);
}

static void exec_text(spm_store *st, const char *sql, const char *text)
{
	spm_stmt *s = NULL;
	spm_error err;
	if (spm_stmt_prepare(st, &s, sql, &err))
		fail_msg("sql: %s", err.message);
	assert_int_equal(spm_stmt_bind_text(s, 1, text, strlen(text)), SPM_OK);
	assert_int_equal(spm_stmt_step(s, &err), SPM_DONE);
	spm_stmt_finalize(s);
}

static int64_t query_int(spm_store *st, const char *sql)
{
	spm_stmt *s = NULL;
	spm_error err;
	if (spm_stmt_prepare(st, &s, sql, &err))
		fail_msg("sql: %s", err.message);
	assert_int_equal(spm_stmt_step(s, &err), SPM_ROW);
	int64_t v = spm_stmt_int64(s, 0);
	spm_stmt_finalize(s);
	return v;
}

static spm_period period(const char *name)
{
	spm_period p;
	if (spm_period_parse(&p, name, strlen(name), NULL, NULL))
		fail_msg("period '%s'", name);
	return p;
}

/*
 * Run 1 pays 2026-Q1. Lines are inserted out of their reading order on purpose: r2 before r1, a
 * rep-level draw before the plan lines, the manager plan's line before the AE plan's.
 */
static int setup(void **state)
{
	spm_store *st = teststore_open("payouts");
	teststore_load(st, SPM_KIND_REPS, "rep_id,name\nr1,Ana Lima\nr2,\"<script>&\"\"'\"\nr3,\n");
	exec_text(st, "UPDATE reps SET name = ?1 WHERE rep_id = 'r3'", FORMULA);
	exec(st,
	     "INSERT INTO plans VALUES ('" HASH_AE "', 'ae', 'plans/ae.yaml', 'plan: ae', 'x'),"
	     " ('" HASH_MGR "', 'mgr', 'plans/mgr.yaml', 'plan: mgr', 'x');"
	     "INSERT INTO runs VALUES (1, '2026-Q1', '2026-01-01', '2026-03-31', 'feed',"
	     " '2026-04-01T06:00:00Z', '2026-04-01T06:00:01Z');"
	     "INSERT INTO runs VALUES (2, '2026-Q2', '2026-04-01', '2026-06-30', 'beef',"
	     " '2026-07-01T06:00:00Z', NULL);"
	     "INSERT INTO run_plans VALUES (1, '" HASH_MGR "'), (1, '" HASH_AE "');"
	     "INSERT INTO payout_lines(line_id, run_id, rep_id, plan_hash, plan, component, kind,"
	     " amount, currency, base, earned, reference, reason, explain) VALUES"
	     " (1, 1, 'r2', '" HASH_AE "', 'ae', 'new-business', 'commission', 100001, 'EUR',"
	     "  200000, 100001, NULL, NULL, NULL),"
	     " (2, 1, 'r2', '" HASH_AE "', 'ae', 'new-business', 'clawback', -50000, 'EUR',"
	     "  NULL, NULL, '2026-06:new-business:D-17', 'deal D-17 cancelled', NULL),"
	     " (3, 1, 'r1', NULL, NULL, NULL, 'draw', 5000000, 'EUR', NULL, NULL, '2026-Q1',"
	     "  NULL, NULL),"
	     " (4, 1, 'r1', '" HASH_MGR "', 'mgr', 'team', 'override', 1000000, 'USD', NULL,"
	     "  NULL, NULL, NULL, NULL),"
	     " (5, 1, 'r1', '" HASH_AE "', NULL, 'new-business', 'commission', 14000000, 'EUR',"
	     "  150000000, 14000000, NULL, NULL, NULL),"
	     " (6, 1, 'r1', '" HASH_AE "', 'ae', 'new-business', 'cap', -4000000, 'EUR', NULL,"
	     "  NULL, NULL, 'cap 1000.00', NULL),"
	     " (7, 1, 'r1', '" HASH_AE "', 'ae', 'renewals', 'commission', 3000000, 'EUR',"
	     "  100000000, 3000000, NULL, NULL, NULL),"
	     " (8, 1, 'r1', NULL, NULL, NULL, 'recovery', -2000000, 'EUR', NULL, NULL, NULL,"
	     "  NULL, NULL),"
	     " (9, 1, 'r2', NULL, NULL, NULL, 'adjustment', 10000, 'EUR', NULL, NULL, NULL,"
	     "  NULL, NULL),"
	     " (10, 1, 'r2', NULL, NULL, NULL, 'restatement', 20000, 'EUR', NULL, NULL,"
	     "  '2025-Q4', NULL, NULL);"
	     "UPDATE payout_lines SET credits = '["
	     "[\"new-business\",\"D-2\",\"split\",null,5000000000,\"2026-02-01\",100000000,"
	     "\"USD\",92000000],"
	     "[\"new-business\",\"D-1\",\"owner\",null,10000000000,\"2026-01-10\","
	     "1000000000,\"EUR\",1000000000]]' WHERE line_id = 5;"
	     "UPDATE payout_lines SET credits = '["
	     "[\"renewals\",\"D-3\",\"owner\",null,10000000000,\"2026-03-01\",1000000000,"
	     "\"EUR\",1000000000]]' WHERE line_id = 7;"
	     "UPDATE payout_lines SET credits = '["
	     "[\"new-business\",\"D-9\",\"owner\",null,10000000000,\"2026-03-03\",20000000,"
	     "\"EUR\",20000000]]' WHERE line_id = 1;");
	exec_text(st, "UPDATE payout_lines SET explain = ?1 WHERE line_id = 5", explain_json);
	exec_text(st, "UPDATE payout_lines SET reason = ?1 WHERE line_id = 1", FORMULA);
	*state = st;
	return 0;
}

/* A run's plan is read back by its hash, to run it again; an unknown hash is refused. */
static void test_plan_text(void **state)
{
	spm_store *st = *state;
	char *text = NULL;
	size_t len = 99;
	spm_error err;
	assert_int_equal(spm_plan_text_read(st, HASH_AE, &text, &len, &err), SPM_OK);
	assert_string_equal(text, "plan: ae");
	assert_int_equal(len, 8);
	free(text);
	assert_int_equal(spm_plan_text_read(st, "beef", &text, &len, &err), SPM_EDATA);
	assert_string_equal(err.message, "no plan with hash 'beef' in the store");
	assert_null(text);
	assert_int_equal(len, 0);
}

static void test_run_info(void **state)
{
	spm_store *st = *state;
	spm_period q1 = period("2026-q1"), q3 = period("2026-Q3");
	spm_run_info info;
	spm_error err;

	assert_int_equal(spm_run_info_read(st, &q1, &info, &err), SPM_OK);
	assert_int_equal(info.run_id, 1);
	assert_string_equal(info.period, "2026-Q1");
	assert_string_equal(info.first, "2026-01-01");
	assert_string_equal(info.last, "2026-03-31");
	assert_string_equal(info.inputs_hash, "feed");
	assert_string_equal(info.started_at, "2026-04-01T06:00:00Z");
	assert_string_equal(info.finished_at, "2026-04-01T06:00:01Z");
	assert_false(info.closed);
	assert_string_equal(info.closed_at, "");
	assert_int_equal(info.nplans, 2);
	assert_string_equal(info.plans[0].name, "ae"); /* by name, not by hash or insertion */
	assert_string_equal(info.plans[0].hash, HASH_AE);
	assert_string_equal(info.plans[0].source, "plans/ae.yaml");
	assert_string_equal(info.plans[1].name, "mgr");
	spm_run_info_release(&info);
	assert_null(info.plans);
	spm_run_info_release(NULL);

	assert_int_equal(spm_run_info_read(st, &q3, &info, &err), SPM_EDATA);
	assert_string_equal(err.message, "period 2026-Q3 has no run: run it first");
	assert_int_equal(info.run_id, 0);

	spm_period q2 = period("2026-Q2");
	assert_int_equal(spm_run_info_read(st, &q2, &info, &err), SPM_OK);
	assert_int_equal(info.run_id, 2);
	assert_string_equal(info.finished_at, ""); /* unfinished */
	assert_int_equal(info.nplans, 0);
	spm_run_info_release(&info);
}

/* Lines gathered as "rep:line_id:kind" for one comparison. */
typedef struct gathered {
	char text[1024];
	int stop_after; /* stop with 42 after so many; 0: never */
	int n;
} gathered;

static int gather_line(void *ctx, const spm_payout_line *l)
{
	gathered *g = ctx;
	size_t len = strlen(g->text);
	snprintf(g->text + len, sizeof g->text - len, "%s%s:%lld:%s", len ? " " : "", l->rep_id,
	         (long long)l->line_id, l->kind);
	g->n++;
	return g->stop_after && g->n == g->stop_after ? 42 : 0;
}

static void test_lines_order(void **state)
{
	spm_store *st = *state;
	gathered g = {"", 0, 0};
	spm_error err;

	assert_int_equal(spm_payout_lines_each(st, 1, "r1", gather_line, &g, &err), SPM_OK);
	/* plan ae (line 5 finds its name by hash), then mgr, then the rep-level lines */
	assert_string_equal(g.text, "r1:5:commission r1:6:cap r1:7:commission r1:4:override "
	                            "r1:3:draw r1:8:recovery");
	memset(&g, 0, sizeof g);
	assert_int_equal(spm_payout_lines_each(st, 1, NULL, gather_line, &g, &err), SPM_OK);
	assert_int_equal(g.n, 10);
	assert_true(strstr(g.text, "r1:8:recovery r2:1:commission r2:2:clawback r2:9:adjustment "
	                           "r2:10:restatement") != NULL);
	memset(&g, 0, sizeof g);
	assert_int_equal(spm_payout_lines_each(st, 1, "r3", gather_line, &g, &err), SPM_OK);
	assert_int_equal(g.n, 0);
	assert_int_equal(spm_payout_lines_each(st, 99, NULL, gather_line, &g, &err), SPM_OK);
	assert_int_equal(g.n, 0);
	/* a callback's own value stops the reading and comes back */
	g = (gathered){"", 2, 0};
	assert_int_equal(spm_payout_lines_each(st, 1, NULL, gather_line, &g, &err), 42);
	assert_int_equal(g.n, 2);
}

static int check_fields(void *ctx, const spm_payout_line *l)
{
	int *seen = ctx;
	if (l->line_id == 5) {
		assert_string_equal(l->plan, "ae");
		assert_string_equal(l->plan_hash, HASH_AE);
		assert_string_equal(l->rep_name, "Ana Lima");
		assert_true(l->has_base);
		assert_money_text(l->base, "15000");
		assert_true(l->has_earned);
		assert_money_text(l->amount, "1400");
		assert_null(l->reference);
		assert_null(l->reason);
		assert_string_equal(l->explain, explain_json);
		(*seen)++;
	} else if (l->line_id == 3) {
		assert_null(l->plan);
		assert_null(l->plan_hash);
		assert_null(l->component);
		assert_false(l->has_base);
		assert_false(l->has_earned);
		assert_string_equal(l->reference, "2026-Q1");
		assert_null(l->explain);
		(*seen)++;
	}
	return 0;
}

static void test_line_fields(void **state)
{
	int seen = 0;
	spm_error err;
	assert_int_equal(spm_payout_lines_each(*state, 1, "r1", check_fields, &seen, &err), SPM_OK);
	assert_int_equal(seen, 2);
}

/* Finds one line of run 1 by id, for the credit tests. */
typedef struct one_line {
	int64_t id;
	spm_store *st;
	const char *deal;
	char credits[512];
	bool fed;
	int rc;
} one_line;

static int gather_credit(void *ctx, const spm_payout_credit *c)
{
	one_line *o = ctx;
	char share[SPM_NUM_BUFSZ], amount[SPM_NUM_BUFSZ], conv[SPM_NUM_BUFSZ];
	size_t len = strlen(o->credits);
	spm_rate_format(share, sizeof share, c->share, true);
	spm_money_format(amount, sizeof amount, c->amount, 2);
	spm_money_format(conv, sizeof conv, c->converted, 2);
	snprintf(o->credits + len, sizeof o->credits - len, "%s%s %s %s %s %s %s %s",
	         len ? "; " : "", c->deal_id, c->role, share, c->date, amount, c->currency, conv);
	return 0;
}

static int on_line(void *ctx, const spm_payout_line *l)
{
	one_line *o = ctx;
	spm_error err;
	if (l->line_id != o->id)
		return 0;
	o->rc = spm_payout_credits_each(o->st, l, o->deal, gather_credit, o, &err);
	if (o->rc == SPM_OK && o->deal)
		o->rc = spm_payout_line_has_deal(o->st, l, o->deal, &o->fed, &err);
	return 0;
}

static one_line credits_of(spm_store *st, int64_t id, const char *deal)
{
	one_line o = {id, st, deal, "", false, -100};
	spm_error err;
	assert_int_equal(spm_payout_lines_each(st, 1, NULL, on_line, &o, &err), SPM_OK);
	assert_int_equal(o.rc, SPM_OK);
	return o;
}

static void test_credits(void **state)
{
	spm_store *st = *state;
	one_line o = credits_of(st, 5, NULL);
	assert_string_equal(o.credits, "D-1 owner 100% 2026-01-10 100000.00 EUR 100000.00; "
	                               "D-2 split 50% 2026-02-01 10000.00 USD 9200.00");
	/* credits are kept with the line they fed: the cap line has none of its own */
	assert_string_equal(credits_of(st, 6, NULL).credits, "");
	o = credits_of(st, 5, "D-2");
	assert_string_equal(o.credits, "D-2 split 50% 2026-02-01 10000.00 USD 9200.00");
	assert_true(o.fed);
	o = credits_of(st, 7, "D-2"); /* renewals: another component */
	assert_string_equal(o.credits, "");
	assert_false(o.fed);
	o = credits_of(st, 3, NULL); /* a rep-level line has none */
	assert_string_equal(o.credits, "");
	o = credits_of(st, 2, "D-17"); /* named by the clawback's reference only */
	assert_string_equal(o.credits, "");
	assert_true(o.fed);
	o = credits_of(st, 2, "17"); /* a reference's tail is not a deal unless after ':' */
	assert_false(o.fed);
	o = credits_of(st, 1, "D-9"); /* the commission line it fed */
	assert_true(o.fed);
	o = credits_of(st, 2, "D-9"); /* the clawback names another deal */
	assert_false(o.fed);
	o = credits_of(st, 10, "2025-Q4"); /* a reference equal to the id */
	assert_true(o.fed);
}

typedef struct unfolded {
	char text[2048];
	int steps;
} unfolded;

static int gather_entry(void *ctx, const spm_explain_entry *e)
{
	unfolded *u = ctx;
	size_t len = strlen(u->text);
	snprintf(u->text + len, sizeof u->text - len, "%s: %s\n", e->key, e->value);
	if (e->step) {
		u->steps++;
		assert_int_equal(e->step, u->steps);
	}
	if (e->step && strncmp(e->value, "tier", 4) == 0) {
		assert_non_null(e->tier);
		assert_non_null(e->base);
		assert_non_null(e->rate);
		assert_non_null(e->pay);
		if (strcmp(e->tier, "2") == 0) {
			assert_int_equal(e->step, 2);
			assert_string_equal(e->base, "5000.00");
			assert_string_equal(e->rate, "12%");
			assert_string_equal(e->pay, "600.00");
		}
	} else {
		assert_null(e->tier);
		assert_null(e->pay);
	}
	return 0;
}

static void test_explain(void **state)
{
	spm_store *st = *state;
	unfolded u = {"", 0};
	spm_error err;

	assert_int_equal(spm_explain_each(st, explain_json, gather_entry, &u, &err), SPM_OK);
	assert_string_equal(u.text, "credits: 2\n"
	                            "base: 15000.00\n"
	                            "quota: 10000.00\n"
	                            "attainment: 150%\n"
	                            "table: graduated on attainment\n"
	                            "step: tier 1, base 10000.00, rate 8%, pay 800.00\n"
	                            "step: tier 2, base 5000.00, rate 12%, pay 600.00\n"
	                            "earned: 1400.00\n"
	                            "cap: 1000.00\n"
	                            "cut: 400.00\n"
	                            "rounding: half-up to 2 places\n"
	                            "extra: {\"a\":1}\n"
	                            "flag: true\n"
	                            "none: null\n");
	assert_int_equal(u.steps, 2);

	/* steps that are not objects, and unknown members of a step */
	u = (unfolded){"", 0};
	assert_int_equal(spm_explain_each(st, "{\"steps\":[\"flat\",{\"tier\":1,\"base\":\"1\","
	                                      "\"rate\":\"1%\",\"pay\":\"0.01\",\"note\":\"x\"}]}",
	                                  gather_entry, &u, NULL),
	                 SPM_OK);
	assert_string_equal(u.text, "step: flat\nstep: tier 1, base 1, rate 1%, pay 0.01, note x\n");

	u = (unfolded){"", 0};
	assert_int_equal(spm_explain_each(st, NULL, gather_entry, &u, &err), SPM_OK);
	assert_int_equal(spm_explain_each(st, "", gather_entry, &u, &err), SPM_OK);
	assert_int_equal(spm_explain_each(st, "{}", gather_entry, &u, &err), SPM_OK);
	assert_string_equal(u.text, "");
	assert_int_equal(spm_explain_each(st, "{\"base\":", gather_entry, &u, &err), SPM_EDATA);
	assert_string_equal(err.message, "explanation is not a JSON object");
	assert_int_equal(spm_explain_each(st, "[1,2]", gather_entry, &u, &err), SPM_EDATA);
	assert_int_equal(spm_explain_each(st, "\"text\"", gather_entry, &u, &err), SPM_EDATA);
	assert_string_equal(u.text, "");
}

static void test_pay_codes(void **state)
{
	(void)state;
	static const char *const map[][2] = {
	    {"commission", "COMMISSION"},  {"cap", "COMMISSION"},       {"bonus", "BONUS"},
	    {"override", "OVERRIDE"},      {"draw", "DRAW"},            {"recovery", "DRAW_RECOVERY"},
	    {"clawback", "CLAWBACK"},      {"adjustment", "ADJUSTMENT"},
	    {"restatement", "ADJUSTMENT"}, {"carry", "CARRY"},          {"settlement", "SETTLEMENT"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		assert_string_equal(spm_pay_code(map[i][0]), map[i][1]);
	assert_null(spm_pay_code("Commission"));
	assert_null(spm_pay_code("tip"));
	assert_null(spm_pay_code(""));
	assert_null(spm_pay_code(NULL));
}

typedef struct payroll_rows {
	char text[1024];
	spm_totals sums; /* per currency, across every rep */
	size_t n;
} payroll_rows;

static int gather_payroll(void *ctx, const spm_payroll_row *r)
{
	payroll_rows *p = ctx;
	char amount[SPM_NUM_BUFSZ];
	size_t len = strlen(p->text);
	spm_money_format(amount, sizeof amount, r->amount, 2);
	snprintf(p->text + len, sizeof p->text - len, "%s,%s,%s,%s,%s\n", r->rep_id,
	         r->name ? r->name : "", r->pay_code, amount, r->currency);
	assert_int_equal(spm_totals_add(&p->sums, r->currency, r->amount, NULL), SPM_OK);
	p->n++;
	return 0;
}

static void test_payroll(void **state)
{
	spm_store *st = *state;
	payroll_rows p = {"", {0}, 0};
	spm_error err;

	assert_int_equal(spm_payroll_each(st, 1, gather_payroll, &p, &err), SPM_OK);
	/* COMMISSION of r1 is its two commissions less the cap: 1400 - 400 + 300 */
	assert_string_equal(p.text, "r1,Ana Lima,COMMISSION,1300.00,EUR\n"
	                            "r1,Ana Lima,OVERRIDE,100.00,USD\n"
	                            "r1,Ana Lima,DRAW,500.00,EUR\n"
	                            "r1,Ana Lima,DRAW_RECOVERY,-200.00,EUR\n"
	                            "r2,<script>&\"',COMMISSION,10.0001,EUR\n"
	                            "r2,<script>&\"',ADJUSTMENT,3.00,EUR\n"
	                            "r2,<script>&\"',CLAWBACK,-5.00,EUR\n");
	/* the export's sums equal the store's own sum of the lines, per currency */
	assert_int_equal(p.sums.n, 2);
	assert_string_equal(p.sums.items[0].currency, "EUR");
	assert_int_equal(p.sums.items[0].amount.units,
	                 query_int(st, "SELECT sum(amount) FROM payout_lines WHERE run_id = 1"
	                               " AND currency = 'EUR'"));
	assert_int_equal(p.sums.items[1].amount.units,
	                 query_int(st, "SELECT sum(amount) FROM payout_lines WHERE run_id = 1"
	                               " AND currency = 'USD'"));
	spm_totals_release(&p.sums);

	/* a kind that has no pay code is refused, never guessed */
	exec(st, "INSERT INTO payout_lines(line_id, run_id, rep_id, kind, amount, currency)"
	         " VALUES (11, 1, 'r2', 'tip', 1, 'EUR')");
	memset(&p, 0, sizeof p);
	assert_int_equal(spm_payroll_each(st, 1, gather_payroll, &p, &err), SPM_EDATA);
	assert_string_equal(err.message, "line 11: kind 'tip' has no pay code");
	spm_totals_release(&p.sums);

	/* a sum that does not fit */
	exec(st, "UPDATE payout_lines SET kind = 'bonus', amount = 9223372036854775807"
	         " WHERE line_id = 11;"
	         "INSERT INTO payout_lines(line_id, run_id, rep_id, kind, amount, currency)"
	         " VALUES (12, 1, 'r2', 'bonus', 1, 'EUR')");
	memset(&p, 0, sizeof p);
	assert_int_equal(spm_payroll_each(st, 1, gather_payroll, &p, &err), SPM_ERANGE);
	assert_string_equal(err.message, "rep 'r2': BONUS in EUR out of range");
	spm_totals_release(&p.sums);
}

/* The payroll file through the CSV writer: a name that a spreadsheet would run is defused. */
static int write_payroll(void *ctx, const spm_payroll_row *r)
{
	char amount[SPM_NUM_BUFSZ];
	spm_money_format(amount, sizeof amount, r->amount, 2);
	const char *row[] = {r->rep_id, r->name, r->pay_code, amount, r->currency};
	return spm_writer_row(ctx, row, NULL);
}

static void test_payroll_csv_guard(void **state)
{
	static const spm_column cols[] = {{"rep_id", SPM_COL_TEXT},
	                                  {"name", SPM_COL_TEXT},
	                                  {"pay_code", SPM_COL_TEXT},
	                                  {"amount", SPM_COL_NUMBER},
	                                  {"currency", SPM_COL_TEXT}};
	spm_store *st = *state;
	char *text = NULL;
	size_t len = 0;
	spm_writer *w = NULL;
	FILE *fp = open_memstream(&text, &len);

	exec(st, "INSERT INTO payout_lines(line_id, run_id, rep_id, kind, amount, currency)"
	         " VALUES (11, 1, 'r3', 'bonus', -10000, 'EUR')");
	assert_int_equal(spm_writer_open(&w, fp, SPM_OUT_CSV, cols, 5, NULL), SPM_OK);
	assert_int_equal(spm_payroll_each(st, 1, write_payroll, w, NULL), SPM_OK);
	assert_int_equal(spm_writer_close(w, NULL), SPM_OK);
	fclose(fp);
	assert_non_null(strstr(text, "r3,'" FORMULA ",BONUS,-1.00,EUR\n")); /* a number stays */
	assert_null(strstr(text, ",=cmd"));
	free(text);
}

static void test_totals(void **state)
{
	(void)state;
	spm_totals t = {0};
	spm_error err;
	assert_int_equal(spm_totals_add(&t, "USD", money("1.5"), &err), SPM_OK);
	assert_int_equal(spm_totals_add(&t, "EUR", money("2"), &err), SPM_OK);
	assert_int_equal(spm_totals_add(&t, "GBP", money("-3"), &err), SPM_OK);
	assert_int_equal(spm_totals_add(&t, "EUR", money("0.0001"), &err), SPM_OK);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.items[0].currency, "EUR");
	assert_money_text(t.items[0].amount, "2.0001");
	assert_string_equal(t.items[1].currency, "GBP");
	assert_string_equal(t.items[2].currency, "USD");
	assert_int_equal(spm_totals_add(&t, "USD", (spm_money){INT64_MAX}, &err), SPM_ERANGE);
	assert_string_equal(err.message, "total in USD out of range");
	assert_money_text(t.items[2].amount, "1.5"); /* unchanged */
	assert_int_equal(spm_totals_add(&t, "A-CURRENCY-TOO-LONG", money("1"), &err), SPM_EDATA);
	spm_totals_clear(&t);
	assert_int_equal(t.n, 0);
	spm_totals_release(&t);
	spm_totals_release(NULL);
}

static void test_close(void **state)
{
	spm_store *st = *state;
	spm_period q1 = period("2026-Q1"), q3 = period("2026-Q3");
	spm_run_info info;
	spm_error err;
	int64_t run_id = -1;
	bool closed = true;

	assert_int_equal(spm_period_is_closed(st, &q1, &closed, &err), SPM_OK);
	assert_false(closed);
	assert_int_equal(spm_period_close(st, &q1, &run_id, &err), SPM_OK);
	assert_int_equal(run_id, 1);
	assert_int_equal(spm_period_is_closed(st, &q1, &closed, &err), SPM_OK);
	assert_true(closed);
	assert_int_equal(query_int(st, "SELECT count(*) FROM period_locks WHERE period = '2026-Q1'"
	                               " AND run_id = 1 AND period_first = '2026-01-01'"
	                               " AND period_last = '2026-03-31' AND closed_at LIKE '2%Z'"),
	                 1);
	assert_int_equal(spm_run_info_read(st, &q1, &info, &err), SPM_OK);
	assert_true(info.closed);
	assert_true(info.closed_at[0] != '\0');
	spm_run_info_release(&info);

	run_id = -1;
	assert_int_equal(spm_period_close(st, &q1, &run_id, &err), SPM_EDATA);
	assert_string_equal(err.message, "period 2026-Q1 is already closed");
	assert_int_equal(run_id, -1);
	assert_int_equal(spm_period_close(st, &q3, NULL, &err), SPM_EDATA);
	assert_string_equal(err.message, "period 2026-Q3 has no run: run it first");
	assert_int_equal(query_int(st, "SELECT count(*) FROM period_locks"), 1);
	/* a failed close leaves no transaction open: a write goes through */
	exec(st, "UPDATE reps SET name = 'Ana' WHERE rep_id = 'r1'");
	spm_period q2 = period("2026-Q2");
	assert_int_equal(spm_period_close(st, &q2, &run_id, &err), SPM_OK);
	assert_int_equal(run_id, 2);
}

static void test_rep_lookup(void **state)
{
	spm_store *st = *state;
	char *name = NULL;
	spm_error err;
	assert_int_equal(spm_rep_lookup(st, "r1", &name, &err), SPM_OK);
	assert_string_equal(name, "Ana Lima");
	free(name);
	assert_int_equal(spm_rep_lookup(st, "r1", NULL, &err), SPM_OK);
	exec(st, "INSERT INTO reps(rep_id) VALUES ('r4')");
	assert_int_equal(spm_rep_lookup(st, "r4", &name, &err), SPM_OK);
	assert_null(name);
	assert_int_equal(spm_rep_lookup(st, "r99", &name, &err), SPM_EDATA);
	assert_string_equal(err.message, "unknown rep 'r99'");
	assert_null(name);
}

static char *escaped(const char *s, size_t len)
{
	char *text = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&text, &n);
	assert_int_equal(spm_html_escape(fp, s, len), SPM_OK);
	fclose(fp);
	return text;
}

static void test_html_escape(void **state)
{
	(void)state;
	char *t = escaped("<script>&\"'", 11);
	assert_string_equal(t, "&lt;script&gt;&amp;&quot;&#39;");
	free(t);
	t = escaped("a\tb\nc\x01" "d\x7f" "e", 9);
	assert_string_equal(t, "a\tb\nc\xEF\xBF\xBD" "d\xEF\xBF\xBD" "e");
	free(t);
	/* UTF-8 passes; a broken byte and a C1 control do not; a NUL inside is replaced */
	t = escaped("\xC3\xA9\xFF" "x\xC2\x85" "y\0z", 9);
	assert_string_equal(t, "\xC3\xA9\xEF\xBF\xBD" "x\xEF\xBF\xBD" "y\xEF\xBF\xBD" "z");
	free(t);
	t = escaped("", 0);
	assert_string_equal(t, "");
	free(t);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static char *statement(spm_store *st, const char *rep, int want)
{
	spm_period q1 = period("2026-Q1");
	spm_run_info info;
	spm_error err;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	assert_int_equal(spm_run_info_read(st, &q1, &info, &err), SPM_OK);
	assert_int_equal(spm_statement_html(fp, st, &info, rep, &err), want);
	fclose(fp);
	spm_run_info_release(&info);
	return text;
}

static void test_statement_html(void **state)
{
	spm_store *st = *state;
	char *html = statement(st, "r2", SPM_OK);

	assert_non_null(strstr(html, "<!DOCTYPE html>"));
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "href="));
	assert_non_null(strstr(html, "<td>&lt;script&gt;&amp;&quot;&#39;</td>"));
	assert_non_null(strstr(html, "=cmd|&#39; /C calc&#39;!A0"));
	assert_non_null(strstr(html, "2026-06:new-business:D-17"));
	assert_int_equal(count(html, "<section class=\"page\">"), 1);
	/* r2's lines, 10.0001 - 5 + 1 + 2, printed exactly and added as printed */
	assert_non_null(strstr(html, "<td class=\"num\">10.0001</td>"));
	assert_non_null(strstr(html, "<th colspan=\"4\">Total</th><td class=\"num\">8.0001</td>"
	                             "<td>EUR</td>"));
	assert_non_null(strstr(html, "open: may still change"));
	assert_non_null(strstr(html, HASH_AE));
	free(html);

	html = statement(st, NULL, SPM_OK);
	assert_int_equal(count(html, "<section class=\"page\">"), 2); /* r1 and r2: r3 has no line */
	assert_int_equal(count(html, "Total</th>"), 3);              /* r1 EUR, r1 USD, r2 EUR */
	assert_non_null(strstr(html, "<td class=\"num\">1600.00</td><td>EUR</td>"));
	assert_non_null(strstr(html, "<td class=\"num\">100.00</td><td>USD</td>"));
	assert_non_null(strstr(html, "break-before: page"));
	assert_null(strstr(html, "<script"));
	free(html);

	html = statement(st, "r3", SPM_OK); /* a rep without lines still gets a page */
	assert_non_null(strstr(html, "No lines in this run."));
	assert_non_null(strstr(html, "<td>=cmd|&#39; /C calc&#39;!A0</td>"));
	free(html);

	html = statement(st, "nobody", SPM_EDATA);
	free(html);

	/* a failed write is reported */
	spm_period q1 = period("2026-Q1");
	spm_run_info info;
	spm_error err;
	FILE *full = fopen("/dev/full", "w");
	if (full) {
		assert_int_equal(spm_run_info_read(st, &q1, &info, &err), SPM_OK);
		assert_int_equal(spm_statement_html(full, st, &info, NULL, &err), SPM_EIO);
		assert_non_null(strstr(err.message, "write error"));
		spm_run_info_release(&info);
		fclose(full);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_run_info, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_plan_text, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_lines_order, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_line_fields, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_credits, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_explain, setup, teststore_teardown),
	    cmocka_unit_test(test_pay_codes),
	    cmocka_unit_test_setup_teardown(test_payroll, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_payroll_csv_guard, setup, teststore_teardown),
	    cmocka_unit_test(test_totals),
	    cmocka_unit_test_setup_teardown(test_close, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_rep_lookup, setup, teststore_teardown),
	    cmocka_unit_test(test_html_escape),
	    cmocka_unit_test_setup_teardown(test_statement_html, setup, teststore_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
