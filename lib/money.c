/*
 * money.c - exact decimal money and rates: parsing, formatting, rounding and checked arithmetic.
 *
 * Every value is a scaled int64. Products and quotients are formed in 128-bit integers and brought
 * back to a scale by round_div(), the only place where rounding happens, so a mode means the same
 * in every operation. Text is read and written digit by digit; no binary floating point is
 * involved.
 */
#include "spm/money.h"

#include <inttypes.h>
#include <string.h>

#include "rounding.h"
#include "util.h"

__extension__ typedef __int128 i128;

/* 10^0 .. 10^4: the steps spm_money_round() can round to. */
static const int64_t pow10_tab[SPM_MONEY_SCALE + 1] = {1, 10, 100, 1000, 10000};

bool spm_rounding_valid(spm_rounding mode)
{
	switch (mode) {
	case SPM_ROUND_HALF_UP:
	case SPM_ROUND_HALF_EVEN:
	case SPM_ROUND_HALF_DOWN:
	case SPM_ROUND_UP:
	case SPM_ROUND_DOWN:
	case SPM_ROUND_CEILING:
	case SPM_ROUND_FLOOR:
		return true;
	}
	return false;
}

bool spm_round_away(spm_rounding mode, bool negative, bool odd, int half_cmp)
{
	switch (mode) {
	case SPM_ROUND_HALF_UP:
		return half_cmp >= 0;
	case SPM_ROUND_HALF_EVEN:
		return half_cmp > 0 || (half_cmp == 0 && odd);
	case SPM_ROUND_HALF_DOWN:
		return half_cmp > 0;
	case SPM_ROUND_UP:
		return true;
	case SPM_ROUND_DOWN:
		return false;
	case SPM_ROUND_CEILING:
		return !negative;
	case SPM_ROUND_FLOOR:
		return negative;
	}
	return false;
}

/*
 * *out = num / den rounded with mode, if it fits an int64. Callers keep |num| and |den| well below
 * 2^126 (an int64 product, or an int64 times at most 10^10), so negating the remainder and doubling
 * it cannot overflow.
 */
static int round_div(int64_t *out, i128 num, i128 den, spm_rounding mode)
{
	i128 q, r, twice_r, abs_den;

	if (!spm_rounding_valid(mode))
		return SPM_EUSAGE;
	if (den == 0)
		return SPM_ERANGE;
	q = num / den; /* C truncates toward zero; the remainder decides the rest */
	r = num % den;
	if (r != 0) {
		bool negative = (num < 0) != (den < 0);
		twice_r = 2 * (r < 0 ? -r : r);
		abs_den = den < 0 ? -den : den;
		if (spm_round_away(mode, negative, q % 2 != 0,
				   twice_r < abs_den ? -1 : twice_r > abs_den ? 1 : 0))
			q += negative ? -1 : 1;
	}
	if (q < INT64_MIN || q > INT64_MAX)
		return SPM_ERANGE;
	*out = (int64_t)q;
	return SPM_OK;
}

/* --- rounding names --- */

static const char *const rounding_names[] = {
    [SPM_ROUND_HALF_UP] = "half-up",     [SPM_ROUND_HALF_EVEN] = "half-even",
    [SPM_ROUND_HALF_DOWN] = "half-down", [SPM_ROUND_UP] = "up",
    [SPM_ROUND_DOWN] = "down",           [SPM_ROUND_CEILING] = "ceiling",
    [SPM_ROUND_FLOOR] = "floor",
};

int spm_rounding_parse(spm_rounding *out, const char *name)
{
	if (!name)
		return SPM_EUSAGE;
	for (size_t i = 0; i < sizeof rounding_names / sizeof rounding_names[0]; i++) {
		if (strcmp(name, rounding_names[i]) == 0) {
			*out = (spm_rounding)i;
			return SPM_OK;
		}
	}
	return SPM_EUSAGE;
}

const char *spm_rounding_name(spm_rounding mode)
{
	if (!spm_rounding_valid(mode))
		return "invalid";
	return rounding_names[mode];
}

/* --- parsing --- */

enum parse_result { PARSE_OK, PARSE_SYNTAX, PARSE_DECIMALS, PARSE_RANGE };

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Narrows text[*begin, *end) to the part between leading and trailing blanks. */
static void trim_blanks(const char *text, size_t *begin, size_t *end)
{
	while (*begin < *end && is_blank(text[*begin]))
		(*begin)++;
	while (*end > *begin && is_blank(text[*end - 1]))
		(*end)--;
}

/* *mag = *mag * 10 + digit, or false on overflow. */
static bool push_digit(uint64_t *mag, unsigned digit)
{
	return !__builtin_mul_overflow(*mag, 10u, mag) && !__builtin_add_overflow(*mag, digit, mag);
}

/* Magnitude and sign to int64, or false when the value is outside int64 (-2^63 is allowed). */
static bool signed_fits(int64_t *out, uint64_t mag, bool negative)
{
	if (negative) {
		if (mag > (uint64_t)INT64_MAX + 1)
			return false;
		*out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	} else {
		if (mag > (uint64_t)INT64_MAX)
			return false;
		*out = (int64_t)mag;
	}
	return true;
}

/*
 * Reads [blanks][sign]digits[sep[digits]][%][blanks] as a count of 10^-scale units. With
 * percent_ok a trailing '%' moves the point two places, so the text may carry two decimals fewer;
 * *scale_used reports the limit that applied, for the message. Syntax is judged before decimals and
 * decimals before range, so a text is reported for its most basic fault.
 */
static enum parse_result parse_scaled(int64_t *out, const char *text, size_t len, char sep,
                                      bool percent_ok, int scale, int *scale_used)
{
	size_t i = 0, end = text ? len : 0;
	bool negative = false, overflow = false, excess = false;
	uint64_t mag = 0;
	int ndigits = 0, nfrac = 0;

	trim_blanks(text, &i, &end);
	if (i < end && (text[i] == '+' || text[i] == '-')) {
		negative = text[i] == '-';
		i++;
	}
	if (percent_ok && end > i && text[end - 1] == '%') {
		end--;
		scale -= 2;
	}
	*scale_used = scale;
	for (; i < end && spm_is_digit(text[i]); i++, ndigits++) {
		if (!push_digit(&mag, (unsigned)(text[i] - '0')))
			overflow = true;
	}
	if (i < end && text[i] == sep) {
		for (i++; i < end && spm_is_digit(text[i]); i++, ndigits++) {
			if (nfrac < scale) {
				if (!push_digit(&mag, (unsigned)(text[i] - '0')))
					overflow = true;
				nfrac++;
			} else if (text[i] != '0') {
				/* Zeros past the scale change nothing and are accepted. */
				excess = true;
			}
		}
	}
	if (i != end || ndigits == 0)
		return PARSE_SYNTAX;
	if (excess)
		return PARSE_DECIMALS;
	for (; nfrac < scale; nfrac++) {
		if (!push_digit(&mag, 0))
			overflow = true;
	}
	if (overflow || !signed_fits(out, mag, negative))
		return PARSE_RANGE;
	return PARSE_OK;
}

/* Turns a parse_result into the status and message the header promises. */
static int parse_report(enum parse_result res, const char *text, size_t len, int scale,
                        spm_error *err)
{
	char quoted[SPM_QUOTE_BUFSZ];

	if (res == PARSE_OK)
		return SPM_OK;
	spm_quote(quoted, sizeof quoted, text ? text : "", text ? len : 0);
	switch (res) {
	case PARSE_OK:
		break;
	case PARSE_DECIMALS:
		return spm_error_set(err, SPM_EDATA, "too many decimals (at most %d): %s", scale,
		                     quoted);
	case PARSE_RANGE:
		return spm_error_set(err, SPM_EDATA, "out of range: %s", quoted);
	case PARSE_SYNTAX:
		break;
	}
	return spm_error_set(err, SPM_EDATA, "not a number: %s", quoted);
}

int spm_money_parse(spm_money *out, const char *text, size_t len, unsigned flags, spm_error *err)
{
	char sep = (flags & SPM_NUM_DECIMAL_COMMA) ? ',' : '.';
	int64_t units = 0;
	int scale;
	enum parse_result res;

	res = parse_scaled(&units, text, len, sep, false, SPM_MONEY_SCALE, &scale);
	if (res == PARSE_OK)
		out->units = units;
	return parse_report(res, text, len, scale, err);
}

int spm_rate_parse(spm_rate *out, const char *text, size_t len, unsigned flags, spm_error *err)
{
	char sep = (flags & SPM_NUM_DECIMAL_COMMA) ? ',' : '.';
	int64_t units = 0;
	int scale;
	enum parse_result res;

	res = parse_scaled(&units, text, len, sep, (flags & SPM_NUM_PERCENT) != 0, SPM_RATE_SCALE,
	                   &scale);
	if (res == PARSE_OK)
		out->units = units;
	return parse_report(res, text, len, scale, err);
}

int spm_int_parse(int64_t *out, const char *text, size_t len, int64_t min, int64_t max,
                  spm_error *err)
{
	char quoted[SPM_QUOTE_BUFSZ];
	size_t i = 0, end = text ? len : 0;
	bool negative = false, overflow = false;
	uint64_t mag = 0;
	int64_t value = 0;
	size_t start;

	if (min > max)
		return spm_error_set(err, SPM_EUSAGE, "invalid range: %" PRId64 "..%" PRId64, min,
		                     max);
	spm_quote(quoted, sizeof quoted, text ? text : "", text ? len : 0);
	trim_blanks(text, &i, &end);
	if (i < end && (text[i] == '+' || text[i] == '-')) {
		negative = text[i] == '-';
		i++;
	}
	for (start = i; i < end && spm_is_digit(text[i]); i++) {
		if (!push_digit(&mag, (unsigned)(text[i] - '0')))
			overflow = true;
	}
	if (i != end || i == start)
		return spm_error_set(err, SPM_EDATA, "not a whole number: %s", quoted);
	if (overflow || !signed_fits(&value, mag, negative) || value < min || value > max)
		return spm_error_set(err, SPM_EDATA, "out of range (%" PRId64 "..%" PRId64 "): %s",
		                     min, max, quoted);
	*out = value;
	return SPM_OK;
}

/* --- formatting --- */

/*
 * Writes units as a decimal with `scale` places, keeping at least min_decimals of them and dropping
 * the trailing zeros past that, then suffix. Copies like snprintf: truncated but NUL-terminated
 * when size > 0, and returns the full length.
 */
static size_t format_scaled(char *buf, size_t size, int64_t units, int scale, int min_decimals,
                            const char *suffix)
{
	char text[SPM_NUM_BUFSZ];
	char digits[24]; /* least significant first */
	/* Unsigned negation, so that INT64_MIN has a magnitude too. */
	uint64_t mag = units < 0 ? (uint64_t)0 - (uint64_t)units : (uint64_t)units;
	int ndigits = 0, low = 0, k;
	size_t n = 0, slen = strlen(suffix);

	if (min_decimals < 0)
		min_decimals = 0;
	if (min_decimals > scale)
		min_decimals = scale;
	do {
		digits[ndigits++] = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag != 0 || ndigits <= scale);
	while (scale - low > min_decimals && digits[low] == '0')
		low++;
	if (units < 0)
		text[n++] = '-';
	for (k = ndigits - 1; k >= scale; k--)
		text[n++] = digits[k];
	if (scale - low > 0) {
		text[n++] = '.';
		for (k = scale - 1; k >= low; k--)
			text[n++] = digits[k];
	}
	memcpy(text + n, suffix, slen);
	n += slen;
	text[n] = '\0';
	if (size > 0) {
		size_t copy = n < size ? n : size - 1;
		memcpy(buf, text, copy);
		buf[copy] = '\0';
	}
	return n;
}

size_t spm_money_format(char *buf, size_t size, spm_money m, int min_decimals)
{
	return format_scaled(buf, size, m.units, SPM_MONEY_SCALE, min_decimals, "");
}

size_t spm_rate_format(char *buf, size_t size, spm_rate r, bool percent)
{
	/* A percentage is the same digits with the point two places to the right. */
	if (percent)
		return format_scaled(buf, size, r.units, SPM_RATE_SCALE - 2, 0, "%");
	return format_scaled(buf, size, r.units, SPM_RATE_SCALE, 0, "");
}

/* --- arithmetic --- */

int spm_money_add(spm_money *out, spm_money a, spm_money b)
{
	int64_t sum;

	if (__builtin_add_overflow(a.units, b.units, &sum))
		return SPM_ERANGE;
	out->units = sum;
	return SPM_OK;
}

int spm_money_sub(spm_money *out, spm_money a, spm_money b)
{
	int64_t diff;

	if (__builtin_sub_overflow(a.units, b.units, &diff))
		return SPM_ERANGE;
	out->units = diff;
	return SPM_OK;
}

int spm_money_neg(spm_money *out, spm_money a)
{
	if (a.units == INT64_MIN)
		return SPM_ERANGE;
	out->units = -a.units;
	return SPM_OK;
}

int spm_money_from_int(spm_money *out, int64_t whole)
{
	int64_t units;

	if (__builtin_mul_overflow(whole, SPM_MONEY_ONE, &units))
		return SPM_ERANGE;
	out->units = units;
	return SPM_OK;
}

int spm_money_cmp(spm_money a, spm_money b)
{
	return (a.units > b.units) - (a.units < b.units);
}

int spm_money_mul_rate(spm_money *out, spm_money m, spm_rate r, spm_rounding mode)
{
	/* scale 4 × scale 10 = scale 14; back to 4 */
	return round_div(&out->units, (i128)m.units * r.units, SPM_RATE_ONE, mode);
}

int spm_money_div_rate(spm_money *out, spm_money m, spm_rate r, spm_rounding mode)
{
	/* (m × 10^10) / r keeps scale 4 */
	return round_div(&out->units, (i128)m.units * SPM_RATE_ONE, r.units, mode);
}

int spm_money_mul_ratio(spm_money *out, spm_money m, spm_rate num, spm_rate den,
			spm_rounding mode)
{
	/* |m × num| < 2^126: the product and the division stay within 128 bits, rounded once */
	return round_div(&out->units, (i128)m.units * num.units, den.units, mode);
}

int spm_money_round(spm_money *out, spm_money m, int decimals, spm_rounding mode)
{
	int64_t step, steps, units;
	int rc;

	if (decimals < 0 || decimals > SPM_MONEY_SCALE)
		return SPM_EUSAGE;
	step = pow10_tab[SPM_MONEY_SCALE - decimals];
	rc = round_div(&steps, m.units, step, mode);
	if (rc != SPM_OK)
		return rc;
	/* Rounding away from zero near the int64 limits can leave a multiple that does not fit. */
	if (__builtin_mul_overflow(steps, step, &units))
		return SPM_ERANGE;
	out->units = units;
	return SPM_OK;
}

int spm_rate_mul(spm_rate *out, spm_rate a, spm_rate b, spm_rounding mode)
{
	return round_div(&out->units, (i128)a.units * b.units, SPM_RATE_ONE, mode);
}

int spm_rate_ratio(spm_rate *out, spm_money num, spm_money den, spm_rounding mode)
{
	/* Both at scale 4, so the quotient of the units is the ratio; scale it up to 10 first. */
	return round_div(&out->units, (i128)num.units * SPM_RATE_ONE, den.units, mode);
}

int spm_rate_cmp(spm_rate a, spm_rate b)
{
	return (a.units > b.units) - (a.units < b.units);
}
