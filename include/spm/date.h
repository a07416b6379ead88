/*
 * spm/date.h - calendar dates.
 *
 * A date is a day number: days since 1970-01-01 in the proleptic Gregorian calendar, years 1..9999.
 * The store keeps dates as ISO 8601 text (YYYY-MM-DD). Parsing accepts ISO by default and other
 * layouts only when the caller names one, because 03/04/2026 means different days in different places.
 */
#ifndef SPM_DATE_H
#define SPM_DATE_H

#include <stddef.h>
#include <stdint.h>

#include "spm/error.h"

#define SPM_DATE_BUFSZ 11 /* "YYYY-MM-DD" and the NUL */

typedef struct spm_date {
	int32_t days; /* days since 1970-01-01 */
} spm_date;

/* Builds a date; SPM_EDATA when the day does not exist (2026-02-30) or the year is outside 1..9999. */
int spm_date_from_ymd(spm_date *out, int year, int month, int day);
void spm_date_to_ymd(spm_date d, int *year, int *month, int *day);

/*
 * Parses text (len bytes, not necessarily NUL-terminated; blanks around ignored: space, tab, CR, LF).
 * layout NULL means ISO: YYYY-MM-DD, optionally followed by a time ("T10:00:00Z", " 10:00:00",
 * "T10:00", with optional fraction and offset) that is checked and dropped: spm keeps days.
 * Otherwise layout is a strptime-like pattern of %Y (4-digit year), %m (month 1-12, zero padding
 * optional), %d (day, padding optional), %b (Jan..Dec or the full name, any case), %% and literal
 * characters matched exactly, e.g. "%m/%d/%Y" or "%d.%m.%Y"; %Y, one of %m %b, and %d each once.
 * Returns SPM_OK, SPM_EUSAGE for a bad layout (see spm_date_layout_check), or SPM_EDATA, with err's
 * message one of:
 *   "not a date: '...'" (with a layout: "not a date: '...' (format '%m/%d/%Y')"),
 *   "impossible date: '2026-02-30'" (also for a time such as 25:00),
 *   "ambiguous date '11/8/2016': give a date format such as %m/%d/%Y or %d/%m/%Y" (ISO expected but
 *   the text looks like N/N/NNNN, N.N.NNNN or N-N-NNNN; the hint uses the text's separator).
 * out is written only on success.
 */
int spm_date_parse(spm_date *out, const char *text, size_t len, const char *layout, spm_error *err);

/*
 * Checks a layout string for the directives above; SPM_EUSAGE with a message if it has others, a lone
 * % at the end, or not exactly one year, one month and one day.
 */
int spm_date_layout_check(const char *layout, spm_error *err);

/*
 * Writes "YYYY-MM-DD" (cut to size - 1 characters and NUL-terminated when size > 0). Returns 10.
 * A day number outside years 1..9999 is written "0000-00-00", which never parses as a date.
 */
size_t spm_date_format(char *buf, size_t size, spm_date d);

/*
 * Arithmetic on day numbers. Results beyond the int32_t range saturate instead of wrapping; a result
 * outside years 1..9999 is not a date spm can store, so callers check it where that matters.
 */

/*
 * ISO 8601 weeks: a week runs Monday to Sunday and belongs to the year of its Thursday, so week 1
 * holds 4 January; a year has 52 or 53 weeks. spm_date_iso_week gives d's week; the other, the
 * Monday of a year's week (SPM_EDATA for a week the year does not have, or a year outside
 * 1..9999).
 */
void spm_date_iso_week(spm_date d, int *year, int *week);
/* The Monday of the week holding d. */
spm_date spm_date_monday(spm_date d);
int spm_date_from_iso_week(spm_date *monday, int year, int week);

/* d plus n days (n may be negative). */
spm_date spm_date_add_days(spm_date d, int32_t n);

/* d plus n months; the day is clamped to the month's length (Jan 31 + 1 month = Feb 28/29). */
spm_date spm_date_add_months(spm_date d, int n);

/* Days from a to b (b - a). */
int32_t spm_date_diff(spm_date a, spm_date b);

int spm_days_in_month(int year, int month);
int spm_is_leap_year(int year);

/*
 * Number of days that the inclusive ranges [a_from, a_to] and [b_from, b_to] share; 0 when they do
 * not meet. The basis of day-count proration.
 */
int32_t spm_date_overlap_days(spm_date a_from, spm_date a_to, spm_date b_from, spm_date b_to);

#endif
