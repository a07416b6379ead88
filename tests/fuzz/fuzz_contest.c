/*
 * fuzz_contest.c - libFuzzer target for the contest file reader.
 *
 * Any bytes are read as a contest file. A contest read must hold what spm/contest.h promises (a
 * name, a known measure and rule, a minimum exactly with rule minimum, prizes only for ranking and
 * minimum, milestones only and always for rule milestones and strictly ascending, shares above 0%
 * adding up to 100% at most, amounts in cents and not negative, a known currency, a period that
 * reads); a refusal must be a bad file with a message located in it. Any broken promise aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spm/contest.h"
#include "spm/currency.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_contest: broken: %s\n", what);
		abort();
	}
}

static int in_cents(spm_money m)
{
	return m.units >= 0 && m.units % (SPM_MONEY_ONE / 100) == 0;
}

static void check_contest(const spm_contest *c)
{
	const spm_contest_info *in = spm_contest_describe(c);
	char buf[SPM_NUM_BUFSZ];
	spm_period p;
	spm_error err;

	check(in->name && *in->name && spm_contest_name(c) == in->name, "a contest has a name");
	check(strcmp(in->source, "contest.yaml") == 0, "the source is kept");
	check((unsigned)in->measure < SPM_STAT_COUNT, "a known measure");
	check((unsigned)in->rule <= SPM_CONTEST_MILESTONES, "a known rule");
	check(in->has_minimum == (in->rule == SPM_CONTEST_MINIMUM), "a minimum with rule minimum");
	check(!in->has_minimum || in->minimum >= 0, "a minimum is not negative");
	check(!in->team || *in->team, "a team is not empty");
	check(!in->currency || spm_currency_valid(in->currency, strlen(in->currency)),
	      "a known currency");
	check(!in->has_prizes || in->rule != SPM_CONTEST_MILESTONES, "prizes for ranking rules");
	if (in->has_prizes) {
		int64_t sum = 0;
		check(in->nshares > 0 && in->shares, "prizes have shares");
		check(in_cents(in->pot), "the pot is in cents");
		for (size_t i = 0; i < in->nshares; i++) {
			check(in->shares[i].units > 0 && in->shares[i].units <= SPM_RATE_ONE,
			      "a share is above 0% and at most 100%");
			sum += in->shares[i].units;
		}
		check(sum <= SPM_RATE_ONE, "the shares add up to 100% at most");
	}
	check((in->nmilestones > 0) == (in->rule == SPM_CONTEST_MILESTONES),
	      "milestones exactly with rule milestones");
	for (size_t i = 0; i < in->nmilestones; i++) {
		check(in->milestones[i].at >= 0, "a milestone is not negative");
		check(in_cents(in->milestones[i].prize), "a prize is in cents");
		check(i == 0 || in->milestones[i].at > in->milestones[i - 1].at,
		      "milestones ascend");
		check(spm_contest_value_format(buf, sizeof buf, in->measure, in->milestones[i].at) <
		          sizeof buf,
		      "a milestone formats");
	}
	int rc = spm_contest_period(c, NULL, &p, &err);
	check((rc == 1) == (in->period == NULL), "a period exactly when the file gives one");
	check(rc == 1 || rc == SPM_OK, "the file's period reads with the calendar year");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	spm_contest *c = NULL;
	spm_error err;
	int rc = spm_contest_parse((const char *)data, size, "contest.yaml", &c, &err);
	if (rc == SPM_OK) {
		check(c != NULL, "a contest on success");
		check_contest(c);
	} else {
		check(c == NULL, "no contest on failure");
		check(rc == SPM_ECONFIG || rc == SPM_ENOMEM, "a refusal is a bad file");
		check(err.message[0] != '\0', "a refusal says why");
		check(rc != SPM_ECONFIG || strcmp(err.source, "contest.yaml") == 0,
		      "a refusal names the file");
	}
	spm_contest_free(c);
	return 0;
}
