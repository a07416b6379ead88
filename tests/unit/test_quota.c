/*
 * Unit tests of quota planning and attainment: the published examples of ramps and proration, the
 * ramp's text and file forms, the attainment ratio, top-down allocation by every method and level
 * with seasonality, attainment with its roll-ups, quotas of spans, pacing and filters, and the
 * capacity check, over one small organisation built with the importer. Every expected figure is
 * worked out by hand in the comments beside it.
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

#include "spm/allocate.h"
#include "spm/attainment.h"
#include "spm/period.h"
#include "spm/quota.h"

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

static spm_ramp R(const char *text)
{
	spm_ramp r;
	spm_error err;
	if (spm_ramp_parse(&r, text, &err))
		fail_msg("test ramp '%s': %s", text, err.message);
	return r;
}

static char note[512];

/* spm_quota_adjust with dates as text (NULL: none), at `places`; the note lands in `note`. */
static spm_money adjust(const char *full, const char *period, const char *hire, const char *end,
                        const spm_ramp *ramp, spm_plan_proration prorate, int places)
{
	spm_period p = P(period);
	spm_date h = hire ? D(hire) : (spm_date){0}, e = end ? D(end) : (spm_date){0};
	spm_money out = {SENTINEL};
	spm_error err;
	memset(note, 'x', sizeof note - 1);
	note[sizeof note - 1] = '\0';
	if (spm_quota_adjust(money(full), &p, hire != NULL, h, end != NULL, e, ramp, prorate,
	                     places, &out, note, sizeof note, &err))
		fail_msg("adjust: %s", err.message);
	return out;
}

static void assert_note_has(const char *want)
{
	if (!strstr(note, want))
		fail_msg("note '%s' lacks '%s'", note, want);
}

static void assert_note_lacks(const char *unwanted)
{
	if (strstr(note, unwanted))
		fail_msg("note '%s' has '%s'", note, unwanted);
}

/* ---- spm_quota_adjust: the published examples ------------------------------------------- */

/*
 * 100,000 for 2026 weighted 20/20/20/40 over the quarters is 20,000, 20,000, 20,000, 40,000. A
 * start on 2026-03-01 by whole months: January and February have their 15th before the start, so
 * Q1 counts 1 of its 3 months: 20,000 / 3 = 6,666.67, 6,667 at places 0. The other quarters are
 * whole: the sum is 6,667 + 20,000 + 20,000 + 40,000 = 86,667.
 */
static void test_adjust_annual_by_quarters(void **state)
{
	(void)state;
	spm_period year = P("2026"), q[4];
	size_t n = 0;
	spm_rate w[4] = {rate("20%"), rate("20%"), rate("20%"), rate("40%")};
	spm_money parts[4], sum = {0};
	spm_error err;
	static const char *const want[] = {"6667", "20000", "20000", "40000"};
	assert_int_equal(spm_period_split(&year, SPM_PERIOD_QUARTER, q, 4, &n), SPM_OK);
	assert_int_equal(n, 4);
	assert_int_equal(spm_allocate(money("100000"), w, 4, 0, parts, &err), SPM_OK);
	for (size_t i = 0; i < 4; i++) {
		char name[SPM_PERIOD_BUFSZ], amount[SPM_NUM_BUFSZ];
		spm_money out;
		spm_money_format(amount, sizeof amount, parts[i], 0);
		spm_period_format(name, sizeof name, &q[i]);
		out = adjust(amount, name, "2026-03-01", NULL, NULL, SPM_PRORATE_MONTHS, 0);
		assert_money_text(out, want[i]);
		if (i == 0) {
			assert_note_has("full 20000");
			assert_note_has("hired 2026-03-01");
			assert_note_has("prorated by whole months");
			assert_note_has("2026-01 0%");
			assert_note_has("2026-02 0%");
			assert_note_lacks("2026-03 "); /* a whole month is not listed */
			assert_note_lacks("ramp");
		} else {
			assert_string_equal(note, "");
		}
		assert_int_equal(spm_money_add(&sum, sum, out), SPM_OK);
	}
	assert_money_text(sum, "86667");
}

/* 30,000 for April (30 days), hired on the 16th, by days: 15 of 30 days, 15,000. */
static void test_adjust_month_by_days(void **state)
{
	(void)state;
	assert_money_text(adjust("30000", "2026-04", "2026-04-16", NULL, NULL, SPM_PRORATE_DAYS, 0),
	                  "15000");
	assert_note_has("full 30000");
	assert_note_has("hired 2026-04-16");
	assert_note_has("prorated by days");
	assert_note_has("2026-04 50%");
	/* to the cent, a hire on the 20th: 11 of 30 days of 1,000 is 366.666..., 366.67 */
	assert_money_text(adjust("1000", "2026-04", "2026-04-20", NULL, NULL, SPM_PRORATE_DAYS, 2),
	                  "366.67");
	/* and at places 0, 367 (half-up) */
	assert_money_text(adjust("1000", "2026-04", "2026-04-20", NULL, NULL, SPM_PRORATE_DAYS, 0),
	                  "367");
	/* a hire before the month is no change and no note */
	assert_money_text(adjust("30000", "2026-04", "2026-03-31", NULL, NULL, SPM_PRORATE_DAYS, 0),
	                  "30000");
	assert_string_equal(note, "");
}

/* Ramp 25/50/75 then 100%, hired 2026-01-01, 10,000 a month. */
static void test_adjust_ramp(void **state)
{
	(void)state;
	spm_ramp r = R("25,50,75");
	assert_money_text(adjust("10000", "2026-01", "2026-01-01", NULL, &r, SPM_PRORATE_DAYS, 0),
	                  "2500");
	assert_note_has("ramp 25%/50%/75%");
	assert_note_has("2026-01 25%");
	assert_note_lacks("prorated"); /* employed every day: only the ramp */
	assert_money_text(adjust("10000", "2026-02", "2026-01-01", NULL, &r, SPM_PRORATE_DAYS, 0),
	                  "5000");
	assert_note_has("2026-02 50%");
	assert_money_text(adjust("10000", "2026-03", "2026-01-01", NULL, &r, SPM_PRORATE_DAYS, 0),
	                  "7500");
	assert_money_text(adjust("10000", "2026-04", "2026-01-01", NULL, &r, SPM_PRORATE_DAYS, 0),
	                  "10000");
	assert_string_equal(note, "");
	/*
	 * Q1 of 30,000 by days: (31 × 25% + 28 × 50% + 31 × 75%) / 90 = (7.75 + 14 + 23.25) / 90
	 * = 50%, 15,000; by months (25% + 50% + 75%) / 3 = 50% too
	 */
	assert_money_text(adjust("30000", "2026-Q1", "2026-01-01", NULL, &r, SPM_PRORATE_DAYS, 0),
	                  "15000");
	assert_note_has("2026-01 25%, 2026-02 50%, 2026-03 75%");
	/* the same for every way of prorating: the rep is employed throughout */
	assert_money_text(adjust("30000", "2026-Q1", "2026-01-01", NULL, &r, SPM_PRORATE_MONTHS, 0),
	                  "15000");
	assert_money_text(adjust("30000", "2026-Q1", "2026-01-01", NULL, &r, SPM_PRORATE_NONE, 0),
	                  "15000");
	/* no hire date: fully ramped */
	assert_money_text(adjust("30000", "2026-Q1", NULL, NULL, &r, SPM_PRORATE_DAYS, 0), "30000");
	assert_string_equal(note, "");
	/* an empty ramp is no ramp */
	spm_ramp none = {0};
	assert_money_text(
	    adjust("30000", "2026-Q1", "2026-01-01", NULL, &none, SPM_PRORATE_DAYS, 0), "30000");
}

/* By whole months a hire on the 16th starts counting, and ramping, the month after. */
static void test_adjust_whole_months(void **state)
{
	(void)state;
	spm_ramp r = R("25,50,75");
	/* hired 2026-01-16: January is 0; February is ramp month 1 (25%); March 50% */
	assert_money_text(adjust("10000", "2026-01", "2026-01-16", NULL, &r, SPM_PRORATE_MONTHS, 0),
	                  "0");
	assert_note_has("hired 2026-01-16");
	assert_note_has("prorated by whole months");
	assert_money_text(adjust("10000", "2026-02", "2026-01-16", NULL, &r, SPM_PRORATE_MONTHS, 0),
	                  "2500");
	assert_money_text(adjust("10000", "2026-03", "2026-01-16", NULL, &r, SPM_PRORATE_MONTHS, 0),
	                  "5000");
	assert_money_text(adjust("10000", "2026-05", "2026-01-16", NULL, &r, SPM_PRORATE_MONTHS, 0),
	                  "10000");
	/* Q1: (0 + 25% + 50%) / 3 of 30,000 = 7,500 */
	assert_money_text(adjust("30000", "2026-Q1", "2026-01-16", NULL, &r, SPM_PRORATE_MONTHS, 0),
	                  "7500");
	/* hired 2026-01-15: January counts and is ramp month 1 */
	assert_money_text(adjust("10000", "2026-01", "2026-01-15", NULL, &r, SPM_PRORATE_MONTHS, 0),
	                  "2500");
	assert_money_text(adjust("10000", "2026-02", "2026-01-15", NULL, &r, SPM_PRORATE_MONTHS, 0),
	                  "5000");
	/* without a ramp, a hire on the 15th is the whole month */
	assert_money_text(
	    adjust("10000", "2026-01", "2026-01-15", NULL, NULL, SPM_PRORATE_MONTHS, 0), "10000");
	assert_string_equal(note, "");
	/* by days a hire on the 16th ramps from its own month: 25% × 16/31 of 10,000 = 1,290.32 */
	assert_money_text(adjust("10000", "2026-01", "2026-01-16", NULL, &r, SPM_PRORATE_DAYS, 2),
	                  "1290.32");
	assert_money_text(adjust("10000", "2026-02", "2026-01-16", NULL, &r, SPM_PRORATE_DAYS, 0),
	                  "5000");
}

static void test_adjust_leaver(void **state)
{
	(void)state;
	/* by days: left 2026-04-10, 10 of 30 days of 30,000 = 10,000 */
	assert_money_text(adjust("30000", "2026-04", NULL, "2026-04-10", NULL, SPM_PRORATE_DAYS, 0),
	                  "10000");
	assert_note_has("left 2026-04-10");
	assert_note_has("prorated by days");
	assert_note_lacks("hired");
	/* by months: gone before the 15th is nothing, still there on it is everything */
	assert_money_text(
	    adjust("30000", "2026-04", NULL, "2026-04-14", NULL, SPM_PRORATE_MONTHS, 0), "0");
	assert_note_has("left 2026-04-14");
	assert_note_has("2026-04 0%");
	assert_money_text(
	    adjust("30000", "2026-04", NULL, "2026-04-15", NULL, SPM_PRORATE_MONTHS, 0), "30000");
	assert_string_equal(note, "");
	/* a quarter left in May, by months: April and May count, June not: 2/3 of 9,000 */
	assert_money_text(
	    adjust("9000", "2026-Q2", NULL, "2026-05-20", NULL, SPM_PRORATE_MONTHS, 0), "6000");
	assert_note_has("2026-06 0%");
	assert_note_lacks("2026-05 ");
	/* hired and gone within the month, by days: 10th to 19th is 10 of 30 days */
	assert_money_text(
	    adjust("3000", "2026-04", "2026-04-10", "2026-04-19", NULL, SPM_PRORATE_DAYS, 0),
	    "1000");
	assert_note_has("hired 2026-04-10");
	assert_note_has("left 2026-04-19");
}

/* none is no proration at all; a ramp still applies, from the month of the hire */
static void test_adjust_prorate_none(void **state)
{
	(void)state;
	spm_ramp r = R("25,50,75");
	assert_money_text(adjust("30000", "2026-04", "2026-04-30", NULL, NULL, SPM_PRORATE_NONE, 0),
	                  "30000");
	assert_string_equal(note, "");
	assert_money_text(adjust("30000", "2026-Q2", "2026-05-20", NULL, NULL, SPM_PRORATE_NONE, 0),
	                  "30000");
	assert_string_equal(note, "");
	assert_money_text(adjust("30000", "2026-Q2", NULL, "2026-03-31", NULL, SPM_PRORATE_NONE, 0),
	                  "30000");
	assert_string_equal(note, "");
	/* Q2 with the ramp, hired 2026-05-20: April is before the tenure (100%), May 25%, June
	 * 50%: (1 + 0.25 + 0.5) / 3 of 30,000 = 17,500 */
	assert_money_text(adjust("30000", "2026-Q2", "2026-05-20", NULL, &r, SPM_PRORATE_NONE, 0),
	                  "17500");
	assert_note_has("ramp 25%/50%/75%");
	assert_note_has("2026-05 25%, 2026-06 50%");
	assert_note_lacks("2026-04 ");
	assert_note_lacks("prorated");
}

static void test_adjust_no_hire_and_edges(void **state)
{
	(void)state;
	spm_period q1 = P("2026-Q1");
	spm_money out = {SENTINEL};
	spm_error err;
	/* no dates at all: the full quota, whatever the places */
	assert_money_text(adjust("1234.5678", "2026-Q1", NULL, NULL, NULL, SPM_PRORATE_DAYS, 0),
	                  "1234.5678");
	assert_string_equal(note, "");
	/* a NULL note is allowed */
	assert_int_equal(spm_quota_adjust(money("300"), &q1, true, D("2026-02-01"), false,
	                                  (spm_date){0}, NULL, SPM_PRORATE_MONTHS, 0, &out, NULL, 0,
	                                  &err),
	                 SPM_OK);
	assert_money_text(out, "200");
	/* a short note buffer is cut, still terminated */
	char small[12];
	memset(small, 'x', sizeof small);
	assert_int_equal(spm_quota_adjust(money("300"), &q1, true, D("2026-02-01"), false,
	                                  (spm_date){0}, NULL, SPM_PRORATE_MONTHS, 0, &out, small,
	                                  sizeof small, &err),
	                 SPM_OK);
	assert_int_equal(strlen(small), sizeof small - 1);
	assert_memory_equal(small, "full 300; h", sizeof small - 1);
}

static void test_fte(void **state)
{
	(void)state;
	spm_period year = P("2026");
	spm_ramp r = R("25,50,75");
	spm_rate f = {SENTINEL};
	spm_error err;
	/* employed all through: 1 */
	assert_int_equal(spm_quota_fte(&year, true, D("2020-05-05"), false, (spm_date){0}, &r,
	                               SPM_PRORATE_DAYS, &f, &err),
	                 SPM_OK);
	assert_int_equal(f.units, SPM_RATE_ONE);
	assert_int_equal(spm_quota_fte(&year, false, (spm_date){0}, false, (spm_date){0}, NULL,
	                               SPM_PRORATE_DAYS, &f, &err),
	                 SPM_OK);
	assert_int_equal(f.units, SPM_RATE_ONE);
	/*
	 * Hired 2026-02-01, by whole months: Jan 0, Feb 25%, Mar 50%, Apr 75%, May..Dec 8 × 100%:
	 * 9.5 / 12 = 0.791666..., 0.7916666667 at the rate scale (half-up)
	 */
	assert_int_equal(spm_quota_fte(&year, true, D("2026-02-01"), false, (spm_date){0}, &r,
	                               SPM_PRORATE_MONTHS, &f, &err),
	                 SPM_OK);
	assert_rate_text(f, "0.7916666667");
	/* hired 2026-07-01 and gone 2026-09-30, no ramp, by days: 92 of 365 days, 0.25205479452 */
	assert_int_equal(spm_quota_fte(&year, true, D("2026-07-01"), true, D("2026-09-30"), NULL,
	                               SPM_PRORATE_DAYS, &f, &err),
	                 SPM_OK);
	assert_rate_text(f, "0.2520547945");
	/* by whole months the same rep is 3 of 12 months */
	assert_int_equal(spm_quota_fte(&year, true, D("2026-07-01"), true, D("2026-09-30"), NULL,
	                               SPM_PRORATE_MONTHS, &f, &err),
	                 SPM_OK);
	assert_rate_text(f, "0.25");
}

/* ---- ramps ------------------------------------------------------------------------------- */

static void test_ramp_parse(void **state)
{
	(void)state;
	spm_ramp r;
	spm_error err;
	assert_int_equal(spm_ramp_parse(&r, "25,50,75", &err), SPM_OK);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.steps[0].units, SPM_RATE_ONE / 4);
	assert_int_equal(r.steps[1].units, SPM_RATE_ONE / 2);
	assert_int_equal(r.steps[2].units, SPM_RATE_ONE / 4 * 3);
	assert_int_equal(spm_ramp_parse(&r, "25%, 50%,75%", &err), SPM_OK);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.steps[0].units, SPM_RATE_ONE / 4);
	assert_int_equal(r.steps[1].units, SPM_RATE_ONE / 2);
	assert_int_equal(r.steps[2].units, SPM_RATE_ONE / 4 * 3);
	assert_int_equal(spm_ramp_parse(&r, " 0 , 12.5 ,100", &err), SPM_OK);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.steps[0].units, 0);
	assert_int_equal(r.steps[1].units, SPM_RATE_ONE / 8);
	assert_int_equal(r.steps[2].units, SPM_RATE_ONE);

	static const struct {
		const char *text, *step;
	} bad[] = {
	    {"abc", "ramp step 1"},    {"150", "ramp step 1"},    {"", "ramp step 1"},
	    {"-5", "ramp step 1"},     {"25,,50", "ramp step 2"}, {"25,50,101%", "ramp step 3"},
	    {"25,50,", "ramp step 3"}, {"25;50", "ramp step 1"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		spm_ramp keep = {.n = 99};
		spm_error_clear(&err);
		assert_int_equal(spm_ramp_parse(&keep, bad[i].text, &err), SPM_EDATA);
		assert_int_equal(err.code, SPM_EDATA);
		if (!strstr(err.message, bad[i].step))
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].text, err.message,
			         bad[i].step);
		assert_int_equal(keep.n, 99); /* untouched on error */
	}
	/* the bad text is quoted */
	assert_int_equal(spm_ramp_parse(&r, "25,lots", &err), SPM_EDATA);
	assert_non_null(strstr(err.message, "'lots'"));

	/* SPM_RAMP_MAX steps are fine, one more is not */
	char text[4 * (SPM_RAMP_MAX + 2)] = "";
	for (int i = 0; i < SPM_RAMP_MAX; i++)
		strcat(text, i ? ",50" : "50");
	assert_int_equal(spm_ramp_parse(&r, text, &err), SPM_OK);
	assert_int_equal(r.n, SPM_RAMP_MAX);
	strcat(text, ",50");
	assert_int_equal(spm_ramp_parse(&r, text, &err), SPM_EDATA);
	char max[16];
	snprintf(max, sizeof max, "%d", SPM_RAMP_MAX);
	assert_non_null(strstr(err.message, "steps"));
	assert_non_null(strstr(err.message, max));
}

static int ramp_read(const char *text, spm_ramp *r, spm_plan_proration *pr, spm_error *err)
{
	return spm_ramp_read(r, pr, "ramp.yaml", text, strlen(text), err);
}

static void test_ramp_read(void **state)
{
	(void)state;
	spm_ramp r;
	spm_plan_proration pr = SPM_PRORATE_DAYS;
	spm_error err;
	assert_int_equal(ramp_read("ramp: [25%, 50%, 75%]\nprorate: months\n", &r, &pr, &err),
	                 SPM_OK);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.steps[0].units, SPM_RATE_ONE / 4);
	assert_int_equal(r.steps[2].units, SPM_RATE_ONE / 4 * 3);
	assert_int_equal(pr, SPM_PRORATE_MONTHS);
	/* plain numbers are percent; prorate absent leaves it as it was */
	assert_int_equal(ramp_read("ramp:\n  - 10\n  - 60\n", &r, &pr, &err), SPM_OK);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.steps[0].units, SPM_RATE_ONE / 10);
	assert_int_equal(r.steps[1].units, SPM_RATE_ONE / 10 * 6);
	assert_int_equal(pr, SPM_PRORATE_MONTHS);
	assert_int_equal(ramp_read("prorate: none\nramp: [50]\n", &r, &pr, &err), SPM_OK);
	assert_int_equal(pr, SPM_PRORATE_NONE);
	assert_int_equal(ramp_read("ramp: [50]\nprorate: days\n", &r, &pr, &err), SPM_OK);
	assert_int_equal(pr, SPM_PRORATE_DAYS);

	static const struct {
		const char *text;
		long line, col;
		const char *says;
	} bad[] = {
	    {"ramp: [25]\nramps: [50]\n", 2, 1, "unknown key 'ramps'"},
	    {"ramp: [25%, 150%]\n", 1, 13, "150%"},
	    {"ramp: [25, 150]\n", 1, 12, "150"},
	    {"ramp: []\n", 1, 7, "not 0"},
	    {"ramp: [25, lots]\n", 1, 12, "lots"},
	    {"ramp: 25\n", 1, 7, "expected a list"},
	    {"prorate: months\n", 1, 1, "no 'ramp'"},
	    {"ramp: [25]\nprorate: weekly\n", 2, 10, "weekly"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		spm_ramp keep = {.n = 77};
		spm_plan_proration p = SPM_PRORATE_NONE;
		spm_error_clear(&err);
		assert_int_equal(ramp_read(bad[i].text, &keep, &p, &err), SPM_ECONFIG);
		assert_string_equal(err.source, "ramp.yaml");
		if (err.line != bad[i].line || err.col != bad[i].col ||
		    !strstr(err.message, bad[i].says))
			fail_msg("'%s': got %ld:%ld '%s', want %ld:%ld '%s'", bad[i].text, err.line,
			         err.col, err.message, bad[i].line, bad[i].col, bad[i].says);
		assert_int_equal(keep.n, 77);
		assert_int_equal(p, SPM_PRORATE_NONE);
	}
	/* more than SPM_RAMP_MAX steps */
	char text[8 + 4 * (SPM_RAMP_MAX + 2)] = "ramp: [";
	for (int i = 0; i <= SPM_RAMP_MAX; i++)
		strcat(text, i ? ",50" : "50");
	strcat(text, "]");
	assert_int_equal(ramp_read(text, &r, &pr, &err), SPM_ECONFIG);
	assert_int_equal(err.line, 1);
}

/* ---- spm_attainment_ratio ------------------------------------------------------------------ */

static void test_attainment_ratio(void **state)
{
	(void)state;
	spm_rate r = {SENTINEL};
	spm_error err;
	/* 86,667 / 100,000 = 0.86667 */
	assert_int_equal(spm_attainment_ratio(money("86667"), money("100000"), &r, &err), SPM_OK);
	assert_int_equal(r.units, 8666700000);
	/* 2 / 3 = 0.66666666666..., down to 0.6666666666 (never up to ...67) */
	assert_int_equal(spm_attainment_ratio(money("2"), money("3"), &r, &err), SPM_OK);
	assert_int_equal(r.units, 6666666666);
	/* 0.9999999999999 stays below 1: 0.9999999999 */
	assert_int_equal(
	    spm_attainment_ratio(money("999999999.9999"), money("1000000000"), &r, &err), SPM_OK);
	assert_true(r.units < SPM_RATE_ONE);
	assert_int_equal(r.units, 9999999999);
	/* 1 / 3 = 0.3333333333 */
	assert_int_equal(spm_attainment_ratio(money("1"), money("3"), &r, &err), SPM_OK);
	assert_int_equal(r.units, 3333333333);
	/* over quota and negative credit */
	assert_int_equal(spm_attainment_ratio(money("150"), money("100"), &r, &err), SPM_OK);
	assert_int_equal(r.units, 15000000000);
	assert_int_equal(spm_attainment_ratio(money("-1"), money("3"), &r, &err), SPM_OK);
	assert_int_equal(r.units, -3333333333);
	/* no quota: 0 */
	r.units = SENTINEL;
	assert_int_equal(spm_attainment_ratio(money("500"), money("0"), &r, &err), SPM_OK);
	assert_int_equal(r.units, 0);
	r.units = SENTINEL;
	assert_int_equal(spm_attainment_ratio(money("500"), money("-10"), &r, &err), SPM_OK);
	assert_int_equal(r.units, 0);
	/* 900 billion / 0.0001 is beyond any rate */
	assert_int_equal(spm_attainment_ratio(money("900000000000"), money("0.0001"), &r, &err),
	                 SPM_ERANGE);
	assert_int_equal(err.code, SPM_ERANGE);
}

/* ---- the organisation ---------------------------------------------------------------------- */

/*
 * m0 manages m1 and m2; m1 manages the team east (a1, a2, a3, a4), m2 the team west (b1, b2) and
 * c1, who has no team. a3 left at the end of 2025; b2 joins on 2026-07-01; c1 was there from
 * 2023-01-01 to 2024-06-30. Territories: WORLD > EU > DE, WORLD > US; DE, EU and US have a
 * potential of their own: 3, 1, 1.
 *
 * Won bookings in 2025 (owner and split lines, in USD; EUR at 2 from 2025-01-01):
 *   D1 a1 3,000 (03-10, Q1)   D7 b1 1,000 (02-15, Q1)   D2 a2 50% + a4 50% of 1,000 (06-01, Q2)
 *   D3 b1 1,000 EUR = 2,000 (09-01, Q3)   D8 b1 3,000 (11-15, Q4)
 * not counted: D4 lost, D5 closed 2024-12-31, the overlay of a4 on D1.
 * By rep: a1 3,000, a2 500, a4 500, b1 6,000 (east 4,000, west 6,000);
 * by quarter: 4,000, 1,000, 2,000, 3,000.
 *
 * In 2026 (EUR at 1.5 from 2026-01-01):
 *   E1 a1 10,000 (01-20), with a4's overlay of 50% (5,000)
 *   E2 a2 4,000 (02-10) split a2 75% (3,000) + b1 25% (1,000)
 *   E6 m1 2,000 (03-15), the manager's own deal
 *   E4 b1 6,000 EUR = 9,000 (05-05)
 *   not counted: E5 lost, E7 open.
 */
static const char *const reps_csv =
    "rep_id,name,manager_id,team,territory,hire_date,end_date,potential,quality,score\n"
    "m0,Vera,,,,,,,,\n"
    "m1,Mia,m0,,,,,,,\n"
    "m2,Max,m0,,,,,,,\n"
    "a1,Ann,m1,east,DE,2020-01-01,,3,5,high\n"
    "a2,Ari,m1,east,EU,,,1,5,\n"
    "a3,Abe,m1,east,DE,2021-01-01,2025-12-31,,,\n"
    "a4,Ada,m1,east,DE,,,1,5,\n"
    "b1,Bo,m2,west,US,,,2,,\n"
    "b2,Bea,m2,west,US,2026-07-01,,2,5,\n"
    "c1,Cy,m2,,,2023-01-01,2024-06-30,,,\n";

static int org_setup(void **state)
{
	spm_store *st = teststore_open("quota");
	teststore_load(st, SPM_KIND_TERRITORIES,
	               "territory_id,name,parent_id,potential\n"
	               "WORLD,World,,\nEU,Europe,WORLD,1\nDE,Germany,EU,3\nUS,America,WORLD,1\n");
	teststore_load(st, SPM_KIND_REPS, reps_csv);
	teststore_load(st, SPM_KIND_FX,
	               "currency,date,rate\nEUR,2025-01-01,2\nEUR,2026-01-01,1.5\n");
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date,currency\n"
	               "D1,a1,3000,won,2025-03-10,USD\n"
	               "D2,a2,1000,won,2025-06-01,USD\n"
	               "D3,b1,1000,won,2025-09-01,EUR\n"
	               "D4,a1,5000,lost,2025-04-01,USD\n"
	               "D5,a1,9000,won,2024-12-31,USD\n"
	               "D7,b1,1000,won,2025-02-15,USD\n"
	               "D8,b1,3000,won,2025-11-15,USD\n"
	               "E1,a1,10000,won,2026-01-20,USD\n"
	               "E2,a2,4000,won,2026-02-10,USD\n"
	               "E4,b1,6000,won,2026-05-05,EUR\n"
	               "E5,a1,7000,lost,2026-03-01,USD\n"
	               "E6,m1,2000,won,2026-03-15,USD\n"
	               "E7,a4,8000,open,2026-03-20,USD\n");
	teststore_load(st, SPM_KIND_CREDITS,
	               "deal_id,rep_id,share,kind\n"
	               "D2,a2,50%,revenue\nD2,a4,50%,revenue\nD1,a4,100%,overlay\n"
	               "E2,a2,75%,revenue\nE2,b1,25%,revenue\nE1,a4,50%,overlay\n");
	/*
	 * Quotas: a1 120,000 for 2026 and 20/30/30/40,000 by quarter; a2 by month only in Q1
	 * (5,000, 5,000, 10,000); b1 60,000 for 2026 but quarters adding up to 50,000; the team
	 * east's own 70,000 for Q1; the manager m1's own 50,000 for Q1; the territory EU's 25,000
	 * for Q1. A quota of another metric must not count.
	 */
	teststore_load(st, SPM_KIND_QUOTAS,
	               "rep_id,team,territory,period,metric,amount\n"
	               "a1,,,2026,,120000\n"
	               "a1,,,2026-Q1,,20000\na1,,,2026-Q2,,30000\n"
	               "a1,,,2026-Q3,,30000\na1,,,2026-Q4,,40000\n"
	               "a2,,,2026-01,,5000\na2,,,2026-02,,5000\na2,,,2026-03,,10000\n"
	               "b1,,,2026,,60000\n"
	               "b1,,,2026-Q1,,10000\nb1,,,2026-Q2,,10000\n"
	               "b1,,,2026-Q3,,10000\nb1,,,2026-Q4,,20000\n"
	               ",east,,2026-Q1,,70000\n"
	               "m1,,,2026-Q1,,50000\n"
	               ",,EU,2026-Q1,,25000\n"
	               "a4,,,2026-Q1,margin,999\n");
	*state = st;
	return 0;
}

/* ---- allocation ------------------------------------------------------------------------------ */

/* Lines as text: "level id period amount full", " *" when the line has a note. */
static char lines[1 << 14];
static char notes[64][512]; /* the notes, by line number */
static size_t nlines;
static const char *want_metric = "bookings", *want_currency = "USD";

static int collect_line(void *ctx, const spm_quota_line *l)
{
	char period[SPM_PERIOD_BUFSZ], amount[SPM_NUM_BUFSZ], full[SPM_NUM_BUFSZ];
	(void)ctx;
	static const char *const scopes[] = {"rep", "rep", "team", "territory"};
	assert_true((unsigned)l->level <= SPM_LEVEL_TERRITORY);
	assert_string_equal(l->scope, scopes[l->level]);
	assert_string_equal(l->metric, want_metric);
	assert_string_equal(l->currency, want_currency);
	assert_non_null(l->note);
	spm_period_format(period, sizeof period, l->period);
	spm_money_format(amount, sizeof amount, l->amount, 0);
	spm_money_format(full, sizeof full, l->full, 0);
	size_t n = strlen(lines);
	assert_true(n < sizeof lines - 200);
	snprintf(lines + n, sizeof lines - n, "%s %s %s %s %s%s\n", spm_level_name(l->level), l->id,
	         period, amount, full, *l->note ? " *" : "");
	if (nlines < 64)
		snprintf(notes[nlines], sizeof notes[nlines], "%s", l->note);
	nlines++;
	return 0;
}

static spm_allocation alloc_of(const char *period, const char *total, spm_level by,
                               spm_alloc_method method)
{
	spm_allocation a = {.period = P(period), .total = money(total), .by = by, .method = method};
	return a;
}

static int allocate(spm_store *st, const spm_allocation *a, spm_error *err)
{
	lines[0] = '\0';
	nlines = 0;
	spm_error_clear(err);
	return spm_quota_allocate(st, a, collect_line, NULL, err);
}

static void expect_lines(spm_store *st, const spm_allocation *a, const char *want)
{
	spm_error err;
	if (allocate(st, a, &err))
		fail_msg("allocate: %s", err.message);
	assert_string_equal(lines, want);
}

static void expect_error(spm_store *st, const spm_allocation *a, int code, const char *says)
{
	spm_error err;
	assert_int_equal(allocate(st, a, &err), code);
	assert_int_equal(err.code, code);
	if (!strstr(err.message, says))
		fail_msg("message '%s' lacks '%s'", err.message, says);
	assert_string_equal(lines, ""); /* nothing is emitted before a refusal */
}

/* The note of the first line starting with `head`. */
static const char *note_of(const char *head)
{
	const char *at = lines;
	for (size_t i = 0; i < nlines && i < 64; i++) {
		if (strncmp(at, head, strlen(head)) == 0)
			return notes[i];
		at = strchr(at, '\n') + 1;
	}
	fail_msg("no line '%s' in:\n%s", head, lines);
	return "";
}

/*
 * Even by team, 2026. Active ICs: a1, a2, a4 (east) and b1, b2 (west); a3 left, c1 left, the
 * managers are not ICs. East weighs 3, west 2: 100,001 splits 60,000.6 / 40,000.4, floors to
 * 60,000 / 40,000 and the unit left goes to east (remainder .6). East's 60,001 / 3 = 20,000.33:
 * a1 gets the unit (ties to the earlier). b2 joins on 2026-07-01: by days 184 of 365 days of
 * 20,000 = 10,082.19, 10,082.
 */
static void test_alloc_even_by_team(void **state)
{
	spm_allocation a = alloc_of("2026", "100001", SPM_LEVEL_TEAM, SPM_ALLOC_EVEN);
	expect_lines(*state, &a,
	             "team east 2026 60001 60001\n"
	             "team west 2026 40000 40000\n"
	             "rep a1 2026 20001 20001\n"
	             "rep a2 2026 20000 20000\n"
	             "rep a4 2026 20000 20000\n"
	             "rep b1 2026 20000 20000\n"
	             "rep b2 2026 10082 20000 *\n");
	const char *n = note_of("rep b2");
	assert_non_null(strstr(n, "full 20000"));
	assert_non_null(strstr(n, "hired 2026-07-01"));
	assert_non_null(strstr(n, "prorated by days"));
	assert_non_null(strstr(n, "2026-06 0%"));
	assert_null(strstr(n, "2026-07 "));
	assert_string_equal(note_of("team east"), "");

	/*
	 * To the cent, 1,000.01: east 600.006 -> 600.00 + the cent (remainder .006 > .004) =
	 * 600.01, west 400.00; east's reps 200.0033: 200.01, 200, 200. b2: 200 × 184/365 =
	 * 100.8219, 100.82.
	 */
	a = alloc_of("2026", "1000.01", SPM_LEVEL_TEAM, SPM_ALLOC_EVEN);
	a.places = 2;
	expect_lines(*state, &a,
	             "team east 2026 600.01 600.01\n"
	             "team west 2026 400 400\n"
	             "rep a1 2026 200.01 200.01\n"
	             "rep a2 2026 200 200\n"
	             "rep a4 2026 200 200\n"
	             "rep b1 2026 200 200\n"
	             "rep b2 2026 100.82 200 *\n");
	/* a total with more decimals than the places is refused */
	a.places = 1;
	expect_error(*state, &a, SPM_EDATA, "more than 1 decimals");
}

/* Over-assignment 10%: each group's reps carry 110% of its part. */
static void test_alloc_over(void **state)
{
	spm_allocation a = alloc_of("2026", "100000", SPM_LEVEL_TEAM, SPM_ALLOC_EVEN);
	a.over = rate("0.1");
	/* east 60,000 × 1.1 = 66,000 over 3; west 40,000 × 1.1 = 44,000 over 2;
	 * b2 22,000 × 184/365 = 11,090.41 */
	expect_lines(*state, &a,
	             "team east 2026 60000 60000 *\n"
	             "team west 2026 40000 40000 *\n"
	             "rep a1 2026 22000 22000\n"
	             "rep a2 2026 22000 22000\n"
	             "rep a4 2026 22000 22000\n"
	             "rep b1 2026 22000 22000\n"
	             "rep b2 2026 11090 22000 *\n");
	assert_non_null(strstr(note_of("team east"), "110%"));
	/* 100,001: east 60,001 × 1.1 = 66,001.1, 66,001 at places 0: 22,001 + 22,000 + 22,000 */
	a.total = money("100001");
	expect_lines(*state, &a,
	             "team east 2026 60001 60001 *\n"
	             "team west 2026 40000 40000 *\n"
	             "rep a1 2026 22001 22001\n"
	             "rep a2 2026 22000 22000\n"
	             "rep a4 2026 22000 22000\n"
	             "rep b1 2026 22000 22000\n"
	             "rep b2 2026 11090 22000 *\n");
	a.over = rate("-0.1");
	expect_error(*state, &a, SPM_EDATA, "over-assignment");
}

/* By manager and by territory the groups are the ICs' managers and own territories. */
static void test_alloc_levels(void **state)
{
	/* m1: a1, a2, a4 (3); m2: b1, b2 (2); a manager's line is scope rep (checked in collect) */
	spm_allocation a = alloc_of("2026", "100000", SPM_LEVEL_MANAGER, SPM_ALLOC_EVEN);
	expect_lines(*state, &a,
	             "manager m1 2026 60000 60000\n"
	             "manager m2 2026 40000 40000\n"
	             "rep a1 2026 20000 20000\n"
	             "rep a2 2026 20000 20000\n"
	             "rep a4 2026 20000 20000\n"
	             "rep b1 2026 20000 20000\n"
	             "rep b2 2026 10082 20000 *\n");
	/* DE: a1, a4; EU: a2; US: b1, b2 */
	a = alloc_of("2026", "100000", SPM_LEVEL_TERRITORY, SPM_ALLOC_EVEN);
	expect_lines(*state, &a,
	             "territory DE 2026 40000 40000\n"
	             "territory EU 2026 20000 20000\n"
	             "territory US 2026 40000 40000\n"
	             "rep a1 2026 20000 20000\n"
	             "rep a2 2026 20000 20000\n"
	             "rep a4 2026 20000 20000\n"
	             "rep b1 2026 20000 20000\n"
	             "rep b2 2026 10082 20000 *\n");
	/* straight over the reps: 5 ICs; no group lines; in Q1 b2 is not there yet: 4 ICs */
	a = alloc_of("2026", "100000", SPM_LEVEL_REP, SPM_ALLOC_EVEN);
	expect_lines(*state, &a,
	             "rep a1 2026 20000 20000\n"
	             "rep a2 2026 20000 20000\n"
	             "rep a4 2026 20000 20000\n"
	             "rep b1 2026 20000 20000\n"
	             "rep b2 2026 10082 20000 *\n");
	a = alloc_of("2026-Q1", "100", SPM_LEVEL_REP, SPM_ALLOC_EVEN);
	expect_lines(*state, &a,
	             "rep a1 2026-Q1 25 25\n"
	             "rep a2 2026-Q1 25 25\n"
	             "rep a4 2026-Q1 25 25\n"
	             "rep b1 2026-Q1 25 25\n");
	/* 2024: c1 (no team) is active: by team names c1, by manager does not care */
	a = alloc_of("2024", "100000", SPM_LEVEL_TEAM, SPM_ALLOC_EVEN);
	expect_error(*state, &a, SPM_EDATA, "rep 'c1' has no team");
	a.by = SPM_LEVEL_TERRITORY;
	expect_error(*state, &a, SPM_EDATA, "rep 'c1' has no territory");
	/* 2024 by manager: m1 has a1, a2, a3, a4 (a3 still there); m2 has b1 and c1 */
	a = alloc_of("2024", "60000", SPM_LEVEL_MANAGER, SPM_ALLOC_EVEN);
	expect_lines(*state, &a,
	             "manager m1 2024 40000 40000\n"
	             "manager m2 2024 20000 20000\n"
	             "rep a1 2024 10000 10000\n"
	             "rep a2 2024 10000 10000\n"
	             "rep a3 2024 10000 10000\n"
	             "rep a4 2024 10000 10000\n"
	             "rep b1 2024 10000 10000\n"
	             "rep c1 2024 4973 10000 *\n");
	/* c1 left 2024-06-30: by days 182 of 366 days of 10,000 = 4,972.68 */
	assert_non_null(strstr(note_of("rep c1"), "left 2024-06-30"));
	/* levels that have no groups of their own, and places out of range */
	a = alloc_of("2026", "100", SPM_LEVEL_COUNT, SPM_ALLOC_EVEN);
	expect_error(*state, &a, SPM_EUSAGE, "bad arguments");
	a = alloc_of("2026", "100", SPM_LEVEL_COMPANY, SPM_ALLOC_EVEN);
	expect_error(*state, &a, SPM_EUSAGE, "bad arguments");
	a = alloc_of("2026", "100", SPM_LEVEL_TEAM, SPM_ALLOC_EVEN);
	a.places = 5;
	expect_error(*state, &a, SPM_EUSAGE, "bad arguments");
}

/*
 * History, last year: 2025's bookings (see the organisation): east 4,000, west 6,000 (b1;
 * b2 has none). 100,000: east 40,000 (a1 3/4 = 30,000, a2 and a4 5,000 each), west 60,000 (b1).
 */
static void test_alloc_history(void **state)
{
	spm_allocation a = alloc_of("2026", "100000", SPM_LEVEL_TEAM, SPM_ALLOC_HISTORY);
	expect_lines(*state, &a,
	             "team east 2026 40000 40000\n"
	             "team west 2026 60000 60000\n"
	             "rep a1 2026 30000 30000\n"
	             "rep a2 2026 5000 5000\n"
	             "rep a4 2026 5000 5000\n"
	             "rep b1 2026 60000 60000\n"
	             "rep b2 2026 0 0 *\n");
	/*
	 * Q1 2026 against 2025-Q1: a1 3,000 (D1), b1 1,000 (D7); b2 is not there yet.
	 * 40,000: east 30,000 all to a1, west 10,000 to b1.
	 */
	a = alloc_of("2026-Q1", "40000", SPM_LEVEL_TEAM, SPM_ALLOC_HISTORY);
	expect_lines(*state, &a,
	             "team east 2026-Q1 30000 30000\n"
	             "team west 2026-Q1 10000 10000\n"
	             "rep a1 2026-Q1 30000 30000\n"
	             "rep a2 2026-Q1 0 0\n"
	             "rep a4 2026-Q1 0 0\n"
	             "rep b1 2026-Q1 10000 10000\n");
	/*
	 * ttm: the twelve months before 2026-Q1, all of 2025: east 4,000, west 6,000.
	 * 40,000: east 16,000 (a1 12,000, a2 2,000, a4 2,000), west 24,000.
	 */
	a.history = SPM_HISTORY_TTM;
	expect_lines(*state, &a,
	             "team east 2026-Q1 16000 16000\n"
	             "team west 2026-Q1 24000 24000\n"
	             "rep a1 2026-Q1 12000 12000\n"
	             "rep a2 2026-Q1 2000 2000\n"
	             "rep a4 2026-Q1 2000 2000\n"
	             "rep b1 2026-Q1 24000 24000\n");
	/*
	 * ttm of 2026-03 is 2025-03-01..2026-02-28: D1 (03-10), D2, D3, D8, E1 and E2 are in it,
	 * D7 (02-15) is not. a1: D1 3,000 + E1 10,000 = 13,000; a2: D2 500 + E2 3,000 = 3,500;
	 * a4: D2 500; b1: D3 2,000 + D8 3,000 + E2 1,000 = 6,000; 23,000 in all. By rep, 2,300:
	 * a1 1,300, a2 350, a4 50, b1 600.
	 */
	a = alloc_of("2026-03", "2300", SPM_LEVEL_REP, SPM_ALLOC_HISTORY);
	a.history = SPM_HISTORY_TTM;
	expect_lines(*state, &a,
	             "rep a1 2026-03 1300 1300\n"
	             "rep a2 2026-03 350 350\n"
	             "rep a4 2026-03 50 50\n"
	             "rep b1 2026-03 600 600\n");
	/* 2023 against 2022: no bookings at all */
	a = alloc_of("2023", "100", SPM_LEVEL_REP, SPM_ALLOC_HISTORY);
	expect_error(*state, &a, SPM_EDATA, "no won bookings from 2022-01-01 to 2022-12-31");
}

/*
 * Potential from the reps' attribute: a1 3, a2 1, a4 1 (east 5), b1 2, b2 2 (west 4). 90,000:
 * east 50,000 (30,000, 10,000, 10,000), west 40,000 (20,000 each; b2 184/365 by days).
 * a3 and c1 lack the attribute, but are not active: no error for them.
 */
static void test_alloc_potential(void **state)
{
	spm_allocation a = alloc_of("2026", "90000", SPM_LEVEL_TEAM, SPM_ALLOC_POTENTIAL);
	a.attribute = "potential";
	expect_lines(*state, &a,
	             "team east 2026 50000 50000\n"
	             "team west 2026 40000 40000\n"
	             "rep a1 2026 30000 30000\n"
	             "rep a2 2026 10000 10000\n"
	             "rep a4 2026 10000 10000\n"
	             "rep b1 2026 20000 20000\n"
	             "rep b2 2026 10082 20000 *\n");
	/* quality: b1 lacks it */
	a.attribute = "quality";
	expect_error(*state, &a, SPM_EDATA, "rep 'b1' has no attribute 'quality'");
	/* score: a1's is not a number */
	a.attribute = "score";
	expect_error(*state, &a, SPM_EDATA, "'high'");
	a.attribute = "height";
	expect_error(*state, &a, SPM_EDATA, "has no attribute 'height'");
	a.attribute = NULL;
	expect_error(*state, &a, SPM_EUSAGE, "no attribute");
	a.attribute = "";
	expect_error(*state, &a, SPM_EUSAGE, "no attribute");

	/*
	 * By territory, the territories' own potential weighs the groups: DE 3, EU 1, US 1 of
	 * 50,000 is 30,000, 10,000, 10,000 (the reps' sums would be 4, 1, 4); within DE a1 3 : a4 1
	 * is 22,500 and 7,500; US 5,000 each, b2 5,000 × 184/365 = 2,520.55, 2,521.
	 */
	a = alloc_of("2026", "50000", SPM_LEVEL_TERRITORY, SPM_ALLOC_POTENTIAL);
	a.attribute = "potential";
	expect_lines(*state, &a,
	             "territory DE 2026 30000 30000\n"
	             "territory EU 2026 10000 10000\n"
	             "territory US 2026 10000 10000\n"
	             "rep a1 2026 22500 22500\n"
	             "rep a2 2026 10000 10000\n"
	             "rep a4 2026 7500 7500\n"
	             "rep b1 2026 5000 5000\n"
	             "rep b2 2026 2521 5000 *\n");
}

static void test_alloc_weights(void **state)
{
	spm_weight w[] = {{"east", rate("60")},
	                  {"west", rate("40")},
	                  {"a1", rate("50")},
	                  {"a2", rate("25")},
	                  {"a4", rate("25")}};
	spm_allocation a = alloc_of("2026", "100000", SPM_LEVEL_TEAM, SPM_ALLOC_WEIGHTS);
	a.weights = w;
	a.nweights = 5;
	/* east 60,000 by 50/25/25; west 40,000 not given: even */
	expect_lines(*state, &a,
	             "team east 2026 60000 60000\n"
	             "team west 2026 40000 40000\n"
	             "rep a1 2026 30000 30000\n"
	             "rep a2 2026 15000 15000\n"
	             "rep a4 2026 15000 15000\n"
	             "rep b1 2026 20000 20000\n"
	             "rep b2 2026 10082 20000 *\n");
	/* the groups only, their reps even */
	a.weights = w;
	a.nweights = 2;
	expect_lines(*state, &a,
	             "team east 2026 60000 60000\n"
	             "team west 2026 40000 40000\n"
	             "rep a1 2026 20000 20000\n"
	             "rep a2 2026 20000 20000\n"
	             "rep a4 2026 20000 20000\n"
	             "rep b1 2026 20000 20000\n"
	             "rep b2 2026 10082 20000 *\n");

	spm_weight not100[] = {{"east", rate("60")}, {"west", rate("30")}};
	/* the reps only: the groups weigh their head counts, 3 : 2 */
	a.weights = w + 2;
	a.nweights = 3;
	expect_lines(*state, &a,
	             "team east 2026 60000 60000\n"
	             "team west 2026 40000 40000\n"
	             "rep a1 2026 30000 30000\n"
	             "rep a2 2026 15000 15000\n"
	             "rep a4 2026 15000 15000\n"
	             "rep b1 2026 20000 20000\n"
	             "rep b2 2026 10082 20000 *\n");

	a.weights = not100;
	a.nweights = 2;
	expect_error(*state, &a, SPM_EDATA, "the weights of the teams add up to 90%, not 100%");
	spm_weight unknown[] = {{"east", rate("60")}, {"west", rate("40")}, {"zz", rate("1")}};
	a.weights = unknown;
	a.nweights = 3;
	expect_error(*state, &a, SPM_EDATA, "'zz'");
	spm_weight gone[] = {{"east", rate("60")}, {"west", rate("40")}, {"a3", rate("1")}};
	a.weights = gone; /* a3 left in 2025: not a rep active in the period */
	expect_error(*state, &a, SPM_EDATA, "'a3'");
	spm_weight twice[] = {{"east", rate("60")}, {"east", rate("40")}};
	a.weights = twice;
	a.nweights = 2;
	expect_error(*state, &a, SPM_EDATA, "'east' is given twice");
	spm_weight missing[] = {{"east", rate("100")}};
	a.weights = missing;
	a.nweights = 1;
	expect_error(*state, &a, SPM_EDATA, "no weight for team 'west'");
	spm_weight partial[] = {{"a1", rate("50")}, {"a2", rate("50")}};
	a.weights = partial;
	a.nweights = 2;
	expect_error(*state, &a, SPM_EDATA, "no weight for rep 'a4'");
	spm_weight reps90[] = {{"a1", rate("50")}, {"a2", rate("20")}, {"a4", rate("20")}};
	a.weights = reps90;
	a.nweights = 3;
	expect_error(*state, &a, SPM_EDATA, "add up to 90%");
	spm_weight negative[] = {{"east", rate("-10")}, {"west", rate("110")}};
	a.weights = negative;
	a.nweights = 2;
	expect_error(*state, &a, SPM_EDATA, "negative");
	/* by rep: the reps' weights add up to 100 */
	spm_weight byrep[] = {{"a1", rate("40")},
	                      {"a2", rate("10")},
	                      {"a4", rate("10")},
	                      {"b1", rate("20")},
	                      {"b2", rate("20")}};
	a = alloc_of("2026", "1000", SPM_LEVEL_REP, SPM_ALLOC_WEIGHTS);
	a.weights = byrep;
	a.nweights = 5;
	expect_lines(*state, &a,
	             "rep a1 2026 400 400\n"
	             "rep a2 2026 100 100\n"
	             "rep a4 2026 100 100\n"
	             "rep b1 2026 200 200\n"
	             "rep b2 2026 101 200 *\n");
	a.nweights = 4;
	expect_error(*state, &a, SPM_EDATA, "no weight for rep 'b2'");
}

/* Checks that each unit's sub-period lines add up to its period line (but for `except`). */
static void assert_subs_add_up(const char *except)
{
	char id[32] = "", level[16] = "";
	long whole = 0, sum = 0, whole_full = 0, sum_full = 0;
	int subs = 0;
	for (const char *at = lines; *at; at = strchr(at, '\n') + 1) {
		char lv[16], who[32], period[16];
		long amount, full;
		assert_int_equal(
		    sscanf(at, "%15s %31s %15s %ld %ld", lv, who, period, &amount, &full), 5);
		if (strchr(period, '-') == NULL) { /* a whole year: a new unit */
			if (*id && strcmp(id, except) != 0) {
				assert_int_equal(subs, 4);
				assert_int_equal(sum, whole);
				assert_int_equal(sum_full, whole_full);
			}
			snprintf(id, sizeof id, "%s", who);
			snprintf(level, sizeof level, "%s", lv);
			whole = amount;
			whole_full = full;
			sum = sum_full = 0;
			subs = 0;
		} else {
			assert_string_equal(who, id);
			assert_string_equal(lv, level);
			sum += amount;
			sum_full += full;
			subs++;
		}
	}
	if (*id && strcmp(id, except) != 0) {
		assert_int_equal(subs, 4);
		assert_int_equal(sum, whole);
		assert_int_equal(sum_full, whole_full);
	}
}

static void test_alloc_split(void **state)
{
	spm_rate season[] = {rate("20"), rate("20"), rate("20"), rate("40")};
	spm_allocation a = alloc_of("2026", "100000", SPM_LEVEL_TEAM, SPM_ALLOC_EVEN);
	a.split = true;
	a.sub = SPM_PERIOD_QUARTER;
	a.season = season;
	a.nseason = 4;
	/*
	 * east 60,000: 12,000 ×3 + 24,000; west 40,000: 8,000 ×3 + 16,000; each rep's 20,000:
	 * 4,000 ×3 + 8,000. b2 (from July): Q1 and Q2 are nothing, so 2026 is 4,000 + 8,000.
	 */
	expect_lines(*state, &a,
	             "team east 2026 60000 60000\n"
	             "team east 2026-Q1 12000 12000\n"
	             "team east 2026-Q2 12000 12000\n"
	             "team east 2026-Q3 12000 12000\n"
	             "team east 2026-Q4 24000 24000\n"
	             "team west 2026 40000 40000\n"
	             "team west 2026-Q1 8000 8000\n"
	             "team west 2026-Q2 8000 8000\n"
	             "team west 2026-Q3 8000 8000\n"
	             "team west 2026-Q4 16000 16000\n"
	             "rep a1 2026 20000 20000\n"
	             "rep a1 2026-Q1 4000 4000\n"
	             "rep a1 2026-Q2 4000 4000\n"
	             "rep a1 2026-Q3 4000 4000\n"
	             "rep a1 2026-Q4 8000 8000\n"
	             "rep a2 2026 20000 20000\n"
	             "rep a2 2026-Q1 4000 4000\n"
	             "rep a2 2026-Q2 4000 4000\n"
	             "rep a2 2026-Q3 4000 4000\n"
	             "rep a2 2026-Q4 8000 8000\n"
	             "rep a4 2026 20000 20000\n"
	             "rep a4 2026-Q1 4000 4000\n"
	             "rep a4 2026-Q2 4000 4000\n"
	             "rep a4 2026-Q3 4000 4000\n"
	             "rep a4 2026-Q4 8000 8000\n"
	             "rep b1 2026 20000 20000\n"
	             "rep b1 2026-Q1 4000 4000\n"
	             "rep b1 2026-Q2 4000 4000\n"
	             "rep b1 2026-Q3 4000 4000\n"
	             "rep b1 2026-Q4 8000 8000\n"
	             "rep b2 2026 12000 20000 *\n"
	             "rep b2 2026-Q1 0 4000 *\n"
	             "rep b2 2026-Q2 0 4000 *\n"
	             "rep b2 2026-Q3 4000 4000\n"
	             "rep b2 2026-Q4 8000 8000\n");
	assert_subs_add_up("");
	assert_non_null(strstr(note_of("rep b2 2026 "), "full 20000"));
	assert_non_null(strstr(note_of("rep b2 2026-Q1"), "hired 2026-07-01"));

	/*
	 * 100,003: east 60,001.8 and west 40,001.2 floor to 60,001 and 40,001, the unit left to
	 * east: 60,002 = 12,000.4 ×3 + 24,000.8: 12,000 12,000 12,000 24,000 + 2 units, to the
	 * largest remainders (.8 then .4, the earlier of the ties): 12,001 12,000 12,000 24,001
	 */
	a.total = money("100003");
	if (allocate(*state, &a, &(spm_error){0}))
		fail_msg("allocate");
	assert_non_null(strstr(lines, "team east 2026 60002 60002\n"
	                              "team east 2026-Q1 12001 12001\n"
	                              "team east 2026-Q2 12000 12000\n"
	                              "team east 2026-Q3 12000 12000\n"
	                              "team east 2026-Q4 24001 24001\n"
	                              "team west 2026 40001 40001\n"));
	assert_subs_add_up("");

	/*
	 * Months of Q1 2026, even (no seasonality): 30,000 by rep over 4 ICs is 7,500 each,
	 * 2,500 a month.
	 */
	a = alloc_of("2026-Q1", "30001", SPM_LEVEL_REP, SPM_ALLOC_EVEN);
	a.split = true;
	a.sub = SPM_PERIOD_MONTH;
	/* 30,001 / 4: 7,501 (a1), 7,500 ×3; 7,501 / 3 months: 2,501 + 2,500 + 2,500 */
	expect_lines(*state, &a,
	             "rep a1 2026-Q1 7501 7501\n"
	             "rep a1 2026-01 2501 2501\n"
	             "rep a1 2026-02 2500 2500\n"
	             "rep a1 2026-03 2500 2500\n"
	             "rep a2 2026-Q1 7500 7500\n"
	             "rep a2 2026-01 2500 2500\n"
	             "rep a2 2026-02 2500 2500\n"
	             "rep a2 2026-03 2500 2500\n"
	             "rep a4 2026-Q1 7500 7500\n"
	             "rep a4 2026-01 2500 2500\n"
	             "rep a4 2026-02 2500 2500\n"
	             "rep a4 2026-03 2500 2500\n"
	             "rep b1 2026-Q1 7500 7500\n"
	             "rep b1 2026-01 2500 2500\n"
	             "rep b1 2026-02 2500 2500\n"
	             "rep b1 2026-03 2500 2500\n");

	/* refusals */
	a = alloc_of("2026", "100000", SPM_LEVEL_TEAM, SPM_ALLOC_EVEN);
	a.split = true;
	a.sub = SPM_PERIOD_QUARTER;
	a.season = season;
	a.nseason = 3;
	expect_error(*state, &a, SPM_EDATA, "3 weights given, but 2026 has 4 quarters");
	spm_rate s90[] = {rate("20"), rate("20"), rate("20"), rate("30")};
	a.season = s90;
	a.nseason = 4;
	expect_error(*state, &a, SPM_EDATA, "add up to 90%, not 100%");
	spm_rate sneg[] = {rate("-20"), rate("60"), rate("20"), rate("40")};
	a.season = sneg;
	expect_error(*state, &a, SPM_EDATA, "negative");
	a.season = season;
	a.split = false;
	expect_error(*state, &a, SPM_EUSAGE, "seasonality");
	a.season = NULL;
	a.nseason = 0;
	a.split = true;
	a.sub = SPM_PERIOD_YEAR;
	expect_error(*state, &a, SPM_EUSAGE, "cannot be split");
}

/* Seasonality learned from 2025's bookings by quarter: 4,000 / 1,000 / 2,000 / 3,000. */
static void test_alloc_season_history(void **state)
{
	spm_allocation a = alloc_of("2026", "100000", SPM_LEVEL_TEAM, SPM_ALLOC_EVEN);
	a.split = true;
	a.sub = SPM_PERIOD_QUARTER;
	a.season_history = true;
	/*
	 * 40/10/20/30: east 60,000: 24,000 6,000 12,000 18,000; west 40,000: 16,000 4,000 8,000
	 * 12,000; a rep's 20,000: 8,000 2,000 4,000 6,000; b2 only Q3 and Q4: 10,000.
	 */
	expect_lines(*state, &a,
	             "team east 2026 60000 60000\n"
	             "team east 2026-Q1 24000 24000\n"
	             "team east 2026-Q2 6000 6000\n"
	             "team east 2026-Q3 12000 12000\n"
	             "team east 2026-Q4 18000 18000\n"
	             "team west 2026 40000 40000\n"
	             "team west 2026-Q1 16000 16000\n"
	             "team west 2026-Q2 4000 4000\n"
	             "team west 2026-Q3 8000 8000\n"
	             "team west 2026-Q4 12000 12000\n"
	             "rep a1 2026 20000 20000\n"
	             "rep a1 2026-Q1 8000 8000\n"
	             "rep a1 2026-Q2 2000 2000\n"
	             "rep a1 2026-Q3 4000 4000\n"
	             "rep a1 2026-Q4 6000 6000\n"
	             "rep a2 2026 20000 20000\n"
	             "rep a2 2026-Q1 8000 8000\n"
	             "rep a2 2026-Q2 2000 2000\n"
	             "rep a2 2026-Q3 4000 4000\n"
	             "rep a2 2026-Q4 6000 6000\n"
	             "rep a4 2026 20000 20000\n"
	             "rep a4 2026-Q1 8000 8000\n"
	             "rep a4 2026-Q2 2000 2000\n"
	             "rep a4 2026-Q3 4000 4000\n"
	             "rep a4 2026-Q4 6000 6000\n"
	             "rep b1 2026 20000 20000\n"
	             "rep b1 2026-Q1 8000 8000\n"
	             "rep b1 2026-Q2 2000 2000\n"
	             "rep b1 2026-Q3 4000 4000\n"
	             "rep b1 2026-Q4 6000 6000\n"
	             "rep b2 2026 10000 20000 *\n"
	             "rep b2 2026-Q1 0 8000 *\n"
	             "rep b2 2026-Q2 0 2000 *\n"
	             "rep b2 2026-Q3 4000 4000\n"
	             "rep b2 2026-Q4 6000 6000\n");
	assert_subs_add_up("b2");
	/* with history weights too: the two read the bookings independently */
	a.method = SPM_ALLOC_HISTORY;
	a.total = money("10000");
	/* east 4,000 (a1 3,000, a2 500, a4 500), west 6,000 (b1; b2 0) */
	if (allocate(*state, &a, &(spm_error){0}))
		fail_msg("allocate");
	assert_non_null(strstr(lines, "team east 2026 4000 4000\n"
	                              "team east 2026-Q1 1600 1600\n"
	                              "team east 2026-Q2 400 400\n"
	                              "team east 2026-Q3 800 800\n"
	                              "team east 2026-Q4 1200 1200\n"));
	assert_non_null(strstr(lines, "rep a1 2026 3000 3000\n"
	                              "rep a1 2026-Q1 1200 1200\n"));
	assert_subs_add_up("b2");
	/* 2024's seasonality would come from 2023: nothing; by manager (c1 has no team) */
	a = alloc_of("2024", "100", SPM_LEVEL_MANAGER, SPM_ALLOC_EVEN);
	a.split = true;
	a.sub = SPM_PERIOD_QUARTER;
	a.season_history = true;
	expect_error(*state, &a, SPM_EDATA, "seasonality: no won bookings");
}

static void test_alloc_ramp_and_refusals(void **state)
{
	spm_allocation a = alloc_of("2026", "100000", SPM_LEVEL_TEAM, SPM_ALLOC_EVEN);
	a.ramp = R("50,75");
	/*
	 * b2 from July by days: 31 days at 50%, 31 at 75%, 122 at 100%: 160.75 / 365 of 20,000 =
	 * 8,808.22. a1
	 * was hired in 2020: long ramped. The others have no hire date.
	 */
	expect_lines(*state, &a,
	             "team east 2026 60000 60000\n"
	             "team west 2026 40000 40000\n"
	             "rep a1 2026 20000 20000\n"
	             "rep a2 2026 20000 20000\n"
	             "rep a4 2026 20000 20000\n"
	             "rep b1 2026 20000 20000\n"
	             "rep b2 2026 8808 20000 *\n");
	const char *n = note_of("rep b2");
	assert_non_null(strstr(n, "ramp 50%/75%"));
	assert_non_null(strstr(n, "2026-07 50%, 2026-08 75%"));
	/* the ramp may be as long as the period, not longer */
	a = alloc_of("2026-Q1", "300", SPM_LEVEL_TEAM, SPM_ALLOC_EVEN);
	a.ramp = R("25,50,75");
	expect_lines(*state, &a,
	             "team east 2026-Q1 225 225\n"
	             "team west 2026-Q1 75 75\n"
	             "rep a1 2026-Q1 75 75\n"
	             "rep a2 2026-Q1 75 75\n"
	             "rep a4 2026-Q1 75 75\n"
	             "rep b1 2026-Q1 75 75\n");
	a.ramp = R("25,50,75,100");
	expect_error(*state, &a, SPM_EDATA, "the ramp has 4 monthly steps, longer than 2026-Q1");
	a.ramp.n = 0;
	a.total = money("-5");
	expect_error(*state, &a, SPM_EDATA, "the total cannot be negative: '-5'");
	/* a zero total is fine: zeros everywhere */
	a.total = money("0");
	expect_lines(*state, &a,
	             "team east 2026-Q1 0 0\n"
	             "team west 2026-Q1 0 0\n"
	             "rep a1 2026-Q1 0 0\n"
	             "rep a2 2026-Q1 0 0\n"
	             "rep a4 2026-Q1 0 0\n"
	             "rep b1 2026-Q1 0 0\n");
}

/* The metric and currency asked for are on every line. */
static void test_alloc_metric_currency(void **state)
{
	spm_allocation a = alloc_of("2026-Q1", "100", SPM_LEVEL_TEAM, SPM_ALLOC_EVEN);
	a.metric = "arr";
	a.currency = "EUR";
	want_metric = "arr";
	want_currency = "EUR";
	expect_lines(*state, &a,
	             "team east 2026-Q1 75 75\n"
	             "team west 2026-Q1 25 25\n"
	             "rep a1 2026-Q1 25 25\n"
	             "rep a2 2026-Q1 25 25\n"
	             "rep a4 2026-Q1 25 25\n"
	             "rep b1 2026-Q1 25 25\n");
	want_metric = "bookings";
	want_currency = "USD";
}

static int stop_at_third(void *ctx, const spm_quota_line *l)
{
	(void)l;
	return ++*(int *)ctx == 3 ? 42 : 0;
}

static void test_alloc_callback_stops(void **state)
{
	spm_allocation a = alloc_of("2026", "100000", SPM_LEVEL_TEAM, SPM_ALLOC_EVEN);
	spm_error err;
	int seen = 0;
	assert_int_equal(spm_quota_allocate(*state, &a, stop_at_third, &seen, &err), 42);
	assert_int_equal(seen, 3);
	assert_int_equal(spm_quota_allocate(*state, &a, NULL, NULL, &err), SPM_EUSAGE);
	assert_int_equal(spm_quota_allocate(*state, NULL, stop_at_third, &seen, &err), SPM_EUSAGE);
}

/* A manager never gets a rep line, at any level or method. */
static void test_alloc_no_manager_lines(void **state)
{
	static const spm_level levels[] = {SPM_LEVEL_REP, SPM_LEVEL_MANAGER, SPM_LEVEL_TEAM,
	                                   SPM_LEVEL_TERRITORY};
	for (size_t i = 0; i < 4; i++) {
		spm_allocation a = alloc_of("2026", "1000", levels[i], SPM_ALLOC_EVEN);
		spm_error err;
		if (allocate(*state, &a, &err))
			fail_msg("allocate: %s", err.message);
		assert_null(strstr(lines, "rep m0 "));
		assert_null(strstr(lines, "rep m1 "));
		assert_null(strstr(lines, "rep m2 "));
		assert_null(strstr(lines, "rep a3 ")); /* gone */
		assert_null(strstr(lines, "rep c1 ")); /* gone */
		assert_non_null(strstr(lines, "rep a1 2026 200 200\n"));
	}
}

/* ---- attainment ------------------------------------------------------------------------------ */

/*
 * Rows as text: "level id c=credited q=quota e=expected" with q "-" for none and "*" after it
 * when it is the roll-up's own, and for roll-ups n= (the ICs active in the span) and rq= (the
 * ICs' quotas).
 */
static char rows[1 << 14];

static int collect_row(void *ctx, const spm_attainment_row *r)
{
	char c[SPM_NUM_BUFSZ], q[SPM_NUM_BUFSZ] = "-", rq[SPM_NUM_BUFSZ + 32] = "",
	                       e[SPM_NUM_BUFSZ], to[SPM_DATE_BUFSZ];
	const char *span = ctx;
	spm_money_format(c, sizeof c, r->credited, 0);
	if (r->has_quota)
		spm_money_format(q, sizeof q, r->quota, 0);
	spm_money_format(e, sizeof e, r->expected, 0);
	spm_date_format(to, sizeof to, r->to);
	if (r->level != SPM_LEVEL_REP) {
		snprintf(rq, sizeof rq, " n=%zu rq=", r->reps);
		size_t at = strlen(rq);
		if (r->has_reps_quota)
			spm_money_format(rq + at, sizeof rq - at, r->reps_quota, 0);
		else
			snprintf(rq + at, sizeof rq - at, "-");
	} else {
		assert_int_equal(r->reps, 1);
		assert_false(r->quota_set);
		assert_false(r->has_reps_quota);
	}
	assert_string_equal(r->currency, "USD");
	assert_true((r->level == SPM_LEVEL_COMPANY) == (r->id == NULL));
	/* the row's own arithmetic */
	spm_money gap;
	spm_rate att, pace;
	assert_int_equal(spm_money_sub(&gap, r->quota, r->credited), SPM_OK);
	assert_int_equal(r->gap.units, gap.units);
	assert_int_equal(spm_attainment_ratio(r->credited, r->quota, &att, NULL), SPM_OK);
	assert_int_equal(r->attainment.units, att.units);
	assert_int_equal(spm_attainment_ratio(r->credited, r->expected, &pace, NULL), SPM_OK);
	assert_int_equal(r->pace.units, pace.units);
	if (!r->has_quota)
		assert_int_equal(r->expected.units, 0);
	size_t n = strlen(rows);
	assert_true(n < sizeof rows - 300);
	snprintf(rows + n, sizeof rows - n, "%s %s%s%s c=%s q=%s%s%s e=%s\n",
	         spm_level_name(r->level), r->id ? r->id : "-", span ? " " : "", span ? to : "", c,
	         q, r->quota_set ? "*" : "", rq, e);
	return 0;
}

static unsigned all_levels(void)
{
	return 1u << SPM_LEVEL_REP | 1u << SPM_LEVEL_MANAGER | 1u << SPM_LEVEL_TEAM |
	       1u << SPM_LEVEL_TERRITORY | 1u << SPM_LEVEL_COMPANY;
}

static int attain(spm_store *st, const spm_attainment_query *q, bool show_to, spm_error *err)
{
	rows[0] = '\0';
	spm_error_clear(err);
	return spm_attainment(st, q, collect_row, show_to ? (void *)"to" : NULL, err);
}

static void expect_rows(spm_store *st, const spm_attainment_query *q, const char *want)
{
	spm_error err;
	if (attain(st, q, false, &err))
		fail_msg("attainment: %s", err.message);
	assert_string_equal(rows, want);
}

/*
 * Q1 2026 in full. Credited: a1 10,000 (E1); a2 3,000 and b1 1,000 (E2's split); a4 5,000
 * (overlay on E1); m1 2,000 (E6). Roll-ups count owner and split only: E2 counts 4,000 once.
 * Quotas: a1 20,000 (its Q1), a2 20,000 (its months), b1 10,000, a4 none. Team east has its own
 * 70,000 (the ICs' sum is a1 + a2 = 40,000); m1 its own 50,000 (40,000 below); EU its own 25,000.
 * As of the span's end, expected is the quota.
 */
static const char q1_rows[] = "rep a1 c=10000 q=20000 e=20000\n"
                              "rep a2 c=3000 q=20000 e=20000\n"
                              "rep a4 c=5000 q=- e=0\n"
                              "rep b1 c=1000 q=10000 e=10000\n"
                              "manager m0 c=16000 q=50000 n=4 rq=50000 e=50000\n"
                              "manager m1 c=15000 q=50000* n=3 rq=40000 e=50000\n"
                              "manager m2 c=1000 q=10000 n=1 rq=10000 e=10000\n"
                              "team east c=13000 q=70000* n=3 rq=40000 e=70000\n"
                              "team west c=1000 q=10000 n=1 rq=10000 e=10000\n"
                              "territory DE c=10000 q=20000 n=2 rq=20000 e=20000\n"
                              "territory EU c=13000 q=25000* n=3 rq=40000 e=25000\n"
                              "territory US c=1000 q=10000 n=1 rq=10000 e=10000\n"
                              "territory WORLD c=14000 q=50000 n=4 rq=50000 e=50000\n"
                              "company - c=16000 q=50000 n=4 rq=50000 e=50000\n";

static void test_attainment_q1(void **state)
{
	spm_attainment_query q = {
	    .spans = {P("2026-Q1")}, .nspans = 1, .as_of = D("2026-12-31"), .levels = all_levels()};
	expect_rows(*state, &q, q1_rows);
	/* seasonal pacing is the same at the span's end */
	q.pacing = SPM_PACING_SEASONAL;
	expect_rows(*state, &q, q1_rows);
	/* levels 0: the reps only */
	q.levels = 0;
	expect_rows(*state, &q,
	            "rep a1 c=10000 q=20000 e=20000\n"
	            "rep a2 c=3000 q=20000 e=20000\n"
	            "rep a4 c=5000 q=- e=0\n"
	            "rep b1 c=1000 q=10000 e=10000\n");
	/* another metric: a4's margin quota of 999, nobody else's */
	q.metric = "margin";
	q.levels = 1u << SPM_LEVEL_REP | 1u << SPM_LEVEL_TEAM;
	expect_rows(*state, &q,
	            "rep a1 c=10000 q=- e=0\n"
	            "rep a2 c=3000 q=- e=0\n"
	            "rep a4 c=5000 q=999 e=999\n"
	            "rep b1 c=1000 q=- e=0\n"
	            "team east c=13000 q=999 n=3 rq=999 e=999\n"
	            "team west c=1000 q=- n=1 rq=- e=0\n");
}

static int deals_row(void *ctx, const spm_attainment_row *r)
{
	char big[SPM_NUM_BUFSZ];
	(void)ctx;
	spm_money_format(big, sizeof big, r->largest, 0);
	size_t n = strlen(rows);
	snprintf(rows + n, sizeof rows - n, "%s %s %zu %s\n", spm_level_name(r->level),
	         r->id ? r->id : "-", r->deals, big);
	return 0;
}

/*
 * Won deals credited as owner or split, and the largest such credit, in Q1: a1 E1 10,000; a2
 * E2's 3,000 share; b1 E2's 1,000 share; a4 only an overlay (0 deals); m1 E6 2,000, in the
 * manager's group with a1 and a2 (3 deals). The company counts E2 once per rep in it (4 lines).
 */
static void test_attainment_deals(void **state)
{
	spm_attainment_query q = {.spans = {P("2026-Q1")},
	                          .nspans = 1,
	                          .as_of = D("2026-12-31"),
	                          .levels = 1u << SPM_LEVEL_REP | 1u << SPM_LEVEL_MANAGER |
	                                    1u << SPM_LEVEL_COMPANY};
	spm_error err;
	rows[0] = '\0';
	if (spm_attainment(*state, &q, deals_row, NULL, &err))
		fail_msg("attainment: %s", err.message);
	assert_string_equal(rows, "rep a1 1 10000\n"
	                          "rep a2 1 3000\n"
	                          "rep a4 0 0\n"
	                          "rep b1 1 1000\n"
	                          "manager m0 4 10000\n"
	                          "manager m1 3 10000\n"
	                          "manager m2 1 1000\n"
	                          "company - 4 10000\n");
}

/*
 * 2026 as a whole, to 2026-02-14 (45 of 365 days; of Q1's 90 days, 45). Credited to date: E1
 * and E2 only. a1: 120,000 for the year; linear 120,000 × 45/365 = 14,794.5205...; seasonal: its
 * quarters cover the year, Q1's 20,000 × 45/90 = 10,000. b1: 60,000, linear 7,397.2603;
 * seasonal: Q1's 10,000 × 45/90 = 5,000, scaled by 60,000 / 50,000 (its quarters' sum): 6,000.
 * a2's months cover only Q1: no quota for the year. b2 joins in July: not active to date, so not
 * listed until the year is measured to its end, then with zeros.
 */
static void test_attainment_year_to_date(void **state)
{
	spm_attainment_query q = {.spans = {P("2026")},
	                          .nspans = 1,
	                          .as_of = D("2026-02-14"),
	                          .levels = 1u << SPM_LEVEL_REP};
	spm_error err;
	if (attain(*state, &q, true, &err))
		fail_msg("attainment: %s", err.message);
	assert_string_equal(rows, "rep a1 2026-02-14 c=10000 q=120000 e=14794.5205\n"
	                          "rep a2 2026-02-14 c=3000 q=- e=0\n"
	                          "rep a4 2026-02-14 c=5000 q=- e=0\n"
	                          "rep b1 2026-02-14 c=1000 q=60000 e=7397.2603\n");
	q.pacing = SPM_PACING_SEASONAL;
	if (attain(*state, &q, true, &err))
		fail_msg("attainment: %s", err.message);
	assert_string_equal(rows, "rep a1 2026-02-14 c=10000 q=120000 e=10000\n"
	                          "rep a2 2026-02-14 c=3000 q=- e=0\n"
	                          "rep a4 2026-02-14 c=5000 q=- e=0\n"
	                          "rep b1 2026-02-14 c=1000 q=60000 e=6000\n");
	/*
	 * Q1 and the year in one query, to 2026-02-14: per rep the spans in query order. Q1:
	 * a2's months, seasonal: January's 5,000 + February's 5,000 × 14/28 = 7,500 (linear
	 * would be 20,000 × 45/90 = 10,000).
	 */
	q.spans[0] = P("2026-Q1");
	q.spans[1] = P("2026");
	q.nspans = 2;
	if (attain(*state, &q, true, &err))
		fail_msg("attainment: %s", err.message);
	assert_string_equal(rows, "rep a1 2026-02-14 c=10000 q=20000 e=10000\n"
	                          "rep a1 2026-02-14 c=10000 q=120000 e=10000\n"
	                          "rep a2 2026-02-14 c=3000 q=20000 e=7500\n"
	                          "rep a2 2026-02-14 c=3000 q=- e=0\n"
	                          "rep a4 2026-02-14 c=5000 q=- e=0\n"
	                          "rep a4 2026-02-14 c=5000 q=- e=0\n"
	                          "rep b1 2026-02-14 c=1000 q=10000 e=5000\n"
	                          "rep b1 2026-02-14 c=1000 q=60000 e=6000\n");
	q.pacing = SPM_PACING_LINEAR;
	if (attain(*state, &q, true, &err))
		fail_msg("attainment: %s", err.message);
	assert_non_null(strstr(rows, "rep a2 2026-02-14 c=3000 q=20000 e=10000\n"));
	/* the whole year: E4's 6,000 EUR at 1.5 is 9,000 for b1; E6 is m1's */
	q.spans[0] = P("2026");
	q.nspans = 1;
	q.as_of = D("2027-06-30");
	q.levels = 1u << SPM_LEVEL_REP | 1u << SPM_LEVEL_COMPANY;
	if (attain(*state, &q, true, &err))
		fail_msg("attainment: %s", err.message);
	assert_string_equal(rows, "rep a1 2026-12-31 c=10000 q=120000 e=120000\n"
	                          "rep a2 2026-12-31 c=3000 q=- e=0\n"
	                          "rep a4 2026-12-31 c=5000 q=- e=0\n"
	                          "rep b1 2026-12-31 c=10000 q=60000 e=60000\n"
	                          "rep b2 2026-12-31 c=0 q=- e=0\n"
	                          "company - 2026-12-31 c=25000 q=180000 n=5 rq=180000 e=180000\n");
	/* 2025: a3 was there; D2's split; the overlay of a4 on D1 counts for a4 only */
	q.spans[0] = P("2025");
	q.levels = 1u << SPM_LEVEL_REP | 1u << SPM_LEVEL_TEAM;
	if (attain(*state, &q, false, &err))
		fail_msg("attainment: %s", err.message);
	assert_string_equal(rows, "rep a1 c=3000 q=- e=0\n"
	                          "rep a2 c=500 q=- e=0\n"
	                          "rep a3 c=0 q=- e=0\n"
	                          "rep a4 c=3500 q=- e=0\n"
	                          "rep b1 c=6000 q=- e=0\n"
	                          "team east c=4000 q=- n=4 rq=- e=0\n"
	                          "team west c=6000 q=- n=1 rq=- e=0\n");
}

static void test_attainment_filters(void **state)
{
	spm_attainment_query q = {.spans = {P("2026-Q1")},
	                          .nspans = 1,
	                          .as_of = D("2026-03-31"),
	                          .levels = all_levels(),
	                          .rep = "a2"};
	/* a2: its managers m1 and m0, its team, EU and WORLD, the company; figures unchanged */
	expect_rows(*state, &q,
	            "rep a2 c=3000 q=20000 e=20000\n"
	            "manager m0 c=16000 q=50000 n=4 rq=50000 e=50000\n"
	            "manager m1 c=15000 q=50000* n=3 rq=40000 e=50000\n"
	            "team east c=13000 q=70000* n=3 rq=40000 e=70000\n"
	            "territory EU c=13000 q=25000* n=3 rq=40000 e=25000\n"
	            "territory WORLD c=14000 q=50000 n=4 rq=50000 e=50000\n"
	            "company - c=16000 q=50000 n=4 rq=50000 e=50000\n");
	q.rep = NULL;
	q.team = "west";
	expect_rows(*state, &q,
	            "rep b1 c=1000 q=10000 e=10000\n"
	            "manager m0 c=16000 q=50000 n=4 rq=50000 e=50000\n"
	            "manager m2 c=1000 q=10000 n=1 rq=10000 e=10000\n"
	            "team west c=1000 q=10000 n=1 rq=10000 e=10000\n"
	            "territory US c=1000 q=10000 n=1 rq=10000 e=10000\n"
	            "territory WORLD c=14000 q=50000 n=4 rq=50000 e=50000\n"
	            "company - c=16000 q=50000 n=4 rq=50000 e=50000\n");
	q.team = NULL;
	q.territory = "DE";
	q.levels = 1u << SPM_LEVEL_REP | 1u << SPM_LEVEL_TERRITORY;
	expect_rows(*state, &q,
	            "rep a1 c=10000 q=20000 e=20000\n"
	            "rep a4 c=5000 q=- e=0\n"
	            "territory DE c=10000 q=20000 n=2 rq=20000 e=20000\n"
	            "territory EU c=13000 q=25000* n=3 rq=40000 e=25000\n"
	            "territory WORLD c=14000 q=50000 n=4 rq=50000 e=50000\n");
	/* filters together: nobody in team west and DE */
	q.team = "west";
	q.levels = 1u << SPM_LEVEL_REP | 1u << SPM_LEVEL_TEAM;
	expect_rows(*state, &q, "");

	static const struct {
		const char *team, *territory, *rep, *says;
	} bad[] = {
	    {"north", NULL, NULL, "no team 'north' in the store"},
	    {NULL, "FR", NULL, "no territory 'FR' in the store"},
	    {NULL, NULL, "zz", "no rep 'zz' in the store"},
	};
	for (size_t i = 0; i < 3; i++) {
		spm_attainment_query b = {.spans = {P("2026-Q1")},
		                          .nspans = 1,
		                          .as_of = D("2026-03-31"),
		                          .team = bad[i].team,
		                          .territory = bad[i].territory,
		                          .rep = bad[i].rep};
		spm_error err;
		assert_int_equal(attain(*state, &b, false, &err), SPM_EDATA);
		assert_string_equal(err.message, bad[i].says);
		assert_string_equal(rows, "");
	}
}

static void test_attainment_refusals(void **state)
{
	spm_error err;
	spm_attainment_query q = {.spans = {P("2026-Q1")}, .nspans = 0, .as_of = D("2026-03-31")};
	assert_int_equal(attain(*state, &q, false, &err), SPM_EUSAGE);
	q.nspans = SPM_ATTAINMENT_MAX_SPANS + 1;
	assert_int_equal(attain(*state, &q, false, &err), SPM_EUSAGE);
	q.nspans = 1;
	q.as_of = D("2025-12-31"); /* before the span starts */
	assert_int_equal(attain(*state, &q, false, &err), SPM_EUSAGE);
	q.as_of = D("2026-01-01"); /* its first day is fine: one day elapsed */
	assert_int_equal(attain(*state, &q, false, &err), SPM_OK);
	/* a1: 20,000 × 1/90 = 222.2222 */
	assert_non_null(strstr(rows, "rep a1 c=0 q=20000 e=222.2222\n"));
	q.as_of = D("2026-03-31");
	assert_int_equal(spm_attainment(*state, &q, NULL, NULL, &err), SPM_EUSAGE);
	assert_int_equal(spm_attainment(*state, NULL, collect_row, NULL, &err), SPM_EUSAGE);
	/* a report currency without rates: EDATA */
	q.currency = "JPY";
	assert_int_equal(attain(*state, &q, false, &err), SPM_EDATA);
}

/* ---- capacity -------------------------------------------------------------------------------- */

static char caps[1 << 12];

static int collect_cap(void *ctx, const spm_capacity_row *r)
{
	char fte[SPM_NUM_BUFSZ], prod[SPM_NUM_BUFSZ], cap[SPM_NUM_BUFSZ],
	    t[SPM_NUM_BUFSZ] = "-", gap[SPM_NUM_BUFSZ] = "-", cov[SPM_NUM_BUFSZ] = "-";
	(void)ctx;
	spm_rate_format(fte, sizeof fte, r->fte, false);
	spm_money_format(prod, sizeof prod, r->productivity, 0);
	spm_money_format(cap, sizeof cap, r->capacity, 0);
	if (r->has_target) {
		spm_money_format(t, sizeof t, r->target, 0);
		spm_money_format(gap, sizeof gap, r->gap, 0);
		spm_rate_format(cov, sizeof cov, r->coverage, false);
	}
	assert_string_equal(r->currency, "USD");
	size_t n = strlen(caps);
	assert_true(n < sizeof caps - 200);
	snprintf(caps + n, sizeof caps - n, "%s %s n=%zu fte=%s p=%s cap=%s t=%s gap=%s cov=%s\n",
	         spm_level_name(r->level), r->id ? r->id : "-", r->headcount, fte, prod, cap, t,
	         gap, cov);
	return 0;
}

/*
 * 2026 by team, ramp 50/75 by whole months, 120,000 a fully ramped rep. a1, a2, a4, b1: fte 1.
 * b2 from 2026-07-01: Jul 50%, Aug 75%, Sep..Dec 4: 5.25 / 12 = 0.4375, 52,500. Targets: a1's
 * 120,000 and b1's 60,000 for 2026; east has no 2026 quota of its own (only Q1's), so its ICs'
 * 120,000; west 60,000; the company 180,000. Coverage = capacity / target, rounded down.
 */
static void test_capacity(void **state)
{
	spm_capacity c = {.period = P("2026"),
	                  .by = SPM_LEVEL_TEAM,
	                  .ramp = R("50,75"),
	                  .prorate = SPM_PRORATE_MONTHS,
	                  .has_productivity = true,
	                  .productivity = money("120000")};
	spm_error err;
	caps[0] = '\0';
	if (spm_quota_capacity(*state, &c, collect_cap, NULL, &err))
		fail_msg("capacity: %s", err.message);
	assert_string_equal(
	    caps, "rep a1 n=1 fte=1 p=120000 cap=120000 t=120000 gap=0 cov=1\n"
	          "rep a2 n=1 fte=1 p=120000 cap=120000 t=- gap=- cov=-\n"
	          "rep a4 n=1 fte=1 p=120000 cap=120000 t=- gap=- cov=-\n"
	          "rep b1 n=1 fte=1 p=120000 cap=120000 t=60000 gap=-60000 cov=2\n"
	          "rep b2 n=1 fte=0.4375 p=120000 cap=52500 t=- gap=- cov=-\n"
	          "team east n=3 fte=3 p=120000 cap=360000 t=120000 gap=-240000 cov=3\n"
	          "team west n=2 fte=1.4375 p=120000 cap=172500 t=60000 gap=-112500 cov=2.875\n"
	          "company - n=5 fte=4.4375 p=120000 cap=532500 t=180000 gap=-352500 "
	          "cov=2.9583333333\n");
	/* a company target given: 500,000, gap -32,500, coverage 1.065 */
	c.has_target = true;
	c.target = money("500000");
	caps[0] = '\0';
	if (spm_quota_capacity(*state, &c, collect_cap, NULL, &err))
		fail_msg("capacity: %s", err.message);
	assert_non_null(strstr(caps, "company - n=5 fte=4.4375 p=120000 cap=532500 t=500000 "
	                             "gap=-32500 cov=1.065\n"));
	/* by territory: DE a1, a4; EU a1, a2, a4; US b1, b2; WORLD all five */
	c.by = SPM_LEVEL_TERRITORY;
	c.has_target = false;
	caps[0] = '\0';
	if (spm_quota_capacity(*state, &c, collect_cap, NULL, &err))
		fail_msg("capacity: %s", err.message);
	assert_non_null(strstr(caps, "territory DE n=2 fte=2 p=120000 cap=240000 t=120000 "));
	assert_non_null(strstr(caps, "territory EU n=3 fte=3 p=120000 cap=360000 t=120000 "));
	assert_non_null(strstr(caps, "territory US n=2 fte=1.4375 p=120000 cap=172500 t=60000 "));
	assert_non_null(strstr(caps, "territory WORLD n=5 fte=4.4375 p=120000 cap=532500 "));
	/* by manager: m1 a1, a2, a4; m2 b1, b2; m0 all five */
	c.by = SPM_LEVEL_MANAGER;
	caps[0] = '\0';
	if (spm_quota_capacity(*state, &c, collect_cap, NULL, &err))
		fail_msg("capacity: %s", err.message);
	assert_non_null(strstr(caps, "manager m0 n=5 fte=4.4375 "));
	assert_non_null(strstr(caps, "manager m1 n=3 fte=3 "));
	assert_non_null(strstr(caps, "manager m2 n=2 fte=1.4375 "));
}

/*
 * Measured: the ICs employed throughout 2025 and ramped: a1, a2, a3 (left on its last day), a4,
 * b1; c1 left in 2024, b2 came later. Their 2025 bookings: 3,000 + 500 + 0 + 500 + 6,000 =
 * 10,000 over 5: 2,000 each. b2: 2,000 × 0.4375 = 875.
 */
static void test_capacity_measured(void **state)
{
	spm_capacity c = {.period = P("2026"),
	                  .by = SPM_LEVEL_TEAM,
	                  .ramp = R("50,75"),
	                  .prorate = SPM_PRORATE_MONTHS};
	spm_error err;
	caps[0] = '\0';
	if (spm_quota_capacity(*state, &c, collect_cap, NULL, &err))
		fail_msg("capacity: %s", err.message);
	assert_non_null(strstr(caps, "rep a1 n=1 fte=1 p=2000 cap=2000 "));
	assert_non_null(strstr(caps, "rep b2 n=1 fte=0.4375 p=2000 cap=875 "));
	assert_non_null(strstr(caps, "company - n=5 fte=4.4375 p=2000 cap=8875 "));
	/* 2024 measured from 2023: no bookings */
	c.period = P("2024");
	c.by = SPM_LEVEL_MANAGER;
	caps[0] = '\0';
	assert_int_equal(spm_quota_capacity(*state, &c, collect_cap, NULL, &err), SPM_EDATA);
	assert_non_null(strstr(err.message, "productivity"));
	assert_string_equal(caps, "");
	assert_int_equal(spm_quota_capacity(*state, NULL, collect_cap, NULL, &err), SPM_EUSAGE);
	assert_int_equal(spm_quota_capacity(*state, &c, NULL, NULL, &err), SPM_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest plain[] = {
	    cmocka_unit_test(test_adjust_annual_by_quarters),
	    cmocka_unit_test(test_adjust_month_by_days),
	    cmocka_unit_test(test_adjust_ramp),
	    cmocka_unit_test(test_adjust_whole_months),
	    cmocka_unit_test(test_adjust_leaver),
	    cmocka_unit_test(test_adjust_prorate_none),
	    cmocka_unit_test(test_adjust_no_hire_and_edges),
	    cmocka_unit_test(test_fte),
	    cmocka_unit_test(test_ramp_parse),
	    cmocka_unit_test(test_ramp_read),
	    cmocka_unit_test(test_attainment_ratio),
	};
	const struct CMUnitTest store[] = {
	    cmocka_unit_test(test_alloc_even_by_team),
	    cmocka_unit_test(test_alloc_over),
	    cmocka_unit_test(test_alloc_levels),
	    cmocka_unit_test(test_alloc_history),
	    cmocka_unit_test(test_alloc_potential),
	    cmocka_unit_test(test_alloc_weights),
	    cmocka_unit_test(test_alloc_split),
	    cmocka_unit_test(test_alloc_season_history),
	    cmocka_unit_test(test_alloc_ramp_and_refusals),
	    cmocka_unit_test(test_alloc_metric_currency),
	    cmocka_unit_test(test_alloc_callback_stops),
	    cmocka_unit_test(test_alloc_no_manager_lines),
	    cmocka_unit_test(test_attainment_q1),
	    cmocka_unit_test(test_attainment_deals),
	    cmocka_unit_test(test_attainment_year_to_date),
	    cmocka_unit_test(test_attainment_filters),
	    cmocka_unit_test(test_attainment_refusals),
	    cmocka_unit_test(test_capacity),
	    cmocka_unit_test(test_capacity_measured),
	};
	int failed = cmocka_run_group_tests_name("quota", plain, NULL, NULL);
	failed += cmocka_run_group_tests_name("quota store", store, org_setup, teststore_teardown);
	return failed;
}
