/*
 * spm/contest.h - sales contests and badges: the gamification behind `spm-report contest` and
 * `spm-report badges`.
 *
 * A contest is a small YAML file (read with spm/ydoc.h, strictly: an unknown key, a bad value or a
 * broken rule is refused at its file:line:column):
 *
 *     contest: Q2 new-logo sprint   # the name, required
 *     measure: bookings             # an spm_stat name (spm/scorecard.h), required
 *     period: 2026-Q2               # optional; the caller may give another
 *     rule: minimum                 # ranking (default) | minimum | milestones
 *     minimum: 50000                # rule minimum only, and required by it
 *     team: Enterprise              # optional: only this team's reps
 *     currency: USD                 # optional; the store's base currency when absent
 *     prizes:                       # rules ranking and minimum; optional (a leaderboard only)
 *       pot: 10000
 *       currency: USD               # optional, the same as a top-level currency (not both)
 *       shares: [50%, 30%, 20%]     # of the pot for places 1, 2, 3
 *     milestones:                   # rule milestones only, and required by it
 *       - at: 100000
 *         prize: 500
 *       - at: 200000
 *         prize: 1000
 *
 * Values of `minimum` and `at` are in the measure's own units: an amount for bookings, payout and
 * largest ("50000" or "50000.00"), a rate for attainment ("110%", or "1.1"), a whole count for
 * deals, activities, calls, emails, meetings, webinars and demos. None may be negative. The
 * contest's currency is that of every amount in it: the pot, the prizes, money thresholds, and the
 * scorecard the contest reads (amounts are converted into it). The pot and every prize have at
 * most 2 decimals: a cent is the smallest prize. Each share is above 0% and at most 100%; together
 * at most 100% (the rest of the pot is not paid). Milestones' `at` values strictly increase.
 *
 * Who takes part: every rep the period's scorecard lists (spm_scorecard_read at rep level, with
 * the contest's team), i.e. the individual contributors active in the period or with a credit or
 * quota in it. A rep is qualified when it has a value for the measure (attainment needs a quota,
 * payout a commission run paying the rep) and, with rule minimum, the value is at or above the
 * minimum. Only qualified reps are ranked; the others get rank 0 and no prize.
 *
 * Ranks are competition ranks (spm/rank.h): larger values first, equal values share a rank, and
 * the next rank skips as many (1, 2, 2, 4).
 *
 * Prizes of rules ranking and minimum, to the cent, exactly:
 *   1. Places: the n-th qualified rep in ranking order fills place n. Reps tied at rank r, k of
 *      them, fill places r .. r+k-1 together. A place beyond the shares has no share. With fewer
 *      qualified reps than shares, the shares of the places nobody fills are not paid.
 *   2. The pot is split by largest remainder (spm/allocate.h, to 2 decimals) into one part per
 *      filled place that has a share, weighted by its share, plus one unpaid part weighted by
 *      100% less the shares of those places. So the parts paid add up to the pot times the sum of
 *      the filled places' shares, rounded to the cent, and never to more than the pot.
 *   3. Reps tied at one rank share the parts of the places they fill equally: the sum of those
 *      parts is split evenly by largest remainder, a cent left over going to the reps first in
 *      the ranking order (by rep id among the tied).
 *   So the prizes paid add up exactly to the sum of the parts of the places filled. Example: pot
 *   10000, shares 50%, 30%, 20%, two reps tied at rank 2: they fill places 2 and 3 and get
 *   (3000 + 2000) / 2 = 2500.00 each. Pot 100, shares 33.33%, 33.33%, 33.34%, three reps tied at
 *   rank 1: the places' parts are 33.33 + 33.33 + 33.34 = 100.00, paid 33.34, 33.33, 33.33.
 *
 * Prizes of rule milestones: every rep with a value gets the prize of the highest milestone its
 * value reaches (value >= at), and only that one; a rep below the first gets none. Every rep with
 * a value is qualified and ranked (the ranking is shown, not paid).
 *
 * Nothing here uses binary floating point.
 */
#ifndef SPM_CONTEST_H
#define SPM_CONTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spm/date.h"
#include "spm/error.h"
#include "spm/money.h"
#include "spm/period.h"
#include "spm/scorecard.h"
#include "spm/store.h"

typedef enum spm_contest_rule {
	SPM_CONTEST_RANKING,   /* every rep with a value is ranked; the pot is shared by place */
	SPM_CONTEST_MINIMUM,   /* only reps at or above the minimum are ranked and paid */
	SPM_CONTEST_MILESTONES /* every rep reaching a level gets its prize, the highest only */
} spm_contest_rule;

/* "ranking", "minimum", "milestones"; "?" for any other value. */
const char *spm_contest_rule_name(spm_contest_rule rule);

typedef struct spm_contest_milestone {
	int64_t at;      /* in the measure's key units (spm_scorecard_key) */
	spm_money prize; /* at most 2 decimals */
} spm_contest_milestone;

/* A parsed contest file. Opaque; read it through spm_contest_describe. */
typedef struct spm_contest spm_contest;

/* What a contest file says, for a report's heading. Every pointer is owned by the contest. */
typedef struct spm_contest_info {
	const char *source; /* the file name given to spm_contest_parse */
	const char *name;   /* never empty */
	spm_stat measure;
	spm_contest_rule rule;
	const char *period;   /* the period as written, or NULL (see spm_contest_period) */
	const char *team;     /* or NULL: every team */
	const char *currency; /* or NULL: the store's base currency */
	bool has_minimum;     /* exactly with rule minimum */
	int64_t minimum;      /* in the measure's key units */
	bool has_prizes;      /* rules ranking and minimum with `prizes` */
	spm_money pot;
	const spm_rate *shares; /* nshares >= 1 with has_prizes; place 1 first */
	size_t nshares;
	const spm_contest_milestone *milestones; /* rule milestones: nmilestones >= 1, ascending */
	size_t nmilestones;
} spm_contest_info;

/*
 * Parses a contest file: text of len bytes (need not be NUL-terminated), named file_name in
 * messages (NULL: "-"). On success *out is a contest the caller frees with spm_contest_free; it
 * keeps its own copy of everything, so text may be freed at once.
 * Returns SPM_OK; SPM_ECONFIG with err located at the fault ("q2.yaml:4:7: unknown value 'bokings'
 * (expected one of: bookings, ...); did you mean 'bookings'?"): YAML syntax, an unknown or missing
 * key, a value of the wrong type or units, an unknown measure, rule or currency, an empty name or
 * team, a bad period name, a negative pot, prize, minimum or milestone, a pot or prize with more
 * than 2 decimals, a share not above 0% or above 100%, shares adding up to more than 100%, no
 * shares, milestones not strictly increasing, no milestones, rule minimum without `minimum`,
 * `minimum` without rule minimum, rule milestones without `milestones` or with `prizes`,
 * `milestones` without rule milestones, and the currency given twice; SPM_ENOMEM. *out is NULL
 * on failure.
 */
int spm_contest_parse(const char *text, size_t len, const char *file_name, spm_contest **out,
                      spm_error *err);

/* Frees the contest and everything taken from it. NULL-safe. */
void spm_contest_free(spm_contest *c);

/* The contest's name (owned by c). */
const char *spm_contest_name(const spm_contest *c);

/* Everything the file says (owned by c, valid until spm_contest_free). */
const spm_contest_info *spm_contest_describe(const spm_contest *c);

/*
 * The file's period, read with the fiscal year (NULL: calendar; a store's comes from
 * spm_store_fiscal), into *out. Returns SPM_OK; 1 when the file gives no period (*out unchanged);
 * SPM_ECONFIG located at the period when that fiscal year cannot name it (e.g. 'FY0001' with a
 * year starting in July); SPM_EUSAGE for a bad fiscal start month.
 */
int spm_contest_period(const spm_contest *c, const spm_fiscal *fiscal, spm_period *out,
                       spm_error *err);

/* One rep's standing in a contest. Strings are valid during the callback only. */
typedef struct spm_contest_row {
	const char *rep_id;
	const char *name;     /* or NULL */
	const char *team;     /* or NULL */
	spm_stat measure;     /* the contest's */
	bool has_value;       /* false: no value for the measure (no quota, no run) */
	int64_t value;        /* the measure in its key units (spm_scorecard_key); 0 without one */
	bool qualified;       /* has a value and, with rule minimum, reaches it */
	size_t rank;          /* competition rank among the qualified; 0 when not qualified */
	bool has_prize;       /* a place with a share, or a milestone reached */
	spm_money prize;      /* 0 without a prize */
	const char *currency; /* of value (money measures) and prize */
	int milestone;        /* rule milestones: the index of the highest reached; -1 none or other
	                         rules */
} spm_contest_row;

/* Called once per row; a non-zero return stops the run and is returned. */
typedef int (*spm_contest_fn)(void *ctx, const spm_contest_row *row);

/*
 * Runs contest c over the scorecard of `period` (NULL: the file's period, read with the store's
 * fiscal year) to as_of (0: the period's last day; a later day reads the whole period), reading
 * activities and payouts only when the measure needs them. Calls fn for every rep: the qualified
 * first, best first in spm_rank's order (value, then rep id), then the others, by value (best
 * first) then rep id, those without a value last. The prizes are those the header describes.
 * Returns SPM_OK, fn's non-zero return, SPM_EUSAGE (no c or fn; no period at all; as_of before the
 * period's first day), SPM_ECONFIG (the file's period, as spm_contest_period), SPM_EDATA (an
 * unknown team: "no team 'X' in the store"; an exchange rate missing), SPM_ERANGE, SPM_ENOMEM, or a
 * store failure. fn is not called once a failure is found; rows are all computed before the first
 * call.
 */
int spm_contest_run(spm_store *st, const spm_contest *c, const spm_period *period, spm_date as_of,
                    spm_contest_fn fn, void *ctx, spm_error *err);

/*
 * Writes a value of measure m in its key units as a person reads it: an amount with 2 decimals at
 * least ("50000.00", "1234.5678"), attainment as a percentage ("110%", "87.5%"), a count as digits.
 * Returns the length; buf needs SPM_NUM_BUFSZ bytes (smaller truncates like snprintf).
 */
size_t spm_contest_value_format(char *buf, size_t size, spm_stat m, int64_t value);

/* ---- badges -------------------------------------------------------------------------------- */

/*
 * Badges over the consecutive steps of a period (`--period 2026 --by quarter`: 2026-Q1 .. Q4).
 * Steps that begin after as_of are left out; the step holding as_of is measured to as_of only.
 *
 *   streak:       per rep, the run of consecutive steps at or above quota (attainment >= 100%),
 *                 ending with the last step; a step where the rep has no quota or is not listed
 *                 breaks the run. Earned when the run is 2 steps or more, in the last step.
 *                 Steps before the period are not looked at. `longest` gives the rep's longest
 *                 run within the steps (at least the current one).
 *   first deal:   the step in which the rep's first ever won deal credited to them as owner or
 *                 split falls (any date in the store, up to as_of; a deal cancelled by as_of does
 *                 not count), when that step is one of the steps.
 *   largest deal: per step, the rep or reps (ties: all) whose largest single credited deal (as
 *                 owner or split, the scorecard's `largest`) is the largest of the reps listed
 *                 (the whole company, or the query's team). A step whose largest is not above
 *                 zero gives none.
 * Badges come by step, then kind (in enum order), then rep id in byte order.
 */
typedef enum spm_badge_kind {
	SPM_BADGE_STREAK,
	SPM_BADGE_FIRST_DEAL,
	SPM_BADGE_LARGEST_DEAL
} spm_badge_kind;

/* "streak", "first-deal", "largest-deal"; "?" for any other value. */
const char *spm_badge_kind_name(spm_badge_kind kind);

typedef struct spm_badge_query {
	spm_period period;
	spm_period_kind step; /* the steps' kind: period's own kind (one step) or finer */
	spm_date as_of;       /* 0: the period's last day; not before its first day */
	const char *currency; /* NULL: the store's base currency */
	const char *team;     /* only this team's reps; NULL: all */
} spm_badge_query;

/* One badge. Strings are valid during the callback only. */
typedef struct spm_badge {
	const char *rep_id;
	const char *name; /* or NULL */
	spm_badge_kind kind;
	spm_period period;    /* the step in which it was earned */
	int streak;           /* streak: steps in a row at or above quota, ending with `period` */
	int longest;          /* streak: the rep's longest such run within the steps */
	spm_date date;        /* first deal: the deal's date */
	spm_money amount;     /* largest deal: the credit, in `currency` */
	const char *currency; /* largest deal: the scorecard's currency; NULL for other kinds */
} spm_badge;

/* Called once per badge; a non-zero return stops and is returned. */
typedef int (*spm_badge_fn)(void *ctx, const spm_badge *badge);

/*
 * Calls fn for every badge earned over the query's steps, in the order above. Reads one
 * scorecard per step (at most 12: a year by months) and the credits up to as_of.
 * Returns SPM_OK, fn's non-zero return, SPM_EUSAGE (no q or fn; a step kind longer than the
 * period or not a kind; as_of before the period), SPM_EDATA (an unknown team; an exchange rate
 * missing), SPM_ERANGE, SPM_ENOMEM or a store failure. fn is not called once a failure is found;
 * every badge is known before the first call.
 */
int spm_badges(spm_store *st, const spm_badge_query *q, spm_badge_fn fn, void *ctx, spm_error *err);

#endif
