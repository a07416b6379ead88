/*
 * snapshot.c - forecast snapshots: the pipeline of a period kept as it stood on a day, and later
 * held against what closed (see spm/pipeline.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spm/fx.h"
#include "spm/pipeline.h"
#include "stmtutil.h"
#include "util.h"

static int nomem(spm_error *err)
{
	return spm_error_set(err, SPM_ENOMEM, "out of memory");
}

typedef struct snap {
	spm_stmt *ins;
	int64_t id;
	size_t rows;
	spm_error *err;
} snap;

static int snap_row(void *ctx, const spm_pipeline_row *r)
{
	snap *s = ctx;
	spm_stmt *q = s->ins;
	spm_stmt_reset(q);
	spm_stmt_clear_bindings(q);
	if (spm_stmt_bind_int64(q, 1, s->id) || spm_bind_str(q, 2, spm_level_name(r->level)) ||
	    spm_bind_str(q, 3, r->id ? r->id : "") || spm_stmt_bind_int64(q, 4, r->closed.units) ||
	    spm_stmt_bind_int64(q, 5, r->commit.units) ||
	    spm_stmt_bind_int64(q, 6, r->best_case.units) ||
	    spm_stmt_bind_int64(q, 7, r->open_pipeline.units) ||
	    spm_stmt_bind_int64(q, 8, r->weighted.units) ||
	    spm_stmt_bind_int64(q, 9, r->run_rate.units) ||
	    spm_stmt_bind_int64(q, 10, r->overdue.units) ||
	    (r->has_call_commit ? spm_stmt_bind_int64(q, 11, r->call_commit.units)
	                        : spm_stmt_bind_null(q, 11)) ||
	    (r->has_call_best_case ? spm_stmt_bind_int64(q, 12, r->call_best_case.units)
	                           : spm_stmt_bind_null(q, 12)))
		return nomem(s->err);
	int rc = spm_stmt_step(q, s->err);
	if (rc != SPM_DONE)
		return rc;
	s->rows++;
	return SPM_OK;
}

int spm_pipeline_snapshot(spm_store *st, const spm_pipeline_query *q, int64_t *snapshot_id,
                          size_t *rows, spm_error *err)
{
	char name[SPM_PERIOD_BUFSZ];
	spm_stmt *head = NULL;
	spm_fx *fx = NULL;
	snap s = {.err = err};
	spm_pipeline_query all = *q;
	int rc;

	all.levels = (1u << SPM_LEVEL_COUNT) - 1;
	memset(&all.filter, 0, sizeof all.filter);
	all.overdue = NULL;
	if ((rc = spm_fx_open(&fx, st, err)))
		return rc;
	all.currency = q->currency ? q->currency : spm_fx_base(fx);
	spm_period_format(name, sizeof name, &q->period);
	if ((rc = spm_store_begin(st, err))) {
		spm_fx_close(fx);
		return rc;
	}
	rc = spm_stmt_prepare(st, &head,
	                      "INSERT INTO forecast_snapshots (taken_at, as_of, period, period_first,"
	                      " period_last, currency) VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
	                      " ?1, ?2, ?3, ?4, ?5) RETURNING snapshot_id",
	                      err);
	if (!rc && (spm_bind_date(head, 1, q->as_of) || spm_bind_str(head, 2, name) ||
	            spm_bind_date(head, 3, q->period.first) ||
	            spm_bind_date(head, 4, q->period.last) || spm_bind_str(head, 5, all.currency)))
		rc = nomem(err);
	if (!rc && (rc = spm_stmt_step(head, err)) == SPM_ROW) {
		s.id = spm_stmt_int64(head, 0);
		rc = SPM_OK;
	}
	spm_stmt_finalize(head);
	if (!rc)
		rc = spm_stmt_prepare(st, &s.ins,
		                      "INSERT INTO forecast_snapshot_rows (snapshot_id, level, scope_id,"
		                      " closed, commit_amount, best_case, open_pipeline, weighted,"
		                      " run_rate, overdue, call_commit, call_best_case) VALUES (?1, ?2,"
		                      " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
		                      err);
	if (!rc)
		rc = spm_pipeline(st, &all, snap_row, &s, err);
	spm_stmt_finalize(s.ins);
	spm_fx_close(fx);
	if (!rc)
		rc = spm_store_commit(st, err);
	if (rc) {
		spm_store_rollback(st);
		return rc;
	}
	*snapshot_id = s.id;
	*rows = s.rows;
	return SPM_OK;
}

/* ---- accuracy ------------------------------------------------------------------------------- */

typedef struct actual {
	int level;
	char *id; /* "" for the company */
	spm_money closed;
} actual;

typedef struct actuals {
	actual *a;
	size_t n, cap;
	spm_error *err;
} actuals;

static int keep_actual(void *ctx, const spm_pipeline_row *r)
{
	actuals *x = ctx;
	if (x->n == x->cap) {
		size_t n = x->cap ? 2 * x->cap : 256;
		actual *a = realloc(x->a, n * sizeof *a);
		if (!a)
			return nomem(x->err);
		x->a = a;
		x->cap = n;
	}
	if (!(x->a[x->n].id = strdup(r->id ? r->id : "")))
		return nomem(x->err);
	x->a[x->n].level = (int)r->level;
	x->a[x->n++].closed = r->closed;
	return SPM_OK;
}

static spm_money actual_of(const actuals *x, int level, const char *id)
{
	/* rows come per level in id order: bisect within the level */
	size_t lo = 0, hi = x->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = x->a[mid].level != level ? (x->a[mid].level < level ? -1 : 1)
		                                 : strcmp(x->a[mid].id, id);
		if (c == 0)
			return x->a[mid].closed;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (spm_money){0};
}

/* The running summary of one level and id. */
typedef struct summary {
	int level;
	char *id;
	size_t n, defined;
	int64_t abs_sum, signed_sum; /* rate units */
	spm_money last_forecast, actual;
} summary;

static int emit_summary(const summary *m, const char *currency, spm_accuracy_fn fn, void *ctx)
{
	spm_accuracy_row row = {
	    .level = (spm_level)m->level,
	    .id = m->level == SPM_LEVEL_COMPANY ? NULL : m->id,
	    .summary = true,
	    .snapshots = m->n,
	    .forecast = m->last_forecast,
	    .actual = m->actual,
	    .pct_defined = m->defined > 0,
	    .currency = currency,
	};
	row.error.units = m->last_forecast.units - m->actual.units;
	if (m->defined) {
		row.pct.units = m->abs_sum / (int64_t)m->defined;
		row.bias.units = m->signed_sum / (int64_t)m->defined;
	}
	return fn(ctx, &row);
}

int spm_forecast_accuracy(spm_store *st, const spm_period *period, spm_date to, unsigned levels,
                          spm_accuracy_fn fn, void *ctx, spm_error *err)
{
	char name[SPM_PERIOD_BUFSZ], currency[8] = "";
	spm_stmt *q = NULL;
	actuals x = {.err = err};
	summary m = {.level = -1};
	int rc;

	if (!levels)
		levels = 1u << SPM_LEVEL_REP | 1u << SPM_LEVEL_MANAGER;
	spm_period_format(name, sizeof name, period);
	/* the snapshots' currency, which the actuals are computed in */
	rc = spm_stmt_prepare(st, &q,
	                      "SELECT min(currency), max(currency) FROM forecast_snapshots"
	                      " WHERE period_first = ?1 AND period_last = ?2",
	                      err);
	if (!rc && (spm_bind_date(q, 1, period->first) || spm_bind_date(q, 2, period->last)))
		rc = nomem(err);
	if (!rc && (rc = spm_stmt_step(q, err)) == SPM_ROW) {
		rc = SPM_OK;
		if (spm_stmt_is_null(q, 0))
			rc = spm_error_set(err, SPM_EDATA,
			                   "no snapshot of %s: take one with spm-forecast snapshot", name);
		else if (strcmp(spm_stmt_text(q, 0, NULL), spm_stmt_text(q, 1, NULL)) != 0)
			rc = spm_error_set(err, SPM_EDATA, "the snapshots of %s are in %s and %s", name,
			                   spm_stmt_text(q, 0, NULL), spm_stmt_text(q, 1, NULL));
		else
			snprintf(currency, sizeof currency, "%s", spm_stmt_text(q, 0, NULL));
	}
	spm_stmt_finalize(q);
	q = NULL;
	if (rc)
		return rc;

	spm_pipeline_query pq = {.period = *period,
	                         .as_of = to.days < period->last.days ? to : period->last,
	                         .currency = currency,
	                         .levels = levels};
	if ((rc = spm_pipeline(st, &pq, keep_actual, &x, err)))
		goto done;

	rc = spm_stmt_prepare(
	    st, &q,
	    "SELECT CASE r.level WHEN 'rep' THEN 0 WHEN 'manager' THEN 1 WHEN 'team' THEN 2"
	    " WHEN 'territory' THEN 3 ELSE 4 END AS l, r.scope_id, s.snapshot_id, s.as_of,"
	    " coalesce(r.call_commit, r.commit_amount) FROM forecast_snapshot_rows r"
	    " JOIN forecast_snapshots s"
	    " ON s.snapshot_id = r.snapshot_id WHERE s.period_first = ?1 AND s.period_last = ?2"
	    " ORDER BY l, r.scope_id, s.as_of, s.snapshot_id",
	    err);
	if (!rc && (spm_bind_date(q, 1, period->first) || spm_bind_date(q, 2, period->last)))
		rc = nomem(err);
	while (!rc && (rc = spm_stmt_step(q, err)) == SPM_ROW) {
		rc = SPM_OK;
		int level = (int)spm_stmt_int64(q, 0);
		const char *id = spm_stmt_text(q, 1, NULL);
		bool has;
		if (!(levels & (1u << level)))
			continue;
		if (m.level >= 0 && (m.level != level || strcmp(m.id, id) != 0)) {
			rc = emit_summary(&m, currency, fn, ctx);
			free(m.id);
			m.id = NULL;
			m.level = -1;
			if (rc)
				break;
		}
		if (m.level < 0) {
			memset(&m, 0, sizeof m);
			m.level = level;
			if (!(m.id = strdup(id))) {
				rc = nomem(err);
				break;
			}
			m.actual = actual_of(&x, level, id);
		}
		spm_accuracy_row row = {
		    .level = (spm_level)level,
		    .id = level == SPM_LEVEL_COMPANY ? NULL : id,
		    .snapshot_id = spm_stmt_int64(q, 2),
		    .forecast = {spm_stmt_int64(q, 4)},
		    .actual = m.actual,
		    .currency = currency,
		};
		if ((rc = spm_column_date(q, 3, &row.as_of, &has, err)))
			break;
		if (spm_money_sub(&row.error, row.forecast, row.actual)) {
			rc = spm_error_set(err, SPM_ERANGE, "forecast error out of range");
			break;
		}
		row.pct_defined = row.actual.units != 0;
		if (row.pct_defined && spm_rate_ratio(&row.pct, row.error, row.actual,
		                                      SPM_ROUND_HALF_UP)) {
			rc = spm_error_set(err, SPM_ERANGE, "forecast error out of range");
			break;
		}
		m.n++;
		m.last_forecast = row.forecast;
		if (row.pct_defined) {
			m.defined++;
			m.signed_sum += row.pct.units;
			m.abs_sum += row.pct.units < 0 ? -row.pct.units : row.pct.units;
		}
		rc = fn(ctx, &row);
	}
	if (rc == SPM_DONE)
		rc = m.level >= 0 ? emit_summary(&m, currency, fn, ctx) : SPM_OK;
done:
	free(m.id);
	spm_stmt_finalize(q);
	for (size_t i = 0; i < x.n; i++)
		free(x.a[i].id);
	free(x.a);
	return rc;
}
