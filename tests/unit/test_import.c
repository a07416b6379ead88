/*
 * Unit tests of the import engine, through the library API: records from memory into a store in a
 * temporary directory, with the summary, the error record and the store's content checked.
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

#include "../../lib/util.h"
#include "spm/import.h"
#include "spm/store.h"

static char dir[512];
static int counter;

static int make_store(void **state)
{
	char path[600];
	spm_store *st = NULL;
	spm_error err;
	snprintf(path, sizeof path, "%s/import-%d-%d.db", dir, (int)getpid(), ++counter);
	unlink(path);
	assert_int_equal(spm_store_open(&st, path, SPM_STORE_CREATE, &err), SPM_OK);
	*state = st;
	return 0;
}

static int drop_store(void **state)
{
	spm_store *st = *state;
	char path[600];
	snprintf(path, sizeof path, "%s", spm_store_path(st));
	spm_store_close(st);
	unlink(path);
	return 0;
}

/* Imports text (as a source named name) with options o; returns the status. */
static int import_text(spm_store *st, spm_import_options *o, const char *name, const char *text,
		       spm_import_summary *sum, spm_error *err)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(fp);
	spm_import_source src = {name, fp, 0};
	int rc = spm_import(st, o, &src, 1, sum, err);
	fclose(fp);
	return rc;
}

static int simple(spm_store *st, spm_kind_id kind, const char *name, const char *text,
		  spm_import_summary *sum, spm_error *err)
{
	spm_import_options o;
	spm_import_options_init(&o, kind);
	return import_text(st, &o, name, text, sum, err);
}

/* The first column of the first row of a query, as text ("" when none). */
static const char *query(spm_store *st, const char *sql)
{
	static char out[512];
	spm_stmt *s = NULL;
	spm_error err;
	out[0] = '\0';
	assert_int_equal(spm_stmt_prepare(st, &s, sql, &err), SPM_OK);
	if (spm_stmt_step(s, &err) == SPM_ROW)
		snprintf(out, sizeof out, "%s", spm_stmt_text(s, 0, NULL));
	spm_stmt_finalize(s);
	return out;
}

static void load_reps(spm_store *st)
{
	spm_import_summary sum;
	spm_error err;
	assert_int_equal(simple(st, SPM_KIND_REPS, "reps.csv",
				"rep_id,manager_id,team\nr1,m1,Blue\nr2,m1,Blue\nm1,,Blue\n", &sum,
				&err),
			 SPM_OK);
}

static void test_counts_and_upserts(void **state)
{
	spm_store *st = *state;
	spm_import_summary sum;
	spm_error err;
	load_reps(st);
	const char *v1 = "deal_id,rep_id,amount,status,close_date\nD1,r1,10.5,won,2026-01-02\n"
			 "D2,r2,7,open,\n";
	assert_int_equal(simple(st, SPM_KIND_DEALS, "d.csv", v1, &sum, &err), SPM_OK);
	assert_int_equal(sum.read, 2);
	assert_int_equal(sum.added, 2);
	assert_string_equal(query(st, "SELECT amount FROM deals WHERE deal_id = 'D1'"), "105000");
	const char *v2 = "deal_id,rep_id,amount,status,close_date\nD1,r1,10.5,won,2026-01-02\n"
			 "D2,r2,8,open,\nD3,r1,1,lost,2026-01-03\n";
	assert_int_equal(simple(st, SPM_KIND_DEALS, "d2.csv", v2, &sum, &err), SPM_OK);
	assert_int_equal(sum.added, 1);
	assert_int_equal(sum.updated, 1);
	assert_int_equal(sum.unchanged, 1);
	assert_string_equal(query(st, "SELECT amount FROM deals WHERE deal_id = 'D2'"), "80000");
	assert_string_equal(query(st, "SELECT count(*) FROM imports"), "3");
}

static void test_error_located_and_store_kept(void **state)
{
	spm_store *st = *state;
	spm_import_summary sum;
	spm_error err;
	char buf[512];
	load_reps(st);
	const char *bad = "deal_id,rep_id,amount,status\nD1,r1,1,open\nD2,r1,1.00001,open\n";
	assert_int_equal(simple(st, SPM_KIND_DEALS, "bad.csv", bad, &sum, &err), SPM_EDATA);
	spm_error_format(&err, buf, sizeof buf);
	assert_string_equal(buf,
			    "bad.csv:3: column 'amount': too many decimals (at most 4): '1.00001'");
	assert_string_equal(query(st, "SELECT count(*) FROM deals"), "0");
	assert_string_equal(query(st, "SELECT count(*) FROM imports"), "1");
}

static void record_error(void *ctx, const spm_error *err)
{
	int *n = ctx;
	(void)err;
	(*n)++;
}

static void test_keep_going_and_reject(void **state)
{
	spm_store *st = *state;
	spm_import_summary sum;
	spm_error err;
	spm_import_options o;
	int seen = 0;
	load_reps(st);
	const char *text = "deal_id,rep_id,status\nD1,r1,open\nD2,rX,open\nD3,r2,nope\nD4,r2,won\n";

	spm_import_options_init(&o, SPM_KIND_DEALS);
	o.keep_going = true;
	o.on_error = record_error;
	o.ctx = &seen;
	assert_int_equal(import_text(st, &o, "k.csv", text, &sum, &err), SPM_EDATA);
	assert_int_equal(seen, 3);
	assert_int_equal(sum.errors, 3);
	assert_int_equal(err.line, 3); /* the first bad record */
	assert_string_equal(query(st, "SELECT count(*) FROM deals"), "0");

	char *out = NULL;
	size_t outlen = 0;
	FILE *rej = open_memstream(&out, &outlen);
	spm_import_options_init(&o, SPM_KIND_DEALS);
	o.reject = rej;
	assert_int_equal(import_text(st, &o, "r.csv", text, &sum, &err), SPM_OK);
	fclose(rej);
	assert_int_equal(sum.added, 1);
	assert_int_equal(sum.rejected, 3);
	assert_string_equal(out, "deal_id,rep_id,status,reject_line,reject_reason\n"
				 "D2,rX,open,3,column 'rep_id': unknown rep 'rX'\n"
				 "D3,r2,nope,4,\"column 'status': unknown value 'nope' (expected "
				 "one of: open, won, lost)\"\n"
				 "D4,r2,won,5,column 'amount': missing value for a won deal\n");
	free(out);
	assert_string_equal(query(st, "SELECT group_concat(deal_id) FROM deals"), "D1");
}

static void test_check_only_writes_nothing(void **state)
{
	spm_store *st = *state;
	spm_import_summary sum;
	spm_error err;
	spm_import_options o;
	load_reps(st);
	spm_import_options_init(&o, SPM_KIND_DEALS);
	o.check_only = true;
	assert_int_equal(import_text(st, &o, "c.csv", "deal_id,status\nD1,open\n", &sum, &err),
			 SPM_OK);
	assert_int_equal(sum.added, 1);
	assert_string_equal(query(st, "SELECT count(*) FROM deals"), "0");
	assert_string_equal(query(st, "SELECT count(*) FROM imports"), "1");
}

static void test_maps_and_sets(void **state)
{
	spm_store *st = *state;
	spm_import_summary sum;
	spm_error err;
	spm_import_options o;
	load_reps(st);
	spm_import_map maps[] = {{"deal_id", "Opp"}, {"rep_id", "Owner"}, {"account", "Owner"}};
	spm_import_map sets[] = {{"status", "won"}, {"close_date", "2026-05-01"}};
	spm_import_options_init(&o, SPM_KIND_DEALS);
	o.maps = maps;
	o.nmaps = 3;
	o.sets = sets;
	o.nsets = 2;
	assert_int_equal(import_text(st, &o, "m.json",
				     "[{\"Opp\":\"A\",\"Owner\":\"r1\",\"amount\":\"3\",\"x\":1},"
				     "{\"Opp\":\"B\",\"Owner\":\"r2\",\"amount\":4,\"close_date\":\"2026-06-01\"}]",
				     &sum, &err),
			 SPM_OK);
	assert_string_equal(query(st, "SELECT rep_id || account || status || close_date || attrs "
				      "FROM deals WHERE deal_id = 'A'"),
			    "r1r1won2026-05-01{\"x\":\"1\"}");
	assert_string_equal(query(st, "SELECT close_date FROM deals WHERE deal_id = 'B'"),
			    "2026-06-01");
	assert_string_equal(sum.attributes, "x");

	spm_import_map unknown[] = {{"nope", "x"}};
	spm_import_options_init(&o, SPM_KIND_DEALS);
	o.maps = unknown;
	o.nmaps = 1;
	assert_int_equal(import_text(st, &o, "u.csv", "deal_id\nZ\n", &sum, &err), SPM_EUSAGE);
	assert_string_equal(err.message, "--map: deals has no column 'nope'");
}

static void test_hierarchy_rules(void **state)
{
	spm_store *st = *state;
	spm_import_summary sum;
	spm_error err;
	char buf[512];
	/* A manager defined after the reps who report to them is fine. */
	assert_int_equal(simple(st, SPM_KIND_REPS, "a.csv", "rep_id,manager_id\nr1,m1\nm1,vp\nvp,\n",
				&sum, &err),
			 SPM_OK);
	assert_int_equal(sum.created_managers, 0);
	/* A loop through the store is refused. */
	assert_int_equal(simple(st, SPM_KIND_REPS, "b.csv", "rep_id,manager_id\nvp,r1\n", &sum,
				&err),
			 SPM_EDATA);
	spm_error_format(&err, buf, sizeof buf);
	assert_string_equal(buf,
			    "b.csv:2: column 'manager_id': rep 'vp' is its own manager through manager_id");
	assert_int_equal(simple(st, SPM_KIND_TERRITORIES, "t.csv",
				"territory_id,parent_id\nA,\nB,A\nC,Z\n", &sum, &err),
			 SPM_EDATA);
	spm_error_format(&err, buf, sizeof buf);
	assert_string_equal(buf, "t.csv:4: column 'parent_id': unknown parent: 'Z'");
}

static void test_every_kind_imports(void **state)
{
	spm_store *st = *state;
	spm_import_summary sum;
	spm_error err;
	load_reps(st);
	static const struct {
		spm_kind_id kind;
		const char *text;
	} cases[] = {
		{SPM_KIND_TERRITORIES, "territory_id,name\nT1,One\n"},
		{SPM_KIND_STAGES, "stage,status,probability,forecast_category\nWon,won,100%,closed\n"},
		{SPM_KIND_ACCOUNTS, "account_id,parent_id\nAcme,\nAcme EU,Acme\n"},
		{SPM_KIND_PRODUCTS, "product_id,family,price\nP1,F,9.99\n"},
		{SPM_KIND_DEALS, "deal_id,rep_id,territory,stage,amount,close_date\nD1,r1,T1,Won,5,2026-01-01\n"},
		{SPM_KIND_CREDITS, "deal_id,rep_id,share\nD1,r1,0.25\nD1,r2,75%\n"},
		{SPM_KIND_QUOTAS, "team,period,amount\nBlue,FY2026-Q1,100\n"},
		{SPM_KIND_ACTIVITIES, "rep_id,date,kind\nr1,2026-01-05,email\n"},
		{SPM_KIND_SURVEY, "respondent,date,score\nx,2026-01-05,0\n"},
		{SPM_KIND_FX, "base,currency,date,rate\nEUR,USD,2026-01-01,0.92\n"},
		{SPM_KIND_ASSIGNMENTS, "rep_id,plan,from\nr1,p,2026-01-01\n"},
		{SPM_KIND_ADJUSTMENTS, "adjustment_id,rep_id,period,amount,reason\nA1,r1,2026,-1,x\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = simple(st, cases[i].kind, "k.csv", cases[i].text, &sum, &err);
		if (rc)
			fail_msg("kind %d: %s", (int)cases[i].kind, err.message);
		assert_true(sum.added >= 1);
	}
	assert_string_equal(query(st, "SELECT status FROM deals"), "won");
	assert_string_equal(query(st, "SELECT period_first || '..' || period_last FROM quotas"),
			    "2026-01-01..2026-03-31");
}

/* A long input: the reading thread runs ahead while the writing side meets a bad record early, or
 * the input breaks late; either way the import stops at the right record and writes nothing. */
static void test_long_input_stops_cleanly(void **state)
{
	spm_store *st = *state;
	spm_import_summary sum;
	spm_error err;
	spm_buf text = {0};
	load_reps(st);
	assert_int_equal(spm_buf_append_str(&text, "deal_id,rep_id,status\n"), 0);
	for (int i = 0; i < 20000; i++)
		assert_int_equal(spm_buf_printf(&text, "D%d,%s,open\n", i, i == 2 ? "nobody" : "r1"), 0);
	assert_int_equal(simple(st, SPM_KIND_DEALS, "long.csv", text.data, &sum, &err), SPM_EDATA);
	assert_int_equal(err.line, 4);
	assert_string_equal(err.message, "unknown rep 'nobody'");
	assert_string_equal(query(st, "SELECT count(*) FROM deals"), "0");

	spm_buf_clear(&text);
	assert_int_equal(spm_buf_append_str(&text, "deal_id,rep_id,status\n"), 0);
	for (int i = 0; i < 20000; i++)
		assert_int_equal(spm_buf_printf(&text, "D%d,r1,open\n", i), 0);
	assert_int_equal(spm_buf_append_str(&text, "D-last,\"r1,open\n"), 0);
	assert_int_equal(simple(st, SPM_KIND_DEALS, "late.csv", text.data, &sum, &err), SPM_EDATA);
	assert_int_equal(err.line, 20002);
	assert_string_equal(err.source, "late.csv");
	assert_int_equal(sum.read, 20000); /* every good record went through before the break */
	assert_string_equal(query(st, "SELECT count(*) FROM deals"), "0");
	spm_buf_free(&text);
}

int main(void)
{
	const char *base = getenv("SPM_TEST_TMP");
	snprintf(dir, sizeof dir, "%s", base && *base ? base : "/tmp");
	char cmd[600];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counts_and_upserts, make_store, drop_store),
		cmocka_unit_test_setup_teardown(test_error_located_and_store_kept, make_store,
						drop_store),
		cmocka_unit_test_setup_teardown(test_keep_going_and_reject, make_store, drop_store),
		cmocka_unit_test_setup_teardown(test_check_only_writes_nothing, make_store, drop_store),
		cmocka_unit_test_setup_teardown(test_maps_and_sets, make_store, drop_store),
		cmocka_unit_test_setup_teardown(test_hierarchy_rules, make_store, drop_store),
		cmocka_unit_test_setup_teardown(test_every_kind_imports, make_store, drop_store),
		cmocka_unit_test_setup_teardown(test_long_input_stops_cleanly, make_store, drop_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
