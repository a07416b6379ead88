/*
 * run_impl.h - the run engine's entry point for the library's own callers: what-if and solve
 * (whatif.c) run it in ways the public spm_run and spm_run_dry do not offer.
 */
#ifndef SPM_RUN_IMPL_H
#define SPM_RUN_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "spm/run.h"

/* How a run is held: stored, dry (rolled back), or inside the caller's transaction. */
typedef struct run_mode {
	bool dry;    /* roll back at the end; a closed period may be computed */
	bool nested; /* the caller holds the transaction (and rolls it back) */
	const char *only_rep; /* pay this rep only (solve) */
	size_t extra_comp;    /* ...with `extra` more measured in this component */
	spm_money extra;
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
