/*
 * Unit tests of exact allocation: parts that add up to the total after rounding, by largest
 * remainder, with the ties, zero weights and refusals; and properties over generated splits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "spm/allocate.h"
#include "testutil.h"

__extension__ typedef __int128 i128;

static spm_money m(const char *text)
{
	return money(text);
}

static void test_even(void **state)
{
	(void)state;
	spm_money parts[3];
	spm_error err;
	/* 100 in three whole parts: 33.33... each; the one unit left goes to the first */
	assert_int_equal(spm_allocate_even(m("100"), 3, 0, parts, &err), SPM_OK);
	assert_int_equal(parts[0].units, 34 * SPM_MONEY_ONE);
	assert_int_equal(parts[1].units, 33 * SPM_MONEY_ONE);
	assert_int_equal(parts[2].units, 33 * SPM_MONEY_ONE);
	/* to the cent: 33.34 + 33.33 + 33.33 */
	assert_int_equal(spm_allocate_even(m("100"), 3, 2, parts, &err), SPM_OK);
	assert_int_equal(parts[0].units, 333400);
	assert_int_equal(parts[1].units, 333300);
	assert_int_equal(parts[2].units, 333300);
}

/* 12,000,000 for a year, quarters weighted 20/20/20/40. */
static void test_seasonality(void **state)
{
	(void)state;
	spm_rate w[4] = {rate("20%"), rate("20%"), rate("20%"), rate("40%")};
	spm_money parts[4];
	spm_error err;
	assert_int_equal(spm_allocate(m("12000000"), w, 4, 0, parts, &err), SPM_OK);
	assert_int_equal(parts[0].units, 2400000 * SPM_MONEY_ONE);
	assert_int_equal(parts[3].units, 4800000 * SPM_MONEY_ONE);
}

/* The largest remainders get the missing units, whatever their order; zero weights get none. */
static void test_remainders(void **state)
{
	(void)state;
	/* 10 by weights 1, 2, 0 and 4 (of 7): exactly 1.43, 2.86, 0, 5.71; rounded down 1, 2, 0, 5;
	 * the two units missing go to the largest remainders, .86 and .71: 1, 3, 0, 6 */
	spm_rate w[4] = {{1}, {2}, {0}, {4}};
	spm_money parts[4];
	spm_error err;
	assert_int_equal(spm_allocate(m("10"), w, 4, 0, parts, &err), SPM_OK);
	assert_int_equal(parts[0].units, 1 * SPM_MONEY_ONE);
	assert_int_equal(parts[1].units, 3 * SPM_MONEY_ONE);
	assert_int_equal(parts[2].units, 0);
	assert_int_equal(parts[3].units, 6 * SPM_MONEY_ONE);
	/* nothing to split */
	assert_int_equal(spm_allocate(m("0"), w, 4, 2, parts, &err), SPM_OK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(parts[i].units, 0);
	/* to the money scale itself */
	assert_int_equal(spm_allocate_even(m("0.0001"), 3, 4, parts, &err), SPM_OK);
	assert_int_equal(parts[0].units + parts[1].units + parts[2].units, 1);
}

static void test_refusals(void **state)
{
	(void)state;
	spm_rate w[2] = {rate("50%"), rate("50%")};
	spm_money parts[2] = {{7}, {7}};
	spm_error err;
	assert_int_equal(spm_allocate(m("-5"), w, 2, 0, parts, &err), SPM_EDATA);
	assert_string_equal(err.message, "the total cannot be negative: '-5'");
	assert_int_equal(spm_allocate(m("10.005"), w, 2, 2, parts, &err), SPM_EDATA);
	assert_string_equal(err.message, "the total has more than 2 decimals: '10.005'");
	spm_rate bad[2] = {rate("50%"), rate("-1")};
	assert_int_equal(spm_allocate(m("10"), bad, 2, 0, parts, &err), SPM_EDATA);
	assert_string_equal(err.message, "weight 2 is negative: '-1'");
	spm_rate zero[2] = {{0}, {0}};
	assert_int_equal(spm_allocate(m("10"), zero, 2, 0, parts, &err), SPM_EDATA);
	assert_string_equal(err.message, "the weights are all zero");
	assert_int_equal(spm_allocate(m("10"), w, 0, 0, parts, &err), SPM_EUSAGE);
	assert_int_equal(spm_allocate(m("10"), w, 2, 5, parts, &err), SPM_EUSAGE);
	/* nothing written on failure */
	assert_int_equal(parts[0].units, 7);
}

/* Over generated splits: the parts add up, each is within a unit of its share, and a larger
 * weight never gets a smaller part. */
static void test_properties(void **state)
{
	(void)state;
	uint64_t seed = 42;
	spm_rate w[50];
	spm_money parts[50];
	spm_error err;
	for (int round = 0; round < 500; round++) {
		size_t n = 1 + (size_t)(seed % 50);
		int places = (int)((seed >> 8) % 5);
		int64_t unit = 1;
		for (int i = places; i < SPM_MONEY_SCALE; i++)
			unit *= 10;
		spm_money total = {(int64_t)((seed >> 16) % 1000000000000) / unit * unit};
		i128 sum = 0;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 6364136223846793005u + 1442695040888963407u;
			w[i].units = (int64_t)((seed >> 33) % 5) == 0 ? 0 : (int64_t)(seed >> 40);
			sum += w[i].units;
		}
		if (sum == 0) {
			w[0].units = 1;
			sum = 1;
		}
		assert_int_equal(spm_allocate(total, w, n, places, parts, &err), SPM_OK);
		int64_t got = 0;
		for (size_t i = 0; i < n; i++) {
			got += parts[i].units;
			assert_int_equal(parts[i].units % unit, 0);
			i128 exact = (i128)total.units * w[i].units;
			i128 diff = (i128)parts[i].units * sum - exact;
			assert_true(diff > -(i128)unit * sum && diff < (i128)unit * sum);
			for (size_t j = 0; j < i; j++)
				if (w[i].units > w[j].units)
					assert_true(parts[i].units >= parts[j].units);
		}
		assert_int_equal(got, total.units);
		seed = seed * 6364136223846793005u + 1442695040888963407u;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_even),       cmocka_unit_test(test_seasonality),
	    cmocka_unit_test(test_remainders), cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_properties),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
