/*
 * reader_impl.h (private) - what the byte layer (reader.c) and the formats (reader_csv.c,
 * reader_json.c) share: the reader struct, the ops a format provides, the pieces of text the byte
 * layer hands out, the name table and the queue of parsed records. Not part of the public API.
 *
 * Flow: spm_reader_next pops a queued record; when the queue is empty it asks the format to fill
 * it. The format pulls pieces (whole physical lines, or block-sized parts of a very long line) with
 * spm_reader_next_piece, feeds them to its parser, and its callbacks push fields and end records. A
 * piece may complete several records (a minified JSON array, CR line ends), so the queue holds
 * what one piece produced; never more than a block of text plus the record in progress.
 */
#ifndef SPM_LIB_READER_IMPL_H
#define SPM_LIB_READER_IMPL_H

#include <iconv.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "spm/error.h"
#include "spm/reader.h"
#include "spm/sha256.h"

/* Read and piece size. Overridable so that tests and fuzzing can reach the block boundaries with
 * small inputs (e.g. -DSPM_READER_BLOCK_SIZE=16). */
#ifndef SPM_READER_BLOCK_SIZE
#define SPM_READER_BLOCK_SIZE 65536
#endif
#define SPM_READER_BLOCK ((size_t)SPM_READER_BLOCK_SIZE)
/* A record (or field) larger than this is refused rather than buffered: it is almost always an
 * unterminated quote swallowing the rest of the file. */
#define SPM_READER_MAX_RECORD ((size_t)16 << 20)
/* Distinct column names or JSON keys; bounds the name table of a file whose objects bring new keys. */
#define SPM_READER_MAX_NAMES ((size_t)10000)

typedef struct spm_text_piece {
	const char *text; /* valid UTF-8 without NUL bytes; valid until the next spm_reader_next_piece */
	size_t len;
	long line;        /* physical line the piece is on (a part of a long line: that line) */
	bool ends_line;   /* ends with '\n', or is the end of the input */
} spm_text_piece;

typedef struct spm_reader_ops {
	/* Sets up r->state; CSV also reads the header. Returns SPM_OK or r->status. */
	int (*open)(spm_reader *r);
	/* Queues at least one record, or sets r->done. Returns SPM_OK or r->status. */
	int (*fill)(spm_reader *r);
	/* Bytes the format's parser holds on its own (for tests of bounded memory). */
	size_t (*buffered)(const spm_reader *r);
	void (*close)(spm_reader *r);
} spm_reader_ops;

extern const spm_reader_ops spm_reader_csv_ops;
extern const spm_reader_ops spm_reader_json_ops;

typedef struct spm_queued_field {
	size_t name;
	size_t offset; /* into the arena */
	size_t len;
	bool is_null;
} spm_queued_field;

typedef struct spm_queued_record {
	long line;
	size_t first; /* index of its first field */
	size_t nfields;
} spm_queued_record;

struct spm_reader {
	const spm_reader_ops *ops;
	void *state; /* the format's */
	spm_input_format format;
	char delimiter;
	char *source;
	char *encoding; /* NULL for UTF-8 */

	/* Byte layer. text[text_start, text_len) is decoded UTF-8 not yet handed out. */
	FILE *fp;
	iconv_t cd; /* (iconv_t)-1 when the input is UTF-8 */
	char *raw;  /* undecoded bytes waiting for iconv (only when transcoding) */
	size_t raw_len;
	bool raw_eof;
	char *text;
	size_t text_start, text_len, text_cap;
	long line;        /* line of text[text_start] */
	bool eof;         /* no more text will come */
	bool bom_checked;
	int decode_fail;  /* a transcoding failure met ahead of the text handed out */
	unsigned char decode_byte;
	spm_sha256 sha;
	uint64_t nbytes;

	/* Name table, with an open-addressing index (slot value: name index + 1, 0 empty). */
	char **names;
	size_t *name_lens;
	uint64_t *name_stamps; /* free for the format: JSON marks the keys of the current object */
	size_t nnames, names_cap;
	size_t *slots;
	size_t nslots;

	/* Record queue: records [head, nrecords) are complete; fields from open_first on, with
	 * their text from open_text on, belong to the record in progress. */
	char *arena;
	size_t arena_len, arena_cap;
	spm_queued_field *fields;
	size_t nfields, fields_cap;
	spm_queued_record *records;
	size_t nrecords, records_cap, head;
	size_t open_first, open_text;
	spm_field *out; /* the fields handed to the caller */
	size_t out_cap;

	int status; /* first failure, sticky; its details in failure */
	spm_error failure;
	bool done;  /* the format has queued its last record */
};

/*
 * Hands out the next piece of text. Returns 1, 0 at the end of the input, or r->status after
 * recording a failure (NUL byte, invalid UTF-8, a byte the encoding cannot decode, a read error).
 */
int spm_reader_next_piece(spm_reader *r, spm_text_piece *p);

/*
 * Records the first failure of the reader at line (0: none) and returns the reader's status (the
 * first failure's, if there was one already). Formats call it from parser callbacks too.
 */
int spm_reader_fail(spm_reader *r, long line, spm_status code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Finds name (len bytes) in the name table, adding a copy if it is new. *index gets its index,
 * *added whether it was new. Returns SPM_OK, or the failure recorded at line (too many names, no
 * memory).
 */
int spm_reader_intern(spm_reader *r, const char *name, size_t len, long line, size_t *index,
		      bool *added);

/* Adds a field to the record in progress (value copied, NUL-terminated). SPM_OK or failure. */
int spm_reader_push_field(spm_reader *r, size_t name, const char *value, size_t len, bool is_null);
/* Completes the record in progress, starting on line. SPM_OK or failure. */
int spm_reader_end_record(spm_reader *r, long line);
/* Forgets the fields of the record in progress. */
void spm_reader_drop_record(spm_reader *r);
/* Pops the oldest complete record into *rec: 1, or 0 when none is queued. */
int spm_reader_pop(spm_reader *r, spm_record *rec);

/* Bytes the reader holds now (buffers, queue, the format's parser): for tests of bounded memory. */
size_t spm_reader_memory(const spm_reader *r);

/* Length of the valid UTF-8 prefix of s[0, n) that holds no NUL byte. */
size_t spm_utf8_valid_prefix(const char *s, size_t n);

#endif
