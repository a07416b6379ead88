/*
 * budget.c - a period's budgets per team (see spm/budget.h): the stored rows lying in the period,
 * each team's made into the period's by the rule quotas follow (quota_rows.c).
 */
#include "spm/budget.h"

#include <stdlib.h>
#include <string.h>

#include "quota_rows.h"
#include "spm/fx.h"

int spm_budgets(spm_store *st, const spm_budget_query *q, spm_budget_fn fn, void *ctx,
                spm_error *err)
{
	spm_quota_rows rows = {0};
	spm_fx *fx = NULL;
	int rc = spm_budget_rows_load(st, q->category ? q->category : "commission", q->period.first,
	                              q->period.last, &rows, err);
	if (!rc)
		rc = spm_fx_open(&fx, st, err);
	const char *currency = fx ? (q->currency ? q->currency : spm_fx_base(fx)) : NULL;
	/* a budget without a currency is in the store's base currency (spm-import(1)) */
	for (size_t i = 0; !rc && i < rows.n; i++)
		if (!rows.rows[i].currency && !(rows.rows[i].currency = strdup(spm_fx_base(fx))))
			rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
	for (size_t a = 0, b; !rc && a < rows.n; a = b) {
		for (b = a + 1; b < rows.n && strcmp(rows.rows[a].id, rows.rows[b].id) == 0; b++)
			;
		spm_quota_span span;
		if ((rc = spm_quota_rows_span(&rows, a, b, &q->period, q->period.last, false, fx,
		                              currency, SPM_ROUND_HALF_UP, &span, err)))
			break;
		if (span.has_quota)
			rc = fn(ctx, &(spm_budget_row){rows.rows[a].id, span.quota, currency});
	}
	spm_fx_close(fx);
	spm_quota_rows_free(&rows);
	return rc;
}
