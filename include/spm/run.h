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
#include "spm/pipeline.h"
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
 * Runs the plans for `period`, which must be of each plan's own kind; plans not in effect in the
 * period are left out (versions of a plan: each file in effect for its dates), and when none is,
 * the run is refused.
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

/* One rep's pay in one currency under two sets of plans: what-if on history. */
typedef struct spm_whatif_row {
	const char *rep_id;
	const char *currency;
	spm_money old_pay; /* every line the old plans pay over the span */
	spm_money new_pay;
	spm_money diff; /* new - old */
} spm_whatif_row;

typedef int (*spm_whatif_fn)(void *ctx, const spm_whatif_row *row);

/*
 * Pays `plans` and then `against` over every period of the plans' kind within `span` (a period of
 * that kind or a coarser one: a year of quarterly plans is its four quarters), in order, each as
 * a dry run that sees the previous ones (true-ups, draws, carried pay), without keeping anything
 * and whether or not the periods are closed; a plan pays only the periods it is in effect in.
 * Calls fn per rep and currency, in rep order. Returns SPM_OK; SPM_EUSAGE when the plans are of
 * different period kinds or the span is finer than they pay; as spm_run otherwise.
 */
int spm_simulate(spm_store *st, const spm_run_plan *plans, size_t nplans,
                 const spm_run_plan *against, size_t nagainst, const spm_period *span,
                 spm_whatif_fn fn, void *ctx, spm_error *err);

/*
 * The commission cost of a forecast for `period`: what the plans pay as things stand (old_pay)
 * and if the forecast lands (new_pay): every open deal with an amount expected to close in the
 * period from `as_of` on (close date from the later of as_of and the period's first day to its
 * last day) in the categories `scenario` names (SPM_FC_COMMIT: commit; SPM_FC_BEST_CASE: commit
 * and best case; SPM_FC_PIPELINE: every open category but omitted; a deal's category is its own,
 * else its stage's, else pipeline) taken as won on its close date. Both are dry runs of the
 * engine that pays, nothing is kept. Calls fn per rep and currency, in rep order; diff is the
 * forecast's cost. Returns as spm_simulate, and SPM_EUSAGE for another scenario.
 */
int spm_forecast_cost(spm_store *st, const spm_run_plan *plans, size_t nplans,
                      const spm_period *period, spm_date as_of, spm_fc_category scenario,
                      spm_whatif_fn fn, void *ctx, spm_error *err);

typedef struct spm_solve_result {
	const char *component; /* the component more sales are credited to (the plan's) */
	spm_money earned;      /* what the rep earns for the period now */
	bool reachable;        /* false: no amount of sales earns the payout (caps) */
	spm_money more;        /* the least more credited sales, to the cent, that earn it */
	bool has_next_tier;
	spm_money to_next_tier; /* more credited sales that reach the component's next tier */
	spm_money next_tier_earned; /* what the rep earns there */
} spm_solve_result;

/*
 * The reverse of a run: how much more rep_id must be credited in `component` (NULL: the plan's
 * first component measured in money) during `period` to earn `payout` under `plan` -- earned
 * meaning commissions, bonuses, overrides, caps and clawbacks, before draws and carried pay --
 * and how much more reaches the component's next tier. Computed by dry runs of the one rep,
 * searching on the amount (pay never falls as sales rise unless the plan says so; where it does,
 * the least amount found by bisection is reported). Returns SPM_OK; SPM_EUSAGE for an unknown
 * component or a plan with none measured in money; SPM_EDATA for a rep not on the plan in the
 * period; as spm_run otherwise.
 */
int spm_solve(spm_store *st, const spm_run_plan *plan, const spm_period *period,
              const char *rep_id, const char *component, spm_money payout,
              spm_solve_result *out, spm_error *err);

#endif
