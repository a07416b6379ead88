/*
 * spm/dashboard.h - one period's sales performance as a single self-contained HTML page with
 * inline SVG charts (spm-report dashboard).
 *
 * The page holds, each in a card and in this order: the headline figures (company bookings,
 * quota, attainment, payout, reps, won deals), attainment by rep, bookings against quota per step
 * of the period, a leaderboard of the top 10 reps by bookings, the pipeline by forecast category,
 * activities per team and the eNPS per team, then a note on how the figures were computed. The
 * figures are those of spm/scorecard.h, spm/pipeline.h and spm/survey.h for the same period and
 * day, so the page agrees with spm-report's other commands and with spm-forecast.
 *
 * Everything is read before anything is written, so a data error (a missing exchange rate) leaves
 * fp untouched. The page is drawn by spm/html.h: it loads nothing from elsewhere, has no script,
 * and every string from the store is escaped. The same store and query give the same bytes: the
 * page holds no clock time.
 */
#ifndef SPM_DASHBOARD_H
#define SPM_DASHBOARD_H

#include <stdio.h>

#include "spm/date.h"
#include "spm/error.h"
#include "spm/period.h"
#include "spm/store.h"

/* The most reps the attainment chart shows: the best ones, then the worst ones. */
#define SPM_DASHBOARD_TOP 25
#define SPM_DASHBOARD_BOTTOM 5
/* The rows of the leaderboard. */
#define SPM_DASHBOARD_LEADERS 10

typedef struct spm_dashboard_query {
	spm_period period;    /* e.g. 2026-Q2, as spm_period_parse gives it (fiscal names too) */
	spm_date as_of;       /* to this day (0: the period's last day); not before the period's
	                         first day; a day after its last is its last */
	const char *currency; /* NULL: the store's base currency */
	const char *title;    /* NULL: "Sales performance" */
	spm_period_kind by;   /* the trend's steps (months of a quarter, quarters of a year, ...):
	                         the period's own kind or a finer one */
} spm_dashboard_query;

/*
 * Writes the whole page for q to fp: spm_html_begin to spm_html_end, fp flushed at the end.
 *
 * The subtitle reads "2026-Q2, to 2026-05-15, in USD". The trend has one point per step of q->by
 * within the period that has begun by the as-of day (the last one cut at it), with two lines: the
 * company's bookings in the step and the company's quota of the step as spm_attainment gives it
 * (a step without a quota of its own is a gap). The attainment chart shows every rep with a quota,
 * best first, or the best SPM_DASHBOARD_TOP and the worst SPM_DASHBOARD_BOTTOM when there are more
 * than both together (a note says so). A card without data shows a "No data" note.
 *
 * Returns SPM_OK, or the status of the first failure, with err filled (err may be NULL):
 * SPM_EUSAGE for a NULL fp, st or q, a period that is not one, an as-of day before the period, or
 * steps coarser than the period ("dashboard: steps 'year' coarser than the period '2026-Q2'");
 * SPM_EDATA for a missing exchange rate (a currency the store has no rate for); SPM_ERANGE for a
 * sum out of range; SPM_ENOMEM; a store failure; SPM_EIO "write error: ..." when writing to fp
 * fails, after part of the page was written. Nothing is written to fp on any failure other than
 * SPM_EIO. q and its strings are borrowed for the call.
 */
int spm_dashboard_write(FILE *fp, spm_store *st, const spm_dashboard_query *q, spm_error *err);

#endif
