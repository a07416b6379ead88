/*
 * run_engine.h - the commission run's insides, shared by its three files: run_measure.c (the seats
 * and the passes over the store that measure them), run_pay.c (the lines of a seat, from its
 * measures) and run.c (the run: plans, restatements of closed periods, the transaction). Nothing
 * outside the run includes it.
 */
#ifndef SPM_RUN_ENGINE_H
#define SPM_RUN_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pay.h"
#include "run_impl.h"
#include "spm/fx.h"
#include "spm/sha256.h"
#include "spm/store.h"
#include "stmtutil.h"
#include "util.h"

#define SPM_RUN_MAX_GROUP 16 /* components measured by one pass over the store, at most */

/* A rep on a plan in the period: the days on it, and what was measured for it. */
typedef struct seat {
	char *rep;
	spm_date from, to;   /* on the plan, within [window first, period last]: credits count */
	int64_t on, of;      /* proration: days (or months) on the plan / in the window */
	bool leaves;         /* the rep's last day falls in the period */
	spm_measured *m;     /* per component */
	spm_money *paid;     /* per component, and [ncomponents] the weighted line: paid to date */
	int64_t *bonus;      /* per bonus: qualifying credit lines */
	spm_money *team;     /* per override: the team's credited amount */
	int64_t *team_lines; /* per override: its credit lines */
	spm_money carried, drawn; /* ledger balances before the period (<= 0 when owed) */
} seat;

/* A credit kept for the line it feeds, written with it (payout_lines.credits). */
typedef struct kept {
	size_t seat;           /* its seat's index */
	size_t slot;           /* component k; override: ncomponents + k; bonus: + noverrides */
	const char *component; /* the component, override or bonus (the plan's text) */
	const char *deal, *via, *currency; /* in the run's string arena */
	int role;
	int32_t date;
	int64_t share, amount, converted;
} kept;

/* Strings that live as long as a plan's pay: bump-allocated in large blocks. */
typedef struct arena {
	char **blocks;
	size_t nblocks;
	size_t used, size; /* in the last block */
} arena;

typedef struct run {
	spm_store *st;
	const spm_period *period;
	spm_period window; /* the evaluation window: the period, or its quarter or year to date */
	spm_fx *fx;
	spm_sha256 inputs;
	spm_stmt *line, *ledger, *claw;
	int claw_rc; /* the clawback statement's last step */
	int64_t run_id;
	spm_buf explain;
	spm_payout_fn fn;
	void *ctx;
	spm_run_summary *sum;
	spm_error *err;
	/* the plan being paid and its seats */
	const spm_plan *plan;
	const char *hash;
	seat *seats;
	size_t nseats;
	kept *kept;
	size_t nkept, capkept;
	arena strings;
	spm_buf credits_json;  /* a line's credits, as written */
	size_t slot;           /* the slot the current pass keeps credits in (bonus, override) */
	uint64_t lines_sum[4]; /* the credit lines of a pass, hashed in any order */
	int64_t lines_fed;
	/* what the current pass fills */
	const char *target;              /* component, bonus or override name */
	size_t group[SPM_RUN_MAX_GROUP]; /* the components a pass measures */
	size_t ngroup;
	size_t index; /* a bonus's or override's index */
	enum { FILL_COMPONENT, FILL_BONUS, FILL_TEAM } fill;
	/* what-if: one rep only, with more credited to one component (solve) */
	const char *only_rep;
	bool one_connection; /* see run_mode */
	run_measures *measures;
	size_t extra_comp;
	spm_money extra;
	/* closed periods restated in this run, for the plan being paid */
	struct restated *restated;
	size_t nrestated;
} run;

/* A closed period's pay recomputed on today's data, less what was paid for it: per rep. */
typedef struct restated {
	char period[SPM_PERIOD_BUFSZ];
	char **reps;
	spm_money *diff;
	size_t n;
} restated;

static inline int nomem(spm_error *err)
{
	return spm_error_set(err, SPM_ENOMEM, "out of memory");
}

static inline void feed(run *r, const char *s)
{
	spm_sha256_update(&r->inputs, s ? s : "", strlen(s ? s : "") + 1);
}

static inline void feed_int(run *r, int64_t v)
{
	/* eight bytes, least significant first: the same hash on every machine */
	unsigned char b[8];
	uint64_t u = (uint64_t)v;
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(u >> (8 * i));
	spm_sha256_update(&r->inputs, b, sizeof b);
}

/* run_measure.c */

/* The plan's seats (r->plan, r->window), in byte order of their reps; freed by seats_free. */
int spm_run_load_seats(run *r);
void spm_run_seats_free(run *r);
/* Every pass over the store for the seats, then quotas, paid to date and balances. */
int spm_run_measure_plan(run *r);
/* m × the seat's proration, rounded with the plan's mode. */
int spm_run_prorate(run *r, const seat *s, spm_money m, spm_money *out);
/* Appends the kept credits of (seat `at`, slot) to r->credits_json as array elements. */
int spm_run_credits_json(run *r, size_t at, size_t slot);
/* Frees the kept credits and their strings. */
void spm_run_kept_free(run *r);
/* The index of the plan's component called name, or -1. */
int spm_run_component_index(const spm_plan *p, const char *name);

/* run_pay.c */

/* Opens the plan's clawback query, read along the seats as they are paid. */
int spm_run_clawbacks_open(run *r);
/* Every line of seat s, its ledger movements too. */
int spm_run_pay_seat(run *r, seat *s);

#endif
