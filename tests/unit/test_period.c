/*
 * test_period.c - named periods: parsing and formatting every kind, calendar and fiscal years that
 * start in any month and are named either way, the period of a date, shifting, splitting, and every
 * parse error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "spm/period.h"

static const spm_fiscal july_by_end = {7, false};
static const spm_fiscal july_by_start = {7, true};

static spm_date ymd(int y, int m, int d)
{
	spm_date out = {0};
	assert_int_equal(spm_date_from_ymd(&out, y, m, d), SPM_OK);
	return out;
}

static spm_period parse_ok(const char *s, const spm_fiscal *fiscal)
{
	spm_period p;
	spm_error err;
	spm_error_clear(&err);
	if (spm_period_parse(&p, s, strlen(s), fiscal, &err) != SPM_OK)
		fail_msg("'%s': %s", s, err.message);
	return p;
}

static void parse_fails(const char *s, const spm_fiscal *fiscal, int code, const char *message)
{
	spm_period p = {.year = 4242};
	spm_error err;
	spm_error_clear(&err);
	assert_int_equal(spm_period_parse(&p, s, s ? strlen(s) : 0, fiscal, &err), code);
	assert_int_equal(err.code, code);
	assert_string_equal(err.message, message);
	assert_int_equal(p.year, 4242);
	assert_int_equal(spm_period_parse(&p, s, s ? strlen(s) : 0, fiscal, NULL), code);
}

/* Asserts the period's days, given as calendar dates. */
static void assert_span(const spm_period *p, int y1, int m1, int d1, int y2, int m2, int d2)
{
	char a[SPM_DATE_BUFSZ], b[SPM_DATE_BUFSZ];
	if (p->first.days != ymd(y1, m1, d1).days || p->last.days != ymd(y2, m2, d2).days) {
		spm_date_format(a, sizeof a, p->first);
		spm_date_format(b, sizeof b, p->last);
		fail_msg("span %s..%s, want %04d-%02d-%02d..%04d-%02d-%02d", a, b, y1, m1, d1, y2,
		         m2, d2);
	}
}

static void assert_name(const spm_period *p, const char *name)
{
	char buf[SPM_PERIOD_BUFSZ];
	assert_int_equal(spm_period_format(buf, sizeof buf, p), strlen(name));
	assert_string_equal(buf, name);
}

static void test_parse_calendar(void **state)
{
	(void)state;
	spm_period p = parse_ok("2026-03", NULL);
	assert_int_equal(p.kind, SPM_PERIOD_MONTH);
	assert_false(p.fiscal);
	assert_int_equal(p.year, 2026);
	assert_int_equal(p.index, 3);
	assert_span(&p, 2026, 3, 1, 2026, 3, 31);

	p = parse_ok("2026-Q1", NULL);
	assert_int_equal(p.kind, SPM_PERIOD_QUARTER);
	assert_int_equal(p.index, 1);
	assert_span(&p, 2026, 1, 1, 2026, 3, 31);
	assert_span((p = parse_ok("2026-Q4", NULL), &p), 2026, 10, 1, 2026, 12, 31);

	p = parse_ok("2026-H2", NULL);
	assert_int_equal(p.kind, SPM_PERIOD_HALF);
	assert_int_equal(p.index, 2);
	assert_span(&p, 2026, 7, 1, 2026, 12, 31);

	p = parse_ok("2026", NULL);
	assert_int_equal(p.kind, SPM_PERIOD_YEAR);
	assert_int_equal(p.index, 0);
	assert_span(&p, 2026, 1, 1, 2026, 12, 31);

	assert_span((p = parse_ok("2024-02", NULL), &p), 2024, 2, 1, 2024, 2, 29);
	assert_span((p = parse_ok("1900-02", NULL), &p), 1900, 2, 1, 1900, 2, 28);
	assert_span((p = parse_ok("0001", NULL), &p), 1, 1, 1, 1, 12, 31);
	assert_span((p = parse_ok("9999-Q4", NULL), &p), 9999, 10, 1, 9999, 12, 31);

	/* Lenient on case, blanks around and a missing zero; written back in the canonical form. */
	assert_name((p = parse_ok(" 2026-q3\t", NULL), &p), "2026-Q3");
	assert_name((p = parse_ok("2026-3", NULL), &p), "2026-03");
	assert_name((p = parse_ok("2026-Q01", NULL), &p), "2026-Q1");
	assert_name((p = parse_ok("fy2026-h1", &july_by_end), &p), "FY2026-H1");

	/* A calendar name means the calendar even when the store has a fiscal year. */
	assert_span((p = parse_ok("2026-Q1", &july_by_end), &p), 2026, 1, 1, 2026, 3, 31);
	assert_false(p.fiscal);
	assert_span((p = parse_ok("2026", &july_by_start), &p), 2026, 1, 1, 2026, 12, 31);

	/* Only len bytes are read. */
	assert_int_equal(spm_period_parse(&p, "2026-Q2junk", 7, NULL, NULL), SPM_OK);
	assert_span(&p, 2026, 4, 1, 2026, 6, 30);
}

static void test_parse_fiscal_by_end(void **state)
{
	(void)state;
	spm_period p = parse_ok("FY2026", &july_by_end);
	assert_true(p.fiscal);
	assert_int_equal(p.kind, SPM_PERIOD_YEAR);
	assert_int_equal(p.year, 2026);
	assert_span(&p, 2025, 7, 1, 2026, 6, 30);

	p = parse_ok("FY2026-Q1", &july_by_end);
	assert_int_equal(p.kind, SPM_PERIOD_QUARTER);
	assert_span(&p, 2025, 7, 1, 2025, 9, 30);
	assert_span((p = parse_ok("FY2026-Q2", &july_by_end), &p), 2025, 10, 1, 2025, 12, 31);
	assert_span((p = parse_ok("FY2026-Q3", &july_by_end), &p), 2026, 1, 1, 2026, 3, 31);
	assert_span((p = parse_ok("FY2026-Q4", &july_by_end), &p), 2026, 4, 1, 2026, 6, 30);
	assert_span((p = parse_ok("FY2026-H1", &july_by_end), &p), 2025, 7, 1, 2025, 12, 31);
	assert_span((p = parse_ok("FY2026-H2", &july_by_end), &p), 2026, 1, 1, 2026, 6, 30);

	p = parse_ok("FY2026-M01", &july_by_end);
	assert_int_equal(p.kind, SPM_PERIOD_MONTH);
	assert_int_equal(p.index, 1);
	assert_span(&p, 2025, 7, 1, 2025, 7, 31);
	assert_span((p = parse_ok("FY2026-M06", &july_by_end), &p), 2025, 12, 1, 2025, 12, 31);
	assert_span((p = parse_ok("FY2026-M07", &july_by_end), &p), 2026, 1, 1, 2026, 1, 31);
	assert_span((p = parse_ok("FY2026-M12", &july_by_end), &p), 2026, 6, 1, 2026, 6, 30);
	assert_name((p = parse_ok("FY2026-M1", &july_by_end), &p), "FY2026-M01");

	/* Fiscal years starting in February and in December. */
	spm_fiscal feb = {2, false}, dec = {12, false};
	assert_span((p = parse_ok("FY2026", &feb), &p), 2025, 2, 1, 2026, 1, 31);
	assert_span((p = parse_ok("FY2024-Q1", &feb), &p), 2023, 2, 1, 2023, 4, 30);
	assert_span((p = parse_ok("FY2026", &dec), &p), 2025, 12, 1, 2026, 11, 30);
	assert_span((p = parse_ok("FY2024-Q1", &dec), &p), 2023, 12, 1, 2024, 2, 29);
	assert_span((p = parse_ok("FY2026-M02", &dec), &p), 2026, 1, 1, 2026, 1, 31);

	/* The last fiscal year named by its end still fits; the first one would start in year 0. */
	assert_span((p = parse_ok("FY9999", &july_by_end), &p), 9998, 7, 1, 9999, 6, 30);
	assert_span((p = parse_ok("FY0002-Q1", &july_by_end), &p), 1, 7, 1, 1, 9, 30);
	/* FY0001 itself would start in year 0, but its last quarter lies within year 1. */
	assert_span((p = parse_ok("FY0001-Q4", &july_by_end), &p), 1, 4, 1, 1, 6, 30);
}

static void test_parse_fiscal_by_start(void **state)
{
	(void)state;
	spm_period p = parse_ok("FY2025", &july_by_start);
	assert_span(&p, 2025, 7, 1, 2026, 6, 30);
	assert_int_equal(p.year, 2025);
	assert_span((p = parse_ok("FY2025-Q1", &july_by_start), &p), 2025, 7, 1, 2025, 9, 30);
	assert_span((p = parse_ok("FY2025-Q4", &july_by_start), &p), 2026, 4, 1, 2026, 6, 30);
	assert_span((p = parse_ok("FY2025-M12", &july_by_start), &p), 2026, 6, 1, 2026, 6, 30);
	assert_span((p = parse_ok("FY0001", &july_by_start), &p), 1, 7, 1, 2, 6, 30);
}

static void test_parse_fiscal_calendar(void **state)
{
	(void)state;
	spm_fiscal calendar = SPM_FISCAL_CALENDAR, jan_by_start = {1, true};
	const spm_fiscal *calendars[] = {NULL, &calendar, &jan_by_start};
	for (size_t i = 0; i < 3; i++) {
		const spm_fiscal *f = calendars[i];
		spm_period p = parse_ok("FY2026", f);
		assert_true(p.fiscal);
		assert_span(&p, 2026, 1, 1, 2026, 12, 31);
		assert_name(&p, "FY2026");
		assert_span((p = parse_ok("FY2026-Q1", f), &p), 2026, 1, 1, 2026, 3, 31);
		assert_span((p = parse_ok("FY2026-H2", f), &p), 2026, 7, 1, 2026, 12, 31);
		assert_span((p = parse_ok("FY2026-M03", f), &p), 2026, 3, 1, 2026, 3, 31);
		assert_name(&p, "FY2026-M03");
	}
}

static void test_parse_errors(void **state)
{
	(void)state;
	parse_fails("2026-Q5", NULL, SPM_EDATA, "no quarter 5 in '2026-Q5'");
	parse_fails("2026-Q0", NULL, SPM_EDATA, "no quarter 0 in '2026-Q0'");
	parse_fails("FY2026-Q9", &july_by_end, SPM_EDATA, "no quarter 9 in 'FY2026-Q9'");
	parse_fails("2026-H3", NULL, SPM_EDATA, "no half 3 in '2026-H3'");
	parse_fails("2026-H0", NULL, SPM_EDATA, "no half 0 in '2026-H0'");
	parse_fails("2026-13", NULL, SPM_EDATA, "no month 13 in '2026-13'");
	parse_fails("2026-00", NULL, SPM_EDATA, "no month 0 in '2026-00'");
	parse_fails("FY2026-M13", &july_by_end, SPM_EDATA, "no month 13 in 'FY2026-M13'");
	parse_fails("FY2026-M00", &july_by_end, SPM_EDATA, "no month 0 in 'FY2026-M00'");
	parse_fails(" 2026-99 ", NULL, SPM_EDATA, "no month 99 in '2026-99'");
	parse_fails("0000", NULL, SPM_EDATA, "no year 0 in '0000'");
	parse_fails("0000-Q1", NULL, SPM_EDATA, "no year 0 in '0000-Q1'");
	parse_fails("FY0000-M01", &july_by_start, SPM_EDATA, "no year 0 in 'FY0000-M01'");
	parse_fails("FY0001", &july_by_end, SPM_EDATA,
	            "period outside the years 1 to 9999: 'FY0001'");
	parse_fails("FY0001-Q1", &july_by_end, SPM_EDATA,
	            "period outside the years 1 to 9999: 'FY0001-Q1'");
	parse_fails("FY9999-H2", &july_by_start, SPM_EDATA,
	            "period outside the years 1 to 9999: 'FY9999-H2'");

	static const char *const not_periods[] = {
	    "",           "2026-",     "2026-Q",   "26-Q1",    "2026Q1",   "2026-Q1x",
	    "2026-03-15", "FY2026-03", "2026-M03", "20261",    "2026 -Q1", "F2026",
	    "Q1-2026",    "+2026",     "-2026",    "FY",       "FY-2026",  "2026-Q123",
	    "2026-123",   "2026-Q-1",  "2026-Q+1", "2026-W10", "FY 2026",  "2026-H1-Q1",
	    "２０２６",   "2026-\xff",
	};
	char want[128], q[SPM_QUOTE_BUFSZ];
	for (size_t i = 0; i < sizeof not_periods / sizeof not_periods[0]; i++) {
		const char *s = not_periods[i];
		snprintf(want, sizeof want, "not a period: %s",
		         spm_quote(q, sizeof q, s, strlen(s)));
		parse_fails(s, &july_by_end, SPM_EDATA, want);
	}
	parse_fails("2026-\xff", NULL, SPM_EDATA, "not a period: '2026-\\xFF'");
	parse_fails(NULL, NULL, SPM_EDATA, "not a period: ''");

	spm_fiscal bad = {13, false};
	parse_fails("2026", &bad, SPM_EUSAGE,
	            "fiscal year start month: not a month: 13 (give 1 to 12)");
	bad.start_month = 0;
	parse_fails("FY2026", &bad, SPM_EUSAGE,
	            "fiscal year start month: not a month: 0 (give 1 to 12)");
}

static void test_format(void **state)
{
	(void)state;
	spm_period p = parse_ok("FY2026-M07", &july_by_end);
	char small[5] = "xxxx";
	assert_int_equal(spm_period_format(small, sizeof small, &p), 10);
	assert_string_equal(small, "FY20");
	assert_int_equal(spm_period_format(small, 0, &p), 10);
	assert_string_equal(small, "FY20");
	assert_name((p = parse_ok("0042-Q2", NULL), &p), "0042-Q2");
}

/*
 * The period of every day of 1999..2031 in every kind and naming: it holds the day, and its name
 * reads back.
 */
static void test_of_round_trip(void **state)
{
	(void)state;
	const spm_period_kind kinds[] = {SPM_PERIOD_MONTH, SPM_PERIOD_QUARTER, SPM_PERIOD_HALF,
	                                 SPM_PERIOD_YEAR};
	char name[SPM_PERIOD_BUFSZ];
	for (int start = 1; start <= 12; start++) {
		for (int by_start = 0; by_start <= 1; by_start++) {
			spm_fiscal f = {start, by_start != 0};
			for (spm_date d = ymd(1999, 1, 1); d.days <= ymd(2031, 12, 31).days;
			     d.days++) {
				for (size_t k = 0; k < 4; k++) {
					spm_period p, back;
					assert_int_equal(spm_period_of(&p, d, kinds[k], &f),
					                 SPM_OK);
					assert_true(spm_period_contains(&p, d));
					assert_int_equal(p.fiscal, start != 1);
					size_t n = spm_period_format(name, sizeof name, &p);
					assert_true(n < sizeof name);
					back = parse_ok(name, &f);
					assert_int_equal(back.kind, p.kind);
					assert_int_equal(back.fiscal, p.fiscal);
					assert_int_equal(back.year, p.year);
					assert_int_equal(back.index, p.index);
					assert_int_equal(back.first.days, p.first.days);
					assert_int_equal(back.last.days, p.last.days);
				}
			}
		}
	}
}

static void test_of(void **state)
{
	(void)state;
	spm_period p;
	/* A date in each calendar quarter. */
	static const struct {
		int m, d, q;
	} cases[] = {{1, 1, 1},  {2, 14, 1}, {3, 31, 1}, {4, 1, 2},  {5, 1, 2},
	             {6, 30, 2}, {7, 1, 3},  {8, 31, 3}, {10, 1, 4}, {12, 31, 4}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(
		    spm_period_of(&p, ymd(2026, cases[i].m, cases[i].d), SPM_PERIOD_QUARTER, NULL),
		    SPM_OK);
		assert_int_equal(p.year, 2026);
		assert_int_equal(p.index, cases[i].q);
		assert_false(p.fiscal);
	}
	assert_int_equal(spm_period_of(&p, ymd(2026, 8, 31), SPM_PERIOD_MONTH, NULL), SPM_OK);
	assert_name(&p, "2026-08");
	assert_int_equal(spm_period_of(&p, ymd(2026, 6, 30), SPM_PERIOD_HALF, NULL), SPM_OK);
	assert_name(&p, "2026-H1");
	assert_int_equal(spm_period_of(&p, ymd(2026, 6, 30), SPM_PERIOD_YEAR, NULL), SPM_OK);
	assert_name(&p, "2026");
	/* A calendar fiscal setting gives calendar names. */
	spm_fiscal calendar = SPM_FISCAL_CALENDAR;
	assert_int_equal(spm_period_of(&p, ymd(2026, 6, 30), SPM_PERIOD_QUARTER, &calendar),
	                 SPM_OK);
	assert_name(&p, "2026-Q2");

	/* Fiscal year from July, named by its end. */
	assert_int_equal(spm_period_of(&p, ymd(2025, 7, 1), SPM_PERIOD_QUARTER, &july_by_end),
	                 SPM_OK);
	assert_name(&p, "FY2026-Q1");
	assert_int_equal(spm_period_of(&p, ymd(2025, 12, 31), SPM_PERIOD_QUARTER, &july_by_end),
	                 SPM_OK);
	assert_name(&p, "FY2026-Q2");
	assert_int_equal(spm_period_of(&p, ymd(2026, 2, 1), SPM_PERIOD_QUARTER, &july_by_end),
	                 SPM_OK);
	assert_name(&p, "FY2026-Q3");
	assert_int_equal(spm_period_of(&p, ymd(2026, 6, 30), SPM_PERIOD_QUARTER, &july_by_end),
	                 SPM_OK);
	assert_name(&p, "FY2026-Q4");
	assert_int_equal(spm_period_of(&p, ymd(2026, 7, 1), SPM_PERIOD_YEAR, &july_by_end), SPM_OK);
	assert_name(&p, "FY2027");
	assert_int_equal(spm_period_of(&p, ymd(2025, 9, 15), SPM_PERIOD_MONTH, &july_by_end),
	                 SPM_OK);
	assert_name(&p, "FY2026-M03");
	assert_int_equal(spm_period_of(&p, ymd(2026, 1, 15), SPM_PERIOD_HALF, &july_by_end),
	                 SPM_OK);
	assert_name(&p, "FY2026-H2");
	/* Named by its start. */
	assert_int_equal(spm_period_of(&p, ymd(2025, 7, 1), SPM_PERIOD_QUARTER, &july_by_start),
	                 SPM_OK);
	assert_name(&p, "FY2025-Q1");
	assert_int_equal(spm_period_of(&p, ymd(2026, 6, 30), SPM_PERIOD_YEAR, &july_by_start),
	                 SPM_OK);
	assert_name(&p, "FY2025");

	/* Errors: a bad kind, a bad fiscal start, a day outside the years, a name past 9999. */
	assert_int_equal(spm_period_of(&p, ymd(2026, 1, 1), (spm_period_kind)9, NULL), SPM_EUSAGE);
	assert_int_equal(
	    spm_period_of(&p, ymd(2026, 1, 1), SPM_PERIOD_YEAR, &(spm_fiscal){0, false}),
	    SPM_EUSAGE);
	assert_int_equal(spm_period_of(&p, (spm_date){-719163}, SPM_PERIOD_YEAR, NULL), SPM_ERANGE);
	assert_int_equal(spm_period_of(&p, (spm_date){INT32_MAX}, SPM_PERIOD_YEAR, NULL),
	                 SPM_ERANGE);
	assert_int_equal(spm_period_of(&p, ymd(9999, 7, 1), SPM_PERIOD_YEAR, &july_by_end),
	                 SPM_ERANGE);
	assert_int_equal(spm_period_of(&p, ymd(9999, 6, 30), SPM_PERIOD_YEAR, &july_by_end),
	                 SPM_OK);
	assert_name(&p, "FY9999");
	assert_int_equal(spm_period_of(&p, ymd(1, 6, 30), SPM_PERIOD_MONTH, &july_by_start),
	                 SPM_ERANGE);
}

static void shift_to(const char *from, const spm_fiscal *f, int n, const char *to)
{
	spm_period p = parse_ok(from, f), out;
	assert_int_equal(spm_period_shift(&out, &p, n), SPM_OK);
	assert_name(&out, to);
	/* The shifted period is the one its name means. */
	spm_period named = parse_ok(to, f);
	assert_int_equal(out.first.days, named.first.days);
	assert_int_equal(out.last.days, named.last.days);
	assert_int_equal(out.index, named.index);
	/* Shifting back returns to the start. */
	spm_period back;
	assert_int_equal(spm_period_shift(&back, &out, -n), SPM_OK);
	assert_int_equal(back.first.days, p.first.days);
	assert_int_equal(back.last.days, p.last.days);
}

static void test_shift(void **state)
{
	(void)state;
	shift_to("2026-Q1", NULL, -1, "2025-Q4");
	shift_to("2025-Q4", NULL, 1, "2026-Q1");
	shift_to("2026-01", NULL, -1, "2025-12");
	shift_to("2026-12", NULL, 1, "2027-01");
	shift_to("2026-03", NULL, -27, "2023-12");
	shift_to("2026-H2", NULL, 1, "2027-H1");
	shift_to("2026-H1", NULL, -1, "2025-H2");
	shift_to("2026", NULL, 3, "2029");
	shift_to("2026-Q2", NULL, 0, "2026-Q2");
	shift_to("2026-Q3", NULL, 8, "2028-Q3");
	shift_to("FY2026-Q4", &july_by_end, 1, "FY2027-Q1");
	shift_to("FY2026-Q1", &july_by_end, -1, "FY2025-Q4");
	shift_to("FY2026-M01", &july_by_end, -1, "FY2025-M12");
	shift_to("FY2026-M12", &july_by_end, 1, "FY2027-M01");
	shift_to("FY2026-H2", &july_by_end, 1, "FY2027-H1");
	shift_to("FY2026", &july_by_end, -1, "FY2025");
	shift_to("FY2025-Q4", &july_by_start, 1, "FY2026-Q1");
	shift_to("FY2025-M01", &july_by_start, -1, "FY2024-M12");
	shift_to("FY2026-Q1", NULL, -1, "FY2025-Q4");
	shift_to("FY2026-M12", &(spm_fiscal){12, false}, 1, "FY2027-M01");

	spm_period p = parse_ok("FY2026-Q4", &july_by_end), out;
	assert_int_equal(spm_period_shift(&out, &p, 1), SPM_OK);
	assert_span(&out, 2026, 7, 1, 2026, 9, 30);
	p = parse_ok("FY2025-Q4", &july_by_start);
	assert_int_equal(spm_period_shift(&out, &p, 1), SPM_OK);
	assert_span(&out, 2026, 7, 1, 2026, 9, 30);

	/* Past the years 1..9999, and by the largest steps. */
	p = parse_ok("9999-Q4", NULL);
	assert_int_equal(spm_period_shift(&out, &p, 1), SPM_ERANGE);
	assert_int_equal(spm_period_shift(&out, &p, INT32_MAX), SPM_ERANGE);
	p = parse_ok("0001-01", NULL);
	assert_int_equal(spm_period_shift(&out, &p, -1), SPM_ERANGE);
	assert_int_equal(spm_period_shift(&out, &p, INT32_MIN), SPM_ERANGE);
	assert_int_equal(spm_period_shift(&out, &p, 12 * 9999 - 1), SPM_OK);
	assert_name(&out, "9999-12");
	p = parse_ok("FY0002", &july_by_end);
	assert_int_equal(spm_period_shift(&out, &p, -1), SPM_ERANGE);

	/* A damaged value is refused, not shifted. */
	p = parse_ok("2026-Q2", NULL);
	p.first = ymd(2026, 4, 2);
	assert_int_equal(spm_period_shift(&out, &p, 1), SPM_EUSAGE);
	p = parse_ok("2026-Q2", NULL);
	p.index = 5;
	assert_int_equal(spm_period_shift(&out, &p, 1), SPM_EUSAGE);
	p = parse_ok("2026-Q2", NULL);
	p.kind = (spm_period_kind)7;
	assert_int_equal(spm_period_shift(&out, &p, 1), SPM_EUSAGE);
	/* A calendar quarter moved to start in May is no calendar quarter. */
	p = parse_ok("2026-Q2", NULL);
	p.first = ymd(2026, 5, 1), p.last = ymd(2026, 7, 31);
	assert_int_equal(spm_period_shift(&out, &p, 1), SPM_EUSAGE);
}

static void test_contains_and_days(void **state)
{
	(void)state;
	spm_period p = parse_ok("2026-Q1", NULL);
	assert_true(spm_period_contains(&p, ymd(2026, 1, 1)));
	assert_true(spm_period_contains(&p, ymd(2026, 3, 31)));
	assert_false(spm_period_contains(&p, ymd(2025, 12, 31)));
	assert_false(spm_period_contains(&p, ymd(2026, 4, 1)));
	assert_int_equal(spm_period_days(&p), 90);
	assert_int_equal(spm_period_days((p = parse_ok("2024-Q1", NULL), &p)), 91);
	assert_int_equal(spm_period_days((p = parse_ok("2026-Q3", NULL), &p)), 92);
	assert_int_equal(spm_period_days((p = parse_ok("2026", NULL), &p)), 365);
	assert_int_equal(spm_period_days((p = parse_ok("2024", NULL), &p)), 366);
	assert_int_equal(spm_period_days((p = parse_ok("1900", NULL), &p)), 365);
	assert_int_equal(spm_period_days((p = parse_ok("2000-02", NULL), &p)), 29);
	assert_int_equal(spm_period_days((p = parse_ok("2026-H1", NULL), &p)), 181);
	/* FY2024 from July holds 29 February 2024. */
	assert_int_equal(spm_period_days((p = parse_ok("FY2024", &july_by_end), &p)), 366);
	assert_int_equal(spm_period_days((p = parse_ok("FY2024", &july_by_start), &p)), 365);

	/* Proration: a start on 1 March overlaps 2026-Q1 for 31 of its 90 days. */
	p = parse_ok("2026-Q1", NULL);
	assert_int_equal(spm_date_overlap_days(ymd(2026, 3, 1), ymd(9999, 12, 31), p.first, p.last),
	                 31);
}

/* Splits name into parts of kind and checks the parts' names and that they tile the period. */
static void split_into(const char *name, const spm_fiscal *f, spm_period_kind kind,
                       const char *const *want, size_t count)
{
	spm_period p = parse_ok(name, f);
	spm_period parts[12];
	size_t n = 0;
	assert_int_equal(spm_period_split(&p, kind, parts, 12, &n), SPM_OK);
	assert_int_equal(n, count);
	int32_t days = 0;
	for (size_t i = 0; i < n; i++) {
		assert_name(&parts[i], want[i]);
		assert_int_equal(parts[i].kind, kind);
		if (i == 0)
			assert_int_equal(parts[i].first.days, p.first.days);
		else
			assert_int_equal(parts[i].first.days, parts[i - 1].last.days + 1);
		days += spm_period_days(&parts[i]);
	}
	assert_int_equal(parts[n - 1].last.days, p.last.days);
	assert_int_equal(days, spm_period_days(&p));
}

static void test_split(void **state)
{
	(void)state;
	static const char *const quarters[] = {"2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"};
	static const char *const months[] = {"2026-01", "2026-02", "2026-03", "2026-04",
	                                     "2026-05", "2026-06", "2026-07", "2026-08",
	                                     "2026-09", "2026-10", "2026-11", "2026-12"};
	static const char *const halves[] = {"2026-H1", "2026-H2"};
	static const char *const fy_months[] = {
	    "FY2026-M01", "FY2026-M02", "FY2026-M03", "FY2026-M04", "FY2026-M05", "FY2026-M06",
	    "FY2026-M07", "FY2026-M08", "FY2026-M09", "FY2026-M10", "FY2026-M11", "FY2026-M12"};
	static const char *const fy_q[] = {"FY2026-Q3", "FY2026-Q4"};
	static const char *const fy_q2_months[] = {"FY2025-M04", "FY2025-M05", "FY2025-M06"};

	split_into("2026", NULL, SPM_PERIOD_QUARTER, quarters, 4);
	split_into("2026", NULL, SPM_PERIOD_MONTH, months, 12);
	split_into("2026", NULL, SPM_PERIOD_HALF, halves, 2);
	split_into("2026-H2", NULL, SPM_PERIOD_QUARTER, quarters + 2, 2);
	split_into("2026-H2", NULL, SPM_PERIOD_MONTH, months + 6, 6);
	split_into("2026-Q2", NULL, SPM_PERIOD_MONTH, months + 3, 3);
	split_into("FY2026", &july_by_end, SPM_PERIOD_MONTH, fy_months, 12);
	split_into("FY2026-H2", &july_by_end, SPM_PERIOD_QUARTER, fy_q, 2);
	split_into("FY2025-Q2", &july_by_start, SPM_PERIOD_MONTH, fy_q2_months, 3);

	spm_period p = parse_ok("FY2026", &july_by_end), parts[12];
	size_t n = 0;
	assert_int_equal(spm_period_split(&p, SPM_PERIOD_MONTH, parts, 12, &n), SPM_OK);
	assert_span(&parts[0], 2025, 7, 1, 2025, 7, 31);
	assert_span(&parts[11], 2026, 6, 1, 2026, 6, 30);

	/* Not finer, too small an array, no count, a damaged period. */
	p = parse_ok("2026-Q1", NULL);
	assert_int_equal(spm_period_split(&p, SPM_PERIOD_QUARTER, parts, 12, &n), SPM_EUSAGE);
	assert_int_equal(spm_period_split(&p, SPM_PERIOD_YEAR, parts, 12, &n), SPM_EUSAGE);
	assert_int_equal(spm_period_split(&p, (spm_period_kind)-1, parts, 12, &n), SPM_EUSAGE);
	p = parse_ok("2026", NULL);
	n = 0;
	assert_int_equal(spm_period_split(&p, SPM_PERIOD_MONTH, parts, 11, &n), SPM_EUSAGE);
	assert_int_equal(n, 12); /* the count needed */
	assert_int_equal(spm_period_split(&p, SPM_PERIOD_MONTH, NULL, 0, &n), SPM_EUSAGE);
	assert_int_equal(spm_period_split(&p, SPM_PERIOD_MONTH, parts, 12, NULL), SPM_EUSAGE);
	p.last = ymd(2026, 12, 30);
	assert_int_equal(spm_period_split(&p, SPM_PERIOD_MONTH, parts, 12, &n), SPM_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_calendar),
	    cmocka_unit_test(test_parse_fiscal_by_end),
	    cmocka_unit_test(test_parse_fiscal_by_start),
	    cmocka_unit_test(test_parse_fiscal_calendar),
	    cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_of_round_trip),
	    cmocka_unit_test(test_of),
	    cmocka_unit_test(test_shift),
	    cmocka_unit_test(test_contains_and_days),
	    cmocka_unit_test(test_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
