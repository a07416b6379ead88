/* Unit tests of currency conversion at dated rates from the store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "teststore.h"

#include "spm/fx.h"
#include "spm/import.h"

static int setup(void **state)
{
	spm_store *st = teststore_open("fx");
	teststore_load(st, SPM_KIND_FX,
	               "currency,date,rate\n"
	               "EUR,2026-01-01,1.08\n"
	               "EUR,2026-02-01,1.10\n"
	               "GBP,2026-01-01,1.27\n");
	*state = st;
	return 0;
}

static spm_date day(const char *iso)
{
	spm_date d;
	assert_int_equal(spm_date_parse(&d, iso, strlen(iso), NULL, NULL), SPM_OK);
	return d;
}

static void test_rates_by_date(void **state)
{
	spm_fx *fx = NULL;
	spm_error err;
	spm_rate r;
	assert_int_equal(spm_fx_open(&fx, *state, &err), SPM_OK);
	assert_string_equal(spm_fx_base(fx), "USD");
	assert_int_equal(spm_fx_rate(fx, "EUR", day("2026-01-31"), &r, &err), SPM_OK);
	assert_int_equal(r.units, 108 * SPM_RATE_ONE / 100);
	/* a rate applies from its own date on */
	assert_int_equal(spm_fx_rate(fx, "EUR", day("2026-02-01"), &r, &err), SPM_OK);
	assert_int_equal(r.units, 110 * SPM_RATE_ONE / 100);
	assert_int_equal(spm_fx_rate(fx, "EUR", day("2027-06-30"), &r, &err), SPM_OK);
	assert_int_equal(r.units, 110 * SPM_RATE_ONE / 100);
	assert_int_equal(spm_fx_rate(fx, "USD", day("1999-01-01"), &r, &err), SPM_OK);
	assert_int_equal(r.units, SPM_RATE_ONE);
	assert_int_equal(spm_fx_rate(fx, "EUR", day("2025-12-31"), &r, &err), SPM_EDATA);
	assert_string_equal(err.message,
	                    "no exchange rate for EUR on or before 2025-12-31 (base USD)");
	assert_int_equal(spm_fx_rate(fx, "JPY", day("2026-03-01"), &r, &err), SPM_EDATA);
	spm_fx_close(fx);
	spm_fx_close(NULL);
}

static void test_convert(void **state)
{
	spm_fx *fx = NULL;
	spm_error err;
	spm_money out, hundred = {100 * SPM_MONEY_ONE};
	assert_int_equal(spm_fx_open(&fx, *state, &err), SPM_OK);
	/* 100 EUR on 15 Jan = 108 USD; 100 USD = 92.5926 EUR (1 / 1.08, half-up) */
	assert_int_equal(spm_fx_convert(fx, hundred, "EUR", "USD", day("2026-01-15"),
	                                SPM_ROUND_HALF_UP, &out, &err),
	                 SPM_OK);
	assert_int_equal(out.units, 108 * SPM_MONEY_ONE);
	assert_int_equal(spm_fx_convert(fx, hundred, "USD", "EUR", day("2026-01-15"),
	                                SPM_ROUND_HALF_UP, &out, &err),
	                 SPM_OK);
	assert_int_equal(out.units, 925926);
	/* through the base in one step: 100 × 1.10 / 1.27 = 86.6141732... */
	assert_int_equal(spm_fx_convert(fx, hundred, "EUR", "GBP", day("2026-02-10"),
	                                SPM_ROUND_HALF_UP, &out, &err),
	                 SPM_OK);
	assert_int_equal(out.units, 866142);
	/* the same currency needs no rate, even where none exists */
	assert_int_equal(spm_fx_convert(fx, hundred, "JPY", "JPY", day("1990-01-01"),
	                                SPM_ROUND_HALF_UP, &out, &err),
	                 SPM_OK);
	assert_int_equal(out.units, hundred.units);
	assert_int_equal(spm_fx_convert(fx, hundred, "EUR", "GBP", day("2025-06-01"),
	                                SPM_ROUND_HALF_UP, &out, &err),
	                 SPM_EDATA);
	spm_fx_close(fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_rates_by_date, setup, teststore_teardown),
	    cmocka_unit_test_setup_teardown(test_convert, setup, teststore_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
