/*
 * spm/html.h - a self-contained HTML page with inline SVG charts, for dashboards.
 *
 * The page is written straight to a stdio stream, piece by piece, in the order of the calls:
 *
 *     spm_html_begin(fp, "Q1 2026", "as of 2026-03-31", &err);
 *     spm_html_card_begin(fp, "Attainment", false, &err);
 *     spm_html_bar_chart(fp, "Attainment by rep", bars, n, &one_hundred, "100% of quota", &err);
 *     spm_html_card_end(fp, &err);
 *     ...
 *     spm_html_end(fp, &err);
 *
 * Nothing is kept between calls: the caller opens and closes what it began, in order. The page
 * loads nothing from elsewhere (its style is inline, a Content-Security-Policy forbids any other
 * source, and it has no script at all), so it can be mailed or archived as one file.
 *
 * The module only draws. Values arrive as doubles used for geometry alone (where a bar ends, how
 * high a point is); every text shown beside them (a bar's "$1,250,000.00", a series' name) comes
 * from the caller already formatted, so money is formatted from exact decimals by the caller, never
 * here. The one text this module makes from a number is an axis tick of a line chart (see
 * spm_html_tick_format), which is decoration.
 *
 * Every string from the caller is escaped (spm_html_escape): it can never open a tag, close an
 * attribute or smuggle a control character. Strings may be NULL where a function says so, and
 * then count as empty. The output is deterministic: numbers in SVG attributes are written with one
 * decimal, without the locale, never as -0.0, NaN or infinity; the same calls give the same bytes.
 *
 * Every function that writes checks each write. A failure is reported as SPM_EIO
 * "write error: <reason>"; what was written before it stays in the stream. A stream that already
 * had its error indicator set also fails with SPM_EIO. Each function fills err (may be NULL).
 */
#ifndef SPM_HTML_H
#define SPM_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "spm/error.h"

/*
 * Writes text (len bytes, not necessarily NUL-terminated; NULL only when len is 0) to fp escaped
 * for HTML element content, attribute values and SVG (XML) text alike: & < > " ' as &amp; &lt; &gt;
 * &quot; &#39;. Characters no page should hold become U+FFFD: control characters other than tab
 * and newline (C0, DEL and C1), U+FFFE and U+FFFF (not XML characters), and each byte that does
 * not begin a well-formed UTF-8 sequence (overlong forms, surrogates, values past U+10FFFF,
 * truncated sequences). Everything else is copied unchanged. Returns SPM_OK, SPM_EUSAGE for a NULL
 * fp (or NULL text with len > 0), or SPM_EIO when a write fails. Fills no error record: the
 * functions below that call it report failures themselves.
 */
int spm_html_escape(FILE *fp, const char *text, size_t len);

/*
 * Starts the page: doctype, <html lang="en">, charset, viewport and security policy, the escaped
 * title, the module's own style sheet (dark text on white, a responsive grid of cards, one column
 * in print), then <body> with a header holding the title as <h1> and the subtitle (NULL for none)
 * below it, and opens the grid that the cards go in. Returns SPM_OK, SPM_EUSAGE (no fp, no title)
 * or SPM_EIO.
 */
int spm_html_begin(FILE *fp, const char *title, const char *subtitle, spm_error *err);

/* Closes the grid, the body and the page, and flushes fp. Returns SPM_OK, SPM_EUSAGE, SPM_EIO. */
int spm_html_end(FILE *fp, spm_error *err);

/*
 * Opens a card: a bordered box in the grid with an <h2> heading (NULL for none). A wide card spans
 * the whole row (for a table with many columns). Put charts, tables and notes in it, then close it
 * with spm_html_card_end. Returns SPM_OK, SPM_EUSAGE (no fp) or SPM_EIO.
 */
int spm_html_card_begin(FILE *fp, const char *heading, bool wide, spm_error *err);
int spm_html_card_end(FILE *fp, spm_error *err);

/* A paragraph of text (escaped; NULL writes nothing), e.g. how a figure was computed. */
int spm_html_note(FILE *fp, const char *text, spm_error *err);

/*
 * A table of ncols columns: header[ncols] (NULL for no header row) and nrows rows of cells given
 * row by row in cells[nrows * ncols] (a NULL cell is empty). numeric[ncols] (NULL when no column
 * is numeric) marks columns to right-align with figures of equal width. With no rows the header is
 * followed by one "No data" row. Returns SPM_OK, SPM_EUSAGE (no fp, no columns, no cells for rows,
 * a size that overflows) or SPM_EIO.
 */
int spm_html_table(FILE *fp, const char *const *header, const bool *numeric, size_t ncols,
                   const char *const *cells, size_t nrows, spm_error *err);

/* One bar of a bar chart or one segment of a stacked bar. label and value_text may be NULL. */
typedef struct spm_html_bar {
	const char *label;      /* left of the bar, cut to 22 characters, whole on hover */
	double value;           /* the bar's length; not finite: no bar, the row still shown */
	const char *value_text; /* at the bar's end, as the caller wrote it; cut to 14 */
} spm_html_bar;

/*
 * A horizontal bar chart, one row per bar in the order given, as an SVG whose accessible name is
 * title (NULL: "Bar chart"). Bars start at a zero axis: positive values to its right, negative ones
 * to its left, all on one linear scale from min(0, values, reference) to max(0, values,
 * reference); all values zero draws no bar lengths rather than dividing by zero. reference (NULL
 * for none; ignored when not finite) draws a dashed line across the rows, labelled with
 * reference_label (NULL: none). Values are clamped to +-1e15 for drawing. Each row has a hover
 * title "label: value_text". n == 0 writes a "No data" note instead of a chart. Returns SPM_OK,
 * SPM_EUSAGE (no fp, no bars for n > 0) or SPM_EIO.
 */
int spm_html_bar_chart(FILE *fp, const char *title, const spm_html_bar *bars, size_t n,
                       const double *reference, const char *reference_label, spm_error *err);

/* One line of a line chart: its name (NULL: empty) and its y values, one per x label. */
typedef struct spm_html_series {
	const char *name;
	const double *y; /* nx values; a value that is not finite (NAN) is a gap in the line */
} spm_html_series;

/*
 * A line chart as an SVG (accessible name title, NULL: "Line chart") followed by an HTML legend:
 * nx points along x, labelled by x_labels[nx] (NULL for none; each cut to 10 characters, and only
 * every k-th shown when they would crowd), one line per series in the palette's order, each with
 * its own colour and dash pattern so that they stay apart without colour. A gap (NAN) breaks a
 * line; a point with gaps on both sides, or a single x, is drawn as a dot. The y axis always
 * includes zero and runs over 3 to 7 round ticks (steps of 1, 2, 2.5 or 5 times a power of ten)
 * labelled by spm_html_tick_format; values are clamped to +-1e15. No x, no series or no finite
 * value writes a "No data" note instead. Returns SPM_OK, SPM_EUSAGE (no fp, no series array for
 * nseries > 0, a series without values while nx > 0) or SPM_EIO.
 */
int spm_html_line_chart(FILE *fp, const char *title, const char *const *x_labels, size_t nx,
                        const spm_html_series *series, size_t nseries, spm_error *err);

/*
 * A single horizontal bar split into segments (e.g. the pipeline: closed, commit, best case,
 * pipeline), in the order given, each as wide as its share of the sum of the positive finite
 * values (a segment that is not positive or not finite has no width), followed by an HTML legend of
 * every segment: its colour, label and value_text. A segment wide enough shows its value_text
 * inside. All segments zero draws the empty bar. n == 0 writes a "No data" note. Returns SPM_OK,
 * SPM_EUSAGE (no fp, no segments for n > 0) or SPM_EIO.
 */
int spm_html_stacked_bar(FILE *fp, const char *title, const spm_html_bar *segments, size_t n,
                         spm_error *err);

/*
 * The label of a line chart's y tick at value v on an axis of ticks step apart, written to buf
 * (always NUL-terminated when size > 0). Returns the length the whole label has, like snprintf.
 * The rule: a unit from the tick's own magnitude, k (|v| >= 1e3), M (1e6), B (1e9) or T (1e12);
 * as many decimals (at most 3) as the step needs in that unit; trailing zeros dropped; zero is "0"
 * and no label is "-0". Ticks 0, 250000, 500000, ..., 1250000 read 0, 250k, 500k, 750k, 1M, 1.25M.
 * A value or step that is not finite reads "0" and as whole numbers.
 */
size_t spm_html_tick_format(char *buf, size_t size, double v, double step);

/*
 * A text sparkline for a terminal: one of ▁▂▃▄▅▆▇█ per value of v[n], on a linear scale from the
 * smallest to the largest finite value (rounded to the nearest of the eight levels), a space for a
 * value that is not finite (NAN), and ▄ for every finite value of a flat series. Writes the UTF-8
 * text to buf: only whole characters, always NUL-terminated when size > 0 (buf may be NULL when
 * size is 0; v may be NULL when n is 0). Returns the length in bytes the whole sparkline has (3
 * per bar, 1 per space), not counting the NUL: the text was cut when that is >= size.
 */
size_t spm_sparkline(char *buf, size_t size, const double *v, size_t n);

#endif
