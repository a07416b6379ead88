/*
 * spm/credit.h - credited amounts: which deals count for whom in a period, by a plan's credit rule.
 *
 * The one place that answers "what did this rep sell": a plan's components measure it, and quota
 * attainment divides it by the quota, so both always agree. A deal credits
 *   - its owner with 100% of its amount, when it has no revenue split (role owner);
 *   - each rep of its revenue split with their share (role split);
 *   - each overlay rep with their overlay share (role overlay);
 *   - each manager above an owner or split rep, at any level of reps.manager_id (or the direct
 *     manager only, on request), with that rep's line at that rep's share (role team; via_rep
 *     names the rep below). Overlays never roll up. Team lines are the owner and split lines the
 *     rule's filters let through, whether or not the rule's roles include owner and split
 *     themselves. A manager who is, through a loop in the hierarchy, below themself is not
 *     credited with their own lines;
 *   - when it has no owner (rep_id empty) and no revenue split, each rep whose territory is the
 *     deal's territory or one above it (territories.parent_id, any level) with 100% (role
 *     territory; a deal without a territory credits nobody). Several reps of one territory are
 *     each credited 100%: the deal counts fully for each of them, as a territory quota is
 *     meant to be measured;
 * as the rule's roles allow, when its status, type, product, stage and `where` filters pass and
 * its close (or created) date lies both in the queried range and in the rule's window.
 *
 * Cancellations: a deal whose cancel_date is on or before the last day of the queried range
 * credits nothing in that query: by then it was cancelled. A deal cancelled after that day still
 * credits (it counted when it closed); taking the pay back in the period of the cancellation is
 * the run's job (its clawback), not this module's.
 *
 * A credited amount is the deal's amount times the share, rounded once with the caller's mode at
 * the money scale, in the deal's own currency; the credited margin likewise. Deals without an
 * amount credit nothing.
 *
 * `where` filters: a field among account, product, type, stage, territory, currency and
 * forecast_category compares that column of the deal; any other name compares the deal's imported
 * attribute of that name, as text. A deal without the column's value or the attribute fails the
 * filter. Every value is bound, never spliced into the SQL.
 */
#ifndef SPM_CREDIT_H
#define SPM_CREDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "spm/date.h"
#include "spm/error.h"
#include "spm/money.h"
#include "spm/plan.h"
#include "spm/store.h"

/* How a rep is credited; the values are stable (the run stores them, by name). */
typedef enum spm_credit_role {
	SPM_ROLE_OWNER = 0,
	SPM_ROLE_SPLIT = 1,
	SPM_ROLE_OVERLAY = 2,
	SPM_ROLE_TEAM = 3,
	SPM_ROLE_TERRITORY = 4
} spm_credit_role;

/* The role's word: "owner", "split", "overlay", "team", "territory"; "?" for any other value. */
const char *spm_credit_role_name(spm_credit_role role);

typedef struct spm_credit_line {
	const char *rep_id;
	const char *deal_id;
	spm_credit_role role;
	spm_rate share;
	spm_money deal_amount;
	spm_money amount;     /* deal_amount × share, rounded */
	bool has_margin;      /* false when the deal has no margin (margin is then 0) */
	spm_money margin;     /* the deal's margin × share, rounded like amount */
	const char *currency; /* the deal's, or NULL when it has none */
	spm_date date;        /* the date that placed it in the period */
	const char *via_rep; /* role team: the rep below whose line this is; NULL for other roles */
	const char *type, *product, *stage; /* the deal's, or NULL: for callers that sort lines */
	/* with the query's forecast_fields only (else "", false, NULL): */
	const char *status;                 /* the deal's: "open", "won" or "lost" */
	bool has_probability;               /* the deal's own probability (not its stage's) */
	spm_rate probability;
	const char *forecast_category;      /* the deal's own, or NULL */
} spm_credit_line;

/* Called for each credit line; strings are valid during the call. A non-zero return stops. */
typedef int (*spm_credit_fn)(void *ctx, const spm_credit_line *line);

/*
 * One question to the credit rules. Fill it with a designated initializer; a member left zero
 * takes its default.
 */
typedef struct spm_credit_query {
	const spm_plan_credit *rule; /* required; borrowed for the call */
	spm_date first, last;  /* the range, inclusive (the rule's window narrows it further) */
	const char *rep_id;    /* NULL: every rep; else only the lines credited to this rep */
	spm_rounding mode;     /* rounding of amount and margin; zero is SPM_ROUND_HALF_UP */
	bool team_direct_only; /* role team: direct reports only (`levels: direct`) */
	bool any_order;        /* the lines in no set order (all reps: no sort of the range) */
	bool forecast_fields;  /* fill the lines' status, probability and forecast_category */
	/*
	 * A slice of the deals, by their row in the store (SQLite's rowid), both ends included; 0
	 * and 0: all. Slices that cover spm_credit_deal_rows() give, together, the lines of the
	 * whole: a caller reads them on several connections at once.
	 */
	int64_t rowid_from, rowid_to;
} spm_credit_query;

/* The first and last row numbers of the deals (0 and 0 when there are none). */
int spm_credit_deal_rows(spm_store *st, int64_t *first, int64_t *last, spm_error *err);

/*
 * Calls fn for every credit the query's rule gives in [first, last] to every rep or, with rep_id
 * not NULL, to that rep only, ordered by rep, date, deal, role and (role team) via_rep, ids
 * compared byte by byte. The call for one rep gives exactly that rep's lines of the call for all
 * reps, in the same order; it is meant for one rep's questions (solve), and reaches that rep's
 * splits and team through indexes (credits by rep, reps by manager); the deals a rep owns are
 * found by reading the range, as no index on deals by rep is kept (it would slow every import).
 * The call for all reps reads the range once (owner and split lines in one pass). Reps are credited
 * whatever their hire and end dates: whom to pay is the run's choice.
 *
 * Returns SPM_OK, fn's non-zero return, or a negative status: SPM_EUSAGE when q, its rule or fn is
 * missing, its mode is not a rounding mode, or a `where` filter has no field, no values, or an
 * attribute name holding a double quote; SPM_ERANGE when an amount or margin times its share does
 * not fit; SPM_ESTORE for a deal date the store holds in another form, or attributes that are not
 * JSON; other store failures as spm_stmt_step returns them. fn is not called after a failure.
 */
int spm_credits_ex(spm_store *st, const spm_credit_query *q, spm_credit_fn fn, void *ctx,
                   spm_error *err);

/*
 * spm_credits_ex with every rep below a manager (all levels) for role team: a shorthand kept for
 * the callers that need no options.
 */
int spm_credits(spm_store *st, const spm_plan_credit *rule, spm_date first, spm_date last,
                const char *rep_id, spm_rounding mode, spm_credit_fn fn, void *ctx, spm_error *err);

#endif
