/*
 * quota_rows.h (private) - the stored quotas of one metric lying in a date range, and the quota of
 * a span made from them (spm/attainment.h describes the rule to users).
 */
#ifndef SPM_LIB_QUOTA_ROWS_H
#define SPM_LIB_QUOTA_ROWS_H

#include <stdbool.h>
#include <stddef.h>

#include "spm/date.h"
#include "spm/error.h"
#include "spm/fx.h"
#include "spm/money.h"
#include "spm/period.h"
#include "spm/store.h"

typedef enum spm_quota_scope {
	SPM_QUOTA_SCOPE_REP,
	SPM_QUOTA_SCOPE_TEAM,
	SPM_QUOTA_SCOPE_TERRITORY
} spm_quota_scope;

typedef struct spm_quota_row {
	spm_quota_scope scope;
	char *id;
	spm_date first, last;
	spm_money amount;
	char *currency; /* NULL: the report's */
} spm_quota_row;

/* Sorted by scope, id, then the longest period first, then the earliest. */
typedef struct spm_quota_rows {
	spm_quota_row *rows;
	size_t n;
} spm_quota_rows;

/* The quotas of `metric` whose periods lie within [lo, hi]. */
int spm_quota_rows_load(spm_store *st, const char *metric, spm_date lo, spm_date hi,
                        spm_quota_rows *out, spm_error *err);
/* The budgets of `category` whose periods lie within [lo, hi]: scope team, id the team ("" for the
 * whole company's). */
int spm_budget_rows_load(spm_store *st, const char *category, spm_date lo, spm_date hi,
                         spm_quota_rows *out, spm_error *err);
void spm_quota_rows_free(spm_quota_rows *qr);

typedef struct spm_quota_span {
	bool has_quota;
	spm_money quota;
	spm_money expected; /* at `to` */
} spm_quota_span;

/*
 * The quota of span (rows[a..b), one scope's rows) in `currency`, and where the scope should be
 * at `to`: linear, or (seasonal) by the span's shorter rows when they cover it.
 */
int spm_quota_rows_span(const spm_quota_rows *qr, size_t a, size_t b, const spm_period *span,
                        spm_date to, bool seasonal, spm_fx *fx, const char *currency,
                        spm_rounding mode, spm_quota_span *out, spm_error *err);

#endif
