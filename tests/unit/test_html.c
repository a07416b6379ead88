/*
 * test_html.c - the HTML dashboard writer: escaping of every special character, of script tags,
 * of quotes that would break an attribute, of control characters and of bytes that are not UTF-8;
 * the page frame, cards, notes and tables; bar charts with negatives, zeros, equal values, one bar,
 * a reference line and none; line charts with gaps, a single point and flat or huge values;
 * the stacked bar; tick labels; sparklines; byte-identical output; write failures and misuse.
 * Every SVG written is checked to be well-formed XML, with plain numbers in its geometry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spm/html.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define FFFD "\xEF\xBF\xBD"

/* ---- capturing output ---- */

typedef struct capture {
	FILE *fp;
	char *buf;
	size_t len;
} capture;

static void cap_open(capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->fp = open_memstream(&c->buf, &c->len);
	assert_non_null(c->fp);
}

/* Closes the stream; returns what was written (owned by c, freed by cap_free). */
static const char *cap_close(capture *c)
{
	assert_int_equal(fclose(c->fp), 0);
	c->fp = NULL;
	assert_non_null(c->buf);
	assert_int_equal(strlen(c->buf), c->len);
	return c->buf;
}

static void cap_free(capture *c)
{
	free(c->buf);
	c->buf = NULL;
}

static char *escaped(const char *text, size_t len)
{
	capture c;
	cap_open(&c);
	assert_int_equal(spm_html_escape(c.fp, text, len), SPM_OK);
	cap_close(&c);
	return c.buf;
}

static void assert_escape(const char *text, size_t len, const char *want)
{
	char *got = escaped(text, len);
	assert_string_equal(got, want);
	free(got);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static bool starts_with(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* ---- a small XML checker for the SVG parts ---- */

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == ':';
}

/* An entity at p ('&'): one of the five the escaper writes; returns its length. */
static size_t entity_len(const char *p)
{
	static const char *const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
	for (size_t i = 0; i < N(entities); i++) {
		if (strncmp(p, entities[i], strlen(entities[i])) == 0)
			return strlen(entities[i]);
	}
	fail_msg("a bare '&' at '%.20s'", p);
	return 1;
}

/* Text between tags: no raw '<' or '>', entities only, no control characters but tab and LF. */
static const char *check_text(const char *p, char stop)
{
	while (*p && *p != stop) {
		unsigned char c = (unsigned char)*p;
		if (c == '&') {
			p += entity_len(p);
			continue;
		}
		if (c == '>' || (stop == '"' && c == '<'))
			fail_msg("a raw '%c' at '%.20s'", c, p);
		if (c < 0x20 && c != '\t' && c != '\n')
			fail_msg("a control character in '%.20s'", p);
		p++;
	}
	return p;
}

/* A coordinate: digits, a point, one digit (or a whole number), never -0.0, nan or inf. */
static void check_number(const char *name, const char *v, size_t len)
{
	size_t i = 0, digits = 0;
	if (i < len && v[i] == '-')
		i++;
	while (i < len && v[i] >= '0' && v[i] <= '9')
		i++, digits++;
	if (i < len && v[i] == '.') {
		assert_true(i + 2 == len && v[i + 1] >= '0' && v[i + 1] <= '9');
		i += 2;
	}
	if (digits == 0 || i != len || (len == 4 && strncmp(v, "-0.0", 4) == 0))
		fail_msg("attribute %s: not a plain number: '%.*s'", name, (int)len, v);
}

static bool is_geometry(const char *name, size_t len)
{
	static const char *const names[] = {"x",  "y",  "x1", "y1",    "x2",    "y2",
	                                    "cx", "cy", "r",  "width", "height"};
	for (size_t i = 0; i < N(names); i++) {
		if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
			return true;
	}
	return false;
}

static void check_attr_value(const char *name, size_t nlen, const char *v, size_t vlen)
{
	if (is_geometry(name, nlen)) {
		check_number(name, v, vlen);
	} else if (nlen == 7 && strncmp(name, "viewBox", 7) == 0) {
		const char *p = v, *end = v + vlen;
		for (int k = 0; k < 4; k++) {
			const char *sp = memchr(p, ' ', (size_t)(end - p));
			const char *e = sp ? sp : end;
			check_number("viewBox", p, (size_t)(e - p));
			p = e + 1;
			assert_true(k == 3 ? sp == NULL : sp != NULL);
		}
	} else if (nlen == 1 && name[0] == 'd') {
		assert_true(vlen > 0 && v[0] == 'M');
		for (size_t i = 0; i < vlen; i++)
			assert_non_null(strchr("ML0123456789.- ", v[i]));
	}
}

/* Checks the element starting at p ('<svg'); returns the end of it. */
static const char *check_svg_element(const char *p)
{
	static const char *const tags[] = {"svg",  "title", "g",    "text",
	                                   "rect", "line",  "path", "circle"};
	const char *stack[32];
	size_t stack_len[32], depth = 0;

	do {
		if (*p != '<') {
			p = check_text(p, '<');
			assert_int_equal(*p, '<');
			continue;
		}
		if (p[1] == '/') {
			const char *name = p + 2, *e = name;
			while (is_name_char(*e))
				e++;
			assert_true(depth > 0);
			depth--;
			if ((size_t)(e - name) != stack_len[depth] ||
			    strncmp(name, stack[depth], stack_len[depth]) != 0)
				fail_msg("'</%.*s>' closes '<%.*s>'", (int)(e - name), name,
				         (int)stack_len[depth], stack[depth]);
			assert_int_equal(*e, '>');
			p = e + 1;
			continue;
		}
		const char *name = p + 1, *e = name;
		while (is_name_char(*e))
			e++;
		size_t nlen = (size_t)(e - name);
		bool known = false;
		for (size_t i = 0; i < N(tags); i++)
			known =
			    known || (strlen(tags[i]) == nlen && strncmp(tags[i], name, nlen) == 0);
		if (!known)
			fail_msg("unexpected element '<%.*s'", (int)nlen, name);
		p = e;
		for (;;) {
			if (p[0] == '/' && p[1] == '>') {
				p += 2;
				break;
			}
			if (*p == '>') {
				assert_true(depth < N(stack));
				stack[depth] = name;
				stack_len[depth++] = nlen;
				p++;
				break;
			}
			assert_int_equal(*p, ' ');
			const char *an = ++p;
			while (is_name_char(*p))
				p++;
			assert_true(p > an);
			assert_true(p[0] == '=' && p[1] == '"');
			const char *v = p + 2, *ve = check_text(v, '"');
			assert_int_equal(*ve, '"');
			check_attr_value(an, (size_t)(p - an), v, (size_t)(ve - v));
			p = ve + 1;
		}
	} while (depth > 0);
	return p;
}

/*
 * Every '<' in the page opens or closes one of the module's own elements (so no caller's text
 * became markup), and each SVG is well-formed XML with plain numbers for its geometry.
 */
static void assert_markup_sound(const char *html)
{
	static const char *const own[] = {
	    "!DOCTYPE", "html", "head", "meta",    "title", "style", "body",  "header",
	    "h1",       "p",    "main", "section", "h2",    "div",   "table", "thead",
	    "tbody",    "tr",   "th",   "td",      "ul",    "li",    "span",  "svg",
	    "g",        "text", "rect", "line",    "path",  "circle"};
	for (const char *p = strchr(html, '<'); p; p = strchr(p + 1, '<')) {
		const char *name = p[1] == '/' ? p + 2 : p + 1, *e = name;
		if (*e == '!')
			e++;
		while (is_name_char(*e))
			e++;
		bool known = false;
		for (size_t i = 0; i < N(own); i++)
			known = known || (strlen(own[i]) == (size_t)(e - name) &&
			                  strncmp(own[i], name, (size_t)(e - name)) == 0);
		if (!known)
			fail_msg("unexpected markup '%.20s'", p);
	}
	for (const char *p = strstr(html, "<svg"); p; p = strstr(p, "<svg"))
		p = check_svg_element(p);
	assert_null(strstr(html, "nan"));
	assert_null(strstr(html, "inf\""));
}

/* The number in attribute attr of the first element at or after `from` that has it. */
static double attr_num(const char *from, const char *attr)
{
	char key[32];
	snprintf(key, sizeof key, " %s=\"", attr);
	const char *p = strstr(from, key);
	assert_non_null(p);
	return strtod(p + strlen(key), NULL);
}

/* The y of each point of the path at or after `from`, in order; returns how many (<= max). */
static size_t path_ys(const char *from, double *ys, size_t max)
{
	const char *p = strstr(from, " d=\"");
	size_t n = 0;

	assert_non_null(p);
	p += 4;
	while (*p == 'M' || *p == 'L') {
		char *e;
		strtod(p + 1, &e);
		assert_int_equal(*e, ' ');
		double y = strtod(e + 1, &e);
		if (n < max)
			ys[n] = y;
		n++;
		p = e;
	}
	assert_int_equal(*p, '"');
	return n;
}

/* ---- escaping ---- */

static void test_escape_specials(void **state)
{
	(void)state;
	assert_escape("a&b", 3, "a&amp;b");
	assert_escape("<", 1, "&lt;");
	assert_escape(">", 1, "&gt;");
	assert_escape("\"", 1, "&quot;");
	assert_escape("'", 1, "&#39;");
	assert_escape("&amp;", 5, "&amp;amp;");
	assert_escape("plain text 123", 14, "plain text 123");
	assert_escape("", 0, "");
	assert_escape("tab\there\nline", 13, "tab\there\nline");
	/* only len bytes are read */
	assert_escape("ab<cd", 2, "ab");
	assert_escape("<script>alert('x')</script>", 27,
	              "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	assert_escape("\" onmouseover=\"alert(1)", 23, "&quot; onmouseover=&quot;alert(1)");
	/* well-formed UTF-8 passes unchanged */
	assert_escape("Jos\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 14,
	              "Jos\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
}

static void test_escape_controls(void **state)
{
	(void)state;
	assert_escape("a\0b", 3, "a" FFFD "b");
	assert_escape("\x01\x1F\x7F\r", 4, FFFD FFFD FFFD FFFD);
	assert_escape("\x1B[31m", 5, FFFD "[31m");
	/* C1 controls (U+0080..U+009F) and the non-characters XML refuses */
	assert_escape("\xC2\x80\xC2\x9F\xC2\xA0", 6, FFFD FFFD "\xC2\xA0");
	assert_escape("\xEF\xBF\xBE\xEF\xBF\xBF\xEF\xBF\xBD", 9, FFFD FFFD FFFD);
}

static void test_escape_invalid_utf8(void **state)
{
	(void)state;
	assert_escape("\xFF", 1, FFFD);
	assert_escape("a\xE2\x82", 3, "a" FFFD FFFD);              /* cut short */
	assert_escape("\xC0\xAF", 2, FFFD FFFD);                   /* overlong '/' */
	assert_escape("\xED\xA0\x80", 3, FFFD FFFD FFFD);          /* a surrogate */
	assert_escape("\xF4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD); /* past U+10FFFF */
	assert_escape("\x80<", 2, FFFD "&lt;");
	assert_escape("\xC3<", 2, FFFD "&lt;"); /* a lead byte cannot swallow the '<' */
	assert_escape("\xE2\x82\xAC\xE2", 4, "\xE2\x82\xAC" FFFD);
}

static void test_escape_misuse(void **state)
{
	capture c;
	(void)state;

	assert_int_equal(spm_html_escape(NULL, "x", 1), SPM_EUSAGE);
	cap_open(&c);
	assert_int_equal(spm_html_escape(c.fp, NULL, 1), SPM_EUSAGE);
	assert_int_equal(spm_html_escape(c.fp, NULL, 0), SPM_OK);
	assert_string_equal(cap_close(&c), "");
	cap_free(&c);
}

/* ---- the page ---- */

static void test_page_frame(void **state)
{
	capture c;
	spm_error err;
	(void)state;

	cap_open(&c);
	assert_int_equal(spm_html_begin(c.fp, "Q1 <b>\"big\"</b> & 'co'", "as of <today>", &err),
	                 SPM_OK);
	assert_int_equal(spm_html_card_begin(c.fp, "Top <reps>", false, &err), SPM_OK);
	assert_int_equal(spm_html_note(c.fp, "a \"note\" </p><script>", &err), SPM_OK);
	assert_int_equal(spm_html_note(c.fp, NULL, &err), SPM_OK);
	assert_int_equal(spm_html_card_end(c.fp, &err), SPM_OK);
	assert_int_equal(spm_html_card_begin(c.fp, NULL, true, &err), SPM_OK);
	assert_int_equal(spm_html_card_end(c.fp, &err), SPM_OK);
	assert_int_equal(spm_html_end(c.fp, &err), SPM_OK);
	const char *out = cap_close(&c);

	assert_true(starts_with(out, "<!DOCTYPE html>\n<html lang=\"en\">\n"));
	assert_non_null(strstr(out, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(out, "default-src 'none'"));
	assert_non_null(strstr(out,
	                       "<title>Q1 &lt;b&gt;&quot;big&quot;&lt;/b&gt; &amp; &#39;co&#39;"
	                       "</title>"));
	assert_non_null(strstr(out, "<h1>Q1 &lt;b&gt;&quot;big&quot;&lt;/b&gt; &amp; &#39;co&#39;"
	                            "</h1>"));
	assert_non_null(strstr(out, "<p class=\"sub\">as of &lt;today&gt;</p>"));
	assert_non_null(strstr(out, "<h2>Top &lt;reps&gt;</h2>"));
	assert_non_null(
	    strstr(out, "<p class=\"note\">a &quot;note&quot; &lt;/p&gt;&lt;script&gt;"));
	assert_int_equal(count(out, "<p class=\"note\">"), 1);
	assert_int_equal(count(out, "<section class=\"card\">"), 1);
	assert_int_equal(count(out, "<section class=\"card wide\">"), 1);
	assert_int_equal(count(out, "<h2>"), 1);
	assert_int_equal(count(out, "<section"), count(out, "</section>"));
	assert_true(ends_with(out, "</section>\n</main>\n</body>\n</html>\n"));
	/* nothing loaded from elsewhere, nothing run */
	assert_null(strstr(out, "<script"));
	assert_null(strstr(out, "<link"));
	assert_null(strstr(out, "url("));
	assert_null(strstr(out, "@import"));
	assert_null(strstr(out, "src="));
	assert_null(strstr(out, "http:"));
	assert_null(strstr(out, "https:"));
	assert_markup_sound(out);
	cap_free(&c);

	/* no subtitle, no subtitle paragraph */
	cap_open(&c);
	assert_int_equal(spm_html_begin(c.fp, "T", NULL, &err), SPM_OK);
	out = cap_close(&c);
	assert_null(strstr(out, "class=\"sub\""));
	assert_non_null(strstr(out, "<h1>T</h1>"));
	cap_free(&c);
}

static void test_page_misuse(void **state)
{
	capture c;
	spm_error err;
	(void)state;

	spm_error_clear(&err);
	assert_int_equal(spm_html_begin(NULL, "t", NULL, &err), SPM_EUSAGE);
	assert_string_equal(err.message, "html: no output stream");
	assert_int_equal(spm_html_end(NULL, &err), SPM_EUSAGE);
	assert_int_equal(spm_html_card_begin(NULL, "h", false, &err), SPM_EUSAGE);
	assert_int_equal(spm_html_card_end(NULL, &err), SPM_EUSAGE);
	assert_int_equal(spm_html_note(NULL, "n", &err), SPM_EUSAGE);
	assert_int_equal(spm_html_table(NULL, NULL, NULL, 1, NULL, 0, &err), SPM_EUSAGE);
	assert_int_equal(spm_html_bar_chart(NULL, NULL, NULL, 0, NULL, NULL, &err), SPM_EUSAGE);
	assert_int_equal(spm_html_line_chart(NULL, NULL, NULL, 0, NULL, 0, &err), SPM_EUSAGE);
	assert_int_equal(spm_html_stacked_bar(NULL, NULL, NULL, 0, &err), SPM_EUSAGE);
	assert_int_equal(spm_html_begin(NULL, "t", NULL, NULL), SPM_EUSAGE); /* err may be NULL */

	cap_open(&c);
	spm_error_clear(&err);
	assert_int_equal(spm_html_begin(c.fp, NULL, "sub", &err), SPM_EUSAGE);
	assert_string_equal(err.message, "html: no title");
	assert_int_equal(spm_html_bar_chart(c.fp, "t", NULL, 2, NULL, NULL, &err), SPM_EUSAGE);
	assert_int_equal(spm_html_stacked_bar(c.fp, "t", NULL, 1, &err), SPM_EUSAGE);
	assert_int_equal(spm_html_line_chart(c.fp, "t", NULL, 3, NULL, 1, &err), SPM_EUSAGE);
	spm_html_series no_values = {"s", NULL};
	assert_int_equal(spm_html_line_chart(c.fp, "t", NULL, 3, &no_values, 1, &err), SPM_EUSAGE);
	assert_string_equal(err.message, "line chart: series 1 has no values");
	/* a refused call writes nothing */
	assert_string_equal(cap_close(&c), "");
	cap_free(&c);
}

/* ---- tables ---- */

static void test_table(void **state)
{
	static const char *const header[] = {"Rep", "Amount <USD>", "Note"};
	static const bool numeric[] = {false, true, false};
	static const char *const cells[] = {"Ana",       "1,250.00", "\"quoted\" & 'apos'",
	                                    "<b>Bo</b>", "-5.00",    NULL};
	capture c;
	spm_error err;
	(void)state;

	cap_open(&c);
	assert_int_equal(spm_html_table(c.fp, header, numeric, 3, cells, 2, &err), SPM_OK);
	const char *out = cap_close(&c);
	assert_string_equal(out,
	                    "<div class=\"scroll\">\n<table>\n"
	                    "<thead><tr><th scope=\"col\">Rep</th><th scope=\"col\" class=\"num\">"
	                    "Amount &lt;USD&gt;</th><th scope=\"col\">Note</th></tr></thead>\n"
	                    "<tbody>\n"
	                    "<tr><td>Ana</td><td class=\"num\">1,250.00</td>"
	                    "<td>&quot;quoted&quot; &amp; &#39;apos&#39;</td></tr>\n"
	                    "<tr><td>&lt;b&gt;Bo&lt;/b&gt;</td><td class=\"num\">-5.00</td>"
	                    "<td></td></tr>\n"
	                    "</tbody>\n</table>\n</div>\n");
	assert_markup_sound(out);
	cap_free(&c);

	/* no header, no numeric flags, no rows */
	cap_open(&c);
	assert_int_equal(spm_html_table(c.fp, NULL, NULL, 3, NULL, 0, &err), SPM_OK);
	out = cap_close(&c);
	assert_null(strstr(out, "<thead>"));
	assert_non_null(strstr(out, "<tr><td class=\"nodata\" colspan=\"3\">No data</td></tr>"));
	cap_free(&c);

	cap_open(&c);
	assert_int_equal(spm_html_table(c.fp, header, NULL, 0, cells, 1, &err), SPM_EUSAGE);
	assert_string_equal(err.message, "table: no columns");
	assert_int_equal(spm_html_table(c.fp, header, NULL, 3, NULL, 1, &err), SPM_EUSAGE);
	assert_int_equal(spm_html_table(c.fp, header, NULL, 3, cells, SIZE_MAX / 2, &err),
	                 SPM_EUSAGE);
	assert_string_equal(cap_close(&c), "");
	cap_free(&c);
}

/* ---- bar charts ---- */

static char *bar_chart(const spm_html_bar *bars, size_t n, const double *ref, const char *ref_label)
{
	capture c;
	spm_error err;

	cap_open(&c);
	spm_error_clear(&err);
	assert_int_equal(spm_html_bar_chart(c.fp, "Attainment", bars, n, ref, ref_label, &err),
	                 SPM_OK);
	cap_close(&c);
	assert_markup_sound(c.buf);
	return c.buf;
}

/* The axis is the chart's only line of class axis. */
static double axis_x(const char *out)
{
	const char *p = strstr(out, "<line class=\"axis\"");
	assert_non_null(p);
	return attr_num(p, "x1");
}

static void test_bar_chart_basic(void **state)
{
	spm_html_bar bars[] = {{"Ana", 200, "$200.00"}, {"Bo", 100, "$100.00"}, {"Cy", 50, "$50"}};
	(void)state;

	char *out = bar_chart(bars, N(bars), NULL, NULL);
	assert_true(starts_with(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\""
	                             " viewBox=\"0 0 "));
	assert_non_null(strstr(out, "role=\"img\">\n<title>Attainment</title>"));
	assert_int_equal(count(out, "<rect class=\"bar\""), 3);
	assert_int_equal(count(out, "bar neg"), 0);
	assert_null(strstr(out, "class=\"ref\""));
	assert_non_null(strstr(out, "<title>Ana: $200.00</title>"));
	assert_non_null(strstr(out, ">$50</text>"));
	/* lengths are proportional to values, all starting at the axis */
	const char *r1 = strstr(out, "<rect"), *r2 = strstr(r1 + 1, "<rect"),
	           *r3 = strstr(r2 + 1, "<rect");
	double ax = axis_x(out), w1 = attr_num(r1, "width"), w2 = attr_num(r2, "width"),
	       w3 = attr_num(r3, "width");
	assert_true(fabs(attr_num(r1, "x") - ax) < 0.05 && fabs(attr_num(r3, "x") - ax) < 0.05);
	assert_true(w1 > 0 && fabs(w1 - 2 * w2) <= 0.15 && fabs(w2 - 2 * w3) <= 0.15);
	/* rows go down the page */
	assert_true(attr_num(r1, "y") < attr_num(r2, "y") && attr_num(r2, "y") < attr_num(r3, "y"));
	free(out);
}

static void test_bar_chart_negatives(void **state)
{
	spm_html_bar bars[] = {{"up", 300, "+300"}, {"down", -100, "-100"}, {"flat", 0, "0"}};
	(void)state;

	char *out = bar_chart(bars, N(bars), NULL, NULL);
	double ax = axis_x(out);
	const char *pos = strstr(out, "<rect class=\"bar\""),
	           *neg = strstr(out, "<rect class=\"bar neg\"");
	assert_non_null(pos);
	assert_non_null(neg);
	assert_int_equal(count(out, "bar neg"), 1);
	/* the negative bar ends at the axis, on its left, a third as long as the positive one */
	double nx = attr_num(neg, "x"), nw = attr_num(neg, "width"), pw = attr_num(pos, "width");
	assert_true(nx < ax && fabs(nx + nw - ax) < 0.15);
	assert_true(fabs(attr_num(pos, "x") - ax) < 0.05);
	assert_true(fabs(pw - 3 * nw) < 0.5);
	/* its value text sits left of it, anchored at its end */
	const char *t = strstr(neg, "<text");
	assert_true(attr_num(t, "x") < nx);
	assert_true(starts_with(strstr(t, "text-anchor="), "text-anchor=\"end\">-100</text>"));
	/* the zero bar has no length */
	const char *zero = strstr(strstr(out, "<title>flat: 0</title>"), "<rect");
	assert_true(attr_num(zero, "width") == 0);
	free(out);

	/* all negative: bars to the left of an axis on the right */
	spm_html_bar lows[] = {{"a", -10, "-10"}, {"b", -20, "-20"}};
	out = bar_chart(lows, N(lows), NULL, NULL);
	assert_int_equal(count(out, "bar neg"), 2);
	assert_int_equal(count(out, "<rect class=\"bar\""), 0);
	assert_true(axis_x(out) > 300);
	free(out);
}

static void test_bar_chart_degenerate(void **state)
{
	(void)state;

	/* all zero: nothing divides by zero, every bar has no length */
	spm_html_bar zeros[] = {{"a", 0, "0"}, {"b", 0, "0"}, {"c", -0.0, "0"}};
	char *out = bar_chart(zeros, N(zeros), NULL, NULL);
	assert_int_equal(count(out, "width=\"0.0\""), 3);
	assert_null(strstr(out, "-0.0"));
	free(out);

	/* all equal: bars of one length, the longest the chart allows */
	spm_html_bar same[] = {{"a", 7, "7"}, {"b", 7, "7"}, {"c", 7, "7"}};
	out = bar_chart(same, N(same), NULL, NULL);
	const char *r1 = strstr(out, "<rect"), *r2 = strstr(r1 + 1, "<rect"),
	           *r3 = strstr(r2 + 1, "<rect");
	assert_true(attr_num(r1, "width") > 100);
	assert_true(attr_num(r1, "width") == attr_num(r2, "width"));
	assert_true(attr_num(r2, "width") == attr_num(r3, "width"));
	free(out);

	/* one bar */
	spm_html_bar one[] = {{"only", 42, "42"}};
	out = bar_chart(one, 1, NULL, NULL);
	assert_int_equal(count(out, "<rect"), 1);
	assert_int_equal(count(out, "<g>"), 1);
	free(out);

	/* values that are not finite draw no bar but keep their row */
	spm_html_bar odd[] = {{"gap", NAN, "n/a"},
	                      {"big", INFINITY, "inf"},
	                      {"ok", 5, "5"},
	                      {"huge", -DBL_MAX, "-max"},
	                      {NULL, 1, NULL}};
	out = bar_chart(odd, N(odd), NULL, NULL);
	assert_int_equal(count(out, "<g>"), 5);
	assert_int_equal(count(out, "<rect"), 3);
	assert_non_null(strstr(out, "<title>gap: n/a</title>"));
	assert_non_null(strstr(out, "<title></title>"));
	free(out);

	/* no bars: a note, no chart */
	out = bar_chart(NULL, 0, NULL, NULL);
	assert_string_equal(out, "<p class=\"nodata\">No data</p>\n");
	free(out);
}

static void test_bar_chart_reference(void **state)
{
	spm_html_bar bars[] = {{"Ana", 50, "50%"}, {"Bo", 200, "200%"}};
	double ref = 100;
	(void)state;

	char *out = bar_chart(bars, N(bars), &ref, "100% of \"quota\"");
	const char *line = strstr(out, "<line class=\"ref\"");
	assert_non_null(line);
	/* the line stands where a bar of 100 would end: halfway along the bar of 200 */
	const char *r2 = strstr(strstr(out, "<rect") + 1, "<rect");
	double ax = axis_x(out), end2 = attr_num(r2, "x") + attr_num(r2, "width");
	assert_true(fabs(attr_num(line, "x1") - (ax + end2) / 2) < 0.15);
	assert_true(attr_num(line, "x1") == attr_num(line, "x2"));
	assert_non_null(strstr(out, ">100% of &quot;quota&quot;</text>"));
	free(out);

	/* a reference beyond every bar widens the scale to hold it */
	ref = 400;
	out = bar_chart(bars, N(bars), &ref, NULL);
	line = strstr(out, "<line class=\"ref\"");
	r2 = strstr(strstr(out, "<rect") + 1, "<rect");
	end2 = attr_num(r2, "x") + attr_num(r2, "width");
	assert_true(attr_num(line, "x1") > end2);
	assert_int_equal(count(out, "class=\"muted\""), 0); /* no label given */
	free(out);

	/* a reference that is not a number is left out */
	ref = NAN;
	out = bar_chart(bars, N(bars), &ref, "q");
	assert_null(strstr(out, "class=\"ref\""));
	free(out);
}

static void test_bar_chart_escapes_labels(void **state)
{
	spm_html_bar bars[] = {{"<script>alert(1)</script>", 1, "\" onload=\"x"},
	                       {"O'Brien & \"Sons\"", 2, "</text><script>"},
	                       {"\xFF\x01 bad", 3, "ok"}};
	capture c;
	spm_error err;
	(void)state;

	cap_open(&c);
	assert_int_equal(spm_html_bar_chart(c.fp, "Title \"with\" <quotes> & 'apostrophes'", bars,
	                                    N(bars), NULL, NULL, &err),
	                 SPM_OK);
	const char *out = cap_close(&c);
	assert_markup_sound(out);
	assert_non_null(strstr(out, "<title>Title &quot;with&quot; &lt;quotes&gt; &amp; "
	                            "&#39;apostrophes&#39;</title>"));
	assert_non_null(
	    strstr(out, "&lt;script&gt;alert(1)&lt;/script&gt;: &quot; onload=&quot;x"));
	assert_non_null(strstr(out, ">O&#39;Brien &amp; &quot;Sons&quot;</text>"));
	assert_non_null(strstr(out, ">&lt;/text&gt;&lt;scrip\xE2\x80\xA6</text>"));
	assert_non_null(strstr(out, ": &lt;/text&gt;&lt;script&gt;</title>"));
	assert_non_null(strstr(out, ">" FFFD FFFD " bad</text>"));
	assert_null(strstr(out, "onload=\""));
	cap_free(&c);
}

static void test_bar_chart_long_labels(void **state)
{
	/* 30 characters, the last ones two bytes each: cut on a character, with an ellipsis */
	spm_html_bar bars[] = {{"abcdefghijklmnopqrstu\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	                        "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9",
	                        1, "12345678901234567890"},
	                       {"exactly twenty-two chr", 2, "12345678901234"}};
	(void)state;

	char *out = bar_chart(bars, N(bars), NULL, NULL);
	assert_non_null(strstr(out, ">abcdefghijklmnopqrstu\xE2\x80\xA6</text>"));
	assert_non_null(strstr(out, ">1234567890123\xE2\x80\xA6</text>"));
	assert_non_null(strstr(out, ">exactly twenty-two chr</text>"));
	assert_non_null(strstr(out, ">12345678901234</text>"));
	/* the hover title keeps the whole text */
	assert_non_null(strstr(out, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	                            "\xC3\xA9\xC3\xA9: 12345678901234567890</title>"));
	free(out);
}

/* ---- line charts ---- */

static char *line_chart(const char *const *x, size_t nx, const spm_html_series *s, size_t ns)
{
	capture c;
	spm_error err;

	cap_open(&c);
	spm_error_clear(&err);
	assert_int_equal(spm_html_line_chart(c.fp, "Bookings", x, nx, s, ns, &err), SPM_OK);
	cap_close(&c);
	assert_markup_sound(c.buf);
	return c.buf;
}

static void test_line_chart_basic(void **state)
{
	static const char *const x[] = {"2026-01", "2026-02", "<b>03</b>", "2026-04"};
	double a[] = {100000, 350000, 1200000, 900000};
	double b[] = {50000, 60000, 70000, 80000};
	spm_html_series s[] = {{"Won \"deals\"", a}, {"Quota <q>", b}};
	(void)state;

	char *out = line_chart(x, N(x), s, N(s));
	assert_non_null(strstr(out, "<title>Bookings</title>"));
	assert_int_equal(count(out, "<path class=\"line s0\""), 1);
	assert_int_equal(count(out, "<path class=\"line s1\""), 1);
	/* the path goes through every point, the highest value highest on the page */
	double ys[8];
	assert_int_equal(path_ys(strstr(out, "<path class=\"line s0\""), ys, N(ys)), 4);
	assert_true(ys[2] < ys[3] && ys[3] < ys[1] && ys[1] < ys[0]);
	/* and above the quota line, which it starts below of */
	double qs[8];
	assert_int_equal(path_ys(strstr(out, "<path class=\"line s1\""), qs, N(qs)), 4);
	assert_true(ys[0] < qs[0] && ys[2] < qs[2]);
	/* few points: each has a dot */
	assert_int_equal(count(out, "<circle"), 8);
	/* labels, names and legend are escaped */
	assert_non_null(strstr(out, ">&lt;b&gt;03&lt;/b&gt;</text>"));
	assert_non_null(strstr(out, "<title>Won &quot;deals&quot;</title>"));
	assert_non_null(strstr(out, "</svg>Quota &lt;q&gt;</li>"));
	assert_int_equal(count(out, "<li>"), 2);
	/* round ticks from zero past the top value, zero as the axis */
	assert_non_null(strstr(out, "text-anchor=\"end\">0</text>"));
	assert_non_null(strstr(out, "text-anchor=\"end\">500k</text>"));
	assert_non_null(strstr(out, "text-anchor=\"end\">1M</text>"));
	assert_non_null(strstr(out, "text-anchor=\"end\">1.5M</text>"));
	assert_int_equal(count(out, "class=\"axis\""), 1);
	free(out);
}

static void test_line_chart_gaps(void **state)
{
	static const char *const x[] = {"a", "b", "c", "d", "e", "f"};
	double y[] = {1, NAN, 3, 4, NAN, INFINITY};
	spm_html_series s = {"gappy", y};
	(void)state;

	char *out = line_chart(x, N(x), &s, 1);
	/* the run c-d is a path of two points; a alone is a bigger dot; e and f are gaps */
	assert_int_equal(count(out, "<path"), 1);
	double ys[4];
	assert_int_equal(path_ys(out, ys, N(ys)), 2);
	assert_true(ys[1] < ys[0]);
	assert_int_equal(count(out, "r=\"3.5\""), 1);
	assert_int_equal(count(out, "<circle"), 3);
	free(out);

	/* every value a gap: no chart */
	double none[] = {NAN, NAN};
	spm_html_series empty = {"none", none};
	out = line_chart(x, 2, &empty, 1);
	assert_string_equal(out, "<p class=\"nodata\">No data</p>\n");
	free(out);
	out = line_chart(x, 0, &empty, 1);
	assert_string_equal(out, "<p class=\"nodata\">No data</p>\n");
	free(out);
	out = line_chart(x, 3, NULL, 0);
	assert_string_equal(out, "<p class=\"nodata\">No data</p>\n");
	free(out);
}

static void test_line_chart_single_point(void **state)
{
	static const char *const x[] = {"2026-03"};
	double y[] = {5};
	spm_html_series s = {NULL, y};
	(void)state;

	char *out = line_chart(x, 1, &s, 1);
	assert_int_equal(count(out, "<path"), 0);
	assert_int_equal(count(out, "<circle"), 1);
	/* centred */
	assert_true(fabs(attr_num(strstr(out, "<circle"), "cx") - 300) < 30);
	assert_non_null(strstr(out, ">2026-03</text>"));
	free(out);
}

static void test_line_chart_flat_and_huge(void **state)
{
	double zeros[] = {0, 0, 0};
	double huge[] = {DBL_MAX, -DBL_MAX, 1e300};
	double tiny[] = {1e-300, 4.9e-324, 0};
	spm_html_series s[] = {{"zero", zeros}, {"huge", huge}, {"tiny", tiny}};
	(void)state;

	/* all zero: an axis from 0 to 1, the line on the zero axis */
	char *out = line_chart(NULL, 3, s, 1);
	assert_non_null(strstr(out, ">0</text>"));
	assert_non_null(strstr(out, ">1</text>"));
	assert_null(strstr(out, "<text x=")); /* no x labels given */
	double y0 = attr_num(strstr(out, "class=\"axis\""), "y1"), ys[4];
	assert_int_equal(path_ys(out, ys, N(ys)), 3);
	assert_true(ys[0] == y0 && ys[1] == y0 && ys[2] == y0);
	assert_true(y0 > attr_num(strstr(out, "class=\"gridline\""), "y1"));
	free(out);

	/* values far out are clamped, never inf or nan in the page */
	out = line_chart(NULL, 3, s + 1, 1);
	assert_non_null(strstr(out, ">1000T</text>"));
	assert_non_null(strstr(out, ">-1000T</text>"));
	free(out);

	/* values too close to zero for a round step: treated as flat */
	out = line_chart(NULL, 3, s + 2, 1);
	assert_non_null(strstr(out, ">1</text>"));
	free(out);
}

static void test_line_chart_many_points(void **state)
{
	enum { NX = 60 };
	double y[NX];
	const char *x[NX];
	char names[NX][8];
	(void)state;

	for (size_t i = 0; i < NX; i++) {
		y[i] = (double)(i % 7) * 1000.0;
		snprintf(names[i], sizeof names[i], "w%zu", i + 1);
		x[i] = names[i];
	}
	spm_html_series s[9];
	for (size_t k = 0; k < N(s); k++)
		s[k] = (spm_html_series){"s", y};
	char *out = line_chart(x, NX, s, N(s));
	/* many points: dots only where a point stands alone; labels thinned to a few */
	assert_int_equal(count(out, "<circle"), 0);
	size_t labels = count(out, "text-anchor=\"middle\">w");
	assert_true(labels >= 4 && labels <= 10);
	assert_non_null(strstr(out, ">w1</text>"));
	/* the palette repeats after eight */
	assert_int_equal(count(out, "class=\"line s0\""), 2);
	assert_int_equal(count(out, "class=\"line s7\""), 1);
	free(out);
}

/* ---- stacked bar ---- */

static void test_stacked_bar(void **state)
{
	spm_html_bar segs[] = {
	    {"Closed", 400, "$400,000.00"}, {"Commit", 200, "$200k"}, {"Best <case>", 0, "$0"},
	    {"Pipeline", 2, "$2"},          {"Lost", -5, "-$5"},      {"Unknown", NAN, "?"}};
	capture c;
	spm_error err;
	(void)state;

	cap_open(&c);
	assert_int_equal(spm_html_stacked_bar(c.fp, "Pipeline by category", segs, N(segs), &err),
	                 SPM_OK);
	const char *out = cap_close(&c);
	assert_markup_sound(out);
	/* segments only for positive values, side by side, filling the track */
	assert_int_equal(count(out, "<rect class=\"seg"), 3);
	const char *track = strstr(out, "<rect class=\"track\"");
	const char *s1 = strstr(out, "<rect class=\"seg k0\""),
	           *s2 = strstr(out, "<rect class=\"seg k1\""),
	           *s4 = strstr(out, "<rect class=\"seg k3\"");
	assert_non_null(s1);
	assert_non_null(s2);
	assert_non_null(s4);
	double tx = attr_num(track, "x"), tw = attr_num(track, "width");
	assert_true(fabs(attr_num(s1, "x") - tx) < 0.05);
	assert_true(fabs(attr_num(s1, "x") + attr_num(s1, "width") - attr_num(s2, "x")) < 0.15);
	assert_true(fabs(attr_num(s4, "x") + attr_num(s4, "width") - (tx + tw)) < 0.15);
	assert_true(fabs(attr_num(s1, "width") - 2 * attr_num(s2, "width")) < 0.3);
	/* the wide segment shows its text inside, the sliver does not */
	assert_non_null(strstr(out, ">$400,000.00</text>"));
	assert_null(strstr(out, ">$2</text>"));
	/* the legend lists every segment, escaped */
	assert_int_equal(count(out, "<li>"), 6);
	assert_non_null(strstr(out, "</svg>Best &lt;case&gt; <span class=\"num\">$0</span></li>"));
	cap_free(&c);

	/* all zero: the empty track and the legend */
	spm_html_bar zeros[] = {{"a", 0, "0"}, {"b", 0, NULL}};
	cap_open(&c);
	assert_int_equal(spm_html_stacked_bar(c.fp, NULL, zeros, 2, &err), SPM_OK);
	out = cap_close(&c);
	assert_markup_sound(out);
	assert_int_equal(count(out, "<rect class=\"seg"), 0);
	assert_int_equal(count(out, "<li>"), 2);
	assert_non_null(strstr(out, "<title>Stacked bar</title>"));
	assert_non_null(strstr(out, "</svg>b</li>"));
	cap_free(&c);

	cap_open(&c);
	assert_int_equal(spm_html_stacked_bar(c.fp, NULL, NULL, 0, &err), SPM_OK);
	assert_string_equal(cap_close(&c), "<p class=\"nodata\">No data</p>\n");
	cap_free(&c);
}

/* ---- tick labels and sparklines ---- */

static void assert_tick(double v, double step, const char *want)
{
	char buf[64];
	size_t n = spm_html_tick_format(buf, sizeof buf, v, step);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_tick_format(void **state)
{
	(void)state;
	assert_tick(0, 250000, "0");
	assert_tick(250000, 250000, "250k");
	assert_tick(1000000, 250000, "1M");
	assert_tick(1250000, 250000, "1.25M");
	assert_tick(1200000, 200000, "1.2M");
	assert_tick(350000, 50000, "350k");
	assert_tick(-50000, 25000, "-50k");
	assert_tick(2500, 500, "2.5k");
	assert_tick(999, 1, "999");
	assert_tick(0.25, 0.05, "0.25");
	assert_tick(0.3, 0.1, "0.3"); /* not 0.30000000000000004 */
	assert_tick(3e12, 1e12, "3T");
	assert_tick(7.5e9, 2.5e9, "7.5B");
	assert_tick(1e15, 2e14, "1000T");
	assert_tick(1e-5, 1e-5, "0"); /* three decimals at most */
	assert_tick(-0.0, 1, "0");
	assert_tick(-1e-9, 0.5, "0");
	assert_tick(NAN, 1, "0");
	assert_tick(5, NAN, "5");
	assert_tick(5.4, 0, "5");

	char small[4];
	assert_int_equal(spm_html_tick_format(small, sizeof small, 1250000, 250000), 5);
	assert_string_equal(small, "1.2");
	assert_int_equal(spm_html_tick_format(NULL, 0, 1250000, 250000), 5);
}

static void assert_spark(const double *v, size_t n, const char *want)
{
	char buf[128];
	memset(buf, 'X', sizeof buf);
	size_t got = spm_sparkline(buf, sizeof buf, v, n);
	assert_string_equal(buf, want);
	assert_int_equal(got, strlen(want));
}

static void test_sparkline(void **state)
{
	(void)state;
	double up[] = {1, 2, 3, 4, 5, 6, 7, 8};
	assert_spark(up, 8, "▁▂▃▄▅▆▇█");
	double down[] = {80, 70, 60, 50, 40, 30, 20, 10};
	assert_spark(down, 8, "█▇▆▅▄▃▂▁");
	double flat[] = {5, 5, 5};
	assert_spark(flat, 3, "▄▄▄");
	double zeros[] = {0, 0};
	assert_spark(zeros, 2, "▄▄");
	double gaps[] = {NAN, 0, 10, INFINITY, 5};
	assert_spark(gaps, 5, " ▁█ ▅");
	double all_nan[] = {NAN, NAN};
	assert_spark(all_nan, 2, "  ");
	double extremes[] = {-DBL_MAX, DBL_MAX, 0};
	assert_spark(extremes, 3, "▁█▅");
	double negative[] = {-3, -1, -2};
	assert_spark(negative, 3, "▁█▅");
	assert_spark(NULL, 0, "");
	assert_spark(up, 0, "");
	/* NULL values count as none */
	assert_int_equal(spm_sparkline(NULL, 0, NULL, 5), 0);
}

static void test_sparkline_small_buffer(void **state)
{
	double v[] = {1, NAN, 8, 1};
	char buf[16];
	(void)state;

	/* whole: 3 + 1 + 3 + 3 bytes */
	assert_int_equal(spm_sparkline(NULL, 0, v, 4), 10);
	memset(buf, 'X', sizeof buf);
	assert_int_equal(spm_sparkline(buf, 11, v, 4), 10);
	assert_string_equal(buf, "▁ █▁");
	/* one byte short: the last bar does not fit, no half character */
	memset(buf, 'X', sizeof buf);
	assert_int_equal(spm_sparkline(buf, 10, v, 4), 10);
	assert_string_equal(buf, "▁ █");
	/* room for the space but not the bar after it: cut after the space */
	memset(buf, 'X', sizeof buf);
	assert_int_equal(spm_sparkline(buf, 6, v, 4), 10);
	assert_string_equal(buf, "▁ ");
	memset(buf, 'X', sizeof buf);
	assert_int_equal(spm_sparkline(buf, 3, v, 4), 10);
	assert_string_equal(buf, "");
	memset(buf, 'X', sizeof buf);
	assert_int_equal(spm_sparkline(buf, 1, v, 4), 10);
	assert_string_equal(buf, "");
	/* size 0: nothing written at all */
	buf[0] = 'X';
	assert_int_equal(spm_sparkline(buf, 0, v, 4), 10);
	assert_int_equal(buf[0], 'X');
}

/* ---- determinism ---- */

static char *whole_page(void)
{
	static const char *const x[] = {"Jan", "Feb", "Mar", "Apr", "May"};
	static const char *const header[] = {"Rep", "Won"};
	static const bool numeric[] = {false, true};
	static const char *const cells[] = {"Ana", "1.00", "Bo", "2.00"};
	double y1[] = {0.05, 1.15, NAN, 2.25, -0.04};
	double y2[] = {1e6 / 3, 2e6 / 3, 1e6, 0.1 + 0.2, 7};
	spm_html_series s[] = {{"one", y1}, {"two", y2}};
	spm_html_bar bars[] = {{"a", 1.0 / 3, "1/3"}, {"b", -2.0 / 3, "-2/3"}, {"c", 0.05, "x"}};
	double ref = 0.25;
	capture c;
	spm_error err;

	cap_open(&c);
	assert_int_equal(spm_html_begin(c.fp, "Same", "twice", &err), SPM_OK);
	assert_int_equal(spm_html_card_begin(c.fp, "bars", false, &err), SPM_OK);
	assert_int_equal(spm_html_bar_chart(c.fp, NULL, bars, N(bars), &ref, "ref", &err), SPM_OK);
	assert_int_equal(spm_html_line_chart(c.fp, NULL, x, N(x), s, N(s), &err), SPM_OK);
	assert_int_equal(spm_html_stacked_bar(c.fp, NULL, bars, N(bars), &err), SPM_OK);
	assert_int_equal(spm_html_table(c.fp, header, numeric, 2, cells, 2, &err), SPM_OK);
	assert_int_equal(spm_html_card_end(c.fp, &err), SPM_OK);
	assert_int_equal(spm_html_end(c.fp, &err), SPM_OK);
	cap_close(&c);
	assert_markup_sound(c.buf);
	return c.buf;
}

static void test_deterministic(void **state)
{
	(void)state;
	char *a = whole_page(), *b = whole_page();
	assert_string_equal(a, b);
	/* under a locale with a decimal comma, if the machine has one, the bytes stay the same */
	static const char *const comma_locales[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "de_DE", "fr_FR"};
	for (size_t i = 0; i < N(comma_locales); i++) {
		if (setlocale(LC_NUMERIC, comma_locales[i])) {
			char *c = whole_page();
			setlocale(LC_NUMERIC, "C");
			assert_string_equal(a, c);
			free(c);
			break;
		}
	}
	free(a);
	free(b);
}

/* ---- write failures ---- */

static void assert_write_error(const spm_error *err)
{
	assert_int_equal(err->code, SPM_EIO);
	assert_true(strncmp(err->message, "write error: ", 13) == 0);
}

/* Every writing call on fp fails with SPM_EIO. */
static void assert_all_fail(FILE *fp)
{
	spm_html_bar bars[] = {{"a", 1, "1"}};
	double y[] = {1, 2};
	spm_html_series s = {"s", y};
	const char *cells[] = {"x"};
	spm_error err;

	assert_int_equal(spm_html_escape(fp, "text", 4), SPM_EIO);
	spm_error_clear(&err);
	assert_int_equal(spm_html_begin(fp, "t", "s", &err), SPM_EIO);
	assert_write_error(&err);
	spm_error_clear(&err);
	assert_int_equal(spm_html_card_begin(fp, "h", false, &err), SPM_EIO);
	assert_write_error(&err);
	spm_error_clear(&err);
	assert_int_equal(spm_html_note(fp, "n", &err), SPM_EIO);
	assert_write_error(&err);
	spm_error_clear(&err);
	assert_int_equal(spm_html_table(fp, cells, NULL, 1, cells, 1, &err), SPM_EIO);
	assert_write_error(&err);
	spm_error_clear(&err);
	assert_int_equal(spm_html_bar_chart(fp, "t", bars, 1, NULL, NULL, &err), SPM_EIO);
	assert_write_error(&err);
	spm_error_clear(&err);
	assert_int_equal(spm_html_bar_chart(fp, "t", NULL, 0, NULL, NULL, &err), SPM_EIO);
	assert_write_error(&err);
	spm_error_clear(&err);
	assert_int_equal(spm_html_line_chart(fp, "t", cells, 1, &s, 1, &err), SPM_EIO);
	assert_write_error(&err);
	spm_error_clear(&err);
	assert_int_equal(spm_html_stacked_bar(fp, "t", bars, 1, &err), SPM_EIO);
	assert_write_error(&err);
	spm_error_clear(&err);
	assert_int_equal(spm_html_card_end(fp, &err), SPM_EIO);
	assert_write_error(&err);
	spm_error_clear(&err);
	assert_int_equal(spm_html_end(fp, &err), SPM_EIO);
	assert_write_error(&err);
}

static void test_write_error_read_only(void **state)
{
	(void)state;
	FILE *fp = fopen("/dev/null", "r");
	assert_non_null(fp);
	assert_all_fail(fp);
	fclose(fp);
}

static void test_write_error_full_memory(void **state)
{
	char mem[64];
	spm_html_bar bars[] = {{"a", 1, "1"}, {"b", 2, "2"}};
	spm_error err;
	(void)state;

	/* unbuffered: the write that does not fit fails at once */
	FILE *fp = fmemopen(mem, sizeof mem, "w");
	assert_non_null(fp);
	assert_int_equal(setvbuf(fp, NULL, _IONBF, 0), 0);
	spm_error_clear(&err);
	assert_int_equal(spm_html_bar_chart(fp, "t", bars, N(bars), NULL, NULL, &err), SPM_EIO);
	assert_write_error(&err);
	/* the stream has failed: later calls say so too */
	assert_all_fail(fp);
	fclose(fp);
}

static void test_write_error_at_flush(void **state)
{
	spm_error err;
	(void)state;

	/* buffered: the device refuses only at the flush that ends the page */
	FILE *fp = fopen("/dev/full", "w");
	if (!fp)
		skip();
	spm_error_clear(&err);
	assert_int_equal(spm_html_begin(fp, "t", NULL, &err), SPM_OK);
	assert_int_equal(spm_html_end(fp, &err), SPM_EIO);
	assert_int_equal(err.code, SPM_EIO);
	char want[256];
	snprintf(want, sizeof want, "write error: %s", strerror(ENOSPC));
	assert_string_equal(err.message, want);
	fclose(fp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape_specials),
	    cmocka_unit_test(test_escape_controls),
	    cmocka_unit_test(test_escape_invalid_utf8),
	    cmocka_unit_test(test_escape_misuse),
	    cmocka_unit_test(test_page_frame),
	    cmocka_unit_test(test_page_misuse),
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_bar_chart_basic),
	    cmocka_unit_test(test_bar_chart_negatives),
	    cmocka_unit_test(test_bar_chart_degenerate),
	    cmocka_unit_test(test_bar_chart_reference),
	    cmocka_unit_test(test_bar_chart_escapes_labels),
	    cmocka_unit_test(test_bar_chart_long_labels),
	    cmocka_unit_test(test_line_chart_basic),
	    cmocka_unit_test(test_line_chart_gaps),
	    cmocka_unit_test(test_line_chart_single_point),
	    cmocka_unit_test(test_line_chart_flat_and_huge),
	    cmocka_unit_test(test_line_chart_many_points),
	    cmocka_unit_test(test_stacked_bar),
	    cmocka_unit_test(test_tick_format),
	    cmocka_unit_test(test_sparkline),
	    cmocka_unit_test(test_sparkline_small_buffer),
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_write_error_read_only),
	    cmocka_unit_test(test_write_error_full_memory),
	    cmocka_unit_test(test_write_error_at_flush),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
