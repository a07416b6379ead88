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
 * Parses a period name. fiscal may be NULL (calendar year; FY names then equal calendar ones).
 * Returns SPM_OK or SPM_EDATA with "not a period: '...'" (or a more precise reason, such as
 * "no quarter 5 in '2026-Q5'").
 */
int spm_period_parse(spm_period *out, const char *text, size_t len, const spm_fiscal *fiscal,
		     spm_error *err);

/* Writes the period's name, as parsed ("2026-Q1", "FY2026-H2"). Returns the length. */
size_t spm_period_format(char *buf, size_t size, const spm_period *p);

/* The period of the given kind that contains d; fiscal NULL or calendar gives calendar names. */
int spm_period_of(spm_period *out, spm_date d, spm_period_kind kind, const spm_fiscal *fiscal);

/* The period n steps after p (n < 0: before), of the same kind and naming. */
int spm_period_shift(spm_period *out, const spm_period *p, int n);

bool spm_period_contains(const spm_period *p, spm_date d);
int32_t spm_period_days(const spm_period *p);

/*
 * Splits p into consecutive periods of a finer kind (a year into quarters, a quarter into months).
 * Writes at most cap periods to out and their number to *n. SPM_EUSAGE if kind is not finer than
 * p's or cap is too small.
 */
int spm_period_split(const spm_period *p, spm_period_kind kind, spm_period *out, size_t cap,
		     size_t *n);

#endif
