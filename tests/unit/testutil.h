/*
 * testutil.h - small helpers the unit tests share: money and rates from text that must parse,
 * assertions on their formatted text, and inputs in temporary files. Include after <cmocka.h>.
 */
#ifndef SPM_TESTUTIL_H
#define SPM_TESTUTIL_H

#include <stdio.h>
#include <string.h>

#include "spm/money.h"

/* A value no parse leaves behind: a helper that failed to write is seen. */
#define SENTINEL INT64_C(0x5EED5EED5EED)

/* A money from text that must parse; keeps the cases readable. */
static inline spm_money money(const char *text)
{
	spm_money m = {SENTINEL};
	spm_error err;

	spm_error_clear(&err);
	if (spm_money_parse(&m, text, strlen(text), 0, &err) != SPM_OK)
		fail_msg("test money '%s' did not parse: %s", text, err.message);
	return m;
}

/* A rate from text that must parse, as a decimal or a percentage. */
static inline spm_rate rate(const char *text)
{
	spm_rate r = {SENTINEL};
	spm_error err;

	spm_error_clear(&err);
	if (spm_rate_parse(&r, text, strlen(text), SPM_NUM_PERCENT, &err) != SPM_OK)
		fail_msg("test rate '%s' did not parse: %s", text, err.message);
	return r;
}

static inline void assert_money_text(spm_money m, const char *want)
{
	char buf[SPM_NUM_BUFSZ];

	spm_money_format(buf, sizeof buf, m, 0);
	assert_string_equal(buf, want);
}

static inline void assert_rate_text(spm_rate r, const char *want)
{
	char buf[SPM_NUM_BUFSZ];

	spm_rate_format(buf, sizeof buf, r, false);
	assert_string_equal(buf, want);
}

static inline void assert_percent_text(spm_rate r, const char *want)
{
	char buf[SPM_NUM_BUFSZ];

	spm_rate_format(buf, sizeof buf, r, true);
	assert_string_equal(buf, want);
}

/* An input of len bytes (text may hold NULs), in a temporary file. */
static inline FILE *input(const char *text, size_t len)
{
	FILE *fp = tmpfile();
	assert_non_null(fp);
	if (len)
		assert_int_equal(fwrite(text, 1, len, fp), len);
	rewind(fp);
	return fp;
}

#endif
