/*
 * pay.c - one component's pay from its measure, and a period's settlement against draws and
 * carried balances (see pay.h). Pure arithmetic on exact decimals: no store, no I/O.
 */
#include "pay.h"

#include <inttypes.h>
#include <string.h>

#include "spm/attainment.h"

static int range(spm_error *err, const char *what)
{
	return spm_error_set(err, SPM_ERANGE, "%s out of range", what);
}

int spm_pay_attainment(const spm_measured *m, spm_rate *out, spm_error *err)
{
	/* the one definition of attainment, shared with spm-quota's reports */
	return spm_attainment_ratio(m->base, m->has_quota ? m->quota : (spm_money){0}, out, err);
}

/* The highest multiplier whose attainment is reached, or NULL. */
static const spm_plan_multiplier *multiplier_at(const spm_plan_component *c, spm_rate a)
{
	const spm_plan_multiplier *found = NULL;
	for (size_t i = 0; i < c->nmultipliers; i++)
		if (a.units >= c->multipliers[i].at.units)
			found = &c->multipliers[i];
	return found;
}

static int apply_threshold(const spm_plan *p, const spm_plan_component *c, const spm_measured *m,
                           spm_earned *e, spm_error *err)
{
	const spm_plan_threshold *t = &c->threshold;
	int64_t measure = t->basis == SPM_TIERS_ON_AMOUNT ? m->base.units : e->attainment.units;
	if (t->kind == SPM_THRESHOLD_GATE) {
		e->gated = !spm_threshold_passed(measure, t->at, t->boundary);
		return SPM_OK;
	}
	return spm_threshold_deduct(t->basis, m->base, m->quota, t->at, p->rounding, &e->paying,
	                            err);
}

int spm_pay_component(const spm_plan *p, const spm_plan_component *c, const spm_measured *m,
                      spm_earned *e, spm_error *err)
{
	int rc;

	memset(e, 0, sizeof *e);
	if ((rc = spm_pay_attainment(m, &e->attainment, err)))
		return rc;
	e->paying = m->base;
	if (c->threshold.set && (rc = apply_threshold(p, c, m, e, err)))
		return rc;
	if (!e->gated) {
		switch (c->pay) {
		case SPM_PAY_RATE:
			if (spm_money_mul_rate(&e->earned, e->paying, c->rate, p->rounding))
				return range(err, "pay");
			break;
		case SPM_PAY_PER_UNIT:
			/* the measure is a count held as whole money units */
			if (spm_money_mul_ratio(&e->earned, c->per_unit, (spm_rate){e->paying.units},
			                        (spm_rate){SPM_MONEY_ONE}, p->rounding))
				return range(err, "pay");
			break;
		case SPM_PAY_TABLE:
			if ((rc = spm_rate_table_pay(&c->table, e->paying, m->quota, p->rounding,
			                             &e->earned, e->steps, SPM_PAY_MAX_STEPS,
			                             &e->nsteps, err)))
				return rc;
			if (e->nsteps > SPM_PAY_MAX_STEPS)
				e->nsteps = SPM_PAY_MAX_STEPS;
			break;
		case SPM_PAY_CURVE:
			if ((rc = spm_curve_payout(c->curve.points, c->curve.npoints, e->attainment,
			                           p->rounding, &e->payout, err)) ||
			    (rc = spm_curve_pay(c->curve.points, c->curve.npoints, e->attainment,
			                        m->target, p->rounding, &e->earned, err)))
				return rc;
			break;
		case SPM_PAY_NONE:
			break;
		}
		const spm_plan_multiplier *mul = multiplier_at(c, e->attainment);
		if (mul) {
			e->multiplied = true;
			e->factor = mul->factor;
			if (spm_money_mul_rate(&e->earned, e->earned, mul->factor, p->rounding))
				return range(err, "pay");
		}
	}
	e->capped = e->earned;
	if (c->has_cap && (rc = spm_cap(e->earned, c->cap, &e->capped, &e->cut, err)))
		return rc;
	return SPM_OK;
}

static int money_member(spm_buf *b, const char *key, spm_money m)
{
	char v[SPM_NUM_BUFSZ];
	spm_money_format(v, sizeof v, m, 2);
	return spm_buf_json_member(b, key, v);
}

static int rate_member(spm_buf *b, const char *key, spm_rate r)
{
	char v[SPM_NUM_BUFSZ];
	spm_rate_format(v, sizeof v, r, true);
	return spm_buf_json_member(b, key, v);
}

static int threshold_member(spm_buf *b, const spm_plan_threshold *t, const spm_earned *e)
{
	char v[SPM_NUM_BUFSZ];
	if (t->basis == SPM_TIERS_ON_AMOUNT)
		spm_money_format(v, sizeof v, (spm_money){t->at}, 2);
	else
		spm_rate_format(v, sizeof v, (spm_rate){t->at}, true);
	return spm_buf_printf(b, ",\"threshold\":\"%s at %s of %s: %s\"",
	                      t->kind == SPM_THRESHOLD_GATE ? "gate" : "deductible", v,
	                      t->basis == SPM_TIERS_ON_AMOUNT ? "amount" : "attainment",
	                      t->kind == SPM_THRESHOLD_DEDUCTIBLE ? "the excess pays"
	                      : e->gated                          ? "not reached, nothing pays"
	                                                          : "reached, all pays");
}

int spm_pay_explain(spm_buf *b, const spm_plan_component *c, const spm_measured *m,
                    const spm_earned *e)
{
	int rc = spm_buf_printf(b, "\"credits\":%" PRId64, m->credits);
	rc |= money_member(b, "base", m->base);
	if (m->has_quota)
		rc |= money_member(b, "quota", m->quota) | rate_member(b, "attainment", e->attainment);
	if (c->threshold.set) {
		rc |= threshold_member(b, &c->threshold, e);
		if (c->threshold.kind == SPM_THRESHOLD_DEDUCTIBLE)
			rc |= money_member(b, "paying_base", e->paying);
	}
	switch (c->pay) {
	case SPM_PAY_RATE:
		rc |= rate_member(b, "rate", c->rate);
		break;
	case SPM_PAY_PER_UNIT:
		rc |= money_member(b, "per_unit", c->per_unit);
		break;
	case SPM_PAY_TABLE:
		rc |= spm_buf_printf(
		    b, ",\"table\":\"%s on %s\",\"steps\":[",
		    c->table.method == SPM_TIERS_GRADUATED ? "graduated" : "retroactive",
		    c->table.basis == SPM_TIERS_ON_AMOUNT ? "amount" : "attainment");
		for (size_t i = 0; i < e->nsteps; i++) {
			rc |= spm_buf_printf(b, "%s{\"tier\":%d", i ? "," : "", e->steps[i].tier + 1);
			rc |= money_member(b, "base", e->steps[i].base);
			rc |= rate_member(b, "rate", e->steps[i].rate);
			rc |= money_member(b, "pay", e->steps[i].pay) | spm_buf_append_char(b, '}');
		}
		rc |= spm_buf_append_char(b, ']');
		break;
	case SPM_PAY_CURVE:
		rc |= money_member(b, "target", m->target) | rate_member(b, "payout", e->payout);
		break;
	case SPM_PAY_NONE:
		break;
	}
	if (e->multiplied)
		rc |= rate_member(b, "multiplier", e->factor);
	rc |= money_member(b, "earned", e->earned);
	if (c->has_cap)
		rc |= money_member(b, "cap", c->cap) | money_member(b, "cut", e->cut);
	return rc ? SPM_ENOMEM : SPM_OK;
}

static spm_money min_money(spm_money a, spm_money b)
{
	return a.units < b.units ? a : b;
}

int spm_pay_settle(const spm_plan *p, spm_settle *s, spm_error *err)
{
	const spm_plan_draw *d = &p->draw;
	spm_money net = s->net;

	s->carry_in = s->carry_out = s->top_up = s->recovery = (spm_money){0};
	s->settlement = s->forgiven = (spm_money){0};
	if (net.units < 0 && p->negative == SPM_NEGATIVE_CARRY) {
		s->carry_in.units = -net.units;
		net.units = 0;
	}
	if (s->carried.units < 0 && net.units > 0) {
		s->carry_out.units = -min_money((spm_money){-s->carried.units}, net).units;
		net.units += s->carry_out.units;
	}
	if (!d->set)
		return SPM_OK;
	spm_money drawn = s->drawn;
	if (net.units < s->draw.units) {
		if (spm_money_sub(&s->top_up, s->draw, net))
			return range(err, "draw");
		if (d->recoverable)
			drawn.units -= s->top_up.units;
	} else if (d->recoverable && drawn.units < 0) {
		spm_money room = {net.units - s->draw.units};
		if (d->has_limit) {
			spm_money limit;
			if (spm_money_mul_rate(&limit, net, d->limit, SPM_ROUND_DOWN))
				return range(err, "draw recovery");
			room = min_money(room, limit);
		}
		spm_money take = min_money((spm_money){-drawn.units}, room);
		s->recovery.units = -take.units;
		drawn.units += take.units;
	}
	if (d->recoverable && s->leaves && drawn.units < 0) {
		if (d->recover_on_leave)
			s->settlement = drawn;
		else
			s->forgiven.units = -drawn.units;
	}
	return SPM_OK;
}
