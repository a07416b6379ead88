/*
 * payouts.c - readers over a stored commission run (see spm/payouts.h): the run's facts, its lines
 * and their credits, explanations unfolded, the payroll sums by pay code, the HTML statement, and
 * closing a period. Only the stored rows are read: a statement stays what was paid even after the
 * inputs changed.
 *
 * Explanations are unfolded with the store's JSON functions (json_each: SQLite-only, marked), so
 * no second JSON parser is needed here. Sums are exact: every addition is checked for overflow.
 */
#include "spm/payouts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spm/html.h"
#include "stmtutil.h"
#include "util.h"

static int oom(spm_error *err)
{
	return spm_error_set(err, SPM_ENOMEM, "out of memory");
}

/* Column text, or NULL for SQL NULL. */
static const char *text_or_null(spm_stmt *s, int col)
{
	return spm_stmt_is_null(s, col) ? NULL : spm_stmt_text(s, col, NULL);
}

static void copy_col(char *dst, size_t size, spm_stmt *s, int col)
{
	snprintf(dst, size, "%s", spm_stmt_text(s, col, NULL));
}

static int prepare_period(spm_store *st, spm_stmt **s, const char *sql, const spm_period *period,
                          char name[SPM_PERIOD_BUFSZ], spm_error *err)
{
	int rc;
	spm_period_format(name, SPM_PERIOD_BUFSZ, period);
	if ((rc = spm_stmt_prepare(st, s, sql, err)))
		return rc;
	char first[SPM_DATE_BUFSZ], last[SPM_DATE_BUFSZ];
	size_t nf = spm_date_format(first, sizeof first, period->first);
	size_t nl = spm_date_format(last, sizeof last, period->last);
	/* ?1 its first day, ?2 its last: a period is found by its days, whatever its name */
	if (spm_stmt_bind_text(*s, 1, first, nf) || spm_stmt_bind_text(*s, 2, last, nl)) {
		spm_stmt_finalize(*s);
		*s = NULL;
		return oom(err);
	}
	return SPM_OK;
}

int spm_runs_within(spm_store *st, const spm_period *period, spm_run_span *runs, size_t cap,
                    size_t *n, spm_error *err)
{
	char name[SPM_PERIOD_BUFSZ];
	spm_stmt *s = NULL;
	*n = 0;
	/* each period's current run, the longest periods first, then the earliest */
	int rc = prepare_period(st, &s,
	                        "SELECT max(run_id), period_first, period_last FROM runs"
	                        " WHERE period_first >= ?1 AND period_last <= ?2"
	                        " GROUP BY period_first, period_last"
	                        " ORDER BY julianday(period_last) - julianday(period_first) DESC,"
	                        " period_first",
	                        period, name, err);
	while (rc == SPM_OK && (rc = spm_stmt_step(s, err)) == SPM_ROW) {
		spm_date first, last;
		bool has1, has2, overlaps = false;
		if ((rc = spm_column_date(s, 1, &first, &has1, err)) ||
		    (rc = spm_column_date(s, 2, &last, &has2, err)))
			break;
		for (size_t k = 0; k < *n && !overlaps; k++)
			overlaps = first.days <= runs[k].last.days && runs[k].first.days <= last.days;
		if (overlaps)
			continue;
		if (*n == cap) {
			rc = spm_error_set(err, SPM_ERANGE, "%s holds more than %zu runs", name, *n);
			break;
		}
		runs[(*n)++] = (spm_run_span){spm_stmt_int64(s, 0), first, last};
	}
	spm_stmt_finalize(s);
	return rc == SPM_DONE ? SPM_OK : rc;
}

void spm_run_info_release(spm_run_info *info)
{
	if (!info)
		return;
	for (size_t i = 0; i < info->nplans; i++) {
		free(info->plans[i].name);
		free(info->plans[i].source);
	}
	free(info->plans);
	memset(info, 0, sizeof *info);
}

static int read_run_plans(spm_store *st, spm_run_info *info, spm_error *err)
{
	spm_stmt *s = NULL;
	size_t cap = 0;
	int rc = spm_stmt_prepare(st, &s,
	                          "SELECT p.plan_hash, p.name, p.source FROM run_plans rp"
	                          " JOIN plans p ON p.plan_hash = rp.plan_hash"
	                          " WHERE rp.run_id = ?1 ORDER BY p.name, p.plan_hash",
	                          err);
	if (rc)
		return rc;
	if (spm_stmt_bind_int64(s, 1, info->run_id)) {
		spm_stmt_finalize(s);
		return oom(err);
	}
	while ((rc = spm_stmt_step(s, err)) == SPM_ROW) {
		if (info->nplans == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			spm_run_plan_ref *p = realloc(info->plans, ncap * sizeof *p);
			if (!p) {
				rc = oom(err);
				break;
			}
			info->plans = p;
			cap = ncap;
		}
		spm_run_plan_ref *ref = &info->plans[info->nplans];
		copy_col(ref->hash, sizeof ref->hash, s, 0);
		ref->name = strdup(spm_stmt_text(s, 1, NULL));
		ref->source = strdup(spm_stmt_text(s, 2, NULL));
		if (!ref->name || !ref->source) {
			free(ref->name);
			free(ref->source);
			rc = oom(err);
			break;
		}
		info->nplans++;
	}
	spm_stmt_finalize(s);
	return rc == SPM_DONE ? SPM_OK : rc;
}

int spm_run_info_read(spm_store *st, const spm_period *period, spm_run_info *out, spm_error *err)
{
	char name[SPM_PERIOD_BUFSZ];
	spm_stmt *s = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	rc = prepare_period(st, &s,
	                    "SELECT r.run_id, r.period_first, r.period_last, r.inputs_hash,"
	                    " r.started_at, r.finished_at, l.closed_at FROM runs r"
	                    " LEFT JOIN period_locks l ON l.period_first = r.period_first"
	                    " AND l.period_last = r.period_last"
	                    " WHERE r.period_first = ?1 AND r.period_last = ?2"
	                    " ORDER BY r.run_id DESC LIMIT 1",
	                    period, name, err);
	if (rc)
		return rc;
	rc = spm_stmt_step(s, err);
	if (rc == SPM_ROW) {
		out->run_id = spm_stmt_int64(s, 0);
		snprintf(out->period, sizeof out->period, "%s", name);
		copy_col(out->first, sizeof out->first, s, 1);
		copy_col(out->last, sizeof out->last, s, 2);
		copy_col(out->inputs_hash, sizeof out->inputs_hash, s, 3);
		copy_col(out->started_at, sizeof out->started_at, s, 4);
		copy_col(out->finished_at, sizeof out->finished_at, s, 5);
		out->closed = !spm_stmt_is_null(s, 6);
		copy_col(out->closed_at, sizeof out->closed_at, s, 6);
		rc = SPM_OK;
	} else if (rc == SPM_DONE) {
		rc = spm_error_set(err, SPM_EDATA, "period %s has no run: run it first", name);
	}
	spm_stmt_finalize(s);
	if (rc == SPM_OK)
		rc = read_run_plans(st, out, err);
	if (rc)
		spm_run_info_release(out);
	return rc;
}

int spm_period_is_closed(spm_store *st, const spm_period *period, bool *closed, spm_error *err)
{
	char name[SPM_PERIOD_BUFSZ];
	spm_stmt *s = NULL;
	int rc = prepare_period(st, &s, "SELECT count(*) FROM period_locks WHERE period_first = ?1"
	                        " AND period_last = ?2",
	                        period, name, err);
	if (rc)
		return rc;
	if ((rc = spm_stmt_step(s, err)) == SPM_ROW) {
		*closed = spm_stmt_int64(s, 0) > 0;
		rc = SPM_OK;
	}
	spm_stmt_finalize(s);
	return rc;
}

int spm_period_close(spm_store *st, const spm_period *period, int64_t *run_id, spm_error *err)
{
	char name[SPM_PERIOD_BUFSZ];
	spm_stmt *s = NULL;
	int64_t id = 0;
	bool closed = false;
	int rc;

	if ((rc = spm_store_begin(st, err)))
		return rc;
	/* the check and the lock in one write transaction: two closes cannot both pass */
	if ((rc = spm_period_is_closed(st, period, &closed, err)))
		goto fail;
	spm_period_format(name, sizeof name, period);
	if (closed) {
		rc = spm_error_set(err, SPM_EDATA, "period %s is already closed", name);
		goto fail;
	}
	if ((rc = prepare_period(st, &s,
	                         "SELECT run_id FROM runs WHERE period_first = ?1"
	                         " AND period_last = ?2"
	                         " ORDER BY run_id DESC LIMIT 1",
	                         period, name, err)))
		goto fail;
	rc = spm_stmt_step(s, err);
	if (rc == SPM_ROW)
		id = spm_stmt_int64(s, 0);
	spm_stmt_finalize(s);
	s = NULL;
	if (rc == SPM_DONE) {
		rc = spm_error_set(err, SPM_EDATA, "period %s has no run: run it first", name);
		goto fail;
	}
	if (rc < 0)
		goto fail;
	if ((rc = prepare_period(st, &s,
	                         "INSERT INTO period_locks(period, period_first, period_last, run_id,"
	                         " closed_at) SELECT period, period_first, period_last, run_id,"
	                         " strftime('%Y-%m-%dT%H:%M:%SZ', 'now')" /* SQLite */
	                         " FROM runs WHERE run_id = ?3",
	                         period, name, err)))
		goto fail;
	if (spm_stmt_bind_int64(s, 3, id)) {
		rc = oom(err);
		goto fail;
	}
	if ((rc = spm_stmt_step(s, err)) < 0)
		goto fail;
	spm_stmt_finalize(s);
	s = NULL;
	if ((rc = spm_store_commit(st, err)))
		goto fail;
	if (run_id)
		*run_id = id;
	return SPM_OK;
fail:
	spm_stmt_finalize(s);
	spm_store_rollback(st);
	return rc;
}

int spm_rep_lookup(spm_store *st, const char *rep_id, char **name, spm_error *err)
{
	spm_stmt *s = NULL;
	int rc;

	if (name)
		*name = NULL;
	if ((rc = spm_stmt_prepare(st, &s, "SELECT name FROM reps WHERE rep_id = ?1", err)))
		return rc;
	if (spm_bind_str(s, 1, rep_id)) {
		spm_stmt_finalize(s);
		return oom(err);
	}
	rc = spm_stmt_step(s, err);
	if (rc == SPM_ROW) {
		rc = SPM_OK;
		if (name && !spm_stmt_is_null(s, 0) && !(*name = strdup(spm_stmt_text(s, 0, NULL))))
			rc = oom(err);
	} else if (rc == SPM_DONE) {
		char q[SPM_QUOTE_BUFSZ];
		rc = spm_error_set(err, SPM_EDATA, "unknown rep %s",
		                   spm_quote(q, sizeof q, rep_id ? rep_id : "", rep_id ? strlen(rep_id) : 0));
	}
	spm_stmt_finalize(s);
	return rc;
}

int spm_payout_lines_each(spm_store *st, int64_t run_id, const char *rep_id,
                          spm_payout_line_fn fn, void *ctx, spm_error *err)
{
	spm_stmt *s = NULL;
	int rc;

	/* a line written before lines carried the plan's name finds it by the plan's hash */
	rc = spm_stmt_prepare(
	    st, &s,
	    "SELECT l.line_id, l.rep_id, r.name, l.plan_hash, coalesce(l.plan, p.name),"
	    " l.component, l.kind, l.amount, l.currency, l.base, l.earned, l.reference, l.reason,"
	    " l.explain FROM payout_lines l"
	    " LEFT JOIN reps r ON r.rep_id = l.rep_id"
	    " LEFT JOIN plans p ON p.plan_hash = l.plan_hash"
	    " WHERE l.run_id = ?1 AND (?2 IS NULL OR l.rep_id = ?2)"
	    " ORDER BY l.rep_id, coalesce(l.plan, p.name) IS NULL, coalesce(l.plan, p.name),"
	    " l.line_id, l.kind",
	    err);
	if (rc)
		return rc;
	if (spm_stmt_bind_int64(s, 1, run_id) || spm_bind_str(s, 2, rep_id)) {
		spm_stmt_finalize(s);
		return oom(err);
	}
	while ((rc = spm_stmt_step(s, err)) == SPM_ROW) {
		spm_payout_line l = {0};
		l.line_id = spm_stmt_int64(s, 0);
		l.rep_id = spm_stmt_text(s, 1, NULL);
		l.rep_name = text_or_null(s, 2);
		l.plan_hash = text_or_null(s, 3);
		l.plan = text_or_null(s, 4);
		l.component = text_or_null(s, 5);
		l.kind = spm_stmt_text(s, 6, NULL);
		l.amount.units = spm_stmt_int64(s, 7);
		l.currency = spm_stmt_text(s, 8, NULL);
		l.has_base = !spm_stmt_is_null(s, 9);
		l.base.units = spm_stmt_int64(s, 9);
		l.has_earned = !spm_stmt_is_null(s, 10);
		l.earned.units = spm_stmt_int64(s, 10);
		l.reference = text_or_null(s, 11);
		l.reason = text_or_null(s, 12);
		l.explain = text_or_null(s, 13);
		if ((rc = fn(ctx, &l)))
			break;
	}
	spm_stmt_finalize(s);
	return rc == SPM_DONE ? SPM_OK : rc;
}

/*
 * The credits of one line, from the JSON array the run wrote with it (payout_lines.credits:
 * [component, deal_id, role, via_rep, share, date, amount, currency, converted] each). SQLite's
 * json_each and json_extract, marked: a server backend unpacks the same array its own way.
 */
static int prepare_credits(spm_store *st, spm_stmt **s, const char *select, const char *order,
                           const spm_payout_line *line, const char *deal_id, spm_error *err)
{
	char sql[1024];
	int rc;
	snprintf(sql, sizeof sql,
	         "SELECT %s FROM (SELECT json_extract(j.value, '$[1]') AS deal_id," /* SQLite */
	         " json_extract(j.value, '$[2]') AS role, json_extract(j.value, '$[4]') AS share,"
	         " json_extract(j.value, '$[5]') AS date, json_extract(j.value, '$[6]') AS amount,"
	         " json_extract(j.value, '$[7]') AS currency,"
	         " json_extract(j.value, '$[8]') AS converted"
	         " FROM payout_lines l, json_each(l.credits) j WHERE l.line_id = ?1)"
	         " WHERE ?2 IS NULL OR deal_id = ?2%s",
	         select, order);
	if ((rc = spm_stmt_prepare(st, s, sql, err)))
		return rc;
	if (spm_stmt_bind_int64(*s, 1, line->line_id) || spm_bind_str(*s, 2, deal_id)) {
		spm_stmt_finalize(*s);
		*s = NULL;
		return oom(err);
	}
	return SPM_OK;
}

int spm_payout_credits_each(spm_store *st, const spm_payout_line *line, const char *deal_id,
                            spm_payout_credit_fn fn, void *ctx, spm_error *err)
{
	spm_stmt *s = NULL;
	int rc;

	if ((rc = prepare_credits(st, &s,
	                          "deal_id, role, share, date, amount, currency, converted",
	                          " ORDER BY date, deal_id, role", line, deal_id, err)))
		return rc;
	while ((rc = spm_stmt_step(s, err)) == SPM_ROW) {
		spm_payout_credit c;
		c.deal_id = spm_stmt_text(s, 0, NULL);
		c.role = spm_stmt_text(s, 1, NULL);
		c.share.units = spm_stmt_int64(s, 2);
		c.date = spm_stmt_text(s, 3, NULL);
		c.amount.units = spm_stmt_int64(s, 4);
		c.currency = spm_stmt_text(s, 5, NULL);
		c.converted.units = spm_stmt_int64(s, 6);
		if ((rc = fn(ctx, &c)))
			break;
	}
	spm_stmt_finalize(s);
	return rc == SPM_DONE ? SPM_OK : rc;
}

int spm_payout_line_has_deal(spm_store *st, const spm_payout_line *line, const char *deal_id,
                             bool *fed, spm_error *err)
{
	spm_stmt *s = NULL;
	int rc;

	*fed = false;
	if (line->reference) {
		size_t n = strlen(line->reference), d = strlen(deal_id);
		if (strcmp(line->reference, deal_id) == 0 ||
		    (n > d && line->reference[n - d - 1] == ':' &&
		     strcmp(line->reference + n - d, deal_id) == 0)) {
			*fed = true;
			return SPM_OK;
		}
	}
	if ((rc = prepare_credits(st, &s, "count(*)", "", line, deal_id, err)))
		return rc;
	if ((rc = spm_stmt_step(s, err)) == SPM_ROW) {
		*fed = spm_stmt_int64(s, 0) > 0;
		rc = SPM_OK;
	}
	spm_stmt_finalize(s);
	return rc;
}

/* The text of a json_each row's value (columns: key, type, value). */
static const char *json_value_text(spm_stmt *s)
{
	const char *type = spm_stmt_text(s, 1, NULL);
	if (strcmp(type, "true") == 0 || strcmp(type, "false") == 0 || strcmp(type, "null") == 0)
		return type;
	return spm_stmt_text(s, 2, NULL);
}

/* One element of "steps": its members, read with a json_each of its own. */
static int explain_step(spm_stmt *members, const char *elem, int index, spm_buf *text,
                        spm_explain_fn fn, void *ctx, spm_error *err)
{
	enum { TIER, BASE, RATE, PAY, NFIELDS };
	static const char *const names[NFIELDS] = {"tier", "base", "rate", "pay"};
	char *fields[NFIELDS] = {NULL, NULL, NULL, NULL};
	int rc;

	spm_buf_clear(text);
	spm_stmt_reset(members);
	if (spm_stmt_bind_text(members, 1, elem, strlen(elem)))
		return oom(err);
	while ((rc = spm_stmt_step(members, err)) == SPM_ROW) {
		const char *key = spm_stmt_text(members, 0, NULL);
		const char *value = json_value_text(members);
		if (spm_buf_printf(text, "%s%s %s", text->len ? ", " : "", key, value)) {
			rc = oom(err);
			break;
		}
		for (int f = 0; f < NFIELDS; f++)
			if (!fields[f] && strcmp(key, names[f]) == 0 && !(fields[f] = strdup(value)))
				rc = oom(err);
		if (rc < 0)
			break;
	}
	if (rc == SPM_DONE) {
		spm_explain_entry e = {"step",      text->data ? text->data : "", index,
		                       fields[TIER], fields[BASE],                 fields[RATE],
		                       fields[PAY]};
		rc = fn(ctx, &e);
	}
	for (int f = 0; f < NFIELDS; f++)
		free(fields[f]);
	return rc;
}

int spm_explain_each(spm_store *st, const char *explain, spm_explain_fn fn, void *ctx,
                     spm_error *err)
{
	/* json_each: SQLite-only (a server backend has its own JSON functions) */
	static const char each_sql[] = "SELECT key, type, value FROM json_each(?1)";
	spm_stmt *check = NULL, *top = NULL, *elems = NULL, *members = NULL;
	spm_buf text = {0};
	int rc;

	if (!explain || !*explain)
		return SPM_OK;
	if ((rc = spm_stmt_prepare(st, &check,
	                           "SELECT CASE WHEN json_valid(?1) THEN json_type(?1) END", err)) ||
	    (rc = spm_stmt_prepare(st, &top, each_sql, err)) ||
	    (rc = spm_stmt_prepare(st, &elems, each_sql, err)) ||
	    (rc = spm_stmt_prepare(st, &members, each_sql, err)))
		goto out;
	if (spm_stmt_bind_text(check, 1, explain, strlen(explain)) ||
	    spm_stmt_bind_text(top, 1, explain, strlen(explain))) {
		rc = oom(err);
		goto out;
	}
	if ((rc = spm_stmt_step(check, err)) < 0)
		goto out;
	if (rc != SPM_ROW || strcmp(spm_stmt_text(check, 0, NULL), "object") != 0) {
		rc = spm_error_set(err, SPM_EDATA, "explanation is not a JSON object");
		goto out;
	}
	while ((rc = spm_stmt_step(top, err)) == SPM_ROW) {
		const char *key = spm_stmt_text(top, 0, NULL);
		const char *type = spm_stmt_text(top, 1, NULL);
		if (strcmp(key, "steps") != 0 || strcmp(type, "array") != 0) {
			spm_explain_entry e = {key, json_value_text(top), 0, NULL, NULL, NULL, NULL};
			if ((rc = fn(ctx, &e)))
				break;
			continue;
		}
		const char *steps = spm_stmt_text(top, 2, NULL);
		spm_stmt_reset(elems);
		if (spm_stmt_bind_text(elems, 1, steps, strlen(steps))) {
			rc = oom(err);
			break;
		}
		int index = 0;
		while ((rc = spm_stmt_step(elems, err)) == SPM_ROW) {
			index++;
			if (strcmp(spm_stmt_text(elems, 1, NULL), "object") == 0) {
				rc = explain_step(members, spm_stmt_text(elems, 2, NULL), index, &text,
				                  fn, ctx, err);
			} else {
				spm_explain_entry e = {"step", json_value_text(elems), index,
				                       NULL,   NULL,                   NULL,
				                       NULL};
				rc = fn(ctx, &e);
			}
			if (rc)
				break;
		}
		if (rc != SPM_DONE)
			break;
	}
	if (rc == SPM_DONE)
		rc = SPM_OK;
out:
	spm_buf_free(&text);
	spm_stmt_finalize(check);
	spm_stmt_finalize(top);
	spm_stmt_finalize(elems);
	spm_stmt_finalize(members);
	return rc;
}

/* Pay codes in their payroll order, and the kinds that map to each. */
static const struct {
	const char *kind;
	int order;
	const char *code;
} pay_codes[] = {
    {"commission", 0, "COMMISSION"},  {"cap", 0, "COMMISSION"},
    {"bonus", 1, "BONUS"},            {"override", 2, "OVERRIDE"},
    {"adjustment", 3, "ADJUSTMENT"},  {"restatement", 3, "ADJUSTMENT"},
    {"clawback", 4, "CLAWBACK"},      {"carry", 5, "CARRY"},
    {"draw", 6, "DRAW"},              {"recovery", 7, "DRAW_RECOVERY"},
    {"settlement", 8, "SETTLEMENT"},
};

static int pay_code_index(const char *kind)
{
	for (size_t i = 0; i < sizeof pay_codes / sizeof pay_codes[0]; i++)
		if (strcmp(pay_codes[i].kind, kind) == 0)
			return (int)i;
	return -1;
}

const char *spm_pay_code(const char *kind)
{
	int i = kind ? pay_code_index(kind) : -1;
	return i < 0 ? NULL : pay_codes[i].code;
}

/* A rep's sums, flushed when the next rep's lines begin. */
typedef struct payroll_sum {
	int order;
	const char *code;
	char currency[16];
	spm_money amount;
} payroll_sum;

typedef struct payroll {
	spm_payroll_fn fn;
	void *ctx;
	spm_error *err;
	char *rep_id, *name;
	payroll_sum *sums;
	size_t n, cap;
} payroll;

static int payroll_flush(payroll *p)
{
	int rc = SPM_OK;
	for (size_t i = 0; i < p->n && rc == SPM_OK; i++) {
		spm_payroll_row row = {p->rep_id, p->name, p->sums[i].code, p->sums[i].amount,
		                       p->sums[i].currency};
		rc = p->fn(p->ctx, &row);
	}
	p->n = 0;
	return rc;
}

static int payroll_line(void *ctx, const spm_payout_line *l)
{
	payroll *p = ctx;
	int idx = pay_code_index(l->kind), rc;
	char q[SPM_QUOTE_BUFSZ];

	if (idx < 0)
		return spm_error_set(p->err, SPM_EDATA, "line %lld: kind %s has no pay code",
		                     (long long)l->line_id, spm_quote(q, sizeof q, l->kind, strlen(l->kind)));
	if (strlen(l->currency) >= sizeof p->sums[0].currency)
		return spm_error_set(p->err, SPM_EDATA, "line %lld: not a currency: %s",
		                     (long long)l->line_id,
		                     spm_quote(q, sizeof q, l->currency, strlen(l->currency)));
	if (!p->rep_id || strcmp(p->rep_id, l->rep_id) != 0) {
		if (p->rep_id && (rc = payroll_flush(p)))
			return rc;
		free(p->rep_id);
		free(p->name);
		p->rep_id = strdup(l->rep_id);
		p->name = l->rep_name ? strdup(l->rep_name) : NULL;
		if (!p->rep_id || (l->rep_name && !p->name))
			return oom(p->err);
	}
	int order = pay_codes[idx].order;
	size_t at = 0;
	/* kept sorted by pay code order, then currency */
	for (; at < p->n; at++) {
		int c = p->sums[at].order - order;
		if (c == 0)
			c = strcmp(p->sums[at].currency, l->currency);
		if (c == 0) {
			if (spm_money_add(&p->sums[at].amount, p->sums[at].amount, l->amount))
				return spm_error_set(p->err, SPM_ERANGE, "rep %s: %s in %s out of range",
				                     spm_quote(q, sizeof q, l->rep_id, strlen(l->rep_id)),
				                     pay_codes[idx].code, l->currency);
			return SPM_OK;
		}
		if (c > 0)
			break;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		payroll_sum *s = realloc(p->sums, cap * sizeof *s);
		if (!s)
			return oom(p->err);
		p->sums = s;
		p->cap = cap;
	}
	memmove(p->sums + at + 1, p->sums + at, (p->n - at) * sizeof *p->sums);
	p->sums[at].order = order;
	p->sums[at].code = pay_codes[idx].code;
	snprintf(p->sums[at].currency, sizeof p->sums[at].currency, "%s", l->currency);
	p->sums[at].amount = l->amount;
	p->n++;
	return SPM_OK;
}

int spm_payroll_each(spm_store *st, int64_t run_id, spm_payroll_fn fn, void *ctx, spm_error *err)
{
	payroll p = {fn, ctx, err, NULL, NULL, NULL, 0, 0};
	int rc = spm_payout_lines_each(st, run_id, NULL, payroll_line, &p, err);
	if (rc == SPM_OK)
		rc = payroll_flush(&p);
	free(p.rep_id);
	free(p.name);
	free(p.sums);
	return rc;
}

int spm_totals_add(spm_totals *t, const char *currency, spm_money amount, spm_error *err)
{
	char q[SPM_QUOTE_BUFSZ];
	size_t at = 0;
	if (strlen(currency) >= sizeof t->items[0].currency)
		return spm_error_set(err, SPM_EDATA, "not a currency: %s",
		                     spm_quote(q, sizeof q, currency, strlen(currency)));
	for (; at < t->n; at++) {
		int c = strcmp(t->items[at].currency, currency);
		if (c == 0) {
			if (spm_money_add(&t->items[at].amount, t->items[at].amount, amount))
				return spm_error_set(err, SPM_ERANGE, "total in %s out of range",
				                     currency);
			return SPM_OK;
		}
		if (c > 0)
			break;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4;
		spm_total *items = realloc(t->items, cap * sizeof *items);
		if (!items)
			return oom(err);
		t->items = items;
		t->cap = cap;
	}
	memmove(t->items + at + 1, t->items + at, (t->n - at) * sizeof *t->items);
	snprintf(t->items[at].currency, sizeof t->items[at].currency, "%s", currency);
	t->items[at].amount = amount;
	t->n++;
	return SPM_OK;
}

void spm_totals_clear(spm_totals *t)
{
	t->n = 0;
}

void spm_totals_release(spm_totals *t)
{
	if (!t)
		return;
	free(t->items);
	memset(t, 0, sizeof *t);
}

static void html_text(FILE *fp, const char *s)
{
	if (s)
		spm_html_escape(fp, s, strlen(s));
}

static void html_money(FILE *fp, spm_money m)
{
	char v[SPM_NUM_BUFSZ];
	spm_money_format(v, sizeof v, m, 2);
	fputs(v, fp);
}

static const char html_head[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
    " style-src 'unsafe-inline'\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>Commission statement ";
static const char html_style[] =
    "</title>\n"
    "<style>\n"
    "body { font: 11pt/1.4 sans-serif; color: #111; margin: 2em; }\n"
    "h1 { font-size: 16pt; margin: 0 0 .6em; }\n"
    "table { border-collapse: collapse; margin: 0 0 1.2em; }\n"
    "th, td { padding: .25em .6em; text-align: left; vertical-align: top; }\n"
    "table.lines { width: 100%; }\n"
    "table.lines thead th { border-bottom: 1px solid #111; }\n"
    "table.lines tbody td { border-bottom: 1px solid #ddd; }\n"
    "table.lines tfoot th, table.lines tfoot td { border-top: 2px solid #111; font-weight: bold; }\n"
    "table.facts th { font-weight: normal; color: #555; padding-left: 0; }\n"
    ".num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }\n"
    ".hash { font-family: monospace; font-size: 9pt; word-break: break-all; }\n"
    ".none { color: #555; font-style: italic; }\n"
    ".page + .page { break-before: page; page-break-before: always; margin-top: 2em; }\n"
    "@media print { body { margin: 0; } @page { margin: 15mm; } }\n"
    "</style>\n"
    "</head>\n"
    "<body>\n";

typedef struct statement {
	FILE *fp;
	spm_store *st;
	const spm_run_info *run;
	spm_error *err;
	char *rep_id; /* the page open, or NULL */
	spm_totals totals;
	size_t lines;
} statement;

static void html_fact(FILE *fp, const char *name, const char *value, const char *cls)
{
	fprintf(fp, "<tr><th>%s</th><td%s%s%s>", name, cls ? " class=\"" : "", cls ? cls : "",
	        cls ? "\"" : "");
	html_text(fp, value);
	fputs("</td></tr>\n", fp);
}

static void page_open(statement *s, const char *rep_id, const char *name)
{
	FILE *fp = s->fp;
	const spm_run_info *run = s->run;
	char num[24];
	fputs("<section class=\"page\">\n<h1>Commission statement</h1>\n<table class=\"facts\">\n",
	      fp);
	html_fact(fp, "Rep", rep_id, NULL);
	html_fact(fp, "Name", name ? name : "", NULL);
	fputs("<tr><th>Period</th><td>", fp);
	html_text(fp, run->period);
	fputs(" (", fp);
	html_text(fp, run->first);
	fputs(" to ", fp);
	html_text(fp, run->last);
	fputs(")</td></tr>\n", fp);
	fputs("<tr><th>Status</th><td>", fp);
	if (run->closed) {
		fputs("closed ", fp);
		html_text(fp, run->closed_at);
	} else {
		fputs("open: may still change", fp);
	}
	fputs("</td></tr>\n", fp);
	snprintf(num, sizeof num, "%lld", (long long)run->run_id);
	html_fact(fp, "Run", num, NULL);
	html_fact(fp, "Finished", run->finished_at, NULL);
	html_fact(fp, "Inputs", run->inputs_hash, "hash");
	for (size_t i = 0; i < run->nplans; i++) {
		fputs("<tr><th>Plan</th><td>", fp);
		html_text(fp, run->plans[i].name);
		fputs(" <span class=\"hash\">", fp);
		html_text(fp, run->plans[i].hash);
		fputs("</span></td></tr>\n", fp);
	}
	fputs("</table>\n<table class=\"lines\">\n<thead><tr><th>Kind</th><th>Plan</th>"
	      "<th>Component</th><th class=\"num\">Base</th><th class=\"num\">Amount</th>"
	      "<th>Currency</th><th>Reference</th><th>Reason</th></tr></thead>\n<tbody>\n",
	      fp);
}

static void page_close(statement *s)
{
	FILE *fp = s->fp;
	if (s->lines == 0)
		fputs("<tr><td class=\"none\" colspan=\"8\">No lines in this run.</td></tr>\n", fp);
	fputs("</tbody>\n<tfoot>\n", fp);
	for (size_t i = 0; i < s->totals.n; i++) {
		fputs("<tr><th colspan=\"4\">Total</th><td class=\"num\">", fp);
		html_money(fp, s->totals.items[i].amount);
		fputs("</td><td>", fp);
		html_text(fp, s->totals.items[i].currency);
		fputs("</td><td colspan=\"2\"></td></tr>\n", fp);
	}
	fputs("</tfoot>\n</table>\n</section>\n", fp);
	spm_totals_clear(&s->totals);
	s->lines = 0;
}

static int statement_line(void *ctx, const spm_payout_line *l)
{
	statement *s = ctx;
	FILE *fp = s->fp;
	int rc;

	if (!s->rep_id || strcmp(s->rep_id, l->rep_id) != 0) {
		if (s->rep_id)
			page_close(s);
		free(s->rep_id);
		if (!(s->rep_id = strdup(l->rep_id)))
			return oom(s->err);
		page_open(s, l->rep_id, l->rep_name);
	}
	/* the total adds the amounts as printed: they are stored rounded, and printed exactly */
	if ((rc = spm_totals_add(&s->totals, l->currency, l->amount, s->err)))
		return rc;
	s->lines++;
	fputs("<tr><td>", fp);
	html_text(fp, l->kind);
	fputs("</td><td>", fp);
	html_text(fp, l->plan);
	fputs("</td><td>", fp);
	html_text(fp, l->component);
	fputs("</td><td class=\"num\">", fp);
	if (l->has_base)
		html_money(fp, l->base);
	fputs("</td><td class=\"num\">", fp);
	html_money(fp, l->amount);
	fputs("</td><td>", fp);
	html_text(fp, l->currency);
	fputs("</td><td>", fp);
	html_text(fp, l->reference);
	fputs("</td><td>", fp);
	html_text(fp, l->reason);
	fputs("</td></tr>\n", fp);
	return ferror(fp) ? spm_error_set(s->err, SPM_EIO, "write error: %s", strerror(errno))
	                  : SPM_OK;
}

int spm_statement_html(FILE *fp, spm_store *st, const spm_run_info *run, const char *rep_id,
                       spm_error *err)
{
	statement s = {fp, st, run, err, NULL, {0}, 0};
	char *name = NULL;
	int rc;

	if (rep_id && (rc = spm_rep_lookup(st, rep_id, &name, err)))
		return rc;
	fputs(html_head, fp);
	html_text(fp, run->period);
	if (rep_id) {
		fputs(" ", fp);
		html_text(fp, rep_id);
	}
	fputs(html_style, fp);
	rc = spm_payout_lines_each(st, run->run_id, rep_id, statement_line, &s, err);
	if (rc == SPM_OK) {
		if (!s.rep_id && rep_id)
			page_open(&s, rep_id, name);
		if (s.rep_id || rep_id)
			page_close(&s);
		else
			fputs("<p class=\"none\">No lines in this run.</p>\n", fp);
		fputs("</body>\n</html>\n", fp);
		if (fflush(fp) != 0 || ferror(fp))
			rc = spm_error_set(err, SPM_EIO, "write error: %s", strerror(errno));
	}
	free(name);
	free(s.rep_id);
	spm_totals_release(&s.totals);
	return rc;
}

int spm_plan_text_read(spm_store *st, const char *hash, char **text, size_t *len, spm_error *err)
{
	spm_stmt *s = NULL;
	int rc;

	*text = NULL;
	*len = 0;
	if ((rc = spm_stmt_prepare(st, &s, "SELECT text FROM plans WHERE plan_hash = ?1", err)))
		return rc;
	if (spm_bind_str(s, 1, hash)) {
		spm_stmt_finalize(s);
		return oom(err);
	}
	if ((rc = spm_stmt_step(s, err)) == SPM_ROW) {
		size_t n;
		const char *t = spm_stmt_text(s, 0, &n);
		if (!(*text = malloc(n + 1))) {
			rc = oom(err);
		} else {
			memcpy(*text, t, n);
			(*text)[n] = '\0';
			*len = n;
			rc = SPM_OK;
		}
	} else if (rc == SPM_DONE) {
		rc = spm_error_set(err, SPM_EDATA, "no plan with hash '%s' in the store", hash);
	}
	spm_stmt_finalize(s);
	return rc;
}
