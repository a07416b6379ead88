/*
 * date.c - calendar dates as day numbers since 1970-01-01 (proleptic Gregorian, years 1..9999).
 * Day arithmetic uses the closed-form civil-from-days and days-from-civil conversions over 400-year
 * eras, so nothing here depends on time_t, the C library's calendar, the locale or the time zone.
 * Parsing is strict on purpose: a date that imports wrongly pays the wrong people, so text that
 * could mean two days is refused with a hint rather than guessed.
 */
#include "spm/date.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include "util.h"

#define MIN_YEAR 1
#define MAX_YEAR 9999

static const char *const month_names[12] = {"january",   "february", "march",    "april",
                                            "may",       "june",     "july",     "august",
                                            "september", "october",  "november", "december"};

static int32_t saturate32(int64_t v)
{
	if (v > INT32_MAX)
		return INT32_MAX;
	if (v < INT32_MIN)
		return INT32_MIN;
	return (int32_t)v;
}

/* Floor division, so that eras before 0000-03-01 count correctly. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Days since 1970-01-01 of a valid (y, m, d); the year may be any int. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;                                   /* 0..399 */
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365, from March 1 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* 0..146096 */
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;                                      /* 0..146096 */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* 0..365 */
	int64_t mp = (5 * doy + 2) / 153;                                    /* 0..11, from March */
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int spm_is_leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int spm_days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && spm_is_leap_year(year))
		return 29;
	return days[month - 1];
}

static bool ymd_valid(int64_t year, int month, int day)
{
	return year >= MIN_YEAR && year <= MAX_YEAR && month >= 1 && month <= 12 && day >= 1 &&
	       day <= spm_days_in_month((int)year, month);
}

int spm_date_from_ymd(spm_date *out, int year, int month, int day)
{
	if (!ymd_valid(year, month, day))
		return SPM_EDATA;
	out->days = (int32_t)days_from_civil(year, month, day);
	return SPM_OK;
}

void spm_date_to_ymd(spm_date d, int *year, int *month, int *day)
{
	int64_t y;
	int m, dd;
	civil_from_days(d.days, &y, &m, &dd);
	/* Any int32 day number lies within about 5.9 million years of 1970, so y fits an int. */
	if (year)
		*year = (int)y;
	if (month)
		*month = m;
	if (day)
		*day = dd;
}

static void put_digits(char *p, int value, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + value % 10);
		value /= 10;
	}
}

size_t spm_date_format(char *buf, size_t size, spm_date d)
{
	char tmp[SPM_DATE_BUFSZ];
	int y, m, dd;

	spm_date_to_ymd(d, &y, &m, &dd);
	if (y < MIN_YEAR || y > MAX_YEAR) {
		/* Not a date spm holds: write a text that parses back as an error, not a wrong day.
		 */
		memcpy(tmp, "0000-00-00", sizeof tmp);
	} else {
		put_digits(tmp, y, 4);
		tmp[4] = '-';
		put_digits(tmp + 5, m, 2);
		tmp[7] = '-';
		put_digits(tmp + 8, dd, 2);
		tmp[10] = '\0';
	}
	if (size > 0) {
		size_t n = size - 1 < 10 ? size - 1 : 10;
		memcpy(buf, tmp, n);
		buf[n] = '\0';
	}
	return 10;
}

spm_date spm_date_add_days(spm_date d, int32_t n)
{
	return (spm_date){saturate32((int64_t)d.days + n)};
}

spm_date spm_date_add_months(spm_date d, int n)
{
	int y, m, dd;
	spm_date_to_ymd(d, &y, &m, &dd);
	int64_t months = (int64_t)y * 12 + (m - 1) + n;
	int64_t ny = floor_div(months, 12);
	int nm = (int)(months - ny * 12) + 1;
	/* The leap rule repeats every 400 years, so a reduced year gives the same month length. */
	int dim = spm_days_in_month((int)(ny % 400 + 400), nm);
	if (dd > dim)
		dd = dim;
	return (spm_date){saturate32(days_from_civil(ny, nm, dd))};
}

int32_t spm_date_diff(spm_date a, spm_date b)
{
	return saturate32((int64_t)b.days - a.days);
}

int32_t spm_date_overlap_days(spm_date a_from, spm_date a_to, spm_date b_from, spm_date b_to)
{
	int64_t lo = a_from.days > b_from.days ? a_from.days : b_from.days;
	int64_t hi = a_to.days < b_to.days ? a_to.days : b_to.days;
	if (lo > hi)
		return 0;
	return saturate32(hi - lo + 1);
}

/* ---- parsing ---- */

/* Reads exactly n digits at s[*i]; false if there are fewer. */
static bool fixed_digits(const char *s, size_t len, size_t *i, int n, int *value)
{
	int v = 0;
	if (len - *i < (size_t)n)
		return false;
	for (int k = 0; k < n; k++) {
		char c = s[*i + (size_t)k];
		if (!spm_is_digit(c))
			return false;
		v = v * 10 + (c - '0');
	}
	*i += (size_t)n;
	*value = v;
	return true;
}

/* Reads one or two digits at s[*i] (greedy). */
static bool short_digits(const char *s, size_t len, size_t *i, int *value)
{
	if (*i >= len || !spm_is_digit(s[*i]))
		return false;
	int v = s[(*i)++] - '0';
	if (*i < len && spm_is_digit(s[*i]))
		v = v * 10 + (s[(*i)++] - '0');
	*value = v;
	return true;
}

/* A digit run of length 1..2 at s[*i], then sep; used to recognise day-month layouts. */
static bool dm_part(const char *s, size_t len, size_t *i, char sep)
{
	int v;
	if (!short_digits(s, len, i, &v) || *i >= len || s[*i] != sep)
		return false;
	(*i)++;
	return true;
}

/*
 * The separator when the text starts like N/N/NNNN, N.N.NNNN or N-N-NNNN (optionally followed by a
 * time), else 0: the order of day and month is the writer's convention, so without a format the
 * text cannot be read. Even 13/8/2016 is refused: a file where some rows fail and others pass is
 * worse.
 */
static char day_month_separator(const char *s, size_t len)
{
	for (const char *sep = "/.-"; *sep; sep++) {
		size_t i = 0;
		int v;
		if (!dm_part(s, len, &i, *sep) || !dm_part(s, len, &i, *sep))
			continue;
		if (!fixed_digits(s, len, &i, 4, &v))
			continue;
		if (i == len || ((s[i] == ' ' || s[i] == 'T') && i + 1 < len))
			return *sep;
	}
	return 0;
}

/* The ISO time suffix, from its separator on: [Tt ]HH:MM[:SS[(.|,)F+]][Z|z|(+|-)HH[[:]MM]]. */
enum time_result { TIME_BAD, TIME_IMPOSSIBLE, TIME_OK };

static enum time_result parse_time(const char *s, size_t len, size_t i)
{
	int hh, mm, ss = 0;
	bool impossible = false;

	if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
		return TIME_BAD;
	i++;
	if (!fixed_digits(s, len, &i, 2, &hh) || i >= len || s[i++] != ':' ||
	    !fixed_digits(s, len, &i, 2, &mm))
		return TIME_BAD;
	if (i < len && s[i] == ':') {
		i++;
		if (!fixed_digits(s, len, &i, 2, &ss))
			return TIME_BAD;
		if (i < len && (s[i] == '.' || s[i] == ',')) {
			size_t start = ++i;
			while (i < len && spm_is_digit(s[i]))
				i++;
			if (i == start)
				return TIME_BAD;
		}
	}
	/* Hour 24 is refused: it is the next day, and spm would keep the wrong one. */
	if (hh > 23 || mm > 59 || ss > 60)
		impossible = true;
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		int oh, om = 0;
		i++;
		if (!fixed_digits(s, len, &i, 2, &oh))
			return TIME_BAD;
		if (i < len && s[i] == ':') {
			i++;
			if (!fixed_digits(s, len, &i, 2, &om))
				return TIME_BAD;
		} else if (i < len && spm_is_digit(s[i])) {
			if (!fixed_digits(s, len, &i, 2, &om))
				return TIME_BAD;
		}
		if (oh > 23 || om > 59)
			impossible = true;
	}
	if (i != len)
		return TIME_BAD;
	return impossible ? TIME_IMPOSSIBLE : TIME_OK;
}

static int not_a_date(spm_error *err, const char *s, size_t len, const char *layout)
{
	char q[SPM_QUOTE_BUFSZ];
	spm_quote(q, sizeof q, s, len);
	if (layout) {
		char ql[SPM_QUOTE_BUFSZ];
		spm_quote(ql, sizeof ql, layout, strlen(layout));
		return spm_error_set(err, SPM_EDATA, "not a date: %s (format %s)", q, ql);
	}
	return spm_error_set(err, SPM_EDATA, "not a date: %s", q);
}

static int impossible_date(spm_error *err, const char *s, size_t len)
{
	char q[SPM_QUOTE_BUFSZ];
	return spm_error_set(err, SPM_EDATA, "impossible date: %s", spm_quote(q, sizeof q, s, len));
}

static int parse_iso(spm_date *out, const char *s, size_t len, spm_error *err)
{
	size_t i = 0;
	int y = 0, m = 0, d = 0;
	bool shape = fixed_digits(s, len, &i, 4, &y) && i < len && s[i++] == '-' &&
	             fixed_digits(s, len, &i, 2, &m) && i < len && s[i++] == '-' &&
	             fixed_digits(s, len, &i, 2, &d);
	enum time_result t = TIME_OK;

	if (shape && i < len)
		t = parse_time(s, len, i);
	if (!shape || t == TIME_BAD) {
		char sep = day_month_separator(s, len);
		if (sep) {
			char q[SPM_QUOTE_BUFSZ];
			return spm_error_set(err, SPM_EDATA,
			                     "ambiguous date %s: give a date format such as "
			                     "%%m%c%%d%c%%Y or %%d%c%%m%c%%Y",
			                     spm_quote(q, sizeof q, s, len), sep, sep, sep, sep);
		}
		return not_a_date(err, s, len, NULL);
	}
	if (!ymd_valid(y, m, d) || t == TIME_IMPOSSIBLE)
		return impossible_date(err, s, len);
	out->days = (int32_t)days_from_civil(y, m, d);
	return SPM_OK;
}

struct ymd_fields {
	int year, month, day;
};

/* Length of the month name (full or three-letter) at s[i] matching month m (0-based), or 0. */
static size_t month_name_len(const char *s, size_t len, size_t i, int m, bool full)
{
	const char *name = month_names[m];
	size_t n = full ? strlen(name) : 3;
	if (len - i < n)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (spm_ascii_lower(s[i + k]) != name[k])
			return 0;
	return n;
}

/*
 * Matches text s[i..len) against layout l. Recursive only so that %b can try the full month name
 * and then the abbreviation ("%bember" is odd, but must not fail on a date it would write itself).
 */
static bool match_layout(const char *l, const char *s, size_t len, size_t i, struct ymd_fields *f)
{
	while (*l) {
		if (*l != '%') {
			if (i >= len || s[i] != *l)
				return false;
			i++, l++;
			continue;
		}
		l++;
		switch (*l) {
		case 'Y':
			if (!fixed_digits(s, len, &i, 4, &f->year))
				return false;
			break;
		case 'm':
			if (!short_digits(s, len, &i, &f->month))
				return false;
			break;
		case 'd':
			if (!short_digits(s, len, &i, &f->day))
				return false;
			break;
		case 'b':
			for (int m = 0; m < 12; m++) {
				for (int full = 1; full >= 0; full--) {
					size_t n = month_name_len(s, len, i, m, full);
					if (n == 0)
						continue;
					f->month = m + 1;
					if (match_layout(l + 1, s, len, i + n, f))
						return true;
				}
			}
			return false;
		case '%':
			if (i >= len || s[i] != '%')
				return false;
			i++;
			break;
		default:
			return false; /* spm_date_layout_check rules this out */
		}
		l++;
	}
	return i == len;
}

int spm_date_layout_check(const char *layout, spm_error *err)
{
	int years = 0, months = 0, days = 0;
	char q[SPM_QUOTE_BUFSZ];

	if (!layout)
		return spm_error_set(err, SPM_EUSAGE, "date format: none given");
	spm_quote(q, sizeof q, layout, strlen(layout));
	for (const char *p = layout; *p; p++) {
		if (*p != '%')
			continue;
		p++;
		switch (*p) {
		case 'Y':
			years++;
			break;
		case 'm':
		case 'b':
			months++;
			break;
		case 'd':
			days++;
			break;
		case '%':
			break;
		case '\0':
			return spm_error_set(err, SPM_EUSAGE, "date format %s: ends with a lone %%",
			                     q);
		default: {
			char qd[SPM_QUOTE_BUFSZ];
			char dir[2] = {'%', *p};
			/* A multibyte character after % shows as its first byte: enough. */
			return spm_error_set(
			    err, SPM_EUSAGE,
			    "date format %s: unknown directive %s (use %%Y %%m %%d %%b %%%%)", q,
			    spm_quote(qd, sizeof qd, dir, 2));
		}
		}
	}
	if (years != 1)
		return spm_error_set(err, SPM_EUSAGE, "date format %s: needs %%Y exactly once", q);
	if (months != 1)
		return spm_error_set(err, SPM_EUSAGE,
		                     "date format %s: needs %%m or %%b exactly once", q);
	if (days != 1)
		return spm_error_set(err, SPM_EUSAGE, "date format %s: needs %%d exactly once", q);
	return SPM_OK;
}

int spm_date_parse(spm_date *out, const char *text, size_t len, const char *layout, spm_error *err)
{
	const char *s = text ? text : "";

	if (!text)
		len = 0;
	while (len > 0 && spm_is_blank(s[0]))
		s++, len--;
	while (len > 0 && spm_is_blank(s[len - 1]))
		len--;
	if (!layout)
		return parse_iso(out, s, len, err);

	int rc = spm_date_layout_check(layout, err);
	if (rc != SPM_OK)
		return rc;
	struct ymd_fields f = {0, 0, 0};
	if (!match_layout(layout, s, len, 0, &f))
		return not_a_date(err, s, len, layout);
	if (!ymd_valid(f.year, f.month, f.day))
		return impossible_date(err, s, len);
	out->days = (int32_t)days_from_civil(f.year, f.month, f.day);
	return SPM_OK;
}

/* 1970-01-01 was a Thursday. */
spm_date spm_date_monday(spm_date d)
{
	int32_t back = (int32_t)(((int64_t)d.days + 3) % 7);
	if (back < 0)
		back += 7;
	return (spm_date){d.days - back};
}

void spm_date_iso_week(spm_date d, int *year, int *week)
{
	spm_date thursday = {spm_date_monday(d).days + 3}, jan1;
	int y;
	spm_date_to_ymd(thursday, &y, NULL, NULL);
	jan1.days = (int32_t)days_from_civil(y, 1, 1);
	if (year)
		*year = y;
	if (week)
		*week = (thursday.days - jan1.days) / 7 + 1;
}

int spm_date_from_iso_week(spm_date *out, int year, int week)
{
	spm_date jan4;
	int y, w;
	if (year < 1 || year > 9999 || week < 1 || week > 53 ||
	    spm_date_from_ymd(&jan4, year, 1, 4) != SPM_OK)
		return SPM_EDATA;
	spm_date monday = {spm_date_monday(jan4).days + 7 * (week - 1)};
	spm_date_iso_week(monday, &y, &w);
	if (y != year || w != week)
		return SPM_EDATA;
	*out = monday;
	return SPM_OK;
}
