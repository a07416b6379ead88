/*
 * pipeline.c - forecast categories, weighted pipeline, overdue deals and run-rate, per rep and
 * rolled up (see spm/pipeline.h). One read of the credit lines from the start of the period (or
 * of the run-rate window) to its end, bucketed per rep; the roll-ups by spm_org_rollups.
 */
#include "spm/pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "spm/credit.h"
#include "spm/fx.h"
#include "stmtutil.h"
#include "util.h"

static const char *const category_names[SPM_FC_COUNT] = {"pipeline", "best_case", "commit",
                                                         "closed", "omitted"};

const char *spm_fc_category_name(spm_fc_category c)
{
	return (unsigned)c < SPM_FC_COUNT ? category_names[c] : "?";
}

int spm_fc_category_parse(const char *word)
{
	for (int i = 0; i < SPM_FC_COUNT; i++)
		if (strcmp(word, category_names[i]) == 0)
			return i;
	return -1;
}

/* One rep's or one group's sums. */
typedef struct sums {
	spm_money category[SPM_FC_COUNT];
	spm_money weighted, overdue, window;
	size_t open, overdue_n;
} sums;

typedef struct stage_default {
	char *stage;
	bool has_probability;
	spm_rate probability;
	int category; /* -1: none */
} stage_default;

/* An imported call, converted; sorted by scope then id. */
typedef struct call {
	int scope; /* 0 rep, 1 team, 2 territory */
	char *id;
	bool has[2]; /* commit, best case */
	spm_money amount[2];
	char *note;
} call;

typedef struct job {
	const spm_pipeline_query *q;
	spm_store *st;
	spm_org *org;
	spm_fx *fx;
	spm_org_shown shown;
	const char *currency;
	spm_rounding mode;
	spm_date closed_to, window_from;
	int window;
	stage_default *stages;
	size_t nstages;
	sums *rep, *mgr, *team, *terr, company;
	call *calls;
	size_t ncalls;
	bool *seen;
	size_t rolling;
	spm_error *err;
} job;

static int nomem(spm_error *err)
{
	return spm_error_set(err, SPM_ENOMEM, "out of memory");
}

static int add(job *j, spm_money *acc, spm_money v)
{
	return spm_money_add(acc, *acc, v) ? spm_error_set(j->err, SPM_ERANGE, "a sum out of range")
	                                   : SPM_OK;
}

static int load_stages(job *j)
{
	spm_stmt *q = NULL;
	size_t cap = 0;
	int rc = spm_stmt_prepare(j->st, &q,
	                          "SELECT stage, probability, forecast_category FROM stages"
	                          " ORDER BY stage",
	                          j->err);
	while (rc == SPM_OK && (rc = spm_stmt_step(q, j->err)) == SPM_ROW) {
		rc = SPM_OK;
		if (j->nstages == cap) {
			size_t n = cap ? 2 * cap : 16;
			stage_default *s = realloc(j->stages, n * sizeof *s);
			if (!s) {
				rc = nomem(j->err);
				break;
			}
			j->stages = s;
			cap = n;
		}
		stage_default *s = &j->stages[j->nstages];
		if (!(s->stage = strdup(spm_stmt_text(q, 0, NULL)))) {
			rc = nomem(j->err);
			break;
		}
		j->nstages++;
		s->has_probability = !spm_stmt_is_null(q, 1);
		s->probability.units = s->has_probability ? spm_stmt_int64(q, 1) : 0;
		s->category =
		    spm_stmt_is_null(q, 2) ? -1 : spm_fc_category_parse(spm_stmt_text(q, 2, NULL));
	}
	spm_stmt_finalize(q);
	return rc == SPM_DONE ? SPM_OK : rc;
}

static int load_calls(job *j)
{
	spm_stmt *q = NULL;
	size_t cap = 0;
	int rc = spm_stmt_prepare(
	    j->st, &q,
	    "SELECT CASE scope WHEN 'rep' THEN 0 WHEN 'team' THEN 1 ELSE 2 END AS s, scope_id,"
	    " category, amount, currency, note FROM forecast_calls"
	    " WHERE period_first = ?1 AND period_last = ?2 ORDER BY s, scope_id",
	    j->err);
	if (!rc &&
	    (spm_bind_date(q, 1, j->q->period.first) || spm_bind_date(q, 2, j->q->period.last)))
		rc = nomem(j->err);
	while (rc == SPM_OK && (rc = spm_stmt_step(q, j->err)) == SPM_ROW) {
		rc = SPM_OK;
		int scope = (int)spm_stmt_int64(q, 0);
		const char *id = spm_stmt_text(q, 1, NULL);
		call *c = j->ncalls ? &j->calls[j->ncalls - 1] : NULL;
		if (!c || c->scope != scope || strcmp(c->id, id) != 0) {
			if (j->ncalls == cap) {
				size_t n = cap ? 2 * cap : 16;
				call *v = realloc(j->calls, n * sizeof *v);
				if (!v) {
					rc = nomem(j->err);
					break;
				}
				j->calls = v;
				cap = n;
			}
			c = &j->calls[j->ncalls++];
			memset(c, 0, sizeof *c);
			c->scope = scope;
			if (!(c->id = strdup(id))) {
				rc = nomem(j->err);
				break;
			}
		}
		int k = strcmp(spm_stmt_text(q, 2, NULL), "commit") == 0 ? 0 : 1;
		spm_money amount = {spm_stmt_int64(q, 3)};
		/* a call without a currency is in the store's base currency (spm-import(1)) */
		const char *cur =
		    spm_stmt_is_null(q, 4) ? spm_fx_base(j->fx) : spm_stmt_text(q, 4, NULL);
		if (strcmp(cur, j->currency) != 0 &&
		    (rc = spm_fx_convert(j->fx, amount, cur, j->currency, j->q->period.last,
		                         j->mode, &amount, j->err)))
			break;
		c->has[k] = true;
		c->amount[k] = amount;
		if (!spm_stmt_is_null(q, 5) && (k == 0 || !c->note)) {
			free(c->note);
			if (!(c->note = strdup(spm_stmt_text(q, 5, NULL)))) {
				rc = nomem(j->err);
				break;
			}
		}
	}
	spm_stmt_finalize(q);
	return rc == SPM_DONE ? SPM_OK : rc;
}

static const call *call_of(const job *j, spm_level level, const char *id)
{
	int scope = level == SPM_LEVEL_REP || level == SPM_LEVEL_MANAGER ? 0
	            : level == SPM_LEVEL_TEAM                            ? 1
	            : level == SPM_LEVEL_TERRITORY                       ? 2
	                                                                 : -1;
	size_t lo = 0, hi = j->ncalls;
	if (scope < 0 || !id)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const call *c = &j->calls[mid];
		int d = c->scope != scope ? (c->scope < scope ? -1 : 1) : strcmp(c->id, id);
		if (d == 0)
			return c;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const stage_default *stage_of(const job *j, const char *stage)
{
	if (!stage)
		return NULL;
	size_t at = spm_find_sorted(j->stages, j->nstages, sizeof *j->stages,
	                            offsetof(stage_default, stage), stage);
	return at == SPM_ORG_NONE ? NULL : &j->stages[at];
}

static int overdue_line(job *j, const spm_credit_line *l, spm_money amount)
{
	if (!j->q->overdue)
		return SPM_OK;
	spm_overdue_deal d = {
	    .deal_id = l->deal_id,
	    .rep_id = l->rep_id,
	    .stage = l->stage,
	    .close_date = l->date,
	    .amount = amount,
	    .currency = j->currency,
	};
	return j->q->overdue(j->q->overdue_ctx, &d);
}

static int on_credit(void *ctx, const spm_credit_line *l)
{
	job *j = ctx;
	size_t i = spm_org_rep_find(j->org, l->rep_id);
	if (i == SPM_ORG_NONE)
		return SPM_OK;
	spm_money amount = l->amount;
	int rc;
	/* a deal without a currency is in the report's; spm_fx_convert keeps a same currency */
	if ((rc = spm_fx_convert(j->fx, amount, l->currency ? l->currency : j->currency,
	                         j->currency, l->date, j->mode, &amount, j->err)))
		return rc;
	sums *s = &j->rep[i];
	const spm_period *p = &j->q->period;
	bool in_period = spm_period_contains(p, l->date);
	if (strcmp(l->status, "won") == 0) {
		if (l->date.days <= j->q->as_of.days && l->date.days >= j->window_from.days &&
		    (rc = add(j, &s->window, amount)))
			return rc;
		if (!in_period || l->date.days > j->closed_to.days)
			return SPM_OK;
		j->seen[i] = true;
		return add(j, &s->category[SPM_FC_CLOSED], amount);
	}
	if (!in_period)
		return SPM_OK;
	j->seen[i] = true;
	if (l->date.days < j->q->as_of.days) {
		s->overdue_n++;
		if ((rc = add(j, &s->overdue, amount)))
			return rc;
		return j->shown.rep[i] ? overdue_line(j, l, amount) : SPM_OK;
	}
	const stage_default *sd = stage_of(j, l->stage);
	int c = l->forecast_category ? spm_fc_category_parse(l->forecast_category) : -1;
	if (c < 0 && sd)
		c = sd->category;
	if (c < 0)
		c = SPM_FC_PIPELINE;
	if (c == SPM_FC_CLOSED) /* an open deal cannot be closed yet: it is committed */
		c = SPM_FC_COMMIT;
	spm_rate prob = l->has_probability          ? l->probability
	                : sd && sd->has_probability ? sd->probability
	                                            : (spm_rate){0};
	spm_money weighted;
	if (spm_money_mul_rate(&weighted, amount, prob, SPM_ROUND_HALF_UP))
		return spm_error_set(j->err, SPM_ERANGE, "deal '%s': weighted amount out of range",
		                     l->deal_id);
	s->open++;
	if ((rc = add(j, &s->category[c], amount)))
		return rc;
	return add(j, &s->weighted, weighted);
}

/*
 * Two reads: won deals up to the as-of day (closed and the run-rate's window), so that a
 * cancellation after that day is not seen yet; open deals over the whole period.
 */
static int read_credits(job *j)
{
	spm_plan_credit rule = {
	    .statuses = 1u << 1,
	    .date = SPM_DATE_CLOSE,
	    .roles = SPM_CREDIT_OWNER | SPM_CREDIT_SPLIT,
	};
	spm_date lo = j->q->period.first;
	if (j->window_from.days < lo.days)
		lo = j->window_from;
	spm_credit_query cq = {
	    .rule = &rule,
	    .first = lo,
	    .last = j->q->as_of,
	    .mode = j->mode,
	    .any_order = true,
	    .forecast_fields = true,
	};
	int rc = SPM_OK;
	if (lo.days <= j->q->as_of.days)
		rc = spm_credits_ex(j->st, &cq, on_credit, j, j->err);
	rule.statuses = 1u << 0;
	cq.first = j->q->period.first;
	cq.last = j->q->period.last;
	if (!rc)
		rc = spm_credits_ex(j->st, &cq, on_credit, j, j->err);
	return rc;
}

static int sums_add(job *j, sums *to, const sums *from)
{
	int rc = SPM_OK;
	for (int c = 0; c < SPM_FC_COUNT && !rc; c++)
		rc = add(j, &to->category[c], from->category[c]);
	if (!rc && !(rc = add(j, &to->weighted, from->weighted)) &&
	    !(rc = add(j, &to->overdue, from->overdue)))
		rc = add(j, &to->window, from->window);
	to->open += from->open;
	to->overdue_n += from->overdue_n;
	return rc;
}

static int roll_into(void *ctx, spm_level level, size_t index)
{
	job *j = ctx;
	sums *g = level == SPM_LEVEL_MANAGER     ? &j->mgr[index]
	          : level == SPM_LEVEL_TEAM      ? &j->team[index]
	          : level == SPM_LEVEL_TERRITORY ? &j->terr[index]
	                                         : &j->company;
	return sums_add(j, g, &j->rep[j->rolling]);
}

static int emit(job *j, spm_pipeline_fn fn, void *ctx, spm_level level, const char *id,
                const char *name, const sums *s)
{
	spm_pipeline_row row = {
	    .level = level,
	    .id = id,
	    .name = name,
	    .closed = s->category[SPM_FC_CLOSED],
	    .omitted = s->category[SPM_FC_OMITTED],
	    .weighted = s->weighted,
	    .open_deals = s->open,
	    .overdue_deals = s->overdue_n,
	    .overdue = s->overdue,
	    .currency = j->currency,
	};
	const call *c = call_of(j, level, id);
	if (c) {
		row.has_call_commit = c->has[0];
		row.has_call_best_case = c->has[1];
		row.call_commit = c->amount[0];
		row.call_best_case = c->amount[1];
		row.call_note = c->note;
	}
	/* the cumulative figures, and the run-rate: closed + days left × the window's daily rate */
	int32_t left = spm_date_diff(j->closed_to, j->q->period.last);
	if (j->q->as_of.days < j->q->period.first.days)
		left = spm_date_diff(j->q->period.first, j->q->period.last) + 1;
	spm_money rest = {0};
	if (left > 0 && spm_money_mul_ratio(&rest, s->window, (spm_rate){left},
	                                    (spm_rate){j->window}, SPM_ROUND_HALF_UP))
		return spm_error_set(j->err, SPM_ERANGE, "run-rate out of range");
	if (spm_money_add(&row.commit, row.closed, s->category[SPM_FC_COMMIT]) ||
	    spm_money_add(&row.best_case, row.commit, s->category[SPM_FC_BEST_CASE]) ||
	    spm_money_add(&row.open_pipeline, s->category[SPM_FC_PIPELINE],
	                  s->category[SPM_FC_BEST_CASE]) ||
	    spm_money_add(&row.open_pipeline, row.open_pipeline, s->category[SPM_FC_COMMIT]) ||
	    spm_money_add(&row.run_rate, row.closed, rest))
		return spm_error_set(j->err, SPM_ERANGE, "a sum out of range");
	return fn(ctx, &row);
}

static int emit_all(job *j, spm_pipeline_fn fn, void *ctx)
{
	const spm_org *o = j->org;
	bool *const *shown = j->shown.group;
	unsigned levels = j->q->levels ? j->q->levels : 1u << SPM_LEVEL_REP;
	int rc = SPM_OK;
	for (size_t i = 0; i < o->nreps && !rc && (levels & (1u << SPM_LEVEL_REP)); i++)
		if (!o->reps[i].manages && j->shown.rep[i] &&
		    (j->seen[i] || spm_org_active(o, i, j->q->period.first, j->q->period.last)))
			rc = emit(j, fn, ctx, SPM_LEVEL_REP, o->reps[i].id, o->reps[i].name,
			          &j->rep[i]);
	for (size_t i = 0; i < o->nreps && !rc && (levels & (1u << SPM_LEVEL_MANAGER)); i++)
		if (o->reps[i].manages && shown[SPM_LEVEL_MANAGER][i])
			rc = emit(j, fn, ctx, SPM_LEVEL_MANAGER, o->reps[i].id, o->reps[i].name,
			          &j->mgr[i]);
	for (size_t t = 0; t < o->nteams && !rc && (levels & (1u << SPM_LEVEL_TEAM)); t++)
		if (shown[SPM_LEVEL_TEAM][t])
			rc = emit(j, fn, ctx, SPM_LEVEL_TEAM, o->teams[t], NULL, &j->team[t]);
	for (size_t t = 0; t < o->nterritories && !rc && (levels & (1u << SPM_LEVEL_TERRITORY));
	     t++)
		if (shown[SPM_LEVEL_TERRITORY][t])
			rc = emit(j, fn, ctx, SPM_LEVEL_TERRITORY, o->territories[t].id,
			          o->territories[t].name, &j->terr[t]);
	if (!rc && (levels & (1u << SPM_LEVEL_COMPANY)) && shown[SPM_LEVEL_COMPANY][0])
		rc = emit(j, fn, ctx, SPM_LEVEL_COMPANY, NULL, NULL, &j->company);
	return rc;
}

static void job_free(job *j)
{
	for (size_t i = 0; i < j->ncalls; i++) {
		free(j->calls[i].id);
		free(j->calls[i].note);
	}
	free(j->calls);
	for (size_t i = 0; i < j->nstages; i++)
		free(j->stages[i].stage);
	free(j->stages);
	free(j->rep);
	free(j->mgr);
	free(j->team);
	free(j->terr);
	free(j->seen);
	spm_org_shown_free(&j->shown);
	spm_fx_close(j->fx);
	spm_org_free(j->org);
}

int spm_pipeline(spm_store *st, const spm_pipeline_query *q, spm_pipeline_fn fn, void *ctx,
                 spm_error *err)
{
	if (!q || !fn || q->window < 0)
		return spm_error_set(err, SPM_EUSAGE,
		                     "pipeline: bad arguments (a window below 1?)");
	job j = {.q = q, .st = st, .err = err, .mode = q->mode ? q->mode : SPM_ROUND_HALF_UP};
	j.window = q->window ? q->window : 90;
	j.window_from = spm_date_add_days(q->as_of, 1 - j.window);
	j.closed_to = q->as_of.days < q->period.last.days ? q->as_of : q->period.last;
	int rc;
	if (!(rc = spm_org_load(st, &j.org, err)) && !(rc = spm_fx_open(&j.fx, st, err)) &&
	    !(rc = spm_org_shown_make(j.org, &q->filter, &j.shown, err)) &&
	    !(rc = load_stages(&j))) {
		j.currency = q->currency ? q->currency : spm_fx_base(j.fx);
		rc = load_calls(&j);
		size_t nr = j.org->nreps + 1;
		j.rep = calloc(nr, sizeof *j.rep);
		j.mgr = calloc(nr, sizeof *j.mgr);
		j.team = calloc(j.org->nteams + 1, sizeof *j.team);
		j.terr = calloc(j.org->nterritories + 1, sizeof *j.terr);
		j.seen = calloc(nr, sizeof *j.seen);
		if (!rc && (!j.rep || !j.mgr || !j.team || !j.terr || !j.seen))
			rc = nomem(err);
	}
	if (!rc)
		rc = read_credits(&j);
	for (size_t i = 0; !rc && i < j.org->nreps; i++) {
		j.rolling = i;
		rc = spm_org_rollups(j.org, i, roll_into, &j);
	}
	if (!rc)
		rc = emit_all(&j, fn, ctx);
	job_free(&j);
	return rc;
}

/* ---- bookings series ------------------------------------------------------------------------ */

typedef struct series_job {
	spm_fx *fx;
	const char *currency;
	spm_step step;
	spm_date first; /* the first day of out[0]'s step */
	size_t n;
	spm_money *out;     /* n steps; per rep: n steps of each rep of `org`, rep after rep */
	const spm_org *org; /* per rep, or NULL */
	bool *any;          /* per rep: has bookings */
	spm_error *err;
} series_job;

spm_date spm_step_first(spm_step step, spm_date d)
{
	int day;
	if (step == SPM_STEP_WEEK)
		return spm_date_monday(d);
	spm_date_to_ymd(d, NULL, NULL, &day);
	return spm_date_add_days(d, 1 - day);
}

/* The index of the step holding d, counted from the first; negative before it. */
static long step_index(const series_job *m, spm_date d)
{
	int y0, m0, y, mo;
	if (d.days < m->first.days)
		return -1;
	if (m->step == SPM_STEP_WEEK)
		return (long)(d.days - m->first.days) / 7;
	spm_date_to_ymd(m->first, &y0, &m0, NULL);
	spm_date_to_ymd(d, &y, &mo, NULL);
	return ((long)y - y0) * 12 + mo - m0;
}

static int on_booking(void *ctx, const spm_credit_line *l)
{
	series_job *m = ctx;
	int rc;
	long k = step_index(m, l->date);
	if (k < 0 || (size_t)k >= m->n)
		return SPM_OK;
	spm_money amount = l->amount;
	if ((rc = spm_fx_convert(m->fx, amount, l->currency ? l->currency : m->currency,
	                         m->currency, l->date, SPM_ROUND_HALF_UP, &amount, m->err)))
		return rc;
	spm_money *at = &m->out[k];
	if (m->org) {
		size_t i = spm_org_rep_find(m->org, l->rep_id);
		if (i == SPM_ORG_NONE)
			return SPM_OK;
		at = &m->out[i * m->n + (size_t)k];
		m->any[i] = true;
	}
	if (spm_money_add(at, *at, amount))
		return spm_error_set(m->err, SPM_ERANGE, "bookings out of range");
	return SPM_OK;
}

/* Reads the won bookings of the n steps from the one holding `first` into m (out, org, any set). */
static int read_series(spm_store *st, const char *currency, spm_date first, series_job *m,
                       spm_error *err)
{
	int rc;
	m->first = spm_step_first(m->step, first);
	m->err = err;
	spm_date hi = m->step == SPM_STEP_WEEK ? spm_date_add_days(m->first, 7 * (int)m->n)
	                                       : spm_date_add_months(m->first, (int)m->n);
	hi = spm_date_add_days(hi, -1);
	if ((rc = spm_fx_open(&m->fx, st, err)))
		return rc;
	m->currency = currency ? currency : spm_fx_base(m->fx);
	spm_plan_credit rule = {.statuses = 1u << 1,
	                        .date = SPM_DATE_CLOSE,
	                        .roles = SPM_CREDIT_OWNER | SPM_CREDIT_SPLIT};
	spm_credit_query q = {.rule = &rule, .first = m->first, .last = hi, .any_order = true};
	rc = spm_credits_ex(st, &q, on_booking, m, err);
	spm_fx_close(m->fx);
	return rc;
}

int spm_bookings_series(spm_store *st, const char *currency, spm_step step, spm_date first,
                        size_t n, spm_money *out, spm_error *err)
{
	series_job m = {.step = step, .n = n, .out = out};
	memset(out, 0, n * sizeof *out);
	if (n == 0)
		return SPM_OK;
	return read_series(st, currency, first, &m, err);
}

int spm_bookings_series_by_rep(spm_store *st, const char *currency, spm_step step, spm_date first,
                               size_t n, spm_rep_series_fn fn, void *ctx, spm_error *err)
{
	spm_org *org = NULL;
	series_job m = {.step = step, .n = n};
	int rc = spm_org_load(st, &org, err);
	if (rc || n == 0) {
		spm_org_free(org);
		return rc;
	}
	m.org = org;
	m.out = calloc((org->nreps + 1) * n, sizeof *m.out);
	m.any = calloc(org->nreps + 1, sizeof *m.any);
	if (!m.out || !m.any)
		rc = nomem(err);
	if (!rc)
		rc = read_series(st, currency, first, &m, err);
	for (size_t i = 0; !rc && i < org->nreps; i++)
		if (m.any[i])
			rc = fn(ctx, org->reps[i].id, &m.out[i * n], n);
	free(m.out);
	free(m.any);
	spm_org_free(org);
	return rc;
}

int spm_bookings_span(spm_store *st, spm_date *first, spm_date *last, bool *any, spm_error *err)
{
	spm_stmt *q = NULL;
	bool has1 = false, has2 = false;
	int rc = spm_stmt_prepare(st, &q,
	                          "SELECT min(close_date), max(close_date) FROM deals"
	                          " WHERE status = 'won' AND amount IS NOT NULL",
	                          err);
	if (rc == SPM_OK && (rc = spm_stmt_step(q, err)) == SPM_ROW &&
	    !(rc = spm_column_date(q, 0, first, &has1, err)))
		rc = spm_column_date(q, 1, last, &has2, err);
	spm_stmt_finalize(q);
	*any = has1 && has2;
	return rc == SPM_ROW || rc == SPM_DONE ? SPM_OK : rc;
}
