/*
 * spm/payouts.h - what comes out of a stored commission run: the run's facts, its payout lines and
 * the credits behind them, the unfolded explanation of a line, rep statements (also as a printable
 * HTML page), the payroll aggregation by pay code, and closing a period.
 *
 * Everything here reads what a run stored (spm/run.h writes it); nothing is recomputed, so a
 * statement shows what was paid even after the inputs changed. A period has at most one current
 * run; closing the period locks that run, and a run of a closed period is refused.
 *
 * Readers hand out rows through callbacks: the row's strings belong to the library and are valid
 * only during the call. A callback returns 0 to go on, or any other value to stop: the reader then
 * returns that value (a negative spm_status with its own error record, or a positive value of the
 * caller's). Amounts are exact (spm_money); nothing here uses floating point.
 */
#ifndef SPM_PAYOUTS_H
#define SPM_PAYOUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "spm/error.h"
#include "spm/money.h"
#include "spm/period.h"
#include "spm/store.h"

#define SPM_STAMP_BUFSZ 40 /* a stored timestamp such as "2026-04-02T06:00:00Z" */

/* A plan a run used, by the SHA-256 of its text. */
typedef struct spm_run_plan_ref {
	char hash[65];
	char *name;   /* owned by the spm_run_info */
	char *source; /* the file it was read from */
} spm_run_plan_ref;

/* The facts of a period's current run. Release with spm_run_info_release. */
typedef struct spm_run_info {
	int64_t run_id;
	char period[SPM_PERIOD_BUFSZ];  /* canonical name, "2026-Q1" */
	char first[SPM_DATE_BUFSZ];     /* the period's first day, as stored */
	char last[SPM_DATE_BUFSZ];      /* its last day */
	char inputs_hash[65];           /* SHA-256 hex of everything the run read */
	char started_at[SPM_STAMP_BUFSZ];
	char finished_at[SPM_STAMP_BUFSZ]; /* "" while unfinished */
	bool closed;                       /* the period is locked */
	char closed_at[SPM_STAMP_BUFSZ];   /* "" when open */
	spm_run_plan_ref *plans;           /* ordered by name, then hash; owned */
	size_t nplans;
} spm_run_info;

/*
 * Reads the current run of `period`. Returns SPM_OK; SPM_EDATA "period 2026-Q1 has no run: run it
 * first"; SPM_ENOMEM; store failures (SPM_ESTORE, SPM_EBUSY, SPM_EIO). On success *out holds
 * copies the caller releases; on failure *out is zeroed (releasing it is harmless).
 */
int spm_run_info_read(spm_store *st, const spm_period *period, spm_run_info *out, spm_error *err);

/* A run and the days of the period it pays. */
typedef struct spm_run_span {
	int64_t run_id;
	spm_date first, last;
} spm_run_span;

/*
 * The runs that pay `period`: the current run of each period lying within it, the longest first,
 * a period overlapping one already taken left out (a quarter's run, not its months' as well).
 * Writes at most cap runs to runs and their number to *n. Returns SPM_OK (*n may be 0),
 * SPM_ERANGE when there are more than cap, or a store failure.
 */
int spm_runs_within(spm_store *st, const spm_period *period, spm_run_span *runs, size_t cap,
                    size_t *n, spm_error *err);

/* Frees what spm_run_info_read allocated and zeroes *info. NULL-safe. */
void spm_run_info_release(spm_run_info *info);

/*
 * The text of the plan kept in the store under `hash` (a run's plan), to run it again exactly:
 * *text is a NUL-terminated copy the caller frees, *len its length. Returns SPM_OK; SPM_EDATA
 * "no plan with hash '...' in the store"; SPM_ENOMEM; store failures.
 */
int spm_plan_text_read(spm_store *st, const char *hash, char **text, size_t *len, spm_error *err);

/*
 * Whether `period` is closed: *closed is set (false when there is no lock). Returns SPM_OK or a
 * store failure.
 */
int spm_period_is_closed(spm_store *st, const spm_period *period, bool *closed, spm_error *err);

/*
 * Closes `period`: locks its current run, in one transaction, stamped with the current UTC time.
 * *run_id (may be NULL) receives the run locked. Returns SPM_OK; SPM_EDATA "period 2026-Q1 has no
 * run: run it first" or "period 2026-Q1 is already closed"; SPM_EBUSY when another process writes;
 * other store failures. On failure the store is as it was.
 */
int spm_period_close(spm_store *st, const spm_period *period, int64_t *run_id, spm_error *err);

/*
 * Looks up a rep. *name (may be NULL) receives a copy of the rep's name, NULL when the rep has
 * none; the caller frees it. Returns SPM_OK; SPM_EDATA "unknown rep 'r99'"; SPM_ENOMEM; store
 * failures.
 */
int spm_rep_lookup(spm_store *st, const char *rep_id, char **name, spm_error *err);

/* A stored payout line. Strings are never NULL unless said so. */
typedef struct spm_payout_line {
	int64_t line_id;
	const char *rep_id;
	const char *rep_name;   /* NULL when the rep has no name */
	const char *plan_hash;  /* NULL for a rep-level line */
	const char *plan;       /* the plan's name; NULL for a rep-level line */
	const char *component;  /* component, bonus or override; NULL for a rep-level line */
	const char *kind;       /* commission, bonus, override, cap, clawback, carry, ... */
	spm_money amount;       /* as paid: already rounded by the plan */
	const char *currency;
	bool has_base;
	spm_money base;
	bool has_earned;
	spm_money earned;
	const char *reference; /* what the line corrects or refers to, or NULL */
	const char *reason;    /* or NULL */
	const char *explain;   /* a JSON object, or NULL */
} spm_payout_line;

typedef int (*spm_payout_line_fn)(void *ctx, const spm_payout_line *line);

/*
 * Calls fn for each line of run `run_id`, for one rep (rep_id) or every rep (NULL), ordered by
 * rep_id, then plan (rep-level lines after the plans' lines), then as stored (line_id). Returns
 * SPM_OK, fn's non-zero value, or a store failure.
 */
int spm_payout_lines_each(spm_store *st, int64_t run_id, const char *rep_id,
                          spm_payout_line_fn fn, void *ctx, spm_error *err);

/* A credit line behind a payout line: a deal credited to the rep under the line's component. */
typedef struct spm_payout_credit {
	const char *deal_id;
	const char *role;      /* owner, split, overlay, team or territory */
	spm_rate share;
	const char *date;      /* the deal's date the credit counted on */
	spm_money amount;      /* credited, in the deal's currency */
	const char *currency;  /* the deal's currency */
	spm_money converted;   /* into the plan's currency */
} spm_payout_credit;

typedef int (*spm_payout_credit_fn)(void *ctx, const spm_payout_credit *credit);

/*
 * Calls fn for each credit of `line`, or only those of deal_id when it is not
 * NULL, ordered by date, deal and role: the credits the run kept with the line (commissions,
 * overrides, per-deal bonuses; a weighted curve's line has all its components'). Returns SPM_OK,
 * fn's non-zero value, or a store failure.
 */
int spm_payout_credits_each(spm_store *st, const spm_payout_line *line, const char *deal_id,
                            spm_payout_credit_fn fn, void *ctx, spm_error *err);

/*
 * Whether deal_id fed `line`: it has a credit behind the line, or the line's reference names it
 * (is the deal id, or ends in ":" and the deal id). *fed is set. Returns SPM_OK or a store failure.
 */
int spm_payout_line_has_deal(spm_store *st, const spm_payout_line *line, const char *deal_id,
                             bool *fed, spm_error *err);

/*
 * One entry of a line's explanation. Scalars give their text (a string unquoted, true, false,
 * null, a number as written); an object or array other than "steps" gives its JSON text. Each
 * element of "steps" is one entry with key "step": step is its 1-based position, value a readable
 * text of all its members ("tier 1, base 1000.00, rate 8%, pay 80.00"), and tier, base, rate and
 * pay its members of those names as text (NULL when absent).
 */
typedef struct spm_explain_entry {
	const char *key;
	const char *value;
	int step; /* 0 unless a tier step */
	const char *tier, *base, *rate, *pay;
} spm_explain_entry;

typedef int (*spm_explain_fn)(void *ctx, const spm_explain_entry *entry);

/*
 * Unfolds a line's explanation (a JSON object) in its members' order. Returns SPM_OK, fn's
 * non-zero value, SPM_EDATA "explanation is not a JSON object" (for text that is not one: the
 * caller adds which line), or a store failure. NULL or empty explain has no entries.
 */
int spm_explain_each(spm_store *st, const char *explain, spm_explain_fn fn, void *ctx,
                     spm_error *err);

/*
 * The payroll pay code of a line kind: commission and cap COMMISSION, bonus BONUS, override
 * OVERRIDE, draw DRAW, recovery DRAW_RECOVERY, clawback CLAWBACK, adjustment and restatement
 * ADJUSTMENT, carry CARRY, settlement SETTLEMENT. Returns a static string, or NULL for a kind that
 * is none of these.
 */
const char *spm_pay_code(const char *kind);

/* One row of the payroll file: a rep's sum for one pay code and currency. */
typedef struct spm_payroll_row {
	const char *rep_id;
	const char *name;      /* NULL when the rep has no name */
	const char *pay_code;  /* static */
	spm_money amount;      /* the exact sum of the lines */
	const char *currency;
} spm_payroll_row;

typedef int (*spm_payroll_fn)(void *ctx, const spm_payroll_row *row);

/*
 * Sums run `run_id`'s lines per rep, pay code and currency, and calls fn for each sum, ordered by
 * rep_id, then pay code in the order of spm_pay_code's list (COMMISSION, BONUS, OVERRIDE,
 * ADJUSTMENT, CLAWBACK, CARRY, DRAW, DRAW_RECOVERY, SETTLEMENT), then currency. A rep and code
 * whose lines add up to zero still has its row. Returns SPM_OK, fn's non-zero value, SPM_EDATA
 * "line 12: kind 'x' has no pay code", SPM_ERANGE "rep 'r1': COMMISSION in EUR out of range",
 * SPM_ENOMEM or a store failure.
 */
int spm_payroll_each(spm_store *st, int64_t run_id, spm_payroll_fn fn, void *ctx, spm_error *err);

/* Sums per currency, ordered by currency. Zero-initialise; release with spm_totals_release. */
typedef struct spm_total {
	char currency[16];
	spm_money amount;
} spm_total;

typedef struct spm_totals {
	spm_total *items;
	size_t n, cap;
} spm_totals;

/*
 * Adds amount to the total of currency. Returns SPM_OK; SPM_ERANGE "total in EUR out of range"
 * (the total unchanged); SPM_EDATA for a currency longer than 15 bytes; SPM_ENOMEM.
 */
int spm_totals_add(spm_totals *t, const char *currency, spm_money amount, spm_error *err);
void spm_totals_clear(spm_totals *t); /* no totals, memory kept */
void spm_totals_release(spm_totals *t);

/*
 * Writes the statement of one rep (rep_id) or of every rep with lines in the run (NULL) as one
 * self-contained printable HTML document: inline CSS only, no scripts, nothing loaded from
 * elsewhere; one page per rep, with the run's facts, the lines (kind, plan, component, base,
 * amount, currency, reference, reason) and the total per currency, which is the sum of the lines
 * as printed. Every string from the store is escaped. Returns SPM_OK; SPM_EDATA for an unknown
 * rep; SPM_ERANGE for a total out of range; SPM_EIO "write error: <reason>"; SPM_ENOMEM; store
 * failures.
 */
int spm_statement_html(FILE *fp, spm_store *st, const spm_run_info *run, const char *rep_id,
                       spm_error *err);

#endif
