/*
 * spm/reader.h - record readers: CSV (RFC 4180, libcsv), JSON arrays and JSON Lines (yajl).
 *
 * A reader turns a byte stream into records of named text fields, one record at a time, in memory
 * that does not grow with the file. Whatever the format, fields arrive as NUL-terminated UTF-8 text
 * (JSON numbers as their exact source text, true/false as "true"/"false"), each naming its column by
 * an index into the reader's name table, and each record carries the physical line it starts on.
 *
 * The byte layer under both formats: reads in blocks, hashes what it reads (SHA-256, for the import
 * record), transcodes from another encoding with iconv when asked (CP1252, ISO-8859-1, UTF-16, ...),
 * drops a UTF-8 byte order mark, and refuses NUL bytes and invalid UTF-8 with the line they are on.
 * Memory holds one record and about a block of text, whatever the size of the file or of a line;
 * a record longer than 16 MiB is refused (it is almost always an unterminated quote).
 *
 * CSV (RFC 4180): LF or CRLF line ends (CR alone ends a record too, but does not count as a line);
 * blank lines are skipped; unquoted fields lose surrounding spaces and tabs, quoted fields are kept
 * as they are; every record has as many fields as the header. JSON: the top level is one array of
 * flat objects; JSON Lines: one flat object per line (an object may also span lines; blank lines
 * are skipped). Values are strings, numbers, true, false or null; keys appear once per object.
 */
#ifndef SPM_READER_H
#define SPM_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "spm/error.h"

typedef enum spm_input_format {
	SPM_IN_AUTO,  /* from the source name's extension; CSV when it has none */
	SPM_IN_CSV,   /* delimiter ',' ';' or tab, detected from the header line unless given */
	SPM_IN_TSV,   /* CSV with a tab delimiter */
	SPM_IN_JSON,  /* one array of flat objects */
	SPM_IN_JSONL  /* one flat object per line (JSON Lines, NDJSON) */
} spm_input_format;

typedef struct spm_reader_options {
	spm_input_format format;
	char delimiter;        /* CSV: 0 to detect from the header line; tab or ASCII punctuation */
	const char *encoding;  /* NULL or "UTF-8" for UTF-8; else an iconv encoding name */
} spm_reader_options;

typedef struct spm_field {
	size_t name;        /* index into the reader's name table */
	const char *value;  /* NUL-terminated UTF-8, valid until the next spm_reader_next */
	size_t len;
	bool is_null;       /* JSON null (value is ""); CSV fields are never null */
} spm_field;

typedef struct spm_record {
	long line;                /* physical line the record starts on, 1-based */
	size_t nfields;
	const spm_field *fields;  /* owned by the reader, valid until the next spm_reader_next */
} spm_record;

typedef struct spm_reader spm_reader;

/* "csv", "tsv", "json", "jsonl" (also "ndjson") -> format; SPM_EUSAGE for other names. */
int spm_input_format_parse(spm_input_format *out, const char *name);
/* The format a file name's extension implies (.csv .tsv .tab .json .jsonl .ndjson), or SPM_IN_AUTO. */
spm_input_format spm_input_format_from_path(const char *path);
const char *spm_input_format_name(spm_input_format f);

/*
 * Opens a reader over fp (which the caller keeps and closes, after spm_reader_close). source is the
 * name used in messages. For CSV the header is read here, so an empty input, a header with an empty
 * or duplicate name, or a bad byte in it fails now. Header names have surrounding blanks trimmed.
 * Returns SPM_OK, SPM_EDATA (bad input), SPM_EUSAGE (unknown encoding, bad delimiter), SPM_EIO
 * or SPM_ENOMEM. On failure *out is NULL.
 */
int spm_reader_open(spm_reader **out, const char *source, FILE *fp,
		    const spm_reader_options *options, spm_error *err);

/*
 * Reads the next record. Returns 1 with *rec filled, 0 at the end of the input, or a negative status
 * with err located at the source and line (SPM_EDATA for malformed input, e.g.
 * "expected 8 columns but found 7", "unterminated quoted field", "malformed quoted field",
 * "NUL byte in input", "invalid UTF-8 ...", "byte 0x81 is not valid in encoding 'CP1252'",
 * "nested object where a value belongs: key 'x'", "duplicate key 'x'", "expected an object",
 * "truncated JSON", "invalid JSON: <reason>"; SPM_EIO; SPM_ENOMEM). Records that come before the
 * failure in the input are all returned first. After an error the reader can only be closed:
 * further calls return the same error.
 */
int spm_reader_next(spm_reader *r, spm_record *rec, spm_error *err);

/*
 * The column names seen so far: fixed after open for CSV; JSON adds keys as objects bring them (and
 * may know keys of records not yet returned). A field's name indexes this array. The array is valid
 * until the next spm_reader_next, the names themselves until spm_reader_close.
 */
size_t spm_reader_names(const spm_reader *r, const char *const **names);

spm_input_format spm_reader_format(const spm_reader *r);
char spm_reader_delimiter(const spm_reader *r);  /* CSV: the delimiter in use; else 0 */
uint64_t spm_reader_bytes(const spm_reader *r);  /* raw bytes read so far */

/* The SHA-256 of every raw byte read, as 64 lowercase hex digits; complete once next returned 0. */
void spm_reader_sha256(const spm_reader *r, char hex[65]);

/* Frees the reader. NULL-safe. Does not close the FILE. */
void spm_reader_close(spm_reader *r);

#endif
