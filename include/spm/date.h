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
 * Parses text (len bytes, not necessarily NUL-terminated; blanks around ignored).
 * layout NULL means ISO: YYYY-MM-DD, optionally followed by a time ("T10:00:00Z", " 10:00:00",
 * with optional fraction and offset) that is checked and dropped: spm keeps days.
 * Otherwise layout is a strptime-like pattern of %Y (4-digit year), %m (month 1-12, zero padding
 * optional), %d (day, padding optional), %b (Jan..Dec, any case), %% and literal characters, e.g.
 * "%m/%d/%Y" or "%d.%m.%Y".
 * Returns SPM_OK or SPM_EDATA, with err's message one of:
 *   "not a date: '...'", "impossible date: '2026-02-30'",
 *   "ambiguous date '11/8/2016': give a date format such as %m/%d/%Y or %d/%m/%Y" (ISO expected but
 *   the text has a day-month layout).
 */
int spm_date_parse(spm_date *out, const char *text, size_t len, const char *layout, spm_error *err);

/* Checks a layout string for the directives above; SPM_EUSAGE with a message if it has others. */
int spm_date_layout_check(const char *layout, spm_error *err);

/* Writes "YYYY-MM-DD". Returns 10. */
size_t spm_date_format(char *buf, size_t size, spm_date d);

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
