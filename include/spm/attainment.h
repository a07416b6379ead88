/*
 * spm/attainment.h - quota attainment: credited bookings against quota, per rep and rolled up to
 * managers, teams, territories and the company, for a period or to date, with pacing.
 *
 * spm_attainment_ratio() is the one definition of attainment in spm: the commission engine's
 * components and spm-quota's reports both call it. spm_attainment() measures with the credit
 * rules of spm/credit.h, so a rep's credited bookings here are the ones a plan with the same
 * credit rule measures.
 *
 * What is counted (spm-quota(1) explains it to users):
 *   - a rep's credited: every credit line the rule gives the rep (owner, split, overlay);
 *   - a roll-up's credited (manager, team, territory, company): the owner and split lines of the
 *     reps in it, so that a deal counts once however it is split; overlay credit counts for the
 *     overlay rep only. A manager's group is the manager and every rep below; a team's, its reps;
 *     a territory's, the reps of it and of the territories below; the company's, every rep;
 *   - quota of a span (a period from its first day): the stored quota whose period is the span;
 *     else the sum of stored quotas lying within the span, taken longest first without overlap,
 *     when together they cover every day of it (months add up to a quarter). Otherwise none;
 *   - a roll-up's quota: its own stored quota (scope team or territory; for a manager, the
 *     manager's scope-rep quota), else the sum of its individual contributors' quotas. Both are
 *     given, so over-assignment shows;
 *   - amounts in the report currency, converted on the credit's date (quotas on the span's last
 *     day);
 *   - expected (pacing) at the as-of date: the quota times the elapsed share of the span's days
 *     (linear), or by the quota's own seasonality: the span's shorter stored quotas, each elapsed
 *     by its days, scaled to the span's quota (seasonal; linear when there are none).
 */
#ifndef SPM_ATTAINMENT_H
#define SPM_ATTAINMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "spm/date.h"
#include "spm/error.h"
#include "spm/money.h"
#include "spm/org.h"
#include "spm/period.h"
#include "spm/plan.h"
#include "spm/store.h"

/*
 * Attainment: credited / quota at the rate scale, rounded down (99.99999999% never shows as
 * 100%). 0 when the quota is zero or negative. SPM_ERANGE when it does not fit.
 */
int spm_attainment_ratio(spm_money credited, spm_money quota, spm_rate *out, spm_error *err);

typedef enum spm_pacing { SPM_PACING_LINEAR, SPM_PACING_SEASONAL } spm_pacing;

#define SPM_ATTAINMENT_MAX_SPANS 4

typedef struct spm_attainment_query {
	spm_period spans[SPM_ATTAINMENT_MAX_SPANS]; /* each measured from its first day */
	size_t nspans;                              /* 1..SPM_ATTAINMENT_MAX_SPANS */
	spm_date as_of; /* to date: each span ends at the earlier of its last day and as_of */
	const char *metric;   /* the quotas' metric; NULL: "bookings" */
	const char *currency; /* NULL: the store's base currency */
	const spm_plan_credit *rule; /* NULL: won deals by close date to owner, split and overlay */
	spm_rounding mode;           /* conversions and expected; 0: half-up */
	unsigned levels;             /* bits 1 << spm_level; 0: rep only */
	spm_pacing pacing;
	const char *team;      /* only this team's reps and roll-ups; NULL: all */
	const char *territory; /* only reps in this territory (and below); NULL: all */
	const char *rep;       /* only this rep (and the roll-ups holding them); NULL: all */
} spm_attainment_query;

typedef struct spm_attainment_row {
	spm_level level;
	const char *id;   /* NULL for the company */
	const char *name; /* NULL when the store has none */
	size_t span;      /* index into the query's spans */
	spm_date from, to;
	size_t reps;       /* individual contributors in it active in the span (1 for a rep) */
	spm_money credited;
	size_t deals;      /* won deals credited as owner or split (a group: its reps' lines, so a
	                      deal split between two of its reps counts twice) */
	spm_money largest; /* the largest of those credits; 0 without deals */
	bool has_quota;
	spm_money quota;
	bool quota_set;        /* the roll-up's own stored quota (not the sum) */
	bool has_reps_quota;   /* roll-ups: some IC in it has a quota */
	spm_money reps_quota;  /* roll-ups: the sum of its ICs' quotas */
	spm_rate attainment;   /* credited / quota (spm_attainment_ratio) */
	spm_money gap;         /* quota - credited; negative above quota */
	spm_money expected;    /* where it should be at `to` */
	spm_rate pace;         /* credited / expected; 0 when expected is 0 */
	const char *currency;
} spm_attainment_row;

typedef int (*spm_attainment_fn)(void *ctx, const spm_attainment_row *row);

/*
 * Calls fn for every row: levels in enum order; within a level by id (byte order); per id the
 * spans in query order. Reps listed are the individual contributors active in a span, or with a
 * credit or a quota in it; roll-ups are listed whenever they exist (a territory without reps
 * gives zeros). Returns SPM_OK, fn's non-zero return, SPM_EUSAGE (no spans, a span after as_of),
 * SPM_EDATA (an exchange rate missing; an unknown team, territory or rep filter:
 * "no team 'X' in the store"), SPM_ERANGE, or a store failure.
 */
int spm_attainment(spm_store *st, const spm_attainment_query *q, spm_attainment_fn fn, void *ctx,
                   spm_error *err);

#endif
