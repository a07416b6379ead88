/*
 * spm/run.h - a commission run: every assigned rep's pay for one period under the given plans,
 * kept in the store as a run with its payout lines.
 *
 * A run is one transaction: it replaces the period's previous run, or leaves everything as it was.
 * It refuses a closed period. For each plan, the reps assigned to it during the period are paid per
 * component on the deals credited to them (spm/credit.h) while on the plan, converted into the
 * plan's currency at the rate of each deal's date (spm/fx.h), through the component's rate or rate
 * table (spm/rates.h), cut by its cap, and rounded as the plan says. Every line carries its
 * explanation (the base, quota, attainment, tier steps, cap and rounding) as JSON.
 *
 * Not run yet, and refused with a message: cumulative evaluation (quarter- or year-to-date),
 * rounding on the total. Quotas are read in the plan's currency, and are not prorated.
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
	const char *plan;
	const char *component;
	int64_t credits; /* credit lines that made the base */
	spm_money base;  /* credited, in the plan's currency */
	bool has_quota;
	spm_money quota;
	spm_rate attainment; /* base / quota, rounded down; 0 without a quota */
	spm_money earned;    /* by the rate or table, before the cap */
	spm_money cut;       /* taken off by the cap */
	spm_money pay;       /* paid: earned - cut, rounded as the plan says */
	const char *currency;
	const char *explain; /* JSON object */
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

#endif
