/* Unit tests of the error record: setting, locating, formatting, quoting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "spm/error.h"

static void test_format_full(void **state)
{
	(void)state;
	spm_error err;
	char buf[256];
	assert_int_equal(spm_error_set(&err, SPM_EDATA, "not a number: %s", "'12,5x'"), SPM_EDATA);
	spm_error_locate(&err, "deals.csv", 17, "amount");
	spm_error_format(&err, buf, sizeof buf);
	assert_string_equal(buf, "deals.csv:17: column 'amount': not a number: '12,5x'");
}

static void test_format_parts(void **state)
{
	(void)state;
	spm_error err;
	char buf[256];
	spm_error_set(&err, SPM_EIO, "cannot read");
	spm_error_format(&err, buf, sizeof buf);
	assert_string_equal(buf, "cannot read");
	spm_error_locate(&err, "x.csv", 0, NULL);
	spm_error_format(&err, buf, sizeof buf);
	assert_string_equal(buf, "x.csv: cannot read");
	spm_error_set(&err, SPM_EBUSY, "%s", "");
	spm_error_locate(&err, NULL, 3, NULL);
	spm_error_format(&err, buf, sizeof buf);
	assert_string_equal(buf, "line 3: store busy");
}

static void test_format_with_column_number(void **state)
{
	(void)state;
	spm_error err;
	char buf[256];
	spm_error_set(&err, SPM_ECONFIG, "unknown key 'rat'");
	spm_error_locate_at(&err, "plan.yaml", 12, 5);
	spm_error_format(&err, buf, sizeof buf);
	assert_string_equal(buf, "plan.yaml:12:5: unknown key 'rat'");
	spm_error_set(&err, SPM_ECONFIG, "x");
	assert_int_equal(err.col, 0);
	spm_error_locate_at(NULL, "f", 1, 1);
}

static void test_set_clears_location(void **state)
{
	(void)state;
	spm_error err;
	spm_error_set(&err, SPM_EDATA, "a");
	spm_error_locate(&err, "f", 2, "c");
	spm_error_set(&err, SPM_EDATA, "b");
	assert_int_equal(err.line, 0);
	assert_string_equal(err.source, "");
	assert_string_equal(err.column, "");
	assert_int_equal(spm_error_set(NULL, SPM_EIO, "ignored"), SPM_EIO);
	spm_error_locate(NULL, "f", 1, "c");
	spm_error_clear(NULL);
}

static void test_format_truncates(void **state)
{
	(void)state;
	spm_error err;
	char small[10];
	spm_error_set(&err, SPM_EDATA, "a long message indeed");
	size_t n = spm_error_format(&err, small, sizeof small);
	assert_int_equal(n, strlen("a long message indeed"));
	assert_string_equal(small, "a long me");
}

static void test_quote(void **state)
{
	(void)state;
	char buf[SPM_QUOTE_BUFSZ];
	assert_string_equal(spm_quote(buf, sizeof buf, "12,5x", 5), "'12,5x'");
	assert_string_equal(spm_quote(buf, sizeof buf, "a\nb", 3), "'a\\x0Ab'");
	assert_string_equal(spm_quote(buf, sizeof buf, "it's", 4), "'it\\x27s'");
	assert_string_equal(spm_quote(buf, sizeof buf, "Zo\xc3\xab", 4), "'Zo\xc3\xab'");
	assert_string_equal(spm_quote(buf, sizeof buf, "r\xe9", 2), "'r\\xE9'");
	assert_string_equal(spm_quote(buf, sizeof buf, "a\0b", 3), "'a\\x00b'");
	/* Overlong encodings and surrogates are not UTF-8. */
	assert_string_equal(spm_quote(buf, sizeof buf, "\xc0\xaf", 2), "'\\xC0\\xAF'");
	assert_string_equal(spm_quote(buf, sizeof buf, "\xed\xa0\x80", 3), "'\\xED\\xA0\\x80'");
	char longv[100];
	memset(longv, 'x', sizeof longv);
	spm_quote(buf, sizeof buf, longv, sizeof longv);
	assert_int_equal(strlen(buf), 60 + 2 + 3);
	assert_memory_equal(buf + 61, "...'", 4);
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(spm_status_name(SPM_EBUSY), "store busy");
	assert_string_equal(spm_status_name(SPM_EDATA), "bad data");
	assert_string_equal(spm_status_name(-99), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_full),
	    cmocka_unit_test(test_format_parts),
	    cmocka_unit_test(test_set_clears_location),
	    cmocka_unit_test(test_format_truncates),
	    cmocka_unit_test(test_quote),
	    cmocka_unit_test(test_format_with_column_number),
	    cmocka_unit_test(test_status_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
