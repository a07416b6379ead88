/*
 * spm/money.h - exact decimal money and rates.
 *
 * Money is never a binary float. An amount is a signed 64-bit count of 1/10,000ths of a currency
 * unit (scale 4: exports carry four decimals), so 1234.5 is held as 12345000. A rate (a commission
 * rate, a split share, an exchange rate, an attainment ratio) is a signed 64-bit count of
 * 1/10^10ths, so 8% is held as 800000000. Products are formed in 128-bit integers and rounded once,
 * at the money scale or at a place the caller names, with a named rounding mode. A result that does
 * not fit is SPM_ERANGE, never a silent wrap; a text with more decimals than the scale holds (other
 * than trailing zeros) is an error, never truncated.
 */
#ifndef SPM_MONEY_H
#define SPM_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spm/error.h"

#define SPM_MONEY_SCALE 4
#define SPM_MONEY_ONE INT64_C(10000)
#define SPM_RATE_SCALE 10
#define SPM_RATE_ONE INT64_C(10000000000)
#define SPM_NUM_BUFSZ 48 /* enough for any formatted money, rate or int64 */

typedef struct spm_money {
	int64_t units; /* value × 10^4 */
} spm_money;

typedef struct spm_rate {
	int64_t units; /* value × 10^10 */
} spm_rate;

/*
 * Rounding modes, by the names plans and options use:
 * half-up (ties away from zero), half-even (ties to the even neighbour, "banker's"),
 * half-down (ties toward zero), up (away from zero), down (toward zero, truncation),
 * ceiling (toward +infinity), floor (toward -infinity).
 */
typedef enum spm_rounding {
	SPM_ROUND_HALF_UP,
	SPM_ROUND_HALF_EVEN,
	SPM_ROUND_HALF_DOWN,
	SPM_ROUND_UP,
	SPM_ROUND_DOWN,
	SPM_ROUND_CEILING,
	SPM_ROUND_FLOOR
} spm_rounding;

/* Parse flags. */
#define SPM_NUM_DECIMAL_COMMA 0x1u /* the decimal separator is ',' instead of '.' */
#define SPM_NUM_PERCENT 0x2u       /* rates: a trailing '%' divides by 100 ("8%" = 0.08) */

/*
 * Name <-> mode, with the names above exactly (lowercase, '-'). spm_rounding_parse returns SPM_OK,
 * or SPM_EUSAGE for an unknown or NULL name and leaves *out unchanged. spm_rounding_name returns a
 * static string, "invalid" for a value that is not a mode.
 */
int spm_rounding_parse(spm_rounding *out, const char *name);
const char *spm_rounding_name(spm_rounding mode);

/*
 * Parses a plain decimal: optional sign, digits, optional separator and at most 4 decimals
 * ("-1234.5", "0.0001", "+7", ".5", "7."). The separator is '.', or ',' with SPM_NUM_DECIMAL_COMMA;
 * the other one is not accepted anywhere. Leading and trailing blanks (space, tab) are ignored;
 * blanks inside are not. No exponents, thousands separators, NaN, infinities or '%'
 * (SPM_NUM_PERCENT is ignored here). Decimals past the 4th are accepted when they are all zeros
 * ("1.50000" is 1.5), because the value is still exact; "1.23456" is too many decimals, never
 * rounded. The range is that of the units, -922337203685477.5808 .. 922337203685477.5807. text need
 * not be NUL-terminated (NULL with len 0 is the empty text). Returns SPM_OK, or SPM_EDATA with
 * err's message one of (the first fault found, in this order): "not a number: '...'", "too many
 * decimals (at most 4): '...'", "out of range: '...'" where '...' is the whole text as given,
 * quoted by spm_quote(). *out is unchanged on error; err may be NULL.
 */
int spm_money_parse(spm_money *out, const char *text, size_t len, unsigned flags, spm_error *err);

/*
 * Writes m exactly, with at least min_decimals (0..4) and at most 4 decimals: trailing zeros past
 * min_decimals are dropped ("1234.5" for min 0, "1234.50" for min 2, "0.0001" for either, "12" for
 * 12 with min 0). Always '.' and no grouping, a '-' for negatives, no '+'. min_decimals outside
 * 0..4 is clamped. Returns the length; buf needs SPM_NUM_BUFSZ bytes (a smaller size truncates like
 * snprintf: NUL-terminated when size > 0, the full length returned). The text parses back to m.
 */
size_t spm_money_format(char *buf, size_t size, spm_money m, int min_decimals);

/*
 * Arithmetic. Each returns SPM_OK or SPM_ERANGE (overflow, division by zero) and leaves *out
 * unchanged on error; those taking a mode or a number of decimals also return SPM_EUSAGE for a mode
 * that is not an spm_rounding or decimals outside 0..4. Products and quotients are exact before the
 * one rounding, so a result is SPM_ERANGE only when the rounded value itself does not fit.
 */
int spm_money_add(spm_money *out, spm_money a, spm_money b);
int spm_money_sub(spm_money *out, spm_money a, spm_money b);
int spm_money_neg(spm_money *out, spm_money a);
int spm_money_from_int(spm_money *out, int64_t whole);
int spm_money_cmp(spm_money a, spm_money b); /* -1, 0, 1 */

/* m × r, rounded to the money scale (4 decimals) with mode. */
int spm_money_mul_rate(spm_money *out, spm_money m, spm_rate r, spm_rounding mode);

/* m / r, rounded to the money scale with mode; SPM_ERANGE when r is zero. */
int spm_money_div_rate(spm_money *out, spm_money m, spm_rate r, spm_rounding mode);

/*
 * m × num / den, rounded once to the money scale with mode: a conversion through a third currency
 * (EUR -> USD -> GBP) without rounding in between. SPM_ERANGE when den is zero or the result does
 * not fit.
 */
int spm_money_mul_ratio(spm_money *out, spm_money m, spm_rate num, spm_rate den,
			spm_rounding mode);

/* m rounded to `decimals` places (0..4) with mode, e.g. to cents with decimals = 2. */
int spm_money_round(spm_money *out, spm_money m, int decimals, spm_rounding mode);

/*
 * Parses a rate: a plain decimal with at most 10 decimals, or with SPM_NUM_PERCENT a percentage
 * with a trailing '%' ("12.5%" = 0.125; at most 8 decimals before the '%', and no blank before it).
 * With the flag a plain decimal is still accepted; without it a '%' is not a number. Same rules and
 * errors as money, the limit in the message being the one that applied ("too many decimals (at most
 * 8): '0.123456789%'"); the range is -922337203.6854775808 .. 922337203.6854775807.
 */
int spm_rate_parse(spm_rate *out, const char *text, size_t len, unsigned flags, spm_error *err);

/*
 * Writes r exactly with no trailing zeros ("0.125", "1", "0.0000000001"); as a percentage with a
 * trailing '%' when percent is true ("12.5%", "8%"). Same buffer rules as spm_money_format. The
 * text parses back to r (a percentage with SPM_NUM_PERCENT).
 */
size_t spm_rate_format(char *buf, size_t size, spm_rate r, bool percent);

/* a × b, rounded to the rate scale with mode. */
int spm_rate_mul(spm_rate *out, spm_rate a, spm_rate b, spm_rounding mode);

/* num / den as a rate (an attainment ratio), rounded with mode; SPM_ERANGE when den is zero. */
int spm_rate_ratio(spm_rate *out, spm_money num, spm_money den, spm_rounding mode);

int spm_rate_cmp(spm_rate a, spm_rate b);

/*
 * Parses a whole number in [min, max]: optional sign and digits, blanks (space, tab) around
 * ignored; no decimals ("1.0" is not a whole number), exponents or separators. Returns SPM_OK, or
 * SPM_EDATA with "not a whole number: '...'" or "out of range (min..max): '...'" (e.g. "out of
 * range (1..12): '13'"; also for values beyond int64), or SPM_EUSAGE when min > max. *out is
 * unchanged on error; err may be NULL.
 */
int spm_int_parse(int64_t *out, const char *text, size_t len, int64_t min, int64_t max,
		  spm_error *err);

#endif
