/*
 * writer.c - the output formats every tool shares: an aligned table for a terminal, CSV, TSV,
 * a JSON array and JSON Lines.
 *
 * Each line is rendered into one growable buffer and handed to stdio in a single fwrite, so that an
 * allocation failure never leaves half a line behind and a write failure is seen where it happens.
 * The table buffers its rows (already escaped for display) because a column's width is only known
 * after the last row. Nothing here calls a locale-aware function: bytes are classified by hand, so
 * the output is the same under any locale.
 */
#include "spm/writer.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

/*
 * A growable byte buffer whose failure is sticky: appends after an allocation failure do nothing,
 * so a whole line can be rendered and checked once.
 */
struct strbuf {
	char *data;
	size_t len;
	size_t cap;
	bool oom;
};

struct spm_writer {
	FILE *fp;
	spm_output_format format;
	size_t ncols;
	spm_column *cols;    /* names point into the same allocation */
	struct strbuf line;  /* the line being rendered */
	size_t nrows;        /* rows written, or buffered for the table */
	bool started;        /* the header (csv, tsv) has been written */
	int io_errno;        /* errno of the first failed write, 0 if none was seen */

	/* table only */
	char ***rows;        /* each row one block: ncols cell pointers, then their text */
	size_t rows_cap;
	char **headers;      /* the column names escaped for display */
	size_t *widths;      /* display width of each column, in code points */
	size_t *offsets;     /* scratch: where each cell starts in line while a row is stored */
};

static const char hex_upper[] = "0123456789ABCDEF";
static const char hex_lower[] = "0123456789abcdef";

static bool sb_reserve(struct strbuf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->oom)
		return false;
	if (extra > SIZE_MAX - b->len) {
		b->oom = true;
		return false;
	}
	need = b->len + extra;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

static void sb_put(struct strbuf *b, const char *s, size_t n)
{
	if (n && sb_reserve(b, n)) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
	}
}

static void sb_puts(struct strbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_putc(struct strbuf *b, char c)
{
	if (sb_reserve(b, 1))
		b->data[b->len++] = c;
}

static void sb_repeat(struct strbuf *b, char c, size_t n)
{
	if (n && sb_reserve(b, n)) {
		memset(b->data + b->len, c, n);
		b->len += n;
	}
}

static void sb_reset(struct strbuf *b)
{
	b->len = 0;
	b->oom = false;
}

/* Code points in s, which must be valid UTF-8: every byte that does not continue a sequence. */
static size_t utf8_width(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xC0) != 0x80)
			n++;
	return n;
}

/* Digits at s; returns how many. */
static size_t skip_digits(const char *s)
{
	size_t n = 0;
	while (spm_is_digit(s[n]))
		n++;
	return n;
}

/*
 * A number as a spreadsheet would read it, so not a formula: an optional sign, digits with an
 * optional fraction (or a fraction alone), an optional exponent. Nothing else, not even blanks.
 */
static bool is_plain_number(const char *s)
{
	size_t i = 0, intd, fracd = 0;

	if (s[i] == '+' || s[i] == '-')
		i++;
	intd = skip_digits(s + i);
	i += intd;
	if (s[i] == '.') {
		i++;
		fracd = skip_digits(s + i);
		i += fracd;
	}
	if (intd == 0 && fracd == 0)
		return false;
	if (s[i] == 'e' || s[i] == 'E') {
		size_t expd;
		i++;
		if (s[i] == '+' || s[i] == '-')
			i++;
		expd = skip_digits(s + i);
		if (expd == 0)
			return false;
		i += expd;
	}
	return s[i] == '\0';
}

/* The number grammar of RFC 8259: anything else in a NUMBER column would make the JSON invalid. */
static bool is_json_number(const char *s)
{
	size_t i = 0, n;

	if (s[i] == '-')
		i++;
	if (s[i] == '0') {
		i++;
	} else {
		n = skip_digits(s + i);
		if (n == 0)
			return false;
		i += n;
	}
	if (s[i] == '.') {
		i++;
		n = skip_digits(s + i);
		if (n == 0)
			return false;
		i += n;
	}
	if (s[i] == 'e' || s[i] == 'E') {
		i++;
		if (s[i] == '+' || s[i] == '-')
			i++;
		n = skip_digits(s + i);
		if (n == 0)
			return false;
		i += n;
	}
	return s[i] == '\0';
}

/*
 * Whether a spreadsheet opening the cell would run it as a formula (or, for tab and CR, could be
 * led into doing so after stripping them). Plain numbers such as "-12.5" start with a sign but are
 * data.
 */
static bool needs_formula_guard(const char *s)
{
	switch (s[0]) {
	case '=':
	case '+':
	case '-':
	case '@':
	case '\t':
	case '\r':
		return !is_plain_number(s);
	default:
		return false;
	}
}

/* ---- table ---- */

/*
 * Appends s as it is shown in a table cell: control characters (C0, DEL and the C1 range, which a
 * terminal would act on) and bytes that are not UTF-8 become printable escapes, so every code point
 * in the result takes one column and nothing reaches the terminal as a command.
 */
static void display_escape(struct strbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	while (n > 0) {
		uint32_t cp = 0;
		size_t len = spm_utf8_decode(p, n, &cp);
		char esc[6];

		if (len == 0 || cp < 0x20 || cp == 0x7F) {
			switch (len ? cp : 0x100) {
			case '\n': sb_put(b, "\\n", 2); break;
			case '\t': sb_put(b, "\\t", 2); break;
			case '\r': sb_put(b, "\\r", 2); break;
			default:
				esc[0] = '\\', esc[1] = 'x';
				esc[2] = hex_upper[p[0] >> 4], esc[3] = hex_upper[p[0] & 0xF];
				sb_put(b, esc, 4);
			}
			len = 1;
		} else if (cp >= 0x80 && cp <= 0x9F) {
			esc[0] = '\\', esc[1] = 'u', esc[2] = '0', esc[3] = '0';
			esc[4] = hex_upper[cp >> 4], esc[5] = hex_upper[cp & 0xF];
			sb_put(b, esc, 6);
		} else {
			sb_put(b, (const char *)p, len);
		}
		p += len;
		n -= len;
	}
}

/* Copies one row, escaped for display, into a block of its own and widens the columns to fit it. */
static int table_store_row(spm_writer *w, const char *const *values, spm_error *err)
{
	size_t head, i;
	char **row;
	char *text;

	if (w->nrows == w->rows_cap) {
		size_t cap = w->rows_cap ? w->rows_cap * 2 : 64;
		char ***rows;
		if (cap > SIZE_MAX / sizeof *rows)
			goto nomem;
		rows = realloc(w->rows, cap * sizeof *rows);
		if (!rows)
			goto nomem;
		w->rows = rows;
		w->rows_cap = cap;
	}

	sb_reset(&w->line);
	for (i = 0; i < w->ncols; i++) {
		w->offsets[i] = w->line.len;
		if (values[i])
			display_escape(&w->line, values[i]);
		sb_putc(&w->line, '\0');
	}
	if (w->line.oom)
		goto nomem;

	/* cannot overflow: open checked this product */
	head = w->ncols * sizeof *row;
	if (w->line.len > SIZE_MAX - head)
		goto nomem;
	row = malloc(head + w->line.len);
	if (!row)
		goto nomem;
	text = (char *)row + head;
	memcpy(text, w->line.data, w->line.len);
	for (i = 0; i < w->ncols; i++) {
		size_t width;
		if (!values[i]) {
			row[i] = NULL;
			continue;
		}
		row[i] = text + w->offsets[i];
		width = utf8_width(row[i]);
		if (width > w->widths[i])
			w->widths[i] = width;
	}
	w->rows[w->nrows++] = row;
	return SPM_OK;

nomem:
	return spm_error_set(err, SPM_ENOMEM, "table: out of memory after %zu rows", w->nrows);
}

/* Appends one cell padded to its column's width; numbers go to the right edge. */
static void table_cell(spm_writer *w, size_t col, const char *text)
{
	size_t width = text ? utf8_width(text) : 0;
	size_t pad = w->widths[col] > width ? w->widths[col] - width : 0;
	bool right = w->cols[col].type == SPM_COL_NUMBER;

	if (col > 0)
		sb_put(&w->line, "  ", 2);
	if (right)
		sb_repeat(&w->line, ' ', pad);
	if (text)
		sb_puts(&w->line, text);
	if (!right)
		sb_repeat(&w->line, ' ', pad);
}

/* ---- csv, tsv ---- */

/*
 * Every cell is guarded, NUMBER columns too: a number is never changed (it is not a formula), and a
 * value in a NUMBER column that is not a number is as dangerous as any text.
 */
static void csv_field(struct strbuf *b, const char *s)
{
	size_t n = strlen(s);
	bool prefix = needs_formula_guard(s);
	bool quote = strpbrk(s, ",\"\r\n") != NULL;

	/* Readers (and spreadsheets) often trim blanks at the edges of unquoted fields. */
	if (n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		quote = true;
	if (quote)
		sb_putc(b, '"');
	if (prefix)
		sb_putc(b, '\'');
	/* runs between quotes go in at once; each quote is doubled */
	for (const char *p = s;;) {
		const char *q = strchr(p, '"');
		sb_put(b, p, q ? (size_t)(q - p) + 1 : strlen(p));
		if (!q)
			break;
		sb_putc(b, '"');
		p = q + 1;
	}
	if (quote)
		sb_putc(b, '"');
}

static void tsv_field(struct strbuf *b, const char *s)
{
	if (needs_formula_guard(s))
		sb_putc(b, '\'');
	for (const char *p = s; *p; p++) {
		size_t run = strcspn(p, "\t\n\r\\");
		if (run) {
			sb_put(b, p, run);
			p += run;
			if (!*p)
				break;
		}
		switch (*p) {
		case '\t': sb_put(b, "\\t", 2); break;
		case '\n': sb_put(b, "\\n", 2); break;
		case '\r': sb_put(b, "\\r", 2); break;
		case '\\': sb_put(b, "\\\\", 2); break;
		default: sb_putc(b, *p);
		}
	}
}

/* A row, or the header when values is NULL (names are text a spreadsheet reads too). */
static void delimited_line(spm_writer *w, const char *const *values)
{
	char delim = w->format == SPM_OUT_CSV ? ',' : '\t';

	for (size_t i = 0; i < w->ncols; i++) {
		const char *s = values ? values[i] : w->cols[i].name;
		if (i > 0)
			sb_putc(&w->line, delim);
		if (!s)
			continue;
		if (w->format == SPM_OUT_CSV)
			csv_field(&w->line, s);
		else
			tsv_field(&w->line, s);
	}
	sb_putc(&w->line, '\n');
}

/* ---- json, jsonl ---- */

/* Appends s as a JSON string; bytes that are not UTF-8 become U+FFFD so the output stays valid. */
static void json_string(struct strbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	sb_putc(b, '"');
	while (n > 0) {
		uint32_t cp = 0;
		size_t len = spm_utf8_decode(p, n, &cp);
		char esc[6];

		if (len == 0) {
			sb_put(b, "\\ufffd", 6);
			len = 1;
		} else if (cp == '"' || cp == '\\') {
			sb_putc(b, '\\');
			sb_putc(b, (char)cp);
		} else if (cp < 0x20) {
			switch (cp) {
			case '\b': sb_put(b, "\\b", 2); break;
			case '\f': sb_put(b, "\\f", 2); break;
			case '\n': sb_put(b, "\\n", 2); break;
			case '\r': sb_put(b, "\\r", 2); break;
			case '\t': sb_put(b, "\\t", 2); break;
			default:
				esc[0] = '\\', esc[1] = 'u', esc[2] = '0', esc[3] = '0';
				esc[4] = hex_lower[cp >> 4], esc[5] = hex_lower[cp & 0xF];
				sb_put(b, esc, 6);
			}
		} else {
			sb_put(b, (const char *)p, len);
		}
		p += len;
		n -= len;
	}
	sb_putc(b, '"');
}

static void json_object(spm_writer *w, const char *const *values)
{
	sb_putc(&w->line, '{');
	for (size_t i = 0; i < w->ncols; i++) {
		const char *v = values[i];
		spm_col_type type = w->cols[i].type;

		if (i > 0)
			sb_putc(&w->line, ',');
		json_string(&w->line, w->cols[i].name);
		sb_putc(&w->line, ':');
		if (!v)
			sb_puts(&w->line, "null");
		else if (type == SPM_COL_NUMBER && is_json_number(v))
			sb_puts(&w->line, v);
		else if (type == SPM_COL_BOOL && (!strcmp(v, "true") || !strcmp(v, "false")))
			sb_puts(&w->line, v);
		else
			json_string(&w->line, v);
	}
	sb_putc(&w->line, '}');
}

/* ---- output ---- */

static int io_error(spm_writer *w, spm_error *err)
{
	int errnum = w->io_errno ? w->io_errno : EIO;
	return spm_error_set(err, SPM_EIO, "write error: %s", strerror(errnum));
}

/* Writes the rendered line; returns false once the stream has failed. */
static bool flush_line(spm_writer *w)
{
	errno = 0;
	if (w->line.len && fwrite(w->line.data, 1, w->line.len, w->fp) != w->line.len &&
	    !w->io_errno)
		w->io_errno = errno ? errno : EIO;
	return !w->io_errno && !ferror(w->fp);
}

/* Ends the rendered table line: drops the padding after its last text and writes it. */
static int table_end_line(spm_writer *w, size_t row, spm_error *err)
{
	while (w->line.len > 0 && w->line.data[w->line.len - 1] == ' ')
		w->line.len--;
	sb_putc(&w->line, '\n');
	if (w->line.oom)
		return spm_error_set(err, SPM_ENOMEM, "table: out of memory at row %zu", row);
	if (!flush_line(w))
		return io_error(w, err);
	return SPM_OK;
}

/* Writes the header, the rule under it and every buffered row. */
static int table_write(spm_writer *w, spm_error *err)
{
	size_t i, r;
	int rc;

	sb_reset(&w->line);
	for (i = 0; i < w->ncols; i++)
		table_cell(w, i, w->headers[i]);
	if ((rc = table_end_line(w, 0, err)) != SPM_OK)
		return rc;
	sb_reset(&w->line);
	for (i = 0; i < w->ncols; i++) {
		if (i > 0)
			sb_put(&w->line, "  ", 2);
		sb_repeat(&w->line, '-', w->widths[i]);
	}
	if ((rc = table_end_line(w, 0, err)) != SPM_OK)
		return rc;
	for (r = 0; r < w->nrows; r++) {
		sb_reset(&w->line);
		for (i = 0; i < w->ncols; i++)
			table_cell(w, i, w->rows[r][i]);
		if ((rc = table_end_line(w, r + 1, err)) != SPM_OK)
			return rc;
	}
	return SPM_OK;
}

/* The names are escaped once, like the cells, so they line up with them. */
static int table_prepare_header(spm_writer *w)
{
	w->headers = calloc(w->ncols, sizeof *w->headers);
	if (!w->headers)
		return SPM_ENOMEM;
	for (size_t i = 0; i < w->ncols; i++) {
		size_t len;
		char *copy;

		sb_reset(&w->line);
		display_escape(&w->line, w->cols[i].name);
		sb_putc(&w->line, '\0');
		if (w->line.oom)
			return SPM_ENOMEM;
		len = w->line.len;
		copy = malloc(len);
		if (!copy)
			return SPM_ENOMEM;
		memcpy(copy, w->line.data, len);
		w->headers[i] = copy;
		w->widths[i] = utf8_width(copy);
	}
	return SPM_OK;
}

int spm_output_format_parse(spm_output_format *out, const char *name)
{
	static const struct {
		const char *name;
		spm_output_format format;
	} names[] = {
		{"table", SPM_OUT_TABLE}, {"csv", SPM_OUT_CSV},     {"tsv", SPM_OUT_TSV},
		{"json", SPM_OUT_JSON},   {"jsonl", SPM_OUT_JSONL},
	};

	if (!out || !name)
		return SPM_EUSAGE;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(name, names[i].name) == 0) {
			*out = names[i].format;
			return SPM_OK;
		}
	}
	return SPM_EUSAGE;
}

const char *spm_output_format_name(spm_output_format f)
{
	switch (f) {
	case SPM_OUT_TABLE: return "table";
	case SPM_OUT_CSV: return "csv";
	case SPM_OUT_TSV: return "tsv";
	case SPM_OUT_JSON: return "json";
	case SPM_OUT_JSONL: return "jsonl";
	}
	return "unknown";
}

int spm_writer_open(spm_writer **out, FILE *fp, spm_output_format format, const spm_column *cols,
		    size_t ncols, spm_error *err)
{
	spm_writer *w;
	size_t i, names_len = 0;
	char *names;

	if (out)
		*out = NULL;
	if (!out || !fp || !cols || ncols == 0)
		return spm_error_set(err, SPM_EUSAGE, "writer: no stream or no columns");
	switch (format) {
	case SPM_OUT_TABLE:
	case SPM_OUT_CSV:
	case SPM_OUT_TSV:
	case SPM_OUT_JSON:
	case SPM_OUT_JSONL:
		break;
	default:
		return spm_error_set(err, SPM_EUSAGE, "writer: unknown output format %d",
				     (int)format);
	}
	for (i = 0; i < ncols; i++) {
		size_t len;
		if (!cols[i].name)
			return spm_error_set(err, SPM_EUSAGE, "writer: column %zu has no name",
					     i + 1);
		if (cols[i].type != SPM_COL_TEXT && cols[i].type != SPM_COL_NUMBER &&
		    cols[i].type != SPM_COL_BOOL)
			return spm_error_set(err, SPM_EUSAGE, "column '%s': unknown column type %d",
					     cols[i].name, (int)cols[i].type);
		len = strlen(cols[i].name) + 1;
		if (len > SIZE_MAX - names_len)
			goto nomem;
		names_len += len;
	}

	w = calloc(1, sizeof *w);
	if (!w)
		goto nomem;
	w->fp = fp;
	w->format = format;
	w->ncols = ncols;
	if (ncols > (SIZE_MAX - names_len) / sizeof *w->cols ||
	    ncols > SIZE_MAX / sizeof(char *))
		goto nomem_free;
	/* One block: the column array, then the names it points at. */
	w->cols = malloc(ncols * sizeof *w->cols + names_len);
	if (!w->cols)
		goto nomem_free;
	names = (char *)(w->cols + ncols);
	for (i = 0; i < ncols; i++) {
		size_t len = strlen(cols[i].name) + 1;
		memcpy(names, cols[i].name, len);
		w->cols[i].name = names;
		w->cols[i].type = cols[i].type;
		names += len;
	}
	if (format == SPM_OUT_TABLE) {
		w->widths = calloc(ncols, sizeof *w->widths);
		w->offsets = calloc(ncols, sizeof *w->offsets);
		if (!w->widths || !w->offsets)
			goto nomem_free;
		if (table_prepare_header(w) != SPM_OK)
			goto nomem_free;
	}
	*out = w;
	return SPM_OK;

nomem_free:
	spm_writer_free(w);
nomem:
	return spm_error_set(err, SPM_ENOMEM, "writer: out of memory");
}

int spm_writer_row(spm_writer *w, const char *const *values, spm_error *err)
{
	if (!w || !values)
		return spm_error_set(err, SPM_EUSAGE, "writer: no writer or no row");
	if (w->io_errno || ferror(w->fp))
		return io_error(w, err);
	if (w->format == SPM_OUT_TABLE)
		return table_store_row(w, values, err);

	sb_reset(&w->line);
	switch (w->format) {
	case SPM_OUT_CSV:
	case SPM_OUT_TSV:
		if (!w->started)
			delimited_line(w, NULL);
		delimited_line(w, values);
		break;
	case SPM_OUT_JSON:
		sb_puts(&w->line, w->nrows == 0 ? "[\n" : ",\n");
		json_object(w, values);
		break;
	case SPM_OUT_JSONL:
		json_object(w, values);
		sb_putc(&w->line, '\n');
		break;
	case SPM_OUT_TABLE:
		break;
	}
	if (w->line.oom)
		return spm_error_set(err, SPM_ENOMEM, "writer: out of memory at row %zu",
				     w->nrows + 1);
	w->started = true;
	w->nrows++;
	if (!flush_line(w))
		return io_error(w, err);
	return SPM_OK;
}

int spm_writer_close(spm_writer *w, spm_error *err)
{
	int rc = SPM_OK;

	if (!w)
		return SPM_OK;
	if (!w->io_errno && !ferror(w->fp)) {
		sb_reset(&w->line);
		switch (w->format) {
		case SPM_OUT_TABLE:
			rc = table_write(w, err);
			break;
		case SPM_OUT_CSV:
		case SPM_OUT_TSV:
			if (!w->started)
				delimited_line(w, NULL);
			break;
		case SPM_OUT_JSON:
			sb_puts(&w->line, w->nrows == 0 ? "[]\n" : "\n]\n");
			break;
		case SPM_OUT_JSONL:
			break;
		}
		if (rc == SPM_OK && w->line.oom)
			rc = spm_error_set(err, SPM_ENOMEM, "writer: out of memory");
		else if (rc == SPM_OK && w->format != SPM_OUT_TABLE)
			flush_line(w);
	}
	/* Buffered output fails only now on a full disk: the flush is where most errors show. */
	errno = 0;
	if (fflush(w->fp) != 0 && !w->io_errno)
		w->io_errno = errno ? errno : EIO;
	if (rc == SPM_OK && (w->io_errno || ferror(w->fp)))
		rc = io_error(w, err);
	spm_writer_free(w);
	return rc;
}

void spm_writer_free(spm_writer *w)
{
	if (!w)
		return;
	for (size_t r = 0; r < w->nrows && w->rows; r++)
		free(w->rows[r]);
	free(w->rows);
	for (size_t i = 0; i < w->ncols && w->headers; i++)
		free(w->headers[i]);
	free(w->headers);
	free(w->widths);
	free(w->offsets);
	free(w->cols);
	free(w->line.data);
	free(w);
}
