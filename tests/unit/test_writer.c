/*
 * test_writer.c - the output writers: each format's exact bytes for a table of text, numbers,
 * missing values, quotes, commas, newlines and non-ASCII text; formula-injection defence in CSV and
 * TSV; escaping in JSON and in the terminal table; empty results; write errors and misuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spm/writer.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Runs a whole writer over an in-memory stream; returns what it wrote (caller frees). */
static char *render(spm_output_format format, const spm_column *cols, size_t ncols,
                    const char *const *cells, size_t nrows)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	spm_writer *w = NULL;
	spm_error err;

	assert_non_null(fp);
	spm_error_clear(&err);
	assert_int_equal(spm_writer_open(&w, fp, format, cols, ncols, &err), SPM_OK);
	assert_non_null(w);
	for (size_t r = 0; r < nrows; r++)
		assert_int_equal(spm_writer_row(w, cells + r * ncols, &err), SPM_OK);
	assert_int_equal(spm_writer_close(w, &err), SPM_OK);
	assert_int_equal(fclose(fp), 0);
	assert_non_null(buf);
	assert_int_equal(strlen(buf), len);
	return buf;
}

static void assert_output(spm_output_format format, const spm_column *cols, size_t ncols,
                          const char *const *cells, size_t nrows, const char *expected)
{
	char *got = render(format, cols, ncols, cells, nrows);
	assert_string_equal(got, expected);
	free(got);
}

/* The shared sample: text, numbers, booleans, NULLs, a comma, a quote, a newline, non-ASCII. */
static const spm_column sample_cols[] = {
    {"name", SPM_COL_TEXT},
    {"amount", SPM_COL_NUMBER},
    {"won", SPM_COL_BOOL},
    {"note", SPM_COL_TEXT},
};

static const char *const sample_rows[] = {
    "Ann",
    "1200.50",
    "true",
    "a, b",
    "Zo\xC3\xAB",
    "-3",
    "false",
    NULL,
    NULL,
    "10",
    "true",
    "line1\nline2",
    "O\"Neil",
    NULL,
    NULL,
    "=SUM(A1)",
    "\xC3\x85sa \xC3\x91",
    "7",
    "false",
    "caf\xC3\xA9",
};
#define SAMPLE_NROWS (N(sample_rows) / N(sample_cols))

static void test_format_names(void **state)
{
	static const char *const names[] = {"table", "csv", "tsv", "json", "jsonl"};
	spm_output_format f = SPM_OUT_JSONL;
	(void)state;

	for (size_t i = 0; i < N(names); i++) {
		assert_int_equal(spm_output_format_parse(&f, names[i]), SPM_OK);
		assert_string_equal(spm_output_format_name(f), names[i]);
	}
	assert_int_equal(spm_output_format_parse(&f, "csv"), SPM_OK);
	assert_int_equal(f, SPM_OUT_CSV);
	f = SPM_OUT_TSV;
	assert_int_equal(spm_output_format_parse(&f, "CSV"), SPM_EUSAGE);
	assert_int_equal(spm_output_format_parse(&f, "xml"), SPM_EUSAGE);
	assert_int_equal(spm_output_format_parse(&f, ""), SPM_EUSAGE);
	assert_int_equal(spm_output_format_parse(&f, "jsonlines"), SPM_EUSAGE);
	assert_int_equal(spm_output_format_parse(&f, NULL), SPM_EUSAGE);
	assert_int_equal(spm_output_format_parse(NULL, "csv"), SPM_EUSAGE);
	assert_int_equal(f, SPM_OUT_TSV); /* untouched on failure */
	assert_string_equal(spm_output_format_name((spm_output_format)42), "unknown");
}

static void test_table_sample(void **state)
{
	(void)state;
	assert_output(SPM_OUT_TABLE, sample_cols, N(sample_cols), sample_rows, SAMPLE_NROWS,
	              "name     amount  won    note\n"
	              "------  -------  -----  ------------\n"
	              "Ann     1200.50  true   a, b\n"
	              "Zo\xC3\xAB          -3  false\n"
	              "             10  true   line1\\nline2\n"
	              "O\"Neil                  =SUM(A1)\n"
	              "\xC3\x85sa \xC3\x91         7  false  caf\xC3\xA9\n");
}

static void test_csv_sample(void **state)
{
	(void)state;
	assert_output(SPM_OUT_CSV, sample_cols, N(sample_cols), sample_rows, SAMPLE_NROWS,
	              "name,amount,won,note\n"
	              "Ann,1200.50,true,\"a, b\"\n"
	              "Zo\xC3\xAB,-3,false,\n"
	              ",10,true,\"line1\nline2\"\n"
	              "\"O\"\"Neil\",,,'=SUM(A1)\n"
	              "\xC3\x85sa \xC3\x91,7,false,caf\xC3\xA9\n");
}

static void test_tsv_sample(void **state)
{
	(void)state;
	assert_output(SPM_OUT_TSV, sample_cols, N(sample_cols), sample_rows, SAMPLE_NROWS,
	              "name\tamount\twon\tnote\n"
	              "Ann\t1200.50\ttrue\ta, b\n"
	              "Zo\xC3\xAB\t-3\tfalse\t\n"
	              "\t10\ttrue\tline1\\nline2\n"
	              "O\"Neil\t\t\t'=SUM(A1)\n"
	              "\xC3\x85sa \xC3\x91\t7\tfalse\tcaf\xC3\xA9\n");
}

static void test_json_sample(void **state)
{
	(void)state;
	assert_output(SPM_OUT_JSON, sample_cols, N(sample_cols), sample_rows, SAMPLE_NROWS,
	              "[\n"
	              "{\"name\":\"Ann\",\"amount\":1200.50,\"won\":true,\"note\":\"a, b\"},\n"
	              "{\"name\":\"Zo\xC3\xAB\",\"amount\":-3,\"won\":false,\"note\":null},\n"
	              "{\"name\":null,\"amount\":10,\"won\":true,\"note\":\"line1\\nline2\"},\n"
	              "{\"name\":\"O\\\"Neil\",\"amount\":null,\"won\":null,"
	              "\"note\":\"=SUM(A1)\"},\n"
	              "{\"name\":\"\xC3\x85sa \xC3\x91\",\"amount\":7,\"won\":false,"
	              "\"note\":\"caf\xC3\xA9\"}\n"
	              "]\n");
}

static void test_jsonl_sample(void **state)
{
	(void)state;
	assert_output(SPM_OUT_JSONL, sample_cols, N(sample_cols), sample_rows, SAMPLE_NROWS,
	              "{\"name\":\"Ann\",\"amount\":1200.50,\"won\":true,\"note\":\"a, b\"}\n"
	              "{\"name\":\"Zo\xC3\xAB\",\"amount\":-3,\"won\":false,\"note\":null}\n"
	              "{\"name\":null,\"amount\":10,\"won\":true,\"note\":\"line1\\nline2\"}\n"
	              "{\"name\":\"O\\\"Neil\",\"amount\":null,\"won\":null,"
	              "\"note\":\"=SUM(A1)\"}\n"
	              "{\"name\":\"\xC3\x85sa \xC3\x91\",\"amount\":7,\"won\":false,"
	              "\"note\":\"caf\xC3\xA9\"}\n");
}

static void test_json_single_row(void **state)
{
	static const spm_column cols[] = {{"id", SPM_COL_NUMBER}};
	static const char *const rows[] = {"1"};
	(void)state;
	assert_output(SPM_OUT_JSON, cols, 1, rows, 1, "[\n{\"id\":1}\n]\n");
}

static void test_empty_results(void **state)
{
	(void)state;
	assert_output(SPM_OUT_TABLE, sample_cols, N(sample_cols), NULL, 0,
	              "name  amount  won  note\n"
	              "----  ------  ---  ----\n");
	assert_output(SPM_OUT_CSV, sample_cols, N(sample_cols), NULL, 0, "name,amount,won,note\n");
	assert_output(SPM_OUT_TSV, sample_cols, N(sample_cols), NULL, 0,
	              "name\tamount\twon\tnote\n");
	assert_output(SPM_OUT_JSON, sample_cols, N(sample_cols), NULL, 0, "[]\n");
	assert_output(SPM_OUT_JSONL, sample_cols, N(sample_cols), NULL, 0, "");
}

static void test_table_code_point_alignment(void **state)
{
	static const spm_column cols[] = {{"city", SPM_COL_TEXT}, {"n", SPM_COL_NUMBER}};
	static const char *const rows[] = {
	    "M\xC3\xBCnchen",
	    "1", /* 7 code points, 8 bytes */
	    "\xE6\x9D\xB1\xE4\xBA\xAC",
	    "22", /* 2 code points, 6 bytes */
	    "Z\xC3\xBCrich",
	    "333",
	    "\xF0\x9F\x98\x80",
	    "4", /* 1 code point, 4 bytes */
	};
	(void)state;
	assert_output(SPM_OUT_TABLE, cols, N(cols), rows, N(rows) / N(cols),
	              "city       n\n"
	              "-------  ---\n"
	              "M\xC3\xBCnchen    1\n"
	              "\xE6\x9D\xB1\xE4\xBA\xAC        22\n"
	              "Z\xC3\xBCrich   333\n"
	              "\xF0\x9F\x98\x80          4\n");
}

static void test_table_escapes_controls(void **state)
{
	static const spm_column cols[] = {{"v", SPM_COL_TEXT}, {"k", SPM_COL_TEXT}};
	static const char *const rows[] = {
	    "a\tb",
	    "1",
	    "\x1B[31mred",
	    "2",
	    "x\x7Fy\r",
	    "3",
	    ("\xC2\x9B"
	     "2J"),
	    "4", /* U+009B, a terminal's one-byte CSI */
	    "\xFF\xC3",
	    "5", /* not UTF-8 */
	    "back\\slash",
	    "6",
	    "",
	    "7",
	};
	(void)state;
	assert_output(SPM_OUT_TABLE, cols, N(cols), rows, N(rows) / N(cols),
	              "v            k\n"
	              "-----------  -\n"
	              "a\\tb         1\n"
	              "\\x1B[31mred  2\n"
	              "x\\x7Fy\\r     3\n"
	              "\\u009B2J     4\n"
	              "\\xFF\\xC3     5\n"
	              "back\\slash   6\n"
	              "             7\n");
}

static void test_table_header_escaped_and_trailing_blanks(void **state)
{
	/* A name with a newline must not break the header; empty last cells leave no blanks. */
	static const spm_column cols[] = {{"two\nlines", SPM_COL_TEXT}, {"x", SPM_COL_TEXT}};
	static const char *const rows[] = {"a ", "", "b", NULL, "c", "long value "};
	(void)state;
	assert_output(SPM_OUT_TABLE, cols, N(cols), rows, N(rows) / N(cols),
	              "two\\nlines  x\n"
	              "----------  -----------\n"
	              "a\n"
	              "b\n"
	              "c           long value\n");
}

static void test_table_many_rows(void **state)
{
	/* Enough rows to grow the row buffer several times; widths come from the last rows. */
	static const spm_column cols[] = {{"id", SPM_COL_TEXT}, {"sq", SPM_COL_NUMBER}};
	enum { ROWS = 1000 };
	char(*text)[2][16] = calloc(ROWS, sizeof *text);
	const char **cells = calloc(ROWS * 2, sizeof *cells);
	char *out, *line;
	size_t nlines = 0;
	(void)state;

	assert_non_null(text);
	assert_non_null(cells);
	for (int i = 0; i < ROWS; i++) {
		snprintf(text[i][0], sizeof text[i][0], "r%d", i);
		snprintf(text[i][1], sizeof text[i][1], "%d", i * i);
		cells[2 * i] = text[i][0];
		cells[2 * i + 1] = text[i][1];
	}
	out = render(SPM_OUT_TABLE, cols, 2, cells, ROWS);
	assert_true(strncmp(out, "id        sq\n----  ------\nr0         0\nr1         1\n", 52) ==
	            0);
	assert_non_null(strstr(out, "\nr99     9801\n"));
	assert_non_null(strstr(out, "\nr999  998001\n"));
	for (line = out; (line = strchr(line, '\n')) != NULL; line++)
		nlines++;
	assert_int_equal(nlines, ROWS + 2);
	free(out);
	free(cells);
	free(text);
}

/* One TEXT and one NUMBER column holding the same value, written as CSV. */
static void check_csv_pair(const char *value, const char *expected_line)
{
	static const spm_column cols[] = {{"t", SPM_COL_TEXT}, {"n", SPM_COL_NUMBER}};
	const char *row[] = {value, value};
	char *got = render(SPM_OUT_CSV, cols, 2, row, 1);
	const char *body;

	assert_true(strncmp(got, "t,n\n", 4) == 0);
	body = got + 4;
	if (strcmp(body, expected_line) != 0)
		fail_msg("value '%s': got '%s', want '%s'", value, body, expected_line);
	free(got);
}

static void test_csv_formula_injection(void **state)
{
	(void)state;
	check_csv_pair("=SUM(A1)", "'=SUM(A1),'=SUM(A1)\n");
	check_csv_pair("+1 call", "'+1 call,'+1 call\n");
	check_csv_pair("@x", "'@x,'@x\n");
	check_csv_pair("-2+3+cmd|' /C calc'!A0",
	               "'-2+3+cmd|' /C calc'!A0,'-2+3+cmd|' /C calc'!A0\n");
	check_csv_pair("-", "'-,'-\n");
	check_csv_pair("+", "'+,'+\n");
	check_csv_pair("-1-2", "'-1-2,'-1-2\n");
	check_csv_pair("-1e", "'-1e,'-1e\n");
	check_csv_pair("-.", "'-.,'-.\n");
	check_csv_pair("- 1", "'- 1,'- 1\n");
	/* numbers that start with a sign are data, in any column; everything else is guarded in all
	 */
	check_csv_pair("-12.5", "-12.5,-12.5\n");
	check_csv_pair("+3", "+3,+3\n");
	check_csv_pair("-.5", "-.5,-.5\n");
	check_csv_pair("-7.", "-7.,-7.\n");
	check_csv_pair("-1e5", "-1e5,-1e5\n");
	check_csv_pair("+2.5E-3", "+2.5E-3,+2.5E-3\n");
	/* tab and CR lead-ins: guarded in text, and quoted because of the blank or the CR */
	check_csv_pair("\tx", "\"'\tx\",\"'\tx\"\n");
	check_csv_pair("\rx", "\"'\rx\",\"'\rx\"\n");
	/* guarded and quoted: the apostrophe goes inside the quotes */
	check_csv_pair("=1,2", "\"'=1,2\",\"'=1,2\"\n");
	check_csv_pair("=\"x\"", "\"'=\"\"x\"\"\",\"'=\"\"x\"\"\"\n");
	/* triggers elsewhere than the first byte are harmless */
	check_csv_pair("a=b", "a=b,a=b\n");
	check_csv_pair(" =1", "\" =1\",\" =1\"\n");
	check_csv_pair("", ",\n");
}

static void test_csv_quoting(void **state)
{
	(void)state;
	check_csv_pair("plain text", "plain text,plain text\n");
	check_csv_pair(" lead", "\" lead\",\" lead\"\n");
	check_csv_pair("trail ", "\"trail \",\"trail \"\n");
	check_csv_pair("tab\t", "\"tab\t\",\"tab\t\"\n");
	check_csv_pair("a\"b", "\"a\"\"b\",\"a\"\"b\"\n");
	check_csv_pair("\"", "\"\"\"\",\"\"\"\"\n");
	check_csv_pair("cr\r", "\"cr\r\",\"cr\r\"\n");
	check_csv_pair("in'side", "in'side,in'side\n");
	check_csv_pair("semi;colon", "semi;colon,semi;colon\n");
}

static void test_csv_header(void **state)
{
	static const spm_column cols[] = {
	    {"a,b", SPM_COL_NUMBER}, {"=x", SPM_COL_TEXT}, {"q\"", SPM_COL_BOOL}};
	static const char *const row[] = {"1", "2", "true"};
	(void)state;
	assert_output(SPM_OUT_CSV, cols, N(cols), row, 1, "\"a,b\",'=x,\"q\"\"\"\n1,2,true\n");
	assert_output(SPM_OUT_TSV, cols, N(cols), row, 1, "a,b\t'=x\tq\"\n1\t2\ttrue\n");
}

static void check_tsv_pair(const char *value, const char *expected_line)
{
	static const spm_column cols[] = {{"t", SPM_COL_TEXT}, {"n", SPM_COL_NUMBER}};
	const char *row[] = {value, value};
	char *got = render(SPM_OUT_TSV, cols, 2, row, 1);

	assert_true(strncmp(got, "t\tn\n", 4) == 0);
	if (strcmp(got + 4, expected_line) != 0)
		fail_msg("value '%s': got '%s', want '%s'", value, got + 4, expected_line);
	free(got);
}

static void test_tsv_escapes_and_formulas(void **state)
{
	(void)state;
	check_tsv_pair("a\tb\nc\rd\\e", "a\\tb\\nc\\rd\\\\e\ta\\tb\\nc\\rd\\\\e\n");
	check_tsv_pair("C:\\dir", "C:\\\\dir\tC:\\\\dir\n");
	check_tsv_pair("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")\t'=HYPERLINK(\"x\")\n");
	check_tsv_pair("@me", "'@me\t'@me\n");
	check_tsv_pair("+1 call", "'+1 call\t'+1 call\n");
	check_tsv_pair("\tx", "'\\tx\t'\\tx\n");
	check_tsv_pair("-12.5", "-12.5\t-12.5\n");
	check_tsv_pair("a, \"b\"", "a, \"b\"\ta, \"b\"\n");
	check_tsv_pair("", "\t\n");
}

/* One column written as JSON Lines: the value as it appears after the key. */
static void check_json_value(spm_col_type type, const char *value, const char *expected)
{
	spm_column cols[] = {{"v", type}};
	const char *row[] = {value};
	char want[256];
	char *got = render(SPM_OUT_JSONL, cols, 1, row, 1);

	snprintf(want, sizeof want, "{\"v\":%s}\n", expected);
	if (strcmp(got, want) != 0)
		fail_msg("value '%s': got '%s', want '%s'", value ? value : "(null)", got, want);
	free(got);
}

static void test_json_string_escapes(void **state)
{
	(void)state;
	check_json_value(SPM_COL_TEXT, "q\"b\\s/", "\"q\\\"b\\\\s/\"");
	check_json_value(SPM_COL_TEXT, "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
	check_json_value(SPM_COL_TEXT, "\x01\x1F\x1B", "\"\\u0001\\u001f\\u001b\"");
	check_json_value(SPM_COL_TEXT, "del\x7F", "\"del\x7F\"");
	/* non-ASCII passes through as UTF-8 */
	check_json_value(SPM_COL_TEXT, "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80",
	                 "\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"");
	check_json_value(SPM_COL_TEXT, "\xE2\x80\xA8", "\"\xE2\x80\xA8\"");
	/* bytes that are not UTF-8 would make the document invalid: each becomes U+FFFD */
	check_json_value(SPM_COL_TEXT,
	                 "a\xFF"
	                 "b",
	                 "\"a\\ufffdb\"");
	check_json_value(SPM_COL_TEXT, "a\xC3", "\"a\\ufffd\"");
	check_json_value(SPM_COL_TEXT, "\xC0\xAF", "\"\\ufffd\\ufffd\"");
	check_json_value(SPM_COL_TEXT, "\xED\xA0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	check_json_value(SPM_COL_TEXT, "\xF4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* text is never unquoted, even when it looks like a number or a literal */
	check_json_value(SPM_COL_TEXT, "12", "\"12\"");
	check_json_value(SPM_COL_TEXT, "true", "\"true\"");
	check_json_value(SPM_COL_TEXT, "", "\"\"");
	check_json_value(SPM_COL_TEXT, NULL, "null");
	/* no formula defence in JSON: it is data for programs */
	check_json_value(SPM_COL_TEXT, "=SUM(A1)", "\"=SUM(A1)\"");
}

static void test_json_numbers_and_bools(void **state)
{
	static const char *const valid[] = {"0",    "-0",     "7",
	                                    "-0.5", "12.50",  "1e10",
	                                    "1E+2", "2.5e-3", "123456789012345678901234567890"};
	static const char *const invalid[] = {"",     "+5",  "01",       "-01",   "1.",  ".5",
	                                      "1,5",  "NaN", "Infinity", "-",     "1e",  "1e+",
	                                      "0x10", " 1",  "1 ",       "1.2.3", "--1", "1\n"};
	(void)state;

	for (size_t i = 0; i < N(valid); i++)
		check_json_value(SPM_COL_NUMBER, valid[i], valid[i]);
	for (size_t i = 0; i < N(invalid); i++) {
		char *got;
		const char *row[] = {invalid[i]};
		spm_column cols[] = {{"v", SPM_COL_NUMBER}};
		/* written as a string: the text between quotes (with \n escaped) */
		got = render(SPM_OUT_JSONL, cols, 1, row, 1);
		if (strncmp(got, "{\"v\":\"", 6) != 0)
			fail_msg("number '%s' not quoted: %s", invalid[i], got);
		free(got);
	}
	check_json_value(SPM_COL_NUMBER, "1,5", "\"1,5\"");
	check_json_value(SPM_COL_NUMBER, "1\n", "\"1\\n\"");
	check_json_value(SPM_COL_NUMBER, NULL, "null");
	check_json_value(SPM_COL_BOOL, "true", "true");
	check_json_value(SPM_COL_BOOL, "false", "false");
	check_json_value(SPM_COL_BOOL, NULL, "null");
	check_json_value(SPM_COL_BOOL, "TRUE", "\"TRUE\"");
	check_json_value(SPM_COL_BOOL, "1", "\"1\"");
	check_json_value(SPM_COL_BOOL, "", "\"\"");
	check_json_value(SPM_COL_BOOL, "yes", "\"yes\"");
}

static void test_json_keys_escaped(void **state)
{
	static const spm_column cols[] = {{"a\"b", SPM_COL_NUMBER}, {"c\nd", SPM_COL_TEXT}};
	static const char *const row[] = {"1", "x"};
	(void)state;
	assert_output(SPM_OUT_JSON, cols, N(cols), row, 1,
	              "[\n{\"a\\\"b\":1,\"c\\nd\":\"x\"}\n]\n");
}

static void test_columns_are_copied(void **state)
{
	char name[8] = "first";
	spm_column cols[] = {{name, SPM_COL_TEXT}};
	static const char *const row[] = {"v"};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	spm_writer *w = NULL;
	(void)state;

	assert_non_null(fp);
	assert_int_equal(spm_writer_open(&w, fp, SPM_OUT_CSV, cols, 1, NULL), SPM_OK);
	memcpy(name, "later", 6);
	cols[0].type = SPM_COL_NUMBER;
	assert_int_equal(spm_writer_row(w, row, NULL), SPM_OK);
	assert_int_equal(spm_writer_close(w, NULL), SPM_OK);
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(buf, "first\nv\n");
	free(buf);
}

static void test_table_rows_are_copied(void **state)
{
	static const spm_column cols[] = {{"v", SPM_COL_TEXT}};
	char value[8] = "abc";
	const char *row[] = {value};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	spm_writer *w = NULL;
	(void)state;

	assert_non_null(fp);
	assert_int_equal(spm_writer_open(&w, fp, SPM_OUT_TABLE, cols, 1, NULL), SPM_OK);
	assert_int_equal(spm_writer_row(w, row, NULL), SPM_OK);
	memcpy(value, "xy", 3);
	assert_int_equal(spm_writer_row(w, row, NULL), SPM_OK);
	assert_int_equal(spm_writer_close(w, NULL), SPM_OK);
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(buf, "v\n---\nabc\nxy\n");
	free(buf);
}

static void assert_write_error(const spm_error *err, int errnum)
{
	char want[256];
	snprintf(want, sizeof want, "write error: %s", strerror(errnum));
	assert_int_equal(err->code, SPM_EIO);
	assert_string_equal(err->message, want);
}

static void test_write_error_full_device_at_close(void **state)
{
	/* Buffered output reaches the device only at the flush in close: the error shows there. */
	static const spm_output_format formats[] = {SPM_OUT_TABLE, SPM_OUT_CSV, SPM_OUT_TSV,
	                                            SPM_OUT_JSON, SPM_OUT_JSONL};
	(void)state;

	for (size_t i = 0; i < N(formats); i++) {
		FILE *fp = fopen("/dev/full", "w");
		spm_writer *w = NULL;
		spm_error err;

		if (!fp)
			skip();
		spm_error_clear(&err);
		assert_int_equal(
		    spm_writer_open(&w, fp, formats[i], sample_cols, N(sample_cols), &err), SPM_OK);
		assert_int_equal(spm_writer_row(w, sample_rows, &err), SPM_OK);
		assert_int_equal(spm_writer_close(w, &err), SPM_EIO);
		assert_write_error(&err, ENOSPC);
		fclose(fp);
	}
}

static void test_write_error_unbuffered_at_row(void **state)
{
	FILE *fp = fopen("/dev/full", "w");
	spm_writer *w = NULL;
	spm_error err;
	(void)state;

	if (!fp)
		skip();
	assert_int_equal(setvbuf(fp, NULL, _IONBF, 0), 0);
	spm_error_clear(&err);
	assert_int_equal(spm_writer_open(&w, fp, SPM_OUT_CSV, sample_cols, N(sample_cols), &err),
	                 SPM_OK);
	assert_int_equal(spm_writer_row(w, sample_rows, &err), SPM_EIO);
	assert_write_error(&err, ENOSPC);
	/* the writer stays failed: later rows and the close report it too */
	spm_error_clear(&err);
	assert_int_equal(spm_writer_row(w, sample_rows + 4, &err), SPM_EIO);
	assert_write_error(&err, ENOSPC);
	spm_error_clear(&err);
	assert_int_equal(spm_writer_close(w, &err), SPM_EIO);
	assert_write_error(&err, ENOSPC);
	fclose(fp);
}

static void test_write_error_read_only_stream(void **state)
{
	static const spm_output_format formats[] = {SPM_OUT_TABLE, SPM_OUT_CSV, SPM_OUT_JSON,
	                                            SPM_OUT_JSONL};
	(void)state;

	for (size_t i = 0; i < N(formats); i++) {
		FILE *fp = fopen("/dev/null", "r");
		spm_writer *w = NULL;
		spm_error err;
		int rc;

		assert_non_null(fp);
		spm_error_clear(&err);
		assert_int_equal(
		    spm_writer_open(&w, fp, formats[i], sample_cols, N(sample_cols), &err), SPM_OK);
		rc = spm_writer_row(w, sample_rows, &err);
		if (formats[i] == SPM_OUT_TABLE) {
			assert_int_equal(rc, SPM_OK); /* buffered until close */
		} else {
			assert_int_equal(rc, SPM_EIO);
			assert_write_error(&err, EBADF);
		}
		spm_error_clear(&err);
		assert_int_equal(spm_writer_close(w, &err), SPM_EIO);
		assert_write_error(&err, EBADF);
		fclose(fp);
	}
}

static void test_write_error_empty_result(void **state)
{
	/* Even with no rows, the header (or "[]") is written and its failure reported. */
	FILE *fp = fopen("/dev/full", "w");
	spm_writer *w = NULL;
	spm_error err;
	(void)state;

	if (!fp)
		skip();
	spm_error_clear(&err);
	assert_int_equal(spm_writer_open(&w, fp, SPM_OUT_JSON, sample_cols, N(sample_cols), &err),
	                 SPM_OK);
	assert_int_equal(spm_writer_close(w, &err), SPM_EIO);
	assert_write_error(&err, ENOSPC);
	fclose(fp);
}

static void test_misuse(void **state)
{
	static const spm_column nameless[] = {{"a", SPM_COL_TEXT}, {NULL, SPM_COL_TEXT}};
	static const spm_column badtype[] = {{"a", (spm_col_type)7}};
	spm_writer *w = (spm_writer *)&w; /* must be reset to NULL on failure */
	spm_error err;
	(void)state;

	assert_int_equal(spm_writer_open(&w, NULL, SPM_OUT_CSV, sample_cols, 4, &err), SPM_EUSAGE);
	assert_null(w);
	assert_int_equal(err.code, SPM_EUSAGE);
	assert_int_equal(spm_writer_open(NULL, stdout, SPM_OUT_CSV, sample_cols, 4, &err),
	                 SPM_EUSAGE);
	w = (spm_writer *)&w;
	assert_int_equal(spm_writer_open(&w, stdout, SPM_OUT_CSV, NULL, 4, &err), SPM_EUSAGE);
	assert_null(w);
	assert_int_equal(spm_writer_open(&w, stdout, SPM_OUT_CSV, sample_cols, 0, &err),
	                 SPM_EUSAGE);
	assert_int_equal(spm_writer_open(&w, stdout, (spm_output_format)9, sample_cols, 4, &err),
	                 SPM_EUSAGE);
	assert_string_equal(err.message, "writer: unknown output format 9");
	assert_int_equal(spm_writer_open(&w, stdout, SPM_OUT_CSV, nameless, 2, &err), SPM_EUSAGE);
	assert_string_equal(err.message, "writer: column 2 has no name");
	assert_int_equal(spm_writer_open(&w, stdout, SPM_OUT_JSON, badtype, 1, &err), SPM_EUSAGE);
	assert_string_equal(err.message, "column 'a': unknown column type 7");
	assert_null(w);
	/* a NULL error record is allowed */
	assert_int_equal(spm_writer_open(&w, NULL, SPM_OUT_CSV, sample_cols, 4, NULL), SPM_EUSAGE);

	assert_int_equal(spm_writer_row(NULL, sample_rows, &err), SPM_EUSAGE);
	assert_int_equal(spm_writer_close(NULL, &err), SPM_OK);
	spm_writer_free(NULL);
}

static void test_row_without_values(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	spm_writer *w = NULL;
	spm_error err;
	(void)state;

	assert_non_null(fp);
	assert_int_equal(spm_writer_open(&w, fp, SPM_OUT_JSON, sample_cols, 4, &err), SPM_OK);
	assert_int_equal(spm_writer_row(w, NULL, &err), SPM_EUSAGE);
	/* the refused row left nothing behind: the result is still empty */
	assert_int_equal(spm_writer_close(w, &err), SPM_OK);
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(buf, "[]\n");
	free(buf);
}

static void test_free_without_close(void **state)
{
	/* Freeing drops buffered table rows and writes nothing; no leak under the sanitizer. */
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	spm_writer *w = NULL;
	(void)state;

	assert_non_null(fp);
	assert_int_equal(spm_writer_open(&w, fp, SPM_OUT_TABLE, sample_cols, 4, NULL), SPM_OK);
	assert_int_equal(spm_writer_row(w, sample_rows, NULL), SPM_OK);
	assert_int_equal(spm_writer_row(w, sample_rows + 4, NULL), SPM_OK);
	spm_writer_free(w);
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(buf, "");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_names),
	    cmocka_unit_test(test_table_sample),
	    cmocka_unit_test(test_csv_sample),
	    cmocka_unit_test(test_tsv_sample),
	    cmocka_unit_test(test_json_sample),
	    cmocka_unit_test(test_jsonl_sample),
	    cmocka_unit_test(test_json_single_row),
	    cmocka_unit_test(test_empty_results),
	    cmocka_unit_test(test_table_code_point_alignment),
	    cmocka_unit_test(test_table_escapes_controls),
	    cmocka_unit_test(test_table_header_escaped_and_trailing_blanks),
	    cmocka_unit_test(test_table_many_rows),
	    cmocka_unit_test(test_csv_formula_injection),
	    cmocka_unit_test(test_csv_quoting),
	    cmocka_unit_test(test_csv_header),
	    cmocka_unit_test(test_tsv_escapes_and_formulas),
	    cmocka_unit_test(test_json_string_escapes),
	    cmocka_unit_test(test_json_numbers_and_bools),
	    cmocka_unit_test(test_json_keys_escaped),
	    cmocka_unit_test(test_columns_are_copied),
	    cmocka_unit_test(test_table_rows_are_copied),
	    cmocka_unit_test(test_write_error_full_device_at_close),
	    cmocka_unit_test(test_write_error_unbuffered_at_row),
	    cmocka_unit_test(test_write_error_read_only_stream),
	    cmocka_unit_test(test_write_error_empty_result),
	    cmocka_unit_test(test_misuse),
	    cmocka_unit_test(test_row_without_values),
	    cmocka_unit_test(test_free_without_close),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
