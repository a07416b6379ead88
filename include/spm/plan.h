/*
 * spm/plan.h - compensation plans as code: the plan file (spm-plan(5)) read into a checked model.
 *
 * A plan is a YAML file kept in version control. The parser is strict: an unknown key, a value of
 * the wrong type, a percentage out of range, a rate table whose bounds do not ascend, a missing
 * required field -- each is an error located at plan.yaml:LINE:COL. Every calculation choice that
 * vendors leave implicit is a named field with a documented default, so that `spm-commission
 * explain` can say which applied.
 *
 * This version reads the plan's header (name, currency, period, evaluation, effective dates,
 * rounding) and its components (credit rules, measure, quota, a flat rate or a rate table, a cap).
 * Later parts of the format (bonuses, overrides, draws, clawbacks, proration, currency conversion)
 * are refused as unknown keys until they are implemented.
 */
#ifndef SPM_PLAN_H
#define SPM_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "spm/date.h"
#include "spm/error.h"
#include "spm/money.h"
#include "spm/period.h"
#include "spm/rates.h"

typedef enum spm_plan_evaluation {
	SPM_EVAL_PERIOD,          /* each period on its own */
	SPM_EVAL_QUARTER_TO_DATE, /* cumulative within the quarter, with true-up */
	SPM_EVAL_YEAR_TO_DATE     /* cumulative within the (fiscal) year, with true-up */
} spm_plan_evaluation;

typedef enum spm_plan_rounding_on {
	SPM_ROUND_EACH_LINE, /* every payout line is rounded; the total is their sum */
	SPM_ROUND_TOTAL      /* lines keep 4 decimals; the rep's total is rounded once */
} spm_plan_rounding_on;

typedef enum spm_plan_measure {
	SPM_MEASURE_AMOUNT /* sum of credited amounts (counts and margins come later) */
} spm_plan_measure;

/* Which date of a deal places it in a period. */
typedef enum spm_plan_date_field { SPM_DATE_CLOSE, SPM_DATE_CREATED } spm_plan_date_field;

/* Who a deal credits. */
#define SPM_CREDIT_OWNER 0x1u   /* the deal's rep, when the deal has no revenue split */
#define SPM_CREDIT_SPLIT 0x2u   /* the reps of its revenue split, by share */
#define SPM_CREDIT_OVERLAY 0x4u /* overlay credits, by share */

/* A list of words a deal's field must be among; n == 0 means any. */
typedef struct spm_plan_words {
	const char *const *words;
	size_t n;
} spm_plan_words;

typedef struct spm_plan_credit {
	unsigned statuses; /* bits 1 << open, won, lost (0 open, 1 won, 2 lost); default won */
	spm_plan_words types, products, stages;
	spm_plan_date_field date; /* default close_date */
	unsigned roles;           /* SPM_CREDIT_*; default owner | split */
} spm_plan_credit;

typedef enum spm_plan_pay_kind {
	SPM_PAY_RATE, /* a flat rate on the measure */
	SPM_PAY_TABLE /* a rate table (graduated or retroactive, on amount or attainment) */
} spm_plan_pay_kind;

typedef struct spm_plan_component {
	const char *name;
	long line; /* where the component starts in the file */
	bool has_weight;
	spm_rate weight; /* 0..100% */
	spm_plan_credit credit;
	spm_plan_measure measure; /* default amount */
	const char *quota;        /* quota metric (e.g. bookings), or NULL */
	spm_plan_pay_kind pay;
	spm_rate rate;        /* SPM_PAY_RATE */
	spm_rate_table table; /* SPM_PAY_TABLE; tiers owned by the plan */
	const long *tier_lines; /* SPM_PAY_TABLE: where each tier is written, for messages */
	bool has_cap;
	spm_money cap; /* the component's pay per period at most */
} spm_plan_component;

typedef struct spm_plan {
	const char *name;
	const char *source; /* the file name given to spm_plan_parse */
	char currency[4];
	spm_period_kind period;
	spm_plan_evaluation evaluation; /* default period */
	spm_date from;
	bool has_to;
	spm_date to;
	spm_rounding rounding;            /* default half-up */
	int rounding_places;              /* 0..4, default 2 */
	spm_plan_rounding_on rounding_on; /* default each line */
	const spm_plan_component *components;
	size_t ncomponents;
} spm_plan;

/*
 * Reads a plan from text (len bytes) named `source` in messages. Returns SPM_OK with *out, or
 * SPM_ECONFIG with err located at source:line:col, or SPM_ENOMEM. The plan owns all its memory.
 */
int spm_plan_parse(spm_plan **out, const char *source, const char *text, size_t len,
                   spm_error *err);

/* Frees a plan. NULL-safe. */
void spm_plan_free(spm_plan *plan);

#endif
