/*
 * test_rates.c - unit tests for the pay arithmetic: graduated against retroactive tables on the
 * same numbers, on amount and on attainment, boundary ownership, bounded last tiers, zero and
 * negative bases, per-step rounding, pay curves, thresholds, caps, every check error and overflow.
 * Expected values are worked out by hand in the comments, not taken from the code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "spm/rates.h"

#define NSTEPS 8

static spm_tier bounded(int64_t upto, const char *r)
{
	return (spm_tier){false, upto, rate(r)};
}

static spm_tier unbounded(const char *r)
{
	return (spm_tier){true, 0, rate(r)};
}

/* Runs a table; fails the test unless it succeeds, and checks that the steps add up to the pay. */
struct result {
	spm_money pay;
	size_t n;
	spm_pay_step steps[NSTEPS];
};

static struct result run(spm_tier_method method, spm_tier_basis basis, spm_boundary boundary,
                         const spm_tier *tiers, size_t ntiers, const char *base, const char *quota,
                         spm_rounding mode)
{
	spm_rate_table t = {method, basis, boundary, tiers, ntiers};
	struct result res = {{SENTINEL}, 99, {{0}}};
	spm_money sum = {0};
	spm_error err;
	int rc;

	for (size_t i = 0; i < NSTEPS; i++)
		res.steps[i].tier = -99; /* marks a step never written */
	spm_error_clear(&err);
	rc = spm_rate_table_pay(&t, money(base), money(quota), mode, &res.pay, res.steps, NSTEPS,
	                        &res.n, &err);
	if (rc != SPM_OK)
		fail_msg("base %s: %s", base, err.message);
	assert_true(res.n <= NSTEPS);
	for (size_t i = 0; i < res.n; i++)
		assert_int_equal(spm_money_add(&sum, sum, res.steps[i].pay), SPM_OK);
	assert_int_equal(sum.units, res.pay.units);
	return res;
}

static void assert_step(const spm_pay_step *s, int tier, const char *base, const char *r,
                        const char *pay)
{
	assert_int_equal(s->tier, tier);
	assert_money_text(s->base, base);
	assert_percent_text(s->rate, r);
	assert_money_text(s->pay, pay);
}

/* The plan of the brief: up to 100% at 8%, up to 150% at 12%, above at 15%. */
static void attainment_tiers(spm_tier tiers[3])
{
	tiers[0] = bounded(rate("100%").units, "8%");
	tiers[1] = bounded(rate("150%").units, "12%");
	tiers[2] = unbounded("15%");
}

/* The same table with its bounds in money, for a quota of 100,000. */
static void amount_tiers(spm_tier tiers[3])
{
	tiers[0] = bounded(money("100000").units, "8%");
	tiers[1] = bounded(money("150000").units, "12%");
	tiers[2] = unbounded("15%");
}

/* --- graduated against retroactive --- */

static void test_graduated_vs_retroactive_on_attainment(void **state)
{
	spm_tier tiers[3];
	struct result g, r;
	(void)state;
	attainment_tiers(tiers);

	/* 80%: inside the first tier, so both pay 80,000 × 8% = 6,400 */
	g = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 3, "80000",
	        "100000", SPM_ROUND_HALF_UP);
	assert_money_text(g.pay, "6400");
	assert_int_equal(g.n, 1);
	assert_step(&g.steps[0], 0, "80000", "8%", "6400");
	r = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 3,
	        "80000", "100000", SPM_ROUND_HALF_UP);
	assert_money_text(r.pay, "6400");
	assert_int_equal(r.n, 1);
	assert_step(&r.steps[0], 0, "80000", "8%", "6400");

	/* 120%: graduated 100,000 × 8% + 20,000 × 12% = 8,000 + 2,400 = 10,400;
	 * retroactive 120,000 × 12% = 14,400 */
	g = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 3,
	        "120000", "100000", SPM_ROUND_HALF_UP);
	assert_money_text(g.pay, "10400");
	assert_int_equal(g.n, 2);
	assert_step(&g.steps[0], 0, "100000", "8%", "8000");
	assert_step(&g.steps[1], 1, "20000", "12%", "2400");
	r = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 3,
	        "120000", "100000", SPM_ROUND_HALF_UP);
	assert_money_text(r.pay, "14400");
	assert_int_equal(r.n, 1);
	assert_step(&r.steps[0], 1, "120000", "12%", "14400");

	/* 160%: graduated 8,000 + 50,000 × 12% + 10,000 × 15% = 8,000 + 6,000 + 1,500 = 15,500;
	 * retroactive 160,000 × 15% = 24,000 */
	g = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 3,
	        "160000", "100000", SPM_ROUND_HALF_UP);
	assert_money_text(g.pay, "15500");
	assert_int_equal(g.n, 3);
	assert_step(&g.steps[0], 0, "100000", "8%", "8000");
	assert_step(&g.steps[1], 1, "50000", "12%", "6000");
	assert_step(&g.steps[2], 2, "10000", "15%", "1500");
	r = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 3,
	        "160000", "100000", SPM_ROUND_HALF_UP);
	assert_money_text(r.pay, "24000");
	assert_step(&r.steps[0], 2, "160000", "15%", "24000");

	/* the same attainment on another quota: 120% of 50,000 is 60,000; graduated
	 * 50,000 × 8% + 10,000 × 12% = 4,000 + 1,200 = 5,200; retroactive 60,000 × 12% = 7,200 */
	g = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 3, "60000",
	        "50000", SPM_ROUND_HALF_UP);
	assert_money_text(g.pay, "5200");
	r = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 3,
	        "60000", "50000", SPM_ROUND_HALF_UP);
	assert_money_text(r.pay, "7200");
}

static void test_ownership_on_attainment(void **state)
{
	spm_tier tiers[3];
	struct result res;
	(void)state;
	attainment_tiers(tiers);

	/* exactly 100%: a graduated slice ends at the bound either way, 100,000 × 8% = 8,000 */
	for (int b = SPM_BOUNDARY_BELOW; b <= SPM_BOUNDARY_ABOVE; b++) {
		res = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_ATTAINMENT, (spm_boundary)b, tiers, 3,
		          "100000", "100000", SPM_ROUND_HALF_UP);
		assert_money_text(res.pay, "8000");
		assert_int_equal(res.n, 1);
	}
	/* retroactive at exactly 100%: BELOW keeps 8% (8,000), ABOVE moves up to 12% (12,000) */
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 3,
	          "100000", "100000", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "8000");
	assert_int_equal(res.steps[0].tier, 0);
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_ABOVE, tiers, 3,
	          "100000", "100000", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "12000");
	assert_int_equal(res.steps[0].tier, 1);

	/* exactly 150%: graduated 8,000 + 50,000 × 12% = 14,000 either way, two steps */
	for (int b = SPM_BOUNDARY_BELOW; b <= SPM_BOUNDARY_ABOVE; b++) {
		res = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_ATTAINMENT, (spm_boundary)b, tiers, 3,
		          "150000", "100000", SPM_ROUND_HALF_UP);
		assert_money_text(res.pay, "14000");
		assert_int_equal(res.n, 2);
	}
	/* retroactive: BELOW 150,000 × 12% = 18,000; ABOVE 150,000 × 15% = 22,500 */
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 3,
	          "150000", "100000", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "18000");
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_ABOVE, tiers, 3,
	          "150000", "100000", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "22500");

	/* one unit under 100% is in the first tier under either ownership: 99,999.9999 × 8% =
	 * 7,999.999992 → 8,000.0000 half-up */
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_ABOVE, tiers, 3,
	          "99999.9999", "100000", SPM_ROUND_HALF_UP);
	assert_int_equal(res.steps[0].tier, 0);
	assert_money_text(res.pay, "8000");
}

/*
 * The attainment is compared with the bounds exactly: on a quota of 10,000,000 one unit over it is
 * 100.000000001% exactly, a hair past 100% that a ratio rounded to 10 decimals would lose (it
 * would read 100% and, under BELOW, stay in the first tier).
 */
static void test_retroactive_attainment_is_exact(void **state)
{
	spm_tier tiers[3];
	struct result res;
	(void)state;
	attainment_tiers(tiers);

	/* 10,000,000.0001 × 12% = 1,200,000.000012 → 1,200,000.0000 */
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 3,
	          "10000000.0001", "10000000", SPM_ROUND_HALF_UP);
	assert_int_equal(res.steps[0].tier, 1);
	assert_money_text(res.pay, "1200000");
	/* one unit under 150% of 333.3333 (499.99995) is 499.9999: still 12% under ABOVE;
	 * 499.9999 × 12% = 59.999988 → 60.0000 */
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_ABOVE, tiers, 3,
	          "499.9999", "333.3333", SPM_ROUND_HALF_UP);
	assert_int_equal(res.steps[0].tier, 1);
	assert_money_text(res.pay, "60");
	/* and 500.0000 is past 150% (500 / 333.3333 = 1.50000015): 500 × 15% = 75 */
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 3,
	          "500", "333.3333", SPM_ROUND_HALF_UP);
	assert_int_equal(res.steps[0].tier, 2);
	assert_money_text(res.pay, "75");
}

/*
 * On attainment the graduated cuts are quota × bound rounded with the mode: 150% of 333.3333 is
 * 499.99995, cut at 500.0000 half-up and at 499.9999 down. Up to 150% at 10%, above at 20%, base
 * 600: half-up 500 × 10% + 100 × 20% = 50 + 20 = 70; down 499.9999 × 10% = 49.99999 → 49.9999,
 * plus 100.0001 × 20% = 20.00002 → 20.0000, total 69.9999.
 */
static void test_graduated_attainment_cuts_rounded(void **state)
{
	spm_tier tiers[2];
	struct result res;
	(void)state;
	tiers[0] = bounded(rate("150%").units, "10%");
	tiers[1] = unbounded("20%");

	res = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 2, "600",
	          "333.3333", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "70");
	assert_step(&res.steps[0], 0, "500", "10%", "50");
	assert_step(&res.steps[1], 1, "100", "20%", "20");
	res = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 2, "600",
	          "333.3333", SPM_ROUND_DOWN);
	assert_money_text(res.pay, "69.9999");
	assert_step(&res.steps[0], 0, "499.9999", "10%", "49.9999");
	assert_step(&res.steps[1], 1, "100.0001", "20%", "20");

	/* cuts that round together leave no empty step: on a quota of 0.0001, 100% and
	 * 100.0000001% both cut at 0.0001; base 1 pays 0.0001 × 10% = 0.00001 → 0.0000 and
	 * 0.9999 × 30% = 0.29997 → 0.3000, two steps */
	spm_tier close[3] = {bounded(rate("100%").units, "10%"),
	                     bounded(rate("100.0000001%").units, "20%"), unbounded("30%")};
	res = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, close, 3, "1",
	          "0.0001", SPM_ROUND_HALF_UP);
	assert_int_equal(res.n, 2);
	assert_step(&res.steps[0], 0, "0.0001", "10%", "0");
	assert_step(&res.steps[1], 2, "0.9999", "30%", "0.3");
	assert_money_text(res.pay, "0.3");
}

/*
 * A cut too large for money lies beyond any base: quota 900,000,000,000,000 × 1,000% overflows,
 * so a base of 1,000,000 is all in the first tier at 1%: 10,000.
 */
static void test_graduated_attainment_cut_beyond_money(void **state)
{
	spm_tier tiers[2];
	struct result res;
	(void)state;
	tiers[0] = bounded(rate("1000%").units, "1%");
	tiers[1] = unbounded("50%");

	res = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 2,
	          "1000000", "900000000000000", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "10000");
	assert_int_equal(res.n, 1);
}

static void test_amount_tables(void **state)
{
	spm_tier tiers[3];
	struct result res;
	(void)state;
	amount_tiers(tiers);

	/* the quota is ignored on amount: even a zero one */
	res = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, tiers, 3, "80000",
	          "0", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "6400");
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, tiers, 3, "80000",
	          "0", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "6400");
	/* 120,000: 8,000 + 2,400 = 10,400 against 120,000 × 12% = 14,400 */
	res = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, tiers, 3, "120000",
	          "0", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "10400");
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, tiers, 3,
	          "120000", "0", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "14400");
	/* 160,000: 8,000 + 6,000 + 1,500 = 15,500 against 160,000 × 15% = 24,000 */
	res = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, tiers, 3, "160000",
	          "0", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "15500");
	assert_int_equal(res.n, 3);
	assert_step(&res.steps[2], 2, "10000", "15%", "1500");
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, tiers, 3,
	          "160000", "0", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "24000");
	/* exactly 100,000: graduated 8,000 either way; retroactive 8,000 BELOW, 12,000 ABOVE */
	res = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_ABOVE, tiers, 3, "100000",
	          "0", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "8000");
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, tiers, 3,
	          "100000", "0", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "8000");
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_ABOVE, tiers, 3,
	          "100000", "0", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "12000");
	/* exactly 150,000: graduated 14,000; retroactive 18,000 BELOW, 22,500 ABOVE */
	res = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, tiers, 3, "150000",
	          "0", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "14000");
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, tiers, 3,
	          "150000", "0", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "18000");
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_ABOVE, tiers, 3,
	          "150000", "0", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "22500");
	/* one unit past 100,000 leaves the first tier under BELOW too:
	 * 100,000.0001 × 12% = 12,000.000012 → 12,000.0000 */
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, tiers, 3,
	          "100000.0001", "0", SPM_ROUND_HALF_UP);
	assert_int_equal(res.steps[0].tier, 1);
	assert_money_text(res.pay, "12000");
}

/*
 * A bounded last tier: up to 100,000 at 10%, up to 200,000 at 5%, nothing above. Base 250,000:
 * graduated 100,000 × 10% + 100,000 × 5% = 10,000 + 5,000 = 15,000 (the last 50,000 pays nothing);
 * retroactive takes the last tier's rate on the whole base, 250,000 × 5% = 12,500.
 */
static void test_bounded_last_tier(void **state)
{
	spm_tier tiers[2];
	struct result res;
	(void)state;
	tiers[0] = bounded(money("100000").units, "10%");
	tiers[1] = bounded(money("200000").units, "5%");

	res = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, tiers, 2, "250000",
	          "0", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "15000");
	assert_int_equal(res.n, 2);
	assert_step(&res.steps[1], 1, "100000", "5%", "5000");
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, tiers, 2,
	          "250000", "0", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "12500");
	assert_step(&res.steps[0], 1, "250000", "5%", "12500");
	/* exactly on the last bound under ABOVE: there is no next tier, so still 5%: 10,000 */
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_ABOVE, tiers, 2,
	          "200000", "0", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "10000");

	/* on attainment, up to 100% at 10%, up to 120% at 5%, quota 1,000, base 1,500:
	 * graduated 1,000 × 10% + 200 × 5% = 100 + 10 = 110; retroactive 1,500 × 5% = 75 */
	tiers[0] = bounded(rate("100%").units, "10%");
	tiers[1] = bounded(rate("120%").units, "5%");
	res = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 2,
	          "1500", "1000", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "110");
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 2,
	          "1500", "1000", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "75");
}

/* A single unbounded tier is a plain rate: 3% of 12,345.67 = 370.3701, by either method. */
static void test_single_flat_tier(void **state)
{
	spm_tier tier = unbounded("3%");
	struct result res;
	(void)state;

	for (int m = SPM_TIERS_GRADUATED; m <= SPM_TIERS_RETROACTIVE; m++) {
		res = run((spm_tier_method)m, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, &tier, 1,
		          "12345.67", "0", SPM_ROUND_HALF_UP);
		assert_money_text(res.pay, "370.3701");
		assert_int_equal(res.n, 1);
		assert_step(&res.steps[0], 0, "12345.67", "3%", "370.3701");
		res = run((spm_tier_method)m, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_ABOVE, &tier, 1,
		          "12345.67", "1", SPM_ROUND_HALF_UP);
		assert_money_text(res.pay, "370.3701");
	}
}

/* A zero base pays nothing and has no steps, on every kind of table. */
static void test_zero_base(void **state)
{
	spm_tier tiers[3];
	struct result res;
	(void)state;
	attainment_tiers(tiers);

	for (int m = SPM_TIERS_GRADUATED; m <= SPM_TIERS_RETROACTIVE; m++) {
		res = run((spm_tier_method)m, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_ABOVE, tiers, 3,
		          "0", "100000", SPM_ROUND_UP);
		assert_int_equal(res.pay.units, 0);
		assert_int_equal(res.n, 0);
		assert_int_equal(res.steps[0].tier, -99); /* untouched */
	}
}

/*
 * A negative base is one step at the first tier's rate whatever the method or the measure:
 * -5,000 × 8% = -400 (not -5,000 × 15%). Rounding mirrors a positive base: -0.0050 × 5% =
 * -0.00025, half-up (away from zero) -0.0003, half-even -0.0002, down -0.0002, floor -0.0003.
 */
static void test_negative_base(void **state)
{
	spm_tier tiers[3], tier5 = unbounded("5%");
	struct result res;
	(void)state;
	attainment_tiers(tiers);

	for (int m = SPM_TIERS_GRADUATED; m <= SPM_TIERS_RETROACTIVE; m++) {
		res = run((spm_tier_method)m, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 3,
		          "-5000", "100000", SPM_ROUND_HALF_UP);
		assert_money_text(res.pay, "-400");
		assert_int_equal(res.n, 1);
		assert_step(&res.steps[0], 0, "-5000", "8%", "-400");
		/* even a negative base far past every bound in size stays at 8% */
		res = run((spm_tier_method)m, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers, 3,
		          "-500000", "100000", SPM_ROUND_HALF_UP);
		assert_money_text(res.pay, "-40000");
	}
	amount_tiers(tiers);
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_ABOVE, tiers, 3, "-5000",
	          "0", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "-400");

	res = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, &tier5, 1, "-0.005",
	          "0", SPM_ROUND_HALF_UP);
	assert_money_text(res.pay, "-0.0003");
	res = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, &tier5, 1, "-0.005",
	          "0", SPM_ROUND_HALF_EVEN);
	assert_money_text(res.pay, "-0.0002");
	res = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, &tier5, 1, "-0.005",
	          "0", SPM_ROUND_DOWN);
	assert_money_text(res.pay, "-0.0002");
	res = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, &tier5, 1, "-0.005",
	          "0", SPM_ROUND_FLOOR);
	assert_money_text(res.pay, "-0.0003");
}

/*
 * Each step rounds once and the total is their sum. Up to 1,000.0010 at 5%, above at 12.5%, base
 * 1,500.0040:
 *   slice 1: 1,000.0010 × 5%    = 50.00005   (a tie)  half-up 50.0001, half-even 50.0000,
 * down 50.0000 slice 2:   500.0030 × 12.5% = 62.500375           half-up 62.5004,
 * half-even 62.5004, down 62.5003 total:                                            half-up
 * 112.5005, half-even 112.5004, down 112.5003 Rounding the exact total 112.500425 once would give
 * 112.5004 half-up: the steps' sum is what pays.
 */
static void test_step_rounding(void **state)
{
	static const struct {
		spm_rounding mode;
		const char *pay1, *pay2, *total;
	} cases[] = {
	    {SPM_ROUND_HALF_UP, "50.0001", "62.5004", "112.5005"},
	    {SPM_ROUND_HALF_EVEN, "50", "62.5004", "112.5004"},
	    {SPM_ROUND_DOWN, "50", "62.5003", "112.5003"},
	};
	spm_tier tiers[2];
	struct result res;
	(void)state;
	tiers[0] = bounded(money("1000.001").units, "5%");
	tiers[1] = unbounded("12.5%");

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		res = run(SPM_TIERS_GRADUATED, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, tiers, 2,
		          "1500.004", "0", cases[i].mode);
		assert_int_equal(res.n, 2);
		assert_step(&res.steps[0], 0, "1000.001", "5%", cases[i].pay1);
		assert_step(&res.steps[1], 1, "500.003", "12.5%", cases[i].pay2);
		assert_money_text(res.pay, cases[i].total);
	}
	/* retroactive: 1,500.0040 × 12.5% = 187.5005 exactly, no rounding in any mode */
	res = run(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, tiers, 2,
	          "1500.004", "0", SPM_ROUND_DOWN);
	assert_money_text(res.pay, "187.5005");
}

/* More steps than room: the count still says how many there were, the array is not overrun. */
static void test_steps_beyond_cap(void **state)
{
	spm_tier tiers[3];
	spm_rate_table t = {SPM_TIERS_GRADUATED, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, tiers, 3};
	spm_pay_step steps[3];
	spm_money pay = {SENTINEL};
	size_t n = 99;
	(void)state;
	amount_tiers(tiers);
	memset(steps, 0, sizeof steps);
	steps[2].tier = 77;

	/* 160,000 makes three steps (15,500), written into room for two */
	assert_int_equal(spm_rate_table_pay(&t, money("160000"), money("0"), SPM_ROUND_HALF_UP,
	                                    &pay, steps, 2, &n, NULL),
	                 SPM_OK);
	assert_money_text(pay, "15500");
	assert_int_equal(n, 3);
	assert_int_equal(steps[1].tier, 1);
	assert_int_equal(steps[2].tier, 77);
	/* no array at all, and no count wanted */
	pay.units = SENTINEL;
	assert_int_equal(spm_rate_table_pay(&t, money("160000"), money("0"), SPM_ROUND_HALF_UP,
	                                    &pay, NULL, 0, NULL, NULL),
	                 SPM_OK);
	assert_money_text(pay, "15500");
}

/* --- pay curves --- */

/* 50% pays nothing, 100% pays the target, 150% pays double; target 10,000. */
static const spm_curve_point *brief_curve(spm_curve_point pts[3])
{
	pts[0] = (spm_curve_point){rate("50%"), rate("0%")};
	pts[1] = (spm_curve_point){rate("100%"), rate("100%")};
	pts[2] = (spm_curve_point){rate("150%"), rate("200%")};
	return pts;
}

static spm_money curve_pay(const spm_curve_point *pts, size_t n, const char *a, const char *target,
                           spm_rounding mode)
{
	spm_money pay = {SENTINEL};
	spm_error err;

	spm_error_clear(&err);
	if (spm_curve_pay(pts, n, rate(a), money(target), mode, &pay, &err) != SPM_OK)
		fail_msg("attainment %s: %s", a, err.message);
	return pay;
}

static spm_rate curve_payout(const spm_curve_point *pts, size_t n, const char *a, spm_rounding mode)
{
	spm_rate payout = {SENTINEL};
	spm_error err;

	spm_error_clear(&err);
	if (spm_curve_payout(pts, n, rate(a), mode, &payout, &err) != SPM_OK)
		fail_msg("attainment %s: %s", a, err.message);
	return payout;
}

static void test_curve_points(void **state)
{
	spm_curve_point pts[3];
	(void)state;
	brief_curve(pts);

	/* 40%: before the first point, flat at 0% */
	assert_money_text(curve_pay(pts, 3, "40%", "10000", SPM_ROUND_HALF_UP), "0");
	assert_money_text(curve_pay(pts, 3, "-20%", "10000", SPM_ROUND_HALF_UP), "0");
	assert_money_text(curve_pay(pts, 3, "50%", "10000", SPM_ROUND_HALF_UP), "0");
	/* 75%: halfway from (50%, 0%) to (100%, 100%), 50% → 5,000 */
	assert_percent_text(curve_payout(pts, 3, "75%", SPM_ROUND_HALF_UP), "50%");
	assert_money_text(curve_pay(pts, 3, "75%", "10000", SPM_ROUND_HALF_UP), "5000");
	/* 100%: on a point, 100% → 10,000 */
	assert_money_text(curve_pay(pts, 3, "100%", "10000", SPM_ROUND_HALF_UP), "10000");
	/* 125%: halfway from (100%, 100%) to (150%, 200%), 150% → 15,000 */
	assert_percent_text(curve_payout(pts, 3, "125%", SPM_ROUND_HALF_UP), "150%");
	assert_money_text(curve_pay(pts, 3, "125%", "10000", SPM_ROUND_HALF_UP), "15000");
	/* 150% and 200%: on and past the last point, flat at 200% → 20,000 */
	assert_money_text(curve_pay(pts, 3, "150%", "10000", SPM_ROUND_HALF_UP), "20000");
	assert_money_text(curve_pay(pts, 3, "200%", "10000", SPM_ROUND_HALF_UP), "20000");
	assert_percent_text(curve_payout(pts, 3, "200%", SPM_ROUND_HALF_UP), "200%");
	/* 75.00000001%: payout 2 × 0.7500000001 - 1 = 0.5000000002, exact; pay 5,000.000002 →
	 * 5,000.0000 half-up, 5,000.0001 up */
	assert_percent_text(curve_payout(pts, 3, "75.00000001%", SPM_ROUND_HALF_UP), "50.00000002%");
	assert_money_text(curve_pay(pts, 3, "75.00000001%", "10000", SPM_ROUND_HALF_UP), "5000");
	assert_money_text(curve_pay(pts, 3, "75.00000001%", "10000", SPM_ROUND_UP), "5000.0001");
}

/*
 * Points (0%, 0%), (90%, 50%), (120%, 150%): between the last two the slope is 100/30 = 10/3.
 *   45%:  0% + 50% × 45/90 = 25% exactly → 2,500 on 10,000.
 *   100%: 50% + 100% × 10/30 = 83.333...%: payout 0.8333333333 half-up and down, 0.8333333334 up;
 *         pay 8,333.333... → 8,333.3333 half-up and down, 8,333.3334 up and ceiling.
 *   110%: 50% + 100% × 20/30 = 116.666...%: payout 1.1666666667 half-up, 1.1666666666 down;
 *         pay 11,666.666... → 11,666.6667 half-up and half-even, 11,666.6666 down.
 *   on a target of -10,000 at 100%: -8,333.333... → -8,333.3333 half-up and ceiling,
 *         -8,333.3334 floor and up.
 */
static void test_curve_rounding(void **state)
{
	spm_curve_point pts[3];
	(void)state;
	pts[0] = (spm_curve_point){rate("0%"), rate("0%")};
	pts[1] = (spm_curve_point){rate("90%"), rate("50%")};
	pts[2] = (spm_curve_point){rate("120%"), rate("150%")};

	assert_money_text(curve_pay(pts, 3, "45%", "10000", SPM_ROUND_DOWN), "2500");
	assert_percent_text(curve_payout(pts, 3, "100%", SPM_ROUND_HALF_UP), "83.33333333%");
	assert_percent_text(curve_payout(pts, 3, "100%", SPM_ROUND_DOWN), "83.33333333%");
	assert_percent_text(curve_payout(pts, 3, "100%", SPM_ROUND_UP), "83.33333334%");
	assert_money_text(curve_pay(pts, 3, "100%", "10000", SPM_ROUND_HALF_UP), "8333.3333");
	assert_money_text(curve_pay(pts, 3, "100%", "10000", SPM_ROUND_DOWN), "8333.3333");
	assert_money_text(curve_pay(pts, 3, "100%", "10000", SPM_ROUND_UP), "8333.3334");
	assert_money_text(curve_pay(pts, 3, "100%", "10000", SPM_ROUND_CEILING), "8333.3334");
	assert_percent_text(curve_payout(pts, 3, "110%", SPM_ROUND_HALF_UP), "116.66666667%");
	assert_percent_text(curve_payout(pts, 3, "110%", SPM_ROUND_DOWN), "116.66666666%");
	assert_money_text(curve_pay(pts, 3, "110%", "10000", SPM_ROUND_HALF_UP), "11666.6667");
	assert_money_text(curve_pay(pts, 3, "110%", "10000", SPM_ROUND_HALF_EVEN), "11666.6667");
	assert_money_text(curve_pay(pts, 3, "110%", "10000", SPM_ROUND_DOWN), "11666.6666");
	assert_money_text(curve_pay(pts, 3, "100%", "-10000", SPM_ROUND_HALF_UP), "-8333.3333");
	assert_money_text(curve_pay(pts, 3, "100%", "-10000", SPM_ROUND_CEILING), "-8333.3333");
	assert_money_text(curve_pay(pts, 3, "100%", "-10000", SPM_ROUND_FLOOR), "-8333.3334");
	assert_money_text(curve_pay(pts, 3, "100%", "-10000", SPM_ROUND_UP), "-8333.3334");
}

/*
 * The pay rounds once, from the exact payout. Points (0%, 0%), (300%, 100%), attainment
 * 0.0000000149 (149 rate units): payout 149/3 = 49.667 rate units, 50 when rounded half-up. On a
 * target of 10,000 (10^8 money units) the pay is 10^8 × 49.667 / 10^10 = 0.49667 money units → 0
 * half-up; through the rounded payout it would be 0.5 → 1 unit. Ties from the exact fraction:
 * attainment 150 rate units gives payout exactly 50 units and pay 0.5 units → 1 half-up, 0
 * half-even and half-down; attainment 450 gives 1.5 units → 2 half-up and half-even, 1 half-down.
 * The last remainder counts: points (0, 0), (3, 3 × 10^10 + 1) in rate units, at attainment 1
 * unit pay (3 × 10^10 + 1) / 3 = 10^10 + 1/3 rate units; on a target of one money unit that is
 * 1.0000000000333 units: 2 up, 1 down and half-up.
 */
static void test_curve_rounds_once(void **state)
{
	spm_curve_point pts[2];
	spm_money through_payout;
	(void)state;
	pts[0] = (spm_curve_point){rate("0%"), rate("0%")};
	pts[1] = (spm_curve_point){rate("300%"), rate("100%")};

	assert_int_equal(curve_payout(pts, 2, "0.0000000149", SPM_ROUND_HALF_UP).units, 50);
	assert_int_equal(spm_money_mul_rate(&through_payout, money("10000"),
	                                    curve_payout(pts, 2, "0.0000000149", SPM_ROUND_HALF_UP),
	                                    SPM_ROUND_HALF_UP),
	                 SPM_OK);
	assert_int_equal(through_payout.units, 1);
	assert_int_equal(curve_pay(pts, 2, "0.0000000149", "10000", SPM_ROUND_HALF_UP).units, 0);
	assert_int_equal(curve_pay(pts, 2, "0.0000000149", "10000", SPM_ROUND_UP).units, 1);
	assert_int_equal(curve_pay(pts, 2, "0.000000015", "10000", SPM_ROUND_HALF_UP).units, 1);
	assert_int_equal(curve_pay(pts, 2, "0.000000015", "10000", SPM_ROUND_HALF_EVEN).units, 0);
	assert_int_equal(curve_pay(pts, 2, "0.000000015", "10000", SPM_ROUND_HALF_DOWN).units, 0);
	assert_int_equal(curve_pay(pts, 2, "0.000000045", "10000", SPM_ROUND_HALF_UP).units, 2);
	assert_int_equal(curve_pay(pts, 2, "0.000000045", "10000", SPM_ROUND_HALF_EVEN).units, 2);
	assert_int_equal(curve_pay(pts, 2, "0.000000045", "10000", SPM_ROUND_HALF_DOWN).units, 1);

	pts[1] = (spm_curve_point){{3}, {3 * SPM_RATE_ONE + 1}};
	assert_int_equal(curve_pay(pts, 2, "0.0000000001", "0.0001", SPM_ROUND_UP).units, 2);
	assert_int_equal(curve_pay(pts, 2, "0.0000000001", "0.0001", SPM_ROUND_DOWN).units, 1);
	assert_int_equal(curve_pay(pts, 2, "0.0000000001", "0.0001", SPM_ROUND_HALF_UP).units, 1);
	assert_int_equal(curve_pay(pts, 2, "0.0000000001", "-0.0001", SPM_ROUND_FLOOR).units, -2);
}

/*
 * Extremes of the 128-bit path: attainments spanning 2^64 - 1 rate units and a payout of
 * P = 2^63 - 1 units. Points (INT64_MIN, 0) and (INT64_MAX, P), at attainment 0: the payout is
 * P × 2^63 / (2^64 - 1) = P/2 × (1 + 1/(2^64 - 1)) = 4611686018427387903.5 + a little under 0.25
 * units, so ...903.75 less a hair: ...904 half-up, ...903 down. On a target of one money unit the
 * pay is that / 10^10 = 461168601.84... units: 461168602 half-up; on minus one unit,
 * -461168601 down (toward zero).
 */
static void test_curve_extremes(void **state)
{
	spm_curve_point pts[2];
	spm_rate payout = {SENTINEL};
	spm_money pay = {SENTINEL};
	(void)state;
	pts[0] = (spm_curve_point){{INT64_MIN}, {0}};
	pts[1] = (spm_curve_point){{INT64_MAX}, {INT64_MAX}};

	assert_int_equal(spm_curve_payout(pts, 2, (spm_rate){0}, SPM_ROUND_HALF_UP, &payout, NULL),
	                 SPM_OK);
	assert_int_equal(payout.units, INT64_C(4611686018427387904));
	assert_int_equal(spm_curve_payout(pts, 2, (spm_rate){0}, SPM_ROUND_DOWN, &payout, NULL),
	                 SPM_OK);
	assert_int_equal(payout.units, INT64_C(4611686018427387903));
	assert_int_equal(
	    spm_curve_pay(pts, 2, (spm_rate){0}, (spm_money){1}, SPM_ROUND_HALF_UP, &pay, NULL),
	    SPM_OK);
	assert_int_equal(pay.units, INT64_C(461168602));
	assert_int_equal(
	    spm_curve_pay(pts, 2, (spm_rate){0}, (spm_money){-1}, SPM_ROUND_DOWN, &pay, NULL),
	    SPM_OK);
	assert_int_equal(pay.units, INT64_C(-461168601));
}

/* --- thresholds and caps --- */

static void test_threshold_gate(void **state)
{
	int64_t at = rate("50%").units;
	(void)state;

	/* exactly 50% passes only when the bound belongs above */
	assert_true(spm_threshold_passed(rate("50%").units, at, SPM_BOUNDARY_ABOVE));
	assert_false(spm_threshold_passed(rate("50%").units, at, SPM_BOUNDARY_BELOW));
	assert_false(spm_threshold_passed(rate("49.99999999%").units, at, SPM_BOUNDARY_ABOVE));
	assert_false(spm_threshold_passed(rate("49.99999999%").units, at, SPM_BOUNDARY_BELOW));
	assert_true(spm_threshold_passed(rate("50.00000001%").units, at, SPM_BOUNDARY_BELOW));
	assert_true(spm_threshold_passed(rate("50.00000001%").units, at, SPM_BOUNDARY_ABOVE));
	/* on amount, and at the int64 ends */
	assert_true(
	    spm_threshold_passed(money("1000").units, money("1000").units, SPM_BOUNDARY_ABOVE));
	assert_false(spm_threshold_passed(INT64_MAX, INT64_MAX, SPM_BOUNDARY_BELOW));
	assert_true(spm_threshold_passed(INT64_MAX, INT64_MAX, SPM_BOUNDARY_ABOVE));
	assert_false(spm_threshold_passed(INT64_MIN, 0, SPM_BOUNDARY_ABOVE));
	/* a boundary that is not a value counts as BELOW, the stricter */
	assert_false(spm_threshold_passed(5, 5, (spm_boundary)7));
}

static spm_money deduct(spm_tier_basis basis, const char *base, const char *quota, int64_t at,
                        spm_rounding mode)
{
	spm_money out = {SENTINEL};
	spm_error err;

	spm_error_clear(&err);
	if (spm_threshold_deduct(basis, money(base), money(quota), at, mode, &out, &err) != SPM_OK)
		fail_msg("base %s: %s", base, err.message);
	return out;
}

static void test_threshold_deductible(void **state)
{
	int64_t at50 = money("50000").units;
	(void)state;

	/* on amount: 120,000 - 50,000 = 70,000; 50,000 and 30,000 leave nothing; negative too */
	assert_money_text(deduct(SPM_TIERS_ON_AMOUNT, "120000", "0", at50, SPM_ROUND_HALF_UP),
	                  "70000");
	assert_money_text(deduct(SPM_TIERS_ON_AMOUNT, "50000", "0", at50, SPM_ROUND_HALF_UP), "0");
	assert_money_text(deduct(SPM_TIERS_ON_AMOUNT, "30000", "0", at50, SPM_ROUND_HALF_UP), "0");
	assert_money_text(deduct(SPM_TIERS_ON_AMOUNT, "-30000", "0", at50, SPM_ROUND_HALF_UP), "0");
	assert_money_text(
	    deduct(SPM_TIERS_ON_AMOUNT, "-922337203685477.5808", "0", at50, SPM_ROUND_HALF_UP),
	    "0");
	assert_money_text(
	    deduct(SPM_TIERS_ON_AMOUNT, "922337203685477.5807", "0", 0, SPM_ROUND_HALF_UP),
	    "922337203685477.5807");

	/* on attainment, 50% of a quota of 100,000 = 50,000: 120,000 → 70,000; 40,000 → 0 */
	assert_money_text(deduct(SPM_TIERS_ON_ATTAINMENT, "120000", "100000", rate("50%").units,
	                         SPM_ROUND_HALF_UP),
	                  "70000");
	assert_money_text(deduct(SPM_TIERS_ON_ATTAINMENT, "40000", "100000", rate("50%").units,
	                         SPM_ROUND_HALF_UP),
	                  "0");
	/* 50% of 333.3333 is 166.66665, deducted as 166.6667 half-up, 166.6666 down:
	 * 200 leaves 33.3333 and 33.3334 */
	assert_money_text(deduct(SPM_TIERS_ON_ATTAINMENT, "200", "333.3333", rate("50%").units,
	                         SPM_ROUND_HALF_UP),
	                  "33.3333");
	assert_money_text(
	    deduct(SPM_TIERS_ON_ATTAINMENT, "200", "333.3333", rate("50%").units, SPM_ROUND_DOWN),
	    "33.3334");
	/* a deduction beyond money leaves nothing: 900,000,000,000,000 × 200% */
	assert_money_text(deduct(SPM_TIERS_ON_ATTAINMENT, "922337203685477.5807", "900000000000000",
	                         rate("200%").units, SPM_ROUND_HALF_UP),
	                  "0");
}

static void test_threshold_deduct_errors(void **state)
{
	spm_money out = {SENTINEL};
	spm_error err;
	(void)state;

	assert_int_equal(spm_threshold_deduct(SPM_TIERS_ON_AMOUNT, money("100"), money("0"),
	                                      -money("5").units, SPM_ROUND_HALF_UP, &out, &err),
	                 SPM_ECONFIG);
	assert_string_equal(err.message, "threshold -5 is negative");
	assert_int_equal(spm_threshold_deduct(SPM_TIERS_ON_ATTAINMENT, money("100"), money("0"),
	                                      -rate("5%").units, SPM_ROUND_HALF_UP, &out, &err),
	                 SPM_ECONFIG);
	assert_string_equal(err.message, "threshold -5% is negative");
	assert_int_equal(spm_threshold_deduct(SPM_TIERS_ON_ATTAINMENT, money("100"), money("0"),
	                                      rate("50%").units, SPM_ROUND_HALF_UP, &out, &err),
	                 SPM_EDATA);
	assert_string_equal(err.message, "no quota: '0'");
	assert_int_equal(spm_threshold_deduct(SPM_TIERS_ON_ATTAINMENT, money("100"), money("-10"),
	                                      rate("50%").units, SPM_ROUND_HALF_UP, &out, &err),
	                 SPM_EDATA);
	assert_string_equal(err.message, "no quota: '-10'");
	assert_int_equal(spm_threshold_deduct((spm_tier_basis)9, money("100"), money("1"), 0,
	                                      SPM_ROUND_HALF_UP, &out, &err),
	                 SPM_EUSAGE);
	assert_int_equal(spm_threshold_deduct(SPM_TIERS_ON_AMOUNT, money("100"), money("1"), 0,
	                                      (spm_rounding)42, &out, &err),
	                 SPM_EUSAGE);
	assert_int_equal(spm_threshold_deduct(SPM_TIERS_ON_AMOUNT, money("100"), money("1"), 0,
	                                      SPM_ROUND_HALF_UP, NULL, &err),
	                 SPM_EUSAGE);
	assert_int_equal(out.units, SENTINEL);
}

static void test_cap(void **state)
{
	static const struct {
		const char *pay, *cap, *paid, *cut;
	} cases[] = {
	    {"8000", "10000", "8000", "0"},      /* under */
	    {"10000", "10000", "10000", "0"},    /* equal */
	    {"12500", "10000", "10000", "2500"}, /* over: 2,500 cut */
	    {"-3000", "10000", "-3000", "0"},    /* a negative pay is never capped */
	    {"-3000", "0", "-3000", "0"},        /* not even by a zero cap */
	    {"0.0001", "0", "0", "0.0001"},      /* a zero cap takes all */
	    {"922337203685477.5807", "0", "0", "922337203685477.5807"},
	};
	spm_money paid, cut;
	spm_error err;
	(void)state;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		paid.units = cut.units = SENTINEL;
		assert_int_equal(
		    spm_cap(money(cases[i].pay), money(cases[i].cap), &paid, &cut, &err), SPM_OK);
		assert_money_text(paid, cases[i].paid);
		assert_money_text(cut, cases[i].cut);
	}
	/* a negative cap is refused, nothing written */
	paid.units = cut.units = SENTINEL;
	assert_int_equal(spm_cap(money("100"), money("-5"), &paid, &cut, &err), SPM_EUSAGE);
	assert_string_equal(err.message, "cap -5 is negative");
	assert_int_equal(paid.units, SENTINEL);
	assert_int_equal(cut.units, SENTINEL);
	assert_int_equal(spm_cap(money("100"), money("5"), NULL, &cut, NULL), SPM_EUSAGE);
	assert_int_equal(spm_cap(money("100"), money("5"), &paid, NULL, NULL), SPM_EUSAGE);
}

/* --- check errors --- */

static void expect_table_error(spm_tier_method method, spm_tier_basis basis, spm_boundary boundary,
                               const spm_tier *tiers, size_t n, const char *message)
{
	spm_rate_table t = {method, basis, boundary, tiers, n};
	spm_money pay = {SENTINEL};
	size_t nsteps = 99;
	spm_error err;

	spm_error_clear(&err);
	assert_int_equal(spm_rate_table_check(&t, &err), SPM_ECONFIG);
	assert_int_equal(err.code, SPM_ECONFIG);
	assert_string_equal(err.message, message);
	/* paying with it is the caller's mistake, with the same message */
	spm_error_clear(&err);
	assert_int_equal(spm_rate_table_pay(&t, money("1000"), money("1000"), SPM_ROUND_HALF_UP,
	                                    &pay, NULL, 0, &nsteps, &err),
	                 SPM_EUSAGE);
	assert_int_equal(err.code, SPM_EUSAGE);
	assert_string_equal(err.message, message);
	assert_int_equal(pay.units, SENTINEL);
	assert_int_equal(nsteps, 99);
}

static void test_table_check_errors(void **state)
{
	spm_tier tiers[3];
	spm_error err;
	(void)state;
	attainment_tiers(tiers);

	expect_table_error(SPM_TIERS_GRADUATED, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, tiers, 0,
	                   "rate table: no tiers");
	expect_table_error(SPM_TIERS_GRADUATED, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, NULL, 3,
	                   "rate table: no tiers");

	/* unordered and equal bounds */
	tiers[0] = bounded(rate("120%").units, "8%");
	tiers[1] = bounded(rate("100%").units, "12%");
	tiers[2] = unbounded("15%");
	expect_table_error(SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW,
	                   tiers, 3, "tier 2: bound 100% is not above the previous 120%");
	tiers[1] = bounded(rate("120%").units, "12%");
	expect_table_error(SPM_TIERS_GRADUATED, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers,
	                   3, "tier 2: bound 120% is not above the previous 120%");
	tiers[0] = bounded(money("150000").units, "8%");
	tiers[1] = bounded(money("100000.5").units, "12%");
	expect_table_error(SPM_TIERS_GRADUATED, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, tiers, 3,
	                   "tier 2: bound 100000.5 is not above the previous 150000");

	/* a first bound that is not positive */
	tiers[0] = bounded(0, "8%");
	expect_table_error(SPM_TIERS_GRADUATED, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers,
	                   1, "tier 1: bound 0% is not positive");
	tiers[0] = bounded(money("-10").units, "8%");
	expect_table_error(SPM_TIERS_GRADUATED, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, tiers, 1,
	                   "tier 1: bound -10 is not positive");

	/* an unbounded tier that is not the last */
	attainment_tiers(tiers);
	tiers[1] = unbounded("12%");
	expect_table_error(SPM_TIERS_GRADUATED, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers,
	                   3, "tier 2: only the last tier may be unbounded");

	/* a negative rate, even on the last tier */
	attainment_tiers(tiers);
	tiers[2] = unbounded("-1%");
	expect_table_error(SPM_TIERS_GRADUATED, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers,
	                   3, "tier 3: rate -1% is negative");

	/* values that are not in the enums */
	attainment_tiers(tiers);
	expect_table_error((spm_tier_method)7, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW, tiers,
	                   3, "rate table: unknown method 7");
	expect_table_error(SPM_TIERS_GRADUATED, (spm_tier_basis)7, SPM_BOUNDARY_BELOW, tiers, 3,
	                   "rate table: unknown basis 7");
	expect_table_error(SPM_TIERS_GRADUATED, SPM_TIERS_ON_ATTAINMENT, (spm_boundary)7, tiers, 3,
	                   "rate table: unknown boundary 7");

	/* a good table passes, and a NULL one is the caller's mistake */
	spm_rate_table good = {SPM_TIERS_GRADUATED, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW,
	                       tiers, 3};
	assert_int_equal(spm_rate_table_check(&good, &err), SPM_OK);
	assert_int_equal(spm_rate_table_check(NULL, &err), SPM_EUSAGE);
	assert_int_equal(spm_rate_table_check(NULL, NULL), SPM_EUSAGE);
}

static void test_table_pay_errors(void **state)
{
	spm_tier tiers[3];
	spm_rate_table t = {SPM_TIERS_RETROACTIVE, SPM_TIERS_ON_ATTAINMENT, SPM_BOUNDARY_BELOW,
	                    tiers, 3};
	spm_money pay = {SENTINEL};
	size_t n = 99;
	spm_error err;
	(void)state;
	attainment_tiers(tiers);

	/* an attainment table needs a quota above zero, even for a zero base */
	assert_int_equal(spm_rate_table_pay(&t, money("1000"), money("0"), SPM_ROUND_HALF_UP, &pay,
	                                    NULL, 0, &n, &err),
	                 SPM_EDATA);
	assert_string_equal(err.message, "no quota: '0'");
	assert_int_equal(spm_rate_table_pay(&t, money("0"), money("-0.5"), SPM_ROUND_HALF_UP, &pay,
	                                    NULL, 0, &n, &err),
	                 SPM_EDATA);
	assert_string_equal(err.message, "no quota: '-0.5'");
	/* a mode that is not one, and nowhere to put the pay */
	assert_int_equal(spm_rate_table_pay(&t, money("1000"), money("1000"), (spm_rounding)42,
	                                    &pay, NULL, 0, &n, &err),
	                 SPM_EUSAGE);
	assert_string_equal(err.message, "rounding mode 42: not a mode");
	assert_int_equal(spm_rate_table_pay(&t, money("1000"), money("1000"), SPM_ROUND_HALF_UP,
	                                    NULL, NULL, 0, &n, &err),
	                 SPM_EUSAGE);
	assert_int_equal(spm_rate_table_pay(NULL, money("1000"), money("1000"), SPM_ROUND_HALF_UP,
	                                    &pay, NULL, 0, &n, NULL),
	                 SPM_EUSAGE);
	assert_int_equal(pay.units, SENTINEL);
	assert_int_equal(n, 99);
}

static void expect_curve_error(const spm_curve_point *pts, size_t n, int code, const char *message)
{
	spm_rate payout = {SENTINEL};
	spm_money pay = {SENTINEL};
	spm_error err;

	spm_error_clear(&err);
	assert_int_equal(spm_curve_check(pts, n, &err), code);
	assert_string_equal(err.message, message);
	spm_error_clear(&err);
	assert_int_equal(spm_curve_payout(pts, n, rate("100%"), SPM_ROUND_HALF_UP, &payout, &err),
	                 SPM_EUSAGE);
	assert_string_equal(err.message, message);
	spm_error_clear(&err);
	assert_int_equal(
	    spm_curve_pay(pts, n, rate("100%"), money("1"), SPM_ROUND_HALF_UP, &pay, &err),
	    SPM_EUSAGE);
	assert_int_equal(err.code, SPM_EUSAGE);
	assert_string_equal(err.message, message);
	assert_int_equal(payout.units, SENTINEL);
	assert_int_equal(pay.units, SENTINEL);
}

static void test_curve_check_errors(void **state)
{
	spm_curve_point pts[3];
	spm_rate payout = {SENTINEL};
	spm_money pay = {SENTINEL};
	spm_error err;
	(void)state;
	brief_curve(pts);

	expect_curve_error(pts, 1, SPM_ECONFIG, "curve: 1 point, at least 2 needed");
	expect_curve_error(NULL, 0, SPM_ECONFIG, "curve: 0 points, at least 2 needed");
	expect_curve_error(NULL, 2, SPM_EUSAGE, "curve: no points given");
	pts[2].attainment = rate("90%");
	expect_curve_error(pts, 3, SPM_ECONFIG,
	                   "curve point 3: attainment 90% is not above the previous 100%");
	pts[2].attainment = rate("100%");
	expect_curve_error(pts, 3, SPM_ECONFIG,
	                   "curve point 3: attainment 100% is not above the previous 100%");
	brief_curve(pts);
	pts[1].payout = rate("-5%");
	expect_curve_error(pts, 3, SPM_ECONFIG, "curve point 2: payout -5% is negative");

	brief_curve(pts);
	assert_int_equal(spm_curve_check(pts, 3, &err), SPM_OK);
	assert_int_equal(spm_curve_payout(pts, 3, rate("75%"), (spm_rounding)-1, &payout, &err),
	                 SPM_EUSAGE);
	assert_int_equal(
	    spm_curve_pay(pts, 3, rate("75%"), money("1"), (spm_rounding)9, &pay, &err),
	    SPM_EUSAGE);
	assert_string_equal(err.message, "rounding mode 9: not a mode");
	assert_int_equal(spm_curve_payout(pts, 3, rate("75%"), SPM_ROUND_HALF_UP, NULL, &err),
	                 SPM_EUSAGE);
	assert_int_equal(
	    spm_curve_pay(pts, 3, rate("75%"), money("1"), SPM_ROUND_HALF_UP, NULL, NULL),
	    SPM_EUSAGE);
	assert_int_equal(payout.units, SENTINEL);
	assert_int_equal(pay.units, SENTINEL);
}

/* --- overflow --- */

static void test_overflow(void **state)
{
	spm_tier tiers[2], tier150 = unbounded("150%");
	spm_rate_table t = {SPM_TIERS_GRADUATED, SPM_TIERS_ON_AMOUNT, SPM_BOUNDARY_BELOW, &tier150,
	                    1};
	spm_curve_point pts[2];
	spm_money pay = {SENTINEL}, near_max = {INT64_MAX - 5}, ok = {SENTINEL};
	size_t n = 99;
	spm_error err;
	(void)state;

	/* 922,337,203,685,477.58 × 150% does not fit, by either method, on amount or attainment */
	for (int m = SPM_TIERS_GRADUATED; m <= SPM_TIERS_RETROACTIVE; m++) {
		t.method = (spm_tier_method)m;
		t.basis = SPM_TIERS_ON_AMOUNT;
		assert_int_equal(spm_rate_table_pay(&t, near_max, money("1"), SPM_ROUND_HALF_UP,
		                                    &pay, NULL, 0, &n, &err),
		                 SPM_ERANGE);
		assert_string_equal(err.message,
		                    "tier 1: pay for 922337203685477.5802 at 150% is out of range");
		t.basis = SPM_TIERS_ON_ATTAINMENT;
		assert_int_equal(spm_rate_table_pay(&t, near_max, money("1"), SPM_ROUND_HALF_UP,
		                                    &pay, NULL, 0, &n, &err),
		                 SPM_ERANGE);
		/* and a negative one, as a clawback */
		assert_int_equal(spm_rate_table_pay(&t, (spm_money){INT64_MIN}, money("1"),
		                                    SPM_ROUND_HALF_UP, &pay, NULL, 0, &n, &err),
		                 SPM_ERANGE);
	}
	/* 100% of the max fits; at 100.0000001% it does not */
	tier150 = unbounded("100%");
	t.method = SPM_TIERS_RETROACTIVE;
	assert_int_equal(spm_rate_table_pay(&t, near_max, money("1"), SPM_ROUND_HALF_UP, &ok, NULL,
	                                    0, NULL, &err),
	                 SPM_OK);
	assert_int_equal(ok.units, INT64_MAX - 5);
	tier150 = unbounded("100.0000001%");
	assert_int_equal(spm_rate_table_pay(&t, near_max, money("1"), SPM_ROUND_HALF_UP, &pay, NULL,
	                                    0, NULL, &err),
	                 SPM_ERANGE);

	/* each step fits, their sum does not: up to 500,000,000,000,000 at 100% (that much), then
	 * 422,337,203,685,477.58 at 150% (633,505,805,528,216.37): the total passes int64 */
	tiers[0] = bounded(money("500000000000000").units, "100%");
	tiers[1] = unbounded("150%");
	t.tiers = tiers;
	t.ntiers = 2;
	t.method = SPM_TIERS_GRADUATED;
	t.basis = SPM_TIERS_ON_AMOUNT;
	assert_int_equal(spm_rate_table_pay(&t, near_max, money("1"), SPM_ROUND_HALF_UP, &pay, NULL,
	                                    0, &n, &err),
	                 SPM_ERANGE);
	assert_string_equal(err.message, "total pay is out of range");
	assert_int_equal(pay.units, SENTINEL);
	assert_int_equal(n, 99);

	/* a curve paying 200% of a target near the max, flat or interpolated */
	pts[0] = (spm_curve_point){rate("0%"), rate("0%")};
	pts[1] = (spm_curve_point){rate("100%"), rate("200%")};
	assert_int_equal(
	    spm_curve_pay(pts, 2, rate("150%"), near_max, SPM_ROUND_HALF_UP, &pay, &err),
	    SPM_ERANGE);
	assert_string_equal(err.message,
	                    "curve: pay on target 922337203685477.5802 is out of range");
	assert_int_equal(
	    spm_curve_pay(pts, 2, rate("75%"), near_max, SPM_ROUND_HALF_UP, &pay, &err),
	    SPM_ERANGE);
	assert_int_equal(spm_curve_pay(pts, 2, rate("75%"), (spm_money){INT64_MIN},
	                               SPM_ROUND_HALF_UP, &pay, &err),
	                 SPM_ERANGE);
	assert_int_equal(pay.units, SENTINEL);
	/* 50% of the largest and smallest targets fits: half of INT64_MIN is exact */
	assert_int_equal(spm_curve_pay(pts, 2, rate("25%"), (spm_money){INT64_MIN},
	                               SPM_ROUND_HALF_UP, &pay, &err),
	                 SPM_OK);
	assert_int_equal(pay.units, INT64_MIN / 2);
	/* 100% of INT64_MIN, interpolated (payout 100% at 50%): exactly INT64_MIN */
	assert_int_equal(
	    spm_curve_pay(pts, 2, rate("50%"), (spm_money){INT64_MIN}, SPM_ROUND_UP, &pay, &err),
	    SPM_OK);
	assert_int_equal(pay.units, INT64_MIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_graduated_vs_retroactive_on_attainment),
	    cmocka_unit_test(test_ownership_on_attainment),
	    cmocka_unit_test(test_retroactive_attainment_is_exact),
	    cmocka_unit_test(test_graduated_attainment_cuts_rounded),
	    cmocka_unit_test(test_graduated_attainment_cut_beyond_money),
	    cmocka_unit_test(test_amount_tables),
	    cmocka_unit_test(test_bounded_last_tier),
	    cmocka_unit_test(test_single_flat_tier),
	    cmocka_unit_test(test_zero_base),
	    cmocka_unit_test(test_negative_base),
	    cmocka_unit_test(test_step_rounding),
	    cmocka_unit_test(test_steps_beyond_cap),
	    cmocka_unit_test(test_curve_points),
	    cmocka_unit_test(test_curve_rounding),
	    cmocka_unit_test(test_curve_rounds_once),
	    cmocka_unit_test(test_curve_extremes),
	    cmocka_unit_test(test_threshold_gate),
	    cmocka_unit_test(test_threshold_deductible),
	    cmocka_unit_test(test_threshold_deduct_errors),
	    cmocka_unit_test(test_cap),
	    cmocka_unit_test(test_table_check_errors),
	    cmocka_unit_test(test_table_pay_errors),
	    cmocka_unit_test(test_curve_check_errors),
	    cmocka_unit_test(test_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
