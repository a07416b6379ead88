/*
 * quota_rows.c - stored quotas lying in a range, and a span's quota made from them.
 */
#include "quota_rows.h"

#include <stdlib.h>
#include <string.h>

#include "stmtutil.h"

static int nomem(spm_error *err)
{
	return spm_error_set(err, SPM_ENOMEM, "out of memory");
}

/*
 * Rows of `sql` (scope, id, first, last, amount, currency; ?1 the key, ?2 and ?3 the range),
 * sorted as spm_quota_rows keeps them.
 */
static int load_rows(spm_store *st, const char *sql, const char *key, spm_date lo, spm_date hi,
                     spm_quota_rows *out, spm_error *err)
{
	spm_stmt *q = NULL;
	size_t cap = 0;
	memset(out, 0, sizeof *out);
	int rc = spm_stmt_prepare(st, &q, sql, err);
	if (rc == SPM_OK && (spm_bind_str(q, 1, key) || spm_bind_date(q, 2, lo) ||
	                     spm_bind_date(q, 3, hi)))
		rc = nomem(err);
	while (rc == SPM_OK && (rc = spm_stmt_step(q, err)) == SPM_ROW) {
		if (out->n == cap) {
			size_t n = cap ? 2 * cap : 256;
			spm_quota_row *r = realloc(out->rows, n * sizeof *r);
			if (!r) {
				rc = nomem(err);
				break;
			}
			out->rows = r;
			cap = n;
		}
		spm_quota_row *r = &out->rows[out->n++];
		memset(r, 0, sizeof *r);
		const char *scope = spm_stmt_text(q, 0, NULL);
		r->scope = strcmp(scope, "team") == 0        ? SPM_QUOTA_SCOPE_TEAM
		           : strcmp(scope, "territory") == 0 ? SPM_QUOTA_SCOPE_TERRITORY
		                                             : SPM_QUOTA_SCOPE_REP;
		r->id = strdup(spm_stmt_text(q, 1, NULL));
		r->currency = spm_stmt_is_null(q, 5) ? NULL : strdup(spm_stmt_text(q, 5, NULL));
		r->amount.units = spm_stmt_int64(q, 4);
		bool has1, has2;
		if (!r->id || (!spm_stmt_is_null(q, 5) && !r->currency))
			rc = nomem(err);
		else if (!(rc = spm_column_date(q, 2, &r->first, &has1, err)))
			rc = spm_column_date(q, 3, &r->last, &has2, err);
	}
	spm_stmt_finalize(q);
	if (rc != SPM_DONE) {
		spm_quota_rows_free(out);
		return rc;
	}
	return SPM_OK;
}

int spm_quota_rows_load(spm_store *st, const char *metric, spm_date lo, spm_date hi,
                        spm_quota_rows *out, spm_error *err)
{
	return load_rows(st,
	                 "SELECT scope, scope_id, period_first, period_last, amount, currency"
	                 " FROM quotas WHERE metric = ?1 AND period_first >= ?2 AND period_last <= ?3"
	                 " ORDER BY scope, scope_id,"
	                 " julianday(period_last) - julianday(period_first) DESC, period_first",
	                 metric, lo, hi, out, err);
}

int spm_budget_rows_load(spm_store *st, const char *category, spm_date lo, spm_date hi,
                         spm_quota_rows *out, spm_error *err)
{
	return load_rows(st,
	                 "SELECT 'team', team, period_first, period_last, amount, currency"
	                 " FROM budgets WHERE category = ?1 AND period_first >= ?2"
	                 " AND period_last <= ?3 ORDER BY team,"
	                 " julianday(period_last) - julianday(period_first) DESC, period_first",
	                 category, lo, hi, out, err);
}

void spm_quota_rows_free(spm_quota_rows *qr)
{
	for (size_t i = 0; i < qr->n; i++) {
		free(qr->rows[i].id);
		free(qr->rows[i].currency);
	}
	free(qr->rows);
	memset(qr, 0, sizeof *qr);
}

static int32_t days(spm_date first, spm_date last)
{
	return spm_date_diff(first, last) + 1;
}

static int convert(const spm_quota_row *r, const spm_period *span, spm_fx *fx,
                   const char *currency, spm_rounding mode, spm_money *out, spm_error *err)
{
	*out = r->amount;
	if (!r->currency || strcmp(r->currency, currency) == 0)
		return SPM_OK;
	return spm_fx_convert(fx, r->amount, r->currency, currency, span->last, mode, out, err);
}

/* m × part / whole, rounded with mode. */
static int share(spm_money m, int64_t part, int64_t whole, spm_rounding mode, spm_money *out,
                 spm_error *err)
{
	if (part == whole) {
		*out = m;
		return SPM_OK;
	}
	if (spm_money_mul_ratio(out, m, (spm_rate){part}, (spm_rate){whole}, mode))
		return spm_error_set(err, SPM_ERANGE, "expected amount out of range");
	return SPM_OK;
}

int spm_quota_rows_span(const spm_quota_rows *qr, size_t a, size_t b, const spm_period *span,
                        spm_date to, bool seasonal, spm_fx *fx, const char *currency,
                        spm_rounding mode, spm_quota_span *out, spm_error *err)
{
	const spm_quota_row *exact = NULL;
	size_t taken[64], ntaken = 0;
	int64_t covered = 0, span_days = days(span->first, span->last);
	int rc;

	memset(out, 0, sizeof *out);
	for (size_t i = a; i < b; i++) {
		const spm_quota_row *r = &qr->rows[i];
		if (r->first.days < span->first.days || r->last.days > span->last.days)
			continue;
		if (r->first.days == span->first.days && r->last.days == span->last.days) {
			exact = r;
			continue;
		}
		bool overlaps = false;
		for (size_t k = 0; k < ntaken && !overlaps; k++) {
			const spm_quota_row *t = &qr->rows[taken[k]];
			overlaps = r->first.days <= t->last.days && t->first.days <= r->last.days;
		}
		if (!overlaps && ntaken < sizeof taken / sizeof *taken) {
			taken[ntaken++] = i;
			covered += days(r->first, r->last);
		}
	}
	bool cover = covered == span_days;
	spm_money shape = {0}, expected = {0};
	for (size_t k = 0; cover && k < ntaken; k++) {
		const spm_quota_row *r = &qr->rows[taken[k]];
		spm_money m, part;
		int64_t on = spm_date_overlap_days(r->first, r->last, span->first, to);
		if ((rc = convert(r, span, fx, currency, mode, &m, err)) ||
		    (rc = share(m, on, days(r->first, r->last), mode, &part, err)))
			return rc;
		if (spm_money_add(&shape, shape, m) || spm_money_add(&expected, expected, part))
			return spm_error_set(err, SPM_ERANGE, "quota sum out of range");
	}
	if (exact) {
		if ((rc = convert(exact, span, fx, currency, mode, &out->quota, err)))
			return rc;
	} else if (cover) {
		out->quota = shape;
	} else {
		return SPM_OK;
	}
	out->has_quota = true;
	int64_t elapsed = spm_date_overlap_days(span->first, span->last, span->first, to);
	if (!seasonal || !cover)
		return share(out->quota, elapsed, span_days, mode, &out->expected, err);
	if (!exact || shape.units == out->quota.units) {
		out->expected = expected;
		return SPM_OK;
	}
	if (shape.units == 0)
		return share(out->quota, elapsed, span_days, mode, &out->expected, err);
	if (spm_money_mul_ratio(&out->expected, expected, (spm_rate){out->quota.units},
	                        (spm_rate){shape.units}, mode))
		return spm_error_set(err, SPM_ERANGE, "expected amount out of range");
	return SPM_OK;
}
