/*
 * spm/activity.h - activity counts per rep: the measure of components paid on calls, meetings,
 * demos and the like (measure: activities in spm-plan(5)).
 */
#ifndef SPM_ACTIVITY_H
#define SPM_ACTIVITY_H

#include <stdint.h>

#include "spm/date.h"
#include "spm/error.h"
#include "spm/plan.h"
#include "spm/store.h"

/* Called once per rep; rep_id is valid during the call. A non-zero return stops. */
typedef int (*spm_activity_fn)(void *ctx, const char *rep_id, int64_t count);

/*
 * Sums activities.count per rep over the activities dated in [first, last] (inclusive) whose kind
 * is among kinds (kinds->n == 0, or kinds NULL: every kind), for every rep or, with rep_id not
 * NULL, for that rep only. Calls fn once for each rep that has such activities (also when their
 * counts add up to 0), in byte-wise order of rep_id; a rep with none is not called. kinds and
 * rep_id are borrowed for the call.
 *
 * Returns SPM_OK, fn's non-zero return, or a negative status: SPM_EUSAGE when fn is missing or a
 * kind is NULL; SPM_ESTORE when a rep's sum does not fit in 64 bits (as SQLite reports it) and
 * other store failures as spm_stmt_step returns them.
 */
int spm_activity_counts(spm_store *st, const spm_plan_words *kinds, spm_date first, spm_date last,
                        const char *rep_id, spm_activity_fn fn, void *ctx, spm_error *err);

/* Called once per rep and kind; rep_id and kind are valid during the call. */
typedef int (*spm_activity_kind_fn)(void *ctx, const char *rep_id, const char *kind,
                                    int64_t count);

/*
 * The same sums per rep and per kind, in one read: fn is called for each rep and kind with
 * activities dated in [first, last], in byte-wise order of rep_id, then kind. Returns as
 * spm_activity_counts.
 */
int spm_activity_counts_by_kind(spm_store *st, spm_date first, spm_date last,
                                spm_activity_kind_fn fn, void *ctx, spm_error *err);

#endif
