/*
 * fuzz_plan.c - libFuzzer target for the plan reader and its lint.
 *
 * Any bytes are read as a plan file. A plan read must hold what the model promises (a name, a
 * currency of three letters, at least one component, tiers that ascend, weights that add up to
 * 100% when given, rounding places 0..4) and lint without failing; a refusal must give a message
 * located in the file. Any broken promise aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spm/lint.h"
#include "spm/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_plan: broken: %s\n", what);
		abort();
	}
}

static void count_finding(void *ctx, const spm_lint *finding)
{
	(void)finding;
	(*(size_t *)ctx)++;
}

static void check_plan(const spm_plan *p)
{
	check(p->name && *p->name, "a plan has a name");
	check(strlen(p->currency) == 3, "a currency of three letters");
	check(p->ncomponents > 0, "at least one component");
	check(p->rounding_places >= 0 && p->rounding_places <= 4, "rounding places 0..4");
	int64_t weights = 0;
	bool weighted = false;
	for (size_t k = 0; k < p->ncomponents; k++) {
		const spm_plan_component *c = &p->components[k];
		check(c->name && *c->name, "a component has a name");
		if (c->has_weight) {
			weighted = true;
			weights += c->weight.units;
		}
		if (c->pay == SPM_PAY_TABLE) {
			check(c->table.ntiers > 0 && c->decelerators != NULL, "a table has tiers");
			for (size_t t = 1; t < c->table.ntiers; t++)
				check(c->table.tiers[t - 1].unbounded == false &&
				          (c->table.tiers[t].unbounded ||
				           c->table.tiers[t].upto > c->table.tiers[t - 1].upto),
				      "tiers ascend");
		}
	}
	check(!weighted || weights == SPM_RATE_ONE, "weights add up to 100%");
	spm_lint_options o = {{0}, {0}};
	spm_error err;
	size_t n = 0;
	check(spm_plan_lint(p, &o, count_finding, &n, &err) >= 0, "a plan read can be linted");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	spm_plan *p = NULL;
	spm_error err;
	int rc = spm_plan_parse(&p, "plan.yaml", (const char *)data, size, &err);
	if (rc == SPM_OK) {
		check(p != NULL, "a plan on success");
		check_plan(p);
	} else {
		check(p == NULL, "no plan on failure");
		check(err.message[0] != '\0', "a refusal says why");
	}
	spm_plan_free(p);
	return 0;
}
