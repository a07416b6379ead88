/*
 * spm/budget.h - the budgets of a period (spm-import budgets), per team and for the whole company,
 * to hold what was paid against them (spm-report budget).
 *
 * A team's budget for a period is its stored budget of exactly that period; else the sum of its
 * stored budgets of shorter periods lying within it, taken longest first without overlap, when
 * together they cover every day of it (three monthly budgets make a quarter's); else it has none.
 * That is the rule quotas follow (spm/attainment.h). Amounts are converted into the report's
 * currency at the period's last day; nothing here uses floating point.
 */
#ifndef SPM_BUDGET_H
#define SPM_BUDGET_H

#include "spm/error.h"
#include "spm/money.h"
#include "spm/period.h"
#include "spm/store.h"

typedef struct spm_budget_query {
	spm_period period;
	const char *category; /* NULL: "commission" */
	const char *currency; /* NULL: the store's base currency */
} spm_budget_query;

typedef struct spm_budget_row {
	const char *team; /* a team; "" for the budget of the whole company */
	spm_money amount;
	const char *currency;
} spm_budget_row;

/* Called per row; strings valid during the call. A non-zero return stops. */
typedef int (*spm_budget_fn)(void *ctx, const spm_budget_row *row);

/*
 * Calls fn for every team with a budget for the period, and for the company's own budget (team
 * ""), in byte order of the team ("" first). Returns SPM_OK, fn's return, SPM_EDATA (a missing
 * exchange rate), SPM_ERANGE, SPM_ENOMEM or a store failure.
 */
int spm_budgets(spm_store *st, const spm_budget_query *q, spm_budget_fn fn, void *ctx,
                spm_error *err);

#endif
