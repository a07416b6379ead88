/* Unit tests of the library's shared pieces: the growable buffer, the string set, JSON string
 * escaping and the UTF-8 decoder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/util.h"

static void test_buf(void **state)
{
	(void)state;
	spm_buf b = {0};
	assert_int_equal(spm_buf_append_str(&b, "ab"), 0);
	assert_int_equal(spm_buf_append_char(&b, 'c'), 0);
	assert_int_equal(spm_buf_printf(&b, "-%d-%s", 42, "x"), 0);
	assert_string_equal(b.data, "abc-42-x");
	assert_int_equal(b.len, 8);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(spm_buf_append(&b, "0123456789", 10), 0);
	assert_int_equal(b.len, 10008);
	assert_int_equal(b.data[b.len], '\0');
	spm_buf_clear(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(spm_buf_append(&b, "", 0), 0);
	spm_buf_free(&b);
	assert_null(b.data);
	spm_buf_free(&b); /* twice is fine */
}

static void test_json_string(void **state)
{
	(void)state;
	spm_buf b = {0};
	const char in[] = "a\"b\\c\n\t\x01 Zo\xc3\xab";
	assert_int_equal(spm_buf_append_json_string(&b, in, sizeof in - 1), 0);
	assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\t\\u0001 Zo\xc3\xab\"");
	spm_buf_clear(&b);
	assert_int_equal(spm_buf_append_json_string(&b, "", 0), 0);
	assert_string_equal(b.data, "\"\"");
	spm_buf_free(&b);
}

static void test_append_int(void **state)
{
	(void)state;
	spm_buf b = {0};
	static const int64_t v[] = {0, 7, -5, 1234567890123, INT64_MAX, INT64_MIN};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		assert_int_equal(spm_buf_append_int(&b, v[i]), 0);
		assert_int_equal(spm_buf_append_char(&b, ' '), 0);
	}
	assert_int_equal(spm_buf_append_char(&b, '\0'), 0);
	assert_string_equal(b.data, "0 7 -5 1234567890123 9223372036854775807 "
	                            "-9223372036854775808 ");
	spm_buf_free(&b);
}

static void test_strset(void **state)
{
	(void)state;
	spm_strset set = {0};
	char key[32];
	assert_false(spm_strset_contains(&set, "x", 1));
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(key, sizeof key, "rep-%d", i);
		assert_int_equal(spm_strset_add(&set, key, (size_t)n), 0);
	}
	assert_int_equal(set.count, 5000);
	assert_int_equal(spm_strset_add(&set, "rep-7", 5), 0); /* already there */
	assert_int_equal(set.count, 5000);
	assert_true(spm_strset_contains(&set, "rep-4999", 8));
	/* A prefix or an extension of a key is another key. */
	assert_false(spm_strset_contains(&set, "rep-", 4));
	assert_false(spm_strset_contains(&set, "rep-4999x", 9));
	assert_true(spm_strset_contains(&set, "rep-49x", 6)); /* only the first n bytes count */
	spm_strset_free(&set);
	assert_false(spm_strset_contains(&set, "rep-1", 5));
}

static void test_utf8_decode(void **state)
{
	(void)state;
	uint32_t cp;
	assert_int_equal(spm_utf8_decode((const unsigned char *)"A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(spm_utf8_decode((const unsigned char *)"\xc3\xab", 2, &cp), 2);
	assert_int_equal(cp, 0xEB);
	assert_int_equal(spm_utf8_decode((const unsigned char *)"\xe2\x80\x9c", 3, &cp), 3);
	assert_int_equal(cp, 0x201C);
	assert_int_equal(spm_utf8_decode((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	/* truncated, overlong, surrogate, beyond U+10FFFF, a lone continuation byte */
	assert_int_equal(spm_utf8_decode((const unsigned char *)"\xe2\x80", 2, &cp), 0);
	assert_int_equal(spm_utf8_decode((const unsigned char *)"\xc0\x80", 2, &cp), 0);
	assert_int_equal(spm_utf8_decode((const unsigned char *)"\xed\xa0\x80", 3, &cp), 0);
	assert_int_equal(spm_utf8_decode((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 0);
	assert_int_equal(spm_utf8_decode((const unsigned char *)"\x80", 1, &cp), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_append_int),
		cmocka_unit_test(test_strset),
		cmocka_unit_test(test_utf8_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
