/*
 * spm/lint.h - checks of plans beyond their syntax: the shapes of pay a reviewer should see before
 * a plan pays anyone, and people who sell but are on no plan.
 *
 * Findings are warnings, not errors: a plan may mean to have a cliff. Each names where it is
 * (source, line) and what it is, e.g.
 *     plan.yaml:14: cliff: component 'new' pays 4% of quota more at 100% (tier 1 to 2,
 *         retroactive, 8% to 12%)
 *     plan.yaml:16: pay falls: component 'new' at 150% drops the rate from 12% to 10% for the
 *         whole base, 3% of quota less
 */
#ifndef SPM_LINT_H
#define SPM_LINT_H

#include <stddef.h>

#include "spm/error.h"
#include "spm/money.h"
#include "spm/period.h"
#include "spm/plan.h"
#include "spm/store.h"

typedef struct spm_lint {
	const char *source; /* the plan file, or "" for findings about the store */
	long line;          /* 0 when none */
	char message[512];
} spm_lint;

typedef void (*spm_lint_fn)(void *ctx, const spm_lint *finding);

typedef struct spm_lint_options {
	/* A cliff larger than this is reported: money for tables on amount... */
	spm_money cliff_amount;
	/* ...and a share of the quota for tables on attainment. Both default to zero: every cliff.
	 */
	spm_rate cliff_share;
} spm_lint_options;

/*
 * Lints one plan:
 *   - in a retroactive table, the jump in pay where the measure crosses a tier bound (a cliff,
 *     when above the tolerance) and a drop in pay where a higher tier has a lower rate;
 *   - in a graduated table, a tier with a lower rate than the one before (pay never jumps there,
 *     but each further unit earns less);
 *   - in a pay curve (a component's, or the plan's weighted one), a point that pays less than
 *     the point before it.
 * A drop into a tier marked `decelerator: true` is meant and not reported; curves have no such
 * mark, so their drops always are. Table findings carry the tier's line, a component curve's the
 * component's line, the plan's curve line 0. Calls fn for each finding, component by component in
 * the file's order, the plan's curve last; returns the number of findings (>= 0), or a negative
 * status (SPM_ERANGE when a cliff is too large to compute).
 */
int spm_plan_lint(const spm_plan *plan, const spm_lint_options *options, spm_lint_fn fn, void *ctx,
                  spm_error *err);

/*
 * Reps with won deals in `period` -- as owner or through a credit -- that no assignment in the
 * store puts on any of the given plans during the period. Calls fn once per rep, in rep_id order;
 * returns their number, or a negative status (SPM_EBUSY, SPM_ESTORE, ...).
 */
int spm_plan_unassigned(spm_store *st, const spm_plan *const *plans, size_t nplans,
                        const spm_period *period, spm_lint_fn fn, void *ctx, spm_error *err);

#endif
