/*
 * run_impl.h - the run engine's entry point for the library's own callers: what-if and solve
 * (whatif.c) run it in ways the public spm_run and spm_run_dry do not offer.
 */
#ifndef SPM_RUN_IMPL_H
#define SPM_RUN_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "spm/run.h"

/*
 * What one rep's passes over the store measured, kept across the dry runs of that rep that
 * solve makes: only the first reads the deals. Zero it before the first run; free it with
 * spm_run_measures_free.
 */
typedef struct run_measures {
	bool filled;
	spm_money *base;     /* per component: what was measured */
	int64_t *credits;    /* per component: the credit lines */
	int64_t *bonus;      /* per bonus: the qualifying lines */
	spm_money *team;     /* per override: the team's credited amount */
	int64_t *team_lines; /* per override: its lines */
} run_measures;

void spm_run_measures_free(run_measures *m);

/* How a run is held: stored, dry (rolled back), or inside the caller's transaction. */
typedef struct run_mode {
	bool dry;             /* roll back at the end; a closed period may be computed */
	bool nested;          /* the caller holds the transaction (and rolls it back) */
	const char *only_rep; /* pay this rep only (solve) */
	bool one_connection;  /* read the deals on the caller's connection only: it changed them
	                         in its transaction, which other connections do not see */
	size_t extra_comp;    /* ...with `extra` more measured in this component */
	spm_money extra;
	run_measures
	    *measures; /* only_rep: the measures of an earlier run of the rep, or to keep */
} run_mode;

/*
 * spm_run and spm_run_dry, held as `mode` says: a nested run leaves the transaction to the caller
 * (who rolls it back) and, like a dry run, may compute a closed period.
 */
int spm_run_period(spm_store *st, const spm_run_plan *plans, size_t nplans,
                   const spm_period *period, const run_mode *mode, spm_payout_fn fn, void *ctx,
                   spm_run_summary *sum, spm_error *err);

/* Whether plan p pays by `period`'s kind and is in effect in it (SPM_ECONFIG if not). */
int spm_run_check_plan(const spm_plan *p, const spm_period *period, spm_error *err);

#endif
