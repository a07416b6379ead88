/* Unit tests of the plan parser: a plan read into the model, its defaults, and every refusal
 * located at plan.yaml:LINE:COL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "spm/plan.h"

static const char sketch[] =
    "plan: ae-2026\n"
    "currency: EUR\n"
    "period: quarter\n"
    "effective: {from: 2026-01-01, to: 2026-12-31}\n"
    "components:\n"
    "  - name: new-business\n"
    "    credit: {status: won, type: [new, expansion]}\n"
    "    measure: amount\n"
    "    quota: bookings\n"
    "    rates:\n"
    "      on: attainment\n"
    "      method: graduated\n"
    "      tiers: [{upto: 100%, rate: 8%}, {upto: 150%, rate: 12%}, {rate: 15%}]\n"
    "    cap: {payout: 60000}\n"
    "  - name: renewals\n"
    "    credit: {type: renewal}\n"
    "    rate: 3%\n";

static spm_plan *parse_ok(const char *text)
{
	spm_plan *p = NULL;
	spm_error err;
	int rc = spm_plan_parse(&p, "plan.yaml", text, strlen(text), &err);
	if (rc)
		fail_msg("unexpected error: %s", err.message);
	return p;
}

/* Parses text, expects SPM_ECONFIG, and returns the formatted error. */
static const char *parse_fails(const char *text)
{
	static char buf[1024];
	spm_plan *p = NULL;
	spm_error err;
	assert_int_equal(spm_plan_parse(&p, "plan.yaml", text, strlen(text), &err), SPM_ECONFIG);
	assert_null(p);
	spm_error_format(&err, buf, sizeof buf);
	return buf;
}

static void test_sketch(void **state)
{
	(void)state;
	spm_plan *p = parse_ok(sketch);
	assert_string_equal(p->name, "ae-2026");
	assert_string_equal(p->currency, "EUR");
	assert_int_equal(p->period, SPM_PERIOD_QUARTER);
	assert_int_equal(p->evaluation, SPM_EVAL_PERIOD);
	assert_true(p->has_to);
	assert_int_equal(p->to.days - p->from.days, 364);
	assert_int_equal(p->rounding, SPM_ROUND_HALF_UP);
	assert_int_equal(p->rounding_places, 2);
	assert_int_equal(p->ncomponents, 2);

	const spm_plan_component *nb = &p->components[0];
	assert_string_equal(nb->name, "new-business");
	assert_int_equal(nb->line, 6);
	assert_int_equal(nb->credit.statuses, 1u << 1);
	assert_int_equal(nb->credit.types.n, 2);
	assert_string_equal(nb->credit.types.words[1], "expansion");
	assert_int_equal(nb->credit.roles, SPM_CREDIT_OWNER | SPM_CREDIT_SPLIT);
	assert_string_equal(nb->quota, "bookings");
	assert_int_equal(nb->pay, SPM_PAY_TABLE);
	assert_int_equal(nb->table.basis, SPM_TIERS_ON_ATTAINMENT);
	assert_int_equal(nb->table.method, SPM_TIERS_GRADUATED);
	assert_int_equal(nb->table.boundary, SPM_BOUNDARY_BELOW);
	assert_int_equal(nb->table.ntiers, 3);
	assert_int_equal(nb->table.tiers[1].upto, 15 * SPM_RATE_ONE / 10);
	assert_int_equal(nb->table.tiers[1].rate.units, 12 * SPM_RATE_ONE / 100);
	assert_true(nb->table.tiers[2].unbounded);
	assert_true(nb->has_cap);
	assert_int_equal(nb->cap.units, 60000 * SPM_MONEY_ONE);

	/* The table pays as the design says: 120% of a 100,000 quota is 8,000 + 2,400. */
	spm_money pay;
	size_t nsteps;
	spm_error err;
	assert_int_equal(spm_rate_table_pay(&nb->table, (spm_money){120000 * SPM_MONEY_ONE},
	                                    (spm_money){100000 * SPM_MONEY_ONE}, p->rounding, &pay,
	                                    NULL, 0, &nsteps, &err),
	                 SPM_OK);
	assert_int_equal(pay.units, 10400 * SPM_MONEY_ONE);

	const spm_plan_component *rn = &p->components[1];
	assert_int_equal(rn->pay, SPM_PAY_RATE);
	assert_int_equal(rn->rate.units, 3 * SPM_RATE_ONE / 100);
	assert_false(rn->has_cap);
	spm_plan_free(p);
	spm_plan_free(NULL);
}

static void test_choices_and_defaults(void **state)
{
	(void)state;
	spm_plan *p =
	    parse_ok("plan: x\ncurrency: USD\nperiod: month\nevaluation: year-to-date\n"
	             "effective: {from: 2026-01-01}\n"
	             "rounding: {mode: half-even, places: 0, on: total}\n"
	             "components:\n"
	             "  - name: all\n"
	             "    credit: {status: [won, lost], roles: [overlay], date: created_date}\n"
	             "    rates: {on: amount, method: retroactive, boundary: above,\n"
	             "            tiers: [{upto: 50000, rate: 5%}, {upto: 100000, rate: 7.5%}]}\n");
	assert_int_equal(p->evaluation, SPM_EVAL_YEAR_TO_DATE);
	assert_false(p->has_to);
	assert_int_equal(p->rounding, SPM_ROUND_HALF_EVEN);
	assert_int_equal(p->rounding_places, 0);
	assert_int_equal(p->rounding_on, SPM_ROUND_TOTAL);
	const spm_plan_component *c = &p->components[0];
	assert_int_equal(c->credit.statuses, (1u << 1) | (1u << 2));
	assert_int_equal(c->credit.roles, SPM_CREDIT_OVERLAY);
	assert_int_equal(c->credit.date, SPM_DATE_CREATED);
	assert_int_equal(c->table.basis, SPM_TIERS_ON_AMOUNT);
	assert_int_equal(c->table.boundary, SPM_BOUNDARY_ABOVE);
	assert_int_equal(c->table.tiers[0].upto, 50000 * SPM_MONEY_ONE);
	assert_false(c->table.tiers[1].unbounded);
	spm_plan_free(p);
}

#define HEAD "plan: x\ncurrency: EUR\nperiod: quarter\neffective: {from: 2026-01-01}\n"

static void test_refusals(void **state)
{
	(void)state;
	assert_string_equal(parse_fails("plan: x\ncurrency: EUR\nperiod: quarter\n"
	                                "effective: {from: 2026-01-01}\ncomponents: []\n"),
	                    "plan.yaml:5:13: a plan needs at least one component");
	assert_string_equal(parse_fails("plan: x\nperiod: quarter\n"),
	                    "plan.yaml:1:1: missing key 'currency'");
	assert_string_equal(parse_fails("plan: x\ncurrency: EURO\n"),
	                    "plan.yaml:2:11: unknown currency code 'EURO'");
	assert_non_null(strstr(parse_fails(HEAD "components:\n  - name: a\n    rat: 3%\n"),
	                       "plan.yaml:7:5: unknown key 'rat'"));
	assert_non_null(strstr(parse_fails(HEAD "drawing: {amount: 3000}\n"),
	                       "plan.yaml:5:1: unknown key 'drawing'"));
	assert_string_equal(
	    parse_fails(HEAD "components:\n  - name: a\n"),
	    "plan.yaml:6:5: component 'a' needs 'rate', 'per_unit', 'rates' or 'curve'");
	assert_string_equal(
	    parse_fails(HEAD "components:\n  - name: a\n    rate: 3%\n"
	                     "    rates: {on: amount, method: graduated, tiers: [{rate: 1%}]}\n"),
	    "plan.yaml:8:12: give 'rate' or 'rates', not both");
	assert_string_equal(
	    parse_fails(HEAD
	                "components:\n  - name: a\n"
	                "    rates: {on: attainment, method: graduated, tiers: [{rate: 1%}]}\n"),
	    "plan.yaml:7:17: a table on attainment needs the component's 'quota'");
	assert_string_equal(
	    parse_fails(HEAD "components:\n  - name: a\n    quota: bookings\n"
	                     "    rates:\n      on: attainment\n      method: graduated\n"
	                     "      tiers:\n        - {upto: 120%, rate: 8%}\n"
	                     "        - {upto: 100%, rate: 12%}\n"),
	    "plan.yaml:13:18: tiers must ascend: this 'upto' is not above the previous tier's");
	assert_string_equal(
	    parse_fails(HEAD "components:\n  - name: a\n"
	                     "    rates: {on: amount, method: graduated, tiers: [{rate: 1%}, "
	                     "{upto: 5, rate: 2%}]}\n"),
	    "plan.yaml:7:52: only the last tier may leave out 'upto'");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 3%\n"
	                                     "  - name: a\n    rate: 4%\n"),
	                    "plan.yaml:8:11: component 'a' appears twice (first on line 6)");
	assert_non_null(strstr(parse_fails(HEAD "components:\n  - name: a\n    rate: 150%\n"),
	                       "plan.yaml:7:11:"));
	assert_string_equal(parse_fails("plan: x\ncurrency: EUR\nperiod: quarter\n"
	                                "effective: {from: 2026-05-01, to: 2026-04-30}\n"),
	                    "plan.yaml:4:35: 'to' is before 'from'");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 3%\n"
	                                     "    cap: {payout: -5}\n"),
	                    "plan.yaml:8:19: a cap cannot be negative");
}

#define R(pct) ((int64_t)(pct)*SPM_RATE_ONE / 100)
#define M(whole) ((int64_t)(whole)*SPM_MONEY_ONE)

static const char full[] =
    "plan: full\n"
    "currency: USD\n"
    "period: month\n"
    "effective: {from: 2026-01-01}\n"
    "target_incentive: 10000\n"
    "cap: {payout: 50000}\n"
    "proration: months\n"
    "fx: {date: period-end}\n"
    "negative: pay\n"
    "clawback: {within_days: 90}\n"
    "draw: {amount: 1500, recoverable: true, recover_at_most: 50%, on_leave: recover}\n"
    "components:\n"
    "  - name: new\n"
    "    weight: 60%\n"
    "    quota: bookings\n"
    "    credit:\n"
    "      roles: [owner, team, territory]\n"
    "      where: {segment: enterprise, region: [north, south]}\n"
    "      window: {from: 2026-02-01, to: 2026-03-31}\n"
    "    rates:\n"
    "      on: attainment\n"
    "      method: retroactive\n"
    "      tiers:\n"
    "        - {upto: 100%, rate: 8%}\n"
    "        - {upto: 150%, rate: 6%, decelerator: true}\n"
    "        - {rate: 10%, decelerator: false}\n"
    "    threshold: {at: 50%, on: attainment, kind: deductible, boundary: below}\n"
    "    multipliers: [{from: 100%, factor: 1.5}, {from: 120%, factor: 2}]\n"
    "    cap: {payout: 30000, per_deal: 100000}\n"
    "  - name: meetings\n"
    "    weight: 15%\n"
    "    measure: activities\n"
    "    activities: [call, meeting]\n"
    "    per_unit: 25\n"
    "  - name: units\n"
    "    weight: 10%\n"
    "    measure: count\n"
    "    per_unit: 100.5\n"
    "    cap: {per_deal: 5}\n"
    "  - name: growth\n"
    "    weight: 15%\n"
    "    measure: margin\n"
    "    quota: margin\n"
    "    curve:\n"
    "      points:\n"
    "        - {attainment: 0%, payout: 0%}\n"
    "        - {attainment: 100%, payout: 100%}\n"
    "        - {attainment: 150%, payout: 200%}\n"
    "bonuses:\n"
    "  - name: club\n"
    "    amount: 5000\n"
    "    when: {component: new, attainment: 100%}\n"
    "    window: {from: 2026-01-01, to: 2026-06-30}\n"
    "    prorate: true\n"
    "  - name: spiff\n"
    "    per_deal: 250\n"
    "    credit: {type: new, product: [widget]}\n"
    "    window: {from: 2026-03-01, to: 2026-03-31}\n"
    "overrides:\n"
    "  - name: team\n"
    "    rate: 3%\n"
    "    above: 225000\n"
    "  - name: direct\n"
    "    rate: 1%\n"
    "    levels: direct\n"
    "    credit: {roles: [overlay], status: [won, open]}\n";

static void test_full_plan(void **state)
{
	(void)state;
	spm_plan *p = parse_ok(full);
	spm_date d;
	assert_true(p->has_target);
	assert_int_equal(p->target_incentive.units, M(10000));
	assert_int_equal(p->curve_on, SPM_CURVE_PER_COMPONENT);
	assert_true(p->has_cap);
	assert_int_equal(p->cap.units, M(50000));
	assert_int_equal(p->proration, SPM_PRORATE_MONTHS);
	assert_int_equal(p->fx_date, SPM_FX_PERIOD_END);
	assert_int_equal(p->negative, SPM_NEGATIVE_PAY);
	assert_true(p->has_clawback);
	assert_int_equal(p->clawback_days, 90);
	assert_true(p->draw.set);
	assert_int_equal(p->draw.amount.units, M(1500));
	assert_true(p->draw.recoverable);
	assert_true(p->draw.has_limit);
	assert_int_equal(p->draw.limit.units, R(50));
	assert_true(p->draw.recover_on_leave);
	assert_int_equal(p->ncomponents, 4);

	const spm_plan_component *c = &p->components[0];
	assert_int_equal(c->weight.units, R(60));
	assert_int_equal(c->credit.roles,
	                 SPM_CREDIT_OWNER | SPM_CREDIT_TEAM | SPM_CREDIT_TERRITORY);
	assert_int_equal(c->credit.nwhere, 2);
	assert_string_equal(c->credit.where[0].field, "segment");
	assert_int_equal(c->credit.where[0].values.n, 1);
	assert_string_equal(c->credit.where[0].values.words[0], "enterprise");
	assert_string_equal(c->credit.where[1].field, "region");
	assert_int_equal(c->credit.where[1].values.n, 2);
	assert_string_equal(c->credit.where[1].values.words[1], "south");
	assert_true(c->credit.has_window);
	assert_int_equal(spm_date_parse(&d, "2026-03-31", 10, NULL, NULL), SPM_OK);
	assert_int_equal(c->credit.window_to.days, d.days);
	assert_int_equal(c->credit.window_to.days - c->credit.window_from.days, 58);
	assert_int_equal(c->pay, SPM_PAY_TABLE);
	assert_non_null(c->decelerators);
	assert_false(c->decelerators[0]);
	assert_true(c->decelerators[1]);
	assert_false(c->decelerators[2]);
	assert_int_equal(c->tier_lines[1], 25);
	assert_true(c->threshold.set);
	assert_int_equal(c->threshold.basis, SPM_TIERS_ON_ATTAINMENT);
	assert_int_equal(c->threshold.at, R(50));
	assert_int_equal(c->threshold.kind, SPM_THRESHOLD_DEDUCTIBLE);
	assert_int_equal(c->threshold.boundary, SPM_BOUNDARY_BELOW);
	assert_int_equal(c->nmultipliers, 2);
	assert_int_equal(c->multipliers[0].at.units, R(100));
	assert_int_equal(c->multipliers[0].factor.units, R(150));
	assert_int_equal(c->multipliers[1].factor.units, R(200));
	assert_int_equal(c->multipliers[1].line, 28);
	assert_true(c->has_cap);
	assert_int_equal(c->cap.units, M(30000));
	assert_true(c->has_deal_cap);
	assert_int_equal(c->deal_cap.units, M(100000));

	c = &p->components[1];
	assert_int_equal(c->measure, SPM_MEASURE_ACTIVITIES);
	assert_int_equal(c->activity_kinds.n, 2);
	assert_string_equal(c->activity_kinds.words[1], "meeting");
	assert_int_equal(c->pay, SPM_PAY_PER_UNIT);
	assert_int_equal(c->per_unit.units, M(25));
	assert_null(c->quota);

	c = &p->components[2];
	assert_int_equal(c->measure, SPM_MEASURE_COUNT);
	assert_int_equal(c->per_unit.units, 1005 * SPM_MONEY_ONE / 10);
	assert_false(c->has_cap);
	assert_true(c->has_deal_cap);
	assert_int_equal(c->deal_cap.units, M(5));

	c = &p->components[3];
	assert_int_equal(c->measure, SPM_MEASURE_MARGIN);
	assert_int_equal(c->pay, SPM_PAY_CURVE);
	assert_false(c->curve.has_target);
	assert_int_equal(c->curve.npoints, 3);
	assert_int_equal(c->curve.points[2].attainment.units, R(150));
	assert_int_equal(c->curve.points[2].payout.units, R(200));
	/* the curve pays as its points say: halfway from 100% to 150% is 150% of target */
	spm_money pay;
	spm_error err;
	assert_int_equal(spm_curve_pay(c->curve.points, c->curve.npoints, (spm_rate){R(125)},
	                               (spm_money){M(1500)}, p->rounding, &pay, &err),
	                 SPM_OK);
	assert_int_equal(pay.units, M(2250));

	assert_int_equal(p->nbonuses, 2);
	const spm_plan_bonus *b = &p->bonuses[0];
	assert_string_equal(b->name, "club");
	assert_int_equal(b->line, 50);
	assert_int_equal(b->kind, SPM_BONUS_FIXED);
	assert_int_equal(b->amount.units, M(5000));
	assert_string_equal(b->component, "new");
	assert_int_equal(b->min_attainment.units, R(100));
	assert_true(b->has_window);
	assert_int_equal(b->to.days - b->from.days, 180);
	assert_true(b->prorate);
	assert_false(b->credit.has_window);
	b = &p->bonuses[1];
	assert_int_equal(b->kind, SPM_BONUS_PER_DEAL);
	assert_int_equal(b->amount.units, M(250));
	assert_null(b->component);
	assert_false(b->has_window);
	assert_true(b->credit.has_window);
	assert_int_equal(b->credit.window_to.days - b->credit.window_from.days, 30);
	assert_string_equal(b->credit.types.words[0], "new");
	assert_string_equal(b->credit.products.words[0], "widget");
	assert_int_equal(b->credit.statuses, 1u << 1);
	assert_int_equal(b->credit.roles, SPM_CREDIT_OWNER | SPM_CREDIT_SPLIT);
	assert_false(b->prorate);

	assert_int_equal(p->noverrides, 2);
	const spm_plan_override *o = &p->overrides[0];
	assert_string_equal(o->name, "team");
	assert_int_equal(o->line, 60);
	assert_int_equal(o->rate.units, R(3));
	assert_true(o->all_levels);
	assert_true(o->has_above);
	assert_int_equal(o->above.units, M(225000));
	assert_int_equal(o->credit.statuses, 1u << 1);
	assert_int_equal(o->credit.roles, SPM_CREDIT_OWNER | SPM_CREDIT_SPLIT);
	o = &p->overrides[1];
	assert_false(o->all_levels);
	assert_false(o->has_above);
	assert_int_equal(o->credit.roles, SPM_CREDIT_OVERLAY);
	assert_int_equal(o->credit.statuses, (1u << 1) | (1u << 0));
	spm_plan_free(p);
}

/* Every default of the new keys, with the keys absent or given without their optional parts. */
static void test_new_defaults(void **state)
{
	(void)state;
	spm_plan *p = parse_ok(HEAD "components:\n  - name: a\n    rate: 2%\n");
	assert_false(p->has_target);
	assert_int_equal(p->curve_on, SPM_CURVE_PER_COMPONENT);
	assert_int_equal(p->curve.npoints, 0);
	assert_false(p->has_cap);
	assert_int_equal(p->proration, SPM_PRORATE_DAYS);
	assert_int_equal(p->fx_date, SPM_FX_CLOSE_DATE);
	assert_int_equal(p->negative, SPM_NEGATIVE_CARRY);
	assert_false(p->has_clawback);
	assert_false(p->draw.set);
	assert_int_equal(p->nbonuses, 0);
	assert_int_equal(p->noverrides, 0);
	const spm_plan_component *c = &p->components[0];
	assert_int_equal(c->measure, SPM_MEASURE_AMOUNT);
	assert_int_equal(c->activity_kinds.n, 0);
	assert_false(c->has_weight);
	assert_false(c->threshold.set);
	assert_int_equal(c->nmultipliers, 0);
	assert_false(c->has_cap);
	assert_false(c->has_deal_cap);
	assert_int_equal(c->credit.nwhere, 0);
	assert_false(c->credit.has_window);
	spm_plan_free(p);

	p = parse_ok(HEAD "draw: {amount: 800}\n"
	                  "clawback: {within_days: 0}\n"
	                  "components:\n"
	                  "  - name: a\n"
	                  "    quota: bookings\n"
	                  "    rates: {on: amount, method: graduated, tiers: [{rate: 2%}]}\n"
	                  "    threshold: {at: 10000, on: amount}\n"
	                  "  - name: b\n"
	                  "    measure: activities\n"
	                  "    per_unit: 10\n"
	                  "    cap: {payout: 0}\n"
	                  "  - name: c\n"
	                  "    quota: bookings\n"
	                  "    curve: {target: 2000, points: [{attainment: 0, payout: 0},\n"
	                  "                                   {attainment: 1, payout: 1}]}\n"
	                  "bonuses:\n"
	                  "  - {name: fixed, amount: 100}\n"
	                  "  - {name: deal, per_deal: 50}\n"
	                  "overrides:\n"
	                  "  - {name: o, rate: 2%}\n");
	assert_true(p->draw.set);
	assert_int_equal(p->draw.amount.units, M(800));
	assert_false(p->draw.recoverable);
	assert_false(p->draw.has_limit);
	assert_false(p->draw.recover_on_leave);
	assert_true(p->has_clawback);
	assert_int_equal(p->clawback_days, 0);
	c = &p->components[0];
	assert_non_null(c->decelerators);
	assert_false(c->decelerators[0]);
	assert_true(c->threshold.set);
	assert_int_equal(c->threshold.basis, SPM_TIERS_ON_AMOUNT);
	assert_int_equal(c->threshold.at, M(10000));
	assert_int_equal(c->threshold.kind, SPM_THRESHOLD_GATE);
	assert_int_equal(c->threshold.boundary, SPM_BOUNDARY_ABOVE);
	c = &p->components[1];
	assert_int_equal(c->measure, SPM_MEASURE_ACTIVITIES);
	assert_int_equal(c->activity_kinds.n, 0);
	assert_true(c->has_cap);
	assert_int_equal(c->cap.units, 0);
	assert_false(c->has_deal_cap);
	c = &p->components[2];
	assert_int_equal(c->pay, SPM_PAY_CURVE);
	assert_true(c->curve.has_target);
	assert_int_equal(c->curve.target.units, M(2000));
	assert_int_equal(c->curve.points[1].payout.units, R(100));
	const spm_plan_bonus *b = &p->bonuses[0];
	assert_int_equal(b->kind, SPM_BONUS_FIXED);
	assert_null(b->component);
	assert_false(b->has_window);
	assert_false(b->prorate);
	assert_int_equal(b->credit.statuses, 1u << 1);
	b = &p->bonuses[1];
	assert_int_equal(b->kind, SPM_BONUS_PER_DEAL);
	assert_false(b->credit.has_window);
	assert_int_equal(b->credit.roles, SPM_CREDIT_OWNER | SPM_CREDIT_SPLIT);
	assert_int_equal(b->credit.date, SPM_DATE_CLOSE);
	const spm_plan_override *o = &p->overrides[0];
	assert_true(o->all_levels);
	assert_false(o->has_above);
	assert_int_equal(o->credit.statuses, 1u << 1);
	assert_int_equal(o->credit.roles, SPM_CREDIT_OWNER | SPM_CREDIT_SPLIT);
	spm_plan_free(p);

	/* A credit window given on a per-deal bonus's credit rule is its window too. */
	p = parse_ok(HEAD "components: [{name: a, rate: 1%}]\n"
	                  "bonuses:\n"
	                  "  - name: spiff\n"
	                  "    per_deal: 50\n"
	                  "    credit: {window: {from: 2026-05-01, to: 2026-05-01}}\n");
	assert_true(p->bonuses[0].credit.has_window);
	assert_int_equal(p->bonuses[0].credit.window_to.days,
	                 p->bonuses[0].credit.window_from.days);
	spm_plan_free(p);
}

#define WHEAD HEAD "target_incentive: 10000\n"

static void test_weighted(void **state)
{
	(void)state;
	spm_plan *p = parse_ok(WHEAD "curve_on: weighted\n"
	                             "curve:\n"
	                             "  points: [{attainment: 0%, payout: 0%},\n"
	                             "           {attainment: 100%, payout: 100%},\n"
	                             "           {attainment: 200%, payout: 300%}]\n"
	                             "components:\n"
	                             "  - name: a\n"
	                             "    weight: 70%\n"
	                             "    quota: bookings\n"
	                             "  - name: b\n"
	                             "    weight: 30%\n"
	                             "    quota: renewals\n"
	                             "    measure: count\n"
	                             "    cap: {per_deal: 1000}\n");
	assert_int_equal(p->curve_on, SPM_CURVE_WEIGHTED);
	assert_false(p->curve.has_target);
	assert_int_equal(p->curve.npoints, 3);
	assert_int_equal(p->curve.points[2].payout.units, R(300));
	assert_int_equal(p->components[0].pay, SPM_PAY_NONE);
	assert_int_equal(p->components[1].pay, SPM_PAY_NONE);
	assert_int_equal(p->components[0].weight.units, R(70));
	assert_true(p->components[1].has_deal_cap);
	spm_plan_free(p);

	/* The plan's curve may carry its own target instead of target_incentive. */
	p = parse_ok(HEAD "curve_on: weighted\n"
	                  "curve: {target: 500, points: [{attainment: 0, payout: 0},\n"
	                  "                              {attainment: 1, payout: 1}]}\n"
	                  "components: [{name: a, weight: 100%, quota: q}]\n");
	assert_true(p->curve.has_target);
	assert_int_equal(p->curve.target.units, M(500));
	spm_plan_free(p);

	/* A falling curve is the lint's business, not a parse error. */
	p = parse_ok(WHEAD "components:\n"
	                   "  - name: a\n"
	                   "    weight: 100%\n"
	                   "    quota: q\n"
	                   "    curve: {points: [{attainment: 100%, payout: 150%},\n"
	                   "                     {attainment: 150%, payout: 120%}]}\n");
	assert_int_equal(p->components[0].curve.points[1].payout.units, R(120));
	spm_plan_free(p);
}

#define CURVE2 "{points: [{attainment: 0, payout: 0}, {attainment: 1, payout: 1}]}"

static void test_weighted_refusals(void **state)
{
	(void)state;
	assert_string_equal(parse_fails(WHEAD "curve_on: weighted\n"
	                                      "components: [{name: a, weight: 100%, quota: q}]\n"),
	                    "plan.yaml:6:11: 'curve_on: weighted' needs the plan's 'curve'");
	assert_string_equal(parse_fails(WHEAD "curve: " CURVE2 "\n"
	                                      "components: [{name: a, rate: 1%}]\n"),
	                    "plan.yaml:6:8: the plan's 'curve' needs 'curve_on: weighted'; a "
	                    "component's curve goes in the component");
	assert_string_equal(parse_fails(HEAD "curve_on: weighted\ncurve: " CURVE2 "\n"
	                                     "components: [{name: a, weight: 100%, quota: q}]\n"),
	                    "plan.yaml:6:8: the plan's curve needs 'target' or the plan's "
	                    "'target_incentive'");
	assert_string_equal(parse_fails(WHEAD "curve_on: weighted\ncurve: " CURVE2 "\n"
	                                      "components:\n"
	                                      "  - name: a\n"
	                                      "    weight: 100%\n"
	                                      "    quota: q\n"
	                                      "    rate: 3%\n"),
	                    "plan.yaml:12:11: component 'a' is paid by the plan's weighted "
	                    "curve: 'rate' does not apply");
	assert_string_equal(parse_fails(WHEAD "curve_on: weighted\ncurve: " CURVE2 "\n"
	                                      "components:\n"
	                                      "  - name: a\n"
	                                      "    weight: 100%\n"
	                                      "    quota: q\n"
	                                      "    multipliers: [{from: 1, factor: 2}]\n"),
	                    "plan.yaml:12:18: component 'a' is paid by the plan's weighted "
	                    "curve: 'multipliers' does not apply");
	assert_string_equal(parse_fails(WHEAD "curve_on: weighted\ncurve: " CURVE2 "\n"
	                                      "components:\n"
	                                      "  - name: a\n"
	                                      "    weight: 100%\n"),
	                    "plan.yaml:9:5: component 'a' needs 'quota' under 'curve_on: "
	                    "weighted'");
	assert_string_equal(parse_fails(WHEAD "curve_on: weighted\ncurve: " CURVE2 "\n"
	                                      "components:\n"
	                                      "  - name: a\n"
	                                      "    quota: q\n"),
	                    "plan.yaml:9:5: component 'a' needs 'weight' under 'curve_on: "
	                    "weighted'");
	assert_string_equal(parse_fails(WHEAD "curve_on: weighted\ncurve: " CURVE2 "\n"
	                                      "components:\n"
	                                      "  - name: a\n"
	                                      "    weight: 100%\n"
	                                      "    quota: q\n"
	                                      "    cap: {payout: 10}\n"),
	                    "plan.yaml:12:19: component 'a' is paid by the plan's weighted "
	                    "curve: cap its pay with the plan's 'cap'");
	assert_string_equal(parse_fails(HEAD "curve_on: weighed\n"),
	                    "plan.yaml:5:11: unknown value 'weighed' (expected one of: "
	                    "component, weighted); did you mean 'weighted'?");
}

static void test_weights(void **state)
{
	(void)state;
	assert_string_equal(parse_fails(HEAD "components:\n"
	                                     "  - {name: a, weight: 60%, rate: 1%}\n"
	                                     "  - {name: b, weight: 30%, rate: 1%}\n"),
	                    "plan.yaml:7:23: weights add up to 90%, not 100%");
	assert_string_equal(parse_fails(HEAD "components:\n"
	                                     "  - {name: a, rate: 1%}\n"
	                                     "  - {name: b, weight: 100%, rate: 1%}\n"),
	                    "plan.yaml:6:5: component 'a' needs 'weight': component 'b' has one");
	assert_string_equal(parse_fails(HEAD "components:\n"
	                                     "  - {name: a, weight: 60%, rate: 1%}\n"
	                                     "  - {name: b, weight: 50.5%, rate: 1%}\n"),
	                    "plan.yaml:7:23: weights add up to 110.5%, not 100%");
}

static void test_component_refusals(void **state)
{
	(void)state;
	/* which measure pays how */
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    per_unit: 5\n"),
	                    "plan.yaml:7:15: 'per_unit' needs measure count or activities, not "
	                    "'amount'; use 'rate'");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    measure: count\n"
	                                     "    rate: 5%\n"),
	                    "plan.yaml:8:11: 'rate' needs measure amount or margin, not 'count'; "
	                    "use 'per_unit'");
	assert_string_equal(
	    parse_fails(HEAD "components:\n  - name: a\n    measure: activities\n"
	                     "    rates: {on: amount, method: graduated, tiers: [{rate: 1%}]}\n"),
	    "plan.yaml:8:12: 'rates' needs measure amount or margin, not 'activities'");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    measure: margn\n"),
	                    "plan.yaml:7:14: unknown value 'margn' (expected one of: amount, "
	                    "count, margin, activities); did you mean 'margin'?");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    activities: call\n"
	                                     "    rate: 1%\n"),
	                    "plan.yaml:7:17: 'activities' needs 'measure: activities'");
	assert_non_null(strstr(parse_fails(HEAD "components:\n  - name: a\n"
	                                        "    measure: activities\n"
	                                        "    activities: [call, lunch]\n"),
	                       "plan.yaml:8:24: unknown value 'lunch' (expected one of: call, "
	                       "email, meeting, webinar, demo, task, other)"));
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                     "    per_unit: 5\n"),
	                    "plan.yaml:8:15: give 'rate' or 'per_unit', not both");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    measure: count\n"
	                                     "    per_unit: -5\n"),
	                    "plan.yaml:8:15: 'per_unit' cannot be negative");

	/* curves */
	assert_string_equal(parse_fails(WHEAD "components:\n  - name: a\n    weight: 100%\n"
	                                      "    curve: " CURVE2 "\n"),
	                    "plan.yaml:9:12: a curve needs the component's 'quota'");
	assert_string_equal(parse_fails(WHEAD "components:\n  - name: a\n    quota: q\n"
	                                      "    curve: " CURVE2 "\n"),
	                    "plan.yaml:9:12: a curve without 'target' needs the plan's "
	                    "'target_incentive' and the component's 'weight'");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    weight: 100%\n"
	                                     "    quota: q\n    curve: " CURVE2 "\n"),
	                    "plan.yaml:9:12: a curve without 'target' needs the plan's "
	                    "'target_incentive' and the component's 'weight'");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    quota: q\n"
	                                     "    curve: {target: 10, points: [{attainment: 1, "
	                                     "payout: 1}]}\n"),
	                    "plan.yaml:8:33: curve: 1 point, at least 2 needed");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    quota: q\n"
	                                     "    curve:\n      target: 10\n      points:\n"
	                                     "        - {attainment: 100%, payout: 100%}\n"
	                                     "        - {attainment: 90%, payout: 120%}\n"),
	                    "plan.yaml:11:9: curve point 2: attainment 90% is not above the "
	                    "previous 100%");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    quota: q\n"
	                                     "    curve: {target: 10, points: [{attainment: 1, "
	                                     "payout: -1%}]}\n"),
	                    "plan.yaml:8:58: expected a rate from 0% to 100000%, not '-1%'");
	assert_non_null(strstr(parse_fails(HEAD "components:\n  - name: a\n    quota: q\n"
	                                        "    curve: {target: 10, pts: []}\n"),
	                       "plan.yaml:8:25: unknown key 'pts'"));
	assert_non_null(strstr(parse_fails(HEAD "components:\n  - name: a\n    quota: q\n"
	                                        "    curve: {target: 10, points: [{at: 1}]}\n"),
	                       "plan.yaml:8:35: unknown key 'at'"));

	/* thresholds */
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                     "    threshold: {at: 50%, on: attainment}\n"),
	                    "plan.yaml:8:30: a threshold on attainment needs the component's "
	                    "'quota'");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                     "    threshold: {at: 500}\n"),
	                    "plan.yaml:8:16: missing key 'on'");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                     "    threshold: {at: -500, on: amount}\n"),
	                    "plan.yaml:8:21: a threshold cannot be negative");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                     "    threshold: {at: 5, on: amount, kind: door}\n"),
	                    "plan.yaml:8:42: unknown value 'door' (expected one of: gate, "
	                    "deductible)");
	assert_non_null(strstr(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                        "    threshold: {at: 5, on: amount, gate: true}\n"),
	                       "plan.yaml:8:36: unknown key 'gate'"));
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    measure: count\n"
	                                     "    per_unit: 1\n"
	                                     "    threshold: {at: 5, on: amount}\n"),
	                    "plan.yaml:9:28: a threshold on amount needs measure amount or "
	                    "margin, not 'count'");

	/* multipliers */
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                     "    multipliers: [{from: 100%, factor: 2}]\n"),
	                    "plan.yaml:8:18: multipliers need the component's 'quota'");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                     "    quota: q\n"
	                                     "    multipliers:\n"
	                                     "      - {from: 120%, factor: 2}\n"
	                                     "      - {from: 120%, factor: 3}\n"),
	                    "plan.yaml:11:16: multipliers must ascend: this 'from' is not above "
	                    "the previous one's");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                     "    quota: q\n"
	                                     "    multipliers: [{from: 1, factor: -1}]\n"),
	                    "plan.yaml:9:37: expected a rate from 0% to 100000%, not '-1' (that "
	                    "is -100%)");
	assert_non_null(strstr(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                        "    quota: q\n"
	                                        "    multipliers: [{from: 1, factr: 2}]\n"),
	                       "plan.yaml:9:29: unknown key 'factr'"));

	/* caps and tiers */
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                     "    cap: {}\n"),
	                    "plan.yaml:8:10: 'cap' needs 'payout' or 'per_deal'");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                     "    cap: {per_deal: -1}\n"),
	                    "plan.yaml:8:21: a cap cannot be negative");
	assert_non_null(strstr(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                        "    cap: {deal: 1}\n"),
	                       "plan.yaml:8:11: unknown key 'deal'"));
	assert_string_equal(
	    parse_fails(HEAD "components:\n  - name: a\n"
	                     "    rates: {on: amount, method: graduated,\n"
	                     "            tiers: [{rate: 1%, decelerator: yes}]}\n"),
	    "plan.yaml:8:45: expected true or false, not 'yes' (ambiguous in YAML)");
}

static void test_credit_refusals(void **state)
{
	(void)state;
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                     "    credit: {where: {type: new}}\n"),
	                    "plan.yaml:8:22: use 'type:' for type, not 'where:'");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                     "    credit: {where: {status: won}}\n"),
	                    "plan.yaml:8:22: use 'status:' for status, not 'where:'");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                     "    credit: {where: {segment: []}}\n"),
	                    "plan.yaml:8:31: 'where: segment' needs at least one value");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                     "    credit: {where: {segment: ~}}\n"),
	                    "plan.yaml:8:31: 'where: segment' needs a value");
	assert_non_null(strstr(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                        "    credit: {where: [segment]}\n"),
	                       "plan.yaml:8:21: expected a mapping"));
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                     "    credit: {window: {from: 2026-02-01}}\n"),
	                    "plan.yaml:8:22: missing key 'to'");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                     "    credit: {window: {from: 2026-02-01, to: "
	                                     "2026-01-31}}\n"),
	                    "plan.yaml:8:45: 'to' is before 'from'");
	assert_non_null(strstr(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                        "    credit: {window: {from: 2026-02-01, to: "
	                                        "2026-03-01, at: 2026-02-02}}\n"),
	                       "plan.yaml:8:57: unknown key 'at'"));
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                     "    credit: {roles: [owner, manager]}\n"),
	                    "plan.yaml:8:29: unknown value 'manager' (expected one of: owner, "
	                    "split, overlay, team, territory)");
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n    rate: 1%\n"
	                                     "    credit: {roles: []}\n"),
	                    "plan.yaml:8:21: expected at least one value");
}

static void test_plan_setting_refusals(void **state)
{
	(void)state;
	assert_string_equal(parse_fails(HEAD "target_incentive: -1\n"),
	                    "plan.yaml:5:19: 'target_incentive' cannot be negative");
	assert_string_equal(parse_fails(HEAD "cap: {payout: -1}\n"),
	                    "plan.yaml:5:15: a cap cannot be negative");
	assert_non_null(strstr(parse_fails(HEAD "cap: {per_deal: 1}\n"),
	                       "plan.yaml:5:7: unknown key 'per_deal' (expected one of: payout)"));
	assert_string_equal(parse_fails(HEAD "proration: weeks\n"),
	                    "plan.yaml:5:12: unknown value 'weeks' (expected one of: days, months, "
	                    "none)");
	assert_string_equal(parse_fails(HEAD "fx: {date: open}\n"),
	                    "plan.yaml:5:12: unknown value 'open' (expected one of: close, "
	                    "period-end)");
	assert_non_null(
	    strstr(parse_fails(HEAD "fx: {rate: close}\n"), "plan.yaml:5:6: unknown key 'rate'"));
	assert_string_equal(parse_fails(HEAD "negative: keep\n"),
	                    "plan.yaml:5:11: unknown value 'keep' (expected one of: carry, pay)");
	assert_string_equal(parse_fails(HEAD "clawback: {within_days: 3661}\n"),
	                    "plan.yaml:5:25: expected a whole number from 0 to 3660, not '3661'");
	assert_non_null(strstr(parse_fails(HEAD "clawback: {days: 30}\n"),
	                       "plan.yaml:5:12: unknown key 'days'"));
	assert_string_equal(parse_fails(HEAD "draw: {recoverable: true}\n"),
	                    "plan.yaml:5:7: missing key 'amount'");
	assert_string_equal(parse_fails(HEAD "draw: {amount: 1500, recover_at_most: 50%}\n"),
	                    "plan.yaml:5:39: 'recover_at_most' needs 'recoverable: true'");
	assert_string_equal(parse_fails(HEAD "draw: {amount: 1500, recoverable: false,\n"
	                                     "       recover_at_most: 50%}\n"),
	                    "plan.yaml:6:25: 'recover_at_most' needs 'recoverable: true'");
	assert_string_equal(parse_fails(HEAD "draw: {amount: 1500, recoverable: true,\n"
	                                     "       recover_at_most: 0%}\n"),
	                    "plan.yaml:6:25: 'recover_at_most' must be above 0%: a draw that is "
	                    "never recovered is 'recoverable: false'");
	assert_string_equal(parse_fails(HEAD "draw: {amount: 1500, recoverable: true,\n"
	                                     "       recover_at_most: 101%}\n"),
	                    "plan.yaml:6:25: expected a rate from 0% to 100%, not '101%'");
	assert_string_equal(parse_fails(HEAD "draw: {amount: 1500, on_leave: recover}\n"),
	                    "plan.yaml:5:32: 'on_leave: recover' needs 'recoverable: true'");
	assert_string_equal(parse_fails(HEAD "draw: {amount: 1500, on_leave: keep}\n"),
	                    "plan.yaml:5:32: unknown value 'keep' (expected one of: forgive, "
	                    "recover)");
	assert_string_equal(parse_fails(HEAD "draw: {amount: -1}\n"),
	                    "plan.yaml:5:16: a draw cannot be negative");
	assert_non_null(strstr(parse_fails(HEAD "draw: {amount: 1, limit: 5%}\n"),
	                       "plan.yaml:5:19: unknown key 'limit'"));
}

#define ONE "components: [{name: a, quota: q, rate: 1%}, {name: b, rate: 2%}]\n"

static void test_bonus_and_override_refusals(void **state)
{
	(void)state;
	assert_string_equal(parse_fails(HEAD ONE "bonuses:\n  - {name: x, amount: 1}\n"
	                                         "  - {name: x, per_deal: 1}\n"),
	                    "plan.yaml:8:12: bonus 'x' appears twice (first on line 7)");
	assert_string_equal(parse_fails(HEAD ONE "bonuses:\n  - {name: x}\n"),
	                    "plan.yaml:7:5: bonus 'x' needs 'amount' or 'per_deal'");
	assert_string_equal(parse_fails(HEAD ONE "bonuses:\n  - {name: x, amount: 1, per_deal: "
	                                         "2}\n"),
	                    "plan.yaml:7:36: give 'amount' or 'per_deal', not both");
	assert_string_equal(parse_fails(HEAD ONE "bonuses:\n  - name: x\n    amount: 1\n"
	                                         "    when: {component: c, attainment: 100%}\n"),
	                    "plan.yaml:9:23: no component 'c' in this plan");
	assert_string_equal(parse_fails(HEAD ONE "bonuses:\n  - name: x\n    amount: 1\n"
	                                         "    when: {component: b, attainment: 100%}\n"),
	                    "plan.yaml:9:23: component 'b' has no 'quota', so no attainment");
	assert_string_equal(parse_fails(HEAD ONE "bonuses:\n  - name: x\n    amount: 1\n"
	                                         "    when: {component: a}\n"),
	                    "plan.yaml:9:11: missing key 'attainment'");
	assert_non_null(strstr(parse_fails(HEAD ONE "bonuses:\n  - name: x\n    amount: 1\n"
	                                            "    when: {component: a, above: 1}\n"),
	                       "plan.yaml:9:26: unknown key 'above'"));
	assert_string_equal(parse_fails(HEAD ONE "bonuses:\n  - name: x\n    amount: 1\n"
	                                         "    credit: {type: new}\n"),
	                    "plan.yaml:9:13: 'credit' is for a bonus paid 'per_deal', not a fixed "
	                    "'amount'");
	assert_string_equal(parse_fails(HEAD ONE "bonuses:\n  - name: x\n    per_deal: 1\n"
	                                         "    prorate: true\n"),
	                    "plan.yaml:9:14: 'prorate' is for a fixed 'amount', not a bonus paid "
	                    "'per_deal'");
	assert_string_equal(parse_fails(HEAD ONE
	                                "bonuses:\n  - name: x\n    per_deal: 1\n"
	                                "    credit: {window: {from: 2026-01-01, to: "
	                                "2026-01-31}}\n"
	                                "    window: {from: 2026-01-01, to: 2026-01-31}\n"),
	                    "plan.yaml:10:13: give 'window' or 'credit: {window}', not both");
	assert_string_equal(parse_fails(HEAD ONE "bonuses:\n  - name: x\n    amount: -1\n"),
	                    "plan.yaml:8:13: a bonus cannot be negative");
	assert_non_null(strstr(parse_fails(HEAD ONE "bonuses:\n  - name: x\n    amount: 1\n"
	                                            "    spiff: true\n"),
	                       "plan.yaml:9:5: unknown key 'spiff'"));
	assert_non_null(strstr(parse_fails(HEAD ONE "bonuses: {name: x}\n"),
	                       "plan.yaml:6:10: expected a list"));

	assert_string_equal(parse_fails(HEAD ONE "overrides:\n  - {name: o}\n"),
	                    "plan.yaml:7:5: missing key 'rate'");
	assert_string_equal(parse_fails(HEAD ONE "overrides:\n  - {name: o, rate: 3%}\n"
	                                         "  - {name: o, rate: 1%}\n"),
	                    "plan.yaml:8:12: override 'o' appears twice (first on line 7)");
	assert_string_equal(parse_fails(HEAD ONE "overrides:\n  - {name: o, rate: 3%, levels: "
	                                         "some}\n"),
	                    "plan.yaml:7:33: unknown value 'some' (expected one of: all, direct)");
	assert_string_equal(parse_fails(HEAD ONE "overrides:\n  - {name: o, rate: 3%, above: "
	                                         "-5}\n"),
	                    "plan.yaml:7:32: 'above' cannot be negative");
	assert_string_equal(parse_fails(HEAD ONE "overrides:\n  - {name: o, rate: 3%, credit: "
	                                         "{roles: team}}\n"),
	                    "plan.yaml:7:41: an override's roles are those of the team's own "
	                    "credits: owner, split or overlay");
	assert_non_null(strstr(parse_fails(HEAD ONE "overrides:\n  - {name: o, rate: 3%, "
	                                            "level: all}\n"),
	                       "plan.yaml:7:25: unknown key 'level'"));
	assert_string_equal(parse_fails(HEAD ONE "overrides:\n  - {name: o, rate: 103%}\n"),
	                    "plan.yaml:7:21: expected a rate from 0% to 100%, not '103%'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sketch),
	    cmocka_unit_test(test_choices_and_defaults),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_full_plan),
	    cmocka_unit_test(test_new_defaults),
	    cmocka_unit_test(test_weighted),
	    cmocka_unit_test(test_weighted_refusals),
	    cmocka_unit_test(test_weights),
	    cmocka_unit_test(test_component_refusals),
	    cmocka_unit_test(test_credit_refusals),
	    cmocka_unit_test(test_plan_setting_refusals),
	    cmocka_unit_test(test_bonus_and_override_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
