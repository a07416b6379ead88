/* Unit tests of the plan lint: cliffs and falling pay in retroactive and graduated tables and in
 * pay curves, with tiers marked as meant decelerators, the tolerances, and plans with nothing to
 * report. Plans are read by the real parser, so the lines reported are the file's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "spm/lint.h"

typedef struct findings {
	size_t n;
	long lines[8];
	char messages[8][512];
} findings;

static void collect(void *ctx, const spm_lint *f)
{
	findings *fs = ctx;
	assert_string_equal(f->source, "plan.yaml");
	if (fs->n < 8) {
		fs->lines[fs->n] = f->line;
		snprintf(fs->messages[fs->n], sizeof fs->messages[0], "%s", f->message);
	}
	fs->n++;
}

/* Parses text, lints it with options, checks the count returned is the count reported. */
static findings lint(const char *text, const spm_lint_options *options)
{
	findings fs = {0};
	spm_plan *p = NULL;
	spm_error err;
	if (spm_plan_parse(&p, "plan.yaml", text, strlen(text), &err))
		fail_msg("unexpected error: %s", err.message);
	int rc = spm_plan_lint(p, options, collect, &fs, &err);
	assert_true(rc >= 0);
	assert_int_equal((size_t)rc, fs.n);
	spm_plan_free(p);
	return fs;
}

#define HEAD "plan: x\ncurrency: EUR\nperiod: quarter\neffective: {from: 2026-01-01}\ncomponents:\n"

/* A retroactive table on amount; mark is written into its last tier. */
#define RETRO_AMOUNT(mark)                                                                         \
	HEAD "  - name: bookings\n"                                                                \
	     "    rates:\n"                                                                        \
	     "      on: amount\n"                                                                  \
	     "      method: retroactive\n"                                                         \
	     "      tiers:\n"                                                                      \
	     "        - {upto: 50000, rate: 5%}\n"                                                 \
	     "        - {upto: 100000, rate: 7%}\n"                                                \
	     "        - {rate: 6%" mark "}\n"

static void test_retroactive_on_amount(void **state)
{
	(void)state;
	const char *text = RETRO_AMOUNT("");
	/* 50,000 × (7% - 5%) = 1,000 more; 100,000 × (7% - 6%) = 1,000 less */
	findings fs = lint(text, NULL);
	assert_int_equal(fs.n, 2);
	assert_int_equal(fs.lines[0], 12);
	assert_string_equal(fs.messages[0], "cliff: component 'bookings' pays 1000.00 more at "
	                                    "50000 (tier 1 to 2, retroactive, 5% to 7%)");
	assert_int_equal(fs.lines[1], 13);
	assert_string_equal(fs.messages[1], "pay falls: component 'bookings' at 100000 drops the "
	                                    "rate from 7% to 6% for the whole base, 1000.00 less");

	/* a cliff of exactly the tolerance is tolerated; a cent less is not */
	spm_lint_options o = {{1000 * SPM_MONEY_ONE}, {0}};
	fs = lint(text, &o);
	assert_int_equal(fs.n, 1);
	assert_non_null(strstr(fs.messages[0], "pay falls:"));
	o.cliff_amount.units = 1000 * SPM_MONEY_ONE - 100;
	assert_int_equal(lint(text, &o).n, 2);

	/* the last tier marked as a decelerator: its fall is meant, the cliff stays */
	text = RETRO_AMOUNT(", decelerator: true");
	fs = lint(text, NULL);
	assert_int_equal(fs.n, 1);
	assert_non_null(strstr(fs.messages[0], "cliff: component 'bookings'"));
	/* the mark on a tier that rises changes nothing */
	assert_int_equal(lint(HEAD "  - name: a\n"
	                           "    rates: {on: amount, method: retroactive, tiers:\n"
	                           "      [{upto: 10, rate: 1%}, {rate: 2%, decelerator: true}]}\n",
	                      NULL)
	                     .n,
	                 1);
}

static const char retro_attainment[] = HEAD "  - name: new\n"
                                            "    quota: bookings\n"
                                            "    rates:\n"
                                            "      on: attainment\n"
                                            "      method: retroactive\n"
                                            "      tiers: [{upto: 100%, rate: 8%}, {rate: 12%}]\n";

static void test_retroactive_on_attainment(void **state)
{
	(void)state;
	findings fs = lint(retro_attainment, NULL);
	assert_int_equal(fs.n, 1);
	assert_int_equal(fs.lines[0], 11);
	assert_string_equal(fs.messages[0], "cliff: component 'new' pays 4% of quota more at 100% "
	                                    "(tier 1 to 2, retroactive, 8% to 12%)");
	spm_lint_options o = {{0}, {4 * SPM_RATE_ONE / 100}};
	assert_int_equal(lint(retro_attainment, &o).n, 0);
	o.cliff_share.units--;
	assert_int_equal(lint(retro_attainment, &o).n, 1);
}

/* A graduated table on attainment; mark is written into its second tier. */
#define GRADUATED(mark)                                                                            \
	HEAD "  - name: new\n"                                                                     \
	     "    quota: bookings\n"                                                               \
	     "    rates:\n"                                                                        \
	     "      on: attainment\n"                                                              \
	     "      method: graduated\n"                                                           \
	     "      tiers:\n"                                                                      \
	     "        - {upto: 100%, rate: 8%}\n"                                                  \
	     "        - {upto: 150%, rate: 6%" mark "}\n"                                          \
	     "        - {rate: 10%}\n"

static void test_graduated(void **state)
{
	(void)state;
	const char *text = GRADUATED("");
	findings fs = lint(text, NULL);
	/* 8% to 6% falls; 6% to 10% rises and is no cliff in a graduated table */
	assert_int_equal(fs.n, 1);
	assert_int_equal(fs.lines[0], 13);
	assert_string_equal(fs.messages[0],
	                    "pay falls: component 'new' above 100% pays 6% instead of 8% on each "
	                    "further unit (graduated, tier 1 to 2); mark the tier 'decelerator: "
	                    "true' if meant");
	text = GRADUATED(", decelerator: true");
	assert_int_equal(lint(text, NULL).n, 0);
	text = GRADUATED(", decelerator: false");
	assert_int_equal(lint(text, NULL).n, 1);

	/* on amount, the bound is shown as an amount */
	fs = lint(HEAD "  - name: a\n"
	               "    rates: {on: amount, method: graduated,\n"
	               "            tiers: [{upto: 200000, rate: 6%}, {rate: 4%}]}\n",
	          NULL);
	assert_int_equal(fs.n, 1);
	assert_non_null(strstr(fs.messages[0], "above 200000 pays 4% instead of 6%"));
}

static void test_curves(void **state)
{
	(void)state;
	const char *text = HEAD "  - name: new\n"
	                        "    quota: bookings\n"
	                        "    curve:\n"
	                        "      target: 1000\n"
	                        "      points:\n"
	                        "        - {attainment: 0%, payout: 0%}\n"
	                        "        - {attainment: 100%, payout: 150%}\n"
	                        "        - {attainment: 150%, payout: 120%}\n"
	                        "        - {attainment: 200%, payout: 120%}\n"
	                        "        - {attainment: 250%, payout: 100%}\n";
	findings fs = lint(text, NULL);
	assert_int_equal(fs.n, 2);
	assert_int_equal(fs.lines[0], 6);
	assert_string_equal(fs.messages[0],
	                    "pay falls: component 'new' curve pays 150% at 100% but "
	                    "120% at 150% (points 2 to 3)");
	assert_string_equal(fs.messages[1],
	                    "pay falls: component 'new' curve pays 120% at 200% but "
	                    "100% at 250% (points 4 to 5)");

	/* a flat or rising curve, a flat rate and a per-unit component have nothing to say */
	assert_int_equal(lint(HEAD "  - name: new\n    quota: q\n"
	                           "    curve: {target: 1, points: [{attainment: 0, payout: 0},\n"
	                           "            {attainment: 1, payout: 1}, {attainment: 2, "
	                           "payout: 1}]}\n"
	                           "  - {name: r, rate: 3%}\n"
	                           "  - {name: u, measure: count, per_unit: 5}\n",
	                      NULL)
	                     .n,
	                 0);

	/* the plan's weighted curve, which has no line of its own */
	fs = lint("plan: x\ncurrency: EUR\nperiod: quarter\neffective: {from: 2026-01-01}\n"
	          "target_incentive: 1000\ncurve_on: weighted\n"
	          "curve: {points: [{attainment: 0, payout: 0}, {attainment: 1, payout: 2},\n"
	          "                 {attainment: 2, payout: 1.5}]}\n"
	          "components: [{name: a, weight: 100%, quota: q}]\n",
	          NULL);
	assert_int_equal(fs.n, 1);
	assert_int_equal(fs.lines[0], 0);
	assert_string_equal(fs.messages[0],
	                    "pay falls: the plan's curve pays 200% at 100% but 150% at 200% "
	                    "(points 2 to 3)");
}

/* Findings come component by component, in the file's order. */
static void test_order(void **state)
{
	(void)state;
	findings fs = lint(HEAD "  - name: first\n"
	                        "    rates: {on: amount, method: graduated,\n"
	                        "            tiers: [{upto: 10, rate: 6%}, {rate: 4%}]}\n"
	                        "  - name: second\n"
	                        "    rates: {on: amount, method: retroactive,\n"
	                        "            tiers: [{upto: 10, rate: 6%}, {rate: 7%}]}\n",
	                   NULL);
	assert_int_equal(fs.n, 2);
	assert_non_null(strstr(fs.messages[0], "component 'first'"));
	assert_non_null(strstr(fs.messages[1], "cliff: component 'second' pays 0.10 more at 10"));
	assert_true(fs.lines[0] < fs.lines[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_retroactive_on_amount),
	    cmocka_unit_test(test_retroactive_on_attainment),
	    cmocka_unit_test(test_graduated),
	    cmocka_unit_test(test_curves),
	    cmocka_unit_test(test_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
