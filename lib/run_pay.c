/*
 * run_pay.c - a seat's lines, from its measures: commissions (with the true-up), bonuses,
 * overrides, the plan's cap, clawbacks, restatements, rounding on the total, then the settlement
 * of negative pay and draws; each line written with its explanation and the credits behind it,
 * and the ledger moved. The arithmetic is pay.c's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_engine.h"
#include "spm/rates.h"

/* ---- the lines of a seat -------------------------------------------------------------------- */

typedef struct line {
	const char *component, *kind, *reference, *reason;
	spm_money amount;
	const spm_measured *m;
	const spm_earned *e;
	size_t slots; /* its credits: those of slot `slot`, or of slots [0, slots) when not 0 */
	size_t slot;
	bool credited; /* the line has credits behind it */
} line;

static int emit(run *r, seat *s, const line *l, spm_money *total)
{
	const spm_plan *p = r->plan;
	spm_stmt *q = r->line;
	spm_payout out = {s->rep,      p->name,      l->component, l->kind,
	                  0,           {0},          false,        {0},
	                  {0},         {0},          {0},          l->amount,
	                  p->currency, l->reference, l->reason,    r->explain.data};
	int rc;

	if (l->m) {
		out.credits = l->m->credits;
		out.base = l->m->base;
		out.has_quota = l->m->has_quota;
		out.quota = l->m->quota;
	}
	if (l->e) {
		out.attainment = l->e->attainment;
		out.earned = l->e->earned;
		out.cut = l->e->cut;
	}
	if (spm_money_add(total, *total, l->amount))
		return spm_error_set(r->err, SPM_ERANGE, "rep '%s': total pay out of range",
		                     s->rep);
	spm_stmt_reset(q);
	rc = spm_stmt_bind_int64(q, 1, r->run_id);
	rc |= spm_bind_str(q, 2, s->rep);
	rc |= spm_stmt_bind_text(q, 3, r->hash, 64);
	rc |= spm_bind_str(q, 4, p->name);
	rc |= spm_bind_str(q, 5, l->component);
	rc |= spm_bind_str(q, 6, l->kind);
	rc |= spm_stmt_bind_int64(q, 7, l->amount.units);
	rc |= spm_stmt_bind_text(q, 8, p->currency, 3);
	rc |= l->m ? spm_stmt_bind_int64(q, 9, l->m->base.units) : spm_stmt_bind_null(q, 9);
	rc |= l->e ? spm_stmt_bind_int64(q, 10, l->e->capped.units) : spm_stmt_bind_null(q, 10);
	rc |= spm_bind_str(q, 11, l->reference);
	rc |= spm_bind_str(q, 12, l->reason);
	rc |= spm_stmt_bind_text(q, 13, r->explain.data, r->explain.len);
	if (l->credited) {
		size_t at = (size_t)(s - r->seats);
		spm_buf_clear(&r->credits_json);
		if (spm_buf_append_char(&r->credits_json, '['))
			return nomem(r->err);
		for (size_t k = l->slots ? 0 : l->slot; k < (l->slots ? l->slots : l->slot + 1);
		     k++)
			if ((rc = spm_run_credits_json(r, at, k)))
				return rc;
		if (spm_buf_append_char(&r->credits_json, ']'))
			return nomem(r->err);
		rc = spm_stmt_bind_text(q, 14, r->credits_json.data, r->credits_json.len);
	} else {
		rc |= spm_stmt_bind_null(q, 14);
	}
	if (rc)
		return nomem(r->err);
	if ((rc = spm_stmt_step(q, r->err)) < 0)
		return rc;
	r->sum->lines++;
	return r->fn ? r->fn(r->ctx, &out) : SPM_OK;
}

static int ledger(run *r, seat *s, const char *kind, spm_money amount, const char *note)
{
	spm_stmt *q = r->ledger;
	char name[SPM_PERIOD_BUFSZ];
	int rc;
	if (amount.units == 0)
		return SPM_OK;
	spm_period_format(name, sizeof name, r->period);
	spm_stmt_reset(q);
	rc = spm_bind_str(q, 1, s->rep);
	rc |= spm_bind_str(q, 2, name);
	rc |= spm_bind_str(q, 3, kind);
	rc |= spm_stmt_bind_int64(q, 4, amount.units);
	rc |= spm_stmt_bind_text(q, 5, r->plan->currency, 3);
	rc |= spm_stmt_bind_int64(q, 6, r->run_id);
	rc |= spm_bind_str(q, 7, note);
	rc |= spm_bind_str(q, 8, r->plan->name);
	if (rc)
		return nomem(r->err);
	return (rc = spm_stmt_step(q, r->err)) < 0 ? rc : SPM_OK;
}

/* Rounds a line's amount to the plan's place when the plan rounds each line. */
static int round_line(run *r, spm_money in, spm_money *out)
{
	const spm_plan *p = r->plan;
	if (p->rounding_on != SPM_ROUND_EACH_LINE) {
		*out = in;
		return SPM_OK;
	}
	if (spm_money_round(out, in, p->rounding_places, p->rounding))
		return spm_error_set(r->err, SPM_ERANGE, "pay out of range");
	return SPM_OK;
}

static int explain_open(run *r)
{
	spm_buf_clear(&r->explain);
	return spm_buf_append_char(&r->explain, '{') ? nomem(r->err) : SPM_OK;
}

static int explain_close(run *r)
{
	const spm_plan *p = r->plan;
	if (spm_buf_printf(&r->explain, "%s\"rounding\":\"%s to %d places%s\"}",
	                   r->explain.len > 1 ? "," : "", spm_rounding_name(p->rounding),
	                   p->rounding_places,
	                   p->rounding_on == SPM_ROUND_TOTAL ? " on the total" : ""))
		return nomem(r->err);
	return SPM_OK;
}

static int explain_money(run *r, const char *key, spm_money m)
{
	char v[SPM_NUM_BUFSZ];
	spm_money_format(v, sizeof v, m, 2);
	return spm_buf_json_member(&r->explain, key, v) ? nomem(r->err) : SPM_OK;
}

/* Pay = what the window earned, less what its earlier periods paid: the true-up. */
static int commission(run *r, seat *s, const char *component, size_t slot, const spm_measured *m,
                      const spm_earned *e, spm_money *total)
{
	spm_money earned, pay;
	int rc;
	if ((rc = round_line(r, e->capped, &earned)))
		return rc;
	if (spm_money_sub(&pay, earned, s->paid[slot]))
		return spm_error_set(r->err, SPM_ERANGE, "rep '%s': pay out of range", s->rep);
	if (r->plan->evaluation != SPM_EVAL_PERIOD &&
	    ((rc = explain_money(r, "earned_to_date", earned)) ||
	     (rc = explain_money(r, "paid_to_date", s->paid[slot]))))
		return rc;
	if ((rc = explain_close(r)))
		return rc;
	const size_t n = r->plan->ncomponents;
	line l = {.component = component,
	          .kind = "commission",
	          .amount = pay,
	          .m = m,
	          .e = e,
	          .slots = slot == n ? n : 0,
	          .slot = slot,
	          .credited = true};
	return emit(r, s, &l, total);
}

static int pay_components(run *r, seat *s, spm_earned *earned, spm_money *total)
{
	const spm_plan *p = r->plan;
	int rc;

	for (size_t k = 0; k < p->ncomponents; k++) {
		const spm_plan_component *c = &p->components[k];
		spm_measured *m = &s->m[k];
		if (c->pay == SPM_PAY_CURVE) {
			spm_money target = c->curve.target;
			if (!c->curve.has_target && spm_money_mul_rate(&target, p->target_incentive,
			                                               c->weight, p->rounding))
				return spm_error_set(r->err, SPM_ERANGE, "target out of range");
			if ((rc = spm_run_prorate(r, s, target, &m->target)))
				return rc;
		}
		if ((rc = spm_pay_component(p, c, m, &earned[k], r->err))) {
			spm_error_locate(r->err, p->source, c->line, NULL);
			return rc;
		}
		if (c->pay == SPM_PAY_NONE)
			continue;
		if ((rc = explain_open(r)))
			return rc;
		if (spm_pay_explain(&r->explain, c, m, &earned[k]))
			return nomem(r->err);
		if ((rc = commission(r, s, c->name, k, m, &earned[k], total)))
			return rc;
	}
	if (p->curve_on != SPM_CURVE_WEIGHTED)
		return SPM_OK;
	/* the plan's curve on the weighted attainment, paid once */
	spm_rate weighted = {0};
	spm_measured wm = {0};
	spm_earned we = {0};
	if ((rc = explain_open(r)) || spm_buf_append_str(&r->explain, "\"components\":["))
		return rc ? rc : nomem(r->err);
	for (size_t k = 0; k < p->ncomponents; k++) {
		spm_rate part;
		char a[SPM_NUM_BUFSZ], w[SPM_NUM_BUFSZ];
		if (spm_rate_mul(&part, earned[k].attainment, p->components[k].weight,
		                 SPM_ROUND_DOWN) ||
		    __builtin_add_overflow(weighted.units, part.units, &weighted.units))
			return spm_error_set(r->err, SPM_ERANGE,
			                     "weighted attainment out of range");
		spm_rate_format(a, sizeof a, earned[k].attainment, true);
		spm_rate_format(w, sizeof w, p->components[k].weight, true);
		const char *name = p->components[k].name;
		if (spm_buf_append_str(&r->explain, k ? ",{" : "{") ||
		    spm_buf_append_str(&r->explain, "\"component\":") ||
		    spm_buf_append_json_string(&r->explain, name, strlen(name)) ||
		    spm_buf_json_member(&r->explain, "attainment", a) ||
		    spm_buf_json_member(&r->explain, "weight", w) ||
		    spm_buf_append_char(&r->explain, '}'))
			return nomem(r->err);
	}
	spm_money target = p->curve.has_target ? p->curve.target : p->target_incentive;
	if ((rc = spm_run_prorate(r, s, target, &wm.target)))
		return rc;
	we.attainment = weighted;
	if ((rc = spm_curve_payout(p->curve.points, p->curve.npoints, weighted, p->rounding,
	                           &we.payout, r->err)) ||
	    (rc = spm_curve_pay(p->curve.points, p->curve.npoints, weighted, wm.target, p->rounding,
	                        &we.earned, r->err)))
		return rc;
	we.capped = we.earned;
	char a[SPM_NUM_BUFSZ], po[SPM_NUM_BUFSZ];
	spm_rate_format(a, sizeof a, weighted, true);
	spm_rate_format(po, sizeof po, we.payout, true);
	if (spm_buf_printf(&r->explain, "],\"weighted_attainment\":\"%s\",\"payout\":\"%s\"", a,
	                   po) ||
	    (rc = explain_money(r, "target", wm.target)) ||
	    (rc = explain_money(r, "earned", we.earned)))
		return rc ? rc : nomem(r->err);
	return commission(r, s, NULL, p->ncomponents, &wm, &we, total);
}

static int pay_bonuses(run *r, seat *s, const spm_earned *earned, spm_money *total)
{
	const spm_plan *p = r->plan;
	int rc;
	for (size_t k = 0; k < p->nbonuses; k++) {
		const spm_plan_bonus *b = &p->bonuses[k];
		spm_money amount = {0};
		if (b->component) {
			int c = spm_run_component_index(p, b->component);
			if (c < 0 || earned[c].attainment.units < b->min_attainment.units)
				continue;
		}
		if (b->kind == SPM_BONUS_FIXED) {
			if (b->has_window && (b->from.days > r->period->last.days ||
			                      b->to.days < r->period->first.days))
				continue;
			amount = b->amount;
			if (b->prorate && (rc = spm_run_prorate(r, s, amount, &amount)))
				return rc;
		} else if (spm_money_mul_ratio(&amount, b->amount, (spm_rate){s->bonus[k]},
		                               (spm_rate){1}, p->rounding)) {
			return spm_error_set(r->err, SPM_ERANGE, "rep '%s': bonus out of range",
			                     s->rep);
		}
		if (amount.units == 0)
			continue;
		if ((rc = round_line(r, amount, &amount)) || (rc = explain_open(r)))
			return rc;
		if (b->kind == SPM_BONUS_PER_DEAL) {
			if (spm_buf_printf(&r->explain, "\"deals\":%" PRId64, s->bonus[k]) ||
			    (rc = explain_money(r, "per_deal", b->amount)))
				return rc ? rc : nomem(r->err);
		} else if ((rc = explain_money(r, "amount", b->amount))) {
			return rc;
		}
		if (b->component) {
			char v[SPM_NUM_BUFSZ];
			spm_rate_format(v, sizeof v, b->min_attainment, true);
			if (spm_buf_append_str(&r->explain, ",\"when\":") ||
			    spm_buf_append_json_string(&r->explain, b->component,
			                               strlen(b->component)) ||
			    spm_buf_json_member(&r->explain, "at_least", v))
				return nomem(r->err);
		}
		if ((rc = explain_close(r)))
			return rc;
		line l = {.component = b->name,
		          .kind = "bonus",
		          .amount = amount,
		          .slot = p->ncomponents + p->noverrides + k,
		          .credited = b->kind == SPM_BONUS_PER_DEAL};
		if ((rc = emit(r, s, &l, total)))
			return rc;
	}
	return SPM_OK;
}

static int pay_overrides(run *r, seat *s, spm_money *total)
{
	const spm_plan *p = r->plan;
	int rc;
	for (size_t k = 0; k < p->noverrides; k++) {
		const spm_plan_override *o = &p->overrides[k];
		spm_money base = s->team[k], amount;
		if (o->has_above)
			base.units = base.units > o->above.units ? base.units - o->above.units : 0;
		if (spm_money_mul_rate(&amount, base, o->rate, p->rounding))
			return spm_error_set(r->err, SPM_ERANGE, "rep '%s': override out of range",
			                     s->rep);
		if (s->team_lines[k] == 0)
			continue;
		if ((rc = round_line(r, amount, &amount)) || (rc = explain_open(r)) ||
		    (rc = explain_money(r, "team_credited", s->team[k])))
			return rc;
		if (spm_buf_printf(&r->explain, ",\"team_credits\":%" PRId64, s->team_lines[k]))
			return nomem(r->err);
		if (o->has_above && ((rc = explain_money(r, "above", o->above)) ||
		                     (rc = explain_money(r, "paying_base", base))))
			return rc;
		char v[SPM_NUM_BUFSZ];
		spm_rate_format(v, sizeof v, o->rate, true);
		if (spm_buf_printf(&r->explain, ",\"rate\":\"%s\",\"levels\":\"%s\"", v,
		                   o->all_levels ? "all" : "direct"))
			return nomem(r->err);
		if ((rc = explain_close(r)))
			return rc;
		spm_measured m = {base, s->team_lines[k], false, {0}, {0}};
		line l = {.component = o->name,
		          .kind = "override",
		          .amount = amount,
		          .m = &m,
		          .slot = p->ncomponents + k,
		          .credited = true};
		if ((rc = emit(r, s, &l, total)))
			return rc;
	}
	return SPM_OK;
}

/* The plan's cap on the period's commissions, bonuses and overrides: a negative line. */
static int plan_cap(run *r, seat *s, spm_money *total)
{
	const spm_plan *p = r->plan;
	int rc;
	if (!p->has_cap || total->units <= p->cap.units)
		return SPM_OK;
	spm_money cut = {p->cap.units - total->units};
	if ((rc = explain_open(r)) || (rc = explain_money(r, "before_cap", *total)) ||
	    (rc = explain_money(r, "cap", p->cap)) || (rc = explain_close(r)))
		return rc;
	line l = {.kind = "cap", .reason = "the plan's cap per period", .amount = cut};
	return emit(r, s, &l, total);
}

/*
 * Deals cancelled in the period and paid in a period before the window, within the plan's
 * clawback days: the statement is opened once per plan and read along the seats (both in rep
 * order).
 */
int spm_run_clawbacks_open(run *r)
{
	const spm_plan *p = r->plan;
	int rc;
	r->claw_rc = SPM_DONE;
	if (!p->has_clawback)
		return SPM_OK;
	/*
	 * Only the runs that can hold a clawed-back credit are read: those of periods before the
	 * window that end no earlier than the clawback days before this period (a credit's day
	 * lies in its run's period); of them, the latest that paid the deal gives the rate.
	 */
	rc = spm_stmt_prepare(
	    r->st, &r->claw,
	    "WITH cancelled AS MATERIALIZED (SELECT deal_id, cancel_date FROM deals"
	    " WHERE cancel_date BETWEEN ?2 AND ?3),"
	    " hits AS MATERIALIZED (SELECT l.rep_id, json_extract(j.value, '$[0]') AS component,"
	    " x.deal_id, json_extract(j.value, '$[2]') AS role,"
	    " json_extract(j.value, '$[8]') AS converted, n.period, n.period_last, l.earned,"
	    " l.base, x.cancel_date FROM runs n"
	    " JOIN payout_lines l ON l.run_id = n.run_id AND l.plan = ?1"
	    " AND l.kind = 'commission' AND l.component IS NOT NULL"
	    " JOIN json_each(l.credits) j" /* SQLite */
	    " JOIN cancelled x ON x.deal_id = json_extract(j.value, '$[1]')"
	    " WHERE n.period_last < ?4 AND n.period_last >= date(?2, '-' || ?5 || ' days')"
	    " AND julianday(x.cancel_date) - julianday(json_extract(j.value, '$[5]')) <= ?5)"
	    " SELECT h.rep_id, h.component, h.deal_id, h.converted, h.period, h.earned, h.base,"
	    " h.cancel_date FROM hits h"
	    " WHERE h.period_last = (SELECT max(g.period_last) FROM hits g"
	    " WHERE g.deal_id = h.deal_id AND g.rep_id = h.rep_id AND g.component = h.component)"
	    " ORDER BY h.rep_id, h.deal_id, h.component, h.role",
	    r->err);
	if (rc)
		return rc;
	if (spm_bind_str(r->claw, 1, p->name) || spm_bind_date(r->claw, 2, r->period->first) ||
	    spm_bind_date(r->claw, 3, r->period->last) || spm_bind_date(r->claw, 4, r->window.first) ||
	    spm_stmt_bind_int64(r->claw, 5, p->clawback_days))
		return nomem(r->err);
	r->claw_rc = spm_stmt_step(r->claw, r->err);
	return r->claw_rc < 0 ? r->claw_rc : SPM_OK;
}

/* One clawback line: the deal's credit at the rate its component earned when it was paid. */
static int clawback(run *r, seat *s, spm_money *total)
{
	const spm_plan *p = r->plan;
	spm_stmt *q = r->claw;
	spm_money credited = {spm_stmt_int64(q, 3)}, earned = {spm_stmt_int64(q, 5)};
	spm_money base = {spm_stmt_int64(q, 6)}, back = {0};
	char ref[512], why[512];
	int rc;

	if (base.units > 0 && spm_money_mul_ratio(&back, credited, (spm_rate){earned.units},
	                                          (spm_rate){base.units}, p->rounding))
		return spm_error_set(r->err, SPM_ERANGE, "rep '%s': clawback out of range", s->rep);
	back.units = -back.units;
	if ((rc = round_line(r, back, &back)))
		return rc;
	snprintf(ref, sizeof ref, "%s:%s:%s", spm_stmt_text(q, 4, NULL), spm_stmt_text(q, 1, NULL),
	         spm_stmt_text(q, 2, NULL));
	snprintf(why, sizeof why, "deal %s cancelled on %s", spm_stmt_text(q, 2, NULL),
	         spm_stmt_text(q, 7, NULL));
	if ((rc = explain_open(r)) || (rc = explain_money(r, "credited", credited)) ||
	    (rc = explain_money(r, "earned_then", earned)) ||
	    (rc = explain_money(r, "base_then", base)) || (rc = explain_close(r)))
		return rc;
	feed(r, ref);
	feed_int(r, back.units);
	line l = {.component = spm_stmt_text(q, 1, NULL),
	          .kind = "clawback",
	          .reference = ref,
	          .reason = why,
	          .amount = back};
	return emit(r, s, &l, total);
}

static int clawbacks(run *r, seat *s, spm_money *total)
{
	int rc;
	while (r->claw_rc == SPM_ROW) {
		int order = strcmp(spm_stmt_text(r->claw, 0, NULL), s->rep);
		if (order > 0)
			break;
		if (order == 0 && (rc = clawback(r, s, total)))
			return rc;
		r->claw_rc = spm_stmt_step(r->claw, r->err);
	}
	return r->claw_rc < 0 ? r->claw_rc : SPM_OK;
}

/* Negative pay carried or paid, draws topped up or recovered, a leaver's balance settled. */
static int settle_seat(run *r, seat *s, spm_money total)
{
	const spm_plan *p = r->plan;
	spm_settle st = {
	    .net = total, .carried = s->carried, .drawn = s->drawn, .leaves = s->leaves};
	int rc;

	if (p->draw.set && (rc = spm_run_prorate(r, s, p->draw.amount, &st.draw)))
		return rc;
	if ((rc = spm_pay_settle(p, &st, r->err)))
		return rc;
	struct {
		spm_money amount;
		const char *kind, *reason, *ledger_kind;
		int64_t sign;
	} moves[] = {
	    {st.carry_in, "carry", "negative pay carried to the next period", "carry", -1},
	    {st.carry_out, "carry", "negative pay carried from an earlier period", "carry", -1},
	    {st.top_up, "draw", "the draw tops up pay below it", "draw",
	     p->draw.recoverable ? -1 : 0},
	    {st.recovery, "recovery", "an earlier draw recovered", "recovery", -1},
	    {st.settlement, "settlement", "the draw's balance recovered on leaving", "settlement",
	     -1},
	};
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
		if (moves[i].amount.units == 0)
			continue;
		if ((rc = explain_open(r)) || (rc = explain_money(r, "net_before", st.net)) ||
		    (rc = explain_money(r, "carried_before", s->carried)) ||
		    (p->draw.set && ((rc = explain_money(r, "draw", st.draw)) ||
		                     (rc = explain_money(r, "drawn_before", s->drawn)))) ||
		    (rc = explain_close(r)))
			return rc;
		line l = {
		    .kind = moves[i].kind, .reason = moves[i].reason, .amount = moves[i].amount};
		spm_money ignored = {0};
		if ((rc = emit(r, s, &l, &ignored)) ||
		    (moves[i].sign &&
		     (rc = ledger(r, s, moves[i].ledger_kind,
		                  (spm_money){moves[i].sign * moves[i].amount.units},
		                  moves[i].reason))))
			return rc;
	}
	if (st.forgiven.units && (rc = ledger(r, s, "settlement", st.forgiven,
	                                      "the draw's balance forgiven on leaving")))
		return rc;
	return SPM_OK;
}

/* The restatement lines of the seat: one per closed period whose pay changed. */
static int restatements(run *r, seat *s, spm_money *total)
{
	int rc;
	for (size_t i = 0; i < r->nrestated; i++) {
		const restated *q = &r->restated[i];
		size_t lo = 0, hi = q->n;
		while (lo < hi) { /* reps are in byte order */
			size_t mid = (lo + hi) / 2;
			if (strcmp(q->reps[mid], s->rep) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == q->n || strcmp(q->reps[lo], s->rep) != 0 || q->diff[lo].units == 0)
			continue;
		char why[128];
		snprintf(why, sizeof why, "%s restated: its data changed after it was closed",
		         q->period);
		if ((rc = explain_open(r)) || (rc = explain_money(r, "difference", q->diff[lo])) ||
		    (rc = explain_close(r)))
			return rc;
		line l = {.kind = "restatement",
		          .reference = q->period,
		          .reason = why,
		          .amount = q->diff[lo]};
		if ((rc = emit(r, s, &l, total)))
			return rc;
	}
	return SPM_OK;
}

/* Lines kept at 4 decimals are brought to the plan's place by one line on the total. */
static int round_total(run *r, seat *s, spm_money *total)
{
	const spm_plan *p = r->plan;
	spm_money rounded;
	int rc;
	if (p->rounding_on != SPM_ROUND_TOTAL)
		return SPM_OK;
	if (spm_money_round(&rounded, *total, p->rounding_places, p->rounding))
		return spm_error_set(r->err, SPM_ERANGE, "rep '%s': pay out of range", s->rep);
	if (rounded.units == total->units)
		return SPM_OK;
	if ((rc = explain_open(r)) || (rc = explain_money(r, "before_rounding", *total)) ||
	    (rc = explain_close(r)))
		return rc;
	line l = {.kind = "rounding",
	          .reason = "the total rounded to the plan's place",
	          .amount = {rounded.units - total->units}};
	return emit(r, s, &l, total);
}

int spm_run_pay_seat(run *r, seat *s)
{
	const spm_plan *p = r->plan;
	spm_earned *earned = calloc(p->ncomponents, sizeof *earned);
	spm_money total = {0};
	int rc;

	if (!earned)
		return nomem(r->err);
	if (!(rc = pay_components(r, s, earned, &total)) &&
	    !(rc = pay_bonuses(r, s, earned, &total)) && !(rc = pay_overrides(r, s, &total)) &&
	    !(rc = plan_cap(r, s, &total)) && !(rc = clawbacks(r, s, &total)) &&
	    !(rc = restatements(r, s, &total)) && !(rc = round_total(r, s, &total)))
		rc = settle_seat(r, s, total);
	free(earned);
	return rc;
}
