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
	assert_non_null(strstr(parse_fails(HEAD "draw: {amount: 3000}\n"),
	                       "plan.yaml:5:1: unknown key 'draw'"));
	assert_string_equal(parse_fails(HEAD "components:\n  - name: a\n"),
	                    "plan.yaml:6:5: component 'a' needs 'rate' or 'rates'");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sketch),
	    cmocka_unit_test(test_choices_and_defaults),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
