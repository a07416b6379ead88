/*
 * spm/quota.h - quota planning: ramps and proration of one rep's quota, top-down allocation of a
 * target over the organisation and its sub-periods, and the capacity check. spm-quota(1) is the
 * user's description; this header states the contracts.
 *
 * Allocation (spm_quota_allocate): the total is split over the groups of the chosen level (teams,
 * territories or managers; or straight over the reps), each group's part over its individual
 * contributors active in the period (see spm/org.h), times 1 + the over-assignment, and every
 * unit's part over the sub-periods by the seasonality. Every split is spm_allocate's largest
 * remainder at the chosen decimal places, so the parts add up to the whole exactly. Then each
 * rep's sub-period quota is ramped and prorated (spm_quota_adjust); the rep's quota for the
 * whole period is the sum of its sub-periods' (so a ramped rep's parts no longer add up to the
 * full quota, and the line's note says why).
 *
 * Weights by method, for a rep and for a group (the sum of its reps' unless said otherwise):
 *   even:      1 per rep (a group weighs its head count);
 *   history:   the rep's credited bookings (won deals, owner and split credit, by close date) in
 *              the same period a year before (last-year) or in the twelve months before the
 *              period (ttm), converted to the allocation's currency on each deal's date;
 *   potential: a numeric attribute of the rep (a territory's own attribute, when allocating by
 *              territory and every territory has it);
 *   weights:   given in percent per group and per rep; each level's given weights add up to
 *              100 (groups not given weigh their head count, and a group whose reps are not
 *              given splits evenly).
 */
#ifndef SPM_QUOTA_H
#define SPM_QUOTA_H

#include <stdbool.h>
#include <stddef.h>

#include "spm/attainment.h"
#include "spm/date.h"
#include "spm/error.h"
#include "spm/money.h"
#include "spm/period.h"
#include "spm/plan.h"
#include "spm/store.h"

#define SPM_RAMP_MAX 36

/* A ramp: the share of the full quota in month 1, 2, ... of tenure; 100% after the last step. */
typedef struct spm_ramp {
	spm_rate steps[SPM_RAMP_MAX];
	size_t n;
} spm_ramp;

/*
 * Parses "25,50,75" or "25%,50%,75%" (percent, each 0..100). SPM_EDATA with the step's number and
 * text for a bad step, more than SPM_RAMP_MAX steps, or an empty list.
 */
int spm_ramp_parse(spm_ramp *out, const char *text, spm_error *err);

/*
 * Reads a ramp file's text (len bytes, named `source` in messages), YAML:
 *     ramp: [25%, 50%, 75%]      # or 25, 50, 75: percent
 *     prorate: months            # optional: days, months or none
 * (*prorate is left as it was when the key is absent). Errors are SPM_ECONFIG, located at
 * source:line:col.
 */
int spm_ramp_read(spm_ramp *out, spm_plan_proration *prorate, const char *source, const char *text,
                  size_t len, spm_error *err);

/*
 * A rep's quota for one period (`full` is the unramped, unprorated quota), ramped and prorated.
 * Each month of the period has a ramp step: the ramp's step for the month's place in the rep's
 * tenure (month 1 is the month of the hire date, or by whole months the next one for a hire after
 * the 15th; no hire date: fully ramped). By `prorate` the result is full times:
 *   days:   Σ over the months of step × days employed in the month, / the period's days (a rep
 *           without a ramp gets days employed / days, as the commission engine prorates);
 *   months: Σ over the months employed on their 15th of step, / the period's months (the
 *           commission engine's rule);
 *   none:   Σ over all the months of step, / the period's months (no proration; ramps still
 *           apply);
 * rounded half-up to `places` decimals. `note` (may be NULL) receives, when the result differs
 * from full, why: "full 20000; hired 2026-03-01; prorated by whole months; by month: 2026-01 0%,
 * 2026-02 0%", else "". Returns SPM_OK, SPM_ERANGE.
 */
int spm_quota_adjust(spm_money full, const spm_period *period, bool has_hire, spm_date hire,
                     bool has_end, spm_date end, const spm_ramp *ramp, spm_plan_proration prorate,
                     int places, spm_money *out, char *note, size_t note_size, spm_error *err);

/*
 * The mean of the months' factors above, as a rate rounded half-up at the rate scale: the rep's
 * ramped full-time equivalent over the period (1 for a rep fully ramped and employed throughout).
 */
int spm_quota_fte(const spm_period *period, bool has_hire, spm_date hire, bool has_end,
                  spm_date end, const spm_ramp *ramp, spm_plan_proration prorate, spm_rate *out,
                  spm_error *err);

typedef enum spm_alloc_method {
	SPM_ALLOC_EVEN,
	SPM_ALLOC_HISTORY,
	SPM_ALLOC_POTENTIAL,
	SPM_ALLOC_WEIGHTS
} spm_alloc_method;

typedef enum spm_history_basis { SPM_HISTORY_LAST_YEAR, SPM_HISTORY_TTM } spm_history_basis;

typedef struct spm_weight {
	const char *id;   /* a group (team, territory, manager) or a rep */
	spm_rate percent; /* 25 means 25% */
} spm_weight;

typedef struct spm_allocation {
	spm_period period;
	spm_money total;
	int places; /* 0..4 */
	spm_level by; /* SPM_LEVEL_TEAM, _TERRITORY, _MANAGER, or _REP (no groups) */
	spm_alloc_method method;
	spm_history_basis history;
	const char *attribute;     /* potential */
	const spm_weight *weights; /* method weights */
	size_t nweights;
	spm_rate over; /* over-assignment: 0.1 makes each group's reps carry 110% of it */
	bool split;    /* quotas per sub-period too */
	spm_period_kind sub;
	const spm_rate *season; /* percent per sub-period; NULL: even (unless season_history) */
	size_t nseason;
	bool season_history; /* learned from last year's bookings by sub-period */
	spm_ramp ramp;
	spm_plan_proration prorate;
	const char *metric;   /* NULL: "bookings" */
	const char *currency; /* NULL: the store's base currency */
} spm_allocation;

typedef struct spm_quota_line {
	spm_level level;   /* SPM_LEVEL_REP for reps; the allocation's `by` for groups */
	const char *scope; /* "rep", "team" or "territory" (a manager's line is scope rep) */
	const char *id;
	const spm_period *period;
	spm_money amount;
	spm_money full;    /* before ramp and proration */
	const char *note;  /* "" or why amount differs from full */
	const char *metric, *currency;
} spm_quota_line;

typedef int (*spm_quota_line_fn)(void *ctx, const spm_quota_line *line);

/*
 * Allocates as described above and calls fn for every line: the groups first, then the reps,
 * each by id, each unit's whole period then its sub-periods in order. Nothing is written to the
 * store. Returns SPM_OK, fn's non-zero return, or SPM_EDATA with one line saying what is wrong:
 * no active reps, a rep without a group at the level, an unknown id in the weights, weights not
 * adding up to 100, seasonality of the wrong length or not adding up to 100, a negative total,
 * a ramp longer than the period, no history or potential to weigh by; SPM_EUSAGE for a
 * sub-period kind not finer than the period; store failures.
 */
int spm_quota_allocate(spm_store *st, const spm_allocation *a, spm_quota_line_fn fn, void *ctx,
                       spm_error *err);

typedef struct spm_capacity {
	spm_period period;
	spm_level by; /* the groups reported besides the reps and the company */
	spm_ramp ramp;
	spm_plan_proration prorate;
	bool has_productivity;
	spm_money productivity; /* bookings of one fully ramped rep over the whole period */
	spm_history_basis history; /* else measured: see spm-quota(1) */
	bool has_target;
	spm_money target; /* the company's; else the stored quotas' */
	const char *metric, *currency;
} spm_capacity;

typedef struct spm_capacity_row {
	spm_level level;
	const char *id; /* NULL for the company */
	size_t headcount;
	spm_rate fte;             /* ramped full-time equivalents */
	spm_money productivity;   /* per fully ramped rep */
	spm_money capacity;       /* what they can be expected to book */
	bool has_target;
	spm_money target;
	spm_money gap;            /* target - capacity */
	spm_rate coverage;        /* capacity / target */
	const char *currency;
} spm_capacity_row;

typedef int (*spm_capacity_fn)(void *ctx, const spm_capacity_row *row);

/*
 * The capacity check: per rep, group and the company. Returns SPM_OK, fn's return, SPM_EDATA
 * (no active reps; no fully ramped rep in the history to measure productivity from), store
 * failures.
 */
int spm_quota_capacity(spm_store *st, const spm_capacity *c, spm_capacity_fn fn, void *ctx,
                       spm_error *err);

#endif
