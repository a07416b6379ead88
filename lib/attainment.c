/*
 * attainment.c - credited bookings against quota, per rep and rolled up (see spm/attainment.h).
 *
 * One read of the credit lines over the widest span, bucketed per rep and span; one read of the
 * quotas lying in it; then the roll-ups by walking each rep's chain of managers and territories.
 */
#include "spm/attainment.h"

#include <stdlib.h>
#include <string.h>

#include "quota_rows.h"
#include "spm/credit.h"
#include "spm/fx.h"
#include "spm/org.h"
#include "util.h"

#define NSPANS SPM_ATTAINMENT_MAX_SPANS

int spm_attainment_ratio(spm_money credited, spm_money quota, spm_rate *out, spm_error *err)
{
	out->units = 0;
	if (quota.units <= 0)
		return SPM_OK;
	if (spm_rate_ratio(out, credited, quota, SPM_ROUND_DOWN))
		return spm_error_set(err, SPM_ERANGE, "attainment out of range");
	return SPM_OK;
}

/* One rep's or one group's figures for one span. */
typedef struct figures {
	spm_money credited; /* reps: all their lines; groups: owner and split lines of their reps */
	spm_money quota;    /* reps: their own; groups: their own stored one */
	spm_money expected;
	bool has_quota;
	spm_money ic_quota, ic_expected; /* groups: sums over their individual contributors */
	bool has_ic_quota;
	size_t ics; /* groups: their individual contributors active in the span */
	size_t deals;      /* owner and split lines: won deals credited */
	spm_money largest; /* the largest of those lines */
} figures;

typedef struct job {
	const spm_attainment_query *q;
	spm_store *st;
	spm_org *org;
	spm_fx *fx;
	const char *currency;
	spm_rounding mode;
	spm_date to[NSPANS];
	spm_error *err;
	/* per rep, per span */
	figures *rep;
	spm_money *rev; /* owner and split lines only: what the rep adds to a roll-up */
	bool *seen;     /* a credit or a quota */
	/* groups */
	figures *mgr, *team, *terr, company[NSPANS];
	spm_org_shown shown;
	size_t rolling; /* the rep roll_into adds */
} job;

static int range_error(job *j, const char *what)
{
	return spm_error_set(j->err, SPM_ERANGE, "%s out of range", what);
}

static int add(job *j, spm_money *acc, spm_money v)
{
	return spm_money_add(acc, *acc, v) ? range_error(j, "a sum") : SPM_OK;
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
	if ((rc = spm_fx_convert(j->fx, amount, l->currency ? l->currency : j->currency, j->currency,
	                         l->date, j->mode, &amount, j->err)))
		return rc;
	bool revenue = l->role == SPM_ROLE_OWNER || l->role == SPM_ROLE_SPLIT;
	for (size_t s = 0; s < j->q->nspans; s++) {
		if (l->date.days < j->q->spans[s].first.days || l->date.days > j->to[s].days)
			continue;
		figures *f = &j->rep[i * NSPANS + s];
		if ((rc = add(j, &f->credited, amount)) ||
		    (revenue && (rc = add(j, &j->rev[i * NSPANS + s], amount))))
			return rc;
		if (revenue && (f->deals++ == 0 || amount.units > f->largest.units))
			f->largest = amount;
		j->seen[i] = true;
	}
	return SPM_OK;
}

static int read_credits(job *j)
{
	spm_plan_credit fallback = {
	    .statuses = 1u << 1,
	    .date = SPM_DATE_CLOSE,
	    .roles = SPM_CREDIT_OWNER | SPM_CREDIT_SPLIT | SPM_CREDIT_OVERLAY,
	};
	spm_date lo = j->q->spans[0].first, hi = j->to[0];
	for (size_t s = 1; s < j->q->nspans; s++) {
		if (j->q->spans[s].first.days < lo.days)
			lo = j->q->spans[s].first;
		if (j->to[s].days > hi.days)
			hi = j->to[s];
	}
	spm_credit_query cq = {
	    .rule = j->q->rule ? j->q->rule : &fallback,
	    .first = lo,
	    .last = hi,
	    .mode = j->mode,
	    .any_order = true,
	};
	return spm_credits_ex(j->st, &cq, on_credit, j, j->err);
}

/* The quota and expected figure of one scope's rows for span s, into f. */
static int span_quota(job *j, const spm_quota_rows *qr, size_t a, size_t b, size_t s, figures *f)
{
	spm_quota_span out;
	int rc = spm_quota_rows_span(qr, a, b, &j->q->spans[s], j->to[s],
	                             j->q->pacing == SPM_PACING_SEASONAL, j->fx, j->currency, j->mode,
	                             &out, j->err);
	if (rc == SPM_OK && out.has_quota) {
		f->has_quota = true;
		f->quota = out.quota;
		f->expected = out.expected;
	}
	return rc;
}

/* Every stored quota of the metric, by scope, into the reps' and groups' figures. */
static int read_quotas(job *j)
{
	spm_quota_rows qr;
	spm_date lo = j->q->spans[0].first, hi = j->q->spans[0].last;
	for (size_t s = 1; s < j->q->nspans; s++) {
		if (j->q->spans[s].first.days < lo.days)
			lo = j->q->spans[s].first;
		if (j->q->spans[s].last.days > hi.days)
			hi = j->q->spans[s].last;
	}
	int rc = spm_quota_rows_load(j->st, j->q->metric ? j->q->metric : "bookings", lo, hi, &qr,
	                             j->err);
	if (rc)
		return rc;
	for (size_t a = 0, b; a < qr.n && !rc; a = b) {
		for (b = a + 1; b < qr.n && qr.rows[b].scope == qr.rows[a].scope &&
		                strcmp(qr.rows[b].id, qr.rows[a].id) == 0;
		     b++)
			;
		figures *base = NULL;
		size_t at = SPM_ORG_NONE;
		switch (qr.rows[a].scope) {
		case SPM_QUOTA_SCOPE_REP:
			if ((at = spm_org_rep_find(j->org, qr.rows[a].id)) != SPM_ORG_NONE) {
				base = j->org->reps[at].manages ? j->mgr : j->rep;
				j->seen[at] = true;
			}
			break;
		case SPM_QUOTA_SCOPE_TEAM:
			if ((at = spm_org_team_find(j->org, qr.rows[a].id)) != SPM_ORG_NONE)
				base = j->team;
			break;
		case SPM_QUOTA_SCOPE_TERRITORY:
			if ((at = spm_org_territory_find(j->org, qr.rows[a].id)) != SPM_ORG_NONE)
				base = j->terr;
			break;
		}
		for (size_t s = 0; base && s < j->q->nspans && !rc; s++)
			rc = span_quota(j, &qr, a, b, s, &base[at * NSPANS + s]);
	}
	spm_quota_rows_free(&qr);
	return rc;
}

/* Adds rep i's span figures into group g's. */
static int roll(job *j, figures *g, size_t i)
{
	const spm_org_rep *r = &j->org->reps[i];
	int rc = SPM_OK;
	for (size_t s = 0; s < j->q->nspans && !rc; s++) {
		const figures *f = &j->rep[i * NSPANS + s];
		if ((rc = add(j, &g[s].credited, j->rev[i * NSPANS + s])))
			continue;
		if (f->deals && (g[s].deals == 0 || f->largest.units > g[s].largest.units))
			g[s].largest = f->largest;
		g[s].deals += f->deals;
		if (r->manages)
			continue;
		g[s].ics += spm_org_active(j->org, i, j->q->spans[s].first, j->to[s]);
		if (!f->has_quota)
			continue;
		g[s].has_ic_quota = true;
		if (!(rc = add(j, &g[s].ic_quota, f->quota)))
			rc = add(j, &g[s].ic_expected, f->expected);
	}
	return rc;
}

static int roll_into(void *ctx, spm_level level, size_t index)
{
	job *j = ctx;
	figures *g = level == SPM_LEVEL_MANAGER     ? j->mgr
	             : level == SPM_LEVEL_TEAM      ? j->team
	             : level == SPM_LEVEL_TERRITORY ? j->terr
	                                            : j->company;
	return roll(j, &g[index * NSPANS], j->rolling);
}

static int roll_up(job *j)
{
	int rc = SPM_OK;
	for (size_t i = 0; i < j->org->nreps && !rc; i++) {
		j->rolling = i;
		rc = spm_org_rollups(j->org, i, roll_into, j);
	}
	return rc;
}

static bool rep_listed(const job *j, size_t i)
{
	if (j->org->reps[i].manages || !j->shown.rep[i])
		return false;
	if (j->seen[i])
		return true;
	for (size_t s = 0; s < j->q->nspans; s++)
		if (spm_org_active(j->org, i, j->q->spans[s].first, j->to[s]))
			return true;
	return false;
}

/* Emits one row per span of one rep or group. */
static int emit(job *j, spm_attainment_fn fn, void *ctx, spm_level level, const char *id,
                const char *name, const figures *f, bool group)
{
	int rc = SPM_OK;
	for (size_t s = 0; s < j->q->nspans && !rc; s++) {
		spm_attainment_row row = {
		    .level = level,
		    .id = id,
		    .name = name,
		    .span = s,
		    .from = j->q->spans[s].first,
		    .to = j->to[s],
		    .reps = group ? f[s].ics : 1,
		    .credited = f[s].credited,
		    .deals = f[s].deals,
		    .largest = f[s].largest,
		    .currency = j->currency,
		};
		if (group) {
			row.has_reps_quota = f[s].has_ic_quota;
			row.reps_quota = f[s].ic_quota;
			row.quota_set = f[s].has_quota;
		}
		row.has_quota = f[s].has_quota || (group && f[s].has_ic_quota);
		row.quota = f[s].has_quota ? f[s].quota : f[s].ic_quota;
		row.expected = f[s].has_quota ? f[s].expected : f[s].ic_expected;
		if (!row.has_quota)
			row.expected = (spm_money){0};
		if (spm_money_sub(&row.gap, row.quota, row.credited))
			return range_error(j, "the gap");
		if ((rc = spm_attainment_ratio(row.credited, row.quota, &row.attainment, j->err)) ||
		    (rc = spm_attainment_ratio(row.credited, row.expected, &row.pace, j->err)))
			return rc;
		rc = fn(ctx, &row);
	}
	return rc;
}

static int emit_all(job *j, spm_attainment_fn fn, void *ctx)
{
	const spm_org *o = j->org;
	bool *const *shown = j->shown.group;
	unsigned levels = j->q->levels ? j->q->levels : 1u << SPM_LEVEL_REP;
	int rc = SPM_OK;
	if (levels & (1u << SPM_LEVEL_REP))
		for (size_t i = 0; i < o->nreps && !rc; i++)
			if (rep_listed(j, i))
				rc = emit(j, fn, ctx, SPM_LEVEL_REP, o->reps[i].id, o->reps[i].name,
				          &j->rep[i * NSPANS], false);
	if (levels & (1u << SPM_LEVEL_MANAGER))
		for (size_t i = 0; i < o->nreps && !rc; i++)
			if (o->reps[i].manages && shown[SPM_LEVEL_MANAGER][i])
				rc = emit(j, fn, ctx, SPM_LEVEL_MANAGER, o->reps[i].id, o->reps[i].name,
				          &j->mgr[i * NSPANS], true);
	if (levels & (1u << SPM_LEVEL_TEAM))
		for (size_t t = 0; t < o->nteams && !rc; t++)
			if (shown[SPM_LEVEL_TEAM][t])
				rc = emit(j, fn, ctx, SPM_LEVEL_TEAM, o->teams[t], NULL,
				          &j->team[t * NSPANS], true);
	if (levels & (1u << SPM_LEVEL_TERRITORY))
		for (size_t t = 0; t < o->nterritories && !rc; t++)
			if (shown[SPM_LEVEL_TERRITORY][t])
				rc = emit(j, fn, ctx, SPM_LEVEL_TERRITORY, o->territories[t].id,
				          o->territories[t].name, &j->terr[t * NSPANS], true);
	if (!rc && (levels & (1u << SPM_LEVEL_COMPANY)) && shown[SPM_LEVEL_COMPANY][0])
		rc = emit(j, fn, ctx, SPM_LEVEL_COMPANY, NULL, NULL, j->company, true);
	return rc;
}

static int check_query(const spm_attainment_query *q, spm_error *err)
{
	if (!q || q->nspans == 0 || q->nspans > NSPANS)
		return spm_error_set(err, SPM_EUSAGE, "attainment: 1 to %d spans", NSPANS);
	for (size_t s = 0; s < q->nspans; s++)
		if (q->spans[s].first.days > q->as_of.days)
			return spm_error_set(err, SPM_EUSAGE,
			                     "attainment: a span starts after the as-of date");
	return SPM_OK;
}

static void job_free(job *j)
{
	free(j->rep);
	free(j->rev);
	free(j->seen);
	free(j->mgr);
	free(j->team);
	free(j->terr);
	spm_org_shown_free(&j->shown);
	spm_fx_close(j->fx);
	spm_org_free(j->org);
}

int spm_attainment(spm_store *st, const spm_attainment_query *q, spm_attainment_fn fn, void *ctx,
                   spm_error *err)
{
	int rc = check_query(q, err);
	if (rc)
		return rc;
	if (!fn)
		return spm_error_set(err, SPM_EUSAGE, "attainment: no row callback");
	job j = {.q = q, .st = st, .err = err, .mode = q->mode ? q->mode : SPM_ROUND_HALF_UP};
	for (size_t s = 0; s < q->nspans; s++)
		j.to[s] = q->spans[s].last.days < q->as_of.days ? q->spans[s].last : q->as_of;
	spm_org_filter filter = {q->team, q->territory, q->rep};
	if ((rc = spm_org_load(st, &j.org, err)) || (rc = spm_fx_open(&j.fx, st, err)) ||
	    (rc = spm_org_shown_make(j.org, &filter, &j.shown, err))) {
		job_free(&j);
		return rc;
	}
	j.currency = q->currency ? q->currency : spm_fx_base(j.fx);
	size_t nr = j.org->nreps + 1, nt = j.org->nterritories + 1;
	j.rep = calloc(nr * NSPANS, sizeof *j.rep);
	j.rev = calloc(nr * NSPANS, sizeof *j.rev);
	j.seen = calloc(nr, sizeof *j.seen);
	j.mgr = calloc(nr * NSPANS, sizeof *j.mgr);
	j.team = calloc((j.org->nteams + 1) * NSPANS, sizeof *j.team);
	j.terr = calloc(nt * NSPANS, sizeof *j.terr);
	if (!j.rep || !j.rev || !j.seen || !j.mgr || !j.team || !j.terr)
		rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
	if (!rc && !(rc = read_credits(&j)) && !(rc = read_quotas(&j)) && !(rc = roll_up(&j)))
		rc = emit_all(&j, fn, ctx);
	job_free(&j);
	return rc;
}
