/*
 * spm/survey.h - employee survey results: the employee net promoter score (eNPS) of the answers
 * in the store, per team and for the company, over a span of days or per period within it.
 *
 * Words used by spm-report survey:
 *   - an answer is a score from 0 to 10; it comes from a promoter (9 or 10), a passive (7 or 8) or
 *     a detractor (0 to 6);
 *   - the score of a set of answers is the percentage of promoters minus the percentage of
 *     detractors: 100 × (promoters - detractors) / answers, from -100 to +100. 25% promoters and
 *     20% detractors score +5; 60 promoters, 25 passives and 15 detractors of 100 answers, +45.
 *     It is exact arithmetic: one rounding, half away from zero, at the place asked for;
 *   - pooled (the default): every answer dated in the period counts, so a period that holds
 *     several surveys counts each person once per survey they answered;
 *   - latest: only each respondent's last answer to each question in the period counts, so a
 *     person weighs once per question however many surveys they answered. A respondent is known
 *     by the respondent text alone: answers that a survey tool exports under one shared name
 *     (such as "anonymous") are one person to this mode, and pooled is the mode for them;
 *   - an answer's team is the team of its rep record (survey.rep_id). Answers with no rep record,
 *     or whose rep has no team, belong to the team "" (the empty name, which no real team has).
 */
#ifndef SPM_SURVEY_H
#define SPM_SURVEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spm/date.h"
#include "spm/error.h"
#include "spm/money.h"
#include "spm/period.h"
#include "spm/store.h"

#define SPM_SURVEY_SCORE_MIN 0
#define SPM_SURVEY_SCORE_MAX 10

typedef enum spm_survey_class {
	SPM_SURVEY_INVALID = -1, /* a score outside 0..10 */
	SPM_SURVEY_DETRACTOR,    /* 0..6 */
	SPM_SURVEY_PASSIVE,      /* 7..8 */
	SPM_SURVEY_PROMOTER      /* 9..10 */
} spm_survey_class;

/* The class of an answer's score; SPM_SURVEY_INVALID for a score outside 0..10. */
spm_survey_class spm_survey_classify(int score);

/* "detractor", "passive", "promoter"; "invalid" for any other value. A static string. */
const char *spm_survey_class_name(spm_survey_class c);

/*
 * Counts of answers by class. Zero-initialise, then add answers. answers is always the sum of
 * the three others in a tally built with spm_survey_tally_add.
 */
typedef struct spm_survey_tally {
	int64_t promoters, passives, detractors, answers;
} spm_survey_tally;

/*
 * Adds one answer with the given score. Returns SPM_OK; SPM_EUSAGE for a NULL t or a score
 * outside 0..10, SPM_ERANGE when a count would pass INT64_MAX; t is unchanged on failure.
 */
int spm_survey_tally_add(spm_survey_tally *t, int score);

/*
 * The score of t as a rate of points: 45 for +45 (held as 45 × 10^10 units), 5 for +5, -100 for
 * all detractors. 100 × (promoters - detractors) / answers, rounded once, half away from zero, at
 * the rate scale (10 decimals): 1 promoter of 3 answers is 33.3333333333, 2 of 3 is
 * 66.6666666667. Returns SPM_OK; SPM_EDATA "no survey answers to score" when t has no answers;
 * SPM_EUSAGE when t or score is NULL or t does not add up (a negative count, or classes that do
 * not sum to answers). *score is unchanged on failure; err may be NULL.
 */
int spm_survey_score(const spm_survey_tally *t, spm_rate *score, spm_error *err);

/*
 * Writes the score of t with exactly `decimals` decimals (0..10), rounded once from the exact
 * value, half away from zero: "45", "33.3", "-0.5", "100.00". A '-' for negatives, no '+', '.' as
 * the separator and no grouping; a value that rounds to zero is written without a sign ("0",
 * "0.0"). buf needs SPM_NUM_BUFSZ bytes; a smaller size cuts the text like snprintf (NUL-terminated
 * when size > 0). Returns SPM_OK, or fails as spm_survey_score does, and with SPM_EUSAGE for
 * decimals outside 0..10 or a NULL buf with size > 0; buf then holds "" when size > 0.
 */
int spm_survey_score_format(char *buf, size_t size, const spm_survey_tally *t, int decimals,
                            spm_error *err);

/* What spm_survey_results counts and how it splits the rows. Zero-initialise, then set. */
typedef struct spm_survey_query {
	spm_date first, last; /* the answers dated in [first, last], both included */
	bool per_period;      /* false: one row per team for the whole of [first, last] */
	spm_period_kind by;   /* with per_period: one row per team per period of this kind */
	const char *question; /* NULL: every question; "" the answers given without a question */
	const char *team;     /* NULL: every team; "" the answers without a team */
	bool latest;          /* each respondent's last answer per question per row only */
} spm_survey_query;

/*
 * One row of results. Everything it points to is valid during the call only.
 *
 * With per_period, periods are the store's (its fiscal year: spm_store_fiscal) and period is the
 * whole period, while first and last are the part of it inside the query's [first, last], the days
 * whose answers the row counts (and in which latest looks for each respondent's last answer).
 * Without it, period is not set (all zero) and first and last are the query's.
 */
typedef struct spm_survey_row {
	const char *team;       /* NULL for the company row; "" for the answers without a team */
	bool has_period;        /* the query asked for per_period */
	spm_period period;      /* when has_period */
	spm_date first, last;   /* the days counted */
	spm_survey_tally tally; /* never empty: rows without answers are not called */
	spm_rate score;         /* spm_survey_score of tally */
} spm_survey_row;

/* Called once per row; a non-zero return stops the results and is returned. */
typedef int (*spm_survey_fn)(void *ctx, const spm_survey_row *row);

/*
 * Calls fn with the results of q: period by period in time order (one period with per_period
 * off), and within a period a row for each team that has answers in it, in byte order of the team
 * name ("" first), then the company row (team NULL) counting every answer of the period. A team
 * without answers in a period gets no row, and a period without answers no row at all, not even
 * the company row. With q->team set only that team's rows are called (no company row); with
 * q->question set only the answers to that question count, in every row. In latest mode the last
 * answer is chosen before the team filter applies, so a filter chooses rows but never changes a
 * figure. q and its strings are borrowed for the call.
 *
 * Returns SPM_OK, fn's non-zero return, or a negative status: SPM_EUSAGE for a missing st, q or
 * fn, a day that is not a date of the years 1..9999, first after last ("survey: first day
 * '2026-04-01' is after last day '2026-03-31'") or, with per_period, a kind that is not an
 * spm_period_kind; SPM_EDATA for a team that no rep has ("no team 'X' in the store") or a
 * question that no answer in the store has ("no answers to question 'X' in the store");
 * SPM_ERANGE when a period reaches outside the years 1..9999; SPM_ESTORE when the store holds a
 * bad date or score; SPM_ENOMEM; and store failures as spm_stmt_step returns them.
 */
int spm_survey_results(spm_store *st, const spm_survey_query *q, spm_survey_fn fn, void *ctx,
                       spm_error *err);

#endif
