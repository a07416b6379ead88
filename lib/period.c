/*
 * period.c - named periods (months, quarters, halves, years), calendar or fiscal.
 * Every period is computed from one rule: a fiscal year starting on day 1 of start_month, cut into
 * runs of 1, 3, 6 or 12 months. The calendar is the fiscal year starting in January. A period keeps
 * no pointer to the fiscal setting: shift and split recover the start month and the naming from the
 * period's own first day and name, so a period stays a plain value that can be copied and stored.
 */
#include "spm/period.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "util.h"

#define MIN_YEAR 1
#define MAX_YEAR 9999

/* How a period's name maps to months: the fiscal year's start month and how its years are named. */
struct naming {
	bool fiscal;
	int start_month;
	bool named_by_start;
};

static int kind_months(spm_period_kind kind)
{
	switch (kind) {
	case SPM_PERIOD_MONTH:
		return 1;
	case SPM_PERIOD_QUARTER:
		return 3;
	case SPM_PERIOD_HALF:
		return 6;
	case SPM_PERIOD_YEAR:
		return 12;
	}
	return 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/*
 * Fills out from its name parts. The first month, counted in months since year 0, is the fiscal
 * year's first month plus the earlier periods of the year. SPM_ERANGE if a name year or a day falls
 * outside 1..9999, SPM_EUSAGE if the parts make no period.
 */
static int build(spm_period *out, spm_period_kind kind, int64_t year, int64_t index,
                 const struct naming *nm)
{
	int len = kind_months(kind);
	int per_year = len ? 12 / len : 0;
	int start = nm->fiscal ? nm->start_month : 1;

	if (len == 0 || start < 1 || start > 12)
		return SPM_EUSAGE;
	if (kind == SPM_PERIOD_YEAR ? index != 0 : (index < 1 || index > per_year))
		return SPM_EUSAGE;
	if (year < MIN_YEAR || year > MAX_YEAR)
		return SPM_ERANGE;

	int64_t fy_first_year = (start == 1 || nm->named_by_start) ? year : year - 1;
	int64_t first_month =
	    fy_first_year * 12 + (start - 1) + (kind == SPM_PERIOD_YEAR ? 0 : (index - 1) * len);
	int64_t last_month = first_month + len - 1;
	int fy = (int)(first_month / 12), fm = (int)(first_month % 12) + 1;
	int ly = (int)(last_month / 12), lm = (int)(last_month % 12) + 1;
	spm_period p;

	if (spm_date_from_ymd(&p.first, fy, fm, 1) != SPM_OK ||
	    spm_date_from_ymd(&p.last, ly, lm, spm_days_in_month(ly, lm)) != SPM_OK)
		return SPM_ERANGE;
	p.kind = kind;
	p.fiscal = nm->fiscal;
	p.year = (int)year;
	p.index = (int)index;
	*out = p;
	return SPM_OK;
}

/*
 * Recovers the naming of an existing period and checks that its fields agree with each other, so
 * that a hand-made or damaged value is refused instead of shifted into nonsense.
 */
static int naming_of(const spm_period *p, struct naming *nm)
{
	int len = kind_months(p->kind);
	int y, m;
	spm_period check;

	if (len == 0)
		return SPM_EUSAGE;
	spm_date_to_ymd(p->first, &y, &m, NULL);
	int64_t offset = p->kind == SPM_PERIOD_YEAR ? 0 : ((int64_t)p->index - 1) * len;
	int64_t fy_first_month = (int64_t)y * 12 + (m - 1) - offset;
	int64_t fy_first_year = floor_div(fy_first_month, 12);
	nm->fiscal = p->fiscal;
	nm->start_month = (int)(fy_first_month - fy_first_year * 12) + 1;
	nm->named_by_start = fy_first_year == p->year && nm->start_month != 1;
	if (build(&check, p->kind, p->year, p->index, nm) != SPM_OK ||
	    check.first.days != p->first.days || check.last.days != p->last.days)
		return SPM_EUSAGE;
	return SPM_OK;
}

bool spm_period_contains(const spm_period *p, spm_date d)
{
	return d.days >= p->first.days && d.days <= p->last.days;
}

int32_t spm_period_days(const spm_period *p)
{
	return spm_date_diff(p->first, p->last) + 1;
}

size_t spm_period_format(char *buf, size_t size, const spm_period *p)
{
	char tmp[64];
	const char *fy = p->fiscal ? "FY" : "";
	int n;

	switch (p->kind) {
	case SPM_PERIOD_MONTH:
		if (p->fiscal)
			n = snprintf(tmp, sizeof tmp, "FY%04d-M%02d", p->year, p->index);
		else
			n = snprintf(tmp, sizeof tmp, "%04d-%02d", p->year, p->index);
		break;
	case SPM_PERIOD_QUARTER:
		n = snprintf(tmp, sizeof tmp, "%s%04d-Q%d", fy, p->year, p->index);
		break;
	case SPM_PERIOD_HALF:
		n = snprintf(tmp, sizeof tmp, "%s%04d-H%d", fy, p->year, p->index);
		break;
	case SPM_PERIOD_YEAR:
	default:
		n = snprintf(tmp, sizeof tmp, "%s%04d", fy, p->year);
		break;
	}
	if (n < 0)
		n = 0;
	if (size > 0) {
		size_t k = (size_t)n < size - 1 ? (size_t)n : size - 1;
		memcpy(buf, tmp, k);
		buf[k] = '\0';
	}
	return (size_t)n;
}

static int check_fiscal(const spm_fiscal *fiscal, spm_error *err)
{
	if (fiscal && (fiscal->start_month < 1 || fiscal->start_month > 12))
		return spm_error_set(err, SPM_EUSAGE,
		                     "fiscal year start month: not a month: %d (give 1 to 12)",
		                     fiscal->start_month);
	return SPM_OK;
}

int spm_period_parse(spm_period *out, const char *text, size_t len, const spm_fiscal *fiscal,
                     spm_error *err)
{
	const char *s = text ? text : "";
	char q[SPM_QUOTE_BUFSZ];
	size_t i = 0;
	int year = 0, index = 0;
	spm_period_kind kind = SPM_PERIOD_YEAR;
	const char *what = NULL;
	struct naming nm = {false, 1, false};
	int rc = check_fiscal(fiscal, err);

	if (rc != SPM_OK)
		return rc;
	if (!text)
		len = 0;
	while (len > 0 && spm_is_blank(s[0]))
		s++, len--;
	while (len > 0 && spm_is_blank(s[len - 1]))
		len--;
	spm_quote(q, sizeof q, s, len);

	if (len >= 2 && spm_ascii_upper(s[0]) == 'F' && spm_ascii_upper(s[1]) == 'Y') {
		nm.fiscal = true;
		if (fiscal) {
			nm.start_month = fiscal->start_month;
			nm.named_by_start = fiscal->named_by_start;
		}
		i = 2;
	}
	for (int k = 0; k < 4; k++, i++) {
		if (i >= len || !spm_is_digit(s[i]))
			goto not_a_period;
		year = year * 10 + (s[i] - '0');
	}
	if (i < len) {
		char c;
		size_t digits_from;
		if (s[i++] != '-' || i >= len)
			goto not_a_period;
		c = spm_ascii_upper(s[i]);
		if (c == 'Q') {
			kind = SPM_PERIOD_QUARTER, what = "quarter", i++;
		} else if (c == 'H') {
			kind = SPM_PERIOD_HALF, what = "half", i++;
		} else if (c == 'M' && nm.fiscal) {
			kind = SPM_PERIOD_MONTH, what = "month", i++;
		} else if (spm_is_digit(c) && !nm.fiscal) {
			/* FY2026-03 is refused: the calendar's third month or the fiscal year's? */
			kind = SPM_PERIOD_MONTH, what = "month";
		} else {
			goto not_a_period;
		}
		digits_from = i;
		while (i < len && spm_is_digit(s[i]) && i - digits_from < 2)
			index = index * 10 + (s[i++] - '0');
		if (i == digits_from || i != len)
			goto not_a_period;
		if (index < 1 || index > 12 / kind_months(kind))
			return spm_error_set(err, SPM_EDATA, "no %s %d in %s", what, index, q);
	}
	if (year < MIN_YEAR)
		return spm_error_set(err, SPM_EDATA, "no year 0 in %s", q);
	rc = build(out, kind, year, index, &nm);
	if (rc != SPM_OK)
		return spm_error_set(err, SPM_EDATA, "period outside the years 1 to 9999: %s", q);
	return SPM_OK;

not_a_period:
	return spm_error_set(err, SPM_EDATA, "not a period: %s", q);
}

int spm_period_of(spm_period *out, spm_date d, spm_period_kind kind, const spm_fiscal *fiscal)
{
	struct naming nm = {false, 1, false};
	int len = kind_months(kind);
	int y, m;

	if (len == 0 || check_fiscal(fiscal, NULL) != SPM_OK)
		return SPM_EUSAGE;
	if (fiscal && fiscal->start_month != 1) {
		nm.fiscal = true;
		nm.start_month = fiscal->start_month;
		nm.named_by_start = fiscal->named_by_start;
	}
	spm_date_to_ymd(d, &y, &m, NULL);
	if (y < MIN_YEAR || y > MAX_YEAR)
		return SPM_ERANGE;
	/* Months since the start of the fiscal year that holds d: 0..11. */
	int offset = (m - nm.start_month + 12) % 12;
	int fy_first_year = m >= nm.start_month ? y : y - 1;
	int name_year =
	    (nm.start_month == 1 || nm.named_by_start) ? fy_first_year : fy_first_year + 1;
	int index = kind == SPM_PERIOD_YEAR ? 0 : offset / len + 1;
	return build(out, kind, name_year, index, &nm);
}

int spm_period_shift(spm_period *out, const spm_period *p, int n)
{
	struct naming nm;
	int rc = naming_of(p, &nm);

	if (rc != SPM_OK)
		return rc;
	if (p->kind == SPM_PERIOD_YEAR)
		return build(out, p->kind, (int64_t)p->year + n, 0, &nm);
	int64_t per_year = 12 / kind_months(p->kind);
	int64_t pos = (int64_t)p->year * per_year + (p->index - 1) + n;
	int64_t year = floor_div(pos, per_year);
	return build(out, p->kind, year, pos - year * per_year + 1, &nm);
}

int spm_period_split(const spm_period *p, spm_period_kind kind, spm_period *out, size_t cap,
                     size_t *n)
{
	struct naming nm;
	int len = kind_months(kind);
	int rc = naming_of(p, &nm);

	if (rc != SPM_OK)
		return rc;
	if (!n || len == 0 || len >= kind_months(p->kind))
		return SPM_EUSAGE;
	size_t count = (size_t)(kind_months(p->kind) / len);
	*n = count;
	if (cap < count || !out)
		return SPM_EUSAGE;
	/* The first part's index within the fiscal year: parts before p, plus one. */
	int first = p->kind == SPM_PERIOD_YEAR ? 1 : (p->index - 1) * (int)count + 1;
	for (size_t k = 0; k < count; k++) {
		rc = build(&out[k], kind, p->year, first + (int)k, &nm);
		if (rc != SPM_OK)
			return rc;
	}
	return SPM_OK;
}
