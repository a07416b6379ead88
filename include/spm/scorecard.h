/*
 * spm/scorecard.h - every rep's measures for one period, read once: the numbers spm-report ranks,
 * compares and charts.
 *
 * A rep's bookings, deals and attainment are the rep rows of spm_attainment (spm/attainment.h),
 * so they are the numbers spm-quota and the commission engine give; activities are the
 * activities dated in the period (spm/activity.h); the payout is the sum of the lines of the runs
 * that pay the period (spm_runs_within: its own current run, or those of the periods within it),
 * converted into the report's currency at the last day of the period each run pays. Amounts are
 * exact (spm_money); nothing here uses floating point.
 */
#ifndef SPM_SCORECARD_H
#define SPM_SCORECARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spm/date.h"
#include "spm/error.h"
#include "spm/money.h"
#include "spm/org.h"
#include "spm/period.h"
#include "spm/store.h"

/* What a report can rank reps by. */
typedef enum spm_stat {
	SPM_STAT_BOOKINGS,   /* credited won bookings */
	SPM_STAT_DEALS,      /* won deals credited as owner or split */
	SPM_STAT_ATTAINMENT, /* bookings / quota; none without a quota */
	SPM_STAT_PAYOUT,     /* the period's commission run; none without one */
	SPM_STAT_LARGEST,    /* the largest deal credited */
	SPM_STAT_ACTIVITIES, /* every activity */
	SPM_STAT_CALLS,
	SPM_STAT_EMAILS,
	SPM_STAT_MEETINGS,
	SPM_STAT_WEBINARS,
	SPM_STAT_DEMOS,
	SPM_STAT_COUNT
} spm_stat;

/* What a measure's key counts: money units (bookings, payout, largest), rate units (attainment), or
 * whole things (deals, activities). */
typedef enum spm_stat_unit { SPM_UNIT_MONEY, SPM_UNIT_RATE, SPM_UNIT_COUNT } spm_stat_unit;
spm_stat_unit spm_stat_unit_of(spm_stat m);

/* "bookings", "deals", ..., "demos"; "?" for a value that is none. */
const char *spm_stat_name(spm_stat m);
/* The measure named `name`, or -1. */
int spm_stat_parse(const char *name);

/* The activity kinds counted apart, in this order: call, email, meeting, webinar, demo. */
#define SPM_SCORECARD_KINDS 5

typedef struct spm_scorecard_query {
	spm_level level; /* whose rows: reps (the default, 0), managers, teams, territories or the
	                    company; a group's activities and payout are its reps' sums */
	spm_period period;
	spm_date as_of;        /* to this day (0: the period's last day); not before its first */
	const char *currency;  /* NULL: the store's base currency */
	const char *team;      /* only this team's reps; NULL: all */
	const char *territory; /* only reps in this territory and below; NULL: all */
	const char *rep;       /* only this rep; NULL: all */
	bool activities;       /* read the activities too */
	bool payouts;          /* read the period's commission run too */
} spm_scorecard_query;

typedef struct spm_scorecard_row {
	char *id;   /* the rep, manager, team or territory; NULL for the company */
	char *name; /* or NULL */
	char *team; /* a rep's team, or NULL (and for groups) */
	char *role; /* a rep's role, or NULL (and for groups) */
	size_t reps; /* a group's individual contributors active in the period; 1 for a rep */
	spm_money bookings;
	size_t deals;
	spm_money largest;
	bool has_quota;
	spm_money quota;
	spm_rate attainment;                   /* valid with has_quota */
	int64_t activity[SPM_SCORECARD_KINDS]; /* by kind, with the query's activities */
	int64_t activities;                    /* every kind, task and other included */
	bool has_payout;                       /* the run pays the rep */
	spm_money payout;
} spm_scorecard_row;

typedef struct spm_scorecard {
	spm_scorecard_row *rows; /* by id, byte order (as spm_attainment lists them) */
	size_t n;
	char currency[16];
	bool has_run; /* a commission run pays the period (with the query's payouts) */
} spm_scorecard;

/*
 * Fills *out with a row for each rep or group spm_attainment lists at the query's level for the
 * period to as_of (reps: individual contributors active in it, or with a credit or quota in it;
 * filters choose reps, and the groups holding them).
 * Returns SPM_OK, or as spm_attainment (SPM_EDATA for an unknown filter or a missing rate),
 * SPM_ERANGE, SPM_ENOMEM or a store failure; *out is then empty. Release with spm_scorecard_free.
 */
int spm_scorecard_read(spm_store *st, const spm_scorecard_query *q, spm_scorecard *out,
                       spm_error *err);
void spm_scorecard_free(spm_scorecard *sc);

/* The row of id (NULL: the company's row), found by binary search, or NULL when sc has none. */
const spm_scorecard_row *spm_scorecard_find(const spm_scorecard *sc, const char *id);

/*
 * A row's measure as an exact integer for ranking: money and rates in their units, counts as they
 * are. *has false when the row has none (attainment without a quota, payout without a run).
 */
int64_t spm_scorecard_key(const spm_scorecard_row *r, spm_stat m, bool *has);

#endif
