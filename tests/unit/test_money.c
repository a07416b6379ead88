/*
 * test_money.c - unit tests for exact decimal money and rates: parsing and its messages,
 * formatting, every rounding mode on ties and non-ties of both signs, checked arithmetic at the
 * int64 limits. Expected values are worked out by hand in the comments, not taken from the code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "spm/money.h"


static const spm_rounding all_modes[] = {
    SPM_ROUND_HALF_UP, SPM_ROUND_HALF_EVEN, SPM_ROUND_HALF_DOWN, SPM_ROUND_UP,
    SPM_ROUND_DOWN,    SPM_ROUND_CEILING,   SPM_ROUND_FLOOR,
};
#define NMODES (sizeof all_modes / sizeof all_modes[0])

/* --- money parsing --- */

static void test_money_parse_valid(void **state)
{
	static const struct {
		const char *text;
		int64_t units;
	} cases[] = {
	    {"0", 0},
	    {"-0", 0},
	    {"+0.0", 0},
	    {"-1234.5", -12345000},
	    {"0.0001", 1},
	    {"-0.0001", -1},
	    {"+7", 70000},
	    {".5", 5000},
	    {"-.5", -5000},
	    {"7.", 70000},
	    {"007.10", 71000},
	    {"  12.34\t", 123400},
	    {"\t-3 ", -30000},
	    {"1234.5678", 12345678},
	    /* trailing zeros past the scale keep the value exact, so they are accepted */
	    {"1.50000", 15000},
	    {" 1.23450 ", 12345},
	    {"2.000000000000000000000000", 20000},
	    {"00000000000000000000000000001", 10000},
	    {"922337203685477.5807", INT64_MAX},
	    {"-922337203685477.5808", INT64_MIN},
	    {"922337203685477.580700", INT64_MAX},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		spm_money m = {SENTINEL};
		spm_error err;
		spm_error_clear(&err);
		int rc = spm_money_parse(&m, cases[i].text, strlen(cases[i].text), 0, &err);
		if (rc != SPM_OK)
			fail_msg("'%s': %s", cases[i].text, err.message);
		assert_int_equal(m.units, cases[i].units);
	}
}

static void test_money_parse_not_nul_terminated(void **state)
{
	const char text[] = {'1', '2', '.', '3', '4', '5', '6', '7'};
	spm_money m = {SENTINEL};
	(void)state;
	assert_int_equal(spm_money_parse(&m, text, 5, 0, NULL), SPM_OK);
	assert_int_equal(m.units, 123400);
	/* NULL with length 0 is the empty text */
	assert_int_equal(spm_money_parse(&m, NULL, 0, 0, NULL), SPM_EDATA);
	assert_int_equal(m.units, 123400);
}

static void test_money_parse_decimal_comma(void **state)
{
	spm_money m = {SENTINEL};
	spm_error err;
	(void)state;
	assert_int_equal(spm_money_parse(&m, "1234,56", 7, SPM_NUM_DECIMAL_COMMA, &err), SPM_OK);
	assert_int_equal(m.units, 12345600);
	assert_int_equal(spm_money_parse(&m, "-,5", 3, SPM_NUM_DECIMAL_COMMA, &err), SPM_OK);
	assert_int_equal(m.units, -5000);
	/* with the comma flag a '.' is a thousands separator and is refused */
	assert_int_equal(spm_money_parse(&m, "1.234,5", 7, SPM_NUM_DECIMAL_COMMA, &err), SPM_EDATA);
	assert_string_equal(err.message, "not a number: '1.234,5'");
	assert_int_equal(spm_money_parse(&m, "1.5", 3, SPM_NUM_DECIMAL_COMMA, &err), SPM_EDATA);
	assert_string_equal(err.message, "not a number: '1.5'");
	assert_int_equal(spm_money_parse(&m, "1,23456", 7, SPM_NUM_DECIMAL_COMMA, &err), SPM_EDATA);
	assert_string_equal(err.message, "too many decimals (at most 4): '1,23456'");
	assert_int_equal(m.units, -5000);
}

static void test_money_parse_errors(void **state)
{
	static const struct {
		const char *text;
		unsigned flags;
		const char *message;
	} cases[] = {
	    {"", 0, "not a number: ''"},
	    {"   ", 0, "not a number: '   '"},
	    {"-", 0, "not a number: '-'"},
	    {"+", 0, "not a number: '+'"},
	    {".", 0, "not a number: '.'"},
	    {"-.", 0, "not a number: '-.'"},
	    {"1e5", 0, "not a number: '1e5'"},
	    {"1E5", 0, "not a number: '1E5'"},
	    {"1.5e-3", 0, "not a number: '1.5e-3'"},
	    {"NaN", 0, "not a number: 'NaN'"},
	    {"nan", 0, "not a number: 'nan'"},
	    {"inf", 0, "not a number: 'inf'"},
	    {"-Infinity", 0, "not a number: '-Infinity'"},
	    {"1,234.50", 0, "not a number: '1,234.50'"},
	    {"12,5", 0, "not a number: '12,5'"},
	    {"1 234", 0, "not a number: '1 234'"},
	    {"- 5", 0, "not a number: '- 5'"},
	    {"5 .5", 0, "not a number: '5 .5'"},
	    {"1.2.3", 0, "not a number: '1.2.3'"},
	    {"--1", 0, "not a number: '--1'"},
	    {"+-1", 0, "not a number: '+-1'"},
	    {"0x10", 0, "not a number: '0x10'"},
	    {"$5", 0, "not a number: '$5'"},
	    {"5%", 0, "not a number: '5%'"},
	    {"5%", SPM_NUM_PERCENT, "not a number: '5%'"},
	    {"12\n", 0, "not a number: '12\\x0A'"},
	    {"1'000", 0, "not a number: '1\\x27000'"},
	    {"1.23456", 0, "too many decimals (at most 4): '1.23456'"},
	    {"1.000001", 0, "too many decimals (at most 4): '1.000001'"},
	    {"-0.00001", 0, "too many decimals (at most 4): '-0.00001'"},
	    {" 1.23451 ", 0, "too many decimals (at most 4): ' 1.23451 '"},
	    /* decimals are judged before range */
	    {"99999999999999999999.12345", 0,
	     "too many decimals (at most 4): '99999999999999999999.12345'"},
	    {"922337203685477.5808", 0, "out of range: '922337203685477.5808'"},
	    {"-922337203685477.5809", 0, "out of range: '-922337203685477.5809'"},
	    {"922337203685478", 0, "out of range: '922337203685478'"},
	    {"99999999999999999999", 0, "out of range: '99999999999999999999'"},
	    {"184467440737095516160000", 0, "out of range: '184467440737095516160000'"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		spm_money m = {SENTINEL};
		spm_error err;
		spm_error_clear(&err);
		int rc =
		    spm_money_parse(&m, cases[i].text, strlen(cases[i].text), cases[i].flags, &err);
		if (rc != SPM_EDATA)
			fail_msg("'%s' parsed (rc %d)", cases[i].text, rc);
		assert_int_equal(err.code, SPM_EDATA);
		assert_string_equal(err.message, cases[i].message);
		assert_int_equal(m.units, SENTINEL);
		/* a NULL error record is allowed */
		assert_int_equal(
		    spm_money_parse(&m, cases[i].text, strlen(cases[i].text), cases[i].flags, NULL),
		    SPM_EDATA);
	}
}

/* --- money formatting --- */

static void test_money_format(void **state)
{
	static const struct {
		int64_t units;
		int min;
		const char *text;
	} cases[] = {
	    {12345000, 0, "1234.5"},
	    {12345000, 2, "1234.50"},
	    {12345000, 4, "1234.5000"},
	    {12345678, 2, "1234.5678"},
	    {1, 0, "0.0001"},
	    {1, 2, "0.0001"},
	    {-1, 0, "-0.0001"},
	    {0, 0, "0"},
	    {0, 2, "0.00"},
	    {120000, 0, "12"},
	    {-120000, 1, "-12.0"},
	    {-5000, 0, "-0.5"},
	    {100, 0, "0.01"},
	    {INT64_MAX, 0, "922337203685477.5807"},
	    {INT64_MIN, 0, "-922337203685477.5808"},
	    {INT64_MIN + 8, 0, "-922337203685477.58"},
	    {-10000 * INT64_C(922337203685477), 0, "-922337203685477"},
	    /* out-of-range minimums are clamped */
	    {15000, -3, "1.5"},
	    {15000, 9, "1.5000"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[SPM_NUM_BUFSZ];
		spm_money m = {cases[i].units};
		size_t n = spm_money_format(buf, sizeof buf, m, cases[i].min);
		assert_string_equal(buf, cases[i].text);
		assert_int_equal(n, strlen(cases[i].text));
	}
}

static void test_money_format_small_buffer(void **state)
{
	char buf[5];
	spm_money m = {12345678};
	(void)state;
	memset(buf, 'x', sizeof buf);
	assert_int_equal(spm_money_format(buf, sizeof buf, m, 0), 9);
	assert_string_equal(buf, "1234");
	assert_int_equal(spm_money_format(NULL, 0, m, 0), 9);
}

/* A small deterministic generator, so that round trips cover more than hand-picked values. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_money_round_trip(void **state)
{
	int64_t fixed[] = {0,        1,         -1,        9999,          -9999,        10000,
	                   12345678, INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1};
	uint64_t seed = 0x9E3779B97F4A7C15u;
	(void)state;
	for (size_t i = 0; i < 2000; i++) {
		int64_t units =
		    i < sizeof fixed / sizeof fixed[0] ? fixed[i] : (int64_t)next_random(&seed);
		/* small values too, where the leading zeros matter */
		if (i % 3 == 1)
			units %= 1000000;
		for (int min = 0; min <= SPM_MONEY_SCALE; min++) {
			char buf[SPM_NUM_BUFSZ];
			spm_money in = {units}, back = {SENTINEL};
			size_t n = spm_money_format(buf, sizeof buf, in, min);
			assert_int_equal(spm_money_parse(&back, buf, n, 0, NULL), SPM_OK);
			assert_int_equal(back.units, units);
		}
	}
}

/* --- rounding --- */

static void test_rounding_names(void **state)
{
	static const char *const names[] = {"half-up", "half-even", "half-down", "up",
	                                    "down",    "ceiling",   "floor"};
	spm_rounding mode = SPM_ROUND_FLOOR;
	(void)state;
	for (size_t i = 0; i < NMODES; i++) {
		assert_int_equal(spm_rounding_parse(&mode, names[i]), SPM_OK);
		assert_int_equal(mode, all_modes[i]);
		assert_string_equal(spm_rounding_name(all_modes[i]), names[i]);
	}
	assert_int_equal(spm_rounding_parse(&mode, "HALF-UP"), SPM_EUSAGE);
	assert_int_equal(spm_rounding_parse(&mode, "half_up"), SPM_EUSAGE);
	assert_int_equal(spm_rounding_parse(&mode, ""), SPM_EUSAGE);
	assert_int_equal(spm_rounding_parse(&mode, "half"), SPM_EUSAGE);
	assert_int_equal(spm_rounding_parse(&mode, NULL), SPM_EUSAGE);
	assert_int_equal(mode, SPM_ROUND_FLOOR);
	assert_string_equal(spm_rounding_name((spm_rounding)42), "invalid");
}

/*
 * Each value rounded to 0 decimals in every mode, in the order
 * half-up, half-even, half-down, up, down, ceiling, floor.
 */
static void test_money_round_every_mode(void **state)
{
	static const struct {
		const char *value;
		const char *want[7];
	} cases[] = {
	    {"2.5", {"3", "2", "2", "3", "2", "3", "2"}},
	    {"-2.5", {"-3", "-2", "-2", "-3", "-2", "-2", "-3"}},
	    {"3.5", {"4", "4", "3", "4", "3", "4", "3"}},
	    {"-3.5", {"-4", "-4", "-3", "-4", "-3", "-3", "-4"}},
	    {"2.4999", {"2", "2", "2", "3", "2", "3", "2"}},
	    {"-2.4999", {"-2", "-2", "-2", "-3", "-2", "-2", "-3"}},
	    {"2.5001", {"3", "3", "3", "3", "2", "3", "2"}},
	    {"-2.5001", {"-3", "-3", "-3", "-3", "-2", "-2", "-3"}},
	    {"0.5", {"1", "0", "0", "1", "0", "1", "0"}},
	    {"-0.5", {"-1", "0", "0", "-1", "0", "0", "-1"}},
	    {"0.0001", {"0", "0", "0", "1", "0", "1", "0"}},
	    {"-0.0001", {"0", "0", "0", "-1", "0", "0", "-1"}},
	    {"2", {"2", "2", "2", "2", "2", "2", "2"}},
	    {"-2", {"-2", "-2", "-2", "-2", "-2", "-2", "-2"}},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (size_t k = 0; k < NMODES; k++) {
			spm_money out = {SENTINEL};
			assert_int_equal(
			    spm_money_round(&out, money(cases[i].value), 0, all_modes[k]), SPM_OK);
			if (out.units != money(cases[i].want[k]).units)
				fail_msg("%s in %s: got units %lld, want %s", cases[i].value,
				         spm_rounding_name(all_modes[k]), (long long)out.units,
				         cases[i].want[k]);
		}
	}
}

static void test_money_round_places(void **state)
{
	spm_money out = {SENTINEL};
	(void)state;
	/* to cents: 1.005 is a tie, 1.0051 is not */
	assert_int_equal(spm_money_round(&out, money("1.005"), 2, SPM_ROUND_HALF_UP), SPM_OK);
	assert_money_text(out, "1.01");
	assert_int_equal(spm_money_round(&out, money("1.005"), 2, SPM_ROUND_HALF_EVEN), SPM_OK);
	assert_money_text(out, "1");
	assert_int_equal(spm_money_round(&out, money("1.015"), 2, SPM_ROUND_HALF_EVEN), SPM_OK);
	assert_money_text(out, "1.02");
	assert_int_equal(spm_money_round(&out, money("1.0051"), 2, SPM_ROUND_HALF_DOWN), SPM_OK);
	assert_money_text(out, "1.01");
	assert_int_equal(spm_money_round(&out, money("-1.005"), 2, SPM_ROUND_HALF_DOWN), SPM_OK);
	assert_money_text(out, "-1");
	assert_int_equal(spm_money_round(&out, money("-1.005"), 2, SPM_ROUND_FLOOR), SPM_OK);
	assert_money_text(out, "-1.01");
	assert_int_equal(spm_money_round(&out, money("1234.5678"), 1, SPM_ROUND_DOWN), SPM_OK);
	assert_money_text(out, "1234.5");
	assert_int_equal(spm_money_round(&out, money("1234.5678"), 3, SPM_ROUND_HALF_UP), SPM_OK);
	assert_money_text(out, "1234.568");
	/* 4 decimals is the scale: nothing to round, in any mode */
	for (size_t k = 0; k < NMODES; k++) {
		assert_int_equal(spm_money_round(&out, money("-0.0001"), 4, all_modes[k]), SPM_OK);
		assert_int_equal(out.units, -1);
	}
}

static void test_money_round_limits_and_usage(void **state)
{
	spm_money out = {SENTINEL};
	spm_money max = {INT64_MAX}, min = {INT64_MIN};
	(void)state;
	/* 922337203685477.5807 up to a whole number is 922337203685478, which does not fit */
	assert_int_equal(spm_money_round(&out, max, 0, SPM_ROUND_UP), SPM_ERANGE);
	assert_int_equal(spm_money_round(&out, max, 0, SPM_ROUND_HALF_UP), SPM_ERANGE);
	assert_int_equal(spm_money_round(&out, min, 0, SPM_ROUND_FLOOR), SPM_ERANGE);
	/* -922337203685477.5808 to 3 places is -922337203685477.581, below the limit */
	assert_int_equal(spm_money_round(&out, min, 3, SPM_ROUND_HALF_EVEN), SPM_ERANGE);
	assert_int_equal(out.units, SENTINEL);
	assert_int_equal(spm_money_round(&out, max, 0, SPM_ROUND_DOWN), SPM_OK);
	assert_money_text(out, "922337203685477");
	assert_int_equal(spm_money_round(&out, min, 0, SPM_ROUND_CEILING), SPM_OK);
	assert_money_text(out, "-922337203685477");
	assert_int_equal(spm_money_round(&out, min, 2, SPM_ROUND_HALF_DOWN), SPM_OK);
	assert_money_text(out, "-922337203685477.58");
	out.units = SENTINEL;
	assert_int_equal(spm_money_round(&out, money("1"), 5, SPM_ROUND_DOWN), SPM_EUSAGE);
	assert_int_equal(spm_money_round(&out, money("1"), -1, SPM_ROUND_DOWN), SPM_EUSAGE);
	assert_int_equal(spm_money_round(&out, money("1"), 2, (spm_rounding)99), SPM_EUSAGE);
	assert_int_equal(out.units, SENTINEL);
}

/* --- add, sub, neg, from_int, cmp --- */

static void test_money_add_sub(void **state)
{
	spm_money out = {SENTINEL};
	spm_money max = {INT64_MAX}, min = {INT64_MIN}, tick = {1};
	(void)state;
	assert_int_equal(spm_money_add(&out, money("0.1"), money("0.2")), SPM_OK);
	assert_money_text(out, "0.3");
	assert_int_equal(spm_money_sub(&out, money("10"), money("10.0001")), SPM_OK);
	assert_money_text(out, "-0.0001");
	assert_int_equal(spm_money_add(&out, max, min), SPM_OK);
	assert_int_equal(out.units, -1);
	out.units = SENTINEL;
	assert_int_equal(spm_money_add(&out, max, tick), SPM_ERANGE);
	assert_int_equal(spm_money_add(&out, min, (spm_money){-1}), SPM_ERANGE);
	assert_int_equal(spm_money_sub(&out, min, tick), SPM_ERANGE);
	assert_int_equal(spm_money_sub(&out, (spm_money){0}, min), SPM_ERANGE);
	assert_int_equal(spm_money_sub(&out, max, (spm_money){-1}), SPM_ERANGE);
	assert_int_equal(out.units, SENTINEL);
	assert_int_equal(spm_money_sub(&out, (spm_money){-1}, max), SPM_OK);
	assert_int_equal(out.units, INT64_MIN);
}

static void test_money_neg_from_int_cmp(void **state)
{
	spm_money out = {SENTINEL};
	(void)state;
	assert_int_equal(spm_money_neg(&out, (spm_money){INT64_MAX}), SPM_OK);
	assert_int_equal(out.units, -INT64_MAX);
	assert_int_equal(spm_money_neg(&out, money("-12.5")), SPM_OK);
	assert_money_text(out, "12.5");
	out.units = SENTINEL;
	assert_int_equal(spm_money_neg(&out, (spm_money){INT64_MIN}), SPM_ERANGE);
	assert_int_equal(out.units, SENTINEL);

	assert_int_equal(spm_money_from_int(&out, 42), SPM_OK);
	assert_money_text(out, "42");
	assert_int_equal(spm_money_from_int(&out, 922337203685477), SPM_OK);
	assert_money_text(out, "922337203685477");
	assert_int_equal(spm_money_from_int(&out, -922337203685477), SPM_OK);
	assert_money_text(out, "-922337203685477");
	out.units = SENTINEL;
	assert_int_equal(spm_money_from_int(&out, 922337203685478), SPM_ERANGE);
	assert_int_equal(spm_money_from_int(&out, -922337203685478), SPM_ERANGE);
	assert_int_equal(spm_money_from_int(&out, INT64_MIN), SPM_ERANGE);
	assert_int_equal(out.units, SENTINEL);

	assert_int_equal(spm_money_cmp(money("1.5"), money("1.50")), 0);
	assert_int_equal(spm_money_cmp(money("-0.0001"), money("0")), -1);
	assert_int_equal(spm_money_cmp(money("2"), money("1.9999")), 1);
	/* a subtraction-based compare would overflow here */
	assert_int_equal(spm_money_cmp((spm_money){INT64_MAX}, (spm_money){INT64_MIN}), 1);
	assert_int_equal(spm_money_cmp((spm_money){INT64_MIN}, (spm_money){INT64_MAX}), -1);
}

/* --- money × rate, money / rate --- */

static void test_money_mul_rate(void **state)
{
	/* 1234.5678 × 8% = 98.765424 exactly; the fifth decimal 2 is below half */
	static const struct {
		const char *m, *r;
		const char *want[7]; /* half-up, half-even, half-down, up, down, ceiling, floor */
	} cases[] = {
	    {"1234.5678",
	     "8%",
	     {"98.7654", "98.7654", "98.7654", "98.7655", "98.7654", "98.7655", "98.7654"}},
	    {"-1234.5678",
	     "8%",
	     {"-98.7654", "-98.7654", "-98.7654", "-98.7655", "-98.7654", "-98.7654", "-98.7655"}},
	    /* 0.0005 × 0.5 = 0.00025: a tie with an even neighbour below */
	    {"0.0005",
	     "50%",
	     {"0.0003", "0.0002", "0.0002", "0.0003", "0.0002", "0.0003", "0.0002"}},
	    /* 0.0015 × 0.5 = 0.00075: a tie with an even neighbour above */
	    {"0.0015",
	     "50%",
	     {"0.0008", "0.0008", "0.0007", "0.0008", "0.0007", "0.0008", "0.0007"}},
	    {"0.0005",
	     "-50%",
	     {"-0.0003", "-0.0002", "-0.0002", "-0.0003", "-0.0002", "-0.0002", "-0.0003"}},
	    /* 99.99 × 12.5% = 12.49875: a tie with an odd neighbour below */
	    {"99.99",
	     "12.5%",
	     {"12.4988", "12.4988", "12.4987", "12.4988", "12.4987", "12.4988", "12.4987"}},
	    /* 1234.5678 × 8.5% = 104.938263: above half */
	    {"1234.5678",
	     "8.5%",
	     {"104.9383", "104.9383", "104.9383", "104.9383", "104.9382", "104.9383", "104.9382"}},
	    {"-1234.5678",
	     "8.5%",
	     {"-104.9383", "-104.9383", "-104.9383", "-104.9383", "-104.9382", "-104.9382",
	      "-104.9383"}},
	    /* 0.0001 × 0.0000000001 = 10^-14: far below half */
	    {"0.0001", "0.0000000001", {"0", "0", "0", "0.0001", "0", "0.0001", "0"}},
	    {"-0.0001", "0.0000000001", {"0", "0", "0", "-0.0001", "0", "0", "-0.0001"}},
	    /* exact products are the same in every mode */
	    {"200", "7.5%", {"15", "15", "15", "15", "15", "15", "15"}},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (size_t k = 0; k < NMODES; k++) {
			spm_money out = {SENTINEL};
			assert_int_equal(spm_money_mul_rate(&out, money(cases[i].m),
			                                    rate(cases[i].r), all_modes[k]),
			                 SPM_OK);
			if (out.units != money(cases[i].want[k]).units)
				fail_msg("%s × %s in %s: got units %lld, want %s", cases[i].m,
				         cases[i].r, spm_rounding_name(all_modes[k]),
				         (long long)out.units, cases[i].want[k]);
		}
	}
}

static void test_money_mul_rate_limits(void **state)
{
	spm_money out = {SENTINEL};
	spm_money max = {INT64_MAX}, min = {INT64_MIN};
	(void)state;
	assert_int_equal(spm_money_mul_rate(&out, max, rate("1"), SPM_ROUND_HALF_UP), SPM_OK);
	assert_int_equal(out.units, INT64_MAX);
	assert_int_equal(spm_money_mul_rate(&out, min, rate("1"), SPM_ROUND_HALF_UP), SPM_OK);
	assert_int_equal(out.units, INT64_MIN);
	/* both operands at their limits: the 128-bit product 2^126 is formed, the result is too big
	 */
	assert_int_equal(spm_money_mul_rate(&out, min, (spm_rate){INT64_MIN}, SPM_ROUND_DOWN),
	                 SPM_ERANGE);
	/* halving the largest amount: 461168601842738.79035 */
	assert_int_equal(spm_money_mul_rate(&out, max, rate("0.5"), SPM_ROUND_HALF_EVEN), SPM_OK);
	assert_money_text(out, "461168601842738.7904");
	out.units = SENTINEL;
	assert_int_equal(spm_money_mul_rate(&out, max, rate("2"), SPM_ROUND_DOWN), SPM_ERANGE);
	assert_int_equal(spm_money_mul_rate(&out, min, rate("-1"), SPM_ROUND_DOWN), SPM_ERANGE);
	assert_int_equal(spm_money_mul_rate(&out, max, rate("1.0000000001"), SPM_ROUND_DOWN),
	                 SPM_ERANGE);
	assert_int_equal(spm_money_mul_rate(&out, money("1"), rate("1"), (spm_rounding)-1),
	                 SPM_EUSAGE);
	assert_int_equal(out.units, SENTINEL);
	assert_int_equal(spm_money_mul_rate(&out, max, rate("-1"), SPM_ROUND_DOWN), SPM_OK);
	assert_int_equal(out.units, -INT64_MAX);
}

static void test_money_div_rate(void **state)
{
	spm_money out = {SENTINEL};
	(void)state;
	/* a target of 100 at an 8% rate needs 1250 */
	assert_int_equal(spm_money_div_rate(&out, money("100"), rate("8%"), SPM_ROUND_HALF_UP),
	                 SPM_OK);
	assert_money_text(out, "1250");
	/* 100 / 3 = 33.33333... */
	assert_int_equal(spm_money_div_rate(&out, money("100"), rate("3"), SPM_ROUND_HALF_UP),
	                 SPM_OK);
	assert_money_text(out, "33.3333");
	assert_int_equal(spm_money_div_rate(&out, money("100"), rate("3"), SPM_ROUND_UP), SPM_OK);
	assert_money_text(out, "33.3334");
	assert_int_equal(spm_money_div_rate(&out, money("-100"), rate("3"), SPM_ROUND_FLOOR),
	                 SPM_OK);
	assert_money_text(out, "-33.3334");
	assert_int_equal(spm_money_div_rate(&out, money("-100"), rate("3"), SPM_ROUND_CEILING),
	                 SPM_OK);
	assert_money_text(out, "-33.3333");
	/* 200 / 3 = 66.6666...: half-down still rounds up, being past the tie */
	assert_int_equal(spm_money_div_rate(&out, money("200"), rate("3"), SPM_ROUND_HALF_DOWN),
	                 SPM_OK);
	assert_money_text(out, "66.6667");
	/* a negative divisor: 100 / -0.5 = -200 */
	assert_int_equal(spm_money_div_rate(&out, money("100"), rate("-0.5"), SPM_ROUND_DOWN),
	                 SPM_OK);
	assert_money_text(out, "-200");
	/* 0.0001 / -8 = -0.0000125: a negative divisor keeps floor and ceiling straight */
	assert_int_equal(spm_money_div_rate(&out, money("0.0001"), rate("-8"), SPM_ROUND_FLOOR),
	                 SPM_OK);
	assert_money_text(out, "-0.0001");
	assert_int_equal(spm_money_div_rate(&out, money("0.0001"), rate("-8"), SPM_ROUND_CEILING),
	                 SPM_OK);
	assert_money_text(out, "0");
	/* 0.0001 / 0.8 = 0.000125 is not a tie at 4 decimals; 0.0001 / 0.4 = 0.00025 is */
	assert_int_equal(
	    spm_money_div_rate(&out, money("0.0001"), rate("0.4"), SPM_ROUND_HALF_EVEN), SPM_OK);
	assert_money_text(out, "0.0002");
	assert_int_equal(spm_money_div_rate(&out, money("-0.0001"), rate("0.4"), SPM_ROUND_HALF_UP),
	                 SPM_OK);
	assert_money_text(out, "-0.0003");
	/* the smallest rate multiplies by 10^10 */
	assert_int_equal(spm_money_div_rate(&out, money("1"), (spm_rate){1}, SPM_ROUND_DOWN),
	                 SPM_OK);
	assert_money_text(out, "10000000000");

	out.units = SENTINEL;
	assert_int_equal(spm_money_div_rate(&out, money("100"), (spm_rate){0}, SPM_ROUND_HALF_UP),
	                 SPM_ERANGE);
	assert_int_equal(spm_money_div_rate(&out, money("0"), (spm_rate){0}, SPM_ROUND_HALF_UP),
	                 SPM_ERANGE);
	assert_int_equal(
	    spm_money_div_rate(&out, (spm_money){INT64_MAX}, rate("0.5"), SPM_ROUND_DOWN),
	    SPM_ERANGE);
	assert_int_equal(
	    spm_money_div_rate(&out, (spm_money){INT64_MIN}, rate("-1"), SPM_ROUND_DOWN),
	    SPM_ERANGE);
	assert_int_equal(out.units, SENTINEL);
	assert_int_equal(
	    spm_money_div_rate(&out, (spm_money){INT64_MIN}, (spm_rate){INT64_MIN}, SPM_ROUND_DOWN),
	    SPM_OK);
	assert_money_text(out, "1000000");
}

/* --- rates --- */

static void test_rate_parse(void **state)
{
	static const struct {
		const char *text;
		unsigned flags;
		int64_t units;
	} cases[] = {
	    {"0.08", 0, 800000000},
	    {"0.08", SPM_NUM_PERCENT, 800000000},
	    {"8%", SPM_NUM_PERCENT, 800000000},
	    {" 8% ", SPM_NUM_PERCENT, 800000000},
	    {"12.5%", SPM_NUM_PERCENT, 1250000000},
	    {"-5%", SPM_NUM_PERCENT, -500000000},
	    {"100%", SPM_NUM_PERCENT, SPM_RATE_ONE},
	    {".5%", SPM_NUM_PERCENT, 50000000},
	    {"0.00000001%", SPM_NUM_PERCENT, 1},
	    {"0.0000000001", 0, 1},
	    {"1.25", 0, 12500000000},
	    {"0.1250000000000", 0, 1250000000},
	    {"12,5%", SPM_NUM_PERCENT | SPM_NUM_DECIMAL_COMMA, 1250000000},
	    {"0,08", SPM_NUM_DECIMAL_COMMA, 800000000},
	    {"922337203.6854775807", 0, INT64_MAX},
	    {"-922337203.6854775808", 0, INT64_MIN},
	    {"92233720368.54775807%", SPM_NUM_PERCENT, INT64_MAX},
	    {"-92233720368.54775808%", SPM_NUM_PERCENT, INT64_MIN},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		spm_rate r = {SENTINEL};
		spm_error err;
		spm_error_clear(&err);
		int rc =
		    spm_rate_parse(&r, cases[i].text, strlen(cases[i].text), cases[i].flags, &err);
		if (rc != SPM_OK)
			fail_msg("'%s': %s", cases[i].text, err.message);
		assert_int_equal(r.units, cases[i].units);
	}
}

static void test_rate_parse_errors(void **state)
{
	static const struct {
		const char *text;
		unsigned flags;
		const char *message;
	} cases[] = {
	    {"8%", 0, "not a number: '8%'"},
	    {"%", SPM_NUM_PERCENT, "not a number: '%'"},
	    {"-%", SPM_NUM_PERCENT, "not a number: '-%'"},
	    {".%", SPM_NUM_PERCENT, "not a number: '.%'"},
	    {"8%%", SPM_NUM_PERCENT, "not a number: '8%%'"},
	    {"8 %", SPM_NUM_PERCENT, "not a number: '8 %'"},
	    {"%8", SPM_NUM_PERCENT, "not a number: '%8'"},
	    {"8%5", SPM_NUM_PERCENT, "not a number: '8%5'"},
	    {"1e-2", SPM_NUM_PERCENT, "not a number: '1e-2'"},
	    {"", SPM_NUM_PERCENT, "not a number: ''"},
	    {"12.5%", SPM_NUM_PERCENT | SPM_NUM_DECIMAL_COMMA, "not a number: '12.5%'"},
	    {"0.12345678901", 0, "too many decimals (at most 10): '0.12345678901'"},
	    {"0.12345678901", SPM_NUM_PERCENT, "too many decimals (at most 10): '0.12345678901'"},
	    {"0.123456789%", SPM_NUM_PERCENT, "too many decimals (at most 8): '0.123456789%'"},
	    {"0.000000001%", SPM_NUM_PERCENT, "too many decimals (at most 8): '0.000000001%'"},
	    {"922337203.6854775808", 0, "out of range: '922337203.6854775808'"},
	    {"-922337203.6854775809", 0, "out of range: '-922337203.6854775809'"},
	    {"92233720368.54775808%", SPM_NUM_PERCENT, "out of range: '92233720368.54775808%'"},
	    {"1000000000", 0, "out of range: '1000000000'"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		spm_rate r = {SENTINEL};
		spm_error err;
		spm_error_clear(&err);
		int rc =
		    spm_rate_parse(&r, cases[i].text, strlen(cases[i].text), cases[i].flags, &err);
		if (rc != SPM_EDATA)
			fail_msg("'%s' parsed (rc %d)", cases[i].text, rc);
		assert_int_equal(err.code, SPM_EDATA);
		assert_string_equal(err.message, cases[i].message);
		assert_int_equal(r.units, SENTINEL);
	}
}

static void test_rate_format(void **state)
{
	static const struct {
		int64_t units;
		const char *plain, *percent;
	} cases[] = {
	    {800000000, "0.08", "8%"},
	    {1250000000, "0.125", "12.5%"},
	    {12500000000, "1.25", "125%"},
	    {SPM_RATE_ONE, "1", "100%"},
	    {0, "0", "0%"},
	    {1, "0.0000000001", "0.00000001%"},
	    {-1, "-0.0000000001", "-0.00000001%"},
	    {-500000000, "-0.05", "-5%"},
	    {3333333333, "0.3333333333", "33.33333333%"},
	    {INT64_MAX, "922337203.6854775807", "92233720368.54775807%"},
	    {INT64_MIN, "-922337203.6854775808", "-92233720368.54775808%"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[SPM_NUM_BUFSZ];
		spm_rate r = {cases[i].units}, back = {SENTINEL};
		size_t n = spm_rate_format(buf, sizeof buf, r, false);
		assert_string_equal(buf, cases[i].plain);
		assert_int_equal(n, strlen(cases[i].plain));
		assert_int_equal(spm_rate_parse(&back, buf, n, 0, NULL), SPM_OK);
		assert_int_equal(back.units, r.units);
		n = spm_rate_format(buf, sizeof buf, r, true);
		assert_string_equal(buf, cases[i].percent);
		assert_int_equal(n, strlen(cases[i].percent));
		back.units = SENTINEL;
		assert_int_equal(spm_rate_parse(&back, buf, n, SPM_NUM_PERCENT, NULL), SPM_OK);
		assert_int_equal(back.units, r.units);
	}
}

static void test_rate_mul(void **state)
{
	spm_rate out = {SENTINEL};
	(void)state;
	/* a 50% split of an 8% rate */
	assert_int_equal(spm_rate_mul(&out, rate("8%"), rate("50%"), SPM_ROUND_HALF_UP), SPM_OK);
	assert_rate_text(out, "0.04");
	assert_int_equal(spm_rate_mul(&out, rate("0.3333333333"), rate("3"), SPM_ROUND_HALF_UP),
	                 SPM_OK);
	assert_rate_text(out, "0.9999999999");
	/* 10^-10 × 0.5 = 5 × 10^-11: a tie at the rate scale */
	assert_int_equal(spm_rate_mul(&out, (spm_rate){1}, rate("0.5"), SPM_ROUND_HALF_UP), SPM_OK);
	assert_int_equal(out.units, 1);
	assert_int_equal(spm_rate_mul(&out, (spm_rate){1}, rate("0.5"), SPM_ROUND_HALF_EVEN),
	                 SPM_OK);
	assert_int_equal(out.units, 0);
	assert_int_equal(spm_rate_mul(&out, (spm_rate){3}, rate("0.5"), SPM_ROUND_HALF_EVEN),
	                 SPM_OK);
	assert_int_equal(out.units, 2);
	assert_int_equal(spm_rate_mul(&out, (spm_rate){-1}, rate("0.5"), SPM_ROUND_FLOOR), SPM_OK);
	assert_int_equal(out.units, -1);
	assert_int_equal(spm_rate_mul(&out, (spm_rate){-1}, rate("0.5"), SPM_ROUND_HALF_DOWN),
	                 SPM_OK);
	assert_int_equal(out.units, 0);
	assert_int_equal(spm_rate_mul(&out, (spm_rate){INT64_MIN}, rate("1"), SPM_ROUND_DOWN),
	                 SPM_OK);
	assert_int_equal(out.units, INT64_MIN);
	out.units = SENTINEL;
	assert_int_equal(spm_rate_mul(&out, (spm_rate){INT64_MAX}, rate("2"), SPM_ROUND_DOWN),
	                 SPM_ERANGE);
	assert_int_equal(
	    spm_rate_mul(&out, (spm_rate){INT64_MIN}, (spm_rate){INT64_MIN}, SPM_ROUND_DOWN),
	    SPM_ERANGE);
	assert_int_equal(spm_rate_mul(&out, rate("1"), rate("1"), (spm_rounding)7), SPM_EUSAGE);
	assert_int_equal(out.units, SENTINEL);
}

static void test_rate_ratio(void **state)
{
	spm_rate out = {SENTINEL};
	(void)state;
	/* attainment: 150000 booked against a 120000 quota */
	assert_int_equal(spm_rate_ratio(&out, money("150000"), money("120000"), SPM_ROUND_HALF_UP),
	                 SPM_OK);
	assert_rate_text(out, "1.25");
	assert_int_equal(spm_rate_ratio(&out, money("-150000"), money("120000"), SPM_ROUND_HALF_UP),
	                 SPM_OK);
	assert_rate_text(out, "-1.25");
	assert_int_equal(spm_rate_ratio(&out, money("1"), money("3"), SPM_ROUND_HALF_UP), SPM_OK);
	assert_rate_text(out, "0.3333333333");
	assert_int_equal(spm_rate_ratio(&out, money("1"), money("3"), SPM_ROUND_UP), SPM_OK);
	assert_rate_text(out, "0.3333333334");
	assert_int_equal(spm_rate_ratio(&out, money("2"), money("3"), SPM_ROUND_HALF_UP), SPM_OK);
	assert_rate_text(out, "0.6666666667");
	assert_int_equal(spm_rate_ratio(&out, money("2"), money("3"), SPM_ROUND_DOWN), SPM_OK);
	assert_rate_text(out, "0.6666666666");
	assert_int_equal(spm_rate_ratio(&out, money("2"), money("-3"), SPM_ROUND_FLOOR), SPM_OK);
	assert_rate_text(out, "-0.6666666667");
	assert_int_equal(spm_rate_ratio(&out, money("0"), money("120000"), SPM_ROUND_UP), SPM_OK);
	assert_rate_text(out, "0");
	/* 1 / 4e10 = 0.25e-10 is under half a unit; 1 / 2e10 is exactly half */
	assert_int_equal(spm_rate_ratio(&out, money("1"), money("40000000000"), SPM_ROUND_HALF_UP),
	                 SPM_OK);
	assert_int_equal(out.units, 0);
	assert_int_equal(spm_rate_ratio(&out, money("1"), money("20000000000"), SPM_ROUND_HALF_UP),
	                 SPM_OK);
	assert_int_equal(out.units, 1);
	assert_int_equal(
	    spm_rate_ratio(&out, money("1"), money("20000000000"), SPM_ROUND_HALF_EVEN), SPM_OK);
	assert_int_equal(out.units, 0);
	/* the extremes against each other: INT64_MIN / INT64_MAX is just below -1 */
	assert_int_equal(
	    spm_rate_ratio(&out, (spm_money){INT64_MIN}, (spm_money){INT64_MAX}, SPM_ROUND_HALF_UP),
	    SPM_OK);
	assert_rate_text(out, "-1");
	assert_int_equal(
	    spm_rate_ratio(&out, (spm_money){INT64_MIN}, (spm_money){INT64_MAX}, SPM_ROUND_FLOOR),
	    SPM_OK);
	assert_rate_text(out, "-1.0000000001");

	out.units = SENTINEL;
	assert_int_equal(spm_rate_ratio(&out, money("150000"), money("0"), SPM_ROUND_HALF_UP),
	                 SPM_ERANGE);
	assert_int_equal(spm_rate_ratio(&out, money("0"), money("0"), SPM_ROUND_HALF_UP),
	                 SPM_ERANGE);
	/* a ratio above 922337203.68... does not fit a rate */
	assert_int_equal(spm_rate_ratio(&out, money("1000000000"), money("1"), SPM_ROUND_DOWN),
	                 SPM_ERANGE);
	assert_int_equal(
	    spm_rate_ratio(&out, (spm_money){INT64_MAX}, (spm_money){1}, SPM_ROUND_DOWN),
	    SPM_ERANGE);
	assert_int_equal(out.units, SENTINEL);
}

static void test_rate_cmp(void **state)
{
	(void)state;
	assert_int_equal(spm_rate_cmp(rate("8%"), rate("0.08")), 0);
	assert_int_equal(spm_rate_cmp(rate("7.99999999%"), rate("8%")), -1);
	assert_int_equal(spm_rate_cmp((spm_rate){INT64_MAX}, (spm_rate){INT64_MIN}), 1);
}

/* --- whole numbers --- */

static void test_int_parse(void **state)
{
	static const struct {
		const char *text;
		int64_t min, max, value;
	} ok[] = {
	    {"42", 0, 100, 42},
	    {" -7 ", -10, 10, -7},
	    {"+0", 0, 0, 0},
	    {"0010", 1, 12, 10},
	    {"9223372036854775807", INT64_MIN, INT64_MAX, INT64_MAX},
	    {"-9223372036854775808", INT64_MIN, INT64_MAX, INT64_MIN},
	};
	static const struct {
		const char *text;
		int64_t min, max;
		const char *message;
	} bad[] = {
	    {"", 0, 10, "not a whole number: ''"},
	    {"  ", 0, 10, "not a whole number: '  '"},
	    {"-", 0, 10, "not a whole number: '-'"},
	    {"1.0", 0, 10, "not a whole number: '1.0'"},
	    {"1.", 0, 10, "not a whole number: '1.'"},
	    {"1 2", 0, 100, "not a whole number: '1 2'"},
	    {"1e3", 0, 10000, "not a whole number: '1e3'"},
	    {"0x1", 0, 10, "not a whole number: '0x1'"},
	    {"1,000", 0, 10000, "not a whole number: '1,000'"},
	    {"11", 1, 10, "out of range (1..10): '11'"},
	    {"0", 1, 12, "out of range (1..12): '0'"},
	    {"-1", 0, 10, "out of range (0..10): '-1'"},
	    {"9223372036854775808", INT64_MIN, INT64_MAX,
	     "out of range (-9223372036854775808..9223372036854775807): '9223372036854775808'"},
	    {"-9223372036854775809", INT64_MIN, INT64_MAX,
	     "out of range (-9223372036854775808..9223372036854775807): '-9223372036854775809'"},
	    {"99999999999999999999999", 0, 10, "out of range (0..10): '99999999999999999999999'"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		int64_t v = SENTINEL;
		spm_error err;
		spm_error_clear(&err);
		if (spm_int_parse(&v, ok[i].text, strlen(ok[i].text), ok[i].min, ok[i].max, &err) !=
		    SPM_OK)
			fail_msg("'%s': %s", ok[i].text, err.message);
		assert_int_equal(v, ok[i].value);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t v = SENTINEL;
		spm_error err;
		spm_error_clear(&err);
		assert_int_equal(spm_int_parse(&v, bad[i].text, strlen(bad[i].text), bad[i].min,
		                               bad[i].max, &err),
		                 SPM_EDATA);
		assert_int_equal(err.code, SPM_EDATA);
		assert_string_equal(err.message, bad[i].message);
		assert_int_equal(v, SENTINEL);
	}
}

static void test_int_parse_usage(void **state)
{
	int64_t v = SENTINEL;
	spm_error err;
	(void)state;
	assert_int_equal(spm_int_parse(&v, "5", 1, 10, 1, &err), SPM_EUSAGE);
	assert_int_equal(err.code, SPM_EUSAGE);
	assert_int_equal(v, SENTINEL);
	assert_int_equal(spm_int_parse(&v, "12345", 2, 0, 99, NULL), SPM_OK);
	assert_int_equal(v, 12);
}

static void test_mul_ratio(void **state)
{
	(void)state;
	spm_money out;
	/* 100 EUR at 1.08 USD/EUR into GBP at 1.27 USD/GBP: 100 × 1.08 / 1.27 = 85.03937007... */
	spm_money eur = {100 * SPM_MONEY_ONE};
	spm_rate eur_usd = {108 * SPM_RATE_ONE / 100}, gbp_usd = {127 * SPM_RATE_ONE / 100};
	assert_int_equal(spm_money_mul_ratio(&out, eur, eur_usd, gbp_usd, SPM_ROUND_HALF_UP), SPM_OK);
	assert_int_equal(out.units, 850394);
	assert_int_equal(spm_money_mul_ratio(&out, eur, eur_usd, gbp_usd, SPM_ROUND_DOWN), SPM_OK);
	assert_int_equal(out.units, 850393);
	/* a tie on the exact value is decided by the mode: -0.0005 × 1/2 = -0.00025 */
	spm_money tiny = {-5};
	spm_rate half = {SPM_RATE_ONE / 2}, one = {SPM_RATE_ONE};
	assert_int_equal(spm_money_mul_ratio(&out, tiny, half, one, SPM_ROUND_HALF_EVEN), SPM_OK);
	assert_int_equal(out.units, -2); /* -2.5 -> -2 */
	assert_int_equal(spm_money_mul_ratio(&out, tiny, half, one, SPM_ROUND_HALF_UP), SPM_OK);
	assert_int_equal(out.units, -3);
	/* huge values stay exact in 128 bits, and a result too large is an error */
	spm_money big = {INT64_MAX};
	spm_rate max = {INT64_MAX};
	assert_int_equal(spm_money_mul_ratio(&out, big, max, max, SPM_ROUND_DOWN), SPM_OK);
	assert_int_equal(out.units, INT64_MAX);
	assert_int_equal(spm_money_mul_ratio(&out, big, max, one, SPM_ROUND_DOWN), SPM_ERANGE);
	assert_int_equal(spm_money_mul_ratio(&out, big, one, (spm_rate){0}, SPM_ROUND_DOWN),
			 SPM_ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mul_ratio),
	    cmocka_unit_test(test_money_parse_valid),
	    cmocka_unit_test(test_money_parse_not_nul_terminated),
	    cmocka_unit_test(test_money_parse_decimal_comma),
	    cmocka_unit_test(test_money_parse_errors),
	    cmocka_unit_test(test_money_format),
	    cmocka_unit_test(test_money_format_small_buffer),
	    cmocka_unit_test(test_money_round_trip),
	    cmocka_unit_test(test_rounding_names),
	    cmocka_unit_test(test_money_round_every_mode),
	    cmocka_unit_test(test_money_round_places),
	    cmocka_unit_test(test_money_round_limits_and_usage),
	    cmocka_unit_test(test_money_add_sub),
	    cmocka_unit_test(test_money_neg_from_int_cmp),
	    cmocka_unit_test(test_money_mul_rate),
	    cmocka_unit_test(test_money_mul_rate_limits),
	    cmocka_unit_test(test_money_div_rate),
	    cmocka_unit_test(test_rate_parse),
	    cmocka_unit_test(test_rate_parse_errors),
	    cmocka_unit_test(test_rate_format),
	    cmocka_unit_test(test_rate_mul),
	    cmocka_unit_test(test_rate_ratio),
	    cmocka_unit_test(test_rate_cmp),
	    cmocka_unit_test(test_int_parse),
	    cmocka_unit_test(test_int_parse_usage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
