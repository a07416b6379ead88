/*
 * fuzz_ramp.c - libFuzzer target for the ramp readers (spm-quota --ramp): a YAML ramp file, and
 * the same bytes as a --ramp list.
 *
 * A ramp read must hold what spm/quota.h promises (1 to SPM_RAMP_MAX steps, each from 0% to
 * 100%), and a quota ramped by it over a year must stay within the full quota; a refusal must give
 * a message (located in the file, for YAML). Any broken promise aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spm/quota.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_ramp: broken: %s\n", what);
		abort();
	}
}

static void check_ramp(const spm_ramp *r)
{
	spm_period year;
	spm_date hire;
	spm_money full = {1000000000}, out;
	spm_error err;
	char note[512];

	check(r->n >= 1 && r->n <= SPM_RAMP_MAX, "1 to SPM_RAMP_MAX steps");
	for (size_t i = 0; i < r->n; i++)
		check(r->steps[i].units >= 0 && r->steps[i].units <= 10000000000, "steps 0%..100%");
	check(spm_period_parse(&year, "2026", 4, NULL, &err) == SPM_OK, "a year parses");
	check(spm_date_from_ymd(&hire, 2026, 3, 16) == SPM_OK, "a hire date");
	for (int how = SPM_PRORATE_DAYS; how <= SPM_PRORATE_NONE; how++) {
		check(spm_quota_adjust(full, &year, true, hire, false, hire, r,
		                       (spm_plan_proration)how, 2, &out, note, sizeof note,
		                       &err) == SPM_OK,
		      "a ramped quota is computed");
		check(out.units >= 0 && out.units <= full.units, "a ramped quota within the full one");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	spm_ramp ramp;
	spm_plan_proration how = SPM_PRORATE_DAYS;
	spm_error err;
	int rc = spm_ramp_read(&ramp, &how, "ramp.yaml", (const char *)data, size, &err);
	if (rc == SPM_OK)
		check_ramp(&ramp);
	else
		check(err.message[0] != '\0' && strcmp(err.source, "ramp.yaml") == 0,
		      "a refusal names the file");

	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (spm_ramp_parse(&ramp, text, &err) == SPM_OK)
		check_ramp(&ramp);
	else
		check(err.message[0] != '\0', "a refusal says why");
	free(text);
	return 0;
}
