/*
 * fuzz_html.c - libFuzzer target for the HTML dashboard writer.
 *
 * The whole input is escaped, and must come out as well-formed UTF-8 with no raw < > " ', no bare
 * '&' and no control character but tab and newline. Then the input is cut at '|' into pieces that
 * become the labels, value texts, series names, x labels and table cells of a whole page, each
 * piece's first eight bytes read as a double (so NaN, infinities, -0 and denormals all come up).
 * The page must render without error, hold only the module's own elements, plain numbers in every
 * geometry attribute, and be the same bytes when rendered again. The pieces' values also go through
 * the sparkline and the tick labels. Any broken promise aborts.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spm/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PIECES 24

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_html: broken: %s\n", what);
		abort();
	}
}

/* Length of the well-formed UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t min, c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, min = 0x80, c = s[0] & 0x1Fu;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, min = 0x800, c = s[0] & 0x0Fu;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, min = 0x10000, c = s[0] & 0x07u;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3Fu);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) || c == 0xFFFE || c == 0xFFFF ||
	    (c >= 0x80 && c <= 0x9F))
		return 0;
	return len;
}

/* Well-formed UTF-8, no control character but tab and newline, no NUL. */
static void check_clean_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		check(c >= 0x20 ? c != 0x7F : c == '\t' || c == '\n', "no control characters");
		size_t step = utf8_len((const unsigned char *)s + i, n - i);
		check(step > 0, "well-formed UTF-8");
		i += step;
	}
}

static size_t entity_len(const char *p, size_t n)
{
	static const char *const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
	for (size_t i = 0; i < sizeof entities / sizeof entities[0]; i++) {
		size_t len = strlen(entities[i]);
		if (len <= n && memcmp(p, entities[i], len) == 0)
			return len;
	}
	return 0;
}

static void check_escaped(const char *s, size_t n)
{
	check_clean_text(s, n);
	for (size_t i = 0; i < n; i++) {
		check(s[i] != '<' && s[i] != '>' && s[i] != '"' && s[i] != '\'',
		      "specials escaped");
		if (s[i] == '&') {
			size_t len = entity_len(s + i, n - i);
			check(len > 0, "an '&' opens an entity");
			i += len - 1;
		}
	}
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '!';
}

/* The module's own elements, the only ones a page may hold. */
static bool own_element(const char *name, size_t len)
{
	static const char *const own[] = {
	    "!DOCTYPE", "html", "head", "meta",    "title", "style", "body",  "header",
	    "h1",       "p",    "main", "section", "h2",    "div",   "table", "thead",
	    "tbody",    "tr",   "th",   "td",      "ul",    "li",    "span",  "svg",
	    "g",        "text", "rect", "line",    "path",  "circle"};
	for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
		if (strlen(own[i]) == len && memcmp(own[i], name, len) == 0)
			return true;
	}
	return false;
}

/* A geometry attribute's value: -?digits(.digit)?, and never -0.0. */
static void check_number(const char *v, size_t len)
{
	size_t i = 0, digits = 0;
	if (i < len && v[i] == '-')
		i++;
	while (i < len && v[i] >= '0' && v[i] <= '9')
		i++, digits++;
	if (i < len && v[i] == '.') {
		check(i + 2 == len && v[i + 1] >= '0' && v[i + 1] <= '9', "one decimal");
		i += 2;
	}
	check(digits > 0 && i == len, "a plain number");
	check(!(len == 4 && memcmp(v, "-0.0", 4) == 0), "no negative zero");
}

static void check_page(const char *s, size_t n)
{
	static const char *const geometry[] = {" x=\"",  " y=\"",     " x1=\"",    " y1=\"",
	                                       " x2=\"", " y2=\"",    " cx=\"",    " cy=\"",
	                                       " r=\"",  " width=\"", " height=\""};
	check(strlen(s) == n, "no NUL in the page");
	check_clean_text(s, n);
	for (const char *p = strchr(s, '<'); p; p = strchr(p + 1, '<')) {
		const char *name = p[1] == '/' ? p + 2 : p + 1, *e = name;
		while (is_name_char(*e))
			e++;
		check(own_element(name, (size_t)(e - name)), "only the module's own elements");
	}
	for (size_t g = 0; g < sizeof geometry / sizeof geometry[0]; g++) {
		size_t klen = strlen(geometry[g]);
		for (const char *p = strstr(s, geometry[g]); p; p = strstr(p + 1, geometry[g])) {
			const char *v = p + klen, *q = strchr(v, '"');
			check(q != NULL, "attribute closed");
			check_number(v, (size_t)(q - v));
		}
	}
	/* A d attribute holds only path commands and numbers. */
	for (const char *p = strstr(s, " d=\""); p; p = strstr(p + 1, " d=\"")) {
		const char *v = p + 4, *q = strchr(v, '"');
		check(q != NULL, "path closed");
		for (const char *c = v; c < q; c++)
			check(strchr("ML0123456789.- ", *c) != NULL, "a plain path");
	}
}

static double piece_value(const char *s, size_t n)
{
	unsigned char bytes[sizeof(double)] = {0};
	double v;
	memcpy(bytes, s, n < sizeof bytes ? n : sizeof bytes);
	memcpy(&v, bytes, sizeof v);
	return v;
}

typedef struct pieces {
	char *text[MAX_PIECES];
	double value[MAX_PIECES];
	size_t n;
} pieces;

static void split(pieces *p, const char *data, size_t size)
{
	size_t start = 0;
	p->n = 0;
	for (size_t i = 0; i <= size && p->n < MAX_PIECES; i++) {
		if (i < size && data[i] != '|')
			continue;
		size_t len = i - start;
		/* a NUL inside a piece ends its string: the API takes NUL-terminated text */
		char *t = malloc(len + 1);
		check(t != NULL, "memory");
		if (len)
			memcpy(t, data + start, len);
		t[len] = '\0';
		p->text[p->n] = t;
		p->value[p->n] = piece_value(data + start, len);
		p->n++;
		start = i + 1;
	}
}

static void render(const pieces *p, char **out, size_t *len)
{
	spm_html_bar bars[MAX_PIECES];
	const char *cells[MAX_PIECES];
	bool numeric[2] = {false, true};
	spm_html_series series[2];
	double y2[MAX_PIECES];
	spm_error err;
	size_t n = p->n;

	for (size_t i = 0; i < n; i++) {
		bars[i] = (spm_html_bar){p->text[i], p->value[i], p->text[n - 1 - i]};
		cells[i] = p->text[i];
		y2[i] = -p->value[n - 1 - i];
	}
	series[0] = (spm_html_series){p->text[0], p->value};
	series[1] = (spm_html_series){p->text[n - 1], y2};

	FILE *fp = open_memstream(out, len);
	check(fp != NULL, "memory");
	check(spm_html_begin(fp, p->text[0], p->text[n - 1], &err) == SPM_OK, "begin");
	check(spm_html_card_begin(fp, p->text[n / 2], n % 2 == 0, &err) == SPM_OK, "card");
	check(spm_html_bar_chart(fp, p->text[0], bars, n, &p->value[0], p->text[n / 2], &err) ==
	          SPM_OK,
	      "bar chart");
	check(spm_html_bar_chart(fp, NULL, bars + 1, n - 1, NULL, NULL, &err) == SPM_OK,
	      "bar chart without reference");
	check(spm_html_line_chart(fp, p->text[n - 1], (const char *const *)p->text, n, series, 2,
	                          &err) == SPM_OK,
	      "line chart");
	check(spm_html_stacked_bar(fp, NULL, bars, n, &err) == SPM_OK, "stacked bar");
	const char *header[2] = {p->text[0], p->text[n - 1]};
	check(spm_html_table(fp, header, numeric, 2, cells, n / 2, &err) == SPM_OK, "table");
	check(spm_html_note(fp, p->text[n / 2], &err) == SPM_OK, "note");
	check(spm_html_card_end(fp, &err) == SPM_OK, "card end");
	check(spm_html_end(fp, &err) == SPM_OK, "end");
	check(fclose(fp) == 0, "close");
}

static void sparkline(const pieces *p, unsigned cut)
{
	char buf[4 * MAX_PIECES + 1];
	size_t need = spm_sparkline(NULL, 0, p->value, p->n);
	check(need >= p->n && need <= 3 * p->n, "sparkline length");
	check(spm_sparkline(buf, sizeof buf, p->value, p->n) == need, "same length with a buffer");
	check(strlen(buf) == need, "whole sparkline written");
	check_clean_text(buf, need);
	size_t size = cut % (need + 2);
	char small[4 * MAX_PIECES + 1];
	memset(small, 'X', sizeof small);
	check(spm_sparkline(small, size, p->value, p->n) == need, "same length when cut");
	if (size > 0) {
		size_t got = strlen(small);
		check(got < size && memcmp(small, buf, got) == 0, "a cut sparkline is a prefix");
		check_clean_text(small, got);
	} else {
		check(small[0] == 'X', "size 0 writes nothing");
	}
}

static void ticks(const pieces *p)
{
	char buf[64];
	for (size_t i = 0; i + 1 < p->n; i++) {
		size_t n = spm_html_tick_format(buf, sizeof buf, p->value[i], p->value[i + 1]);
		check(n < sizeof buf && n == strlen(buf), "tick length");
		check(strcmp(buf, "-0") != 0 && strstr(buf, "nan") == NULL &&
		          strstr(buf, "inf") == NULL,
		      "a plain tick");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char *out = NULL, *again = NULL;
	size_t len = 0, len_again = 0;
	pieces p;

	FILE *fp = open_memstream(&out, &len);
	check(fp != NULL, "memory");
	check(spm_html_escape(fp, text, size) == SPM_OK, "escape");
	check(fclose(fp) == 0, "close");
	check_escaped(out, len);
	free(out);
	out = NULL;

	split(&p, text, size);
	render(&p, &out, &len);
	check_page(out, len);
	render(&p, &again, &len_again);
	check(len == len_again && memcmp(out, again, len) == 0, "the same page twice");
	free(out);
	free(again);

	sparkline(&p, size ? data[0] : 0);
	ticks(&p);
	for (size_t i = 0; i < p.n; i++)
		free(p.text[i]);
	return 0;
}
