/*
 * test_date.c - calendar dates: the leap rule, day numbers, arithmetic, proration overlaps, and
 * parsing with every error message, checked against facts about the calendar rather than the code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "spm/date.h"

static spm_date ymd(int y, int m, int d)
{
	spm_date out = {0};
	assert_int_equal(spm_date_from_ymd(&out, y, m, d), SPM_OK);
	return out;
}

/* Parses s in full; asserts success and returns the date. */
static spm_date parse_ok(const char *s, const char *layout)
{
	spm_date out = {INT32_MIN};
	spm_error err;
	spm_error_clear(&err);
	int rc = spm_date_parse(&out, s, strlen(s), layout, &err);
	if (rc != SPM_OK)
		fail_msg("'%s' with %s: %s", s, layout ? layout : "ISO", err.message);
	assert_int_equal(err.code, SPM_OK);
	return out;
}

/* Parses s in full; asserts the status and the exact message, and that out is left alone. */
static void parse_fails(const char *s, size_t len, const char *layout, int code,
                        const char *message)
{
	spm_date out = {12345};
	spm_error err;
	spm_error_clear(&err);
	assert_int_equal(spm_date_parse(&out, s, len, layout, &err), code);
	assert_int_equal(err.code, code);
	assert_string_equal(err.message, message);
	assert_int_equal(out.days, 12345);
	/* A NULL error record is allowed and gives the same status. */
	assert_int_equal(spm_date_parse(&out, s, len, layout, NULL), code);
}

static void assert_ymd(spm_date d, int y, int m, int dd)
{
	int gy, gm, gd;
	spm_date_to_ymd(d, &gy, &gm, &gd);
	if (gy != y || gm != m || gd != dd)
		fail_msg("got %04d-%02d-%02d, want %04d-%02d-%02d", gy, gm, gd, y, m, dd);
}

static void test_leap_years(void **state)
{
	(void)state;
	assert_false(spm_is_leap_year(1900));
	assert_true(spm_is_leap_year(2000));
	assert_true(spm_is_leap_year(2024));
	assert_false(spm_is_leap_year(2026));
	assert_false(spm_is_leap_year(2100));
	assert_true(spm_is_leap_year(2400));
	assert_true(spm_is_leap_year(4));
	assert_false(spm_is_leap_year(1));
}

static void test_month_ends(void **state)
{
	static const int y2026[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	(void)state;
	for (int m = 1; m <= 12; m++)
		assert_int_equal(spm_days_in_month(2026, m), y2026[m - 1]);
	assert_int_equal(spm_days_in_month(2024, 2), 29);
	assert_int_equal(spm_days_in_month(2000, 2), 29);
	assert_int_equal(spm_days_in_month(1900, 2), 28);
	assert_int_equal(spm_days_in_month(2026, 0), 0);
	assert_int_equal(spm_days_in_month(2026, 13), 0);

	/* The last day of each month exists and the day after it does not. */
	spm_date d;
	for (int m = 1; m <= 12; m++) {
		int last = spm_days_in_month(2024, m);
		assert_int_equal(spm_date_from_ymd(&d, 2024, m, last), SPM_OK);
		assert_int_equal(spm_date_from_ymd(&d, 2024, m, last + 1), SPM_EDATA);
		assert_ymd(spm_date_add_days(d, 1), m == 12 ? 2025 : 2024, m == 12 ? 1 : m + 1, 1);
	}
}

static void test_day_numbers(void **state)
{
	(void)state;
	/* Known day numbers: the epoch, the day before, 2000-01-01 (946684800 s), the limits. */
	assert_int_equal(ymd(1970, 1, 1).days, 0);
	assert_int_equal(ymd(1969, 12, 31).days, -1);
	assert_int_equal(ymd(2000, 1, 1).days, 946684800 / 86400);
	assert_int_equal(ymd(2000, 3, 1).days, 946684800 / 86400 + 31 + 29);
	assert_int_equal(ymd(1, 1, 1).days, -719162);
	assert_int_equal(ymd(9999, 12, 31).days, 2932896);
	assert_ymd((spm_date){-719162}, 1, 1, 1);
	assert_ymd((spm_date){2932896}, 9999, 12, 31);

	spm_date d = {777};
	assert_int_equal(spm_date_from_ymd(&d, 2026, 2, 29), SPM_EDATA);
	assert_int_equal(spm_date_from_ymd(&d, 2026, 4, 31), SPM_EDATA);
	assert_int_equal(spm_date_from_ymd(&d, 2026, 13, 1), SPM_EDATA);
	assert_int_equal(spm_date_from_ymd(&d, 2026, 0, 1), SPM_EDATA);
	assert_int_equal(spm_date_from_ymd(&d, 2026, 1, 0), SPM_EDATA);
	assert_int_equal(spm_date_from_ymd(&d, 0, 1, 1), SPM_EDATA);
	assert_int_equal(spm_date_from_ymd(&d, 10000, 1, 1), SPM_EDATA);
	assert_int_equal(spm_date_from_ymd(&d, -1, 1, 1), SPM_EDATA);
	assert_int_equal(d.days, 777);
	assert_int_equal(spm_date_from_ymd(&d, 1900, 2, 29), SPM_EDATA);
	assert_int_equal(spm_date_from_ymd(&d, 2000, 2, 29), SPM_OK);

	/* NULL out-parts are allowed. */
	int m = 0;
	spm_date_to_ymd(ymd(2026, 7, 4), NULL, &m, NULL);
	assert_int_equal(m, 7);
}

/*
 * Every day from 0001-01-01 to 9999-12-31: each day number's date is the calendar successor of the
 * previous one (the test knows the calendar by the month lengths alone), and converts back.
 */
static void test_whole_range_succession(void **state)
{
	(void)state;
	int y = 1, m = 1, d = 1;
	for (int32_t n = -719162; n <= 2932896; n++) {
		int gy, gm, gd;
		spm_date_to_ymd((spm_date){n}, &gy, &gm, &gd);
		if (gy != y || gm != m || gd != d)
			fail_msg("day %d is %04d-%02d-%02d, want %04d-%02d-%02d", n, gy, gm, gd, y,
			         m, d);
		spm_date back;
		assert_int_equal(spm_date_from_ymd(&back, y, m, d), SPM_OK);
		assert_int_equal(back.days, n);
		if (++d > spm_days_in_month(y, m)) {
			d = 1;
			if (++m > 12)
				m = 1, y++;
		}
	}
	assert_int_equal(y, 10000);
}

static void test_format_parse_round_trip(void **state)
{
	(void)state;
	char buf[SPM_DATE_BUFSZ];
	int32_t days = 0;
	for (spm_date d = ymd(1900, 1, 1); d.days <= ymd(2100, 12, 31).days; d.days++, days++) {
		assert_int_equal(spm_date_format(buf, sizeof buf, d), 10);
		assert_int_equal(strlen(buf), 10);
		spm_date back = parse_ok(buf, NULL);
		assert_int_equal(back.days, d.days);
		/* The same day through a layout with another order. */
		char us[16] = {buf[5], buf[6], '/',    buf[8], buf[9],
		               '/',    buf[0], buf[1], buf[2], buf[3]};
		assert_int_equal(parse_ok(us, "%m/%d/%Y").days, d.days);
	}
	/* 201 years, 49 of them leap (1900 and 2100 are not, 2000 is). */
	assert_int_equal(days, 201 * 365 + 49);
}

static void test_format(void **state)
{
	(void)state;
	char buf[SPM_DATE_BUFSZ];
	spm_date_format(buf, sizeof buf, ymd(1, 1, 1));
	assert_string_equal(buf, "0001-01-01");
	spm_date_format(buf, sizeof buf, ymd(9999, 12, 31));
	assert_string_equal(buf, "9999-12-31");
	spm_date_format(buf, sizeof buf, ymd(2026, 3, 4));
	assert_string_equal(buf, "2026-03-04");

	/* A short buffer is cut and still terminated; the full length is returned. */
	char small[5] = "xxxx";
	assert_int_equal(spm_date_format(small, sizeof small, ymd(2026, 3, 4)), 10);
	assert_string_equal(small, "2026");
	assert_int_equal(spm_date_format(small, 0, ymd(2026, 3, 4)), 10);
	assert_string_equal(small, "2026");

	/* Day numbers outside years 1..9999 write a text that does not parse as a date. */
	spm_date_format(buf, sizeof buf, (spm_date){-719163});
	assert_string_equal(buf, "0000-00-00");
	spm_date_format(buf, sizeof buf, (spm_date){INT32_MAX});
	assert_string_equal(buf, "0000-00-00");
	parse_fails(buf, strlen(buf), NULL, SPM_EDATA, "impossible date: '0000-00-00'");
}

static void test_arithmetic(void **state)
{
	(void)state;
	assert_ymd(spm_date_add_days(ymd(2026, 12, 31), 1), 2027, 1, 1);
	assert_ymd(spm_date_add_days(ymd(2024, 3, 1), -1), 2024, 2, 29);
	assert_ymd(spm_date_add_days(ymd(2026, 3, 1), -1), 2026, 2, 28);
	assert_ymd(spm_date_add_days(ymd(2026, 1, 1), 365), 2027, 1, 1);
	assert_int_equal(spm_date_add_days((spm_date){INT32_MAX}, 5).days, INT32_MAX);
	assert_int_equal(spm_date_add_days((spm_date){INT32_MIN}, -5).days, INT32_MIN);

	assert_ymd(spm_date_add_months(ymd(2026, 1, 31), 1), 2026, 2, 28);
	assert_ymd(spm_date_add_months(ymd(2024, 1, 31), 1), 2024, 2, 29);
	assert_ymd(spm_date_add_months(ymd(2026, 3, 31), -1), 2026, 2, 28);
	assert_ymd(spm_date_add_months(ymd(2026, 5, 31), 1), 2026, 6, 30);
	assert_ymd(spm_date_add_months(ymd(2026, 12, 15), 1), 2027, 1, 15);
	assert_ymd(spm_date_add_months(ymd(2026, 1, 15), -1), 2025, 12, 15);
	assert_ymd(spm_date_add_months(ymd(2026, 1, 15), -13), 2024, 12, 15);
	assert_ymd(spm_date_add_months(ymd(2024, 2, 29), 12), 2025, 2, 28);
	assert_ymd(spm_date_add_months(ymd(2024, 2, 29), 48), 2028, 2, 29);
	assert_ymd(spm_date_add_months(ymd(2026, 8, 20), 0), 2026, 8, 20);
	assert_ymd(spm_date_add_months(ymd(1, 1, 1), 12 * 9999 - 1), 9999, 12, 1);
	/* Far out of range it saturates instead of wrapping. */
	assert_int_equal(spm_date_add_months(ymd(9999, 1, 1), 2000000000).days, INT32_MAX);
	assert_int_equal(spm_date_add_months(ymd(1, 1, 1), -2000000000).days, INT32_MIN);

	assert_int_equal(spm_date_diff(ymd(2026, 1, 1), ymd(2026, 12, 31)), 364);
	assert_int_equal(spm_date_diff(ymd(2024, 12, 31), ymd(2024, 1, 1)), -365);
	assert_int_equal(spm_date_diff(ymd(2026, 3, 4), ymd(2026, 3, 4)), 0);
	assert_int_equal(spm_date_diff((spm_date){INT32_MIN}, (spm_date){INT32_MAX}), INT32_MAX);
}

static void test_overlap(void **state)
{
	(void)state;
	spm_date apr1 = ymd(2026, 4, 1), apr30 = ymd(2026, 4, 30);
	spm_date q1_from = ymd(2026, 1, 1), q1_to = ymd(2026, 3, 31);

	/* A hire on day 16 of a 30-day month works 15 days of it. */
	assert_int_equal(spm_date_overlap_days(ymd(2026, 4, 16), ymd(9999, 12, 31), apr1, apr30),
	                 15);
	/* A start on 1 March works 31 days of 2026-Q1. */
	assert_int_equal(spm_date_overlap_days(ymd(2026, 3, 1), ymd(2026, 12, 31), q1_from, q1_to),
	                 31);
	/* A leaver on 10 February: 41 days of Q1; the overlap is symmetric. */
	assert_int_equal(spm_date_overlap_days(q1_from, q1_to, ymd(2025, 6, 1), ymd(2026, 2, 10)),
	                 41);
	assert_int_equal(spm_date_overlap_days(ymd(2025, 6, 1), ymd(2026, 2, 10), q1_from, q1_to),
	                 41);
	/* Inside, equal, touching on one day, disjoint, empty. */
	assert_int_equal(spm_date_overlap_days(apr1, apr30, ymd(2026, 4, 10), ymd(2026, 4, 12)), 3);
	assert_int_equal(spm_date_overlap_days(q1_from, q1_to, q1_from, q1_to), 90);
	assert_int_equal(spm_date_overlap_days(q1_from, q1_to, q1_to, apr30), 1);
	assert_int_equal(spm_date_overlap_days(q1_from, q1_to, apr1, apr30), 0);
	assert_int_equal(spm_date_overlap_days(apr30, apr1, apr1, apr30), 0);
	/* The widest ranges do not overflow. */
	assert_int_equal(spm_date_overlap_days((spm_date){INT32_MIN}, (spm_date){INT32_MAX},
	                                       (spm_date){INT32_MIN}, (spm_date){INT32_MAX}),
	                 INT32_MAX);
}

static void test_parse_iso(void **state)
{
	(void)state;
	spm_date want = ymd(2026, 3, 4);
	assert_int_equal(parse_ok("2026-03-04", NULL).days, want.days);
	assert_int_equal(parse_ok(" \t2026-03-04\r\n", NULL).days, want.days);
	assert_int_equal(parse_ok("2026-03-04T10:00:00Z", NULL).days, want.days);
	assert_int_equal(parse_ok("2026-03-04 10:00:00", NULL).days, want.days);
	assert_int_equal(parse_ok("2026-03-04T10:00", NULL).days, want.days);
	assert_int_equal(parse_ok("2026-03-04T23:59:59.123456+02:00", NULL).days, want.days);
	assert_int_equal(parse_ok("2026-03-04T23:59:60-0530", NULL).days, want.days);
	assert_int_equal(parse_ok("2026-03-04t00:00:00,5z", NULL).days, want.days);
	assert_int_equal(parse_ok("2026-03-04T00:00+01", NULL).days, want.days);
	assert_int_equal(parse_ok("2024-02-29", NULL).days, ymd(2024, 2, 29).days);
	assert_int_equal(parse_ok("2000-02-29", NULL).days, ymd(2000, 2, 29).days);
	assert_int_equal(parse_ok("0001-01-01", NULL).days, -719162);

	/* Not NUL-terminated: only len bytes are read. */
	spm_date d;
	assert_int_equal(spm_date_parse(&d, "2026-03-04XYZ", 10, NULL, NULL), SPM_OK);
	assert_int_equal(d.days, want.days);
}

static void test_parse_iso_errors(void **state)
{
	(void)state;
	static const char *const not_dates[] = {
	    "2026-03-04x",
	    "2026-03-04T",
	    "2026-03-04T10",
	    "2026-03-04 10",
	    "2026-3-4",
	    "20260304",
	    "2026/03/04",
	    "+2026-03-04",
	    "-2026-03-04",
	    "2026 -03-04",
	    "2026- 03-04",
	    "2026-03-04  10:00",
	    "2026-03-04T10:00:00.",
	    "2026-03-04T10:00+2",
	    "2026-03-04T10:00:00Zx",
	    "2026-03-04T1:00",
	    "2026-03-04T10:00:00+02:0",
	    "26-03-04",
	    "12026-03-04",
	    "2026-003-04",
	    "March 4, 2026",
	    "11/8/16",
	    "11/8/2016x",
	    "11/8-2016",
	    "2026-03-04 10:00 +01:00",
	};
	char want[128];
	for (size_t i = 0; i < sizeof not_dates / sizeof not_dates[0]; i++) {
		const char *s = not_dates[i];
		snprintf(want, sizeof want, "not a date: '%s'", s);
		parse_fails(s, strlen(s), NULL, SPM_EDATA, want);
	}
	parse_fails("", 0, NULL, SPM_EDATA, "not a date: ''");
	parse_fails("   ", 3, NULL, SPM_EDATA, "not a date: ''");
	parse_fails(NULL, 0, NULL, SPM_EDATA, "not a date: ''");
	/* The value is quoted safely: control bytes, quotes and a NUL are escaped. */
	parse_fails("2026-03-0\x01", 10, NULL, SPM_EDATA, "not a date: '2026-03-0\\x01'");
	parse_fails("2026-03-04\0", 11, NULL, SPM_EDATA, "not a date: '2026-03-04\\x00'");
	parse_fails("'2026-03-04'", 12, NULL, SPM_EDATA, "not a date: '\\x272026-03-04\\x27'");

	static const char *const impossible[] = {
	    "2026-02-29",
	    "2026-13-01",
	    "2026-04-31",
	    "0000-01-01",
	    "2026-00-10",
	    "2026-01-00",
	    "1900-02-29",
	    "2026-01-32",
	    "2026-03-04T24:00:00",
	    "2026-03-04T10:60",
	    "2026-03-04T10:00:61Z",
	    "2026-03-04T10:00+24:00",
	    "2026-03-04T10:00-01:60",
	};
	for (size_t i = 0; i < sizeof impossible / sizeof impossible[0]; i++) {
		snprintf(want, sizeof want, "impossible date: '%s'", impossible[i]);
		parse_fails(impossible[i], strlen(impossible[i]), NULL, SPM_EDATA, want);
	}
	/* Trimmed before quoting. */
	parse_fails(" 2026-02-30 ", 12, NULL, SPM_EDATA, "impossible date: '2026-02-30'");
}

static void test_parse_ambiguous(void **state)
{
	(void)state;
	parse_fails("11/8/2016", 9, NULL, SPM_EDATA,
	            "ambiguous date '11/8/2016': give a date format such as %m/%d/%Y or %d/%m/%Y");
	/* Even when only one reading exists: a file must not half-import. */
	parse_fails("13/08/2016", 10, NULL, SPM_EDATA,
	            "ambiguous date '13/08/2016': give a date format such as %m/%d/%Y or %d/%m/%Y");
	parse_fails("08.11.2016", 10, NULL, SPM_EDATA,
	            "ambiguous date '08.11.2016': give a date format such as %m.%d.%Y or %d.%m.%Y");
	parse_fails("8-11-2016", 9, NULL, SPM_EDATA,
	            "ambiguous date '8-11-2016': give a date format such as %m-%d-%Y or %d-%m-%Y");
	parse_fails("11/8/2016 10:00", 15, NULL, SPM_EDATA,
	            "ambiguous date '11/8/2016 10:00': give a date format such as %m/%d/%Y or "
	            "%d/%m/%Y");
	parse_fails(" 1/2/2016\n", 10, NULL, SPM_EDATA,
	            "ambiguous date '1/2/2016': give a date format such as %m/%d/%Y or %d/%m/%Y");
}

static void test_parse_layouts(void **state)
{
	(void)state;
	spm_date nov8 = ymd(2016, 11, 8);
	assert_int_equal(parse_ok("11/8/2016", "%m/%d/%Y").days, nov8.days);
	assert_int_equal(parse_ok("11/08/2016", "%m/%d/%Y").days, nov8.days);
	assert_int_equal(parse_ok("8/11/2016", "%d/%m/%Y").days, nov8.days);
	assert_int_equal(parse_ok("08.11.2016", "%d.%m.%Y").days, nov8.days);
	assert_int_equal(parse_ok("8.11.2016", "%d.%m.%Y").days, nov8.days);
	assert_int_equal(parse_ok(" 8.11.2016 ", "%d.%m.%Y").days, nov8.days);
	assert_int_equal(parse_ok("8 Nov 2016", "%d %b %Y").days, nov8.days);
	assert_int_equal(parse_ok("08 nov 2016", "%d %b %Y").days, nov8.days);
	assert_int_equal(parse_ok("8 NOVEMBER 2016", "%d %b %Y").days, nov8.days);
	assert_int_equal(parse_ok("Nov 8, 2016", "%b %d, %Y").days, nov8.days);
	assert_int_equal(parse_ok("2016-Nov-08", "%Y-%b-%d").days, nov8.days);
	assert_int_equal(parse_ok("20161108", "%Y%m%d").days, nov8.days);
	assert_int_equal(parse_ok("2016-11-08", "%Y-%m-%d").days, nov8.days);
	assert_int_equal(parse_ok("2016-11-8", "%Y-%m-%d").days, nov8.days);
	assert_int_equal(parse_ok("8%11%2016", "%d%%%m%%%Y").days, nov8.days);
	/* %b tries the full name, then the abbreviation if the rest does not match. */
	assert_int_equal(parse_ok("November 8 2016", "%bember %d %Y").days, nov8.days);
	/* Every month by abbreviation and by full name. */
	static const char *const names[12] = {"jan", "feb", "mar", "apr", "may", "jun",
	                                      "jul", "aug", "sep", "oct", "nov", "dec"};
	static const char *const full[12] = {"January",   "February", "March",    "April",
	                                     "May",       "June",     "July",     "August",
	                                     "September", "October",  "November", "December"};
	char buf[32];
	for (int m = 1; m <= 12; m++) {
		snprintf(buf, sizeof buf, "1 %s 2026", names[m - 1]);
		assert_int_equal(parse_ok(buf, "%d %b %Y").days, ymd(2026, m, 1).days);
		snprintf(buf, sizeof buf, "%s 1 2026", full[m - 1]);
		assert_int_equal(parse_ok(buf, "%b %d %Y").days, ymd(2026, m, 1).days);
	}
}

static void test_parse_layout_errors(void **state)
{
	(void)state;
	parse_fails("2016-11-08", 10, "%m/%d/%Y", SPM_EDATA,
	            "not a date: '2016-11-08' (format '%m/%d/%Y')");
	parse_fails("11/8/16", 7, "%m/%d/%Y", SPM_EDATA,
	            "not a date: '11/8/16' (format '%m/%d/%Y')");
	parse_fails("111/8/2016", 10, "%m/%d/%Y", SPM_EDATA,
	            "not a date: '111/8/2016' (format '%m/%d/%Y')");
	parse_fails("+1/8/2016", 9, "%m/%d/%Y", SPM_EDATA,
	            "not a date: '+1/8/2016' (format '%m/%d/%Y')");
	parse_fails("11 /8/2016", 10, "%m/%d/%Y", SPM_EDATA,
	            "not a date: '11 /8/2016' (format '%m/%d/%Y')");
	parse_fails("11/8/2016 10:00", 15, "%m/%d/%Y", SPM_EDATA,
	            "not a date: '11/8/2016 10:00' (format '%m/%d/%Y')");
	parse_fails("8 Foo 2016", 10, "%d %b %Y", SPM_EDATA,
	            "not a date: '8 Foo 2016' (format '%d %b %Y')");
	parse_fails("8 No 2016", 9, "%d %b %Y", SPM_EDATA,
	            "not a date: '8 No 2016' (format '%d %b %Y')");
	parse_fails("8/11/2016", 9, "%d%%%m/%Y", SPM_EDATA,
	            "not a date: '8/11/2016' (format '%d%%%m/%Y')");
	parse_fails("", 0, "%m/%d/%Y", SPM_EDATA, "not a date: '' (format '%m/%d/%Y')");
	parse_fails("13/8/2016", 9, "%m/%d/%Y", SPM_EDATA, "impossible date: '13/8/2016'");
	parse_fails("2/29/2026", 9, "%m/%d/%Y", SPM_EDATA, "impossible date: '2/29/2026'");
	parse_fails("0/1/2026", 8, "%m/%d/%Y", SPM_EDATA, "impossible date: '0/1/2026'");
	parse_fails("31 Apr 2026", 11, "%d %b %Y", SPM_EDATA, "impossible date: '31 Apr 2026'");
	parse_fails("1/1/0000", 8, "%m/%d/%Y", SPM_EDATA, "impossible date: '1/1/0000'");

	/* A bad layout is the caller's mistake. */
	parse_fails("2026-03-04", 10, "%Y-%q-%d", SPM_EUSAGE,
	            "date format '%Y-%q-%d': unknown directive '%q' (use %Y %m %d %b %%)");
}

static void test_layout_check(void **state)
{
	(void)state;
	spm_error err;
	static const struct {
		const char *layout;
		const char *message;
	} bad[] = {
	    {"%Y-%m", "date format '%Y-%m': needs %d exactly once"},
	    {"%Y-%m-%d-%d", "date format '%Y-%m-%d-%d': needs %d exactly once"},
	    {"%m/%d", "date format '%m/%d': needs %Y exactly once"},
	    {"%Y%Y%m%d", "date format '%Y%Y%m%d': needs %Y exactly once"},
	    {"%Y %d", "date format '%Y %d': needs %m or %b exactly once"},
	    {"%Y %b %m %d", "date format '%Y %b %m %d': needs %m or %b exactly once"},
	    {"", "date format '': needs %Y exactly once"},
	    {"%Y-%m-%d%", "date format '%Y-%m-%d%': ends with a lone %"},
	    {"%y-%m-%d", "date format '%y-%m-%d': unknown directive '%y' (use %Y %m %d %b %%)"},
	    {"%Y-%m-%d %H",
	     "date format '%Y-%m-%d %H': unknown directive '%H' (use %Y %m %d %b %%)"},
	    {"%Y-%m-%d\n%\n",
	     "date format '%Y-%m-%d\\x0A%\\x0A': unknown directive '%\\x0A' (use %Y %m %d %b %%)"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		spm_error_clear(&err);
		assert_int_equal(spm_date_layout_check(bad[i].layout, &err), SPM_EUSAGE);
		assert_string_equal(err.message, bad[i].message);
	}
	assert_int_equal(spm_date_layout_check(NULL, &err), SPM_EUSAGE);
	assert_string_equal(err.message, "date format: none given");
	assert_int_equal(spm_date_layout_check("%d.%m.%Y", &err), SPM_OK);
	assert_int_equal(spm_date_layout_check("%b %d, %Y", &err), SPM_OK);
	assert_int_equal(spm_date_layout_check("%%%Y%%%m%%%d%%", &err), SPM_OK);
	assert_int_equal(spm_date_layout_check("%Y-%m-%d", NULL), SPM_OK);
}

/* ISO weeks, against dates checked on a calendar. */
static void check_week(int y, int m, int d, int wy, int ww)
{
	spm_date day;
	int year, week;
	assert_int_equal(spm_date_from_ymd(&day, y, m, d), SPM_OK);
	spm_date_iso_week(day, &year, &week);
	assert_int_equal(year, wy);
	assert_int_equal(week, ww);
}

static void test_iso_weeks(void **state)
{
	(void)state;
	check_week(2026, 1, 1, 2026, 1);   /* a Thursday: week 1 of its own year */
	check_week(2025, 12, 29, 2026, 1); /* the Monday of that week, in the year before */
	check_week(2021, 1, 3, 2020, 53);  /* a Sunday of 2020's 53rd week */
	check_week(2021, 1, 4, 2021, 1);
	check_week(2024, 12, 30, 2025, 1);
	check_week(2026, 12, 31, 2026, 53); /* 2026 starts on a Thursday: 53 weeks */
	check_week(1970, 1, 1, 1970, 1);
	check_week(1969, 12, 29, 1970, 1);
	check_week(1969, 12, 28, 1969, 52);

	spm_date monday, want;
	assert_int_equal(spm_date_from_iso_week(&monday, 2026, 1), SPM_OK);
	assert_int_equal(spm_date_from_ymd(&want, 2025, 12, 29), SPM_OK);
	assert_int_equal(monday.days, want.days);
	assert_int_equal(spm_date_from_iso_week(&monday, 2020, 53), SPM_OK);
	assert_int_equal(spm_date_from_ymd(&want, 2020, 12, 28), SPM_OK);
	assert_int_equal(monday.days, want.days);
	assert_int_equal(spm_date_from_iso_week(&monday, 2021, 53), SPM_EDATA); /* 52 weeks */
	assert_int_equal(spm_date_from_iso_week(&monday, 2026, 0), SPM_EDATA);
	assert_int_equal(spm_date_from_iso_week(&monday, 0, 1), SPM_EDATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_leap_years),
	    cmocka_unit_test(test_month_ends),
	    cmocka_unit_test(test_day_numbers),
	    cmocka_unit_test(test_whole_range_succession),
	    cmocka_unit_test(test_format_parse_round_trip),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_arithmetic),
	    cmocka_unit_test(test_overlap),
	    cmocka_unit_test(test_parse_iso),
	    cmocka_unit_test(test_parse_iso_errors),
	    cmocka_unit_test(test_parse_ambiguous),
	    cmocka_unit_test(test_parse_layouts),
	    cmocka_unit_test(test_parse_layout_errors),
	    cmocka_unit_test(test_layout_check),
	    cmocka_unit_test(test_iso_weeks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
