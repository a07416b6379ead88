/* Unit tests of the kinds table and the currency codes: the contract the tools share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "spm/currency.h"
#include "spm/kinds.h"

static void test_every_kind_is_sound(void **state)
{
	(void)state;
	for (int id = 0; id < SPM_KIND_COUNT; id++) {
		const spm_kind *k = spm_kind_get((spm_kind_id)id);
		assert_non_null(k);
		assert_int_equal(k->id, id);
		assert_ptr_equal(spm_kind_find(k->name), k);
		int keys = 0;
		for (size_t i = 0; i < k->ncolumns; i++) {
			const spm_kind_column *c = &k->columns[i];
			/* Names are unique, snake_case, and found back. */
			assert_ptr_equal(spm_kind_column_find(k, c->name), c);
			for (const char *p = c->name; *p; p++)
				assert_true((*p >= 'a' && *p <= 'z') || *p == '_');
			if (c->flags & SPM_COL_KEY) {
				keys++;
				/* A key column is required or has a default to fill it. */
				assert_true((c->flags & SPM_COL_REQUIRED) || c->fallback ||
					    strcmp(k->name, "quotas") == 0 ||
					    strcmp(c->name, "activity_id") == 0 ||
					    strcmp(c->name, "adjustment_id") == 0 ||
					    strcmp(c->name, "base") == 0);
			}
			if (c->type == SPM_FT_ENUM)
				assert_non_null(c->values);
			assert_non_null(c->doc);
		}
		assert_true(keys >= 1);
	}
}

static void test_find(void **state)
{
	(void)state;
	assert_non_null(spm_kind_find("DEALS"));
	assert_null(spm_kind_find("deal"));
	const spm_kind *deals = spm_kind_find("deals");
	assert_non_null(spm_kind_column_find(deals, "Close_Date"));
	assert_null(spm_kind_column_find(deals, "close date"));
	assert_int_equal(spm_kind_column_find(deals, "rep_id")->refers, SPM_KIND_REPS);
	assert_string_equal(spm_field_type_name(SPM_FT_MONEY), "money");
}

static void test_currencies(void **state)
{
	(void)state;
	assert_true(spm_currency_valid("EUR", 3));
	assert_true(spm_currency_valid("AED", 3));
	assert_true(spm_currency_valid("ZWL", 3));
	assert_false(spm_currency_valid("eur", 3));
	assert_false(spm_currency_valid("EURO", 4));
	assert_false(spm_currency_valid("XXX", 3));
	assert_false(spm_currency_valid("", 0));
	assert_int_equal(spm_currency_decimals("JPY", 3), 0);
	assert_int_equal(spm_currency_decimals("KWD", 3), 3);
	assert_int_equal(spm_currency_decimals("USD", 3), 2);
	assert_int_equal(spm_currency_decimals("ABC", 3), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind_is_sound),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_currencies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
