/*
 * fuzz_date.c - libFuzzer target for date and period parsing.
 * The input is parsed as an ISO date, as a date in a layout (a fixed one picked by the first byte,
 * or the fuzzer's own before a newline), and as a period under a fiscal setting picked by the first
 * byte. Whatever parses must write itself back to a text that parses to the same value; anything
 * else aborts, so the fuzzer reports it along with the sanitizers' findings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spm/date.h"
#include "spm/period.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const layouts[] = {
    "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d",   "%d %b %Y",      "%b %d, %Y",
    "%Y%m%d",   "%d%m%Y",   "%Y-%b-%d", "%d%%%m%%%Y", "%bember %d %Y", "%Y/%m/%d",
};

static void check(int ok)
{
	if (!ok)
		abort();
}

/* A failed parse must leave a message; a successful one must not touch the error code. */
static void check_error(int rc, const spm_error *err)
{
	if (rc == SPM_OK)
		check(err->code == SPM_OK);
	else
		check(err->code == rc && err->message[0] != '\0' &&
		      memchr(err->message, '\0', sizeof err->message) != NULL);
}

/* Writes d in layout, the way a spreadsheet would: fields zero-padded, months abbreviated. */
static size_t render(char *buf, size_t size, const char *layout, spm_date d)
{
	static const char *const abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int y, m, dd;
	size_t n = 0;

	spm_date_to_ymd(d, &y, &m, &dd);
	for (const char *l = layout; *l; l++) {
		char field[8];
		size_t len = 1;
		field[0] = *l;
		if (*l == '%') {
			l++;
			switch (*l) {
			case 'Y':
				field[0] = (char)('0' + y / 1000),
				field[1] = (char)('0' + y / 100 % 10);
				field[2] = (char)('0' + y / 10 % 10),
				field[3] = (char)('0' + y % 10);
				len = 4;
				break;
			case 'm':
			case 'd': {
				int v = *l == 'm' ? m : dd;
				field[0] = (char)('0' + v / 10), field[1] = (char)('0' + v % 10);
				len = 2;
				break;
			}
			case 'b':
				memcpy(field, abbr[m - 1], 3);
				len = 3;
				break;
			default:
				field[0] = '%';
				break;
			}
		}
		check(n + len < size);
		memcpy(buf + n, field, len);
		n += len;
	}
	buf[n] = '\0';
	return n;
}

static void check_date_round_trip(spm_date d, const char *layout)
{
	char iso[SPM_DATE_BUFSZ], text[512];
	spm_date back = {0};
	spm_error err;
	int y;

	spm_date_to_ymd(d, &y, NULL, NULL);
	check(y >= 1 && y <= 9999);
	check(spm_date_format(iso, sizeof iso, d) == 10 && strlen(iso) == 10);
	check(spm_date_parse(&back, iso, 10, NULL, &err) == SPM_OK && back.days == d.days);
	if (layout) {
		size_t n = render(text, sizeof text, layout, d);
		back.days = 0;
		check(spm_date_parse(&back, text, n, layout, &err) == SPM_OK &&
		      back.days == d.days);
	}
}

static void fuzz_dates(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	spm_date d = {0};
	spm_error err;
	int rc;

	spm_error_clear(&err);
	rc = spm_date_parse(&d, text, size, NULL, &err);
	check_error(rc, &err);
	check(rc == SPM_OK || rc == SPM_EDATA);
	if (rc == SPM_OK)
		check_date_round_trip(d, NULL);

	if (size == 0)
		return;
	char layout[256];
	const uint8_t *nl = memchr(data, '\n', size);
	const char *t;
	size_t tlen;
	if (nl && (size_t)(nl - data) < sizeof layout) {
		size_t llen = (size_t)(nl - data);
		memcpy(layout, data, llen);
		layout[llen] = '\0';
		t = (const char *)nl + 1;
		tlen = size - llen - 1;
	} else {
		const char *fixed = layouts[data[0] % (sizeof layouts / sizeof layouts[0])];
		memcpy(layout, fixed, strlen(fixed) + 1);
		t = text + 1;
		tlen = size - 1;
	}
	spm_error_clear(&err);
	int layout_rc = spm_date_layout_check(layout, &err);
	check_error(layout_rc, &err);
	spm_error_clear(&err);
	rc = spm_date_parse(&d, t, tlen, layout, &err);
	check_error(rc, &err);
	check(layout_rc == SPM_OK ? (rc == SPM_OK || rc == SPM_EDATA) : rc == SPM_EUSAGE);
	if (rc == SPM_OK)
		check_date_round_trip(d, layout);
}

static bool same_period(const spm_period *a, const spm_period *b)
{
	return a->kind == b->kind && a->fiscal == b->fiscal && a->year == b->year &&
	       a->index == b->index && a->first.days == b->first.days &&
	       a->last.days == b->last.days;
}

static void fuzz_periods(const uint8_t *data, size_t size)
{
	spm_fiscal fiscal = {1, false};
	const spm_fiscal *f = NULL;
	spm_period p, back, moved;
	spm_error err;
	char name[SPM_PERIOD_BUFSZ];

	if (size > 0 && (data[0] & 0x80)) {
		fiscal.start_month = data[0] % 12 + 1;
		fiscal.named_by_start = (data[0] & 0x40) != 0;
		f = &fiscal;
	}
	spm_error_clear(&err);
	int rc = spm_period_parse(&p, (const char *)data, size, f, &err);
	check_error(rc, &err);
	check(rc == SPM_OK || rc == SPM_EDATA);
	if (rc != SPM_OK)
		return;

	size_t n = spm_period_format(name, sizeof name, &p);
	check(n < sizeof name && strlen(name) == n);
	check(spm_period_parse(&back, name, n, f, &err) == SPM_OK && same_period(&p, &back));
	check(spm_period_days(&p) >= 28 && spm_period_days(&p) <= 366);
	check(spm_period_contains(&p, p.first) && spm_period_contains(&p, p.last));
	check(!spm_period_contains(&p, spm_date_add_days(p.first, -1)));
	check(!spm_period_contains(&p, spm_date_add_days(p.last, 1)));

	/* A step forward and back returns to p; the step forward starts the day after p ends. */
	rc = spm_period_shift(&moved, &p, 1);
	check(rc == SPM_OK || rc == SPM_ERANGE);
	if (rc == SPM_OK) {
		check(moved.first.days == p.last.days + 1);
		check(spm_period_shift(&back, &moved, -1) == SPM_OK && same_period(&p, &back));
	}

	/* The months of p tile it. */
	if (p.kind != SPM_PERIOD_MONTH) {
		spm_period months[12];
		size_t count = 0;
		check(spm_period_split(&p, SPM_PERIOD_MONTH, months, 12, &count) == SPM_OK);
		check(months[0].first.days == p.first.days);
		check(months[count - 1].last.days == p.last.days);
		for (size_t i = 1; i < count; i++)
			check(months[i].first.days == months[i - 1].last.days + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_dates(data, size);
	fuzz_periods(data, size);
	return 0;
}
