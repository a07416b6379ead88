/*
 * spm/run.h - a commission run: every assigned rep's pay for one period under the given plans,
 * kept in the store as a run with its payout lines, the credits behind them and the ledger.
 *
 * A run is one transaction: it replaces the period's previous run, or leaves everything as it was.
 * It refuses a closed period. For each plan, the reps assigned to it during the period (a "seat":
 * the days the rep is on the plan) are paid per component on what they were credited while on the
 * plan (spm/credit.h), in the plan's currency (spm/fx.h), through the plan's threshold, rate, table
 * or curve, multiplier and caps (pay.h), cumulatively with a true-up when the plan evaluates to
 * date; then per rep: bonuses, overrides, the plan's cap, clawbacks of cancelled deals, and the
 * settlement of negative pay and draws against the ledger. spm-plan(5) documents the order. Every
 * line carries its explanation as JSON, and every credit that fed a line is kept.
 */
#ifndef SPM_RUN_H
#define SPM_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "spm/error.h"
#include "spm/money.h"
#include "spm/period.h"
#include "spm/plan.h"
#include "spm/store.h"

typedef struct spm_run_plan {
	const spm_plan *plan;
	const char *text; /* the plan file as read: kept in the store by its SHA-256 */
	size_t len;
} spm_run_plan;

typedef struct spm_payout {
	const char *rep_id;
	const char *plan;      /* NULL for an imported adjustment */
	const char *component; /* the component, bonus or override; NULL for the rep's own lines */
	const char *kind;      /* commission, bonus, override, cap, clawback, carry, draw, recovery,
	                          settlement, adjustment, rounding */
	int64_t credits; /* credit lines that made the base */
	spm_money base;  /* credited, in the plan's currency */
	bool has_quota;
	spm_money quota;
	spm_rate attainment; /* base / quota, rounded down; 0 without a quota */
	spm_money earned;    /* by the rate or table, before the cap */
	spm_money cut;       /* taken off by the cap */
	spm_money pay;       /* paid: earned - cut, rounded as the plan says */
	const char *currency;
	const char *reference; /* what the line refers to (a deal, a period), or NULL */
	const char *reason;    /* why the line is there, for the rep, or NULL */
	const char *explain;   /* JSON object */
} spm_payout;

/* Called for each payout line, in plan, rep, component order; a non-zero return stops the run. */
typedef int (*spm_payout_fn)(void *ctx, const spm_payout *line);

typedef struct spm_run_summary {
	int64_t run_id;
	int64_t lines;
	char inputs_hash[65]; /* SHA-256 of the plans and every input the run read */
} spm_run_summary;

/*
 * Runs the plans for `period` (a period of each plan's own kind, while the plan is effective).
 * Returns SPM_OK; SPM_ECONFIG for a plan that cannot run this period; SPM_EDATA for data the run
 * cannot use (a closed period, a missing quota or exchange rate); store failures. On failure the
 * store is as it was.
 */
int spm_run(spm_store *st, const spm_run_plan *plans, size_t nplans, const spm_period *period,
            spm_payout_fn fn, void *ctx, spm_run_summary *sum, spm_error *err);

/*
 * As spm_run, but nothing is kept: the run is computed inside a transaction that is rolled back,
 * so its lines are exactly those spm_run would store (sum->run_id is then 0). A closed period may
 * be dry-run: nothing changes.
 */
int spm_run_dry(spm_store *st, const spm_run_plan *plans, size_t nplans, const spm_period *period,
                spm_payout_fn fn, void *ctx, spm_run_summary *sum, spm_error *err);

#endif
