/*
 * lint.c - checks a plan's shape of pay (cliffs, pay that falls) and the store for sellers on no
 * plan. The arithmetic is the rate tables' own: a cliff is the bound times the change of rate.
 * A tier marked `decelerator: true` says its lower rate is meant, so its fall is not reported;
 * curves have no such mark, so a curve that pays less further on is always reported.
 */
#include "spm/lint.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static void report(spm_lint_fn fn, void *ctx, const char *source, long line, const char *msg)
{
	spm_lint finding = {source, line, ""};
	snprintf(finding.message, sizeof finding.message, "%s", msg);
	fn(ctx, &finding);
}

/* A tier bound as the table writes it: an amount, or a percentage of quota. */
static void format_bound(char *buf, size_t size, const spm_rate_table *t, int64_t bound)
{
	if (t->basis == SPM_TIERS_ON_AMOUNT)
		spm_money_format(buf, size, (spm_money){bound}, 0);
	else
		spm_rate_format(buf, size, (spm_rate){bound}, true);
}

static bool meant_to_fall(const spm_plan_component *c, size_t tier)
{
	return c->decelerators && c->decelerators[tier];
}

/* One bound of a retroactive table: the jump of pay when the measure crosses it. */
static int lint_bound(const spm_plan *p, const spm_plan_component *c, size_t i,
                      const spm_lint_options *o, spm_lint_fn fn, void *ctx, spm_error *err)
{
	const spm_rate_table *t = &c->table;
	const spm_tier *lo = &t->tiers[i], *hi = &t->tiers[i + 1];
	char at[SPM_NUM_BUFSZ], size[SPM_NUM_BUFSZ], r0[SPM_NUM_BUFSZ], r1[SPM_NUM_BUFSZ];
	char msg[512];
	spm_rate delta = {hi->rate.units - lo->rate.units};
	bool falls = delta.units < 0;

	if (delta.units == 0 || (falls && meant_to_fall(c, i + 1)))
		return 0;
	if (falls)
		delta.units = -delta.units;
	spm_rate_format(r0, sizeof r0, lo->rate, true);
	spm_rate_format(r1, sizeof r1, hi->rate, true);
	if (t->basis == SPM_TIERS_ON_AMOUNT) {
		spm_money jump;
		if (spm_money_mul_rate(&jump, (spm_money){lo->upto}, delta, SPM_ROUND_HALF_UP))
			return spm_error_set(err, SPM_ERANGE, "%s: component '%s': cliff too large",
			                     p->source, c->name);
		if (!falls && jump.units <= o->cliff_amount.units)
			return 0;
		spm_money_format(size, sizeof size, jump, 2);
	} else {
		spm_rate jump;
		if (spm_rate_mul(&jump, (spm_rate){lo->upto}, delta, SPM_ROUND_HALF_UP))
			return spm_error_set(err, SPM_ERANGE, "%s: component '%s': cliff too large",
			                     p->source, c->name);
		if (!falls && jump.units <= o->cliff_share.units)
			return 0;
		spm_rate_format(size, sizeof size, jump, true);
		strncat(size, " of quota", sizeof size - strlen(size) - 1);
	}
	format_bound(at, sizeof at, t, lo->upto);
	if (falls)
		snprintf(
		    msg, sizeof msg,
		    "pay falls: component '%s' at %s drops the rate from %s to %s for the whole "
		    "base, %s less",
		    c->name, at, r0, r1, size);
	else
		snprintf(msg, sizeof msg,
		         "cliff: component '%s' pays %s more at %s (tier %zu to %zu, retroactive, "
		         "%s to %s)",
		         c->name, size, at, i + 1, i + 2, r0, r1);
	report(fn, ctx, p->source, c->tier_lines[i + 1], msg);
	return 1;
}

/*
 * One bound of a graduated table: pay never jumps, but a lower rate on the next slice means each
 * further unit of sales earns less than the one before.
 */
static int lint_slice(const spm_plan *p, const spm_plan_component *c, size_t i, spm_lint_fn fn,
                      void *ctx)
{
	const spm_rate_table *t = &c->table;
	const spm_tier *lo = &t->tiers[i], *hi = &t->tiers[i + 1];
	char at[SPM_NUM_BUFSZ], r0[SPM_NUM_BUFSZ], r1[SPM_NUM_BUFSZ], msg[512];

	if (hi->rate.units >= lo->rate.units || meant_to_fall(c, i + 1))
		return 0;
	format_bound(at, sizeof at, t, lo->upto);
	spm_rate_format(r0, sizeof r0, lo->rate, true);
	spm_rate_format(r1, sizeof r1, hi->rate, true);
	snprintf(msg, sizeof msg,
	         "pay falls: component '%s' above %s pays %s instead of %s on each further unit "
	         "(graduated, tier %zu to %zu); mark the tier 'decelerator: true' if meant",
	         c->name, at, r1, r0, i + 1, i + 2);
	report(fn, ctx, p->source, c->tier_lines[i + 1], msg);
	return 1;
}

/* A curve whose payout drops from one point to the next: more attainment, less pay. */
static int lint_curve(const spm_plan *p, const spm_plan_curve *cv, const char *name, long line,
                      spm_lint_fn fn, void *ctx)
{
	char a0[SPM_NUM_BUFSZ], a1[SPM_NUM_BUFSZ], p0[SPM_NUM_BUFSZ], p1[SPM_NUM_BUFSZ];
	char msg[512];
	int found = 0;

	for (size_t i = 0; i + 1 < cv->npoints; i++) {
		const spm_curve_point *lo = &cv->points[i], *hi = &cv->points[i + 1];
		if (hi->payout.units >= lo->payout.units)
			continue;
		spm_rate_format(a0, sizeof a0, lo->attainment, true);
		spm_rate_format(a1, sizeof a1, hi->attainment, true);
		spm_rate_format(p0, sizeof p0, lo->payout, true);
		spm_rate_format(p1, sizeof p1, hi->payout, true);
		if (name)
			snprintf(msg, sizeof msg,
			         "pay falls: component '%s' curve pays %s at %s but %s at %s "
			         "(points %zu to %zu)",
			         name, p0, a0, p1, a1, i + 1, i + 2);
		else
			snprintf(
			    msg, sizeof msg,
			    "pay falls: the plan's curve pays %s at %s but %s at %s (points %zu "
			    "to %zu)",
			    p0, a0, p1, a1, i + 1, i + 2);
		report(fn, ctx, p->source, line, msg);
		found++;
	}
	return found;
}

static int lint_component(const spm_plan *plan, const spm_plan_component *c,
                          const spm_lint_options *o, spm_lint_fn fn, void *ctx, spm_error *err)
{
	int found = 0;

	if (c->pay == SPM_PAY_CURVE)
		return lint_curve(plan, &c->curve, c->name, c->line, fn, ctx);
	if (c->pay != SPM_PAY_TABLE)
		return 0;
	for (size_t i = 0; i + 1 < c->table.ntiers; i++) {
		int rc = c->table.method == SPM_TIERS_RETROACTIVE
		             ? lint_bound(plan, c, i, o, fn, ctx, err)
		             : lint_slice(plan, c, i, fn, ctx);
		if (rc < 0)
			return rc;
		found += rc;
	}
	return found;
}

int spm_plan_lint(const spm_plan *plan, const spm_lint_options *options, spm_lint_fn fn, void *ctx,
                  spm_error *err)
{
	static const spm_lint_options none = {{0}, {0}};
	const spm_lint_options *o = options ? options : &none;
	int found = 0;

	for (size_t k = 0; k < plan->ncomponents; k++) {
		int rc = lint_component(plan, &plan->components[k], o, fn, ctx, err);
		if (rc < 0)
			return rc;
		found += rc;
	}
	if (plan->curve_on == SPM_CURVE_WEIGHTED)
		found += lint_curve(plan, &plan->curve, NULL, 0, fn, ctx);
	return found;
}

int spm_plan_unassigned(spm_store *st, const spm_plan *const *plans, size_t nplans,
                        const spm_period *period, spm_lint_fn fn, void *ctx, spm_error *err)
{
	char first[SPM_DATE_BUFSZ], last[SPM_DATE_BUFSZ], name[SPM_PERIOD_BUFSZ];
	spm_buf sql = {0};
	spm_stmt *s = NULL;
	int rc = 0, found = 0;

	rc |= spm_buf_append_str(
	    &sql, "WITH sellers(rep_id) AS ("
	          " SELECT d.rep_id FROM deals d WHERE d.status = 'won' AND d.rep_id IS NOT NULL"
	          "  AND d.close_date BETWEEN ?1 AND ?2"
	          " UNION"
	          " SELECT c.rep_id FROM credits c JOIN deals d ON d.deal_id = c.deal_id"
	          "  WHERE d.status = 'won' AND d.close_date BETWEEN ?1 AND ?2)"
	          " SELECT rep_id FROM sellers s WHERE NOT EXISTS (SELECT 1 FROM assignments a"
	          "  WHERE a.rep_id = s.rep_id AND a.from_date <= ?2"
	          "  AND (a.to_date IS NULL OR a.to_date >= ?1) AND a.plan IN (");
	for (size_t i = 0; i < nplans; i++)
		rc |= spm_buf_printf(&sql, i ? ", ?%zu" : "?%zu", i + 3);
	rc |= spm_buf_append_str(&sql, ")) ORDER BY rep_id");
	if (rc) {
		spm_buf_free(&sql);
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	}
	rc = spm_stmt_prepare(st, &s, sql.data, err);
	spm_buf_free(&sql);
	if (rc)
		return rc;
	spm_date_format(first, sizeof first, period->first);
	spm_date_format(last, sizeof last, period->last);
	spm_period_format(name, sizeof name, period);
	rc = spm_stmt_bind_text(s, 1, first, strlen(first)) |
	     spm_stmt_bind_text(s, 2, last, strlen(last));
	for (size_t i = 0; i < nplans; i++)
		rc |= spm_stmt_bind_text(s, (int)i + 3, plans[i]->name, strlen(plans[i]->name));
	if (rc) {
		spm_stmt_finalize(s);
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	}
	while ((rc = spm_stmt_step(s, err)) == SPM_ROW) {
		char msg[512];
		snprintf(msg, sizeof msg,
		         "no plan: rep '%s' has won deals in %s but no assignment to "
		         "any plan checked",
		         spm_stmt_text(s, 0, NULL), name);
		report(fn, ctx, "", 0, msg);
		found++;
	}
	spm_stmt_finalize(s);
	return rc == SPM_DONE ? found : rc;
}
