/*
 * spm/money.h - exact decimal money and rates.
 *
 * Money is never a binary float. An amount is a signed 64-bit count of 1/10,000ths of a currency unit
 * (scale 4: exports carry four decimals), so 1234.5 is held as 12345000. A rate (a commission rate, a
 * split share, an exchange rate, an attainment ratio) is a signed 64-bit count of 1/10^10ths, so 8% is
 * held as 800000000. Products are formed in 128-bit integers and rounded once, at the money scale or at
 * a place the caller names, with a named rounding mode. A result that does not fit is SPM_ERANGE,
 * never a silent wrap; a text with more decimals than the scale holds is an error, never truncated.
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

/* Name <-> mode. spm_rounding_parse returns SPM_OK or SPM_EUSAGE for an unknown name. */
int spm_rounding_parse(spm_rounding *out, const char *name);
const char *spm_rounding_name(spm_rounding mode);

/*
 * Parses a plain decimal: optional sign, digits, optional separator and at most 4 decimals
 * ("-1234.5", "0.0001", "+7", ".5"). Leading and trailing ASCII blanks are ignored. No exponents,
 * thousands separators, NaN or infinities. text need not be NUL-terminated.
 * Returns SPM_OK, or SPM_EDATA with err's message one of:
 *   "not a number: '...'", "too many decimals (at most 4): '...'", "out of range: '...'".
 */
int spm_money_parse(spm_money *out, const char *text, size_t len, unsigned flags, spm_error *err);

/*
 * Writes m exactly, with at least min_decimals (0..4) and at most 4 decimals: trailing zeros past
 * min_decimals are dropped ("1234.5" for min 0, "1234.50" for min 2, "0.0001" for either). Always
 * '.' and no grouping. Returns the length; buf needs SPM_NUM_BUFSZ bytes.
 */
size_t spm_money_format(char *buf, size_t size, spm_money m, int min_decimals);

/* Arithmetic. Each returns SPM_OK or SPM_ERANGE (overflow) and leaves *out unchanged on error. */
int spm_money_add(spm_money *out, spm_money a, spm_money b);
int spm_money_sub(spm_money *out, spm_money a, spm_money b);
int spm_money_neg(spm_money *out, spm_money a);
int spm_money_from_int(spm_money *out, int64_t whole);
int spm_money_cmp(spm_money a, spm_money b); /* -1, 0, 1 */

/* m × r, rounded to the money scale (4 decimals) with mode. */
int spm_money_mul_rate(spm_money *out, spm_money m, spm_rate r, spm_rounding mode);

/* m / r, rounded to the money scale with mode; SPM_ERANGE when r is zero. */
int spm_money_div_rate(spm_money *out, spm_money m, spm_rate r, spm_rounding mode);

/* m rounded to `decimals` places (0..4) with mode, e.g. to cents with decimals = 2. */
int spm_money_round(spm_money *out, spm_money m, int decimals, spm_rounding mode);

/*
 * Parses a rate: a plain decimal with at most 10 decimals, or with SPM_NUM_PERCENT a percentage with
 * a trailing '%' ("12.5%" = 0.125; at most 8 decimals before the '%'). Same errors as money.
 */
int spm_rate_parse(spm_rate *out, const char *text, size_t len, unsigned flags, spm_error *err);

/* Writes r exactly; as a percentage with a trailing '%' when percent is true ("12.5%"). */
size_t spm_rate_format(char *buf, size_t size, spm_rate r, bool percent);

/* a × b, rounded to the rate scale with mode. */
int spm_rate_mul(spm_rate *out, spm_rate a, spm_rate b, spm_rounding mode);

/* num / den as a rate (an attainment ratio), rounded with mode; SPM_ERANGE when den is zero. */
int spm_rate_ratio(spm_rate *out, spm_money num, spm_money den, spm_rounding mode);

int spm_rate_cmp(spm_rate a, spm_rate b);

/*
 * Parses a whole number in [min, max]: optional sign and digits, blanks around ignored.
 * Returns SPM_OK, or SPM_EDATA with "not a whole number: '...'" or "out of range (min..max): '...'".
 */
int spm_int_parse(int64_t *out, const char *text, size_t len, int64_t min, int64_t max,
		  spm_error *err);

#endif
