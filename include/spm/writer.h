/*
 * spm/writer.h - the output formats every tool shares: table, csv, tsv, json, jsonl.
 *
 * A writer is opened with the column names and types, takes rows of text values (NULL for a missing
 * value) and writes them in one format:
 *   table  aligned columns for a terminal (numbers right-aligned), rows buffered to size the columns;
 *   csv    RFC 4180 with a header; cells a spreadsheet would run as a formula (starting with = + - @,
 *          tab or CR, and not a number) get a leading apostrophe; CRLF-free: lines end in LF;
 *   tsv    tab-separated with a header; tab, newline, CR and backslash in values escaped as \t \n \r \\;
 *   json   one array of objects; numbers unquoted, NULL as null;
 *   jsonl  one object per line.
 * Output never depends on the locale.
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

/* "table", "csv", "tsv", "json", "jsonl" -> format; SPM_EUSAGE for other names. */
int spm_output_format_parse(spm_output_format *out, const char *name);
const char *spm_output_format_name(spm_output_format f);

/*
 * Opens a writer on fp (kept and closed by the caller). cols are copied. Returns SPM_OK or
 * SPM_ENOMEM; *out is NULL on failure.
 */
int spm_writer_open(spm_writer **out, FILE *fp, spm_output_format format, const spm_column *cols,
		    size_t ncols, spm_error *err);

/* Writes one row of ncols values; values[i] NULL means no value. SPM_EIO or SPM_ENOMEM on failure. */
int spm_writer_row(spm_writer *w, const char *const *values, spm_error *err);

/* Finishes the output (the table, the closing bracket), flushes, frees. SPM_EIO if a write failed. */
int spm_writer_close(spm_writer *w, spm_error *err);

/* Frees without finishing the output. NULL-safe. */
void spm_writer_free(spm_writer *w);

#endif
