/*
 * reader_csv.c - CSV and TSV records through libcsv (strict mode), the only file that includes
 * csv.h.
 *
 * libcsv is fed one piece (a physical line, or a part of a very long one) at a time, so that when
 * its callbacks fire the reader knows which line it is on: a record reports the line it starts on
 * even when a quoted field carries newlines. Alongside libcsv a small scan follows the quotes of
 * each piece: it tells whether a record continues into the next piece, and where an unterminated
 * quoted field opened. The header is read at open and fixes the columns; a field's name is its
 * column index. libcsv trims spaces and tabs around unquoted fields; quoted fields are kept as is.
 */
#include "reader_impl.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

typedef struct csv_state {
	struct csv_parser parser;
	bool delimiter_known;
	bool have_header;
	size_t ncols;       /* fields in the header */
	size_t nfields;     /* fields of the record in progress, counted past ncols too */
	long line;          /* line of the piece being parsed */
	long start_line;    /* line the record in progress started on */
	bool continues;     /* the record in progress goes on into the next piece */
	size_t record_bytes;
	bool in_quotes;     /* after the last piece, inside a quoted field */
	long quote_line;    /* where that quoted field opened */
} csv_state;

static void on_field(void *text, size_t len, void *data)
{
	spm_reader *r = data;
	csv_state *cs = r->state;

	if (r->status)
		return;
	size_t index = cs->nfields++;
	/* Fields beyond the header's are only counted, for the message: a runaway row costs nothing. */
	if (cs->have_header && index >= cs->ncols)
		return;
	spm_reader_push_field(r, index, text ? text : "", text ? len : 0, false);
}

static void on_record(int terminator, void *data)
{
	spm_reader *r = data;
	csv_state *cs = r->state;

	(void)terminator;
	if (r->status)
		return;
	size_t n = cs->nfields;
	long line = cs->start_line;
	cs->nfields = 0;
	/* A later record ending in the same piece (CR line ends) starts on that piece's line. */
	cs->start_line = cs->line;
	if (!cs->have_header) {
		cs->have_header = true;
		cs->ncols = n;
	} else if (n != cs->ncols) {
		spm_reader_drop_record(r);
		spm_reader_fail(r, line, SPM_EDATA, "expected %zu column%s but found %zu", cs->ncols,
				cs->ncols == 1 ? "" : "s", n);
		return;
	}
	spm_reader_end_record(r, line);
}

/* Follows quote parity through a piece: a doubled quote inside a quoted field toggles twice. */
static void scan_quotes(csv_state *cs, const char *s, size_t n, long line)
{
	for (const char *q = memchr(s, '"', n); q; q = memchr(q + 1, '"', n - (size_t)(q + 1 - s))) {
		cs->in_quotes = !cs->in_quotes;
		if (cs->in_quotes)
			cs->quote_line = line;
	}
}

static bool is_blank_piece(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\r' && s[i] != '\n')
			return false;
	}
	return true;
}

/* The most frequent of ',' ';' and tab outside quotes; ',' on a tie or when none occurs. */
static char detect_delimiter(const char *s, size_t n)
{
	size_t comma = 0, semicolon = 0, tab = 0;
	bool quoted = false;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (s[i] == ',')
			comma++;
		else if (s[i] == ';')
			semicolon++;
		else if (s[i] == '\t')
			tab++;
	}
	if (semicolon > comma && semicolon > tab)
		return ';';
	if (tab > comma && tab > semicolon)
		return '\t';
	return ',';
}

static int csv_fill(spm_reader *r)
{
	csv_state *cs = r->state;

	while (r->head == r->nrecords && !r->status && !r->done) {
		spm_text_piece p;
		int got = spm_reader_next_piece(r, &p);
		if (got < 0)
			return r->status;
		if (got == 0) {
			if (csv_fini(&cs->parser, on_field, on_record, r) != 0)
				spm_reader_fail(r, cs->quote_line, SPM_EDATA,
						"unterminated quoted field");
			r->done = true;
			break;
		}
		if (!cs->delimiter_known && !is_blank_piece(p.text, p.len)) {
			r->delimiter = detect_delimiter(p.text, p.len);
			csv_set_delim(&cs->parser, (unsigned char)r->delimiter);
			cs->delimiter_known = true;
		}
		if (!cs->continues) {
			cs->start_line = p.line;
			cs->record_bytes = 0;
		}
		cs->record_bytes += p.len;
		if (cs->record_bytes > SPM_READER_MAX_RECORD)
			return spm_reader_fail(r, cs->in_quotes ? cs->quote_line : cs->start_line,
					       SPM_EDATA, "record longer than %zu MiB%s",
					       SPM_READER_MAX_RECORD >> 20,
					       cs->in_quotes ? " (an unterminated quoted field?)" : "");
		scan_quotes(cs, p.text, p.len, p.line);
		cs->line = p.line;
		size_t used = csv_parse(&cs->parser, p.text, p.len, on_field, on_record, r);
		if (r->status)
			break;
		if (used < p.len) {
			if (csv_error(&cs->parser) == CSV_EPARSE)
				return spm_reader_fail(r, p.line, SPM_EDATA, "malformed quoted field");
			return spm_reader_fail(r, p.line, SPM_ENOMEM, "out of memory");
		}
		cs->continues = cs->in_quotes || !p.ends_line;
	}
	return r->status;
}

static const char *trim_blanks(const char *s, size_t *len)
{
	while (*len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*len)--;
	}
	while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
		(*len)--;
	return s;
}

/* Reads the header record into the name table; its fields are named by position already. */
static int read_header(spm_reader *r)
{
	spm_record header;
	char q[SPM_QUOTE_BUFSZ];

	if (csv_fill(r) < 0)
		return r->status;
	int got = spm_reader_pop(r, &header);
	if (got < 0)
		return r->status;
	if (got == 0)
		return spm_reader_fail(r, 0, SPM_EDATA, "empty input: no header line");
	for (size_t i = 0; i < header.nfields; i++) {
		size_t len = header.fields[i].len;
		const char *name = trim_blanks(header.fields[i].value, &len);
		size_t index;
		bool added;
		if (len == 0)
			return spm_reader_fail(r, header.line, SPM_EDATA,
					       "empty column name in header (column %zu)", i + 1);
		if (spm_reader_intern(r, name, len, header.line, &index, &added) < 0)
			return r->status;
		if (!added)
			return spm_reader_fail(r, header.line, SPM_EDATA,
					       "duplicate column %s in header (columns %zu and %zu)",
					       spm_quote(q, sizeof q, name, len), index + 1, i + 1);
	}
	return SPM_OK;
}

static int csv_open(spm_reader *r)
{
	csv_state *cs = calloc(1, sizeof *cs);
	if (!cs)
		return spm_reader_fail(r, 0, SPM_ENOMEM, "out of memory");
	r->state = cs;
	if (csv_init(&cs->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		free(cs);
		r->state = NULL;
		return spm_reader_fail(r, 0, SPM_ENOMEM, "out of memory");
	}
	/* libcsv grows its field buffer by a fixed step (128 bytes by default), which makes long
	 * fields quadratic; 64 KiB steps keep them cheap. */
	csv_set_blk_size(&cs->parser, 65536);
	if (r->delimiter) {
		csv_set_delim(&cs->parser, (unsigned char)r->delimiter);
		cs->delimiter_known = true;
	}
	return read_header(r);
}

static size_t csv_buffered(const spm_reader *r)
{
	csv_state *cs = r->state;
	return sizeof *cs + csv_get_buffer_size(&cs->parser);
}

static void csv_close(spm_reader *r)
{
	csv_state *cs = r->state;
	if (!cs)
		return;
	csv_free(&cs->parser);
	free(cs);
	r->state = NULL;
}

const spm_reader_ops spm_reader_csv_ops = {
	.open = csv_open,
	.fill = csv_fill,
	.buffered = csv_buffered,
	.close = csv_close,
};
