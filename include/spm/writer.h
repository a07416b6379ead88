/*
 * spm/writer.h - the output formats every tool shares: table, csv, tsv, json, jsonl.
 *
 * A writer is opened with the column names and types, takes rows of text values (NULL for a missing
 * value) and writes them in one format:
 *   table  aligned columns for a terminal (numbers right-aligned), rows buffered to size the
 *          columns; widths in UTF-8 code points; a rule of '-' under the header; two spaces
 *          between columns; no blanks at line ends; control characters (and bytes that are not
 *          UTF-8) shown escaped (\n, \t, \r, \xNN, \u0080-\u009F) so the columns stay aligned;
 *   csv    RFC 4180 with a header; a field is quoted only when it holds a comma, a quote, CR or
 *          LF, or starts or ends with a blank; lines end in LF; any cell (header names too) a
 *          spreadsheet would run as a formula (starting with = + - @, tab or CR, and not a plain
 *          number such as "-12.5") gets a leading apostrophe, so numbers are never changed;
 *   tsv    tab-separated with a header; tab, newline, CR and backslash in values escaped as
 *          \t \n \r \\; the same formula defence as csv;
 *   json   one array of objects, one object per line ("[\n{...},\n{...}\n]\n", "[]\n" when
 *          empty); NUMBER values that are JSON numbers and BOOL values "true"/"false" unquoted,
 *          any other value a string (so the output is always valid JSON); NULL as null; bytes
 *          that are not UTF-8 become U+FFFD;
 *   jsonl  one object per line, escaped as in json.
 * A missing value is blank in a table and an empty field in csv and tsv (like an empty value). The
 * header is written with the first row, or by spm_writer_close when there is none. Output never
 * depends on the locale.
 */
#ifndef SPM_WRITER_H
#define SPM_WRITER_H

#include <stddef.h>
#include <stdio.h>

#include "spm/error.h"

typedef enum spm_output_format {
	SPM_OUT_TABLE,
	SPM_OUT_CSV,
	SPM_OUT_TSV,
	SPM_OUT_JSON,
	SPM_OUT_JSONL
} spm_output_format;

typedef enum spm_col_type {
	SPM_COL_TEXT,    /* quoted in JSON, left-aligned */
	SPM_COL_NUMBER,  /* a decimal number as text: unquoted in JSON, right-aligned */
	SPM_COL_BOOL     /* "true"/"false": unquoted in JSON */
} spm_col_type;

typedef struct spm_column {
	const char *name;
	spm_col_type type;
} spm_column;

typedef struct spm_writer spm_writer;

/* "table", "csv", "tsv", "json", "jsonl" -> format; SPM_EUSAGE (out untouched) for other names. */
int spm_output_format_parse(spm_output_format *out, const char *name);
/* The name spm_output_format_parse accepts for f (static), or "unknown". */
const char *spm_output_format_name(spm_output_format f);

/*
 * Opens a writer on fp (kept and closed by the caller). cols and their names are copied. Writes
 * nothing yet. Returns SPM_OK, SPM_EUSAGE (no fp, no columns, a column without a name, an unknown
 * format or type) or SPM_ENOMEM; *out is NULL on failure.
 */
int spm_writer_open(spm_writer **out, FILE *fp, spm_output_format format, const spm_column *cols,
		    size_t ncols, spm_error *err);

/*
 * Writes one row of ncols values (the table copies them, to write at close); values[i] NULL means
 * no value. Returns SPM_OK, SPM_EUSAGE (no writer or no values), SPM_ENOMEM (the row is dropped,
 * the writer stays usable) or SPM_EIO "write error: <reason>" (this or an earlier write failed;
 * buffered output may fail only at close).
 */
int spm_writer_row(spm_writer *w, const char *const *values, spm_error *err);

/*
 * Finishes the output (the table, the header of an empty result, the closing bracket), flushes fp
 * and frees w, whatever happens. Returns SPM_OK (also for a NULL w), SPM_ENOMEM, or SPM_EIO
 * "write error: <reason>" if any write or the flush failed.
 */
int spm_writer_close(spm_writer *w, spm_error *err);

/* Frees without finishing the output. NULL-safe. */
void spm_writer_free(spm_writer *w);

#endif
