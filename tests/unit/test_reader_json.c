/*
 * test_reader_json.c - the JSON array and JSON Lines readers: numbers kept as written, escapes
 * and surrogate pairs, null and booleans, keys that appear late, line numbers, every error with
 * its line, and minified input that spans many blocks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "../../lib/reader_impl.h"
#include "spm/reader.h"

typedef struct opened {
	FILE *fp;
	spm_reader *r;
} opened;

static opened open_as(spm_input_format format, const char *text, size_t len, const char *encoding)
{
	opened o = {input(text, len), NULL};
	spm_reader_options options = {format, 0, encoding};
	spm_error err;
	int rc = spm_reader_open(&o.r, "in.json", o.fp, &options, &err);
	if (rc != SPM_OK)
		fail_msg("open: %s", err.message);
	return o;
}

static opened open_json(const char *text)
{
	return open_as(SPM_IN_JSON, text, strlen(text), NULL);
}

static opened open_jsonl(const char *text)
{
	return open_as(SPM_IN_JSONL, text, strlen(text), NULL);
}

static void done(opened o)
{
	spm_reader_close(o.r);
	fclose(o.fp);
}

/*
 * The next record starts on line and holds exactly these fields, in order: "key=value" pairs
 * separated by '|', where "key~" stands for a null.
 */
static void next_is(spm_reader *r, long line, const char *fields)
{
	spm_record rec;
	spm_error err;
	int rc = spm_reader_next(r, &rec, &err);
	if (rc != 1)
		fail_msg("expected a record on line %ld, got %d: %s", line, rc, err.message);
	assert_int_equal(rec.line, line);
	const char *const *names;
	size_t nnames = spm_reader_names(r, &names);
	size_t i = 0;
	for (const char *f = fields; *f; i++) {
		const char *bar = strchr(f, '|');
		size_t n = bar ? (size_t)(bar - f) : strlen(f);
		const char *eq = memchr(f, '=', n);
		bool is_null = !eq;
		size_t klen = eq ? (size_t)(eq - f) : n - 1;
		assert_true(i < rec.nfields);
		const spm_field *field = &rec.fields[i];
		assert_true(field->name < nnames);
		assert_int_equal(strlen(names[field->name]), klen);
		assert_memory_equal(names[field->name], f, klen);
		assert_int_equal(field->is_null, is_null);
		if (is_null) {
			assert_int_equal(field->len, 0);
			assert_string_equal(field->value, "");
		} else {
			size_t vlen = n - klen - 1;
			assert_int_equal(field->len, vlen);
			assert_memory_equal(field->value, eq + 1, vlen);
			assert_int_equal(field->value[vlen], '\0');
		}
		f += n + (bar ? 1 : 0);
	}
	assert_int_equal(rec.nfields, i);
}

static void at_end(spm_reader *r)
{
	spm_record rec;
	spm_error err;
	assert_int_equal(spm_reader_next(r, &rec, &err), 0);
	assert_int_equal(spm_reader_next(r, &rec, &err), 0);
}

static void next_fails(spm_reader *r, long line, const char *message)
{
	spm_record rec;
	spm_error err;
	assert_int_equal(spm_reader_next(r, &rec, &err), SPM_EDATA);
	assert_string_equal(err.message, message);
	assert_int_equal(err.line, line);
	assert_string_equal(err.source, "in.json");
	assert_int_equal(spm_reader_next(r, &rec, &err), SPM_EDATA);
	assert_string_equal(err.message, message);
}

/* Reading the JSON text fails with message at line, after any good records before it. */
static void json_fails(const char *text, long line, const char *message)
{
	opened o = open_json(text);
	spm_record rec;
	spm_error err;
	int rc;
	while ((rc = spm_reader_next(o.r, &rec, &err)) == 1)
		assert_true(rec.line <= line);
	next_fails(o.r, line, message);
	done(o);
}

static void test_numbers_keep_their_text(void **state)
{
	(void)state;
	opened o = open_json("[{\"a\": 1.10, \"b\": 12345678901234567890.5, \"c\": -0, \"d\": 1e400,"
			     " \"e\": 0.1E-5, \"f\": -12345678901234567890123}]");
	next_is(o.r, 1,
		"a=1.10|b=12345678901234567890.5|c=-0|d=1e400|e=0.1E-5|f=-12345678901234567890123");
	at_end(o.r);
	done(o);

	/* A number at the very end of a JSON Lines file without a newline. */
	o = open_jsonl("{\"n\":0.30}\n{\"n\":100}");
	next_is(o.r, 1, "n=0.30");
	next_is(o.r, 2, "n=100");
	at_end(o.r);
	done(o);
}

static void test_strings_and_escapes(void **state)
{
	(void)state;
	opened o = open_json("[{\"s\": \"q\\\"b\\\\s\\/t\\tn\\nr\\rb\\bf\\f\",\n"
			     "  \"u\": \"caf\\u00e9 \\u20AC \\ud83d\\ude00 \\uD834\\uDD1E\",\n"
			     "  \"raw\": \"caf\xC3\xA9 \xF0\x9F\x98\x80\", \"empty\": \"\"}]");
	next_is(o.r, 1,
		"s=q\"b\\s/t\tn\nr\rb\bf\f|u=caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF0\x9D\x84\x9E|"
		"raw=caf\xC3\xA9 \xF0\x9F\x98\x80|empty=");
	done(o);

	/* Keys are unescaped too. */
	o = open_json("[{\"na\\u006de\": 1, \"\\u00fcber\": 2}]");
	next_is(o.r, 1, "name=1|\xC3\xBC" "ber=2");
	done(o);

	json_fails("[{\"a\": \"x\\ud83dy\"}]", 1, "unpaired surrogate in a \\u escape");
	json_fails("[{\"a\": \"\\ude00\"}]", 1, "unpaired surrogate in a \\u escape");
	json_fails("[{\"a\": \"\\ud83d\\u0041\"}]", 1, "unpaired surrogate in a \\u escape");
	json_fails("[{\"a\": \"\\ud83d\\n\"}]", 1, "unpaired surrogate in a \\u escape");
	json_fails("[{\"a\": \"\\ud83d\"}]", 1, "unpaired surrogate in a \\u escape");
	json_fails("[{\"a\":\n\"x\\u0000y\"}]", 2, "NUL character (\\u0000) in a string");
	json_fails("[{\"a\\u0000\": 1}]", 1, "NUL character (\\u0000) in a string");
	/* A bad escape is yajl's to report. */
	opened bad = open_json("[{\"a\": \"\\x\"}]");
	spm_record rec;
	spm_error err;
	assert_int_equal(spm_reader_next(bad.r, &rec, &err), SPM_EDATA);
	assert_memory_equal(err.message, "invalid JSON: ", 14);
	done(bad);
	/* Raw bytes are checked by the byte layer. */
	json_fails("[{\"a\": \"\xC3\"}]", 1,
		   "invalid UTF-8 (byte 0xC3); if the file is not UTF-8, give its encoding, e.g. "
		   "--encoding cp1252");
	opened nul = open_as(SPM_IN_JSON, "[{\"a\": \"x\0\"}]", 13, NULL);
	next_fails(nul.r, 1, "NUL byte in input");
	done(nul);
}

static void test_null_and_booleans(void **state)
{
	(void)state;
	opened o = open_json("[{\"a\": null, \"b\": true, \"c\": false, \"d\": \"null\"}]");
	next_is(o.r, 1, "a~|b=true|c=false|d=null");
	done(o);
}

static void test_keys_appear_late(void **state)
{
	(void)state;
	opened o = open_json("[\n"
			     "  {\"id\": 1},\n"
			     "  {\"id\": 2, \"owner\": \"ann\"},\n"
			     "  {},\n"
			     "  {\"region\": \"EMEA\", \"id\": 3}\n"
			     "]\n");
	const char *const *names;
	next_is(o.r, 2, "id=1");
	next_is(o.r, 3, "id=2|owner=ann");
	next_is(o.r, 4, "");
	next_is(o.r, 5, "region=EMEA|id=3");
	at_end(o.r);
	assert_int_equal(spm_reader_names(o.r, &names), 3);
	assert_string_equal(names[0], "id");
	assert_string_equal(names[1], "owner");
	assert_string_equal(names[2], "region");
	done(o);

	/* The same key in two objects is no duplicate. */
	o = open_jsonl("{\"a\":1,\"b\":2}\n{\"b\":3,\"a\":4}\n");
	next_is(o.r, 1, "a=1|b=2");
	next_is(o.r, 2, "b=3|a=4");
	assert_int_equal(spm_reader_names(o.r, &names), 2);
	done(o);
}

static void test_line_numbers(void **state)
{
	(void)state;
	/* A record is on the line of its '{'. */
	opened o = open_json("\n[\n{\n\"a\":\n1\n}\n,\n\n{\"a\":2},{\"a\":3}\n,{\n\"a\":4}]");
	next_is(o.r, 3, "a=1");
	next_is(o.r, 9, "a=2");
	next_is(o.r, 9, "a=3");
	next_is(o.r, 10, "a=4");
	at_end(o.r);
	done(o);

	o = open_json("[]");
	at_end(o.r);
	done(o);
	o = open_json("\xEF\xBB\xBF [ ] \n\n");
	at_end(o.r);
	done(o);
}

static void test_json_lines(void **state)
{
	(void)state;
	opened o = open_jsonl("{\"a\": 1}\n\n   \n{\"a\": 2}\r\n\t\n{\"b\": \"x\"}\n\n");
	next_is(o.r, 1, "a=1");
	next_is(o.r, 4, "a=2");
	next_is(o.r, 6, "b=x");
	at_end(o.r);
	done(o);

	/* An object spread over lines is read; it reports the line it starts on. */
	o = open_jsonl("{\"a\":\n1}\n{\"a\":2}\n");
	next_is(o.r, 1, "a=1");
	next_is(o.r, 3, "a=2");
	done(o);

	/* Empty and blank inputs hold no records. */
	o = open_jsonl("");
	at_end(o.r);
	done(o);
	o = open_jsonl("\n \r\n\t\n");
	at_end(o.r);
	done(o);

	o = open_jsonl("{\"a\":1}\n[1]\n");
	next_is(o.r, 1, "a=1");
	next_fails(o.r, 2, "expected an object");
	done(o);
	o = open_jsonl("{\"a\":1}\n\n\"text\"\n");
	next_is(o.r, 1, "a=1");
	next_fails(o.r, 3, "expected an object");
	done(o);
	o = open_jsonl("{\"a\":1}\n{\"a\":2,\n");
	next_is(o.r, 1, "a=1");
	next_fails(o.r, 2, "truncated JSON");
	done(o);
	o = open_jsonl("{\"a\":1}\n{\"a\":{}}\n");
	next_is(o.r, 1, "a=1");
	next_fails(o.r, 2, "nested object where a value belongs: key 'a'");
	done(o);
}

static void test_structure_errors(void **state)
{
	(void)state;
	json_fails("{\"a\": 1}", 1, "expected an array of objects");
	json_fails("\n\n42", 3, "expected an array of objects");
	json_fails("\"text\"", 1, "expected an array of objects");
	json_fails("null", 1, "expected an array of objects");
	json_fails("[1]", 1, "expected an object");
	json_fails("[{\"a\":1},\n[]]", 2, "expected an object");
	json_fails("[{\"a\":1},\n\"x\"]", 2, "expected an object");
	json_fails("[{\"a\":1},\nnull]", 2, "expected an object");
	json_fails("[{\"deal\": {\"id\": 1}}]", 1, "nested object where a value belongs: key 'deal'");
	json_fails("[{\"a\": 1, \"tags\":\n [\"x\"]}]", 2,
		   "nested array where a value belongs: key 'tags'");
	json_fails("[{\"a\": 1,\n \"b\": 2,\n \"a\": 3}]", 3, "duplicate key 'a'");
	json_fails("[{\"a\": 1, \"a\": 1}]", 1, "duplicate key 'a'");

	/* Records before the error are read first. */
	opened o = open_json("[{\"a\":1},\n{\"a\":2},\n{\"a\":3,\"a\":4}]");
	next_is(o.r, 1, "a=1");
	next_is(o.r, 2, "a=2");
	next_fails(o.r, 3, "duplicate key 'a'");
	done(o);

	/* Malformed JSON carries yajl's reason. */
	json_fails("[{\"a\": 1,}]", 1, "invalid JSON: invalid object key (must be a string)");
	json_fails("[{\"a\" 1}]", 1, "invalid JSON: object key and value must be separated by a colon (':')");
	json_fails("[{a: 1}]", 1, "invalid JSON: invalid char in json text");
	json_fails("[{\"a\": 1.}]", 1,
		   "invalid JSON: malformed number, a digit is required after the decimal point");
	json_fails("[{\"a\": tru}]", 1, "invalid JSON: invalid string in json text");
	o = open_json("[{\"a\": 1}]\n[{\"a\": 2}]");
	next_is(o.r, 1, "a=1");
	next_fails(o.r, 2, "invalid JSON: trailing garbage");
	done(o);
}

static void test_truncated_and_empty(void **state)
{
	(void)state;
	opened o = open_json("[{\"a\": 1},\n{\"a\": 2}");
	next_is(o.r, 1, "a=1");
	next_is(o.r, 2, "a=2");
	next_fails(o.r, 2, "truncated JSON");
	done(o);
	json_fails("[{\"a\": 1},\n{\"a\":", 2, "truncated JSON");
	json_fails("[{\"a\": \"unfinished", 1, "truncated JSON");
	json_fails("[{\"a\": \"x\\", 1, "truncated JSON");
	json_fails("[{\"a\": \"x\\u00", 1, "truncated JSON");
	json_fails("[{\"a\": \"x\\ud83d", 1, "truncated JSON");
	json_fails("[\n\n", 2, "truncated JSON");
	json_fails("[{\"a\": 12", 1, "truncated JSON");

	json_fails("", 0, "empty input: expected an array of objects");
	json_fails(" \n\t\r\n", 0, "empty input: expected an array of objects");
	json_fails("\xEF\xBB\xBF", 0, "empty input: expected an array of objects");
}

static void test_encodings_and_bad_bytes(void **state)
{
	(void)state;
	const char *cp1252 = "[{\"name\": \"Roy Franz\xF6sisch\", \"note\": \"\x93hi\x94\"}]";
	opened o = open_as(SPM_IN_JSON, cp1252, strlen(cp1252), "CP1252");
	next_is(o.r, 1, "name=Roy Franz\xC3\xB6sisch|note=\xE2\x80\x9Chi\xE2\x80\x9D");
	done(o);

	o = open_as(SPM_IN_JSONL, "{\"a\":1}\n{\"a\":\0}\n", 17, NULL);
	next_is(o.r, 1, "a=1");
	next_fails(o.r, 2, "NUL byte in input");
	done(o);

	spm_reader *r;
	spm_error err;
	spm_reader_options options = {SPM_IN_JSON, 0, "KOI-9000"};
	FILE *fp = input("[]", 2);
	assert_int_equal(spm_reader_open(&r, "in.json", fp, &options, &err), SPM_EUSAGE);
	assert_string_equal(err.message, "unknown encoding 'KOI-9000'");
	assert_null(r);
	fclose(fp);
}

/* A minified array on one line, longer than many blocks: values cut between pieces survive. */
static void test_minified_many_blocks(void **state)
{
	(void)state;
	const size_t n = 30000;
	size_t cap = n * 80 + 16;
	char *text = malloc(cap);
	assert_non_null(text);
	size_t len = 0;
	text[len++] = '[';
	for (size_t i = 0; i < n; i++) {
		len += (size_t)snprintf(text + len, cap - len,
					"%s{\"id\":%zu,\"amount\":%zu.%02zu,\"who\":\"\\u00e9\\ud83d\\ude00%zu\"}",
					i ? "," : "", i, i * 7, i % 100, i);
	}
	text[len++] = ']';
	assert_true(len > 20 * SPM_READER_BLOCK);

	opened o = open_as(SPM_IN_JSON, text, len, NULL);
	spm_record rec;
	spm_error err;
	size_t most = 0;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(spm_reader_next(o.r, &rec, &err), 1);
		assert_int_equal(rec.line, 1);
		assert_int_equal(rec.nfields, 3);
		char want[64];
		snprintf(want, sizeof want, "%zu", i);
		assert_string_equal(rec.fields[0].value, want);
		snprintf(want, sizeof want, "%zu.%02zu", i * 7, i % 100);
		assert_string_equal(rec.fields[1].value, want);
		snprintf(want, sizeof want, "\xC3\xA9\xF0\x9F\x98\x80%zu", i);
		assert_string_equal(rec.fields[2].value, want);
		size_t mem = spm_reader_memory(o.r);
		if (mem > most)
			most = mem;
	}
	at_end(o.r);
	/* What one block of records takes, never the whole file. */
	assert_true(most < len / 2);
	done(o);
	free(text);
}

static void test_too_many_keys(void **state)
{
	(void)state;
	size_t cap = (SPM_READER_MAX_NAMES + 1) * 16 + 16;
	char *text = malloc(cap);
	assert_non_null(text);
	size_t len = 0;
	for (size_t i = 0; i <= SPM_READER_MAX_NAMES; i++)
		len += (size_t)snprintf(text + len, cap - len, "{\"k%zu\":1}\n", i);
	opened o = open_as(SPM_IN_JSONL, text, len, NULL);
	spm_record rec;
	spm_error err;
	int rc;
	size_t n = 0;
	while ((rc = spm_reader_next(o.r, &rec, &err)) == 1)
		n++;
	assert_int_equal(rc, SPM_EDATA);
	assert_int_equal(n, SPM_READER_MAX_NAMES);
	assert_string_equal(err.message, "too many distinct names (more than 10000)");
	assert_int_equal(err.line, (long)SPM_READER_MAX_NAMES + 1);
	done(o);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers_keep_their_text),
		cmocka_unit_test(test_strings_and_escapes),
		cmocka_unit_test(test_null_and_booleans),
		cmocka_unit_test(test_keys_appear_late),
		cmocka_unit_test(test_line_numbers),
		cmocka_unit_test(test_json_lines),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_truncated_and_empty),
		cmocka_unit_test(test_encodings_and_bad_bytes),
		cmocka_unit_test(test_minified_many_blocks),
		cmocka_unit_test(test_too_many_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
