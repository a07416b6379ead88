/*
 * spm/pipeline.h - what a period will close, from the pipeline: forecast categories with their
 * cumulative roll-ups, the weighted pipeline, deals overdue, and the run-rate; per rep and rolled
 * up to managers, teams, territories and the company (spm/org.h).
 *
 * What is counted (spm-forecast(1) explains it to users):
 *   - deals credit their owner or their revenue split (spm/credit.h), so a deal counts once in
 *     every roll-up; amounts are converted into the report currency at the rate of the deal's
 *     close date (the latest rate known for a date still to come);
 *   - closed: won deals closed from the period's first day to the as-of day (a cancellation is
 *     seen when it is dated on or before the as-of day);
 *   - open deals expected to close from the as-of day to the period's last day, each in its
 *     forecast category: the deal's own, else its stage's, else pipeline; `closed` given to an
 *     open deal counts as commit;
 *   - cumulative figures: closed; commit = commit + closed; best case = best case + commit +
 *     closed; open pipeline = pipeline + best case + commit (open deals only); omitted apart;
 *   - weighted: each open deal (omitted ones too) times its probability, the deal's own else
 *     its stage's (0 without either), rounded half-up at the money scale;
 *   - overdue: open deals whose close date, in the period, is before the as-of day. They are
 *     flagged and counted apart, never in the figures above;
 *   - run-rate: closed plus the days left after the as-of day times the daily rate of won
 *     bookings over the `window` days up to the as-of day (they may reach before the period);
 *   - calls: a rep's or a manager's own number for the period (imported, kind `calls`), commit
 *     or best case, shown beside the computed figures.
 */
#ifndef SPM_PIPELINE_H
#define SPM_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "spm/date.h"
#include "spm/error.h"
#include "spm/money.h"
#include "spm/org.h"
#include "spm/period.h"
#include "spm/store.h"

typedef enum spm_fc_category {
	SPM_FC_PIPELINE,
	SPM_FC_BEST_CASE,
	SPM_FC_COMMIT,
	SPM_FC_CLOSED,
	SPM_FC_OMITTED,
	SPM_FC_COUNT
} spm_fc_category;

/* "pipeline", "best_case", "commit", "closed", "omitted"; parse returns -1 for another word. */
const char *spm_fc_category_name(spm_fc_category c);
int spm_fc_category_parse(const char *word);

typedef struct spm_overdue_deal {
	const char *deal_id, *rep_id, *stage; /* stage may be NULL */
	spm_date close_date;
	spm_money amount; /* the rep's credited share, converted */
	const char *currency;
} spm_overdue_deal;

typedef int (*spm_overdue_fn)(void *ctx, const spm_overdue_deal *d);

typedef struct spm_pipeline_query {
	spm_period period;
	spm_date as_of;        /* any day: before the period nothing is closed or overdue yet */
	int window;            /* run-rate window in days; 0: 90 */
	const char *currency;  /* NULL: the store's base currency */
	spm_rounding mode;     /* 0: half-up */
	unsigned levels;       /* bits 1 << spm_level; 0: rep only */
	spm_org_filter filter; /* rows chosen, figures unchanged */
	spm_overdue_fn
	    overdue; /* optional: called for every overdue credit line, in no set order */
	void *overdue_ctx;
} spm_pipeline_query;

typedef struct spm_pipeline_row {
	spm_level level;
	const char *id, *name;
	spm_money closed, commit, best_case, open_pipeline, omitted; /* cumulative, see above */
	spm_money weighted;
	size_t open_deals; /* credit lines of open deals counted (a split deal once per rep) */
	size_t overdue_deals;
	spm_money overdue;
	spm_money run_rate;
	/* the call imported for it (spm-import calls; a manager's is their rep_id's), converted at
	 * the period's last day: shown beside the computed figures, never in them */
	bool has_call_commit, has_call_best_case;
	spm_money call_commit, call_best_case;
	const char *call_note; /* the commit call's note, else the best case's; or NULL */
	const char *currency;
} spm_pipeline_row;

typedef int (*spm_pipeline_fn)(void *ctx, const spm_pipeline_row *row);

/*
 * Calls fn for every row: levels in enum order, each by id. Reps listed: the individual
 * contributors active in the period or with a figure in it. Returns SPM_OK, fn's or overdue's
 * non-zero return, SPM_EUSAGE (a window below 1),
 * SPM_EDATA (an unknown filter, an exchange rate missing), SPM_ERANGE, or a store failure.
 */
int spm_pipeline(spm_store *st, const spm_pipeline_query *q, spm_pipeline_fn fn, void *ctx,
                 spm_error *err);

/*
 * Keeps q's pipeline (every level, no filter; q's levels and filter are ignored) in the store as a
 * snapshot taken now, as of q->as_of: one row per rep, manager, team, territory and the company.
 * One transaction. Returns SPM_OK with its id and number of rows, or as spm_pipeline, SPM_EBUSY.
 */
int spm_pipeline_snapshot(spm_store *st, const spm_pipeline_query *q, int64_t *snapshot_id,
                          size_t *rows, spm_error *err);

/*
 * How each snapshot of a period forecast what closed. A snapshot's forecast for a rep or group is
 * its commit call when one was imported, else its commit figure (closed + committed, as they
 * stood on its as-of day); the actual is what closed
 * in the period up to `to` (its last day, or earlier for a period still open), computed now, in
 * the snapshots' currency. Per level and id (levels in enum order, ids in byte order): one row per
 * snapshot, oldest first, then a summary (as_of_set false) over them: the mean absolute
 * percentage error and the mean signed one (bias: negative means it under-forecast, as a
 * sandbagger does; positive, over-forecast, as an optimist does).
 */
typedef struct spm_accuracy_row {
	spm_level level;
	const char *id; /* NULL for the company */
	bool summary;
	spm_date as_of; /* a snapshot's; not for a summary */
	int64_t snapshot_id;
	size_t snapshots;   /* a summary: how many */
	spm_money forecast; /* a snapshot's commit; a summary: the latest snapshot's */
	spm_money actual;
	spm_money error;  /* forecast - actual */
	bool pct_defined; /* false when the actual is 0 */
	spm_rate pct;     /* error / actual; a summary: the mean of |error| / actual */
	spm_rate bias;    /* a summary: the mean of error / actual */
	const char *currency;
} spm_accuracy_row;

typedef int (*spm_accuracy_fn)(void *ctx, const spm_accuracy_row *row);

/*
 * Calls fn for every row as described, for the snapshots of `period` in `levels` (0: rep and
 * manager). Returns SPM_OK, fn's return, SPM_EDATA when the period has no snapshot ("no snapshot
 * of 2026-Q3: take one with spm-forecast snapshot"), or as spm_pipeline.
 */
int spm_forecast_accuracy(spm_store *st, const spm_period *period, spm_date to, unsigned levels,
                          spm_accuracy_fn fn, void *ctx, spm_error *err);

/* The steps of a bookings series: calendar months, or ISO weeks (Monday to Sunday). */
typedef enum spm_step { SPM_STEP_MONTH, SPM_STEP_WEEK } spm_step;

/* The first day of the step holding d: the 1st of its month, or the Monday of its week. */
spm_date spm_step_first(spm_step step, spm_date d);

/*
 * Won bookings per step, the series spm-forecast forecasts: the owner and split credit of won
 * deals (a deal counted once), by close date, converted into `currency` (NULL: the store's base)
 * at the close date's rate; out[k] for the k-th month (or ISO week) from the one holding `first`,
 * n steps. Returns SPM_OK, SPM_EDATA (a rate missing), SPM_ERANGE, or a store failure.
 */
int spm_bookings_series(spm_store *st, const char *currency, spm_step step, spm_date first,
                        size_t n, spm_money *out, spm_error *err);

/*
 * The same per rep: calls fn once per rep with any won bookings in the n steps, in byte order of
 * rep ids, with the rep's n sums (valid during the call). Returns SPM_OK, fn's non-zero return,
 * or as spm_bookings_series.
 */
typedef int (*spm_rep_series_fn)(void *ctx, const char *rep_id, const spm_money *steps, size_t n);
int spm_bookings_series_by_rep(spm_store *st, const char *currency, spm_step step, spm_date first,
                               size_t n, spm_rep_series_fn fn, void *ctx, spm_error *err);

/* The close dates of the first and last won deals; *any false when there are none. */
int spm_bookings_span(spm_store *st, spm_date *first, spm_date *last, bool *any, spm_error *err);

#endif
