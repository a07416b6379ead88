/*
 * html.c - a self-contained HTML page with inline SVG charts for dashboards: the page and its style
 * sheet, cards, notes, tables, bar, line and stacked bar charts, and a text sparkline.
 *
 * Everything goes straight to the caller's stream through one small writer whose first failure is
 * sticky: later writes are skipped and the public function reports the failure once, as SPM_EIO.
 * Numbers are written by hand rather than with printf's %f, which follows LC_NUMERIC and can print
 * -0.0, nan or inf: the page must be the same bytes under any locale and never hold an attribute a
 * browser would drop. Values are clamped to +-1e15 before any geometry, so no span overflows and
 * every product stays far inside what llround can take.
 */
#include "spm/html.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "util.h"

#define VALUE_MAX 1e15 /* values are clamped to this for drawing */
#define COORD_MAX 1e9  /* and coordinates to this, whatever n is */

/* The chart frame, in SVG user units; the SVG scales to its card's width. */
#define CHART_W 600.0
#define BAR_LABEL_W 168.0 /* labels end 8 units before this */
#define BAR_VALUE_W 100.0 /* room kept for a value text beside a bar */
#define BAR_ROW 26.0
#define BAR_HEIGHT 18.0
#define LABEL_CHARS 22
#define VALUE_CHARS 14
#define XLABEL_CHARS 10
#define PALETTE 8 /* classes s0..s7 (lines) and k0..k7 (areas) */

/* ---- the writer ---- */

typedef struct html_out {
	FILE *fp;
	int errnum; /* errno of the first failed write; 0 while none has failed */
} html_out;

static void put(html_out *o, const char *s, size_t n)
{
	if (o->errnum || n == 0)
		return;
	errno = 0;
	if (fwrite(s, 1, n, o->fp) != n)
		o->errnum = errno ? errno : EIO;
}

static void put_str(html_out *o, const char *s)
{
	put(o, s, strlen(s));
}

/*
 * v with exactly `decimals` digits after the point (0..3), rounded half away from zero, without the
 * locale; a value that is not finite is 0, and what rounds to zero has no sign. Returns the length.
 */
static size_t fixed_format(char *buf, size_t size, double v, int decimals)
{
	static const unsigned long long scales[] = {1, 10, 100, 1000};
	unsigned long long scale = scales[decimals];

	if (!isfinite(v))
		v = 0;
	v = fmax(-VALUE_MAX, fmin(VALUE_MAX, v));
	long long r = llround(v * (double)scale);
	unsigned long long a = r < 0 ? 0ULL - (unsigned long long)r : (unsigned long long)r;
	int n;
	if (decimals == 0)
		n = snprintf(buf, size, "%s%llu", r < 0 ? "-" : "", a);
	else
		n = snprintf(buf, size, "%s%llu.%0*llu", r < 0 ? "-" : "", a / scale, decimals,
		             a % scale);
	return n < 0 ? 0 : (size_t)n;
}

/* A coordinate or length: one decimal, clamped so that a long chart still prints plainly. */
static void put_num(html_out *o, double v)
{
	char buf[48];

	if (!isfinite(v))
		v = 0;
	v = fmax(-COORD_MAX, fmin(COORD_MAX, v));
	put(o, buf, fixed_format(buf, sizeof buf, v, 1));
}

static void put_size(html_out *o, size_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%zu", v);
	put(o, buf, n < 0 ? 0 : (size_t)n);
}

/*
 * The length of the character at s[0..n) as the escaper steps over it: a well-formed UTF-8 sequence
 * whole, any other byte alone. *cp gets the code point, or U+FFFD for such a byte.
 */
static size_t char_step(const char *s, size_t n, uint32_t *cp)
{
	size_t step = spm_utf8_decode((const unsigned char *)s, n, cp);
	if (step == 0) {
		*cp = 0xFFFD;
		step = 1;
	}
	return step;
}

static void escape(html_out *o, const char *s, size_t len)
{
	static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
	size_t i = 0, plain = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		const char *entity = NULL;
		size_t step = 1;
		switch (c) {
		case '&':
			entity = "&amp;";
			break;
		case '<':
			entity = "&lt;";
			break;
		case '>':
			entity = "&gt;";
			break;
		case '"':
			entity = "&quot;";
			break;
		case '\'':
			entity = "&#39;";
			break;
		default:
			if (c >= 0x80) {
				uint32_t cp;
				step = spm_utf8_decode((const unsigned char *)s + i, len - i, &cp);
				/* C1 controls and the two non-characters XML refuses */
				if (step == 0) {
					entity = replacement;
					step = 1;
				} else if (cp <= 0x9F || cp == 0xFFFE || cp == 0xFFFF) {
					entity = replacement;
				}
			} else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
				entity = replacement;
			}
		}
		if (!entity) {
			i += step;
			continue;
		}
		if (i > plain)
			put(o, s + plain, i - plain);
		put_str(o, entity);
		i += step;
		plain = i;
	}
	if (len > plain)
		put(o, s + plain, len - plain);
}

static void put_text(html_out *o, const char *s)
{
	if (s)
		escape(o, s, strlen(s));
}

/* The number of characters in s, counted as the escaper steps. */
static size_t char_count(const char *s)
{
	size_t n = 0, len = s ? strlen(s) : 0;
	uint32_t cp;

	for (size_t i = 0; i < len; n++)
		i += char_step(s + i, len - i, &cp);
	return n;
}

/* s escaped, cut to max characters (max >= 1) with a final "…" when it is longer. */
static void put_text_cut(html_out *o, const char *s, size_t max)
{
	size_t len = s ? strlen(s) : 0, i = 0, keep = 0;
	uint32_t cp;

	for (size_t n = 0; i < len && n < max; n++) {
		if (n == max - 1)
			keep = i;
		i += char_step(s + i, len - i, &cp);
	}
	if (i >= len) {
		escape(o, s, len);
		return;
	}
	escape(o, s, keep);
	put_str(o, "\xE2\x80\xA6");
}

/*
 * A tiny printf for markup: %s writes a string of this module as it is, %e a caller's string
 * escaped (NULL: nothing), %f a double as a coordinate, %z a size_t, %% a percent sign. Constants
 * are written in the format itself, so that no int ever reaches %f.
 */
static void emit(html_out *o, const char *fmt, ...)
{
	va_list ap;
	const char *p = fmt;

	va_start(ap, fmt);
	while (*p) {
		const char *pct = strchr(p, '%');
		if (!pct) {
			put_str(o, p);
			break;
		}
		put(o, p, (size_t)(pct - p));
		switch (pct[1]) {
		case 's':
			put_str(o, va_arg(ap, const char *));
			break;
		case 'e':
			put_text(o, va_arg(ap, const char *));
			break;
		case 'f':
			put_num(o, va_arg(ap, double));
			break;
		case 'z':
			put_size(o, va_arg(ap, size_t));
			break;
		case '\0': /* a lone % at the end: stop after it */
			pct--;
			break;
		default:
			put(o, "%", 1);
			break;
		}
		p = pct + 2;
	}
	va_end(ap);
}

static int start(html_out *o, FILE *fp, spm_error *err)
{
	o->fp = fp;
	o->errnum = 0;
	if (!fp)
		return spm_error_set(err, SPM_EUSAGE, "html: no output stream");
	return SPM_OK;
}

static int finish(html_out *o, spm_error *err)
{
	if (!o->errnum && ferror(o->fp))
		o->errnum = EIO;
	if (o->errnum)
		return spm_error_set(err, SPM_EIO, "write error: %s", strerror(o->errnum));
	return SPM_OK;
}

int spm_html_escape(FILE *fp, const char *text, size_t len)
{
	html_out o = {fp, 0};

	if (!fp || (!text && len > 0))
		return SPM_EUSAGE;
	escape(&o, text, len);
	return o.errnum || ferror(fp) ? SPM_EIO : SPM_OK;
}

/* ---- the page ---- */

/*
 * The palette keeps its colours apart for the common colour-vision deficiencies. Orange, sky blue
 * and purple are light on white, so lines differ by dash pattern too, segments are parted by white
 * gaps and named in order in the legend. Nothing relies on a background colour, which printing
 * drops; the charts are SVG fills, which print.
 */
static const char page_style[] =
    "*{box-sizing:border-box}\n"
    "body{margin:0;padding:1.5rem;background:#f4f5f7;color:#1a1a1a;"
    "font:15px/1.45 system-ui,sans-serif}\n"
    "header{margin:0 0 1.25rem}\n"
    "h1{font-size:1.5rem;margin:0}\n"
    ".sub{margin:.25rem 0 0;color:#444}\n"
    ".grid{display:grid;gap:1rem;"
    "grid-template-columns:repeat(auto-fill,minmax(min(100%,28rem),1fr))}\n"
    ".card{background:#fff;border:1px solid #c9ced6;border-radius:6px;padding:1rem 1.25rem;"
    "min-width:0}\n"
    ".card.wide{grid-column:1/-1}\n"
    "h2{font-size:1.05rem;margin:0 0 .75rem}\n"
    ".note{margin:.5rem 0;color:#333}\n"
    ".nodata{margin:.5rem 0;color:#555;font-style:italic}\n"
    ".scroll{overflow-x:auto}\n"
    "table{border-collapse:collapse;width:100%;font-size:.9rem}\n"
    "th,td{padding:.3rem .5rem;text-align:left;vertical-align:top;"
    "border-bottom:1px solid #e1e4e8}\n"
    "thead th{border-bottom:2px solid #1a1a1a}\n"
    ".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "svg.chart{display:block;width:100%;height:auto;font-family:system-ui,sans-serif}\n"
    "svg.chart text{font-size:13px;fill:#1a1a1a}\n"
    "svg.chart text.muted{fill:#444}\n"
    ".axis{stroke:#1a1a1a;stroke-width:1}\n"
    ".gridline{stroke:#e1e4e8;stroke-width:1}\n"
    ".ref{stroke:#1a1a1a;stroke-width:1.5;stroke-dasharray:5 3}\n"
    ".bar{fill:#0072b2}\n"
    ".bar.neg{fill:#d55e00}\n"
    ".track{fill:#f4f5f7;stroke:#c9ced6}\n"
    ".seg{stroke:#fff;stroke-width:1.5}\n"
    "svg.chart text.ink-light{fill:#fff}\n"
    ".s0{stroke:#0072b2;fill:#0072b2}\n"
    ".s1{stroke:#e69f00;fill:#e69f00;stroke-dasharray:8 4}\n"
    ".s2{stroke:#009e73;fill:#009e73;stroke-dasharray:2 3}\n"
    ".s3{stroke:#d55e00;fill:#d55e00;stroke-dasharray:10 3 2 3}\n"
    ".s4{stroke:#cc79a7;fill:#cc79a7;stroke-dasharray:4 4}\n"
    ".s5{stroke:#56b4e9;fill:#56b4e9;stroke-dasharray:12 4}\n"
    ".s6{stroke:#1a1a1a;fill:#1a1a1a;stroke-dasharray:1 4}\n"
    ".s7{stroke:#767676;fill:#767676;stroke-dasharray:6 2 2 2}\n"
    "path.line{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}\n"
    "circle.dot{stroke:#fff;stroke-width:1;stroke-dasharray:none}\n"
    ".k0{fill:#0072b2}.k1{fill:#e69f00}.k2{fill:#009e73}.k3{fill:#d55e00}\n"
    ".k4{fill:#cc79a7}.k5{fill:#56b4e9}.k6{fill:#1a1a1a}.k7{fill:#767676}\n"
    ".legend{list-style:none;margin:.5rem 0 0;padding:0;display:flex;flex-wrap:wrap;"
    "gap:.25rem 1rem;font-size:.9rem}\n"
    ".legend li{display:flex;align-items:center;gap:.4rem}\n"
    ".legend svg{width:28px;height:12px;flex:none}\n"
    ".legend line{stroke-width:2.5}\n"
    "@media print{body{background:#fff;padding:0}.grid{display:block}"
    ".card{break-inside:avoid;margin:0 0 1rem;border-color:#999}@page{margin:12mm}}\n";

int spm_html_begin(FILE *fp, const char *title, const char *subtitle, spm_error *err)
{
	html_out o;
	int rc = start(&o, fp, err);
	if (rc != SPM_OK)
		return rc;
	if (!title)
		return spm_error_set(err, SPM_EUSAGE, "html: no title");
	emit(&o,
	     "<!DOCTYPE html>\n"
	     "<html lang=\"en\">\n"
	     "<head>\n"
	     "<meta charset=\"utf-8\">\n"
	     "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
	     " style-src 'unsafe-inline'\">\n"
	     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	     "<title>%e</title>\n"
	     "<style>\n%s</style>\n"
	     "</head>\n"
	     "<body>\n"
	     "<header>\n<h1>%e</h1>\n",
	     title, page_style, title);
	if (subtitle)
		emit(&o, "<p class=\"sub\">%e</p>\n", subtitle);
	put_str(&o, "</header>\n<main class=\"grid\">\n");
	return finish(&o, err);
}

int spm_html_end(FILE *fp, spm_error *err)
{
	html_out o;
	int rc = start(&o, fp, err);
	if (rc != SPM_OK)
		return rc;
	put_str(&o, "</main>\n</body>\n</html>\n");
	errno = 0;
	if (fflush(fp) != 0 && !o.errnum)
		o.errnum = errno ? errno : EIO;
	return finish(&o, err);
}

int spm_html_card_begin(FILE *fp, const char *heading, bool wide, spm_error *err)
{
	html_out o;
	int rc = start(&o, fp, err);
	if (rc != SPM_OK)
		return rc;
	put_str(&o, wide ? "<section class=\"card wide\">\n" : "<section class=\"card\">\n");
	if (heading)
		emit(&o, "<h2>%e</h2>\n", heading);
	return finish(&o, err);
}

int spm_html_card_end(FILE *fp, spm_error *err)
{
	html_out o;
	int rc = start(&o, fp, err);
	if (rc != SPM_OK)
		return rc;
	put_str(&o, "</section>\n");
	return finish(&o, err);
}

int spm_html_note(FILE *fp, const char *text, spm_error *err)
{
	html_out o;
	int rc = start(&o, fp, err);
	if (rc != SPM_OK)
		return rc;
	if (text)
		emit(&o, "<p class=\"note\">%e</p>\n", text);
	return finish(&o, err);
}

static void no_data(html_out *o)
{
	put_str(o, "<p class=\"nodata\">No data</p>\n");
}

int spm_html_table(FILE *fp, const char *const *header, const bool *numeric, size_t ncols,
                   const char *const *cells, size_t nrows, spm_error *err)
{
	html_out o;
	int rc = start(&o, fp, err);
	if (rc != SPM_OK)
		return rc;
	if (ncols == 0)
		return spm_error_set(err, SPM_EUSAGE, "table: no columns");
	if (nrows > 0 && !cells)
		return spm_error_set(err, SPM_EUSAGE, "table: no cells for %zu rows", nrows);
	if (nrows > SIZE_MAX / ncols)
		return spm_error_set(err, SPM_EUSAGE, "table: %zu rows of %zu columns is too many",
		                     nrows, ncols);

	put_str(&o, "<div class=\"scroll\">\n<table>\n");
	if (header) {
		put_str(&o, "<thead><tr>");
		for (size_t c = 0; c < ncols; c++)
			emit(&o, "<th scope=\"col\"%s>%e</th>",
			     numeric && numeric[c] ? " class=\"num\"" : "", header[c]);
		put_str(&o, "</tr></thead>\n");
	}
	put_str(&o, "<tbody>\n");
	for (size_t r = 0; r < nrows && !o.errnum; r++) {
		put_str(&o, "<tr>");
		for (size_t c = 0; c < ncols; c++)
			emit(&o, "<td%s>%e</td>", numeric && numeric[c] ? " class=\"num\"" : "",
			     cells[r * ncols + c]);
		put_str(&o, "</tr>\n");
	}
	if (nrows == 0)
		emit(&o, "<tr><td class=\"nodata\" colspan=\"%z\">No data</td></tr>\n", ncols);
	put_str(&o, "</tbody>\n</table>\n</div>\n");
	return finish(&o, err);
}

/* ---- charts ---- */

static double clamp_value(double v)
{
	return fmax(-VALUE_MAX, fmin(VALUE_MAX, v));
}

/* Opens an SVG of the chart width and this height, named by title for assistive technology. */
static void svg_open(html_out *o, const char *title, double height)
{
	emit(o,
	     "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %f %f\""
	     " role=\"img\">\n<title>%e</title>\n",
	     CHART_W, height, title);
}

/* A hover title for a row: "label: value_text", or whichever of the two there is. */
static void row_title(html_out *o, const char *label, const char *value_text)
{
	bool has_label = label && *label, has_value = value_text && *value_text;

	put_str(o, "<title>");
	put_text(o, label);
	if (has_label && has_value)
		put_str(o, ": ");
	put_text(o, value_text);
	put_str(o, "</title>");
}

int spm_html_bar_chart(FILE *fp, const char *title, const spm_html_bar *bars, size_t n,
                       const double *reference, const char *reference_label, spm_error *err)
{
	html_out o;
	int rc = start(&o, fp, err);
	if (rc != SPM_OK)
		return rc;
	if (n > 0 && !bars)
		return spm_error_set(err, SPM_EUSAGE, "bar chart: no bars for %zu rows", n);
	if (n == 0) {
		no_data(&o);
		return finish(&o, err);
	}

	/* The scale runs over zero, every finite value and the reference. */
	bool has_ref = reference && isfinite(*reference), negative = false;
	double ref = has_ref ? clamp_value(*reference) : 0, lo = 0, hi = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(bars[i].value))
			continue;
		double v = clamp_value(bars[i].value);
		lo = fmin(lo, v);
		hi = fmax(hi, v);
		negative = negative || v < 0;
	}
	if (has_ref) {
		lo = fmin(lo, ref);
		hi = fmax(hi, ref);
	}
	if (hi - lo <= 0)
		hi = lo + 1; /* all zero: bars of no length around the axis */
	/* Negative bars need room for their text on their left, as positive ones on their right. */
	double left = BAR_LABEL_W + (negative ? BAR_VALUE_W : 0), right = CHART_W - BAR_VALUE_W;
	double unit = (right - left) / (hi - lo);
	double top = has_ref ? 26.0 : 8.0, bottom = top + (double)n * BAR_ROW;
	double x0 = left + (0 - lo) * unit;

	svg_open(&o, title ? title : "Bar chart", bottom + 8);
	for (size_t i = 0; i < n && !o.errnum; i++) {
		const spm_html_bar *b = &bars[i];
		double y = top + (double)i * BAR_ROW;
		put_str(&o, "<g>");
		row_title(&o, b->label, b->value_text);
		emit(&o, "<text x=\"%f\" y=\"%f\" text-anchor=\"end\">", BAR_LABEL_W - 8, y + 17);
		put_text_cut(&o, b->label, LABEL_CHARS);
		put_str(&o, "</text>");
		double text_x = x0 + 4;
		const char *anchor = "start";
		if (isfinite(b->value)) {
			double x1 = left + (clamp_value(b->value) - lo) * unit;
			emit(&o,
			     "<rect class=\"%s\" x=\"%f\" y=\"%f\" width=\"%f\" height=\"%f\"/>",
			     x1 < x0 ? "bar neg" : "bar", fmin(x0, x1), y + 4, fabs(x1 - x0),
			     BAR_HEIGHT);
			if (x1 < x0) {
				text_x = x1 - 4;
				anchor = "end";
			} else {
				text_x = x1 + 4;
			}
		}
		emit(&o, "<text x=\"%f\" y=\"%f\" text-anchor=\"%s\">", text_x, y + 17, anchor);
		put_text_cut(&o, b->value_text, VALUE_CHARS);
		put_str(&o, "</text></g>\n");
	}
	emit(&o, "<line class=\"axis\" x1=\"%f\" y1=\"%f\" x2=\"%f\" y2=\"%f\"/>\n", x0, top - 2,
	     x0, bottom + 2);
	if (has_ref) {
		double xr = left + (ref - lo) * unit;
		bool on_right = xr > (left + right) / 2;
		emit(&o, "<line class=\"ref\" x1=\"%f\" y1=\"%f\" x2=\"%f\" y2=\"%f\"/>\n", xr,
		     top - 8, xr, bottom + 4);
		if (reference_label && *reference_label) {
			emit(&o, "<text class=\"muted\" x=\"%f\" y=\"%f\" text-anchor=\"%s\">",
			     on_right ? xr - 3 : xr + 3, top - 12, on_right ? "end" : "start");
			put_text_cut(&o, reference_label, 2 * LABEL_CHARS);
			put_str(&o, "</text>\n");
		}
	}
	put_str(&o, "</svg>\n");
	return finish(&o, err);
}

/* A round step for an axis over span (> 0) with about five ticks: 1, 2, 2.5 or 5 times 10^k. */
static double nice_step(double span)
{
	double raw = span / 4, p = 1;

	while (p > raw)
		p /= 10;
	while (p * 10 <= raw)
		p *= 10;
	double m = raw / p;
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
}

size_t spm_html_tick_format(char *buf, size_t size, double v, double step)
{
	static const struct {
		double scale;
		const char *suffix;
	} units[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}};
	double unit = 1;
	const char *suffix = "";
	char num[48];

	if (!isfinite(v))
		v = 0;
	if (!isfinite(step) || step <= 0)
		step = 1;
	v = clamp_value(v);
	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
		if (fabs(v) >= units[u].scale) {
			unit = units[u].scale;
			suffix = units[u].suffix;
			break;
		}
	}
	/* As many decimals as make the step in this unit a whole number, at most three. */
	double s = step / unit, p = 1;
	int decimals = 0;
	while (decimals < 3 && fabs(s * p - round(s * p)) > 1e-6 * fmax(1, s * p)) {
		decimals++;
		p *= 10;
	}
	size_t len = fixed_format(num, sizeof num, v / unit, decimals);
	if (decimals > 0) {
		while (num[len - 1] == '0')
			len--;
		if (num[len - 1] == '.')
			len--;
		num[len] = '\0';
	}
	if (strcmp(num, "0") == 0)
		suffix = "";
	int n = snprintf(buf, size, "%s%s", num, suffix);
	return n < 0 ? 0 : (size_t)n;
}

#define LINE_H 260.0
#define LINE_LEFT 56.0 /* room for the tick labels */
#define LINE_RIGHT (CHART_W - 16)
#define LINE_TOP 12.0
#define LINE_BOTTOM (LINE_H - 40) /* room for the x labels */
#define LINE_PAD 10.0             /* between the axis ends and the first and last points */
#define LINE_DOTS_MAX 24          /* up to this many x, every point gets a dot */

typedef struct line_frame {
	size_t nx;
	double t0, t1; /* the axis's first and last tick */
} line_frame;

static double line_x(const line_frame *f, size_t i)
{
	if (f->nx == 1)
		return (LINE_LEFT + LINE_RIGHT) / 2;
	return LINE_LEFT + LINE_PAD +
	       (double)i * (LINE_RIGHT - LINE_LEFT - 2 * LINE_PAD) / (double)(f->nx - 1);
}

static double line_y(const line_frame *f, double v)
{
	return LINE_TOP + (f->t1 - clamp_value(v)) / (f->t1 - f->t0) * (LINE_BOTTOM - LINE_TOP);
}

/* One series: a path per run of finite values, a dot where a run is one point long (or always). */
static void line_series(html_out *o, const line_frame *f, const spm_html_series *s, size_t k)
{
	const char *cls[PALETTE] = {"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"};
	const char *c = cls[k % PALETTE];
	size_t i = 0;

	emit(o, "<g><title>%e</title>\n", s->name);
	while (i < f->nx && !o->errnum) {
		if (!isfinite(s->y[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < f->nx && isfinite(s->y[j]))
			j++;
		if (j - i > 1) {
			emit(o, "<path class=\"line %s\" d=\"", c);
			for (size_t p = i; p < j; p++)
				emit(o, "%s%f %f", p == i ? "M" : "L", line_x(f, p),
				     line_y(f, s->y[p]));
			put_str(o, "\"/>\n");
		}
		if (j - i == 1 || f->nx <= LINE_DOTS_MAX) {
			for (size_t p = i; p < j; p++)
				emit(o, "<circle class=\"dot %s\" cx=\"%f\" cy=\"%f\" r=\"%s\"/>\n",
				     c, line_x(f, p), line_y(f, s->y[p]),
				     j - i == 1 ? "3.5" : "2.5");
		}
		i = j;
	}
	put_str(o, "</g>\n");
}

int spm_html_line_chart(FILE *fp, const char *title, const char *const *x_labels, size_t nx,
                        const spm_html_series *series, size_t nseries, spm_error *err)
{
	html_out o;
	int rc = start(&o, fp, err);
	if (rc != SPM_OK)
		return rc;
	if (nseries > 0 && !series)
		return spm_error_set(err, SPM_EUSAGE, "line chart: no series for %zu", nseries);
	for (size_t s = 0; s < nseries; s++) {
		if (nx > 0 && !series[s].y)
			return spm_error_set(err, SPM_EUSAGE,
			                     "line chart: series %zu has no values", s + 1);
	}

	double lo = 0, hi = 0;
	bool any = false;
	for (size_t s = 0; s < nseries; s++) {
		for (size_t i = 0; i < nx; i++) {
			if (!isfinite(series[s].y[i]))
				continue;
			double v = clamp_value(series[s].y[i]);
			lo = fmin(lo, v);
			hi = fmax(hi, v);
			any = true;
		}
	}
	if (!any) {
		no_data(&o);
		return finish(&o, err);
	}
	if (hi - lo < 1e-9)
		hi = lo + 1; /* flat at zero, or too close to it for a round step */
	double step = nice_step(hi - lo);
	double k0 = floor(lo / step), k1 = ceil(hi / step);
	line_frame f = {nx, k0 * step, k1 * step};
	long nticks = lround(k1 - k0);

	svg_open(&o, title ? title : "Line chart", LINE_H);
	for (long t = 0; t <= nticks && !o.errnum; t++) {
		double v = (k0 + (double)t) * step;
		char label[64];
		if (fabs(v) < step * 1e-9)
			v = 0;
		double y = line_y(&f, v);
		spm_html_tick_format(label, sizeof label, v, step);
		emit(&o,
		     "<line class=\"%s\" x1=\"%f\" y1=\"%f\" x2=\"%f\" y2=\"%f\"/>"
		     "<text class=\"muted\" x=\"%f\" y=\"%f\" text-anchor=\"end\">%s</text>\n",
		     v == 0 ? "axis" : "gridline", LINE_LEFT, y, LINE_RIGHT, y, LINE_LEFT - 6,
		     y + 4, label);
	}
	if (x_labels) {
		/* Every k-th label, so that labels about 60 units apart never overlap. */
		size_t room = (size_t)((LINE_RIGHT - LINE_LEFT) / 60),
		       every = (nx + room - 1) / room;
		for (size_t i = 0; i < nx && !o.errnum; i += every) {
			emit(&o, "<text x=\"%f\" y=\"%f\" text-anchor=\"middle\">", line_x(&f, i),
			     LINE_BOTTOM + 20);
			put_text_cut(&o, x_labels[i], XLABEL_CHARS);
			put_str(&o, "</text>\n");
		}
	}
	for (size_t s = 0; s < nseries && !o.errnum; s++)
		line_series(&o, &f, &series[s], s);
	put_str(&o, "</svg>\n<ul class=\"legend\">\n");
	for (size_t s = 0; s < nseries && !o.errnum; s++)
		emit(&o,
		     "<li><svg viewBox=\"0 0 28 12\" aria-hidden=\"true\"><line class=\"s%z\" "
		     "x1=\"1\""
		     " y1=\"6\" x2=\"27\" y2=\"6\"/></svg>%e</li>\n",
		     s % PALETTE, series[s].name);
	put_str(&o, "</ul>\n");
	return finish(&o, err);
}

int spm_html_stacked_bar(FILE *fp, const char *title, const spm_html_bar *segments, size_t n,
                         spm_error *err)
{
	/* Text on the dark fills (blue, near-black) is white, dark on the others. */
	static const bool light_ink[PALETTE] = {true,  false, false, false,
	                                        false, false, true,  false};
	const double left = 8, width = CHART_W - 16, top = 8, height = 36;
	html_out o;
	int rc = start(&o, fp, err);
	if (rc != SPM_OK)
		return rc;
	if (n > 0 && !segments)
		return spm_error_set(err, SPM_EUSAGE, "stacked bar: no segments for %zu", n);
	if (n == 0) {
		no_data(&o);
		return finish(&o, err);
	}

	double total = 0;
	for (size_t i = 0; i < n; i++) {
		if (isfinite(segments[i].value) && segments[i].value > 0)
			total += clamp_value(segments[i].value);
	}
	svg_open(&o, title ? title : "Stacked bar", top + height + 8);
	emit(&o, "<rect class=\"track\" x=\"%f\" y=\"%f\" width=\"%f\" height=\"%f\"/>\n", left,
	     top, width, height);
	double sum = 0;
	for (size_t i = 0; i < n && total > 0 && !o.errnum; i++) {
		const spm_html_bar *b = &segments[i];
		if (!isfinite(b->value) || b->value <= 0)
			continue;
		double x0 = left + sum / total * width;
		sum += clamp_value(b->value);
		double x1 = left + fmin(sum / total, 1) * width;
		put_str(&o, "<g>");
		row_title(&o, b->label, b->value_text);
		emit(&o, "<rect class=\"seg k%z\" x=\"%f\" y=\"%f\" width=\"%f\" height=\"%f\"/>",
		     i % PALETTE, x0, top, x1 - x0, height);
		/* About 7.5 units a character at this size: show the text only where it fits. */
		size_t chars = char_count(b->value_text);
		if (chars > 0 && (double)chars * 7.5 + 8 <= x1 - x0) {
			emit(&o, "<text%s x=\"%f\" y=\"%f\" text-anchor=\"middle\">%e</text>",
			     light_ink[i % PALETTE] ? " class=\"ink-light\"" : "", (x0 + x1) / 2,
			     top + height / 2 + 4.5, b->value_text);
		}
		put_str(&o, "</g>\n");
	}
	put_str(&o, "</svg>\n<ul class=\"legend\">\n");
	for (size_t i = 0; i < n && !o.errnum; i++) {
		const spm_html_bar *b = &segments[i];
		emit(&o,
		     "<li><svg viewBox=\"0 0 28 12\" aria-hidden=\"true\"><rect class=\"k%z\" "
		     "x=\"0\""
		     " y=\"0\" width=\"28\" height=\"12\"/></svg>%e",
		     i % PALETTE, b->label);
		if (b->value_text && *b->value_text)
			emit(&o, " <span class=\"num\">%e</span>", b->value_text);
		put_str(&o, "</li>\n");
	}
	put_str(&o, "</ul>\n");
	return finish(&o, err);
}

/* ---- terminal ---- */

size_t spm_sparkline(char *buf, size_t size, const double *v, size_t n)
{
	static const char levels[8][4] = {"\xE2\x96\x81", "\xE2\x96\x82", "\xE2\x96\x83",
	                                  "\xE2\x96\x84", "\xE2\x96\x85", "\xE2\x96\x86",
	                                  "\xE2\x96\x87", "\xE2\x96\x88"};
	double lo = INFINITY, hi = -INFINITY;
	size_t need = 0, used = 0;
	bool cut = false;

	if (!v)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		if (isfinite(v[i])) {
			lo = fmin(lo, v[i]);
			hi = fmax(hi, v[i]);
		}
	}
	for (size_t i = 0; i < n; i++) {
		const char *glyph = " ";
		size_t len = 1;
		if (isfinite(v[i])) {
			int level = 3; /* a flat series sits in the middle */
			if (hi > lo) {
				/* halves, so that a span from -DBL_MAX to DBL_MAX does not overflow
				 */
				double t = (v[i] / 2 - lo / 2) / (hi / 2 - lo / 2);
				level = (int)fmin(7, fmax(0, floor(t * 7 + 0.5)));
			}
			glyph = levels[level];
			len = 3;
		}
		need += len;
		if (!cut && buf && used + len < size) {
			memcpy(buf + used, glyph, len);
			used += len;
		} else {
			cut = true;
		}
	}
	if (buf && size > 0)
		buf[used] = '\0';
	return need;
}
