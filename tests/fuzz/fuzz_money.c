/*
 * fuzz_money.c - libFuzzer target for the money module.
 *
 * Arbitrary bytes are parsed as money, rate and whole number under every flag combination. Whatever
 * parses must format and parse back to the same value, and the three parsers must agree with each
 * other. When the input holds a '|', the two sides become an amount and a rate whose products and
 * quotients are checked against the bounds the rounding modes promise, by multiplying back rather
 * than dividing again. Any broken promise aborts.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spm/money.h"

__extension__ typedef __int128 i128;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const spm_rounding modes[] = {
    SPM_ROUND_HALF_UP, SPM_ROUND_HALF_EVEN, SPM_ROUND_HALF_DOWN, SPM_ROUND_UP,
    SPM_ROUND_DOWN,    SPM_ROUND_CEILING,   SPM_ROUND_FLOOR,
};
#define NMODES (sizeof modes / sizeof modes[0])

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_money: broken: %s\n", what);
		abort();
	}
}

static void check_message(const spm_error *err)
{
	check(err->code == SPM_EDATA, "a parse failure is SPM_EDATA");
	check(err->message[0] != '\0', "a parse failure has a message");
	check(strlen(err->message) < sizeof err->message, "message is terminated");
}

static void money_round_trip(spm_money m)
{
	for (int min = 0; min <= SPM_MONEY_SCALE; min++) {
		char buf[SPM_NUM_BUFSZ];
		spm_money back = {0};
		size_t n = spm_money_format(buf, sizeof buf, m, min);
		check(n < sizeof buf && n == strlen(buf), "money format length");
		check(spm_money_parse(&back, buf, n, 0, NULL) == SPM_OK, "formatted money parses");
		check(back.units == m.units, "money format/parse round trip");
	}
}

static void rate_round_trip(spm_rate r)
{
	char buf[SPM_NUM_BUFSZ];
	spm_rate back = {0};
	size_t n = spm_rate_format(buf, sizeof buf, r, false);
	check(n < sizeof buf && n == strlen(buf), "rate format length");
	check(spm_rate_parse(&back, buf, n, 0, NULL) == SPM_OK, "formatted rate parses");
	check(back.units == r.units, "rate format/parse round trip");
	n = spm_rate_format(buf, sizeof buf, r, true);
	check(n < sizeof buf && n == strlen(buf) && buf[n - 1] == '%', "percent format");
	back.units = 0;
	check(spm_rate_parse(&back, buf, n, SPM_NUM_PERCENT, NULL) == SPM_OK,
	      "formatted percentage parses");
	check(back.units == r.units, "percent format/parse round trip");
}

static void parse_all(const char *text, size_t len)
{
	static const unsigned flag_sets[] = {0, SPM_NUM_DECIMAL_COMMA, SPM_NUM_PERCENT,
	                                     SPM_NUM_DECIMAL_COMMA | SPM_NUM_PERCENT};
	spm_error err;

	for (size_t f = 0; f < sizeof flag_sets / sizeof flag_sets[0]; f++) {
		unsigned flags = flag_sets[f];
		spm_money m = {0};
		spm_rate r = {0};
		int mrc = spm_money_parse(&m, text, len, flags, &err);
		if (mrc == SPM_OK)
			money_round_trip(m);
		else
			check_message(&err);
		int rrc = spm_rate_parse(&r, text, len, flags, &err);
		if (rrc == SPM_OK)
			rate_round_trip(r);
		else
			check_message(&err);
		/* Any amount is a rate 10^6 times finer, unless that leaves the rate range. */
		if (mrc == SPM_OK) {
			int64_t scaled;
			bool fits = !__builtin_mul_overflow(m.units, INT64_C(1000000), &scaled);
			check(rrc == (fits ? SPM_OK : SPM_EDATA), "money text is a rate text");
			check(!fits || r.units == scaled, "money and rate agree");
		}
	}

	int64_t v = 0;
	if (spm_int_parse(&v, text, len, INT64_MIN, INT64_MAX, &err) == SPM_OK) {
		spm_money m = {0}, whole = {0};
		int mrc = spm_money_parse(&m, text, len, 0, NULL);
		int wrc = spm_money_from_int(&whole, v);
		check((mrc == SPM_OK) == (wrc == SPM_OK),
		      "a whole number parses as money when it fits");
		check(mrc != SPM_OK || m.units == whole.units, "whole number and money agree");
	} else {
		check_message(&err);
	}
}

/*
 * res[k] is num / den rounded with modes[k], or rc[k] is SPM_ERANGE because that quotient is
 * outside [qmin, qmax]. The floor lo brackets the exact value in [lo, lo + 1), ceil is floor or
 * floor + 1, and each mode picks the neighbour it promises.
 */
static void check_bounds(i128 num, i128 den, int64_t qmin, int64_t qmax, const int64_t res[NMODES],
                         const int rc[NMODES])
{
	/* Index of floor and ceiling in modes[]. */
	const size_t ceil_i = 5, floor_i = 6;
	/* Normalise to a positive divisor so the bracket reads the same way for every sign. */
	if (den < 0) {
		num = -num;
		den = -den;
	}
	bool floor_fits = num >= (i128)qmin * den && num < ((i128)qmax + 1) * den;
	check((rc[floor_i] == SPM_OK) == floor_fits,
	      "floor is ERANGE exactly when it does not fit");
	if (rc[floor_i] == SPM_OK) {
		i128 lo = res[floor_i];
		check(lo * den <= num && num < (lo + 1) * den, "floor brackets the exact value");
	}
	bool exact = rc[floor_i] == SPM_OK && (i128)res[floor_i] * den == num;
	for (size_t k = 0; k < NMODES; k++) {
		if (rc[k] != SPM_OK) {
			check(rc[k] == SPM_ERANGE, "only ERANGE for a valid mode");
			continue;
		}
		if (rc[floor_i] == SPM_OK)
			check(res[k] >= res[floor_i], "no mode is below floor");
		if (rc[ceil_i] == SPM_OK)
			check(res[k] <= res[ceil_i], "no mode is above ceiling");
		if (exact)
			check(res[k] == res[floor_i], "an exact result is the same in every mode");
	}
	if (rc[floor_i] == SPM_OK && rc[ceil_i] == SPM_OK)
		check(res[ceil_i] - res[floor_i] == (exact ? 0 : 1),
		      "ceiling is floor or floor + 1");
	/* Half modes pick the nearer neighbour; a tie is 2 × num == (2 × floor + 1) × den. */
	if (rc[floor_i] == SPM_OK && rc[ceil_i] == SPM_OK && !exact) {
		bool positive = res[floor_i] >= 0; /* not exact, so the value is not 0 */
		check(res[3] == (positive ? res[ceil_i] : res[floor_i]), "up is away from zero");
		check(res[4] == (positive ? res[floor_i] : res[ceil_i]), "down is toward zero");
		i128 twice = 2 * num, mid = (2 * (i128)res[floor_i] + 1) * den;
		int64_t near = twice < mid ? res[floor_i] : res[ceil_i];
		for (size_t k = 0; k < 3; k++) {
			if (twice != mid)
				check(res[k] == near, "half modes go to the nearer neighbour");
		}
		if (twice == mid) {
			bool neg = res[ceil_i] <= 0;
			int64_t away = neg ? res[floor_i] : res[ceil_i];
			int64_t toward = neg ? res[ceil_i] : res[floor_i];
			int64_t even = res[floor_i] % 2 == 0 ? res[floor_i] : res[ceil_i];
			check(res[0] == away, "half-up ties away from zero");
			check(res[1] == even, "half-even ties to even");
			check(res[2] == toward, "half-down ties toward zero");
		}
	}
}

static void arithmetic(spm_money m, spm_money m2, spm_rate r)
{
	int64_t res[NMODES];
	int rc[NMODES];

	for (size_t k = 0; k < NMODES; k++) {
		spm_money out = {0};
		rc[k] = spm_money_mul_rate(&out, m, r, modes[k]);
		res[k] = out.units;
	}
	check_bounds((i128)m.units * r.units, SPM_RATE_ONE, INT64_MIN, INT64_MAX, res, rc);

	if (r.units != 0) {
		for (size_t k = 0; k < NMODES; k++) {
			spm_money out = {0};
			rc[k] = spm_money_div_rate(&out, m, r, modes[k]);
			res[k] = out.units;
		}
		check_bounds((i128)m.units * SPM_RATE_ONE, r.units, INT64_MIN, INT64_MAX, res, rc);
	} else {
		spm_money out = {0};
		check(spm_money_div_rate(&out, m, r, SPM_ROUND_HALF_UP) == SPM_ERANGE,
		      "division by a zero rate");
	}

	if (m2.units != 0) {
		for (size_t k = 0; k < NMODES; k++) {
			spm_rate out = {0};
			rc[k] = spm_rate_ratio(&out, m, m2, modes[k]);
			res[k] = out.units;
		}
		check_bounds((i128)m.units * SPM_RATE_ONE, m2.units, INT64_MIN, INT64_MAX, res, rc);
	}

	for (size_t k = 0; k < NMODES; k++) {
		spm_rate out = {0};
		rc[k] = spm_rate_mul(&out, r, r, modes[k]);
		res[k] = out.units;
	}
	check_bounds((i128)r.units * r.units, SPM_RATE_ONE, INT64_MIN, INT64_MAX, res, rc);

	for (int d = 0; d <= SPM_MONEY_SCALE; d++) {
		static const int64_t step[] = {10000, 1000, 100, 10, 1};
		for (size_t k = 0; k < NMODES; k++) {
			spm_money out = {0};
			rc[k] = spm_money_round(&out, m, d, modes[k]);
			check(rc[k] != SPM_OK || out.units % step[d] == 0, "rounded to a step");
			res[k] = out.units / step[d];
		}
		/* the rounded amount, steps × step, must fit; C division truncates toward zero */
		check_bounds(m.units, step[d], INT64_MIN / step[d], INT64_MAX / step[d], res, rc);
	}

	spm_money sum = {0}, diff = {0};
	i128 exact_sum = (i128)m.units + m2.units;
	bool sum_fits = exact_sum >= INT64_MIN && exact_sum <= INT64_MAX;
	check((spm_money_add(&sum, m, m2) == SPM_OK) == sum_fits, "add overflows exactly");
	check(!sum_fits || sum.units == (int64_t)exact_sum, "add is exact");
	if (sum_fits) {
		check(spm_money_sub(&diff, sum, m2) == SPM_OK && diff.units == m.units,
		      "sub undoes add");
	}
	spm_money neg = {0};
	check((spm_money_neg(&neg, m) == SPM_OK) == (m.units != INT64_MIN),
	      "neg overflows exactly");
	check(m.units == INT64_MIN || neg.units == -m.units, "neg is exact");
	check(spm_money_cmp(m, m2) == (m.units > m2.units) - (m.units < m2.units), "cmp");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *bar = memchr(text, '|', size);
	spm_money m, m2;
	spm_rate r;

	parse_all(text, size);
	if (!bar)
		return 0;
	size_t left = (size_t)(bar - text);
	const char *rest = bar + 1;
	size_t rest_len = size - left - 1;
	const char *bar2 = memchr(rest, '|', rest_len);
	size_t mid = bar2 ? (size_t)(bar2 - rest) : rest_len;
	if (spm_money_parse(&m, text, left, 0, NULL) != SPM_OK)
		return 0;
	if (spm_rate_parse(&r, rest, mid, SPM_NUM_PERCENT, NULL) != SPM_OK)
		return 0;
	m2 = m;
	if (bar2 && spm_money_parse(&m2, bar2 + 1, rest_len - mid - 1, 0, NULL) != SPM_OK)
		return 0;
	arithmetic(m, m2, r);
	return 0;
}
