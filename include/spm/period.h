/*
 * spm/period.h - named periods: months, quarters, halves and years, calendar or fiscal.
 *
 * Names: "2026-03" (a month), "2026-Q1", "2026-H1", "2026" (calendar), and with a fiscal year that
 * starts in another month: "FY2026", "FY2026-Q1", "FY2026-H2", "FY2026-M01" (the fiscal year's first
 * month). The fiscal year is named by the calendar year in which it ends (FY2026 starting in July is
 * 2025-07-01..2026-06-30), unless the store says it is named by the year in which it starts.
 * A period is a plain value: its kind, name parts and inclusive first and last day.
 */
#ifndef SPM_PERIOD_H
#define SPM_PERIOD_H

#include <stdbool.h>
#include <stddef.h>

#include "spm/date.h"
#include "spm/error.h"

#define SPM_PERIOD_BUFSZ 16

typedef enum spm_period_kind {
	SPM_PERIOD_MONTH,
	SPM_PERIOD_QUARTER,
	SPM_PERIOD_HALF,
	SPM_PERIOD_YEAR
} spm_period_kind;

typedef struct spm_fiscal {
	int start_month;       /* 1..12; 1 means the fiscal year is the calendar year */
	bool named_by_start;   /* FY named by the year it starts in (default false: the year it ends in) */
} spm_fiscal;

#define SPM_FISCAL_CALENDAR ((spm_fiscal){1, false})

typedef struct spm_period {
	spm_period_kind kind;
	bool fiscal;      /* written with the FY prefix */
	int year;         /* the year in the name */
	int index;        /* month 1..12 (fiscal: month of the fiscal year), quarter 1..4, half 1..2, 0 */
	spm_date first;   /* first day */
	spm_date last;    /* last day, inclusive */
} spm_period;

/*
 * Parses a period name (len bytes, not necessarily NUL-terminated; blanks around ignored; letters in
 * any case; the index's zero padding optional). A calendar name means the calendar even when fiscal
 * is set; an FY name means the fiscal year. fiscal may be NULL (calendar year; FY names then equal
 * calendar ones). "FY2026-03" and "2026-M03" are refused: which third month is meant is unclear.
 * Returns SPM_OK; SPM_EUSAGE if fiscal's start month is not 1..12; or SPM_EDATA with
 * "not a period: '...'" or a more precise reason: "no quarter 5 in '2026-Q5'", "no half 3 in ...",
 * "no month 13 in '2026-13'", "no year 0 in '0000'", "period outside the years 1 to 9999: 'FY0001'"
 * (a period with a day before 0001-01-01 or after 9999-12-31). out is written only on success.
 */
int spm_period_parse(spm_period *out, const char *text, size_t len, const spm_fiscal *fiscal,
		     spm_error *err);

/*
 * Writes the period's name, canonical ("2026-Q1", "2026-03", "FY2026-H2", "FY2026-M01"), cut to
 * size - 1 characters and NUL-terminated when size > 0. Returns the full length, like snprintf.
 */
size_t spm_period_format(char *buf, size_t size, const spm_period *p);

/*
 * The period of the given kind that contains d; fiscal NULL or calendar (start month 1) gives
 * calendar names, any other start month FY names. Returns SPM_OK, SPM_EUSAGE for a bad kind or
 * fiscal start month, SPM_ERANGE if d or the period reaches outside the years 1..9999.
 */
int spm_period_of(spm_period *out, spm_date d, spm_period_kind kind, const spm_fiscal *fiscal);

/*
 * The period n steps after p (n < 0: before), of the same kind and naming: the fiscal start month and
 * naming are recovered from p itself. Returns SPM_OK, SPM_ERANGE past the years 1..9999, or
 * SPM_EUSAGE if p's fields do not describe one period (a damaged or hand-made value).
 */
int spm_period_shift(spm_period *out, const spm_period *p, int n);

/* Whether first <= d <= last. */
bool spm_period_contains(const spm_period *p, spm_date d);
/* The number of days in p, both ends included. */
int32_t spm_period_days(const spm_period *p);

/*
 * Splits p into consecutive periods of a finer kind (a year into quarters, a quarter into months),
 * named like p (FY2026 gives FY2026-M01..FY2026-M12). Writes at most cap periods to out and their
 * number to *n. SPM_EUSAGE if kind is not finer than p's, n is NULL, p is damaged, or cap is too
 * small (then nothing is written to out and *n is the number needed).
 */
int spm_period_split(const spm_period *p, spm_period_kind kind, spm_period *out, size_t cap,
		     size_t *n);

#endif
