/*
 * reader_json.c - JSON arrays of flat objects and JSON Lines through yajl's push parser, the only
 * file that includes yajl.
 *
 * yajl is fed one piece at a time so that a record knows the line its '{' is on. Numbers come
 * through the number callback as their exact source text and are never converted; strings arrive
 * unescaped. yajl does not check that \u escapes pair up (it passes a lone surrogate through or
 * quietly replaces it), so a small scan of the raw text refuses broken pairs and \u0000 before yajl
 * sees them. Keys become names in the reader's name table as objects bring them.
 */
#include "reader_impl.h"

#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

/* Where the escape scan is: outside strings, in a string, after a backslash, in \uXXXX, or
 * after a high surrogate waiting for the backslash and 'u' of its low half. */
enum { ESC_OUT, ESC_STRING, ESC_BACKSLASH, ESC_HEX, ESC_WANT_BACKSLASH, ESC_WANT_U };

typedef struct json_state {
	yajl_handle parser;
	spm_reader *r;
	bool lines;         /* JSON Lines: objects at the top level */
	int depth;          /* containers open */
	int record_depth;   /* depth where records (objects) sit: 1 in an array, 0 in JSON Lines */
	long line;          /* line of the piece being parsed */
	long record_line;
	size_t key;         /* name index of the key whose value comes next */
	uint64_t serial;    /* of the object being read, to stamp its keys */
	bool seen_text;     /* anything but white space so far */
	size_t record_bytes;
	/* the escape scan */
	int esc;
	int hex_digits;
	unsigned hex_value;
	bool want_low;      /* the \u being read must be a low surrogate */
} json_state;

/* Records "message" or "message 'subject'" at the current line; returns 0, which stops yajl. */
static int fail(json_state *js, const char *message, const char *subject, size_t len)
{
	char q[SPM_QUOTE_BUFSZ];
	if (subject)
		spm_reader_fail(js->r, js->line, SPM_EDATA, "%s %s", message,
				spm_quote(q, sizeof q, subject, len));
	else
		spm_reader_fail(js->r, js->line, SPM_EDATA, "%s", message);
	return 0;
}

static const char *key_name(json_state *js, size_t *len)
{
	*len = js->r->name_lens[js->key];
	return js->r->names[js->key];
}

/* A scalar value: a field of the current object, or out of place. */
static int on_value(json_state *js, const char *text, size_t len, bool is_null)
{
	if (js->depth == js->record_depth + 1)
		return spm_reader_push_field(js->r, js->key, text, len, is_null) == SPM_OK;
	if (js->depth == js->record_depth)
		return fail(js, "expected an object", NULL, 0);
	return fail(js, "expected an array of objects", NULL, 0);
}

static int on_null(void *ctx)
{
	return on_value(ctx, "", 0, true);
}

static int on_boolean(void *ctx, int value)
{
	return value ? on_value(ctx, "true", 4, false) : on_value(ctx, "false", 5, false);
}

static int on_number(void *ctx, const char *text, size_t len)
{
	return on_value(ctx, text, len, false);
}

static int on_string(void *ctx, const unsigned char *text, size_t len)
{
	return on_value(ctx, (const char *)text, len, false);
}

static int on_start_map(void *ctx)
{
	json_state *js = ctx;
	size_t len;

	if (js->depth == js->record_depth) {
		js->depth++;
		js->serial++;
		js->record_line = js->line;
		return 1;
	}
	if (js->depth < js->record_depth)
		return fail(js, "expected an array of objects", NULL, 0);
	const char *key = key_name(js, &len);
	return fail(js, "nested object where a value belongs: key", key, len);
}

static int on_key(void *ctx, const unsigned char *text, size_t len)
{
	json_state *js = ctx;
	bool added;

	if (spm_reader_intern(js->r, (const char *)text, len, js->line, &js->key, &added) < 0)
		return 0;
	if (js->r->name_stamps[js->key] == js->serial)
		return fail(js, "duplicate key", (const char *)text, len);
	js->r->name_stamps[js->key] = js->serial;
	return 1;
}

static int on_end_map(void *ctx)
{
	json_state *js = ctx;

	js->depth--;
	return spm_reader_end_record(js->r, js->record_line) == SPM_OK;
}

static int on_start_array(void *ctx)
{
	json_state *js = ctx;
	size_t len;

	if (js->depth < js->record_depth) {
		js->depth++;
		return 1;
	}
	if (js->depth == js->record_depth)
		return fail(js, "expected an object", NULL, 0);
	const char *key = key_name(js, &len);
	return fail(js, "nested array where a value belongs: key", key, len);
}

static int on_end_array(void *ctx)
{
	json_state *js = ctx;

	js->depth--;
	return 1;
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_boolean,
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_key,
	.yajl_end_map = on_end_map,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end_array,
};

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Follows strings and escapes through s[0, n). Returns n, or the offset of the byte where a \u
 * escape turned out bad, with *bad set to the reason. Malformed JSON it leaves to yajl.
 */
static size_t scan_escapes(json_state *js, const char *s, size_t n, const char **bad)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		switch (js->esc) {
		case ESC_OUT:
			if (c == '"')
				js->esc = ESC_STRING;
			if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
				js->seen_text = true;
			break;
		case ESC_STRING:
			if (c == '\\')
				js->esc = ESC_BACKSLASH;
			else if (c == '"')
				js->esc = ESC_OUT;
			break;
		case ESC_BACKSLASH:
			if (c == 'u') {
				js->esc = ESC_HEX;
				js->hex_digits = 0;
				js->hex_value = 0;
			} else {
				js->esc = ESC_STRING;
			}
			break;
		case ESC_HEX: {
			int d = hex_digit(c);
			if (d < 0) {
				js->esc = ESC_STRING; /* yajl reports the bad escape */
				js->want_low = false;
				break;
			}
			js->hex_value = js->hex_value << 4 | (unsigned)d;
			if (++js->hex_digits < 4)
				break;
			unsigned v = js->hex_value;
			bool low = v >= 0xDC00 && v <= 0xDFFF;
			js->esc = ESC_STRING;
			if (js->want_low) {
				js->want_low = false;
				if (!low)
					goto unpaired;
			} else if (v >= 0xD800 && v <= 0xDBFF) {
				js->want_low = true;
				js->esc = ESC_WANT_BACKSLASH;
			} else if (low) {
				goto unpaired;
			} else if (v == 0) {
				*bad = "NUL character (\\u0000) in a string";
				return i;
			}
			break;
		}
		case ESC_WANT_BACKSLASH:
			if (c != '\\')
				goto unpaired;
			js->esc = ESC_WANT_U;
			break;
		case ESC_WANT_U:
			if (c != 'u')
				goto unpaired;
			js->esc = ESC_HEX;
			js->hex_digits = 0;
			js->hex_value = 0;
			break;
		}
		continue;
unpaired:
		*bad = "unpaired surrogate in a \\u escape";
		return i;
	}
	return n;
}

/* yajl's message without its "parse error: " prefix, final period and newline. */
static void fail_with_yajl_message(json_state *js, const unsigned char *text, size_t len)
{
	unsigned char *msg = yajl_get_error(js->parser, 0, text, len);
	const char *m = msg ? (const char *)msg : "";
	const char *colon = strstr(m, "error: ");
	if (colon)
		m = colon + strlen("error: ");
	size_t n = strlen(m);
	while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == '.'))
		n--;
	if (strncmp(m, "premature EOF", n) == 0 && n > 0)
		spm_reader_fail(js->r, js->line, SPM_EDATA, "truncated JSON");
	else
		spm_reader_fail(js->r, js->line, SPM_EDATA, "invalid JSON: %.*s", (int)n, m);
	if (msg)
		yajl_free_error(js->parser, msg);
}

static int json_fill(spm_reader *r)
{
	json_state *js = r->state;

	while (r->head == r->nrecords && !r->status && !r->done) {
		spm_text_piece p;
		int got = spm_reader_next_piece(r, &p);
		if (got < 0)
			return r->status;
		if (got == 0) {
			r->done = true;
			if (!js->seen_text) {
				if (!js->lines)
					spm_reader_fail(r, 0, SPM_EDATA,
							"empty input: expected an array of objects");
				break;
			}
			if (js->esc != ESC_OUT && js->esc != ESC_STRING) {
				spm_reader_fail(r, js->line, SPM_EDATA, "truncated JSON");
				break;
			}
			yajl_status st = yajl_complete_parse(js->parser);
			if (st == yajl_status_error && !r->status)
				fail_with_yajl_message(js, NULL, 0);
			break;
		}
		if (js->depth <= js->record_depth)
			js->record_bytes = 0;
		js->record_bytes += p.len;
		if (js->record_bytes > SPM_READER_MAX_RECORD)
			return spm_reader_fail(r, js->record_line, SPM_EDATA,
					       "record longer than %zu MiB",
					       SPM_READER_MAX_RECORD >> 20);
		js->line = p.line;
		const char *bad = NULL;
		size_t good = scan_escapes(js, p.text, p.len, &bad);
		/* Feed what comes before a bad escape, so that the records before it are read. */
		yajl_status st = yajl_parse(js->parser, (const unsigned char *)p.text, good);
		if (st == yajl_status_error && !r->status)
			fail_with_yajl_message(js, (const unsigned char *)p.text, good);
		if (bad)
			spm_reader_fail(r, p.line, SPM_EDATA, "%s", bad);
	}
	return r->status;
}

static int json_open(spm_reader *r)
{
	json_state *js = calloc(1, sizeof *js);
	if (!js)
		return spm_reader_fail(r, 0, SPM_ENOMEM, "out of memory");
	r->state = js;
	js->r = r;
	js->lines = r->format == SPM_IN_JSONL;
	js->record_depth = js->lines ? 0 : 1;
	js->line = 1;
	js->parser = yajl_alloc(&callbacks, NULL, js);
	if (!js->parser)
		return spm_reader_fail(r, 0, SPM_ENOMEM, "out of memory");
	if (js->lines)
		yajl_config(js->parser, yajl_allow_multiple_values, 1);
	return SPM_OK;
}

static size_t json_buffered(const spm_reader *r)
{
	(void)r;
	return sizeof(json_state); /* yajl does not tell what it holds */
}

static void json_close(spm_reader *r)
{
	json_state *js = r->state;
	if (!js)
		return;
	if (js->parser)
		yajl_free(js->parser);
	free(js);
	r->state = NULL;
}

const spm_reader_ops spm_reader_json_ops = {
	.open = json_open,
	.fill = json_fill,
	.buffered = json_buffered,
	.close = json_close,
};
