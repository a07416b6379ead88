/*
 * whatif.c - questions asked of the run engine without keeping its answers: what two plan sets
 * pay over history (spm_simulate), and how much more a rep must sell to earn a payout (spm_solve),
 * both by dry runs of the same engine that pays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_impl.h"
#include "stmtutil.h"

static int nomem(spm_error *err)
{
	return spm_error_set(err, SPM_ENOMEM, "out of memory");
}

typedef struct whatif_entry {
	char *rep;
	char currency[4];
	int set; /* 0 new plans, 1 old */
	int64_t amount;
} whatif_entry;

typedef struct whatif {
	whatif_entry *v;
	size_t n, cap;
	int set;
	spm_error *err;
} whatif;

static int whatif_add(void *ctx, const spm_payout *p)
{
	whatif *w = ctx;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		whatif_entry *v = realloc(w->v, cap * sizeof *v);
		if (!v)
			return nomem(w->err);
		w->v = v;
		w->cap = cap;
	}
	whatif_entry *e = &w->v[w->n];
	if (!(e->rep = strdup(p->rep_id)))
		return nomem(w->err);
	snprintf(e->currency, sizeof e->currency, "%s", p->currency ? p->currency : "");
	e->set = w->set;
	e->amount = p->pay.units;
	w->n++;
	return SPM_OK;
}

static int whatif_cmp(const void *a, const void *b)
{
	const whatif_entry *x = a, *y = b;
	int c = strcmp(x->rep, y->rep);
	return c ? c : strcmp(x->currency, y->currency);
}

/* A change made inside the what-if's transaction before its runs (and rolled back with it). */
typedef struct whatif_change {
	const char *sql; /* one statement, ?1 and ?2 the dates below */
	spm_date first, last;
} whatif_change;

static int whatif_apply(spm_store *st, const whatif_change *c, spm_error *err)
{
	spm_stmt *q = NULL;
	int rc = spm_stmt_prepare(st, &q, c->sql, err);
	if (!rc && (spm_bind_date(q, 1, c->first) || spm_bind_date(q, 2, c->last)))
		rc = nomem(err);
	if (!rc && (rc = spm_stmt_step(q, err)) == SPM_DONE)
		rc = SPM_OK;
	spm_stmt_finalize(q);
	return rc;
}

/*
 * Dry-runs one set of plans over the span's periods inside one rolled-back transaction, after
 * `change` when there is one.
 */
static int whatif_set(spm_store *st, const spm_run_plan *plans, size_t nplans,
                      const spm_period *parts, size_t nparts, const whatif_change *change,
                      whatif *w, spm_error *err)
{
	run_mode mode = {.nested = true, .one_connection = change != NULL};
	spm_run_plan *live = calloc(nplans ? nplans : 1, sizeof *live);
	int rc;
	if (!live)
		return nomem(err);
	if ((rc = spm_store_begin(st, err))) {
		free(live);
		return rc;
	}
	if (change)
		rc = whatif_apply(st, change, err);
	for (size_t i = 0; i < nparts && !rc; i++) {
		size_t n = 0;
		spm_run_summary sum;
		for (size_t k = 0; k < nplans; k++)
			if (spm_run_check_plan(plans[k].plan, &parts[i], NULL) == SPM_OK)
				live[n++] = plans[k];
		if (n)
			rc =
			    spm_run_period(st, live, n, &parts[i], &mode, whatif_add, w, &sum, err);
	}
	spm_store_rollback(st);
	free(live);
	return rc;
}

/* Each rep's and currency's totals of both sets, in rep order, to fn; frees w. */
static int whatif_emit(whatif *w, int rc, spm_whatif_fn fn, void *ctx, spm_error *err)
{
	if (!rc && w->n)
		qsort(w->v, w->n, sizeof *w->v, whatif_cmp);
	for (size_t i = 0; !rc && i < w->n;) {
		spm_whatif_row row = {w->v[i].rep, w->v[i].currency, {0}, {0}, {0}};
		size_t j = i;
		for (; j < w->n && whatif_cmp(&w->v[i], &w->v[j]) == 0; j++)
			(w->v[j].set ? &row.old_pay : &row.new_pay)->units += w->v[j].amount;
		if (spm_money_sub(&row.diff, row.new_pay, row.old_pay))
			rc = spm_error_set(err, SPM_ERANGE, "rep '%s': difference out of range",
			                   row.rep_id);
		else
			rc = fn(ctx, &row);
		i = j;
	}
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i].rep);
	free(w->v);
	return rc;
}

int spm_simulate(spm_store *st, const spm_run_plan *plans, size_t nplans,
                 const spm_run_plan *against, size_t nagainst, const spm_period *span,
                 spm_whatif_fn fn, void *ctx, spm_error *err)
{
	spm_period one = *span, *parts = &one;
	size_t nparts = 1;
	whatif w = {.err = err};
	int rc = SPM_OK;

	if (!nplans || !nagainst)
		return spm_error_set(err, SPM_EUSAGE, "what-if needs plans on both sides");
	spm_period_kind kind = plans[0].plan->period;
	for (size_t i = 0; i < nplans + nagainst; i++) {
		const spm_plan *p = i < nplans ? plans[i].plan : against[i - nplans].plan;
		if (p->period != kind)
			return spm_error_set(err, SPM_EUSAGE,
			                     "%s: plan '%s' pays by other periods than '%s'",
			                     p->source, p->name, plans[0].plan->name);
	}
	if (span->kind < kind)
		return spm_error_set(err, SPM_EUSAGE,
		                     "the plans pay by longer periods than the span");
	if (span->kind > kind) {
		spm_period buf[12];
		if (spm_period_split(span, kind, buf, 12, &nparts))
			return spm_error_set(err, SPM_EUSAGE, "cannot split the span into periods");
		if (!(parts = malloc(nparts * sizeof *parts)))
			return nomem(err);
		memcpy(parts, buf, nparts * sizeof *parts);
	}
	w.set = 0;
	rc = whatif_set(st, plans, nplans, parts, nparts, NULL, &w, err);
	w.set = 1;
	if (!rc)
		rc = whatif_set(st, against, nagainst, parts, nparts, NULL, &w, err);
	rc = whatif_emit(&w, rc, fn, ctx, err);
	if (parts != &one)
		free(parts);
	return rc;
}

typedef struct solve_eval {
	int64_t earned;
	bool seen;
	const char *component;
	spm_money base, quota;
	bool has_quota;
} solve_eval;

static int solve_add(void *ctx, const spm_payout *p)
{
	static const char *const earned[] = {"commission", "bonus",    "override",    "cap",
	                                     "clawback",   "rounding", "restatement", NULL};
	solve_eval *e = ctx;
	for (size_t i = 0; earned[i]; i++)
		if (strcmp(p->kind, earned[i]) == 0)
			e->earned += p->pay.units;
	if (p->component && strcmp(p->kind, "commission") == 0 &&
	    strcmp(p->component, e->component) == 0) {
		e->seen = true;
		e->base = p->base;
		e->quota = p->quota;
		e->has_quota = p->has_quota;
	}
	return SPM_OK;
}

static int solve_at(spm_store *st, const spm_run_plan *plan, const spm_period *period,
                    const char *rep, size_t comp, spm_money extra, run_measures *measures,
                    solve_eval *e, spm_error *err)
{
	run_mode mode = {
	    .dry = true, .only_rep = rep, .extra_comp = comp, .extra = extra, .measures = measures};
	spm_run_summary sum;
	const char *name = e->component;
	memset(e, 0, sizeof *e);
	e->component = name;
	return spm_run_period(st, plan, 1, period, &mode, solve_add, e, &sum, err);
}

static int solve(spm_store *st, const spm_run_plan *plan, const spm_period *period,
                 const char *rep_id, const char *component, spm_money payout, spm_solve_result *out,
                 run_measures *m, spm_error *err)
{
	const spm_plan *p = plan->plan;
	size_t k = p->ncomponents;
	solve_eval e = {0};
	int rc;

	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < p->ncomponents; i++) {
		const spm_plan_component *c = &p->components[i];
		bool money = c->measure == SPM_MEASURE_AMOUNT || c->measure == SPM_MEASURE_MARGIN;
		if (component ? strcmp(c->name, component) == 0 : money) {
			k = i;
			break;
		}
	}
	if (k == p->ncomponents)
		return component
		           ? spm_error_set(err, SPM_EUSAGE, "plan '%s' has no component '%s'",
		                           p->name, component)
		           : spm_error_set(err, SPM_EUSAGE,
		                           "plan '%s' has no component measured in money", p->name);
	const spm_plan_component *c = &p->components[k];
	out->component = c->name;
	e.component = c->name;
	if ((rc = solve_at(st, plan, period, rep_id, k, (spm_money){0}, m, &e, err)))
		return rc;
	if (!e.seen && c->pay != SPM_PAY_NONE)
		return spm_error_set(err, SPM_EDATA, "rep '%s' is not on plan '%s' in the period",
		                     rep_id, p->name);
	out->earned.units = e.earned;
	/* the next tier: the first bound above the measure */
	if (c->pay == SPM_PAY_TABLE) {
		for (size_t t = 0; t < c->table.ntiers && !out->has_next_tier; t++) {
			const spm_tier *tier = &c->table.tiers[t];
			spm_money at = {tier->upto};
			if (tier->unbounded)
				break;
			if (c->table.basis == SPM_TIERS_ON_ATTAINMENT &&
			    (!e.has_quota ||
			     spm_money_mul_rate(&at, e.quota, (spm_rate){tier->upto},
			                        SPM_ROUND_UP)))
				break;
			if (c->table.method == SPM_TIERS_RETROACTIVE &&
			    c->table.boundary == SPM_BOUNDARY_BELOW)
				at.units += 1; /* on the bound still belongs to the tier below */
			if (at.units > e.base.units) {
				out->has_next_tier = true;
				out->to_next_tier.units = at.units - e.base.units;
			}
		}
		if (out->has_next_tier) {
			solve_eval t = {.component = c->name};
			if ((rc = solve_at(st, plan, period, rep_id, k, out->to_next_tier, m, &t,
			                   err)))
				return rc;
			out->next_tier_earned.units = t.earned;
		}
	}
	if (e.earned >= payout.units) {
		out->reachable = true;
		return SPM_OK;
	}
	/* bisection on cents: find hi that earns it, then the least such amount */
	int64_t lo = 0, hi = 100 * SPM_MONEY_ONE;
	for (;;) {
		if ((rc = solve_at(st, plan, period, rep_id, k, (spm_money){hi}, m, &e, err)))
			return rc;
		if (e.earned >= payout.units)
			break;
		if (hi > INT64_MAX / 1024)
			return SPM_OK; /* unreachable: capped */
		lo = hi;
		hi *= 2;
	}
	while (hi - lo > SPM_MONEY_ONE / 100) {
		int64_t mid = lo + (hi - lo) / 2;
		mid -= mid % (SPM_MONEY_ONE / 100);
		if (mid <= lo)
			break;
		if ((rc = solve_at(st, plan, period, rep_id, k, (spm_money){mid}, m, &e, err)))
			return rc;
		if (e.earned >= payout.units)
			hi = mid;
		else
			lo = mid;
	}
	out->reachable = true;
	out->more.units = hi;
	return SPM_OK;
}

int spm_solve(spm_store *st, const spm_run_plan *plan, const spm_period *period, const char *rep_id,
              const char *component, spm_money payout, spm_solve_result *out, spm_error *err)
{
	run_measures measures = {0}; /* the rep's sales are read once, then reused */
	int rc = solve(st, plan, period, rep_id, component, payout, out, &measures, err);
	spm_run_measures_free(&measures);
	return rc;
}

int spm_forecast_cost(spm_store *st, const spm_run_plan *plans, size_t nplans,
                      const spm_period *period, spm_date as_of, spm_fc_category scenario,
                      spm_whatif_fn fn, void *ctx, spm_error *err)
{
	static const char *const sql[] = {
	    /* the categories each scenario lands; `closed` on an open deal is commit */
	    [SPM_FC_COMMIT] = "('commit', 'closed')",
	    [SPM_FC_BEST_CASE] = "('commit', 'closed', 'best_case')",
	    [SPM_FC_PIPELINE] = "('commit', 'closed', 'best_case', 'pipeline')",
	};
	char text[512];
	whatif w = {.err = err};
	int rc;

	if (!nplans || (scenario != SPM_FC_COMMIT && scenario != SPM_FC_BEST_CASE &&
	                scenario != SPM_FC_PIPELINE))
		return spm_error_set(err, SPM_EUSAGE, "forecast cost: plans and a scenario of commit,"
		                                      " best_case or pipeline");
	for (size_t i = 0; i < nplans; i++)
		if ((rc = spm_run_check_plan(plans[i].plan, period, err)))
			return rc;
	snprintf(text, sizeof text,
	         "UPDATE deals SET status = 'won' WHERE status = 'open' AND amount IS NOT NULL"
	         " AND close_date BETWEEN ?1 AND ?2 AND coalesce(forecast_category,"
	         " (SELECT s.forecast_category FROM stages s WHERE s.stage = deals.stage),"
	         " 'pipeline') IN %s",
	         sql[scenario]);
	whatif_change land = {text, as_of.days > period->first.days ? as_of : period->first,
	                      period->last};
	w.set = 1;
	rc = whatif_set(st, plans, nplans, period, 1, NULL, &w, err);
	w.set = 0;
	if (!rc && land.first.days <= land.last.days)
		rc = whatif_set(st, plans, nplans, period, 1, &land, &w, err);
	else if (!rc)
		rc = whatif_set(st, plans, nplans, period, 1, NULL, &w, err);
	return whatif_emit(&w, rc, fn, ctx, err);
}
