/*
 * test_reader_csv.c - the CSV reader and the byte layer under it: delimiter detection, quoting,
 * line numbers, blank lines, every error with its line, encodings, byte order marks, long lines
 * and bounded memory, the SHA-256 of the raw bytes, and the shared sales data sets.
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
#include "spm/sha256.h"

typedef struct opened {
	FILE *fp;
	spm_reader *r;
} opened;

static opened open_with(const char *text, size_t len, spm_input_format format, char delimiter,
			const char *encoding)
{
	opened o = {input(text, len), NULL};
	spm_reader_options options = {format, delimiter, encoding};
	spm_error err;
	int rc = spm_reader_open(&o.r, "in.csv", o.fp, &options, &err);
	if (rc != SPM_OK)
		fail_msg("open: %s (line %ld)", err.message, err.line);
	assert_non_null(o.r);
	return o;
}

static opened open_csv(const char *text)
{
	return open_with(text, strlen(text), SPM_IN_CSV, 0, NULL);
}

static void done(opened o)
{
	spm_reader_close(o.r);
	fclose(o.fp);
}

/* Opening fails with code, at line (0: none), with exactly message. */
static void open_fails(const char *text, size_t len, spm_input_format format, char delimiter,
		       const char *encoding, int code, long line, const char *message)
{
	FILE *fp = input(text, len);
	spm_reader_options options = {format, delimiter, encoding};
	spm_reader *r = (spm_reader *)&r;
	spm_error err;
	assert_int_equal(spm_reader_open(&r, "in.csv", fp, &options, &err), code);
	assert_null(r);
	assert_int_equal(err.code, code);
	assert_string_equal(err.source, "in.csv");
	assert_int_equal(err.line, line);
	assert_string_equal(err.message, message);
	fclose(fp);
}

/* The header names, comma-joined. */
static void assert_names(const spm_reader *r, const char *joined)
{
	const char *const *names;
	size_t n = spm_reader_names(r, &names);
	char buf[1024] = "";
	size_t used = 0;
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", i ? "," : "", names[i]);
	assert_string_equal(buf, joined);
}

/* The next record starts on line and holds these values ("|"-separated), named by position. */
static void next_is(spm_reader *r, long line, const char *values)
{
	spm_record rec;
	spm_error err;
	int rc = spm_reader_next(r, &rec, &err);
	if (rc != 1)
		fail_msg("expected a record on line %ld, got %d: %s", line, rc, err.message);
	assert_int_equal(rec.line, line);
	const char *v = values;
	size_t i = 0;
	for (;; i++) {
		const char *bar = strchr(v, '|');
		size_t n = bar ? (size_t)(bar - v) : strlen(v);
		assert_true(i < rec.nfields);
		assert_int_equal(rec.fields[i].name, i);
		assert_int_equal(rec.fields[i].len, n);
		assert_memory_equal(rec.fields[i].value, v, n);
		assert_int_equal(rec.fields[i].value[n], '\0');
		assert_false(rec.fields[i].is_null);
		if (!bar)
			break;
		v = bar + 1;
	}
	assert_int_equal(rec.nfields, i + 1);
}

static void at_end(spm_reader *r)
{
	spm_record rec;
	spm_error err;
	assert_int_equal(spm_reader_next(r, &rec, &err), 0);
	assert_int_equal(err.code, SPM_OK);
	assert_int_equal(spm_reader_next(r, &rec, &err), 0);
}

static void next_fails(spm_reader *r, int code, long line, const char *message)
{
	spm_record rec;
	spm_error err;
	assert_int_equal(spm_reader_next(r, &rec, &err), code);
	assert_string_equal(err.message, message);
	assert_int_equal(err.line, line);
	assert_string_equal(err.source, "in.csv");
	/* The reader stays failed. */
	assert_int_equal(spm_reader_next(r, &rec, &err), code);
	assert_string_equal(err.message, message);
}

static void test_comma_semicolon_tab(void **state)
{
	(void)state;
	opened o = open_csv("id,name,amount\n1,Ann,10.5\n2,Bob,7\n");
	assert_int_equal(spm_reader_format(o.r), SPM_IN_CSV);
	assert_int_equal(spm_reader_delimiter(o.r), ',');
	assert_names(o.r, "id,name,amount");
	next_is(o.r, 2, "1|Ann|10.5");
	next_is(o.r, 3, "2|Bob|7");
	at_end(o.r);
	done(o);

	o = open_csv("id;name;amount\n1;Ann, Jr.;10,5\n");
	assert_int_equal(spm_reader_delimiter(o.r), ';');
	next_is(o.r, 2, "1|Ann, Jr.|10,5");
	done(o);

	o = open_csv("id\tname\tnote\n1\tAnn\ta;b,c\n");
	assert_int_equal(spm_reader_delimiter(o.r), '\t');
	next_is(o.r, 2, "1|Ann|a;b,c");
	done(o);

	/* Delimiters inside quotes do not count: two commas there, two semicolons outside. */
	o = open_csv("\"a,b,c\";d;e\n1;2;3\n");
	assert_int_equal(spm_reader_delimiter(o.r), ';');
	assert_names(o.r, "a,b,c,d,e");
	done(o);

	/* A tie, or no candidate at all, means ','. */
	o = open_csv("a;b,c\n1;2,3\n");
	assert_int_equal(spm_reader_delimiter(o.r), ',');
	next_is(o.r, 2, "1;2|3");
	done(o);
	o = open_csv("a;b\tc\n1\n");
	assert_int_equal(spm_reader_delimiter(o.r), ',');
	assert_names(o.r, "a;b\tc");
	done(o);
	o = open_csv("single\nvalue\n");
	assert_int_equal(spm_reader_delimiter(o.r), ',');
	next_is(o.r, 2, "value");
	done(o);
}

static void test_given_delimiter_and_tsv(void **state)
{
	(void)state;
	opened o = open_with("a|b,c\n1|2,3\n", 12, SPM_IN_CSV, '|', NULL);
	assert_int_equal(spm_reader_delimiter(o.r), '|');
	assert_names(o.r, "a,b,c");
	next_is(o.r, 2, "1|2,3");
	done(o);

	/* TSV is CSV with a tab, whatever the header looks like. */
	o = open_with("a,b\tc\n1,2\t3\n", 12, SPM_IN_TSV, 0, NULL);
	assert_int_equal(spm_reader_format(o.r), SPM_IN_TSV);
	assert_int_equal(spm_reader_delimiter(o.r), '\t');
	assert_names(o.r, "a,b,c");
	next_is(o.r, 2, "1,2|3");
	done(o);
	o = open_with("a\tb\n\"x\ty\"\t\n", 11, SPM_IN_TSV, '\t', NULL);
	next_is(o.r, 2, "x\ty|");
	done(o);

	open_fails("a,b\n", 4, SPM_IN_CSV, '"', NULL, SPM_EUSAGE, 0, "invalid delimiter '\"'");
	open_fails("a,b\n", 4, SPM_IN_CSV, 'x', NULL, SPM_EUSAGE, 0, "invalid delimiter 'x'");
	open_fails("a,b\n", 4, SPM_IN_CSV, '\n', NULL, SPM_EUSAGE, 0, "invalid delimiter '\\x0A'");
	open_fails("a,b\n", 4, SPM_IN_TSV, ',', NULL, SPM_EUSAGE, 0,
		   "delimiter ',' does not go with format 'tsv'");
}

static void test_format_names(void **state)
{
	(void)state;
	spm_input_format f = SPM_IN_AUTO;
	assert_int_equal(spm_input_format_parse(&f, "csv"), SPM_OK);
	assert_int_equal(f, SPM_IN_CSV);
	assert_int_equal(spm_input_format_parse(&f, "TSV"), SPM_OK);
	assert_int_equal(f, SPM_IN_TSV);
	assert_int_equal(spm_input_format_parse(&f, "json"), SPM_OK);
	assert_int_equal(f, SPM_IN_JSON);
	assert_int_equal(spm_input_format_parse(&f, "jsonl"), SPM_OK);
	assert_int_equal(f, SPM_IN_JSONL);
	f = SPM_IN_CSV;
	assert_int_equal(spm_input_format_parse(&f, "ndjson"), SPM_OK);
	assert_int_equal(f, SPM_IN_JSONL);
	f = SPM_IN_TSV;
	assert_int_equal(spm_input_format_parse(&f, "xml"), SPM_EUSAGE);
	assert_int_equal(spm_input_format_parse(&f, ""), SPM_EUSAGE);
	assert_int_equal(spm_input_format_parse(&f, "auto"), SPM_EUSAGE);
	assert_int_equal(spm_input_format_parse(&f, NULL), SPM_EUSAGE);
	assert_int_equal(f, SPM_IN_TSV);

	assert_int_equal(spm_input_format_from_path("deals.csv"), SPM_IN_CSV);
	assert_int_equal(spm_input_format_from_path("/x/DEALS.CSV"), SPM_IN_CSV);
	assert_int_equal(spm_input_format_from_path("a.tsv"), SPM_IN_TSV);
	assert_int_equal(spm_input_format_from_path("a.tab"), SPM_IN_TSV);
	assert_int_equal(spm_input_format_from_path("a.json"), SPM_IN_JSON);
	assert_int_equal(spm_input_format_from_path("a.jsonl"), SPM_IN_JSONL);
	assert_int_equal(spm_input_format_from_path("a.ndjson"), SPM_IN_JSONL);
	assert_int_equal(spm_input_format_from_path("a.txt"), SPM_IN_AUTO);
	assert_int_equal(spm_input_format_from_path("dir.json/deals"), SPM_IN_AUTO);
	assert_int_equal(spm_input_format_from_path(".csv"), SPM_IN_AUTO);
	assert_int_equal(spm_input_format_from_path("-"), SPM_IN_AUTO);
	assert_int_equal(spm_input_format_from_path(NULL), SPM_IN_AUTO);

	assert_string_equal(spm_input_format_name(SPM_IN_AUTO), "auto");
	assert_string_equal(spm_input_format_name(SPM_IN_CSV), "csv");
	assert_string_equal(spm_input_format_name(SPM_IN_TSV), "tsv");
	assert_string_equal(spm_input_format_name(SPM_IN_JSON), "json");
	assert_string_equal(spm_input_format_name(SPM_IN_JSONL), "jsonl");
}

/* AUTO takes the format from the source name, CSV when it says nothing; NULL options too. */
static void test_auto_format(void **state)
{
	(void)state;
	spm_reader *r;
	spm_error err;
	spm_reader_options autodetect = {SPM_IN_AUTO, 0, NULL};
	FILE *fp = input("[{\"a\":1}]", 9);
	assert_int_equal(spm_reader_open(&r, "deals.json", fp, &autodetect, &err), SPM_OK);
	assert_int_equal(spm_reader_format(r), SPM_IN_JSON);
	assert_int_equal(spm_reader_delimiter(r), 0);
	spm_reader_close(r);
	fclose(fp);

	fp = input("a\tb\n1\t2\n", 8);
	assert_int_equal(spm_reader_open(&r, "deals.tsv", fp, NULL, &err), SPM_OK);
	assert_int_equal(spm_reader_format(r), SPM_IN_TSV);
	spm_reader_close(r);
	fclose(fp);

	fp = input("a;b\n1;2\n", 8);
	assert_int_equal(spm_reader_open(&r, NULL, fp, &autodetect, &err), SPM_OK);
	assert_int_equal(spm_reader_format(r), SPM_IN_CSV);
	assert_int_equal(spm_reader_delimiter(r), ';');
	spm_reader_close(r);

	/* A stream that cannot be read. */
	FILE *wronly = fopen("/dev/null", "w");
	assert_non_null(wronly);
	assert_int_equal(spm_reader_open(&r, "out", wronly, NULL, &err), SPM_EIO);
	assert_null(r);
	assert_memory_equal(err.message, "read error: ", 12);
	spm_reader_options json = {SPM_IN_JSONL, 0, "CP1252"};
	assert_int_equal(spm_reader_open(&r, "out", wronly, &json, &err), SPM_OK);
	spm_record rec;
	assert_int_equal(spm_reader_next(r, &rec, &err), SPM_EIO);
	assert_memory_equal(err.message, "read error: ", 12);
	spm_reader_close(r);
	fclose(wronly);

	/* Misuse. */
	assert_int_equal(spm_reader_open(&r, "x", NULL, NULL, &err), SPM_EUSAGE);
	assert_null(r);
	assert_int_equal(spm_reader_open(NULL, "x", fp, NULL, &err), SPM_EUSAGE);
	fclose(fp);
	spm_reader_close(NULL);
	assert_int_equal(spm_reader_next(NULL, &rec, &err), SPM_EUSAGE);
	assert_int_equal(spm_reader_names(NULL, NULL), 0);
	assert_int_equal(spm_reader_bytes(NULL), 0);
}

static void test_bom_and_crlf(void **state)
{
	(void)state;
	opened o = open_csv("\xEF\xBB\xBFid,name\r\n1,Ann\r\n2,\"B\r\nob\"\r\n3,Cy\r\n");
	assert_names(o.r, "id,name");
	next_is(o.r, 2, "1|Ann");
	next_is(o.r, 3, "2|B\r\nob");
	next_is(o.r, 5, "3|Cy");
	at_end(o.r);
	done(o);

	/* A BOM alone is an empty input; one in the middle of a line is text. */
	open_fails("\xEF\xBB\xBF", 3, SPM_IN_CSV, 0, NULL, SPM_EDATA, 0,
		   "empty input: no header line");
	o = open_csv("a,b\n\xEF\xBB\xBFx,y\n");
	next_is(o.r, 2, "\xEF\xBB\xBFx|y");
	done(o);
}

static void test_quoted_fields(void **state)
{
	(void)state;
	opened o = open_csv("a,b,c\n"
			    "\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n"
			    "1,\"\",3\n"
			    "\"multi\n\nline\n\",\"\"\"\",z\n"
			    "  spaced  ,\"  kept  \",\t tab\t\n"
			    "last,row,here\n");
	next_is(o.r, 2, "x, y|say \"hi\"|two\nlines");
	next_is(o.r, 4, "1||3");
	next_is(o.r, 5, "multi\n\nline\n|\"|z");
	/* Unquoted fields lose surrounding blanks, quoted ones keep them. */
	next_is(o.r, 9, "spaced|  kept  |tab");
	next_is(o.r, 10, "last|row|here");
	at_end(o.r);
	done(o);

	/* A record whose first field holds the newline still reports where it starts. */
	o = open_csv("a,b\n\"1\n2\n3\",x\ny,z\n");
	next_is(o.r, 2, "1\n2\n3|x");
	next_is(o.r, 5, "y|z");
	done(o);
}

static void test_blank_lines_and_last_line(void **state)
{
	(void)state;
	opened o = open_csv("\n\r\n   \nid,v\n\n1,a\r\n\r\n   \n\n2,b\n\n");
	assert_names(o.r, "id,v");
	next_is(o.r, 6, "1|a");
	next_is(o.r, 10, "2|b");
	at_end(o.r);
	done(o);

	/* The last line without a newline. */
	o = open_csv("id,v\n1,a\n2,b");
	next_is(o.r, 2, "1|a");
	next_is(o.r, 3, "2|b");
	at_end(o.r);
	done(o);

	/* Empty fields all round, and a lone delimiter. */
	o = open_csv("a,b\n,\n");
	next_is(o.r, 2, "|");
	done(o);

	/* CR-only line ends (old spreadsheets): records are found, all on physical line 1. */
	o = open_csv("a,b\r1,2\r3,4\r");
	next_is(o.r, 1, "1|2");
	next_is(o.r, 1, "3|4");
	at_end(o.r);
	done(o);
}

static void test_header_only_and_empty(void **state)
{
	(void)state;
	opened o = open_csv("id,name\n");
	assert_names(o.r, "id,name");
	at_end(o.r);
	done(o);
	o = open_csv("id,name");
	assert_names(o.r, "id,name");
	at_end(o.r);
	done(o);
	o = open_csv("id,name\n\n\n");
	at_end(o.r);
	done(o);

	open_fails("", 0, SPM_IN_CSV, 0, NULL, SPM_EDATA, 0, "empty input: no header line");
	open_fails("\n\r\n  \n", 6, SPM_IN_CSV, 0, NULL, SPM_EDATA, 0, "empty input: no header line");
	open_fails("", 0, SPM_IN_TSV, 0, NULL, SPM_EDATA, 0, "empty input: no header line");
}

static void test_header_names(void **state)
{
	(void)state;
	opened o = open_csv(" id ,\" name \",\tamount\t\n1,2,3\n");
	assert_names(o.r, "id,name,amount");
	done(o);

	open_fails("a,b, a\n", 7, SPM_IN_CSV, 0, NULL, SPM_EDATA, 1,
		   "duplicate column 'a' in header (columns 1 and 3)");
	open_fails("\nx,a,b,c,\"a\"\n", 13, SPM_IN_CSV, 0, NULL, SPM_EDATA, 2,
		   "duplicate column 'a' in header (columns 2 and 5)");
	open_fails("a,,c\n", 5, SPM_IN_CSV, 0, NULL, SPM_EDATA, 1,
		   "empty column name in header (column 2)");
	open_fails("a,b,\" \"\n", 8, SPM_IN_CSV, 0, NULL, SPM_EDATA, 1,
		   "empty column name in header (column 3)");
	open_fails("a,b,\n", 5, SPM_IN_CSV, 0, NULL, SPM_EDATA, 1,
		   "empty column name in header (column 3)");
	/* Names are compared exactly, after trimming: case differs, so no duplicate. */
	o = open_csv("Amount,amount\n");
	assert_names(o.r, "Amount,amount");
	done(o);
}

static void test_row_lengths(void **state)
{
	(void)state;
	opened o = open_csv("a,b,c\n1,2,3\n4,5\n");
	next_is(o.r, 2, "1|2|3");
	next_fails(o.r, SPM_EDATA, 3, "expected 3 columns but found 2");
	done(o);

	o = open_csv("a,b,c\n1,2,3\n\n\"x\ny\",5,6,7\n");
	next_is(o.r, 2, "1|2|3");
	next_fails(o.r, SPM_EDATA, 4, "expected 3 columns but found 4");
	done(o);

	o = open_csv("only\n1\n2,3\n");
	next_is(o.r, 2, "1");
	next_fails(o.r, SPM_EDATA, 3, "expected 1 column but found 2");
	done(o);

	/* A row with very many fields is counted, not stored. */
	size_t n = 200000;
	char *text = malloc(4 + 2 * n);
	assert_non_null(text);
	memcpy(text, "a,b\n", 4);
	for (size_t i = 0; i < n; i++) {
		text[4 + 2 * i] = 'x';
		text[5 + 2 * i] = ',';
	}
	text[4 + 2 * n - 1] = '\n';
	o = open_with(text, 4 + 2 * n, SPM_IN_CSV, 0, NULL);
	next_fails(o.r, SPM_EDATA, 2, "expected 2 columns but found 200000");
	assert_true(spm_reader_memory(o.r) < 1000000);
	done(o);
	free(text);
}

static void test_quote_errors(void **state)
{
	(void)state;
	opened o = open_csv("a,b\n1,2\n3,\"open\nstill open\n");
	next_is(o.r, 2, "1|2");
	next_fails(o.r, SPM_EDATA, 3, "unterminated quoted field");
	done(o);

	/* The line where the field opened, not where its record started. */
	o = open_csv("a,b,c\n1,\"x\ny\",\"z\nw\n");
	next_fails(o.r, SPM_EDATA, 3, "unterminated quoted field");
	done(o);

	o = open_csv("a,b\n1,2\n3,x\"y\n5,6\n");
	next_is(o.r, 2, "1|2");
	next_fails(o.r, SPM_EDATA, 3, "malformed quoted field");
	done(o);

	o = open_csv("a,b\n\"1\"x,2\n");
	next_fails(o.r, SPM_EDATA, 2, "malformed quoted field");
	done(o);

	open_fails("a,\"b\n", 5, SPM_IN_CSV, 0, NULL, SPM_EDATA, 1, "unterminated quoted field");
	open_fails("a,b\"c\n", 6, SPM_IN_CSV, 0, NULL, SPM_EDATA, 1, "malformed quoted field");
}

static void test_bad_bytes(void **state)
{
	(void)state;
	opened o = open_with("a,b\n1,2\n3,x\0y\n", 14, SPM_IN_CSV, 0, NULL);
	next_is(o.r, 2, "1|2");
	next_fails(o.r, SPM_EDATA, 3, "NUL byte in input");
	done(o);
	open_fails("a,\0b\n", 5, SPM_IN_CSV, 0, NULL, SPM_EDATA, 1, "NUL byte in input");

	o = open_csv("a,b\n1,2\n\n3,caf\xE9\n");
	next_is(o.r, 2, "1|2");
	next_fails(o.r, SPM_EDATA, 4,
		   "invalid UTF-8 (byte 0xE9); if the file is not UTF-8, give its encoding, e.g. "
		   "--encoding cp1252");
	done(o);

	/* Overlong forms, surrogates, stray continuation bytes and truncated sequences. */
	static const char *const bad[] = {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xA0",
					  "\xF4\x90\x80\x80", "\xF8\x88\x80\x80\x80", "\xE2\x82"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[64];
		int n = snprintf(text, sizeof text, "a\n%s\n", bad[i]);
		o = open_with(text, (size_t)n, SPM_IN_CSV, 0, NULL);
		spm_record rec;
		spm_error err;
		assert_int_equal(spm_reader_next(o.r, &rec, &err), SPM_EDATA);
		assert_int_equal(err.line, 2);
		assert_memory_equal(err.message, "invalid UTF-8 (byte 0x", 22);
		done(o);
	}
	/* The longest valid forms pass. */
	o = open_csv("a\n\xF4\x8F\xBF\xBF\xEF\xBF\xBF\xDF\xBF\n");
	next_is(o.r, 2, "\xF4\x8F\xBF\xBF\xEF\xBF\xBF\xDF\xBF");
	done(o);
}

static void test_encodings(void **state)
{
	(void)state;
	/* Windows-1252: curly quotes, a no-break space, an umlaut, the euro sign. */
	const char *cp1252 = "name,note\nRoy Franz\xF6sisch,\x93quoted\x94\xA0\x80\n";
	opened o = open_with(cp1252, strlen(cp1252), SPM_IN_CSV, 0, "CP1252");
	next_is(o.r, 2, "Roy Franz\xC3\xB6sisch|\xE2\x80\x9Cquoted\xE2\x80\x9D\xC2\xA0\xE2\x82\xAC");
	at_end(o.r);
	done(o);

	/* A byte Windows-1252 leaves undefined, after the lines before it were read. */
	const char *hole = "a\nx\ny\x81z\n";
	o = open_with(hole, strlen(hole), SPM_IN_CSV, 0, "cp1252");
	next_is(o.r, 2, "x");
	next_fails(o.r, SPM_EDATA, 3, "byte 0x81 is not valid in encoding 'cp1252'");
	done(o);

	/* ISO-8859-1 and UTF-16 with and without a byte order mark. */
	o = open_with("a\n\xE9t\xE9\n", 6, SPM_IN_CSV, 0, "ISO-8859-1");
	next_is(o.r, 2, "\xC3\xA9t\xC3\xA9");
	done(o);
	static const char utf16le[] = "a\0,\0b\0\n\0\xE9\0,\0\x3D\xD8\x00\xDE\n\0";
	o = open_with(utf16le, sizeof utf16le - 1, SPM_IN_CSV, 0, "UTF-16LE");
	assert_names(o.r, "a,b");
	next_is(o.r, 2, "\xC3\xA9|\xF0\x9F\x98\x80");
	done(o);
	static const char utf16bom[] = "\xFF\xFE" "a\0\n\0x\0\n\0";
	o = open_with(utf16bom, sizeof utf16bom - 1, SPM_IN_CSV, 0, "UTF-16");
	assert_names(o.r, "a");
	next_is(o.r, 2, "x");
	done(o);
	/* UTF-16LE given, the BOM decodes to U+FEFF and is dropped like a UTF-8 one. */
	o = open_with(utf16bom, sizeof utf16bom - 1, SPM_IN_CSV, 0, "UTF-16LE");
	assert_names(o.r, "a");
	done(o);
	o = open_with("a\0\n\0x", 5, SPM_IN_CSV, 0, "UTF-16LE");
	next_fails(o.r, SPM_EDATA, 2, "incomplete character at end of input (encoding 'UTF-16LE')");
	done(o);

	/* UTF-8 named explicitly is no transcoding. */
	o = open_with("a\n\xC3\xA9\n", 5, SPM_IN_CSV, 0, "utf-8");
	next_is(o.r, 2, "\xC3\xA9");
	done(o);

	open_fails("a\n", 2, SPM_IN_CSV, 0, "no-such-encoding", SPM_EUSAGE, 0,
		   "unknown encoding 'no-such-encoding'");
}

/* Lines longer than a block are cut at character boundaries and put back together. */
static void test_long_lines(void **state)
{
	(void)state;
	size_t n = 3 * SPM_READER_BLOCK + 7;
	size_t cap = 3 * n + 64;
	char *text = malloc(cap);
	assert_non_null(text);
	size_t len = (size_t)snprintf(text, cap, "id,text\n1,");
	size_t start = len;
	/* Two-, three- and four-byte characters so that cuts fall inside them. */
	static const char *const chars[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "x"};
	for (size_t i = 0; len - start < n; i++) {
		const char *c = chars[i % 4];
		memcpy(text + len, c, strlen(c));
		len += strlen(c);
	}
	size_t value_len = len - start;
	len += (size_t)snprintf(text + len, cap - len, "\n2,after\n");

	opened o = open_with(text, len, SPM_IN_CSV, 0, NULL);
	spm_record rec;
	spm_error err;
	assert_int_equal(spm_reader_next(o.r, &rec, &err), 1);
	assert_int_equal(rec.line, 2);
	assert_int_equal(rec.fields[1].len, value_len);
	assert_memory_equal(rec.fields[1].value, text + start, value_len);
	next_is(o.r, 3, "2|after");
	at_end(o.r);
	assert_int_equal(spm_reader_bytes(o.r), len);
	done(o);
	free(text);
}

/* Twelve records of 1 MB each: the reader holds about one of them, never the file. */
static void test_memory_stays_bounded(void **state)
{
	(void)state;
	const size_t field = 1000000, nrec = 12;
	size_t cap = nrec * (field + 16) + 16;
	char *text = malloc(cap);
	assert_non_null(text);
	size_t len = (size_t)snprintf(text, cap, "id,blob\n");
	for (size_t i = 0; i < nrec; i++) {
		len += (size_t)snprintf(text + len, cap - len, "%zu,", i);
		bool quoted = i % 2 == 1;
		if (quoted)
			text[len++] = '"';
		for (size_t k = 0; k < field; k++)
			text[len++] = quoted && k % 100000 == 99999 ? '\n' : (char)('a' + k % 26);
		if (quoted)
			text[len++] = '"';
		text[len++] = '\n';
	}
	opened o = open_with(text, len, SPM_IN_CSV, 0, NULL);
	spm_record rec;
	spm_error err;
	size_t most = 0;
	long line = 2;
	for (size_t i = 0; i < nrec; i++) {
		assert_int_equal(spm_reader_next(o.r, &rec, &err), 1);
		assert_int_equal(rec.line, line);
		line += i % 2 == 1 ? 11 : 1;
		assert_int_equal(rec.fields[1].len, field);
		assert_int_equal(rec.fields[1].value[field - 1], i % 2 ? '\n' : 'a' + (field - 1) % 26);
		size_t mem = spm_reader_memory(o.r);
		if (mem > most)
			most = mem;
	}
	at_end(o.r);
	/* About one record in the queue, one in libcsv's buffer and the text buffer. */
	assert_true(most < 4 * field);
	assert_true(most < len / 3);
	done(o);
	free(text);
}

static void test_record_too_long(void **state)
{
	(void)state;
	size_t n = SPM_READER_MAX_RECORD + 2 * SPM_READER_BLOCK;
	char *text = malloc(n);
	assert_non_null(text);
	memcpy(text, "a,b\n1,2\n3,\"", 11);
	for (size_t i = 11; i < n; i++)
		text[i] = i % 80 == 0 ? '\n' : 'q';
	opened o = open_with(text, n, SPM_IN_CSV, 0, NULL);
	next_is(o.r, 2, "1|2");
	next_fails(o.r, SPM_EDATA, 3, "record longer than 16 MiB (an unterminated quoted field?)");
	done(o);
	free(text);
}

static void test_sha256_of_raw_bytes(void **state)
{
	(void)state;
	char hex[65];
	/* "abc" is a CSV file: a header with one column. Its digest is the FIPS 180-4 example. */
	opened o = open_csv("abc");
	at_end(o.r);
	spm_reader_sha256(o.r, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(spm_reader_bytes(o.r), 3);
	done(o);

	spm_reader_sha256(NULL, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

	/* The raw bytes, BOM and all, before any decoding. */
	const char *raw = "\xEF\xBB\xBFname\r\nFranz\xF6sisch\r\n";
	spm_sha256 ctx;
	unsigned char digest[32];
	char want[65];
	spm_sha256_init(&ctx);
	spm_sha256_update(&ctx, raw, strlen(raw));
	spm_sha256_final(&ctx, digest);
	spm_sha256_hex(digest, want);
	o = open_with(raw, strlen(raw), SPM_IN_CSV, 0, "CP1252");
	next_is(o.r, 2, "Franz\xC3\xB6sisch");
	at_end(o.r);
	spm_reader_sha256(o.r, hex);
	assert_string_equal(hex, want);
	assert_int_equal(spm_reader_bytes(o.r), strlen(raw));
	done(o);
}

/* Opens a file of the shared data sets, or skips when SPM_DATA is not set. */
static FILE *shared_data(const char *name)
{
	const char *dir = getenv("SPM_DATA");
	if (!dir || !*dir) {
		print_message("SPM_DATA is not set: skipping the test on %s\n", name);
		return NULL;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s", path);
	return fp;
}

static void test_real_sales_pipeline(void **state)
{
	(void)state;
	FILE *fp = shared_data("crm-sales-opportunities/sales_pipeline.csv");
	if (!fp)
		skip();
	spm_reader *r;
	spm_error err;
	assert_int_equal(spm_reader_open(&r, "sales_pipeline.csv", fp, NULL, &err), SPM_OK);
	assert_names(r, "opportunity_id,sales_agent,product,account,deal_stage,engage_date,"
			"close_date,close_value");
	spm_record rec;
	long n = 0, last = 0;
	int rc;
	while ((rc = spm_reader_next(r, &rec, &err)) == 1) {
		assert_int_equal(rec.nfields, 8);
		n++;
		last = rec.line;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(n, 8800);
	assert_int_equal(last, 8801);
	spm_reader_close(r);
	fclose(fp);

	fp = shared_data("crm-sales-opportunities/data_dictionary.csv");
	assert_int_equal(spm_reader_open(&r, "data_dictionary.csv", fp, NULL, &err), SPM_OK);
	bool found = false;
	while ((rc = spm_reader_next(r, &rec, &err)) == 1) {
		if (strcmp(rec.fields[1].value, "engage_date") == 0) {
			assert_string_equal(rec.fields[2].value,
					    "Date in which the \"Engaging\" deal stage was initiated");
			found = true;
		}
	}
	assert_int_equal(rc, 0);
	assert_true(found);
	spm_reader_close(r);
	fclose(fp);
}

static void test_real_superstore_cp1252(void **state)
{
	(void)state;
	FILE *fp = shared_data("superstore/sample_superstore.csv");
	if (!fp)
		skip();
	spm_reader *r;
	spm_error err;
	spm_reader_options options = {SPM_IN_AUTO, 0, "CP1252"};
	assert_int_equal(spm_reader_open(&r, "sample_superstore.csv", fp, &options, &err), SPM_OK);
	spm_record rec;
	long n = 0, roy = 0;
	int rc;
	while ((rc = spm_reader_next(r, &rec, &err)) == 1) {
		assert_int_equal(rec.nfields, 21);
		n++;
		if (strcmp(rec.fields[6].value, "Roy Franz\xC3\xB6sisch") == 0)
			roy++;
	}
	if (rc != 0)
		fail_msg("%s:%ld: %s", err.source, err.line, err.message);
	assert_int_equal(n, 9994);
	assert_true(roy > 0);
	const char *const *names;
	assert_int_equal(spm_reader_names(r, &names), 21);
	assert_string_equal(names[6], "Customer Name");
	spm_reader_close(r);

	/* Read as UTF-8 it fails, pointing at the first byte that is not. */
	rewind(fp);
	assert_int_equal(spm_reader_open(&r, "sample_superstore.csv", fp, NULL, &err), SPM_OK);
	while ((rc = spm_reader_next(r, &rec, &err)) == 1)
		;
	assert_int_equal(rc, SPM_EDATA);
	assert_true(err.line > 1);
	assert_non_null(strstr(err.message, "--encoding cp1252"));
	spm_reader_close(r);
	fclose(fp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_comma_semicolon_tab),
		cmocka_unit_test(test_given_delimiter_and_tsv),
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_auto_format),
		cmocka_unit_test(test_bom_and_crlf),
		cmocka_unit_test(test_quoted_fields),
		cmocka_unit_test(test_blank_lines_and_last_line),
		cmocka_unit_test(test_header_only_and_empty),
		cmocka_unit_test(test_header_names),
		cmocka_unit_test(test_row_lengths),
		cmocka_unit_test(test_quote_errors),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_memory_stays_bounded),
		cmocka_unit_test(test_record_too_long),
		cmocka_unit_test(test_sha256_of_raw_bytes),
		cmocka_unit_test(test_real_sales_pipeline),
		cmocka_unit_test(test_real_superstore_cp1252),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
